//! The commands that work on the database file itself, never over a server:
//! creating it, demo data, the benchmark.

use chrono::Local;
use orderdesk_core::{Error, Msg, seed};

use super::{Out, Outcome};
use crate::connect::open_file;
use crate::output::{self, pairs};
use crate::{Cli, parse_int};

pub fn init(cli: &Cli, out: Out) -> Outcome {
    let store = open_file(cli)?;
    if out.json {
        output::json(&serde_json::json!({ "db": store.path() }));
    } else {
        println!(
            "{}: {}",
            out.lang.pick("数据库已就绪", "Database ready"),
            store.path().display()
        );
    }
    Ok(0)
}

/// Checks that the recovery key opens the database file, then keeps the key
/// in this PC's keychain; a key that does not open it changes nothing.
pub fn unlock(cli: &Cli, out: Out, recovery_key: &str) -> Outcome {
    if cli.server.is_some() {
        let msg = Msg::LocalOnly {
            command: "unlock".into(),
        };
        return Err(crate::Failure::Usage(msg.text(out_lang(cli))));
    }
    let key = orderdesk_core::cipher::DbKey::from_recovery(recovery_key)?;
    let path = crate::connect::db_path(cli);
    let store = orderdesk_core::Store::open_with_key(&path, Some(key.clone()))?;
    drop(store);
    orderdesk_api::keys::put(&path, &key)?;
    if out.json {
        output::json(&serde_json::json!({ "db": path, "unlocked": true }));
    } else {
        println!(
            "{}: {}",
            out.lang.pick(
                "密钥已存入本机钥匙串",
                "The key is kept in this PC's keychain"
            ),
            path.display()
        );
    }
    Ok(0)
}

pub fn seed(
    cli: &Cli,
    out: Out,
    orders: &str,
    seed_value: &str,
    anchor: &Option<String>,
    if_empty: bool,
) -> Outcome {
    let lang = out.lang;
    let orders = parse_int(orders)?;
    if !(0..=10_000_000).contains(&orders) {
        return Err(Error::invalid(Msg::BadNumber {
            value: orders.to_string(),
        })
        .into());
    }
    let opts = seed::SeedOptions {
        orders: orders as usize,
        seed: parse_int(seed_value)? as u64,
        anchor: match anchor {
            Some(a) => orderdesk_core::search::parse_date(a)?,
            None => Local::now().date_naive(),
        },
    };
    let store = open_file(cli)?;
    let report = match seed::seed(&store, &opts) {
        Err(e) if if_empty && matches!(e.msg(), Msg::NotEmpty) => {
            println!(
                "{}",
                lang.pick(
                    "数据库已有数据，未载入演示数据。",
                    "The database already holds data; no demo data loaded."
                )
            );
            return Ok(0);
        }
        other => other?,
    };
    if out.json {
        output::json(&report);
    } else {
        pairs(&[
            (lang.pick("用户", "users"), report.users.to_string()),
            (lang.pick("客户", "customers"), report.customers.to_string()),
            (lang.pick("产品", "products"), report.products.to_string()),
            (lang.pick("订单", "orders"), report.orders.to_string()),
            (lang.pick("已归档", "archived"), report.archived.to_string()),
            (lang.pick("事件", "events"), report.events.to_string()),
        ]);
    }
    Ok(0)
}

fn out_lang(cli: &Cli) -> orderdesk_core::domain::Lang {
    crate::lang_of(cli)
}

pub fn bench(cli: &Cli, orders: &str, samples: &str, encrypted: bool) -> Outcome {
    if cli.server.is_some() {
        let msg = Msg::LocalOnly {
            command: "bench".into(),
        };
        return Err(crate::Failure::Usage(msg.text(out_lang(cli))));
    }
    let orders = parse_int(orders)?;
    let samples = parse_int(samples)?;
    if orders < 1000 || samples < 1 {
        return Err(Error::invalid(Msg::BadNumber {
            value: orders.to_string(),
        })
        .into());
    }
    crate::bench::run(
        cli.db.clone(),
        orders as usize,
        samples as usize,
        encrypted,
        cli.json,
    )
}

/// `[customers, products, orders]` as typed; always in a new temporary
/// database, whatever `--db` says.
pub fn import_bench(cli: &Cli, args: [&String; 3]) -> Outcome {
    if cli.server.is_some() {
        let msg = Msg::LocalOnly {
            command: "import-bench".into(),
        };
        return Err(crate::Failure::Usage(msg.text(out_lang(cli))));
    }
    let mut n = [0usize; 3];
    for (slot, text) in n.iter_mut().zip(args) {
        let value = parse_int(text)?;
        if value < 1 {
            return Err(Error::invalid(Msg::BadNumber {
                value: text.to_string(),
            })
            .into());
        }
        *slot = value as usize;
    }
    crate::import_bench::run(n[0], n[1], n[2], cli.json)
}

/// `[orders, samples, desks, seconds, think]` as typed.
pub async fn server_bench(cli: &Cli, args: [&String; 5]) -> Outcome {
    let [orders, samples, desks, seconds, think] = args;
    if cli.server.is_some() {
        let msg = Msg::LocalOnly {
            command: "server-bench".into(),
        };
        return Err(crate::Failure::Usage(msg.text(out_lang(cli))));
    }
    let number = |text: &str, min: i64| -> Result<i64, Error> {
        let n = parse_int(text)?;
        if n < min {
            return Err(Error::invalid(Msg::BadNumber { value: text.into() }));
        }
        Ok(n)
    };
    let options = crate::server_bench::Options {
        db: cli.db.clone(),
        orders: number(orders, 1000)? as usize,
        samples: number(samples, 1)? as usize,
        desks: number(desks, 1)? as usize,
        seconds: number(seconds, 1)? as u64,
        think_ms: number(think, 0)? as u64,
        json: cli.json,
    };
    crate::server_bench::run(options).await
}
