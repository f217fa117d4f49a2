//! Bulk runs: archive, reassign or cancel over a selection or a filter.
//!
//! A job first records one item per order (with the version seen), then runs
//! in batches, each its own transaction that also marks its items done or
//! refused. Stopped at any moment, it resumes where it was: no order is lost
//! or handled twice. Progress goes to a callback, which may ask to stop.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_manage};
use crate::cancel::{self, CancelRequest};
use crate::domain::{OrderId, Status};
use crate::error::{Error, Msg, Problem, Result};
use crate::import::ImportKind;
use crate::lifecycle::{clean_note, load, load_id, record};
use crate::notify;
use crate::reassign::{self, Target};
use crate::settings::NotifyEvent;
use crate::store::{self, Store, jobs::JobItem, orders::Order};

/// Orders per batch: ten thousand amortise each commit and checkpoint while
/// keeping every transaction around a second (measured: 100k orders archive
/// about a quarter faster than with batches of five thousand).
pub const DEFAULT_BATCH: usize = 10_000;

/// Orders per batch of a cancel that tells the customers: each renders its
/// notice's PDF in its transaction (about 1.4 ms, release), so that a batch
/// keeps the writer under a second and a desk's own cancel waits no longer.
pub const NOTICE_BATCH: usize = 500;

/// What a job does to each order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    Archive,
    Reassign {
        target: Target,
        note: Option<String>,
    },
    Cancel {
        reason_code: String,
        note: Option<String>,
        notify_customer: bool,
        /// The message to each customer (never the internal note).
        #[serde(default)]
        customer_message: Option<String>,
    },
    /// Records of a file (made by `import::start` only).
    Import {
        what: ImportKind,
        file: String,
    },
}

impl JobKind {
    fn code(&self) -> &'static str {
        match self {
            JobKind::Archive => "archive",
            JobKind::Reassign { .. } => "reassign",
            JobKind::Cancel { .. } => "cancel",
            JobKind::Import { what, .. } => what.job_code(),
        }
    }
}

/// Which orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    /// Orders by number, each with the version the person saw (None: as now).
    Orders { orders: Vec<(String, Option<i64>)> },
    /// Closed orders whose closing date is before `before` (YYYY-MM-DD),
    /// optionally only those closed as `status`.
    ClosedBefore {
        before: String,
        status: Option<Status>,
    },
}

