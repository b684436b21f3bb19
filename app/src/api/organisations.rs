//! Organisations and land sites: list, filter, page; the shapes are also the JSON API's.

use crate::error::{AppError, FieldError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Largest page the lists and the API serve.
pub const MAX_PER_PAGE: u64 = 100;

/// Organisation kinds.
pub const KINDS: [&str; 5] = ["firm", "cluster", "pole", "district", "operator"];

/// Sort orders of organisation lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OrganisationSort {
    #[default]
    Name,
    Commune,
    Headcount,
}

impl OrganisationSort {
    /// From the URL's `tri` value (French) or the API's `sort` value (English).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "nom" | "name" => Some(OrganisationSort::Name),
            "commune" => Some(OrganisationSort::Commune),
            "effectif" | "headcount" => Some(OrganisationSort::Headcount),
            _ => None,
        }
    }
    pub fn url_value(self) -> &'static str {
        match self {
            OrganisationSort::Name => "nom",
            OrganisationSort::Commune => "commune",
            OrganisationSort::Headcount => "effectif",
        }
    }
}

/// Which organisations to list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrganisationFilter {
    pub kind: Option<String>,
    pub territory: Option<String>,
    /// A NAF code prefix: division `25`, group `25.6`, class `25.62` or sub-class `25.62A`.
    pub naf: Option<String>,
    pub sort: OrganisationSort,
    pub page: u64,
    pub per_page: u64,
}

impl OrganisationFilter {
    /// Checks the filter, naming each bad parameter.
    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(kind) = &self.kind {
            if !KINDS.contains(&kind.as_str()) {
                return Err(AppError::invalid(
                    "kind",
                    Problem::KindInvalid.saying(format!("expected one of {}", KINDS.join(", "))),
                ));
            }
        }
        if let Some(t) = &self.territory {
            crate::domain::ids::TerritoryId::parse(t).map_err(|e| {
                AppError::invalid("territory", Problem::ValueInvalid.saying(e.to_string()))
            })?;
        }
        if let Some(naf) = &self.naf {
            let ok = naf.len() <= 6
                && naf
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c.is_ascii_uppercase())
                && naf.chars().take(2).all(|c| c.is_ascii_digit());
            if !ok || naf.len() < 2 {
                return Err(AppError::invalid(
                    "naf",
                    Problem::NafInvalid
                        .saying("expected a NAF code or prefix such as 25, 25.62 or 25.62A"),
                ));
            }
        }
        if self.page == 0 || self.page > crate::error::MAX_PAGE {
            return Err(AppError::invalid(
                "page",
                Problem::OutOfRange.saying("expected a page number from 1 to 10000"),
            ));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(AppError::invalid(
                "per_page",
                Problem::OutOfRange.saying(format!("between 1 and {MAX_PER_PAGE}")),
            ));
        }
        Ok(())
    }
}

/// An organisation in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationSummary {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub siret: Option<String>,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    pub commune_insee: Option<String>,
    pub commune: Option<String>,
    pub territory_id: Option<String>,
    pub territory: Option<String>,
    pub headcount_band: Option<String>,
    pub is_demo: bool,
}

/// One page of organisations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<OrganisationSummary>,
}

/// How many firms of a territory belong to one NAF division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionCount {
    pub code: String,
    pub label: String,
    pub count: u64,
}

/// A land site in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandSiteSummary {
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub area_ha: f64,
    pub status: String,
    pub turnkey: bool,
    pub available_from: Option<String>,
    pub is_demo: bool,
}

/// One page of land sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandSiteList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<LandSiteSummary>,
}

/// A land site in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LandSiteDetail {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub commune_insee: String,
    pub commune: String,
    /// The territory of its commune, as `[id, name]`.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<String>>))]
    pub territory: Option<(String, String)>,
    pub area_ha: f64,
    pub available_from: Option<String>,
    pub status: String,
    pub turnkey: bool,
    pub zoning: String,
    pub icpe_compatible: bool,
    pub seveso_compatible: bool,
    pub rail_access: bool,
    pub port_access: bool,
    pub motorway_access: bool,
    pub power_mva: Option<f64>,
    pub price_min_eur_m2: Option<f64>,
    pub price_max_eur_m2: Option<f64>,
    /// The organisation to contact, as `[id, name]`, when the reader may see it.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<serde_json::Value>>))]
    pub contact: Option<(i64, String)>,
    pub description: String,
    pub is_demo: bool,
}

