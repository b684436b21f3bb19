//! Needs and offers through the real server: a judged match set (precision@5), the anonymity
//! rule, and the whole contact journey with its mail.

use crate::helpers::{assert_refused, spawn_app, Backend, Browser, TestApp};
use crate::organisations::siret;
use app::domain::ids::{InseeCode, NafCode, Siret};
use app::domain::organisation::FirmRecord;
use app::domain::policy::{Role, Scope};
use sea_orm::{ConnectionTrait, TransactionTrait};
use server::services::accounts::AccountsService;
use std::collections::HashMap;

const PASSWORD: &str = "un mot de passe solide";

/// (key, name, NAF, commune, capabilities, certifications, headcount band).
type Firm = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Around the Alps and the Rhône valley: Cluses 74081, Marnaz 74169, Annecy 74010, Oyonnax
/// 01283, Bourg-en-Bresse 01053, Lyon 69123, Grenoble 38185, Saint-Étienne 42218, Chambéry
/// 73065, Besançon 25056, Toulouse 31555, Bordeaux 33063.
const FIRMS: [Firm; 44] = [
    (
        "arve-titane",
        "Arve Titane Usinage",
        "25.62B",
        "74081",
        "usinage 5 axes; titane; pièces aéronautiques",
        "EN 9100; ISO 9001",
        "12",
    ),
    (
        "marnaz-aero",
        "Marnaz Précision Aéro",
        "25.62B",
        "74169",
        "usinage 5 axes; aluminium; aéronautique; titane",
        "EN 9100",
        "21",
    ),
    (
        "annecy-meca",
        "Mécanique d'Annecy",
        "25.62B",
        "74010",
        "usinage 5 axes; fraisage; prototypes",
        "ISO 9001",
        "11",
    ),
    (
        "cluses-decol",
        "Décolletage Clusien",
        "25.62A",
        "74081",
        "décolletage; laiton; pièces de précision",
        "ISO 9001",
        "12",
    ),
    (
        "marnaz-decol",
        "Décolletage de Marnaz",
        "25.62A",
        "74169",
        "décolletage; laiton; inox; décolletage de précision",
        "ISO 9001; IATF 16949",
        "21",
    ),
    (
        "scionzier-decol",
        "Scionzier Décolletage",
        "25.62A",
        "74081",
        "décolletage; tournage multibroches; acier",
        "",
        "11",
    ),
    (
        "lyon-usinage",
        "Usinage Lyonnais",
        "25.62B",
        "69123",
        "usinage; tournage; fraisage",
        "",
        "12",
    ),
    (
        "toulouse-aero",
        "Toulouse Aéro Usinage",
        "25.62B",
        "31555",
        "usinage 5 axes; titane; aéronautique",
        "EN 9100",
        "22",
    ),
    (
        "oyo-inject",
        "Oyonnax Injection",
        "22.29A",
        "01283",
        "injection plastique; pièces techniques; bi-matière",
        "ISO 9001",
        "21",
    ),
    (
        "oyo-plast",
        "Plasturgie de l'Ain",
        "22.29A",
        "01283",
        "injection plastique; pièces techniques automobiles",
        "IATF 16949",
        "22",
    ),
    (
        "bourg-plast",
        "Bourg Plastiques",
        "22.29B",
        "01053",
        "injection plastique; emballages",
        "",
        "12",
    ),
    (
        "lyon-plast",
        "Lyon Polymères",
        "22.29A",
        "69123",
        "injection plastique; pièces techniques médicales",
        "ISO 13485",
        "12",
    ),
    (
        "oyo-moules",
        "Moules d'Oyonnax",
        "25.73A",
        "01283",
        "moules d'injection; outillage; moules plastique",
        "",
        "11",
    ),
    (
        "ain-moules",
        "Outillages de l'Ain",
        "25.73A",
        "01053",
        "moules d'injection; moules bi-matière",
        "ISO 9001",
        "12",
    ),
    (
        "savoie-moules",
        "Moules de Savoie",
        "25.73A",
        "73065",
        "moules d'injection; outillage de presse",
        "",
        "11",
    ),
    (
        "lyon-anod",
        "Anodisation Lyonnaise",
        "25.61Z",
        "69123",
        "anodisation; aluminium; traitement de surface",
        "ISO 9001",
        "12",
    ),
    (
        "stetienne-anod",
        "Surfaces Stéphanoises",
        "25.61Z",
        "42218",
        "anodisation; traitement de surface; aluminium; peinture",
        "",
        "11",
    ),
    (
        "grenoble-surface",
        "Grenoble Surfaces",
        "25.61Z",
        "38185",
        "traitement de surface; nickelage; anodisation",
        "EN 9100",
        "11",
    ),
    (
        "lyon-thermique",
        "Thermique Rhône",
        "25.61Z",
        "69123",
        "traitement thermique; trempe; cémentation",
        "",
        "11",
    ),
    (
        "stetienne-thermique",
        "Traitements Thermiques du Forez",
        "25.61Z",
        "42218",
        "traitement thermique; trempe sous vide; nitruration",
        "ISO 9001",
        "12",
    ),
    (
        "grenoble-chaud",
        "Chaudronnerie Grenobloise",
        "25.29Z",
        "38185",
        "chaudronnerie; tôlerie; inox; soudure",
        "",
        "12",
    ),
    (
        "chambery-tole",
        "Tôlerie de Savoie",
        "25.11Z",
        "73065",
        "tôlerie; découpe laser; pliage; inox",
        "",
        "11",
    ),
    (
        "annecy-laser",
        "Annecy Laser",
        "25.62B",
        "74010",
        "découpe laser; tôlerie fine",
        "",
        "03",
    ),
    (
        "cluses-laser",
        "Laser Cluses",
        "25.99B",
        "74081",
        "découpe laser; marquage laser",
        "",
        "03",
    ),
    (
        "stetienne-fonderie",
        "Fonderie du Forez",
        "24.53Z",
        "42218",
        "fonderie aluminium; moulage sable",
        "",
        "21",
    ),
    (
        "lyon-fonderie",
        "Fonderie Lyonnaise",
        "24.53Z",
        "69123",
        "fonderie aluminium; sous pression",
        "ISO 9001",
        "22",
    ),
    (
        "grenoble-fonte",
        "Fonte des Alpes",
        "24.51Z",
        "38185",
        "fonderie fonte; pièces lourdes",
        "",
        "12",
    ),
    (
        "grenoble-cms",
        "Alpes Électronique",
        "26.12Z",
        "38185",
        "assemblage cartes électroniques; CMS; prototypes",
        "ISO 9001",
        "12",
    ),
    (
        "annecy-cms",
        "Cartes Savoyardes",
        "26.12Z",
        "74010",
        "assemblage CMS; cartes électroniques; câblage",
        "",
        "11",
    ),
    (
        "lyon-cms",
        "Lyon Électronique",
        "26.12Z",
        "69123",
        "cartes électroniques; assemblage CMS",
        "IATF 16949",
        "21",
    ),
    (
        "lyon-carton",
        "Cartonnerie du Rhône",
        "17.21A",
        "69123",
        "emballage carton; carton ondulé",
        "",
        "21",
    ),
    (
        "stetienne-carton",
        "Emballages du Forez",
        "17.21A",
        "42218",
        "emballage carton; caisses",
        "",
        "12",
    ),
    (
        "bourg-carton",
        "Carton de Bresse",
        "17.21B",
        "01053",
        "emballage carton; étuis",
        "",
        "11",
    ),
    (
        "besancon-grande",
        "Usinage Grandes Dimensions de Franche-Comté",
        "25.62B",
        "25056",
        "usinage grande dimension; fraisage portique",
        "ISO 9001",
        "21",
    ),
    (
        "besancon-horlo",
        "Microtechniques Bisontines",
        "25.62B",
        "25056",
        "micro-usinage; horlogerie; décolletage",
        "",
        "11",
    ),
    (
        "bourg-soudure",
        "Soudure Bressane",
        "25.62B",
        "01053",
        "soudure robotisée; mécano-soudure; assemblage",
        "",
        "12",
    ),
    (
        "lyon-soudure",
        "Robots Soudure Lyon",
        "25.11Z",
        "69123",
        "soudure robotisée; structures métalliques",
        "ISO 3834",
        "21",
    ),
    (
        "toulouse-3d",
        "Additive Occitanie",
        "25.62B",
        "31555",
        "fabrication additive métal; impression 3D métal",
        "EN 9100",
        "11",
    ),
    (
        "bordeaux-3d",
        "Impression Métal Aquitaine",
        "25.99B",
        "33063",
        "impression 3D métal; fabrication additive",
        "",
        "03",
    ),
    (
        "cluses-rectif",
        "Rectification de l'Arve",
        "25.62B",
        "74081",
        "rectification; rectification cylindrique; précision",
        "ISO 9001",
        "11",
    ),
    (
        "annecy-rectif",
        "Rectif Annecy",
        "25.62B",
        "74010",
        "rectification plane; rectification de précision",
        "",
        "03",
    ),
    (
        "chambery-peinture",
        "Peinture Industrielle Savoie",
        "25.61Z",
        "73065",
        "peinture poudre; thermolaquage",
        "",
        "11",
    ),
    (
        "annecy-peinture",
        "Thermolaquage Annécien",
        "25.61Z",
        "74010",
        "thermolaquage; peinture poudre époxy",
        "",
        "03",
    ),
    (
        "bordeaux-bois",
        "Menuiserie d'Aquitaine",
        "16.23Z",
        "33063",
        "menuiserie bois; escaliers",
        "",
        "11",
    ),
];

