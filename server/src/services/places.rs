//! The one gazetteer rule, for every place a person types (search's "Près de", an annonce's
//! commune): a commune's name, a postal code, an INSEE code, or coordinates `lat,lon`.
//!
//! Five digits are read as a postal code first (what people know), then as an INSEE code
//! (3,056 strings are both: `59232` is the postal code of Vieux-Berquin and the INSEE code of
//! La Flamengrie; the person typing it almost always means the post). A postal code shared by
//! several communes stands for the most populous of them; so does a name. A place not found
//! comes with suggestions: names starting with what was typed, then names within two typing
//! mistakes ("Clusse" -> Cluses), most populous first.

use crate::db::fetch_all;
use app::api::search::Near;
use app::domain::geo::Point;
use app::domain::text::fold;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

/// Suggestions offered for a place not found.
const SUGGESTIONS: usize = 5;
/// Typing mistakes a suggestion may be away from what was typed.
const MAX_MISTAKES: usize = 2;

/// A commune, as a place resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub insee: String,
    pub name: String,
    pub point: Point,
}

impl Place {
    /// `Cluses (74)`: the name and its département, to tell namesakes apart.
    pub fn label(&self) -> String {
        let department = if self.insee.starts_with("97") {
            &self.insee[..3]
        } else {
            &self.insee[..2]
        };
        format!("{} ({department})", self.name)
    }
}

struct Commune {
    insee: [u8; 5],
    name: Box<str>,
    /// `fold(name)`, for suggestions.
    folded: Box<str>,
    point: Point,
}

/// Every commune with coordinates, and the ways to find one.
pub struct Places {
    /// Most populous first.
    communes: Vec<Commune>,
    /// `(INSEE code, index)`, sorted by code.
    by_insee: Vec<([u8; 5], u32)>,
    /// `(postal code, index)`, sorted by code, then by population (most populous first).
    by_postal: Vec<([u8; 5], u32)>,
    /// Folded name -> the most populous commune of that name.
    by_name: HashMap<Box<str>, u32>,
}

#[derive(FromQueryResult)]
struct Row {
    insee: String,
    name: String,
    postal_codes: Option<String>,
    latitude: f64,
    longitude: f64,
}

fn code5(s: &str) -> Option<[u8; 5]> {
    s.as_bytes().try_into().ok()
}

impl Places {
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Places> {
        let rows: Vec<Row> = fetch_all(
            db,
            "SELECT insee, name, postal_codes, latitude, longitude FROM commune \
             WHERE latitude IS NOT NULL AND longitude IS NOT NULL \
             ORDER BY population DESC, insee",
            vec![],
        )
        .await?;
        Ok(Places::from_rows(rows))
    }

    fn from_rows(rows: Vec<Row>) -> Places {
        let mut communes = Vec::with_capacity(rows.len());
        let mut by_insee = Vec::with_capacity(rows.len());
        let mut by_postal = Vec::with_capacity(rows.len());
        let mut by_name = HashMap::with_capacity(rows.len());
        for row in rows {
            let Some(insee) = code5(&row.insee) else {
                continue;
            };
            let i = communes.len() as u32;
            by_insee.push((insee, i));
            for postal in row
                .postal_codes
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
            {
                if let Some(code) = code5(postal) {
                    by_postal.push((code, i));
                }
            }
            let folded: Box<str> = fold(&row.name).into();
            // Rows come most populous first: the first of a name keeps it.
            by_name.entry(folded.clone()).or_insert(i);
            communes.push(Commune {
                insee,
                name: row.name.into(),
                folded,
                point: Point {
                    lat: row.latitude,
                    lon: row.longitude,
                },
            });
        }
        by_insee.sort_unstable();
        // Stable: within a code, the population order of the rows stays.
        by_postal.sort_by_key(|(code, _)| *code);
        Places {
            communes,
            by_insee,
            by_postal,
            by_name,
        }
    }

    fn place(&self, i: u32) -> Place {
        let c = &self.communes[i as usize];
        Place {
            insee: String::from_utf8_lossy(&c.insee).into_owned(),
            name: c.name.to_string(),
            point: c.point,
        }
    }

    fn find(list: &[([u8; 5], u32)], code: &str) -> Option<u32> {
        let code = code5(code)?;
        let at = list.partition_point(|(c, _)| *c < code);
        list.get(at).filter(|(c, _)| *c == code).map(|(_, i)| *i)
    }

    /// The commune of a postal code, then of an INSEE code.
    pub fn by_code(&self, code: &str) -> Option<Place> {
        Places::find(&self.by_postal, code)
            .or_else(|| Places::find(&self.by_insee, code))
            .map(|i| self.place(i))
    }

    /// The most populous commune of this name (accents, case, hyphens ignored).
    pub fn by_name(&self, name: &str) -> Option<Place> {
        self.by_name.get(fold(name).trim()).map(|i| self.place(*i))
    }

