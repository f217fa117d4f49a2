//! The bridge: thin `#[tauri::command]`s, one file per area. Each takes the
//! state, calls one core function with the session, and converts the result.
//! All run off the main thread (`async`); long jobs in `spawn_blocking`.

pub mod archive;
pub mod inbox;
pub mod orders;
pub mod session;
pub mod settings;
pub mod wizards;

use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::OrdersChanged;

/// Tells every window that these orders changed.
pub(crate) fn changed(app: &AppHandle, numbers: Vec<String>) {
    if let Err(e) = (OrdersChanged { numbers }).emit(app) {
        log::warn!("emit orders-changed: {e}");
    }
}