/// (title, description, NAF, commune, radius km, certifications, relevant firm keys). A firm
/// is judged relevant when a buyer would call it for this need: it does the work asked for,
/// within the radius asked for.
type Judged = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const NEEDS: [Judged; 16] = [
    (
        "Usinage 5 axes de pièces en titane",
        "Pièces de structure aéronautique",
        "25.62B",
        "74081",
        "60",
        "EN 9100",
        &["arve-titane", "marnaz-aero", "annecy-meca"],
    ),
    (
        "Décolletage de précision laiton",
        "Séries de 50 000 pièces",
        "25.62A",
        "74081",
        "40",
        "",
        &["cluses-decol", "marnaz-decol", "scionzier-decol"],
    ),
    (
        "Injection plastique de pièces techniques",
        "Pièces techniques en polyamide",
        "22.29A",
        "01283",
        "60",
        "",
        &["oyo-inject", "oyo-plast", "lyon-plast", "bourg-plast"],
    ),
    (
        "Moules d'injection pour pièces bi-matière",
        "",
        "25.73A",
        "01283",
        "80",
        "",
        &["oyo-moules", "ain-moules", "savoie-moules"],
    ),
    (
        "Anodisation de pièces en aluminium",
        "Traitement de surface de carters",
        "25.61Z",
        "69123",
        "80",
        "",
        &["lyon-anod", "stetienne-anod"],
    ),
    (
        "Tôlerie et chaudronnerie inox",
        "Cuves et capots",
        "25.29Z",
        "38185",
        "80",
        "",
        &["grenoble-chaud", "chambery-tole"],
    ),
    (
        "Fonderie aluminium",
        "Carters moulés",
        "24.53Z",
        "42218",
        "80",
        "",
        &["stetienne-fonderie", "lyon-fonderie"],
    ),
    (
        "Assemblage de cartes électroniques CMS",
        "Petites séries",
        "26.12Z",
        "38185",
        "120",
        "",
        &["grenoble-cms", "annecy-cms", "lyon-cms"],
    ),
    (
        "Emballage carton pour expédition",
        "Caisses en carton ondulé",
        "17.21A",
        "69123",
        "80",
        "",
        &["lyon-carton", "stetienne-carton", "bourg-carton"],
    ),
    (
        "Découpe laser de tôles",
        "Tôles fines inox",
        "",
        "74010",
        "60",
        "",
        &["annecy-laser", "cluses-laser", "chambery-tole"],
    ),
    (
        "Usinage grande dimension",
        "Bâtis de machines de 4 mètres",
        "25.62B",
        "25056",
        "80",
        "",
        &["besancon-grande"],
    ),
    (
        "Soudure robotisée de châssis",
        "Mécano-soudure en série",
        "",
        "01053",
        "80",
        "",
        &["bourg-soudure", "lyon-soudure"],
    ),
    (
        "Fabrication additive métal",
        "Impression 3D métal de pièces aéronautiques",
        "",
        "31555",
        "300",
        "EN 9100",
        &["toulouse-3d", "bordeaux-3d"],
    ),
    (
        "Rectification de précision",
        "Rectification cylindrique d'axes",
        "25.62B",
        "74081",
        "40",
        "",
        &["cluses-rectif", "annecy-rectif"],
    ),
    (
        "Peinture poudre et thermolaquage",
        "Thermolaquage de pièces en acier",
        "25.61Z",
        "73065",
        "60",
        "",
        &["chambery-peinture", "annecy-peinture"],
    ),
    (
        "Traitement thermique trempe",
        "Trempe et cémentation d'engrenages",
        "25.61Z",
        "42218",
        "80",
        "",
        &["stetienne-thermique", "lyon-thermique"],
    ),
];

