//! Trust: backups that never touch the live file and never leave a half copy,
//! files private to their owner, and what a damaged file does.

use orderdesk_core::{ErrorKind, Msg, Store, backup, check};

use crate::support::{fixture, login, seeded};

fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

#[test]
fn a_backup_onto_the_live_database_under_any_spelling_is_refused() {
    let f = fixture(200);
    let admin = login(&f.store, "admin");
    let live = f.store.path().to_path_buf();
    let dir = live.parent().expect("dir").to_path_buf();
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut spellings = vec![
        dir.join(".").join("orderdesk.db"),
        dir.join("orderdesk.db-wal"),
        dir.join("orderdesk.db-shm"),
    ];
    #[cfg(unix)]
    {
        let link = dir.join("link.db");
        std::os::unix::fs::symlink(&live, &link).expect("symlink");
        spellings.push(link);
        let hard = dir.join("hard.db");
        std::fs::hard_link(&live, &hard).expect("hard link");
        spellings.push(hard);
    }
    let before = check::invariants(&f.store).expect("check");
    for target in spellings {
        let e = backup::now(&f.store, &admin, &target).expect_err("refused");
        assert!(
            matches!(e.msg(), Msg::BackupOntoLive { .. }),
            "{target:?}: {e:?}"
        );
    }
    assert!(live.exists());
    let after = check::invariants(&f.store).expect("still there");
    assert!(after.ok);
    assert_eq!(before.active_orders, after.active_orders);
}

#[test]
fn a_failed_backup_leaves_the_previous_one_whole() {
    let f = fixture(200);
    let admin = login(&f.store, "admin");
    let target = f.dir.path().join("backup.db");
    backup::now(&f.store, &admin, &target).expect("first backup");
    let good = bytes(&target);
    // The live audit trail is damaged (trigger dropped, an event changed):
    // no copy of it passes the checks.
    f.store
        .write(|c| {
            c.execute_batch(
                "DROP TRIGGER order_events_no_update;
                 UPDATE order_events SET note = 'rewritten' WHERE id = 3;",
            )?;
            Ok(())
        })
        .expect("tamper");
    let e = backup::now(&f.store, &admin, &target).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Storage);
    assert!(matches!(e.msg(), Msg::CopyDamaged { .. }), "{e:?}");
    assert_eq!(bytes(&target), good, "the previous backup is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "no half copy is left: {leftovers:?}");
}

/// A copy that cannot be put in place (its name is taken by a folder) is no
/// backup: no checkpoint of it is kept, in the database or beside it.
#[test]
fn a_backup_that_cannot_be_put_in_place_records_no_checkpoint() {
    let f = fixture(200);
    let admin = login(&f.store, "admin");
    let taken = f.dir.path().join("taken.db");
    std::fs::create_dir(&taken).expect("folder");
    std::fs::write(taken.join("inside"), b"x").expect("a file inside");
    let kept = |store: &Store| {
        store
            .read(|c| orderdesk_core::store::audit::all(c))
            .expect("checkpoints")
            .len()
    };
    let beside = orderdesk_core::audit::beside(f.store.path());
    let lines = || {
        std::fs::read_to_string(&beside)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let (before, beside_before) = (kept(&f.store), lines());
    let e = backup::now(&f.store, &admin, &taken).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Storage);
    assert!(matches!(e.msg(), Msg::CannotWrite { .. }), "{e:?}");
    assert_eq!(kept(&f.store), before, "no checkpoint in the database");
    assert_eq!(lines(), beside_before, "no checkpoint beside it");
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "no half copy is left: {leftovers:?}");
    backup::now(&f.store, &admin, &f.dir.path().join("free.db")).expect("a free name");
    assert_eq!(
        kept(&f.store),
        before + 1,
        "a backup in place keeps its checkpoint"
    );
}

