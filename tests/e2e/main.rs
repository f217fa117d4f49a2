//! End to end: the real built app (`ORDERDESK_APP`), driven through
//! tauri-driver + WebKitWebDriver, on a real SQLite file, with real desktop
//! notifications on the session bus. Run by `cargo xtask test` inside
//! `xvfb-run … dbus-run-session`; screenshots land in target/e2e-screenshots/.

mod harness;

use std::time::{Duration, Instant};

use harness::{App, Fixture, by};
use orderdesk_core::domain::Status;

/// The whole working day of the issue, in one app run: log in, find, cancel,
/// approve, reassign, watch, archive, and a desktop notification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_day() {
    let Some(fx) = Fixture::new() else {
        eprintln!("e2e skipped: set ORDERDESK_APP and run under a display (cargo xtask test does)");
        return;
    };
    let started = Instant::now();
    let app = App::start(&fx).await;
    app.wait(by("login-user")).await;
    eprintln!(
        "timing: window usable {:?} after the session started",
        started.elapsed()
    );
    app.shot("01-login").await;

    // A clerk finds an order by a fragment of a Chinese customer name and cancels it.
    let small = fx.order(Status::Confirmed, "clerk01", true);
    app.login("clerk01").await;
    app.chinese().await;
    app.shot("02-orders").await;
    let fragment: String = small.customer.chars().skip(2).take(4).collect();
    let took = app.search(&fragment, &small.number).await;
    eprintln!("timing: search {fragment:?} showed its first page in {took:?}");
    let took = app.open(&small.number).await;
    eprintln!("timing: opening {} took {took:?}", small.number);
    app.shot("03-detail").await;
    app.click("action-cancel").await;
    app.wait(by("cancel-preview")).await;
    app.shot("04-cancel-preview").await;
    app.click("cancel-next").await;
    app.choose("cancel-reason", "客户要求").await;
    app.type_into("cancel-note", "客户改为下月采购").await;
    app.click("cancel-next").await;
    app.wait(by("cancel-notice")).await;
    app.shot("05-cancel-confirm").await;
    app.click("cancel-confirm").await;
    let result = app.text("cancel-result").await;
    assert!(result.contains("已取消"), "{result}");
    app.shot("06-cancel-result").await;
    app.click("cancel-done").await;
    app.wait_text("status-tag", "已取消").await;
    app.wait(by("event-cancelled")).await;
    assert!(
        app.text("timeline").await.contains("客户要求")
            || app.text("timeline").await.contains("customer_request")
    );

    // An invoiced order needs approval; the manager approves it.
    let invoiced = fx.order(Status::Invoiced, "clerk01", true);
    app.search(&invoiced.number, &invoiced.number).await;
    app.open(&invoiced.number).await;
    app.click("action-cancel").await;
    let approval = app.text("cancel-approval").await;
    assert!(approval.contains("审批"), "{approval}");
    app.click("cancel-next").await;
    app.choose("cancel-reason", "价格错误").await;
    app.click("cancel-next").await;
    app.click("cancel-confirm").await;
    assert!(app.text("cancel-result").await.contains("等待主管审批"));
    app.click("cancel-done").await;
    app.wait_text("status-tag", "取消待审批").await;

    // Hand another order to a colleague.
    let handoff = fx.order(Status::Confirmed, "clerk01", true);
    assert_ne!(handoff.number, small.number);
    app.search(&handoff.number, &handoff.number).await;
    app.open(&handoff.number).await;
    app.click("action-reassign").await;
    app.type_into("reassign-filter", "clerk02").await;
    app.click("candidate-clerk02").await;
    app.shot("07-reassign").await;
    app.click("reassign-next").await;
    app.type_into("reassign-note", "请跟进，客户周五来电").await;
    app.click("reassign-confirm").await;
    app.wait(by("reassign-result")).await;
    app.click("reassign-done").await;
    app.logout().await;

    app.login("mgr.east").await;
    app.click("nav-approvals").await;
    app.click(&format!("review-{}", invoiced.number)).await;
    app.wait(by(&format!("request-{}", invoiced.number))).await;
    app.wait_text(&format!("request-{}", invoiced.number), "价格错误")
        .await;
    app.shot("08-approvals").await;
    app.click(&format!("approve-{}", invoiced.number)).await;
    app.wait(by("approve-confirm")).await;
    app.shot("08b-approve-confirm").await;
    app.click("approve-confirm").await;
    app.gone(by(&format!("approve-{}", invoiced.number))).await;

    // The manager archives a completed order.
    let completed = fx.order(Status::Completed, "clerk03", true);
    app.click("nav-orders").await;
    app.search(&completed.number, &completed.number).await;
    app.open(&completed.number).await;
    app.click("action-archive").await;
    app.wait(by("archive-preview")).await;
    app.shot("09-archive-wizard").await;
    app.click("archive-start").await;
    app.wait(by("archive-confirm")).await;
    app.shot("09b-archive-confirm").await;
    app.click("archive-confirm").await;
    app.wait(by("archive-result")).await;
    app.shot("10-archive-result").await;
    app.click("archive-close").await;
    app.wait_text("status-tag", "已归档").await;

    // The archive window: filter, analytics, export to XLSX.
    app.click("open-archive").await;
    let main_window = app.switch_to_new_window().await;
    app.wait(by("archive-window")).await;
    app.choose("archive-closed-as", "已取消").await;
    let total = app.attribute_number("archive-total", "data-total").await;
    assert!(total > 0, "cancelled orders in the archive");
    app.shot("13-archive-window").await;
    app.click("export-xlsx").await;
    let file = fx.wait_for_export(Duration::from_secs(30));
    let rows = harness::xlsx_rows(&file);
    assert_eq!(
        rows as i64, total,
        "the export holds the filter's orders, one row each"
    );
    app.gone(by("export-progress")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.click("tab-analytics").await;
    app.wait(by("chart-reason")).await;
    app.wait(by("kpi-cancelled")).await;
    app.shot("14-analytics").await;
    // The archive window gets only its own commands (Tauri's capabilities):
    // an administrator's command is refused before it reaches the backend.
    for command in ["backup_now", "users_list", "load_demo_data"] {
        let refused = app.invoke(command).await;
        assert!(
            refused.contains("not allowed"),
            "the archive window may not call {command}: {refused}"
        );
    }
    app.switch_back(main_window).await;
    let reached = app.invoke("users_list").await;
    assert!(
        !reached.contains("not allowed") && reached.contains("forbidden"),
        "the main window reaches the backend, which refuses a manager: {reached}"
    );
    app.logout().await;

    // An administrator lowers the approval threshold; a clerk's small cancel then needs approval.
    app.login("admin").await;
    app.click("nav-settings").await;
    app.click("tab-approval").await;
    app.type_into("rules-threshold", "100").await;
    app.shot("15-settings-approval").await;
    app.click("rules-save").await;
    app.logout().await;
    app.login("clerk01").await;
    let refused = app.invoke("open_archive_window").await;
    assert!(
        refused.contains("forbidden"),
        "a clerk may not open the archive window: {refused}"
    );
    let modest = fx.order(Status::Confirmed, "clerk01", true);
    app.search(&modest.number, &modest.number).await;
    app.open(&modest.number).await;
    app.click("action-cancel").await;
    let approval = app.text("cancel-approval").await;
    assert!(
        approval.contains("审批") && !approval.contains("无需"),
        "after the new threshold: {approval}"
    );
    app.click("cancel-close").await;
    app.logout().await;

    // The new handler sees the order in the list and the inbox, and the
    // desktop told them.
    fx.notifications.clear();
    app.login("clerk02").await;
    app.search(&handoff.number, &handoff.number).await;
    app.click("nav-inbox").await;
    app.wait(by(&format!("inbox-item-{}", handoff.number)))
        .await;
    app.shot("11-inbox").await;
    let notified = fx
        .notifications
        .wait_for("订单已转交", Duration::from_secs(15));
    assert!(
        notified,
        "no desktop notification reached the session bus: {}",
        fx.notifications.dump()
    );
    app.logout().await;

    // The old handler follows it, read-only.
    app.login("clerk01").await;
    app.click("nav-watching").await;
    app.wait(by(&format!("order-row-{}", handoff.number))).await;
    app.click_row(&handoff.number).await;
    app.wait(by("read-only-note")).await;
    assert!(
        !app.enabled("action-cancel").await,
        "a watcher must not cancel"
    );
    app.shot("12-watching").await;
    eprintln!(
        "timing (in the webview): search → first page shown, ms: {:?}",
        app.timings("search").await
    );
    eprintln!(
        "timing (in the webview): click → order shown, ms: {:?}",
        app.timings("open").await
    );
    app.logout().await;
    app.quit().await;
}
