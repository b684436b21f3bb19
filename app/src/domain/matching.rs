//! Matching needs and offers with firms: one pure scoring function whose components are
//! returned with the score, so every suggestion can say why.
//!
//! Candidates come from search (text, NAF, distance); this function ranks them. Components and
//! their weights (summing to 1):
//! - text (0.25): the share of the need's key words found in the firm's name, capabilities,
//!   description and activity label;
//! - sector (0.30): same NAF sub-class 1, class 0.85, group 0.7, division 0.55; a division that
//!   customarily supplies the need's division ([`supplies`], the table in
//!   `naf_suppliers.csv`) 0.4 × its strength / 3;
//! - distance (0.20): 1 at the need's place, falling linearly to 0 at its radius;
//! - local (0.10): same Territoire d'industrie 1, same region 0.5 (local filière first);
//! - certifications (0.10): the share of required certifications the firm holds (1 when none
//!   is required);
//! - size (0.05): the firm's size class against the one wanted (neutral 0.5 when none is).

use crate::domain::text::fold;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub const TEXT_WEIGHT: f64 = 0.25;
pub const SECTOR_WEIGHT: f64 = 0.30;
pub const DISTANCE_WEIGHT: f64 = 0.20;
pub const LOCAL_WEIGHT: f64 = 0.10;
pub const CERTIFICATION_WEIGHT: f64 = 0.10;
pub const SIZE_WEIGHT: f64 = 0.05;

/// Which NAF divisions customarily supply which: (buyer, supplier, strength 1-3, what).
pub fn supplier_table() -> &'static [(String, String, u8, String)] {
    static TABLE: OnceLock<Vec<(String, String, u8, String)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("naf_suppliers.csv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut parts = l.splitn(4, ',');
                Some((
                    parts.next()?.to_owned(),
                    parts.next()?.to_owned(),
                    parts.next()?.parse().ok()?,
                    parts.next()?.to_owned(),
                ))
            })
            .collect()
    })
}

/// How strongly `supplier` customarily supplies `buyer` (0 when it does not).
pub fn supplies(supplier: &str, buyer: &str) -> u8 {
    supplier_table()
        .iter()
        .find(|(b, s, _, _)| b == buyer && s == supplier)
        .map(|r| r.2)
        .unwrap_or(0)
}

/// The divisions that supply `buyer`, strongest first.
pub fn suppliers_of(buyer: &str) -> Vec<(&'static str, u8, &'static str)> {
    let mut list: Vec<(&'static str, u8, &'static str)> = supplier_table()
        .iter()
        .filter(|(b, s, _, _)| b == buyer && s != buyer)
        .map(|(_, s, n, what)| (s.as_str(), *n, what.as_str()))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

crate::domain::workflow::vocabulary! {
    /// The firm sizes a need may ask for, smallest first.
    FirmSize {
        /// Très petite entreprise: fewer than 10 people.
        Tpe => "tpe",
        /// Petite ou moyenne entreprise: 10 to 249.
        Pme => "pme",
        /// Entreprise de taille intermédiaire: 250 to 4,999.
        Eti => "eti",
    }
}

/// The size class of an INSEE headcount band code.
pub fn size_class(band: &str) -> Option<&'static str> {
    match band {
        "NN" | "00" | "01" | "02" | "03" => Some(FirmSize::Tpe.code()),
        "11" | "12" | "21" | "22" | "31" => Some(FirmSize::Pme.code()),
        "32" | "41" | "42" | "51" | "52" | "53" => Some(FirmSize::Eti.code()),
        _ => None,
    }
}

/// What the need asks for, as the scoring sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeedTerms {
    /// Key words, folded (see [`key_words`]).
    pub words: Vec<String>,
    /// NAF codes concerned, any level (`25`, `25.62`, `25.62A`).
    pub naf: Vec<String>,
    pub certifications: Vec<String>,
    pub radius_km: f64,
    pub territory: Option<String>,
    pub region: Option<String>,
    pub size: Option<String>,
}

/// A firm as the scoring sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FirmTerms {
    /// Name, capabilities, description and activity label, folded.
    pub text: String,
    pub naf_code: Option<String>,
    pub certifications: Vec<String>,
    pub distance_km: Option<f64>,
    pub territory: Option<String>,
    pub region: Option<String>,
    pub headcount_band: Option<String>,
}

