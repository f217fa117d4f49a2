//! The list of commands, and what the API crate makes of it: a parameter
//! struct per command ([`params`]), a typed in-process call ([`call`]), and
//! the dispatcher from a command's name and JSON parameters ([`dispatch`]).

use orderdesk_core::auth::Token;
use orderdesk_core::{Error, ErrorKind, Msg, Result};
use serde_json::Value;

use crate::Api;

/// Calls `$callback!` with every command of the API, one per line:
///
/// ```text
/// /// doc
/// ACCESS SURFACE name(arg: Type, …) -> Returns;
/// ```
///
/// ACCESS is `public` (no session: first start, login, health checks) or
/// `session` (a token; the user is re-checked at every call). SURFACE says
/// where the desktop bridge stands: `desk` (a Tauri command of exactly this
/// shape is generated), `shell` (the desktop shell wraps it by hand, because
/// it adds a dialog, keeps the token or differs in shape), `tool` (the CLI and
/// scripts only). Types are named as in [`crate::types`].
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            // First start and sessions.
            /// The version handshake: product and version.
            public shell hello() -> Hello;
            /// Whether the database has been set up.
            public shell setup_state() -> SetupState;
            /// Fills an empty database with the demo data (first start).
            public desk load_demo_data() -> SeedReport;
            /// Creates the first administrator of an empty database and logs them in.
            public shell create_first_admin(login: String, display_name: String, password: String) -> LoginReply;
            /// Checks a password and opens a session.
            public shell login(login: String, password: String) -> LoginReply;
            /// Ends the session (logout, or the window locked).
            session shell logout() -> ();
            /// Who the session is, as the database says now.
            session desk me() -> Session;
            /// How sessions end by themselves (the idle lock).
            session desk session_rules() -> SessionRules;
            session desk session_rules_set(rules: SessionRules) -> ();

            // Orders.
            session desk search_orders(query: SearchQuery) -> SearchPage;
            session desk order_detail(number: String) -> OrderDetail;
            /// The version of an order as it is now (for a script that did not read it).
            session tool order_version(number: String) -> i64;
            session desk watching() -> Vec<Row>;
            session desk copy_order(number: String) -> CopyOutcome;
            session desk advance_order(number: String, version: i64, step: Step) -> i64;
            /// Records money received (minor units), at most what is owed.
            session desk record_payment(number: String, version: i64, amount_minor: i64) -> OrderState;
            /// A new draft, handled by the caller in their department.
            session desk order_create(draft: DraftOrder) -> OrderCreated;
            /// Changes a draft's customer, date, notes and lines; the new version.
            session desk order_edit(number: String, version: i64, draft: DraftOrder) -> i64;
            public desk reasons() -> Vec<Reason>;
            /// What the core accepts at most (and at least) in each field.
            public desk limits() -> Limits;
            session desk departments() -> Vec<Department>;
            /// A department's id from its Chinese or English name.
            session tool department_id(name: String) -> DepartmentId;

            // Customers and products: managers and administrators change
            // them, everyone reads.
            session desk customers_find(text: String, include_inactive: bool, limit: i64) -> Vec<CustomerRecord>;
            session desk customer_get(id: CustomerId) -> CustomerRecord;
            /// Creates (no id) or changes a customer.
            session desk customer_save(customer: CustomerInput) -> CustomerRecord;
            session desk customer_set_active(id: CustomerId, active: bool) -> CustomerRecord;
            /// Deletes a customer that no order or notice names.
            session desk customer_delete(id: CustomerId) -> ();
            session desk customer_history(id: CustomerId) -> Vec<SettingsEvent>;
            session desk products_find(text: String, include_inactive: bool, limit: i64) -> Vec<Product>;
            /// Creates (no id) or changes a product; its SKU stays.
            session desk product_save(product: ProductInput) -> Product;
            session desk product_set_active(id: ProductId, active: bool) -> Product;
            /// Stock received or counted, with the reason.
            session desk stock_change(id: ProductId, change: StockChange, reason: String) -> Product;
            session desk stock_history(id: ProductId, limit: i64) -> Vec<StockAdjustment>;
            session desk product_history(id: ProductId) -> Vec<SettingsEvent>;

            // Import (administrators): a first look, a dry run, then a job
            // that `run_job` runs. The desk reads the file from a path.
            session shell import_inspect(kind: ImportKind, file: Upload) -> ImportSheet;
            session shell import_dry_run(kind: ImportKind, file: Upload, mapping: Vec<FieldColumn>, max_rows: Option<i64>) -> ImportReport;
            session shell import_start(kind: ImportKind, file: Upload, mapping: Vec<FieldColumn>) -> JobStatus;

            // Cancel and reassign.
            /// What cancelling would do; `note` is internal, `customer_message`
            /// goes into the customer's notice.
            session desk cancel_preview(number: String, reason: Option<String>, note: Option<String>, customer_message: Option<String>) -> CancelPreview;
            /// A pending request as the manager decides it: who asked, when,
            /// why, and what approving will do.
            session desk cancel_request(number: String) -> PendingCancel;
            session desk cancel_order(request: CancelRequest) -> CancelOutcome;
            session desk approve_cancel(number: String, version: i64) -> CancelOutcome;
            session desk reject_cancel(number: String, version: i64, note: String) -> i64;
            session desk pending_approvals() -> Vec<Row>;
            session desk reassign_candidates(filter: Option<String>, department: Option<DepartmentId>) -> Candidates;
            session desk reassign_order(number: String, version: i64, target: Target, note: Option<String>) -> ReassignOutcome;

            // Bulk jobs.
            session desk archive_preview(selection: Selection) -> ArchivePreview;
            session desk start_job(kind: JobKind, selection: Selection) -> JobStatus;
            /// Runs (or resumes) a job to its end or until stopped; progress
            /// goes to the session's events after every batch.
            session shell run_job(job: String, batch: Option<i64>) -> JobStatus;
            /// Asks a running job to stop after its current batch.
            session shell stop_job(job: String) -> ();
            session tool job_status(job: String) -> JobStatus;
            session desk job_results(job: String, only: String, limit: i64, offset: i64) -> Vec<ItemResult>;
            /// Jobs with work left that this person may resume (after a crash: the interrupted ones).
            session desk unfinished_jobs() -> Vec<InterruptedJob>;

            // The archive window.
            /// Cancellation analytics over the archive.
            session desk analytics(by: Dimension, filter: ReportFilter) -> Report;

            // Settings (administrators).
            session desk users_list() -> Vec<UserRow>;
            session desk user_create(user: NewUser) -> UserId;
            session desk user_update(change: UserChange) -> ();
            session desk user_reset_password(login: String, password: String) -> ();
            /// Lifts a lock after failed logins.
            session desk user_unlock(login: String) -> ();
            session desk department_create(name_zh: String, name_en: String) -> DepartmentId;
            session desk department_rename(id: DepartmentId, name_zh: String, name_en: String) -> Department;
            session desk reason_save(reason: Reason) -> ();
            session desk approval_rules() -> ApprovalRules;
            session desk approval_rules_set(rules: ApprovalRules) -> ();
            session desk notification_rules() -> NotificationRules;
            session desk notification_rules_set(rules: NotificationRules) -> ();
            session desk customer_templates() -> CustomerTemplates;
            session desk customer_templates_set(templates: CustomerTemplates) -> ();
            /// A template with sample values filled in.
            public shell template_preview(template: Template, lang: Lang) -> Template;
            session desk settings_log() -> Vec<SettingsEvent>;
            /// A verified online backup: to `target` on this PC, or (on the
            /// office server, where no desk names a path) into its backups folder.
            session shell backup_now(target: Option<String>) -> BackupInfo;
            session desk backups_list() -> Vec<BackupInfo>;
            /// Restores the database from a backup (administrators): a
            /// backup of the list, a file on this PC, or one sent whole.
            /// Every session ends; the windows log in again.
            /// An encrypted backup opens with `recovery_key` (the paper one of
            /// the database it came from) or with this database's own key.
            session shell restore(source: RestoreSource, recovery_key: Option<String>) -> RestoreReport;
            /// Whether the database is encrypted at rest.
            session desk encryption_status() -> EncryptionStatus;
            /// Encrypts the database (administrators): its key goes to the OS
            /// keychain of the PC that holds it; the recovery key, for paper,
            /// is given this once.
            session desk encryption_enable() -> RecoveryKey;

            // Inbox and outbox.
            session shell inbox_list(unread_only: bool, limit: Option<i64>) -> Vec<InboxItem>;
            session desk inbox_unread_count() -> i64;
            /// Marks items read (all when `ids` is empty); returns the unread count after.
            session desk inbox_mark_read(ids: Vec<i64>) -> i64;
            /// Unread items newer than `after_id`: what the desktop has not shown yet.
            session shell inbox_new(after_id: i64) -> Vec<InboxItem>;

            // Customer notices on their way.
            /// The outbox by state and date (administrators: all; managers
            /// and clerks: their department's and their own).
            session desk outbox_list(filter: OutboxFilter) -> Vec<CustomerMessage>;
            /// How many notices are in each state (administrators).
            session desk outbox_counts() -> OutboxCounts;
            /// Takes back a notice that has not gone out (managers).
            session desk outbox_withdraw(id: i64) -> CustomerMessage;
            /// Queues a failed notice again, the same message (managers).
            session desk outbox_resend(id: i64) -> CustomerMessage;
            /// One delivery pass now: a result per notice (managers).
            session desk outbox_deliver() -> Vec<Delivery>;
            /// The printed cancellation notice of a cancelled order (PDF).
            session shell notice_pdf(number: String) -> Upload;
            /// The PDF the customer would get, as the cancel preview shows it.
            session shell cancel_preview_pdf(number: String, reason: Option<String>, note: Option<String>, customer_message: Option<String>) -> Upload;
            /// The mail server (administrators); never the password.
            session desk mail_get() -> MailSetup;
            /// Keeps the mail server; `password` None keeps the kept one, "" forgets it.
            session desk mail_set(mail: MailSettings, password: Option<String>) -> MailSetup;
            /// Sends a test message; the server's answer in words.
            session desk mail_test(to: String) -> String;
            /// The letterhead of printed notices.
            session desk company_get() -> Company;
            session desk company_set(company: Company) -> ();

            // Health.
            /// Every invariant (stock, finance, events, summaries, audit chain).
            public tool check() -> CheckReport;
            /// The audit trail's hash chain, re-computed.
            public tool audit_verify(against: Option<Vec<Checkpoint>>) -> AuditReport;
            /// Takes a checkpoint of the audit logs and records it (in the
            /// database and in the file beside it); managers and administrators.
            session tool audit_checkpoint() -> Checkpoint;
        }
    };
}