/// A land site as the JSON API creates it (`POST /api/v1/land-sites`): the fields of the CSV
/// import (`maillage import sites`), typed, under the same names and through the same
/// validation. `reference` left blank is given one (`MS-{commune}-{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LandSiteDraft {
    /// The land observatory's reference, unique; blank: Maillage gives one.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 64))]
    pub reference: String,
    #[cfg_attr(
        feature = "ssr",
        schema(
            max_length = 200,
            pattern = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: String,
    /// The INSEE code of a commune.
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:[0-9]{2}|2[AB])[0-9]{3}$"))]
    pub commune_insee: String,
    #[cfg_attr(feature = "ssr", schema(exclusive_minimum = 0, maximum = 100000))]
    pub area_ha: f64,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub available_from: Option<String>,
    /// `available`, `under_option` or `sold` (or, as in the CSV import, `disponible`,
    /// `sous_option`, `vendu`).
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:available|under_option|sold|disponible|sous_option|vendu)$")
    )]
    pub status: String,
    #[serde(default)]
    pub turnkey: bool,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub zoning: String,
    #[serde(default)]
    pub icpe: bool,
    #[serde(default)]
    pub seveso: bool,
    #[serde(default)]
    pub rail: bool,
    #[serde(default)]
    pub port: bool,
    #[serde(default)]
    pub motorway: bool,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 10000))]
    pub power_mva: Option<f64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 100000))]
    pub price_min_eur_m2: Option<f64>,
    /// Not below `price_min_eur_m2`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 100000))]
    pub price_max_eur_m2: Option<f64>,
    /// The SIRET of the organisation to contact (owner or developer), one on Maillage.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[0-9]{14}$"))]
    pub contact_siret: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 5000))]
    pub description: String,
}

use crate::domain::organisation::{flag_text as flag, number_text as number};

/// What the JSON API takes exactly as its document says, where the form is lenient: a
/// commune as its INSEE code (the form also takes a name or a postal code), a SIRET and a
/// date as they are written, without spaces.
fn strict_problems(
    commune: Option<&str>,
    siret: Option<&str>,
    date: Option<&str>,
) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let insee = |c: &str| {
        let b = c.as_bytes();
        b.len() == 5
            && (b[..2].iter().all(u8::is_ascii_digit) || matches!(&b[..2], b"2A" | b"2B"))
            && b[2..].iter().all(u8::is_ascii_digit)
    };
    if commune.is_some_and(|c| !insee(c)) {
        problems.push(FieldError::new(
            "commune_insee",
            Problem::CommuneInvalid.saying("an INSEE code of 5 characters"),
        ));
    }
    if siret.is_some_and(|s| s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit())) {
        problems.push(FieldError::new(
            "contact_siret",
            Problem::SiretInvalid.saying("14 digits"),
        ));
    }
    if date.is_some_and(|d| !crate::domain::organisation::is_iso_date(d)) {
        problems.push(FieldError::new(
            "available_from",
            Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
        ));
    }
    problems
}

/// The API's refusal of a site it does not take as sent: the strict problems, and beside them
/// every other problem the one validation finds in `row`, so that one answer names them all.
fn refused_strictly(
    strict: Vec<FieldError>,
    row: &crate::domain::organisation::SiteRow,
) -> Result<(), Vec<FieldError>> {
    if strict.is_empty() {
        return Ok(());
    }
    let mut all = strict;
    for e in row.validate().err().unwrap_or_default() {
        if !all.iter().any(|p| p.field == e.column) {
            all.push(e.into());
        }
    }
    Err(all)
}

