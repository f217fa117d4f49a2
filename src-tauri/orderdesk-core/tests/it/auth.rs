use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use orderdesk_core::Msg;
use orderdesk_core::auth;

use crate::support::*;

#[test]
fn five_failures_lock_the_account_for_five_minutes() {
    let mut f = fixture(50);
    let now = Arc::new(Mutex::new(Utc::now()));
    let clock = now.clone();
    f.store.set_clock(move || *clock.lock().expect("clock"));
    let expected = |i: i64| match i {
        1 | 2 => "wrong",
        3 | 4 => "warned",
        _ => "locked",
    };
    for i in 1..=5 {
        let e = auth::login(&f.store, "clerk01", "wrong").expect_err("wrong password");
        let got = match e.msg() {
            Msg::WrongCredentials => "wrong",
            Msg::WrongCredentialsTriesLeft { left, .. } if *left == 5 - i => "warned",
            Msg::AccountLocked { minutes: 5, .. } => "locked",
            other => panic!("attempt {i}: {other:?}"),
        };
        assert_eq!(got, expected(i), "attempt {i}");
    }
    let e = auth::login(&f.store, "clerk01", "demo").expect_err("locked");
    assert!(
        matches!(e.msg(), Msg::AccountLocked { .. }),
        "the right password waits too"
    );
    // A wrong password while locked says nothing of the lock.
    let e = auth::login(&f.store, "clerk01", "wrong").expect_err("still wrong");
    assert!(matches!(e.msg(), Msg::WrongCredentials), "{e:?}");
    *now.lock().expect("clock") += Duration::minutes(6);
    let s = auth::login(&f.store, "clerk01", "demo").expect("unlocked");
    assert_eq!(s.login, "clerk01");
}

#[test]
fn an_unknown_login_is_answered_exactly_like_a_known_one() {
    let f = fixture(50);
    let answers = |login: &str| -> Vec<String> {
        (0..5)
            .map(|_| {
                let e = auth::login(&f.store, login, "wrong").expect_err("refused");
                let text = e.message(orderdesk_core::domain::Lang::En);
                // The time in a lock message is the only thing that may differ.
                text.split(" (until").next().unwrap_or("").to_string()
            })
            .collect()
    };
    assert_eq!(answers("clerk02"), answers("no-such-person"));
}

#[test]
fn a_disabled_or_locked_account_is_named_only_to_the_right_password() {
    let f = fixture(50);
    let admin = login(&f.store, "admin");
    orderdesk_core::admin::update_user(
        &f.store,
        &admin,
        &orderdesk_core::admin::UserChange {
            login: "clerk03".into(),
            role: orderdesk_core::domain::Role::Clerk,
            department_id: auth::session_for(&f.store, "clerk03")
                .expect("clerk03")
                .department_id,
            active: false,
        },
    )
    .expect("disable");
    let e = auth::login(&f.store, "clerk03", "wrong").expect_err("wrong");
    assert!(matches!(e.msg(), Msg::WrongCredentials), "{e:?}");
    let e = auth::login(&f.store, "clerk03", "demo").expect_err("disabled");
    assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");
}

#[test]
fn failures_arriving_together_all_count_and_lock() {
    let f = fixture(50);
    let store = Arc::new(f.store);
    let threads: Vec<_> = (0..11)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let _ = auth::login(&store, "clerk04", "wrong");
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let e = auth::login(&store, "clerk04", "demo").expect_err("locked");
    assert!(matches!(e.msg(), Msg::AccountLocked { .. }), "{e:?}");
    // The administrator lifts it.
    let admin = login(&store, "admin");
    orderdesk_core::admin::unlock_user(&store, &admin, "clerk04").expect("unlock");
    auth::login(&store, "clerk04", "demo").expect("unlocked");
    let log = orderdesk_core::settings::log(&store, &admin, 10).expect("log");
    assert!(
        log.iter()
            .any(|e| e.kind == "user_unlocked" && e.subject == "clerk04")
    );
}

#[test]
fn a_huge_password_is_refused_without_hashing_it() {
    let f = fixture(50);
    let huge = "x".repeat(1_000_000);
    let e = auth::login(&f.store, "clerk05", &huge).expect_err("refused");
    assert!(e.is_forbidden());
    let admin = login(&f.store, "admin");
    let e = orderdesk_core::admin::reset_password(&f.store, &admin, "clerk05", &"y".repeat(300))
        .expect_err("too long");
    assert!(e.is_invalid_input());
}

#[test]
fn an_unknown_login_reads_like_a_wrong_password() {
    let f = fixture(50);
    let e = auth::login(&f.store, "nobody", "demo").expect_err("unknown");
    assert!(matches!(e.msg(), Msg::WrongCredentials));
    assert!(e.is_forbidden());
}

#[test]
fn passwords_are_argon2id_hashes() {
    let hash = auth::hash_password("demo").expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert_ne!(hash, auth::hash_password("demo").expect("hash"), "salted");
}