/// What a factor found, told in the reader's language by `i18n::explain_match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Reason {
    /// The annonce's words the firm's profile holds.
    Words(Vec<String>),
    /// The same NAF sub-class, class, group or division (the code compared).
    SameActivity(String),
    SameClass(String),
    SameGroup(String),
    SameDivision(String),
    /// The firm's division usually supplies the annonce's.
    Supplies {
        division: String,
        buyer: String,
    },
    /// Kilometres, rounded.
    Distance(f64),
    SameTerritory,
    SameRegion,
    /// The annonce asks for no certification: neutral, left out of explanations.
    NoCertificationRequired,
    /// The required certifications the firm holds.
    Certifications(Vec<String>),
    /// The firm's size class (`tpe`, `pme`, `eti`), if known.
    Size(Option<String>),
    /// Land: the site's area in hectares (one decimal).
    Area(f64),
    /// Land: the site is ready to use.
    Turnkey,
    /// Land: another buyer holds an option on it.
    UnderOption,
}

/// One reason of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = MatchFactor))]
pub struct Factor {
    /// `text`, `sector`, `distance`, `local`, `certifications` or `size`.
    pub factor: String,
    /// Contribution to the score.
    pub weight: f64,
    /// The reason in words, in the language it was explained in ("usinage, titane",
    /// "same NAF class 25.62"...); empty until `i18n::explain_match` fills it.
    pub detail: String,
    /// What was found.
    pub reason: Reason,
}

/// A score in [0, 1] with its reasons, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchScore {
    pub score: f64,
    pub factors: Vec<Factor>,
}

/// French words that carry no meaning for matching.
const STOP: [&str; 24] = [
    "pour",
    "avec",
    "dans",
    "des",
    "les",
    "une",
    "sur",
    "par",
    "chez",
    "nous",
    "vous",
    "notre",
    "recherche",
    "cherche",
    "besoin",
    "entreprise",
    "entreprises",
    "societe",
    "fournisseur",
    "fournisseurs",
    "sous",
    "traitant",
    "traitance",
    "environ",
];

/// The words of a text that matter for matching: folded, four letters or more, no stop words.
pub fn key_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !STOP.contains(w))
        .map(str::to_owned)
        .collect();
    // The first words written (the title's) matter most: keep the first distinct ones, so
    // scoring a firm costs the same whatever the length of the annonce.
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    words.truncate(MAX_KEY_WORDS);
    words.sort();
    words
}

/// The most key words of an annonce that matching compares with each firm.
pub const MAX_KEY_WORDS: usize = 40;

/// Whether a folded text holds a word or a variant of it (plural, feminine: a shared stem of
/// all but the last two letters for words of six letters or more).
fn holds(text: &str, word: &str) -> bool {
    if text.contains(word) {
        return true;
    }
    let n = word.chars().count();
    n >= 6 && text.contains(&word.chars().take(n - 2).collect::<String>())
}

fn sector(need: &[String], firm: Option<&str>) -> Option<(f64, Reason)> {
    let code = firm?;
    let mut best: Option<(f64, Reason)> = None;
    for n in need {
        let n = n.as_str();
        let prefix = |len: usize| code.get(..len).unwrap_or(code).to_owned();
        let found = if code == n {
            Some((1.0, Reason::SameActivity(code.to_owned())))
        } else if n.len() >= 5 && code.get(..5) == n.get(..5) {
            Some((0.85, Reason::SameClass(prefix(5))))
        } else if n.len() >= 4 && code.get(..4) == n.get(..4) {
            Some((0.7, Reason::SameGroup(prefix(4))))
        } else if code.get(..2) == n.get(..2) {
            let v = if n.len() == 2 { 1.0 } else { 0.55 };
            Some((v, Reason::SameDivision(prefix(2))))
        } else {
            let (s, b) = (code.get(..2).unwrap_or(""), n.get(..2).unwrap_or(""));
            let strength = supplies(s, b);
            (strength > 0).then(|| {
                (
                    0.4 * f64::from(strength) / 3.0,
                    Reason::Supplies {
                        division: s.to_owned(),
                        buyer: b.to_owned(),
                    },
                )
            })
        };
        if let Some((value, reason)) = found {
            if best.as_ref().is_none_or(|(v, _)| value > *v) {
                best = Some((value, reason));
            }
        }
    }
    best
}

