//! Simplification proposals as pages and the API see them: filters, lists, one proposal with
//! its timeline and supporters, the reviewers' queues and the dashboard.

use crate::api::search::encode;
use crate::domain::proposal::{Level, ProposalKind, Status};
use crate::domain::theme::{Axis, Theme};
use crate::error::{
    paging_problems, read_paging, unless_invalid, AppError, FieldError, Problem, Said,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Results per page by default, and at most.
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProposalSort {
    /// Most recently changed first.
    #[default]
    Recent,
    /// Oldest submission first (what has waited longest).
    Age,
    /// Most supporting territories first.
    Support,
}

impl ProposalSort {
    /// Every order, as the lists offer them.
    pub const ALL: [ProposalSort; 3] = [
        ProposalSort::Recent,
        ProposalSort::Age,
        ProposalSort::Support,
    ];

    /// The label's key, for the order options.
    pub fn key(self) -> crate::i18n::Key {
        use crate::i18n::Key;
        match self {
            ProposalSort::Recent => Key::SortRecent,
            ProposalSort::Age => Key::SortAge,
            ProposalSort::Support => Key::SortSupport,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ProposalSort::Recent => "recent",
            ProposalSort::Age => "age",
            ProposalSort::Support => "support",
        }
    }
}

/// The public list's filters, read from an address or an API query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProposalFilter {
    pub q: String,
    pub status: Option<String>,
    pub theme: Option<String>,
    pub level: Option<String>,
    pub region: Option<String>,
    pub territory: Option<String>,
    pub sort: ProposalSort,
    pub page: u64,
    pub per_page: u64,
}

impl ProposalFilter {
    /// Reads query pairs, then checks them with `validate`; unknown names are ignored, bad
    /// values refused.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut f = ProposalFilter {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Default::default()
        };
        let mut errors = Vec::new();
        for (name, raw) in pairs {
            let value = raw.trim();
            let opt = || (!value.is_empty()).then(|| value.to_owned());
            match name {
                "q" => f.q = value.to_owned(),
                "status" => f.status = super::code_param(raw),
                "theme" => f.theme = super::code_param(raw),
                "level" => f.level = super::code_param(raw),
                "region" => f.region = opt(),
                "territory" => f.territory = opt(),
                "sort" => {
                    f.sort = match raw {
                        "" => ProposalSort::Recent,
                        code => match ProposalSort::ALL.into_iter().find(|o| o.code() == code) {
                            Some(sort) => sort,
                            None => {
                                errors.push(FieldError::new(
                                    "sort",
                                    Problem::ValueUnknown.saying("expected recent, age or support"),
                                ));
                                ProposalSort::Recent
                            }
                        },
                    }
                }
                _ => {
                    read_paging((name, value), &mut f.page, &mut f.per_page, &mut errors);
                }
            }
        }
        if let Err(AppError::Invalid(more)) = f.validate() {
            errors.extend(more);
        }
        unless_invalid(f, errors)
    }

    /// Checks every filter value: what an address gives and what a server function receives
    /// pass the same checks.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors: Vec<FieldError> =
            crate::error::query_problem(&self.q).into_iter().collect();
        let mut bad = |field: &str, said: Said| errors.push(FieldError::new(field, said));
        if self
            .status
            .as_deref()
            .is_some_and(|v| Status::parse(v).is_none_or(|s| s == Status::Draft))
        {
            bad("status", Problem::ValueUnknown.saying("unknown status"));
        }
        if self
            .theme
            .as_deref()
            .is_some_and(|v| Theme::parse(v).is_none())
        {
            bad("theme", Problem::ValueUnknown.saying("unknown theme"));
        }
        if self
            .level
            .as_deref()
            .is_some_and(|v| Level::parse(v).is_none())
        {
            bad(
                "level",
                Problem::ValueUnknown.saying("expected territory, region or national"),
            );
        }
        for (field, value) in [("region", &self.region), ("territory", &self.territory)] {
            if value.as_deref().is_some_and(|v| v.chars().count() > 64) {
                bad(field, Problem::TextTooLong.saying("at most 64 characters"));
            }
        }
        errors.extend(paging_problems(self.page, self.per_page, MAX_PER_PAGE));
        unless_invalid((), errors)
    }

    /// The query string giving these filters back (without the page).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        for (name, value) in [
            ("status", &self.status),
            ("theme", &self.theme),
            ("level", &self.level),
            ("region", &self.region),
            ("territory", &self.territory),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name}={}", encode(v)));
            }
        }
        if self.sort != ProposalSort::Recent {
            parts.push(format!("sort={}", self.sort.code()));
        }
        parts.join("&")
    }
}

