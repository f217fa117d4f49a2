//! The administrator's rules: approval rules for cancellation, who is notified
//! of what, the customer notice templates, and the reason list. Reading is
//! open to every session; changing is for administrators.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::auth::{Session, require_admin};
use crate::domain::{Lang, Role};
use crate::error::{Error, Msg, Result};
use crate::store::{self, Store, settings::Reason};

/// When a cancellation needs a manager's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApprovalRules {
    /// Orders of this total (minor units) or more need approval; None: no limit.
    pub threshold_minor: Option<i64>,
    /// Cancelling an invoiced order needs approval.
    pub invoiced_needs_approval: bool,
    /// Roles that may cancel without approval whatever the order.
    pub roles_without_approval: Vec<Role>,
}

impl Default for ApprovalRules {
    fn default() -> Self {
        ApprovalRules {
            threshold_minor: Some(5_000_000),
            invoiced_needs_approval: true,
            roles_without_approval: vec![Role::Manager, Role::Admin],
        }
    }
}

/// How sessions end by themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionRules {
    /// Minutes without any action after which the window locks and asks for
    /// the password again (the server refuses the session's token too).
    pub idle_lock_minutes: i64,
}

impl Default for SessionRules {
    fn default() -> Self {
        SessionRules {
            idle_lock_minutes: 15,
        }
    }
}

/// The range an administrator may set the idle lock to.
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<i64> = 1..=480;

/// Events that notify people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    CancelRequested,
    CancelApproved,
    CancelRejected,
    Cancelled,
    Archived,
    Reassigned,
    StatusChanged,
}

impl NotifyEvent {
    pub const ALL: [NotifyEvent; 7] = [
        NotifyEvent::CancelRequested,
        NotifyEvent::CancelApproved,
        NotifyEvent::CancelRejected,
        NotifyEvent::Cancelled,
        NotifyEvent::Archived,
        NotifyEvent::Reassigned,
        NotifyEvent::StatusChanged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotifyEvent::CancelRequested => "cancel_requested",
            NotifyEvent::CancelApproved => "cancel_approved",
            NotifyEvent::CancelRejected => "cancel_rejected",
            NotifyEvent::Cancelled => "cancelled",
            NotifyEvent::Archived => "archived",
            NotifyEvent::Reassigned => "reassigned",
            NotifyEvent::StatusChanged => "status_changed",
        }
    }
}

/// Kinds of recipient an administrator can tick for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// The order's handler (for a department queue: the department's members).
    Handler,
    /// Previous handlers, who watch the order.
    Watchers,
    SalesRep,
    DepartmentManagers,
    /// The customer, through the outbox.
    Customer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventRecipients {
    pub kinds: Vec<RecipientKind>,
    /// Specific users, by login.
    pub users: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotificationRules(pub BTreeMap<NotifyEvent, EventRecipients>);

impl Default for NotificationRules {
    fn default() -> Self {
        use RecipientKind::*;
        let rule = |kinds: &[RecipientKind]| EventRecipients {
            kinds: kinds.to_vec(),
            users: Vec::new(),
        };
        NotificationRules(BTreeMap::from([
            (
                NotifyEvent::CancelRequested,
                rule(&[DepartmentManagers, Handler]),
            ),
            (
                NotifyEvent::CancelApproved,
                rule(&[Handler, SalesRep, Watchers]),
            ),
            (NotifyEvent::CancelRejected, rule(&[Handler, SalesRep])),
            (
                NotifyEvent::Cancelled,
                rule(&[Handler, SalesRep, DepartmentManagers, Customer]),
            ),
            (NotifyEvent::Archived, rule(&[Handler])),
            (NotifyEvent::Reassigned, rule(&[Handler, Watchers])),
            (NotifyEvent::StatusChanged, rule(&[Handler, Watchers])),
        ]))
    }
}

impl NotificationRules {
    pub fn for_event(&self, event: NotifyEvent) -> EventRecipients {
        self.0.get(&event).cloned().unwrap_or_default()
    }
}

/// One language's customer notice. Placeholders: {customer} {number} {date}
/// {reason} {note}.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerTemplates {
    pub zh: Template,
    pub en: Template,
}

