//! Fiches-actions (FAQ 4.6: "l'élément de base de la contractualisation"): their workflow, from
//! the draft the territory's team writes to the avenant that inscribes it in the contract and
//! its implementation; what they are funded by and measured with; and the one rule that says
//! who may see the amounts of a fiche carried by a firm (industrial secrecy, FAQ 7.3), alone
//! and in totals.
//!
//! `TRANSITIONS` is the rule, `docs/action-sheet-workflow.md` the same table for people (a test
//! checks that they agree); [`offered`] gives a page its buttons and [`decide`] the server its
//! checks.

use super::governance::Stance;
use super::policy::{Role, Scope, Viewer};
use super::workflow::{self, vocabulary, Transition};

vocabulary! {
    /// Where a fiche-action is.
    SheetStatus {
        /// Written by the territory's team; its binôme co-signs it before it is presented.
        Draft => "draft",
        /// Presented to the comité de projet local, which gives its opinion.
        LocalReview => "local_review",
        /// Presented to the comité de pilotage régional, which decides.
        RegionalReview => "regional_review",
        /// Sent back to be reworked (by either committee); presented again once reworked.
        ToRework => "to_rework",
        /// Not retained by the region (final).
        NotRetained => "not_retained",
        /// Retained, with the kind of support; waiting for an avenant to inscribe it.
        Retained => "retained",
        /// Inscribed in an avenant of the territory's contract; not started yet.
        Inscribed => "inscribed",
        InProgress => "in_progress",
        Late => "late",
        Paused => "paused",
        Blocked => "blocked",
        /// Abandoned (final).
        Abandoned => "abandoned",
        /// Done (final).
        Completed => "completed",
    }
}

impl SheetStatus {
    /// Whether nothing more can happen to it.
    pub fn closed(self) -> bool {
        matches!(
            self,
            SheetStatus::NotRetained | SheetStatus::Abandoned | SheetStatus::Completed
        )
    }

    /// Whether it is under way (inscribed and followed).
    pub fn implementing(self) -> bool {
        IMPLEMENTATION.contains(&self)
    }
}

/// The states of an inscribed fiche, in which its porteur and chef de projet report progress.
const IMPLEMENTATION: &[SheetStatus] = &[
    SheetStatus::Inscribed,
    SheetStatus::InProgress,
    SheetStatus::Late,
    SheetStatus::Paused,
    SheetStatus::Blocked,
];

vocabulary! {
    /// What someone does to a fiche-action.
    SheetAction {
        /// A co-lead of the binôme co-signs what the territory presents.
        Cosign => "cosign",
        /// The territory presents it to its comité de projet local.
        PresentLocal => "present_local",
        /// The local committee's opinion (in a session): favourable or with reservations sends
        /// it to the region, unfavourable back to be reworked.
        LocalOpinion => "local_opinion",
        /// The regional committee (in a session, or the Region's recorded agreement) retains
        /// it, with the kind of support.
        Retain => "retain",
        /// The regional committee asks for it to be reworked.
        Rework => "rework",
        /// The regional committee does not retain it.
        Reject => "reject",
        /// Inscribed in avenant N of the contract.
        Inscribe => "inscribe",
        MarkInProgress => "mark_in_progress",
        MarkLate => "mark_late",
        MarkPaused => "mark_paused",
        MarkBlocked => "mark_blocked",
        Abandon => "abandon",
        Complete => "complete",
    }
}

vocabulary! {
    /// Someone's role towards one fiche, derived from their memberships.
    SheetRole {
        /// The binôme of the fiche's territory.
        CoLead => "co_lead",
        /// The chef de projet of the fiche's territory.
        ProjectManager => "project_manager",
        /// A team member of the territory (writes and edits, presents nothing).
        TeamMember => "team_member",
        /// Member of the organisation that carries the fiche.
        Porteur => "porteur",
        /// Those who run the territory's comité de projet local (its binôme and chef de
        /// projet), recording its opinion.
        LocalCommittee => "local_committee",
        /// The Region's council or prefecture of the territory's lead region, recording the
        /// regional committee's decision or the Region's agreement.
        RegionalCommittee => "regional_committee",
        /// Anyone else.
        Other => "other",
    }
}

