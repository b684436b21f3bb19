//! Scorecards through the real server: for the national delegation (who sees every amount),
//! the nation's figures equal the sums of the generated records, the regions add up to the
//! nation and a region's own territories to the region, and each interregional territory
//! counts in its lead region and is listed apart in the others. The expected sums are computed
//! here from the rows as written (the territory's own region code, the communes' regions),
//! not with the product's queries. A visitor sees no confidential amount in any cell.

use crate::helpers::{person, spawn_app, write_token, Backend, TestApp};
use crate::on_both_backends;
use app::domain::policy::{Role, Scope};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A small reproducible generator (the test's own records).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

#[derive(FromQueryResult)]
struct TerritoryRow {
    id: String,
    region_code: String,
}

#[derive(FromQueryResult)]
struct SpanRow {
    territory_id: String,
    region_code: String,
}

#[derive(FromQueryResult)]
struct LineRow {
    territory_id: String,
    status: String,
    requested: i64,
    committed: i64,
    paid: i64,
}

#[derive(FromQueryResult)]
struct SheetRow {
    territory_id: String,
    status: String,
}

#[derive(FromQueryResult)]
struct ValueRow {
    territory_id: String,
    status: String,
    indicator_id: i64,
    measured_on: i64,
    value: f64,
}

#[derive(FromQueryResult)]
struct ContactRow {
    territory_id: String,
    status: String,
}

#[derive(FromQueryResult)]
struct ProposalRow {
    territory_id: String,
    submitted_at: Option<i64>,
}

/// The demonstration data: 2,000 firms and `sheets` fiches.
async fn demo(app: &TestApp, sheets: u64, seed: u64) {
    server::cli::demo::run(
        &app.db,
        server::cli::demo::DemoArgs {
            firms: 2_000,
            sheets,
            seed,
            if_empty: false,
        },
    )
    .await
    .unwrap();
}

async fn rows<T: FromQueryResult>(app: &TestApp, sql: &str) -> Vec<T> {
    server::db::fetch_all::<T>(&app.db, sql, vec![])
        .await
        .unwrap()
}

async fn insert_id(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    server::db::fetch_optional::<Id>(&app.db, sql, values)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The figures a scorecard should show, summed here.
#[derive(Debug, Default, Clone, PartialEq)]
struct Expected {
    sheets: i64,
    requested: i64,
    committed: i64,
    paid: i64,
    jobs_created: i64,
    contacts: i64,
    partnerships: i64,
    exchanges: i64,
    proposals_sent: i64,
}

impl Expected {
    fn add(&mut self, o: &Expected) {
        self.sheets += o.sheets;
        self.requested += o.requested;
        self.committed += o.committed;
        self.paid += o.paid;
        self.jobs_created += o.jobs_created;
        self.contacts += o.contacts;
        self.partnerships += o.partnerships;
        self.exchanges += o.exchanges;
        self.proposals_sent += o.proposals_sent;
    }

    fn of(f: &Value) -> Expected {
        let n = |k: &str| {
            f[k].as_f64()
                .unwrap_or_else(|| panic!("{k} is a number: {f}"))
                .round() as i64
        };
        Expected {
            sheets: n("sheets"),
            requested: n("requested"),
            committed: n("committed"),
            paid: n("paid"),
            jobs_created: n("jobs_created"),
            contacts: n("contacts_requested"),
            partnerships: n("partnerships"),
            exchanges: n("exchanges"),
            proposals_sent: n("proposals_sent"),
        }
    }
}

/// Writes, besides the demonstration data, fiches in every interregional territory (one
/// carried by a firm), contacts between firms and exchanges with districts.
async fn generate(app: &TestApp, spans: &[SpanRow]) {
    let mut rng = Lcg(20);
    let interregional: BTreeSet<&str> = spans.iter().map(|s| s.territory_id.as_str()).collect();
    let firms: Vec<Id> = rows(
        app,
        "SELECT o.id FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
         WHERE o.kind = 'firm' AND c.territory_id IS NOT NULL ORDER BY o.id LIMIT 40",
    )
    .await;
    assert!(firms.len() >= 10, "demo firms in territories");
    let now = 1_780_000_000i64;
    for (k, t) in interregional.iter().enumerate() {
        for j in 0..2 {
            let porteur = (j == 0).then(|| firms[k % firms.len()].id);
            let sheet = insert_id(
                app,
                "INSERT INTO action_sheet (territory_id, title, axis, porteur_kind, porteur_org_id, \
                 maturity, description, expected_results, status, created_at, updated_at) \
                 VALUES (?, 'Plateforme logistique partagée', 'attirer', ?, ?, 'operation', \
                 'Un entrepôt mutualisé.', '', 'in_progress', ?, ?) RETURNING id",
                vec![
                    (*t).into(),
                    if porteur.is_some() { "organisation" } else { "territory" }.into(),
                    porteur.into(),
                    now.into(),
                    now.into(),
                ],
            )
            .await;
            let requested = 10_000 * (1 + rng.below(50) as i64);
            let committed = requested / 2;
            app.db
                .execute_unprepared(&format!(
                    "INSERT INTO action_sheet_line (sheet_id, funder_kind, funder_ref, instrument, \
                     requested, committed, paid, committed_on, created_at) VALUES \
                     ({sheet}, 'state', '11', 'dsil', {requested}, {committed}, {}, {now}, {now})",
                    committed / 3
                ))
                .await
                .unwrap();
            let indicator = insert_id(
                app,
                "INSERT INTO action_sheet_indicator (sheet_id, code, label, unit, baseline, target, \
                 created_at) VALUES (?, 'emplois_crees', '', '', 0, 20, ?) RETURNING id",
                vec![sheet.into(), now.into()],
            )
            .await;
            for (day, value) in [(0, 4.0), (90, 9.0 + rng.below(5) as f64)] {
                app.db
                    .execute_unprepared(&format!(
                        "INSERT INTO action_sheet_value (indicator_id, measured_on, value, \
                         recorded_at) VALUES ({indicator}, {}, {value}, {now})",
                        now + day * 86_400
                    ))
                    .await
                    .unwrap();
            }
        }
    }
    let user = insert_id(app, "SELECT MIN(id) AS id FROM user_account", vec![]).await;
    for i in 0..30 {
        let (from, to) = (&firms[i % firms.len()], &firms[(i + 7) % firms.len()]);
        let status = ["requested", "discussion", "concluded", "not_concluded"][i % 4];
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO interest (subject, from_kind, from_id, to_kind, to_id, user_id, \
                 message, status, reason, created_at, closed_at) VALUES ('Sous-traitance', \
                 'organisation', '{}', 'organisation', '{}', {user}, '', '{status}', '', {now}, {})",
                from.id,
                to.id,
                if status == "concluded" { now.to_string() } else { "NULL".into() }
            ))
            .await
            .unwrap();
    }
    let district = insert_id(
        app,
        "SELECT MIN(id) AS id FROM organisation WHERE kind = 'district'",
        vec![],
    )
    .await;
    for (i, t) in interregional
        .iter()
        .chain(["ti-8422", "ti-8413"].iter())
        .enumerate()
    {
        let status = if i % 3 == 2 { "accepted" } else { "completed" };
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO exchange (from_territory, to_kind, to_id, theme, format, message, \
                 status, created_at, updated_at, reported_at) VALUES ('{t}', 'district', \
                 '{district}', 'skills', 'visit', 'Visite', '{status}', {now}, {now}, {})",
                if status == "completed" {
                    now.to_string()
                } else {
                    "NULL".into()
                }
            ))
            .await
            .unwrap();
    }
}

