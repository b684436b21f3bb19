//! Turning search parameters into a tantivy query, and collecting results, facets and
//! distances in one pass.
//!
//! Text: every word must match (AND). A word matches exactly (its French stem in the name,
//! capabilities, NAF labels, description; its folded form in certifications and places) or,
//! failing that, with one typo (words of 5+ letters) or as a prefix (the last word, while
//! typing). Exact matches score a constant 2 plus BM25; typo and prefix matches a constant
//! weight by field summing to under 2, so for any word an exact match always outranks a
//! tolerant one. Filters never score. Quoted phrases match through indexed shingles.
//! Visibility is a filter inside the query, never applied afterwards.

use super::analysis::{positioned_tokens, shingle, tokens, ENGLISH, FOLDED, FRENCH};
use super::documents::{Fields, AUDIENCES, FACETS};
use super::index::SearchIndex;
use app::api::search::{SearchParams, SearchSort};
use app::domain::geo::Point;
use app::domain::text::{bounded_query, split_phrases, QueryTextError};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DfaWrapper, DisjunctionMaxQuery,
    EmptyQuery, EnableScoring, Explanation, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    index::SegmentId, DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentOrdinal,
    SegmentReader, Term,
};

/// Score of an exact word match on top of BM25. Tolerant matches weigh at most
/// 0.5 + 0.35 + 0.25 + 0.15 (typo) + 0.5 + 0.2 (prefix) = 1.95, always below it.
const EXACT_TIER: Score = 2.0;

/// Most terms one typo may expand to, over the four fields it is looked for in.
const MAX_EXPANSIONS: usize = 256;

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn term_query(field: Field, text: &str, boost: Score) -> Box<dyn Query> {
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

fn any(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// A query scored and ordered as its inner one, adjusted: `plus` is added to every score
/// (the exact tier, without evaluating the exact clauses twice), and a `last` clause
/// reports the highest cost, so an intersection is driven by its other clauses and only
/// asks this one about their common documents. Phrase positions, costly to read, are then
/// read for the documents holding every triple of the phrase, not for every document
/// holding its words (tantivy's own estimate can put the phrase first).
#[derive(Debug)]
struct Adjusted {
    query: Box<dyn Query>,
    plus: Score,
    last: bool,
}

impl Adjusted {
    fn checked_last(query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Adjusted {
            query,
            plus: 0.0,
            last: true,
        })
    }

    fn plus(query: Box<dyn Query>, plus: Score) -> Box<dyn Query> {
        Box::new(Adjusted {
            query,
            plus,
            last: false,
        })
    }
}

impl Clone for Adjusted {
    fn clone(&self) -> Self {
        Adjusted {
            query: self.query.box_clone(),
            ..*self
        }
    }
}

impl Query for Adjusted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AdjustedWeight {
            weight: self.query.weight(scoring)?,
            plus: self.plus,
            last: self.last,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor)
    }
}

struct AdjustedWeight {
    weight: Box<dyn Weight>,
    plus: Score,
    last: bool,
}