impl LandSiteDraft {
    /// Problems of form the API refuses before the one validation (see [`strict_problems`]).
    pub fn strict(&self) -> Result<(), Vec<FieldError>> {
        let problems = strict_problems(
            Some(&self.commune_insee),
            self.contact_siret.as_deref(),
            self.available_from.as_deref(),
        );
        refused_strictly(problems, &self.to_row())
    }

    /// The row the one validation reads (`SiteRow::validate`).
    pub fn to_row(&self) -> crate::domain::organisation::SiteRow {
        crate::domain::organisation::SiteRow {
            reference: self.reference.clone(),
            name: self.name.clone(),
            commune_insee: self.commune_insee.clone(),
            area_ha: self.area_ha.to_string(),
            available_from: self.available_from.clone().unwrap_or_default(),
            status: self.status.clone(),
            turnkey: flag(self.turnkey),
            zoning: self.zoning.clone(),
            icpe: flag(self.icpe),
            seveso: flag(self.seveso),
            rail: flag(self.rail),
            port: flag(self.port),
            motorway: flag(self.motorway),
            power_mva: number(self.power_mva),
            price_min_eur_m2: number(self.price_min_eur_m2),
            price_max_eur_m2: number(self.price_max_eur_m2),
            contact_siret: self.contact_siret.clone().unwrap_or_default(),
            description: self.description.clone(),
        }
    }
}

/// Tells a field sent as `null` (`Some(None)`: clear it) from one not sent (`None`: keep it).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change of some fields of a land site (`PATCH /api/v1/land-sites/{id}`): what is absent
/// keeps its value, `null` clears an optional field. Its reference does not change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LandSitePatch {
    #[cfg_attr(
        feature = "ssr",
        schema(
            max_length = 200,
            pattern = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:[0-9]{2}|2[AB])[0-9]{3}$"))]
    pub commune_insee: Option<String>,
    #[cfg_attr(feature = "ssr", schema(exclusive_minimum = 0, maximum = 100000))]
    pub area_ha: Option<f64>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub available_from: Option<Option<String>>,
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:available|under_option|sold|disponible|sous_option|vendu)$")
    )]
    pub status: Option<String>,
    pub turnkey: Option<bool>,
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub zoning: Option<String>,
    pub icpe: Option<bool>,
    pub seveso: Option<bool>,
    pub rail: Option<bool>,
    pub port: Option<bool>,
    pub motorway: Option<bool>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<f64>, minimum = 0, maximum = 10000))]
    pub power_mva: Option<Option<f64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<f64>, minimum = 0, maximum = 100000))]
    pub price_min_eur_m2: Option<Option<f64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<f64>, minimum = 0, maximum = 100000))]
    pub price_max_eur_m2: Option<Option<f64>>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, pattern = r"^[0-9]{14}$"))]
    pub contact_siret: Option<Option<String>>,
    #[cfg_attr(feature = "ssr", schema(max_length = 5000))]
    pub description: Option<String>,
}

impl LandSitePatch {
    /// Problems of form the API refuses before the one validation (see [`strict_problems`]);
    /// `site` is what the patch makes of the site.
    pub fn strict(
        &self,
        site: &crate::domain::organisation::SiteRow,
    ) -> Result<(), Vec<FieldError>> {
        let problems = strict_problems(
            self.commune_insee.as_deref(),
            self.contact_siret.as_ref().and_then(|s| s.as_deref()),
            self.available_from.as_ref().and_then(|d| d.as_deref()),
        );
        refused_strictly(problems, site)
    }

