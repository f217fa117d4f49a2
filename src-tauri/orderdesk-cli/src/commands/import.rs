//! `import customers|products|orders FILE [--dry-run]`: the file is read
//! here and sent whole (to the office server too); the columns are mapped
//! from the headers as the wizard maps them. A result per record; exit 7
//! when any was refused.

use std::path::Path;

use orderdesk_client::Backend;
use orderdesk_core::import::{ImportKind, Upload};
use orderdesk_core::jobs::ItemResult;
use orderdesk_core::{Error, Msg};

use super::{Out, Outcome, jobs};
use crate::connect::Connection;
use crate::output::{self, table};
use crate::{Failure, parse_int};

/// A refused record's exit code: invalid input, whatever the reason.
const REFUSED: u8 = 7;

fn read(path: &Path) -> Result<Upload, Failure> {
    Upload::read(path).map_err(|e| {
        Failure::Core(Error::with_source(
            orderdesk_core::ErrorKind::InvalidInput,
            Msg::ImportUnreadable {
                detail: format!("{}: {e}", path.display()),
            },
            e,
        ))
    })
}

pub async fn run(
    conn: &Connection,
    kind: &str,
    file: &Path,
    dry_run: bool,
    batch: &str,
    out: Out,
) -> Outcome {
    let Some(kind) = ImportKind::parse(kind) else {
        return Err(Failure::Usage(
            "import takes customers, products or orders".into(),
        ));
    };
    let batch = parse_int(batch)?;
    let upload = read(file)?;
    let b = &conn.backend;
    let sheet = b.import_inspect(kind, upload.clone()).await?;
    if dry_run {
        let report = b.import_dry_run(kind, upload, sheet.mapping, None).await?;
        let counts = [report.accepted, report.unchanged, report.refused];
        return print(kind, true, report.total, counts, &report.rows, out);
    }
    let job = b.import_start(kind, upload, sheet.mapping).await?;
    let status = jobs::run(conn, &job, batch, out).await?;
    let rows = all_results(b, &status.id).await?;
    let counts = [status.done, status.unchanged, status.refused];
    print(kind, false, status.total, counts, &rows, out)
}

async fn all_results(b: &Backend, job: &str) -> Result<Vec<ItemResult>, Error> {
    let mut rows = Vec::new();
    loop {
        let page = b
            .job_results(job.to_string(), String::new(), 10_000, rows.len() as i64)
            .await?;
        let last = page.len() < 10_000;
        rows.extend(page);
        if last {
            return Ok(rows);
        }
    }
}

/// A job item's state as the import reports it.
fn state(r: &ItemResult) -> &str {
    match r.state.as_str() {
        "done" => "created",
        other => other,
    }
}

fn print(
    kind: ImportKind,
    dry_run: bool,
    total: i64,
    [created, unchanged, refused]: [i64; 3],
    rows: &[ItemResult],
    out: Out,
) -> Outcome {
    let lang = out.lang;
    let message = |r: &ItemResult| {
        r.problem
            .as_ref()
            .map(|p| lang.pick(&p.message_zh, &p.message_en).to_string())
    };
    if out.json {
        // The first refusal also goes to stderr, as any error does.
        if let Some(p) = rows.iter().find_map(|r| r.problem.as_ref()) {
            let first = serde_json::json!({
                "kind": p.kind.code(),
                "message": lang.pick(&p.message_zh, &p.message_en),
            });
            eprintln!("{first}");
        }
        let results: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "row": r.row,
                    "key": r.number,
                    "state": state(r),
                    "kind": r.problem.as_ref().map(|p| p.kind.code()),
                    "message": message(r),
                })
            })
            .collect();
        let created_key = if dry_run { "accepted" } else { "created" };
        output::json(&serde_json::json!({
            "kind": kind.code(),
            "dry_run": dry_run,
            "total": total,
            created_key: created,
            "unchanged": unchanged,
            "refused": refused,
            "rows": results,
        }));
    } else {
        let state_label = |r: &ItemResult| {
            match state(r) {
                "created" => lang.pick("已导入", "created"),
                "accepted" => lang.pick("可导入", "accepted"),
                "unchanged" => lang.pick("已存在，未改动", "already there, unchanged"),
                "refused" => lang.pick("拒绝", "refused"),
                other => other,
            }
            .to_string()
        };
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.row.to_string(),
                    r.number.clone(),
                    state_label(r),
                    message(r).unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &[
                lang.pick("行", "row"),
                lang.pick("编码/单号", "key"),
                lang.pick("结果", "result"),
                lang.pick("原因", "why"),
            ],
            &lines,
        );
        let verb = if dry_run {
            lang.pick("可导入", "would be created")
        } else {
            lang.pick("已导入", "created")
        };
        println!(
            "\n{total} {}: {created} {verb}, {unchanged} {}, {refused} {}",
            lang.pick("条记录", "records"),
            lang.pick("已存在", "already there"),
            lang.pick("被拒绝", "refused"),
        );
    }
    Ok(if refused > 0 { REFUSED } else { 0 })
}
