//! The deterministic demo-data generator: departments, users (password
//! `demo`), customers with Chinese and Latin names, products, and orders in
//! every status whose lines, reservations, invoices, payments, events and
//! archive rows agree with each other — the invariants hold right after a seed.
//!
//! The same seed and anchor date give the same data. Bulk-loaded through
//! `store::bulk` in chunks of `CHUNK` orders, each one transaction.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::auth::hash_password;
use crate::domain::{Lang, Role, Status};
use crate::error::{Error, Msg, Result};
use crate::names::{initials, latin};
use crate::store::{self, Store, bulk, events::NewEvent};

const CHUNK: usize = 20_000;
/// Orders at or above this total need approval when a clerk cancels them.
const THRESHOLD: i64 = 5_000_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub orders: usize,
    pub seed: u64,
    /// "Today" for the generated history; orders lie in the three years before.
    pub anchor: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SeedReport {
    pub users: usize,
    pub customers: usize,
    pub products: usize,
    pub orders: usize,
    pub archived: usize,
    pub events: i64,
}

struct Dept {
    id: i64,
    manager: (i64, String),
    clerks: Vec<(i64, String)>,
}

const DEPARTMENTS: [(&str, &str, &str, &str); 3] = [
    ("华东销售部", "East China Sales", "mgr.east", "陈明"),
    ("华北销售部", "North China Sales", "mgr.north", "赵磊"),
    ("大客户部", "Key Accounts", "mgr.key", "周婷"),
];
const CLERK_NAMES: [&str; 18] = [
    "王芳", "李娜", "张伟", "刘洋", "杨静", "黄磊", "吴敏", "徐强", "孙丽", "马超", "朱琳", "胡军",
    "郭亮", "何欣", "高峰", "林涛", "罗燕", "梁斌",
];
const CITIES: [&str; 16] = [
    "上海", "北京", "杭州", "深圳", "广州", "南京", "苏州", "成都", "武汉", "天津", "西安", "福州",
    "青岛", "厦门", "宁波", "合肥",
];
const BRANDS: [&str; 24] = [
    "华联", "宏达", "金鼎", "恒信", "东方", "瑞丰", "新星", "远航", "天成", "嘉禾", "永盛", "鼎盛",
    "博远", "安泰", "明珠", "润发", "聚源", "伟业", "正通", "海纳", "万象", "晨光", "锦程", "同创",
];
const INDUSTRIES: [(&str, &str); 10] = [
    ("贸易", "Trading"),
    ("科技", "Technology"),
    ("电子", "Electronics"),
    ("实业", "Industrial"),
    ("商贸", "Commerce"),
    ("机械", "Machinery"),
    ("食品", "Foods"),
    ("物流", "Logistics"),
    ("办公设备", "Office Supplies"),
    ("建材", "Building Materials"),
];
const SURNAMES: [&str; 20] = [
    "张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "三", "四", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀英",
];
const FOREIGN: [&str; 12] = [
    "Acme Trading GmbH",
    "Northwind Traders Ltd.",
    "Blue Harbor Imports Inc.",
    "Maple Leaf Supplies Co.",
    "Sakura Office K.K.",
    "Alpine Tools AG",
    "Sunrise Electronics Pte. Ltd.",
    "Baltic Freight OÜ",
    "Rio Verde Comercial Ltda.",
    "Kiwi Office Solutions Ltd.",
    "Nordic Paper AB",
    "Lyon Bureau SARL",
];
const PRODUCTS: [(&str, &str, i64, i64); 24] = [
    ("办公椅", "Office chair", 39_900, 259_900),
    ("办公桌", "Office desk", 89_900, 499_900),
    ("显示器", "Monitor", 99_900, 599_900),
    ("笔记本电脑", "Laptop", 399_900, 1_999_900),
    ("台式电脑", "Desktop PC", 299_900, 1_299_900),
    ("激光打印机", "Laser printer", 129_900, 899_900),
    ("硒鼓", "Toner cartridge", 19_900, 89_900),
    ("打印纸", "Copy paper (box)", 9_900, 29_900),
    ("路由器", "Router", 19_900, 259_900),
    ("交换机", "Network switch", 59_900, 1_599_900),
    ("投影仪", "Projector", 249_900, 1_299_900),
    ("碎纸机", "Shredder", 49_900, 259_900),
    ("文件柜", "Filing cabinet", 69_900, 299_900),
    ("白板", "Whiteboard", 19_900, 99_900),
    ("会议电话", "Conference phone", 99_900, 699_900),
    ("扫描仪", "Scanner", 89_900, 499_900),
    ("不间断电源", "UPS", 79_900, 599_900),
    ("移动硬盘", "Portable drive", 29_900, 159_900),
    ("键盘鼠标套装", "Keyboard and mouse set", 9_900, 59_900),
    ("耳机", "Headset", 9_900, 129_900),
    ("摄像头", "Webcam", 19_900, 99_900),
    ("服务器", "Server", 1_999_900, 4_999_900),
    ("平板电脑", "Tablet", 199_900, 899_900),
    ("复印机", "Copier", 999_900, 3_999_900),
];
const REASONS: [(&str, u32); 6] = [
    ("customer_request", 40),
    ("out_of_stock", 20),
    ("price_error", 12),
    ("duplicate", 10),
    ("fraud_suspicion", 3),
    ("other", 15),
];
const NOTES: [&str; 8] = [
    "客户改为下月采购",
    "客户重复下单",
    "报价有误，需重新报价",
    "库存不足，客户不愿等待",
    "客户预算调整",
    "项目取消",
    "Customer switched to another supplier",
    "Customer asked to combine with a later order",
];

