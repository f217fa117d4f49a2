//! Updates from the office server: a site without internet upgrades every
//! desk from one place. A desk connected to a server asks it for the release
//! its administrator published (`orderdesk-server publish-update`), through
//! the same pinned certificate as every call, and installs it only when its
//! signature matches the public key built into this app. The desk follows
//! its server: the server's release is offered whether it is newer or older
//! than the desk's, so that the two run the same version again.

use std::time::Duration;

use orderdesk_client::pin::{Trust, client_config};
use orderdesk_core::{Error, ErrorKind, Msg};
use tauri::{AppHandle, State};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::desk::DeskConfig;
use crate::error::BridgeResult;
use crate::state::AppState;

/// The public key (minisign, base64) updates are signed with, given when
/// the app is built (`ORDERDESK_UPDATE_PUBKEY`, the release workflow's
/// repository variable). A build without one never offers an update.
const PUBKEY: Option<&str> = option_env!("ORDERDESK_UPDATE_PUBKEY");

fn failed(detail: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        Msg::UpdateFailed {
            detail: detail.to_string(),
        },
    )
}

/// The server's published release for this desk, if there is one to install.
async fn server_release(app: &AppHandle, state: &AppState) -> Result<Option<Update>, Error> {
    let Some(pubkey) = PUBKEY.filter(|k| !k.trim().is_empty()) else {
        return Ok(None);
    };
    let Some(DeskConfig::Server {
        address,
        fingerprint,
    }) = state.config()
    else {
        return Ok(None);
    };
    let (tls, _) = client_config(Trust::Pinned(fingerprint)).map_err(failed)?;
    let manifest =
        url::Url::parse(&format!("https://{address}/updates/latest.json")).map_err(failed)?;
    let updater = app
        .updater_builder()
        .pubkey(pubkey)
        .endpoints(vec![manifest])
        .map_err(failed)?
        .configure_client(move |client| client.tls_backend_preconfigured(tls.clone()))
        .version_comparator(|current, release| release.version != current)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(failed)?;
    updater.check().await.map_err(failed)
}

/// The version the office server offers this desk, if any (None on this PC,
/// in a build without the update key, or when the server cannot say).
#[tauri::command]
#[specta::specta]
pub async fn server_update(
    app: AppHandle,
    state: State<'_, AppState>,
) -> BridgeResult<Option<String>> {
    match server_release(&app, &state).await {
        Ok(release) => Ok(release.map(|r| r.version)),
        Err(e) => {
            log::warn!("update check: {}", e.log_detail());
            Ok(None)
        }
    }
}

/// Downloads the server's release, checks its signature, installs it and
/// restarts the app (on Windows the installer closes the app itself).
#[tauri::command]
#[specta::specta]
pub async fn install_server_update(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    let release = server_release(&app, &state)
        .await
        .map_err(|e| state.fail(&e))?
        .ok_or_else(|| state.fail(&Error::new(ErrorKind::NotFound, Msg::NoServerUpdate)))?;
    log::info!("installing {} from the office server", release.version);
    release
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(|e| state.fail(&failed(e)))?;
    app.restart()
}
