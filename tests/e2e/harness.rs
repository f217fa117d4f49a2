// Shared by the e2e and perf test binaries; each uses only part of it.
#![allow(dead_code)]

//! The e2e harness: a seeded database, tauri-driver, a recorder of desktop
//! notifications on the session bus, and a WebDriver session with helpers
//! that find elements by `data-testid`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use orderdesk_core::auth;
use orderdesk_core::domain::Status;
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::{Store, seed};
use thirtyfour::prelude::*;

const WAIT: Duration = Duration::from_secs(20);
const DRIVER_PORT: u16 = 4444;

pub fn by(testid: &str) -> By {
    By::Css(format!("[data-testid='{testid}']"))
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A process that is killed when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Records every `org.freedesktop.Notifications` call on the session bus.
pub struct Notifications {
    log: PathBuf,
    _monitor: Guard,
    _daemon: Option<Guard>,
    _keychain: Option<orderdesk_e2e::keychain::Proc>,
}

/// A session bus of its own (one desk's "desktop"), so that what one desk
/// shows is told apart from another's.
pub struct PrivateBus {
    pub address: String,
    _daemon: Guard,
}

impl PrivateBus {
    pub fn start() -> PrivateBus {
        use std::io::BufRead;
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus) must be installed");
        let out = daemon.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .expect("bus address");
        PrivateBus {
            address: line.trim().to_string(),
            _daemon: Guard(daemon),
        }
    }
}

impl Notifications {
    fn start(dir: &std::path::Path) -> Notifications {
        Notifications::start_on(dir, None)
    }

    /// Records the notifications of the session bus at `bus` (None: the
    /// session's own), with a real daemon answering them.
    pub fn start_on(dir: &std::path::Path, bus: Option<&str>) -> Notifications {
        let name = if bus.is_some() {
            "dbus-monitor-private.log"
        } else {
            "dbus-monitor.log"
        };
        let log = dir.join(name);
        let file = std::fs::File::create(&log).expect("monitor log");
        let on_bus = |c: &mut Command| {
            if let Some(address) = bus {
                c.env("DBUS_SESSION_BUS_ADDRESS", address);
            }
        };
        let mut monitor = Command::new("dbus-monitor");
        on_bus(&mut monitor);
        let monitor = monitor
            .args(["--session", "interface='org.freedesktop.Notifications'"])
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus) must be installed; run inside dbus-run-session");
        // A real daemon answers the calls and draws the bubble in screenshots.
        let mut daemon = Command::new("/usr/lib/notification-daemon/notification-daemon");
        on_bus(&mut daemon);
        let daemon = daemon
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()
            .map(Guard);
        Notifications {
            log,
            _monitor: Guard(monitor),
            _daemon: daemon,
            // Where the app keeps the database key when it encrypts.
            _keychain: orderdesk_e2e::keychain::secret_service(dir, bus),
        }
    }

    pub fn dump(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn clear(&self) {
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&self.log);
    }

    /// Whether a `Notify` call carrying `needle` reached the bus in time.
    pub fn wait_for(&self, needle: &str, within: Duration) -> bool {
        let end = Instant::now() + within;
        while Instant::now() < end {
            let text = self.dump();
            if text.contains("member=Notify") && text.contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        false
    }
}

#[derive(Debug, Clone)]
pub struct OrderRef {
    pub number: String,
    pub customer: String,
}

/// Rows (without the header) of the first sheet of an XLSX file.
pub fn xlsx_rows(path: &std::path::Path) -> usize {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("open the export");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    sheet.height().saturating_sub(1)
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub app: PathBuf,
    pub notifications: Notifications,
    store: Store,
    used: std::sync::Mutex<Vec<String>>,
}

