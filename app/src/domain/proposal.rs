//! Simplification proposals (demandes de simplification): their workflow as a pure state
//! machine, and the measures taken from their timeline.
//!
//! A proposal climbs from its territory (its team writes it, the binôme approves it, the
//! État's référent helps formalise it and may redirect it to an existing mechanism) to the
//! region (every region the territory spans gives its opinion, the lead region decides), then
//! to the national level. Every
//! transition is one row of [`TRANSITIONS`]: the states it leaves, the roles that may take it,
//! the state it reaches and what it requires. The server calls [`decide`] before writing
//! anything; the pages call it to show only the actions a person may take. The same table is
//! written out for people in `docs/simplification-workflow.md`, and a test checks that the
//! two agree.

use crate::domain::governance::Stance;
use crate::domain::policy::{Role, Scope, Viewer};
use serde::{Deserialize, Serialize};

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Status {
    /// Being written by the territory team; visible to that team only.
    Draft,
    /// Submitted; waiting for both co-leads of the binôme to approve it.
    AwaitingApproval,
    /// Approved by the binôme; with the territory's État référent, who helps formalise it and
    /// may redirect it to an existing mechanism (FAQ 3.6).
    ReferentReview,
    /// With the regions the territory spans: each gives its opinion, the lead region decides.
    RegionalReview,
    /// Sent back to the territory for more information.
    Returned,
    /// Answered at regional level (final).
    AnsweredRegional,
    /// Redirected by the État's référent to an existing mechanism (final).
    Redirected,
    /// Escalated, with the national team.
    NationalReview,
    /// Accepted: a measure is in progress.
    Accepted,
    /// The measure is implemented (final).
    Implemented,
    /// Rejected with an official answer (final).
    Rejected,
    /// Merged into another proposal (final).
    Merged,
    /// Withdrawn by its territory (final).
    Withdrawn,
}

/// Every status, in workflow order.
pub const ALL_STATUSES: [Status; 13] = [
    Status::Draft,
    Status::AwaitingApproval,
    Status::ReferentReview,
    Status::RegionalReview,
    Status::Returned,
    Status::AnsweredRegional,
    Status::Redirected,
    Status::NationalReview,
    Status::Accepted,
    Status::Implemented,
    Status::Rejected,
    Status::Merged,
    Status::Withdrawn,
];

/// The level a proposal is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Level {
    Territory,
    Region,
    National,
}

pub const ALL_LEVELS: [Level; 3] = [Level::Territory, Level::Region, Level::National];

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Territory => "territory",
            Level::Region => "region",
            Level::National => "national",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        ALL_LEVELS.into_iter().find(|l| l.code() == s)
    }
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingApproval => "awaiting_approval",
            Status::ReferentReview => "referent_review",
            Status::RegionalReview => "regional_review",
            Status::Returned => "returned",
            Status::AnsweredRegional => "answered_regional",
            Status::Redirected => "redirected",
            Status::NationalReview => "national_review",
            Status::Accepted => "accepted",
            Status::Implemented => "implemented",
            Status::Rejected => "rejected",
            Status::Merged => "merged",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        ALL_STATUSES.into_iter().find(|st| st.code() == s)
    }

    /// The level whose people hold the proposal in this state.
    pub fn level(self) -> Level {
        match self {
            Status::Draft
            | Status::AwaitingApproval
            | Status::ReferentReview
            | Status::Returned
            | Status::Redirected
            | Status::Withdrawn => Level::Territory,
            Status::RegionalReview | Status::AnsweredRegional => Level::Region,
            Status::NationalReview
            | Status::Accepted
            | Status::Implemented
            | Status::Rejected
            | Status::Merged => Level::National,
        }
    }

    /// Whether the state carries an official answer.
    pub fn answered(self) -> bool {
        matches!(
            self,
            Status::AnsweredRegional
                | Status::Redirected
                | Status::Accepted
                | Status::Implemented
                | Status::Rejected
        )
    }

    /// Whether nothing more can happen to the proposal.
    pub fn closed(self) -> bool {
        matches!(
            self,
            Status::AnsweredRegional
                | Status::Redirected
                | Status::Implemented
                | Status::Rejected
                | Status::Merged
                | Status::Withdrawn
        )
    }

    /// Whether anyone may read it (everything but drafts).
    pub fn public(self) -> bool {
        self != Status::Draft
    }

    /// Whether the clock of a level runs in this state (the draft is not waiting on anyone).
    fn waiting(self) -> bool {
        matches!(
            self,
            Status::AwaitingApproval
                | Status::ReferentReview
                | Status::Returned
                | Status::RegionalReview
                | Status::NationalReview
        )
    }
}

crate::domain::workflow::vocabulary! {
    /// What a proposal puts forward, when it is not a ready solution (the FAQ allows all four).
    ProposalKind {
        Solution => "solution",
        WorkingGroup => "working_group",
        Lead => "lead",
        Experiment => "experiment",
    }
}

