//! Queries of people, memberships, sessions, one-time links, API tokens and the audit log.

use super::{fetch_all, fetch_count, fetch_optional, stmt};
use anyhow::Context;
use app::api::accounts::LinkPurpose;
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::organisation::PartyKind;
use app::domain::policy::speaking_roles;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

#[derive(Debug, Clone, FromQueryResult)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub lang: String,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<i64>,
}

const USER_SELECT: &str =
    "SELECT id, email, name, lang, password_hash, email_verified_at FROM user_account";

pub async fn user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> anyhow::Result<Option<UserRow>> {
    crate::db::fetch_by(db, USER_SELECT, "email", email).await
}

pub async fn user_by_id(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<UserRow>> {
    fetch_optional(db, &format!("{USER_SELECT} WHERE id = ?"), vec![id.into()]).await
}

/// Creates a user; `None` when the email is taken (the unique index decides, no pre-check).
pub async fn insert_user(
    db: &impl ConnectionTrait,
    email: &str,
    name: &str,
    lang: &str,
    password_hash: Option<&str>,
    verified: bool,
    at: i64,
) -> anyhow::Result<Option<i64>> {
    let inserted = db
        .execute(stmt(
            db,
            "INSERT INTO user_account (email, name, lang, password_hash, email_verified_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING",
            vec![
                email.into(),
                name.into(),
                lang.into(),
                password_hash.map(str::to_owned).into(),
                verified.then_some(at).into(),
                at.into(),
            ],
        ))
        .await
        .context("creating a user")?
        .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    Ok(user_by_email(db, email).await?.map(|u| u.id))
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MembershipRow {
    pub scope_kind: String,
    pub scope_id: String,
    pub role: String,
}

pub async fn memberships(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> anyhow::Result<Vec<MembershipRow>> {
    fetch_all(
        db,
        "SELECT scope_kind, scope_id, role FROM membership WHERE user_id = ? ORDER BY id",
        vec![user_id.into()],
    )
    .await
}

/// Adds a membership (idempotent).
/// Gives `user_id` a role in a scope. A seat (`policy::SEATS`: the binôme's two, the État's
/// référent) has one holder at a time: its previous holder loses it, and the audit log says
/// who replaced whom. Returns the users replaced.
pub async fn add_membership(
    db: &impl ConnectionTrait,
    user_id: i64,
    scope_kind: &str,
    scope_id: &str,
    role: &str,
    at: i64,
) -> anyhow::Result<Vec<i64>> {
    let mut replaced = Vec::new();
    if app::domain::policy::Role::parse(role).is_some_and(|r| r.is_seat()) {
        #[derive(FromQueryResult)]
        struct Holder {
            user_id: i64,
        }
        let holders: Vec<Holder> = fetch_all(
            db,
            "DELETE FROM membership WHERE scope_kind = ? AND scope_id = ? AND role = ? \
             AND user_id <> ? RETURNING user_id",
            vec![
                scope_kind.into(),
                scope_id.into(),
                role.into(),
                user_id.into(),
            ],
        )
        .await?;
        for h in holders {
            audit(
                db,
                "role_replaced",
                Some(h.user_id),
                None,
                "",
                &format!("{scope_kind}:{scope_id}:{role} now held by {user_id}"),
                at,
            )
            .await?;
            replaced.push(h.user_id);
        }
    }
    db.execute(stmt(
        db,
        "INSERT INTO membership (user_id, scope_kind, scope_id, role, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (user_id, scope_kind, scope_id, role) DO NOTHING",
        vec![user_id.into(), scope_kind.into(), scope_id.into(), role.into(), at.into()],
    ))
    .await
    .context("adding a membership")?;
    Ok(replaced)
}

pub async fn insert_session(
    db: &impl ConnectionTrait,
    hash: &str,
    user_id: i64,
    ttl_seconds: i64,
    user_agent: &str,
    at: i64,
) -> anyhow::Result<()> {
    let agent: String = user_agent.chars().take(200).collect();
    db.execute(stmt(
        db,
        "INSERT INTO session (token_hash, user_id, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?)",
        vec![hash.into(), user_id.into(), at.into(), (at + ttl_seconds).into(), agent.into()],
    ))
    .await
    .context("creating a session")?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub user_agent: String,
}

/// The live session of a token hash.
pub async fn session(
    db: &impl ConnectionTrait,
    hash: &str,
    at: i64,
) -> anyhow::Result<Option<SessionRow>> {
    fetch_optional(
        db,
        "SELECT token_hash, user_id, created_at, user_agent FROM session WHERE token_hash = ? AND expires_at > ?",
        vec![hash.into(), at.into()],
    )
    .await
}

pub async fn sessions_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: i64,
) -> anyhow::Result<Vec<SessionRow>> {
    fetch_all(
        db,
        "SELECT token_hash, user_id, created_at, user_agent FROM session WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC",
        vec![user_id.into(), at.into()],
    )
    .await
}

pub async fn delete_session(db: &impl ConnectionTrait, hash: &str) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "DELETE FROM session WHERE token_hash = ?",
        vec![hash.into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete_sessions_of(db: &impl ConnectionTrait, user_id: i64) -> anyhow::Result<u64> {
    Ok(db
        .execute(stmt(
            db,
            "DELETE FROM session WHERE user_id = ?",
            vec![user_id.into()],
        ))
        .await?
        .rows_affected())
}

/// Stores a one-time link, made at `at` and valid `ttl_seconds`.
#[allow(clippy::too_many_arguments)]
pub async fn insert_link(
    db: &impl ConnectionTrait,
    hash: &str,
    purpose: &str,
    email: &str,
    user_id: Option<i64>,
    payload: &str,
    ttl_seconds: i64,
    at: i64,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "INSERT INTO auth_link (token_hash, purpose, email, user_id, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![hash.into(), purpose.into(), email.into(), user_id.into(), payload.into(), at.into(), (at + ttl_seconds).into()],
    ))
    .await
    .context("creating a link")?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LinkRow {
    pub email: String,
    pub user_id: Option<i64>,
    pub payload: String,
}

/// Consumes a live, unused link of a purpose; `None` if there is none. The conditional
/// UPDATE makes a link usable once even under concurrent clicks.
pub async fn consume_link(
    db: &impl ConnectionTrait,
    hash: &str,
    purpose: &str,
    at: i64,
) -> anyhow::Result<Option<LinkRow>> {
    let used = db
        .execute(stmt(
            db,
            "UPDATE auth_link SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
            vec![at.into(), hash.into(), purpose.into(), at.into()],
        ))
        .await?
        .rows_affected();
    if used != 1 {
        return Ok(None);
    }
    fetch_optional(
        db,
        "SELECT email, user_id, payload FROM auth_link WHERE token_hash = ?",
        vec![hash.into()],
    )
    .await
}

/// A live, unused link of a purpose, left unused: a form checks its token with this before
/// paying for a password hash, then consumes it with `consume_link` in its transaction.
pub async fn peek_link(
    db: &impl ConnectionTrait,
    hash: &str,
    purpose: &str,
    at: i64,
) -> anyhow::Result<Option<LinkRow>> {
    fetch_optional(
        db,
        "SELECT email, user_id, payload FROM auth_link \
         WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
        vec![hash.into(), purpose.into(), at.into()],
    )
    .await
}

/// Records that the owner of `user`'s address has just proven it (a confirmation, a
/// one-time link, an invitation, a reset, a grant from the command line).
///
/// The rule that closes pre-registration takeover: whatever an unverified account held
/// before that proof (a password, sessions, API tokens) may have been set by a stranger who
/// signed up first with someone else's address, so it is dropped; the account keeps only
/// `new_password_hash`, if the person proving the address has just chosen one. On an
/// account verified already, a new password replaces the old one and ends every session
/// and token; without one, nothing changes.
pub async fn prove_mailbox(
    db: &impl ConnectionTrait,
    user: &UserRow,
    new_password_hash: Option<&str>,
    at: i64,
) -> anyhow::Result<()> {
    if user.email_verified_at.is_some() && new_password_hash.is_none() {
        return Ok(());
    }
    db.execute(stmt(
        db,
        "UPDATE user_account SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
        vec![
            new_password_hash.map(str::to_owned).into(),
            at.into(),
            user.id.into(),
        ],
    ))
    .await
    .context("recording the proven address")?;
    delete_sessions_of(db, user.id).await?;
    revoke_api_tokens_of(db, user.id, at).await?;
    Ok(())
}

/// Revokes every live API token of a user; returns how many.
pub async fn revoke_api_tokens_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: i64,
) -> anyhow::Result<u64> {
    Ok(db
        .execute(stmt(
            db,
            "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            vec![at.into(), user_id.into()],
        ))
        .await
        .context("revoking API tokens")?
        .rows_affected())
}

/// The longest address kept in the audit log: what a sign-in form receives is not bounded
/// by the column, and an event that fails to be written is an attempt that is never counted.
const AUDIT_TEXT_CHARS: usize = 254;

/// Appends a security event. The address and client are cut to the column's size.
pub async fn audit(
    db: &impl ConnectionTrait,
    event: &str,
    user_id: Option<i64>,
    email: Option<&str>,
    ip: &str,
    detail: &str,
    at: i64,
) -> anyhow::Result<()> {
    let email = email.map(|e| e.chars().take(AUDIT_TEXT_CHARS).collect::<String>());
    let ip: String = ip.chars().take(AUDIT_TEXT_CHARS).collect();
    db.execute(stmt(
        db,
        "INSERT INTO audit_log (at, event, user_id, email, ip, detail) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            at.into(),
            event.into(),
            user_id.into(),
            email.into(),
            ip.into(),
            detail.into(),
        ],
    ))
    .await
    .context("writing the audit log")?;
    Ok(())
}

