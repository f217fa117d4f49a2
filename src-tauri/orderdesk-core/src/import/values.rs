//! Values as offices write them in spreadsheets: money (`1234.5`,
//! `1,234.50`, `¥1,234.50`, `RMB 1234`), dates (`2026-03-05`, `2026/3/5`,
//! `2026年3月5日`, `2026.3.5`, Excel serial numbers), quantities (`3`, `3.0`,
//! `1,200`) and statuses (codes, Chinese or English labels).

use chrono::{Duration, NaiveDate};

use crate::domain::{Lang, Money, Status};
use crate::error::{Error, Msg, Result};

/// Money in minor units. Currency signs and grouping commas are dropped;
/// more than two decimals is refused rather than rounded.
pub fn money(text: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(Msg::BadNumber {
            value: text.to_string(),
        })
    };
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥', '$'])
        .trim_start_matches("RMB")
        .trim_start_matches("CNY")
        .trim_start_matches('元')
        .trim_end_matches('元')
        .trim()
        .to_string();
    let value = Money::parse(&cleaned).ok_or_else(bad)?;
    Ok(value.minor())
}

/// A whole quantity: `3`, `3.0`, `1,200`. Fractions are refused.
pub fn quantity(text: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(Msg::BadNumber {
            value: text.to_string(),
        })
    };
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    let whole = match cleaned.split_once('.') {
        Some((w, frac)) if frac.bytes().all(|b| b == b'0') => w.to_string(),
        Some(_) => return Err(bad()),
        None => cleaned,
    };
    whole.parse::<i64>().map_err(|_| bad())
}

/// Excel's day 0 is 1899-12-30 (counting its 1900 leap-year bug).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// A calendar date as YYYY-MM-DD.
pub fn date(text: &str) -> Result<String> {
    let t = text.trim();
    let bad = || {
        Error::invalid(Msg::BadDate {
            value: text.to_string(),
        })
    };
    // An Excel serial day (a date cell read as a number): 1 = 1900-01-01;
    // only plausible order dates (1954–2119) are taken as such.
    if let Ok(serial) = t.parse::<f64>()
        && (20_000.0..80_000.0).contains(&serial)
    {
        let day = excel_epoch() + Duration::days(serial.trunc() as i64);
        return Ok(day.to_string());
    }
    // A time after the date ("2026-03-05 00:00:00") is dropped.
    let date_part = t.split([' ', 'T']).next().unwrap_or(t);
    let normal: String = date_part
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches(['日', '号'])
        .to_string();
    let mut parts = normal.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.trim().parse::<i32>().map_err(|_| bad())?,
        m.trim().parse::<u32>().map_err(|_| bad())?,
        d.trim().parse::<u32>().map_err(|_| bad())?,
    );
    if !(1900..=2200).contains(&y) {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y, m, d)
        .map(|d| d.to_string())
        .ok_or_else(bad)
}

/// A status from its code or its label in either language.
pub fn status(text: &str) -> Result<Status> {
    let t = text.trim();
    let lower = t.to_lowercase().replace([' ', '-'], "_");
    if let Ok(s) = lower.parse::<Status>() {
        return Ok(s);
    }
    Status::ALL
        .into_iter()
        .find(|s| {
            s.label(Lang::ZhCn) == t
                || s.label(Lang::En).eq_ignore_ascii_case(t)
                || s.code().replace('_', " ").eq_ignore_ascii_case(t)
        })
        .ok_or_else(|| {
            Error::invalid(Msg::BadField {
                field: "status".into(),
                value: t.to_string(),
            })
        })
}

/// A customer's language: `zh-CN`, `zh`, `中文`, `en`, `English`, `英文`;
/// empty is Chinese.
pub fn language(text: &str) -> Result<Lang> {
    let t = text.trim();
    match t {
        "" | "中文" | "简体中文" | "汉语" => Ok(Lang::ZhCn),
        "英文" | "英语" => Ok(Lang::En),
        other => other.parse().map_err(|_| {
            Error::invalid(Msg::BadField {
                field: "language".into(),
                value: other.to_string(),
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_as_offices_write_it() {
        assert_eq!(money("1234.5").expect("plain"), 123_450);
        assert_eq!(money("1,234.50").expect("grouped"), 123_450);
        assert_eq!(money("¥1,234.50").expect("yen sign"), 123_450);
        assert_eq!(money("￥88").expect("full-width sign"), 8_800);
        assert_eq!(money(" 0 ").expect("zero"), 0);
        assert!(money("12.345").is_err());
        assert!(money("abc").is_err());
        assert!(money("").is_err());
        assert!(money("99999999999999999999").is_err());
    }

    #[test]
    fn dates_as_offices_write_them() {
        for t in [
            "2026-03-05",
            "2026/3/5",
            "2026年3月5日",
            "2026.03.05",
            "2026-03-05 00:00:00",
            "46086",
        ] {
            assert_eq!(date(t).expect(t), "2026-03-05", "{t}");
        }
        for t in ["2026-02-30", "5/3/2026", "yesterday", "", "12", "2026-03"] {
            assert!(date(t).is_err(), "{t} must be refused");
        }
    }

    #[test]
    fn quantities_are_whole() {
        assert_eq!(quantity("3").expect("3"), 3);
        assert_eq!(quantity("3.0").expect("3.0"), 3);
        assert_eq!(quantity("1,200").expect("grouped"), 1200);
        assert_eq!(
            quantity("-2").expect("negative reads; the rules refuse it"),
            -2
        );
        assert!(quantity("2.5").is_err());
        assert!(quantity("two").is_err());
    }

    #[test]
    fn statuses_by_code_or_label() {
        assert_eq!(status("confirmed").expect("code"), Status::Confirmed);
        assert_eq!(status("已开票").expect("zh"), Status::Invoiced);
        assert_eq!(status("Shipped").expect("en"), Status::Shipped);
        assert_eq!(
            status("cancel pending").expect("spaced"),
            Status::CancelPending
        );
        assert!(status("lost").is_err());
    }

    #[test]
    fn languages() {
        assert_eq!(language("").expect("empty"), Lang::ZhCn);
        assert_eq!(language("English").expect("en"), Lang::En);
        assert_eq!(language("英文").expect("英文"), Lang::En);
        assert!(language("klingon").is_err());
    }
}
