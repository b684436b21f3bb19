//! Demonstration content beyond firms: simplification proposals and annonces.
//!
//! Proposals: a dozen real bottlenecks the programme's
//! territories report (land, permits, grid connection, housing...), raised by several
//! territories, at every stage of the workflow, with dated timelines and supporters, so the
//! list, the queues and the dashboard have something to show. Flagged `is_demo`.

use crate::db::{fetch_all, stmt};
use anyhow::Context;
use app::domain::proposal::{Action, Mechanism, Status, DAY};
use app::domain::theme::Axis;
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};

/// (title, theme, problem, rule, legal reference, kind, proposal).
type Template = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const TEMPLATES: [Template; 12] = [
    ("Délais d'instruction des autorisations environnementales pour l'extension d'ateliers", "environment",
     "Des PME attendent plus d'un an l'autorisation d'agrandir un atelier existant, sans changement de procédé. Les commandes partent chez des concurrents étrangers pendant l'instruction.",
     "Autorisation environnementale des installations classées (ICPE)", "Code de l'environnement, art. L181-1 et suivants", "experiment",
     "Expérimenter un délai d'instruction garanti de six mois pour les extensions sans changement de procédé."),
    ("Zéro artificialisation nette et extension des sites industriels existants", "land",
     "Des entreprises ne peuvent pas s'étendre sur les parcelles voisines de leur site : l'enveloppe foncière de l'intercommunalité est épuisée par d'autres usages.",
     "Objectif de zéro artificialisation nette des sols", "Loi Climat et résilience du 22 août 2021, art. 191 à 194", "solution",
     "Décompter à part les extensions de sites industriels existants dans les enveloppes foncières."),
    ("Délais et coûts du raccordement électrique des sites industriels", "energy",
     "Des projets d'électrification de fours attendent deux à trois ans un raccordement en haute tension ; le devis dépasse parfois le coût de l'équipement.",
     "Procédure de raccordement au réseau public de transport d'électricité", "Code de l'énergie, art. L342-1 et suivants", "working_group",
     "Un groupe de travail avec le gestionnaire de réseau sur les raccordements des sites en décarbonation."),
    ("Compensation des zones humides sur les friches industrielles", "environment",
     "La requalification d'une friche est bloquée : une zone humide apparue sur le site depuis la fermeture impose une compensation hors de portée du projet.",
     "Compensation des atteintes aux zones humides", "Code de l'environnement, art. L211-1 et L163-1", "lead",
     "Permettre une compensation sur le site même ou à l'échelle de l'intercommunalité."),
    ("Logement des alternants et des intérimaires près des usines", "skills",
     "Les entreprises ne trouvent pas de logement de courte durée pour leurs alternants : des contrats d'apprentissage ne sont pas signés.",
     "Règles d'attribution et de durée des logements sociaux", "Code de la construction et de l'habitation, art. L441-1", "experiment",
     "Expérimenter des baux de courte durée dédiés aux alternants dans le parc social."),
    ("Seuils de la commande publique et accès des PME locales", "public_procurement",
     "Les collectivités ne peuvent pas favoriser les entreprises locales sous-traitantes ; les petits lots sont regroupés et échappent aux PME du territoire.",
     "Règles d'allotissement et de publicité des marchés publics", "Code de la commande publique, art. L2113-10", "solution",
     "Relever le seuil de dispense de procédure pour les achats industriels de proximité."),
    ("Horaires des apprentis mineurs sur les lignes en équipes", "labour_law",
     "Les apprentis mineurs ne peuvent pas suivre l'équipe du matin ; les entreprises en 3x8 renoncent à les recruter.",
     "Durée et horaires de travail des jeunes travailleurs", "Code du travail, art. L3162-1", "working_group",
     "Un groupe de travail sur des dérogations encadrées pour les équipes postées."),
    ("Modification du plan local d'urbanisme pour une extension d'usine", "planning",
     "Une modification du PLU nécessaire à une extension de 2 000 m² prend dix-huit mois ; l'investisseur menace de partir.",
     "Procédure de modification du plan local d'urbanisme", "Code de l'urbanisme, art. L153-36 à L153-48", "solution",
     "Une procédure accélérée pour les projets industriels reconnus d'intérêt local."),
    ("Cotisation foncière des investissements de décarbonation", "taxation",
     "Les investissements de décarbonation augmentent la base de cotisation foncière des entreprises et pénalisent les entreprises qui se modernisent.",
     "Base d'imposition de la cotisation foncière des entreprises", "Code général des impôts, art. 1467", "solution",
     "Exonérer de CFE pendant cinq ans les équipements de décarbonation."),
    ("Diagnostics de pollution des friches : délais et coûts", "land",
     "Les diagnostics de pollution des sols d'une friche coûtent plus que la valeur du terrain ; les repreneurs renoncent.",
     "Gestion des sites et sols pollués", "Code de l'environnement, art. L556-1", "lead",
     "Financer les diagnostics par le fonds friches avant toute cession."),
    ("Transport des salariés en horaires postés", "other",
     "Aucun transport collectif ne dessert la zone industrielle à 5 heures ; les salariés sans voiture ne peuvent pas tenir les postes du matin.",
     "Organisation des services de transport par les autorités organisatrices de la mobilité", "Code des transports, art. L1231-1", "experiment",
     "Autoriser le transport scolaire à servir les équipes du matin."),
    ("Archéologie préventive sur les zones d'activité déjà aménagées", "planning",
     "Des fouilles préventives sont prescrites sur des parcelles d'une zone d'activité déjà viabilisée, avec six mois de retard.",
     "Prescriptions d'archéologie préventive", "Code du patrimoine, art. L522-1", "solution",
     "Dispenser de diagnostic les parcelles de zones déjà aménagées et diagnostiquées."),
];