struct Customer {
    name: String,
    name_latin: String,
    email: Option<String>,
    language: Lang,
}

fn make_customer(rng: &mut StdRng, i: usize) -> Customer {
    // The first three are the textbook names, so `zs` finds 张三.
    if i < 3 {
        let (surname, given) = [("张", "三"), ("李", "四"), ("王", "五")][i];
        let name = format!("{surname}{given}");
        return Customer {
            name_latin: format!("{} {}", latin(surname), latin(given)),
            email: Some(format!("customer{i}@example.cn")),
            name,
            language: Lang::ZhCn,
        };
    }
    let roll = rng.gen_range(0..100);
    if roll < 8 {
        let base = FOREIGN[rng.gen_range(0..FOREIGN.len())];
        let name = if i >= FOREIGN.len() {
            format!("{base} ({})", i % 97)
        } else {
            base.to_string()
        };
        return Customer {
            name_latin: name.clone(),
            name,
            email: Some(format!("orders{i}@example.com")),
            language: Lang::En,
        };
    }
    if roll < 25 {
        let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let name = format!("{surname}{given}");
        return Customer {
            name_latin: format!("{} {}", latin(surname), latin(given)),
            name,
            email: None,
            language: Lang::ZhCn,
        };
    }
    let city = CITIES[rng.gen_range(0..CITIES.len())];
    let brand = BRANDS[rng.gen_range(0..BRANDS.len())];
    let (industry_zh, industry_en) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
    Customer {
        name: format!("{city}{brand}{industry_zh}有限公司"),
        name_latin: format!("{} {} {industry_en} Co., Ltd.", latin(city), latin(brand)),
        email: Some(format!("purchase{i}@example.cn")),
        language: Lang::ZhCn,
    }
}

fn stamp(t: NaiveDateTime) -> String {
    store::stamp(Utc.from_utc_datetime(&t))
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    &items[items.len() - 1].0
}

/// Fills an empty database with demo data.
/// The settings key that says the database holds the demo data.
pub const DEMO_MARKER: &str = "demo_data";

/// Whether the database was filled with the demo data (its users and their
/// shared password "demo").
pub fn holds_demo_data(store: &Store) -> Result<bool> {
    store.read(|c| Ok(store::settings::get(c, DEMO_MARKER)?.is_some()))
}

