//! A cluster's members (`app::domain::cluster`): one row per cluster and organisation named,
//! proposed by the cluster's admins and counted once the organisation's admins confirm it.

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClusterMember {
    Table,
    Id,
    ClusterId,
    MemberId,
    Status,
    ProposedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[(
    "cluster_member",
    "status",
    &["proposed", "confirmed", "declined", "ended"],
)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClusterMember::Table)
                    .col(
                        ColumnDef::new(ClusterMember::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::ClusterId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::MemberId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::ProposedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ClusterMember::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClusterMember::Table, ClusterMember::ClusterId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClusterMember::Table, ClusterMember::MemberId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let mut sql = vec![
            "CREATE UNIQUE INDEX idx_cluster_member_pair ON cluster_member (cluster_id, member_id)"
                .to_owned(),
            "CREATE INDEX idx_cluster_member_member ON cluster_member (member_id, status)"
                .to_owned(),
        ];
        sql.extend(replace_rules(backend, &[], VOCABULARIES));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut sql = replace_rules(backend, VOCABULARIES, &[]);
        sql.push("DROP TABLE cluster_member".to_owned());
        in_one_transaction(manager, sql).await
    }
}
