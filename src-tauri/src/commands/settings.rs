//! The administrator's settings: users, departments, reasons, approval and
//! notification rules, customer templates, backups, and the settings log.
//! Every change tells all windows (`SettingsChanged`).

use orderdesk_core::admin::{self, NewUser, UserChange, UserRow};
use orderdesk_core::backup::{self, BackupInfo};
use orderdesk_core::domain::{DepartmentId, Lang, UserId};
use orderdesk_core::settings::{
    self, ApprovalRules, CustomerTemplates, NotificationRules, Template,
};
use orderdesk_core::store::settings::{Reason, SettingsEvent};
use orderdesk_core::store::users::Department;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::Event;

use crate::error::BridgeResult;
use crate::events::SettingsChanged;
use crate::state::AppState;

fn changed(app: &AppHandle, what: &str) {
    if let Err(e) = (SettingsChanged {
        what: what.to_string(),
    })
    .emit(app)
    {
        log::warn!("emit settings-changed: {e}");
    }
}

/// Where automatic backups go: `backups/` beside the database.
pub fn backup_dir(state: &AppState) -> Option<std::path::PathBuf> {
    let store = state.store().ok()?;
    Some(store.path().parent()?.join("backups"))
}

#[tauri::command(async)]
#[specta::specta]
pub fn users_list(state: State<'_, AppState>) -> BridgeResult<Vec<UserRow>> {
    state.with(admin::users)
}

#[tauri::command(async)]
#[specta::specta]
pub fn user_create(
    app: AppHandle,
    state: State<'_, AppState>,
    user: NewUser,
) -> BridgeResult<UserId> {
    let id = state.with(|store, s| admin::create_user(store, s, &user))?;
    changed(&app, "users");
    Ok(id)
}

#[tauri::command(async)]
#[specta::specta]
pub fn user_update(
    app: AppHandle,
    state: State<'_, AppState>,
    change: UserChange,
) -> BridgeResult<()> {
    state.with(|store, s| admin::update_user(store, s, &change))?;
    changed(&app, "users");
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn user_reset_password(
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> BridgeResult<()> {
    state.with(|store, s| admin::reset_password(store, s, &login, &password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn department_create(
    app: AppHandle,
    state: State<'_, AppState>,
    name_zh: String,
    name_en: String,
) -> BridgeResult<DepartmentId> {
    let id = state.with(|store, s| admin::create_department(store, s, &name_zh, &name_en))?;
    changed(&app, "departments");
    Ok(id)
}

#[tauri::command(async)]
#[specta::specta]
pub fn department_rename(
    app: AppHandle,
    state: State<'_, AppState>,
    id: DepartmentId,
    name_zh: String,
    name_en: String,
) -> BridgeResult<Department> {
    let d = state.with(|store, s| admin::rename_department(store, s, id, &name_zh, &name_en))?;
    changed(&app, "departments");
    Ok(d)
}

#[tauri::command(async)]
#[specta::specta]
pub fn reason_save(app: AppHandle, state: State<'_, AppState>, reason: Reason) -> BridgeResult<()> {
    state.with(|store, s| settings::save_reason(store, s, &reason))?;
    changed(&app, "reasons");
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn approval_rules(state: State<'_, AppState>) -> BridgeResult<ApprovalRules> {
    state.with(|store, _| settings::approval_rules(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn approval_rules_set(
    app: AppHandle,
    state: State<'_, AppState>,
    rules: ApprovalRules,
) -> BridgeResult<()> {
    state.with(|store, s| settings::set_approval_rules(store, s, &rules))?;
    changed(&app, "approval_rules");
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn notification_rules(state: State<'_, AppState>) -> BridgeResult<NotificationRules> {
    state.with(|store, _| settings::notification_rules(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn notification_rules_set(
    app: AppHandle,
    state: State<'_, AppState>,
    rules: NotificationRules,
) -> BridgeResult<()> {
    state.with(|store, s| settings::set_notification_rules(store, s, &rules))?;
    changed(&app, "notification_rules");
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn customer_templates(state: State<'_, AppState>) -> BridgeResult<CustomerTemplates> {
    state.with(|store, _| settings::customer_templates(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn customer_templates_set(
    app: AppHandle,
    state: State<'_, AppState>,
    templates: CustomerTemplates,
) -> BridgeResult<()> {
    state.with(|store, s| settings::set_customer_templates(store, s, &templates))?;
    changed(&app, "customer_templates");
    Ok(())
}

/// A template with sample values filled in.
#[tauri::command(async)]
#[specta::specta]
pub fn template_preview(template: Template, lang: Lang) -> Template {
    settings::preview_template(&template, lang)
}

#[tauri::command(async)]
#[specta::specta]
pub fn settings_log(state: State<'_, AppState>) -> BridgeResult<Vec<SettingsEvent>> {
    state.with(|store, s| settings::log(store, s, 200))
}

/// Asks where to save, then makes a verified online backup there. None when
/// the person cancelled the dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_now(app: AppHandle, state: State<'_, AppState>) -> BridgeResult<Option<BackupInfo>> {
    let session = state.session()?;
    orderdesk_core::auth::require_admin(&session).map_err(|e| state.fail(&e))?;
    let name = format!(
        "orderdesk-{}.db",
        chrono::Local::now().format("%Y%m%d-%H%M")
    );
    let Some(target) = app
        .dialog()
        .file()
        .add_filter("SQLite", &["db"])
        .set_file_name(&name)
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
    else {
        return Ok(None);
    };
    let info = state.with(|store, s| backup::now(store, s, &target))?;
    changed(&app, "backup");
    Ok(Some(info))
}

#[tauri::command(async)]
#[specta::specta]
pub fn backups_list(app: AppHandle) -> BridgeResult<Vec<BackupInfo>> {
    let state = app.state::<AppState>();
    state.session()?;
    Ok(backup_dir(&state)
        .map(|d| backup::list(&d))
        .unwrap_or_default())
}
