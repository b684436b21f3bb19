//! Queries of simplification proposals: rows, timeline, support, recipients of notices.

use super::{fetch_all, fetch_in, fetch_optional, stmt, Filter};
use anyhow::Context;
use app::api::proposals::ProposalDraft;
use app::domain::policy::{Role, ScopeKind};
use app::domain::proposal::Status;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;

/// A proposal with its territory's and region's names.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ProposalRow {
    pub id: i64,
    pub territory_id: String,
    pub territory_name: String,
    pub region_code: String,
    pub region_name: String,
    pub title: String,
    pub problem: String,
    pub rule: String,
    pub legal_reference: String,
    pub theme: String,
    pub axis: String,
    pub proposal_kind: String,
    pub solution: String,
    pub status: String,
    pub approved_elected_by: Option<i64>,
    pub approved_industrial_by: Option<i64>,
    pub mechanism: String,
    pub answer: String,
    pub merged_into: Option<i64>,
    pub root_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub is_demo: bool,
}

impl ProposalRow {
    /// The proposal whose page gathers this one (itself unless merged).
    pub fn root(&self) -> i64 {
        self.root_id.unwrap_or(self.id)
    }

    /// The text as a draft, for completeness checks.
    pub fn draft(&self) -> ProposalDraft {
        ProposalDraft {
            territory_id: self.territory_id.clone(),
            title: self.title.clone(),
            problem: self.problem.clone(),
            rule: self.rule.clone(),
            legal_reference: self.legal_reference.clone(),
            theme: self.theme.clone(),
            axis: self.axis.clone(),
            proposal_kind: self.proposal_kind.clone(),
            solution: self.solution.clone(),
        }
    }
}

pub const PROPOSAL_SELECT: &str = "SELECT p.id, p.territory_id, t.name AS territory_name, \
    p.region_code, r.name AS region_name, p.title, p.problem, p.rule, p.legal_reference, p.theme, \
    p.axis, p.proposal_kind, p.solution, p.status, p.approved_elected_by, p.approved_industrial_by, \
    p.mechanism, p.answer, p.merged_into, p.root_id, p.created_by, p.created_at, p.updated_at, \
    p.submitted_at, p.answered_at, p.is_demo FROM proposal p JOIN territory t ON t.id = p.territory_id \
    JOIN region r ON r.code = p.region_code";

/// One proposal.
pub async fn proposal(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<ProposalRow>> {
    super::fetch_by(db, PROPOSAL_SELECT, "p.id", id).await
}

/// Proposals by id (any order).
pub async fn proposals_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<Vec<ProposalRow>> {
    fetch_in(db, PROPOSAL_SELECT, "p.id", ids).await
}

/// Which proposals a listing reads (`db::list`); the set fields combine with AND.
#[derive(Debug, Default)]
pub struct ProposalWhere<'a> {
    pub status: Option<Status>,
    /// Any of these statuses (none: every status).
    pub statuses: &'a [Status],
    pub except_status: Option<Status>,
    /// A theme code.
    pub theme: Option<&'a str>,
    pub region: Option<&'a str>,
    pub territory: Option<&'a str>,
    /// Only proposals of these territories (a region's, interregional ones included).
    pub territories: Option<&'a [&'a str]>,
    /// Only these proposals (a text search's hits).
    pub ids: Option<&'a [i64]>,
}

impl super::Listing for ProposalWhere<'_> {
    type Row = ProposalRow;
    const SELECT: &'static str = PROPOSAL_SELECT;
    const ORDER: &'static [(&'static str, bool)] = &[("p.updated_at", true), ("p.id", true)];

    fn filter(&self) -> Filter {
        let statuses: Vec<&str> = self.statuses.iter().map(|s| s.code()).collect();
        let filter = Filter::on("p")
            .eq("status", self.status.map(Status::code))
            .any_of("status", &statuses)
            .ne("status", self.except_status.map(Status::code))
            .eq("theme", self.theme)
            .eq("region_code", self.region)
            .eq("territory_id", self.territory)
            .among(self.ids);
        match self.territories {
            Some(ids) => filter.one_of("territory_id", ids),
            None => filter,
        }
    }
}

