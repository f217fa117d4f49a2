//! Customer notices from the terminal, against a real SMTP server on
//! 127.0.0.1 (aiosmtpd): `mail set|test|show`, `outbox` with its states,
//! `outbox --deliver`, `print`. Each runs on a database file and on a real
//! `orderdesk-server` process, like the other CLI contracts.

use std::path::PathBuf;
use std::time::Duration;

use orderdesk_e2e::smtp::SmtpServer;
use serde_json::Value;

mod support;
use support::{Keychain, Site, Via, both, start_server_on};

const MANAGERS: [(&str, &str); 3] = [
    ("East China Sales", "mgr.east"),
    ("North China Sales", "mgr.north"),
    ("Key Accounts", "mgr.key"),
];

fn mail_to(db: &Site, smtp: &SmtpServer) {
    let port = smtp.port.to_string();
    let setup = db.json(
        Some("admin"),
        &[
            "mail",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "none",
            "--user",
            "",
            "--from",
            "orders@example.com",
            "--from-name",
            "东方办公",
            "--reply-to",
            "service@example.com",
        ],
        0,
    );
    assert_eq!(setup["configured"], true, "{setup}");
}

/// A confirmed order whose customer has an email address, its preview (the
/// notice as it will go) and the manager of its department.
struct Victim {
    number: String,
    preview: Value,
    manager: &'static str,
}

fn victim(db: &Site, skip: &[String]) -> Victim {
    let page = db.json(
        Some("admin"),
        &["search", "--status", "confirmed", "--limit", "100"],
        0,
    );
    for row in page["rows"].as_array().expect("rows") {
        let number = row["number"].as_str().expect("number").to_string();
        if skip.contains(&number) {
            continue;
        }
        let preview = db.json(
            Some("admin"),
            &[
                "cancel",
                &number,
                "--reason",
                "customer_request",
                "--customer-message",
                "您好，订单已按贵司要求取消。",
                "--preview",
            ],
            0,
        );
        if preview["customer_notice"]["to"].is_string() {
            let department = db.json(Some("admin"), &["show", &number], 0)["department"]["name_en"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let manager = MANAGERS
                .iter()
                .find(|(d, _)| *d == department)
                .map(|(_, m)| *m)
                .expect("a manager");
            return Victim {
                number,
                preview,
                manager,
            };
        }
    }
    panic!("no confirmed order with a customer email");
}

fn cancel(db: &Site, v: &Victim) {
    let out = db.json(
        Some("admin"),
        &[
            "cancel",
            &v.number,
            "--reason",
            "customer_request",
            "--customer-message",
            "您好，订单已按贵司要求取消。",
        ],
        0,
    );
    assert_eq!(out["status"], "cancelled", "{out}");
}

fn notice(db: &Site, number: &str) -> Value {
    let all = db.json(Some("admin"), &["outbox", "--limit", "500"], 0);
    let mine: Vec<&Value> = all
        .as_array()
        .expect("outbox")
        .iter()
        .filter(|m| m["order_number"] == number)
        .collect();
    assert_eq!(mine.len(), 1, "one notice for {number}: {all}");
    mine[0].clone()
}

fn deliver(db: &Site, user: &str) -> Vec<Value> {
    db.json(Some(user), &["outbox", "--deliver"], 0)
        .as_array()
        .expect("results")
        .clone()
}

fn via(db: &Site) -> &'static str {
    if db.served() { "server" } else { "file" }
}

