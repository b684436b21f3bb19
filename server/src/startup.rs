//! Builds the `Application`: connect, migrate, assemble the router, bind the listener.
//!
//! `build` binds before serving and exposes the actual port, so tests start the real server
//! on port 0.

use crate::config::Config;
use crate::db;
use crate::http::{self, AppState};
use anyhow::Context;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A migrated, bound, ready-to-serve Maillage.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    address: SocketAddr,
    clock: crate::clock::Clock,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let database = config.database();
        let conn = db::connect(&database).await?;
        db::migrate(&conn).await?;
        if sea_orm::ConnectionTrait::get_database_backend(&conn) == sea_orm::DatabaseBackend::Sqlite
        {
            db::refresh_statistics(&conn).await?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let address = listener.local_addr().context("reading the bound address")?;
        let leptos_options = LeptosOptions::builder()
            .output_name("maillage")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .build();
        let (index, opened) = crate::search::SearchIndex::open(Some(config.index_dir()))?;
        let naf = std::sync::Arc::new(crate::search::documents::NafTable::load(&conn).await?);
        crate::search::indexer::spawn(conn.clone(), index.clone(), naf, opened);
        // One clock for every service: tests move it to try what depends on time.
        let clock = crate::clock::Clock::default();
        let gazetteer = std::sync::Arc::new(crate::services::Gazetteer::load(&conn).await?);
        let needs = crate::services::needs::NeedService::new(
            conn.clone(),
            index.clone(),
            config.public_url.clone(),
        )
        .with_clock(clock.clone())
        .with_places(gazetteer.places());
        needs.clone().spawn_matcher(std::time::Duration::from_secs(
            config.match_interval_secs.max(1),
        ));
        let network = crate::services::network::NetworkService::new(
            conn.clone(),
            index.clone(),
            config.public_url.clone(),
        )
        .with_clock(clock.clone());
        let proposals = crate::services::proposals::ProposalService::new(
            conn.clone(),
            index.clone(),
            config.public_url.clone(),
        )
        .with_clock(clock.clone())
        .with_stand_in_days(config.seat_stand_in_days);
        let accounts = crate::services::accounts::AccountsService::new(
            conn.clone(),
            config.public_url.clone(),
        )
        .with_clock(clock.clone());
        accounts.clone().spawn_housekeeping();
        let transport = crate::mail::dispatcher::Transport::from_config(
            config.smtp_url.as_deref(),
            config.outbox_dir(),
        )?;
        let from: lettre::message::Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("MAILLAGE_MAIL_FROM {:?}", config.mail_from))?;
        crate::mail::dispatcher::spawn(conn.clone(), transport, from);
        crate::mail::digest::spawn(conn.clone(), config.public_url.clone(), clock.clone());
        crate::services::action_sheets::ActionSheetService::new(
            conn.clone(),
            clock.clone(),
            config.public_url.clone(),
        )
        .spawn_reminders();
        crate::services::monitoring::MonitoringService::new(conn.clone(), clock.clone())
            .spawn_report_reminders(config.public_url.clone());
        if let Some(dir) = &config.open_data_dir {
            crate::services::open_data::spawn_nightly(
                conn.clone(),
                clock.clone(),
                config.public_url.clone(),
                dir.clone(),
                config.open_data_hour,
            );
        }
        let site_files =
            app::assets::SiteFiles::read(&config.site_root).map_err(anyhow::Error::msg)?;
        let state = AppState {
            leptos_options,
            site_files,
            services: crate::services::build(
                conn.clone(),
                index,
                gazetteer,
                accounts,
                proposals,
                network,
                needs,
                config.public_url.clone(),
                clock.clone(),
            ),
            db: conn,
            public_url: config.public_url.clone(),
            secure_cookies: config.public_url.starts_with("https://"),
            trusted_proxy_header: config.trusted_proxy_header.clone(),
        };
        let router = http::router(state);
        Ok(Application {
            listener,
            router,
            address,
            clock,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The clock the services judge time by (tests move it forward).
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(address = %self.address, "Maillage listening on http://{}", self.address);
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested, finishing in-flight requests");
}
