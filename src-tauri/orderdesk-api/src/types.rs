//! Every type a command takes or returns, in one place, so that adapters
//! that expand [`crate::for_each_command!`] bring them into scope with one
//! `use orderdesk_api::types::*`.

use serde::{Deserialize, Serialize};

pub use orderdesk_core::admin::{NewUser, UserChange, UserRow};
pub use orderdesk_core::analytics::{Dimension, Report, ReportFilter};
pub use orderdesk_core::audit::{AuditReport, Checkpoint};
pub use orderdesk_core::auth::{Session, Token};
pub use orderdesk_core::backup::{BackupInfo, RestoreReport};
pub use orderdesk_core::cancel::{CancelOutcome, CancelPreview, CancelRequest, PendingCancel};
pub use orderdesk_core::check::CheckReport;
pub use orderdesk_core::customers::CustomerInput;
pub use orderdesk_core::detail::{CopyOutcome, OrderDetail};
pub use orderdesk_core::domain::{CustomerId, ProductId};
pub use orderdesk_core::domain::{DepartmentId, Lang, Status, UserId};
pub use orderdesk_core::entry::{DraftLine, DraftOrder, OrderCreated};
pub use orderdesk_core::import::{FieldColumn, ImportKind, ImportReport, ImportSheet, Upload};
pub use orderdesk_core::inbox::InboxItem;
pub use orderdesk_core::jobs::{ArchivePreview, ItemResult, JobKind, JobStatus, Selection};
pub use orderdesk_core::lifecycle::Step;
pub use orderdesk_core::limits::Limits;
pub use orderdesk_core::outbox::{Delivery, OutboxCounts};
pub use orderdesk_core::products::{ProductInput, StockChange};
pub use orderdesk_core::reassign::{Candidates, ReassignOutcome, Target};
pub use orderdesk_core::search::{Row, SearchPage, SearchQuery};
pub use orderdesk_core::seed::SeedReport;
pub use orderdesk_core::settings::{
    ApprovalRules, Company, CustomerTemplates, MailSecurity, MailSettings, NotificationRules,
    SessionRules, Template,
};
pub use orderdesk_core::store::customers::CustomerRecord;
pub use orderdesk_core::store::events::ChainReport;
pub use orderdesk_core::store::jobs::UnfinishedJob;
pub use orderdesk_core::store::outbox::CustomerMessage;
pub use orderdesk_core::store::outbox::OutboxFilter;
pub use orderdesk_core::store::products::{Product, StockAdjustment};
pub use orderdesk_core::store::settings::{Reason, SettingsEvent};
pub use orderdesk_core::store::users::Department;

/// The mail server notices go out through, as an administrator sees it:
/// whether a password is kept (and where), never the password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MailSetup {
    pub settings: MailSettings,
    pub configured: bool,
    pub password_set: bool,
    /// `keychain` or `file` (the data folder, owner only).
    pub password_kept: Option<String>,
    /// Notices waiting for a channel or a retry.
    pub waiting: i64,
}

/// Who answers: the version handshake's other half.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hello {
    /// Always "OrderDesk": tells an OrderDesk server from anything else on the port.
    pub product: String,
    pub version: String,
}

impl Hello {
    pub fn ours() -> Hello {
        Hello {
            product: "OrderDesk".into(),
            version: crate::VERSION.into(),
        }
    }
}

/// Whether the database has been set up yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupState {
    /// No users yet: offer demo data or a first administrator.
    pub empty: bool,
    /// The database holds the demo data: the login page may name its users.
    #[serde(default)]
    pub demo: bool,
    pub db_path: String,
}

/// A login: the token to send with later calls, and who it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginReply {
    pub token: Token,
    pub session: Session,
}

/// An order's state after a forward step or a payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderState {
    pub number: String,
    pub status: Status,
    pub version: i64,
    pub currency: String,
}

/// A job with work left, and whether it is running in the answering process
/// right now (if not, it was stopped or cut off, and can be resumed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InterruptedJob {
    pub job: UnfinishedJob,
    pub running: bool,
}

/// Whether the database is encrypted at rest (SQLCipher).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EncryptionStatus {
    pub encrypted: bool,
}

/// The recovery key of a database just encrypted: shown once, for paper.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecoveryKey {
    pub recovery_key: String,
}

/// Where a restore takes the database from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RestoreSource {
    /// A file on the PC the API runs on (this PC only).
    Path { path: String },
    /// One of the automatic or "backup now" backups, by name.
    Backup { name: String },
    /// A backup file sent whole (a desk or the CLI to the office server).
    Upload { file: Upload },
}

impl RestoreSource {
    /// A backup file on the caller's PC: opened where it is when the API
    /// runs here, sent whole when it runs on the office server.
    pub fn file(path: &std::path::Path, remote: bool) -> orderdesk_core::Result<Self> {
        if !remote {
            return Ok(RestoreSource::Path {
                path: path.display().to_string(),
            });
        }
        let file = Upload::read(path).map_err(|e| {
            orderdesk_core::Error::with_source(
                orderdesk_core::ErrorKind::InvalidInput,
                orderdesk_core::Msg::CannotOpen {
                    path: path.display().to_string(),
                },
                e,
            )
        })?;
        Ok(RestoreSource::Upload { file })
    }
}
