//! The administrator's settings; every change tells the windows
//! (`settings_changed`) so that what they show reloads.

use std::path::PathBuf;

use orderdesk_core::cipher::DbKey;
use orderdesk_core::{Error, Msg, Result, admin, auth, backup, settings};

use crate::types::*;
use crate::{Api, Ctx, Place, keys};

fn changed(ctx: &Ctx, what: &str) {
    ctx.api.events().settings_changed(what);
}

pub fn users_list(ctx: &Ctx) -> Result<Vec<UserRow>> {
    admin::users(ctx.store(), &ctx.session)
}

pub fn user_create(ctx: &Ctx, user: NewUser) -> Result<UserId> {
    let id = admin::create_user(ctx.store(), &ctx.session, &user)?;
    changed(ctx, "users");
    Ok(id)
}

pub fn user_update(ctx: &Ctx, change: UserChange) -> Result<()> {
    admin::update_user(ctx.store(), &ctx.session, &change)?;
    changed(ctx, "users");
    Ok(())
}

pub fn user_reset_password(ctx: &Ctx, login: String, password: String) -> Result<()> {
    admin::reset_password(ctx.store(), &ctx.session, &login, &password)
}

pub fn user_unlock(ctx: &Ctx, login: String) -> Result<()> {
    admin::unlock_user(ctx.store(), &ctx.session, &login)?;
    changed(ctx, "users");
    Ok(())
}

pub fn department_create(ctx: &Ctx, name_zh: String, name_en: String) -> Result<DepartmentId> {
    let id = admin::create_department(ctx.store(), &ctx.session, &name_zh, &name_en)?;
    changed(ctx, "departments");
    Ok(id)
}

pub fn department_rename(
    ctx: &Ctx,
    id: DepartmentId,
    name_zh: String,
    name_en: String,
) -> Result<Department> {
    let d = admin::rename_department(ctx.store(), &ctx.session, id, &name_zh, &name_en)?;
    changed(ctx, "departments");
    Ok(d)
}

pub fn reason_save(ctx: &Ctx, reason: Reason) -> Result<()> {
    settings::save_reason(ctx.store(), &ctx.session, &reason)?;
    changed(ctx, "reasons");
    Ok(())
}

pub fn approval_rules(ctx: &Ctx) -> Result<ApprovalRules> {
    settings::approval_rules(ctx.store())
}

pub fn approval_rules_set(ctx: &Ctx, rules: ApprovalRules) -> Result<()> {
    settings::set_approval_rules(ctx.store(), &ctx.session, &rules)?;
    changed(ctx, "approval_rules");
    Ok(())
}

pub fn notification_rules(ctx: &Ctx) -> Result<NotificationRules> {
    settings::notification_rules(ctx.store())
}

pub fn notification_rules_set(ctx: &Ctx, rules: NotificationRules) -> Result<()> {
    settings::set_notification_rules(ctx.store(), &ctx.session, &rules)?;
    changed(ctx, "notification_rules");
    Ok(())
}

pub fn customer_templates(ctx: &Ctx) -> Result<CustomerTemplates> {
    settings::customer_templates(ctx.store())
}

pub fn customer_templates_set(ctx: &Ctx, templates: CustomerTemplates) -> Result<()> {
    settings::set_customer_templates(ctx.store(), &ctx.session, &templates)?;
    changed(ctx, "customer_templates");
    Ok(())
}

pub fn template_preview(_api: &Api, template: Template, lang: Lang) -> Result<Template> {
    Ok(settings::preview_template(&template, lang))
}

pub fn settings_log(ctx: &Ctx) -> Result<Vec<SettingsEvent>> {
    settings::log(ctx.store(), &ctx.session, 200)
}

/// On this PC the person chose `target`; on the office server nobody may name
/// a path on its disk, and the backup goes into its backups folder.
pub fn backup_now(ctx: &Ctx, target: Option<String>) -> Result<BackupInfo> {
    auth::require_admin(&ctx.session)?;
    let target = match (ctx.api.place(), target) {
        (Place::ThisPc, Some(path)) => PathBuf::from(path),
        (Place::Server, Some(path)) => {
            return Err(Error::invalid(Msg::BadField {
                field: "file".into(),
                value: path,
            }));
        }
        (_, None) => {
            let dir = ctx.api.backup_dir();
            orderdesk_core::store::files::private_dir(&dir)?;
            let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
            dir.join(format!("orderdesk-{stamp}.db"))
        }
    };
    let info = backup::now(ctx.store(), &ctx.session, &target)?;
    changed(ctx, "backup");
    Ok(info)
}

/// Restores the database from a backup; every session ends, told why.
pub fn restore(
    ctx: &Ctx,
    source: RestoreSource,
    recovery_key: Option<String>,
) -> Result<RestoreReport> {
    auth::require_admin(&ctx.session)?;
    let recovery = recovery_key
        .filter(|k| !k.trim().is_empty())
        .map(|k| DbKey::from_recovery(&k))
        .transpose()?;
    let dir = ctx.api.backup_dir();
    let (path, scratch) = match (ctx.api.place(), source) {
        (Place::ThisPc, RestoreSource::Path { path }) => (PathBuf::from(path), None),
        (Place::Server, RestoreSource::Path { .. }) => {
            return Err(Error::invalid(Msg::LocalOnly {
                command: "restore (a path)".into(),
            }));
        }
        (_, RestoreSource::Backup { name }) => {
            // A name from the backups list, never a path elsewhere.
            if name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(Error::invalid(Msg::BadField {
                    field: "file".into(),
                    value: name,
                }));
            }
            (dir.join(name), None)
        }
        (_, RestoreSource::Upload { file }) => {
            orderdesk_core::store::files::private_dir(&dir)?;
            let path = orderdesk_core::store::files::partial_beside(&dir.join("upload.db"));
            std::fs::write(&path, &file.data).map_err(|e| {
                Error::with_source(
                    orderdesk_core::ErrorKind::Storage,
                    Msg::CannotOpen {
                        path: path.display().to_string(),
                    },
                    e,
                )
            })?;
            (path.clone(), Some(path))
        }
    };
    let outcome = backup::restore(ctx.store(), &ctx.session, &path, recovery.as_ref(), &dir);
    if let Some(scratch) = scratch {
        let _ = std::fs::remove_file(scratch);
    }
    let report = outcome?;
    ctx.api.events().sessions_ended(&Msg::DatabaseRestored);
    Ok(report)
}

pub fn encryption_status(ctx: &Ctx) -> Result<EncryptionStatus> {
    Ok(EncryptionStatus {
        encrypted: ctx.store().encrypted(),
    })
}

/// Encrypts the database: the key is kept in the keychain (and read back)
/// before anything is encrypted; an encryption that fails forgets it again.
/// Once the file is encrypted its recovery key is always shown, even when
/// the settings log could not take the entry (that goes to the log).
pub fn encryption_enable(ctx: &Ctx) -> Result<RecoveryKey> {
    let key = DbKey::random();
    let recovery_key = key.recovery();
    let keychain = keys::Keychain(ctx.store().path());
    if let Some(e) = backup::encrypt(ctx.store(), &ctx.session, key, &keychain)? {
        log::error!("encrypted, not logged: {}", e.log_detail());
    }
    changed(ctx, "encryption");
    Ok(RecoveryKey { recovery_key })
}

pub fn backups_list(ctx: &Ctx) -> Result<Vec<BackupInfo>> {
    auth::require_admin(&ctx.session)?;
    Ok(backup::list(&ctx.api.backup_dir()))
}
