//! Keeps the index in step with the database by tailing the `changes` journal.
//!
//! Each batch loads the current rows of the changed entities (absent rows are deleted from
//! the index), applies them, and commits with the batch's last sequence as payload. A
//! `rebuild` entry (bulk loads) or a new index triggers a full rebuild from the database.

use super::documents::{
    self, key, ActionSheets, Entity, NafTable, Needs, Organisations, Practices, Proposals, Sites,
};
use super::index::{Opened, SearchIndex};
use crate::db::{fetch_all, fetch_count};
use anyhow::Context;
use sea_orm::{DatabaseConnection, FromQueryResult};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// How often the journal is polled when idle.
const POLL: Duration = Duration::from_millis(200);
/// Rows read per page during a rebuild.
const PAGE: u64 = 5_000;

#[derive(FromQueryResult)]
struct ChangeRow {
    seq: i64,
    entity: String,
    entity_id: i64,
}

/// How far back a rebuild looks for holes in the journal: on PostgreSQL a transaction may
/// hold a lower sequence number than the maximum and commit later; the rebuild claims only
/// the position below the first hole, and the tail after it is replayed (idempotent).
const REBUILD_REPLAY: i64 = 1_000;

/// How long a hole in the journal is waited for before it is taken for a rolled-back
/// transaction (PostgreSQL sequences hand out numbers before commit).
const GAP_PATIENCE: Duration = Duration::from_secs(10);

/// Rebuilds the whole index from the database; returns the number of documents.
/// `progress(done, total)` is called after each page. On failure nothing is committed.
pub async fn rebuild(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<u64> {
    rebuild_covering(db, index, naf, progress, None).await
}

/// A rebuild whose commit claims `covers` (a journal position every earlier change of which
/// is committed and reflected by the rows read), or the committed prefix when `None`.
async fn rebuild_covering(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    progress: &(dyn Fn(u64, u64) + Sync),
    covers: Option<i64>,
) -> anyhow::Result<u64> {
    match rebuild_uncommitted(db, index, naf, progress, covers).await {
        Ok(n) => Ok(n),
        Err(e) => {
            let idx = index.clone();
            if let Ok(Err(rollback)) = tokio::task::spawn_blocking(move || idx.rollback()).await {
                tracing::error!(
                    error = format!("{rollback:#}"),
                    "rolling back a failed rebuild"
                );
            }
            Err(e)
        }
    }
}

/// The journal position a rebuild starting now can claim: the highest sequence below which
/// every number is taken (a hole may be a transaction still running on PostgreSQL), looking
/// at most [`REBUILD_REPLAY`] entries back.
async fn committed_prefix(db: &DatabaseConnection) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Seq {
        seq: i64,
    }
    let max =
        fetch_count(db, "SELECT COALESCE(MAX(seq), 0) AS n FROM changes", vec![]).await? as i64;
    let floor = (max - REBUILD_REPLAY).max(0);
    let seqs: Vec<Seq> = fetch_all(
        db,
        "SELECT seq FROM changes WHERE seq > ? ORDER BY seq",
        vec![floor.into()],
    )
    .await?;
    let mut prefix = seqs.first().map(|s| s.seq - 1).unwrap_or(max);
    for s in seqs {
        if s.seq != prefix + 1 {
            break;
        }
        prefix = s.seq;
    }
    Ok(prefix)
}

