//! Health checks anyone may run: they change nothing and name no customer.

use orderdesk_core::{Result, check};

use crate::Api;
use crate::types::*;

pub fn check(api: &Api) -> Result<CheckReport> {
    check::invariants(api.store())
}

pub fn audit_verify(api: &Api, against: Option<Vec<Checkpoint>>) -> Result<AuditReport> {
    orderdesk_core::audit::verify(api.store(), &against.unwrap_or_default())
}

pub fn audit_checkpoint(ctx: &crate::Ctx) -> Result<Checkpoint> {
    orderdesk_core::auth::require_manager(&ctx.session)?;
    orderdesk_core::audit::record(ctx.store())
}
