//! Activities (NAF rév. 2) found by the words of their label, so that a person picks an
//! activity by what it is called ("traitement des métaux") and the form records its code
//! (`25.61Z`). Divisions, groups, classes and sub-classes, as annonces accept them; sections
//! (one letter) are not codes an annonce takes. The same finder offers ESCO skills (their
//! French labels, preferred and alternative) as capabilities a firm may declare.

use crate::db::fetch_all;
use app::domain::text::fold;
use sea_orm::{ConnectionTrait, FromQueryResult};

/// Activities offered at most for one query.
pub const CHOICES: usize = 8;

/// One activity: its code, its label, and the label's folded words.
struct Activity {
    code: String,
    label: String,
    words: Vec<String>,
}

/// Every activity of the NAF, most specific first within a label.
pub struct Activities {
    list: Vec<Activity>,
}

#[derive(FromQueryResult)]
struct Row {
    code: String,
    label: String,
}

/// The folded words of a text, of two letters or more ("de", "et" and "la" stay: they are
/// short, but a person who types them means them; single letters are noise).
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_owned)
        .collect()
}

impl Activities {
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Activities> {
        let rows: Vec<Row> = fetch_all(
            db,
            "SELECT code, label FROM naf WHERE level <> 'section' ORDER BY code",
            vec![],
        )
        .await?;
        Ok(Activities::from_rows(rows))
    }

    /// The ESCO skills, found by the words of their French labels (each alternative label
    /// found too, under its skill's preferred label).
    pub async fn load_skills(db: &impl ConnectionTrait) -> anyhow::Result<Activities> {
        #[derive(FromQueryResult)]
        struct Skill {
            uri: String,
            label_fr: String,
            alt_labels_fr: String,
        }
        let skills: Vec<Skill> = fetch_all(
            db,
            "SELECT uri, label_fr, alt_labels_fr FROM esco_skill WHERE label_fr <> '' ORDER BY uri",
            vec![],
        )
        .await?;
        let mut list = Vec::new();
        for s in skills {
            let mut labels = vec![s.label_fr.clone()];
            labels.extend(
                s.alt_labels_fr
                    .split(['\n', '|'])
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            );
            for label in labels {
                list.push(Activity {
                    words: words(&label),
                    code: s.uri.clone(),
                    label: s.label_fr.clone(),
                });
            }
        }
        Ok(Activities { list })
    }

    fn from_rows(rows: Vec<Row>) -> Activities {
        // A class whose only sub-class bears its label is offered once, as the sub-class (the
        // code a firm's record carries): longer codes first, then the first of each label.
        let mut rows = rows;
        rows.sort_by(|a, b| b.code.len().cmp(&a.code.len()).then(a.code.cmp(&b.code)));
        let mut seen = std::collections::HashSet::new();
        let mut list: Vec<Activity> = rows
            .into_iter()
            .filter(|r| seen.insert(fold(&r.label)))
            .map(|r| Activity {
                words: words(&r.label),
                code: r.code,
                label: r.label,
            })
            .collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        Activities { list }
    }

    /// Activities whose label has a word starting with each typed word, or whose code starts
    /// with what was typed (`25.6`); whole words matched first, then shorter labels, at most
    /// [`CHOICES`]. `(code, label)`.
    pub fn find(&self, typed: &str) -> Vec<(String, String)> {
        let typed = typed.trim();
        if typed.chars().count() > 100 {
            return Vec::new();
        }
        let code = typed.to_ascii_uppercase();
        if code.len() >= 2 && code.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            return self
                .list
                .iter()
                .filter(|a| a.code.starts_with(&code))
                .take(CHOICES)
                .map(|a| (a.code.clone(), a.label.clone()))
                .collect();
        }
        let wanted = words(typed);
        if wanted.is_empty() || wanted.iter().all(|w| w.chars().count() < 3) {
            return Vec::new();
        }
        let mut found: Vec<(usize, usize, &Activity)> = self
            .list
            .iter()
            .filter_map(|a| {
                let mut whole = 0;
                for w in &wanted {
                    if a.words.iter().any(|x| x == w) {
                        whole += 1;
                    } else if !a.words.iter().any(|x| x.starts_with(w.as_str())) {
                        return None;
                    }
                }
                Some((wanted.len() - whole, a.label.chars().count(), a))
            })
            .collect();
        found.sort_by(|x, y| (x.0, x.1, &x.2.code).cmp(&(y.0, y.1, &y.2.code)));
        // A skill found by several of its labels is offered once.
        let mut offered = std::collections::HashSet::new();
        found
            .into_iter()
            .filter(|(_, _, a)| offered.insert(a.code.as_str()))
            .take(CHOICES)
            .map(|(_, _, a)| (a.code.clone(), a.label.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn activities() -> Activities {
        let row = |code: &str, label: &str| Row {
            code: code.into(),
            label: label.into(),
        };
        Activities::from_rows(vec![
            row("25", "Fabrication de produits métalliques, à l'exception des machines et des équipements"),
            row("25.6", "Traitement et revêtement des métaux ; usinage"),
            row("25.61", "Traitement et revêtement des métaux"),
            row("25.61Z", "Traitement et revêtement des métaux"),
            row("25.62", "Usinage"),
            row("25.62A", "Décolletage"),
            row("25.62B", "Mécanique industrielle"),
            row("22.2", "Fabrication de produits en plastique"),
            row("22.29A", "Fabrication de pièces techniques à base de matières plastiques"),
        ])
    }

    fn codes(found: Vec<(String, String)>) -> Vec<String> {
        found.into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn an_activity_is_found_by_the_words_of_its_label() {
        let a = activities();
        // The class of one sub-class of the same label is offered once, as the sub-class.
        assert_eq!(codes(a.find("traitement des métaux")), ["25.61Z", "25.6"]);
        assert_eq!(codes(a.find("usinage")), ["25.62", "25.6"]);
        assert_eq!(codes(a.find("decolletage")), ["25.62A"]);
        // The starts of words, without accents or capitals.
        assert_eq!(codes(a.find("MECA indus")), ["25.62B"]);
        assert_eq!(
            codes(a.find("plastique")),
            ["22.2", "22.29A"],
            "the whole word first"
        );
        assert_eq!(codes(a.find("pieces plast")), ["22.29A"]);
        assert!(a.find("titane").is_empty());
        assert!(a.find("de").is_empty(), "too short to mean anything");
    }

    #[test]
    fn an_activity_is_found_by_the_start_of_its_code() {
        let a = activities();
        assert_eq!(codes(a.find("25.62")), ["25.62", "25.62A", "25.62B"]);
        assert_eq!(codes(a.find("25.62b")), ["25.62B"]);
        assert!(a.find(&"x".repeat(101)).is_empty());
    }
}
