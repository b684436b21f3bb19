//! Accounts, sessions, tokens, mail and the authorisation matrix, through the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::helpers::{refusal, spawn_app, Backend, Browser, TestApp};
use crate::on_both_backends;
use app::domain::policy::{can, Action, Membership, Resource, Role, Scope, TokenScope, Viewer};
use app::error::Problem;
use app::i18n::{t, Lang};
use std::time::{Duration, Instant};

/// The token of the latest link of `path` mailed to `email`, read from the outbox.
pub(crate) async fn mailed_token(app: &TestApp, email: &str, path: &str) -> String {
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
    let r = b
        .post(
            "/auth/verifier",
            &[("token", &token), ("password", "un mot de passe solide")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?verifie=1");
    b
}

/// The body of the last mail to `email`.
async fn last_mail(app: &TestApp, email: &str) -> String {
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
    rows.into_iter().next().expect("a mail").body_text
}

#[tokio::test]
async fn signing_in_comes_back_where_the_person_was_going() {
    let app = spawn_app(Backend::Sqlite).await;
    let going = "/mises-en-relation?contact=7";
    let suite = "%2Fmises-en-relation%3Fcontact%3D7";
    // Signed out, a page that needs an account is a redirect to sign in and back.
    let r = app
        .client
        .get(app.url(going))
        .header("Accept-Language", "fr-FR")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("/connexion?suite={suite}"));
    let (_, page) = Browser::new(&app)
        .get(&format!("/connexion?suite={suite}"))
        .await;
    assert!(
        page.contains(r#"name="suite" value="/mises-en-relation?contact=7""#)
            || page.contains(r#"value="/mises-en-relation?contact=7" name="suite""#),
        "the sign-in forms carry it on"
    );
    // Through the sign-up and its verification link.
    let mut b = Browser::new(&app);
    b.post(
        "/auth/inscription",
        &[
            ("email", "retour@example.fr"),
            ("name", "Rémi Retour"),
            ("password", "un mot de passe solide"),
            ("suite", going),
        ],
    )
    .await;
    let mail = last_mail(&app, "retour@example.fr").await;
    assert!(mail.contains(&format!("&suite={suite}")), "{mail}");
    let token = mailed_token(&app, "retour@example.fr", "/verifier").await;
    let r = b
        .post(
            "/auth/verifier",
            &[
                ("token", &token),
                ("password", "un mot de passe solide"),
                ("suite", going),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], going);
    // Through the password.
    let mut c = Browser::new(&app);
    let r = c
        .post(
            "/auth/connexion",
            &[
                ("email", "retour@example.fr"),
                ("password", "un mot de passe solide"),
                ("suite", going),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], going);
    // Through the e-mailed link.
    let mut d = Browser::new(&app);
    d.post(
        "/auth/lien-magique",
        &[("email", "retour@example.fr"), ("suite", going)],
    )
    .await;
    let mail = last_mail(&app, "retour@example.fr").await;
    assert!(mail.contains(&format!("&suite={suite}")), "{mail}");
    let token = mailed_token(&app, "retour@example.fr", "/lien").await;
    let r = d
        .post("/auth/lien", &[("token", &token), ("suite", going)])
        .await;
    assert_eq!(r.headers()["location"], going);
    // Another site, or the sign-in page itself, is never where it goes.
    for elsewhere in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/connexion",
    ] {
        let r = Browser::new(&app)
            .post(
                "/auth/connexion",
                &[
                    ("email", "retour@example.fr"),
                    ("password", "un mot de passe solide"),
                    ("suite", elsewhere),
                ],
            )
            .await;
        assert_eq!(r.headers()["location"], "/compte", "{elsewhere}");
    }
    // A form sent signed out comes back through sign-in to the page it was on.
    let r = app
        .client
        .post(app.url("/annonces/nouvelle"))
        .header("Origin", app.address.clone())
        .header("Referer", format!("{}/annonces/nouvelle", app.address))
        .form(&[("title", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["location"],
        "/connexion?erreur=signin_required&suite=%2Fannonces%2Fnouvelle"
    );
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
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(shown, [t(Lang::Fr, Problem::PasswordTooShort.key())]);
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
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(shown, [t(Lang::Fr, Problem::EmailInvalid.key())]);
    // Every problem at once, in the order of the form.
    let r = b
        .post(
            "/auth/inscription",
            &[
                ("email", "pas-une-adresse"),
                ("name", ""),
                ("password", "court"),
            ],
        )
        .await;
    let (_, shown) = refusal(r).await;
    assert_eq!(
        shown,
        [
            t(Lang::Fr, Problem::NameRequired.key()),
            t(Lang::Fr, Problem::EmailInvalid.key()),
            t(Lang::Fr, Problem::PasswordTooShort.key())
        ]
    );
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

/// A password sign-in from a client at `address`; returns the status and the location.
async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> (u16, String) {
    let r = app
        .client
        .post(app.url("/auth/connexion"))
        .header("Origin", app.address.clone())
        .header("X-Forwarded-For", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status().as_u16(), location)
}

async fn a_burst_of_wrong_passwords_is_counted_before_hashing_and_never_locks_the_owner_out(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    registered(&app, "cible@example.fr").await;
    let attacker = "203.0.113.7";
    let burst =
        (0..300).map(|_| sign_in_from(&app, attacker, "cible@example.fr", "mauvais mot de passe"));
    let answers = futures::future::join_all(burst).await;
    let checked = answers.iter().filter(|(status, _)| *status == 303).count();
    let refused = answers.iter().filter(|(status, _)| *status == 429).count();
    eprintln!("burst of 300: {checked} checked, {refused} refused");
    assert_eq!(checked + refused, 300, "{answers:?}");
    assert!(checked <= 100, "{checked} attempts checked");
    assert!(checked >= 1);
    let hashed = app
        .count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in_failed'")
        .await;
    assert_eq!(
        hashed as usize, checked,
        "every checked attempt was counted"
    );
    // The attacker's client is told how long to wait: right after the burst, its attempts
    // keep being refused while the pause (doubling at each attempt) runs.
    let mut told = None;
    for _ in 0..5 {
        let r = app
            .client
            .post(app.url("/auth/connexion"))
            .header("Origin", app.address.clone())
            .header("X-Forwarded-For", attacker)
            .form(&[
                ("email", "cible@example.fr"),
                ("password", "mauvais mot de passe"),
            ])
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 429 {
            told = Some(
                r.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap(),
            );
            break;
        }
    }
    let wait = told.expect("the attacker's client is refused again within five attempts");
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    // The owner, from another client, is not refused meanwhile.
    assert_eq!(
        sign_in_from(
            &app,
            "198.51.100.2",
            "cible@example.fr",
            "un mot de passe solide"
        )
        .await,
        (303, "/compte".to_owned())
    );
    // Nor is another account's owner behind the attacker's address (a shared proxy).
    registered(&app, "voisine@example.fr").await;
    assert_eq!(
        sign_in_from(
            &app,
            attacker,
            "voisine@example.fr",
            "un mot de passe solide"
        )
        .await,
        (303, "/compte".to_owned())
    );
}
on_both_backends!(
    a_burst_of_wrong_passwords_is_counted_before_hashing_and_never_locks_the_owner_out
);

#[tokio::test]
async fn an_address_longer_than_the_audit_column_is_still_counted() {
    let app = spawn_app(Backend::Sqlite).await;
    let long = format!("{}@example.fr", "a".repeat(400));
    for _ in 0..3 {
        assert_eq!(
            sign_in_from(&app, "203.0.113.9", &long, "mauvais mot de passe")
                .await
                .0,
            303
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in_failed'")
            .await,
        3
    );
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
        "/organisations/1/modifier",
        "/territoires/ti-8422/modifier",
        "/districts/nouveau",
        "/districts/1/profil",
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
            "/territoires/ti-8422/modifier",
            &[
                (
                    "presentation",
                    "Capitale mondiale du décolletage, 800 entreprises de mécatronique.",
                ),
                ("axes", "recruter"),
                ("axes", "attirer"),
                ("challenges", "energy"),
                ("needs_housing", "logements pour apprentis"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/territoires/ti-8422?modifie=1");
    let (_, page) = lead.get("/territoires/ti-8422").await;
    // The ticked challenge, by its label.
    let challenges = page
        .split("data-testid=\"territory-challenges\"")
        .nth(1)
        .expect("the challenges are shown");
    let challenges = &challenges[..challenges.find("</ul>").unwrap()];
    assert!(
        challenges.contains("Énergie") && !challenges.contains("energy"),
        "{challenges}"
    );
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
        .post(
            "/territoires/ti-8422/modifier",
            &[("presentation", "Piraté")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = lead
        .post(
            "/territoires/ti-8422/modifier",
            &[("presentation", "Autre"), ("axes", "conquérir")],
        )
        .await;
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(shown, [t(Lang::Fr, Problem::AxisInvalid.key())]);
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
    // A bad address comes back in place, as typed, the problem beside it; nothing is sent.
    let r = b
        .post(
            "/compte/invitations",
            &[
                ("email", "collegue-at-polymeris"),
                ("scope_kind", "organisation"),
                ("scope_id", &pole),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("value=\"collegue-at-polymeris\""));
    assert!(refused.contains("id=\"inv-email-0-error\""));
    assert_eq!(
        refused.matches("data-testid=\"field-error\"").count(),
        1,
        "only the form sent shows a problem"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'collegue-at%'")
            .await,
        0
    );
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
    // The mail names the role by its label, never its code.
    #[derive(sea_orm::FromQueryResult)]
    struct Body {
        body_text: String,
    }
    let mails: Vec<Body> = server::db::fetch_all(
        &app.db,
        "SELECT body_text FROM outbox WHERE to_email = 'collegue@polymeris.example'",
        vec![],
    )
    .await
    .unwrap();
    let text = mails[0].body_text.replace("=\r\n", "").replace("=\n", "");
    assert!(
        text.contains("en tant que membre de l") && !text.contains("en tant que member"),
        "{text}"
    );
    let r = b
        .post(
            &format!("/organisations/{pole}/modifier"),
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
            &format!("/organisations/{other}/modifier"),
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
            &format!("/organisations/{pole}/modifier"),
            &[("name", "Polymeris"), ("website", "not a url")],
        )
        .await;
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(shown, [t(Lang::Fr, Problem::ValueInvalid.key())]);
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
            "regional_council" | "regional_state" => (
                Some(Scope::Region("84".into())),
                Resource::Territory {
                    id: "ti-8422".into(),
                    regions: vec!["84".into()],
                },
                Resource::Territory {
                    id: "ti-3201".into(),
                    regions: vec!["32".into()],
                },
            ),
            "national_delegation" => (
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
                    regions: vec!["84".into()],
                },
                Resource::Territory {
                    id: "ti-3201".into(),
                    regions: vec!["32".into()],
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
                    format!("/organisations/{org}/modifier"),
                    vec![("name", format!("Nom {rows}")), ("description", "x".into())],
                    "modifie=1",
                    format!("SELECT COUNT(*) FROM organisation WHERE id = {org} AND name = 'Nom {rows}'"),
                ),
                ("edit", Resource::Territory { id, .. }) => (
                    format!("/territoires/{id}/modifier"),
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
                ("invite", Resource::Territory { id, regions }) => (
                    "/compte/invitations".into(),
                    vec![("email", format!("invitee{rows}@example.fr")), ("scope_kind", "territory".into()), ("scope_id", id.clone()), ("role", {
                        // A role this viewer may give there, if any (a Region designates the binôme).
                        let scope = Scope::Territory(id.clone());
                        let place = app::domain::policy::Place { scope: &scope, regions };
                        app::domain::policy::grantable_roles(&viewer, place).first().map_or("team_member", |r| r.code()).to_owned()
                    })],
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

/// The password a stranger chose when signing up first with someone else's address.
const STRANGER_PASSWORD: &str = "le mot de passe de l'intrus";
/// The password the address's owner chooses.
const OWNER_PASSWORD: &str = "la phrase du vrai titulaire";

/// Where a password sign-in lands: `/compte` when it opened a session.
async fn sign_in_lands(app: &TestApp, email: &str, password: &str) -> String {
    let r = Browser::new(app)
        .post(
            "/auth/connexion",
            &[("email", email), ("password", password)],
        )
        .await;
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// A stranger signs up with `email` and a password of their choice, and an API token is
/// minted for that account meanwhile (`maillage token create` works on any account).
/// Returns the token.
async fn stranger_registers_first(app: &TestApp, email: &str) -> String {
    let r = Browser::new(app)
        .post(
            "/auth/inscription",
            &[
                ("email", email),
                ("name", "Intrus"),
                ("password", STRANGER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/inscription?envoye=1");
    server::services::accounts::AccountsService::new(app.db.clone(), app.config.public_url.clone())
        .create_api_token_for(email, "jeton de l'intrus", TokenScope::Write, 90)
        .await
        .unwrap()
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    app.client
        .get(app.url("/api/v1/search?per_page=1"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
        == 200
}

/// After the owner proves the mailbox, the stranger's password opens nothing and the token
/// minted before is dead.
async fn stranger_is_out(app: &TestApp, email: &str, token: &str) {
    assert_eq!(
        sign_in_lands(app, email, STRANGER_PASSWORD).await,
        "/connexion?erreur=credentials",
        "{email}: the stranger's password still signs in"
    );
    assert!(
        !token_works(app, token).await,
        "{email}: the stranger's token survived"
    );
}

async fn a_password_chosen_by_someone_else_never_survives_the_owner_proving_the_address(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let accounts = server::services::accounts::AccountsService::new(
        app.db.clone(),
        app.config.public_url.clone(),
    );

    // 1. The owner clicks the confirmation mail of the stranger's sign-up and types a
    // password of their own: it replaces the stranger's.
    let email = "confirmation@example.fr";
    let token = stranger_registers_first(&app, email).await;
    let link = mailed_token(&app, email, "/verifier").await;
    let mut owner = Browser::new(&app);
    let r = owner
        .post("/auth/verifier", &[("token", &link), ("password", "court")])
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/verifier?token="),
        "a short password keeps the link usable"
    );
    let r = owner
        .post(
            "/auth/verifier",
            &[("token", &link), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?verifie=1");
    stranger_is_out(&app, email, &token).await;
    assert_eq!(sign_in_lands(&app, email, OWNER_PASSWORD).await, "/compte");

    // 2. A magic link proves the address: the password set before it is cleared.
    let email = "lien@example.fr";
    let token = stranger_registers_first(&app, email).await;
    let mut owner = Browser::new(&app);
    owner.post("/auth/lien-magique", &[("email", email)]).await;
    let link = mailed_token(&app, email, "/lien").await;
    let r = owner.post("/auth/lien", &[("token", &link)]).await;
    assert_eq!(r.headers()["location"], "/compte");
    stranger_is_out(&app, email, &token).await;

    // 3. An invitation, accepted with a password and without one.
    let org = app
        .count("SELECT id FROM organisation WHERE kind = 'pole' ORDER BY id LIMIT 1")
        .await;
    accounts
        .create_user(
            "admin@example.fr",
            "Admin",
            Some(OWNER_PASSWORD),
            Scope::Organisation(org),
            Role::Admin,
        )
        .await
        .unwrap();
    let mut admin = Browser::new(&app);
    admin
        .post(
            "/auth/connexion",
            &[("email", "admin@example.fr"), ("password", OWNER_PASSWORD)],
        )
        .await;
    for (email, password) in [
        ("invitation@example.fr", OWNER_PASSWORD),
        ("invitation-sans@example.fr", ""),
    ] {
        let token = stranger_registers_first(&app, email).await;
        let r = admin
            .post(
                "/compte/invitations",
                &[
                    ("email", email),
                    ("scope_kind", "organisation"),
                    ("scope_id", &org.to_string()),
                    ("role", "member"),
                ],
            )
            .await;
        assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
        let link = mailed_token(&app, email, "/invitation").await;
        let r = Browser::new(&app)
            .post(
                "/auth/invitation",
                &[
                    ("token", &link),
                    ("name", "Titulaire"),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(r.headers()["location"], "/compte?invitation=1");
        stranger_is_out(&app, email, &token).await;
        if !password.is_empty() {
            assert_eq!(sign_in_lands(&app, email, password).await, "/compte");
        }
    }

    // 4. The command-line bootstrap, without --password (then its one-time link) and with.
    let email = "bootstrap@example.fr";
    let token = stranger_registers_first(&app, email).await;
    let out = cli(
        &app,
        &[
            "user",
            "create",
            "--email",
            email,
            "--name",
            "Ada",
            "--role",
            "platform_admin",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stranger_is_out(&app, email, &token).await;
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    let link: String = printed
        .split("/lien?token=")
        .nth(1)
        .expect("a one-time link printed")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    let r = Browser::new(&app)
        .post("/auth/lien", &[("token", &link)])
        .await;
    assert_eq!(r.headers()["location"], "/compte");
    stranger_is_out(&app, email, &token).await;

    let email = "bootstrap-mdp@example.fr";
    let token = stranger_registers_first(&app, email).await;
    let out = cli(
        &app,
        &[
            "user",
            "create",
            "--email",
            email,
            "--name",
            "Ada",
            "--role",
            "platform_admin",
            "--password",
            OWNER_PASSWORD,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stranger_is_out(&app, email, &token).await;
    assert_eq!(sign_in_lands(&app, email, OWNER_PASSWORD).await, "/compte");

    // 5. A reset sets the owner's password and ends the tokens minted before it.
    let email = "reset@example.fr";
    let token = stranger_registers_first(&app, email).await;
    Browser::new(&app)
        .post("/auth/mot-de-passe-oublie", &[("email", email)])
        .await;
    let link = mailed_token(&app, email, "/reinitialiser").await;
    let r = Browser::new(&app)
        .post(
            "/auth/reinitialiser",
            &[("token", &link), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?mot-de-passe=1");
    stranger_is_out(&app, email, &token).await;
    assert_eq!(sign_in_lands(&app, email, OWNER_PASSWORD).await, "/compte");

    // A verified account's token dies with a reset too.
    let token = accounts
        .create_api_token_for(email, "ERP", TokenScope::Read, 90)
        .await
        .unwrap();
    assert!(token_works(&app, &token).await);
    Browser::new(&app)
        .post("/auth/mot-de-passe-oublie", &[("email", email)])
        .await;
    let link = mailed_token(&app, email, "/reinitialiser").await;
    Browser::new(&app)
        .post(
            "/auth/reinitialiser",
            &[("token", &link), ("password", "encore une autre phrase")],
        )
        .await;
    assert!(
        !token_works(&app, &token).await,
        "a token survived a password reset"
    );
}
on_both_backends!(a_password_chosen_by_someone_else_never_survives_the_owner_proving_the_address);

async fn signing_up_with_a_taken_address_tells_its_owner_and_nobody_else(backend: Backend) {
    let app = spawn_app(backend).await;
    registered(&app, "prise@example.fr").await;
    let before = app
        .count("SELECT COUNT(*) FROM outbox WHERE to_email = 'prise@example.fr'")
        .await;
    let r = Browser::new(&app)
        .post(
            "/auth/inscription",
            &[
                ("email", "prise@example.fr"),
                ("name", "Intrus"),
                ("password", STRANGER_PASSWORD),
            ],
        )
        .await;
    // The requester reads what every sign-up reads.
    assert_eq!(r.headers()["location"], "/inscription?envoye=1");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'prise@example.fr'")
            .await,
        before + 1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox WHERE to_email = 'prise@example.fr' \
             AND subject LIKE 'Quelqu''un a tenté%'"
        )
        .await,
        1
    );
    assert_eq!(
        sign_in_lands(&app, "prise@example.fr", STRANGER_PASSWORD).await,
        "/connexion?erreur=credentials"
    );
    assert_eq!(
        sign_in_lands(&app, "prise@example.fr", "un mot de passe solide").await,
        "/compte"
    );
}
on_both_backends!(signing_up_with_a_taken_address_tells_its_owner_and_nobody_else);

/// A signed-in browser of a new person holding `role` in `scope`.
async fn holder<'a>(app: &'a TestApp, email: &str, scope: Scope, role: Role) -> Browser<'a> {
    server::services::accounts::AccountsService::new(app.db.clone(), app.config.public_url.clone())
        .create_user(email, "Personne", Some(OWNER_PASSWORD), scope, role)
        .await
        .unwrap();
    let mut b = Browser::new(app);
    b.post(
        "/auth/connexion",
        &[("email", email), ("password", OWNER_PASSWORD)],
    )
    .await;
    assert!(b.cookie.is_some(), "{email} signed in");
    b
}

fn invitation<'a>(email: &'a str, territory: &'a str, role: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("scope_kind", "territory"),
        ("scope_id", territory),
        ("role", role),
    ]
}

async fn the_binome_is_designated_from_outside_the_territory_and_grants_can_be_taken_back(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let ti = Scope::Territory("ti-8422".into());
    let mut chef = holder(&app, "chef@example.fr", ti.clone(), Role::ProjectManager).await;
    let outbox = "SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'copilote%'";
    for role in ["elected_colead", "industrial_colead", "project_manager"] {
        let r = chef
            .post(
                "/compte/invitations",
                &invitation("copilote@example.fr", "ti-8422", role),
            )
            .await;
        assert_eq!(r.status().as_u16(), 403, "a chef de projet granting {role}");
    }
    assert_eq!(
        app.count(outbox).await,
        0,
        "a refused invitation mails nobody"
    );
    // The chef de projet adds team members, and revokes an invitation still pending.
    let r = chef
        .post(
            "/compte/invitations",
            &invitation("equipe@example.fr", "ti-8422", "team_member"),
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    let (_, page) = chef.get("/compte").await;
    assert!(
        page.contains("data-testid=\"pending-invitation\""),
        "pending invitation listed"
    );
    let link = mailed_token(&app, "equipe@example.fr", "/invitation").await;
    let r = chef
        .post(
            "/compte/invitations/revoquer",
            &invitation("equipe@example.fr", "ti-8422", "team_member"),
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte?invitation=revoquee");
    let r = Browser::new(&app)
        .post(
            "/auth/invitation",
            &[("token", &link), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("erreur=link_invalid"),
        "a revoked invitation no longer works"
    );
    // The national team designates the binôme.
    let mut national = holder(
        &app,
        "delegation@example.fr",
        Scope::National,
        Role::NationalDelegation,
    )
    .await;
    let r = national
        .post(
            "/compte/invitations",
            &invitation("copilote@example.fr", "ti-8422", "elected_colead"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "the national team names co-leads");
    // The chef de projet removes a team member but not a co-lead.
    let member = holder(&app, "membre@example.fr", ti.clone(), Role::TeamMember).await;
    drop(member);
    let colead = holder(&app, "elu@example.fr", ti.clone(), Role::ElectedCoLead).await;
    drop(colead);
    let id_of = |email: &'static str| {
        let app = &app;
        async move {
            app.count(&format!(
                "SELECT id FROM user_account WHERE email = '{email}'"
            ))
            .await
        }
    };
    let (member_id, colead_id) = (
        id_of("membre@example.fr").await,
        id_of("elu@example.fr").await,
    );
    let removal = |id: i64, role: &'static str| {
        vec![
            ("user_id", id.to_string()),
            ("scope_kind", "territory".to_owned()),
            ("scope_id", "ti-8422".to_owned()),
            ("role", role.to_owned()),
        ]
    };
    let form = removal(colead_id, "elected_colead");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        chef.post("/compte/membres/retirer", &form)
            .await
            .status()
            .as_u16(),
        403
    );
    let form = removal(member_id, "team_member");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = chef.post("/compte/membres/retirer", &form).await;
    assert_eq!(r.headers()["location"], "/compte?membre=retire");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM membership WHERE user_id = {member_id}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM membership WHERE user_id = {colead_id}"
        ))
        .await,
        1
    );
    // The national team takes the co-lead's seat back.
    let form = removal(colead_id, "elected_colead");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = national.post("/compte/membres/retirer", &form).await;
    assert_eq!(r.headers()["location"], "/compte?membre=retire");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE event IN ('role_removed', 'invitation_revoked')"
        )
        .await,
        3
    );
}
on_both_backends!(the_binome_is_designated_from_outside_the_territory_and_grants_can_be_taken_back);

/// The secret of a token made on the account page with these choices.
async fn token_from_the_account_page(
    b: &mut Browser<'_>,
    name: &str,
    scope: &str,
    days: &str,
) -> String {
    let r = b
        .post(
            "/compte/jetons",
            &[("name", name), ("scope", scope), ("days", days)],
        )
        .await;
    let page = r.text().await.unwrap();
    page.split("data-testid=\"new-token\">")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .collect()
}

async fn api_tokens_expire_keep_to_their_scope_and_end_with_the_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = registered(&app, "jetons@example.fr").await;
    let org = app
        .count("SELECT id FROM organisation WHERE kind = 'pole' ORDER BY id LIMIT 1")
        .await;
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "INSERT INTO membership (user_id, scope_kind, scope_id, role, created_at) \
             SELECT id, 'organisation', ?, 'admin', 0 FROM user_account WHERE email = 'jetons@example.fr'",
            vec![org.to_string().into()],
        ),
    )
    .await
    .unwrap();
    let read = token_from_the_account_page(&mut b, "tableau de bord", "read", "90").await;
    let write = token_from_the_account_page(&mut b, "ERP", "write", "30").await;
    let need = serde_json::json!({
        "author": format!("organisation:{org}"), "kind": "supplier", "title": "Usinage de bagues en laiton",
        "description": "", "naf_codes": "", "skills": "", "certifications": "", "quantity": "",
        "commune": "", "radius_km": "", "deadline": "", "visibility": "public", "size": "", "land_area_ha": ""
    });
    let publish = |token: String| {
        let app = &app;
        let need = need.clone();
        async move {
            app.client
                .post(app.url("/api/v1/needs"))
                .header("Authorization", format!("Bearer {token}"))
                .json(&need)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Scope: a read token reads and may not publish; a write token publishes.
    assert!(token_works(&app, &read).await);
    assert_eq!(publish(read.clone()).await, 403);
    assert_eq!(publish(write.clone()).await, 201);
    // A token opens the API only: it cannot make more tokens or change the account.
    for path in [
        "/compte/jetons",
        "/compte/profil",
        "/auth/deconnexion-partout",
    ] {
        let r = app
            .client
            .post(app.url(path))
            .header("Authorization", format!("Bearer {write}"))
            .form(&[("name", "encore un")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
    }
    // Nor the pages' server functions, which live under /api/ too (the account page's).
    let r = app
        .client
        .post(app.url(&crate::helpers::server_fn_path("get_account")))
        .header("Authorization", format!("Bearer {write}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        401,
        "a token reads the account page's data"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM api_token").await, 2);
    // Expiry: the clock moved past 30 days ends the write token, not the 90-day one.
    app.clock.advance(31 * 24 * 3600);
    assert!(
        !token_works(&app, &write).await,
        "an expired token still works"
    );
    assert!(token_works(&app, &read).await);
    // The 30-day session ended on the same clock; signing in again opens the account page.
    // Signed out, the account page sends its reader to sign in (and back).
    let (status, _) = b.get("/compte").await;
    assert_eq!(status, 303, "a session outlived its 30 days");
    let r = b
        .post(
            "/auth/connexion",
            &[
                ("email", "jetons@example.fr"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/compte");
    let (_, page) = b.get("/compte").await;
    assert!(
        page.contains("expiré"),
        "the account page says which token expired"
    );
    // A lifetime outside 1-365 days is refused.
    let r = b
        .post(
            "/compte/jetons",
            &[("name", "trop long"), ("scope", "write"), ("days", "400")],
        )
        .await;
    // Refused in place: the form as typed, the problem beside the lifetime.
    assert_eq!(r.status().as_u16(), 400);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"tk-days-error\""),
        "the lifetime's problem is not beside it"
    );
    assert!(page.contains("value=\"trop long\"") && page.contains("value=\"400\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM api_token").await, 2);
    // Revocation: signing out everywhere ends every token.
    b.post("/auth/deconnexion-partout", &[]).await;
    assert!(
        !token_works(&app, &read).await,
        "a token survived sign-out everywhere"
    );
}
on_both_backends!(api_tokens_expire_keep_to_their_scope_and_end_with_the_sessions);

#[tokio::test]
async fn a_one_time_link_page_names_the_account_it_opens() {
    let app = spawn_app(Backend::Sqlite).await;
    registered(&app, "lien-nomme@example.fr").await;
    Browser::new(&app)
        .post("/auth/lien-magique", &[("email", "lien-nomme@example.fr")])
        .await;
    let token = mailed_token(&app, "lien-nomme@example.fr", "/lien").await;
    // Someone sent this link to another person, to sign them in as lien-nomme: the page
    // says whose account it opens, before any button is pressed.
    let (status, page) = app.get_html(&format!("/lien?token={token}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("lien-nomme@example.fr"),
        "the address is named"
    );
    let (_, page) = app.get_html("/lien?token=0000").await;
    assert!(
        page.contains("Ce lien n&#x27;est plus valable")
            || page.contains("Ce lien n'est plus valable")
    );
    // Reading the page used nothing: the link still signs in.
    let r = Browser::new(&app)
        .post("/auth/lien", &[("token", &token)])
        .await;
    assert_eq!(r.headers()["location"], "/compte");
}

async fn a_burst_of_link_requests_sends_no_more_mails_than_allowed(backend: Backend) {
    let app = spawn_app(backend).await;
    registered(&app, "rafale@example.fr").await;
    let before = app
        .count("SELECT COUNT(*) FROM outbox WHERE to_email = 'rafale@example.fr'")
        .await;
    let burst = (0..20).map(|i| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/auth/lien-magique"))
                .header("Origin", app.address.clone())
                .header("X-Forwarded-For", format!("203.0.113.{}", 20 + i))
                .form(&[("email", "rafale@example.fr")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let answers = futures::future::join_all(burst).await;
    let mailed = app
        .count("SELECT COUNT(*) FROM outbox WHERE to_email = 'rafale@example.fr'")
        .await
        - before;
    assert_eq!(mailed, 5, "answers {answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == 429).count(), 15);
}
on_both_backends!(a_burst_of_link_requests_sends_no_more_mails_than_allowed);

/// One-time links end with the server's clock: a sign-in link lives 15 minutes.
#[tokio::test]
async fn a_sign_in_link_expires_on_the_servers_clock() {
    let app = spawn_app(Backend::Sqlite).await;
    registered(&app, "horloge@example.fr").await;
    let ask = |app| async move {
        Browser::new(app)
            .post("/auth/lien-magique", &[("email", "horloge@example.fr")])
            .await;
        mailed_token(app, "horloge@example.fr", "/lien").await
    };
    // Used within its quarter of an hour, a link signs in.
    let token = ask(&app).await;
    app.clock.advance(14 * 60);
    let r = Browser::new(&app)
        .post("/auth/lien", &[("token", &token)])
        .await;
    assert_eq!(r.headers()["location"], "/compte");
    // Sixteen minutes after it was sent, it is refused and changes nothing.
    let token = ask(&app).await;
    app.clock.advance(16 * 60);
    let sessions = app.count("SELECT COUNT(*) FROM session").await;
    let r = Browser::new(&app)
        .post("/auth/lien", &[("token", &token)])
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("erreur=link_invalid"));
    assert_eq!(app.count("SELECT COUNT(*) FROM session").await, sessions);
}
