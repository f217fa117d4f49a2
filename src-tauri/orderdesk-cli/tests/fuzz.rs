//! Arbitrary text typed into the CLI's contract — search text, reasons,
//! notes, dates, amounts — never makes it panic, never ends in a storage or
//! internal error, and never changes an order when it is refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

fn cli(db: &Path, args: &[&str]) -> (i32, String, String) {
    // No terminal can pass a NUL in an argument; every other character goes.
    let args: Vec<String> = args.iter().map(|a| a.replace('\0', "")).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk-cli"))
        .arg("--db")
        .arg(db)
        .args(["--as", "clerk01", "--json"])
        .args(&args)
        .env("ORDERDESK_PASSWORD", "demo")
        .env_remove("ORDERDESK_SERVER")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A seeded database made once; each case works on its own copy.
fn template() -> &'static PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("orderdesk-cli-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("template.db");
        let _ = std::fs::remove_file(&path);
        let ok = Command::new(env!("CARGO_BIN_EXE_orderdesk-cli"))
            .arg("--db")
            .arg(&path)
            .args(["seed", "--orders", "300", "--anchor", "2026-11-28"])
            .output()
            .expect("seed")
            .status
            .success();
        assert!(ok);
        // One file, no WAL beside it: a copy of it is the whole database.
        let copy = dir.join("template-copy.db");
        let _ = std::fs::remove_file(&copy);
        let ok = Command::new(env!("CARGO_BIN_EXE_orderdesk-cli"))
            .arg("--db")
            .arg(&path)
            .args(["--as", "admin", "backup"])
            .arg(&copy)
            .env("ORDERDESK_PASSWORD", "demo")
            .output()
            .expect("backup")
            .status
            .success();
        assert!(ok);
        copy
    })
}

/// Text of any kind, with the troublemakers weighted in.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\"'%_\\\\;=+@-]{0,12}",
        "[张三上海华联SO0-9 -]{0,12}",
        Just(String::new()),
        Just("9".repeat(40)),
        Just("-1".into()),
        Just("2026-02-30".into()),
    ]
}

fn order_version(db: &Path, number: &str) -> Option<i64> {
    let (code, out, _) = cli(db, &["show", number]);
    (code == 0).then(|| {
        serde_json::from_str::<serde_json::Value>(&out)
            .ok()
            .and_then(|v| v["version"].as_i64())
    })?
}

fn first_order(db: &Path) -> String {
    let (_, out, _) = cli(db, &["search", "--handler", "clerk01", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["rows"][0]["number"]
        .as_str()
        .expect("an order")
        .to_string()
}

const CONTRACT: [i32; 7] = [0, 2, 3, 4, 5, 6, 7];

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, max_shrink_iters: 20, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_refused_clearly_and_changes_nothing(
        search in text(), reason in text(), note in text(), date in text(), amount in text(),
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("case.db");
        std::fs::copy(template(), &db).expect("copy");
        let number = first_order(&db);
        let version = order_version(&db, &number).expect("version");
        let version_text = version.to_string();
        let runs: Vec<(Vec<&str>, bool)> = vec![
            (vec!["search", &search], false),
            (vec!["search", "--from", &date], false),
            (vec!["cancel", &number, "--reason", &reason, "--note", &note, "--expect-version", &version_text], true),
            (vec!["pay", &number, "--amount", &amount], true),
        ];
        for (args, changes) in runs {
            let (code, _, stderr) = cli(&db, &args);
            prop_assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
            prop_assert!(CONTRACT.contains(&code), "{args:?} exited {code}: {stderr}");
            if changes && code != 0 {
                prop_assert_eq!(order_version(&db, &number), Some(version), "{:?} was refused but changed the order", args);
            }
        }
    }
}
