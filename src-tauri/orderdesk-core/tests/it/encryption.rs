//! Encryption at rest: the database, its WAL and its backups under SQLCipher;
//! a missing or wrong key named as such; restores with the recovery key on
//! another PC.

use std::sync::Mutex;

use orderdesk_core::cipher::{DbKey, KeyKeeper};
use orderdesk_core::domain::Status;
use orderdesk_core::{Msg, Store, backup, check};

use crate::support::{fixture, login};

/// A keychain at the seam: what it was asked, and whether it refuses.
#[derive(Default)]
struct Kept {
    refuse: bool,
    calls: Mutex<Vec<&'static str>>,
}

impl KeyKeeper for Kept {
    fn keep(&self, _key: &DbKey) -> orderdesk_core::Result<()> {
        self.calls.lock().expect("calls").push("keep");
        if self.refuse {
            return Err(orderdesk_core::Error::invalid(Msg::KeychainUnavailable {
                detail: "locked".into(),
            }));
        }
        Ok(())
    }

    fn forget(&self) {
        self.calls.lock().expect("calls").push("forget");
    }
}

impl Kept {
    fn calls(&self) -> Vec<&'static str> {
        self.calls.lock().expect("calls").clone()
    }
}

fn count_orders(store: &Store) -> i64 {
    store
        .read(|c| orderdesk_core::store::orders::count_active(c))
        .expect("count")
}

