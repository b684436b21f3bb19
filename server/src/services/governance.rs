//! Governance: a territory's seats and committees, committees' members, sessions and decisions.
//!
//! Who runs a committee is `app::domain::governance::may_run`; a decision on a proposal is the
//! region's opinion in the proposal's workflow, taken through `ProposalService::step_within`
//! in the same transaction as the committee's record, so the two never disagree.

use crate::clock::Clock;
use crate::db::governance as q;
use crate::services::action_sheets::ActionSheetService;
use crate::services::proposals::ProposalService;
use anyhow::Context;
use app::api::accounts::CurrentUser;
use app::api::directory::RegionRef;
use app::api::governance::{
    AgendaItem, CommitteeDetail, CommitteeMemberView, CommitteeNext, CommitteeRef, DecisionView,
    SeatView, SessionDetail, SessionSummary, TerritoryGovernance,
};
use app::domain::action_sheet::{SheetAction, REGIONAL_OUTCOMES};
use app::domain::governance::{
    may_run, CommitteeKind, ItemKind, Stance, MAX_DECISION, MAX_FUNCTION, MAX_MEMBERS, MAX_PLACE,
};
use app::domain::policy::{Role, Viewer};
use app::domain::proposal::{Action, StepInput};
use app::error::{Conflict, FieldError, Problem};
use app::ports::{DecisionInput, MemberInput, ServiceError, Told};
use sea_orm::{DatabaseConnection, TransactionTrait};

/// The seats and roles a territory's governance section lists, in its order.
const SECTION_ROLES: [Role; 4] = [
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::ProjectManager,
    Role::StateReferent,
];

/// Longest message to a seat, in characters, and how many a person may send in a day.
const MAX_SEAT_MESSAGE: usize = 2_000;
const SEAT_MESSAGES_PER_DAY: u64 = 20;

#[derive(Clone)]
pub struct GovernanceService {
    db: DatabaseConnection,
    proposals: ProposalService,
    sheets: ActionSheetService,
    clock: Clock,
    public_url: String,
}

fn invalid(field: &str, said: impl Into<app::error::Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, said)])
}

impl GovernanceService {
    pub fn new(
        db: DatabaseConnection,
        proposals: ProposalService,
        sheets: ActionSheetService,
        clock: Clock,
        public_url: String,
    ) -> Self {
        GovernanceService {
            db,
            proposals,
            sheets,
            clock,
            public_url,
        }
    }

    /// A committee's kind, its scope's name, and whether `viewer` runs it.
    async fn reference(
        &self,
        row: &q::CommitteeRow,
        viewer: &Viewer,
    ) -> Result<(CommitteeRef, CommitteeKind, bool), ServiceError> {
        let kind = CommitteeKind::parse(&row.kind)
            .with_context(|| format!("unknown committee kind {:?}", row.kind))?;
        let scope_name = match kind {
            CommitteeKind::LocalProject => {
                crate::db::directory::territory_names(&self.db, std::slice::from_ref(&row.scope_id))
                    .await?
                    .pop()
                    .map(|n| n.name)
            }
            CommitteeKind::RegionalSteering => crate::db::proposals::region_names(&self.db)
                .await?
                .into_iter()
                .find(|n| n.id == row.scope_id)
                .map(|n| n.name),
        }
        .unwrap_or_else(|| row.scope_id.clone());
        Ok((
            CommitteeRef {
                id: row.id,
                kind: kind.code().to_owned(),
                scope_id: row.scope_id.clone(),
                scope_name,
            },
            kind,
            may_run(viewer, kind, &row.scope_id),
        ))
    }

