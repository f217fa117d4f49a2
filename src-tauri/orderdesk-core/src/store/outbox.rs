//! The customer outbox: notices queued with everything they say, and their
//! way to the customer (queued → sending → sent; retrying; failed;
//! withdrawn).

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{CustomerId, DepartmentId, OrderId, UserId};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct NewCustomerMessage<'a> {
    pub customer_id: CustomerId,
    pub order_id: OrderId,
    pub order_number: &'a str,
    pub event: &'a str,
    pub language: &'a str,
    pub recipient: Option<&'a str>,
    pub subject: &'a str,
    pub body: &'a str,
    /// The printed notice as data (JSON of `notice::NoticeSheet`).
    pub sheet: &'a str,
    pub content_hash: &'a str,
    /// The PDF made from the sheet when the notice was queued.
    pub pdf: &'a [u8],
    pub pdf_hash: &'a str,
    pub message_id: &'a str,
    pub requested_by: Option<UserId>,
    pub department_id: DepartmentId,
    pub at: &'a str,
}

/// A notice as the outbox lists it (the keys of the CLI's `outbox` JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerMessage {
    pub id: i64,
    pub customer_id: CustomerId,
    pub customer: String,
    pub order_number: String,
    pub event: String,
    pub language: String,
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    /// `queued`, `sending`, `sent`, `retrying`, `failed` or `withdrawn`.
    pub status: String,
    pub attempts: i64,
    /// The mail server's last answer, in its words.
    pub last_answer: Option<String>,
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    pub department_id: Option<DepartmentId>,
    pub requested_by: Option<UserId>,
    /// The Message-ID every attempt of this notice is sent under.
    pub message_id: String,
}

const COLUMNS: &str = "m.id, m.customer_id, c.name, m.order_number, m.event, m.language,
    m.recipient, m.subject, m.body, m.created_at, m.status, m.attempts, m.last_answer,
    m.next_attempt_at, m.sent_at, m.department_id, m.requested_by, m.message_id";

fn message_row(r: &Row<'_>) -> rusqlite::Result<CustomerMessage> {
    Ok(CustomerMessage {
        id: r.get(0)?,
        customer_id: CustomerId(r.get(1)?),
        customer: r.get(2)?,
        order_number: r.get(3)?,
        event: r.get(4)?,
        language: r.get(5)?,
        recipient: r.get(6)?,
        subject: r.get(7)?,
        body: r.get(8)?,
        created_at: r.get(9)?,
        status: r.get(10)?,
        attempts: r.get(11)?,
        last_answer: r.get(12)?,
        next_attempt_at: r.get(13)?,
        sent_at: r.get(14)?,
        department_id: r.get::<_, Option<i64>>(15)?.map(DepartmentId),
        requested_by: r.get::<_, Option<i64>>(16)?.map(UserId),
        message_id: r.get(17)?,
    })
}

pub fn queue(c: &Connection, m: &NewCustomerMessage<'_>) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO customer_outbox (customer_id, order_id, order_number, department_id,
             requested_by, event, language, recipient, subject, body, sheet, content_hash,
             message_id, pdf, pdf_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        m.customer_id.0,
        m.order_id.0,
        m.order_number,
        m.department_id.0,
        m.requested_by.map(|u| u.0),
        m.event,
        m.language,
        m.recipient,
        m.subject,
        m.body,
        m.sheet,
        m.content_hash,
        m.message_id,
        m.pdf,
        m.pdf_hash,
        m.at
    ])?;
    Ok(c.last_insert_rowid())
}

/// What the outbox window filters on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxFilter {
    /// One of the states; None: all.
    pub status: Option<String>,
    /// Queued on or after this day (YYYY-MM-DD, on the calendar of the PC
    /// that holds the database), and on or before `to`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
}

/// Notices newest first under `f`; `department` (None: every one) and the
/// person's own (`requested_by`) scope them.
pub fn list(
    c: &Connection,
    f: &OutboxFilter,
    scope: Option<(DepartmentId, UserId)>,
    limit: i64,
) -> Result<Vec<CustomerMessage>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS}
         FROM customer_outbox m JOIN customers c ON c.id = m.customer_id
         WHERE (?1 IS NULL OR m.status = ?1)
           AND (?2 IS NULL OR m.created_at >= ?2)
           AND (?3 IS NULL OR m.created_at < ?3)
           AND (?4 IS NULL OR m.department_id = ?4 OR m.requested_by = ?5)
         ORDER BY m.id DESC LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            f.status,
            f.from,
            f.to,
            scope.map(|(d, _)| d.0),
            scope.map(|(_, u)| u.0),
            limit
        ],
        message_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<CustomerMessage>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS}
             FROM customer_outbox m JOIN customers c ON c.id = m.customer_id
             WHERE m.id = ?1"
    ))?
    .query_row([id], message_row)
    .optional()?)
}

