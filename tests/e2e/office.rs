//! Two desks, one office server: two real app instances (separate data
//! folders, each with its own session bus, both connected) against a real
//! `orderdesk-server` process on 127.0.0.1. A hand-over travels from one
//! desk to the other and raises the desktop notification there; a manager's
//! approval on one desk shows live on the other; a disabled user is refused
//! at the next click; a server killed with -9 shows "reconnecting" and the
//! desks come back when it does; the release the server publishes is offered
//! on a connected desk's login page. Run by `cargo xtask test` under Xvfb.

mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::{App, Fixture, Launch, Notifications, OfficeServer, PrivateBus, by, free_port};
use orderdesk_core::domain::Status;

struct Desk {
    app: App,
    notifications: Notifications,
    _bus: PrivateBus,
}

async fn desk(fx: &Fixture, name: &'static str, prefix: &'static str) -> Desk {
    let data = fx.dir.path().join(name);
    std::fs::create_dir_all(data.join("xdg")).expect("desk folder");
    let bus = PrivateBus::start();
    let notifications = Notifications::start_on(&data, Some(&bus.address));
    let app = App::launch(Launch {
        app: &fx.app,
        env: vec![
            ("ORDERDESK_DATA_DIR", data.clone().into()),
            ("XDG_DATA_HOME", data.join("xdg").into()),
        ],
        bus: Some(&bus.address),
        driver_port: free_port(),
        prefix,
    })
    .await;
    Desk {
        app,
        notifications,
        _bus: bus,
    }
}

