//! Products, their stock counters, and the stock adjustments (receipts,
//! counts, opening stock) that change what is on hand outside any order.
//!
//! The counters are guarded here, in the statements themselves: on hand never
//! goes negative and the reservation never exceeds it, whoever calls.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{ProductId, UserId};
use crate::error::{Error, Msg, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_price_minor: i64,
    pub on_hand: i64,
    pub reserved: i64,
    /// "件", "box", … (free text; empty when not set).
    pub unit: String,
    pub active: bool,
}

impl Product {
    /// What can still be promised to an order.
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }
}

const COLUMNS: &str = "p.id, p.sku, p.name_zh, p.name_en, p.unit_price_minor, p.on_hand, p.reserved, p.unit, p.active";

fn product_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: ProductId(r.get(0)?),
        sku: r.get(1)?,
        name_zh: r.get(2)?,
        name_en: r.get(3)?,
        unit_price_minor: r.get(4)?,
        on_hand: r.get(5)?,
        reserved: r.get(6)?,
        unit: r.get(7)?,
        active: r.get(8)?,
    })
}

pub struct NewProduct<'a> {
    pub sku: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    pub unit_price_minor: i64,
    pub on_hand: i64,
    pub unit: &'a str,
}

pub fn insert(c: &Connection, p: &NewProduct<'_>) -> Result<ProductId> {
    c.prepare_cached(
        "INSERT INTO products (sku, name_zh, name_en, unit_price_minor, on_hand, unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.sku,
        p.name_zh,
        p.name_en,
        p.unit_price_minor,
        p.on_hand,
        p.unit
    ])?;
    Ok(ProductId(c.last_insert_rowid()))
}

/// The demo data's products: no unit, as they were made before units.
pub fn insert_product(
    c: &Connection,
    sku: &str,
    name_zh: &str,
    name_en: &str,
    unit_price_minor: i64,
    on_hand: i64,
) -> Result<ProductId> {
    insert(
        c,
        &NewProduct {
            sku,
            name_zh,
            name_en,
            unit_price_minor,
            on_hand,
            unit: "",
        },
    )
}

pub fn product(c: &Connection, id: ProductId) -> Result<Product> {
    find_by_id(c, id)?.ok_or_else(|| Error::internal(format!("product {id} missing")))
}

pub fn find_by_id(c: &Connection, id: ProductId) -> Result<Option<Product>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM products p WHERE p.id = ?1"))?
            .query_row([id.0], product_row)
            .optional()?,
    )
}

pub fn by_sku(c: &Connection, sku: &str) -> Result<Option<Product>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM products p WHERE p.sku = ?1"
    ))?
    .query_row([sku], product_row)
    .optional()?)
}

pub fn products(c: &Connection) -> Result<Vec<Product>> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM products p ORDER BY p.id"))?;
    let rows = stmt.query_map([], product_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Products for a picker or the product list: by SKU prefix first, then by
/// a substring of the SKU or either name. Empty text lists by SKU.
pub fn find(
    c: &Connection,
    text: &str,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<Product>> {
    let text = text.trim();
    let active = if include_inactive { 0 } else { 1 };
    let mut out: Vec<Product> = Vec::new();
    let push = |rows: Vec<Product>, out: &mut Vec<Product>| {
        for p in rows {
            if out.len() as i64 >= limit {
                break;
            }
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
    };
    if text.is_empty() {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM products p WHERE p.active >= ?1 ORDER BY p.sku LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![active, limit], product_row)?;
        return Ok(rows.collect::<rusqlite::Result<_>>()?);
    }
    let upper = text.to_uppercase();
    // SKU prefix as typed, then in capitals, each in index order up to `limit`.
    for prefix in crate::store::customers::prefixes(text) {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM products p
             WHERE p.sku >= ?1 AND p.sku < ?1 || char(1114111) AND p.active >= ?2
             ORDER BY p.sku LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(params![prefix, active, limit], product_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        push(rows, &mut out);
    }
    if (out.len() as i64) < limit {
        let rows = if text.chars().count() >= 3 {
            // A quoted FTS5 string is a substring for the trigram tokenizer;
            // rows come in id order, so a common word stops after `limit`.
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM products_fts f JOIN products p ON p.id = f.rowid
                 WHERE products_fts MATCH ?1 AND p.active >= ?2 LIMIT ?3"
            ))?;
            stmt.query_map(params![phrase, active, limit], product_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            // One or two characters: trigrams cannot index them; products are
            // few enough (tens of thousands) to read through.
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM products p
                 WHERE (instr(p.name_zh, ?1) OR instr(lower(p.name_en), lower(?1))
                        OR instr(upper(p.sku), ?2)) AND p.active >= ?3
                 LIMIT ?4"
            ))?;
            stmt.query_map(params![text, upper, active, limit], product_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        push(rows, &mut out);
    }
    Ok(out)
}

pub fn update(
    c: &Connection,
    id: ProductId,
    name_zh: &str,
    name_en: &str,
    unit_price_minor: i64,
    unit: &str,
) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE products SET name_zh = ?2, name_en = ?3, unit_price_minor = ?4, unit = ?5
             WHERE id = ?1",
        )?
        .execute(params![id.0, name_zh, name_en, unit_price_minor, unit])?;
    crate::store::one_row(changed)
}

