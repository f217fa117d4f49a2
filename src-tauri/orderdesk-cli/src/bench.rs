//! `orderdesk-cli bench`: builds (or reuses) a database of N orders and times
//! each operation of DESIGN.md section 8 through the core's public functions,
//! printing p50/p95 against the targets. A benchmark, not a test: run it on a
//! quiet machine and read the numbers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use orderdesk_core::auth::{self, Session};
use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::cipher::DbKey;
use orderdesk_core::domain::Status;
use orderdesk_core::jobs::{self, JobKind, Selection};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{self, SearchQuery, Sort};
use orderdesk_core::{Error, Store, analytics, detail, seed};
use serde::Serialize;

use crate::Failure;
use crate::bench_file::{self, Claim};
use crate::output::{self, table};

const BULK: usize = 100_000;

#[derive(Serialize)]
struct Measure {
    operation: String,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    target_ms: f64,
    met: bool,
}

#[derive(Serialize)]
struct Report {
    orders: usize,
    database: PathBuf,
    /// SQLCipher-encrypted (the database, its WAL), or a plain file.
    encrypted: bool,
    seeded: bool,
    seed_seconds: f64,
    operations: Vec<Measure>,
    bulk_archived: usize,
    bulk_archive_seconds: f64,
    bulk_archive_target_seconds: f64,
    peak_rss_mb: Option<f64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(name: &str, target_ms: f64, mut times: Vec<Duration>) -> Measure {
    times.sort();
    let at = |q: f64| {
        if times.is_empty() {
            0.0
        } else {
            ms(times[((times.len() as f64 - 1.0) * q).round() as usize])
        }
    };
    let (p50, p95) = (at(0.5), at(0.95));
    Measure {
        operation: name.to_string(),
        samples: times.len(),
        p50_ms: p50,
        p95_ms: p95,
        target_ms,
        met: p95 <= target_ms,
    }
}

fn timed<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<(Duration, T), Error> {
    let start = Instant::now();
    let value = f()?;
    Ok((start.elapsed(), value))
}

pub(crate) fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Closed, active orders the admin can see, oldest first, up to `n`.
fn closed_orders(store: &Store, s: &Session, n: usize) -> Result<Vec<String>, Error> {
    collect(store, s, vec![Status::Completed, Status::Cancelled], n)
}

fn collect(
    store: &Store,
    s: &Session,
    statuses: Vec<Status>,
    n: usize,
) -> Result<Vec<String>, Error> {
    let mut out = Vec::with_capacity(n);
    let mut after = None;
    while out.len() < n {
        let page = search::search(
            store,
            s,
            &SearchQuery {
                statuses: statuses.clone(),
                sort: Sort::DateAsc,
                limit: Some(500),
                after: after.clone(),
                ..Default::default()
            },
        )?;
        out.extend(page.rows.into_iter().map(|r| r.number));
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    out.truncate(n);
    Ok(out)
}

/// The benchmark's database at `path`, with `orders` orders and enough closed
/// ones left for the bulk archive: reused if it already is, else (only when
/// it is the benchmark's own, or new) built anew. The seconds seeding took.
fn database(
    path: &Path,
    key: Option<&DbKey>,
    orders: usize,
    closed_needed: usize,
) -> Result<Option<f64>, Error> {
    if bench_file::claim(path, key)? == Claim::Ours {
        let fits = Store::open_with_key(path, key.cloned()).and_then(|store| {
            let admin = auth::session_for(&store, "admin")?;
            let total = store.read(|c| {
                Ok(orderdesk_core::store::orders::count_active(c)?
                    + orderdesk_core::store::orders::count_archived(c)?)
            })?;
            let closed = closed_orders(&store, &admin, closed_needed)?.len();
            Ok(total as usize >= orders && closed >= closed_needed)
        });
        if fits.unwrap_or(false) {
            return Ok(None);
        }
        bench_file::remove(path);
    }
    let store = Store::open_with_key(path, key.cloned())?;
    eprintln!("seeding {orders} orders into {} …", path.display());
    let start = Instant::now();
    seed::seed(
        &store,
        &seed::SeedOptions {
            orders,
            seed: 1,
            anchor: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
        },
    )?;
    bench_file::mark(&store)?;
    let seconds = start.elapsed().as_secs_f64();
    eprintln!("seeded in {seconds:.1} s");
    Ok(Some(seconds))
}

pub fn run(
    db: Option<PathBuf>,
    orders: usize,
    samples: usize,
    encrypted: bool,
    json: bool,
) -> Result<u8, Failure> {
    let key = encrypted.then(bench_file::bench_key);
    let path = db.unwrap_or_else(|| {
        let kind = if encrypted { "-encrypted" } else { "" };
        std::env::temp_dir().join(format!("orderdesk-bench-{orders}{kind}.db"))
    });
    let wanted_bulk = BULK.min(orders / 10);
    let seeded = database(&path, key.as_ref(), orders, wanted_bulk + 3 * samples)?;
    let store = Store::open_with_key(&path, key)?;
    let admin = auth::session_for(&store, "admin")?;
    let clerk = auth::session_for(&store, "clerk01")?;
    let mut ops = reads(&store, &admin, samples)?;
    ops.extend(searches(&store, &admin, &clerk, samples)?);
    ops.extend(mutations(&store, &admin, samples)?);
    let closed = closed_orders(&store, &admin, wanted_bulk + samples)?;
    let (singles, bulk) = closed.split_at(samples.min(closed.len()));
    ops.push(archive_singles(&store, &admin, singles)?);
    ops.push(analytics_reports(&store, &admin, samples)?);
    let (bulk_archived, bulk_seconds) = bulk_archive(&store, &admin, bulk)?;
    let report = Report {
        orders,
        database: path,
        encrypted,
        seeded: seeded.is_some(),
        seed_seconds: seeded.unwrap_or(0.0),
        operations: ops,
        bulk_archived,
        bulk_archive_seconds: bulk_seconds,
        bulk_archive_target_seconds: 15.0 * bulk_archived as f64 / BULK as f64,
        peak_rss_mb: peak_rss_mb(),
    };
    print_report(&report, json);
    Ok(0)
}

/// Open an order by number (the whole detail), and find it by its number.
fn reads(store: &Store, admin: &Session, samples: usize) -> Result<Vec<Measure>, Error> {
    let numbers = collect(
        store,
        admin,
        vec![Status::Invoiced, Status::Shipped, Status::Draft],
        samples,
    )?;
    let mut times = Vec::new();
    for n in &numbers {
        times.push(timed(|| detail::get(store, admin, n))?.0);
    }
    let mut ops = vec![measure("open order by number (detail)", 1.0, times)];
    // What every call of a desk adds: its session re-checked in the database.
    let (token, _) = auth::open_session(store, "admin", "demo", "bench")?;
    let mut times = Vec::new();
    for _ in 0..samples {
        times.push(timed(|| auth::resume(store, &token))?.0);
    }
    auth::close_session(store, &token)?;
    ops.push(measure("session re-check (every call)", 1.0, times));
    let mut times = Vec::new();
    for n in &numbers {
        let q = SearchQuery {
            text: Some(n.clone()),
            ..Default::default()
        };
        times.push(timed(|| search::search(store, admin, &q))?.0);
    }
    ops.push(measure("search by order number", 1.0, times));
    // A number as it is typed, one key at a time ("SO-2026-3", "SO-2026-33"…),
    // as a clerk: every prefix is a search of its own.
    let clerk = auth::session_for(store, "clerk01")?;
    let mut times = Vec::new();
    for n in numbers.iter().take(samples.div_ceil(6)) {
        for end in "SO-2026-".len() + 1..n.len() {
            let q = SearchQuery {
                text: Some(n[..end].to_string()),
                ..Default::default()
            };
            times.push(timed(|| search::search(store, &clerk, &q))?.0);
        }
    }
    ops.push(measure("number prefix as typed (clerk)", 20.0, times));
    Ok(ops)
}

/// Customer names (2-character Chinese: scan; longer Chinese and Latin:
/// trigram; pinyin initials), filtered sorted pages, keyset pages.
fn searches(
    store: &Store,
    admin: &Session,
    clerk: &Session,
    samples: usize,
) -> Result<Vec<Measure>, Error> {
    let texts = [
        "华联",
        "上海宏达",
        "张三",
        "hualian",
        "Trading",
        "zs",
        "shhd",
        "北京",
        "Acme",
    ];
    let mut ops = Vec::new();
    for (label, session) in [("admin", admin), ("clerk", clerk)] {
        let mut times = Vec::new();
        for i in 0..samples {
            let q = SearchQuery {
                text: Some(texts[i % texts.len()].into()),
                ..Default::default()
            };
            times.push(timed(|| search::search(store, session, &q))?.0);
        }
        ops.push(measure(
            &format!("customer-name search, page+count ({label})"),
            20.0,
            times,
        ));
    }
    let mut times = Vec::new();
    for q in &filters(samples) {
        times.push(timed(|| search::search(store, admin, q))?.0);
    }
    ops.push(measure(
        "filtered sorted page (status/date/handler)",
        20.0,
        times,
    ));
    let mut times = Vec::new();
    let mut after = None;
    for _ in 0..samples.min(50) {
        let q = SearchQuery {
            limit: Some(50),
            after: after.clone(),
            ..Default::default()
        };
        let (d, page) = timed(|| search::search(store, admin, &q))?;
        times.push(d);
        after = page.next_cursor;
    }
    ops.push(measure("next pages (keyset)", 20.0, times));
    Ok(ops)
}

/// Filters a person combines: status, date range, handler, sort.
fn filters(samples: usize) -> Vec<SearchQuery> {
    let handlers = ["clerk01", "clerk02", "clerk07", "clerk13"];
    (0..samples)
        .map(|i| match i % 4 {
            0 => SearchQuery {
                statuses: vec![Status::Invoiced],
                sort: Sort::DateDesc,
                ..Default::default()
            },
            1 => SearchQuery {
                date_from: Some("2026-03-01".into()),
                date_to: Some("2026-06-30".into()),
                sort: Sort::DateAsc,
                ..Default::default()
            },
            2 => SearchQuery {
                handler: Some(handlers[i % handlers.len()].into()),
                ..Default::default()
            },
            _ => SearchQuery {
                statuses: vec![Status::Confirmed, Status::Draft],
                date_from: Some("2026-09-01".into()),
                handler: Some(handlers[i % handlers.len()].into()),
                sort: Sort::TotalDesc,
                ..Default::default()
            },
        })
        .collect()
}

/// Cancel and reassign, each on an order of its own.
fn mutations(store: &Store, admin: &Session, samples: usize) -> Result<Vec<Measure>, Error> {
    let to_cancel = collect(store, admin, vec![Status::Confirmed], samples)?;
    let mut times = Vec::new();
    for n in &to_cancel {
        let req = CancelRequest {
            number: n.clone(),
            seen_version: detail::version(store, admin, n)?,
            reason_code: "customer_request".into(),
            note: Some("bench".into()),
            notify_customer: true,
            customer_message: None,
        };
        times.push(timed(|| cancel::execute(store, admin, &req))?.0);
    }
    let mut ops = vec![measure("cancel one order (all effects)", 5.0, times)];
    let to_reassign = collect(store, admin, vec![Status::Draft], samples)?;
    let mut times = Vec::new();
    for (i, n) in to_reassign.iter().enumerate() {
        let seen = detail::version(store, admin, n)?;
        let target = Target::User(if i % 2 == 0 { "clerk05" } else { "clerk06" }.into());
        match timed(|| reassign::execute(store, admin, n, seen, &target, None)) {
            Ok((d, _)) => times.push(d),
            Err(e) if e.is_rule_violation() => {} // already with that clerk
            Err(e) => return Err(e),
        }
    }
    ops.push(measure("reassign one order", 5.0, times));
    Ok(ops)
}

fn archive_singles(store: &Store, admin: &Session, numbers: &[String]) -> Result<Measure, Error> {
    let mut times = Vec::new();
    for n in numbers {
        let seen = detail::version(store, admin, n)?;
        times.push(timed(|| jobs::archive_one(store, admin, n, seen))?.0);
    }
    Ok(measure("archive one order", 5.0, times))
}

fn analytics_reports(store: &Store, admin: &Session, samples: usize) -> Result<Measure, Error> {
    let dims = [
        analytics::Dimension::Reason,
        analytics::Dimension::Month,
        analytics::Dimension::Handler,
        analytics::Dimension::Customer,
        analytics::Dimension::Product,
    ];
    let mut times = Vec::new();
    for i in 0..samples {
        let f = analytics::ReportFilter::default();
        times.push(timed(|| analytics::cancellations(store, admin, dims[i % dims.len()], &f))?.0);
    }
    Ok(measure("archive analytics (any dimension)", 300.0, times))
}

/// Archives `numbers` as one job; how many, and in how many seconds.
fn bulk_archive(store: &Store, admin: &Session, numbers: &[String]) -> Result<(usize, f64), Error> {
    eprintln!("bulk-archiving {} orders …", numbers.len());
    let start = Instant::now();
    let job = jobs::create(
        store,
        admin,
        &JobKind::Archive,
        &Selection::numbers(numbers.iter().cloned()),
    )?;
    let created = start.elapsed().as_secs_f64();
    let status = jobs::run(store, admin, &job.id, jobs::DEFAULT_BATCH, &mut |_| true)?;
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "bulk archive: job recorded in {created:.2} s, run in {:.2} s",
        seconds - created
    );
    Ok((status.done as usize, seconds))
}

fn print_report(r: &Report, json: bool) {
    if json {
        output::json(r);
        return;
    }
    println!(
        "OrderDesk benchmark: {} orders, {} ({})",
        r.orders,
        if r.encrypted { "encrypted" } else { "plain" },
        r.database.display()
    );
    if r.seeded {
        println!("seeded in {:.1} s", r.seed_seconds);
    }
    let mut rows: Vec<Vec<String>> = r
        .operations
        .iter()
        .map(|m| {
            vec![
                m.operation.clone(),
                m.samples.to_string(),
                format!("{:.3}", m.p50_ms),
                format!("{:.3}", m.p95_ms),
                format!("< {}", m.target_ms),
                if m.met { "yes".into() } else { "NO".into() },
            ]
        })
        .collect();
    rows.push(vec![
        format!("bulk archive {} orders (s)", r.bulk_archived),
        "1".into(),
        format!("{:.2}", r.bulk_archive_seconds),
        format!("{:.2}", r.bulk_archive_seconds),
        format!("< {:.1}", r.bulk_archive_target_seconds),
        if r.bulk_archive_seconds <= r.bulk_archive_target_seconds {
            "yes".into()
        } else {
            "NO".into()
        },
    ]);
    table(
        &["operation", "n", "p50 ms", "p95 ms", "target", "met"],
        &rows,
    );
    if let Some(mb) = r.peak_rss_mb {
        println!("peak memory: {mb:.0} MB");
    }
    println!();
    output::json(r);
}