/// Events of a kind for an email (or an IP) within the last `seconds`.
pub async fn recent_events(
    db: &impl ConnectionTrait,
    event: &str,
    by_email: Option<&str>,
    by_ip: Option<&str>,
    seconds: i64,
    at: i64,
) -> anyhow::Result<u64> {
    let since = at - seconds;
    match (by_email, by_ip) {
        (Some(email), _) => {
            fetch_count(
                db,
                "SELECT COUNT(*) AS n FROM audit_log WHERE email = ? AND event = ? AND at > ?",
                vec![email.into(), event.into(), since.into()],
            )
            .await
        }
        (None, Some(ip)) => {
            fetch_count(
                db,
                "SELECT COUNT(*) AS n FROM audit_log WHERE ip = ? AND event = ? AND at > ?",
                vec![ip.into(), event.into(), since.into()],
            )
            .await
        }
        (None, None) => Ok(0),
    }
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub scope: String,
}

const TOKEN_SELECT: &str =
    "SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at, scope FROM api_token";

pub async fn insert_api_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    name: &str,
    hash: &str,
    scope: &str,
    expires_at: i64,
    at: i64,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "INSERT INTO api_token (user_id, name, token_hash, created_at, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            user_id.into(),
            name.into(),
            hash.into(),
            at.into(),
            scope.into(),
            expires_at.into(),
        ],
    ))
    .await
    .context("creating an API token")?;
    Ok(())
}

