//! Needs and offers ("annonces"), their matches, and the expressions of interest that put
//! organisations in contact.

use crate::domain::ids::{InseeCode, NafCode};
use crate::domain::matching::{Factor, FirmSize};
use crate::error::{AppError, FieldError, Problem, Said};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::need::{NeedKind, NeedStatus, NeedVisibility};

/// The form of an annonce, as typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeedDraft {
    /// `organisation:12` or `territory:ti-8422`.
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:organisation:[0-9]{1,12}|territory:ti-[0-9]{4})$")
    )]
    pub author: String,
    #[cfg_attr(feature = "ssr", schema(value_type = NeedKind))]
    pub kind: String,
    #[cfg_attr(
        feature = "ssr",
        schema(
            min_length = 5,
            max_length = 200,
            pattern = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿ](?:[0-9A-Za-zÀ-ÖØ-öø-ÿ '’.,()/-]{3,198})[0-9A-Za-zÀ-ÖØ-öø-ÿ.)]$"
        )
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 10000))]
    pub description: String,
    /// NAF codes, separated by spaces, commas or semicolons (`25.62B 25.61`).
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:[0-9]{2}(?:\.[0-9]{1,2})?(?: [0-9]{2}(?:\.[0-9]{1,2})?){0,9})?$")
    )]
    pub naf_codes: String,
    /// Skills, separated by semicolons.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^(?:[0-9A-Za-zÀ-ÿ][0-9A-Za-zÀ-ÿ -]{0,40}(?:; ?[0-9A-Za-zÀ-ÿ][0-9A-Za-zÀ-ÿ -]{0,40}){0,9})?$"
        )
    )]
    pub skills: String,
    /// Required certifications, separated by semicolons.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^(?:[0-9A-Za-z][0-9A-Za-z -]{0,40}(?:; ?[0-9A-Za-z][0-9A-Za-z -]{0,40}){0,9})?$"
        )
    )]
    pub certifications: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub quantity: String,
    /// The commune as a person types it: its name (`Cluses`, or `Cluses (74)` to tell
    /// namesakes apart), a postal code or an INSEE code; empty for the organisation's commune.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 100))]
    pub commune: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)?$")
    )]
    pub radius_km: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:20[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8]))?$")
    )]
    pub deadline: String,
    #[cfg_attr(feature = "ssr", schema(value_type = NeedVisibility))]
    pub visibility: String,
    /// `tpe`, `pme`, `eti` or empty.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(?:tpe|pme|eti)?$"))]
    pub size: String,
    /// For land needs, hectares wanted.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = r"^(?:[1-9][0-9]{0,3}(?:\.[0-9])?)?$")
    )]
    pub land_area_ha: String,
}

/// A checked annonce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidNeed {
    pub author_kind: String,
    pub author_id: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub naf_codes: Vec<String>,
    pub skills: Vec<String>,
    pub certifications: Vec<String>,
    pub quantity: String,
    pub commune: Option<String>,
    pub radius_km: f64,
    pub deadline: String,
    pub visibility: String,
    pub size: String,
    pub land_area_ha: Option<f64>,
}

/// The most items of a list field (skills, certifications) of an annonce.
pub const MAX_LIST_ITEMS: usize = 30;
/// The longest item of a list field, in characters.
pub const MAX_ITEM_CHARS: usize = 100;
/// The most NAF codes an annonce names.
pub const MAX_NAF_CODES: usize = 20;
/// The longest quantity, in characters.
pub const MAX_QUANTITY_CHARS: usize = 500;

/// The items of a `;`-separated list, each once, or the problem's code: matching reads every
/// item of every open annonce, so the list is bounded and never cut silently.
fn items(s: &str) -> Result<Vec<String>, Problem> {
    let mut list: Vec<String> = Vec::new();
    for item in s.split(';').map(str::trim).filter(|x| !x.is_empty()) {
        if item.chars().count() > MAX_ITEM_CHARS {
            return Err(Problem::ItemTooLong);
        }
        if !list.iter().any(|x| x.eq_ignore_ascii_case(item)) {
            list.push(item.to_owned());
        }
    }
    if list.len() > MAX_LIST_ITEMS {
        return Err(Problem::ListTooLong);
    }
    Ok(list)
}

/// A NAF code at any level: division `25`, group `25.6`, class `25.62` or sub-class `25.62B`.
pub fn naf_code(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    let ok = match s.len() {
        2 => s.bytes().all(|b| b.is_ascii_digit()),
        4 | 5 => {
            s.as_bytes()[2] == b'.'
                && s[..2]
                    .bytes()
                    .chain(s[3..].bytes())
                    .all(|b| b.is_ascii_digit())
        }
        _ => NafCode::parse(&s).is_ok(),
    };
    ok.then_some(s)
}

