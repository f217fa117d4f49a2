//! Bulk loading for the demo-data generator and benchmarks: explicit ids,
//! straight into the active or the archive tables, many rows per transaction.
//! Not for ordinary use-cases, which go through the lifecycle rules.

use rusqlite::{Connection, params};

use crate::error::Result;

/// One order row as loaded; `archived` picks the table.
pub struct LoadOrder<'a> {
    pub id: i64,
    pub number: &'a str,
    pub customer_id: i64,
    pub handler_id: Option<i64>,
    pub department_id: i64,
    pub sales_rep_id: i64,
    pub status: &'a str,
    pub status_before_cancel: Option<&'a str>,
    pub total_minor: i64,
    pub order_date: &'a str,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub updated_by: Option<i64>,
    pub closed_at: Option<&'a str>,
    pub version: i64,
    pub cancel_reason_code: Option<&'a str>,
    pub cancel_note: Option<&'a str>,
    pub cancel_requested_by: Option<i64>,
    pub cancel_requested_at: Option<&'a str>,
    pub archived: bool,
}

pub fn order(c: &Connection, o: &LoadOrder<'_>) -> Result<()> {
    if o.archived {
        c.prepare_cached(
            "INSERT INTO archived_orders (id, number, customer_id, handler_id, department_id,
                 sales_rep_id, closed_as, status_before_cancel, total_minor, currency, order_date,
                 created_at, closed_at, cancel_reason_code, cancel_note, archived_at, archived_by,
                 version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'CNY', ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?
        .execute(params![
            o.id,
            o.number,
            o.customer_id,
            o.handler_id,
            o.department_id,
            o.sales_rep_id,
            o.status,
            o.status_before_cancel,
            o.total_minor,
            o.order_date,
            o.created_at,
            o.closed_at,
            o.cancel_reason_code,
            o.cancel_note,
            o.updated_at,
            o.updated_by,
            o.version
        ])?;
    } else {
        c.prepare_cached(
            "INSERT INTO orders (id, number, customer_id, handler_id, department_id, sales_rep_id,
                 status, status_before_cancel, total_minor, currency, order_date, created_at,
                 updated_at, updated_by, closed_at, version, cancel_reason_code, cancel_note,
                 cancel_requested_by, cancel_requested_at, cancel_notify_customer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'CNY', ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, CASE WHEN ?18 IS NULL THEN NULL ELSE 1 END)",
        )?
        .execute(params![
            o.id,
            o.number,
            o.customer_id,
            o.handler_id,
            o.department_id,
            o.sales_rep_id,
            o.status,
            o.status_before_cancel,
            o.total_minor,
            o.order_date,
            o.created_at,
            o.updated_at,
            o.updated_by,
            o.closed_at,
            o.version,
            o.cancel_reason_code,
            o.cancel_note,
            o.cancel_requested_by,
            o.cancel_requested_at
        ])?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn line(
    c: &Connection,
    archived: bool,
    id: i64,
    order: i64,
    line_no: i64,
    product: i64,
    quantity: i64,
    price: i64,
) -> Result<()> {
    let sql = if archived {
        "INSERT INTO archived_order_lines (id, order_id, line_no, product_id, quantity, unit_price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    } else {
        "INSERT INTO order_lines (id, order_id, line_no, product_id, quantity, unit_price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    };
    c.prepare_cached(sql)?
        .execute(params![id, order, line_no, product, quantity, price])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn movement(
    c: &Connection,
    archived: bool,
    id: i64,
    order: i64,
    product: i64,
    kind: &str,
    quantity: i64,
    at: &str,
) -> Result<()> {
    let sql = if archived {
        "INSERT INTO archived_stock_movements (id, order_id, product_id, kind, quantity, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    } else {
        "INSERT INTO stock_movements (id, order_id, product_id, kind, quantity, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    };
    c.prepare_cached(sql)?
        .execute(params![id, order, product, kind, quantity, at])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn finance(
    c: &Connection,
    archived: bool,
    id: i64,
    order: i64,
    kind: &str,
    reference: &str,
    amount: i64,
    at: &str,
) -> Result<()> {
    let sql = if archived {
        "INSERT INTO archived_finance_entries (id, order_id, kind, reference, amount_minor, currency, at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'CNY', ?6)"
    } else {
        "INSERT INTO finance_entries (id, order_id, kind, reference, amount_minor, currency, at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'CNY', ?6)"
    };
    c.prepare_cached(sql)?
        .execute(params![id, order, kind, reference, amount, at])?;
    Ok(())
}

/// Sets each product's reservation to what its open lines hold, and its stock
/// on hand to that plus `spare(product id)`.
pub fn settle_stock(c: &Connection, spare: impl Fn(i64) -> i64) -> Result<()> {
    c.execute_batch(
        "UPDATE products SET on_hand = 1000000000, reserved = coalesce((
             SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.product_id = products.id
               AND (o.status IN ('confirmed', 'invoiced')
                    OR (o.status = 'cancel_pending'
                        AND o.status_before_cancel IN ('confirmed', 'invoiced')))), 0)",
    )?;
    let ids: Vec<i64> = {
        let mut stmt = c.prepare("SELECT id FROM products")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut stmt = c.prepare("UPDATE products SET on_hand = reserved + ?2 WHERE id = ?1")?;
    for id in ids {
        stmt.execute(params![id, spare(id)])?;
    }
    Ok(())
}

/// Moves AUTOINCREMENT counters past explicitly loaded ids, so later inserts
/// never reuse an id that the archive holds.
pub fn bump_sequences(c: &Connection) -> Result<()> {
    c.execute_batch(
        "DELETE FROM sqlite_sequence
             WHERE name IN ('orders', 'order_lines', 'stock_movements', 'finance_entries');
         INSERT INTO sqlite_sequence (name, seq) VALUES
             ('orders', (SELECT max(coalesce((SELECT max(id) FROM orders), 0),
                                coalesce((SELECT max(id) FROM archived_orders), 0)))),
             ('order_lines', (SELECT max(coalesce((SELECT max(id) FROM order_lines), 0),
                                coalesce((SELECT max(id) FROM archived_order_lines), 0)))),
             ('stock_movements', (SELECT max(coalesce((SELECT max(id) FROM stock_movements), 0),
                                coalesce((SELECT max(id) FROM archived_stock_movements), 0)))),
             ('finance_entries', (SELECT max(coalesce((SELECT max(id) FROM finance_entries), 0),
                                coalesce((SELECT max(id) FROM archived_finance_entries), 0))));",
    )?;
    Ok(())
}

pub fn add_watcher(c: &Connection, order: i64, user: i64, since: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO watchers (order_id, user_id, since) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![order, user, since])?;
    Ok(())
}