/// A script's session on the server (what the CLI or another desk would do).
async fn logged_in(server: &OfficeServer, login: &str) -> orderdesk_client::Backend {
    let remote =
        orderdesk_client::Remote::new(&server.address, &server.fingerprint).expect("remote");
    let backend = orderdesk_client::Backend::server(Arc::new(remote));
    let reply = backend
        .login(login.into(), "demo".into())
        .await
        .expect("login");
    backend.set_token(Some(reply.token));
    backend
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_work_on_one_set_of_orders() {
    let Some(fx) = Fixture::office() else {
        eprintln!(
            "office e2e skipped: set ORDERDESK_APP and run under a display (cargo xtask test does)"
        );
        return;
    };
    let mut server = OfficeServer::start(&fx.dir.path().join("server"), "127.0.0.1:0");
    server.publish_update("9.9.9");
    // Desk B was connected before; desk A connects now, by hand.
    let desk_b_dir = fx.dir.path().join("desk-b");
    std::fs::create_dir_all(&desk_b_dir).expect("desk b");
    std::fs::write(
        desk_b_dir.join("desk.json"),
        serde_json::json!({ "mode": "server", "address": server.address, "fingerprint": server.fingerprint }).to_string(),
    )
    .expect("desk.json");
    let a = desk(&fx, "desk-a", "office-a-").await;
    let b = desk(&fx, "desk-b", "office-b-").await;

    // A: first start offers "this PC only" or the office server.
    a.app.wait(by("mode-server")).await;
    a.app.shot("00-first-start").await;
    a.app.click("mode-server").await;
    a.app.type_into("connect-address", &server.address).await;
    a.app.click("connect-probe").await;
    let shown: String = a
        .app
        .text("connect-fingerprint")
        .await
        .split_whitespace()
        .collect();
    assert_eq!(
        shown, server.fingerprint,
        "the fingerprint to compare is the server's"
    );
    a.app.shot("01-compare-fingerprint").await;
    a.app.click("connect-trust").await;
    a.app.wait(by("login-user")).await;
    a.app.wait_text("login-connection", &server.address).await;
    // The release the server's administrator published is offered on the
    // login page, fetched through the pinned connection.
    a.app.wait_text("server-update", "9.9.9").await;
    a.app.shot("02-login-connected").await;
    a.app.login("clerk01").await;
    b.app.login("clerk02").await;
    a.app.wait_text("link-state", "Office server").await;

    // A hands an order to B: B's desktop says so, B's inbox shows it live.
    let order = fx.order(Status::Confirmed, "clerk01", true);
    b.app.click("nav-inbox").await;
    b.notifications.clear();
    a.app.search(&order.number, &order.number).await;
    a.app.open(&order.number).await;
    a.app.click("action-reassign").await;
    a.app.type_into("reassign-filter", "clerk02").await;
    a.app.click("candidate-clerk02").await;
    a.app.click("reassign-next").await;
    a.app.type_into("reassign-note", "please follow up").await;
    a.app.click("reassign-confirm").await;
    a.app.wait(by("reassign-result")).await;
    let handed = Instant::now();
    assert!(
        b.notifications
            .wait_for(&order.number, Duration::from_secs(2)),
        "desk B's desktop was not told within 2 s: {}",
        b.notifications.dump()
    );
    eprintln!(
        "timing: hand-over reached desk B's desktop in {:?}",
        handed.elapsed()
    );
    b.app
        .wait(by(&format!("inbox-item-{}", order.number)))
        .await;
    b.app.shot("03-desk-b-inbox-live").await;
    a.app.click("reassign-done").await;

    // A asks to cancel an invoiced order; a manager at desk B approves; A sees it live.
    let invoiced = fx.order(Status::Invoiced, "clerk01", true);
    b.app.logout().await;
    b.app.login("mgr.east").await;
    b.app.click("nav-approvals").await;
    a.app.search(&invoiced.number, &invoiced.number).await;
    a.app.open(&invoiced.number).await;
    a.app.click("action-cancel").await;
    a.app.click("cancel-next").await;
    a.app.choose("cancel-reason", "Price error").await;
    a.app.click("cancel-next").await;
    a.app.click("cancel-confirm").await;
    a.app.wait(by("cancel-result")).await;
    a.app.click("cancel-done").await;
    a.app.wait_text("status-tag", "Cancellation pending").await;
    b.app.click(&format!("review-{}", invoiced.number)).await;
    b.app.click(&format!("approve-{}", invoiced.number)).await;
    b.app.click("approve-confirm").await;
    b.app
        .gone(by(&format!("approve-{}", invoiced.number)))
        .await;
    a.app.wait_text("status-tag", "Cancelled").await;
    a.app.shot("04-desk-a-approved-live").await;

    // A job that never ran to its end (its desk closed before the crash below)
    // will wait for the manager at desk B, who takes it up from the window.
    let manager = logged_in(&server, "mgr.east").await;
    let closed = fx.order(Status::Completed, "clerk03", true);
    let job = manager
        .start_job(
            orderdesk_api::types::JobKind::Archive,
            orderdesk_api::types::Selection::numbers([closed.number.clone()]),
        )
        .await
        .expect("a job");

    // The server goes down hard: the desks say so; it comes back, so do they.
    server.kill();
    b.app.wait(by("link-banner")).await;
    b.app.shot("05-reconnecting").await;
    server.restart();
    b.app.gone(by("link-banner")).await;

    // Back, desk B refreshes what it shows, and finds the interrupted job.
    b.app.wait(by("interrupted-job")).await;
    b.app.shot("06-interrupted-job").await;
    b.app.click("resume-job").await;
    b.app.wait(by("job-results")).await;
    b.app.click("resume-close").await;
    let done = manager.job_status(job.id).await.expect("status");
    assert_eq!((done.state.as_str(), done.done), ("done", 1), "{done:?}");

    // A disabled user is refused at the next click, not at the next login.
    let admin = orderdesk_client::Backend::server(Arc::new(
        orderdesk_client::Remote::new(&server.address, &server.fingerprint).expect("remote"),
    ));
    let reply = admin
        .login("admin".into(), "demo".into())
        .await
        .expect("admin");
    admin.set_token(Some(reply.token));
    let clerk = admin
        .users_list()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.login == "clerk01")
        .expect("clerk01");
    admin
        .user_update(orderdesk_api::types::UserChange {
            login: clerk.login,
            role: clerk.role,
            department_id: clerk.department_id,
            active: false,
        })
        .await
        .expect("disable clerk01");
    // Its next click is refused (unless the server's event socket already
    // ended the session, which the window then shows the same way).
    a.app.try_click("nav-watching").await;
    a.app.wait_text("login-notice", "disabled").await;
    a.app.shot("07-disabled-refused").await;

    a.app.quit().await;
    b.app.quit().await;
}
