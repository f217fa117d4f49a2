//! End to end: an administrator restores the database from a backup in the
//! real app; every session ends with the reason and the login page says it;
//! what was entered after the backup is gone, the database as it was is kept.
//! The login page names the demo users only on the demo data. Screenshots,
//! prefixed `trust-`, land in target/e2e-screenshots/.

mod harness;

use harness::{App, Fixture, by};
use orderdesk_core::cipher::{DbKey, KeyKeeper};
use orderdesk_core::customers::{self, CustomerInput};
use orderdesk_core::domain::Lang;
use orderdesk_core::{Store, auth, backup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_restores_a_backup_and_everyone_logs_in_again() {
    let Some(fx) = Fixture::new() else {
        eprintln!("e2e skipped: set ORDERDESK_APP and run under a display (cargo xtask test does)");
        return;
    };
    // A backup in the app's backups folder, then a customer entered after it.
    let backups = fx.db.parent().expect("folder").join("backups");
    std::fs::create_dir_all(&backups).expect("backups folder");
    let name = "orderdesk-auto-20261201-020000.db";
    let customer_name = "恢复之后消失的客户";
    {
        let store = Store::open(&fx.db).expect("open");
        let admin = auth::session_for(&store, "admin").expect("admin");
        backup::now(&store, &admin, &backups.join(name)).expect("backup");
        customers::save(
            &store,
            &admin,
            &CustomerInput {
                id: None,
                code: String::new(),
                name: customer_name.into(),
                name_latin: String::new(),
                contact: String::new(),
                email: String::new(),
                phone: String::new(),
                language: Lang::ZhCn,
            },
        )
        .expect("customer");
    }

    let app = App::start_named(&fx, "trust-").await;
    app.wait(by("login-user")).await;
    app.click("lang-zh").await;
    // The demo data: the login page names its users.
    let hint = app.text("login-demo-hint").await;
    assert!(hint.contains("demo"), "{hint}");

    app.login("admin").await;
    app.click("nav-settings").await;
    app.click("tab-backups").await;
    app.wait(by(&format!("restore-{name}"))).await;
    app.shot("01-backups").await;
    app.click(&format!("restore-{name}")).await;
    app.wait(by("restore-confirm")).await;
    app.shot("02-restore-confirm").await;
    app.click("restore-confirm").await;

    // Every session ended: the login page, with the reason.
    app.wait_text("login-notice", "恢复").await;
    app.shot("03-logged-out-after-restore").await;

    {
        let store = Store::open(&fx.db).expect("open");
        let admin = auth::session_for(&store, "admin").expect("admin");
        let found = customers::find(&store, &admin, customer_name, true, 10).expect("find");
        assert!(
            found.is_empty(),
            "the customer entered after the backup is gone: {found:?}"
        );
    }
    let kept: Vec<_> = std::fs::read_dir(&backups)
        .expect("backups")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("orderdesk-before-restore-") && n.ends_with(".db"))
        .collect();
    assert!(
        !kept.is_empty(),
        "the database as it was is kept beside the backups: {kept:?}"
    );

    // Logging in again works, on the restored data.
    app.login("admin").await;
    app.wait(by("nav-settings")).await;
    app.quit().await;

    // The database encrypted, and this PC's keychain without its key (a new
    // system): the app asks for the recovery key instead of failing, keeps
    // the key in the keychain, and opens.
    let key = DbKey::random();
    {
        let store = Store::open(&fx.db).expect("open");
        store.encrypt(key.clone(), &Nowhere).expect("encrypt");
    }
    let app = App::start_named(&fx, "trust-").await;
    app.wait(by("unlock-card")).await;
    app.type_into("unlock-key", "ABCDE-FGHJK").await;
    app.click("unlock-submit").await;
    app.wait(by("unlock-error")).await;
    app.shot("04-unlock").await;
    app.type_into("unlock-key", &key.recovery().to_lowercase())
        .await;
    app.click("unlock-submit").await;
    app.wait(by("login-user")).await;
    app.login("admin").await;
    app.click("nav-settings").await;
    app.click("tab-security").await;
    app.wait(by("encryption-on")).await;
    app.shot("05-encrypted").await;
    app.quit().await;
    assert!(
        orderdesk_core::store::files::looks_encrypted(&fx.db),
        "the file stays encrypted"
    );
}

/// Keeps a key nowhere: the keychain of a system that never saw it.
struct Nowhere;

impl KeyKeeper for Nowhere {
    fn keep(&self, _key: &DbKey) -> orderdesk_core::Result<()> {
        Ok(())
    }

    fn forget(&self) {}
}
