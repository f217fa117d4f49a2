//! Orders and what hangs off them: lines, stock movements, finance entries,
//! watchers and lineage. Reads fall back to the archive tables, so a caller
//! sees one order whichever table it sits in.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{CustomerId, DepartmentId, OrderId, ProductId, Status, UserId};
use crate::error::Result;
use crate::store::one_row;

/// One order as stored, active or archived.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Order {
    pub id: OrderId,
    pub number: String,
    pub customer_id: CustomerId,
    pub handler_id: Option<UserId>,
    pub department_id: DepartmentId,
    pub sales_rep_id: UserId,
    pub status: Status,
    /// What an archived order was closed as (`completed` or `cancelled`).
    pub closed_as: Option<Status>,
    pub status_before_cancel: Option<Status>,
    pub total_minor: i64,
    pub currency: String,
    pub order_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: Option<UserId>,
    pub closed_at: Option<String>,
    pub version: i64,
    pub cancel_reason_code: Option<String>,
    pub cancel_note: Option<String>,
    pub cancel_requested_by: Option<UserId>,
    pub cancel_requested_at: Option<String>,
    pub cancel_notify_customer: Option<bool>,
    /// What the person who entered the order wrote on it.
    pub notes: Option<String>,
    /// The cancellation's message to the customer (never the internal note).
    pub cancel_customer_message: Option<String>,
}

impl Order {
    pub fn is_archived(&self) -> bool {
        self.status == Status::Archived
    }
}

const ORDER_COLUMNS: &str = "id, number, customer_id, handler_id, department_id, sales_rep_id, \
    status, NULL, status_before_cancel, total_minor, currency, order_date, created_at, \
    updated_at, updated_by, closed_at, version, cancel_reason_code, cancel_note, \
    cancel_requested_by, cancel_requested_at, cancel_notify_customer, notes, \
    cancel_customer_message";

const ARCHIVED_COLUMNS: &str = "id, number, customer_id, handler_id, department_id, \
    sales_rep_id, 'archived', closed_as, status_before_cancel, total_minor, currency, \
    order_date, created_at, archived_at, archived_by, closed_at, version, cancel_reason_code, \
    cancel_note, NULL, NULL, NULL, notes, NULL";

/// A status column; a code this version does not know is a damaged row, an
/// error, never guessed as some status.
fn status_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Status>> {
    let text: Option<String> = r.get(i)?;
    text.map(|s| {
        s.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                format!("unknown order status {s:?}").into(),
            )
        })
    })
    .transpose()
}

fn order_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: OrderId(r.get(0)?),
        number: r.get(1)?,
        customer_id: CustomerId(r.get(2)?),
        handler_id: r.get::<_, Option<i64>>(3)?.map(UserId),
        department_id: DepartmentId(r.get(4)?),
        sales_rep_id: UserId(r.get(5)?),
        status: status_col(r, 6)?.ok_or(rusqlite::Error::InvalidColumnType(
            6,
            "status".into(),
            rusqlite::types::Type::Null,
        ))?,
        closed_as: status_col(r, 7)?,
        status_before_cancel: status_col(r, 8)?,
        total_minor: r.get(9)?,
        currency: r.get(10)?,
        order_date: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        updated_by: r.get::<_, Option<i64>>(14)?.map(UserId),
        closed_at: r.get(15)?,
        version: r.get(16)?,
        cancel_reason_code: r.get(17)?,
        cancel_note: r.get(18)?,
        cancel_requested_by: r.get::<_, Option<i64>>(19)?.map(UserId),
        cancel_requested_at: r.get(20)?,
        cancel_notify_customer: r.get(21)?,
        notes: r.get(22)?,
        cancel_customer_message: r.get(23)?,
    })
}

/// The order with this number, active or archived.
pub fn by_number(c: &Connection, number: &str) -> Result<Option<Order>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = ?1");
    if let Some(o) = c
        .prepare_cached(&sql)?
        .query_row([number], order_row)
        .optional()?
    {
        return Ok(Some(o));
    }
    let sql = format!("SELECT {ARCHIVED_COLUMNS} FROM archived_orders WHERE number = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([number], order_row)
        .optional()?)
}