impl Selection {
    pub fn numbers(numbers: impl IntoIterator<Item = impl Into<String>>) -> Selection {
        Selection::Orders {
            orders: numbers.into_iter().map(|n| (n.into(), None)).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobStatus {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub total: i64,
    pub done: i64,
    pub refused: i64,
    pub pending: i64,
    /// Import records already there (nothing done).
    pub unchanged: i64,
}

/// What happened to one order (or one record of an import).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemResult {
    /// The order number; for an import, the record's key (customer code,
    /// SKU, original order number).
    pub number: String,
    /// `done`, `refused`, `pending`; an import's `unchanged` (already there);
    /// a dry run's `accepted`.
    pub state: String,
    pub problem: Option<Problem>,
    /// An import's record: its first row in the file.
    pub row: i64,
}

impl From<JobItem> for ItemResult {
    fn from(i: JobItem) -> ItemResult {
        let problem = i.error_kind.as_ref().map(|_| Problem {
            kind: i
                .error_kind
                .as_deref()
                .and_then(crate::error::ErrorKind::from_code)
                .unwrap_or(crate::error::ErrorKind::RuleViolation),
            message_zh: i.message_zh.clone().unwrap_or_default(),
            message_en: i.message_en.clone().unwrap_or_default(),
        });
        ItemResult {
            row: i.order_id.0,
            number: i.number,
            state: i.state,
            problem,
        }
    }
}

fn validate_kind(kind: &JobKind, s: &Session) -> Result<JobKind> {
    Ok(match kind {
        JobKind::Archive => {
            crate::auth::require_manager(s)?;
            JobKind::Archive
        }
        JobKind::Reassign { target, note } => JobKind::Reassign {
            target: target.clone(),
            note: clean_note(note.as_deref(), reassign::NOTE_MAX)?,
        },
        JobKind::Cancel {
            reason_code,
            note,
            notify_customer,
            customer_message,
        } => {
            if reason_code.trim().is_empty() {
                return Err(Error::invalid(Msg::ReasonRequired));
            }
            JobKind::Cancel {
                reason_code: reason_code.trim().to_string(),
                note: clean_note(note.as_deref(), cancel::NOTE_MAX)?,
                notify_customer: *notify_customer,
                customer_message: clean_note(customer_message.as_deref(), cancel::NOTE_MAX)?,
            }
        }
        // An import's records come from its file: `import::start`.
        JobKind::Import { .. } => {
            return Err(Error::invalid(Msg::BadField {
                field: "kind".into(),
                value: kind.code().into(),
            }));
        }
    })
}

/// Records a job and its items; nothing is changed yet.
pub fn create(
    store: &Store,
    s: &Session,
    kind: &JobKind,
    selection: &Selection,
) -> Result<JobStatus> {
    let kind = validate_kind(kind, s)?;
    let before = match selection {
        Selection::ClosedBefore { before, status } => {
            if !matches!(status, None | Some(Status::Completed | Status::Cancelled)) {
                return Err(Error::invalid(Msg::BadField {
                    field: "status".into(),
                    value: status.map(|s| s.code()).unwrap_or_default().into(),
                }));
            }
            Some(crate::search::parse_date(before)?.to_string())
        }
        Selection::Orders { orders } if orders.is_empty() => {
            return Err(Error::invalid(Msg::NothingSelected));
        }
        Selection::Orders { .. } => None,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let at = store::stamp(store.now());
    let params = serde_json::to_string(&kind)?;
    store.write(|tx| {
        store::jobs::insert(tx, &id, kind.code(), s.user_id, &at, &params)?;
        match selection {
            Selection::Orders { orders } => {
                for (i, (number, seen)) in orders.iter().enumerate() {
                    match store::orders::key_by_number(tx, number.trim())? {
                        Some((order, number, version)) => {
                            store::jobs::add_item(tx, &id, order, &number, seen.unwrap_or(version))?
                        }
                        None => {
                            // Unknown numbers are refused at once; a negative id
                            // keeps them apart from real orders.
                            let missing = OrderId(-(i as i64) - 1);
                            store::jobs::add_item(tx, &id, missing, number, 0)?;
                            let e = Error::not_found(Msg::OrderNotFound {
                                number: number.clone(),
                            });
                            refuse(tx, &id, missing, &e)?;
                        }
                    }
                }
            }
            Selection::ClosedBefore { status, .. } => {
                let statuses = match status {
                    Some(s) => vec![*s],
                    None => vec![Status::Completed, Status::Cancelled],
                };
                let department = (!s.is_admin()).then_some(s.department_id);
                let before = before.as_deref().unwrap_or_default();
                for (order, number, version) in
                    store::orders::closed_before(tx, &statuses, before, department)?
                {
                    store::jobs::add_item(tx, &id, order, &number, version)?;
                }
            }
        }
        store::jobs::set_total(tx, &id)?;
        status_in(tx, &id)
    })
}

pub(crate) fn refuse(c: &Connection, job: &str, order: OrderId, e: &Error) -> Result<()> {
    let p = e.problem();
    store::jobs::finish_item(
        c,
        job,
        order,
        "refused",
        Some((e.kind().code(), &p.message_zh, &p.message_en)),
    )
}

pub(crate) fn status_in(c: &Connection, id: &str) -> Result<JobStatus> {
    let job = store::jobs::get(c, id)?
        .ok_or_else(|| Error::not_found(Msg::JobNotFound { id: id.into() }))?;
    let counts = store::jobs::counts(c, id)?;
    Ok(JobStatus {
        id: job.id,
        kind: job.kind,
        state: job.state,
        total: counts.total,
        done: counts.done,
        refused: counts.refused,
        pending: counts.pending,
        unchanged: counts.unchanged,
    })
}

pub fn status(store: &Store, s: &Session, id: &str) -> Result<JobStatus> {
    store.read(|c| {
        own_job(c, s, id)?;
        status_in(c, id)
    })
}

/// A job `s` may see, stop and resume: their own; for a manager, one started
/// in their department; for an administrator, any.
fn own_job(c: &Connection, s: &Session, id: &str) -> Result<store::jobs::Job> {
    let job = store::jobs::get(c, id)?
        .ok_or_else(|| Error::not_found(Msg::JobNotFound { id: id.into() }))?;
    let department_manager = s.is_manager()
        && store::users::by_id(c, job.created_by)?
            .is_some_and(|u| u.department_id == s.department_id);
    if job.created_by != s.user_id && !s.is_admin() && !department_manager {
        return Err(Error::not_found(Msg::JobNotFound { id: id.into() }));
    }
    Ok(job)
}

/// Jobs with work left that `s` may resume: their own; a manager's
/// department's; an administrator's, everyone's. After a crash, these are
/// the interrupted jobs.
pub fn unfinished(store: &Store, s: &Session) -> Result<Vec<store::jobs::UnfinishedJob>> {
    let (user, department) = match s.role {
        crate::domain::Role::Admin => (None, None),
        crate::domain::Role::Manager => (None, Some(s.department_id)),
        crate::domain::Role::Clerk => (Some(s.user_id), None),
    };
    store.read(|c| store::jobs::unfinished(c, user, department))
}

/// Per-order results of a job ("" for every state), a page at a time.
pub fn results(
    store: &Store,
    s: &Session,
    id: &str,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<ItemResult>> {
    store.read(|c| {
        own_job(c, s, id)?;
        Ok(store::jobs::items(c, id, state, limit, offset)?
            .into_iter()
            .map(ItemResult::from)
            .collect())
    })
}

/// Runs (or resumes) a job batch by batch. After each batch `progress` is
/// called; when it returns false the job stops, to be resumed later.
pub fn run(
    store: &Store,
    s: &Session,
    id: &str,
    batch_size: usize,
    progress: &mut dyn FnMut(&JobStatus) -> bool,
) -> Result<JobStatus> {
    let job = store.write(|tx| {
        let job = own_job(tx, s, id)?;
        store::jobs::set_state(tx, id, "running", None)?;
        Ok(job)
    })?;
    let kind: JobKind = serde_json::from_value(job.params.clone())?;
    let most = match kind {
        JobKind::Cancel {
            notify_customer: true,
            ..
        } => NOTICE_BATCH,
        _ => DEFAULT_BATCH,
    };
    let batch_size = batch_size.clamp(1, most);
    loop {
        let at = store::stamp(store.now());
        let status = store.write(|tx| {
            let items = store::jobs::pending(tx, id, batch_size as i64)?;
            if items.is_empty() {
                store::jobs::set_state(tx, id, "done", Some(&at))?;
            } else {
                run_batch(tx, s, id, &kind, &items, &at)?;
            }
            status_in(tx, id)
        })?;
        if status.state == "done" {
            progress(&status);
            store.release_memory();
            return Ok(status);
        }
        if !progress(&status) {
            store.release_memory();
            return store.write(|tx| {
                store::jobs::set_state(tx, id, "stopped", None)?;
                status_in(tx, id)
            });
        }
    }
}

fn run_batch(
    c: &Connection,
    s: &Session,
    job: &str,
    kind: &JobKind,
    items: &[JobItem],
    at: &str,
) -> Result<()> {
    match kind {
        JobKind::Archive => archive_batch(c, s, job, items, at),
        JobKind::Reassign { target, note } => {
            let mut batch = notify::Batch::default();
            for item in items {
                let outcome = store::in_savepoint(c, || {
                    let mut order = load_id(c, item.order_id)?;
                    reassign::execute_in(
                        c,
                        s,
                        &mut order,
                        item.seen_version,
                        target,
                        note.as_deref(),
                        at,
                        &mut batch,
                    )
                });
                finish(c, job, item, outcome.map(|_| ()))?;
            }
            batch.flush(c, s, at)?;
            Ok(())
        }
        JobKind::Cancel {
            reason_code,
            note,
            notify_customer,
            customer_message,
        } => {
            for item in items {
                let req = CancelRequest {
                    number: item.number.clone(),
                    seen_version: item.seen_version,
                    reason_code: reason_code.clone(),
                    note: note.clone(),
                    notify_customer: *notify_customer,
                    customer_message: customer_message.clone(),
                };
                let outcome = store::in_savepoint(c, || cancel::execute_in(c, s, &req, at));
                finish(c, job, item, outcome.map(|_| ()))?;
            }
            Ok(())
        }
        JobKind::Import { what, .. } => crate::import::run_batch(c, s, job, *what, items, at),
    }
}

fn finish(c: &Connection, job: &str, item: &JobItem, outcome: Result<()>) -> Result<()> {
    match outcome {
        Ok(()) => store::jobs::finish_item(c, job, item.order_id, "done", None),
        // Storage failures abort the batch (it is retried on resume); rule
        // refusals are results.
        Err(e) if e.kind() == crate::error::ErrorKind::Storage => Err(e),
        Err(e) => refuse(c, job, item.order_id, &e),
    }
}

/// Why `s` may not archive this order now, if anything.
pub(crate) fn archive_refusal(c: &Connection, s: &Session, order: &Order, seen: i64) -> Result<()> {
    can_manage(c, s, order)?;
    if !order.status.is_closed() {
        return Err(Error::rule(Msg::ArchiveNotClosed {
            number: order.number.clone(),
            status: order.status,
        }));
    }
    crate::lifecycle::check_version(c, order, seen)
}

fn archive_batch(
    c: &Connection,
    s: &Session,
    job: &str,
    items: &[JobItem],
    at: &str,
) -> Result<()> {
    let mut ready = Vec::with_capacity(items.len());
    for item in items {
        let checked = load_id(c, item.order_id)
            .and_then(|order| archive_refusal(c, s, &order, item.seen_version).map(|_| order));
        match checked {
            Ok(order) => ready.push(order),
            Err(e) if e.kind() == crate::error::ErrorKind::Storage => return Err(e),
            Err(e) => refuse(c, job, item.order_id, &e)?,
        }
    }
    if ready.is_empty() {
        return Ok(());
    }
    archive_orders(c, s, &ready, at)?;
    store::jobs::finish_staged(c, job)?;
    Ok(())
}

/// Moves checked, closed orders to the archive with their audit events and
/// one notice per person; leaves their ids staged in `temp.archive_batch`.
fn archive_orders(c: &Connection, s: &Session, orders: &[Order], at: &str) -> Result<()> {
    let mut batch = notify::Batch::default();
    // Recipients are resolved while the orders are still active.
    for order in orders {
        batch.add(c, NotifyEvent::Archived, order, s, None, None)?;
    }
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id).collect();
    store::archive::stage(c, &ids)?;
    store::archive::move_staged(c, Some(s.user_id), at)?;
    for order in orders {
        let data = serde_json::json!({ "closed_as": order.status.code() });
        record(
            c,
            order,
            "archived",
            s,
            at,
            Some(order.status),
            Some(Status::Archived),
            None,
            None,
            Some(data),
        )?;
    }
    batch.flush(c, s, at)?;
    Ok(())
}

/// Archives one order at the version the person saw: one transaction.
pub fn archive_one(store: &Store, s: &Session, number: &str, seen: i64) -> Result<()> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let order = load(tx, number)?;
        archive_refusal(tx, s, &order, seen)?;
        archive_orders(tx, s, std::slice::from_ref(&order), &at)
    })
}

