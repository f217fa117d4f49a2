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

pub fn record_event(
    c: &Connection,
    at: &str,
    actor: (i64, &str),
    kind: &str,
    subject: &str,
    detail: Option<&str>,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO settings_events (at, actor_id, actor_login, kind, subject, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at, actor.0, actor.1, kind, subject, detail])?;
    Ok(())
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
