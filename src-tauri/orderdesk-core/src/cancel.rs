//! Cancelling an order: the preview (a dry run of the very checks and plan
//! that `execute` uses), the cancel itself or the request for approval, and a
//! manager's approve or reject.
//!
//! A cancel undoes every processing step in one transaction: reserved stock is
//! released (a movement per line), each invoice gets a credit note for the same
//! amount, and money received becomes a `refund_due` entry.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_manage, can_modify};
use crate::domain::Status;
use crate::error::{Error, Msg, Problem, Result};
use crate::lifecycle::{check_version, clean_note, load, record, save};
use crate::notify::{self, CustomerNotice, Recipient};
use crate::settings::{self, NotifyEvent};
use crate::store::{self, Store, orders::Order};

pub const NOTE_MAX: usize = 1000;

/// What a person asks for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CancelRequest {
    pub number: String,
    /// The version the person saw.
    pub seen_version: i64,
    pub reason_code: String,
    /// The internal note: the timeline and the staff read it, the customer
    /// never does.
    pub note: Option<String>,
    /// Queue the customer notice (the person may untick it).
    pub notify_customer: bool,
    /// The message to the customer, in their notice only.
    #[serde(default)]
    pub customer_message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockRelease {
    pub sku: String,
    pub product_zh: String,
    pub product_en: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreditNote {
    pub invoice: String,
    pub amount_minor: i64,
}

/// Everything a cancel reverses.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reversal {
    pub stock: Vec<StockRelease>,
    pub credit_notes: Vec<CreditNote>,
    /// Money received that is now owed back (positive), if any.
    pub refund_due_minor: i64,
}

