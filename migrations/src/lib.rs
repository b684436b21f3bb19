//! Schema steps and the reference data they load.
//!
//! Every fresh database is complete without network: the reference files ship gzipped in
//! `migrations/data/` and are compiled into the binary, so an installed `maillage` needs no
//! data directory to migrate. Steps are append-only: a released step is never edited.

pub use sea_orm_migration::prelude::*;

mod data;
pub mod geometry;
mod m20261121_000001_create_reference_tables;
mod m20261121_000002_load_reference_data;
mod m20261121_000003_create_organisations;
mod m20261121_000004_load_poles_and_districts;
mod m20261121_000005_create_land_sites_and_changes;
mod m20261121_000006_create_map_frames;
mod m20261121_000007_create_accounts;
mod m20261121_000008_create_territory_profiles;
mod m20261121_000009_create_proposals;
mod m20261121_000010_create_network;
mod m20261121_000011_create_needs;
mod m20261201_000012_secure_accounts;
pub mod m20261201_000013_vocabularies;
pub mod m20261201_000014_workflow_vocabularies;
pub mod m20261201_000015_themes_and_vocabularies;
pub mod m20261201_000016_demo_firm_index;
mod m20261202_000017_direct_contacts;
pub mod m20261202_000018_register_establishments;
pub mod m20261203_000019_programme_operators;
pub mod m20261203_000020_organisation_claims;
pub mod m20261203_000021_cluster_members;
pub mod m20261203_000022_territory_regions;
pub mod m20261203_000023_governance;
pub mod m20261203_000024_committees;
mod m20261203_000025_public_names;
pub mod m20261204_000026_action_sheets;
pub mod m20261206_000027_monitoring;

pub use geometry::{Frame, MAP_HEIGHT, MAP_WIDTH};

/// All schema steps, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_reference_tables::Migration),
            Box::new(m20261121_000002_load_reference_data::Migration),
            Box::new(m20261121_000003_create_organisations::Migration),
            Box::new(m20261121_000004_load_poles_and_districts::Migration),
            Box::new(m20261121_000005_create_land_sites_and_changes::Migration),
            Box::new(m20261121_000006_create_map_frames::Migration),
            Box::new(m20261121_000007_create_accounts::Migration),
            Box::new(m20261121_000008_create_territory_profiles::Migration),
            Box::new(m20261121_000009_create_proposals::Migration),
            Box::new(m20261121_000010_create_network::Migration),
            Box::new(m20261121_000011_create_needs::Migration),
            Box::new(m20261201_000012_secure_accounts::Migration),
            Box::new(m20261201_000013_vocabularies::Migration),
            Box::new(m20261201_000014_workflow_vocabularies::Migration),
            Box::new(m20261201_000015_themes_and_vocabularies::Migration),
            Box::new(m20261201_000016_demo_firm_index::Migration),
            Box::new(m20261202_000017_direct_contacts::Migration),
            Box::new(m20261202_000018_register_establishments::Migration),
            Box::new(m20261203_000019_programme_operators::Migration),
            Box::new(m20261203_000020_organisation_claims::Migration),
            Box::new(m20261203_000021_cluster_members::Migration),
            Box::new(m20261203_000022_territory_regions::Migration),
            Box::new(m20261203_000023_governance::Migration),
            Box::new(m20261203_000024_committees::Migration),
            Box::new(m20261203_000025_public_names::Migration),
            Box::new(m20261204_000026_action_sheets::Migration),
            Box::new(m20261206_000027_monitoring::Migration),
        ]
    }
}
