//! The product's nouns: ids, money, statuses, roles and languages.
//!
//! Plain values with no storage and no rules; the lifecycle rules live in the
//! use-case modules (`cancel`, `archive`, `reassign`, …).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// Row id of an order, stable when the order moves to the archive tables.
    OrderId,
    /// Row id of a user.
    UserId,
    /// Row id of a department.
    DepartmentId,
    /// Row id of a customer.
    CustomerId,
    /// Row id of a product.
    ProductId,
);

/// The language a person reads: messages, notifications and customer notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks zh or en text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }

    /// The language this system speaks to its user: on Unix `LC_ALL`,
    /// `LC_MESSAGES` or `LANG`; on Windows the user's display language; on
    /// macOS the first preferred language. English when it is neither
    /// Chinese nor English.
    pub fn system() -> Lang {
        Lang::from_locale(sys_locale::get_locale().as_deref())
    }

    /// The language of a locale name (`zh_CN.UTF-8`, `zh-Hans-CN`, `en-US`);
    /// English for none or another language.
    pub fn from_locale(locale: Option<&str>) -> Lang {
        locale.and_then(|l| l.parse().ok()).unwrap_or(Lang::En)
    }
}

impl FromStr for Lang {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("zh") {
            Ok(Lang::ZhCn)
        } else if lower.starts_with("en") {
            Ok(Lang::En)
        } else {
            Err(())
        }
    }
}

/// Money in integer minor units (fen, cents); never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub fn minor(self) -> i64 {
        self.0
    }

    /// "12,345.60" — grouping and two decimals, as both languages write it.
    pub fn format(self, currency: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::with_capacity(units.len() + units.len() / 3);
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{currency} {grouped}.{:02}", abs % 100)
    }

    /// Parses "50000", "50000.5" or "50,000.00" into minor units.
    pub fn parse(text: &str) -> Option<Money> {
        let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || frac.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = format!("{frac:0<2}").parse().ok()?;
        let minor = whole.checked_mul(100)?.checked_add(frac)?;
        Some(Money(if negative { -minor } else { minor }))
    }
}

/// Where an order is in its life. The code is what SQL and JSON carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Confirmed,
    Invoiced,
    Shipped,
    Completed,
    CancelPending,
    Cancelled,
    Archived,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Confirmed,
        Status::Invoiced,
        Status::Shipped,
        Status::Completed,
        Status::CancelPending,
        Status::Cancelled,
        Status::Archived,
    ];

    /// Statuses whose orders are still being worked on (reassign is allowed).
    pub const WORKING: [Status; 4] = [
        Status::Draft,
        Status::Confirmed,
        Status::Invoiced,
        Status::Shipped,
    ];

    /// Statuses that count toward a handler's open workload.
    pub const OPEN: [Status; 5] = [
        Status::Draft,
        Status::Confirmed,
        Status::Invoiced,
        Status::Shipped,
        Status::CancelPending,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Confirmed => "confirmed",
            Status::Invoiced => "invoiced",
            Status::Shipped => "shipped",
            Status::Completed => "completed",
            Status::CancelPending => "cancel_pending",
            Status::Cancelled => "cancelled",
            Status::Archived => "archived",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Status::Draft => ("草稿", "Draft"),
            Status::Confirmed => ("已确认", "Confirmed"),
            Status::Invoiced => ("已开票", "Invoiced"),
            Status::Shipped => ("已发货", "Shipped"),
            Status::Completed => ("已完成", "Completed"),
            Status::CancelPending => ("取消待审批", "Cancellation pending approval"),
            Status::Cancelled => ("已取消", "Cancelled"),
            Status::Archived => ("已归档", "Archived"),
        };
        lang.pick(zh, en)
    }

    /// An order in this status holds a stock reservation for its lines.
    /// A frozen `cancel_pending` order keeps what it held before the request.
    pub fn holds_reservation(self, before_cancel: Option<Status>) -> bool {
        match self {
            Status::Confirmed | Status::Invoiced => true,
            Status::CancelPending => before_cancel.is_some_and(|s| s.holds_reservation(None)),
            _ => false,
        }
    }

    /// Final: nothing but archive and copy may follow.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Completed | Status::Cancelled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Status {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Status::ALL
            .into_iter()
            .find(|status| status.code() == s)
            .ok_or(())
    }
}

/// What a user may do; see DESIGN.md section 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Manager,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Role::Clerk => ("文员", "Clerk"),
            Role::Manager => ("主管", "Manager"),
            Role::Admin => ("管理员", "Administrator"),
        };
        lang.pick(zh, en)
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "clerk" => Ok(Role::Clerk),
            "manager" => Ok(Role::Manager),
            "admin" => Ok(Role::Admin),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats_with_grouping_and_sign() {
        assert_eq!(Money(5_000_000).format("CNY"), "CNY 50,000.00");
        assert_eq!(Money(-123).format("CNY"), "-CNY 1.23");
        assert_eq!(Money(99).format("USD"), "USD 0.99");
    }

    #[test]
    fn money_parses_plain_and_grouped_amounts() {
        assert_eq!(Money::parse("50000"), Some(Money(5_000_000)));
        assert_eq!(Money::parse("50,000.5"), Some(Money(5_000_050)));
        assert_eq!(Money::parse("1.234"), None);
        assert_eq!(Money::parse("abc"), None);
        assert_eq!(Money::parse(""), None);
    }

    #[test]
    fn status_codes_round_trip() {
        for status in Status::ALL {
            assert_eq!(status.code().parse::<Status>(), Ok(status));
        }
        assert!("returned".parse::<Status>().is_err());
    }

    #[test]
    fn pending_order_holds_what_it_held_before() {
        assert!(Status::CancelPending.holds_reservation(Some(Status::Invoiced)));
        assert!(!Status::CancelPending.holds_reservation(Some(Status::Draft)));
        assert!(!Status::Shipped.holds_reservation(None));
    }
}
