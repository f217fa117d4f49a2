//! What every mutation of an order shares — loading it, checking the version
//! the user saw, saving it with its audit event — and the ordinary forward
//! steps of an order (confirm, invoice, ship, complete, record a payment).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_modify};
use crate::domain::{OrderId, Status};
use crate::error::{Error, Msg, Result, Shortfall};
use crate::notify;
use crate::settings::NotifyEvent;
use crate::store::{self, Store, events::NewEvent, orders::Order};

pub(crate) fn load(c: &Connection, number: &str) -> Result<Order> {
    store::orders::by_number(c, number.trim())?.ok_or_else(|| {
        Error::not_found(Msg::OrderNotFound {
            number: number.trim().to_string(),
        })
    })
}

pub(crate) fn load_id(c: &Connection, id: OrderId) -> Result<Order> {
    store::orders::by_id(c, id)?.ok_or_else(|| {
        Error::not_found(Msg::OrderNotFound {
            number: format!("#{id}"),
        })
    })
}

/// The conflict error: who changed the order, and when.
pub(crate) fn conflict(c: &Connection, order: &Order, seen: i64) -> Result<Error> {
    let by = match order.updated_by {
        Some(u) => store::users::login_of(c, u)?,
        None => "?".to_string(),
    };
    Ok(Error::conflict(Msg::VersionConflict {
        number: order.number.clone(),
        seen,
        current: order.version,
        by,
        at: order.updated_at.clone(),
    }))
}

pub(crate) fn check_version(c: &Connection, order: &Order, seen: i64) -> Result<()> {
    if order.version == seen {
        Ok(())
    } else {
        Err(conflict(c, order, seen)?)
    }
}

/// Writes `order` (already changed in memory) if it is still at `seen`, and
/// stamps who and when.
pub(crate) fn save(
    c: &Connection,
    order: &mut Order,
    seen: i64,
    s: &Session,
    at: &str,
) -> Result<()> {
    order.updated_at = at.to_string();
    order.updated_by = Some(s.user_id);
    if !store::orders::save(c, order, seen)? {
        let current = load_id(c, order.id)?;
        return Err(conflict(c, &current, seen)?);
    }
    order.version = seen + 1;
    Ok(())
}

/// Appends an audit event for `order`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    c: &Connection,
    order: &Order,
    kind: &str,
    s: &Session,
    at: &str,
    from: Option<Status>,
    to: Option<Status>,
    reason: Option<&str>,
    note: Option<&str>,
    data: Option<serde_json::Value>,
) -> Result<()> {
    store::events::append(
        c,
        &NewEvent {
            order_id: order.id.0,
            order_number: &order.number,
            kind,
            actor_id: Some(s.user_id),
            actor_login: Some(&s.login),
            at,
            from,
            to,
            reason_code: reason,
            note,
            data: data.map(|d| d.to_string()),
        },
    )?;
    Ok(())
}

/// Checks a free-text note: trimmed, at most `max` characters.
pub(crate) fn clean_note(note: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > max {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "note".into(),
            max,
        }));
    }
    // Line breaks and tabs are writing; NUL and other controls are not.
    if note
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid(Msg::BadField {
            field: "note".into(),
            value: note.chars().filter(|c| !c.is_control()).collect(),
        }));
    }
    Ok(Some(note.to_string()))
}

/// The forward steps of an order's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Step {
    /// draft → confirmed: stock is reserved for every line.
    Confirm,
    /// confirmed → invoiced: an invoice for the total.
    Invoice,
    /// invoiced → shipped: the reservation leaves with the goods.
    Ship,
    /// shipped → completed.
    Complete,
}

impl Step {
    pub fn from_to(self) -> (Status, Status) {
        match self {
            Step::Confirm => (Status::Draft, Status::Confirmed),
            Step::Invoice => (Status::Confirmed, Status::Invoiced),
            Step::Ship => (Status::Invoiced, Status::Shipped),
            Step::Complete => (Status::Shipped, Status::Completed),
        }
    }

    pub fn parse(text: &str) -> Option<Step> {
        match text {
            "confirm" | "confirmed" => Some(Step::Confirm),
            "invoice" | "invoiced" => Some(Step::Invoice),
            "ship" | "shipped" => Some(Step::Ship),
            "complete" | "completed" => Some(Step::Complete),
            _ => None,
        }
    }
}

/// Moves an order one step on, with every effect of the step.
pub fn advance(store: &Store, s: &Session, number: &str, seen: i64, step: Step) -> Result<Order> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        advance_in(tx, s, &mut order, seen, step, &at)?;
        Ok(order)
    })
}

/// Why `s` may not take `step` on this order now, if anything: rights,
/// status, and for a confirm the stock every line needs.
pub(crate) fn step_refusal(c: &Connection, s: &Session, order: &Order, step: Step) -> Result<()> {
    can_modify(c, s, order)?;
    let (from, to) = step.from_to();
    if order.status == Status::CancelPending {
        return Err(Error::rule(Msg::Frozen {
            number: order.number.clone(),
        }));
    }
    if order.status != from {
        return Err(Error::rule(Msg::BadTransition {
            number: order.number.clone(),
            from: order.status,
            to,
        }));
    }
    if step == Step::Confirm {
        let short = shortfalls(c, &store::orders::lines(c, order)?)?;
        if !short.is_empty() {
            return Err(Error::rule(Msg::StockShort {
                number: order.number.clone(),
                short,
            }));
        }
    }
    Ok(())
}

