//! Committees, their members, sessions and decisions (migration 000024).

use super::{fetch_all, fetch_optional, stmt};
use anyhow::Context;
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(Debug, Clone, FromQueryResult)]
pub struct CommitteeRow {
    pub id: i64,
    pub kind: String,
    pub scope_id: String,
}

pub async fn committee(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<CommitteeRow>> {
    fetch_optional(
        db,
        "SELECT id, kind, scope_id FROM committee WHERE id = ?",
        vec![id.into()],
    )
    .await
}

/// A territory's local committee, then the regional committee of each region it spans (the
/// lead first).
pub async fn committees_of_territory(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Vec<CommitteeRow>> {
    let mut rows: Vec<CommitteeRow> = fetch_all(
        db,
        "SELECT id, kind, scope_id FROM committee WHERE kind = 'local_project' AND scope_id = ?",
        vec![territory.into()],
    )
    .await?;
    rows.extend(
        fetch_all::<CommitteeRow>(
            db,
            "SELECT c.id, c.kind, c.scope_id FROM committee c JOIN territory_region r \
             ON r.region_code = c.scope_id WHERE c.kind = 'regional_steering' AND r.territory_id = ? \
             ORDER BY r.is_lead DESC, r.communes DESC, c.scope_id",
            vec![territory.into()],
        )
        .await?,
    );
    Ok(rows)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MemberRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub label: String,
    pub function: String,
    pub user_name: Option<String>,
    pub user_public: Option<bool>,
    pub organisation_name: Option<String>,
}

pub async fn members(db: &impl ConnectionTrait, committee: i64) -> anyhow::Result<Vec<MemberRow>> {
    fetch_all(
        db,
        "SELECT m.id, m.user_id, m.organisation_id, m.label, m.function, u.name AS user_name, \
         u.name_public AS user_public, o.name AS organisation_name FROM committee_member m \
         LEFT JOIN user_account u ON u.id = m.user_id \
         LEFT JOIN organisation o ON o.id = m.organisation_id \
         WHERE m.committee_id = ? ORDER BY m.id LIMIT 500",
        vec![committee.into()],
    )
    .await
}

/// Adds a member; `false` when that person or organisation sits on it already.
pub async fn insert_member(
    db: &impl ConnectionTrait,
    committee: i64,
    user_id: Option<i64>,
    organisation_id: Option<i64>,
    label: &str,
    function: &str,
    at: i64,
) -> anyhow::Result<bool> {
    let sql = match (user_id, organisation_id) {
        (Some(_), _) => "INSERT INTO committee_member (committee_id, user_id, organisation_id, label, function, created_at) \
                         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (committee_id, user_id) WHERE user_id IS NOT NULL DO NOTHING",
        (None, Some(_)) => "INSERT INTO committee_member (committee_id, user_id, organisation_id, label, function, created_at) \
                            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (committee_id, organisation_id) WHERE organisation_id IS NOT NULL DO NOTHING",
        (None, None) => "INSERT INTO committee_member (committee_id, user_id, organisation_id, label, function, created_at) \
                         VALUES (?, ?, ?, ?, ?, ?)",
    };
    let done = db
        .execute(stmt(
            db,
            sql,
            vec![
                committee.into(),
                user_id.into(),
                organisation_id.into(),
                label.into(),
                function.into(),
                at.into(),
            ],
        ))
        .await
        .context("adding a committee member")?;
    Ok(done.rows_affected() > 0)
}

pub async fn remove_member(
    db: &impl ConnectionTrait,
    committee: i64,
    member: i64,
) -> anyhow::Result<bool> {
    Ok(db
        .execute(stmt(
            db,
            "DELETE FROM committee_member WHERE committee_id = ? AND id = ?",
            vec![committee.into(), member.into()],
        ))
        .await
        .context("removing a committee member")?
        .rows_affected()
        > 0)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SessionRow {
    pub id: i64,
    pub committee_id: i64,
    pub held_at: i64,
    pub place: String,
    pub decisions: i64,
}

const SESSION_SELECT: &str = "SELECT s.id, s.committee_id, s.held_at, s.place, \
     (SELECT COUNT(*) FROM committee_decision d WHERE d.session_id = s.id) AS decisions \
     FROM committee_session s";

/// A committee's sessions, the most recent first.
pub async fn sessions(
    db: &impl ConnectionTrait,
    committee: i64,
) -> anyhow::Result<Vec<SessionRow>> {
    fetch_all(
        db,
        &format!("{SESSION_SELECT} WHERE s.committee_id = ? ORDER BY s.held_at DESC, s.id DESC LIMIT 200"),
        vec![committee.into()],
    )
    .await
}

/// The first session on or after `from`.
pub async fn next_session(
    db: &impl ConnectionTrait,
    committee: i64,
    from: i64,
) -> anyhow::Result<Option<SessionRow>> {
    fetch_optional(
        db,
        &format!("{SESSION_SELECT} WHERE s.committee_id = ? AND s.held_at >= ? ORDER BY s.held_at, s.id LIMIT 1"),
        vec![committee.into(), from.into()],
    )
    .await
}

pub async fn session(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<SessionRow>> {
    fetch_optional(
        db,
        &format!("{SESSION_SELECT} WHERE s.id = ?"),
        vec![id.into()],
    )
    .await
}

pub async fn insert_session(
    db: &impl ConnectionTrait,
    committee: i64,
    held_at: i64,
    place: &str,
    by: i64,
    at: i64,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO committee_session (committee_id, held_at, place, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
        vec![
            committee.into(),
            held_at.into(),
            place.into(),
            by.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(row.context("the new session's id")?.id)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct DecisionRow {
    pub item_kind: String,
    pub item_id: i64,
    pub stance: String,
    pub outcome: String,
    pub support: String,
    pub comment: String,
    pub decided_at: i64,
    pub decided_by_name: String,
}

pub async fn decisions(
    db: &impl ConnectionTrait,
    session: i64,
) -> anyhow::Result<Vec<DecisionRow>> {
    fetch_all(
        db,
        "SELECT item_kind, item_id, stance, outcome, support, comment, decided_at, decided_by_name \
         FROM committee_decision WHERE session_id = ? ORDER BY decided_at, id",
        vec![session.into()],
    )
    .await
}

/// Records a decision; `false` when the session decided on that item already.
#[allow(clippy::too_many_arguments)]
pub async fn insert_decision(
    db: &impl ConnectionTrait,
    session: i64,
    item_kind: &str,
    item_id: i64,
    (stance, outcome, support): (&str, &str, &str),
    comment: &str,
    by: (i64, &str),
    at: i64,
) -> anyhow::Result<bool> {
    let done = db
        .execute(stmt(
            db,
            "INSERT INTO committee_decision (session_id, item_kind, item_id, stance, outcome, \
             support, comment, decided_by, decided_by_name, decided_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (session_id, item_kind, item_id) DO NOTHING",
            vec![
                session.into(),
                item_kind.into(),
                item_id.into(),
                stance.into(),
                outcome.into(),
                support.into(),
                comment.into(),
                by.0.into(),
                by.1.into(),
                at.into(),
            ],
        ))
        .await
        .context("recording a decision")?;
    Ok(done.rows_affected() > 0)
}

/// A proposal as an agenda shows it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub territory_id: String,
    pub territory_name: String,
    pub status: String,
}

const ITEM_SELECT: &str =
    "SELECT p.id, p.title, p.territory_id, t.name AS territory_name, p.status \
     FROM proposal p JOIN territory t ON t.id = p.territory_id";

/// The proposals awaiting a region: under regional review, of a territory with communes in it.
pub async fn proposals_awaiting_region(
    db: &impl ConnectionTrait,
    region: &str,
) -> anyhow::Result<Vec<ItemRow>> {
    fetch_all(
        db,
        &format!(
            "{ITEM_SELECT} WHERE p.status = 'regional_review' AND p.territory_id IN \
             (SELECT territory_id FROM territory_region WHERE region_code = ?) \
             ORDER BY p.updated_at, p.id LIMIT 500"
        ),
        vec![region.into()],
    )
    .await
}

pub async fn proposals_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<Vec<ItemRow>> {
    super::fetch_in(db, ITEM_SELECT, "p.id", ids).await
}

/// Someone with a role in a territory, as the governance section and its mailboxes need them.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PersonRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub lang: String,
    pub role: String,
    pub name_public: bool,
}

pub async fn territory_people(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Vec<PersonRow>> {
    fetch_all(
        db,
        "SELECT m.user_id, u.name, u.email, u.lang, m.role, u.name_public FROM membership m \
         JOIN user_account u ON u.id = m.user_id \
         WHERE m.scope_kind = 'territory' AND m.scope_id = ? ORDER BY u.name LIMIT 500",
        vec![territory.into()],
    )
    .await
}
