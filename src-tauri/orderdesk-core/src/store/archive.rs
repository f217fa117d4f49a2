//! The history store: moving closed orders into the archive tables of the same
//! file, and the summary table (`archive_stats`) that analytics read.
//!
//! A batch is moved set-based (the ids are staged in a temp table), so a bulk
//! archive costs a few statements per batch rather than per order. The summary
//! rows are added in the same transaction as the move, so they always equal a
//! GROUP BY over the archive (`stats_recomputed` checks exactly that).

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::domain::{DepartmentId, OrderId, UserId};
use crate::error::Result;

/// Puts the ids of the next batch into `temp.archive_batch`.
pub fn stage(c: &Connection, ids: &[OrderId]) -> Result<()> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS archive_batch (id INTEGER PRIMARY KEY);
         DELETE FROM temp.archive_batch;",
    )?;
    let mut stmt = c.prepare_cached("INSERT OR IGNORE INTO temp.archive_batch (id) VALUES (?1)")?;
    for id in ids {
        stmt.execute([id.0])?;
    }
    Ok(())
}

/// Adds the staged orders to the summary table, copies them with their lines,
/// movements and finance entries into the archive tables, and deletes them from
/// the active tables. The caller has checked that each one is closed.
pub fn move_staged(c: &Connection, archived_by: Option<UserId>, at: &str) -> Result<usize> {
    add_staged_to_stats(c)?;
    let moved = c
        .prepare_cached(
            "INSERT INTO archived_orders (id, number, customer_id, handler_id, department_id,
                 sales_rep_id, closed_as, status_before_cancel, total_minor, currency, order_date,
                 created_at, closed_at, cancel_reason_code, cancel_note, archived_at,
                 archived_by, version, notes)
             SELECT id, number, customer_id, handler_id, department_id, sales_rep_id, status,
                 status_before_cancel, total_minor, currency, order_date, created_at,
                 coalesce(closed_at, updated_at), cancel_reason_code, cancel_note, ?1, ?2,
                 version + 1, notes
             FROM orders WHERE id IN (SELECT id FROM temp.archive_batch)",
        )?
        .execute(params![at, archived_by.map(|u| u.0)])?;
    c.execute_batch(
        "INSERT INTO archived_order_lines (id, order_id, line_no, product_id, quantity, unit_price_minor)
             SELECT id, order_id, line_no, product_id, quantity, unit_price_minor
             FROM order_lines WHERE order_id IN (SELECT id FROM temp.archive_batch);
         INSERT INTO archived_stock_movements (id, order_id, product_id, kind, quantity, at)
             SELECT id, order_id, product_id, kind, quantity, at
             FROM stock_movements WHERE order_id IN (SELECT id FROM temp.archive_batch);
         INSERT INTO archived_finance_entries (id, order_id, kind, reference, amount_minor, currency, at)
             SELECT id, order_id, kind, reference, amount_minor, currency, at
             FROM finance_entries WHERE order_id IN (SELECT id FROM temp.archive_batch);
         DELETE FROM order_lines WHERE order_id IN (SELECT id FROM temp.archive_batch);
         DELETE FROM stock_movements WHERE order_id IN (SELECT id FROM temp.archive_batch);
         DELETE FROM finance_entries WHERE order_id IN (SELECT id FROM temp.archive_batch);
         DELETE FROM orders WHERE id IN (SELECT id FROM temp.archive_batch);",
    )?;
    Ok(moved)
}

/// The aggregate each dimension keeps, over a source of closed orders. The
/// same text serves the incremental update and the from-scratch check.
fn stats_select(orders: &str, lines: &str, status_col: &str) -> String {
    let month = "substr(o.closed_at, 1, 7)";
    let days =
        "CAST(max(0, julianday(substr(o.closed_at, 1, 10)) - julianday(o.order_date)) AS INTEGER)";
    format!(
        "SELECT 'all', '', o.department_id, {month}, o.{status_col}, count(*),
                sum(o.total_minor), 0, sum({days})
         FROM {orders} o GROUP BY 3, 4, 5
         UNION ALL
         SELECT 'reason', coalesce(o.cancel_reason_code, ''), o.department_id, {month},
                o.{status_col}, count(*), sum(o.total_minor), 0, sum({days})
         FROM {orders} o WHERE o.{status_col} = 'cancelled' GROUP BY 2, 3, 4, 5
         UNION ALL
         SELECT 'handler', coalesce(o.handler_id, ''), o.department_id, {month},
                o.{status_col}, count(*), sum(o.total_minor), 0, sum({days})
         FROM {orders} o GROUP BY 2, 3, 4, 5
         UNION ALL
         SELECT 'customer', o.customer_id, o.department_id, {month}, o.{status_col}, count(*),
                sum(o.total_minor), 0, sum({days})
         FROM {orders} o WHERE o.{status_col} = 'cancelled' GROUP BY 2, 3, 4, 5
         UNION ALL
         SELECT 'product', l.product_id, o.department_id, {month}, o.{status_col},
                count(DISTINCT o.id), sum(l.quantity * l.unit_price_minor), sum(l.quantity),
                0
         FROM {orders} o JOIN {lines} l ON l.order_id = o.id
         WHERE o.{status_col} = 'cancelled' GROUP BY 2, 3, 4, 5"
    )
}

