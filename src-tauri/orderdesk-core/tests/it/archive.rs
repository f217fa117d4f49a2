use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::detail;
use orderdesk_core::domain::Status;
use orderdesk_core::jobs::{self, JobKind, Selection};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::{ErrorKind, Msg, analytics, check};

use crate::support::*;

#[test]
fn a_clerk_cannot_archive() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Completed, true);
    let clerk = login(&f.store, &handler(&row));
    let e = jobs::archive_one(&f.store, &clerk, &row.number, row.version).expect_err("clerk");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(
        show(&f.store, &clerk, &row.number).status,
        Status::Completed
    );
}

#[test]
fn an_archived_order_is_read_only_and_can_be_copied() {
    let f = fixture(1500);
    let row = pick(&f.store, Status::Completed, true);
    let clerk = login(&f.store, &handler(&row));
    let manager = login(&f.store, manager_of(&clerk.login));
    jobs::archive_one(&f.store, &manager, &row.number, row.version).expect("archive");

    let d = show(&f.store, &manager, &row.number);
    assert_eq!(d.status, Status::Archived);
    assert_eq!(d.closed_as, Some(Status::Completed));
    assert!(d.read_only);
    assert_eq!(d.events.last().map(|e| e.kind.as_str()), Some("archived"));
    assert!(!d.lines.is_empty(), "lines moved with the order");

    let e = cancel::execute(
        &f.store,
        &manager,
        &CancelRequest {
            number: row.number.clone(),
            seen_version: d.version,
            reason_code: "duplicate".into(),
            note: None,
            notify_customer: false,
            customer_message: None,
        },
    )
    .expect_err("archived");
    assert!(matches!(e.msg(), Msg::ArchivedReadOnly { .. }), "{e:?}");
    assert!(
        e.message(orderdesk_core::domain::Lang::En)
            .contains("copy as new order")
    );
    let e = reassign::execute(
        &f.store,
        &manager,
        &row.number,
        d.version,
        &Target::User(clerk.login.clone()),
        None,
    )
    .expect_err("archived");
    assert!(matches!(e.msg(), Msg::ArchivedReadOnly { .. }));
    let copy = detail::copy(&f.store, &clerk, &row.number).expect("copy");
    assert_eq!(
        show(&f.store, &clerk, &copy.number).copied_from.as_deref(),
        Some(row.number.as_str())
    );

    // It left the active list and is found in the archive.
    let active = search::search(
        &f.store,
        &manager,
        &SearchQuery {
            text: Some(row.number.clone()),
            ..Default::default()
        },
    )
    .expect("search");
    assert!(active.rows.is_empty());
    let archived = search::search(
        &f.store,
        &manager,
        &SearchQuery {
            text: Some(row.number.clone()),
            archived: true,
            ..Default::default()
        },
    )
    .expect("search");
    assert_eq!(archived.rows.len(), 1);
    assert_eq!(archived.rows[0].closed_as.as_deref(), Some("completed"));
    assert_invariants(&f.store);
}

#[test]
fn a_selection_archives_what_is_closed_and_says_why_the_rest_is_refused() {
    let f = fixture(1500);
    let done = pick(&f.store, Status::Cancelled, true);
    let open = pick(&f.store, Status::Invoiced, true);
    let admin = login(&f.store, "admin");
    let selection = Selection::numbers([
        done.number.clone(),
        open.number.clone(),
        "SO-1999-000001".to_string(),
    ]);
    let preview = jobs::archive_preview(&f.store, &admin, &selection).expect("preview");
    assert_eq!(
        (preview.total, preview.eligible, preview.refused_count),
        (3, 1, 2)
    );
    let job = jobs::create(&f.store, &admin, &JobKind::Archive, &selection).expect("job");
    let status = jobs::run(&f.store, &admin, &job.id, 100, &mut |_| true).expect("run");
    assert_eq!(
        (status.done, status.refused, status.state.as_str()),
        (1, 2, "done")
    );
    let results = jobs::results(&f.store, &admin, &job.id, "refused", 10, 0).expect("results");
    let kinds: Vec<_> = results
        .iter()
        .filter_map(|r| r.problem.as_ref().map(|p| p.kind))
        .collect();
    assert!(
        kinds.contains(&ErrorKind::NotFound) && kinds.contains(&ErrorKind::RuleViolation),
        "{results:?}"
    );
    assert_eq!(
        show(&f.store, &admin, &open.number).status,
        Status::Invoiced
    );
    assert_invariants(&f.store);
}

