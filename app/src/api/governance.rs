//! Governance as pages show it: a territory's seats, regions and committees; a committee with
//! its members and sessions; a session with its agenda and decisions (`domain::governance`
//! holds the rules).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A committee, named by its kind and its territory or region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitteeRef {
    pub id: i64,
    /// `local_project` or `regional_steering`.
    pub kind: String,
    /// The territory's id or the region's code.
    pub scope_id: String,
    /// The territory's or the region's name.
    pub scope_name: String,
}

/// A member of a committee: a person of the platform, an organisation, or an institution
/// named by its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitteeMemberView {
    pub id: i64,
    pub name: String,
    /// What they sit as ("Vice-présidente de la Région chargée de l'industrie").
    pub function: String,
    pub organisation_id: Option<i64>,
    /// A person rather than an institution (their name is shown to signed-in readers only).
    pub is_person: bool,
}

/// A session, in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: i64,
    pub committee_id: i64,
    pub held_at: i64,
    pub place: String,
    /// Decisions recorded at it.
    pub decisions: u64,
}

/// A committee's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitteeDetail {
    pub committee: CommitteeRef,
    pub members: Vec<CommitteeMemberView>,
    /// Every session, the most recent first.
    pub sessions: Vec<SessionSummary>,
    /// Its queue: the items awaiting it (fiches-actions, and proposals for a region).
    pub awaiting: Vec<AgendaItem>,
    /// Whether the reader runs it (plans sessions, names members, records decisions).
    pub may_run: bool,
}

/// A decision recorded at a session on one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    /// A proposal's or the local committee's opinion (empty for a regional outcome).
    pub stance: String,
    /// A fiche's regional outcome: `retain`, `rework` or `reject` (else empty).
    pub outcome: String,
    /// The support a retained fiche gets.
    pub support: String,
    pub comment: String,
    pub decided_at: i64,
    pub decided_by: String,
}

/// An item of a session's agenda: what awaits the committee, and its decision once taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// `proposal` or `action_sheet`.
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub territory_id: String,
    pub territory_name: String,
    pub status: String,
    pub decision: Option<DecisionView>,
}

/// A session's page and its relevé de décisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub session: SessionSummary,
    pub committee: CommitteeRef,
    /// The items decided at this session, then those still awaiting the committee.
    pub agenda: Vec<AgendaItem>,
    pub members: Vec<CommitteeMemberView>,
    pub may_run: bool,
}

/// A seat or a role of a territory's governance, with who holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatView {
    /// The role's code (`elected_colead`, `industrial_colead`, `project_manager`,
    /// `state_referent`).
    pub role: String,
    /// Whether someone holds it.
    pub filled: bool,
    /// Holders' names, for signed-in readers (never to anonymous visitors).
    pub holders: Vec<String>,
}

/// A committee with its next session, if one is planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitteeNext {
    pub committee: CommitteeRef,
    pub next: Option<SessionSummary>,
}

/// The "Gouvernance et contacts" section of a territory's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerritoryGovernance {
    pub territory_id: String,
    pub seats: Vec<SeatView>,
    /// The regions it spans, the lead first.
    pub regions: Vec<crate::api::directory::RegionRef>,
    /// Its comité de projet local, then the comité de pilotage régional of each region.
    pub committees: Vec<CommitteeNext>,
    /// Whether the reader may write to the holders of a seat through the platform.
    pub may_write: bool,
}

/// A territory's governance section.
#[server]
pub async fn get_governance(territory: String) -> Result<TerritoryGovernance, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .governance
        .territory(&viewer, &territory)
        .await?)
}

/// A committee's page.
#[server]
pub async fn get_committee(id: i64) -> Result<CommitteeDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .governance
        .committee(&viewer, id)
        .await?)
}

/// A session's page.
#[server]
pub async fn get_session(id: i64) -> Result<SessionDetail, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .governance
        .session(&viewer, id)
        .await?)
}
