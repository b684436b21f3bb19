//! The interface text of each vocabulary: one exhaustive match per enum, so a new variant
//! without its text does not compile. Stored codes that no longer parse (history written
//! under older vocabularies) are shown as they are.

use super::{t, Key, Lang};
use crate::domain::contact::ContactStatus;
use crate::domain::exchange::ExchangeStatus;
use crate::domain::policy::Role;
use crate::domain::proposal::ActorRole;
use crate::error::Problem;

impl Role {
    /// The text naming this role.
    pub fn key(self) -> Key {
        match self {
            Role::Member => Key::RoleOrganisationMember,
            Role::Admin => Key::RoleOrganisationAdmin,
            Role::ElectedCoLead => Key::RoleElectedCoLead,
            Role::IndustrialCoLead => Key::RoleIndustrialCoLead,
            Role::ProjectManager => Key::RoleProjectManager,
            Role::TeamMember => Key::RoleTeamMember,
            Role::StateReferent => Key::RoleStateReferent,
            Role::RegionalCouncil => Key::RoleRegionalCouncil,
            Role::RegionalState => Key::RoleRegionalState,
            Role::NationalDelegation => Key::RoleNationalDelegation,
            Role::PlatformAdmin => Key::RolePlatformAdmin,
        }
    }

    /// The text of a stored role code, or the code itself if it names no role.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Role::parse, Role::key)
    }
}

impl ActorRole {
    /// The text naming someone's role towards a proposal, as its timeline shows it.
    pub fn key(self) -> Key {
        match self {
            ActorRole::ElectedCoLead => Key::RoleElectedCoLead,
            ActorRole::IndustrialCoLead => Key::RoleIndustrialCoLead,
            ActorRole::ProjectManager => Key::RoleProjectManager,
            ActorRole::TeamMember => Key::RoleTeamMember,
            ActorRole::StateReferent => Key::RoleStateReferent,
            ActorRole::OtherTerritoryTeam => Key::RoleSupportingTerritory,
            ActorRole::RegionalCouncil => Key::RoleRegionalCouncil,
            ActorRole::RegionalState => Key::RoleRegionalState,
            ActorRole::OtherRegion => Key::RoleOtherRegion,
            ActorRole::NationalDelegation => Key::RoleNationalDelegation,
            ActorRole::OrganisationMember => Key::RoleSupportingFirm,
            ActorRole::Member => Key::RoleMember,
            ActorRole::Anonymous => Key::RoleVisitor,
        }
    }
}

