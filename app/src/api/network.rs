//! The European network as pages and the API see it: partner suggestions, best practices,
//! exchanges between territories and districts.

use crate::domain::partners::{Factor, Similarity};
use crate::domain::theme::Theme;
use crate::error::{
    paging_problems, read_paging, unless_invalid, AppError, FieldError, Problem, Said,
};
use crate::i18n::{t, Key, Lang};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A district suggested to a territory (or a territory to a district, or to another territory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerSuggestion {
    /// `district` or `territory`.
    pub kind: String,
    /// The district's organisation id, or the territory id.
    pub id: String,
    pub name: String,
    /// ISO country code (FR for territories).
    pub country: String,
    /// NUTS region or French region name.
    pub place: String,
    pub score: f64,
    /// Plain-language reasons, in the reader's language.
    pub explanation: String,
    pub factors: Vec<Factor>,
}

/// Partner suggestions of one territory or district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partners {
    pub id: String,
    pub name: String,
    /// Districts ranked for a territory (empty for a district).
    pub districts: Vec<PartnerSuggestion>,
    /// French territories ranked (territories like mine, or territories matching a district).
    pub territories: Vec<PartnerSuggestion>,
    /// The asking side's leading divisions: (code, label, share of firms).
    pub profile: Vec<(String, String, f64)>,
    /// Whether the reader may propose an exchange from this territory.
    pub may_propose: bool,
}

/// How a suggestion reads: shared specialisations with their weight in the asking profile,
/// shared challenges, shared words. `label` names a division code.
pub fn explain(lang: Lang, s: &Similarity, label: &dyn Fn(&str) -> String) -> String {
    let mut parts = Vec::new();
    for f in &s.factors {
        match f.factor.as_str() {
            "profile" => {
                let divisions = f
                    .items
                    .iter()
                    .take(3)
                    .map(|d| format!("{d} {}", label(d)))
                    .collect::<Vec<_>>()
                    .join(", ");
                parts.push(format!(
                    "{}{}{divisions} ({} {})",
                    t(lang, Key::ExplainSpecialisations),
                    crate::i18n::colon(lang),
                    crate::i18n::percent(lang, f.share * 100.0),
                    t(lang, Key::ExplainOfFirms)
                ));
            }
            "challenges" => parts.push(format!(
                "{}{}{}",
                t(lang, Key::ExplainChallenges),
                crate::i18n::colon(lang),
                f.items
                    .iter()
                    .map(|c| Theme::label_of(lang, c).to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => parts.push(format!(
                "{}{}{}",
                t(lang, Key::ExplainWords),
                crate::i18n::colon(lang),
                f.items.join(", ")
            )),
        }
    }
    if parts.is_empty() {
        t(lang, Key::ExplainNothing).to_owned()
    } else {
        parts.join(match lang {
            Lang::Fr => " ; ",
            Lang::En => "; ",
        })
    }
}

/// An exchange proposed from one of the proposer's territories to a partner, as its form
/// sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExchangeDraft {
    /// The proposing territory's id.
    pub from: String,
    /// The partner: `territory:ID` or `district:ID`.
    pub to: String,
    /// The practice it is about, if any (a number, or empty).
    pub practice_id: String,
    pub theme: String,
    /// An `ExchangeFormat` code.
    pub format: String,
    pub message: String,
    /// `YYYY-MM-DD`, or empty.
    pub start_date: String,
}

/// How an accepted exchange went, as either side reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExchangeReport {
    pub start_date: String,
    pub end_date: String,
    pub participants: String,
    pub outcome: String,
}

/// A European district to open, as the platform administrator's form sends it, with the
/// address of its manager, who is invited to complete it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DistrictDraft {
    pub name: String,
    /// ISO 3166 alpha-2, not FR.
    pub country: String,
    /// A NUTS region of that country.
    pub nuts_code: String,
    /// NACE divisions, separated by spaces or commas.
    pub nace_divisions: String,
    pub specialisation_fr: String,
    pub specialisation_en: String,
    /// ISO 639-1 code of its language.
    pub language: String,
    pub manager_email: String,
}

/// A practice in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeSummary {
    pub id: i64,
    pub title: String,
    pub theme: String,
    /// `territory` or `district`.
    pub author_kind: String,
    pub author_id: String,
    pub author_name: String,
    pub lang: String,
    pub created_at: i64,
    pub is_demo: bool,
}

/// One practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeDetail {
    #[serde(flatten)]
    pub summary: PracticeSummary,
    pub context: String,
    pub actions: String,
    pub results: String,
    pub cost: String,
    pub partners: String,
    pub contact: String,
    /// Territories the reader may propose an exchange from: (id, name).
    pub propose_from: Vec<(String, String)>,
}

/// A page of practices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<PracticeSummary>,
}

/// Filters of the practice list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PracticeFilter {
    pub q: String,
    pub theme: Option<String>,
    /// `territory:ti-8422` or `district:123`.
    pub author: Option<String>,
    pub lang: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

impl PracticeFilter {
    /// Reads query pairs, then checks them with `validate`; bad values are named.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut f = PracticeFilter {
            page: 1,
            per_page: 20,
            ..Default::default()
        };
        let mut errors = Vec::new();
        for (name, raw) in pairs {
            let value = raw.trim();
            let opt = || (!value.is_empty()).then(|| value.to_owned());
            match name {
                "q" => f.q = value.to_owned(),
                "theme" => f.theme = super::code_param(raw),
                "author" => f.author = opt(),
                "lang" => f.lang = super::code_param(raw),
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
            .theme
            .as_deref()
            .is_some_and(|t| Theme::parse(t).is_none())
        {
            bad("theme", Problem::ValueUnknown.saying("unknown theme"));
        }
        if self
            .author
            .as_deref()
            .is_some_and(|a| a.chars().count() > 80)
        {
            bad(
                "author",
                Problem::TextTooLong.saying("at most 80 characters"),
            );
        }
        if self
            .lang
            .as_deref()
            .is_some_and(|l| !["fr", "en"].contains(&l))
        {
            bad("lang", Problem::ValueUnknown.saying("expected fr or en"));
        }
        errors.extend(paging_problems(self.page, self.per_page, 100));
        unless_invalid((), errors)
    }
}

