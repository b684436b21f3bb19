//! Same-origin checks, headers, language negotiation.

use crate::helpers::{server_fn_path, spawn_app, Backend, TestApp};

#[tokio::test]
async fn cross_origin_post_is_refused_and_changes_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let r = app
        .client
        .post(app.url("/langue"))
        .header("Origin", "https://evil.example")
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.headers().get("set-cookie").is_none());

    // No Origin and no Referer: refused too.
    let r = app
        .client
        .post(app.url("/langue"))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let r = app
        .client
        .post(app.url("/langue"))
        .header("Origin", format!("http://{host}"))
        .form(&[("lang", "en"), ("next", "/territoires/ti-8422")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/territoires/ti-8422");
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("maillage_lang=en;"));
}

#[tokio::test]
async fn language_switch_never_redirects_off_site() {
    let app = spawn_app(Backend::Sqlite).await;
    let host = app.address.trim_start_matches("http://").to_owned();
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = app
            .client
            .post(app.url("/langue"))
            .header("Origin", format!("http://{host}"))
            .form(&[("lang", "en"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
}

#[tokio::test]
async fn pages_follow_the_language_cookie_then_accept_language() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = |lang: &'static str, cookie: Option<&'static str>| {
        let mut req = app
            .client
            .get(app.url("/territoires/ti-8422"))
            .header("Accept-Language", lang);
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let en = page("en-GB,en;q=0.9", None).await;
    assert!(en.contains("<html lang=\"en\""));
    assert!(en.contains("Member intercommunalities"));
    let fr = page("de-DE", None).await;
    assert!(fr.contains("<html lang=\"fr\""));
    assert!(fr.contains("Intercommunalités membres"));
    let cookie = page("en-GB", Some("maillage_lang=fr")).await;
    assert!(cookie.contains("<html lang=\"fr\""));
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app.client.get(app.url("/")).send().await.unwrap();
    let h = r.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"));
    // No inline script but this render's own, by nonce.
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    // Other responses get the strict default.
    let api = app
        .client
        .get(app.url("/api/v1/territories"))
        .send()
        .await
        .unwrap();
    let csp = api.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"));
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(
        h.get("cache-control").is_none(),
        "public pages may be cached"
    );
    // A signed-in person's pages are never stored by a cache.
    let r = app
        .client
        .get(app.url("/compte"))
        .header("Cookie", "maillage_session=whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "private, no-store");
}

/// Markup a visitor's browser would obey if it reached the head raw.
const HEAD_MARKUP: &str =
    r#"Fraisage</title><meta http-equiv=refresh content="1;url=https://elsewhere.example/">"#;

/// The text of the served document's `<title>` element.
fn served_title(html: &str) -> &str {
    let start = html
        .find("<title>")
        .map(|i| i + "<title>".len())
        .unwrap_or(0);
    let end = html[start..]
        .find("</title>")
        .map(|i| start + i)
        .unwrap_or(start);
    &html[start..end]
}

/// Puts `HEAD_MARKUP` in every user-written text that names a page (annonce, proposal,
/// practice, firm, land site, district, the territory's presentation), then reads each page.
async fn user_text_reaches_the_head_escaped_once(backend: Backend) {
    let app = spawn_app(backend).await;
    server::cli::demo::run(
        &app.db,
        server::cli::demo::DemoArgs {
            firms: 2_000,
            sheets: 120,
            seed: 1,
            if_empty: false,
        },
    )
    .await
    .unwrap();
    let set = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let r = sea_orm::ConnectionTrait::execute(
                &db,
                server::db::stmt(&db, sql, vec![HEAD_MARKUP.into()]),
            )
            .await
            .unwrap();
            assert_eq!(r.rows_affected(), 1, "{sql}");
        }
    };
    set("UPDATE need SET title = ? WHERE id = (SELECT MIN(id) FROM need WHERE visibility = 'public')").await;
    set("UPDATE proposal SET title = ? WHERE id = (SELECT MIN(id) FROM proposal WHERE status <> 'draft')").await;
    set("UPDATE organisation SET name = ? WHERE id = (SELECT MIN(id) FROM organisation WHERE kind = 'firm')").await;
    set("UPDATE organisation SET name = ? WHERE id = (SELECT MIN(id) FROM organisation WHERE kind = 'district')").await;
    set("UPDATE land_site SET name = ? WHERE id = (SELECT MIN(id) FROM land_site)").await;
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO practice (author_kind, author_id, title, theme, context, actions, results, cost, \
             partners, contact, lang, created_by, created_at, updated_at, is_demo) \
             VALUES ('territory', 'ti-8422', ?, 'skills', 'c', 'a', 'r', '', '', '', 'fr', NULL, 1, 1, ?)",
            vec![HEAD_MARKUP.into(), false.into()],
        ),
    )
    .await
    .unwrap();
    let id = |sql: &'static str| {
        let app = &app;
        async move { app.count(sql).await }
    };
    let pages = [
        format!(
            "/annonces/{}",
            id("SELECT MIN(id) FROM need WHERE visibility = 'public'").await
        ),
        format!(
            "/simplification/{}",
            id("SELECT MIN(id) FROM proposal WHERE status <> 'draft'").await
        ),
        format!(
            "/organisations/{}",
            id("SELECT MIN(id) FROM organisation WHERE kind = 'firm'").await
        ),
        format!(
            "/organisations/{}",
            id("SELECT MIN(id) FROM organisation WHERE kind = 'district'").await
        ),
        format!(
            "/organisations/{}/partenaires",
            id("SELECT MIN(id) FROM organisation WHERE kind = 'district'").await
        ),
        format!("/foncier/{}", id("SELECT MIN(id) FROM land_site").await),
        format!("/pratiques/{}", id("SELECT MAX(id) FROM practice").await),
    ];
    // A territory's presentation is shown on its page, never in its head: raw nowhere.
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO territory_profile (territory_id, presentation, axes, strengths, needs_skills, \
             needs_land, needs_housing, needs_mobility, updated_at) VALUES ('ti-8422', ?, '[]', ?, '', '', '', '', 1)",
            vec![HEAD_MARKUP.into(), HEAD_MARKUP.into()],
        ),
    )
    .await
    .unwrap();
    let (status, html) = app.get_html("/territoires/ti-8422").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Fraisage&lt;/title&gt;"),
        "the presentation is shown"
    );
    assert!(
        !html.contains("<meta http-equiv=refresh"),
        "territory page: markup served raw"
    );
    for path in &pages {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains("<meta http-equiv=refresh"),
            "{path}: markup served raw"
        );
        let title = served_title(&html);
        assert!(
            title.contains("Fraisage&lt;/title&gt;&lt;meta http-equiv=refresh content=&quot;1;url=https://elsewhere.example/&quot;&gt;"),
            "{path}: title {title:?}"
        );
        assert!(
            !title.contains("&amp;lt;"),
            "{path}: escaped twice: {title:?}"
        );
    }
}
crate::on_both_backends!(user_text_reaches_the_head_escaped_once);

