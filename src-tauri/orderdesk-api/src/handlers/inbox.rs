//! The inbox.

use orderdesk_core::{Result, inbox};

use crate::Ctx;
use crate::types::*;

/// Items shown at most in the inbox list.
const INBOX_LIMIT: i64 = 200;

pub fn inbox_list(ctx: &Ctx, unread_only: bool, limit: Option<i64>) -> Result<Vec<InboxItem>> {
    inbox::list(
        ctx.store(),
        &ctx.session,
        unread_only,
        limit.unwrap_or(INBOX_LIMIT),
    )
}

pub fn inbox_unread_count(ctx: &Ctx) -> Result<i64> {
    inbox::unread_count(ctx.store(), &ctx.session)
}

pub fn inbox_mark_read(ctx: &Ctx, ids: Vec<i64>) -> Result<i64> {
    inbox::mark_read(ctx.store(), &ctx.session, &ids)?;
    ctx.api.events().inbox_changed();
    inbox::unread_count(ctx.store(), &ctx.session)
}

pub fn inbox_new(ctx: &Ctx, after_id: i64) -> Result<Vec<InboxItem>> {
    inbox::unread_since(ctx.store(), &ctx.session, after_id)
}
