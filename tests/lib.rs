//! End-to-end tests (see e2e/main.rs), and what the CLI's tests share with
//! them: a keychain of their own, and a real SMTP server.

pub mod keychain;
pub mod smtp;
