//! Firms and land sites as the CSV import and the forms receive them: validated into records
//! whose every field is well-formed. Whether a NAF code or a commune exists is checked by the
//! server against the reference tables; the shape is checked here, in the browser too.

use super::ids::{InseeCode, NafCode, Siret};
use crate::error::{FieldError, Problem};
use serde::{Deserialize, Serialize};

/// A problem with one column of one input row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnError {
    pub column: &'static str,
    /// What a form shows beside the field (in the reader's language).
    pub problem: Problem,
    /// The precise account, in English, as the CSV import and API clients read it.
    pub reason: String,
}

impl ColumnError {
    fn new(column: &'static str, problem: Problem, reason: impl Into<String>) -> Self {
        ColumnError {
            column,
            problem,
            reason: reason.into(),
        }
    }
}

impl From<ColumnError> for FieldError {
    fn from(e: ColumnError) -> FieldError {
        FieldError::new(e.column, e.problem.saying(e.reason))
    }
}

/// INSEE headcount bands (tranches d'effectifs salariés).
pub const HEADCOUNT_BANDS: &[(&str, &str, &str)] = &[
    ("NN", "non employeur", "no employees (non-employer)"),
    ("00", "0 salarié", "0 employees"),
    ("01", "1 ou 2 salariés", "1-2 employees"),
    ("02", "3 à 5 salariés", "3-5 employees"),
    ("03", "6 à 9 salariés", "6-9 employees"),
    ("11", "10 à 19 salariés", "10-19 employees"),
    ("12", "20 à 49 salariés", "20-49 employees"),
    ("21", "50 à 99 salariés", "50-99 employees"),
    ("22", "100 à 199 salariés", "100-199 employees"),
    ("31", "200 à 249 salariés", "200-249 employees"),
    ("32", "250 à 499 salariés", "250-499 employees"),
    ("41", "500 à 999 salariés", "500-999 employees"),
    ("42", "1 000 à 1 999 salariés", "1,000-1,999 employees"),
    ("51", "2 000 à 4 999 salariés", "2,000-4,999 employees"),
    ("52", "5 000 à 9 999 salariés", "5,000-9,999 employees"),
    ("53", "10 000 salariés et plus", "10,000 employees or more"),
];

/// The (French, English) label of a headcount band code.
pub fn headcount_label(code: &str) -> Option<(&'static str, &'static str)> {
    HEADCOUNT_BANDS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| (*fr, *en))
}

/// Splits a `;`-separated list, trimming items and dropping empty ones.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn check_website(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(host) if host.contains('.') && !host.contains(char::is_whitespace) => Ok(s.to_owned()),
        _ => Err("expected an http(s):// address".to_owned()),
    }
}

fn check_email(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    match s.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace) =>
        {
            Ok(s.to_owned())
        }
        _ => Err("not an email address".to_owned()),
    }
}

/// A firm row as read from CSV (`siret,name,naf,commune_insee,headcount_band,description,
/// capabilities,certifications,website,email`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmRow {
    pub siret: String,
    pub name: String,
    pub naf: String,
    pub commune_insee: String,
    pub headcount_band: String,
    pub description: String,
    pub capabilities: String,
    pub certifications: String,
    pub website: String,
    pub email: String,
}

/// The CSV header of firm import and export, in order.
pub const FIRM_COLUMNS: [&str; 10] = [
    "siret",
    "name",
    "naf",
    "commune_insee",
    "headcount_band",
    "description",
    "capabilities",
    "certifications",
    "website",
    "email",
];

/// A validated firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmRecord {
    pub siret: Siret,
    pub name: String,
    pub naf: NafCode,
    pub commune: InseeCode,
    pub headcount_band: Option<String>,
    pub description: String,
    pub capabilities: Vec<String>,
    pub certifications: Vec<String>,
    pub website: String,
    pub email: String,
}

