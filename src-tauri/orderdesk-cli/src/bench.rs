//! `orderdesk-cli bench`: builds (or reuses) a database of N orders and times
//! each operation of DESIGN.md section 8 through the core's public functions,
//! printing p50/p95 against the targets. A benchmark, not a test: run it on a
//! quiet machine and read the numbers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use orderdesk_core::auth::{self, Session};
use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::domain::Status;
use orderdesk_core::jobs::{self, JobKind, Selection};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{self, SearchQuery, Sort};
use orderdesk_core::{Error, Store, analytics, detail, seed};
use serde::Serialize;

use crate::Failure;
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

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
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

pub fn run(db: Option<PathBuf>, orders: usize, samples: usize, json: bool) -> Result<u8, Failure> {
    let path =
        db.unwrap_or_else(|| std::env::temp_dir().join(format!("orderdesk-bench-{orders}.db")));
    let wanted_bulk = BULK.min(orders / 10);
    // Reuse only a database with N orders and enough closed ones left for the
    // bulk archive; otherwise build it anew.
    let reusable = path.exists()
        && Store::open(&path)
            .and_then(|store| {
                let admin = auth::session_for(&store, "admin")?;
                let total = store.read(|c| {
                    Ok(orderdesk_core::store::orders::count_active(c)?
                        + orderdesk_core::store::orders::count_archived(c)?)
                })?;
                let closed = closed_orders(&store, &admin, wanted_bulk + 3 * samples)?.len();
                Ok(total as usize >= orders && closed >= wanted_bulk + 3 * samples)
            })
            .unwrap_or(false);
    let mut seed_seconds = 0.0;
    if !reusable {
        remove_db(&path);
        let store = Store::open(&path)?;
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
        seed_seconds = start.elapsed().as_secs_f64();
        eprintln!("seeded in {seed_seconds:.1} s");
    }
    let store = Store::open(&path)?;
    let admin = auth::session_for(&store, "admin")?;
    let clerk = auth::session_for(&store, "clerk01")?;
    let mut ops = Vec::new();

    // Open an order by number: the whole detail (lines, timeline, actions).
    let numbers = collect(
        &store,
        &admin,
        vec![Status::Invoiced, Status::Shipped, Status::Draft],
        samples,
    )?;
    let mut times = Vec::new();
    for n in &numbers {
        times.push(timed(|| detail::get(&store, &admin, n))?.0);
    }
    ops.push(measure("open order by number (detail)", 1.0, times));

    let mut times = Vec::new();
    for n in &numbers {
        let q = SearchQuery {
            text: Some(n.clone()),
            ..Default::default()
        };
        times.push(timed(|| search::search(&store, &admin, &q))?.0);
    }
    ops.push(measure("search by order number", 1.0, times));

    // A number as it is typed, one key at a time ("SO-2026-3", "SO-2026-33"…),
    // as a clerk: every prefix is a search of its own.
    let mut times = Vec::new();
    for n in numbers.iter().take(samples.div_ceil(6)) {
        for end in "SO-2026-".len() + 1..n.len() {
            let q = SearchQuery {
                text: Some(n[..end].to_string()),
                ..Default::default()
            };
            times.push(timed(|| search::search(&store, &clerk, &q))?.0);
        }
    }
    ops.push(measure("number prefix as typed (clerk)", 20.0, times));

    // Customer names: 2-character Chinese (scan), longer Chinese and Latin
    // (trigram), pinyin initials.
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
    for (label, session) in [("admin", &admin), ("clerk", &clerk)] {
        let mut times = Vec::new();
        for i in 0..samples {
            let q = SearchQuery {
                text: Some(texts[i % texts.len()].into()),
                ..Default::default()
            };
            times.push(timed(|| search::search(&store, session, &q))?.0);
        }
        ops.push(measure(
            &format!("customer-name search, page+count ({label})"),
            20.0,
            times,
        ));
    }

    let handlers = ["clerk01", "clerk02", "clerk07", "clerk13"];
    let filters: Vec<SearchQuery> = (0..samples)
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
        .collect();
    let mut times = Vec::new();
    for q in &filters {
        times.push(timed(|| search::search(&store, &admin, q))?.0);
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
        let (d, page) = timed(|| search::search(&store, &admin, &q))?;
        times.push(d);
        after = page.next_cursor;
    }
    ops.push(measure("next pages (keyset)", 20.0, times));

    // Mutations, each on its own order.
    let to_cancel = collect(&store, &admin, vec![Status::Confirmed], samples)?;
    let mut times = Vec::new();
    for n in &to_cancel {
        let req = CancelRequest {
            number: n.clone(),
            seen_version: detail::version(&store, &admin, n)?,
            reason_code: "customer_request".into(),
            note: Some("bench".into()),
            notify_customer: true,
        };
        times.push(timed(|| cancel::execute(&store, &admin, &req))?.0);
    }
    ops.push(measure("cancel one order (all effects)", 5.0, times));

    let to_reassign = collect(&store, &admin, vec![Status::Draft], samples)?;
    let mut times = Vec::new();
    for (i, n) in to_reassign.iter().enumerate() {
        let seen = detail::version(&store, &admin, n)?;
        let target = Target::User(if i % 2 == 0 {
            "clerk05".into()
        } else {
            "clerk06".into()
        });
        let result = timed(|| reassign::execute(&store, &admin, n, seen, &target, None));
        match result {
            Ok((d, _)) => times.push(d),
            Err(e) if e.is_rule_violation() => {} // already with that clerk
            Err(e) => return Err(e.into()),
        }
    }
    ops.push(measure("reassign one order", 5.0, times));

    let closed = closed_orders(&store, &admin, wanted_bulk + samples)?;
    let (singles, bulk) = closed.split_at(samples.min(closed.len()));
    let mut times = Vec::new();
    for n in singles {
        let seen = detail::version(&store, &admin, n)?;
        times.push(timed(|| jobs::archive_one(&store, &admin, n, seen))?.0);
    }
    ops.push(measure("archive one order", 5.0, times));

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
        times.push(timed(|| analytics::cancellations(&store, &admin, dims[i % dims.len()], &f))?.0);
    }
    ops.push(measure("archive analytics (any dimension)", 300.0, times));

    eprintln!("bulk-archiving {} orders …", bulk.len());
    let start = Instant::now();
    let job = jobs::create(
        &store,
        &admin,
        &JobKind::Archive,
        &Selection::numbers(bulk.iter().cloned()),
    )?;
    let created = start.elapsed().as_secs_f64();
    let status = jobs::run(&store, &admin, &job.id, jobs::DEFAULT_BATCH, &mut |_| true)?;
    let bulk_seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "bulk archive: job recorded in {created:.2} s, run in {:.2} s",
        bulk_seconds - created
    );

    let report = Report {
        orders,
        database: path,
        seeded: !reusable,
        seed_seconds,
        operations: ops,
        bulk_archived: status.done as usize,
        bulk_archive_seconds: bulk_seconds,
        bulk_archive_target_seconds: 15.0 * status.done as f64 / BULK as f64,
        peak_rss_mb: peak_rss_mb(),
    };
    print_report(&report, json);
    Ok(0)
}

fn print_report(r: &Report, json: bool) {
    if json {
        output::json(r);
        return;
    }
    println!(
        "OrderDesk benchmark: {} orders ({})",
        r.orders,
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
