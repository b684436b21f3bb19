//! Claiming an organisation: a person says they represent a firm, cluster or operator that is
//! on the platform (a *claim*), or asks for one that is not to be created from its SIRET (a
//! *creation*); the team of the Territoire d'industrie of its commune decides (a platform
//! administrator outside any territory, or in one whose team has no account yet), and
//! approval makes the person its admin.
//!
//! `TRANSITIONS` is the rule; `docs/claim-workflow.md` writes it for people and a test checks
//! that the two agree. [`approved_at_once`] says when a claim needs no one's decision.

use super::policy::Viewer;
use super::workflow::{self, vocabulary, Transition};

vocabulary! {
    /// Where a claim is.
    ClaimStatus {
        /// Waiting for a decision.
        Pending => "pending",
        /// The claimant is the organisation's admin (final).
        Approved => "approved",
        /// Refused, with a reason (final).
        Refused => "refused",
        /// Taken back by the claimant (final).
        Withdrawn => "withdrawn",
    }
}

vocabulary! {
    /// What is asked.
    ClaimKind {
        /// To represent an organisation the platform holds.
        Claim => "claim",
        /// To create one it does not hold, from its SIRET.
        Creation => "creation",
    }
}

vocabulary! {
    /// What someone does to a claim.
    ClaimAction {
        Approve => "approve",
        Refuse => "refuse",
        Withdraw => "withdraw",
    }
}

vocabulary! {
    /// The reader's part in a claim.
    ClaimSide {
        /// The person who asked.
        Claimant => "claimant",
        /// The team of the organisation's territory, or a platform administrator.
        Decider => "decider",
        /// Anyone else.
        Neither => "neither",
    }
}

vocabulary! {
    /// What a step needs besides the right side and state.
    ClaimRequirement {
        /// A reason given to the claimant.
        Reason => "reason",
    }
}

/// One row of the claim table.
pub type ClaimTransition = Transition<ClaimStatus, ClaimAction, ClaimSide, ClaimRequirement>;

/// The workflow of a claim.
pub const TRANSITIONS: [ClaimTransition; 3] = [
    Transition {
        action: ClaimAction::Approve,
        from: &[ClaimStatus::Pending],
        who: &[ClaimSide::Decider],
        to: ClaimStatus::Approved,
        requires: &[],
    },
    Transition {
        action: ClaimAction::Refuse,
        from: &[ClaimStatus::Pending],
        who: &[ClaimSide::Decider],
        to: ClaimStatus::Refused,
        requires: &[ClaimRequirement::Reason],
    },
    Transition {
        action: ClaimAction::Withdraw,
        from: &[ClaimStatus::Pending],
        who: &[ClaimSide::Claimant],
        to: ClaimStatus::Withdrawn,
        requires: &[],
    },
];

