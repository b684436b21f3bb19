//! Storage of claims (`organisation_claim`) and the facts a decision needs: who administers
//! an organisation, which territories have leads with an account.

use super::{fetch_all, fetch_optional, placeholders, stmt};
use anyhow::Context;
use app::domain::claim::{ClaimKind, ClaimStatus};
use app::domain::policy::{Role, ScopeKind};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// A claim with what its pages show of the organisation and the claimant.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ClaimRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub organisation_id: i64,
    pub organisation: String,
    pub organisation_kind: String,
    pub siret: Option<String>,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    pub commune: Option<String>,
    pub territory_id: Option<String>,
    pub territory: Option<String>,
    pub website: String,
    pub user_id: i64,
    pub claimant_name: String,
    pub claimant_email: String,
    pub claimant_lang: String,
    pub message: String,
    pub reason: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const CLAIM_SELECT: &str = "SELECT c.id, c.kind, c.status, c.organisation_id, o.name AS organisation, \
    o.kind AS organisation_kind, o.siret, o.naf_code, n.label AS naf_label, cm.name AS commune, \
    cm.territory_id, t.name AS territory, o.website, c.user_id, u.name AS claimant_name, \
    u.email AS claimant_email, u.lang AS claimant_lang, c.message, c.reason, c.created_at, c.decided_at \
    FROM organisation_claim c JOIN organisation o ON o.id = c.organisation_id \
    JOIN user_account u ON u.id = c.user_id LEFT JOIN naf n ON n.code = o.naf_code \
    LEFT JOIN commune cm ON cm.insee = o.commune_insee LEFT JOIN territory t ON t.id = cm.territory_id";

/// The most claims a queue lists in each of its parts.
const LISTED: u64 = 200;

pub async fn claim(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<ClaimRow>> {
    fetch_optional(
        db,
        &format!("{CLAIM_SELECT} WHERE c.id = ?"),
        vec![id.into()],
    )
    .await
}

/// Pending claims (`pending`) or decided ones of organisations in `territories`, or
/// everywhere when `everywhere`; pending ones oldest first, decided ones newest first.
pub async fn claims_in(
    db: &impl ConnectionTrait,
    pending: bool,
    territories: &[String],
    everywhere: bool,
) -> anyhow::Result<Vec<ClaimRow>> {
    if territories.is_empty() && !everywhere {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = vec![ClaimStatus::Pending.code().into()];
    let status = if pending {
        "c.status = ?"
    } else {
        "c.status <> ?"
    };
    let order = if pending {
        "c.created_at, c.id"
    } else {
        "c.decided_at DESC, c.id DESC"
    };
    let place = if everywhere {
        String::new()
    } else {
        values.extend(territories.iter().map(|t| Value::from(t.as_str())));
        format!(
            " AND cm.territory_id IN ({})",
            placeholders(territories.len())
        )
    };
    fetch_all(
        db,
        &format!("{CLAIM_SELECT} WHERE {status}{place} ORDER BY {order} LIMIT {LISTED}"),
        values,
    )
    .await
}

/// A person's own claims, newest first.
pub async fn claims_of(db: &impl ConnectionTrait, user_id: i64) -> anyhow::Result<Vec<ClaimRow>> {
    fetch_all(
        db,
        &format!("{CLAIM_SELECT} WHERE c.user_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT {LISTED}"),
        vec![user_id.into()],
    )
    .await
}

/// The status of `user_id`'s latest claim of `organisation`, if any.
pub async fn latest_claim_status(
    db: &impl ConnectionTrait,
    organisation: i64,
    user_id: i64,
) -> anyhow::Result<Option<String>> {
    #[derive(FromQueryResult)]
    struct S {
        status: String,
    }
    let s: Option<S> = fetch_optional(
        db,
        "SELECT status FROM organisation_claim WHERE organisation_id = ? AND user_id = ? \
         ORDER BY created_at DESC, id DESC LIMIT 1",
        vec![organisation.into(), user_id.into()],
    )
    .await?;
    Ok(s.map(|s| s.status))
}

/// How many of `user_id`'s claims wait for a decision.
pub async fn pending_of(db: &impl ConnectionTrait, user_id: i64) -> anyhow::Result<u64> {
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    let n: Option<N> = fetch_optional(
        db,
        "SELECT COUNT(*) AS n FROM organisation_claim WHERE user_id = ? AND status = ?",
        vec![user_id.into(), ClaimStatus::Pending.code().into()],
    )
    .await?;
    Ok(n.map_or(0, |n| n.n.max(0) as u64))
}

/// Whether someone administers `organisation`.
pub async fn has_admin(db: &impl ConnectionTrait, organisation: i64) -> anyhow::Result<bool> {
    Ok(!admined(db, &[organisation]).await?.is_empty())
}

/// Which of `organisations` someone administers.
pub async fn admined(db: &impl ConnectionTrait, organisations: &[i64]) -> anyhow::Result<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        scope_id: String,
    }
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = vec![
        ScopeKind::Organisation.code().into(),
        Role::Admin.code().into(),
    ];
    values.extend(organisations.iter().map(|id| Value::from(id.to_string())));
    let rows: Vec<Id> = fetch_all(
        db,
        &format!(
            "SELECT DISTINCT scope_id FROM membership WHERE scope_kind = ? AND role = ? AND scope_id IN ({})",
            placeholders(organisations.len())
        ),
        values,
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.scope_id.parse().ok())
        .collect())
}

