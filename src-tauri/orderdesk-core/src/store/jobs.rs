//! Bulk jobs and their per-order items. An item is `pending` until the batch
//! that handles it commits, which marks it `done` or `refused` in the same
//! transaction: a job stopped at any moment resumes without losing or
//! repeating an order.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::domain::{OrderId, UserId};
use crate::error::Result;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub created_by: UserId,
    pub created_at: String,
    pub params: serde_json::Value,
    pub state: String,
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobCounts {
    pub total: i64,
    pub pending: i64,
    pub done: i64,
    pub refused: i64,
    /// Import rows already there: nothing was done.
    pub unchanged: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobItem {
    pub order_id: OrderId,
    pub number: String,
    pub seen_version: i64,
    pub state: String,
    pub error_kind: Option<String>,
    pub message_zh: Option<String>,
    pub message_en: Option<String>,
}

pub fn insert(
    c: &Connection,
    id: &str,
    kind: &str,
    created_by: UserId,
    at: &str,
    params_json: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO jobs (id, kind, created_by, created_at, params, state)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
    )?
    .execute(params![id, kind, created_by.0, at, params_json])?;
    Ok(())
}

pub fn add_item(
    c: &Connection,
    job: &str,
    order: OrderId,
    number: &str,
    version: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO job_items (job_id, order_id, order_number, seen_version, state)
         VALUES (?1, ?2, ?3, ?4, 'pending')",
    )?
    .execute(params![job, order.0, number, version])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> Result<Option<Job>> {
    Ok(c.prepare_cached(
        "SELECT id, kind, created_by, created_at, params, state, finished_at
         FROM jobs WHERE id = ?1",
    )?
    .query_row([id], |r| {
        let params: String = r.get(4)?;
        Ok(Job {
            id: r.get(0)?,
            kind: r.get(1)?,
            created_by: UserId(r.get(2)?),
            created_at: r.get(3)?,
            params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
            state: r.get(5)?,
            finished_at: r.get(6)?,
        })
    })
    .optional()?)
}

pub fn set_state(c: &Connection, id: &str, state: &str, finished_at: Option<&str>) -> Result<()> {
    c.prepare_cached("UPDATE jobs SET state = ?2, finished_at = ?3 WHERE id = ?1")?
        .execute(params![id, state, finished_at])?;
    Ok(())
}

pub fn counts(c: &Connection, id: &str) -> Result<JobCounts> {
    Ok(
        c.prepare_cached("SELECT total, done, refused, unchanged FROM jobs WHERE id = ?1")?
            .query_row([id], |r| {
                let (total, done, refused, unchanged): (i64, i64, i64, i64) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                Ok(JobCounts {
                    total,
                    pending: total - done - refused - unchanged,
                    done,
                    refused,
                    unchanged,
                })
            })
            .optional()?
            .unwrap_or_default(),
    )
}