impl Default for CustomerTemplates {
    fn default() -> Self {
        CustomerTemplates {
            zh: Template {
                subject: "订单 {number} 已取消".into(),
                body: "尊敬的{customer}：\n\n您于 {date} 下的订单 {number} 已取消。\n取消原因：{reason}。{note}\n\n如有疑问，请联系您的销售代表。".into(),
            },
            en: Template {
                subject: "Your order {number} has been cancelled".into(),
                body: "Dear {customer},\n\nyour order {number} of {date} has been cancelled.\nReason: {reason}. {note}\n\nIf you have any question, please contact your sales representative.".into(),
            },
        }
    }
}

impl CustomerTemplates {
    pub fn for_lang(&self, lang: Lang) -> &Template {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

const APPROVAL: &str = "approval_rules";
const NOTIFICATION: &str = "notification_rules";
const TEMPLATES: &str = "customer_templates";
const SESSION: &str = "session_rules";
const COMPANY: &str = "company";
const MAIL: &str = "mail";

/// Who sends the customer notices: the printed notice's letterhead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Company {
    pub name_zh: String,
    pub name_en: String,
    pub address_zh: String,
    pub address_en: String,
    pub phone: String,
}

impl Company {
    /// The name in `lang`, or in the other language when that one is empty.
    pub fn name(&self, lang: Lang) -> &str {
        pick_filled(lang, &self.name_zh, &self.name_en)
    }
    pub fn address(&self, lang: Lang) -> &str {
        pick_filled(lang, &self.address_zh, &self.address_en)
    }
}

fn pick_filled<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    let (first, other) = match lang {
        Lang::ZhCn => (zh, en),
        Lang::En => (en, zh),
    };
    if first.trim().is_empty() {
        other
    } else {
        first
    }
}

/// A setting, or its default when it was never set. A row that does not
/// parse is refused, naming the setting: guessing a default could, say,
/// let a cancellation skip its approval.
fn load<T: DeserializeOwned + Default>(c: &Connection, key: &'static str) -> Result<T> {
    match store::settings::get(c, key)? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            Error::with_source(
                crate::error::ErrorKind::Storage,
                Msg::DamagedSetting { key: key.into() },
                e,
            )
        }),
        None => Ok(T::default()),
    }
}

pub(crate) fn approval_rules_in(c: &Connection) -> Result<ApprovalRules> {
    load(c, APPROVAL)
}
pub(crate) fn notification_rules_in(c: &Connection) -> Result<NotificationRules> {
    load(c, NOTIFICATION)
}
pub(crate) fn templates_in(c: &Connection) -> Result<CustomerTemplates> {
    load(c, TEMPLATES)
}

pub(crate) fn session_rules_in(c: &Connection) -> Result<SessionRules> {
    load(c, SESSION)
}

pub(crate) fn company_in(c: &Connection) -> Result<Company> {
    load(c, COMPANY)
}

pub fn company(store: &Store) -> Result<Company> {
    store.read(|c| company_in(c))
}

/// The letterhead of the customer notices (administrators).
pub fn set_company(store: &Store, s: &Session, company: &Company) -> Result<()> {
    require_admin(s)?;
    for (field, value, max) in [
        ("name_zh", &company.name_zh, 120),
        ("name_en", &company.name_en, 120),
        ("address_zh", &company.address_zh, 300),
        ("address_en", &company.address_en, 300),
        ("phone", &company.phone, 60),
    ] {
        crate::customers::text(value, field, max)?;
    }
    let json = serde_json::to_string(company)?;
    store.write(|tx| {
        store::settings::put(tx, COMPANY, &json)?;
        audit(tx, store, s, "company", "", Some(&json))
    })
}

/// How a mail server is reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// TLS from the first byte (port 465).
    #[default]
    Ssl,
    /// Plain, then STARTTLS before anything is said (port 587).
    Starttls,
    /// No encryption: only for a mail server on this PC (a relay, a test).
    None,
}

impl MailSecurity {
    pub fn code(self) -> &'static str {
        match self {
            MailSecurity::Ssl => "ssl",
            MailSecurity::Starttls => "starttls",
            MailSecurity::None => "none",
        }
    }
}

