//! The printed cancellation notice on this desk: the PDF (made once when the
//! notice was queued, or the one the cancel preview would queue) written to
//! `notices/` in the desk's data folder (the user's alone) and opened in the
//! system's PDF viewer, to print.

use std::path::{Path, PathBuf};

use orderdesk_core::Error;
use orderdesk_core::import::Upload;
use tauri::State;

use crate::error::BridgeResult;
use crate::state::AppState;

/// Where a notice opened here is written: one file per order in the data
/// folder's `notices/` (opened again, it is written again).
fn place(data: &Path, file: &Upload) -> PathBuf {
    let name: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    data.join("notices").join(name)
}

/// A notice written on this PC: where, and whether a viewer opened it.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct Printed {
    pub path: String,
    pub opened: bool,
}

/// Writes the PDF and asks the system to open it; the file's path either
/// way (with no viewer the person is told where it is).
fn write_and_open(data: &Path, file: &Upload) -> Result<Printed, Error> {
    let path = place(data, file);
    orderdesk_core::store::files::private_dir(&data.join("notices"))?;
    orderdesk_core::store::files::write_private(&path, &file.data)?;
    let opened = match open::that_detached(&path) {
        Ok(()) => true,
        Err(e) => {
            log::warn!("no PDF viewer opened {}: {e}", path.display());
            false
        }
    };
    Ok(Printed {
        path: path.to_string_lossy().into_owned(),
        opened,
    })
}

/// The cancellation notice of a cancelled order, opened to print.
#[tauri::command]
#[specta::specta]
pub async fn print_notice(state: State<'_, AppState>, number: String) -> BridgeResult<Printed> {
    let backend = state.backend()?;
    let file = backend
        .notice_pdf(number)
        .await
        .map_err(|e| state.fail(&e))?;
    write_and_open(&state.data, &file).map_err(|e| state.fail(&e))
}

/// The notice the cancel wizard previews, as the customer would get it.
#[tauri::command]
#[specta::specta]
pub async fn preview_notice(
    state: State<'_, AppState>,
    number: String,
    reason: Option<String>,
    note: Option<String>,
    customer_message: Option<String>,
) -> BridgeResult<Printed> {
    let backend = state.backend()?;
    let file = backend
        .cancel_preview_pdf(number, reason, note, customer_message)
        .await
        .map_err(|e| state.fail(&e))?;
    write_and_open(&state.data, &file).map_err(|e| state.fail(&e))
}
