//! The programme's scorecards (`domain::monitoring`): the shapes the `/suivi` pages and
//! `GET /api/v1/scorecards` share, and their server function.

use super::action_sheets::{Amount, TotalRow, Totals};
use crate::domain::monitoring::{Figure, Period, Scope};
use crate::domain::text::from_iso_date;
use crate::error::{unless_invalid, AppError, FieldError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a scorecard is asked for: its scope and period, read from an address or an API query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScorecardQuery {
    /// `national`, `region:CODE` or `territory:ti-XXXX`.
    pub scope: String,
    /// First day counted, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// Last day counted, `YYYY-MM-DD`, or empty.
    pub to: String,
}

impl ScorecardQuery {
    /// Reads query pairs (English or French names); unknown names are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = ScorecardQuery {
            scope: "national".to_owned(),
            ..Default::default()
        };
        for (name, value) in pairs {
            match name {
                "scope" | "perimetre" => q.scope = value.trim().to_owned(),
                "from" | "du" => q.from = value.trim().to_owned(),
                "to" | "au" => q.to = value.trim().to_owned(),
                _ => {}
            }
        }
        q
    }

    /// The scope and period asked, or every problem with them.
    pub fn read(&self) -> Result<(Scope, Period), AppError> {
        let mut errors = Vec::new();
        let scope = Scope::parse(&self.scope);
        if scope.is_none() {
            errors.push(FieldError::new(
                "scope",
                Problem::ValueInvalid.saying("expected national, region:CODE or territory:ti-XXXX"),
            ));
        }
        let mut date = |name: &'static str, text: &str| {
            if text.is_empty() {
                return None;
            }
            let at = from_iso_date(text);
            if at.is_none() {
                errors.push(FieldError::new(
                    name,
                    Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
                ));
            }
            at
        };
        let period = Period {
            from: date("from", &self.from),
            to: date("to", &self.to),
        };
        if let (Some(f), Some(t)) = (period.from, period.to) {
            if f > t {
                errors.push(FieldError::new(
                    "to",
                    Problem::OutOfRange.saying("the period ends before it starts"),
                ));
            }
        }
        unless_invalid((scope.unwrap_or(Scope::National), period), errors)
    }
}

/// The key figures of a scope; `null` amounts read "secret" (see `action_sheet::total`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Fiches-actions the reader may read.
    pub sheets: u64,
    pub requested: Amount,
    pub committed: Amount,
    pub paid: Amount,
    /// Indicator totals: targets of "emplois prévus", values reached of the others.
    pub jobs_planned: f64,
    pub jobs_created: f64,
    /// Private investment reached, in euros; `null` where secret.
    pub private_investment: Option<f64>,
    pub hectares: f64,
    pub people_trained: f64,
    pub firms_supported: f64,
    /// Contacts between firms requested, and those that concluded in a partnership.
    pub contacts_requested: u64,
    pub partnerships: u64,
    /// Exchanges with European districts completed (their report recorded).
    pub exchanges: u64,
    /// Simplification proposals sent (past their draft) and answered.
    pub proposals_sent: u64,
    pub proposals_answered: u64,
}

impl Figures {
    /// One figure as a number for the map; `None` where it is secret.
    pub fn value(&self, figure: Figure) -> Option<f64> {
        let money = |a: Amount| a.map(|v| v as f64);
        match figure {
            Figure::Sheets => Some(self.sheets as f64),
            Figure::Requested => money(self.requested),
            Figure::Committed => money(self.committed),
            Figure::Paid => money(self.paid),
            Figure::JobsPlanned => Some(self.jobs_planned),
            Figure::JobsCreated => Some(self.jobs_created),
            Figure::PrivateInvestment => self.private_investment,
            Figure::Hectares => Some(self.hectares),
            Figure::PeopleTrained => Some(self.people_trained),
            Figure::FirmsSupported => Some(self.firms_supported),
            Figure::ContactsRequested => Some(self.contacts_requested as f64),
            Figure::Partnerships => Some(self.partnerships as f64),
            Figure::Exchanges => Some(self.exchanges as f64),
            Figure::ProposalsSent => Some(self.proposals_sent as f64),
            Figure::ProposalsAnswered => Some(self.proposals_answered as f64),
        }
    }
}

