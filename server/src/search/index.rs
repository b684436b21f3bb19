//! The tantivy index: open (or rebuild on a schema change), apply batches, one reader.
//!
//! One writer for the process, behind a mutex; one reader reloaded after every commit, one
//! searcher per request. The last applied `changes.seq` is the commit payload, written
//! atomically with the documents it covers.

use super::analysis;
use super::collector::TableCache;
use super::documents::{self, Fields, SCHEMA_VERSION};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Heap given to the index writer.
const WRITER_HEAP_BYTES: usize = 200_000_000;
const VERSION_FILE: &str = "maillage-schema-version";

/// The process's search index.
#[derive(Clone)]
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// Per-segment tables for the search collector.
    pub tables: Arc<TableCache>,
    writer: Arc<Mutex<IndexWriter<TantivyDocument>>>,
}

/// What opening found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// The index on disk matches this schema: resume from its payload.
    Existing,
    /// New or rebuilt from scratch (no index, or another schema version).
    Empty,
}

fn version_matches(dir: &Path, schema: &Schema) -> bool {
    let Ok(found) = std::fs::read_to_string(dir.join(VERSION_FILE)) else {
        return false;
    };
    let Ok(index) = Index::open_in_dir(dir) else {
        return false;
    };
    let same_schema =
        serde_json::to_string(&index.schema()).ok() == serde_json::to_string(schema).ok();
    found.trim() == SCHEMA_VERSION.to_string() && same_schema
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it (deleting an index of another schema).
    /// `None` keeps the index in memory (tests, benchmarks).
    pub fn open(dir: Option<PathBuf>) -> anyhow::Result<(SearchIndex, Opened)> {
        let (schema, fields) = documents::schema();
        let (index, opened) = match dir {
            None => (Index::create_in_ram(schema), Opened::Empty),
            Some(dir) => {
                if dir.exists() && version_matches(&dir, &schema) {
                    let index = Index::open_in_dir(&dir).context("opening the search index")?;
                    // No payload: the first build never committed; build again.
                    let built = index.load_metas().ok().and_then(|m| m.payload).is_some();
                    (
                        index,
                        if built {
                            Opened::Existing
                        } else {
                            Opened::Empty
                        },
                    )
                } else {
                    if dir.exists() {
                        tracing::info!(dir = %dir.display(), "search index schema changed: rebuilding");
                        std::fs::remove_dir_all(&dir).context("removing the old search index")?;
                    }
                    std::fs::create_dir_all(&dir).context("creating the search index directory")?;
                    let index =
                        Index::create_in_dir(&dir, schema).context("creating the search index")?;
                    std::fs::write(dir.join(VERSION_FILE), SCHEMA_VERSION.to_string())
                        .context("writing the search index version")?;
                    (index, Opened::Empty)
                }
            }
        };
        analysis::register(index.tokenizers());
        let writer = index
            .writer(WRITER_HEAP_BYTES)
            .context("opening the index writer")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the index reader")?;
        let tables = Arc::new(TableCache::default());
        tables
            .refresh(&reader.searcher())
            .context("building the search tables")?;
        Ok((
            SearchIndex {
                index,
                reader,
                fields,
                tables,
                writer: Arc::new(Mutex::new(writer)),
            },
            opened,
        ))
    }

    /// Makes the last commit searchable, with the search tables of its segments built.
    fn reload(&self) -> anyhow::Result<()> {
        self.reader.reload().context("reloading the index reader")?;
        self.tables
            .refresh(&self.reader.searcher())
            .context("building the search tables")?;
        Ok(())
    }

    /// The last `changes.seq` applied, from the latest commit's payload.
    pub fn applied_seq(&self) -> i64 {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    }

    /// Replaces documents by key, deletes others, and commits with `seq` as payload.
    /// Blocking: call from `spawn_blocking`.
    pub fn apply(
        &self,
        upserts: Vec<(String, TantivyDocument)>,
        deletes: Vec<String>,
        seq: i64,
    ) -> anyhow::Result<()> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
        for key in deletes {
            writer.delete_term(Term::from_field_text(self.fields.id, &key));
        }
        for (key, mut doc) in upserts {
            writer.delete_term(Term::from_field_text(self.fields.id, &key));
            documents::add_shingles(&mut doc, &self.fields);
            writer.add_document(doc).context("adding a document")?;
        }
        let mut prepared = writer
            .prepare_commit()
            .context("preparing the index commit")?;
        prepared.set_payload(&seq.to_string());
        prepared.commit().context("committing the index")?;
        drop(writer);
        self.reload()?;
        Ok(())
    }

    /// Merges every segment into one (after a bulk build: fewer segments, faster queries).
    /// Blocking: call from `spawn_blocking`. The commit payload is kept by the merge.
    pub fn merge_all(&self) -> anyhow::Result<()> {
        let ids = self
            .index
            .searchable_segment_ids()
            .context("listing segments")?;
        if ids.len() < 2 {
            return Ok(());
        }
        let merge = {
            let mut writer = self
                .writer
                .lock()
                .map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
            writer.merge(&ids)
        };
        merge.wait().context("merging segments")?;
        self.reload()?;
        Ok(())
    }

    /// Drops everything added since the last commit (a failed rebuild).
    pub fn rollback(&self) -> anyhow::Result<()> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
        writer.rollback().context("rolling back the index writer")?;
        Ok(())
    }

    /// Marks every document deleted, without committing (a rebuild then adds and commits).
    pub fn clear_uncommitted(&self) -> anyhow::Result<()> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
        writer
            .delete_all_documents()
            .context("clearing the index")?;
        Ok(())
    }

    /// Adds documents without committing (bulk rebuilds commit once at the end).
    pub fn add_uncommitted(&self, docs: Vec<TantivyDocument>) -> anyhow::Result<()> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
        for mut doc in docs {
            documents::add_shingles(&mut doc, &self.fields);
            writer.add_document(doc).context("adding a document")?;
        }
        Ok(())
    }
}
