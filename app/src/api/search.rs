//! Search across the network: parameters (the URL is the state), results, facets.

use crate::domain::geo::Point;
use crate::domain::ids::InseeCode;
use crate::domain::organisation::{OrganisationKind, SiteStatus};
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest radius accepted, in kilometres.
pub const MAX_RADIUS_KM: f64 = 500.0;
/// Largest page.
pub const MAX_PER_PAGE: u64 = 100;
/// Deepest result served (page x per_page).
pub const MAX_DEPTH: u64 = 10_000;
/// The deepest page: at the largest page size, it ends at [`MAX_DEPTH`].
pub const MAX_PAGE: u64 = MAX_DEPTH / MAX_PER_PAGE;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 20;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SearchSort {
    #[default]
    Relevance,
    Distance,
    Name,
}

impl SearchSort {
    pub fn parse(s: &str) -> Option<SearchSort> {
        match s {
            "" | "relevance" | "pertinence" => Some(SearchSort::Relevance),
            "distance" => Some(SearchSort::Distance),
            "name" | "nom" => Some(SearchSort::Name),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Distance => "distance",
            SearchSort::Name => "name",
        }
    }
}

/// Where distances are measured from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Near {
    Commune(InseeCode),
    Point(Point),
    /// A commune's name, resolved by the server (the most populous namesake).
    Name(String),
}

impl Near {
    /// `74081` (an INSEE code) or `46.06,6.58` (latitude, longitude).
    pub fn parse(s: &str) -> Result<Near, String> {
        let s = s.trim();
        if let Some((lat, lon)) = s.split_once(',') {
            let lat: f64 = lat
                .trim()
                .parse()
                .map_err(|_| format!("latitude {lat:?} is not a number"))?;
            let lon: f64 = lon
                .trim()
                .parse()
                .map_err(|_| format!("longitude {lon:?} is not a number"))?;
            if !(-90.0..=90.0).contains(&lat) {
                return Err(format!("latitude {lat} is out of range (-90 to 90)"));
            }
            if !(-180.0..=180.0).contains(&lon) {
                return Err(format!("longitude {lon} is out of range (-180 to 180)"));
            }
            return Ok(Near::Point(Point { lat, lon }));
        }
        if s.chars().next().is_some_and(|c| c.is_ascii_digit())
            || s.starts_with("2A")
            || s.starts_with("2B")
        {
            return InseeCode::parse(s).map(Near::Commune).map_err(|_| {
                format!("expected an INSEE commune code, a commune name or lat,lon, got {s:?}")
            });
        }
        if s.is_empty() || s.chars().count() > 100 {
            return Err("expected an INSEE commune code, a commune name or lat,lon".to_owned());
        }
        Ok(Near::Name(s.to_owned()))
    }
}

/// A search, as carried by the URL of `/recherche` and by `GET /api/v1/search`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: String,
    pub kind: Option<String>,
    pub region: Option<String>,
    pub department: Option<String>,
    pub territory: Option<String>,
    pub naf: Option<String>,
    pub certification: Option<String>,
    pub headcount: Option<String>,
    pub site_label: Option<String>,
    /// A fiche-action's axis, status and funder (`organisation:ID`, `region:CODE`...).
    pub axis: Option<String>,
    pub status: Option<String>,
    pub funder: Option<String>,
    pub near: Option<String>,
    pub radius_km: Option<f64>,
    pub sort: SearchSort,
    pub page: u64,
    pub per_page: u64,
}

/// The `kind` of a land site among results (the others are organisation kinds).
pub const LAND_SITE: &str = "land_site";

/// The `site_label` of a land site ready to use (the others are its statuses).
pub const TURNKEY: &str = "turnkey";

/// What a result may be besides an organisation (which has its own kind).
pub const OTHER_RESULT_KINDS: [&str; 6] = [
    "territory",
    LAND_SITE,
    "proposal",
    "practice",
    "need",
    "action_sheet",
];

/// What a result may be: an organisation of any kind, a territory, a land site, a proposal, a
/// practice or an annonce.
pub fn result_kinds() -> impl Iterator<Item = &'static str> {
    OrganisationKind::ALL
        .iter()
        .map(|k| k.code())
        .chain(OTHER_RESULT_KINDS)
}