/// The live token of a hash: not revoked, not expired at `at`.
pub async fn api_token_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
    at: i64,
) -> anyhow::Result<Option<TokenRow>> {
    fetch_optional(
        db,
        &format!("{TOKEN_SELECT} WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"),
        vec![hash.into(), at.into()],
    )
    .await
}

pub async fn api_tokens_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> anyhow::Result<Vec<TokenRow>> {
    fetch_all(
        db,
        &format!("{TOKEN_SELECT} WHERE user_id = ? ORDER BY id DESC"),
        vec![user_id.into()],
    )
    .await
}

pub async fn touch_api_token(db: &impl ConnectionTrait, id: i64, at: i64) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE api_token SET last_used_at = ? WHERE id = ?",
        vec![at.into(), id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
    at: i64,
) -> anyhow::Result<bool> {
    Ok(db
        .execute(stmt(
            db,
            "UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            vec![at.into(), id.into(), user_id.into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SettingRow {
    pub kind: String,
    pub frequency: String,
}

pub async fn notification_settings(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> anyhow::Result<Vec<SettingRow>> {
    fetch_all(
        db,
        "SELECT kind, frequency FROM notification_setting WHERE user_id = ?",
        vec![user_id.into()],
    )
    .await
}

pub async fn set_notification(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    frequency: Frequency,
) -> anyhow::Result<()> {
    let (kind, frequency) = (kind.code(), frequency.code());
    db.execute(stmt(
        db,
        "DELETE FROM notification_setting WHERE user_id = ? AND kind = ?",
        vec![user_id.into(), kind.into()],
    ))
    .await?;
    db.execute(stmt(
        db,
        "INSERT INTO notification_setting (user_id, kind, frequency) VALUES (?, ?, ?)",
        vec![user_id.into(), kind.into(), frequency.into()],
    ))
    .await?;
    Ok(())
}

/// A scope's display label: organisation name, territory name, region name.
pub async fn scope_label(
    db: &impl ConnectionTrait,
    kind: &str,
    id: &str,
) -> anyhow::Result<String> {
    #[derive(FromQueryResult)]
    struct Label {
        label: String,
    }
    let (sql, value): (&str, Value) = match kind {
        "organisation" => (
            "SELECT name AS label FROM organisation WHERE id = ?",
            id.parse::<i64>().unwrap_or(0).into(),
        ),
        "territory" => (
            "SELECT name AS label FROM territory WHERE id = ?",
            id.into(),
        ),
        "region" => ("SELECT name AS label FROM region WHERE code = ?", id.into()),
        "national" => return Ok("Délégation nationale".to_owned()),
        _ => return Ok("Maillage".to_owned()),
    };
    let row: Option<Label> = fetch_optional(db, sql, vec![value]).await?;
    Ok(row.map(|l| l.label).unwrap_or_else(|| id.to_owned()))
}

#[derive(FromQueryResult)]
struct InvitationRow {
    email: String,
    payload: String,
    at: i64,
}

/// Invitations a user sent: (invitee email, payload, when), newest first.
pub async fn invitations_sent(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> anyhow::Result<Vec<(String, String, i64)>> {
    let rows: Vec<InvitationRow> = fetch_all(
        db,
        "SELECT COALESCE(email, '') AS email, detail AS payload, at FROM audit_log \
         WHERE event = 'invitation_sent' AND user_id = ? ORDER BY at DESC LIMIT 50",
        vec![user_id.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.email, r.payload, r.at))
        .collect())
}

/// Invitations waiting for an address (not used, not expired): (email, payload, when).
pub async fn invitations_received(
    db: &impl ConnectionTrait,
    email: &str,
    at: i64,
) -> anyhow::Result<Vec<(String, String, i64)>> {
    let rows: Vec<InvitationRow> = fetch_all(
        db,
        "SELECT email, payload, created_at AS at FROM auth_link \
         WHERE purpose = ? AND email = ? AND used_at IS NULL AND expires_at > ? ORDER BY created_at DESC",
        vec![LinkPurpose::Invite.code().into(), email.into(), at.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.email, r.payload, r.at))
        .collect())
}

/// People of a side (`organisation` members and admins, or a territory's leads) with their
/// language and their setting for `kind` notices.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PersonRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub lang: String,
    pub frequency: Option<String>,
}

pub async fn side_people(
    db: &impl ConnectionTrait,
    kind: &str,
    id: &str,
    setting: NotificationKind,
) -> anyhow::Result<Vec<PersonRow>> {
    // A stored side kind that names no party is read as an organisation, as before.
    let party = PartyKind::parse(kind).unwrap_or(PartyKind::Organisation);
    let (scope, roles) = speaking_roles(party);
    let mut values: Vec<Value> = vec![setting.code().into(), scope.code().into(), id.into()];
    values.extend(roles.iter().map(|r| r.code().into()));
    super::fetch_all(
        db,
        &format!(
            "SELECT DISTINCT u.id, u.email, u.name, u.lang, s.frequency FROM user_account u \
             JOIN membership m ON m.user_id = u.id \
             LEFT JOIN notification_setting s ON s.user_id = u.id AND s.kind = ? \
             WHERE m.scope_kind = ? AND m.scope_id = ? AND m.role IN ({})",
            super::placeholders(roles.len())
        ),
        values,
    )
    .await
}

/// Sign-in attempts are counted in windows of this many seconds.
pub const THROTTLE_WINDOW_SECONDS: i64 = 3600;

#[derive(Debug, Clone, FromQueryResult)]
struct ThrottleRow {
    next_at: i64,
}

/// The answer to a request for a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted; `known` when this client has signed in to this account before.
    Granted { known: bool },
    /// Refused: the next attempt is allowed in this many seconds.
    Refused { retry_after: i64 },
}

/// Makes sure the throttle row of (account, client) exists. Born at `at`: the housekeeping,
/// which forgets rows of past windows, never takes a row between its creation and its first
/// count.
async fn throttle_row(
    db: &impl ConnectionTrait,
    account: &str,
    client: &str,
    at: i64,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "INSERT INTO sign_in_throttle (account, client, failures, next_at, last_at, known) \
         VALUES (?, ?, 0, 0, ?, ?) ON CONFLICT (account, client) DO NOTHING",
        vec![account.into(), client.into(), at.into(), false.into()],
    ))
    .await
    .context("creating a throttle row")?;
    Ok(())
}

