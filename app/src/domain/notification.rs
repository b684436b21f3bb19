//! What a person may be told of by e-mail, and how often.

use super::workflow::vocabulary;

vocabulary! {
    /// A kind of event a person may choose a frequency for.
    NotificationKind {
        /// Invitations to join an organisation or a team.
        Invitation => "invitation",
        /// Suggested matches and contact requests on annonces.
        Matches => "matches",
        /// Steps of the simplification proposals one follows.
        Proposals => "proposals",
        /// Steps of the exchanges with European partner districts.
        Exchanges => "exchanges",
    }
}

vocabulary! {
    /// How often a person hears of a kind of event.
    Frequency {
        /// One mail per event (the default).
        Immediate => "immediate",
        Daily => "daily",
        Weekly => "weekly",
        Off => "off",
    }
}

impl Frequency {
    /// The frequency stored for a person, `Immediate` when they chose none (or a code that
    /// no longer exists).
    pub fn of_setting(code: Option<&str>) -> Frequency {
        code.and_then(Frequency::parse)
            .unwrap_or(Frequency::Immediate)
    }

    /// Seconds between two digests, for the frequencies that gather notices into one.
    pub const fn digest_period(self) -> Option<i64> {
        match self {
            Frequency::Daily => Some(86_400),
            Frequency::Weekly => Some(7 * 86_400),
            Frequency::Immediate | Frequency::Off => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_unknown_setting_is_immediate() {
        assert_eq!(Frequency::of_setting(None), Frequency::Immediate);
        assert_eq!(Frequency::of_setting(Some("hourly")), Frequency::Immediate);
        assert_eq!(Frequency::of_setting(Some("weekly")), Frequency::Weekly);
    }

    #[test]
    fn only_digests_have_a_period() {
        assert_eq!(Frequency::Daily.digest_period(), Some(86_400));
        assert_eq!(Frequency::Weekly.digest_period(), Some(604_800));
        assert_eq!(Frequency::Immediate.digest_period(), None);
        assert_eq!(Frequency::Off.digest_period(), None);
    }
}
