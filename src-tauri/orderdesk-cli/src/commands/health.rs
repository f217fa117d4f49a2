//! The audit chain and the invariants.

use orderdesk_client::Backend;

use super::{Out, Outcome};
use crate::output;

pub async fn audit(b: &Backend, out: Out) -> Outcome {
    let lang = out.lang;
    let report = b.audit_verify().await?;
    if out.json {
        output::json(&report);
    } else if report.ok {
        println!(
            "{} ({} {})",
            lang.pick("审计链完整", "audit chain intact"),
            report.events,
            lang.pick("个事件", "events")
        );
    } else {
        println!(
            "{}: {:?}",
            lang.pick(
                "审计链已被篡改，首个异常事件",
                "audit chain broken at event"
            ),
            report.first_broken_event
        );
    }
    Ok(if report.ok { 0 } else { 1 })
}

pub async fn check(b: &Backend, out: Out) -> Outcome {
    let lang = out.lang;
    let report = b.check().await?;
    if out.json {
        output::json(&report);
    } else if report.ok {
        println!(
            "{} ({} {}, {} {})",
            lang.pick("全部规则成立", "every invariant holds"),
            report.active_orders,
            lang.pick("个活动订单", "active orders"),
            report.archived_orders,
            lang.pick("个归档订单", "archived")
        );
    } else {
        for f in &report.findings {
            println!("{}: {}", f.rule, f.offenders.join(", "));
        }
    }
    Ok(if report.ok { 0 } else { 1 })
}
