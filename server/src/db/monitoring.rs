//! What the scorecards read: every record they count, in one statement per kind of record
//! (never one per territory or fiche) — for every fiche, or for the few a journal names —,
//! and what evaluations and the operators' reports store.

use super::fetch_all;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// ` WHERE {column} IN (...)` for `ids`, or nothing for every row.
fn among(column: &str, ids: Option<&[i64]>, values: &mut Vec<Value>, glue: &str) -> String {
    match ids {
        None => String::new(),
        Some(ids) => {
            values.extend(ids.iter().map(|i| Value::from(*i)));
            format!(
                " {glue} {column} IN ({})",
                super::placeholders(ids.len().max(1))
            )
        }
    }
}

/// A fiche, as counted.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SheetFact {
    pub id: i64,
    pub territory_id: String,
    pub axis: String,
    pub status: String,
    pub porteur_kind: String,
    pub porteur_org_id: Option<i64>,
    /// The porteur organisation's kind (`firm`...), when an organisation carries it.
    pub porteur_org_kind: Option<String>,
    pub created_at: i64,
}

/// The fiches (all, or those of `ids`), by id.
pub async fn sheets(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<SheetFact>> {
    let mut values = Vec::new();
    let filter = among("s.id", ids, &mut values, "WHERE");
    fetch_all(
        db,
        &format!(
            "SELECT s.id, s.territory_id, s.axis, s.status, s.porteur_kind, s.porteur_org_id, \
             o.kind AS porteur_org_kind, s.created_at \
             FROM action_sheet s LEFT JOIN organisation o ON o.id = s.porteur_org_id{filter} \
             ORDER BY s.id"
        ),
        values,
    )
    .await
}

/// A partner organisation of a fiche.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PartnerFact {
    pub sheet_id: i64,
    pub organisation_id: i64,
}

pub async fn partners(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<PartnerFact>> {
    let mut values = Vec::new();
    let filter = among("sheet_id", ids, &mut values, "WHERE");
    fetch_all(
        db,
        &format!(
            "SELECT sheet_id, organisation_id FROM action_sheet_partner{filter} ORDER BY sheet_id"
        ),
        values,
    )
    .await
}

/// A line of a financial plan.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LineFact {
    pub sheet_id: i64,
    pub funder_kind: String,
    pub funder_org_id: Option<i64>,
    pub funder_ref: String,
    pub instrument: String,
    pub requested: i64,
    pub committed: i64,
    pub paid: i64,
    pub requested_on: Option<i64>,
    pub committed_on: Option<i64>,
    pub paid_on: Option<i64>,
    pub created_at: i64,
}

