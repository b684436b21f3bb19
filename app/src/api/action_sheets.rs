//! Fiches-actions and the territory's contract as pages, the JSON API and exports see them:
//! what a fiche is written with (`SheetDraft`, its lines and indicators), what a reader is
//! shown of it (amounts only where `domain::action_sheet::may_see_amounts` allows, totals by
//! `domain::action_sheet::total`), a territory's action plan and its contract.

use crate::domain::action_sheet::{SheetStatus, MAX_AMOUNT};
use crate::domain::theme::Axis;
use crate::error::{read_paging, unless_invalid, AppError, FieldError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Results per page by default, and at most.
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;

/// Whole numbers as JSON may write them: `120000` or `120000.0` (JSON Schema's `integer`
/// admits both); a fraction is refused.
pub mod whole {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
    }

    fn of<E: serde::de::Error>(n: Number) -> Result<i64, E> {
        match n {
            Number::Int(i) => Ok(i),
            // The JSON parser may miss a long decimal by its last bit: a float that close to a
            // whole number is that whole number. Beyond 64 bits it saturates (no such id, an
            // amount out of range: each then refused by name).
            Number::Float(f) if (f - f.round()).abs() <= f.abs() * f64::EPSILON => {
                Ok(f.round() as i64)
            }
            Number::Float(_) => Err(E::custom("expected a whole number")),
        }
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        of(Number::deserialize(d)?)
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<Number>::deserialize(d)?.map(of).transpose()
    }

    pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        Vec::<Number>::deserialize(d)?.into_iter().map(of).collect()
    }

    pub fn option_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
        Option::<Vec<Number>>::deserialize(d)?
            .map(|v| v.into_iter().map(of).collect())
            .transpose()
    }
}

/// One line of a financial plan, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LineDraft {
    /// `organisation` (an operator or another organisation of the platform, by
    /// `funder_organisation`), `region` or `state` (by the region's code in `funder_ref`),
    /// `epci` (by its SIREN in `funder_ref`), or `porteur`.
    pub funder_kind: String,
    #[serde(deserialize_with = "whole::option")]
    pub funder_organisation: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(max_length = 16))]
    pub funder_ref: String,
    /// `detr`, `dsil`, `fnadt`, `fonds_vert`, `region`, `banque_des_territoires`, `bpifrance`,
    /// `ademe`, `epci`, `fonds_propres`, `europe` or `autre`.
    pub instrument: String,
    /// Whole euros, from 0 to 1,000,000,000.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 1_000_000_000))]
    #[serde(deserialize_with = "whole::one")]
    pub requested: i64,
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 1_000_000_000))]
    #[serde(deserialize_with = "whole::one")]
    pub committed: i64,
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 1_000_000_000))]
    #[serde(deserialize_with = "whole::one")]
    pub paid: i64,
    /// `YYYY-MM-DD`, or empty.
    pub requested_on: String,
    pub committed_on: String,
    pub paid_on: String,
}

/// An indicator, as written: a code of the national list, or a free label with its unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct IndicatorDraft {
    /// `emplois_prevus`, `emplois_crees`, `investissement_prive`, `hectares`,
    /// `personnes_formees`, `entreprises_accompagnees`, or empty for a free indicator.
    pub code: String,
    /// The free indicator's name (ignored for a national one).
    pub label: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
}

