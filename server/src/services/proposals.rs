//! Simplification proposals: the workflow applied in transactions, support, queues, figures.
//!
//! Every write runs in one transaction: the row, its timeline entry, the search journal and
//! the notices (outbox mails or digest lines) commit together or not at all. What may happen
//! is decided by `app::domain::proposal::decide`, never here.

use crate::clock::Clock;
use crate::db::organisations::record_change;
use crate::db::proposals::{self as q, ProposalRow, StatusChange};
use crate::mail::{self, templates};
use crate::search::{lookups, SearchIndex};
use anyhow::Context;
use app::api::accounts::CurrentUser;
use app::api::proposals::{
    Dashboard, ProposalDetail, ProposalDraft, ProposalFilter, ProposalLink, ProposalList,
    ProposalSheetRow, ProposalSort, ProposalSummary, Queue, SupportView, TimelineEntry, Waiting,
};
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::organisation::{OrganisationVisibility, PartyKind};
use app::domain::policy::{Scope, Viewer};
use app::domain::proposal::{
    actor_roles, answered_within_three_months, days_by_level, days_waiting, decide, may_edit,
    may_read, may_support, median, offered_actions, Action, ActorRole, Approvals, Facts, Level,
    Origin, Refusal, Status, StepInput, SupportAs, ALL_STATUSES, DAY, UNDO_MERGE_DAYS,
};
use app::error::{Conflict, FieldError, Problem, Said};
use app::i18n::{t, Lang};
use app::ports::{ServiceError, Told};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Most proposals a text search considers.
const TEXT_LIMIT: usize = 2_000;

#[derive(Clone)]
pub struct ProposalService {
    db: DatabaseConnection,
    index: SearchIndex,
    public_url: String,
    /// The time every rule and record of this service is judged by.
    clock: Clock,
    /// Days a co-lead's approval is waited for before the État's référent may give it.
    stand_in_days: i64,
}

fn invalid(field: &str, said: impl Into<Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, said)])
}

fn status_of(row: &ProposalRow) -> anyhow::Result<Status> {
    Status::parse(&row.status).with_context(|| format!("unknown status {:?}", row.status))
}

/// The regions a proposal's territory spans, its lead region first.
async fn regions_of(db: &impl ConnectionTrait, row: &ProposalRow) -> anyhow::Result<Vec<String>> {
    let mut regions = crate::db::directory::territory_regions(db, &row.territory_id).await?;
    if regions.is_empty() {
        regions.push(row.region_code.clone());
    }
    Ok(regions)
}

/// The viewer's roles towards a proposal.
async fn roles_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    row: &ProposalRow,
) -> anyhow::Result<Vec<ActorRole>> {
    let regions = regions_of(db, row).await?;
    Ok(actor_roles(
        viewer,
        Origin {
            territory: &row.territory_id,
            regions: &regions,
        },
    ))
}

/// Supporting territories (other than each root's author) and firms, per root.
async fn support_counts(
    db: &impl ConnectionTrait,
    rows: &[ProposalRow],
) -> anyhow::Result<HashMap<i64, (u64, u64)>> {
    let roots: Vec<i64> = rows
        .iter()
        .map(ProposalRow::root)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut territories: HashMap<i64, BTreeSet<String>> = HashMap::new();
    let mut authors: HashMap<i64, String> = HashMap::new();
    let mut firms: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for chunk in roots.chunks(500) {
        for m in q::cluster_members(db, chunk).await? {
            let root = m.root_id.unwrap_or(m.id);
            if m.id == root {
                authors.insert(root, m.territory_id);
            } else {
                territories.entry(root).or_default().insert(m.territory_id);
            }
        }
        for s in q::supports(db, chunk).await? {
            let root = s.root_id.unwrap_or(s.proposal_id);
            if let Some(t) = s.territory_id {
                territories.entry(root).or_default().insert(t);
            }
            if let Some(o) = s.organisation_id {
                firms.entry(root).or_default().insert(o);
            }
        }
    }
    let mut counts = HashMap::new();
    for row in rows {
        let root = row.root();
        let author = authors
            .get(&root)
            .map(String::as_str)
            .unwrap_or(row.territory_id.as_str());
        let t = territories
            .get(&root)
            .map(|s| s.iter().filter(|t| t.as_str() != author).count())
            .unwrap_or(0) as u64;
        let f = firms.get(&root).map(BTreeSet::len).unwrap_or(0) as u64;
        counts.insert(row.id, (t, f));
    }
    Ok(counts)
}

fn summary(row: &ProposalRow, counts: &HashMap<i64, (u64, u64)>) -> ProposalSummary {
    let (territories, firms) = counts.get(&row.id).copied().unwrap_or((0, 0));
    let level = Status::parse(&row.status)
        .map(|s| s.level().code())
        .unwrap_or_default();
    ProposalSummary {
        id: row.id,
        title: row.title.clone(),
        status: row.status.clone(),
        level: level.to_owned(),
        theme: row.theme.clone(),
        territory_id: row.territory_id.clone(),
        territory_name: row.territory_name.clone(),
        region_code: row.region_code.clone(),
        region_name: row.region_name.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        answered_at: row.answered_at,
        territories_supporting: territories,
        firms_supporting: firms,
        is_demo: row.is_demo,
    }
}