/// Counts one sign-in attempt of `client` on `account` (`""` for the client's attempts on
/// every account) at time `at`, before its password is checked, unless the row's pause
/// refuses it.
///
/// One statement both checks and counts, so parallel requests cannot all read the same count
/// and pass together: of a burst, exactly as many are granted as the rule allows, and none is
/// refused for losing a race. The pause set after the n-th attempt of the window is
/// `pause_after(n, free)` of `services::accounts`, written here in SQL: none before the
/// `free`-th attempt, then 1 s doubling at each further attempt, at most 900 s.
pub async fn reserve_attempt(
    db: &impl ConnectionTrait,
    account: &str,
    client: &str,
    free: i64,
    at: i64,
) -> anyhow::Result<Reservation> {
    throttle_row(db, account, client, at).await?;
    let stale = at - THROTTLE_WINDOW_SECONDS;
    // The attempt's number in the window: the first again once the window has passed.
    let n = "(CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END)";
    let granted: Option<GrantedRow> = fetch_optional(
        db,
        &format!(
            "UPDATE sign_in_throttle SET failures = {n}, \
             next_at = ? + CASE WHEN {n} < ? THEN 0 WHEN {n} - ? >= 10 THEN 900 \
             ELSE 1 << CAST({n} - ? AS INTEGER) END, last_at = ? \
             WHERE account = ? AND client = ? AND next_at <= ? RETURNING known"
        ),
        vec![
            stale.into(),
            at.into(),
            stale.into(),
            free.into(),
            stale.into(),
            free.into(),
            stale.into(),
            free.into(),
            at.into(),
            account.into(),
            client.into(),
            at.into(),
        ],
    )
    .await
    .context("counting a sign-in attempt")?;
    if let Some(row) = granted {
        return Ok(Reservation::Granted { known: row.known });
    }
    let row: Option<ThrottleRow> = fetch_optional(
        db,
        "SELECT next_at FROM sign_in_throttle WHERE account = ? AND client = ?",
        vec![account.into(), client.into()],
    )
    .await?;
    Ok(Reservation::Refused {
        retry_after: row.map(|r| r.next_at - at).unwrap_or(1).max(1),
    })
}