    /// The point of a place parsed from a `near` value; `None` when it names no commune.
    pub fn locate(&self, near: &Near) -> Option<Point> {
        match near {
            Near::Point(p) => Some(*p),
            Near::Commune(code) => self.by_code(code.as_str()).map(|p| p.point),
            Near::Name(name) => self.by_name(name).map(|p| p.point),
        }
    }

    /// Every commune of a postal code, most populous first.
    pub fn of_postal_code(&self, code: &str) -> Vec<Place> {
        let Some(code) = code5(code) else {
            return Vec::new();
        };
        let at = self.by_postal.partition_point(|(c, _)| *c < code);
        self.by_postal[at..]
            .iter()
            .take_while(|(c, _)| *c == code)
            .map(|(_, i)| self.place(*i))
            .collect()
    }

    /// The communes to offer while a person types a place: those of a postal code or an
    /// INSEE code for five characters, else [`Places::suggest`]'s names. CPU-bound: call it off
    /// the async runtime.
    pub fn choices(&self, typed: &str) -> Vec<Place> {
        let typed = typed.trim();
        if typed.len() == 5 && typed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let code = typed.to_ascii_uppercase();
            let mut list = self.of_postal_code(&code);
            if let Some(p) = self.by_insee(&code).filter(|p| !list.contains(p)) {
                list.push(p);
            }
            list.truncate(SUGGESTIONS * 2);
            return list;
        }
        // A name already complete (as a pick writes it) needs no more choices.
        if self.commune(typed).is_some_and(|p| p.label() == typed) {
            return Vec::new();
        }
        self.suggest(typed)
    }

    /// The commune of an INSEE code only (a stored code, never a postal one).
    pub fn by_insee(&self, code: &str) -> Option<Place> {
        Places::find(&self.by_insee, code).map(|i| self.place(i))
    }

    /// The commune of this name in this département: `Saint-Martin (73)`, the way
    /// [`Place::label`] writes it, tells namesakes apart. A linear pass, under a millisecond.
    fn by_name_in(&self, name: &str, department: &str) -> Option<Place> {
        let folded = fold(name);
        let folded = folded.trim();
        self.communes
            .iter()
            .position(|c| {
                &*c.folded == folded
                    && c.insee
                        .starts_with(department.to_ascii_uppercase().as_bytes())
            })
            .map(|i| self.place(i as u32))
    }

    /// The commune a person typed: a name (with its département in brackets, as the pages
    /// write it, or without), a postal code or an INSEE code.
    pub fn commune(&self, typed: &str) -> Option<Place> {
        let typed = typed.trim();
        if typed.len() == 5 && typed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            if let Some(p) = self.by_code(&typed.to_ascii_uppercase()) {
                return Some(p);
            }
        }
        if let Some((name, rest)) = typed.strip_suffix(')').and_then(|t| t.rsplit_once(" (")) {
            let department = rest.trim();
            if (2..=3).contains(&department.len())
                && department.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return self.by_name_in(name, department);
            }
        }
        self.by_name(typed)
    }

    /// Communes that may be the one meant by `typed`, which names none: names starting with
    /// it, then names within two typing mistakes of it, most populous first. CPU-bound (a
    /// pass over every name): call it off the async runtime.
    pub fn suggest(&self, typed: &str) -> Vec<Place> {
        let q = fold(typed).trim().to_owned();
        let len = q.chars().count();
        if !(2..=60).contains(&len) || q.bytes().all(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        let mut prefixed = Vec::new();
        let mut close: Vec<(usize, u32)> = Vec::new();
        for (i, c) in self.communes.iter().enumerate() {
            if prefixed.len() >= SUGGESTIONS && close.len() >= SUGGESTIONS * 4 {
                break;
            }
            if len >= 3 && c.folded.starts_with(q.as_str()) {
                if prefixed.len() < SUGGESTIONS {
                    prefixed.push(i as u32);
                }
                continue;
            }
            if c.folded.chars().count().abs_diff(len) > MAX_MISTAKES {
                continue;
            }
            if let Some(d) = mistakes(&q, &c.folded, MAX_MISTAKES) {
                close.push((d, i as u32));
            }
        }
        // Fewer mistakes first; among equals, the population order of the pass.
        close.sort_by_key(|(d, _)| *d);
        prefixed
            .into_iter()
            .chain(close.into_iter().map(|(_, i)| i))
            .take(SUGGESTIONS)
            .map(|i| self.place(i))
            .collect()
    }
}