/// Why a cancellation needs a manager.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalReason {
    /// The total is at or above the threshold.
    AmountThreshold,
    /// The order has been invoiced.
    Invoiced,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CancelPreview {
    pub number: String,
    pub status: Status,
    pub version: i64,
    pub total_minor: i64,
    pub currency: String,
    /// False when something blocks the cancel; `blockers` says what.
    pub allowed: bool,
    pub blockers: Vec<Problem>,
    pub needs_approval: bool,
    pub approval_reasons: Vec<ApprovalReason>,
    pub approval_threshold_minor: Option<i64>,
    pub reversal: Reversal,
    /// Staff who will be told (on approval requests: the approvers).
    pub recipients: Vec<Recipient>,
    /// The notice the customer would get, if the rules send one.
    pub customer_notice: Option<CustomerNotice>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CancelOutcome {
    pub number: String,
    /// `cancelled`, or `cancel_pending` when it waits for approval.
    pub status: Status,
    /// What it was before.
    pub from: Status,
    pub version: i64,
    pub reversal: Reversal,
    /// Logins of the staff told.
    pub notified: Vec<String>,
    /// Their names, in the same order.
    pub notified_names: Vec<String>,
    pub customer_message_id: Option<i64>,
    /// Where the queued customer notice goes (None: no address on file).
    pub customer_notice_to: Option<String>,
}

/// The status whose processing a cancel must undo (a pending order keeps what
/// it had before the request).
fn effective_status(order: &Order) -> Status {
    if order.status == Status::CancelPending {
        order.status_before_cancel.unwrap_or(Status::Draft)
    } else {
        order.status
    }
}

/// Rights and status: may `s` cancel this order now?
pub(crate) fn check_cancellable(c: &Connection, s: &Session, order: &Order) -> Result<()> {
    can_modify(c, s, order)?;
    let number = order.number.clone();
    match order.status {
        Status::Draft | Status::Confirmed | Status::Invoiced => Ok(()),
        Status::Shipped => Err(Error::rule(Msg::CancelShipped { number })),
        Status::Completed => Err(Error::rule(Msg::CancelCompleted { number })),
        Status::CancelPending => Err(Error::rule(Msg::Frozen { number })),
        Status::Cancelled => Err(Error::rule(Msg::AlreadyCancelled { number })),
        Status::Archived => Err(Error::rule(Msg::ArchivedReadOnly { number })),
    }
}

fn plan_reversal(c: &Connection, order: &Order) -> Result<Reversal> {
    let mut reversal = Reversal::default();
    if effective_status(order).holds_reservation(None) {
        for line in store::orders::lines(c, order)? {
            reversal.stock.push(StockRelease {
                sku: line.sku,
                product_zh: line.product_zh,
                product_en: line.product_en,
                quantity: line.quantity,
            });
        }
    }
    let finance = store::orders::finance(c, order)?;
    for invoice in finance.iter().filter(|f| f.kind == "invoice") {
        let credit_ref = credit_reference(&invoice.reference);
        let already = finance
            .iter()
            .any(|f| f.kind == "credit_note" && f.reference == credit_ref);
        if !already {
            reversal.credit_notes.push(CreditNote {
                invoice: invoice.reference.clone(),
                amount_minor: invoice.amount_minor,
            });
        }
    }
    reversal.refund_due_minor = finance
        .iter()
        .filter(|f| f.kind == "payment" || f.kind == "refund_due")
        .map(|f| f.amount_minor)
        .sum::<i64>()
        .max(0);
    Ok(reversal)
}

fn credit_reference(invoice: &str) -> String {
    format!("CN-{}", invoice.trim_start_matches("INV-"))
}

fn approval_reasons(c: &Connection, s: &Session, order: &Order) -> Result<Vec<ApprovalReason>> {
    reasons_under_rules(c, s.role, effective_status(order), order.total_minor)
}

/// Why a pending request needed approval: the rules as they stand, for the
/// person who asked and what the order was.
fn approval_reasons_for(c: &Connection, order: &Order) -> Result<Vec<ApprovalReason>> {
    let role = match order.cancel_requested_by {
        Some(u) => store::users::by_id(c, u)?.map(|u| u.role),
        None => None,
    };
    match role {
        Some(role) => reasons_under_rules(c, role, effective_status(order), order.total_minor),
        None => Ok(Vec::new()),
    }
}

fn reasons_under_rules(
    c: &Connection,
    role: crate::domain::Role,
    status: Status,
    total_minor: i64,
) -> Result<Vec<ApprovalReason>> {
    let rules = settings::approval_rules_in(c)?;
    if rules.roles_without_approval.contains(&role) {
        return Ok(Vec::new());
    }
    let mut reasons = Vec::new();
    if rules.threshold_minor.is_some_and(|t| total_minor >= t) {
        reasons.push(ApprovalReason::AmountThreshold);
    }
    if rules.invoiced_needs_approval && status == Status::Invoiced {
        reasons.push(ApprovalReason::Invoiced);
    }
    Ok(reasons)
}

fn apply_reversal(c: &Connection, order: &Order, reversal: &Reversal, at: &str) -> Result<()> {
    if !reversal.stock.is_empty() {
        for line in store::orders::lines(c, order)? {
            store::products::change_reserved(c, line.product_id, -line.quantity)?;
            store::orders::insert_movement(
                c,
                order.id,
                line.product_id,
                "release",
                line.quantity,
                at,
            )?;
        }
    }
    for credit in &reversal.credit_notes {
        store::orders::insert_finance(
            c,
            order.id,
            "credit_note",
            &credit_reference(&credit.invoice),
            -credit.amount_minor,
            &order.currency,
            at,
        )?;
    }
    if reversal.refund_due_minor > 0 {
        let reference = format!("RF-{}", order.number.trim_start_matches("SO-"));
        store::orders::insert_finance(
            c,
            order.id,
            "refund_due",
            &reference,
            -reversal.refund_due_minor,
            &order.currency,
            at,
        )?;
    }
    Ok(())
}

/// Checks the reason code and note of a request.
fn check_reason(c: &Connection, code: &str, note: Option<&str>) -> Result<Option<String>> {
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::invalid(Msg::ReasonRequired));
    }
    let note = clean_note(note, NOTE_MAX)?;
    let Some(reason) = store::settings::reason(c, code)? else {
        return Err(Error::invalid(Msg::ReasonNotFound { code: code.into() }));
    };
    if !reason.active {
        return Err(Error::invalid(Msg::ReasonRetired { code: code.into() }));
    }
    if code == "other" && note.is_none() {
        return Err(Error::invalid(Msg::NoteRequired));
    }
    Ok(note)
}

