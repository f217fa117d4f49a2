//! The printed cancellation notice, as data: everything the sheet shows,
//! frozen when the notice is queued (and shown as it is in the cancel
//! wizard's preview), so that what is printed or sent later never reads a
//! template, a letterhead or an order that changed since. `orderdesk-print`
//! turns it into a PDF.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::domain::{Lang, Money, UserId};
use crate::error::Result;
use crate::settings;
use crate::store::{self, customers::Customer, orders::Order};

pub use orderdesk_print::{NoticeSheet, SheetLanguage, SheetLine, cancellation_pdf};

impl From<Lang> for SheetLanguage {
    fn from(l: Lang) -> Self {
        match l {
            Lang::ZhCn => SheetLanguage::ZhCn,
            Lang::En => SheetLanguage::En,
        }
    }
}

/// The sheet of `order`'s cancellation for `customer`, in their language.
/// `operator` did it (or is about to), on `today` (local date).
pub fn sheet(
    c: &Connection,
    order: &Order,
    customer: &Customer,
    reason: &str,
    message: Option<&str>,
    operator: UserId,
    today: &str,
) -> Result<NoticeSheet> {
    let lang = customer.language;
    let company = settings::company_in(c)?;
    let operator_id = order.cancel_requested_by.unwrap_or(operator);
    let operator = store::users::by_id(c, operator_id)?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let money = |minor: i64| Money(minor).format(&order.currency);
    let lines = store::orders::lines(c, order)?
        .into_iter()
        .map(|l| SheetLine {
            product: lang.pick(&l.product_zh, &l.product_en).to_string(),
            amount: money(l.quantity.saturating_mul(l.unit_price_minor)),
            unit_price: money(l.unit_price_minor),
            quantity: l.quantity,
            sku: l.sku,
        })
        .collect();
    Ok(NoticeSheet {
        language: lang.into(),
        company_name: company.name(lang).to_string(),
        company_address: company.address(lang).to_string(),
        company_phone: company.phone.clone(),
        customer: customer.name.clone(),
        number: order.number.clone(),
        order_date: order.order_date.clone(),
        lines,
        total: money(order.total_minor),
        reason: reason.to_string(),
        message: message
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(String::from),
        cancelled_on: today.to_string(),
        operator,
    })
}

/// The hash of what a notice says (subject, body, sheet, PDF): recorded in the
/// order's audit event, and checked again before it is sent.
pub fn content_hash(subject: &str, body: &str, sheet: &NoticeSheet, pdf_hash: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        subject,
        body,
        &serde_json::to_string(sheet).unwrap_or_default(),
        pdf_hash,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The local day of a stored UTC stamp (`at`), as the sheet shows it.
pub fn day_of(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| local_day(t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| at.chars().take(10).collect())
}

/// Today, on this PC's calendar, by the store's clock.
pub fn today(store: &crate::Store) -> String {
    local_day(store.now())
}

/// The first instant of `day` (YYYY-MM-DD) on this PC's calendar, as a
/// stored UTC stamp; `days_after` moves it on (1: the day's end, exclusive).
/// None when `day` is not a date.
pub fn day_start(day: &str, days_after: u64) -> Option<String> {
    use chrono::TimeZone;
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?
        + chrono::Days::new(days_after);
    let local = chrono::Local
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()?;
    Some(crate::store::stamp(local.with_timezone(&chrono::Utc)))
}

fn local_day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d")
        .to_string()
}

/// A new Message-ID, kept with the notice: a retry after a crash sends the
/// same one, so that the receiving side sees one message.
pub fn message_id() -> String {
    format!("<{}@orderdesk.notice>", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_on_this_pcs_calendar_runs_from_its_first_instant_to_the_next_days() {
        let start = day_start("2026-12-05", 0).expect("a date");
        let end = day_start("2026-12-05", 1).expect("a date");
        // Whatever this PC's time zone, the day's first instant is on it,
        // and the instant before the next day's is still on it.
        assert_eq!(day_of(&start), "2026-12-05");
        let last = chrono::DateTime::parse_from_rfc3339(&end).expect("stamp")
            - chrono::Duration::milliseconds(1);
        assert_eq!(day_of(&last.to_rfc3339()), "2026-12-05");
        assert_eq!(day_of(&end), "2026-12-06");
        assert_eq!(day_start("5.12.2026", 0), None);
    }
}
