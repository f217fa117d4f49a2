use orderdesk_core::cancel::{self, ApprovalReason, CancelRequest};
use orderdesk_core::detail;
use orderdesk_core::domain::{Role, Status};
use orderdesk_core::inbox;
use orderdesk_core::lifecycle::{self, Step};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::settings::{self, ApprovalRules};
use orderdesk_core::{ErrorKind, Msg};

use crate::support::*;

fn request(number: &str, version: i64, reason: &str) -> CancelRequest {
    CancelRequest {
        number: number.into(),
        seen_version: version,
        reason_code: reason.into(),
        note: Some("客户改为下月采购".into()),
        notify_customer: true,
        customer_message: None,
    }
}

#[test]
fn clerk_cancels_a_small_confirmed_order_and_stock_is_released() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let clerk = login(&f.store, &handler(&row));
    let before = show(&f.store, &clerk, &row.number);
    let reserved_before: Vec<i64> = before
        .lines
        .iter()
        .map(|l| product_reserved(&f.store, &l.sku))
        .collect();

    let preview = cancel::preview(
        &f.store,
        &clerk,
        &row.number,
        Some("customer_request"),
        None,
        None,
    )
    .expect("preview");
    assert!(preview.allowed, "{:?}", preview.blockers);
    assert!(!preview.needs_approval);
    assert_eq!(preview.reversal.stock.len(), before.lines.len());
    assert!(
        preview
            .customer_notice
            .as_ref()
            .is_some_and(|n| n.body.contains(&row.number))
    );
    assert!(
        preview
            .recipients
            .iter()
            .any(|r| r.login.as_deref() == Some(manager_of(&clerk.login)))
    );

    let out = cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, before.version, "customer_request"),
    )
    .expect("cancel");
    assert_eq!(out.status, Status::Cancelled);
    assert_eq!(
        out.reversal, preview.reversal,
        "the preview is what the cancel does"
    );
    let after = show(&f.store, &clerk, &row.number);
    assert_eq!(after.status, Status::Cancelled);
    assert_eq!(after.version, before.version + 1);
    for (line, before) in after.lines.iter().zip(reserved_before) {
        assert_eq!(
            product_reserved(&f.store, &line.sku),
            before - line.quantity
        );
    }
    assert!(after.reservations.iter().all(|r| r.state == "released"));
    let last = after.events.last().expect("event");
    assert_eq!(
        (last.kind.as_str(), last.reason.as_deref()),
        ("cancelled", Some("customer_request"))
    );
    assert_eq!(last.actor.as_deref(), Some(clerk.login.as_str()));
    assert!(out.customer_message_id.is_some());
    let manager = login(&f.store, manager_of(&clerk.login));
    let outbox = outbox_of(&f.store, &manager).expect("outbox");
    assert!(outbox.iter().any(|m| m.order_number == row.number));
    // The customer's notice is read like the order: not from another department.
    let outsider = login(&f.store, &stranger(&clerk.login));
    let theirs = outbox_of(&f.store, &outsider).expect("outbox");
    assert!(
        theirs.iter().all(|m| m.order_number != row.number),
        "a clerk of another department reads no notice of this order"
    );
    assert!(
        inbox::list(&f.store, &manager, true, 50)
            .expect("inbox")
            .iter()
            .any(|n| n.order_number.as_deref() == Some(&row.number))
    );
    assert_invariants(&f.store);
}

