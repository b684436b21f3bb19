//! `maillage`: serves the platform, or runs one administrative command.

use clap::Parser;
use server::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::telemetry::limit_allocator_arenas();
    let cli = Cli::parse();
    server::telemetry::init(&cli.config.log_format);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "maillage stopped");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
