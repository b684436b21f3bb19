//! Claims of organisations: what the "join" pages, the deciders' queue and the JSON API show
//! and take (`domain::claim` holds the rule).

use crate::domain::claim::{ClaimAction, ClaimKind, ClaimStatus};
use crate::domain::ids::Siret;
use crate::domain::organisation::OrganisationKind;
use crate::error::{FieldError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest name, and the longest message to the deciders, in characters.
pub const NAME_MAX: usize = 200;
pub const MESSAGE_MAX: usize = 2_000;
/// The longest reason given with a refusal.
pub const REASON_MAX: usize = 2_000;
/// The most organisations a lookup lists.
pub const FOUND_MAX: usize = 20;

/// The kinds of organisation a person may ask to create: firms and clusters (the programme's
/// operators, pôles and districts come from reference lists).
pub const CREATABLE: [OrganisationKind; 2] = [OrganisationKind::Firm, OrganisationKind::Cluster];

/// An organisation found by someone looking for their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub siret: Option<String>,
    pub commune: Option<String>,
    pub territory: Option<String>,
    /// Whether someone already administers it (then its admins invite, nobody claims).
    pub claimed: bool,
    /// The status of the viewer's own claim of it, if any.
    pub my_claim: Option<String>,
}

/// A claim as its claimant or a decider sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClaimView {
    pub id: i64,
    /// `claim` or `creation`.
    pub kind: String,
    /// `pending`, `approved`, `refused` or `withdrawn`.
    pub status: String,
    pub organisation_id: i64,
    pub organisation: String,
    pub organisation_kind: String,
    pub siret: Option<String>,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    pub commune: Option<String>,
    pub territory_id: Option<String>,
    pub territory: Option<String>,
    pub website: String,
    pub claimant_name: String,
    /// Shown to those who decide (they check it against the firm), and to the claimant.
    pub claimant_email: String,
    pub message: String,
    pub reason: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    /// The steps the reader may take (`approve`, `refuse`, `withdraw`).
    pub actions: Vec<String>,
}

impl ClaimView {
    pub fn status(&self) -> Option<ClaimStatus> {
        ClaimStatus::parse(&self.status)
    }

    pub fn kind(&self) -> Option<ClaimKind> {
        ClaimKind::parse(&self.kind)
    }

    pub fn offers(&self, action: ClaimAction) -> bool {
        self.actions.iter().any(|a| a == action.code())
    }
}

/// What a claim or creation came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClaimOutcome {
    pub claim: ClaimView,
    /// How many deciders (or, once decided, the claimant) will hear of it.
    pub told: u32,
}

/// The claims a person sees: those they decide, and their own.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClaimQueue {
    /// Waiting for the reader's decision, oldest first.
    pub to_decide: Vec<ClaimView>,
    /// Decided lately by the reader's territory or the platform (the last 50).
    pub decided: Vec<ClaimView>,
    /// The reader's own claims, newest first.
    pub mine: Vec<ClaimView>,
}

/// A claim of an organisation the platform holds (form and JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClaimRequest {
    /// What the deciders should know (the claimant's position in the firm, a phone number).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub message: String,
}

/// A request to create an organisation the platform does not hold (form and JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreationRequest {
    /// `firm` (default) or `cluster`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:firm|cluster)?$"))]
    pub kind: String,
    /// 14 digits with a valid check digit (the Luhn key; spaces allowed in forms).
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[0-9]{14}$"))]
    pub siret: String,
    /// At least two characters once trimmed, at most 200.
    #[cfg_attr(feature = "ssr", schema(max_length = 200, pattern = r"^\S[\s\S]*\S$"))]
    pub name: String,
    /// NAF rév. 2 sub-class of the nomenclature (`25.62B` or `2562B`).
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[0-9]{2}\.?[0-9]{2}[A-Za-z]$"))]
    pub naf: String,
    /// The commune as a person types it (name, postal code or INSEE code) that names one.
    #[cfg_attr(feature = "ssr", schema(max_length = 100, pattern = r"\S"))]
    pub commune: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub message: String,
}

/// A creation request with its shape checked; the NAF code and the commune are checked
/// against the reference tables by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCreation {
    pub kind: OrganisationKind,
    pub siret: Siret,
    pub name: String,
    pub naf: String,
    pub commune: String,
    pub message: String,
}