fn add_staged_to_stats(c: &Connection) -> Result<()> {
    let staged_orders = "(SELECT * FROM orders WHERE id IN (SELECT id FROM temp.archive_batch))";
    let sql = format!(
        "INSERT INTO archive_stats (dimension, key, department_id, month, closed_as, orders,
             value_minor, quantity, days_to_close)
         SELECT * FROM ({}) WHERE true
         ON CONFLICT (dimension, closed_as, month, department_id, key) DO UPDATE SET
             orders = orders + excluded.orders,
             value_minor = value_minor + excluded.value_minor,
             quantity = quantity + excluded.quantity,
             days_to_close = days_to_close + excluded.days_to_close",
        stats_select(staged_orders, "order_lines", "status")
    );
    c.prepare_cached(&sql)?.execute([])?;
    Ok(())
}

/// One row of `archive_stats`, or of its recomputation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatRow {
    pub dimension: String,
    pub key: String,
    pub department_id: i64,
    pub month: String,
    pub closed_as: String,
    pub orders: i64,
    pub value_minor: i64,
    pub quantity: i64,
    pub days_to_close: i64,
}

fn collect_stats(c: &Connection, sql: &str) -> Result<Vec<StatRow>> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(StatRow {
            dimension: r.get(0)?,
            key: r.get::<_, rusqlite::types::Value>(1).map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                _ => String::new(),
            })?,
            department_id: r.get(2)?,
            month: r.get(3)?,
            closed_as: r.get(4)?,
            orders: r.get(5)?,
            value_minor: r.get(6)?,
            quantity: r.get(7)?,
            days_to_close: r.get(8)?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// The whole summary table, sorted.
pub fn stats(c: &Connection) -> Result<Vec<StatRow>> {
    collect_stats(
        c,
        "SELECT dimension, key, department_id, month, closed_as, orders, value_minor, quantity,
                days_to_close FROM archive_stats",
    )
}

/// What the summary table should hold, computed from the archive itself.
pub fn stats_recomputed(c: &Connection) -> Result<Vec<StatRow>> {
    collect_stats(
        c,
        &stats_select("archived_orders", "archived_order_lines", "closed_as"),
    )
}

/// Filters that every analytics figure takes.
#[derive(Debug, Clone, Default)]
pub struct StatFilter {
    /// First and last closing month, inclusive (YYYY-MM).
    pub from_month: Option<String>,
    pub to_month: Option<String>,
    pub department: Option<DepartmentId>,
}

/// Sums for one key (or month) of a dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouped {
    pub key: String,
    pub orders: i64,
    pub value_minor: i64,
    pub quantity: i64,
    pub days_to_close: i64,
}

/// Grouped sums of one dimension for closed-as `closed_as`, biggest first.
/// `by_month` groups by month instead of by key.
pub fn grouped(
    c: &Connection,
    dimension: &str,
    closed_as: &str,
    by_month: bool,
    f: &StatFilter,
    limit: i64,
) -> Result<Vec<Grouped>> {
    let group = if by_month { "month" } else { "key" };
    let order = if by_month { "month" } else { "2 DESC, 3 DESC" };
    let sql = format!(
        "SELECT {group}, sum(orders), sum(value_minor), sum(quantity), sum(days_to_close)
         FROM archive_stats
         WHERE dimension = ?1 AND closed_as = ?2
           AND month >= coalesce(?3, '') AND month <= coalesce(?4, '9999')
           AND (?5 IS NULL OR department_id = ?5)
         GROUP BY {group} ORDER BY {order} LIMIT ?6"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            dimension,
            closed_as,
            f.from_month,
            f.to_month,
            f.department.map(|d| d.0),
            limit
        ],
        |r| {
            let key = match r.get::<_, rusqlite::types::Value>(0)? {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                _ => String::new(),
            };
            Ok(Grouped {
                key,
                orders: r.get(1)?,
                value_minor: r.get(2)?,
                quantity: r.get(3)?,
                days_to_close: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Display names for the keys of a dimension.
pub fn key_label(c: &Connection, dimension: &str, key: &str) -> Result<String> {
    let sql = match dimension {
        "reason" => "SELECT label_zh || ' / ' || label_en FROM cancel_reasons WHERE code = ?1",
        "handler" => "SELECT display_name || ' (' || login || ')' FROM users WHERE id = ?1",
        "customer" => "SELECT name FROM customers WHERE id = ?1",
        "product" => "SELECT sku || ' ' || name_zh FROM products WHERE id = ?1",
        _ => return Ok(key.to_string()),
    };
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(sql)?
        .query_row([key], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| key.to_string()))
}

/// Rebuilds the summary table from the archive (after a bulk load that wrote
/// the archive tables directly).
pub fn rebuild_stats(c: &Connection) -> Result<()> {
    let sql = format!(
        "DELETE FROM archive_stats;
         INSERT INTO archive_stats (dimension, key, department_id, month, closed_as, orders,
             value_minor, quantity, days_to_close)
         {};",
        stats_select("archived_orders", "archived_order_lines", "closed_as")
    );
    c.execute_batch(&sql)?;
    Ok(())
}
