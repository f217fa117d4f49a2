//! First start, logging in and out, the idle lock, the language.

use orderdesk_core::auth::Session;
use orderdesk_core::domain::Lang;
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::desk::DeskConfig;
use crate::error::BridgeResult;
use crate::state::AppState;
use crate::{live, notifier};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SetupStatus {
    /// The database (or the server) answered; otherwise `error` says why.
    pub ok: bool,
    pub error: Option<String>,
    /// No users yet: offer demo data or a first administrator.
    pub empty: bool,
    /// The database holds the demo data: the login page may name its users.
    pub demo: bool,
    pub db_path: String,
    pub session: Option<Session>,
    pub lang: Lang,
    /// How this desk works; None at first start (nobody chose yet).
    pub desk: Option<DeskConfig>,
    /// This PC's database is encrypted and this PC lacks its key: the
    /// recovery key opens it (`unlock_database`).
    pub needs_key: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn setup_status(state: State<'_, AppState>) -> BridgeResult<SetupStatus> {
    let found = match state.backend() {
        Ok(backend) => backend.setup_state().await.map_err(|e| state.fail(&e)),
        Err(e) => Err(e),
    };
    let (setup, error) = match found {
        Ok(s) => (s, None),
        Err(e) => (
            orderdesk_api::types::SetupState {
                empty: false,
                demo: false,
                db_path: String::new(),
            },
            Some(e.message),
        ),
    };
    Ok(SetupStatus {
        ok: error.is_none(),
        error,
        empty: setup.empty,
        demo: setup.demo,
        db_path: setup.db_path,
        session: state.current_session(),
        lang: state.lang(),
        desk: state.config(),
        needs_key: state.needs_key(),
    })
}

/// Opens this PC's encrypted database with the recovery key from paper (a
/// new keychain, or the file brought from another PC), and keeps the key
/// in the keychain from now on.
#[tauri::command]
#[specta::specta]
pub fn unlock_database(state: State<'_, AppState>, recovery_key: String) -> BridgeResult<()> {
    let key =
        orderdesk_core::cipher::DbKey::from_recovery(&recovery_key).map_err(|e| state.fail(&e))?;
    state.unlock(key).map_err(|e| state.fail(&e))
}

/// Keeps the session's token and starts what follows a login.
fn logged_in(
    app: &AppHandle,
    state: &AppState,
    reply: orderdesk_api::types::LoginReply,
) -> BridgeResult<Session> {
    let backend = state.backend()?;
    backend.set_token(Some(reply.token));
    state.set_session(Some(reply.session.clone()));
    if backend.remote().is_some() {
        live::start(app);
    } else {
        // Unread notifications that arrived while away appear on the desktop now.
        let app = app.clone();
        tauri::async_runtime::spawn(async move { notifier::check_now(&app).await });
    }
    Ok(reply.session)
}

/// `ORDERDESK_LOGIN` and `ORDERDESK_PASSWORD` log a desk in at start (for
/// trying several desks on one PC, `cargo xtask office`); unset, nothing.
pub async fn log_in_from_env(app: AppHandle) {
    let (Ok(login), Ok(password)) = (
        std::env::var("ORDERDESK_LOGIN"),
        std::env::var("ORDERDESK_PASSWORD"),
    ) else {
        return;
    };
    let state = tauri::Manager::state::<AppState>(&app);
    let Ok(backend) = state.backend() else { return };
    match backend.login(login, password).await {
        Ok(reply) => {
            let _ = logged_in(&app, &state, reply);
        }
        Err(e) => log::warn!("login from the environment: {}", e.log_detail()),
    }
}

/// Creates the first administrator of an empty database and logs them in.
#[tauri::command]
#[specta::specta]
pub async fn create_first_admin(
    app: AppHandle,
    state: State<'_, AppState>,
    login: String,
    display_name: String,
    password: String,
) -> BridgeResult<Session> {
    let backend = state.backend()?;
    let reply = backend
        .create_first_admin(login, display_name, password)
        .await
        .map_err(|e| state.fail(&e))?;
    logged_in(&app, &state, reply)
}

/// Logs in (also: unlocks a locked window, as the same person).
#[tauri::command]
#[specta::specta]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> BridgeResult<Session> {
    let backend = state.backend()?;
    let reply = backend
        .login(login, password)
        .await
        .map_err(|e| state.fail(&e))?;
    logged_in(&app, &state, reply)
}

/// Ends the session on this desk and, when connected, on the server. The
/// archive window shows what only the session may see: it closes too.
pub(crate) async fn end_session(app: &AppHandle, state: &AppState) {
    live::stop(app);
    if let Some(archive) = tauri::Manager::get_webview_window(app, "archive") {
        let _ = archive.close();
    }
    if let Ok(backend) = state.backend() {
        if backend.token().is_some() {
            let _ = backend.logout().await;
        }
        backend.set_token(None);
        if backend.remote().is_some() {
            state.set_link(crate::state::LinkState::Idle, None);
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn logout(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    end_session(&app, &state).await;
    state.set_session(None);
    Ok(())
}

/// The window locked after the idle time: the session ends (on the server
/// too), the window keeps what it shows and asks for the password.
#[tauri::command]
#[specta::specta]
pub async fn lock_session(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    end_session(&app, &state).await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn set_language(state: State<'_, AppState>, lang: Lang) {
    state.set_lang(lang);
}
