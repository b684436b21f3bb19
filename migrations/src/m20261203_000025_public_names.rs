//! A person may choose to have their name shown to anonymous visitors where they hold a seat
//! or sit on a committee (FAQ 3.5 lists the programme's contacts; personal data stays private
//! unless the person chooses otherwise). Off for everyone until they choose.

use crate::data::in_one_transaction;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        in_one_transaction(
            manager,
            vec![
                "ALTER TABLE user_account ADD COLUMN name_public boolean NOT NULL DEFAULT FALSE"
                    .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        in_one_transaction(
            manager,
            vec!["ALTER TABLE user_account DROP COLUMN name_public".to_owned()],
        )
        .await
    }
}