/// A land site's labels: its status, or ready to use.
pub fn site_labels() -> impl Iterator<Item = &'static str> {
    SiteStatus::ALL.iter().map(|s| s.code()).chain([TURNKEY])
}

/// The filter parameters, in URL order (`naf` accepts a section, division, group, class or code).
pub const FILTERS: [&str; 11] = [
    "kind",
    "region",
    "department",
    "territory",
    "naf",
    "certification",
    "headcount",
    "site_label",
    "axis",
    "status",
    "funder",
];

impl SearchParams {
    /// Reads parameters from `(name, value)` pairs; unknown or malformed ones are errors
    /// naming the parameter.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut p = SearchParams {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Default::default()
        };
        for (name, raw) in pairs {
            let value = raw.trim();
            let opt = || (!value.is_empty()).then(|| value.to_owned());
            match name {
                "q" => p.q = value.to_owned(),
                "kind" => p.kind = super::code_param(raw),
                "region" => p.region = opt(),
                "department" => p.department = opt(),
                "territory" => p.territory = opt(),
                "naf" => p.naf = opt().map(|n| n.to_ascii_uppercase()),
                "certification" => p.certification = opt(),
                "headcount" => p.headcount = opt(),
                "site_label" => p.site_label = super::code_param(raw),
                "axis" => p.axis = super::code_param(raw),
                "status" => p.status = super::code_param(raw),
                "funder" => p.funder = opt(),
                "near" => p.near = opt(),
                "radius_km" if value.is_empty() => p.radius_km = None,
                "radius_km" => {
                    p.radius_km = Some(value.replace(',', ".").parse().map_err(|_| {
                        AppError::invalid(
                            "radius_km",
                            Problem::NumberInvalid.saying("expected a number of kilometres"),
                        )
                    })?)
                }
                "sort" => {
                    p.sort = SearchSort::parse(raw).ok_or_else(|| {
                        AppError::invalid(
                            "sort",
                            Problem::ValueUnknown.saying("expected relevance, distance or name"),
                        )
                    })?
                }
                "page" if value.is_empty() => {}
                "page" => {
                    p.page = value.parse().map_err(|_| {
                        AppError::invalid(
                            "page",
                            Problem::NumberInvalid.saying("expected a positive integer"),
                        )
                    })?
                }
                "per_page" if value.is_empty() => {}
                "per_page" => {
                    p.per_page = value.parse().map_err(|_| {
                        AppError::invalid(
                            "per_page",
                            Problem::NumberInvalid.saying("expected a positive integer"),
                        )
                    })?
                }
                other => {
                    return Err(AppError::invalid(
                        other,
                        Problem::ParameterUnknown.saying("unknown parameter"),
                    ))
                }
            }
        }
        Ok(p)
    }

    /// Checks ranges; the message names the parameter.
    pub fn validate(&self) -> Result<Option<Near>, AppError> {
        if self.page == 0 {
            return Err(AppError::invalid(
                "page",
                Problem::OutOfRange.saying("pages start at 1"),
            ));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(AppError::invalid(
                "per_page",
                Problem::OutOfRange.saying(format!("between 1 and {MAX_PER_PAGE}")),
            ));
        }
        // Deep pages cost a heap of every earlier result: refine the search instead. The
        // bound is on the page alone (whatever its size), so a client knows it in advance.
        if self.page > MAX_PAGE {
            return Err(AppError::invalid(
                "page",
                Problem::OutOfRange.saying(format!(
                    "pages go up to {MAX_PAGE} (results beyond the first {MAX_DEPTH} are not served); add filters"
                )),
            ));
        }
        let known = |value: Option<&str>, mut codes: Box<dyn Iterator<Item = &str>>| {
            value.is_none_or(|v| codes.any(|c| c == v))
        };
        if !known(self.kind.as_deref(), Box::new(result_kinds())) {
            let expected = result_kinds().collect::<Vec<_>>().join(", ");
            return Err(AppError::invalid(
                "kind",
                Problem::KindInvalid.saying(format!("expected one of {expected}")),
            ));
        }
        if !known(self.site_label.as_deref(), Box::new(site_labels())) {
            let expected = site_labels().collect::<Vec<_>>().join(", ");
            return Err(AppError::invalid(
                "site_label",
                Problem::ValueUnknown.saying(format!("expected one of {expected}")),
            ));
        }
        if self
            .axis
            .as_deref()
            .is_some_and(|a| crate::domain::theme::Axis::parse(a).is_none())
        {
            return Err(AppError::invalid(
                "axis",
                Problem::AxisInvalid.saying("expected attirer, recruter, innover or simplifier"),
            ));
        }
        if self.status.as_deref().is_some_and(|s| {
            crate::domain::action_sheet::SheetStatus::parse(s)
                .is_none_or(|s| s == crate::domain::action_sheet::SheetStatus::Draft)
        }) {
            return Err(AppError::invalid(
                "status",
                Problem::ValueUnknown.saying("expected a fiche-action's status (not draft)"),
            ));
        }
        if self
            .funder
            .as_deref()
            .is_some_and(|k| !super::action_sheets::funder_key_valid(k) || k == "porteur")
        {
            return Err(AppError::invalid(
                "funder",
                Problem::ValueInvalid
                    .saying("expected organisation:ID, region:CODE, state:CODE or epci:SIREN"),
            ));
        }
        if let Some(problem) = crate::error::query_problem(&self.q) {
            return Err(AppError::Invalid(vec![problem]));
        }
        if let Some(r) = self.radius_km {
            if !(0.0..=MAX_RADIUS_KM).contains(&r) || r.is_nan() {
                return Err(AppError::invalid(
                    "radius_km",
                    Problem::RadiusInvalid.saying(format!("between 0 and {MAX_RADIUS_KM} km")),
                ));
            }
            if self.near.is_none() {
                return Err(AppError::invalid(
                    "radius_km",
                    Problem::ValueInvalid.saying("needs near (a commune or lat,lon)"),
                ));
            }
        }
        let near = match &self.near {
            Some(n) => Some(
                Near::parse(n)
                    .map_err(|m| AppError::invalid("near", Problem::ValueInvalid.saying(m)))?,
            ),
            None => None,
        };
        if self.sort == SearchSort::Distance && near.is_none() {
            return Err(AppError::invalid(
                "sort",
                Problem::ValueUnknown.saying("sorting by distance needs near"),
            ));
        }
        Ok(near)
    }

    /// The query string of these parameters (page 1 and defaults omitted).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if !self.q.is_empty() {
            parts.push(("q".into(), self.q.clone()));
        }
        for (name, value) in [
            ("kind", &self.kind),
            ("region", &self.region),
            ("department", &self.department),
            ("territory", &self.territory),
            ("naf", &self.naf),
            ("certification", &self.certification),
            ("headcount", &self.headcount),
            ("site_label", &self.site_label),
            ("axis", &self.axis),
            ("status", &self.status),
            ("funder", &self.funder),
            ("near", &self.near),
        ] {
            if let Some(v) = value {
                parts.push((name.into(), v.clone()));
            }
        }
        if let Some(r) = self.radius_km {
            parts.push(("radius_km".into(), format!("{r}")));
        }
        if self.sort != SearchSort::Relevance {
            parts.push(("sort".into(), self.sort.code().into()));
        }
        if self.page > 1 {
            parts.push(("page".into(), self.page.to_string()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            parts.push(("per_page".into(), self.per_page.to_string()));
        }
        parts
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The value of one filter.
    pub fn filter(&self, name: &str) -> Option<&str> {
        match name {
            "kind" => self.kind.as_deref(),
            "region" => self.region.as_deref(),
            "department" => self.department.as_deref(),
            "territory" => self.territory.as_deref(),
            "naf" => self.naf.as_deref(),
            "certification" => self.certification.as_deref(),
            "headcount" => self.headcount.as_deref(),
            "site_label" => self.site_label.as_deref(),
            "axis" => self.axis.as_deref(),
            "status" => self.status.as_deref(),
            "funder" => self.funder.as_deref(),
            _ => None,
        }
    }

    /// A copy with one filter set (or cleared), back on page 1.
    pub fn with_filter(&self, name: &str, value: Option<String>) -> SearchParams {
        let mut p = self.clone();
        p.page = 1;
        let slot = match name {
            "kind" => &mut p.kind,
            "region" => &mut p.region,
            "department" => &mut p.department,
            "territory" => &mut p.territory,
            "naf" => &mut p.naf,
            "certification" => &mut p.certification,
            "headcount" => &mut p.headcount,
            "site_label" => &mut p.site_label,
            "axis" => &mut p.axis,
            "status" => &mut p.status,
            "funder" => &mut p.funder,
            _ => return p,
        };
        *slot = value;
        p
    }
}

/// The SIRET a search's words are, if they are one: 14 digits once spaces are removed (no
/// check digit required: a search finds what is recorded).
pub fn siret_in(q: &str) -> Option<String> {
    let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept, space as `+`).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `firm`, `cluster`, `pole`, `district`, `operator` or `land_site`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    pub commune: Option<String>,
    pub territory: Option<String>,
    pub territory_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub score: f32,
    /// HTML with the matched words in `<b>`; the text is escaped.
    pub snippet: String,
    /// Position on the national map (the home page's SVG coordinates).
    pub map_x: Option<f64>,
    pub map_y: Option<f64>,
}

