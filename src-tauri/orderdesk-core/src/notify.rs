//! Who hears about what: resolving the administrator's recipient rules to
//! people, writing inbox rows and customer notices inside the caller's
//! transaction, and rendering them for a person. The OS notification itself is
//! raised by the app through the `NotificationSink` trait.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::Session;
use crate::domain::{Lang, OrderId, Role, UserId};
use crate::error::Result;
use crate::settings::{self, NotifyEvent, RecipientKind};
use crate::store::{self, customers::Customer, inbox::Notification, orders::Order};

/// Where the app raises desktop notifications (toast, Notification Center,
/// freedesktop). The core decides what to say; the app decides how.
pub trait NotificationSink: Send + Sync {
    fn show(&self, title: &str, body: &str);
}

/// A staff member who will be told, with why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recipient {
    pub kind: RecipientKind,
    pub user_id: Option<UserId>,
    pub login: Option<String>,
    pub display_name: String,
}

/// People (never the actor) that `event` on `order` notifies.
pub fn staff_recipients(
    c: &Connection,
    event: NotifyEvent,
    order: &Order,
    actor: &Session,
) -> Result<Vec<Recipient>> {
    let rules = settings::notification_rules_in(c)?;
    recipients_by(c, &rules, event, order, actor)
}

fn recipients_by(
    c: &Connection,
    rules: &settings::NotificationRules,
    event: NotifyEvent,
    order: &Order,
    actor: &Session,
) -> Result<Vec<Recipient>> {
    let rule = rules.for_event(event);
    let mut ids: Vec<(RecipientKind, UserId)> = Vec::new();
    for kind in &rule.kinds {
        match kind {
            RecipientKind::Handler => match order.handler_id {
                Some(h) => ids.push((*kind, h)),
                None => {
                    for u in store::users::in_department(c, order.department_id, None)? {
                        ids.push((*kind, u));
                    }
                }
            },
            RecipientKind::Watchers => {
                for w in store::orders::watchers(c, order.id)? {
                    ids.push((*kind, w.user_id));
                }
            }
            RecipientKind::SalesRep => ids.push((*kind, order.sales_rep_id)),
            RecipientKind::DepartmentManagers => {
                for u in store::users::in_department(c, order.department_id, Some(Role::Manager))? {
                    ids.push((*kind, u));
                }
            }
            RecipientKind::Customer => {}
        }
    }
    for login in &rule.users {
        if let Some(u) = store::users::by_login(c, login)? {
            ids.push((RecipientKind::Handler, u.id));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (kind, id) in ids {
        if id == actor.user_id || !seen.insert(id) {
            continue;
        }
        if let Some(u) = store::users::by_id(c, id)?.filter(|u| u.active) {
            out.push(Recipient {
                kind,
                user_id: Some(u.id),
                login: Some(u.login),
                display_name: u.display_name,
            });
        }
    }
    Ok(out)
}

/// Whether the rules send the customer a notice for `event`.
pub fn customer_included(c: &Connection, event: NotifyEvent) -> Result<bool> {
    Ok(settings::notification_rules_in(c)?
        .for_event(event)
        .kinds
        .contains(&RecipientKind::Customer))
}

/// A customer notice, rendered, before it is queued.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerNotice {
    pub customer: String,
    pub to: Option<String>,
    pub language: Lang,
    pub subject: String,
    pub body: String,
    /// The printed notice (the email's PDF attachment), as data.
    pub sheet: crate::notice::NoticeSheet,
    /// SHA-256 of the PDF made from `sheet`, made with the notice.
    pub pdf_hash: String,
    /// The PDF itself: queued with the notice, never sent to a window.
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

impl CustomerNotice {
    /// What the notice says, hashed: recorded in the order's audit event.
    pub fn hash(&self) -> String {
        crate::notice::content_hash(&self.subject, &self.body, &self.sheet, &self.pdf_hash)
    }
}

/// Renders the cancellation notice in the customer's language.
pub fn cancellation_notice(
    c: &Connection,
    order: &Order,
    customer: &Customer,
    reason_code: Option<&str>,
    note: Option<&str>,
    operator: crate::domain::UserId,
    today: &str,
) -> Result<CustomerNotice> {
    let templates = settings::templates_in(c)?;
    let lang = customer.language;
    let template = templates.for_lang(lang);
    let reason = match reason_code {
        Some(code) => reason_label(c, code, lang)?,
        None => lang.pick("（待填写）", "(to be chosen)").to_string(),
    };
    let fill = |text: &str| {
        fill_template(
            text,
            &customer.name,
            &order.number,
            &order.order_date,
            &reason,
            note.unwrap_or(""),
        )
    };
    let sheet = crate::notice::sheet(c, order, customer, &reason, note, operator, today)?;
    let pdf = crate::notice::cancellation_pdf(&sheet).map_err(crate::error::Error::internal)?;
    Ok(CustomerNotice {
        customer: customer.name.clone(),
        to: customer.email.clone(),
        language: lang,
        subject: fill(&template.subject),
        body: fill(&template.body),
        pdf_hash: crate::notice::sha256_hex(&pdf),
        pdf,
        sheet,
    })
}

/// A cancellation reason as the customer reads it (its code, when the
/// reason is gone).
pub(crate) fn reason_label(c: &Connection, code: &str, lang: Lang) -> Result<String> {
    Ok(match store::settings::reason(c, code)? {
        Some(r) => lang.pick(&r.label_zh, &r.label_en).to_string(),
        None => code.to_string(),
    })
}

/// Puts the values into a notice template's placeholders.
pub fn fill_template(
    text: &str,
    customer: &str,
    number: &str,
    date: &str,
    reason: &str,
    note: &str,
) -> String {
    text.replace("{customer}", customer)
        .replace("{number}", number)
        .replace("{date}", date)
        .replace("{reason}", reason)
        .replace("{note}", note.trim())
}

pub fn queue_notice(
    c: &Connection,
    order: &Order,
    notice: &CustomerNotice,
    at: &str,
) -> Result<i64> {
    store::outbox::queue(
        c,
        &store::outbox::NewCustomerMessage {
            customer_id: order.customer_id,
            order_id: order.id,
            order_number: &order.number,
            event: NotifyEvent::Cancelled.code(),
            language: notice.language.code(),
            recipient: notice.to.as_deref(),
            subject: &notice.subject,
            body: &notice.body,
            sheet: &serde_json::to_string(&notice.sheet)?,
            content_hash: &notice.hash(),
            pdf: &notice.pdf,
            pdf_hash: &notice.pdf_hash,
            message_id: &crate::notice::message_id(),
            requested_by: order.cancel_requested_by,
            department_id: order.department_id,
            at,
        },
    )
}

struct Pending {
    order_id: OrderId,
    number: String,
    reason: Option<String>,
    note: Option<String>,
}

/// Staff notifications gathered during one transaction and written at its
/// end, so that a bulk run tells each person once per batch ("42 orders were
/// archived") rather than once per order.
#[derive(Default)]
pub struct Batch {
    items: BTreeMap<(UserId, NotifyEvent), Vec<Pending>>,
    /// Login and name of each person told.
    logins: BTreeMap<UserId, (String, String)>,
    /// Read once per batch, not once per order.
    rules: Option<settings::NotificationRules>,
}

/// An inbox row written by `Batch::flush`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notified {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub notification_id: i64,
}

impl Batch {
    /// Adds `event` on `order` for everyone the rules name.
    pub fn add(
        &mut self,
        c: &Connection,
        event: NotifyEvent,
        order: &Order,
        actor: &Session,
        reason: Option<&str>,
        note: Option<&str>,
    ) -> Result<()> {
        if self.rules.is_none() {
            self.rules = Some(settings::notification_rules_in(c)?);
        }
        let rules = self
            .rules
            .as_ref()
            .ok_or_else(|| crate::Error::internal("rules"))?;
        for r in recipients_by(c, rules, event, order, actor)? {
            if let (Some(user), Some(login)) = (r.user_id, r.login) {
                self.logins.insert(user, (login, r.display_name));
                self.items.entry((user, event)).or_default().push(Pending {
                    order_id: order.id,
                    number: order.number.clone(),
                    reason: reason.map(str::to_string),
                    note: note.map(str::to_string),
                });
            }
        }
        Ok(())
    }

    /// Writes the inbox rows; returns them.
    pub fn flush(self, c: &Connection, actor: &Session, at: &str) -> Result<Vec<Notified>> {
        let mut written = Vec::new();
        for ((user, event), pending) in self.items {
            let first = &pending[0];
            let single = pending.len() == 1;
            let id = store::inbox::insert(
                c,
                user,
                &store::inbox::NewNotification {
                    event: event.code(),
                    order_id: Some(first.order_id),
                    order_number: Some(&first.number),
                    order_count: pending.len() as i64,
                    actor_login: Some(&actor.login),
                    reason_code: if single {
                        first.reason.as_deref()
                    } else {
                        None
                    },
                    note: if single { first.note.as_deref() } else { None },
                    at,
                },
            )?;
            let (login, display_name) = self.logins.get(&user).cloned().unwrap_or_default();
            written.push(Notified {
                user_id: user,
                login,
                display_name,
                notification_id: id,
            });
        }
        Ok(written)
    }
}

/// Title and body of an inbox item in a language.
pub fn render(n: &Notification, lang: Lang) -> (String, String) {
    let zh = lang == Lang::ZhCn;
    let number = n.order_number.clone().unwrap_or_default();
    // The person's name, as people call each other; the login when the
    // user is gone.
    let actor = n
        .actor_name
        .clone()
        .or_else(|| n.actor_login.clone())
        .unwrap_or_default();
    let title = match n.event.as_str() {
        "cancel_requested" => lang.pick("取消申请待审批", "Cancellation awaits approval"),
        "cancel_approved" => lang.pick("取消申请已批准", "Cancellation approved"),
        "cancel_rejected" => lang.pick("取消申请被驳回", "Cancellation rejected"),
        "cancelled" => lang.pick("订单已取消", "Order cancelled"),
        "archived" => lang.pick("订单已归档", "Order archived"),
        "reassigned" => lang.pick("订单已转交", "Order reassigned"),
        "status_changed" => lang.pick("订单状态已更新", "Order status changed"),
        "notice_failed" => lang.pick("客户通知未能送达", "Customer notice not delivered"),
        _ => lang.pick("订单通知", "Order notice"),
    }
    .to_string();
    let what = if n.order_count > 1 {
        if zh {
            format!("{number} 等 {} 个订单", n.order_count)
        } else {
            format!("{} orders ({number} and others)", n.order_count)
        }
    } else {
        number
    };
    if n.event == "notice_failed" {
        // The note names the customer and the mail server's answer.
        let note = n.note.clone().unwrap_or_default();
        let body = if zh {
            format!(
                "{what} 的取消通知未能送达 {note}。请核对客户邮箱后在“客户通知”中重新发送，或打印寄出。"
            )
        } else {
            format!(
                "The cancellation notice of {what} did not reach {note}. Check the customer's address and send it again from Customer notices, or print it and post it."
            )
        };
        return (title, body);
    }
    let mut body = if zh {
        format!("{what} — 操作人 {actor}")
    } else {
        format!("{what} — by {actor}")
    };
    if let Some(note) = n.note.as_deref().filter(|t| !t.is_empty()) {
        body.push_str(if zh { "：" } else { ": " });
        body.push_str(note);
    }
    (title, body)
}
