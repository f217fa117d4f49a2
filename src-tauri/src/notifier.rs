//! Desktop notifications for the logged-in user of this desk: the app's
//! side of the core's `NotificationSink`. On this PC a quiet loop (and every
//! change made here) looks for new inbox items; when connected, the server
//! pushes them ([`crate::live`]). Either way the windows are told to refresh
//! their badge.

use std::sync::atomic::Ordering;
use std::time::Duration;

use orderdesk_core::inbox::{self, InboxItem};
use orderdesk_core::notify::NotificationSink;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::events::{InboxChanged, emit};
use crate::state::AppState;

pub struct DesktopSink(pub AppHandle);

impl NotificationSink for DesktopSink {
    fn show(&self, title: &str, body: &str) {
        if let Err(e) = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            log::warn!("desktop notification failed: {e}");
        }
    }
}

/// Shows `items` (newest first) on the desktop, once each.
pub fn show(app: &AppHandle, items: &[InboxItem]) {
    let state = app.state::<AppState>();
    let after = state.last_shown.load(Ordering::SeqCst);
    let fresh: Vec<InboxItem> = items.iter().filter(|i| i.id > after).cloned().collect();
    if let Some(newest) = fresh.iter().map(|i| i.id).max() {
        state.last_shown.fetch_max(newest, Ordering::SeqCst);
        inbox::show(&fresh, state.lang(), &DesktopSink(app.clone()));
    }
}

/// Looks for new notifications now and refreshes the badge.
pub async fn check_now(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Ok(backend) = state.backend() else { return };
    if backend.token().is_none() {
        return;
    }
    let after = state.last_shown.load(Ordering::SeqCst);
    match backend.inbox_new(after).await {
        Ok(items) => show(app, &items),
        Err(e) => log::warn!("inbox check: {}", e.log_detail()),
    }
    if let Ok(unread) = backend.inbox_unread_count().await {
        emit(app, InboxChanged { unread });
    }
}

/// On this PC: looks every two seconds (changes made by the CLI on the same
/// file appear this way), for the app's lifetime.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let state = app.state::<AppState>();
            let local = state.backend().is_ok_and(|b| b.local().is_some());
            if local {
                check_now(&app).await;
            }
        }
    });
}