    /// The whole site this patch makes of `current`, for the one validation.
    pub fn over(
        &self,
        current: crate::domain::organisation::SiteRow,
    ) -> crate::domain::organisation::SiteRow {
        let text = |patch: &Option<String>, now: String| patch.clone().unwrap_or(now);
        let yes = |patch: Option<bool>, now: String| patch.map(flag).unwrap_or(now);
        let num = |patch: Option<Option<f64>>, now: String| patch.map(number).unwrap_or(now);
        crate::domain::organisation::SiteRow {
            reference: current.reference,
            name: text(&self.name, current.name),
            commune_insee: text(&self.commune_insee, current.commune_insee),
            area_ha: self
                .area_ha
                .map(|a| a.to_string())
                .unwrap_or(current.area_ha),
            available_from: match &self.available_from {
                Some(d) => d.clone().unwrap_or_default(),
                None => current.available_from,
            },
            status: text(&self.status, current.status),
            turnkey: yes(self.turnkey, current.turnkey),
            zoning: text(&self.zoning, current.zoning),
            icpe: yes(self.icpe, current.icpe),
            seveso: yes(self.seveso, current.seveso),
            rail: yes(self.rail, current.rail),
            port: yes(self.port, current.port),
            motorway: yes(self.motorway, current.motorway),
            power_mva: num(self.power_mva, current.power_mva),
            price_min_eur_m2: num(self.price_min_eur_m2, current.price_min_eur_m2),
            price_max_eur_m2: num(self.price_max_eur_m2, current.price_max_eur_m2),
            contact_siret: match &self.contact_siret {
                Some(s) => s.clone().unwrap_or_default(),
                None => current.contact_siret,
            },
            description: text(&self.description, current.description),
        }
    }
}

/// A land site as its edit form starts: its fields as text, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandSiteForm {
    pub id: i64,
    pub row: crate::domain::organisation::SiteRow,
}

/// A land site's fields for its edit form, for those who may write it.
#[server]
pub async fn get_land_site_form(id: i64) -> Result<LandSiteForm, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    let row = services()?.directory.land_site_row(&viewer, id).await?;
    Ok(LandSiteForm { id, row })
}

#[cfg(feature = "ssr")]
use crate::ports::services;

/// A page of organisations.
#[server]
pub async fn list_organisations(filter: OrganisationFilter) -> Result<OrganisationList, AppError> {
    filter.validate().map_err(AppError::served)?;
    let viewer = crate::ports::Who::current().viewer;
    Ok(services()?
        .directory
        .organisations(&filter, &viewer)
        .await?)
}

/// Firm counts by NAF division in a territory, largest first.
#[server]
pub async fn territory_divisions(territory: String) -> Result<Vec<DivisionCount>, AppError> {
    let id = crate::domain::ids::TerritoryId::parse(&territory).map_err(|_| AppError::NotFound)?;
    let viewer = crate::ports::Who::current().viewer;
    Ok(services()?.directory.division_counts(&id, &viewer).await?)
}

/// A page of a territory's land sites.
#[server]
pub async fn list_land_sites(territory: String, page: u64) -> Result<LandSiteList, AppError> {
    let id = crate::domain::ids::TerritoryId::parse(&territory).map_err(|_| AppError::NotFound)?;
    if !(1..=crate::error::MAX_PAGE).contains(&page) {
        return Err(AppError::invalid(
            "page",
            Problem::OutOfRange.saying("expected a page number from 1 to 10000"),
        )
        .served());
    }
    Ok(services()?.directory.land_sites(&id, page, 10).await?)
}

/// One land site.
#[server]
pub async fn get_land_site(id: i64) -> Result<LandSiteDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(services()?.directory.land_site(id, &viewer).await?)
}

/// The editable part of an organisation's profile, as its form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganisationEdit {
    pub name: String,
    pub description: String,
    /// `;`-separated.
    pub capabilities: String,
    pub certifications: String,
    pub markets: String,
    pub website: String,
    pub email: String,
    /// `public` or `members` (only signed-in members see the organisation); empty keeps it.
    pub visibility: String,
}

/// A change of some fields of an organisation's profile (`PATCH /api/v1/organisations/{id}`):
/// what is absent keeps its value; lists are JSON arrays.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationPatch {
    /// At most 200 characters, not blank.
    #[cfg_attr(
        feature = "ssr",
        schema(
            max_length = 200,
            pattern = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(max_length = 5000))]
    pub description: Option<String>,
    /// Items without `;` (the separator of the form's lists).
    #[cfg_attr(feature = "ssr", schema(inline, value_type = Option<Vec<Item>>))]
    pub capabilities: Option<Vec<String>>,
    #[cfg_attr(feature = "ssr", schema(inline, value_type = Option<Vec<Item>>))]
    pub certifications: Option<Vec<String>>,
    #[cfg_attr(feature = "ssr", schema(inline, value_type = Option<Vec<Item>>))]
    pub markets: Option<Vec<String>>,
    /// Empty, or `http(s)://` and a host with a dot.
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^(?:https?://[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\.[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?$"
        )
    )]
    pub website: Option<String>,
    /// Empty, or an address with a dotted domain.
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^(?:[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000@]+@[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000.][^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\.[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000.])?$"
        )
    )]
    pub email: Option<String>,
    /// `public` or `members` (members-only is for firms).
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:public|members)$"))]
    pub visibility: Option<String>,
}

