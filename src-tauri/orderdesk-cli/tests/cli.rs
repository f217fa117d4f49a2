//! The built `orderdesk-cli` binary, run as a script would: JSON contracts,
//! exit codes, and bad input that must change nothing. Every contract runs
//! twice: on a database file (`--db`), and on a real `orderdesk-server`
//! process on 127.0.0.1 (`--server`, real TLS, the fingerprint pinned).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod support;
use support::{Site, Via, both, cli_bin, cli_command, seed_file, site};

/// The first order in `status` handled by a clerk, with its handler.
fn order_in(db: &Site, status: &str) -> (String, String, i64) {
    let page = db.json(
        Some("admin"),
        &["search", "--status", status, "--limit", "200"],
        0,
    );
    let row = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| {
            r["handler"]
                .as_str()
                .is_some_and(|h| h.starts_with("clerk"))
                && r["total_minor"].as_i64() < Some(5_000_000)
        })
        .unwrap_or_else(|| panic!("no {status} order"))
        .clone();
    (
        row["number"].as_str().expect("number").to_string(),
        row["handler"].as_str().expect("handler").to_string(),
        row["version"].as_i64().expect("version"),
    )
}

#[test]
fn search_and_show_speak_the_documented_json() {
    both(1500, |db| {
        let page = db.json(Some("clerk01"), &["search", "华联", "--limit", "5"], 0);
        for key in ["total", "total_capped", "rows", "next_cursor"] {
            assert!(page.get(key).is_some(), "search lacks {key}: {page}");
        }
        let row = &page["rows"][0];
        for key in [
            "number",
            "customer",
            "status",
            "handler",
            "department",
            "total_minor",
            "currency",
            "order_date",
        ] {
            assert!(row.get(key).is_some(), "row lacks {key}: {row}");
        }
        assert!(row["customer"].as_str().expect("customer").contains("华联"));
        let number = row["number"].as_str().expect("number");
        let d = db.json(Some("clerk01"), &["show", number], 0);
        for key in [
            "number",
            "status",
            "version",
            "handler",
            "watchers",
            "lines",
            "reservations",
            "finance",
            "copied_from",
            "copies",
            "events",
        ] {
            assert!(d.get(key).is_some(), "show lacks {key}");
        }
        for key in ["kind", "actor", "at", "from", "to", "reason", "note"] {
            assert!(d["events"][0].get(key).is_some(), "event lacks {key}");
        }
        let reasons = db.json(None, &["reasons"], 0);
        assert_eq!(reasons[0]["code"], "customer_request");
        for key in ["code", "label_zh", "label_en", "active"] {
            assert!(reasons[0].get(key).is_some());
        }
    });
}

#[test]
fn cancel_approve_archive_copy_from_the_terminal() {
    both(1500, |db| {
        let (number, clerk, version) = order_in(db, "invoiced");
        let preview = db.json(
            Some(&clerk),
            &["cancel", &number, "--reason", "price_error", "--preview"],
            0,
        );
        assert_eq!(preview["needs_approval"], true);
        let out = db.json(
            Some(&clerk),
            &[
                "cancel",
                &number,
                "--reason",
                "price_error",
                "--expect-version",
                &version.to_string(),
            ],
            0,
        );
        assert_eq!(out["status"], "cancel_pending");
        let manager = db.json(Some("admin"), &["show", &number], 0)["department"]["name_en"]
            .as_str()
            .map(|d| match d {
                "East China Sales" => "mgr.east",
                "North China Sales" => "mgr.north",
                _ => "mgr.key",
            })
            .expect("department");
        let approved = db.json(Some(manager), &["approve", &number], 0);
        assert_eq!(approved["status"], "cancelled");
        let inbox = db.json(Some(&clerk), &["inbox"], 0);
        assert!(
            inbox
                .as_array()
                .expect("inbox")
                .iter()
                .any(|i| i["order_number"] == number.as_str())
        );
        let outbox = db.json(Some(manager), &["outbox"], 0);
        assert!(
            outbox
                .as_array()
                .expect("outbox")
                .iter()
                .any(|m| m["order_number"] == number.as_str())
        );

        let archived = db.json(Some(manager), &["archive", &number], 0);
        assert_eq!(archived["done"], 1);
        let shown = db.json(Some(manager), &["show", &number], 0);
        assert_eq!(
            (shown["status"].as_str(), shown["closed_as"].as_str()),
            (Some("archived"), Some("cancelled"))
        );
        let copy = db.json(Some(&clerk), &["copy", &number], 0);
        let new = copy["number"].as_str().expect("new number");
        assert_ne!(new, number);
        assert_eq!(
            db.json(Some(&clerk), &["show", new], 0)["copied_from"],
            number.as_str()
        );
        let report = db.json(
            Some("admin"),
            &["report", "cancellations", "--by", "reason"],
            0,
        );
        assert!(report["totals"]["cancelled_orders"].as_i64() > Some(0));
        assert_eq!(db.json(None, &["audit", "verify"], 0)["ok"], true);
        assert_eq!(db.json(None, &["check"], 0)["ok"], true);
    });
}

