//! Import on this desk: the file is chosen here (a dialog, or a path typed
//! into the wizard), read here and sent to the API — this PC's or the office
//! server's. Also the empty templates and the per-row results as CSV.

use std::path::{Path, PathBuf};

use orderdesk_core::domain::Lang;
use orderdesk_core::import::{self, FieldColumn, ImportKind, ImportReport, ImportSheet, Upload};
use orderdesk_core::jobs::JobStatus;
use orderdesk_core::{Error, ErrorKind, Msg};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::archive::export_target;
use crate::error::BridgeResult;
use crate::state::AppState;

/// Dry-run results sent to the window at most (refused ones first).
const DRY_RUN_ROWS: i64 = 2000;

fn read(path: &str) -> Result<Upload, Error> {
    let path = Path::new(path.trim());
    Upload::read(path).map_err(|e| {
        Error::with_source(
            orderdesk_core::ErrorKind::InvalidInput,
            Msg::ImportUnreadable {
                detail: format!("{}: {e}", path.display()),
            },
            e,
        )
    })
}

/// Asks for the file to import; None when the person cancelled.
#[tauri::command]
#[specta::specta]
pub async fn pick_import_file(app: AppHandle) -> BridgeResult<Option<String>> {
    let dialog = app
        .dialog()
        .file()
        .add_filter("CSV / Excel", &["csv", "txt", "xlsx", "xls"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()
        .and_then(|p| p.into_path().ok());
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}

#[tauri::command]
#[specta::specta]
pub async fn import_inspect_file(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
) -> BridgeResult<ImportSheet> {
    let file = read(&path).map_err(|e| state.fail(&e))?;
    let backend = state.backend()?;
    backend
        .import_inspect(kind, file)
        .await
        .map_err(|e| state.fail(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn import_dry_run_file(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    mapping: Vec<FieldColumn>,
) -> BridgeResult<ImportReport> {
    let file = read(&path).map_err(|e| state.fail(&e))?;
    let backend = state.backend()?;
    backend
        .import_dry_run(kind, file, mapping, Some(DRY_RUN_ROWS))
        .await
        .map_err(|e| state.fail(&e))
}

/// Makes the import job; `run_job` then runs it with progress.
#[tauri::command]
#[specta::specta]
pub async fn import_start_file(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    mapping: Vec<FieldColumn>,
) -> BridgeResult<JobStatus> {
    let file = read(&path).map_err(|e| state.fail(&e))?;
    let backend = state.backend()?;
    backend
        .import_start(kind, file, mapping)
        .await
        .map_err(|e| state.fail(&e))
}

fn write(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(target, bytes).map_err(|e| {
        Error::with_source(
            ErrorKind::Storage,
            Msg::CannotOpen {
                path: target.display().to_string(),
            },
            e,
        )
    })
}

/// Saves an empty template with the headers an import reads; the path
/// written, or None when the person cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_import_template(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: ImportKind,
    lang: Lang,
    xlsx: bool,
) -> BridgeResult<Option<String>> {
    let ext = if xlsx { "xlsx" } else { "csv" };
    let name = format!(
        "{}-{}.{ext}",
        lang.pick("导入模板", "import-template"),
        kind.code()
    );
    let Some(target) = export_target(&app, name, ext).await else {
        return Ok(None);
    };
    let bytes = import::template(kind, lang, xlsx).map_err(|e| state.fail(&e))?;
    write(&target, &bytes).map_err(|e| state.fail(&e))?;
    Ok(Some(target.to_string_lossy().into_owned()))
}

/// Every result of a job, page by page.
async fn all_results(
    backend: &orderdesk_client::Backend,
    job: &str,
) -> orderdesk_core::Result<Vec<orderdesk_core::jobs::ItemResult>> {
    let mut rows = Vec::new();
    loop {
        let page = backend
            .job_results(job.to_string(), String::new(), 10_000, rows.len() as i64)
            .await?;
        let last = page.len() < 10_000;
        rows.extend(page);
        if last {
            return Ok(rows);
        }
    }
}

/// Saves a job's result per row (an import's, or any bulk job's) as CSV.
#[tauri::command]
#[specta::specta]
pub async fn save_job_results(
    app: AppHandle,
    state: State<'_, AppState>,
    job: String,
) -> BridgeResult<Option<String>> {
    let backend = state.backend()?;
    let rows = all_results(&backend, &job)
        .await
        .map_err(|e| state.fail(&e))?;
    let lang = state.lang();
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M");
    let name = format!("{}-{stamp}.csv", lang.pick("处理结果", "results"));
    let Some(target): Option<PathBuf> = export_target(&app, name, "csv").await else {
        return Ok(None);
    };
    let bytes = import::results_csv(&rows, lang).map_err(|e| state.fail(&e))?;
    write(&target, &bytes).map_err(|e| state.fail(&e))?;
    Ok(Some(target.to_string_lossy().into_owned()))
}
