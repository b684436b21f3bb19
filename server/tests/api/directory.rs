//! The territorial directory: API, pages and reference data.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

async fn territories_api_lists_183_territories(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_json("/api/v1/territories").await;
    assert_eq!(status, 200);
    let list = body.as_array().unwrap();
    assert_eq!(list.len(), 183);
    let arve = list.iter().find(|t| t["id"] == "ti-8422").unwrap();
    assert_eq!(arve["name"], "Vallée de l'Arve");
    assert_eq!(arve["region_code"], "84");
    assert_eq!(arve["region_name"], "Auvergne-Rhône-Alpes");
    assert_eq!(arve["departments"], serde_json::json!(["74"]));
    assert_eq!(arve["epci_count"], 2);
    assert_eq!(arve["single_commune_count"], 0);
    assert!(arve["population"].as_u64().unwrap() > 70_000);
    // Members are counted as the programme does: 626 EPCI and 3 EPT, 12 single communes
    // apart (the home page says so).
    let sum = |key: &str| list.iter().map(|t| t[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("epci_count"), sum("single_commune_count")), (629, 12));
    let (_, home) = app.get_html("/").await;
    let geography = home
        .split("data-testid=\"figures-geography\"")
        .nth(1)
        .expect("the counts are explained");
    let geography = &geography[..geography.find("</p>").unwrap()];
    for said in [
        "626 EPCI",
        "3 établissements publics territoriaux",
        "12 communes",
        "630 EPCI",
    ] {
        assert!(geography.contains(said), "{said} in {geography}");
    }
}
on_both_backends!(territories_api_lists_183_territories);

async fn the_six_operators_exist_on_a_fresh_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app
        .get_json("/api/v1/organisations?kind=operator&per_page=100")
        .await;
    assert_eq!(status, 200);
    let mut names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ADEME",
            "Action Logement",
            "Banque des Territoires",
            "Bpifrance",
            "Business France",
            "France Travail"
        ]
    );
}
on_both_backends!(the_six_operators_exist_on_a_fresh_database);

async fn an_interregional_territory_has_its_regions_the_lead_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_json("/api/v1/territories/ti-7510").await;
    assert_eq!(status, 200);
    let regions: Vec<(String, u64, bool)> = body["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["communes"].as_u64().unwrap(),
                r["lead"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        [
            ("Nouvelle-Aquitaine".to_owned(), 387, true),
            ("Occitanie".to_owned(), 174, false)
        ]
    );
    // 15 of the 183 territories span two regions; each has exactly one lead.
    let spanning = app
        .count(
            "SELECT COUNT(*) FROM (SELECT territory_id FROM territory_region \
             GROUP BY territory_id HAVING COUNT(*) > 1) s",
        )
        .await;
    assert_eq!(spanning, 15);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM territory_region WHERE is_lead")
            .await,
        183
    );
    let (_, page) = app.get_html("/territoires/ti-7510").await;
    let shown = page
        .split("data-testid=\"territory-regions\">")
        .nth(1)
        .unwrap();
    let shown = &shown[..shown.find("</dd>").unwrap()];
    assert!(
        shown.contains("Nouvelle-Aquitaine (387 communes, chef de file)")
            && shown.contains("Occitanie (174 communes)"),
        "{shown}"
    );
}
on_both_backends!(an_interregional_territory_has_its_regions_the_lead_first);

async fn territory_api_lists_the_two_epci_of_vallee_de_l_arve(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_json("/api/v1/territories/ti-8422").await;
    assert_eq!(status, 200);
    let mut names: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["CC Cluses-Arve et Montagnes", "CC Faucigny - Glières"]
    );
    assert_eq!(body["departments"][0]["name"], "Haute-Savoie");
    // Polymeris (plastics, seat Oyonnax) is a pôle of Auvergne-Rhône-Alpes.
    assert!(body["poles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Polymeris"));
}
on_both_backends!(territory_api_lists_the_two_epci_of_vallee_de_l_arve);

async fn unknown_territory_is_a_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/api/v1/territories/ti-0000",
        "/api/v1/territories/not-an-id",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(body["error"]["status"], 404);
    }
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}
on_both_backends!(unknown_territory_is_a_json_404);

