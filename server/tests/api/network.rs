//! The European network through the real server: partner rankings on the demo data, an
//! exchange from proposal to report with mail in each recipient's language, practices.

use crate::helpers::{
    assert_not_allowed, assert_refused, refusal, spawn_app, Backend, Browser, TestApp,
};
use app::domain::policy::{Role, Scope};
use server::services::accounts::AccountsService;

const PASSWORD: &str = "un mot de passe solide";

async fn person<'a>(
    app: &'a TestApp,
    email: &str,
    lang: &str,
    scope: Scope,
    role: Role,
) -> Browser<'a> {
    let accounts = AccountsService::new(app.db.clone(), app.config.public_url.clone());
    let (id, _) = accounts
        .create_user(email, "Personne", Some(PASSWORD), scope, role)
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute(
        &app.db,
        server::db::stmt(
            &app.db,
            "UPDATE user_account SET lang = ? WHERE id = ?",
            vec![lang.into(), id.into()],
        ),
    )
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

/// The NACE divisions of a district, from the database.
async fn divisions(app: &TestApp, id: i64) -> Vec<String> {
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        nace_divisions: String,
    }
    let row: Row = server::db::fetch_optional(
        &app.db,
        "SELECT nace_divisions FROM organisation WHERE id = ?",
        vec![id.into()],
    )
    .await
    .unwrap()
    .unwrap();
    server::db::json_list(&row.nace_divisions)
}

async fn district_named(app: &TestApp, name: &str) -> i64 {
    app.count(&format!(
        "SELECT id FROM organisation WHERE kind = 'district' AND name = '{name}'"
    ))
    .await
}

#[tokio::test]
async fn partner_rankings_follow_the_industrial_profile_of_the_demo_data() {
    let app = spawn_app(Backend::Sqlite).await;
    server::cli::demo::run(
        &app.db,
        server::cli::demo::DemoArgs {
            firms: 4_000,
            sheets: 120,
            seed: 1,
            if_empty: false,
        },
    )
    .await
    .unwrap();
    let eyewear = district_named(&app, "Distretto dell''occhiale di Belluno").await;

    // Plastics Vallée (Oyonnax): plastics or mould-making districts first, eyewear below them.
    let (status, list) = app.get_json("/api/v1/territories/ti-8413/partners").await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["district_id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 5);
    let mut top3 = Vec::new();
    for id in &ids[..3] {
        top3.push(divisions(&app, *id).await);
    }
    assert!(
        top3.iter()
            .all(|d| d.iter().any(|x| x == "22" || x == "25")),
        "{top3:?}"
    );
    assert!(top3[0].contains(&"22".to_owned()), "{top3:?}");
    let eyewear_rank = ids.iter().position(|i| *i == eyewear).unwrap_or(usize::MAX);
    assert!(eyewear_rank > 3, "eyewear ranks {eyewear_rank}");
    let first = &list[0];
    assert!(
        first["explanation"].as_str().unwrap().contains("22"),
        "{first}"
    );
    assert!(first["score"].as_f64().unwrap() > 0.3, "{first}");

    // Vallée de l'Arve (bar turning): metalworking (25) districts rank high.
    let (_, list) = app.get_json("/api/v1/territories/ti-8422/partners").await;
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["district_id"].as_i64().unwrap())
        .collect();
    let first = divisions(&app, ids[0]).await;
    assert!(first.contains(&"25".to_owned()), "{first:?}");
    let mut metal = 0;
    for id in &ids[..3] {
        if divisions(&app, *id).await.contains(&"25".to_owned()) {
            metal += 1;
        }
    }
    assert!(metal >= 2, "{list}");

    // Explanations follow the reader's language.
    let english = app
        .client
        .get(app.url("/api/v1/territories/ti-8422/partners"))
        .header("Accept-Language", "en-GB")
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(
        english[0]["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Shared specialisations"),
        "{english}"
    );

    // The reverse: for the bar-turning district of Maniago, the Arve valley ranks among the
    // first French territories.
    let maniago = district_named(&app, "Distretto del coltello di Maniago").await;
    let (status, page) = app
        .get_html(&format!("/organisations/{maniago}/partenaires"))
        .await;
    assert_eq!(status, 200);
    let arve = page
        .find("Vallée de l&#x27;Arve")
        .or_else(|| page.find("Vallée de l'Arve"));
    assert!(arve.is_some(), "the Arve valley is suggested to Maniago");
    let (status, _) = app.get_json("/api/v1/territories/ti-0000/partners").await;
    assert_eq!(status, 404);
}

/// (to_email, lang, subject) of the outbox.
async fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    #[derive(sea_orm::FromQueryResult)]
    struct Mail {
        to_email: String,
        lang: String,
        subject: String,
    }
    let rows: Vec<Mail> = server::db::fetch_all(
        &app.db,
        "SELECT to_email, lang, subject FROM outbox ORDER BY id",
        vec![],
    )
    .await
    .unwrap();
    rows.into_iter()
        .map(|m| (m.to_email, m.lang, m.subject))
        .collect()
}

