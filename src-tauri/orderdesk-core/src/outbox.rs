//! Customer notices on their way: the outbox as a queue. A notice is what
//! was stored when it was queued (subject, body, the printed notice as data
//! and its hash, a Message-ID); a delivery pass sends what is due through a
//! channel (email), records each attempt before it is made, and gives
//! failures back to people. A manager may withdraw a queued notice or send a
//! failed one again. The channel is given by the caller: the core sends
//! nothing itself.

use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_read};
use crate::domain::{Lang, Role, UserId};
use crate::error::{Error, Msg, Result};
use crate::notice::NoticeSheet;
use crate::store::outbox::{CustomerMessage, OutboxFilter, Outgoing};
use crate::store::{self, Store, events::NewEvent};

/// Attempts in all before a temporary failure counts as a failure.
pub const MAX_ATTEMPTS: i64 = 6;
/// Minutes to wait after the n-th failed attempt (then the last one).
const BACKOFF_MINUTES: [i64; 5] = [5, 15, 60, 180, 360];

/// Notices `s` may see under `f`: administrators all; the others those of
/// their department and those they cancelled.
pub fn list(store: &Store, s: &Session, f: &OutboxFilter) -> Result<Vec<CustomerMessage>> {
    let limit = f.limit.unwrap_or(200).clamp(1, 1000);
    let scope = (!s.is_admin()).then_some((s.department_id, s.user_id));
    // Days on this PC's calendar, as the window shows the times; the
    // stamps are UTC.
    let bound = |field: &'static str, day: &Option<String>, days_after| match day {
        None => Ok(None),
        Some(d) => crate::notice::day_start(d, days_after)
            .map(Some)
            .ok_or_else(|| {
                Error::invalid(Msg::BadField {
                    field: field.into(),
                    value: d.clone(),
                })
            }),
    };
    let f = OutboxFilter {
        from: bound("from", &f.from, 0)?,
        to: bound("to", &f.to, 1)?,
        ..f.clone()
    };
    if let Some(status) = &f.status
        && !STATES.contains(&status.as_str())
    {
        return Err(Error::invalid(Msg::BadField {
            field: "status".into(),
            value: status.clone(),
        }));
    }
    store.read(|c| store::outbox::list(c, &f, scope, limit))
}

/// The states a notice goes through, as the outbox's `status` says them.
pub const STATES: [&str; 6] = [
    "queued",
    "sending",
    "sent",
    "retrying",
    "failed",
    "withdrawn",
];

/// How many notices are in each state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxCounts {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub retrying: i64,
    pub failed: i64,
    pub withdrawn: i64,
}

impl OutboxCounts {
    /// Waiting for a channel or a retry.
    pub fn waiting(&self) -> i64 {
        self.queued + self.sending + self.retrying
    }
}

/// How many notices are in each state, over every department
/// (administrators).
pub fn counts(store: &Store, s: &Session) -> Result<OutboxCounts> {
    crate::auth::require_admin(s)?;
    let mut out = OutboxCounts::default();
    for (status, n) in store.read(|c| store::outbox::counts(c))? {
        match status.as_str() {
            "queued" => out.queued = n,
            "sending" => out.sending = n,
            "sent" => out.sent = n,
            "retrying" => out.retrying = n,
            "failed" => out.failed = n,
            "withdrawn" => out.withdrawn = n,
            _ => {}
        }
    }
    Ok(out)
}

/// A notice `s` may act on: managers and administrators, of their
/// department (administrators: any).
fn managed(c: &rusqlite::Connection, s: &Session, id: i64) -> Result<CustomerMessage> {
    let m =
        store::outbox::get(c, id)?.ok_or_else(|| Error::not_found(Msg::NoticeNotFound { id }))?;
    let allowed =
        s.is_admin() || (s.role == Role::Manager && m.department_id == Some(s.department_id));
    if !allowed {
        return Err(Error::forbidden(Msg::ManagersOnly));
    }
    Ok(m)
}

