//! The contact and exchange tables through the server: every state by side by action, taken
//! by a real person with that side through the real form, does what the table says and
//! nothing else (a refused step changes nothing).

use crate::helpers::{spawn_app, Backend, Browser, TestApp};
use crate::on_both_backends;
use app::domain::contact::{self, ContactAction, ContactSide, ContactStatus};
use app::domain::exchange::{self, ExchangeAction, ExchangeInput, ExchangeSide, ExchangeStatus};
use app::domain::policy::{Role, Scope};
use sea_orm::ConnectionTrait;
use server::services::accounts::AccountsService;

const PASSWORD: &str = "un mot de passe solide";

async fn someone<'a>(app: &'a TestApp, email: &str, scope: Scope, role: Role) -> Browser<'a> {
    AccountsService::new(app.db.clone(), app.config.public_url.clone())
        .create_user(email, "Personne", Some(PASSWORD), scope, role)
        .await
        .unwrap();
    let mut b = Browser::new(app);
    b.post(
        "/auth/connexion",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    b
}

/// Sends a form as this person, or as an anonymous visitor.
async fn post_as(
    app: &TestApp,
    browser: &mut Option<Browser<'_>>,
    path: &str,
    form: &[(&str, &str)],
) {
    match browser {
        Some(b) => {
            b.post(path, form).await;
        }
        None => {
            Browser::new(app).post(path, form).await;
        }
    }
}

/// What the matrix found: steps allowed, and every case that did not do what the table says.
#[derive(Default)]
struct Tally {
    allowed: usize,
    failures: Vec<String>,
}

impl Tally {
    /// A step the table allows (`expected`) lands there; a refused one leaves `before`.
    fn record(&mut self, case: String, expected: Option<&str>, before: &str, now: String) {
        if expected.is_some() {
            self.allowed += 1;
        }
        let want = expected.unwrap_or(before);
        if now != want {
            self.failures
                .push(format!("{case}: {now}, expected {want}"));
        }
    }
}

async fn status_of(app: &TestApp, table: &str, id: i64) -> String {
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        status: String,
    }
    let row: Option<Row> = server::db::fetch_optional(
        &app.db,
        &format!("SELECT status FROM {table} WHERE id = ?"),
        vec![id.into()],
    )
    .await
    .unwrap();
    row.unwrap().status
}

async fn every_contact_step_follows_the_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let poles: Vec<i64> = {
        let first = app
            .count("SELECT MIN(id) FROM organisation WHERE kind = 'pole'")
            .await;
        let ids = [
            first,
            app.count(&format!(
                "SELECT MIN(id) FROM organisation WHERE kind = 'pole' AND id > {first}"
            ))
            .await,
        ];
        ids.to_vec()
    };
    let (author_org, asker_org) = (poles[0], poles[1]);
    let mut author = someone(
        &app,
        "auteur@example.fr",
        Scope::Organisation(author_org),
        Role::Admin,
    )
    .await;
    let need = {
        let r = author
            .post(
                "/annonces/nouvelle",
                &[
                    ("author", &format!("organisation:{author_org}")),
                    ("kind", "supplier"),
                    ("title", "Usinage de bagues en laiton"),
                    ("visibility", "public"),
                ],
            )
            .await;
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        location
            .trim_start_matches("/annonces/")
            .trim_end_matches("?publiee=1")
            .parse::<i64>()
            .unwrap()
    };
    let asker = someone(
        &app,
        "demandeur@example.fr",
        Scope::Organisation(asker_org),
        Role::Member,
    )
    .await;
    let stranger = someone(
        &app,
        "tiers@example.fr",
        Scope::Territory("ti-8413".into()),
        Role::ProjectManager,
    )
    .await;
    let user = app
        .count("SELECT id FROM user_account WHERE email = 'demandeur@example.fr'")
        .await;
    let mut people = [
        (ContactSide::Recipient, Some(author)),
        (ContactSide::Asker, Some(asker)),
        (ContactSide::Neither, Some(stranger)),
        (ContactSide::Neither, None),
    ];
    let mut tally = Tally::default();
    for status in ContactStatus::ALL {
        for (side, browser) in people.iter_mut() {
            for action in ContactAction::ALL {
                app.db
                    .execute_unprepared(&format!(
                        "INSERT INTO interest (need_id, from_kind, from_id, to_kind, to_id, user_id, message, status, reason, created_at) \
                         VALUES ({need}, 'organisation', '{asker_org}', 'organisation', '{author_org}', {user}, 'Bonjour', '{}', '', 0)",
                        status.code()
                    ))
                    .await
                    .unwrap();
                let id = app.count("SELECT MAX(id) FROM interest").await;
                let form = [
                    ("action", action.code()),
                    ("reason", "Pas de capacité ce trimestre"),
                ];
                let path = format!("/mises-en-relation/{id}");
                post_as(&app, browser, &path, &form).await;
                let expected = contact::decide(*status, *side, *action, "motif")
                    .ok()
                    .filter(|_| browser.is_some());
                let who = format!(
                    "{side:?}{}",
                    if browser.is_none() {
                        " (anonymous)"
                    } else {
                        ""
                    }
                );
                tally.record(
                    format!("{} by {who} on {}", action.code(), status.code()),
                    expected.map(|s| s.code()),
                    status.code(),
                    status_of(&app, "interest", id).await,
                );
            }
        }
    }
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(
        tally.allowed, 6,
        "accept and decline by the side asked, both endings by either side"
    );
}
on_both_backends!(every_contact_step_follows_the_table);

