use orderdesk_core::detail;
use orderdesk_core::domain::Status;
use orderdesk_core::inbox;
use orderdesk_core::jobs::{self, JobKind, Selection};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::{ErrorKind, Msg};

use crate::support::*;

#[test]
fn the_new_handler_gets_it_and_the_old_one_watches() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Invoiced, true);
    let old = login(&f.store, &handler(&row));
    let new = login(&f.store, &colleague(&old.login));
    let out = reassign::execute(
        &f.store,
        &old,
        &row.number,
        row.version,
        &Target::User(new.login.clone()),
        Some("请跟进"),
    )
    .expect("reassign");
    assert_eq!(out.handler.as_deref(), Some(new.login.as_str()));
    assert_eq!(out.notified, vec![new.login.clone()]);

    let mine = search::search(
        &f.store,
        &new,
        &SearchQuery {
            handler: Some(new.login.clone()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .expect("search");
    assert!(mine.rows.iter().any(|r| r.number == row.number));
    let items = inbox::list(&f.store, &new, true, 10).expect("inbox");
    assert!(
        items
            .iter()
            .any(|i| i.order_number.as_deref() == Some(row.number.as_str())
                && i.event == "reassigned")
    );
    let watching = detail::watching(&f.store, &old).expect("watching");
    assert!(watching.iter().any(|r| r.number == row.number));
    let d = show(&f.store, &old, &row.number);
    assert!(d.read_only && d.watchers.contains(&old.login));
    let e = d.events.last().expect("event");
    assert_eq!(e.kind, "reassigned");
    assert_eq!(e.note.as_deref(), Some("请跟进"));
    assert_invariants(&f.store);
}

#[test]
fn to_a_department_queue_then_a_clerk_there_takes_it() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Draft, true);
    let old = login(&f.store, &handler(&row));
    let out = reassign::execute(
        &f.store,
        &old,
        &row.number,
        row.version,
        &Target::Department("Key Accounts".into()),
        None,
    )
    .expect("to queue");
    assert_eq!(out.handler, None);
    let taker = login(&f.store, "clerk13");
    assert!(
        inbox::list(&f.store, &taker, true, 10)
            .expect("inbox")
            .iter()
            .any(|i| i.order_number.as_deref() == Some(row.number.as_str()))
    );
    let v = detail::version(&f.store, &taker, &row.number).expect("version");
    // The button and the use-case ask the same check: a queue order of
    // one's own department is open to take, and hand-over to someone else
    // is the handler's or the manager's.
    let d = show(&f.store, &taker, &row.number);
    assert!(d.actions.reassign.allowed, "{:?}", d.actions.reassign);
    let e = reassign::execute(
        &f.store,
        &taker,
        &row.number,
        v,
        &Target::User("clerk14".into()),
        None,
    )
    .expect_err("not to someone else");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    reassign::execute(
        &f.store,
        &taker,
        &row.number,
        v,
        &Target::User("clerk13".into()),
        None,
    )
    .expect("claim");
    assert_eq!(
        show(&f.store, &taker, &row.number).handler.as_deref(),
        Some("clerk13")
    );
}

#[test]
fn a_clerk_cannot_hand_off_a_colleagues_order_but_the_manager_can() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Confirmed, true);
    let owner = handler(&row);
    let other = login(&f.store, &colleague(&owner));
    let e = reassign::execute(
        &f.store,
        &other,
        &row.number,
        row.version,
        &Target::User(other.login.clone()),
        None,
    )
    .expect_err("not theirs");
    assert!(matches!(e.msg(), Msg::NotYourOrder { .. }), "{e:?}");
    let manager = login(&f.store, manager_of(&owner));
    reassign::execute(
        &f.store,
        &manager,
        &row.number,
        row.version,
        &Target::User(other.login.clone()),
        None,
    )
    .expect("manager");
    let e = reassign::execute(
        &f.store,
        &manager,
        &row.number,
        row.version + 1,
        &Target::User(other.login.clone()),
        None,
    )
    .expect_err("same");
    assert!(matches!(e.msg(), Msg::AlreadyHandles { .. }));
}

#[test]
fn closed_orders_cannot_be_reassigned_and_the_picker_shows_workload() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Completed, true);
    let manager = login(&f.store, manager_of(&handler(&row)));
    let e = reassign::execute(
        &f.store,
        &manager,
        &row.number,
        row.version,
        &Target::User("clerk02".into()),
        None,
    )
    .expect_err("closed");
    assert_eq!(e.kind(), ErrorKind::RuleViolation);
    let c = reassign::candidates(&f.store, &manager, Some("clerk0"), None).expect("candidates");
    assert_eq!(c.users.len(), 9);
    assert!(c.users.iter().any(|u| u.open_orders > 0));
    let e = reassign::execute(
        &f.store,
        &manager,
        &row.number,
        row.version,
        &Target::User("nobody".into()),
        None,
    )
    .expect_err("no user");
    assert!(e.is_not_found());
}

#[test]
fn a_bulk_reassign_reports_each_order() {
    let f = fixture(1500);
    let manager = login(&f.store, "mgr.east");
    let east: Vec<_> = find(&f.store, &[Status::Draft, Status::Confirmed], None)
        .into_iter()
        .filter(|r| r.department == "华东销售部" && r.handler.as_deref() != Some("clerk03"))
        .take(5)
        .collect();
    let closed = pick(&f.store, Status::Completed, true);
    let mut numbers: Vec<String> = east.iter().map(|r| r.number.clone()).collect();
    numbers.push(closed.number.clone());
    let kind = JobKind::Reassign {
        target: Target::User("clerk03".into()),
        note: None,
    };
    let job = jobs::create(&f.store, &manager, &kind, &Selection::numbers(numbers)).expect("job");
    let status = jobs::run(&f.store, &manager, &job.id, 100, &mut |_| true).expect("run");
    assert_eq!(status.done, east.len() as i64);
    assert_eq!(status.refused, 1);
    let clerk03 = login(&f.store, "clerk03");
    let items = inbox::list(&f.store, &clerk03, true, 10).expect("inbox");
    assert_eq!(
        items.iter().filter(|i| i.event == "reassigned").count(),
        1,
        "one notice per batch"
    );
    assert_eq!(items[0].order_count, east.len() as i64);
    assert_invariants(&f.store);
}
