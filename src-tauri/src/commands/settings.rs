//! The settings a desk adds to: "backup now" (a save dialog on this PC; on the
//! server, into its own backups folder), restore (a backup from the list, or
//! a file chosen here) and the template preview (the rest of the settings
//! are generated).

use orderdesk_api::types::RestoreSource;
use orderdesk_core::backup::{BackupInfo, RestoreReport};
use orderdesk_core::domain::Lang;
use orderdesk_core::settings::{self, Template};
use serde::Deserialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::BridgeResult;
use crate::state::AppState;

/// Makes a verified online backup: where the person chooses on this PC, or
/// in the office server's backups folder. None when they cancelled the dialog.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(
    app: AppHandle,
    state: State<'_, AppState>,
) -> BridgeResult<Option<BackupInfo>> {
    let backend = state.backend()?;
    // On the office server the backup goes into its own folder: no path.
    let target = match backend.remote() {
        Some(_) => None,
        None => match backup_target(&app).await {
            Some(path) => Some(path),
            None => return Ok(None),
        },
    };
    let info = backend
        .backup_now(target)
        .await
        .map_err(|e| state.fail(&e))?;
    Ok(Some(info))
}

/// Where the person wants this PC's backup; None when they cancelled.
async fn backup_target(app: &AppHandle) -> Option<String> {
    let name = format!(
        "orderdesk-{}.db",
        chrono::Local::now().format("%Y%m%d-%H%M")
    );
    let dialog = app
        .dialog()
        .file()
        .add_filter("SQLite", &["db"])
        .set_file_name(&name);
    tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string())
}

/// Which backup to restore: one from the backups list, or a file the person
/// chooses on this PC.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum RestoreChoice {
    Backup { name: String },
    File,
}

/// Restores the database from a backup (administrators). A file chosen here
/// is opened in place on this PC, or sent whole to the office server. Every
/// session ends (the windows are told why); None when the person cancelled
/// the dialog.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    choice: RestoreChoice,
    recovery_key: Option<String>,
) -> BridgeResult<Option<RestoreReport>> {
    let backend = state.backend()?;
    let source = match choice {
        RestoreChoice::Backup { name } => RestoreSource::Backup { name },
        RestoreChoice::File => {
            let Some(path) = restore_source(&app).await else {
                return Ok(None);
            };
            RestoreSource::file(&path, backend.remote().is_some()).map_err(|e| state.fail(&e))?
        }
    };
    let report = backend
        .restore(source, recovery_key)
        .await
        .map_err(|e| state.fail(&e))?;
    Ok(Some(report))
}

/// The backup file the person chooses; None when they cancelled.
async fn restore_source(app: &AppHandle) -> Option<std::path::PathBuf> {
    let dialog = app.dialog().file().add_filter("SQLite", &["db", "sqlite"]);
    tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()
        .and_then(|p| p.into_path().ok())
}

/// A template with sample values filled in.
#[tauri::command]
#[specta::specta]
pub fn template_preview(template: Template, lang: Lang) -> Template {
    settings::preview_template(&template, lang)
}
