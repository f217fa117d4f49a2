//! Placeholder for the desktop app (issue 3): until the Tauri shell lands it
//! only opens the data file the app will use, proving the core links.

fn main() {
    let path = std::env::var_os("ORDERDESK_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("orderdesk.db"));
    match orderdesk_core::Store::open(&path) {
        Ok(_) => println!(
            "OrderDesk: the desktop window arrives with the desktop issue; use orderdesk-cli meanwhile."
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
