//! The programme's bodies and the words they decide with (FAQ 3.2-3.6, 4.6): the opinions a
//! region or a committee gives on an item awaiting it, and who runs each committee.

use crate::domain::policy::{Role, Scope, Viewer};

crate::domain::workflow::vocabulary! {
    /// An opinion on an item: what a concerned region, the lead region or a committee records
    /// before the decision (FAQ 4.3: every region concerned takes part; 4.6: the comité de
    /// projet local gives its opinion on a fiche-action).
    Stance {
        Favourable => "favourable",
        /// Favourable with reservations.
        Reserved => "reserved",
        Unfavourable => "unfavourable",
    }
}

crate::domain::workflow::vocabulary! {
    /// The programme's two committees (FAQ 4.6, Senate rec. 15).
    CommitteeKind {
        /// The comité de projet local of a territory: its binôme, chef de projet, the État's
        /// référent and local partners; it gives its opinion on the territory's fiches-actions.
        LocalProject => "local_project",
        /// The comité de pilotage régional, chaired by the Region (FAQ 3.3): it decides on
        /// fiches-actions and gives the region's opinion on simplification proposals.
        RegionalSteering => "regional_steering",
    }
}

crate::domain::workflow::vocabulary! {
    /// What a committee session decides on.
    ItemKind {
        /// A simplification proposal awaiting the region.
        Proposal => "proposal",
        /// A fiche-action awaiting the local committee's opinion or the regional decision.
        ActionSheet => "action_sheet",
    }
}

/// Longest texts of a committee's records, in characters.
pub const MAX_PLACE: usize = 200;
pub const MAX_FUNCTION: usize = 120;
pub const MAX_DECISION: usize = 5_000;
/// Most members a committee lists.
pub const MAX_MEMBERS: usize = 200;

impl CommitteeKind {
    /// The scope a committee of this kind belongs to, from its scope's identifier.
    pub fn scope(self, scope_id: &str) -> Scope {
        match self {
            CommitteeKind::LocalProject => Scope::Territory(scope_id.to_owned()),
            CommitteeKind::RegionalSteering => Scope::Region(scope_id.to_owned()),
        }
    }
}

/// Whether `viewer` runs a committee (plans its sessions, names its members, records its
/// decisions): the territory's binôme and chef de projet for the local committee, the Region's
/// council or prefecture for the regional one. Platform administrators do not: a committee's
/// record is the programme's official trail.
pub fn may_run(viewer: &Viewer, kind: CommitteeKind, scope_id: &str) -> bool {
    let scope = kind.scope(scope_id);
    let runners: &[Role] = match kind {
        CommitteeKind::LocalProject => &[
            Role::ElectedCoLead,
            Role::IndustrialCoLead,
            Role::ProjectManager,
        ],
        CommitteeKind::RegionalSteering => &[Role::RegionalCouncil, Role::RegionalState],
    };
    viewer.signed_in()
        && viewer
            .memberships
            .iter()
            .any(|m| m.scope == scope && runners.contains(&m.role))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Membership;

    fn viewer(scope: Scope, role: Role) -> Viewer {
        Viewer {
            user_id: Some(1),
            memberships: vec![Membership { scope, role }],
        }
    }

    #[test]
    fn committees_are_run_by_their_territory_leads_or_their_region() {
        let local = CommitteeKind::LocalProject;
        let regional = CommitteeKind::RegionalSteering;
        let chef = viewer(Scope::Territory("ti-8422".into()), Role::ProjectManager);
        assert!(may_run(&chef, local, "ti-8422"));
        assert!(!may_run(&chef, local, "ti-8413"));
        assert!(!may_run(&chef, regional, "84"));
        let team = viewer(Scope::Territory("ti-8422".into()), Role::TeamMember);
        assert!(!may_run(&team, local, "ti-8422"));
        let council = viewer(Scope::Region("84".into()), Role::RegionalCouncil);
        assert!(may_run(&council, regional, "84"));
        assert!(!may_run(&council, regional, "76"));
        let prefecture = viewer(Scope::Region("84".into()), Role::RegionalState);
        assert!(may_run(&prefecture, regional, "84"));
        let root = viewer(Scope::Platform, Role::PlatformAdmin);
        assert!(!may_run(&root, regional, "84") && !may_run(&root, local, "ti-8422"));
        assert!(!may_run(&Viewer::anonymous(), local, "ti-8422"));
    }
}
