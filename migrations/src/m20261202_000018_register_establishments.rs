//! What the national register (`maillage import sirene`) brings beyond the firm files:
//! - `withdrawn`, a visibility no reader has: an établissement the register no longer lists
//!   as active and publicly diffusible. Every query already keeps to the reader's
//!   visibilities, so a withdrawn organisation leaves pages, API, search, exports and matches
//!   at once, without being deleted (its contacts and history stay);
//! - an établissement's own position (`latitude`, `longitude`, WGS84), from its Lambert 93
//!   coordinates; readers fall back to the commune's centre where it is empty.

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules as rules;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[(
    "organisation",
    "visibility",
    &["public", "members", "withdrawn"],
)];

const BEFORE: &[(&str, &str, &[&str])] = &[("organisation", "visibility", &["public", "members"])];
const POSITION: [&str; 2] = ["latitude", "longitude"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut sql: Vec<String> = POSITION
            .iter()
            .map(|c| format!("ALTER TABLE organisation ADD COLUMN {c} double precision"))
            .collect();
        sql.extend(rules(
            manager.get_database_backend(),
            VOCABULARIES,
            VOCABULARIES,
        ));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Before this step nothing could be hidden from members: a withdrawn organisation
        // goes back to members only, the closest there was.
        let mut sql = vec![
            "UPDATE organisation SET visibility = 'members' WHERE visibility = 'withdrawn'"
                .to_owned(),
        ];
        sql.extend(rules(manager.get_database_backend(), VOCABULARIES, BEFORE));
        sql.extend(
            POSITION
                .iter()
                .map(|c| format!("ALTER TABLE organisation DROP COLUMN {c}")),
        );
        in_one_transaction(manager, sql).await
    }
}