async fn load_firms(app: &TestApp) -> HashMap<&'static str, i64> {
    let records: Vec<FirmRecord> = FIRMS
        .iter()
        .enumerate()
        .map(
            |(i, (_, name, naf, commune, caps, certs, band))| FirmRecord {
                siret: Siret::parse(&siret(500 + i as u64)).unwrap(),
                name: (*name).to_owned(),
                naf: NafCode::parse(naf).unwrap(),
                commune: InseeCode::parse(commune).unwrap(),
                headcount_band: Some((*band).to_owned()),
                description: String::new(),
                capabilities: caps
                    .split(';')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                certifications: certs
                    .split(';')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                website: String::new(),
                email: format!("contact{i}@example.fr"),
            },
        )
        .collect();
    let txn = app.db.begin().await.unwrap();
    server::db::organisations::upsert_firms(&txn, &records, false, &|_| {})
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let mut ids = HashMap::new();
    for (key, name, ..) in FIRMS {
        let id = app
            .count(&format!(
                "SELECT id FROM organisation WHERE name = '{}'",
                name.replace('\'', "''")
            ))
            .await;
        ids.insert(key, id);
    }
    // Searchable within a second of the commit.
    let last = ids["bordeaux-bois"];
    let started = std::time::Instant::now();
    loop {
        let (_, r) = app
            .get_json("/api/v1/search?q=Menuiserie+d%27Aquitaine&kind=firm")
            .await;
        if r["hits"]
            .as_array()
            .is_some_and(|h| h.iter().any(|x| x["id"] == last))
        {
            break;
        }
        assert!(started.elapsed().as_secs() < 10, "firms not indexed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ids
}

pub async fn person<'a>(app: &'a TestApp, email: &str, scope: Scope, role: Role) -> Browser<'a> {
    let accounts = AccountsService::new(app.db.clone(), app.config.public_url.clone());
    accounts
        .create_user(email, "Personne", Some(PASSWORD), scope, role)
        .await
        .unwrap();
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

