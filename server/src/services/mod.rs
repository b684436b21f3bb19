//! Implementations of `app::ports`: the only place that combines storage with other I/O.
//! The JSON API and the server functions both call these.

pub mod accounts;
pub mod action_sheets;
pub mod activities;
pub mod claims;
mod directory;
pub mod governance;
pub mod monitoring;
pub mod needs;
pub mod network;
pub mod open_data;
pub mod places;
pub mod proposals;
pub mod search;

pub use directory::DirectoryService;
pub use search::{Gazetteer, SearchService};

use app::ports::Services;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Builds every service over one database connection pool and the search index.
#[allow(clippy::too_many_arguments)]
pub fn build(
    db: DatabaseConnection,
    index: crate::search::SearchIndex,
    gazetteer: Arc<Gazetteer>,
    accounts: accounts::AccountsService,
    proposals: proposals::ProposalService,
    network: network::NetworkService,
    needs: needs::NeedService,
    public_url: String,
    clock: crate::clock::Clock,
) -> Services {
    let places = gazetteer.places();
    let sheets =
        action_sheets::ActionSheetService::new(db.clone(), clock.clone(), public_url.clone());
    let search: Arc<dyn app::ports::Search> = Arc::new(SearchService::new(index, gazetteer));
    Services {
        directory: Arc::new(DirectoryService::new(db.clone(), places.clone())),
        governance: Arc::new(governance::GovernanceService::new(
            db.clone(),
            proposals.clone(),
            sheets.clone(),
            clock.clone(),
            public_url.clone(),
        )),
        action_sheets: Arc::new(sheets),
        monitoring: Arc::new(monitoring::MonitoringService::new(
            db.clone(),
            clock.clone(),
        )),
        claims: Arc::new(claims::ClaimService::new(
            db,
            places,
            search.clone(),
            public_url,
            clock,
        )),
        search,
        accounts: Arc::new(accounts),
        proposals: Arc::new(proposals),
        network: Arc::new(network),
        needs: Arc::new(needs),
    }
}
