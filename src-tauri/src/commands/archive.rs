//! Running bulk jobs with progress, the archive window, and the export of the
//! archive to a file on this desk (the rest of the jobs and the analytics
//! are generated).

use std::sync::atomic::Ordering;

use orderdesk_core::auth;
use orderdesk_core::export::{self, ExportReport, Format};
use orderdesk_core::jobs::JobStatus;
use orderdesk_core::search::SearchQuery;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_dialog::DialogExt;

use crate::error::BridgeResult;
use crate::events::{ExportProgress, emit};
use crate::state::AppState;

/// The id `stop_job` takes for the export (which is not a job of the API).
const EXPORT: &str = "export";

/// Runs (or resumes) a job to its end or until `stop_job`; `JobProgress`
/// arrives after every batch (from this process, or from the server).
#[tauri::command]
#[specta::specta]
pub async fn run_job(state: State<'_, AppState>, job: String) -> BridgeResult<JobStatus> {
    let backend = state.backend()?;
    backend.run_job(job, None).await.map_err(|e| state.fail(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn stop_job(state: State<'_, AppState>, job: String) -> BridgeResult<()> {
    if job == EXPORT {
        state.export_stop.store(true, Ordering::SeqCst);
        return Ok(());
    }
    let backend = state.backend()?;
    backend.stop_job(job).await.map_err(|e| state.fail(&e))
}

/// Opens (or focuses) the archive window. Managers and administrators only,
/// as the core says now.
#[tauri::command]
#[specta::specta]
pub async fn open_archive_window(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<()> {
    let me = state.backend()?.me().await.map_err(|e| state.fail(&e))?;
    auth::require_manager(&me).map_err(|e| state.fail(&e))?;
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

/// Where to write an export: the person chooses (or, for tests,
/// `ORDERDESK_EXPORT_DIR`); None when they cancelled.
pub(crate) async fn export_target(
    app: &AppHandle,
    name: String,
    ext: &'static str,
) -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("ORDERDESK_EXPORT_DIR") {
        return Some(std::path::PathBuf::from(dir).join(name));
    }
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

/// The file name an export suggests: "archive-20261202-0930.xlsx".
fn export_name(lang: orderdesk_core::domain::Lang, format: Format) -> (String, &'static str) {
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M");
    (
        format!("{}-{stamp}.{ext}", lang.pick("归档订单", "archive")),
        ext,
    )
}

/// Writes the export off the async threads, the pages coming from the backend.
async fn write_export(
    app: AppHandle,
    backend: std::sync::Arc<orderdesk_client::Backend>,
    query: SearchQuery,
    format: Format,
    lang: orderdesk_core::domain::Lang,
    target: std::path::PathBuf,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> orderdesk_core::Result<ExportReport> {
    let reasons = backend.reasons().await?;
    // The export carries the audit logs' checkpoint of this moment.
    let checkpoint = backend.audit_checkpoint().await?;
    stop.store(false, Ordering::SeqCst);
    tauri::async_runtime::spawn_blocking(move || {
        let mut pages =
            |q: &SearchQuery| tauri::async_runtime::block_on(backend.search_orders(q.clone()));
        let mut progress = |done, total| {
            emit(&app, ExportProgress { done, total });
            !stop.load(Ordering::SeqCst)
        };
        export::write(
            &reasons,
            &mut pages,
            &query,
            format,
            lang,
            &target,
            Some(&checkpoint),
            &mut progress,
        )
    })
    .await
    .unwrap_or_else(|e| Err(orderdesk_core::Error::internal(e.to_string())))
}

/// Exports the archive under `query` to a file on this desk, page by page
/// (from this PC's file or the server alike); emits `ExportProgress`;
/// `stop_job("export")` stops it.
#[tauri::command]
#[specta::specta]
pub async fn export_archive(
    app: AppHandle,
    state: State<'_, AppState>,
    query: SearchQuery,
    format: Format,
) -> BridgeResult<ExportReport> {
    let backend = state.backend()?;
    let me = backend.me().await.map_err(|e| state.fail(&e))?;
    auth::require_manager(&me).map_err(|e| state.fail(&e))?;
    let (name, ext) = export_name(state.lang(), format);
    let Some(target) = export_target(&app, name, ext).await else {
        return Ok(ExportReport {
            rows: 0,
            path: String::new(),
            complete: false,
        });
    };
    let stop = state.export_stop.clone();
    write_export(app, backend, query, format, state.lang(), target, stop)
        .await
        .map_err(|e| state.fail(&e))
}