/// One value of a facet with its count in the current results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// A page of results with the facets of the whole result set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub hits: Vec<SearchHit>,
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// Searches the network (server function behind `/recherche`).
#[server]
pub async fn search_network(params: SearchParams) -> Result<SearchResults, AppError> {
    let near = params.validate().map_err(AppError::served)?;
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .search
        .search(&params, near.as_ref(), &viewer)
        .await?)
}

/// Which list the values offered to a field while a person types come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChoiceList {
    /// Communes, by name, postal code or INSEE code.
    Communes,
    /// NAF activities, by the words of their labels, added to the codes already typed.
    Activities,
    /// ESCO skills, by the words of their French labels, for the last item of a `;`-separated
    /// list of capabilities (the items before it kept).
    Capabilities,
}

/// A value offered to a field: what the field would hold, and what the person reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The values to offer while a person types `typed` in a field of `list`.
#[server]
pub async fn get_choices(list: ChoiceList, typed: String) -> Result<Vec<Choice>, AppError> {
    if typed.trim().chars().count() < 2 || typed.chars().count() > 200 {
        return Ok(Vec::new());
    }
    Ok(crate::ports::services()?
        .search
        .choices(list, &typed)
        .await?)
}

/// Up to 8 names starting like `prefix`, for the search box's suggestions.
#[server]
pub async fn suggest_names(prefix: String) -> Result<Vec<String>, AppError> {
    if prefix.chars().count() > 100 {
        return Ok(Vec::new());
    }
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .search
        .suggest(&prefix, &viewer)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_round_trip_through_the_query_string() {
        let p = SearchParams::from_pairs([
            ("q", "usinage titane"),
            ("near", "74081"),
            ("radius_km", "40"),
            ("certification", "EN 9100"),
            ("sort", "distance"),
        ]);
        let p = p.unwrap_or_default();
        assert_eq!(
            p.to_query(),
            "q=usinage+titane&certification=EN+9100&near=74081&radius_km=40&sort=distance"
        );
        assert!(p.validate().is_ok());
    }

    #[test]
    fn bad_parameters_name_themselves() {
        let field = |pairs: &[(&str, &str)]| {
            let r = SearchParams::from_pairs(pairs.iter().copied())
                .and_then(|p| p.validate().map(|_| ()));
            match r {
                Err(AppError::Invalid(f)) => f[0].field.clone(),
                other => format!("{other:?}"),
            }
        };
        assert_eq!(
            field(&[("near", "74081"), ("radius_km", "-1")]),
            "radius_km"
        );
        assert_eq!(
            field(&[("near", "74081"), ("radius_km", "501")]),
            "radius_km"
        );
        assert_eq!(field(&[("near", "91,2")]), "near");
        assert_eq!(field(&[("near", "7408")]), "near");
        assert_eq!(field(&[("per_page", "101")]), "per_page");
        assert_eq!(field(&[("colour", "red")]), "colour");
        assert_eq!(field(&[("sort", "distance")]), "sort");
    }
}