/// A manager takes back a notice that has not gone out (queued, or waiting
/// for a retry); the order's timeline says so.
pub fn withdraw(store: &Store, s: &Session, id: i64) -> Result<CustomerMessage> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let m = managed(tx, s, id)?;
        if !store::outbox::withdraw(tx, id, s.user_id, &at)? {
            return Err(Error::rule(Msg::NoticeNotWithdrawable {
                number: m.order_number.clone(),
                status: m.status.clone(),
            }));
        }
        timeline(tx, &m.order_number, "notice_withdrawn", Some(s), &at, None)?;
        store::outbox::get(tx, id)?.ok_or_else(|| Error::internal("notice vanished"))
    })
}

/// A manager sends a failed notice again (the same notice, the same
/// Message-ID).
pub fn resend(store: &Store, s: &Session, id: i64) -> Result<CustomerMessage> {
    let at = store::stamp(store.now());
    store.write(|tx| {
        let m = managed(tx, s, id)?;
        if !store::outbox::resend(tx, id, &at)? {
            return Err(Error::rule(Msg::NoticeNotFailed {
                number: m.order_number.clone(),
                status: m.status.clone(),
            }));
        }
        timeline(tx, &m.order_number, "notice_requeued", Some(s), &at, None)?;
        store::outbox::get(tx, id)?.ok_or_else(|| Error::internal("notice vanished"))
    })
}

/// What a mail server said to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted (2xx after the message).
    Sent(String),
    /// Try again later: a 4xx answer, no connection, a dropped connection.
    Temporary(String),
    /// Never: a 5xx answer.
    Permanent(String),
}

/// A way to the customer (email). Blocking: a delivery pass runs off the
/// threads that answer people.
pub trait Channel {
    fn send(&self, notice: &Outgoing, pdf: &[u8]) -> Answer;
}

/// One notice's outcome in a delivery pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Delivery {
    pub id: i64,
    pub order_number: String,
    pub customer: String,
    pub recipient: Option<String>,
    /// The state after this attempt.
    pub status: String,
    pub attempts: i64,
    pub answer: String,
    /// The Message-ID it went under (every attempt the same).
    pub message_id: String,
}

/// A notice's state (its `status` code) in words.
pub fn state_label(code: &str, lang: Lang) -> &str {
    match (code, lang) {
        ("queued", Lang::ZhCn) => "排队中",
        ("sending", Lang::ZhCn) => "发送中",
        ("sent", Lang::ZhCn) => "已发送",
        ("retrying", Lang::ZhCn) => "等待重试",
        ("failed", Lang::ZhCn) => "发送失败",
        ("withdrawn", Lang::ZhCn) => "已撤回",
        ("sending", Lang::En) => "being sent",
        ("retrying", Lang::En) => "waiting to retry",
        (other, _) => other,
    }
}

/// Who asked for a delivery pass.
#[derive(Debug, Clone, Copy)]
pub enum Pass<'a> {
    /// A person (managers and administrators), now: everything waiting
    /// goes, retries too.
    Now(&'a Session),
    /// The background loop: notices queued at least `GRACE` ago (half a minute in
    /// which a notice sent by mistake can still be withdrawn), and retries
    /// whose time has come.
    Scheduled,
}

impl Pass<'_> {
    /// Whether this pass may run: a person's needs a manager.
    pub fn allowed(&self) -> Result<()> {
        match self {
            Pass::Now(s) => crate::auth::require_manager(s),
            Pass::Scheduled => Ok(()),
        }
    }
}

/// How long a queued notice waits for the background loop.
pub const GRACE: chrono::Duration = chrono::Duration::seconds(30);