#[test]
fn reassign_makes_the_old_handler_a_watcher() {
    both(1500, |db| {
        let (number, clerk, _) = order_in(db, "confirmed");
        let n: u32 = clerk.trim_start_matches("clerk").parse().expect("n");
        let colleague = format!("clerk{:02}", if n % 6 == 1 { n + 1 } else { n - 1 });
        let out = db.json(
            Some(&clerk),
            &[
                "reassign",
                &number,
                "--to-user",
                &colleague,
                "--note",
                "交接",
            ],
            0,
        );
        assert_eq!(out["handler"], colleague.as_str());
        let shown = db.json(Some(&clerk), &["show", &number], 0);
        assert_eq!(shown["handler"], colleague.as_str());
        assert!(
            shown["watchers"]
                .as_array()
                .expect("watchers")
                .iter()
                .any(|w| w == clerk.as_str())
        );
        let watching = db.json(Some(&clerk), &["watching"], 0);
        assert!(
            watching
                .as_array()
                .expect("rows")
                .iter()
                .any(|r| r["number"] == number.as_str())
        );
        let e = db.json(
            Some(&clerk),
            &["cancel", &number, "--reason", "duplicate"],
            5,
        );
        assert_eq!(e["kind"], "forbidden");
        let q = db.json(
            Some("admin"),
            &["reassign", &number, "--to-department", "大客户部"],
            0,
        );
        assert_eq!(q["handler"], Value::Null);
        let page = db.json(Some("admin"), &["search", &number], 0);
        assert_eq!(page["rows"][0]["handler"], Value::Null);
    });
}

#[test]
fn exit_codes_follow_the_contract() {
    both(1500, |db| {
        let (shipped, clerk, _) = order_in(db, "shipped");
        let e = db.json(
            Some(&clerk),
            &["cancel", &shipped, "--reason", "customer_request"],
            4,
        );
        assert_eq!(e["kind"], "rule_violation");
        assert!(e["message"].as_str().expect("message").contains("return"));
        db.json(Some("admin"), &["show", "SO-2026-999999"], 3);
        db.json(
            Some("clerk01"),
            &["archive", "--closed-before", "2026-06-30"],
            5,
        );
        let (draft, owner, version) = order_in(db, "draft");
        let stale = (version - 1).to_string();
        let e = db.json(
            Some(&owner),
            &[
                "cancel",
                &draft,
                "--reason",
                "duplicate",
                "--expect-version",
                &stale,
            ],
            6,
        );
        assert_eq!(e["kind"], "conflict");
        db.json(
            Some(&owner),
            &["cancel", &draft, "--reason", "no_such_code"],
            7,
        );
        db.json(Some(&owner), &["cancel", &draft], 7);
        db.json(Some(&owner), &["search", "--from", "2026-02-31"], 7);
        db.json(Some(&owner), &["search", "--limit", "ten"], 7);
        db.json(
            Some(&owner),
            &[
                "cancel",
                &draft,
                "--reason",
                "duplicate",
                "--expect-version",
                "x",
            ],
            7,
        );
        assert_eq!(db.cli(None, &["search"]).status.code(), Some(2), "no user");
        assert_eq!(db.cli(None, &["frobnicate"]).status.code(), Some(2));
        assert_eq!(
            db.cli(Some("clerk01"), &["reassign", &draft]).status.code(),
            Some(2)
        );
        let wrong = db
            .command(Some("clerk01"), "nope")
            .arg("search")
            .output()
            .expect("run");
        assert_eq!(wrong.status.code(), Some(5));
        // Nothing above changed the draft.
        let d = db.json(Some(&owner), &["show", &draft], 0);
        assert_eq!(
            (d["status"].as_str(), d["version"].as_i64()),
            (Some("draft"), Some(version))
        );
    });
}

