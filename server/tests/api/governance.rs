//! Governance as the programme defines it, through the real server: who designates the binôme
//! and the État's référent, one holder per seat, the référent's step (redirection, standing in
//! for a silent seat), and the regions of an interregional territory (every one gives its
//! opinion, the lead decides, escalation needs its opinion).

use crate::accounts::mailed_token;
use crate::helpers::{
    assert_not_allowed, assert_refused, person, spawn_app, Backend, Browser, TestApp, PASSWORD,
};
use crate::on_both_backends;
use crate::proposals::proposal_in;
use app::domain::policy::{Role, Scope};
use app::error::Problem;

/// Lacq-Pau-Tarbes: 387 communes in Nouvelle-Aquitaine (75, the lead), 174 in Occitanie (76).
const LACQ: &str = "ti-7510";
/// Vallée de l'Arve, in Auvergne-Rhône-Alpes (84) only.
const ARVE: &str = "ti-8422";

fn territory(id: &str) -> Scope {
    Scope::Territory(id.to_owned())
}

fn region(code: &str) -> Scope {
    Scope::Region(code.to_owned())
}

fn invitation<'a>(email: &'a str, scope_id: &'a str, role: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("email", email),
        ("scope_kind", "territory"),
        ("scope_id", scope_id),
        ("role", role),
    ]
}

