//! Same-origin checks, headers, language negotiation.

use crate::helpers::{spawn_app, Backend};

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
}
