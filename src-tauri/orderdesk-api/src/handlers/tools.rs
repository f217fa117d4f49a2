//! Health checks anyone may run: they change nothing and name no customer.

use orderdesk_core::{Result, check};

use crate::Api;
use crate::types::*;

pub fn check(api: &Api) -> Result<CheckReport> {
    check::invariants(api.store())
}

pub fn audit_verify(api: &Api) -> Result<ChainReport> {
    check::verify_audit(api.store())
}
