//! The email channel of customer notices: one SMTP connection per message
//! (SSL on 465, STARTTLS on 587, or plain to a server on this PC), the
//! notice's stored subject and body as UTF-8 text, its PDF attached, and its
//! stored Message-ID, so that a message sent again after a crash is the same
//! message to whoever receives it.
//!
//! The server's answer decides what happens next (`Answer`): 2xx sent; 4xx,
//! no connection, a dropped connection or a timeout: try again later; 5xx:
//! never. Certificates are checked against the operating system's trust
//! store (rustls-platform-verifier), as a browser on the same PC would.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use orderdesk_core::outbox::{Answer, Channel};
use orderdesk_core::settings::{MailSecurity, MailSettings, is_loopback};
use orderdesk_core::store::outbox::Outgoing;

/// How long one step of a conversation may take before it counts as lost.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A mail server as the settings name it, with the account's password.
pub struct Smtp {
    settings: MailSettings,
    password: Option<String>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Smtp")
            .field("host", &self.settings.host)
            .field("port", &self.settings.port)
            .field("security", &self.settings.security)
            .field("user", &self.settings.user)
            .finish()
    }
}

impl Smtp {
    pub fn new(settings: MailSettings, password: Option<String>) -> Smtp {
        Smtp { settings, password }
    }

    fn transport(&self) -> Result<SmtpTransport, String> {
        let host = self.settings.host.trim();
        let tls = |h: &str| TlsParameters::new(h.to_string()).map_err(|e| e.to_string());
        let tls = match self.settings.security {
            MailSecurity::Ssl => Tls::Wrapper(tls(host)?),
            MailSecurity::Starttls => Tls::Required(tls(host)?),
            // Checked when the settings were kept; checked again here.
            MailSecurity::None if is_loopback(host) => Tls::None,
            MailSecurity::None => {
                return Err(format!("refusing to send in clear to {host}"));
            }
        };
        let mut builder = SmtpTransport::builder_dangerous(host)
            .port(self.settings.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if !self.settings.user.trim().is_empty() {
            builder = builder.credentials(Credentials::new(
                self.settings.user.trim().to_string(),
                self.password.clone().unwrap_or_default(),
            ));
        }
        Ok(builder.build())
    }

    fn sender(&self) -> Result<Mailbox, String> {
        let name = self.settings.from_name.trim();
        let address = self
            .settings
            .from_address
            .trim()
            .parse()
            .map_err(|e| format!("sender address: {e}"))?;
        Ok(Mailbox::new(
            (!name.is_empty()).then(|| name.to_string()),
            address,
        ))
    }

    /// The message of a notice: its subject, its body and its PDF, under
    /// its own Message-ID.
    pub fn message(&self, notice: &Outgoing, pdf: &[u8]) -> Result<Message, String> {
        let to: Mailbox = notice
            .recipient
            .as_deref()
            .unwrap_or_default()
            .trim()
            .parse()
            .map_err(|e| format!("malformed address: {e}"))?;
        let mut builder = Message::builder()
            .from(self.sender()?)
            .to(to)
            .subject(notice.subject.clone())
            .message_id(Some(notice.message_id.clone()));
        if !self.settings.reply_to.trim().is_empty() {
            let reply: Mailbox = self
                .settings
                .reply_to
                .trim()
                .parse()
                .map_err(|e| format!("reply-to address: {e}"))?;
            builder = builder.reply_to(reply);
        }
        let text = SinglePart::plain(notice.body.clone());
        let message = if pdf.is_empty() {
            builder.singlepart(text)
        } else {
            let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
            let file = format!("{}.pdf", notice.order_number);
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(text)
                    .singlepart(Attachment::new(file).body(pdf.to_vec(), pdf_type)),
            )
        };
        message.map_err(|e| e.to_string())
    }

    /// Sends a short test message to `to`: the server's answer, in words.
    pub fn test(&self, to: &str) -> Answer {
        let to: Mailbox = match to.trim().parse() {
            Ok(to) => to,
            Err(e) => return Answer::Permanent(format!("malformed address: {e}")),
        };
        let sender = match self.sender() {
            Ok(s) => s,
            Err(e) => return Answer::Permanent(e),
        };
        let message = Message::builder()
            .from(sender)
            .to(to)
            .subject("OrderDesk 测试邮件 / test message")
            .singlepart(SinglePart::plain(
                "这是 OrderDesk 的测试邮件：邮件设置可以使用。\n\
                 This is a test message from OrderDesk: the email settings work.\n"
                    .to_string(),
            ));
        match message {
            Ok(m) => self.deliver(&m),
            Err(e) => Answer::Permanent(e.to_string()),
        }
    }

