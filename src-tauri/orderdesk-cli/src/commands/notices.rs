//! Customer notices: the outbox, a delivery pass, the printed notice, and
//! the mail server they go out through.

use std::path::Path;

use orderdesk_api::types::{MailSettings, OutboxFilter};
use orderdesk_client::Backend;
use orderdesk_core::outbox;
use orderdesk_core::settings::MailSecurity;
use orderdesk_core::{Error, Msg};

use super::{Out, Outcome, date_arg};
use crate::output::{self, opt, pairs, table};
use crate::{MailCommand, parse_int};

/// The environment variable `mail set` reads the account's password from.
const PASSWORD_ENV: &str = "ORDERDESK_SMTP_PASSWORD";

pub struct Filter<'a> {
    pub limit: &'a str,
    pub status: &'a Option<String>,
    pub from: &'a Option<String>,
    pub to: &'a Option<String>,
}

pub async fn list(b: &Backend, f: Filter<'_>, out: Out) -> Outcome {
    let lang = out.lang;
    let filter = OutboxFilter {
        status: f.status.as_ref().map(|s| s.trim().to_ascii_lowercase()),
        from: date_arg(f.from)?,
        to: date_arg(f.to)?,
        limit: Some(parse_int(f.limit)?),
    };
    let items = b.outbox_list(filter).await?;
    if out.json {
        output::json(&items);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.created_at.clone(),
                m.order_number.clone(),
                m.customer.clone(),
                opt(&m.recipient),
                outbox::state_label(&m.status, lang).to_string(),
                m.attempts.to_string(),
                opt(&m.last_answer),
            ]
        })
        .collect();
    table(
        &[
            "id",
            lang.pick("时间", "at"),
            lang.pick("订单", "order"),
            lang.pick("客户", "customer"),
            lang.pick("收件人", "to"),
            lang.pick("状态", "status"),
            lang.pick("尝试", "attempts"),
            lang.pick("服务器答复", "last answer"),
        ],
        &rows,
    );
    Ok(0)
}

pub async fn deliver(b: &Backend, out: Out) -> Outcome {
    let lang = out.lang;
    let results = b.outbox_deliver().await?;
    if out.json {
        output::json(&results);
        return Ok(0);
    }
    if results.is_empty() {
        println!("{}", lang.pick("没有要发送的通知。", "Nothing to send."));
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.order_number.clone(),
                opt(&d.recipient),
                outbox::state_label(&d.status, lang).to_string(),
                d.attempts.to_string(),
                d.answer.clone(),
            ]
        })
        .collect();
    table(
        &[
            "id",
            lang.pick("订单", "order"),
            lang.pick("收件人", "to"),
            lang.pick("状态", "status"),
            lang.pick("尝试", "attempts"),
            lang.pick("服务器答复", "answer"),
        ],
        &rows,
    );
    Ok(0)
}

pub async fn withdraw(b: &Backend, id: &str, out: Out) -> Outcome {
    let m = b.outbox_withdraw(parse_int(id)?).await?;
    one(&m, out)
}

pub async fn resend(b: &Backend, id: &str, out: Out) -> Outcome {
    let m = b.outbox_resend(parse_int(id)?).await?;
    one(&m, out)
}

fn one(m: &orderdesk_api::types::CustomerMessage, out: Out) -> Outcome {
    if out.json {
        output::json(m);
    } else {
        let state = outbox::state_label(&m.status, out.lang);
        println!("{} {} {state}", m.id, m.order_number);
    }
    Ok(0)
}

pub async fn print(b: &Backend, number: &str, file: &Path, out: Out) -> Outcome {
    let pdf = b.notice_pdf(number.to_string()).await?;
    orderdesk_core::store::files::write_private(file, &pdf.data)?;
    if out.json {
        output::json(&serde_json::json!({
            "number": number.trim(),
            "out": file.display().to_string(),
            "bytes": pdf.data.len(),
        }));
    } else {
        println!("{}", file.display());
    }
    Ok(0)
}

pub async fn mail(b: &Backend, command: &MailCommand, out: Out) -> Outcome {
    let lang = out.lang;
    let setup = match command {
        MailCommand::Set {
            host,
            port,
            security,
            user,
            from,
            from_name,
            reply_to,
        } => {
            let security: MailSecurity = security.parse()?;
            let port = match port {
                Some(p) => u16::try_from(parse_int(p)?).map_err(|_| {
                    Error::invalid(Msg::BadField {
                        field: "port".into(),
                        value: p.clone(),
                    })
                })?,
                None => match security {
                    MailSecurity::Ssl => 465,
                    MailSecurity::Starttls => 587,
                    MailSecurity::None => 25,
                },
            };
            let settings = MailSettings {
                host: host.clone(),
                port,
                security,
                user: user.clone(),
                from_name: from_name.clone(),
                from_address: from.clone(),
                reply_to: reply_to.clone(),
            };
            b.mail_set(settings, std::env::var(PASSWORD_ENV).ok())
                .await?
        }
        MailCommand::Test { to } => {
            let answer = b.mail_test(to.clone()).await?;
            if out.json {
                output::json(&serde_json::json!({ "sent": true, "answer": answer }));
            } else {
                println!(
                    "{} {answer}",
                    lang.pick("已发送。服务器答复：", "Sent. The server said:")
                );
            }
            return Ok(0);
        }
        MailCommand::Show => b.mail_get().await?,
    };
    if out.json {
        output::json(&setup);
        return Ok(0);
    }
    let m = &setup.settings;
    pairs(&[
        (lang.pick("服务器", "host"), m.host.clone()),
        (lang.pick("端口", "port"), m.port.to_string()),
        (lang.pick("加密", "security"), m.security.code().to_string()),
        (lang.pick("账号", "user"), m.user.clone()),
        (lang.pick("发件人", "from"), m.from_address.clone()),
        (lang.pick("发件人名称", "from name"), m.from_name.clone()),
        (lang.pick("回复地址", "reply-to"), m.reply_to.clone()),
        (
            lang.pick("密码", "password"),
            match setup.password_kept.as_deref() {
                Some("keychain") => lang.pick("已保存（系统钥匙串）", "kept (OS keychain)"),
                Some(_) => lang.pick("已保存（数据文件夹）", "kept (data folder)"),
                None => lang.pick("未设置", "not set"),
            }
            .to_string(),
        ),
        (lang.pick("等待发送", "waiting"), setup.waiting.to_string()),
    ]);
    Ok(0)
}
