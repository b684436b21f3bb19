//! Search: analysis, tolerance, facets, distance, relevance (nDCG@10 on a judged set),
//! freshness, visibility, and recovery after a crash.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_backends;
use crate::organisations::siret;
use server::cli::import::import_firms;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A fixed dataset: (name, NAF, commune, description, capabilities, certifications).
const FIRMS: [(&str, &str, &str, &str, &str, &str); 30] = [
    (
        "Décolletage Arve Précision",
        "25.62A",
        "74081",
        "Décolletage de précision de pièces en laiton et inox pour l'horlogerie et la connectique",
        "décolletage;tournage CN;reprise",
        "ISO 9001",
    ),
    (
        "Micro-Décolletage des Aravis",
        "25.62A",
        "74169",
        "Micro-décolletage de pièces médicales en titane et PEEK",
        "décolletage;usinage titane",
        "ISO 13485",
    ),
    (
        "Marnaz Usinage 5 Axes",
        "25.62B",
        "74169",
        "Usinage 5 axes de pièces aéronautiques en titane et aluminium",
        "usinage 5 axes;fraisage CN",
        "EN 9100;ISO 9001",
    ),
    (
        "Sallanches Mécanique Générale",
        "25.62B",
        "74256",
        "Mécanique générale, tournage et fraisage conventionnel, petites séries",
        "tournage;fraisage",
        "",
    ),
    (
        "Oyonnax Injection Plastique",
        "22.29A",
        "01283",
        "Injection plastique de pièces techniques pour l'automobile et le bâtiment",
        "injection plastique;surmoulage;bi-injection",
        "IATF 16949;ISO 9001",
    ),
    (
        "Moules du Bugey",
        "25.73A",
        "01031",
        "Conception et fabrication de moules d'injection plastique",
        "conception de moules;électroérosion",
        "ISO 9001",
    ),
    (
        "Plasturgie Bellignat Emballage",
        "22.22Z",
        "01031",
        "Extrusion soufflage de flacons pour la cosmétique",
        "extrusion soufflage;flaconnage",
        "ISO 15378",
    ),
    (
        "Figeac Aérostructures Sud",
        "30.30Z",
        "46102",
        "Assemblage d'aérostructures et usinage de grandes pièces aéronautiques",
        "aérostructures;usinage grandes pièces",
        "EN 9100",
    ),
    (
        "Rodez Composites Aéro",
        "30.30Z",
        "12202",
        "Pièces composites carbone pour l'aéronautique et le spatial",
        "composites carbone;drapage",
        "EN 9100",
    ),
    (
        "Chaudronnerie Messine",
        "25.29Z",
        "57463",
        "Chaudronnerie inox et soudure TIG de cuves pour l'agroalimentaire",
        "chaudronnerie;soudure TIG",
        "ISO 3834",
    ),
    (
        "Tôlerie Fine Rhénane",
        "25.11Z",
        "67482",
        "Tôlerie fine, découpe laser et pliage de tôles acier et aluminium",
        "tôlerie fine;découpe laser;pliage",
        "ISO 9001",
    ),
    (
        "Anodisation du Haut-Jura",
        "25.61Z",
        "39478",
        "Traitement de surface : anodisation de l'aluminium, nickelage chimique",
        "traitement de surface;anodisation",
        "ISO 14001",
    ),
    (
        "Lunetterie de Morez",
        "32.50B",
        "39368",
        "Fabrication de montures de lunettes en acétate et titane",
        "lunetterie;montures",
        "",
    ),
    (
        "Coutellerie Thiernoise",
        "25.71Z",
        "63430",
        "Coutellerie de table et couteaux de poche forgés",
        "coutellerie;forge;affûtage",
        "",
    ),
    (
        "Forges de Thiers",
        "25.50A",
        "63430",
        "Forge et estampage de pièces en acier pour l'automobile",
        "forge;estampage",
        "IATF 16949",
    ),
    (
        "Bonneterie Troyenne",
        "14.39Z",
        "10387",
        "Tricotage et confection de pulls en laine",
        "tricotage;confection",
        "",
    ),
    (
        "Textiles Techniques de l'Aube",
        "13.96Z",
        "10387",
        "Textiles techniques et tissus enduits pour le bâtiment",
        "tissage;enduction",
        "ISO 9001",
    ),
    (
        "Porcelaine de Limoges Création",
        "23.41Z",
        "87085",
        "Porcelaine de table et arts de la table",
        "porcelaine;émaillage",
        "",
    ),
    (
        "Maison de Champagne Sparnacienne",
        "11.02A",
        "51230",
        "Élaboration et embouteillage de vins de Champagne",
        "vinification;embouteillage",
        "",
    ),
    (
        "Distillerie Charentaise",
        "11.01Z",
        "16102",
        "Distillation et vieillissement d'eaux-de-vie de Cognac",
        "distillation;vieillissement",
        "",
    ),
    (
        "Chaussures du Choletais",
        "15.20Z",
        "49099",
        "Fabrication de chaussures pour enfants en cuir",
        "chaussure;piqûre",
        "",
    ),
    (
        "Chantiers Navals Estuaire",
        "30.11Z",
        "44184",
        "Construction navale, blocs de coques en acier",
        "construction navale;soudure",
        "ISO 9001",
    ),
    (
        "Sidérurgie Dunkerquoise Services",
        "24.10Z",
        "59183",
        "Maintenance et pièces d'usure pour la sidérurgie",
        "maintenance industrielle;rechargement",
        "ISO 9001",
    ),
    (
        "Électronique Grenobloise",
        "26.11Z",
        "38185",
        "Conception et assemblage de cartes électroniques",
        "câblage électronique;assemblage de cartes",
        "ISO 9001;ISO 13485",
    ),
    (
        "Caoutchouc Arverne",
        "22.19Z",
        "63113",
        "Pièces en caoutchouc et élastomères pour l'automobile",
        "moulage caoutchouc;élastomères",
        "IATF 16949",
    ),
    (
        "Montbéliard Équipements Auto",
        "29.32Z",
        "25388",
        "Équipements et sièges pour l'automobile",
        "assemblage;emboutissage",
        "IATF 16949",
    ),
    (
        "Brest Maintenance Navale",
        "33.15Z",
        "29019",
        "Réparation et maintenance de navires",
        "maintenance navale;chaudronnerie",
        "ISO 9001",
    ),
    (
        "Annecy Robotique",
        "28.99B",
        "74010",
        "Machines spéciales et robotique pour l'industrie",
        "machines spéciales;robotique;automatismes",
        "ISO 9001",
    ),
    (
        "Usinage Titane Médical Annecy",
        "32.50A",
        "74010",
        "Implants et instruments chirurgicaux en titane usinés",
        "usinage titane;instruments chirurgicaux",
        "ISO 13485",
    ),
    (
        "Cognac Emballages Bois",
        "16.24Z",
        "16102",
        "Caisses et coffrets en bois pour spiritueux",
        "emballage bois;gravure",
        "",
    ),
];

