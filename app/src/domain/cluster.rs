//! A cluster's members: the cluster's admins name an organisation of the platform as a member
//! (*proposed*), and it counts as one once that organisation's admins confirm it. Either side
//! may end it later; the member may decline a proposal. A cluster may propose again an
//! organisation that declined or left (the same row, back to proposed).
//!
//! `TRANSITIONS` is the rule; the service reads it and nothing else.

use super::policy::{Role, Scope, Viewer};
use super::workflow::{self, vocabulary, Transition};

vocabulary! {
    /// Where a membership is.
    MemberStatus {
        /// Named by the cluster, waiting for the member's confirmation.
        Proposed => "proposed",
        /// Confirmed by the member: listed on the cluster's page.
        Confirmed => "confirmed",
        /// Turned down by the organisation named.
        Declined => "declined",
        /// Ended by either side.
        Ended => "ended",
    }
}

vocabulary! {
    /// What someone does to a membership.
    MemberAction {
        Confirm => "confirm",
        Decline => "decline",
        End => "end",
    }
}

vocabulary! {
    /// The reader's part in a membership.
    MemberSide {
        /// An admin of the cluster.
        Cluster => "cluster",
        /// An admin of the organisation named as member.
        Member => "member",
        Neither => "neither",
    }
}

vocabulary! {
    /// What a step needs besides the right side and state (nothing, so far).
    MemberRequirement {
        Nothing => "nothing",
    }
}

/// One row of the membership table.
pub type MemberTransition = Transition<MemberStatus, MemberAction, MemberSide, MemberRequirement>;

/// The workflow of a membership, once the cluster proposed it.
pub const TRANSITIONS: [MemberTransition; 4] = [
    Transition {
        action: MemberAction::Confirm,
        from: &[MemberStatus::Proposed],
        who: &[MemberSide::Member],
        to: MemberStatus::Confirmed,
        requires: &[],
    },
    Transition {
        action: MemberAction::Decline,
        from: &[MemberStatus::Proposed],
        who: &[MemberSide::Member],
        to: MemberStatus::Declined,
        requires: &[],
    },
    Transition {
        action: MemberAction::End,
        from: &[MemberStatus::Proposed, MemberStatus::Confirmed],
        who: &[MemberSide::Cluster],
        to: MemberStatus::Ended,
        requires: &[],
    },
    Transition {
        action: MemberAction::End,
        from: &[MemberStatus::Confirmed],
        who: &[MemberSide::Member],
        to: MemberStatus::Ended,
        requires: &[],
    },
];

/// The statuses from which a cluster may name the organisation again.
pub const PROPOSABLE_AGAIN: [MemberStatus; 2] = [MemberStatus::Declined, MemberStatus::Ended];

/// At most this many members a cluster names (the largest French clusters count a few hundred).
pub const MAX_MEMBERS: u64 = 2_000;

/// The reader's part in the membership of `member` in `cluster`: its admins speak for each
/// side (an admin of both is the member, so that a cluster cannot confirm for itself).
pub fn side(viewer: &Viewer, cluster: i64, member: i64) -> MemberSide {
    let admin = |id: i64| {
        viewer
            .memberships
            .iter()
            .any(|m| m.scope == Scope::Organisation(id) && m.role == Role::Admin)
    };
    if admin(member) {
        MemberSide::Member
    } else if admin(cluster) {
        MemberSide::Cluster
    } else {
        MemberSide::Neither
    }
}

/// The steps `side` may take on a membership in `status`, in table order.
pub fn offered(status: MemberStatus, side: MemberSide) -> Vec<MemberAction> {
    workflow::offered(&TRANSITIONS, MemberAction::ALL, status, side)
}

/// The status a step leads to; `None` when it is not this side's step in this status.
pub fn step(status: MemberStatus, side: MemberSide, action: MemberAction) -> Option<MemberStatus> {
    workflow::allowed(&TRANSITIONS, status, side, action).map(|t| t.to)
}

/// Whether `side` takes `action` in some state (a refusal in another one is then a late step,
/// not someone else's).
pub fn takes(side: MemberSide, action: MemberAction) -> bool {
    TRANSITIONS
        .iter()
        .any(|t| t.action == action && t.who.contains(&side))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Membership;

    fn admin_of(ids: &[i64]) -> Viewer {
        Viewer {
            user_id: Some(1),
            memberships: ids
                .iter()
                .map(|id| Membership {
                    scope: Scope::Organisation(*id),
                    role: Role::Admin,
                })
                .collect(),
        }
    }

    #[test]
    fn only_the_member_confirms_and_a_cluster_cannot_confirm_for_itself() {
        assert_eq!(side(&admin_of(&[10]), 10, 20), MemberSide::Cluster);
        assert_eq!(side(&admin_of(&[20]), 10, 20), MemberSide::Member);
        assert_eq!(side(&admin_of(&[10, 20]), 10, 20), MemberSide::Member);
        assert_eq!(side(&admin_of(&[30]), 10, 20), MemberSide::Neither);
        let proposed = MemberStatus::Proposed;
        assert_eq!(
            step(proposed, MemberSide::Member, MemberAction::Confirm),
            Some(MemberStatus::Confirmed)
        );
        assert_eq!(
            step(proposed, MemberSide::Cluster, MemberAction::Confirm),
            None
        );
        assert_eq!(step(proposed, MemberSide::Neither, MemberAction::End), None);
        assert_eq!(
            offered(MemberStatus::Confirmed, MemberSide::Member),
            [MemberAction::End]
        );
        assert_eq!(
            offered(proposed, MemberSide::Member),
            [MemberAction::Confirm, MemberAction::Decline]
        );
        assert!(offered(MemberStatus::Ended, MemberSide::Cluster).is_empty());
        assert!(takes(MemberSide::Member, MemberAction::Confirm));
        assert!(!takes(MemberSide::Cluster, MemberAction::Confirm));
    }
}