/// The notices a pass of this kind takes now, oldest first, at most `limit`.
pub fn due(store: &Store, pass: Pass, limit: i64) -> Result<Vec<i64>> {
    pass.allowed()?;
    let now = store.now();
    let (queued_by, retry_by) = match pass {
        // "~" sorts after every stamp: no time limit.
        Pass::Now(_) => ("~".to_string(), "~".to_string()),
        Pass::Scheduled => (store::stamp(now - GRACE), store::stamp(now)),
    };
    let limit = limit.clamp(1, 1000);
    store.read(|c| store::outbox::due(c, &queued_by, &retry_by, limit))
}

/// Sends the notices `ids` through `channel`. Each attempt is recorded
/// (`sending`, one more attempt) before it is made, so that a process killed
/// mid-way leaves the notice `sending` and the next pass sends it again with
/// the same Message-ID, never a second notice. A notice whose stored content
/// no longer matches its hash is refused for good.
pub fn send(store: &Store, channel: &dyn Channel, ids: &[i64]) -> Result<Vec<Delivery>> {
    let mut out = Vec::new();
    for &id in ids {
        let at = store::stamp(store.now());
        let started = store.write(|tx| store::outbox::begin_attempt(tx, id, &at))?;
        if !started {
            continue;
        }
        let Some(notice) = store.read(|c| store::outbox::outgoing(c, id))? else {
            continue;
        };
        let answer = attempt(&notice, channel)?;
        out.push(record(store, &notice, answer)?);
    }
    Ok(out)
}

/// Checks what is stored against its hash, then sends it.
fn attempt(notice: &Outgoing, channel: &dyn Channel) -> Result<Answer> {
    if !notice
        .recipient
        .as_deref()
        .is_some_and(crate::customers::is_email)
    {
        return Ok(Answer::Permanent(match &notice.recipient {
            Some(bad) => format!("malformed address: {bad}"),
            None => "the customer has no email address".into(),
        }));
    }
    let pdf = notice.pdf.as_deref().unwrap_or_default();
    if let (Some(sheet), Some(hash)) = (&notice.sheet, &notice.content_hash) {
        let sheet: NoticeSheet = serde_json::from_str(sheet)?;
        let now = crate::notice::content_hash(
            &notice.subject,
            &notice.body,
            &sheet,
            &crate::notice::sha256_hex(pdf),
        );
        if now != *hash {
            return Ok(Answer::Permanent(
                "the stored notice does not match the hash recorded when it was queued".into(),
            ));
        }
    }
    Ok(channel.send(notice, pdf))
}

/// Records the outcome: the state, the answer, the timeline; a failure for
/// good tells the person who cancelled and the department's managers.
fn record(store: &Store, notice: &Outgoing, answer: Answer) -> Result<Delivery> {
    let now = store.now();
    let at = store::stamp(now);
    let attempts = notice.attempts;
    let (status, text, next) = match &answer {
        Answer::Sent(text) => ("sent", text.clone(), None),
        Answer::Temporary(text) if attempts < MAX_ATTEMPTS => {
            let wait =
                BACKOFF_MINUTES[(attempts.max(1) as usize - 1).min(BACKOFF_MINUTES.len() - 1)];
            let next = store::stamp(now + chrono::Duration::minutes(wait));
            ("retrying", text.clone(), Some(next))
        }
        Answer::Temporary(text) => (
            "failed",
            format!("{text} (gave up after {attempts} attempts)"),
            None,
        ),
        Answer::Permanent(text) => ("failed", text.clone(), None),
    };
    store.write(|tx| {
        store::outbox::finish(tx, notice.id, status, &text, next.as_deref(), &at)?;
        let kind = match status {
            "sent" => "notice_sent",
            "failed" => "notice_failed",
            _ => "notice_retrying",
        };
        let data = serde_json::json!({
            "to": notice.recipient,
            "attempts": attempts,
            "answer": text,
            "message_id": notice.message_id,
        });
        timeline(tx, &notice.order_number, kind, None, &at, Some(data))?;
        if status == "failed" {
            tell_failure(tx, notice, &text, &at)?;
        }
        Ok(())
    })?;
    Ok(Delivery {
        id: notice.id,
        order_number: notice.order_number.clone(),
        customer: notice.customer.clone(),
        recipient: notice.recipient.clone(),
        status: status.to_string(),
        attempts,
        answer: text,
        message_id: notice.message_id.clone(),
    })
}

