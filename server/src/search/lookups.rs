//! Side lookups over the same index: the ids of the best documents of one kind for a text
//! (practices, annonces, proposals), similar proposals, and annonce candidates.

use super::analysis::{tokens, FRENCH};
use super::documents::Fields;
use super::index::SearchIndex;
use super::query::{any, bbox, naf_field, term, text_query, visible_to, weighted_terms};
use app::domain::geo::Point;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Searcher;

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
    let query = BooleanQuery::new(vec![
        (Occur::Must, query),
        (Occur::Must, kind_is(&index.fields, kind)),
    ]);
    best_entity_ids(searcher, &query, limit)
}

/// Entity ids of the best `limit` documents for `query`, read from the fast field (no stored
/// document is loaded).
fn best_entity_ids(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    let top = searcher.search(
        query,
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

/// [`text_ids`] on a blocking thread, for async callers: reading the index must not hold
/// the runtime.
pub async fn text_ids_async(
    index: &SearchIndex,
    q: &str,
    kind: &'static str,
    limit: usize,
) -> anyhow::Result<Vec<i64>> {
    let (index, q) = (index.clone(), q.to_owned());
    tokio::task::spawn_blocking(move || text_ids(&index, &q, kind, limit))
        .await
        .map_err(|e| anyhow::anyhow!("search task: {e}"))?
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
    // Short words carry little meaning here; 40 distinct stems are plenty for a title and a
    // problem statement.
    let mut stems = distinct_stems(index, text);
    stems.retain(|s| s.chars().count() >= 3);
    stems.truncate(40);
    if stems.is_empty() {
        return Ok(Vec::new());
    }
    let clauses = weighted_terms(&stems, &[(f.name, 2.0), (f.description, 1.0)]);
    top_ids(index, &searcher, any(clauses), kind, limit)
}

/// The distinct French stems of `text`, in order.
fn distinct_stems(index: &SearchIndex, text: &str) -> Vec<String> {
    let mut stems = tokens(index.index.tokenizers(), FRENCH, text);
    stems.sort();
    stems.dedup();
    stems
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
    let mut stems = distinct_stems(index, text);
    stems.truncate(40);
    let mut wanted = weighted_terms(
        &stems,
        &[
            (f.name, 1.5),
            (f.capabilities, 2.0),
            (f.naf_label, 1.0),
            (f.description, 0.5),
        ],
    );
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
    best_entity_ids(&searcher, &BooleanQuery::new(clauses), limit)
}