/// One proposal in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalSummary {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub level: String,
    pub theme: String,
    pub territory_id: String,
    pub territory_name: String,
    pub region_code: String,
    pub region_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub answered_at: Option<i64>,
    /// Territories other than the author supporting it, merged sources included, each once.
    pub territories_supporting: u64,
    /// Firms supporting it, counted apart.
    pub firms_supporting: u64,
    /// Generated by `maillage demo`, shown with a badge.
    pub is_demo: bool,
}

/// One line of the spreadsheet a person downloads: the summary, the text, the answer and the
/// days waited at each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalSheetRow {
    pub summary: ProposalSummary,
    pub problem: String,
    pub rule: String,
    pub solution: String,
    pub mechanism: String,
    pub answer: String,
    /// Days waited at the territory, the region and the national level.
    pub days: [f64; 3],
}

/// A page of proposals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<ProposalSummary>,
}

/// One step of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The proposal the step happened to (a merged source's steps keep their own id).
    pub proposal_id: i64,
    pub at: i64,
    pub user_name: String,
    pub role: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub comment: String,
    pub mechanism: String,
    pub related_id: Option<i64>,
    /// An opinion's stance (`favourable`, `reserved`, `unfavourable`), or empty.
    #[serde(default)]
    pub stance: String,
    /// On an approval by the État's référent: the seat(s) of the binôme it stood in for
    /// (`elected_colead`, `industrial_colead`, `binome`), or empty.
    #[serde(default)]
    pub stands_in: String,
    /// The committee session at which the step was decided (a regional committee's opinion).
    #[serde(default)]
    pub session_id: Option<i64>,
}

/// A supporter: a territory (with its testimony) or a firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SupportView {
    /// `territory` or `organisation`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub region_name: String,
    pub testimony: String,
    pub at: i64,
    /// The proposal it was given to (a merged source, or this one).
    pub proposal_id: i64,
}

/// A proposal another was merged into, or one merged into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalLink {
    pub id: i64,
    pub title: String,
    pub territory_name: String,
}

/// Which halves of the binôme have approved, without saying who (user ids stay internal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApprovalMarks {
    pub elected: bool,
    pub industrial: bool,
}

/// One proposal, as its page and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalDetail {
    #[serde(flatten)]
    pub summary: ProposalSummary,
    pub problem: String,
    pub rule: String,
    pub legal_reference: String,
    pub axis: String,
    pub proposal_kind: String,
    pub solution: String,
    pub mechanism: String,
    pub answer: String,
    pub merged_into: Option<ProposalLink>,
    pub sources: Vec<ProposalLink>,
    pub approvals: ApprovalMarks,
    pub timeline: Vec<TimelineEntry>,
    pub supports: Vec<SupportView>,
    /// (region name, supporting territories) for the supporters and the author.
    pub territories_by_region: Vec<(String, u64)>,
    /// Days waited at the territory, the region and the national level.
    pub days: [f64; 3],
    /// What the viewer may do: workflow action codes.
    pub actions: Vec<String>,
    pub may_edit: bool,
    /// The regions the territory spans, the lead region (which decides) first.
    #[serde(default)]
    pub regions: Vec<crate::api::directory::RegionRef>,
    /// The viewer could escalate it but the lead region's opinion is not recorded yet.
    #[serde(default)]
    pub opinion_needed: bool,
    /// Territories and firms in whose name the viewer may still support it: (kind, id, name).
    pub support_as: Vec<(String, String, String)>,
}

/// The text of a proposal as its team writes it; the form posts it as is (a field left out
/// is empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProposalDraft {
    pub territory_id: String,
    pub title: String,
    pub problem: String,
    pub rule: String,
    pub legal_reference: String,
    pub theme: String,
    pub axis: String,
    pub proposal_kind: String,
    pub solution: String,
}

/// Longest accepted texts, in characters.
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

