//! Session rows: the hash of a token, whose it is, and when it was last used.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::UserId;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: UserId,
    pub last_seen_at: String,
}

pub fn insert(
    c: &Connection,
    token_hash: &str,
    user: UserId,
    at: &str,
    client: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, client)
         VALUES (?1, ?2, ?3, ?3, ?4)",
    )?
    .execute(params![token_hash, user.0, at, client])?;
    Ok(())
}

pub fn get(c: &Connection, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(
        c.prepare_cached("SELECT user_id, last_seen_at FROM sessions WHERE token_hash = ?1")?
            .query_row([token_hash], |r| {
                Ok(SessionRow {
                    user_id: UserId(r.get(0)?),
                    last_seen_at: r.get(1)?,
                })
            })
            .optional()?,
    )
}

pub fn touch(c: &Connection, token_hash: &str, at: &str) -> Result<()> {
    c.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
        .execute([token_hash, at])?;
    Ok(())
}

pub fn delete(c: &Connection, token_hash: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
            .execute([token_hash])?
            == 1,
    )
}

/// Forgets sessions nobody has used since `before` (they are locked anyway).
pub fn delete_idle(c: &Connection, before: &str) -> Result<usize> {
    Ok(
        c.prepare_cached("DELETE FROM sessions WHERE last_seen_at < ?1")?
            .execute([before])?,
    )
}

/// How many sessions are open (for the server's status).
pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM sessions")?
        .query_row([], |r| r.get(0))?)
}

/// Every session's token hash.
pub fn all_hashes(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare("SELECT token_hash FROM sessions")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ends every session (and the extra `hashes`, from a database this one
/// replaced) for `reason`: their next call is told why.
pub fn end_all(c: &Connection, hashes: &[String], reason: &str, at: &str) -> Result<()> {
    let mut keep = c.prepare_cached(
        "INSERT OR REPLACE INTO ended_sessions (token_hash, reason, at) VALUES (?1, ?2, ?3)",
    )?;
    for h in hashes.iter().cloned().chain(all_hashes(c)?) {
        keep.execute(params![h, reason, at])?;
    }
    c.execute("DELETE FROM sessions", [])?;
    Ok(())
}

/// Why a session that is gone ended, when it ended for everyone.
pub fn ended_reason(c: &Connection, token_hash: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT reason FROM ended_sessions WHERE token_hash = ?1")?
            .query_row([token_hash], |r| r.get(0))
            .optional()?,
    )
}