vocabulary! {
    /// What a step needs besides the right role and state.
    SheetRequirement {
        /// Title, axis, porteur, description and at least one financial line.
        Complete => "complete",
        /// Both seats of the binôme co-signed.
        Cosigned => "cosigned",
        /// The co-lead has not co-signed yet.
        NewSignature => "new_signature",
        /// A [`Stance`].
        Stance => "stance",
        /// The kind of support retained.
        Support => "support",
        /// An avenant of the territory's contract, by its number.
        Avenant => "avenant",
        /// A reason.
        Reason => "reason",
    }
}

vocabulary! {
    /// The support a regional committee retains a fiche with.
    SupportKind {
        Financial => "financial",
        /// Engineering (ingénierie): people and studies.
        Engineering => "engineering",
        Both => "both",
    }
}

vocabulary! {
    /// A fiche's maturity.
    Maturity {
        Idea => "idee",
        Study => "etude",
        Operation => "operation",
    }
}

vocabulary! {
    /// The instrument of a financial line (the funder is an organisation of the platform).
    Instrument {
        /// Dotation d'équipement des territoires ruraux.
        Detr => "detr",
        /// Dotation de soutien à l'investissement local.
        Dsil => "dsil",
        /// Fonds national d'aménagement et de développement du territoire.
        Fnadt => "fnadt",
        /// Fonds d'accélération de la transition écologique.
        FondsVert => "fonds_vert",
        /// A programme of the Region.
        Region => "region",
        BanqueDesTerritoires => "banque_des_territoires",
        Bpifrance => "bpifrance",
        Ademe => "ademe",
        /// The EPCI's own budget.
        Epci => "epci",
        /// The porteur's own funds.
        OwnFunds => "fonds_propres",
        /// European funds (FEDER, FSE+...).
        Europe => "europe",
        Other => "autre",
    }
}

vocabulary! {
    /// The national list of indicators (a fiche may add free ones).
    Indicator {
        JobsPlanned => "emplois_prevus",
        JobsCreated => "emplois_crees",
        PrivateInvestment => "investissement_prive",
        Hectares => "hectares",
        PeopleTrained => "personnes_formees",
        FirmsSupported => "entreprises_accompagnees",
    }
}

impl Indicator {
    /// The unit its values are counted in.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::PrivateInvestment => "EUR",
            Indicator::Hectares => "ha",
            Indicator::JobsPlanned
            | Indicator::JobsCreated
            | Indicator::PeopleTrained
            | Indicator::FirmsSupported => "",
        }
    }
}

/// One row of the fiche table.
pub type SheetTransition = Transition<SheetStatus, SheetAction, SheetRole, SheetRequirement>;

const LEADS: &[SheetRole] = &[SheetRole::CoLead, SheetRole::ProjectManager];
const FOLLOWERS: &[SheetRole] = &[SheetRole::Porteur, SheetRole::ProjectManager];
const REGION: &[SheetRole] = &[SheetRole::RegionalCommittee];