#[test]
fn errors_speak_the_chosen_language() {
    both(200, |db| {
        let out = db.cli(
            Some("admin"),
            &["--lang", "zh-CN", "--json", "show", "SO-2026-999999"],
        );
        let e: Value = serde_json::from_slice(&out.stderr).expect("json");
        assert_eq!(e["message"], "找不到订单 SO-2026-999999。");
        let out = db.cli(Some("admin"), &["--lang", "en", "show", "SO-2026-999999"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "error: Order SO-2026-999999 does not exist."
        );
    });
}

/// Without `--lang`, messages come in the system's language: on Unix the
/// locale's variables, on Windows the user's display language (a `LANG` left
/// by a Unix shell is not it). `cargo xtask test` runs the Windows build with
/// Wine's language set to Chinese, so there this says more than English.
#[test]
fn without_lang_the_cli_speaks_the_systems_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orderdesk.db");
    seed_file(&path, 20);
    let mut command = Command::new(cli_bin());
    command
        .arg("--db")
        .arg(&path)
        .args(["--as", "admin", "--json", "show", "SO-2026-999999"])
        .env("ORDERDESK_PASSWORD", "demo")
        .env_remove("ORDERDESK_SERVER")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    let expected = if cfg!(windows) {
        command.env("LANG", "en_US.UTF-8");
        let system = orderdesk_core::domain::Lang::system();
        if std::env::var_os("ORDERDESK_UNDER_WINE").is_some() {
            assert_eq!(
                system,
                orderdesk_core::domain::Lang::ZhCn,
                "Wine runs in Chinese"
            );
        }
        system
    } else {
        command.env("LANG", "zh_CN.UTF-8");
        orderdesk_core::domain::Lang::ZhCn
    };
    let out = command.output().expect("run");
    let e: Value = serde_json::from_slice(&out.stderr).expect("json");
    let message = expected.pick(
        "找不到订单 SO-2026-999999。",
        "Order SO-2026-999999 does not exist.",
    );
    assert_eq!(e["message"], message);
}

/// The CLI on a file, for what only works on one.
fn file_cli(db: &Path, user: Option<&str>, args: &[&str]) -> Output {
    let mut c = cli_command();
    c.arg("--db")
        .arg(db)
        .env_remove("ORDERDESK_USER")
        .env_remove("ORDERDESK_SERVER")
        .env("ORDERDESK_PASSWORD", "demo");
    if let Some(u) = user {
        c.args(["--as", u]);
    }
    c.args(args).output().expect("run orderdesk-cli")
}

fn file_json(db: &Path, user: Option<&str>, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = file_cli(db, user, &all);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = if code == 0 { &out.stdout } else { &out.stderr };
    serde_json::from_slice(text).expect("json")
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.xlsx");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, &bytes).expect("write");
    let out = file_cli(&path, Some("admin"), &["--json", "search"]);
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stderr).expect("json");
    assert_eq!(e["kind"], "storage");
    assert!(
        e["message"]
            .as_str()
            .expect("message")
            .contains("not an SQLite database")
    );
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    assert!(!dir.path().join("report.xlsx-wal").exists());
}

#[test]
fn seeding_twice_is_refused_unless_asked_to_skip() {
    let db = site(100, false);
    let e = file_json(&db.path, None, &["seed", "--orders", "100"], 4);
    assert_eq!(e["kind"], "rule_violation");
    assert!(
        file_cli(&db.path, None, &["seed", "--orders", "100", "--if-empty"])
            .status
            .success()
    );
}

#[test]
fn bench_reports_every_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let report = file_json(
        &path,
        None,
        &["bench", "--orders", "3000", "--samples", "5"],
        0,
    );
    let ops = report["operations"].as_array().expect("operations");
    assert!(ops.len() >= 8, "{report}");
    for op in ops {
        assert!(op["samples"].as_u64() > Some(0), "{op}");
        assert!(op["p95_ms"].as_f64() >= op["p50_ms"].as_f64());
    }
    assert!(report["bulk_archived"].as_u64() > Some(0));
}

