//! One file per route.

mod districts;
mod home;
mod not_found;
mod organisation;
mod poles;
mod territories;
mod territory;

pub use districts::DistrictsPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use organisation::OrganisationPage;
pub use poles::PolesPage;
pub use territories::TerritoriesPage;
pub use territory::TerritoryPage;