/// A database deeper than Windows' 260-character limit (a user's folder
/// inside a synced folder inside a department's share) opens, takes
/// orders, is backed up and exported. On Windows SQLite is given the long
/// form of the path; Wine lets long paths through either way, so it is
/// Windows that proves the form (the release workflow).
#[test]
fn a_database_deeper_than_260_characters_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut deep = dir.path().to_path_buf();
    for n in 0..14 {
        deep.push(format!("a-folder-of-twenty-{n:02}"));
    }
    std::fs::create_dir_all(&deep).expect("deep folder");
    let path = deep.join("orderdesk.db");
    assert!(path.as_os_str().len() > 300, "{}", path.display());
    let store = seeded(&path, 50);
    let admin = login(&store, "admin");
    let target = deep.join("backup.db");
    backup::now(&store, &admin, &target).expect("backup");
    let copy = Store::open(&target).expect("the backup opens");
    assert!(check::verify_audit(&copy).expect("chain").ok);
    let report = orderdesk_core::export::archive(
        &store,
        &admin,
        &orderdesk_core::search::SearchQuery {
            archived: true,
            ..Default::default()
        },
        orderdesk_core::export::Format::Csv,
        orderdesk_core::domain::Lang::En,
        &deep.join("archive.csv"),
        &mut |_, _| true,
    )
    .expect("export");
    assert!(report.complete && report.rows > 0);
}

#[test]
fn a_backup_is_one_checked_file_that_opens() {
    let f = fixture(200);
    let admin = login(&f.store, "admin");
    let target = f.dir.path().join("copy.db");
    backup::now(&f.store, &admin, &target).expect("backup");
    assert!(!f.dir.path().join("copy.db-wal").exists());
    let copy = Store::open(&target).expect("opens");
    assert!(check::verify_audit(&copy).expect("chain").ok);
}

#[cfg(unix)]
#[test]
fn the_database_backups_and_exports_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("fresh.db");
    let store = seeded(&path, 100);
    assert_eq!(mode(&path), 0o600, "database");
    assert_eq!(mode(&dir.path().join("fresh.db-wal")), 0o600, "its WAL");
    let backups = dir.path().join("backups");
    let made = backup::automatic(&store, &backups, 24, 3)
        .expect("backup")
        .expect("made");
    assert_eq!(mode(&backups), 0o700, "backup folder");
    assert_eq!(mode(std::path::Path::new(&made.path)), 0o600, "backup");
}

#[test]
fn a_database_with_flipped_bytes_is_refused_or_fails_its_check_never_a_panic() {
    let f = fixture(300);
    let admin = login(&f.store, "admin");
    let clean = f.dir.path().join("clean.db");
    backup::now(&f.store, &admin, &clean).expect("backup");
    let original = bytes(&clean);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..24 {
        let mut damaged = original.clone();
        for _ in 0..(1 + round % 8) {
            let at = (next() as usize) % damaged.len();
            damaged[at] ^= (next() % 255 + 1) as u8;
        }
        let path = f.dir.path().join(format!("damaged-{round}.db"));
        std::fs::write(&path, &damaged).expect("write");
        let outcome = std::panic::catch_unwind(|| {
            let store = Store::open(&path)?;
            let chain = check::verify_audit(&store)?;
            let report = check::invariants(&store)?;
            let verdict = store.quick_check()?;
            Ok::<bool, orderdesk_core::Error>(chain.ok && report.ok && verdict == "ok")
        });
        match outcome {
            Err(_) => panic!("round {round}: a damaged file made the core panic"),
            Ok(Err(e)) => assert!(
                matches!(e.kind(), ErrorKind::Storage | ErrorKind::Internal),
                "round {round}: {e:?}"
            ),
            // Either the checks found it, or the bytes fell in unused space
            // or in text no check covers: the file opens and reads.
            Ok(Ok(_)) => {}
        }
    }
}

