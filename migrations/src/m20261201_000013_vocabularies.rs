//! The governance role set, and every coded column held to its vocabulary.
//!
//! Roles: `regional_referent` stood for both regional actors; it becomes `regional_council`
//! (the Region pilots the programme and chairs its steering committee, FAQ 3.3), and
//! `national_team` becomes `national_delegation`, in memberships, pending invitations, the
//! audit trail of invitations and the proposals' timelines. `state_referent` (a territory's
//! référent de l'État) and `regional_state` (the prefecture) are new.
//!
//! Vocabularies: each coded column accepts only its codes. PostgreSQL gets a CHECK
//! constraint; SQLite cannot add one to an existing table without rebuilding it (and its
//! dependants), so it gets the same rule as two triggers that abort an insert or an update
//! with another value. The lists are written here, as of this step: a later step that changes
//! a vocabulary replaces its rule. A test compares each rule with the code's enums.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Role codes renamed by this step: (before, after).
const RENAMED_ROLES: [(&str, &str); 2] = [
    ("regional_referent", "regional_council"),
    ("national_team", "national_delegation"),
];

/// (table, column, codes). A NULL passes, as with any CHECK.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    (
        "membership",
        "role",
        &[
            "member",
            "admin",
            "elected_colead",
            "industrial_colead",
            "project_manager",
            "team_member",
            "state_referent",
            "regional_council",
            "regional_state",
            "national_delegation",
            "platform_admin",
        ],
    ),
    (
        "membership",
        "scope_kind",
        &[
            "organisation",
            "territory",
            "region",
            "national",
            "platform",
        ],
    ),
    ("api_token", "scope", &["read", "write"]),
    (
        "organisation",
        "kind",
        &["firm", "cluster", "pole", "district", "operator"],
    ),
    ("organisation", "visibility", &["public", "members"]),
    (
        "land_site",
        "status",
        &["available", "under_option", "sold"],
    ),
    (
        "proposal",
        "status",
        &[
            "draft",
            "awaiting_approval",
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
            "other_region",
            "national_delegation",
            "organisation_member",
            "member",
            "anonymous",
        ],
    ),
    (
        "need",
        "kind",
        &[
            "supplier",
            "capacity",
            "skills",
            "land",
            "partnership",
            "technology",
        ],
    ),
    ("need", "visibility", &["public", "members", "anonymous"]),
    (
        "notification_setting",
        "kind",
        &["invitation", "matches", "proposals"],
    ),
    (
        "notification_setting",
        "frequency",
        &["immediate", "daily", "weekly", "off"],
    ),
];

/// The name of the rule holding `table.column` to its vocabulary.
pub fn rule_name(table: &str, column: &str) -> String {
    format!("{table}_{column}_vocabulary")
}

fn in_list(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statements that hold `table.column` to `codes` on `backend`.
pub fn restrict(
    backend: DatabaseBackend,
    table: &str,
    column: &str,
    codes: &[&str],
) -> Vec<String> {
    let name = rule_name(table, column);
    let list = in_list(codes);
    match backend {
        DatabaseBackend::Sqlite => ["INSERT", "UPDATE"]
            .iter()
            .map(|event| {
                let on = if *event == "UPDATE" {
                    format!("UPDATE OF {column}")
                } else {
                    (*event).to_owned()
                };
                format!(
                    "CREATE TRIGGER {name}_{} BEFORE {on} ON {table} \
                     WHEN NEW.{column} IS NOT NULL AND NEW.{column} NOT IN ({list}) \
                     BEGIN SELECT RAISE(ABORT, '{table}.{column}: not a known code'); END",
                    event.to_lowercase()
                )
            })
            .collect(),
        _ => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({list}))"
        )],
    }
}

/// The statements that lift the rule again.
pub fn release(backend: DatabaseBackend, table: &str, column: &str) -> Vec<String> {
    let name = rule_name(table, column);
    match backend {
        DatabaseBackend::Sqlite => vec![
            format!("DROP TRIGGER IF EXISTS {name}_insert"),
            format!("DROP TRIGGER IF EXISTS {name}_update"),
        ],
        _ => vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"
        )],
    }
}

async fn rename_roles(
    db: &impl ConnectionTrait,
    backend: DatabaseBackend,
    pairs: &[(&str, &str)],
) -> Result<(), DbErr> {
    for (before, after) in pairs {
        let run = |sql: &str, values: Vec<Value>| {
            db.execute(Statement::from_sql_and_values(backend, sql, values))
        };
        let p = |sql: &str| crate::data::numbered(backend, sql);
        run(
            &p("UPDATE membership SET role = ? WHERE role = ?"),
            vec![(*after).into(), (*before).into()],
        )
        .await?;
        run(
            &p("UPDATE proposal_event SET role = ? WHERE role = ?"),
            vec![(*after).into(), (*before).into()],
        )
        .await?;
        // Invitations carry their role in a JSON payload; the audit log keeps the same
        // payload as the detail of each invitation sent.
        let (from, to) = (
            format!("\"role\":\"{before}\""),
            format!("\"role\":\"{after}\""),
        );
        run(
            &p("UPDATE auth_link SET payload = REPLACE(payload, ?, ?) WHERE purpose = 'invite'"),
            vec![from.clone().into(), to.clone().into()],
        )
        .await?;
        run(
            &p("UPDATE audit_log SET detail = REPLACE(detail, ?, ?) WHERE event LIKE 'invitation%'"),
            vec![from.into(), to.into()],
        )
        .await?;
    }
    Ok(())
}

/// Holds each listed column to its codes.
pub async fn apply_rules(
    manager: &SchemaManager<'_>,
    vocabularies: &[(&str, &str, &[&str])],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, column, codes) in vocabularies {
        for sql in restrict(manager.get_database_backend(), table, column, codes) {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// The statements that replace the rules of `from` by those of `to`.
pub fn replace_rules(
    backend: DatabaseBackend,
    from: &[(&str, &str, &[&str])],
    to: &[(&str, &str, &[&str])],
) -> Vec<String> {
    let mut sql: Vec<String> = from
        .iter()
        .flat_map(|(table, column, _)| release(backend, table, column))
        .collect();
    sql.extend(
        to.iter()
            .flat_map(|(table, column, codes)| restrict(backend, table, column, codes)),
    );
    sql
}

/// Lifts the rules of the listed columns.
pub async fn lift_rules(
    manager: &SchemaManager<'_>,
    vocabularies: &[(&str, &str, &[&str])],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, column, _) in vocabularies {
        for sql in release(manager.get_database_backend(), table, column) {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        rename_roles(db, backend, &RENAMED_ROLES).await?;
        apply_rules(manager, VOCABULARIES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        lift_rules(manager, VOCABULARIES).await?;
        // The two new roles had no earlier code: their holders become regional referents
        // (the prefecture) or lose the role (a territory's State referent).
        db.execute_unprepared("DELETE FROM membership WHERE role = 'state_referent'")
            .await?;
        let back: Vec<(&str, &str)> = RENAMED_ROLES.iter().map(|(b, a)| (*a, *b)).collect();
        rename_roles(db, backend, &back).await?;
        rename_roles(db, backend, &[("regional_state", "regional_referent")]).await?;
        Ok(())
    }
}