impl std::str::FromStr for MailSecurity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ssl" | "tls" => Ok(MailSecurity::Ssl),
            "starttls" => Ok(MailSecurity::Starttls),
            "none" => Ok(MailSecurity::None),
            _ => Err(Error::invalid(Msg::BadField {
                field: "security".into(),
                value: s.chars().take(40).collect(),
            })),
        }
    }
}

/// The mail server notices go out through. The password is not here: it is
/// kept in the OS keychain (or the office server's protected data folder)
/// and never read back to a window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// The account (often the mailbox address); empty: no login.
    pub user: String,
    pub from_name: String,
    pub from_address: String,
    /// Where answers go; empty: to the sender.
    pub reply_to: String,
}

impl MailSettings {
    /// Whether notices can go out: a server and a sender.
    pub fn configured(&self) -> bool {
        !self.host.trim().is_empty() && !self.from_address.trim().is_empty()
    }
}

/// Whether `host` names this PC (where a plain connection never leaves it).
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(crate) fn mail_in(c: &Connection) -> Result<MailSettings> {
    load(c, MAIL)
}

pub fn mail(store: &Store) -> Result<MailSettings> {
    store.read(|c| mail_in(c))
}

/// The mail settings as an administrator sees them (to show, or to send a
/// test with): theirs alone.
pub fn mail_for(store: &Store, s: &Session) -> Result<MailSettings> {
    require_admin(s)?;
    mail(store)
}

/// Checks mail settings the way `set_mail` does, without keeping them.
pub fn check_mail(m: &MailSettings) -> Result<()> {
    fn bad(field: &'static str, value: &str) -> Result<()> {
        Err(Error::invalid(Msg::BadField {
            field: field.into(),
            value: value.chars().take(80).collect(),
        }))
    }
    let host = m.host.trim();
    if host.is_empty() || host.len() > 253 || host.contains(char::is_whitespace) {
        return bad("host", host);
    }
    if m.port == 0 {
        return bad("port", "0");
    }
    if m.security == MailSecurity::None && !is_loopback(host) {
        return Err(Error::invalid(Msg::MailPlainOnlyLoopback {
            host: host.into(),
        }));
    }
    if !crate::customers::is_email(&m.from_address) {
        return bad("from", &m.from_address);
    }
    if !m.reply_to.trim().is_empty() && !crate::customers::is_email(&m.reply_to) {
        return bad("reply_to", &m.reply_to);
    }
    for (field, value, max) in [("user", &m.user, 254), ("from_name", &m.from_name, 120)] {
        crate::customers::text(value, field, max)?;
    }
    Ok(())
}

/// Keeps the mail settings (administrators); the change is in the settings
/// log (never a password: it is not here).
pub fn set_mail(store: &Store, s: &Session, m: &MailSettings) -> Result<()> {
    require_admin(s)?;
    check_mail(m)?;
    let m = MailSettings {
        host: m.host.trim().to_string(),
        from_address: m.from_address.trim().to_string(),
        reply_to: m.reply_to.trim().to_string(),
        ..m.clone()
    };
    let json = serde_json::to_string(&m)?;
    store.write(|tx| {
        store::settings::put(tx, MAIL, &json)?;
        audit(tx, store, s, "mail", "", Some(&json))
    })
}

pub fn session_rules(store: &Store) -> Result<SessionRules> {
    store.read(|c| session_rules_in(c))
}

pub fn set_session_rules(store: &Store, s: &Session, rules: &SessionRules) -> Result<()> {
    require_admin(s)?;
    if !IDLE_LOCK_MINUTES.contains(&rules.idle_lock_minutes) {
        return Err(Error::invalid(Msg::BadField {
            field: "minutes".into(),
            value: rules.idle_lock_minutes.to_string(),
        }));
    }
    let json = serde_json::to_string(rules)?;
    store.write(|tx| {
        store::settings::put(tx, SESSION, &json)?;
        audit(tx, store, s, "session_rules", "", Some(&json))
    })
}

pub fn approval_rules(store: &Store) -> Result<ApprovalRules> {
    store.read(|c| approval_rules_in(c))
}
pub fn notification_rules(store: &Store) -> Result<NotificationRules> {
    store.read(|c| notification_rules_in(c))
}
pub fn customer_templates(store: &Store) -> Result<CustomerTemplates> {
    store.read(|c| templates_in(c))
}

