//! Events the backend emits; the UI refreshes from them rather than guessing.
//! On this PC they come from the API in this process ([`ShellEvents`]); when
//! connected, from the server's event socket ([`crate::live`]).

use orderdesk_core::auth::Token;
use orderdesk_core::jobs::JobStatus;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;

use crate::state::Link;

/// Orders changed (by this window or another): lists and details reload.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OrdersChanged {
    pub numbers: Vec<String>,
}

/// New or read notifications: the unread badge reloads.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InboxChanged {
    pub unread: i64,
}

/// A bulk job finished a batch.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct JobProgress {
    pub status: JobStatus,
}

/// An administrator changed a setting: screens that show it reload.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged {
    pub what: String,
}

/// An export wrote another page.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ExportProgress {
    pub done: i64,
    pub total: i64,
}

/// The link to the office server changed (connected, reconnecting…).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ConnectionChanged {
    pub link: Link,
}

/// The session is over (disabled, locked, logged out elsewhere): the window
/// asks for the password again.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SessionEnded {
    /// Why, in the user's language.
    pub message: String,
    /// The core's message id (`session_locked`, `account_disabled`, …).
    pub reason: String,
}

pub fn emit<E: tauri_specta::Event + Serialize + Clone>(app: &AppHandle, event: E) {
    if let Err(e) = event.emit(app) {
        log::warn!("emit {}: {e}", E::NAME);
    }
}

/// The API's events on this PC, as Tauri events for the windows.
pub struct ShellEvents(pub AppHandle);

impl orderdesk_api::Events for ShellEvents {
    fn orders_changed(&self, numbers: &[String]) {
        emit(
            &self.0,
            OrdersChanged {
                numbers: numbers.to_vec(),
            },
        );
    }

    fn inbox_changed(&self) {
        let app = self.0.clone();
        tauri::async_runtime::spawn(async move { crate::notifier::check_now(&app).await });
    }

    fn job_progress(&self, _token: &Token, status: &JobStatus) {
        emit(
            &self.0,
            JobProgress {
                status: status.clone(),
            },
        );
    }

    fn settings_changed(&self, what: &str) {
        emit(
            &self.0,
            SettingsChanged {
                what: what.to_string(),
            },
        );
    }

    fn sessions_ended(&self, msg: &orderdesk_core::Msg) {
        let state = tauri::Manager::state::<crate::state::AppState>(&self.0);
        emit(
            &self.0,
            SessionEnded {
                message: msg.text(state.lang()),
                reason: crate::live::msg_id(msg),
            },
        );
    }
}