impl Weight for AdjustedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(AdjustedScorer {
            scorer: self.weight.scorer(reader, boost)?,
            plus: self.plus,
            last: self.last,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.weight.explain(reader, doc)?;
        if self.plus == 0.0 {
            return Ok(inner);
        }
        let mut explanation = Explanation::new("exact tier", inner.value() + self.plus);
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct AdjustedScorer {
    scorer: Box<dyn Scorer>,
    plus: Score,
    last: bool,
}

impl DocSet for AdjustedScorer {
    fn advance(&mut self) -> DocId {
        self.scorer.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.scorer.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.scorer.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.scorer.doc()
    }

    fn size_hint(&self) -> u32 {
        self.scorer.size_hint()
    }

    fn cost(&self) -> u64 {
        if self.last {
            // High, with room for sums of costs not to overflow.
            u64::MAX >> 8
        } else {
            self.scorer.cost()
        }
    }
}

impl Scorer for AdjustedScorer {
    fn score(&mut self) -> Score {
        self.scorer.score() + self.plus
    }
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
        let mut exact: Vec<Box<dyn Query>> = Vec::new();
        for stem in &stems {
            exact.push(term_query(f.name, stem, 3.0));
            exact.push(term_query(f.capabilities, stem, 2.0));
            exact.push(term_query(f.naf_label, stem, 1.5));
            exact.push(term_query(f.description, stem, 1.0));
        }
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
fn naf_field(f: &Fields, naf: &str) -> Field {
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
fn bbox(f: &Fields, p: Point, radius_km: f64) -> Vec<Box<dyn Query>> {
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
    let text = text_query(index, searcher, &params.q)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    clauses.push((
        Occur::Must,
        text.as_ref()
            .map(|t| t.query.box_clone())
            .unwrap_or_else(|| Box::new(AllQuery)),
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

/// One candidate in the top-k heap; the greatest is the worst kept.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// Lower is better.
    key: f64,
    pub score: Score,
    pub distance_km: Option<f64>,
    pub address: DocAddress,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then(self.address.segment_ord.cmp(&other.address.segment_ord))
            .then(self.address.doc_id.cmp(&other.address.doc_id))
    }
}

/// Everything one pass over the matches yields.
#[derive(Debug, Default)]
pub struct Collected {
    pub total: u64,
    /// Best first.
    pub top: Vec<Candidate>,
    pub facets: BTreeMap<&'static str, BTreeMap<String, u64>>,
}

/// The packed facets of one document: 128 bits hold the ten facets of a firm with room
/// to spare (in 64, the multi-valued ones no longer fitted and were read from lists, two
/// cache misses per match).
type Word = u128;

/// How one facet's values are laid out for counting.
enum Layout {
    /// Single-valued: the ordinal plus one (0: no value) in bits `shift..shift + width` of
    /// the document's packed word.
    Packed { shift: u32, mask: Word },
    /// Several values per document, from a short list of terms: bit `shift + o` of the
    /// packed word is set when the document has ordinal `o` (certifications, site labels).
    Bits { shift: u32, mask: Word },
    /// Several values per document: the ordinals of document `d` are
    /// `ords[starts[d]..starts[d + 1]]`.
    Lists { starts: Vec<u32>, ords: Vec<u32> },
}

/// One facet of a segment: its column (whose dictionary names ordinals) and its layout.
struct FacetTable {
    name: &'static str,
    column: StrColumn,
    layout: Layout,
}

/// What a search reads of one segment, laid out for counting when the segment is first
/// searched and kept while it is searched. Reading ten facet columns and two coordinate
/// columns per match (each an index rank and a dynamic call) was most of the time of a
/// query matching many documents; here a match costs one packed word (which also holds, as
/// one bit per term, the multi-valued facets with few terms), list entries for any other
/// multi-valued facet, and one coordinate pair. Memory: 16 bytes per document for the
/// packed word, 16 for coordinates and 4 per listed facet plus its values.
pub struct SegmentTable {
    facets: Vec<FacetTable>,
    words: Vec<Word>,
    /// Latitude and longitude per document; NaN without a place.
    points: Vec<(f64, f64)>,
    name_key: Option<Column<u64>>,
}

/// Documents read per column call while building a table.
const BUILD_CHUNK: usize = 4096;

impl SegmentTable {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let fast = reader.fast_fields();
        let max_doc = reader.max_doc();
        let docs: Vec<DocId> = (0..max_doc).collect();
        let mut words: Vec<Word> = vec![0; docs.len()];
        let mut facets = Vec::new();
        let mut shift = 0u32;
        let mut firsts: Vec<Option<u64>> = Vec::with_capacity(BUILD_CHUNK);
        for name in FACETS {
            let Some(column) = fast.str(name)? else {
                continue;
            };
            let terms = column.num_terms() as u64;
            let width = u64::BITS - terms.leading_zeros();
            let room = u64::from(Word::BITS - shift);
            let single = column.ords().get_cardinality() != Cardinality::Multivalued;
            let layout = if single && u64::from(width) <= room {
                for (chunk, start) in docs.chunks(BUILD_CHUNK).zip((0..).step_by(BUILD_CHUNK)) {
                    firsts.clear();
                    firsts.resize(chunk.len(), None);
                    column.ords().first_vals(chunk, &mut firsts);
                    for (word, ord) in words[start..].iter_mut().zip(&firsts) {
                        if let Some(ord) = ord {
                            *word |= Word::from(ord + 1) << shift;
                        }
                    }
                }
                let layout = Layout::Packed {
                    shift,
                    mask: Word::MAX.checked_shr(Word::BITS - width).unwrap_or(0),
                };
                shift += width;
                layout
            } else if !single && terms > 0 && terms <= room {
                for (word, doc) in words.iter_mut().zip(&docs) {
                    for ord in column.term_ords(*doc) {
                        *word |= 1 << (u64::from(shift) + ord);
                    }
                }
                let layout = Layout::Bits {
                    shift,
                    mask: Word::MAX >> (u64::from(Word::BITS) - terms),
                };
                shift += terms as u32;
                layout
            } else {
                let mut starts = Vec::with_capacity(docs.len() + 1);
                let mut ords = Vec::new();
                for doc in &docs {
                    starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
                    ords.extend(
                        column
                            .term_ords(*doc)
                            .map(|o| u32::try_from(o).unwrap_or(u32::MAX)),
                    );
                }
                starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
                Layout::Lists { starts, ords }
            };
            facets.push(FacetTable {
                name,
                column,
                layout,
            });
        }
        let mut points = vec![(f64::NAN, f64::NAN); docs.len()];
        if let (Ok(lat), Ok(lon)) = (fast.f64("lat"), fast.f64("lon")) {
            let mut lats = Vec::with_capacity(BUILD_CHUNK);
            let mut lons = Vec::with_capacity(BUILD_CHUNK);
            for (chunk, start) in docs.chunks(BUILD_CHUNK).zip((0..).step_by(BUILD_CHUNK)) {
                lats.clear();
                lats.resize(chunk.len(), None);
                lons.clear();
                lons.resize(chunk.len(), None);
                lat.first_vals(chunk, &mut lats);
                lon.first_vals(chunk, &mut lons);
                for ((point, la), lo) in points[start..].iter_mut().zip(&lats).zip(&lons) {
                    if let (Some(la), Some(lo)) = (la, lo) {
                        *point = (*la, *lo);
                    }
                }
            }
        }
        Ok(SegmentTable {
            facets,
            words,
            points,
            name_key: fast.u64("name_key").ok(),
        })
    }
}

/// Segment tables by segment.
#[derive(Default)]
pub struct TableCache(Mutex<HashMap<SegmentId, Arc<SegmentTable>>>);

impl TableCache {
    fn table(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        let id = reader.segment_id();
        if let Some(found) = self.0.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(found);
        }
        let table = Arc::new(SegmentTable::build(reader)?);
        if let Ok(mut map) = self.0.lock() {
            map.insert(id, table.clone());
        }
        Ok(table)
    }

    /// Keeps the tables of the segments `searcher` searches, building any new ones now
    /// (after a commit or a merge, so that no query pays for it), and forgets the others.
    pub fn refresh(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        if let Ok(mut map) = self.0.lock() {
            map.retain(|id, _| live.contains(id));
        }
        for reader in searcher.segment_readers() {
            self.table(reader)?;
        }
        Ok(())
    }
}

/// Counts matches inside the radius, facet values, and keeps the best `limit`.
pub struct SearchCollector {
    pub tables: Arc<TableCache>,
    pub near: Option<Point>,
    pub radius_km: Option<f64>,
    pub sort: SearchSort,
    pub limit: usize,
    /// When the index has one segment, each facet's values are named only down to the
    /// `facet_limit`-th largest count (ties included): the rest would not be shown.
    pub facet_limit: Option<usize>,
}

/// Matches buffered before their distances and facets are read all at once.
const BLOCK: usize = 512;

pub struct SegmentSearch {
    segment: SegmentOrdinal,
    near: Option<Point>,
    radius_km: Option<f64>,
    sort: SearchSort,
    limit: usize,
    facet_limit: Option<usize>,
    table: Arc<SegmentTable>,
    /// Per facet of the table: the count of each ordinal at ordinal + 1 (slot 0 counts
    /// documents without a value).
    counts: Vec<Vec<u64>>,
    total: u64,
    heap: BinaryHeap<Candidate>,
    /// The block being filled: matches and their scores.
    docs: Vec<DocId>,
    scores: Vec<Score>,
    /// Scratch space for a block.
    words: Vec<Word>,
    distances: Vec<Option<f64>>,
    keys: Vec<Option<u64>>,
}

impl Collector for SearchCollector {
    type Fruit = Collected;
    type Child = SegmentSearch;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentSearch> {
        let table = self.tables.table(reader)?;
        let counts = table
            .facets
            .iter()
            .map(|f| vec![0u64; f.column.num_terms() + 1])
            .collect();
        Ok(SegmentSearch {
            segment,
            near: self.near,
            radius_km: self.radius_km,
            sort: self.sort,
            limit: self.limit,
            facet_limit: self.facet_limit,
            table,
            counts,
            total: 0,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            docs: Vec::with_capacity(BLOCK),
            scores: Vec::with_capacity(BLOCK),
            words: Vec::with_capacity(BLOCK),
            distances: Vec::with_capacity(BLOCK),
            keys: Vec::with_capacity(BLOCK),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == SearchSort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<Collected>) -> tantivy::Result<Collected> {
        let mut out = Collected::default();
        let mut all = Vec::new();
        for fruit in fruits {
            out.total += fruit.total;
            all.extend(fruit.top);
            for (name, values) in fruit.facets {
                let merged = out.facets.entry(name).or_default();
                for (value, count) in values {
                    *merged.entry(value).or_default() += count;
                }
            }
        }
        all.sort();
        all.truncate(self.limit);
        out.top = all;
        Ok(out)
    }
}

impl SegmentSearch {
    /// Applies the radius to the buffered block, then counts its facets and offers its
    /// documents to the top-k heap.
    fn flush(&mut self) {
        if self.docs.is_empty() {
            return;
        }
        let table = &*self.table;
        self.distances.clear();
        if let Some(p) = self.near {
            self.distances.extend(self.docs.iter().map(|d| {
                let (lat, lon) = table
                    .points
                    .get(*d as usize)
                    .copied()
                    .unwrap_or((f64::NAN, f64::NAN));
                (!lat.is_nan() && !lon.is_nan()).then(|| p.distance_km(&Point { lat, lon }))
            }));
            if let Some(r) = self.radius_km {
                let mut kept = 0;
                for i in 0..self.docs.len() {
                    if matches!(self.distances[i], Some(d) if d <= r) {
                        self.docs[kept] = self.docs[i];
                        self.scores[kept] = self.scores[i];
                        self.distances[kept] = self.distances[i];
                        kept += 1;
                    }
                }
                self.docs.truncate(kept);
                self.scores.truncate(kept);
                self.distances.truncate(kept);
            }
        }
        self.total += self.docs.len() as u64;
        self.words.clear();
        self.words.extend(
            self.docs
                .iter()
                .map(|d| table.words.get(*d as usize).copied().unwrap_or(0)),
        );
        for (facet, counts) in table.facets.iter().zip(&mut self.counts) {
            match &facet.layout {
                Layout::Packed { shift, mask } => {
                    for word in &self.words {
                        if let Some(c) = counts.get_mut(((word >> shift) & mask) as usize) {
                            *c += 1;
                        }
                    }
                }
                Layout::Bits { shift, mask } => {
                    for word in &self.words {
                        let mut bits = (word >> shift) & mask;
                        while bits != 0 {
                            let ord = bits.trailing_zeros() as usize;
                            if let Some(c) = counts.get_mut(ord + 1) {
                                *c += 1;
                            }
                            bits &= bits - 1;
                        }
                    }
                }
                Layout::Lists { starts, ords } => {
                    for doc in &self.docs {
                        let d = *doc as usize;
                        let (Some(&from), Some(&to)) = (starts.get(d), starts.get(d + 1)) else {
                            continue;
                        };
                        for ord in ords.get(from as usize..to as usize).unwrap_or_default() {
                            if let Some(c) = counts.get_mut(*ord as usize + 1) {
                                *c += 1;
                            }
                        }
                    }
                }
            }
        }
        self.keys.clear();
        if self.sort == SearchSort::Name {
            self.keys.resize(self.docs.len(), None);
            if let Some(column) = &table.name_key {
                column.first_vals(&self.docs, &mut self.keys);
            }
        }
        for (i, (&doc, &score)) in self.docs.iter().zip(&self.scores).enumerate() {
            let distance_km = self.distances.get(i).copied().flatten();
            let key = match self.sort {
                SearchSort::Relevance => -f64::from(score),
                SearchSort::Distance => distance_km.unwrap_or(f64::MAX),
                SearchSort::Name => self.keys.get(i).copied().flatten().unwrap_or(u64::MAX) as f64,
            };
            let candidate = Candidate {
                key,
                score,
                distance_km,
                address: DocAddress::new(self.segment, doc),
            };
            if self.heap.len() < self.limit {
                self.heap.push(candidate);
            } else if let Some(worst) = self.heap.peek() {
                if candidate < *worst {
                    self.heap.pop();
                    self.heap.push(candidate);
                }
            }
        }
        self.docs.clear();
        self.scores.clear();
    }
}

impl SegmentCollector for SegmentSearch {
    type Fruit = Collected;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs.push(doc);
        self.scores.push(score);
        if self.docs.len() == BLOCK {
            self.flush();
        }
    }

    fn harvest(mut self) -> Collected {
        self.flush();
        let mut facets = BTreeMap::new();
        for (facet, counts) in self.table.facets.iter().zip(&self.counts) {
            // The smallest count that can be shown, when this segment is the whole index.
            let floor = match self.facet_limit {
                Some(limit) => {
                    let mut shown: Vec<u64> =
                        counts.iter().skip(1).copied().filter(|c| *c > 0).collect();
                    if shown.len() > limit {
                        let (_, nth, _) = shown.select_nth_unstable_by(limit - 1, |a, b| b.cmp(a));
                        *nth
                    } else {
                        1
                    }
                }
                None => 1,
            };
            // Ordinals come out sorted: one sequential pass over the dictionary names them
            // (a lookup per ordinal would decode a dictionary block each time).
            let ords: Vec<u64> = counts
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, c)| **c >= floor.max(1))
                .map(|(slot, _)| slot as u64 - 1)
                .collect();
            let mut names = Vec::with_capacity(ords.len());
            let found = facet
                .column
                .dictionary()
                .sorted_ords_to_term_cb(&ords, |bytes| {
                    names.push(String::from_utf8_lossy(bytes).into_owned())
                });
            let mut values = BTreeMap::new();
            if matches!(found, Ok(true)) {
                for (ord, name) in ords.iter().zip(names) {
                    if let Some(count) = counts.get(*ord as usize + 1) {
                        values.insert(name, *count);
                    }
                }
            }
            facets.insert(facet.name, values);
        }
        let mut top = self.heap.into_vec();
        top.sort();
        Collected {
            total: self.total,
            top,
            facets,
        }
    }
}

/// A kind filter as a query clause.
fn kind_is(f: &Fields, kind: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(term(f.kind, kind), IndexRecordOption::Basic))
}

/// Entity ids of the best `limit` documents of `kind` for `query`.
fn top_ids(
    index: &SearchIndex,
    searcher: &Searcher,
    query: Box<dyn Query>,
    kind: &str,
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    use tantivy::schema::Value;
    let query = BooleanQuery::new(vec![
        (Occur::Must, query),
        (Occur::Must, kind_is(&index.fields, kind)),
    ]);
    let top = searcher.search(
        &query,
        &tantivy::collector::TopDocs::with_limit(limit.max(1)).order_by_score(),
    )?;
    let mut ids = Vec::with_capacity(top.len());
    for (_, address) in top {
        let doc: tantivy::TantivyDocument = searcher.doc(address)?;
        if let Some(id) = doc
            .get_first(index.fields.entity_id)
            .and_then(|v| v.as_u64())
        {
            ids.push(i64::try_from(id).unwrap_or_default());
        }
    }
    Ok(ids)
}

/// Ids of documents of `kind` matching every word of `q` (as the search page matches),
/// best first. Blocking: call from a blocking task.
pub fn text_ids(
    index: &SearchIndex,
    q: &str,
    kind: &str,
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    let searcher = index.reader.searcher();
    match text_query(index, &searcher, q)? {
        Some(text) => top_ids(index, &searcher, text.query, kind, limit),
        None => Ok(Vec::new()),
    }
}

/// "More like this": documents of `kind` sharing the most distinctive words of `text` (any
/// of them, BM25-weighted, titles counting double), best first. Blocking.
pub fn similar_ids(
    index: &SearchIndex,
    text: &str,
    kind: &str,
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    let f = &index.fields;
    let searcher = index.reader.searcher();
    let mut stems = tokens(index.index.tokenizers(), FRENCH, text);
    stems.sort();
    stems.dedup();
    // Short words carry little meaning here; 40 distinct stems are plenty for a title and a
    // problem statement.
    stems.retain(|s| s.chars().count() >= 3);
    stems.truncate(40);
    if stems.is_empty() {
        return Ok(Vec::new());
    }
    let mut clauses = Vec::new();
    for stem in &stems {
        clauses.push(term_query(f.name, stem, 2.0));
        clauses.push(term_query(f.description, stem, 1.0));
    }
    top_ids(index, &searcher, any(clauses), kind, limit)
}

/// Firms that could answer a need: any of its words (French stems, in name, capabilities,
/// activity label or description) or any of its NAF codes, or a division that supplies them
/// (weaker), among `visibilities`, inside the box of the radius. Recall only: the ranking is
/// `app::domain::matching::score`. Blocking.
pub fn candidate_ids(
    index: &SearchIndex,
    text: &str,
    naf: &[String],
    near: Option<(Point, f64)>,
    visibilities: &[&str],
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    let f = &index.fields;
    let searcher = index.reader.searcher();
    let mut stems = tokens(index.index.tokenizers(), FRENCH, text);
    stems.sort();
    stems.dedup();
    stems.truncate(40);
    let mut wanted: Vec<Box<dyn Query>> = Vec::new();
    for stem in &stems {
        wanted.push(term_query(f.name, stem, 1.5));
        wanted.push(term_query(f.capabilities, stem, 2.0));
        wanted.push(term_query(f.naf_label, stem, 1.0));
        wanted.push(term_query(f.description, stem, 0.5));
    }
    for code in naf {
        let q = Box::new(TermQuery::new(
            term(naf_field(f, code), code),
            IndexRecordOption::Basic,
        ));
        wanted.push(Box::new(ConstScoreQuery::new(q, 3.0)));
        if let Some(division) = code.get(..2) {
            for (supplier, strength, _) in app::domain::matching::suppliers_of(division) {
                let q = Box::new(TermQuery::new(
                    term(f.naf_division, supplier),
                    IndexRecordOption::Basic,
                ));
                wanted.push(Box::new(ConstScoreQuery::new(q, f32::from(strength) * 0.3)));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, any(wanted)),
        (Occur::Must, kind_is(f, "firm")),
        visible_to(f, &searcher, visibilities),
    ];
    if let Some((p, r)) = near {
        for b in bbox(f, p, r) {
            clauses.push((Occur::Must, b));
        }
    }
    let query = BooleanQuery::new(clauses);
    let top = searcher.search(
        &query,
        &tantivy::collector::TopDocs::with_limit(limit.max(1)).order_by_score(),
    )?;
    let mut ids = Vec::with_capacity(top.len());
    for (_, address) in top {
        let reader = searcher.segment_reader(address.segment_ord);
        let column = reader.fast_fields().u64("entity_id")?;
        if let Some(id) = column.first(address.doc_id) {
            ids.push(i64::try_from(id).unwrap_or_default());
        }
    }
    Ok(ids)
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
    fn multi_valued_facets_count_every_value_of_every_match() -> anyhow::Result<()> {
        use super::{SearchCollector, SearchSort};
        use tantivy::query::AllQuery;
        let (index, _) = SearchIndex::open(None)?;
        let f = &index.fields;
        let labels = ["EN 9100", "ISO 9001", "ISO 14001", "IATF 16949"];
        let mut expected = std::collections::BTreeMap::<String, u64>::new();
        // Two commits, so several segments, with none to three values per document.
        for batch in 0..2u64 {
            let mut docs = Vec::new();
            for i in 0..40u64 {
                let key = format!("organisation:{batch}-{i}");
                let mut doc = TantivyDocument::default();
                doc.add_text(f.id, &key);
                doc.add_text(f.kind, "firm");
                for (j, label) in labels.iter().enumerate() {
                    if (i + batch) % (j as u64 + 2) == 0 {
                        doc.add_text(f.certification, *label);
                        *expected.entry((*label).to_owned()).or_default() += 1;
                    }
                }
                docs.push((key, doc));
            }
            index.apply(docs, Vec::new(), batch as i64 + 1)?;
        }
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() >= 2);
        let collector = SearchCollector {
            tables: index.tables.clone(),
            near: None,
            radius_km: None,
            sort: SearchSort::Relevance,
            limit: 10,
            facet_limit: None,
        };
        let collected = searcher.search(&AllQuery, &collector)?;
        assert_eq!(collected.total, 80);
        assert_eq!(collected.facets["certification"], expected);
        assert_eq!(collected.facets["kind"]["firm"], 80);
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
