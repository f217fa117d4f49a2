//! The inbox: list, unread count, mark read.

use orderdesk_core::inbox::{self, InboxItem};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::BridgeResult;
use crate::events::InboxChanged;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn inbox_list(state: State<'_, AppState>, unread_only: bool) -> BridgeResult<Vec<InboxItem>> {
    state.with(|store, s| inbox::list(store, s, unread_only, 200))
}

#[tauri::command(async)]
#[specta::specta]
pub fn inbox_unread_count(state: State<'_, AppState>) -> BridgeResult<i64> {
    state.with(inbox::unread_count)
}

/// Marks items read (all when `ids` is empty).
#[tauri::command(async)]
#[specta::specta]
pub fn inbox_mark_read(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<i64>,
) -> BridgeResult<i64> {
    let unread = state.with(|store, s| {
        inbox::mark_read(store, s, &ids)?;
        inbox::unread_count(store, s)
    })?;
    if let Err(e) = (InboxChanged { unread }).emit(&app) {
        log::warn!("emit inbox-changed: {e}");
    }
    Ok(unread)
}
