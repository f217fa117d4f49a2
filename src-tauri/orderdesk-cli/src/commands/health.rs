//! The audit chain and its checkpoints, the invariants, backup and restore.

use std::path::{Path, PathBuf};

use orderdesk_api::types::RestoreSource;
use orderdesk_client::Backend;
use orderdesk_core::audit;

use super::{Out, Outcome};
use crate::connect::Connection;
use crate::output;

pub async fn audit(b: &Backend, against: &Option<PathBuf>, out: Out) -> Outcome {
    let lang = out.lang;
    let points = match against {
        Some(file) => Some(audit::read_checkpoints(file)?),
        None => None,
    };
    let report = b.audit_verify(points).await?;
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
            "{}",
            lang.pick(
                "审计记录与其链或检查点不符：",
                "the audit logs do not match their chains or checkpoints:"
            )
        );
        for p in &report.problems {
            println!("  {p}");
        }
    }
    Ok(if report.ok { 0 } else { 1 })
}

pub async fn checkpoint(b: &Backend, out: Out) -> Outcome {
    let point = b.audit_checkpoint().await?;
    if out.json {
        output::json(&point);
    } else {
        output::pairs(&[
            (out.lang.pick("事件数", "events"), point.events.to_string()),
            (out.lang.pick("链头", "head"), point.head.clone()),
            (
                out.lang.pick("设置日志条数", "settings entries"),
                point.settings_events.to_string(),
            ),
            (
                out.lang.pick("设置日志链头", "settings head"),
                point.settings_head.clone(),
            ),
        ]);
    }
    Ok(0)
}

pub async fn backup(conn: &Connection, file: &Option<PathBuf>, out: Out) -> Outcome {
    let b = &conn.backend;
    let target = match (b.remote(), file) {
        // The office server keeps its backups in its own folder.
        (Some(_), _) => None,
        (None, Some(f)) => Some(absolute(f).display().to_string()),
        (None, None) => None,
    };
    let info = b.backup_now(target).await?;
    if out.json {
        output::json(&info);
    } else {
        println!(
            "{}: {} ({} bytes)",
            out.lang.pick("备份已完成", "backed up"),
            info.path,
            info.size_bytes
        );
    }
    Ok(0)
}

pub async fn restore(
    conn: &Connection,
    file: &Path,
    recovery_key: Option<String>,
    out: Out,
) -> Outcome {
    let b = &conn.backend;
    let source = RestoreSource::file(&absolute(file), b.remote().is_some())?;
    let report = b.restore(source, recovery_key).await?;
    if out.json {
        output::json(&report);
    } else {
        println!(
            "{}: {}\n{}: {}",
            out.lang.pick("已从备份恢复", "restored from"),
            report.restored_from,
            out.lang
                .pick("原数据库保存在", "the database as it was is kept at"),
            report.previous_kept_at
        );
    }
    Ok(0)
}

/// Encrypts the database and prints the recovery key, once.
pub async fn encrypt(b: &Backend, out: Out) -> Outcome {
    let key = b.encryption_enable().await?;
    if out.json {
        output::json(&serde_json::json!({
            "encrypted": true,
            "recovery_key": key.recovery_key,
        }));
    } else {
        println!(
            "{}\n\n    {}\n\n{}",
            out.lang.pick(
                "数据库已加密。恢复密钥（只显示这一次，请抄在纸上并妥善保管）：",
                "The database is encrypted. Its recovery key (shown this once: write it on paper and keep it safe):"
            ),
            key.recovery_key,
            out.lang.pick(
                "在另一台电脑上恢复备份时需要它。",
                "It is needed to restore a backup on another PC."
            )
        );
    }
    Ok(0)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
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