/// A fiche-action as written (the new-fiche form, `POST /api/v1/action-sheets`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SheetDraft {
    /// The territory, as `ti-XXXX`.
    #[cfg_attr(feature = "ssr", schema(pattern = r"^ti-[0-9]{4}$", required = true))]
    pub territory: String,
    /// 3 to 200 characters.
    #[cfg_attr(feature = "ssr", schema(min_length = 3, max_length = 200))]
    pub title: String,
    /// `attirer`, `recruter`, `innover` or `simplifier`.
    pub axis: String,
    /// Codes of the one theme list, at most 6.
    #[cfg_attr(feature = "ssr", schema(max_items = 6))]
    pub themes: Vec<String>,
    /// `organisation`, `epci` or `territory`.
    pub porteur_kind: String,
    #[serde(deserialize_with = "whole::option")]
    pub porteur_organisation: Option<i64>,
    /// The SIREN of the EPCI that carries it (one of the territory's).
    #[cfg_attr(feature = "ssr", schema(max_length = 16))]
    pub porteur_epci: String,
    /// Partner organisations, at most 30.
    #[serde(deserialize_with = "whole::list")]
    #[cfg_attr(feature = "ssr", schema(max_items = 30))]
    pub partners: Vec<i64>,
    /// SIRENs of the territory's EPCI concerned, at most 40.
    #[cfg_attr(feature = "ssr", schema(max_items = 40))]
    pub epcis: Vec<String>,
    /// Collective (several beneficiaries) rather than individual.
    pub collective: bool,
    /// `idee`, `etude` or `operation`.
    pub maturity: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 10000))]
    pub description: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 10000))]
    pub expected_results: String,
    /// Free text, at most 400 characters ("2027 T1 : études ; 2028 : travaux").
    #[cfg_attr(feature = "ssr", schema(max_length = 400))]
    pub schedule: String,
    /// The simplification proposal a fiche of the `simplifier` axis carries.
    #[serde(deserialize_with = "whole::option")]
    pub proposal: Option<i64>,
    #[serde(deserialize_with = "whole::list")]
    #[cfg_attr(feature = "ssr", schema(max_items = 30))]
    pub land_sites: Vec<i64>,
    #[serde(deserialize_with = "whole::list")]
    #[cfg_attr(feature = "ssr", schema(max_items = 30))]
    pub needs: Vec<i64>,
    /// At most 30.
    #[cfg_attr(feature = "ssr", schema(max_items = 30))]
    pub lines: Vec<LineDraft>,
    /// At most 20.
    #[cfg_attr(feature = "ssr", schema(max_items = 20))]
    pub indicators: Vec<IndicatorDraft>,
}

/// A change to a fiche (`PATCH /api/v1/action-sheets/{id}`): each field given replaces the
/// fiche's; `lines` and `indicators`, when given, replace the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SheetPatch {
    pub title: Option<String>,
    pub axis: Option<String>,
    pub themes: Option<Vec<String>>,
    pub porteur_kind: Option<String>,
    #[serde(deserialize_with = "whole::option")]
    pub porteur_organisation: Option<i64>,
    pub porteur_epci: Option<String>,
    #[serde(deserialize_with = "whole::option_list")]
    pub partners: Option<Vec<i64>>,
    pub epcis: Option<Vec<String>>,
    pub collective: Option<bool>,
    pub maturity: Option<String>,
    pub description: Option<String>,
    pub expected_results: Option<String>,
    pub schedule: Option<String>,
    #[serde(deserialize_with = "whole::option")]
    pub proposal: Option<i64>,
    #[serde(deserialize_with = "whole::option_list")]
    pub land_sites: Option<Vec<i64>>,
    #[serde(deserialize_with = "whole::option_list")]
    pub needs: Option<Vec<i64>>,
    pub lines: Option<Vec<LineDraft>>,
    pub indicators: Option<Vec<IndicatorDraft>>,
}

/// What a step brings (`POST /fiches/{id}/etapes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetStep {
    pub action: String,
    pub stance: String,
    pub support: String,
    pub reason: String,
    /// The avenant's number, to inscribe.
    pub avenant: String,
}

/// An amount as its reader may be shown it: `null` where it is confidential to them.
pub type Amount = Option<i64>;

/// A fiche in lists, the search and the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetSummary {
    pub id: i64,
    pub title: String,
    /// `ti-XXXX`.
    pub territory: String,
    pub territory_name: String,
    /// The territory's lead region.
    pub region: String,
    /// `attirer`, `recruter`, `innover` or `simplifier`.
    pub axis: String,
    pub status: String,
    pub maturity: String,
    pub themes: Vec<String>,
    pub porteur_name: String,
    /// The avenant that inscribes it, by its number.
    pub avenant: Option<i64>,
    /// Whether the reader is shown its amounts (`false`: they are confidential to them).
    pub amounts_shown: bool,
    pub requested: Amount,
    pub committed: Amount,
    pub paid: Amount,
    /// Demonstration data of `maillage demo`.
    pub demo: bool,
    pub updated_at: i64,
}

/// A page of fiches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<SheetSummary>,
}

/// One line of a financial plan as its reader is shown it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineView {
    pub id: i64,
    pub funder_kind: String,
    /// `organisation:ID`, `region:CODE`, `state:CODE`, `epci:SIREN` or `porteur`.
    pub funder: String,
    pub funder_name: String,
    pub instrument: String,
    pub requested: Amount,
    pub committed: Amount,
    pub paid: Amount,
    pub requested_on: Option<i64>,
    pub committed_on: Option<i64>,
    pub paid_on: Option<i64>,
}

/// A dated value of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ValueView {
    pub measured_on: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorView {
    pub id: i64,
    /// A code of the national list, or empty for a free indicator.
    pub code: String,
    pub label: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    /// Oldest first.
    pub values: Vec<ValueView>,
}