/// Expected figures per territory, from the rows.
async fn expected(app: &TestApp) -> BTreeMap<String, Expected> {
    let mut out: BTreeMap<String, Expected> = BTreeMap::new();
    for s in rows::<SheetRow>(app, "SELECT territory_id, status FROM action_sheet").await {
        if s.status != "draft" {
            out.entry(s.territory_id).or_default().sheets += 1;
        }
    }
    for l in rows::<LineRow>(
        app,
        "SELECT s.territory_id, s.status, l.requested, l.committed, l.paid \
         FROM action_sheet_line l JOIN action_sheet s ON s.id = l.sheet_id",
    )
    .await
    {
        if l.status != "draft" {
            let e = out.entry(l.territory_id).or_default();
            e.requested += l.requested;
            e.committed += l.committed;
            e.paid += l.paid;
        }
    }
    // The latest value of each "emplois créés" indicator.
    let mut latest: BTreeMap<i64, (String, i64, f64)> = BTreeMap::new();
    for v in rows::<ValueRow>(
        app,
        "SELECT s.territory_id, s.status, v.indicator_id, v.measured_on, v.value \
         FROM action_sheet_value v JOIN action_sheet_indicator i ON i.id = v.indicator_id \
         JOIN action_sheet s ON s.id = i.sheet_id WHERE i.code = 'emplois_crees'",
    )
    .await
    {
        if v.status == "draft" {
            continue;
        }
        let slot = latest
            .entry(v.indicator_id)
            .or_insert((v.territory_id.clone(), i64::MIN, 0.0));
        if v.measured_on >= slot.1 {
            *slot = (v.territory_id, v.measured_on, v.value);
        }
    }
    for (territory, _, value) in latest.into_values() {
        out.entry(territory).or_default().jobs_created += value as i64;
    }
    for c in rows::<ContactRow>(
        app,
        "SELECT c.territory_id, i.status FROM interest i \
         JOIN organisation o ON i.from_kind = 'organisation' AND CAST(o.id AS TEXT) = i.from_id \
         JOIN commune c ON c.insee = o.commune_insee WHERE c.territory_id IS NOT NULL",
    )
    .await
    {
        let e = out.entry(c.territory_id).or_default();
        e.contacts += 1;
        if c.status == "concluded" {
            e.partnerships += 1;
        }
    }
    for x in rows::<SheetRow>(
        app,
        "SELECT from_territory AS territory_id, status FROM exchange",
    )
    .await
    {
        if x.status == "completed" {
            out.entry(x.territory_id).or_default().exchanges += 1;
        }
    }
    for p in rows::<ProposalRow>(
        app,
        "SELECT territory_id, submitted_at FROM proposal WHERE status <> 'draft'",
    )
    .await
    {
        if p.submitted_at.is_some() {
            out.entry(p.territory_id).or_default().proposals_sent += 1;
        }
    }
    out
}

