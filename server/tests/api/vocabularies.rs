//! Coded columns hold only their vocabulary's codes, the same codes the code's enums define;
//! and the step that renamed the governance roles carries existing rows over.

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_backends;
use app::domain::action_sheet::{
    ContractKind, FunderKind, Indicator, Instrument, LinkKind, Maturity, PorteurKind, SheetAction,
    SheetRole, SheetStatus, SignatoryKind, SupportKind, REGIONAL_OUTCOMES,
};
use app::domain::claim::{ClaimKind, ClaimStatus};
use app::domain::contact::ContactStatus;
use app::domain::exchange::{ExchangeFormat, ExchangeStatus};
use app::domain::matching::FirmSize;
use app::domain::need::{NeedKind, NeedStatus, NeedVisibility};
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::organisation::{OrganisationVisibility, SiteStatus};
use app::domain::policy::{TokenScope, ALL_ROLES};
use app::domain::proposal::{Mechanism, ProposalKind, ALL_ACTOR_ROLES, ALL_STATUSES};
use app::domain::theme::{Axis, Theme};
use migrations::m20261201_000013_vocabularies::{rule_name, VOCABULARIES};
use migrations::m20261201_000014_workflow_vocabularies::VOCABULARIES as WORKFLOW_VOCABULARIES;
use migrations::m20261201_000015_themes_and_vocabularies::VOCABULARIES as THEME_VOCABULARIES;
use migrations::MigratorTrait;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use std::collections::BTreeSet;

/// The codes, and the empty code of a field left blank.
fn or_none<'a>(codes: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    std::iter::once(String::new())
        .chain(codes.map(str::to_owned))
        .collect()
}

