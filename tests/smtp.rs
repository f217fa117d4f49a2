//! A real SMTP server for tests: Python's aiosmtpd (`tests/smtp/server.py`,
//! in the virtual environment `cargo xtask test` makes), on 127.0.0.1 with a
//! port the system picks, keeping each accepted message as a file; what it
//! answers is switched while it runs (accept, defer, reject, drop, stall).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::keychain::Proc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The Python with aiosmtpd: ORDERDESK_TEST_PYTHON, or the project's venv.
pub fn python() -> PathBuf {
    std::env::var_os("ORDERDESK_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/smtp-venv/bin/python"))
}

/// A message as the server kept it, decoded by Python's `email` package.
#[derive(Debug, Clone)]
pub struct Mail(pub serde_json::Value);

impl Mail {
    pub fn message_id(&self) -> &str {
        self.0["message_id"].as_str().unwrap_or_default()
    }
    pub fn subject(&self) -> &str {
        self.0["subject"].as_str().unwrap_or_default()
    }
    /// The text, with the line ends the sender used made `\n`.
    pub fn body(&self) -> String {
        self.0["body"]
            .as_str()
            .unwrap_or_default()
            .replace("\r\n", "\n")
    }
    pub fn attachments(&self) -> &[serde_json::Value] {
        self.0["attachments"].as_array().map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug)]
pub struct SmtpServer {
    pub port: u16,
    pub dir: PathBuf,
    _process: Proc,
}

impl SmtpServer {
    /// Starts the server, keeping messages in `dir`.
    pub fn start(dir: &Path) -> SmtpServer {
        Self::start_with(dir, &[])
    }

    /// With TLS: `["--tls", cert, key]` (from the first byte) or
    /// `["--starttls", cert, key]`.
    pub fn start_with(dir: &Path, args: &[&std::ffi::OsStr]) -> SmtpServer {
        std::fs::create_dir_all(dir).expect("mail folder");
        let python = python();
        let mut child = Command::new(&python)
            .arg(root().join("tests/smtp/server.py"))
            .arg(dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} (cargo xtask test makes the venv with aiosmtpd): {e}",
                    python.display()
                )
            });
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the port");
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer {
            port,
            dir: dir.to_path_buf(),
            _process: Proc(child),
        }
    }

    /// accept, defer (451), reject (550), drop, stall.
    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.join("mode"), mode).expect("mode");
    }

    fn files(&self, suffix: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(suffix) && (suffix != ".eml" || !name.ends_with(".unacked.eml"))
        });
        files.sort();
        files
    }

    fn read(files: &[PathBuf]) -> Vec<Mail> {
        if files.is_empty() {
            return Vec::new();
        }
        let out = Command::new(python())
            .arg(root().join("tests/smtp/read.py"))
            .args(files)
            .output()
            .expect("read.py");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
        all.into_iter().map(Mail).collect()
    }

    /// Messages the server accepted (250), oldest first.
    pub fn accepted(&self) -> Vec<Mail> {
        Self::read(&self.files(".eml"))
    }

    /// Messages received but never answered (`stall`).
    pub fn unacked(&self) -> Vec<Mail> {
        Self::read(&self.files(".unacked.eml"))
    }

    /// Waits until `n` messages are stalled in the server (received, not
    /// answered); false after `limit`.
    pub fn wait_unacked(&self, n: usize, limit: Duration) -> bool {
        self.wait_for(".unacked.eml", n, limit)
    }

    /// Waits until `n` messages were accepted; false after `limit`.
    pub fn wait_accepted(&self, n: usize, limit: Duration) -> bool {
        self.wait_for(".eml", n, limit)
    }

    fn wait_for(&self, suffix: &str, n: usize, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if self.files(suffix).len() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}