pub fn seed(store: &Store, opts: &SeedOptions) -> Result<SeedReport> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let already = store.read(|c| store::users::count(c))?;
    if already > 0 {
        return Err(Error::rule(Msg::NotEmpty));
    }
    let hash = hash_password("demo")?;
    let depts = store.write(|tx| {
        // Again inside the transaction: someone may have set the database up
        // (a first administrator) since the look above.
        if store::users::count(tx)? > 0 {
            return Err(Error::rule(Msg::NotEmpty));
        }
        // The login page names the demo users only where they exist.
        store::settings::put(tx, DEMO_MARKER, "true")?;
        let mut depts = Vec::new();
        let mut clerk_no = 0;
        let mut admin_created = false;
        for (zh, en, manager_login, manager_name) in DEPARTMENTS {
            let id = store::users::insert_department(tx, zh, en)?;
            if !admin_created {
                new_user(tx, "admin", "系统管理员", Role::Admin, id, &hash)?;
                admin_created = true;
            }
            let manager = new_user(tx, manager_login, manager_name, Role::Manager, id, &hash)?;
            let mut clerks = Vec::new();
            for _ in 0..6 {
                let login = format!("clerk{:02}", clerk_no + 1);
                let uid = new_user(tx, &login, CLERK_NAMES[clerk_no], Role::Clerk, id, &hash)?;
                clerks.push((uid, login));
                clerk_no += 1;
            }
            depts.push(Dept {
                id: id.0,
                manager: (manager.0, manager_login.to_string()),
                clerks: clerks.into_iter().map(|(u, l)| (u.0, l)).collect(),
            });
        }
        Ok(depts)
    })?;

    let customer_count = (opts.orders / 10).max(30);
    store.write(|tx| {
        for i in 0..customer_count {
            let c = make_customer(&mut rng, i);
            store::customers::insert(
                tx,
                &store::customers::NewCustomer {
                    code: None,
                    name: &c.name,
                    name_latin: &c.name_latin,
                    initials: &initials(&c.name),
                    contact: None,
                    email: c.email.as_deref(),
                    phone: Some(&format!(
                        "1{:010}",
                        rng.gen_range(3_000_000_000u64..9_999_999_999)
                    )),
                    language: c.language,
                },
            )?;
        }
        Ok(())
    })?;

    let mut products = Vec::new();
    store.write(|tx| {
        for (k, (zh, en, low, high)) in PRODUCTS.iter().enumerate() {
            for m in 0..10 {
                let model = format!("{}{}", (b'A' + (k % 26) as u8) as char, 100 + m * 10);
                let price = (rng.gen_range(*low..=*high) / 100) * 100;
                let id = store::products::insert_product(
                    tx,
                    &format!("P-{:02}{:02}", k + 1, m + 1),
                    &format!("{zh} {model}"),
                    &format!("{en} {model}"),
                    price,
                    0,
                )?;
                products.push((id.0, price));
            }
        }
        Ok(())
    })?;

    // Dates first, sorted, so that numbers grow with dates.
    let mut dates: Vec<NaiveDate> = (0..opts.orders)
        .map(|_| opts.anchor - Duration::days(rng.gen_range(0..1000)))
        .collect();
    dates.sort();
    let mut generator = Generator {
        rng,
        depts,
        products,
        customers: customer_count as i64,
        anchor: opts.anchor.and_hms_opt(18, 0, 0).unwrap_or_default(),
        head: store.read(|c| store::events::head(c))?,
        next_line: 1,
        next_movement: 1,
        next_finance: 1,
        year_seq: std::collections::BTreeMap::new(),
        archived: 0,
    };
    for (chunk_no, chunk) in dates.chunks(CHUNK).enumerate() {
        store.write(|tx| {
            for (k, date) in chunk.iter().enumerate() {
                generator.order(tx, (chunk_no * CHUNK + k + 1) as i64, *date)?;
            }
            Ok(())
        })?;
    }
    store.write(|tx| {
        for (year, seq) in &generator.year_seq {
            store::orders::set_counter(tx, *year, *seq)?;
        }
        bulk::bump_sequences(tx)?;
        let spare_seed = opts.seed;
        bulk::settle_stock(tx, |id| {
            50 + ((id as u64 * 7919 + spare_seed) % 3000) as i64
        })?;
        store::archive::rebuild_stats(tx)
    })?;
    store.optimize()?;
    let events = store.read(|c| store::events::count(c))?;
    Ok(SeedReport {
        users: 1 + DEPARTMENTS.len() * 7,
        customers: customer_count,
        products: PRODUCTS.len() * 10,
        orders: opts.orders,
        archived: generator.archived,
        events,
    })
}

fn new_user(
    c: &rusqlite::Connection,
    login: &str,
    name: &str,
    role: Role,
    dept: crate::domain::DepartmentId,
    hash: &str,
) -> Result<crate::domain::UserId> {
    store::users::insert(
        c,
        &store::users::NewUser {
            login,
            display_name: name,
            role,
            department_id: dept,
            password_hash: hash,
        },
    )
}