/// The territories among `territories` whose leads (chef de projet, binôme) have an account.
pub async fn territories_with_leads(
    db: &impl ConnectionTrait,
    territories: &[String],
) -> anyhow::Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Id {
        scope_id: String,
    }
    if territories.is_empty() {
        return Ok(Vec::new());
    }
    let leads = [
        Role::ProjectManager,
        Role::ElectedCoLead,
        Role::IndustrialCoLead,
    ];
    let mut values: Vec<Value> = vec![ScopeKind::Territory.code().into()];
    values.extend(leads.iter().map(|r| Value::from(r.code())));
    values.extend(territories.iter().map(|t| Value::from(t.as_str())));
    let rows: Vec<Id> = fetch_all(
        db,
        &format!(
            "SELECT DISTINCT scope_id FROM membership WHERE scope_kind = ? AND role IN ({}) \
             AND scope_id IN ({})",
            placeholders(leads.len()),
            placeholders(territories.len())
        ),
        values,
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.scope_id).collect())
}

/// Records a claim; `decided_at` for one approved at once. `None` when the person already has
/// a pending claim of this organisation (the partial unique index decides, no pre-check).
#[allow(clippy::too_many_arguments)]
pub async fn insert_claim(
    db: &impl ConnectionTrait,
    organisation: i64,
    user_id: i64,
    kind: ClaimKind,
    status: ClaimStatus,
    message: &str,
    at: i64,
) -> anyhow::Result<Option<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let decided_at = (status != ClaimStatus::Pending).then_some(at);
    let inserted: Option<Id> = fetch_optional(
        db,
        "INSERT INTO organisation_claim (organisation_id, user_id, kind, status, message, reason, \
         created_at, decided_at) VALUES (?, ?, ?, ?, ?, '', ?, ?) \
         ON CONFLICT (organisation_id, user_id) WHERE status = 'pending' DO NOTHING RETURNING id",
        vec![
            organisation.into(),
            user_id.into(),
            kind.code().into(),
            status.code().into(),
            message.into(),
            at.into(),
            decided_at.into(),
        ],
    )
    .await
    .context("recording a claim")?;
    Ok(inserted.map(|i| i.id))
}

/// Takes the write lock on a claim's row before the transaction reads anything (a no-op
/// update): on SQLite a transaction that reads first cannot write once another connection
/// has written, while one that writes first waits for its turn.
pub async fn lock_claim(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE organisation_claim SET status = status WHERE id = ?",
        vec![id.into()],
    ))
    .await
    .context("locking a claim")?;
    Ok(())
}

/// Moves a pending claim to `status`; false when it was no longer pending.
pub async fn decide_claim(
    db: &impl ConnectionTrait,
    id: i64,
    status: ClaimStatus,
    reason: &str,
    by: Option<i64>,
    at: i64,
) -> anyhow::Result<bool> {
    let done = db
        .execute(stmt(
            db,
            "UPDATE organisation_claim SET status = ?, reason = ?, decided_by = ?, decided_at = ? \
             WHERE id = ? AND status = ?",
            vec![
                status.code().into(),
                reason.into(),
                by.into(),
                at.into(),
                id.into(),
                ClaimStatus::Pending.code().into(),
            ],
        ))
        .await
        .context("deciding a claim")?
        .rows_affected();
    Ok(done == 1)
}

/// What a claim needs to know of its organisation.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Claimable {
    pub id: i64,
    pub kind: String,
    pub visibility: String,
    pub website: String,
    pub email: String,
    pub territory_id: Option<String>,
}

pub async fn claimable(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<Claimable>> {
    fetch_optional(
        db,
        "SELECT o.id, o.kind, o.visibility, o.website, o.email, c.territory_id FROM organisation o \
         LEFT JOIN commune c ON c.insee = o.commune_insee WHERE o.id = ?",
        vec![id.into()],
    )
    .await
}

/// An organisation someone may be looking for.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FoundRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub siret: Option<String>,
    pub commune: Option<String>,
    pub territory: Option<String>,
}

