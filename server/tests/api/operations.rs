//! Health, readiness, OpenAPI, start-up.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

async fn health_and_ready_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");
}
on_both_backends!(health_and_ready_answer);

async fn restarting_on_a_migrated_database_keeps_it(backend: Backend) {
    let app = spawn_app(backend).await;
    // A second node on the same database, with its own data directory (its own index
    // replica): migrations are already applied, nothing doubles.
    let other_dir = tempfile::tempdir().unwrap();
    let mut config = app.config.clone();
    config.data_dir = other_dir.path().to_path_buf();
    let second = server::startup::Application::build(config).await.unwrap();
    drop(second);
    assert_eq!(app.count("SELECT COUNT(*) FROM territory").await, 183);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE kind = 'pole'")
            .await,
        50
    );
}
on_both_backends!(restarting_on_a_migrated_database_keeps_it);

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/territories", "/territories/{id}"] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} is documented"
        );
    }
}
