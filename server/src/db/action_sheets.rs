//! Fiches-actions, their lines, indicators and timeline, and the territories' contracts
//! (migration 000026).

use super::{fetch_all, fetch_in, fetch_optional, stmt};
use anyhow::Context;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// A fiche with what lists and pages show of its territory, porteur and avenant.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SheetRow {
    pub id: i64,
    pub territory_id: String,
    pub territory_name: String,
    pub region: String,
    pub title: String,
    pub axis: String,
    pub porteur_kind: String,
    pub porteur_org_id: Option<i64>,
    pub porteur_org_kind: Option<String>,
    pub porteur_epci: String,
    pub porteur_name: String,
    pub collective: bool,
    pub maturity: String,
    pub description: String,
    pub expected_results: String,
    pub schedule: String,
    pub status: String,
    pub support: String,
    pub avenant_id: Option<i64>,
    pub avenant_number: Option<i64>,
    pub signed_elected: Option<i64>,
    pub signed_industrial: Option<i64>,
    pub proposal_id: Option<i64>,
    pub demo: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT_SHEET: &str = "SELECT s.id, s.territory_id, t.name AS territory_name, \
     COALESCE((SELECT r.region_code FROM territory_region r WHERE r.territory_id = s.territory_id \
       ORDER BY r.is_lead DESC, r.communes DESC, r.region_code LIMIT 1), t.region_code) AS region, \
     s.title, s.axis, s.porteur_kind, s.porteur_org_id, o.kind AS porteur_org_kind, s.porteur_epci, \
     COALESCE(o.name, (SELECT m.name FROM territory_member m WHERE m.siren = s.porteur_epci), t.name) \
       AS porteur_name, \
     s.collective, s.maturity, s.description, s.expected_results, s.schedule, s.status, s.support, \
     s.avenant_id, a.number AS avenant_number, s.signed_elected, s.signed_industrial, \
     s.proposal_id, s.demo, s.created_at, s.updated_at \
     FROM action_sheet s JOIN territory t ON t.id = s.territory_id \
     LEFT JOIN organisation o ON o.id = s.porteur_org_id \
     LEFT JOIN contract_avenant a ON a.id = s.avenant_id";

pub async fn sheet(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<SheetRow>> {
    fetch_optional(
        db,
        &format!("{SELECT_SHEET} WHERE s.id = ?"),
        vec![id.into()],
    )
    .await
}

/// The fiches matching the criteria (each `None` admits all), the newest change first.
#[derive(Default)]
pub struct SheetWhere<'a> {
    pub territory: Option<&'a str>,
    pub region: Option<&'a str>,
    pub axis: Option<&'a str>,
    pub status: Option<&'a str>,
    /// (kind, organisation, reference) of a funder named on a line.
    pub funder: Option<(&'a str, Option<i64>, &'a str)>,
    pub statuses: Option<&'a [&'a str]>,
    pub inscribed_only: bool,
}

pub async fn sheets(
    db: &impl ConnectionTrait,
    w: &SheetWhere<'_>,
) -> anyhow::Result<Vec<SheetRow>> {
    let mut sql = format!("{SELECT_SHEET} WHERE 1 = 1");
    let mut values: Vec<Value> = Vec::new();
    if let Some(t) = w.territory {
        sql.push_str(" AND s.territory_id = ?");
        values.push(t.into());
    }
    if let Some(r) = w.region {
        // Every region the territory spans (an interregional territory's fiches concern both).
        sql.push_str(
            " AND s.territory_id IN (SELECT territory_id FROM territory_region WHERE region_code = ?)",
        );
        values.push(r.into());
    }
    if let Some(a) = w.axis {
        sql.push_str(" AND s.axis = ?");
        values.push(a.into());
    }
    if let Some(s) = w.status {
        sql.push_str(" AND s.status = ?");
        values.push(s.into());
    }
    if let Some(list) = w.statuses {
        sql.push_str(&format!(
            " AND s.status IN ({})",
            super::placeholders(list.len())
        ));
        values.extend(list.iter().map(|s| Value::from(*s)));
    }
    if w.inscribed_only {
        sql.push_str(" AND s.avenant_id IS NOT NULL");
    }
    if let Some((kind, org, reference)) = w.funder {
        let by = if org.is_some() {
            "l.funder_org_id"
        } else {
            "l.funder_ref"
        };
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM action_sheet_line l WHERE l.sheet_id = s.id \
             AND l.funder_kind = ? AND {by} = ?)"
        ));
        values.push(kind.into());
        values.push(match org {
            Some(id) => Value::from(id),
            None => Value::from(reference),
        });
    }
    sql.push_str(" ORDER BY s.updated_at DESC, s.id DESC");
    fetch_all(db, &sql, values).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LineRow {
    pub id: i64,
    pub sheet_id: i64,
    pub funder_kind: String,
    pub funder_org_id: Option<i64>,
    pub funder_ref: String,
    pub funder_name: String,
    pub instrument: String,
    pub requested: i64,
    pub committed: i64,
    pub paid: i64,
    pub requested_on: Option<i64>,
    pub committed_on: Option<i64>,
    pub paid_on: Option<i64>,
}