/// How many notices are in each state.
pub fn counts(c: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = c.prepare_cached(
        "SELECT status, count(*) FROM customer_outbox GROUP BY status ORDER BY status",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A notice as it goes out: what was stored when it was queued.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub order_id: OrderId,
    pub order_number: String,
    pub customer: String,
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
    pub sheet: Option<String>,
    pub content_hash: Option<String>,
    pub message_id: String,
    pub pdf: Option<Vec<u8>>,
    pub attempts: i64,
    pub requested_by: Option<UserId>,
    pub department_id: Option<DepartmentId>,
}

pub fn outgoing(c: &Connection, id: i64) -> Result<Option<Outgoing>> {
    Ok(c.prepare_cached(
        "SELECT m.id, m.order_id, m.order_number, c.name, m.recipient, m.subject, m.body,
                    m.sheet, m.content_hash, m.message_id, m.pdf, m.attempts, m.requested_by,
                    m.department_id
             FROM customer_outbox m JOIN customers c ON c.id = m.customer_id
             WHERE m.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Outgoing {
            id: r.get(0)?,
            order_id: OrderId(r.get(1)?),
            order_number: r.get(2)?,
            customer: r.get(3)?,
            recipient: r.get(4)?,
            subject: r.get(5)?,
            body: r.get(6)?,
            sheet: r.get(7)?,
            content_hash: r.get(8)?,
            message_id: r.get(9)?,
            pdf: r.get(10)?,
            attempts: r.get(11)?,
            requested_by: r.get::<_, Option<i64>>(12)?.map(UserId),
            department_id: r.get::<_, Option<i64>>(13)?.map(DepartmentId),
        })
    })
    .optional()?)
}

/// Notices to try: queued ones (queued at or before `queued_by`), retries
/// due at `retry_by`, and any left `sending` by a pass that stopped mid-way
/// (sent again with the same Message-ID), oldest first.
pub fn due(c: &Connection, queued_by: &str, retry_by: &str, limit: i64) -> Result<Vec<i64>> {
    let mut stmt = c.prepare_cached(
        "SELECT id FROM customer_outbox
         WHERE (status IN ('queued', 'sending') AND COALESCE(updated_at, created_at) <= ?1)
            OR (status = 'retrying' AND next_attempt_at <= ?2)
         ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![queued_by, retry_by, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records an attempt before it is made: `sending`, one more attempt. False
/// when the notice is no longer due (withdrawn, or sent by another pass).
pub fn begin_attempt(c: &Connection, id: i64, at: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE customer_outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2
         WHERE id = ?1 AND status IN ('queued', 'retrying', 'sending')",
    )?
    .execute(params![id, at])?
        == 1)
}

/// The outcome of an attempt: `status` with the server's answer.
pub fn finish(
    c: &Connection,
    id: i64,
    status: &str,
    answer: &str,
    next_attempt_at: Option<&str>,
    at: &str,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE customer_outbox
         SET status = ?2, last_answer = ?3, next_attempt_at = ?4, updated_at = ?5,
             sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END
         WHERE id = ?1",
    )?
    .execute(params![id, status, answer, next_attempt_at, at])?;
    Ok(())
}

/// The stored PDF of a notice (none for notices queued before PDFs were).
pub fn pdf_of(c: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(
        c.prepare_cached("SELECT pdf FROM customer_outbox WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

/// The newest notice of an order, if any.
pub fn latest_for_order(c: &Connection, order: OrderId) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT id FROM customer_outbox WHERE order_id = ?1 ORDER BY id DESC LIMIT 1",
    )?
    .query_row([order.0], |r| r.get(0))
    .optional()?)
}

/// A manager takes a queued (or retrying) notice back. False when it is not.
pub fn withdraw(c: &Connection, id: i64, by: UserId, at: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE customer_outbox SET status = 'withdrawn', withdrawn_by = ?2, updated_at = ?3,
             next_attempt_at = NULL
         WHERE id = ?1 AND status IN ('queued', 'retrying')",
    )?
    .execute(params![id, by.0, at])?
        == 1)
}

/// A failed notice queued again (the same Message-ID). False when it had
/// not failed.
pub fn resend(c: &Connection, id: i64, at: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE customer_outbox SET status = 'queued', attempts = 0, next_attempt_at = NULL,
             updated_at = ?2
         WHERE id = ?1 AND status = 'failed'",
    )?
    .execute(params![id, at])?
        == 1)
}
