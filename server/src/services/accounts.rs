//! Accounts: sign-up, sign-in (password or magic link), email verification, password reset,
//! sessions, API tokens, invitations, notification settings, and the audit log.
//!
//! Messages never reveal whether an address has an account. Passwords are hashed with
//! Argon2id (OWASP parameters) off the async runtime. Tokens are 256-bit random values; only
//! their SHA-256 is stored. A change and the mail it causes share one transaction; a
//! consumed one-time link and the session it opens too.

use crate::clock::Clock;
use crate::db::{self, accounts as q};
use crate::mail::{self, templates};
use anyhow::Context;
use app::api::accounts::{
    AccountOverview, ApiTokenView, CurrentUser, LinkPurpose, MembershipView, SessionView,
    MAX_TOKEN_DAYS, MIN_PASSWORD_CHARS,
};
use app::domain::ids::{Email, ReturnTo};
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::policy::{
    can, grantable_roles, may_grant, Action, Membership, Place, Resource, Role, Scope, TokenScope,
    Viewer,
};
use app::error::{Conflict, FieldError, Problem, Said};
use app::i18n::Lang;
use app::ports::{Accounts, ServiceError, SessionKey};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Session lifetime.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;
const VERIFY_SECONDS: i64 = 48 * 3600;
const MAGIC_SECONDS: i64 = 15 * 60;
const RESET_SECONDS: i64 = 3600;
const INVITE_SECONDS: i64 = 7 * 24 * 3600;

/// Sign-in attempts a client makes on one account before each next one waits.
pub const FREE_ATTEMPTS_PER_ACCOUNT: i64 = 5;
/// Sign-in attempts a client makes in an hour, on accounts it has never signed in to,
/// before each next one waits (a shared address behind a proxy makes many).
pub const FREE_ATTEMPTS_PER_CLIENT: i64 = 300;
/// Sign-in attempts on one account, from all the clients that never signed in to it, in an
/// hour before each next one waits: a guesser spread over many addresses is slowed too,
/// while the owner's known clients are not.
pub const FREE_ATTEMPTS_ON_AN_ACCOUNT: i64 = 100;
/// The throttle key of an account's attempts from unknown clients (never an address).
const ANY_CLIENT: &str = "*";

/// The client as the throttle counts it: an IPv4 address, or the /64 network of an IPv6 one
/// (one subscriber holds a whole /64, and would otherwise have 2^64 addresses to try from).
fn throttle_client(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_owned(),
    }
}

/// The longest wait between two attempts.
pub const MAX_PAUSE_SECONDS: i64 = 900;

/// The wait imposed after the n-th attempt of the hour when `free` attempts pass unhindered:
/// one second after the `free`-th, doubling at each further one, at most `MAX_PAUSE_SECONDS`.
/// A client trying one account as fast as it is allowed gets about 17 attempts in the first
/// hour and 4 an hour after that; the owner, from another client, is not slowed at all.
pub fn pause_after(n: i64, free: i64) -> i64 {
    if n < free {
        0
    } else {
        (1i64 << (n - free).min(20)).min(MAX_PAUSE_SECONDS)
    }
}
/// Sign-ups a client makes in an hour before each next one waits.
pub const MAX_SIGN_UPS_PER_IP: i64 = 30;
/// The throttle key of sign-ups (never an address).
const SIGN_UP_KEY: &str = "#sign-up";
/// Link requests (magic link, reset) allowed per account, and per IP address, in an hour.
pub const MAX_LINKS_PER_ACCOUNT: i64 = 5;
pub const MAX_LINKS_PER_IP: i64 = 30;

/// A fresh random token, hex-encoded.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn argon() -> anyhow::Result<Argon2<'static>> {
    // OWASP: Argon2id, 19 MiB, 2 iterations, 1 lane.
    let params =
        Params::new(19_456, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// At most this many Argon2 computations at once per server (19 MiB each): a burst of
/// sign-ins queues instead of exhausting memory.
const HASHING_PERMITS: usize = 4;
/// At most this many password checks waiting for a permit: beyond, the server answers 503
/// at once rather than piling requests (and their memory) up behind the hashes.
const HASHING_QUEUE: usize = 64;

/// A place in the hashing queue, or `None` when it is full.
fn queue_place(waiting: &Arc<AtomicUsize>) -> Option<QueuePlace> {
    let before = waiting.fetch_add(1, Ordering::SeqCst);
    let place = QueuePlace(waiting.clone());
    (before < HASHING_QUEUE + HASHING_PERMITS).then_some(place)
}

/// Whether the hashing queue is full right now.
fn queue_full(waiting: &AtomicUsize) -> bool {
    waiting.load(Ordering::SeqCst) >= HASHING_QUEUE + HASHING_PERMITS
}

/// Holds one place in the hashing queue until dropped.
struct QueuePlace(Arc<AtomicUsize>);

impl Drop for QueuePlace {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Hashes a password off the async runtime, once `hashing` lets it.
async fn hash_password(hashing: &Semaphore, password: String) -> anyhow::Result<String> {
    let _permit = hashing.acquire().await.context("hashing queue")?;
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0u8; 16];
        getrandom::getrandom(&mut salt_bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        argon()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))
    })
    .await
    .context("hashing task")?
}

/// A fixed hash checked when the account does not exist, so timing does not tell.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q4n6Ka0jE1TqPz1s2xHMd2Ai8W0v3FZ0j9u5mR0Hq3E";

async fn verify_password(hashing: &Semaphore, password: String, hash: Option<String>) -> bool {
    let Ok(_permit) = hashing.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let ok = argon()
            .map(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && stored != DUMMY_HASH
    })
    .await
    .unwrap_or(false)
}