#[test]
fn the_server_answers_exactly_as_the_file_does() {
    let file = site(800, false);
    let served = site(800, true);
    for args in [
        vec!["search", "--limit", "20"],
        vec!["search", "华联", "--limit", "5"],
        vec!["watching"],
        vec!["approvals"],
        vec!["candidates"],
        vec!["reasons"],
        vec!["report", "cancellations", "--by", "month"],
    ] {
        assert_eq!(
            file.json(Some("mgr.east"), &args, 0),
            served.json(Some("mgr.east"), &args, 0),
            "{args:?}"
        );
    }
    let number = file.json(Some("clerk01"), &["search", "--limit", "1"], 0)["rows"][0]["number"]
        .as_str()
        .expect("number")
        .to_string();
    assert_eq!(
        file.json(Some("clerk01"), &["show", &number], 0),
        served.json(Some("clerk01"), &["show", &number], 0)
    );
    // The same refusal, word for word, in both languages.
    for lang in ["en", "zh-CN"] {
        let args = ["--lang", lang, "show", "SO-2026-999999"];
        let (a, b) = (
            file.cli(Some("clerk01"), &args),
            served.cli(Some("clerk01"), &args),
        );
        assert_eq!(a.status.code(), b.status.code());
        assert_eq!(a.stderr, b.stderr);
    }
}

#[test]
fn file_commands_over_a_server_say_they_need_the_file() {
    let served = site(50, true);
    for args in [
        vec!["seed", "--orders", "10"],
        vec!["init"],
        vec!["bench", "--orders", "1000"],
    ] {
        let out = served.cli(None, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--db"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let Via::Server { address, .. } = &served.via else {
        unreachable!("served")
    };
    let out = cli_command()
        .args(["--server", address, "--as", "admin", "search"])
        .env_remove("ORDERDESK_SERVER_FINGERPRINT")
        .env("ORDERDESK_PASSWORD", "demo")
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "no fingerprint is a usage error"
    );
    let out = cli_command()
        .args(["--server", address, "--server-fingerprint", &"0".repeat(64)])
        .args(["--json", "--as", "admin", "search"])
        .env("ORDERDESK_PASSWORD", "demo")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stderr).expect("json");
    assert_eq!(e["kind"], "unavailable");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("certificate"),
        "{e}"
    );
}

#[test]
fn ten_desks_on_the_server_for_ten_seconds_make_no_errors_and_break_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server-bench.db");
    let report = file_json(
        &path,
        None,
        &[
            "server-bench",
            "--orders",
            "10000",
            "--desks",
            "10",
            "--seconds",
            "10",
            "--samples",
            "20",
            // No pause between actions: as many calls as the server takes.
            "--think",
            "0",
        ],
        0,
    );
    let load = &report["load"];
    assert_eq!(load["errors"], 0, "{load}");
    assert!(load["search"]["n"].as_u64() > Some(100), "{load}");
    assert!(load["open"]["n"].as_u64() > Some(10), "{load}");
    assert!(load["mutation"]["n"].as_u64() > Some(10), "{load}");
    assert_eq!(report["invariants_ok"], true);
    assert_eq!(report["audit_chain_ok"], true);
    assert_eq!(report["compare"].as_array().map(Vec::len), Some(3));
}

#[test]
fn the_server_benchmark_never_touches_a_database_it_did_not_make() {
    let db = site(100, false);
    let before = std::fs::read(&db.path).expect("read");
    let out = file_cli(
        &db.path,
        None,
        &[
            "--json",
            "server-bench",
            "--orders",
            "1000",
            "--seconds",
            "1",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&db.path).expect("read"),
        before,
        "left as it was"
    );
}