crate::domain::workflow::vocabulary! {
    /// The existing mechanisms a proposal may be redirected to (FAQ 3.6 and 5.5).
    Mechanism {
        CertificatDeProjet => "certificat_de_projet",
        /// The rescrit environnemental.
        Rescrit => "rescrit",
        FranceExperimentation => "france_experimentation",
        /// The prefects' right of derogation.
        DerogationPrefet => "derogation_prefet",
    }
}

/// Someone's role towards one proposal, derived from their memberships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActorRole {
    /// Elected co-lead of the proposal's territory.
    ElectedCoLead,
    /// Industrial co-lead of the proposal's territory.
    IndustrialCoLead,
    /// Project manager of the proposal's territory.
    ProjectManager,
    /// Team member of the proposal's territory.
    TeamMember,
    /// The État's référent of the proposal's territory: formalises, forwards or redirects,
    /// and may stand in for a co-lead whose approval waited too long.
    StateReferent,
    /// Any role in another territory's team.
    OtherTerritoryTeam,
    /// The conseil régional of the proposal's lead region, which decides.
    RegionalCouncil,
    /// The prefecture (State services) of the proposal's lead region.
    RegionalState,
    /// Either regional role in another region the territory spans: it gives its opinion.
    ConcernedRegion,
    /// Either regional role in a region the territory does not span.
    OtherRegion,
    /// The national délégation.
    NationalDelegation,
    /// Member or administrator of an organisation (a firm may support a proposal).
    OrganisationMember,
    /// Signed in, with no role that concerns proposals (platform administrators included:
    /// they run the platform, they do not speak in the programme's official trail).
    Member,
    /// Not signed in.
    Anonymous,
}

pub const ALL_ACTOR_ROLES: [ActorRole; 14] = [
    ActorRole::ElectedCoLead,
    ActorRole::IndustrialCoLead,
    ActorRole::ProjectManager,
    ActorRole::TeamMember,
    ActorRole::StateReferent,
    ActorRole::OtherTerritoryTeam,
    ActorRole::RegionalCouncil,
    ActorRole::RegionalState,
    ActorRole::ConcernedRegion,
    ActorRole::OtherRegion,
    ActorRole::NationalDelegation,
    ActorRole::OrganisationMember,
    ActorRole::Member,
    ActorRole::Anonymous,
];

impl ActorRole {
    pub fn code(self) -> &'static str {
        match self {
            ActorRole::ElectedCoLead => "elected_colead",
            ActorRole::IndustrialCoLead => "industrial_colead",
            ActorRole::ProjectManager => "project_manager",
            ActorRole::TeamMember => "team_member",
            ActorRole::StateReferent => "state_referent",
            ActorRole::OtherTerritoryTeam => "other_territory_team",
            ActorRole::RegionalCouncil => "regional_council",
            ActorRole::RegionalState => "regional_state",
            ActorRole::ConcernedRegion => "concerned_region",
            ActorRole::OtherRegion => "other_region",
            ActorRole::NationalDelegation => "national_delegation",
            ActorRole::OrganisationMember => "organisation_member",
            ActorRole::Member => "member",
            ActorRole::Anonymous => "anonymous",
        }
    }

    pub fn parse(s: &str) -> Option<ActorRole> {
        ALL_ACTOR_ROLES.into_iter().find(|r| r.code() == s)
    }
}

/// Where a proposal is from: its territory and the regions that territory spans, the lead
/// region first.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub territory: &'a str,
    pub regions: &'a [String],
}

impl Origin<'_> {
    fn lead(&self) -> Option<&str> {
        self.regions.first().map(String::as_str)
    }
}

/// Every role `viewer` holds towards a proposal from `origin`; never empty.
pub fn actor_roles(viewer: &Viewer, origin: Origin<'_>) -> Vec<ActorRole> {
    let territory = origin.territory;
    if !viewer.signed_in() {
        return vec![ActorRole::Anonymous];
    }
    let mut roles = Vec::new();
    for m in &viewer.memberships {
        let role = match (&m.scope, m.role) {
            (Scope::Territory(t), r) if t == territory => match r {
                Role::ElectedCoLead => ActorRole::ElectedCoLead,
                Role::IndustrialCoLead => ActorRole::IndustrialCoLead,
                Role::ProjectManager => ActorRole::ProjectManager,
                Role::StateReferent => ActorRole::StateReferent,
                _ => ActorRole::TeamMember,
            },
            (Scope::Territory(_), _) => ActorRole::OtherTerritoryTeam,
            (Scope::Region(r), Role::RegionalCouncil) if Some(r.as_str()) == origin.lead() => {
                ActorRole::RegionalCouncil
            }
            (Scope::Region(r), Role::RegionalState) if Some(r.as_str()) == origin.lead() => {
                ActorRole::RegionalState
            }
            (Scope::Region(r), Role::RegionalCouncil | Role::RegionalState)
                if origin.regions.contains(r) =>
            {
                ActorRole::ConcernedRegion
            }
            (Scope::Region(_), _) => ActorRole::OtherRegion,
            (Scope::National, _) => ActorRole::NationalDelegation,
            (Scope::Organisation(_), _) => ActorRole::OrganisationMember,
            (Scope::Platform, _) => ActorRole::Member,
        };
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        roles.push(ActorRole::Member);
    }
    roles
}

