//! Bulk jobs (archive, and reassign over a selection): preview, start, run
//! with progress events, stop, results. Opening the archive window.

use std::sync::atomic::Ordering;

use orderdesk_core::auth;
use orderdesk_core::jobs::{self, ArchivePreview, ItemResult, JobKind, JobStatus, Selection};
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};
use tauri_specta::Event;

use super::changed;
use crate::error::BridgeResult;
use crate::events::JobProgress;
use crate::state::AppState;

/// Orders per batch in the app: a progress step every few tenths of a second.
const UI_BATCH: usize = 2500;

#[tauri::command(async)]
#[specta::specta]
pub fn archive_preview(
    state: State<'_, AppState>,
    selection: Selection,
) -> BridgeResult<ArchivePreview> {
    state.with(|store, s| jobs::archive_preview(store, s, &selection))
}

#[tauri::command(async)]
#[specta::specta]
pub fn start_job(
    state: State<'_, AppState>,
    kind: JobKind,
    selection: Selection,
) -> BridgeResult<JobStatus> {
    state.with(|store, s| jobs::create(store, s, &kind, &selection))
}

/// Runs (or resumes) a job to its end or until `stop_job`; emits
/// `JobProgress` after every batch.
#[tauri::command(async)]
#[specta::specta]
pub async fn run_job(
    app: AppHandle,
    state: State<'_, AppState>,
    job: String,
) -> BridgeResult<JobStatus> {
    let store = state.store()?;
    let session = state.session()?;
    let stop = state.stop_flag(&job);
    stop.store(false, Ordering::SeqCst);
    let lang = state.lang();
    let emitter = app.clone();
    let id = job.clone();
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        jobs::run(&store, &session, &id, UI_BATCH, &mut |status| {
            if let Err(e) = (JobProgress {
                status: status.clone(),
            })
            .emit(&emitter)
            {
                log::warn!("emit job-progress: {e}");
            }
            !stop.load(Ordering::SeqCst)
        })
    })
    .await;
    state.forget_job(&job);
    let status = match outcome {
        Ok(result) => result.map_err(|e| crate::error::BridgeError::from_core(&e, lang))?,
        Err(e) => return Err(state.fail(&orderdesk_core::Error::internal(e.to_string()))),
    };
    changed(&app, Vec::new());
    Ok(status)
}

#[tauri::command(async)]
#[specta::specta]
pub fn stop_job(state: State<'_, AppState>, job: String) {
    state.stop_flag(&job).store(true, Ordering::SeqCst);
}

#[tauri::command(async)]
#[specta::specta]
pub fn job_results(
    state: State<'_, AppState>,
    job: String,
    only: String,
    limit: i64,
    offset: i64,
) -> BridgeResult<Vec<ItemResult>> {
    state.with(|store, s| jobs::results(store, s, &job, &only, limit, offset))
}

/// Opens (or focuses) the archive window. Managers and administrators only:
/// the core decides.
#[tauri::command(async)]
#[specta::specta]
pub fn open_archive_window(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    let session = state.session()?;
    auth::require_manager(&session).map_err(|e| state.fail(&e))?;
    if let Some(window) = app.get_webview_window("archive") {
        let _ = window.unminimize();
        let _ = window.set_focus();
        return Ok(());
    }
    let title = state.lang().pick("OrderDesk 归档", "OrderDesk Archive");
    WebviewWindowBuilder::new(&app, "archive", WebviewUrl::App("index.html".into()))
        .title(title)
        .inner_size(1200.0, 760.0)
        .min_inner_size(900.0, 560.0)
        .build()
        .map_err(|e| state.fail(&orderdesk_core::Error::internal(e.to_string())))?;
    Ok(())
}

/// Cancellation analytics over the archive.
#[tauri::command(async)]
#[specta::specta]
pub fn analytics(
    state: State<'_, AppState>,
    by: orderdesk_core::analytics::Dimension,
    filter: orderdesk_core::analytics::ReportFilter,
) -> BridgeResult<orderdesk_core::analytics::Report> {
    state.with(|store, s| orderdesk_core::analytics::cancellations(store, s, by, &filter))
}

/// Exports the archive under `query` to a file the person chooses (or, for
/// tests, into `ORDERDESK_EXPORT_DIR`); emits `ExportProgress`; `stop_job`
/// with the id "export" stops it.
#[tauri::command(async)]
#[specta::specta]
pub async fn export_archive(
    app: AppHandle,
    state: State<'_, AppState>,
    query: orderdesk_core::search::SearchQuery,
    format: orderdesk_core::export::Format,
) -> BridgeResult<orderdesk_core::export::ExportReport> {
    use orderdesk_core::export::{self, ExportReport, Format};
    use tauri_plugin_dialog::DialogExt;

    let store = state.store()?;
    let session = state.session()?;
    auth::require_manager(&session).map_err(|e| state.fail(&e))?;
    let lang = state.lang();
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let name = format!(
        "{}-{}.{ext}",
        lang.pick("归档订单", "archive"),
        chrono::Local::now().format("%Y%m%d-%H%M")
    );
    let target = match std::env::var_os("ORDERDESK_EXPORT_DIR") {
        Some(dir) => Some(std::path::PathBuf::from(dir).join(&name)),
        None => {
            let dialog = app
                .dialog()
                .file()
                .add_filter(ext.to_uppercase(), &[ext])
                .set_file_name(&name);
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .ok()
                .flatten()
                .and_then(|p| p.into_path().ok())
        }
    };
    let Some(target) = target else {
        return Ok(ExportReport {
            rows: 0,
            path: String::new(),
            complete: false,
        });
    };
    let stop = state.stop_flag("export");
    stop.store(false, Ordering::SeqCst);
    let emitter = app.clone();
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        export::archive(
            &store,
            &session,
            &query,
            format,
            lang,
            &target,
            &mut |done, total| {
                let _ = (crate::events::ExportProgress { done, total }).emit(&emitter);
                !stop.load(Ordering::SeqCst)
            },
        )
    })
    .await;
    match outcome {
        Ok(result) => result.map_err(|e| crate::error::BridgeError::from_core(&e, lang)),
        Err(e) => Err(state.fail(&orderdesk_core::Error::internal(e.to_string()))),
    }
}
