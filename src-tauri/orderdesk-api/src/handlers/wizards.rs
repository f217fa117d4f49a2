//! The cancel and reassign wizards, and the approvals list.

use orderdesk_core::{Result, cancel, reassign};

use crate::Ctx;
use crate::types::*;

pub fn cancel_preview(
    ctx: &Ctx,
    number: String,
    reason: Option<String>,
    note: Option<String>,
    customer_message: Option<String>,
) -> Result<CancelPreview> {
    cancel::preview(
        ctx.store(),
        &ctx.session,
        &number,
        reason.as_deref(),
        note.as_deref(),
        customer_message.as_deref(),
    )
}

pub fn cancel_request(ctx: &Ctx, number: String) -> Result<PendingCancel> {
    cancel::pending_request(ctx.store(), &ctx.session, &number)
}

pub fn cancel_order(ctx: &Ctx, request: CancelRequest) -> Result<CancelOutcome> {
    let out = cancel::execute(ctx.store(), &ctx.session, &request)?;
    ctx.changed(std::slice::from_ref(&out.number));
    Ok(out)
}

pub fn approve_cancel(ctx: &Ctx, number: String, version: i64) -> Result<CancelOutcome> {
    let out = cancel::approve(ctx.store(), &ctx.session, &number, version)?;
    ctx.changed(&[number]);
    Ok(out)
}

pub fn reject_cancel(ctx: &Ctx, number: String, version: i64, note: String) -> Result<i64> {
    let order = cancel::reject(ctx.store(), &ctx.session, &number, version, &note)?;
    ctx.changed(&[number]);
    Ok(order.version)
}

pub fn pending_approvals(ctx: &Ctx) -> Result<Vec<Row>> {
    cancel::pending(ctx.store(), &ctx.session)
}

pub fn reassign_candidates(
    ctx: &Ctx,
    filter: Option<String>,
    department: Option<DepartmentId>,
) -> Result<Candidates> {
    reassign::candidates(ctx.store(), &ctx.session, filter.as_deref(), department)
}

pub fn reassign_order(
    ctx: &Ctx,
    number: String,
    version: i64,
    target: Target,
    note: Option<String>,
) -> Result<ReassignOutcome> {
    let out = reassign::execute(
        ctx.store(),
        &ctx.session,
        &number,
        version,
        &target,
        note.as_deref(),
    )?;
    ctx.changed(&[number]);
    Ok(out)
}
