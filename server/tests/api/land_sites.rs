//! Land sites by people: a territory's team offers and edits the sites of its communes, an
//! organisation's admins the sites it is the contact of; through the form and through
//! `POST`/`PATCH /api/v1/land-sites`, with the import's validation, the wrong person and bad
//! input each time; a new site is searchable within a second.

use crate::helpers::{
    assert_not_allowed, assert_refused, load_register, person, refusal, spawn_app, write_token,
    Backend, TestApp,
};
use crate::on_both_backends;
use app::domain::policy::{Role, Scope};
use app::error::Problem;
use std::time::{Duration, Instant};

/// The décolletage shop of the register's extract, in Cluses (ti-8422).
const DECOLLETAGE: &str = "41234567000019";

fn team(territory: &str) -> Option<(Scope, Role)> {
    Some((Scope::Territory(territory.into()), Role::TeamMember))
}

async fn sites(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM land_site").await
}

/// Sends `body` to `method path` with `token`; the status and the JSON answer.
async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut r = app.client.request(method, app.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn message(body: &serde_json::Value) -> String {
    body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until `/api/v1/search?kind=land_site&q=...` finds `id`; fails after a second.
async fn searchable_within_a_second(app: &TestApp, q: &str, id: i64) {
    let started = Instant::now();
    loop {
        let (_, body) = app
            .get_json(&format!("/api/v1/search?kind=land_site&q={q}"))
            .await;
        let found = body["hits"]
            .as_array()
            .is_some_and(|hits| hits.iter().any(|h| h["id"] == id));
        if found {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "site {id} searchable within a second: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_api_writes_sites_for_their_territory_team_or_their_owner_only(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let _team = person(&app, "equipe@arve.fr", team("ti-8422")).await;
    let _elsewhere = person(
        &app,
        "cheffe@oyonnax.fr",
        Some((Scope::Territory("ti-8413".into()), Role::ProjectManager)),
    )
    .await;
    let _nobody = person(&app, "quidam@example.fr", None).await;
    let team_token = write_token(&app, "equipe@arve.fr").await;
    let elsewhere_token = write_token(&app, "cheffe@oyonnax.fr").await;
    let nobody_token = write_token(&app, "quidam@example.fr").await;
    let post = reqwest::Method::POST;
    let patch = reqwest::Method::PATCH;
    let site = serde_json::json!({
        "name": "Zone des Grands Prés tranche 2",
        "commune_insee": "74081",
        "area_ha": 12.5,
        "status": "available",
        "available_from": "2027-03-01",
        "rail": true,
        "power_mva": 8,
        "price_min_eur_m2": 35,
        "price_max_eur_m2": 48,
        "description": "Terrain viabilisé, desserte embranchée",
    });
    let before = sites(&app).await;

    // The wrong person: no token, nobody's team, another territory's team.
    for token in [None, Some(nobody_token.as_str()), Some(&elsewhere_token)] {
        let (status, body) = send(
            &app,
            post.clone(),
            "/api/v1/land-sites",
            token,
            site.clone(),
        )
        .await;
        assert_eq!(status, if token.is_none() { 401 } else { 403 }, "{body}");
    }
    assert_eq!(sites(&app).await, before, "nothing created");

    // Bad input: every field named, nothing created.
    let (status, body) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        serde_json::json!({
            "name": " ",
            "commune_insee": "7408",
            "area_ha": 0,
            "status": "gone",
            "available_from": "2027-02-30",
            "power_mva": 20000,
            "price_min_eur_m2": 48,
            "price_max_eur_m2": 35,
            "contact_siret": "12345678901234",
        }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    for field in [
        "name",
        "commune_insee",
        "area_ha",
        "status",
        "available_from",
        "power_mva",
        "price_max_eur_m2",
        "contact_siret",
    ] {
        assert!(message(&body).contains(field), "{field} in {body}");
    }
    let unknown =
        serde_json::json!({ "commune_insee": "74999", "contact_siret": "12002701600563" });
    let mut body = site.clone();
    body.as_object_mut()
        .unwrap()
        .extend(unknown.as_object().unwrap().clone());
    let (status, answer) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        body,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        message(&answer).contains("commune_insee") && message(&answer).contains("contact_siret")
    );
    let (status, _) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        serde_json::json!({ "name": "x", "commune_insee": "74081", "area_ha": 1, "status": "available", "surface": 3 }),
    )
    .await;
    assert_eq!(status, 400, "an unknown field is refused");
    let mut by_name = site.clone();
    by_name["commune_insee"] = "Cluses".into();
    let (status, body) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        by_name,
    )
    .await;
    assert_eq!(status, 400, "the API takes an INSEE code: {body}");
    assert!(message(&body).contains("commune_insee"));
    assert_eq!(sites(&app).await, before, "nothing created");

    // Created by the territory's team: given a reference, searchable within a second.
    let (status, created) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        site.clone(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["reference"], "MS-74081-1");
    assert_eq!(created["territory"][0], "ti-8422");
    assert_eq!(created["rail_access"], true);
    assert_eq!(created["price_max_eur_m2"], 48.0);
    searchable_within_a_second(&app, "Grands+Pres+tranche", id).await;
    // A reference is one site's.
    let mut again = site.clone();
    again["reference"] = "MS-74081-1".into();
    let (status, body) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&team_token),
        again,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("reference"), "{body}");

    // Patched: the status changes, the rest stays, null clears an optional field.
    let path = format!("/api/v1/land-sites/{id}");
    let under_option = serde_json::json!({ "status": "under_option" });
    for token in [nobody_token.as_str(), &elsewhere_token] {
        let (status, _) = send(
            &app,
            patch.clone(),
            &path,
            Some(token),
            under_option.clone(),
        )
        .await;
        assert_eq!(status, 403);
    }
    let (status, _) = send(&app, patch.clone(), &path, None, under_option.clone()).await;
    assert_eq!(status, 401);
    let (status, body) = send(
        &app,
        patch.clone(),
        &path,
        Some(&team_token),
        serde_json::json!({ "area_ha": -3, "status": "vendu!" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("area_ha") && message(&body).contains("status"));
    let (_, unchanged) = app.get_json(&path).await;
    assert_eq!(unchanged, created, "nothing changed");
    let (status, patched) = send(
        &app,
        patch.clone(),
        &path,
        Some(&team_token),
        serde_json::json!({ "status": "under_option", "power_mva": null }),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["status"], "under_option");
    assert_eq!(patched["power_mva"], serde_json::Value::Null);
    assert_eq!(patched["reference"], "MS-74081-1");
    assert_eq!(patched["area_ha"], 12.5);
    let (status, _) = send(
        &app,
        patch.clone(),
        "/api/v1/land-sites/999999",
        Some(&team_token),
        under_option,
    )
    .await;
    assert_eq!(status, 404);
    // Moved to another territory's commune, it would no longer be the team's: refused.
    let (status, _) = send(
        &app,
        patch.clone(),
        &path,
        Some(&team_token),
        serde_json::json!({ "commune_insee": "01283" }),
    )
    .await;
    assert_eq!(status, 403);

    // An organisation's admin offers a site it is the contact of, anywhere.
    let firm = app
        .count(&format!(
            "SELECT id FROM organisation WHERE siret = '{DECOLLETAGE}'"
        ))
        .await;
    let _owner = person(
        &app,
        "gerante@decolletage.fr",
        Some((Scope::Organisation(firm), Role::Admin)),
    )
    .await;
    let owner_token = write_token(&app, "gerante@decolletage.fr").await;
    let mut theirs = site.clone();
    theirs["commune_insee"] = "01283".into();
    theirs["reference"] = "DF-ATELIER-2".into();
    let (status, _) = send(
        &app,
        post.clone(),
        "/api/v1/land-sites",
        Some(&owner_token),
        theirs.clone(),
    )
    .await;
    assert_eq!(status, 403, "not without naming the firm as contact");
    theirs["contact_siret"] = DECOLLETAGE.into();
    let (status, owned) = send(&app, post, "/api/v1/land-sites", Some(&owner_token), theirs).await;
    assert_eq!(status, 201, "{owned}");
    assert_eq!(owned["reference"], "DF-ATELIER-2");
    assert_eq!(owned["contact"][0], firm);
    let owned_path = format!("/api/v1/land-sites/{}", owned["id"]);
    let sold = serde_json::json!({ "status": "sold" });
    let (status, _) = send(
        &app,
        patch.clone(),
        &owned_path,
        Some(&team_token),
        sold.clone(),
    )
    .await;
    assert_eq!(status, 403, "outside the team's territory");
    let (status, body) = send(&app, patch, &owned_path, Some(&owner_token), sold).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("sold")));
}
on_both_backends!(the_api_writes_sites_for_their_territory_team_or_their_owner_only);