/// Counts one use of a capped allowance (`cap` an hour, counted from the last use once an
/// hour has passed without one) and says whether it was still within the cap. One statement
/// checks and counts, so a parallel burst gets exactly `cap`.
pub async fn reserve_capped(
    db: &impl ConnectionTrait,
    account: &str,
    client: &str,
    cap: i64,
    at: i64,
) -> anyhow::Result<bool> {
    throttle_row(db, account, client, at).await?;
    let stale = at - THROTTLE_WINDOW_SECONDS;
    let n = "(CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END)";
    let counted: Option<GrantedCount> = fetch_optional(
        db,
        &format!(
            "UPDATE sign_in_throttle SET failures = {n}, last_at = ? \
             WHERE account = ? AND client = ? AND {n} <= ? RETURNING failures"
        ),
        vec![
            stale.into(),
            at.into(),
            account.into(),
            client.into(),
            stale.into(),
            cap.into(),
        ],
    )
    .await
    .context("counting a capped use")?;
    Ok(counted.is_some_and(|c| c.failures <= cap))
}

#[derive(Debug, Clone, FromQueryResult)]
struct GrantedCount {
    failures: i64,
}

#[derive(Debug, Clone, FromQueryResult)]
struct GrantedRow {
    known: bool,
}

/// A successful sign-in: the pair's count starts again and the client is known to the
/// account; the client's own count gives the attempt back.
pub async fn forgive_attempts(
    db: &impl ConnectionTrait,
    account: &str,
    client: &str,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE sign_in_throttle SET failures = 0, next_at = 0, known = ? WHERE account = ? AND client = ?",
        vec![true.into(), account.into(), client.into()],
    ))
    .await
    .context("forgiving attempts")?;
    db.execute(stmt(
        db,
        "UPDATE sign_in_throttle SET failures = failures - 1 WHERE account = '' AND client = ? AND failures > 0",
        vec![client.into()],
    ))
    .await
    .context("forgiving a client's attempt")?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

