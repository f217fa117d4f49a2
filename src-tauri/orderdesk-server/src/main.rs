//! `orderdesk-server --data DIR [--listen 0.0.0.0:4780]` serves the office;
//! `orderdesk-server status --data DIR [--json]` prints its address and its
//! certificate's fingerprint; `orderdesk-server service install|uninstall|
//! start|stop` runs it as a Windows service. Ctrl+C, SIGTERM, or the
//! service being stopped (or Windows shutting down): calls in flight finish,
//! running jobs stop resumable, exit 0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orderdesk_server::{Discovery, Options};

#[cfg(windows)]
mod winservice;

#[derive(Parser, Debug)]
#[command(
    name = "orderdesk-server",
    version,
    about = "The OrderDesk office server"
)]
struct Cli {
    /// The server's data folder: orderdesk.db, tls/, backups/.
    #[arg(long, global = true, env = "ORDERDESK_DATA")]
    data: Option<PathBuf>,
    /// Address and port to listen on.
    #[arg(long, env = "ORDERDESK_LISTEN", default_value_t = SocketAddr::from(([0, 0, 0, 0], orderdesk_api::wire::DEFAULT_PORT)))]
    listen: SocketAddr,
    /// Do not announce the server on the LAN (desks then type its address).
    #[arg(long, env = "ORDERDESK_NO_DISCOVERY")]
    no_discovery: bool,
    /// Announce on this network interface only (default: all of them).
    #[arg(long, value_name = "NAME", env = "ORDERDESK_MDNS_INTERFACE")]
    discovery_interface: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the address and the certificate's fingerprint.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Keeps a signed update for the desks (the bundle Tauri's bundler made,
    /// with its `.sig` beside it): desks of that platform then update from
    /// this server.
    PublishUpdate {
        /// The bundle: the NSIS setup .exe (Windows), OrderDesk.app.tar.gz
        /// (macOS), the AppImage (Linux).
        file: PathBuf,
        /// The release it is, such as 1.4.0.
        #[arg(long)]
        version: String,
        /// windows-x86_64, darwin-universal, darwin-aarch64, darwin-x86_64
        /// or linux-x86_64.
        #[arg(long)]
        platform: String,
        /// The signature (default: FILE.sig).
        #[arg(long)]
        signature: Option<PathBuf>,
        /// What the desks are told is new.
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// The server as a Windows service (as administrator): `install` (it
    /// starts with Windows, and now), `uninstall`, `start`, `stop`. Data in
    /// %ProgramData%\OrderDesk Server unless --data says otherwise.
    Service {
        #[command(subcommand)]
        action: ServiceAction,
    },
}

#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceAction {
    /// Registers the service (automatic start), opens its port in the
    /// firewall for the private network, and starts it.
    Install,
    /// Stops it, removes it and its firewall rule; the data stays.
    Uninstall,
    Start,
    /// Stops it as Ctrl+C does: calls in flight finish, jobs stop resumable.
    Stop,
    /// What Windows' service manager runs.
    #[command(hide = true)]
    Run,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logger::init();
    if let Some(Command::Service { action }) = cli.command {
        return service(&cli, action);
    }
    let Some(data) = cli.data.clone() else {
        eprintln!("error: say where the server keeps its data: --data DIR");
        return ExitCode::from(2);
    };
    match &cli.command {
        Some(Command::Status { json }) => status(&data, *json),
        Some(Command::PublishUpdate {
            file,
            version,
            platform,
            signature,
            notes,
        }) => match orderdesk_server::updates::publish(
            &data,
            file,
            signature.as_deref(),
            version,
            platform,
            notes,
        ) {
            Ok(said) => {
                println!("{said}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        _ => serve(options(&cli, data), stop_asked()),
    }
}

#[cfg(windows)]
fn service(cli: &Cli, action: ServiceAction) -> ExitCode {
    let data = cli.data.clone().unwrap_or_else(winservice::default_data);
    let done = match action {
        ServiceAction::Install => {
            let mut args: Vec<std::ffi::OsString> = vec![
                "--data".into(),
                data.clone().into(),
                "--listen".into(),
                cli.listen.to_string().into(),
            ];
            if cli.no_discovery {
                args.push("--no-discovery".into());
            }
            if let Some(name) = &cli.discovery_interface {
                args.extend(["--discovery-interface".into(), name.into()]);
            }
            winservice::install(&data, cli.listen, args)
        }
        ServiceAction::Uninstall => winservice::uninstall(),
        ServiceAction::Start => winservice::start(),
        ServiceAction::Stop => winservice::stop(),
        ServiceAction::Run => return winservice::run(options(cli, data)),
    };
    match done {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(windows))]
fn service(_cli: &Cli, _action: ServiceAction) -> ExitCode {
    eprintln!(
        "error: `service` is for Windows; on Linux use the systemd unit, on macOS the launchd \
         daemon (both in the service/ folder beside the server's source, and in the README)"
    );
    ExitCode::from(2)
}

fn options(cli: &Cli, data: PathBuf) -> Options {
    let discovery = match (&cli.no_discovery, &cli.discovery_interface) {
        (true, _) => Discovery::Off,
        (false, Some(name)) => Discovery::Interface(name.clone()),
        (false, None) => Discovery::Lan,
    };
    Options {
        data,
        db: None,
        listen: cli.listen,
        discovery,
    }
}

fn status(data: &std::path::Path, json: bool) -> ExitCode {
    match orderdesk_server::status(data) {
        Ok(s) if json => {
            println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(s) => {
            println!("OrderDesk office server {}", s.version);
            println!("  address:     {}", s.listen);
            println!("  fingerprint: {}", grouped(&s.fingerprint));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// A fingerprint in groups of four, as the connect screen shows it.
fn grouped(fingerprint: &str) -> String {
    fingerprint
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Serves until `stop` is ready, then stops as SIGTERM asks: calls in
/// flight finish, running jobs stop resumable.
fn serve(options: Options, stop: impl Future<Output = ()> + Send + 'static) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(async move {
        let server = match orderdesk_server::start(options.clone()).await {
            Ok(s) => s,
            Err(e) => {
                log::error!("{e}");
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        println!("OrderDesk office server {}", orderdesk_api::VERSION);
        println!("  database:    {}", server.db.display());
        println!("  listening:   {}", server.addr);
        println!("  fingerprint: {}", grouped(&server.fingerprint));
        println!(
            "Desks connect to this PC's address, port {}; compare the fingerprint when they ask.",
            server.addr.port()
        );
        stop.await;
        log::info!("stopping: calls in flight finish, running jobs stop and can be resumed");
        server.shutdown().await;
        log::info!("stopped");
        ExitCode::SUCCESS
    });
    // A call still running after the drain limit does not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    code
}

/// Ctrl+C; on Unix SIGTERM too; on Windows also Ctrl+Break and the
/// console's close, the user's logoff and the system's shutdown (a server
/// started by hand in a console window; as a service it hears the service
/// manager instead).
async fn stop_asked() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    #[cfg(windows)]
    {
        use tokio::signal::windows;
        if let (Ok(mut brk), Ok(mut close), Ok(mut logoff), Ok(mut shutdown)) = (
            windows::ctrl_break(),
            windows::ctrl_close(),
            windows::ctrl_logoff(),
            windows::ctrl_shutdown(),
        ) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = brk.recv() => {}
                _ = close.recv() => {}
                _ = logoff.recv() => {}
                _ = shutdown.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Log lines on stderr (a service manager keeps them), or in a file (a
/// Windows service has no console): time, level, text.
mod logger {
    use std::io::Write;
    use std::sync::{Mutex, OnceLock};

    struct Log;

    /// The file the lines go to instead of stderr.
    static FILE: OnceLock<Mutex<std::fs::File>> = OnceLock::new();
    /// A log file past this size is kept as `.1` at the next start (one
    /// kept): the log of a PC that runs for years stays small.
    const KEEP_BYTES: u64 = 10 * 1024 * 1024;

    impl log::Log for Log {
        fn enabled(&self, meta: &log::Metadata) -> bool {
            meta.level() <= log::max_level()
        }
        fn log(&self, record: &log::Record) {
            if self.enabled(record.metadata()) && record.target().starts_with("orderdesk") {
                let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
                let line = format!("{at} {:5} {}", record.level(), record.args());
                match FILE.get() {
                    Some(file) => {
                        let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
                        let _ = writeln!(file, "{line}");
                    }
                    None => eprintln!("{line}"),
                }
            }
        }
        fn flush(&self) {}
    }

    pub fn init() {
        let level = match std::env::var("ORDERDESK_LOG").as_deref() {
            Ok("debug") => log::LevelFilter::Debug,
            Ok("warn") => log::LevelFilter::Warn,
            _ => log::LevelFilter::Info,
        };
        static LOGGER: Log = Log;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(level);
        }
    }

    /// From now on the lines go to `path` (appended; the previous log kept
    /// as `path.1` once it has grown past 10 MB).
    #[cfg_attr(not(windows), allow(dead_code))]
    pub fn to_file(path: &std::path::Path) -> std::io::Result<()> {
        if std::fs::metadata(path).is_ok_and(|m| m.len() > KEEP_BYTES) {
            let mut old = path.as_os_str().to_owned();
            old.push(".1");
            std::fs::rename(path, old)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        let _ = FILE.set(Mutex::new(file));
        Ok(())
    }
}
