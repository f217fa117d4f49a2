//! Encryption at rest through the CLI, with a real keychain (gnome-keyring
//! on a session bus of its own): `encrypt` prints the recovery key once and
//! keeps the key in the keychain; without it a clear message; `unlock` with
//! the recovery key on a new keychain; an encrypted backup restored on
//! another PC with `restore --recovery-key`; and the office server, which
//! keeps the key in its own keychain and opens the file with it next start.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod support;
use support::{Keychain, cli_command, one_at_a_time, start_server_on};

fn cli(db: &Path, bus: &str, args: &[&str]) -> Output {
    cli_command()
        .env_remove("ORDERDESK_SERVER")
        .env_remove("ORDERDESK_RECOVERY_KEY")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("ORDERDESK_PASSWORD", "demo")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run orderdesk-cli")
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn seeded(dir: &Path, bus: &str, orders: &str) -> std::path::PathBuf {
    let db = dir.join("orderdesk.db");
    let out = cli(
        &db,
        bus,
        &["seed", "--orders", orders, "--anchor", "2026-11-28"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn head(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")[..16].to_vec()
}

#[test]
fn encrypt_unlock_and_restore_on_another_pc() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(pc) = Keychain::start(&dir.path().join("pc")) else {
        panic!("gnome-keyring and dbus-daemon are needed (the set-up installs them)");
    };
    let db = seeded(dir.path(), &pc.bus, "300");
    let count = |bus: &str| {
        ok_json(&cli(
            &db,
            bus,
            &["--json", "--as", "admin", "search", "--limit", "1"],
        ))["total"]
            .as_i64()
            .expect("total")
    };
    let before = count(&pc.bus);

    // A clerk may not; an administrator gets the recovery key once.
    let refused = cli(&db, &pc.bus, &["--json", "--as", "clerk01", "encrypt"]);
    assert_eq!(refused.status.code(), Some(5), "{refused:?}");
    assert_eq!(&head(&db)[..15], b"SQLite format 3");
    let done = ok_json(&cli(&db, &pc.bus, &["--json", "--as", "admin", "encrypt"]));
    assert_eq!(done["encrypted"], true);
    let recovery = done["recovery_key"]
        .as_str()
        .expect("recovery key")
        .to_string();
    assert_eq!(recovery.len(), 65, "{recovery}");
    assert_ne!(
        &head(&db)[..15],
        b"SQLite format 3",
        "the file is encrypted"
    );
    // The key is in the keychain: work goes on as before.
    assert_eq!(count(&pc.bus), before);
    let again = cli(&db, &pc.bus, &["--json", "--as", "admin", "encrypt"]);
    assert_eq!(again.status.code(), Some(7), "once: {again:?}");

    // A backup, encrypted with the same key.
    let backup = dir.path().join("friday.db");
    ok_json(&cli(
        &db,
        &pc.bus,
        &[
            "--json",
            "--as",
            "admin",
            "backup",
            backup.to_str().expect("utf-8"),
        ],
    ));
    assert_ne!(&head(&backup)[..15], b"SQLite format 3");

    // Another PC's keychain does not have the key: a clear message, never
    // "not a database".
    let other = Keychain::start(&dir.path().join("other")).expect("a second keychain");
    let locked = cli(
        &db,
        &other.bus,
        &["--as", "admin", "search", "--limit", "1"],
    );
    assert!(!locked.status.success());
    let said = String::from_utf8_lossy(&locked.stderr);
    assert!(
        said.contains("encrypted and this PC does not have its key")
            && said.contains("recovery key"),
        "{said}"
    );

    // A typo in the recovery key, then the right one.
    let typo = format!("{}X", &recovery[..64]);
    let refused = cli(&db, &other.bus, &["unlock", "--recovery-key", &typo]);
    assert_eq!(refused.status.code(), Some(7), "{refused:?}");
    ok_json(&cli(
        &db,
        &other.bus,
        &[
            "--json",
            "unlock",
            "--recovery-key",
            &recovery.to_lowercase(),
        ],
    ));
    assert_eq!(count(&other.bus), before);

    // Restoring the encrypted backup into another site's database: refused
    // without the recovery key, done with it.
    let site = tempfile::tempdir().expect("tempdir");
    let site_db = seeded(site.path(), &other.bus, "40");
    let backup_arg = backup.to_str().expect("utf-8");
    let refused = cli(
        &site_db,
        &other.bus,
        &["--as", "admin", "restore", backup_arg],
    );
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("encrypted"));
    let restored = ok_json(&cli(
        &site_db,
        &other.bus,
        &[
            "--json",
            "--as",
            "admin",
            "restore",
            backup_arg,
            "--recovery-key",
            &recovery,
        ],
    ));
    assert_eq!(restored["active_orders"].as_i64(), Some(before));
}

#[test]
fn the_office_server_keeps_the_key_in_its_keychain() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(host) = Keychain::start(&dir.path().join("host")) else {
        panic!("gnome-keyring and dbus-daemon are needed (the set-up installs them)");
    };
    let db = seeded(dir.path(), &host.bus, "200");
    let (server, address, fingerprint) =
        start_server_on(dir.path(), Some(&host.bus)).expect("the server started");
    let remote = |args: &[&str]| {
        cli_command()
            .env_remove("ORDERDESK_DB")
            .env("ORDERDESK_PASSWORD", "demo")
            .args([
                "--server",
                &address,
                "--server-fingerprint",
                &fingerprint,
                "--json",
                "--as",
                "admin",
            ])
            .args(args)
            .output()
            .expect("run orderdesk-cli")
    };
    let done = ok_json(&remote(&["encrypt"]));
    assert!(done["recovery_key"].as_str().is_some());
    let total = ok_json(&remote(&["search", "--limit", "1"]))["total"]
        .as_i64()
        .expect("total");
    assert_ne!(&head(&db)[..15], b"SQLite format 3");
    drop(server);

    // Next start: the key comes from the host's keychain.
    let (_server, address2, fingerprint2) =
        start_server_on(dir.path(), Some(&host.bus)).expect("restarted with the key");
    let out = cli_command()
        .env_remove("ORDERDESK_DB")
        .env("ORDERDESK_PASSWORD", "demo")
        .args([
            "--server",
            &address2,
            "--server-fingerprint",
            &fingerprint2,
            "--json",
            "--as",
            "admin",
            "search",
            "--limit",
            "1",
        ])
        .output()
        .expect("run");
    assert_eq!(ok_json(&out)["total"].as_i64(), Some(total));

    // Without that keychain it refuses to start (and says why in its log).
    let elsewhere = Keychain::start(&dir.path().join("elsewhere")).expect("keychain");
    drop(_server);
    assert!(
        start_server_on(dir.path(), Some(&elsewhere.bus)).is_none(),
        "no key: the server does not serve"
    );
}
