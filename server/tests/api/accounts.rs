//! Accounts, sessions, tokens, mail and the authorisation matrix, through the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::helpers::{spawn_app, Backend, Browser, TestApp};
use crate::on_both_backends;
use app::domain::policy::{can, Action, Membership, Resource, Role, Scope, Viewer};
use std::time::{Duration, Instant};

/// The token of the latest link of `path` mailed to `email`, read from the outbox.
async fn mailed_token(app: &TestApp, email: &str, path: &str) -> String {
    #[derive(sea_orm::FromQueryResult)]
    struct Body {
        body_text: String,
    }
    let rows: Vec<Body> = server::db::fetch_all(
        &app.db,
        "SELECT body_text FROM outbox WHERE to_email = ? ORDER BY id DESC",
        vec![email.into()],
    )
    .await
    .unwrap();
    let marker = format!("{path}?token=");
    for row in rows {
        if let Some(i) = row.body_text.find(&marker) {
            return row.body_text[i + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit())
                .collect();
        }
    }
    panic!("no {path} link mailed to {email}");
}

/// Signs a new user up and confirms the address; returns the signed-in browser.
async fn registered<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    let r = b
        .post(
            "/auth/inscription",
            &[
                ("email", email),
                ("name", "Zoé Martin"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let token = mailed_token(app, email, "/verifier").await;
    let r = b.post("/auth/verifier", &[("token", &token)]).await;
    assert_eq!(r.headers()["location"], "/compte?verifie=1");
    b
}

async fn sign_up_verify_sign_in_and_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = registered(&app, "zoe@example.fr").await;
    let (status, page) = b.get("/compte").await;
    assert_eq!(status, 200);
    assert!(page.contains("zoe@example.fr"));
    // The .eml file of the verification mail is in the outbox folder.
    let started = Instant::now();
    while std::fs::read_dir(app.config.outbox_dir())
        .map(|d| d.count())
        .unwrap_or(0)
        == 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no .eml written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.post("/auth/deconnexion", &[]).await;
    let (_, page) = b.get("/compte").await;
    assert!(page.contains("Connectez-vous pour continuer"));
    // Wrong password: one message for every failure (no enumeration).
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "zoe@example.fr"),
                ("password", "pas le bon mot de passe"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/connexion?erreur=credentials");
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "nobody@example.fr"),
                ("password", "pas le bon mot de passe"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/connexion?erreur=credentials");
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "zoe@example.fr"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte");
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly; SameSite=Lax"));
    // Signing up again with the same address says the same and creates nothing.
    let r = Browser::new(&app)
        .post(
            "/auth/inscription",
            &[
                ("email", "zoe@example.fr"),
                ("name", "X"),
                ("password", "un autre mot de passe"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/inscription?envoye=1");
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 1);
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in_failed'")
            .await
            >= 2
    );
}
on_both_backends!(sign_up_verify_sign_in_and_out);

async fn short_passwords_and_bad_addresses_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = Browser::new(&app);
    let r = b
        .post(
            "/auth/inscription",
            &[
                ("email", "a@example.fr"),
                ("name", "A"),
                ("password", "trop court"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/inscription?erreur=password_too_short"
    );
    let r = b
        .post(
            "/auth/inscription",
            &[
                ("email", "pas-une-adresse"),
                ("name", "A"),
                ("password", "assez long pour passer"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/inscription?erreur=email_invalid");
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}
on_both_backends!(short_passwords_and_bad_addresses_are_refused);

async fn magic_link_and_password_reset(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut first = registered(&app, "ali@example.fr").await;
    let mut b = Browser::new(&app);
    let r = b
        .post("/auth/lien-magique", &[("email", "ali@example.fr")])
        .await;
    assert_eq!(r.headers()["location"], "/connexion?lien=envoye");
    // Unknown address: the same answer, no mail.
    let r = b
        .post("/auth/lien-magique", &[("email", "nobody@example.fr")])
        .await;
    assert_eq!(r.headers()["location"], "/connexion?lien=envoye");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'nobody@example.fr'")
            .await,
        0
    );
    let token = mailed_token(&app, "ali@example.fr", "/lien").await;
    let r = b.post("/auth/lien", &[("token", &token)]).await;
    assert_eq!(r.headers()["location"], "/compte");
    // A link works once.
    let r = Browser::new(&app)
        .post("/auth/lien", &[("token", &token)])
        .await;
    assert_eq!(r.headers()["location"], "/connexion?erreur=link_invalid");

    let r = b
        .post("/auth/mot-de-passe-oublie", &[("email", "ali@example.fr")])
        .await;
    assert_eq!(r.headers()["location"], "/mot-de-passe-oublie?envoye=1");
    let token = mailed_token(&app, "ali@example.fr", "/reinitialiser").await;
    let r = b
        .post(
            "/auth/reinitialiser",
            &[("token", &token), ("password", "une toute nouvelle phrase")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?mot-de-passe=1");
    // Changing the password closed the other sessions.
    let (_, page) = first.get("/compte").await;
    assert!(page.contains("Connectez-vous pour continuer"));
    let r = first
        .post(
            "/auth/connexion",
            &[
                ("email", "ali@example.fr"),
                ("password", "une toute nouvelle phrase"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte");
}
on_both_backends!(magic_link_and_password_reset);

#[tokio::test]
async fn the_101st_failed_sign_in_in_an_hour_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut b = registered(&app, "target@example.fr").await;
    for _ in 0..100 {
        let r = b
            .post(
                "/auth/connexion",
                &[
                    ("email", "target@example.fr"),
                    ("password", "mauvais mot de passe"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    // Even the right password is refused now, with 429 and Retry-After.
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "target@example.fr"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "3600");
}

#[tokio::test]
async fn cross_origin_posts_are_refused_for_every_mutating_endpoint() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = registered(&app, "csrf@example.fr").await;
    let cookie = b.cookie.clone().unwrap();
    let before = app.count("SELECT COUNT(*) FROM session").await;
    for path in [
        "/auth/inscription",
        "/auth/connexion",
        "/auth/lien-magique",
        "/auth/mot-de-passe-oublie",
        "/auth/lien",
        "/auth/verifier",
        "/auth/reinitialiser",
        "/auth/invitation",
        "/auth/deconnexion",
        "/auth/deconnexion-partout",
        "/auth/organisations/1",
        "/compte/profil",
        "/compte/jetons",
        "/compte/jetons/1/revoquer",
        "/compte/notifications",
        "/compte/invitations",
        "/langue",
        "/api/get_overview",
    ] {
        let r = app
            .client
            .post(app.url(path))
            .header("Cookie", cookie.clone())
            .header("Origin", "https://evil.example")
            .form(&[("name", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{path}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM session").await,
        before,
        "nothing changed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM api_token").await, 0);
}

async fn api_tokens_authenticate_and_can_be_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = registered(&app, "robot@example.fr").await;
    let r = b.post("/compte/jetons", &[("name", "ERP")]).await;
    let page = r.text().await.unwrap();
    let token: String = page
        .split("data-testid=\"new-token\">")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(token.starts_with("mgl_"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM api_token WHERE token_hash = '' OR token_hash LIKE 'mgl_%'"
        )
        .await,
        0,
        "stored hashed"
    );
    let call = |t: &str| {
        app.client
            .get(app.url("/api/v1/search?per_page=1"))
            .header("Authorization", format!("Bearer {t}"))
            .send()
    };
    assert_eq!(call(&token).await.unwrap().status().as_u16(), 200);
    assert_eq!(call("mgl_wrong").await.unwrap().status().as_u16(), 401);
    let id = app.count("SELECT id FROM api_token").await;
    b.post(&format!("/compte/jetons/{id}/revoquer"), &[]).await;
    assert_eq!(call(&token).await.unwrap().status().as_u16(), 401);
}
on_both_backends!(api_tokens_authenticate_and_can_be_revoked);

/// Runs `maillage` with the test's database.
fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args([
            "--database-url",
            app.config.database_url.as_deref().unwrap(),
            "--data-dir",
            app.config.data_dir.to_str().unwrap(),
        ])
        .args(args)
        .output()
        .unwrap()
}

async fn territory_leads_edit_their_territory_and_search_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    for (email, role) in [
        ("cheffe@arve.example", "project_manager"),
        ("membre@arve.example", "team_member"),
    ] {
        let out = cli(
            &app,
            &[
                "user",
                "create",
                "--email",
                email,
                "--name",
                "T",
                "--role",
                role,
                "--territory",
                "ti-8422",
                "--password",
                "une phrase de passe longue",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut lead = Browser::new(&app);
    lead.post(
        "/auth/connexion",
        &[
            ("email", "cheffe@arve.example"),
            ("password", "une phrase de passe longue"),
        ],
    )
    .await;
    let r = lead
        .post(
            "/auth/territoires/ti-8422",
            &[
                (
                    "presentation",
                    "Capitale mondiale du décolletage, 800 entreprises de mécatronique.",
                ),
                ("axes", "recruter"),
                ("axes", "attirer"),
                ("needs_housing", "logements pour apprentis"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/territoires/ti-8422?modifie=1");
    let (_, page) = lead.get("/territoires/ti-8422").await;
    assert!(
        page.contains("Capitale mondiale du décolletage"),
        "visible at once"
    );
    assert!(page.contains("logements pour apprentis"));
    let started = Instant::now();
    loop {
        let (_, body) = app
            .get_json("/api/v1/search?q=mecatronique&kind=territory")
            .await;
        if body["total"] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "searchable within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A team member may not, an unknown axis is refused, and neither changes anything.
    let mut member = Browser::new(&app);
    member
        .post(
            "/auth/connexion",
            &[
                ("email", "membre@arve.example"),
                ("password", "une phrase de passe longue"),
            ],
        )
        .await;
    let r = member
        .post("/auth/territoires/ti-8422", &[("presentation", "Piraté")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = lead
        .post(
            "/auth/territoires/ti-8422",
            &[("presentation", "Autre"), ("axes", "conquérir")],
        )
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("erreur="));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM territory_profile WHERE presentation LIKE 'Capitale%'")
            .await,
        1
    );
}
on_both_backends!(territory_leads_edit_their_territory_and_search_follows);

async fn organisation_admins_edit_their_profile_and_search_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    let pole = app
        .count("SELECT id FROM organisation WHERE name = 'Polymeris'")
        .await
        .to_string();
    let other = app
        .count("SELECT id FROM organisation WHERE name = 'Minalogic'")
        .await
        .to_string();
    let out = cli(
        &app,
        &[
            "user",
            "create",
            "--email",
            "admin@polymeris.example",
            "--name",
            "Ada",
            "--role",
            "admin",
            "--organisation",
            &pole,
            "--password",
            "une phrase de passe longue",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut b = Browser::new(&app);
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "admin@polymeris.example"),
                ("password", "une phrase de passe longue"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte");
    let (_, page) = b.get(&format!("/organisations/{pole}/modifier")).await;
    assert!(page.contains("Présentation"));
    // The account page offers to invite into the organisation, and lists what was sent.
    let (_, account) = b.get("/compte").await;
    assert!(account.contains("data-testid=\"invite-form\""));
    let r = b
        .post(
            "/compte/invitations",
            &[
                ("email", "collegue@polymeris.example"),
                ("scope_kind", "organisation"),
                ("scope_id", &pole),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    let (_, account) = b.get("/compte").await;
    assert!(account.contains("collegue@polymeris.example"));
    let r = b
        .post(
            &format!("/auth/organisations/{pole}"),
            &[
                ("name", "Polymeris"),
                (
                    "description",
                    "Pôle des polymères et de la zirconite plasturgique",
                ),
                ("capabilities", "injection; recyclage"),
                ("website", "https://polymeris.example"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/organisations/{pole}?modifie=1")
    );
    let (_, page) = b.get(&format!("/organisations/{pole}")).await;
    assert!(page.contains("zirconite plasturgique"), "visible at once");
    let started = Instant::now();
    loop {
        let (_, body) = app.get_json("/api/v1/search?q=zirconite").await;
        if body["total"] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "searchable within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Another organisation: refused, and unchanged.
    let before = app
        .count(&format!(
            "SELECT COUNT(*) FROM organisation WHERE id = {other} AND description LIKE 'Micro%'"
        ))
        .await;
    let r = b
        .post(
            &format!("/auth/organisations/{other}"),
            &[("name", "Pirate"), ("description", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM organisation WHERE id = {other} AND name = 'Minalogic'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM organisation WHERE id = {other} AND description LIKE 'Micro%'"
        ))
        .await,
        before
    );
    // An invalid edit is refused with its reason and changes nothing.
    let r = b
        .post(
            &format!("/auth/organisations/{pole}"),
            &[("name", "Polymeris"), ("website", "not a url")],
        )
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("erreur="));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM organisation WHERE id = {pole} AND website = 'https://polymeris.example'")).await, 1);
}
on_both_backends!(organisation_admins_edit_their_profile_and_search_follows);

/// The authorisation matrix (roles x actions x own/other resource) drives both the pure
/// policy and the real endpoints.
#[tokio::test]
async fn authorisation_matrix_has_no_mismatch() {
    let matrix = include_str!("authorization_matrix.csv");
    let app = spawn_app(Backend::Sqlite).await;
    let own_org = app
        .count("SELECT id FROM organisation WHERE name = 'Polymeris'")
        .await;
    let other_org = app
        .count("SELECT id FROM organisation WHERE name = 'Minalogic'")
        .await;
    let mut mismatches = Vec::new();
    let mut rows = 0;
    for (n, line) in matrix
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        let (role, action, target, expected) = (cols[0], cols[1], cols[2], cols[3] == "allow");
        rows += 1;
        let (scope, own_resource, other_resource) = match role {
            "anonymous" => (
                None,
                Resource::Organisation(own_org),
                Resource::Organisation(other_org),
            ),
            "member" | "admin" => (
                Some(Scope::Organisation(own_org)),
                Resource::Organisation(own_org),
                Resource::Organisation(other_org),
            ),
            "regional_referent" => (
                Some(Scope::Region("84".into())),
                Resource::Territory {
                    id: "ti-8422".into(),
                    region: "84".into(),
                },
                Resource::Territory {
                    id: "ti-3201".into(),
                    region: "32".into(),
                },
            ),
            "national_team" => (
                Some(Scope::National),
                Resource::Platform,
                Resource::Organisation(other_org),
            ),
            "platform_admin" => (
                Some(Scope::Platform),
                Resource::Platform,
                Resource::Organisation(other_org),
            ),
            _ => (
                Some(Scope::Territory("ti-8422".into())),
                Resource::Territory {
                    id: "ti-8422".into(),
                    region: "84".into(),
                },
                Resource::Territory {
                    id: "ti-3201".into(),
                    region: "32".into(),
                },
            ),
        };
        let viewer = match &scope {
            None => Viewer::anonymous(),
            Some(s) => Viewer {
                user_id: Some(1),
                memberships: vec![Membership {
                    scope: s.clone(),
                    role: Role::parse(role).unwrap(),
                }],
            },
        };
        let action_value = match action {
            "view" => Action::View,
            "view_members_only" => Action::ViewMembersOnly,
            "edit" => Action::Edit,
            "invite" => Action::Invite,
            "manage_own_account" | "manage_other_account" => Action::ManageAccount,
            "import" => Action::Import,
            _ => panic!("line {}: unknown action {action}", n + 1),
        };
        let resource = match (action, target) {
            ("manage_own_account", _) => Resource::Account(1),
            ("manage_other_account", _) => Resource::Account(2),
            ("import", _) => Resource::Platform,
            (_, "own") => own_resource.clone(),
            _ => other_resource.clone(),
        };
        if can(&viewer, action_value, &resource) != expected {
            mismatches.push(format!("policy, line {}: {line}", n + 1));
        }
        // The real endpoints, by a real user with that role.
        let endpoint = matches!(action, "edit" | "invite" | "manage_own_account");
        if endpoint {
            let mut b = Browser::new(&app);
            if let Some(s) = &scope {
                let email = format!("m{rows}@example.fr");
                let mut args = vec![
                    "user".to_owned(),
                    "create".into(),
                    "--email".into(),
                    email.clone(),
                    "--name".into(),
                    "T".into(),
                    "--role".into(),
                    role.into(),
                    "--password".into(),
                    "une phrase de passe longue".into(),
                ];
                match s {
                    Scope::Organisation(id) => {
                        args.extend(["--organisation".into(), id.to_string()])
                    }
                    Scope::Territory(id) => args.extend(["--territory".into(), id.clone()]),
                    Scope::Region(id) => args.extend(["--region".into(), id.clone()]),
                    _ => {}
                }
                let out = cli(&app, &args.iter().map(String::as_str).collect::<Vec<_>>());
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                b.post(
                    "/auth/connexion",
                    &[
                        ("email", &email),
                        ("password", "une phrase de passe longue"),
                    ],
                )
                .await;
            }
            let (path, form, success, changed_sql): (String, Vec<(&str, String)>, &str, String) = match (action, &resource) {
                ("edit", Resource::Organisation(org)) => (
                    format!("/auth/organisations/{org}"),
                    vec![("name", format!("Nom {rows}")), ("description", "x".into())],
                    "modifie=1",
                    format!("SELECT COUNT(*) FROM organisation WHERE id = {org} AND name = 'Nom {rows}'"),
                ),
                ("edit", Resource::Territory { id, .. }) => (
                    format!("/auth/territoires/{id}"),
                    vec![("presentation", format!("Présentation {rows}"))],
                    "modifie=1",
                    format!("SELECT COUNT(*) FROM territory_profile WHERE territory_id = '{id}' AND presentation = 'Présentation {rows}'"),
                ),
                ("invite", Resource::Organisation(org)) => (
                    "/compte/invitations".into(),
                    vec![("email", format!("invitee{rows}@example.fr")), ("scope_kind", "organisation".into()), ("scope_id", org.to_string()), ("role", "member".into())],
                    "invitation=envoyee",
                    format!("SELECT COUNT(*) FROM outbox WHERE to_email = 'invitee{rows}@example.fr'"),
                ),
                ("invite", Resource::Territory { id, .. }) => (
                    "/compte/invitations".into(),
                    vec![("email", format!("invitee{rows}@example.fr")), ("scope_kind", "territory".into()), ("scope_id", id.clone()), ("role", "team_member".into())],
                    "invitation=envoyee",
                    format!("SELECT COUNT(*) FROM outbox WHERE to_email = 'invitee{rows}@example.fr'"),
                ),
                ("manage_own_account", _) => (
                    "/compte/jetons".into(),
                    vec![("name", format!("jeton {rows}"))],
                    "",
                    format!("SELECT COUNT(*) FROM api_token WHERE name = 'jeton {rows}'"),
                ),
                _ => (String::new(), Vec::new(), "", String::new()),
            };
            if !path.is_empty() {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = b.post(&path, &form).await;
                let status = r.status().as_u16();
                let location = r
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let allowed = if success.is_empty() {
                    status == 200
                } else {
                    status == 303 && location.contains(success)
                };
                let changed = app.count(&changed_sql).await == 1;
                if allowed != expected || changed != expected {
                    mismatches.push(format!(
                        "endpoint, line {}: {line} (status {status} {location})",
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(rows >= 40, "the matrix has {rows} rows");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
