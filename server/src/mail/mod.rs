//! Mail: templates in the recipient's language, the transactional outbox, the dispatcher.
//!
//! Nothing is sent inside a request: a change that must tell someone writes an `outbox` row
//! in the change's own transaction ([`enqueue`]); the dispatcher sends committed rows, with retries and
//! exponential backoff. Transport: `.eml` files in `DATA_DIR/outbox/` by default, SMTP when
//! `MAILLAGE_SMTP_URL` is set.

pub mod digest;
pub mod dispatcher;
pub mod templates;

use crate::db::{organisations::now, stmt};
use anyhow::Context;
use app::domain::notification::{Frequency, NotificationKind};
use app::i18n::Lang;
use sea_orm::ConnectionTrait;

/// A rendered mail, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub lang: Lang,
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Writes a mail to the outbox inside the caller's transaction. `key` makes the row unique:
/// enqueueing the same key twice keeps one row.
pub async fn enqueue(db: &impl ConnectionTrait, key: &str, mail: &Mail) -> anyhow::Result<()> {
    let at = now();
    db.execute(stmt(
        db,
        "INSERT INTO outbox (idempotency_key, to_email, lang, kind, subject, body_text, body_html, \
         created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) \
         ON CONFLICT (idempotency_key) DO NOTHING",
        vec![
            key.into(),
            mail.to.as_str().into(),
            mail.lang.code().into(),
            mail.kind.into(),
            mail.subject.as_str().into(),
            mail.text.as_str().into(),
            mail.html.as_str().into(),
            at.into(),
            at.into(),
        ],
    ))
    .await
    .context("writing to the outbox")?;
    Ok(())
}

/// Tells one person about an event at the frequency they chose for `kind`: a mail now
/// (`immediate`, the default), a line in their next digest (`daily`, `weekly`), or nothing
/// (`off`). Runs in the caller's transaction. Whether the person will hear of it, so that a
/// confirmation can say truthfully who was told.
#[allow(clippy::too_many_arguments)]
pub async fn deliver(
    db: &impl ConnectionTrait,
    user_id: i64,
    frequency: Frequency,
    kind: NotificationKind,
    key: &str,
    digest_line: &str,
    link: &str,
    mail: &Mail,
) -> anyhow::Result<bool> {
    match frequency {
        Frequency::Off => return Ok(false),
        Frequency::Daily | Frequency::Weekly => {
            crate::mail::digest::keep(db, user_id, kind, digest_line, link, now()).await?;
        }
        Frequency::Immediate => enqueue(db, key, mail).await?,
    }
    Ok(true)
}
