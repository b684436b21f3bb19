//! The one configuration struct: flags, each with a `MAILLAGE_*` environment variable and a
//! default. `.env.example` lists them all.

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the process needs to start.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "MAILLAGE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Data directory: the SQLite database (maillage.db), and later the search index and outbox.
    #[arg(long, env = "MAILLAGE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL. Unset: SQLite at DATA_DIR/maillage.db. `postgres://...` for PostgreSQL.
    #[arg(long, env = "MAILLAGE_DATABASE_URL")]
    pub database_url: Option<String>,

    /// The compiled site (WebAssembly, JavaScript, CSS) produced by `scripts/build-site`.
    #[arg(long, env = "MAILLAGE_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Public base URL, used in links sent by email and to decide Secure cookies.
    #[arg(
        long,
        env = "MAILLAGE_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,

    /// SMTP server for outgoing mail (`smtp://host:2525`, `smtps://user:pass@host`).
    /// Unset: mails are written as `.eml` files in DATA_DIR/outbox/.
    #[arg(long, env = "MAILLAGE_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "MAILLAGE_MAIL_FROM",
        default_value = "Maillage <ne-pas-repondre@maillage.localhost>"
    )]
    pub mail_from: String,

    /// Log format.
    #[arg(long, env = "MAILLAGE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Seconds between two searches for new matches of open annonces (told in digests).
    #[arg(long, env = "MAILLAGE_MATCH_INTERVAL_SECS", default_value_t = 3600)]
    pub match_interval_secs: u64,

    /// Days a proposal waits for a co-lead's approval (the seat vacant or its holder silent)
    /// before the territory's État référent may give it (FAQ 3.2: the binôme never blocks).
    #[arg(long, env = "MAILLAGE_SEAT_STAND_IN_DAYS", default_value_t = 15)]
    pub seat_stand_in_days: u32,

    /// Header in which a trusted reverse proxy gives the client's address (for example
    /// `X-Forwarded-For`; its last entry is used). Unset: the connection's peer address.
    /// Set it only behind a proxy that always writes it, or clients could choose their own.
    #[arg(long, env = "MAILLAGE_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,

    /// Directory the public datasets are written to every night (`export open-data`); unset,
    /// no nightly export.
    #[arg(long, env = "MAILLAGE_OPEN_DATA_DIR")]
    pub open_data_dir: Option<PathBuf>,

    /// Hour (UTC, 0-23) of the nightly open-data export.
    #[arg(long, env = "MAILLAGE_OPEN_DATA_HOUR", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(0..=23))]
    pub open_data_hour: u32,
}

impl Config {
    /// Where `.eml` files go when no SMTP server is configured.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Where the search index lives: derived data, deleted and rebuilt at will.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// The database to connect to.
    pub fn database(&self) -> Database {
        match &self.database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url.clone())
            }
            Some(url) => Database::Sqlite(PathBuf::from(
                url.trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:"),
            )),
            None => Database::Sqlite(self.data_dir.join("maillage.db")),
        }
    }
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}
