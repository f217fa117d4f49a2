//! What crosses the office server's wire besides the commands themselves:
//! paths, headers, the envelope of a call and of its answer, and the events
//! a desk receives on its WebSocket. Client and server both read this, so
//! the two can never disagree on a name.

use orderdesk_core::error::WireError;
use orderdesk_core::{Error, Msg};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::{InboxItem, JobStatus};

/// `POST` a [`Call`]; the answer is a [`Reply`].
pub const API_PATH: &str = "/api";
/// `GET`: [`crate::types::Hello`], no session needed: the version handshake.
pub const HELLO_PATH: &str = "/hello";
/// WebSocket of [`ServerEvent`]s for the session in the `Authorization`
/// header; `?after=ID` names the newest inbox item the desk already showed.
pub const EVENTS_PATH: &str = "/events";
/// The version of the calling desk or CLI; a different one is refused.
pub const VERSION_HEADER: &str = "x-orderdesk-version";
/// The port the server listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 4780;
/// The mDNS service desks browse for.
pub const SERVICE_TYPE: &str = "_orderdesk._tcp.local.";

/// One call: a command of [`crate::for_each_command!`] and its parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    pub command: String,
    #[serde(default)]
    pub params: Value,
}

/// The answer to a call: `{"ok": …}` or `{"error": {kind, msg, message}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Ok(Value),
    Error(WireError),
}

impl Reply {
    pub fn into_result(self) -> Result<Value, Error> {
        match self {
            Reply::Ok(v) => Ok(v),
            Reply::Error(e) => Err(e.into()),
        }
    }
}

/// What the server pushes to a desk, as JSON text messages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// First message of every connection.
    Hello { version: String },
    /// Orders this session may read changed (empty: many, after a bulk job).
    OrdersChanged { numbers: Vec<String> },
    /// The session's unread count changed.
    InboxChanged { unread: i64 },
    /// New inbox items for the desk to show on its desktop, newest first.
    Notify { items: Vec<InboxItem> },
    /// A bulk job this session runs finished a batch.
    JobProgress { status: JobStatus },
    /// An administrator changed a setting.
    SettingsChanged { what: String },
    /// The session is over (logged out elsewhere, disabled, locked).
    SessionEnded { msg: Msg },
    /// The server is shutting down; the desk reconnects when it is back.
    ServerStopping,
}