impl NeedDraft {
    /// Checks every field; each problem is named.
    ///
    /// The text passes the input rule of `clean_text` here too, so an annonce sent as JSON
    /// to the API is held to it like one sent by the form.
    pub fn validate(&self) -> Result<ValidNeed, Vec<FieldError>> {
        use crate::domain::text::{clean_text, one_line};
        let mut errors = Vec::new();
        let mut bad = |field: &str, said: Said| errors.push(FieldError::new(field, said));
        let (author_kind, author_id) = match self.author.split_once(':') {
            Some((k @ ("organisation" | "territory"), id)) if !id.is_empty() => {
                (k.to_owned(), id.to_owned())
            }
            _ => {
                bad("author", Problem::AuthorInvalid.into());
                (String::new(), String::new())
            }
        };
        if NeedKind::parse(&self.kind).is_none() {
            bad("kind", Problem::KindInvalid.into());
        }
        let title = one_line(&clean_text(&self.title)).trim().to_owned();
        match title.chars().count() {
            0..5 => bad("title", Problem::TitleTooShort.into()),
            5..=200 => {}
            _ => bad("title", Problem::TitleTooLong.into()),
        }
        if self.description.chars().count() > 10_000 {
            bad("description", Problem::TextTooLong.into());
        }
        let mut naf_codes = Vec::new();
        let codes = crate::domain::text::split_codes(&self.naf_codes);
        if codes.len() > MAX_NAF_CODES {
            bad("naf_codes", Problem::ListTooLong.into());
        } else {
            let mut invalid = false;
            for code in codes {
                match naf_code(&code) {
                    Some(c) if !naf_codes.contains(&c) => naf_codes.push(c),
                    Some(_) => {}
                    None => invalid = true,
                }
            }
            // Told once, however many parts are not codes.
            if invalid {
                bad("naf_codes", Problem::NafInvalid.into());
            }
        }
        let skills = items(&one_line(&clean_text(&self.skills))).unwrap_or_else(|code| {
            bad("skills", code.into());
            Vec::new()
        });
        let certifications =
            items(&one_line(&clean_text(&self.certifications))).unwrap_or_else(|code| {
                bad("certifications", code.into());
                Vec::new()
            });
        let quantity = one_line(&clean_text(&self.quantity)).trim().to_owned();
        if quantity.chars().count() > MAX_QUANTITY_CHARS {
            bad("quantity", Problem::TextTooLong.into());
        }
        let commune = match self.commune.trim() {
            "" => None,
            c => match InseeCode::parse(c) {
                Ok(code) => Some(code.as_str().to_owned()),
                Err(_) => {
                    bad("commune", Problem::CommuneInvalid.into());
                    None
                }
            },
        };
        let radius_km = match self.radius_km.trim() {
            "" => crate::domain::geo::DEFAULT_RADIUS_KM,
            r => match r.replace(',', ".").parse::<f64>() {
                Ok(r) if (1.0..=500.0).contains(&r) => r,
                _ => {
                    bad("radius_km", Problem::RadiusInvalid.into());
                    crate::domain::geo::DEFAULT_RADIUS_KM
                }
            },
        };
        let deadline = self.deadline.trim().to_owned();
        if !deadline.is_empty() && !crate::domain::organisation::is_iso_date(&deadline) {
            bad("deadline", Problem::DateInvalid.into());
        }
        if NeedVisibility::parse(&self.visibility).is_none() {
            bad("visibility", Problem::VisibilityInvalid.into());
        }
        let size = self.size.trim().to_ascii_lowercase();
        if !size.is_empty() && FirmSize::parse(&size).is_none() {
            bad("size", Problem::SizeInvalid.into());
        }
        let land_area_ha = match self.land_area_ha.trim() {
            "" => None,
            a => match a.replace(',', ".").parse::<f64>() {
                Ok(a) if a > 0.0 && a < 10_000.0 => Some(a),
                _ => {
                    bad("land_area_ha", Problem::AreaInvalid.into());
                    None
                }
            },
        };
        if NeedKind::parse(&self.kind) == Some(NeedKind::Land) && land_area_ha.is_none() {
            bad("land_area_ha", Problem::AreaInvalid.into());
        }
        if errors.is_empty() {
            Ok(ValidNeed {
                author_kind,
                author_id,
                kind: self.kind.clone(),
                title,
                description: clean_text(&self.description).trim().to_owned(),
                naf_codes,
                skills,
                certifications,
                quantity,
                commune,
                radius_km,
                deadline,
                visibility: self.visibility.clone(),
                size,
                land_area_ha,
            })
        } else {
            Err(errors)
        }
    }
}