/// The dry run: what cancelling `number` would do, or what blocks it. The
/// reason is optional here (the wizard shows the preview first).
pub fn preview(
    store: &Store,
    s: &Session,
    number: &str,
    reason_code: Option<&str>,
    note: Option<&str>,
    customer_message: Option<&str>,
) -> Result<CancelPreview> {
    store.read(|c| {
        let order = load(c, number)?;
        crate::auth::can_read(c, s, &order)?;
        let mut blockers = Vec::new();
        if let Err(e) = check_cancellable(c, s, &order) {
            blockers.push(e.problem());
        }
        if let Some(code) = reason_code
            && let Err(e) = check_reason(c, code, note)
        {
            blockers.push(e.problem());
        }
        let approval_reasons = approval_reasons(c, s, &order)?;
        let needs_approval = !approval_reasons.is_empty();
        let event = if needs_approval {
            NotifyEvent::CancelRequested
        } else {
            NotifyEvent::Cancelled
        };
        let customer = store::customers::get(c, order.customer_id)?;
        let customer_notice = if notify::customer_included(c, NotifyEvent::Cancelled)? {
            Some(notify::cancellation_notice(
                c,
                &order,
                &customer,
                reason_code,
                clean_note(customer_message, NOTE_MAX)?.as_deref(),
                s.user_id,
                &crate::notice::today(store),
            )?)
        } else {
            None
        };
        Ok(CancelPreview {
            number: order.number.clone(),
            status: order.status,
            version: order.version,
            total_minor: order.total_minor,
            currency: order.currency.clone(),
            allowed: blockers.is_empty(),
            blockers,
            needs_approval,
            approval_reasons,
            approval_threshold_minor: settings::approval_rules_in(c)?.threshold_minor,
            reversal: plan_reversal(c, &order)?,
            recipients: notify::staff_recipients(c, event, &order, s)?,
            customer_notice,
        })
    })
}

/// Cancels the order, or — when an approval rule matches — freezes it as
/// `cancel_pending` for a manager. One transaction either way.
pub fn execute(store: &Store, s: &Session, req: &CancelRequest) -> Result<CancelOutcome> {
    let at = store::stamp(store.now());
    store.write(|tx| execute_in(tx, s, req, &at))
}

pub(crate) fn execute_in(
    c: &Connection,
    s: &Session,
    req: &CancelRequest,
    at: &str,
) -> Result<CancelOutcome> {
    let mut order = load(c, &req.number)?;
    check_cancellable(c, s, &order)?;
    check_version(c, &order, req.seen_version)?;
    let note = check_reason(c, &req.reason_code, req.note.as_deref())?;
    let message = clean_note(req.customer_message.as_deref(), NOTE_MAX)?;
    let reason = req.reason_code.trim();
    let from = order.status;
    let needs_approval = !approval_reasons(c, s, &order)?.is_empty();
    order.status_before_cancel = Some(from);
    order.cancel_reason_code = Some(reason.to_string());
    order.cancel_note = note.clone();
    order.cancel_requested_by = Some(s.user_id);
    order.cancel_requested_at = Some(at.to_string());
    order.cancel_notify_customer = Some(req.notify_customer);
    order.cancel_customer_message = message;
    let mut batch = notify::Batch::default();
    let mut reversal = Reversal::default();
    let mut customer_message_id = None;
    if needs_approval {
        order.status = Status::CancelPending;
        save(c, &mut order, req.seen_version, s, at)?;
        record(
            c,
            &order,
            "cancel_requested",
            s,
            at,
            Some(from),
            Some(order.status),
            Some(reason),
            note.as_deref(),
            None,
        )?;
        batch.add(
            c,
            NotifyEvent::CancelRequested,
            &order,
            s,
            Some(reason),
            note.as_deref(),
        )?;
    } else {
        reversal = plan_reversal(c, &order)?;
        apply_reversal(c, &order, &reversal, at)?;
        order.status = Status::Cancelled;
        order.closed_at = Some(at.to_string());
        save(c, &mut order, req.seen_version, s, at)?;
        let notice = customer_notice_for(c, &order, req.notify_customer, s.user_id, at)?;
        record(
            c,
            &order,
            "cancelled",
            s,
            at,
            Some(from),
            Some(order.status),
            Some(reason),
            note.as_deref(),
            Some(detail_with_notice(&reversal, notice.as_ref())),
        )?;
        batch.add(
            c,
            NotifyEvent::Cancelled,
            &order,
            s,
            Some(reason),
            note.as_deref(),
        )?;
        customer_message_id = notice
            .map(|n| notify::queue_notice(c, &order, &n, at))
            .transpose()?;
    }
    let told = batch.flush(c, s, at)?;
    outcome(c, order, from, reversal, told, customer_message_id)
}

