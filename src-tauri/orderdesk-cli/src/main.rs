//! `orderdesk-cli`: OrderDesk from a terminal, the third adapter of the API
//! (beside the desktop shell and the office server). A thin layer: parse
//! arguments, log in, call the API (on a file with `--db`, or on the office
//! server with `--server`), print a table or JSON. The same command gives the
//! same output and exit code either way. No rule of the product is decided here.
//!
//! Exit codes: 0 done; 2 usage; 3 not found; 4 rule violation; 5 forbidden;
//! 6 conflict; 7 invalid input; 1 storage or internal.

mod bench;
mod bench_file;
mod commands;
mod connect;
mod import_bench;
mod output;
mod server_bench;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use orderdesk_core::domain::Lang;
use orderdesk_core::{Error, ErrorKind, Msg};

#[derive(Parser, Debug)]
#[command(name = "orderdesk-cli", version, about = "OrderDesk from a terminal")]
pub struct Cli {
    /// Database file (default: the desktop app's data file).
    #[arg(long, global = true, env = "ORDERDESK_DB")]
    pub db: Option<PathBuf>,
    /// Work on the office server at HOST:PORT instead of a file.
    #[arg(
        long,
        global = true,
        env = "ORDERDESK_SERVER",
        value_name = "HOST:PORT"
    )]
    pub server: Option<String>,
    /// The server certificate's SHA-256 (`orderdesk-server status` prints it).
    #[arg(
        long,
        global = true,
        env = "ORDERDESK_SERVER_FINGERPRINT",
        value_name = "HEX"
    )]
    pub server_fingerprint: Option<String>,
    /// Act as this user; the password comes from ORDERDESK_PASSWORD or a prompt.
    #[arg(
        long = "as",
        global = true,
        env = "ORDERDESK_USER",
        value_name = "LOGIN"
    )]
    pub as_user: Option<String>,
    /// Language of messages: zh-CN or en (default: the system's language;
    /// on Unix LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, global = true, env = "ORDERDESK_LANG")]
    pub lang: Option<String>,
    /// Print JSON instead of tables; errors as JSON on stderr.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create (or upgrade) the database file.
    Init,
    /// Fill an empty database with deterministic demo data.
    Seed {
        #[arg(long, default_value = "2000")]
        orders: String,
        #[arg(long, default_value = "1")]
        seed: String,
        /// "Today" of the generated history (default: today).
        #[arg(long)]
        anchor: Option<String>,
        /// Do nothing (and succeed) when the database already holds data.
        #[arg(long)]
        if_empty: bool,
    },
    /// Find orders by number, customer name (or pinyin initials) and filters.
    Search(SearchArgs),
    /// One order, whole: lines, processing, timeline, watchers, lineage.
    Show { number: String },
    /// Cancel an order (or preview what cancelling would do).
    Cancel {
        number: String,
        #[arg(long)]
        reason: Option<String>,
        /// Internal note: the timeline and the staff read it, never the customer.
        #[arg(long)]
        note: Option<String>,
        /// The message to the customer, in their notice only.
        #[arg(long)]
        customer_message: Option<String>,
        /// Show what would happen; change nothing.
        #[arg(long)]
        preview: bool,
        /// Do not queue the customer notice.
        #[arg(long)]
        no_customer_notice: bool,
        /// The version you saw; refused if the order changed since.
        #[arg(long)]
        expect_version: Option<String>,
    },
    /// Approve a pending cancellation (managers).
    Approve {
        number: String,
        #[arg(long)]
        expect_version: Option<String>,
    },
    /// Reject a pending cancellation, saying why (managers).
    Reject {
        number: String,
        #[arg(long)]
        note: String,
        #[arg(long)]
        expect_version: Option<String>,
    },
    /// Archive closed orders: by number, or every one closed before a date.
    Archive {
        numbers: Vec<String>,
        #[arg(long, value_name = "DATE")]
        closed_before: Option<String>,
        /// With --closed-before: only completed or only cancelled orders.
        #[arg(long)]
        status: Option<String>,
        /// Show how many would be archived and which are refused; change nothing.
        #[arg(long)]
        preview: bool,
        /// Continue a stopped archive job.
        #[arg(long, value_name = "JOB")]
        resume: Option<String>,
        /// Orders per transaction.
        #[arg(long, default_value = "10000")]
        batch: String,
    },
    /// Hand orders to a user or to a department's queue.
    Reassign {
        numbers: Vec<String>,
        #[arg(long, value_name = "LOGIN")]
        to_user: Option<String>,
        #[arg(long, value_name = "NAME")]
        to_department: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Copy an order (any status, archived too) into a new draft.
    Copy { number: String },
    /// Move an order one step on: confirmed, invoiced, shipped, completed.
    Advance {
        number: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        expect_version: Option<String>,
    },
    /// Record a payment received (amount like 1200.50).
    Pay {
        number: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        expect_version: Option<String>,
    },
    /// Import customers, products or orders from CSV (UTF-8 or GBK) or XLSX
    /// (administrators); columns are found from Chinese or English headers.
    Import {
        /// customers, products or orders
        kind: String,
        file: PathBuf,
        /// Say what would be imported, row by row; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Records per transaction.
        #[arg(long, default_value = "2000")]
        batch: String,
    },
    /// Customers by code, name or pinyin initials.
    Customers {
        text: Option<String>,
        /// Deactivated ones too.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value = "50")]
        limit: String,
    },
    /// Products by SKU or name, with their stock.
    Products {
        text: Option<String>,
        /// Deactivated ones too.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value = "50")]
        limit: String,
    },
    /// A verified online backup to FILE (on the office server: into its
    /// backups folder, FILE left out). Administrators.
    Backup { file: Option<PathBuf> },
    /// Restore the database from a backup FILE (checked first; the current
    /// database kept as a dated copy; everyone logs in again). Administrators.
    Restore {
        file: PathBuf,
        /// The recovery key of the database an encrypted backup came from
        /// (from paper, on another PC); also read from ORDERDESK_RECOVERY_KEY.
        #[arg(long, env = "ORDERDESK_RECOVERY_KEY", hide_env_values = true)]
        recovery_key: Option<String>,
    },
    /// Encrypt the database at rest (SQLCipher). Its key goes to the OS
    /// keychain of the PC that holds it; the recovery key is printed this
    /// once: write it on paper. Administrators.
    Encrypt,
    /// Open an encrypted database on a PC whose keychain lacks its key (a
    /// new PC, a reinstalled system) with its recovery key, and keep the key
    /// in this PC's keychain. On the database file (--db) only.
    Unlock {
        /// The recovery key from paper; also read from ORDERDESK_RECOVERY_KEY.
        #[arg(long, env = "ORDERDESK_RECOVERY_KEY", hide_env_values = true)]
        recovery_key: String,
    },
    /// Export the archive under the archive search's filters to CSV or XLSX.
    Export(ExportArgs),
    /// Bulk jobs with work left (stopped, or cut off by a crash), to resume.
    Jobs,
    /// Continue a bulk job (archive, reassign or cancel) where it stopped.
    Resume {
        job: String,
        /// Orders per transaction.
        #[arg(long, default_value = "10000")]
        batch: String,
    },
    /// Your notifications.
    Inbox {
        #[arg(long)]
        unread: bool,
        /// Mark every unread notification read.
        #[arg(long)]
        mark_read: bool,
        #[arg(long, default_value = "50")]
        limit: String,
    },
    /// Customer notices: each one's status (queued, sending, sent,
    /// retrying, failed, withdrawn) and attempts; --deliver sends what is
    /// due now and prints a result per notice.
    Outbox {
        #[arg(long, default_value = "50")]
        limit: String,
        /// One delivery pass now (managers and administrators).
        #[arg(long)]
        deliver: bool,
        /// Only notices in this state.
        #[arg(long)]
        status: Option<String>,
        /// Queued on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Queued on or before this day.
        #[arg(long)]
        to: Option<String>,
        /// Withdraw the notice with this id (managers; not yet sent).
        #[arg(long, value_name = "ID")]
        withdraw: Option<String>,
        /// Queue the failed notice with this id again (managers).
        #[arg(long, value_name = "ID")]
        resend: Option<String>,
    },
    /// The printed cancellation notice of a cancelled order, as a PDF.
    Print {
        number: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// The mail server customer notices go out through (administrators).
    Mail {
        #[command(subcommand)]
        mail: MailCommand,
    },
    /// Orders you handed off and now watch.
    Watching,
    /// Cancellations waiting for approval (managers).
    Approvals,
    /// People and departments an order can be reassigned to, with workload.
    Candidates {
        #[arg(long)]
        filter: Option<String>,
    },
    /// Cancellation reasons.
    Reasons,
    /// Reports over the archive.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        audit: AuditCommand,
    },
    /// Check every invariant (stock, finance, events, summaries, audit chain).
    Check,
    /// Build (or reuse) a database of N orders and time the operations of DESIGN.md §8.
    Bench {
        #[arg(long, default_value = "1000000")]
        orders: String,
        /// Samples per operation.
        #[arg(long, default_value = "200")]
        samples: String,
        /// On an SQLCipher-encrypted database (its own file), to measure
        /// what encryption at rest costs.
        #[arg(long)]
        encrypted: bool,
    },
    /// A new site's first day, timed in a database of its own: import N
    /// customers, P products and O orders of three lines from XLSX, then the
    /// customer and product pickers keystroke by keystroke.
    ImportBench {
        #[arg(long, default_value = "100000")]
        customers: String,
        #[arg(long, default_value = "50000")]
        products: String,
        #[arg(long, default_value = "100000")]
        orders: String,
    },
    /// Time the office server over loopback: each operation beside the same
    /// in-process call, then many desks at once; check every invariant after.
    ServerBench {
        #[arg(long, default_value = "1000000")]
        orders: String,
        /// Samples per operation of the side-by-side comparison.
        #[arg(long, default_value = "200")]
        samples: String,
        /// Simulated desks at once.
        #[arg(long, default_value = "50")]
        desks: String,
        /// How long the desks work.
        #[arg(long, default_value = "60")]
        seconds: String,
        /// A person's pause between two actions, on average, in ms (0: a stress test).
        #[arg(long, default_value = "1000")]
        think: String,
    },
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Order number (or its prefix, or its digits), or a customer name.
    pub text: Option<String>,
    /// Comma-separated statuses: draft,confirmed,invoiced,shipped,completed,cancel_pending,cancelled.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_name = "LOGIN")]
    pub handler: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub department: Option<String>,
    /// Only orders waiting in a department queue.
    #[arg(long)]
    pub unassigned: bool,
    #[arg(long)]
    pub min_total: Option<String>,
    #[arg(long)]
    pub max_total: Option<String>,
    /// Search the archive.
    #[arg(long)]
    pub archived: bool,
    /// With --archived: completed or cancelled.
    #[arg(long)]
    pub closed_as: Option<String>,
    #[arg(long)]
    pub reason: Option<String>,
    /// date_desc (default), date_asc, total_desc, total_asc, number_asc.
    #[arg(long)]
    pub sort: Option<String>,
    #[arg(long, default_value = "50")]
    pub limit: String,
    #[arg(long, value_name = "CURSOR")]
    pub after: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// csv or xlsx
    #[arg(long)]
    pub format: String,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A customer name, initials or an order number.
    pub text: Option<String>,
    /// completed or cancelled
    #[arg(long)]
    pub closed_as: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub closed_from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub closed_to: Option<String>,
    #[arg(long, value_name = "LOGIN")]
    pub handler: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub department: Option<String>,
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub min_total: Option<String>,
    #[arg(long)]
    pub max_total: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Cancellations in the archive, grouped.
    Cancellations {
        #[arg(long)]
        by: String,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long, value_name = "NAME")]
        department: Option<String>,
        #[arg(long, default_value = "50")]
        limit: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Re-compute both audit logs' chains, and hold them against every
    /// checkpoint recorded (and those in FILE: a checkpoint file, the
    /// `.audit` file beside a database, or a backup).
    Verify {
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Take a checkpoint of the audit logs, record it beside the database,
    /// and print it (`{ "events", "head", … }` with --json).
    Checkpoint,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Keep the mail server. The password is read from the environment
    /// variable ORDERDESK_SMTP_PASSWORD (left out: the kept one stays) and
    /// kept in the OS keychain, or on the office server in its data folder.
    Set {
        #[arg(long)]
        host: String,
        /// Default: 465 for ssl, 587 for starttls, 25 for none.
        #[arg(long)]
        port: Option<String>,
        /// ssl, starttls or none (none: only a mail server on this PC).
        #[arg(long, default_value = "ssl")]
        security: String,
        /// The account; often the mailbox address.
        #[arg(long, default_value = "")]
        user: String,
        /// The sender's address.
        #[arg(long)]
        from: String,
        /// The sender's name as customers see it.
        #[arg(long, default_value = "")]
        from_name: String,
        /// Where customers' answers go (default: the sender).
        #[arg(long, default_value = "")]
        reply_to: String,
    },
    /// Send a test message to ADDR and print the server's answer.
    Test {
        #[arg(long, value_name = "ADDR")]
        to: String,
    },
    /// The mail settings (never the password) and how many notices wait.
    Show,
}