/// An item of a profile's list, as the JSON API takes it.
#[cfg(feature = "ssr")]
#[derive(utoipa::ToSchema)]
#[schema(pattern = r"^[^;]*$", max_length = 200)]
#[allow(dead_code)]
struct Item(String);

impl OrganisationPatch {
    /// The whole edit this patch makes of `current`, for the one validation every edit goes
    /// through. A list item may not hold the `;` that separates a form's items.
    pub fn over(
        &self,
        current: &crate::api::directory::OrganisationDetail,
    ) -> Result<OrganisationEdit, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut list = |field: &str, patch: &Option<Vec<String>>, now: &[String]| {
            let items = patch.as_deref().unwrap_or(now);
            if items.iter().any(|i| i.contains(';')) {
                problems.push(FieldError::new(
                    field,
                    Problem::ItemTooLong.saying("an item holds a ';'"),
                ));
            }
            items.join("; ")
        };
        let edit = OrganisationEdit {
            capabilities: list("capabilities", &self.capabilities, &current.capabilities),
            certifications: list(
                "certifications",
                &self.certifications,
                &current.certifications,
            ),
            markets: list("markets", &self.markets, &current.markets),
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
            website: self
                .website
                .clone()
                .unwrap_or_else(|| current.website.clone()),
            email: self.email.clone().unwrap_or_else(|| current.email.clone()),
            visibility: self.visibility.clone().unwrap_or_default(),
        };
        if problems.is_empty() {
            Ok(edit)
        } else {
            Err(problems)
        }
    }
}

/// Who may see an organisation.
pub const ORGANISATION_VISIBILITIES: [&str; 2] = ["public", "members"];

/// A validated organisation edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEdit {
    pub name: String,
    pub description: String,
    pub capabilities: Vec<String>,
    pub certifications: Vec<String>,
    pub markets: Vec<String>,
    pub website: String,
    pub email: String,
    pub visibility: Option<String>,
}

impl OrganisationEdit {
    /// Checks every field, reporting all problems.
    pub fn validate(&self) -> Result<ValidEdit, Vec<crate::error::FieldError>> {
        use crate::domain::organisation::{split_list, FirmRow};
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        match name.chars().count() {
            0 => errors.push(FieldError::new("name", Problem::NameRequired)),
            1..=200 => {}
            _ => errors.push(FieldError::new("name", Problem::TextTooLong)),
        }
        if self.description.chars().count() > 5_000 {
            errors.push(FieldError::new("description", Problem::TextTooLong));
        }
        // The same rules as the CSV import for website and email.
        let probe = FirmRow {
            website: self.website.clone(),
            email: self.email.clone(),
            ..Default::default()
        };
        if let Err(e) = probe.validate() {
            for c in e
                .into_iter()
                .filter(|c| c.column == "website" || c.column == "email")
            {
                errors.push(c.into());
            }
        }
        let visibility = match self.visibility.trim() {
            "" => None,
            v if ORGANISATION_VISIBILITIES.contains(&v) => Some(v.to_owned()),
            _ => {
                errors.push(FieldError::new("visibility", Problem::VisibilityInvalid));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidEdit {
            visibility,
            name,
            description: self.description.trim().to_owned(),
            capabilities: split_list(&self.capabilities),
            certifications: split_list(&self.certifications),
            markets: split_list(&self.markets),
            website: self.website.trim().to_owned(),
            email: self.email.trim().to_owned(),
        })
    }
}
