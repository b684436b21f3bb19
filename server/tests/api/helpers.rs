//! `spawn_app()`: a migrated database copied from a per-run template, the real router on an
//! ephemeral port, and a client.
//!
//! Migrating loads ~70,000 reference rows, so each run migrates once into a template
//! (a SQLite file, or a PostgreSQL template database) and every test starts from a copy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::policy::{Role, Scope, TokenScope};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use server::config::{Config, LogFormat};
use server::services::accounts::AccountsService;
use server::startup::Application;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to test against, if any (an admin URL, e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
pub fn postgres_url() -> Option<String> {
    std::env::var("MAILLAGE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Generates one test per backend for an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use $crate::helpers::{postgres_url, Backend};
            #[tokio::test]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                if postgres_url().is_none() {
                    eprintln!("MAILLAGE_TEST_POSTGRES_URL unset: PostgreSQL run skipped");
                    return;
                }
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f)
        .join()
        .expect("helper thread panicked")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn run_id() -> String {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() % 1_000_000_000)
            .unwrap_or(0);
        format!("{}_{}", std::process::id(), nanos)
    })
    .clone()
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("postgres URL with a database");
    format!("{base}/{name}")
}

/// The migrated SQLite template file for this run.
fn sqlite_template() -> PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            run_blocking(|| {
                let dir = std::env::temp_dir().join(format!("maillage-test-{}", run_id()));
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join("template.db");
                let p = path.clone();
                runtime().block_on(async move {
                    let db = server::db::connect(&server::config::Database::Sqlite(p))
                        .await
                        .unwrap();
                    server::db::migrate(&db).await.unwrap();
                    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                        .await
                        .unwrap();
                    db.close().await.unwrap();
                });
                path
            })
        })
        .clone()
}

/// The migrated PostgreSQL template database for this run.
fn postgres_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    let admin = admin_url.to_owned();
    TEMPLATE
        .get_or_init(|| {
            run_blocking(move || {
                let name = format!("maillage_test_tpl_{}", run_id());
                runtime().block_on(async {
                    let admin_db = sea_orm::Database::connect(&admin).await.unwrap();
                    admin_db
                        .execute_unprepared(&format!("CREATE DATABASE {name}"))
                        .await
                        .unwrap();
                    admin_db.close().await.unwrap();
                    let db = sea_orm::Database::connect(with_database(&admin, &name))
                        .await
                        .unwrap();
                    server::db::migrate(&db).await.unwrap();
                    db.close().await.unwrap();
                });
                name
            })
        })
        .clone()
}

/// A running server and what the test needs to talk to it.
pub struct TestApp {
    pub address: String,
    /// The server's clock: move it forward to try what depends on time.
    pub clock: server::clock::Clock,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub config: Config,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, None).await
}

/// A running server that sends mail to an SMTP server instead of `.eml` files.
pub async fn spawn_app_with(backend: Backend, smtp_url: Option<String>) -> TestApp {
    spawn_app_serving(backend, smtp_url, None).await
}

/// A running server, serving the built site at `site_root` (an empty one otherwise).
pub async fn spawn_app_serving(
    backend: Backend,
    smtp_url: Option<String>,
    site_root: Option<std::path::PathBuf>,
) -> TestApp {
    // `MAILLAGE_TEST_LOG=1` shows the servers' logs (a 500's cause, say) with the output.
    static LOG: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("MAILLAGE_TEST_LOG").is_some() {
        LOG.call_once(|| server::telemetry::init(&server::config::LogFormat::Text));
    }
    let dir = tempfile::tempdir().unwrap();
    let (database_url, postgres) = match backend {
        Backend::Sqlite => {
            let template = sqlite_template();
            let path = dir.path().join("maillage.db");
            std::fs::copy(&template, &path).unwrap();
            (format!("sqlite://{}", path.display()), None)
        }
        Backend::Postgres => {
            let admin = postgres_url().expect("MAILLAGE_TEST_POSTGRES_URL");
            let template = postgres_template(&admin);
            let name = format!(
                "maillage_test_{}_{}",
                run_id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let admin_db = sea_orm::Database::connect(&admin).await.unwrap();
            let mut attempt = 0;
            loop {
                match admin_db
                    .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                {
                    Ok(_) => break,
                    // Two copies of one template at once are refused; wait and retry.
                    Err(e) if attempt < 50 => {
                        attempt += 1;
                        let _ = e;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!("cannot create test database: {e}"),
                }
            }
            admin_db.close().await.unwrap();
            (with_database(&admin, &name), Some((admin, name)))
        }
    };
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(database_url),
        site_root: site_root.unwrap_or_else(|| dir.path().join("site")),
        public_url: "http://127.0.0.1".to_owned(),
        smtp_url,
        mail_from: "Maillage <test@maillage.localhost>".to_owned(),
        log_format: LogFormat::Text,
        // Tests see new matches within seconds; they hold only a few annonces.
        match_interval_secs: 1,
        seat_stand_in_days: 15,
        // Tests play several clients from one machine, each naming its address here.
        trusted_proxy_header: Some("x-forwarded-for".to_owned()),
        open_data_dir: None,
        open_data_hour: 3,
    };
    let app = Application::build(config.clone())
        .await
        .expect("application builds");
    let address = format!("http://{}", app.address());
    let clock = app.clock();
    tokio::spawn(app.run_until_stopped());
    let db = server::db::connect(&config.database()).await.unwrap();
    // A request that hangs fails the test, naming its URL, instead of stalling the run.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        address,
        clock,
        client,
        db,
        config,
        _dir: dir,
        postgres,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GET a page in French and return (status, body).
    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(self.url(path))
            .header("Accept-Language", "fr-FR")
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        // Without Leptos's hydration markers, so assertions read the text a user sees.
        (status, r.text().await.unwrap().replace("<!>", ""))
    }

    /// GET JSON and return (status, body).
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// A single integer from SQL, on the test's database.
    pub async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            run_blocking(move || {
                runtime().block_on(async move {
                    if let Ok(db) = sea_orm::Database::connect(&admin).await {
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                })
            });
        }
    }
}

