//! What the server does by itself: a verified automatic backup a day (seven
//! kept, in `backups/` beside the database; the first check soon after
//! start), and SQLite's `quick_check` of the live file when the office is
//! quiet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use orderdesk_api::Api;
use orderdesk_core::backup;

use crate::http::Shared;

const FIRST_BACKUP_AFTER: Duration = Duration::from_secs(60);
const BACKUP_EVERY: Duration = Duration::from_secs(3600);
const CHECK_EVERY: Duration = Duration::from_secs(3600);
/// No call for this long counts as quiet.
const QUIET: Duration = Duration::from_secs(120);

pub struct Upkeep {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Upkeep {
    pub fn start(api: Arc<Api>, shared: Arc<Shared>) -> Upkeep {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("upkeep".into())
            .spawn(move || run(&api, &shared, &flag))
            .map_err(|e| log::error!("cannot start backups and checks: {e}"))
            .ok();
        Upkeep { stop, thread }
    }

    /// Stops after the backup or check in progress, if any.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(api: &Api, shared: &Shared, stop: &AtomicBool) {
    let started = Instant::now();
    let mut next_backup = started + FIRST_BACKUP_AFTER;
    let mut next_check = started + CHECK_EVERY;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(500));
        let now = Instant::now();
        if now >= next_backup {
            next_backup = now + BACKUP_EVERY;
            match backup::automatic(api.store(), &api.backup_dir(), 24, 7) {
                Ok(Some(b)) => log::info!("automatic backup {}", b.path),
                Ok(None) => {}
                Err(e) => log::error!("automatic backup failed: {}", e.log_detail()),
            }
        }
        let quiet = shared
            .last_call
            .lock()
            .map(|t| t.elapsed() >= QUIET)
            .unwrap_or(true);
        if now >= next_check && quiet {
            next_check = now + CHECK_EVERY;
            match api.store().quick_check() {
                Ok(v) if v == "ok" => log::info!("quick_check: ok"),
                Ok(v) => log::error!("quick_check found damage: {v}"),
                Err(e) => log::error!("quick_check failed: {}", e.log_detail()),
            }
        }
    }
}
