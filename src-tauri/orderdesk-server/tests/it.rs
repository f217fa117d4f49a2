//! The office server in this process on 127.0.0.1 (port 0) with real TLS,
//! and clients through `orderdesk-client`: the handshake, pinning, rights,
//! live events, and what a desk is told when something is wrong.

use std::sync::Arc;
use std::time::Duration;

use orderdesk_api::types::*;
use orderdesk_api::wire::ServerEvent;
use orderdesk_client::{Backend, Remote};
use orderdesk_core::{ErrorKind, Msg, Store, seed};
use orderdesk_server::{Discovery, Options, Server};

async fn server(orders: usize) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    if orders > 0 {
        let store = Store::open(dir.path().join("orderdesk.db")).expect("open");
        seed::seed(
            &store,
            &seed::SeedOptions {
                orders,
                seed: 11,
                anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            },
        )
        .expect("seed");
    }
    let server = orderdesk_server::start(Options {
        data: dir.path().to_path_buf(),
        db: None,
        listen: "127.0.0.1:0".parse().expect("addr"),
        discovery: Discovery::Off,
    })
    .await
    .expect("start");
    (dir, server)
}

async fn desk(server: &Server, login: &str) -> Backend {
    let remote = Remote::new(&server.addr.to_string(), &server.fingerprint).expect("remote");
    remote.hello().await.expect("handshake");
    let desk = Backend::server(Arc::new(remote));
    let reply = desk
        .login(login.into(), "demo".into())
        .await
        .expect("login");
    desk.set_token(Some(reply.token));
    desk
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_look_shows_the_fingerprint_the_server_printed() {
    let (dir, server) = server(0).await;
    let probe = orderdesk_client::probe(&server.addr.to_string())
        .await
        .expect("probe");
    assert_eq!(probe.fingerprint, server.fingerprint);
    assert_eq!(probe.version, orderdesk_api::VERSION);
    let status = orderdesk_server::status(dir.path()).expect("status");
    assert_eq!(status.fingerprint, server.fingerprint);
    assert_eq!(status.listen, server.addr.to_string());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_certificate_is_refused_with_a_warning() {
    let (_dir, server) = server(0).await;
    let wrong = "00".repeat(32);
    let remote = Remote::new(&server.addr.to_string(), &wrong).expect("remote");
    let e = remote.hello().await.expect_err("must refuse");
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    match e.msg() {
        Msg::CertificateChanged { presented, .. } => assert_eq!(presented, &server.fingerprint),
        other => panic!("{other:?}"),
    }
    let desk = Backend::server(Arc::new(remote));
    let e = desk.watching().await.expect_err("calls too");
    assert!(matches!(e.msg(), Msg::CertificateChanged { .. }), "{e:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_service_on_the_port_is_named_as_such() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = free.local_addr().expect("addr");
    drop(free);
    let remote = Remote::new(&addr.to_string(), &"ab".repeat(32)).expect("remote");
    let e = remote.hello().await.expect_err("nobody there");
    assert!(matches!(e.msg(), Msg::ServerRefused { .. }), "{e:?}");
    let e = orderdesk_client::probe(&addr.to_string())
        .await
        .expect_err("probe too");
    assert!(matches!(e.msg(), Msg::ServerRefused { .. }), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_of_another_version_is_refused_naming_both() {
    let (_dir, server) = server(0).await;
    let remote = Remote::new(&server.addr.to_string(), &server.fingerprint).expect("remote");
    // What an older desk would send: the same call with its own version.
    let (config, _) = orderdesk_client::pin::client_config(orderdesk_client::pin::Trust::Pinned(
        server.fingerprint.clone(),
    ))
    .expect("tls");
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .build()
        .expect("client");
    let answer = http
        .post(format!("https://{}/api", server.addr))
        .header("x-orderdesk-version", "0.0.9")
        .json(&serde_json::json!({"command": "hello"}))
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status().as_u16(), 503);
    let body: serde_json::Value = answer.json().await.expect("json");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("0.0.9") && message.contains(orderdesk_api::VERSION),
        "{body}"
    );
    drop(remote);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reassign_reaches_the_other_desk_live_and_rights_hold() {
    let (_dir, server) = server(400).await;
    let a = desk(&server, "clerk01").await;
    let b = desk(&server, "clerk02").await;
    let remote_b = b.remote().expect("remote").clone();
    let seen = b.inbox_list(false, Some(1)).await.expect("inbox");
    let after = seen.first().map_or(0, |i| i.id);
    let mut events = remote_b
        .events(&b.token().expect("token"), after)
        .await
        .expect("events");
    assert!(matches!(
        events.next().await,
        Some(ServerEvent::Hello { .. })
    ));

    let page = a
        .search_orders(SearchQuery {
            statuses: vec![Status::Confirmed],
            handler: Some("clerk01".into()),
            limit: Some(5),
            ..Default::default()
        })
        .await
        .expect("search");
    let order = page
        .rows
        .first()
        .expect("a confirmed order of clerk01")
        .clone();
    a.reassign_order(
        order.number.clone(),
        order.version,
        Target::User("clerk02".into()),
        Some("请跟进".into()),
    )
    .await
    .expect("reassign");

    let (mut changed, mut notified) = (false, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !(changed && notified) {
        let event = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("events within 5 s")
            .expect("socket open");
        match event {
            ServerEvent::OrdersChanged { numbers } => changed |= numbers.contains(&order.number),
            ServerEvent::Notify { items } => {
                notified |= items
                    .iter()
                    .any(|i| i.order_number.as_deref() == Some(&order.number));
            }
            _ => {}
        }
    }
    let detail = b
        .order_detail(order.number.clone())
        .await
        .expect("B sees it");
    assert_eq!(detail.handler.as_deref(), Some("clerk02"));

    // A is now a watcher: reading works, changing is refused by the core.
    let e = a
        .cancel_order(CancelRequest {
            number: order.number.clone(),
            seen_version: detail.version,
            reason_code: "customer_request".into(),
            note: None,
            notify_customer: false,
            customer_message: None,
        })
        .await
        .expect_err("a watcher may not cancel");
    assert!(matches!(e.msg(), Msg::WatcherOnly { .. }), "{e:?}");

    // A clerk of another department learns nothing of it.
    let stranger = desk(&server, "clerk13").await;
    let e = stranger
        .order_detail(order.number.clone())
        .await
        .expect_err("other department");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    events.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_is_refused_at_the_next_click_and_logout_ends_the_token() {
    let (_dir, server) = server(200).await;
    let clerk = desk(&server, "clerk03").await;
    let admin = desk(&server, "admin").await;
    clerk.watching().await.expect("works");
    let me = clerk.me().await.expect("me");
    admin
        .user_update(UserChange {
            login: "clerk03".into(),
            role: me.role,
            department_id: me.department_id,
            active: false,
        })
        .await
        .expect("disable");
    let e = clerk.watching().await.expect_err("disabled");
    assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");

    admin.logout().await.expect("logout");
    let e = admin.users_list().await.expect_err("token revoked");
    assert!(matches!(e.msg(), Msg::SessionEnded), "{e:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_finds_the_server_on_the_network_with_its_fingerprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Listening on loopback, the server announces on the loopback interface
    // only; the search stays there too.
    let server = orderdesk_server::start(Options {
        data: dir.path().to_path_buf(),
        db: None,
        listen: "127.0.0.1:0".parse().expect("addr"),
        discovery: Discovery::Lan,
    })
    .await
    .expect("start");
    let found = tokio::task::spawn_blocking(|| {
        orderdesk_client::discover(Duration::from_secs(4), Some("lo".into()))
    })
    .await
    .expect("discover");
    let ours = found
        .iter()
        .find(|f| f.address == server.addr.to_string())
        .unwrap_or_else(|| panic!("not found on loopback: {found:?}"));
    assert_eq!(ours.fingerprint, server.fingerprint);
    assert_eq!(ours.version, orderdesk_api::VERSION);
    assert!(ours.name.starts_with("OrderDesk on "), "{}", ours.name);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_desk_sets_an_empty_server_up_and_nobody_can_do_it_twice() {
    let (_dir, server) = server(0).await;
    let remote = Remote::new(&server.addr.to_string(), &server.fingerprint).expect("remote");
    let desk = Backend::server(Arc::new(remote));
    assert!(desk.setup_state().await.expect("state").empty);
    let reply = desk
        .create_first_admin("boss".into(), "The Boss".into(), "long-enough".into())
        .await
        .expect("first administrator");
    assert!(reply.session.is_admin());
    desk.set_token(Some(reply.token));
    assert!(!desk.setup_state().await.expect("state").empty);
    let e = desk
        .create_first_admin("intruder".into(), "Intruder".into(), "long-enough".into())
        .await
        .expect_err("only once");
    assert!(matches!(e.msg(), Msg::AlreadySetUp), "{e:?}");
    let e = desk.load_demo_data().await.expect_err("not over real data");
    assert!(matches!(e.msg(), Msg::NotEmpty), "{e:?}");
    assert!(desk.users_list().await.expect("users").len() == 1);
    server.shutdown().await;
}

/// A published update reaches a desk through the server: the manifest in
/// Tauri's updater format names the bundle at the address the desk used,
/// and the bundle downloads byte for byte; nothing else in the data folder
/// is served; with nothing published the answer is Tauri's "no update".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desks_get_the_published_update_from_the_server() {
    let (dir, server) = server(0).await;
    let (config, _) = orderdesk_client::pin::client_config(orderdesk_client::pin::Trust::Pinned(
        server.fingerprint.clone(),
    ))
    .expect("tls");
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .build()
        .expect("client");
    let base = format!("https://{}", server.addr);
    let none = http
        .get(format!("{base}/updates/latest.json"))
        .send()
        .await
        .expect("ask");
    assert_eq!(none.status().as_u16(), 204);

    let out = tempfile::tempdir().expect("out");
    let bundle = out.path().join("OrderDesk_9.9.9_x64-setup.exe");
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&bundle, &bytes).expect("bundle");
    std::fs::write(
        out.path().join("OrderDesk_9.9.9_x64-setup.exe.sig"),
        "c2lnbmF0dXJl",
    )
    .expect("sig");
    orderdesk_server::updates::publish(dir.path(), &bundle, None, "9.9.9", "windows-x86_64", "new")
        .expect("publish");

    let manifest: serde_json::Value = http
        .get(format!("{base}/updates/latest.json"))
        .send()
        .await
        .expect("ask")
        .json()
        .await
        .expect("json");
    assert_eq!(manifest["version"], "9.9.9");
    let entry = &manifest["platforms"]["windows-x86_64"];
    assert_eq!(entry["signature"], "c2lnbmF0dXJl");
    let url = entry["url"].as_str().expect("url");
    assert_eq!(
        url,
        format!("{base}/updates/files/OrderDesk_9.9.9_x64-setup.exe")
    );
    let got = http.get(url).send().await.expect("download");
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), bytes.as_slice());
    for other in [
        "published.json",
        "orderdesk.db",
        "..%2Forderdesk.db",
        "server.json",
    ] {
        let answer = http
            .get(format!("{base}/updates/files/{other}"))
            .send()
            .await
            .expect("ask");
        assert_eq!(answer.status().as_u16(), 404, "{other}");
    }
    server.shutdown().await;
}
