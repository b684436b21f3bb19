//! Demonstration fiches-actions and contracts: a dozen territories (not the Arve valley, whose
//! first contract a walkthrough starts) each get a signed
//! contrat-cadre with its signatories and two avenants, and fiches at every stage of the
//! workflow (from draft to completed), carried by the territory, one of its EPCI or one of its
//! demonstration firms, with financial plans naming real funders (the Region, the State, the
//! operators) and indicators. Flagged `demo`, so pages badge them.

use crate::clock::Clock;
use crate::db::action_sheets as q;
use crate::db::fetch_all;
use crate::services::action_sheets::{ActionSheetService, DemoStep};
use anyhow::Context;
use app::api::action_sheets::{IndicatorDraft, LineDraft, SheetDraft};
use app::domain::action_sheet::{SheetAction, SheetStatus};
use sea_orm::{DatabaseTransaction, FromQueryResult};

const DAY: i64 = 86_400;

/// (title, axis, theme, description).
const TEMPLATES: [(&str, &str, &str, &str); 10] = [
    ("Requalification de la friche de l'ancienne fonderie", "attirer", "land",
     "Dépollution et viabilisation de 6 ha d'une friche industrielle pour accueillir des activités de production."),
    ("Campus des métiers de l'usinage et de la mécanique", "recruter", "skills",
     "Plateau technique partagé entre le lycée professionnel, l'AFPA et les entreprises pour former aux métiers en tension."),
    ("Résidence pour alternants et salariés en mobilité", "recruter", "housing",
     "Quarante logements meublés de courte durée à proximité de la zone d'activités."),
    ("Réseau de chaleur alimenté par la chaleur fatale industrielle", "innover", "energy",
     "Récupération de la chaleur des fours de deux sites pour chauffer les équipements publics voisins."),
    ("Démonstrateur d'écologie industrielle et territoriale", "innover", "ecological_transition",
     "Mutualisation des flux de matières et de déchets entre une vingtaine d'entreprises de la zone."),
    ("Transport à la demande pour les équipes postées", "recruter", "mobility",
     "Navettes aux horaires des équipes du matin et de nuit entre les bourgs et les usines."),
    ("Extension du parc d'activités pour une implantation industrielle", "attirer", "planning",
     "Aménagement de 12 ha en continuité du parc existant, avec desserte ferroviaire."),
    ("Modernisation et robotisation d'une ligne de production", "innover", "innovation",
     "Investissement dans une cellule robotisée et la formation des opérateurs."),
    ("Guichet unique des autorisations pour les projets industriels", "simplifier", "simplification",
     "Un interlocuteur unique de l'État et de l'intercommunalité pour accompagner les dossiers d'autorisation."),
    ("Plan de transmission des entreprises industrielles", "attirer", "succession",
     "Repérage des dirigeants proches de la retraite et accompagnement des repreneurs."),
];

/// The stage each template's fiche reaches, and its avenant.
const STAGES: [(SheetStatus, Option<i64>); 10] = [
    (SheetStatus::Draft, None),
    (SheetStatus::LocalReview, None),
    (SheetStatus::RegionalReview, None),
    (SheetStatus::ToRework, None),
    (SheetStatus::NotRetained, None),
    (SheetStatus::Retained, None),
    (SheetStatus::Inscribed, Some(2)),
    (SheetStatus::InProgress, Some(1)),
    (SheetStatus::Late, Some(2)),
    (SheetStatus::Completed, Some(1)),
];