/// Every coded column and the codes the application uses for it.
fn coded_columns() -> Vec<(&'static str, &'static str, BTreeSet<String>)> {
    let set = |codes: &[&str]| {
        codes
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<BTreeSet<_>>()
    };
    vec![
        (
            "membership",
            "role",
            ALL_ROLES.iter().map(|r| r.code().to_owned()).collect(),
        ),
        (
            "membership",
            "scope_kind",
            ALL_ROLES
                .iter()
                .map(|r| r.scope_kind().code().to_owned())
                .collect(),
        ),
        (
            "api_token",
            "scope",
            [TokenScope::Read, TokenScope::Write]
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        ("organisation", "kind", set(&app::api::organisations::KINDS)),
        (
            "cluster_member",
            "status",
            app::domain::cluster::MemberStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        (
            "organisation",
            "visibility",
            OrganisationVisibility::ALL
                .iter()
                .map(|v| v.code().to_owned())
                .collect(),
        ),
        (
            "land_site",
            "status",
            [
                SiteStatus::Available,
                SiteStatus::UnderOption,
                SiteStatus::Sold,
            ]
            .iter()
            .map(|s| s.code().to_owned())
            .collect(),
        ),
        (
            "proposal",
            "status",
            ALL_STATUSES.iter().map(|s| s.code().to_owned()).collect(),
        ),
        (
            "proposal_event",
            "role",
            ALL_ACTOR_ROLES
                .iter()
                .map(|r| r.code().to_owned())
                .collect(),
        ),
        (
            "proposal_event",
            "stance",
            or_none(
                app::domain::governance::Stance::ALL
                    .iter()
                    .map(|s| s.code()),
            ),
        ),
        (
            "proposal_event",
            "stands_in",
            or_none(
                app::domain::proposal::StandsIn::ALL
                    .iter()
                    .map(|s| s.code()),
            ),
        ),
        (
            "committee",
            "kind",
            app::domain::governance::CommitteeKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "committee_decision",
            "item_kind",
            app::domain::governance::ItemKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "committee_decision",
            "stance",
            or_none(
                app::domain::governance::Stance::ALL
                    .iter()
                    .map(|k| k.code()),
            ),
        ),
        (
            "committee_decision",
            "outcome",
            or_none(REGIONAL_OUTCOMES.iter().map(|a| a.code())),
        ),
        (
            "committee_decision",
            "support",
            or_none(SupportKind::ALL.iter().map(|k| k.code())),
        ),
        (
            "action_sheet",
            "axis",
            Axis::ALL.iter().map(|a| a.code().to_owned()).collect(),
        ),
        (
            "action_sheet",
            "status",
            SheetStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        (
            "action_sheet",
            "maturity",
            Maturity::ALL.iter().map(|m| m.code().to_owned()).collect(),
        ),
        (
            "action_sheet",
            "porteur_kind",
            PorteurKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "action_sheet",
            "support",
            or_none(SupportKind::ALL.iter().map(|k| k.code())),
        ),
        (
            "action_sheet_theme",
            "theme",
            Theme::ALL.iter().map(|t| t.code().to_owned()).collect(),
        ),
        (
            "action_sheet_link",
            "kind",
            LinkKind::ALL.iter().map(|k| k.code().to_owned()).collect(),
        ),
        (
            "action_sheet_line",
            "funder_kind",
            FunderKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "action_sheet_line",
            "instrument",
            Instrument::ALL
                .iter()
                .map(|i| i.code().to_owned())
                .collect(),
        ),
        (
            "action_sheet_indicator",
            "code",
            or_none(Indicator::ALL.iter().map(|i| i.code())),
        ),
        (
            "action_sheet_event",
            "action",
            ["create", "edit"]
                .into_iter()
                .chain(SheetAction::ALL.iter().map(|a| a.code()))
                .map(str::to_owned)
                .collect(),
        ),
        (
            "action_sheet_event",
            "role",
            SheetRole::ALL.iter().map(|r| r.code().to_owned()).collect(),
        ),
        (
            "action_sheet_event",
            "stance",
            or_none(
                app::domain::governance::Stance::ALL
                    .iter()
                    .map(|k| k.code()),
            ),
        ),
        (
            "action_sheet_event",
            "support",
            or_none(SupportKind::ALL.iter().map(|k| k.code())),
        ),
        (
            "contract",
            "kind",
            ContractKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "contract_signatory",
            "kind",
            SignatoryKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "need",
            "kind",
            NeedKind::ALL.iter().map(|k| k.code().to_owned()).collect(),
        ),
        (
            "need",
            "visibility",
            NeedVisibility::ALL
                .iter()
                .map(|v| v.code().to_owned())
                .collect(),
        ),
        (
            "need",
            "status",
            NeedStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        (
            "notification_setting",
            "kind",
            NotificationKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect(),
        ),
        (
            "notification_setting",
            "frequency",
            Frequency::ALL.iter().map(|f| f.code().to_owned()).collect(),
        ),
        (
            "proposal",
            "theme",
            or_none(Theme::ALL.iter().map(|t| t.code())),
        ),
        (
            "proposal",
            "axis",
            or_none(Axis::ALL.iter().map(|a| a.code())),
        ),
        (
            "practice",
            "theme",
            Theme::ALL.iter().map(|t| t.code().to_owned()).collect(),
        ),
        (
            "proposal",
            "proposal_kind",
            or_none(ProposalKind::ALL.iter().map(|k| k.code())),
        ),
        (
            "proposal",
            "mechanism",
            or_none(Mechanism::ALL.iter().map(|m| m.code())),
        ),
        (
            "need",
            "size",
            or_none(FirmSize::ALL.iter().map(|s| s.code())),
        ),
        (
            "exchange",
            "format",
            ExchangeFormat::ALL
                .iter()
                .map(|f| f.code().to_owned())
                .collect(),
        ),
        (
            "interest",
            "status",
            ContactStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        (
            "organisation_claim",
            "kind",
            ClaimKind::ALL.iter().map(|k| k.code().to_owned()).collect(),
        ),
        (
            "organisation_claim",
            "status",
            ClaimStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
        (
            "exchange",
            "status",
            ExchangeStatus::ALL
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
        ),
    ]
}

/// A user to hold memberships.
async fn someone(app: &TestApp) -> i64 {
    app.db
        .execute_unprepared(
            "INSERT INTO user_account (email, name, lang, created_at) \
             VALUES ('v@example.fr', 'V', 'fr', 0)",
        )
        .await
        .unwrap();
    app.count("SELECT id FROM user_account WHERE email = 'v@example.fr'")
        .await
}

/// The codes a column's rule admits, read back from the database's own schema.
async fn admitted(app: &TestApp, table: &str, column: &str) -> BTreeSet<String> {
    let name = rule_name(table, column);
    let backend = app.db.get_database_backend();
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Sqlite => (
            "SELECT sql AS rule FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            vec![format!("{name}_insert").into()],
        ),
        _ => (
            "SELECT pg_get_constraintdef(oid) AS rule FROM pg_constraint WHERE conname = $1",
            vec![name.clone().into()],
        ),
    };
    let row = app
        .db
        .query_one(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no rule {name}"));
    let rule: String = row.try_get("", "rule").unwrap();
    // The codes are the quoted words of the IN list (the SQLite message is not in it).
    // A rule of one code reads `column = 'code'` on PostgreSQL.
    let list = rule
        .split(" IN ")
        .nth(1)
        .or_else(|| rule.split("ARRAY[").nth(1))
        .or_else(|| rule.split(" = ").nth(1));
    list.unwrap_or_default()
        .split('\'')
        .skip(1)
        .step_by(2)
        .take_while(|c| !c.contains(':'))
        .map(str::to_owned)
        .collect()
}

async fn every_coded_column_admits_exactly_its_vocabulary(backend: Backend) {
    let app = spawn_app(backend).await;
    let coded = coded_columns();
    let ruled: BTreeSet<(&str, &str)> = VOCABULARIES
        .iter()
        .chain(WORKFLOW_VOCABULARIES)
        .chain(THEME_VOCABULARIES)
        .chain(migrations::m20261202_000018_register_establishments::VOCABULARIES)
        .chain(migrations::m20261203_000020_organisation_claims::VOCABULARIES)
        .chain(migrations::m20261203_000021_cluster_members::VOCABULARIES)
        .chain(migrations::m20261203_000023_governance::VOCABULARIES)
        .chain(migrations::m20261203_000024_committees::VOCABULARIES)
        .chain(migrations::m20261204_000026_action_sheets::VOCABULARIES)
        .chain(migrations::m20261204_000026_action_sheets::DECISIONS)
        .map(|(t, c, _)| (*t, *c))
        .collect();
    let known: BTreeSet<(&str, &str)> = coded.iter().map(|(t, c, _)| (*t, *c)).collect();
    assert_eq!(
        ruled, known,
        "the columns with a rule are the coded columns"
    );
    for (table, column, codes) in &coded {
        assert_eq!(
            &admitted(&app, table, column).await,
            codes,
            "{table}.{column}"
        );
    }
    // And the rule holds: an unknown role is refused on insert and on update.
    let user = someone(&app).await;
    let insert = format!(
        "INSERT INTO membership (user_id, scope_kind, scope_id, role, created_at) \
         VALUES ({user}, 'region', '84', 'regional_referent', 0)"
    );
    assert!(app.db.execute_unprepared(&insert).await.is_err());
    app.db
        .execute_unprepared(&insert.replace("regional_referent", "regional_state"))
        .await
        .unwrap();
    let update = "UPDATE membership SET role = 'national_team' WHERE role = 'regional_state'";
    assert!(app.db.execute_unprepared(update).await.is_err());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM membership WHERE role = 'regional_state'")
            .await,
        1,
        "a refused update changes nothing"
    );
}
on_both_backends!(every_coded_column_admits_exactly_its_vocabulary);

#[test]
fn the_seats_of_the_database_are_the_seats_of_the_policy() {
    let coded: Vec<&str> = app::domain::policy::SEATS
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(coded, migrations::m20261203_000023_governance::SEATS);
}

async fn the_old_regional_and_national_roles_become_the_new_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    // Back to the step before the renaming, with the old codes in use.
    migrations::Migrator::down(&app.db, Some(steps_since("m20261201_000013_vocabularies")))
        .await
        .unwrap();
    let user = someone(&app).await;
    for (kind, scope, role) in [
        ("region", "84", "regional_referent"),
        ("national", "", "national_team"),
    ] {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO membership (user_id, scope_kind, scope_id, role, created_at) \
                 VALUES ({user}, '{kind}', '{scope}', '{role}', 0)"
            ))
            .await
            .unwrap();
    }
    app.db
        .execute_unprepared(
            "INSERT INTO auth_link (token_hash, purpose, email, payload, created_at, expires_at) \
             VALUES ('h', 'invite', 'x@example.fr', \
             '{\"role\":\"regional_referent\",\"scope_id\":\"84\",\"scope_kind\":\"region\"}', 0, 1)",
        )
        .await
        .unwrap();
    migrations::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM membership WHERE role IN ('regional_referent', 'national_team')"
        )
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM membership WHERE user_id = {user} AND \
             ((scope_kind = 'region' AND role = 'regional_council') OR \
             (scope_kind = 'national' AND role = 'national_delegation'))"
        ))
        .await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM auth_link WHERE token_hash = 'h' AND payload LIKE '%\"role\":\"regional_council\"%'"
        )
        .await,
        1
    );
}
on_both_backends!(the_old_regional_and_national_roles_become_the_new_ones);

