//! The table of commands: each names the function that runs it (one per
//! command, by area) and that function prints what it got back. Everything
//! but `init`, `seed` and `bench` goes through the API, on a file or on the
//! office server alike. Returns the process exit code.

mod health;
mod import;
mod jobs;
mod lists;
mod local;
mod notices;
mod orders;
mod wizards;

use orderdesk_client::Backend;
use orderdesk_core::domain::{Lang, Money, Status};
use orderdesk_core::{Error, Msg};

use crate::connect::{self, Connection};
use crate::{AuditCommand, Cli, Command, Failure, ReportCommand, parse_int};

pub type Outcome = Result<u8, Failure>;

/// How to print: JSON or tables, and in which language.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

pub async fn run(cli: &Cli, lang: Lang) -> Outcome {
    let out = Out {
        json: cli.json,
        lang,
    };
    match &cli.command {
        Command::Init => local::init(cli, out),
        Command::Unlock { recovery_key } => local::unlock(cli, out, recovery_key),
        Command::Seed {
            orders,
            seed,
            anchor,
            if_empty,
        } => local::seed(cli, out, orders, seed, anchor, *if_empty),
        Command::Bench {
            orders,
            samples,
            encrypted,
        } => local::bench(cli, orders, samples, *encrypted),
        Command::ImportBench {
            customers,
            products,
            orders,
        } => local::import_bench(cli, [customers, products, orders]),
        Command::ServerBench {
            orders,
            samples,
            desks,
            seconds,
            think,
        } => local::server_bench(cli, [orders, samples, desks, seconds, think]).await,
        command => {
            let conn = connect::connect(cli)?;
            if needs_user(command) {
                conn.login(cli).await?;
            }
            let outcome = dispatch(&conn, command, out).await;
            conn.logout().await;
            outcome
        }
    }
}

/// Health checks and the reason list work without logging in.
fn needs_user(command: &Command) -> bool {
    !matches!(
        command,
        Command::Reasons
            | Command::Check
            | Command::Audit {
                audit: AuditCommand::Verify { .. }
            }
    )
}

async fn dispatch(conn: &Connection, command: &Command, out: Out) -> Outcome {
    let b = &conn.backend;
    match command {
        Command::Search(args) => orders::search(b, args, out).await,
        Command::Show { number } => orders::show(b, number, out).await,
        Command::Copy { number } => orders::copy(b, number, out).await,
        Command::Advance {
            number,
            to,
            expect_version,
        } => orders::advance(b, number, to, expect_version, out).await,
        Command::Pay {
            number,
            amount,
            expect_version,
        } => orders::pay(b, number, amount, expect_version, out).await,
        Command::Cancel {
            number,
            reason,
            note,
            customer_message,
            preview,
            no_customer_notice,
            expect_version,
        } => {
            let request = wizards::CancelArgs {
                number,
                reason,
                note,
                customer_message,
                preview: *preview,
                notify_customer: !no_customer_notice,
                expect_version,
            };
            wizards::cancel(b, request, out).await
        }
        Command::Approve {
            number,
            expect_version,
        } => wizards::approve(b, number, expect_version, out).await,
        Command::Reject {
            number,
            note,
            expect_version,
        } => wizards::reject(b, number, note, expect_version, out).await,
        Command::Reassign {
            numbers,
            to_user,
            to_department,
            note,
        } => wizards::reassign(conn, numbers, to_user, to_department, note, out).await,
        Command::Archive {
            numbers,
            closed_before,
            status,
            preview,
            resume,
            batch,
        } => {
            let args = jobs::ArchiveArgs {
                numbers,
                closed_before,
                status,
                preview: *preview,
                resume,
                batch,
            };
            jobs::archive(conn, args, out).await
        }
        Command::Import {
            kind,
            file,
            dry_run,
            batch,
        } => import::run(conn, kind, file, *dry_run, batch, out).await,
        Command::Customers { text, all, limit } => {
            lists::customers(b, text, *all, limit, out).await
        }
        Command::Products { text, all, limit } => lists::products(b, text, *all, limit, out).await,
        Command::Jobs => jobs::unfinished(b, out).await,
        Command::Resume { job, batch } => jobs::resume(conn, job, batch, out).await,
        Command::Inbox {
            unread,
            mark_read,
            limit,
        } => lists::inbox(b, *unread, *mark_read, limit, out).await,
        Command::Outbox {
            limit,
            deliver,
            status,
            from,
            to,
            withdraw,
            resend,
        } => {
            let filter = notices::Filter {
                limit,
                status,
                from,
                to,
            };
            match (deliver, withdraw, resend) {
                (true, _, _) => notices::deliver(b, out).await,
                (_, Some(id), _) => notices::withdraw(b, id, out).await,
                (_, _, Some(id)) => notices::resend(b, id, out).await,
                _ => notices::list(b, filter, out).await,
            }
        }
        Command::Print { number, out: file } => notices::print(b, number, file, out).await,
        Command::Mail { mail } => notices::mail(b, mail, out).await,
        Command::Watching => lists::watching(b, out).await,
        Command::Approvals => lists::approvals(b, out).await,
        Command::Candidates { filter } => lists::candidates(b, filter, out).await,
        Command::Reasons => lists::reasons(b, out).await,
        Command::Report {
            report: ReportCommand::Cancellations { .. },
        } => lists::report(b, command, out).await,
        Command::Audit {
            audit: AuditCommand::Verify { against },
        } => health::audit(b, against, out).await,
        Command::Audit {
            audit: AuditCommand::Checkpoint,
        } => health::checkpoint(b, out).await,
        Command::Backup { file } => health::backup(conn, file, out).await,
        Command::Restore { file, recovery_key } => {
            health::restore(conn, file, recovery_key.clone(), out).await
        }
        Command::Encrypt => health::encrypt(b, out).await,
        Command::Export(args) => lists::export(b, args, out).await,
        Command::Check => health::check(b, out).await,
        Command::Init
        | Command::Unlock { .. }
        | Command::Seed { .. }
        | Command::Bench { .. }
        | Command::ImportBench { .. }
        | Command::ServerBench { .. } => Ok(0),
    }
}

/// The version given, or the order's version as it is now.
async fn version(b: &Backend, number: &str, given: &Option<String>) -> Result<i64, Error> {
    match given {
        Some(v) => parse_int(v),
        None => b.order_version(number.to_string()).await,
    }
}

fn date_arg(value: &Option<String>) -> Result<Option<String>, Error> {
    value
        .as_deref()
        .map(|d| orderdesk_core::search::parse_date(d).map(|d| d.to_string()))
        .transpose()
}

fn money_arg(value: &Option<String>) -> Result<Option<i64>, Error> {
    value
        .as_deref()
        .map(|v| {
            Money::parse(v).map(Money::minor).ok_or_else(|| {
                Error::invalid(Msg::BadNumber {
                    value: v.to_string(),
                })
            })
        })
        .transpose()
}

fn status_arg(text: &str) -> Result<Status, Error> {
    text.trim().parse().map_err(|_| {
        Error::invalid(Msg::BadField {
            field: "status".into(),
            value: text.to_string(),
        })
    })
}

async fn department_arg(
    b: &Backend,
    name: &Option<String>,
) -> Result<Option<orderdesk_core::domain::DepartmentId>, Error> {
    match name {
        None => Ok(None),
        Some(n) => Ok(Some(b.department_id(n.clone()).await?)),
    }
}