/// A territory's region code, if the territory exists.
pub async fn territory_region(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Option<String>> {
    #[derive(FromQueryResult)]
    struct R {
        region_code: String,
    }
    let r: Option<R> = fetch_optional(
        db,
        "SELECT region_code FROM territory WHERE id = ?",
        vec![territory.into()],
    )
    .await?;
    Ok(r.map(|r| r.region_code))
}

/// Writes a new draft; returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    d: &ProposalDraft,
    region: &str,
    user_id: i64,
    at: i64,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO proposal (territory_id, region_code, title, problem, rule, legal_reference, \
         theme, axis, proposal_kind, solution, status, mechanism, answer, created_by, created_at, \
         updated_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, 'fr') RETURNING id",
        vec![
            d.territory_id.as_str().into(),
            region.into(),
            d.title.as_str().into(),
            d.problem.as_str().into(),
            d.rule.as_str().into(),
            d.legal_reference.as_str().into(),
            d.theme.as_str().into(),
            d.axis.as_str().into(),
            d.proposal_kind.as_str().into(),
            d.solution.as_str().into(),
            Status::Draft.code().into(),
            user_id.into(),
            at.into(),
            at.into(),
        ],
    )
    .await?;
    let id = row.context("the new proposal's id")?.id;
    db.execute(stmt(
        db,
        "UPDATE proposal SET root_id = id WHERE id = ?",
        vec![id.into()],
    ))
    .await?;
    Ok(id)
}

/// Replaces the text of a proposal still being written (draft or returned); false if its
/// status changed meanwhile.
pub async fn update_text(
    db: &impl ConnectionTrait,
    id: i64,
    d: &ProposalDraft,
    at: i64,
) -> anyhow::Result<bool> {
    let done = db.execute(stmt(
        db,
        "UPDATE proposal SET title = ?, problem = ?, rule = ?, legal_reference = ?, theme = ?, \
         axis = ?, proposal_kind = ?, solution = ?, updated_at = ? WHERE id = ? \
         AND status IN (?, ?)",
        vec![
            d.title.as_str().into(),
            d.problem.as_str().into(),
            d.rule.as_str().into(),
            d.legal_reference.as_str().into(),
            d.theme.as_str().into(),
            d.axis.as_str().into(),
            d.proposal_kind.as_str().into(),
            d.solution.as_str().into(),
            at.into(),
            id.into(),
            Status::Draft.code().into(),
            Status::Returned.code().into(),
        ],
    ))
    .await
    .context("updating a proposal")?;
    Ok(done.rows_affected() == 1)
}

/// What a transition writes on the proposal row.
pub struct StatusChange<'a> {
    pub id: i64,
    /// The status the row must still have: a concurrent transition makes this one fail.
    pub from: &'a str,
    /// The approvals the row must still have (two co-leads approving at once).
    pub had_approvals: (Option<i64>, Option<i64>),
    pub to: &'a str,
    pub approved_elected_by: Option<i64>,
    pub approved_industrial_by: Option<i64>,
    pub mechanism: Option<&'a str>,
    pub answer: Option<&'a str>,
    pub merged_into: Option<i64>,
    /// Clears `merged_into` (a merge undone).
    pub unmerge: bool,
    pub submitted: bool,
    pub answered: bool,
    pub at: i64,
}

/// Moves a proposal to its next status; false when its status changed meanwhile.
pub async fn set_status(db: &impl ConnectionTrait, c: &StatusChange<'_>) -> anyhow::Result<bool> {
    let done = db
        .execute(stmt(
            db,
            "UPDATE proposal SET status = ?, approved_elected_by = ?, approved_industrial_by = ?, \
             mechanism = COALESCE(?, mechanism), answer = COALESCE(?, answer), \
             merged_into = CASE WHEN ? THEN NULL ELSE COALESCE(?, merged_into) END, \
             submitted_at = CASE WHEN ? AND submitted_at IS NULL THEN ? ELSE submitted_at END, \
             answered_at = CASE WHEN ? AND answered_at IS NULL THEN ? ELSE answered_at END, \
             updated_at = ? WHERE id = ? AND status = ? \
             AND COALESCE(approved_elected_by, -1) = ? AND COALESCE(approved_industrial_by, -1) = ?",
            vec![
                c.to.into(),
                c.approved_elected_by.into(),
                c.approved_industrial_by.into(),
                c.mechanism.map(str::to_owned).into(),
                c.answer.map(str::to_owned).into(),
                c.unmerge.into(),
                c.merged_into.into(),
                c.submitted.into(),
                c.at.into(),
                c.answered.into(),
                c.at.into(),
                c.at.into(),
                c.id.into(),
                c.from.into(),
                c.had_approvals.0.unwrap_or(-1).into(),
                c.had_approvals.1.unwrap_or(-1).into(),
            ],
        ))
        .await
        .context("changing a proposal's status")?;
    Ok(done.rows_affected() == 1)
}