#[test]
fn invoiced_order_needs_approval_and_the_manager_approves() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Invoiced, true);
    let clerk = login(&f.store, &handler(&row));
    let preview =
        cancel::preview(&f.store, &clerk, &row.number, None, None, None).expect("preview");
    assert!(preview.needs_approval);
    assert_eq!(preview.approval_reasons, vec![ApprovalReason::Invoiced]);
    assert_eq!(preview.reversal.credit_notes.len(), 1);

    let out = cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, row.version, "price_error"),
    )
    .expect("request");
    assert_eq!(out.status, Status::CancelPending);
    let pending = show(&f.store, &clerk, &row.number);
    // Frozen: nothing else may happen to it meanwhile.
    let e = reassign::execute(
        &f.store,
        &clerk,
        &row.number,
        pending.version,
        &Target::User(colleague(&clerk.login)),
        None,
    )
    .expect_err("frozen");
    assert!(matches!(e.msg(), Msg::Frozen { .. }), "{e:?}");
    let e = cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, pending.version, "other"),
    )
    .expect_err("frozen");
    assert!(matches!(e.msg(), Msg::Frozen { .. }), "{e:?}");
    // The clerk may not approve; the department's manager may.
    let e = cancel::approve(&f.store, &clerk, &row.number, pending.version).expect_err("clerk");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let manager = login(&f.store, manager_of(&clerk.login));
    // The manager sees the request whole before deciding.
    let asked = cancel::pending_request(&f.store, &manager, &row.number).expect("request");
    assert_eq!(asked.requested_by.as_deref(), Some(clerk.login.as_str()));
    assert!(asked.requested_by_name.is_some());
    assert_eq!(asked.reason.as_deref(), Some("price_error"));
    assert_eq!(asked.approval_reasons, vec![ApprovalReason::Invoiced]);
    assert_eq!(asked.status_before, Status::Invoiced);
    assert_eq!(asked.reversal, preview.reversal, "the plan the clerk saw");
    assert!(asked.decision.allowed);
    let own = cancel::pending_request(&f.store, &clerk, &row.number).expect("readable");
    assert!(
        !own.decision.allowed,
        "the clerk may read it, not decide it"
    );
    assert!(
        cancel::pending(&f.store, &manager)
            .expect("pending")
            .iter()
            .any(|r| r.number == row.number)
    );
    let approved =
        cancel::approve(&f.store, &manager, &row.number, pending.version).expect("approve");
    assert_eq!(approved.status, Status::Cancelled);
    let done = show(&f.store, &manager, &row.number);
    let billed: i64 = done
        .finance
        .iter()
        .filter(|e| e.kind == "invoice" || e.kind == "credit_note")
        .map(|e| e.amount_minor)
        .sum();
    assert_eq!(billed, 0, "the credit note cancels the invoice");
    let kept: i64 = done
        .finance
        .iter()
        .filter(|e| e.kind == "payment" || e.kind == "refund_due")
        .map(|e| e.amount_minor)
        .sum();
    assert_eq!(kept, 0, "payments received are owed back");
    assert_eq!(
        done.events.last().map(|e| e.kind.as_str()),
        Some("cancel_approved")
    );
    assert!(
        inbox::list(&f.store, &clerk, true, 50)
            .expect("inbox")
            .iter()
            .any(|n| n.event == "cancel_approved")
    );
    assert_invariants(&f.store);
}

#[test]
fn a_rejected_request_returns_the_order_to_its_status() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Invoiced, true);
    let clerk = login(&f.store, &handler(&row));
    cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, row.version, "duplicate"),
    )
    .expect("request");
    let manager = login(&f.store, manager_of(&clerk.login));
    let v = detail::version(&f.store, &manager, &row.number).expect("version");
    let e = cancel::reject(&f.store, &manager, &row.number, v, "   ").expect_err("note required");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let order =
        cancel::reject(&f.store, &manager, &row.number, v, "客户已付款，不能取消").expect("reject");
    assert_eq!(order.status, Status::Invoiced);
    let d = show(&f.store, &clerk, &row.number);
    let last = d.events.last().expect("event");
    assert_eq!(last.kind, "cancel_rejected");
    assert_eq!(last.note.as_deref(), Some("客户已付款，不能取消"));
    assert_invariants(&f.store);
}

#[test]
fn shipped_and_completed_orders_cannot_be_cancelled() {
    let f = fixture(1500);
    for (status, needle) in [
        (Status::Shipped, "create a return"),
        (Status::Completed, "create a return"),
    ] {
        let row = pick(&f.store, status, true);
        let clerk = login(&f.store, &handler(&row));
        let e = cancel::execute(
            &f.store,
            &clerk,
            &request(&row.number, row.version, "customer_request"),
        )
        .expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::RuleViolation);
        assert!(
            e.message(orderdesk_core::domain::Lang::En).contains(needle),
            "{e}"
        );
        let p = cancel::preview(&f.store, &clerk, &row.number, None, None, None).expect("preview");
        assert!(!p.allowed && p.blockers.len() == 1);
        assert_eq!(
            show(&f.store, &clerk, &row.number).version,
            row.version,
            "nothing changed"
        );
    }
}

