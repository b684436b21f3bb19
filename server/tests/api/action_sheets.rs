//! Fiches-actions through the real server: the workflow as documented, by state, role and
//! action; a fiche from its writing to its inscription in an avenant, reviewed by the
//! committees in their sessions; the disclosure of a firm's amounts on every channel (page,
//! API, exports); totals that equal the sums of their lines, or read "secret"; bad input
//! refused without a trace.

use crate::helpers::{person, server_fn_path, spawn_app, write_token, Backend, Browser, TestApp};
use crate::on_both_backends;
use app::domain::action_sheet::{SheetAction, SheetStatus};
use app::domain::policy::{Role, Scope};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::{BTreeMap, BTreeSet};

/// Vallée de l'Arve, in Auvergne-Rhône-Alpes (84).
const ARVE: &str = "ti-8422";
const REGION: &str = "84";

fn territory() -> Scope {
    Scope::Territory(ARVE.to_owned())
}

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

async fn insert_id(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    server::db::fetch_optional::<Id>(&app.db, sql, values)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A firm of the platform, and its id.
async fn firm(app: &TestApp, name: &str) -> i64 {
    insert_id(
        app,
        "INSERT INTO organisation (kind, name, commune_insee, country_code, description, \
         capabilities, certifications, website, email, visibility, is_demo, created_at, \
         updated_at) VALUES ('firm', ?, '74081', 'FR', '', '[]', '[]', '', '', 'public', false, \
         0, 0) RETURNING id",
        vec![name.into()],
    )
    .await
}

/// An operator of the platform by name (migration 000019 loads six).
async fn operator(app: &TestApp, name: &str) -> i64 {
    app.count(&format!(
        "SELECT id FROM organisation WHERE kind = 'operator' AND name = '{name}'"
    ))
    .await
}

/// A fiche of the Arve valley written straight into the database in `status`, complete (a
/// description and one line of the Region), carried by `porteur` (a firm) or the territory.
async fn sheet_in(app: &TestApp, status: &str, porteur: Option<i64>, axis: &str) -> i64 {
    let kind = if porteur.is_some() {
        "organisation"
    } else {
        "territory"
    };
    let id = insert_id(
        app,
        "INSERT INTO action_sheet (territory_id, title, axis, porteur_kind, porteur_org_id, \
         maturity, description, expected_results, status, created_at, updated_at) \
         VALUES (?, 'Campus des métiers', ?, ?, ?, 'etude', 'Un plateau technique partagé.', '', ?, 0, 0) \
         RETURNING id",
        vec![
            ARVE.into(),
            axis.into(),
            kind.into(),
            porteur.into(),
            status.into(),
        ],
    )
    .await;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO action_sheet_line (sheet_id, funder_kind, funder_ref, instrument, \
             requested, committed, paid, created_at) VALUES ({id}, 'region', '{REGION}', 'region', \
             100000, 0, 0, 0)"
        ))
        .await
        .unwrap();
    id
}

/// A line of `funder_kind` (`region`, `state`, `organisation`...) on a fiche.
async fn line(app: &TestApp, sheet: i64, funder: (&str, Option<i64>, &str), amounts: [i64; 3]) {
    app.db
        .execute(server::db::stmt(
            &app.db,
            "INSERT INTO action_sheet_line (sheet_id, funder_kind, funder_org_id, funder_ref, \
             instrument, requested, committed, paid, created_at) VALUES (?, ?, ?, ?, 'autre', ?, ?, ?, 0)",
            vec![
                sheet.into(),
                funder.0.into(),
                funder.1.into(),
                funder.2.into(),
                amounts[0].into(),
                amounts[1].into(),
                amounts[2].into(),
            ],
        ))
        .await
        .unwrap();
}

/// Avenant n° 1 of the Arve valley's contract.
async fn first_avenant(app: &TestApp) {
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO contract_avenant (contract_id, number, title, created_at) \
             SELECT id, 1, 'Premières actions', 0 FROM contract WHERE territory_id = '{ARVE}'"
        ))
        .await
        .unwrap();
}

/// The rows of the documented table: (action, from, who, to).
fn documented() -> Vec<(String, Vec<String>, Vec<String>, String)> {
    let doc = include_str!("../../../docs/action-sheet-workflow.md");
    app::domain::workflow::documented_rows(doc, "sheet")
        .into_iter()
        .map(|r| (r.0, r.1, r.2, r.3))
        .collect()
}