/// The median time of `runs` answers to `send`, and the status of the last.
async fn timed<F, Fut>(runs: usize, send: F) -> (std::time::Duration, u16)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    let mut times = Vec::new();
    let mut status = 0;
    for _ in 0..runs {
        let started = std::time::Instant::now();
        status = send().await;
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], status)
}

/// Sends the text query `q` to one of the lists that take one; returns the status.
async fn list_query(app: &TestApp, list: &str, q: &str) -> u16 {
    let q = app::api::search::encode(q);
    let request = match list {
        "GET /annonces" => app.client.get(app.url(&format!("/annonces?q={q}"))),
        "GET /recherche" => app.client.get(app.url(&format!("/recherche?q={q}"))),
        "GET /api/v1/search" => app.client.get(app.url(&format!("/api/v1/search?q={q}"))),
        function => {
            let body = match function {
                "get_needs" => format!("filter[q]={q}&filter[include_closed]=false"),
                "get_proposals" => {
                    format!("filter[q]={q}&filter[sort]=Recent&filter[page]=1&filter[per_page]=20")
                }
                _ => format!("filter[q]={q}&filter[page]=1&filter[per_page]=20"),
            };
            app.client
                .post(app.url(&server_fn_path(function)))
                .header("Origin", app.address.clone())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
        }
    };
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn oversized_text_queries_are_refused_or_cost_little_on_every_list() {
    let app = spawn_app(Backend::Sqlite).await;
    server::cli::demo::run(
        &app.db,
        server::cli::demo::DemoArgs {
            firms: 2_000,
            sheets: 120,
            seed: 1,
            if_empty: false,
        },
    )
    .await
    .unwrap();
    // Let the indexer take in the demonstration data.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let four_thousand: String = (0..4_000)
        .map(|i| format!("mot{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    // Sixty distinct unknown words of five or more letters, within 500 characters: each would
    // walk the term dictionaries for its typos.
    let sixty: String = (0..60)
        .map(|i| format!("zq{:03}", i))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(sixty.chars().count() <= 500);
    let cases = [
        ("GET /annonces", &four_thousand),
        ("get_needs", &four_thousand),
        ("get_proposals", &four_thousand),
        ("get_practices", &four_thousand),
        ("GET /recherche", &sixty),
        ("GET /api/v1/search", &sixty),
    ];
    // The page says what was refused, not that the service failed.
    let (status, page) = app
        .get_html(&format!(
            "/annonces?q={}",
            app::api::search::encode(&four_thousand)
        ))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("Demande refusée"), "the refusal is explained");
    for (name, big) in cases {
        let (one, status) = timed(5, || list_query(&app, name, "fraisage")).await;
        assert_eq!(status, 200, "{name}: a one-word query");
        let (huge, status) = timed(5, || list_query(&app, name, big)).await;
        let ratio = huge.as_secs_f64() / one.as_secs_f64().max(1e-6);
        eprintln!(
            "{name}: one word {one:?}, oversized {huge:?} (status {status}), ratio {ratio:.1}"
        );
        assert!(
            status == 400 || (status == 200 && ratio <= 20.0),
            "{name}: status {status}, {ratio:.1} times a one-word query"
        );
    }
}

/// A code parameter (a kind, a theme, a sort order) given empty means "any", as forms send
/// it; given as blanks only, or with spaces around it, it is not a code and is refused,
/// naming the parameter, as the API's document lists its values (found by the fuzzer with
/// `kind=%0B`, once answered 200).
#[tokio::test]
async fn a_code_parameter_of_blanks_is_refused_on_every_list() {
    let app = spawn_app(Backend::Sqlite).await;
    let codes = [
        ("/api/v1/search", "kind"),
        ("/api/v1/search", "site_label"),
        ("/api/v1/search", "sort"),
        ("/api/v1/organisations", "kind"),
        ("/api/v1/organisations", "sort"),
        ("/api/v1/practices", "theme"),
        ("/api/v1/practices", "lang"),
        ("/api/v1/proposals", "status"),
        ("/api/v1/proposals", "theme"),
        ("/api/v1/proposals", "level"),
        ("/api/v1/proposals", "sort"),
    ];
    for (list, name) in codes {
        let (status, _) = app.get_json(&format!("{list}?{name}=")).await;
        assert_eq!(status, 200, "{list}?{name}= means any");
        for blank in ["%0B", "%20", "%09%20"] {
            let (status, body) = app.get_json(&format!("{list}?{name}={blank}")).await;
            assert_eq!(status, 400, "{list}?{name}={blank}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message.starts_with(name),
                "{list}?{name}={blank}: {message}"
            );
        }
    }
    let (status, _) = app.get_json("/api/v1/organisations?kind=%20firm").await;
    assert_eq!(status, 400, "a code is taken exactly as sent");
}

/// A release build's files are named by their content: the pages link those names, they are
/// sent precompressed as the browser accepts them, and kept a year, signed in or not; an
/// unhashed file is checked at each use.
#[tokio::test]
async fn hashed_site_files_are_linked_sent_precompressed_and_kept_a_year() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("maillage.css"),
        "body { color: #222; }\n".repeat(200),
    )
    .unwrap();
    std::fs::write(
        pkg.join("maillage.js"),
        "export default function () {}\n".repeat(200),
    )
    .unwrap();
    std::fs::write(pkg.join("maillage.wasm"), b"\0asm\x01\0\0\0".repeat(500)).unwrap();
    server::cli::assets::name_and_compress(site.path()).unwrap();
    let files = app::assets::SiteFiles::read(site.path()).unwrap();
    let app =
        crate::helpers::spawn_app_serving(Backend::Sqlite, None, Some(site.path().into())).await;

    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    for name in [&files.css, &files.js, &files.wasm] {
        assert!(
            html.contains(&format!("/pkg/{name}")),
            "the page links {name}"
        );
    }
    assert!(
        !html.contains("/pkg/maillage.css"),
        "no plain name is linked"
    );

    for (encoding, expected) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let response = app
            .client
            .get(app.url(&format!("/pkg/{}", files.wasm)))
            .header("Accept-Encoding", encoding)
            .header("Cookie", "maillage_session=anything")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("content-encoding").as_deref(),
            expected,
            "{encoding}"
        );
        assert_eq!(
            header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{encoding}"
        );
    }
    let response = app
        .client
        .get(app.url("/pkg/maillage.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-cache")
    );
}
