//! A contact between firms (a *mise en relation*): a firm or territory asks the side of an
//! annonce (or the annonce's author asks a suggested firm), the side asked accepts or
//! declines, and either side records how the discussion ended.
//!
//! `TRANSITIONS` is the rule; `docs/contact-workflow.md` writes it for people and a test
//! checks that the two agree. The buttons a page offers come from [`offered`], the server's
//! checks from [`decide`]: the same table answers both.

use super::workflow::{self, vocabulary, Transition};

vocabulary! {
    /// Where a contact is.
    ContactStatus {
        /// Asked; waiting for the side asked.
        Requested => "requested",
        /// Accepted: each side sees the other's people.
        Discussion => "discussion",
        /// Declined, with a reason (final).
        Declined => "declined",
        /// A partnership came of it (final).
        Concluded => "concluded",
        /// It ended without one (final).
        NotConcluded => "not_concluded",
    }
}

vocabulary! {
    /// What someone does to a contact.
    ContactAction {
        Accept => "accept",
        Decline => "decline",
        Concluded => "concluded",
        NotConcluded => "not_concluded",
    }
}

vocabulary! {
    /// The reader's side of a contact.
    ContactSide {
        /// The side that asked.
        Asker => "asker",
        /// The side asked.
        Recipient => "recipient",
        /// Anyone else.
        Neither => "neither",
    }
}

vocabulary! {
    /// What a step needs besides the right side and state.
    ContactRequirement {
        /// A reason given to the other side.
        Reason => "reason",
    }
}

/// One row of the contact table.
pub type ContactTransition =
    Transition<ContactStatus, ContactAction, ContactSide, ContactRequirement>;

const BOTH: &[ContactSide] = &[ContactSide::Asker, ContactSide::Recipient];

/// The workflow of a contact.
pub const TRANSITIONS: [ContactTransition; 4] = [
    Transition {
        action: ContactAction::Accept,
        from: &[ContactStatus::Requested],
        who: &[ContactSide::Recipient],
        to: ContactStatus::Discussion,
        requires: &[],
    },
    Transition {
        action: ContactAction::Decline,
        from: &[ContactStatus::Requested],
        who: &[ContactSide::Recipient],
        to: ContactStatus::Declined,
        requires: &[ContactRequirement::Reason],
    },
    Transition {
        action: ContactAction::Concluded,
        from: &[ContactStatus::Discussion],
        who: BOTH,
        to: ContactStatus::Concluded,
        requires: &[],
    },
    Transition {
        action: ContactAction::NotConcluded,
        from: &[ContactStatus::Discussion],
        who: BOTH,
        to: ContactStatus::NotConcluded,
        requires: &[],
    },
];

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRefusal {
    /// Not this side's step, or not in this state.
    NotAllowed,
    /// The step needs this.
    Missing(ContactRequirement),
}

/// The steps `side` may take on a contact in `status`, in table order.
pub fn offered(status: ContactStatus, side: ContactSide) -> Vec<ContactAction> {
    workflow::offered(&TRANSITIONS, ContactAction::ALL, status, side)
}

/// The state a step leads to, or why it is refused; `reason` is the text given with it.
pub fn decide(
    status: ContactStatus,
    side: ContactSide,
    action: ContactAction,
    reason: &str,
) -> Result<ContactStatus, ContactRefusal> {
    let t =
        workflow::allowed(&TRANSITIONS, status, side, action).ok_or(ContactRefusal::NotAllowed)?;
    for r in t.requires {
        match r {
            ContactRequirement::Reason if reason.trim().is_empty() => {
                return Err(ContactRefusal::Missing(*r))
            }
            ContactRequirement::Reason => {}
        }
    }
    Ok(t.to)
}

/// Whether each side sees the other's people: once the contact was accepted.
pub fn reveals_people(status: ContactStatus) -> bool {
    matches!(
        status,
        ContactStatus::Discussion | ContactStatus::Concluded | ContactStatus::NotConcluded
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::documented_rows;

    #[test]
    fn the_contact_table_agrees_with_its_document() {
        let doc = documented_rows(include_str!("../../../docs/contact-workflow.md"), "contact");
        let coded = workflow::as_documented(&TRANSITIONS);
        assert_eq!(doc, coded);
    }

    #[test]
    fn offered_steps_are_exactly_the_allowed_ones() {
        for status in ContactStatus::ALL {
            for side in ContactSide::ALL {
                for action in ContactAction::ALL {
                    let allowed = decide(*status, *side, *action, "un motif").is_ok();
                    assert_eq!(offered(*status, *side).contains(action), allowed);
                }
            }
        }
        assert_eq!(
            decide(
                ContactStatus::Requested,
                ContactSide::Recipient,
                ContactAction::Decline,
                " "
            ),
            Err(ContactRefusal::Missing(ContactRequirement::Reason))
        );
        assert_eq!(
            decide(
                ContactStatus::Requested,
                ContactSide::Asker,
                ContactAction::Accept,
                ""
            ),
            Err(ContactRefusal::NotAllowed)
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ContactStatus::ALL {
            assert_eq!(ContactStatus::parse(s.code()), Some(*s));
        }
        for a in ContactAction::ALL {
            assert_eq!(ContactAction::parse(a.code()), Some(*a));
        }
    }
}