impl FirmRow {
    /// Validates every column, reporting all problems at once.
    pub fn validate(&self) -> Result<FirmRecord, Vec<ColumnError>> {
        let mut errors = Vec::new();
        let siret = Siret::parse(&self.siret)
            .map_err(|e| {
                errors.push(ColumnError::new(
                    "siret",
                    Problem::SiretInvalid,
                    e.to_string(),
                ))
            })
            .ok();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(ColumnError::new("name", Problem::NameRequired, "required"));
        } else if name.chars().count() > 200 {
            errors.push(ColumnError::new(
                "name",
                Problem::NameRequired,
                "longer than 200 characters",
            ));
        }
        let naf = NafCode::parse(&self.naf)
            .map_err(|e| errors.push(ColumnError::new("naf", Problem::NafInvalid, e.to_string())))
            .ok();
        let commune = InseeCode::parse(&self.commune_insee)
            .map_err(|e| {
                errors.push(ColumnError::new(
                    "commune_insee",
                    Problem::CommuneInvalid,
                    e.to_string(),
                ))
            })
            .ok();
        let band = self.headcount_band.trim().to_ascii_uppercase();
        let headcount_band = if band.is_empty() {
            None
        } else if headcount_label(&band).is_some() {
            Some(band)
        } else {
            errors.push(ColumnError::new(
                "headcount_band",
                Problem::SizeInvalid,
                format!("unknown INSEE band {band:?}"),
            ));
            None
        };
        let website = check_website(&self.website)
            .map_err(|e| errors.push(ColumnError::new("website", Problem::ValueInvalid, e)))
            .unwrap_or_default();
        let email = check_email(&self.email)
            .map_err(|e| errors.push(ColumnError::new("email", Problem::EmailInvalid, e)))
            .unwrap_or_default();
        match (siret, naf, commune) {
            (Some(siret), Some(naf), Some(commune)) if errors.is_empty() => Ok(FirmRecord {
                siret,
                name,
                naf,
                commune,
                headcount_band,
                description: self.description.trim().to_owned(),
                capabilities: split_list(&self.capabilities),
                certifications: split_list(&self.certifications),
                website,
                email,
            }),
            _ => Err(errors),
        }
    }
}

impl FirmRecord {
    /// The record as a CSV row, inverse of [`FirmRow::validate`].
    pub fn to_row(&self) -> FirmRow {
        FirmRow {
            siret: self.siret.as_str().to_owned(),
            name: self.name.clone(),
            naf: self.naf.as_str().to_owned(),
            commune_insee: self.commune.as_str().to_owned(),
            headcount_band: self.headcount_band.clone().unwrap_or_default(),
            description: self.description.clone(),
            capabilities: self.capabilities.join(";"),
            certifications: self.certifications.join(";"),
            website: self.website.clone(),
            email: self.email.clone(),
        }
    }
}

/// Availability of a land site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteStatus {
    Available,
    UnderOption,
    Sold,
}

impl SiteStatus {
    pub const ALL: [SiteStatus; 3] = [
        SiteStatus::Available,
        SiteStatus::UnderOption,
        SiteStatus::Sold,
    ];

    pub fn parse(s: &str) -> Option<SiteStatus> {
        match s.trim() {
            "available" | "disponible" => Some(SiteStatus::Available),
            "under_option" | "sous_option" => Some(SiteStatus::UnderOption),
            "sold" | "vendu" => Some(SiteStatus::Sold),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            SiteStatus::Available => "available",
            SiteStatus::UnderOption => "under_option",
            SiteStatus::Sold => "sold",
        }
    }
}

/// The CSV header of land site import, in order.
pub const SITE_COLUMNS: [&str; 18] = [
    "reference",
    "name",
    "commune_insee",
    "area_ha",
    "available_from",
    "status",
    "turnkey",
    "zoning",
    "icpe",
    "seveso",
    "rail",
    "port",
    "motorway",
    "power_mva",
    "price_min_eur_m2",
    "price_max_eur_m2",
    "contact_siret",
    "description",
];

