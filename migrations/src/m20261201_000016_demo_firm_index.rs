//! An index for the home page's count of demonstration firms, which otherwise reads every
//! firm row on each visit (all 20,000 on the demo data). `(kind, is_demo)` answers it from
//! the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_organisation_kind_demo ON organisation (kind, is_demo)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_organisation_kind_demo")
            .await?;
        Ok(())
    }
}
