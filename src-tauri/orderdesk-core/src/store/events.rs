//! The audit trail: order events, append-only and hash-chained.
//!
//! Each event's hash covers the previous event's hash and the event's own
//! fields, so changing or deleting any row breaks every hash after it. From
//! the anchor's `events_from` on, it also covers the row id and the
//! database's nonce; checkpoints (count, last id, head) recorded elsewhere
//! then show a log cut short or chained again.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{OrderId, Status, UserId};
use crate::error::Result;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event about to be written.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub order_id: i64,
    pub order_number: &'a str,
    pub kind: &'a str,
    pub actor_id: Option<UserId>,
    pub actor_login: Option<&'a str>,
    pub at: &'a str,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    pub data: Option<String>,
}

/// One row of an order's timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub actor: Option<String>,
    /// The actor's name as it is now.
    pub actor_name: Option<String>,
    pub at: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub data: Option<serde_json::Value>,
}

/// The database's audit anchor: its nonce, and the first ids chained with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub nonce: String,
    pub events_from: i64,
    pub settings_from: i64,
}

/// The anchor; a database from before it (an old backup) has none, and
/// its logs are checked the first way only.
pub fn anchor(c: &Connection) -> Result<Anchor> {
    let has: bool = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_anchor')",
        )?
        .query_row([], |r| r.get(0))?;
    if !has {
        return Ok(Anchor {
            nonce: String::new(),
            events_from: i64::MAX,
            settings_from: i64::MAX,
        });
    }
    Ok(
        c.prepare_cached(
            "SELECT nonce, events_from, settings_from FROM audit_anchor WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok(Anchor {
                nonce: r.get(0)?,
                events_from: r.get(1)?,
                settings_from: r.get(2)?,
            })
        })?,
    )
}

/// The id the next row of an AUTOINCREMENT table will get.
pub(crate) fn next_id(c: &Connection, table: &str) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0) + 1",
    )?
    .query_row([table], |r| r.get(0))?)
}

