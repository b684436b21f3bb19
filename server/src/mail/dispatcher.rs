//! Sends committed outbox rows: claim, send, mark sent; on failure retry with exponential
//! backoff. A row is claimed with a conditional UPDATE, so two dispatchers (two nodes) never
//! send the same row at once, and a row marked sent is never sent again. The one window left
//! is a crash between delivery and marking: the mail then goes again, with the same
//! Message-ID (the row's idempotency key), which receiving systems use to drop duplicates.

use crate::db::{fetch_all, organisations::now, stmt};
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};
use std::path::PathBuf;
use std::time::Duration;

/// How long a claim lasts before another dispatcher may retry the row.
const CLAIM_SECONDS: i64 = 120;
/// Longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 3_600;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// One `.eml` file per outbox row (named by row id, so a row is one file).
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// SMTP when a URL is given (`smtp://host:port`, `smtps://user:pass@host`), else files.
    pub fn from_config(smtp_url: Option<&str>, outbox_dir: PathBuf) -> anyhow::Result<Transport> {
        match smtp_url {
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("MAILLAGE_SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(Duration::from_secs(10)))
                    .build(),
            )),
            None => Ok(Transport::Files(outbox_dir)),
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    idempotency_key: String,
    to_email: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i32,
}

fn message(from: &Mailbox, row: &Row) -> anyhow::Result<Message> {
    let to: Mailbox = row.to_email.parse().context("recipient address")?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&row.subject)
        .message_id(Some(format!("<{}@maillage>", row.idempotency_key)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(row.body_text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(row.body_html.clone()),
                ),
        )
        .context("building the message")
}

async fn deliver(transport: &Transport, message: &Message, id: i64) -> anyhow::Result<()> {
    match transport {
        Transport::Files(dir) => {
            tokio::fs::create_dir_all(dir)
                .await
                .context("creating the outbox directory")?;
            let path = dir.join(format!("{id:08}.eml"));
            let tmp = dir.join(format!("{id:08}.eml.tmp"));
            tokio::fs::write(&tmp, message.formatted())
                .await
                .context("writing the .eml file")?;
            tokio::fs::rename(&tmp, &path)
                .await
                .context("moving the .eml file into place")?;
            Ok(())
        }
        Transport::Smtp(smtp) => {
            smtp.send(message.clone()).await.context("SMTP delivery")?;
            Ok(())
        }
    }
}

/// Sends what is due; returns how many rows were sent.
pub async fn dispatch_due(
    db: &DatabaseConnection,
    transport: &Transport,
    from: &Mailbox,
) -> anyhow::Result<usize> {
    let at = now();
    let rows: Vec<Row> = fetch_all(
        db,
        "SELECT id, idempotency_key, to_email, subject, body_text, body_html, attempts FROM outbox \
         WHERE sent_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) \
         ORDER BY id LIMIT 50",
        vec![at.into(), at.into()],
    )
    .await?;
    let mut sent = 0;
    for row in rows {
        // Each claim with the current time: sending earlier rows may have taken a while.
        let at = now();
        let claimed = db
            .execute(stmt(
                db,
                "UPDATE outbox SET claimed_until = ? WHERE id = ? AND sent_at IS NULL \
                 AND (claimed_until IS NULL OR claimed_until < ?)",
                vec![(at + CLAIM_SECONDS).into(), row.id.into(), at.into()],
            ))
            .await?
            .rows_affected();
        if claimed != 1 {
            continue;
        }
        let result = match message(from, &row) {
            Ok(m) => deliver(transport, &m, row.id).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                db.execute(stmt(
                    db,
                    "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, claimed_until = NULL, last_error = NULL WHERE id = ?",
                    vec![now().into(), row.id.into()],
                ))
                .await?;
                sent += 1;
            }
            Err(e) => {
                let attempts = i64::from(row.attempts) + 1;
                let backoff = (5i64 << attempts.min(12)).min(MAX_BACKOFF_SECONDS);
                tracing::warn!(
                    outbox = row.id,
                    attempts,
                    error = format!("{e:#}"),
                    "mail not sent; will retry"
                );
                db.execute(stmt(
                    db,
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?",
                    vec![(now() + backoff).into(), format!("{e:#}").into(), row.id.into()],
                ))
                .await?;
            }
        }
    }
    Ok(sent)
}

/// Runs the dispatcher until the process stops.
pub fn spawn(db: DatabaseConnection, transport: Transport, from: Mailbox) {
    tokio::spawn(async move {
        loop {
            match dispatch_due(&db, &transport, &from).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "mail dispatcher error"),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
}

/// Makes every unsent row due now (used after an outage, and by tests).
pub async fn retry_now(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE outbox SET next_attempt_at = 0 WHERE sent_at IS NULL",
        vec![],
    ))
    .await?;
    Ok(())
}
