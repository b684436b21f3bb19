//! The command line: `maillage` serves; subcommands run administrative tasks.

pub mod assets;
pub mod bench;
pub mod demo;
mod demo_content;
mod demo_sheets;
pub mod import;
pub mod sirene;

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
    /// Manage people.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// Measure search: indexing throughput and query latency, against SQLite FTS5.
    Bench(bench::BenchArgs),
    /// Name the built site's files by their content and compress them (brotli, gzip), once
    /// per release build (`scripts/build-site --release` runs it).
    Assets,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a verified user with one role (or add the role to an existing user). Without
    /// --password, prints a one-time sign-in link valid 24 hours.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// member, admin (organisation); elected_colead, industrial_colead, project_manager,
        /// team_member, state_referent (territory); regional_council, regional_state (region);
        /// national_delegation; platform_admin.
        #[arg(long)]
        role: String,
        #[arg(long, conflicts_with_all = ["region", "organisation"])]
        territory: Option<String>,
        #[arg(long, conflicts_with = "organisation")]
        region: Option<String>,
        #[arg(long)]
        organisation: Option<i64>,
        /// At least 12 characters (prefer the sign-in link: shell history keeps passwords).
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; it is printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// `read` (GET requests only) or `write` (may also publish).
        #[arg(long, default_value = "read", value_parser = ["read", "write"])]
        scope: String,
        /// Days before the token expires (at most 365).
        #[arg(long, default_value_t = app::api::accounts::TOKEN_DAYS)]
        days: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// Firms, upserted by SIRET.
    Firms { file: PathBuf },
    /// Land sites, upserted by reference.
    Sites { file: PathBuf },
    /// INSEE's stock file of établissements (StockEtablissement CSV), streamed: active,
    /// diffusible industry around the territories; closed ones withdrawn.
    Sirene {
        file: PathBuf,
        /// Keep établissements of the whole country.
        #[arg(long)]
        all: bool,
        /// Kilometres around a territory's communes within which établissements are kept.
        #[arg(long, default_value_t = 10.0)]
        ring_km: f64,
        /// Read the file from its start, ignoring where a stopped run ended.
        #[arg(long)]
        restart: bool,
        /// INSEE's stock file of unités légales (StockUniteLegale CSV), for legal names.
        #[arg(long, value_name = "FILE")]
        unites_legales: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportKind {
    /// Every firm, ordered by SIRET.
    Firms { file: PathBuf },
    /// The public datasets (territories, proposals and answers, practices, public parts of
    /// fiches-actions, public scorecards), each a CSV with its Table Schema file, into DIR.
    OpenData { dir: PathBuf },
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
            let done = match what {
                ImportKind::Firms { file } => import::report(import::import_firms(&db, file).await),
                ImportKind::Sites { file } => import::report(import::import_sites(&db, file).await),
                ImportKind::Sirene {
                    file,
                    all,
                    ring_km,
                    restart,
                    unites_legales,
                } => {
                    let options = sirene::Options {
                        all,
                        ring_km: ring_km.clamp(0.0, 200.0),
                        restart,
                        checkpoint: cli.config.data_dir.join("sirene-import.json"),
                        legal_units: unites_legales,
                    };
                    let started = std::time::Instant::now();
                    let summary = sirene::import(&db, &file, &options).await?;
                    println!("{summary}");
                    let seconds = started.elapsed().as_secs_f64();
                    println!(
                        "{:.1} s, {:.0} rows/s",
                        seconds,
                        summary.read as f64 / seconds.max(0.001)
                    );
                    Ok(())
                }
            };
            crate::db::refresh_statistics(&db).await?;
            done
        }
        Command::Export {
            what: ExportKind::Firms { file },
        } => {
            let db = connect_migrated(&cli.config).await?;
            let n = import::export_firms(&db, file.clone()).await?;
            println!("exported {n} firms to {}", file.display());
            Ok(())
        }
        Command::Export {
            what: ExportKind::OpenData { dir },
        } => {
            let db = connect_migrated(&cli.config).await?;
            let started = std::time::Instant::now();
            eprintln!("reading the public datasets...");
            let written = crate::services::open_data::write(
                &db,
                &crate::clock::Clock::default(),
                &cli.config.public_url,
                &dir,
            )
            .await?;
            for (name, rows) in &written {
                println!("{name}.csv: {rows} rows, with {name}.schema.json");
            }
            println!(
                "open data written to {} in {:.1} s",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Demo(args) => {
            let db = connect_migrated(&cli.config).await?;
            demo::run(&db, args).await?;
            crate::db::refresh_statistics(&db).await
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
        Command::Assets => assets::run(cli.config.site_root).await,
        Command::User {
            what:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    territory,
                    region,
                    organisation,
                    password,
                },
        } => {
            use app::domain::policy::{Role, Scope, ScopeKind};
            let db = connect_migrated(&cli.config).await?;
            let role = Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("--role {role:?} is not a role"))?;
            let scope = match role.scope_kind() {
                ScopeKind::Organisation => Scope::Organisation(organisation.ok_or_else(|| {
                    anyhow::anyhow!("--role {} needs --organisation ID", role.code())
                })?),
                ScopeKind::Territory => {
                    let t = territory.ok_or_else(|| {
                        anyhow::anyhow!("--role {} needs --territory ID", role.code())
                    })?;
                    app::domain::ids::TerritoryId::parse(&t)
                        .map_err(|e| anyhow::anyhow!("--territory: {e}"))?;
                    Scope::Territory(t)
                }
                ScopeKind::Region => Scope::Region(region.ok_or_else(|| {
                    anyhow::anyhow!("--role {} needs --region CODE", role.code())
                })?),
                ScopeKind::National => Scope::National,
                ScopeKind::Platform => Scope::Platform,
            };
            let accounts =
                crate::services::accounts::AccountsService::new(db, cli.config.public_url.clone());
            let (id, link) = accounts
                .create_user(&email, &name, password.as_deref(), scope, role)
                .await?;
            println!("user {id} ({email}) has role {}", role.code());
            if let Some(link) = link {
                println!("one-time sign-in link (24 h): {link}");
            }
            Ok(())
        }
        Command::Token {
            what:
                TokenCommand::Create {
                    email,
                    name,
                    scope,
                    days,
                },
        } => {
            let db = connect_migrated(&cli.config).await?;
            let accounts =
                crate::services::accounts::AccountsService::new(db, cli.config.public_url.clone());
            let scope = app::domain::policy::TokenScope::parse(&scope).unwrap_or_default();
            let token = accounts
                .create_api_token_for(&email, &name, scope, days)
                .await?;
            println!("{token}");
            eprintln!(
                "API token ({}, {days} days) created for {email}; it is shown only now. Use: Authorization: Bearer <token>",
                scope.code()
            );
            Ok(())
        }
    }
}

async fn connect_migrated(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&config.database()).await?;
    crate::db::migrate(&db).await?;
    Ok(db)
}
