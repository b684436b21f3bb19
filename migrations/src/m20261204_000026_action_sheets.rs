//! Fiches-actions and the territory's contract (FAQ 4.6, Senate rec. 12): the fiches of a
//! territory's action plan with their themes, partners, EPCI concerned and links; their
//! financial plan (lines per funder and instrument, with the amounts requested, committed and
//! paid); their indicators and dated values; their timeline; the contract of each territory
//! (a contrat-cadre or protocole d'accord, one per territory from the start) with its
//! signatories and avenants, each avenant inscribing fiches. A committee's decision may now
//! be on a fiche: the local committee's opinion (a stance) or the regional committee's
//! outcome (retained with a kind of support, to rework, not retained).
//!
//! Amounts are whole euros. The rules on coded columns are those of
//! `app::domain::action_sheet` and `app::domain::theme`, as of this step.

use crate::data::in_one_transaction;
use crate::m20261201_000013_vocabularies::replace_rules;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const AXES: &[&str] = &["attirer", "recruter", "innover", "simplifier"];
const THEMES: &[&str] = &[
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
const STATUSES: &[&str] = &[
    "draft",
    "local_review",
    "regional_review",
    "to_rework",
    "not_retained",
    "retained",
    "inscribed",
    "in_progress",
    "late",
    "paused",
    "blocked",
    "abandoned",
    "completed",
];
const ACTIONS: &[&str] = &[
    "create",
    "edit",
    "cosign",
    "present_local",
    "local_opinion",
    "retain",
    "rework",
    "reject",
    "inscribe",
    "mark_in_progress",
    "mark_late",
    "mark_paused",
    "mark_blocked",
    "abandon",
    "complete",
];
const ROLES: &[&str] = &[
    "co_lead",
    "project_manager",
    "team_member",
    "porteur",
    "local_committee",
    "regional_committee",
    "other",
];
const SUPPORT_OR_NONE: &[&str] = &["", "financial", "engineering", "both"];
const STANCE_OR_NONE: &[&str] = &["", "favourable", "reserved", "unfavourable"];

/// (table, column, codes), as of this step.
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    ("action_sheet", "axis", AXES),
    ("action_sheet", "status", STATUSES),
    ("action_sheet", "maturity", &["idee", "etude", "operation"]),
    (
        "action_sheet",
        "porteur_kind",
        &["organisation", "epci", "territory"],
    ),
    ("action_sheet", "support", SUPPORT_OR_NONE),
    ("action_sheet_theme", "theme", THEMES),
    ("action_sheet_link", "kind", &["land_site", "need"]),
    (
        "action_sheet_line",
        "funder_kind",
        &["organisation", "region", "state", "epci", "porteur"],
    ),
    (
        "action_sheet_line",
        "instrument",
        &[
            "detr",
            "dsil",
            "fnadt",
            "fonds_vert",
            "region",
            "banque_des_territoires",
            "bpifrance",
            "ademe",
            "epci",
            "fonds_propres",
            "europe",
            "autre",
        ],
    ),
    (
        "action_sheet_indicator",
        "code",
        &[
            "",
            "emplois_prevus",
            "emplois_crees",
            "investissement_prive",
            "hectares",
            "personnes_formees",
            "entreprises_accompagnees",
        ],
    ),
    ("action_sheet_event", "action", ACTIONS),
    ("action_sheet_event", "role", ROLES),
    ("action_sheet_event", "stance", STANCE_OR_NONE),
    ("action_sheet_event", "support", SUPPORT_OR_NONE),
    ("contract", "kind", &["contrat_cadre", "protocole"]),
    (
        "contract_signatory",
        "kind",
        &["epci", "region", "state", "organisation"],
    ),
];

/// The rules of `committee_decision` before this step and after it.
const DECISIONS_BEFORE: &[(&str, &str, &[&str])] = &[
    ("committee_decision", "item_kind", &["proposal"]),
    (
        "committee_decision",
        "stance",
        &["favourable", "reserved", "unfavourable"],
    ),
];
pub const DECISIONS: &[(&str, &str, &[&str])] = &[
    (
        "committee_decision",
        "item_kind",
        &["proposal", "action_sheet"],
    ),
    ("committee_decision", "stance", STANCE_OR_NONE),
    (
        "committee_decision",
        "outcome",
        &["", "retain", "rework", "reject"],
    ),
    ("committee_decision", "support", SUPPORT_OR_NONE),
];

