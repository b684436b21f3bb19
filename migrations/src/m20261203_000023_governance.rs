//! Governance as the programme defines it (FAQ 3.2, 3.6, 4.3).
//!
//! - **Seats.** The binôme's two seats and the État's référent have one holder per territory:
//!   where a territory had several, the most recent designation is kept, and a unique index
//!   holds the rule from now on.
//! - **The État's référent's step.** Proposals gain the state `referent_review`, between the
//!   binôme's approvals and the region; the timeline gains the role `concerned_region` (a
//!   region the territory spans besides its lead), the `stance` of an opinion and the seat a
//!   référent `stands_in` for when the binôme's approval has waited too long.

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The seats, as their role codes.
pub const SEATS: [&str; 3] = ["elected_colead", "industrial_colead", "state_referent"];

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    (
        "proposal",
        "status",
        &[
            "draft",
            "awaiting_approval",
            "referent_review",
            "regional_review",
            "returned",
            "answered_regional",
            "redirected",
            "national_review",
            "accepted",
            "implemented",
            "rejected",
            "merged",
            "withdrawn",
        ],
    ),
    (
        "proposal_event",
        "role",
        &[
            "elected_colead",
            "industrial_colead",
            "project_manager",
            "team_member",
            "state_referent",
            "other_territory_team",
            "regional_council",
            "regional_state",
            "concerned_region",
            "other_region",
            "national_delegation",
            "organisation_member",
            "member",
            "anonymous",
        ],
    ),
    (
        "proposal_event",
        "stance",
        &["", "favourable", "reserved", "unfavourable"],
    ),
    (
        "proposal_event",
        "stands_in",
        &["", "elected_colead", "industrial_colead", "binome"],
    ),
];

/// The rules this step replaces (step 13's), by table and column.
const BEFORE: &[(&str, &str, &[&str])] =
    &[("proposal", "status", &[]), ("proposal_event", "role", &[])];

fn seat_list() -> String {
    SEATS
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let seats = seat_list();
        let mut sql = vec![
            // The most recent designation to each seat stays (ties: the later account).
            format!(
                "DELETE FROM membership WHERE scope_kind = 'territory' AND role IN ({seats}) \
                 AND EXISTS (SELECT 1 FROM membership n WHERE n.scope_kind = membership.scope_kind \
                 AND n.scope_id = membership.scope_id AND n.role = membership.role \
                 AND (n.created_at > membership.created_at \
                 OR (n.created_at = membership.created_at AND n.user_id > membership.user_id)))"
            ),
            format!(
                "CREATE UNIQUE INDEX idx_membership_seat ON membership (scope_kind, scope_id, role) \
                 WHERE role IN ({seats})"
            ),
            "ALTER TABLE proposal_event ADD COLUMN stance varchar(16) NOT NULL DEFAULT ''"
                .to_owned(),
            "ALTER TABLE proposal_event ADD COLUMN stands_in varchar(24) NOT NULL DEFAULT ''"
                .to_owned(),
        ];
        sql.extend(replace_rules(backend, BEFORE, VOCABULARIES));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let before: Vec<(&str, &str, &[&str])> = crate::m20261201_000013_vocabularies::VOCABULARIES
            .iter()
            .filter(|(t, c, _)| BEFORE.iter().any(|(bt, bc, _)| bt == t && bc == c))
            .copied()
            .collect();
        let mut sql = vec![
            // Proposals with the référent go back to the region, as before this step.
            "UPDATE proposal SET status = 'regional_review' WHERE status = 'referent_review'"
                .to_owned(),
            "UPDATE proposal_event SET role = 'other_region' WHERE role = 'concerned_region'"
                .to_owned(),
            "UPDATE proposal_event SET to_status = 'regional_review' WHERE to_status = 'referent_review'"
                .to_owned(),
            "UPDATE proposal_event SET from_status = 'regional_review' WHERE from_status = 'referent_review'"
                .to_owned(),
        ];
        sql.extend(replace_rules(backend, VOCABULARIES, &before));
        sql.push("ALTER TABLE proposal_event DROP COLUMN stance".to_owned());
        sql.push("ALTER TABLE proposal_event DROP COLUMN stands_in".to_owned());
        sql.push("DROP INDEX idx_membership_seat".to_owned());
        in_one_transaction(manager, sql).await
    }
}
