//! Desktop notifications: the app's side of the core's `NotificationSink`,
//! and a quiet loop that raises a notification for each new inbox item of
//! the logged-in user and tells the windows to refresh their badge.

use std::sync::atomic::Ordering;
use std::time::Duration;

use orderdesk_core::inbox;
use orderdesk_core::notify::NotificationSink;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::events::InboxChanged;
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

/// Looks for new notifications now; returns whether there were any.
pub fn check_now(app: &AppHandle) -> bool {
    let state = app.state::<AppState>();
    let (Ok(store), Some(session)) = (state.store(), state.current_session()) else {
        return false;
    };
    let after = state.last_shown.load(Ordering::SeqCst);
    match inbox::show_new(
        &store,
        &session,
        after,
        state.lang(),
        &DesktopSink(app.clone()),
    ) {
        Ok(newest) if newest > after => {
            state.last_shown.store(newest, Ordering::SeqCst);
            let unread = inbox::unread_count(&store, &session).unwrap_or(0);
            if let Err(e) = (InboxChanged { unread }).emit(app) {
                log::warn!("emit inbox-changed: {e}");
            }
            true
        }
        Ok(_) => false,
        Err(e) => {
            log::warn!("inbox check: {}", e.log_detail());
            false
        }
    }
}

/// Polls every two seconds, off the main thread, for the app's lifetime.
pub fn start(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(2));
            check_now(&app);
        }
    });
}
