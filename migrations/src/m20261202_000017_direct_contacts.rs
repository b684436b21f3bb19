//! Contact requests made from a firm's page, with no annonce behind them: `interest.need_id`
//! becomes optional and `interest.subject` says what such a request is about. A contact is
//! about an annonce or has a subject, never neither (a CHECK on both backends).
//!
//! PostgreSQL alters the table in place. SQLite cannot drop a NOT NULL, so the table is
//! rebuilt from its own recorded definition, edited, with its rows, indexes and triggers
//! (the vocabulary rule on `status`) carried over unchanged.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseBackend, FromQueryResult, Statement, TransactionTrait,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns before this step, in their order (the copy names them, not `*`).
const COLUMNS: &str = "id, need_id, from_kind, from_id, to_kind, to_id, user_id, message, \
                       status, reason, answered_by, created_at, answered_at, closed_at";

/// `need_id` as the first step wrote it on SQLite, and as this step writes it, followed by
/// the new column (SQLite wants every column before the table's constraints).
const NEED_REQUIRED: &str = "\"need_id\" bigint NOT NULL";
const NEED_OPTIONAL: &str = "\"need_id\" bigint, \"subject\" text NOT NULL DEFAULT ''";
/// The constraint this step adds at the end of the SQLite definition.
const ABOUT: &str = ", CONSTRAINT interest_about CHECK (need_id IS NOT NULL OR subject <> '')";

#[derive(FromQueryResult)]
struct Sql {
    sql: String,
}

/// Rebuilds SQLite's `interest` with `edit` applied to its definition; `columns` are copied.
async fn rebuild_sqlite(
    db: &SchemaManagerConnection<'_>,
    edit: impl Fn(&str) -> Result<String, DbErr>,
    columns: &str,
) -> Result<(), DbErr> {
    // One connection for every statement: another one of the pool, still reading an older
    // snapshot, would see the table this drops.
    let txn = db.begin().await?;
    let db = &txn;
    let backend = DatabaseBackend::Sqlite;
    let read = |kind: &str| {
        Statement::from_sql_and_values(
            backend,
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'interest' AND type = ? \
             AND sql IS NOT NULL ORDER BY name",
            [kind.into()],
        )
    };
    let table = Sql::find_by_statement(read("table"))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Migration("no interest table to rebuild".into()))?
        .sql;
    let indexes = Sql::find_by_statement(read("index")).all(db).await?;
    let triggers = Sql::find_by_statement(read("trigger")).all(db).await?;
    let edited = edit(&table)?;
    let renamed = edited.replacen("\"interest\"", "\"interest_rebuilt\"", 1);
    if renamed == edited {
        return Err(DbErr::Migration(format!(
            "unexpected interest definition: {table}"
        )));
    }
    db.execute_unprepared(&renamed).await?;
    db.execute_unprepared(&format!(
        "INSERT INTO interest_rebuilt ({columns}) SELECT {columns} FROM interest"
    ))
    .await?;
    db.execute_unprepared("DROP TABLE interest").await?;
    db.execute_unprepared("ALTER TABLE interest_rebuilt RENAME TO interest")
        .await?;
    for s in indexes.iter().chain(&triggers) {
        db.execute_unprepared(&s.sql).await?;
    }
    txn.commit().await
}

/// `text` with `from` replaced once by `to`, or an error naming what was missing.
fn replace_once(text: &str, from: &str, to: &str) -> Result<String, DbErr> {
    if !text.contains(from) {
        return Err(DbErr::Migration(format!(
            "interest definition lacks {from:?}: {text}"
        )));
    }
    Ok(text.replacen(from, to, 1))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let edit = |sql: &str| {
                    let sql = replace_once(sql, NEED_REQUIRED, NEED_OPTIONAL)?;
                    let end = sql
                        .rfind(')')
                        .ok_or_else(|| DbErr::Migration(format!("no closing bracket: {sql}")))?;
                    Ok(format!("{}{ABOUT}{}", &sql[..end], &sql[end..]))
                };
                rebuild_sqlite(db, edit, COLUMNS).await
            }
            _ => {
                for sql in [
                    "ALTER TABLE interest ALTER COLUMN need_id DROP NOT NULL",
                    "ALTER TABLE interest ADD COLUMN subject text NOT NULL DEFAULT ''",
                    "ALTER TABLE interest ADD CONSTRAINT interest_about \
                     CHECK (need_id IS NOT NULL OR subject <> '')",
                ] {
                    db.execute_unprepared(sql).await?;
                }
                Ok(())
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Contacts without an annonce had no place before this step.
        db.execute_unprepared("DELETE FROM interest WHERE need_id IS NULL")
            .await?;
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let edit = |sql: &str| {
                    let sql = replace_once(sql, ABOUT, "")?;
                    replace_once(&sql, NEED_OPTIONAL, NEED_REQUIRED)
                };
                rebuild_sqlite(db, edit, COLUMNS).await
            }
            _ => {
                for sql in [
                    "ALTER TABLE interest DROP CONSTRAINT IF EXISTS interest_about",
                    "ALTER TABLE interest DROP COLUMN subject",
                    "ALTER TABLE interest ALTER COLUMN need_id SET NOT NULL",
                ] {
                    db.execute_unprepared(sql).await?;
                }
                Ok(())
            }
        }
    }
}
