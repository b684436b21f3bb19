#![recursion_limit = "512"]
//! Maillage's server crate: HOW the product runs.
//!
//! `config` and `startup` build the process; `db` holds the storage queries; `services`
//! implements `app::ports` (the only place combining storage with other I/O); `http` serves
//! the JSON API, health checks and the Leptos application; `cli` runs the admin commands.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod http;
pub mod mail;
pub mod search;
pub mod services;
pub mod startup;
pub mod telemetry;
