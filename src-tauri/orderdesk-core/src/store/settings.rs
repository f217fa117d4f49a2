//! Settings rows (JSON values by key) and the cancellation reason list.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;

pub fn get(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?,
    )
}

pub fn put(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reason {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub active: bool,
}

pub fn reasons(c: &Connection) -> Result<Vec<Reason>> {
    let mut stmt = c.prepare_cached(
        "SELECT code, label_zh, label_en, active FROM cancel_reasons ORDER BY position, code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Reason {
            code: r.get(0)?,
            label_zh: r.get(1)?,
            label_en: r.get(2)?,
            active: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn reason(c: &Connection, code: &str) -> Result<Option<Reason>> {
    Ok(c.prepare_cached(
        "SELECT code, label_zh, label_en, active FROM cancel_reasons WHERE code = ?1",
    )?
    .query_row([code], |r| {
        Ok(Reason {
            code: r.get(0)?,
            label_zh: r.get(1)?,
            label_en: r.get(2)?,
            active: r.get(3)?,
        })
    })
    .optional()?)
}

/// Adds a reason, or renames and re-activates an existing one. Reasons are
/// never deleted: archived orders refer to them.
pub fn upsert_reason(c: &Connection, r: &Reason) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO cancel_reasons (code, label_zh, label_en, active, position)
         VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), 0) + 1 FROM cancel_reasons))
         ON CONFLICT (code) DO UPDATE SET
             label_zh = excluded.label_zh, label_en = excluded.label_en, active = excluded.active",
    )?
    .execute(params![r.code, r.label_zh, r.label_en, r.active])?;
    Ok(())
}

/// One administrator's change, as the settings log shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettingsEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub detail: Option<String>,
}

/// Appends an administrator's change, chained to the one before it (see
/// `store::events`: the same hashing, with this log's own head).
pub fn record_event(
    c: &Connection,
    at: &str,
    actor: (i64, &str),
    kind: &str,
    subject: &str,
    detail: Option<&str>,
) -> Result<()> {
    let anchor = crate::store::events::anchor(c)?;
    let id = crate::store::events::next_id(c, "settings_events")?;
    let prev = settings_head(c)?.1;
    let hash = settings_hash(&anchor.nonce, id, &prev, at, actor, kind, subject, detail);
    c.prepare_cached(
        "INSERT INTO settings_events (id, at, actor_id, actor_login, kind, subject, detail,
             prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id, at, actor.0, actor.1, kind, subject, detail, prev, hash
    ])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn settings_hash(
    nonce: &str,
    id: i64,
    prev: &str,
    at: &str,
    actor: (i64, &str),
    kind: &str,
    subject: &str,
    detail: Option<&str>,
) -> String {
    let (id, actor_id) = (id.to_string(), actor.0.to_string());
    crate::store::events::hash_fields(&[
        Some("settings-v2"),
        Some(nonce),
        Some(&id),
        Some(prev),
        Some(at),
        Some(&actor_id),
        Some(actor.1),
        Some(kind),
        Some(subject),
        detail,
    ])
}

/// The newest chained entry's id and hash (0 and the genesis when none).
pub fn settings_head(c: &Connection) -> Result<(i64, String)> {
    Ok(c.prepare_cached(
        "SELECT id, hash FROM settings_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .unwrap_or((0, crate::store::events::GENESIS.to_string())))
}

/// How many entries the chained part of the log holds.
pub fn settings_count(c: &Connection) -> Result<i64> {
    let from = crate::store::events::anchor(c)?.settings_from;
    Ok(
        c.prepare_cached("SELECT count(*) FROM settings_events WHERE id >= ?1")?
            .query_row([from], |r| r.get(0))?,
    )
}

/// The hash of the entry with this id, if there is one.
pub fn settings_hash_of(c: &Connection, id: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT hash FROM settings_events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
}

/// Re-computes the settings log's chain from the anchor on.
pub fn verify_settings(c: &Connection) -> Result<crate::store::events::ChainReport> {
    let anchor = crate::store::events::anchor(c)?;
    if anchor.settings_from == i64::MAX {
        // From before the settings log was chained.
        return Ok(crate::store::events::ChainReport {
            events: 0,
            ok: true,
            first_broken_event: None,
            head: crate::store::events::GENESIS.to_string(),
        });
    }
    let mut stmt = c.prepare(
        "SELECT id, at, actor_id, actor_login, kind, subject, detail, prev_hash, hash
         FROM settings_events WHERE id >= ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([anchor.settings_from])?;
    let mut expected = crate::store::events::GENESIS.to_string();
    let mut events = 0;
    while let Some(r) = rows.next()? {
        events += 1;
        let id: i64 = r.get(0)?;
        let prev: Option<String> = r.get(7)?;
        let stored: Option<String> = r.get(8)?;
        let actor_id: Option<i64> = r.get(2)?;
        let computed = settings_hash(
            &anchor.nonce,
            id,
            prev.as_deref().unwrap_or(""),
            &r.get::<_, String>(1)?,
            (actor_id.unwrap_or(0), &r.get::<_, String>(3)?),
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?.as_deref(),
        );
        if prev.as_deref() != Some(expected.as_str())
            || stored.as_deref() != Some(computed.as_str())
        {
            return Ok(crate::store::events::ChainReport {
                events,
                ok: false,
                first_broken_event: Some(id),
                head: stored.unwrap_or_default(),
            });
        }
        expected = computed;
    }
    Ok(crate::store::events::ChainReport {
        events,
        ok: true,
        first_broken_event: None,
        head: expected,
    })
}

pub fn events(c: &Connection, limit: i64) -> Result<Vec<SettingsEvent>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, at, actor_login, kind, subject, detail FROM settings_events
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(SettingsEvent {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            kind: r.get(3)?,
            subject: r.get(4)?,
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The log's entries about one subject (a customer code, a SKU) whose kind
/// starts with `kind_prefix`, newest first.
pub fn events_about(
    c: &Connection,
    kind_prefix: &str,
    subject: &str,
    limit: i64,
) -> Result<Vec<SettingsEvent>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, at, actor_login, kind, subject, detail FROM settings_events
         WHERE subject = ?1 AND substr(kind, 1, length(?2)) = ?2
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![subject, kind_prefix, limit], |r| {
        Ok(SettingsEvent {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            kind: r.get(3)?,
            subject: r.get(4)?,
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
