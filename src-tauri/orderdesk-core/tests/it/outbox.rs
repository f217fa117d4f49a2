//! The outbox as a queue, through a channel that only records (the seam of
//! a mail server; the real one is tested from the CLI against aiosmtpd).

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::domain::Status;
use orderdesk_core::inbox;
use orderdesk_core::notice::sha256_hex;
use orderdesk_core::outbox::{self, Answer, Channel, Delivery, MAX_ATTEMPTS, Pass};
use orderdesk_core::store::outbox::{OutboxFilter, Outgoing};

use crate::support::*;

/// Answers each attempt with `answer`, and remembers what it was given.
struct Recorder {
    answer: Answer,
    seen: Mutex<Vec<(String, String)>>,
}

impl Recorder {
    fn new(answer: Answer) -> Recorder {
        Recorder {
            answer,
            seen: Mutex::new(Vec::new()),
        }
    }
    fn count(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or(0)
    }
}

impl Channel for Recorder {
    fn send(&self, notice: &Outgoing, pdf: &[u8]) -> Answer {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((notice.message_id.clone(), sha256_hex(pdf)));
        }
        self.answer.clone()
    }
}

/// A cancelled order with a customer notice queued by its clerk: its
/// number, the clerk's login and the notice previewed.
fn cancelled(f: &Fixture) -> (String, String, orderdesk_core::notify::CustomerNotice) {
    for row in find(&f.store, &[Status::Confirmed], None) {
        let clerk = login(&f.store, &handler(&row));
        let Ok(preview) = cancel::preview(
            &f.store,
            &clerk,
            &row.number,
            Some("customer_request"),
            None,
            Some("本订单已取消。"),
        ) else {
            continue;
        };
        let Some(notice) = preview.customer_notice.filter(|n| n.to.is_some()) else {
            continue;
        };
        if preview.needs_approval {
            continue;
        }
        cancel::execute(
            &f.store,
            &clerk,
            &CancelRequest {
                number: row.number.clone(),
                seen_version: row.version,
                reason_code: "customer_request".into(),
                note: None,
                notify_customer: true,
                customer_message: Some("本订单已取消。".into()),
            },
        )
        .expect("cancel");
        let clerk = handler(&row);
        return (row.number, clerk, notice);
    }
    panic!("no order to cancel");
}

/// A person's pass ("send now"), as the administrator.
fn now(f: &Fixture, channel: &dyn Channel) -> Vec<Delivery> {
    let admin = login(&f.store, "admin");
    let due = outbox::due(&f.store, Pass::Now(&admin), 10).expect("due");
    outbox::send(&f.store, channel, &due).expect("send")
}

/// The background loop's pass.
fn scheduled(f: &Fixture, channel: &dyn Channel) -> Vec<Delivery> {
    let due = outbox::due(&f.store, Pass::Scheduled, 10).expect("due");
    outbox::send(&f.store, channel, &due).expect("send")
}

fn notice_of(f: &Fixture, number: &str) -> orderdesk_core::store::outbox::CustomerMessage {
    let admin = login(&f.store, "admin");
    outbox::list(&f.store, &admin, &OutboxFilter::default())
        .expect("list")
        .into_iter()
        .find(|m| m.order_number == number)
        .expect("queued")
}

#[test]
fn the_pdf_sent_and_printed_is_the_one_previewed_and_its_hash_is_in_the_audit_event() {
    let f = fixture(800);
    let (number, clerk, previewed) = cancelled(&f);
    let admin = login(&f.store, "admin");
    let d = show(&f.store, &admin, &number);
    let event = d
        .events
        .iter()
        .find(|e| e.kind == "cancelled")
        .expect("cancel event");
    assert_eq!(
        event
            .data
            .as_ref()
            .and_then(|d| d["customer_notice_hash"].as_str()),
        Some(previewed.hash().as_str())
    );
    // "Send now" is a manager's: a clerk is refused whatever the path.
    let as_clerk = login(&f.store, &clerk);
    let e = outbox::due(&f.store, Pass::Now(&as_clerk), 10).expect_err("a clerk");
    assert_eq!(e.kind(), orderdesk_core::ErrorKind::Forbidden, "{e:?}");
    let recorder = Recorder::new(Answer::Sent("250 ok".into()));
    let out = now(&f, &recorder);
    assert_eq!(out.len(), 1);
    let seen = recorder.seen.lock().expect("seen").clone();
    assert_eq!(seen[0].1, previewed.pdf_hash, "the previewed PDF went");
    let clerk = login(&f.store, &clerk);
    let printed = outbox::printable(&f.store, &clerk, &number).expect("print");
    assert_eq!(sha256_hex(&printed), previewed.pdf_hash);
    // Someone outside the department reads nothing of it.
    let outsider = login(&f.store, &stranger(&clerk.login));
    assert!(outbox::printable(&f.store, &outsider, &number).is_err());
    let theirs = outbox::list(&f.store, &outsider, &OutboxFilter::default()).expect("list");
    assert!(theirs.iter().all(|m| m.order_number != number));
}

