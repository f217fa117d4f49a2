//! Customers (with the name index that search resolves first) and products
//! with their stock counters.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::domain::{CustomerId, Lang, ProductId};
use crate::error::{Error, Msg, Result};

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub name_latin: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Lang,
}

fn customer_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    let lang: String = r.get(5)?;
    Ok(Customer {
        id: CustomerId(r.get(0)?),
        name: r.get(1)?,
        name_latin: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        language: lang.parse().unwrap_or_default(),
    })
}

pub struct NewCustomer<'a> {
    pub name: &'a str,
    pub name_latin: &'a str,
    pub initials: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: Lang,
}

pub fn insert(c: &Connection, n: &NewCustomer<'_>) -> Result<CustomerId> {
    c.prepare_cached(
        "INSERT INTO customers (name, name_latin, initials, email, phone, language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        n.name,
        n.name_latin,
        n.initials,
        n.email,
        n.phone,
        n.language.code()
    ])?;
    Ok(CustomerId(c.last_insert_rowid()))
}

pub fn get(c: &Connection, id: CustomerId) -> Result<Customer> {
    c.prepare_cached(
        "SELECT id, name, name_latin, email, phone, language FROM customers WHERE id = ?1",
    )?
    .query_row([id.0], customer_row)
    .optional()?
    .ok_or_else(|| Error::internal(format!("customer {id} missing")))
}

/// Customer ids whose name (Chinese or Latin) contains `text`, or whose pinyin
/// initials start with it. Three characters or more go through the trigram
/// index; shorter text cannot be indexed by trigrams, so it scans the
/// customers (tens of thousands of short rows), never the orders.
pub fn ids_matching(c: &Connection, text: &str) -> Result<Vec<CustomerId>> {
    let ids = if text.chars().count() >= 3 {
        // A quoted FTS5 string is matched as a substring by the trigram tokenizer.
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        let mut stmt =
            c.prepare_cached("SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?1")?;
        stmt.query_map([phrase], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?
    } else {
        let lower = text.to_lowercase();
        let mut stmt = c.prepare_cached(
            "SELECT id FROM customers
             WHERE instr(name, ?1) > 0 OR instr(lower(name_latin), ?2) > 0
                OR substr(initials, 1, length(?2)) = ?2",
        )?;
        stmt.query_map([text, lower.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?
    };
    Ok(ids.into_iter().map(CustomerId).collect())
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_price_minor: i64,
    pub on_hand: i64,
    pub reserved: i64,
}

fn product_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: ProductId(r.get(0)?),
        sku: r.get(1)?,
        name_zh: r.get(2)?,
        name_en: r.get(3)?,
        unit_price_minor: r.get(4)?,
        on_hand: r.get(5)?,
        reserved: r.get(6)?,
    })
}

pub fn insert_product(
    c: &Connection,
    sku: &str,
    name_zh: &str,
    name_en: &str,
    unit_price_minor: i64,
    on_hand: i64,
) -> Result<ProductId> {
    c.prepare_cached(
        "INSERT INTO products (sku, name_zh, name_en, unit_price_minor, on_hand)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sku, name_zh, name_en, unit_price_minor, on_hand])?;
    Ok(ProductId(c.last_insert_rowid()))
}

pub fn product(c: &Connection, id: ProductId) -> Result<Product> {
    c.prepare_cached(
        "SELECT id, sku, name_zh, name_en, unit_price_minor, on_hand, reserved
         FROM products WHERE id = ?1",
    )?
    .query_row([id.0], product_row)
    .optional()?
    .ok_or_else(|| Error::internal(format!("product {id} missing")))
}

pub fn products(c: &Connection) -> Result<Vec<Product>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, sku, name_zh, name_en, unit_price_minor, on_hand, reserved
         FROM products ORDER BY id",
    )?;
    let rows = stmt.query_map([], product_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