fn tables(backend: DatabaseBackend) -> Vec<String> {
    let pk = match backend {
        DatabaseBackend::Sqlite => "id INTEGER PRIMARY KEY AUTOINCREMENT",
        _ => "id BIGSERIAL PRIMARY KEY",
    };
    let float = "DOUBLE PRECISION";
    vec![
        format!(
            "CREATE TABLE contract ({pk}, \
             territory_id varchar(16) NOT NULL REFERENCES territory (id), \
             kind varchar(16) NOT NULL DEFAULT 'contrat_cadre', \
             title varchar(200) NOT NULL DEFAULT '', \
             signed_at bigint, \
             created_at bigint NOT NULL)"
        ),
        "CREATE UNIQUE INDEX idx_contract_territory ON contract (territory_id)".to_owned(),
        format!(
            "CREATE TABLE contract_avenant ({pk}, \
             contract_id bigint NOT NULL REFERENCES contract (id), \
             number bigint NOT NULL, \
             title varchar(200) NOT NULL DEFAULT '', \
             signed_at bigint, \
             created_by bigint, \
             created_at bigint NOT NULL)"
        ),
        "CREATE UNIQUE INDEX idx_avenant_number ON contract_avenant (contract_id, number)"
            .to_owned(),
        format!(
            "CREATE TABLE contract_signatory ({pk}, \
             contract_id bigint NOT NULL REFERENCES contract (id), \
             kind varchar(16) NOT NULL, \
             ref_id varchar(16) NOT NULL DEFAULT '', \
             label varchar(200) NOT NULL DEFAULT '', \
             function varchar(120) NOT NULL DEFAULT '', \
             created_at bigint NOT NULL)"
        ),
        "CREATE INDEX idx_signatory_contract ON contract_signatory (contract_id)".to_owned(),
        format!(
            "CREATE TABLE action_sheet ({pk}, \
             territory_id varchar(16) NOT NULL REFERENCES territory (id), \
             title varchar(200) NOT NULL, \
             axis varchar(16) NOT NULL, \
             porteur_kind varchar(16) NOT NULL, \
             porteur_org_id bigint REFERENCES organisation (id), \
             porteur_epci varchar(16) NOT NULL DEFAULT '', \
             collective boolean NOT NULL DEFAULT TRUE, \
             maturity varchar(16) NOT NULL DEFAULT 'idee', \
             description text NOT NULL, \
             expected_results text NOT NULL, \
             schedule varchar(400) NOT NULL DEFAULT '', \
             status varchar(24) NOT NULL DEFAULT 'draft', \
             support varchar(16) NOT NULL DEFAULT '', \
             avenant_id bigint REFERENCES contract_avenant (id), \
             signed_elected bigint, \
             signed_industrial bigint, \
             proposal_id bigint REFERENCES proposal (id), \
             demo boolean NOT NULL DEFAULT FALSE, \
             created_by bigint, \
             created_at bigint NOT NULL, \
             updated_at bigint NOT NULL, \
             reminded_at bigint)"
        ),
        "CREATE INDEX idx_sheet_territory ON action_sheet (territory_id, status)".to_owned(),
        "CREATE INDEX idx_sheet_avenant ON action_sheet (avenant_id)".to_owned(),
        "CREATE TABLE action_sheet_theme (\
         sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
         theme varchar(32) NOT NULL, PRIMARY KEY (sheet_id, theme))"
            .to_owned(),
        "CREATE TABLE action_sheet_partner (\
         sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
         organisation_id bigint NOT NULL REFERENCES organisation (id), \
         PRIMARY KEY (sheet_id, organisation_id))"
            .to_owned(),
        "CREATE INDEX idx_sheet_partner_org ON action_sheet_partner (organisation_id)".to_owned(),
        "CREATE TABLE action_sheet_epci (\
         sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
         siren varchar(16) NOT NULL, PRIMARY KEY (sheet_id, siren))"
            .to_owned(),
        "CREATE TABLE action_sheet_link (\
         sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
         kind varchar(16) NOT NULL, target_id bigint NOT NULL, \
         PRIMARY KEY (sheet_id, kind, target_id))"
            .to_owned(),
        format!(
            "CREATE TABLE action_sheet_line ({pk}, \
             sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
             funder_kind varchar(16) NOT NULL, \
             funder_org_id bigint REFERENCES organisation (id), \
             funder_ref varchar(16) NOT NULL DEFAULT '', \
             instrument varchar(32) NOT NULL, \
             requested bigint NOT NULL DEFAULT 0, \
             committed bigint NOT NULL DEFAULT 0, \
             paid bigint NOT NULL DEFAULT 0, \
             requested_on bigint, \
             committed_on bigint, \
             paid_on bigint, \
             created_at bigint NOT NULL)"
        ),
        "CREATE INDEX idx_sheet_line ON action_sheet_line (sheet_id)".to_owned(),
        "CREATE INDEX idx_sheet_line_funder ON action_sheet_line (funder_org_id)".to_owned(),
        format!(
            "CREATE TABLE action_sheet_indicator ({pk}, \
             sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
             code varchar(32) NOT NULL DEFAULT '', \
             label varchar(200) NOT NULL DEFAULT '', \
             unit varchar(16) NOT NULL DEFAULT '', \
             baseline {float} NOT NULL DEFAULT 0, \
             target {float} NOT NULL DEFAULT 0, \
             created_at bigint NOT NULL)"
        ),
        "CREATE INDEX idx_sheet_indicator ON action_sheet_indicator (sheet_id)".to_owned(),
        format!(
            "CREATE TABLE action_sheet_value ({pk}, \
             indicator_id bigint NOT NULL REFERENCES action_sheet_indicator (id), \
             measured_on bigint NOT NULL, \
             value {float} NOT NULL, \
             recorded_by bigint, \
             recorded_at bigint NOT NULL)"
        ),
        "CREATE INDEX idx_sheet_value ON action_sheet_value (indicator_id, measured_on)".to_owned(),
        format!(
            "CREATE TABLE action_sheet_event ({pk}, \
             sheet_id bigint NOT NULL REFERENCES action_sheet (id), \
             action varchar(24) NOT NULL, \
             from_status varchar(24) NOT NULL DEFAULT '', \
             to_status varchar(24) NOT NULL DEFAULT '', \
             role varchar(24) NOT NULL DEFAULT 'other', \
             user_id bigint, \
             user_name varchar(200) NOT NULL DEFAULT '', \
             comment text NOT NULL, \
             stance varchar(16) NOT NULL DEFAULT '', \
             support varchar(16) NOT NULL DEFAULT '', \
             session_id bigint, \
             avenant_id bigint, \
             at bigint NOT NULL)"
        ),
        "CREATE INDEX idx_sheet_event ON action_sheet_event (sheet_id, at)".to_owned(),
        "ALTER TABLE committee_decision ADD COLUMN outcome varchar(16) NOT NULL DEFAULT ''"
            .to_owned(),
        "ALTER TABLE committee_decision ADD COLUMN support varchar(16) NOT NULL DEFAULT ''"
            .to_owned(),
        // One contract per territory from the start, not yet signed.
        "INSERT INTO contract (territory_id, kind, title, created_at) \
         SELECT id, 'contrat_cadre', '', 0 FROM territory ORDER BY id"
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut sql = tables(backend);
        sql.extend(replace_rules(backend, &[], VOCABULARIES));
        sql.extend(replace_rules(backend, DECISIONS_BEFORE, DECISIONS));
        in_one_transaction(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut sql = replace_rules(backend, DECISIONS, DECISIONS_BEFORE);
        sql.extend(replace_rules(backend, VOCABULARIES, &[]));
        sql.extend(
            [
                "ALTER TABLE committee_decision DROP COLUMN support",
                "ALTER TABLE committee_decision DROP COLUMN outcome",
                "DROP TABLE action_sheet_event",
                "DROP TABLE action_sheet_value",
                "DROP TABLE action_sheet_indicator",
                "DROP TABLE action_sheet_line",
                "DROP TABLE action_sheet_link",
                "DROP TABLE action_sheet_epci",
                "DROP TABLE action_sheet_partner",
                "DROP TABLE action_sheet_theme",
                "DROP TABLE action_sheet",
                "DROP TABLE contract_signatory",
                "DROP TABLE contract_avenant",
                "DROP TABLE contract",
            ]
            .map(str::to_owned),
        );
        in_one_transaction(manager, sql).await
    }
}