/// What an invitation link carries: the scope and role it grants. One function writes it, so
/// a revocation finds the invitations it names.
/// An invitation to write: who invites whom to which role, named how, in which language.
pub struct Invitation<'a> {
    pub inviter: &'a CurrentUser,
    pub email: &'a Email,
    pub scope: &'a Scope,
    pub role: Role,
    /// The scope's name, as the mail gives it.
    pub label: &'a str,
    pub lang: Lang,
}

/// Records an invitation inside the caller's transaction: its one-time link, its mail in
/// the outbox, and the audit line. The caller has checked that the inviter may grant it.
pub async fn record_invitation(
    txn: &impl ConnectionTrait,
    public_url: &str,
    at: i64,
    i: &Invitation<'_>,
) -> Result<(), ServiceError> {
    let token = new_token()?;
    let payload = invitation_payload(i.scope, i.role);
    q::insert_link(
        txn,
        &hash_token(&token),
        LinkPurpose::Invite.code(),
        i.email.as_str(),
        None,
        &payload,
        INVITE_SECONDS,
        at,
    )
    .await?;
    let link = format!("{public_url}/invitation?token={token}");
    let mail = templates::invitation(
        i.email.as_str(),
        i.lang,
        &i.inviter.name,
        i.label,
        app::i18n::t(i.lang, i.role.key()),
        &link,
    );
    mail::enqueue(txn, &format!("invite-{}", hash_token(&token)), &mail).await?;
    q::audit(
        txn,
        "invitation_sent",
        Some(i.inviter.id),
        Some(i.email.as_str()),
        "",
        &payload,
        at,
    )
    .await?;
    Ok(())
}

fn invitation_payload(scope: &Scope, role: Role) -> String {
    serde_json::json!({ "scope_kind": scope.kind().code(), "scope_id": scope.id(), "role": role.code() })
        .to_string()
}

fn field(name: &str, said: impl Into<Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(name, said)])
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(field("password", Problem::PasswordTooShort));
    }
    if password.len() > 1024 {
        return Err(field("password", Problem::PasswordTooLong));
    }
    Ok(())
}

pub use app::ports::Client;

/// The accounts service.
#[derive(Clone)]
pub struct AccountsService {
    db: DatabaseConnection,
    public_url: String,
    /// Owned by the service, not a process-wide static: a permit taken by one server's task
    /// must never be waited on by another's (tests run many servers, each on its own runtime).
    hashing: Arc<Semaphore>,
    /// Password checks waiting for or holding a hashing permit (bounded by `HASHING_QUEUE`).
    waiting: Arc<AtomicUsize>,
    /// The server's clock: expiry, pauses and every timestamp written.
    clock: Clock,
}

impl AccountsService {
    pub fn new(db: DatabaseConnection, public_url: String) -> Self {
        AccountsService {
            db,
            public_url: public_url.trim_end_matches('/').to_owned(),
            hashing: Arc::new(Semaphore::new(HASHING_PERMITS)),
            waiting: Arc::new(AtomicUsize::new(0)),
            clock: Clock::default(),
        }
    }

