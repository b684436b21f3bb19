//! The statuses of contacts (`interest`), exchanges and annonces held to their
//! vocabularies, as step 13 did for the other coded columns (same rule: a CHECK constraint
//! on PostgreSQL, insert and update triggers on SQLite).

use crate::m20261201_000013_vocabularies::{apply_rules, lift_rules};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    (
        "interest",
        "status",
        &[
            "requested",
            "discussion",
            "declined",
            "concluded",
            "not_concluded",
        ],
    ),
    (
        "exchange",
        "status",
        &["proposed", "accepted", "declined", "completed"],
    ),
    ("need", "status", &["open", "closed"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_rules(manager, VOCABULARIES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        lift_rules(manager, VOCABULARIES).await
    }
}
