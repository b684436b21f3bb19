//! Server functions, one module per feature: the contract between browser and server.
//! Each is thin: validate, call a port, map the error.

pub mod accounts;
pub mod directory;
pub mod needs;
pub mod network;
pub mod organisations;
pub mod proposals;
pub mod search;