/// The products of which `lines` need more than is available, each named once.
fn shortfalls(c: &Connection, lines: &[store::orders::Line]) -> Result<Vec<Shortfall>> {
    let mut needed: Vec<(crate::domain::ProductId, i64)> = Vec::new();
    for line in lines {
        match needed.iter_mut().find(|(p, _)| *p == line.product_id) {
            Some((_, q)) => *q = q.saturating_add(line.quantity),
            None => needed.push((line.product_id, line.quantity)),
        }
    }
    let mut short = Vec::new();
    for (product, quantity) in needed {
        let p = store::products::product(c, product)?;
        if quantity > p.available() {
            short.push(Shortfall {
                available: p.available(),
                sku: p.sku,
                needed: quantity,
            });
        }
    }
    Ok(short)
}

pub(crate) fn advance_in(
    c: &Connection,
    s: &Session,
    order: &mut Order,
    seen: i64,
    step: Step,
    at: &str,
) -> Result<()> {
    step_refusal(c, s, order, step)?;
    check_version(c, order, seen)?;
    let (from, to) = step.from_to();
    let lines = store::orders::lines(c, order)?;
    match step {
        Step::Confirm => {
            for line in &lines {
                store::products::change_reserved(c, line.product_id, line.quantity)?;
                store::orders::insert_movement(
                    c,
                    order.id,
                    line.product_id,
                    "reserve",
                    line.quantity,
                    at,
                )?;
            }
        }
        Step::Invoice => {
            let reference = format!("INV-{}", order.number.trim_start_matches("SO-"));
            store::orders::insert_finance(
                c,
                order.id,
                "invoice",
                &reference,
                order.total_minor,
                &order.currency,
                at,
            )?;
        }
        Step::Ship => {
            for line in &lines {
                store::products::ship(c, line.product_id, line.quantity)?;
                store::orders::insert_movement(
                    c,
                    order.id,
                    line.product_id,
                    "ship",
                    line.quantity,
                    at,
                )?;
            }
        }
        Step::Complete => order.closed_at = Some(at.to_string()),
    }
    order.status = to;
    save(c, order, seen, s, at)?;
    record(
        c,
        order,
        "status_changed",
        s,
        at,
        Some(from),
        Some(to),
        None,
        None,
        None,
    )?;
    let mut batch = notify::Batch::default();
    batch.add(c, NotifyEvent::StatusChanged, order, s, None, None)?;
    batch.flush(c, s, at)?;
    Ok(())
}

/// What is still owed on an order: its total less the payments recorded.
fn outstanding(c: &Connection, order: &Order) -> Result<i64> {
    let paid: i64 = store::orders::finance(c, order)?
        .iter()
        .filter(|f| f.kind == "payment")
        .map(|f| f.amount_minor)
        .sum();
    Ok(order.total_minor - paid)
}

/// Why `s` may not record a payment (of `amount`, when known) now, if
/// anything: rights, status (confirmed or later, not cancelled), and never
/// more than is still owed.
pub(crate) fn payment_refusal(
    c: &Connection,
    s: &Session,
    order: &Order,
    amount: Option<i64>,
) -> Result<()> {
    can_modify(c, s, order)?;
    if !matches!(
        order.status,
        Status::Confirmed | Status::Invoiced | Status::Shipped | Status::Completed
    ) {
        return Err(Error::rule(Msg::BadTransition {
            number: order.number.clone(),
            from: order.status,
            to: order.status,
        }));
    }
    let owed = outstanding(c, order)?;
    if owed <= 0 {
        return Err(Error::rule(Msg::FullyPaid {
            number: order.number.clone(),
        }));
    }
    if amount.is_some_and(|a| a > owed) {
        return Err(Error::rule(Msg::Overpayment {
            number: order.number.clone(),
            outstanding: owed.max(0),
        }));
    }
    Ok(())
}

/// Records money received for an order (confirmed, invoiced or later, and not
/// cancelled), at most what is still owed. Payments are finance entries, not
/// a status.
pub fn record_payment(
    store: &Store,
    s: &Session,
    number: &str,
    seen: i64,
    amount_minor: i64,
) -> Result<Order> {
    if amount_minor <= 0 {
        return Err(Error::invalid(Msg::BadNumber {
            value: amount_minor.to_string(),
        }));
    }
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        payment_refusal(tx, s, &order, Some(amount_minor))?;
        check_version(tx, &order, seen)?;
        let reference = format!(
            "PAY-{}-{}",
            order.number.trim_start_matches("SO-"),
            at.get(..19).unwrap_or(&at)
        );
        store::orders::insert_finance(
            tx,
            order.id,
            "payment",
            &reference,
            amount_minor,
            &order.currency,
            &at,
        )?;
        save(tx, &mut order, seen, s, &at)?;
        let data = serde_json::json!({ "amount_minor": amount_minor });
        record(
            tx,
            &order,
            "payment_received",
            s,
            &at,
            None,
            None,
            None,
            None,
            Some(data),
        )?;
        Ok(order)
    })
}
