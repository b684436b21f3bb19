//! Who may do what: one pure function, `can(viewer, action, resource)`.
//!
//! The interface asks it to show only allowed actions; the server asks it again, always,
//! before acting. Roles come from memberships: of an organisation, of a territory team, of a
//! region, of the national délégation, or of the platform (see `docs/roles.md`).

use serde::{Deserialize, Serialize};

/// A role held within a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Organisation member.
    Member,
    /// Organisation administrator.
    Admin,
    /// Territory team: the elected co-lead of the binôme.
    ElectedCoLead,
    /// Territory team: the industrial co-lead of the binôme.
    IndustrialCoLead,
    /// Territory team: project manager (chef de projet).
    ProjectManager,
    /// Territory team: member.
    TeamMember,
    /// The État's référent for one territory (référent territorial de l'État, FAQ 3.6).
    StateReferent,
    /// The conseil régional, which pilots the programme in its region (FAQ 3.3).
    RegionalCouncil,
    /// The préfet de région and the State's services in the region.
    RegionalState,
    /// The national délégation aux Territoires d'industrie (ANCT, DGE).
    NationalDelegation,
    /// Platform administrator.
    PlatformAdmin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::ElectedCoLead => "elected_colead",
            Role::IndustrialCoLead => "industrial_colead",
            Role::ProjectManager => "project_manager",
            Role::TeamMember => "team_member",
            Role::StateReferent => "state_referent",
            Role::RegionalCouncil => "regional_council",
            Role::RegionalState => "regional_state",
            Role::NationalDelegation => "national_delegation",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        ALL_ROLES.iter().copied().find(|r| r.code() == s)
    }

    /// Whether holders of this role speak for their territory (publish, exchange and edit in
    /// its name): its leads, never its team members or the État's référent.
    pub fn speaks_for_territory(self) -> bool {
        TERRITORY_LEADS.contains(&self)
    }

    /// The kind of scope this role belongs to.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Member | Role::Admin => ScopeKind::Organisation,
            Role::ElectedCoLead
            | Role::IndustrialCoLead
            | Role::ProjectManager
            | Role::TeamMember
            | Role::StateReferent => ScopeKind::Territory,
            Role::RegionalCouncil | Role::RegionalState => ScopeKind::Region,
            Role::NationalDelegation => ScopeKind::National,
            Role::PlatformAdmin => ScopeKind::Platform,
        }
    }
}

/// Every role, for matrices and forms.
pub const ALL_ROLES: [Role; 11] = [
    Role::Member,
    Role::Admin,
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::ProjectManager,
    Role::TeamMember,
    Role::StateReferent,
    Role::RegionalCouncil,
    Role::RegionalState,
    Role::NationalDelegation,
    Role::PlatformAdmin,
];

/// What an API token may do: `Read` answers only reading requests (GET, HEAD); `Write` may
/// also publish. Neither manages tokens or the account: bearer authentication opens the JSON
/// API only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum TokenScope {
    #[default]
    Read,
    Write,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        [TokenScope::Read, TokenScope::Write]
            .into_iter()
            .find(|t| t.code() == s)
    }

    /// Whether a request of this method is within the scope.
    pub fn allows(self, method: &str) -> bool {
        self == TokenScope::Write || matches!(method, "GET" | "HEAD")
    }
}

/// The kinds of scope a membership can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScopeKind {
    Organisation,
    Territory,
    Region,
    National,
    Platform,
}

impl ScopeKind {
    pub const ALL: [ScopeKind; 5] = [
        ScopeKind::Organisation,
        ScopeKind::Territory,
        ScopeKind::Region,
        ScopeKind::National,
        ScopeKind::Platform,
    ];

    pub fn parse(code: &str) -> Option<ScopeKind> {
        ScopeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a stored code is this kind.
    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }

    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Organisation => "organisation",
            ScopeKind::Territory => "territory",
            ScopeKind::Region => "region",
            ScopeKind::National => "national",
            ScopeKind::Platform => "platform",
        }
    }
}

