//! The territorial directory's data shapes and server functions.
//!
//! These structs are also the JSON API's response bodies (`/api/v1/territories`), so the
//! page and the API cannot drift apart.

use crate::domain::theme::{Axis, Theme};
use crate::error::{AppError, FieldError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One territory on the national map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapTerritory {
    pub id: String,
    pub name: String,
    pub path: String,
}

/// Key figures of the home page, computed from the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub territory_count: u64,
    /// Intercommunal members: EPCI and the Grand Paris' établissements publics territoriaux.
    pub epci_count: u64,
    /// Of which établissements publics territoriaux.
    pub ept_count: u64,
    /// Communes that are members on their own (outside any intercommunal member).
    pub single_commune_count: u64,
    pub commune_count: u64,
    pub population: u64,
    pub region_count: u64,
    pub pole_count: u64,
    pub district_count: u64,
    /// Demonstration firms present: the home page says so.
    pub demo_firm_count: u64,
    pub map_width: f64,
    pub map_height: f64,
    pub map: Vec<MapTerritory>,
}

/// A region's part of a territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegionShare {
    pub code: String,
    pub name: String,
    pub communes: u64,
    pub lead: bool,
}

/// A region: INSEE code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegionRef {
    pub code: String,
    pub name: String,
}

/// A territory in lists and in `GET /api/v1/territories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritorySummary {
    pub id: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub departments: Vec<String>,
    /// Intercommunal members (EPCI, EPT); communes that are members on their own are
    /// `single_commune_count`.
    pub epci_count: u64,
    pub single_commune_count: u64,
    pub population: u64,
}

/// A member of a territory: an EPCI, a Paris-area EPT or a single commune.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritoryMember {
    pub siren: String,
    pub name: String,
    /// `EPCI`, `EPT` or `COMMUNE`.
    pub kind: String,
    pub departments: Vec<String>,
    pub population: u64,
}

/// A department: code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    pub code: String,
    pub name: String,
}

/// A pôle in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PoleSummary {
    pub id: i64,
    pub name: String,
    pub themes: String,
    pub region_code: String,
    pub region_name: String,
    pub seat: String,
}

/// A European district in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DistrictSummary {
    pub id: i64,
    pub name: String,
    pub country_code: String,
    pub nuts_code: String,
    pub nuts_label: String,
    pub specialisation_fr: String,
    pub specialisation_en: String,
}

/// Brownfields recorded by Cartofriches in the territory's communes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BrownfieldFigures {
    pub sites: u64,
    pub surface_ha: f64,
    pub communes: u64,
}

/// One territory in full, for its page and `GET /api/v1/territories/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritoryDetail {
    pub id: String,
    pub name: String,
    /// The lead region, the one the programme attributes the territory to.
    pub region: RegionRef,
    /// Every region it has communes in, the lead first, with their communes counted: an
    /// interregional territory has two (every region concerned takes part; the lead decides).
    pub regions: Vec<RegionShare>,
    pub departments: Vec<DepartmentRef>,
    pub population: u64,
    pub commune_count: u64,
    pub members: Vec<TerritoryMember>,
    pub outline_path: String,
    pub outline_viewbox: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub poles: Vec<PoleSummary>,
    pub brownfields: BrownfieldFigures,
    /// What the territory team says of it, once written.
    pub profile: Option<TerritoryProfile>,
}

/// A territory team's presentation, axes, strengths and needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritoryProfile {
    pub presentation: String,
    /// Among [`AXES`].
    pub axes: Vec<String>,
    pub strengths: String,
    pub needs_skills: String,
    pub needs_land: String,
    pub needs_housing: String,
    pub needs_mobility: String,
    /// Theme codes ([`crate::domain::theme::Theme`]).
    #[serde(default)]
    pub challenges: Vec<String>,
    pub updated_at: i64,
}

