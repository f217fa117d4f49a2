//! Property test: random operations by random users — cancels, approvals,
//! hand-overs, forward steps, payments, archives, copies, stock received and
//! counted, new orders — in any order; after
//! every step the rules of DESIGN.md "Rules that hold always" hold, and no
//! operation fails with a storage or internal error.

use std::sync::OnceLock;

use chrono::NaiveDate;
use orderdesk_core::auth::{self, Session};
use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::domain::{CustomerId, ProductId, Status};
use orderdesk_core::entry::{self, DraftLine, DraftOrder};
use orderdesk_core::jobs::{self, JobKind, Selection};
use orderdesk_core::lifecycle::{self, Step};
use orderdesk_core::products::{self, StockChange};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::{ErrorKind, Store, check, detail, seed};
use proptest::prelude::*;

const USERS: [&str; 8] = [
    "admin",
    "mgr.east",
    "mgr.north",
    "clerk01",
    "clerk02",
    "clerk07",
    "clerk08",
    "clerk13",
];
/// Products the stock operations pick from (the demo data has 300).
const PRODUCTS: usize = 12;
const REASONS: [&str; 4] = ["customer_request", "out_of_stock", "other", "nonsense"];

#[derive(Debug, Clone)]
enum Op {
    Cancel {
        order: usize,
        user: usize,
        reason: usize,
        stale: bool,
    },
    Approve {
        order: usize,
        user: usize,
    },
    Reject {
        order: usize,
        user: usize,
    },
    Reassign {
        order: usize,
        user: usize,
        to: usize,
    },
    ToQueue {
        order: usize,
        user: usize,
    },
    Advance {
        order: usize,
        user: usize,
    },
    Pay {
        order: usize,
        user: usize,
        amount: i64,
    },
    Archive {
        order: usize,
        user: usize,
    },
    ArchiveMany {
        user: usize,
    },
    Copy {
        order: usize,
        user: usize,
    },
    Receive {
        product: usize,
        user: usize,
        quantity: i64,
    },
    Count {
        product: usize,
        user: usize,
        on_hand: i64,
    },
    NewOrder {
        product: usize,
        user: usize,
        quantity: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let o = 0usize..60;
    let u = 0usize..USERS.len();
    prop_oneof![
        3 => (o.clone(), u.clone(), 0usize..REASONS.len(), any::<bool>()).prop_map(|(order, user, reason, stale)| Op::Cancel { order, user, reason, stale }),
        2 => (o.clone(), u.clone()).prop_map(|(order, user)| Op::Approve { order, user }),
        1 => (o.clone(), u.clone()).prop_map(|(order, user)| Op::Reject { order, user }),
        2 => (o.clone(), u.clone(), u.clone()).prop_map(|(order, user, to)| Op::Reassign { order, user, to }),
        1 => (o.clone(), u.clone()).prop_map(|(order, user)| Op::ToQueue { order, user }),
        3 => (o.clone(), u.clone()).prop_map(|(order, user)| Op::Advance { order, user }),
        1 => (o.clone(), u.clone(), 1i64..10_000_000).prop_map(|(order, user, amount)| Op::Pay { order, user, amount }),
        2 => (o.clone(), u.clone()).prop_map(|(order, user)| Op::Archive { order, user }),
        1 => u.clone().prop_map(|user| Op::ArchiveMany { user }),
        1 => (o, u.clone()).prop_map(|(order, user)| Op::Copy { order, user }),
        2 => (0usize..PRODUCTS, u.clone(), 1i64..500).prop_map(|(product, user, quantity)| Op::Receive { product, user, quantity }),
        2 => (0usize..PRODUCTS, u.clone(), 0i64..300).prop_map(|(product, user, on_hand)| Op::Count { product, user, on_hand }),
        2 => (0usize..PRODUCTS, u, 1i64..80).prop_map(|(product, user, quantity)| Op::NewOrder { product, user, quantity }),
    ]
}

/// A seeded database built once; each case works on its own copy.
fn template() -> &'static std::path::PathBuf {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("orderdesk-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("template.db");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&path).expect("open");
        seed::seed(
            &store,
            &seed::SeedOptions {
                orders: 300,
                seed: 11,
                anchor: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            },
        )
        .expect("seed");
        let copy = dir.join("template-copy.db");
        let _ = std::fs::remove_file(&copy);
        store.backup_to(&copy).expect("backup");
        copy
    })
}