/// A workflow step someone takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    Submit,
    Approve,
    RequestChanges,
    Resubmit,
    /// The État's référent sends the proposal, formalised, to the regions.
    Forward,
    /// The État's référent redirects it to an existing mechanism.
    Redirect,
    /// The État's référent sends it back to the team to be made precise.
    Clarify,
    /// A region the territory spans records its opinion (the lead region's counts for
    /// escalating).
    GiveOpinion,
    AnswerRegional,
    ReturnToTerritory,
    Escalate,
    Accept,
    Implement,
    Reject,
    Merge,
    Withdraw,
    /// Undoes a merge, within [`UNDO_MERGE_DAYS`] of it.
    Unmerge,
}

/// How long the national delegation may undo a merge.
pub const UNDO_MERGE_DAYS: i64 = 30;

pub const ALL_ACTIONS: [Action; 17] = [
    Action::Submit,
    Action::Approve,
    Action::RequestChanges,
    Action::Resubmit,
    Action::Forward,
    Action::Redirect,
    Action::Clarify,
    Action::GiveOpinion,
    Action::AnswerRegional,
    Action::ReturnToTerritory,
    Action::Escalate,
    Action::Accept,
    Action::Implement,
    Action::Reject,
    Action::Merge,
    Action::Withdraw,
    Action::Unmerge,
];

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::RequestChanges => "request_changes",
            Action::Resubmit => "resubmit",
            Action::Forward => "forward",
            Action::Redirect => "redirect",
            Action::Clarify => "clarify",
            Action::GiveOpinion => "opinion",
            Action::AnswerRegional => "answer_regional",
            Action::ReturnToTerritory => "return",
            Action::Escalate => "escalate",
            Action::Accept => "accept",
            Action::Implement => "implement",
            Action::Reject => "reject",
            Action::Merge => "merge",
            Action::Withdraw => "withdraw",
            Action::Unmerge => "unmerge",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        ALL_ACTIONS.into_iter().find(|a| a.code() == s)
    }

    /// What its form must ask for: the requirements of its row in [`TRANSITIONS`], the
    /// same the server checks.
    pub fn requirements(self) -> &'static [Requirement] {
        TRANSITIONS
            .iter()
            .find(|t| t.action == self)
            .map_or(&[], |t| t.requires)
    }

    /// Whether its comment is the proposal's official answer (shown as such to everyone).
    pub fn answers(self) -> bool {
        match self {
            Action::AnswerRegional | Action::Accept | Action::Implement | Action::Reject => true,
            Action::Submit
            | Action::Approve
            | Action::RequestChanges
            | Action::Resubmit
            | Action::Forward
            | Action::Redirect
            | Action::Clarify
            | Action::GiveOpinion
            | Action::ReturnToTerritory
            | Action::Escalate
            | Action::Merge
            | Action::Withdraw
            | Action::Unmerge => false,
        }
    }
}

/// What a transition needs besides the right role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Title, problem, rule and theme filled in.
    Complete,
    /// A comment (an official answer, a reason, a request).
    Comment,
    /// A [`Mechanism`] and a comment giving the reason.
    Mechanism,
    /// Another open proposal to merge into.
    Target,
    /// The other co-lead of the binôme, not the one who approved already; or the État's
    /// référent once the approval has waited the stand-in period.
    NewApproval,
    /// A [`Stance`] (favourable, with reservations, unfavourable).
    Stance,
    /// The lead region's opinion, recorded since the proposal reached the regional step.
    RegionalOpinion,
    /// The merge was taken less than [`UNDO_MERGE_DAYS`] ago.
    UndoPeriod,
}

impl Requirement {
    pub fn code(self) -> &'static str {
        match self {
            Requirement::Complete => "complete",
            Requirement::Comment => "comment",
            Requirement::Mechanism => "mechanism",
            Requirement::Target => "target",
            Requirement::NewApproval => "new_approval",
            Requirement::Stance => "stance",
            Requirement::RegionalOpinion => "regional_opinion",
            Requirement::UndoPeriod => "undo_period",
        }
    }
}

pub use super::workflow::DocumentedRow;

/// Reads the rows of the workflow table written for people (between its markers).
pub fn parse_documented_table(markdown: &str) -> Vec<DocumentedRow> {
    super::workflow::documented_rows(markdown, "workflow")
}

/// One row of the workflow table.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub action: Action,
    pub from: &'static [Status],
    pub roles: &'static [ActorRole],
    pub to: Status,
    pub requires: &'static [Requirement],
}