/// One step of a fiche's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetEvent {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub role: String,
    pub by: String,
    pub comment: String,
    pub stance: String,
    pub support: String,
    /// The committee session it was taken in.
    pub session_id: Option<i64>,
    pub avenant: Option<i64>,
    pub at: i64,
}

/// Something of the platform a fiche names, with its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Linked {
    pub id: String,
    pub name: String,
    pub href: String,
}

/// One fiche, as its reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetDetail {
    pub summary: SheetSummary,
    pub porteur_kind: String,
    pub porteur: Option<Linked>,
    pub partners: Vec<Linked>,
    pub epcis: Vec<Linked>,
    pub collective: bool,
    pub description: String,
    pub expected_results: String,
    pub schedule: String,
    pub support: String,
    pub proposal: Option<Linked>,
    pub links: Vec<Linked>,
    pub lines: Vec<LineView>,
    pub indicators: Vec<IndicatorView>,
    /// Newest last.
    pub timeline: Vec<SheetEvent>,
    /// Which seats of the binôme co-signed.
    pub signed_elected: bool,
    pub signed_industrial: bool,
    /// The steps the reader is offered (action codes).
    pub offered: Vec<String>,
    /// The reader may change its text, or its lines and indicators.
    pub may_edit: bool,
    pub may_follow: bool,
    /// The avenants of the territory's contract, by number, for inscribing it.
    pub avenants: Vec<i64>,
    /// For a reader who may change its lines: the funders a line may name, as
    /// (funder key, name): the operators, the regions and the State in each, the territory's
    /// EPCI, the porteur.
    pub funder_choices: Vec<(String, String)>,
}

/// A row of a table of totals: `null` amounts read "secret".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TotalRow {
    /// The axis code, the funder key, or `all`.
    pub key: String,
    pub label: String,
    pub sheets: u64,
    pub requested: Amount,
    pub committed: Amount,
    pub paid: Amount,
}

/// Totals by axis and by funder, then overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Totals {
    pub by_axis: Vec<TotalRow>,
    pub by_funder: Vec<TotalRow>,
    pub overall: TotalRow,
}

/// A territory's action plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionPlan {
    pub territory_id: String,
    pub territory_name: String,
    pub items: Vec<SheetSummary>,
    pub totals: Totals,
    /// (status code, fiches).
    pub by_status: Vec<(String, u64)>,
    pub may_create: bool,
}

/// A signatory of a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatoryView {
    pub kind: String,
    pub name: String,
    pub function: String,
}

/// An avenant and the fiches it inscribes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvenantView {
    pub number: i64,
    pub title: String,
    pub signed_at: Option<i64>,
    pub sheets: Vec<SheetSummary>,
    pub totals: Totals,
}

/// A territory's contract, as its printable page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractView {
    pub territory_id: String,
    pub territory_name: String,
    /// `contrat_cadre` or `protocole`.
    pub kind: String,
    pub title: String,
    pub signed_at: Option<i64>,
    pub signatories: Vec<SignatoryView>,
    pub avenants: Vec<AvenantView>,
    /// Of every fiche inscribed.
    pub totals: Totals,
    /// The reader may add avenants and signatories (the chef de projet, the lead Region).
    pub may_manage: bool,
}

/// The list's filters, read from an address or an API query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SheetFilter {
    pub territory: Option<String>,
    pub region: Option<String>,
    pub axis: Option<String>,
    pub status: Option<String>,
    /// A funder key (`organisation:ID`, `region:CODE`, `state:CODE`, `epci:SIREN`).
    pub funder: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// Whether `key` names a funder the way lines and filters do.
pub fn funder_key_valid(key: &str) -> bool {
    match key.split_once(':') {
        Some(("organisation", id)) => id.parse::<i64>().is_ok_and(|n| n > 0),
        Some(("region" | "state", code)) => {
            (1..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit())
        }
        Some(("epci", siren)) => siren.len() == 9 && siren.chars().all(|c| c.is_ascii_digit()),
        None => key == "porteur",
        _ => false,
    }
}