#[test]
fn a_notice_reaches_the_mail_server_exactly_as_it_was_previewed() {
    both(600, |db| {
        let dir = tempfile::tempdir().expect("dir");
        let smtp = SmtpServer::start(dir.path());
        mail_to(db, &smtp);
        let v = victim(db, &[]);
        cancel(db, &v);
        let queued = notice(db, &v.number);
        assert_eq!(
            (queued["status"].as_str(), queued["attempts"].as_i64()),
            (Some("queued"), Some(0))
        );

        let results = deliver(db, "admin");
        assert_eq!(results.len(), 1, "{results:?}");
        assert_eq!(results[0]["status"], "sent", "{results:?}");
        assert_eq!(results[0]["attempts"], 1);
        assert!(
            results[0]["answer"]
                .as_str()
                .unwrap_or("")
                .starts_with("250"),
            "{results:?}"
        );

        let mails = smtp.accepted();
        assert_eq!(mails.len(), 1, "{} via {}", mails.len(), via(db));
        let mail = &mails[0];
        let previewed = &v.preview["customer_notice"];
        assert_eq!(
            mail.subject(),
            previewed["subject"].as_str().expect("subject")
        );
        assert_eq!(mail.body(), previewed["body"].as_str().expect("body"));
        assert!(mail.body().contains("您好，订单已按贵司要求取消。"));
        assert_eq!(
            mail.message_id(),
            queued["message_id"].as_str().expect("id")
        );
        assert_eq!(mail.0["to"], previewed["to"]);
        assert_eq!(mail.0["reply_to"], "service@example.com");
        assert!(mail.0["from"].as_str().unwrap_or("").contains("东方办公"));
        // The PDF sent is the one the preview made, byte for byte.
        let pdf = &mail.attachments()[0];
        assert_eq!(pdf["content_type"], "application/pdf");
        assert_eq!(pdf["filename"], format!("{}.pdf", v.number));
        assert_eq!(pdf["sha256"], previewed["pdf_hash"]);

        // The listing says the state in the reader's language.
        for (lang, word) in [("zh-CN", "已发送"), ("en", "sent")] {
            let out = db.cli(Some("admin"), &["--lang", lang, "outbox"]);
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text
                .lines()
                .find(|l| l.contains(&v.number))
                .expect("listed");
            assert!(line.contains(word), "{lang}: {line}");
        }

        // Printed: the same PDF, reading the number and the customer.
        let file = dir.path().join("notice.pdf");
        let printed = db.json(
            Some("admin"),
            &["print", &v.number, "--out", file.to_str().expect("path")],
            0,
        );
        assert!(printed["bytes"].as_u64() > Some(1000), "{printed}");
        let bytes = std::fs::read(&file).expect("pdf");
        assert_eq!(
            orderdesk_core::notice::sha256_hex(&bytes),
            previewed["pdf_hash"].as_str().expect("hash")
        );
        let text = std::process::Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains(&v.number), "{text}");
        assert!(
            text.contains(previewed["customer"].as_str().expect("customer")),
            "{text}"
        );

        // Sent is sent: another pass sends nothing.
        assert!(deliver(db, "admin").is_empty());
        assert_eq!(smtp.accepted().len(), 1);
        let sent = notice(db, &v.number);
        assert_eq!(sent["status"], "sent");
        assert!(sent["sent_at"].is_string());
        // The timeline says so.
        let shown = db.json(Some("admin"), &["show", &v.number], 0);
        assert!(
            shown["events"]
                .as_array()
                .expect("events")
                .iter()
                .any(|e| e["kind"] == "notice_sent"),
            "{shown}"
        );
        // An order that is not cancelled has no notice to print.
        let other = victim(db, std::slice::from_ref(&v.number));
        let out = db.cli(
            Some("admin"),
            &[
                "print",
                &other.number,
                "--out",
                file.to_str().expect("path"),
            ],
        );
        assert_eq!(out.status.code(), Some(4), "{out:?}");
    });
}

