//! The order search query: filters, keyset pages and capped counts, over the
//! active or the archive tables.
//!
//! The use-case (`crate::search`) resolves text to order numbers or customer
//! ids first; this module only turns a `Plan` into SQL. Every page is keyset
//! (`(sort value, id) < cursor`), never OFFSET, so page 1000 costs what page 1 does.

use rusqlite::OptionalExtension;
use rusqlite::{Connection, ToSql, types::Value};
use serde::{Deserialize, Serialize};

use crate::domain::{DepartmentId, OrderId, Status, UserId};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    DateDesc,
    DateAsc,
    TotalDesc,
    TotalAsc,
    NumberAsc,
}

impl Sort {
    fn column(self) -> &'static str {
        match self {
            Sort::DateDesc | Sort::DateAsc => "o.order_date",
            Sort::TotalDesc | Sort::TotalAsc => "o.total_minor",
            Sort::NumberAsc => "o.number",
        }
    }
    fn descending(self) -> bool {
        matches!(self, Sort::DateDesc | Sort::TotalDesc)
    }
    pub fn code(self) -> &'static str {
        match self {
            Sort::DateDesc => "date_desc",
            Sort::DateAsc => "date_asc",
            Sort::TotalDesc => "total_desc",
            Sort::TotalAsc => "total_asc",
            Sort::NumberAsc => "number_asc",
        }
    }
}

/// A resolved search, ready for SQL.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub archived: bool,
    /// Exact numbers (digits typed alone expand to one number per year).
    pub numbers: Option<Vec<String>>,
    /// Exact order ids (the watch list).
    pub ids: Option<Vec<i64>>,
    /// Number prefix, upper case.
    pub number_prefix: Option<String>,
    /// Many orders match the prefix: walk the sort index and filter, rather
    /// than fetch every order in the number range and sort them.
    pub number_many: bool,
    pub customer_ids: Option<Vec<i64>>,
    /// Many orders match the customers: walk the sort index and filter,
    /// rather than fetch every order of every matching customer and sort them.
    pub customers_many: bool,
    pub statuses: Vec<Status>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub handler: Option<UserId>,
    pub unassigned: bool,
    pub department: Option<DepartmentId>,
    pub min_total: Option<i64>,
    pub max_total: Option<i64>,
    pub closed_as: Option<Status>,
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    pub reason: Option<String>,
    pub sort: Sort,
    /// Keyset: the sort value and id of the last row of the previous page.
    pub after: Option<(Value, i64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Row {
    pub id: OrderId,
    pub number: String,
    pub customer: String,
    pub customer_latin: String,
    pub status: String,
    pub closed_as: Option<String>,
    pub handler: Option<String>,
    pub handler_name: Option<String>,
    pub department: String,
    pub department_en: String,
    pub total_minor: i64,
    pub currency: String,
    pub order_date: String,
    pub closed_at: Option<String>,
    pub version: i64,
    /// Cancellation reason code, if any.
    pub reason: Option<String>,
    /// The value the list is sorted by, for the next page's cursor.
    #[serde(skip, default = "no_sort_value")]
    pub sort_value: Value,
}

/// A row read back from the wire carries no cursor value; only the store's
/// own rows make cursors.
fn no_sort_value() -> Value {
    Value::Null
}

struct Sql {
    clauses: Vec<String>,
    params: Vec<(String, Box<dyn ToSql>)>,
}

impl Sql {
    fn add(&mut self, clause: impl Into<String>) {
        self.clauses.push(clause.into());
    }
    fn bind(&mut self, name: &str, value: impl ToSql + 'static) {
        self.params.push((name.to_string(), Box::new(value)));
    }
    fn params(&self) -> Vec<(&str, &dyn ToSql)> {
        self.params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_ref() as &dyn ToSql))
            .collect()
    }
}

