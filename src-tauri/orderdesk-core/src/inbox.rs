//! A person's inbox (notifications about orders) and the customer outbox.

use serde::{Deserialize, Serialize};

use crate::auth::Session;
use crate::domain::Lang;
use crate::error::Result;
use crate::notify::{self, NotificationSink};
use crate::store::{self, Store};

/// An inbox item with its text in both languages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxItem {
    pub id: i64,
    pub event: String,
    pub order_number: Option<String>,
    pub order_count: i64,
    pub actor: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub read: bool,
    pub title_zh: String,
    pub body_zh: String,
    pub title_en: String,
    pub body_en: String,
}

fn item(n: store::inbox::Notification) -> InboxItem {
    let (title_zh, body_zh) = notify::render(&n, Lang::ZhCn);
    let (title_en, body_en) = notify::render(&n, Lang::En);
    InboxItem {
        id: n.id,
        event: n.event,
        order_number: n.order_number,
        order_count: n.order_count,
        actor: n.actor_login,
        reason: n.reason_code,
        note: n.note,
        created_at: n.created_at,
        read: n.read_at.is_some(),
        title_zh,
        body_zh,
        title_en,
        body_en,
    }
}

pub fn list(store: &Store, s: &Session, unread_only: bool, limit: i64) -> Result<Vec<InboxItem>> {
    let limit = limit.clamp(1, 500);
    store.read(|c| {
        Ok(store::inbox::for_user(c, s.user_id, unread_only, 0, limit)?
            .into_iter()
            .map(item)
            .collect())
    })
}

pub fn unread_count(store: &Store, s: &Session) -> Result<i64> {
    store.read(|c| store::inbox::unread_count(c, s.user_id))
}

/// Marks items read (all of them when `ids` is empty); returns how many changed.
pub fn mark_read(store: &Store, s: &Session, ids: &[i64]) -> Result<usize> {
    let at = store::stamp(store.now());
    store.write(|tx| store::inbox::mark_read(tx, s.user_id, ids, &at))
}

/// Most desktop notifications raised at once; more are summed up in one.
const MAX_SHOWN: usize = 3;

/// Unread notifications of `s` newer than `after_id`, newest first: what a
/// desk has not shown on its desktop yet.
pub fn unread_since(store: &Store, s: &Session, after_id: i64) -> Result<Vec<InboxItem>> {
    store.read(|c| {
        Ok(store::inbox::for_user(c, s.user_id, true, after_id, 100)?
            .into_iter()
            .map(item)
            .collect())
    })
}

/// Raises a desktop notification for each of `fresh` (newest first): a few
/// at most, then one summary of the rest.
pub fn show(fresh: &[InboxItem], lang: Lang, sink: &dyn NotificationSink) {
    for n in fresh.iter().take(MAX_SHOWN).rev() {
        sink.show(
            lang.pick(&n.title_zh, &n.title_en),
            lang.pick(&n.body_zh, &n.body_en),
        );
    }
    if fresh.len() > MAX_SHOWN {
        let more = fresh.len() - MAX_SHOWN;
        let body = match lang {
            Lang::ZhCn => format!("另有 {more} 条新通知"),
            Lang::En => format!("{more} more new notifications"),
        };
        sink.show("OrderDesk", &body);
    }
}
