//! The one error that crosses the bridge: `{ kind, message, details? }`.
//! `kind` is the core's error kind (the UI maps it to a translated title);
//! `message` is already in the user's language; `details` is the core's typed
//! message as data (`{"message_id": "session_locked", …}`), for the UI to act
//! on (lock the window, go back to login). SQL and `Debug` text stay in the log.

use orderdesk_core::domain::Lang;
use orderdesk_core::{Error, ErrorKind};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type, PartialEq)]
pub struct BridgeError {
    pub kind: ErrorKind,
    pub message: String,
    pub details: Option<serde_json::Value>,
}

impl BridgeError {
    pub fn from_core(e: &Error, lang: Lang) -> BridgeError {
        if matches!(e.kind(), ErrorKind::Storage | ErrorKind::Internal) {
            log::error!("{}", e.log_detail());
        } else {
            log::info!("refused: {}", e.log_detail());
        }
        BridgeError {
            kind: e.kind(),
            message: e.message(lang),
            details: serde_json::to_value(e.msg()).ok(),
        }
    }
}

pub type BridgeResult<T> = Result<T, BridgeError>;

#[cfg(test)]
mod tests {
    use super::*;
    use orderdesk_core::Msg;

    /// The UI relies on this exact shape; change it only with the UI.
    #[test]
    fn error_json_shape_is_pinned() {
        let e = Error::rule(Msg::CancelShipped {
            number: "SO-2026-000123".into(),
        });
        let json = serde_json::to_value(BridgeError::from_core(&e, Lang::En)).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "rule_violation",
                "message": "SO-2026-000123 has been shipped; a shipped order cannot be cancelled — create a return instead.",
                "details": { "message_id": "cancel_shipped", "number": "SO-2026-000123" }
            })
        );
        let zh = serde_json::to_value(BridgeError::from_core(&e, Lang::ZhCn)).expect("json");
        assert_eq!(zh["kind"], "rule_violation");
        assert!(zh["message"].as_str().is_some_and(|m| m.contains("退货")));
    }

    #[test]
    fn storage_errors_do_not_leak_sql() {
        let e: Error = rusqlite_error();
        let b = BridgeError::from_core(&e, Lang::En);
        assert_eq!(b.kind, ErrorKind::Storage);
        assert!(!b.message.contains("SELECT"));
    }

    fn rusqlite_error() -> Error {
        Error::with_source(
            ErrorKind::Storage,
            Msg::Storage,
            "no such table: orders (SELECT * FROM orders)",
        )
    }
}
