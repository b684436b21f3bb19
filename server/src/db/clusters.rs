//! Clusters and their members (`cluster_member`): the rows behind `/clusters` and the
//! memberships of an organisation's page.

use super::{fetch_all, fetch_optional, stmt};
use anyhow::Context;
use app::domain::cluster::MemberStatus;
use app::domain::organisation::OrganisationKind;
use app::domain::policy::Viewer;
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(Debug, Clone, FromQueryResult)]
pub struct ClusterRow {
    pub id: i64,
    pub name: String,
    pub commune: Option<String>,
    pub territory_id: Option<String>,
    pub territory: Option<String>,
    pub members: i64,
    pub is_demo: bool,
}

/// Every cluster `viewer` may see, by name, with its confirmed members that `viewer` may see.
pub async fn clusters(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> anyhow::Result<Vec<ClusterRow>> {
    fetch_all(
        db,
        &format!(
            "SELECT o.id, o.name, c.name AS commune, t.id AS territory_id, t.name AS territory, \
             (SELECT COUNT(*) FROM cluster_member cm JOIN organisation m ON m.id = cm.member_id \
              WHERE cm.cluster_id = o.id AND cm.status = ? AND {}) AS members, o.is_demo \
             FROM organisation o LEFT JOIN commune c ON c.insee = o.commune_insee \
             LEFT JOIN territory t ON t.id = c.territory_id \
             WHERE o.kind = ? AND {} ORDER BY o.name, o.id",
            super::visible_organisations(viewer, "m"),
            super::visible_organisations(viewer, "o"),
        ),
        vec![
            MemberStatus::Confirmed.code().into(),
            OrganisationKind::Cluster.code().into(),
        ],
    )
    .await
}

/// One side of a membership, seen from the other.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SideRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub commune: Option<String>,
    pub status: String,
}

/// The members of `cluster` (`of_cluster`), or the clusters `organisation` belongs to, that
/// `viewer` may see, in the given statuses, by name.
pub async fn sides(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    organisation: i64,
    of_cluster: bool,
    statuses: &[MemberStatus],
) -> anyhow::Result<Vec<SideRow>> {
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let (here, there) = if of_cluster {
        ("cluster_id", "member_id")
    } else {
        ("member_id", "cluster_id")
    };
    let mut values: Vec<sea_orm::Value> = vec![organisation.into()];
    values.extend(statuses.iter().map(|s| s.code().into()));
    fetch_all(
        db,
        &format!(
            "SELECT o.id, o.name, o.kind, c.name AS commune, cm.status FROM cluster_member cm \
             JOIN organisation o ON o.id = cm.{there} LEFT JOIN commune c ON c.insee = o.commune_insee \
             WHERE cm.{here} = ? AND cm.status IN ({}) AND {} ORDER BY o.name, o.id",
            super::placeholders(statuses.len()),
            super::visible_organisations(viewer, "o"),
        ),
        values,
    )
    .await
}

/// The status of a membership, if the pair was ever named.
pub async fn status(
    db: &impl ConnectionTrait,
    cluster: i64,
    member: i64,
) -> anyhow::Result<Option<MemberStatus>> {
    #[derive(FromQueryResult)]
    struct Row {
        status: String,
    }
    let row: Option<Row> = fetch_optional(
        db,
        "SELECT status FROM cluster_member WHERE cluster_id = ? AND member_id = ?",
        vec![cluster.into(), member.into()],
    )
    .await?;
    Ok(row.and_then(|r| MemberStatus::parse(&r.status)))
}

/// How many organisations `cluster` names as proposed or confirmed members.
pub async fn named(db: &impl ConnectionTrait, cluster: i64) -> anyhow::Result<u64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let c: Option<Count> = fetch_optional(
        db,
        "SELECT COUNT(*) AS n FROM cluster_member WHERE cluster_id = ? AND status IN (?, ?)",
        vec![
            cluster.into(),
            MemberStatus::Proposed.code().into(),
            MemberStatus::Confirmed.code().into(),
        ],
    )
    .await?;
    Ok(c.map_or(0, |c| c.n.max(0) as u64))
}

/// Names `member` in `cluster` (again, if it had declined or left): `false` when the pair
/// is already proposed or confirmed. Writes before it reads (see `db::claims::lock_claim`).
pub async fn propose(
    db: &impl ConnectionTrait,
    cluster: i64,
    member: i64,
    by: i64,
    again_from: &[MemberStatus],
    at: i64,
) -> anyhow::Result<bool> {
    let mut values: Vec<sea_orm::Value> = vec![
        MemberStatus::Proposed.code().into(),
        by.into(),
        at.into(),
        cluster.into(),
        member.into(),
    ];
    values.extend(again_from.iter().map(|s| s.code().into()));
    let renewed = db
        .execute(stmt(
            db,
            &format!(
                "UPDATE cluster_member SET status = ?, proposed_by = ?, updated_at = ? \
                 WHERE cluster_id = ? AND member_id = ? AND status IN ({})",
                super::placeholders(again_from.len())
            ),
            values,
        ))
        .await
        .context("naming a member again")?
        .rows_affected();
    if renewed == 1 {
        return Ok(true);
    }
    let inserted = db
        .execute(stmt(
            db,
            "INSERT INTO cluster_member (cluster_id, member_id, status, proposed_by, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cluster_id, member_id) DO NOTHING",
            vec![
                cluster.into(),
                member.into(),
                MemberStatus::Proposed.code().into(),
                by.into(),
                at.into(),
                at.into(),
            ],
        ))
        .await
        .context("naming a member")?
        .rows_affected();
    Ok(inserted == 1)
}

/// Moves a membership from `from` to `to`; `false` when it was no longer in `from`.
pub async fn step(
    db: &impl ConnectionTrait,
    cluster: i64,
    member: i64,
    from: MemberStatus,
    to: MemberStatus,
    at: i64,
) -> anyhow::Result<bool> {
    let moved = db
        .execute(stmt(
            db,
            "UPDATE cluster_member SET status = ?, updated_at = ? \
             WHERE cluster_id = ? AND member_id = ? AND status = ?",
            vec![
                to.code().into(),
                at.into(),
                cluster.into(),
                member.into(),
                from.code().into(),
            ],
        ))
        .await
        .context("moving a membership")?
        .rows_affected();
    Ok(moved == 1)
}