async fn rebuild_uncommitted(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    progress: &(dyn Fn(u64, u64) + Sync),
    covers: Option<i64>,
) -> anyhow::Result<u64> {
    let seq = match covers {
        Some(seq) => seq,
        None => committed_prefix(db).await?,
    };
    let mut total = fetch_count(db, "SELECT COUNT(*) AS n FROM territory", vec![]).await?;
    total += documents::count::<Organisations>(db).await?
        + documents::count::<Sites>(db).await?
        + documents::count::<Proposals>(db).await?
        + documents::count::<Practices>(db).await?
        + documents::count::<Needs>(db).await?
        + documents::count::<ActionSheets>(db).await?;
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.clear_uncommitted())
        .await
        .context("index task")??;
    let mut done = 0u64;
    let progress = |n: u64| progress(n, total);
    done = add_all::<Organisations>(db, index, naf, done, &progress).await?;
    done = add_all::<Sites>(db, index, naf, done, &progress).await?;
    done = add_all::<Proposals>(db, index, naf, done, &progress).await?;
    done = add_all::<Practices>(db, index, naf, done, &progress).await?;
    done = add_all::<Needs>(db, index, naf, done, &progress).await?;
    done = add_all::<ActionSheets>(db, index, naf, done, &progress).await?;
    let rows = documents::territories_all(db).await?;
    let n = rows.len() as u64;
    let idx = index.clone();
    tokio::task::spawn_blocking(move || {
        let docs = rows
            .iter()
            .map(|r| documents::territory_document(&idx.fields, r))
            .collect();
        idx.add_uncommitted(docs)
    })
    .await
    .context("index task")??;
    done += n;
    progress(done);
    let idx = index.clone();
    tokio::task::spawn_blocking(move || {
        idx.apply(Vec::new(), Vec::new(), seq)?;
        // The build is committed and searchable; compacting it is an optimisation only.
        if let Err(e) = idx.merge_all() {
            tracing::warn!(error = format!("{e:#}"), "merging the rebuilt index failed");
        }
        Ok::<_, anyhow::Error>(())
    })
    .await
    .context("index task")??;
    Ok(done)
}