pub fn set_active(c: &Connection, id: ProductId, active: bool) -> Result<()> {
    let changed = c
        .prepare_cached("UPDATE products SET active = ?2 WHERE id = ?1")?
        .execute(params![id.0, active])?;
    crate::store::one_row(changed)
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM products", [], |r| r.get(0))?)
}

/// Adds `delta` to a product's reservation. Refuses to reserve more than is on
/// hand (the stock never goes negative).
pub fn change_reserved(c: &Connection, id: ProductId, delta: i64) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE products SET reserved = reserved + ?2
             WHERE id = ?1 AND reserved + ?2 >= 0 AND reserved + ?2 <= on_hand",
        )?
        .execute(params![id.0, delta])?;
    if changed == 1 {
        return Ok(());
    }
    let p = product(c, id)?;
    Err(Error::rule(Msg::InsufficientStock {
        sku: p.sku,
        needed: delta,
        available: p.on_hand - p.reserved,
    }))
}

/// Goods leave the warehouse: the reservation is consumed with the stock.
pub fn ship(c: &Connection, id: ProductId, quantity: i64) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE products SET reserved = reserved - ?2, on_hand = on_hand - ?2
             WHERE id = ?1 AND reserved >= ?2",
        )?
        .execute(params![id.0, quantity])?;
    crate::store::one_row(changed)
}

/// Changes what is on hand by `delta`, if it stays at or above both zero and
/// the reservation; returns the new on-hand figure, or None when refused.
pub fn change_on_hand(c: &Connection, id: ProductId, delta: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "UPDATE products SET on_hand = on_hand + ?2
             WHERE id = ?1 AND on_hand + ?2 >= 0 AND on_hand + ?2 >= reserved
             RETURNING on_hand",
    )?
    .query_row(params![id.0, delta], |r| r.get(0))
    .optional()?)
}

/// One change of stock outside an order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockAdjustment {
    pub id: i64,
    /// `receipt`, `adjustment` or `import`.
    pub kind: String,
    /// The signed change of what is on hand.
    pub quantity: i64,
    pub on_hand_after: i64,
    pub reason: String,
    pub actor: Option<String>,
    pub actor_name: Option<String>,
    pub at: String,
}

pub struct NewAdjustment<'a> {
    pub product: ProductId,
    pub kind: &'a str,
    pub quantity: i64,
    pub on_hand_after: i64,
    pub reason: &'a str,
    pub actor: Option<UserId>,
    pub at: &'a str,
}

pub fn insert_adjustment(c: &Connection, a: &NewAdjustment<'_>) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO stock_adjustments (product_id, kind, quantity, on_hand_after, reason,
             actor_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        a.product.0,
        a.kind,
        a.quantity,
        a.on_hand_after,
        a.reason,
        a.actor.map(|u| u.0),
        a.at
    ])?;
    Ok(())
}

/// A product's stock adjustments, newest first.
pub fn adjustments(c: &Connection, id: ProductId, limit: i64) -> Result<Vec<StockAdjustment>> {
    let mut stmt = c.prepare_cached(
        "SELECT a.id, a.kind, a.quantity, a.on_hand_after, a.reason, u.login, u.display_name,
                a.at
         FROM stock_adjustments a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.product_id = ?1 ORDER BY a.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![id.0, limit], |r| {
        Ok(StockAdjustment {
            id: r.get(0)?,
            kind: r.get(1)?,
            quantity: r.get(2)?,
            on_hand_after: r.get(3)?,
            reason: r.get(4)?,
            actor: r.get(5)?,
            actor_name: r.get(6)?,
            at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
