//! The bridge. Most commands are generated, one per `desk` entry of the API
//! definition ([`orderdesk_api::for_each_command!`]), in [`generated`]; the
//! rest are written here by hand because the desktop adds something (a save
//! dialog, a window, keeping the token) — one file per area. Each is a few
//! lines, `async`, and calls the [`orderdesk_client::Backend`], which is the
//! API in this process or the office server.

pub mod archive;
pub mod connection;
pub mod generated;
pub mod import;
pub mod inbox;
pub mod notices;
pub mod session;
pub mod settings;
pub mod update;