const TERRITORY_LEADS: &[ActorRole] = &[
    ActorRole::ElectedCoLead,
    ActorRole::IndustrialCoLead,
    ActorRole::ProjectManager,
];
const CO_LEADS: &[ActorRole] = &[ActorRole::ElectedCoLead, ActorRole::IndustrialCoLead];
const APPROVERS: &[ActorRole] = &[
    ActorRole::ElectedCoLead,
    ActorRole::IndustrialCoLead,
    ActorRole::StateReferent,
];
const REFERENT: &[ActorRole] = &[ActorRole::StateReferent];
const REGION: &[ActorRole] = &[ActorRole::RegionalCouncil, ActorRole::RegionalState];
const REGIONS_CONCERNED: &[ActorRole] = &[
    ActorRole::RegionalCouncil,
    ActorRole::RegionalState,
    ActorRole::ConcernedRegion,
];
const NATIONAL: &[ActorRole] = &[ActorRole::NationalDelegation];

/// The workflow. `Approve` reaches `ReferentReview` once both seats of the binôme approved
/// (`RegionalReview` when the territory has no État référent; see [`decide`]); the row gives
/// the state when one approval is still missing.
pub const TRANSITIONS: [Transition; 17] = [
    Transition {
        action: Action::Submit,
        from: &[Status::Draft],
        roles: TERRITORY_LEADS,
        to: Status::AwaitingApproval,
        requires: &[Requirement::Complete],
    },
    Transition {
        action: Action::Approve,
        from: &[Status::AwaitingApproval],
        roles: APPROVERS,
        to: Status::AwaitingApproval,
        requires: &[Requirement::NewApproval],
    },
    Transition {
        action: Action::RequestChanges,
        from: &[Status::AwaitingApproval],
        roles: CO_LEADS,
        to: Status::Draft,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::Resubmit,
        from: &[Status::Returned],
        roles: TERRITORY_LEADS,
        to: Status::AwaitingApproval,
        requires: &[Requirement::Complete, Requirement::Comment],
    },
    Transition {
        action: Action::Forward,
        from: &[Status::ReferentReview],
        roles: REFERENT,
        to: Status::RegionalReview,
        requires: &[],
    },
    Transition {
        action: Action::Redirect,
        from: &[Status::ReferentReview],
        roles: REFERENT,
        to: Status::Redirected,
        requires: &[Requirement::Mechanism, Requirement::Comment],
    },
    Transition {
        action: Action::Clarify,
        from: &[Status::ReferentReview],
        roles: REFERENT,
        to: Status::Returned,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::GiveOpinion,
        from: &[Status::RegionalReview],
        roles: REGIONS_CONCERNED,
        to: Status::RegionalReview,
        requires: &[Requirement::Stance, Requirement::Comment],
    },
    Transition {
        action: Action::AnswerRegional,
        from: &[Status::RegionalReview],
        roles: REGION,
        to: Status::AnsweredRegional,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::ReturnToTerritory,
        from: &[Status::RegionalReview],
        roles: REGION,
        to: Status::Returned,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::Escalate,
        from: &[Status::RegionalReview],
        roles: REGION,
        to: Status::NationalReview,
        requires: &[Requirement::RegionalOpinion],
    },
    Transition {
        action: Action::Accept,
        from: &[Status::NationalReview],
        roles: NATIONAL,
        to: Status::Accepted,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::Implement,
        from: &[Status::NationalReview, Status::Accepted],
        roles: NATIONAL,
        to: Status::Implemented,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::Reject,
        from: &[Status::NationalReview],
        roles: NATIONAL,
        to: Status::Rejected,
        requires: &[Requirement::Comment],
    },
    Transition {
        action: Action::Merge,
        from: &[Status::NationalReview],
        roles: NATIONAL,
        to: Status::Merged,
        requires: &[Requirement::Target],
    },
    Transition {
        action: Action::Withdraw,
        from: &[
            Status::AwaitingApproval,
            Status::ReferentReview,
            Status::RegionalReview,
            Status::Returned,
            Status::NationalReview,
        ],
        roles: TERRITORY_LEADS,
        to: Status::Withdrawn,
        requires: &[],
    },
    Transition {
        action: Action::Unmerge,
        from: &[Status::Merged],
        roles: NATIONAL,
        to: Status::NationalReview,
        requires: &[Requirement::UndoPeriod],
    },
];

/// The row of an action.
pub fn transition(action: Action) -> &'static Transition {
    // TRANSITIONS holds one row per action, in ALL_ACTIONS order (a test checks it).
    &TRANSITIONS[ALL_ACTIONS.iter().position(|a| *a == action).unwrap_or(0)]
}

/// Which co-lead approved, by user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approvals {
    pub elected: Option<i64>,
    pub industrial: Option<i64>,
}

crate::domain::workflow::vocabulary! {
    /// The seat(s) of the binôme whose approval the État's référent gave, their approval
    /// having waited the stand-in period (FAQ 3.2: the binôme never blocks).
    StandsIn {
        Elected => "elected_colead",
        Industrial => "industrial_colead",
        /// Both seats.
        Binome => "binome",
    }
}

/// What the deciding function knows of the proposal besides its status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Title, problem, rule and theme are filled in.
    pub complete: bool,
    pub approvals: Approvals,
    /// A merge may still be undone ([`UNDO_MERGE_DAYS`] have not passed since it).
    pub undo_open: bool,
    /// The territory has an État référent: the binôme's approval sends the proposal to them.
    pub referent_seated: bool,
    /// The binôme's approval has waited the stand-in period: the État's référent may give
    /// the approvals still missing.
    pub stand_in_open: bool,
    /// The lead region recorded its opinion since the proposal reached the regional step.
    pub regional_opinion: bool,
}

