//! `orderdesk-cli import-bench`: a new site's first day, timed. In a new
//! database of its own (a temporary folder, never a working file) it writes
//! XLSX files of N customers, P products and O orders of three lines each,
//! imports them as an administrator would (read, map, make the job, run it
//! in batches), then times the customer and product pickers keystroke by
//! keystroke. A benchmark, not a test: targets from issue "a site runs on
//! its own orders" (orders import < 60 s; a picker keystroke < 20 ms).

use std::time::{Duration, Instant};

use orderdesk_core::auth::{self, Session};
use orderdesk_core::import::{self, ImportKind, Upload};
use orderdesk_core::{Error, Store, admin, customers, jobs, products};
use rust_xlsxwriter::Workbook;
use serde::Serialize;

use crate::Failure;
use crate::output::{self, table};

const LINES_PER_ORDER: usize = 3;
/// Records per transaction, as the desk runs an import.
const BATCH: usize = 2500;
const IMPORT_TARGET_S: f64 = 60.0;
const PICKER_TARGET_MS: f64 = 20.0;

const CITIES: [&str; 12] = [
    "上海", "北京", "广州", "深圳", "厦门", "重庆", "长沙", "成都", "杭州", "南京", "武汉", "西安",
];
const BRANDS: [&str; 16] = [
    "宏达",
    "华联",
    "东方",
    "润发",
    "长城",
    "新世纪",
    "恒通",
    "瑞丰",
    "金桥",
    "天成",
    "万佳",
    "永信",
    "博远",
    "中诚",
    "佳美",
    "鼎盛",
];
const TRADES: [&str; 8] = [
    "贸易",
    "实业",
    "办公设备",
    "科技",
    "商贸",
    "文具",
    "物流",
    "电子",
];
const GOODS: [&str; 10] = [
    "订书机",
    "复印纸",
    "白板笔",
    "文件柜",
    "碎纸机",
    "办公椅",
    "计算器",
    "打印机",
    "档案盒",
    "投影仪",
];

#[derive(Serialize)]
struct Step {
    step: String,
    records: usize,
    seconds: f64,
    target_seconds: Option<f64>,
}

#[derive(Serialize)]
struct Keystrokes {
    picker: String,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    target_ms: f64,
    met: bool,
    /// The three slowest keystrokes: what had been typed, and ms.
    slowest: Vec<(String, f64)>,
}

#[derive(Serialize)]
struct Report {
    customers: usize,
    products: usize,
    orders: usize,
    lines: usize,
    file_mb: f64,
    steps: Vec<Step>,
    pickers: Vec<Keystrokes>,
    peak_rss_mb: Option<f64>,
}

fn fail(e: impl std::fmt::Display) -> Error {
    Error::internal(e.to_string())
}

/// Writes rows to an XLSX file in memory, numbers as numbers.
fn xlsx(headers: &[&str], rows: impl Iterator<Item = Vec<Cell>>) -> Result<Vec<u8>, Error> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(fail)?;
    }
    for (r, row) in rows.enumerate() {
        for (c, cell) in row.into_iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, t).map_err(fail)?,
                Cell::Number(n) => sheet.write_number(r, c, n).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}

enum Cell {
    Text(String),
    Number(f64),
}

fn customers_file(n: usize) -> Result<Vec<u8>, Error> {
    xlsx(
        &["客户编码", "客户名称", "联系人", "电话", "邮箱"],
        (0..n).map(|i| {
            let name = format!(
                "{}{}{}有限公司{}",
                CITIES[i % CITIES.len()],
                BRANDS[(i / CITIES.len()) % BRANDS.len()],
                TRADES[(i / 7) % TRADES.len()],
                i / (CITIES.len() * BRANDS.len()),
            );
            vec![
                Cell::Text(format!("K{i:06}")),
                Cell::Text(name),
                Cell::Text("王经理".into()),
                Cell::Text(format!("021-{:08}", 5_000_000 + i)),
                Cell::Text(format!("buyer{i}@example.cn")),
            ]
        }),
    )
}