/// A land site row as read from CSV, or sent by the land site form (an unticked box sends
/// nothing, hence the defaults); columns as in [`SITE_COLUMNS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteRow {
    pub reference: String,
    pub name: String,
    pub commune_insee: String,
    pub area_ha: String,
    pub available_from: String,
    pub status: String,
    pub turnkey: String,
    pub zoning: String,
    pub icpe: String,
    pub seveso: String,
    pub rail: String,
    pub port: String,
    pub motorway: String,
    pub power_mva: String,
    pub price_min_eur_m2: String,
    pub price_max_eur_m2: String,
    pub contact_siret: String,
    pub description: String,
}

/// A validated land site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRecord {
    pub reference: String,
    pub name: String,
    pub commune: InseeCode,
    pub area_ha: f64,
    pub available_from: Option<String>,
    pub status: SiteStatus,
    pub turnkey: bool,
    pub zoning: String,
    pub icpe: bool,
    pub seveso: bool,
    pub rail: bool,
    pub port: bool,
    pub motorway: bool,
    pub power_mva: Option<f64>,
    pub price_min_eur_m2: Option<f64>,
    pub price_max_eur_m2: Option<f64>,
    pub contact_siret: Option<Siret>,
    pub description: String,
}

fn parse_bool(column: &'static str, s: &str, errors: &mut Vec<ColumnError>) -> bool {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "non" | "no" => false,
        "1" | "true" | "oui" | "yes" | "on" => true,
        other => {
            errors.push(ColumnError::new(
                column,
                Problem::ValueInvalid,
                format!("expected oui/non, got {other:?}"),
            ));
            false
        }
    }
}

/// A positive number up to `max` (a comma may stand for the decimal point); `None` when blank.
fn parse_number(
    column: &'static str,
    s: &str,
    max: f64,
    errors: &mut Vec<ColumnError>,
) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.replace(',', ".").parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=max).contains(&x) => Some(x),
        Ok(x) if x.is_finite() && x >= 0.0 => {
            errors.push(ColumnError::new(
                column,
                Problem::OutOfRange,
                format!("at most {max}, got {s}"),
            ));
            None
        }
        _ => {
            errors.push(ColumnError::new(
                column,
                Problem::NumberInvalid,
                format!("expected a positive number, got {s:?}"),
            ));
            None
        }
    }
}

/// Bounds of a land site's fields: the largest industrial zones in France cover a few thousand
/// hectares, so these only refuse typing mistakes.
pub const SITE_MAX_AREA_HA: f64 = 100_000.0;
pub const SITE_MAX_POWER_MVA: f64 = 10_000.0;
pub const SITE_MAX_PRICE_EUR_M2: f64 = 100_000.0;
pub const SITE_MAX_NAME: usize = 200;
pub const SITE_MAX_ZONING: usize = 200;
pub const SITE_MAX_DESCRIPTION: usize = 5_000;

/// Whether `s` is a calendar date `YYYY-MM-DD`.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            (1..=days).contains(&d)
        }
        _ => false,
    }
}

