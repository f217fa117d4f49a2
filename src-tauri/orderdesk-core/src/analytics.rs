//! Cancellation analytics over the archive, read from the summary table that
//! each archive transaction maintains (`archive_stats`), so a report over a
//! million archived orders costs milliseconds. Managers see their department;
//! administrators see all.

use serde::{Deserialize, Serialize};

use crate::auth::{Session, require_manager};
use crate::domain::DepartmentId;
use crate::error::{Error, Msg, Result};
use crate::search::parse_date;
use crate::store::{self, Store, archive::StatFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Reason,
    Month,
    Handler,
    Customer,
    Product,
}

impl Dimension {
    pub fn parse(text: &str) -> Option<Dimension> {
        match text {
            "reason" => Some(Dimension::Reason),
            "month" => Some(Dimension::Month),
            "handler" => Some(Dimension::Handler),
            "customer" => Some(Dimension::Customer),
            "product" => Some(Dimension::Product),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ReportFilter {
    /// Closing date range, inclusive (YYYY-MM-DD); counted by month.
    pub from: Option<String>,
    pub to: Option<String>,
    pub department: Option<DepartmentId>,
    /// Rows to return (biggest first); months are never cut.
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportRow {
    pub key: String,
    pub label: String,
    pub orders: i64,
    pub value_minor: i64,
    pub quantity: i64,
    /// Mean days from order date to cancellation (not kept per product).
    pub avg_days_to_cancel: Option<f64>,
    /// Cancellations among all closed orders of the month (month rows only).
    pub cancellation_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub cancelled_orders: i64,
    pub completed_orders: i64,
    pub cancellation_rate: f64,
    pub value_lost_minor: i64,
    pub avg_days_to_cancel: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub by: Dimension,
    pub rows: Vec<ReportRow>,
    pub totals: Totals,
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Cancellations grouped by `by`, with the totals, over closed months.
pub fn cancellations(
    store: &Store,
    s: &Session,
    by: Dimension,
    f: &ReportFilter,
) -> Result<Report> {
    require_manager(s)?;
    let month = |d: &Option<String>| -> Result<Option<String>> {
        Ok(d.as_deref()
            .map(parse_date)
            .transpose()?
            .map(|d| d.format("%Y-%m").to_string()))
    };
    let department = match (s.is_admin(), f.department) {
        (true, d) => d,
        (false, Some(d)) if d != s.department_id => {
            return Err(Error::forbidden(Msg::ManagersOnly));
        }
        (false, _) => Some(s.department_id),
    };
    let filter = StatFilter {
        from_month: month(&f.from)?,
        to_month: month(&f.to)?,
        department,
    };
    let limit = f.limit.unwrap_or(50).clamp(1, 1000);
    store.read(|c| {
        let all_cancelled = store::archive::grouped(c, "all", "cancelled", true, &filter, 100_000)?;
        let all_completed = store::archive::grouped(c, "all", "completed", true, &filter, 100_000)?;
        let cancelled: i64 = all_cancelled.iter().map(|r| r.orders).sum();
        let completed: i64 = all_completed.iter().map(|r| r.orders).sum();
        let days: i64 = all_cancelled.iter().map(|r| r.days_to_close).sum();
        let totals = Totals {
            cancelled_orders: cancelled,
            completed_orders: completed,
            cancellation_rate: ratio(cancelled, cancelled + completed),
            value_lost_minor: all_cancelled.iter().map(|r| r.value_minor).sum(),
            avg_days_to_cancel: ratio(days, cancelled),
        };
        let rows = if by == Dimension::Month {
            all_cancelled
                .iter()
                .map(|m| {
                    let done = all_completed
                        .iter()
                        .find(|r| r.key == m.key)
                        .map(|r| r.orders)
                        .unwrap_or(0);
                    ReportRow {
                        key: m.key.clone(),
                        label: m.key.clone(),
                        orders: m.orders,
                        value_minor: m.value_minor,
                        quantity: m.quantity,
                        avg_days_to_cancel: Some(ratio(m.days_to_close, m.orders)),
                        cancellation_rate: Some(ratio(m.orders, m.orders + done)),
                    }
                })
                .collect()
        } else {
            let dimension = match by {
                Dimension::Reason => "reason",
                Dimension::Handler => "handler",
                Dimension::Customer => "customer",
                _ => "product",
            };
            let mut rows = Vec::new();
            for g in store::archive::grouped(c, dimension, "cancelled", false, &filter, limit)? {
                rows.push(ReportRow {
                    label: store::archive::key_label(c, dimension, &g.key)?,
                    avg_days_to_cancel: (by != Dimension::Product)
                        .then(|| ratio(g.days_to_close, g.orders)),
                    key: g.key,
                    orders: g.orders,
                    value_minor: g.value_minor,
                    quantity: g.quantity,
                    cancellation_rate: None,
                });
            }
            rows
        };
        Ok(Report { by, rows, totals })
    })
}