/// Where a membership applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    Organisation(i64),
    Territory(String),
    Region(String),
    National,
    Platform,
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Organisation(_) => ScopeKind::Organisation,
            Scope::Territory(_) => ScopeKind::Territory,
            Scope::Region(_) => ScopeKind::Region,
            Scope::National => ScopeKind::National,
            Scope::Platform => ScopeKind::Platform,
        }
    }

    /// The stored identifier within its kind (empty for national and platform).
    pub fn id(&self) -> String {
        match self {
            Scope::Organisation(id) => id.to_string(),
            Scope::Territory(id) | Scope::Region(id) => id.clone(),
            Scope::National | Scope::Platform => String::new(),
        }
    }

    /// Rebuilds a scope from its stored kind and identifier.
    pub fn from_parts(kind: &str, id: &str) -> Option<Scope> {
        match kind {
            "organisation" => id.parse().ok().map(Scope::Organisation),
            "territory" => Some(Scope::Territory(id.to_owned())),
            "region" => Some(Scope::Region(id.to_owned())),
            "national" => Some(Scope::National),
            "platform" => Some(Scope::Platform),
            _ => None,
        }
    }
}

/// One role in one scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    pub scope: Scope,
    pub role: Role,
}

/// Who is acting: nobody (anonymous) or a signed-in user with memberships.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub memberships: Vec<Membership>,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }

    pub fn signed_in(&self) -> bool {
        self.user_id.is_some()
    }

    fn has(&self, scope: &Scope, roles: &[Role]) -> bool {
        self.memberships
            .iter()
            .any(|m| &m.scope == scope && roles.contains(&m.role))
    }

    fn platform_admin(&self) -> bool {
        self.has(&Scope::Platform, &[Role::PlatformAdmin])
    }

    /// Whether this viewer administers the platform.
    pub fn is_platform_admin(&self) -> bool {
        self.platform_admin()
    }

    /// The territories this viewer speaks for, as one of their leads (the binôme and the chef
    /// de projet): the one rule for publishing, exchanging and editing in a territory's name.
    pub fn territories_spoken_for(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .memberships
            .iter()
            .filter_map(|m| match &m.scope {
                Scope::Territory(t) if m.role.speaks_for_territory() => Some(t.clone()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The organisations this viewer speaks for: any of their members or administrators.
    pub fn organisations_spoken_for(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .memberships
            .iter()
            .filter_map(|m| match (&m.scope, m.role) {
                (Scope::Organisation(o), Role::Admin | Role::Member) => Some(*o),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The visibility levels of documents this viewer may see in search.
    pub fn visibilities(&self) -> &'static [&'static str] {
        if self.signed_in() {
            &["public", "members"]
        } else {
            &["public"]
        }
    }
}

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// See public content.
    View,
    /// See content reserved to registered members.
    ViewMembersOnly,
    /// Change the resource's profile.
    Edit,
    /// Invite people into the resource with a role.
    Invite,
    /// Create API tokens, change password, close sessions of an account.
    ManageAccount,
    /// Bulk import through the API.
    Import,
    /// Read the security audit log.
    ViewAuditLog,
}

/// What it is done to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Resource {
    Organisation(i64),
    /// A territory, with every region it has communes in (the lead first).
    Territory {
        id: String,
        regions: Vec<String>,
    },
    /// A land site: the territory of its commune, if any, and the organisation to contact
    /// about it (its owner or developer), if any.
    LandSite {
        territory: Option<String>,
        owner: Option<i64>,
    },
    Account(i64),
    Platform,
}

/// Territory team roles allowed to speak for the territory.
const TERRITORY_LEADS: [Role; 3] = [
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::ProjectManager,
];

/// A territory's whole team: its leads and its team members (who keep, for instance, the
/// territory's land sites up to date).
const TERRITORY_TEAM: [Role; 4] = [
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::ProjectManager,
    Role::TeamMember,
];

/// Whether `viewer` may offer land sites at all: someone of a territory's team, an
/// organisation's admin, or a platform administrator. Which sites they may then write is
/// [`can`] with [`Resource::LandSite`].
pub fn may_offer_sites(viewer: &Viewer) -> bool {
    viewer.signed_in()
        && viewer.memberships.iter().any(|m| match &m.scope {
            Scope::Territory(_) => TERRITORY_TEAM.contains(&m.role),
            Scope::Organisation(_) => m.role == Role::Admin,
            Scope::Platform => m.role == Role::PlatformAdmin,
            _ => false,
        })
}

/// The people of an organisation (a firm, a cluster, a district...) who act and are told for it.
const ORGANISATION_PEOPLE: [Role; 2] = [Role::Admin, Role::Member];

/// Who acts and is told for a party of this kind (the side of a contact or an exchange, the
/// author of an annonce): the scope their membership is in, and its roles. A territory is its
/// leads; an organisation or a district is its members.
pub fn speaking_roles(
    party: crate::domain::organisation::PartyKind,
) -> (ScopeKind, &'static [Role]) {
    use crate::domain::organisation::PartyKind;
    match party {
        PartyKind::Territory => (ScopeKind::Territory, &TERRITORY_LEADS),
        PartyKind::Organisation | PartyKind::District => {
            (ScopeKind::Organisation, &ORGANISATION_PEOPLE)
        }
    }
}

/// Where a granter's membership must be for a grant, relative to the scope of the role given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantWithin {
    /// The same organisation or territory.
    SameScope,
    /// A region the territory has communes in (the granter's membership is in that region).
    InRegion,
    /// Any scope of the role's kind.
    Anywhere,
}

impl GrantWithin {
    pub fn code(self) -> &'static str {
        match self {
            GrantWithin::SameScope => "same",
            GrantWithin::InRegion => "region",
            GrantWithin::Anywhere => "any",
        }
    }
}

/// One row of the grant table: holders of `granter` may give (and take back) these roles,
/// within this relation to the scope.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub granter: Role,
    pub within: GrantWithin,
    pub roles: &'static [Role],
}