    async fn committee_row(&self, id: i64) -> Result<q::CommitteeRow, ServiceError> {
        q::committee(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The members as `viewer` may see them: people by name to signed-in readers only.
    async fn members(
        &self,
        committee: i64,
        viewer: &Viewer,
    ) -> Result<Vec<CommitteeMemberView>, ServiceError> {
        Ok(q::members(&self.db, committee)
            .await?
            .into_iter()
            .map(|m| {
                let is_person = m.user_id.is_some();
                let shown = viewer.signed_in() || m.user_public == Some(true);
                let name = match (&m.user_name, &m.organisation_name) {
                    (Some(n), _) if shown => n.clone(),
                    (Some(_), _) => String::new(),
                    (None, Some(o)) => o.clone(),
                    (None, None) => m.label.clone(),
                };
                CommitteeMemberView {
                    id: m.id,
                    name,
                    function: m.function,
                    organisation_id: m.organisation_id,
                    is_person,
                }
            })
            .collect())
    }

    fn summary(s: q::SessionRow) -> SessionSummary {
        SessionSummary {
            id: s.id,
            committee_id: s.committee_id,
            held_at: s.held_at,
            place: s.place,
            decisions: u64::try_from(s.decisions).unwrap_or(0),
        }
    }

    /// The committee of a session that `viewer` runs, or the refusal.
    async fn run_session(
        &self,
        viewer: &Viewer,
        session: i64,
    ) -> Result<(q::SessionRow, q::CommitteeRow, CommitteeKind), ServiceError> {
        let s = q::session(&self.db, session)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let c = self.committee_row(s.committee_id).await?;
        let kind = CommitteeKind::parse(&c.kind).context("committee kind")?;
        if !may_run(viewer, kind, &c.scope_id) {
            return Err(ServiceError::Forbidden);
        }
        Ok((s, c, kind))
    }
}

#[async_trait::async_trait]
impl app::ports::Governance for GovernanceService {
    async fn territory(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<TerritoryGovernance, ServiceError> {
        if crate::db::directory::territory_names(&self.db, &[territory.to_owned()])
            .await?
            .is_empty()
        {
            return Err(ServiceError::NotFound);
        }
        let people = q::territory_people(&self.db, territory).await?;
        let seats = SECTION_ROLES
            .iter()
            .map(|role| {
                let holding: Vec<&q::PersonRow> =
                    people.iter().filter(|p| role.code() == p.role).collect();
                SeatView {
                    role: role.code().to_owned(),
                    filled: !holding.is_empty(),
                    // Names are personal data: signed-in readers see them, anonymous visitors
                    // only those of people who chose so.
                    holders: holding
                        .iter()
                        .filter(|p| viewer.signed_in() || p.name_public)
                        .map(|p| p.name.clone())
                        .collect(),
                }
            })
            .collect();
        let names = crate::db::proposals::region_names(&self.db).await?;
        let regions = crate::db::directory::territory_regions(&self.db, territory)
            .await?
            .into_iter()
            .map(|code| RegionRef {
                name: names
                    .iter()
                    .find(|n| n.id == code)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| code.clone()),
                code,
            })
            .collect();
        let now = self.clock.now();
        let mut committees = Vec::new();
        for row in q::committees_of_territory(&self.db, territory).await? {
            let (committee, _, _) = self.reference(&row, viewer).await?;
            let next = q::next_session(&self.db, row.id, now - now.rem_euclid(86_400))
                .await?
                .map(Self::summary);
            committees.push(CommitteeNext { committee, next });
        }
        Ok(TerritoryGovernance {
            territory_id: territory.to_owned(),
            seats,
            regions,
            committees,
            may_write: viewer.signed_in(),
        })
    }

    async fn committee(&self, viewer: &Viewer, id: i64) -> Result<CommitteeDetail, ServiceError> {
        let row = self.committee_row(id).await?;
        let (committee, _, may_run) = self.reference(&row, viewer).await?;
        let sessions = q::sessions(&self.db, id)
            .await?
            .into_iter()
            .map(Self::summary)
            .collect();
        Ok(CommitteeDetail {
            committee,
            members: self.members(id, viewer).await?,
            sessions,
            awaiting: self.awaiting(&row).await?,
            may_run,
        })
    }

    async fn session(&self, viewer: &Viewer, id: i64) -> Result<SessionDetail, ServiceError> {
        let s = q::session(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let row = self.committee_row(s.committee_id).await?;
        let (committee, kind, may_run) = self.reference(&row, viewer).await?;
        let decisions = q::decisions(&self.db, id).await?;
        let ids_of = |kind: ItemKind| -> Vec<i64> {
            decisions
                .iter()
                .filter(|d| kind.is(&d.item_kind))
                .map(|d| d.item_id)
                .collect()
        };
        let (decided_proposals, decided_sheets) =
            (ids_of(ItemKind::Proposal), ids_of(ItemKind::ActionSheet));
        let mut items: Vec<(ItemKind, q::ItemRow)> =
            q::proposals_by_id(&self.db, &decided_proposals)
                .await?
                .into_iter()
                .map(|p| (ItemKind::Proposal, p))
                .collect();
        for sheet in &decided_sheets {
            if let Some(row) = crate::db::action_sheets::sheet(&self.db, *sheet).await? {
                items.push((ItemKind::ActionSheet, sheet_item(row)));
            }
        }
        let item = |kind: ItemKind, p: &q::ItemRow, decision: Option<DecisionView>| AgendaItem {
            kind: kind.code().to_owned(),
            id: p.id,
            title: p.title.clone(),
            territory_id: p.territory_id.clone(),
            territory_name: p.territory_name.clone(),
            status: p.status.clone(),
            decision,
        };
        // The items decided at this session, in the order decided, then those still awaiting.
        let mut agenda: Vec<AgendaItem> = decisions
            .iter()
            .filter_map(|d| {
                let kind = ItemKind::parse(&d.item_kind)?;
                let (_, p) = items
                    .iter()
                    .find(|(k, p)| *k == kind && p.id == d.item_id)?;
                Some(item(
                    kind,
                    p,
                    Some(DecisionView {
                        stance: d.stance.clone(),
                        outcome: d.outcome.clone(),
                        support: d.support.clone(),
                        comment: d.comment.clone(),
                        decided_at: d.decided_at,
                        decided_by: d.decided_by_name.clone(),
                    }),
                ))
            })
            .collect();
        for row in
            crate::db::action_sheets::awaiting_committee(&self.db, &row.kind, &row.scope_id).await?
        {
            if !decided_sheets.contains(&row.id) {
                agenda.push(item(ItemKind::ActionSheet, &sheet_item(row), None));
            }
        }
        if kind == CommitteeKind::RegionalSteering {
            for p in q::proposals_awaiting_region(&self.db, &row.scope_id).await? {
                if !decided_proposals.contains(&p.id) {
                    agenda.push(item(ItemKind::Proposal, &p, None));
                }
            }
        }
        Ok(SessionDetail {
            session: Self::summary(s),
            committee,
            agenda,
            members: self.members(row.id, viewer).await?,
            may_run,
        })
    }

    async fn plan_session(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        committee: i64,
        held_on: &str,
        place: &str,
    ) -> Result<i64, ServiceError> {
        let row = self.committee_row(committee).await?;
        let kind = CommitteeKind::parse(&row.kind).context("committee kind")?;
        if !may_run(viewer, kind, &row.scope_id) {
            return Err(ServiceError::Forbidden);
        }
        let mut problems = Vec::new();
        let held_at = app::domain::text::from_iso_date(held_on.trim());
        if held_at.is_none() {
            problems.push(FieldError::new(
                "held_on",
                Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
            ));
        }
        let place = place.trim();
        if place.chars().count() > MAX_PLACE {
            problems.push(FieldError::new("place", Problem::TextTooLong));
        }
        let Some(held_at) = held_at.filter(|_| problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let txn = self.db.begin().await.context("session transaction")?;
        let id =
            q::insert_session(&txn, committee, held_at, place, user.id, self.clock.now()).await?;
        txn.commit().await.context("committing a session")?;
        Ok(id)
    }

    async fn add_member(
        &self,
        viewer: &Viewer,
        committee: i64,
        member: &MemberInput,
    ) -> Result<(), ServiceError> {
        let row = self.committee_row(committee).await?;
        let kind = CommitteeKind::parse(&row.kind).context("committee kind")?;
        if !may_run(viewer, kind, &row.scope_id) {
            return Err(ServiceError::Forbidden);
        }
        let (email, org, label, function) = (
            member.email.trim(),
            member.organisation_id.trim(),
            member.label.trim(),
            member.function.trim(),
        );
        if function.chars().count() > MAX_FUNCTION {
            return Err(invalid("function", Problem::TextTooLong));
        }
        let (user_id, organisation_id) = match (email.is_empty(), org.is_empty(), label.is_empty())
        {
            (false, true, true) => {
                let address = app::domain::ids::Email::parse(email)
                    .map_err(|_| invalid("email", Problem::EmailInvalid))?;
                let user = crate::db::accounts::user_by_email(&self.db, address.as_str())
                    .await?
                    .ok_or_else(|| invalid("email", Problem::ValueInvalid.saying("no_account")))?;
                (Some(user.id), None)
            }
            (true, false, true) => {
                let id: i64 = org
                    .parse()
                    .map_err(|_| invalid("organisation_id", Problem::ValueInvalid))?;
                let known = crate::db::fetch_count(
                    &self.db,
                    "SELECT COUNT(*) AS n FROM organisation WHERE id = ?",
                    vec![id.into()],
                )
                .await?;
                if known > 0 {
                    (None, Some(id))
                } else {
                    return Err(invalid("organisation_id", Problem::ValueInvalid));
                }
            }
            (true, true, false) if label.chars().count() <= 200 => (None, None),
            (true, true, false) => return Err(invalid("label", Problem::TextTooLong)),
            // Exactly one of the three names the member.
            _ => {
                return Err(invalid(
                    "email",
                    Problem::ValueInvalid.saying("one_of_three"),
                ))
            }
        };
        let txn = self
            .db
            .begin()
            .await
            .context("committee member transaction")?;
        if q::members(&txn, committee).await?.len() >= MAX_MEMBERS {
            return Err(invalid("email", Problem::ListTooLong));
        }
        if !q::insert_member(
            &txn,
            committee,
            user_id,
            organisation_id,
            label,
            function,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::AlreadyMember));
        }
        txn.commit()
            .await
            .context("committing a committee member")?;
        Ok(())
    }

    async fn remove_member(
        &self,
        viewer: &Viewer,
        committee: i64,
        member: i64,
    ) -> Result<(), ServiceError> {
        let row = self.committee_row(committee).await?;
        let kind = CommitteeKind::parse(&row.kind).context("committee kind")?;
        if !may_run(viewer, kind, &row.scope_id) {
            return Err(ServiceError::Forbidden);
        }
        let txn = self
            .db
            .begin()
            .await
            .context("committee member transaction")?;
        if !q::remove_member(&txn, committee, member).await? {
            return Err(ServiceError::NotFound);
        }
        txn.commit().await.context("committing a removal")?;
        Ok(())
    }

    async fn write_to_seat(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        territory: &str,
        role: &str,
        message: &str,
    ) -> Result<Told, ServiceError> {
        if !viewer.signed_in() {
            return Err(ServiceError::Unauthenticated);
        }
        let Some(role) = Role::parse(role).filter(|r| SECTION_ROLES.contains(r)) else {
            return Err(invalid("role", Problem::ValueInvalid));
        };
        let message = message.trim();
        if message.is_empty() {
            return Err(invalid("message", Problem::MessageRequired));
        }
        if message.chars().count() > MAX_SEAT_MESSAGE {
            return Err(invalid("message", Problem::TextTooLong));
        }
        let Some(place) = crate::db::directory::territory_names(&self.db, &[territory.to_owned()])
            .await?
            .pop()
        else {
            return Err(ServiceError::NotFound);
        };
        let holders: Vec<q::PersonRow> = q::territory_people(&self.db, territory)
            .await?
            .into_iter()
            .filter(|p| role.code() == p.role && p.user_id != user.id)
            .collect();
        if holders.is_empty() {
            return Err(ServiceError::Conflict(Conflict::SeatVacant));
        }
        let at = self.clock.now();
        let sent = crate::db::accounts::recent_events(
            &self.db,
            "seat_message",
            Some(&user.email),
            None,
            86_400,
            at,
        )
        .await?;
        if sent >= SEAT_MESSAGES_PER_DAY {
            return Err(ServiceError::RateLimited(3_600));
        }
        let link = format!("/territoires/{territory}");
        let txn = self.db.begin().await.context("message transaction")?;
        crate::db::accounts::audit(
            &txn,
            "seat_message",
            Some(user.id),
            Some(&user.email),
            "",
            &format!("{territory}:{}", role.code()),
            at,
        )
        .await?;
        let mut told = Told::default();
        for h in &holders {
            let lang = app::i18n::Lang::from_tag(&h.lang).unwrap_or_default();
            let mail = crate::mail::templates::seat_message(
                &h.email,
                lang,
                &h.name,
                &place.name,
                (&user.name, &user.email),
                message,
                &format!("{}{link}", self.public_url.trim_end_matches('/')),
            );
            crate::mail::enqueue(&txn, &format!("seat-{}-{}-{at}", user.id, h.user_id), &mail)
                .await?;
            told.0 += 1;
        }
        txn.commit().await.context("committing a message")?;
        Ok(told)
    }

    async fn decide(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        session: i64,
        decision: &DecisionInput,
    ) -> Result<Told, ServiceError> {
        let (s, committee, kind) = self.run_session(viewer, session).await?;
        let mut problems = Vec::new();
        let item = ItemKind::parse(&decision.item_kind);
        if item.is_none() {
            problems.push(FieldError::new("item_kind", Problem::ValueInvalid));
        }
        let comment = decision.comment.trim();
        if comment.is_empty() {
            problems.push(FieldError::new("comment", Problem::CommentRequired));
        } else if comment.chars().count() > MAX_DECISION {
            problems.push(FieldError::new("comment", Problem::TextTooLong));
        }
        // A regional committee decides on a fiche (an outcome); everything else is an opinion.
        let outcome_needed =
            item == Some(ItemKind::ActionSheet) && kind == CommitteeKind::RegionalSteering;
        let stance = Stance::parse(&decision.stance);
        let outcome =
            SheetAction::parse(&decision.outcome).filter(|a| REGIONAL_OUTCOMES.contains(a));
        if outcome_needed && outcome.is_none() {
            problems.push(FieldError::new("outcome", Problem::OutcomeRequired));
        }
        if !outcome_needed && stance.is_none() {
            problems.push(FieldError::new("stance", Problem::StanceRequired));
        }
        let Some(item) = item.filter(|_| problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        if item == ItemKind::ActionSheet {
            return self
                .decide_sheet(
                    viewer,
                    user,
                    (&s, &committee, kind),
                    decision,
                    comment,
                    (stance, outcome),
                )
                .await;
        }
        let Some(stance) = stance else {
            return Err(ServiceError::Invalid(problems));
        };
        // Proposals are the regional committee's, and only those of its region's territories.
        let on_agenda = kind == CommitteeKind::RegionalSteering
            && q::proposals_by_id(&self.db, &[decision.item_id])
                .await?
                .first()
                .is_some_and(|p| p.status == "regional_review")
            && {
                let territory = crate::db::proposals::proposal(&self.db, decision.item_id)
                    .await?
                    .map(|p| p.territory_id)
                    .unwrap_or_default();
                crate::db::directory::territory_regions(&self.db, &territory)
                    .await?
                    .contains(&committee.scope_id)
            };
        if !on_agenda {
            return Err(ServiceError::NotFound);
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.context("decision transaction")?;
        if !q::insert_decision(
            &txn,
            s.id,
            ItemKind::Proposal.code(),
            decision.item_id,
            (stance.code(), "", ""),
            comment,
            (user.id, &user.name),
            at,
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::AlreadyDecided));
        }
        // The committee's decision is the region's opinion in the proposal's workflow.
        let (_, told) = self
            .proposals
            .step_within(
                &txn,
                viewer,
                user,
                decision.item_id,
                Action::GiveOpinion,
                StepInput {
                    comment: comment.to_owned(),
                    stance: Some(stance.code().to_owned()),
                    ..StepInput::default()
                },
                Some(s.id),
            )
            .await?;
        txn.commit().await.context("committing a decision")?;
        Ok(told)
    }
}

impl GovernanceService {
    /// What awaits a committee: the fiches before it, then (for a region) the proposals.
    async fn awaiting(&self, row: &q::CommitteeRow) -> Result<Vec<AgendaItem>, ServiceError> {
        let item = |kind: ItemKind, p: q::ItemRow| AgendaItem {
            kind: kind.code().to_owned(),
            id: p.id,
            title: p.title,
            territory_id: p.territory_id,
            territory_name: p.territory_name,
            status: p.status,
            decision: None,
        };
        let mut out: Vec<AgendaItem> =
            crate::db::action_sheets::awaiting_committee(&self.db, &row.kind, &row.scope_id)
                .await?
                .into_iter()
                .map(|s| item(ItemKind::ActionSheet, sheet_item(s)))
                .collect();
        if CommitteeKind::parse(&row.kind) == Some(CommitteeKind::RegionalSteering) {
            out.extend(
                q::proposals_awaiting_region(&self.db, &row.scope_id)
                    .await?
                    .into_iter()
                    .map(|p| item(ItemKind::Proposal, p)),
            );
        }
        Ok(out)
    }
}

/// A fiche as an agenda shows it.
fn sheet_item(row: crate::db::action_sheets::SheetRow) -> q::ItemRow {
    q::ItemRow {
        id: row.id,
        title: row.title,
        territory_id: row.territory_id,
        territory_name: row.territory_name,
        status: row.status,
    }
}

impl GovernanceService {
    /// A session's decision on a fiche on its agenda: the local committee's opinion, or the
    /// regional committee's outcome, taken as the fiche's step in the same transaction.
    async fn decide_sheet(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        (s, committee, kind): (&q::SessionRow, &q::CommitteeRow, CommitteeKind),
        decision: &DecisionInput,
        comment: &str,
        (stance, outcome): (Option<Stance>, Option<SheetAction>),
    ) -> Result<Told, ServiceError> {
        let on_agenda = crate::db::action_sheets::awaiting_committee(
            &self.db,
            kind.code(),
            &committee.scope_id,
        )
        .await?
        .iter()
        .any(|r| r.id == decision.item_id);
        if !on_agenda {
            return Err(ServiceError::NotFound);
        }
        let (action, stance_code, outcome_code, support) = match kind {
            CommitteeKind::LocalProject => (
                SheetAction::LocalOpinion,
                stance.map_or("", |s| s.code()),
                "",
                String::new(),
            ),
            CommitteeKind::RegionalSteering => {
                let outcome = outcome.unwrap_or(SheetAction::Rework);
                let support = if outcome == SheetAction::Retain {
                    decision.support.trim().to_owned()
                } else {
                    String::new()
                };
                (outcome, "", outcome.code(), support)
            }
        };
        let at = self.clock.now();
        let txn = self.db.begin().await.context("decision transaction")?;
        if !q::insert_decision(
            &txn,
            s.id,
            ItemKind::ActionSheet.code(),
            decision.item_id,
            (stance_code, outcome_code, &support),
            comment,
            (user.id, &user.name),
            at,
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::AlreadyDecided));
        }
        let step = app::api::action_sheets::SheetStep {
            action: action.code().to_owned(),
            stance: stance_code.to_owned(),
            support,
            reason: comment.to_owned(),
            avenant: String::new(),
        };
        let told = self
            .sheets
            .step_within(&txn, viewer, user, decision.item_id, &step, Some(s.id))
            .await?;
        txn.commit().await.context("committing a decision")?;
        Ok(told)
    }
}