/// Id, number and version of an order (active or archived): what a bulk job
/// records per item, without reading the whole row.
pub fn key_by_number(c: &Connection, number: &str) -> Result<Option<(OrderId, String, i64)>> {
    let row = c
        .prepare_cached("SELECT id, number, version FROM orders WHERE number = ?1")?
        .query_row([number], |r| Ok((OrderId(r.get(0)?), r.get(1)?, r.get(2)?)))
        .optional()?;
    if row.is_some() {
        return Ok(row);
    }
    Ok(
        c.prepare_cached("SELECT id, number, version FROM archived_orders WHERE number = ?1")?
            .query_row([number], |r| Ok((OrderId(r.get(0)?), r.get(1)?, r.get(2)?)))
            .optional()?,
    )
}

pub fn by_id(c: &Connection, id: OrderId) -> Result<Option<Order>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1");
    if let Some(o) = c
        .prepare_cached(&sql)?
        .query_row([id.0], order_row)
        .optional()?
    {
        return Ok(Some(o));
    }
    let sql = format!("SELECT {ARCHIVED_COLUMNS} FROM archived_orders WHERE id = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([id.0], order_row)
        .optional()?)
}

/// Issues the next order number of a year: SO-2026-000123.
pub fn next_number(c: &Connection, year: i32) -> Result<String> {
    let name = format!("order_number_{year}");
    let value: i64 = c
        .prepare_cached(
            "INSERT INTO counters (name, value) VALUES (?1, 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1
             RETURNING value",
        )?
        .query_row([&name], |r| r.get(0))?;
    Ok(format!("SO-{year}-{value:06}"))
}

/// Moves a year's counter past numbers issued by a bulk load.
pub fn set_counter(c: &Connection, year: i32, value: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO counters (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
    )?
    .execute(params![format!("order_number_{year}"), value])?;
    Ok(())
}

pub struct NewOrder<'a> {
    pub number: &'a str,
    pub customer_id: CustomerId,
    pub handler_id: Option<UserId>,
    pub department_id: DepartmentId,
    pub sales_rep_id: UserId,
    pub status: Status,
    pub total_minor: i64,
    pub currency: &'a str,
    pub order_date: &'a str,
    pub created_at: &'a str,
    pub updated_by: Option<UserId>,
    pub closed_at: Option<&'a str>,
    pub version: i64,
    pub notes: Option<&'a str>,
}

pub fn insert(c: &Connection, o: &NewOrder<'_>) -> Result<OrderId> {
    c.prepare_cached(
        "INSERT INTO orders (number, customer_id, handler_id, department_id, sales_rep_id,
             status, total_minor, currency, order_date, created_at, updated_at, updated_by,
             closed_at, version, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        o.number,
        o.customer_id.0,
        o.handler_id.map(|u| u.0),
        o.department_id.0,
        o.sales_rep_id.0,
        o.status.code(),
        o.total_minor,
        o.currency,
        o.order_date,
        o.created_at,
        o.updated_by.map(|u| u.0),
        o.closed_at,
        o.version,
        o.notes,
    ])?;
    Ok(OrderId(c.last_insert_rowid()))
}