async fn scorecard(app: &TestApp, token: Option<&str>, scope: &str) -> Value {
    let mut r = app
        .client
        .get(app.url(&format!("/api/v1/scorecards?scope={scope}")));
    if let Some(token) = token {
        r = r.header("Authorization", format!("Bearer {token}"));
    }
    let r = r.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{scope}");
    r.json().await.unwrap()
}

async fn regions_add_up_to_the_nation(backend: Backend) {
    let app = spawn_app(backend).await;
    demo(&app, 200, 3).await;
    let territories: Vec<TerritoryRow> =
        rows(&app, "SELECT id, region_code FROM territory ORDER BY id").await;
    let lead: BTreeMap<&str, &str> = territories
        .iter()
        .map(|t| (t.id.as_str(), t.region_code.as_str()))
        .collect();
    // A territory spans a region when one of its communes lies there.
    let spans: Vec<SpanRow> = rows::<SpanRow>(
        &app,
        "SELECT DISTINCT territory_id, region_code FROM commune WHERE territory_id IS NOT NULL",
    )
    .await
    .into_iter()
    .filter(|s| lead.get(s.territory_id.as_str()) != Some(&s.region_code.as_str()))
    .collect();
    assert!(
        spans.len() >= 10,
        "interregional territories: {}",
        spans.len()
    );
    person(
        &app,
        "anct@gouv.fr",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let token = write_token(&app, "anct@gouv.fr").await;
    generate(&app, &spans).await;
    let per_territory = expected(&app).await;
    let mut national = Expected::default();
    let mut per_region: BTreeMap<&str, Expected> = BTreeMap::new();
    for (t, e) in &per_territory {
        national.add(e);
        per_region
            .entry(lead.get(t.as_str()).copied().unwrap_or("?"))
            .or_default()
            .add(e);
    }
    assert!(national.committed > 0 && national.jobs_created > 0 && national.partnerships > 0);

    let nation = scorecard(&app, Some(&token), "national").await;
    assert_eq!(Expected::of(&nation["figures"]), national, "the nation");
    let regions = nation["regions"].as_array().unwrap();
    let mut summed = Expected::default();
    for r in regions {
        summed.add(&Expected::of(&r["figures"]));
    }
    assert_eq!(summed, national, "the regions add up to the nation");
    assert_eq!(
        nation["territories"].as_array().unwrap().len(),
        territories.len()
    );

    for r in regions {
        let code = r["id"].as_str().unwrap();
        let card = scorecard(&app, Some(&token), &format!("region:{code}")).await;
        let own = per_region.get(code).cloned().unwrap_or_default();
        assert_eq!(Expected::of(&card["figures"]), own, "region {code}");
        assert_eq!(
            Expected::of(&r["figures"]),
            own,
            "region {code} in the nation's table"
        );
        let mut summed = Expected::default();
        let listed: BTreeSet<&str> = card["territories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                summed.add(&Expected::of(&t["figures"]));
                t["id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(summed, own, "region {code}: its territories add up to it");
        let led: BTreeSet<&str> = territories
            .iter()
            .filter(|t| t.region_code == code)
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(listed, led, "region {code} counts the territories it leads");
        let apart: BTreeSet<&str> = card["interregional"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        let expected_apart: BTreeSet<&str> = spans
            .iter()
            .filter(|s| s.region_code == code)
            .map(|s| s.territory_id.as_str())
            .collect();
        assert_eq!(
            apart, expected_apart,
            "region {code} lists its interregional territories apart"
        );
        assert!(apart.is_disjoint(&listed));
    }
    // A territory's own scorecard.
    let (some, e) = per_territory
        .iter()
        .find(|(t, e)| e.committed > 0 && spans.iter().any(|s| s.territory_id == **t))
        .unwrap();
    let card = scorecard(&app, Some(&token), &format!("territory:{some}")).await;
    assert_eq!(Expected::of(&card["figures"]), *e, "{some}");
    assert_eq!(
        card["parent"][0].as_str().unwrap(),
        format!("region:{}", lead[some.as_str()])
    );

    // A visitor: no cell reveals a firm's amount. A territory whose only hidden fiche is a
    // firm's reads "secret"; the nation (many firms' fiches) shows its sum.
    let visitor = scorecard(&app, None, "national").await;
    assert_eq!(visitor["every_amount_visible"], false);
    let only_ours: Vec<&str> = spans
        .iter()
        .map(|s| s.territory_id.as_str())
        .filter(|t| per_territory.get(*t).is_some_and(|e| e.sheets == 2))
        .collect();
    assert!(
        !only_ours.is_empty(),
        "interregional territories without demo fiches"
    );
    for t in visitor["territories"].as_array().unwrap() {
        if only_ours.contains(&t["id"].as_str().unwrap()) {
            assert!(
                t["figures"]["committed"].is_null(),
                "one firm's fiche among visible ones stays secret: {t}"
            );
        }
    }
    assert!(visitor["figures"]["committed"].is_i64());

    // Bad scopes and dates are refused by name; unknown places are not found.
    for (query, field) in [
        ("scope=region:8%3B4", "scope"),
        ("scope=national&from=2026-02-30x", "from"),
        ("scope=national&from=2026-05-01&to=2026-01-01", "to"),
    ] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/scorecards?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{query}");
        let body: Value = r.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("{field}:")), "{query}: {body}");
    }
    for scope in ["region:99", "territory:ti-9999"] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/scorecards?scope={scope}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{scope}");
    }
}
on_both_backends!(regions_add_up_to_the_nation);

