//! Where the CLI's commands go: the API over a database file (`--db`, in this
//! process), or the office server (`--server` with its pinned fingerprint).
//! Logging in and out is the same either way.

use std::path::PathBuf;
use std::sync::Arc;

use orderdesk_api::{Api, Events, Place};
use orderdesk_client::{Backend, Remote};
use orderdesk_core::domain::Lang;
use orderdesk_core::jobs::JobStatus;
use orderdesk_core::{Msg, Store};

use crate::{Cli, Failure};

pub fn default_db_path() -> PathBuf {
    // The app's folder: local (never roaming) AppData on Windows.
    dirs::data_local_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(orderdesk_core::APP_IDENTIFIER)
        .join(orderdesk_core::DB_FILE_NAME)
}

pub fn db_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(default_db_path)
}

/// Opens the database file itself (for the commands that only work on one).
pub fn open_file(cli: &Cli) -> Result<Store, Failure> {
    if cli.server.is_some() {
        let msg = Msg::LocalOnly {
            command: command_name(cli),
        };
        return Err(Failure::Usage(msg.text(crate::lang_of(cli))));
    }
    let path = db_path(cli);
    if cli.db.is_none()
        && let Some(dir) = path.parent()
    {
        // The default folder may not exist before the app first ran.
        let _ = orderdesk_core::store::files::private_dir(dir);
    }
    Ok(orderdesk_api::keys::open_store(&path)?)
}

fn command_name(cli: &Cli) -> String {
    format!("{:?}", cli.command)
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// Prints a bulk job's progress on stderr, for people watching a long run.
pub struct Progress {
    pub show: bool,
    pub batch: i64,
    pub lang: Lang,
}

impl Progress {
    pub fn print(&self, p: &JobStatus) {
        if self.show && p.total > self.batch {
            eprintln!(
                "{} {}/{}",
                self.lang.pick("进度", "progress"),
                p.done + p.refused + p.unchanged,
                p.total
            );
        }
    }
}

/// Job progress from the in-process API (over the server it comes by the
/// event socket instead).
struct LocalEvents(Arc<std::sync::Mutex<Option<Progress>>>);

impl Events for LocalEvents {
    fn job_progress(&self, _token: &orderdesk_core::auth::Token, status: &JobStatus) {
        if let Ok(p) = self.0.lock()
            && let Some(p) = p.as_ref()
        {
            p.print(status);
        }
    }
}

/// The API the CLI talks to, and where a running job's progress is printed.
pub struct Connection {
    pub backend: Backend,
    pub progress: Arc<std::sync::Mutex<Option<Progress>>>,
}

pub fn connect(cli: &Cli) -> Result<Connection, Failure> {
    let progress = Arc::new(std::sync::Mutex::new(None));
    let backend = match &cli.server {
        Some(address) => {
            let Some(fingerprint) = cli.server_fingerprint.as_deref() else {
                return Err(Failure::Usage(
                    "--server needs the server's certificate fingerprint: --server-fingerprint HEX \
                     (or ORDERDESK_SERVER_FINGERPRINT); `orderdesk-server status` prints it"
                        .into(),
                ));
            };
            Backend::server(Arc::new(Remote::new(address, fingerprint)?))
        }
        None => {
            let store = open_file(cli)?;
            let events = Arc::new(LocalEvents(progress.clone()));
            Backend::this_pc(Arc::new(Api::new(Arc::new(store), Place::ThisPc, events)))
        }
    };
    Ok(Connection { backend, progress })
}

impl Connection {
    /// Logs in as `--as` (password from ORDERDESK_PASSWORD, else a prompt).
    pub async fn login(&self, cli: &Cli) -> Result<(), Failure> {
        let Some(login) = cli.as_user.as_deref() else {
            return Err(Failure::Usage(
                "this command needs a user: --as LOGIN (password from ORDERDESK_PASSWORD)".into(),
            ));
        };
        let password = match std::env::var("ORDERDESK_PASSWORD") {
            Ok(p) => p,
            Err(_) => {
                rpassword::prompt_password(format!("Password for {login}: ")).map_err(|_| {
                    Failure::Usage(
                        "no password: set ORDERDESK_PASSWORD or run in a terminal".into(),
                    )
                })?
            }
        };
        let reply = self.backend.login(login.to_string(), password).await?;
        self.backend.set_token(Some(reply.token));
        Ok(())
    }

    /// Ends the session, so a script leaves none behind.
    pub async fn logout(&self) {
        if self.backend.token().is_some() {
            let _ = self.backend.logout().await;
            self.backend.set_token(None);
        }
    }
}
