//! Server functions, one module per feature: the contract between browser and server.
//! Each is thin: validate, call a port, map the error.

pub mod accounts;
pub mod action_sheets;
pub mod claims;
pub mod clusters;
pub mod directory;
pub mod governance;
pub mod monitoring;
pub mod needs;
pub mod network;
pub mod organisations;
pub mod proposals;
pub mod search;

/// A code as an address gives it (a kind, a theme, a sort order...): empty means "any", as
/// forms send for their blank choice; anything else is taken exactly as sent, so a code with
/// spaces, or spaces alone, is an unknown code and refused, as the API's document says.
pub fn code_param(raw: &str) -> Option<String> {
    (!raw.is_empty()).then(|| raw.to_owned())
}