/// How many steps there are from `name` (included) to the newest.
fn steps_since(name: &str) -> u32 {
    let names: Vec<String> = migrations::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no step {name}"));
    u32::try_from(names.len() - at).unwrap()
}

async fn proposals_and_practices_under_former_theme_codes_are_carried_over(backend: Backend) {
    let app = spawn_app(backend).await;
    migrations::Migrator::down(
        &app.db,
        Some(steps_since("m20261201_000015_themes_and_vocabularies")),
    )
    .await
    .unwrap();
    let user = someone(&app).await;
    for (title, theme) in [("P1", "foncier"), ("P2", "droit_du_travail"), ("P3", "")] {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO proposal (territory_id, region_code, title, problem, rule, \
                 legal_reference, theme, axis, proposal_kind, solution, status, mechanism, answer, \
                 created_at, updated_at, lang) VALUES ('ti-8422', '84', '{title}', '', '', '', \
                 '{theme}', '', '', '', 'draft', '', '', 0, 0, 'fr')"
            ))
            .await
            .unwrap();
    }
    app.db
        .execute_unprepared(
            "INSERT INTO practice (author_kind, author_id, title, theme, context, actions, results, \
             cost, partners, contact, lang, created_by, created_at, updated_at) VALUES \
             ('territory', 'ti-8422', 'Boucle de chaleur', 'industrial_ecology', '', 'x', '', '', '', \
             '', 'fr', NULL, 0, 0)",
        )
        .await
        .unwrap();
    migrations::Migrator::up(&app.db, None).await.unwrap();
    for (title, theme) in [("P1", "land"), ("P2", "labour_law"), ("P3", "")] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM proposal WHERE title = '{title}' AND theme = '{theme}'"
            ))
            .await,
            1,
            "{title}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM practice WHERE theme = 'ecological_transition'")
            .await,
        1
    );
    // From now on a former code is refused, and people may set how they hear of exchanges.
    assert!(app
        .db
        .execute_unprepared("UPDATE proposal SET theme = 'foncier' WHERE title = 'P1'")
        .await
        .is_err());
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO notification_setting (user_id, kind, frequency) \
             VALUES ({user}, 'exchanges', 'weekly')"
        ))
        .await
        .unwrap();
}
on_both_backends!(proposals_and_practices_under_former_theme_codes_are_carried_over);