#[test]
fn temporary_failures_are_retried_and_permanent_ones_come_back_to_people() {
    both(600, |db| {
        let dir = tempfile::tempdir().expect("dir");
        let smtp = SmtpServer::start(dir.path());
        mail_to(db, &smtp);

        // 451, then a connection dropped mid-message: both retried.
        let a = victim(db, &[]);
        cancel(db, &a);
        smtp.set_mode("defer");
        let r = deliver(db, "admin");
        assert_eq!(r[0]["status"], "retrying", "{r:?}");
        assert!(
            r[0]["answer"].as_str().unwrap_or("").contains("451"),
            "{r:?}"
        );
        smtp.set_mode("drop");
        let r = deliver(db, "admin");
        assert_eq!(
            (r[0]["status"].as_str(), r[0]["attempts"].as_i64()),
            (Some("retrying"), Some(2)),
            "{r:?}"
        );
        let waiting = notice(db, &a.number);
        assert!(waiting["next_attempt_at"].is_string(), "{waiting}");
        assert!(smtp.accepted().is_empty());
        smtp.set_mode("accept");
        let r = deliver(db, "admin");
        assert_eq!(
            (r[0]["status"].as_str(), r[0]["attempts"].as_i64()),
            (Some("sent"), Some(3)),
            "{r:?}"
        );
        assert_eq!(smtp.accepted().len(), 1);

        // 550: failed for good; who cancelled and the manager are told.
        let b = victim(db, std::slice::from_ref(&a.number));
        cancel(db, &b);
        smtp.set_mode("reject");
        let r = deliver(db, "admin");
        assert_eq!(r[0]["status"], "failed", "{r:?}");
        assert!(
            r[0]["answer"].as_str().unwrap_or("").contains("550"),
            "{r:?}"
        );
        let customer = b.preview["customer_notice"]["customer"]
            .as_str()
            .expect("customer");
        for person in ["admin", b.manager] {
            let inbox = db.json(Some(person), &["inbox"], 0);
            let item = inbox
                .as_array()
                .expect("inbox")
                .iter()
                .find(|i| i["event"] == "notice_failed" && i["order_number"] == b.number.as_str())
                .unwrap_or_else(|| panic!("{person} was not told: {inbox}"))
                .clone();
            let body = item["body_en"].as_str().expect("body");
            assert!(body.contains(customer) && body.contains("550"), "{body}");
        }
        // A clerk may not send it again; the manager may, and it goes.
        let failed = notice(db, &b.number);
        let id = failed["id"].to_string();
        let out = db.cli(Some("clerk01"), &["outbox", "--resend", &id]);
        assert_eq!(out.status.code(), Some(5), "{out:?}");
        let again = db.json(Some(b.manager), &["outbox", "--resend", &id], 0);
        assert_eq!(again["status"], "queued");
        smtp.set_mode("accept");
        let r = deliver(db, b.manager);
        assert_eq!(r[0]["status"], "sent", "{r:?}");
        let mails = smtp.accepted();
        assert_eq!(mails.len(), 2);
        assert_eq!(
            mails[1].message_id(),
            failed["message_id"].as_str().expect("id"),
            "resent under the notice's own Message-ID"
        );

        // Withdrawn before it went: never sent; a sent one stays sent.
        let c = victim(db, &[a.number.clone(), b.number.clone()]);
        cancel(db, &c);
        let id = notice(db, &c.number)["id"].to_string();
        let out = db.cli(Some(c.manager), &["outbox", "--resend", &id]);
        assert_eq!(out.status.code(), Some(4), "not failed: {out:?}");
        let w = db.json(Some(c.manager), &["outbox", "--withdraw", &id], 0);
        assert_eq!(w["status"], "withdrawn");
        assert!(deliver(db, "admin").is_empty());
        assert_eq!(smtp.accepted().len(), 2);
        let sent_id = notice(db, &a.number)["id"].to_string();
        let out = db.cli(Some(a.manager), &["outbox", "--withdraw", &sent_id]);
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        // Filtered by state.
        let failed = db.json(Some("admin"), &["outbox", "--status", "withdrawn"], 0);
        assert_eq!(failed.as_array().map(Vec::len), Some(1), "{failed}");
        let out = db.cli(Some("admin"), &["outbox", "--status", "lost"]);
        assert_eq!(out.status.code(), Some(7));
        assert_eq!(db.json(None, &["audit", "verify"], 0)["ok"], true);
    });
}

