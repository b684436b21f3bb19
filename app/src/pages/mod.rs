//! The pages: one file per page; a feature with several pages is a folder (`auth/`,
//! `needs/`, `network/`, `proposals/`) whose `mod.rs` holds what its pages share.

pub(crate) mod action_sheets;
mod auth;
pub(crate) mod claims;
pub(crate) mod clusters;
pub(crate) mod committees;
mod districts;
mod home;
mod land_site;
mod monitoring;
pub mod needs;
pub mod network;
mod not_found;
mod organisation;
mod poles;
pub mod proposals;
mod search;
mod territories;
pub(crate) mod territory;

pub use action_sheets::{ActionPlanPage, ContractPage, SheetEditPage, SheetNewPage, SheetPage};
pub use auth::{
    AccountPage, ForgotPage, InvitationPage, MagicLinkPage, ResetPage, SignInPage, SignUpPage,
    VerifyPage,
};
pub use claims::{ClaimsPage, JoinPage};
pub use clusters::ClustersPage;
pub use committees::{CommitteePage, DecisionRecordPage, SessionPage};
pub use districts::DistrictsPage;
pub use home::HomePage;
pub use land_site::{LandSiteEditPage, LandSiteNewPage, LandSitePage};
pub use monitoring::{
    EvaluationPage, EvaluationsPage, NationalScorecardPage, RegionScorecardPage, ReportsPage,
    TerritoryScorecardPage,
};
pub use needs::{FilieresPage, InboxPage, NeedEditPage, NeedNewPage, NeedPage, NeedsPage};
pub use network::{
    DistrictNewPage, DistrictPartnersPage, ExchangePage, ExchangesPage, PracticeNewPage,
    PracticePage, PracticesPage, TerritoryPartnersPage,
};
pub use not_found::NotFound;
pub use organisation::{OrganisationEditPage, OrganisationPage};
pub use poles::PolesPage;
pub use proposals::{
    DashboardPage, ProposalEditPage, ProposalNewPage, ProposalPage, ProposalsPage, QueuePage,
};
pub use search::SearchPage;
pub use territories::TerritoriesPage;
pub use territory::{TerritoryEditPage, TerritoryPage};
