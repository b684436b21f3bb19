//! Land sites (foncier), firms' skills and visibility, and the `changes` journal.
//!
//! `changes` is appended to in the same transaction as every write to a searchable row; the
//! search indexer tails it by `seq`. A bulk load appends one `rebuild` entry instead of one
//! entry per row.

use crate::m20261121_000001_create_reference_tables::Commune;
use crate::m20261121_000003_create_organisations::Organisation;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum LandSite {
    Table,
    Id,
    Reference,
    Name,
    CommuneInsee,
    AreaHa,
    AvailableFrom,
    Status,
    Turnkey,
    Zoning,
    IcpeCompatible,
    SevesoCompatible,
    RailAccess,
    PortAccess,
    MotorwayAccess,
    PowerMva,
    PriceMinEurM2,
    PriceMaxEurM2,
    ContactOrganisationId,
    Description,
    IsDemo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Changes {
    Table,
    Seq,
    Entity,
    EntityId,
    Op,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrganisationExtra {
    Skills,
    Visibility,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organisation::Table)
                    .add_column(
                        ColumnDef::new(OrganisationExtra::Skills)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisation::Table)
                    .add_column(
                        ColumnDef::new(OrganisationExtra::Visibility)
                            .string_len(16)
                            .not_null()
                            .default("public"),
                    )
                    .to_owned(),
            )
            .await?;
        let flag = |c: LandSite| {
            ColumnDef::new(c)
                .boolean()
                .not_null()
                .default(false)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(LandSite::Table)
                    .col(
                        ColumnDef::new(LandSite::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LandSite::Reference)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(LandSite::Name).text().not_null())
                    .col(
                        ColumnDef::new(LandSite::CommuneInsee)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LandSite::AreaHa).double().not_null())
                    .col(ColumnDef::new(LandSite::AvailableFrom).string_len(10))
                    .col(ColumnDef::new(LandSite::Status).string_len(16).not_null())
                    .col(flag(LandSite::Turnkey))
                    .col(
                        ColumnDef::new(LandSite::Zoning)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(flag(LandSite::IcpeCompatible))
                    .col(flag(LandSite::SevesoCompatible))
                    .col(flag(LandSite::RailAccess))
                    .col(flag(LandSite::PortAccess))
                    .col(flag(LandSite::MotorwayAccess))
                    .col(ColumnDef::new(LandSite::PowerMva).double())
                    .col(ColumnDef::new(LandSite::PriceMinEurM2).double())
                    .col(ColumnDef::new(LandSite::PriceMaxEurM2).double())
                    .col(ColumnDef::new(LandSite::ContactOrganisationId).big_integer())
                    .col(
                        ColumnDef::new(LandSite::Description)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(flag(LandSite::IsDemo))
                    .col(ColumnDef::new(LandSite::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(LandSite::UpdatedAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(LandSite::Table, LandSite::CommuneInsee)
                            .to(Commune::Table, Commune::Insee),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LandSite::Table, LandSite::ContactOrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_land_site_commune")
                    .table(LandSite::Table)
                    .col(LandSite::CommuneInsee)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisation_name")
                    .table(Organisation::Table)
                    .col(Organisation::Name)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Changes::Table)
                    .col(
                        ColumnDef::new(Changes::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Changes::Entity).string_len(32).not_null())
                    .col(ColumnDef::new(Changes::EntityId).big_integer().not_null())
                    .col(ColumnDef::new(Changes::Op).string_len(16).not_null())
                    .col(ColumnDef::new(Changes::At).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Changes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LandSite::Table).to_owned())
            .await?;
        for col in [OrganisationExtra::Visibility, OrganisationExtra::Skills] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organisation::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
