//! HTTP: the router, health checks, security middleware, and the language switch.

mod action_sheets;
pub mod api;
pub mod auth;
mod claims;
mod directory;
pub mod form;
mod governance;
mod monitoring;
mod needs;
mod network;
mod proposals;
mod security;
pub mod sheet;

use app::ports::Services;
use app::{shell, App};
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use form::Form;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Deserialize;
use std::sync::OnceLock;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Shared by every handler: the ports (`Services`) are the only way to the use cases, here
/// as in the pages' server functions.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    /// The site's file names (hashed in a release build), for the pages' head.
    pub site_files: app::assets::SiteFiles,
    /// For the readiness check only.
    pub db: DatabaseConnection,
    /// The address links in exports and mails point to.
    pub public_url: String,
    pub secure_cookies: bool,
    /// The header a trusted reverse proxy puts the client's address in, if any.
    pub trusted_proxy_header: Option<String>,
}

/// Largest request body accepted (forms, JSON, CSV imports go through the CLI).
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// The page routes, generated once per process. Generating them sets a process-wide flag of
/// leptos_server under which any resource first polled meanwhile waits forever
/// (leptos-rs/leptos#4773): a second server built in the same process (the tests build
/// dozens, in parallel) would hang a page another server is rendering.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let render_context = render_context(&state);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/langue", post(set_language))
        .nest("/api/v1", api::router())
        .merge(auth::router())
        .merge(directory::router())
        .merge(proposals::router())
        .merge(network::router())
        .merge(needs::router())
        .merge(claims::router())
        .merge(governance::router())
        .merge(action_sheets::router())
        .merge(monitoring::router())
        .leptos_routes_with_context(&state, routes, render_context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(render_context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.site_files.clone(),
            lasting_files,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::identify,
        ))
        .layer(axum::middleware::from_fn(security::origin_check))
        .layer(axum::middleware::from_fn_with_state(
            state.secure_cookies,
            security::headers,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        // Brotli 4, not the library's default 11: 11 is for files compressed once (the
        // release build's assets are, by `maillage assets`, and served as they are), and
        // costs many times the CPU on each page and each file compressed on the fly.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(4)))
        .with_state(state)
}

/// What every page's render has in its context besides the request: the ports and the
/// site's file names.
pub(crate) fn render_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let services = state.services.clone();
    let files = state.site_files.clone();
    move || {
        provide_context(services.clone());
        provide_context(files.clone());
    }
}

/// The site's hashed files are the same bytes under their name for ever: a browser keeps
/// them a year without asking again. Every other file under `/pkg/` is checked at each use.
async fn lasting_files(
    axum::extract::State(files): axum::extract::State<app::assets::SiteFiles>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lasting = request
        .uri()
        .path()
        .strip_prefix("/pkg/")
        .map(|name| files.is_lasting(name));
    let mut response = next.run(request).await;
    if let (Some(lasting), true) = (lasting, response.status().is_success()) {
        let value = if lasting {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static(value),
        );
    }
    response
}

/// Liveness: the process answers.
async fn health() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn ready(State(db): State<DatabaseConnection>) -> Response {
    match db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the reader was on.
async fn set_language(
    State(state): State<AppState>,
    Form(form, _): Form<LanguageForm>,
) -> Response {
    let Some(lang) = app::i18n::Lang::from_tag(&form.lang) else {
        return (StatusCode::BAD_REQUEST, "unknown language").into_response();
    };
    // Only a local path: never an open redirect.
    let next = form
        .next
        .filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        app::i18n::LANG_COOKIE,
        lang.code(),
        if state.secure_cookies { "; Secure" } else { "" }
    );
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
