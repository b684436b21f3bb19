//! Turning search parameters into a tantivy query. The scorer wrapper it uses is in
//! `scorer.rs`, the one-pass collector of results, facets and distances in `collector.rs`,
//! and the id lookups other services make over the same index in `lookups.rs`.
//!
//! Text: every word must match (AND). A word matches exactly (its French stem in the name,
//! capabilities, NAF labels, description; its folded form in certifications and places) or,
//! failing that, with one typo (words of 5+ letters) or as a prefix (the last word, while
//! typing). Exact matches score a constant 2 plus BM25; typo and prefix matches a constant
//! weight by field summing to under 2, so for any word an exact match always outranks a
//! tolerant one. Filters never score. Quoted phrases match through indexed shingles.
//! Visibility is a filter inside the query, never applied afterwards.

use super::analysis::{positioned_tokens, shingle, tokens, ENGLISH, FOLDED, FRENCH};
use super::documents::{Fields, AUDIENCES};
use super::index::SearchIndex;
use super::scorer::Adjusted;
use app::api::search::SearchParams;
use app::domain::geo::Point;
use app::domain::text::{bounded_query, split_phrases, QueryTextError};
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DfaWrapper, DisjunctionMaxQuery,
    EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Searcher, Term};

/// Score of an exact word match on top of BM25. Tolerant matches weigh at most
/// 0.5 + 0.35 + 0.25 + 0.15 (typo) + 0.5 + 0.2 (prefix) = 1.95, always below it.
const EXACT_TIER: Score = 2.0;

/// Most terms one typo may expand to, over the four fields it is looked for in.
const MAX_EXPANSIONS: usize = 256;

pub(super) fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

pub(super) fn term_query(field: Field, text: &str, boost: Score) -> Box<dyn Query> {
    let q: Box<dyn Query> = Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ));
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// A term clause for every stem in every field, each with its field's weight.
pub(super) fn weighted_terms(stems: &[String], fields: &[(Field, Score)]) -> Vec<Box<dyn Query>> {
    stems
        .iter()
        .flat_map(|stem| {
            fields
                .iter()
                .map(move |(field, weight)| term_query(*field, stem, *weight))
        })
        .collect()
}

pub(super) fn any(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Whether any document holds `text` in one of `fields`.
fn indexed(searcher: &Searcher, fields: &[Field], text: &str) -> bool {
    fields.iter().any(|f| {
        searcher
            .doc_freq(&term(*f, text))
            .map(|n| n > 0)
            .unwrap_or(false)
    })
}

/// The terms of `fields` that `dfa` accepts, in any segment, at most `limit` of them: a
/// typo's expansions, found once per query (tantivy's fuzzy query would build the automaton
/// and a bitset of every matching document once per field and segment).
fn expand(
    searcher: &Searcher,
    fields: &[Field],
    dfa: &DfaWrapper,
    limit: usize,
) -> Vec<(Field, String)> {
    let mut found: Vec<(Field, String)> = Vec::new();
    for &field in fields {
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(dfa).into_stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !found.iter().any(|(f, t)| *f == field && t == text) {
                    if found.len() == limit {
                        return found;
                    }
                    found.push((field, text.to_owned()));
                }
            }
        }
    }
    found
}

/// Whether a segment of `field` holds a term that starts with `prefix` and is longer: a
/// prefix query that could add nothing is not built.
fn extends(searcher: &Searcher, field: Field, prefix: &str) -> bool {
    searcher.segment_readers().iter().any(|segment| {
        let Ok(inverted) = segment.inverted_index(field) else {
            return false;
        };
        let Ok(mut stream) = inverted.terms().range().gt(prefix.as_bytes()).into_stream() else {
            return false;
        };
        stream.advance() && stream.key().starts_with(prefix.as_bytes())
    })
}

/// Documents holding a term that starts with `prefix` (ASCII letters and digits): the range
/// of the term dictionary from the prefix up to the prefix with its last byte raised. A
/// range walk, unlike a regular expression, builds no automaton.
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let mut upper = prefix.as_bytes().to_vec();
    match upper.last_mut() {
        Some(last) if last.is_ascii_alphanumeric() => *last += 1,
        _ => return Box::new(EmptyQuery),
    }
    let upper = String::from_utf8_lossy(&upper).into_owned();
    Box::new(RangeQuery::new(
        Bound::Included(term(field, prefix)),
        Bound::Excluded(term(field, &upper)),
    ))
}

/// The text part of a search, and the terms its snippets highlight (the query's, and the
/// words of its phrases, which the query reaches through shingles).
pub struct TextQuery {
    pub query: Box<dyn Query>,
    pub highlight: Box<dyn Query>,
}

