//! Pure, wasm-safe types and rules shared by the browser and the server.
//!
//! Nothing here performs I/O: the same code validates a form in the browser and enforces the
//! rule on the server.

pub mod action_sheet;
pub mod claim;
pub mod cluster;
pub mod contact;
pub mod exchange;
pub mod geo;
pub mod governance;
pub mod ids;
pub mod matching;
pub mod monitoring;
pub mod need;
pub mod notification;
pub mod organisation;
pub mod partners;
pub mod policy;
pub mod proposal;
pub mod text;
pub mod theme;
pub mod workflow;