/// A practice as its author writes it; the form posts it as is (a field left out is empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PracticeDraft {
    /// `territory:ti-8422` or `district:123`.
    pub author: String,
    pub title: String,
    pub theme: String,
    pub context: String,
    pub actions: String,
    pub results: String,
    pub cost: String,
    pub partners: String,
    pub contact: String,
    pub lang: String,
}

impl PracticeDraft {
    /// Trims and checks the text; the author is checked against the writer's roles.
    pub fn validate(mut self) -> Result<PracticeDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        for s in [
            &mut self.title,
            &mut self.theme,
            &mut self.context,
            &mut self.actions,
            &mut self.results,
            &mut self.cost,
            &mut self.partners,
            &mut self.contact,
            &mut self.lang,
        ] {
            *s = s.trim().to_owned();
        }
        let mut bad = |field: &str, said: Said| errors.push(FieldError::new(field, said));
        match self.title.chars().count() {
            0..5 => bad("title", Problem::TitleTooShort.into()),
            5..=200 => {}
            _ => bad("title", Problem::TitleTooLong.into()),
        }
        if Theme::parse(&self.theme).is_none() {
            bad("theme", Problem::ThemeInvalid.into());
        }
        if self.actions.is_empty() {
            bad("actions", Problem::ActionsRequired.into());
        }
        if !["fr", "en"].contains(&self.lang.as_str()) {
            bad("lang", Problem::LangInvalid.into());
        }
        for (field, text) in [
            ("context", &self.context),
            ("actions", &self.actions),
            ("results", &self.results),
            ("cost", &self.cost),
            ("partners", &self.partners),
            ("contact", &self.contact),
        ] {
            if text.chars().count() > 10_000 {
                bad(field, Problem::TextTooLong.into());
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// An exchange between a territory and a territory or district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeView {
    pub id: i64,
    pub from_territory: String,
    pub from_name: String,
    /// `territory` or `district`.
    pub to_kind: String,
    pub to_id: String,
    pub to_name: String,
    pub practice: Option<(i64, String)>,
    pub theme: String,
    pub format: String,
    pub message: String,
    /// `proposed`, `accepted`, `declined` or `completed`.
    pub status: String,
    pub reason: String,
    pub start_date: String,
    pub end_date: String,
    pub participants: String,
    pub outcome: String,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub reported_at: Option<i64>,
    /// What the reader may do: `accept`, `decline`, `report`.
    pub actions: Vec<String>,
}

pub use crate::domain::exchange::ExchangeSide as Side;

/// The codes of what a side may do on an exchange in `status` (the workflow table's offer).
pub fn exchange_actions(status: &str, side: Side) -> Vec<&'static str> {
    crate::domain::exchange::ExchangeStatus::parse(status)
        .map(|s| {
            crate::domain::exchange::offered(s, side)
                .into_iter()
                .map(|a| a.code())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
use crate::ports::services;

/// Partner suggestions for a territory (districts, and territories like it).
#[server]
pub async fn get_territory_partners(id: String) -> Result<Partners, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    let lang = crate::i18n::Lang::detect();
    Ok(services()?
        .network
        .territory_partners(&id, &viewer, lang)
        .await?)
}

/// French territories matching a district.
#[server]
pub async fn get_district_partners(id: i64) -> Result<Partners, AppError> {
    let lang = crate::i18n::Lang::detect();
    Ok(services()?.network.district_partners(id, lang).await?)
}

/// Best practices, filtered.
#[server]
pub async fn get_practices(filter: PracticeFilter) -> Result<PracticeList, AppError> {
    filter.validate().map_err(AppError::served)?;
    Ok(services()?.network.practices(&filter).await?)
}

/// One practice.
#[server]
pub async fn get_practice(id: i64) -> Result<PracticeDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(services()?.network.practice(id, &viewer).await?)
}

/// The reader's exchanges, proposed and received.
#[server]
pub async fn get_exchanges() -> Result<Vec<ExchangeView>, AppError> {
    let viewer = crate::ports::SignedIn::required()?.viewer;
    Ok(services()?.network.exchanges(&viewer).await?)
}

/// One exchange, for its two sides.
#[server]
pub async fn get_exchange(id: i64) -> Result<ExchangeView, AppError> {
    let who = crate::ports::Who::current();
    let exchange = services()?.network.exchange(id, &who.viewer).await;
    exchange.map_err(|e| who.unseen(e.into()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn only_the_recipient_answers_and_both_sides_report() {
        assert_eq!(
            exchange_actions("proposed", Side::Recipient),
            ["accept", "decline"]
        );
        assert!(exchange_actions("proposed", Side::Proposer).is_empty());
        assert_eq!(exchange_actions("accepted", Side::Proposer), ["report"]);
        assert!(exchange_actions("accepted", Side::Neither).is_empty());
        assert!(exchange_actions("completed", Side::Recipient).is_empty());
    }

    #[test]
    fn practice_filters_and_drafts_are_checked() {
        assert!(PracticeFilter::from_pairs([("theme", "housing"), ("lang", "en")]).is_ok());
        assert!(PracticeFilter::from_pairs([("theme", "weather")]).is_err());
        let errors = PracticeDraft {
            title: "abc".into(),
            theme: "x".into(),
            lang: "de".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.len(), 4);
    }
}