/// Writes an active order's changeable fields and bumps its version, if the
/// stored version is still `expected_version`. Returns false when it is not
/// (someone else changed the order meanwhile).
pub fn save(c: &Connection, o: &Order, expected_version: i64) -> Result<bool> {
    let changed = c
        .prepare_cached(
            "UPDATE orders SET
                 handler_id = ?3, department_id = ?4, status = ?5, status_before_cancel = ?6,
                 updated_at = ?7, updated_by = ?8, closed_at = ?9, cancel_reason_code = ?10,
                 cancel_note = ?11, cancel_requested_by = ?12, cancel_requested_at = ?13,
                 cancel_notify_customer = ?14, customer_id = ?15, total_minor = ?16,
                 order_date = ?17, notes = ?18, cancel_customer_message = ?19,
                 version = ?2 + 1
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            o.id.0,
            expected_version,
            o.handler_id.map(|u| u.0),
            o.department_id.0,
            o.status.code(),
            o.status_before_cancel.map(Status::code),
            o.updated_at,
            o.updated_by.map(|u| u.0),
            o.closed_at,
            o.cancel_reason_code,
            o.cancel_note,
            o.cancel_requested_by.map(|u| u.0),
            o.cancel_requested_at,
            o.cancel_notify_customer,
            o.customer_id.0,
            o.total_minor,
            o.order_date,
            o.notes,
            o.cancel_customer_message,
        ])?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Line {
    pub line_no: i64,
    pub product_id: ProductId,
    pub sku: String,
    pub product_zh: String,
    pub product_en: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

impl Line {
    /// Quantity × price; saturates rather than wraps (the books never hold
    /// such a line: entry and import refuse it with a checked product).
    pub fn amount_minor(&self) -> i64 {
        self.quantity.saturating_mul(self.unit_price_minor)
    }
}

pub fn insert_line(
    c: &Connection,
    order: OrderId,
    line_no: i64,
    product: ProductId,
    quantity: i64,
    unit_price_minor: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        order.0,
        line_no,
        product.0,
        quantity,
        unit_price_minor
    ])?;
    Ok(())
}

/// Picks the active or the archive table for reads about `order`.
fn table(order: &Order, active: &'static str, archived: &'static str) -> &'static str {
    if order.is_archived() {
        archived
    } else {
        active
    }
}

/// Removes a draft's lines before they are written again.
pub fn delete_lines(c: &Connection, order: OrderId) -> Result<()> {
    c.prepare_cached("DELETE FROM order_lines WHERE order_id = ?1")?
        .execute([order.0])?;
    Ok(())
}