/// The pages: the nation, a click on a region, then on a territory; the map of "emplois
/// créés" with its legend and its table, in plain HTML.
async fn the_pages_drill_down(backend: Backend) {
    let app = spawn_app(backend).await;
    demo(&app, 120, 1).await;
    let (status, html) = app.get_html("/suivi").await;
    assert_eq!(status, 200);
    for needle in [
        "data-testid=\"key-figures\"",
        "data-testid=\"france-map\"",
        "data-testid=\"map-legend\"",
        "data-testid=\"map-table\"",
        "data-testid=\"regions\"",
        "data-testid=\"axis-chart\"",
        "Emplois créés",
        "href=\"/suivi/regions/84\"",
    ] {
        assert!(html.contains(needle), "/suivi has {needle}");
    }
    let (status, html) = app.get_html("/suivi/regions/84").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/suivi/territoires/ti-8413\""),
        "a link to Oyonnax"
    );
    assert!(html.contains("href=\"/suivi\""), "back to the nation");
    let (status, html) = app
        .get_html("/suivi/territoires/ti-8413?indicateur=montants_engages")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/suivi/regions/84?indicateur=montants_engages\""));
    assert!(html.contains("/recherche?kind=action_sheet&amp;territory=ti-8413"));
    let (status, _) = app.get_html("/suivi/territoires/ti-9999").await;
    assert_eq!(status, 404);
}
on_both_backends!(the_pages_drill_down);

