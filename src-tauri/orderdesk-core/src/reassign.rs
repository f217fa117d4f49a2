//! Handing an order to another person or to a department's queue. The
//! previous handler becomes a watcher: a read-only view of the order's
//! progress, with notifications of later changes.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_modify, can_read};
use crate::domain::{DepartmentId, Role, Status, UserId};
use crate::error::{Error, Msg, Result};
use crate::lifecycle::{check_version, clean_note, load, record, save};
use crate::notify;
use crate::settings::NotifyEvent;
use crate::store::{self, Store, orders::Order};

pub const NOTE_MAX: usize = 1000;

/// Whom an order goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// A user, by login.
    User(String),
    /// A department's queue, by its Chinese or English name.
    Department(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: DepartmentId,
    pub department_zh: String,
    pub department_en: String,
    /// Open orders this person handles now.
    pub open_orders: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DepartmentChoice {
    pub id: DepartmentId,
    pub name_zh: String,
    pub name_en: String,
    /// Open orders waiting in its queue.
    pub queue: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidates {
    pub users: Vec<Candidate>,
    pub departments: Vec<DepartmentChoice>,
}

/// People and departments an order can go to, filtered by name (login or
/// display name) and department, each with its open workload.
pub fn candidates(
    store: &Store,
    _s: &Session,
    filter: Option<&str>,
    department: Option<DepartmentId>,
) -> Result<Candidates> {
    let needle = filter.map(|f| f.trim().to_lowercase()).unwrap_or_default();
    store.read(|c| {
        let workload: std::collections::HashMap<_, _> =
            store::users::open_workload(c)?.into_iter().collect();
        let queues: std::collections::HashMap<_, _> =
            store::users::queue_sizes(c)?.into_iter().collect();
        let departments = store::users::departments(c)?;
        let name_of = |id: DepartmentId| {
            departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| (d.name_zh.clone(), d.name_en.clone()))
                .unwrap_or_default()
        };
        let users = store::users::all(c)?
            .into_iter()
            .filter(|u| u.active)
            .filter(|u| department.is_none_or(|d| u.department_id == d))
            .filter(|u| {
                needle.is_empty()
                    || u.login.to_lowercase().contains(&needle)
                    || u.display_name.to_lowercase().contains(&needle)
            })
            .map(|u| {
                let (department_zh, department_en) = name_of(u.department_id);
                Candidate {
                    open_orders: workload.get(&u.id).copied().unwrap_or(0),
                    user_id: u.id,
                    login: u.login,
                    display_name: u.display_name,
                    role: u.role,
                    department_id: u.department_id,
                    department_zh,
                    department_en,
                }
            })
            .collect();
        let departments = departments
            .iter()
            .filter(|d| department.is_none_or(|id| d.id == id))
            .filter(|d| {
                needle.is_empty()
                    || d.name_zh.contains(&needle)
                    || d.name_en.to_lowercase().contains(&needle)
            })
            .map(|d| DepartmentChoice {
                id: d.id,
                name_zh: d.name_zh.clone(),
                name_en: d.name_en.clone(),
                queue: queues.get(&d.id).copied().unwrap_or(0),
            })
            .collect();
        Ok(Candidates { users, departments })
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReassignOutcome {
    pub number: String,
    pub version: i64,
    pub handler: Option<String>,
    /// The new handler's name (None: a department queue).
    pub handler_name: Option<String>,
    pub department_id: DepartmentId,
    pub previous_handler: Option<String>,
    pub notified: Vec<String>,
}

/// Hands one order over.
pub fn execute(
    store: &Store,
    s: &Session,
    number: &str,
    seen: i64,
    target: &Target,
    note: Option<&str>,
) -> Result<ReassignOutcome> {
    let note = clean_note(note, NOTE_MAX)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let mut order = load(tx, number)?;
        let mut batch = notify::Batch::default();
        let mut outcome = execute_in(
            tx,
            s,
            &mut order,
            seen,
            target,
            note.as_deref(),
            &at,
            &mut batch,
        )?;
        outcome.notified = batch
            .flush(tx, s, &at)?
            .into_iter()
            .map(|n| n.login)
            .collect();
        Ok(outcome)
    })
}

struct Resolved {
    handler: Option<(UserId, String)>,
    department: DepartmentId,
}

fn resolve(c: &Connection, target: &Target) -> Result<Resolved> {
    match target {
        Target::User(login) => {
            let user = store::users::by_login(c, login.trim())?.ok_or_else(|| {
                Error::not_found(Msg::UserNotFound {
                    login: login.clone(),
                })
            })?;
            if !user.active {
                return Err(Error::rule(Msg::UserInactive { login: user.login }));
            }
            Ok(Resolved {
                department: user.department_id,
                handler: Some((user.id, user.login)),
            })
        }
        Target::Department(name) => {
            let department = store::users::department_by_name(c, name.trim())?
                .ok_or_else(|| Error::not_found(Msg::DepartmentNotFound { name: name.clone() }))?;
            Ok(Resolved {
                handler: None,
                department: department.id,
            })
        }
    }
}

/// Whether the order's status lets it be handed over at all.
fn status_refusal(order: &Order) -> Result<()> {
    let number = order.number.clone();
    match order.status {
        Status::Archived => Err(Error::rule(Msg::ArchivedReadOnly { number })),
        Status::CancelPending => Err(Error::rule(Msg::Frozen { number })),
        status if !Status::WORKING.contains(&status) => {
            Err(Error::rule(Msg::ReassignNotAllowed { number, status }))
        }
        _ => Ok(()),
    }
}

/// A clerk may take an order waiting in their own department's queue.
fn in_my_queue(s: &Session, order: &Order) -> bool {
    order.handler_id.is_none() && order.department_id == s.department_id
}

/// May `s` hand this order over? Who may change it may; a clerk may also
/// take an order waiting in their own department's queue.
fn check_reassignable(c: &Connection, s: &Session, order: &Order, to: &Resolved) -> Result<()> {
    can_read(c, s, order)?;
    status_refusal(order)?;
    let to_me = to.handler.as_ref().is_some_and(|(id, _)| *id == s.user_id);
    if in_my_queue(s, order) && to_me {
        return Ok(());
    }
    can_modify(c, s, order)
}

/// Why `s` may not hand this order over to anyone now, if anything: the
/// same checks as `execute` for the most open target (themselves, for a
/// queue order). The detail pane's button asks this.
pub(crate) fn refusal(c: &Connection, s: &Session, order: &Order) -> Result<()> {
    can_read(c, s, order)?;
    status_refusal(order)?;
    if in_my_queue(s, order) {
        return Ok(());
    }
    can_modify(c, s, order)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn execute_in(
    c: &Connection,
    s: &Session,
    order: &mut Order,
    seen: i64,
    target: &Target,
    note: Option<&str>,
    at: &str,
    batch: &mut notify::Batch,
) -> Result<ReassignOutcome> {
    let to = resolve(c, target)?;
    check_reassignable(c, s, order, &to)?;
    check_version(c, order, seen)?;
    let new_handler = to.handler.as_ref().map(|(id, _)| *id);
    if new_handler == order.handler_id && to.department == order.department_id {
        let login = match new_handler {
            Some(h) => store::users::login_of(c, h)?,
            None => store::users::department(c, to.department)?
                .map(|d| d.name_zh)
                .unwrap_or_default(),
        };
        return Err(Error::rule(Msg::AlreadyHandles {
            number: order.number.clone(),
            login,
        }));
    }
    let previous = order.handler_id;
    let previous_login = previous.map(|p| store::users::login_of(c, p)).transpose()?;
    let from_department = order.department_id;
    if let Some(p) = previous.filter(|p| Some(*p) != new_handler) {
        store::orders::add_watcher(c, order.id, p, at)?;
    }
    if let Some(h) = new_handler {
        store::orders::remove_watcher(c, order.id, h)?;
    }
    order.handler_id = new_handler;
    order.department_id = to.department;
    save(c, order, seen, s, at)?;
    let data = serde_json::json!({
        "from_handler": previous_login,
        "to_handler": to.handler.as_ref().map(|(_, login)| login),
        "from_department": from_department.0,
        "to_department": to.department.0,
    });
    record(
        c,
        order,
        "reassigned",
        s,
        at,
        None,
        None,
        None,
        note,
        Some(data),
    )?;
    batch.add(c, NotifyEvent::Reassigned, order, s, None, note)?;
    let handler_name = match &to.handler {
        Some((id, _)) => store::users::by_id(c, *id)?.map(|u| u.display_name),
        None => None,
    };
    Ok(ReassignOutcome {
        number: order.number.clone(),
        version: order.version,
        handler_name,
        handler: to.handler.map(|(_, login)| login),
        department_id: to.department,
        previous_handler: previous_login,
        notified: Vec::new(),
    })
}

/// A department by its Chinese or English name.
pub fn department_id(store: &Store, name: &str) -> Result<DepartmentId> {
    store.read(|c| {
        store::users::department_by_name(c, name.trim())?
            .map(|d| d.id)
            .ok_or_else(|| Error::not_found(Msg::DepartmentNotFound { name: name.into() }))
    })
}

/// Every department, for pickers and filters.
pub fn departments(store: &Store) -> Result<Vec<store::users::Department>> {
    store.read(|c| store::users::departments(c))
}