/// The workflow of a fiche-action. `LocalOpinion`'s row gives the state of a favourable
/// opinion; an unfavourable one leads to `ToRework` (see [`decide`]).
pub const TRANSITIONS: [SheetTransition; 13] = [
    Transition {
        action: SheetAction::Cosign,
        from: &[SheetStatus::Draft, SheetStatus::ToRework],
        who: &[SheetRole::CoLead],
        to: SheetStatus::Draft,
        requires: &[SheetRequirement::Complete, SheetRequirement::NewSignature],
    },
    Transition {
        action: SheetAction::PresentLocal,
        from: &[SheetStatus::Draft, SheetStatus::ToRework],
        who: LEADS,
        to: SheetStatus::LocalReview,
        requires: &[SheetRequirement::Complete, SheetRequirement::Cosigned],
    },
    Transition {
        action: SheetAction::LocalOpinion,
        from: &[SheetStatus::LocalReview],
        who: &[SheetRole::LocalCommittee],
        to: SheetStatus::RegionalReview,
        requires: &[SheetRequirement::Stance, SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::Retain,
        from: &[SheetStatus::RegionalReview],
        who: REGION,
        to: SheetStatus::Retained,
        requires: &[SheetRequirement::Support],
    },
    Transition {
        action: SheetAction::Rework,
        from: &[SheetStatus::RegionalReview],
        who: REGION,
        to: SheetStatus::ToRework,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::Reject,
        from: &[SheetStatus::RegionalReview],
        who: REGION,
        to: SheetStatus::NotRetained,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::Inscribe,
        from: &[SheetStatus::Retained],
        who: &[SheetRole::RegionalCommittee, SheetRole::ProjectManager],
        to: SheetStatus::Inscribed,
        requires: &[SheetRequirement::Avenant],
    },
    Transition {
        action: SheetAction::MarkInProgress,
        from: &[
            SheetStatus::Inscribed,
            SheetStatus::Late,
            SheetStatus::Paused,
            SheetStatus::Blocked,
        ],
        who: FOLLOWERS,
        to: SheetStatus::InProgress,
        requires: &[],
    },
    Transition {
        action: SheetAction::MarkLate,
        from: &[SheetStatus::Inscribed, SheetStatus::InProgress],
        who: FOLLOWERS,
        to: SheetStatus::Late,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::MarkPaused,
        from: &[SheetStatus::InProgress, SheetStatus::Late],
        who: FOLLOWERS,
        to: SheetStatus::Paused,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::MarkBlocked,
        from: &[
            SheetStatus::InProgress,
            SheetStatus::Late,
            SheetStatus::Paused,
        ],
        who: FOLLOWERS,
        to: SheetStatus::Blocked,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::Abandon,
        from: IMPLEMENTATION,
        who: FOLLOWERS,
        to: SheetStatus::Abandoned,
        requires: &[SheetRequirement::Reason],
    },
    Transition {
        action: SheetAction::Complete,
        from: &[SheetStatus::InProgress, SheetStatus::Late],
        who: FOLLOWERS,
        to: SheetStatus::Completed,
        requires: &[],
    },
];

/// Which seats of the binôme co-signed the fiche, by user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signatures {
    pub elected: Option<i64>,
    pub industrial: Option<i64>,
}

impl Signatures {
    pub fn both(self) -> bool {
        self.elected.is_some() && self.industrial.is_some()
    }
}

/// Which seat of the binôme a co-lead holds, for co-signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Elected,
    Industrial,
}

/// What the deciding function knows of the fiche besides its status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SheetFacts {
    pub complete: bool,
    pub signatures: Signatures,
    /// The seat the acting co-lead holds, if they are one.
    pub seat: Option<Seat>,
    /// The avenant named exists in the territory's contract.
    pub avenant_known: bool,
}

/// What a step brings with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetInput<'a> {
    pub stance: Option<&'a str>,
    pub support: Option<&'a str>,
    pub reason: &'a str,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetRefusal {
    NotAllowed,
    Missing(SheetRequirement),
}

/// What a permitted step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetDecision {
    pub to: SheetStatus,
    /// The role it is recorded in.
    pub role: SheetRole,
    pub signatures: Signatures,
    pub stance: Option<Stance>,
    pub support: Option<SupportKind>,
}

/// Decides whether someone holding `roles` (user `user_id`) may take `action` on a fiche in
/// `status`, and what follows. Pure: the server applies the decision in one transaction.
pub fn decide(
    status: SheetStatus,
    roles: &[SheetRole],
    user_id: Option<i64>,
    action: SheetAction,
    facts: &SheetFacts,
    input: &SheetInput<'_>,
) -> Result<SheetDecision, SheetRefusal> {
    let (row, role) = roles
        .iter()
        .find_map(|r| workflow::allowed(&TRANSITIONS, status, *r, action).map(|t| (t, *r)))
        .ok_or(SheetRefusal::NotAllowed)?;
    let mut signatures = facts.signatures;
    let mut stance = None;
    let mut support = None;
    for need in row.requires {
        let met = match need {
            SheetRequirement::Complete => facts.complete,
            SheetRequirement::Cosigned => facts.signatures.both(),
            SheetRequirement::NewSignature => {
                let Some(seat) = facts.seat else {
                    return Err(SheetRefusal::NotAllowed);
                };
                let (mine, other) = match seat {
                    Seat::Elected => (signatures.elected, signatures.industrial),
                    Seat::Industrial => (signatures.industrial, signatures.elected),
                };
                // Each seat signs once, and one person cannot sign for both.
                if mine.is_some() || (other.is_some() && other == user_id) {
                    return Err(SheetRefusal::NotAllowed);
                }
                match seat {
                    Seat::Elected => signatures.elected = user_id,
                    Seat::Industrial => signatures.industrial = user_id,
                }
                true
            }
            SheetRequirement::Stance => {
                stance = input.stance.and_then(Stance::parse);
                stance.is_some()
            }
            SheetRequirement::Support => {
                support = input.support.and_then(SupportKind::parse);
                support.is_some()
            }
            SheetRequirement::Avenant => facts.avenant_known,
            SheetRequirement::Reason => !input.reason.trim().is_empty(),
        };
        if !met {
            return Err(SheetRefusal::Missing(*need));
        }
    }
    let to = match (action, stance) {
        (SheetAction::LocalOpinion, Some(Stance::Unfavourable)) => SheetStatus::ToRework,
        _ => row.to,
    };
    // A fiche sent back is signed again once reworked: its text may have changed.
    if to == SheetStatus::ToRework {
        signatures = Signatures::default();
    }
    Ok(SheetDecision {
        to,
        role,
        signatures,
        stance,
        support,
    })
}