/// The frozen scorecards of an export, as the browser's reader may see them.
async fn exported(b: &crate::helpers::Browser<'_>, path: &str) -> Vec<Value> {
    let (status, body) = b.get(path).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// An evaluation freezes every scorecard: after the records change, the live scorecard moves
/// and the snapshot does not, nor can its rows be changed; the delegation reads the complete
/// view, a visitor the public one; the binôme and the Region write their narratives, others
/// may not; only the delegation opens one, with a valid kind, title and past date.
async fn a_snapshot_does_not_move(backend: Backend) {
    let app = spawn_app(backend).await;
    demo(&app, 120, 1).await;
    let mut anct = person(
        &app,
        "anct@gouv.fr",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let token = write_token(&app, "anct@gouv.fr").await;
    let today = app::domain::text::iso_date(server::db::organisations::now());
    let before = scorecard(&app, Some(&token), "national").await;

    // Refused: a bad kind, a short title, a future date; and anyone but the delegation.
    let r = anct
        .post(
            "/suivi/evaluations",
            &[
                ("kind", "annuelle"),
                ("title", "E"),
                ("taken_on", "2999-01-01"),
            ],
        )
        .await;
    assert!(
        matches!(r.status().as_u16(), 303 | 400),
        "refused with the form again: {}",
        r.status()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM evaluation").await, 0);
    let mut region = person(
        &app,
        "region@ara.fr",
        Some((Scope::Region("84".into()), Role::RegionalCouncil)),
    )
    .await;
    let form = [
        ("kind", "mi_parcours"),
        ("title", "Évaluation à mi-parcours"),
        ("taken_on", today.as_str()),
    ];
    let r = region.post("/suivi/evaluations", &form).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM evaluation").await,
        0,
        "{}",
        r.status()
    );

    let r = anct.post("/suivi/evaluations", &form).await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("ouverte=1"), "{location}");
    let id: i64 = app.count("SELECT MAX(id) FROM evaluation").await;
    let scopes = app
        .count(&format!(
            "SELECT COUNT(*) FROM evaluation_snapshot WHERE evaluation_id = {id} AND view = 'complete'"
        ))
        .await;
    assert_eq!(
        scopes,
        1 + 18 + 183,
        "the nation, the regions, the territories"
    );

    // The frozen scorecards, as the reader may see them (the delegation: complete).
    let export_path = format!("/suivi/evaluations/{id}/export.json");
    let cards: Vec<Value> = exported(&anct, &export_path).await;
    let national = cards
        .iter()
        .find(|c| c["scope"] == "national")
        .unwrap()
        .clone();
    assert_eq!(
        national["figures"], before["figures"],
        "frozen as the live one was"
    );

    // The records change: a new fiche with a committed line, a value of jobs created.
    let sheet = insert_id(
        &app,
        "INSERT INTO action_sheet (territory_id, title, axis, porteur_kind, maturity, description, \
         expected_results, status, created_at, updated_at) VALUES ('ti-8422', 'Halle de \
         formation', 'recruter', 'territory', 'operation', 'Former des soudeurs.', '', \
         'in_progress', 0, 0) RETURNING id",
        vec![],
    )
    .await;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO action_sheet_line (sheet_id, funder_kind, funder_ref, instrument, requested, \
             committed, paid, created_at) VALUES ({sheet}, 'region', '84', 'region', 900000, 700000, 0, 0)"
        ))
        .await
        .unwrap();
    // As every write of a fiche does, in its transaction: the journal names it.
    server::db::organisations::record_change(&app.db, "action_sheet", sheet, "upsert")
        .await
        .unwrap();
    let after = scorecard(&app, Some(&token), "national").await;
    assert_ne!(
        after["figures"]["committed"], before["figures"]["committed"],
        "the live one moves"
    );
    let cards: Vec<Value> = exported(&anct, &export_path).await;
    let again = cards.iter().find(|c| c["scope"] == "national").unwrap();
    assert_eq!(
        again["figures"], national["figures"],
        "the snapshot does not"
    );
    for sql in [
        format!("UPDATE evaluation_snapshot SET payload = '{{}}' WHERE evaluation_id = {id}"),
        format!("DELETE FROM evaluation_snapshot WHERE evaluation_id = {id}"),
    ] {
        assert!(app.db.execute_unprepared(&sql).await.is_err(), "{sql}");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM evaluation_snapshot WHERE evaluation_id = {id}"
        ))
        .await,
        2 * (1 + 18 + 183)
    );

    // A visitor reads the public view: no cell reveals a firm's amount the delegation sees.
    let public: Vec<Value> = exported(&crate::helpers::Browser::new(&app), &export_path).await;
    assert_eq!(public.len(), cards.len());
    assert_eq!(
        public.iter().find(|c| c["scope"] == "national").unwrap()["every_amount_visible"],
        false
    );
    let csv = app
        .client
        .get(app.url(&format!("/suivi/evaluations/{id}/export.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("scope,name,taken_on,fiches,"),
        "{}",
        &csv[..80.min(csv.len())]
    );
    assert_eq!(csv.lines().count(), 1 + 1 + 18 + 183);

    // Narratives: the binôme of the Arve valley on its territory, the Region on it too; a
    // chef de projet may not.
    let mut binome = person(
        &app,
        "elu@arve.fr",
        Some((Scope::Territory("ti-8422".into()), Role::ElectedCoLead)),
    )
    .await;
    let path = format!("/suivi/evaluations/{id}/recits");
    let text = "Le campus des métiers a ouvert ; la pénurie de soudeurs persiste.";
    let r = binome
        .post(
            &path,
            &[
                ("scope", "territory:ti-8422"),
                ("author", "binome"),
                ("body", text),
            ],
        )
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("recit=1"));
    let r = region
        .post(
            &path,
            &[
                ("scope", "territory:ti-8422"),
                ("author", "region"),
                ("body", "Avis de la Région."),
            ],
        )
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("recit=1"));
    let mut chef = person(
        &app,
        "chef@arve.fr",
        Some((Scope::Territory("ti-8422".into()), Role::ProjectManager)),
    )
    .await;
    chef.post(
        &path,
        &[
            ("scope", "territory:ti-8422"),
            ("author", "binome"),
            ("body", "Autre."),
        ],
    )
    .await;
    let too_long = "x".repeat(20_001);
    binome
        .post(
            &path,
            &[
                ("scope", "territory:ti-8422"),
                ("author", "binome"),
                ("body", too_long.as_str()),
            ],
        )
        .await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM evaluation_narrative WHERE evaluation_id = {id}"
        ))
        .await,
        2
    );
    let (status, html) = app
        .get_html(&format!(
            "/suivi/evaluations/{id}?perimetre=territory:ti-8422"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(text) && html.contains("Avis de la Région."));
}
on_both_backends!(a_snapshot_does_not_move);

