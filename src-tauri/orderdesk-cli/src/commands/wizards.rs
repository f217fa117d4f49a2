//! Cancel (and its preview), approve, reject, reassign.

use orderdesk_client::Backend;
use orderdesk_core::cancel::{CancelPreview, CancelRequest};
use orderdesk_core::domain::{Lang, Status};
use orderdesk_core::jobs::{JobKind, Selection};
use orderdesk_core::reassign::Target;
use orderdesk_core::{Error, Msg};

use super::{Out, Outcome, jobs, version};
use crate::Failure;
use crate::connect::Connection;
use crate::output::{self, money, opt, pairs, status};

pub struct CancelArgs<'a> {
    pub number: &'a str,
    pub reason: &'a Option<String>,
    pub note: &'a Option<String>,
    pub customer_message: &'a Option<String>,
    pub preview: bool,
    pub notify_customer: bool,
    pub expect_version: &'a Option<String>,
}

pub async fn cancel(b: &Backend, a: CancelArgs<'_>, out: Out) -> Outcome {
    let lang = out.lang;
    if a.preview {
        let p = b
            .cancel_preview(
                a.number.to_string(),
                a.reason.clone(),
                a.note.clone(),
                a.customer_message.clone(),
            )
            .await?;
        if out.json {
            output::json(&p);
        } else {
            print_preview(&p, lang);
        }
        return Ok(0);
    }
    let Some(reason) = a.reason else {
        return Err(Error::invalid(Msg::ReasonRequired).into());
    };
    let request = CancelRequest {
        number: a.number.to_string(),
        seen_version: version(b, a.number, a.expect_version).await?,
        reason_code: reason.clone(),
        note: a.note.clone(),
        notify_customer: a.notify_customer,
        customer_message: a.customer_message.clone(),
    };
    let done = b.cancel_order(request).await?;
    if out.json {
        output::json(&done);
    } else {
        let text = if done.status == Status::CancelPending {
            lang.pick(
                "已提交取消申请，等待主管审批",
                "cancellation requested; waiting for a manager's approval",
            )
        } else {
            lang.pick("已取消", "cancelled")
        };
        println!("{}: {text}", done.number);
    }
    Ok(0)
}

pub async fn approve(b: &Backend, number: &str, expect: &Option<String>, out: Out) -> Outcome {
    let seen = version(b, number, expect).await?;
    let done = b.approve_cancel(number.to_string(), seen).await?;
    if out.json {
        output::json(&done);
    } else {
        println!(
            "{}: {}",
            done.number,
            out.lang.pick(
                "已批准取消，订单已取消",
                "cancellation approved; the order is cancelled"
            )
        );
    }
    Ok(0)
}

pub async fn reject(
    b: &Backend,
    number: &str,
    note: &str,
    expect: &Option<String>,
    out: Out,
) -> Outcome {
    let seen = version(b, number, expect).await?;
    b.reject_cancel(number.to_string(), seen, note.to_string())
        .await?;
    // The order is back where it was before the request.
    let d = b.order_detail(number.to_string()).await?;
    if out.json {
        output::json(
            &serde_json::json!({ "number": d.number, "status": d.status, "version": d.version }),
        );
    } else {
        println!(
            "{}: {} ({})",
            d.number,
            out.lang.pick("已驳回取消申请", "cancellation rejected"),
            status(d.status.code(), out.lang)
        );
    }
    Ok(0)
}

pub async fn reassign(
    conn: &Connection,
    numbers: &[String],
    to_user: &Option<String>,
    to_department: &Option<String>,
    note: &Option<String>,
    out: Out,
) -> Outcome {
    let target = match (to_user, to_department) {
        (Some(u), None) => Target::User(u.clone()),
        (None, Some(d)) => Target::Department(d.clone()),
        _ => {
            return Err(Failure::Usage(
                "reassign needs --to-user LOGIN or --to-department NAME".into(),
            ));
        }
    };
    let b = &conn.backend;
    match numbers {
        [] => Err(Failure::Usage(
            "reassign needs at least one order number".into(),
        )),
        [number] => {
            let seen = version(b, number, &None).await?;
            let done = b
                .reassign_order(number.clone(), seen, target, note.clone())
                .await?;
            if out.json {
                output::json(&done);
            } else {
                let to = done
                    .handler
                    .clone()
                    .unwrap_or_else(|| out.lang.pick("部门队列", "department queue").to_string());
                println!(
                    "{}: {} {to}",
                    done.number,
                    out.lang.pick("已转交给", "reassigned to")
                );
            }
            Ok(0)
        }
        many => {
            let kind = JobKind::Reassign {
                target,
                note: note.clone(),
            };
            let job = b
                .start_job(kind, Selection::numbers(many.iter().cloned()))
                .await?;
            jobs::run_to_end(conn, &job, orderdesk_core::jobs::DEFAULT_BATCH as i64, out).await
        }
    }
}

fn print_preview(p: &CancelPreview, lang: Lang) {
    pairs(&[
        (lang.pick("订单号", "number"), p.number.clone()),
        (lang.pick("状态", "status"), status(p.status.code(), lang)),
        (
            lang.pick("金额", "total"),
            money(p.total_minor, &p.currency),
        ),
        (
            lang.pick("可以取消", "can be cancelled"),
            p.allowed.to_string(),
        ),
        (
            lang.pick("需要审批", "needs approval"),
            p.needs_approval.to_string(),
        ),
        (
            lang.pick("释放库存", "stock released"),
            p.reversal
                .stock
                .iter()
                .map(|l| format!("{} ×{}", l.sku, l.quantity))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            lang.pick("红字发票", "credit notes"),
            p.reversal
                .credit_notes
                .iter()
                .map(|c| format!("{} {}", c.invoice, money(c.amount_minor, &p.currency)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            lang.pick("应退款", "refund due"),
            money(p.reversal.refund_due_minor, &p.currency),
        ),
        (
            lang.pick("通知", "notified"),
            p.recipients
                .iter()
                .filter_map(|r| r.login.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    for blocker in &p.blockers {
        println!("✗ {}", lang.pick(&blocker.message_zh, &blocker.message_en));
    }
    if let Some(n) = &p.customer_notice {
        println!(
            "\n{} → {}\n{}\n{}",
            lang.pick("客户通知", "customer notice"),
            opt(&n.to),
            n.subject,
            n.body
        );
    }
}
