//! Claims: a person represents a firm the register loaded, or asks for one to be created; the
//! territory's team decides from its queue; approval makes the person the admin. Through the
//! forms and through the JSON API, with the wrong person and bad input each time.

use crate::helpers::{
    assert_refused, load_register, person, refusal, spawn_app, write_token, Backend, TestApp,
};
use crate::on_both_backends;
use app::domain::policy::{Role, Scope};
use app::error::Problem;
use sea_orm::ConnectionTrait;

/// The décolletage shop of the register's extract, in Cluses (ti-8422).
const DECOLLETAGE: &str = "41234567000019";

fn arve() -> Option<(Scope, Role)> {
    Some((Scope::Territory("ti-8422".into()), Role::ProjectManager))
}

async fn org_id(app: &TestApp, siret: &str) -> i64 {
    app.count(&format!(
        "SELECT id FROM organisation WHERE siret = '{siret}'"
    ))
    .await
}

async fn admins(app: &TestApp, org: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM membership WHERE scope_kind = 'organisation' AND scope_id = '{org}' AND role = 'admin'"
    ))
    .await
}

async fn mails_to(app: &TestApp, email: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM outbox WHERE to_email = '{email}'"
    ))
    .await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn a_claim_is_decided_by_the_territory_team_and_makes_the_claimant_admin(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let firm = org_id(&app, DECOLLETAGE).await;
    let mut manager = person(&app, "cheffe@arve.fr", arve()).await;
    let mut other = person(
        &app,
        "chef@oyonnax.fr",
        Some((Scope::Territory("ti-8413".into()), Role::ProjectManager)),
    )
    .await;
    let mut claimant = person(&app, "claire.martin@gmail.com", None).await;

    // Unclaimed: the badge, and the form; nobody may edit it.
    let (status, page) = claimant.get(&format!("/organisations/{firm}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Profil non revendiqué"), "badge shown");
    assert!(page.contains("data-testid=\"claim-form\""));
    assert!(!page.contains("data-testid=\"edit-link\""));
    let r = claimant
        .post(
            &format!("/organisations/{firm}/modifier"),
            &[("name", "Mon atelier")],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "an unclaimed profile takes no edits"
    );

    // A message too long is refused in place, and nothing is recorded.
    let long = "x".repeat(2_001);
    let r = claimant
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", long.as_str())],
        )
        .await;
    assert_refused(r, Problem::TextTooLong).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation_claim").await,
        0
    );

    // The claim goes to the team of ti-8422 (a free-mail address is never enough by itself).
    let r = claimant
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", "Gérante depuis 2019")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(to.starts_with("/revendications?demande="), "{to}");
    assert!(
        to.ends_with("&prevenus=1"),
        "the chef de projet is told: {to}"
    );
    assert_eq!(mails_to(&app, "cheffe@arve.fr").await, 1);
    assert_eq!(mails_to(&app, "chef@oyonnax.fr").await, 0);
    let claim = app.count("SELECT id FROM organisation_claim").await;
    // Asking twice is a conflict, said in place.
    let r = claimant
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let (_, page) = claimant.get(&format!("/organisations/{firm}")).await;
    assert!(page.contains("data-testid=\"claim-pending\""));

    // In the manager's queue, not in Oyonnax's.
    let (_, queue) = manager.get("/revendications").await;
    assert!(
        queue.contains("data-testid=\"claims-to-decide\""),
        "{queue}"
    );
    assert!(queue.contains("Gérante depuis 2019"));
    assert!(queue.contains("claire.martin@gmail.com"));
    let (_, elsewhere) = other.get("/revendications").await;
    assert!(!elsewhere.contains("claims-to-decide"));

    // The wrong person, and a refusal without its reason, change nothing.
    let decide = format!("/revendications/{claim}");
    let r = other.post(&decide, &[("action", "approve")]).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = claimant.post(&decide, &[("action", "approve")]).await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "a claimant never decides their own claim"
    );
    let r = manager
        .post(&decide, &[("action", "refuse"), ("reason", " ")])
        .await;
    assert_refused(r, Problem::ReasonRequired).await;
    assert_eq!(admins(&app, firm).await, 0);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM organisation_claim WHERE id = {claim} AND status = 'pending'"
        ))
        .await,
        1
    );

    // Approved: the claimant administers the firm, is told, and edits it.
    let r = manager.post(&decide, &[("action", "approve")]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/revendications?fait=approved&prevenus=1");
    assert_eq!(admins(&app, firm).await, 1);
    assert_eq!(mails_to(&app, "claire.martin@gmail.com").await, 1);
    let r = manager
        .post(&decide, &[("action", "refuse"), ("reason", "trop tard")])
        .await;
    assert_eq!(r.status().as_u16(), 409, "decided once");
    let (_, page) = claimant.get(&format!("/organisations/{firm}")).await;
    assert!(!page.contains("Profil non revendiqué"));
    let r = claimant
        .post(
            &format!("/organisations/{firm}/modifier"),
            &[
                ("name", "Décolletage du Faucigny"),
                (
                    "description",
                    "Décolletage de précision pour l'aéronautique",
                ),
                ("capabilities", "décolletage; usinage 5 axes"),
                ("certifications", "EN 9100"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "the new admin edits the profile");
    let (_, detail) = app.get_json(&format!("/api/v1/organisations/{firm}")).await;
    assert_eq!(detail["certifications"], serde_json::json!(["EN 9100"]));
}
on_both_backends!(a_claim_is_decided_by_the_territory_team_and_makes_the_claimant_admin);

async fn an_address_at_the_firm_own_domain_is_approved_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let firm = org_id(&app, DECOLLETAGE).await;
    // The website comes from another source than the claimant (here an import).
    app.db
        .execute_unprepared(&format!(
            "UPDATE organisation SET website = 'https://www.decolletage-faucigny.fr' WHERE id = {firm}"
        ))
        .await
        .unwrap();
    let mut claimant = person(&app, "c.martin@decolletage-faucigny.fr", None).await;
    let r = claimant
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", "")],
        )
        .await;
    assert_eq!(location(&r), format!("/organisations/{firm}?revendiquee=1"));
    assert_eq!(admins(&app, firm).await, 1);
    // Now it has an admin: another person asks them, not the team.
    let mut late = person(&app, "autre@decolletage-faucigny.fr", None).await;
    let r = late
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
}
on_both_backends!(an_address_at_the_firm_own_domain_is_approved_at_once);

