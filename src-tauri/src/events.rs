//! Events the backend emits; the UI refreshes from them rather than guessing.

use orderdesk_core::jobs::JobStatus;
use serde::{Deserialize, Serialize};

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