    fn deliver(&self, message: &Message) -> Answer {
        let transport = match self.transport() {
            Ok(t) => t,
            Err(e) => return Answer::Permanent(e),
        };
        match transport.send(message) {
            Ok(response) => Answer::Sent(words(
                u16::from(response.code()),
                response.message().collect::<Vec<_>>().join(" "),
            )),
            Err(e) => classify(&e),
        }
    }
}

impl Channel for Smtp {
    fn send(&self, notice: &Outgoing, pdf: &[u8]) -> Answer {
        match self.message(notice, pdf) {
            Ok(m) => self.deliver(&m),
            Err(e) => Answer::Permanent(e),
        }
    }
}

/// A server's answer as people read it: its code and its text.
fn words(code: u16, text: String) -> String {
    let text = text.trim();
    if text.is_empty() {
        code.to_string()
    } else {
        format!("{code} {text}")
    }
}

/// What an error means for the next attempt: a 5xx answer is for good;
/// anything else (4xx, no connection, a connection dropped, a timeout, a
/// TLS failure that may be a passing one) is tried again later.
fn classify(e: &lettre::transport::smtp::Error) -> Answer {
    // lettre's text plus its sources, without repeating itself.
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = s.source();
    }
    // Said before the library's words: what kind of trouble it was.
    if e.is_tls() {
        text = format!(
            "TLS refused (is the server's certificate trusted, and its name the host?): {text}"
        );
    } else if e.is_timeout() {
        text = format!("no answer in time: {text}");
    }
    if e.is_permanent() {
        Answer::Permanent(text)
    } else {
        Answer::Temporary(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderdesk_core::domain::OrderId;

    fn notice() -> Outgoing {
        Outgoing {
            id: 1,
            order_id: OrderId(1),
            order_number: "SO-2026-000123".into(),
            customer: "厦门润发商贸有限公司".into(),
            recipient: Some("buyer@example.com".into()),
            subject: "订单 SO-2026-000123 已取消".into(),
            body: "尊敬的客户：您的订单已取消。".into(),
            sheet: None,
            content_hash: None,
            message_id: "<abc@orderdesk.notice>".into(),
            pdf: None,
            attempts: 1,
            requested_by: None,
            department_id: None,
        }
    }

    fn smtp(security: MailSecurity, host: &str) -> Smtp {
        Smtp::new(
            MailSettings {
                host: host.into(),
                port: 2525,
                security,
                user: String::new(),
                from_name: "东方办公".into(),
                from_address: "orders@example.com".into(),
                reply_to: "service@example.com".into(),
            },
            Some("secret".into()),
        )
    }

    #[test]
    fn the_message_carries_the_stored_id_the_pdf_and_encoded_chinese() {
        let m = smtp(MailSecurity::Ssl, "smtp.example.com")
            .message(&notice(), b"%PDF-1.7 test")
            .expect("message");
        let raw = String::from_utf8(m.formatted()).expect("ascii");
        assert!(raw.contains("Message-ID: <abc@orderdesk.notice>"), "{raw}");
        assert!(raw.contains("Reply-To: service@example.com"), "{raw}");
        // RFC 2047 encoded words, never raw UTF-8 in a header.
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
        assert!(raw.contains("application/pdf"), "{raw}");
        assert!(raw.contains("SO-2026-000123.pdf"), "{raw}");
        assert!(raw.is_ascii());
    }

    #[test]
    fn plain_text_goes_only_to_this_pc_and_the_password_is_never_printed() {
        let answer = smtp(MailSecurity::None, "mail.example.com").deliver(
            &smtp(MailSecurity::None, "mail.example.com")
                .message(&notice(), &[])
                .expect("message"),
        );
        assert!(
            matches!(answer, Answer::Permanent(ref t) if t.contains("clear")),
            "{answer:?}"
        );
        let shown = format!("{:?}", smtp(MailSecurity::Ssl, "smtp.example.com"));
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_malformed_address_is_refused_for_good() {
        let mut n = notice();
        n.recipient = Some("not an address".into());
        let answer = smtp(MailSecurity::Ssl, "smtp.example.com").send(&n, &[]);
        assert!(matches!(answer, Answer::Permanent(_)), "{answer:?}");
    }

    #[test]
    fn no_server_listening_is_a_temporary_failure() {
        // A port nobody listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let mut s = smtp(MailSecurity::None, "127.0.0.1");
        s.settings.port = port;
        let answer = s.send(&notice(), &[]);
        assert!(matches!(answer, Answer::Temporary(_)), "{answer:?}");
    }
}
