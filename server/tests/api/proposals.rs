//! Simplification proposals through the real server: the documented workflow table enforced
//! for every (state, role, action), a proposal's whole journey with five people, merging,
//! drafts kept private, exports and digests.

use crate::helpers::{assert_not_allowed, assert_refused, spawn_app, Backend, Browser, TestApp};
use crate::on_both_backends;
use app::domain::policy::{Role, Scope};
use app::domain::proposal::{parse_documented_table, ALL_ACTIONS, ALL_STATUSES};
use app::error::Problem;
use server::services::accounts::AccountsService;

const PASSWORD: &str = "un mot de passe solide";
/// The proposal's territory (Vallée de l'Arve, region 84) and another in the same region.
const HOME: &str = "ti-8422";
const OTHER: &str = "ti-8413";
/// A third and a fourth territory, for support counts.
const THIRD: &str = "ti-8401";
const FOURTH: &str = "ti-8402";

/// Creates a user with one membership (none when `scope` is `None`) and signs them in.
pub(crate) async fn person<'a>(
    app: &'a TestApp,
    email: &str,
    name: &str,
    scope: Option<(Scope, Role)>,
) -> Browser<'a> {
    let accounts = AccountsService::new(app.db.clone(), app.config.public_url.clone());
    let (scope_value, role) = scope
        .clone()
        .unwrap_or((Scope::Organisation(1), Role::Member));
    let (id, _) = accounts
        .create_user(email, name, Some(PASSWORD), scope_value, role)
        .await
        .unwrap();
    if scope.is_none() {
        sea_orm::ConnectionTrait::execute(
            &app.db,
            server::db::stmt(
                &app.db,
                "DELETE FROM membership WHERE user_id = ?",
                vec![id.into()],
            ),
        )
        .await
        .unwrap();
    }
    let mut b = Browser::new(app);
    let r = b
        .post(
            "/auth/connexion",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "sign-in of {email}");
    assert!(b.cookie.is_some());
    b
}

/// A complete proposal of `territory` put directly in `status`; returns its id.
pub(crate) async fn proposal_in(app: &TestApp, territory: &str, status: &str, title: &str) -> i64 {
    let region = &territory[3..5];
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO proposal (territory_id, region_code, title, problem, rule, legal_reference, \
             theme, axis, proposal_kind, solution, status, mechanism, answer, created_at, updated_at, \
             submitted_at, lang) VALUES (?, ?, ?, 'Un problème concret', 'Une règle', '', 'land', \
             'simplifier', '', '', ?, '', '', 1700000000, 1700000000, 1700000000, 'fr')",
            vec![territory.into(), region.into(), title.into(), status.into()],
        ),
    )
    .await
    .unwrap();
    let id = app.count("SELECT MAX(id) AS id FROM proposal").await;
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "UPDATE proposal SET root_id = id WHERE id = ?",
            vec![id.into()],
        ),
    )
    .await
    .unwrap();
    if status == "merged" {
        // Merged just now: the merge may still be undone.
        sea_orm::ConnectionTrait::execute(
            &app.db,
            server::db::stmt(
                &app.db,
                "INSERT INTO proposal_event (proposal_id, at, user_name, role, action, \
                 from_status, to_status, comment, mechanism) VALUES (?, ?, 'Délégation', \
                 'national_delegation', 'merge', 'national_review', 'merged', '', '')",
                vec![id.into(), app.clock.now().into()],
            ),
        )
        .await
        .unwrap();
    }
    id
}

/// Everything a refused action must leave untouched.
async fn footprint(app: &TestApp, id: i64) -> (String, i64, i64, i64) {
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        status: String,
        approved_elected_by: Option<i64>,
        approved_industrial_by: Option<i64>,
        answer: String,
        mechanism: String,
        merged_into: Option<i64>,
        root_id: Option<i64>,
        updated_at: i64,
    }
    let r: Row = server::db::fetch_optional(
        &app.db,
        "SELECT status, approved_elected_by, approved_industrial_by, answer, mechanism, merged_into, \
         root_id, updated_at FROM proposal WHERE id = ?",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap();
    let row = format!(
        "{}|{:?}|{:?}|{}|{}|{:?}|{:?}|{}",
        r.status,
        r.approved_elected_by,
        r.approved_industrial_by,
        r.answer,
        r.mechanism,
        r.merged_into,
        r.root_id,
        r.updated_at
    );
    (
        row,
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM proposal_event WHERE proposal_id = {id}"
        ))
        .await,
        app.count("SELECT COUNT(*) AS n FROM outbox").await,
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM changes WHERE entity = 'proposal' AND entity_id = {id}"
        ))
        .await,
    )
}

