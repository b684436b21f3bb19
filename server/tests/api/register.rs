//! The national register: `maillage import sirene` on extracts written in INSEE's published
//! layout (every column of StockEtablissement and StockUniteLegale, in their order), under
//! `tests/fixtures/sirene/`. What the register closes or hides never shows; a second run
//! changes nothing; what a firm declared survives a re-import.

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::needs::{buyer, post_need};
use crate::on_both_backends;
use server::cli::sirene::{import, Options, Summary};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ETABLISSEMENTS: &str = "StockEtablissement_extrait.csv";
const UNITES_LEGALES: &str = "StockUniteLegale_extrait.csv";
/// Établissements of the extract, by what each stands for.
const DECOLLETAGE: &str = "41234567000019";
const MECA: &str = "52345678800026";
const CLOSED: &str = "63456789500012";
const HIDDEN: &str = "74567890400012";
const ENGINEERING: &str = "31890234300017";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sirene")
        .join(name)
}

fn options(app: &TestApp) -> Options {
    Options {
        all: false,
        ring_km: 10.0,
        restart: false,
        checkpoint: app.config.data_dir.join("sirene-import.json"),
        legal_units: Some(fixture(UNITES_LEGALES)),
    }
}

/// The extract with some of its rows edited (`(siret, from, to)` within that row).
fn edited(app: &TestApp, edits: &[(&str, &str, &str)]) -> PathBuf {
    let text = std::fs::read_to_string(fixture(ETABLISSEMENTS)).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            edits
                .iter()
                .filter(|(siret, _, _)| line.contains(&format!(",{siret},")))
                .fold(line.to_owned(), |line, (_, from, to)| {
                    assert!(line.contains(from), "{from} not in {line}");
                    line.replacen(from, to, 1)
                })
        })
        .collect();
    let path = app.config.data_dir.join("edited.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

async fn id_of(app: &TestApp, siret: &str) -> i64 {
    app.count(&format!(
        "SELECT COALESCE(MAX(id), 0) FROM organisation WHERE siret = '{siret}'"
    ))
    .await
}

fn counts(s: &Summary) -> [u64; 6] {
    [
        s.read,
        s.kept,
        s.inserted,
        s.updated,
        s.unchanged,
        s.withdrawn,
    ]
}

/// Waits until a search for `q` finds `expected` results (or fails after 10 s).
async fn searched(app: &TestApp, q: &str, expected: u64) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let (_, body) = app
            .get_json(&format!(
                "/api/v1/search?kind=firm&q={}",
                app::api::search::encode(q)
            ))
            .await;
        if body["total"].as_u64() == Some(expected) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{q}: never {expected} results: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_register_shows_only_what_is_active_and_diffusible(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = import(&app.db, &fixture(ETABLISSEMENTS), &options(&app))
        .await
        .unwrap();
    // Nine rows: three kept (a décolletage shop, a machine maker named by its legal unit, an
    // engineering office); one closed, one not diffusible, a restaurant, a firm in Rennes
    // (16 km from any territory), one still in NAF rév. 1, and a line whose SIRET is broken.
    assert_eq!(counts(&first), [9, 3, 3, 0, 0, 0], "{first}");
    assert_eq!(
        [
            first.closed,
            first.not_diffusible,
            first.other_activity,
            first.outside,
            first.other_nomenclature,
            first.unreadable
        ],
        [1, 1, 1, 1, 1, 1],
        "{first}"
    );
    assert_eq!(first.unreadable_lines.len(), 1);
    assert_eq!(first.unreadable_lines[0].0, 7, "{first}");
    assert!(first.unreadable_lines[0].1.contains("8567890110001A"));
    assert!(
        first.to_string().starts_with(
            "read 9, kept 3, inserted 3, updated 0, unchanged 0, withdrawn 0; skipped: closed 1"
        ),
        "{first}"
    );
    assert!(
        !options(&app).checkpoint.exists(),
        "a finished run keeps no checkpoint"
    );
    assert_eq!(id_of(&app, CLOSED).await, 0);
    assert_eq!(id_of(&app, HIDDEN).await, 0);

    // Names: the sign, else the legal unit's name; the territory from the commune; the
    // décolletage shop at its own position (its Lambert 93 coordinates), 1 km from Cluses.
    let meca = id_of(&app, MECA).await;
    let (status, firm) = app.get_json(&format!("/api/v1/organisations/{meca}")).await;
    assert_eq!(status, 200, "{firm}");
    assert_eq!(firm["name"], "MECANIQUE DE PRECISION DE L ARVE");
    assert_eq!(firm["naf"]["code"], "28.41Z");
    assert_eq!(firm["territory"][0], "ti-8422");
    let decolletage = id_of(&app, DECOLLETAGE).await;
    let lat = app
        .count(&format!(
            "SELECT CAST(ROUND(latitude * 10000) AS BIGINT) FROM organisation WHERE id = {decolletage}"
        ))
        .await;
    assert_eq!(lat, 460_652, "46.0652° N, as given in Lambert 93");
    let (status, page) = app.get_html(&format!("/organisations/{decolletage}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("DECOLLETAGE DU FAUCIGNY"));
    searched(&app, "décolletage Faucigny", 1).await;
    searched(&app, CLOSED, 0).await;
    searched(&app, "tournage fermé", 0).await;

    // A second run of the same file changes nothing.
    let second = import(&app.db, &fixture(ETABLISSEMENTS), &options(&app))
        .await
        .unwrap();
    assert_eq!(counts(&second), [9, 3, 0, 0, 3, 0], "{second}");
}
on_both_backends!(the_register_shows_only_what_is_active_and_diffusible);

async fn a_re_import_keeps_declared_fields_and_withdraws_what_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    import(&app.db, &fixture(ETABLISSEMENTS), &options(&app))
        .await
        .unwrap();
    let decolletage = id_of(&app, DECOLLETAGE).await;
    let engineering = id_of(&app, ENGINEERING).await;

    // The firm declares itself (as its admin does from its page).
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "UPDATE organisation SET description = 'Décolletage de précision pour l''horlogerie', \
             capabilities = '[\"décolletage\",\"taillage\"]', certifications = '[\"ISO 9001\"]', \
             website = 'https://decolletage-faucigny.fr', email = 'contact@decolletage-faucigny.fr' \
             WHERE id = {decolletage}"
        ))
        .await
        .unwrap();
    // An annonce for engineering near Cluses finds the engineering office while it is open.
    let (org, mut b) = buyer(&app).await;
    let need = post_need(
        &mut b,
        org,
        &[
            ("kind", "supplier"),
            ("title", "Bureau d'études pour une ligne de reprise"),
            (
                "description",
                "Ingénierie et études techniques d'une ligne d'usinage",
            ),
            ("naf_codes", "71.12"),
            ("commune", "74081"),
            ("radius_km", "50"),
            ("visibility", "members"),
        ],
    )
    .await;
    let matched = |b: &crate::helpers::Browser<'_>| {
        let request = b
            .app
            .client
            .get(b.app.url(&format!("/api/v1/needs/{need}/matches")))
            .header("Cookie", b.cookie.clone().unwrap());
        async move {
            let matches: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            matches
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|m| m["organisation_id"].as_i64())
                .collect::<Vec<i64>>()
        }
    };
    searched(&app, "bureau études Arve ingénierie", 1).await;
    assert!(matched(&b).await.contains(&engineering));

    // The register changes the shop's sign and headcount, and closes the engineering office.
    let path = edited(
        &app,
        &[
            (
                DECOLLETAGE,
                "DECOLLETAGE DU FAUCIGNY",
                "FAUCIGNY DECOLLETAGE",
            ),
            (DECOLLETAGE, ",21,2023,", ",22,2023,"),
            (ENGINEERING, ",2019-01-01,A,", ",2019-01-01,F,"),
        ],
    );
    let third = import(&app.db, &path, &options(&app)).await.unwrap();
    assert_eq!(counts(&third), [9, 2, 0, 1, 1, 1], "{third}");
    assert_eq!(third.closed, 2);

    let (_, firm) = app
        .get_json(&format!("/api/v1/organisations/{decolletage}"))
        .await;
    assert_eq!(firm["name"], "FAUCIGNY DECOLLETAGE");
    assert_eq!(firm["headcount_band"], "22");
    assert_eq!(
        firm["description"],
        "Décolletage de précision pour l'horlogerie"
    );
    assert_eq!(
        firm["capabilities"],
        serde_json::json!(["décolletage", "taillage"])
    );
    assert_eq!(firm["certifications"], serde_json::json!(["ISO 9001"]));
    assert_eq!(firm["website"], "https://decolletage-faucigny.fr");

    // The closed office leaves every channel: API, page, search, export, matches.
    let (status, _) = app
        .get_json(&format!("/api/v1/organisations/{engineering}"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_html(&format!("/organisations/{engineering}")).await;
    assert_eq!(status, 404);
    let (status, _) = b.get(&format!("/organisations/{engineering}")).await;
    assert_eq!(status, 404, "not even to a signed-in member");
    searched(&app, "bureau études Arve ingénierie", 0).await;
    let (_, listed) = app
        .get_json("/api/v1/organisations?kind=firm&territory=ti-8422")
        .await;
    assert_eq!(listed["total"], 2, "{listed}");
    let export = app.config.data_dir.join("export.csv");
    assert_eq!(
        server::cli::import::export_firms(&app.db, export.clone())
            .await
            .unwrap(),
        2
    );
    assert!(!std::fs::read_to_string(&export)
        .unwrap()
        .contains(ENGINEERING));
    assert!(!matched(&b).await.contains(&engineering));
}
on_both_backends!(a_re_import_keeps_declared_fields_and_withdraws_what_closed);

async fn a_stopped_import_resumes_where_it_ended(backend: Backend) {
    let app = spawn_app(backend).await;
    // A checkpoint as a run stopped after its first batch leaves it: past the header and the
    // first two rows, with what they counted.
    let path = fixture(ETABLISSEMENTS);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let byte: usize = lines.by_ref().take(3).map(|l| l.len() + 1).sum();
    let metadata = std::fs::metadata(&path).unwrap();
    let modified = metadata
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let checkpoint = serde_json::json!({
        "file": std::fs::canonicalize(&path).unwrap(),
        "size": metadata.len(),
        "modified": modified,
        "byte": byte,
        "line": 4,
        "record": 3,
        "summary": { "read": 2, "kept": 2, "inserted": 2, "updated": 0, "unchanged": 0,
            "withdrawn": 0, "closed": 0, "not_diffusible": 0, "other_nomenclature": 0,
            "other_activity": 0, "outside": 0, "unknown_commune": 0, "unreadable": 0,
            "unreadable_lines": [] },
    });
    std::fs::write(&options(&app).checkpoint, checkpoint.to_string()).unwrap();
    let resumed = import(&app.db, &path, &options(&app)).await.unwrap();
    // Read once in all: the first two rows are counted from the checkpoint, not written again.
    assert_eq!(counts(&resumed), [9, 3, 3, 0, 0, 0], "{resumed}");
    assert_eq!(id_of(&app, DECOLLETAGE).await, 0, "before the checkpoint");
    assert_ne!(id_of(&app, ENGINEERING).await, 0);
    assert!(!options(&app).checkpoint.exists());

    // `--restart` reads it all again.
    let mut restart = options(&app);
    restart.restart = true;
    let again = import(&app.db, &path, &restart).await.unwrap();
    assert_eq!(counts(&again), [9, 3, 2, 0, 1, 0], "{again}");
}
on_both_backends!(a_stopped_import_resumes_where_it_ended);

#[tokio::test]
async fn a_file_that_is_not_the_register_is_refused_by_its_columns() {
    let app = spawn_app(Backend::Sqlite).await;
    let path = app.config.data_dir.join("firms.csv");
    std::fs::write(&path, "siret,name\n41234567000019,Atelier\n").unwrap();
    let e = import(&app.db, &path, &options(&app))
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("no column"), "{e}");
    assert!(e.contains("etatAdministratifEtablissement"), "{e}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation WHERE siret IS NOT NULL")
            .await,
        0
    );
}
