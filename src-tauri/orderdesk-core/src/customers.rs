//! Customers as a site keeps them: created, edited and deactivated by
//! managers and administrators, read by everyone, found as order search finds
//! them. A customer an order names is never deleted, only deactivated. Every
//! change is in the settings log with what it was before and after.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, require_manager};
use crate::domain::{CustomerId, Lang};
use crate::error::{Error, Msg, Result};
use crate::names;
use crate::store::{self, Store, customers::CustomerRecord};

pub const NAME_MAX: usize = 100;
pub const CODE_MAX: usize = 32;
pub const CONTACT_MAX: usize = 60;
pub const PHONE_MAX: usize = 40;
pub const EMAIL_MAX: usize = 254;
/// Rows a picker or a page of the list asks for at most.
pub const FIND_MAX: i64 = 200;

/// A customer as a person fills in the form (or an import row gives it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CustomerInput {
    /// None: a new customer.
    pub id: Option<CustomerId>,
    /// Empty: numbered from the row id (C000123).
    pub code: String,
    pub name: String,
    /// The customer's own Latin name, if they have one.
    pub name_latin: String,
    pub contact: String,
    pub email: String,
    pub phone: String,
    pub language: Lang,
}

/// The input checked and tidied: what will be stored.
#[derive(Debug, Clone)]
pub(crate) struct Clean {
    pub code: Option<String>,
    pub name: String,
    pub name_latin: String,
    pub initials: String,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Lang,
}

pub(crate) fn text(value: &str, field: &'static str, max: usize) -> Result<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(Error::invalid(Msg::TextTooLong {
            field: field.into(),
            max,
        }));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(Msg::BadField {
            field: field.into(),
            value: value.chars().filter(|c| !c.is_control()).collect(),
        }));
    }
    Ok(Some(value.to_string()))
}

/// A code or SKU: letters, digits and `-_./`, no spaces.
pub(crate) fn key(value: &str, field: &'static str, max: usize) -> Result<Option<String>> {
    let Some(v) = text(value, field, max)? else {
        return Ok(None);
    };
    if !v
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(Error::invalid(Msg::BadField {
            field: field.into(),
            value: v,
        }));
    }
    Ok(Some(v))
}

/// An address a mail server would take: one @, a dotted domain, no spaces.
pub(crate) fn is_email(v: &str) -> bool {
    let v = v.trim();
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(char::is_whitespace)
        // One address, as a mail server takes it: no list, no display name.
        && !v.contains(['<', '>', ',', ';'])
}

pub(crate) fn clean(input: &CustomerInput) -> Result<Clean> {
    let name = text(&input.name, "name", NAME_MAX)?.ok_or_else(|| {
        Error::invalid(Msg::FieldRequired {
            field: "name".into(),
        })
    })?;
    let email = text(&input.email, "email", EMAIL_MAX)?;
    if let Some(e) = &email
        && !is_email(e)
    {
        return Err(Error::invalid(Msg::BadField {
            field: "email".into(),
            value: e.clone(),
        }));
    }
    let phone = text(&input.phone, "phone", PHONE_MAX)?;
    if let Some(p) = &phone
        && !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()#".contains(c))
    {
        return Err(Error::invalid(Msg::BadField {
            field: "phone".into(),
            value: p.clone(),
        }));
    }
    // A Latin name is what the customer writes themselves; a pinyin run of
    // a long company name helps nobody read it (initials find it instead).
    let latin = text(&input.name_latin, "name", NAME_MAX)?.unwrap_or_default();
    Ok(Clean {
        code: key(&input.code, "code", CODE_MAX)?,
        initials: names::initials(&name),
        name,
        name_latin: latin,
        contact: text(&input.contact, "contact", CONTACT_MAX)?,
        email,
        phone,
        language: input.language,
    })
}

fn code_taken(c: &Connection, code: &str, except: Option<CustomerId>) -> Result<()> {
    match store::customers::by_code(c, code)? {
        Some(other) if Some(other.id) != except => Err(Error::invalid(Msg::AlreadyExists {
            value: code.to_string(),
        })),
        _ => Ok(()),
    }
}

fn audit(
    c: &Connection,
    s: &Session,
    at: &str,
    kind: &str,
    subject: &str,
    before: Option<&CustomerRecord>,
    after: Option<&CustomerRecord>,
) -> Result<()> {
    let detail = serde_json::json!({ "before": before, "after": after }).to_string();
    store::settings::record_event(c, at, (s.user_id.0, &s.login), kind, subject, Some(&detail))
}

/// Adds a checked customer inside the caller's transaction (the form, or
/// one row of an import).
pub(crate) fn create_in(
    c: &Connection,
    s: &Session,
    v: &Clean,
    at: &str,
) -> Result<CustomerRecord> {
    if let Some(code) = &v.code {
        code_taken(c, code, None)?;
    }
    let id = store::customers::insert(
        c,
        &store::customers::NewCustomer {
            code: v.code.as_deref(),
            name: &v.name,
            name_latin: &v.name_latin,
            initials: &v.initials,
            contact: v.contact.as_deref(),
            email: v.email.as_deref(),
            phone: v.phone.as_deref(),
            language: v.language,
        },
    )?;
    let record = load(c, id)?;
    audit(
        c,
        s,
        at,
        "customer_created",
        &record.code,
        None,
        Some(&record),
    )?;
    Ok(record)
}