/// The steps someone may see offered (requirements are checked on use).
pub fn offered(status: SheetStatus, roles: &[SheetRole]) -> Vec<SheetAction> {
    SheetAction::ALL
        .iter()
        .copied()
        .filter(|a| {
            roles
                .iter()
                .any(|r| workflow::allowed(&TRANSITIONS, status, *r, *a).is_some())
        })
        .collect()
}

/// How the reader stands towards one fiche, for [`may_see_amounts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ties {
    /// A member of the porteur or of a partner organisation.
    pub porteur_or_partner: bool,
    /// In the territory's team (binôme, chef de projet, team members, the État's référent).
    pub territory_team: bool,
    /// A member of a committee that reviews it (the territory's local one, the regional one
    /// of a region it spans), or one who runs it.
    pub reviewing_committee: bool,
    /// A member of an organisation named as funder on one of its lines.
    pub funder: bool,
    /// The national delegation, which steers and evaluates the programme (Senate rec. 12)
    /// and is bound by the same secrecy as the committees.
    pub national: bool,
}

/// Whether the amounts of a fiche are confidential: those of a fiche a firm carries are
/// (industrial secrecy, FAQ 7.3); a public porteur's (an EPCI, the territory) are public.
pub fn confidential(porteur_is_firm: bool) -> bool {
    porteur_is_firm
}

/// The one disclosure rule: a confidential fiche's amounts are shown to its porteur's and
/// partners' members, the territory's team, the members of the committees that review it,
/// the members of its funders and the national delegation; to no one else (and never to the
/// index, the API without such a reader's token, or public exports, which read as no one).
pub fn may_see_amounts(porteur_is_firm: bool, ties: Ties) -> bool {
    !confidential(porteur_is_firm)
        || ties.porteur_or_partner
        || ties.territory_team
        || ties.reviewing_committee
        || ties.funder
        || ties.national
}

/// Fewest fiches, and porteurs, whose amounts a reader may not see that a total must hold
/// to include them.
pub const SECRET_MIN_SHEETS: usize = 3;
pub const SECRET_MIN_PORTEURS: usize = 2;

/// One fiche's part of a total: its porteur, its amount, and whether the reader may see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub sheet: i64,
    pub porteur: i64,
    pub amount: f64,
    pub visible: bool,
}

/// A cell of a table of totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Sum(f64),
    /// It would reveal an amount the reader may not see: fewer than three fiches or two
    /// porteurs among those hidden from them.
    Secret,
}

/// The total of `parts` as the reader may be shown it: the sum, when every amount in it is
/// visible to them, or when the parts hidden from them hold at least [`SECRET_MIN_SHEETS`]
/// fiches of at least [`SECRET_MIN_PORTEURS`] porteurs; "secret" otherwise. The hidden parts
/// alone are counted: the reader could subtract the visible ones from the sum, so a single
/// hidden fiche among visible ones would be revealed.
pub fn total(parts: &[Part]) -> Cell {
    // `+ 0.0` turns the empty sum's -0 into 0.
    let sum: f64 = parts.iter().map(|p| p.amount).sum::<f64>() + 0.0;
    let hidden = || parts.iter().filter(|p| !p.visible);
    if hidden().next().is_none() {
        return Cell::Sum(sum);
    }
    let mut sheets: Vec<i64> = hidden().map(|p| p.sheet).collect();
    sheets.sort_unstable();
    sheets.dedup();
    let mut porteurs: Vec<i64> = hidden().map(|p| p.porteur).collect();
    porteurs.sort_unstable();
    porteurs.dedup();
    if sheets.len() >= SECRET_MIN_SHEETS && porteurs.len() >= SECRET_MIN_PORTEURS {
        Cell::Sum(sum)
    } else {
        Cell::Secret
    }
}