/// Exit code for an error kind.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::NotFound => 3,
        ErrorKind::RuleViolation => 4,
        ErrorKind::Forbidden => 5,
        ErrorKind::Conflict => 6,
        ErrorKind::InvalidInput => 7,
        ErrorKind::Storage | ErrorKind::Internal | ErrorKind::Unavailable => 1,
    }
}

/// The failure of a CLI command: a core error, or a usage problem found
/// after parsing (such as `reassign` without a target).
pub enum Failure {
    Core(Error),
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

pub fn lang_of(cli: &Cli) -> Lang {
    match &cli.lang {
        Some(l) => Lang::from_locale(Some(l)),
        None => Lang::system(),
    }
}

/// A closed output pipe (`orderdesk-cli search | head`) ends the program
/// quietly, as a shell expects; any other panic is reported as usual.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if closed_pipe(text) {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Whether a panic's message is printing's failure on a closed pipe:
/// EPIPE on Unix; on Windows "the pipe is being closed" (232) or "has been
/// ended" (109), which Rust names BrokenPipe too.
fn closed_pipe(panic: &str) -> bool {
    panic.starts_with("failed printing to std")
        && panic
            .rsplit_once("(os error ")
            .and_then(|(_, code)| code.trim_end_matches(')').parse::<i32>().ok())
            .is_some_and(|code| {
                std::io::Error::from_raw_os_error(code).kind() == std::io::ErrorKind::BrokenPipe
            })
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let lang = lang_of(&cli);
    if let Some(l) = &cli.lang
        && l.parse::<Lang>().is_err()
    {
        eprintln!("error: --lang takes zh-CN or en");
        return ExitCode::from(2);
    }
    // One thread is plenty for one command; the server benchmark runs a
    // server and many desks in this process, on every core.
    // The export writes its file page by page from a blocking writer.
    let mut builder = if matches!(
        cli.command,
        Command::ServerBench { .. } | Command::Export(_)
    ) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(&cli, lang)) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(text)) => {
            if cli.json {
                eprintln!(
                    "{}",
                    serde_json::json!({ "kind": "usage", "message": text })
                );
            } else {
                eprintln!("error: {text}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Core(e)) => {
            report_error(&e, lang, cli.json);
            ExitCode::from(exit_code(e.kind()))
        }
    }
}

pub fn report_error(e: &Error, lang: Lang, json: bool) {
    let message = e.message(lang);
    if json {
        eprintln!(
            "{}",
            serde_json::json!({ "kind": e.kind().code(), "message": message })
        );
    } else {
        let label = lang.pick("错误", "error");
        eprintln!("{label}: {message}");
    }
    if std::env::var_os("ORDERDESK_DEBUG").is_some() {
        eprintln!("detail: {}", e.log_detail());
    }
}

/// A number typed by a person, or an invalid-input error naming it.
pub fn parse_int(text: &str) -> Result<i64, Error> {
    text.trim().parse().map_err(|_| {
        Error::invalid(Msg::BadNumber {
            value: text.to_string(),
        })
    })
}
