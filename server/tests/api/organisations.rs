//! Firms and land sites: CSV import (validation, all-or-nothing, upsert), export round trip,
//! territory derivation, API and pages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::helpers::{spawn_app, Backend, Browser, TestApp};
use crate::on_both_backends;
use server::cli::import::{export_firms, import_firms, import_sites, ImportError};
use std::fmt::Write;

const HEADER: &str = "siret,name,naf,commune_insee,headcount_band,description,capabilities,certifications,website,email";

/// A valid SIRET for `n`.
pub fn siret(n: u64) -> String {
    let siren8 = format!("{:08}", 10_000_000 + n);
    let siren = format!("{siren8}{}", app::domain::ids::luhn_check_digit(&siren8));
    let partial = format!("{siren}0001");
    format!("{partial}{}", app::domain::ids::luhn_check_digit(&partial))
}

/// Communes with their expected territory: Cluses and Marnaz (Arve valley), Oyonnax
/// (Plastics Vallée) and Annecy (Grand Annecy).
const COMMUNES: [(&str, &str); 4] = [
    ("74081", "ti-8422"),
    ("74169", "ti-8422"),
    ("01283", "ti-8413"),
    ("74010", "ti-8405"),
];

fn firms_csv(n: u64) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        let (commune, _) = COMMUNES[(i % 4) as usize];
        writeln!(
            csv,
            "{},\"Atelier {i}, mécanique\",25.62A,{commune},12,\"Décolletage de précision, série {i}\",décolletage;usinage 5 axes,ISO 9001;EN 9100,https://atelier{i}.example.fr,contact@atelier{i}.example.fr",
            siret(i)
        )
        .unwrap();
    }
    csv
}

fn write(app: &TestApp, name: &str, content: &str) -> std::path::PathBuf {
    let path = app.config.data_dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

async fn importing_1500_firms_places_them_in_their_territories(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = write(&app, "firms.csv", &firms_csv(1_500));
    let summary = import_firms(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (1_500, 0, 0)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE kind = 'firm'")
            .await,
        1_500
    );
    // Every write is journaled for the search indexer.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM changes WHERE entity = 'organisation' AND entity_id IN \
             (SELECT id FROM organisation WHERE kind = 'firm')"
        )
        .await,
        1_500
    );

    // Territory derived from the commune's EPCI: 750 in the Arve valley (two communes).
    let (status, body) = app
        .get_json("/api/v1/organisations?kind=firm&territory=ti-8422&per_page=5")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 750);
    assert_eq!(body["items"].as_array().unwrap().len(), 5);
    assert_eq!(body["items"][0]["territory_id"], "ti-8422");
    let (_, body) = app
        .get_json("/api/v1/organisations?territory=ti-8413&naf=25.62")
        .await;
    assert_eq!(body["total"], 375);
    let id = body["items"][0]["id"].as_i64().unwrap();
    let (status, firm) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(firm["territory"][0], "ti-8413");
    assert_eq!(
        firm["certifications"],
        serde_json::json!(["ISO 9001", "EN 9100"])
    );

    // The territory page lists them, with the division chart.
    let (status, page) = app.get_html("/territoires/ti-8422").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"division-chart\""));
    assert!(page.contains("Entreprises (750)"));
    let (_, page2) = app
        .get_html("/territoires/ti-8422?page=2&tri=commune")
        .await;
    assert!(page2.contains("Page 2 / 38"));
}
on_both_backends!(importing_1500_firms_places_them_in_their_territories);