vocabulary! {
    /// Who carries a fiche.
    PorteurKind {
        /// An organisation of the platform: a firm, a cluster, a pôle, an operator.
        Organisation => "organisation",
        /// One of the territory's EPCI, by its SIREN.
        Epci => "epci",
        /// The territory itself.
        Territory => "territory",
    }
}

vocabulary! {
    /// Who funds a line of a financial plan: an organisation of the platform (an operator), a
    /// Region, the State in a region (its prefecture), an EPCI, or the porteur itself; never
    /// a free label, so that the funder's members can be told and shown the amounts.
    FunderKind {
        Organisation => "organisation",
        Region => "region",
        State => "state",
        Epci => "epci",
        Porteur => "porteur",
    }
}

vocabulary! {
    /// A territory's contract.
    ContractKind {
        /// The contrat-cadre, completed by avenants.
        Framework => "contrat_cadre",
        /// A protocole d'accord.
        Protocol => "protocole",
    }
}

vocabulary! {
    /// Who signs a territory's contract.
    SignatoryKind {
        Epci => "epci",
        Region => "region",
        /// The préfet, for the State.
        State => "state",
        /// An operator or another organisation of the platform.
        Organisation => "organisation",
    }
}

vocabulary! {
    /// What else of the platform a fiche points to (firms are its porteur and partners;
    /// a simplification fiche carries its proposal).
    LinkKind {
        LandSite => "land_site",
        Need => "need",
    }
}

/// Bounds of a fiche's fields and lists.
pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_SCHEDULE: usize = 400;
pub const MAX_REASON: usize = 5_000;
pub const MAX_LINES: usize = 30;
pub const MAX_INDICATORS: usize = 20;
pub const MAX_VALUES: usize = 200;
pub const MAX_PARTNERS: usize = 30;
pub const MAX_EPCIS: usize = 40;
pub const MAX_LINKS: usize = 30;
pub const MAX_THEMES: usize = 6;
/// Largest amount of one line, in euros (a thousand million).
pub const MAX_AMOUNT: i64 = 1_000_000_000;
/// Avenants a contract may count.
pub const MAX_AVENANTS: i64 = 99;

/// The regional committee's outcomes, as a session records them.
pub const REGIONAL_OUTCOMES: [SheetAction; 3] = [
    SheetAction::Retain,
    SheetAction::Rework,
    SheetAction::Reject,
];

/// A funder named on a line, as the disclosure rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funder {
    pub kind: FunderKind,
    /// The organisation, for `Organisation`.
    pub organisation: Option<i64>,
    /// The region's code for `Region` and `State`, the SIREN for `Epci`.
    pub reference: String,
}

/// Who a fiche concerns, as roles and disclosure read them.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    pub territory: &'a str,
    /// The regions the territory spans, the lead first.
    pub regions: &'a [String],
    pub porteur: Option<i64>,
    pub partners: &'a [i64],
    pub funders: &'a [Funder],
    /// The reader sits on the territory's local committee or on the regional committee of a
    /// region it spans (a `committee_member` row).
    pub committee_member: bool,
}

const TEAM: [Role; 5] = [
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::ProjectManager,
    Role::TeamMember,
    Role::StateReferent,
];

