//! What a territory team says of its territory: presentation, programme axes, strengths and
//! needs. One row per territory, written by its team; searchable like everything else.

use crate::m20261121_000001_create_reference_tables::Territory;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum TerritoryProfile {
    Table,
    TerritoryId,
    Presentation,
    Axes,
    Strengths,
    NeedsSkills,
    NeedsLand,
    NeedsHousing,
    NeedsMobility,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: TerritoryProfile| ColumnDef::new(c).text().not_null().default("").to_owned();
        manager
            .create_table(
                Table::create()
                    .table(TerritoryProfile::Table)
                    .col(
                        ColumnDef::new(TerritoryProfile::TerritoryId)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(TerritoryProfile::Presentation))
                    .col(
                        ColumnDef::new(TerritoryProfile::Axes)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .col(text(TerritoryProfile::Strengths))
                    .col(text(TerritoryProfile::NeedsSkills))
                    .col(text(TerritoryProfile::NeedsLand))
                    .col(text(TerritoryProfile::NeedsHousing))
                    .col(text(TerritoryProfile::NeedsMobility))
                    .col(
                        ColumnDef::new(TerritoryProfile::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TerritoryProfile::UpdatedBy).big_integer())
                    .foreign_key(
                        ForeignKey::create()
                            .from(TerritoryProfile::Table, TerritoryProfile::TerritoryId)
                            .to(Territory::Table, Territory::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TerritoryProfile::Table).to_owned())
            .await
    }
}
