//! Staff notifications (the in-app inbox).

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{OrderId, UserId};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub event: &'a str,
    pub order_id: Option<OrderId>,
    pub order_number: Option<&'a str>,
    pub order_count: i64,
    pub actor_login: Option<&'a str>,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    pub at: &'a str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    pub event: String,
    pub order_number: Option<String>,
    pub order_count: i64,
    pub actor_login: Option<String>,
    /// The actor's name as it is now (None: no such user any more).
    pub actor_name: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

pub fn insert(c: &Connection, user: UserId, n: &NewNotification<'_>) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO notifications (user_id, event, order_id, order_number, order_count,
             actor_login, reason_code, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        user.0,
        n.event,
        n.order_id.map(|o| o.0),
        n.order_number,
        n.order_count,
        n.actor_login,
        n.reason_code,
        n.note,
        n.at
    ])?;
    Ok(c.last_insert_rowid())
}

fn notification_row(r: &Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        user_id: UserId(r.get(1)?),
        event: r.get(2)?,
        order_number: r.get(3)?,
        order_count: r.get(4)?,
        actor_login: r.get(5)?,
        reason_code: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
        read_at: r.get(9)?,
        actor_name: r.get(10)?,
    })
}

/// A user's notifications, newest first; `after_id` lists only newer ones.
pub fn for_user(
    c: &Connection,
    user: UserId,
    unread_only: bool,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    let mut stmt = c.prepare_cached(
        "SELECT n.id, n.user_id, n.event, n.order_number, n.order_count, n.actor_login,
                n.reason_code, n.note, n.created_at, n.read_at, u.display_name
         FROM notifications n LEFT JOIN users u ON u.login = n.actor_login
         WHERE n.user_id = ?1 AND n.id > ?2 AND (?3 = 0 OR n.read_at IS NULL)
         ORDER BY n.id DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![user.0, after_id, unread_only, limit],
        notification_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn unread_count(c: &Connection, user: UserId) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL",
    )?
    .query_row([user.0], |r| r.get(0))?)
}

/// Marks the given notifications (or all, when `ids` is empty) read.
pub fn mark_read(c: &Connection, user: UserId, ids: &[i64], at: &str) -> Result<usize> {
    if ids.is_empty() {
        return Ok(c
            .prepare_cached(
                "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
            )?
            .execute(params![user.0, at])?);
    }
    let mut stmt = c.prepare_cached(
        "UPDATE notifications SET read_at = ?3
         WHERE user_id = ?1 AND id = ?2 AND read_at IS NULL",
    )?;
    let mut changed = 0;
    for id in ids {
        changed += stmt.execute(params![user.0, id, at])?;
    }
    Ok(changed)
}
