//! Turning search parameters into a tantivy query, and collecting results, facets and
//! distances in one pass.
//!
//! Text: every word must match (AND). A word matches exactly (its French stem in the name,
//! capabilities, NAF labels, description; its folded form in certifications and places) or,
//! failing that, with one typo (words of 5+ letters) or as a prefix (the last word, while
//! typing). Exact matches score a constant 2 plus BM25; typo and prefix matches a constant
//! weight by field summing to under 2, so for any word an exact match always outranks a
//! tolerant one. Filters never score.
//! Visibility is a filter inside the query, never applied afterwards.

use super::analysis::{positioned_tokens, tokens, ENGLISH, FOLDED, FRENCH};
use super::documents::{Fields, AUDIENCES, FACETS};
use super::index::SearchIndex;
use app::api::search::{SearchParams, SearchSort};
use app::domain::geo::Point;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::ops::Bound;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    index::SegmentId, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term,
};

/// Score of an exact word match on top of BM25. Tolerant matches weigh at most
/// 0.5 + 0.35 + 0.25 + 0.15 (typo) + 0.5 + 0.2 (prefix) = 1.95, always below it.
const EXACT_TIER: Score = 2.0;

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

/// The words of a query outside quotes, and its quoted phrases. An unclosed quote (a phrase
/// still being typed) counts as words.
fn split_phrases(q: &str) -> (String, Vec<String>) {
    let mut words = String::new();
    let mut phrases = Vec::new();
    let parts: Vec<&str> = q.split('"').collect();
    let closed = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        let is_phrase = i % 2 == 1 && (closed || i + 1 < parts.len());
        if is_phrase && !part.trim().is_empty() {
            phrases.push((*part).to_owned());
        } else {
            words.push_str(part);
        }
        words.push(' ');
    }
    (words, phrases)
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

/// The text part of the query; `None` when the text has no searchable word.
///
/// Typo and prefix alternatives are only added for a word whose exact form is absent from
/// the index: a correctly spelt, complete word is matched exactly (and fast).
pub fn text_query(index: &SearchIndex, searcher: &Searcher, q: &str) -> Option<Box<dyn Query>> {
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
            for stem in &stems {
                for (field, weight) in [
                    (f.name, 0.5),
                    (f.capabilities, 0.35),
                    (f.naf_label, 0.25),
                    (f.description, 0.15),
                ] {
                    let fuzzy = Box::new(FuzzyTermQuery::new(term(field, stem), 1, true));
                    tolerant.push(Box::new(ConstScoreQuery::new(fuzzy, weight)));
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
                tolerant.push(Box::new(ConstScoreQuery::new(prefix_query(field, word), weight)));
            }
        }
        // The exact tier only matters against tolerant alternatives; without them the plain
        // BM25 union is the same ranking at half the work.
        let clause: Box<dyn Query> = if tolerant.is_empty() {
            exact
        } else {
            let exact_tier = any(vec![
                exact.box_clone(),
                Box::new(ConstScoreQuery::new(exact, EXACT_TIER)),
            ]);
            Box::new(DisjunctionMaxQuery::new(vec![exact_tier, any(tolerant)]))
        };
        clauses.push((Occur::Must, clause));
    }
    // Positions as the analyzer gives them: a removed stop word leaves its gap, as in the
    // indexed text ("traitement de surface" is "traitement _ surface").
    for stems in phrases {
        let per_field: Vec<Box<dyn Query>> = [f.name, f.capabilities, f.description]
            .into_iter()
            .map(|field| {
                let terms: Vec<(usize, Term)> =
                    stems.iter().map(|(p, s)| (*p, term(field, s))).collect();
                Box::new(PhraseQuery::new_with_offset(terms)) as Box<dyn Query>
            })
            .collect();
        clauses.push((Occur::Must, any(per_field)));
    }
    if clauses.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(clauses)))
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

