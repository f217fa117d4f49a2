//! How the desktop shell and the CLI reach the API: a [`Backend`] is either
//! the API in this process, over a file of this PC, or an office server over
//! HTTPS with its certificate pinned. Both have the same typed methods, one
//! per command of [`orderdesk_api::for_each_command!`], generated from that
//! one list; the caller cannot tell which it talks to.

pub mod address;
mod discover;
pub mod pin;
mod remote;

use std::sync::{Arc, Mutex};

use orderdesk_api::Api;
use orderdesk_core::auth::Token;
use orderdesk_core::{Error, Result};

pub use discover::{Found, discover};
pub use remote::{EventSocket, Heard, Probe, Remote, install_crypto, probe};

/// Where the API is, and the session's token once logged in.
pub struct Backend {
    place: Place,
    token: Mutex<Option<Token>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("place", &self.place)
            .finish()
    }
}

#[derive(Debug, Clone)]
enum Place {
    ThisPc(Arc<Api>),
    Server(Arc<Remote>),
}

impl Backend {
    pub fn this_pc(api: Arc<Api>) -> Backend {
        Backend {
            place: Place::ThisPc(api),
            token: Mutex::new(None),
        }
    }

    pub fn server(remote: Arc<Remote>) -> Backend {
        Backend {
            place: Place::Server(remote),
            token: Mutex::new(None),
        }
    }

    /// The office server, when connected to one.
    pub fn remote(&self) -> Option<&Arc<Remote>> {
        match &self.place {
            Place::Server(r) => Some(r),
            Place::ThisPc(_) => None,
        }
    }

    /// The API in this process, on this PC.
    pub fn local(&self) -> Option<&Arc<Api>> {
        match &self.place {
            Place::ThisPc(api) => Some(api),
            Place::Server(_) => None,
        }
    }

    pub fn token(&self) -> Option<Token> {
        self.token.lock().ok().and_then(|t| t.clone())
    }

    pub fn set_token(&self, token: Option<Token>) {
        if let Ok(mut t) = self.token.lock() {
            *t = token;
        }
    }
}

/// Runs a call of the in-process API off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(Error::internal(format!("the call panicked: {e}"))))
}

macro_rules! backend_methods {
    ($( $(#[$meta:meta])* $access:ident $surface:ident $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $ret:ty ; )*) => {
        #[allow(clippy::too_many_arguments, clippy::unused_unit)]
        impl Backend {
            $(
                $(#[$meta])*
                pub async fn $name(&self, $( $arg: $ty ),*) -> Result<$ret> {
                    let token = self.token();
                    match &self.place {
                        Place::ThisPc(api) => {
                            let api = api.clone();
                            blocking(move || orderdesk_api::call::$name(&api, token.as_ref(), $( $arg ),*)).await
                        }
                        Place::Server(remote) => {
                            let params = orderdesk_api::params::$name { $( $arg ),* };
                            remote.call(stringify!($name), &params, token.as_ref()).await
                        }
                    }
                }
            )*
        }
    };
}

mod generated {
    use super::*;
    use orderdesk_api::types::*;
    orderdesk_api::for_each_command!(backend_methods);
}
