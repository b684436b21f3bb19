//! Queries of the European network: profiles to compare, practices, exchanges.

use super::{
    fetch_all, fetch_optional, join_organisation_party, join_territory_party, json_list, stmt,
    Filter,
};
use anyhow::Context;
use app::api::network::PracticeDraft;
use app::domain::organisation::{OrganisationKind, PartyKind};
use const_format::concatcp;
use sea_orm::{ConnectionTrait, FromQueryResult};

/// Firm counts by territory and NAF division.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DivisionCountRow {
    pub territory: String,
    pub division: String,
    pub n: i64,
}

pub async fn territory_divisions(
    db: &impl ConnectionTrait,
) -> anyhow::Result<Vec<DivisionCountRow>> {
    fetch_all(
        db,
        "SELECT c.territory_id AS territory, SUBSTR(o.naf_code, 1, 2) AS division, COUNT(*) AS n \
         FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
         WHERE o.kind = ? AND c.territory_id IS NOT NULL AND o.naf_code IS NOT NULL \
         GROUP BY c.territory_id, SUBSTR(o.naf_code, 1, 2)",
        vec![OrganisationKind::Firm.code().into()],
    )
    .await
}

/// A territory with what its team declared.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TerritoryTextRow {
    pub id: String,
    pub name: String,
    pub region_name: String,
    pub strengths: Option<String>,
    pub needs_skills: Option<String>,
    pub needs_land: Option<String>,
    pub needs_housing: Option<String>,
    pub needs_mobility: Option<String>,
    pub challenges: Option<String>,
}

pub async fn territories(db: &impl ConnectionTrait) -> anyhow::Result<Vec<TerritoryTextRow>> {
    fetch_all(
        db,
        "SELECT t.id, t.name, r.name AS region_name, p.strengths, p.needs_skills, p.needs_land, \
         p.needs_housing, p.needs_mobility, p.challenges FROM territory t \
         JOIN region r ON r.code = t.region_code \
         LEFT JOIN territory_profile p ON p.territory_id = t.id ORDER BY t.id",
        vec![],
    )
    .await
}

/// A district with its specialisation and declared challenges.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DistrictRow {
    pub id: i64,
    pub name: String,
    pub country_code: String,
    pub nuts_label: Option<String>,
    pub description: String,
    pub description_en: String,
    pub nace_divisions: String,
    pub challenges: Option<String>,
}

impl DistrictRow {
    pub fn divisions(&self) -> Vec<String> {
        json_list(&self.nace_divisions)
    }
    pub fn challenge_list(&self) -> Vec<String> {
        self.challenges
            .as_deref()
            .map(json_list)
            .unwrap_or_default()
    }
}

pub async fn districts(db: &impl ConnectionTrait) -> anyhow::Result<Vec<DistrictRow>> {
    fetch_all(
        db,
        "SELECT o.id, o.name, o.country_code, n.label AS nuts_label, o.description, o.description_en, \
         o.nace_divisions, d.challenges FROM organisation o \
         LEFT JOIN nuts_region n ON n.code = o.nuts_code \
         LEFT JOIN district_profile d ON d.organisation_id = o.id \
         WHERE o.kind = ? ORDER BY o.id",
        vec![OrganisationKind::District.code().into()],
    )
    .await
}

/// NAF division labels.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LabelRow {
    pub code: String,
    pub label: String,
}

pub async fn division_labels(db: &impl ConnectionTrait) -> anyhow::Result<Vec<LabelRow>> {
    fetch_all(
        db,
        "SELECT code, label FROM naf WHERE level = 'division'",
        vec![],
    )
    .await
}

/// A practice with its author's name.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PracticeRow {
    pub id: i64,
    pub author_kind: String,
    pub author_id: String,
    pub author_name: Option<String>,
    pub title: String,
    pub theme: String,
    pub context: String,
    pub actions: String,
    pub results: String,
    pub cost: String,
    pub partners: String,
    pub contact: String,
    pub lang: String,
    pub created_at: i64,
    pub is_demo: bool,
}

pub const PRACTICE_SELECT: &str = concatcp!(
    "SELECT p.id, p.author_kind, p.author_id, \
    COALESCE(t.name, o.name) AS author_name, p.title, p.theme, p.context, p.actions, p.results, \
    p.cost, p.partners, p.contact, p.lang, p.created_at, p.is_demo FROM practice p",
    join_territory_party!("t", "p.author_kind", "p.author_id"),
    join_organisation_party!("o", "p.author_kind", "p.author_id", District)
);

/// Which practices a listing reads (`db::list`); the set fields combine with AND.
#[derive(Debug, Default)]
pub struct PracticeWhere<'a> {
    /// A theme code.
    pub theme: Option<&'a str>,
    /// A language code.
    pub lang: Option<&'a str>,
    /// The author: a party kind code and its id.
    pub author: Option<(&'a str, &'a str)>,
    /// Only these practices (a text search's hits).
    pub ids: Option<&'a [i64]>,
}

impl super::Listing for PracticeWhere<'_> {
    type Row = PracticeRow;
    const SELECT: &'static str = PRACTICE_SELECT;
    const ORDER: &'static [(&'static str, bool)] = &[("p.created_at", true), ("p.id", true)];

    fn filter(&self) -> Filter {
        let (kind, id) = self.author.unzip();
        Filter::on("p")
            .eq("theme", self.theme)
            .eq("lang", self.lang)
            .eq("author_kind", kind)
            .eq("author_id", id)
            .among(self.ids)
    }
}