/// The lines of the fiches, in their order, with their funder's name.
pub async fn lines(db: &impl ConnectionTrait, sheets: &[i64]) -> anyhow::Result<Vec<LineRow>> {
    let mut out = Vec::new();
    for chunk in sheets.chunks(500) {
        out.extend(
            fetch_in::<LineRow, i64>(
                db,
                "SELECT l.id, l.sheet_id, l.funder_kind, l.funder_org_id, l.funder_ref, \
                 COALESCE(o.name, g.name, (SELECT m.name FROM territory_member m WHERE m.siren = l.funder_ref), '') \
                   AS funder_name, \
                 l.instrument, l.requested, l.committed, l.paid, l.requested_on, l.committed_on, l.paid_on \
                 FROM action_sheet_line l LEFT JOIN organisation o ON o.id = l.funder_org_id \
                 LEFT JOIN region g ON g.code = l.funder_ref AND l.funder_kind IN ('region', 'state')",
                "l.sheet_id",
                chunk,
            )
            .await?,
        );
    }
    out.sort_by_key(|l| (l.sheet_id, l.id));
    Ok(out)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct PairRow {
    pub sheet_id: i64,
    pub value: i64,
}

/// Partner organisations of the fiches.
pub async fn partners(db: &impl ConnectionTrait, sheets: &[i64]) -> anyhow::Result<Vec<PairRow>> {
    fetch_in(
        db,
        "SELECT sheet_id, organisation_id AS value FROM action_sheet_partner",
        "sheet_id",
        sheets,
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct CodeRow {
    pub sheet_id: i64,
    pub code: String,
}

pub async fn themes(db: &impl ConnectionTrait, sheets: &[i64]) -> anyhow::Result<Vec<CodeRow>> {
    fetch_in(
        db,
        "SELECT sheet_id, theme AS code FROM action_sheet_theme",
        "sheet_id",
        sheets,
    )
    .await
}

pub async fn epcis(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<Vec<CodeRow>> {
    fetch_all(
        db,
        "SELECT sheet_id, siren AS code FROM action_sheet_epci WHERE sheet_id = ? ORDER BY siren",
        vec![sheet.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LinkRow {
    pub kind: String,
    pub target_id: i64,
}

pub async fn links(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<Vec<LinkRow>> {
    fetch_all(
        db,
        "SELECT kind, target_id FROM action_sheet_link WHERE sheet_id = ? ORDER BY kind, target_id",
        vec![sheet.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct IndicatorRow {
    pub id: i64,
    pub code: String,
    pub label: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
}

pub async fn indicators(
    db: &impl ConnectionTrait,
    sheet: i64,
) -> anyhow::Result<Vec<IndicatorRow>> {
    fetch_all(
        db,
        "SELECT id, code, label, unit, baseline, target FROM action_sheet_indicator \
         WHERE sheet_id = ? ORDER BY id",
        vec![sheet.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct ValueRow {
    pub indicator_id: i64,
    pub measured_on: i64,
    pub value: f64,
}

pub async fn values(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<Vec<ValueRow>> {
    fetch_all(
        db,
        "SELECT v.indicator_id, v.measured_on, v.value FROM action_sheet_value v \
         JOIN action_sheet_indicator i ON i.id = v.indicator_id WHERE i.sheet_id = ? \
         ORDER BY v.indicator_id, v.measured_on, v.id",
        vec![sheet.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct EventRow {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub role: String,
    pub user_name: String,
    pub comment: String,
    pub stance: String,
    pub support: String,
    pub session_id: Option<i64>,
    pub avenant_number: Option<i64>,
    pub at: i64,
}

pub async fn events(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<Vec<EventRow>> {
    fetch_all(
        db,
        "SELECT e.action, e.from_status, e.to_status, e.role, e.user_name, e.comment, e.stance, \
         e.support, e.session_id, a.number AS avenant_number, e.at FROM action_sheet_event e \
         LEFT JOIN contract_avenant a ON a.id = e.avenant_id WHERE e.sheet_id = ? ORDER BY e.at, e.id",
        vec![sheet.into()],
    )
    .await
}

/// What the new fiche holds, besides its lists.
pub struct NewSheet<'a> {
    pub territory: &'a str,
    pub title: &'a str,
    pub axis: &'a str,
    pub porteur_kind: &'a str,
    pub porteur_org: Option<i64>,
    pub porteur_epci: &'a str,
    pub collective: bool,
    pub maturity: &'a str,
    pub description: &'a str,
    pub expected_results: &'a str,
    pub schedule: &'a str,
    pub proposal: Option<i64>,
    pub demo: bool,
    pub by: Option<i64>,
    pub at: i64,
}

pub async fn insert_sheet(db: &impl ConnectionTrait, s: &NewSheet<'_>) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO action_sheet (territory_id, title, axis, porteur_kind, porteur_org_id, \
         porteur_epci, collective, maturity, description, expected_results, schedule, proposal_id, \
         demo, created_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            s.territory.into(),
            s.title.into(),
            s.axis.into(),
            s.porteur_kind.into(),
            s.porteur_org.into(),
            s.porteur_epci.into(),
            s.collective.into(),
            s.maturity.into(),
            s.description.into(),
            s.expected_results.into(),
            s.schedule.into(),
            s.proposal.into(),
            s.demo.into(),
            s.by.into(),
            s.at.into(),
            s.at.into(),
        ],
    )
    .await?;
    Ok(row.context("the new fiche's id")?.id)
}

/// Rewrites a fiche's own fields (its signatures are cleared: what was signed changed).
pub async fn update_sheet(
    db: &impl ConnectionTrait,
    id: i64,
    s: &NewSheet<'_>,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE action_sheet SET title = ?, axis = ?, porteur_kind = ?, porteur_org_id = ?, \
         porteur_epci = ?, collective = ?, maturity = ?, description = ?, expected_results = ?, \
         schedule = ?, proposal_id = ?, signed_elected = NULL, signed_industrial = NULL, \
         updated_at = ? WHERE id = ?",
        vec![
            s.title.into(),
            s.axis.into(),
            s.porteur_kind.into(),
            s.porteur_org.into(),
            s.porteur_epci.into(),
            s.collective.into(),
            s.maturity.into(),
            s.description.into(),
            s.expected_results.into(),
            s.schedule.into(),
            s.proposal.into(),
            s.at.into(),
            id.into(),
        ],
    ))
    .await
    .context("updating a fiche")?;
    Ok(())
}

use super::exec;

/// Replaces the fiche's themes, partners, EPCI concerned and links.
pub async fn replace_lists(
    db: &impl ConnectionTrait,
    id: i64,
    themes: &[String],
    partners: &[i64],
    epcis: &[String],
    links: &[(&str, i64)],
) -> anyhow::Result<()> {
    for table in [
        "action_sheet_theme",
        "action_sheet_partner",
        "action_sheet_epci",
        "action_sheet_link",
    ] {
        exec(
            db,
            &format!("DELETE FROM {table} WHERE sheet_id = ?"),
            vec![id.into()],
        )
        .await?;
    }
    for t in themes {
        exec(
            db,
            "INSERT INTO action_sheet_theme (sheet_id, theme) VALUES (?, ?)",
            vec![id.into(), t.as_str().into()],
        )
        .await?;
    }
    for p in partners {
        exec(
            db,
            "INSERT INTO action_sheet_partner (sheet_id, organisation_id) VALUES (?, ?)",
            vec![id.into(), (*p).into()],
        )
        .await?;
    }
    for e in epcis {
        exec(
            db,
            "INSERT INTO action_sheet_epci (sheet_id, siren) VALUES (?, ?)",
            vec![id.into(), e.as_str().into()],
        )
        .await?;
    }
    for (kind, target) in links {
        exec(
            db,
            "INSERT INTO action_sheet_link (sheet_id, kind, target_id) VALUES (?, ?, ?)",
            vec![id.into(), (*kind).into(), (*target).into()],
        )
        .await?;
    }
    Ok(())
}

/// A line as stored.
pub struct NewLine<'a> {
    pub funder_kind: &'a str,
    pub funder_org: Option<i64>,
    pub funder_ref: &'a str,
    pub instrument: &'a str,
    pub requested: i64,
    pub committed: i64,
    pub paid: i64,
    pub requested_on: Option<i64>,
    pub committed_on: Option<i64>,
    pub paid_on: Option<i64>,
}

pub async fn insert_line(
    db: &impl ConnectionTrait,
    sheet: i64,
    l: &NewLine<'_>,
    at: i64,
) -> anyhow::Result<()> {
    exec(
        db,
        "INSERT INTO action_sheet_line (sheet_id, funder_kind, funder_org_id, funder_ref, instrument, \
         requested, committed, paid, requested_on, committed_on, paid_on, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            sheet.into(),
            l.funder_kind.into(),
            l.funder_org.into(),
            l.funder_ref.into(),
            l.instrument.into(),
            l.requested.into(),
            l.committed.into(),
            l.paid.into(),
            l.requested_on.into(),
            l.committed_on.into(),
            l.paid_on.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Rewrites one line of the fiche; false when the fiche has no such line.
pub async fn update_line(
    db: &impl ConnectionTrait,
    sheet: i64,
    line: i64,
    l: &NewLine<'_>,
) -> anyhow::Result<bool> {
    Ok(exec(
        db,
        "UPDATE action_sheet_line SET funder_kind = ?, funder_org_id = ?, funder_ref = ?, \
         instrument = ?, requested = ?, committed = ?, paid = ?, requested_on = ?, committed_on = ?, \
         paid_on = ? WHERE id = ? AND sheet_id = ?",
        vec![
            l.funder_kind.into(),
            l.funder_org.into(),
            l.funder_ref.into(),
            l.instrument.into(),
            l.requested.into(),
            l.committed.into(),
            l.paid.into(),
            l.requested_on.into(),
            l.committed_on.into(),
            l.paid_on.into(),
            line.into(),
            sheet.into(),
        ],
    )
    .await?
        == 1)
}

pub async fn delete_line(db: &impl ConnectionTrait, sheet: i64, line: i64) -> anyhow::Result<bool> {
    Ok(exec(
        db,
        "DELETE FROM action_sheet_line WHERE id = ? AND sheet_id = ?",
        vec![line.into(), sheet.into()],
    )
    .await?
        == 1)
}

pub async fn delete_lines(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<()> {
    exec(
        db,
        "DELETE FROM action_sheet_line WHERE sheet_id = ?",
        vec![sheet.into()],
    )
    .await?;
    Ok(())
}

pub async fn count(db: &impl ConnectionTrait, table: &str, sheet: i64) -> anyhow::Result<u64> {
    let n = super::fetch_count(
        db,
        &format!("SELECT COUNT(*) AS n FROM {table} WHERE sheet_id = ?"),
        vec![sheet.into()],
    )
    .await?;
    Ok(n)
}

pub async fn insert_indicator(
    db: &impl ConnectionTrait,
    sheet: i64,
    (code, label, unit): (&str, &str, &str),
    (baseline, target): (f64, f64),
    at: i64,
) -> anyhow::Result<()> {
    exec(
        db,
        "INSERT INTO action_sheet_indicator (sheet_id, code, label, unit, baseline, target, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            sheet.into(),
            code.into(),
            label.into(),
            unit.into(),
            baseline.into(),
            target.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Removes the fiche's indicators and their values.
pub async fn delete_indicators(db: &impl ConnectionTrait, sheet: i64) -> anyhow::Result<()> {
    exec(
        db,
        "DELETE FROM action_sheet_value WHERE indicator_id IN \
         (SELECT id FROM action_sheet_indicator WHERE sheet_id = ?)",
        vec![sheet.into()],
    )
    .await?;
    exec(
        db,
        "DELETE FROM action_sheet_indicator WHERE sheet_id = ?",
        vec![sheet.into()],
    )
    .await?;
    Ok(())
}

/// Records a value of an indicator of the fiche; false when the fiche has no such indicator.
pub async fn insert_value(
    db: &impl ConnectionTrait,
    sheet: i64,
    indicator: i64,
    measured_on: i64,
    value: f64,
    (by, at): (i64, i64),
) -> anyhow::Result<bool> {
    Ok(exec(
        db,
        "INSERT INTO action_sheet_value (indicator_id, measured_on, value, recorded_by, recorded_at) \
         SELECT id, ?, ?, ?, ? FROM action_sheet_indicator WHERE id = ? AND sheet_id = ?",
        vec![
            measured_on.into(),
            value.into(),
            by.into(),
            at.into(),
            indicator.into(),
            sheet.into(),
        ],
    )
    .await?
        == 1)
}

pub async fn value_count(db: &impl ConnectionTrait, indicator: i64) -> anyhow::Result<u64> {
    let n = super::fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM action_sheet_value WHERE indicator_id = ?",
        vec![indicator.into()],
    )
    .await?;
    Ok(n)
}

/// Moves a fiche from `from` to the decision's state, only if it is still in `from`; false
/// when someone changed it meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    (elected, industrial): (Option<i64>, Option<i64>),
    support: Option<&str>,
    avenant: Option<i64>,
    at: i64,
) -> anyhow::Result<bool> {
    Ok(exec(
        db,
        "UPDATE action_sheet SET status = ?, signed_elected = ?, signed_industrial = ?, \
         support = COALESCE(?, support), avenant_id = COALESCE(?, avenant_id), updated_at = ? \
         WHERE id = ? AND status = ?",
        vec![
            to.into(),
            elected.into(),
            industrial.into(),
            support.into(),
            avenant.into(),
            at.into(),
            id.into(),
            from.into(),
        ],
    )
    .await?
        == 1)
}

pub async fn touch(db: &impl ConnectionTrait, id: i64, at: i64) -> anyhow::Result<()> {
    exec(
        db,
        "UPDATE action_sheet SET updated_at = ? WHERE id = ?",
        vec![at.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// One step of a fiche's timeline.
pub struct NewEvent<'a> {
    pub sheet: i64,
    pub action: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub role: &'a str,
    pub user: Option<(i64, &'a str)>,
    pub comment: &'a str,
    pub stance: &'a str,
    pub support: &'a str,
    pub session: Option<i64>,
    pub avenant: Option<i64>,
    pub at: i64,
}

pub async fn insert_event(db: &impl ConnectionTrait, e: &NewEvent<'_>) -> anyhow::Result<()> {
    exec(
        db,
        "INSERT INTO action_sheet_event (sheet_id, action, from_status, to_status, role, user_id, \
         user_name, comment, stance, support, session_id, avenant_id, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            e.sheet.into(),
            e.action.into(),
            e.from.into(),
            e.to.into(),
            e.role.into(),
            e.user.map(|u| u.0).into(),
            e.user.map(|u| u.1).unwrap_or("").into(),
            e.comment.into(),
            e.stance.into(),
            e.support.into(),
            e.session.into(),
            e.avenant.into(),
            e.at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Whether the user sits on the territory's local committee or the regional committee of one
/// of the given regions.
pub async fn sits_on_committees(
    db: &impl ConnectionTrait,
    user: i64,
    territory: &str,
    regions: &[String],
) -> anyhow::Result<bool> {
    let mut sql =
        "SELECT COUNT(*) AS n FROM committee_member m JOIN committee c ON c.id = m.committee_id \
         WHERE m.user_id = ? AND ((c.kind = 'local_project' AND c.scope_id = ?)"
            .to_owned();
    let mut values: Vec<Value> = vec![user.into(), territory.into()];
    if !regions.is_empty() {
        sql.push_str(&format!(
            " OR (c.kind = 'regional_steering' AND c.scope_id IN ({}))",
            super::placeholders(regions.len())
        ));
        values.extend(regions.iter().map(|r| Value::from(r.as_str())));
    }
    sql.push(')');
    Ok(super::fetch_count(db, &sql, values).await? > 0)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct ContractRow {
    pub id: i64,
    pub territory_id: String,
    pub kind: String,
    pub title: String,
    pub signed_at: Option<i64>,
}

pub async fn contract(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Option<ContractRow>> {
    fetch_optional(
        db,
        "SELECT id, territory_id, kind, title, signed_at FROM contract WHERE territory_id = ?",
        vec![territory.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct AvenantRow {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub signed_at: Option<i64>,
}

pub async fn avenants(db: &impl ConnectionTrait, contract: i64) -> anyhow::Result<Vec<AvenantRow>> {
    fetch_all(
        db,
        "SELECT id, number, title, signed_at FROM contract_avenant WHERE contract_id = ? ORDER BY number",
        vec![contract.into()],
    )
    .await
}

/// Adds the next avenant; returns its number.
pub async fn insert_avenant(
    db: &impl ConnectionTrait,
    contract: i64,
    title: &str,
    signed_at: Option<i64>,
    by: Option<i64>,
    at: i64,
) -> anyhow::Result<i64> {
    let number = avenants(db, contract)
        .await?
        .last()
        .map_or(1, |a| a.number + 1);
    exec(
        db,
        "INSERT INTO contract_avenant (contract_id, number, title, signed_at, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            contract.into(),
            number.into(),
            title.into(),
            signed_at.into(),
            by.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(number)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SignatoryRow {
    pub kind: String,
    pub ref_id: String,
    pub label: String,
    pub function: String,
}

pub async fn signatories(
    db: &impl ConnectionTrait,
    contract: i64,
) -> anyhow::Result<Vec<SignatoryRow>> {
    fetch_all(
        db,
        "SELECT kind, ref_id, label, function FROM contract_signatory WHERE contract_id = ? ORDER BY id",
        vec![contract.into()],
    )
    .await
}

pub async fn insert_signatory(
    db: &impl ConnectionTrait,
    contract: i64,
    (kind, reference, label, function): (&str, &str, &str, &str),
    at: i64,
) -> anyhow::Result<()> {
    exec(
        db,
        "INSERT INTO contract_signatory (contract_id, kind, ref_id, label, function, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            contract.into(),
            kind.into(),
            reference.into(),
            label.into(),
            function.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Fiches awaiting a committee: those of a territory in `local_review` for its local
/// committee, those whose lead region is the region in `regional_review` for a regional one.
pub async fn awaiting_committee(
    db: &impl ConnectionTrait,
    kind: &str,
    scope: &str,
) -> anyhow::Result<Vec<SheetRow>> {
    let rows = match kind {
        "local_project" => {
            sheets(
                db,
                &SheetWhere {
                    territory: Some(scope),
                    status: Some("local_review"),
                    ..SheetWhere::default()
                },
            )
            .await?
        }
        _ => sheets(
            db,
            &SheetWhere {
                region: Some(scope),
                status: Some("regional_review"),
                ..SheetWhere::default()
            },
        )
        .await?
        .into_iter()
        .filter(|s| s.region == scope)
        .collect(),
    };
    Ok(rows)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct NamedRow {
    pub id: i64,
    pub name: String,
}

/// Names of organisations, by id.
pub async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<Vec<NamedRow>> {
    fetch_in(db, "SELECT id, name FROM organisation", "id", ids).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct EpciRow {
    pub siren: String,
    pub name: String,
}

/// A territory's member EPCI.
pub async fn territory_epcis(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Vec<EpciRow>> {
    fetch_all(
        db,
        "SELECT siren, name FROM territory_member WHERE territory_id = ? ORDER BY name",
        vec![territory.into()],
    )
    .await
}

/// Fiches being implemented whose last reminder (or inscription) is older than `before`.
pub async fn due_for_reminder(
    db: &impl ConnectionTrait,
    before: i64,
) -> anyhow::Result<Vec<SheetRow>> {
    fetch_all(
        db,
        &format!(
            "{SELECT_SHEET} WHERE s.status IN ('inscribed', 'in_progress', 'late', 'paused', 'blocked') \
             AND COALESCE(s.reminded_at, s.updated_at) < ? AND s.demo = FALSE ORDER BY s.id LIMIT 500"
        ),
        vec![before.into()],
    )
    .await
}

pub async fn mark_reminded(db: &impl ConnectionTrait, id: i64, at: i64) -> anyhow::Result<()> {
    exec(
        db,
        "UPDATE action_sheet SET reminded_at = ? WHERE id = ?",
        vec![at.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Who is told of a step of a fiche.
pub struct Audience<'a> {
    pub territory: &'a str,
    /// The territory's binôme and chef de projet.
    pub team: bool,
    /// The council and prefecture of these regions.
    pub regions: &'a [String],
    /// The members of this organisation (the porteur).
    pub organisation: Option<i64>,
    /// Nobody who is this user (the one who acted).
    pub except: i64,
}

pub async fn recipients(
    db: &impl ConnectionTrait,
    a: &Audience<'_>,
) -> anyhow::Result<Vec<super::proposals::Recipient>> {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if a.team {
        clauses.push(
            "u.id IN (SELECT user_id FROM membership WHERE scope_kind = 'territory' AND scope_id = ? \
             AND role IN ('elected_colead', 'industrial_colead', 'project_manager'))"
                .to_owned(),
        );
        values.push(a.territory.into());
    }
    for region in a.regions {
        clauses.push(
            "u.id IN (SELECT user_id FROM membership WHERE scope_kind = 'region' AND scope_id = ? \
             AND role IN ('regional_council', 'regional_state'))"
                .to_owned(),
        );
        values.push(region.as_str().into());
    }
    if let Some(org) = a.organisation {
        clauses.push(
            "u.id IN (SELECT user_id FROM membership WHERE scope_kind = 'organisation' AND scope_id = ? \
             AND role IN ('member', 'admin'))"
                .to_owned(),
        );
        values.push(org.to_string().into());
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    values.push(a.except.into());
    fetch_all(
        db,
        &format!(
            "SELECT u.id, u.email, u.name, u.lang, NULL AS frequency FROM user_account u \
             WHERE ({}) AND u.id <> ? ORDER BY u.id",
            clauses.join(" OR ")
        ),
        values,
    )
    .await
}

/// Names and dates a contract (it is signed outside the platform, then recorded here).
pub async fn sign_contract(
    db: &impl ConnectionTrait,
    contract: i64,
    title: &str,
    signed_at: i64,
) -> anyhow::Result<()> {
    set_contract(db, contract, "contrat_cadre", title, Some(signed_at)).await
}

pub async fn set_contract(
    db: &impl ConnectionTrait,
    contract: i64,
    kind: &str,
    title: &str,
    signed_at: Option<i64>,
) -> anyhow::Result<()> {
    exec(
        db,
        "UPDATE contract SET kind = ?, title = ?, signed_at = ? WHERE id = ?",
        vec![kind.into(), title.into(), signed_at.into(), contract.into()],
    )
    .await?;
    Ok(())
}

/// Takes the write lock on a fiche's row before the transaction reads anything (a no-op
/// update): on SQLite a transaction that reads first cannot write once another connection has
/// written, while one that writes first waits for its turn.
pub async fn lock_sheet(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<()> {
    exec(
        db,
        "UPDATE action_sheet SET status = status WHERE id = ?",
        vec![id.into()],
    )
    .await?;
    Ok(())
}

/// The same for a territory's contract, before adding to it.
pub async fn lock_contract(db: &impl ConnectionTrait, territory: &str) -> anyhow::Result<()> {
    exec(
        db,
        "UPDATE contract SET kind = kind WHERE territory_id = ?",
        vec![territory.into()],
    )
    .await?;
    Ok(())
}

/// The SIRENs of a territory's member EPCI.
pub async fn territory_sirens(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Vec<String>> {
    Ok(territory_epcis(db, territory)
        .await?
        .into_iter()
        .map(|e| e.siren)
        .collect())
}