/// What the person typed with the action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub comment: String,
    pub mechanism: Option<String>,
    /// The proposal to merge into, already checked to exist and be open.
    pub target: Option<i64>,
    /// An opinion's [`Stance`] code.
    #[serde(default)]
    pub stance: Option<String>,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not from this state, or not by these roles.
    NotAllowed,
    /// A requirement is not met; the code names the field.
    Missing(&'static str),
}

/// What a permitted action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub to: Status,
    /// The role in which the person acts (recorded in the timeline).
    pub role: ActorRole,
    pub approvals: Approvals,
    /// The seats the État's référent stood in for, on an approval.
    pub stands_in: Option<StandsIn>,
    /// The opinion given, on [`Action::GiveOpinion`].
    pub stance: Option<Stance>,
}

/// Whether `role` (user `user_id`) may give an approval still missing, and which seats it
/// fills: a co-lead their own seat, once, never both halves; the État's référent every
/// missing seat once the stand-in period is over, unless they approved already.
fn approval_seats(
    role: ActorRole,
    user_id: Option<i64>,
    approvals: Approvals,
    facts: &Facts,
) -> Option<(bool, bool)> {
    let Approvals {
        elected,
        industrial,
    } = approvals;
    match role {
        ActorRole::ElectedCoLead
            if elected.is_none() && !(industrial.is_some() && industrial == user_id) =>
        {
            Some((true, false))
        }
        ActorRole::IndustrialCoLead
            if industrial.is_none() && !(elected.is_some() && elected == user_id) =>
        {
            Some((false, true))
        }
        ActorRole::StateReferent
            if facts.stand_in_open
                && (elected.is_none() || industrial.is_none())
                && user_id.is_some()
                && elected != user_id
                && industrial != user_id =>
        {
            Some((elected.is_none(), industrial.is_none()))
        }
        _ => None,
    }
}

/// Decides whether someone holding `roles` (user `user_id`) may take `action` on a proposal in
/// `status`, and what follows. Pure: the server applies the decision in one transaction.
pub fn decide(
    status: Status,
    roles: &[ActorRole],
    user_id: Option<i64>,
    action: Action,
    facts: &Facts,
    input: &StepInput,
) -> Result<Decision, Refusal> {
    let row = transition(action);
    if !row.from.contains(&status) {
        return Err(Refusal::NotAllowed);
    }
    let mut approvals = facts.approvals;
    let mut acting = None;
    for role in roles.iter().copied().filter(|r| row.roles.contains(r)) {
        if row.requires.contains(&Requirement::NewApproval) {
            match approval_seats(role, user_id, approvals, facts) {
                Some(seats) => {
                    acting = Some((role, Some(seats)));
                    break;
                }
                None => continue,
            }
        }
        acting = Some((role, None));
        break;
    }
    let Some((role, seats)) = acting else {
        return Err(Refusal::NotAllowed);
    };
    let mut stance = None;
    for need in row.requires {
        match need {
            Requirement::Complete if !facts.complete => return Err(Refusal::Missing("problem")),
            Requirement::Comment if input.comment.trim().is_empty() => {
                return Err(Refusal::Missing("comment"))
            }
            Requirement::Mechanism
                if input
                    .mechanism
                    .as_deref()
                    .and_then(Mechanism::parse)
                    .is_none() =>
            {
                return Err(Refusal::Missing("mechanism"))
            }
            Requirement::Target if input.target.is_none() => {
                return Err(Refusal::Missing("target"))
            }
            Requirement::UndoPeriod if !facts.undo_open => {
                return Err(Refusal::Missing("undo_period"))
            }
            Requirement::RegionalOpinion if !facts.regional_opinion => {
                return Err(Refusal::Missing("regional_opinion"))
            }
            Requirement::Stance => match input.stance.as_deref().and_then(Stance::parse) {
                Some(s) => stance = Some(s),
                None => return Err(Refusal::Missing("stance")),
            },
            _ => {}
        }
    }
    let mut to = row.to;
    let mut stands_in = None;
    match (action, role) {
        // The text may have changed since the binôme approved it: a resubmission is approved
        // again by both co-leads, the one who resubmits first.
        (Action::Resubmit, _) => {
            approvals = Approvals::default();
            match role {
                ActorRole::ElectedCoLead => approvals.elected = user_id,
                ActorRole::IndustrialCoLead => approvals.industrial = user_id,
                _ => {}
            }
        }
        (Action::Submit, ActorRole::ElectedCoLead) => approvals.elected = user_id,
        (Action::Submit, ActorRole::IndustrialCoLead) => approvals.industrial = user_id,
        (Action::Approve, _) => {
            let (elected, industrial) = seats.unwrap_or_default();
            if elected {
                approvals.elected = user_id;
            }
            if industrial {
                approvals.industrial = user_id;
            }
            if role == ActorRole::StateReferent {
                stands_in = match (elected, industrial) {
                    (true, true) => Some(StandsIn::Binome),
                    (true, false) => Some(StandsIn::Elected),
                    _ => Some(StandsIn::Industrial),
                };
            }
        }
        (Action::RequestChanges, _) => approvals = Approvals::default(),
        _ => {}
    }
    if action == Action::Approve && approvals.elected.is_some() && approvals.industrial.is_some() {
        to = if facts.referent_seated && stands_in.is_none() {
            Status::ReferentReview
        } else {
            // The référent who stood in has seen it; a territory without one goes on.
            Status::RegionalReview
        };
    }
    Ok(Decision {
        to,
        role,
        approvals,
        stands_in,
        stance,
    })
}