    /// Every ten minutes, forgets what no rule reads any more: throttle rows of the past
    /// window (but the clients known to an account), expired sessions and one-time links.
    pub fn spawn_housekeeping(self) {
        tokio::spawn(async move {
            let period = std::time::Duration::from_secs(600);
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                tick.tick().await;
                if let Err(e) = q::forget_stale(&self.db, self.clock.now()).await {
                    tracing::warn!(error = format!("{e:#}"), "account housekeeping failed");
                }
            }
        });
    }

    /// The same service judging time by `clock` (the server's, which tests move).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The address of a one-time link, carrying on where its person was going, if anywhere.
    fn link(&self, path: &str, token: &str, next: Option<&ReturnTo>) -> String {
        let next = next.map(|n| n.query('&')).unwrap_or_default();
        format!("{}{path}?token={token}{next}", self.public_url)
    }

    /// A new session token; inside the caller's transaction when `db` is one, so a one-time
    /// link is never consumed without the session it opens.
    async fn open_session(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
        client: &Client,
    ) -> anyhow::Result<String> {
        let token = new_token()?;
        q::insert_session(
            db,
            &hash_token(&token),
            user_id,
            SESSION_SECONDS,
            &client.user_agent,
            self.clock.now(),
        )
        .await?;
        Ok(token)
    }

    /// Spends a one-time link of `purpose` that sets a password (e-mail verification, reset),
    /// in one transaction: the mailbox is proven, every earlier session and API token ends
    /// with the old password, the `(event, detail)` is audited and a session opens, whose
    /// token is returned.
    async fn password_from_link(
        &self,
        token: &str,
        purpose: &str,
        password: &str,
        client: &Client,
        (event, detail): (&str, &str),
    ) -> Result<String, ServiceError> {
        let hash = self.new_password_for_link(token, purpose, password).await?;
        let txn = self.db.begin().await.context("password link transaction")?;
        let Some(link) =
            q::consume_link(&txn, &hash_token(token), purpose, self.clock.now()).await?
        else {
            return Err(field("token", Problem::LinkInvalid));
        };
        let user = self.linked_user(&txn, &link).await?;
        let user_id = user.id;
        q::prove_mailbox(&txn, &user, Some(&hash), self.clock.now()).await?;
        q::audit(
            &txn,
            event,
            Some(user_id),
            Some(&link.email),
            &client.ip,
            detail,
            self.clock.now(),
        )
        .await?;
        let token = self.open_session(&txn, user_id, client).await?;
        txn.commit()
            .await
            .with_context(|| format!("committing the {purpose} link"))?;
        Ok(token)
    }

    /// Checks a one-time link before paying for a password hash (a flood of invalid tokens
    /// costs a lookup each, not a hash), then checks and hashes the password chosen.
    async fn new_password_for_link(
        &self,
        token: &str,
        purpose: &str,
        password: &str,
    ) -> Result<String, ServiceError> {
        if q::peek_link(&self.db, &hash_token(token), purpose, self.clock.now())
            .await?
            .is_none()
        {
            return Err(field("token", Problem::LinkInvalid));
        }
        check_password(password)?;
        Ok(hash_password(&self.hashing, password.to_owned()).await?)
    }

    /// The account a consumed link was sent for.
    async fn linked_user(
        &self,
        db: &impl ConnectionTrait,
        link: &q::LinkRow,
    ) -> Result<q::UserRow, ServiceError> {
        let user_id = link.user_id.ok_or(ServiceError::NotFound)?;
        q::user_by_id(db, user_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Whether a link request of `purpose` for `email` from `client` is within its hourly
    /// allowances (per address, per client), counted in one statement each so that a burst
    /// of parallel requests sends no more mails than allowed.
    async fn within_link_allowances(
        &self,
        purpose: &str,
        email: &str,
        client: &Client,
    ) -> anyhow::Result<bool> {
        let at = self.clock.now();
        let address: String = email.chars().take(240).collect();
        Ok(q::reserve_capped(
            &self.db,
            &format!("#{purpose}:{address}"),
            "",
            MAX_LINKS_PER_ACCOUNT,
            at,
        )
        .await?
            && q::reserve_capped(
                &self.db,
                &format!("#{purpose}"),
                &throttle_client(&client.ip),
                MAX_LINKS_PER_IP,
                at,
            )
            .await?)
    }

    async fn request_link(
        &self,
        email: &str,
        client: &Client,
        purpose: &str,
        next: Option<&ReturnTo>,
    ) -> Result<bool, ServiceError> {
        let email = Email::parse(email).map_err(|_| field("email", Problem::EmailInvalid))?;
        let event = format!("{purpose}_link_requested");
        if !self
            .within_link_allowances(purpose, email.as_str(), client)
            .await?
        {
            return Ok(false);
        }
        let txn = self.db.begin().await.context("link transaction")?;
        q::audit(
            &txn,
            &event,
            None,
            Some(email.as_str()),
            &client.ip,
            "",
            self.clock.now(),
        )
        .await?;
        if let Some(user) = q::user_by_email(&txn, email.as_str()).await? {
            let token = new_token()?;
            let lang = Lang::from_tag(&user.lang).unwrap_or_default();
            let (ttl, mail) = if purpose == LinkPurpose::Magic.code() {
                (
                    MAGIC_SECONDS,
                    templates::magic_link(
                        &user.email,
                        lang,
                        &user.name,
                        &self.link("/lien", &token, next),
                    ),
                )
            } else {
                (
                    RESET_SECONDS,
                    templates::password_reset(
                        &user.email,
                        lang,
                        &user.name,
                        &self.link("/reinitialiser", &token, None),
                    ),
                )
            };
            q::insert_link(
                &txn,
                &hash_token(&token),
                purpose,
                &user.email,
                Some(user.id),
                "{}",
                ttl,
                self.clock.now(),
            )
            .await?;
            mail::enqueue(&txn, &format!("{purpose}-{}", hash_token(&token)), &mail).await?;
        }
        txn.commit().await.context("committing the link")?;
        Ok(true)
    }

    async fn identify_user(
        &self,
        user_id: i64,
    ) -> Result<Option<(Viewer, CurrentUser)>, ServiceError> {
        let Some(user) = q::user_by_id(&self.db, user_id).await? else {
            return Ok(None);
        };
        let rows = q::memberships(&self.db, user_id).await?;
        let mut memberships = Vec::new();
        let mut views = Vec::new();
        for m in rows {
            if let (Some(scope), Some(role)) = (
                Scope::from_parts(&m.scope_kind, &m.scope_id),
                Role::parse(&m.role),
            ) {
                memberships.push(Membership { scope, role });
            }
            views.push(MembershipView {
                scope_label: q::scope_label(&self.db, &m.scope_kind, &m.scope_id).await?,
                scope_kind: m.scope_kind,
                scope_id: m.scope_id,
                role: m.role,
            });
        }
        Ok(Some((
            Viewer {
                user_id: Some(user.id),
                memberships,
            },
            CurrentUser {
                id: user.id,
                email: user.email,
                name: user.name,
                lang: user.lang,
                verified: user.email_verified_at.is_some(),
                memberships: views,
            },
        )))
    }

    /// Creates (or completes) a user from the command line, verified, with one role.
    ///
    /// An existing account is treated as proven by the administrator: an unverified one loses
    /// whatever was set before (see `prove_mailbox`); `password`, when given, becomes its
    /// password.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password: Option<&str>,
        scope: Scope,
        role: Role,
    ) -> anyhow::Result<(i64, Option<String>)> {
        let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
        anyhow::ensure!(
            role.scope_kind() == scope.kind(),
            "--role {} needs a {} scope",
            role.code(),
            role.scope_kind().code()
        );
        if let Some(p) = password {
            anyhow::ensure!(
                p.chars().count() >= MIN_PASSWORD_CHARS,
                "--password: at least {MIN_PASSWORD_CHARS} characters"
            );
        }
        let hash = match password {
            Some(p) => Some(hash_password(&self.hashing, p.to_owned()).await?),
            None => None,
        };
        let txn = self.db.begin().await?;
        let id = match q::user_by_email(&txn, email.as_str()).await? {
            Some(u) => {
                q::prove_mailbox(&txn, &u, hash.as_deref(), self.clock.now()).await?;
                u.id
            }
            None => q::insert_user(
                &txn,
                email.as_str(),
                name,
                "fr",
                hash.as_deref(),
                true,
                self.clock.now(),
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("could not create the user"))?,
        };
        q::add_membership(
            &txn,
            id,
            scope.kind().code(),
            &scope.id(),
            role.code(),
            self.clock.now(),
        )
        .await?;
        q::audit(
            &txn,
            "role_granted",
            Some(id),
            Some(email.as_str()),
            "cli",
            role.code(),
            self.clock.now(),
        )
        .await?;
        let link = if password.is_none() {
            let token = new_token()?;
            q::insert_link(
                &txn,
                &hash_token(&token),
                LinkPurpose::Magic.code(),
                email.as_str(),
                Some(id),
                "{}",
                24 * 3600,
                self.clock.now(),
            )
            .await?;
            Some(self.link("/lien", &token, None))
        } else {
            None
        };
        txn.commit().await?;
        Ok((id, link))
    }

    /// Creates an API token for a user by email (command line).
    pub async fn create_api_token_for(
        &self,
        email: &str,
        name: &str,
        scope: TokenScope,
        days: i64,
    ) -> anyhow::Result<String> {
        let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
        let user = q::user_by_email(&self.db, email.as_str())
            .await?
            .ok_or_else(|| anyhow::anyhow!("no user {}", email.as_str()))?;
        let viewer = Viewer {
            user_id: Some(user.id),
            memberships: Vec::new(),
        };
        self.create_api_token(&viewer, user.id, name, scope, days)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }
}