/// What a cancel did, for the person who did it.
fn outcome(
    c: &Connection,
    order: Order,
    from: Status,
    reversal: Reversal,
    told: Vec<notify::Notified>,
    customer_message_id: Option<i64>,
) -> Result<CancelOutcome> {
    let customer_notice_to = match customer_message_id {
        Some(_) => store::customers::get(c, order.customer_id)?.email,
        None => None,
    };
    Ok(CancelOutcome {
        number: order.number,
        status: order.status,
        from,
        version: order.version,
        reversal,
        notified_names: told.iter().map(|n| n.display_name.clone()).collect(),
        notified: told.into_iter().map(|n| n.login).collect(),
        customer_message_id,
        customer_notice_to,
    })
}

fn reversal_json(r: &Reversal) -> serde_json::Value {
    serde_json::json!({
        "released_lines": r.stock.len(),
        "released_quantity": r.stock.iter().map(|l| l.quantity).sum::<i64>(),
        "credit_minor": r.credit_notes.iter().map(|c| c.amount_minor).sum::<i64>(),
        "refund_due_minor": r.refund_due_minor,
    })
}

/// The customer's notice of this cancellation, when they get one: made
/// before the event is recorded, so that the event carries its hash.
fn customer_notice_for(
    c: &Connection,
    order: &Order,
    wanted: bool,
    operator: crate::domain::UserId,
    at: &str,
) -> Result<Option<notify::CustomerNotice>> {
    if !wanted || !notify::customer_included(c, NotifyEvent::Cancelled)? {
        return Ok(None);
    }
    let customer = store::customers::get(c, order.customer_id)?;
    Ok(Some(notify::cancellation_notice(
        c,
        order,
        &customer,
        order.cancel_reason_code.as_deref(),
        order.cancel_customer_message.as_deref(),
        operator,
        &crate::notice::day_of(at),
    )?))
}

/// The reversal's detail for the audit event, with the customer notice's hash.
fn detail_with_notice(
    reversal: &Reversal,
    notice: Option<&notify::CustomerNotice>,
) -> serde_json::Value {
    let mut detail = reversal_json(reversal);
    if let Some(n) = notice {
        detail["customer_notice_hash"] = serde_json::Value::String(n.hash());
    }
    detail
}

pub(crate) fn check_pending(c: &Connection, s: &Session, order: &Order, seen: i64) -> Result<()> {
    can_manage(c, s, order)?;
    check_version(c, order, seen)?;
    if order.status != Status::CancelPending {
        return Err(Error::rule(Msg::NotPending {
            number: order.number.clone(),
        }));
    }
    if order.cancel_requested_by == Some(s.user_id) && !s.is_admin() {
        return Err(Error::forbidden(Msg::OwnRequest {
            number: order.number.clone(),
        }));
    }
    Ok(())
}

/// A manager approves a pending cancellation: the reversal runs now.
pub fn approve(store: &Store, s: &Session, number: &str, seen: i64) -> Result<CancelOutcome> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        check_pending(tx, s, &order, seen)?;
        let reversal = plan_reversal(tx, &order)?;
        apply_reversal(tx, &order, &reversal, &at)?;
        order.status = Status::Cancelled;
        order.closed_at = Some(at.clone());
        save(tx, &mut order, seen, s, &at)?;
        let wanted = order.cancel_notify_customer.unwrap_or(true);
        let notice = customer_notice_for(tx, &order, wanted, s.user_id, &at)?;
        record(
            tx,
            &order,
            "cancel_approved",
            s,
            &at,
            Some(Status::CancelPending),
            Some(Status::Cancelled),
            order.cancel_reason_code.as_deref(),
            order.cancel_note.as_deref(),
            Some(detail_with_notice(&reversal, notice.as_ref())),
        )?;
        let mut batch = notify::Batch::default();
        batch.add(
            tx,
            NotifyEvent::CancelApproved,
            &order,
            s,
            order.cancel_reason_code.as_deref(),
            None,
        )?;
        let told = batch.flush(tx, s, &at)?;
        let customer_message_id = notice
            .map(|n| notify::queue_notice(tx, &order, &n, &at))
            .transpose()?;
        outcome(
            tx,
            order,
            Status::CancelPending,
            reversal,
            told,
            customer_message_id,
        )
    })
}

