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
    server::cli::demo::run(
        &app.db,
        server::cli::demo::DemoArgs {
            firms: 2_000,
            sheets: 200,
            seed: 3,
            if_empty: false,
        },
    )
    .await
    .unwrap();
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