impl ProposalDraft {
    /// Trims the texts and checks lengths and codes; a draft may be incomplete.
    pub fn validate(mut self) -> Result<ProposalDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, said: Said| errors.push(FieldError::new(field, said));
        for s in [
            &mut self.title,
            &mut self.problem,
            &mut self.rule,
            &mut self.legal_reference,
            &mut self.theme,
            &mut self.axis,
            &mut self.proposal_kind,
            &mut self.solution,
        ] {
            *s = s.trim().to_owned();
        }
        let title = self.title.chars().count();
        if title < 5 {
            bad("title", Problem::TitleTooShort.into());
        } else if title > MAX_TITLE {
            bad("title", Problem::TitleTooLong.into());
        }
        for (field, text) in [
            ("problem", &self.problem),
            ("rule", &self.rule),
            ("legal_reference", &self.legal_reference),
            ("solution", &self.solution),
        ] {
            if text.chars().count() > MAX_TEXT {
                bad(field, Problem::TextTooLong.into());
            }
        }
        if !self.theme.is_empty() && Theme::parse(&self.theme).is_none() {
            bad("theme", Problem::ThemeInvalid.into());
        }
        if !self.axis.is_empty() && Axis::parse(&self.axis).is_none() {
            bad("axis", Problem::AxisInvalid.into());
        }
        if !self.proposal_kind.is_empty() && ProposalKind::parse(&self.proposal_kind).is_none() {
            bad("proposal_kind", Problem::KindInvalid.into());
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Whether it can leave the territory: title, problem, rule and theme filled in.
    pub fn complete(&self) -> bool {
        !self.title.trim().is_empty()
            && !self.problem.trim().is_empty()
            && !self.rule.trim().is_empty()
            && !self.theme.is_empty()
    }
}

/// What awaits the viewer: their territories' proposals, their region's queue, the national
/// inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// (territory id, territory name, proposals including drafts) for each team the viewer
    /// belongs to.
    pub territories: Vec<(String, String, Vec<Waiting>)>,
    /// (region code, region name, proposals awaiting regional review).
    pub regions: Vec<(String, String, Vec<Waiting>)>,
    /// Proposals under national review, when the viewer is in the national team.
    pub national: Option<Vec<Waiting>>,
    /// For the national délégation: proposals answered at a regional level, by theme, the
    /// themes raised most often first (recurring irritants a national act could lift).
    #[serde(default)]
    pub answered_in_regions: Vec<(String, Vec<ProposalSummary>)>,
    pub sort: ProposalSort,
}

/// A proposal of a queue, and how long it has waited at its current step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub proposal: ProposalSummary,
    /// Days at the current step, when it waits for someone (not for a draft or an answer).
    pub days: Option<f64>,
}

/// Figures for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Proposals that left the draft stage.
    pub total: u64,
    pub by_status: Vec<(String, u64)>,
    pub by_theme: Vec<(String, u64)>,
    /// (region code, region name, count).
    pub by_region: Vec<(String, String, u64)>,
    /// Median days at the territory, region and national levels, over proposals that waited
    /// there.
    pub median_days: [Option<f64>; 3],
    /// (answered within three months, counted): proposals still waiting count once three
    /// months have passed.
    pub answered_within_three_months: (u64, u64),
}

/// The public list (everything but drafts), filtered.
#[server]
pub async fn get_proposals(filter: ProposalFilter) -> Result<ProposalList, AppError> {
    filter.validate().map_err(AppError::served)?;
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .proposals
        .list(&filter, &viewer)
        .await?)
}

/// One proposal, if the viewer may read it.
#[server]
pub async fn get_proposal(id: i64) -> Result<ProposalDetail, AppError> {
    let who = crate::ports::Who::current();
    let detail = crate::ports::services()?
        .proposals
        .detail(id, &who.viewer)
        .await;
    detail.map_err(|e| who.unseen(e.into()))
}

/// The viewer's queues; anonymous visitors are refused.
#[server]
pub async fn get_queue(sort: ProposalSort) -> Result<Queue, AppError> {
    let viewer = crate::ports::SignedIn::required()?.viewer;
    Ok(crate::ports::services()?
        .proposals
        .queue(&viewer, sort)
        .await?)
}

/// The dashboard's figures.
#[server]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    Ok(crate::ports::services()?.proposals.dashboard().await?)
}

/// Existing proposals close to a text being written ("more like this").
#[server]
pub async fn get_similar(
    text: String,
    exclude: Option<i64>,
) -> Result<Vec<ProposalLink>, AppError> {
    let text: String = text.chars().take(2000).collect();
    if text.trim().chars().count() < 4 {
        return Ok(Vec::new());
    }
    Ok(crate::ports::services()?
        .proposals
        .similar(&text, exclude, 5)
        .await?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_and_bad_values_are_named() {
        let f = ProposalFilter::from_pairs([
            ("q", "zone humide"),
            ("status", "national_review"),
            ("theme", "land"),
            ("sort", "support"),
        ])
        .unwrap();
        assert_eq!(
            f.to_query(),
            "q=zone+humide&status=national_review&theme=land&sort=support"
        );
        let Err(AppError::Invalid(errors)) =
            ProposalFilter::from_pairs([("status", "draft"), ("theme", "x"), ("per_page", "500")])
        else {
            panic!("bad filters accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["status", "theme", "per_page"]);
    }

    #[test]
    fn drafts_are_trimmed_and_checked() {
        let d = ProposalDraft {
            title: "  Délais d'instruction ICPE  ".into(),
            theme: "environment".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(d.title, "Délais d'instruction ICPE");
        assert!(!d.complete());
        let errors = ProposalDraft {
            title: "abc".into(),
            theme: "météo".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