#[test]
fn the_benchmark_never_touches_a_working_database() {
    let db = site(200, false);
    let before = file_json(&db.path, Some("admin"), &["search", "--limit", "500"], 0);
    for orders in ["1000", "3000"] {
        let out = file_cli(
            &db.path,
            None,
            &["--json", "bench", "--orders", orders, "--samples", "2"],
        );
        assert_eq!(
            out.status.code(),
            Some(7),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let e: Value = serde_json::from_slice(&out.stderr).expect("json");
        assert!(
            e["message"]
                .as_str()
                .unwrap_or_default()
                .contains("left alone"),
            "{e}"
        );
    }
    let after = file_json(&db.path, Some("admin"), &["search", "--limit", "500"], 0);
    assert_eq!(before, after, "not one order changed");
}

/// Writes `text` into the site's folder, GBK-encoded when asked (as Chinese
/// Excel saves CSV).
fn write_file(db: &Site, name: &str, text: &str, gbk: bool) -> String {
    let path = db.path.with_file_name(name);
    let bytes = if gbk {
        encoding_rs::GBK.encode(text).0.into_owned()
    } else {
        text.as_bytes().to_vec()
    };
    std::fs::write(&path, bytes).expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn import_reports_a_result_per_row_and_a_second_run_changes_nothing() {
    both(60, |db| {
        let customers = write_file(
            db,
            "客户.csv",
            "客户编码,客户名称,邮箱\nK-1,上海宏达实业,wang@hongda.cn\nK-2,,x@y.cn\nK-3,Acme GmbH,\n",
            true,
        );
        let products = write_file(
            db,
            "products.csv",
            "SKU,name_zh,unit_price,on_hand\nX-1,订书机,\"1,250.00\",40\nX-2,纸,¥8.5,10\n",
            false,
        );
        let orders = write_file(
            db,
            "orders.csv",
            "订单号,客户编码,下单日期,状态,处理人,SKU,数量\n\
             PO-1,K-1,2026/3/5,已确认,clerk01,X-1,3\n\
             PO-1,K-1,2026/3/5,已确认,clerk01,X-2,1\n\
             PO-2,K-9,2026/3/5,draft,clerk01,X-1,1\n",
            false,
        );
        // A clerk may not import; nothing was read into the database.
        let e = db.json(Some("clerk01"), &["import", "customers", &customers], 5);
        assert_eq!(e["kind"], "forbidden");

        // The first refusal also goes to stderr as {kind, message}.
        let first = db.json(
            Some("admin"),
            &["import", "customers", &customers, "--dry-run"],
            7,
        );
        assert_eq!(first["kind"], "invalid_input");
        let out = db.cli(
            Some("admin"),
            &["--json", "import", "customers", &customers, "--dry-run"],
        );
        assert_eq!(out.status.code(), Some(7));
        let dry: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            (
                dry["dry_run"].as_bool(),
                dry["accepted"].as_i64(),
                dry["refused"].as_i64()
            ),
            (Some(true), Some(2), Some(1))
        );
        let rows = dry["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (
                rows[1]["row"].as_i64(),
                rows[1]["key"].as_str(),
                rows[1]["state"].as_str()
            ),
            (Some(3), Some("K-2"), Some("refused"))
        );
        assert_eq!(rows[1]["kind"], "invalid_input");
        let listed = db.json(Some("admin"), &["customers", "K-"], 0);
        assert_eq!(
            listed.as_array().map(Vec::len),
            Some(0),
            "a dry run writes nothing"
        );

        let out = db.cli(
            Some("admin"),
            &["--json", "import", "customers", &customers],
        );
        assert_eq!(out.status.code(), Some(7), "a refused row: exit 7");
        let done: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            (done["created"].as_i64(), done["refused"].as_i64()),
            (Some(2), Some(1))
        );
        let p = db.json(Some("admin"), &["import", "products", &products], 0);
        assert_eq!(p["created"], 2);
        let stock = db.json(Some("clerk01"), &["products", "X-"], 0);
        assert_eq!(stock[0]["unit_price_minor"], 125_000);
        assert_eq!(stock[0]["on_hand"], 40);

        let out = db.cli(Some("admin"), &["--json", "import", "orders", &orders]);
        assert_eq!(out.status.code(), Some(7));
        let o: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            (o["created"].as_i64(), o["refused"].as_i64()),
            (Some(1), Some(1))
        );
        assert!(
            o["rows"][1]["message"]
                .as_str()
                .expect("why")
                .contains("K-9")
        );
        let found = db.json(Some("clerk01"), &["search", "PO-1"], 0);
        assert_eq!(found["rows"][0]["number"], "PO-1");
        assert_eq!(found["rows"][0]["status"], "confirmed");
        let stock = db.json(Some("clerk01"), &["products", "X-1"], 0);
        assert_eq!(stock[0]["reserved"], 3);

        // Again: every good row is already there.
        let again = db.cli(Some("admin"), &["--json", "import", "orders", &orders]);
        let again: Value = serde_json::from_slice(&again.stdout).expect("json");
        assert_eq!(
            (again["created"].as_i64(), again["unchanged"].as_i64()),
            (Some(0), Some(1))
        );
        assert_eq!(again["rows"][0]["state"], "unchanged");
        let check = db.json(None, &["check"], 0);
        assert_eq!(check["ok"], true, "{check}");
    });
}