async fn a_created_organisation_stays_hidden_until_approved(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let mut manager = person(&app, "cheffe@arve.fr", arve()).await;
    let mut claimant = person(&app, "claire@atelier-thyez.fr", None).await;
    let before = app.count("SELECT COUNT(*) FROM organisation").await;

    // Every bad field is named, in place, and nothing is created.
    let r = claimant
        .post(
            "/rejoindre",
            &[
                ("kind", "district"),
                ("siret", "12345678900000"),
                ("name", ""),
                ("naf", "99.99Z"),
                ("commune", "Clusesville"),
            ],
        )
        .await;
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    let said = |p: Problem| app::i18n::t(app::i18n::Lang::Fr, p.key()).to_owned();
    for p in [
        Problem::KindInvalid,
        Problem::SiretInvalid,
        Problem::NameRequired,
        Problem::NafInvalid,
        Problem::CommuneUnknown,
    ] {
        assert!(shown.contains(&said(p)), "{p:?} in {shown:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM organisation").await, before);
    // A SIRET the platform holds is claimed, not created.
    let r = claimant
        .post(
            "/rejoindre",
            &[
                ("siret", DECOLLETAGE),
                ("name", "Doublon"),
                ("naf", "25.62B"),
                ("commune", "Cluses"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);

    let siret = crate::organisations::siret(77);
    let r = claimant
        .post(
            "/rejoindre",
            &[
                ("kind", "firm"),
                ("siret", siret.as_str()),
                ("name", "Atelier de Thyez"),
                ("naf", "2562B"),
                ("commune", "Thyez"),
                ("message", "Fondatrice"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{:?}", refusal(r).await);
    let created = org_id(&app, &siret).await;
    let (status, _) = app
        .get_json(&format!("/api/v1/organisations/{created}"))
        .await;
    assert_eq!(status, 404, "pending: seen by no one");
    let (_, queue) = manager.get("/revendications").await;
    assert!(queue.contains("Atelier de Thyez"));
    let claim = app
        .count(&format!(
            "SELECT id FROM organisation_claim WHERE organisation_id = {created}"
        ))
        .await;
    let r = manager
        .post(
            &format!("/revendications/{claim}"),
            &[("action", "approve")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, detail) = app
        .get_json(&format!("/api/v1/organisations/{created}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["territory"][0], "ti-8422");
    assert_eq!(admins(&app, created).await, 1);
}
on_both_backends!(a_created_organisation_stays_hidden_until_approved);

async fn claims_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let firm = org_id(&app, DECOLLETAGE).await;
    let _manager = person(&app, "cheffe@arve.fr", arve()).await;
    let _claimant = person(&app, "claire.martin@gmail.com", None).await;
    let claimant = write_token(&app, "claire.martin@gmail.com").await;
    let manager = write_token(&app, "cheffe@arve.fr").await;
    let post = |path: String, token: Option<String>, body: serde_json::Value| {
        let mut r = app
            .client
            .post(app.url(&format!("/api/v1{path}")))
            .json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };

    // Without a token: 401, nothing recorded.
    let (status, _) = post(
        format!("/organisations/{firm}/claims"),
        None,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = post(
        format!("/organisations/{firm}/claims"),
        Some(claimant.clone()),
        serde_json::json!({ "message": "Gérante" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["claim"]["status"], "pending");
    assert_eq!(body["claim"]["actions"], serde_json::json!(["withdraw"]));
    let claim = body["claim"]["id"].as_i64().unwrap();

    // A European district is opened by the platform, never claimed.
    let district = app
        .count("SELECT id FROM organisation WHERE kind = 'district' ORDER BY id LIMIT 1")
        .await;
    let (status, _) = post(
        format!("/organisations/{district}/claims"),
        Some(claimant.clone()),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM organisation_claim WHERE organisation_id = {district}"
        ))
        .await,
        0
    );

    // Creation: without a token 401; each bad field named; then a pending organisation.
    let before = app.count("SELECT COUNT(*) FROM organisation").await;
    let (status, _) = post(
        "/organisations".into(),
        None,
        serde_json::json!({ "siret": crate::organisations::siret(79), "name": "Sans jeton", "naf": "25.62B", "commune": "74081" }),
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = post(
        "/organisations".into(),
        Some(claimant.clone()),
        serde_json::json!({ "siret": "1", "name": "", "naf": "x", "commune": "" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for field in ["siret", "name", "naf", "commune"] {
        assert!(message.contains(field), "{field} in {message}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation").await,
        before,
        "nothing created"
    );
    let siret = crate::organisations::siret(78);
    let (status, body) = post(
        "/organisations".into(),
        Some(claimant.clone()),
        serde_json::json!({ "siret": siret, "name": "Atelier API", "naf": "25.62B", "commune": "74081" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["claim"]["kind"], "creation");

    // The queue and the decision: the claimant may not approve; the manager does.
    let (status, _) = post(
        format!("/claims/{claim}/decision"),
        Some(claimant.clone()),
        serde_json::json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(
        format!("/claims/{claim}/decision"),
        Some(manager.clone()),
        serde_json::json!({ "action": "refuse" }),
    )
    .await;
    assert_eq!(status, 400, "a refusal names its reason");
    let queue: serde_json::Value = app
        .client
        .get(app.url("/api/v1/claims"))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queue["to_decide"].as_array().unwrap().len(), 2, "{queue}");
    let (status, body) = post(
        format!("/claims/{claim}/decision"),
        Some(manager.clone()),
        serde_json::json!({ "action": "refuse", "reason": "Vous n'apparaissez pas au registre" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["claim"]["status"], "refused");
    assert_eq!(admins(&app, firm).await, 0);

    // At most five requests wait at once (the creation above is one): each mails the team.
    let (_, poles) = app
        .get_json("/api/v1/organisations?kind=pole&per_page=6")
        .await;
    let mut statuses = Vec::new();
    for pole in poles["items"].as_array().unwrap() {
        let id = pole["id"].as_i64().unwrap();
        let (status, _) = post(
            format!("/organisations/{id}/claims"),
            Some(claimant.clone()),
            serde_json::json!({}),
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [201, 201, 201, 201, 409, 409]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisation_claim WHERE status = 'pending'")
            .await,
        5
    );
}
on_both_backends!(claims_through_the_api);

async fn a_claimed_profile_is_patched_by_its_admin_only(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let firm = org_id(&app, DECOLLETAGE).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE organisation SET website = 'https://decolletage-faucigny.fr' WHERE id = {firm}"
        ))
        .await
        .unwrap();
    let mut admin = person(&app, "gerante@decolletage-faucigny.fr", None).await;
    admin
        .post(
            &format!("/organisations/{firm}/revendiquer"),
            &[("message", "")],
        )
        .await;
    assert_eq!(admins(&app, firm).await, 1);
    let _other = person(&app, "voisin@example.fr", None).await;
    let mine = write_token(&app, "gerante@decolletage-faucigny.fr").await;
    let theirs = write_token(&app, "voisin@example.fr").await;
    let patch = |token: Option<String>, body: serde_json::Value| {
        let mut r = app
            .client
            .patch(app.url(&format!("/api/v1/organisations/{firm}")))
            .json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let name = || async {
        app.get_json(&format!("/api/v1/organisations/{firm}"))
            .await
            .1["name"]
            .clone()
    };
    let body = serde_json::json!({ "name": "Pris", "certifications": ["EN 9100"] });
    assert_eq!(patch(None, body.clone()).await.0, 401);
    assert_eq!(patch(Some(theirs), body.clone()).await.0, 403);
    let (status, bad) = patch(
        Some(mine.clone()),
        serde_json::json!({ "website": "ftp://x", "email": "x", "visibility": "secret" }),
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    let message = bad["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for field in ["website", "email", "visibility"] {
        assert!(message.contains(field), "{field} in {message}");
    }
    assert_eq!(name().await, "DECOLLETAGE DU FAUCIGNY", "nothing changed");
    // What is sent changes; what is not keeps its value.
    let (status, detail) = patch(
        Some(mine),
        serde_json::json!({ "capabilities": ["décolletage", "taillage"], "certifications": ["EN 9100"] }),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["name"], "DECOLLETAGE DU FAUCIGNY");
    assert_eq!(detail["website"], "https://decolletage-faucigny.fr");
    assert_eq!(
        detail["capabilities"],
        serde_json::json!(["décolletage", "taillage"])
    );
    assert_eq!(detail["certifications"], serde_json::json!(["EN 9100"]));

    // Only a firm keeps its profile for members: a pôle stays public.
    let pole = app
        .count("SELECT id FROM organisation WHERE kind = 'pole' ORDER BY id LIMIT 1")
        .await;
    let _pole_admin = person(
        &app,
        "pole@example.fr",
        Some((Scope::Organisation(pole), Role::Admin)),
    )
    .await;
    let pole_token = write_token(&app, "pole@example.fr").await;
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/organisations/{pole}")))
        .bearer_auth(pole_token)
        .json(&serde_json::json!({ "visibility": "members" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("visibility"),
        "{body}"
    );
}
on_both_backends!(a_claimed_profile_is_patched_by_its_admin_only);
