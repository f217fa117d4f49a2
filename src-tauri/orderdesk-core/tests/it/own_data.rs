//! A site's own data: customers and products kept by hand, stock received
//! and counted, orders entered and taken forward — with every refusal.

use orderdesk_core::customers::{self, CustomerInput};
use orderdesk_core::domain::{Lang, Status};
use orderdesk_core::entry::{self, DraftLine, DraftOrder};
use orderdesk_core::lifecycle::{self, Step};
use orderdesk_core::products::{self, ProductInput, StockChange};
use orderdesk_core::store::products::Product;
use orderdesk_core::{ErrorKind, Msg, Store, settings};

use crate::support::{assert_invariants, fixture, login, show};

fn customer(
    store: &Store,
    code: &str,
    name: &str,
) -> orderdesk_core::store::customers::CustomerRecord {
    let admin = login(store, "admin");
    customers::save(
        store,
        &admin,
        &CustomerInput {
            code: code.into(),
            name: name.into(),
            email: "buyer@example.cn".into(),
            ..Default::default()
        },
    )
    .expect("customer")
}

fn product(store: &Store, sku: &str, price: i64, on_hand: i64) -> Product {
    let admin = login(store, "admin");
    let p = products::save(
        store,
        &admin,
        &ProductInput {
            sku: sku.into(),
            name_zh: format!("测试产品 {sku}"),
            unit_price_minor: price,
            unit: "件".into(),
            ..Default::default()
        },
    )
    .expect("product");
    if on_hand == 0 {
        return p;
    }
    products::change_stock(
        store,
        &admin,
        p.id,
        &StockChange::Receipt { quantity: on_hand },
        "到货",
    )
    .expect("receive")
}

#[test]
fn customers_are_kept_by_managers_read_by_everyone_and_logged() {
    let f = fixture(40);
    let clerk = login(&f.store, "clerk01");
    let manager = login(&f.store, "mgr.east");
    let input = CustomerInput {
        code: "K-0001".into(),
        name: "厦门东方办公设备有限公司".into(),
        contact: "林小姐".into(),
        phone: "0592-5551234".into(),
        email: "lin@dongfang.cn".into(),
        language: Lang::ZhCn,
        ..Default::default()
    };
    let e = customers::save(&f.store, &clerk, &input).expect_err("clerks read only");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let made = customers::save(&f.store, &manager, &input).expect("manager creates");
    assert_eq!(made.code, "K-0001");
    assert!(made.initials.starts_with("xmdf") || made.initials.starts_with("smdf"));

    // Found by code prefix, by a name substring and by pinyin initials.
    for text in ["K-00", "东方办公", &made.initials[..4]] {
        let found = customers::find(&f.store, &clerk, text, false, 20).expect("find");
        assert!(found.iter().any(|c| c.id == made.id), "{text} finds it");
    }

    // A second customer with the same code is refused and nothing is written.
    let e = customers::save(
        &f.store,
        &manager,
        &CustomerInput {
            name: "另一家".into(),
            ..input.clone()
        },
    )
    .expect_err("duplicate code");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        customers::find(&f.store, &clerk, "另一家", true, 20)
            .expect("find")
            .len(),
        0
    );

    let edited = customers::save(
        &f.store,
        &manager,
        &CustomerInput {
            id: Some(made.id),
            contact: "王先生".into(),
            ..input.clone()
        },
    )
    .expect("edit");
    assert_eq!(edited.contact.as_deref(), Some("王先生"));

    let off = customers::set_active(&f.store, &manager, made.id, false).expect("deactivate");
    assert!(!off.active);
    assert!(
        customers::find(&f.store, &clerk, "K-0001", false, 20)
            .expect("find")
            .is_empty()
    );
    assert_eq!(
        customers::find(&f.store, &clerk, "K-0001", true, 20)
            .expect("find")
            .len(),
        1
    );

    let history = customers::history(&f.store, &manager, made.id).expect("history");
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "customer_deactivated",
            "customer_changed",
            "customer_created"
        ]
    );
    let detail: serde_json::Value =
        serde_json::from_str(history[1].detail.as_deref().expect("detail")).expect("json");
    assert_eq!(detail["before"]["contact"], "林小姐");
    assert_eq!(detail["after"]["contact"], "王先生");
    assert_eq!(history[1].actor, "mgr.east");

    // A customer no order names may be deleted; one with orders only deactivated.
    customers::delete(&f.store, &manager, made.id).expect("unused: deleted");
    let used = f
        .store
        .read(|c| {
            Ok(
                c.query_row("SELECT customer_id FROM orders LIMIT 1", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            )
        })
        .expect("a customer with orders");
    let e = customers::delete(&f.store, &manager, orderdesk_core::domain::CustomerId(used))
        .expect_err("in use");
    assert!(matches!(e.msg(), Msg::CustomerInUse { .. }));
}