/// Judged queries: fixture index -> graded relevance (2 = what was asked for, 1 = partly).
const JUDGEMENTS: [(&str, &[(usize, u32)]); 30] = [
    ("décolletage", &[(0, 2), (1, 2)]),
    ("decolletage", &[(0, 2), (1, 2)]),
    ("décoletage", &[(0, 2), (1, 2)]),
    ("usinage titane", &[(1, 2), (2, 2), (28, 2)]),
    ("injection plastique", &[(4, 2), (5, 1)]),
    ("moules", &[(5, 2)]),
    ("aéronautique", &[(2, 2), (7, 2), (8, 2)]),
    ("EN 9100", &[(2, 2), (7, 2), (8, 2)]),
    ("soudure TIG", &[(9, 2)]),
    ("chaudronnerie inox", &[(9, 2)]),
    ("tôlerie", &[(10, 2)]),
    ("découpe laser", &[(10, 2)]),
    ("anodisation", &[(11, 2)]),
    ("traitement de surface", &[(11, 2)]),
    ("montures de lunettes", &[(12, 2)]),
    ("couteaux", &[(13, 2)]),
    ("forge", &[(14, 2), (13, 1)]),
    ("tricotage laine", &[(15, 2)]),
    ("porcelaine", &[(17, 2)]),
    ("champagne", &[(18, 2)]),
    ("cognac", &[(19, 2), (29, 1)]),
    ("chaussures enfants", &[(20, 2)]),
    ("construction navale", &[(21, 2)]),
    ("cartes électroniques", &[(23, 2)]),
    ("caoutchouc", &[(24, 2)]),
    ("robotique", &[(27, 2)]),
    ("ISO 13485", &[(1, 2), (23, 2), (28, 2)]),
    ("automobile", &[(4, 2), (14, 2), (24, 2), (25, 2)]),
    ("Thiers", &[(13, 2), (14, 2)]),
    ("implants chirurgicaux", &[(28, 2)]),
];