/// Adds every searchable row of one entity to the uncommitted index, a page at a time;
/// returns `done` plus the rows added, reported to `progress` after each page.
async fn add_all<E: Entity>(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    mut done: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<u64> {
    let mut after = 0i64;
    loop {
        let rows = documents::rows_after::<E>(db, after, PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = E::id(last);
        let (idx, naf) = (index.clone(), naf.clone());
        let n = rows.len() as u64;
        tokio::task::spawn_blocking(move || {
            let docs = rows
                .iter()
                .map(|r| E::document(&idx.fields, &naf, r))
                .collect();
            idx.add_uncommitted(docs)
        })
        .await
        .context("index task")??;
        done += n;
        progress(done);
    }
    Ok(done)
}

/// The documents of one entity's changed ids: upserted when searchable, else deleted.
async fn changed<E: Entity>(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &NafTable,
    ids: &BTreeSet<i64>,
    upserts: &mut Vec<(String, tantivy::TantivyDocument)>,
    deletes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(500) {
        let rows = documents::rows_by_id::<E>(db, chunk).await?;
        for id in chunk {
            match rows.iter().find(|r| E::id(r) == *id) {
                Some(r) => upserts.push((key(E::NAME, *id), E::document(&index.fields, naf, r))),
                None => deletes.push(key(E::NAME, *id)),
            }
        }
    }
    Ok(())
}

/// A hole in the journal being waited for: its sequence number and since when.
#[derive(Debug, Default)]
pub struct GapWatch {
    since: Option<(i64, std::time::Instant)>,
}

/// Applies the next batch of changes; returns how many journal entries it covered. The
/// position never moves past a hole (an uncommitted transaction's number) until the hole has
/// lasted [`GAP_PATIENCE`].
pub async fn apply_pending(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    gaps: &mut GapWatch,
) -> anyhow::Result<usize> {
    let after = index.applied_seq();
    let changes: Vec<ChangeRow> = fetch_all(
        db,
        "SELECT seq, entity, entity_id FROM changes WHERE seq > ? ORDER BY seq LIMIT 10000",
        vec![after.into()],
    )
    .await?;
    let Some(last) = changes.last().map(|c| c.seq) else {
        return Ok(0);
    };
    let mut contiguous = after;
    for c in &changes {
        if c.seq != contiguous + 1 {
            break;
        }
        contiguous = c.seq;
    }
    let applied = if contiguous == last {
        gaps.since = None;
        last
    } else {
        let hole = contiguous + 1;
        match gaps.since {
            Some((h, t)) if h == hole && t.elapsed() >= GAP_PATIENCE => {
                tracing::info!(
                    seq = hole,
                    "journal hole taken for a rolled-back transaction"
                );
                gaps.since = None;
                last
            }
            Some((h, _)) if h == hole => contiguous,
            _ => {
                gaps.since = Some((hole, std::time::Instant::now()));
                contiguous
            }
        }
    };
    let changes: Vec<ChangeRow> = changes.into_iter().filter(|c| c.seq <= applied).collect();
    if changes.is_empty() {
        return Ok(0);
    }
    if changes.iter().any(|c| c.entity == "*") {
        rebuild_covering(db, index, naf, &|_, _| {}, Some(applied)).await?;
        release_freed_memory();
        return Ok(changes.len());
    }
    let mut ids: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    let mut territories = BTreeSet::new();
    for c in &changes {
        match c.entity.as_str() {
            "territory" => {
                territories.insert(documents::territory_id(c.entity_id));
            }
            name @ (Organisations::NAME
            | Sites::NAME
            | Proposals::NAME
            | Practices::NAME
            | Needs::NAME
            | ActionSheets::NAME) => {
                ids.entry(name).or_default().insert(c.entity_id);
            }
            other => tracing::warn!(entity = other, "change of an unknown entity ignored"),
        }
    }
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    let none = BTreeSet::new();
    let of = |name: &str| ids.get(name).unwrap_or(&none);
    let (u, d) = (&mut upserts, &mut deletes);
    changed::<Organisations>(db, index, naf, of(Organisations::NAME), u, d).await?;
    changed::<Sites>(db, index, naf, of(Sites::NAME), u, d).await?;
    changed::<Proposals>(db, index, naf, of(Proposals::NAME), u, d).await?;
    changed::<Practices>(db, index, naf, of(Practices::NAME), u, d).await?;
    changed::<Needs>(db, index, naf, of(Needs::NAME), u, d).await?;
    changed::<ActionSheets>(db, index, naf, of(ActionSheets::NAME), u, d).await?;
    let territories: Vec<String> = territories.into_iter().collect();
    let rows = documents::territories_by_id(db, &territories).await?;
    for id in &territories {
        let key = format!("territory:{id}");
        match rows.iter().find(|r| &r.id == id) {
            Some(r) => upserts.push((key, documents::territory_document(&index.fields, r))),
            None => deletes.push(key),
        }
    }
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.apply(upserts, deletes, applied))
        .await
        .context("index task")??;
    Ok(changes.len())
}

/// Starts the background indexer: rebuild if the index is new, then tail the journal.
pub fn spawn(db: DatabaseConnection, index: SearchIndex, naf: Arc<NafTable>, opened: Opened) {
    tokio::spawn(async move {
        // A new index is built before anything else; a failed build is retried, never
        // left half done (tailing the journal alone would miss the rows loaded by migrations).
        let mut pending_build = opened == Opened::Empty;
        while pending_build {
            let started = std::time::Instant::now();
            match rebuild(&db, &index, &naf, &|_, _| {}).await {
                Ok(n) => {
                    tracing::info!(
                        documents = n,
                        seconds = started.elapsed().as_secs_f64(),
                        "search index built"
                    );
                    release_freed_memory();
                    pending_build = false;
                }
                Err(e) => {
                    tracing::error!(
                        error = format!("{e:#}"),
                        "search index build failed; retrying"
                    );
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
        let mut gaps = GapWatch::default();
        loop {
            match apply_pending(&db, &index, &naf, &mut gaps).await {
                Ok(0) => tokio::time::sleep(POLL).await,
                Ok(n) => tracing::debug!(changes = n, "search index updated"),
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "search indexing failed; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    });
}

/// Gives the memory freed after a bulk build back to the system: glibc keeps freed heap
/// pages in its arenas, which would leave an idle server holding the build's peak.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by the allocator; it takes no
    // pointer and has no precondition.
    unsafe {
        libc::malloc_trim(0);
    }
}