/// Organisations of this SIRET, of this SIREN, or among `ids` (what a search for a name
/// found), visible to a signed-in person and not European districts; at most `limit`.
pub async fn find(
    db: &impl ConnectionTrait,
    siret: Option<&str>,
    siren: Option<&str>,
    ids: &[i64],
    limit: usize,
) -> anyhow::Result<Vec<FoundRow>> {
    let mut clauses = Vec::new();
    let mut values: Vec<Value> = vec!["public".into(), "members".into()];
    if let Some(s) = siret {
        clauses.push("o.siret = ?".to_owned());
        values.push(s.into());
    }
    if let Some(s) = siren {
        clauses.push("o.siren = ?".to_owned());
        values.push(s.into());
    }
    if !ids.is_empty() {
        clauses.push(format!("o.id IN ({})", placeholders(ids.len())));
        values.extend(ids.iter().map(|id| Value::from(*id)));
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    fetch_all(
        db,
        &format!(
            "SELECT o.id, o.kind, o.name, o.siret, c.name AS commune, t.name AS territory \
             FROM organisation o LEFT JOIN commune c ON c.insee = o.commune_insee \
             LEFT JOIN territory t ON t.id = c.territory_id \
             WHERE o.visibility IN (?, ?) AND o.kind <> 'district' AND ({}) \
             ORDER BY o.name, o.id LIMIT {limit}",
            clauses.join(" OR ")
        ),
        values,
    )
    .await
}

/// Inserts a pending organisation asked for by a creation; `None` when the SIRET is taken.
#[allow(clippy::too_many_arguments)]
pub async fn insert_pending_organisation(
    db: &impl ConnectionTrait,
    kind: &str,
    name: &str,
    siret: &str,
    naf: &str,
    commune: &str,
    at: i64,
) -> anyhow::Result<Option<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let id: Option<Id> = fetch_optional(
        db,
        "INSERT INTO organisation (kind, name, siret, siren, naf_code, commune_insee, country_code, \
         description, capabilities, certifications, website, email, visibility, is_demo, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, 'FR', '', '[]', '[]', '', '', ?, ?, ?, ?) \
         ON CONFLICT (siret) DO NOTHING RETURNING id",
        vec![
            kind.into(),
            name.into(),
            siret.into(),
            siret.get(..9).unwrap_or_default().into(),
            naf.into(),
            commune.into(),
            app::domain::organisation::OrganisationVisibility::Pending
                .code()
                .into(),
            false.into(),
            at.into(),
            at.into(),
        ],
    )
    .await
    .context("creating a pending organisation")?;
    Ok(id.map(|i| i.id))
}

/// Makes an approved creation visible.
pub async fn publish_pending(db: &impl ConnectionTrait, id: i64, at: i64) -> anyhow::Result<()> {
    use app::domain::organisation::OrganisationVisibility as V;
    db.execute(stmt(
        db,
        "UPDATE organisation SET visibility = ?, updated_at = ? WHERE id = ? AND visibility = ?",
        vec![
            V::Public.code().into(),
            at.into(),
            id.into(),
            V::Pending.code().into(),
        ],
    ))
    .await
    .context("publishing an organisation")?;
    Ok(())
}

/// Whether `code` is a NAF sub-class of the reference table.
pub async fn naf_exists(db: &impl ConnectionTrait, code: &str) -> anyhow::Result<bool> {
    #[derive(FromQueryResult)]
    struct C {
        #[allow(dead_code)]
        code: String,
    }
    let found: Option<C> =
        fetch_optional(db, "SELECT code FROM naf WHERE code = ?", vec![code.into()]).await?;
    Ok(found.is_some())
}

/// Platform administrators, with their setting for `kind`, to tell of claims outside any
/// territory with leads.
pub async fn platform_admins(
    db: &impl ConnectionTrait,
    kind: app::domain::notification::NotificationKind,
) -> anyhow::Result<Vec<super::accounts::PersonRow>> {
    fetch_all(
        db,
        "SELECT DISTINCT u.id, u.email, u.name, u.lang, s.frequency FROM user_account u \
         JOIN membership m ON m.user_id = u.id \
         LEFT JOIN notification_setting s ON s.user_id = u.id AND s.kind = ? \
         WHERE m.scope_kind = ? AND m.role = ?",
        vec![
            kind.code().into(),
            ScopeKind::Platform.code().into(),
            Role::PlatformAdmin.code().into(),
        ],
    )
    .await
}
