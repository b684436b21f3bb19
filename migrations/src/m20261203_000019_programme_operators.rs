//! The national operators of the programme, as organisations of kind `operator`: the six
//! the programme names as its partners (Banque des Territoires, Bpifrance, Business France,
//! France Travail, ADEME, Action Logement), with their seat and website. Their offers of
//! services and relays come later; here they exist, can be found, named as a funder and
//! reached from their page.
//!
//! Each row is journaled so that the search index picks it up; a database that already holds
//! an operator of the same name keeps it (the step adds only what is missing).

use crate::data::numbered as sql;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, TransactionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, seat commune INSEE code, website, description, description in English).
pub const OPERATORS: [(&str, &str, &str, &str, &str); 6] = [
    (
        "Banque des Territoires",
        "75056",
        "https://www.banquedesterritoires.fr",
        "Direction de la Caisse des Dépôts au service des collectivités et des territoires : \
         prêts, investissement et ingénierie pour les projets des Territoires d'industrie.",
        "The Caisse des Dépôts department serving local authorities and territories: loans, \
         investment and engineering for the projects of the Territoires d'industrie.",
    ),
    (
        "Bpifrance",
        "94046",
        "https://www.bpifrance.fr",
        "Banque publique d'investissement : financement, garantie, fonds propres et \
         accompagnement des entreprises industrielles, de la TPE à l'ETI.",
        "The public investment bank: loans, guarantees, equity and support for industrial \
         firms, from micro-enterprises to mid-caps.",
    ),
    (
        "Business France",
        "75056",
        "https://www.businessfrance.fr",
        "Agence nationale au service de l'internationalisation de l'économie française : \
         export des PME et ETI, attractivité et investissements étrangers.",
        "The national agency for the internationalisation of the French economy: exports of \
         SMEs and mid-caps, attractiveness and foreign investment.",
    ),
    (
        "France Travail",
        "75056",
        "https://www.francetravail.fr",
        "Opérateur public de l'emploi : recrutement, formation et accompagnement des \
         demandeurs d'emploi et des entreprises qui recrutent.",
        "The public employment service: recruitment, training and support for job seekers \
         and for firms that hire.",
    ),
    (
        "ADEME",
        "49007",
        "https://www.ademe.fr",
        "Agence de la transition écologique : décarbonation de l'industrie, efficacité \
         énergétique, économie circulaire, appels à projets.",
        "The ecological transition agency: decarbonising industry, energy efficiency, the \
         circular economy, calls for projects.",
    ),
    (
        "Action Logement",
        "75056",
        "https://www.actionlogement.fr",
        "Acteur paritaire du logement des salariés : logement à proximité de l'emploi, aides \
         à la mobilité des salariés des entreprises.",
        "The employers' and unions' housing body: homes near jobs, and mobility support for \
         the employees of firms.",
    ),
];

/// 2026-12-03, when the list was written.
const AT: i64 = 1_796_256_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let txn = manager.get_connection().begin().await?;
        for (name, commune, website, description, description_en) in OPERATORS {
            let exists = txn
                .query_one(Statement::from_sql_and_values(
                    backend,
                    sql(
                        backend,
                        "SELECT id FROM organisation WHERE kind = 'operator' AND name = ?",
                    ),
                    [name.into()],
                ))
                .await?;
            if exists.is_some() {
                continue;
            }
            let row = txn
                .query_one(Statement::from_sql_and_values(
                    backend,
                    sql(
                        backend,
                        "INSERT INTO organisation (kind, name, commune_insee, country_code, \
                         description, description_en, capabilities, certifications, website, \
                         email, is_demo, created_at, updated_at) VALUES \
                         ('operator', ?, ?, 'FR', ?, ?, '[]', '[]', ?, '', ?, ?, ?) RETURNING id",
                    ),
                    [
                        name.into(),
                        commune.into(),
                        description.into(),
                        description_en.into(),
                        website.into(),
                        false.into(),
                        AT.into(),
                        AT.into(),
                    ],
                ))
                .await?
                .ok_or_else(|| DbErr::Custom(format!("{name}: no id returned")))?;
            let id: i64 = row.try_get_by_index(0)?;
            txn.execute(Statement::from_sql_and_values(
                backend,
                sql(
                    backend,
                    "INSERT INTO changes (entity, entity_id, op, at) VALUES ('organisation', ?, 'upsert', ?)",
                ),
                [id.into(), AT.into()],
            ))
            .await?;
        }
        txn.commit().await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The operators stay: annonces, contacts and memberships may name them by now, and
        // `up` adds only what is missing, so running it again is harmless.
        Ok(())
    }
}
