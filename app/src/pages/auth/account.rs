//! `/compte`: the reader's profile, sessions, API tokens, notifications and invitations.

use super::*;

pub(super) fn date(ts: i64) -> String {
    let (y, m, d) = crate::domain::text::civil_date(ts);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `/compte`
#[component]
pub fn AccountPage() -> impl IntoView {
    let page = Frame::new(Key::AccountTitle)
        .done(DONE)
        .signed_out(Key::ErrSignInRequired);
    page.loading(get_account, |_, a| view! { <AccountView a/> })
}

#[component]
pub(super) fn AccountView(a: AccountOverview) -> impl IntoView {
    let lang = use_lang();
    let user = a.user;
    let memberships = user
        .memberships
        .iter()
        .map(|m| {
            let link = match ScopeKind::parse(&m.scope_kind) {
                Some(ScopeKind::Organisation) => Some(format!("/organisations/{}", m.scope_id)),
                Some(ScopeKind::Territory) => Some(format!("/territoires/{}", m.scope_id)),
                _ => None,
            };
            let edit = (ScopeKind::Organisation.is(&m.scope_kind) && Role::parse(&m.role) == Some(Role::Admin)).then(|| format!("/organisations/{}/modifier", m.scope_id));
            view! {
                <li>
                    {match link { Some(l) => view! { <a href=l>{m.scope_label.clone()}</a> }.into_any(), None => view! { <span>{m.scope_label.clone()}</span> }.into_any() }}
                    " · " <span class="badge">{Role::label_of(lang, &m.role)}</span>
                    {edit.map(|e| view! { " · " <a href=e data-testid="edit-organisation">{t(lang, Key::EditProfile)}</a> })}
                </li>
            }
        })
        .collect_view();
    let sessions = a
        .sessions
        .into_iter()
        .map(|s| view! { <li>{date(s.created_at)} " · " {crate::domain::text::device_summary(&s.user_agent).unwrap_or_else(|| t(lang, Key::UnknownDevice).to_owned())} {s.current.then(|| view! { " " <strong>{t(lang, Key::ThisSession)}</strong> })}</li> })
        .collect_view();
    let tokens = a
        .tokens
        .into_iter()
        .map(|tk| {
            view! {
                <li>
                    <strong>{tk.name}</strong> " · " {date(tk.created_at)} " · "
                    <span class="badge">{t(lang, if TokenScope::parse(&tk.scope) == Some(TokenScope::Write) { Key::TokenWrite } else { Key::TokenRead })}</span>
                    {tk.expires_at.map(|e| view! { " · " {t(lang, Key::TokenExpires)} " " {date(e)} })}
                    {if tk.revoked || tk.expired {
                        let key = if tk.revoked { Key::Revoked } else { Key::TokenExpired };
                        view! { " · " <span class="badge">{t(lang, key)}</span> }.into_any()
                    } else {
                        view! {
                            <form method="post" action=format!("/compte/jetons/{}/revoquer", tk.id) class="inline">
                                <button type="submit" class="link-button">{t(lang, Key::Revoke)}</button>
                            </form>
                        }.into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let notifications = a
        .notifications
        .into_iter()
        .map(|(kind, current)| {
            let id = format!("nf-{}", kind.code());
            let options = Frequency::ALL
                .iter()
                .map(|f| view! { <option value=f.code() selected=*f == current>{t(lang, f.key())}</option> })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{t(lang, kind.key())}</label>
                    <select id=id name=kind.code()>{options}</select>
                </div>
            }
        })
        .collect_view();
    let offers_sites = crate::domain::policy::may_offer_sites(&user.viewer());
    view! {
        <section aria-labelledby="profile-h">
            <h2 id="profile-h">{t(lang, Key::ProfileHeading)}</h2>
            <p data-testid="account-email">{user.email.clone()} {(!user.verified).then(|| view! { " " <span class="badge demo">{t(lang, Key::Unverified)}</span> })}</p>
            <crate::components::FormScope action="/compte/profil">
                <form method="post" action="/compte/profil" class="card-form">
                    <crate::components::ProblemSummary/>
                    {crate::components::Field::new("pf-name", "name", Key::NameLabel).value(user.name.clone()).required(true).autocomplete("name").view(lang)}
                    {crate::components::Select::new("pf-lang", "lang", Key::LanguageLabel)
                        .options([("fr", "Français"), ("en", "English")])
                        .chosen(user.lang.clone())
                        .view(lang)}
                    <button type="submit">{t(lang, Key::Save)}</button>
                </form>
            </crate::components::FormScope>
        </section>
        <section aria-labelledby="memberships-h">
            <h2 id="memberships-h">{t(lang, Key::MembershipsHeading)}</h2>
            {if user.memberships.is_empty() {
                view! { <p class="muted">{t(lang, Key::NoMemberships)}</p> }.into_any()
            } else {
                view! { <ul data-testid="memberships">{memberships}</ul> }.into_any()
            }}
            <p>
                <a href="/rejoindre" data-testid="join-link">{t(lang, Key::JoinTitle)}</a>
                " · "
                <a href="/revendications">{t(lang, Key::ClaimsTitle)}</a>
                {offers_sites.then(|| view! {
                    " · " <a href="/foncier/nouveau" data-testid="new-site-link">{t(lang, Key::SiteNewLink)}</a>
                })}
            </p>
            <form method="post" action="/compte/nom-public" class="card-form" data-testid="name-public-form">
                <div class="field checkbox">
                    <input type="checkbox" id="np-public" name="public" value="1" checked=a.name_public/>
                    <label for="np-public">{t(lang, Key::NamePublicLabel)}</label>
                </div>
                <p class="hint">{t(lang, Key::NamePublicHint)}</p>
                <button type="submit">{t(lang, Key::Save)}</button>
            </form>
        </section>
        <InvitationsSection
            targets=a.invite_targets.clone()
            sent=a.invitations_sent.clone()
            received=a.invitations_received.clone()
        />
        <section aria-labelledby="notif-h">
            <h2 id="notif-h">{t(lang, Key::NotificationsHeading)}</h2>
            <form method="post" action="/compte/notifications" class="card-form">
                {notifications}
                <button type="submit">{t(lang, Key::Save)}</button>
            </form>
        </section>
        <section aria-labelledby="tokens-h">
            <h2 id="tokens-h">{t(lang, Key::TokensHeading)}</h2>
            <ul>{tokens}</ul>
            <crate::components::FormScope action="/compte/jetons">
                <TokenForm/>
            </crate::components::FormScope>
        </section>
        <section aria-labelledby="sessions-h">
            <h2 id="sessions-h">{t(lang, Key::SessionsHeading)}</h2>
            <ul>{sessions}</ul>
            <form method="post" action="/auth/deconnexion-partout">
                <button type="submit">{t(lang, Key::SignOutEverywhere)}</button>
            </form>
        </section>
    }
}

/// A new API token: its name, what it may do, how many days it lasts. Refused, it comes
/// back as typed.
#[component]
fn TokenForm() -> impl IntoView {
    let lang = use_lang();
    let write = crate::components::typed_or("scope", "read") == "write";
    let days = crate::components::typed_or("days", "90");
    let days_problem =
        crate::components::field_problem(lang, "days", "tk-days", Key::TokenDaysLabel);
    let days_invalid = days_problem.message.is_some().then_some("true");
    view! {
        <form method="post" action="/compte/jetons" class="card-form">
            <crate::components::ProblemSummary/>
            {crate::components::Field::new("tk-new", "name", Key::TokenName).required(true).length(1, 80).view(lang)}
            <fieldset class="field">
                <legend>{t(lang, Key::TokenScopeLabel)}</legend>
                <label><input type="radio" name="scope" value="read" checked=!write/> {t(lang, Key::TokenRead)}</label>
                <label><input type="radio" name="scope" value="write" checked=write/> {t(lang, Key::TokenWrite)}</label>
            </fieldset>
            <div class="field" class:has-problem=days_invalid.is_some()>
                <label for="tk-days">{t(lang, Key::TokenDaysLabel)} " *"</label>
                {days_problem.message}
                <input id="tk-days" type="number" name="days" value=days min="1" max="365" required
                    aria-describedby=days_problem.described_by aria-invalid=days_invalid/>
            </div>
            <button type="submit">{t(lang, Key::CreateToken)}</button>
        </form>
    }
}

#[component]
pub(super) fn InvitationsSection(
    targets: Vec<crate::api::accounts::InviteTarget>,
    sent: Vec<crate::api::accounts::InvitationView>,
    received: Vec<crate::api::accounts::InvitationView>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = targets
        .into_iter()
        .enumerate()
        .map(|(i, target)| {
            let roles: Vec<(String, String)> = target.roles.into_iter().map(|r| { let label = Role::label_of(lang, &r); (r, label) }).collect();
            let keys = vec![("scope_kind", target.scope_kind.clone()), ("scope_id", target.scope_id.clone())];
            let (kind, id) = (target.scope_kind.clone(), target.scope_id.clone());
            let has_people = !target.members.is_empty() || !target.pending.is_empty();
            let members = target.members.into_iter().map(|m| {
                let (kind, id) = (kind.clone(), id.clone());
                let label = format!("{} {} ({})", t(lang, Key::RemoveMember), m.name, Role::label_of(lang, &m.role));
                view! {
                    <li data-testid="member">
                        {m.name.clone()} " · " {m.email} " · " <span class="badge">{Role::label_of(lang, &m.role)}</span> " "
                        <form method="post" action="/compte/membres/retirer" class="inline">
                            <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                            <input type="hidden" name="scope_kind" value=kind/>
                            <input type="hidden" name="scope_id" value=id/>
                            <input type="hidden" name="role" value=m.role/>
                            <button type="submit" class="secondary" aria-label=label>{t(lang, Key::RemoveMember)}</button>
                        </form>
                    </li>
                }
            }).collect_view();
            let pending = target.pending.into_iter().map(|p| {
                let (kind, id) = (kind.clone(), id.clone());
                let label = format!("{} {} ({})", t(lang, Key::RevokeInvitation), p.email, Role::label_of(lang, &p.role));
                view! {
                    <li data-testid="pending-invitation">
                        {p.email.clone()} " · " <span class="badge">{Role::label_of(lang, &p.role)}</span> " · " {date(p.at)} " "
                        <form method="post" action="/compte/invitations/revoquer" class="inline">
                            <input type="hidden" name="email" value=p.email/>
                            <input type="hidden" name="scope_kind" value=kind/>
                            <input type="hidden" name="scope_id" value=id/>
                            <input type="hidden" name="role" value=p.role/>
                            <button type="submit" class="secondary" aria-label=label>{t(lang, Key::RevokeInvitation)}</button>
                        </form>
                    </li>
                }
            }).collect_view();
            view! {
                {has_people.then(|| view! {
                    <h3>{t(lang, Key::PeopleOf)} " " {target.scope_label.clone()}</h3>
                    <ul class="people">{members}{pending}</ul>
                })}
                <crate::components::FormScope action="/compte/invitations" keys=keys>
                    <form method="post" action="/compte/invitations" class="card-form" data-testid="invite-form">
                        <h3>{target.scope_label}</h3>
                        <crate::components::ProblemSummary/>
                        <input type="hidden" name="scope_kind" value=target.scope_kind/>
                        <input type="hidden" name="scope_id" value=target.scope_id/>
                        {crate::components::Field::new(format!("inv-email-{i}"), "email", Key::EmailLabel).kind("email").required(true).view(lang)}
                        {crate::components::Select::new(format!("inv-role-{i}"), "role", Key::RoleLabel).options(roles).view(lang)}
                        <button type="submit">{t(lang, Key::SendInvitation)}</button>
                    </form>
                </crate::components::FormScope>
            }
        })
        .collect_view();
    let list = |items: Vec<crate::api::accounts::InvitationView>| {
        items
            .into_iter()
            .map(|i| view! { <li>{i.email} " · " {i.scope_label} " · " <span class="badge">{Role::label_of(lang, &i.role)}</span> " · " {date(i.at)}</li> })
            .collect_view()
    };
    let (has_sent, has_received) = (!sent.is_empty(), !received.is_empty());
    view! {
        <section aria-labelledby="inv-h">
            <h2 id="inv-h">{t(lang, Key::InvitationsHeading)}</h2>
            {forms}
            {has_sent.then(|| view! { <h3>{t(lang, Key::InvitationsSent)}</h3><ul>{list(sent)}</ul> })}
            {has_received.then(|| view! { <h3>{t(lang, Key::InvitationsReceived)}</h3><p class="hint">{t(lang, Key::InvitationsReceivedHint)}</p><ul>{list(received)}</ul> })}
        </section>
    }
}