/// Where a generated proposal ends, with its weight.
const PATHS: [(&str, u32); 10] = [
    ("draft", 1),
    ("awaiting_approval", 1),
    ("referent_review", 1),
    ("regional_review", 3),
    ("returned", 1),
    ("answered_regional", 2),
    ("redirected", 2),
    ("national_review", 4),
    ("accepted", 2),
    ("rejected", 1),
];

#[derive(FromQueryResult)]
struct TerritoryRow {
    id: String,
    region_code: String,
}

/// One step of a generated timeline.
struct Step {
    /// An opinion's stance, or empty.
    stance: &'static str,
    role: &'static str,
    name: &'static str,
    action: &'static str,
    from: &'static str,
    to: &'static str,
    comment: &'static str,
}

fn path_to(end: &str) -> Vec<Step> {
    let step = |role, name, action, from, to, comment| Step {
        stance: "",
        role,
        name,
        action,
        from,
        to,
        comment,
    };
    let mut steps = vec![step(
        "project_manager",
        "Cheffe de projet (démo)",
        "create",
        "",
        "draft",
        "",
    )];
    if end == "draft" {
        return steps;
    }
    steps.push(step(
        "elected_colead",
        "Élu du binôme (démo)",
        "submit",
        "draft",
        "awaiting_approval",
        "",
    ));
    if end == "awaiting_approval" {
        return steps;
    }
    steps.push(step(
        "industrial_colead",
        "Industriel du binôme (démo)",
        "approve",
        "awaiting_approval",
        "referent_review",
        "",
    ));
    let referent = |action, to, comment| {
        step(
            "state_referent",
            "Référent territorial de l'État (démo)",
            action,
            "referent_review",
            to,
            comment,
        )
    };
    match end {
        "referent_review" => return steps,
        // Redirection is the État's référent's, at the territory (FAQ 3.6).
        "redirected" => {
            steps.push(referent("redirect", "redirected", "Le certificat de projet donne au porteur un calendrier d'instruction opposable."));
            return steps;
        }
        _ => steps.push(referent("forward", "regional_review", "Demande reformulée avec le porteur : la règle en cause et les délais constatés sont précisés.")),
    }
    let region = |action, to, comment| {
        step(
            "regional_council",
            "Conseil régional (démo)",
            action,
            "regional_review",
            to,
            comment,
        )
    };
    match end {
        "regional_review" => {}
        "returned" => steps.push(region("return", "returned", "Merci de préciser les projets concernés et les délais constatés.")),
        "answered_regional" => steps.push(region("answer_regional", "answered_regional", "La région réunit les services instructeurs ; un référent unique suivra les dossiers du territoire.")),
        _ => {
            // The lead region gives its opinion before escalating.
            steps.push(Step {
                stance: "favourable",
                ..region("opinion", "regional_review", "Avis favorable : le même blocage est signalé par plusieurs territoires de la région.")
            });
            steps.push(region("escalate", "national_review", "Sujet remonté par plusieurs territoires de la région."));
            let national = |action, to, comment| step("national_delegation", "Délégation nationale (démo)", action, "national_review", to, comment);
            match end {
                "accepted" => steps.push(national("accept", "accepted", "Mesure retenue : elle sera expérimentée dans des territoires volontaires.")),
                "rejected" => steps.push(national("reject", "rejected", "La règle protège un intérêt supérieur ; un guide d'application sera diffusé aux services.")),
                _ => {}
            }
        }
    }
    steps
}