/// Scores a firm for a need.
pub fn score(need: &NeedTerms, firm: &FirmTerms) -> MatchScore {
    let mut factors = Vec::new();
    let found: Vec<&String> = need.words.iter().filter(|w| holds(&firm.text, w)).collect();
    if !found.is_empty() {
        factors.push(Factor {
            factor: "text".into(),
            weight: TEXT_WEIGHT * found.len() as f64 / need.words.len().max(1) as f64,
            detail: String::new(),
            reason: Reason::Words(found.iter().map(|w| (*w).clone()).collect()),
        });
    }
    if let Some((s, reason)) = sector(&need.naf, firm.naf_code.as_deref()) {
        factors.push(Factor {
            factor: "sector".into(),
            weight: SECTOR_WEIGHT * s,
            detail: String::new(),
            reason,
        });
    }
    if let Some(d) = firm.distance_km {
        let radius = need.radius_km.max(1.0);
        let v = (1.0 - d / radius).clamp(0.0, 1.0);
        factors.push(Factor {
            factor: "distance".into(),
            weight: DISTANCE_WEIGHT * v,
            detail: String::new(),
            reason: Reason::Distance(d.round()),
        });
    }
    let local = match (&need.territory, &firm.territory, &need.region, &firm.region) {
        (Some(a), Some(b), _, _) if a == b => Some((1.0, Reason::SameTerritory)),
        (_, _, Some(a), Some(b)) if a == b => Some((0.5, Reason::SameRegion)),
        _ => None,
    };
    if let Some((v, reason)) = local {
        factors.push(Factor {
            factor: "local".into(),
            weight: LOCAL_WEIGHT * v,
            detail: String::new(),
            reason,
        });
    }
    let held: Vec<&String> = need
        .certifications
        .iter()
        .filter(|c| {
            let c = fold(c);
            firm.certifications.iter().any(|f| fold(f) == c)
        })
        .collect();
    if need.certifications.is_empty() {
        factors.push(Factor {
            factor: "certifications".into(),
            weight: CERTIFICATION_WEIGHT,
            detail: String::new(),
            reason: Reason::NoCertificationRequired,
        });
    } else if !held.is_empty() {
        factors.push(Factor {
            factor: "certifications".into(),
            weight: CERTIFICATION_WEIGHT * held.len() as f64 / need.certifications.len() as f64,
            detail: String::new(),
            reason: Reason::Certifications(held.iter().map(|c| (*c).clone()).collect()),
        });
    }
    let size = firm.headcount_band.as_deref().and_then(size_class);
    let fit = match (need.size.as_deref(), size) {
        (None, _) => 0.5,
        (Some(want), Some(have)) if want == have => 1.0,
        (Some(want), Some(have)) => {
            let pos = |s: &str| FirmSize::ALL.iter().position(|x| x.is(s)).unwrap_or(0) as i64;
            if (pos(want) - pos(have)).abs() == 1 {
                0.5
            } else {
                0.0
            }
        }
        (Some(_), None) => 0.25,
    };
    if fit > 0.0 {
        factors.push(Factor {
            factor: "size".into(),
            weight: SIZE_WEIGHT * fit,
            detail: String::new(),
            reason: Reason::Size(size.map(str::to_owned)),
        });
    }
    factors.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    MatchScore {
        score: factors.iter().map(|f| f.weight).sum(),
        factors,
    }
}

/// Whether a factor says something worth reading in "why this match" (size and a neutral
/// certification line are left out).
pub fn tells(f: &Factor) -> bool {
    !matches!(f.reason, Reason::Size(_) | Reason::NoCertificationRequired)
}

/// The weights of a land site's fit to a land need: nearness within the radius, area close
/// to what is wanted, readiness.
pub const SITE_NEAR_WEIGHT: f64 = 0.5;
pub const SITE_AREA_WEIGHT: f64 = 0.3;
pub const SITE_READY_WEIGHT: f64 = 0.2;

