//! One function per command, named as in [`crate::for_each_command!`]. Each
//! takes the call's context ([`crate::Ctx`], or the [`crate::Api`] for public
//! commands), calls the core, and tells [`crate::Events`] what changed.
//! No rule is decided here.

mod inbox;
mod jobs;
mod notices;
mod orders;
mod own_data;
mod session;
mod settings;
mod tools;
mod wizards;

pub use inbox::*;
pub use jobs::*;
pub use notices::*;
pub use orders::*;
pub use own_data::*;
pub use session::*;
pub use settings::*;
pub use tools::*;
pub use wizards::*;
