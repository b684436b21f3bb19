//! Account security: the sign-in throttle, and API tokens that expire and carry a scope.
//!
//! `sign_in_throttle` holds one row per (account, client) pair, plus one per client alone
//! (`account = ''`), each counting the attempts of the last hour and the time before which
//! the next attempt is refused; an attempt is counted before its password is hashed. A row
//! is derived state: deleting it forgives past failures, nothing else.
//!
//! API tokens made before this step get the default lifetime counted from their creation
//! (90 days) and the `write` scope they had in effect.

use crate::m20261121_000007_create_accounts::ApiToken;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum SignInThrottle {
    Table,
    Account,
    Client,
    Failures,
    NextAt,
    LastAt,
    Known,
}

#[derive(DeriveIden, Clone, Copy)]
enum NewTokenColumns {
    ExpiresAt,
    Scope,
}

/// The default lifetime of an API token, in seconds.
const TOKEN_SECONDS: i64 = 90 * 24 * 3600;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let count = |c: SignInThrottle| {
            ColumnDef::new(c)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SignInThrottle::Table)
                    .col(
                        ColumnDef::new(SignInThrottle::Account)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInThrottle::Client)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(count(SignInThrottle::Failures))
                    .col(count(SignInThrottle::NextAt))
                    .col(count(SignInThrottle::LastAt))
                    .col(
                        ColumnDef::new(SignInThrottle::Known)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .primary_key(
                        Index::create()
                            .col(SignInThrottle::Account)
                            .col(SignInThrottle::Client),
                    )
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(ApiToken::Table)
                    .add_column(ColumnDef::new(NewTokenColumns::ExpiresAt).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiToken::Table)
                    .add_column(
                        ColumnDef::new(NewTokenColumns::Scope)
                            .string_len(16)
                            .not_null()
                            .default("write"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE api_token SET expires_at = created_at + {TOKEN_SECONDS} WHERE expires_at IS NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInThrottle::Table).to_owned())
            .await?;
        for column in [NewTokenColumns::Scope, NewTokenColumns::ExpiresAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiToken::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