/// The reader's part in a claim by `claimant` of an organisation in `territory` (`None`:
/// outside every Territoire d'industrie). The territory's leads (its chef de projet and
/// binôme) decide; platform administrators decide outside any territory, and inside one whose
/// leads have no account yet (`territory_has_leads`), so that no claim waits for nobody. A
/// claimant never decides their own claim, whatever else they are.
pub fn side(
    viewer: &Viewer,
    claimant: i64,
    territory: Option<&str>,
    territory_has_leads: bool,
) -> ClaimSide {
    if viewer.user_id == Some(claimant) {
        return ClaimSide::Claimant;
    }
    let leads = territory.is_some_and(|t| viewer.territories_spoken_for().iter().any(|s| s == t));
    let platform = viewer.is_platform_admin() && (territory.is_none() || !territory_has_leads);
    if leads || platform {
        ClaimSide::Decider
    } else {
        ClaimSide::Neither
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// Not this side's step, or not in this state.
    NotAllowed,
    /// The step needs this.
    Missing(ClaimRequirement),
}

/// The steps `side` may take on a claim in `status`, in table order.
pub fn offered(status: ClaimStatus, side: ClaimSide) -> Vec<ClaimAction> {
    workflow::offered(&TRANSITIONS, ClaimAction::ALL, status, side)
}

/// The state a step leads to, or why it is refused; `reason` is the text given with it.
pub fn decide(
    status: ClaimStatus,
    side: ClaimSide,
    action: ClaimAction,
    reason: &str,
) -> Result<ClaimStatus, ClaimRefusal> {
    let t =
        workflow::allowed(&TRANSITIONS, status, side, action).ok_or(ClaimRefusal::NotAllowed)?;
    for r in t.requires {
        match r {
            ClaimRequirement::Reason if reason.trim().is_empty() => {
                return Err(ClaimRefusal::Missing(*r))
            }
            ClaimRequirement::Reason => {}
        }
    }
    Ok(t.to)
}

/// The most requests a person may have waiting at once: each one mails the deciders, and a
/// creation adds an organisation.
pub const PENDING_MAX: u64 = 5;

/// Mail providers anyone can get an address from: an address there proves nothing about
/// the firm, whatever its website says.
pub const FREE_MAIL: &[&str] = &[
    "aol.com",
    "bbox.fr",
    "club-internet.fr",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.fr",
    "googlemail.com",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "live.com",
    "live.fr",
    "mail.com",
    "me.com",
    "msn.com",
    "neuf.fr",
    "numericable.fr",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "proton.me",
    "protonmail.com",
    "sfr.fr",
    "wanadoo.fr",
    "yahoo.com",
    "yahoo.fr",
    "yandex.com",
    "yandex.ru",
];

/// The domain of an e-mail address, lower-cased.
fn mail_domain(address: &str) -> Option<String> {
    let (_, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_lowercase();
    domain.contains('.').then_some(domain)
}

/// The host of a website address, lower-cased, without `www.`.
fn site_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    let host = host
        .strip_prefix("www.")
        .unwrap_or(&host)
        .trim_end_matches('.');
    host.contains('.').then(|| host.to_owned())
}

/// Whether a claim of an organisation the platform already holds is approved without a
/// decision: the claimant's verified address is at the domain of the organisation's website
/// or e-mail as recorded from another source (the register, an import, its earlier admins),
/// and that domain is not a free-mail provider. A creation always goes to people.
pub fn approved_at_once(
    kind: ClaimKind,
    claimant_email: &str,
    verified: bool,
    recorded_website: &str,
    recorded_email: &str,
) -> bool {
    if kind != ClaimKind::Claim || !verified {
        return false;
    }
    let Some(domain) = mail_domain(claimant_email) else {
        return false;
    };
    if FREE_MAIL.contains(&domain.as_str()) {
        return false;
    }
    let at_domain = |host: &str| host == domain || host.ends_with(&format!(".{domain}"));
    site_host(recorded_website).is_some_and(|h| at_domain(&h))
        || mail_domain(recorded_email).is_some_and(|h| at_domain(&h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::documented_rows;

    #[test]
    fn the_claim_table_agrees_with_its_document() {
        let doc = documented_rows(include_str!("../../../docs/claim-workflow.md"), "claim");
        assert_eq!(doc, workflow::as_documented(&TRANSITIONS));
    }

    #[test]
    fn offered_steps_are_exactly_the_allowed_ones() {
        for status in ClaimStatus::ALL {
            for side in ClaimSide::ALL {
                for action in ClaimAction::ALL {
                    let allowed = decide(*status, *side, *action, "un motif").is_ok();
                    assert_eq!(offered(*status, *side).contains(action), allowed);
                }
            }
        }
        assert_eq!(
            decide(
                ClaimStatus::Pending,
                ClaimSide::Decider,
                ClaimAction::Refuse,
                " "
            ),
            Err(ClaimRefusal::Missing(ClaimRequirement::Reason))
        );
        assert_eq!(
            decide(
                ClaimStatus::Pending,
                ClaimSide::Claimant,
                ClaimAction::Approve,
                ""
            ),
            Err(ClaimRefusal::NotAllowed)
        );
    }

    #[test]
    fn the_territory_leads_decide_and_platform_admins_where_there_are_none() {
        use crate::domain::policy::{Membership, Role, Scope};
        let person = |id: i64, memberships: Vec<(Scope, Role)>| Viewer {
            user_id: Some(id),
            memberships: memberships
                .into_iter()
                .map(|(scope, role)| Membership { scope, role })
                .collect(),
        };
        let arve = || Scope::Territory("ti-8422".into());
        let manager = person(2, vec![(arve(), Role::ProjectManager)]);
        let team = person(3, vec![(arve(), Role::TeamMember)]);
        let admin = person(4, vec![(Scope::Platform, Role::PlatformAdmin)]);
        let elsewhere = person(
            5,
            vec![(Scope::Territory("ti-8413".into()), Role::ElectedCoLead)],
        );
        let t = Some("ti-8422");
        assert_eq!(side(&manager, 1, t, true), ClaimSide::Decider);
        assert_eq!(side(&team, 1, t, true), ClaimSide::Neither);
        assert_eq!(side(&elsewhere, 1, t, true), ClaimSide::Neither);
        assert_eq!(side(&admin, 1, t, true), ClaimSide::Neither);
        assert_eq!(side(&admin, 1, t, false), ClaimSide::Decider);
        assert_eq!(side(&admin, 1, None, true), ClaimSide::Decider);
        // The chef de projet claiming a firm of their own territory only withdraws.
        assert_eq!(side(&manager, 2, t, true), ClaimSide::Claimant);
        assert_eq!(side(&Viewer::anonymous(), 1, t, true), ClaimSide::Neither);
    }

    #[test]
    fn only_a_verified_address_at_the_firm_own_domain_skips_the_decision() {
        let at_once = |email: &str, site: &str, recorded: &str| {
            approved_at_once(ClaimKind::Claim, email, true, site, recorded)
        };
        assert!(at_once(
            "c.martin@arve-decolletage.fr",
            "https://www.arve-decolletage.fr/",
            ""
        ));
        assert!(at_once(
            "c.martin@arve-decolletage.fr",
            "",
            "contact@arve-decolletage.fr"
        ));
        assert!(at_once(
            "c.martin@Arve-Decolletage.FR",
            "http://shop.arve-decolletage.fr",
            ""
        ));
        // Another domain, a look-alike, free mail, nothing recorded.
        assert!(!at_once(
            "c.martin@autre.fr",
            "https://www.arve-decolletage.fr",
            ""
        ));
        assert!(!at_once(
            "c.martin@decolletage.fr",
            "https://arve-decolletage.fr",
            ""
        ));
        assert!(!at_once(
            "arve.decolletage@gmail.com",
            "https://gmail.com",
            "x@gmail.com"
        ));
        assert!(!at_once("c.martin@arve-decolletage.fr", "", ""));
        // Unverified, or a creation: people decide.
        assert!(!approved_at_once(
            ClaimKind::Claim,
            "c.martin@arve-decolletage.fr",
            false,
            "https://arve-decolletage.fr",
            ""
        ));
        assert!(!approved_at_once(
            ClaimKind::Creation,
            "c.martin@arve-decolletage.fr",
            true,
            "https://arve-decolletage.fr",
            ""
        ));
    }
}