/// What the matrix's proposals carry besides their state, so that each documented case can
/// be taken: one awaiting approval has waited past the stand-in period; one under regional
/// review has the lead region's opinion.
async fn prepare_for_matrix(app: &TestApp, id: i64, status: app::domain::proposal::Status) {
    use app::domain::proposal::Status;
    let (role, action, from, to, at) = match status {
        Status::AwaitingApproval => (
            "project_manager",
            "submit",
            "draft",
            "awaiting_approval",
            app.clock.now() - 16 * 86_400,
        ),
        Status::RegionalReview => (
            "regional_council",
            "opinion",
            "regional_review",
            "regional_review",
            app.clock.now(),
        ),
        _ => return,
    };
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO proposal_event (proposal_id, at, user_name, role, action, \
             from_status, to_status, comment, mechanism, stance) VALUES (?, ?, 'Préparation', ?, ?, ?, ?, '', '', ?)",
            vec![
                id.into(),
                at.into(),
                role.into(),
                action.into(),
                from.into(),
                to.into(),
                if action == "opinion" { "favourable" } else { "" }.into(),
            ],
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn every_state_role_and_action_follows_the_documented_table() {
    let app = spawn_app(Backend::Sqlite).await;
    let table = parse_documented_table(include_str!("../../../docs/simplification-workflow.md"));
    assert_eq!(table.len(), ALL_ACTIONS.len());
    let org = app.count("SELECT MIN(id) AS n FROM organisation").await;
    // An interregional territory (Lacq-Pau-Tarbes: Nouvelle-Aquitaine leads, Occitanie is
    // concerned), so that every role towards a proposal exists.
    const HOME: &str = "ti-7510";
    const OTHER: &str = "ti-7501";
    let t = |id: &str| Scope::Territory(id.to_owned());
    let roles: Vec<(&str, Option<Browser>)> = vec![
        (
            "elected_colead",
            Some(person(&app, "e@t.fr", "Élu", Some((t(HOME), Role::ElectedCoLead))).await),
        ),
        (
            "industrial_colead",
            Some(
                person(
                    &app,
                    "i@t.fr",
                    "Industriel",
                    Some((t(HOME), Role::IndustrialCoLead)),
                )
                .await,
            ),
        ),
        (
            "project_manager",
            Some(
                person(
                    &app,
                    "pm@t.fr",
                    "Cheffe de projet",
                    Some((t(HOME), Role::ProjectManager)),
                )
                .await,
            ),
        ),
        (
            "team_member",
            Some(person(&app, "tm@t.fr", "Équipe", Some((t(HOME), Role::TeamMember))).await),
        ),
        (
            "other_territory_team",
            Some(
                person(
                    &app,
                    "o@t.fr",
                    "Autre territoire",
                    Some((t(OTHER), Role::ElectedCoLead)),
                )
                .await,
            ),
        ),
        (
            "state_referent",
            Some(
                person(
                    &app,
                    "etat@t.fr",
                    "Référent de l'État",
                    Some((t(HOME), Role::StateReferent)),
                )
                .await,
            ),
        ),
        (
            "regional_council",
            Some(
                person(
                    &app,
                    "r@t.fr",
                    "Conseil régional",
                    Some((Scope::Region("75".into()), Role::RegionalCouncil)),
                )
                .await,
            ),
        ),
        (
            "regional_state",
            Some(
                person(
                    &app,
                    "pref@t.fr",
                    "Préfecture",
                    Some((Scope::Region("75".into()), Role::RegionalState)),
                )
                .await,
            ),
        ),
        (
            "concerned_region",
            Some(
                person(
                    &app,
                    "r76@t.fr",
                    "Occitanie",
                    Some((Scope::Region("76".into()), Role::RegionalState)),
                )
                .await,
            ),
        ),
        (
            "other_region",
            Some(
                person(
                    &app,
                    "r32@t.fr",
                    "Autre région",
                    Some((Scope::Region("32".into()), Role::RegionalCouncil)),
                )
                .await,
            ),
        ),
        (
            "national_delegation",
            Some(
                person(
                    &app,
                    "n@t.fr",
                    "National",
                    Some((Scope::National, Role::NationalDelegation)),
                )
                .await,
            ),
        ),
        (
            "organisation_member",
            Some(
                person(
                    &app,
                    "f@t.fr",
                    "Entreprise",
                    Some((Scope::Organisation(org), Role::Member)),
                )
                .await,
            ),
        ),
        ("member", Some(person(&app, "m@t.fr", "Membre", None).await)),
        (
            "platform_admin",
            Some(
                person(
                    &app,
                    "a@t.fr",
                    "Admin",
                    Some((Scope::Platform, Role::PlatformAdmin)),
                )
                .await,
            ),
        ),
        ("anonymous", None),
    ];
    let target = proposal_in(&app, OTHER, "national_review", "Cible de fusion").await;
    let (mut allowed, mut refused, mut failures) = (0, 0, Vec::new());
    for status in ALL_STATUSES {
        for (role, browser) in &roles {
            for action in ALL_ACTIONS {
                let row = table.iter().find(|r| r.0 == action.code()).unwrap();
                let expected =
                    row.1.iter().any(|s| s == status.code()) && row.2.iter().any(|r| r == role);
                let id = proposal_in(&app, HOME, status.code(), "Délais d'instruction").await;
                prepare_for_matrix(&app, id, status).await;
                let before = footprint(&app, id).await;
                let form = [
                    ("action", action.code()),
                    ("comment", "Réponse motivée"),
                    ("mechanism", "rescrit"),
                    ("target", &target.to_string()),
                    ("stance", "reserved"),
                    ("confirm", "1"),
                ];
                let path = format!("/simplification/{id}/etape");
                let location = match browser {
                    Some(b) => {
                        // A clone keeps the session; the form is posted as that person.
                        let mut b = Browser {
                            app: b.app,
                            cookie: b.cookie.clone(),
                        };
                        let r = b.post(&path, &form).await;
                        r.headers()
                            .get("location")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    }
                    None => {
                        let mut b = Browser::new(&app);
                        let r = b.post(&path, &form).await;
                        r.headers()
                            .get("location")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    }
                };
                let after = footprint(&app, id).await;
                let succeeded = location.contains("etape=");
                let case = format!("{} / {role} / {}", status.code(), action.code());
                if expected {
                    allowed += 1;
                    // One co-lead's approval leaves it awaiting the other; the référent's, once
                    // the period is over, stands for both seats and sends it to the region.
                    let want = match (action.code(), *role) {
                        ("approve", "state_referent") => "regional_review",
                        ("approve", _) => "awaiting_approval",
                        _ => row.3.as_str(),
                    };
                    if !succeeded
                        || !after.0.starts_with(&format!("{want}|"))
                        || after.1 != before.1 + 1
                    {
                        failures.push(format!(
                            "{case}: should succeed to {want}, got {location} {}",
                            after.0
                        ));
                    }
                } else {
                    refused += 1;
                    if succeeded || after != before {
                        failures.push(format!(
                            "{case}: should be refused and change nothing, got {location}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        allowed + refused,
        ALL_STATUSES.len() * roles.len() * ALL_ACTIONS.len()
    );
    assert_eq!(roles.len(), 15);
    assert!(allowed >= 30, "only {allowed} allowed cases");
}

/// (to_email, subject) of every mail in the outbox.
async fn outbox(app: &TestApp) -> Vec<(String, String)> {
    #[derive(sea_orm::FromQueryResult)]
    struct Mail {
        to_email: String,
        subject: String,
    }
    let rows: Vec<Mail> = server::db::fetch_all(
        &app.db,
        "SELECT to_email, subject FROM outbox ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    rows.into_iter().map(|m| (m.to_email, m.subject)).collect()
}

fn step<'a>(action: &'a str, comment: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("action", action), ("comment", comment)]
}

async fn from_draft_to_a_national_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = |id: &str| Scope::Territory(id.to_owned());
    let mut elected = person(
        &app,
        "elu@arve.fr",
        "Élise Élue",
        Some((t(HOME), Role::ElectedCoLead)),
    )
    .await;
    let mut industrial = person(
        &app,
        "indus@arve.fr",
        "Igor Industriel",
        Some((t(HOME), Role::IndustrialCoLead)),
    )
    .await;
    let mut referent = person(
        &app,
        "ref@aura.fr",
        "Rita Référente",
        Some((Scope::Region("84".into()), Role::RegionalCouncil)),
    )
    .await;
    let mut national = person(
        &app,
        "dg@anct.fr",
        "Noé National",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let mut supporter = person(
        &app,
        "elu@oyonnax.fr",
        "Sam Soutien",
        Some((t(OTHER), Role::ElectedCoLead)),
    )
    .await;

    // The elected co-lead writes and submits.
    let r = elected
        .post(
            "/simplification/nouvelle",
            &[
                ("territory_id", HOME),
                ("title", "Délais d'instruction des dossiers ICPE pour l'extension d'ateliers de décolletage"),
                ("problem", "Trois entreprises de décolletage attendent 14 mois une autorisation environnementale pour agrandir leurs ateliers."),
                ("rule", "Procédure d'autorisation environnementale"),
                ("legal_reference", "Code de l'environnement, art. L181-1"),
                ("theme", "environment"),
                ("axis", "simplifier"),
                ("proposal_kind", "experiment"),
                ("solution", "Expérimenter un délai d'instruction garanti de 6 mois."),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?cree=1"), "{location}");
    let id: i64 = location
        .trim_start_matches("/simplification/")
        .trim_end_matches("?cree=1")
        .parse()
        .unwrap();
    let path = format!("/simplification/{id}/etape");
    // A draft is the team's own: invisible to others and to the public list.
    let (status, _) = referent.get(&format!("/simplification/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(status, 404);
    let r = elected.post(&path, &step("submit", "")).await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=awaiting_approval&prevenus=1")
    );
    // The elected co-lead cannot approve a second time; the industrial co-lead can.
    let r = elected.post(&path, &step("approve", "")).await;
    assert_not_allowed(r).await;
    let r = industrial.post(&path, &step("approve", "")).await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=regional_review&prevenus=2")
    );
    // A testimony too long is refused beside its field, as typed, and nothing is recorded.
    let long = format!("Même délai à Oyonnax. {}", "x".repeat(5_000));
    let r = supporter
        .post(
            &format!("/simplification/{id}/soutien"),
            &[("as", &format!("territory:{OTHER}")), ("testimony", &long)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("sup-testimony-error"), "{page}");
    assert!(page.contains(&long));
    // Another territory supports it with its own case.
    let r = supporter
        .post(
            &format!("/simplification/{id}/soutien"),
            &[
                ("as", &format!("territory:{OTHER}")),
                (
                    "testimony",
                    "Même délai pour une extension de plasturgie à Oyonnax.",
                ),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?soutien=1")
    );
    let r = supporter
        .post(
            &format!("/simplification/{id}/soutien"),
            &[
                ("as", &format!("territory:{OTHER}")),
                ("testimony", "Encore une extension bloquée"),
            ],
        )
        .await;
    // Refused in place: the proposal's page, the reason at the top.
    assert_eq!(r.status().as_u16(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("Vous soutenez déjà cette demande"), "{page}");
    // Escalating needs the lead region's recorded opinion: refused in place, nothing changes.
    let r = referent
        .post(&path, &step("escalate", "Sujet national."))
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("avis de la région pilote"), "{page}");
    // An opinion without its stance is refused beside the field.
    let r = referent
        .post(&path, &step("opinion", "Favorable : délai excessif."))
        .await;
    assert_refused(r, Problem::StanceRequired).await;
    let r = referent
        .post(
            &path,
            &[
                ("action", "opinion"),
                ("stance", "favourable"),
                ("comment", "Favorable : le délai pèse sur toute la filière."),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=regional_review&prevenus=3")
    );
    // The region escalates; the national team answers.
    let r = referent
        .post(
            &path,
            &step("escalate", "Sujet national : concerne plusieurs régions."),
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=national_review&prevenus=4")
    );
    let (_, queue) = national.get("/simplification/file").await;
    assert!(
        queue.contains("Délais d&#x27;instruction") || queue.contains("Délais d'instruction"),
        "national inbox"
    );
    // The inbox numbers its proposals, counts them and says how long each has waited.
    assert!(queue.contains(&format!("n° {id}")), "{queue}");
    assert!(queue.contains("data-testid=\"waiting\""), "{queue}");
    assert!(
        queue.contains("En attente depuis moins d&#x27;un jour")
            || queue.contains("En attente depuis moins d'un jour"),
        "{queue}"
    );
    let r = national.post(&path, &step("accept", "")).await;
    assert_refused(r, Problem::CommentRequired).await;
    let r = national
        .post(
            &path,
            &step(
                "accept",
                "Un délai garanti sera expérimenté dans trois départements dès 2027.",
            ),
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=accepted&prevenus=3")
    );

    // The timeline, through the API.
    let (status, body) = app.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "submit", "approve", "support", "opinion", "escalate", "accept"]
    );
    let names: Vec<&str> = body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["user_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Élise Élue",
            "Élise Élue",
            "Igor Industriel",
            "Sam Soutien",
            "Rita Référente",
            "Rita Référente",
            "Noé National"
        ]
    );
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["territories_supporting"], 1);
    assert!(body["answer"].as_str().unwrap().contains("délai garanti"));
    // The territory sees the answer on its page.
    let (_, page) = elected.get(&format!("/simplification/{id}")).await;
    assert!(page.contains("data-testid=\"answer\""));

    // Mail: the authors hear of every step taken by others, the region when it reaches the
    // region, the nation when it reaches the nation, the supporter after supporting.
    let mails = outbox(&app).await;
    let to = |who: &str| mails.iter().filter(|(t, _)| t == who).count();
    assert!(mails.iter().all(|(_, s)| !s.is_empty()));
    assert_eq!(to("ref@aura.fr"), 1, "{mails:?}"); // reached the region
    assert_eq!(to("dg@anct.fr"), 1, "{mails:?}"); // escalated
    assert_eq!(to("indus@arve.fr"), 4, "{mails:?}"); // submit, opinion, escalate, accept
    assert_eq!(to("elu@arve.fr"), 4, "{mails:?}"); // approve, opinion, escalate, accept
    assert_eq!(to("elu@oyonnax.fr"), 3, "{mails:?}"); // opinion, escalate, accept

    // The dashboard counts it, and both exports list it.
    let (_, dashboard) = app.get_html("/simplification/tableau-de-bord").await;
    assert!(
        dashboard.contains("data-testid=\"total\">1<"),
        "dashboard total"
    );
    // The spreadsheet follows the French convention: byte-order mark, `;`, CRLF, labels,
    // decimal commas, dd/mm/yyyy, with the text, the answer and the days at each level.
    let sheet = app
        .client
        .get(app.url("/simplification/export.csv?status=accepted"))
        .header("accept-language", "fr-FR")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(sheet.starts_with(b"\xEF\xBB\xBF"), "byte-order mark");
    let text = std::str::from_utf8(&sheet[3..]).unwrap();
    assert!(
        text.starts_with("Numéro;Titre;Statut;Niveau;Thème;Territoire;Région;"),
        "{text}"
    );
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "CRLF only"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let col = |name: &str| {
        let i = headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"));
        rows[0][i].to_owned()
    };
    assert_eq!(col("Statut"), "Acceptée, mesure en cours");
    assert_eq!(col("Niveau"), "National");
    assert!(
        col("Réponse officielle").contains("expérimenté"),
        "{:?}",
        rows[0]
    );
    assert!(!col("Problème rencontré").is_empty());
    for days in [
        "Jours au territoire",
        "Jours à la région",
        "Jours au niveau national",
    ] {
        let d = col(days);
        assert!(
            d.split_once(',').is_some_and(|(a, b)| !a.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && b.len() == 1),
            "{days}: {d}"
        );
    }
    let created = col("Créée le");
    assert!(
        created.len() == 10 && created.as_bytes()[2] == b'/',
        "{created}"
    );
    // The open data keeps codes, `,` and no byte-order mark.
    let csv = app
        .client
        .get(app.url("/simplification/donnees.csv?status=accepted"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,title,status,level,theme"));
    assert!(
        lines[1].contains(",accepted,national,environment,ti-8422,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",1,0,"),
        "supporting territories and firms: {}",
        lines[1]
    );
    let (status, list) = app
        .get_json("/api/v1/proposals?theme=environment&sort=support")
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
}
on_both_backends!(from_draft_to_a_national_answer);

#[tokio::test]
async fn merging_keeps_every_supporter_once_and_both_timelines() {
    let app = spawn_app(Backend::Sqlite).await;
    let national = person(
        &app,
        "n@anct.fr",
        "Noé National",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let a = proposal_in(
        &app,
        HOME,
        "national_review",
        "Zéro artificialisation nette et extensions d'usines",
    )
    .await;
    let b = proposal_in(
        &app,
        OTHER,
        "national_review",
        "ZAN : extensions de sites industriels existants",
    )
    .await;
    let t = |id: &str| Scope::Territory(id.to_owned());
    // THIRD supports both; FOURTH supports A only; a firm supports B.
    let org = app.count("SELECT MIN(id) AS n FROM organisation").await;
    let mut third = person(
        &app,
        "t3@t.fr",
        "Tiers",
        Some((t(THIRD), Role::ProjectManager)),
    )
    .await;
    let mut fourth = person(
        &app,
        "t4@t.fr",
        "Quart",
        Some((t(FOURTH), Role::TeamMember)),
    )
    .await;
    let mut firm = person(
        &app,
        "firm@t.fr",
        "Firme",
        Some((Scope::Organisation(org), Role::Member)),
    )
    .await;
    let supports = [
        (0, format!("territory:{THIRD}"), a),
        (0, format!("territory:{THIRD}"), b),
        (1, format!("territory:{FOURTH}"), a),
        (2, format!("organisation:{org}"), b),
    ];
    for (who_index, who, id) in supports {
        let browser = match who_index {
            0 => &mut third,
            1 => &mut fourth,
            _ => &mut firm,
        };
        let r = browser
            .post(
                &format!("/simplification/{id}/soutien"),
                &[("as", &who), ("testimony", "Même cas chez nous.")],
            )
            .await;
        assert_eq!(
            r.headers()["location"],
            format!("/simplification/{id}?soutien=1"),
            "{who} on {id}"
        );
    }
    let mut national = national;
    let target_ref = format!("#{b}");
    let merge = |confirm: &'static str| {
        [
            ("action", "merge"),
            ("target", target_ref.as_str()),
            ("comment", "Même sujet que la demande d'Oyonnax."),
            ("confirm", confirm),
        ]
    };
    // The merge asks first, naming the target by number and title, and changes nothing.
    let before = footprint(&app, a).await;
    let r = national
        .post(&format!("/simplification/{a}/etape"), &merge(""))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    let question = page
        .split("data-testid=\"confirm-merge\"")
        .nth(1)
        .expect("the merge asks for confirmation");
    assert!(
        question.contains(&format!(
            "n° {b} « ZAN : extensions de sites industriels existants »"
        )),
        "{question}"
    );
    assert!(question.contains("name=\"confirm\""));
    assert_eq!(footprint(&app, a).await, before, "asking changed nothing");
    let r = national
        .post(&format!("/simplification/{a}/etape"), &merge("1"))
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{a}?etape=merged&prevenus=3")
    );
    // Merging into itself or into a merged proposal is refused, beside the target field.
    let r = national
        .post(
            &format!("/simplification/{b}/etape"),
            &[("action", "merge"), ("target", &a.to_string())],
        )
        .await;
    assert_refused(r, Problem::TargetRequired).await;

    let (_, merged) = app.get_json(&format!("/api/v1/proposals/{b}")).await;
    // HOME (author of A), THIRD (both, once) and FOURTH; OTHER is B's own author.
    assert_eq!(merged["territories_supporting"], 3, "{merged}");
    assert_eq!(merged["firms_supporting"], 1);
    assert_eq!(merged["sources"][0]["id"], a);
    let timeline = merged["timeline"].as_array().unwrap();
    assert!(timeline
        .iter()
        .any(|e| e["proposal_id"] == a && e["action"] == "merge"));
    assert!(timeline
        .iter()
        .any(|e| e["proposal_id"] == b && e["action"] == "merged_in"));
    assert_eq!(
        timeline.iter().filter(|e| e["action"] == "support").count(),
        4
    );
    let (_, source) = app.get_json(&format!("/api/v1/proposals/{a}")).await;
    assert_eq!(source["status"], "merged");
    assert_eq!(source["merged_into"]["id"], b);
    // Supporting the merged source again is refused; supporting the target from THIRD, which
    // already supports it through A and B, too.
    let r = fourth
        .post(
            &format!("/simplification/{b}/soutien"),
            &[("as", &format!("territory:{FOURTH}")), ("testimony", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Vous soutenez déjà cette demande"));
    // The national queue sorts by support: B first.
    let c = proposal_in(&app, THIRD, "national_review", "Autre sujet").await;
    let (_, queue) = national.get("/simplification/file?sort=support").await;
    let (pb, pc) = (
        queue.find(&format!("/simplification/{b}\"")).unwrap(),
        queue.find(&format!("/simplification/{c}\"")).unwrap(),
    );
    assert!(pb < pc);

    // The national delegation undoes the merge: A takes its own course again with its own
    // supporters, and both timelines say so.
    let r = national
        .post(
            &format!("/simplification/{a}/etape"),
            &[("action", "unmerge"), ("comment", "Fusion par erreur.")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{a}?etape=national_review&prevenus=2")
    );
    let (_, source) = app.get_json(&format!("/api/v1/proposals/{a}")).await;
    assert_eq!(source["status"], "national_review");
    assert!(source["merged_into"].is_null(), "{source}");
    assert_eq!(source["territories_supporting"], 2, "THIRD and FOURTH");
    assert!(source["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "unmerge" && e["comment"] == "Fusion par erreur."));
    let (_, target) = app.get_json(&format!("/api/v1/proposals/{b}")).await;
    assert_eq!(target["sources"].as_array().unwrap().len(), 0, "{target}");
    assert_eq!(target["territories_supporting"], 1, "THIRD only");
    assert_eq!(target["firms_supporting"], 1);
    let timeline = target["timeline"].as_array().unwrap();
    assert!(timeline
        .iter()
        .any(|e| e["action"] == "unmerged_out" && e["related_id"] == a));
    assert!(timeline.iter().any(|e| e["action"] == "merged_in"));
    // After 30 days, a merge can no longer be undone.
    let r = national
        .post(&format!("/simplification/{a}/etape"), &merge("1"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // The merge is dated 31 days back (moving the clock would end the session too).
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "UPDATE proposal_event SET at = at - ? WHERE proposal_id = ? AND action = 'merge'",
            vec![(31 * 24 * 3600_i64).into(), a.into()],
        ),
    )
    .await
    .unwrap();
    let before = footprint(&app, a).await;
    let r = national
        .post(
            &format!("/simplification/{a}/etape"),
            &[("action", "unmerge")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("plus de 30 jours"));
    assert_eq!(footprint(&app, a).await, before);
}

#[tokio::test]
async fn drafts_stay_private_and_bad_filters_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let draft = proposal_in(&app, HOME, "draft", "Brouillon secret").await;
    proposal_in(&app, HOME, "regional_review", "Demande publique").await;
    let (_, list) = app.get_json("/api/v1/proposals").await;
    assert_eq!(list["total"], 1);
    // Signed out, a draft is sign-in-first, as an id that names nothing: the two cannot be
    // told apart.
    let (status, _) = app.get_html(&format!("/simplification/{draft}")).await;
    assert_eq!(status, 303);
    let (missing, _) = app
        .get_html(&format!("/simplification/{}", draft + 999))
        .await;
    assert_eq!(missing, 303);
    let (_, page) = app.get_html("/simplification").await;
    assert!(page.contains("Demande publique") && !page.contains("Brouillon secret"));
    for bad in [
        "status=draft",
        "theme=meteo",
        "per_page=500",
        "sort=x",
        "level=europe",
        "page=0",
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/proposals?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    // A team member writes a draft, but the form refuses another territory.
    let mut member = person(
        &app,
        "tm@t.fr",
        "Équipe",
        Some((Scope::Territory(HOME.into()), Role::TeamMember)),
    )
    .await;
    let r = member
        .post(
            "/simplification/nouvelle",
            &[("territory_id", OTHER), ("title", "Pas mon territoire")],
        )
        .await;
    assert_refused(r, app::error::Problem::TerritoryNotYours).await;
    let before = app.count("SELECT COUNT(*) AS n FROM proposal").await;
    let r = member
        .post(
            "/simplification/nouvelle",
            &[("territory_id", HOME), ("title", "abc")],
        )
        .await;
    assert_refused(r, app::error::Problem::TitleTooShort).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM proposal").await,
        before
    );
    // Another territory's team cannot tell a draft from an id that does not exist.
    let mut other = person(
        &app,
        "autre@t.fr",
        "Autre équipe",
        Some((Scope::Territory(OTHER.into()), Role::ProjectManager)),
    )
    .await;
    let missing = draft + 10_000;
    let answer = |r: reqwest::Response| {
        (
            r.status().as_u16(),
            r.headers()
                .get("location")
                .map(|l| {
                    l.to_str()
                        .unwrap()
                        .replace(&format!("/simplification/{missing}"), "/simplification/N")
                        .replace(&format!("/simplification/{draft}"), "/simplification/N")
                })
                .unwrap_or_default(),
        )
    };
    for (path, form) in [
        (
            "modifier",
            vec![("title", "Un autre titre"), ("problem", "p")],
        ),
        (
            "soutien",
            vec![
                ("as_scope", "territory:ti-8413"),
                ("testimony", "Nous aussi"),
            ],
        ),
    ] {
        let on_draft = answer(
            other
                .post(&format!("/simplification/{draft}/{path}"), &form)
                .await,
        );
        let on_missing = answer(
            other
                .post(&format!("/simplification/{missing}/{path}"), &form)
                .await,
        );
        assert_eq!(
            on_draft, on_missing,
            "{path}: a draft answers like a missing id"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM proposal_support")
            .await,
        0
    );
}

#[tokio::test]
async fn public_proposals_are_searchable_and_similar_ones_are_suggested() {
    let app = spawn_app(Backend::Sqlite).await;
    let id = proposal_in(
        &app,
        HOME,
        "regional_review",
        "Raccordement électrique des sites industriels trop long",
    )
    .await;
    proposal_in(&app, HOME, "draft", "Raccordement électrique brouillon").await;
    // The journal tells the indexer; the document is searchable within a second.
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(&app.db, "INSERT INTO changes (entity, entity_id, op, at) SELECT 'proposal', id, 'insert', 0 FROM proposal", vec![]),
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    loop {
        let (_, list) = app
            .get_json("/api/v1/proposals?q=raccordements+electriques")
            .await;
        if list["total"] == 1 {
            assert_eq!(list["items"][0]["id"], id);
            break;
        }
        assert!(started.elapsed().as_secs() < 5, "not searchable: {list}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, search) = app
        .get_json("/api/v1/search?q=raccordement&kind=proposal")
        .await;
    assert_eq!(search["total"], 1, "{search}");
}

#[tokio::test]
async fn daily_digests_gather_notices_instead_of_one_mail_each() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut elected = person(
        &app,
        "e@t.fr",
        "Élu",
        Some((Scope::Territory(HOME.into()), Role::ElectedCoLead)),
    )
    .await;
    let mut industrial = person(
        &app,
        "i@t.fr",
        "Industriel",
        Some((Scope::Territory(HOME.into()), Role::IndustrialCoLead)),
    )
    .await;
    let r = elected
        .post("/compte/notifications", &[("proposals", "daily")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = proposal_in(&app, HOME, "draft", "Transport scolaire et horaires postés").await;
    let r = industrial
        .post(&format!("/simplification/{id}/etape"), &step("submit", ""))
        .await;
    // A line in tomorrow's digest is being told too.
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=awaiting_approval&prevenus=1")
    );
    assert!(outbox(&app).await.iter().all(|(to, _)| to != "e@t.fr"));
    let user = app
        .count("SELECT id FROM user_account WHERE email = 'e@t.fr'")
        .await;
    assert_eq!(
        server::mail::digest::pending(&app.db, user).await.unwrap(),
        1
    );
    // Not due yet, then due a day later.
    let now = server::db::organisations::now();
    assert_eq!(
        server::mail::digest::send_due(&app.db, "http://x", now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        server::mail::digest::send_due(&app.db, "http://x", now + 86_400)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        server::mail::digest::pending(&app.db, user).await.unwrap(),
        0
    );
    // With proposals notices off, nobody hears of the next one, and the confirmation says so.
    let r = elected
        .post("/compte/notifications", &[("proposals", "off")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = proposal_in(&app, HOME, "draft", "Horaires des navettes de zone").await;
    let r = industrial
        .post(&format!("/simplification/{id}/etape"), &step("submit", ""))
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/simplification/{id}?etape=awaiting_approval&prevenus=0")
    );
    let mails = outbox(&app).await;
    assert!(
        mails
            .iter()
            .any(|(to, s)| to == "e@t.fr" && s.contains("1 nouveauté")),
        "{mails:?}"
    );
}
