//! Timings in the real app on a big database (`ORDERDESK_PERF_DB`, e.g. the
//! million orders `orderdesk-cli bench` builds): window usable, search to
//! first page, click to order shown, as the webview measures them. Run by
//! `cargo xtask perf`; a benchmark, so it reports rather than asserts speed.

mod harness;

use std::time::Instant;

use harness::{App, Fixture, by};

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
    let numbers = fx.sample_numbers(8);
    for text in ["华联", "上海宏达", "zs", "hualian", "Trading", "北京"] {
        app.search_text(text).await;
    }
    for n in &numbers {
        app.search(n, n).await;
        app.open(n).await;
    }
    // An order already on screen "opens" in 0 ms; those say nothing.
    let search = app.timings("search").await;
    let open: Vec<f64> = app
        .timings("open")
        .await
        .into_iter()
        .filter(|ms| *ms > 0.5)
        .collect();
    println!("search → first page shown (ms, in the webview): {search:?}");
    println!("click → order shown (ms, in the webview): {open:?}");
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let ipc = app.timings("ipc").await;
    println!(
        "median search {:.0} ms, median open {:.0} ms, median bridge call {:.1} ms (max {:.0})",
        median(search.clone()),
        median(open.clone()),
        median(ipc.clone()),
        ipc.iter().cloned().fold(0.0, f64::max)
    );
    assert!(
        !search.is_empty() && !open.is_empty(),
        "the webview recorded timings"
    );
    app.logout().await;
    app.quit().await;
}
