//! Integration tests of the core on real SQLite files: every rule of
//! DESIGN.md, the refusals, and property tests of the invariants.

mod admin;
mod archive;
mod auth;
mod bad_input;
mod cancel;
mod encryption;
mod export;
mod import;
mod invariants;
mod outbox;
mod own_data;
mod reassign;
mod search;
mod support;
mod trust;
