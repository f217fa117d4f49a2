//! Customers: the master data a site keeps, and the name index that order
//! search resolves first (trigrams for three characters or more, short keys
//! below that).

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{CustomerId, Lang};
use crate::error::{Error, Result};

/// A customer as notices and order details need them.
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

/// A customer whole, as the customer list and its form show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub name_latin: String,
    /// Pinyin initials of the name, computed: 张三 → zs.
    pub initials: String,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Lang,
    pub active: bool,
}

const RECORD_COLUMNS: &str = "c.id, coalesce(c.code, ''), c.name, c.name_latin, c.initials, \
    c.contact, c.email, c.phone, c.language, c.active";

fn record_row(r: &Row<'_>) -> rusqlite::Result<CustomerRecord> {
    let lang: String = r.get(8)?;
    Ok(CustomerRecord {
        id: CustomerId(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
        name_latin: r.get(3)?,
        initials: r.get(4)?,
        contact: r.get(5)?,
        email: r.get(6)?,
        phone: r.get(7)?,
        language: lang.parse().unwrap_or_default(),
        active: r.get(9)?,
    })
}

pub struct NewCustomer<'a> {
    /// None: numbered from the row id (C000123).
    pub code: Option<&'a str>,
    pub name: &'a str,
    pub name_latin: &'a str,
    pub initials: &'a str,
    pub contact: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: Lang,
}

pub fn insert(c: &Connection, n: &NewCustomer<'_>) -> Result<CustomerId> {
    c.prepare_cached(
        "INSERT INTO customers (code, name, name_latin, initials, contact, email, phone, language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        n.code,
        n.name,
        n.name_latin,
        n.initials,
        n.contact,
        n.email,
        n.phone,
        n.language.code()
    ])?;
    let id = CustomerId(c.last_insert_rowid());
    if n.code.is_none() {
        // A code someone typed may already read like C000123: then the
        // row id gets a suffix.
        c.prepare_cached(
            "UPDATE customers SET code = CASE
                 WHEN EXISTS (SELECT 1 FROM customers WHERE code = printf('C%06d', ?1))
                 THEN printf('C%06d-%d', ?1, abs(random()) % 1000)
                 ELSE printf('C%06d', ?1) END
             WHERE id = ?1",
        )?
        .execute([id.0])?;
    }
    write_keys(c, id, n.name, n.name_latin, n.initials)?;
    Ok(id)
}

fn write_keys(
    c: &Connection,
    id: CustomerId,
    name: &str,
    latin: &str,
    initials: &str,
) -> Result<()> {
    let mut stmt = c.prepare_cached(
        "INSERT OR IGNORE INTO customer_grams (gram, customer_id) VALUES (?1, ?2)",
    )?;
    for gram in short_keys(name, latin, initials) {
        stmt.execute(params![gram, id.0])?;
    }
    Ok(())
}

/// Writes a customer's changeable fields (and re-indexes the name).
pub fn update(c: &Connection, r: &CustomerRecord) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE customers SET code = ?2, name = ?3, name_latin = ?4, initials = ?5,
                 contact = ?6, email = ?7, phone = ?8, language = ?9
             WHERE id = ?1",
        )?
        .execute(params![
            r.id.0,
            r.code,
            r.name,
            r.name_latin,
            r.initials,
            r.contact,
            r.email,
            r.phone,
            r.language.code()
        ])?;
    crate::store::one_row(changed)?;
    c.prepare_cached("DELETE FROM customer_grams WHERE customer_id = ?1")?
        .execute([r.id.0])?;
    write_keys(c, r.id, &r.name, &r.name_latin, &r.initials)
}

pub fn set_active(c: &Connection, id: CustomerId, active: bool) -> Result<()> {
    let changed = c
        .prepare_cached("UPDATE customers SET active = ?2 WHERE id = ?1")?
        .execute(params![id.0, active])?;
    crate::store::one_row(changed)
}

pub fn record(c: &Connection, id: CustomerId) -> Result<Option<CustomerRecord>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM customers c WHERE c.id = ?1"
    ))?
    .query_row([id.0], record_row)
    .optional()?)
}

