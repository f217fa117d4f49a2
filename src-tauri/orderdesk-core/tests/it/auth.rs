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
    for i in 1..=4 {
        let e = auth::login(&f.store, "clerk01", "wrong").expect_err("wrong password");
        assert!(
            matches!(e.msg(), Msg::WrongCredentials),
            "attempt {i}: {e:?}"
        );
    }
    let e = auth::login(&f.store, "clerk01", "wrong").expect_err("fifth");
    assert!(matches!(e.msg(), Msg::AccountLocked { .. }), "{e:?}");
    let e = auth::login(&f.store, "clerk01", "demo").expect_err("locked");
    assert!(
        matches!(e.msg(), Msg::AccountLocked { .. }),
        "the right password waits too"
    );
    *now.lock().expect("clock") += Duration::minutes(6);
    let s = auth::login(&f.store, "clerk01", "demo").expect("unlocked");
    assert_eq!(s.login, "clerk01");
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