/// Points every proposal gathered under `from_root` to `to_root` (a merge).
pub async fn reroot(db: &impl ConnectionTrait, from_root: i64, to_root: i64) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE proposal SET root_id = ? WHERE root_id = ?",
        vec![to_root.into(), from_root.into()],
    ))
    .await
    .context("re-rooting merged proposals")?;
    Ok(())
}

/// Gives back their own root to `id` and to every proposal merged into it, directly or
/// through others, that sits in the cluster of `root` (a merge undone).
pub async fn unroot(db: &impl ConnectionTrait, id: i64, root: i64) -> anyhow::Result<()> {
    #[derive(FromQueryResult)]
    struct Link {
        id: i64,
        merged_into: Option<i64>,
    }
    let cluster: Vec<Link> = fetch_all(
        db,
        "SELECT id, merged_into FROM proposal WHERE root_id = ?",
        vec![root.into()],
    )
    .await?;
    let into: HashMap<i64, Option<i64>> = cluster.iter().map(|l| (l.id, l.merged_into)).collect();
    let mut leaving = vec![id];
    for l in &cluster {
        // Follows the merges from `l` up; the walk is bounded by the cluster's size.
        let mut at = Some(l.id);
        for _ in 0..=cluster.len() {
            match at {
                Some(p) if p == id => {
                    leaving.push(l.id);
                    break;
                }
                Some(p) => at = into.get(&p).copied().flatten(),
                None => break,
            }
        }
    }
    leaving.sort_unstable();
    leaving.dedup();
    for chunk in leaving.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut values: Vec<sea_orm::Value> = vec![id.into()];
        values.extend(chunk.iter().map(|i| (*i).into()));
        db.execute(stmt(
            db,
            &format!("UPDATE proposal SET root_id = ? WHERE id IN ({marks})"),
            values,
        ))
        .await
        .context("giving merged proposals back their root")?;
    }
    Ok(())
}

/// When `id` was last merged into another proposal.
pub async fn merged_at(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<i64>> {
    #[derive(FromQueryResult)]
    struct At {
        at: Option<i64>,
    }
    let rows: Vec<At> = fetch_all(
        db,
        "SELECT MAX(at) AS at FROM proposal_event WHERE proposal_id = ? AND action = 'merge'",
        vec![id.into()],
    )
    .await?;
    Ok(rows.into_iter().next().and_then(|r| r.at))
}

/// One timeline row.
pub struct NewEvent<'a> {
    pub proposal_id: i64,
    pub at: i64,
    pub user_id: i64,
    pub user_name: &'a str,
    pub role: &'a str,
    pub action: &'a str,
    pub from_status: &'a str,
    pub to_status: &'a str,
    pub comment: &'a str,
    pub mechanism: &'a str,
    pub related_id: Option<i64>,
    /// An opinion's stance code, or empty.
    pub stance: &'a str,
    /// The seat(s) the État's référent stood in for, or empty.
    pub stands_in: &'a str,
    /// The committee session the step was decided at.
    pub session_id: Option<i64>,
}

/// Appends to a proposal's timeline; returns the event's id.
pub async fn insert_event(db: &impl ConnectionTrait, e: &NewEvent<'_>) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO proposal_event (proposal_id, at, user_id, user_name, role, action, \
         from_status, to_status, comment, mechanism, related_id, stance, stands_in, session_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            e.proposal_id.into(),
            e.at.into(),
            e.user_id.into(),
            e.user_name.into(),
            e.role.into(),
            e.action.into(),
            e.from_status.into(),
            e.to_status.into(),
            e.comment.into(),
            e.mechanism.into(),
            e.related_id.into(),
            e.stance.into(),
            e.stands_in.into(),
            e.session_id.into(),
        ],
    )
    .await?;
    Ok(row.context("the new event's id")?.id)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct EventRow {
    pub id: i64,
    pub proposal_id: i64,
    pub at: i64,
    pub user_name: String,
    pub role: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub comment: String,
    pub mechanism: String,
    pub related_id: Option<i64>,
    pub stance: String,
    pub stands_in: String,
    pub session_id: Option<i64>,
}