fn path(to: SheetStatus, avenant: Option<i64>) -> Vec<DemoStep<'static>> {
    let step = |action, to, stance, support, comment| DemoStep {
        action,
        to,
        stance,
        support,
        avenant: None,
        comment,
    };
    let mut steps = Vec::new();
    if to == SheetStatus::Draft {
        return steps;
    }
    steps.push(step(
        SheetAction::PresentLocal,
        SheetStatus::LocalReview,
        "",
        "",
        "",
    ));
    if to == SheetStatus::LocalReview {
        return steps;
    }
    if to == SheetStatus::ToRework {
        steps.push(step(
            SheetAction::LocalOpinion,
            SheetStatus::ToRework,
            "unfavourable",
            "",
            "Le plan de financement doit être consolidé avant la présentation à la Région.",
        ));
        return steps;
    }
    steps.push(step(
        SheetAction::LocalOpinion,
        SheetStatus::RegionalReview,
        "favourable",
        "",
        "Avis favorable du comité de projet local.",
    ));
    match to {
        SheetStatus::RegionalReview => return steps,
        SheetStatus::NotRetained => {
            steps.push(step(
                SheetAction::Reject,
                SheetStatus::NotRetained,
                "",
                "",
                "Projet hors des priorités régionales de cette année.",
            ));
            return steps;
        }
        _ => {}
    }
    steps.push(step(
        SheetAction::Retain,
        SheetStatus::Retained,
        "",
        "both",
        "Retenue par le comité de pilotage régional.",
    ));
    if to == SheetStatus::Retained {
        return steps;
    }
    steps.push(DemoStep {
        avenant,
        ..step(SheetAction::Inscribe, SheetStatus::Inscribed, "", "", "")
    });
    match to {
        SheetStatus::Inscribed => {}
        SheetStatus::InProgress => steps.push(step(
            SheetAction::MarkInProgress,
            SheetStatus::InProgress,
            "",
            "",
            "",
        )),
        SheetStatus::Late => {
            steps.push(step(
                SheetAction::MarkInProgress,
                SheetStatus::InProgress,
                "",
                "",
                "",
            ));
            steps.push(step(
                SheetAction::MarkLate,
                SheetStatus::Late,
                "",
                "",
                "Les travaux de dépollution ont pris six mois de retard.",
            ));
        }
        _ => {
            steps.push(step(
                SheetAction::MarkInProgress,
                SheetStatus::InProgress,
                "",
                "",
                "",
            ));
            steps.push(step(
                SheetAction::Complete,
                SheetStatus::Completed,
                "",
                "",
                "",
            ));
        }
    }
    steps
}

