//! Timings in the real app on a big database (`ORDERDESK_PERF_DB`, e.g. the
//! million orders `orderdesk-cli bench` builds): window usable, search to
//! first page, click to order shown, as the webview measures them. Run by
//! `cargo xtask perf`; a benchmark, so it reports rather than asserts speed.

mod harness;

use std::time::Instant;

use harness::{App, Fixture, by};
use orderdesk_core::search::SearchQuery;

fn median(v: Vec<f64>) -> f64 {
    percentile(v, 0.5)
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(at).copied().unwrap_or(f64::NAN)
}

/// Proportional set size (MB) of the app started from `exe` and of each
/// process it started (WebKit's web and network processes), by name: what
/// the app costs in memory, shared pages divided among their users.
fn memory_mb(exe: &std::path::Path) -> Vec<(String, f64)> {
    let Ok(exe) = exe.canonicalize() else {
        return Vec::new();
    };
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let parent = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The fields after the command name, which is in parentheses.
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let pss = |pid: u32| -> Option<(String, f64)> {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
        let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some((name.trim().to_string(), kb / 1024.0))
    };
    let Some(app) = pids
        .iter()
        .copied()
        .find(|&pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
    else {
        return Vec::new();
    };
    std::iter::once(app)
        .chain(pids.iter().copied().filter(|&pid| parent(pid) == Some(app)))
        .filter_map(pss)
        .collect()
}

fn memory_line(exe: &std::path::Path) -> String {
    let all = memory_mb(exe);
    let total: f64 = all.iter().map(|(_, mb)| mb).sum();
    let each: Vec<String> = all.iter().map(|(n, mb)| format!("{n} {mb:.0}")).collect();
    format!("{} = {total:.0} MB (PSS)", each.join(" + "))
}

fn rounded(v: &[f64]) -> Vec<i64> {
    v.iter().map(|ms| ms.round() as i64).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timings_on_a_big_database() {
    let fx = Fixture::existing()
        .expect("set ORDERDESK_APP and ORDERDESK_PERF_DB (cargo xtask perf does)");
    let started = Instant::now();
    let app = App::start(&fx).await;
    app.wait(by("login-user")).await;
    println!(
        "window usable: {:?} after the WebDriver session started",
        started.elapsed()
    );
    let t = Instant::now();
    app.login("clerk01").await;
    app.wait(by("result-total")).await;
    println!("log in to first page: {:?}", t.elapsed());
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    println!("memory, idle after logging in: {}", memory_line(&fx.app));
    // The bridge and the backend alone, nothing rendered.
    let query = |text: &str| {
        let q = SearchQuery {
            text: Some(text.into()),
            limit: Some(50),
            ..Default::default()
        };
        serde_json::json!({ "query": q })
    };
    let small = app
        .round_trips("departments", serde_json::json!({}), 20)
        .await;
    let by_name = app.round_trips("search_orders", query("华联"), 20).await;
    println!(
        "bridge alone, median of 20 (ms): small answer {:.1}, customer-name search page {:.1}",
        median(small),
        median(by_name)
    );
    // What a search shows, once typing stops: customer names as an input
    // method commits them (or a paste lands), names and order numbers typed
    // key by key at a person's pace (120 ms a key; every key is a search of
    // its own), and a burst of keys as fast as WebDriver sends them.
    let numbers = fx.sample_numbers(8);
    let names = [
        "华联",
        "北京",
        "上海宏达",
        "zs",
        "hualian",
        "Trading",
        "上海宏达",
    ];
    let mut committed = Vec::new();
    for text in names {
        app.search_committed(text).await;
        committed.push(app.last_timing("search", text).await);
    }
    let pace = std::time::Duration::from_millis(120);
    let mut typed = Vec::new();
    for text in ["hualian", "Trading", "shhd"] {
        app.search_typed(text, pace).await;
        typed.push(app.last_timing("search", text).await);
    }
    let mut numbers_typed = Vec::new();
    for n in &numbers {
        app.search_typed(n, pace).await;
        numbers_typed.push(app.last_timing("search", n).await);
        // Clicked, then left alone for a moment: WebDriver's polling for the
        // detail runs in the page, and would be timed with it.
        app.click_row(n).await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        app.wait_text("detail-number", n).await;
    }
    let mut burst = Vec::new();
    for text in ["上海宏达", "Trading", numbers[0].as_str()] {
        app.search_text(text).await;
        burst.push(app.last_timing("search", text).await);
    }
    let all = app.timings("search").await;
    println!("typed → first page shown (ms, in the webview, after paint):");
    println!(
        "  names committed at once {names:?}: {:?}",
        rounded(&committed)
    );
    println!(
        "  names typed key by key [hualian, Trading, shhd]: {:?}",
        rounded(&typed)
    );
    println!(
        "  order numbers typed key by key: {:?}",
        rounded(&numbers_typed)
    );
    println!(
        "  burst of keys [上海宏达, Trading, a number]: {:?}",
        rounded(&burst)
    );
    println!(
        "  every search of the run, each key included ({}): median {:.0}, p90 {:.0}",
        all.len(),
        median(all.clone()),
        percentile(all.clone(), 0.9)
    );
    let open = app.timings("open").await;
    println!(
        "click → order shown (ms, in the webview, after paint): {:?}; median {:.0}",
        rounded(&open),
        median(open.clone())
    );
    let ipc = app.timings("ipc").await;
    println!(
        "bridge calls while the UI worked: median {:.1} ms, max {:.0}",
        median(ipc.clone()),
        ipc.iter().cloned().fold(0.0, f64::max)
    );
    // Idle: nothing done for a few seconds. The webview's share depends on
    // when JavaScriptCore last collected garbage; it varies by 100 MB.
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    println!("memory, idle after the run: {}", memory_line(&fx.app));
    assert!(
        !all.is_empty() && !open.is_empty(),
        "the webview recorded timings"
    );
    app.logout().await;
    app.quit().await;
}