/// A browser-like client: keeps cookies, sends a same-origin `Origin` on POST.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Browser { app, cookie: None }
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self
            .app
            .client
            .post(self.app.url(path))
            .header("Origin", self.app.address.clone())
            .form(form);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c.clone());
        }
        let r = req.send().await.unwrap();
        if let Some(set) = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        r
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut req = self
            .app
            .client
            .get(self.app.url(path))
            .header("Accept-Language", "fr-FR");
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c.clone());
        }
        let r = req.send().await.unwrap();
        (
            r.status().as_u16(),
            r.text().await.unwrap().replace("<!>", ""),
        )
    }
}

/// A refused form's answer, drawn again in place: its status and the messages shown beside
/// its fields, in the page's order (as text, entities decoded).
pub async fn refusal(r: reqwest::Response) -> (u16, Vec<String>) {
    let status = r.status().as_u16();
    let page = r.text().await.unwrap();
    let messages = page
        .split("<p ")
        .skip(1)
        .filter_map(|rest| {
            let (tag, after) = rest.split_once('>')?;
            tag.contains("data-testid=\"field-error\"")
                .then(|| after.split("</p>").next())
                .flatten()
        })
        .map(|m| {
            m.replace("<!>", "")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect();
    (status, messages)
}

/// Asserts that a form was refused in place for `problem`: a 400 page that tells it, in
/// French, beside its field.
pub async fn assert_refused(r: reqwest::Response, problem: app::error::Problem) {
    let expected = app::i18n::t(app::i18n::Lang::Fr, problem.key());
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400, "refused for {problem:?}");
    assert!(
        shown.iter().any(|m| m == expected),
        "{problem:?} should be told beside its field; shown: {shown:?}"
    );
}

/// Asserts that a form was refused in place as not the sender's to send: a 403 page that
/// says so.
pub async fn assert_not_allowed(r: reqwest::Response) {
    assert_eq!(r.status().as_u16(), 403);
    let page = r.text().await.unwrap().replace("&#x27;", "'");
    let expected = app::i18n::t(app::i18n::Lang::Fr, app::i18n::Key::ForbiddenBody);
    assert!(page.contains(expected), "the page should say {expected:?}");
}

/// The path of a server function, as the running binary registered it.
pub fn server_fn_path(name: &str) -> String {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        // The path is the name followed by a hash: `get_needs` is not `get_needs_for_me`.
        .find(|p| {
            p.strip_prefix(&format!("/api/{name}"))
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap_or_else(|| panic!("no server function {name}"))
        .to_owned()
}

// People and data of the "real actors join" tests (claims, land sites).

/// The password of the people these helpers make.
pub const PASSWORD: &str = "une phrase de passe longue";

/// The SIRENE extract of the fixtures, imported as `maillage import sirene` does.
pub async fn load_register(app: &TestApp) {
    let fixture = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sirene/StockEtablissement_extrait.csv");
    let options = server::cli::sirene::Options {
        all: false,
        ring_km: 10.0,
        restart: false,
        checkpoint: app.config.data_dir.join("sirene-import.json"),
        legal_units: None,
    };
    server::cli::sirene::import(&app.db, &fixture, &options)
        .await
        .unwrap();
}

/// A signed-in person with `role` in `scope`, or with no role at all for `None`.
pub async fn person<'a>(app: &'a TestApp, email: &str, role: Option<(Scope, Role)>) -> Browser<'a> {
    let accounts = AccountsService::new(app.db.clone(), app.config.public_url.clone());
    let (scope, r) = role
        .clone()
        .unwrap_or((Scope::Platform, Role::PlatformAdmin));
    let (id, _) = accounts
        .create_user(email, "Claire Martin", Some(PASSWORD), scope, r)
        .await
        .unwrap();
    if role.is_none() {
        app.db
            .execute_unprepared(&format!("DELETE FROM membership WHERE user_id = {id}"))
            .await
            .unwrap();
    }
    let mut b = Browser::new(app);
    let r = b
        .post(
            "/auth/connexion",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    b
}

/// A write token of the person at `email`.
pub async fn write_token(app: &TestApp, email: &str) -> String {
    AccountsService::new(app.db.clone(), app.config.public_url.clone())
        .create_api_token_for(email, "test", TokenScope::Write, 30)
        .await
        .unwrap()
}
