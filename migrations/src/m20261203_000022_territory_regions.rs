//! The regions a territory spans (FAQ 3.4, 4.3): 15 of the 183 territories have communes in
//! two regions. One row per territory and region with its count of communes, derived from the
//! communes at migration time; the lead region is the one the programme attributes the
//! territory to (`territory.region_code`, the `RR` of `ti-RRnn`). The other regions take part
//! (they see its items and give opinions); the lead decides.

use crate::data::in_one_transaction;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TerritoryRegion {
    Table,
    TerritoryId,
    RegionCode,
    Communes,
    IsLead,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TerritoryRegion::Table)
                    .col(
                        ColumnDef::new(TerritoryRegion::TerritoryId)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TerritoryRegion::RegionCode)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TerritoryRegion::Communes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TerritoryRegion::IsLead).boolean().not_null())
                    .primary_key(
                        Index::create()
                            .col(TerritoryRegion::TerritoryId)
                            .col(TerritoryRegion::RegionCode),
                    )
                    .to_owned(),
            )
            .await?;
        in_one_transaction(
            manager,
            vec![
                "INSERT INTO territory_region (territory_id, region_code, communes, is_lead) \
                 SELECT c.territory_id, c.region_code, COUNT(*), \
                 CASE WHEN c.region_code = t.region_code THEN TRUE ELSE FALSE END \
                 FROM commune c JOIN territory t ON t.id = c.territory_id \
                 GROUP BY c.territory_id, c.region_code, t.region_code"
                    .to_owned(),
                // A territory none of whose communes lies in its own region still has its lead.
                "INSERT INTO territory_region (territory_id, region_code, communes, is_lead) \
                 SELECT t.id, t.region_code, 0, TRUE FROM territory t WHERE NOT EXISTS \
                 (SELECT 1 FROM territory_region r WHERE r.territory_id = t.id AND r.is_lead)"
                    .to_owned(),
                "CREATE INDEX idx_territory_region_region ON territory_region (region_code)"
                    .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        in_one_transaction(manager, vec!["DROP TABLE territory_region".to_owned()]).await
    }
}
