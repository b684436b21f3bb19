//! People, their roles, sessions, one-time links, API tokens, the mail outbox, the security
//! audit log and notification settings.
//!
//! Secrets are never stored: sessions, links and API tokens keep a SHA-256 of the token;
//! passwords an Argon2id hash. The outbox row of a mail is written in the same transaction as
//! the change that causes it; `sent_at` and the claim make each row go out at most once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum UserAccount {
    Table,
    Id,
    Email,
    Name,
    Lang,
    PasswordHash,
    EmailVerifiedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Membership {
    Table,
    Id,
    UserId,
    ScopeKind,
    ScopeId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Session {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UserAgent,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AuthLink {
    Table,
    TokenHash,
    Purpose,
    Email,
    UserId,
    Payload,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum ApiToken {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Outbox {
    Table,
    Id,
    IdempotencyKey,
    ToEmail,
    Lang,
    Kind,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum AuditLog {
    Table,
    Id,
    At,
    Event,
    UserId,
    Email,
    Ip,
    Detail,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum NotificationSetting {
    Table,
    UserId,
    Kind,
    Frequency,
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
    ColumnDef::new(col).text().not_null().to_owned()
}
fn short(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(255).not_null().to_owned()
}
fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}
fn user_fk(
    table: impl IntoIden + Copy + 'static,
    col: impl IntoIden + Copy + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(UserAccount::Table, UserAccount::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserAccount::Table)
                    .col(id(UserAccount::Id))
                    .col(short(UserAccount::Email).unique_key().to_owned())
                    .col(text(UserAccount::Name))
                    .col(
                        ColumnDef::new(UserAccount::Lang)
                            .string_len(2)
                            .not_null()
                            .default("fr"),
                    )
                    .col(ColumnDef::new(UserAccount::PasswordHash).text())
                    .col(ColumnDef::new(UserAccount::EmailVerifiedAt).big_integer())
                    .col(time(UserAccount::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Membership::Table)
                    .col(id(Membership::Id))
                    .col(ColumnDef::new(Membership::UserId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Membership::ScopeKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Membership::ScopeId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Membership::Role).string_len(32).not_null())
                    .col(time(Membership::CreatedAt))
                    .foreign_key(&mut user_fk(Membership::Table, Membership::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_membership_unique")
                    .table(Membership::Table)
                    .col(Membership::UserId)
                    .col(Membership::ScopeKind)
                    .col(Membership::ScopeId)
                    .col(Membership::Role)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(
                        ColumnDef::new(Session::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Session::UserId).big_integer().not_null())
                    .col(time(Session::CreatedAt))
                    .col(time(Session::ExpiresAt))
                    .col(
                        ColumnDef::new(Session::UserAgent)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .foreign_key(&mut user_fk(Session::Table, Session::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthLink::Table)
                    .col(
                        ColumnDef::new(AuthLink::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuthLink::Purpose).string_len(16).not_null())
                    .col(short(AuthLink::Email))
                    .col(ColumnDef::new(AuthLink::UserId).big_integer())
                    .col(
                        ColumnDef::new(AuthLink::Payload)
                            .text()
                            .not_null()
                            .default("{}"),
                    )
                    .col(time(AuthLink::CreatedAt))
                    .col(time(AuthLink::ExpiresAt))
                    .col(ColumnDef::new(AuthLink::UsedAt).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(id(ApiToken::Id))
                    .col(ColumnDef::new(ApiToken::UserId).big_integer().not_null())
                    .col(text(ApiToken::Name))
                    .col(
                        ColumnDef::new(ApiToken::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(ApiToken::CreatedAt))
                    .col(ColumnDef::new(ApiToken::LastUsedAt).big_integer())
                    .col(ColumnDef::new(ApiToken::RevokedAt).big_integer())
                    .foreign_key(&mut user_fk(ApiToken::Table, ApiToken::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(short(Outbox::IdempotencyKey).unique_key().to_owned())
                    .col(short(Outbox::ToEmail))
                    .col(ColumnDef::new(Outbox::Lang).string_len(2).not_null())
                    .col(ColumnDef::new(Outbox::Kind).string_len(32).not_null())
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::BodyText))
                    .col(text(Outbox::BodyHtml))
                    .col(time(Outbox::CreatedAt))
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time(Outbox::NextAttemptAt))
                    .col(ColumnDef::new(Outbox::ClaimedUntil).big_integer())
                    .col(ColumnDef::new(Outbox::SentAt).big_integer())
                    .col(ColumnDef::new(Outbox::LastError).text())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id(AuditLog::Id))
                    .col(time(AuditLog::At))
                    .col(ColumnDef::new(AuditLog::Event).string_len(32).not_null())
                    .col(ColumnDef::new(AuditLog::UserId).big_integer())
                    .col(ColumnDef::new(AuditLog::Email).string_len(255))
                    .col(
                        ColumnDef::new(AuditLog::Ip)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(AuditLog::Detail)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_audit_email",
                [AuditLog::Email, AuditLog::Event, AuditLog::At],
            ),
            (
                "idx_audit_ip",
                [AuditLog::Ip, AuditLog::Event, AuditLog::At],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(NotificationSetting::Table)
                    .col(
                        ColumnDef::new(NotificationSetting::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(NotificationSetting::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(NotificationSetting::Frequency)
                            .string_len(16)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(NotificationSetting::UserId)
                            .col(NotificationSetting::Kind),
                    )
                    .foreign_key(&mut user_fk(
                        NotificationSetting::Table,
                        NotificationSetting::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationSetting::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Outbox::Table.into_iden(),
            ApiToken::Table.into_iden(),
            AuthLink::Table.into_iden(),
            Session::Table.into_iden(),
            Membership::Table.into_iden(),
            UserAccount::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