pub async fn lines(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<LineFact>> {
    let mut values = Vec::new();
    let filter = among("sheet_id", ids, &mut values, "WHERE");
    fetch_all(
        db,
        &format!(
            "SELECT sheet_id, funder_kind, funder_org_id, funder_ref, instrument, requested, \
             committed, paid, requested_on, committed_on, paid_on, created_at \
             FROM action_sheet_line{filter} ORDER BY sheet_id, id"
        ),
        values,
    )
    .await
}

/// A funder named on some line, with its name (organisation, region or EPCI).
#[derive(Debug, Clone, FromQueryResult)]
pub struct FunderName {
    pub funder_kind: String,
    pub funder_org_id: Option<i64>,
    pub funder_ref: String,
    pub name: String,
}

pub async fn funder_names(db: &impl ConnectionTrait) -> anyhow::Result<Vec<FunderName>> {
    fetch_all(
        db,
        "SELECT f.funder_kind, f.funder_org_id, f.funder_ref, \
         COALESCE(o.name, g.name, (SELECT MIN(m.name) FROM territory_member m WHERE m.siren = f.funder_ref), '') AS name \
         FROM (SELECT DISTINCT funder_kind, funder_org_id, funder_ref FROM action_sheet_line) f \
         LEFT JOIN organisation o ON o.id = f.funder_org_id \
         LEFT JOIN region g ON g.code = f.funder_ref AND f.funder_kind IN ('region', 'state')",
        vec![],
    )
    .await
}

/// An indicator of a fiche of the national list.
#[derive(Debug, Clone, FromQueryResult)]
pub struct IndicatorFact {
    pub id: i64,
    pub sheet_id: i64,
    pub code: String,
    pub target: f64,
}

pub async fn indicators(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<IndicatorFact>> {
    let mut values = Vec::new();
    let filter = among("sheet_id", ids, &mut values, "AND");
    fetch_all(
        db,
        &format!(
            "SELECT id, sheet_id, code, target FROM action_sheet_indicator WHERE code <> ''{filter} \
             ORDER BY sheet_id, id"
        ),
        values,
    )
    .await
}

/// A dated value of an indicator.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ValueFact {
    pub indicator_id: i64,
    pub measured_on: i64,
    pub value: f64,
}

pub async fn values(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> anyhow::Result<Vec<ValueFact>> {
    let mut values = Vec::new();
    let filter = among("i.sheet_id", ids, &mut values, "AND");
    fetch_all(
        db,
        &format!(
            "SELECT v.indicator_id, v.measured_on, v.value FROM action_sheet_value v \
             JOIN action_sheet_indicator i ON i.id = v.indicator_id WHERE i.code <> ''{filter} \
             ORDER BY v.indicator_id, v.measured_on, v.id"
        ),
        values,
    )
    .await
}

/// What the `changes` journal holds after `after`, up to `upto`: (entity, id).
#[derive(Debug, Clone, FromQueryResult)]
pub struct ChangeFact {
    pub entity: String,
    pub entity_id: i64,
}

pub async fn changes_between(
    db: &impl ConnectionTrait,
    after: i64,
    upto: i64,
    limit: u64,
) -> anyhow::Result<Vec<ChangeFact>> {
    fetch_all(
        db,
        "SELECT entity, entity_id FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
        vec![after.into(), upto.into(), (limit as i64).into()],
    )
    .await
}

/// A contact between firms, in the territory of the side that asked (none when that side is
/// a firm outside every territory).
#[derive(Debug, Clone, FromQueryResult)]
pub struct ContactFact {
    pub territory_id: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

pub async fn contacts(db: &impl ConnectionTrait) -> anyhow::Result<Vec<ContactFact>> {
    fetch_all(
        db,
        const_format::concatcp!(
            "SELECT CASE WHEN i.from_kind = 'territory' THEN i.from_id ELSE c.territory_id END \
             AS territory_id, i.status, i.created_at, i.closed_at FROM interest i",
            super::join_organisation_party!("o", "i.from_kind", "i.from_id", Organisation),
            " LEFT JOIN commune c ON c.insee = o.commune_insee"
        ),
        vec![],
    )
    .await
}

/// An exchange a territory proposed to a European district.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ExchangeFact {
    pub from_territory: String,
    pub status: String,
    pub reported_at: Option<i64>,
}

pub async fn exchanges(db: &impl ConnectionTrait) -> anyhow::Result<Vec<ExchangeFact>> {
    fetch_all(
        db,
        "SELECT from_territory, status, reported_at FROM exchange",
        vec![],
    )
    .await
}

/// A simplification proposal past its draft.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ProposalFact {
    pub id: i64,
    pub territory_id: String,
    pub status: String,
    pub submitted_at: Option<i64>,
    pub answered_at: Option<i64>,
}

pub async fn proposals(db: &impl ConnectionTrait) -> anyhow::Result<Vec<ProposalFact>> {
    fetch_all(
        db,
        "SELECT id, territory_id, status, submitted_at, answered_at FROM proposal \
         WHERE status <> 'draft' ORDER BY id",
        vec![],
    )
    .await
}

/// A territory with its lead region and name.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TerritoryFact {
    pub id: String,
    pub name: String,
    pub region_code: String,
}

pub async fn territories(db: &impl ConnectionTrait) -> anyhow::Result<Vec<TerritoryFact>> {
    fetch_all(
        db,
        "SELECT t.id, t.name, COALESCE(r.region_code, t.region_code) AS region_code \
         FROM territory t LEFT JOIN territory_region r ON r.territory_id = t.id AND r.is_lead \
         ORDER BY t.id",
        vec![],
    )
    .await
}

/// A region a territory spans without being led by it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SpanFact {
    pub territory_id: String,
    pub region_code: String,
}

pub async fn spans(db: &impl ConnectionTrait) -> anyhow::Result<Vec<SpanFact>> {
    fetch_all(
        db,
        "SELECT territory_id, region_code FROM territory_region WHERE NOT is_lead \
         ORDER BY territory_id, communes DESC, region_code",
        vec![],
    )
    .await
}

/// A committee someone sits on: its kind and the territory or region it serves.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SeatFact {
    pub kind: String,
    pub scope_id: String,
}

pub async fn seats(db: &impl ConnectionTrait, user: i64) -> anyhow::Result<Vec<SeatFact>> {
    fetch_all(
        db,
        "SELECT c.kind, c.scope_id FROM committee_member m JOIN committee c ON c.id = m.committee_id \
         WHERE m.user_id = ?",
        vec![user.into()],
    )
    .await
}

