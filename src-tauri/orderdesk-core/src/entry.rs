//! Order entry: a new order is a draft with a new number, handled by the
//! person who entered it in their department; a draft's customer, date, notes
//! and lines can be changed (at the version the person saw) until it is
//! confirmed. Prices default from the product; totals are checked sums.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_modify};
use crate::domain::{CustomerId, ProductId, Status};
use crate::error::{Error, Msg, Result};
use crate::lifecycle::{check_version, load, record, save};
use crate::products::{check_price, check_quantity};
use crate::store::{self, Store};

pub const LINES_MAX: usize = 200;
pub const NOTES_MAX: usize = 2000;
pub const CURRENCY: &str = "CNY";

/// An order as the new-order form sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftOrder {
    pub customer: CustomerId,
    /// YYYY-MM-DD.
    pub order_date: String,
    pub notes: Option<String>,
    pub lines: Vec<DraftLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftLine {
    pub product: ProductId,
    pub quantity: i64,
    /// None: the product's price.
    pub unit_price_minor: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderCreated {
    pub number: String,
    pub version: i64,
    pub total_minor: i64,
}

/// A line checked against its product: what will be stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedLine {
    pub product: ProductId,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// The sum of quantity × price over the lines, or an error when it would not
/// fit the books.
pub(crate) fn total_of(lines: &[CheckedLine]) -> Result<i64> {
    lines.iter().try_fold(0i64, |sum, l| {
        l.quantity
            .checked_mul(l.unit_price_minor)
            .and_then(|amount| sum.checked_add(amount))
            .ok_or_else(|| Error::invalid(Msg::AmountTooLarge))
    })
}

struct Checked {
    order_date: String,
    notes: Option<String>,
    lines: Vec<CheckedLine>,
    total: i64,
}

fn check(c: &Connection, d: &DraftOrder) -> Result<Checked> {
    let order_date = crate::search::parse_date(&d.order_date)?.to_string();
    let notes = crate::lifecycle::clean_note(d.notes.as_deref(), NOTES_MAX)?;
    let customer = store::customers::record(c, d.customer)?.ok_or_else(|| {
        Error::not_found(Msg::CustomerNotFound {
            code: format!("#{}", d.customer),
        })
    })?;
    if !customer.active {
        return Err(Error::rule(Msg::CustomerInactive {
            name: customer.name,
        }));
    }
    if d.lines.is_empty() {
        return Err(Error::invalid(Msg::NoLines));
    }
    if d.lines.len() > LINES_MAX {
        return Err(Error::invalid(Msg::TooManyLines { max: LINES_MAX }));
    }
    let mut lines = Vec::with_capacity(d.lines.len());
    for l in &d.lines {
        let product = store::products::find_by_id(c, l.product)?.ok_or_else(|| {
            Error::not_found(Msg::ProductNotFound {
                sku: format!("#{}", l.product),
            })
        })?;
        if !product.active {
            return Err(Error::rule(Msg::ProductInactive { sku: product.sku }));
        }
        lines.push(CheckedLine {
            product: product.id,
            quantity: check_quantity("quantity", l.quantity, 1)?,
            unit_price_minor: check_price(l.unit_price_minor.unwrap_or(product.unit_price_minor))?,
        });
    }
    let total = total_of(&lines)?;
    Ok(Checked {
        order_date,
        notes,
        lines,
        total,
    })
}

fn write_lines(c: &Connection, order: crate::domain::OrderId, lines: &[CheckedLine]) -> Result<()> {
    store::orders::delete_lines(c, order)?;
    for (i, l) in lines.iter().enumerate() {
        store::orders::insert_line(
            c,
            order,
            i as i64 + 1,
            l.product,
            l.quantity,
            l.unit_price_minor,
        )?;
    }
    Ok(())
}

/// Saves a new draft with the next number; `s` handles it in their department.
pub fn create(store: &Store, s: &Session, draft: &DraftOrder) -> Result<OrderCreated> {
    let now = store.now();
    let at = store::stamp(now);
    store.write(|tx| {
        let v = check(tx, draft)?;
        let number = store::orders::next_number(tx, chrono::Datelike::year(&now))?;
        let id = store::orders::insert(
            tx,
            &store::orders::NewOrder {
                number: &number,
                customer_id: draft.customer,
                handler_id: Some(s.user_id),
                department_id: s.department_id,
                sales_rep_id: s.user_id,
                status: Status::Draft,
                total_minor: v.total,
                currency: CURRENCY,
                order_date: &v.order_date,
                created_at: &at,
                updated_by: Some(s.user_id),
                closed_at: None,
                version: 1,
                notes: v.notes.as_deref(),
            },
        )?;
        write_lines(tx, id, &v.lines)?;
        let order = crate::lifecycle::load_id(tx, id)?;
        let data = serde_json::json!({ "lines": v.lines.len(), "total_minor": v.total });
        record(
            tx,
            &order,
            "created",
            s,
            &at,
            None,
            Some(Status::Draft),
            None,
            None,
            Some(data),
        )?;
        Ok(OrderCreated {
            number,
            version: order.version,
            total_minor: v.total,
        })
    })
}

/// Why `s` may not change this order's draft now, if anything.
pub(crate) fn edit_refusal(c: &Connection, s: &Session, o: &store::orders::Order) -> Result<()> {
    can_modify(c, s, o)?;
    if o.status != Status::Draft {
        return Err(Error::rule(Msg::DraftOnly {
            number: o.number.clone(),
            status: o.status,
        }));
    }
    Ok(())
}

/// Replaces a draft's customer, date, notes and lines, at the version `s`
/// saw; returns the new version.
pub fn edit(
    store: &Store,
    s: &Session,
    number: &str,
    seen: i64,
    draft: &DraftOrder,
) -> Result<i64> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        edit_refusal(tx, s, &order)?;
        check_version(tx, &order, seen)?;
        let v = check(tx, draft)?;
        let before = serde_json::json!({
            "customer_id": order.customer_id,
            "order_date": order.order_date,
            "total_minor": order.total_minor,
        });
        order.customer_id = draft.customer;
        order.order_date = v.order_date.clone();
        order.notes = v.notes.clone();
        order.total_minor = v.total;
        write_lines(tx, order.id, &v.lines)?;
        save(tx, &mut order, seen, s, &at)?;
        let data = serde_json::json!({
            "before": before,
            "after": {
                "customer_id": order.customer_id,
                "order_date": order.order_date,
                "total_minor": order.total_minor,
                "lines": v.lines.len(),
            },
        });
        record(
            tx,
            &order,
            "draft_edited",
            s,
            &at,
            None,
            None,
            None,
            None,
            Some(data),
        )?;
        Ok(order.version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_checked_sums() {
        let line = |quantity, unit_price_minor| CheckedLine {
            product: ProductId(1),
            quantity,
            unit_price_minor,
        };
        assert_eq!(
            total_of(&[line(3, 1250), line(1, 99)]).expect("sum"),
            3 * 1250 + 99
        );
        let e = total_of(&[line(i64::MAX / 2, 3)]).expect_err("overflow");
        assert!(e.is_invalid_input());
        let e = total_of(&[line(1, i64::MAX), line(1, 1)]).expect_err("overflow");
        assert!(e.is_invalid_input());
    }
}
