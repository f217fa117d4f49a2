//! Logging in and out, language, first start.

use orderdesk_core::auth::{self, Session};
use orderdesk_core::domain::Lang;
use orderdesk_core::seed::{self, SeedOptions, SeedReport};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::BridgeResult;
use crate::notifier;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SetupStatus {
    /// The database opened; otherwise `error` says why.
    pub ok: bool,
    pub error: Option<String>,
    /// No users yet: offer demo data or a first administrator.
    pub empty: bool,
    pub db_path: String,
    pub session: Option<Session>,
    pub lang: Lang,
}

#[tauri::command(async)]
#[specta::specta]
pub fn setup_status(state: State<'_, AppState>) -> BridgeResult<SetupStatus> {
    let lang = state.lang();
    if let Some(error) = state.open_error() {
        return Ok(SetupStatus {
            ok: false,
            error: Some(error),
            empty: false,
            db_path: String::new(),
            session: None,
            lang,
        });
    }
    let store = state.store()?;
    Ok(SetupStatus {
        ok: true,
        error: None,
        empty: auth::is_empty(&store).map_err(|e| state.fail(&e))?,
        db_path: store.path().display().to_string(),
        session: state.current_session(),
        lang,
    })
}

/// Fills an empty database with the demo data (first start).
#[tauri::command(async)]
#[specta::specta]
pub fn load_demo_data(state: State<'_, AppState>) -> BridgeResult<SeedReport> {
    let store = state.store()?;
    let opts = SeedOptions {
        orders: 20_000,
        seed: 1,
        anchor: chrono::Local::now().date_naive(),
    };
    seed::seed(&store, &opts).map_err(|e| state.fail(&e))
}

/// Creates the first administrator of an empty database and logs them in.
#[tauri::command(async)]
#[specta::specta]
pub fn create_first_admin(
    state: State<'_, AppState>,
    login: String,
    display_name: String,
    password: String,
) -> BridgeResult<Session> {
    let store = state.store()?;
    let session = auth::create_first_admin(&store, &login, &display_name, &password)
        .map_err(|e| state.fail(&e))?;
    state.set_session(Some(session.clone()));
    Ok(session)
}

#[tauri::command(async)]
#[specta::specta]
pub fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> BridgeResult<Session> {
    let store = state.store()?;
    let session = auth::login(&store, &login, &password).map_err(|e| state.fail(&e))?;
    state.set_session(Some(session.clone()));
    // Unread notifications that arrived while away appear on the desktop now.
    notifier::check_now(&app);
    Ok(session)
}

#[tauri::command(async)]
#[specta::specta]
pub fn logout(state: State<'_, AppState>) {
    state.set_session(None);
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_language(state: State<'_, AppState>, lang: Lang) {
    state.set_lang(lang);
}
