//! The administrator's people: users (create, change role or department,
//! disable, reset password) and departments (create, rename). Every change is
//! logged in the settings log, in the same transaction.

use serde::{Deserialize, Serialize};

use crate::auth::{MIN_PASSWORD, Session, check_login, hash_password, require_admin};
use crate::domain::{DepartmentId, Role, UserId};
use crate::error::{Error, Msg, Result};
use crate::settings::audit;
use crate::store::{self, Store, users::Department, users::User};

/// A user as the settings screen lists them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: DepartmentId,
    pub active: bool,
    pub locked: bool,
}

pub fn users(store: &Store, s: &Session) -> Result<Vec<UserRow>> {
    require_admin(s)?;
    let now = store::stamp(store.now());
    store.read(|c| {
        Ok(store::users::all(c)?
            .into_iter()
            .map(|u: User| UserRow {
                locked: u.locked_until.as_deref().is_some_and(|t| t > now.as_str()),
                id: u.id,
                login: u.login,
                display_name: u.display_name,
                role: u.role,
                department_id: u.department_id,
                active: u.active,
            })
            .collect())
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: DepartmentId,
    pub password: String,
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::invalid(Msg::BadField {
            field: "name".into(),
            value: name.to_string(),
        }));
    }
    Ok(name.to_string())
}

fn check_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::invalid(Msg::PasswordTooShort { min: MIN_PASSWORD }));
    }
    if password.chars().count() > crate::auth::MAX_PASSWORD {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "password".into(),
            max: crate::auth::MAX_PASSWORD,
        }));
    }
    hash_password(password)
}

fn department_exists(c: &rusqlite::Connection, id: DepartmentId) -> Result<()> {
    store::users::department(c, id)?.map(|_| ()).ok_or_else(|| {
        Error::not_found(Msg::DepartmentNotFound {
            name: format!("#{id}"),
        })
    })
}

pub fn create_user(store: &Store, s: &Session, u: &NewUser) -> Result<UserId> {
    require_admin(s)?;
    let login = u.login.trim().to_string();
    check_login(&login)?;
    let name = check_name(&u.display_name)?;
    let hash = check_password(&u.password)?;
    store.write(|tx| {
        department_exists(tx, u.department_id)?;
        if store::users::by_login(tx, &login)?.is_some() {
            return Err(Error::invalid(Msg::AlreadyExists {
                value: login.clone(),
            }));
        }
        let id = store::users::insert(
            tx,
            &store::users::NewUser {
                login: &login,
                display_name: &name,
                role: u.role,
                department_id: u.department_id,
                password_hash: &hash,
            },
        )?;
        let detail = format!("{} {} #{}", name, u.role.code(), u.department_id);
        audit(tx, store, s, "user_created", &login, Some(&detail))?;
        Ok(id)
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserChange {
    pub login: String,
    pub role: Role,
    pub department_id: DepartmentId,
    pub active: bool,
}

/// Changes role, department or whether the user may log in. The last active
/// administrator cannot be demoted or disabled.
pub fn update_user(store: &Store, s: &Session, change: &UserChange) -> Result<()> {
    require_admin(s)?;
    store.write(|tx| {
        let user = store::users::by_login(tx, &change.login)?.ok_or_else(|| {
            Error::not_found(Msg::UserNotFound {
                login: change.login.clone(),
            })
        })?;
        department_exists(tx, change.department_id)?;
        let stays_admin = change.role == Role::Admin && change.active;
        if user.role == Role::Admin && user.active && !stays_admin {
            let admins = store::users::all(tx)?
                .into_iter()
                .filter(|u| u.role == Role::Admin && u.active)
                .count();
            if admins <= 1 {
                return Err(Error::rule(Msg::LastAdmin));
            }
        }
        store::users::update(
            tx,
            user.id,
            change.role,
            change.department_id,
            change.active,
        )?;
        let detail = serde_json::to_string(change)?;
        audit(tx, store, s, "user_changed", &user.login, Some(&detail))
    })
}

/// Sets a new password (and lifts a lockout).
pub fn reset_password(store: &Store, s: &Session, login: &str, password: &str) -> Result<()> {
    require_admin(s)?;
    let hash = check_password(password)?;
    store.write(|tx| {
        let user = store::users::by_login(tx, login)?.ok_or_else(|| {
            Error::not_found(Msg::UserNotFound {
                login: login.into(),
            })
        })?;
        store::users::set_password(tx, user.id, &hash)?;
        audit(tx, store, s, "password_reset", &user.login, None)
    })
}

pub fn create_department(
    store: &Store,
    s: &Session,
    name_zh: &str,
    name_en: &str,
) -> Result<DepartmentId> {
    require_admin(s)?;
    let (zh, en) = (check_name(name_zh)?, check_name(name_en)?);
    store.write(|tx| {
        for name in [&zh, &en] {
            if store::users::department_by_name(tx, name)?.is_some() {
                return Err(Error::invalid(Msg::AlreadyExists {
                    value: name.clone(),
                }));
            }
        }
        let id = store::users::insert_department(tx, &zh, &en)?;
        audit(tx, store, s, "department_created", &zh, Some(&en))?;
        Ok(id)
    })
}

pub fn rename_department(
    store: &Store,
    s: &Session,
    id: DepartmentId,
    name_zh: &str,
    name_en: &str,
) -> Result<Department> {
    require_admin(s)?;
    let (zh, en) = (check_name(name_zh)?, check_name(name_en)?);
    store.write(|tx| {
        department_exists(tx, id)?;
        for name in [&zh, &en] {
            if store::users::department_by_name(tx, name)?.is_some_and(|d| d.id != id) {
                return Err(Error::invalid(Msg::AlreadyExists {
                    value: name.clone(),
                }));
            }
        }
        store::users::rename_department(tx, id, &zh, &en)?;
        audit(tx, store, s, "department_renamed", &zh, Some(&en))?;
        Ok(Department {
            id,
            name_zh: zh.clone(),
            name_en: en.clone(),
        })
    })
}

/// Lifts a lock after failed logins at once (the administrator knows the
/// person); logged.
pub fn unlock_user(store: &Store, s: &Session, login: &str) -> Result<()> {
    require_admin(s)?;
    let at = store::stamp(store.now());
    store.write(|tx| {
        let user = store::users::by_login(tx, login.trim())?.ok_or_else(|| {
            Error::not_found(Msg::UserNotFound {
                login: login.trim().into(),
            })
        })?;
        store::users::set_login_failures(tx, user.id, 0, None)?;
        store::settings::record_event(
            tx,
            &at,
            (s.user_id.0, &s.login),
            "user_unlocked",
            &user.login,
            None,
        )
    })
}
