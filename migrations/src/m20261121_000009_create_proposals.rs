//! Simplification proposals: the proposal, its timeline of transitions, its supporters, and
//! the notices waiting for a person's daily or weekly digest.
//!
//! `root_id` is the proposal a merged one ended in (itself when not merged): a proposal's
//! supporters and sources are read through it, and nothing of a merged proposal is deleted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
#[allow(clippy::enum_variant_names)] // Column names, as stored.
enum Proposal {
    Table,
    Id,
    TerritoryId,
    RegionCode,
    Title,
    Problem,
    Rule,
    LegalReference,
    Theme,
    Axis,
    ProposalKind,
    Solution,
    Status,
    ApprovedElectedBy,
    ApprovedIndustrialBy,
    Mechanism,
    Answer,
    MergedInto,
    RootId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    AnsweredAt,
    Lang,
    IsDemo,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProposalEvent {
    Table,
    Id,
    ProposalId,
    At,
    UserId,
    UserName,
    Role,
    Action,
    FromStatus,
    ToStatus,
    Comment,
    Mechanism,
    RelatedId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProposalSupport {
    Table,
    Id,
    ProposalId,
    UserId,
    TerritoryId,
    OrganisationId,
    Testimony,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notice {
    Table,
    Id,
    UserId,
    Kind,
    Line,
    Link,
    CreatedAt,
    DigestedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}
fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().default("").to_owned()
}
fn short(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(64).not_null().to_owned()
}
fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}
fn maybe(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Copy + 'static,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for c in cols {
        index.col(Alias::new(*c));
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Proposal::Table)
                    .col(id(Proposal::Id))
                    .col(short(Proposal::TerritoryId))
                    .col(short(Proposal::RegionCode))
                    .col(text(Proposal::Title))
                    .col(text(Proposal::Problem))
                    .col(text(Proposal::Rule))
                    .col(text(Proposal::LegalReference))
                    .col(text(Proposal::Theme))
                    .col(text(Proposal::Axis))
                    .col(text(Proposal::ProposalKind))
                    .col(text(Proposal::Solution))
                    .col(short(Proposal::Status))
                    .col(maybe(Proposal::ApprovedElectedBy))
                    .col(maybe(Proposal::ApprovedIndustrialBy))
                    .col(text(Proposal::Mechanism))
                    .col(text(Proposal::Answer))
                    .col(maybe(Proposal::MergedInto))
                    .col(maybe(Proposal::RootId))
                    .col(maybe(Proposal::CreatedBy))
                    .col(time(Proposal::CreatedAt))
                    .col(time(Proposal::UpdatedAt))
                    .col(maybe(Proposal::SubmittedAt))
                    .col(maybe(Proposal::AnsweredAt))
                    .col(
                        ColumnDef::new(Proposal::Lang)
                            .string_len(8)
                            .not_null()
                            .default("fr"),
                    )
                    .col(
                        ColumnDef::new(Proposal::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_proposal_status",
            Proposal::Table,
            &["status", "region_code"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_proposal_territory",
            Proposal::Table,
            &["territory_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_proposal_root",
            Proposal::Table,
            &["root_id"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProposalEvent::Table)
                    .col(id(ProposalEvent::Id))
                    .col(
                        ColumnDef::new(ProposalEvent::ProposalId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(ProposalEvent::At))
                    .col(maybe(ProposalEvent::UserId))
                    .col(text(ProposalEvent::UserName))
                    .col(short(ProposalEvent::Role))
                    .col(short(ProposalEvent::Action))
                    .col(text(ProposalEvent::FromStatus))
                    .col(short(ProposalEvent::ToStatus))
                    .col(text(ProposalEvent::Comment))
                    .col(text(ProposalEvent::Mechanism))
                    .col(maybe(ProposalEvent::RelatedId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalEvent::Table, ProposalEvent::ProposalId)
                            .to(Proposal::Table, Proposal::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_proposal_event",
            ProposalEvent::Table,
            &["proposal_id", "at"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProposalSupport::Table)
                    .col(id(ProposalSupport::Id))
                    .col(
                        ColumnDef::new(ProposalSupport::ProposalId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalSupport::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalSupport::TerritoryId)
                            .string_len(64)
                            .null(),
                    )
                    .col(maybe(ProposalSupport::OrganisationId))
                    .col(text(ProposalSupport::Testimony))
                    .col(time(ProposalSupport::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalSupport::Table, ProposalSupport::ProposalId)
                            .to(Proposal::Table, Proposal::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One support per territory and per firm on a proposal (NULLs do not collide).
        index(
            manager,
            "idx_support_territory",
            ProposalSupport::Table,
            &["proposal_id", "territory_id"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_support_organisation",
            ProposalSupport::Table,
            &["proposal_id", "organisation_id"],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notice::Table)
                    .col(id(Notice::Id))
                    .col(ColumnDef::new(Notice::UserId).big_integer().not_null())
                    .col(short(Notice::Kind))
                    .col(text(Notice::Line))
                    .col(text(Notice::Link))
                    .col(time(Notice::CreatedAt))
                    .col(maybe(Notice::DigestedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_notice_pending",
            Notice::Table,
            &["digested_at", "user_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notice::Table.into_iden(),
            ProposalSupport::Table.into_iden(),
            ProposalEvent::Table.into_iden(),
            Proposal::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