/// A region or territory within a scorecard, with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScopeRow {
    /// Its scope (`region:84`, `territory:ti-8422`).
    pub scope: String,
    pub id: String,
    pub name: String,
    /// Its lead region's code (for a territory).
    pub region: String,
    pub figures: Figures,
}

/// Fiches of one axis, by status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AxisRow {
    pub axis: String,
    pub sheets: u64,
    /// (status code, fiches), every status in its order.
    pub by_status: Vec<(String, u64)>,
}

/// One indicator of the national list, summed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorRow {
    pub code: String,
    pub unit: String,
    /// Fiches measured by it.
    pub sheets: u64,
    /// Sum of their targets; `null` where secret.
    pub target: Option<f64>,
    /// Sum of each one's latest value in the period; `null` where secret.
    pub reached: Option<f64>,
}

/// Days simplification proposals waited at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WaitRow {
    /// `territory`, `region` or `national`.
    pub level: String,
    /// Proposals that reached the level.
    pub proposals: u64,
    /// Days they waited there, summed (so that levels add up across scopes).
    pub days: f64,
    /// Mean days per proposal; 0 when none.
    pub mean_days: f64,
}

/// Amounts committed and paid in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuarterRow {
    /// `2026-T1`.
    pub quarter: String,
    pub committed: Amount,
    pub paid: Amount,
}

/// A scorecard: the figures of a scope over a period, computed from the platform's records as
/// its reader may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Scorecard {
    pub scope: String,
    pub name: String,
    /// The scope above (the region of a territory, the nation of a region), as (scope, name).
    pub parent: Option<(String, String)>,
    /// The period, as asked (`YYYY-MM-DD` or empty).
    pub from: String,
    pub to: String,
    /// When the figures were read (Unix seconds).
    pub computed_at: i64,
    pub figures: Figures,
    pub by_axis: Vec<AxisRow>,
    /// Amounts by axis, by funder (`key` is the funder key) and overall.
    pub totals: Totals,
    /// Amounts by instrument (`key` is its code).
    pub by_instrument: Vec<TotalRow>,
    pub indicators: Vec<IndicatorRow>,
    pub waits: Vec<WaitRow>,
    pub quarters: Vec<QuarterRow>,
    /// The nation's regions, each with the territories it leads.
    pub regions: Vec<ScopeRow>,
    /// The territories counted in this scope: every one for the nation, those a region leads.
    pub territories: Vec<ScopeRow>,
    /// A region's interregional territories led by another region: listed, not counted.
    pub interregional: Vec<ScopeRow>,
    /// Whether every amount counted was one the reader may see (otherwise some cells are
    /// sums that include confidential amounts, or "secret").
    pub every_amount_visible: bool,
}

/// An evaluation, in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSummary {
    pub id: i64,
    /// `mi_parcours` or `fin_de_phase`.
    pub kind: String,
    pub title: String,
    /// The date its figures are frozen at (`YYYY-MM-DD`).
    pub taken_on: String,
    pub created_at: i64,
}

/// The evaluations, and whether the reader may open one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluations {
    pub items: Vec<EvaluationSummary>,
    pub may_open: bool,
}

/// A narrative added to an evaluation's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    /// `binome` or `region`.
    pub author: String,
    pub body: String,
    pub updated_at: i64,
}

/// One scorecard of an evaluation, frozen, with its narratives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub evaluation: EvaluationSummary,
    /// As frozen: every amount for the national delegation, the public view for others.
    pub card: Scorecard,
    /// Whether `card` is the complete view.
    pub complete: bool,
    pub narratives: Vec<Narrative>,
    /// The narratives the reader may write here (`binome`, `region`).
    pub may_write: Vec<String>,
}

