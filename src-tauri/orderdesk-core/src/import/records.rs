//! From rows to records, and from records to the database.
//!
//! [`items`] groups a table's rows into records (an order is all the rows
//! that carry its number) and refuses what the file alone shows to be wrong
//! (a missing key, a key twice). [`plan`] checks one record against the
//! database and the rules — the dry run stops there — and [`apply`] writes
//! it, inside the caller's savepoint.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::ImportKind;
use super::fields::Columns;
use super::table::Table;
use super::values;
use crate::auth::Session;
use crate::customers::{self, CustomerInput};
use crate::domain::{CustomerId, DepartmentId, OrderId, ProductId, Status, UserId};
use crate::entry::{CURRENCY, CheckedLine, NOTES_MAX, total_of};
use crate::error::{Error, Msg, Result, Shortfall};
use crate::products::{self, ProductInput, check_price, check_quantity};
use crate::store::{self, events::NewEvent};

/// A record's rows as read: each row's number and its mapped cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Raw {
    pub rows: Vec<(i64, BTreeMap<String, String>)>,
}

impl Raw {
    fn first(&self, field: &str) -> &str {
        self.rows
            .first()
            .and_then(|(_, r)| r.get(field))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// A record of the file, refused already or to be planned.
#[derive(Debug)]
pub struct Item {
    /// The record's first row in the file.
    pub row: i64,
    /// Customer code, SKU or order number.
    pub key: String,
    pub raw: Raw,
    pub refused: Option<Error>,
}

fn key_field(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Customers => "code",
        ImportKind::Products => "sku",
        ImportKind::Orders => "number",
    }
}

/// Groups rows into records, in the order of their first rows.
pub fn items(kind: ImportKind, table: &Table, columns: &Columns) -> Vec<Item> {
    let key = key_field(kind);
    let mut out: Vec<Item> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &table.rows {
        let mapped: BTreeMap<String, String> = kind
            .fields()
            .iter()
            .map(|f| (f.key.to_string(), columns.get(cells, f.key).to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let k = mapped.get(key).cloned().unwrap_or_default();
        if k.is_empty() {
            out.push(Item {
                row: *row,
                key: String::new(),
                raw: Raw {
                    rows: vec![(*row, mapped)],
                },
                refused: Some(Error::invalid(Msg::FieldRequired { field: key.into() })),
            });
            continue;
        }
        match by_key.get(&k) {
            // An order's further lines join it.
            Some(&i) if kind == ImportKind::Orders => out[i].raw.rows.push((*row, mapped)),
            Some(&i) => out.push(Item {
                row: *row,
                key: k.clone(),
                raw: Raw {
                    rows: vec![(*row, mapped)],
                },
                refused: Some(Error::invalid(Msg::ImportDuplicateInFile {
                    key: k,
                    row: out[i].row,
                })),
            }),
            None => {
                by_key.insert(k.clone(), out.len());
                out.push(Item {
                    row: *row,
                    key: k,
                    raw: Raw {
                        rows: vec![(*row, mapped)],
                    },
                    refused: None,
                });
            }
        }
    }
    out
}

/// What the dry run has promised so far that the database does not show
/// yet: stock reserved by orders earlier in the file.
#[derive(Debug, Default)]
pub struct Pending {
    reserved: HashMap<ProductId, i64>,
}

/// What importing one record will do.
#[derive(Debug)]
pub enum Plan {
    /// Already there: nothing to do.
    Unchanged,
    Customer(customers::Clean),
    Product(products::Clean, i64),
    Order(Box<OrderPlan>),
}

#[derive(Debug)]
pub struct OrderPlan {
    number: String,
    customer: CustomerId,
    status: Status,
    order_date: String,
    closed_date: Option<String>,
    handler: Option<UserId>,
    department: DepartmentId,
    sales_rep: Option<UserId>,
    lines: Vec<CheckedLine>,
    total: i64,
    paid: i64,
    notes: Option<String>,
}

/// Checks one record against the database and the rules.
pub fn plan(
    c: &Connection,
    kind: ImportKind,
    raw: &Raw,
    pending: Option<&mut Pending>,
) -> Result<Plan> {
    match kind {
        ImportKind::Customers => plan_customer(c, raw),
        ImportKind::Products => plan_product(c, raw),
        ImportKind::Orders => plan_order(c, raw, pending),
    }
}

fn plan_customer(c: &Connection, raw: &Raw) -> Result<Plan> {
    let input = CustomerInput {
        id: None,
        code: raw.first("code").to_string(),
        name: raw.first("name").to_string(),
        name_latin: raw.first("name_latin").to_string(),
        contact: raw.first("contact").to_string(),
        email: raw.first("email").to_string(),
        phone: raw.first("phone").to_string(),
        language: values::language(raw.first("language"))?,
    };
    let clean = customers::clean(&input)?;
    let code = clean.code.as_deref().unwrap_or_default();
    if store::customers::by_code(c, code)?.is_some() {
        return Ok(Plan::Unchanged);
    }
    Ok(Plan::Customer(clean))
}

fn plan_product(c: &Connection, raw: &Raw) -> Result<Plan> {
    let input = ProductInput {
        id: None,
        sku: raw.first("sku").to_string(),
        name_zh: raw.first("name_zh").to_string(),
        name_en: raw.first("name_en").to_string(),
        unit_price_minor: values::money(raw.first("unit_price"))?,
        unit: raw.first("unit").to_string(),
    };
    let clean = products::clean(&input)?;
    if store::products::by_sku(c, &clean.sku)?.is_some() {
        return Ok(Plan::Unchanged);
    }
    let on_hand = match raw.first("on_hand") {
        "" => 0,
        text => check_quantity("on_hand", values::quantity(text)?, 0)?,
    };
    Ok(Plan::Product(clean, on_hand))
}

/// The value every row of an order gives for `field` (rows that leave it
/// empty agree with any); two different values refuse the order.
fn agreed<'a>(raw: &'a Raw, number: &str, field: &'static str) -> Result<&'a str> {
    let mut value = "";
    for (_, row) in &raw.rows {
        match row.get(field).map(String::as_str) {
            None | Some("") => {}
            Some(v) if value.is_empty() => value = v,
            Some(v) if v == value => {}
            Some(_) => {
                return Err(Error::invalid(Msg::ImportInconsistentOrder {
                    number: number.to_string(),
                    field: field.into(),
                }));
            }
        }
    }
    Ok(value)
}

fn user(c: &Connection, login: &str) -> Result<store::users::User> {
    store::users::by_login(c, login)?.ok_or_else(|| {
        Error::not_found(Msg::UserNotFound {
            login: login.to_string(),
        })
    })
}

fn plan_order(c: &Connection, raw: &Raw, pending: Option<&mut Pending>) -> Result<Plan> {
    let number = raw.first("number").to_string();
    crate::customers::key(&number, "number", 40)?;
    let customer_code = agreed(raw, &number, "customer_code")?;
    let customer = store::customers::by_code(c, customer_code)?.ok_or_else(|| {
        Error::not_found(Msg::CustomerNotFound {
            code: customer_code.to_string(),
        })
    })?;
    if let Some((_, existing, _)) = store::orders::key_by_number(c, &number)? {
        let order = crate::lifecycle::load(c, &existing)?;
        if order.customer_id == customer.id {
            return Ok(Plan::Unchanged);
        }
        return Err(Error::rule(Msg::ImportDuplicateNumber { number }));
    }
    let status = values::status(agreed(raw, &number, "status")?)?;
    if matches!(status, Status::CancelPending | Status::Archived) {
        return Err(Error::invalid(Msg::ImportStatusNotImportable { status }));
    }
    let order_date = values::date(agreed(raw, &number, "order_date")?)?;
    let closed_date = match agreed(raw, &number, "closed_date")? {
        "" => None,
        text => Some(values::date(text)?),
    };
    let handler = match agreed(raw, &number, "handler")? {
        "" => None,
        login => Some(user(c, login)?),
    };
    let department = match agreed(raw, &number, "department")? {
        "" => match &handler {
            Some(h) => h.department_id,
            None => return Err(Error::invalid(Msg::ImportNoQueueOrHandler)),
        },
        name => {
            store::users::department_by_name(c, name)?
                .ok_or_else(|| {
                    Error::not_found(Msg::DepartmentNotFound {
                        name: name.to_string(),
                    })
                })?
                .id
        }
    };
    let sales_rep = match agreed(raw, &number, "sales_rep")? {
        "" => handler.as_ref().map(|h| h.id),
        login => Some(user(c, login)?.id),
    };
    let notes = crate::lifecycle::clean_note(Some(agreed(raw, &number, "notes")?), NOTES_MAX)?;
    let mut lines = Vec::with_capacity(raw.rows.len());
    for (_, row) in &raw.rows {
        let text = |f: &str| row.get(f).map(String::as_str).unwrap_or("");
        let sku = text("sku");
        let product = store::products::by_sku(c, sku)?.ok_or_else(|| {
            Error::not_found(Msg::ProductNotFound {
                sku: sku.to_string(),
            })
        })?;
        let quantity = check_quantity("quantity", values::quantity(text("quantity"))?, 1)?;
        let price = match text("unit_price") {
            "" => product.unit_price_minor,
            t => check_price(values::money(t)?)?,
        };
        lines.push(CheckedLine {
            product: product.id,
            quantity,
            unit_price_minor: price,
        });
    }
    if lines.len() > crate::entry::LINES_MAX {
        return Err(Error::invalid(Msg::TooManyLines {
            max: crate::entry::LINES_MAX,
        }));
    }
    let total = total_of(&lines)?;
    let paid = match agreed(raw, &number, "paid")? {
        "" if status == Status::Completed => total,
        "" => 0,
        text => values::money(text)?,
    };
    let may_pay = matches!(
        status,
        Status::Confirmed | Status::Invoiced | Status::Shipped | Status::Completed
    );
    if paid < 0 || paid > total || (paid > 0 && !may_pay) {
        return Err(Error::invalid(Msg::BadField {
            field: "paid".into(),
            value: crate::domain::Money(paid).format("").trim().to_string(),
        }));
    }
    if status.holds_reservation(None) {
        check_stock(c, &number, &lines, pending)?;
    }
    Ok(Plan::Order(Box::new(OrderPlan {
        number,
        customer: customer.id,
        status,
        order_date,
        closed_date,
        handler: handler.map(|h| h.id),
        department,
        sales_rep,
        lines,
        total,
        paid,
        notes,
    })))
}

/// An order that holds stock must find it available, counting what orders
/// earlier in a dry run's file took.
fn check_stock(
    c: &Connection,
    number: &str,
    lines: &[CheckedLine],
    pending: Option<&mut Pending>,
) -> Result<()> {
    let mut needed: Vec<(ProductId, i64)> = Vec::new();
    for l in lines {
        match needed.iter_mut().find(|(p, _)| *p == l.product) {
            Some((_, q)) => *q = q.saturating_add(l.quantity),
            None => needed.push((l.product, l.quantity)),
        }
    }
    let mut pending = pending;
    let mut short = Vec::new();
    for (product, quantity) in &needed {
        let p = store::products::product(c, *product)?;
        let taken = pending
            .as_ref()
            .and_then(|pd| pd.reserved.get(product).copied())
            .unwrap_or(0);
        let available = p.available() - taken;
        if *quantity > available {
            short.push(Shortfall {
                sku: p.sku,
                needed: *quantity,
                available,
            });
        }
    }
    if !short.is_empty() {
        return Err(Error::rule(Msg::StockShort {
            number: number.to_string(),
            short,
        }));
    }
    if let Some(pd) = pending.as_mut() {
        for (product, quantity) in needed {
            *pd.reserved.entry(product).or_default() += quantity;
        }
    }
    Ok(())
}

/// Writes a planned record; false when there was nothing to write.
pub fn apply(
    c: &Connection,
    s: &Session,
    plan: Plan,
    job: &str,
    row: i64,
    at: &str,
) -> Result<bool> {
    match plan {
        Plan::Unchanged => Ok(false),
        Plan::Customer(clean) => customers::create_in(c, s, &clean, at).map(|_| true),
        Plan::Product(clean, on_hand) => {
            products::create_in(c, s, &clean, on_hand, at).map(|_| true)
        }
        Plan::Order(order) => write_order(c, s, &order, job, row, at).map(|_| true),
    }
}

/// Midnight UTC of a date, as times are stored.
fn day_stamp(date: &str) -> String {
    format!("{date}T00:00:00.000Z")
}

fn write_order(
    c: &Connection,
    s: &Session,
    p: &OrderPlan,
    job: &str,
    row: i64,
    at: &str,
) -> Result<()> {
    let closed_at = p
        .status
        .is_closed()
        .then(|| day_stamp(p.closed_date.as_deref().unwrap_or(&p.order_date)));
    let id = store::orders::insert(
        c,
        &store::orders::NewOrder {
            number: &p.number,
            customer_id: p.customer,
            handler_id: p.handler,
            department_id: p.department,
            sales_rep_id: p.sales_rep.unwrap_or(s.user_id),
            status: p.status,
            total_minor: p.total,
            currency: CURRENCY,
            order_date: &p.order_date,
            created_at: at,
            updated_by: Some(s.user_id),
            closed_at: closed_at.as_deref(),
            version: 1,
            notes: p.notes.as_deref(),
        },
    )?;
    for (i, l) in p.lines.iter().enumerate() {
        store::orders::insert_line(
            c,
            id,
            i as i64 + 1,
            l.product,
            l.quantity,
            l.unit_price_minor,
        )?;
    }
    write_facts(c, id, p, at)?;
    // Numbers that read like ours move the year's counter past them, so a
    // new order never gets an imported number.
    if let Some((year, seq)) = our_number(&p.number) {
        store::orders::set_counter(c, year, seq)?;
    }
    let data = serde_json::json!({ "import_job": job, "row": row });
    store::events::append(
        c,
        &NewEvent {
            order_id: id.0,
            order_number: &p.number,
            kind: "imported",
            actor_id: Some(s.user_id),
            actor_login: Some(&s.login),
            at,
            from: None,
            to: Some(p.status),
            reason_code: None,
            note: None,
            data: Some(data.to_string()),
        },
    )?;
    Ok(())
}

/// The stock and money facts an order's status implies: a reservation while
/// it holds one (confirmed, invoiced), reserve-and-ship movements for goods
/// that left before the import (on hand is already counted without them),
/// the invoice once invoiced, and what was paid.
fn write_facts(c: &Connection, id: OrderId, p: &OrderPlan, at: &str) -> Result<()> {
    let invoiced = matches!(
        p.status,
        Status::Invoiced | Status::Shipped | Status::Completed
    );
    let shipped = matches!(p.status, Status::Shipped | Status::Completed);
    for l in &p.lines {
        if p.status.holds_reservation(None) {
            store::products::change_reserved(c, l.product, l.quantity)?;
        }
        if p.status.holds_reservation(None) || shipped {
            store::orders::insert_movement(c, id, l.product, "reserve", l.quantity, at)?;
        }
        if shipped {
            store::orders::insert_movement(c, id, l.product, "ship", l.quantity, at)?;
        }
    }
    if invoiced {
        let reference = format!("INV-{}", p.number.trim_start_matches("SO-"));
        store::orders::insert_finance(c, id, "invoice", &reference, p.total, CURRENCY, at)?;
    }
    if p.paid > 0 {
        let reference = format!("PAY-{}-import", p.number.trim_start_matches("SO-"));
        store::orders::insert_finance(c, id, "payment", &reference, p.paid, CURRENCY, at)?;
    }
    Ok(())
}

/// SO-2026-000123 → (2026, 123).
fn our_number(number: &str) -> Option<(i32, i64)> {
    let mut parts = number.split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("SO"), Some(y), Some(n), None) if y.len() == 4 => {
            Some((y.parse().ok()?, n.parse().ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_ours_are_recognised() {
        assert_eq!(our_number("SO-2025-000123"), Some((2025, 123)));
        assert_eq!(our_number("PO-2025-000123"), None);
        assert_eq!(our_number("SO-25-1"), None);
        assert_eq!(our_number("SO-2025-x"), None);
    }
}