pub fn set_approval_rules(store: &Store, s: &Session, rules: &ApprovalRules) -> Result<()> {
    require_admin(s)?;
    if rules.threshold_minor.is_some_and(|t| t < 0) {
        return Err(Error::invalid(Msg::BadField {
            field: "amount".into(),
            value: rules.threshold_minor.unwrap_or_default().to_string(),
        }));
    }
    let json = serde_json::to_string(rules)?;
    store.write(|tx| {
        store::settings::put(tx, APPROVAL, &json)?;
        audit(tx, store, s, "approval_rules", "", Some(&json))
    })
}

/// Records an administrator's change in the settings log (same transaction).
pub(crate) fn audit(
    c: &Connection,
    store: &Store,
    s: &Session,
    kind: &str,
    subject: &str,
    detail: Option<&str>,
) -> Result<()> {
    let at = store::stamp(store.now());
    store::settings::record_event(c, &at, (s.user_id.0, &s.login), kind, subject, detail)
}

/// The latest administrator changes, newest first.
pub fn log(store: &Store, s: &Session, limit: i64) -> Result<Vec<store::settings::SettingsEvent>> {
    require_admin(s)?;
    store.read(|c| store::settings::events(c, limit.clamp(1, 1000)))
}

pub fn set_notification_rules(store: &Store, s: &Session, rules: &NotificationRules) -> Result<()> {
    require_admin(s)?;
    let json = serde_json::to_string(rules)?;
    store.write(|tx| {
        for rule in rules.0.values() {
            for login in &rule.users {
                if store::users::by_login(tx, login)?.is_none() {
                    return Err(Error::not_found(Msg::UserNotFound {
                        login: login.clone(),
                    }));
                }
            }
        }
        store::settings::put(tx, NOTIFICATION, &json)?;
        audit(tx, store, s, "notification_rules", "", Some(&json))
    })
}

pub fn set_customer_templates(store: &Store, s: &Session, t: &CustomerTemplates) -> Result<()> {
    require_admin(s)?;
    for template in [&t.zh, &t.en] {
        if template.subject.trim().is_empty() || template.body.trim().is_empty() {
            return Err(Error::invalid(Msg::BadField {
                field: "template".into(),
                value: String::new(),
            }));
        }
    }
    let json = serde_json::to_string(t)?;
    store.write(|tx| {
        store::settings::put(tx, TEMPLATES, &json)?;
        audit(tx, store, s, "customer_templates", "", None)
    })
}

/// Every cancellation reason, retired ones included (they label old orders).
pub fn reasons(store: &Store) -> Result<Vec<Reason>> {
    store.read(|c| store::settings::reasons(c))
}

/// Adds or renames a reason, or retires it (`active = false`). Never deletes.
pub fn save_reason(store: &Store, s: &Session, reason: &Reason) -> Result<()> {
    require_admin(s)?;
    let code = reason.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::invalid(Msg::BadField {
            field: "reason".into(),
            value: reason.code.clone(),
        }));
    }
    if reason.label_zh.trim().is_empty() || reason.label_en.trim().is_empty() {
        return Err(Error::invalid(Msg::BadField {
            field: "name".into(),
            value: String::new(),
        }));
    }
    let detail = serde_json::to_string(reason)?;
    store.write(|tx| {
        store::settings::upsert_reason(tx, reason)?;
        audit(tx, store, s, "reason", &reason.code, Some(&detail))
    })
}

/// A template filled with sample values, as the customer would read it.
pub fn preview_template(t: &Template, lang: Lang) -> Template {
    let (customer, reason, note) = match lang {
        Lang::ZhCn => ("上海华联贸易有限公司", "客户要求", "客户改为下月采购。"),
        Lang::En => (
            "Acme Trading GmbH",
            "Customer request",
            "The customer will order next month.",
        ),
    };
    let fill = |text: &str| {
        crate::notify::fill_template(text, customer, "SO-2026-000123", "2026-11-28", reason, note)
    };
    Template {
        subject: fill(&t.subject),
        body: fill(&t.body),
    }
}
