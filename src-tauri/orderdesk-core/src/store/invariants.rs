//! Queries that find breaches of the rules that must always hold
//! (DESIGN.md "Rules that hold always"). Each returns the offenders, at most
//! a hundred; an empty list means the rule holds.

use rusqlite::Connection;

use crate::error::Result;

fn strings(c: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Products whose reservation differs from the lines of the open orders
/// that hold stock.
pub fn reservation_mismatches(c: &Connection) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT p.sku || ': reserved ' || p.reserved || ', open lines ' || coalesce(x.q, 0)
         FROM products p LEFT JOIN (
             SELECT l.product_id, sum(l.quantity) AS q
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.status IN ('confirmed', 'invoiced')
                OR (o.status = 'cancel_pending'
                    AND o.status_before_cancel IN ('confirmed', 'invoiced'))
             GROUP BY l.product_id) x ON x.product_id = p.id
         WHERE p.reserved != coalesce(x.q, 0) LIMIT 100",
    )
}

/// Products whose reservation differs from the sum of their stock movements.
pub fn movement_mismatches(c: &Connection) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT p.sku || ': reserved ' || p.reserved || ', movements ' || coalesce(m.n, 0)
         FROM products p LEFT JOIN (
             SELECT product_id, sum(CASE kind WHEN 'reserve' THEN quantity ELSE -quantity END) AS n
             FROM (SELECT product_id, kind, quantity FROM stock_movements
                   UNION ALL SELECT product_id, kind, quantity FROM archived_stock_movements)
             GROUP BY product_id) m ON m.product_id = p.id
         WHERE p.reserved != coalesce(m.n, 0) LIMIT 100",
    )
}

pub fn negative_stock(c: &Connection) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT sku FROM products WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand LIMIT 100",
    )
}

/// Cancelled orders whose invoices are not fully credited, or whose payments
/// are not fully owed back.
pub fn unbalanced_cancellations(c: &Connection) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT number FROM (
             SELECT o.number,
                 (SELECT coalesce(sum(amount_minor), 0) FROM finance_entries f
                  WHERE f.order_id = o.id AND f.kind IN ('invoice', 'credit_note')) AS billed,
                 (SELECT coalesce(sum(amount_minor), 0) FROM finance_entries f
                  WHERE f.order_id = o.id AND f.kind IN ('payment', 'refund_due')) AS kept
             FROM orders o WHERE o.status = 'cancelled'
             UNION ALL
             SELECT a.number,
                 (SELECT coalesce(sum(amount_minor), 0) FROM archived_finance_entries f
                  WHERE f.order_id = a.id AND f.kind IN ('invoice', 'credit_note')),
                 (SELECT coalesce(sum(amount_minor), 0) FROM archived_finance_entries f
                  WHERE f.order_id = a.id AND f.kind IN ('payment', 'refund_due'))
             FROM archived_orders a WHERE a.closed_as = 'cancelled')
         WHERE billed != 0 OR kept != 0 LIMIT 100",
    )
}

/// Orders whose total differs from the sum of their lines.
pub fn wrong_totals(c: &Connection) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT o.number FROM orders o
         WHERE o.total_minor != (SELECT coalesce(sum(quantity * unit_price_minor), 0)
                                 FROM order_lines l WHERE l.order_id = o.id)
         LIMIT 100",
    )
}