async fn an_invalid_import_lists_every_bad_line_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = write(&app, "good.csv", &firms_csv(10));
    import_firms(&app.db, good)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let before = app.count("SELECT COUNT(*) FROM organisation").await;
    let changes_before = app.count("SELECT COUNT(*) FROM changes").await;

    let mut csv = firms_csv(20);
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    // Line numbers count the header as line 1.
    lines[2] = lines[2].replacen(&siret(1), "12345678901234", 1); // line 3: bad SIRET key
    lines[4] = lines[4].replacen("25.62A", "25.99Z", 1); // line 5: unknown NAF
    lines[6] = lines[6]
        .replacen(",74081,", ",99999,", 1)
        .replacen(",74169,", ",99999,", 1)
        .replacen(",01283,", ",99999,", 1)
        .replacen(",74010,", ",99999,", 1); // line 7: unknown commune
    lines[8] = lines[8].replacen("Atelier 7", "Atelier renamed", 1); // a valid change, not applied
    csv = lines.join("\n");
    let path = write(&app, "bad.csv", &csv);
    match import_firms(&app.db, path).await {
        Err(ImportError::Invalid(errors)) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            assert_eq!(text.len(), 3, "{text:?}");
            assert!(text[0].starts_with("line 3: siret: "), "{text:?}");
            assert!(
                text[1].starts_with("line 5: naf: unknown NAF rev. 2 sub-class 25.99Z"),
                "{text:?}"
            );
            assert!(
                text[2].starts_with("line 7: commune_insee: unknown commune 99999"),
                "{text:?}"
            );
        }
        other => panic!("expected a refused import, got {other:?}"),
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM organisation").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM changes").await,
        changes_before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE name = 'Atelier renamed, mécanique'")
            .await,
        0
    );

    // A wrong header is refused too.
    let path = write(&app, "header.csv", "siret,name\n1,2\n");
    assert!(
        matches!(import_firms(&app.db, path).await, Err(ImportError::Invalid(e)) if e[0].line == 1)
    );
}
on_both_backends!(an_invalid_import_lists_every_bad_line_and_changes_nothing);

async fn export_then_reimport_changes_nothing_and_upsert_updates(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = write(&app, "firms.csv", &firms_csv(300));
    import_firms(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let exported = app.config.data_dir.join("export.csv");
    assert_eq!(export_firms(&app.db, exported.clone()).await.unwrap(), 300);
    let summary = import_firms(&app.db, exported.clone())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (0, 0, 300)
    );

    // Round trip: a second export is byte-identical.
    let again = app.config.data_dir.join("export2.csv");
    export_firms(&app.db, again.clone()).await.unwrap();
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // Upsert by SIRET: one changed row is updated, one new row inserted.
    let mut text = std::fs::read_to_string(&exported).unwrap();
    text = text.replacen("Atelier 0, mécanique", "Atelier zéro", 1);
    text.push_str(&format!(
        "{},Nouvelle usine,22.29A,01283,,,,,,\n",
        siret(5000)
    ));
    let path = write(&app, "changed.csv", &text);
    let summary = import_firms(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (1, 1, 299)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE name = 'Atelier zéro'")
            .await,
        1
    );
}
on_both_backends!(export_then_reimport_changes_nothing_and_upsert_updates);

