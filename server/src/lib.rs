#![recursion_limit = "512"]
//! Maillage's server crate: HOW the product runs.
//!
//! `config` and `startup` build the process; `db` holds the storage queries; `services`
//! implements `app::ports` (the only place combining storage with other I/O); `http` serves
//! the JSON API, the HTML forms, health checks and the Leptos application, each handler
//! calling one port method through `AppState::services`; `cli` runs the admin commands;
//! `clock` is the one time every service judges by. The README's "Layout" gives the map:
//! where a new use case goes.

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