/// A buyer outside the dataset, posting every need.
pub async fn buyer(app: &TestApp) -> (i64, Browser<'_>) {
    let org = app
        .count("SELECT id FROM organisation WHERE kind = 'pole' ORDER BY id LIMIT 1")
        .await;
    (
        org,
        person(
            app,
            "acheteur@example.fr",
            Scope::Organisation(org),
            Role::Admin,
        )
        .await,
    )
}

pub async fn post_need(b: &mut Browser<'_>, org: i64, fields: &[(&str, &str)]) -> i64 {
    let author = format!("organisation:{org}");
    let mut form = vec![("author", author.as_str())];
    form.extend_from_slice(fields);
    let r = b.post("/annonces/nouvelle", &form).await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?publiee=1"), "{location}");
    location
        .trim_start_matches("/annonces/")
        .trim_end_matches("?publiee=1")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn judged_needs_find_their_partners_with_precision_at_5_of_at_least_0_8() {
    let app = spawn_app(Backend::Sqlite).await;
    let ids = load_firms(&app).await;
    let (org, mut b) = buyer(&app).await;
    let names: HashMap<i64, &str> = ids.iter().map(|(k, v)| (*v, *k)).collect();
    let mut total = 0.0;
    let mut report = Vec::new();
    for (title, description, naf, commune, radius, certs, relevant) in NEEDS {
        let id = post_need(
            &mut b,
            org,
            &[
                ("kind", "supplier"),
                ("title", title),
                ("description", description),
                ("naf_codes", naf),
                ("commune", commune),
                ("radius_km", radius),
                ("certifications", certs),
                ("visibility", "members"),
            ],
        )
        .await;
        let (status, matches) = {
            let r = b
                .app
                .client
                .get(b.app.url(&format!("/api/v1/needs/{id}/matches")))
                .header("Cookie", b.cookie.clone().unwrap())
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap(),
            )
        };
        assert_eq!(status, 200, "{matches}");
        let top: Vec<&str> = matches
            .as_array()
            .unwrap()
            .iter()
            .take(5)
            .map(|m| {
                names
                    .get(&m["organisation_id"].as_i64().unwrap())
                    .copied()
                    .unwrap_or("?")
            })
            .collect();
        let hits = top.iter().filter(|k| relevant.contains(k)).count();
        let precision = hits as f64 / relevant.len().min(5) as f64;
        total += precision;
        report.push(format!("{title}: {precision:.2} {top:?}"));
        // Every suggestion says why, and the first one's reasons are concrete.
        let first = &matches[0];
        assert!(!first["explanation"].as_array().unwrap().is_empty());
        assert!(first["score"].as_f64().unwrap() > 0.0);
    }
    let mean = total / NEEDS.len() as f64;
    eprintln!(
        "precision@5 over {} judged needs: {mean:.3}\n{}",
        NEEDS.len(),
        report.join("\n")
    );
    assert!(
        mean >= 0.8,
        "precision@5 = {mean:.3}\n{}",
        report.join("\n")
    );
}

