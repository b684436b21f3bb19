//! Partner suggestions between industrial territories and European districts: one pure
//! scoring function whose components are returned with the score.
//!
//! A territory's industrial profile is the share of its firms in each NAF division (NACE and
//! NAF share their divisions); a district's is its specialisation divisions, equally weighted.
//! The profile similarity is the cosine of the two vectors, so a district specialised in what
//! the territory mostly does ranks first, and a district with many divisions is not favoured
//! merely for covering more. Shared challenges (skills, land, energy...) and words shared
//! between the territory's declared strengths and the district's specialisation add to it.

use crate::domain::text::fold;
use crate::domain::theme::Theme;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Weights of the components (they sum to 1).
pub const PROFILE_WEIGHT: f64 = 0.75;
pub const CHALLENGE_WEIGHT: f64 = 0.2;
pub const STRENGTH_WEIGHT: f64 = 0.05;

/// What is compared: division weights (any scale), challenges, and descriptive text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// NAF/NACE division (two digits) -> weight (firm count, or 1 for a specialisation).
    pub divisions: BTreeMap<String, f64>,
    pub challenges: BTreeSet<String>,
    /// Declared strengths or specialisation text.
    pub text: String,
}

/// One reason of a score, for "why this partner".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = PartnerFactor))]
pub struct Factor {
    /// `profile`, `challenges` or `strengths`.
    pub factor: String,
    /// The component's contribution to the score (0 to its weight).
    pub weight: f64,
    /// Divisions, challenge codes or words behind it.
    pub items: Vec<String>,
    /// For `profile`: the share of the first profile's weight in the shared divisions.
    pub share: f64,
}

/// A score in [0, 1] and its components, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    pub score: f64,
    pub factors: Vec<Factor>,
}

fn cosine(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    let norm = |v: &BTreeMap<String, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Words of at least five letters, keyed by their folded first seven letters: enough to
/// match "plasturgie"/"plastiques" loosely without matching every "de" and "and". The value
/// is the word as written (lowercased), which is what a reason shows: never the stem.
fn words(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() < 5 {
            continue;
        }
        let stem: String = fold(word).chars().take(7).collect();
        out.entry(stem).or_insert_with(|| word.to_lowercase());
    }
    out
}

/// How alike two profiles are. `a` is the one asking (its shares explain the match).
pub fn similarity(a: &Profile, b: &Profile) -> Similarity {
    let mut factors = Vec::new();
    let profile = cosine(&a.divisions, &b.divisions);
    if profile > 0.0 {
        let total: f64 = a.divisions.values().sum();
        let mut shared: Vec<(&String, f64)> = a
            .divisions
            .iter()
            .filter(|(k, _)| b.divisions.contains_key(*k))
            .map(|(k, v)| (k, *v))
            .collect();
        shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
        factors.push(Factor {
            factor: "profile".into(),
            weight: PROFILE_WEIGHT * profile,
            share: if total > 0.0 {
                shared.iter().map(|s| s.1).sum::<f64>() / total
            } else {
                0.0
            },
            items: shared.into_iter().map(|(k, _)| k.clone()).collect(),
        });
    }
    let union = a.challenges.union(&b.challenges).count();
    let common: Vec<String> = a.challenges.intersection(&b.challenges).cloned().collect();
    if !common.is_empty() {
        factors.push(Factor {
            factor: "challenges".into(),
            weight: CHALLENGE_WEIGHT * common.len() as f64 / union.max(1) as f64,
            items: common,
            share: 0.0,
        });
    }
    let (wa, wb) = (words(&a.text), words(&b.text));
    // Each shared word as the asking side wrote it, and as the other side did when it differs.
    let shared_words: Vec<String> = wa
        .iter()
        .filter_map(|(stem, mine)| {
            let theirs = wb.get(stem)?;
            Some(if theirs == mine {
                mine.clone()
            } else {
                format!("{mine} / {theirs}")
            })
        })
        .collect();
    if !shared_words.is_empty() {
        let smaller = wa.len().min(wb.len()).max(1) as f64;
        factors.push(Factor {
            factor: "strengths".into(),
            weight: STRENGTH_WEIGHT * (shared_words.len() as f64 / smaller).min(1.0),
            items: shared_words,
            share: 0.0,
        });
    }
    factors.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    Similarity {
        score: factors.iter().map(|f| f.weight).sum(),
        factors,
    }
}

/// Challenge codes a territory's written needs imply (a need written down is a challenge).
pub fn challenges_from_needs(
    skills: &str,
    land: &str,
    housing: &str,
    mobility: &str,
) -> Vec<String> {
    [
        (Theme::Skills, skills),
        (Theme::Land, land),
        (Theme::Housing, housing),
        (Theme::Mobility, mobility),
    ]
    .into_iter()
    .filter(|(_, text)| !text.trim().is_empty())
    .map(|(theme, _)| theme.code().to_owned())
    .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn profile(divisions: &[(&str, f64)], challenges: &[&str], text: &str) -> Profile {
        Profile {
            divisions: divisions
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            challenges: challenges.iter().map(|c| (*c).to_owned()).collect(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn a_specialised_district_in_the_main_industry_ranks_first() {
        let oyonnax = profile(
            &[("22", 60.0), ("25", 20.0), ("32", 10.0), ("28", 10.0)],
            &["skills"],
            "plasturgie, moules",
        );
        let plastics = profile(&[("22", 1.0)], &[], "Plastics processing");
        let moulds = profile(
            &[("25", 1.0), ("22", 1.0)],
            &["skills"],
            "Moulds for plastics",
        );
        let eyewear = profile(&[("32", 1.0)], &["skills"], "Eyewear");
        let (p, m, e) = (
            similarity(&oyonnax, &plastics),
            similarity(&oyonnax, &moulds),
            similarity(&oyonnax, &eyewear),
        );
        assert!(p.score > e.score, "{p:?} {e:?}");
        assert!(m.score > e.score, "{m:?} {e:?}");
        assert_eq!(m.factors[0].factor, "profile");
        assert_eq!(m.factors[0].items, ["22", "25"]);
        assert!((m.factors[0].share - 0.8).abs() < 1e-9);
    }

    #[test]
    fn scores_stay_between_zero_and_one_and_explain_themselves() {
        let a = profile(
            &[("25", 3.0)],
            &["skills", "land"],
            "décolletage de précision",
        );
        let same = similarity(&a, &a);
        assert!((same.score - 1.0).abs() < 1e-9, "{same:?}");
        let none = similarity(&a, &profile(&[("13", 1.0)], &["energy"], "textile"));
        assert_eq!(none.score, 0.0);
        assert!(none.factors.is_empty());
    }

    #[test]
    fn shared_words_are_shown_as_written_never_as_stems() {
        let vallee = profile(&[], &[], "Plasturgie et moules d'injection");
        let district = profile(&[], &[], "Distretto della plasturgia, moules injection");
        let s = similarity(&vallee, &district);
        assert_eq!(s.factors[0].factor, "strengths");
        assert_eq!(
            s.factors[0].items,
            ["injection", "moules", "plasturgie / plasturgia"]
        );
    }

    #[test]
    fn written_needs_are_challenges() {
        assert_eq!(
            challenges_from_needs("soudeurs", "", " ", "bus"),
            ["skills", "mobility"]
        );
    }
}
