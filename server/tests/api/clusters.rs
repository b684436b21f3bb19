//! Clusters and their members: the cluster's admins name member firms by SIRET, each firm's
//! admins confirm (or decline, or leave later), and only confirmed members show, on the
//! cluster's page and on `/clusters`. The wrong person and bad input each time.

use crate::helpers::{assert_refused, load_register, person, spawn_app, Backend, TestApp};
use crate::on_both_backends;
use app::domain::policy::{Role, Scope};
use app::error::Problem;
use sea_orm::ConnectionTrait;

/// The three firms of the register's extract.
const FIRMS: [&str; 3] = ["41234567000019", "52345678800026", "31890234300017"];

async fn org_id(app: &TestApp, siret: &str) -> i64 {
    app.count(&format!(
        "SELECT id FROM organisation WHERE siret = '{siret}'"
    ))
    .await
}

async fn a_cluster(app: &TestApp) -> i64 {
    app.db
        .execute_unprepared(
            "INSERT INTO organisation (kind, name, commune_insee, country_code, description, \
             capabilities, certifications, website, email, visibility, is_demo, created_at, \
             updated_at) VALUES ('cluster', 'Mécanique Vallée de l''Arve', '74081', 'FR', \
             'Association des mécaniciens de la vallée', '[]', '[]', '', '', 'public', false, 0, 0)",
        )
        .await
        .unwrap();
    app.count("SELECT id FROM organisation WHERE kind = 'cluster'")
        .await
}

async fn members(app: &TestApp, cluster: i64, status: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM cluster_member WHERE cluster_id = {cluster} AND status = '{status}'"
    ))
    .await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn a_cluster_names_members_who_confirm_and_its_page_lists_them(backend: Backend) {
    let app = spawn_app(backend).await;
    load_register(&app).await;
    let cluster = a_cluster(&app).await;
    let mut animator = person(
        &app,
        "animatrice@mecanique-arve.fr",
        Some((Scope::Organisation(cluster), Role::Admin)),
    )
    .await;
    let mut firms = Vec::new();
    for (i, siret) in FIRMS.iter().enumerate() {
        let id = org_id(&app, siret).await;
        let admin = person(
            &app,
            &format!("gerant{i}@firm.fr"),
            Some((Scope::Organisation(id), Role::Admin)),
        )
        .await;
        firms.push((id, admin));
    }
    let add = format!("/organisations/{cluster}/membres");

    // The form, for the cluster's admins only.
    let (_, page) = animator.get(&format!("/organisations/{cluster}")).await;
    assert!(page.contains("data-testid=\"member-add\""));
    let (_, page) = firms[0].1.get(&format!("/organisations/{cluster}")).await;
    assert!(!page.contains("data-testid=\"member-add\""));

    // Bad input and the wrong person change nothing.
    let r = animator.post(&add, &[("siret", "123")]).await;
    assert_refused(r, Problem::SiretInvalid).await;
    let r = animator.post(&add, &[("siret", "12002701600563")]).await;
    assert_refused(r, Problem::SiretUnknown).await;
    let r = firms[0].1.post(&add, &[("siret", FIRMS[1])]).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = animator
        .post(
            &format!("/organisations/{}/membres", firms[0].0),
            &[("siret", FIRMS[1])],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "only a cluster names members");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cluster_member").await,
        0,
        "nothing recorded"
    );

    // Named: each firm's admin is told.
    for siret in FIRMS {
        let r = animator.post(&add, &[("siret", siret)]).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/organisations/{cluster}?membre=1&prevenus=1")
        );
    }
    let r = animator.post(&add, &[("siret", FIRMS[0])]).await;
    assert_eq!(r.status().as_u16(), 409, "named once");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'gerant%@firm.fr'")
            .await,
        3
    );
    // Not listed until confirmed.
    let (_, list) = app.get_html("/clusters").await;
    assert!(
        list.contains("Mécanique Vallée de l&#x27;Arve")
            || list.contains("Mécanique Vallée de l'Arve")
    );
    let (_, page) = app.get_html(&format!("/organisations/{cluster}")).await;
    assert_eq!(page.matches("data-testid=\"member\"").count(), 0);

    // Each firm's admin confirms from the firm's page; nobody else may.
    let (first, ref mut first_admin) = firms[0];
    let (_, page) = first_admin.get(&format!("/organisations/{first}")).await;
    assert!(
        page.contains("data-testid=\"member-confirm\""),
        "asked on the firm's page"
    );
    let step = |member: i64| format!("/organisations/{cluster}/membres/{member}");
    let r = animator.post(&step(first), &[("action", "confirm")]).await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "a cluster does not confirm for its members"
    );
    let r = firms[1]
        .1
        .post(&step(first), &[("action", "confirm")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = firms[0]
        .1
        .post(&step(first), &[("action", "adhérer")])
        .await;
    assert_eq!(r.status().as_u16(), 400, "a step that is none");
    assert_eq!(members(&app, cluster, "confirmed").await, 0);
    for (id, admin) in firms.iter_mut() {
        let r = admin.post(&step(*id), &[("action", "confirm")]).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            location(&r),
            format!("/organisations/{id}?adhesion=1&prevenus=1")
        );
    }
    assert_eq!(members(&app, cluster, "confirmed").await, 3);

    // The cluster's page lists its three members, to anyone; /clusters counts them.
    let (status, page) = app.get_html(&format!("/organisations/{cluster}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        page.matches("data-testid=\"member\"").count(),
        3,
        "three members"
    );
    assert!(page.contains("DECOLLETAGE DU FAUCIGNY"));
    let (_, list) = app.get_html("/clusters").await;
    let row = list
        .split("data-testid=\"cluster-list\"")
        .nth(1)
        .expect("the list");
    assert!(row.contains(">3</td>"), "{row}");
    let (_, page) = app.get_html(&format!("/organisations/{first}")).await;
    assert!(page.contains("data-testid=\"member-of\""));

    // A member leaves; confirming again is a late step.
    let third = step(firms[2].0);
    let r = firms[2].1.post(&third, &[("action", "end")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = firms[2].1.post(&third, &[("action", "confirm")]).await;
    assert_eq!(r.status().as_u16(), 409);
    assert_eq!(members(&app, cluster, "confirmed").await, 2);
    // The cluster may name it again.
    let r = animator.post(&add, &[("siret", FIRMS[2])]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(members(&app, cluster, "proposed").await, 1);
}
on_both_backends!(a_cluster_names_members_who_confirm_and_its_page_lists_them);
