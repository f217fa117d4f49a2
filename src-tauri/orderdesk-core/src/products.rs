//! Products and their stock as a site keeps them. Managers and administrators
//! create and change products and record stock received or counted; everyone
//! reads. On hand never goes negative and never below what open orders have
//! reserved; every change is in the settings log (before → after), and every
//! change of stock is also a stock adjustment with its reason.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, require_manager};
use crate::customers::key;
use crate::domain::ProductId;
use crate::error::{Error, Msg, Result};
use crate::store::{self, Store, products::Product, products::StockAdjustment};

pub const SKU_MAX: usize = 40;
pub const NAME_MAX: usize = 120;
pub const UNIT_MAX: usize = 10;
pub const REASON_MAX: usize = 200;
/// The most of one product on hand, or on one order line: far above any
/// office's stock, far below what sums of them could overflow.
pub const QUANTITY_MAX: i64 = 1_000_000_000;
/// The highest unit price: ten billion yuan in fen.
pub const PRICE_MAX: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ProductInput {
    /// None: a new product.
    pub id: Option<ProductId>,
    pub sku: String,
    pub name_zh: String,
    /// Empty: the Chinese name.
    pub name_en: String,
    pub unit_price_minor: i64,
    pub unit: String,
}

/// A change of stock outside any order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StockChange {
    /// Goods came in: `quantity` more on hand.
    Receipt { quantity: i64 },
    /// A count found `on_hand`: set it so.
    Count { on_hand: i64 },
}

#[derive(Debug, Clone)]
pub(crate) struct Clean {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_price_minor: i64,
    pub unit: String,
}

fn required(value: &str, field: &'static str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(Msg::FieldRequired {
            field: field.into(),
        }));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(Msg::TextTooLong {
            field: field.into(),
            max,
        }));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(Msg::BadField {
            field: field.into(),
            value: v.chars().filter(|c| !c.is_control()).collect(),
        }));
    }
    Ok(v.to_string())
}

pub(crate) fn check_price(price: i64) -> Result<i64> {
    if !(0..=PRICE_MAX).contains(&price) {
        return Err(Error::invalid(Msg::BadField {
            field: "unit_price".into(),
            value: crate::domain::Money(price).format("").trim().to_string(),
        }));
    }
    Ok(price)
}

pub(crate) fn check_quantity(field: &'static str, q: i64, min: i64) -> Result<i64> {
    if !(min..=QUANTITY_MAX).contains(&q) {
        return Err(Error::invalid(Msg::BadField {
            field: field.into(),
            value: q.to_string(),
        }));
    }
    Ok(q)
}

pub(crate) fn clean(input: &ProductInput) -> Result<Clean> {
    let sku = key(&input.sku, "sku", SKU_MAX)?.ok_or_else(|| {
        Error::invalid(Msg::FieldRequired {
            field: "sku".into(),
        })
    })?;
    let name_zh = required(&input.name_zh, "name_zh", NAME_MAX)?;
    let name_en = if input.name_en.trim().is_empty() {
        name_zh.clone()
    } else {
        required(&input.name_en, "name_en", NAME_MAX)?
    };
    let unit = input.unit.trim();
    if unit.chars().count() > UNIT_MAX || unit.chars().any(char::is_control) {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "unit".into(),
            max: UNIT_MAX,
        }));
    }
    Ok(Clean {
        sku,
        name_zh,
        name_en,
        unit_price_minor: check_price(input.unit_price_minor)?,
        unit: unit.to_string(),
    })
}

fn audit(
    c: &Connection,
    s: &Session,
    at: &str,
    kind: &str,
    before: Option<&Product>,
    after: &Product,
    reason: Option<&str>,
) -> Result<()> {
    let detail =
        serde_json::json!({ "before": before, "after": after, "reason": reason }).to_string();
    store::settings::record_event(
        c,
        at,
        (s.user_id.0, &s.login),
        kind,
        &after.sku,
        Some(&detail),
    )
}

fn load(c: &Connection, id: ProductId) -> Result<Product> {
    store::products::find_by_id(c, id)?.ok_or_else(|| {
        Error::not_found(Msg::ProductNotFound {
            sku: format!("#{id}"),
        })
    })
}

/// Adds a checked product with `on_hand` as its opening stock, inside the
/// caller's transaction (the form, or one row of an import).
pub(crate) fn create_in(
    c: &Connection,
    s: &Session,
    v: &Clean,
    on_hand: i64,
    at: &str,
) -> Result<Product> {
    if store::products::by_sku(c, &v.sku)?.is_some() {
        return Err(Error::invalid(Msg::AlreadyExists {
            value: v.sku.clone(),
        }));
    }
    let on_hand = check_quantity("on_hand", on_hand, 0)?;
    let id = store::products::insert(
        c,
        &store::products::NewProduct {
            sku: &v.sku,
            name_zh: &v.name_zh,
            name_en: &v.name_en,
            unit_price_minor: v.unit_price_minor,
            on_hand,
            unit: &v.unit,
        },
    )?;
    if on_hand > 0 {
        store::products::insert_adjustment(
            c,
            &store::products::NewAdjustment {
                product: id,
                kind: "import",
                quantity: on_hand,
                on_hand_after: on_hand,
                reason: "opening stock",
                actor: Some(s.user_id),
                at,
            },
        )?;
    }
    let after = load(c, id)?;
    audit(c, s, at, "product_created", None, &after, None)?;
    Ok(after)
}