async fn the_form_offers_edits_and_changes_the_status_of_a_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut team_member = person(&app, "equipe@arve.fr", team("ti-8422")).await;
    let mut elsewhere = person(&app, "equipe@oyonnax.fr", team("ti-8413")).await;
    let mut nobody = person(&app, "quidam@example.fr", None).await;

    let (status, page) = team_member.get("/foncier/nouveau").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"site-form\""));
    let (status, _) = nobody.get("/foncier/nouveau").await;
    assert_eq!(status, 403);

    let form = [
        ("reference", ""),
        ("name", "Parc d'activités des Fourmis"),
        // By its name, as the commune picker fills it in.
        ("commune_insee", "Cluses (74)"),
        ("area_ha", "7,5"),
        ("status", "available"),
        ("available_from", ""),
        ("zoning", "UX"),
        ("icpe", "oui"),
        ("motorway", "oui"),
        ("power_mva", ""),
        ("price_min_eur_m2", "30"),
        ("price_max_eur_m2", "42"),
        ("contact_siret", ""),
        ("description", "Lots de 5 000 à 20 000 m²"),
    ];
    let before = sites(&app).await;
    // Refused in place: what was typed stays, each problem beside its field.
    let mut bad = form;
    bad[3] = ("area_ha", "beaucoup");
    bad[11] = ("price_max_eur_m2", "20");
    let r = team_member.post("/foncier/nouveau", &bad).await;
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(shown.len(), 2, "{shown:?}");
    let r = team_member.post("/foncier/nouveau", &bad).await;
    let page = r.text().await.unwrap().replace("&#x27;", "'");
    assert!(
        page.contains("Parc d'activités des Fourmis"),
        "typed text kept"
    );
    // Another territory's team is told why beside the commune.
    let r = elsewhere.post("/foncier/nouveau", &form).await;
    assert_refused(r, Problem::SiteNotYours).await;
    let r = nobody.post("/foncier/nouveau", &form).await;
    assert_not_allowed(r).await;
    assert_eq!(sites(&app).await, before, "nothing created");

    let r = team_member.post("/foncier/nouveau", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location
        .trim_start_matches("/foncier/")
        .trim_end_matches("?enregistre=1")
        .parse()
        .unwrap();
    searchable_within_a_second(&app, "Fourmis", id).await;
    let (_, page) = team_member.get(&location).await;
    assert!(page.contains("Site enregistré"));
    assert!(page.contains("MS-74081-1"));
    assert!(
        page.contains("data-testid=\"site-tools\""),
        "its tools, for its team"
    );
    let (_, page) = nobody.get(&format!("/foncier/{id}")).await;
    assert!(!page.contains("data-testid=\"site-tools\""));

    // Its form starts from what it is.
    let (status, page) = team_member.get(&format!("/foncier/{id}/modifier")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("value=\"7.5\""),
        "{}",
        &page[page.len().saturating_sub(200)..]
    );
    let (status, _) = elsewhere.get(&format!("/foncier/{id}/modifier")).await;
    assert_eq!(status, 403);

    // The status alone, from the site's page.
    let r = nobody
        .post(&format!("/foncier/{id}/statut"), &[("status", "sold")])
        .await;
    assert_not_allowed(r).await;
    let r = team_member
        .post(&format!("/foncier/{id}/statut"), &[("status", "sold")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let status = app
        .count(&format!("SELECT COUNT(*) FROM land_site WHERE id = {id} AND status = 'sold' AND zoning = 'UX' AND icpe_compatible"))
        .await;
    assert_eq!(status, 1, "status changed, the rest kept");

    // The whole form: a box left unticked is sent as nothing, and no longer ticked.
    let edit = [
        ("name", "Parc d'activités des Fourmis"),
        ("commune_insee", "74081"),
        ("area_ha", "7,5"),
        ("status", "available"),
        ("reference", "AUTRE-REF"),
    ];
    let r = team_member
        .post(&format!("/foncier/{id}/modifier"), &edit)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = app.get_json(&format!("/api/v1/land-sites/{id}")).await;
    assert_eq!(detail["icpe_compatible"], false, "unticked: not sent");
    assert_eq!(detail["motorway_access"], false);
    assert_eq!(detail["status"], "available");
    assert_eq!(detail["reference"], "MS-74081-1", "the reference stays");
}
on_both_backends!(the_form_offers_edits_and_changes_the_status_of_a_site);

async fn a_read_token_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let _team = person(&app, "equipe@arve.fr", team("ti-8422")).await;
    let read = server::services::accounts::AccountsService::new(
        app.db.clone(),
        app.config.public_url.clone(),
    )
    .create_api_token_for(
        "equipe@arve.fr",
        "lecture",
        app::domain::policy::TokenScope::Read,
        30,
    )
    .await
    .unwrap();
    let (sites_before, orgs_before) = (
        sites(&app).await,
        app.count("SELECT COUNT(*) FROM organisation").await,
    );
    let site = serde_json::json!({ "name": "Zone", "commune_insee": "74081", "area_ha": 3, "status": "available" });
    let (status, _) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/land-sites",
        Some(&read),
        site,
    )
    .await;
    assert_eq!(status, 403);
    let creation = serde_json::json!({ "siret": "12002701600563", "name": "Atelier", "naf": "25.62B", "commune": "74081" });
    let (status, _) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/organisations",
        Some(&read),
        creation,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(sites(&app).await, sites_before, "no site");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation").await,
        orgs_before,
        "no organisation"
    );
}
on_both_backends!(a_read_token_writes_nothing);