/// The people holding a role in a scope, by name.
pub async fn members_of(
    db: &impl ConnectionTrait,
    scope_kind: &str,
    scope_id: &str,
) -> anyhow::Result<Vec<MemberRow>> {
    fetch_all(
        db,
        "SELECT m.user_id, u.name, u.email, m.role FROM membership m JOIN user_account u ON u.id = m.user_id \
         WHERE m.scope_kind = ? AND m.scope_id = ? ORDER BY u.name, m.role LIMIT 500",
        vec![scope_kind.into(), scope_id.into()],
    )
    .await
}

/// Removes one membership; `false` when there was none.
pub async fn remove_membership(
    db: &impl ConnectionTrait,
    user_id: i64,
    scope_kind: &str,
    scope_id: &str,
    role: &str,
) -> anyhow::Result<bool> {
    Ok(db
        .execute(stmt(
            db,
            "DELETE FROM membership WHERE user_id = ? AND scope_kind = ? AND scope_id = ? AND role = ?",
            vec![user_id.into(), scope_kind.into(), scope_id.into(), role.into()],
        ))
        .await
        .context("removing a membership")?
        .rows_affected()
        > 0)
}

/// Pending invitations (unused, unexpired) whose payload is exactly `payload`:
/// (email, created at).
pub async fn pending_invitations(
    db: &impl ConnectionTrait,
    payload: &str,
    at: i64,
) -> anyhow::Result<Vec<(String, i64)>> {
    let rows: Vec<InvitationRow> = fetch_all(
        db,
        "SELECT email, payload, created_at AS at FROM auth_link \
         WHERE purpose = ? AND payload = ? AND used_at IS NULL AND expires_at > ? \
         ORDER BY created_at DESC LIMIT 200",
        vec![LinkPurpose::Invite.code().into(), payload.into(), at.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.email, r.at)).collect())
}

/// Revokes the pending invitations of `email` with this payload; returns how many.
pub async fn revoke_invitations(
    db: &impl ConnectionTrait,
    email: &str,
    payload: &str,
    at: i64,
) -> anyhow::Result<u64> {
    Ok(db
        .execute(stmt(
            db,
            "UPDATE auth_link SET used_at = ? WHERE purpose = ? AND email = ? AND payload = ? \
             AND used_at IS NULL AND expires_at > ?",
            vec![
                at.into(),
                LinkPurpose::Invite.code().into(),
                email.into(),
                payload.into(),
                at.into(),
            ],
        ))
        .await
        .context("revoking an invitation")?
        .rows_affected())
}

/// Deletes the throttle rows of past windows (keeping the pairs that mark a known client),
/// expired sessions and expired one-time links; returns how many rows went.
pub async fn forget_stale(db: &impl ConnectionTrait, at: i64) -> anyhow::Result<u64> {
    let mut gone = 0;
    for (sql, values) in [
        (
            "DELETE FROM sign_in_throttle WHERE last_at < ? AND next_at < ? AND known = ?",
            vec![(at - THROTTLE_WINDOW_SECONDS).into(), at.into(), false.into()],
        ),
        (
            "UPDATE sign_in_throttle SET failures = 0 WHERE last_at < ? AND known = ? AND failures > 0",
            vec![(at - THROTTLE_WINDOW_SECONDS).into(), true.into()],
        ),
        ("DELETE FROM session WHERE expires_at < ?", vec![at.into()]),
        ("DELETE FROM auth_link WHERE expires_at < ?", vec![at.into()]),
    ] {
        gone += db
            .execute(stmt(db, sql, values))
            .await
            .context("forgetting stale account rows")?
            .rows_affected();
    }
    Ok(gone)
}
