//! One Tauri command per `desk` command of the API definition, with exactly
//! its parameters and result: it hands them to the backend. Nothing here is
//! written per command.

use orderdesk_api::types::*;

use crate::error::BridgeResult;
use crate::state::AppState;

macro_rules! desk_commands {
    (@one desk $(#[$meta:meta])* $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $ret:ty) => {
        $(#[$meta])*
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(state: tauri::State<'_, AppState>, $( $arg: $ty ),*) -> BridgeResult<$ret> {
            let backend = state.backend()?;
            backend.$name($( $arg ),*).await.map_err(|e| state.fail(&e))
        }
    };
    (@one $surface:ident $($rest:tt)*) => {};
    ($( $(#[$meta:meta])* $access:ident $surface:ident $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $ret:ty ; )*) => {
        $( desk_commands!(@one $surface $(#[$meta])* $name ( $( $arg : $ty ),* ) -> $ret); )*
    };
}

orderdesk_api::for_each_command!(desk_commands);

/// `tauri_specta::collect_commands!` over the hand-written commands given
/// first, then every generated one.
#[macro_export]
macro_rules! bridge_commands {
    (@collect [$($done:tt)*]) => {
        tauri_specta::collect_commands![ $($done)* ]
    };
    (@collect [$($done:tt)*] $(#[$meta:meta])* $access:ident desk $name:ident ( $($args:tt)* ) -> $ret:ty ; $($rest:tt)*) => {
        $crate::bridge_commands!(@collect [$($done)* $crate::commands::generated::$name,] $($rest)*)
    };
    (@collect [$($done:tt)*] $(#[$meta:meta])* $access:ident $surface:ident $name:ident ( $($args:tt)* ) -> $ret:ty ; $($rest:tt)*) => {
        $crate::bridge_commands!(@collect [$($done)*] $($rest)*)
    };
}
