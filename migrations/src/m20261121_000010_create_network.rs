//! The European network: district profiles (challenges, contact), territories' declared
//! challenges, best practices, and exchanges between territories and districts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DistrictProfile {
    Table,
    OrganisationId,
    Challenges,
    ContactName,
    ContactEmail,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TerritoryProfile {
    Table,
    Challenges,
}

#[derive(DeriveIden, Clone, Copy)]
enum Practice {
    Table,
    Id,
    AuthorKind,
    AuthorId,
    Title,
    Theme,
    Context,
    Actions,
    Results,
    Cost,
    Partners,
    Contact,
    Lang,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    IsDemo,
}

#[derive(DeriveIden, Clone, Copy)]
enum Exchange {
    Table,
    Id,
    FromTerritory,
    ToKind,
    ToId,
    PracticeId,
    Theme,
    Format,
    Message,
    Status,
    Reason,
    StartDate,
    EndDate,
    Participants,
    Outcome,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    AnsweredAt,
    ReportedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DistrictProfile::Table)
                    .col(
                        ColumnDef::new(DistrictProfile::OrganisationId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DistrictProfile::Challenges)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .col(text(DistrictProfile::ContactName))
                    .col(text(DistrictProfile::ContactEmail))
                    .col(time(DistrictProfile::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TerritoryProfile::Table)
                    .add_column(
                        ColumnDef::new(TerritoryProfile::Challenges)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Practice::Table)
                    .col(id(Practice::Id))
                    .col(short(Practice::AuthorKind))
                    .col(short(Practice::AuthorId))
                    .col(text(Practice::Title))
                    .col(short(Practice::Theme))
                    .col(text(Practice::Context))
                    .col(text(Practice::Actions))
                    .col(text(Practice::Results))
                    .col(text(Practice::Cost))
                    .col(text(Practice::Partners))
                    .col(text(Practice::Contact))
                    .col(
                        ColumnDef::new(Practice::Lang)
                            .string_len(8)
                            .not_null()
                            .default("fr"),
                    )
                    .col(maybe(Practice::CreatedBy))
                    .col(time(Practice::CreatedAt))
                    .col(time(Practice::UpdatedAt))
                    .col(
                        ColumnDef::new(Practice::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_practice_author")
                    .table(Practice::Table)
                    .col(Practice::AuthorKind)
                    .col(Practice::AuthorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Exchange::Table)
                    .col(id(Exchange::Id))
                    .col(short(Exchange::FromTerritory))
                    .col(short(Exchange::ToKind))
                    .col(short(Exchange::ToId))
                    .col(maybe(Exchange::PracticeId))
                    .col(text(Exchange::Theme))
                    .col(short(Exchange::Format))
                    .col(text(Exchange::Message))
                    .col(short(Exchange::Status))
                    .col(text(Exchange::Reason))
                    .col(text(Exchange::StartDate))
                    .col(text(Exchange::EndDate))
                    .col(text(Exchange::Participants))
                    .col(text(Exchange::Outcome))
                    .col(maybe(Exchange::CreatedBy))
                    .col(time(Exchange::CreatedAt))
                    .col(time(Exchange::UpdatedAt))
                    .col(maybe(Exchange::AnsweredAt))
                    .col(maybe(Exchange::ReportedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_exchange_from", Exchange::FromTerritory),
            ("idx_exchange_to", Exchange::ToId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Exchange::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Exchange::Table.into_iden(),
            Practice::Table.into_iden(),
            DistrictProfile::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(TerritoryProfile::Table)
                    .drop_column(TerritoryProfile::Challenges)
                    .to_owned(),
            )
            .await
    }
}