/// Who may grant which role: the one table, written for people in `docs/roles.md` (a test
/// checks that the two agree). The binôme is designated from outside its territory, by the
/// Region or the national délégation (FAQ 3.2), so nobody appoints the co-leads that approve
/// their own proposals; the prefecture (`regional_state`) designates each territory's État
/// référent; the délégation designates the regional roles; the binôme or the Region designate
/// the chef de projet; a territory's leads add team members. Whoever may grant a role may
/// remove it, and revoke its invitations.
pub const GRANTS: [Grant; 8] = [
    Grant {
        granter: Role::PlatformAdmin,
        within: GrantWithin::Anywhere,
        roles: &ALL_ROLES,
    },
    Grant {
        granter: Role::NationalDelegation,
        within: GrantWithin::Anywhere,
        roles: &[
            Role::ElectedCoLead,
            Role::IndustrialCoLead,
            Role::RegionalCouncil,
            Role::RegionalState,
            Role::NationalDelegation,
        ],
    },
    Grant {
        granter: Role::RegionalCouncil,
        within: GrantWithin::InRegion,
        roles: &[
            Role::ElectedCoLead,
            Role::IndustrialCoLead,
            Role::ProjectManager,
        ],
    },
    Grant {
        granter: Role::RegionalState,
        within: GrantWithin::InRegion,
        roles: &[
            Role::ElectedCoLead,
            Role::IndustrialCoLead,
            Role::ProjectManager,
            Role::StateReferent,
        ],
    },
    Grant {
        granter: Role::Admin,
        within: GrantWithin::SameScope,
        roles: &[Role::Member, Role::Admin],
    },
    Grant {
        granter: Role::ElectedCoLead,
        within: GrantWithin::SameScope,
        roles: &[Role::ProjectManager, Role::TeamMember],
    },
    Grant {
        granter: Role::IndustrialCoLead,
        within: GrantWithin::SameScope,
        roles: &[Role::ProjectManager, Role::TeamMember],
    },
    Grant {
        granter: Role::ProjectManager,
        within: GrantWithin::SameScope,
        roles: &[Role::TeamMember],
    },
];

/// Roles with one holder at a time in their scope: the two seats of the binôme and the État's
/// référent. Designating someone to a seat replaces its previous holder (recorded in the audit
/// log); the database holds the same rule as a unique index.
pub const SEATS: [Role; 3] = [
    Role::ElectedCoLead,
    Role::IndustrialCoLead,
    Role::StateReferent,
];

