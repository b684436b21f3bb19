//! Implementations of `app::ports`: the only place that combines storage with other I/O.
//! The JSON API and the server functions both call these.

pub mod accounts;
pub mod activities;
mod directory;
pub mod needs;
pub mod network;
pub mod places;
pub mod proposals;
pub mod search;

pub use directory::DirectoryService;
pub use search::{Gazetteer, SearchService};

use app::ports::Services;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Builds every service over one database connection pool and the search index.
pub fn build(
    db: DatabaseConnection,
    index: crate::search::SearchIndex,
    gazetteer: Arc<Gazetteer>,
    accounts: accounts::AccountsService,
    proposals: proposals::ProposalService,
    network: network::NetworkService,
    needs: needs::NeedService,
) -> Services {
    Services {
        directory: Arc::new(DirectoryService::new(db)),
        search: Arc::new(SearchService::new(index, gazetteer)),
        accounts: Arc::new(accounts),
        proposals: Arc::new(proposals),
        network: Arc::new(network),
        needs: Arc::new(needs),
    }
}