/// The evaluations.
#[server]
pub async fn get_evaluations() -> Result<Evaluations, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .monitoring
        .evaluations(&viewer)
        .await?)
}

/// One scorecard of an evaluation (`scope` as for scorecards).
#[server]
pub async fn get_evaluation(id: i64, scope: String) -> Result<EvaluationView, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .monitoring
        .evaluation(&viewer, id, &scope)
        .await?)
}

/// A quarterly report of an operator or a Region on the actions it supports in the
/// territories (`POST /api/v1/operator-reports`): it replaces the reporter's report of that
/// quarter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReportDraft {
    /// `organisation:ID` (an operator) or `region:CODE`.
    #[cfg_attr(feature = "ssr", schema(max_length = 40))]
    pub reporter: String,
    /// `2026-T3`: a quarter begun.
    #[cfg_attr(
        feature = "ssr",
        schema(max_length = 7, pattern = r"^[0-9]{4}-T[1-4]$")
    )]
    pub quarter: String,
    /// At most 500.
    pub lines: Vec<ReportLineDraft>,
}

/// One action supported in one territory, with its amount.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReportLineDraft {
    /// `ti-XXXX`.
    #[cfg_attr(feature = "ssr", schema(max_length = 16))]
    pub territory: String,
    /// What is supported (1 to 300 characters).
    #[cfg_attr(feature = "ssr", schema(max_length = 300))]
    pub action: String,
    /// Whole euros, from 0 to 1,000,000,000.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 1_000_000_000))]
    #[serde(deserialize_with = "super::action_sheets::whole::one")]
    pub amount: i64,
    /// The fiche-action it supports, if any (of that territory).
    #[serde(deserialize_with = "super::action_sheets::whole::option")]
    pub sheet: Option<i64>,
}

/// One reporter's report of one quarter: lines and amount, or nothing yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCell {
    pub quarter: String,
    pub submitted_at: Option<i64>,
    pub lines: u64,
    pub amount: i64,
}

/// A reporter and its reports over the quarters shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReporterRow {
    /// `organisation:ID` or `region:CODE`.
    pub reporter: String,
    pub name: String,
    pub cells: Vec<ReportCell>,
    /// Quarters reported among those shown.
    pub reported: u64,
}

/// The reports: every reporter's for the national delegation (its completeness), the
/// reader's own otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportsView {
    /// The quarters shown, the latest first: the current one and the four before it.
    pub quarters: Vec<String>,
    pub rows: Vec<ReporterRow>,
    /// Reports received of the quarters already due, and reports expected of them.
    pub complete: (u64, u64),
    /// The reporters the reader may report for, as (code, name).
    pub mine: Vec<(String, String)>,
    /// The territories, as (id, name), for the form.
    pub territories: Vec<(String, String)>,
    pub delegation: bool,
}

/// The reports the reader may see.
#[server]
pub async fn get_reports() -> Result<ReportsView, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .monitoring
        .reports(&viewer)
        .await?)
}

/// A scorecard, as the reader may see it.
#[server]
pub async fn get_scorecard(query: ScorecardQuery) -> Result<Scorecard, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .monitoring
        .scorecard(&viewer, &query)
        .await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_query_names_each_bad_value() {
        let q = ScorecardQuery::from_pairs([
            ("scope", "region:8;4"),
            ("from", "2026-13-01"),
            ("to", "2026-01-01"),
        ]);
        let Err(AppError::Invalid(errors)) = q.read() else {
            panic!("refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["scope", "from"]);
        let late = ScorecardQuery::from_pairs([("du", "2026-05-01"), ("au", "2026-01-01")]);
        assert!(late.read().is_err());
        let ok = ScorecardQuery::from_pairs([("perimetre", "territory:ti-8422")]);
        assert_eq!(
            ok.read().unwrap(),
            (Scope::Territory("ti-8422".into()), Period::default())
        );
    }
}
