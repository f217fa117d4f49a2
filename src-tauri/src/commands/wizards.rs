//! The cancel and reassign wizards' calls, and the approvals list.

use orderdesk_core::cancel::{self, CancelOutcome, CancelPreview, CancelRequest};
use orderdesk_core::domain::DepartmentId;
use orderdesk_core::reassign::{self, Candidates, ReassignOutcome, Target};
use orderdesk_core::search::Row;
use tauri::{AppHandle, State};

use super::changed;
use crate::error::BridgeResult;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn cancel_preview(
    state: State<'_, AppState>,
    number: String,
    reason: Option<String>,
    note: Option<String>,
) -> BridgeResult<CancelPreview> {
    state.with(|store, s| cancel::preview(store, s, &number, reason.as_deref(), note.as_deref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn cancel_order(
    app: AppHandle,
    state: State<'_, AppState>,
    request: CancelRequest,
) -> BridgeResult<CancelOutcome> {
    let out = state.with(|store, s| cancel::execute(store, s, &request))?;
    changed(&app, vec![out.number.clone()]);
    Ok(out)
}

#[tauri::command(async)]
#[specta::specta]
pub fn approve_cancel(
    app: AppHandle,
    state: State<'_, AppState>,
    number: String,
    version: i64,
) -> BridgeResult<CancelOutcome> {
    let out = state.with(|store, s| cancel::approve(store, s, &number, version))?;
    changed(&app, vec![number]);
    Ok(out)
}

#[tauri::command(async)]
#[specta::specta]
pub fn reject_cancel(
    app: AppHandle,
    state: State<'_, AppState>,
    number: String,
    version: i64,
    note: String,
) -> BridgeResult<i64> {
    let order = state.with(|store, s| cancel::reject(store, s, &number, version, &note))?;
    changed(&app, vec![number]);
    Ok(order.version)
}

#[tauri::command(async)]
#[specta::specta]
pub fn pending_approvals(state: State<'_, AppState>) -> BridgeResult<Vec<Row>> {
    state.with(cancel::pending)
}

#[tauri::command(async)]
#[specta::specta]
pub fn reassign_candidates(
    state: State<'_, AppState>,
    filter: Option<String>,
    department: Option<DepartmentId>,
) -> BridgeResult<Candidates> {
    state.with(|store, s| reassign::candidates(store, s, filter.as_deref(), department))
}

#[tauri::command(async)]
#[specta::specta]
pub fn reassign_order(
    app: AppHandle,
    state: State<'_, AppState>,
    number: String,
    version: i64,
    target: Target,
    note: Option<String>,
) -> BridgeResult<ReassignOutcome> {
    let out = state
        .with(|store, s| reassign::execute(store, s, &number, version, &target, note.as_deref()))?;
    changed(&app, vec![number]);
    Ok(out)
}