async fn reference_data_is_complete_after_migration(backend: Backend) {
    let app = spawn_app(backend).await;
    let expect = [
        // 18 regions and 101 departments, plus the overseas collectivities (COM) of the COG.
        ("SELECT COUNT(*) FROM region", 26),
        ("SELECT COUNT(*) FROM department", 109),
        ("SELECT COUNT(*) FROM commune", 34_969),
        ("SELECT COUNT(*) FROM epci", 1_255),
        ("SELECT COUNT(*) FROM territory", 183),
        ("SELECT COUNT(*) FROM territory_member", 641),
        ("SELECT COUNT(*) FROM naf WHERE level = 'subclass'", 732),
        ("SELECT COUNT(*) FROM naf WHERE level = 'division'", 88),
        ("SELECT COUNT(*) FROM rome_job", 1_584),
        ("SELECT COUNT(*) FROM esco_skill", 13_485),
        ("SELECT COUNT(*) FROM nuts_region", 2_048),
        ("SELECT COUNT(*) FROM organisation WHERE kind = 'pole'", 50),
        (
            "SELECT COUNT(*) FROM organisation WHERE kind = 'district'",
            46,
        ),
        // Every commune of France and its overseas regions has coordinates (exact or, for the
        // few the source lacks, its EPCI's centroid).
        (
            "SELECT COUNT(*) FROM commune WHERE latitude IS NULL AND zone <> 'com'",
            0,
        ),
        (
            "SELECT COUNT(*) FROM commune WHERE coordinates_approximate",
            15,
        ),
    ];
    for (sql, n) in expect {
        assert_eq!(app.count(sql).await, n, "{sql}");
    }
    // Territory derived from the commune's EPCI: Cluses (74081) is in the Arve valley.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM commune WHERE insee = '74081' AND territory_id = 'ti-8422'"
        )
        .await,
        1
    );
    // Every territory has an outline on the map.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM territory WHERE map_path = ''")
            .await,
        0
    );
}
on_both_backends!(reference_data_is_complete_after_migration);

async fn pages_are_server_rendered_without_webassembly(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, home) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("<html lang=\"fr\""));
    assert_eq!(
        home.matches("<a href=\"/territoires/ti-").count(),
        183,
        "one map link per territory"
    );
    assert!(
        home.contains("aria-label=\"Vallée de l"),
        "territories are labelled by name"
    );

    let (status, page) = app.get_html("/territoires/ti-8422").await;
    assert_eq!(status, 200);
    assert!(page.contains("CC Cluses-Arve et Montagnes"));
    assert!(page.contains("CC Faucigny - Glières"));

    let (status, list) = app.get_html("/territoires?region=94").await;
    assert_eq!(status, 200);
    assert_eq!(
        list.matches("<th scope=\"row\"><a href=\"/territoires/ti-94")
            .count(),
        2,
        "Corsica has 2 territories"
    );

    let (status, list) = app.get_html("/territoires?q=vallee+arve").await;
    assert_eq!(status, 200);
    assert_eq!(
        list.matches("<th scope=\"row\"><a href=\"/territoires/ti-")
            .count(),
        1
    );

    let (status, page) = app.get_html("/territoires/ti-0000").await;
    assert_eq!(status, 404);
    assert!(page.contains("Page introuvable"));
    let (status, _) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
}
on_both_backends!(pages_are_server_rendered_without_webassembly);

async fn pole_and_district_pages_show_their_profile(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app
        .count("SELECT id FROM organisation WHERE name = 'Polymeris'")
        .await;
    let (status, page) = app.get_html(&format!("/organisations/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Oyonnax"));
    assert!(page.contains("Fabrication de produits en caoutchouc et en plastique"));
    let id = app
        .count("SELECT id FROM organisation WHERE name = 'Distretto della ceramica di Sassuolo'")
        .await;
    let (status, page) = app.get_html(&format!("/organisations/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("ITH54"));
    assert!(page.contains("Ceramic wall and floor tiles"));
    let (status, _) = app.get_html("/organisations/999999").await;
    assert_eq!(status, 404);
}
on_both_backends!(pole_and_district_pages_show_their_profile);

/// A page keeps rendering while other servers start in the same process. Starting a server
/// generates the page routes, which once set a process-wide flag that left any resource
/// first polled meanwhile waiting forever (leptos-rs/leptos#4773): tests hung at random.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_servers_start() {
    use std::time::Duration;
    let app = spawn_app(Backend::Sqlite).await;
    let (client, url) = (app.client.clone(), app.url("/territoires/ti-8422"));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = done.clone();
    let pages = tokio::spawn(async move {
        let mut rendered = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let page = tokio::time::timeout(Duration::from_secs(20), async {
                let r = client.get(&url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            })
            .await
            .unwrap_or_else(|_| panic!("page {rendered} never finished rendering"));
            assert_eq!(page.0, 200);
            assert!(page.1.contains("Vallée de l'Arve"));
            rendered += 1;
        }
        rendered
    });
    for _ in 0..8 {
        drop(spawn_app(Backend::Sqlite).await);
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let rendered = pages.await.unwrap();
    assert!(rendered > 0);
}
