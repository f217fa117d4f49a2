//! Choosing how this desk works: this PC only, or connected to the office
//! server (found on the LAN or typed, its fingerprint compared once by a
//! person and then pinned).

use std::time::Duration;

use orderdesk_client::{Found, Probe, Remote};
use tauri::{AppHandle, State};

use crate::desk::DeskConfig;
use crate::error::BridgeResult;
use crate::state::{AppState, Link};

/// How long the search for servers on the LAN listens.
const DISCOVERY: Duration = Duration::from_millis(2500);

#[tauri::command]
#[specta::specta]
pub fn connection_status(state: State<'_, AppState>) -> Link {
    state.link()
}

/// Office servers that answer on the LAN.
#[tauri::command]
#[specta::specta]
pub async fn discover_servers() -> BridgeResult<Vec<Found>> {
    Ok(tauri::async_runtime::spawn_blocking(|| {
        let only = std::env::var("ORDERDESK_MDNS_INTERFACE").ok();
        orderdesk_client::discover(DISCOVERY, only)
    })
    .await
    .unwrap_or_default())
}

/// A first look at a server: its fingerprint, for the person to compare
/// with what the server printed, before anything is trusted.
#[tauri::command]
#[specta::specta]
pub async fn probe_server(state: State<'_, AppState>, address: String) -> BridgeResult<Probe> {
    orderdesk_client::probe(&address)
        .await
        .map_err(|e| state.fail(&e))
}

/// Pins `fingerprint` for the server at `address` and connects this desk to
/// it (after checking that it presents exactly that certificate).
#[tauri::command]
#[specta::specta]
pub async fn connect_server(
    app: AppHandle,
    state: State<'_, AppState>,
    address: String,
    fingerprint: String,
) -> BridgeResult<()> {
    let remote = Remote::new(&address, &fingerprint).map_err(|e| state.fail(&e))?;
    remote.hello().await.map_err(|e| state.fail(&e))?;
    super::session::end_session(&app, &state).await;
    let config = DeskConfig::Server {
        address: remote.address().to_string(),
        fingerprint: remote.fingerprint().to_string(),
    };
    state.switch(config).map_err(|e| state.fail(&e))
}

/// Back to this PC's own database (kept as it was).
#[tauri::command]
#[specta::specta]
pub async fn use_this_pc(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    super::session::end_session(&app, &state).await;
    state.switch(DeskConfig::ThisPc).map_err(|e| state.fail(&e))
}
