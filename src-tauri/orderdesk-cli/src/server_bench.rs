//! `orderdesk-cli server-bench`: the office server measured over loopback,
//! on a database file of the benchmark's own. First each operation timed in
//! this process and through the server (with TLS), side by side; then many
//! simulated desks at once (searches, opens, changes, each with its event
//! socket), and every invariant and the audit chain checked after. A
//! benchmark, not a test: read the numbers. It exits 1 only when a call
//! failed for a reason other than the rules (or an invariant broke).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orderdesk_api::types::*;
use orderdesk_client::{Backend, Remote};
use orderdesk_core::{Error, ErrorKind, Store, seed};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::Failure;
use crate::bench_file;
use crate::output::{self, table};

pub struct Options {
    pub db: Option<PathBuf>,
    pub orders: usize,
    pub samples: usize,
    pub desks: usize,
    pub seconds: u64,
    /// A person's pause between two actions, on average (0: none, a stress test).
    pub think_ms: u64,
    pub json: bool,
}

#[derive(Serialize)]
struct Side {
    operation: String,
    samples: usize,
    in_process_p50_ms: f64,
    server_p50_ms: f64,
    added_ms: f64,
    target_added_ms: f64,
    met: bool,
}

#[derive(Serialize, Default, Clone)]
struct Timing {
    n: usize,
    p50_ms: f64,
    p95_ms: f64,
    target_p95_ms: f64,
    met: bool,
}

#[derive(Serialize)]
struct Load {
    desks: usize,
    seconds: u64,
    think_ms: u64,
    calls_per_second: f64,
    calls: usize,
    errors: usize,
    refused: usize,
    first_errors: Vec<String>,
    search: Timing,
    open: Timing,
    mutation: Timing,
}

#[derive(Serialize)]
struct Report {
    orders: usize,
    database: PathBuf,
    compare: Vec<Side>,
    load: Load,
    invariants_ok: bool,
    audit_chain_ok: bool,
}

fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    if times.is_empty() {
        return 0.0;
    }
    times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
}

fn timing(mut times: Vec<Duration>, target: f64) -> Timing {
    let p95 = percentile(&mut times, 0.95);
    Timing {
        n: times.len(),
        p50_ms: percentile(&mut times, 0.5),
        p95_ms: p95,
        target_p95_ms: target,
        met: p95 <= target,
    }
}

/// The benchmark's database: made and marked here, or one it made earlier.
fn prepare(path: &Path, orders: usize) -> Result<(), Error> {
    if bench_file::claim(path, None)? == bench_file::Claim::Ours {
        return Ok(());
    }
    eprintln!("seeding {orders} orders into {} …", path.display());
    let store = Store::open(path)?;
    seed::seed(
        &store,
        &seed::SeedOptions {
            orders,
            seed: 1,
            anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
        },
    )?;
    bench_file::mark(&store)
}

async fn signed_in(backend: Backend, who: &str) -> Result<Backend, Error> {
    let reply = backend.login(who.into(), "demo".into()).await?;
    backend.set_token(Some(reply.token));
    Ok(backend)
}

fn remote_desk(server: &orderdesk_server::Server) -> Result<Backend, Error> {
    let remote = Remote::new(&server.addr.to_string(), &server.fingerprint)?;
    Ok(Backend::server(Arc::new(remote)))
}

pub async fn run(opts: Options) -> Result<u8, Failure> {
    let path = opts.db.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("orderdesk-server-bench-{}.db", opts.orders))
    });
    prepare(&path, opts.orders)?;
    let tls = std::env::temp_dir().join(format!("orderdesk-server-bench-{}", std::process::id()));
    let server = orderdesk_server::start(orderdesk_server::Options {
        data: tls.clone(),
        db: Some(path.clone()),
        listen: "127.0.0.1:0"
            .parse()
            .map_err(|_| Error::internal("address"))?,
        discovery: orderdesk_server::Discovery::Off,
    })
    .await
    .map_err(Error::internal)?;
    let local = signed_in(Backend::this_pc(server.api().clone()), "admin").await?;
    let remote = signed_in(remote_desk(&server)?, "admin").await?;
    let compare = side_by_side(&local, &remote, opts.samples).await?;
    let load = many_desks(&server, opts.desks, opts.seconds, opts.think_ms).await?;
    let invariants_ok = local.check().await?.ok;
    let audit_chain_ok = local.audit_verify(None).await?.ok;
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&tls);
    let report = Report {
        orders: opts.orders,
        database: path,
        compare,
        load,
        invariants_ok,
        audit_chain_ok,
    };
    print(&report, opts.json);
    let clean = report.load.errors == 0 && invariants_ok && audit_chain_ok;
    Ok(if clean { 0 } else { 1 })
}