impl Role {
    /// Whether the role is a seat ([`SEATS`]): one holder at a time in its scope.
    pub fn is_seat(self) -> bool {
        SEATS.contains(&self)
    }
}

/// Where a role would be given: its scope and the regions that scope lies in (a territory's
/// regions, a region itself, none for the other kinds).
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub scope: &'a Scope,
    pub regions: &'a [String],
}

impl<'a> Place<'a> {
    /// A scope that lies in no region (an organisation, the nation, the platform), or whose
    /// regions do not matter to the question.
    pub fn outside_regions(scope: &'a Scope) -> Place<'a> {
        Place {
            scope,
            regions: &[],
        }
    }
}

/// Whether `viewer` may give `role` at `place` (and so take it back, or revoke an invitation
/// to it). The role must belong to that kind of scope.
pub fn may_grant(viewer: &Viewer, role: Role, place: Place<'_>) -> bool {
    let scope = place.scope;
    if !viewer.signed_in() || role.scope_kind() != scope.kind() {
        return false;
    }
    GRANTS.iter().any(|g| {
        g.roles.contains(&role)
            && viewer.memberships.iter().any(|m| {
                m.role == g.granter
                    && match g.within {
                        GrantWithin::Anywhere => true,
                        GrantWithin::SameScope => &m.scope == scope,
                        GrantWithin::InRegion => matches!(
                            (&m.scope, scope),
                            (Scope::Region(r), Scope::Territory(_)) if place.regions.contains(r)
                        ),
                    }
            })
    })
}

/// The roles `viewer` may give at `place`, in `ALL_ROLES` order.
pub fn grantable_roles(viewer: &Viewer, place: Place<'_>) -> Vec<Role> {
    ALL_ROLES
        .into_iter()
        .filter(|r| may_grant(viewer, *r, place))
        .collect()
}

/// Reads the grant table written for people (between its markers): (granter, within, roles).
pub fn parse_documented_grants(markdown: &str) -> Vec<(String, String, Vec<String>)> {
    markdown
        .split("<!-- grants:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- grants:end -->").next())
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| granter"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            match cells.as_slice() {
                [granter, within, roles] => Some((
                    (*granter).to_owned(),
                    (*within).to_owned(),
                    roles
                        .split(',')
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_owned)
                        .collect(),
                )),
                _ => None,
            }
        })
        .collect()
}