pub fn by_code(c: &Connection, code: &str) -> Result<Option<CustomerRecord>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM customers c WHERE c.code = ?1"
    ))?
    .query_row([code], record_row)
    .optional()?)
}

/// Customers for a picker or the customer list: by code prefix first, then
/// by name, Latin name or pinyin initials as order search finds them. Empty
/// text lists by name. Common words stop after `limit` rows.
pub fn find(
    c: &Connection,
    text: &str,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<CustomerRecord>> {
    let text = text.trim();
    let active = if include_inactive { 0 } else { 1 };
    if text.is_empty() {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM customers c WHERE c.active >= ?1
             ORDER BY c.name LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![active, limit], record_row)?;
        return Ok(rows.collect::<rusqlite::Result<_>>()?);
    }
    // Code prefix as typed, then in capitals: each walks the code index in
    // order and stops at `limit` (one query with OR sorted every match).
    let mut out: Vec<CustomerRecord> = Vec::new();
    for prefix in prefixes(text) {
        let rows: Vec<CustomerRecord> = c
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM customers c
                 WHERE c.code >= ?1 AND c.code < ?1 || char(1114111) AND c.active >= ?2
                 ORDER BY c.code LIMIT ?3"
            ))?
            .query_map(params![prefix, active, limit], record_row)?
            .collect::<rusqlite::Result<_>>()?;
        for r in rows {
            if (out.len() as i64) < limit && !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
    }
    if (out.len() as i64) < limit {
        let rows: Vec<CustomerRecord> = if text.chars().count() >= 3 {
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            c.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM customers_fts f JOIN customers c ON c.id = f.rowid
                 WHERE customers_fts MATCH ?1 AND c.active >= ?2 LIMIT ?3"
            ))?
            .query_map(params![phrase, active, limit], record_row)?
            .collect::<rusqlite::Result<_>>()?
        } else {
            c.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM customer_grams g JOIN customers c
                     ON c.id = g.customer_id
                 WHERE g.gram = ?1 AND c.active >= ?2 LIMIT ?3"
            ))?
            .query_map(params![text.to_lowercase(), active, limit], record_row)?
            .collect::<rusqlite::Result<_>>()?
        };
        for r in rows {
            if (out.len() as i64) >= limit {
                break;
            }
            if !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// Reads every customer's initials again with `initials` and rewrites their
/// short keys (a migration: the readings of names improved).
pub fn reindex_initials(c: &Connection, initials: impl Fn(&str) -> String) -> Result<usize> {
    let all: Vec<(i64, String, String, String)> = c
        .prepare("SELECT id, name, name_latin, initials FROM customers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut changed = 0;
    for (id, name, latin, old) in all {
        let new = initials(&name);
        if new == old {
            continue;
        }
        c.prepare_cached("UPDATE customers SET initials = ?2 WHERE id = ?1")?
            .execute(params![id, new])?;
        c.prepare_cached("DELETE FROM customer_grams WHERE customer_id = ?1")?
            .execute([id])?;
        write_keys(c, CustomerId(id), &name, &latin, &new)?;
        changed += 1;
    }
    Ok(changed)
}

/// A typed prefix, and its capitals when they differ.
pub(crate) fn prefixes(text: &str) -> Vec<String> {
    let upper = text.to_uppercase();
    if upper == text {
        vec![upper]
    } else {
        vec![text.to_string(), upper]
    }
}

/// Whether any order, active or archived, or any customer notice names the customer.
pub fn is_used(c: &Connection, id: CustomerId) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE customer_id = ?1)
                 OR EXISTS (SELECT 1 FROM archived_orders WHERE customer_id = ?1)
                 OR EXISTS (SELECT 1 FROM customer_outbox WHERE customer_id = ?1)",
    )?
    .query_row([id.0], |r| r.get(0))?)
}

/// Removes a customer no order names (see `is_used`).
pub fn delete(c: &Connection, id: CustomerId) -> Result<()> {
    c.prepare_cached("DELETE FROM customer_grams WHERE customer_id = ?1")?
        .execute([id.0])?;
    let changed = c
        .prepare_cached("DELETE FROM customers WHERE id = ?1")?
        .execute([id.0])?;
    crate::store::one_row(changed)
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
        .chain(initials.split_whitespace())
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
