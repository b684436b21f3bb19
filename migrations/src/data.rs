//! The reference files compiled into the binary, and the batched insert used to load them.
//!
//! Files are gzipped CSV (UTF-8, header row) copied from the project's shared reference data;
//! `migrations/data/PROVENANCE.md` says where each one comes from.

use flate2::read::GzDecoder;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::sea_query::SimpleExpr;

pub const COMMUNES: &[u8] = include_bytes!("../data/communes_fr_2026.csv.gz");
pub const EPCI: &[u8] = include_bytes!("../data/epci_fr_2026.csv.gz");
pub const TERRITORIES: &[u8] = include_bytes!("../data/territoires_industrie_2023.csv.gz");
pub const TERRITORY_MEMBERS: &[u8] =
    include_bytes!("../data/territoires_industrie_2023_epci.csv.gz");
pub const TERRITORY_COMMUNES: &[u8] =
    include_bytes!("../data/territoires_industrie_2023_communes.csv.gz");
pub const TERRITORY_GEOJSON: &[u8] =
    include_bytes!("../data/territoires_industrie_2023.geojson.gz");
pub const NAF: &[u8] = include_bytes!("../data/naf_rev2_tous_niveaux.csv.gz");
pub const ROME_JOBS: &[u8] = include_bytes!("../data/rome4_metiers.csv.gz");
pub const NAF_DIVISION_ROME: &[u8] = include_bytes!("../data/naf_division_rome4.csv.gz");
pub const ESCO_SKILLS: &[u8] = include_bytes!("../data/esco_v1_skills_fr_en_es.csv.gz");
pub const NUTS: &[u8] = include_bytes!("../data/nuts_2024.csv.gz");
pub const POLES: &[u8] = include_bytes!("../data/poles_competitivite_curated.csv.gz");
pub const DISTRICTS: &[u8] = include_bytes!("../data/european_districts_curated.csv.gz");
pub const BROWNFIELDS: &[u8] = include_bytes!("../data/cartofriches_par_commune.csv.gz");

/// Rows rendered per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table loaded here.
const BATCH_ROWS: usize = 500;

/// One row of a CSV file, addressed by column name.
pub struct Row {
    record: csv::StringRecord,
    line: u64,
}

impl Row {
    /// The column's text, trimmed; empty when the column is absent.
    pub fn get(&self, headers: &csv::StringRecord, column: &str) -> String {
        headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    pub fn line(&self) -> u64 {
        self.line
    }
}

/// Decompresses and parses a gzipped CSV file into its header and rows.
pub fn read_csv(name: &str, gz: &[u8]) -> Result<(csv::StringRecord, Vec<Row>), DbErr> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(GzDecoder::new(gz));
    let headers = reader
        .headers()
        .map_err(|e| DbErr::Custom(format!("reference file {name}: header: {e}")))?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| DbErr::Custom(format!("reference file {name}: {e}")))?;
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        rows.push(Row { record, line });
    }
    Ok((headers, rows))
}

/// Decompresses a gzipped text file.
pub fn read_text(name: &str, gz: &[u8]) -> Result<String, DbErr> {
    use std::io::Read;
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| DbErr::Custom(format!("reference file {name}: {e}")))?;
    Ok(text)
}

/// A value for an INSERT row.
pub fn v<T: Into<Value>>(value: T) -> SimpleExpr {
    SimpleExpr::Value(value.into())
}

/// A text value that is NULL when empty.
pub fn opt_text(value: String) -> SimpleExpr {
    if value.is_empty() {
        SimpleExpr::Value(Value::String(None))
    } else {
        v(value)
    }
}

/// A float value that is NULL when empty or unparsable.
pub fn opt_f64(value: &str) -> SimpleExpr {
    v(value.parse::<f64>().ok())
}

/// An integer, zero when empty or unparsable (reference counts and populations).
pub fn int(value: &str) -> SimpleExpr {
    v(value.parse::<i64>().unwrap_or(0))
}

/// Inserts `rows` into `table` in batches.
pub async fn insert_rows<I: Iden + Copy + 'static, C: Iden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: I,
    columns: &[C],
    rows: Vec<Vec<SimpleExpr>>,
) -> Result<(), DbErr> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(BATCH_ROWS) {
            insert
                .values(row)
                .map_err(|e| DbErr::Custom(format!("reference insert: {e}")))?;
        }
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}

/// `sql` with its `?` placeholders numbered (`$1`, `$2`...) for PostgreSQL, as sea-orm's
/// PostgreSQL statements want them; unchanged for SQLite.
pub fn numbered(backend: sea_orm_migration::sea_orm::DatabaseBackend, sql: &str) -> String {
    if backend != sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `sql` in one transaction: on SQLite each statement could otherwise run on another
/// connection of the pool, one that has not seen the schema change before it.
pub async fn in_one_transaction(
    manager: &sea_orm_migration::SchemaManager<'_>,
    sql: Vec<String>,
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};
    let txn = manager.get_connection().begin().await?;
    for statement in sql {
        txn.execute_unprepared(&statement).await?;
    }
    txn.commit().await
}