#[test]
fn cancelled_is_final_and_copy_starts_again_with_lineage() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Draft, true);
    let clerk = login(&f.store, &handler(&row));
    cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, row.version, "duplicate"),
    )
    .expect("cancel");
    let v = row.version + 1;
    let e = cancel::execute(&f.store, &clerk, &request(&row.number, v, "duplicate"))
        .expect_err("final");
    assert!(matches!(e.msg(), Msg::AlreadyCancelled { .. }));
    let copy = detail::copy(&f.store, &clerk, &row.number).expect("copy");
    let new = show(&f.store, &clerk, &copy.number);
    assert_eq!(new.status, Status::Draft);
    assert_eq!(new.copied_from.as_deref(), Some(row.number.as_str()));
    assert_eq!(new.handler.as_deref(), Some(clerk.login.as_str()));
    let source = show(&f.store, &clerk, &row.number);
    assert_eq!(source.copies, vec![copy.number.clone()]);
    assert_eq!(new.lines.len(), source.lines.len());
    assert_eq!(new.total_minor, source.total_minor);
    assert!(
        new.events[0]
            .data
            .as_ref()
            .is_some_and(|d| d["copied_from"] == row.number.as_str())
    );
    assert_invariants(&f.store);
}

#[test]
fn a_stale_version_is_a_conflict_that_names_who_changed_it() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Draft, true);
    let clerk = login(&f.store, &handler(&row));
    let manager = login(&f.store, manager_of(&clerk.login));
    lifecycle::advance(&f.store, &manager, &row.number, row.version, Step::Confirm)
        .expect("confirm");
    let e = cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, row.version, "customer_request"),
    )
    .expect_err("stale");
    assert!(e.is_conflict());
    assert!(
        e.message(orderdesk_core::domain::Lang::En)
            .contains(&manager.login),
        "{e}"
    );
    let d = show(&f.store, &clerk, &row.number);
    assert_eq!(
        d.status,
        Status::Confirmed,
        "the stale cancel changed nothing"
    );
}

#[test]
fn a_watcher_reads_but_cannot_change() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let old = login(&f.store, &handler(&row));
    let new = colleague(&old.login);
    reassign::execute(
        &f.store,
        &old,
        &row.number,
        row.version,
        &Target::User(new.clone()),
        Some("休假交接"),
    )
    .expect("reassign");
    let d = show(&f.store, &old, &row.number);
    assert!(d.read_only);
    assert!(d.watchers.contains(&old.login));
    assert!(!d.actions.cancel.allowed);
    let e = cancel::execute(
        &f.store,
        &old,
        &request(&row.number, d.version, "duplicate"),
    )
    .expect_err("watcher");
    assert!(matches!(e.msg(), Msg::WatcherOnly { .. }), "{e:?}");
    let e = lifecycle::advance(&f.store, &old, &row.number, d.version, Step::Invoice)
        .expect_err("watcher");
    assert!(e.is_forbidden());
}

#[test]
fn a_clerk_of_another_department_cannot_see_the_order() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let outsider = login(&f.store, &stranger(&handler(&row)));
    let e = detail::get(&f.store, &outsider, &row.number).expect_err("no access");
    assert!(e.is_forbidden());
    let e = cancel::execute(
        &f.store,
        &outsider,
        &request(&row.number, row.version, "duplicate"),
    )
    .expect_err("no access");
    assert!(e.is_forbidden());
}

