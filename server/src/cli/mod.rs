//! The command line: `maillage` serves; subcommands run administrative tasks.

use crate::config::Config;
use crate::startup::Application;
use clap::{Parser, Subcommand};

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
    }
}