/// Whether `viewer` may do `action` on `resource`.
pub fn can(viewer: &Viewer, action: Action, resource: &Resource) -> bool {
    if action == Action::View {
        return true;
    }
    if !viewer.signed_in() {
        return false;
    }
    if viewer.platform_admin() {
        return true;
    }
    match (action, resource) {
        (Action::ViewMembersOnly, _) => true,
        (Action::Edit, Resource::Organisation(id)) => {
            viewer.has(&Scope::Organisation(*id), &[Role::Admin])
        }
        (Action::Edit, Resource::Territory { id, .. }) => {
            viewer.has(&Scope::Territory(id.clone()), &TERRITORY_LEADS)
        }
        (Action::Edit, Resource::LandSite { territory, owner }) => {
            territory
                .as_ref()
                .is_some_and(|t| viewer.has(&Scope::Territory(t.clone()), &TERRITORY_TEAM))
                || owner.is_some_and(|o| viewer.has(&Scope::Organisation(o), &[Role::Admin]))
        }
        // Inviting is granting some role: the grant table decides which.
        (Action::Invite, Resource::Organisation(id)) => {
            !grantable_roles(viewer, Place::outside_regions(&Scope::Organisation(*id))).is_empty()
        }
        (Action::Invite, Resource::Territory { id, regions }) => !grantable_roles(
            viewer,
            Place {
                scope: &Scope::Territory(id.clone()),
                regions,
            },
        )
        .is_empty(),
        (Action::ManageAccount, Resource::Account(id)) => viewer.user_id == Some(*id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(id: i64, scope: Scope, role: Role) -> Viewer {
        Viewer {
            user_id: Some(id),
            memberships: vec![Membership { scope, role }],
        }
    }

    #[test]
    fn anonymous_viewers_only_view() {
        let v = Viewer::anonymous();
        assert!(can(&v, Action::View, &Resource::Organisation(1)));
        for action in [
            Action::ViewMembersOnly,
            Action::Edit,
            Action::Invite,
            Action::ManageAccount,
            Action::Import,
        ] {
            assert!(!can(&v, action, &Resource::Organisation(1)), "{action:?}");
        }
    }

    #[test]
    fn organisation_admins_edit_their_own_organisation_only() {
        let admin = viewer(1, Scope::Organisation(7), Role::Admin);
        assert!(can(&admin, Action::Edit, &Resource::Organisation(7)));
        assert!(can(&admin, Action::Invite, &Resource::Organisation(7)));
        assert!(!can(&admin, Action::Edit, &Resource::Organisation(8)));
        let member = viewer(2, Scope::Organisation(7), Role::Member);
        assert!(!can(&member, Action::Edit, &Resource::Organisation(7)));
        assert!(can(
            &member,
            Action::ViewMembersOnly,
            &Resource::Organisation(8)
        ));
    }

    #[test]
    fn a_land_site_is_written_by_its_territory_team_or_its_owner_admins() {
        let site = Resource::LandSite {
            territory: Some("ti-8422".into()),
            owner: Some(7),
        };
        let team = viewer(1, Scope::Territory("ti-8422".into()), Role::TeamMember);
        let owner = viewer(2, Scope::Organisation(7), Role::Admin);
        let owner_member = viewer(3, Scope::Organisation(7), Role::Member);
        let elsewhere = viewer(4, Scope::Territory("ti-8413".into()), Role::ProjectManager);
        let referent = viewer(5, Scope::Territory("ti-8422".into()), Role::StateReferent);
        assert!(can(&team, Action::Edit, &site));
        assert!(can(&owner, Action::Edit, &site));
        for v in [&owner_member, &elsewhere, &referent, &Viewer::anonymous()] {
            assert!(!can(v, Action::Edit, &site), "{v:?}");
        }
        let outside = Resource::LandSite {
            territory: None,
            owner: None,
        };
        assert!(!can(&team, Action::Edit, &outside));
        assert!(may_offer_sites(&team) && may_offer_sites(&owner));
        assert!(!may_offer_sites(&owner_member) && !may_offer_sites(&referent));
    }

    #[test]
    fn territory_leads_edit_their_territory_but_team_members_do_not() {
        let t = Resource::Territory {
            id: "ti-8422".into(),
            regions: vec!["84".into()],
        };
        for role in TERRITORY_LEADS {
            assert!(
                can(
                    &viewer(1, Scope::Territory("ti-8422".into()), role),
                    Action::Edit,
                    &t
                ),
                "{role:?}"
            );
        }
        assert!(!can(
            &viewer(1, Scope::Territory("ti-8422".into()), Role::TeamMember),
            Action::Edit,
            &t
        ));
        assert!(!can(
            &viewer(1, Scope::Territory("ti-8413".into()), Role::ElectedCoLead),
            Action::Edit,
            &t
        ));
        assert!(!can(
            &viewer(1, Scope::Region("84".into()), Role::RegionalCouncil),
            Action::Edit,
            &t
        ));
    }

    #[test]
    fn accounts_are_managed_by_their_owner_and_platform_admins() {
        let user = viewer(5, Scope::Organisation(1), Role::Member);
        assert!(can(&user, Action::ManageAccount, &Resource::Account(5)));
        assert!(!can(&user, Action::ManageAccount, &Resource::Account(6)));
        let admin = viewer(9, Scope::Platform, Role::PlatformAdmin);
        assert!(can(&admin, Action::ManageAccount, &Resource::Account(6)));
        assert!(can(&admin, Action::Import, &Resource::Platform));
    }

    #[test]
    fn the_grant_table_agrees_with_its_document() {
        let doc = include_str!("../../../docs/roles.md");
        let documented = parse_documented_grants(doc);
        let coded: Vec<(String, String, Vec<String>)> = GRANTS
            .iter()
            .map(|g| {
                (
                    g.granter.code().to_owned(),
                    g.within.code().to_owned(),
                    g.roles.iter().map(|r| r.code().to_owned()).collect(),
                )
            })
            .collect();
        assert_eq!(documented, coded);
    }

    #[test]
    fn nobody_inside_a_territory_designates_its_binome() {
        let ti = Scope::Territory("ti-7510".into());
        let regions = ["75".to_owned(), "76".to_owned()];
        let here = Place {
            scope: &ti,
            regions: &regions,
        };
        let elsewhere_scope = Scope::Territory("ti-8413".into());
        let elsewhere = Place {
            scope: &elsewhere_scope,
            regions: &["84".to_owned()],
        };
        for (granter, roles) in [
            (Role::ProjectManager, vec![Role::TeamMember]),
            (
                Role::ElectedCoLead,
                vec![Role::ProjectManager, Role::TeamMember],
            ),
            (
                Role::IndustrialCoLead,
                vec![Role::ProjectManager, Role::TeamMember],
            ),
        ] {
            let v = viewer(1, ti.clone(), granter);
            assert_eq!(grantable_roles(&v, here), roles, "{granter:?}");
            assert!(!may_grant(&v, Role::ElectedCoLead, here));
            assert!(grantable_roles(&v, elsewhere).is_empty());
        }
        // The Region designates the binôme and the chef de projet of its territories, an
        // interregional one included; the prefecture also the État's référent.
        let council = viewer(2, Scope::Region("76".into()), Role::RegionalCouncil);
        assert_eq!(
            grantable_roles(&council, here),
            vec![
                Role::ElectedCoLead,
                Role::IndustrialCoLead,
                Role::ProjectManager
            ]
        );
        assert!(grantable_roles(&council, elsewhere).is_empty());
        let prefecture = viewer(3, Scope::Region("75".into()), Role::RegionalState);
        assert!(may_grant(&prefecture, Role::StateReferent, here));
        assert!(!may_grant(&council, Role::StateReferent, here));
        assert!(!may_grant(&prefecture, Role::TeamMember, here));
        let national = viewer(4, Scope::National, Role::NationalDelegation);
        assert!(may_grant(&national, Role::ElectedCoLead, here));
        assert!(may_grant(
            &national,
            Role::RegionalCouncil,
            Place::outside_regions(&Scope::Region("84".into()))
        ));
        assert!(!may_grant(
            &national,
            Role::PlatformAdmin,
            Place::outside_regions(&Scope::Platform)
        ));
        assert!(!may_grant(
            &national,
            Role::Admin,
            Place::outside_regions(&Scope::Organisation(3))
        ));
        let admin = viewer(5, Scope::Organisation(7), Role::Admin);
        assert_eq!(
            grantable_roles(&admin, Place::outside_regions(&Scope::Organisation(7))),
            vec![Role::Member, Role::Admin]
        );
        assert!(
            grantable_roles(&admin, Place::outside_regions(&Scope::Organisation(8))).is_empty()
        );
        // A role is given only in a scope of its kind.
        let root = viewer(6, Scope::Platform, Role::PlatformAdmin);
        assert!(may_grant(&root, Role::ElectedCoLead, here));
        assert!(!may_grant(
            &root,
            Role::ElectedCoLead,
            Place::outside_regions(&Scope::Organisation(7))
        ));
        assert!(!may_grant(
            &Viewer::anonymous(),
            Role::Member,
            Place::outside_regions(&Scope::Organisation(7))
        ));
    }

    #[test]
    fn only_a_territorys_leads_speak_for_it() {
        let ti = Scope::Territory("ti-8422".into());
        for role in ALL_ROLES
            .into_iter()
            .filter(|r| r.scope_kind() == ScopeKind::Territory)
        {
            let v = viewer(1, ti.clone(), role);
            assert_eq!(
                v.territories_spoken_for() == vec!["ti-8422".to_owned()],
                TERRITORY_LEADS.contains(&role),
                "{role:?}"
            );
        }
        assert!(!Role::StateReferent.speaks_for_territory());
        let member = viewer(2, Scope::Organisation(7), Role::Member);
        assert_eq!(member.organisations_spoken_for(), vec![7]);
        assert!(member.territories_spoken_for().is_empty());
    }

    #[test]
    fn roles_round_trip_through_their_codes() {
        for role in ALL_ROLES {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
    }
}
