//! Live events: one WebSocket per desk session. The API tells the hub what
//! changed ([`Events`]); a worker thread decides who may hear of it (only
//! orders a session may read; only a person's own inbox) and pushes it.
//! Changes that arrive together are sent together, so a busy office costs
//! one round of checks per burst, not one per change.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use orderdesk_api::wire::ServerEvent;
use orderdesk_api::{Api, Events};
use orderdesk_core::auth::{self, Token};
use orderdesk_core::jobs::JobStatus;
use orderdesk_core::{Error, detail, inbox};
use tokio::sync::mpsc::UnboundedSender;

/// How often inboxes are looked at without being told (changes made by the
/// CLI on the server's own file reach the desks this way).
const SWEEP: Duration = Duration::from_secs(5);

pub(crate) enum Work {
    Orders(Vec<String>),
    Inbox,
    Settings(String),
    /// The server stopped: the worker ends.
    Close,
}

struct Conn {
    token: Token,
    tx: UnboundedSender<ServerEvent>,
    /// Newest inbox item this desk has been sent.
    last_item: i64,
    unread: Option<i64>,
}

pub struct Hub {
    conns: Mutex<HashMap<u64, Conn>>,
    next: AtomicU64,
    work: Mutex<Sender<Work>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hub {
    /// The hub, and the receiving end its worker reads ([`Hub::run_worker`]).
    pub(crate) fn new() -> (Arc<Hub>, Receiver<Work>) {
        let (tx, rx) = std::sync::mpsc::channel();
        let hub = Arc::new(Hub {
            conns: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            work: Mutex::new(tx),
        });
        (hub, rx)
    }

    /// Starts the worker thread that turns changes into events.
    pub(crate) fn run_worker(self: &Arc<Hub>, api: Arc<Api>, rx: Receiver<Work>) {
        let hub = self.clone();
        std::thread::Builder::new()
            .name("event-hub".into())
            .spawn(move || hub.work_loop(&api, &rx))
            .map_err(|e| log::error!("cannot start the event hub: {e}"))
            .ok();
    }

    fn push(&self, work: Work) {
        let _ = lock(&self.work).send(work);
    }

    /// A desk's WebSocket opened; returns its id for [`Hub::leave`].
    pub fn join(&self, token: Token, tx: UnboundedSender<ServerEvent>, after: i64) -> u64 {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        lock(&self.conns).insert(
            id,
            Conn {
                token,
                tx,
                last_item: after,
                unread: None,
            },
        );
        // What arrived while the desk was away appears now.
        self.push(Work::Inbox);
        id
    }

    pub fn leave(&self, id: u64) {
        lock(&self.conns).remove(&id);
    }

    /// Desks connected now.
    pub fn connected(&self) -> usize {
        lock(&self.conns).len()
    }

    /// Ends the worker thread (after the server stopped).
    pub fn close(&self) {
        self.push(Work::Close);
    }

    /// Tells every desk the server is going; their sockets then close.
    pub fn stopping(&self) {
        for conn in lock(&self.conns).values() {
            let _ = conn.tx.send(ServerEvent::ServerStopping);
        }
    }

    fn work_loop(&self, api: &Api, rx: &Receiver<Work>) {
        loop {
            let first = match rx.recv_timeout(SWEEP) {
                Ok(w) => Some(w),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // A quiet spell looks at the inboxes anyway.
            let mut burst = Burst {
                inbox: first.is_none(),
                ..Burst::default()
            };
            first
                .into_iter()
                .chain(rx.try_iter())
                .for_each(|w| burst.add(w));
            if burst.closed {
                return;
            }
            self.deliver(api, &burst);
        }
    }

    fn deliver(&self, api: &Api, burst: &Burst) {
        let targets: Vec<(u64, Token, i64, Option<i64>)> = lock(&self.conns)
            .iter()
            .map(|(id, c)| (*id, c.token.clone(), c.last_item, c.unread))
            .collect();
        for (id, token, last_item, unread) in targets {
            match events_for(api, &token, burst, last_item, unread) {
                Ok((events, last_item, unread)) => {
                    if let Some(conn) = lock(&self.conns).get_mut(&id) {
                        conn.last_item = last_item;
                        conn.unread = unread;
                        for e in events {
                            let _ = conn.tx.send(e);
                        }
                    }
                }
                Err(e) if e.is_forbidden() => {
                    if let Some(conn) = lock(&self.conns).remove(&id) {
                        let _ = conn.tx.send(ServerEvent::SessionEnded {
                            msg: e.msg().clone(),
                        });
                    }
                }
                Err(e) => log::warn!("events for a desk: {}", e.log_detail()),
            }
        }
    }
}

#[derive(Default)]
struct Burst {
    /// None: no order changed; Some(empty): many did.
    orders: Option<BTreeSet<String>>,
    many: bool,
    inbox: bool,
    settings: BTreeSet<String>,
    closed: bool,
}

impl Burst {
    fn add(&mut self, work: Work) {
        match work {
            Work::Orders(numbers) => {
                self.many |= numbers.is_empty();
                self.orders.get_or_insert_default().extend(numbers);
            }
            Work::Inbox => self.inbox = true,
            Work::Settings(what) => {
                self.settings.insert(what);
            }
            Work::Close => self.closed = true,
        }
    }
}

type Delivery = (Vec<ServerEvent>, i64, Option<i64>);

/// What one session hears of a burst of changes.
fn events_for(
    api: &Api,
    token: &Token,
    burst: &Burst,
    mut last_item: i64,
    mut unread: Option<i64>,
) -> Result<Delivery, Error> {
    let store = api.store();
    let session = auth::peek(store, token)?;
    let mut out = Vec::new();
    if let Some(numbers) = &burst.orders {
        if burst.many {
            out.push(ServerEvent::OrdersChanged {
                numbers: Vec::new(),
            });
        } else {
            let all: Vec<String> = numbers.iter().cloned().collect();
            let readable = detail::readable(store, &session, &all)?;
            if !readable.is_empty() {
                out.push(ServerEvent::OrdersChanged { numbers: readable });
            }
        }
    }
    if burst.inbox {
        let fresh = inbox::unread_since(store, &session, last_item)?;
        if let Some(newest) = fresh.iter().map(|i| i.id).max() {
            last_item = newest;
            out.push(ServerEvent::Notify { items: fresh });
        }
        let count = inbox::unread_count(store, &session)?;
        if unread != Some(count) {
            unread = Some(count);
            out.push(ServerEvent::InboxChanged { unread: count });
        }
    }
    for what in &burst.settings {
        out.push(ServerEvent::SettingsChanged { what: what.clone() });
    }
    Ok((out, last_item, unread))
}

impl Events for Hub {
    fn orders_changed(&self, numbers: &[String]) {
        self.push(Work::Orders(numbers.to_vec()));
    }

    fn inbox_changed(&self) {
        self.push(Work::Inbox);
    }

    fn job_progress(&self, token: &Token, status: &JobStatus) {
        for conn in lock(&self.conns).values().filter(|c| &c.token == token) {
            let _ = conn.tx.send(ServerEvent::JobProgress {
                status: status.clone(),
            });
        }
    }

    fn settings_changed(&self, what: &str) {
        self.push(Work::Settings(what.to_string()));
    }

    fn sessions_ended(&self, msg: &orderdesk_core::Msg) {
        for (_, conn) in lock(&self.conns).drain() {
            let _ = conn.tx.send(ServerEvent::SessionEnded { msg: msg.clone() });
        }
    }
}
