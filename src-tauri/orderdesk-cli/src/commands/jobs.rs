//! Bulk jobs from the terminal: archive by number or by date, run to the end
//! with progress on stderr, resume, and the list of unfinished jobs.

use orderdesk_api::wire::ServerEvent;
use orderdesk_client::Backend;
use orderdesk_core::jobs::{JobKind, JobStatus, Selection};

use super::{Out, Outcome, status_arg};
use crate::connect::{Connection, Progress};
use crate::output::{self, print_refusals, table};
use crate::{Failure, exit_code, parse_int};

pub struct ArchiveArgs<'a> {
    pub numbers: &'a [String],
    pub closed_before: &'a Option<String>,
    pub status: &'a Option<String>,
    pub preview: bool,
    pub resume: &'a Option<String>,
    pub batch: &'a str,
}

pub async fn archive(conn: &Connection, a: ArchiveArgs<'_>, out: Out) -> Outcome {
    let batch = parse_int(a.batch)?;
    let b = &conn.backend;
    if let Some(id) = a.resume {
        let job = b.job_status(id.clone()).await?;
        return run_to_end(conn, &job, batch, out).await;
    }
    let selection = match (a.numbers.is_empty(), a.closed_before) {
        (false, None) => Selection::numbers(a.numbers.iter().cloned()),
        (true, Some(before)) => Selection::ClosedBefore {
            before: before.clone(),
            status: a.status.as_deref().map(status_arg).transpose()?,
        },
        _ => {
            return Err(Failure::Usage(
                "archive takes order numbers, or --closed-before DATE".into(),
            ));
        }
    };
    if a.preview {
        let p = b.archive_preview(selection).await?;
        if out.json {
            output::json(&p);
        } else {
            println!(
                "{}: {} / {}",
                out.lang.pick("可归档", "can be archived"),
                p.eligible,
                p.total
            );
            print_refusals(&p.refused, out.lang);
        }
        return Ok(0);
    }
    let job = b.start_job(JobKind::Archive, selection).await?;
    run_to_end(conn, &job, batch, out).await
}

pub async fn resume(conn: &Connection, id: &str, batch: &str, out: Out) -> Outcome {
    let batch = parse_int(batch)?;
    let job = conn.backend.job_status(id.to_string()).await?;
    run_to_end(conn, &job, batch, out).await
}

/// Runs a job to the end, reporting progress on stderr; the exit code is that
/// of the first refusal, if any order was refused.
pub async fn run_to_end(conn: &Connection, job: &JobStatus, batch: i64, out: Out) -> Outcome {
    let status = run(conn, job, batch, out).await?;
    report(&conn.backend, &status, out).await
}

/// Runs a job to the end (or until stopped), with progress on stderr.
pub async fn run(
    conn: &Connection,
    job: &JobStatus,
    batch: i64,
    out: Out,
) -> Result<JobStatus, Failure> {
    let b = &conn.backend;
    let progress = Progress {
        show: !out.json,
        batch,
        lang: out.lang,
    };
    let status = match b.remote() {
        None => {
            if let Ok(mut p) = conn.progress.lock() {
                *p = Some(progress);
            }
            b.run_job(job.id.clone(), Some(batch)).await?
        }
        Some(remote) => {
            // Over the server, progress comes on the session's event socket,
            // opened before the job runs so that no batch goes unreported.
            let socket = match b.token() {
                Some(token) => remote.events(&token, i64::MAX).await.ok(),
                None => None,
            };
            let printer = tokio::spawn(async move {
                let Some(mut socket) = socket else { return };
                while let Some(event) = socket.next().await {
                    if let ServerEvent::JobProgress { status } = event {
                        progress.print(&status);
                    }
                }
            });
            let done = b.run_job(job.id.clone(), Some(batch)).await;
            printer.abort();
            done?
        }
    };
    Ok(status)
}

async fn report(b: &Backend, status: &JobStatus, out: Out) -> Outcome {
    let results = b
        .job_results(status.id.clone(), String::new(), 100_000, 0)
        .await?;
    // The first refusal also goes to stderr like any error, so a script that
    // archives one order reads the same {kind, message} as elsewhere.
    let first_refusal = results.iter().find_map(|r| r.problem.clone());
    if let Some(p) = &first_refusal
        && out.json
    {
        eprintln!(
            "{}",
            serde_json::json!({ "kind": p.kind.code(), "message": out.lang.pick(&p.message_zh, &p.message_en) })
        );
    }
    let code = first_refusal.map(|p| exit_code(p.kind)).unwrap_or(0);
    if out.json {
        output::json(&serde_json::json!({
            "job": status.id,
            "state": status.state,
            "total": status.total,
            "done": status.done,
            "refused": status.refused,
            "results": results,
        }));
    } else {
        println!(
            "{}: {} / {}",
            out.lang.pick("完成", "done"),
            status.done,
            status.total
        );
        let refused: Vec<_> = results
            .into_iter()
            .filter(|r| r.problem.is_some())
            .collect();
        print_refusals(&refused, out.lang);
    }
    Ok(code)
}

/// Jobs with work left that this person may resume.
pub async fn unfinished(b: &Backend, out: Out) -> Outcome {
    let lang = out.lang;
    let jobs = b.unfinished_jobs().await?;
    if out.json {
        output::json(&jobs);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = jobs
        .iter()
        .map(|j| {
            let state = if j.running {
                lang.pick("运行中", "running")
            } else {
                lang.pick("已中断", "interrupted")
            };
            vec![
                j.job.id.clone(),
                j.job.kind.clone(),
                state.to_string(),
                format!("{}/{}", j.job.done + j.job.refused, j.job.total),
                j.job.created_by.clone(),
                j.job.created_at.clone(),
            ]
        })
        .collect();
    table(
        &[
            lang.pick("任务", "job"),
            lang.pick("类型", "kind"),
            lang.pick("状态", "state"),
            lang.pick("进度", "progress"),
            lang.pick("发起人", "started by"),
            lang.pick("开始于", "started at"),
        ],
        &rows,
    );
    if jobs.iter().any(|j| !j.running) {
        println!(
            "\n{}",
            lang.pick(
                "继续中断的任务：orderdesk-cli resume 任务号",
                "resume an interrupted job: orderdesk-cli resume JOB"
            )
        );
    }
    Ok(0)
}
