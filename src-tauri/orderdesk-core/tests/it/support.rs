//! A seeded database in a temporary folder, and helpers to find orders.

use chrono::NaiveDate;
use orderdesk_core::auth::{self, Session};
use orderdesk_core::detail::{self, OrderDetail};
use orderdesk_core::domain::Status;
use orderdesk_core::search::{self, Row, SearchQuery};
use orderdesk_core::{Store, check, seed};

pub struct Fixture {
    pub store: Store,
    pub dir: tempfile::TempDir,
}

pub fn fixture(orders: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(&dir.path().join("orderdesk.db"), orders);
    Fixture { store, dir }
}

/// A new database at `path` with `orders` demo orders.
pub fn seeded(path: &std::path::Path, orders: usize) -> Store {
    let store = Store::open(path).expect("open");
    seed::seed(
        &store,
        &seed::SeedOptions {
            orders,
            seed: 7,
            anchor: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        },
    )
    .expect("seed");
    store
}

/// Logs in with the demo password.
pub fn login(store: &Store, login: &str) -> Session {
    auth::login(store, login, "demo").expect("login")
}

/// Orders as an administrator sees them, filtered.
pub fn find(store: &Store, statuses: &[Status], handler: Option<&str>) -> Vec<Row> {
    let admin = auth::session_for(store, "admin").expect("admin");
    search::search(
        store,
        &admin,
        &SearchQuery {
            statuses: statuses.to_vec(),
            handler: handler.map(str::to_string),
            limit: Some(500),
            ..Default::default()
        },
    )
    .expect("search")
    .rows
}

/// An order in `status` that a clerk handles, under the 50,000.00 approval
/// threshold (`small`) or at/above it.
pub fn pick(store: &Store, status: Status, small: bool) -> Row {
    find(store, &[status], None)
        .into_iter()
        .find(|r| {
            (r.total_minor < 5_000_000) == small
                && r.handler.as_deref().is_some_and(|h| h.starts_with("clerk"))
        })
        .unwrap_or_else(|| panic!("no {status} order (small={small})"))
}

pub fn handler(row: &Row) -> String {
    row.handler.clone().expect("handler")
}

/// Another clerk of the same department as `login` (clerks come six per
/// department: clerk01-06, clerk07-12, clerk13-18).
pub fn colleague(login: &str) -> String {
    let n: usize = login
        .trim_start_matches("clerk")
        .parse()
        .expect("clerk number");
    let first = (n - 1) / 6 * 6 + 1;
    let other = if n == first { first + 1 } else { first };
    format!("clerk{other:02}")
}

/// A clerk of another department than `login`.
pub fn stranger(login: &str) -> String {
    let n: usize = login
        .trim_start_matches("clerk")
        .parse()
        .expect("clerk number");
    format!("clerk{:02}", (n + 5) % 18 + 1)
}

/// The manager of a clerk's department.
pub fn manager_of(login: &str) -> &'static str {
    let n: usize = login
        .trim_start_matches("clerk")
        .parse()
        .expect("clerk number");
    ["mgr.east", "mgr.north", "mgr.key"][(n - 1) / 6]
}

pub fn show(store: &Store, s: &Session, number: &str) -> OrderDetail {
    detail::get(store, s, number).expect("detail")
}

pub fn assert_invariants(store: &Store) {
    let report = check::invariants(store).expect("check");
    assert!(report.ok, "invariants broken: {:?}", report.findings);
}

pub fn product_reserved(store: &Store, sku: &str) -> i64 {
    store
        .read(|c| {
            Ok(orderdesk_core::store::products::products(c)?
                .into_iter()
                .find(|p| p.sku == sku)
                .map(|p| p.reserved)
                .unwrap_or(-1))
        })
        .expect("product")
}

/// The customer notices `s` may see, newest first.
pub fn outbox_of(
    store: &Store,
    s: &Session,
) -> orderdesk_core::Result<Vec<orderdesk_core::store::outbox::CustomerMessage>> {
    orderdesk_core::outbox::list(store, s, &Default::default())
}