#[test]
fn a_restore_checks_the_backup_keeps_the_current_file_and_ends_every_session() {
    use orderdesk_core::auth;
    use orderdesk_core::domain::Status;
    let f = fixture(300);
    let admin = login(&f.store, "admin");
    let backup_file = f.dir.path().join("monday.db");
    backup::now(&f.store, &admin, &backup_file).expect("backup");
    // Work goes on after the backup.
    let row = crate::support::pick(&f.store, Status::Draft, true);
    let clerk = login(&f.store, &crate::support::handler(&row));
    orderdesk_core::detail::copy(&f.store, &clerk, &row.number).expect("a new order");
    let after_backup = orderdesk_core::store::orders::count_active;
    let changed = f.store.read(|c| after_backup(c)).expect("count");
    let (token, _) = auth::open_session(&f.store, "clerk01", "demo", "desk").expect("session");

    // A backup from a newer version, and a damaged one, are refused; nothing changes.
    let newer = f.dir.path().join("newer.db");
    std::fs::copy(&backup_file, &newer).expect("copy");
    rusqlite::Connection::open(&newer)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 999"))
        .expect("newer");
    let keep = f.dir.path().join("kept");
    let e = backup::restore(&f.store, &admin, &newer, None, &keep).expect_err("newer");
    assert!(matches!(e.msg(), Msg::NewerSchema { .. }), "{e:?}");
    let damaged = f.dir.path().join("damaged.db");
    std::fs::copy(&backup_file, &damaged).expect("copy");
    rusqlite::Connection::open(&damaged)
        .and_then(|c| {
            c.execute_batch(
                "DROP TRIGGER order_events_no_update;
                 UPDATE order_events SET note = 'x' WHERE id = 2;",
            )
        })
        .expect("damage");
    let e = backup::restore(&f.store, &admin, &damaged, None, &keep).expect_err("damaged");
    assert!(matches!(e.msg(), Msg::CopyDamaged { .. }), "{e:?}");
    let clerk_session = login(&f.store, "clerk02");
    let e =
        backup::restore(&f.store, &clerk_session, &backup_file, None, &keep).expect_err("admins");
    assert!(e.is_forbidden());
    assert_eq!(f.store.read(|c| after_backup(c)).expect("count"), changed);
    auth::resume(&f.store, &token).expect("nothing ended yet");

    let report = backup::restore(&f.store, &admin, &backup_file, None, &keep).expect("restore");
    assert_eq!(report.active_orders, changed - 1, "Monday's orders");
    assert_eq!(
        f.store.read(|c| after_backup(c)).expect("count"),
        changed - 1
    );
    let e = auth::resume(&f.store, &token).expect_err("everyone logs in again");
    assert!(matches!(e.msg(), Msg::DatabaseRestored), "{e:?}");
    // The database as it was is kept, with the work done after the backup.
    let kept = Store::open(&report.previous_kept_at).expect("kept copy opens");
    assert_eq!(kept.read(|c| after_backup(c)).expect("count"), changed);
    assert!(check::invariants(&f.store).expect("check").ok);
    assert!(check::verify_audit(&f.store).expect("chain").ok);
    // And work goes on.
    let again = login(&f.store, "admin");
    let log = orderdesk_core::settings::log(&f.store, &again, 5).expect("log");
    assert_eq!(log[0].kind, "restore");
}