/// The text part of the query; `None` when the text has no searchable word.
///
/// Typo alternatives are only added for a word whose stem is absent from the index, and
/// prefix alternatives for the word being typed only when it is not a complete word and
/// the index holds a longer word starting with it: a correctly spelt, complete word is
/// matched exactly (and fast).
///
/// Every query passes `app::domain::text::bounded_query` here first, whoever calls: the work
/// a query costs grows with its distinct words, so the limit lives where the work is done.
pub fn text_query(
    index: &SearchIndex,
    searcher: &Searcher,
    q: &str,
) -> Result<Option<TextQuery>, QueryTextError> {
    let q = bounded_query(q)?;
    let q = q.as_str();
    let f = &index.fields;
    let manager = index.index.tokenizers();
    let typing = !q.ends_with(char::is_whitespace) && !q.ends_with('"');
    let (mut plain, quoted) = split_phrases(q);
    // A phrase requires each of its words in one field, so its words need no clauses of
    // their own (they would only add work to every match); a "phrase" of one word is a word.
    let mut phrases = Vec::new();
    for phrase in quoted {
        let stems = positioned_tokens(manager, FRENCH, &phrase);
        if stems.len() < 2 {
            plain.push(' ');
            plain.push_str(&phrase);
        } else {
            phrases.push(stems);
        }
    }
    let words = tokens(manager, FOLDED, &plain);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let stems = tokens(manager, FRENCH, word);
        let last = i + 1 == words.len();
        // A French stop word ("de", "la"...) is not a requirement, unless it is all there
        // is and is being typed (it may be the start of a longer word).
        if stems.is_empty() && !(last && typing && words.len() == 1) {
            continue;
        }
        let mut exact = weighted_terms(
            &stems,
            &[
                (f.name, 3.0),
                (f.capabilities, 2.0),
                (f.naf_label, 1.5),
                (f.description, 1.0),
            ],
        );
        for stem in tokens(manager, ENGLISH, word) {
            exact.push(term_query(f.description_en, &stem, 0.8));
        }
        exact.push(term_query(f.certifications_text, word, 2.0));
        exact.push(term_query(f.place, word, 1.5));
        exact.push(term_query(f.name_folded, word, 1.0));
        let exact = any(exact);
        // Tolerant matches score by where they hit, always below the exact tier in total.
        let mut tolerant: Vec<Box<dyn Query>> = Vec::new();
        let known = stems.iter().any(|s| {
            indexed(
                searcher,
                &[f.name, f.capabilities, f.description, f.naf_label],
                s,
            )
        });
        if word.chars().count() >= 5 && !known {
            let weights = [
                (f.name, 0.5),
                (f.capabilities, 0.35),
                (f.naf_label, 0.25),
                (f.description, 0.15),
            ];
            let fields: Vec<Field> = weights.iter().map(|(field, _)| *field).collect();
            for stem in &stems {
                let Ok(dfa) = FuzzyTermQuery::new(term(f.name, stem), 1, true).automaton() else {
                    continue;
                };
                let found = expand(searcher, &fields, &dfa, MAX_EXPANSIONS);
                for (field, weight) in weights {
                    let terms: Vec<Box<dyn Query>> = found
                        .iter()
                        .filter(|(f, _)| *f == field)
                        .map(|(_, t)| term_query(field, t, 1.0))
                        .collect();
                    if !terms.is_empty() {
                        tolerant.push(Box::new(ConstScoreQuery::new(any(terms), weight)));
                    }
                }
            }
        }
        let complete = indexed(
            searcher,
            &[f.name_folded, f.place, f.certifications_text],
            word,
        );
        if last && typing && !complete && word.chars().all(|c| c.is_ascii_alphanumeric()) {
            for (field, weight) in [(f.name_folded, 0.5), (f.place, 0.2)] {
                if extends(searcher, field, word) {
                    tolerant.push(Box::new(ConstScoreQuery::new(
                        prefix_query(field, word),
                        weight,
                    )));
                }
            }
        }
        // The exact tier only matters against tolerant alternatives; without them the plain
        // BM25 union is the same ranking at half the work.
        let clause: Box<dyn Query> = if tolerant.is_empty() {
            exact
        } else {
            let exact_tier = Adjusted::plus(exact, EXACT_TIER);
            Box::new(DisjunctionMaxQuery::new(vec![exact_tier, any(tolerant)]))
        };
        clauses.push((Occur::Must, clause));
    }
    // Positions as the analyzer gives them: a removed stop word leaves its gap, as in the
    // indexed text ("traitement de surface" is "trait _ surfac"). In each field, a phrase of
    // two or three stems is one shingle; a longer one needs all its triples, and is then
    // checked against positions, on those documents only.
    let mut highlight: Vec<Box<dyn Query>> = Vec::new();
    for stems in phrases {
        let refs: Vec<(usize, &str)> = stems.iter().map(|(p, s)| (*p, s.as_str())).collect();
        let shingles: Vec<String> = if refs.len() <= 3 {
            vec![shingle(&refs)]
        } else {
            refs.windows(3).map(shingle).collect()
        };
        let per_field: Vec<Box<dyn Query>> = [f.name, f.capabilities, f.description]
            .into_iter()
            .zip(f.shingles)
            .map(|(field, shingles_field)| {
                let mut parts: Vec<(Occur, Box<dyn Query>)> = shingles
                    .iter()
                    .map(|p| (Occur::Must, term_query(shingles_field, p, 1.0)))
                    .collect();
                if refs.len() > 3 {
                    let terms: Vec<(usize, Term)> =
                        stems.iter().map(|(p, s)| (*p, term(field, s))).collect();
                    let phrase = Box::new(PhraseQuery::new_with_offset(terms));
                    let checked = Adjusted::checked_last(phrase);
                    parts.push((Occur::Must, Box::new(ConstScoreQuery::new(checked, 0.0))));
                }
                Box::new(BooleanQuery::new(parts)) as Box<dyn Query>
            })
            .collect();
        clauses.push((Occur::Must, any(per_field)));
        highlight.extend(stems.iter().map(|(_, s)| term_query(f.description, s, 1.0)));
    }
    if clauses.is_empty() {
        Ok(None)
    } else {
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        highlight.push(query.box_clone());
        Ok(Some(TextQuery {
            query,
            highlight: any(highlight),
        }))
    }
}