/// Rows of the active orders, page after page, for the samples.
async fn rows(b: &Backend, statuses: Vec<Status>, n: usize) -> Result<Vec<Row>, Error> {
    let mut out = Vec::new();
    let mut after = None;
    while out.len() < n {
        let page = b
            .search_orders(SearchQuery {
                statuses: statuses.clone(),
                limit: Some(500),
                after: after.clone(),
                ..Default::default()
            })
            .await?;
        out.extend(page.rows);
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    out.truncate(n);
    Ok(out)
}

/// A customer-name fragment of a row: what a clerk types.
fn fragment(row: &Row) -> String {
    row.customer.chars().skip(2).take(2).collect()
}

/// Open, search and cancel, alternately in this process and over the server.
async fn side_by_side(
    local: &Backend,
    remote: &Backend,
    samples: usize,
) -> Result<Vec<Side>, Error> {
    let sample = rows(local, Vec::new(), samples).await?;
    let cancellable = rows(local, vec![Status::Draft, Status::Confirmed], samples * 2).await?;
    let mut times: [[Vec<Duration>; 2]; 3] = Default::default();
    for (i, row) in sample.iter().enumerate() {
        for (side, b) in [local, remote].into_iter().enumerate() {
            let t = Instant::now();
            b.order_detail(row.number.clone()).await?;
            times[0][side].push(t.elapsed());
            let t = Instant::now();
            b.search_orders(SearchQuery {
                text: Some(fragment(row)),
                ..Default::default()
            })
            .await?;
            times[1][side].push(t.elapsed());
            if let Some(order) = cancellable.get(i * 2 + side) {
                let t = Instant::now();
                b.cancel_order(CancelRequest {
                    number: order.number.clone(),
                    seen_version: order.version,
                    reason_code: "duplicate".into(),
                    note: None,
                    notify_customer: false,
                    customer_message: None,
                })
                .await?;
                times[2][side].push(t.elapsed());
            }
        }
    }
    let names = [
        "open an order by number",
        "customer-name search, first page",
        "cancel one order",
    ];
    Ok(names
        .iter()
        .zip(times.iter_mut())
        .map(|(name, [here, there])| {
            let (a, b) = (percentile(here, 0.5), percentile(there, 0.5));
            Side {
                operation: name.to_string(),
                samples: here.len(),
                in_process_p50_ms: a,
                server_p50_ms: b,
                added_ms: b - a,
                target_added_ms: 2.0,
                met: b - a <= 2.0,
            }
        })
        .collect())
}

/// What one desk did: (kind, time, outcome) per call.
type Calls = Vec<(Kind, Duration, Outcome)>;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Search,
    Open,
    Mutation,
}

#[derive(Clone)]
enum Outcome {
    Done,
    /// A refusal of the rules (a conflict with another desk, say): expected.
    Refused,
    Failed(String),
}

fn outcome<T>(r: &Result<T, Error>) -> Outcome {
    match r {
        Ok(_) => Outcome::Done,
        Err(e) => match e.kind() {
            ErrorKind::Conflict
            | ErrorKind::RuleViolation
            | ErrorKind::Forbidden
            | ErrorKind::NotFound => Outcome::Refused,
            _ => Outcome::Failed(e.log_detail()),
        },
    }
}

