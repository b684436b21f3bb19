//! Claims: a person asks to represent an organisation the platform holds (`claim`), or to
//! create one it does not (`creation`, from its SIRET); the team of its territory decides
//! (`app::domain::claim`, `docs/claim-workflow.md`). A created organisation waits as
//! `pending`, a visibility no reader has, until it is approved.
//!
//! A person has at most one pending claim per organisation (a partial unique index, on both
//! backends).

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrganisationClaim {
    Table,
    Id,
    OrganisationId,
    UserId,
    Kind,
    Status,
    Message,
    Reason,
    DecidedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    (
        "organisation",
        "visibility",
        &["public", "members", "withdrawn", "pending"],
    ),
    ("organisation_claim", "kind", &["claim", "creation"]),
    (
        "organisation_claim",
        "status",
        &["pending", "approved", "refused", "withdrawn"],
    ),
];

const BEFORE: &[(&str, &str, &[&str])] = &[(
    "organisation",
    "visibility",
    &["public", "members", "withdrawn"],
)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganisationClaim::Table)
                    .col(
                        ColumnDef::new(OrganisationClaim::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::OrganisationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::Message)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::Reason)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::DecidedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganisationClaim::DecidedAt)
                            .big_integer()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationClaim::Table, OrganisationClaim::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationClaim::Table, OrganisationClaim::UserId)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let mut sql = vec![
            "CREATE INDEX idx_claim_status ON organisation_claim (status, created_at)".to_owned(),
            "CREATE INDEX idx_claim_user ON organisation_claim (user_id)".to_owned(),
            "CREATE UNIQUE INDEX idx_claim_pending ON organisation_claim (organisation_id, user_id) \
             WHERE status = 'pending'"
                .to_owned(),
        ];
        sql.extend(replace_rules(backend, VOCABULARIES, VOCABULARIES));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        // A created organisation never approved had no reader; it goes with its claim.
        let mut sql = vec![
            "DELETE FROM organisation_claim".to_owned(),
            "DELETE FROM changes WHERE entity = 'organisation' AND entity_id IN \
             (SELECT id FROM organisation WHERE visibility = 'pending')"
                .to_owned(),
            "DELETE FROM organisation WHERE visibility = 'pending'".to_owned(),
            "DROP TABLE organisation_claim".to_owned(),
        ];
        sql.extend(replace_rules(backend, BEFORE, BEFORE));
        in_one_transaction(manager, sql).await
    }
}
