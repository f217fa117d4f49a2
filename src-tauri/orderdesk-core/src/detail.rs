//! Reading one order whole — header, lines, what was processed, timeline,
//! watchers, lineage — with the actions `s` may take on it and, for each
//! refused one, why. Also the "Watching" list and copy-as-new-order.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_modify, can_read};
use crate::domain::{Lang, Status};
use crate::error::{Error, Problem, Result};
use crate::lifecycle::{Step, load, record};
use crate::search::Row;
use crate::store::{
    self, Store,
    events::Event,
    orders::{FinanceEntry, Line, Order, StockMovement},
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerInfo {
    pub id: i64,
    pub name: String,
    pub name_latin: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Lang,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DepartmentInfo {
    pub id: i64,
    pub name_zh: String,
    pub name_en: String,
}

/// Per line: how much of it is reserved now, and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reservation {
    pub sku: String,
    pub quantity: i64,
    pub reserved: i64,
    /// `reserved`, `released`, `shipped` or `none`.
    pub state: String,
}

/// Whether an action is open to the person, and if not, why.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Action {
    pub allowed: bool,
    pub problem: Option<Problem>,
}

impl Action {
    pub(crate) fn from(outcome: Result<()>) -> Action {
        match outcome {
            Ok(()) => Action {
                allowed: true,
                problem: None,
            },
            Err(e) => Action {
                allowed: false,
                problem: Some(e.problem()),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actions {
    pub cancel: Action,
    pub archive: Action,
    pub reassign: Action,
    pub copy: Action,
    pub approve: Action,
    /// The next forward step, if there is one.
    pub advance: Option<(Step, Action)>,
    /// Record money received.
    pub pay: Action,
    /// Change a draft's customer, date, notes and lines.
    pub edit: Action,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderDetail {
    pub id: i64,
    pub number: String,
    pub status: Status,
    pub closed_as: Option<Status>,
    pub status_before_cancel: Option<Status>,
    pub version: i64,
    pub customer: CustomerInfo,
    pub handler: Option<String>,
    pub handler_name: Option<String>,
    pub department: DepartmentInfo,
    pub sales_rep: String,
    pub sales_rep_name: String,
    pub total_minor: i64,
    pub currency: String,
    pub order_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: Option<String>,
    pub closed_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancel_note: Option<String>,
    pub cancel_requested_by: Option<String>,
    pub watchers: Vec<String>,
    pub watcher_names: Vec<String>,
    /// The person reading only watches this order.
    pub read_only: bool,
    pub lines: Vec<Line>,
    pub reservations: Vec<Reservation>,
    pub stock_movements: Vec<StockMovement>,
    pub finance: Vec<FinanceEntry>,
    pub copied_from: Option<String>,
    pub copies: Vec<String>,
    pub events: Vec<Event>,
    pub actions: Actions,
    pub notes: Option<String>,
    /// Payments received, less nothing: what the customer has paid.
    pub paid_minor: i64,
}

/// The order as `s` may see it.
pub fn get(store: &Store, s: &Session, number: &str) -> Result<OrderDetail> {
    store.read(|c| {
        let order = load(c, number)?;
        can_read(c, s, &order)?;
        detail_of(c, s, order)
    })
}

fn reservations(lines: &[Line], movements: &[StockMovement]) -> Vec<Reservation> {
    lines
        .iter()
        .map(|line| {
            let sum = |kind: &str| {
                movements
                    .iter()
                    .filter(|m| m.product_id == line.product_id && m.kind == kind)
                    .map(|m| m.quantity)
                    .sum::<i64>()
            };
            let (reserved, released, shipped) = (sum("reserve"), sum("release"), sum("ship"));
            let net = (reserved - released - shipped).max(0);
            let state = if net > 0 {
                "reserved"
            } else if shipped > 0 {
                "shipped"
            } else if released > 0 {
                "released"
            } else {
                "none"
            };
            Reservation {
                sku: line.sku.clone(),
                quantity: line.quantity,
                reserved: net,
                state: state.to_string(),
            }
        })
        .collect()
}

fn next_step(status: Status) -> Option<Step> {
    match status {
        Status::Draft => Some(Step::Confirm),
        Status::Confirmed => Some(Step::Invoice),
        Status::Invoiced => Some(Step::Ship),
        Status::Shipped => Some(Step::Complete),
        _ => None,
    }
}

fn actions(c: &Connection, s: &Session, o: &Order) -> Result<Actions> {
    // Each action asks the very check its use-case runs.
    Ok(Actions {
        cancel: Action::from(crate::cancel::check_cancellable(c, s, o)),
        archive: Action::from(crate::jobs::archive_refusal(c, s, o, o.version)),
        reassign: Action::from(crate::reassign::refusal(c, s, o)),
        copy: Action::from(can_read(c, s, o)),
        approve: Action::from(crate::cancel::check_pending(c, s, o, o.version)),
        advance: next_step(o.status).map(|step| {
            (
                step,
                Action::from(crate::lifecycle::step_refusal(c, s, o, step)),
            )
        }),
        pay: Action::from(crate::lifecycle::payment_refusal(c, s, o, None)),
        edit: Action::from(crate::entry::edit_refusal(c, s, o)),
    })
}

fn detail_of(c: &Connection, s: &Session, order: Order) -> Result<OrderDetail> {
    let customer = store::customers::get(c, order.customer_id)?;
    let department = store::users::department(c, order.department_id)?
        .ok_or_else(|| Error::internal("department missing"))?;
    let handler = order
        .handler_id
        .map(|h| store::users::by_id(c, h))
        .transpose()?
        .flatten();
    let lines = store::orders::lines(c, &order)?;
    let movements = store::orders::movements(c, &order)?;
    let watchers = store::orders::watchers(c, order.id)?;
    let finance = store::orders::finance(c, &order)?;
    let login =
        |u: Option<crate::domain::UserId>| u.map(|u| store::users::login_of(c, u)).transpose();
    let read_only = order.is_archived()
        || (watchers.iter().any(|w| w.user_id == s.user_id) && can_modify(c, s, &order).is_err());
    Ok(OrderDetail {
        id: order.id.0,
        number: order.number.clone(),
        status: order.status,
        closed_as: order.closed_as,
        status_before_cancel: order.status_before_cancel,
        version: order.version,
        customer: CustomerInfo {
            id: customer.id.0,
            name: customer.name,
            name_latin: customer.name_latin,
            email: customer.email,
            phone: customer.phone,
            language: customer.language,
        },
        handler: handler.as_ref().map(|h| h.login.clone()),
        handler_name: handler.map(|h| h.display_name),
        department: DepartmentInfo {
            id: department.id.0,
            name_zh: department.name_zh,
            name_en: department.name_en,
        },
        sales_rep: store::users::login_of(c, order.sales_rep_id)?,
        sales_rep_name: store::users::by_id(c, order.sales_rep_id)?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        total_minor: order.total_minor,
        currency: order.currency.clone(),
        order_date: order.order_date.clone(),
        created_at: order.created_at.clone(),
        updated_at: order.updated_at.clone(),
        updated_by: login(order.updated_by)?,
        closed_at: order.closed_at.clone(),
        cancel_reason: order.cancel_reason_code.clone(),
        cancel_note: order.cancel_note.clone(),
        cancel_requested_by: login(order.cancel_requested_by)?,
        watcher_names: watchers.iter().map(|w| w.display_name.clone()).collect(),
        watchers: watchers.into_iter().map(|w| w.login).collect(),
        read_only,
        reservations: reservations(&lines, &movements),
        lines,
        stock_movements: movements,
        copied_from: store::orders::copied_from(c, order.id)?,
        copies: store::orders::copies(c, order.id)?,
        events: store::events::for_order(c, order.id)?,
        actions: actions(c, s, &order)?,
        paid_minor: finance
            .iter()
            .filter(|f| f.kind == "payment")
            .map(|f| f.amount_minor)
            .sum(),
        finance,
        notes: order.notes.clone(),
    })
}

/// Orders `s` handed off and now watches, newest hand-off first.
pub fn watching(store: &Store, s: &Session) -> Result<Vec<Row>> {
    store.read(|c| {
        let ids: Vec<i64> = store::orders::watched_by(c, s.user_id, 500)?
            .into_iter()
            .map(|o| o.0)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows = Vec::new();
        for archived in [false, true] {
            let plan = store::search::Plan {
                ids: Some(ids.clone()),
                archived,
                ..Default::default()
            };
            rows.extend(store::search::page(c, &plan, 500)?);
        }
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id.0));
        Ok(rows)
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CopyOutcome {
    pub number: String,
    pub source: String,
}

/// Copies an order (of any status, archived included) into a new draft that
/// `s` handles: same customer, same lines and prices, linked to its source.
pub fn copy(store: &Store, s: &Session, number: &str) -> Result<CopyOutcome> {
    let now = store.now();
    let at = store::stamp(now);
    store.write(|tx| {
        let source = load(tx, number)?;
        can_read(tx, s, &source)?;
        let lines = store::orders::lines(tx, &source)?;
        let new_number = store::orders::next_number(tx, chrono::Datelike::year(&now))?;
        let id = store::orders::insert(
            tx,
            &store::orders::NewOrder {
                number: &new_number,
                customer_id: source.customer_id,
                handler_id: Some(s.user_id),
                department_id: s.department_id,
                sales_rep_id: source.sales_rep_id,
                status: Status::Draft,
                total_minor: source.total_minor,
                currency: &source.currency,
                order_date: &now.format("%Y-%m-%d").to_string(),
                created_at: &at,
                updated_by: Some(s.user_id),
                closed_at: None,
                version: 1,
                notes: None,
            },
        )?;
        for line in &lines {
            store::orders::insert_line(
                tx,
                id,
                line.line_no,
                line.product_id,
                line.quantity,
                line.unit_price_minor,
            )?;
        }
        store::orders::add_lineage(tx, id, source.id)?;
        let copy = crate::lifecycle::load_id(tx, id)?;
        let from = serde_json::json!({ "copied_from": source.number });
        record(
            tx,
            &copy,
            "created",
            s,
            &at,
            None,
            Some(Status::Draft),
            None,
            None,
            Some(from),
        )?;
        let to = serde_json::json!({ "copy": new_number });
        record(
            tx,
            &source,
            "copied",
            s,
            &at,
            None,
            None,
            None,
            None,
            Some(to),
        )?;
        Ok(CopyOutcome {
            number: new_number,
            source: source.number,
        })
    })
}

/// The current version of an order `s` may read (for front ends that act on
/// "the order as it is now", such as the CLI without `--expect-version`).
pub fn version(store: &Store, s: &Session, number: &str) -> Result<i64> {
    store.read(|c| {
        let order = load(c, number)?;
        can_read(c, s, &order)?;
        Ok(order.version)
    })
}

/// Which of `numbers` `s` may read: who an "orders changed" event may name
/// them to. Unknown numbers are left out.
pub fn readable(store: &Store, s: &Session, numbers: &[String]) -> Result<Vec<String>> {
    store.read(|c| {
        let mut out = Vec::new();
        for number in numbers {
            if let Some(order) = store::orders::by_number(c, number.trim())?
                && can_read(c, s, &order).is_ok()
            {
                out.push(order.number);
            }
        }
        Ok(out)
    })
}
