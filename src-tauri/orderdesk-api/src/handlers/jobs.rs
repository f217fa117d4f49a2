//! Bulk jobs: preview, start, run with progress, stop, results, and the
//! jobs a crash or a shutdown left unfinished.

use std::sync::atomic::Ordering;

use orderdesk_core::{Error, Msg, Result, analytics, jobs};

use crate::Ctx;
use crate::types::*;

/// Orders per batch when the caller does not say: a progress step every
/// few tenths of a second.
const BATCH: i64 = 2500;

pub fn archive_preview(ctx: &Ctx, selection: Selection) -> Result<ArchivePreview> {
    jobs::archive_preview(ctx.store(), &ctx.session, &selection)
}

pub fn start_job(ctx: &Ctx, kind: JobKind, selection: Selection) -> Result<JobStatus> {
    jobs::create(ctx.store(), &ctx.session, &kind, &selection)
}

/// Runs in the calling thread until the job is done or stopped (by
/// `stop_job`, or by this process shutting down: then it is left stopped,
/// to be resumed).
pub fn run_job(ctx: &Ctx, job: String, batch: Option<i64>) -> Result<JobStatus> {
    // Refuse someone else's job before registering it as running.
    jobs::status(ctx.store(), &ctx.session, &job)?;
    let Some(stop) = ctx.api.jobs.start(&job) else {
        return Err(if ctx.api.jobs.is_stopping() {
            Error::new(orderdesk_core::ErrorKind::Unavailable, Msg::ServerStopping)
        } else {
            Error::rule(Msg::JobRunning { id: job })
        });
    };
    let batch = batch.unwrap_or(BATCH).clamp(1, 10_000) as usize;
    let events = ctx.api.events();
    let outcome = jobs::run(ctx.store(), &ctx.session, &job, batch, &mut |status| {
        events.job_progress(ctx.token, status);
        !stop.load(Ordering::SeqCst)
    });
    ctx.api.jobs.finish(&job);
    ctx.changed(&[]);
    outcome
}

pub fn stop_job(ctx: &Ctx, job: String) -> Result<()> {
    jobs::status(ctx.store(), &ctx.session, &job)?;
    ctx.api.jobs.stop(&job);
    Ok(())
}

pub fn job_status(ctx: &Ctx, job: String) -> Result<JobStatus> {
    jobs::status(ctx.store(), &ctx.session, &job)
}

pub fn job_results(
    ctx: &Ctx,
    job: String,
    only: String,
    limit: i64,
    offset: i64,
) -> Result<Vec<ItemResult>> {
    jobs::results(ctx.store(), &ctx.session, &job, &only, limit, offset)
}

pub fn unfinished_jobs(ctx: &Ctx) -> Result<Vec<InterruptedJob>> {
    let running = ctx.api.jobs.running();
    Ok(jobs::unfinished(ctx.store(), &ctx.session)?
        .into_iter()
        .map(|job| InterruptedJob {
            running: running.contains(&job.id),
            job,
        })
        .collect())
}

pub fn analytics(ctx: &Ctx, by: Dimension, filter: ReportFilter) -> Result<Report> {
    analytics::cancellations(ctx.store(), &ctx.session, by, &filter)
}