/// Documents a viewer who may see `visibilities` may see: one `audience` term for a known
/// class of viewer, otherwise any of the visibilities.
pub fn visible_to(f: &Fields, visibilities: &[&str]) -> Box<dyn Query> {
    match AUDIENCES.iter().find(|(_, sees)| *sees == visibilities) {
        Some((audience, _)) => Box::new(TermQuery::new(
            term(f.audience, audience),
            IndexRecordOption::Basic,
        )),
        None => any(visibilities
            .iter()
            .map(|v| {
                Box::new(TermQuery::new(term(f.visibility, v), IndexRecordOption::Basic))
                    as Box<dyn Query>
            })
            .collect()),
    }
}

/// The whole query: text (if any) AND every filter AND visibility AND the distance box.
pub fn build(
    index: &SearchIndex,
    searcher: &Searcher,
    params: &SearchParams,
    near: Option<Point>,
    visibilities: &[&str],
) -> (Box<dyn Query>, Option<Box<dyn Query>>) {
    let f = &index.fields;
    let text = text_query(index, searcher, &params.q);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    clauses.push((
        Occur::Must,
        text.as_ref()
            .map(|t| t.box_clone())
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
    filters.push(visible_to(f, visibilities));
    if let (Some(p), Some(r)) = (near, params.radius_km) {
        filters.extend(bbox(f, p, r));
    }
    for filter in filters {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    (Box::new(BooleanQuery::new(clauses)), text)
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

/// The fast columns a search reads in one segment, opened once per segment and kept while
/// the segment is searched (opening ten dictionaries on every query cost about 3 % of it).
pub struct SegmentColumns {
    lat: Option<Column<f64>>,
    lon: Option<Column<f64>>,
    name_key: Option<Column<u64>>,
    facets: Vec<(&'static str, StrColumn)>,
    packed: Packed,
}

/// The single-valued facets of every document of a segment, packed into one word per
/// document: each facet's ordinal plus one (0 when the document has none) in its own bits.
/// Counting ten facets for every match then reads one array instead of ten columns.
/// Multi-valued facets (certifications, site labels) stay in their columns.
#[derive(Default)]
struct Packed {
    words: Vec<u64>,
    /// For each entry of `SegmentColumns::facets`: its shift and mask, if packed.
    slots: Vec<Option<(u32, u64)>>,
}

impl Packed {
    fn build(facets: &[(&'static str, StrColumn)], max_doc: u32) -> Packed {
        let mut slots = Vec::with_capacity(facets.len());
        let mut shift = 0u32;
        for (_, column) in facets {
            let terms = column.num_terms() as u64;
            let bits = u64::BITS - terms.leading_zeros();
            let single = column.ords().get_cardinality() != Cardinality::Multivalued;
            if single && terms > 0 && shift + bits <= u64::BITS {
                slots.push(Some((shift, (1u64 << bits) - 1)));
                shift += bits;
            } else {
                slots.push(None);
            }
        }
        let mut words = vec![0u64; max_doc as usize];
        let mut out = Vec::new();
        let docs: Vec<DocId> = (0..max_doc).collect();
        for (start, chunk) in docs.chunks(4096).enumerate() {
            let base = start * 4096;
            for ((_, column), slot) in facets.iter().zip(&slots) {
                let Some((shift, _)) = slot else { continue };
                out.clear();
                out.resize(chunk.len(), None);
                column.ords().first_vals(chunk, &mut out);
                for (i, ord) in out.iter().enumerate() {
                    if let Some(ord) = ord {
                        words[base + i] |= (ord + 1) << shift;
                    }
                }
            }
        }
        Packed { words, slots }
    }
}

/// Open columns by segment.
#[derive(Default)]
pub struct ColumnCache(Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>);

impl ColumnCache {
    fn columns(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = reader.segment_id();
        if let Some(found) = self.0.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(found);
        }
        let fast = reader.fast_fields();
        let mut facets = Vec::new();
        for name in FACETS {
            if let Some(column) = fast.str(name)? {
                facets.push((name, column));
            }
        }
        let packed = Packed::build(&facets, reader.max_doc());
        let columns = Arc::new(SegmentColumns {
            lat: fast.f64("lat").ok(),
            lon: fast.f64("lon").ok(),
            name_key: fast.u64("name_key").ok(),
            facets,
            packed,
        });
        if let Ok(mut map) = self.0.lock() {
            map.insert(id, columns.clone());
        }
        Ok(columns)
    }

    /// Keeps the columns of the segments `searcher` searches, opening any new ones now
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
            self.columns(reader)?;
        }
        Ok(())
    }
}

/// Counts matches inside the radius, facet values, and keeps the best `limit`.
pub struct SearchCollector {
    pub columns: Arc<ColumnCache>,
    pub near: Option<Point>,
    pub radius_km: Option<f64>,
    pub sort: SearchSort,
    pub limit: usize,
}

/// Matches buffered before distances and facets are read for them all at once: column reads
/// in blocks go through the columns' batch paths (one dynamic call and one rank lookup per
/// block instead of per document).
const BLOCK: usize = 512;

/// A facet column of a segment and the counts of its term ordinals, each at its ordinal
/// plus one (slot 0 counts documents without a value).
struct FacetCounter {
    name: &'static str,
    column: StrColumn,
    packed: Option<(u32, u64)>,
    counts: Vec<u64>,
}

pub struct SegmentSearch {
    segment: SegmentOrdinal,
    near: Option<Point>,
    radius_km: Option<f64>,
    sort: SearchSort,
    limit: usize,
    lat: Option<Column<f64>>,
    lon: Option<Column<f64>>,
    name_key: Option<Column<u64>>,
    facets: Vec<FacetCounter>,
    columns: Arc<SegmentColumns>,
    total: u64,
    heap: BinaryHeap<Candidate>,
    /// The block being filled: matches and their scores.
    docs: Vec<DocId>,
    scores: Vec<Score>,
    /// Scratch space for a block's column reads.
    rows: Vec<u32>,
    row_docs: Vec<DocId>,
    ords: Vec<u64>,
    words: Vec<u64>,
    lats: Vec<Option<f64>>,
    lons: Vec<Option<f64>>,
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
        let columns = self.columns.columns(reader)?;
        let facets = columns
            .facets
            .iter()
            .zip(&columns.packed.slots)
            .map(|((name, column), packed)| FacetCounter {
                name,
                column: column.clone(),
                packed: *packed,
                counts: vec![0u64; column.num_terms() + 1],
            })
            .collect();
        Ok(SegmentSearch {
            segment,
            near: self.near,
            radius_km: self.radius_km,
            sort: self.sort,
            limit: self.limit,
            lat: columns.lat.clone(),
            lon: columns.lon.clone(),
            name_key: columns.name_key.clone(),
            facets,
            columns,
            total: 0,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            docs: Vec::with_capacity(BLOCK),
            scores: Vec::with_capacity(BLOCK),
            rows: Vec::with_capacity(BLOCK),
            row_docs: Vec::with_capacity(BLOCK),
            ords: Vec::with_capacity(BLOCK),
            words: Vec::with_capacity(BLOCK),
            lats: Vec::with_capacity(BLOCK),
            lons: Vec::with_capacity(BLOCK),
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

/// Reads the first value of `column` for each of `docs` into `out`.
fn first_values<T>(column: &Option<Column<T>>, docs: &[DocId], out: &mut Vec<Option<T>>)
where
    T: Copy + PartialOrd + std::fmt::Debug + Send + Sync + 'static,
{
    out.clear();
    out.resize(docs.len(), None);
    if let Some(column) = column {
        column.first_vals(docs, out);
    }
}

impl SegmentSearch {
    /// Applies the radius to the buffered block, then counts its facets and offers its
    /// documents to the top-k heap.
    fn flush(&mut self) {
        if self.docs.is_empty() {
            return;
        }
        let mut distances: Vec<Option<f64>> = Vec::new();
        if let Some(p) = self.near {
            first_values(&self.lat, &self.docs, &mut self.lats);
            first_values(&self.lon, &self.docs, &mut self.lons);
            distances = self
                .lats
                .iter()
                .zip(&self.lons)
                .map(|(la, lo)| match (la, lo) {
                    (Some(lat), Some(lon)) => Some(p.distance_km(&Point {
                        lat: *lat,
                        lon: *lon,
                    })),
                    _ => None,
                })
                .collect();
            if let Some(r) = self.radius_km {
                let mut kept = 0;
                for i in 0..self.docs.len() {
                    if matches!(distances[i], Some(d) if d <= r) {
                        self.docs[kept] = self.docs[i];
                        self.scores[kept] = self.scores[i];
                        distances[kept] = distances[i];
                        kept += 1;
                    }
                }
                self.docs.truncate(kept);
                self.scores.truncate(kept);
                distances.truncate(kept);
            }
        }
        self.total += self.docs.len() as u64;
        let packed = &self.columns.packed.words;
        self.words.clear();
        self.words
            .extend(self.docs.iter().map(|d| packed.get(*d as usize).copied().unwrap_or(0)));
        for facet in &mut self.facets {
            if let Some((shift, mask)) = facet.packed {
                for word in &self.words {
                    if let Some(c) = facet.counts.get_mut(((word >> shift) & mask) as usize) {
                        *c += 1;
                    }
                }
                continue;
            }
            let ords = facet.column.ords();
            self.rows.clear();
            self.row_docs.clear();
            ords.row_ids_for_docs(&self.docs, &mut self.row_docs, &mut self.rows);
            self.ords.clear();
            self.ords.resize(self.rows.len(), 0);
            ords.values.get_vals(&self.rows, &mut self.ords);
            for ord in &self.ords {
                if let Some(c) = facet.counts.get_mut(*ord as usize + 1) {
                    *c += 1;
                }
            }
        }
        if self.sort == SearchSort::Name {
            first_values(&self.name_key, &self.docs, &mut self.keys);
        }
        for (i, (&doc, &score)) in self.docs.iter().zip(&self.scores).enumerate() {
            let distance_km = distances.get(i).copied().flatten();
            let key = match self.sort {
                SearchSort::Relevance => -f64::from(score),
                SearchSort::Distance => distance_km.unwrap_or(f64::MAX),
                SearchSort::Name => self.keys[i].unwrap_or(u64::MAX) as f64,
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
        for facet in self.facets {
            // Ordinals come out sorted: one sequential pass over the dictionary names them
            // (a lookup per ordinal would decode a dictionary block each time).
            let ords: Vec<u64> = facet
                .counts
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, c)| **c > 0)
                .map(|(slot, _)| slot as u64 - 1)
                .collect();
            let mut names = Vec::with_capacity(ords.len());
            let found = facet.column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                names.push(String::from_utf8_lossy(bytes).into_owned())
            });
            let mut values = BTreeMap::new();
            if matches!(found, Ok(true)) {
                for (ord, name) in ords.iter().zip(names) {
                    values.insert(name, facet.counts[*ord as usize + 1]);
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
    match text_query(index, &searcher, q) {
        Some(query) => top_ids(index, &searcher, query, kind, limit),
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
        (Occur::Must, visible_to(f, visibilities)),
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
    use super::split_phrases;

    #[test]
    fn closed_quotes_make_phrases_and_an_unclosed_one_stays_words() {
        let (words, phrases) = split_phrases("titane \"usinage 5 axes\" inox");
        assert_eq!(phrases, vec!["usinage 5 axes"]);
        assert_eq!(words.split_whitespace().collect::<Vec<_>>(), ["titane", "inox"]);

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