/// Records how many items a job has, once they are all added.
pub fn set_total(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached(
        "UPDATE jobs SET total = (SELECT count(*) FROM job_items WHERE job_id = ?1) WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// The next pending items, in order id order.
pub fn pending(c: &Connection, id: &str, limit: i64) -> Result<Vec<JobItem>> {
    items_where(c, id, "pending", limit, 0)
}

fn items_where(
    c: &Connection,
    id: &str,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<JobItem>> {
    let mut stmt = c.prepare_cached(
        "SELECT order_id, order_number, seen_version, state, error_kind, message_zh, message_en
         FROM job_items WHERE job_id = ?1 AND (?2 = '' OR state = ?2)
         ORDER BY order_id LIMIT ?3 OFFSET ?4",
    )?;
    let rows = stmt.query_map(params![id, state, limit, offset], |r| {
        Ok(JobItem {
            order_id: OrderId(r.get(0)?),
            number: r.get(1)?,
            seen_version: r.get(2)?,
            state: r.get(3)?,
            error_kind: r.get(4)?,
            message_zh: r.get(5)?,
            message_en: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Items of a job, any state ('' for all), a page at a time.
pub fn items(
    c: &Connection,
    id: &str,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<JobItem>> {
    items_where(c, id, state, limit, offset)
}

pub fn finish_item(
    c: &Connection,
    job: &str,
    order: OrderId,
    state: &str,
    error: Option<(&str, &str, &str)>,
) -> Result<()> {
    let (kind, zh, en) = match error {
        Some((k, zh, en)) => (Some(k), Some(zh), Some(en)),
        None => (None, None, None),
    };
    c.prepare_cached(
        "UPDATE job_items SET state = ?3, error_kind = ?4, message_zh = ?5, message_en = ?6
         WHERE job_id = ?1 AND order_id = ?2",
    )?
    .execute(params![job, order.0, state, kind, zh, en])?;
    c.prepare_cached(
        "UPDATE jobs SET done = done + (?2 = 'done'), refused = refused + (?2 = 'refused'),
             unchanged = unchanged + (?2 = 'unchanged')
         WHERE id = ?1",
    )?
    .execute(params![job, state])?;
    Ok(())
}

/// Marks done every item whose order is staged in `temp.archive_batch`.
pub fn finish_staged(c: &Connection, job: &str) -> Result<()> {
    let done = c
        .prepare_cached(
            "UPDATE job_items SET state = 'done'
             WHERE job_id = ?1 AND order_id IN (SELECT id FROM temp.archive_batch)",
        )?
        .execute([job])?;
    c.prepare_cached("UPDATE jobs SET done = done + ?2 WHERE id = ?1")?
        .execute(params![job, done as i64])?;
    Ok(())
}

/// A job that has work left, with who started it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnfinishedJob {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub total: i64,
    pub done: i64,
    pub refused: i64,
    pub unchanged: i64,
    pub created_at: String,
    pub created_by: String,
    pub created_by_name: String,
}

/// Jobs with items left (not yet run, stopped, or cut off while running),
/// newest first: all of them, or those started by `user`, or by the people
/// of `department`.
pub fn unfinished(
    c: &Connection,
    user: Option<UserId>,
    department: Option<crate::domain::DepartmentId>,
) -> Result<Vec<UnfinishedJob>> {
    let mut stmt = c.prepare_cached(
        "SELECT j.id, j.kind, j.state, j.total, j.done, j.refused, j.created_at,
                u.login, u.display_name, j.unchanged
         FROM jobs j JOIN users u ON u.id = j.created_by
         WHERE j.state <> 'done' AND j.total > j.done + j.refused + j.unchanged
           AND (?1 IS NULL OR j.created_by = ?1)
           AND (?2 IS NULL OR u.department_id = ?2)
         ORDER BY j.created_at DESC
         LIMIT 100",
    )?;
    let rows = stmt.query_map(params![user.map(|u| u.0), department.map(|d| d.0)], |r| {
        Ok(UnfinishedJob {
            id: r.get(0)?,
            kind: r.get(1)?,
            state: r.get(2)?,
            total: r.get(3)?,
            done: r.get(4)?,
            refused: r.get(5)?,
            created_at: r.get(6)?,
            created_by: r.get(7)?,
            created_by_name: r.get(8)?,
            unchanged: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Keeps an import record (its rows as JSON) with its job item.
pub fn insert_import_row(c: &Connection, job: &str, item: i64, data: &str) -> Result<()> {
    c.prepare_cached("INSERT INTO import_rows (job_id, item, data) VALUES (?1, ?2, ?3)")?
        .execute(params![job, item, data])?;
    Ok(())
}

pub fn import_row(c: &Connection, job: &str, item: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT data FROM import_rows WHERE job_id = ?1 AND item = ?2")?
            .query_row(params![job, item], |r| r.get(0))
            .optional()?,
    )
}

/// Drops a record once its item is finished: the job's result stays.
pub fn delete_import_row(c: &Connection, job: &str, item: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM import_rows WHERE job_id = ?1 AND item = ?2")?
        .execute(params![job, item])?;
    Ok(())
}
