//! The command line: `maillage` serves; subcommands run administrative tasks.

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
    }
}

async fn connect_migrated(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&config.database()).await?;
    crate::db::migrate(&db).await?;
    Ok(db)
}
