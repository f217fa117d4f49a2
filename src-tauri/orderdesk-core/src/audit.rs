//! The audit trail as evidence: both logs (order events, the settings log)
//! re-computed, and checkpoints — how many entries, the last id and its hash
//! — recorded where whoever edits the database cannot reach them all: in
//! the database, in a file beside it, in every backup and every export.
//! A log cut short, or changed and chained again, no longer matches a
//! checkpoint taken before.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Msg, Result};
use crate::store::{self, Store};

/// Where a log stood at a moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Checkpoint {
    pub at: String,
    /// Order events in the log.
    pub events: i64,
    /// The newest order event's id, and its hash.
    pub last_event: i64,
    pub head: String,
    /// Entries of the chained settings log, the newest id and its hash.
    pub settings_events: i64,
    pub last_setting: i64,
    pub settings_head: String,
}

/// The whole check: both chains, and every checkpoint given or recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditReport {
    pub ok: bool,
    pub events: i64,
    pub head: String,
    pub first_broken_event: Option<i64>,
    pub settings_ok: bool,
    pub first_broken_setting: Option<i64>,
    pub checkpoints_checked: i64,
    /// What did not match, one line each.
    pub problems: Vec<String>,
}

/// The checkpoint of the logs as they are in `c`.
pub fn checkpoint_in(c: &Connection, at: &str) -> Result<Checkpoint> {
    let (last_event, head) = store::events::last(c)?;
    let (last_setting, settings_head) = store::settings::settings_head(c)?;
    Ok(Checkpoint {
        at: at.to_string(),
        events: store::events::count(c)?,
        last_event,
        head,
        settings_events: store::settings::settings_count(c)?,
        last_setting,
        settings_head,
    })
}

/// The file beside the database that keeps its checkpoints, one per line.
pub fn beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".audit");
    PathBuf::from(name)
}

/// Takes a checkpoint and records it in the database and in the file
/// beside it; returns it.
pub fn record(store: &Store) -> Result<Checkpoint> {
    let at = store::stamp(store.now());
    let point = store.write(|tx| {
        let point = checkpoint_in(tx, &at)?;
        store::audit::insert(tx, &point)?;
        Ok(point)
    })?;
    append_line(&beside(store.path()), &point)?;
    Ok(point)
}

/// Appends a checkpoint to a file of them (made private when new).
pub fn append_line(path: &Path, point: &Checkpoint) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::with_source(
            ErrorKind::Storage,
            Msg::CannotOpen {
                path: path.display().to_string(),
            },
            e,
        )
    };
    let new = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    if new {
        store::files::make_private(path)?;
    }
    let line = serde_json::to_string(point)?;
    writeln!(file, "{line}").map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Checkpoints read from a file: JSON lines, a JSON list, one JSON object,
/// or an OrderDesk database (a backup: the ones it carries, and its own
/// state when it was taken).
pub fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>> {
    let unreadable = |detail: String| Error::invalid(Msg::ImportUnreadable { detail });
    let bytes = std::fs::read(path).map_err(|e| unreadable(format!("{}: {e}", path.display())))?;
    if bytes.starts_with(b"SQLite format 3\0") {
        let c = Connection::open_with_flags(
            store::files::for_sqlite(path),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        let mut points = store::audit::all(&c)?;
        points.push(checkpoint_in(&c, "")?);
        return Ok(points);
    }
    let text = String::from_utf8_lossy(&bytes);
    if let Ok(list) = serde_json::from_str::<Vec<Checkpoint>>(&text) {
        return Ok(list);
    }
    if let Ok(one) = serde_json::from_str::<Checkpoint>(&text) {
        return Ok(vec![one]);
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| unreadable(e.to_string())))
        .collect()
}

/// Both chains re-computed, then each checkpoint (given, and the ones the
/// database itself recorded) held against the logs as they are now.
pub fn verify(store: &Store, against: &[Checkpoint]) -> Result<AuditReport> {
    store.read(|c| {
        let events = store::events::verify(c)?;
        let settings = store::settings::verify_settings(c)?;
        let mut points = store::audit::all(c)?;
        points.extend_from_slice(against);
        let mut problems = Vec::new();
        if !events.ok {
            problems.push(format!(
                "order event {:?} does not match its hash",
                events.first_broken_event
            ));
        }
        if !settings.ok {
            problems.push(format!(
                "settings entry {:?} does not match its hash",
                settings.first_broken_event
            ));
        }
        for p in &points {
            problems.extend(held_against(c, p)?);
        }
        Ok(AuditReport {
            ok: problems.is_empty(),
            events: events.events,
            head: events.head,
            first_broken_event: events.first_broken_event,
            settings_ok: settings.ok,
            first_broken_setting: settings.first_broken_event,
            checkpoints_checked: points.len() as i64,
            problems,
        })
    })
}

/// What of one checkpoint the logs no longer show.
fn held_against(c: &Connection, p: &Checkpoint) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let when = if p.at.is_empty() {
        "a backup"
    } else {
        p.at.as_str()
    };
    if p.last_event > 0 {
        match store::events::hash_of(c, p.last_event)? {
            None => out.push(format!(
                "order event {} of the checkpoint of {when} is gone (the log was cut short)",
                p.last_event
            )),
            Some(h) if h != p.head => out.push(format!(
                "order event {} no longer has the hash of the checkpoint of {when} (the log was changed and chained again)",
                p.last_event
            )),
            Some(_) => {}
        }
    }
    if store::events::count(c)? < p.events {
        out.push(format!(
            "fewer order events than the checkpoint of {when} counted ({})",
            p.events
        ));
    }
    if p.last_setting > 0 {
        match store::settings::settings_hash_of(c, p.last_setting)? {
            Some(h) if h == p.settings_head => {}
            _ => out.push(format!(
                "settings entry {} does not match the checkpoint of {when}",
                p.last_setting
            )),
        }
    }
    Ok(out)
}