#[test]
fn retries_run_out_into_a_failure_that_tells_the_clerk_and_the_manager() {
    let f = fixture(800);
    let (number, clerk, _) = cancelled(&f);
    let busy = Recorder::new(Answer::Temporary("451 4.3.0 busy".into()));
    for attempt in 1..=MAX_ATTEMPTS {
        let out = now(&f, &busy);
        assert_eq!(out.len(), 1);
        let expected = if attempt < MAX_ATTEMPTS {
            "retrying"
        } else {
            "failed"
        };
        assert_eq!(
            (out[0].status.as_str(), out[0].attempts),
            (expected, attempt)
        );
    }
    let m = notice_of(&f, &number);
    assert_eq!(m.status, "failed");
    assert!(
        m.last_answer.as_deref().unwrap_or("").contains("gave up"),
        "{m:?}"
    );
    // Nothing more is tried.
    assert!(now(&f, &busy).is_empty());
    assert_eq!(busy.count(), MAX_ATTEMPTS as usize);
    for person in [clerk.clone(), manager_of(&clerk).to_string()] {
        let s = login(&f.store, &person);
        let items = inbox::list(&f.store, &s, false, 50).expect("inbox");
        let item = items
            .iter()
            .find(|i| i.event == "notice_failed" && i.order_number.as_deref() == Some(&number))
            .unwrap_or_else(|| panic!("{person} not told"));
        assert!(item.body_en.contains("451"), "{}", item.body_en);
    }
    assert_invariants(&f.store);
}

#[test]
fn the_background_pass_waits_half_a_minute_and_for_the_backoff() {
    let mut f = fixture(800);
    let offset = Arc::new(AtomicI64::new(0));
    let shift = offset.clone();
    f.store.set_clock(move || {
        chrono::Utc::now() + chrono::Duration::seconds(shift.load(Ordering::SeqCst))
    });
    let (number, _, _) = cancelled(&f);
    let busy = Recorder::new(Answer::Temporary("421 try later".into()));
    assert!(scheduled(&f, &busy).is_empty());
    // A manager can still take it back in those thirty seconds.
    offset.store(31, Ordering::SeqCst);
    let out = scheduled(&f, &busy);
    assert_eq!(out[0].status, "retrying");
    // The next try waits 5 minutes.
    offset.store(31 + 4 * 60, Ordering::SeqCst);
    assert!(scheduled(&f, &busy).is_empty());
    offset.store(31 + 5 * 60 + 1, Ordering::SeqCst);
    let out = scheduled(&f, &busy);
    assert_eq!(
        (out[0].order_number.as_str(), out[0].attempts),
        (number.as_str(), 2)
    );
}

#[test]
fn a_notice_changed_after_it_was_queued_is_never_sent() {
    let f = fixture(800);
    let (number, _, _) = cancelled(&f);
    f.store
        .write(|tx| {
            tx.execute(
                "UPDATE customer_outbox SET body = body || ' 另附优惠券' WHERE order_number = ?1",
                [&number],
            )?;
            Ok(())
        })
        .expect("tamper");
    let recorder = Recorder::new(Answer::Sent("250".into()));
    let out = now(&f, &recorder);
    assert_eq!(out[0].status, "failed");
    assert!(out[0].answer.contains("hash"), "{}", out[0].answer);
    assert_eq!(recorder.count(), 0, "nothing reached the channel");
}

#[test]
fn a_bulk_cancel_that_tells_customers_commits_in_short_batches() {
    use orderdesk_core::jobs::{self, JobKind, NOTICE_BATCH, Selection};
    let f = fixture(5000);
    let admin = login(&f.store, "admin");
    // Orders in every state but archived: each is an item of the job, done
    // or refused.
    let numbers: Vec<String> = Status::ALL
        .iter()
        .filter(|s| **s != Status::Archived)
        .flat_map(|s| find(&f.store, &[*s], None))
        .map(|row| row.number)
        .take(NOTICE_BATCH + 1)
        .collect();
    assert_eq!(numbers.len(), NOTICE_BATCH + 1);
    let run = |notify_customer| {
        let kind = JobKind::Cancel {
            reason_code: "customer_request".into(),
            note: None,
            notify_customer,
            customer_message: None,
        };
        let job = jobs::create(
            &f.store,
            &admin,
            &kind,
            &Selection::numbers(numbers.clone()),
        )
        .expect("job");
        let mut seen = Vec::new();
        let end = jobs::run(&f.store, &admin, &job.id, 10_000, &mut |p| {
            seen.push(p.done + p.refused);
            true
        })
        .expect("run");
        assert_eq!((end.done + end.refused) as usize, NOTICE_BATCH + 1);
        seen
    };
    // Each batch renders its notices' PDFs in its transaction: at most
    // NOTICE_BATCH of them, whatever batch was asked for.
    assert_eq!(
        run(true),
        [
            NOTICE_BATCH as i64,
            NOTICE_BATCH as i64 + 1,
            NOTICE_BATCH as i64 + 1
        ]
    );
    // Without notices, the batch asked for.
    assert_eq!(
        run(false),
        [NOTICE_BATCH as i64 + 1, NOTICE_BATCH as i64 + 1]
    );
}