/// A manager rejects a pending cancellation, saying why: the order returns to
/// the status it had.
pub fn reject(store: &Store, s: &Session, number: &str, seen: i64, note: &str) -> Result<Order> {
    let Some(note) = clean_note(Some(note), NOTE_MAX)? else {
        return Err(Error::invalid(Msg::NoteRequired));
    };
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        check_pending(tx, s, &order, seen)?;
        let back = order.status_before_cancel.unwrap_or(Status::Draft);
        order.status = back;
        order.status_before_cancel = None;
        order.cancel_reason_code = None;
        order.cancel_note = None;
        order.cancel_requested_by = None;
        order.cancel_requested_at = None;
        order.cancel_notify_customer = None;
        order.cancel_customer_message = None;
        save(tx, &mut order, seen, s, &at)?;
        record(
            tx,
            &order,
            "cancel_rejected",
            s,
            &at,
            Some(Status::CancelPending),
            Some(back),
            None,
            Some(&note),
            None,
        )?;
        let mut batch = notify::Batch::default();
        batch.add(
            tx,
            NotifyEvent::CancelRejected,
            &order,
            s,
            None,
            Some(&note),
        )?;
        batch.flush(tx, s, &at)?;
        Ok(order)
    })
}

/// A pending cancellation as the manager who decides it sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PendingCancel {
    pub number: String,
    pub version: i64,
    pub customer: String,
    pub total_minor: i64,
    pub currency: String,
    /// What the order was when the request was made.
    pub status_before: Status,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub requested_at: Option<String>,
    pub reason: Option<String>,
    /// The requester's internal note.
    pub note: Option<String>,
    pub approval_reasons: Vec<ApprovalReason>,
    pub approval_threshold_minor: Option<i64>,
    /// What approving reverses (the same plan the cancel runs).
    pub reversal: Reversal,
    /// The notice the customer gets on approval (None: none will be queued).
    pub customer_notice: Option<CustomerNotice>,
    /// Whether `s` may decide it, and if not, why.
    pub decision: crate::detail::Action,
}

/// The request behind a pending cancellation: the same checks and plan as
/// `approve` uses, read without changing anything.
pub fn pending_request(store: &Store, s: &Session, number: &str) -> Result<PendingCancel> {
    store.read(|c| {
        let order = load(c, number)?;
        crate::auth::can_read(c, s, &order)?;
        if order.status != Status::CancelPending {
            return Err(Error::rule(Msg::NotPending {
                number: order.number.clone(),
            }));
        }
        let requester = order
            .cancel_requested_by
            .map(|u| store::users::by_id(c, u))
            .transpose()?
            .flatten();
        let customer = store::customers::get(c, order.customer_id)?;
        let wanted = order.cancel_notify_customer.unwrap_or(true);
        let customer_notice = if wanted && notify::customer_included(c, NotifyEvent::Cancelled)? {
            Some(notify::cancellation_notice(
                c,
                &order,
                &customer,
                order.cancel_reason_code.as_deref(),
                order.cancel_customer_message.as_deref(),
                s.user_id,
                &crate::notice::today(store),
            )?)
        } else {
            None
        };
        Ok(PendingCancel {
            number: order.number.clone(),
            version: order.version,
            customer: customer.name,
            total_minor: order.total_minor,
            currency: order.currency.clone(),
            status_before: effective_status(&order),
            requested_by: requester.as_ref().map(|u| u.login.clone()),
            requested_by_name: requester.map(|u| u.display_name),
            requested_at: order.cancel_requested_at.clone(),
            reason: order.cancel_reason_code.clone(),
            note: order.cancel_note.clone(),
            approval_reasons: approval_reasons_for(c, &order)?,
            approval_threshold_minor: settings::approval_rules_in(c)?.threshold_minor,
            reversal: plan_reversal(c, &order)?,
            customer_notice,
            decision: crate::detail::Action::from(check_pending(c, s, &order, order.version)),
        })
    })
}

/// Pending cancellation requests a manager may decide, oldest first.
pub fn pending(store: &Store, s: &Session) -> Result<Vec<crate::search::Row>> {
    crate::auth::require_manager(s)?;
    let query = crate::search::SearchQuery {
        statuses: vec![Status::CancelPending],
        sort: crate::store::search::Sort::DateAsc,
        limit: Some(200),
        ..Default::default()
    };
    Ok(crate::search::search(store, s, &query)?.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_note_reference_follows_invoice() {
        assert_eq!(credit_reference("INV-2026-000001"), "CN-2026-000001");
    }

    #[test]
    fn approval_reason_codes_are_snake_case() {
        let json = serde_json::to_string(&ApprovalReason::AmountThreshold).expect("json");
        assert_eq!(json, "\"amount_threshold\"");
    }
}