fn products_file(n: usize) -> Result<Vec<u8>, Error> {
    xlsx(
        &["SKU", "名称", "英文名称", "单价", "库存"],
        (0..n).map(|i| {
            vec![
                Cell::Text(format!("P-{i:06}")),
                Cell::Text(format!("{} {}型", GOODS[i % GOODS.len()], i / GOODS.len())),
                Cell::Text(format!("Item {i}")),
                Cell::Number(((i % 500) as f64) + 9.9),
                Cell::Number(1_000_000.0),
            ]
        }),
    )
}

/// Orders of every importable status; confirmed and invoiced ones reserve.
fn orders_file(orders: usize, customers: usize, products: usize) -> Result<Vec<u8>, Error> {
    const STATUSES: [&str; 6] = [
        "completed",
        "completed",
        "cancelled",
        "confirmed",
        "invoiced",
        "draft",
    ];
    xlsx(
        &[
            "订单号",
            "客户编码",
            "下单日期",
            "状态",
            "处理人",
            "SKU",
            "数量",
            "单价",
        ],
        (0..orders * LINES_PER_ORDER).map(|row| {
            let (o, line) = (row / LINES_PER_ORDER, row % LINES_PER_ORDER);
            vec![
                Cell::Text(format!("OLD-{o:07}")),
                Cell::Text(format!("K{:06}", (o * 7) % customers)),
                Cell::Text(format!("2025-{:02}-{:02}", o % 12 + 1, o % 28 + 1)),
                Cell::Text(STATUSES[o % STATUSES.len()].into()),
                Cell::Text("clerk".into()),
                Cell::Text(format!("P-{:06}", (o * 3 + line * 11) % products)),
                Cell::Number((line + 1) as f64),
                Cell::Number(12.5),
            ]
        }),
    )
}

/// Imports a file to its end; how long it took and how many records went in.
fn import_file(
    store: &Store,
    s: &Session,
    kind: ImportKind,
    data: Vec<u8>,
) -> Result<(Duration, usize), Error> {
    let file = Upload {
        name: format!("{}.xlsx", kind.code()),
        data,
    };
    let start = Instant::now();
    let sheet = import::inspect(s, kind, &file)?;
    let job = import::start(store, s, kind, &file, &sheet.mapping)?;
    let done = jobs::run(store, s, &job.id, BATCH, &mut |_| true)?;
    if done.refused > 0 {
        let first = jobs::results(store, s, &job.id, "refused", 1, 0)?;
        return Err(Error::internal(format!(
            "{} {} refused, such as {first:?}",
            done.refused,
            kind.code()
        )));
    }
    Ok((start.elapsed(), done.done as usize))
}

fn keystrokes(name: &str, typed: Vec<(String, Duration)>) -> Keystrokes {
    let mut slow = typed.clone();
    slow.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    slow.dedup_by(|a, b| a.0 == b.0);
    let slowest = slow
        .into_iter()
        .take(3)
        .map(|(t, d)| (t, d.as_secs_f64() * 1e3))
        .collect();
    let mut times: Vec<Duration> = typed.into_iter().map(|(_, d)| d).collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    let p95 = at(0.95);
    Keystrokes {
        picker: name.into(),
        samples: times.len(),
        p50_ms: at(0.5),
        p95_ms: p95,
        target_ms: PICKER_TARGET_MS,
        met: p95 <= PICKER_TARGET_MS,
        slowest,
    }
}

/// Every prefix of each text, as it is typed key by key, five times over.
fn typed(texts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..5 {
        for t in texts {
            let chars: Vec<char> = t.chars().collect();
            out.extend((1..=chars.len()).map(|n| chars[..n].iter().collect::<String>()));
        }
    }
    out
}

