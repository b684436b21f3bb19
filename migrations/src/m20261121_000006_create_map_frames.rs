//! The national map's frames, so points (search results) can be placed on the map drawn by
//! the reference-data step with exactly the same projection.

use crate::data::{self, insert_rows, read_text, v};
use crate::geometry;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum MapFrame {
    Table,
    Name,
    PlateLat,
    MinX,
    MinY,
    Scale,
    OffsetX,
    OffsetY,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let num = |c: MapFrame| ColumnDef::new(c).double().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(MapFrame::Table)
                    .col(
                        ColumnDef::new(MapFrame::Name)
                            .string_len(16)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MapFrame::PlateLat).double())
                    .col(num(MapFrame::MinX))
                    .col(num(MapFrame::MinY))
                    .col(num(MapFrame::Scale))
                    .col(num(MapFrame::OffsetX))
                    .col(num(MapFrame::OffsetY))
                    .to_owned(),
            )
            .await?;
        let geojson = read_text("territories geojson", data::TERRITORY_GEOJSON)?;
        let outlines = geometry::parse_outlines(&geojson).map_err(DbErr::Custom)?;
        let rows = geometry::frames(&outlines)
            .into_iter()
            .map(|(name, f)| {
                vec![
                    v(name),
                    v(f.plate_lat),
                    v(f.min_x),
                    v(f.min_y),
                    v(f.scale),
                    v(f.offset_x),
                    v(f.offset_y),
                ]
            })
            .collect();
        insert_rows(
            manager,
            MapFrame::Table,
            &[
                MapFrame::Name,
                MapFrame::PlateLat,
                MapFrame::MinX,
                MapFrame::MinY,
                MapFrame::Scale,
                MapFrame::OffsetX,
                MapFrame::OffsetY,
            ],
            rows,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MapFrame::Table).to_owned())
            .await
    }
}