async fn summaries(
    db: &impl ConnectionTrait,
    rows: &[ProposalRow],
) -> anyhow::Result<Vec<ProposalSummary>> {
    let counts = support_counts(db, rows).await?;
    Ok(rows.iter().map(|r| summary(r, &counts)).collect())
}

fn sort_summaries(items: &mut [ProposalSummary], sort: ProposalSort) {
    match sort {
        ProposalSort::Recent => items.sort_by_key(|p| std::cmp::Reverse(p.updated_at)),
        ProposalSort::Age => items.sort_by_key(|p| (p.submitted_at.unwrap_or(p.created_at), p.id)),
        ProposalSort::Support => items.sort_by(|a, b| {
            (b.territories_supporting, b.firms_supporting)
                .cmp(&(a.territories_supporting, a.firms_supporting))
                .then(
                    a.submitted_at
                        .unwrap_or(a.created_at)
                        .cmp(&b.submitted_at.unwrap_or(b.created_at)),
                )
        }),
    }
}

impl ProposalService {
    pub fn new(db: DatabaseConnection, index: SearchIndex, public_url: String) -> Self {
        ProposalService {
            db,
            index,
            public_url,
            clock: Clock::default(),
            stand_in_days: 15,
        }
    }

    /// The same service letting the État's référent stand in for a co-lead's approval after
    /// `days` of waiting.
    pub fn with_stand_in_days(mut self, days: u32) -> Self {
        self.stand_in_days = i64::from(days);
        self
    }

