//! Full-text, faceted and geographic search over the whole network, with tantivy.
//!
//! The index is derived from the database: delete its directory and it is rebuilt. Every
//! write to a searchable row appends to `changes` in the same transaction; the indexer
//! (`indexer.rs`) tails that journal and stores the last applied sequence in the index's own
//! commit payload, so the index and its position can never disagree after a crash.

pub mod analysis;
pub mod collector;
pub mod documents;
pub mod index;
pub mod indexer;
pub mod lookups;
pub mod query;
mod scorer;

pub use index::SearchIndex;
