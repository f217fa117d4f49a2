//! Finding orders (DESIGN.md section 5): one text box that understands an
//! order number (exact, prefix, or the bare sequence digits) or a customer
//! name (Chinese or Latin substring, pinyin initials), plus filters, in the
//! active orders or the archive. Results come in keyset pages with a count
//! capped at `COUNT_CAP`.
//!
//! Names resolve to customer ids first (customers are far fewer than orders);
//! the order indexes do the rest. Rights narrow the scope here, in the core.

use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, can_read, require_manager};
use crate::domain::{DepartmentId, Status};
use crate::error::{Error, Msg, Result};
use crate::store::{self, Store, search::Plan};

pub use crate::store::search::{Row, Sort};

/// Counts stop here; the UI shows "10,000+".
pub const COUNT_CAP: i64 = 10_000;
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;
/// Above this many matching orders, a name search walks the sort index
/// (the matches are dense) instead of fetching and sorting every order of
/// every matching customer.
const WALK_ABOVE: i64 = 2_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub statuses: Vec<Status>,
    /// Order date range, inclusive, YYYY-MM-DD.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Handler's login.
    pub handler: Option<String>,
    /// Only orders waiting in a department queue.
    pub unassigned: bool,
    pub department: Option<DepartmentId>,
    pub min_total_minor: Option<i64>,
    pub max_total_minor: Option<i64>,
    /// Search the archive instead of the active orders.
    pub archived: bool,
    /// Archive only: closed as completed or cancelled.
    pub closed_as: Option<Status>,
    /// Archive only: closing date range, inclusive.
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    /// Cancellation reason code.
    pub reason: Option<String>,
    pub sort: Sort,
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchPage {
    pub total: i64,
    /// True when there are more than `total` rows.
    pub total_capped: bool,
    pub rows: Vec<Row>,
    pub next_cursor: Option<String>,
}

impl SearchPage {
    fn empty() -> SearchPage {
        SearchPage {
            total: 0,
            total_capped: false,
            rows: Vec::new(),
            next_cursor: None,
        }
    }
}

/// Checks a YYYY-MM-DD date.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(Msg::BadDate {
            value: text.to_string(),
        })
    })
}

fn date(text: &Option<String>) -> Result<Option<String>> {
    text.as_deref()
        .map(|t| parse_date(t).map(|d| d.to_string()))
        .transpose()
}

fn encode_cursor(sort: Sort, row: &Row) -> String {
    let value = match &row.sort_value {
        Value::Integer(i) => format!("i{i}"),
        Value::Text(t) => format!("t{t}"),
        _ => String::new(),
    };
    format!("{}|{}|{value}", sort.code(), row.id.0)
}

fn decode_cursor(sort: Sort, cursor: &str) -> Result<(Value, i64)> {
    let bad = || Error::invalid(Msg::BadCursor);
    let mut parts = cursor.splitn(3, '|');
    let (Some(code), Some(id), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if code != sort.code() {
        return Err(bad());
    }
    let id: i64 = id.parse().map_err(|_| bad())?;
    let value = if let Some(i) = value.strip_prefix('i') {
        Value::Integer(i.parse().map_err(|_| bad())?)
    } else if let Some(t) = value.strip_prefix('t') {
        Value::Text(t.to_string())
    } else {
        return Err(bad());
    };
    Ok((value, id))
}

/// An order number written in full: SO-2026-000123.
fn is_full_number(text: &str) -> bool {
    let mut parts = text.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("SO"), Some(y), Some(n), None)
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
                && n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit())
    )
}

/// Text that may be (the start of) an imported order number: a digit, and
/// nothing but letters, digits and `-_./`. Such text is looked up as a number
/// first; a name search follows when no number matches.
fn looks_like_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