/// Hashes fields as the chain does: a marker for NULL, then each text with
/// its length, so no two lists of fields hash alike.
pub(crate) fn hash_fields(fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    for field in fields {
        match field {
            None => h.update([0u8]),
            Some(text) => {
                h.update([1u8]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    v2: Option<(&str, i64)>,
    prev: &str,
    order_id: i64,
    order_number: &str,
    kind: &str,
    actor_id: Option<i64>,
    actor_login: Option<&str>,
    at: &str,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
    note: Option<&str>,
    data: Option<&str>,
) -> String {
    let actor_id = actor_id.map(|a| a.to_string());
    let order_id = order_id.to_string();
    let mut fields: Vec<Option<&str>> = Vec::with_capacity(15);
    let row_id;
    if let Some((nonce, id)) = v2 {
        row_id = id.to_string();
        fields.extend([Some("v2"), Some(nonce), Some(row_id.as_str())]);
    }
    fields.extend([
        Some(prev),
        Some(order_id.as_str()),
        Some(order_number),
        Some(kind),
        actor_id.as_deref(),
        actor_login,
        Some(at),
        from,
        to,
        reason,
        note,
        data,
    ]);
    hash_fields(&fields)
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM order_events", [], |r| r.get(0))?)
}

/// The newest event's id and hash (0 and the genesis when there is none).
pub fn last(c: &Connection) -> Result<(i64, String)> {
    Ok(
        c.prepare_cached("SELECT id, hash FROM order_events ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, GENESIS.to_string())),
    )
}

/// The hash of the event with this id, if there is one.
pub fn hash_of(c: &Connection, id: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT hash FROM order_events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
}

/// Hash of the newest event (the chain's head).
pub fn head(c: &Connection) -> Result<String> {
    Ok(
        c.prepare_cached("SELECT hash FROM order_events ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| GENESIS.to_string()),
    )
}

/// Appends an event after the current head.
pub fn append(c: &Connection, e: &NewEvent<'_>) -> Result<String> {
    let prev = head(c)?;
    append_after(c, &prev, e)
}

/// Appends an event whose predecessor's hash the caller already knows (bulk
/// loads keep the head in memory). Returns the new head.
pub fn append_after(c: &Connection, prev: &str, e: &NewEvent<'_>) -> Result<String> {
    let from = e.from.map(Status::code);
    let to = e.to.map(Status::code);
    let anchor = anchor(c)?;
    let id = next_id(c, "order_events")?;
    let hash = chain_hash(
        Some((&anchor.nonce, id)),
        prev,
        e.order_id,
        e.order_number,
        e.kind,
        e.actor_id.map(|u| u.0),
        e.actor_login,
        e.at,
        from,
        to,
        e.reason_code,
        e.note,
        e.data.as_deref(),
    );
    c.prepare_cached(
        "INSERT INTO order_events (id, order_id, order_number, kind, actor_id, actor_login, at,
             from_status, to_status, reason_code, note, data, prev_hash, hash)
         VALUES (?14, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.order_id,
        e.order_number,
        e.kind,
        e.actor_id.map(|u| u.0),
        e.actor_login,
        e.at,
        from,
        to,
        e.reason_code,
        e.note,
        e.data,
        prev,
        hash,
        id
    ])?;
    Ok(hash)
}

pub fn for_order(c: &Connection, order: OrderId) -> Result<Vec<Event>> {
    let mut stmt = c.prepare_cached(
        "SELECT e.id, e.kind, e.actor_login, e.at, e.from_status, e.to_status, e.reason_code,
                e.note, e.data, u.display_name
         FROM order_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.order_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([order.0], |r| {
        let data: Option<String> = r.get(8)?;
        Ok(Event {
            id: r.get(0)?,
            kind: r.get(1)?,
            actor: r.get(2)?,
            at: r.get(3)?,
            from: r.get(4)?,
            to: r.get(5)?,
            reason: r.get(6)?,
            note: r.get(7)?,
            data: data.and_then(|d| serde_json::from_str(&d).ok()),
            actor_name: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether every order's current status is the `to` of its last status event.
pub fn orders_without_status_event(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT o.number FROM orders o
         WHERE o.status IS NOT (
             SELECT e.to_status FROM order_events e
             WHERE e.order_id = o.id AND e.to_status IS NOT NULL
             ORDER BY e.id DESC LIMIT 1)
         UNION ALL
         SELECT a.number FROM archived_orders a
         WHERE 'archived' IS NOT (
             SELECT e.to_status FROM order_events e
             WHERE e.order_id = a.id AND e.to_status IS NOT NULL
             ORDER BY e.id DESC LIMIT 1)
         LIMIT 100",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Result of re-computing the chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainReport {
    pub events: i64,
    pub ok: bool,
    /// The first event whose stored hashes do not match.
    pub first_broken_event: Option<i64>,
    pub head: String,
}

pub fn verify(c: &Connection) -> Result<ChainReport> {
    let anchor = anchor(c)?;
    let mut stmt = c.prepare(
        "SELECT id, order_id, order_number, kind, actor_id, actor_login, at, from_status,
                to_status, reason_code, note, data, prev_hash, hash
         FROM order_events ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_string();
    let mut events = 0;
    while let Some(r) = rows.next()? {
        events += 1;
        let id: i64 = r.get(0)?;
        let prev: String = r.get(12)?;
        let stored: String = r.get(13)?;
        let v2 = (id >= anchor.events_from).then_some((anchor.nonce.as_str(), id));
        let computed = chain_hash(
            v2,
            &prev,
            r.get(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            r.get(4)?,
            r.get::<_, Option<String>>(5)?.as_deref(),
            &r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?.as_deref(),
            r.get::<_, Option<String>>(8)?.as_deref(),
            r.get::<_, Option<String>>(9)?.as_deref(),
            r.get::<_, Option<String>>(10)?.as_deref(),
            r.get::<_, Option<String>>(11)?.as_deref(),
        );
        if prev != expected_prev || computed != stored {
            return Ok(ChainReport {
                events,
                ok: false,
                first_broken_event: Some(id),
                head: stored,
            });
        }
        expected_prev = stored;
    }
    Ok(ChainReport {
        events,
        ok: true,
        first_broken_event: None,
        head: expected_prev,
    })
}
