//! Finding and reading orders; copy as new order; forward steps.

use orderdesk_core::detail::{self, CopyOutcome, OrderDetail};
use orderdesk_core::lifecycle::{self, Step};
use orderdesk_core::search::{self, Row, SearchPage, SearchQuery};
use orderdesk_core::settings;
use orderdesk_core::store::settings::Reason;
use orderdesk_core::store::users::Department;
use tauri::{AppHandle, State};

use super::changed;
use crate::error::BridgeResult;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn search_orders(state: State<'_, AppState>, query: SearchQuery) -> BridgeResult<SearchPage> {
    state.with(|store, s| search::search(store, s, &query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn order_detail(state: State<'_, AppState>, number: String) -> BridgeResult<OrderDetail> {
    state.with(|store, s| detail::get(store, s, &number))
}

#[tauri::command(async)]
#[specta::specta]
pub fn watching(state: State<'_, AppState>) -> BridgeResult<Vec<Row>> {
    state.with(detail::watching)
}

#[tauri::command(async)]
#[specta::specta]
pub fn copy_order(
    app: AppHandle,
    state: State<'_, AppState>,
    number: String,
) -> BridgeResult<CopyOutcome> {
    let out = state.with(|store, s| detail::copy(store, s, &number))?;
    changed(&app, vec![out.number.clone(), out.source.clone()]);
    Ok(out)
}

#[tauri::command(async)]
#[specta::specta]
pub fn advance_order(
    app: AppHandle,
    state: State<'_, AppState>,
    number: String,
    version: i64,
    step: Step,
) -> BridgeResult<i64> {
    let order = state.with(|store, s| lifecycle::advance(store, s, &number, version, step))?;
    changed(&app, vec![number]);
    Ok(order.version)
}

#[tauri::command(async)]
#[specta::specta]
pub fn reasons(state: State<'_, AppState>) -> BridgeResult<Vec<Reason>> {
    state.with(|store, _| settings::reasons(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn departments(state: State<'_, AppState>) -> BridgeResult<Vec<Department>> {
    state.with(|store, _| orderdesk_core::reassign::departments(store))
}
