//! Customers (with the name index that search resolves first) and products
//! with their stock counters.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{CustomerId, Lang, ProductId};
use crate::error::{Error, Msg, Result};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    let id = CustomerId(c.last_insert_rowid());
    let mut stmt = c.prepare_cached(
        "INSERT OR IGNORE INTO customer_grams (gram, customer_id) VALUES (?1, ?2)",
    )?;
    for gram in short_keys(n.name, n.name_latin, n.initials) {
        stmt.execute(params![gram, id.0])?;
    }
    Ok(id)
}

/// The one- and two-character keys under which short text finds a customer:
/// each non-Latin character and pair of them (张, 张三), the first one or two
/// letters of each Latin word (zh, sa), and of the pinyin initials (z, zs).
fn short_keys(name: &str, latin: &str, initials: &str) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    let chars: Vec<char> = name.to_lowercase().chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        if ch.is_ascii() || ch.is_whitespace() {
            continue;
        }
        keys.insert(ch.to_string());
        if let Some(next) = chars
            .get(i + 1)
            .filter(|n| !n.is_ascii() && !n.is_whitespace())
        {
            keys.insert(format!("{ch}{next}"));
        }
    }
    let words = format!("{} {}", name, latin).to_lowercase();
    for word in words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .chain(std::iter::once(initials))
        .filter(|w| !w.is_empty() && w.is_ascii())
    {
        keys.insert(word[..1].to_string());
        if word.len() >= 2 {
            keys.insert(word[..2].to_string());
        }
    }
    keys
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
/// initials contain it. Three characters or more go through the trigram
/// index; shorter text, which trigrams cannot index, through `customer_grams`
/// (for Latin letters and initials: word starts).
pub fn ids_matching(c: &Connection, text: &str) -> Result<Vec<CustomerId>> {
    let ids = if text.chars().count() >= 3 {
        // A quoted FTS5 string is matched as a substring by the trigram tokenizer.
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        let mut stmt =
            c.prepare_cached("SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?1")?;
        stmt.query_map([phrase], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?
    } else {
        let mut stmt =
            c.prepare_cached("SELECT customer_id FROM customer_grams WHERE gram = ?1")?;
        stmt.query_map([text.to_lowercase()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?
    };
    Ok(ids.into_iter().map(CustomerId).collect())
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::short_keys;

    #[test]
    fn short_keys_cover_characters_pairs_and_word_starts() {
        let keys = short_keys("张三", "Zhang San", "zs");
        for k in ["张", "三", "张三", "z", "zh", "s", "sa", "zs"] {
            assert!(keys.contains(k), "{k} missing from {keys:?}");
        }
        let keys = short_keys("Acme Trading GmbH", "Acme Trading GmbH", "");
        assert!(keys.contains("ac") && keys.contains("tr") && !keys.contains("cm"));
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
