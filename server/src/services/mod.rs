//! Implementations of `app::ports`: the only place that combines storage with other I/O.
//! The JSON API and the server functions both call these.

mod directory;

pub use directory::DirectoryService;

use app::ports::Services;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Builds every service over one database connection pool.
pub fn build(db: DatabaseConnection) -> Services {
    Services {
        directory: Arc::new(DirectoryService::new(db)),
    }
}