/// The actions someone may see offered on a proposal (the requirements are checked on use,
/// except the lead region's opinion before escalating, which the page says is missing).
pub fn offered_actions(
    status: Status,
    roles: &[ActorRole],
    user_id: Option<i64>,
    facts: &Facts,
) -> Vec<Action> {
    let facts = Facts {
        complete: true,
        undo_open: facts.undo_open,
        regional_opinion: true,
        ..*facts
    };
    let input = StepInput {
        comment: "-".into(),
        mechanism: Some(Mechanism::CertificatDeProjet.code().into()),
        target: Some(0),
        stance: Some(Stance::Favourable.code().into()),
    };
    ALL_ACTIONS
        .into_iter()
        .filter(|a| decide(status, roles, user_id, *a, &facts, &input).is_ok())
        .collect()
}

/// Whether these roles may change the text (drafts, and proposals returned for information).
pub fn may_edit(status: Status, roles: &[ActorRole]) -> bool {
    matches!(status, Status::Draft | Status::Returned)
        && roles.iter().any(|r| {
            matches!(
                r,
                ActorRole::ElectedCoLead
                    | ActorRole::IndustrialCoLead
                    | ActorRole::ProjectManager
                    | ActorRole::TeamMember
            )
        })
}

/// Whether these roles may read the proposal.
pub fn may_read(status: Status, roles: &[ActorRole]) -> bool {
    status.public() || may_edit(status, roles)
}

/// In whose name someone may support a proposal: another territory's team, or a firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportAs {
    Territory,
    Organisation,
}

/// Whether a proposal in `status` takes support in that name from these roles.
pub fn may_support(status: Status, roles: &[ActorRole], kind: SupportAs) -> bool {
    let open = status.public() && !matches!(status, Status::Merged | Status::Withdrawn);
    open && match kind {
        SupportAs::Territory => roles.contains(&ActorRole::OtherTerritoryTeam),
        SupportAs::Organisation => roles.contains(&ActorRole::OrganisationMember),
    }
}

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Days spent waiting at each level (territory, region, national), from the states entered
/// over time. `entered` is (time, state) in time order, starting with the creation; the last
/// state runs until `now` unless it is final.
pub fn days_by_level(entered: &[(i64, Status)], now: i64) -> [f64; 3] {
    let mut days = [0.0; 3];
    for (i, (at, status)) in entered.iter().enumerate() {
        if !status.waiting() {
            continue;
        }
        let end = entered.get(i + 1).map(|(t, _)| *t).unwrap_or(now);
        let slot = match status.level() {
            Level::Territory => 0,
            Level::Region => 1,
            Level::National => 2,
        };
        days[slot] += (end - at).max(0) as f64 / DAY as f64;
    }
    days
}

/// Days a proposal has waited at its current step, when that step waits for someone
/// (`entered` as for [`days_by_level`]); `None` once answered, or before any step.
pub fn days_waiting(entered: &[(i64, Status)], now: i64) -> Option<f64> {
    let (at, status) = entered.last()?;
    status
        .waiting()
        .then(|| (now - at).max(0) as f64 / DAY as f64)
}

/// The median of some values (the mean of the two middle ones for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Three months, as the dashboard counts them.
pub const THREE_MONTHS_DAYS: i64 = 91;

