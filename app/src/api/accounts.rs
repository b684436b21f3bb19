//! Accounts as the pages see them: the signed-in user, their memberships, sessions, tokens.

use crate::domain::notification::{Frequency, NotificationKind};
use crate::domain::policy::Viewer;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Minimum password length.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A membership, labelled for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub scope_kind: String,
    pub scope_id: String,
    pub scope_label: String,
    pub role: String,
}

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub lang: String,
    pub verified: bool,
    pub memberships: Vec<MembershipView>,
}

impl CurrentUser {
    /// The sides this person may publish in the name of, as (`kind:id`, name), in the order
    /// of their memberships: the territories they lead and the organisations they belong to,
    /// an organisation written as `organisation_as` (`Organisation` for an annonce, `District`
    /// for a practice). Who speaks for what is the policy's.
    pub fn authors(
        &self,
        organisation_as: crate::domain::organisation::PartyKind,
    ) -> Vec<(String, String)> {
        use crate::domain::organisation::PartyKind;
        use crate::domain::policy::ScopeKind;
        let viewer = self.viewer();
        let territories = viewer.territories_spoken_for();
        let organisations = viewer.organisations_spoken_for();
        let mut out: Vec<(String, String)> = Vec::new();
        for m in &self.memberships {
            let party = match ScopeKind::parse(&m.scope_kind) {
                Some(ScopeKind::Territory) if territories.contains(&m.scope_id) => {
                    PartyKind::Territory
                }
                Some(ScopeKind::Organisation)
                    if organisations.iter().any(|o| o.to_string() == m.scope_id) =>
                {
                    organisation_as
                }
                _ => continue,
            };
            let key = format!("{}:{}", party.code(), m.scope_id);
            if !out.iter().any(|(k, _)| *k == key) {
                out.push((key, m.scope_label.clone()));
            }
        }
        out
    }

    /// The policy's view of this user.
    pub fn viewer(&self) -> Viewer {
        use crate::domain::policy::{Membership, Role, Scope};
        Viewer {
            user_id: Some(self.id),
            memberships: self
                .memberships
                .iter()
                .filter_map(|m| {
                    Some(Membership {
                        scope: Scope::from_parts(&m.scope_kind, &m.scope_id)?,
                        role: Role::parse(&m.role)?,
                    })
                })
                .collect(),
        }
    }
}

/// One open session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub created_at: i64,
    pub user_agent: String,
    pub current: bool,
}

/// One API token (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    /// `read` or `write`.
    pub scope: String,
    pub expires_at: Option<i64>,
    /// Expired at the time of the page.
    pub expired: bool,
}

/// The lifetime of an API token unless another is chosen, in days.
pub const TOKEN_DAYS: i64 = 90;
/// The longest lifetime a token may be given, in days.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// An invitation sent or received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub scope_label: String,
    pub role: String,
    pub at: i64,
}

/// A scope the user may invite into, with the roles they may grant there, the people who hold
/// those roles (whom they may remove) and the invitations to them still pending (which they
/// may revoke).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteTarget {
    pub scope_kind: String,
    pub scope_id: String,
    pub scope_label: String,
    pub roles: Vec<String>,
    pub members: Vec<MemberView>,
    pub pending: Vec<PendingInvitation>,
}

/// Someone holding a role in a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub email: String,
    pub role: String,
    pub at: i64,
}

/// The account page's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub user: CurrentUser,
    pub sessions: Vec<SessionView>,
    pub tokens: Vec<ApiTokenView>,
    pub invitations_sent: Vec<InvitationView>,
    pub invitations_received: Vec<InvitationView>,
    pub invite_targets: Vec<InviteTarget>,
    /// (kind, frequency) for every notification kind.
    pub notifications: Vec<(NotificationKind, Frequency)>,
    /// Whether their name is shown to anonymous visitors where they hold a seat or sit on a
    /// committee.
    #[serde(default)]
    pub name_public: bool,
}

/// The signed-in person, if any (for the header).
#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::ports::Who::current().user)
}

/// What a one-time link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    Verify,
    Magic,
    Reset,
    Invite,
}

impl LinkPurpose {
    /// The purpose as stored with the link.
    pub const fn code(self) -> &'static str {
        match self {
            LinkPurpose::Verify => "verify",
            LinkPurpose::Magic => "magic",
            LinkPurpose::Reset => "reset",
            LinkPurpose::Invite => "invite",
        }
    }
}

/// The address a one-time link opens, shown on its page before the button: someone sent a
/// link to an account that is not theirs (to sign them in as someone else and read what they
/// then type) sees that it is not their address. `None` when the link no longer works.
#[server]
pub async fn get_link_address(
    token: String,
    purpose: LinkPurpose,
) -> Result<Option<String>, AppError> {
    if token.len() > 128 {
        return Ok(None);
    }
    Ok(crate::ports::services()?
        .accounts
        .link_address(&token, purpose)
        .await?)
}

/// The account page's content; anonymous visitors are refused.
#[server]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    let me = crate::ports::SignedIn::required()?;
    Ok(crate::ports::services()?
        .accounts
        .overview(me.id, me.session.as_ref())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organisation::PartyKind;

    fn membership(kind: &str, id: &str, role: &str) -> MembershipView {
        MembershipView {
            scope_kind: kind.into(),
            scope_id: id.into(),
            scope_label: format!("{kind} {id}"),
            role: role.into(),
        }
    }

    #[test]
    fn one_publishes_for_the_territories_one_leads_and_the_organisations_one_belongs_to() {
        let user = CurrentUser {
            id: 1,
            email: "a@example.fr".into(),
            name: "A".into(),
            lang: "fr".into(),
            verified: true,
            memberships: vec![
                membership("territory", "ti-8422", "project_manager"),
                membership("territory", "ti-8422", "elected_colead"),
                membership("territory", "ti-2401", "team_member"),
                membership("territory", "ti-2402", "state_referent"),
                membership("organisation", "7", "member"),
                membership("region", "84", "regional_council"),
            ],
        };
        let keys =
            |party| -> Vec<String> { user.authors(party).into_iter().map(|(k, _)| k).collect() };
        assert_eq!(
            keys(PartyKind::Organisation),
            ["territory:ti-8422", "organisation:7"]
        );
        assert_eq!(
            keys(PartyKind::District),
            ["territory:ti-8422", "district:7"]
        );
    }
}