/// The field a NAF filter value applies to, from its shape.
pub(super) fn naf_field(f: &Fields, naf: &str) -> Field {
    match naf.len() {
        1 => f.naf_section,
        2 => f.naf_division,
        4 => f.naf_group,
        5 => f.naf_class,
        _ => f.naf_code,
    }
}

/// Approximate kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.2;

/// Latitude and longitude ranges enclosing the circle of `radius_km` around `p`.
pub(super) fn bbox(f: &Fields, p: Point, radius_km: f64) -> Vec<Box<dyn Query>> {
    let dlat = radius_km / KM_PER_DEGREE;
    let dlon = radius_km / (KM_PER_DEGREE * p.lat.to_radians().cos().max(0.01));
    [
        (f.lat, p.lat - dlat, p.lat + dlat),
        (f.lon, p.lon - dlon, p.lon + dlon),
    ]
    .into_iter()
    .map(|(field, lo, hi)| {
        Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_f64(field, lo)),
            Bound::Included(Term::from_field_f64(field, hi)),
        )) as Box<dyn Query>
    })
    .collect()
}

/// The clause keeping what a viewer who may see `visibilities` may see. For a known class
/// of viewer, one term: required in `audience`, or, when most documents have it, excluded
/// in `hidden` (skipping through a short list instead of intersecting with a long one).
/// Otherwise any of the visibilities.
pub fn visible_to(
    f: &Fields,
    searcher: &Searcher,
    visibilities: &[&str],
) -> (Occur, Box<dyn Query>) {
    let Some((audience, _)) = AUDIENCES.iter().find(|(_, sees)| *sees == visibilities) else {
        let any_of = visibilities
            .iter()
            .map(|v| {
                Box::new(TermQuery::new(
                    term(f.visibility, v),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        return (Occur::Must, any(any_of));
    };
    let seen = searcher.doc_freq(&term(f.audience, audience)).unwrap_or(0);
    if seen.saturating_mul(2) > searcher.num_docs() {
        (
            Occur::MustNot,
            Box::new(TermQuery::new(
                term(f.hidden, audience),
                IndexRecordOption::Basic,
            )),
        )
    } else {
        (
            Occur::Must,
            Box::new(TermQuery::new(
                term(f.audience, audience),
                IndexRecordOption::Basic,
            )),
        )
    }
}

/// The whole query: text (if any) AND every filter AND visibility AND the distance box.
pub fn build(
    index: &SearchIndex,
    searcher: &Searcher,
    params: &SearchParams,
    near: Option<Point>,
    visibilities: &[&str],
) -> Result<(Box<dyn Query>, Option<TextQuery>), QueryTextError> {
    let f = &index.fields;
    // A SIRET typed in the box (14 digits, spaces allowed) names its establishment: that one,
    // not the firms whose words hold those digits.
    let siret = app::api::search::siret_in(&params.q);
    let text = match siret {
        Some(_) => None,
        None => text_query(index, searcher, &params.q)?,
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    clauses.push((
        Occur::Must,
        match (&siret, &text) {
            (Some(siret), _) => Box::new(TermQuery::new(
                term(f.siret, siret),
                IndexRecordOption::Basic,
            )),
            (None, Some(t)) => t.query.box_clone(),
            (None, None) => Box::new(AllQuery),
        },
    ));
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    let simple = [
        (f.kind, &params.kind),
        (f.region, &params.region),
        (f.department, &params.department),
        (f.territory, &params.territory),
        (f.certification, &params.certification),
        (f.headcount, &params.headcount),
        (f.site_label, &params.site_label),
        (f.axis, &params.axis),
        (f.sheet_status, &params.status),
        (f.funder, &params.funder),
    ];
    for (field, value) in simple {
        if let Some(v) = value {
            filters.push(Box::new(TermQuery::new(
                term(field, v),
                IndexRecordOption::Basic,
            )));
        }
    }
    if let Some(naf) = &params.naf {
        filters.push(Box::new(TermQuery::new(
            term(naf_field(f, naf), naf),
            IndexRecordOption::Basic,
        )));
    }
    let (occur, visible) = visible_to(f, searcher, visibilities);
    if occur == Occur::MustNot {
        clauses.push((occur, visible));
    } else {
        filters.push(visible);
    }
    if let (Some(p), Some(r)) = (near, params.radius_km) {
        filters.extend(bbox(f, p, r));
    }
    for filter in filters {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    Ok((Box::new(BooleanQuery::new(clauses)), text))
}

#[cfg(test)]
mod tests {
    use super::{expand, extends, term, FuzzyTermQuery};
    use crate::search::index::SearchIndex;
    use app::domain::text::split_phrases;
    use tantivy::TantivyDocument;

    /// An index in memory with one document per text, each committed alone: one segment each.
    fn segments(texts: &[&str]) -> anyhow::Result<SearchIndex> {
        let (index, _) = SearchIndex::open(None)?;
        let f = &index.fields;
        for (i, text) in texts.iter().enumerate() {
            let key = format!("organisation:{i}");
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &key);
            doc.add_text(f.name, *text);
            doc.add_text(f.name_folded, *text);
            doc.add_text(f.capabilities, *text);
            index.apply(vec![(key, doc)], Vec::new(), i as i64 + 1)?;
        }
        Ok(index)
    }

    #[test]
    fn a_typo_expands_once_to_the_terms_of_every_segment() -> anyhow::Result<()> {
        let index = segments(&["Décolletage", "décolletages de précision", "Forge"])?;
        let searcher = index.reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let f = &index.fields;
        let dfa = FuzzyTermQuery::new(term(f.name, "decoletag"), 1, true).automaton()?;
        let found = expand(&searcher, &[f.name, f.capabilities], &dfa, 256);
        // Both segments hold "decolletag" in both fields; each pair is listed once.
        assert_eq!(
            found,
            vec![
                (f.name, "decolletag".to_owned()),
                (f.capabilities, "decolletag".to_owned()),
            ]
        );
        assert_eq!(expand(&searcher, &[f.name], &dfa, 1).len(), 1);
        let far = FuzzyTermQuery::new(term(f.name, "decoupag"), 1, true).automaton()?;
        assert!(expand(&searcher, &[f.name, f.capabilities], &far, 256).is_empty());
        Ok(())
    }

    #[test]
    fn a_prefix_extends_only_when_a_longer_word_starts_with_it() -> anyhow::Result<()> {
        let index = segments(&["Inox Services", "Forges de l'Est"])?;
        let searcher = index.reader.searcher();
        let f = &index.fields;
        assert!(extends(&searcher, f.name_folded, "ino"));
        assert!(extends(&searcher, f.name_folded, "forg"));
        // Complete words, and words nothing continues, add no prefix clause.
        assert!(!extends(&searcher, f.name_folded, "inox"));
        assert!(!extends(&searcher, f.name_folded, "forges"));
        assert!(!extends(&searcher, f.name_folded, "zinc"));
        Ok(())
    }

    #[test]
    fn closed_quotes_make_phrases_and_an_unclosed_one_stays_words() {
        let (words, phrases) = split_phrases("titane \"usinage 5 axes\" inox");
        assert_eq!(phrases, vec!["usinage 5 axes"]);
        assert_eq!(
            words.split_whitespace().collect::<Vec<_>>(),
            ["titane", "inox"]
        );

        let (words, phrases) = split_phrases("\"traitement de sur");
        assert!(phrases.is_empty());
        assert_eq!(
            words.split_whitespace().collect::<Vec<_>>(),
            ["traitement", "de", "sur"]
        );

        let (words, phrases) = split_phrases("\"\" \" ");
        assert!(phrases.is_empty());
        assert!(words.trim().is_empty());
    }
}