/// Writes `count` demonstration proposals in the caller's transaction; returns how many.
pub async fn generate(
    txn: &DatabaseTransaction,
    rng: &mut impl FnMut(usize) -> usize,
    count: usize,
    now: i64,
) -> anyhow::Result<usize> {
    let territories: Vec<TerritoryRow> = fetch_all(
        txn,
        "SELECT id, region_code FROM territory ORDER BY id",
        vec![],
    )
    .await?;
    anyhow::ensure!(!territories.is_empty(), "no territory loaded");
    let total_weight: u32 = PATHS.iter().map(|p| p.1).sum();
    let mut made = 0;
    for k in 0..count {
        let (title, theme, problem, rule, legal, kind, solution) = TEMPLATES[k % TEMPLATES.len()];
        let territory = &territories[rng(territories.len())];
        let mut x = rng(total_weight as usize) as u32;
        let end = PATHS
            .iter()
            .find(|(_, w)| {
                if x < *w {
                    true
                } else {
                    x -= w;
                    false
                }
            })
            .map(|p| p.0)
            .unwrap_or("regional_review");
        let steps = path_to(end);
        // Spread over the last 14 months, each step 3 to 60 days after the previous one.
        let mut at = now - (60 + rng(360) as i64) * DAY;
        let mut times = Vec::new();
        for _ in &steps {
            times.push(at);
            at += (3 + rng(58) as i64) * DAY;
        }
        // Nothing happens in the future: shift the whole timeline back if needed.
        let overshoot = times.last().map(|t| t - (now - DAY)).unwrap_or(0).max(0);
        for t in &mut times {
            *t -= overshoot;
        }
        let last = *times.last().unwrap_or(&now);
        let submitted = steps
            .iter()
            .zip(&times)
            .find(|(s, _)| matches!(s.to, "referent_review" | "regional_review"))
            .map(|(_, t)| *t);
        let answered = steps
            .iter()
            .zip(&times)
            .find(|(s, _)| {
                matches!(
                    s.to,
                    "answered_regional" | "redirected" | "accepted" | "rejected"
                )
            })
            .map(|(s, t)| (*t, s.comment));
        let row = fetch_all::<Id>(
            txn,
            "INSERT INTO proposal (territory_id, region_code, title, problem, rule, legal_reference, \
             theme, axis, proposal_kind, solution, status, mechanism, answer, created_at, updated_at, \
             submitted_at, answered_at, lang, is_demo) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fr', ?) RETURNING id",
            vec![
                territory.id.as_str().into(),
                territory.region_code.as_str().into(),
                title.into(),
                problem.into(),
                rule.into(),
                legal.into(),
                theme.into(),
                Axis::Simplify.code().into(),
                kind.into(),
                solution.into(),
                end.into(),
                if end == Status::Redirected.code() {
                    Mechanism::CertificatDeProjet.code()
                } else {
                    ""
                }
                .into(),
                answered.map(|a| a.1).unwrap_or_default().into(),
                times[0].into(),
                last.into(),
                submitted.into(),
                answered.map(|a| a.0).into(),
                true.into(),
            ],
        )
        .await?;
        let id = row.first().context("demo proposal id")?.id;
        txn.execute(stmt(
            txn,
            "UPDATE proposal SET root_id = id WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
        for (s, t) in steps.iter().zip(&times) {
            txn.execute(stmt(
                txn,
                "INSERT INTO proposal_event (proposal_id, at, user_name, role, action, from_status, \
                 to_status, comment, mechanism, stance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    (*t).into(),
                    s.name.into(),
                    s.role.into(),
                    s.action.into(),
                    s.from.into(),
                    s.to.into(),
                    s.comment.into(),
                    if s.action == Action::Redirect.code() {
                        Mechanism::CertificatDeProjet.code()
                    } else {
                        ""
                    }
                    .into(),
                    s.stance.into(),
                ],
            ))
            .await?;
        }
        // Public proposals gather a few supporting territories with a testimony.
        if end != "draft" {
            for _ in 0..rng(5) {
                let other = &territories[rng(territories.len())];
                if other.id == territory.id {
                    continue;
                }
                txn.execute(stmt(
                    txn,
                    "INSERT INTO proposal_support (proposal_id, user_id, territory_id, testimony, created_at) \
                     SELECT ?, 0, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM proposal_support WHERE proposal_id = ? AND territory_id = ?)",
                    vec![
                        id.into(),
                        other.id.as_str().into(),
                        "Nous rencontrons le même blocage sur notre territoire.".into(),
                        (times[1] + DAY).into(),
                        id.into(),
                        other.id.as_str().into(),
                    ],
                ))
                .await?;
            }
        }
        made += 1;
    }
    Ok(made)
}

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

/// Demonstration annonces: (kind, title, description, NAF codes, certifications, visibility).
const ANNONCES: [(&str, &str, &str, &str, &str, &str); 10] = [
    (
        "supplier",
        "Usinage 5 axes de pièces en titane",
        "Pièces de structure, 200 par an, contrôle tridimensionnel exigé.",
        "25.62B",
        "EN 9100",
        "members",
    ),
    (
        "supplier",
        "Décolletage de précision en laiton",
        "Séries de 50 000 pièces par mois.",
        "25.62A",
        "",
        "public",
    ),
    (
        "supplier",
        "Injection plastique de pièces techniques",
        "Pièces en polyamide chargé verre, 100 000 par an.",
        "22.29A",
        "IATF 16949",
        "anonymous",
    ),
    (
        "capacity",
        "Capacité de tournage disponible",
        "Deux tours multibroches libres dès le mois prochain.",
        "25.62A",
        "",
        "public",
    ),
    (
        "supplier",
        "Traitement de surface : anodisation",
        "Carters aluminium, séries moyennes.",
        "25.61Z",
        "",
        "members",
    ),
    (
        "skills",
        "Recrutement de régleurs sur commande numérique",
        "Trois postes, formation possible en interne.",
        "25.62B",
        "",
        "public",
    ),
    (
        "partnership",
        "Co-développement d'un composite recyclable",
        "Recherche partenaire plasturgiste pour un projet financé.",
        "22.29A",
        "",
        "members",
    ),
    (
        "technology",
        "Offre : contrôle par vision industrielle",
        "Solution de contrôle en ligne pour pièces décolletées.",
        "26.51B",
        "",
        "public",
    ),
    (
        "supplier",
        "Moules d'injection bi-matière",
        "Deux moules par an, délais courts.",
        "25.73A",
        "",
        "anonymous",
    ),
    (
        "supplier",
        "Emballage carton pour expédition",
        "Caisses sur mesure, livraisons hebdomadaires.",
        "17.21A",
        "",
        "members",
    ),
];

/// Writes demonstration annonces posted by `authors` (firm ids), flagged `is_demo`.
pub async fn annonces(
    txn: &DatabaseTransaction,
    rng: &mut impl FnMut(usize) -> usize,
    authors: &[i64],
    now: i64,
) -> anyhow::Result<usize> {
    if authors.is_empty() {
        return Ok(0);
    }
    let mut made = 0;
    for (i, (kind, title, description, naf, certs, visibility)) in ANNONCES.iter().enumerate() {
        let author = authors[rng(authors.len())];
        let draft = app::api::needs::NeedDraft {
            author: format!("organisation:{author}"),
            kind: (*kind).into(),
            title: (*title).into(),
            description: (*description).into(),
            naf_codes: (*naf).into(),
            certifications: (*certs).into(),
            radius_km: "80".into(),
            visibility: (*visibility).into(),
            ..Default::default()
        };
        let need = draft
            .validate()
            .map_err(|e| anyhow::anyhow!("demo annonce {i}: {e:?}"))?;
        crate::db::needs::insert(txn, &need, None, now - (i as i64 + 1) * DAY, true).await?;
        made += 1;
    }
    Ok(made)
}

/// Demonstration clusters: (territory, name, description), each with confirmed members among
/// the territory's demo firms.
const CLUSTERS: [(&str, &str, &str); 2] = [
    (
        "ti-8422",
        "Cluster démo des industriels de l'Arve",
        "Association de démonstration : décolleteurs, mécaniciens de précision et sous-traitants de la vallée, qui mutualisent formation, achats d'énergie et prospection.",
    ),
    (
        "ti-8413",
        "Cluster démo de la plasturgie d'Oyonnax",
        "Association de démonstration : transformateurs, moulistes et outilleurs de la Plastics Vallée, autour du recyclage et de l'emploi.",
    ),
];

/// Writes the demonstration clusters, flagged `is_demo`, with 3 to 8 confirmed members each
/// among the demo firms of their territory; how many clusters.
pub async fn clusters(
    txn: &DatabaseTransaction,
    rng: &mut impl FnMut(usize) -> usize,
    now: i64,
) -> anyhow::Result<usize> {
    use app::domain::cluster::MemberStatus;
    use app::domain::organisation::{OrganisationKind, OrganisationVisibility};
    #[derive(FromQueryResult)]
    struct Firm {
        id: i64,
        commune_insee: String,
    }
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let mut made = 0;
    for (territory, name, description) in CLUSTERS {
        let firms: Vec<Firm> = crate::db::fetch_all(
            txn,
            "SELECT o.id, o.commune_insee FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             WHERE o.is_demo AND o.kind = ? AND c.territory_id = ? ORDER BY o.id LIMIT 40",
            vec![OrganisationKind::Firm.code().into(), territory.into()],
        )
        .await?;
        if firms.len() < 3 {
            continue;
        }
        let seat = &firms[rng(firms.len())].commune_insee;
        let cluster: Option<Id> = crate::db::fetch_optional(
            txn,
            "INSERT INTO organisation (kind, name, commune_insee, country_code, description, \
             capabilities, certifications, website, email, visibility, is_demo, created_at, \
             updated_at) VALUES (?, ?, ?, 'FR', ?, '[]', '[]', '', '', ?, ?, ?, ?) RETURNING id",
            vec![
                OrganisationKind::Cluster.code().into(),
                name.into(),
                seat.as_str().into(),
                description.into(),
                OrganisationVisibility::Public.code().into(),
                true.into(),
                now.into(),
                now.into(),
            ],
        )
        .await?;
        let Some(cluster) = cluster else { continue };
        let count = 3 + rng(6);
        let mut chosen: Vec<i64> = Vec::new();
        while chosen.len() < count.min(firms.len()) {
            let f = firms[rng(firms.len())].id;
            if !chosen.contains(&f) {
                chosen.push(f);
            }
        }
        for member in chosen {
            txn.execute(crate::db::stmt(
                txn,
                "INSERT INTO cluster_member (cluster_id, member_id, status, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?)",
                vec![
                    cluster.id.into(),
                    member.into(),
                    MemberStatus::Confirmed.code().into(),
                    now.into(),
                    now.into(),
                ],
            ))
            .await?;
        }
        crate::db::organisations::record_change(txn, "organisation", cluster.id, "upsert").await?;
        made += 1;
    }
    Ok(made)
}