pub async fn practice(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<PracticeRow>> {
    super::fetch_by(db, PRACTICE_SELECT, "p.id", id).await
}

/// Writes a practice; returns its id.
pub async fn insert_practice(
    db: &impl ConnectionTrait,
    kind: &str,
    author: &str,
    d: &PracticeDraft,
    user_id: Option<i64>,
    at: i64,
    is_demo: bool,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO practice (author_kind, author_id, title, theme, context, actions, results, cost, \
         partners, contact, lang, created_by, created_at, updated_at, is_demo) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            kind.into(),
            author.into(),
            d.title.as_str().into(),
            d.theme.as_str().into(),
            d.context.as_str().into(),
            d.actions.as_str().into(),
            d.results.as_str().into(),
            d.cost.as_str().into(),
            d.partners.as_str().into(),
            d.contact.as_str().into(),
            d.lang.as_str().into(),
            user_id.into(),
            at.into(),
            at.into(),
            is_demo.into(),
        ],
    )
    .await?;
    Ok(row.context("the new practice's id")?.id)
}

/// An exchange row.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ExchangeRow {
    pub id: i64,
    pub from_territory: String,
    pub from_name: String,
    pub to_kind: String,
    pub to_id: String,
    pub to_name: Option<String>,
    pub practice_id: Option<i64>,
    pub practice_title: Option<String>,
    pub theme: String,
    pub format: String,
    pub message: String,
    pub status: String,
    pub reason: String,
    pub start_date: String,
    pub end_date: String,
    pub participants: String,
    pub outcome: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub reported_at: Option<i64>,
}

const EXCHANGE_SELECT: &str = concatcp!(
    "SELECT x.id, x.from_territory, f.name AS from_name, x.to_kind, x.to_id, \
    COALESCE(t.name, o.name) AS to_name, x.practice_id, p.title AS practice_title, x.theme, x.format, \
    x.message, x.status, x.reason, x.start_date, x.end_date, x.participants, x.outcome, x.created_by, \
    x.created_at, x.answered_at, x.reported_at FROM exchange x \
    JOIN territory f ON f.id = x.from_territory",
    join_territory_party!("t", "x.to_kind", "x.to_id"),
    join_organisation_party!("o", "x.to_kind", "x.to_id", District),
    " LEFT JOIN practice p ON p.id = x.practice_id"
);

pub async fn exchange(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<ExchangeRow>> {
    super::fetch_by(db, EXCHANGE_SELECT, "x.id", id).await
}

/// Exchanges from any of `territories`, or to any of `territories` or `districts`.
pub async fn exchanges_of(
    db: &impl ConnectionTrait,
    territories: &[String],
    districts: &[String],
) -> anyhow::Result<Vec<ExchangeRow>> {
    let mut clauses = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if !territories.is_empty() {
        let ph = super::placeholders(territories.len());
        clauses.push(format!("x.from_territory IN ({ph})"));
        clauses.push(format!("(x.to_kind = ? AND x.to_id IN ({ph}))"));
        values.extend(territories.iter().map(|t| t.as_str().into()));
        values.push(PartyKind::Territory.code().into());
        values.extend(territories.iter().map(|t| t.as_str().into()));
    }
    if !districts.is_empty() {
        clauses.push(format!(
            "(x.to_kind = ? AND x.to_id IN ({}))",
            super::placeholders(districts.len())
        ));
        values.push(PartyKind::District.code().into());
        values.extend(districts.iter().map(|d| d.as_str().into()));
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    fetch_all(
        db,
        &format!(
            "{EXCHANGE_SELECT} WHERE {} ORDER BY x.updated_at DESC, x.id DESC",
            clauses.join(" OR ")
        ),
        values,
    )
    .await
}

/// A new exchange; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_exchange(
    db: &impl ConnectionTrait,
    from: &str,
    to_kind: &str,
    to_id: &str,
    practice_id: Option<i64>,
    theme: &str,
    format: &str,
    message: &str,
    start_date: &str,
    user_id: i64,
    at: i64,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO exchange (from_territory, to_kind, to_id, practice_id, theme, format, message, \
         status, reason, start_date, end_date, participants, outcome, created_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', '', '', ?, ?, ?) RETURNING id",
        vec![
            from.into(),
            to_kind.into(),
            to_id.into(),
            practice_id.into(),
            theme.into(),
            format.into(),
            message.into(),
            app::domain::exchange::ExchangeStatus::Proposed.code().into(),
            start_date.into(),
            user_id.into(),
            at.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(row.context("the new exchange's id")?.id)
}

/// Moves an exchange from `from` to `to`; false if its status changed meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn set_exchange_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    reason: &str,
    dates: Option<(&str, &str)>,
    participants: &str,
    outcome: &str,
    at: i64,
) -> anyhow::Result<bool> {
    let (start, end) = dates.unwrap_or(("", ""));
    let report = to == "completed";
    let done = db
        .execute(stmt(
            db,
            "UPDATE exchange SET status = ?, reason = CASE WHEN ? THEN ? ELSE reason END, \
             start_date = CASE WHEN ? THEN ? ELSE start_date END, end_date = CASE WHEN ? THEN ? ELSE end_date END, \
             participants = CASE WHEN ? THEN ? ELSE participants END, outcome = CASE WHEN ? THEN ? ELSE outcome END, \
             answered_at = CASE WHEN ? THEN ? ELSE answered_at END, \
             reported_at = CASE WHEN ? THEN ? ELSE reported_at END, updated_at = ? \
             WHERE id = ? AND status = ?",
            vec![
                to.into(),
                (to == "declined").into(),
                reason.into(),
                report.into(),
                start.into(),
                report.into(),
                end.into(),
                report.into(),
                participants.into(),
                report.into(),
                outcome.into(),
                (!report).into(),
                at.into(),
                report.into(),
                at.into(),
                at.into(),
                id.into(),
                from.into(),
            ],
        ))
        .await
        .context("changing an exchange")?;
    Ok(done.rows_affected() == 1)
}