#[test]
fn customer_codes_are_issued_when_left_empty() {
    let f = fixture(30);
    let a = customer(&f.store, "", "Acme Trading GmbH");
    let b = customer(&f.store, "", "Beta Handels AG");
    assert!(a.code.starts_with('C') && b.code.starts_with('C') && a.code != b.code);
    assert_eq!(a.name_latin, "");
}

#[test]
fn stock_is_received_and_counted_never_below_what_is_reserved() {
    let f = fixture(40);
    let admin = login(&f.store, "admin");
    let clerk = login(&f.store, "clerk01");
    let p = product(&f.store, "T-100", 1250, 10);
    assert_eq!((p.on_hand, p.reserved, p.available()), (10, 0, 10));

    let e = products::change_stock(
        &f.store,
        &clerk,
        p.id,
        &StockChange::Receipt { quantity: 5 },
        "到货",
    )
    .expect_err("clerks read only");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let e = products::change_stock(
        &f.store,
        &admin,
        p.id,
        &StockChange::Receipt { quantity: 5 },
        " ",
    )
    .expect_err("a reason is required");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = products::change_stock(
        &f.store,
        &admin,
        p.id,
        &StockChange::Receipt { quantity: 0 },
        "x",
    )
    .expect_err("nothing received");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    // An order reserves 8 of the 10.
    let c = customer(&f.store, "K-7", "测试客户");
    let draft = DraftOrder {
        customer: c.id,
        order_date: "2026-11-20".into(),
        notes: None,
        lines: vec![DraftLine {
            product: p.id,
            quantity: 8,
            unit_price_minor: None,
        }],
    };
    let made = entry::create(&f.store, &clerk, &draft).expect("order");
    lifecycle::advance(&f.store, &clerk, &made.number, made.version, Step::Confirm)
        .expect("confirm");

    // A count of 6 would leave less than the 8 reserved: refused, nothing changed.
    let e = products::change_stock(
        &f.store,
        &admin,
        p.id,
        &StockChange::Count { on_hand: 6 },
        "盘点",
    )
    .expect_err("below reserved");
    assert!(
        matches!(e.msg(), Msg::StockBelowReserved { reserved: 8, .. }),
        "{e:?}"
    );
    let counted = products::change_stock(
        &f.store,
        &admin,
        p.id,
        &StockChange::Count { on_hand: 9 },
        "盘点",
    )
    .expect("count");
    assert_eq!((counted.on_hand, counted.reserved), (9, 8));
    let history = products::stock_history(&f.store, &clerk, p.id, 10).expect("history");
    let moves: Vec<(&str, i64, i64)> = history
        .iter()
        .map(|a| (a.kind.as_str(), a.quantity, a.on_hand_after))
        .collect();
    assert_eq!(moves, [("adjustment", -1, 9), ("receipt", 10, 10)]);
    assert_eq!(history[0].reason, "盘点");
    assert_invariants(&f.store);
}