/// The reader's roles towards one fiche, and the seat of the binôme they hold.
pub fn sheet_roles(viewer: &Viewer, parties: &Parties<'_>) -> (Vec<SheetRole>, Option<Seat>) {
    let mut roles = Vec::new();
    let mut seat = None;
    let territory = Scope::Territory(parties.territory.to_owned());
    for m in &viewer.memberships {
        let add: &[SheetRole] = match (&m.scope, m.role) {
            (s, Role::ElectedCoLead) if *s == territory => {
                seat = seat.or(Some(Seat::Elected));
                &[SheetRole::CoLead, SheetRole::LocalCommittee]
            }
            (s, Role::IndustrialCoLead) if *s == territory => {
                seat = seat.or(Some(Seat::Industrial));
                &[SheetRole::CoLead, SheetRole::LocalCommittee]
            }
            (s, Role::ProjectManager) if *s == territory => {
                &[SheetRole::ProjectManager, SheetRole::LocalCommittee]
            }
            (s, Role::TeamMember) if *s == territory => &[SheetRole::TeamMember],
            (Scope::Organisation(id), Role::Member | Role::Admin)
                if Some(*id) == parties.porteur =>
            {
                &[SheetRole::Porteur]
            }
            (Scope::Region(code), Role::RegionalCouncil | Role::RegionalState)
                if parties.regions.first() == Some(code) =>
            {
                &[SheetRole::RegionalCommittee]
            }
            _ => &[],
        };
        for r in add {
            if !roles.contains(r) {
                roles.push(*r);
            }
        }
    }
    if !viewer.signed_in() {
        roles.clear();
        seat = None;
    }
    if roles.is_empty() {
        roles.push(SheetRole::Other);
    }
    (roles, seat)
}

/// How the reader stands towards one fiche, from their memberships.
pub fn ties(viewer: &Viewer, parties: &Parties<'_>) -> Ties {
    let mut ties = Ties {
        reviewing_committee: parties.committee_member && viewer.signed_in(),
        ..Ties::default()
    };
    if !viewer.signed_in() {
        return ties;
    }
    for m in &viewer.memberships {
        match (&m.scope, m.role) {
            (Scope::Organisation(id), Role::Member | Role::Admin) => {
                if Some(*id) == parties.porteur || parties.partners.contains(id) {
                    ties.porteur_or_partner = true;
                }
                if parties
                    .funders
                    .iter()
                    .any(|f| f.kind == FunderKind::Organisation && f.organisation == Some(*id))
                {
                    ties.funder = true;
                }
            }
            (Scope::Territory(t), role) if t == parties.territory && TEAM.contains(&role) => {
                ties.territory_team = true;
            }
            (Scope::National, Role::NationalDelegation) => ties.national = true,
            (Scope::Region(code), role @ (Role::RegionalCouncil | Role::RegionalState)) => {
                if parties.regions.contains(code) {
                    ties.reviewing_committee = true;
                }
                let kind = if role == Role::RegionalCouncil {
                    FunderKind::Region
                } else {
                    FunderKind::State
                };
                if parties
                    .funders
                    .iter()
                    .any(|f| f.kind == kind && f.reference == *code)
                {
                    ties.funder = true;
                }
            }
            _ => {}
        }
    }
    ties
}

/// Whether the reader may read a fiche at all: a draft is the territory's and its porteur's
/// working paper; once presented, a fiche's title, axis and status are public (its amounts
/// follow [`may_see_amounts`]).
pub fn may_read(status: SheetStatus, ties: Ties) -> bool {
    status != SheetStatus::Draft || ties.territory_team || ties.porteur_or_partner
}

const WRITERS: [SheetRole; 3] = [
    SheetRole::CoLead,
    SheetRole::ProjectManager,
    SheetRole::TeamMember,
];

/// Whether someone may write a new fiche for a territory: its binôme, chef de projet and team.
pub fn may_create(viewer: &Viewer, territory: &str) -> bool {
    viewer.signed_in()
        && viewer.memberships.iter().any(|m| {
            m.scope == Scope::Territory(territory.to_owned())
                && matches!(
                    m.role,
                    Role::ElectedCoLead
                        | Role::IndustrialCoLead
                        | Role::ProjectManager
                        | Role::TeamMember
                )
        })
}

/// Whether the text of a fiche may be changed: by the territory's team, while it is a draft or
/// sent back (a change clears the signatures already given).
pub fn may_edit(status: SheetStatus, roles: &[SheetRole]) -> bool {
    matches!(status, SheetStatus::Draft | SheetStatus::ToRework)
        && roles.iter().any(|r| WRITERS.contains(r))
}