fn load(c: &Connection, id: CustomerId) -> Result<CustomerRecord> {
    store::customers::record(c, id)?.ok_or_else(|| {
        Error::not_found(Msg::CustomerNotFound {
            code: format!("#{id}"),
        })
    })
}

/// Customers whose code starts with, or whose name holds, `text` (pinyin
/// initials too); every logged-in person may look.
pub fn find(
    store: &Store,
    _s: &Session,
    text: &str,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<CustomerRecord>> {
    if text.chars().count() > 200 {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "search".into(),
            max: 200,
        }));
    }
    let limit = limit.clamp(1, FIND_MAX);
    store.read(|c| store::customers::find(c, text, include_inactive, limit))
}

pub fn get(store: &Store, _s: &Session, id: CustomerId) -> Result<CustomerRecord> {
    store.read(|c| load(c, id))
}

/// Creates a customer (no id) or changes one; managers and administrators.
pub fn save(store: &Store, s: &Session, input: &CustomerInput) -> Result<CustomerRecord> {
    require_manager(s)?;
    let v = clean(input)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let Some(id) = input.id else {
            return create_in(tx, s, &v, &at);
        };
        let before = load(tx, id)?;
        let code = v.code.clone().unwrap_or_else(|| before.code.clone());
        code_taken(tx, &code, Some(id))?;
        let after = CustomerRecord {
            id,
            code,
            name: v.name.clone(),
            name_latin: v.name_latin.clone(),
            initials: v.initials.clone(),
            contact: v.contact.clone(),
            email: v.email.clone(),
            phone: v.phone.clone(),
            language: v.language,
            active: before.active,
        };
        if after == before {
            return Ok(before);
        }
        store::customers::update(tx, &after)?;
        audit(
            tx,
            s,
            &at,
            "customer_changed",
            &after.code,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// Deactivates (no new orders for them; their orders stay as they are) or
/// activates a customer again.
pub fn set_active(
    store: &Store,
    s: &Session,
    id: CustomerId,
    active: bool,
) -> Result<CustomerRecord> {
    require_manager(s)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let before = load(tx, id)?;
        if before.active == active {
            return Ok(before);
        }
        store::customers::set_active(tx, id, active)?;
        let after = load(tx, id)?;
        let kind = if active {
            "customer_activated"
        } else {
            "customer_deactivated"
        };
        audit(tx, s, &at, kind, &after.code, Some(&before), Some(&after))?;
        Ok(after)
    })
}

/// Deletes a customer entered by mistake: refused once any order or notice
/// names them.
pub fn delete(store: &Store, s: &Session, id: CustomerId) -> Result<()> {
    require_manager(s)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let before = load(tx, id)?;
        if store::customers::is_used(tx, id)? {
            return Err(Error::rule(Msg::CustomerInUse { code: before.code }));
        }
        store::customers::delete(tx, id)?;
        audit(
            tx,
            s,
            &at,
            "customer_deleted",
            &before.code,
            Some(&before),
            None,
        )
    })
}

/// Who changed a customer, when, and from what to what; newest first.
pub fn history(
    store: &Store,
    s: &Session,
    id: CustomerId,
) -> Result<Vec<store::settings::SettingsEvent>> {
    require_manager(s)?;
    store.read(|c| {
        let record = load(c, id)?;
        store::settings::events_about(c, "customer_", &record.code, 100)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_computes_initials() {
        let v = clean(&CustomerInput {
            name: " 张三 ".into(),
            ..Default::default()
        })
        .expect("clean");
        assert_eq!(v.name, "张三");
        assert_eq!(v.initials, "zs");
        assert_eq!(v.name_latin, "");
        assert_eq!(v.code, None);
    }

    #[test]
    fn clean_refuses_bad_fields() {
        let bad = |f: fn(&mut CustomerInput)| {
            let mut i = CustomerInput {
                name: "Acme".into(),
                ..Default::default()
            };
            f(&mut i);
            clean(&i).expect_err("refused").is_invalid_input()
        };
        assert!(bad(|i| i.name = "  ".into()));
        assert!(bad(|i| i.email = "not-an-address".into()));
        assert!(bad(|i| i.email = "a@b".into()));
        assert!(bad(|i| i.phone = "call me".into()));
        assert!(bad(|i| i.code = "C 1".into()));
        assert!(bad(|i| i.name = "x".repeat(NAME_MAX + 1)));
        assert!(bad(|i| i.contact = "a\u{0}b".into()));
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(is_email("li@example.cn"));
        assert!(!is_email("li@@example.cn"));
        assert!(!is_email("li @example.cn"));
        assert!(!is_email("@example.cn"));
        assert!(!is_email("li@example."));
        assert!(!is_email("li@example.cn; wang@example.cn"));
        assert!(!is_email("Li <li@example.cn>"));
    }
}