#[test]
fn a_new_order_is_a_draft_whose_lines_can_be_edited_until_confirmed() {
    let f = fixture(40);
    let clerk = login(&f.store, "clerk01");
    let colleague = login(&f.store, "clerk02");
    let c = customer(&f.store, "K-1", "上海宏达实业");
    let stapler = product(&f.store, "T-1", 1250, 100);
    let paper = product(&f.store, "T-2", 2999, 3);

    let mut draft = DraftOrder {
        customer: c.id,
        order_date: "2026-11-20".into(),
        notes: Some("周五前送到".into()),
        lines: vec![
            DraftLine {
                product: stapler.id,
                quantity: 4,
                unit_price_minor: None,
            },
            DraftLine {
                product: paper.id,
                quantity: 5,
                unit_price_minor: Some(2800),
            },
        ],
    };
    let made = entry::create(&f.store, &clerk, &draft).expect("create");
    assert_eq!(made.total_minor, 4 * 1250 + 5 * 2800);
    let d = show(&f.store, &clerk, &made.number);
    assert_eq!(d.status, Status::Draft);
    assert_eq!(d.handler.as_deref(), Some("clerk01"));
    assert_eq!(d.notes.as_deref(), Some("周五前送到"));
    assert!(d.actions.edit.allowed);
    assert_eq!(d.events.last().map(|e| e.kind.as_str()), Some("created"));

    // Only 3 of T-2 are there: confirming names it (and only it).
    let step = d.actions.advance.clone().expect("a next step");
    assert_eq!(step.0, Step::Confirm);
    assert!(!step.1.allowed, "the button already says why");
    let e = lifecycle::advance(&f.store, &clerk, &made.number, d.version, Step::Confirm)
        .expect_err("short");
    match e.msg() {
        Msg::StockShort { short, .. } => {
            assert_eq!(short.len(), 1);
            assert_eq!(
                (short[0].sku.as_str(), short[0].needed, short[0].available),
                ("T-2", 5, 3)
            );
        }
        other => panic!("{other:?}"),
    }

    // A colleague may not edit it; a stale version is a conflict.
    let e =
        entry::edit(&f.store, &colleague, &made.number, d.version, &draft).expect_err("not theirs");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    draft.lines[1].quantity = 3;
    let v = entry::edit(&f.store, &clerk, &made.number, d.version, &draft).expect("edit");
    let e = entry::edit(&f.store, &clerk, &made.number, d.version, &draft).expect_err("stale");
    assert!(e.is_conflict());
    let d = show(&f.store, &clerk, &made.number);
    assert_eq!(d.version, v);
    assert_eq!(d.total_minor, 4 * 1250 + 3 * 2800);
    assert_eq!(d.lines.len(), 2);

    lifecycle::advance(&f.store, &clerk, &made.number, v, Step::Confirm).expect("confirm");
    let d = show(&f.store, &clerk, &made.number);
    assert!(!d.actions.edit.allowed, "only drafts are edited");
    let e = entry::edit(&f.store, &clerk, &made.number, d.version, &draft).expect_err("confirmed");
    assert!(matches!(e.msg(), Msg::DraftOnly { .. }));

    // Payments: partial, then the rest; never more than is owed.
    assert!(d.actions.pay.allowed);
    let o =
        lifecycle::record_payment(&f.store, &clerk, &made.number, d.version, 5000).expect("part");
    let e = lifecycle::record_payment(&f.store, &clerk, &made.number, o.version, d.total_minor)
        .expect_err("over");
    assert!(
        matches!(e.msg(), Msg::Overpayment { outstanding, .. } if *outstanding == d.total_minor - 5000)
    );
    let o = lifecycle::record_payment(
        &f.store,
        &clerk,
        &made.number,
        o.version,
        d.total_minor - 5000,
    )
    .expect("rest");
    let d = show(&f.store, &clerk, &made.number);
    assert_eq!(d.paid_minor, d.total_minor);
    assert!(!d.actions.pay.allowed, "nothing is owed");
    assert_eq!(o.version, d.version);
    assert_invariants(&f.store);
}