#[test]
fn backup_restore_checkpoint_verify_and_export_from_the_terminal() {
    both(300, |db| {
        let dir = db.path.parent().expect("dir").to_path_buf();
        // A checkpoint, then the logs verified against it.
        let point = db.json(Some("mgr.east"), &["audit", "checkpoint"], 0);
        assert!(point["events"].as_i64().is_some_and(|n| n > 0), "{point}");
        assert_eq!(point["head"].as_str().map(str::len), Some(64));
        let file = dir.join("point.json");
        std::fs::write(&file, point.to_string()).expect("write");
        let verified = db.json(
            None,
            &["audit", "verify", "--against", &file.to_string_lossy()],
            0,
        );
        assert_eq!(verified["ok"], true, "{verified}");
        // A clerk may not take checkpoints, back up or restore.
        db.json(Some("clerk01"), &["audit", "checkpoint"], 5);

        // Export of the archive with a filter.
        let csv = dir.join("cancelled.csv");
        let out = db.json(
            Some("mgr.east"),
            &[
                "export",
                "--format",
                "csv",
                "--out",
                &csv.to_string_lossy(),
                "--closed-as",
                "cancelled",
            ],
            0,
        );
        assert_eq!(out["complete"], true);
        let text = std::fs::read_to_string(&csv).expect("csv");
        assert_eq!(
            text.lines().count() as i64,
            out["rows"].as_i64().expect("rows") + 1
        );

        // Backup, a change, restore: the change is gone, and so is every session.
        let backup = dir.join("before.db");
        let made = if db.served() {
            db.json(Some("admin"), &["backup"], 0)
        } else {
            db.json(Some("admin"), &["backup", &backup.to_string_lossy()], 0)
        };
        let backup = if db.served() {
            PathBuf::from(made["path"].as_str().expect("path"))
        } else {
            backup
        };
        let (number, handler, _) = order_in(db, "draft");
        db.json(Some(&handler), &["copy", &number], 0);
        let before = db.json(
            Some("admin"),
            &["search", "--status", "draft", "--limit", "500"],
            0,
        );
        let restored = db.json(Some("admin"), &["restore", &backup.to_string_lossy()], 0);
        assert!(
            restored["previous_kept_at"].as_str().is_some(),
            "{restored}"
        );
        let after = db.json(
            Some("admin"),
            &["search", "--status", "draft", "--limit", "500"],
            0,
        );
        assert_eq!(
            after["total"].as_i64(),
            before["total"].as_i64().map(|n| n - 1)
        );
        let check = db.json(None, &["check"], 0);
        assert_eq!(check["ok"], true, "{check}");
        // The live database itself is never a backup target.
        if !db.served() {
            let e = db.json(Some("admin"), &["backup", &db.path.to_string_lossy()], 7);
            assert_eq!(e["kind"], "invalid_input");
        }
    });
}

#[test]
fn a_closed_output_pipe_ends_the_cli_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orderdesk.db");
    seed_file(&path, 3000);
    let mut child = cli_command()
        .arg("--db")
        .arg(&path)
        .args(["--as", "admin", "search", "--limit", "500"])
        .env("ORDERDESK_PASSWORD", "demo")
        .env_remove("ORDERDESK_SERVER")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one line, then close the pipe, as `| head -1` does.
    {
        use std::io::BufRead;
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .expect("line");
        assert!(!first.is_empty());
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);
}