#[derive(FromQueryResult)]
struct FirmSheet {
    id: i64,
}

/// The open-data export: each dataset with its Table Schema; every CSV checked against its
/// schema here (header, required cells, types), none with a byte-order mark, and no
/// confidential field (a firm's amounts, anyone's address) in any of them.
async fn the_open_data_follow_their_schemas(backend: Backend) {
    let app = spawn_app(backend).await;
    demo(&app, 120, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let written = server::services::open_data::write(
        &app.db,
        &server::clock::Clock::default(),
        "https://maillage.example",
        dir.path(),
    )
    .await
    .unwrap();
    let names: Vec<&str> = written.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "territoires",
            "propositions",
            "pratiques",
            "fiches_actions",
            "tableaux_de_bord"
        ]
    );
    let firm_sheets: BTreeSet<String> = rows::<FirmSheet>(
        &app,
        "SELECT s.id FROM action_sheet s JOIN organisation o ON o.id = s.porteur_org_id \
         WHERE o.kind = 'firm' AND s.status <> 'draft'",
    )
    .await
    .into_iter()
    .map(|r| r.id.to_string())
    .collect();
    assert!(!firm_sheets.is_empty(), "the demo has firms' fiches");
    for (name, count) in &written {
        let bytes = std::fs::read(dir.path().join(format!("{name}.csv"))).unwrap();
        assert!(
            !bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
            "{name}: no byte-order mark"
        );
        let text = String::from_utf8(bytes).expect("UTF-8");
        let schema: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(format!("{name}.schema.json"))).unwrap(),
        )
        .unwrap();
        let fields = schema["fields"].as_array().unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let expected: Vec<String> = fields
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            header, expected,
            "{name}: the header is the schema's fields"
        );
        let mut n = 0;
        for record in reader.records() {
            let record = record.unwrap();
            n += 1;
            assert_eq!(record.len(), fields.len(), "{name} row {n}");
            for (cell, field) in record.iter().zip(fields) {
                let column = field["name"].as_str().unwrap();
                let required = field["constraints"]["required"] == true;
                assert!(!cell.contains('@'), "{name}.{column}: no address ({cell})");
                if cell.is_empty() {
                    assert!(!required, "{name}.{column} row {n} is required");
                    continue;
                }
                let ok = match field["type"].as_str().unwrap() {
                    "integer" => cell.parse::<i64>().is_ok(),
                    "number" => cell.parse::<f64>().is_ok(),
                    "boolean" => cell == "true" || cell == "false",
                    "date" => app::domain::text::from_iso_date(cell).is_some(),
                    "string" => true,
                    other => panic!("{name}.{column}: unknown type {other}"),
                };
                assert!(
                    ok,
                    "{name}.{column} row {n}: {cell:?} is not a {}",
                    field["type"]
                );
            }
            if *name == "fiches_actions" && firm_sheets.contains(&record[0]) {
                assert_eq!(&record[9], "false", "a firm's fiche: amounts not public");
                for i in 10..13 {
                    assert_eq!(&record[i], "", "a firm's amount is not published");
                }
            }
        }
        assert_eq!(n, *count, "{name}: every row written");
    }
    let territories = std::fs::read_to_string(dir.path().join("territoires.csv")).unwrap();
    assert_eq!(territories.lines().count(), 1 + 183);
    assert!(territories.contains("ti-8422,Vallée de l'Arve,84,"));
}
on_both_backends!(the_open_data_follow_their_schemas);

