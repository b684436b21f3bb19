//! The organisations of the network: firms, clusters, pôles, European districts, operators.
//!
//! One table with a `kind`. Location is the commune only: EPCI, territory, department and
//! region are derived by joining `commune`, never stored twice. List-valued fields
//! (capabilities, certifications, markets, languages, NACE divisions) are JSON arrays in text
//! columns, identical on SQLite and PostgreSQL.

use crate::m20261121_000001_create_reference_tables::{Commune, Naf};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Organisation {
    Table,
    Id,
    Kind,
    Name,
    Siret,
    Siren,
    NafCode,
    CommuneInsee,
    CountryCode,
    NutsCode,
    HeadcountBand,
    Description,
    DescriptionEn,
    Capabilities,
    Certifications,
    Markets,
    NaceDivisions,
    Languages,
    Website,
    Email,
    IsDemo,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: Organisation| ColumnDef::new(c).text().not_null().default("").to_owned();
        let list = |c: Organisation| ColumnDef::new(c).text().not_null().default("[]").to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(
                        ColumnDef::new(Organisation::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Organisation::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Organisation::Name).text().not_null())
                    .col(
                        ColumnDef::new(Organisation::Siret)
                            .string_len(14)
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Organisation::Siren).string_len(9))
                    .col(ColumnDef::new(Organisation::NafCode).string_len(64))
                    .col(ColumnDef::new(Organisation::CommuneInsee).string_len(64))
                    .col(
                        ColumnDef::new(Organisation::CountryCode)
                            .string_len(2)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Organisation::NutsCode).string_len(64))
                    .col(ColumnDef::new(Organisation::HeadcountBand).string_len(4))
                    .col(text(Organisation::Description))
                    .col(text(Organisation::DescriptionEn))
                    .col(list(Organisation::Capabilities))
                    .col(list(Organisation::Certifications))
                    .col(list(Organisation::Markets))
                    .col(list(Organisation::NaceDivisions))
                    .col(list(Organisation::Languages))
                    .col(text(Organisation::Website))
                    .col(text(Organisation::Email))
                    .col(
                        ColumnDef::new(Organisation::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Organisation::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisation::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::NafCode)
                            .to(Naf::Table, Naf::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::CommuneInsee)
                            .to(Commune::Table, Commune::Insee),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_organisation_kind", Organisation::Kind),
            ("idx_organisation_commune", Organisation::CommuneInsee),
            ("idx_organisation_naf", Organisation::NafCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organisation::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Organisation::Table).to_owned())
            .await
    }
}