fn where_clause(p: &Plan, with_cursor: bool) -> Sql {
    let mut s = Sql {
        clauses: Vec::new(),
        params: Vec::new(),
    };
    if let Some(numbers) = &p.numbers {
        s.add("o.number IN (SELECT value FROM json_each(:numbers))");
        s.bind(
            ":numbers",
            serde_json::Value::from(numbers.clone()).to_string(),
        );
    }
    if let Some(ids) = &p.ids {
        s.add("o.id IN (SELECT value FROM json_each(:ids))");
        s.bind(":ids", serde_json::Value::from(ids.clone()).to_string());
    }
    if let Some(prefix) = &p.number_prefix {
        // A range, not LIKE, so the unique index on number serves it.
        let column = if p.number_many {
            "+o.number"
        } else {
            "o.number"
        };
        s.add(format!("{column} >= :prefix AND {column} < :prefix_end"));
        s.bind(":prefix", prefix.clone());
        s.bind(":prefix_end", format!("{prefix}\u{10FFFF}"));
    }
    if let Some(ids) = &p.customer_ids {
        let column = if p.customers_many {
            "+o.customer_id"
        } else {
            "o.customer_id"
        };
        s.add(format!(
            "{column} IN (SELECT value FROM json_each(:customers))"
        ));
        s.bind(
            ":customers",
            serde_json::Value::from(ids.clone()).to_string(),
        );
    }
    if !p.statuses.is_empty() && !p.archived {
        let codes: Vec<&str> = p.statuses.iter().map(|s| s.code()).collect();
        s.add("o.status IN (SELECT value FROM json_each(:statuses))");
        s.bind(":statuses", serde_json::Value::from(codes).to_string());
    }
    if let Some(closed_as) = p.closed_as.filter(|_| p.archived) {
        s.add("o.closed_as = :closed_as");
        s.bind(":closed_as", closed_as.code());
    }
    if let Some(from) = &p.date_from {
        s.add("o.order_date >= :date_from");
        s.bind(":date_from", from.clone());
    }
    if let Some(to) = &p.date_to {
        s.add("o.order_date <= :date_to");
        s.bind(":date_to", to.clone());
    }
    if let Some(from) = &p.closed_from {
        s.add("o.closed_at >= :closed_from");
        s.bind(":closed_from", from.clone());
    }
    if let Some(to) = &p.closed_to {
        // closed_at is a timestamp; the whole last day counts.
        s.add("o.closed_at < date(:closed_to, '+1 day')");
        s.bind(":closed_to", to.clone());
    }
    if let Some(handler) = p.handler {
        s.add("o.handler_id = :handler");
        s.bind(":handler", handler.0);
    }
    if p.unassigned {
        s.add("o.handler_id IS NULL");
    }
    if let Some(department) = p.department {
        s.add("o.department_id = :department");
        s.bind(":department", department.0);
    }
    if let Some(min) = p.min_total {
        s.add("o.total_minor >= :min_total");
        s.bind(":min_total", min);
    }
    if let Some(max) = p.max_total {
        s.add("o.total_minor <= :max_total");
        s.bind(":max_total", max);
    }
    if let Some(reason) = &p.reason {
        s.add("o.cancel_reason_code = :reason");
        s.bind(":reason", reason.clone());
    }
    if with_cursor && let Some((value, id)) = &p.after {
        let op = if p.sort.descending() { "<" } else { ">" };
        if p.sort == Sort::NumberAsc {
            s.add("o.number > :after_value");
        } else {
            s.add(format!(
                "({}, o.id) {op} (:after_value, :after_id)",
                p.sort.column()
            ));
            s.bind(":after_id", *id);
        }
        s.bind(":after_value", value.clone());
    }
    s
}

fn table(p: &Plan) -> &'static str {
    if p.archived {
        "archived_orders"
    } else {
        "orders"
    }
}

/// Few orders match the customers, and nothing else narrows the search: read
/// them all through the customer index and sort them, which reads the same
/// index entries the count just read. Named here because statistics sampled
/// with `analysis_limit` can make the planner walk a department's dates
/// instead, reading tens of thousands of rows for the same 50 (10 ms against
/// 0.1 on a million orders). With another filter (dates, status, handler…)
/// the planner chooses: that filter's index may be far narrower.
fn page_source(p: &Plan) -> String {
    let table = table(p);
    let only_customers = p.statuses.is_empty()
        && p.date_from.is_none()
        && p.date_to.is_none()
        && p.handler.is_none()
        && !p.unassigned
        && p.min_total.is_none()
        && p.max_total.is_none()
        && p.closed_as.is_none()
        && p.closed_from.is_none()
        && p.closed_to.is_none()
        && p.reason.is_none()
        && p.numbers.is_none()
        && p.ids.is_none()
        && p.number_prefix.is_none();
    if p.customer_ids.is_some() && !p.customers_many && only_customers {
        format!("{table} o INDEXED BY {table}_customer")
    } else {
        format!("{table} o")
    }
}

fn where_text(s: &Sql) -> String {
    if s.clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", s.clauses.join(" AND "))
    }
}

/// The query for one page of rows, and its parameters.
fn page_sql(p: &Plan, limit: i64) -> (String, Sql) {
    let s = where_clause(p, true);
    let dir = if p.sort.descending() { "DESC" } else { "ASC" };
    let order_by = if p.sort == Sort::NumberAsc {
        "o.number ASC".to_string()
    } else {
        format!("{} {dir}, o.id {dir}", p.sort.column())
    };
    let (status, closed_as, closed_at) = if p.archived {
        ("'archived'", "o.closed_as", "o.closed_at")
    } else {
        ("o.status", "NULL", "o.closed_at")
    };
    let sql = format!(
        "SELECT o.id, o.number, c.name, c.name_latin, {status}, {closed_as}, u.login,
                u.display_name, d.name_zh, d.name_en, o.total_minor, o.currency, o.order_date,
                {closed_at}, o.version, {sort}, o.cancel_reason_code
         FROM (SELECT o.id FROM {source} {where} ORDER BY {order_by} LIMIT {limit}) page
         JOIN {table} o ON o.id = page.id
         JOIN customers c ON c.id = o.customer_id
         JOIN departments d ON d.id = o.department_id
         LEFT JOIN users u ON u.id = o.handler_id
         ORDER BY {order_by}",
        sort = p.sort.column(),
        source = page_source(p),
        table = table(p),
        where = where_text(&s),
    );
    (sql, s)
}

