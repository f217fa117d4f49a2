//! `orderdesk-server --data DIR [--listen 0.0.0.0:4780]` serves the office;
//! `orderdesk-server status --data DIR [--json]` prints its address and its
//! certificate's fingerprint. Ctrl+C or SIGTERM: calls in flight finish,
//! running jobs stop resumable, exit 0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orderdesk_server::{Discovery, Options};

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
    #[arg(long, default_value_t = SocketAddr::from(([0, 0, 0, 0], orderdesk_api::wire::DEFAULT_PORT)))]
    listen: SocketAddr,
    /// Do not announce the server on the LAN (desks then type its address).
    #[arg(long)]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logger::init();
    let Some(data) = cli.data.clone() else {
        eprintln!("error: say where the server keeps its data: --data DIR");
        return ExitCode::from(2);
    };
    match cli.command {
        Some(Command::Status { json }) => status(&data, json),
        None => serve(&cli, data),
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

fn serve(cli: &Cli, data: PathBuf) -> ExitCode {
    let discovery = match (&cli.no_discovery, &cli.discovery_interface) {
        (true, _) => Discovery::Off,
        (false, Some(name)) => Discovery::Interface(name.clone()),
        (false, None) => Discovery::Lan,
    };
    let options = Options {
        data,
        db: None,
        listen: cli.listen,
        discovery,
    };
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
        wait_for_stop().await;
        log::info!("stopping: calls in flight finish, running jobs stop and can be resumed");
        server.shutdown().await;
        log::info!("stopped");
        ExitCode::SUCCESS
    });
    // A call still running after the drain limit does not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    code
}

async fn wait_for_stop() {
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
    let _ = tokio::signal::ctrl_c().await;
}

/// Log lines on stderr (a service manager keeps them): time, level, text.
mod logger {
    struct Stderr;

    impl log::Log for Stderr {
        fn enabled(&self, meta: &log::Metadata) -> bool {
            meta.level() <= log::max_level()
        }
        fn log(&self, record: &log::Record) {
            if self.enabled(record.metadata()) && record.target().starts_with("orderdesk") {
                let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
                eprintln!("{at} {:5} {}", record.level(), record.args());
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
        static LOGGER: Stderr = Stderr;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(level);
        }
    }
}
