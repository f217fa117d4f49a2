//! Connected mode: the session's event socket to the office server, kept
//! open for as long as someone is logged in. Reconnects with backoff; while
//! it is down the windows say so (and refuse changes); once back, they
//! refresh what they show. Desktop notifications for this desk's user are
//! raised from what the server pushes.

use std::sync::atomic::Ordering;
use std::time::Duration;

use orderdesk_api::wire::ServerEvent;
use orderdesk_client::Heard;
use orderdesk_core::{Error, ErrorKind, Msg};
use tauri::{AppHandle, Manager};

use crate::events::{
    InboxChanged, JobProgress, OrdersChanged, SessionEnded, SettingsChanged, emit,
};
use crate::notifier;
use crate::state::{AppState, LinkState};

/// The server pings every 20 s; this long without a word means it is gone.
const SILENCE: Duration = Duration::from_secs(45);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// Starts (or restarts) the event socket of the logged-in session.
pub fn start(app: &AppHandle) {
    stop(app);
    let state = app.state::<AppState>();
    let handle = tauri::async_runtime::spawn(run(app.clone()));
    *state.live.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
}

pub fn stop(app: &AppHandle) {
    let state = app.state::<AppState>();
    if let Some(h) = state.live.lock().unwrap_or_else(|p| p.into_inner()).take() {
        h.abort();
    }
}

async fn run(app: AppHandle) {
    let mut backoff = Duration::from_millis(500);
    let mut was_down = false;
    loop {
        let state = app.state::<AppState>();
        let Ok(backend) = state.backend() else { return };
        let (Some(remote), Some(token)) = (backend.remote().cloned(), backend.token()) else {
            return;
        };
        let after = state.last_shown.load(Ordering::SeqCst);
        match remote.events(&token, after).await {
            Ok(mut socket) => {
                state.set_link(LinkState::Connected, None);
                backoff = Duration::from_millis(500);
                if was_down {
                    refresh_everything(&app);
                }
                let why = listen(&app, &mut socket).await;
                if let Some(e) = why {
                    return ended(&app, &e);
                }
                let lost = Error::new(ErrorKind::Unavailable, Msg::Disconnected);
                state.set_link(LinkState::Reconnecting, Some(lost.message(state.lang())));
            }
            Err(e) if e.is_forbidden() => return ended(&app, &e),
            Err(e) => state.set_link(LinkState::Reconnecting, Some(e.message(state.lang()))),
        }
        was_down = true;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Passes events on until the socket goes; Some(why) when the session ended.
async fn listen(app: &AppHandle, socket: &mut orderdesk_client::EventSocket) -> Option<Error> {
    loop {
        let event = match socket.next_within(SILENCE).await {
            Heard::Event(e) => e,
            Heard::Gone => return None,
        };
        match event {
            ServerEvent::Hello { .. } => {}
            ServerEvent::OrdersChanged { numbers } => emit(app, OrdersChanged { numbers }),
            ServerEvent::InboxChanged { unread } => emit(app, InboxChanged { unread }),
            ServerEvent::Notify { items } => notifier::show(app, &items),
            ServerEvent::JobProgress { status } => emit(app, JobProgress { status }),
            ServerEvent::SettingsChanged { what } => emit(app, SettingsChanged { what }),
            ServerEvent::SessionEnded { msg } => return Some(Error::forbidden(msg)),
            ServerEvent::ServerStopping => return None,
        }
    }
}

/// After being away, everything on screen may be stale.
fn refresh_everything(app: &AppHandle) {
    emit(
        app,
        OrdersChanged {
            numbers: Vec::new(),
        },
    );
    emit(app, SettingsChanged { what: "all".into() });
    let app = app.clone();
    tauri::async_runtime::spawn(async move { notifier::check_now(&app).await });
}

fn ended(app: &AppHandle, e: &Error) {
    let state = app.state::<AppState>();
    state.set_link(LinkState::Idle, None);
    emit(
        app,
        SessionEnded {
            message: e.message(state.lang()),
            reason: msg_id(e.msg()),
        },
    );
}

/// The core's id of a message (`session_locked`, …), for the UI to branch on.
pub fn msg_id(msg: &Msg) -> String {
    serde_json::to_value(msg)
        .ok()
        .and_then(|v| {
            v.get("message_id")
                .and_then(|i| i.as_str())
                .map(String::from)
        })
        .unwrap_or_default()
}