#[test]
fn a_bulk_archive_stops_and_resumes_without_losing_or_repeating_an_order() {
    let f = fixture(3000);
    let admin = login(&f.store, "admin");
    let before = check::invariants(&f.store).expect("check");
    let selection = Selection::ClosedBefore {
        before: "2026-10-31".into(),
        status: None,
    };
    let job = jobs::create(&f.store, &admin, &JobKind::Archive, &selection).expect("job");
    assert!(
        job.total > 30,
        "enough closed orders to batch: {}",
        job.total
    );
    let mut batches = 0;
    let stopped = jobs::run(&f.store, &admin, &job.id, 10, &mut |_| {
        batches += 1;
        batches < 2
    })
    .expect("run");
    assert_eq!(stopped.state, "stopped");
    assert_eq!(stopped.done + stopped.refused, 20);
    assert_invariants(&f.store);
    let mut seen = Vec::new();
    let finished = jobs::run(&f.store, &admin, &job.id, 10, &mut |p| {
        seen.push(p.done + p.refused);
        true
    })
    .expect("resume");
    assert_eq!(finished.state, "done");
    assert_eq!(finished.done + finished.refused, job.total);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {seen:?}"
    );
    let after = check::invariants(&f.store).expect("check");
    assert_eq!(
        after.archived_orders,
        before.archived_orders + finished.done
    );
    assert_eq!(after.active_orders, before.active_orders - finished.done);
    assert!(after.ok, "{:?}", after.findings);
}

#[test]
fn analytics_come_from_summaries_equal_to_the_archive() {
    let f = fixture(3000);
    let admin = login(&f.store, "admin");
    let report = analytics::cancellations(
        &f.store,
        &admin,
        analytics::Dimension::Reason,
        &Default::default(),
    )
    .expect("report");
    assert!(report.totals.cancelled_orders > 0);
    let by_reason: i64 = report.rows.iter().map(|r| r.orders).sum();
    assert_eq!(by_reason, report.totals.cancelled_orders);
    // Archiving more keeps the summary equal to a GROUP BY over the archive.
    let job = jobs::create(
        &f.store,
        &admin,
        &JobKind::Archive,
        &Selection::ClosedBefore {
            before: "2026-11-28".into(),
            status: Some(Status::Cancelled),
        },
    )
    .expect("job");
    jobs::run(&f.store, &admin, &job.id, 7, &mut |_| true).expect("run");
    let again = analytics::cancellations(
        &f.store,
        &admin,
        analytics::Dimension::Month,
        &Default::default(),
    )
    .expect("report");
    assert_eq!(
        again.totals.cancelled_orders,
        report.totals.cancelled_orders + job.total
    );
    let months: i64 = again.rows.iter().map(|r| r.orders).sum();
    assert_eq!(months, again.totals.cancelled_orders);
    assert_invariants(&f.store);
    // Managers see their department only; clerks see nothing.
    let manager = login(&f.store, "mgr.east");
    let mine = analytics::cancellations(
        &f.store,
        &manager,
        analytics::Dimension::Reason,
        &Default::default(),
    )
    .expect("report");
    assert!(mine.totals.cancelled_orders < again.totals.cancelled_orders);
    let clerk = login(&f.store, "clerk01");
    let e = analytics::cancellations(
        &f.store,
        &clerk,
        analytics::Dimension::Reason,
        &Default::default(),
    )
    .expect_err("clerk");
    assert!(e.is_forbidden());
}
