//! The real `orderdesk-server` process on 127.0.0.1, killed and stopped at
//! awkward moments: a kill -9 during a bulk archive leaves the job listed as
//! interrupted, and resuming it archives every order exactly once; SIGTERM
//! stops a running job resumable and exits 0; a desk that goes away in the
//! middle of a call leaves nothing half-done.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orderdesk_api::types::*;
use orderdesk_api::wire::ServerEvent;
use orderdesk_client::{Backend, Remote};
use orderdesk_core::{Store, check, seed};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn seeded(orders: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path().join("orderdesk.db")).expect("open");
    seed::seed(
        &store,
        &seed::SeedOptions {
            orders,
            seed: 21,
            anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        },
    )
    .expect("seed");
    dir
}

/// Starts the server on `listen`; returns it with its address and fingerprint.
fn serve(data: &Path, listen: &str) -> (Proc, String, String) {
    let _ = std::fs::remove_file(data.join("server.json"));
    let child = Proc(
        Command::new(env!("CARGO_BIN_EXE_orderdesk-server"))
            .arg("--data")
            .arg(data)
            .args(["--listen", listen, "--no-discovery"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(data.join("server.json"))
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
            let address = v["listen"].as_str().expect("listen").to_string();
            let fingerprint = v["fingerprint"].as_str().expect("fingerprint").to_string();
            return (child, address, fingerprint);
        }
        assert!(Instant::now() < end, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn logged_in(address: &str, fingerprint: &str, who: &str) -> Backend {
    let desk = Backend::server(Arc::new(Remote::new(address, fingerprint).expect("remote")));
    let reply = desk.login(who.into(), "demo".into()).await.expect("login");
    desk.set_token(Some(reply.token));
    desk
}

/// Every order of the job is archived exactly once, and every rule holds.
fn assert_archived_once(data: &Path, job: &str) {
    let store = Store::open(data.join("orderdesk.db")).expect("open");
    let (items, done, in_archive, still_active, twice): (i64, i64, i64, i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM job_items WHERE job_id = ?1),
                        (SELECT count(*) FROM job_items WHERE job_id = ?1 AND state = 'done'),
                        (SELECT count(*) FROM archived_orders a JOIN job_items i
                            ON i.order_number = a.number AND i.job_id = ?1),
                        (SELECT count(*) FROM orders o JOIN job_items i
                            ON i.order_number = o.number AND i.job_id = ?1 AND i.state = 'done'),
                        (SELECT count(*) FROM (SELECT number FROM archived_orders
                            GROUP BY number HAVING count(*) > 1))",
                [job],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?)
        })
        .expect("count");
    assert!(items > 0, "the job had orders");
    assert_eq!(done, items, "every order of the job was archived");
    assert_eq!(in_archive, items, "each is in the archive");
    assert_eq!(still_active, 0, "none is still active");
    assert_eq!(twice, 0, "none twice");
    let report = check::invariants(&store).expect("check");
    assert!(report.ok, "{:?}", report.findings);
    assert!(check::verify_audit(&store).expect("audit").ok);
}

async fn first_progress(desk: &Backend) -> orderdesk_client::EventSocket {
    let remote = desk.remote().expect("remote").clone();
    remote
        .events(&desk.token().expect("token"), i64::MAX)
        .await
        .expect("events")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_lists_the_interrupted_job_and_resuming_archives_each_order_once() {
    let dir = seeded(6000);
    let (mut server, address, fingerprint) = serve(dir.path(), "127.0.0.1:0");
    let desk = logged_in(&address, &fingerprint, "admin").await;
    let job = desk
        .start_job(
            JobKind::Archive,
            Selection::ClosedBefore {
                before: "2026-11-28".into(),
                status: None,
            },
        )
        .await
        .expect("start");
    assert!(
        job.total > 200,
        "enough orders for many batches: {}",
        job.total
    );
    let mut events = first_progress(&desk).await;
    let runner = {
        let remote = desk.remote().expect("remote").clone();
        let (token, id) = (desk.token(), job.id.clone());
        tokio::spawn(async move {
            let desk = Backend::server(remote);
            desk.set_token(token);
            desk.run_job(id, Some(20)).await
        })
    };
    // Kill -9 as soon as some batches are in.
    loop {
        match tokio::time::timeout(Duration::from_secs(30), events.next()).await {
            Ok(Some(ServerEvent::JobProgress { status })) if status.done > 0 => break,
            Ok(Some(_)) => {}
            other => panic!("no progress: {other:?}"),
        }
    }
    let _ = server.0.kill();
    let _ = server.0.wait();
    let cut = runner
        .await
        .expect("task")
        .expect_err("the call was cut off");
    assert!(cut.is_unavailable(), "{cut:?}");

    // Back on the same port: the same session still works, and the job waits.
    let (_server, again, _) = serve(dir.path(), &address);
    assert_eq!(again, address);
    let waiting = desk.unfinished_jobs().await.expect("list");
    let listed = waiting
        .iter()
        .find(|j| j.job.id == job.id)
        .expect("the interrupted job is listed");
    assert!(!listed.running);
    assert!(
        listed.job.done > 0 && listed.job.done < listed.job.total,
        "{listed:?}"
    );
    let finished = desk.run_job(job.id.clone(), None).await.expect("resume");
    assert_eq!(finished.state, "done");
    assert_eq!(finished.done + finished.refused, finished.total);
    assert!(desk.unfinished_jobs().await.expect("list").is_empty());
    assert_archived_once(dir.path(), &job.id);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_a_running_job_resumable_and_exits_zero() {
    let dir = seeded(6000);
    let (mut server, address, fingerprint) = serve(dir.path(), "127.0.0.1:0");
    let desk = logged_in(&address, &fingerprint, "admin").await;
    let job = desk
        .start_job(
            JobKind::Archive,
            Selection::ClosedBefore {
                before: "2026-11-28".into(),
                status: None,
            },
        )
        .await
        .expect("start");
    let mut events = first_progress(&desk).await;
    let runner = {
        let remote = desk.remote().expect("remote").clone();
        let (token, id) = (desk.token(), job.id.clone());
        tokio::spawn(async move {
            let desk = Backend::server(remote);
            desk.set_token(token);
            desk.run_job(id, Some(20)).await
        })
    };
    loop {
        match tokio::time::timeout(Duration::from_secs(30), events.next()).await {
            Ok(Some(ServerEvent::JobProgress { status })) if status.done > 0 => break,
            Ok(Some(_)) => {}
            other => panic!("no progress: {other:?}"),
        }
    }
    let term = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    // The call in flight gets its answer: the job stopped after its batch.
    let stopped = runner.await.expect("task").expect("answered before exit");
    assert_eq!(stopped.state, "stopped");
    assert!(stopped.pending > 0);
    let end = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < end, "the server did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "exit 0 after SIGTERM: {code:?}");

    let (_server, _, _) = serve(dir.path(), &address);
    let finished = desk.run_job(job.id.clone(), None).await.expect("resume");
    assert_eq!(finished.state, "done");
    assert_archived_once(dir.path(), &job.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_gone_mid_call_leaves_nothing_half_done() {
    let dir = seeded(4000);
    let (_server, address, fingerprint) = serve(dir.path(), "127.0.0.1:0");
    let desk = logged_in(&address, &fingerprint, "admin").await;
    let job = desk
        .start_job(
            JobKind::Archive,
            Selection::ClosedBefore {
                before: "2026-11-28".into(),
                status: None,
            },
        )
        .await
        .expect("start");
    // The desk starts the run, then vanishes (its connection drops).
    {
        let remote = Arc::new(Remote::new(&address, &fingerprint).expect("remote"));
        let gone = Backend::server(remote);
        gone.set_token(desk.token());
        let _ = tokio::time::timeout(
            Duration::from_millis(300),
            gone.run_job(job.id.clone(), Some(20)),
        )
        .await;
    }
    // The server finishes what it started; another look finds it whole.
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let status = desk.job_status(job.id.clone()).await.expect("status");
        if status.pending == 0 {
            break;
        }
        assert!(Instant::now() < end, "the job never finished: {status:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let report = desk.check().await.expect("check");
    assert!(report.ok, "{:?}", report.findings);
}

/// An import file of `orders` orders, two lines each, for customer and
/// products of the demo data.
fn import_file(orders: usize, customer: &str, skus: [&str; 2]) -> Upload {
    let mut text = String::from("number,customer_code,order_date,status,handler,sku,quantity\n");
    for i in 0..orders {
        for sku in skus {
            text.push_str(&format!(
                "IMP-{i:05},{customer},2026-05-01,draft,clerk01,{sku},2\n"
            ));
        }
    }
    Upload {
        name: "orders.csv".into(),
        data: text.into_bytes(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_an_import_loses_and_repeats_nothing_after_resume() {
    let dir = seeded(300);
    let (customer, skus) = {
        let store = Store::open(dir.path().join("orderdesk.db")).expect("open");
        store
            .read(|c| {
                let code = orderdesk_core::store::customers::find(c, "", true, 1)?[0]
                    .code
                    .clone();
                let skus: Vec<String> = orderdesk_core::store::products::products(c)?
                    .into_iter()
                    .take(2)
                    .map(|p| p.sku)
                    .collect();
                Ok((code, skus))
            })
            .expect("demo data")
    };
    let file = import_file(3000, &customer, [&skus[0], &skus[1]]);
    let (mut server, address, fingerprint) = serve(dir.path(), "127.0.0.1:0");
    let desk = logged_in(&address, &fingerprint, "admin").await;
    let sheet = desk
        .import_inspect(ImportKind::Orders, file.clone())
        .await
        .expect("inspect");
    let job = desk
        .import_start(ImportKind::Orders, file.clone(), sheet.mapping.clone())
        .await
        .expect("start");
    assert_eq!(job.total, 3000);
    let mut events = first_progress(&desk).await;
    let runner = {
        let remote = desk.remote().expect("remote").clone();
        let (token, id) = (desk.token(), job.id.clone());
        tokio::spawn(async move {
            let desk = Backend::server(remote);
            desk.set_token(token);
            desk.run_job(id, Some(50)).await
        })
    };
    loop {
        match tokio::time::timeout(Duration::from_secs(30), events.next()).await {
            Ok(Some(ServerEvent::JobProgress { status })) if status.done > 0 => break,
            Ok(Some(_)) => {}
            other => panic!("no progress: {other:?}"),
        }
    }
    let _ = server.0.kill();
    let _ = server.0.wait();
    assert!(runner.await.expect("task").is_err(), "the call was cut off");

    let (_server, _, _) = serve(dir.path(), &address);
    let waiting = desk.unfinished_jobs().await.expect("list");
    let listed = waiting
        .iter()
        .find(|j| j.job.id == job.id)
        .expect("the interrupted import is listed");
    assert!(listed.job.done > 0 && listed.job.done < 3000, "{listed:?}");
    let finished = desk.run_job(job.id.clone(), None).await.expect("resume");
    assert_eq!((finished.state.as_str(), finished.done), ("done", 3000));

    let store = Store::open(dir.path().join("orderdesk.db")).expect("open");
    let (orders, lines, events_logged): (i64, i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM orders WHERE number LIKE 'IMP-%'),
                        (SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
                         WHERE o.number LIKE 'IMP-%'),
                        (SELECT count(*) FROM order_events WHERE kind = 'imported')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .expect("count");
    assert_eq!((orders, lines, events_logged), (3000, 6000, 3000));
    // The same file again: nothing new.
    let again = desk
        .import_start(ImportKind::Orders, file, sheet.mapping)
        .await
        .expect("start again");
    let again = desk.run_job(again.id, None).await.expect("run again");
    assert_eq!((again.done, again.unchanged), (0, 3000));
    assert!(check::invariants(&store).expect("check").ok);
    assert!(check::verify_audit(&store).expect("audit").ok);
}