async fn an_exchange_runs_from_proposal_to_report_with_mail_in_each_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let district = district_named(&app, "Distretto metalmeccanico di Lumezzane").await;
    let mut arve = person(
        &app,
        "elu@arve.fr",
        "fr",
        Scope::Territory("ti-8422".into()),
        Role::ElectedCoLead,
    )
    .await;
    let mut manager = person(
        &app,
        "manager@lumezzane.it",
        "en",
        Scope::Organisation(district),
        Role::Admin,
    )
    .await;
    let mut outsider = person(
        &app,
        "x@oyonnax.fr",
        "fr",
        Scope::Territory("ti-8413".into()),
        Role::ElectedCoLead,
    )
    .await;

    // The district manager declares its challenges.
    let r = manager
        .post(
            &format!("/districts/{district}/profil"),
            &[
                ("challenges", "skills"),
                ("challenges", "succession"),
                ("contact_name", "Giulia Rossi"),
            ],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/organisations/{district}?modifie=1")
    );
    let r = outsider
        .post(
            &format!("/districts/{district}/profil"),
            &[("challenges", "land")],
        )
        .await;
    assert_not_allowed(r).await;

    // A practice, then an exchange about it.
    let r = arve
        .post(
            "/pratiques/nouvelle",
            &[
                ("author", "territory:ti-8422"),
                ("title", "Un campus du décolletage pour former les régleurs"),
                ("theme", "skills"),
                (
                    "actions",
                    "Plateau technique partagé entre 40 entreprises et le lycée de Cluses.",
                ),
                ("results", "120 régleurs formés en 3 ans, 85 % embauchés."),
                ("lang", "fr"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?publie=1"), "{location}");
    let practice: i64 = location
        .trim_start_matches("/pratiques/")
        .trim_end_matches("?publie=1")
        .parse()
        .unwrap();
    let r = outsider
        .post(
            "/pratiques/nouvelle",
            &[
                ("author", "territory:ti-8422"),
                ("title", "Pas mon territoire"),
                ("theme", "skills"),
                ("actions", "x"),
                ("lang", "fr"),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::AuthorNotYours).await;
    let r = arve
        .post(
            "/echanges/nouveau",
            &[
                ("from", "ti-8422"),
                ("to", &format!("district:{district}")),
                ("practice_id", &practice.to_string()),
                ("format", "visit"),
                ("theme", "Formation des régleurs"),
                (
                    "message",
                    "Nous proposons une visite de notre campus du décolletage.",
                ),
                ("start_date", "2027-03-15"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    // The district's manager has an account: the confirmation says one person was told.
    assert!(location.ends_with("?propose=1&prevenus=1"), "{location}");
    let id: i64 = location
        .trim_start_matches("/echanges/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Refused (no message), the partner page comes back with that partner's form open and
    // as typed, the problem beside the message.
    let partners = "/territoires/ti-8422/partenaires";
    // Arve shares the skills challenge Lumezzane declared, which makes it a suggestion.
    let r = arve
        .post(
            "/territoires/ti-8422/modifier",
            &[
                ("presentation", "Vallée du décolletage"),
                ("challenges", "skills"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/territoires/ti-8422?modifie=1");
    let (_, page) = arve.get(partners).await;
    let form = format!("data-testid=\"propose-district:{district}\"");
    assert!(
        page.contains(&form),
        "Lumezzane is among Arve's partners: {:?}",
        page.match_indices("data-testid=\"propose-")
            .map(|(i, _)| &page[i..i + 40])
            .collect::<Vec<_>>()
    );
    let r = arve
        .post(
            "/echanges/nouveau",
            &[
                ("from", "ti-8422"),
                ("to", &format!("district:{district}")),
                ("format", "webinar"),
                ("theme", "Apprentissage en alternance"),
                ("message", " "),
                ("back", partners),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let page = r.text().await.unwrap();
    let at = page.find(&form).unwrap();
    let refused =
        &page[page[..at].rfind("<details").unwrap()..at + page[at..].find("</form>").unwrap()];
    assert!(refused.contains(" open"), "{refused}");
    assert!(
        refused.contains("value=\"Apprentissage en alternance\""),
        "{refused}"
    );
    assert!(refused.contains("-message-error"), "{refused}");
    assert!(refused.contains("value=\"webinar\" selected"), "{refused}");
    // A district nobody has joined yet: the proposal waits, and the confirmation does not
    // pretend anyone was told.
    let maniago = district_named(&app, "Distretto del coltello di Maniago").await;
    let r = arve
        .post(
            "/echanges/nouveau",
            &[
                ("from", "ti-8422"),
                ("to", &format!("district:{maniago}")),
                ("format", "visit"),
                ("message", "Une visite de nos ateliers de décolletage ?"),
            ],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?propose=1&prevenus=0"), "{location}");
    // Only the recipient answers; outsiders do not even see it.
    let r = arve
        .post(&format!("/echanges/{id}/reponse"), &[("action", "accept")])
        .await;
    assert_not_allowed(r).await;
    let (status, _) = outsider.get(&format!("/echanges/{id}")).await;
    assert_eq!(status, 404);
    let r = manager
        .post(&format!("/echanges/{id}/reponse"), &[("action", "decline")])
        .await;
    // Refused in place, in the manager's own language, beside the reason field.
    let (status, shown) = refusal(r).await;
    assert_eq!(status, 400);
    assert_eq!(
        shown,
        [app::i18n::t(
            app::i18n::Lang::En,
            app::error::Problem::ReasonRequired.key()
        )]
    );
    let r = manager
        .post(&format!("/echanges/{id}/reponse"), &[("action", "accept")])
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/echanges/{id}?repondu=1&prevenus=1")
    );
    // The report: dates in order, an outcome.
    let r = arve
        .post(
            &format!("/echanges/{id}/compte-rendu"),
            &[
                ("start_date", "2027-03-15"),
                ("end_date", "2027-03-10"),
                ("outcome", "x"),
            ],
        )
        .await;
    assert_refused(r, app::error::Problem::DateInvalid).await;
    let r = arve
        .post(
            &format!("/echanges/{id}/compte-rendu"),
            &[
                ("start_date", "2027-03-15"),
                ("end_date", "2027-03-17"),
                ("participants", "12 chefs d'entreprise, 3 formateurs"),
                ("outcome", "Accord pour un échange d'apprentis en 2028."),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], format!("/echanges/{id}?rapport=1"));
    let (_, page) = manager.get(&format!("/echanges/{id}")).await;
    assert!(page.contains("data-testid=\"report\""));
    assert!(page.contains("Accord pour un échange d"));

    let mails = outbox(&app).await;
    let to_manager: Vec<_> = mails
        .iter()
        .filter(|m| m.0 == "manager@lumezzane.it")
        .collect();
    let to_arve: Vec<_> = mails.iter().filter(|m| m.0 == "elu@arve.fr").collect();
    assert_eq!(to_manager.len(), 2, "{mails:?}"); // proposed, reported
    assert!(
        to_manager
            .iter()
            .all(|m| m.1 == "en" && m.2.starts_with("Exchange: ")),
        "{to_manager:?}"
    );
    assert_eq!(to_arve.len(), 1, "{mails:?}"); // accepted
    assert!(
        to_arve
            .iter()
            .all(|m| m.1 == "fr" && m.2.starts_with("Échange : ")),
        "{to_arve:?}"
    );
    assert!(mails.iter().all(|m| m.0 != "x@oyonnax.fr"));

    // The practice is listed and searchable.
    let (_, list) = app.get_json("/api/v1/practices?theme=skills").await;
    assert_eq!(list["total"], 1);
    let started = std::time::Instant::now();
    loop {
        let (_, found) = app.get_json("/api/v1/practices?q=regleurs").await;
        if found["total"] == 1 {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 5,
            "practice not searchable: {found}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, _) = app.get_json("/api/v1/practices?theme=weather").await;
    assert_eq!(status, 400);
    let (status, districts) = app.get_json("/api/v1/districts").await;
    assert_eq!(status, 200);
    assert!(districts.as_array().unwrap().len() >= 46);
}

crate::on_both_backends!(an_exchange_runs_from_proposal_to_report_with_mail_in_each_language);

#[tokio::test]
async fn a_platform_administrator_opens_a_district_and_invites_its_manager() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut admin = person(
        &app,
        "admin@maillage.fr",
        "fr",
        Scope::Platform,
        Role::PlatformAdmin,
    )
    .await;
    let mut referent = person(
        &app,
        "r@region.fr",
        "fr",
        Scope::Region("84".into()),
        Role::RegionalCouncil,
    )
    .await;
    let form = [
        ("name", "Distretto del mobile di Livenza"),
        ("country", "it"),
        ("nuts_code", "ITH41"),
        ("nace_divisions", "31 16"),
        ("specialisation_en", "Furniture and wood"),
        ("language", "it"),
        ("manager_email", "manager@livenza.it"),
    ];
    let before = app.count("SELECT COUNT(*) AS n FROM organisation").await;
    let r = referent.post("/districts/nouveau", &form).await;
    assert_not_allowed(r).await;
    let mut bad = form;
    bad[3] = ("nace_divisions", "31 ZZ");
    let r = admin.post("/districts/nouveau", &bad).await;
    assert_refused(r, app::error::Problem::DivisionsInvalid).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organisation").await,
        before
    );
    // A bad manager address creates nothing either: the district and its manager's
    // invitation are one transaction.
    let mut bad = form;
    bad[6] = ("manager_email", "pas une adresse");
    let r = admin.post("/districts/nouveau", &bad).await;
    assert_refused(r, app::error::Problem::EmailInvalid).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM organisation").await,
        before
    );
    let r = admin.post("/districts/nouveau", &form).await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?invitation=envoyee"), "{location}");
    let id = app
        .count("SELECT id FROM organisation WHERE name = 'Distretto del mobile di Livenza'")
        .await;
    assert_eq!(divisions(&app, id).await, ["31", "16"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE to_email = 'manager@livenza.it'")
            .await,
        1
    );
}