/// The timelines of some proposals, in time order.
pub async fn events(db: &impl ConnectionTrait, ids: &[i64]) -> anyhow::Result<Vec<EventRow>> {
    let mut rows: Vec<EventRow> = fetch_in(
        db,
        "SELECT proposal_id, at, user_name, role, action, from_status, to_status, comment, \
         mechanism, related_id, stance, stands_in, session_id, id FROM proposal_event",
        "proposal_id",
        ids,
    )
    .await?;
    rows.sort_by_key(|e| (e.at, e.id));
    Ok(rows)
}

/// Status changes of every proposal that left the draft (for the dashboard).
#[derive(Debug, Clone, FromQueryResult)]
pub struct StepRow {
    pub proposal_id: i64,
    pub at: i64,
    pub to_status: String,
}

pub async fn all_steps(db: &impl ConnectionTrait) -> anyhow::Result<Vec<StepRow>> {
    fetch_all(
        db,
        "SELECT proposal_id, at, to_status FROM proposal_event WHERE from_status <> to_status \
         ORDER BY proposal_id, at, id",
        vec![],
    )
    .await
}

/// A supporter row, with the names to show.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SupportRow {
    pub proposal_id: i64,
    pub root_id: Option<i64>,
    pub user_id: i64,
    pub territory_id: Option<String>,
    pub territory_name: Option<String>,
    pub territory_region: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub organisation_visibility: Option<String>,
    pub testimony: String,
    pub created_at: i64,
}

/// Supporters of every proposal gathered under these roots.
pub async fn supports(db: &impl ConnectionTrait, roots: &[i64]) -> anyhow::Result<Vec<SupportRow>> {
    fetch_in(
        db,
        "SELECT s.proposal_id, p.root_id, s.user_id, s.territory_id, t.name AS territory_name, \
         r.name AS territory_region, s.organisation_id, o.name AS organisation_name, \
         o.visibility AS organisation_visibility, s.testimony, \
         s.created_at FROM proposal_support s JOIN proposal p ON p.id = s.proposal_id \
         LEFT JOIN territory t ON t.id = s.territory_id LEFT JOIN region r ON r.code = t.region_code \
         LEFT JOIN organisation o ON o.id = s.organisation_id",
        "p.root_id",
        roots,
    )
    .await
}

/// (root, id, territory) of the proposals gathered under these roots, the roots included.
#[derive(Debug, Clone, FromQueryResult)]
pub struct MemberRow {
    pub root_id: Option<i64>,
    pub id: i64,
    pub territory_id: String,
}

pub async fn cluster_members(
    db: &impl ConnectionTrait,
    roots: &[i64],
) -> anyhow::Result<Vec<MemberRow>> {
    fetch_in(
        db,
        "SELECT root_id, id, territory_id FROM proposal",
        "root_id",
        roots,
    )
    .await
}

/// Adds a support; false when that territory or firm already supports this proposal.
pub async fn insert_support(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    user_id: i64,
    territory_id: Option<&str>,
    organisation_id: Option<i64>,
    testimony: &str,
    at: i64,
) -> anyhow::Result<bool> {
    let exists = super::fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM proposal_support s JOIN proposal p ON p.id = s.proposal_id \
         WHERE p.root_id = (SELECT root_id FROM proposal WHERE id = ?) \
         AND (s.territory_id = ? OR s.organisation_id = ?)",
        vec![
            proposal_id.into(),
            territory_id.map(str::to_owned).into(),
            organisation_id.into(),
        ],
    )
    .await?;
    if exists > 0 {
        return Ok(false);
    }
    db.execute(stmt(
        db,
        "INSERT INTO proposal_support (proposal_id, user_id, territory_id, organisation_id, \
         testimony, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            proposal_id.into(),
            user_id.into(),
            territory_id.map(str::to_owned).into(),
            organisation_id.into(),
            testimony.into(),
            at.into(),
        ],
    ))
    .await
    .context("adding a support")?;
    Ok(true)
}