/// What archiving a selection would do: how many orders, and which are
/// refused and why (the first `MAX_LISTED`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArchivePreview {
    pub total: i64,
    pub eligible: i64,
    pub refused: Vec<ItemResult>,
    pub refused_count: i64,
}

const MAX_LISTED: usize = 200;

pub fn archive_preview(
    store: &Store,
    s: &Session,
    selection: &Selection,
) -> Result<ArchivePreview> {
    crate::auth::require_manager(s)?;
    store.read(|c| {
        let mut preview = ArchivePreview {
            total: 0,
            eligible: 0,
            refused: Vec::new(),
            refused_count: 0,
        };
        let mut note = |number: &str, outcome: Result<()>| {
            preview.total += 1;
            match outcome {
                Ok(()) => preview.eligible += 1,
                Err(e) => {
                    preview.refused_count += 1;
                    if preview.refused.len() < MAX_LISTED {
                        preview.refused.push(ItemResult {
                            row: 0,
                            number: number.to_string(),
                            state: "refused".into(),
                            problem: Some(e.problem()),
                        });
                    }
                }
            }
        };
        match selection {
            Selection::Orders { orders } => {
                for (number, seen) in orders {
                    let outcome = load(c, number).and_then(|o| {
                        let seen = seen.unwrap_or(o.version);
                        archive_refusal(c, s, &o, seen)
                    });
                    note(number, outcome);
                }
            }
            Selection::ClosedBefore { before, status } => {
                let before = crate::search::parse_date(before)?.to_string();
                let statuses = match status {
                    Some(s) => vec![*s],
                    None => vec![Status::Completed, Status::Cancelled],
                };
                let department = (!s.is_admin()).then_some(s.department_id);
                for (_, number, _) in
                    store::orders::closed_before(c, &statuses, &before, department)?
                {
                    note(&number, Ok(()));
                }
            }
        }
        Ok(preview)
    })
}
