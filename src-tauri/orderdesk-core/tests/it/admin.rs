use orderdesk_core::admin::{self, NewUser, UserChange};
use orderdesk_core::domain::{DepartmentId, Role};
use orderdesk_core::settings::{self, ApprovalRules, CustomerTemplates, NotificationRules};
use orderdesk_core::{ErrorKind, Msg, auth};

use crate::support::*;

#[test]
fn only_administrators_change_settings_and_every_change_is_logged() {
    let f = fixture(100);
    let manager = login(&f.store, "mgr.east");
    let admin = login(&f.store, "admin");
    let rules = ApprovalRules::default();
    assert!(
        settings::set_approval_rules(&f.store, &manager, &rules)
            .expect_err("manager")
            .is_forbidden()
    );
    assert!(
        settings::set_notification_rules(&f.store, &manager, &NotificationRules::default())
            .expect_err("manager")
            .is_forbidden()
    );
    assert!(
        settings::set_customer_templates(&f.store, &manager, &CustomerTemplates::default())
            .expect_err("manager")
            .is_forbidden()
    );
    assert!(
        admin::users(&f.store, &manager)
            .expect_err("manager")
            .is_forbidden()
    );
    assert!(
        settings::log(&f.store, &manager, 10)
            .expect_err("manager")
            .is_forbidden()
    );

    settings::set_approval_rules(
        &f.store,
        &admin,
        &ApprovalRules {
            threshold_minor: Some(1_000_000),
            ..rules
        },
    )
    .expect("rules");
    let d = admin::create_department(&f.store, &admin, "华南销售部", "South China Sales")
        .expect("department");
    admin::rename_department(&f.store, &admin, d, "华南区销售部", "South China Sales")
        .expect("rename");
    let log = settings::log(&f.store, &admin, 10).expect("log");
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["department_renamed", "department_created", "approval_rules"]
    );
    assert!(log.iter().all(|e| e.actor == "admin"));
    assert_eq!(
        settings::approval_rules(&f.store)
            .expect("rules")
            .threshold_minor,
        Some(1_000_000),
        "takes effect at once"
    );
}

#[test]
fn users_are_created_changed_disabled_and_reset() {
    let f = fixture(100);
    let admin = login(&f.store, "admin");
    let new = NewUser {
        login: "clerk19".into(),
        display_name: "赵敏".into(),
        role: Role::Clerk,
        department_id: DepartmentId(1),
        password: "start-2026".into(),
    };
    admin::create_user(&f.store, &admin, &new).expect("create");
    assert!(matches!(
        admin::create_user(&f.store, &admin, &new)
            .expect_err("twice")
            .msg(),
        Msg::AlreadyExists { .. }
    ));
    let short = NewUser {
        login: "clerk20".into(),
        password: "short".into(),
        ..new.clone()
    };
    assert!(matches!(
        admin::create_user(&f.store, &admin, &short)
            .expect_err("short")
            .msg(),
        Msg::PasswordTooShort { .. }
    ));
    let bad = NewUser {
        login: "Bad Login!".into(),
        ..new.clone()
    };
    assert_eq!(
        admin::create_user(&f.store, &admin, &bad)
            .expect_err("login")
            .kind(),
        ErrorKind::InvalidInput
    );
    let s = auth::login(&f.store, "clerk19", "start-2026").expect("new user logs in");
    assert_eq!(s.role, Role::Clerk);

    let change = UserChange {
        login: "clerk19".into(),
        role: Role::Manager,
        department_id: DepartmentId(2),
        active: true,
    };
    admin::update_user(&f.store, &admin, &change).expect("promote");
    assert_eq!(
        auth::login(&f.store, "clerk19", "start-2026")
            .expect("login")
            .role,
        Role::Manager
    );
    admin::update_user(
        &f.store,
        &admin,
        &UserChange {
            active: false,
            ..change.clone()
        },
    )
    .expect("disable");
    assert!(matches!(
        auth::login(&f.store, "clerk19", "start-2026")
            .expect_err("disabled")
            .msg(),
        Msg::AccountDisabled { .. }
    ));

    for _ in 0..5 {
        let _ = auth::login(&f.store, "clerk01", "wrong");
    }
    admin::reset_password(&f.store, &admin, "clerk01", "brand-new-pw").expect("reset");
    auth::login(&f.store, "clerk01", "brand-new-pw").expect("reset lifts the lock");

    let last = UserChange {
        login: "admin".into(),
        role: Role::Clerk,
        department_id: DepartmentId(1),
        active: true,
    };
    assert!(matches!(
        admin::update_user(&f.store, &admin, &last)
            .expect_err("last admin")
            .msg(),
        Msg::LastAdmin
    ));
}

#[test]
fn reasons_are_renamed_and_retired_never_deleted() {
    let f = fixture(100);
    let admin = login(&f.store, "admin");
    let mut reasons = settings::reasons(&f.store).expect("reasons");
    let mut dup = reasons
        .iter()
        .find(|r| r.code == "duplicate")
        .expect("duplicate")
        .clone();
    dup.label_zh = "重复下单".into();
    dup.active = false;
    settings::save_reason(&f.store, &admin, &dup).expect("retire");
    reasons = settings::reasons(&f.store).expect("reasons");
    let saved = reasons
        .iter()
        .find(|r| r.code == "duplicate")
        .expect("still there");
    assert_eq!((saved.label_zh.as_str(), saved.active), ("重复下单", false));
}
