//! The scorer wrapper of the text query: a query scored as its inner one with a constant
//! added, or asked last in an intersection (see `Adjusted`).

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

/// A query scored and ordered as its inner one, adjusted: `plus` is added to every score
/// (the exact tier, without evaluating the exact clauses twice), and a `last` clause
/// reports the highest cost, so an intersection is driven by its other clauses and only
/// asks this one about their common documents. Phrase positions, costly to read, are then
/// read for the documents holding every triple of the phrase, not for every document
/// holding its words (tantivy's own estimate can put the phrase first).
#[derive(Debug)]
pub(super) struct Adjusted {
    query: Box<dyn Query>,
    plus: Score,
    last: bool,
}

impl Adjusted {
    pub(super) fn checked_last(query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Adjusted {
            query,
            plus: 0.0,
            last: true,
        })
    }

    pub(super) fn plus(query: Box<dyn Query>, plus: Score) -> Box<dyn Query> {
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