#[test]
fn a_session_token_rechecks_the_user_at_every_call() {
    let f = fixture(50);
    let admin = login(&f.store, "admin");
    let (token, s) = auth::open_session(&f.store, "clerk01", "demo", "test").expect("session");
    assert_eq!(auth::resume(&f.store, &token).expect("resume"), s);
    assert!(
        !format!("{token:?}").contains(token.expose()),
        "never in logs"
    );

    // Promoted: the next call already acts as a manager.
    let promote = orderdesk_core::admin::UserChange {
        login: "clerk01".into(),
        role: orderdesk_core::domain::Role::Manager,
        department_id: s.department_id,
        active: true,
    };
    orderdesk_core::admin::update_user(&f.store, &admin, &promote).expect("promote");
    assert!(auth::resume(&f.store, &token).expect("resume").is_manager());

    // Disabled: the next call is refused, and every one after it, saying why.
    let disable = orderdesk_core::admin::UserChange {
        active: false,
        ..promote
    };
    orderdesk_core::admin::update_user(&f.store, &admin, &disable).expect("disable");
    let e = auth::resume(&f.store, &token).expect_err("disabled");
    assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");
    let e = auth::resume(&f.store, &token).expect_err("still refused");
    assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");
    let e = auth::peek(&f.store, &token).expect_err("the server's own check too");
    assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");
}

#[test]
fn an_idle_session_locks_and_logout_ends_it() {
    let mut f = fixture(50);
    let now = Arc::new(Mutex::new(Utc::now()));
    let clock = now.clone();
    f.store.set_clock(move || *clock.lock().expect("clock"));
    let (token, _) = auth::open_session(&f.store, "clerk01", "demo", "test").expect("session");
    *now.lock().expect("clock") += Duration::minutes(14);
    auth::resume(&f.store, &token).expect("14 minutes idle is fine");
    *now.lock().expect("clock") += Duration::minutes(14);
    auth::resume(&f.store, &token).expect("the last call counted as activity");
    *now.lock().expect("clock") += Duration::minutes(16);
    let e = auth::resume(&f.store, &token).expect_err("locked");
    assert!(
        matches!(e.msg(), Msg::SessionLocked { minutes: 15 }),
        "{e:?}"
    );
    assert!(e.needs_login());

    let (token, _) = auth::open_session(&f.store, "clerk01", "demo", "test").expect("again");
    auth::close_session(&f.store, &token).expect("logout");
    let e = auth::resume(&f.store, &token).expect_err("logged out");
    assert!(matches!(e.msg(), Msg::SessionEnded), "{e:?}");
    auth::close_session(&f.store, &token).expect("twice is fine");
    let e = auth::resume(&f.store, &auth::Token::from_wire("made-up")).expect_err("unknown");
    assert!(matches!(e.msg(), Msg::SessionEnded), "{e:?}");
}

#[test]
fn a_short_idle_lock_does_not_lock_a_person_at_work() {
    let mut f = fixture(50);
    let admin = login(&f.store, "admin");
    let rules = orderdesk_core::settings::SessionRules {
        idle_lock_minutes: 1,
    };
    orderdesk_core::settings::set_session_rules(&f.store, &admin, &rules).expect("set");
    let now = Arc::new(Mutex::new(Utc::now()));
    let clock = now.clone();
    f.store.set_clock(move || *clock.lock().expect("clock"));
    let (token, _) = auth::open_session(&f.store, "clerk01", "demo", "test").expect("session");
    // A call every 30 s for ten minutes: never locked.
    for _ in 0..20 {
        *now.lock().expect("clock") += Duration::seconds(30);
        auth::resume(&f.store, &token).expect("working, not idle");
    }
    *now.lock().expect("clock") += Duration::seconds(70);
    assert!(
        auth::resume(&f.store, &token).is_err(),
        "a minute without a call locks"
    );
}

#[test]
fn the_idle_lock_follows_the_setting() {
    let f = fixture(50);
    let admin = login(&f.store, "admin");
    let clerk = login(&f.store, "clerk01");
    let rules = orderdesk_core::settings::SessionRules {
        idle_lock_minutes: 5,
    };
    let e = orderdesk_core::settings::set_session_rules(&f.store, &clerk, &rules)
        .expect_err("admins only");
    assert!(e.is_forbidden());
    orderdesk_core::settings::set_session_rules(&f.store, &admin, &rules).expect("set");
    assert_eq!(
        orderdesk_core::settings::session_rules(&f.store).expect("read"),
        rules
    );
    let bad = orderdesk_core::settings::SessionRules {
        idle_lock_minutes: 0,
    };
    let e = orderdesk_core::settings::set_session_rules(&f.store, &admin, &bad).expect_err("zero");
    assert!(e.is_invalid_input());
}

#[test]
fn a_damaged_setting_is_refused_not_guessed() {
    let f = fixture(50);
    f.store
        .write(|tx| orderdesk_core::store::settings::put(tx, "session_rules", "{not json"))
        .expect("damage");
    let e = orderdesk_core::settings::session_rules(&f.store).expect_err("damaged");
    assert!(matches!(e.msg(), Msg::DamagedSetting { .. }), "{e:?}");
    assert_eq!(e.kind(), orderdesk_core::ErrorKind::Storage);
}