/// Whether `needle` appears anywhere in the file's bytes.
fn holds(path: &std::path::Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_encrypted_database_its_wal_and_its_backups_show_no_plain_text() {
    let f = fixture(300);
    let db = f.store.path().to_path_buf();
    let admin = login(&f.store, "admin");
    let customer = crate::support::pick(&f.store, Status::Draft, true).customer;
    // Before: the plain file (or its WAL) holds the customer's name as it is.
    let wal = std::path::PathBuf::from(format!("{}-wal", db.display()));
    assert!(
        holds(&db, &customer) || holds(&wal, &customer),
        "a plain file shows its text"
    );
    let orders = count_orders(&f.store);

    // A keychain that will not keep the key stops it before anything is
    // encrypted (and has nothing to forget).
    let refusing = Kept {
        refuse: true,
        ..Kept::default()
    };
    f.store
        .encrypt(DbKey::random(), &refusing)
        .expect_err("no keychain");
    assert_eq!(refusing.calls(), ["keep"]);
    assert!(!f.store.encrypted());
    assert!(holds(&db, "SQLite format 3"), "still plain");

    let key = DbKey::random();
    let kept = Kept::default();
    f.store.encrypt(key.clone(), &kept).expect("encrypt");
    assert_eq!(kept.calls(), ["keep"], "kept, never forgotten");
    assert!(f.store.encrypted());
    assert_eq!(count_orders(&f.store), orders, "every order is still there");
    assert!(!holds(&db, &customer), "the encrypted file shows no name");
    assert!(!holds(&db, "SQLite format 3"), "not even the header");
    // 8 KB pages and HMAC-SHA256: what the bulk archive's target needs.
    let (page, hmac): (String, String) = f
        .store
        .read(|c| {
            Ok((
                c.pragma_query_value(None, "cipher_page_size", |r| r.get(0))?,
                c.pragma_query_value(None, "cipher_hmac_algorithm", |r| r.get(0))?,
            ))
        })
        .expect("pragmas");
    assert_eq!((page.as_str(), hmac.as_str()), ("8192", "HMAC_SHA256"));

    // Work goes on, through the WAL, which is encrypted too.
    let row = crate::support::pick(&f.store, Status::Draft, true);
    let clerk = login(&f.store, &crate::support::handler(&row));
    orderdesk_core::detail::copy(&f.store, &clerk, &row.number).expect("a new order");
    assert!(wal.exists(), "the WAL is in use");
    assert!(!holds(&wal, &row.customer), "the WAL shows no name");

    // A backup is encrypted with the same key, checked, and opens with it.
    let copy = f.dir.path().join("backup.db");
    backup::now(&f.store, &admin, &copy).expect("backup");
    assert!(!holds(&copy, &customer));
    let opened = Store::open_with_key(&copy, Some(key.clone())).expect("opens with the key");
    assert_eq!(count_orders(&opened), orders + 1);
    drop(opened);

    // The same file without the key, or with another: named as such.
    let e = Store::open(&copy).expect_err("no key");
    assert!(matches!(e.msg(), Msg::EncryptedNoKey { .. }), "{e:?}");
    let e = Store::open_with_key(&copy, Some(DbKey::random())).expect_err("wrong key");
    assert!(matches!(e.msg(), Msg::WrongKey { .. }), "{e:?}");
    let again = Kept::default();
    let e = f.store.encrypt(DbKey::random(), &again).expect_err("once");
    assert!(matches!(e.msg(), Msg::AlreadyEncrypted), "{e:?}");
    assert!(again.calls().is_empty(), "the keychain is not asked again");

    // Reopened with its key, it is whole.
    drop(clerk);
    let path = db.clone();
    drop(f.store);
    let again = Store::open_with_key(&path, Some(key)).expect("reopen");
    assert_eq!(count_orders(&again), orders + 1);
    assert!(check::invariants(&again).expect("check").ok);
    assert!(check::verify_audit(&again).expect("chain").ok);
}

#[test]
fn a_backup_restores_on_another_pc_with_the_recovery_key_only() {
    let office = fixture(200);
    let admin = login(&office.store, "admin");
    let key = DbKey::random();
    let recovery = key.recovery();
    office
        .store
        .encrypt(key, &Kept::default())
        .expect("encrypt");
    let copy = office.dir.path().join("friday.db");
    backup::now(&office.store, &admin, &copy).expect("backup");
    let orders = count_orders(&office.store);

    // Another PC: its own database (plain here), and the backup file.
    let other = fixture(40);
    let other_admin = login(&other.store, "admin");
    let keep = other.dir.path().join("kept");
    let before = count_orders(&other.store);
    let e = backup::restore(&other.store, &other_admin, &copy, None, &keep).expect_err("no key");
    assert!(matches!(e.msg(), Msg::EncryptedNoKey { .. }), "{e:?}");
    let e = backup::restore(
        &other.store,
        &other_admin,
        &copy,
        Some(&DbKey::random()),
        &keep,
    )
    .expect_err("another key");
    assert!(matches!(e.msg(), Msg::WrongKey { .. }), "{e:?}");
    assert_eq!(count_orders(&other.store), before, "nothing changed");

    let typed = DbKey::from_recovery(&recovery.to_lowercase()).expect("as typed");
    let report =
        backup::restore(&other.store, &other_admin, &copy, Some(&typed), &keep).expect("restore");
    assert_eq!(report.active_orders, orders);
    assert_eq!(count_orders(&other.store), orders);
    assert!(
        !other.store.encrypted(),
        "the PC's database keeps its own (no) key"
    );
    assert!(check::invariants(&other.store).expect("check").ok);
    assert!(check::verify_audit(&other.store).expect("chain").ok);

    // An encrypted database takes a plain backup in, and stays encrypted.
    let plain = other.dir.path().join("plain.db");
    let admin_again = login(&other.store, "admin");
    backup::now(&other.store, &admin_again, &plain).expect("plain backup");
    assert!(holds(&plain, "SQLite format 3"));
    office
        .store
        .encrypt(DbKey::random(), &Kept::default())
        .expect_err("already");
    let report = backup::restore(
        &office.store,
        &login(&office.store, "admin"),
        &plain,
        None,
        &keep,
    )
    .expect("restore a plain backup");
    assert_eq!(report.active_orders, orders);
    assert!(office.store.encrypted());
    assert!(!holds(office.store.path(), "SQLite format 3"));
}