/// Whether a proposal submitted at `submitted` counts for the "answered within three months"
/// share, and whether it was: proposals still waiting count only once three months passed.
pub fn answered_within_three_months(
    submitted: i64,
    answered: Option<i64>,
    now: i64,
) -> Option<bool> {
    let limit = submitted + THREE_MONTHS_DAYS * DAY;
    match answered {
        Some(at) => Some(at <= limit),
        None if now > limit => Some(false),
        None => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use crate::domain::policy::Membership;

    #[test]
    fn the_table_has_one_row_per_action_in_order() {
        for (row, action) in TRANSITIONS.iter().zip(ALL_ACTIONS) {
            assert_eq!(row.action, action);
        }
    }

    #[test]
    fn the_code_and_the_documented_table_agree() {
        let doc = parse_documented_table(include_str!("../../../docs/simplification-workflow.md"));
        assert_eq!(doc.len(), TRANSITIONS.len());
        for (row, (action, from, who, to, requires)) in TRANSITIONS.iter().zip(doc) {
            assert_eq!(row.action.code(), action);
            assert_eq!(
                row.from.iter().map(|s| s.code()).collect::<Vec<_>>(),
                from,
                "{action}"
            );
            assert_eq!(
                row.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                who,
                "{action}"
            );
            assert_eq!(row.to.code(), to, "{action}");
            assert_eq!(
                row.requires.iter().map(|r| r.code()).collect::<Vec<_>>(),
                requires,
                "{action}"
            );
        }
    }

    #[test]
    fn both_co_leads_must_approve_before_the_region_sees_it() {
        let facts = Facts {
            complete: true,
            ..Facts::default()
        };
        let none = StepInput::default();
        let submitted = decide(
            Status::Draft,
            &[ActorRole::ElectedCoLead],
            Some(1),
            Action::Submit,
            &facts,
            &none,
        )
        .unwrap();
        assert_eq!(submitted.to, Status::AwaitingApproval);
        assert_eq!(submitted.approvals.elected, Some(1));
        let facts = Facts {
            complete: true,
            approvals: submitted.approvals,
            ..Facts::default()
        };
        // The elected co-lead cannot approve twice.
        assert_eq!(
            decide(
                Status::AwaitingApproval,
                &[ActorRole::ElectedCoLead],
                Some(1),
                Action::Approve,
                &facts,
                &none
            ),
            Err(Refusal::NotAllowed)
        );
        let approved = decide(
            Status::AwaitingApproval,
            &[ActorRole::IndustrialCoLead],
            Some(2),
            Action::Approve,
            &facts,
            &none,
        )
        .unwrap();
        assert_eq!(
            approved.to,
            Status::RegionalReview,
            "no référent: on to the region"
        );
        let with_referent = Facts {
            referent_seated: true,
            ..facts
        };
        let approved = decide(
            Status::AwaitingApproval,
            &[ActorRole::IndustrialCoLead],
            Some(2),
            Action::Approve,
            &with_referent,
            &none,
        )
        .unwrap();
        assert_eq!(approved.to, Status::ReferentReview);
        assert_eq!(approved.stands_in, None);
    }

    #[test]
    fn the_referent_stands_in_for_a_seat_only_after_the_waiting_period() {
        let facts = Facts {
            complete: true,
            approvals: Approvals {
                elected: Some(1),
                industrial: None,
            },
            referent_seated: true,
            ..Facts::default()
        };
        let referent = [ActorRole::StateReferent];
        let none = StepInput::default();
        assert_eq!(
            decide(
                Status::AwaitingApproval,
                &referent,
                Some(9),
                Action::Approve,
                &facts,
                &none
            ),
            Err(Refusal::NotAllowed),
            "the seat has not waited long enough"
        );
        let waited = Facts {
            stand_in_open: true,
            ..facts
        };
        let d = decide(
            Status::AwaitingApproval,
            &referent,
            Some(9),
            Action::Approve,
            &waited,
            &none,
        )
        .unwrap();
        assert_eq!(d.to, Status::RegionalReview, "it leaves the territory");
        assert_eq!(d.role, ActorRole::StateReferent);
        assert_eq!(d.stands_in, Some(StandsIn::Industrial));
        assert_eq!(d.approvals.industrial, Some(9));
        // Both seats silent: one approval of the référent stands for the binôme.
        let empty = Facts {
            approvals: Approvals::default(),
            ..waited
        };
        let d = decide(
            Status::AwaitingApproval,
            &referent,
            Some(9),
            Action::Approve,
            &empty,
            &none,
        )
        .unwrap();
        assert_eq!(d.stands_in, Some(StandsIn::Binome));
        // The référent cannot fill a seat they hold the other half of.
        assert_eq!(
            decide(
                Status::AwaitingApproval,
                &referent,
                Some(1),
                Action::Approve,
                &waited,
                &none
            ),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn redirection_is_the_referents_and_the_lead_region_escalates_on_its_opinion() {
        let facts = Facts::default();
        let input = StepInput {
            comment: "relève du certificat de projet".into(),
            mechanism: Some(Mechanism::CertificatDeProjet.code().into()),
            ..StepInput::default()
        };
        let d = decide(
            Status::ReferentReview,
            &[ActorRole::StateReferent],
            Some(9),
            Action::Redirect,
            &facts,
            &input,
        )
        .unwrap();
        assert_eq!(d.to, Status::Redirected);
        assert_eq!(d.to.level(), Level::Territory);
        for role in [ActorRole::RegionalCouncil, ActorRole::RegionalState] {
            assert_eq!(
                decide(
                    Status::RegionalReview,
                    &[role],
                    Some(3),
                    Action::Redirect,
                    &facts,
                    &input
                ),
                Err(Refusal::NotAllowed),
                "{role:?}"
            );
        }
        let plain = StepInput::default();
        assert_eq!(
            decide(
                Status::RegionalReview,
                &[ActorRole::RegionalCouncil],
                Some(3),
                Action::Escalate,
                &facts,
                &plain
            ),
            Err(Refusal::Missing("regional_opinion"))
        );
        let opinion = StepInput {
            comment: "favorable".into(),
            stance: Some("favourable".into()),
            ..StepInput::default()
        };
        let given = decide(
            Status::RegionalReview,
            &[ActorRole::ConcernedRegion],
            Some(4),
            Action::GiveOpinion,
            &facts,
            &opinion,
        )
        .unwrap();
        assert_eq!(
            (given.to, given.stance),
            (Status::RegionalReview, Some(Stance::Favourable))
        );
        assert_eq!(
            decide(
                Status::RegionalReview,
                &[ActorRole::ConcernedRegion],
                Some(4),
                Action::AnswerRegional,
                &facts,
                &opinion
            ),
            Err(Refusal::NotAllowed),
            "the lead region decides"
        );
        let heard = Facts {
            regional_opinion: true,
            ..facts
        };
        assert_eq!(
            decide(
                Status::RegionalReview,
                &[ActorRole::RegionalState],
                Some(3),
                Action::Escalate,
                &heard,
                &plain
            )
            .map(|d| d.to),
            Ok(Status::NationalReview)
        );
    }

    #[test]
    fn one_person_cannot_be_both_halves_of_the_binome() {
        let facts = Facts {
            complete: true,
            approvals: Approvals {
                elected: Some(1),
                industrial: None,
            },
            ..Facts::default()
        };
        let both = [ActorRole::ElectedCoLead, ActorRole::IndustrialCoLead];
        assert_eq!(
            decide(
                Status::AwaitingApproval,
                &both,
                Some(1),
                Action::Approve,
                &facts,
                &StepInput::default()
            ),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn requirements_are_named() {
        let facts = Facts::default();
        let refused = decide(
            Status::Draft,
            &[ActorRole::ProjectManager],
            Some(3),
            Action::Submit,
            &facts,
            &StepInput::default(),
        );
        assert_eq!(refused, Err(Refusal::Missing("problem")));
        let refused = decide(
            Status::ReferentReview,
            &[ActorRole::StateReferent],
            Some(3),
            Action::Redirect,
            &facts,
            &StepInput {
                comment: "voir le rescrit".into(),
                mechanism: Some("unknown".into()),
                ..StepInput::default()
            },
        );
        assert_eq!(refused, Err(Refusal::Missing("mechanism")));
    }

    #[test]
    fn roles_come_from_memberships_relative_to_the_proposal() {
        let v = Viewer {
            user_id: Some(1),
            memberships: vec![
                Membership {
                    scope: Scope::Territory("ti-8422".into()),
                    role: Role::ProjectManager,
                },
                Membership {
                    scope: Scope::Region("84".into()),
                    role: Role::RegionalCouncil,
                },
            ],
        };
        let origin = |territory, regions| Origin { territory, regions };
        let auvergne = ["84".to_owned()];
        let normandie = ["27".to_owned()];
        let both = ["27".to_owned(), "84".to_owned()];
        assert_eq!(
            actor_roles(&v, origin("ti-8422", &auvergne)),
            vec![ActorRole::ProjectManager, ActorRole::RegionalCouncil]
        );
        assert_eq!(
            actor_roles(&v, origin("ti-8413", &normandie)),
            vec![ActorRole::OtherTerritoryTeam, ActorRole::OtherRegion]
        );
        // An interregional territory: the other region concerned gives opinions.
        assert_eq!(
            actor_roles(&v, origin("ti-2701", &both)),
            vec![ActorRole::OtherTerritoryTeam, ActorRole::ConcernedRegion]
        );
        assert_eq!(
            actor_roles(&Viewer::anonymous(), origin("ti-8422", &auvergne)),
            vec![ActorRole::Anonymous]
        );
    }

    #[test]
    fn days_are_counted_per_level_while_someone_is_waited_on() {
        let d = DAY;
        let entered = [
            (0, Status::Draft),
            (10 * d, Status::AwaitingApproval),
            (12 * d, Status::RegionalReview),
            (20 * d, Status::Returned),
            (23 * d, Status::RegionalReview),
            (30 * d, Status::NationalReview),
            (60 * d, Status::Accepted),
        ];
        assert_eq!(days_by_level(&entered, 100 * d), [5.0, 15.0, 30.0]);
        // A proposal still under national review keeps counting.
        assert_eq!(days_by_level(&entered[..6], 40 * d), [5.0, 15.0, 10.0]);
        // A queue shows the wait at the current step only, and none once answered.
        assert_eq!(days_waiting(&entered[..6], 40 * d), Some(10.0));
        assert_eq!(
            days_waiting(&entered[..4], 21 * d),
            Some(1.0),
            "returned: the team's move"
        );
        assert_eq!(days_waiting(&entered, 100 * d), None);
        assert_eq!(days_waiting(&[], 100 * d), None);
    }

    #[test]
    fn medians_and_the_three_month_share() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(
            answered_within_three_months(0, Some(90 * DAY), 0),
            Some(true)
        );
        assert_eq!(
            answered_within_three_months(0, Some(100 * DAY), 0),
            Some(false)
        );
        assert_eq!(answered_within_three_months(0, None, 30 * DAY), None);
        assert_eq!(answered_within_three_months(0, None, 95 * DAY), Some(false));
    }
}
