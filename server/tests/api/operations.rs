//! Health, readiness, OpenAPI, start-up.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use std::collections::BTreeSet;

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
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .map(|m| m.to_ascii_uppercase())
                .filter(|m| METHODS.contains(&m.as_str()))
                .map(move |m| (m, path.clone()))
        })
        .collect();
    // What the router is made of, not what the document's macro lists.
    let served: BTreeSet<(String, String)> = server::http::api::routes()
        .into_iter()
        .map(|(method, path, _)| (method.to_string(), path.to_owned()))
        .collect();
    assert_eq!(documented, served, "documented routes = served routes");

    // And the router serves each of them: the path is known (not the unknown-endpoint 404)
    // and its method is not refused; every other method is a JSON 405 naming the right one.
    for (method, path) in &served {
        let concrete = if path.starts_with("/territories/") {
            path.replace("{id}", "ti-8422")
        } else {
            path.replace("{id}", "1")
        };
        let url = app.url(&format!("/api/v1{concrete}"));
        let r = app
            .client
            .request(method.parse().unwrap(), &url)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            status != 405 && !body.contains("no such endpoint"),
            "{method} {path} is served: {status} {body}"
        );
        let at_path: Vec<&String> = served
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(m, _)| m)
            .collect();
        for other in METHODS
            .iter()
            .filter(|m| !at_path.iter().any(|a| a.as_str() == **m))
        {
            let r = app
                .client
                .request(other.parse().unwrap(), &url)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 405, "{other} {path}");
            let allow = r.headers()["allow"].to_str().unwrap().to_owned();
            assert!(
                allow.contains(method.as_str()),
                "{other} {path}: Allow {allow}"
            );
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(
                body["error"]["code"], "method_not_allowed",
                "{other} {path}"
            );
        }
    }
}
