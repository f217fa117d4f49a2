//! Checkpoints of the audit logs recorded in the database itself (see
//! `crate::audit`).

use rusqlite::{Connection, params};

use crate::audit::Checkpoint;
use crate::error::Result;

pub fn insert(c: &Connection, p: &Checkpoint) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO audit_checkpoints (at, events, last_event, head, settings_events,
             last_setting, settings_head)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        p.at,
        p.events,
        p.last_event,
        p.head,
        p.settings_events,
        p.last_setting,
        p.settings_head
    ])?;
    Ok(())
}

pub fn all(c: &Connection) -> Result<Vec<Checkpoint>> {
    let mut stmt = c.prepare_cached(
        "SELECT at, events, last_event, head, settings_events, last_setting, settings_head
         FROM audit_checkpoints ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Checkpoint {
            at: r.get(0)?,
            events: r.get(1)?,
            last_event: r.get(2)?,
            head: r.get(3)?,
            settings_events: r.get(4)?,
            last_setting: r.get(5)?,
            settings_head: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
