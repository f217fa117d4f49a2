//! The built `orderdesk-cli` binary, run as a script would: JSON contracts,
//! exit codes, and bad input that must change nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn seeded(orders: u32) -> Db {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cli.db");
    let out = cli(
        &path,
        None,
        &[
            "seed",
            "--orders",
            &orders.to_string(),
            "--anchor",
            "2026-11-28",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Db { _dir: dir, path }
}

fn cli(db: &Path, user: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orderdesk-cli"));
    c.arg("--db")
        .arg(db)
        .env_remove("ORDERDESK_USER")
        .env("ORDERDESK_PASSWORD", "demo");
    if let Some(u) = user {
        c.args(["--as", u]);
    }
    c.args(args).output().expect("run orderdesk-cli")
}

/// Runs with --json, expects `code`, returns stdout (or stderr on failure) as JSON.
fn json(db: &Path, user: Option<&str>, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(db, user, &all);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = if code == 0 { &out.stdout } else { &out.stderr };
    serde_json::from_slice(text).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(text)
        )
    })
}

/// The first order in `status` handled by a clerk, with its handler.
fn order_in(db: &Path, status: &str) -> (String, String, i64) {
    let page = json(
        db,
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
    let db = seeded(1500);
    let page = json(
        &db.path,
        Some("clerk01"),
        &["search", "华联", "--limit", "5"],
        0,
    );
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
    let d = json(&db.path, Some("clerk01"), &["show", number], 0);
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
    let reasons = json(&db.path, None, &["reasons"], 0);
    assert_eq!(reasons[0]["code"], "customer_request");
    for key in ["code", "label_zh", "label_en", "active"] {
        assert!(reasons[0].get(key).is_some());
    }
}

#[test]
fn cancel_approve_archive_copy_from_the_terminal() {
    let db = seeded(1500);
    let (number, clerk, version) = order_in(&db.path, "invoiced");
    let preview = json(
        &db.path,
        Some(&clerk),
        &["cancel", &number, "--reason", "price_error", "--preview"],
        0,
    );
    assert_eq!(preview["needs_approval"], true);
    let out = json(
        &db.path,
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
    let manager = json(&db.path, Some("admin"), &["show", &number], 0)["department"]["name_en"]
        .as_str()
        .map(|d| match d {
            "East China Sales" => "mgr.east",
            "North China Sales" => "mgr.north",
            _ => "mgr.key",
        })
        .expect("department");
    let approved = json(&db.path, Some(manager), &["approve", &number], 0);
    assert_eq!(approved["status"], "cancelled");
    let inbox = json(&db.path, Some(&clerk), &["inbox"], 0);
    assert!(
        inbox
            .as_array()
            .expect("inbox")
            .iter()
            .any(|i| i["order_number"] == number.as_str())
    );
    let outbox = json(&db.path, Some(manager), &["outbox"], 0);
    assert!(
        outbox
            .as_array()
            .expect("outbox")
            .iter()
            .any(|m| m["order_number"] == number.as_str())
    );

    let archived = json(&db.path, Some(manager), &["archive", &number], 0);
    assert_eq!(archived["done"], 1);
    let shown = json(&db.path, Some(manager), &["show", &number], 0);
    assert_eq!(
        (shown["status"].as_str(), shown["closed_as"].as_str()),
        (Some("archived"), Some("cancelled"))
    );
    let copy = json(&db.path, Some(&clerk), &["copy", &number], 0);
    let new = copy["number"].as_str().expect("new number");
    assert_ne!(new, number);
    assert_eq!(
        json(&db.path, Some(&clerk), &["show", new], 0)["copied_from"],
        number.as_str()
    );
    let report = json(
        &db.path,
        Some("admin"),
        &["report", "cancellations", "--by", "reason"],
        0,
    );
    assert!(report["totals"]["cancelled_orders"].as_i64() > Some(0));
    assert_eq!(json(&db.path, None, &["audit", "verify"], 0)["ok"], true);
    assert_eq!(json(&db.path, None, &["check"], 0)["ok"], true);
}

#[test]
fn reassign_makes_the_old_handler_a_watcher() {
    let db = seeded(1500);
    let (number, clerk, _) = order_in(&db.path, "confirmed");
    let n: u32 = clerk.trim_start_matches("clerk").parse().expect("n");
    let colleague = format!("clerk{:02}", if n % 6 == 1 { n + 1 } else { n - 1 });
    let out = json(
        &db.path,
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
    let shown = json(&db.path, Some(&clerk), &["show", &number], 0);
    assert_eq!(shown["handler"], colleague.as_str());
    assert!(
        shown["watchers"]
            .as_array()
            .expect("watchers")
            .iter()
            .any(|w| w == clerk.as_str())
    );
    let watching = json(&db.path, Some(&clerk), &["watching"], 0);
    assert!(
        watching
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["number"] == number.as_str())
    );
    let e = json(
        &db.path,
        Some(&clerk),
        &["cancel", &number, "--reason", "duplicate"],
        5,
    );
    assert_eq!(e["kind"], "forbidden");
    let q = json(
        &db.path,
        Some("admin"),
        &["reassign", &number, "--to-department", "大客户部"],
        0,
    );
    assert_eq!(q["handler"], Value::Null);
    let page = json(&db.path, Some("admin"), &["search", &number], 0);
    assert_eq!(page["rows"][0]["handler"], Value::Null);
}

#[test]
fn exit_codes_follow_the_contract() {
    let db = seeded(1500);
    let (shipped, clerk, _) = order_in(&db.path, "shipped");
    let e = json(
        &db.path,
        Some(&clerk),
        &["cancel", &shipped, "--reason", "customer_request"],
        4,
    );
    assert_eq!(e["kind"], "rule_violation");
    assert!(e["message"].as_str().expect("message").contains("return"));
    json(&db.path, Some("admin"), &["show", "SO-2026-999999"], 3);
    json(
        &db.path,
        Some("clerk01"),
        &["archive", "--closed-before", "2026-06-30"],
        5,
    );
    let (draft, owner, version) = order_in(&db.path, "draft");
    let stale = (version - 1).to_string();
    let e = json(
        &db.path,
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
    json(
        &db.path,
        Some(&owner),
        &["cancel", &draft, "--reason", "no_such_code"],
        7,
    );
    json(&db.path, Some(&owner), &["cancel", &draft], 7);
    json(
        &db.path,
        Some(&owner),
        &["search", "--from", "2026-02-31"],
        7,
    );
    json(&db.path, Some(&owner), &["search", "--limit", "ten"], 7);
    json(
        &db.path,
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
    assert_eq!(
        cli(&db.path, None, &["search"]).status.code(),
        Some(2),
        "no user"
    );
    assert_eq!(cli(&db.path, None, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        cli(&db.path, Some("clerk01"), &["reassign", &draft])
            .status
            .code(),
        Some(2)
    );
    let wrong = Command::new(env!("CARGO_BIN_EXE_orderdesk-cli"))
        .arg("--db")
        .arg(&db.path)
        .args(["--as", "clerk01", "search"])
        .env("ORDERDESK_PASSWORD", "nope")
        .output()
        .expect("run");
    assert_eq!(wrong.status.code(), Some(5));
    // Nothing above changed the draft.
    let d = json(&db.path, Some(&owner), &["show", &draft], 0);
    assert_eq!(
        (d["status"].as_str(), d["version"].as_i64()),
        (Some("draft"), Some(version))
    );
}

#[test]
fn errors_speak_the_chosen_language() {
    let db = seeded(200);
    let out = cli(
        &db.path,
        Some("admin"),
        &["--lang", "zh-CN", "--json", "show", "SO-2026-999999"],
    );
    let e: Value = serde_json::from_slice(&out.stderr).expect("json");
    assert_eq!(e["message"], "找不到订单 SO-2026-999999。");
    let out = cli(
        &db.path,
        Some("admin"),
        &["--lang", "en", "show", "SO-2026-999999"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: Order SO-2026-999999 does not exist."
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.xlsx");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, &bytes).expect("write");
    let out = cli(&path, Some("admin"), &["--json", "search"]);
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
    let db = seeded(100);
    let e = json(&db.path, None, &["seed", "--orders", "100"], 4);
    assert_eq!(e["kind"], "rule_violation");
    assert!(
        cli(&db.path, None, &["seed", "--orders", "100", "--if-empty"])
            .status
            .success()
    );
}

#[test]
fn bench_reports_every_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let report = json(
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