async fn every_exchange_step_follows_the_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let district = app
        .count("SELECT MIN(id) FROM organisation WHERE kind = 'district'")
        .await;
    let proposer = someone(
        &app,
        "chef@example.fr",
        Scope::Territory("ti-8422".into()),
        Role::ProjectManager,
    )
    .await;
    let recipient = someone(
        &app,
        "distretto@example.it",
        Scope::Organisation(district),
        Role::Member,
    )
    .await;
    let stranger = someone(
        &app,
        "autre@example.fr",
        Scope::Territory("ti-8413".into()),
        Role::ProjectManager,
    )
    .await;
    let mut people = [
        (ExchangeSide::Proposer, Some(proposer)),
        (ExchangeSide::Recipient, Some(recipient)),
        (ExchangeSide::Neither, Some(stranger)),
        (ExchangeSide::Neither, None),
    ];
    let input = ExchangeInput {
        reason: "Calendrier chargé",
        start_date: "2026-03-02",
        end_date: "2026-03-04",
        outcome: "Deux visites d'usines et un atelier commun",
    };
    let mut tally = Tally::default();
    for status in ExchangeStatus::ALL {
        for (side, browser) in people.iter_mut() {
            for action in ExchangeAction::ALL {
                app.db
                    .execute_unprepared(&format!(
                        "INSERT INTO exchange (from_territory, to_kind, to_id, theme, format, message, status, reason, start_date, end_date, participants, outcome, created_at, updated_at) \
                         VALUES ('ti-8422', 'district', '{district}', 'skills', 'visit', 'Bonjour', '{}', '', '', '', '', '', 0, 0)",
                        status.code()
                    ))
                    .await
                    .unwrap();
                let id = app.count("SELECT MAX(id) FROM exchange").await;
                let (path, form): (String, Vec<(&str, &str)>) = match action {
                    ExchangeAction::Report => (
                        format!("/echanges/{id}/compte-rendu"),
                        vec![
                            ("start_date", input.start_date),
                            ("end_date", input.end_date),
                            ("participants", "12"),
                            ("outcome", input.outcome),
                        ],
                    ),
                    _ => (
                        format!("/echanges/{id}/reponse"),
                        vec![("action", action.code()), ("reason", input.reason)],
                    ),
                };
                post_as(&app, browser, &path, &form).await;
                let expected = exchange::decide(*status, *side, *action, &input)
                    .ok()
                    .filter(|_| browser.is_some());
                let who = format!(
                    "{side:?}{}",
                    if browser.is_none() {
                        " (anonymous)"
                    } else {
                        ""
                    }
                );
                tally.record(
                    format!("{} by {who} on {}", action.code(), status.code()),
                    expected.map(|s| s.code()),
                    status.code(),
                    status_of(&app, "exchange", id).await,
                );
            }
        }
    }
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(
        tally.allowed, 4,
        "accept, decline, and a report by each side"
    );
}
on_both_backends!(every_exchange_step_follows_the_table);
