//! Printing: JSON for scripts, aligned tables for people (CJK-aware widths).

use orderdesk_core::domain::{Lang, Money, Status};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: {e}"),
    }
}

/// Prints rows under headers, each column as wide as its widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (i, cell) in cells.enumerate() {
            out.push_str(cell);
            if i + 1 < widths.len() {
                out.push_str(&" ".repeat(widths[i].saturating_sub(cell.width()) + 2));
            }
        }
        println!("{}", out.trim_end());
    };
    line(&mut headers.iter().copied());
    line(
        &mut widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}

/// Key: value lines.
pub fn pairs(items: &[(&str, String)]) {
    let width = items.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    for (k, v) in items {
        println!("{k}{}  {v}", " ".repeat(width - k.width()));
    }
}

pub fn money(minor: i64, currency: &str) -> String {
    Money(minor).format(currency)
}

pub fn status(code: &str, lang: Lang) -> String {
    code.parse::<Status>()
        .map(|s| s.label(lang).to_string())
        .unwrap_or_else(|_| code.to_string())
}

pub fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "—".into())
}

/// A list of orders as a table.
pub fn print_rows(rows: &[orderdesk_core::search::Row], lang: Lang) {
    table(
        &[
            lang.pick("订单号", "number"),
            lang.pick("客户", "customer"),
            lang.pick("状态", "status"),
            lang.pick("处理人", "handler"),
            lang.pick("部门", "department"),
            lang.pick("金额", "total"),
            lang.pick("日期", "date"),
        ],
        &rows
            .iter()
            .map(|r| {
                vec![
                    r.number.clone(),
                    r.customer.clone(),
                    status(&r.status, lang),
                    opt(&r.handler),
                    lang.pick(&r.department, &r.department_en).to_string(),
                    money(r.total_minor, &r.currency),
                    r.order_date.clone(),
                ]
            })
            .collect::<Vec<_>>(),
    );
}

/// The refused orders of a preview or a job, one line each.
pub fn print_refusals(items: &[orderdesk_core::jobs::ItemResult], lang: Lang) {
    for item in items {
        if let Some(p) = &item.problem {
            println!(
                "✗ {}: {}",
                item.number,
                lang.pick(&p.message_zh, &p.message_en)
            );
        }
    }
}