/// The edit distance between `a` and `b` (insertions, deletions, substitutions, swaps of two
/// neighbours), if it is at most `max`.
fn mistakes(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (previous[j] + 1)
                .min(row[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        if row.iter().min().is_some_and(|m| *m > max) {
            return None;
        }
        before = std::mem::replace(&mut previous, row);
    }
    let d = previous[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn places() -> Places {
        let row = |insee: &str, name: &str, postal: &str, lat: f64| Row {
            insee: insee.into(),
            name: name.into(),
            postal_codes: Some(postal.into()),
            latitude: lat,
            longitude: 6.0,
        };
        // Most populous first, as `load` reads them.
        Places::from_rows(vec![
            row("74081", "Cluses", "74300", 46.06),
            row("74280", "Thyez", "74300", 46.08),
            row("74080", "La Clusaz", "74220", 45.9),
            row("59232", "La Flamengrie", "59570", 50.3),
            row("59618", "Vieux-Berquin", "59232", 50.7),
            row("73250", "Saint-Martin", "73000", 45.5),
            row("74250", "Saint-Martin", "74000", 46.0),
        ])
    }

    #[test]
    fn a_label_reads_back_as_its_own_commune() {
        let p = places();
        // Namesakes: the département in brackets picks one; without it, the most populous.
        assert_eq!(p.commune("Saint-Martin (74)").unwrap().insee, "74250");
        assert_eq!(p.commune("saint martin (73)").unwrap().insee, "73250");
        assert_eq!(p.commune("Saint-Martin").unwrap().insee, "73250");
        assert_eq!(p.commune("Saint-Martin (01)"), None);
        // An INSEE code that is also a postal code: its label, not the code, keeps the commune.
        let flamengrie = p.by_insee("59232").unwrap();
        assert_eq!(p.commune(&flamengrie.label()).unwrap().insee, "59232");
        for place in [p.by_insee("74081").unwrap(), p.by_insee("74280").unwrap()] {
            assert_eq!(p.commune(&place.label()).unwrap().insee, place.insee);
        }
    }

    #[test]
    fn a_place_is_a_name_a_postal_code_or_an_insee_code() {
        let p = places();
        assert_eq!(p.commune("Cluses").unwrap().insee, "74081");
        assert_eq!(p.commune(" cluses ").unwrap().insee, "74081");
        assert_eq!(p.commune("la clusaz").unwrap().insee, "74080");
        // A postal code of two communes is the most populous one.
        assert_eq!(p.commune("74300").unwrap().name, "Cluses");
        assert_eq!(p.commune("74280").unwrap().name, "Thyez");
        // Both a postal code and an INSEE code: the post wins.
        assert_eq!(p.commune("59232").unwrap().name, "Vieux-Berquin");
        assert_eq!(p.commune("Clusse"), None);
        assert_eq!(p.commune("99999"), None);
        assert_eq!(p.commune("74300").unwrap().label(), "Cluses (74)");
    }

    #[test]
    fn a_place_not_found_comes_with_what_it_may_be() {
        let p = places();
        let names =
            |typed: &str| -> Vec<String> { p.suggest(typed).into_iter().map(|s| s.name).collect() };
        assert_eq!(names("Clusse"), ["Cluses"]);
        assert_eq!(names("Culses"), ["Cluses"], "two letters swapped");
        assert_eq!(names("Vieux"), ["Vieux-Berquin"], "the start of a name");
        assert_eq!(names("la clus"), ["La Clusaz"]);
        assert!(names("Zzzzzz").is_empty());
        assert!(names("99999").is_empty());
        assert!(names(&"x".repeat(200)).is_empty());
    }

    #[test]
    fn choices_offered_while_typing_follow_the_same_rule() {
        let p = places();
        let labels = |typed: &str| -> Vec<String> {
            p.choices(typed).into_iter().map(|s| s.label()).collect()
        };
        // A postal code offers each of its communes; an INSEE code, its commune too.
        assert_eq!(labels("74300"), ["Cluses (74)", "Thyez (74)"]);
        assert_eq!(
            labels("59232"),
            ["Vieux-Berquin (59)", "La Flamengrie (59)"]
        );
        assert_eq!(labels("Clus"), ["Cluses (74)"]);
        assert_eq!(labels("Clusse"), ["Cluses (74)"]);
        // Namesakes are told apart; a name already picked is offered nothing more.
        assert_eq!(
            labels("Saint-Mar"),
            ["Saint-Martin (73)", "Saint-Martin (74)"]
        );
        assert!(labels("Saint-Martin (74)").is_empty());
        assert!(labels("x").is_empty());
    }

    #[test]
    fn mistakes_are_counted_up_to_the_bound() {
        assert_eq!(mistakes("cluses", "cluses", 2), Some(0));
        assert_eq!(mistakes("clusse", "cluses", 2), Some(1));
        assert_eq!(mistakes("cluse", "cluses", 2), Some(1));
        assert_eq!(mistakes("clu", "cluses", 2), None);
        assert_eq!(mistakes("annecy", "cluses", 2), None);
    }
}