impl SiteRow {
    /// Validates every column, reporting all problems at once. The CSV import, the form and
    /// the API go through this one rule.
    pub fn validate(&self) -> Result<SiteRecord, Vec<ColumnError>> {
        let mut errors = Vec::new();
        let reference = self.reference.trim().to_owned();
        if reference.is_empty() || reference.chars().count() > 64 {
            errors.push(ColumnError::new(
                "reference",
                Problem::ReferenceInvalid,
                "required, at most 64 characters",
            ));
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(ColumnError::new("name", Problem::NameRequired, "required"));
        } else if name.chars().count() > SITE_MAX_NAME {
            errors.push(ColumnError::new(
                "name",
                Problem::TextTooLong,
                format!("longer than {SITE_MAX_NAME} characters"),
            ));
        }
        let commune = InseeCode::parse(&self.commune_insee)
            .map_err(|e| {
                errors.push(ColumnError::new(
                    "commune_insee",
                    Problem::CommuneInvalid,
                    e.to_string(),
                ))
            })
            .ok();
        let area_ha = parse_number("area_ha", &self.area_ha, SITE_MAX_AREA_HA, &mut errors);
        if area_ha.is_none() && self.area_ha.trim().is_empty() || area_ha == Some(0.0) {
            errors.push(ColumnError::new(
                "area_ha",
                Problem::SiteAreaInvalid,
                "required, more than 0",
            ));
        }
        let available_from = match self.available_from.trim() {
            "" => None,
            d if is_iso_date(d) => Some(d.to_owned()),
            d => {
                errors.push(ColumnError::new(
                    "available_from",
                    Problem::CalendarDateInvalid,
                    format!("expected YYYY-MM-DD, got {d:?}"),
                ));
                None
            }
        };
        let status = SiteStatus::parse(&self.status);
        if status.is_none() {
            errors.push(ColumnError::new(
                "status",
                Problem::SiteStatusInvalid,
                "expected available, under_option or sold",
            ));
        }
        let turnkey = parse_bool("turnkey", &self.turnkey, &mut errors);
        let zoning = self.zoning.trim().to_owned();
        if zoning.chars().count() > SITE_MAX_ZONING {
            errors.push(ColumnError::new(
                "zoning",
                Problem::TextTooLong,
                format!("longer than {SITE_MAX_ZONING} characters"),
            ));
        }
        let icpe = parse_bool("icpe", &self.icpe, &mut errors);
        let seveso = parse_bool("seveso", &self.seveso, &mut errors);
        let rail = parse_bool("rail", &self.rail, &mut errors);
        let port = parse_bool("port", &self.port, &mut errors);
        let motorway = parse_bool("motorway", &self.motorway, &mut errors);
        let power_mva = parse_number(
            "power_mva",
            &self.power_mva,
            SITE_MAX_POWER_MVA,
            &mut errors,
        );
        let price_min_eur_m2 = parse_number(
            "price_min_eur_m2",
            &self.price_min_eur_m2,
            SITE_MAX_PRICE_EUR_M2,
            &mut errors,
        );
        let price_max_eur_m2 = parse_number(
            "price_max_eur_m2",
            &self.price_max_eur_m2,
            SITE_MAX_PRICE_EUR_M2,
            &mut errors,
        );
        if let (Some(lo), Some(hi)) = (price_min_eur_m2, price_max_eur_m2) {
            if lo > hi {
                errors.push(ColumnError::new(
                    "price_max_eur_m2",
                    Problem::PriceOrder,
                    "lower than price_min_eur_m2",
                ));
            }
        }
        let contact_siret = match self.contact_siret.trim() {
            "" => None,
            s => Siret::parse(s)
                .map_err(|e| {
                    errors.push(ColumnError::new(
                        "contact_siret",
                        Problem::SiretInvalid,
                        e.to_string(),
                    ))
                })
                .ok(),
        };
        let description = self.description.trim().to_owned();
        if description.chars().count() > SITE_MAX_DESCRIPTION {
            errors.push(ColumnError::new(
                "description",
                Problem::TextTooLong,
                format!("longer than {SITE_MAX_DESCRIPTION} characters"),
            ));
        }
        match (commune, area_ha, status) {
            (Some(commune), Some(area_ha), Some(status)) if errors.is_empty() => Ok(SiteRecord {
                reference,
                name,
                commune,
                area_ha,
                available_from,
                status,
                turnkey,
                zoning,
                icpe,
                seveso,
                rail,
                port,
                motorway,
                power_mva,
                price_min_eur_m2,
                price_max_eur_m2,
                contact_siret,
                description,
            }),
            _ => Err(errors),
        }
    }
}

/// A yes or no as a land site row writes it (`oui`, `non`).
pub fn flag_text(b: bool) -> String {
    if b { "oui" } else { "non" }.to_owned()
}