/// The process that sends (the CLI on a file, the office server) is killed
/// while the mail server holds the message; after a restart the notice goes
/// once more under the same Message-ID, and never again.
#[test]
fn a_sender_killed_mid_message_neither_loses_nor_repeats_it() {
    for served in [false, true] {
        let mut db = support::site(600, served);
        let dir = tempfile::tempdir().expect("dir");
        let smtp = SmtpServer::start(dir.path());
        mail_to(&db, &smtp);
        let v = victim(&db, &[]);
        cancel(&db, &v);
        smtp.set_mode("stall");
        let mut sender = db
            .command(Some("admin"), "demo")
            .args(["outbox", "--deliver"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("deliver");
        assert!(
            smtp.wait_unacked(1, Duration::from_secs(30)),
            "the message reached the server"
        );
        if let Via::Server { _process, .. } = &mut db.via {
            _process.0.kill().expect("kill -9 the server");
            _process.0.wait().expect("gone");
        }
        let _ = sender.kill();
        let _ = sender.wait();
        if served {
            let (process, address, fingerprint) =
                start_server_on(db.path.parent().expect("dir"), None).expect("restarted");
            db.via = Via::Server {
                _process: process,
                address,
                fingerprint,
            };
        }
        let left = notice(&db, &v.number);
        assert_eq!(
            (left["status"].as_str(), left["attempts"].as_i64()),
            (Some("sending"), Some(1)),
            "{left}"
        );
        smtp.set_mode("accept");
        let r = deliver(&db, "admin");
        assert_eq!(
            (r[0]["status"].as_str(), r[0]["attempts"].as_i64()),
            (Some("sent"), Some(2)),
            "{r:?}"
        );
        assert!(deliver(&db, "admin").is_empty());
        let accepted = smtp.accepted();
        let unacked = smtp.unacked();
        assert_eq!((accepted.len(), unacked.len()), (1, 1));
        // One message to whoever receives it: the same Message-ID.
        assert_eq!(accepted[0].message_id(), unacked[0].message_id());
        assert_eq!(
            accepted[0].message_id(),
            left["message_id"].as_str().expect("id")
        );
    }
}

#[test]
fn mail_settings_are_checked_and_the_password_never_shows() {
    both(100, |db| {
        let dir = tempfile::tempdir().expect("dir");
        let smtp = SmtpServer::start(dir.path());
        // Nothing set: nothing to deliver through, said so.
        let out = db.cli(Some("admin"), &["outbox", "--deliver"]);
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        let out = db.cli(Some("admin"), &["mail", "test", "--to", "x@example.com"]);
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        // In clear only to this PC.
        let out = db.cli(
            Some("admin"),
            &[
                "mail",
                "set",
                "--host",
                "smtp.qq.com",
                "--port",
                "25",
                "--security",
                "none",
                "--from",
                "a@qq.com",
            ],
        );
        assert_eq!(out.status.code(), Some(7), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("STARTTLS"));
        let shown = db.json(Some("admin"), &["mail", "show"], 0);
        assert_eq!(shown["configured"], false, "nothing kept: {shown}");
        // Administrators only.
        let out = db.cli(Some("mgr.east"), &["mail", "show"]);
        assert_eq!(out.status.code(), Some(5));

        let secret = "authcode-7Hq2xZ";
        let port = smtp.port.to_string();
        let set = [
            "mail",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "none",
            "--from",
            "orders@example.com",
        ];
        let out = db
            .command(Some("admin"), "demo")
            .env("ORDERDESK_SMTP_PASSWORD", secret)
            .arg("--json")
            .args(set)
            .output()
            .expect("mail set");
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{text}");
        let shown = db.json(Some("admin"), &["mail", "show"], 0);
        assert_eq!(shown["password_set"], true, "{shown}");
        assert!(!shown.to_string().contains(secret));
        // Never in the database nor its WAL (where a served database's
        // latest writes are), nor in a backup made now.
        let backup = if db.served() {
            let made = db.json(Some("admin"), &["backup"], 0);
            PathBuf::from(made["path"].as_str().expect("path"))
        } else {
            let backup = db.path.with_file_name("after-mail-set.db");
            db.json(Some("admin"), &["backup", &backup.to_string_lossy()], 0);
            backup
        };
        let wal = db.path.with_file_name(format!(
            "{}-wal",
            db.path.file_name().expect("name").to_string_lossy()
        ));
        assert!(backup.exists(), "{}", backup.display());
        for file in [&db.path, &wal, &backup] {
            // A WAL is gone once the last connection closed.
            let bytes = std::fs::read(file).unwrap_or_default();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{}",
                file.display()
            );
        }
        // No keychain answers here: the owner-only file keeps it.
        assert_eq!(shown["password_kept"], "file", "{shown}");
        let file = db.path.with_file_name("smtp-password");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
        // On this PC, a keychain that answers keeps it instead, and the
        // file goes (one place only).
        if !db.served() {
            let dir = tempfile::tempdir().expect("dir");
            let pc = Keychain::start(dir.path()).expect("a keychain (the set-up installs it)");
            let on_pc = |args: &[&str]| {
                let out = db
                    .command(Some("admin"), "demo")
                    .env("DBUS_SESSION_BUS_ADDRESS", &pc.bus)
                    .env("ORDERDESK_SMTP_PASSWORD", secret)
                    .arg("--json")
                    .args(args)
                    .output()
                    .expect("cli");
                assert!(out.status.success(), "{out:?}");
                serde_json::from_slice::<Value>(&out.stdout).expect("json")
            };
            on_pc(&set);
            let shown = on_pc(&["mail", "show"]);
            assert_eq!(shown["password_kept"], "keychain", "{shown}");
            assert!(!file.exists(), "the file copy is gone");
            assert!(!shown.to_string().contains(secret));
        }

        // A test message, and the server's answer in words.
        let sent = db.json(
            Some("admin"),
            &["mail", "test", "--to", "admin@example.com"],
            0,
        );
        assert!(
            sent["answer"].as_str().unwrap_or("").starts_with("250"),
            "{sent}"
        );
        let mails = smtp.accepted();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].subject().contains("OrderDesk"));
        smtp.set_mode("reject");
        let out = db.cli(
            Some("admin"),
            &["mail", "test", "--to", "admin@example.com"],
        );
        assert_ne!(out.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("550"),
            "{out:?}"
        );
    });
}