/// Someone to notify, with their language and their setting for proposal notices.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub lang: String,
    pub frequency: Option<String>,
}

const RECIPIENT_SELECT: &str = const_format::concatcp!(
    "SELECT u.id, u.email, u.name, u.lang, n.frequency FROM user_account u \
    LEFT JOIN notification_setting n ON n.user_id = u.id AND n.kind = '",
    app::domain::notification::NotificationKind::Proposals.code(),
    "'"
);

/// The people of a proposal at each level: the author, the territory's leads, the supporters
/// of its cluster, and the reviewers of the levels given.
/// Who is told of a step besides the proposal's author, team leads and supporters: the people
/// of the level it reaches.
#[derive(Debug, Clone, Copy)]
pub enum Reviewers<'a> {
    /// Nobody else.
    Team,
    /// The territory's État référent.
    Referent,
    /// The regions the territory spans.
    Regions(&'a [String]),
    /// The national délégation.
    National,
}

pub async fn recipients(
    db: &impl ConnectionTrait,
    p: &ProposalRow,
    reviewers: Reviewers<'_>,
) -> anyhow::Result<Vec<Recipient>> {
    let mut clauses = vec![
        "u.id = ?".to_owned(),
        "u.id IN (SELECT user_id FROM membership WHERE scope_kind = ? AND scope_id = ? \
         AND role IN (?, ?, ?))"
            .to_owned(),
        "u.id IN (SELECT s.user_id FROM proposal_support s JOIN proposal q ON q.id = s.proposal_id \
         WHERE q.root_id = ?)"
            .to_owned(),
    ];
    let mut values: Vec<sea_orm::Value> = vec![
        p.created_by.unwrap_or(0).into(),
        ScopeKind::Territory.code().into(),
        p.territory_id.as_str().into(),
        Role::ElectedCoLead.code().into(),
        Role::IndustrialCoLead.code().into(),
        Role::ProjectManager.code().into(),
        p.root().into(),
    ];
    match reviewers {
        Reviewers::Team => {}
        Reviewers::Referent => {
            clauses.push(
                "u.id IN (SELECT user_id FROM membership WHERE scope_kind = ? AND scope_id = ? \
                 AND role = ?)"
                    .to_owned(),
            );
            values.push(ScopeKind::Territory.code().into());
            values.push(p.territory_id.as_str().into());
            values.push(Role::StateReferent.code().into());
        }
        Reviewers::Regions(regions) => {
            for region in regions {
                clauses.push(
                    "u.id IN (SELECT user_id FROM membership WHERE scope_kind = ? AND scope_id = ? \
                     AND role IN (?, ?))"
                        .to_owned(),
                );
                values.push(ScopeKind::Region.code().into());
                values.push(region.as_str().into());
                values.push(Role::RegionalCouncil.code().into());
                values.push(Role::RegionalState.code().into());
            }
        }
        Reviewers::National => {}
    }
    if matches!(reviewers, Reviewers::National) {
        clauses.push("u.id IN (SELECT user_id FROM membership WHERE scope_kind = ?)".to_owned());
        values.push(ScopeKind::National.code().into());
    }
    fetch_all(
        db,
        &format!("{RECIPIENT_SELECT} WHERE {}", clauses.join(" OR ")),
        values,
    )
    .await
}

/// Display names of people, for the timeline.
pub async fn user_name(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<String> {
    #[derive(FromQueryResult)]
    struct N {
        name: String,
    }
    let n: Option<N> = fetch_optional(
        db,
        "SELECT name FROM user_account WHERE id = ?",
        vec![id.into()],
    )
    .await?;
    Ok(n.map(|n| n.name).unwrap_or_default())
}

/// Region names by code.
pub async fn region_names(
    db: &impl ConnectionTrait,
) -> anyhow::Result<Vec<super::directory::NameRow>> {
    fetch_all(
        db,
        "SELECT code AS id, name FROM region ORDER BY name",
        vec![],
    )
    .await
}