/// An operator reports a quarter through the API; the national delegation's completeness
/// view counts it; a report of someone else's operator, or with bad lines, is refused and
/// changes nothing; a week before the next deadline, those who have not reported are
/// reminded once, by mail.
async fn operators_report_each_quarter(backend: Backend) {
    let app = spawn_app(backend).await;
    let bpi = app
        .count("SELECT id FROM organisation WHERE kind = 'operator' AND name = 'Bpifrance'")
        .await;
    let bdt = app
        .count("SELECT id FROM organisation WHERE kind = 'operator' AND name = 'Banque des Territoires'")
        .await;
    person(
        &app,
        "relais@bpifrance.fr",
        Some((Scope::Organisation(bpi), Role::Member)),
    )
    .await;
    let token = write_token(&app, "relais@bpifrance.fr").await;
    let now = app.clock.now();
    let quarter = app::domain::monitoring::Quarter::of(now).previous();
    let post = |body: Value| {
        let token = token.clone();
        let url = app.url("/api/v1/operator-reports");
        let client = app.client.clone();
        async move {
            client
                .post(url)
                .header("Authorization", format!("Bearer {token}"))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let lines = serde_json::json!([
        {"territory": "ti-8422", "action": "Prêts d'amorçage à trois décolleteurs", "amount": 450000},
        {"territory": "ti-8413", "action": "Diagnostic industrie du futur", "amount": 60000.0},
    ]);
    // Refused: another operator; an unknown territory and an amount too large; a future
    // quarter. Nothing is recorded.
    for (body, status) in [
        (
            serde_json::json!({"reporter": format!("organisation:{bdt}"), "quarter": quarter.code(), "lines": lines}),
            403,
        ),
        (
            serde_json::json!({"reporter": format!("organisation:{bpi}"), "quarter": quarter.code(),
            "lines": [{"territory": "ti-9999", "action": "x", "amount": 2_000_000_000i64}]}),
            400,
        ),
        (
            serde_json::json!({"reporter": format!("organisation:{bpi}"), "quarter": quarter.next().next().code(), "lines": lines}),
            400,
        ),
    ] {
        let r = post(body.clone()).await;
        assert_eq!(r.status().as_u16(), status, "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM operator_report").await, 0);
    let r = post(serde_json::json!({"reporter": format!("organisation:{bpi}"), "quarter": quarter.code(), "lines": lines})).await;
    assert_eq!(r.status().as_u16(), 201);
    // Sent again, it replaces the report: still one, with its two lines.
    let r = post(serde_json::json!({"reporter": format!("organisation:{bpi}"), "quarter": quarter.code(), "lines": lines})).await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(app.count("SELECT COUNT(*) FROM operator_report").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM operator_report_line").await,
        2
    );

    let anct = person(
        &app,
        "anct@gouv.fr",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let (status, html) = anct.get("/suivi/rapports").await;
    assert_eq!(status, 200);
    let cell = format!(
        "data-testid=\"report-organisation:{bpi}-{}\"",
        quarter.code()
    );
    let at = html
        .find(&cell)
        .unwrap_or_else(|| panic!("{cell} in the page"));
    let shown = &html[at..at + 300];
    assert!(shown.contains("2 actions"), "{shown}");
    let missing = format!(
        "data-testid=\"report-organisation:{bdt}-{}\"",
        quarter.code()
    );
    let at = html.find(&missing).unwrap();
    assert!(html[at..at + 200].contains("non reçu"));

    // A week before the deadline of the quarter now running, the reporters who have not
    // reported it are reminded, once.
    let running = app::domain::monitoring::Quarter::of(now);
    let due = running.deadline();
    app.clock.advance(due - 3 * 86_400 - now);
    person(
        &app,
        "region@ara.fr",
        Some((Scope::Region("84".into()), Role::RegionalCouncil)),
    )
    .await;
    let service =
        server::services::monitoring::MonitoringService::new(app.db.clone(), app.clock.clone());
    let reminded = service.remind_reports("http://127.0.0.1").await.unwrap();
    assert!(reminded >= 18, "every operator and region ({reminded})");
    assert_eq!(
        service.remind_reports("http://127.0.0.1").await.unwrap(),
        0,
        "once"
    );
    let mails = app
        .count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'report-reminder-%'")
        .await;
    assert_eq!(
        mails, 2,
        "the Bpifrance relay and the Region's council, each once"
    );
}
on_both_backends!(operators_report_each_quarter);