#[derive(FromQueryResult)]
struct TerritoryRow {
    id: String,
    name: String,
    region: String,
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

/// Writes `sheets` demonstration fiches, ten per territory (more past 1,820), and the
/// contracts of their territories, in the caller's transaction; returns how many fiches.
pub async fn generate(
    db: &sea_orm::DatabaseConnection,
    txn: &DatabaseTransaction,
    rng: &mut impl FnMut(usize) -> usize,
    sheets: usize,
    now: i64,
) -> anyhow::Result<usize> {
    let territories = sheets.div_ceil(TEMPLATES.len()).clamp(1, 182);
    let per_territory = sheets.div_ceil(territories);
    // Oyonnax first (demonstration firms are there), then others spread over the country
    // (their numbers scrambled, so that the map of a figure is not one region's). The Arve valley
    // (ti-8422), where the README's walkthrough and the browser tests start a contract from
    // its first avenant, is left without demonstration fiches.
    let chosen: Vec<TerritoryRow> = fetch_all(
        txn,
        "SELECT t.id, t.name, r.region_code AS region FROM territory t JOIN territory_region r \
         ON r.territory_id = t.id AND r.is_lead WHERE t.id <> 'ti-8422' \
         ORDER BY CASE t.id WHEN 'ti-8413' THEN 0 ELSE 1 END, \
         (CAST(SUBSTR(t.id, 4) AS INTEGER) * 7919) % 1009, t.id LIMIT ?",
        vec![(territories as i64).into()],
    )
    .await?;
    let operators: Vec<IdRow> = fetch_all(
        txn,
        "SELECT id FROM organisation WHERE kind = 'operator' AND name IN \
         ('Banque des Territoires', 'Bpifrance', 'ADEME') ORDER BY name",
        vec![],
    )
    .await?;
    let service = ActionSheetService::new(db.clone(), Clock::default(), String::new());
    let mut made = 0;
    for (k, t) in chosen.iter().enumerate() {
        let contract = q::contract(txn, &t.id)
            .await?
            .context("every territory has a contract")?;
        if !q::avenants(txn, contract.id).await?.is_empty() {
            continue;
        }
        let signed = now - (420 + rng(60) as i64) * DAY;
        q::sign_contract(
            txn,
            contract.id,
            &format!("Contrat Territoires d'industrie — {}", t.name),
            signed,
        )
        .await?;
        let epcis = q::territory_epcis(txn, &t.id).await?;
        q::insert_signatory(
            txn,
            contract.id,
            ("region", &t.region, "", "Président du conseil régional"),
            now,
        )
        .await?;
        q::insert_signatory(
            txn,
            contract.id,
            ("state", &t.region, "", "Préfet de région"),
            now,
        )
        .await?;
        if let Some(e) = epcis.first() {
            q::insert_signatory(txn, contract.id, ("epci", &e.siren, "", "Président"), now).await?;
        }
        if let Some(o) = operators.first() {
            q::insert_signatory(
                txn,
                contract.id,
                ("organisation", &o.id.to_string(), "", "Directeur régional"),
                now,
            )
            .await?;
        }
        let first = q::insert_avenant(
            txn,
            contract.id,
            "Premières actions",
            Some(signed + 120 * DAY),
            None,
            now,
        )
        .await?;
        let second = q::insert_avenant(
            txn,
            contract.id,
            "Actions de l'année",
            Some(now - 60 * DAY),
            None,
            now,
        )
        .await?;
        let avenant_id = |n: i64| async move {
            Ok::<Option<i64>, anyhow::Error>(
                q::avenants(txn, contract.id)
                    .await?
                    .into_iter()
                    .find(|a| a.number == n)
                    .map(|a| a.id),
            )
        };
        let firms: Vec<IdRow> = fetch_all(
            txn,
            "SELECT o.id FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             WHERE o.is_demo AND o.kind = 'firm' AND c.territory_id = ? ORDER BY o.id LIMIT 6",
            vec![t.id.as_str().into()],
        )
        .await?;
        for n in 0..per_territory {
            if made >= sheets {
                break;
            }
            let i = n % TEMPLATES.len();
            let (template, axis, theme, description) = &TEMPLATES[i];
            // Past the ten templates, later rounds of the same actions ("lot 2"...).
            let round = n / TEMPLATES.len();
            let named = if round == 0 {
                (*template).to_owned()
            } else {
                format!("{template} (lot {})", round + 1)
            };
            let title = &named.as_str();
            let (stage, avenant) = STAGES[(i + k + round) % STAGES.len()];
            // A firm carries every third fiche (its amounts are then confidential), an EPCI
            // every third, the territory the rest.
            let (porteur_kind, porteur_organisation, porteur_epci) = match (
                i % 3,
                firms.get(i % firms.len().max(1)),
                epcis.get(i % epcis.len().max(1)),
            ) {
                (0, Some(f), _) => ("organisation", Some(f.id), String::new()),
                (1, _, Some(e)) => ("epci", None, e.siren.clone()),
                _ => ("territory", None, String::new()),
            };
            let base = (1 + rng(40)) as i64 * 25_000;
            // The fiche is written about a year ago; its steps follow every 20 days, the
            // commitments some months later and the payments after them.
            let start = now - (300 + rng(60) as i64) * DAY;
            let on = |days: i64| app::domain::text::iso_date(start + days * DAY);
            let dated = |mut line: LineDraft| {
                line.requested_on = on(0);
                if line.committed > 0 {
                    line.committed_on = on(140 + (line.requested % 7) * 9);
                }
                if line.paid > 0 {
                    line.paid_on = on(230 + (line.requested % 5) * 11);
                }
                line
            };
            let committed = |share: i64| {
                if stage.implementing() || stage == SheetStatus::Completed {
                    base * share / 100
                } else {
                    0
                }
            };
            let paid = |share: i64| {
                if stage == SheetStatus::Completed {
                    base * share / 100
                } else if stage == SheetStatus::InProgress {
                    base * share / 300
                } else {
                    0
                }
            };
            let mut lines = vec![
                LineDraft {
                    funder_kind: "region".into(),
                    funder_ref: t.region.clone(),
                    instrument: "region".into(),
                    requested: base * 30 / 100,
                    committed: committed(30),
                    paid: paid(30),
                    ..LineDraft::default()
                },
                LineDraft {
                    funder_kind: "state".into(),
                    funder_ref: t.region.clone(),
                    instrument: ["dsil", "detr", "fnadt", "fonds_vert"][i % 4].into(),
                    requested: base * 25 / 100,
                    committed: committed(25),
                    paid: paid(25),
                    ..LineDraft::default()
                },
            ];
            if let Some(o) = operators.get(i % operators.len().max(1)) {
                lines.push(LineDraft {
                    funder_kind: "organisation".into(),
                    funder_organisation: Some(o.id),
                    instrument: ["banque_des_territoires", "bpifrance", "ademe"][i % 3].into(),
                    requested: base * 20 / 100,
                    committed: committed(20),
                    paid: paid(20),
                    ..LineDraft::default()
                });
            }
            lines.push(LineDraft {
                funder_kind: "porteur".into(),
                instrument: "fonds_propres".into(),
                requested: base * 25 / 100,
                committed: committed(25),
                paid: paid(25),
                ..LineDraft::default()
            });
            let lines: Vec<LineDraft> = lines.into_iter().map(dated).collect();
            let jobs = (2 + rng(30)) as f64;
            let draft = SheetDraft {
                territory: t.id.clone(),
                title: (*title).to_owned(),
                axis: (*axis).to_owned(),
                themes: vec![(*theme).to_owned()],
                porteur_kind: porteur_kind.to_owned(),
                porteur_organisation,
                porteur_epci,
                collective: porteur_kind != "organisation",
                maturity: if stage.implementing() || stage == SheetStatus::Completed { "operation" } else { ["idee", "etude"][i % 2] }.to_owned(),
                description: (*description).to_owned(),
                expected_results: format!("{jobs} emplois créés ou maintenus ; effet d'entraînement sur les sous-traitants du territoire."),
                schedule: "Études la première année ; travaux et mise en service la suivante.".to_owned(),
                lines,
                indicators: vec![
                    IndicatorDraft { code: "emplois_prevus".into(), target: jobs, ..IndicatorDraft::default() },
                    IndicatorDraft { code: "emplois_crees".into(), target: jobs, ..IndicatorDraft::default() },
                ],
                ..SheetDraft::default()
            };
            let id = service
                .create_demo(txn, &draft)
                .await
                .map_err(|e| anyhow::anyhow!("demo fiche {title:?}: {e:?}"))?;
            let avenant = match avenant {
                Some(1) => avenant_id(first).await?,
                Some(_) => avenant_id(second).await?,
                None => None,
            };
            service
                .advance_demo(txn, id, &path(stage, avenant), start)
                .await
                .map_err(|e| anyhow::anyhow!("demo fiche {title:?}: {e:?}"))?;
            // Jobs created so far: half the target under way, all of it once completed.
            let created = match stage {
                SheetStatus::InProgress | SheetStatus::Late => (jobs / 2.0).floor(),
                SheetStatus::Completed => jobs,
                _ => 0.0,
            };
            if created > 0.0 {
                let indicator: Vec<IdRow> = fetch_all(
                    txn,
                    "SELECT id FROM action_sheet_indicator WHERE sheet_id = ? AND code = 'emplois_crees'",
                    vec![id.into()],
                )
                .await?;
                if let Some(ind) = indicator.first() {
                    q::insert_value(txn, id, ind.id, start + 280 * DAY, created, (0, now)).await?;
                }
            }
            made += 1;
        }
    }
    Ok(made)
}
