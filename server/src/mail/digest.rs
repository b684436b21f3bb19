//! Digests: people who chose a daily or weekly frequency get the notices kept for them in
//! one mail per period instead of one mail per event.

use super::templates;
use crate::db::{fetch_all, fetch_optional, stmt};
use anyhow::Context;
use app::domain::notification::{Frequency, NotificationKind};
use app::i18n::Lang;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, TransactionTrait};
use std::time::Duration;

#[derive(Debug, FromQueryResult)]
struct Pending {
    user_id: i64,
    kind: String,
    oldest: i64,
    email: String,
    name: String,
    lang: String,
    frequency: Option<String>,
    last_digest: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct Line {
    line: String,
}

/// Sends every digest that is due at `at`; returns how many went to the outbox.
pub async fn send_due(db: &DatabaseConnection, public_url: &str, at: i64) -> anyhow::Result<u64> {
    let pending: Vec<Pending> = fetch_all(
        db,
        "SELECT n.user_id, n.kind, MIN(n.created_at) AS oldest, u.email, u.name, u.lang, s.frequency, \
         (SELECT MAX(d.digested_at) FROM notice d WHERE d.user_id = n.user_id AND d.kind = n.kind) AS last_digest \
         FROM notice n JOIN user_account u ON u.id = n.user_id \
         LEFT JOIN notification_setting s ON s.user_id = n.user_id AND s.kind = n.kind \
         WHERE n.digested_at IS NULL GROUP BY n.user_id, n.kind, u.email, u.name, u.lang, s.frequency",
        vec![],
    )
    .await?;
    let mut sent = 0;
    for p in pending {
        // A person who switched to "immediate" or "off" since gets what was kept, once.
        let frequency = Frequency::of_setting(p.frequency.as_deref());
        let every = frequency.digest_period().unwrap_or(0);
        let since = p.last_digest.unwrap_or(p.oldest);
        if at - since < every {
            continue;
        }
        let txn = db.begin().await.context("digest transaction")?;
        let lines: Vec<Line> = fetch_all(
            &txn,
            "SELECT line FROM notice WHERE user_id = ? AND kind = ? AND digested_at IS NULL ORDER BY created_at, id",
            vec![p.user_id.into(), p.kind.as_str().into()],
        )
        .await?;
        let marked = txn
            .execute(stmt(
                &txn,
                "UPDATE notice SET digested_at = ? WHERE user_id = ? AND kind = ? AND digested_at IS NULL",
                vec![at.into(), p.user_id.into(), p.kind.as_str().into()],
            ))
            .await?
            .rows_affected();
        if marked == 0 || frequency == Frequency::Off {
            txn.commit().await.context("committing a digest")?;
            continue;
        }
        let lang = Lang::from_tag(&p.lang).unwrap_or_default();
        let lines: Vec<String> = lines.into_iter().map(|l| l.line).collect();
        let mail = templates::digest(&p.email, lang, &p.name, &lines, public_url);
        super::enqueue(
            &txn,
            &format!("digest-{}-{}-{at}", p.user_id, p.kind),
            &mail,
        )
        .await?;
        txn.commit().await.context("committing a digest")?;
        sent += 1;
    }
    Ok(sent)
}

/// Checks for due digests every minute until the process stops.
pub fn spawn(db: DatabaseConnection, public_url: String, clock: crate::clock::Clock) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = send_due(&db, &public_url, clock.now()).await {
                tracing::warn!(error = format!("{e:#}"), "digest error");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

/// Whether a user has notices waiting for a digest (for tests and the account page).
pub async fn pending(db: &impl ConnectionTrait, user_id: i64) -> anyhow::Result<u64> {
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    let n: Option<N> = fetch_optional(
        db,
        "SELECT COUNT(*) AS n FROM notice WHERE user_id = ? AND digested_at IS NULL",
        vec![user_id.into()],
    )
    .await?;
    Ok(n.map(|n| u64::try_from(n.n).unwrap_or(0)).unwrap_or(0))
}

/// Keeps a line for someone's next digest.
pub async fn keep(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    line: &str,
    link: &str,
    at: i64,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "INSERT INTO notice (user_id, kind, line, link, created_at) VALUES (?, ?, ?, ?, ?)",
        vec![
            user_id.into(),
            kind.code().into(),
            line.into(),
            link.into(),
            at.into(),
        ],
    ))
    .await
    .context("keeping a notice for the digest")?;
    Ok(())
}
