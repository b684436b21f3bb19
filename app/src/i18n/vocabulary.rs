//! The interface text of each vocabulary: one exhaustive match per enum, so a new variant
//! without its text does not compile. Stored codes that no longer parse (history written
//! under older vocabularies) are shown as they are.

use super::{t, Key, Lang};
use crate::domain::policy::Role;
use crate::domain::proposal::ActorRole;

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
        Role::parse(code)
            .map(|r| t(lang, r.key()).to_owned())
            .unwrap_or_else(|| code.to_owned())
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
