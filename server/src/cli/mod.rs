//! The command line: `maillage` serves; subcommands run administrative tasks.

pub mod bench;
pub mod demo;
pub mod import;

use crate::config::Config;
use crate::startup::Application;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Maillage, the collaborative platform of the Territoires d'industrie programme.
#[derive(Debug, Parser)]
#[command(name = "maillage", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and the API (the default).
    Serve,
    /// Apply database migrations (schema and reference data), then exit.
    Migrate,
    /// Import a CSV file (all-or-nothing; columns in the README).
    Import {
        #[command(subcommand)]
        what: ImportKind,
    },
    /// Export to CSV, in the import format.
    Export {
        #[command(subcommand)]
        what: ExportKind,
    },
    /// Generate reproducible demonstration data (firms, land sites).
    Demo(demo::DemoArgs),
    /// Rebuild the search index from the database.
    Reindex,
    /// Measure search: indexing throughput and query latency, against SQLite FTS5.
    Bench(bench::BenchArgs),
}

#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// Firms, upserted by SIRET.
    Firms { file: PathBuf },
    /// Land sites, upserted by reference.
    Sites { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ExportKind {
    /// Every firm, ordered by SIRET.
    Firms { file: PathBuf },
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            Application::build(cli.config)
                .await?
                .run_until_stopped()
                .await
        }
        Command::Migrate => {
            let started = std::time::Instant::now();
            let db = crate::db::connect(&cli.config.database()).await?;
            crate::db::migrate(&db).await?;
            eprintln!(
                "migrations applied in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { what } => {
            let db = connect_migrated(&cli.config).await?;
            match what {
                ImportKind::Firms { file } => import::report(import::import_firms(&db, file).await),
                ImportKind::Sites { file } => import::report(import::import_sites(&db, file).await),
            }
        }
        Command::Export {
            what: ExportKind::Firms { file },
        } => {
            let db = connect_migrated(&cli.config).await?;
            let n = import::export_firms(&db, file.clone()).await?;
            println!("exported {n} firms to {}", file.display());
            Ok(())
        }
        Command::Demo(args) => {
            let db = connect_migrated(&cli.config).await?;
            demo::run(&db, args).await
        }
        Command::Reindex => {
            let db = connect_migrated(&cli.config).await?;
            let started = std::time::Instant::now();
            let index = match crate::search::SearchIndex::open(Some(cli.config.index_dir())) {
                Ok((index, _)) => index,
                Err(e)
                    if format!("{e:#}").contains("LockBusy")
                        || format!("{e:#}").contains("lock") =>
                {
                    // A running server holds the index: it rebuilds when it sees this entry.
                    crate::db::organisations::record_change(&db, "*", 0, "rebuild").await?;
                    println!("a running server holds the index: rebuild requested from it");
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
            let naf = std::sync::Arc::new(crate::search::documents::NafTable::load(&db).await?);
            let bar = import::progress_bar(0, "indexing");
            let n = crate::search::indexer::rebuild(&db, &index, &naf, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64();
            println!(
                "indexed {n} documents in {secs:.1} s ({:.0} docs/s)",
                n as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Command::Bench(args) => bench::run(args).await,
    }
}

async fn connect_migrated(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&config.database()).await?;
    crate::db::migrate(&db).await?;
    Ok(db)
}
