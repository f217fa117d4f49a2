//! The inbox list (the rest of the inbox is generated).

use orderdesk_core::inbox::InboxItem;
use tauri::State;

use crate::error::BridgeResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn inbox_list(
    state: State<'_, AppState>,
    unread_only: bool,
) -> BridgeResult<Vec<InboxItem>> {
    let backend = state.backend()?;
    backend
        .inbox_list(unread_only, None)
        .await
        .map_err(|e| state.fail(&e))
}