impl Fixture {
    /// None when no app binary was given (the test then says how to run it).
    pub fn new() -> Option<Fixture> {
        let app = PathBuf::from(std::env::var_os("ORDERDESK_APP")?);
        assert!(
            app.exists(),
            "ORDERDESK_APP={} does not exist",
            app.display()
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("orderdesk.db");
        let store = Store::open(&db).expect("open");
        seed::seed(
            &store,
            &seed::SeedOptions {
                orders: 3000,
                seed: 5,
                anchor: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            },
        )
        .expect("seed");
        Some(Fixture::over(app, dir, db, store))
    }

    /// A fixture over an existing database (`ORDERDESK_PERF_DB`), for timings.
    pub fn existing() -> Option<Fixture> {
        let app = PathBuf::from(std::env::var_os("ORDERDESK_APP")?);
        let db = PathBuf::from(std::env::var_os("ORDERDESK_PERF_DB")?);
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&db).expect("open the big database");
        Some(Fixture::over(app, dir, db, store))
    }

    /// The app, its scratch folder (notifications are recorded there) and
    /// the database it opens.
    fn over(app: PathBuf, dir: tempfile::TempDir, db: PathBuf, store: Store) -> Fixture {
        let notifications = Notifications::start(dir.path());
        Fixture {
            dir,
            db,
            app,
            notifications,
            store,
            used: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Numbers of `n` active orders of clerk01's department.
    pub fn sample_numbers(&self, n: usize) -> Vec<String> {
        let clerk = auth::session_for(&self.store, "clerk01").expect("clerk01");
        search::search(
            &self.store,
            &clerk,
            &SearchQuery {
                limit: Some(500),
                ..Default::default()
            },
        )
        .expect("search")
        .rows
        .into_iter()
        .step_by(50)
        .take(n)
        .map(|r| r.number)
        .collect()
    }

    /// Where the app writes exports in this test (no save dialog).
    pub fn export_dir(&self) -> PathBuf {
        self.dir.path().join("exports")
    }

    /// The first complete export file, once it exists.
    pub fn wait_for_export(&self, within: Duration) -> PathBuf {
        let end = Instant::now() + within;
        loop {
            let found = std::fs::read_dir(self.export_dir()).ok().and_then(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
            });
            if let Some(p) = found {
                return p;
            }
            assert!(Instant::now() < end, "no export appeared");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// An unused order in `status` handled by `handler`, under the approval
    /// threshold when `small`.
    pub fn order(&self, status: Status, handler: &str, small: bool) -> OrderRef {
        let admin = auth::session_for(&self.store, "admin").expect("admin");
        let rows = search::search(
            &self.store,
            &admin,
            &SearchQuery {
                statuses: vec![status],
                handler: Some(handler.into()),
                limit: Some(500),
                ..Default::default()
            },
        )
        .expect("search")
        .rows;
        let mut used = self.used.lock().expect("used");
        let row = rows
            .into_iter()
            .find(|r| (r.total_minor < 5_000_000) == small && !used.contains(&r.number))
            .unwrap_or_else(|| panic!("no {status} order of {handler}"));
        used.push(row.number.clone());
        OrderRef {
            number: row.number,
            customer: row.customer,
        }
    }
}

pub struct App {
    driver: WebDriver,
    _tauri_driver: Guard,
    shots: PathBuf,
    prefix: &'static str,
}

/// A port nobody listens on right now, on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// How to start one app: its environment, and its own session bus if any.
pub struct Launch<'a> {
    pub app: &'a std::path::Path,
    pub env: Vec<(&'static str, std::ffi::OsString)>,
    pub bus: Option<&'a str>,
    pub driver_port: u16,
    /// Where its screenshots are named from: "" for the one-desk day.
    pub prefix: &'static str,
}

impl App {
    pub async fn start(fx: &Fixture) -> App {
        App::start_named(fx, "").await
    }

    /// Starts the app on the fixture, its screenshots named from `prefix`.
    pub async fn start_named(fx: &Fixture, prefix: &'static str) -> App {
        let xdg = fx.dir.path().join("xdg");
        std::fs::create_dir_all(fx.export_dir()).expect("exports");
        std::fs::create_dir_all(&xdg).expect("xdg");
        App::launch(Launch {
            app: &fx.app,
            env: vec![
                ("ORDERDESK_DB", fx.db.clone().into()),
                ("XDG_DATA_HOME", xdg.into()),
                ("ORDERDESK_EXPORT_DIR", fx.export_dir().into()),
            ],
            bus: None,
            driver_port: DRIVER_PORT,
            prefix,
        })
        .await
    }

    /// Starts tauri-driver (which starts the app) and a WebDriver session.
    pub async fn launch(l: Launch<'_>) -> App {
        // The WebDriver client's HTTPS stack needs a process-wide provider.
        orderdesk_client::install_crypto();
        let mut driver =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
        driver
            .args(["--port", &l.driver_port.to_string()])
            .args(["--native-port", &free_port().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in &l.env {
            driver.env(k, v);
        }
        if let Some(bus) = l.bus {
            driver.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        let guard = Guard(
            driver
                .spawn()
                .expect("tauri-driver (cargo install tauri-driver) must be on PATH"),
        );
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").expect("caps");
        caps.set("tauri:options", serde_json::json!({ "application": l.app }))
            .expect("caps");
        let end = Instant::now() + WAIT;
        let port = l.driver_port;
        let driver = loop {
            match WebDriver::new(format!("http://127.0.0.1:{port}"), caps.clone()).await {
                Ok(d) => break d,
                Err(e) if Instant::now() < end => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        };
        let shots = workspace().join("target/e2e-screenshots");
        std::fs::create_dir_all(&shots).expect("screenshot dir");
        App {
            driver,
            _tauri_driver: guard,
            shots,
            prefix: l.prefix,
        }
    }

    /// The WebDriver session, for what the helpers do not cover.
    pub fn driver(&self) -> &WebDriver {
        &self.driver
    }

    pub async fn quit(self) {
        let App {
            driver,
            _tauri_driver,
            ..
        } = self;
        let _ = driver.quit().await;
    }

    pub async fn shot(&self, name: &str) {
        // Let animations (modals, toasts) settle so the picture shows the state.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.driver.screenshot_as_png().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{}{name}.png", self.prefix)), png)
            .expect("write screenshot");
    }

    pub async fn wait(&self, by: By) -> WebElement {
        let end = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.driver.find(by.clone()).await
                && el.is_displayed().await.unwrap_or(false)
            {
                return el;
            }
            if Instant::now() > end {
                let _ = self.shot("zz-failure").await;
                panic!("{by:?} did not appear");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn gone(&self, by: By) {
        let end = Instant::now() + WAIT;
        while self.driver.find(by.clone()).await.is_ok() {
            assert!(Instant::now() < end, "{by:?} did not go away");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element once it is shown and still. A list that re-renders
    /// under the pointer (results of a search typed key by key arriving)
    /// replaces the element: then it is found again and clicked.
    pub async fn click(&self, testid: &str) {
        for attempt in 1..=5 {
            let el = self.wait(by(testid)).await;
            settled(&el).await;
            match el.click().await {
                Ok(()) => return,
                // Replaced by a re-render, or covered for a moment by a
                // dialog's mask that is still fading out.
                Err(e)
                    if attempt < 5
                        && (e.to_string().contains("stale")
                            || e.to_string().contains("intercepted")) =>
                {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("click {testid}: {e}"),
            }
        }
    }

    /// Clicks the element if it is (still) there; a click that finds it gone
    /// is not a failure.
    pub async fn try_click(&self, testid: &str) {
        if let Ok(el) = self.driver.find(by(testid)).await {
            let _ = el.click().await;
        }
    }

    pub async fn enabled(&self, testid: &str) -> bool {
        self.wait(by(testid))
            .await
            .is_enabled()
            .await
            .expect("enabled")
    }

    pub async fn text(&self, testid: &str) -> String {
        self.wait(by(testid)).await.text().await.expect("text")
    }

    pub async fn wait_text(&self, testid: &str, needle: &str) {
        let end = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.driver.find(by(testid)).await
                && el.text().await.unwrap_or_default().contains(needle)
            {
                return;
            }
            if Instant::now() > end {
                self.shot("zz-failure").await;
                panic!("{testid} never said {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The input with this test id (or the one inside it), emptied as a
    /// person would (select all, delete), so React sees the change.
    async fn empty_input(&self, testid: &str) -> WebElement {
        let el = self.wait(by(testid)).await;
        let input = match el.tag_name().await.expect("tag").as_str() {
            "input" | "textarea" => el,
            _ => el
                .find(By::Css("input, textarea"))
                .await
                .unwrap_or_else(|e| panic!("no input inside {testid}: {e}")),
        };
        // A dropdown or dialog still fading out may cover it for a moment.
        for attempt in 1..=5 {
            match input.click().await {
                Ok(()) => break,
                Err(e) if attempt < 5 && e.to_string().contains("intercepted") => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("focus {testid}: {e}"),
            }
        }
        input
            .send_keys(Key::Control + "a")
            .await
            .expect("select all");
        input.send_keys(Key::Backspace).await.expect("delete");
        input
    }

    /// Searches for `text` typed one key at a time, `gap` apart, as a person
    /// types; returns once the results had time to show.
    pub async fn search_typed(&self, text: &str, gap: Duration) {
        let input = self.empty_input("search-input").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        for key in text.chars() {
            input.send_keys(key.to_string()).await.expect("type");
            tokio::time::sleep(gap).await;
        }
        tokio::time::sleep(Duration::from_millis(600)).await;
    }

    /// Searches for `text` arriving whole, as an input method commits a word
    /// or a paste lands; returns once the results had time to show.
    pub async fn search_committed(&self, text: &str) {
        let input = self.empty_input("search-input").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.driver
            .execute(
                "const [el, text] = arguments;
                 Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, text);
                 el.dispatchEvent(new InputEvent('input', { bubbles: true, data: text, inputType: 'insertText' }));",
                vec![input.to_json().expect("element"), serde_json::json!(text)],
            )
            .await
            .expect("commit text");
        tokio::time::sleep(Duration::from_millis(600)).await;
    }

    /// Types into the input with this test id.
    pub async fn type_into(&self, testid: &str, text: &str) {
        let input = self.empty_input(testid).await;
        input.send_keys(text).await.expect("type");
    }

    /// Picks the option labelled `label` in the antd Select with this test id.
    pub async fn choose(&self, testid: &str, label: &str) {
        self.click(testid).await;
        let option = self
            .wait(By::XPath(format!(
                "//div[contains(@class,'ant-select-item-option') and @title='{label}']"
            )))
            .await;
        settled(&option).await;
        option.click().await.expect("option");
    }

    /// Switches to a window other than the current one, once it exists;
    /// returns the handle left behind.
    pub async fn switch_to_new_window(&self) -> WindowHandle {
        let current = self.driver.window().await.expect("current window");
        let end = Instant::now() + WAIT;
        loop {
            let handles = self.driver.windows().await.expect("windows");
            if let Some(other) = handles.iter().find(|h| **h != current) {
                self.driver
                    .switch_to_window(other.clone())
                    .await
                    .expect("switch");
                return current;
            }
            assert!(
                Instant::now() < end,
                "no second window opened ({} handles)",
                handles.len()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn switch_back(&self, handle: WindowHandle) {
        self.driver
            .switch_to_window(handle)
            .await
            .expect("switch back");
    }

    pub async fn attribute_number(&self, testid: &str, name: &str) -> i64 {
        let end = Instant::now() + WAIT;
        loop {
            let el = self.wait(by(testid)).await;
            if let Some(n) = el
                .attr(name)
                .await
                .expect("attr")
                .and_then(|v| v.parse().ok())
                && n > 0
            {
                // Let a pending refetch land before trusting it.
                tokio::time::sleep(Duration::from_millis(500)).await;
                let again = self.wait(by(testid)).await.attr(name).await.expect("attr");
                return again.and_then(|v| v.parse().ok()).unwrap_or(n);
            }
            assert!(Instant::now() < end, "{testid} has no {name}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Calls a backend command from the page, as a script could; returns the
    /// outcome as text ("ok" or the error's JSON).
    pub async fn invoke(&self, command: &str) -> String {
        let ret = self
            .driver
            .execute_async(
                format!(
                    "const done = arguments[arguments.length - 1];
                     window.__TAURI_INTERNALS__.invoke('{command}').then(() => done('ok'), (e) => done(JSON.stringify(e)));"
                ),
                Vec::new(),
            )
            .await
            .expect("invoke");
        ret.json().as_str().unwrap_or_default().to_string()
    }

    /// Round trips (ms) of `times` calls of `command` with `args`, timed in the
    /// page and rendering nothing: the bridge and the backend alone.
    pub async fn round_trips(
        &self,
        command: &str,
        args: serde_json::Value,
        times: usize,
    ) -> Vec<f64> {
        let ret = self
            .driver
            .execute_async(
                format!(
                    "const done = arguments[arguments.length - 1];
                     (async () => {{
                       const out = [];
                       for (let i = 0; i < {times}; i++) {{
                         const t = performance.now();
                         await window.__TAURI_INTERNALS__.invoke('{command}', {args});
                         out.push(performance.now() - t);
                       }}
                       done(out);
                     }})().catch((e) => done(String(e)));"
                ),
                Vec::new(),
            )
            .await
            .expect("round trips");
        serde_json::from_value(ret.json().clone())
            .unwrap_or_else(|_| panic!("{command} failed: {}", ret.json()))
    }

    pub async fn login(&self, user: &str) {
        self.type_into("login-user", user).await;
        self.type_into("login-password", "demo").await;
        self.click("login-submit").await;
        self.wait(by("search-input")).await;
    }

    pub async fn logout(&self) {
        self.click("user-menu").await;
        self.click("logout").await;
        self.wait(by("login-user")).await;
    }

    /// Switches the UI to Chinese.
    pub async fn chinese(&self) {
        self.click("lang-zh").await;
        self.wait_text("nav-orders", "订单").await;
    }

    /// Types a search and waits until `expect` is listed; returns how long
    /// it took from Enter to the row.
    pub async fn search(&self, text: &str, expect: &str) -> Duration {
        self.click("nav-orders").await;
        let input = self.empty_input("search-input").await;
        input.send_keys(text).await.expect("type");
        let start = Instant::now();
        input.send_keys(Key::Enter).await.expect("enter");
        self.wait(by(&format!("order-row-{expect}"))).await;
        start.elapsed()
    }

    /// Searches for text and waits for the result count to settle.
    pub async fn search_text(&self, text: &str) {
        let input = self.empty_input("search-input").await;
        input.send_keys(text).await.expect("type");
        input.send_keys(Key::Enter).await.expect("enter");
        tokio::time::sleep(Duration::from_millis(600)).await;
    }

    /// Opens an order from the list; returns how long until its detail shows.
    pub async fn open(&self, number: &str) -> Duration {
        let start = Instant::now();
        self.click_row(number).await;
        self.wait_text("detail-number", number).await;
        start.elapsed()
    }

    /// Clicks a row of a (virtual) order list, on its number cell.
    pub async fn click_row(&self, number: &str) {
        let row = self.wait(by(&format!("order-row-{number}"))).await;
        let cell = row
            .find(By::XPath(format!(
                ".//*[normalize-space(text())='{number}']"
            )))
            .await
            .expect("number cell");
        settled(&cell).await;
        cell.click()
            .await
            .unwrap_or_else(|e| panic!("click {number}: {e}"));
    }

    /// The latest timing of `name` labelled `label` (NaN if none).
    pub async fn last_timing(&self, name: &str, label: &str) -> f64 {
        let times = self.timings(name).await;
        let labels = self.timing_labels(name).await;
        labels
            .iter()
            .zip(&times)
            .rev()
            .find(|(l, _)| l.as_str() == label)
            .map_or(f64::NAN, |(_, ms)| *ms)
    }

    /// What each of the UI's timings of `name` was for (e.g. the text
    /// searched), in the same order as [`App::timings`].
    pub async fn timing_labels(&self, name: &str) -> Vec<String> {
        let ret = self
            .driver
            .execute(
                format!("return (window.__odTimingLabels || {{}})['{name}'] || [];"),
                Vec::new(),
            )
            .await
            .expect("timing labels");
        serde_json::from_value(ret.json().clone()).expect("labels are strings")
    }

    /// The UI's own timings (ms) of `name`, measured inside the webview.
    pub async fn timings(&self, name: &str) -> Vec<f64> {
        let ret = self
            .driver
            .execute(
                format!("return (window.__odTimings || {{}})['{name}'] || [];"),
                Vec::new(),
            )
            .await
            .expect("timings");
        serde_json::from_value(ret.json().clone()).unwrap_or_default()
    }
}

/// Waits until an element stops moving (a modal zooming in, a drawer sliding),
/// so a click lands on it and not where it was a moment ago.
async fn settled(el: &WebElement) {
    let end = Instant::now() + Duration::from_secs(2);
    let place = async || el.rect().await.ok().map(|r| (r.x, r.y, r.width, r.height));
    let mut last = place().await;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let now = place().await;
        if now.is_some() && now == last {
            return;
        }
        last = now;
    }
}

/// The office server as a real process on 127.0.0.1, over a seeded database
/// in its data folder; it can be killed (-9) and started again on its port.
pub struct OfficeServer {
    pub data: PathBuf,
    pub address: String,
    pub fingerprint: String,
    process: Option<Guard>,
}

fn server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("ORDERDESK_SERVER_BIN") {
        return PathBuf::from(bin);
    }
    let app = PathBuf::from(std::env::var_os("ORDERDESK_APP").unwrap_or_default());
    app.with_file_name(format!("orderdesk-server{}", std::env::consts::EXE_SUFFIX))
}

impl OfficeServer {
    /// Serves `data` (which holds `orderdesk.db`) on `listen`.
    pub fn start(data: &std::path::Path, listen: &str) -> OfficeServer {
        let _ = std::fs::remove_file(data.join("server.json"));
        let bin = server_bin();
        assert!(
            bin.exists(),
            "{} does not exist (cargo build -p orderdesk-server)",
            bin.display()
        );
        let child = Command::new(bin)
            .arg("--data")
            .arg(data)
            .args(["--listen", listen, "--no-discovery"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start orderdesk-server");
        let end = Instant::now() + WAIT;
        let state = loop {
            if let Ok(text) = std::fs::read_to_string(data.join("server.json"))
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            {
                break v;
            }
            assert!(Instant::now() < end, "the office server did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        OfficeServer {
            data: data.to_path_buf(),
            address: state["listen"].as_str().expect("listen").to_string(),
            fingerprint: state["fingerprint"]
                .as_str()
                .expect("fingerprint")
                .to_string(),
            process: Some(Guard(child)),
        }
    }

    /// Publishes a (dummy, signed-looking) update of `version` for this
    /// platform, as `orderdesk-server publish-update` does.
    pub fn publish_update(&self, version: &str) {
        let out = self.data.join("release");
        std::fs::create_dir_all(&out).expect("release folder");
        let bundle = out.join(format!("OrderDesk_{version}_amd64.AppImage"));
        std::fs::write(&bundle, b"not really an AppImage").expect("bundle");
        let mut sig = bundle.as_os_str().to_owned();
        sig.push(".sig");
        std::fs::write(sig, "dW50cnVzdGVkIGNvbW1lbnQ=").expect("signature");
        let status = Command::new(server_bin())
            .arg("--data")
            .arg(&self.data)
            .arg("publish-update")
            .arg(&bundle)
            .args(["--version", version, "--platform", "linux-x86_64"])
            .status()
            .expect("publish-update");
        assert!(status.success(), "publish-update failed");
    }

    /// Kills the process at once (SIGKILL): no shutdown of any kind.
    pub fn kill(&mut self) {
        if let Some(mut g) = self.process.take() {
            let _ = g.0.kill();
            let _ = g.0.wait();
        }
    }

    /// Starts it again on the same port, as a service manager would.
    pub fn restart(&mut self) {
        self.kill();
        let mut again = OfficeServer::start(&self.data, &self.address.clone());
        assert_eq!(
            again.fingerprint, self.fingerprint,
            "same certificate after a restart"
        );
        self.process = again.process.take();
    }
}

impl Fixture {
    /// A seeded database in a server data folder (`<tmp>/server/orderdesk.db`).
    pub fn office() -> Option<Fixture> {
        let app = PathBuf::from(std::env::var_os("ORDERDESK_APP")?);
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("server");
        std::fs::create_dir_all(&data).expect("server data");
        let db = data.join("orderdesk.db");
        let store = Store::open(&db).expect("open");
        seed::seed(
            &store,
            &seed::SeedOptions {
                orders: 3000,
                seed: 5,
                anchor: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            },
        )
        .expect("seed");
        Some(Fixture::over(app, dir, db, store))
    }
}