/// Whether the financial plan and indicators may be changed: by the team before a decision;
/// once retained, also by the porteur, to record what was committed, paid and measured.
pub fn may_follow(status: SheetStatus, roles: &[SheetRole]) -> bool {
    if status.closed() {
        return false;
    }
    roles.iter().any(|r| WRITERS.contains(r))
        || (roles.contains(&SheetRole::Porteur)
            && (status == SheetStatus::Retained || status.implementing()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::domain::workflow::documented_rows;

    #[test]
    fn the_sheet_table_agrees_with_its_document() {
        let doc = documented_rows(
            include_str!("../../../docs/action-sheet-workflow.md"),
            "sheet",
        );
        assert_eq!(doc, workflow::as_documented(&TRANSITIONS));
    }

    fn facts() -> SheetFacts {
        SheetFacts {
            complete: true,
            avenant_known: true,
            ..SheetFacts::default()
        }
    }

    #[test]
    fn the_binome_co_signs_before_the_territory_presents() {
        let none = SheetInput::default();
        let lead = [SheetRole::ProjectManager];
        assert_eq!(
            decide(
                SheetStatus::Draft,
                &lead,
                Some(1),
                SheetAction::PresentLocal,
                &facts(),
                &none
            ),
            Err(SheetRefusal::Missing(SheetRequirement::Cosigned))
        );
        let elected = SheetFacts {
            seat: Some(Seat::Elected),
            ..facts()
        };
        let signed = decide(
            SheetStatus::Draft,
            &[SheetRole::CoLead],
            Some(2),
            SheetAction::Cosign,
            &elected,
            &none,
        )
        .unwrap();
        assert_eq!(signed.to, SheetStatus::Draft);
        // The same seat does not sign twice; the same person does not sign both seats.
        let again = SheetFacts {
            signatures: signed.signatures,
            ..elected
        };
        assert_eq!(
            decide(
                SheetStatus::Draft,
                &[SheetRole::CoLead],
                Some(2),
                SheetAction::Cosign,
                &again,
                &none
            ),
            Err(SheetRefusal::NotAllowed)
        );
        let industrial = SheetFacts {
            signatures: signed.signatures,
            seat: Some(Seat::Industrial),
            ..facts()
        };
        assert_eq!(
            decide(
                SheetStatus::Draft,
                &[SheetRole::CoLead],
                Some(2),
                SheetAction::Cosign,
                &industrial,
                &none
            ),
            Err(SheetRefusal::NotAllowed)
        );
        let both = decide(
            SheetStatus::Draft,
            &[SheetRole::CoLead],
            Some(3),
            SheetAction::Cosign,
            &industrial,
            &none,
        )
        .unwrap();
        let ready = SheetFacts {
            signatures: both.signatures,
            ..facts()
        };
        assert_eq!(
            decide(
                SheetStatus::Draft,
                &lead,
                Some(1),
                SheetAction::PresentLocal,
                &ready,
                &none
            )
            .map(|d| d.to),
            Ok(SheetStatus::LocalReview)
        );
    }

    #[test]
    fn committees_decide_and_an_unfavourable_opinion_sends_it_back() {
        let opinion = |stance| SheetInput {
            stance: Some(stance),
            reason: "motifs",
            ..SheetInput::default()
        };
        let committee = [SheetRole::LocalCommittee];
        let d = decide(
            SheetStatus::LocalReview,
            &committee,
            Some(1),
            SheetAction::LocalOpinion,
            &facts(),
            &opinion("reserved"),
        )
        .unwrap();
        assert_eq!(d.to, SheetStatus::RegionalReview);
        let d = decide(
            SheetStatus::LocalReview,
            &committee,
            Some(1),
            SheetAction::LocalOpinion,
            &facts(),
            &opinion("unfavourable"),
        )
        .unwrap();
        assert_eq!(d.to, SheetStatus::ToRework);
        assert_eq!(
            d.signatures,
            Signatures::default(),
            "signed again once reworked"
        );
        let region = [SheetRole::RegionalCommittee];
        assert_eq!(
            decide(
                SheetStatus::RegionalReview,
                &region,
                Some(4),
                SheetAction::Retain,
                &facts(),
                &SheetInput::default()
            ),
            Err(SheetRefusal::Missing(SheetRequirement::Support))
        );
        let retained = decide(
            SheetStatus::RegionalReview,
            &region,
            Some(4),
            SheetAction::Retain,
            &facts(),
            &SheetInput {
                support: Some("both"),
                ..SheetInput::default()
            },
        )
        .unwrap();
        assert_eq!(
            (retained.to, retained.support),
            (SheetStatus::Retained, Some(SupportKind::Both))
        );
        // The territory does not decide for the region.
        assert_eq!(
            decide(
                SheetStatus::RegionalReview,
                &[SheetRole::ProjectManager],
                Some(1),
                SheetAction::Retain,
                &facts(),
                &SheetInput::default()
            ),
            Err(SheetRefusal::NotAllowed)
        );
        let unknown = SheetFacts {
            avenant_known: false,
            ..facts()
        };
        assert_eq!(
            decide(
                SheetStatus::Retained,
                &[SheetRole::ProjectManager],
                Some(1),
                SheetAction::Inscribe,
                &unknown,
                &SheetInput::default()
            ),
            Err(SheetRefusal::Missing(SheetRequirement::Avenant))
        );
    }

    #[test]
    fn offered_steps_are_those_the_role_and_state_allow() {
        let full = SheetInput {
            stance: Some("favourable"),
            support: Some("financial"),
            reason: "motifs",
        };
        for status in SheetStatus::ALL {
            for role in SheetRole::ALL {
                let seat = (*role == SheetRole::CoLead).then_some(Seat::Elected);
                let f = SheetFacts {
                    seat,
                    signatures: Signatures {
                        elected: None,
                        industrial: Some(9),
                    },
                    ..facts()
                };
                for action in SheetAction::ALL {
                    // Offered exactly when the role and state allow it; what it needs is
                    // asked on use.
                    let allowed = !matches!(
                        decide(*status, &[*role], Some(1), *action, &f, &full),
                        Err(SheetRefusal::NotAllowed)
                    );
                    assert_eq!(
                        offered(*status, &[*role]).contains(action),
                        allowed,
                        "{status:?} {role:?} {action:?}"
                    );
                }
            }
        }
        for status in SheetStatus::ALL.iter().filter(|s| s.closed()) {
            for role in SheetRole::ALL {
                assert!(offered(*status, &[*role]).is_empty(), "{status:?} is final");
            }
        }
    }

    #[test]
    fn a_firms_amounts_are_shown_to_those_tied_to_it_only() {
        assert!(
            may_see_amounts(false, Ties::default()),
            "a public porteur's are public"
        );
        assert!(!may_see_amounts(true, Ties::default()));
        for ties in [
            Ties {
                porteur_or_partner: true,
                ..Ties::default()
            },
            Ties {
                territory_team: true,
                ..Ties::default()
            },
            Ties {
                reviewing_committee: true,
                ..Ties::default()
            },
            Ties {
                funder: true,
                ..Ties::default()
            },
            Ties {
                national: true,
                ..Ties::default()
            },
        ] {
            assert!(may_see_amounts(true, ties), "{ties:?}");
        }
    }

    #[test]
    fn totals_hide_what_they_would_reveal() {
        let part = |sheet, porteur, amount, visible| Part {
            sheet,
            porteur,
            amount,
            visible,
        };
        assert_eq!(total(&[]), Cell::Sum(0.0));
        // Everything visible: the sum, however few.
        assert_eq!(total(&[part(1, 1, 100.0, true)]), Cell::Sum(100.0));
        // One hidden amount among two fiches: secret.
        assert_eq!(
            total(&[part(1, 1, 100.0, false), part(2, 2, 50.0, true)]),
            Cell::Secret
        );
        // Three fiches but one porteur: secret.
        assert_eq!(
            total(&[
                part(1, 1, 1.0, false),
                part(2, 1, 2.0, false),
                part(3, 1, 3.0, false)
            ]),
            Cell::Secret
        );
        // Three hidden fiches of two porteurs: the sum, with the visible ones.
        assert_eq!(
            total(&[
                part(1, 1, 1.0, false),
                part(2, 1, 2.0, false),
                part(3, 2, 3.0, false),
                part(4, 3, 4.0, true)
            ]),
            Cell::Sum(10.0)
        );
        // One hidden fiche among visible ones would be the sum less theirs: secret.
        assert_eq!(
            total(&[
                part(1, 1, 100.0, false),
                part(2, 2, 50.0, true),
                part(3, 3, 20.0, true)
            ]),
            Cell::Secret
        );
        // Two lines of the same fiche count once.
        assert_eq!(
            total(&[
                part(1, 1, 1.0, false),
                part(1, 1, 2.0, false),
                part(2, 2, 3.0, false)
            ]),
            Cell::Secret
        );
    }
}