/// A certificate authority of the test's own (trusted by the CLI through
/// SSL_CERT_FILE, as an office trusts its own) and a certificate of
/// `localhost` signed by it: (ca.pem, cert.pem, key.pem).
fn certificates(dir: &std::path::Path) -> [std::path::PathBuf; 3] {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = params.clone().self_signed(&ca_key).expect("ca");
    let issuer = Issuer::new(params, ca_key);
    let key = KeyPair::generate().expect("key");
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .signed_by(&key, &issuer)
        .expect("leaf");
    let paths = [
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    ];
    std::fs::write(&paths[0], ca.pem()).expect("ca.pem");
    std::fs::write(&paths[1], leaf.pem()).expect("cert.pem");
    std::fs::write(&paths[2], key.serialize_pem()).expect("key.pem");
    paths
}

/// SSL from the first byte and STARTTLS, against a server whose certificate
/// is checked: trusted, it works; not trusted, nothing is sent and the
/// notice waits (a certificate can be fixed).
#[test]
fn ssl_and_starttls_check_the_certificate() {
    let db = support::site(600, false);
    let certs_dir = tempfile::tempdir().expect("dir");
    let [ca, cert, key] = certificates(certs_dir.path());
    let v = victim(&db, &[]);
    cancel(&db, &v);
    for (flag, security) in [("--tls", "ssl"), ("--starttls", "starttls")] {
        let dir = tempfile::tempdir().expect("dir");
        let smtp = SmtpServer::start_with(
            dir.path(),
            &[flag.as_ref(), cert.as_os_str(), key.as_os_str()],
        );
        let port = smtp.port.to_string();
        db.json(
            Some("admin"),
            &[
                "mail",
                "set",
                "--host",
                "localhost",
                "--port",
                &port,
                "--security",
                security,
                "--from",
                "orders@example.com",
            ],
            0,
        );
        // Not trusted: refused before anything is said.
        let out = db
            .command(Some("admin"), "demo")
            .env("SSL_CERT_FILE", cert_elsewhere(certs_dir.path()))
            .args(["mail", "test", "--to", "admin@example.com"])
            .output()
            .expect("test");
        assert_ne!(out.status.code(), Some(0), "{security}: {out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("certificate"), "{security}: {said}");
        assert!(smtp.accepted().is_empty());
        // Trusted: the test message and the notice go.
        let out = db
            .command(Some("admin"), "demo")
            .env("SSL_CERT_FILE", &ca)
            .args(["--json", "mail", "test", "--to", "admin@example.com"])
            .output()
            .expect("test");
        assert!(out.status.success(), "{security}: {out:?}");
        if security == "ssl" {
            let out = db
                .command(Some("admin"), "demo")
                .env("SSL_CERT_FILE", &ca)
                .args(["--json", "outbox", "--deliver"])
                .output()
                .expect("deliver");
            let r: Value = serde_json::from_slice(&out.stdout).expect("json");
            assert_eq!(r[0]["status"], "sent", "{r}");
        }
        assert_eq!(smtp.accepted().len(), if security == "ssl" { 2 } else { 1 });
    }
}

/// A certificate authority nobody signed the server's certificate with.
fn cert_elsewhere(dir: &std::path::Path) -> std::path::PathBuf {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let other = params.self_signed(&key).expect("other ca");
    let path = dir.join("other-ca.pem");
    std::fs::write(&path, other.pem()).expect("other");
    path
}