pub fn lines(c: &Connection, order: &Order) -> Result<Vec<Line>> {
    let sql = format!(
        "SELECT l.line_no, l.product_id, p.sku, p.name_zh, p.name_en, l.quantity, l.unit_price_minor
         FROM {} l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = ?1 ORDER BY l.line_no",
        table(order, "order_lines", "archived_order_lines")
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([order.id.0], |r| {
        Ok(Line {
            line_no: r.get(0)?,
            product_id: ProductId(r.get(1)?),
            sku: r.get(2)?,
            product_zh: r.get(3)?,
            product_en: r.get(4)?,
            quantity: r.get(5)?,
            unit_price_minor: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockMovement {
    pub product_id: ProductId,
    pub sku: String,
    pub kind: String,
    pub quantity: i64,
    pub at: String,
}

pub fn insert_movement(
    c: &Connection,
    order: OrderId,
    product: ProductId,
    kind: &str,
    quantity: i64,
    at: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO stock_movements (order_id, product_id, kind, quantity, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![order.0, product.0, kind, quantity, at])?;
    Ok(())
}

pub fn movements(c: &Connection, order: &Order) -> Result<Vec<StockMovement>> {
    let sql = format!(
        "SELECT m.product_id, p.sku, m.kind, m.quantity, m.at
         FROM {} m JOIN products p ON p.id = m.product_id
         WHERE m.order_id = ?1 ORDER BY m.id",
        table(order, "stock_movements", "archived_stock_movements")
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([order.id.0], |r| {
        Ok(StockMovement {
            product_id: ProductId(r.get(0)?),
            sku: r.get(1)?,
            kind: r.get(2)?,
            quantity: r.get(3)?,
            at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FinanceEntry {
    pub kind: String,
    pub reference: String,
    pub amount_minor: i64,
    pub currency: String,
    pub at: String,
}

pub fn insert_finance(
    c: &Connection,
    order: OrderId,
    kind: &str,
    reference: &str,
    amount_minor: i64,
    currency: &str,
    at: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO finance_entries (order_id, kind, reference, amount_minor, currency, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        order.0,
        kind,
        reference,
        amount_minor,
        currency,
        at
    ])?;
    Ok(())
}

pub fn finance(c: &Connection, order: &Order) -> Result<Vec<FinanceEntry>> {
    let sql = format!(
        "SELECT kind, reference, amount_minor, currency, at FROM {}
         WHERE order_id = ?1 ORDER BY id",
        table(order, "finance_entries", "archived_finance_entries")
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([order.id.0], |r| {
        Ok(FinanceEntry {
            kind: r.get(0)?,
            reference: r.get(1)?,
            amount_minor: r.get(2)?,
            currency: r.get(3)?,
            at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Watcher {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub since: String,
}

pub fn add_watcher(c: &Connection, order: OrderId, user: UserId, since: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO watchers (order_id, user_id, since) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![order.0, user.0, since])?;
    Ok(())
}

pub fn remove_watcher(c: &Connection, order: OrderId, user: UserId) -> Result<()> {
    c.prepare_cached("DELETE FROM watchers WHERE order_id = ?1 AND user_id = ?2")?
        .execute(params![order.0, user.0])?;
    Ok(())
}

pub fn is_watcher(c: &Connection, order: OrderId, user: UserId) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM watchers WHERE order_id = ?1 AND user_id = ?2")?
            .query_row(params![order.0, user.0], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

pub fn watchers(c: &Connection, order: OrderId) -> Result<Vec<Watcher>> {
    let mut stmt = c.prepare_cached(
        "SELECT w.user_id, u.login, u.display_name, w.since
         FROM watchers w JOIN users u ON u.id = w.user_id
         WHERE w.order_id = ?1 ORDER BY w.since, u.login",
    )?;
    let rows = stmt.query_map([order.0], |r| {
        Ok(Watcher {
            user_id: UserId(r.get(0)?),
            login: r.get(1)?,
            display_name: r.get(2)?,
            since: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Orders a user watches, newest hand-off first.
pub fn watched_by(c: &Connection, user: UserId, limit: i64) -> Result<Vec<OrderId>> {
    let mut stmt = c.prepare_cached(
        "SELECT order_id FROM watchers WHERE user_id = ?1 ORDER BY since DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![user.0, limit], |r| Ok(OrderId(r.get(0)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn add_lineage(c: &Connection, copy: OrderId, source: OrderId) -> Result<()> {
    let changed = c
        .prepare_cached("INSERT INTO order_lineage (copy_id, source_id) VALUES (?1, ?2)")?
        .execute(params![copy.0, source.0])?;
    one_row(changed)
}

/// Number of an order in either table.
pub fn number_of(c: &Connection, id: OrderId) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT number FROM orders WHERE id = ?1
         UNION ALL SELECT number FROM archived_orders WHERE id = ?1 LIMIT 1",
    )?
    .query_row([id.0], |r| r.get(0))
    .optional()?)
}

pub fn copied_from(c: &Connection, id: OrderId) -> Result<Option<String>> {
    let source: Option<i64> = c
        .prepare_cached("SELECT source_id FROM order_lineage WHERE copy_id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?;
    match source {
        Some(source) => number_of(c, OrderId(source)),
        None => Ok(None),
    }
}

pub fn copies(c: &Connection, id: OrderId) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT copy_id FROM order_lineage WHERE source_id = ?1 ORDER BY copy_id",
    )?;
    let ids = stmt
        .query_map([id.0], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut numbers = Vec::with_capacity(ids.len());
    for id in ids {
        numbers.extend(number_of(c, OrderId(id))?);
    }
    Ok(numbers)
}

/// Order ids in a status whose closing time is before `before` (exclusive),
/// for archive-by-filter.
pub fn closed_before(
    c: &Connection,
    statuses: &[Status],
    before: &str,
    department: Option<DepartmentId>,
) -> Result<Vec<(OrderId, String, i64)>> {
    let mut out = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT id, number, version FROM orders
         WHERE status = ?1 AND closed_at < ?2 AND (?3 IS NULL OR department_id = ?3)
         ORDER BY closed_at, id",
    )?;
    for status in statuses {
        let rows = stmt.query_map(
            params![status.code(), before, department.map(|d| d.0)],
            |r| Ok((OrderId(r.get(0)?), r.get(1)?, r.get(2)?)),
        )?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}

pub fn count_active(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?)
}

pub fn count_archived(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM archived_orders", [], |r| r.get(0))?)
}