impl SheetFilter {
    /// Reads query pairs; unknown names are ignored, bad values refused.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut f = SheetFilter {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Default::default()
        };
        let mut errors = Vec::new();
        for (name, raw) in pairs {
            let value = raw.trim();
            let opt = || (!value.is_empty()).then(|| value.to_owned());
            match name {
                "territory" | "territoire" => f.territory = opt(),
                "region" => f.region = opt(),
                "axis" | "axe" => f.axis = super::code_param(raw),
                "status" | "statut" => f.status = super::code_param(raw),
                "funder" | "financeur" => f.funder = opt(),
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

    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = crate::error::paging_problems(self.page, self.per_page, MAX_PER_PAGE);
        if self
            .axis
            .as_deref()
            .is_some_and(|a| Axis::parse(a).is_none())
        {
            errors.push(FieldError::new(
                "axis",
                Problem::AxisInvalid.saying("expected attirer, recruter, innover or simplifier"),
            ));
        }
        if self
            .status
            .as_deref()
            .is_some_and(|s| SheetStatus::parse(s).is_none())
        {
            errors.push(FieldError::new(
                "status",
                Problem::ValueUnknown.saying("unknown status"),
            ));
        }
        if self
            .territory
            .as_deref()
            .is_some_and(|t| crate::domain::ids::TerritoryId::parse(t).is_err())
        {
            errors.push(FieldError::new(
                "territory",
                Problem::ValueInvalid.saying("expected ti-XXXX"),
            ));
        }
        if self
            .region
            .as_deref()
            .is_some_and(|r| r.len() > 3 || !r.chars().all(|c| c.is_ascii_digit()))
        {
            errors.push(FieldError::new(
                "region",
                Problem::ValueInvalid.saying("expected a region code"),
            ));
        }
        if self.funder.as_deref().is_some_and(|k| !funder_key_valid(k)) {
            errors.push(FieldError::new(
                "funder",
                Problem::ValueInvalid
                    .saying("expected organisation:ID, region:CODE, state:CODE or epci:SIREN"),
            ));
        }
        unless_invalid((), errors)
    }
}

/// Whether an amount is one a line may carry.
pub fn amount_valid(euros: i64) -> bool {
    (0..=MAX_AMOUNT).contains(&euros)
}

/// A territory's action plan.
#[server]
pub async fn get_action_plan(territory: String) -> Result<ActionPlan, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .action_sheets
        .plan(&viewer, &territory)
        .await?)
}

/// One fiche.
#[server]
pub async fn get_action_sheet(id: i64) -> Result<SheetDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .action_sheets
        .detail(&viewer, id)
        .await?)
}

/// A territory's contract.
#[server]
pub async fn get_contract(territory: String) -> Result<ContractView, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .action_sheets
        .contract(&viewer, &territory)
        .await?)
}

/// The organisations a new-fiche form offers as porteur and partners, and the territory's
/// EPCI: (organisations (id, name), EPCI (siren, name)).
#[server]
pub async fn get_sheet_choices(territory: String) -> Result<SheetChoices, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .action_sheets
        .choices(&viewer, &territory)
        .await?)
}

/// What the new-fiche and line forms offer: the territory's name, its EPCI, the reader's own
/// organisations and the programme's operators, and the regions it spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetChoices {
    pub territory_id: String,
    pub territory_name: String,
    /// (SIREN, name).
    pub epcis: Vec<(String, String)>,
    /// (id, name): the organisations of the territory the reader belongs to, then operators.
    pub organisations: Vec<(i64, String)>,
    /// (code, name), the lead first.
    pub regions: Vec<(String, String)>,
    pub may_create: bool,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn amounts_and_ids_are_whole_numbers_however_json_writes_them() {
        let line: LineDraft = serde_json::from_str(
            r#"{"requested": 120000.0, "committed": 5, "paid": 0, "funder_organisation": 12.0}"#,
        )
        .unwrap();
        assert_eq!((line.requested, line.committed, line.paid), (120_000, 5, 0));
        assert_eq!(line.funder_organisation, Some(12));
        // A long decimal the parser may miss by its last bit is still the whole number.
        let d: SheetDraft =
            serde_json::from_str(r#"{"land_sites": [4353039164744402.0]}"#).unwrap();
        assert!((d.land_sites[0] - 4_353_039_164_744_402).abs() <= 1);
        assert!(serde_json::from_str::<LineDraft>(r#"{"requested": 1.5}"#).is_err());
        assert!(serde_json::from_str::<SheetPatch>(r#"{"partners": [2, 0.25]}"#).is_err());
        // Beyond 64 bits: the nearest bound, refused later as out of range or no such id.
        let huge: LineDraft = serde_json::from_str(r#"{"requested": 1e300}"#).unwrap();
        assert!(!amount_valid(huge.requested));
    }

    #[test]
    fn funder_keys_name_a_kind_and_its_reference() {
        for ok in [
            "organisation:12",
            "region:84",
            "state:01",
            "epci:200040715",
            "porteur",
        ] {
            assert!(funder_key_valid(ok), "{ok}");
        }
        for bad in [
            "organisation:0",
            "region:",
            "region:8a",
            "epci:123",
            "europe",
            "porteur:1",
        ] {
            assert!(!funder_key_valid(bad), "{bad}");
        }
    }
}
