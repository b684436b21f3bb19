//! One list of themes for proposals, practices and declared challenges, and exchanges as a
//! kind of notification.
//!
//! Proposals had French theme codes (`foncier`...), practices and challenges English ones
//! that overlapped (`industrial_ecology` beside `ecological_transition`). The list is now one
//! (the application's `Theme`), with English codes; rows written under the old codes are
//! carried over. Challenges already used codes of the new list and are unchanged. The theme
//! and axis of a proposal and the theme of a practice are held to their codes from now on
//! (a draft may leave its theme and axis empty), and so are the last coded columns without a
//! rule: what a proposal puts forward, the mechanism it was redirected to, the size an
//! annonce asks for, the form of an exchange. People may now choose how often they hear of
//! exchanges, so the notification kinds gain `exchanges`.

use crate::m20261201_000013_vocabularies::{apply_rules, lift_rules};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The empty code of a draft that has not chosen its theme yet, then the theme codes, as of
/// this step.
const THEMES_OR_NONE: [&str; 17] = [
    "",
    "land",
    "planning",
    "attractiveness",
    "succession",
    "public_procurement",
    "taxation",
    "skills",
    "housing",
    "mobility",
    "labour_law",
    "innovation",
    "energy",
    "ecological_transition",
    "environment",
    "simplification",
    "other",
];

/// The theme codes.
const THEMES: &[&str] = THEMES_OR_NONE.split_at(1).1;

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    ("proposal", "theme", &THEMES_OR_NONE),
    (
        "proposal",
        "axis",
        &["", "attirer", "recruter", "innover", "simplifier"],
    ),
    ("practice", "theme", THEMES),
    (
        "proposal",
        "proposal_kind",
        &["", "solution", "working_group", "lead", "experiment"],
    ),
    (
        "proposal",
        "mechanism",
        &[
            "",
            "certificat_de_projet",
            "rescrit",
            "france_experimentation",
            "derogation_prefet",
        ],
    ),
    ("need", "size", &["", "tpe", "pme", "eti"]),
    (
        "exchange",
        "format",
        &["visit", "webinar", "twinning", "joint_project"],
    ),
    (
        "notification_setting",
        "kind",
        &["invitation", "matches", "proposals", "exchanges"],
    ),
];

/// The notification kinds before this step.
const FORMER_NOTIFICATIONS: &[(&str, &str, &[&str])] = &[(
    "notification_setting",
    "kind",
    &["invitation", "matches", "proposals"],
)];

/// (table, former code, code).
const RECODED: [(&str, &str, &str); 10] = [
    ("proposal", "foncier", "land"),
    ("proposal", "urbanisme", "planning"),
    ("proposal", "environnement", "environment"),
    ("proposal", "energie", "energy"),
    ("proposal", "droit_du_travail", "labour_law"),
    ("proposal", "formation", "skills"),
    ("proposal", "commande_publique", "public_procurement"),
    ("proposal", "fiscalite", "taxation"),
    ("proposal", "autre", "other"),
    ("practice", "industrial_ecology", "ecological_transition"),
];

async fn recode(manager: &SchemaManager<'_>, pairs: &[(&str, &str, &str)]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let placeholders = match backend {
        DatabaseBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    for (table, from, to) in pairs {
        db.execute(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE {table} SET theme = {} WHERE theme = {}",
                placeholders.0, placeholders.1
            ),
            [(*to).into(), (*from).into()],
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        recode(manager, &RECODED).await?;
        lift_rules(manager, FORMER_NOTIFICATIONS).await?;
        apply_rules(manager, VOCABULARIES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        lift_rules(manager, VOCABULARIES).await?;
        let db = manager.get_connection();
        // The exchanges setting had no place before. Rows under a theme that had no former
        // code (a proposal on housing, say) keep it: the step before held no rule on themes.
        db.execute_unprepared("DELETE FROM notification_setting WHERE kind = 'exchanges'")
            .await?;
        let back: Vec<(&str, &str, &str)> = RECODED
            .iter()
            .map(|(t, from, to)| (*t, *to, *from))
            .collect();
        recode(manager, &back).await?;
        apply_rules(manager, FORMER_NOTIFICATIONS).await
    }
}
