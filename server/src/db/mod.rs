//! Storage: connecting, migrating, and the hand-written queries of each area.
//!
//! The database is the truth. Static queries are written once with `?` placeholders and
//! rendered for the connected backend, so SQLite and PostgreSQL run the very same statements;
//! a listing's criteria (`Filter`, `Listing`) are built and bound by sea-query.

pub mod accounts;
pub mod action_sheets;
pub mod claims;
pub mod clusters;
pub mod directory;
pub mod governance;
pub mod monitoring;
pub mod needs;
pub mod network;
pub mod organisations;
pub mod proposals;

use crate::config::Database;
use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{
    Alias, Condition, Expr, Order, PostgresQueryBuilder, Query, SqliteQueryBuilder,
};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseBackend, DatabaseConnection, FromQueryResult,
    Statement, Value,
};
use std::time::Duration;

/// ` LEFT JOIN territory {alias}` for a polymorphic party (an annonce's author, a side of a
/// contact or an exchange) whose kind column holds the territory code. Built at compile time
/// from the vocabulary, so the stored code is written once, in the domain.
macro_rules! join_territory_party {
    ($alias:literal, $kind:literal, $id:literal) => {
        const_format::concatcp!(
            " LEFT JOIN territory ",
            $alias,
            " ON ",
            $kind,
            " = '",
            app::domain::organisation::PartyKind::Territory.code(),
            "' AND ",
            $alias,
            ".id = ",
            $id
        )
    };
}
pub(crate) use join_territory_party;

/// ` LEFT JOIN organisation {alias}` for a polymorphic party of the given `PartyKind`
/// (`Organisation` or `District`). The party's id column is text; the cast happens only on
/// that kind's rows, so the join uses the organisation's key.
macro_rules! join_organisation_party {
    ($alias:literal, $kind:literal, $id:literal, $party:ident) => {
        const_format::concatcp!(
            " LEFT JOIN organisation ",
            $alias,
            " ON ",
            $kind,
            " = '",
            app::domain::organisation::PartyKind::$party.code(),
            "' AND ",
            $alias,
            ".id = CASE WHEN ",
            $kind,
            " = '",
            app::domain::organisation::PartyKind::$party.code(),
            "' THEN CAST(",
            $id,
            " AS BIGINT) END"
        )
    };
}
pub(crate) use join_organisation_party;

/// The SQL condition keeping the organisations (aliased `alias`) that `viewer` may see:
/// `members` ones only for signed-in viewers, as search filters its documents. The values
/// are the code's own vocabulary, never user text.
pub fn visible_organisations(viewer: &app::domain::policy::Viewer, alias: &str) -> String {
    let list = viewer
        .visibilities()
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{alias}.visibility IN ({list})")
}

/// Opens the database: SQLite with WAL, foreign keys and a busy timeout, or PostgreSQL.
pub async fn connect(database: &Database) -> anyhow::Result<DatabaseConnection> {
    match database {
        Database::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("creating data directory {}", dir.display()))?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 1 MiB of page cache per connection (default 2): the hot tables are small.
                .pragma("cache_size", "-1024");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .with_context(|| format!("opening SQLite database {}", path.display()))?;
            Ok(sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        }
        Database::Postgres(url) => {
            let mut options = ConnectOptions::new(url.clone());
            options.max_connections(16).sqlx_logging(false);
            sea_orm::Database::connect(options)
                .await
                .context("connecting to PostgreSQL")
        }
    }
}

/// Applies pending migrations (schema and reference data).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// Fresh statistics for the query planner. Without them SQLite reaches a territory's firms by
/// walking every firm of the kind (all 20,000 on the demo data) instead of going through the
/// territory's communes. `analysis_limit` samples each index, so this stays quick at a
/// million firms.
/// PostgreSQL's autovacuum keeps its own statistics; this runs `ANALYZE` there too, for a
/// bulk load that is read at once.
pub async fn refresh_statistics(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::TransactionTrait;
    // One connection of the pool for both statements: the limit is a connection setting.
    let txn = db.begin().await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        txn.execute_unprepared("PRAGMA analysis_limit = 1000")
            .await?;
    }
    txn.execute_unprepared("ANALYZE")
        .await
        .context("refreshing the planner's statistics")?;
    txn.commit().await?;
    Ok(())
}