/// A fiche's status and its number of timeline entries.
async fn footprint(app: &TestApp, id: i64) -> (String, i64) {
    #[derive(FromQueryResult)]
    struct S {
        status: String,
    }
    let s: S = server::db::fetch_optional(
        &app.db,
        "SELECT status FROM action_sheet WHERE id = ?",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap();
    let events = app
        .count(&format!(
            "SELECT COUNT(*) FROM action_sheet_event WHERE sheet_id = {id}"
        ))
        .await;
    (s.status, events)
}

async fn every_state_role_and_action_follows_the_documented_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let firm = firm(&app, "Décolletage Arve").await;
    first_avenant(&app).await;
    // Each person, with the roles of the document they hold towards the fiches.
    let people: Vec<(&str, Option<Browser<'_>>, &[&str])> = vec![
        (
            "elected_colead",
            Some(
                person(
                    &app,
                    "elu@arve.fr",
                    Some((territory(), Role::ElectedCoLead)),
                )
                .await,
            ),
            &["co_lead", "local_committee"],
        ),
        (
            "industrial_colead",
            Some(
                person(
                    &app,
                    "indus@arve.fr",
                    Some((territory(), Role::IndustrialCoLead)),
                )
                .await,
            ),
            &["co_lead", "local_committee"],
        ),
        (
            "project_manager",
            Some(
                person(
                    &app,
                    "chef@arve.fr",
                    Some((territory(), Role::ProjectManager)),
                )
                .await,
            ),
            &["project_manager", "local_committee"],
        ),
        (
            "team_member",
            Some(
                person(
                    &app,
                    "equipe@arve.fr",
                    Some((territory(), Role::TeamMember)),
                )
                .await,
            ),
            &["team_member"],
        ),
        (
            "state_referent",
            Some(
                person(
                    &app,
                    "etat@arve.fr",
                    Some((territory(), Role::StateReferent)),
                )
                .await,
            ),
            &[],
        ),
        (
            "porteur",
            Some(
                person(
                    &app,
                    "dir@decolletage.fr",
                    Some((Scope::Organisation(firm), Role::Member)),
                )
                .await,
            ),
            &["porteur"],
        ),
        (
            "regional_council",
            Some(
                person(
                    &app,
                    "region@ara.fr",
                    Some((Scope::Region(REGION.into()), Role::RegionalCouncil)),
                )
                .await,
            ),
            &["regional_committee"],
        ),
        (
            "prefecture",
            Some(
                person(
                    &app,
                    "prefet@ara.fr",
                    Some((Scope::Region(REGION.into()), Role::RegionalState)),
                )
                .await,
            ),
            &["regional_committee"],
        ),
        (
            "other_region",
            Some(
                person(
                    &app,
                    "region@occitanie.fr",
                    Some((Scope::Region("76".into()), Role::RegionalCouncil)),
                )
                .await,
            ),
            &[],
        ),
        (
            "national_delegation",
            Some(
                person(
                    &app,
                    "anct@gouv.fr",
                    Some((Scope::National, Role::NationalDelegation)),
                )
                .await,
            ),
            &[],
        ),
        (
            "platform_admin",
            Some(
                person(
                    &app,
                    "admin@maillage.fr",
                    Some((Scope::Platform, Role::PlatformAdmin)),
                )
                .await,
            ),
            &[],
        ),
        (
            "member",
            Some(person(&app, "quidam@exemple.fr", None).await),
            &[],
        ),
        ("anonymous", None, &[]),
    ];
    let table = documented();
    let (mut allowed, mut refused, mut failures) = (0, 0, Vec::new());
    for status in SheetStatus::ALL {
        for (name, browser, roles) in &people {
            for action in SheetAction::ALL {
                let row = table.iter().find(|r| r.0 == action.code()).unwrap();
                let expected = row.1.iter().any(|s| s == status.code())
                    && row.2.iter().any(|r| roles.contains(&r.as_str()));
                let id = sheet_in(&app, status.code(), Some(firm), "recruter").await;
                // What each documented case needs besides role and state: a seat left to sign
                // for a co-signature, both signatures for a presentation.
                if *action != SheetAction::Cosign {
                    app.db
                        .execute_unprepared(&format!(
                            "UPDATE action_sheet SET signed_elected = 0, signed_industrial = 0 WHERE id = {id}"
                        ))
                        .await
                        .unwrap();
                }
                let before = footprint(&app, id).await;
                let form = [
                    ("action", action.code()),
                    ("stance", "reserved"),
                    ("support", "both"),
                    ("reason", "Motifs exposés en séance."),
                    ("avenant", "1"),
                ];
                let path = format!("/fiches/{id}/etapes");
                let mut b = match browser {
                    Some(b) => Browser {
                        app: b.app,
                        cookie: b.cookie.clone(),
                    },
                    None => Browser::new(&app),
                };
                // A server too busy for the moment (503) or pausing a sender (429) has judged
                // nothing: the same request is sent again after its pause.
                let mut r = b.post(&path, &form).await;
                for _ in 0..5 {
                    if !matches!(r.status().as_u16(), 429 | 503) {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    r = b.post(&path, &form).await;
                }
                let code = r.status().as_u16();
                let location = r
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let location = if location.is_empty() {
                    format!(
                        "{code} {}",
                        r.text()
                            .await
                            .unwrap_or_default()
                            .chars()
                            .take(300)
                            .collect::<String>()
                    )
                } else {
                    location
                };
                let after = footprint(&app, id).await;
                let case = format!("{} / {name} / {}", status.code(), action.code());
                if expected {
                    allowed += 1;
                    if !location.contains("etape=1") || after.0 != row.3 || after.1 != before.1 + 1
                    {
                        failures.push(format!(
                            "{case}: should succeed to {}, got {location:?} {:?}",
                            row.3, after
                        ));
                    }
                } else {
                    refused += 1;
                    if location.contains("etape=") || after != before {
                        failures.push(format!(
                            "{case}: should be refused and change nothing, got {location:?} {after:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        allowed + refused,
        SheetStatus::ALL.len() * people.len() * SheetAction::ALL.len()
    );
    assert!(
        allowed > 40,
        "the matrix exercises the allowed steps ({allowed})"
    );
}
on_both_backends!(every_state_role_and_action_follows_the_documented_table);

/// Posts a form and returns where it led.
async fn posted(b: &mut Browser<'_>, path: &str, form: &[(&str, &str)]) -> String {
    let r = b.post(path, form).await;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if status != 303 {
        let body = r.text().await.unwrap_or_default();
        panic!("{path}: {status}\n{body}");
    }
    location
}

fn number_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['?', '/']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

async fn a_fiche_is_written_reviewed_by_both_committees_and_inscribed(backend: Backend) {
    let app = spawn_app(backend).await;
    let firm = firm(&app, "Décolletage Arve").await;
    let bpi = operator(&app, "Bpifrance").await;
    let mut chef = person(
        &app,
        "chef@arve.fr",
        Some((territory(), Role::ProjectManager)),
    )
    .await;
    let mut elu = person(
        &app,
        "elu@arve.fr",
        Some((territory(), Role::ElectedCoLead)),
    )
    .await;
    let mut indus = person(
        &app,
        "indus@arve.fr",
        Some((territory(), Role::IndustrialCoLead)),
    )
    .await;
    let mut region = person(
        &app,
        "region@ara.fr",
        Some((Scope::Region(REGION.into()), Role::RegionalCouncil)),
    )
    .await;
    let mut porteur = person(
        &app,
        "dir@decolletage.fr",
        Some((Scope::Organisation(firm), Role::Admin)),
    )
    .await;
    // The chef de projet writes it from the form.
    let firm_id = firm.to_string();
    let location = posted(
        &mut chef,
        "/fiches",
        &[
            ("territory", ARVE),
            ("title", "Robotisation d'une ligne de décolletage"),
            ("axis", "innover"),
            ("theme_innovation", "1"),
            ("porteur_kind", "organisation"),
            ("porteur_organisation", &firm_id),
            ("porteur_epci", ""),
            ("partners", ""),
            ("collective", "individual"),
            ("maturity", "operation"),
            (
                "description",
                "Une cellule robotisée et la formation de ses opérateurs.",
            ),
            ("expected_results", "12 emplois maintenus."),
            ("schedule", "2027"),
            ("proposal", ""),
        ],
    )
    .await;
    let id = number_after(&location, "/fiches/");
    assert!(location.ends_with("?cree=1"), "{location}");
    // Two funders: the Region and Bpifrance.
    let bpi_key = format!("organisation:{bpi}");
    let region_key = format!("region:{REGION}");
    for (funder, instrument, requested) in [
        (region_key.as_str(), "region", "150 000"),
        (bpi_key.as_str(), "bpifrance", "250000"),
    ] {
        let l = posted(
            &mut chef,
            &format!("/fiches/{id}/lignes"),
            &[
                ("funder", funder),
                ("instrument", instrument),
                ("requested", requested),
                ("committed", ""),
                ("paid", ""),
                ("requested_on", "2027-01-15"),
                ("committed_on", ""),
                ("paid_on", ""),
            ],
        )
        .await;
        assert!(l.ends_with("?ligne=1"), "{l}");
    }
    // Presenting needs both signatures.
    let step = format!("/fiches/{id}/etapes");
    let l = chef.post(&step, &[("action", "present_local")]).await;
    assert_eq!(l.status().as_u16(), 409);
    for b in [&mut elu, &mut indus] {
        assert!(posted(b, &step, &[("action", "cosign")])
            .await
            .contains("etape=1"));
    }
    assert!(posted(&mut chef, &step, &[("action", "present_local")])
        .await
        .contains("etape=1"));
    // The comité de projet local gives its opinion in a session.
    let local = app
        .count(&format!(
            "SELECT id FROM committee WHERE kind = 'local_project' AND scope_id = '{ARVE}'"
        ))
        .await;
    let s = posted(
        &mut chef,
        &format!("/comites/{local}/seances"),
        &[("held_on", "2027-02-01"), ("place", "Cluses")],
    )
    .await;
    let local_session = number_after(&s, "/comites/seances/");
    let (_, agenda) = chef.get(&format!("/comites/seances/{local_session}")).await;
    assert!(
        agenda.contains(&format!("data-testid=\"dec-action_sheet-{id}\"")),
        "{agenda}"
    );
    let item = id.to_string();
    posted(
        &mut chef,
        &format!("/comites/seances/{local_session}/decisions"),
        &[
            ("item_kind", "action_sheet"),
            ("item_id", &item),
            ("stance", "favourable"),
            ("comment", "Projet structurant pour la filière."),
        ],
    )
    .await;
    assert_eq!(footprint(&app, id).await.0, "regional_review");
    // The comité de pilotage régional retains it, with the kind of support.
    let regional = app
        .count(&format!(
            "SELECT id FROM committee WHERE kind = 'regional_steering' AND scope_id = '{REGION}'"
        ))
        .await;
    let s = posted(
        &mut region,
        &format!("/comites/{regional}/seances"),
        &[("held_on", "2027-03-01"), ("place", "Lyon")],
    )
    .await;
    let regional_session = number_after(&s, "/comites/seances/");
    let decide = format!("/comites/seances/{regional_session}/decisions");
    // Without an outcome the regional committee's decision is refused.
    let r = region
        .post(
            &decide,
            &[
                ("item_kind", "action_sheet"),
                ("item_id", &item),
                ("stance", "favourable"),
                ("comment", "Retenue."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    posted(
        &mut region,
        &decide,
        &[
            ("item_kind", "action_sheet"),
            ("item_id", &item),
            ("outcome", "retain"),
            ("support", "financial"),
            ("comment", "Retenue au titre du soutien à l'investissement."),
        ],
    )
    .await;
    assert_eq!(footprint(&app, id).await.0, "retained");
    let (_, releve) = region
        .get(&format!("/comites/seances/{regional_session}/releve"))
        .await;
    assert!(releve.contains("Retenir — Soutien financier"), "{releve}");
    // Avenant n° 1 inscribes it.
    let a = posted(
        &mut chef,
        &format!("/territoires/{ARVE}/contrat/avenants"),
        &[("title", "Premières actions"), ("signed_on", "2027-04-01")],
    )
    .await;
    assert!(a.contains("avenant=1"), "{a}");
    posted(
        &mut chef,
        &step,
        &[("action", "inscribe"), ("avenant", "1")],
    )
    .await;
    // The contract is a protocole d'accord here, signed on a date; a bad kind changes nothing.
    let details = format!("/territoires/{ARVE}/contrat");
    let r = chef
        .post(
            &details,
            &[("kind", "convention"), ("title", "X"), ("signed_on", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    posted(
        &mut chef,
        &details,
        &[
            ("kind", "protocole"),
            (
                "title",
                "Protocole Territoires d'industrie de la vallée de l'Arve",
            ),
            ("signed_on", "2027-01-10"),
        ],
    )
    .await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM contract WHERE territory_id = '{ARVE}' AND kind = 'protocole' AND signed_at IS NOT NULL"
        ))
        .await,
        1
    );
    let (_, contract) = Browser::new(&app)
        .get(&format!("/territoires/{ARVE}/contrat"))
        .await;
    assert!(contract.contains("data-testid=\"avenant-1\""), "{contract}");
    assert!(
        contract.contains("Protocole d&#x27;accord") || contract.contains("Protocole d'accord")
    );
    assert!(
        contract.contains("Robotisation d&#x27;une ligne de décolletage")
            || contract.contains("Robotisation d'une ligne de décolletage")
    );
    // The porteur reports: in progress, and jobs created.
    posted(&mut porteur, &step, &[("action", "mark_in_progress")]).await;
    posted(
        &mut porteur,
        &format!("/fiches/{id}/indicateurs"),
        &[
            ("code", "emplois_crees"),
            ("label", ""),
            ("unit", ""),
            ("baseline", "0"),
            ("target", "12"),
        ],
    )
    .await;
    let indicator = app
        .count(&format!(
            "SELECT id FROM action_sheet_indicator WHERE sheet_id = {id}"
        ))
        .await;
    posted(
        &mut porteur,
        &format!("/fiches/{id}/indicateurs/{indicator}/valeurs"),
        &[("measured_on", "2027-06-30"), ("value", "4")],
    )
    .await;
    let (_, page) = porteur.get(&format!("/fiches/{id}")).await;
    assert!(page.contains("En cours"), "{page}");
    assert!(page.contains("4,0"), "the value recorded is shown");
    // Each step told someone: the outbox holds the mails of the steps.
    assert!(
        app.count("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Fiche-action%'")
            .await
            > 0
    );
    // The timeline holds every step, the committee's with its session.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM action_sheet_event WHERE sheet_id = {id} AND session_id IS NOT NULL"
        ))
        .await,
        2
    );
}
on_both_backends!(a_fiche_is_written_reviewed_by_both_committees_and_inscribed);

/// The amounts any channel shows of fiche `id`, from its API detail.
fn api_amounts(detail: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = vec![
        detail["summary"]["requested"].clone(),
        detail["summary"]["committed"].clone(),
        detail["summary"]["paid"].clone(),
    ];
    for l in detail["lines"].as_array().unwrap() {
        out.push(l["requested"].clone());
    }
    out
}

async fn a_visitor_never_sees_a_firms_amounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let firm = firm(&app, "Décolletage Arve").await;
    let bpi = operator(&app, "Bpifrance").await;
    let id = sheet_in(&app, "regional_review", Some(firm), "innover").await;
    line(&app, id, ("organisation", Some(bpi), ""), [123_457, 0, 0]).await;
    let public = sheet_in(&app, "regional_review", None, "attirer").await;
    // A visitor: the page.
    let (status, page) = app.get_html(&format!("/fiches/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Campus des métiers"));
    assert!(page.contains("data-testid=\"amounts-confidential\""));
    for shown in ["123", "100\u{202f}000", "223"] {
        assert!(
            !page.contains(&format!("{shown}\u{a0}€")),
            "{shown} on the page"
        );
    }
    // The API, anonymous and with a token of someone not tied to it.
    let (_, detail) = app.get_json(&format!("/api/v1/action-sheets/{id}")).await;
    assert_eq!(detail["summary"]["axis"], "innover");
    assert_eq!(detail["summary"]["amounts_shown"], false);
    assert!(api_amounts(&detail).iter().all(|a| a.is_null()), "{detail}");
    let _stranger = person(
        &app,
        "quidam@exemple.fr",
        Some((Scope::Region("76".into()), Role::RegionalCouncil)),
    )
    .await;
    let token = write_token(&app, "quidam@exemple.fr").await;
    let with = |token: &str| {
        let url = app.url(&format!("/api/v1/action-sheets/{id}"));
        let token = token.to_owned();
        async move {
            reqwest::Client::new()
                .get(url)
                .header("Authorization", format!("Bearer {token}"))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert!(api_amounts(&with(&token).await).iter().all(|a| a.is_null()));
    // The list, in the API.
    let (_, list) = app
        .get_json(&format!("/api/v1/action-sheets?territory={ARVE}"))
        .await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
        .clone();
    assert!(item["requested"].is_null() && item["title"] == "Campus des métiers");
    // A public porteur's amounts are public.
    let other = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == public)
        .unwrap();
    assert_eq!(other["requested"], 100_000);
    // The exports.
    let csv = reqwest::get(app.url(&format!("/fiches/export.csv?territoire={ARVE}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap();
    assert!(row.contains(",false,,,,"), "{row}");
    assert!(!csv.contains("223457") && !csv.contains("123457"), "{csv}");
    let json = reqwest::get(app.url(&format!("/fiches/export.json?territoire={ARVE}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !json.contains("223457") && !json.contains("123457"),
        "{json}"
    );
    // Search: found by its words and facets, its amounts in no document.
    let draft_too = sheet_in(&app, "draft", None, "attirer").await;
    for sheet in [id, public, draft_too] {
        server::db::organisations::record_change(&app.db, "action_sheet", sheet, "upsert")
            .await
            .unwrap();
    }
    let started = std::time::Instant::now();
    let found = loop {
        let (_, body) = app
            .get_json("/api/v1/search?kind=action_sheet&per_page=10")
            .await;
        // Both fiches, each as last written: an earlier journal entry may have indexed one
        // before its Region line, and a loaded indexer applies the latest one a little later.
        let (_, by_region) = app
            .get_json(&format!(
                "/api/v1/search?kind=action_sheet&funder=region:{REGION}"
            ))
            .await;
        if body["total"].as_u64() == Some(2) && by_region["total"].as_u64() == Some(2) {
            break body;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "fiches never indexed: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let text = found.to_string();
    assert!(text.contains("Campus des métiers"), "{text}");
    for amount in ["223457", "123457", "100000"] {
        assert!(!text.contains(amount), "{amount} in search: {text}");
    }
    let total = |query: String| {
        let app = &app;
        async move {
            // Retried while the search is too busy for the moment (503), as a client would.
            for _ in 0..20 {
                let (status, body) = app
                    .get_json(&format!("/api/v1/search?kind=action_sheet&{query}"))
                    .await;
                if status != 503 {
                    return body["total"].clone();
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            serde_json::Value::Null
        }
    };
    assert_eq!(total("axis=innover".into()).await, 1, "{text}");
    assert_eq!(
        total(format!("funder=organisation:{bpi}")).await,
        1,
        "{text}"
    );
    assert_eq!(total(format!("funder=region:{REGION}")).await, 2);
    assert_eq!(total("status=regional_review".into()).await, 2);
    assert_eq!(
        total(format!("region={REGION}&q=plateau+technique")).await,
        2
    );
    // Bpifrance's people, a funder named on a line, see them; so does the porteur's.
    let _bpi_person = person(
        &app,
        "charge@bpifrance.fr",
        Some((Scope::Organisation(bpi), Role::Member)),
    )
    .await;
    let token = write_token(&app, "charge@bpifrance.fr").await;
    let seen = with(&token).await;
    assert_eq!(seen["summary"]["requested"], 223_457, "{seen}");
    let _porteur = person(
        &app,
        "dir@decolletage.fr",
        Some((Scope::Organisation(firm), Role::Member)),
    )
    .await;
    let token = write_token(&app, "dir@decolletage.fr").await;
    assert_eq!(with(&token).await["summary"]["amounts_shown"], true);
    // A draft is not shown to a visitor at all.
    let draft = sheet_in(&app, "draft", None, "attirer").await;
    let (status, _) = app
        .get_json(&format!("/api/v1/action-sheets/{draft}"))
        .await;
    assert_eq!(status, 404);
}
on_both_backends!(a_visitor_never_sees_a_firms_amounts);

/// Calls the `get_action_plan` server function as `b` (or a visitor) and returns its JSON.
async fn plan_as(app: &TestApp, b: Option<&Browser<'_>>) -> serde_json::Value {
    server_fn_as(app, "get_action_plan", b).await
}

/// Calls a server function taking the Arve valley's id as `b` (or a visitor).
async fn server_fn_as(app: &TestApp, name: &str, b: Option<&Browser<'_>>) -> serde_json::Value {
    let mut request = reqwest::Client::new()
        .post(app.url(&server_fn_path(name)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Origin", app.url(""))
        .body(format!("territory={ARVE}"));
    if let Some(cookie) = b.and_then(|b| b.cookie.clone()) {
        request = request.header("Cookie", cookie);
    }
    let r = request.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

/// A generated fiche: its id, axis, porteur (a firm, or none for a public one) and its lines
/// as (funder key, amounts requested, committed and paid).
type Generated = (i64, &'static str, Option<i64>, Vec<(String, [i64; 3])>);

async fn totals_equal_the_sums_of_the_lines_or_read_secret(backend: Backend) {
    let app = spawn_app(backend).await;
    let firms = [
        firm(&app, "Alpha").await,
        firm(&app, "Bêta").await,
        firm(&app, "Gamma").await,
    ];
    let bdt = operator(&app, "Banque des Territoires").await;
    // Generated fiches: (axis, porteur, lines of (funder key, amounts)).
    let axes = ["attirer", "recruter", "innover", "simplifier"];
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut generated: Vec<Generated> = Vec::new();
    for k in 0..14 {
        let axis = axes[next(4) as usize];
        let porteur = match next(3) {
            0 => None,
            n => Some(firms[(n as usize + k) % 3]),
        };
        let id = sheet_in(&app, "retained", porteur, axis).await;
        let mut lines = vec![(format!("region:{REGION}"), [100_000, 0, 0])];
        for _ in 0..next(3) {
            let amounts = [
                1_000 * (1 + next(500) as i64),
                1_000 * next(200) as i64,
                1_000 * next(100) as i64,
            ];
            let (key, funder) = match next(2) {
                0 => (format!("state:{REGION}"), ("state", None, REGION)),
                _ => (
                    format!("organisation:{bdt}"),
                    ("organisation", Some(bdt), ""),
                ),
            };
            line(&app, id, funder, amounts).await;
            lines.push((key, amounts));
        }
        generated.push((id, axis, porteur, lines));
    }
    // The chef de projet sees every amount: each total is the sum of its lines.
    let chef = person(
        &app,
        "chef@arve.fr",
        Some((territory(), Role::ProjectManager)),
    )
    .await;
    let plan = plan_as(&app, Some(&chef)).await;
    let mut by_axis: BTreeMap<&str, [i64; 3]> = BTreeMap::new();
    let mut by_funder: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for (_, axis, _, lines) in &generated {
        for (key, amounts) in lines {
            for (i, amount) in amounts.iter().enumerate() {
                by_axis.entry(axis).or_default()[i] += amount;
                by_funder.entry(key.clone()).or_default()[i] += amount;
            }
        }
    }
    let cell = |row: &serde_json::Value| {
        [&row["requested"], &row["committed"], &row["paid"]].map(|v| v.as_i64())
    };
    for row in plan["totals"]["by_axis"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        let want = by_axis.get(key).copied().unwrap_or_default();
        assert_eq!(cell(row), want.map(Some), "axis {key}");
    }
    let funders: BTreeSet<String> = plan["totals"]["by_funder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(funders, by_funder.keys().cloned().collect());
    for row in plan["totals"]["by_funder"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        assert_eq!(cell(row), by_funder[key].map(Some), "funder {key}");
    }
    // A visitor: a cell holding a firm's amount is shown only when the firms' fiches behind
    // it (hidden from a visitor) are three, of two porteurs, computed here from the
    // generated fiches.
    let visitor = plan_as(&app, None).await;
    let expected = |pick: &dyn Fn(&str, &str) -> bool| -> Option<i64> {
        let mut sum = 0;
        let mut sheets = BTreeSet::new();
        let mut porteurs = BTreeSet::new();
        for (id, axis, porteur, lines) in &generated {
            for (key, amounts) in lines {
                if pick(axis, key) {
                    sum += amounts[0];
                    if let Some(firm) = porteur {
                        sheets.insert(*id);
                        porteurs.insert(*firm);
                    }
                }
            }
        }
        (sheets.is_empty() || (sheets.len() >= 3 && porteurs.len() >= 2)).then_some(sum)
    };
    let mut secret = 0;
    for row in visitor["totals"]["by_axis"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap().to_owned();
        let want = expected(&|axis, _| axis == key);
        secret += usize::from(want.is_none());
        assert_eq!(row["requested"].as_i64(), want, "visitor, axis {key}");
    }
    for row in visitor["totals"]["by_funder"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap().to_owned();
        let want = expected(&|_, k| k == key);
        secret += usize::from(want.is_none());
        assert_eq!(row["requested"].as_i64(), want, "visitor, funder {key}");
    }
    assert_eq!(
        visitor["totals"]["overall"]["requested"].as_i64(),
        expected(&|_, _| true)
    );
    // The generated set has both kinds of cells, so the test tells them apart.
    assert!(
        secret > 0 || generated.iter().all(|g| g.2.is_none()),
        "{visitor}"
    );
    // Inscribed in avenant n° 1, the same fiches make the contract's totals, the avenant's
    // and the whole contract's alike.
    first_avenant(&app).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE action_sheet SET status = 'inscribed', avenant_id = (SELECT a.id FROM \
             contract_avenant a JOIN contract c ON c.id = a.contract_id WHERE c.territory_id = '{ARVE}')"
        ))
        .await
        .unwrap();
    let contract = server_fn_as(&app, "get_contract", Some(&chef)).await;
    for totals in [&contract["totals"], &contract["avenants"][0]["totals"]] {
        for row in totals["by_axis"].as_array().unwrap() {
            let key = row["key"].as_str().unwrap();
            let want = by_axis.get(key).copied().unwrap_or_default();
            assert_eq!(cell(row), want.map(Some), "contract, axis {key}");
        }
        for row in totals["by_funder"].as_array().unwrap() {
            let key = row["key"].as_str().unwrap();
            assert_eq!(
                cell(row),
                by_funder[key].map(Some),
                "contract, funder {key}"
            );
        }
    }
    assert_eq!(contract["avenants"][0]["number"], 1);
    assert_eq!(
        contract["avenants"][0]["sheets"].as_array().unwrap().len(),
        generated.len()
    );
}
on_both_backends!(totals_equal_the_sums_of_the_lines_or_read_secret);

async fn the_api_writes_with_a_token_and_refuses_bad_input_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let _chef = person(
        &app,
        "chef@arve.fr",
        Some((territory(), Role::ProjectManager)),
    )
    .await;
    let token = write_token(&app, "chef@arve.fr").await;
    let client = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        client
            .post(app.url("/api/v1/action-sheets"))
            .header("Authorization", format!("Bearer {token}"))
            .json(&body)
            .send()
    };
    let bad = post(serde_json::json!({
        "territory": ARVE,
        "title": "No",
        "axis": "conquérir",
        "porteur_kind": "territory",
        "maturity": "idee",
        "description": "x",
        "lines": [{"funder_kind": "region", "funder_ref": "99", "instrument": "region", "requested": 5_000_000_000i64}],
    }))
    .await
    .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let message = bad.text().await.unwrap();
    for field in ["title", "axis", "lines[0].funder_ref", "lines[0].requested"] {
        assert!(message.contains(field), "{field} named in {message}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM action_sheet").await,
        0,
        "nothing written"
    );
    let r = post(serde_json::json!({
        "territory": ARVE,
        "title": "Campus des métiers de l'usinage",
        "axis": "recruter",
        "themes": ["skills"],
        "porteur_kind": "territory",
        "maturity": "etude",
        "description": "Un plateau technique partagé.",
        "lines": [{"funder_kind": "state", "funder_ref": REGION, "instrument": "dsil", "requested": 400000}],
        "indicators": [{"code": "personnes_formees", "target": 120}],
    }))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    // Not a team member of the territory: refused.
    let _other = person(
        &app,
        "chef@bresle.fr",
        Some((Scope::Territory("ti-2809".into()), Role::ProjectManager)),
    )
    .await;
    let other = write_token(&app, "chef@bresle.fr").await;
    let r = client
        .patch(app.url(&format!("/api/v1/action-sheets/{id}")))
        .header("Authorization", format!("Bearer {other}"))
        .json(&serde_json::json!({"title": "Détourné"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        404,
        "a draft of another territory is not even seen"
    );
    let r = client
        .patch(app.url(&format!("/api/v1/action-sheets/{id}")))
        .header("Authorization", format!("Bearer {token}"))
        .json(&serde_json::json!({"title": "Campus des métiers de la mécanique"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    // Listed once presented; the OpenAPI document describes the endpoint.
    app.db
        .execute_unprepared(&format!(
            "UPDATE action_sheet SET status = 'local_review' WHERE id = {id}"
        ))
        .await
        .unwrap();
    let (_, list) = app
        .get_json(&format!("/api/v1/action-sheets?territory={ARVE}"))
        .await;
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["title"], "Campus des métiers de la mécanique");
    assert_eq!(item["territory"], ARVE);
    assert_eq!(item["axis"], "recruter");
    assert_eq!(item["status"], "local_review");
    assert_eq!(item["requested"], 400_000);
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/action-sheets"]["get"].is_object());
    let (status, _) = app.get_json("/api/v1/action-sheets?axis=conquerir").await;
    assert_eq!(status, 400);
}
on_both_backends!(the_api_writes_with_a_token_and_refuses_bad_input_unchanged);

async fn fiches_being_implemented_are_followed_up_every_quarter(backend: Backend) {
    let app = spawn_app(backend).await;
    let firm = firm(&app, "Décolletage Arve").await;
    let _chef = person(
        &app,
        "chef@arve.fr",
        Some((territory(), Role::ProjectManager)),
    )
    .await;
    let _porteur = person(
        &app,
        "dir@decolletage.fr",
        Some((Scope::Organisation(firm), Role::Member)),
    )
    .await;
    let now = app.clock.now();
    let id = sheet_in(&app, "in_progress", Some(firm), "innover").await;
    let done = sheet_in(&app, "completed", Some(firm), "innover").await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE action_sheet SET updated_at = {now} WHERE id IN ({id}, {done})"
        ))
        .await
        .unwrap();
    let service = server::services::action_sheets::ActionSheetService::new(
        app.db.clone(),
        app.clock.clone(),
        app.config.public_url.clone(),
    );
    assert_eq!(service.remind().await.unwrap(), 0, "not yet a quarter");
    app.clock.advance(92 * 86_400);
    assert_eq!(
        service.remind().await.unwrap(),
        1,
        "the fiche under way, not the completed one"
    );
    let mails = app
        .count("SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%Point trimestriel%'")
        .await;
    assert_eq!(mails, 2, "its porteur and its chef de projet");
    assert_eq!(service.remind().await.unwrap(), 0, "once a quarter");
}
on_both_backends!(fiches_being_implemented_are_followed_up_every_quarter);