/// Expands the list into the parameter structs, the typed calls and the
/// dispatcher.
macro_rules! define {
    (@public public) => { true };
    (@public session) => { false };
    (@invoke public $api:ident $token:ident $name:ident ($($arg:ident),*)) => {{
        let _ = $token;
        $crate::handlers::$name($api, $($arg),*)
    }};
    (@invoke session $api:ident $token:ident $name:ident ($($arg:ident),*)) => {{
        let ctx = $api.ctx($token)?;
        $crate::handlers::$name(&ctx, $($arg),*)
    }};
    ($( $(#[$meta:meta])* $access:ident $surface:ident $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $ret:ty ; )*) => {
        /// The parameters of each command, by name, as they cross the wire.
        pub mod params {
            #![allow(non_camel_case_types)]
            use crate::types::*;
            $(
                #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
                pub struct $name { $( pub $arg: $ty, )* }
            )*
        }

        /// Each command as a typed call in this process.
        pub mod call {
            use crate::types::*;
            use crate::Api;
            $(
                $(#[$meta])*
                pub fn $name(api: &Api, token: Option<&Token>, $( $arg: $ty ),*) -> orderdesk_core::Result<$ret> {
                    define!(@invoke $access api token $name ($($arg),*))
                }
            )*
        }

        /// Runs the command `command` with its JSON parameters; the answer as JSON.
        pub fn dispatch(api: &Api, token: Option<&Token>, command: &str, params: Value) -> Result<Value> {
            match command {
                $( stringify!($name) => {
                    #[allow(unused_variables)]
                    let p: params::$name = parse(params)?;
                    let out = call::$name(api, token, $( p.$arg ),*)?;
                    Ok(serde_json::to_value(out)?)
                } )*
                _ => Err(Error::not_found(Msg::UnknownCommand { name: command.chars().take(80).collect() })),
            }
        }

        /// Every command's name, and whether it works without a session.
        pub const COMMANDS: &[(&str, bool)] = &[ $( (stringify!($name), define!(@public $access)) ),* ];
    };
}

for_each_command!(define);

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T> {
    let params = match params {
        Value::Null => Value::Object(Default::default()),
        other => other,
    };
    serde_json::from_value(params).map_err(|e| {
        Error::with_source(
            ErrorKind::InvalidInput,
            Msg::BadRequest {
                detail: e.to_string(),
            },
            e,
        )
    })
}