async fn an_anonymous_author_stays_hidden_until_they_accept_and_the_journey_completes(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let ids = load_firms(&app).await;
    let (org, mut a) = buyer(&app).await;
    let author_name: String = {
        #[derive(sea_orm::FromQueryResult)]
        struct N {
            name: String,
        }
        server::db::fetch_optional::<N>(
            &app.db,
            "SELECT name FROM organisation WHERE id = ?",
            vec![org.into()],
        )
        .await
        .unwrap()
        .unwrap()
        .name
    };
    let firm = ids["arve-titane"];
    let mut b = person(
        &app,
        "b@arve-titane.fr",
        Scope::Organisation(firm),
        Role::Member,
    )
    .await;
    let need = post_need(
        &mut a,
        org,
        &[
            ("kind", "supplier"),
            ("title", "Usinage 5 axes de pièces en titane"),
            ("description", "Pièces de structure, 200 par an"),
            ("naf_codes", "25.62B"),
            ("commune", "74081"),
            ("radius_km", "60"),
            ("certifications", "EN 9100"),
            ("visibility", "anonymous"),
        ],
    )
    .await;
    // B sees the annonce among those its firm could answer, without the author.
    let (_, page) = b.get("/annonces").await;
    assert!(
        page.contains("data-testid=\"needs-for-me\""),
        "no suggestion for B"
    );
    // The reasons given to B do not locate the anonymous author (no distance, no territory).
    let start = page.find("data-testid=\"needs-for-me\"").unwrap();
    let section = &page[start..start + page[start..].find("</ul>").unwrap()];
    assert!(
        !section.contains(" km")
            && !section.contains("même Territoire")
            && !section.contains("même région"),
        "{section}"
    );
    let (_, page) = b.get(&format!("/annonces/{need}")).await;
    assert!(
        !page.contains(&author_name),
        "the anonymous author shows on the page"
    );
    let r = b
        .app
        .client
        .get(b.app.url(&format!("/api/v1/needs/{need}")))
        .header("Cookie", b.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        !body.contains(&author_name) && !body.contains(&format!("organisation:{org}")),
        "{body}"
    );
    assert!(!body.contains("\"author\":{"), "{body}");
    let r = b
        .app
        .client
        .get(b.app.url("/api/v1/search?q=titane&kind=need"))
        .header("Cookie", b.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    let search = r.text().await.unwrap();
    assert!(!search.contains(&author_name), "{search}");
    let (_, list) = b.get("/annonces").await;
    assert!(!list.contains(&author_name));
    // Others may not read its matches.
    let r = b
        .app
        .client
        .get(b.app.url(&format!("/api/v1/needs/{need}/matches")))
        .header("Cookie", b.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    // A request without a message comes back in place.
    let r = b
        .post(
            &format!("/annonces/{need}/contact"),
            &[("as", &firm.to_string()), ("target", ""), ("message", "  ")],
        )
        .await;
    assert_refused(r, app::error::Problem::MessageRequired).await;
    // B asks; A accepts; both see each other's details; B concludes.
    let r = b
        .post(
            &format!("/annonces/{need}/contact"),
            &[
                ("as", &firm.to_string()),
                (
                    "message",
                    "Nous usinons le titane en 5 axes, certifiés EN 9100.",
                ),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/annonces/{need}?demande=1&prevenus=1")
    );
    let r = b
        .post(
            &format!("/annonces/{need}/contact"),
            &[("as", &firm.to_string()), ("message", "Encore")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "asked twice while open");
    let interest = app.count("SELECT MAX(id) AS n FROM interest").await;
    let (_, inbox) = b.get("/mises-en-relation").await;
    assert!(!inbox.contains(&author_name), "revealed before acceptance");
    let r = b
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "accept")],
        )
        .await;
    crate::helpers::assert_not_allowed(r).await;
    let r = a
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "accept")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/mises-en-relation?fait=accept&prevenus=1"
    );
    let (_, inbox) = b.get("/mises-en-relation").await;
    assert!(
        inbox.contains(&author_name),
        "the accepted party sees the author"
    );
    assert!(inbox.contains("acheteur@example.fr") && inbox.contains("b@arve-titane.fr"));
    let (_, seen_by_a) = a.get("/mises-en-relation").await;
    assert!(seen_by_a.contains("b@arve-titane.fr"));
    let r = b
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "concluded")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/mises-en-relation?fait=concluded&prevenus=1"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM interest WHERE id = {interest} AND status = 'concluded'"
        ))
        .await,
        1
    );
    // Mail at each step: A told of the request and the conclusion, B of the acceptance.
    #[derive(sea_orm::FromQueryResult)]
    struct Mail {
        to_email: String,
        subject: String,
    }
    let mails: Vec<Mail> = server::db::fetch_all(
        &app.db,
        "SELECT to_email, subject FROM outbox WHERE kind = 'matches' ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    let to = |who: &str| mails.iter().filter(|m| m.to_email == who).count();
    assert_eq!(to("acheteur@example.fr"), 2);
    assert_eq!(to("b@arve-titane.fr"), 1);
    // The request mail to A names B; no mail to B named A before acceptance.
    assert!(mails.iter().all(|m| m.to_email != "b@arve-titane.fr"
        || m.subject.contains(&author_name)
        || !m.subject.contains("demande")));
}