/// Renders `?` placeholders as `$1, $2...` for PostgreSQL. A `?` inside a quoted string
/// literal or a quoted identifier is text, not a placeholder, and is left as it is (SQL
/// doubles a quote to escape it, which this reading handles as leaving and re-entering).
fn render(backend: DatabaseBackend, sql: &str) -> String {
    if backend != DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A statement for the connection's backend.
pub fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    Statement::from_sql_and_values(backend, render(backend, sql), values)
}

/// Runs a statement; returns the rows it changed.
pub async fn exec(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> anyhow::Result<u64> {
    use anyhow::Context;
    Ok(db
        .execute(stmt(db, sql, values))
        .await
        .with_context(|| format!("statement failed: {sql}"))?
        .rows_affected())
}

/// Runs a query and maps every row.
pub async fn fetch_all<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> anyhow::Result<Vec<T>> {
    T::find_by_statement(stmt(db, sql, values))
        .all(db)
        .await
        .with_context(|| format!("query failed: {sql}"))
}

/// Runs a query expected to return at most one row.
pub async fn fetch_optional<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> anyhow::Result<Option<T>> {
    T::find_by_statement(stmt(db, sql, values))
        .one(db)
        .await
        .with_context(|| format!("query failed: {sql}"))
}

/// The row of `select` (a statement without WHERE) whose `column` is `key`, if any.
pub async fn fetch_by<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    select: &str,
    column: &str,
    key: impl Into<Value>,
) -> anyhow::Result<Option<T>> {
    let sql = format!("{select} WHERE {column} = ?");
    fetch_optional(db, &sql, vec![key.into()]).await
}

/// `?, ?, ?` for `n` bound values.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Rows of `select` (a statement without WHERE) whose `column` is one of `ids`.
pub async fn fetch_in<T: FromQueryResult, V: Into<Value> + Clone>(
    db: &impl ConnectionTrait,
    select: &str,
    column: &str,
    ids: &[V],
) -> anyhow::Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{select} WHERE {column} IN ({})", placeholders(ids.len()));
    fetch_all(db, &sql, ids.iter().cloned().map(Into::into).collect()).await
}

/// The WHERE of a listing, built with sea-query on the columns of the table aliases of its
/// SELECT: every value is bound, and an unset criterion admits every row.
#[derive(Clone)]
pub struct Filter {
    alias: &'static str,
    condition: Condition,
}

impl Filter {
    /// No criterion yet, on the columns of `alias` (`n` in `FROM need n`).
    pub fn on(alias: &'static str) -> Self {
        Filter {
            alias,
            condition: Condition::all(),
        }
    }

    /// The criteria that follow are on the columns of `alias` (`c` in `JOIN commune c`).
    pub fn then_on(self, alias: &'static str) -> Self {
        Filter { alias, ..self }
    }

    fn col(&self, column: &'static str) -> Expr {
        Expr::col((Alias::new(self.alias), Alias::new(column)))
    }

    fn and(mut self, expr: sea_orm::sea_query::SimpleExpr) -> Self {
        self.condition = self.condition.add(expr);
        self
    }

    /// `column = value`, when there is a value.
    pub fn eq(self, column: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => {
                let expr = self.col(column).eq(v.into());
                self.and(expr)
            }
            None => self,
        }
    }

    /// `column <> value`, when there is a value.
    pub fn ne(self, column: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => {
                let expr = self.col(column).ne(v.into());
                self.and(expr)
            }
            None => self,
        }
    }

    /// `column IN (values)`; no values, no criterion.
    pub fn any_of<V: Into<Value> + Copy>(self, column: &'static str, values: &[V]) -> Self {
        if values.is_empty() {
            return self;
        }
        let expr = self
            .col(column)
            .is_in(values.iter().copied().map(Into::into));
        self.and(expr)
    }

    /// `column IN (values)`, strictly: no values, no row.
    pub fn one_of<V: Into<Value> + Copy>(self, column: &'static str, values: &[V]) -> Self {
        let expr = self
            .col(column)
            .is_in(values.iter().copied().map(Into::into));
        self.and(expr)
    }

    /// `column LIKE 'prefix%'`, when there is a prefix (a code prefix: no wildcard in it).
    pub fn starts_with(self, column: &'static str, prefix: Option<&str>) -> Self {
        match prefix {
            Some(p) => {
                let expr = self.col(column).like(format!("{p}%"));
                self.and(expr)
            }
            None => self,
        }
    }

    /// `id IN (ids)` when there is a list (a text search's hits); an empty list admits none.
    pub fn among(self, ids: Option<&[i64]>) -> Self {
        match ids {
            Some(ids) => {
                let expr = self.col("id").is_in(ids.iter().copied());
                self.and(expr)
            }
            None => self,
        }
    }
}