#[test]
fn order_entry_refuses_what_cannot_be_booked() {
    let f = fixture(30);
    let clerk = login(&f.store, "clerk01");
    let admin = login(&f.store, "admin");
    let c = customer(&f.store, "K-2", "测试");
    let p = product(&f.store, "T-9", 100, 0);
    let base = DraftOrder {
        customer: c.id,
        order_date: "2026-11-20".into(),
        notes: None,
        lines: vec![DraftLine {
            product: p.id,
            quantity: 1,
            unit_price_minor: None,
        }],
    };
    let refused = |d: DraftOrder| entry::create(&f.store, &clerk, &d).expect_err("refused");
    assert!(matches!(
        refused(DraftOrder {
            lines: vec![],
            ..base.clone()
        })
        .msg(),
        Msg::NoLines
    ));
    assert!(
        refused(DraftOrder {
            order_date: "2026-02-30".into(),
            ..base.clone()
        })
        .is_invalid_input()
    );
    let mut zero = base.clone();
    zero.lines[0].quantity = 0;
    assert!(refused(zero).is_invalid_input());
    let mut huge = base.clone();
    huge.lines[0].quantity = 1_000_000_000;
    huge.lines[0].unit_price_minor = Some(1_000_000_000_000);
    huge.lines.push(huge.lines[0].clone());
    huge.lines
        .extend(std::iter::repeat_n(huge.lines[0].clone(), 20));
    assert!(matches!(refused(huge).msg(), Msg::AmountTooLarge));

    customers::set_active(&f.store, &admin, c.id, false).expect("off");
    assert!(matches!(
        refused(base.clone()).msg(),
        Msg::CustomerInactive { .. }
    ));
    customers::set_active(&f.store, &admin, c.id, true).expect("on");
    products::set_active(&f.store, &admin, p.id, false).expect("off");
    assert!(matches!(
        refused(base.clone()).msg(),
        Msg::ProductInactive { .. }
    ));
    let orders_before = f
        .store
        .read(|c| orderdesk_core::store::orders::count_active(c))
        .expect("count");
    products::set_active(&f.store, &admin, p.id, true).expect("on");
    entry::create(&f.store, &clerk, &base).expect("now it goes in");
    let orders_after = f
        .store
        .read(|c| orderdesk_core::store::orders::count_active(c))
        .expect("count");
    assert_eq!(
        orders_after,
        orders_before + 1,
        "each refusal wrote nothing"
    );

    let log = settings::log(&f.store, &admin, 50).expect("log");
    assert!(
        log.iter()
            .any(|e| e.kind == "product_deactivated" && e.subject == "T-9")
    );
}

#[test]
fn pinyin_initials_follow_words_and_keep_every_unsure_reading() {
    let f = fixture(30);
    let clerk = login(&f.store, "clerk01");
    let names = [
        ("厦门东方办公设备有限公司", "xmdf"),
        ("重庆长城重工有限公司", "cqcczg"),
        ("长沙乐山贸易", "csls"),
        ("成都蚌埠六安商行", "cdbbla"),
        ("中国银行长丰支行", "zgyh"),
        ("长丰贸易", "cfmy"),
        ("长丰贸易", "zfmy"),
    ];
    for (i, (name, _)) in names.iter().enumerate() {
        customer(&f.store, &format!("PY{i}"), name);
    }
    for (name, typed) in names {
        let found = customers::find(&f.store, &clerk, typed, false, 20).expect("find");
        assert!(
            found.iter().any(|c| c.name == name),
            "{typed} finds {name}: {found:?}"
        );
    }
}

#[test]
fn an_older_database_has_its_initials_read_again_when_opened() {
    let f = fixture(30);
    let made = customer(&f.store, "OLD-1", "厦门润发商贸有限公司");
    let path = f.store.path().to_path_buf();
    // As the old reading stored it, before migration 8.
    f.store
        .write(|c| {
            c.execute(
                "UPDATE customers SET initials = 'smrfsmyxgs' WHERE id = ?1",
                [made.id.0],
            )?;
            c.execute(
                "DELETE FROM customer_grams WHERE customer_id = ?1",
                [made.id.0],
            )?;
            // Back to schema 7: what later migrations add goes away.
            c.execute_batch(
                "DROP TABLE login_failures; DROP TABLE ended_sessions;
                 DROP TABLE audit_checkpoints; DROP TABLE audit_anchor;
                 ALTER TABLE settings_events DROP COLUMN prev_hash;
                 ALTER TABLE settings_events DROP COLUMN hash;
                 PRAGMA user_version = 7",
            )?;
            Ok(())
        })
        .expect("make it old");
    drop(f.store);
    let store = Store::open(&path).expect("reopen and migrate");
    let clerk = login(&store, "clerk01");
    for typed in ["xmrf", "xm"] {
        let found = customers::find(&store, &clerk, typed, false, 20).expect("find");
        assert!(found.iter().any(|c| c.id == made.id), "{typed}: {found:?}");
    }
}