#[async_trait::async_trait]
impl Accounts for AccountsService {
    async fn link_address(
        &self,
        token: &str,
        purpose: app::api::accounts::LinkPurpose,
    ) -> Result<Option<String>, ServiceError> {
        Ok(q::peek_link(
            &self.db,
            &hash_token(token),
            purpose.code(),
            self.clock.now(),
        )
        .await?
        .map(|l| l.email))
    }

    async fn overview(
        &self,
        user_id: i64,
        session: Option<&SessionKey>,
    ) -> Result<AccountOverview, ServiceError> {
        let (_, user) = self
            .identify_user(user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let sessions = q::sessions_of(&self.db, user_id, self.clock.now())
            .await?
            .into_iter()
            .map(|s| SessionView {
                current: session.is_some_and(|k| k.0 == s.token_hash),
                created_at: s.created_at,
                user_agent: s.user_agent,
            })
            .collect();
        let tokens = q::api_tokens_of(&self.db, user_id)
            .await?
            .into_iter()
            .map(|t| ApiTokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked_at.is_some(),
                expired: t.expires_at.is_some_and(|e| e <= self.clock.now()),
                expires_at: t.expires_at,
                scope: t.scope,
            })
            .collect();
        let stored = q::notification_settings(&self.db, user_id).await?;
        let notifications = NotificationKind::ALL
            .iter()
            .map(|&k| {
                let chosen = stored.iter().find(|s| k.is(&s.kind));
                (
                    k,
                    Frequency::of_setting(chosen.map(|s| s.frequency.as_str())),
                )
            })
            .collect();
        // Where the policy lets this user invite, with the roles of that kind of scope.
        let viewer = user.viewer();
        let mut invite_targets = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in &user.memberships {
            let Some(scope) = Scope::from_parts(&m.scope_kind, &m.scope_id) else {
                continue;
            };
            let regions = crate::db::directory::scope_regions(&self.db, &scope).await?;
            let roles = grantable_roles(
                &viewer,
                Place {
                    scope: &scope,
                    regions: &regions,
                },
            );
            if roles.is_empty() || !seen.insert(scope.clone()) {
                continue;
            }
            let members = q::members_of(&self.db, &m.scope_kind, &m.scope_id)
                .await?
                .into_iter()
                .filter(|p| p.user_id != user_id)
                .filter(|p| Role::parse(&p.role).is_some_and(|r| roles.contains(&r)))
                .map(|p| app::api::accounts::MemberView {
                    user_id: p.user_id,
                    name: p.name,
                    email: p.email,
                    role: p.role,
                })
                .collect();
            let mut pending = Vec::new();
            for role in &roles {
                for (email, at) in q::pending_invitations(
                    &self.db,
                    &invitation_payload(&scope, *role),
                    self.clock.now(),
                )
                .await?
                {
                    pending.push(app::api::accounts::PendingInvitation {
                        email,
                        role: role.code().to_owned(),
                        at,
                    });
                }
            }
            invite_targets.push(app::api::accounts::InviteTarget {
                scope_kind: m.scope_kind.clone(),
                scope_id: m.scope_id.clone(),
                scope_label: m.scope_label.clone(),
                roles: roles.iter().map(|r| r.code().to_owned()).collect(),
                members,
                pending,
            });
        }
        let invitations_sent = q::invitations_sent(&self.db, user_id).await?;
        let invitations_received =
            q::invitations_received(&self.db, &user.email, self.clock.now()).await?;
        let mut views = Vec::new();
        for list in [invitations_sent, invitations_received] {
            let mut out = Vec::new();
            for (email, payload, at) in list {
                let p: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
                let kind = p["scope_kind"].as_str().unwrap_or_default();
                let id = p["scope_id"].as_str().unwrap_or_default();
                out.push(app::api::accounts::InvitationView {
                    email,
                    scope_label: q::scope_label(&self.db, kind, id).await?,
                    role: p["role"].as_str().unwrap_or_default().to_owned(),
                    at,
                });
            }
            views.push(out);
        }
        let invitations_received = views.pop().unwrap_or_default();
        let invitations_sent = views.pop().unwrap_or_default();
        let name_public = db::fetch_count(
            &self.db,
            "SELECT COUNT(*) AS n FROM user_account WHERE id = ? AND name_public",
            vec![user_id.into()],
        )
        .await?
            > 0;
        Ok(AccountOverview {
            user,
            sessions,
            tokens,
            invitations_sent,
            invitations_received,
            invite_targets,
            notifications,
            name_public,
        })
    }

