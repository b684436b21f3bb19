//! An exchange between a French territory and a territory or European district: proposed,
//! accepted or declined by the side asked, then reported by either side once it took place.
//!
//! `TRANSITIONS` is the rule, `docs/exchange-workflow.md` the same table for people (a test
//! checks that they agree); [`offered`] gives a page its buttons and [`decide`] the server its
//! checks.

use super::workflow::{self, vocabulary, Transition};

vocabulary! {
    /// Where an exchange is.
    ExchangeStatus {
        /// Proposed; waiting for the side asked.
        Proposed => "proposed",
        /// Accepted: it can take place.
        Accepted => "accepted",
        /// Declined, with a reason (final).
        Declined => "declined",
        /// It took place and was reported (final).
        Completed => "completed",
    }
}

vocabulary! {
    /// The form an exchange takes.
    ExchangeFormat {
        /// A study visit.
        Visit => "visit",
        Webinar => "webinar",
        Twinning => "twinning",
        JointProject => "joint_project",
    }
}

vocabulary! {
    /// What someone does to an exchange.
    ExchangeAction {
        Accept => "accept",
        Decline => "decline",
        Report => "report",
    }
}

vocabulary! {
    /// The reader's side of an exchange.
    ExchangeSide {
        /// The team of the territory that proposed it.
        Proposer => "proposer",
        /// The territory's team or the district's members asked.
        Recipient => "recipient",
        /// Anyone else.
        Neither => "neither",
    }
}

vocabulary! {
    /// What a step needs besides the right side and state.
    ExchangeRequirement {
        /// A reason given to the other side.
        Reason => "reason",
        /// A start date and an end date not before it.
        Dates => "dates",
        /// What came of it.
        Outcome => "outcome",
    }
}

/// One row of the exchange table.
pub type ExchangeTransition =
    Transition<ExchangeStatus, ExchangeAction, ExchangeSide, ExchangeRequirement>;

/// The workflow of an exchange.
pub const TRANSITIONS: [ExchangeTransition; 3] = [
    Transition {
        action: ExchangeAction::Accept,
        from: &[ExchangeStatus::Proposed],
        who: &[ExchangeSide::Recipient],
        to: ExchangeStatus::Accepted,
        requires: &[],
    },
    Transition {
        action: ExchangeAction::Decline,
        from: &[ExchangeStatus::Proposed],
        who: &[ExchangeSide::Recipient],
        to: ExchangeStatus::Declined,
        requires: &[ExchangeRequirement::Reason],
    },
    Transition {
        action: ExchangeAction::Report,
        from: &[ExchangeStatus::Accepted],
        who: &[ExchangeSide::Proposer, ExchangeSide::Recipient],
        to: ExchangeStatus::Completed,
        requires: &[ExchangeRequirement::Dates, ExchangeRequirement::Outcome],
    },
];

/// What a step brings with it, for its requirements to be checked.
#[derive(Debug, Clone, Default)]
pub struct ExchangeInput<'a> {
    pub reason: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub outcome: &'a str,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeRefusal {
    /// Not this side's step, or not in this state.
    NotAllowed,
    /// The step needs this.
    Missing(ExchangeRequirement),
}

/// The steps `side` may take on an exchange in `status`, in table order.
pub fn offered(status: ExchangeStatus, side: ExchangeSide) -> Vec<ExchangeAction> {
    workflow::offered(&TRANSITIONS, ExchangeAction::ALL, status, side)
}

/// The state a step leads to, or why it is refused.
pub fn decide(
    status: ExchangeStatus,
    side: ExchangeSide,
    action: ExchangeAction,
    input: &ExchangeInput<'_>,
) -> Result<ExchangeStatus, ExchangeRefusal> {
    let t =
        workflow::allowed(&TRANSITIONS, status, side, action).ok_or(ExchangeRefusal::NotAllowed)?;
    for r in t.requires {
        let met = match r {
            ExchangeRequirement::Reason => !input.reason.trim().is_empty(),
            ExchangeRequirement::Dates => {
                let (start, end) = (input.start_date.trim(), input.end_date.trim());
                super::organisation::is_iso_date(start)
                    && super::organisation::is_iso_date(end)
                    && end >= start
            }
            ExchangeRequirement::Outcome => !input.outcome.trim().is_empty(),
        };
        if !met {
            return Err(ExchangeRefusal::Missing(*r));
        }
    }
    Ok(t.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::documented_rows;

    #[test]
    fn the_exchange_table_agrees_with_its_document() {
        let doc = documented_rows(
            include_str!("../../../docs/exchange-workflow.md"),
            "exchange",
        );
        assert_eq!(doc, workflow::as_documented(&TRANSITIONS));
    }

    #[test]
    fn offered_steps_are_exactly_the_allowed_ones() {
        let full = ExchangeInput {
            reason: "calendrier",
            start_date: "2026-03-01",
            end_date: "2026-03-03",
            outcome: "deux visites",
        };
        for status in ExchangeStatus::ALL {
            for side in ExchangeSide::ALL {
                for action in ExchangeAction::ALL {
                    let allowed = decide(*status, *side, *action, &full).is_ok();
                    assert_eq!(offered(*status, *side).contains(action), allowed);
                }
            }
        }
        let backwards = ExchangeInput {
            end_date: "2026-02-01",
            ..full.clone()
        };
        assert_eq!(
            decide(
                ExchangeStatus::Accepted,
                ExchangeSide::Proposer,
                ExchangeAction::Report,
                &backwards
            ),
            Err(ExchangeRefusal::Missing(ExchangeRequirement::Dates))
        );
    }
}