/// A listing: readable SQL for what it reads (the columns, FROM and joins, without WHERE),
/// its order, and the criteria of one request.
pub trait Listing {
    type Row: FromQueryResult;
    /// `SELECT ... FROM ... JOIN ...`, without WHERE.
    const SELECT: &'static str;
    /// `(column expression, descending?)`, most significant first.
    const ORDER: &'static [(&'static str, bool)];
    fn filter(&self) -> Filter;
}

/// The rows of a listing: its static SQL, with the WHERE and ORDER BY that sea-query builds,
/// binds and numbers for the connected backend.
pub async fn list<L: Listing>(
    db: &impl ConnectionTrait,
    listing: &L,
) -> anyhow::Result<Vec<L::Row>> {
    fetch_statement(db, listing_statement(db.get_database_backend(), listing)?).await
}

fn listing_statement<L: Listing>(
    backend: DatabaseBackend,
    listing: &L,
) -> anyhow::Result<Statement> {
    filtered_statement(backend, L::SELECT, listing.filter(), L::ORDER, None)
}

/// `select` (readable SQL without WHERE) with `filter`'s WHERE, `order`, and a page
/// (`(limit, offset)`), built by sea-query for `backend`.
pub fn filtered_statement(
    backend: DatabaseBackend,
    select: &'static str,
    filter: Filter,
    order: &[(&'static str, bool)],
    page: Option<(u64, u64)>,
) -> anyhow::Result<Statement> {
    let body = select
        .strip_prefix("SELECT ")
        .context("a listing's SQL starts with SELECT")?;
    let mut query = Query::select();
    query.expr(Expr::cust(body)).cond_where(filter.condition);
    for (column, descending) in order {
        let direction = if *descending { Order::Desc } else { Order::Asc };
        query.order_by_expr(Expr::cust(*column), direction);
    }
    if let Some((limit, offset)) = page {
        query.limit(limit).offset(offset);
    }
    let (sql, values) = match backend {
        DatabaseBackend::Postgres => query.build(PostgresQueryBuilder),
        _ => query.build(SqliteQueryBuilder),
    };
    Ok(Statement::from_sql_and_values(backend, &sql, values.0))
}

/// The rows of a built statement.
pub async fn fetch_statement<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> anyhow::Result<Vec<T>> {
    let sql = statement.sql.clone();
    T::find_by_statement(statement)
        .all(db)
        .await
        .with_context(|| format!("query failed: {sql}"))
}

/// A single integer (a count or a sum).
#[derive(Debug, FromQueryResult)]
pub struct Count {
    pub n: i64,
}

/// Runs a query of the form `SELECT ... AS n`.
pub async fn fetch_count(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> anyhow::Result<u64> {
    let row: Option<Count> = fetch_optional(db, sql, values).await?;
    Ok(row.map(|c| u64::try_from(c.n).unwrap_or(0)).unwrap_or(0))
}

/// A value read from the database and kept until the `changes` journal moves: what many
/// pages show and few writes change (the home page's figures, the partner profiles). Every
/// write to a firm, territory or district appends to the journal in its own transaction, on
/// whichever node made it, so one indexed `MAX(seq)` per use tells whether the value is
/// still the database's. A value read while a write lands is kept under the older position
/// and read again at the next use: never older than the journal says.
pub struct JournalCache<T> {
    slot: std::sync::Arc<tokio::sync::RwLock<Option<Positioned<T>>>>,
}

/// A value and the journal position it was read at.
type Positioned<T> = (i64, std::sync::Arc<T>);

impl<T> Clone for JournalCache<T> {
    fn clone(&self) -> Self {
        JournalCache {
            slot: self.slot.clone(),
        }
    }
}

impl<T> Default for JournalCache<T> {
    fn default() -> Self {
        JournalCache {
            slot: Default::default(),
        }
    }
}

impl<T> JournalCache<T> {
    /// The value as of the journal's current position: kept, or read again by `read`.
    pub async fn get<F, Fut>(
        &self,
        db: &impl ConnectionTrait,
        read: F,
    ) -> anyhow::Result<std::sync::Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<T>>,
    {
        let position = journal_position(db).await?;
        if let Some((at, value)) = self.slot.read().await.as_ref() {
            if *at == position {
                return Ok(value.clone());
            }
        }
        let value = std::sync::Arc::new(read().await?);
        *self.slot.write().await = Some((position, value.clone()));
        Ok(value)
    }
}

/// The position of the `changes` journal: its last sequence number, 0 when empty.
pub async fn journal_position(db: &impl ConnectionTrait) -> anyhow::Result<i64> {
    Ok(fetch_count(db, "SELECT COALESCE(MAX(seq), 0) AS n FROM changes", vec![]).await? as i64)
}

/// Splits a JSON array stored in a text column; malformed text gives an empty list.
pub fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Splits a space- or comma-separated code list such as `"01 39"`.
pub fn code_list(text: &str) -> Vec<String> {
    app::domain::text::split_codes(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.
    use super::*;

    struct Probe<'a> {
        status: Option<&'a str>,
        kinds: &'a [&'a str],
        ids: Option<&'a [i64]>,
    }

    impl Listing for Probe<'_> {
        type Row = Count;
        const SELECT: &'static str = "SELECT COUNT(*) AS n FROM need n";
        const ORDER: &'static [(&'static str, bool)] = &[("n.id", true)];
        fn filter(&self) -> Filter {
            Filter::on("n")
                .eq("status", self.status)
                .any_of("kind", self.kinds)
                .among(self.ids)
        }
    }

    #[test]
    fn a_listing_binds_every_criterion_and_skips_the_unset_ones() {
        let probe = Probe {
            status: Some("open"),
            kinds: &["supplier", "skills"],
            ids: None,
        };
        let pg = listing_statement(DatabaseBackend::Postgres, &probe).unwrap();
        assert_eq!(
            pg.sql,
            r#"SELECT COUNT(*) AS n FROM need n WHERE "n"."status" = $1 AND "n"."kind" IN ($2, $3) ORDER BY n.id DESC"#
        );
        assert_eq!(pg.values.map(|v| v.0.len()), Some(3));
        let lite = listing_statement(DatabaseBackend::Sqlite, &probe).unwrap();
        assert!(lite
            .sql
            .contains(r#""n"."status" = ? AND "n"."kind" IN (?, ?)"#));
        let none = Probe {
            status: None,
            kinds: &[],
            ids: None,
        };
        let all = listing_statement(DatabaseBackend::Sqlite, &none).unwrap();
        assert_eq!(
            all.sql,
            "SELECT COUNT(*) AS n FROM need n WHERE TRUE ORDER BY n.id DESC"
        );
    }

    /// A text search that found nothing must list nothing, not everything.
    #[test]
    fn an_empty_list_of_hits_admits_no_row() {
        let probe = Probe {
            status: None,
            kinds: &[],
            ids: Some(&[]),
        };
        let statement = listing_statement(DatabaseBackend::Sqlite, &probe).unwrap();
        assert!(statement.sql.contains("WHERE ? = ?"), "{}", statement.sql);
        let values = statement.values.map(|v| v.0).unwrap_or_default();
        assert_eq!(values, vec![Value::from(1), Value::from(2)]);
    }

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let sql = "SELECT a FROM t WHERE b = ? AND c = ?";
        assert_eq!(
            render(DatabaseBackend::Postgres, sql),
            "SELECT a FROM t WHERE b = $1 AND c = $2"
        );
        assert_eq!(render(DatabaseBackend::Sqlite, sql), sql);
    }

    #[test]
    fn a_question_mark_in_a_quoted_literal_or_identifier_is_text() {
        let sql = "SELECT 'Pourquoi ?', \"a?b\" FROM t WHERE x = ? AND y = 'l''?' AND z IN (?, ?)";
        assert_eq!(
            render(DatabaseBackend::Postgres, sql),
            "SELECT 'Pourquoi ?', \"a?b\" FROM t WHERE x = $1 AND y = 'l''?' AND z IN ($2, $3)"
        );
    }
}