    /// The same service judging time by `clock` (the server's, which tests move).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn link(&self, id: i64) -> String {
        format!(
            "{}/simplification/{id}",
            self.public_url.trim_end_matches('/')
        )
    }

    async fn text_ids(&self, q: &str) -> anyhow::Result<Vec<i64>> {
        lookups::text_ids_async(&self.index, q, "proposal", TEXT_LIMIT).await
    }

    async fn row(&self, id: i64) -> Result<ProposalRow, ServiceError> {
        q::proposal(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// A proposal the viewer may read, with its status and the viewer's roles towards it. A
    /// draft another team cannot read is not found, as an unknown id is: ids of drafts cannot
    /// be told apart by probing.
    async fn readable(
        &self,
        id: i64,
        viewer: &Viewer,
    ) -> Result<(ProposalRow, Status, Vec<ActorRole>), ServiceError> {
        let row = self.row(id).await?;
        let status = status_of(&row)?;
        let roles = roles_for(&self.db, viewer, &row).await?;
        if !may_read(status, &roles) {
            return Err(ServiceError::NotFound);
        }
        Ok((row, status, roles))
    }

    /// The proposal `target` if `row` may be merged into it: another one that anyone may read
    /// and that is neither merged nor withdrawn.
    async fn open_target(
        &self,
        row: &ProposalRow,
        target: i64,
    ) -> Result<Option<ProposalRow>, ServiceError> {
        let t = q::proposal(&self.db, target).await?;
        Ok(t.filter(|t| {
            t.id != row.id
                && Status::parse(&t.status)
                    .is_some_and(|s| s.public() && !matches!(s, Status::Merged | Status::Withdrawn))
        }))
    }

    /// When each of these proposals entered each of its statuses, in order.
    async fn entered(&self, ids: &[i64]) -> anyhow::Result<HashMap<i64, Vec<(i64, Status)>>> {
        let mut steps: HashMap<i64, Vec<(i64, Status)>> = HashMap::new();
        for e in q::events(&self.db, ids).await? {
            if e.from_status != e.to_status {
                if let Some(s) = Status::parse(&e.to_status) {
                    steps.entry(e.proposal_id).or_default().push((e.at, s));
                }
            }
        }
        Ok(steps)
    }

    /// A queue's proposals in the chosen order, each with the days it has waited.
    async fn waiting(
        &self,
        rows: &[ProposalRow],
        sort: ProposalSort,
    ) -> anyhow::Result<Vec<Waiting>> {
        let mut items = summaries(&self.db, rows).await?;
        sort_summaries(&mut items, sort);
        let ids: Vec<i64> = items.iter().map(|p| p.id).collect();
        let steps = self.entered(&ids).await?;
        let now = self.clock.now();
        Ok(items
            .into_iter()
            .map(|proposal| Waiting {
                days: steps
                    .get(&proposal.id)
                    .and_then(|list| days_waiting(list, now)),
                proposal,
            })
            .collect())
    }

    /// Whether the merge of `row` may still be undone at `now`.
    async fn undo_open(
        &self,
        row: &ProposalRow,
        status: Status,
        now: i64,
    ) -> Result<bool, ServiceError> {
        if status != Status::Merged {
            return Ok(false);
        }
        let merged_at = q::merged_at(&self.db, row.id).await?;
        Ok(merged_at.is_some_and(|at| now - at < UNDO_MERGE_DAYS * DAY))
    }

    /// What the workflow needs to know of a proposal besides its status, as of now.
    async fn facts(&self, row: &ProposalRow, status: Status) -> Result<Facts, ServiceError> {
        let now = self.clock.now();
        let events = q::events(&self.db, &[row.id]).await?;
        // When the proposal last entered a state.
        let entered = |s: Status| {
            events
                .iter()
                .rev()
                .find(|e| e.from_status != e.to_status && s.code() == e.to_status)
                .map(|e| e.at)
        };
        let stand_in_open = status == Status::AwaitingApproval
            && entered(Status::AwaitingApproval)
                .is_some_and(|at| now - at >= self.stand_in_days * DAY);
        let regional_opinion = status == Status::RegionalReview && {
            let since = entered(Status::RegionalReview).unwrap_or(0);
            events.iter().any(|e| {
                e.at >= since
                    && Action::GiveOpinion.code() == e.action
                    && [ActorRole::RegionalCouncil, ActorRole::RegionalState]
                        .iter()
                        .any(|r| r.code() == e.role)
            })
        };
        let referent_seated = crate::db::accounts::members_of(
            &self.db,
            app::domain::policy::ScopeKind::Territory.code(),
            &row.territory_id,
        )
        .await?
        .iter()
        .any(|m| app::domain::policy::Role::StateReferent.code() == m.role);
        Ok(Facts {
            complete: row.draft().complete(),
            approvals: Approvals {
                elected: row.approved_elected_by,
                industrial: row.approved_industrial_by,
            },
            undo_open: self.undo_open(row, status, now).await?,
            referent_seated,
            stand_in_open,
            regional_opinion,
        })
    }

    /// Tells the people of a proposal that it moved, in their language and at the frequency
    /// they chose (mail now, a digest line later, or nothing).
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        txn: &impl ConnectionTrait,
        row: &ProposalRow,
        event: i64,
        actor: i64,
        actor_name: &str,
        to: Status,
        comment: &str,
    ) -> anyhow::Result<Told> {
        let regions = regions_of(txn, row).await?;
        let reviewers = match to {
            Status::ReferentReview => q::Reviewers::Referent,
            Status::RegionalReview => q::Reviewers::Regions(&regions),
            Status::NationalReview => q::Reviewers::National,
            _ => q::Reviewers::Team,
        };
        let recipients = q::recipients(txn, row, reviewers).await?;
        let link = self.link(row.id);
        let mut told = Told::default();
        for r in recipients.into_iter().filter(|r| r.id != actor) {
            let lang = Lang::from_tag(&r.lang).unwrap_or_default();
            let line = format!(
                "{} ({actor_name})",
                t(lang, app::pages::proposals::status_key(to))
            );
            let mail = templates::proposal_step(
                &r.email, lang, &r.name, &row.title, &line, comment, &link,
            );
            told.0 += u32::from(
                mail::deliver(
                    txn,
                    r.id,
                    Frequency::of_setting(r.frequency.as_deref()),
                    NotificationKind::Proposals,
                    &format!("proposal-{event}-{}", r.id),
                    &format!("« {} » : {line}", row.title),
                    &link,
                    &mail,
                )
                .await?,
            );
        }
        Ok(told)
    }

    /// Takes one workflow step within the caller's transaction (a committee records its
    /// decision and the region's opinion together); `session` names the committee session
    /// the step was decided at. The rules are those of [`app::ports::Proposals::step`].
    #[allow(clippy::too_many_arguments)]
    pub async fn step_within(
        &self,
        txn: &DatabaseTransaction,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        action: Action,
        input: StepInput,
        session: Option<i64>,
    ) -> Result<(Status, Told), ServiceError> {
        let (row, status, roles) = self.readable(id, viewer).await?;
        if input.comment.trim().chars().count() > 20_000 {
            return Err(invalid("comment", Problem::TextTooLong));
        }
        let mut input = StepInput {
            comment: input.comment.trim().to_owned(),
            ..input
        };
        let target = match (action, input.target) {
            (Action::Merge, Some(target)) => self.open_target(&row, target).await?,
            (Action::Unmerge, _) => match row.merged_into {
                Some(t) => q::proposal(&self.db, t).await?,
                None => None,
            },
            _ => None,
        };
        if action == Action::Merge && target.is_none() {
            input.target = None;
        }
        let facts = self.facts(&row, status).await?;
        let decision = match decide(status, &roles, viewer.user_id, action, &facts, &input) {
            Ok(d) => d,
            Err(Refusal::NotAllowed) => return Err(ServiceError::Forbidden),
            Err(Refusal::Missing("undo_period")) => {
                return Err(ServiceError::Conflict(Conflict::UndoPeriodOver))
            }
            Err(Refusal::Missing("regional_opinion")) => {
                return Err(ServiceError::Conflict(Conflict::RegionalOpinionMissing))
            }
            Err(Refusal::Missing(field)) => {
                let problem = match field {
                    "comment" => Problem::CommentRequired,
                    "stance" => Problem::StanceRequired,
                    "mechanism" => Problem::MechanismRequired,
                    "target" => Problem::TargetRequired,
                    _ => Problem::ProblemRequired,
                };
                return Err(invalid(field, problem));
            }
        };
        let at = self.clock.now();
        let answer = decision.to.answered().then_some(input.comment.as_str());
        let moved = q::set_status(
            txn,
            &StatusChange {
                id,
                from: status.code(),
                had_approvals: (row.approved_elected_by, row.approved_industrial_by),
                to: decision.to.code(),
                approved_elected_by: decision.approvals.elected,
                approved_industrial_by: decision.approvals.industrial,
                mechanism: (action == Action::Redirect)
                    .then_some(input.mechanism.as_deref().unwrap_or_default()),
                answer,
                merged_into: target
                    .as_ref()
                    .filter(|_| action == Action::Merge)
                    .map(|t| t.id),
                unmerge: action == Action::Unmerge,
                submitted: matches!(decision.to, Status::ReferentReview | Status::RegionalReview),
                answered: answer.is_some(),
                at,
            },
        )
        .await?;
        if !moved {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        let event = q::insert_event(
            txn,
            &q::NewEvent {
                proposal_id: id,
                at,
                user_id: user.id,
                user_name: &user.name,
                role: decision.role.code(),
                action: action.code(),
                from_status: status.code(),
                to_status: decision.to.code(),
                comment: &input.comment,
                mechanism: if action == Action::Redirect {
                    input.mechanism.as_deref().unwrap_or_default()
                } else {
                    ""
                },
                related_id: target.as_ref().map(|t| t.id),
                stance: decision.stance.map_or("", |s| s.code()),
                stands_in: decision.stands_in.map_or("", |s| s.code()),
                session_id: session,
            },
        )
        .await?;
        if let Some(t) = &target {
            let on_target = if action == Action::Unmerge {
                // The proposal and those merged into it earlier leave the target's cluster.
                q::unroot(txn, row.id, row.root()).await?;
                "unmerged_out"
            } else {
                q::reroot(txn, row.root(), t.root()).await?;
                "merged_in"
            };
            // The target's timeline shows the merge, or its undoing, too.
            q::insert_event(
                txn,
                &q::NewEvent {
                    proposal_id: t.id,
                    at,
                    user_id: user.id,
                    user_name: &user.name,
                    role: decision.role.code(),
                    action: on_target,
                    from_status: &t.status,
                    to_status: &t.status,
                    comment: &input.comment,
                    mechanism: "",
                    related_id: Some(row.id),
                    stance: "",
                    stands_in: "",
                    session_id: None,
                },
            )
            .await?;
            record_change(txn, "proposal", t.id, "update").await?;
        } else if action == Action::Unmerge {
            q::unroot(txn, row.id, row.root()).await?;
        }
        record_change(txn, "proposal", id, "update").await?;
        let moved_row = ProposalRow {
            status: decision.to.code().to_owned(),
            root_id: match action {
                Action::Merge => target.as_ref().map(|t| t.root()).or(row.root_id),
                Action::Unmerge => Some(row.id),
                _ => row.root_id,
            },
            ..row.clone()
        };
        let told = self
            .notify(
                txn,
                &moved_row,
                event,
                user.id,
                &user.name,
                decision.to,
                &input.comment,
            )
            .await?;
        Ok((decision.to, told))
    }
}

#[async_trait::async_trait]
impl app::ports::Proposals for ProposalService {
    async fn list(
        &self,
        filter: &ProposalFilter,
        _viewer: &Viewer,
    ) -> Result<ProposalList, ServiceError> {
        let items = self.filtered(filter).await?;
        let total = items.len() as u64;
        let start = ((filter.page.max(1) - 1) * filter.per_page) as usize;
        let items = items
            .into_iter()
            .skip(start)
            .take(filter.per_page as usize)
            .collect();
        Ok(ProposalList {
            total,
            page: filter.page.max(1),
            per_page: filter.per_page,
            items,
        })
    }

    async fn detail(&self, id: i64, viewer: &Viewer) -> Result<ProposalDetail, ServiceError> {
        let (row, status, roles) = self.readable(id, viewer).await?;
        let root = row.root();
        let members = q::cluster_members(&self.db, &[root]).await?;
        // Sources: proposals gathered under this one (when it is the root).
        let source_ids: Vec<i64> = if root == row.id {
            members
                .iter()
                .map(|m| m.id)
                .filter(|i| *i != row.id)
                .collect()
        } else {
            Vec::new()
        };
        let sources = q::proposals_by_id(&self.db, &source_ids).await?;
        // The proposal merged into is named only to those who may read it (it may have gone
        // back to draft since).
        let merged_into = match row.merged_into {
            Some(target) => match q::proposal(&self.db, target).await? {
                Some(t) if may_read(status_of(&t)?, &roles_for(&self.db, viewer, &t).await?) => {
                    Some(t)
                }
                _ => None,
            },
            None => None,
        };
        let mut timeline_ids = vec![row.id];
        timeline_ids.extend(source_ids.iter().copied());
        let timeline: Vec<TimelineEntry> = q::events(&self.db, &timeline_ids)
            .await?
            .into_iter()
            .map(|e| TimelineEntry {
                proposal_id: e.proposal_id,
                at: e.at,
                user_name: e.user_name,
                role: e.role,
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                comment: e.comment,
                mechanism: e.mechanism,
                related_id: e.related_id,
                stance: e.stance,
                stands_in: e.stands_in,
                session_id: e.session_id,
            })
            .collect();
        let own_steps: Vec<(i64, Status)> = timeline
            .iter()
            .filter(|e| e.proposal_id == row.id && e.from_status != e.to_status)
            .filter_map(|e| Some((e.at, Status::parse(&e.to_status)?)))
            .collect();
        let days = days_by_level(&own_steps, self.clock.now());
        // Supporters: of this proposal and, when it gathers others, of its sources.
        let support_rows = if root == row.id {
            q::supports(&self.db, &[root]).await?
        } else {
            q::supports(&self.db, &[root])
                .await?
                .into_iter()
                .filter(|s| s.proposal_id == row.id)
                .collect()
        };
        let mut by_region: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        by_region
            .entry(row.region_name.clone())
            .or_default()
            .insert(row.territory_id.clone());
        for s in &sources {
            by_region
                .entry(s.region_name.clone())
                .or_default()
                .insert(s.territory_id.clone());
        }
        let mut supports = Vec::new();
        for s in &support_rows {
            if let (Some(t), Some(name)) = (&s.territory_id, &s.territory_name) {
                let region = s.territory_region.clone().unwrap_or_default();
                by_region
                    .entry(region.clone())
                    .or_default()
                    .insert(t.clone());
                supports.push(SupportView {
                    kind: PartyKind::Territory.code().into(),
                    id: t.clone(),
                    name: name.clone(),
                    region_name: region,
                    testimony: s.testimony.clone(),
                    at: s.created_at,
                    proposal_id: s.proposal_id,
                });
            } else if let (Some(o), Some(name)) = (s.organisation_id, &s.organisation_name) {
                // A members-only firm supports in its name for members only.
                let public = s
                    .organisation_visibility
                    .as_deref()
                    .is_some_and(|v| OrganisationVisibility::Public.is(v));
                if !public && !viewer.signed_in() {
                    continue;
                }
                supports.push(SupportView {
                    kind: PartyKind::Organisation.code().into(),
                    id: o.to_string(),
                    name: name.clone(),
                    region_name: String::new(),
                    testimony: s.testimony.clone(),
                    at: s.created_at,
                    proposal_id: s.proposal_id,
                });
            }
        }
        let mut counts_rows = vec![row.clone()];
        counts_rows.extend(sources.iter().cloned());
        let counts = support_counts(&self.db, &counts_rows).await?;
        let approvals = Approvals {
            elected: row.approved_elected_by,
            industrial: row.approved_industrial_by,
        };
        // Where the viewer may still add a support.
        let supported: BTreeSet<String> = supports.iter().map(|s| s.id.clone()).collect();
        let mut territory_ids = Vec::new();
        let mut organisation_ids = Vec::new();
        for m in &viewer.memberships {
            match &m.scope {
                Scope::Territory(t)
                    if *t != row.territory_id
                        && !supported.contains(t)
                        && may_support(status, &roles, SupportAs::Territory) =>
                {
                    territory_ids.push(t.clone())
                }
                Scope::Organisation(o)
                    if !supported.contains(&o.to_string())
                        && may_support(status, &roles, SupportAs::Organisation) =>
                {
                    organisation_ids.push(*o)
                }
                _ => {}
            }
        }
        territory_ids.dedup();
        organisation_ids.dedup();
        let mut support_as: Vec<(String, String, String)> =
            crate::db::directory::territory_names(&self.db, &territory_ids)
                .await?
                .into_iter()
                .map(|n| (PartyKind::Territory.code().into(), n.id, n.name))
                .collect();
        support_as.extend(
            crate::db::directory::organisation_names(&self.db, &organisation_ids)
                .await?
                .into_iter()
                .map(|n| (PartyKind::Organisation.code().into(), n.id, n.name)),
        );
        let link = |p: &ProposalRow| ProposalLink {
            id: p.id,
            title: p.title.clone(),
            territory_name: p.territory_name.clone(),
        };
        let facts = self.facts(&row, status).await?;
        let actions = offered_actions(status, &roles, viewer.user_id, &facts);
        let opinion_needed = actions.contains(&Action::Escalate) && !facts.regional_opinion;
        let names = q::region_names(&self.db).await?;
        let regions = regions_of(&self.db, &row)
            .await?
            .into_iter()
            .map(|code| app::api::directory::RegionRef {
                name: names
                    .iter()
                    .find(|n| n.id == code)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| code.clone()),
                code,
            })
            .collect();
        Ok(ProposalDetail {
            summary: summary(&row, &counts),
            problem: row.problem.clone(),
            rule: row.rule.clone(),
            legal_reference: row.legal_reference.clone(),
            axis: row.axis.clone(),
            proposal_kind: row.proposal_kind.clone(),
            solution: row.solution.clone(),
            mechanism: row.mechanism.clone(),
            answer: row.answer.clone(),
            merged_into: merged_into.as_ref().map(link),
            sources: sources.iter().map(link).collect(),
            approvals: app::api::proposals::ApprovalMarks {
                elected: approvals.elected.is_some(),
                industrial: approvals.industrial.is_some(),
            },
            timeline,
            supports,
            territories_by_region: by_region
                .into_iter()
                .map(|(region, set)| (region, set.len() as u64))
                .collect(),
            days,
            actions: actions.into_iter().map(|a| a.code().to_owned()).collect(),
            may_edit: may_edit(status, &roles),
            regions,
            opinion_needed,
            support_as,
        })
    }

    async fn queue(&self, viewer: &Viewer, sort: ProposalSort) -> Result<Queue, ServiceError> {
        let mut territories = Vec::new();
        let mut regions = Vec::new();
        let mut national = None;
        let mut answered_in_regions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in &viewer.memberships {
            if !seen.insert(m.scope.clone()) {
                continue;
            }
            match &m.scope {
                Scope::Territory(t) => {
                    let filter = q::ProposalWhere {
                        territory: Some(t),
                        ..Default::default()
                    };
                    let mut rows = crate::db::list(&self.db, &filter).await?;
                    // The État's référent sees what left the team, not its drafts.
                    if let Some(first) = rows.first().cloned() {
                        let roles = roles_for(&self.db, viewer, &first).await?;
                        rows.retain(|r| status_of(r).is_ok_and(|s| may_read(s, &roles)));
                    }
                    let name =
                        crate::db::directory::territory_names(&self.db, std::slice::from_ref(t))
                            .await?
                            .pop()
                            .map(|n| n.name)
                            .unwrap_or_else(|| t.clone());
                    territories.push((t.clone(), name, self.waiting(&rows, sort).await?));
                }
                Scope::Region(r) => {
                    // Every territory with communes in the region, interregional ones included.
                    let ids = crate::db::directory::region_territories(&self.db, r).await?;
                    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                    let filter = q::ProposalWhere {
                        territories: Some(&ids),
                        status: Some(Status::RegionalReview),
                        ..Default::default()
                    };
                    let rows = crate::db::list(&self.db, &filter).await?;
                    let name = q::region_names(&self.db)
                        .await?
                        .into_iter()
                        .find(|n| &n.id == r)
                        .map(|n| n.name)
                        .unwrap_or_else(|| r.clone());
                    regions.push((r.clone(), name, self.waiting(&rows, sort).await?));
                }
                Scope::National => {
                    let filter = q::ProposalWhere {
                        status: Some(Status::NationalReview),
                        ..Default::default()
                    };
                    let rows = crate::db::list(&self.db, &filter).await?;
                    national = Some(self.waiting(&rows, sort).await?);
                    let answered = q::ProposalWhere {
                        status: Some(Status::AnsweredRegional),
                        ..Default::default()
                    };
                    let rows = crate::db::list(&self.db, &answered).await?;
                    let mut by_theme: BTreeMap<String, Vec<ProposalSummary>> = BTreeMap::new();
                    for p in summaries(&self.db, &rows).await? {
                        by_theme.entry(p.theme.clone()).or_default().push(p);
                    }
                    answered_in_regions = by_theme.into_iter().collect();
                    answered_in_regions
                        .sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
                }
                _ => {}
            }
        }
        Ok(Queue {
            territories,
            regions,
            national,
            answered_in_regions,
            sort,
        })
    }

    async fn dashboard(&self) -> Result<Dashboard, ServiceError> {
        let sent = q::ProposalWhere {
            except_status: Some(Status::Draft),
            ..Default::default()
        };
        let rows = crate::db::list(&self.db, &sent).await?;
        let mut by_status: BTreeMap<Status, u64> = BTreeMap::new();
        let mut by_theme: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_region: BTreeMap<(String, String), u64> = BTreeMap::new();
        for r in &rows {
            if let Some(s) = Status::parse(&r.status) {
                *by_status.entry(s).or_default() += 1;
            }
            *by_theme.entry(r.theme.clone()).or_default() += 1;
            *by_region
                .entry((r.region_name.clone(), r.region_code.clone()))
                .or_default() += 1;
        }
        let mut steps: HashMap<i64, Vec<(i64, Status)>> = HashMap::new();
        for s in q::all_steps(&self.db).await? {
            if let Some(status) = Status::parse(&s.to_status) {
                let list = steps.entry(s.proposal_id).or_default();
                if list.last().map(|(_, last)| *last) != Some(status) {
                    list.push((s.at, status));
                }
            }
        }
        let at = self.clock.now();
        let mut per_level: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut share = (0u64, 0u64);
        for r in &rows {
            let Some(list) = steps.get(&r.id) else {
                continue;
            };
            let days = days_by_level(list, at);
            for (slot, d) in days.iter().enumerate() {
                let reached = list.iter().any(|(_, s)| {
                    matches!(
                        (slot, s),
                        (0, Status::AwaitingApproval)
                            | (1, Status::RegionalReview)
                            | (2, Status::NationalReview)
                    )
                });
                if reached {
                    per_level[slot].push(*d);
                }
            }
            let counted = Status::parse(&r.status)
                .is_some_and(|s| !matches!(s, Status::Withdrawn | Status::Merged));
            if let (true, Some(submitted)) = (counted, r.submitted_at) {
                if let Some(ok) = answered_within_three_months(submitted, r.answered_at, at) {
                    share.1 += 1;
                    share.0 += u64::from(ok);
                }
            }
        }
        let [mut t, mut r, mut n] = per_level;
        Ok(Dashboard {
            total: rows.len() as u64,
            by_status: ALL_STATUSES
                .iter()
                .filter(|s| s.public())
                .map(|s| (s.code().to_owned(), by_status.get(s).copied().unwrap_or(0)))
                .collect(),
            by_theme: app::domain::theme::Theme::ALL
                .iter()
                .map(|th| {
                    (
                        th.code().to_owned(),
                        by_theme.get(th.code()).copied().unwrap_or(0),
                    )
                })
                .collect(),
            by_region: by_region
                .into_iter()
                .map(|((name, code), n)| (code, name, n))
                .collect(),
            median_days: [median(&mut t), median(&mut r), median(&mut n)],
            answered_within_three_months: share,
        })
    }

    async fn similar(
        &self,
        text: &str,
        exclude: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ProposalLink>, ServiceError> {
        let (index, text) = (self.index.clone(), text.to_owned());
        let ids = tokio::task::spawn_blocking(move || {
            lookups::similar_ids(&index, &text, "proposal", limit + 1)
        })
        .await
        .context("search task")??;
        let ids: Vec<i64> = ids.into_iter().filter(|i| Some(*i) != exclude).collect();
        let rows = q::proposals_by_id(&self.db, &ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| rows.iter().find(|r| r.id == *id))
            .filter(|r| r.status != Status::Draft.code())
            .take(limit)
            .map(|r| ProposalLink {
                id: r.id,
                title: r.title.clone(),
                territory_name: r.territory_name.clone(),
            })
            .collect())
    }

    /// Every proposal matching a filter (no paging), in the filter's order.
    async fn filtered(
        &self,
        filter: &ProposalFilter,
    ) -> Result<Vec<ProposalSummary>, ServiceError> {
        // An unknown status matches nothing (the filter's validation names it first).
        let status = match filter.status.as_deref() {
            Some(code) => match Status::parse(code) {
                Some(status) => Some(status),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let at_level: Vec<Status> = match filter.level.as_deref().and_then(Level::parse) {
            Some(level) => ALL_STATUSES
                .iter()
                .copied()
                .filter(|s| s.public() && s.level() == level)
                .collect(),
            None => Vec::new(),
        };
        let ranked = if filter.q.trim().is_empty() {
            None
        } else {
            Some(self.text_ids(&filter.q).await?)
        };
        if ranked.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        // A region's proposals are those of every territory with communes in it.
        let in_region = match filter.region.as_deref() {
            Some(r) => Some(crate::db::directory::region_territories(&self.db, r).await?),
            None => None,
        };
        let in_region: Option<Vec<&str>> = in_region
            .as_ref()
            .map(|ids| ids.iter().map(String::as_str).collect());
        let listed = q::ProposalWhere {
            status,
            statuses: &at_level,
            except_status: Some(Status::Draft),
            theme: filter.theme.as_deref(),
            region: None,
            territory: filter.territory.as_deref(),
            territories: in_region.as_deref(),
            ids: ranked.as_deref(),
        };
        let rows = crate::db::list(&self.db, &listed).await?;
        let mut items = summaries(&self.db, &rows).await?;
        match &ranked {
            // A text search keeps its relevance order unless another order is asked for.
            Some(ids) if filter.sort == ProposalSort::Recent => {
                let rank: HashMap<i64, usize> =
                    ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                items.sort_by_key(|p| rank.get(&p.id).copied().unwrap_or(usize::MAX));
            }
            _ => sort_summaries(&mut items, filter.sort),
        }
        Ok(items)
    }

    /// The same proposals with their text, answer and days per level, for a spreadsheet.
    async fn sheet(&self, filter: &ProposalFilter) -> Result<Vec<ProposalSheetRow>, ServiceError> {
        let items = self.filtered(filter).await?;
        let ids: Vec<i64> = items.iter().map(|p| p.id).collect();
        let rows: HashMap<i64, ProposalRow> = q::proposals_by_id(&self.db, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let steps = self.entered(&ids).await?;
        let now = self.clock.now();
        Ok(items
            .into_iter()
            .filter_map(|summary| {
                let row = rows.get(&summary.id)?;
                let days = days_by_level(
                    steps.get(&summary.id).map(Vec::as_slice).unwrap_or(&[]),
                    now,
                );
                Some(ProposalSheetRow {
                    problem: row.problem.clone(),
                    rule: row.rule.clone(),
                    solution: row.solution.clone(),
                    mechanism: row.mechanism.clone(),
                    answer: row.answer.clone(),
                    days,
                    summary,
                })
            })
            .collect())
    }

    /// Creates a draft for one of the viewer's territories; returns its id.
    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: ProposalDraft,
    ) -> Result<i64, ServiceError> {
        let draft = draft.validate().map_err(ServiceError::Invalid)?;
        let region = q::territory_region(&self.db, &draft.territory_id)
            .await?
            .ok_or_else(|| invalid("territory_id", Problem::TerritoryNotYours))?;
        let regions =
            crate::db::directory::territory_regions(&self.db, &draft.territory_id).await?;
        let roles = actor_roles(
            viewer,
            Origin {
                territory: &draft.territory_id,
                regions: &regions,
            },
        );
        // Whoever may edit a draft of the territory may start one.
        if !may_edit(Status::Draft, &roles) {
            return Err(invalid("territory_id", Problem::TerritoryNotYours));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.context("proposal transaction")?;
        let id = q::insert(&txn, &draft, &region, user.id, at).await?;
        q::insert_event(
            &txn,
            &q::NewEvent {
                proposal_id: id,
                at,
                user_id: user.id,
                user_name: &user.name,
                role: roles
                    .iter()
                    .find(|r| {
                        matches!(
                            r,
                            ActorRole::ElectedCoLead
                                | ActorRole::IndustrialCoLead
                                | ActorRole::ProjectManager
                                | ActorRole::TeamMember
                        )
                    })
                    .map(|r| r.code())
                    .unwrap_or("team_member"),
                action: "create",
                from_status: "",
                to_status: Status::Draft.code(),
                comment: "",
                mechanism: "",
                related_id: None,
                stance: "",
                stands_in: "",
                session_id: None,
            },
        )
        .await?;
        txn.commit().await.context("committing a proposal")?;
        Ok(id)
    }

    /// Changes the text of a draft or of a proposal returned for information.
    async fn update(
        &self,
        viewer: &Viewer,
        id: i64,
        mut draft: ProposalDraft,
    ) -> Result<(), ServiceError> {
        let (row, status, roles) = self.readable(id, viewer).await?;
        if !may_edit(status, &roles) {
            return Err(ServiceError::Forbidden);
        }
        draft.territory_id = row.territory_id.clone();
        let draft = draft.validate().map_err(ServiceError::Invalid)?;
        let txn = self.db.begin().await.context("proposal transaction")?;
        if !q::update_text(&txn, id, &draft, self.clock.now()).await? {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        record_change(&txn, "proposal", id, "update").await?;
        txn.commit().await.context("committing a proposal")?;
        Ok(())
    }

    /// Takes one workflow step; returns the new status.
    async fn step(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        action: Action,
        input: StepInput,
    ) -> Result<(Status, Told), ServiceError> {
        let txn = self.db.begin().await.context("proposal transaction")?;
        let done = self
            .step_within(&txn, viewer, user, id, action, input, None)
            .await?;
        txn.commit().await.context("committing a step")?;
        Ok(done)
    }

    /// The proposal `target` that `id` would be merged into, for the page that asks before
    /// merging; the same checks as the merge itself, and nothing written.
    async fn merge_target(
        &self,
        viewer: &Viewer,
        id: i64,
        target: i64,
    ) -> Result<ProposalLink, ServiceError> {
        let (row, status, roles) = self.readable(id, viewer).await?;
        let input = StepInput {
            target: Some(target),
            ..StepInput::default()
        };
        let facts = Facts {
            complete: row.draft().complete(),
            ..Facts::default()
        };
        if decide(
            status,
            &roles,
            viewer.user_id,
            Action::Merge,
            &facts,
            &input,
        )
        .is_err()
        {
            return Err(ServiceError::Forbidden);
        }
        let Some(t) = self.open_target(&row, target).await? else {
            return Err(invalid("target", Problem::TargetRequired));
        };
        Ok(ProposalLink {
            id: t.id,
            title: t.title,
            territory_name: t.territory_name,
        })
    }

    /// Supports a proposal in the name of a territory team or a firm, with a testimony.
    async fn support(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        as_scope: &Scope,
        testimony: &str,
    ) -> Result<(), ServiceError> {
        let (row, status, roles) = self.readable(id, viewer).await?;
        let testimony = testimony.trim().to_owned();
        if testimony.chars().count() > 5_000 {
            return Err(invalid("testimony", Problem::TextTooLong));
        }
        let (kind, territory, organisation) = match as_scope {
            Scope::Territory(t) if *t != row.territory_id => {
                (SupportAs::Territory, Some(t.as_str()), None)
            }
            Scope::Organisation(o) => (SupportAs::Organisation, None, Some(*o)),
            _ => return Err(ServiceError::Forbidden),
        };
        let holds = viewer.memberships.iter().any(|m| &m.scope == as_scope);
        if !holds || !may_support(status, &roles, kind) {
            return Err(ServiceError::Forbidden);
        }
        if kind == SupportAs::Territory && testimony.is_empty() {
            return Err(invalid("testimony", Problem::TestimonyRequired));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.context("support transaction")?;
        if !q::insert_support(&txn, id, user.id, territory, organisation, &testimony, at).await? {
            return Err(ServiceError::Conflict(Conflict::AlreadySupported));
        }
        q::insert_event(
            &txn,
            &q::NewEvent {
                proposal_id: id,
                at,
                user_id: user.id,
                user_name: &user.name,
                role: match kind {
                    SupportAs::Territory => ActorRole::OtherTerritoryTeam.code(),
                    SupportAs::Organisation => ActorRole::OrganisationMember.code(),
                },
                action: "support",
                from_status: status.code(),
                to_status: status.code(),
                comment: &testimony,
                mechanism: "",
                related_id: None,
                stance: "",
                stands_in: "",
                session_id: None,
            },
        )
        .await?;
        sea_orm::ConnectionTrait::execute(
            &txn,
            crate::db::stmt(
                &txn,
                "UPDATE proposal SET updated_at = ? WHERE id = ?",
                vec![at.into(), id.into()],
            ),
        )
        .await
        .context("touching a proposal")?;
        txn.commit().await.context("committing a support")?;
        Ok(())
    }
}