/// Products whose SKU starts with, or whose SKU or names hold, `text`.
pub fn find(
    store: &Store,
    _s: &Session,
    text: &str,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<Product>> {
    if text.chars().count() > 200 {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "search".into(),
            max: 200,
        }));
    }
    let limit = limit.clamp(1, crate::customers::FIND_MAX);
    store.read(|c| store::products::find(c, text, include_inactive, limit))
}

/// Creates a product (no id; nothing on hand until stock is received) or
/// changes one's names, price and unit. The SKU is the product's key: it is
/// never changed.
pub fn save(store: &Store, s: &Session, input: &ProductInput) -> Result<Product> {
    require_manager(s)?;
    let v = clean(input)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let Some(id) = input.id else {
            return create_in(tx, s, &v, 0, &at);
        };
        let before = load(tx, id)?;
        if before.sku != v.sku {
            return Err(Error::invalid(Msg::BadField {
                field: "sku".into(),
                value: v.sku,
            }));
        }
        store::products::update(tx, id, &v.name_zh, &v.name_en, v.unit_price_minor, &v.unit)?;
        let after = load(tx, id)?;
        if after != before {
            audit(tx, s, &at, "product_changed", Some(&before), &after, None)?;
        }
        Ok(after)
    })
}

pub fn set_active(store: &Store, s: &Session, id: ProductId, active: bool) -> Result<Product> {
    require_manager(s)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let before = load(tx, id)?;
        if before.active == active {
            return Ok(before);
        }
        store::products::set_active(tx, id, active)?;
        let after = load(tx, id)?;
        let kind = if active {
            "product_activated"
        } else {
            "product_deactivated"
        };
        audit(tx, s, &at, kind, Some(&before), &after, None)?;
        Ok(after)
    })
}

/// Records stock received or counted, with its reason: one transaction that
/// changes what is on hand, writes the stock adjustment and logs it.
pub fn change_stock(
    store: &Store,
    s: &Session,
    id: ProductId,
    change: &StockChange,
    reason: &str,
) -> Result<Product> {
    require_manager(s)?;
    let reason = required(reason, "reason", REASON_MAX)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let before = load(tx, id)?;
        let (kind, delta) = match *change {
            StockChange::Receipt { quantity } => {
                ("receipt", check_quantity("quantity", quantity, 1)?)
            }
            StockChange::Count { on_hand } => (
                "adjustment",
                check_quantity("on_hand", on_hand, 0)? - before.on_hand,
            ),
        };
        if before
            .on_hand
            .checked_add(delta)
            .is_none_or(|n| n > QUANTITY_MAX)
        {
            return Err(Error::invalid(Msg::AmountTooLarge));
        }
        let Some(after_on_hand) = store::products::change_on_hand(tx, id, delta)? else {
            return Err(Error::rule(Msg::StockBelowReserved {
                sku: before.sku,
                on_hand: before.on_hand + delta,
                reserved: before.reserved,
            }));
        };
        store::products::insert_adjustment(
            tx,
            &store::products::NewAdjustment {
                product: id,
                kind,
                quantity: delta,
                on_hand_after: after_on_hand,
                reason: &reason,
                actor: Some(s.user_id),
                at: &at,
            },
        )?;
        let after = load(tx, id)?;
        let log_kind = if kind == "receipt" {
            "stock_received"
        } else {
            "stock_counted"
        };
        audit(tx, s, &at, log_kind, Some(&before), &after, Some(&reason))?;
        Ok(after)
    })
}

/// A product's stock adjustments, newest first.
pub fn stock_history(
    store: &Store,
    _s: &Session,
    id: ProductId,
    limit: i64,
) -> Result<Vec<StockAdjustment>> {
    store.read(|c| {
        load(c, id)?;
        store::products::adjustments(c, id, limit.clamp(1, 500))
    })
}

/// Who changed a product or its stock, when, and from what to what.
pub fn history(
    store: &Store,
    s: &Session,
    id: ProductId,
) -> Result<Vec<store::settings::SettingsEvent>> {
    require_manager(s)?;
    store.read(|c| {
        let p = load(c, id)?;
        let mut events = store::settings::events_about(c, "product_", &p.sku, 100)?;
        events.extend(store::settings::events_about(c, "stock_", &p.sku, 100)?);
        events.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(events)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_defaults_the_english_name_and_checks_the_rest() {
        let v = clean(&ProductInput {
            sku: "P-1".into(),
            name_zh: "订书机".into(),
            unit_price_minor: 1250,
            ..Default::default()
        })
        .expect("clean");
        assert_eq!(v.name_en, "订书机");
        let bad = |f: fn(&mut ProductInput)| {
            let mut i = ProductInput {
                sku: "P-1".into(),
                name_zh: "订书机".into(),
                ..Default::default()
            };
            f(&mut i);
            clean(&i).expect_err("refused").is_invalid_input()
        };
        assert!(bad(|i| i.sku = "".into()));
        assert!(bad(|i| i.sku = "P 1".into()));
        assert!(bad(|i| i.name_zh = " ".into()));
        assert!(bad(|i| i.unit_price_minor = -1));
        assert!(bad(|i| i.unit_price_minor = PRICE_MAX + 1));
        assert!(bad(|i| i.unit = "a very long unit name".into()));
    }
}