fn fixture_csv() -> String {
    let mut csv = String::from(
        "siret,name,naf,commune_insee,headcount_band,description,capabilities,certifications,website,email\n",
    );
    for (i, (name, naf, commune, description, capabilities, certifications)) in
        FIRMS.iter().enumerate()
    {
        csv.push_str(&format!(
            "{},\"{name}\",{naf},{commune},12,\"{description}\",\"{capabilities}\",\"{certifications}\",,\n",
            siret(9_000 + i as u64)
        ));
    }
    csv
}

async fn search(app: &TestApp, query: &str) -> (u16, serde_json::Value) {
    app.get_json(&format!("/api/v1/search?{query}")).await
}

fn q(text: &str) -> String {
    format!("q={}", app::api::search::encode(text))
}

/// Waits until the index holds `expected` documents (or fails after 20 s).
async fn wait_indexed(app: &TestApp, expected: u64) {
    let started = Instant::now();
    loop {
        let (_, body) = search(app, "per_page=1").await;
        if body["total"].as_u64() == Some(expected) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "index never reached {expected}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The fixture loaded and indexed; returns the fixture index of each SIRET.
async fn with_fixture(backend: Backend) -> (TestApp, HashMap<String, usize>) {
    let app = spawn_app(backend).await;
    let path = app.config.data_dir.join("fixture.csv");
    std::fs::write(&path, fixture_csv()).unwrap();
    import_firms(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    // 30 firms + 50 pôles + 46 districts + 6 operators + 183 territories.
    wait_indexed(&app, 315).await;
    let by_siret = (0..FIRMS.len())
        .map(|i| (siret(9_000 + i as u64), i))
        .collect();
    (app, by_siret)
}

fn hit_indexes(body: &serde_json::Value, by_siret: &HashMap<String, usize>) -> Vec<Option<usize>> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["siret"].as_str().and_then(|s| by_siret.get(s).copied()))
        .collect()
}

fn ndcg_at_10(ranked: &[Option<usize>], judged: &[(usize, u32)]) -> f64 {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let grade = |i: Option<usize>| {
        i.and_then(|i| judged.iter().find(|(j, _)| *j == i))
            .map(|(_, g)| *g)
            .unwrap_or(0)
    };
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(r, i)| gain(grade(*i)) / (r as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u32> = judged.iter().map(|(_, g)| *g).collect();
    ideal.sort_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(r, g)| gain(*g) / (r as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 {
        1.0
    } else {
        dcg / idcg
    }
}

async fn relevance_on_the_judged_set_reaches_ndcg_0_9(backend: Backend) {
    let (app, by_siret) = with_fixture(backend).await;
    let mut scores = Vec::new();
    for (query, judged) in JUDGEMENTS {
        let (status, body) = search(&app, &format!("{}&kind=firm", q(query))).await;
        assert_eq!(status, 200, "{query}");
        let ranked = hit_indexes(&body, &by_siret);
        let score = ndcg_at_10(&ranked, judged);
        eprintln!("nDCG@10 {score:.3}  {query}  {ranked:?}");
        scores.push(score);
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    eprintln!(
        "mean nDCG@10 over {} judged queries: {mean:.3}",
        scores.len()
    );
    assert!(mean >= 0.9, "mean nDCG@10 {mean:.3} < 0.9");
}
on_both_backends!(relevance_on_the_judged_set_reaches_ndcg_0_9);

async fn unaccented_plural_and_misspelt_queries_find_the_text(backend: Backend) {
    let (app, by_siret) = with_fixture(backend).await;
    for (query, expected) in [
        ("decolletage", 0usize),
        ("DÉCOLLETAGES", 0),
        ("décoletage", 0),
        ("tolerie", 10),
        ("porcelaines", 17),
        ("moule", 5),
        ("chaudronerie", 9),
        ("electroniques", 23),
    ] {
        let (_, body) = search(&app, &q(query)).await;
        assert!(
            hit_indexes(&body, &by_siret).contains(&Some(expected)),
            "{query}: {body}"
        );
    }
    // A NAF label finds firms whose own text does not say it: 25.62A is "Décolletage".
    let (_, body) = search(&app, &q("décolletage")).await;
    assert!(body["total"].as_u64().unwrap() >= 2);
    // Typing: the last word is a prefix.
    let (_, body) = search(&app, &q("anodis")).await;
    assert_eq!(hit_indexes(&body, &by_siret).first(), Some(&Some(11)));
    // An exact match outranks a typo match.
    let (_, body) = search(&app, &q("forge")).await;
    assert_eq!(hit_indexes(&body, &by_siret)[0], Some(14));
}
on_both_backends!(unaccented_plural_and_misspelt_queries_find_the_text);

#[tokio::test]
async fn user_syntax_never_fails() {
    let (app, _) = with_fixture(Backend::Sqlite).await;
    for query in [
        "\"",
        "(",
        ")",
        "AND",
        "usinage AND",
        "\"usinage",
        "a:b",
        "**",
        "😀",
        "-",
        "[1 TO 2]",
        "'",
        "\\",
    ] {
        let (status, body) = search(&app, &q(query)).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert!(body["total"].is_u64(), "{query}");
    }
}

async fn facets_and_filters_narrow_the_results(backend: Backend) {
    let (app, by_siret) = with_fixture(backend).await;
    let (_, body) = search(&app, "certification=EN+9100").await;
    let mut found = hit_indexes(&body, &by_siret);
    found.sort();
    assert_eq!(found, [Some(2), Some(7), Some(8)]);
    let (_, body) = search(&app, "kind=firm&naf=25").await;
    assert_eq!(body["total"], 10);
    let (_, body) = search(&app, "kind=firm&naf=25.62").await;
    assert_eq!(body["total"], 4);
    let (_, body) = search(&app, "naf=C&kind=firm").await;
    assert_eq!(body["total"], 30);
    let (_, body) = search(&app, "territory=ti-8422&kind=firm").await;
    assert_eq!(body["total"], 3);
    // The territory itself is searchable by name.
    let (_, body) = search(&app, &q("vallée de l'arve")).await;
    assert_eq!(body["hits"][0]["kind"], "territory");
    assert_eq!(body["hits"][0]["territory_id"], "ti-8422");
    let (_, body) = search(&app, &format!("{}&region=84", q("usinage"))).await;
    let facets = &body["facets"];
    let territory: Vec<(&str, u64)> = facets["territory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().unwrap(), v["count"].as_u64().unwrap()))
        .collect();
    // Three in the Arve valley: two say "usinage", the third is NAF class 25.62 "Usinage".
    assert!(territory.contains(&("ti-8422", 3)), "{territory:?}");
    assert!(
        facets["territory"][0]["label"].as_str().unwrap().len() > 7,
        "facets carry labels"
    );
    let kinds = &body["facets"]["kind"];
    assert_eq!(kinds[0]["value"], "firm");
    // Snippets highlight why a result matched.
    let (_, body) = search(&app, &q("anodisation")).await;
    assert!(body["hits"][0]["snippet"]
        .as_str()
        .unwrap()
        .contains("<b>anodisation</b>"));
}
on_both_backends!(facets_and_filters_narrow_the_results);

async fn distance_filters_sorts_and_keeps_facets(backend: Backend) {
    let (app, by_siret) = with_fixture(backend).await;
    let (_, body) = search(&app, "near=74081&radius_km=10&sort=distance&kind=firm").await;
    let found = hit_indexes(&body, &by_siret);
    // Cluses first; the two Marnaz firms share one point.
    assert_eq!(found[0], Some(0));
    let mut rest = found[1..].to_vec();
    rest.sort();
    assert_eq!(rest, [Some(1), Some(2)]);
    let distances: Vec<f64> = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["distance_km"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances[0] < 1.0 && distances[2] < 10.0);
    let (_, body) = search(&app, "near=74081&radius_km=30&kind=firm").await;
    assert_eq!(
        body["total"], 4,
        "Sallanches is within 30 km of Cluses, Annecy is not: {body}"
    );
    let (_, body) = search(
        &app,
        &format!(
            "{}&near=46.06,6.58&radius_km=40&certification=ISO+13485",
            q("titane")
        ),
    )
    .await;
    let mut found = hit_indexes(&body, &by_siret);
    found.sort();
    assert_eq!(found, [Some(1), Some(28)]);
    assert_eq!(
        body["facets"]["certification"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["value"] == "ISO 13485")
            .unwrap()["count"],
        2
    );
    // A commune name is accepted too, and a postal code (Cluses's).
    let (_, body) = search(&app, "near=Cluses&radius_km=10&kind=firm").await;
    assert_eq!(body["total"], 3);
    let (_, body) = search(&app, "near=74300&radius_km=10&kind=firm").await;
    assert_eq!(body["total"], 3);
}
on_both_backends!(distance_filters_sorts_and_keeps_facets);

#[tokio::test]
async fn bad_search_parameters_get_a_clear_400() {
    let app = spawn_app(Backend::Sqlite).await;
    for (query, field, words) in [
        ("near=74081&radius_km=-1", "radius_km", "between 0 and 500"),
        ("near=74081&radius_km=501", "radius_km", "between 0 and 500"),
        (
            "near=99999",
            "near",
            "no commune is named or numbered \"99999\"",
        ),
        ("near=Clusse", "near", "did you mean Cluses (74081)"),
        ("near=91.5,2", "near", "latitude 91.5 is out of range"),
        ("per_page=101", "per_page", "between 1 and 100"),
        ("sort=distance", "sort", "needs near"),
        ("radius_km=abc&near=74081", "radius_km", "expected a number"),
    ] {
        let (status, body) = search(&app, query).await;
        assert_eq!(status, 400, "{query}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(field) && message.contains(words),
            "{query}: {message}"
        );
    }
}

async fn a_write_is_searchable_within_a_second(backend: Backend) {
    let (app, _) = with_fixture(backend).await;
    let csv = format!(
        "siret,name,naf,commune_insee,headcount_band,description,capabilities,certifications,website,email\n\
         {},Zircone Céramiques Techniques,23.44Z,74081,11,Céramiques techniques en zircone,frittage,,,\n",
        siret(77_777)
    );
    let path = app.config.data_dir.join("one.csv");
    std::fs::write(&path, csv).unwrap();
    import_firms(&app.db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let committed = Instant::now();
    loop {
        let (_, body) = search(&app, &q("zircone")).await;
        if body["total"] == 1 {
            break;
        }
        assert!(
            committed.elapsed() < Duration::from_secs(1),
            "not searchable within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "searchable {} ms after commit",
        committed.elapsed().as_millis()
    );
}
on_both_backends!(a_write_is_searchable_within_a_second);

async fn visibility_is_enforced_inside_the_query(backend: Backend) {
    let (app, _) = with_fixture(backend).await;
    let id = app
        .count("SELECT id FROM organisation WHERE name = 'Lunetterie de Morez'")
        .await;
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "UPDATE organisation SET visibility = 'members' WHERE id = {id}"
        ))
        .await
        .unwrap();
    server::db::organisations::record_change(&app.db, "organisation", id, "upsert")
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let (_, body) = search(&app, &q("lunettes")).await;
        if body["total"] == 0 {
            // Facet counts exclude it too: it is filtered in the query, not after.
            let (_, all) = search(&app, "kind=firm").await;
            assert_eq!(all["total"], 29);
            assert_eq!(all["facets"]["kind"][0]["count"], 29);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
on_both_backends!(visibility_is_enforced_inside_the_query);

/// Kills the real binary while it indexes, restarts it, and compares the ids in the index
/// with the searchable ids in the database.
#[tokio::test]
async fn killing_the_server_during_indexing_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let bin = env!("CARGO_BIN_EXE_maillage");
    let status = std::process::Command::new(bin)
        .args([
            "--data-dir",
            &data,
            "demo",
            "--firms",
            "30000",
            "--seed",
            "5",
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let start = || {
        std::process::Command::new(bin)
            .args(["--data-dir", &data, "--addr", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // First start: it begins the full build; kill -9 part way through.
    let mut child = start();
    std::thread::sleep(Duration::from_millis(1_500));
    child.kill().unwrap();
    child.wait().unwrap();
    // More writes while it is down, then a restart that must catch up with everything.
    let db = server::db::connect(&server::config::Database::Sqlite(
        dir.path().join("maillage.db"),
    ))
    .await
    .unwrap();
    let csv = format!(
        "siret,name,naf,commune_insee,headcount_band,description,capabilities,certifications,website,email\n\
         {},Après Crash Industrie,25.62A,74081,11,Décolletage,,,,\n",
        siret(88_888)
    );
    let path = dir.path().join("late.csv");
    std::fs::write(&path, csv).unwrap();
    import_firms(&db, path)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let mut child = start();
    // Wait until the journal is fully applied, then stop and inspect the index itself.
    let max_seq = server::db::fetch_count(&db, "SELECT MAX(seq) AS n FROM changes", vec![])
        .await
        .unwrap() as i64;
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let payload = tantivy::Index::open_in_dir(dir.path().join("index"))
            .ok()
            .and_then(|i| i.load_metas().ok())
            .and_then(|m| m.payload)
            .and_then(|p| p.parse::<i64>().ok());
        if payload == Some(max_seq) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "indexer never caught up"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let (index, _) = server::search::SearchIndex::open(Some(dir.path().join("index"))).unwrap();
    let searcher = index.reader.searcher();
    let docs = searcher
        .search(
            &tantivy::query::AllQuery,
            &tantivy::collector::DocSetCollector,
        )
        .unwrap();
    let mut in_index: Vec<String> = docs
        .into_iter()
        .map(|a| {
            let doc: tantivy::TantivyDocument = searcher.doc(a).unwrap();
            use tantivy::schema::Value;
            doc.get_first(index.fields.id)
                .and_then(|v| v.as_str())
                .unwrap()
                .to_owned()
        })
        .collect();
    in_index.sort();
    #[derive(sea_orm::FromQueryResult)]
    struct Key {
        key: String,
    }
    let mut in_db: Vec<String> = server::db::fetch_all::<Key>(
        &db,
        "SELECT 'organisation:' || id AS key FROM organisation UNION ALL SELECT 'land_site:' || id AS key FROM land_site \
         UNION ALL SELECT 'territory:' || id AS key FROM territory \
         UNION ALL SELECT 'proposal:' || id AS key FROM proposal WHERE status <> 'draft' \
         UNION ALL SELECT 'practice:' || id AS key FROM practice \
         UNION ALL SELECT 'need:' || id AS key FROM need WHERE status = 'open' \
         UNION ALL SELECT 'action_sheet:' || id AS key FROM action_sheet WHERE status <> 'draft'",
        vec![],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|k| k.key)
    .collect();
    in_db.sort();
    assert_eq!(in_index.len(), in_db.len());
    assert!(in_index == in_db, "index ids differ from database ids");
}