/// Who posted an annonce (absent while an anonymous author is hidden from the reader).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthorView {
    /// `organisation` or `territory`.
    pub kind: String,
    pub id: String,
    pub name: String,
}

/// An annonce in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeedSummary {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub visibility: String,
    pub status: String,
    /// The commune, or only the department for an anonymous annonce.
    pub place: String,
    pub territory_id: Option<String>,
    pub author: Option<AuthorView>,
    pub deadline: String,
    pub created_at: i64,
    pub is_demo: bool,
}

/// (name, email) of the people of one side.
pub type People = Vec<(String, String)>;

/// An expression of interest, as one of its two sides sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InterestView {
    pub id: i64,
    /// The annonce it is about; none for a contact asked from an organisation's page.
    pub need_id: Option<i64>,
    /// The annonce's title, or the subject of a contact asked from an organisation's page.
    pub need_title: String,
    /// The page it is about: the annonce, or the organisation asked.
    pub about: String,
    pub from_name: String,
    /// Absent while the other side is an anonymous author who has not accepted.
    pub to_name: Option<String>,
    pub message: String,
    /// `requested`, `declined`, `discussion`, `concluded` or `not_concluded`.
    pub status: String,
    pub reason: String,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// (name, email) of each side's people, once the contact is accepted.
    #[cfg_attr(
        feature = "ssr",
        schema(value_type = Option<(Vec<(String, String)>, Vec<(String, String)>)>)
    )]
    pub contacts: Option<(People, People)>,
    /// What the reader may do: `accept`, `decline`, `concluded`, `not_concluded`.
    pub actions: Vec<String>,
}

/// One annonce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeedView {
    #[serde(flatten)]
    pub summary: NeedSummary,
    pub description: String,
    pub naf_codes: Vec<(String, String)>,
    pub skills: Vec<String>,
    pub certifications: Vec<String>,
    pub quantity: String,
    pub radius_km: f64,
    pub size: String,
    pub land_area_ha: Option<f64>,
    /// The commune the author chose, as its edit form shows it (`Cluses (74)`, which reads
    /// back as that very commune); only for its author, and `None` when the annonce takes its
    /// organisation's commune.
    pub commune_typed: Option<String>,
    /// The reader speaks for the author.
    pub is_author: bool,
    /// Organisations in whose name the reader may ask for contact: (id, name).
    pub ask_as: Vec<(i64, String)>,
    /// Interests the reader is party to.
    pub interests: Vec<InterestView>,
}

/// A firm suggested for an annonce, with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatchView {
    pub organisation_id: i64,
    pub name: String,
    pub siret: Option<String>,
    pub commune: Option<String>,
    pub score: f64,
    pub distance_km: Option<f64>,
    pub explanation: Vec<Factor>,
    /// The reasons in one plain French line.
    pub why: String,
}

/// A land site suggested for a land need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandMatchView {
    pub site_id: i64,
    pub name: String,
    pub commune: String,
    pub area_ha: f64,
    pub distance_km: Option<f64>,
    pub score: f64,
    pub why: String,
}

/// Annonces matching a firm (the reverse direction), best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedForFirm {
    pub need: NeedSummary,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub score: f64,
    pub why: String,
}

/// The annonce list's filters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NeedFilter {
    pub q: String,
    pub kind: Option<String>,
    pub territory: Option<String>,
    pub include_closed: bool,
}

impl NeedFilter {
    /// Checks every filter value, for the list page and its server function alike.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors: Vec<FieldError> =
            crate::error::query_problem(&self.q).into_iter().collect();
        if self
            .kind
            .as_deref()
            .is_some_and(|k| NeedKind::parse(k).is_none())
        {
            errors.push(FieldError::new(
                "kind",
                Problem::ValueUnknown.saying("unknown kind"),
            ));
        }
        if self
            .territory
            .as_deref()
            .is_some_and(|t| t.chars().count() > 64)
        {
            errors.push(FieldError::new(
                "territory",
                Problem::TextTooLong.saying("at most 64 characters"),
            ));
        }
        crate::error::unless_invalid((), errors)
    }
}

