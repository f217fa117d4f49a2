//! Bad input gets a clear, translated error and changes nothing.

use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::domain::{Lang, Status};
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::settings::{self};
use orderdesk_core::store::settings::Reason;
use orderdesk_core::{ErrorKind, Store, check};

use crate::support::*;

fn events(store: &Store) -> i64 {
    check::verify_audit(store).expect("audit").events
}

#[test]
fn cancel_with_bad_reasons_or_notes_changes_nothing() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let clerk = login(&f.store, &handler(&row));
    let admin = login(&f.store, "admin");
    settings::save_reason(
        &f.store,
        &admin,
        &Reason {
            code: "season_end".into(),
            label_zh: "季末".into(),
            label_en: "Season end".into(),
            active: false,
        },
    )
    .expect("retired reason");
    let before = events(&f.store);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("", None),
        ("   ", None),
        ("no_such_reason", None),
        ("season_end", None),
        ("other", None),
        ("customer_request", Some("长".repeat(1001))),
    ];
    for (reason, note) in cases {
        let req = CancelRequest {
            number: row.number.clone(),
            seen_version: row.version,
            reason_code: reason.into(),
            note: note.clone(),
            notify_customer: true,
            customer_message: None,
        };
        let e = cancel::execute(&f.store, &clerk, &req).expect_err(reason);
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{reason:?}: {e:?}");
        assert!(!e.message(Lang::ZhCn).is_empty() && !e.message(Lang::En).is_empty());
    }
    assert_eq!(show(&f.store, &clerk, &row.number).version, row.version);
    assert_eq!(events(&f.store), before);
    assert_invariants(&f.store);
}

#[test]
fn malformed_search_input_is_refused_clearly() {
    let f = fixture(100);
    let admin = login(&f.store, "admin");
    let bad = [
        SearchQuery {
            date_from: Some("2026-13-01".into()),
            ..Default::default()
        },
        SearchQuery {
            date_to: Some("yesterday".into()),
            ..Default::default()
        },
        SearchQuery {
            limit: Some(0),
            ..Default::default()
        },
        SearchQuery {
            limit: Some(100_000),
            ..Default::default()
        },
        SearchQuery {
            after: Some("not-a-cursor".into()),
            ..Default::default()
        },
        SearchQuery {
            text: Some("x".repeat(500)),
            ..Default::default()
        },
    ];
    for q in bad {
        let e = search::search(&f.store, &admin, &q).expect_err("bad");
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{q:?}");
    }
    let e = search::search(
        &f.store,
        &admin,
        &SearchQuery {
            handler: Some("ghost".into()),
            ..Default::default()
        },
    )
    .expect_err("ghost");
    assert!(e.is_not_found());
}

#[test]
fn unknown_orders_are_not_found() {
    let f = fixture(100);
    let admin = login(&f.store, "admin");
    let e = orderdesk_core::detail::get(&f.store, &admin, "SO-2026-999999").expect_err("missing");
    assert!(e.is_not_found());
    assert!(e.message(Lang::ZhCn).contains("SO-2026-999999"));
}

#[test]
fn a_tampered_audit_trail_is_detected() {
    let f = fixture(100);
    assert!(check::verify_audit(&f.store).expect("audit").ok);
    let path = f.dir.path().join("orderdesk.db");
    {
        // An attacker with the file and the sqlite3 shell.
        let c = rusqlite::Connection::open(&path).expect("open");
        c.execute_batch(
            "DROP TRIGGER order_events_no_update;
             UPDATE order_events SET note = 'nothing to see' WHERE id = 10;",
        )
        .expect("tamper");
    }
    let report = check::verify_audit(&f.store).expect("audit");
    assert!(!report.ok);
    assert_eq!(report.first_broken_event, Some(10));
}

#[test]
fn the_audit_trail_refuses_updates_and_deletes() {
    let f = fixture(50);
    let path = f.dir.path().join("orderdesk.db");
    let c = rusqlite::Connection::open(&path).expect("open");
    assert!(
        c.execute("UPDATE order_events SET note = 'x' WHERE id = 1", [])
            .is_err()
    );
    assert!(
        c.execute("DELETE FROM order_events WHERE id = 1", [])
            .is_err()
    );
}
