//! Reference tables: administrative geography, Territoires d'industrie, nomenclatures.
//!
//! These tables are loaded by the next step and only read afterwards; their keys are the
//! official codes (INSEE, SIREN, NAF, ROME, ESCO URI, NUTS) so imports can refer to them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Region {
    Table,
    Code,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Department {
    Table,
    Code,
    Name,
    RegionCode,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Epci {
    Table,
    Siren,
    Name,
    Kind,
    DepartmentCode,
    Departments,
    RegionCode,
    Population,
    CommuneCount,
    Latitude,
    Longitude,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Territory {
    Table,
    Id,
    Name,
    RegionCode,
    Departments,
    Population,
    Latitude,
    Longitude,
    MapPath,
    OutlinePath,
    OutlineViewbox,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum TerritoryMember {
    Table,
    Siren,
    TerritoryId,
    Kind,
    Name,
    Departments,
    Population,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Commune {
    Table,
    Insee,
    Name,
    Siren,
    DepartmentCode,
    RegionCode,
    EpciSiren,
    TerritoryId,
    Population,
    PostalCodes,
    Latitude,
    Longitude,
    CoordinatesApproximate,
    Zone,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Naf {
    Table,
    Code,
    Label,
    Level,
    Parent,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum RomeJob {
    Table,
    Code,
    Label,
    DomainCode,
    DomainLabel,
    GrandDomainCode,
    GrandDomainLabel,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum NafDivisionRome {
    Table,
    NafDivision,
    RomeCode,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum EscoSkill {
    Table,
    Uri,
    SkillType,
    ReuseLevel,
    LabelFr,
    LabelEn,
    AltLabelsFr,
    DescriptionFr,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum NutsRegion {
    Table,
    Code,
    CountryCode,
    Label,
    Level,
    Kind,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum BrownfieldCount {
    Table,
    CommuneInsee,
    Sites,
    SurfaceM2,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn key(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(64)
        .not_null()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(key(Region::Code))
                    .col(text(Region::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Department::Table)
                    .col(key(Department::Code))
                    .col(text(Department::Name))
                    .col(
                        ColumnDef::new(Department::RegionCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Department::Table, Department::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Epci::Table)
                    .col(key(Epci::Siren))
                    .col(text(Epci::Name))
                    .col(text(Epci::Kind))
                    .col(
                        ColumnDef::new(Epci::DepartmentCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(text(Epci::Departments))
                    .col(ColumnDef::new(Epci::RegionCode).string_len(64).not_null())
                    .col(ColumnDef::new(Epci::Population).big_integer().not_null())
                    .col(ColumnDef::new(Epci::CommuneCount).integer().not_null())
                    .col(ColumnDef::new(Epci::Latitude).double())
                    .col(ColumnDef::new(Epci::Longitude).double())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Territory::Table)
                    .col(key(Territory::Id))
                    .col(text(Territory::Name))
                    .col(
                        ColumnDef::new(Territory::RegionCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(text(Territory::Departments))
                    .col(
                        ColumnDef::new(Territory::Population)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Territory::Latitude).double())
                    .col(ColumnDef::new(Territory::Longitude).double())
                    .col(text(Territory::MapPath))
                    .col(text(Territory::OutlinePath))
                    .col(text(Territory::OutlineViewbox))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Territory::Table, Territory::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TerritoryMember::Table)
                    .col(key(TerritoryMember::Siren))
                    .col(
                        ColumnDef::new(TerritoryMember::TerritoryId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(text(TerritoryMember::Kind))
                    .col(text(TerritoryMember::Name))
                    .col(text(TerritoryMember::Departments))
                    .col(
                        ColumnDef::new(TerritoryMember::Population)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TerritoryMember::Table, TerritoryMember::TerritoryId)
                            .to(Territory::Table, Territory::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_territory_member_territory")
                    .table(TerritoryMember::Table)
                    .col(TerritoryMember::TerritoryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Commune::Table)
                    .col(key(Commune::Insee))
                    .col(text(Commune::Name))
                    .col(text(Commune::Siren))
                    .col(
                        ColumnDef::new(Commune::DepartmentCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Commune::RegionCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Commune::EpciSiren).string_len(64))
                    .col(ColumnDef::new(Commune::TerritoryId).string_len(64))
                    .col(ColumnDef::new(Commune::Population).big_integer().not_null())
                    .col(text(Commune::PostalCodes))
                    .col(ColumnDef::new(Commune::Latitude).double())
                    .col(ColumnDef::new(Commune::Longitude).double())
                    .col(
                        ColumnDef::new(Commune::CoordinatesApproximate)
                            .boolean()
                            .not_null(),
                    )
                    .col(text(Commune::Zone))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Commune::Table, Commune::DepartmentCode)
                            .to(Department::Table, Department::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Commune::Table, Commune::TerritoryId)
                            .to(Territory::Table, Territory::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_commune_territory", Commune::TerritoryId),
            ("idx_commune_epci", Commune::EpciSiren),
            ("idx_commune_department", Commune::DepartmentCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Commune::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Naf::Table)
                    .col(key(Naf::Code))
                    .col(text(Naf::Label))
                    .col(text(Naf::Level))
                    .col(ColumnDef::new(Naf::Parent).string_len(64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RomeJob::Table)
                    .col(key(RomeJob::Code))
                    .col(text(RomeJob::Label))
                    .col(text(RomeJob::DomainCode))
                    .col(text(RomeJob::DomainLabel))
                    .col(text(RomeJob::GrandDomainCode))
                    .col(text(RomeJob::GrandDomainLabel))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NafDivisionRome::Table)
                    .col(
                        ColumnDef::new(NafDivisionRome::NafDivision)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(NafDivisionRome::RomeCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(NafDivisionRome::NafDivision)
                            .col(NafDivisionRome::RomeCode),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EscoSkill::Table)
                    .col(
                        ColumnDef::new(EscoSkill::Uri)
                            .string_len(255)
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(EscoSkill::SkillType))
                    .col(text(EscoSkill::ReuseLevel))
                    .col(text(EscoSkill::LabelFr))
                    .col(text(EscoSkill::LabelEn))
                    .col(text(EscoSkill::AltLabelsFr))
                    .col(text(EscoSkill::DescriptionFr))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NutsRegion::Table)
                    .col(key(NutsRegion::Code))
                    .col(text(NutsRegion::CountryCode))
                    .col(text(NutsRegion::Label))
                    .col(ColumnDef::new(NutsRegion::Level).integer().not_null())
                    .col(text(NutsRegion::Kind))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BrownfieldCount::Table)
                    .col(key(BrownfieldCount::CommuneInsee))
                    .col(ColumnDef::new(BrownfieldCount::Sites).integer().not_null())
                    .col(
                        ColumnDef::new(BrownfieldCount::SurfaceM2)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BrownfieldCount::Table.into_iden(),
            NutsRegion::Table.into_iden(),
            EscoSkill::Table.into_iden(),
            NafDivisionRome::Table.into_iden(),
            RomeJob::Table.into_iden(),
            Naf::Table.into_iden(),
            Commune::Table.into_iden(),
            TerritoryMember::Table.into_iden(),
            Territory::Table.into_iden(),
            Epci::Table.into_iden(),
            Department::Table.into_iden(),
            Region::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
