//! Timings in the real app on a big database (`ORDERDESK_PERF_DB`, e.g. the
//! million orders `orderdesk-cli bench` builds): window usable, search to
//! first page, click to order shown, as the webview measures them. Run by
//! `cargo xtask perf`; a benchmark, so it reports rather than asserts speed.

mod harness;

use std::time::Instant;

use harness::{App, Fixture, by};

fn median(v: Vec<f64>) -> f64 {
    percentile(v, 0.5)
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(at).copied().unwrap_or(f64::NAN)
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
    // The bridge and the backend alone, nothing rendered.
    let query = |text: &str| {
        serde_json::json!({ "query": {
            "text": text, "statuses": [], "date_from": null, "date_to": null, "handler": null,
            "unassigned": false, "department": null, "min_total_minor": null, "max_total_minor": null,
            "archived": false, "closed_as": null, "closed_from": null, "closed_to": null,
            "reason": null, "sort": "date_desc", "limit": 50, "after": null,
        }})
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
    let numbers = fx.sample_numbers(8);
    let names = ["华联", "上海宏达", "zs", "hualian", "Trading", "北京"];
    for text in names {
        app.search_text(text).await;
    }
    for n in &numbers {
        app.search(n, n).await;
        app.open(n).await;
    }
    // Every keystroke is a search of its own; what counts most is the page
    // for the whole text, shown when the typing stops.
    let search = app.timings("search").await;
    let searched = app.timing_labels("search").await;
    let whole = |text: &str| {
        searched
            .iter()
            .zip(&search)
            .rev()
            .find(|(label, _)| label.as_str() == text)
            .map(|(_, ms)| *ms)
            .unwrap_or(f64::NAN)
    };
    println!("typed → first page shown (ms, in the webview, after paint):");
    for text in names {
        println!("  customer {text}: {:.0}", whole(text));
    }
    let by_number: Vec<f64> = numbers.iter().map(|n| whole(n)).collect();
    println!("  order numbers: {:?}", rounded(&by_number));
    println!(
        "  every keystroke's search ({}): median {:.0}, p90 {:.0}",
        search.len(),
        median(search.clone()),
        percentile(search.clone(), 0.9)
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
    assert!(
        !search.is_empty() && !open.is_empty(),
        "the webview recorded timings"
    );
    app.logout().await;
    app.quit().await;
}
