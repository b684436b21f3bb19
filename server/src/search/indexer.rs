//! Keeps the index in step with the database by tailing the `changes` journal.
//!
//! Each batch loads the current rows of the changed entities (absent rows are deleted from
//! the index), applies them, and commits with the batch's last sequence as payload. A
//! `rebuild` entry (bulk loads) or a new index triggers a full rebuild from the database.

use super::documents::{self, key, NafTable};
use super::index::{Opened, SearchIndex};
use crate::db::{fetch_all, fetch_count};
use anyhow::Context;
use sea_orm::{DatabaseConnection, FromQueryResult};
use std::collections::BTreeSet;
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

/// Rebuilds the whole index from the database; returns the number of documents.
/// `progress(done, total)` is called after each page.
pub async fn rebuild(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<u64> {
    // Changes after this point are applied again afterwards: upserts are idempotent.
    let seq =
        fetch_count(db, "SELECT COALESCE(MAX(seq), 0) AS n FROM changes", vec![]).await? as i64;
    let total = fetch_count(db, "SELECT COUNT(*) AS n FROM organisation", vec![]).await?
        + fetch_count(db, "SELECT COUNT(*) AS n FROM land_site", vec![]).await?;
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.clear_uncommitted())
        .await
        .context("index task")??;
    let mut done = 0u64;
    let mut after = 0i64;
    loop {
        let rows = documents::organisations_after(db, after, PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let (idx, naf) = (index.clone(), naf.clone());
        let n = rows.len() as u64;
        tokio::task::spawn_blocking(move || {
            let docs = rows
                .iter()
                .map(|r| documents::organisation_document(&idx.fields, &naf, r))
                .collect();
            idx.add_uncommitted(docs)
        })
        .await
        .context("index task")??;
        done += n;
        progress(done, total);
    }
    let mut after = 0i64;
    loop {
        let rows = documents::sites_after(db, after, PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let idx = index.clone();
        let n = rows.len() as u64;
        tokio::task::spawn_blocking(move || {
            let docs = rows
                .iter()
                .map(|r| documents::site_document(&idx.fields, r))
                .collect();
            idx.add_uncommitted(docs)
        })
        .await
        .context("index task")??;
        done += n;
        progress(done, total);
    }
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.apply(Vec::new(), Vec::new(), seq, false))
        .await
        .context("index task")??;
    Ok(done)
}

/// Applies the next batch of changes; returns how many journal entries it covered.
pub async fn apply_pending(
    db: &DatabaseConnection,
    index: &SearchIndex,
    naf: &Arc<NafTable>,
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
    if changes.iter().any(|c| c.entity == "*") {
        rebuild(db, index, naf, &|_, _| {}).await?;
        return Ok(changes.len());
    }
    let mut organisations = BTreeSet::new();
    let mut sites = BTreeSet::new();
    for c in &changes {
        match c.entity.as_str() {
            "organisation" => {
                organisations.insert(c.entity_id);
            }
            "land_site" => {
                sites.insert(c.entity_id);
            }
            other => tracing::warn!(entity = other, "change of an unknown entity ignored"),
        }
    }
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    let organisations: Vec<i64> = organisations.into_iter().collect();
    for chunk in organisations.chunks(500) {
        let rows = documents::organisations_by_id(db, chunk).await?;
        for id in chunk {
            match rows.iter().find(|r| r.id == *id) {
                Some(r) => upserts.push((
                    key("organisation", *id),
                    documents::organisation_document(&index.fields, naf, r),
                )),
                None => deletes.push(key("organisation", *id)),
            }
        }
    }
    let sites: Vec<i64> = sites.into_iter().collect();
    for chunk in sites.chunks(500) {
        let rows = documents::sites_by_id(db, chunk).await?;
        for id in chunk {
            match rows.iter().find(|r| r.id == *id) {
                Some(r) => upserts.push((
                    key("land_site", *id),
                    documents::site_document(&index.fields, r),
                )),
                None => deletes.push(key("land_site", *id)),
            }
        }
    }
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.apply(upserts, deletes, last, false))
        .await
        .context("index task")??;
    Ok(changes.len())
}

/// Starts the background indexer: rebuild if the index is new, then tail the journal.
pub fn spawn(db: DatabaseConnection, index: SearchIndex, naf: Arc<NafTable>, opened: Opened) {
    tokio::spawn(async move {
        if opened == Opened::Empty {
            let started = std::time::Instant::now();
            match rebuild(&db, &index, &naf, &|_, _| {}).await {
                Ok(n) => tracing::info!(
                    documents = n,
                    seconds = started.elapsed().as_secs_f64(),
                    "search index built"
                ),
                Err(e) => tracing::error!(error = format!("{e:#}"), "search index rebuild failed"),
            }
        }
        loop {
            match apply_pending(&db, &index, &naf).await {
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