impl Problem {
    /// What the reader is told about this problem.
    pub fn key(self) -> Key {
        match self {
            Problem::ActionsRequired => Key::ErrActionsRequired,
            Problem::AreaInvalid => Key::ErrAreaInvalid,
            Problem::AuthorInvalid => Key::ErrAuthorInvalid,
            Problem::AuthorNotYours => Key::ErrAuthorNotYours,
            Problem::AxisInvalid => Key::ErrAxisInvalid,
            Problem::ChallengeInvalid => Key::ErrChallengeInvalid,
            Problem::CommentRequired => Key::ErrCommentRequired,
            Problem::CommuneInvalid => Key::ErrCommuneInvalid,
            Problem::CommuneUnknown => Key::ErrCommuneUnknown,
            Problem::CountryInvalid => Key::ErrCountryInvalid,
            Problem::DateInvalid => Key::ErrDateInvalid,
            Problem::DaysInvalid => Key::ErrDaysInvalid,
            Problem::DivisionsInvalid => Key::ErrDivisionsInvalid,
            Problem::EmailInvalid => Key::ErrEmailInvalid,
            Problem::FormInvalid => Key::ErrFormInvalid,
            Problem::FormatInvalid | Problem::PartnerInvalid => Key::ErrPartnerInvalid,
            Problem::ItemTooLong => Key::ErrItemTooLong,
            Problem::KindInvalid => Key::ErrKindInvalid,
            Problem::LangInvalid | Problem::LanguageInvalid => Key::ErrLangInvalid,
            Problem::LinkInvalid => Key::ErrLinkInvalid,
            Problem::ListTooLong => Key::ErrListTooLong,
            Problem::MechanismRequired => Key::ErrMechanismRequired,
            Problem::MessageRequired => Key::ErrMessageRequired,
            Problem::NafInvalid => Key::ErrNafInvalid,
            Problem::NameRequired => Key::ErrNameRequired,
            Problem::NeedClosed => Key::ErrNeedClosed,
            Problem::NumberInvalid => Key::ErrNumberInvalid,
            Problem::NutsInvalid => Key::ErrNutsInvalid,
            Problem::OrganisationRequired => Key::ErrOrganisationRequired,
            Problem::OutOfRange => Key::ErrOutOfRange,
            Problem::OutcomeRequired => Key::ErrOutcomeRequired,
            Problem::ParameterUnknown => Key::ErrParameterUnknown,
            Problem::PasswordTooLong => Key::ErrPasswordLong,
            Problem::PasswordTooShort => Key::ErrPasswordShort,
            Problem::PracticeInvalid => Key::ErrPracticeInvalid,
            Problem::ProblemRequired => Key::ErrIncomplete,
            Problem::QueryTooLong => Key::ErrQueryTooLong,
            Problem::RadiusInvalid => Key::ErrRadiusInvalid,
            Problem::RateLimited => Key::ErrRateLimited,
            Problem::ReasonRequired => Key::ErrReasonRequired,
            Problem::SizeInvalid => Key::ErrSizeInvalid,
            Problem::TargetRequired => Key::ErrTargetRequired,
            Problem::TerritoryNotYours => Key::ErrTerritoryNotYours,
            Problem::TestimonyRequired => Key::ErrTestimonyRequired,
            Problem::TextInvalid => Key::ErrTextInvalid,
            Problem::TextTooLong => Key::ErrTextTooLong,
            Problem::ThemeInvalid => Key::ErrThemeInvalid,
            Problem::TitleTooLong => Key::ErrTitleTooLong,
            Problem::TitleTooShort => Key::ErrTitleTooShort,
            Problem::ValueInvalid => Key::ErrValueInvalid,
            Problem::ValueUnknown => Key::ErrValueUnknown,
            Problem::VisibilityInvalid => Key::ErrVisibilityInvalid,
        }
    }
}

impl ContactStatus {
    /// The text naming where a contact is.
    pub fn key(self) -> Key {
        match self {
            ContactStatus::Requested => Key::IsRequested,
            ContactStatus::Discussion => Key::IsDiscussion,
            ContactStatus::Declined => Key::IsDeclined,
            ContactStatus::Concluded => Key::IsConcluded,
            ContactStatus::NotConcluded => Key::IsNotConcluded,
        }
    }
}

impl ExchangeStatus {
    /// The text naming where an exchange is.
    pub fn key(self) -> Key {
        match self {
            ExchangeStatus::Proposed => Key::ExProposed,
            ExchangeStatus::Accepted => Key::ExAccepted,
            ExchangeStatus::Declined => Key::ExDeclined,
            ExchangeStatus::Completed => Key::ExCompleted,
        }
    }
}

/// The text of a stored code of a vocabulary, or the code itself if it names nothing (the
/// schema admits no such value; shown rather than hidden should one appear).
pub fn label_of<T: Copy>(
    lang: Lang,
    code: &str,
    parse: fn(&str) -> Option<T>,
    key: fn(T) -> Key,
) -> String {
    parse(code)
        .map(|v| t(lang, key(v)).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_problem_has_its_own_french_and_english_text() {
        for problem in Problem::ALL {
            assert_eq!(Problem::parse(problem.code()), Some(*problem));
            let (fr, en) = problem.key().texts();
            assert!(
                !fr.trim().is_empty() && !en.trim().is_empty(),
                "{problem:?}"
            );
            // A label, never the code shown as text.
            assert!(fr != problem.code() && en != problem.code(), "{problem:?}");
        }
        // The two that used to share one message no longer do.
        assert_ne!(Problem::TitleTooShort.key(), Problem::TitleTooLong.key());
    }
}