/// A message of at most `MESSAGE_MAX` characters, trimmed.
pub fn valid_message(field: &str, text: &str, problems: &mut Vec<FieldError>) -> String {
    let text = text.trim();
    if text.chars().count() > MESSAGE_MAX {
        problems.push(FieldError::new(field, Problem::TextTooLong));
    }
    text.to_owned()
}

impl CreationRequest {
    /// Every problem of shape, each named by its field.
    pub fn validate(&self) -> Result<ValidCreation, Vec<FieldError>> {
        let mut problems = Vec::new();
        let kind = match self.kind.trim() {
            "" => Some(OrganisationKind::Firm),
            k => OrganisationKind::parse(k).filter(|k| CREATABLE.contains(k)),
        };
        if kind.is_none() {
            problems.push(FieldError::new("kind", Problem::KindInvalid));
        }
        let digits: String = self.siret.chars().filter(|c| !c.is_whitespace()).collect();
        let siret = Siret::parse(&digits).ok();
        if siret.is_none() {
            problems.push(FieldError::new("siret", Problem::SiretInvalid));
        }
        let name = self.name.trim();
        match name.chars().count() {
            0 | 1 => problems.push(FieldError::new("name", Problem::NameRequired)),
            n if n > NAME_MAX => problems.push(FieldError::new("name", Problem::TitleTooLong)),
            _ => {}
        }
        let naf = self.naf.trim();
        let naf = match crate::domain::ids::NafCode::parse(naf) {
            Ok(code) => code.as_str().to_owned(),
            Err(_) => {
                problems.push(FieldError::new("naf", Problem::NafInvalid));
                String::new()
            }
        };
        let commune = self.commune.trim();
        if commune.is_empty() || commune.chars().count() > 100 {
            problems.push(FieldError::new("commune", Problem::CommuneInvalid));
        }
        let message = valid_message("message", &self.message, &mut problems);
        match (kind, siret) {
            (Some(kind), Some(siret)) if problems.is_empty() => Ok(ValidCreation {
                kind,
                siret,
                name: name.to_owned(),
                naf,
                commune: commune.to_owned(),
                message,
            }),
            _ => Err(problems),
        }
    }
}

/// A decision on a claim (form and JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClaimDecision {
    /// `approve`, `refuse` or `withdraw`.
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:approve|refuse|withdraw)$"))]
    pub action: String,
    /// Required to refuse; told to the claimant.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub reason: String,
}

/// What an organisation's page says of claiming it: whether it has an admin, and the
/// reader's own latest claim of it (`None` when signed out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimState {
    pub claimed: bool,
    pub signed_in: bool,
    pub my_claim: Option<String>,
}

#[server]
pub async fn get_claim_state(organisation: i64) -> Result<ClaimState, crate::error::AppError> {
    let viewer = crate::ports::Who::current().viewer;
    let services = crate::ports::services()?;
    let (claimed, my_claim) = services.claims.claim_state(&viewer, organisation).await?;
    Ok(ClaimState {
        claimed,
        signed_in: viewer.signed_in(),
        my_claim,
    })
}

/// Organisations the reader may be looking for (`/rejoindre`).
#[server]
pub async fn find_claimable(q: String) -> Result<Vec<Candidate>, crate::error::AppError> {
    let viewer = crate::ports::SignedIn::required()?.viewer;
    Ok(crate::ports::services()?.claims.find(&viewer, &q).await?)
}

/// The claims the reader decides, and their own (`/revendications`).
#[server]
pub async fn get_claim_queue() -> Result<ClaimQueue, crate::error::AppError> {
    let viewer = crate::ports::SignedIn::required()?.viewer;
    Ok(crate::ports::services()?.claims.queue(&viewer).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CreationRequest {
        CreationRequest {
            kind: String::new(),
            siret: "412 345 670 00019".into(),
            name: "Décolletage du Faucigny".into(),
            naf: "2562B".into(),
            commune: "Cluses".into(),
            message: "Gérante".into(),
        }
    }

    #[test]
    fn a_creation_is_read_as_typed() {
        let valid = request().validate().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.kind, OrganisationKind::Firm);
        assert_eq!(valid.siret.as_str(), "41234567000019");
        assert_eq!(valid.naf, "25.62B");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CreationRequest {
            kind: "district".into(),
            siret: "41234567000018".into(),
            name: " ".into(),
            naf: "99.99".into(),
            commune: String::new(),
            message: "x".repeat(MESSAGE_MAX + 1),
        };
        let fields: Vec<String> = bad
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["kind", "siret", "name", "naf", "commune", "message"]
        );
    }
}