/// One page of rows, in the plan's order.
pub fn page(c: &Connection, p: &Plan, limit: i64) -> Result<Vec<Row>> {
    let (sql, s) = page_sql(p, limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(s.params().as_slice(), |r| {
        Ok(Row {
            id: OrderId(r.get(0)?),
            number: r.get(1)?,
            customer: r.get(2)?,
            customer_latin: r.get(3)?,
            status: r.get(4)?,
            closed_as: r.get(5)?,
            handler: r.get(6)?,
            handler_name: r.get(7)?,
            department: r.get(8)?,
            department_en: r.get(9)?,
            total_minor: r.get(10)?,
            currency: r.get(11)?,
            order_date: r.get(12)?,
            closed_at: r.get(13)?,
            version: r.get(14)?,
            sort_value: r.get(15)?,
            reason: r.get(16)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many rows match, counting at most `cap + 1` (then the caller shows
/// "cap+"): broad counts over a million rows are not worth their milliseconds.
pub fn count(c: &Connection, p: &Plan, cap: i64) -> Result<i64> {
    let s = where_clause(p, false);
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {table} o {where} LIMIT {limit})",
        table = table(p),
        where = where_text(&s),
        limit = cap + 1,
    );
    let mut stmt = c.prepare_cached(&sql)?;
    Ok(stmt.query_row(s.params().as_slice(), |r| r.get(0))?)
}

/// The stored spelling of a number typed in any case (imported numbers
/// keep theirs), or None when no order, active or archived, has it.
pub fn number_as_stored(c: &Connection, text: &str, archived: bool) -> Result<Option<String>> {
    let table = if archived {
        "archived_orders"
    } else {
        "orders"
    };
    let sql = format!("SELECT number FROM {table} WHERE number IN (?1, ?2) LIMIT 1");
    Ok(c.prepare_cached(&sql)?
        .query_row([text, &text.to_uppercase()], |r| r.get(0))
        .optional()?)
}

/// The spelling (as typed, or upper case) under which some order number
/// starts with `prefix`, if any does.
pub fn number_prefix_as_stored(
    c: &Connection,
    prefix: &str,
    archived: bool,
) -> Result<Option<String>> {
    let table = if archived {
        "archived_orders"
    } else {
        "orders"
    };
    let sql = format!(
        "SELECT 1 FROM {table} WHERE number >= ?1 AND number < ?1 || char(1114111) LIMIT 1"
    );
    let upper = prefix.to_uppercase();
    for candidate in [prefix, upper.as_str()] {
        let found = c
            .prepare_cached(&sql)?
            .query_row([candidate], |_| Ok(()))
            .optional()?;
        if found.is_some() {
            return Ok(Some(candidate.to_string()));
        }
    }
    Ok(None)
}

/// Years that have issued order numbers, for expanding a bare sequence number.
pub fn number_years(c: &Connection) -> Result<Vec<i32>> {
    let mut stmt = c.prepare_cached(
        "SELECT CAST(substr(name, 14) AS INTEGER) FROM counters
         WHERE name LIKE 'order_number_%' ORDER BY 1 DESC",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// How SQLite would run a plan's page query.
    fn query_plan(c: &Connection, p: &Plan) -> String {
        let (sql, s) = page_sql(p, 50);
        let mut stmt = c
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepare");
        let steps = stmt
            .query_map(s.params().as_slice(), |r| r.get::<_, String>(3))
            .expect("explain");
        steps
            .map(|s| s.expect("step"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn few_customers_are_read_through_the_customer_index_unless_another_filter_narrows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("plan.db")).expect("open");
        let few = Plan {
            customer_ids: Some(vec![1, 2, 3]),
            department: Some(DepartmentId(1)),
            ..Plan::default()
        };
        let with_dates = Plan {
            date_from: Some("2026-11-01".into()),
            ..few.clone()
        };
        let many = Plan {
            customers_many: true,
            ..few.clone()
        };
        store
            .read(|c| {
                for archived in [false, true] {
                    let index = if archived {
                        "archived_orders_customer"
                    } else {
                        "orders_customer"
                    };
                    let at = |p: &Plan| Plan {
                        archived,
                        ..p.clone()
                    };
                    let hinted = |p: &Plan| page_sql(&at(p), 50).0.contains("INDEXED BY");
                    assert_eq!(
                        (hinted(&few), hinted(&with_dates), hinted(&many)),
                        (true, false, false)
                    );
                    let plan = |p: &Plan| query_plan(c, &at(p));
                    assert!(plan(&few).contains(index), "{}", plan(&few));
                    assert!(!plan(&many).contains(index), "{}", plan(&many));
                }
                Ok(())
            })
            .expect("read");
    }
}