fn pickers(store: &Store, s: &Session) -> Result<Vec<Keystrokes>, Error> {
    let mut customer_times = Vec::new();
    for text in typed(&[
        "上海宏达",
        "厦门东方办公",
        "shhd",
        "K0012",
        "有限公司",
        "buyer",
    ]) {
        let start = Instant::now();
        customers::find(store, s, &text, false, 20)?;
        customer_times.push((text, start.elapsed()));
    }
    let mut product_times = Vec::new();
    for text in typed(&["订书机", "P-0012", "复印纸 3", "Item 4", "型"]) {
        let start = Instant::now();
        products::find(store, s, &text, false, 20)?;
        product_times.push((text, start.elapsed()));
    }
    Ok(vec![
        keystrokes("customer picker", customer_times),
        keystrokes("product picker", product_times),
    ])
}

pub fn run(customers: usize, products: usize, orders: usize, json: bool) -> Result<u8, Failure> {
    let dir = tempfile::tempdir().map_err(fail)?;
    let store = Store::open(dir.path().join("orderdesk.db"))?;
    auth::create_first_admin(&store, "admin", "Administrator", "import-bench")?;
    let s = auth::session_for(&store, "admin")?;
    admin::create_user(
        &store,
        &s,
        &admin::NewUser {
            login: "clerk".into(),
            display_name: "Clerk".into(),
            role: orderdesk_core::domain::Role::Clerk,
            department_id: s.department_id,
            password: "import-bench".into(),
        },
    )?;
    eprintln!("writing {customers} customers, {products} products, {orders} orders…");
    let files = [
        (ImportKind::Customers, customers_file(customers)?, customers),
        (ImportKind::Products, products_file(products)?, products),
        (
            ImportKind::Orders,
            orders_file(orders, customers, products)?,
            orders,
        ),
    ];
    let file_mb = files[2].1.len() as f64 / 1_048_576.0;
    let mut steps = Vec::new();
    for (kind, data, expected) in files {
        eprintln!("importing {}…", kind.code());
        let (took, created) = import_file(&store, &s, kind, data)?;
        if created != expected {
            return Err(Error::internal(format!(
                "{created} of {expected} {} imported",
                kind.code()
            ))
            .into());
        }
        steps.push(Step {
            step: format!("import {} (XLSX)", kind.code()),
            records: created,
            seconds: took.as_secs_f64(),
            target_seconds: (kind == ImportKind::Orders).then_some(IMPORT_TARGET_S),
        });
    }
    store.optimize()?;
    let report = Report {
        customers,
        products,
        orders,
        lines: orders * LINES_PER_ORDER,
        file_mb,
        steps,
        pickers: pickers(&store, &s)?,
        peak_rss_mb: crate::bench::peak_rss_mb(),
    };
    print(&report, json);
    Ok(0)
}

fn print(r: &Report, json: bool) {
    if json {
        output::json(r);
        return;
    }
    println!(
        "{} customers, {} products, {} orders with {} lines (orders file {:.1} MB)\n",
        r.customers, r.products, r.orders, r.lines, r.file_mb
    );
    let rows: Vec<Vec<String>> = r
        .steps
        .iter()
        .map(|s| {
            vec![
                s.step.clone(),
                s.records.to_string(),
                format!("{:.1} s", s.seconds),
                s.target_seconds
                    .map(|t| format!("< {t:.0} s {}", if s.seconds < t { "✓" } else { "✗" }))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(&["step", "records", "time", "target"], &rows);
    println!();
    let rows: Vec<Vec<String>> = r
        .pickers
        .iter()
        .map(|p| {
            vec![
                p.picker.clone(),
                p.samples.to_string(),
                format!("{:.2}", p.p50_ms),
                format!("{:.2}", p.p95_ms),
                format!("< {:.0} {}", p.target_ms, if p.met { "✓" } else { "✗" }),
                p.slowest
                    .iter()
                    .map(|(t, ms)| format!("{t} {ms:.1}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    table(
        &["keystroke", "samples", "p50 ms", "p95 ms", "target"],
        &rows,
    );
    if let Some(mb) = r.peak_rss_mb {
        println!("\npeak RSS: {mb:.0} MB");
    }
}