/// The inbox item of a failed notice: for whoever cancelled and for the
/// department's managers, naming the customer and the server's answer.
fn tell_failure(c: &rusqlite::Connection, notice: &Outgoing, answer: &str, at: &str) -> Result<()> {
    let mut people: Vec<UserId> = Vec::new();
    if let Some(u) = notice.requested_by {
        people.push(u);
    }
    if let Some(d) = notice.department_id {
        for m in store::users::in_department(c, d, Some(Role::Manager))? {
            if !people.contains(&m) {
                people.push(m);
            }
        }
    }
    let note = format!("{}: {answer}", notice.customer);
    for user in people {
        store::inbox::insert(
            c,
            user,
            &store::inbox::NewNotification {
                event: "notice_failed",
                order_id: Some(notice.order_id),
                order_number: Some(&notice.order_number),
                order_count: 1,
                actor_login: None,
                reason_code: None,
                note: Some(&note),
                at,
            },
        )?;
    }
    Ok(())
}

/// An event on the order's timeline (active or archived), by its number.
fn timeline(
    c: &rusqlite::Connection,
    number: &str,
    kind: &str,
    s: Option<&Session>,
    at: &str,
    data: Option<serde_json::Value>,
) -> Result<()> {
    let Some(order) = store::orders::by_number(c, number)? else {
        return Ok(());
    };
    store::events::append(
        c,
        &NewEvent {
            order_id: order.id.0,
            order_number: &order.number,
            kind,
            actor_id: s.map(|s| s.user_id),
            actor_login: s.map(|s| s.login.as_str()),
            at,
            from: None,
            to: None,
            reason_code: None,
            note: None,
            data: data.map(|d| d.to_string()),
        },
    )?;
    Ok(())
}

/// The printed cancellation notice of an order `s` may read: the one stored
/// with its notice (made when it was queued), else one made now from the
/// order as it was cancelled.
pub fn printable(store: &Store, s: &Session, number: &str) -> Result<Vec<u8>> {
    let (order, kept) = store.read(|c| {
        let order = store::orders::by_number(c, number)?.ok_or_else(|| {
            Error::not_found(Msg::OrderNotFound {
                number: number.into(),
            })
        })?;
        can_read(c, s, &order)?;
        let kept = match store::outbox::latest_for_order(c, order.id)? {
            Some(id) => store::outbox::pdf_of(c, id)?,
            None => None,
        };
        Ok((order, kept))
    })?;
    let cancelled = order.status == crate::domain::Status::Cancelled
        || order.closed_as == Some(crate::domain::Status::Cancelled);
    if !cancelled {
        return Err(Error::rule(Msg::NotCancelled {
            number: order.number.clone(),
        }));
    }
    if let Some(pdf) = kept {
        return Ok(pdf);
    }
    let sheet = store.read(|c| sheet_now(c, &order))?;
    crate::notice::cancellation_pdf(&sheet).map_err(Error::internal)
}

/// The sheet of a cancelled order that has no stored notice (its customer
/// was not notified, or it was cancelled before notices were kept).
fn sheet_now(c: &rusqlite::Connection, order: &store::orders::Order) -> Result<NoticeSheet> {
    let customer = store::customers::get(c, order.customer_id)?;
    let lang = customer.language;
    let reason = match order.cancel_reason_code.as_deref() {
        Some(code) => crate::notify::reason_label(c, code, lang)?,
        None => String::new(),
    };
    let day = order
        .closed_at
        .as_deref()
        .map(crate::notice::day_of)
        .unwrap_or_default();
    let operator = order.cancel_requested_by.unwrap_or(UserId(0));
    crate::notice::sheet(
        c,
        order,
        &customer,
        &reason,
        order.cancel_customer_message.as_deref(),
        operator,
        &day,
    )
}