/// An evaluation, as stored.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EvaluationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub taken_on: i64,
    pub created_at: i64,
}

pub async fn evaluations(db: &impl ConnectionTrait) -> anyhow::Result<Vec<EvaluationRow>> {
    fetch_all(
        db,
        "SELECT id, kind, title, taken_on, created_at FROM evaluation ORDER BY taken_on DESC, id DESC",
        vec![],
    )
    .await
}

pub async fn evaluation(
    db: &impl ConnectionTrait,
    id: i64,
) -> anyhow::Result<Option<EvaluationRow>> {
    super::fetch_optional(
        db,
        "SELECT id, kind, title, taken_on, created_at FROM evaluation WHERE id = ?",
        vec![id.into()],
    )
    .await
}

/// Opens an evaluation; returns its id.
pub async fn insert_evaluation(
    db: &impl ConnectionTrait,
    (kind, title): (&str, &str),
    taken_on: i64,
    by: Option<i64>,
    at: i64,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = super::fetch_optional(
        db,
        "INSERT INTO evaluation (kind, title, taken_on, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
        vec![
            kind.into(),
            title.into(),
            taken_on.into(),
            by.into(),
            at.into(),
        ],
    )
    .await?;
    row.map(|r| r.id)
        .ok_or_else(|| anyhow::anyhow!("no id returned for the evaluation"))
}

