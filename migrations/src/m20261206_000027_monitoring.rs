//! Monitoring and evaluation (Senate rec. 12): the evaluations the national delegation opens
//! (mid-term, end of phase), each with the frozen snapshot of every scorecard at its date and
//! the narratives the territories' binômes and the Regions add; the quarterly reports of the
//! operators and Regions on the actions they support in the territories, and the reminders
//! sent before each deadline.
//!
//! A snapshot is written once: triggers refuse any change or deletion of its rows on both
//! backends, so its figures cannot move whatever happens to the records since.

use crate::data::in_one_transaction;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables(backend: DatabaseBackend) -> Vec<String> {
    let pk = match backend {
        DatabaseBackend::Sqlite => "id INTEGER PRIMARY KEY AUTOINCREMENT",
        _ => "id BIGSERIAL PRIMARY KEY",
    };
    let mut sql = vec![
        format!(
            "CREATE TABLE evaluation ({pk}, \
             kind varchar(16) NOT NULL, \
             title varchar(200) NOT NULL, \
             taken_on bigint NOT NULL, \
             created_by bigint, \
             created_at bigint NOT NULL)"
        ),
        // One row per scope and view: `complete` as the national delegation sees it (every
        // amount), `public` as a visitor does; the JSON of the scorecard.
        "CREATE TABLE evaluation_snapshot (\
         evaluation_id bigint NOT NULL REFERENCES evaluation (id), \
         scope varchar(40) NOT NULL, \
         view varchar(8) NOT NULL, \
         payload text NOT NULL, \
         PRIMARY KEY (evaluation_id, scope, view))"
            .to_owned(),
        "CREATE TABLE evaluation_narrative (\
         evaluation_id bigint NOT NULL REFERENCES evaluation (id), \
         scope varchar(40) NOT NULL, \
         author varchar(16) NOT NULL, \
         body text NOT NULL, \
         updated_by bigint, \
         updated_at bigint NOT NULL, \
         PRIMARY KEY (evaluation_id, scope, author))"
            .to_owned(),
        format!(
            "CREATE TABLE operator_report ({pk}, \
             reporter varchar(40) NOT NULL, \
             quarter varchar(8) NOT NULL, \
             submitted_by bigint, \
             submitted_at bigint NOT NULL)"
        ),
        "CREATE UNIQUE INDEX idx_operator_report ON operator_report (reporter, quarter)".to_owned(),
        format!(
            "CREATE TABLE operator_report_line ({pk}, \
             report_id bigint NOT NULL REFERENCES operator_report (id), \
             territory_id varchar(16) NOT NULL REFERENCES territory (id), \
             sheet_id bigint REFERENCES action_sheet (id), \
             action varchar(300) NOT NULL, \
             amount bigint NOT NULL DEFAULT 0)"
        ),
        "CREATE INDEX idx_operator_report_line ON operator_report_line (report_id)".to_owned(),
        "CREATE TABLE operator_report_reminder (\
         reporter varchar(40) NOT NULL, \
         quarter varchar(8) NOT NULL, \
         sent_at bigint NOT NULL, \
         PRIMARY KEY (reporter, quarter))"
            .to_owned(),
    ];
    match backend {
        DatabaseBackend::Sqlite => {
            for event in ["UPDATE", "DELETE"] {
                sql.push(format!(
                    "CREATE TRIGGER evaluation_snapshot_{} BEFORE {event} ON evaluation_snapshot \
                     BEGIN SELECT RAISE(ABORT, 'evaluation_snapshot: a snapshot is never changed'); END",
                    event.to_lowercase()
                ));
            }
        }
        _ => {
            sql.push(
                "CREATE FUNCTION evaluation_snapshot_frozen() RETURNS trigger AS $$ BEGIN \
                 RAISE EXCEPTION 'evaluation_snapshot: a snapshot is never changed'; END $$ \
                 LANGUAGE plpgsql"
                    .to_owned(),
            );
            sql.push(
                "CREATE TRIGGER evaluation_snapshot_frozen BEFORE UPDATE OR DELETE ON \
                 evaluation_snapshot FOR EACH ROW EXECUTE FUNCTION evaluation_snapshot_frozen()"
                    .to_owned(),
            );
        }
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        in_one_transaction(manager, tables(manager.get_database_backend())).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut sql: Vec<String> = [
            "DROP TABLE operator_report_reminder",
            "DROP TABLE operator_report_line",
            "DROP TABLE operator_report",
            "DROP TABLE evaluation_narrative",
            "DROP TABLE evaluation_snapshot",
            "DROP TABLE evaluation",
        ]
        .map(str::to_owned)
        .to_vec();
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            sql.push("DROP FUNCTION evaluation_snapshot_frozen()".to_owned());
        }
        in_one_transaction(manager, sql).await
    }
}