/// The chain's hashing as an attacker who read the source would redo it.
fn attacker_hash(fields: &[Option<&str>]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for f in fields {
        match f {
            None => h.update([0u8]),
            Some(t) => {
                h.update([1u8]);
                h.update((t.len() as u64).to_le_bytes());
                h.update(t.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

/// One event row as the attacker reads it.
type EventRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Changes event `from` and chains every later event again, triggers dropped.
fn rechain(store: &Store, from: i64) {
    store
        .write(|c| {
            c.execute_batch("DROP TRIGGER order_events_no_update")?;
            c.execute("UPDATE order_events SET note = 'harmless' WHERE id = ?1", [from])?;
            let nonce: String =
                c.query_row("SELECT nonce FROM audit_anchor", [], |r| r.get(0))?;
            let mut prev: String = c.query_row(
                "SELECT hash FROM order_events WHERE id < ?1 ORDER BY id DESC LIMIT 1",
                [from],
                |r| r.get(0),
            )?;
            let rows: Vec<EventRow> = c
                .prepare("SELECT id, order_id, order_number, kind, actor_id, actor_login, at, from_status, to_status, reason_code, note, data FROM order_events WHERE id >= ?1 ORDER BY id")?
                .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, order_id, number, kind, actor_id, actor_login, at, from_s, to_s, reason, note, data) in rows {
                let (id_s, order_s, actor_s) = (id.to_string(), order_id.to_string(), actor_id.map(|a| a.to_string()));
                let hash = attacker_hash(&[
                    Some("v2"), Some(&nonce), Some(&id_s), Some(&prev), Some(&order_s), Some(&number), Some(&kind),
                    actor_s.as_deref(), actor_login.as_deref(), Some(&at), from_s.as_deref(), to_s.as_deref(),
                    reason.as_deref(), note.as_deref(), data.as_deref(),
                ]);
                c.execute("UPDATE order_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1", rusqlite::params![id, prev, hash])?;
                prev = hash;
            }
            Ok(())
        })
        .expect("rechain");
}

#[test]
fn a_log_cut_short_or_chained_again_shows_against_a_checkpoint() {
    use orderdesk_core::audit;
    for attack in ["cut", "rechain"] {
        let f = fixture(300);
        let point = audit::record(&f.store).expect("checkpoint");
        assert!(point.events > 40 && point.head.len() == 64);
        assert!(audit::verify(&f.store, &[]).expect("verify").ok);
        let beside = audit::beside(f.store.path());
        match attack {
            "cut" => f
                .store
                .write(|c| {
                    c.execute_batch(
                        "DROP TRIGGER order_events_no_delete;
                         DELETE FROM order_events WHERE id > (SELECT max(id) - 20 FROM order_events);
                         DELETE FROM audit_checkpoints;",
                    )?;
                    Ok(())
                })
                .expect("cut"),
            _ => {
                rechain(&f.store, 10);
                f.store
                    .write(|c| Ok(c.execute("DELETE FROM audit_checkpoints", [])?))
                    .expect("forget");
            }
        }
        // The chain in the file alone looks whole: that is the attack.
        let alone = check::verify_audit(&f.store).expect("chain");
        assert!(alone.ok, "{attack}: the chain re-computes by itself");
        // Against the checkpoint kept beside the database, it does not.
        let kept = audit::read_checkpoints(&beside).expect("read");
        let report = audit::verify(&f.store, &kept).expect("verify");
        assert!(!report.ok, "{attack} not seen");
        assert!(!report.problems.is_empty(), "{attack}: {report:?}");
    }
}

#[test]
fn the_settings_log_is_chained_and_a_backup_carries_its_checkpoint() {
    use orderdesk_core::audit;
    let f = fixture(100);
    let admin = login(&f.store, "admin");
    orderdesk_core::admin::create_department(&f.store, &admin, "审计部", "Audit").expect("dept");
    let target = f.dir.path().join("with-checkpoint.db");
    backup::now(&f.store, &admin, &target).expect("backup");
    let carried = audit::read_checkpoints(&target).expect("from the backup");
    assert!(
        carried.len() >= 2,
        "the backup's checkpoint and its own state"
    );
    assert!(audit::verify(&f.store, &carried).expect("verify").ok);
    // An administrator's change rewritten afterwards shows.
    f.store
        .write(|c| {
            c.execute_batch(
                "DROP TRIGGER settings_events_no_update;
                 UPDATE settings_events SET subject = 'someone else' WHERE kind = 'department_created';",
            )?;
            Ok(())
        })
        .expect("tamper");
    let report = audit::verify(&f.store, &[]).expect("verify");
    assert!(!report.settings_ok && !report.ok, "{report:?}");
}

#[test]
fn only_a_database_with_the_demo_data_says_so() {
    let demo = fixture(50);
    assert!(orderdesk_core::seed::holds_demo_data(&demo.store).expect("read"));

    let dir = tempfile::tempdir().expect("tempdir");
    let own = Store::open(dir.path().join("orderdesk.db")).expect("open");
    assert!(!orderdesk_core::seed::holds_demo_data(&own).expect("read"));
    orderdesk_core::auth::create_first_admin(&own, "boss", "Boss", "a long secret").expect("admin");
    assert!(!orderdesk_core::seed::holds_demo_data(&own).expect("read"));
}
