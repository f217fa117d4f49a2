//! OrderDesk's core: the rules for cancelling, archiving and reassigning sales
//! orders, over an embedded SQLite store.
//!
//! It knows nothing of Tauri or any UI: front ends (the desktop app, the CLI)
//! open a [`store::Store`], log in to get an [`auth::Session`], and call the
//! use-case modules — [`cancel`], [`jobs`] (archive and other bulk runs),
//! [`reassign`], [`detail`] (reading and copying), [`search`], [`inbox`],
//! [`analytics`], [`settings`], [`check`]. Each mutation is one transaction.
//! All SQL lives in [`store`].

pub mod admin;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cancel;
pub mod check;
pub mod cipher;
pub mod customers;
pub mod detail;
pub mod domain;
pub mod entry;
pub mod error;
pub mod export;
pub mod import;
pub mod inbox;
pub mod jobs;
pub mod lifecycle;
pub mod limits;
pub mod names;
pub mod notice;
pub mod notify;
pub mod outbox;
pub mod products;
pub mod reassign;
pub mod search;
pub mod seed;
pub mod settings;
pub mod store;

pub use error::{Error, ErrorKind, Msg, Result};
pub use store::Store;

/// The desktop app's identifier; its data folder is named after it.
pub const APP_IDENTIFIER: &str = "com.orderdesk.app";
/// The database file inside the app's data folder.
pub const DB_FILE_NAME: &str = "orderdesk.db";