struct Generator {
    rng: StdRng,
    depts: Vec<Dept>,
    products: Vec<(i64, i64)>,
    customers: i64,
    anchor: NaiveDateTime,
    head: String,
    next_line: i64,
    next_movement: i64,
    next_finance: i64,
    year_seq: std::collections::BTreeMap<i32, i64>,
    archived: usize,
}

/// The events of one generated order, before it is written.
struct Step {
    kind: &'static str,
    actor: (i64, String),
    at: NaiveDateTime,
    from: Option<Status>,
    to: Option<Status>,
    reason: Option<&'static str>,
    note: Option<&'static str>,
    data: Option<String>,
}

impl Generator {
    fn later(&mut self, t: NaiveDateTime, min_h: i64, max_h: i64) -> NaiveDateTime {
        let next = t + Duration::hours(self.rng.gen_range(min_h..=max_h));
        next.min(self.anchor)
    }

    fn order(&mut self, c: &rusqlite::Connection, id: i64, date: NaiveDate) -> Result<()> {
        let rng = &mut self.rng;
        let age = (self.anchor.date() - date).num_days();
        let dept_ix = rng.gen_range(0..self.depts.len());
        // The textbook names (张三, 李四, 王五) buy often, so demos find them.
        let customer = if rng.gen_range(0..100) < 2 {
            rng.gen_range(1..=3)
        } else {
            rng.gen_range(1..=self.customers)
        };
        let clerk_ix = rng.gen_range(0..self.depts[dept_ix].clerks.len());
        let rep_ix = rng.gen_range(0..self.depts[dept_ix].clerks.len());
        let dept = &self.depts[dept_ix];
        let handler = dept.clerks[clerk_ix].clone();
        let manager = dept.manager.clone();
        let sales_rep = dept.clerks[rep_ix].0;
        let dept_id = dept.id;

        // Final status by age: old orders are closed and mostly archived.
        let (status, cancelled_from) = if age > 120 {
            if rng.gen_range(0..100) < 84 {
                (Status::Completed, None)
            } else {
                (
                    Status::Cancelled,
                    Some(*weighted(
                        rng,
                        &[
                            (Status::Draft, 35),
                            (Status::Confirmed, 40),
                            (Status::Invoiced, 25),
                        ],
                    )),
                )
            }
        } else {
            let s = *weighted(
                rng,
                &[
                    (Status::Draft, 8 + (age < 10) as u32 * 20),
                    (Status::Confirmed, 15),
                    (Status::Invoiced, 15),
                    (Status::Shipped, 14),
                    (Status::Completed, 30),
                    (Status::Cancelled, 10),
                    (Status::CancelPending, 3),
                ],
            );
            let from = match s {
                Status::Cancelled => Some(*weighted(
                    rng,
                    &[
                        (Status::Draft, 35),
                        (Status::Confirmed, 40),
                        (Status::Invoiced, 25),
                    ],
                )),
                Status::CancelPending => Some(*weighted(
                    rng,
                    &[(Status::Confirmed, 50), (Status::Invoiced, 50)],
                )),
                _ => None,
            };
            (s, from)
        };
        let archived = age > 200 && status.is_closed() && rng.gen_range(0..100) < 92;
        // Furthest forward step reached.
        let reached = cancelled_from.unwrap_or(status);
        let rank = |s: Status| match s {
            Status::Draft => 0,
            Status::Confirmed => 1,
            Status::Invoiced => 2,
            Status::Shipped => 3,
            _ => 4,
        };
        let reached_rank = rank(reached);

        let mut lines = Vec::new();
        // Most orders stay under the approval threshold; some go well over.
        let big = rng.gen_range(0..100) < 20;
        for _ in 0..rng.gen_range(1..=3) {
            let (pid, price) = self.products[rng.gen_range(0..self.products.len())];
            if lines.iter().any(|(p, _, _)| *p == pid) {
                continue;
            }
            let qty = match (big, price > 500_000) {
                (true, _) => rng.gen_range(2..=12),
                (false, true) => 1,
                (false, false) => rng.gen_range(1..=4),
            };
            lines.push((pid, qty, price));
        }
        let total: i64 = lines.iter().map(|(_, q, p)| q * p).sum();

        let year = date.year();
        let seq = self.year_seq.entry(year).or_insert(0);
        *seq += 1;
        let number = format!("SO-{year}-{:06}", *seq);
        let created = date
            .and_hms_opt(
                rng.gen_range(8..18),
                rng.gen_range(0..60),
                rng.gen_range(0..60),
            )
            .unwrap_or_default()
            .min(self.anchor);

        let mut steps = vec![Step {
            kind: "created",
            actor: handler.clone(),
            at: created,
            from: None,
            to: Some(Status::Draft),
            reason: None,
            note: None,
            data: None,
        }];
        let mut t = created;
        let mut confirmed_at = None;
        let mut invoiced_at = None;
        let mut shipped_at = None;
        let path = [
            Status::Confirmed,
            Status::Invoiced,
            Status::Shipped,
            Status::Completed,
        ];
        let mut prev = Status::Draft;
        for next in path.iter().take(reached_rank) {
            t = self.later(t, 4, 72);
            match next {
                Status::Confirmed => confirmed_at = Some(t),
                Status::Invoiced => invoiced_at = Some(t),
                Status::Shipped => shipped_at = Some(t),
                _ => {}
            }
            steps.push(Step {
                kind: "status_changed",
                actor: handler.clone(),
                at: t,
                from: Some(prev),
                to: Some(*next),
                reason: None,
                note: None,
                data: None,
            });
            prev = *next;
        }
        // A few orders changed hands on the way: the first handler watches.
        let rng = &mut self.rng;
        let mut current_handler = Some(handler.clone());
        let mut watcher = None;
        if rng.gen_range(0..100) < 5 {
            let other = self.depts[dept_ix].clerks
                [(clerk_ix + 1) % self.depts[dept_ix].clerks.len()]
            .clone();
            let at = steps[0].at + Duration::minutes(30);
            steps.insert(
                1,
                Step {
                    kind: "reassigned",
                    actor: handler.clone(),
                    at: at.min(self.anchor),
                    from: None,
                    to: None,
                    reason: None,
                    note: Some("交接给同事跟进"),
                    data: Some(
                        serde_json::json!({ "from_handler": handler.1, "to_handler": other.1 })
                            .to_string(),
                    ),
                },
            );
            watcher = Some((handler.0, at));
            current_handler = Some(other);
        } else if matches!(status, Status::Draft | Status::Confirmed) && rng.gen_range(0..100) < 4 {
            current_handler = None;
        }
        let handler_now = current_handler.clone().unwrap_or_else(|| handler.clone());

        let mut reason = None;
        let mut note = None;
        let mut requested = None;
        let mut closed = None;
        let mut paid = false;
        if let Some(from) = cancelled_from {
            let code = *weighted(rng, &REASONS);
            reason = Some(code);
            if code == "other" || rng.gen_range(0..100) < 40 {
                note = Some(NOTES[rng.gen_range(0..NOTES.len())]);
            }
            paid = from == Status::Invoiced && rng.gen_range(0..100) < 30;
            let at = {
                let t2 = t + Duration::hours(rng.gen_range(2..=240));
                t2.min(self.anchor)
            };
            let needs_approval = from == Status::Invoiced || total >= THRESHOLD;
            if status == Status::CancelPending || needs_approval {
                steps.push(Step {
                    kind: "cancel_requested",
                    actor: handler_now.clone(),
                    at,
                    from: Some(from),
                    to: Some(Status::CancelPending),
                    reason,
                    note,
                    data: None,
                });
                requested = Some((handler_now.0, at));
            }
            if status == Status::Cancelled {
                let at2 = if needs_approval {
                    (at + Duration::hours(rng.gen_range(1..=48))).min(self.anchor)
                } else {
                    at
                };
                let (kind, actor, from_s) = if needs_approval {
                    ("cancel_approved", manager.clone(), Status::CancelPending)
                } else {
                    ("cancelled", handler_now.clone(), from)
                };
                steps.push(Step {
                    kind,
                    actor,
                    at: at2,
                    from: Some(from_s),
                    to: Some(Status::Cancelled),
                    reason,
                    note,
                    data: None,
                });
                closed = Some(at2);
            }
        } else if status == Status::Completed {
            closed = Some(t);
            paid = true;
        } else if status == Status::Shipped {
            paid = rng.gen_range(0..100) < 70;
        } else if status == Status::Invoiced {
            paid = rng.gen_range(0..100) < 30;
        }
        if archived {
            let at = closed
                .map(|c| (c + Duration::days(rng.gen_range(30..120))).min(self.anchor))
                .unwrap_or(self.anchor);
            steps.push(Step {
                kind: "archived",
                actor: manager.clone(),
                at,
                from: Some(status),
                to: Some(Status::Archived),
                reason: None,
                note: None,
                data: Some(serde_json::json!({ "closed_as": status.code() }).to_string()),
            });
            self.archived += 1;
        }
        let last = steps.iter().map(|s| s.at).max().unwrap_or(created);
        let version = steps.len() as i64;
        let last_actor = steps.last().map(|s| s.actor.0);

        let created_s = stamp(created);
        let updated_s = stamp(last);
        let closed_s = closed.map(stamp);
        let requested_at_s = requested.map(|(_, at)| stamp(at));
        bulk::order(
            c,
            &bulk::LoadOrder {
                id,
                number: &number,
                customer_id: customer,
                handler_id: current_handler.as_ref().map(|h| h.0),
                department_id: dept_id,
                sales_rep_id: sales_rep,
                status: status.code(),
                status_before_cancel: cancelled_from.map(Status::code),
                total_minor: total,
                order_date: &date.to_string(),
                created_at: &created_s,
                updated_at: &updated_s,
                updated_by: last_actor,
                closed_at: closed_s.as_deref(),
                version,
                cancel_reason_code: reason,
                cancel_note: note,
                cancel_requested_by: requested.map(|(u, _)| u).filter(|_| !archived),
                cancel_requested_at: requested_at_s.as_deref().filter(|_| !archived),
                archived,
            },
        )?;
        for (no, (pid, qty, price)) in lines.iter().enumerate() {
            bulk::line(
                c,
                archived,
                self.next_line,
                id,
                no as i64 + 1,
                *pid,
                *qty,
                *price,
            )?;
            self.next_line += 1;
        }
        let movement = |kind: &str, at: NaiveDateTime, this: &mut Generator| -> Result<()> {
            let at = stamp(at);
            for (pid, qty, _) in &lines {
                bulk::movement(c, archived, this.next_movement, id, *pid, kind, *qty, &at)?;
                this.next_movement += 1;
            }
            Ok(())
        };
        if let Some(at) = confirmed_at {
            movement("reserve", at, self)?;
        }
        if let Some(at) = shipped_at {
            movement("ship", at, self)?;
        }
        if matches!(cancelled_from, Some(Status::Confirmed | Status::Invoiced))
            && status == Status::Cancelled
        {
            movement("release", closed.unwrap_or(last), self)?;
        }
        let seq_part = number.trim_start_matches("SO-").to_string();
        let finance = |kind: &str,
                       reference: String,
                       amount: i64,
                       at: NaiveDateTime,
                       this: &mut Generator| {
            let r = bulk::finance(
                c,
                archived,
                this.next_finance,
                id,
                kind,
                &reference,
                amount,
                &stamp(at),
            );
            this.next_finance += 1;
            r
        };
        if let Some(at) = invoiced_at {
            finance("invoice", format!("INV-{seq_part}"), total, at, self)?;
            if paid {
                let pay_at = (at + Duration::days(3)).min(self.anchor);
                finance("payment", format!("PAY-{seq_part}"), total, pay_at, self)?;
            }
            if status == Status::Cancelled {
                let at = closed.unwrap_or(last);
                finance("credit_note", format!("CN-{seq_part}"), -total, at, self)?;
                if paid {
                    finance("refund_due", format!("RF-{seq_part}"), -total, at, self)?;
                }
            }
        }
        if let Some((user, since)) = watcher {
            bulk::add_watcher(c, id, user, &stamp(since))?;
        }
        for step in &steps {
            let at = stamp(step.at);
            self.head = store::events::append_after(
                c,
                &self.head,
                &NewEvent {
                    order_id: id,
                    order_number: &number,
                    kind: step.kind,
                    actor_id: Some(crate::domain::UserId(step.actor.0)),
                    actor_login: Some(&step.actor.1),
                    at: &at,
                    from: step.from,
                    to: step.to,
                    reason_code: step.reason,
                    note: step.note,
                    data: step.data.clone(),
                },
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_initials_and_latin() {
        assert_eq!(initials("张三"), "zs");
        assert!(initials("上海华联贸易有限公司").starts_with("shhlmyyxgs"));
        assert_eq!(latin("上海"), "Shanghai");
    }
}