    /// Creates an account and sends the confirmation link. An address already registered gets
    /// no new account and the same answer (no enumeration).
    async fn sign_up(
        &self,
        email: &str,
        name: &str,
        password: &str,
        lang: Lang,
        client: &Client,
        next: Option<&ReturnTo>,
    ) -> Result<(), ServiceError> {
        // Every problem of the form at once, so that the page tells them all.
        let mut problems = Vec::new();
        let email = Email::parse(email).map_err(|_| field("email", Problem::EmailInvalid));
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            problems.push(FieldError::new("name", Problem::NameRequired));
        }
        for refused in [
            email.as_ref().err(),
            check_password(password).err().as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if let ServiceError::Invalid(list) = refused {
                problems.extend(list.iter().cloned());
            }
        }
        let email = match email {
            Ok(email) if problems.is_empty() => email,
            _ => return Err(ServiceError::Invalid(problems)),
        };
        // Every sign-up sends a mail and costs a hash: counted per client before the hash,
        // like sign-ins (the key is no address, so it never meets an account's row).
        if let q::Reservation::Refused { .. } = q::reserve_attempt(
            &self.db,
            SIGN_UP_KEY,
            &client.ip,
            MAX_SIGN_UPS_PER_IP,
            self.clock.now(),
        )
        .await?
        {
            return Err(field("email", Problem::RateLimited));
        }
        let hash = hash_password(&self.hashing, password.to_owned()).await?;
        let token = new_token()?;
        let txn = self.db.begin().await.context("sign-up transaction")?;
        match q::insert_user(
            &txn,
            email.as_str(),
            name,
            lang.code(),
            Some(&hash),
            false,
            self.clock.now(),
        )
        .await?
        {
            Some(id) => {
                q::insert_link(
                    &txn,
                    &hash_token(&token),
                    LinkPurpose::Verify.code(),
                    email.as_str(),
                    Some(id),
                    "{}",
                    VERIFY_SECONDS,
                    self.clock.now(),
                )
                .await?;
                let mail = templates::verify_email(
                    email.as_str(),
                    lang,
                    name,
                    &self.link("/verifier", &token, next),
                );
                mail::enqueue(&txn, &format!("verify-{}", hash_token(&token)), &mail).await?;
                q::audit(
                    &txn,
                    "sign_up",
                    Some(id),
                    Some(email.as_str()),
                    &client.ip,
                    "",
                    self.clock.now(),
                )
                .await?;
            }
            None => {
                // The address has an account: its owner hears of the attempt (an unconfirmed
                // one gets a fresh confirmation link, whose page asks for a password of its
                // own), at most a few times an hour; the requester is told what everyone is.
                let told = q::recent_events(
                    &txn,
                    "sign_up_existing",
                    Some(email.as_str()),
                    None,
                    3600,
                    self.clock.now(),
                )
                .await?;
                let owner = q::user_by_email(&txn, email.as_str()).await?;
                q::audit(
                    &txn,
                    "sign_up_existing",
                    owner.as_ref().map(|u| u.id),
                    Some(email.as_str()),
                    &client.ip,
                    "",
                    self.clock.now(),
                )
                .await?;
                if let Some(owner) = owner.filter(|_| told < MAX_LINKS_PER_ACCOUNT as u64) {
                    let owner_lang = Lang::from_tag(&owner.lang).unwrap_or_default();
                    let mail = if owner.email_verified_at.is_some() {
                        templates::sign_up_attempted(
                            &owner.email,
                            owner_lang,
                            &owner.name,
                            &format!("{}/mot-de-passe-oublie", self.public_url),
                        )
                    } else {
                        q::insert_link(
                            &txn,
                            &hash_token(&token),
                            LinkPurpose::Verify.code(),
                            &owner.email,
                            Some(owner.id),
                            "{}",
                            VERIFY_SECONDS,
                            self.clock.now(),
                        )
                        .await?;
                        templates::verify_email(
                            &owner.email,
                            owner_lang,
                            &owner.name,
                            &self.link("/verifier", &token, None),
                        )
                    };
                    mail::enqueue(&txn, &format!("sign-up-{}", hash_token(&token)), &mail).await?;
                }
            }
        }
        txn.commit().await.context("committing the sign-up")?;
        Ok(())
    }

    /// Confirms an address from its link and opens a session.
    ///
    /// The page of the link asks for a password, which becomes the account's: the one chosen
    /// at sign-up or a new one. Whoever clicks a confirmation link therefore never validates
    /// a password chosen by someone else (a stranger who signed up first with their address).
    async fn verify_email(
        &self,
        token: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError> {
        self.password_from_link(
            token,
            LinkPurpose::Verify.code(),
            password,
            client,
            ("email_verified", ""),
        )
        .await
    }

    /// Password sign-in; returns a new session token.
    ///
    /// The attempt is counted before the password is hashed, per (account, client) and, for
    /// a client that has never signed in to this account, per client: see `pause_after`.
    /// Nothing locks an account: its owner, from another client, signs in meanwhile.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError> {
        let email = Email::parse(email)
            .map(|e| e.as_str().to_owned())
            .unwrap_or_else(|_| email.trim().to_lowercase());
        // The throttle row's key: bounded like the column, whatever was typed.
        let account: String = email.chars().take(254).collect();
        let refused = |retry_after: i64| {
            let email = email.clone();
            async move {
                q::audit(
                    &self.db,
                    "sign_in_limited",
                    None,
                    Some(&email),
                    &client.ip,
                    "",
                    self.clock.now(),
                )
                .await?;
                Err::<String, ServiceError>(ServiceError::RateLimited(retry_after.max(1) as u64))
            }
        };
        // A server too busy to hash answers 503 before counting anything: a flood from
        // elsewhere never uses up the owner's attempts. (The place itself is taken after the
        // count, so that requests the count refuses never hold one.)
        if queue_full(&self.waiting) {
            return Err(ServiceError::Busy(5));
        }
        let at = self.clock.now();
        let from = throttle_client(&client.ip);
        let known =
            match q::reserve_attempt(&self.db, &account, &from, FREE_ATTEMPTS_PER_ACCOUNT, at)
                .await?
            {
                q::Reservation::Granted { known } => known,
                q::Reservation::Refused { retry_after } => return refused(retry_after).await,
            };
        // A client this account never signed in from also counts against the client's
        // attempts on every account, and against the account's attempts from every such client.
        if !known {
            for (key, client_key, free) in [
                ("", from.as_str(), FREE_ATTEMPTS_PER_CLIENT),
                (account.as_str(), ANY_CLIENT, FREE_ATTEMPTS_ON_AN_ACCOUNT),
            ] {
                if let q::Reservation::Refused { retry_after } =
                    q::reserve_attempt(&self.db, key, client_key, free, at).await?
                {
                    return refused(retry_after).await;
                }
            }
        }
        let Some(_place) = queue_place(&self.waiting) else {
            return Err(ServiceError::Busy(5));
        };
        let user = q::user_by_email(&self.db, &email).await?;
        let ok = verify_password(
            &self.hashing,
            password.to_owned(),
            user.as_ref().and_then(|u| u.password_hash.clone()),
        )
        .await;
        match user {
            Some(u) if ok && u.email_verified_at.is_some() => {
                let txn = self.db.begin().await.context("sign-in transaction")?;
                q::forgive_attempts(&txn, &account, &from).await?;
                q::audit(
                    &txn,
                    "sign_in",
                    Some(u.id),
                    Some(&email),
                    &client.ip,
                    "password",
                    self.clock.now(),
                )
                .await?;
                let token = self.open_session(&txn, u.id, client).await?;
                txn.commit().await.context("committing the sign-in")?;
                Ok(token)
            }
            other => {
                q::audit(
                    &self.db,
                    "sign_in_failed",
                    other.map(|u| u.id),
                    Some(&email),
                    &client.ip,
                    "",
                    self.clock.now(),
                )
                .await?;
                Err(ServiceError::Unauthenticated)
            }
        }
    }

    /// Sends a one-time sign-in link if the address has an account. `Ok(false)` when rate-limited.
    async fn request_magic_link(
        &self,
        email: &str,
        client: &Client,
        next: Option<&ReturnTo>,
    ) -> Result<bool, ServiceError> {
        self.request_link(email, client, LinkPurpose::Magic.code(), next)
            .await
    }

    /// Sends a password reset link if the address has an account. `Ok(false)` when rate-limited.
    async fn request_password_reset(
        &self,
        email: &str,
        client: &Client,
    ) -> Result<bool, ServiceError> {
        self.request_link(email, client, LinkPurpose::Reset.code(), None)
            .await
    }

    /// Signs in with a magic link (and confirms the address, which it proves).
    async fn use_magic_link(&self, token: &str, client: &Client) -> Result<String, ServiceError> {
        let txn = self.db.begin().await.context("magic link transaction")?;
        let Some(link) = q::consume_link(
            &txn,
            &hash_token(token),
            LinkPurpose::Magic.code(),
            self.clock.now(),
        )
        .await?
        else {
            return Err(field("token", Problem::LinkInvalid));
        };
        let user = self.linked_user(&txn, &link).await?;
        let user_id = user.id;
        q::prove_mailbox(&txn, &user, None, self.clock.now()).await?;
        q::audit(
            &txn,
            "sign_in",
            Some(user_id),
            Some(&link.email),
            &client.ip,
            "magic_link",
            self.clock.now(),
        )
        .await?;
        let token = self.open_session(&txn, user_id, client).await?;
        txn.commit().await.context("committing the magic link")?;
        Ok(token)
    }

    /// Sets a new password from a reset link: every other session and every API token ends.
    async fn reset_password(
        &self,
        token: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError> {
        self.password_from_link(
            token,
            LinkPurpose::Reset.code(),
            password,
            client,
            ("password_changed", "reset"),
        )
        .await
    }

    /// Ends one session.
    async fn sign_out(&self, session_hash: &str) -> Result<(), ServiceError> {
        if let Some(s) = q::session(&self.db, session_hash, self.clock.now()).await? {
            q::audit(
                &self.db,
                "sign_out",
                Some(s.user_id),
                None,
                "",
                "",
                self.clock.now(),
            )
            .await?;
        }
        Ok(q::delete_session(&self.db, session_hash).await?)
    }

    /// Ends every session of a user and revokes their API tokens.
    async fn sign_out_everywhere(
        &self,
        user_id: i64,
        client: &Client,
    ) -> Result<u64, ServiceError> {
        let txn = self.db.begin().await.context("sign-out transaction")?;
        let n = q::delete_sessions_of(&txn, user_id).await?;
        q::revoke_api_tokens_of(&txn, user_id, self.clock.now()).await?;
        q::audit(
            &txn,
            "sign_out_everywhere",
            Some(user_id),
            None,
            &client.ip,
            &n.to_string(),
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing the sign-out")?;
        Ok(n)
    }

    /// The viewer and user of a session token hash.
    async fn identify_session(
        &self,
        hash: &str,
    ) -> Result<Option<(Viewer, CurrentUser)>, ServiceError> {
        let Some(session) = q::session(&self.db, hash, self.clock.now()).await? else {
            return Ok(None);
        };
        self.identify_user(session.user_id).await
    }

    /// The viewer of a live API token (bearer), and what the token may do.
    async fn identify_api_token(
        &self,
        token: &str,
    ) -> Result<Option<(Viewer, CurrentUser, TokenScope)>, ServiceError> {
        let Some(row) =
            q::api_token_by_hash(&self.db, &hash_token(token), self.clock.now()).await?
        else {
            return Ok(None);
        };
        q::touch_api_token(&self.db, row.id, self.clock.now()).await?;
        let scope = TokenScope::parse(&row.scope).unwrap_or_default();
        Ok(self
            .identify_user(row.user_id)
            .await?
            .map(|(viewer, user)| (viewer, user, scope)))
    }

    /// Changes a user's name and language.
    async fn set_name_public(
        &self,
        viewer: &Viewer,
        user_id: i64,
        public: bool,
    ) -> Result<(), ServiceError> {
        if !can(viewer, Action::ManageAccount, &Resource::Account(user_id)) {
            return Err(ServiceError::Forbidden);
        }
        let txn = self.db.begin().await.context("name setting transaction")?;
        txn.execute(db::stmt(
            &txn,
            "UPDATE user_account SET name_public = ? WHERE id = ?",
            vec![public.into(), user_id.into()],
        ))
        .await
        .context("setting whether the name is public")?;
        txn.commit().await.context("committing the name setting")?;
        Ok(())
    }

    async fn update_profile(
        &self,
        viewer: &Viewer,
        user_id: i64,
        name: &str,
        lang: Lang,
    ) -> Result<(), ServiceError> {
        if !can(viewer, Action::ManageAccount, &Resource::Account(user_id)) {
            return Err(ServiceError::Forbidden);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(field("name", Problem::NameRequired));
        }
        self.db
            .execute(db::stmt(
                &self.db,
                "UPDATE user_account SET name = ?, lang = ? WHERE id = ?",
                vec![name.into(), lang.code().into(), user_id.into()],
            ))
            .await
            .context("updating the profile")?;
        Ok(())
    }

    /// Creates an API token with a scope, valid `days` days; the secret is returned once and
    /// stored hashed.
    async fn create_api_token(
        &self,
        viewer: &Viewer,
        user_id: i64,
        name: &str,
        scope: TokenScope,
        days: i64,
    ) -> Result<String, ServiceError> {
        if !can(viewer, Action::ManageAccount, &Resource::Account(user_id)) {
            return Err(ServiceError::Forbidden);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(field("name", Problem::NameRequired));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(field("days", Problem::DaysInvalid));
        }
        let token = format!("mgl_{}", new_token()?);
        let expires_at = self.clock.now() + days * 24 * 3600;
        let txn = self.db.begin().await.context("token transaction")?;
        q::insert_api_token(
            &txn,
            user_id,
            name,
            &hash_token(&token),
            scope.code(),
            expires_at,
            self.clock.now(),
        )
        .await?;
        q::audit(
            &txn,
            "api_token_created",
            Some(user_id),
            None,
            "",
            &format!("{name} ({}, {days} days)", scope.code()),
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing the token")?;
        Ok(token)
    }

    /// Revokes one of a user's API tokens.
    async fn revoke_api_token(
        &self,
        viewer: &Viewer,
        user_id: i64,
        token_id: i64,
    ) -> Result<(), ServiceError> {
        if !can(viewer, Action::ManageAccount, &Resource::Account(user_id)) {
            return Err(ServiceError::Forbidden);
        }
        if !q::revoke_api_token(&self.db, user_id, token_id, self.clock.now()).await? {
            return Err(ServiceError::NotFound);
        }
        q::audit(
            &self.db,
            "api_token_revoked",
            Some(user_id),
            None,
            "",
            &token_id.to_string(),
            self.clock.now(),
        )
        .await?;
        Ok(())
    }

    /// Sets how often a person hears about a kind of event.
    async fn set_notifications(
        &self,
        viewer: &Viewer,
        user_id: i64,
        choices: &[(String, String)],
    ) -> Result<(), ServiceError> {
        if !can(viewer, Action::ManageAccount, &Resource::Account(user_id)) {
            return Err(ServiceError::Forbidden);
        }
        let mut parsed = Vec::with_capacity(choices.len());
        for (kind, frequency) in choices {
            match (NotificationKind::parse(kind), Frequency::parse(frequency)) {
                (Some(k), Some(f)) => parsed.push((k, f)),
                _ => {
                    return Err(field(
                        kind,
                        Problem::ValueInvalid.saying("frequency_invalid"),
                    ))
                }
            }
        }
        let txn = self.db.begin().await.context("settings transaction")?;
        for (kind, frequency) in parsed {
            q::set_notification(&txn, user_id, kind, frequency).await?;
        }
        txn.commit().await.context("committing the settings")?;
        Ok(())
    }

    /// Invites someone by email into a scope with a role.
    async fn invite(
        &self,
        viewer: &Viewer,
        inviter: &CurrentUser,
        email: &str,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError> {
        let regions = crate::db::directory::scope_regions(&self.db, &scope).await?;
        let place = Place {
            scope: &scope,
            regions: &regions,
        };
        if !may_grant(viewer, role, place) {
            return Err(ServiceError::Forbidden);
        }
        let email = Email::parse(email).map_err(|_| field("email", Problem::EmailInvalid))?;
        let label = q::scope_label(&self.db, scope.kind().code(), &scope.id()).await?;
        let lang = match q::user_by_email(&self.db, email.as_str()).await? {
            Some(u) => Lang::from_tag(&u.lang).unwrap_or_default(),
            None => Lang::from_tag(&inviter.lang).unwrap_or_default(),
        };
        let txn = self.db.begin().await.context("invitation transaction")?;
        let invitation = Invitation {
            inviter,
            email: &email,
            scope: &scope,
            role,
            label: &label,
            lang,
        };
        record_invitation(&txn, &self.public_url, self.clock.now(), &invitation).await?;
        txn.commit().await.context("committing the invitation")?;
        Ok(())
    }

    /// Takes a role back from someone; allowed to whoever may grant it (`policy::GRANTS`).
    async fn remove_membership(
        &self,
        viewer: &Viewer,
        actor: &CurrentUser,
        user_id: i64,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError> {
        let regions = crate::db::directory::scope_regions(&self.db, &scope).await?;
        let place = Place {
            scope: &scope,
            regions: &regions,
        };
        if !may_grant(viewer, role, place) {
            return Err(ServiceError::Forbidden);
        }
        let txn = self.db.begin().await.context("removal transaction")?;
        if !q::remove_membership(&txn, user_id, scope.kind().code(), &scope.id(), role.code())
            .await?
        {
            return Err(ServiceError::NotFound);
        }
        q::audit(
            &txn,
            "role_removed",
            Some(user_id),
            None,
            "",
            &format!("by {}: {}", actor.id, invitation_payload(&scope, role)),
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing the removal")?;
        Ok(())
    }

    /// Revokes a pending invitation; allowed to whoever may grant its role.
    async fn revoke_invitation(
        &self,
        viewer: &Viewer,
        actor: &CurrentUser,
        email: &str,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError> {
        let regions = crate::db::directory::scope_regions(&self.db, &scope).await?;
        let place = Place {
            scope: &scope,
            regions: &regions,
        };
        if !may_grant(viewer, role, place) {
            return Err(ServiceError::Forbidden);
        }
        let email = Email::parse(email).map_err(|_| field("email", Problem::EmailInvalid))?;
        let payload = invitation_payload(&scope, role);
        let txn = self.db.begin().await.context("revocation transaction")?;
        if q::revoke_invitations(&txn, email.as_str(), &payload, self.clock.now()).await? == 0 {
            return Err(ServiceError::NotFound);
        }
        q::audit(
            &txn,
            "invitation_revoked",
            Some(actor.id),
            Some(email.as_str()),
            "",
            &payload,
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing the revocation")?;
        Ok(())
    }

    /// Accepts an invitation: creates the account if needed, adds the membership, signs in.
    async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError> {
        let hash = if password.is_empty() {
            if q::peek_link(
                &self.db,
                &hash_token(token),
                LinkPurpose::Invite.code(),
                self.clock.now(),
            )
            .await?
            .is_none()
            {
                return Err(field("token", Problem::LinkInvalid));
            }
            None
        } else {
            Some(
                self.new_password_for_link(token, LinkPurpose::Invite.code(), password)
                    .await?,
            )
        };
        let txn = self.db.begin().await.context("invitation transaction")?;
        let Some(link) = q::consume_link(
            &txn,
            &hash_token(token),
            LinkPurpose::Invite.code(),
            self.clock.now(),
        )
        .await?
        else {
            return Err(field("token", Problem::LinkInvalid));
        };
        let payload: serde_json::Value =
            serde_json::from_str(&link.payload).context("invitation payload")?;
        let (kind, id, role) = (
            payload["scope_kind"].as_str().unwrap_or_default(),
            payload["scope_id"].as_str().unwrap_or_default(),
            payload["role"].as_str().unwrap_or_default(),
        );
        let user_id = match q::user_by_email(&txn, &link.email).await? {
            // An account confirmed already keeps its password (and its sessions and tokens):
            // the invitation adds a role, it is not a reset. An unconfirmed one takes the
            // password typed here, or none, and loses what was set before.
            Some(u) if u.email_verified_at.is_some() => u.id,
            Some(u) => {
                q::prove_mailbox(&txn, &u, hash.as_deref(), self.clock.now()).await?;
                u.id
            }
            None => {
                let name = if name.trim().is_empty() {
                    link.email.clone()
                } else {
                    name.trim().to_owned()
                };
                q::insert_user(
                    &txn,
                    &link.email,
                    &name,
                    "fr",
                    hash.as_deref(),
                    true,
                    self.clock.now(),
                )
                .await?
                .ok_or_else(|| ServiceError::Conflict(Conflict::AccountExists))?
            }
        };
        q::add_membership(&txn, user_id, kind, id, role, self.clock.now()).await?;
        q::audit(
            &txn,
            "role_granted",
            Some(user_id),
            Some(&link.email),
            &client.ip,
            &link.payload,
            self.clock.now(),
        )
        .await?;
        let token = self.open_session(&txn, user_id, client).await?;
        txn.commit().await.context("committing the invitation")?;
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::{pause_after, FREE_ATTEMPTS_PER_ACCOUNT};
    use crate::db::accounts::{reserve_attempt, Reservation};

    /// The times at which a client trying as soon as it may gets an attempt, over `hours`,
    /// by the rule written in Rust.
    fn allowed_by_the_rule(free: i64, hours: i64) -> Vec<i64> {
        let (mut t, mut n, mut next, mut times) = (0, 0, 0, Vec::new());
        while t < hours * 3600 {
            t = t.max(next);
            n += 1;
            next = t + pause_after(n, free);
            times.push(t);
        }
        times.retain(|x| *x < hours * 3600);
        times
    }

    #[tokio::test]
    async fn the_pause_counted_in_sql_is_the_documented_rule() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&crate::config::Database::Sqlite(dir.path().join("t.db")))
            .await
            .unwrap();
        crate::db::migrate(&db).await.unwrap();
        let free = FREE_ATTEMPTS_PER_ACCOUNT;
        let start = 1_000_000;
        let (mut t, mut times) = (start, Vec::new());
        while t < start + 3600 {
            match reserve_attempt(&db, "a@example.fr", "203.0.113.1", free, t)
                .await
                .unwrap()
            {
                Reservation::Granted { .. } => times.push(t - start),
                Reservation::Refused { retry_after } => t += retry_after,
            }
        }
        let expected = allowed_by_the_rule(free, 1);
        assert_eq!(times, expected);
        // About 17 attempts in the first hour, as the documentation says.
        assert!((15..=20).contains(&times.len()), "{}", times.len());
        // The next hour, a client that kept trying gets about four.
        let later = allowed_by_the_rule(free, 2).len() - expected.len();
        assert!((3..=5).contains(&later), "{later}");
    }
}
