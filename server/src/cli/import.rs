//! `maillage import firms|sites FILE.csv`: all-or-nothing CSV imports.
//!
//! Every row is checked (shape, then existence of NAF codes and communes, then duplicates)
//! before anything is written; any error aborts with the full list as `line N: column: reason`
//! and the database is left as it was. A valid file is upserted in one transaction.

use crate::db::{self, organisations::UpsertSummary};
use anyhow::{bail, Context};
use app::domain::organisation::{
    ColumnError, FirmRecord, FirmRow, SiteRecord, SiteRow, FIRM_COLUMNS, SITE_COLUMNS,
};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{DatabaseConnection, TransactionTrait};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One problem, located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.column, self.reason)
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} invalid row(s); nothing was imported", .0.len())]
    Invalid(Vec<LineError>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Rows of a file with their line numbers, and the rows that could not be read.
type ReadRows = (Vec<(u64, Vec<String>)>, Vec<LineError>);

/// Reads a CSV file whose header must be exactly `columns`, returning each row's fields
/// with its line number. Unreadable rows become errors, never panics.
pub fn read_rows(path: &Path, columns: &[&str]) -> Result<ReadRows, ImportError> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("line 1: header: {e}"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if header != columns {
        return Err(ImportError::Invalid(vec![LineError {
            line: 1,
            column: "header".into(),
            reason: format!("expected {}", columns.join(",")),
        }]));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // Header is line 1; without quoted newlines row i is on line i + 2.
        let fallback_line = i as u64 + 2;
        match record {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(fallback_line);
                if r.len() != columns.len() {
                    errors.push(LineError {
                        line,
                        column: "-".into(),
                        reason: format!("{} fields, expected {}", r.len(), columns.len()),
                    });
                } else {
                    rows.push((line, r.iter().map(str::to_owned).collect()));
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(fallback_line);
                errors.push(LineError {
                    line,
                    column: "-".into(),
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok((rows, errors))
}

fn located(line: u64, errors: Vec<ColumnError>) -> impl Iterator<Item = LineError> {
    errors.into_iter().map(move |e| LineError {
        line,
        column: e.column.to_owned(),
        reason: e.reason,
    })
}

fn take(fields: &mut std::vec::IntoIter<String>) -> String {
    fields.next().unwrap_or_default()
}

/// Parses and validates a firm file completely, against the reference tables.
pub async fn check_firms(
    db: &DatabaseConnection,
    path: PathBuf,
) -> Result<Vec<FirmRecord>, ImportError> {
    let (rows, mut errors) = tokio::task::spawn_blocking(move || read_rows(&path, &FIRM_COLUMNS))
        .await
        .context("reading the CSV file")??;
    let naf = db::organisations::naf_subclasses(db).await?;
    let communes = db::organisations::commune_codes(db).await?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut records = Vec::with_capacity(rows.len());
    for (line, fields) in rows {
        let mut f = fields.into_iter();
        let row = FirmRow {
            siret: take(&mut f),
            name: take(&mut f),
            naf: take(&mut f),
            commune_insee: take(&mut f),
            headcount_band: take(&mut f),
            description: take(&mut f),
            capabilities: take(&mut f),
            certifications: take(&mut f),
            website: take(&mut f),
            email: take(&mut f),
        };
        match row.validate() {
            Ok(r) => {
                let before = errors.len();
                if !naf.contains(r.naf.as_str()) {
                    errors.push(LineError {
                        line,
                        column: "naf".into(),
                        reason: format!("unknown NAF rev. 2 sub-class {}", r.naf.as_str()),
                    });
                }
                if !communes.contains(r.commune.as_str()) {
                    errors.push(LineError {
                        line,
                        column: "commune_insee".into(),
                        reason: format!("unknown commune {}", r.commune.as_str()),
                    });
                }
                if let Some(first) = seen.insert(r.siret.as_str().to_owned(), line) {
                    errors.push(LineError {
                        line,
                        column: "siret".into(),
                        reason: format!("duplicate of line {first}"),
                    });
                }
                if errors.len() == before {
                    records.push(r);
                }
            }
            Err(e) => errors.extend(located(line, e)),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportError::Invalid(errors))
    }
}

/// Parses and validates a land site file completely, against the reference tables.
pub async fn check_sites(
    db: &DatabaseConnection,
    path: PathBuf,
) -> Result<(Vec<SiteRecord>, HashMap<String, i64>), ImportError> {
    let (rows, mut errors) = tokio::task::spawn_blocking(move || read_rows(&path, &SITE_COLUMNS))
        .await
        .context("reading the CSV file")??;
    let communes = db::organisations::commune_codes(db).await?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for (line, fields) in rows {
        let mut f = fields.into_iter();
        let row = SiteRow {
            reference: take(&mut f),
            name: take(&mut f),
            commune_insee: take(&mut f),
            area_ha: take(&mut f),
            available_from: take(&mut f),
            status: take(&mut f),
            turnkey: take(&mut f),
            zoning: take(&mut f),
            icpe: take(&mut f),
            seveso: take(&mut f),
            rail: take(&mut f),
            port: take(&mut f),
            motorway: take(&mut f),
            power_mva: take(&mut f),
            price_min_eur_m2: take(&mut f),
            price_max_eur_m2: take(&mut f),
            contact_siret: take(&mut f),
            description: take(&mut f),
        };
        match row.validate() {
            Ok(r) => {
                if !communes.contains(r.commune.as_str()) {
                    errors.push(LineError {
                        line,
                        column: "commune_insee".into(),
                        reason: format!("unknown commune {}", r.commune.as_str()),
                    });
                }
                if let Some(first) = seen.insert(r.reference.clone(), line) {
                    errors.push(LineError {
                        line,
                        column: "reference".into(),
                        reason: format!("duplicate of line {first}"),
                    });
                }
                lines.push(line);
                records.push(r);
            }
            Err(e) => errors.extend(located(line, e)),
        }
    }
    let sirets: Vec<String> = records
        .iter()
        .filter_map(|r| r.contact_siret.as_ref().map(|s| s.as_str().to_owned()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let contacts = db::organisations::ids_by_siret(db, &sirets).await?;
    for (r, line) in records.iter().zip(&lines) {
        if let Some(s) = &r.contact_siret {
            if !contacts.contains_key(s.as_str()) {
                errors.push(LineError {
                    line: *line,
                    column: "contact_siret".into(),
                    reason: format!("no organisation with SIRET {}", s.as_str()),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok((records, contacts))
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportError::Invalid(errors))
    }
}

/// A progress bar on a terminal; hidden when stderr is not one.
pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// Imports firms: validate everything, then upsert in one transaction.
pub async fn import_firms(
    db: &DatabaseConnection,
    path: PathBuf,
) -> Result<UpsertSummary, ImportError> {
    let records = check_firms(db, path).await?;
    let bar = progress_bar(records.len() as u64, "importing firms");
    let txn = db
        .begin()
        .await
        .context("starting the import transaction")?;
    let summary = db::organisations::upsert_firms(&txn, &records, false, &|n| bar.inc(n)).await?;
    txn.commit().await.context("committing the import")?;
    bar.finish_and_clear();
    Ok(summary)
}

/// Imports land sites: validate everything, then upsert in one transaction.
pub async fn import_sites(
    db: &DatabaseConnection,
    path: PathBuf,
) -> Result<UpsertSummary, ImportError> {
    let (records, contacts) = check_sites(db, path).await?;
    let bar = progress_bar(records.len() as u64, "importing land sites");
    let txn = db
        .begin()
        .await
        .context("starting the import transaction")?;
    let summary =
        db::organisations::upsert_sites(&txn, &records, &contacts, false, &|n| bar.inc(n)).await?;
    txn.commit().await.context("committing the import")?;
    bar.finish_and_clear();
    Ok(summary)
}

/// Writes every firm in the import format, ordered by SIRET; returns the count.
pub async fn export_firms(db: &DatabaseConnection, path: PathBuf) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
    writer.write_record(FIRM_COLUMNS)?;
    let mut after = String::new();
    let mut count = 0u64;
    loop {
        let page = db::organisations::firms_after(db, &after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.siret.as_str().to_owned();
        for record in &page {
            let r = record.to_row();
            writer.write_record([
                &r.siret,
                &r.name,
                &r.naf,
                &r.commune_insee,
                &r.headcount_band,
                &r.description,
                &r.capabilities,
                &r.certifications,
                &r.website,
                &r.email,
            ])?;
            count += 1;
        }
    }
    writer.flush()?;
    Ok(count)
}

/// Prints an import outcome the way the CLI reports it.
pub fn report(result: Result<UpsertSummary, ImportError>) -> anyhow::Result<()> {
    match result {
        Ok(s) => {
            println!(
                "inserted {}, updated {}, unchanged {}",
                s.inserted, s.updated, s.unchanged
            );
            Ok(())
        }
        Err(ImportError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            bail!("{} invalid row(s); nothing was imported", errors.len())
        }
        Err(ImportError::Other(e)) => Err(e),
    }
}

#[cfg(test)]
mod properties {
    //! The CSV reader on generated files: `PROPTEST_CASES` cases (2,000 by default).
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::read_rows;
    use app::domain::organisation::FIRM_COLUMNS;
    use proptest::prelude::*;

    /// Cases per property: `PROPTEST_CASES`, else 2,000 (as the app's properties).
    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok());
        ProptestConfig::with_cases(cases.unwrap_or(2_000))
    }

    /// Field text with what makes CSV hard: quotes, separators, line breaks, a BOM.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[a-zé0-9 ,;\"\\r\\n\\u{feff}]{0,30}",]
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_bytes_are_read_without_panic_and_rows_have_every_column(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("firms.csv");
            let mut file = FIRM_COLUMNS.join(",").into_bytes();
            file.push(b'\n');
            file.extend(body);
            std::fs::write(&path, file).unwrap();
            if let Ok((rows, errors)) = read_rows(&path, &FIRM_COLUMNS) {
                prop_assert!(rows.iter().all(|(_, r)| r.len() == FIRM_COLUMNS.len()));
                prop_assert!(rows.iter().all(|(line, _)| *line >= 2));
                prop_assert!(errors.iter().all(|e| e.line >= 1));
            }
        }

        #[test]
        fn rows_written_as_csv_are_read_back_as_written(rows in proptest::collection::vec(proptest::collection::vec(field(), 10), 0..6)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("firms.csv");
            let mut writer = csv::Writer::from_path(&path).unwrap();
            writer.write_record(FIRM_COLUMNS).unwrap();
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            writer.flush().unwrap();
            let (read, errors) = read_rows(&path, &FIRM_COLUMNS).unwrap();
            prop_assert!(errors.is_empty(), "{:?}", errors);
            let fields: Vec<Vec<String>> = read.into_iter().map(|(_, r)| r).collect();
            prop_assert_eq!(fields, rows);
        }
    }
}