/// A number as a land site row writes it; empty for none.
pub fn number_text(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

impl SiteRecord {
    /// The record as a row of text fields, inverse of [`SiteRow::validate`]: what the edit
    /// form starts from.
    pub fn to_row(&self) -> SiteRow {
        let (flag, number) = (flag_text, number_text);
        SiteRow {
            reference: self.reference.clone(),
            name: self.name.clone(),
            commune_insee: self.commune.as_str().to_owned(),
            area_ha: self.area_ha.to_string(),
            available_from: self.available_from.clone().unwrap_or_default(),
            status: self.status.code().to_owned(),
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
            contact_siret: self
                .contact_siret
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            description: self.description.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm() -> FirmRow {
        FirmRow {
            siret: "12002701600563".into(),
            name: "Décolletage Exemple".into(),
            naf: "25.62A".into(),
            commune_insee: "74081".into(),
            headcount_band: "12".into(),
            description: "Décolletage de précision".into(),
            capabilities: "décolletage; usinage 5 axes ;".into(),
            certifications: "ISO 9001;EN 9100".into(),
            website: "https://exemple.fr".into(),
            email: "contact@exemple.fr".into(),
        }
    }

    #[test]
    fn a_valid_firm_row_round_trips() {
        let record = firm().validate().map_err(|e| format!("{e:?}"));
        let record = record.as_ref().map(|r| {
            (
                r.capabilities.clone(),
                r.to_row().validate().ok() == Some(r.clone()),
            )
        });
        assert_eq!(
            record,
            Ok((
                vec!["décolletage".to_owned(), "usinage 5 axes".to_owned()],
                true
            ))
        );
    }

    #[test]
    fn every_bad_column_is_reported() {
        let row = FirmRow {
            siret: "12002701600564".into(),
            name: " ".into(),
            naf: "25.6".into(),
            commune_insee: "7408".into(),
            headcount_band: "99".into(),
            website: "exemple.fr".into(),
            email: "nobody".into(),
            ..firm()
        };
        let columns: Vec<&str> = row
            .validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.column)
            .collect();
        assert_eq!(
            columns,
            [
                "siret",
                "name",
                "naf",
                "commune_insee",
                "headcount_band",
                "website",
                "email"
            ]
        );
    }

    #[test]
    fn site_rows_check_dates_numbers_and_flags() {
        let row = SiteRow {
            reference: "ZA-1".into(),
            name: "ZA des Prés".into(),
            commune_insee: "01283".into(),
            area_ha: "12,5".into(),
            available_from: "2027-02-29".into(),
            status: "available".into(),
            turnkey: "oui".into(),
            rail: "peut-être".into(),
            price_min_eur_m2: "40".into(),
            price_max_eur_m2: "30".into(),
            ..SiteRow::default()
        };
        let columns: Vec<&str> = row
            .validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.column)
            .collect();
        assert_eq!(columns, ["available_from", "rail", "price_max_eur_m2"]);
        let ok = SiteRow {
            available_from: "2028-02-29".into(),
            rail: "non".into(),
            price_max_eur_m2: "45".into(),
            ..row
        };
        assert_eq!(
            ok.validate().map(|s| (s.area_ha, s.turnkey)),
            Ok((12.5, true))
        );
    }
}

crate::domain::workflow::vocabulary! {
    /// Who may see an organisation's profile.
    OrganisationVisibility {
        Public => "public",
        /// Signed-in members only (firms may choose it).
        Members => "members",
        /// No reader: the national register no longer lists the établissement as active and
        /// publicly diffusible (set by `maillage import sirene` only).
        Withdrawn => "withdrawn",
        /// No reader but its claimant and those who decide: created from a SIRET, waiting
        /// for its claim to be approved.
        Pending => "pending",
    }
}

crate::domain::workflow::vocabulary! {
    /// What an organisation is.
    OrganisationKind {
        Firm => "firm",
        Cluster => "cluster",
        Pole => "pole",
        District => "district",
        Operator => "operator",
    }
}

impl OrganisationKind {
    /// Whether a person may ask this organisation for contact from its page. A European
    /// district is reached by an exchange between territories instead.
    pub fn takes_contacts(self) -> bool {
        !matches!(self, OrganisationKind::District)
    }
}

crate::domain::workflow::vocabulary! {
    /// Who writes, asks or is asked: the author of an annonce or a practice, a side of a
    /// contact or an exchange, a supporter of a proposal.
    PartyKind {
        Organisation => "organisation",
        Territory => "territory",
        /// A European district (an organisation of that kind, named as such in exchanges
        /// and practices).
        District => "district",
    }
}