fn apply(
    store: &Store,
    sessions: &[Session],
    numbers: &mut Vec<String>,
    products: &[ProductId],
    op: &Op,
) -> Result<(), orderdesk_core::Error> {
    let count = numbers.len();
    // New orders join the end of the list; older ones keep their places.
    let number = |i: usize| numbers[(count - 1).min(i) % count].clone();
    let version = |s: &Session, n: &str| detail::version(store, s, n);
    match op {
        Op::Cancel {
            order,
            user,
            reason,
            stale,
        } => {
            let s = &sessions[*user];
            let n = number(*order);
            let v = version(s, &n)? - i64::from(*stale);
            cancel::execute(
                store,
                s,
                &CancelRequest {
                    number: n,
                    seen_version: v,
                    reason_code: REASONS[*reason].into(),
                    note: None,
                    notify_customer: true,
                    customer_message: None,
                },
            )
            .map(|_| ())
        }
        Op::Approve { order, user } => {
            let s = &sessions[*user];
            let n = number(*order);
            cancel::approve(store, s, &n, version(s, &n)?).map(|_| ())
        }
        Op::Reject { order, user } => {
            let s = &sessions[*user];
            let n = number(*order);
            cancel::reject(store, s, &n, version(s, &n)?, "不同意").map(|_| ())
        }
        Op::Reassign { order, user, to } => {
            let s = &sessions[*user];
            let n = number(*order);
            reassign::execute(
                store,
                s,
                &n,
                version(s, &n)?,
                &Target::User(USERS[*to].into()),
                None,
            )
            .map(|_| ())
        }
        Op::ToQueue { order, user } => {
            let s = &sessions[*user];
            let n = number(*order);
            reassign::execute(
                store,
                s,
                &n,
                version(s, &n)?,
                &Target::Department("华北销售部".into()),
                None,
            )
            .map(|_| ())
        }
        Op::Advance { order, user } => {
            let s = &sessions[*user];
            let n = number(*order);
            let d = detail::get(store, s, &n)?;
            let step = match d.status {
                Status::Draft => Step::Confirm,
                Status::Confirmed => Step::Invoice,
                Status::Invoiced => Step::Ship,
                _ => Step::Complete,
            };
            lifecycle::advance(store, s, &n, d.version, step).map(|_| ())
        }
        Op::Pay {
            order,
            user,
            amount,
        } => {
            let s = &sessions[*user];
            let n = number(*order);
            lifecycle::record_payment(store, s, &n, version(s, &n)?, *amount).map(|_| ())
        }
        Op::Archive { order, user } => {
            let s = &sessions[*user];
            let n = number(*order);
            jobs::archive_one(store, s, &n, version(s, &n)?).map(|_| ())
        }
        Op::ArchiveMany { user } => {
            let s = &sessions[*user];
            let selection = Selection::numbers(numbers.iter().take(20).cloned());
            let job = jobs::create(store, s, &JobKind::Archive, &selection)?;
            jobs::run(store, s, &job.id, 3, &mut |_| true).map(|_| ())
        }
        Op::Copy { order, user } => {
            let s = &sessions[*user];
            detail::copy(store, s, &number(*order)).map(|_| ())
        }
        Op::Receive {
            product,
            user,
            quantity,
        } => products::change_stock(
            store,
            &sessions[*user],
            products[*product],
            &StockChange::Receipt {
                quantity: *quantity,
            },
            "到货",
        )
        .map(|_| ()),
        Op::Count {
            product,
            user,
            on_hand,
        } => products::change_stock(
            store,
            &sessions[*user],
            products[*product],
            &StockChange::Count { on_hand: *on_hand },
            "盘点",
        )
        .map(|_| ()),
        Op::NewOrder {
            product,
            user,
            quantity,
        } => {
            let draft = DraftOrder {
                customer: CustomerId(1),
                order_date: "2026-11-20".into(),
                notes: None,
                lines: vec![DraftLine {
                    product: products[*product],
                    quantity: *quantity,
                    unit_price_minor: None,
                }],
            };
            let made = entry::create(store, &sessions[*user], &draft)?;
            numbers.push(made.number);
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step(ops in proptest::collection::vec(op(), 1..25)) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("case.db");
        std::fs::copy(template(), &path).expect("copy");
        let store = Store::open(&path).expect("open");
        let sessions: Vec<Session> = USERS.iter().map(|u| auth::session_for(&store, u).expect("session")).collect();
        let admin = &sessions[0];
        let products: Vec<ProductId> = store
            .read(|c| orderdesk_core::store::products::products(c))
            .expect("products")
            .into_iter()
            .take(PRODUCTS)
            .map(|p| p.id)
            .collect();
        let mut numbers: Vec<String> = search::search(&store, admin, &SearchQuery { limit: Some(60), ..Default::default() })
            .expect("orders")
            .rows
            .into_iter()
            .map(|r| r.number)
            .collect();
        for op in &ops {
            match apply(&store, &sessions, &mut numbers, &products, op) {
                Ok(()) => {}
                Err(e) => prop_assert!(
                    !matches!(e.kind(), ErrorKind::Storage | ErrorKind::Internal),
                    "{op:?} failed inside: {}", e.log_detail()
                ),
            }
            let report = check::invariants(&store).expect("check");
            prop_assert!(report.ok, "after {op:?}: {:?}", report.findings);
        }
    }
}