/// Runs a search as `s` sees the orders.
pub fn search(store: &Store, s: &Session, q: &SearchQuery) -> Result<SearchPage> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(Msg::BadField {
            field: "limit".into(),
            value: limit.to_string(),
        }));
    }
    if q.archived {
        require_manager(s)?;
    }
    let mut plan = Plan {
        archived: q.archived,
        statuses: q.statuses.clone(),
        date_from: date(&q.date_from)?,
        date_to: date(&q.date_to)?,
        closed_from: date(&q.closed_from)?,
        closed_to: date(&q.closed_to)?,
        closed_as: q.closed_as,
        unassigned: q.unassigned,
        department: q.department,
        min_total: q.min_total_minor,
        max_total: q.max_total_minor,
        reason: q.reason.clone().filter(|r| !r.trim().is_empty()),
        sort: q.sort,
        after: q
            .after
            .as_deref()
            .map(|c| decode_cursor(q.sort, c))
            .transpose()?,
        ..Plan::default()
    };
    // NUL and other control characters are never part of a number or a
    // name: a person's mistake, said as such (not a storage error).
    if let Some(t) = q.text.as_deref()
        && t.chars().any(char::is_control)
    {
        return Err(Error::invalid(Msg::BadField {
            field: "search".into(),
            value: t.chars().filter(|c| !c.is_control()).collect(),
        }));
    }
    if q.text.as_deref().is_some_and(|t| t.chars().count() > 200) {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "search".into(),
            max: 200,
        }));
    }
    store.read(|c| {
        if let Some(login) = q.handler.as_deref().filter(|l| !l.trim().is_empty()) {
            let user = store::users::by_login(c, login.trim())?.ok_or_else(|| {
                Error::not_found(Msg::UserNotFound {
                    login: login.into(),
                })
            })?;
            plan.handler = Some(user.id);
        }
        let mut exact = false;
        let text = q.text.as_deref().map(str::trim).unwrap_or("");
        if !text.is_empty() {
            let upper = text.to_uppercase();
            if is_full_number(&upper) {
                plan.numbers = Some(vec![upper]);
                exact = true;
            } else if upper.starts_with("SO-") || upper == "SO" {
                plan.number_prefix = Some(upper);
            } else if text.len() <= 7 && text.bytes().all(|b| b.is_ascii_digit()) {
                let seq: u64 = text.parse().unwrap_or(0);
                let years = store::search::number_years(c)?;
                let mut numbers: Vec<String> =
                    years.iter().map(|y| format!("SO-{y}-{seq:06}")).collect();
                // An imported number may be these digits alone.
                numbers.push(text.to_string());
                plan.numbers = Some(numbers);
                exact = true;
            } else if let Some(number) = looks_like_number(text)
                .then(|| store::search::number_as_stored(c, text, q.archived))
                .transpose()?
                .flatten()
            {
                // An imported order's own number, typed in full.
                plan.numbers = Some(vec![number]);
                exact = true;
            } else if let Some(prefix) = looks_like_number(text)
                .then(|| store::search::number_prefix_as_stored(c, text, q.archived))
                .transpose()?
                .flatten()
            {
                plan.number_prefix = Some(prefix);
            } else {
                let ids = store::customers::ids_matching(c, text)?;
                if ids.is_empty() {
                    return Ok(SearchPage::empty());
                }
                plan.customer_ids = Some(ids.into_iter().map(|i| i.0).collect());
            }
        }
        // Scope: admins see everything; others their department. A number
        // typed in full also finds an order they handle or watch elsewhere.
        if !s.is_admin() && !exact {
            match plan.department {
                Some(d) if d != s.department_id => return Ok(SearchPage::empty()),
                _ => plan.department = Some(s.department_id),
            }
        }
        // Count first, through the customer index; the count then picks the
        // cheaper way to the first page.
        let mut total = store::search::count(c, &plan, COUNT_CAP)?;
        plan.customers_many = plan.customer_ids.is_some() && total > WALK_ABOVE;
        // Within a department the number index sorts by date by itself.
        plan.number_many =
            plan.number_prefix.is_some() && plan.department.is_none() && total > WALK_ABOVE;
        let mut rows = store::search::page(c, &plan, limit)?;
        if exact && !s.is_admin() {
            let before = rows.len();
            let mut visible = Vec::with_capacity(rows.len());
            for row in rows {
                let order = crate::lifecycle::load_id(c, row.id)?;
                if can_read(c, s, &order).is_ok() {
                    visible.push(row);
                }
            }
            total -= (before - visible.len()) as i64;
            rows = visible;
        }
        let next_cursor = if rows.len() as i64 == limit {
            rows.last().map(|r| encode_cursor(q.sort, r))
        } else {
            None
        };
        Ok(SearchPage {
            total: total.min(COUNT_CAP),
            total_capped: total > COUNT_CAP,
            rows,
            next_cursor,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_numbers_are_recognised() {
        assert!(is_full_number("SO-2026-000123"));
        assert!(is_full_number("SO-2026-1000000"));
        assert!(!is_full_number("SO-2026-12"));
        assert!(!is_full_number("SO-26-000123"));
        assert!(!is_full_number("张三"));
    }

    #[test]
    fn cursor_round_trips_and_rejects_junk() {
        let (v, id) = decode_cursor(Sort::DateDesc, "date_desc|42|t2026-01-02").expect("cursor");
        assert_eq!(v, Value::Text("2026-01-02".into()));
        assert_eq!(id, 42);
        assert!(decode_cursor(Sort::DateDesc, "total_desc|42|i5").is_err());
        assert!(decode_cursor(Sort::DateDesc, "garbage").is_err());
        assert!(decode_cursor(Sort::TotalDesc, "total_desc|x|i5").is_err());
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2026-06-30").is_ok());
        assert!(parse_date("30/06/2026").is_err());
        assert!(parse_date("2026-02-30").is_err());
    }
}