async fn many_desks(
    server: &orderdesk_server::Server,
    desks: usize,
    seconds: u64,
    think_ms: u64,
) -> Result<Load, Error> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut running = Vec::new();
    for i in 0..desks {
        let desk = signed_in(remote_desk(server)?, &format!("clerk{:02}", i % 18 + 1)).await?;
        running.push(tokio::spawn(one_desk(desk, i, until, think_ms)));
    }
    let mut all: Calls = Vec::new();
    for r in running {
        all.extend(r.await.map_err(|e| Error::internal(e.to_string()))??);
    }
    let pick = |k: Kind| {
        all.iter()
            .filter(|c| c.0 == k)
            .map(|c| c.1)
            .collect::<Vec<_>>()
    };
    let failures: Vec<String> = all
        .iter()
        .filter_map(|c| match &c.2 {
            Outcome::Failed(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    Ok(Load {
        desks,
        seconds,
        think_ms,
        calls_per_second: all.len() as f64 / seconds.max(1) as f64,
        calls: all.len(),
        errors: failures.len(),
        refused: all
            .iter()
            .filter(|c| matches!(c.2, Outcome::Refused))
            .count(),
        first_errors: failures.into_iter().take(5).collect(),
        search: timing(pick(Kind::Search), 50.0),
        open: timing(pick(Kind::Open), 50.0),
        mutation: timing(pick(Kind::Mutation), 30.0),
    })
}

/// One simulated desk: 70% search, 20% open, 10% a hand-over to a colleague,
/// with its event socket open (as a real desk has), pausing about `think_ms`
/// between actions as a person does, until `until`.
async fn one_desk(
    desk: Backend,
    seed: usize,
    until: Instant,
    think_ms: u64,
) -> Result<Calls, Error> {
    let me = desk.me().await?;
    let n: usize = me.login.trim_start_matches("clerk").parse().unwrap_or(1);
    let colleague = format!("clerk{:02}", (n - 1) / 6 * 6 + (n % 6) + 1);
    let socket = match (desk.remote(), desk.token()) {
        (Some(r), Some(t)) => r.events(&t, i64::MAX).await.ok(),
        _ => None,
    };
    let drain = tokio::spawn(async move {
        if let Some(mut s) = socket {
            while s.next().await.is_some() {}
        }
    });
    let mut rng = StdRng::seed_from_u64(seed as u64);
    let mut calls = Calls::new();
    let mut seen: Vec<Row> = rows(&desk, Vec::new(), 200).await?;
    let mine = SearchQuery {
        handler: Some(me.login.clone()),
        statuses: vec![Status::Draft, Status::Confirmed, Status::Invoiced],
        limit: Some(100),
        ..Default::default()
    };
    let mut own: Vec<Row> = Vec::new();
    while Instant::now() < until {
        if think_ms > 0 {
            let pause = rng.gen_range(think_ms / 2..=think_ms * 3 / 2);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        let roll: u32 = rng.gen_range(0..100);
        let started = Instant::now();
        if roll < 70 || seen.is_empty() {
            let text = seen.get(rng.gen_range(0..seen.len().max(1))).map(fragment);
            let r = desk
                .search_orders(SearchQuery {
                    text,
                    ..Default::default()
                })
                .await;
            if let Ok(page) = &r
                && !page.rows.is_empty()
            {
                seen = page.rows.clone();
            }
            calls.push((Kind::Search, started.elapsed(), outcome(&r)));
        } else if roll < 90 {
            let row = &seen[rng.gen_range(0..seen.len())];
            let r = desk.order_detail(row.number.clone()).await;
            calls.push((Kind::Open, started.elapsed(), outcome(&r)));
        } else {
            if own.is_empty() {
                // The desk's own work list, as a clerk would call it up.
                let r = desk.search_orders(mine.clone()).await;
                if let Ok(page) = &r {
                    own = page.rows.clone();
                }
                calls.push((Kind::Search, started.elapsed(), outcome(&r)));
                continue;
            }
            let row = own.swap_remove(rng.gen_range(0..own.len()));
            let started = Instant::now();
            let r = desk
                .reassign_order(
                    row.number.clone(),
                    row.version,
                    Target::User(colleague.clone()),
                    None,
                )
                .await;
            calls.push((Kind::Mutation, started.elapsed(), outcome(&r)));
        }
    }
    drain.abort();
    let _ = desk.logout().await;
    Ok(calls)
}

fn print(r: &Report, json: bool) {
    if json {
        output::json(r);
        return;
    }
    println!(
        "OrderDesk server benchmark: {} orders ({}), over loopback with TLS",
        r.orders,
        r.database.display()
    );
    let rows: Vec<Vec<String>> = r
        .compare
        .iter()
        .map(|s| {
            vec![
                s.operation.clone(),
                s.samples.to_string(),
                format!("{:.3}", s.in_process_p50_ms),
                format!("{:.3}", s.server_p50_ms),
                format!("{:+.3}", s.added_ms),
                if s.met { "yes".into() } else { "NO".into() },
            ]
        })
        .collect();
    table(
        &[
            "operation",
            "n",
            "in-process p50",
            "server p50",
            "added (≤ 2 ms)",
            "met",
        ],
        &rows,
    );
    let l = &r.load;
    println!(
        "\n{} desks for {} s, about {} ms between a desk's actions: {} calls ({:.0}/s), {} errors, {} refused by the rules (conflicts between desks)",
        l.desks, l.seconds, l.think_ms, l.calls, l.calls_per_second, l.errors, l.refused
    );
    let rows: Vec<Vec<String>> = [
        ("search", &l.search),
        ("open", &l.open),
        ("mutation", &l.mutation),
    ]
    .iter()
    .map(|(name, t)| {
        vec![
            name.to_string(),
            t.n.to_string(),
            format!("{:.2}", t.p50_ms),
            format!("{:.2}", t.p95_ms),
            format!("< {}", t.target_p95_ms),
            if t.met { "yes".into() } else { "NO".into() },
        ]
    })
    .collect();
    table(
        &["under load", "n", "p50 ms", "p95 ms", "target p95", "met"],
        &rows,
    );
    for e in &l.first_errors {
        println!("error: {e}");
    }
    println!(
        "invariants: {}; audit chain: {}",
        if r.invariants_ok { "hold" } else { "BROKEN" },
        if r.audit_chain_ok { "intact" } else { "BROKEN" }
    );
}