/// How ready a site is: turnkey, available, or under option.
pub fn site_readiness(turnkey: bool, available: bool) -> f64 {
    if turnkey {
        1.0
    } else if available {
        0.6
    } else {
        0.3
    }
}

/// A land site's score for a need of `wanted` hectares within `radius_km`, with its reasons
/// (area, distance, readiness) in that order.
pub fn site_score(
    wanted: f64,
    area_ha: f64,
    distance_km: Option<f64>,
    radius_km: f64,
    turnkey: bool,
    available: bool,
) -> (f64, Vec<Reason>) {
    let near = distance_km
        .map(|d| 1.0 - d / radius_km.max(1.0))
        .unwrap_or(0.0);
    // A site much larger than needed fits less well than one of the right size.
    let fit = (wanted / area_ha).clamp(0.0, 1.0);
    let score = SITE_NEAR_WEIGHT * near
        + SITE_AREA_WEIGHT * fit
        + SITE_READY_WEIGHT * site_readiness(turnkey, available);
    let mut reasons = vec![Reason::Area((area_ha * 10.0).round() / 10.0)];
    if let Some(d) = distance_km {
        reasons.push(Reason::Distance(d.round()));
    }
    if turnkey {
        reasons.push(Reason::Turnkey);
    } else if !available {
        reasons.push(Reason::UnderOption);
    }
    (score, reasons)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn need() -> NeedTerms {
        NeedTerms {
            words: key_words("Usinage 5 axes de pièces en titane"),
            naf: vec!["25.62B".into()],
            certifications: vec!["EN 9100".into()],
            radius_km: 50.0,
            territory: Some("ti-8422".into()),
            region: Some("84".into()),
            size: None,
        }
    }

    #[test]
    fn the_supplier_table_is_loaded_and_documented() {
        assert!(supplier_table().len() >= 90);
        assert_eq!(supplies("25", "30"), 3);
        assert_eq!(supplies("13", "30"), 0);
        assert_eq!(suppliers_of("22")[0].1, 3);
    }

    #[test]
    fn an_exact_local_certified_machinist_beats_a_distant_uncertified_one() {
        let near = FirmTerms {
            text: fold("Mécanique de l'Arve usinage 5 axes titane aéronautique"),
            naf_code: Some("25.62B".into()),
            certifications: vec!["EN 9100".into()],
            distance_km: Some(18.0),
            territory: Some("ti-8422".into()),
            region: Some("84".into()),
            headcount_band: Some("12".into()),
        };
        let far = FirmTerms {
            text: fold("usinage de pièces"),
            naf_code: Some("25.62A".into()),
            certifications: vec![],
            distance_km: Some(45.0),
            territory: Some("ti-8413".into()),
            region: Some("84".into()),
            headcount_band: None,
        };
        let (a, b) = (score(&need(), &near), score(&need(), &far));
        assert!(a.score > b.score + 0.2, "{a:?} {b:?}");
        assert!(a.score <= 1.0);
        let mut a = a;
        let why = crate::i18n::explain_match(crate::i18n::Lang::Fr, &mut a);
        assert!(why.contains("usinage"), "{why}");
        assert!(why.contains("EN 9100"), "{why}");
        assert!(why.contains("18 km"), "{why}");
        assert!(why.contains("même Territoire d'industrie"), "{why}");
    }

    #[test]
    fn supplier_divisions_count_below_the_same_activity() {
        let mut n = need();
        n.naf = vec!["30.30Z".into()];
        let machinist = FirmTerms {
            naf_code: Some("25.62B".into()),
            ..Default::default()
        };
        let textile = FirmTerms {
            naf_code: Some("13.20Z".into()),
            ..Default::default()
        };
        let s = score(&n, &machinist);
        assert!(s
            .factors
            .iter()
            .any(|f| f.factor == "sector" && matches!(f.reason, Reason::Supplies { .. })));
        assert!(score(&n, &textile)
            .factors
            .iter()
            .all(|f| f.factor != "sector"));
    }

    #[test]
    fn key_words_drop_short_and_empty_words() {
        assert_eq!(
            key_words("Recherche sous-traitant pour usinage de l'aluminium"),
            ["aluminium", "usinage"]
        );
        assert!(holds("moules en aluminiums", "aluminium"));
        assert!(!holds("acier inoxydable", "aluminium"));
    }
}
