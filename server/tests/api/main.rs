#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

//! Integration tests: the real server on port 0, on SQLite and, when
//! `MAILLAGE_TEST_POSTGRES_URL` is set, on PostgreSQL too. One binary for all.

mod helpers;

mod accounts;
mod action_sheets;
mod claims;
mod clusters;
mod directory;
mod governance;
mod land_sites;
mod mail;
mod monitoring;
mod needs;
mod network;
mod operations;
mod organisations;
mod problems;
mod proposals;
mod register;
mod search;
mod security;
mod vocabularies;
mod workflows;