crate::on_both_backends!(
    an_anonymous_author_stays_hidden_until_they_accept_and_the_journey_completes
);

#[tokio::test]
async fn bad_annonces_are_refused_field_by_field_and_change_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let (org, mut a) = buyer(&app).await;
    let before = app.count("SELECT COUNT(*) AS n FROM need").await;
    let author = format!("organisation:{org}");
    let r = a
        .post(
            "/annonces/nouvelle",
            &[
                ("author", &author),
                ("kind", "supplier"),
                ("title", "Usinage"),
                ("naf_codes", "9Z"),
                ("visibility", "members"),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::NafInvalid).await;
    let r = a
        .post(
            "/annonces/nouvelle",
            &[
                ("author", "organisation:999999"),
                ("kind", "supplier"),
                ("title", "Usinage de pièces"),
                ("visibility", "members"),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::AuthorNotYours).await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM need").await, before);
    // The API needs a bearer token and names each bad field.
    // Without a token the request is refused (the origin check refuses a cookie-less POST
    // before authentication does).
    let r = app.client.post(app.url("/api/v1/needs")).json(&serde_json::json!({"author": author, "kind": "supplier", "title": "Usinage de pièces", "visibility": "members"})).send().await.unwrap();
    assert!([401, 403].contains(&r.status().as_u16()), "{}", r.status());
    let accounts = AccountsService::new(app.db.clone(), app.config.public_url.clone());
    let token = accounts
        .create_api_token_for(
            "acheteur@example.fr",
            "tests",
            app::domain::policy::TokenScope::Write,
            90,
        )
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/v1/needs"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"author": author, "kind": "supplier", "title": "ab", "visibility": "secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("title") && body.contains("visibility"),
        "{body}"
    );
    let r = app
        .client
        .post(app.url("/api/v1/needs"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"author": author, "kind": "capacity", "title": "Capacité d'usinage disponible", "naf_codes": "25.62B", "visibility": "public"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, need) = app.get_json(&format!("/api/v1/needs/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(need["kind"], "capacity");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM need").await,
        before + 1
    );
}

#[tokio::test]
async fn an_annonce_edited_keeps_its_commune_and_names_its_sub_class() {
    let app = spawn_app(Backend::Sqlite).await;
    let (org, mut buyer) = buyer(&app).await;
    let need = post_need(
        &mut buyer,
        org,
        &[
            ("kind", "supplier"),
            ("title", "Traitement de surface de pièces en inox"),
            ("naf_codes", "25.61Z 25.62A"),
            ("commune", "Thyez"),
            ("visibility", "public"),
        ],
    )
    .await;
    // Each code with its own label, not its division's.
    let (_, page) = buyer.get(&format!("/annonces/{need}")).await;
    assert!(
        page.contains("25.61Z Traitement et revêtement des métaux"),
        "{page}"
    );
    assert!(page.contains("25.62A Décolletage"));
    // The edit form shows the commune by a name that reads back as that very commune.
    let (_, form) = buyer.get(&format!("/annonces/{need}/modifier")).await;
    assert!(form.contains("value=\"Thyez (74)\""), "{form}");
    let r = buyer
        .post(
            &format!("/annonces/{need}/modifier"),
            &[
                ("author", &format!("organisation:{org}")),
                ("kind", "supplier"),
                ("title", "Traitement de surface de pièces en inox 316L"),
                ("naf_codes", "25.61Z 25.62A"),
                ("commune", "Thyez (74)"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/annonces/{need}?modifiee=1")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM need WHERE id = {need} AND commune_insee = '74278'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn offers_find_needs_and_land_needs_find_land_sites() {
    let app = spawn_app(Backend::Sqlite).await;
    let ids = load_firms(&app).await;
    let (org, mut buyer) = buyer(&app).await;
    let firm = ids["cluses-decol"];
    let mut seller = person(
        &app,
        "vente@decolletage.fr",
        Scope::Organisation(firm),
        Role::Admin,
    )
    .await;
    post_need(
        &mut buyer,
        org,
        &[
            ("kind", "supplier"),
            ("title", "Décolletage de pièces en laiton"),
            ("naf_codes", "25.62A"),
            ("commune", "74169"),
            ("radius_km", "50"),
            ("visibility", "public"),
        ],
    )
    .await;
    let offer = post_need(
        &mut seller,
        firm,
        &[
            ("kind", "capacity"),
            ("title", "Capacité de décolletage disponible"),
            ("description", "Tours multibroches libres, laiton et inox"),
            ("naf_codes", "25.62A"),
            ("visibility", "public"),
        ],
    )
    .await;
    let (_, page) = seller.get(&format!("/annonces/{offer}")).await;
    assert!(
        page.contains("data-testid=\"needs-for-offer\""),
        "no need suggested for the offer"
    );
    assert!(page.contains("Décolletage de pièces en laiton"));

    // A land site of 6 ha, available and turnkey, near Cluses; a land need of 5 ha finds it.
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO land_site (reference, name, commune_insee, area_ha, available_from, status, turnkey, zoning, \
             icpe_compatible, seveso_compatible, rail_access, port_access, motorway_access, description, is_demo, created_at, updated_at) \
             VALUES ('T-1', 'Zone des Grandes Îles', '74169', 6.0, '', 'available', ?, 'UX', ?, ?, ?, ?, ?, '', ?, 0, 0)",
            vec![true.into(), true.into(), false.into(), false.into(), false.into(), true.into(), false.into()],
        ),
    )
    .await
    .unwrap();
    let need = post_need(
        &mut buyer,
        org,
        &[
            ("kind", "land"),
            ("title", "Terrain de 5 hectares pour une usine"),
            ("commune", "74081"),
            ("radius_km", "30"),
            ("land_area_ha", "5"),
            ("visibility", "members"),
        ],
    )
    .await;
    let (_, page) = buyer.get(&format!("/annonces/{need}")).await;
    assert!(
        page.contains("data-testid=\"land-matches\""),
        "no land site suggested"
    );
    assert!(page.contains("Zone des Grandes Îles") && page.contains("clés en main"));
}

async fn a_firm_is_asked_for_contact_from_its_page_and_the_contact_takes_the_same_steps(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let ids = load_firms(&app).await;
    let (pole, mut a) = buyer(&app).await;
    let firm = ids["arve-titane"];
    let mut b = person(
        &app,
        "b@arve-titane.fr",
        Scope::Organisation(firm),
        Role::Member,
    )
    .await;
    let page = format!("/organisations/{firm}");
    let action = format!("{page}/contact");

    // A visitor is offered to sign in and come back here; a member of that firm gets no form.
    let (_, visitor) = Browser::new(&app).get(&page).await;
    assert!(visitor.contains("data-testid=\"contact-sign-in\""));
    assert!(
        visitor.contains(&format!("/connexion?suite=%2Forganisations%2F{firm}")),
        "the sign-in link comes back to the firm"
    );
    let (_, own) = b.get(&page).await;
    assert!(own.contains("data-testid=\"contact-no-organisation\""));
    let (_, asker) = a.get(&page).await;
    assert!(asker.contains("data-testid=\"contact-form\""));

    // Refused: each problem beside its field, the message as typed, nothing recorded.
    let pole_id = pole.to_string();
    let r = a
        .post(
            &action,
            &[
                ("as", pole_id.as_str()),
                ("subject", "ab"),
                ("message", "Bonjour, pièces en titane ?"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let refused = r.text().await.unwrap().replace("&#x27;", "'");
    assert!(
        refused.contains("Bonjour, pièces en titane ?"),
        "the message is lost"
    );
    assert!(refused.contains("id=\"oc-subject-error\""));
    let long = "x".repeat(201);
    let r = a
        .post(
            &action,
            &[
                ("as", pole_id.as_str()),
                ("subject", &long),
                ("message", "Bonjour"),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::TitleTooLong).await;
    let r = a
        .post(
            &action,
            &[
                ("as", pole_id.as_str()),
                ("subject", "Titane"),
                ("message", "  "),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::MessageRequired).await;
    // In another organisation's name, or to a district: not theirs to send.
    let other = ids["marnaz-aero"].to_string();
    let r = a
        .post(
            &action,
            &[
                ("as", other.as_str()),
                ("subject", "Titane"),
                ("message", "Bonjour"),
            ],
        )
        .await;
    crate::helpers::assert_not_allowed(r).await;
    let district = app
        .count("SELECT id FROM organisation WHERE kind = 'district' ORDER BY id LIMIT 1")
        .await;
    let r = a
        .post(
            &format!("/organisations/{district}/contact"),
            &[
                ("as", pole_id.as_str()),
                ("subject", "Titane"),
                ("message", "Bonjour"),
            ],
        )
        .await;
    crate::helpers::assert_not_allowed(r).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM interest").await, 0);

    // Asked: the firm's one member is told, by mail, with the subject.
    let subject = "Pièces de structure en titane, 200 par an";
    let ask = [
        ("as", pole_id.as_str()),
        ("subject", subject),
        ("message", "Pourriez-vous nous faire une offre ?"),
    ];
    let r = a.post(&action, &ask).await;
    assert_eq!(
        r.headers()["location"],
        format!("{page}?demande=1&prevenus=1")
    );
    let r = a.post(&action, &ask).await;
    assert_eq!(r.status().as_u16(), 409, "asked twice while open");
    let interest = app.count("SELECT MAX(id) AS n FROM interest").await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM interest WHERE id = {interest} AND need_id IS NULL \
             AND subject = '{}'",
            subject.replace('\'', "''")
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox WHERE to_email = 'b@arve-titane.fr' AND kind = 'matches'"
        )
        .await,
        1
    );
    // The firm's inbox names it, links to the firm's page, and accepting tells the asker.
    let (_, inbox) = b.get("/mises-en-relation").await;
    assert!(inbox.contains(subject), "the subject is not in the inbox");
    assert!(inbox.contains(&format!("href=\"{page}\"")));
    // Declining needs a reason: refused beside the field of that contact.
    let r = b
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "decline"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains(&format!("id=\"r-{interest}-error\"")));
    let r = b
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "accept")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/mises-en-relation?fait=accept&prevenus=1"
    );
    let (_, seen_by_a) = a.get("/mises-en-relation").await;
    assert!(
        seen_by_a.contains("b@arve-titane.fr"),
        "the details are not shared"
    );
    // Concluded, a new request may be made.
    let r = a
        .post(
            &format!("/mises-en-relation/{interest}"),
            &[("action", "concluded")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/mises-en-relation?fait=concluded&prevenus=1"
    );
    let r = a.post(&action, &ask).await;
    assert_eq!(r.status().as_u16(), 303);
    // The schema holds the rule too: a contact is about an annonce or has a subject.
    let orphan = format!(
        "INSERT INTO interest (need_id, subject, from_kind, from_id, to_kind, to_id, user_id, \
         message, status, reason, created_at) VALUES (NULL, '', 'organisation', '{pole}', \
         'organisation', '{firm}', 1, 'x', 'requested', '', 0)"
    );
    assert!(app.db.execute_unprepared(&orphan).await.is_err());
}

crate::on_both_backends!(
    a_firm_is_asked_for_contact_from_its_page_and_the_contact_takes_the_same_steps
);