/// Follows the invitation mailed to `email`, creating the account.
async fn accept(app: &TestApp, email: &str) {
    let link = mailed_token(app, email, "/invitation").await;
    let r = Browser::new(app)
        .post(
            "/auth/invitation",
            &[("token", &link), ("password", PASSWORD), ("name", email)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{email} accepts");
    assert!(
        !r.headers()["location"].to_str().unwrap().contains("erreur"),
        "{:?}",
        r.headers()["location"]
    );
}

/// The users holding `role` in territory `id`.
async fn holders(app: &TestApp, id: &str, role: &str) -> Vec<String> {
    #[derive(sea_orm::FromQueryResult)]
    struct Email {
        email: String,
    }
    let rows: Vec<Email> = server::db::fetch_all(
        &app.db,
        "SELECT u.email FROM membership m JOIN user_account u ON u.id = m.user_id \
         WHERE m.scope_kind = 'territory' AND m.scope_id = ? AND m.role = ? ORDER BY u.email",
        vec![id.into(), role.into()],
    )
    .await
    .unwrap();
    rows.into_iter().map(|r| r.email).collect()
}

async fn the_region_designates_the_binome_one_holder_per_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    // The chef de projet cannot appoint the binôme that approves the territory's proposals.
    let mut chef = person(
        &app,
        "chef@lacq.fr",
        Some((territory(LACQ), Role::ProjectManager)),
    )
    .await;
    let r = chef
        .post(
            "/compte/invitations",
            &invitation("elu@lacq.fr", LACQ, "elected_colead"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'elu@lacq.fr'")
            .await,
        0,
        "nothing sent"
    );
    // The chef de projet adds team members.
    let r = chef
        .post(
            "/compte/invitations",
            &invitation("equipe@lacq.fr", LACQ, "team_member"),
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    // Occitanie's council designates for a territory with communes in Occitanie, even though
    // Nouvelle-Aquitaine leads it.
    let mut occitanie = person(
        &app,
        "region@occitanie.fr",
        Some((region("76"), Role::RegionalCouncil)),
    )
    .await;
    for email in ["elu1@lacq.fr", "elu2@lacq.fr"] {
        let r = occitanie
            .post(
                "/compte/invitations",
                &invitation(email, LACQ, "elected_colead"),
            )
            .await;
        assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    }
    accept(&app, "elu1@lacq.fr").await;
    assert_eq!(
        holders(&app, LACQ, "elected_colead").await,
        ["elu1@lacq.fr"]
    );
    // A second designation to the seat replaces its holder, and the audit log says so.
    accept(&app, "elu2@lacq.fr").await;
    assert_eq!(
        holders(&app, LACQ, "elected_colead").await,
        ["elu2@lacq.fr"]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'role_replaced'")
            .await,
        1
    );
    // The database holds the rule too: a second holder cannot be written beside the first.
    let other = app
        .count("SELECT id FROM user_account WHERE email = 'elu1@lacq.fr'")
        .await;
    let sneaked = sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "INSERT INTO membership (user_id, scope_kind, scope_id, role, created_at) \
             VALUES ({other}, 'territory', '{LACQ}', 'elected_colead', 0)"
        ),
    )
    .await;
    assert!(sneaked.is_err(), "one holder per seat in the database");
    // Only the prefecture designates the État's référent; a region the territory does not
    // span designates nothing there.
    let r = occitanie
        .post(
            "/compte/invitations",
            &invitation("etat@lacq.fr", LACQ, "state_referent"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let mut prefecture = person(
        &app,
        "prefecture@nouvelle-aquitaine.fr",
        Some((region("75"), Role::RegionalState)),
    )
    .await;
    let r = prefecture
        .post(
            "/compte/invitations",
            &invitation("etat@lacq.fr", LACQ, "state_referent"),
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    let r = prefecture
        .post(
            "/compte/invitations",
            &invitation("elu@arve.fr", ARVE, "elected_colead"),
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "Arve is not in Nouvelle-Aquitaine"
    );
    // Whoever may designate may remove: the council takes the seat back.
    let holder = app
        .count("SELECT id FROM user_account WHERE email = 'elu2@lacq.fr'")
        .await
        .to_string();
    let r = occitanie
        .post(
            "/compte/membres/retirer",
            &[
                ("user_id", holder.as_str()),
                ("scope_kind", "territory"),
                ("scope_id", LACQ),
                ("role", "elected_colead"),
            ],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{:?}",
        r.headers().get("location")
    );
    assert!(holders(&app, LACQ, "elected_colead").await.is_empty());
}
on_both_backends!(the_region_designates_the_binome_one_holder_per_seat);

async fn timeline(app: &TestApp, id: i64) -> Vec<serde_json::Value> {
    let (status, body) = app.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(status, 200);
    body["timeline"].as_array().unwrap().clone()
}

async fn every_region_concerned_gives_its_opinion_and_the_lead_decides(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = proposal_in(
        &app,
        LACQ,
        "regional_review",
        "Délais ICPE du bassin de Lacq",
    )
    .await;
    let path = format!("/simplification/{id}/etape");
    let mut occitanie = person(
        &app,
        "prefecture@occitanie.fr",
        Some((region("76"), Role::RegionalState)),
    )
    .await;
    let mut lead = person(
        &app,
        "region@nouvelle-aquitaine.fr",
        Some((region("75"), Role::RegionalCouncil)),
    )
    .await;
    // Both regions find it in their queue; the page names both, the lead first.
    for b in [&occitanie, &lead] {
        let (_, queue) = b.get("/simplification/file").await;
        assert!(queue.contains(&format!("n° {id}")), "{queue}");
    }
    let (_, page) = occitanie.get(&format!("/simplification/{id}")).await;
    assert!(page.contains("data-testid=\"regions-concerned\""), "{page}");
    assert!(
        page.contains("act-opinion"),
        "Occitanie may give its opinion"
    );
    assert!(!page.contains("act-answer_regional"), "but not decide");
    // Occitanie gives its opinion; it may not decide.
    let r = occitanie
        .post(
            &path,
            &[
                ("action", "opinion"),
                ("stance", "reserved"),
                (
                    "comment",
                    "Favorable si les délais de l'Occitanie sont pris en compte.",
                ),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"].to_str().unwrap().split('&').next(),
        Some(format!("/simplification/{id}?etape=regional_review").as_str())
    );
    for action in ["answer_regional", "escalate", "return"] {
        let r = occitanie
            .post(&path, &[("action", action), ("comment", "x")])
            .await;
        assert_not_allowed(r).await;
    }
    // A concerned region's opinion is not the lead's: escalating still needs it.
    let r = lead
        .post(&path, &[("action", "escalate"), ("comment", "")])
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let (_, page) = lead.get(&format!("/simplification/{id}")).await;
    assert!(
        page.contains("data-testid=\"opinion-needed\""),
        "the page says why"
    );
    let r = lead
        .post(
            &path,
            &[
                ("action", "opinion"),
                ("stance", "sideways"),
                ("comment", "Avis"),
            ],
        )
        .await;
    assert_refused(r, Problem::StanceRequired).await;
    let r = lead
        .post(
            &path,
            &[
                ("action", "opinion"),
                ("stance", "favourable"),
                ("comment", "Favorable : le blocage touche les deux régions."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = lead
        .post(
            &path,
            &[
                ("action", "answer_regional"),
                (
                    "comment",
                    "Les deux régions réunissent les services instructeurs.",
                ),
            ],
        )
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("etape=answered_regional"),
        "{:?}",
        r.headers()["location"]
    );
    let steps = timeline(&app, id).await;
    let opinions: Vec<(&str, &str)> = steps
        .iter()
        .filter(|e| e["action"] == "opinion")
        .map(|e| (e["role"].as_str().unwrap(), e["stance"].as_str().unwrap()))
        .collect();
    assert_eq!(
        opinions,
        [
            ("concerned_region", "reserved"),
            ("regional_council", "favourable")
        ]
    );
    // The national délégation sees what regions answered, by theme.
    let national = person(
        &app,
        "dg@anct.fr",
        Some((Scope::National, Role::NationalDelegation)),
    )
    .await;
    let (_, queue) = national.get("/simplification/file").await;
    assert!(
        queue.contains("data-testid=\"answered-in-regions\""),
        "{queue}"
    );
    assert!(queue.contains(&format!("n° {id}")), "{queue}");
}
on_both_backends!(every_region_concerned_gives_its_opinion_and_the_lead_decides);

async fn the_referent_redirects_at_the_territory_and_stands_in_for_a_silent_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut referent = person(
        &app,
        "etat@arve.fr",
        Some((territory(ARVE), Role::StateReferent)),
    )
    .await;
    let mut council = person(
        &app,
        "region@aura.fr",
        Some((region("84"), Role::RegionalCouncil)),
    )
    .await;
    // Redirection: the référent's, at the territory; the Region cannot.
    let id = proposal_in(
        &app,
        ARVE,
        "referent_review",
        "Extension d'un atelier en zone N",
    )
    .await;
    let path = format!("/simplification/{id}/etape");
    let redirect = [
        ("action", "redirect"),
        ("mechanism", "rescrit"),
        (
            "comment",
            "Le rescrit environnemental dira d'avance si l'extension relève de l'autorisation.",
        ),
    ];
    let r = council.post(&path, &redirect).await;
    assert_not_allowed(r).await;
    let r = referent.post(&path, &redirect).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("etape=redirected"),
        "{:?}",
        r.headers()["location"]
    );
    let (_, queue) = council.get("/simplification/file").await;
    assert!(
        !queue.contains(&format!("n° {id}")),
        "never in a regional queue"
    );
    let last = timeline(&app, id).await.pop().unwrap();
    assert_eq!(last["action"], "redirect");
    assert_eq!(last["role"], "state_referent");
    assert_eq!(last["mechanism"], "rescrit");
    assert_eq!(last["user_name"], "Claire Martin");
    let (_, page) = app.get_html(&format!("/simplification/{id}")).await;
    assert!(page.contains("Rescrit environnemental"));
    assert!(
        page.contains("référent territorial de l&#x27;État")
            || page.contains("référent territorial de l'État")
    );

    // The industrial seat is vacant: the elected co-lead submits, and the proposal waits.
    let mut elected = person(
        &app,
        "elu@arve.fr",
        Some((territory(ARVE), Role::ElectedCoLead)),
    )
    .await;
    let r = elected
        .post(
            "/simplification/nouvelle",
            &[
                ("territory_id", ARVE),
                ("title", "Délais de raccordement électrique des ateliers de décolletage"),
                ("problem", "Deux ateliers attendent 18 mois un raccordement pour leurs nouvelles machines."),
                ("rule", "Procédure de raccordement au réseau de distribution"),
                ("theme", "energy"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location
        .trim_start_matches("/simplification/")
        .trim_end_matches("?cree=1")
        .parse()
        .unwrap();
    let path = format!("/simplification/{id}/etape");
    let r = elected.post(&path, &[("action", "submit")]).await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("etape=awaiting_approval"));
    // Before the period is over, the référent may not stand in.
    app.clock.advance(14 * 86_400);
    let r = referent.post(&path, &[("action", "approve")]).await;
    assert_not_allowed(r).await;
    // Fifteen days on, the référent's approval lets it leave the territory.
    app.clock.advance(86_400);
    let (_, page) = referent.get(&format!("/simplification/{id}")).await;
    assert!(
        page.contains("act-approve"),
        "offered once the period is over"
    );
    let r = referent.post(&path, &[("action", "approve")]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("etape=regional_review"),
        "{:?}",
        r.headers()["location"]
    );
    let last = timeline(&app, id).await.pop().unwrap();
    assert_eq!(last["action"], "approve");
    assert_eq!(last["role"], "state_referent");
    assert_eq!(last["stands_in"], "industrial_colead");
    let (_, page) = app.get_html(&format!("/simplification/{id}")).await;
    assert!(
        page.contains("data-testid=\"stands-in\""),
        "the timeline says so"
    );
    assert!(
        page.contains("à la place de l&#x27;industriel du binôme")
            || page.contains("à la place de l'industriel du binôme")
    );
    let (_, queue) = council.get("/simplification/file").await;
    assert!(queue.contains(&format!("n° {id}")), "it reached the region");
}
on_both_backends!(the_referent_redirects_at_the_territory_and_stands_in_for_a_silent_seat);

/// Posts a session's decision on a proposal.
async fn decide_on(
    b: &mut Browser<'_>,
    path: &str,
    id: i64,
    stance: &str,
    comment: &str,
) -> reqwest::Response {
    let id = id.to_string();
    b.post(
        path,
        &[
            ("item_kind", "proposal"),
            ("item_id", id.as_str()),
            ("stance", stance),
            ("comment", comment),
        ],
    )
    .await
}

async fn a_regional_committee_decides_item_by_item_and_prints_its_releve(backend: Backend) {
    let app = spawn_app(backend).await;
    let lacq = proposal_in(
        &app,
        LACQ,
        "regional_review",
        "Servitudes autour des plateformes chimiques",
    )
    .await;
    let other = proposal_in(
        &app,
        "ti-7501",
        "regional_review",
        "Délais des fouilles préventives",
    )
    .await;
    let committee = app
        .count("SELECT id FROM committee WHERE kind = 'regional_steering' AND scope_id = '75'")
        .await;
    let mut council = person(
        &app,
        "copil@nouvelle-aquitaine.fr",
        Some((region("75"), Role::RegionalCouncil)),
    )
    .await;
    // Without the region's opinion, no escalation.
    let r = council
        .post(
            &format!("/simplification/{lacq}/etape"),
            &[("action", "escalate")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    // Another region does not run this committee.
    let mut occitanie = person(
        &app,
        "copil@occitanie.fr",
        Some((region("76"), Role::RegionalCouncil)),
    )
    .await;
    let plan = format!("/comites/{committee}/seances");
    let r = occitanie
        .post(&plan, &[("held_on", "2027-01-12"), ("place", "Toulouse")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // A date that is not one is refused beside its field, and nothing is planned.
    let r = council
        .post(&plan, &[("held_on", "2027-02-30"), ("place", "Bordeaux")])
        .await;
    assert_refused(r, Problem::CalendarDateInvalid).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM committee_session").await, 0);
    let r = council
        .post(
            &plan,
            &[
                ("held_on", "2027-01-12"),
                ("place", "Bordeaux, hôtel de région"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?cree=1"), "{location}");
    let session: i64 = location
        .trim_start_matches("/comites/seances/")
        .trim_end_matches("?cree=1")
        .parse()
        .unwrap();
    let r = council
        .post(
            &format!("/comites/{committee}/membres"),
            &[
                ("label", "Banque des Territoires"),
                ("function", "Opérateur de l'État"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/comites/{committee}?membre=1")
    );
    // The agenda lists what awaits the region, the interregional territory's item included.
    let (_, page) = council.get(&format!("/comites/seances/{session}")).await;
    for id in [lacq, other] {
        assert!(
            page.contains(&format!("data-testid=\"dec-proposal-{id}\"")),
            "{page}"
        );
    }
    let decide = format!("/comites/seances/{session}/decisions");
    let r = decide_on(&mut council, &decide, lacq, "favourable", "").await;
    assert_refused(r, Problem::CommentRequired).await;
    let r = decide_on(
        &mut council,
        &decide,
        lacq,
        "favourable",
        "Avis favorable : à porter au niveau national.",
    )
    .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("decision=1"),
        "{:?}",
        r.headers()["location"]
    );
    let r = decide_on(
        &mut council,
        &decide,
        lacq,
        "unfavourable",
        "Finalement non.",
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        409,
        "one decision per item and session"
    );
    let r = decide_on(
        &mut council,
        &decide,
        other,
        "unfavourable",
        "Relève du droit commun de l'archéologie préventive.",
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // The relevé lists each decision, with the members.
    let (status, releve) = app
        .get_html(&format!("/comites/seances/{session}/releve"))
        .await;
    assert_eq!(status, 200);
    assert!(releve.contains("data-testid=\"releve\""));
    assert!(releve.contains("Banque des Territoires"));
    assert!(releve.contains("Défavorable") && releve.contains("Favorable"));
    assert!(releve.contains("à porter au niveau national"));
    // The committee's decision is the region's opinion: the escalation now goes through, and
    // the proposal's timeline names the session.
    let r = council
        .post(
            &format!("/simplification/{lacq}/etape"),
            &[("action", "escalate")],
        )
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("etape=national_review"),
        "{:?}",
        r.headers()["location"]
    );
    let opinion = timeline(&app, lacq)
        .await
        .into_iter()
        .find(|e| e["action"] == "opinion")
        .unwrap();
    assert_eq!(opinion["session_id"], session);
    assert_eq!(opinion["stance"], "favourable");
    // Both regions' committees appear in the territory's governance section.
    let (_, page) = app.get_html(&format!("/territoires/{LACQ}")).await;
    assert!(page.contains("data-testid=\"governance\""), "{page}");
    assert_eq!(
        page.matches("data-testid=\"committee\"").count(),
        3,
        "local + two regions"
    );
}
on_both_backends!(a_regional_committee_decides_item_by_item_and_prints_its_releve);

async fn seats_are_written_to_through_the_platform_and_names_stay_private(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut elected = person(
        &app,
        "elu@arve.fr",
        Some((territory(ARVE), Role::ElectedCoLead)),
    )
    .await;
    let page_path = format!("/territoires/{ARVE}");
    // Anonymous visitors see that the seat is held, not by whom.
    let (_, page) = app.get_html(&page_path).await;
    assert!(
        page.contains("data-testid=\"seat-elected_colead\""),
        "{page}"
    );
    assert!(
        page.contains("data-testid=\"seat-vacant\""),
        "the other seats are vacant"
    );
    assert!(
        !page.contains("Claire Martin"),
        "no name to anonymous visitors"
    );
    // A signed-in member sees the name.
    let org = app.count("SELECT MIN(id) AS n FROM organisation").await;
    let mut firm = person(
        &app,
        "dirigeant@decolletage.fr",
        Some((Scope::Organisation(org), Role::Member)),
    )
    .await;
    let (_, page) = firm.get(&page_path).await;
    assert!(page.contains("Claire Martin"));
    // The co-lead chooses to show it to everyone.
    let r = elected.post("/compte/nom-public", &[("public", "1")]).await;
    assert_eq!(r.headers()["location"], "/compte?profil=1");
    let (_, page) = app.get_html(&page_path).await;
    assert!(page.contains("Claire Martin"), "shown once chosen");
    // The firm writes to the seat: the holder is told, without the firm seeing the address.
    assert!(!page.contains("elu@arve.fr"), "the address stays private");
    let write = format!("/territoires/{ARVE}/ecrire");
    let r = firm
        .post(&write, &[("role", "elected_colead"), ("message", "   ")])
        .await;
    assert_refused(r, Problem::MessageRequired).await;
    let r = firm
        .post(
            &write,
            &[("role", "industrial_colead"), ("message", "Bonjour")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "nobody holds that seat");
    let long = "x".repeat(2_001);
    let r = firm
        .post(&write, &[("role", "elected_colead"), ("message", &long)])
        .await;
    assert_refused(r, Problem::TextTooLong).await;
    let r = firm
        .post(
            &write,
            &[
                ("role", "elected_colead"),
                (
                    "message",
                    "Nous cherchons un terrain de 2 ha pour une extension d'atelier.",
                ),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/territoires/{ARVE}?message=1&prevenus=1")
    );
    let mailed = app
        .count(
            "SELECT COUNT(*) FROM outbox WHERE to_email = 'elu@arve.fr' \
             AND body_text LIKE '%terrain de 2 ha%' AND body_text LIKE '%dirigeant@decolletage.fr%'",
        )
        .await;
    assert_eq!(mailed, 1);
    // Anonymous visitors cannot write.
    let r = Browser::new(&app)
        .post(
            &write,
            &[("role", "elected_colead"), ("message", "Bonjour")],
        )
        .await;
    assert_ne!(r.status().as_u16(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'elu@arve.fr'")
            .await,
        1
    );
}
on_both_backends!(seats_are_written_to_through_the_platform_and_names_stay_private);
