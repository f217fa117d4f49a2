//! Users and departments: rows, look-ups, login bookkeeping, workload.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::domain::{DepartmentId, Role, Status, UserId};
use crate::error::Result;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Department {
    pub id: DepartmentId,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: DepartmentId,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
    #[serde(skip)]
    pub failed_logins: i64,
    #[serde(skip)]
    pub locked_until: Option<String>,
}

const USER_COLUMNS: &str = "id, login, display_name, role, department_id, active, \
                            password_hash, failed_logins, locked_until";

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: UserId(r.get(0)?),
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: role.parse().unwrap_or(Role::Clerk),
        department_id: DepartmentId(r.get(4)?),
        active: r.get(5)?,
        password_hash: r.get(6)?,
        failed_logins: r.get(7)?,
        locked_until: r.get(8)?,
    })
}

pub fn by_login(c: &Connection, login: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([login], user_row)
        .optional()?)
}

pub fn by_id(c: &Connection, id: UserId) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([id.0], user_row)
        .optional()?)
}

pub fn login_of(c: &Connection, id: UserId) -> Result<String> {
    Ok(c.prepare_cached("SELECT login FROM users WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| format!("#{id}")))
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub department_id: DepartmentId,
    pub password_hash: &'a str,
}

pub fn insert(c: &Connection, u: &NewUser<'_>) -> Result<UserId> {
    c.prepare_cached(
        "INSERT INTO users (login, display_name, role, department_id, password_hash)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        u.login,
        u.display_name,
        u.role.code(),
        u.department_id.0,
        u.password_hash
    ])?;
    Ok(UserId(c.last_insert_rowid()))
}

pub fn set_login_failures(
    c: &Connection,
    id: UserId,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<()> {
    c.prepare_cached("UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1")?
        .execute(params![id.0, failed, locked_until])?;
    Ok(())
}

/// Counts one failed login in one statement (so failures arriving together
/// are all counted, and none clears a lock another set): at the `max`th the
/// counter starts again and the account is locked until `until`. Returns the
/// failures counted now and the lock, as stored after.
pub fn count_failure(
    c: &Connection,
    id: UserId,
    max: i64,
    until: &str,
) -> Result<(i64, Option<String>)> {
    Ok(c.prepare_cached(
        "UPDATE users SET
                 locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END,
                 failed_logins = CASE WHEN failed_logins + 1 >= ?2 THEN 0 ELSE failed_logins + 1 END
             WHERE id = ?1
             RETURNING failed_logins, locked_until",
    )?
    .query_row(params![id.0, max, until], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The same for a name that is no user.
pub fn count_unknown_failure(
    c: &Connection,
    login: &str,
    max: i64,
    until: &str,
) -> Result<(i64, Option<String>)> {
    Ok(c.prepare_cached(
        "INSERT INTO login_failures (login, failures, locked_until) VALUES (?1, 1, NULL)
             ON CONFLICT (login) DO UPDATE SET
                 locked_until = CASE WHEN failures + 1 >= ?2 THEN ?3 ELSE locked_until END,
                 failures = CASE WHEN failures + 1 >= ?2 THEN 0 ELSE failures + 1 END
             RETURNING failures, locked_until",
    )?
    .query_row(params![login, max, until], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Active users of a department with a given role (managers for approvals and
/// notifications; everyone for a department queue).
pub fn in_department(
    c: &Connection,
    department: DepartmentId,
    role: Option<Role>,
) -> Result<Vec<UserId>> {
    let mut stmt = c.prepare_cached(
        "SELECT id FROM users
         WHERE department_id = ?1 AND active = 1 AND (?2 IS NULL OR role = ?2)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![department.0, role.map(Role::code)], |r| {
        Ok(UserId(r.get(0)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all(c: &Connection) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY department_id, role DESC, login");
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([], user_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open orders per active user, for the reassign picker. One index seek per
/// user and status (`orders_handler`), not a scan of every order.
pub fn open_workload(c: &Connection) -> Result<Vec<(UserId, i64)>> {
    let statuses = Status::OPEN.map(Status::code);
    let mut stmt = c.prepare_cached(
        "SELECT u.id, (SELECT count(*) FROM orders o
                       WHERE o.handler_id = u.id AND o.status IN (?1, ?2, ?3, ?4, ?5))
         FROM users u WHERE u.active = 1",
    )?;
    let rows = stmt.query_map(rusqlite::params_from_iter(statuses), |r| {
        Ok((UserId(r.get(0)?), r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open orders waiting in each department's queue.
pub fn queue_sizes(c: &Connection) -> Result<Vec<(DepartmentId, i64)>> {
    let statuses = Status::OPEN.map(Status::code);
    let mut stmt = c.prepare_cached(
        "SELECT department_id, count(*) FROM orders
         WHERE handler_id IS NULL AND status IN (?1, ?2, ?3, ?4, ?5)
         GROUP BY department_id",
    )?;
    let rows = stmt.query_map(rusqlite::params_from_iter(statuses), |r| {
        Ok((DepartmentId(r.get(0)?), r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn department_row(r: &Row<'_>) -> rusqlite::Result<Department> {
    Ok(Department {
        id: DepartmentId(r.get(0)?),
        name_zh: r.get(1)?,
        name_en: r.get(2)?,
    })
}

pub fn insert_department(c: &Connection, name_zh: &str, name_en: &str) -> Result<DepartmentId> {
    c.prepare_cached("INSERT INTO departments (name_zh, name_en) VALUES (?1, ?2)")?
        .execute([name_zh, name_en])?;
    Ok(DepartmentId(c.last_insert_rowid()))
}

/// Finds a department by its Chinese or English name (case-insensitive).
pub fn department_by_name(c: &Connection, name: &str) -> Result<Option<Department>> {
    Ok(c.prepare_cached(
        "SELECT id, name_zh, name_en FROM departments
         WHERE name_zh = ?1 OR lower(name_en) = lower(?1)",
    )?
    .query_row([name], department_row)
    .optional()?)
}

pub fn department(c: &Connection, id: DepartmentId) -> Result<Option<Department>> {
    Ok(
        c.prepare_cached("SELECT id, name_zh, name_en FROM departments WHERE id = ?1")?
            .query_row([id.0], department_row)
            .optional()?,
    )
}

pub fn departments(c: &Connection) -> Result<Vec<Department>> {
    let mut stmt = c.prepare_cached("SELECT id, name_zh, name_en FROM departments ORDER BY id")?;
    let rows = stmt.query_map([], department_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// Changes a user's role, department and whether they may log in.
pub fn update(
    c: &Connection,
    id: UserId,
    role: Role,
    department: DepartmentId,
    active: bool,
) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE users SET role = ?2, department_id = ?3, active = ?4 WHERE id = ?1",
        )?
        .execute(params![id.0, role.code(), department.0, active])?;
    crate::store::one_row(changed)
}

/// Sets a new password hash and lifts any lockout.
pub fn set_password(c: &Connection, id: UserId, hash: &str) -> Result<()> {
    let changed = c
        .prepare_cached(
            "UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until = NULL WHERE id = ?1",
        )?
        .execute(params![id.0, hash])?;
    crate::store::one_row(changed)
}

pub fn rename_department(
    c: &Connection,
    id: DepartmentId,
    name_zh: &str,
    name_en: &str,
) -> Result<()> {
    let changed = c
        .prepare_cached("UPDATE departments SET name_zh = ?2, name_en = ?3 WHERE id = ?1")?
        .execute(params![id.0, name_zh, name_en])?;
    crate::store::one_row(changed)
}