#[test]
fn an_unticked_customer_notice_is_not_queued() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Draft, true);
    let clerk = login(&f.store, &handler(&row));
    let mut req = request(&row.number, row.version, "customer_request");
    req.notify_customer = false;
    let out = cancel::execute(&f.store, &clerk, &req).expect("cancel");
    assert!(out.customer_message_id.is_none());
    let admin = login(&f.store, "admin");
    assert!(
        outbox_of(&f.store, &admin)
            .expect("outbox")
            .iter()
            .all(|m| m.order_number != row.number)
    );
}

#[test]
fn the_administrator_lowers_the_threshold_and_small_cancels_need_approval() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let clerk = login(&f.store, &handler(&row));
    let rules = ApprovalRules {
        threshold_minor: Some(100),
        ..ApprovalRules::default()
    };
    let e = settings::set_approval_rules(&f.store, &clerk, &rules).expect_err("clerk");
    assert!(e.is_forbidden());
    let admin = login(&f.store, "admin");
    settings::set_approval_rules(&f.store, &admin, &rules).expect("admin");
    let out = cancel::execute(
        &f.store,
        &clerk,
        &request(&row.number, row.version, "customer_request"),
    )
    .expect("request");
    assert_eq!(out.status, Status::CancelPending);
    // Managers are exempt by default.
    let other = pick(&f.store, Status::Confirmed, true);
    let manager = login(&f.store, manager_of(&handler(&other)));
    assert!(
        settings::approval_rules(&f.store)
            .expect("rules")
            .roles_without_approval
            .contains(&Role::Manager)
    );
    let out = cancel::execute(
        &f.store,
        &manager,
        &request(&other.number, other.version, "customer_request"),
    )
    .expect("cancel");
    assert_eq!(out.status, Status::Cancelled);
    assert_invariants(&f.store);
}

#[test]
fn a_manager_cannot_approve_their_own_request() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    settings::set_approval_rules(
        &f.store,
        &admin,
        &ApprovalRules {
            roles_without_approval: vec![Role::Admin],
            ..ApprovalRules::default()
        },
    )
    .expect("rules");
    let row = pick(&f.store, Status::Invoiced, true);
    let manager = login(&f.store, manager_of(&handler(&row)));
    let out = cancel::execute(
        &f.store,
        &manager,
        &request(&row.number, row.version, "customer_request"),
    )
    .expect("request");
    assert_eq!(out.status, Status::CancelPending);
    let e = cancel::approve(&f.store, &manager, &row.number, out.version).expect_err("own");
    assert!(matches!(e.msg(), Msg::OwnRequest { .. }));
    cancel::approve(&f.store, &admin, &row.number, out.version).expect("admin approves");
    assert_invariants(&f.store);
}

#[test]
fn the_internal_note_never_reaches_the_customer_and_the_preview_is_what_is_queued() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let clerk = login(&f.store, &handler(&row));
    let note = "内部：客户信用额度有问题";
    let message = "我们会在下周联系您重新下单。";
    let preview = cancel::preview(
        &f.store,
        &clerk,
        &row.number,
        Some("customer_request"),
        Some(note),
        Some(message),
    )
    .expect("preview");
    let shown = preview.customer_notice.expect("a notice is previewed");
    assert!(shown.body.contains(message), "{}", shown.body);
    assert!(!shown.body.contains(note) && !shown.subject.contains(note));
    let mut req = request(&row.number, row.version, "customer_request");
    req.note = Some(note.into());
    req.customer_message = Some(message.into());
    let out = cancel::execute(&f.store, &clerk, &req).expect("cancel");
    assert_eq!(
        (out.from, out.status),
        (Status::Confirmed, Status::Cancelled)
    );
    assert_eq!(out.notified.len(), out.notified_names.len());
    let admin = login(&f.store, "admin");
    let queued = outbox_of(&f.store, &admin)
        .expect("outbox")
        .into_iter()
        .find(|m| m.order_number == row.number)
        .expect("queued");
    assert_eq!(queued.body, shown.body, "exactly what the preview showed");
    assert_eq!(queued.subject, shown.subject);
    assert_eq!(out.customer_notice_to, queued.recipient);
    // The note stays with the staff: on the timeline.
    let d = show(&f.store, &clerk, &row.number);
    assert!(d.events.iter().any(|e| e.note.as_deref() == Some(note)));
}
