//! Committees as bodies (FAQ 4.6, Senate rec. 15): a comité de projet local per territory and
//! a comité de pilotage régional per region, each with its members (people and institutions,
//! operators among them), its sessions, and the decisions recorded item by item at a session.
//! A decision on a simplification proposal is also the region's opinion in the proposal's
//! timeline (`proposal_event.session_id` names the session).

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    ("committee", "kind", &["local_project", "regional_steering"]),
    ("committee_decision", "item_kind", &["proposal"]),
    (
        "committee_decision",
        "stance",
        &["favourable", "reserved", "unfavourable"],
    ),
];

#[derive(DeriveIden)]
enum Committee {
    Table,
    Id,
    Kind,
    ScopeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommitteeMember {
    Table,
    Id,
    CommitteeId,
    UserId,
    OrganisationId,
    Label,
    Function,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommitteeSession {
    Table,
    Id,
    CommitteeId,
    HeldAt,
    Place,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommitteeDecision {
    Table,
    Id,
    SessionId,
    ItemKind,
    ItemId,
    Stance,
    Comment,
    DecidedBy,
    DecidedByName,
    DecidedAt,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn big<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn text<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(len)
        .not_null()
        .default("")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Committee::Table)
                    .col(id(Committee::Id))
                    .col(text(Committee::Kind, 24))
                    .col(text(Committee::ScopeId, 16))
                    .col(big(Committee::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeMember::Table)
                    .col(id(CommitteeMember::Id))
                    .col(big(CommitteeMember::CommitteeId))
                    .col(ColumnDef::new(CommitteeMember::UserId).big_integer().null())
                    .col(
                        ColumnDef::new(CommitteeMember::OrganisationId)
                            .big_integer()
                            .null(),
                    )
                    .col(text(CommitteeMember::Label, 200))
                    .col(text(CommitteeMember::Function, 120))
                    .col(big(CommitteeMember::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeMember::Table, CommitteeMember::CommitteeId)
                            .to(Committee::Table, Committee::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeSession::Table)
                    .col(id(CommitteeSession::Id))
                    .col(big(CommitteeSession::CommitteeId))
                    .col(big(CommitteeSession::HeldAt))
                    .col(text(CommitteeSession::Place, 200))
                    .col(
                        ColumnDef::new(CommitteeSession::CreatedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(big(CommitteeSession::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeSession::Table, CommitteeSession::CommitteeId)
                            .to(Committee::Table, Committee::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeDecision::Table)
                    .col(id(CommitteeDecision::Id))
                    .col(big(CommitteeDecision::SessionId))
                    .col(text(CommitteeDecision::ItemKind, 16))
                    .col(big(CommitteeDecision::ItemId))
                    .col(text(CommitteeDecision::Stance, 16))
                    .col(ColumnDef::new(CommitteeDecision::Comment).text().not_null())
                    .col(
                        ColumnDef::new(CommitteeDecision::DecidedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(text(CommitteeDecision::DecidedByName, 200))
                    .col(big(CommitteeDecision::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeDecision::Table, CommitteeDecision::SessionId)
                            .to(CommitteeSession::Table, CommitteeSession::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let mut sql = vec![
            "CREATE UNIQUE INDEX idx_committee_scope ON committee (kind, scope_id)".to_owned(),
            "CREATE INDEX idx_committee_member ON committee_member (committee_id)".to_owned(),
            "CREATE UNIQUE INDEX idx_committee_member_user ON committee_member (committee_id, user_id) \
             WHERE user_id IS NOT NULL"
                .to_owned(),
            "CREATE UNIQUE INDEX idx_committee_member_org ON committee_member (committee_id, organisation_id) \
             WHERE organisation_id IS NOT NULL"
                .to_owned(),
            "CREATE INDEX idx_committee_session ON committee_session (committee_id, held_at)"
                .to_owned(),
            "CREATE UNIQUE INDEX idx_committee_decision_item ON committee_decision \
             (session_id, item_kind, item_id)"
                .to_owned(),
            "CREATE INDEX idx_committee_decision_of ON committee_decision (item_kind, item_id)"
                .to_owned(),
            "ALTER TABLE proposal_event ADD COLUMN session_id bigint".to_owned(),
            // One committee of each kind per territory and per region, from the start.
            "INSERT INTO committee (kind, scope_id, created_at) \
             SELECT 'local_project', id, 0 FROM territory ORDER BY id"
                .to_owned(),
            "INSERT INTO committee (kind, scope_id, created_at) \
             SELECT 'regional_steering', code, 0 FROM region ORDER BY code"
                .to_owned(),
        ];
        sql.extend(replace_rules(backend, &[], VOCABULARIES));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut sql = replace_rules(backend, VOCABULARIES, &[]);
        sql.extend(
            [
                "ALTER TABLE proposal_event DROP COLUMN session_id",
                "DROP TABLE committee_decision",
                "DROP TABLE committee_session",
                "DROP TABLE committee_member",
                "DROP TABLE committee",
            ]
            .map(str::to_owned),
        );
        in_one_transaction(manager, sql).await
    }
}