async fn land_sites_import_and_show(backend: Backend) {
    let app = spawn_app(backend).await;
    let firms = write(&app, "firms.csv", &firms_csv(1));
    import_firms(&app.db, firms)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let csv = format!(
        "reference,name,commune_insee,area_ha,available_from,status,turnkey,zoning,icpe,seveso,rail,port,motorway,power_mva,price_min_eur_m2,price_max_eur_m2,contact_siret,description\n\
         ZA-1,ZA des Grands Prés,74081,12.5,2027-03-01,available,oui,UX,oui,non,non,non,oui,10,35,45,{},Parcelle viabilisée\n\
         ZA-2,Friche Lacroix,01283,\"3,2\",,under_option,non,UI,non,non,oui,non,non,,,,,\n",
        siret(0)
    );
    let path = write(&app, "sites.csv", &csv);
    let summary = import_sites(&app.db, path.clone())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (2, 0, 0)
    );
    let summary = import_sites(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (0, 0, 2)
    );

    let id = app
        .count("SELECT id FROM land_site WHERE reference = 'ZA-1'")
        .await;
    let (status, page) = app.get_html(&format!("/foncier/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("ZA des Grands Prés"));
    assert!(page.contains("Site clé en main"));
    assert!(
        page.contains("Atelier 0, mécanique"),
        "contact organisation shown"
    );
    let (_, territory) = app.get_html("/territoires/ti-8422").await;
    assert!(territory.contains("ZA des Grands Prés"));

    let bad = write(&app, "bad-sites.csv", "reference,name,commune_insee,area_ha,available_from,status,turnkey,zoning,icpe,seveso,rail,port,motorway,power_mva,price_min_eur_m2,price_max_eur_m2,contact_siret,description\nZA-3,X,74081,-1,2027-13-01,lost,,,,,,,,,,,,\n");
    match import_sites(&app.db, bad).await {
        Err(ImportError::Invalid(errors)) => {
            let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
            assert_eq!(columns, ["area_ha", "available_from", "status"]);
        }
        other => panic!("expected a refused import, got {other:?}"),
    }
}
on_both_backends!(land_sites_import_and_show);

#[tokio::test]
async fn organisation_api_refuses_bad_parameters_clearly() {
    let app = spawn_app(Backend::Sqlite).await;
    for (query, field) in [
        ("kind=factory", "kind"),
        ("territory=arve", "territory"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("naf=x", "naf"),
        ("colour=blue", "colour"),
    ] {
        let (status, body) = app
            .get_json(&format!("/api/v1/organisations?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "invalid");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn the_cli_reports_bad_lines_and_exits_non_zero() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut csv = firms_csv(3);
    csv = csv.replacen("25.62A", "99.99Z", 1);
    let path = write(&app, "bad.csv", &csv);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args([
            "--database-url",
            app.config.database_url.as_deref().unwrap(),
            "import",
            "firms",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 2: naf: unknown NAF rev. 2 sub-class 99.99Z"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
}

#[tokio::test]
async fn demo_generation_is_reproducible_and_flagged() {
    let app = spawn_app(Backend::Sqlite).await;
    let run = |seed: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
            .args([
                "--database-url",
                app.config.database_url.as_deref().unwrap(),
                "demo",
                "--firms",
                "2000",
                "--seed",
                seed,
            ])
            .output()
            .unwrap()
    };
    let out = run("3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE kind = 'firm' AND is_demo")
            .await,
        2_000
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM land_site WHERE is_demo")
            .await,
        20
    );
    // Same seed again: the same firms, nothing new.
    let out = run("3");
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("firms inserted 0, updated 0, unchanged 2000"));
    // Most firms are in Territoires d'industrie, and the Arve valley turns bars.
    let in_territories = app
        .count("SELECT COUNT(*) FROM organisation o JOIN commune c ON c.insee = o.commune_insee WHERE o.kind = 'firm' AND c.territory_id IS NOT NULL")
        .await;
    assert!(in_territories > 1_400, "{in_territories}");
    let (_, home) = app.get_html("/").await;
    assert!(home.contains("data-testid=\"demo-notice\""));
}

/// A members-only firm is absent for anonymous viewers from every channel that shows firms,
/// and present for signed-in members.
async fn members_only_organisations_are_shown_to_members_only(backend: Backend) {
    use app::domain::policy::{Role, Scope, TokenScope};
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
    let firm = app
        .count(
            "SELECT MIN(o.id) FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             WHERE o.kind = 'firm' AND c.territory_id = 'ti-8422'",
        )
        .await;
    let accounts = server::services::accounts::AccountsService::new(
        app.db.clone(),
        app.config.public_url.clone(),
    );
    let password = "une phrase de passe longue";
    accounts
        .create_user(
            "patron@example.fr",
            "Patron",
            Some(password),
            Scope::Organisation(firm),
            Role::Admin,
        )
        .await
        .unwrap();
    let mut admin = Browser::new(&app);
    admin
        .post(
            "/auth/connexion",
            &[("email", "patron@example.fr"), ("password", password)],
        )
        .await;
    let token = accounts
        .create_api_token_for("patron@example.fr", "tests", TokenScope::Read, 90)
        .await
        .unwrap();
    let (_, before) = app.get_json(&format!("/api/v1/organisations/{firm}")).await;
    let name = before["name"].as_str().unwrap().to_owned();
    // The firm's admin chooses "members" on the profile form.
    let r = admin
        .post(
            &format!("/organisations/{firm}/modifier"),
            &[
                ("name", name.as_str()),
                ("description", "Décolletage de précision."),
                ("visibility", "members"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/organisations/{firm}?modifie=1")
    );
    // A firm's member supports a proposal in the firm's name.
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO proposal_support (proposal_id, user_id, territory_id, organisation_id, testimony, created_at) \
             SELECT MIN(p.id), u.id, NULL, ?, 'Nous aussi.', 1 FROM proposal p, user_account u \
             WHERE p.status <> 'draft' AND u.email = 'patron@example.fr' GROUP BY u.id",
            vec![firm.into()],
        ),
    )
    .await
    .unwrap();
    let proposal = app
        .count("SELECT MIN(proposal_id) FROM proposal_support")
        .await;

    let bearer = |path: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let r = app
                .client
                .get(app.url(&path))
                .header("Authorization", format!("Bearer {token}"))
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let contains = |v: &serde_json::Value| v.to_string().contains(&name);

    // The organisation's page and API answer.
    let (status, _) = app.get_html(&format!("/organisations/{firm}")).await;
    assert_eq!(status, 404, "page, anonymous");
    let (status, page) = admin.get(&format!("/organisations/{firm}")).await;
    assert_eq!(status, 200, "page, member");
    assert!(page.contains(&name));
    let (status, _) = app.get_json(&format!("/api/v1/organisations/{firm}")).await;
    assert_eq!(status, 404, "API, anonymous");
    assert_eq!(
        bearer(format!("/api/v1/organisations/{firm}")).await.0,
        200,
        "API, member"
    );
    // Lists: the API list and the territory page.
    let list = "/api/v1/organisations?territory=ti-8422&kind=firm&per_page=100";
    let (_, anonymous) = app.get_json(list).await;
    assert!(!contains(&anonymous), "list, anonymous");
    assert!(contains(&bearer(list.to_owned()).await.1), "list, member");
    let (_, page) = app.get_html("/territoires/ti-8422").await;
    assert!(
        !page.contains(&format!("/organisations/{firm}\"")),
        "territory page, anonymous"
    );
    let (_, page) = admin.get("/territoires/ti-8422").await;
    assert!(
        page.contains(&format!("/organisations/{firm}\"")),
        "territory page, member"
    );
    // Filières: the firm is counted for members only (the page's server function).
    let division: String = {
        let (_, o) = bearer(format!("/api/v1/organisations/{firm}")).await;
        o["naf"]["code"].as_str().unwrap()[..2].to_owned()
    };
    let filieres = |cookie: Option<String>| {
        let app = &app;
        let division = division.clone();
        async move {
            let mut r = app
                .client
                .post(app.url(&crate::helpers::server_fn_path("get_filieres")))
                .header("Origin", app.address.clone())
                .form(&[("id", "ti-8422")]);
            if let Some(c) = cookie {
                r = r.header("Cookie", c);
            }
            let v: serde_json::Value = r.send().await.unwrap().json().await.unwrap();
            v["divisions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d[0] == division.as_str())
                .map(|d| d[2].as_u64().unwrap())
                .unwrap_or(0)
        }
    };
    assert_eq!(
        filieres(None).await + 1,
        filieres(admin.cookie.clone()).await,
        "filières count the firm for members only"
    );
    // Supporters of a proposal.
    let (_, anonymous) = app.get_json(&format!("/api/v1/proposals/{proposal}")).await;
    assert!(!contains(&anonymous["supports"]), "supporters, anonymous");
    let (_, member) = bearer(format!("/api/v1/proposals/{proposal}")).await;
    assert!(contains(&member["supports"]), "supporters, member");
    // A public annonce of the firm names it to members only.
    let author = format!("organisation:{firm}");
    let r = admin
        .post(
            "/annonces/nouvelle",
            &[
                ("author", author.as_str()),
                ("kind", "supplier"),
                ("title", "Fraisage de pièces en laiton"),
                ("visibility", "public"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?publiee=1"), "{location}");
    let need = location.trim_end_matches("?publiee=1").to_owned();
    let (status, page) = app.get_html(&need).await;
    assert_eq!(status, 200, "the public annonce is public");
    assert!(!page.contains(&name), "annonce author, anonymous");
    let (_, page) = admin.get(&need).await;
    assert!(page.contains(&name), "annonce author, member");
    // Search (already enforced inside the query).
    let q = format!("/api/v1/search?q={}", app::api::search::encode(&name));
    assert!(
        !contains(&app.get_json(&q).await.1["hits"]),
        "search, anonymous"
    );
}
on_both_backends!(members_only_organisations_are_shown_to_members_only);