/// A supplier division of a leading industry, as present around a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierLink {
    pub code: String,
    pub label: String,
    /// What it sells to the industry (from the supplier table).
    pub what: String,
    /// Firms of the division within the radius of the territory's centre.
    pub nearby: u64,
    /// Fewer than [`THIN_BELOW`] firms nearby: a missing or thin link.
    pub thin: bool,
    /// Nearest firms of the division outside the territory: (id, name, commune, territory
    /// name, km).
    pub suggestions: Vec<(i64, String, String, String, f64)>,
}

/// Below this many firms nearby, a supplier division is a thin link.
pub const THIN_BELOW: u64 = 3;

/// One of a territory's leading industries and its supply chain around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadingIndustry {
    pub code: String,
    pub label: String,
    pub firms: u64,
    pub suppliers: Vec<SupplierLink>,
}

/// The filière view of a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filieres {
    pub territory_id: String,
    pub name: String,
    pub radius_km: f64,
    /// (division, label, firms in the territory), largest first.
    pub divisions: Vec<(String, String, u64)>,
    pub leading: Vec<LeadingIndustry>,
}

/// The filière view: local divisions, and the supplier links of the leading industries.
#[server]
pub async fn get_filieres(id: String) -> Result<Filieres, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .needs
        .filieres(&id, 30.0, &viewer)
        .await?)
}

/// Open annonces the reader may see, filtered.
#[server]
pub async fn get_needs(filter: NeedFilter) -> Result<Vec<NeedSummary>, AppError> {
    filter.validate().map_err(AppError::served)?;
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .needs
        .list(&filter, &viewer)
        .await?)
}

/// One annonce.
#[server]
pub async fn get_need(id: i64) -> Result<NeedView, AppError> {
    let who = crate::ports::Who::current();
    let need = crate::ports::services()?.needs.need(id, &who.viewer).await;
    need.map_err(|e| who.unseen(e.into()))
}

/// What an annonce's author is offered: firms, land sites, and (for an offer) the open needs
/// it could answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    pub firms: Vec<MatchView>,
    pub land: Vec<LandMatchView>,
    pub needs: Vec<NeedForFirm>,
}

/// The firms, land sites and needs suggested for an annonce, for its author.
#[server]
pub async fn get_matches(id: i64) -> Result<Suggestions, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    let lang = crate::i18n::Lang::detect();
    let services = crate::ports::services()?;
    Ok(Suggestions {
        firms: services.needs.matches(id, &viewer, 20, lang).await?,
        land: services.needs.land_matches(id, &viewer, lang).await?,
        needs: services.needs.needs_for_offer(id, &viewer, lang).await?,
    })
}

/// Annonces that the reader's firms could answer.
#[server]
pub async fn get_needs_for_me() -> Result<Vec<NeedForFirm>, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    if !viewer.signed_in() {
        return Ok(Vec::new());
    }
    let lang = crate::i18n::Lang::detect();
    Ok(crate::ports::services()?
        .needs
        .for_viewer(&viewer, lang)
        .await?)
}

/// The organisations the reader may ask in the name of, to contact `organisation` from its
/// page; none when signed out.
#[server]
pub async fn get_contact_as(organisation: i64) -> Result<Option<Vec<(i64, String)>>, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    if !viewer.signed_in() {
        return Ok(None);
    }
    let services = crate::ports::services()?;
    Ok(Some(
        services.needs.contact_as(&viewer, organisation).await?,
    ))
}

/// The reader's expressions of interest, sent and received.
#[server]
pub async fn get_inbox() -> Result<Vec<InterestView>, AppError> {
    let viewer = crate::ports::SignedIn::required()?.viewer;
    Ok(crate::ports::services()?.needs.inbox(&viewer).await?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn drafts_are_checked_field_by_field() {
        let ok = NeedDraft {
            author: "organisation:3".into(),
            kind: "supplier".into(),
            title: "Usinage 5 axes de pièces en titane".into(),
            naf_codes: "25.62B, 25.6".into(),
            certifications: "EN 9100; ISO 9001".into(),
            commune: "74081".into(),
            radius_km: "40".into(),
            visibility: "anonymous".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.naf_codes, ["25.62B", "25.6"]);
        assert_eq!(ok.certifications, ["EN 9100", "ISO 9001"]);
        let errors = NeedDraft {
            author: "x".into(),
            kind: "gift".into(),
            title: "ab".into(),
            naf_codes: "9Z".into(),
            radius_km: "900".into(),
            deadline: "31/12/2027".into(),
            visibility: "secret".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "author",
                "kind",
                "title",
                "naf_codes",
                "radius_km",
                "deadline",
                "visibility"
            ]
        );
    }
}