impl TerritoryProfile {
    /// Checks lengths and axes; `updated_at` is set by the server.
    pub fn validate(&self) -> Result<TerritoryProfile, Vec<crate::error::FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, value: &str, max: usize| {
            if value.chars().count() > max {
                errors.push(FieldError::new(field, Problem::TextTooLong));
            }
        };
        check("presentation", &self.presentation, 5_000);
        for (field, value) in [
            ("strengths", &self.strengths),
            ("needs_skills", &self.needs_skills),
            ("needs_land", &self.needs_land),
            ("needs_housing", &self.needs_housing),
            ("needs_mobility", &self.needs_mobility),
        ] {
            check(field, value, 2_000);
        }
        let mut axes: Vec<String> = self
            .axes
            .iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        axes.sort();
        axes.dedup();
        if axes.iter().any(|a| Axis::parse(a).is_none()) {
            errors.push(FieldError::new("axes", Problem::AxisInvalid));
        }
        let mut challenges: Vec<String> = self
            .challenges
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        challenges.sort();
        challenges.dedup();
        if challenges.iter().any(|c| Theme::parse(c).is_none()) {
            errors.push(FieldError::new("challenges", Problem::ChallengeInvalid));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TerritoryProfile {
            challenges,
            presentation: self.presentation.trim().to_owned(),
            axes,
            strengths: self.strengths.trim().to_owned(),
            needs_skills: self.needs_skills.trim().to_owned(),
            needs_land: self.needs_land.trim().to_owned(),
            needs_housing: self.needs_housing.trim().to_owned(),
            needs_mobility: self.needs_mobility.trim().to_owned(),
            updated_at: self.updated_at,
        })
    }
}

/// A NAF/NACE division with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DivisionRef {
    pub code: String,
    pub label: String,
}

/// One organisation of any kind, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationDetail {
    pub id: i64,
    /// `firm`, `cluster`, `pole`, `district` or `operator`.
    pub kind: String,
    pub name: String,
    pub description: String,
    pub description_en: String,
    pub country_code: String,
    pub commune: Option<String>,
    pub region: Option<RegionRef>,
    pub territory: Option<(String, String)>,
    pub nuts_code: Option<String>,
    pub nuts_label: Option<String>,
    /// NACE divisions of a pôle or district's specialisation.
    pub divisions: Vec<DivisionRef>,
    pub languages: Vec<String>,
    pub website: String,
    pub is_demo: bool,
    pub siret: Option<String>,
    /// A firm's NAF sub-class.
    pub naf: Option<DivisionRef>,
    pub commune_insee: Option<String>,
    pub headcount_band: Option<String>,
    pub capabilities: Vec<String>,
    pub certifications: Vec<String>,
    pub markets: Vec<String>,
    pub email: String,
    /// A district's declared challenges (theme codes, see `domain::theme::Theme`) and contact.
    #[serde(default)]
    pub challenges: Vec<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
    /// `public` or `members`.
    pub visibility: String,
}

#[cfg(feature = "ssr")]
use crate::ports::services;

/// Key figures and the national map for the home page.
#[server]
pub async fn get_overview() -> Result<Overview, AppError> {
    Ok(services()?.directory.overview().await?)
}

/// Every territory, ordered by name.
#[server]
pub async fn list_territories() -> Result<Vec<TerritorySummary>, AppError> {
    Ok(services()?.directory.territories().await?)
}

/// One territory in full.
#[server]
pub async fn get_territory(id: String) -> Result<TerritoryDetail, AppError> {
    use crate::domain::ids::TerritoryId;
    let id = TerritoryId::parse(&id).map_err(|_| {
        if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
            r.set_status(http::StatusCode::NOT_FOUND);
        }
        AppError::NotFound
    })?;
    Ok(services()?.directory.territory(&id).await?)
}

/// One organisation (pôle, district, firm...).
#[server]
pub async fn get_organisation(id: i64) -> Result<OrganisationDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(services()?.directory.organisation(id, &viewer).await?)
}

/// Every pôle de compétitivité.
#[server]
pub async fn list_poles() -> Result<Vec<PoleSummary>, AppError> {
    Ok(services()?.directory.poles().await?)
}

/// Every European district.
#[server]
pub async fn list_districts() -> Result<Vec<DistrictSummary>, AppError> {
    Ok(services()?.directory.districts().await?)
}
