//! End to end: an administrator sets up the mail server in the real app and
//! sends a test message; cancels an order with the customer notice ticked,
//! opens the PDF the customer will get, and after "send now" the test SMTP
//! server holds exactly the previewed message; the order prints its notice.
//! Screenshots, prefixed `notice-`, land in target/e2e-screenshots/.

mod harness;

use std::time::Duration;

use harness::{App, Fixture, by};
use orderdesk_core::{Store, auth, cancel};
use orderdesk_e2e::smtp::SmtpServer;

/// Words without their spacing: the preview's `<pre>` and the decoded
/// message break lines alike but not byte for byte in WebDriver's text.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A small confirmed order an administrator cancels without approval,
/// whose customer has an email address.
fn victim(fx: &Fixture) -> String {
    let store = Store::open(&fx.db).expect("open");
    let admin = auth::session_for(&store, "admin").expect("admin");
    for _ in 0..40 {
        let o = fx.order(orderdesk_core::domain::Status::Confirmed, "clerk01", true);
        let p = cancel::preview(
            &store,
            &admin,
            &o.number,
            Some("customer_request"),
            None,
            None,
        )
        .expect("preview");
        if !p.needs_approval && p.customer_notice.is_some_and(|n| n.to.is_some()) {
            return o.number;
        }
    }
    panic!("no order to cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_notice_goes_out_exactly_as_previewed() {
    let Some(fx) = Fixture::new() else {
        eprintln!("e2e skipped: set ORDERDESK_APP and run under a display (cargo xtask test does)");
        return;
    };
    let smtp = SmtpServer::start(&fx.dir.path().join("mail"));
    let number = victim(&fx);
    let app = App::start_named(&fx, "notice-").await;
    app.login("admin").await;
    app.chinese().await;

    // The administrator sets up the mail server and the letterhead.
    app.click("nav-settings").await;
    app.click("tab-notices").await;
    app.wait(by("mail-card")).await;
    app.choose("mail-preset", "QQ 邮箱").await;
    app.wait_text("mail-authcode-hint", "授权码").await;
    app.shot("01-mail-preset-qq").await;
    app.type_into("mail-host", "127.0.0.1").await;
    app.type_into("mail-port", &smtp.port.to_string()).await;
    app.choose("mail-security", "不加密（仅限本机）").await;
    app.type_into("mail-from-name", "东方办公").await;
    app.type_into("mail-from", "orders@example.com").await;
    app.click("mail-save").await;
    app.wait_text("mail-card", "已就绪").await;
    app.type_into("company-name-zh", "上海东方办公设备有限公司")
        .await;
    app.click("company-save").await;
    app.type_into("mail-test-to", "admin@example.com").await;
    app.click("mail-test-send").await;
    app.wait_text("mail-test-result", "250").await;
    app.shot("02-mail-test-sent").await;
    assert!(smtp.wait_accepted(1, Duration::from_secs(10)));
    assert!(smtp.accepted()[0].subject().contains("OrderDesk"));

    // Cancel with the notice ticked: the preview, and its PDF.
    app.search(&number, &number).await;
    app.open(&number).await;
    app.click("action-cancel").await;
    app.wait(by("cancel-preview")).await;
    app.click("cancel-next").await;
    app.choose("cancel-reason", "客户要求").await;
    app.type_into("cancel-customer-message", "货款将在三个工作日内退回。")
        .await;
    app.click("cancel-next").await;
    app.wait_text("cancel-notice", "三个工作日").await;
    let previewed = app.text("cancel-notice").await;
    app.click("cancel-notice-pdf").await;
    app.wait(by_class("notice-opened")).await;
    app.shot("03-cancel-preview-pdf").await;
    // Written in the desk's data folder (XDG_DATA_HOME is the test's).
    let pdf = fx
        .dir
        .path()
        .join("xdg/com.orderdesk.app/notices")
        .join(format!("{number}.pdf"));
    let previewed_pdf = std::fs::read(&pdf).expect("the preview's PDF was written");
    app.click("cancel-confirm").await;
    app.wait_text("cancel-result", "已取消").await;
    app.click("cancel-done").await;

    // The outbox: queued, then sent on "send now".
    app.click("nav-outbox").await;
    app.wait(by("outbox-table")).await;
    app.wait(by("notice-state-queued")).await;
    app.shot("04-outbox-queued").await;
    app.click("outbox-deliver").await;
    app.wait(by("notice-state-sent")).await;
    app.shot("05-outbox-sent").await;
    assert!(smtp.wait_accepted(2, Duration::from_secs(10)));
    let mail = &smtp.accepted()[1];
    assert_eq!(
        words(&previewed),
        words(&format!("{}\n\n{}", mail.subject(), mail.body())),
        "the customer got exactly the preview"
    );
    let attachment = &mail.attachments()[0];
    assert_eq!(
        attachment["sha256"].as_str(),
        Some(orderdesk_core::notice::sha256_hex(&previewed_pdf).as_str()),
        "the PDF attached is the one the preview opened"
    );

    // The order prints the same notice; its timeline says it was sent.
    app.gone(by_class("ant-message-notice")).await;
    app.click("nav-orders").await;
    app.search(&number, &number).await;
    app.open(&number).await;
    app.wait(by("event-notice_sent")).await;
    std::fs::remove_file(&pdf).expect("remove");
    app.click("action-print-notice").await;
    app.wait(by_class("notice-opened")).await;
    app.shot("06-order-printed").await;
    let printed = std::fs::read(&pdf).expect("printed");
    assert_eq!(printed, previewed_pdf);
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&number) && text.contains("上海东方办公设备有限公司"),
        "{text}"
    );
    app.logout().await;
    app.quit().await;
}

fn by_class(class: &str) -> thirtyfour::By {
    thirtyfour::By::ClassName(class.to_string())
}