pub async fn insert_snapshot(
    db: &impl ConnectionTrait,
    evaluation: i64,
    scope: &str,
    view: &str,
    payload: &str,
) -> anyhow::Result<()> {
    super::exec(
        db,
        "INSERT INTO evaluation_snapshot (evaluation_id, scope, view, payload) VALUES (?, ?, ?, ?)",
        vec![evaluation.into(), scope.into(), view.into(), payload.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SnapshotRow {
    pub scope: String,
    pub payload: String,
}

/// The frozen scorecards of one view of an evaluation (every scope, or one).
pub async fn snapshots(
    db: &impl ConnectionTrait,
    evaluation: i64,
    view: &str,
    scope: Option<&str>,
) -> anyhow::Result<Vec<SnapshotRow>> {
    let mut sql =
        "SELECT scope, payload FROM evaluation_snapshot WHERE evaluation_id = ? AND view = ?"
            .to_owned();
    let mut values: Vec<sea_orm::Value> = vec![evaluation.into(), view.into()];
    if let Some(scope) = scope {
        sql.push_str(" AND scope = ?");
        values.push(scope.into());
    }
    sql.push_str(" ORDER BY scope");
    fetch_all(db, &sql, values).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct NarrativeRow {
    pub author: String,
    pub body: String,
    pub updated_at: i64,
}

pub async fn narratives(
    db: &impl ConnectionTrait,
    evaluation: i64,
    scope: &str,
) -> anyhow::Result<Vec<NarrativeRow>> {
    fetch_all(
        db,
        "SELECT author, body, updated_at FROM evaluation_narrative \
         WHERE evaluation_id = ? AND scope = ? ORDER BY author",
        vec![evaluation.into(), scope.into()],
    )
    .await
}

/// Replaces one author's narrative on a scope (an empty body removes it).
pub async fn set_narrative(
    db: &impl ConnectionTrait,
    (evaluation, scope, author): (i64, &str, &str),
    body: &str,
    (by, at): (i64, i64),
) -> anyhow::Result<()> {
    super::exec(
        db,
        "DELETE FROM evaluation_narrative WHERE evaluation_id = ? AND scope = ? AND author = ?",
        vec![evaluation.into(), scope.into(), author.into()],
    )
    .await?;
    if !body.is_empty() {
        super::exec(
            db,
            "INSERT INTO evaluation_narrative (evaluation_id, scope, author, body, updated_by, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                evaluation.into(),
                scope.into(),
                author.into(),
                body.into(),
                by.into(),
                at.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// An operator of the platform: (id, name).
#[derive(Debug, Clone, FromQueryResult)]
pub struct OperatorFact {
    pub id: i64,
    pub name: String,
}

pub async fn operators(db: &impl ConnectionTrait) -> anyhow::Result<Vec<OperatorFact>> {
    fetch_all(
        db,
        "SELECT id, name FROM organisation WHERE kind = 'operator' ORDER BY name, id",
        vec![],
    )
    .await
}

/// A report received, summed.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ReportFact {
    pub reporter: String,
    pub quarter: String,
    pub submitted_at: i64,
    pub lines: i64,
    pub amount: i64,
}

pub async fn reports(
    db: &impl ConnectionTrait,
    quarters: &[String],
) -> anyhow::Result<Vec<ReportFact>> {
    let values: Vec<Value> = quarters.iter().map(|q| Value::from(q.as_str())).collect();
    fetch_all(
        db,
        &format!(
            "SELECT r.reporter, r.quarter, r.submitted_at, COUNT(l.id) AS lines, \
             CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) AS amount FROM operator_report r \
             LEFT JOIN operator_report_line l ON l.report_id = r.id \
             WHERE r.quarter IN ({}) GROUP BY r.id, r.reporter, r.quarter, r.submitted_at",
            super::placeholders(quarters.len().max(1))
        ),
        values,
    )
    .await
}

/// The report of `reporter` for `quarter`, marked submitted now (written first, so that the
/// transaction holds it), created if it had none; with `empty`, its lines are removed.
pub async fn report(
    db: &impl ConnectionTrait,
    (reporter, quarter): (&str, &str),
    (by, at): (i64, i64),
    empty: bool,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let touched = super::exec(
        db,
        "UPDATE operator_report SET submitted_by = ?, submitted_at = ? WHERE reporter = ? AND quarter = ?",
        vec![by.into(), at.into(), reporter.into(), quarter.into()],
    )
    .await?;
    let id = if touched == 0 {
        super::fetch_optional::<Id>(
            db,
            "INSERT INTO operator_report (reporter, quarter, submitted_by, submitted_at) \
             VALUES (?, ?, ?, ?) RETURNING id",
            vec![reporter.into(), quarter.into(), by.into(), at.into()],
        )
        .await?
    } else {
        super::fetch_optional::<Id>(
            db,
            "SELECT id FROM operator_report WHERE reporter = ? AND quarter = ?",
            vec![reporter.into(), quarter.into()],
        )
        .await?
    }
    .map(|r| r.id)
    .ok_or_else(|| anyhow::anyhow!("no report row for {reporter} {quarter}"))?;
    if empty {
        super::exec(
            db,
            "DELETE FROM operator_report_line WHERE report_id = ?",
            vec![id.into()],
        )
        .await?;
    }
    Ok(id)
}

pub async fn report_lines(db: &impl ConnectionTrait, report: i64) -> anyhow::Result<u64> {
    super::fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM operator_report_line WHERE report_id = ?",
        vec![report.into()],
    )
    .await
}

/// Adds a checked line (territory and action trimmed) to a report.
pub async fn insert_report_line(
    db: &impl ConnectionTrait,
    report: i64,
    line: &app::api::monitoring::ReportLineDraft,
) -> anyhow::Result<()> {
    super::exec(
        db,
        "INSERT INTO operator_report_line (report_id, territory_id, sheet_id, action, amount) \
         VALUES (?, ?, ?, ?, ?)",
        vec![
            report.into(),
            line.territory.trim().into(),
            line.sheet.into(),
            line.action.trim().into(),
            line.amount.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Marks `reporter` reminded of `quarter`; false when it already was.
pub async fn mark_report_reminded(
    db: &impl ConnectionTrait,
    (reporter, quarter): (&str, &str),
    at: i64,
) -> anyhow::Result<bool> {
    let already = super::fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM operator_report_reminder WHERE reporter = ? AND quarter = ?",
        vec![reporter.into(), quarter.into()],
    )
    .await?;
    if already > 0 {
        return Ok(false);
    }
    super::exec(
        db,
        "INSERT INTO operator_report_reminder (reporter, quarter, sent_at) VALUES (?, ?, ?)",
        vec![reporter.into(), quarter.into(), at.into()],
    )
    .await?;
    Ok(true)
}

/// Who reports for `reporter` (`organisation:ID` or `region:CODE`): the operator's members and
/// admins, or the Region's council.
pub async fn reporters_people(
    db: &impl ConnectionTrait,
    reporter: &str,
) -> anyhow::Result<Vec<super::proposals::Recipient>> {
    let (kind, id) = reporter.split_once(':').unwrap_or(("", ""));
    let (scope, roles) = match kind {
        "organisation" => ("organisation", "'member', 'admin'"),
        _ => ("region", "'regional_council'"),
    };
    fetch_all(
        db,
        &format!(
            "SELECT u.id, u.email, u.name, u.lang, NULL AS frequency FROM user_account u \
             WHERE u.id IN (SELECT user_id FROM membership WHERE scope_kind = ? AND scope_id = ? \
             AND role IN ({roles})) ORDER BY u.id"
        ),
        vec![scope.into(), id.into()],
    )
    .await
}
