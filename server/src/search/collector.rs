//! One pass over the matches: the total inside the radius, the facet counts and the best
//! `limit` results, read from packed per-segment tables of facet values and coordinates.

use super::documents::FACETS;
use app::api::search::SearchSort;
use app::domain::geo::Point;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::{
    index::SegmentId, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader,
};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use crate::search::index::SearchIndex;
    use tantivy::TantivyDocument;

    #[test]
    fn multi_valued_facets_count_every_value_of_every_match() -> anyhow::Result<()> {
        use super::SearchCollector;
        use app::api::search::SearchSort;
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
}
