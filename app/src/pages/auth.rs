//! Account pages: sign-in, sign-up, one-time links, password reset, invitations, account.
//!
//! Every form is a plain POST to `/auth/...` (or `/compte/...`) answered by a redirect, so
//! they work without WebAssembly. Outcomes come back as a code in the address (`?erreur=`,
//! `?envoye=`) and are shown translated.

use crate::api::accounts::{
    get_account, get_link_address, AccountOverview, LinkPurpose, MIN_PASSWORD_CHARS,
};
use crate::components::{ErrorView, Flash};
use crate::domain::notification::Frequency;
use crate::domain::policy::{Role, ScopeKind, TokenScope};
use crate::i18n::{t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The translated message of an error code from a form handler.
fn error_key(code: &str) -> Key {
    match code {
        "credentials" => Key::ErrCredentials,
        "not_found" => Key::NotFoundBody,
        "signin_required" => Key::ErrSignInRequired,
        "forbidden" => Key::ForbiddenBody,
        _ => Key::ErrorBody,
    }
}

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("envoye", Key::FlashSent),
    ("lien", Key::FlashLinkSent),
    ("verifie", Key::FlashVerified),
    ("deconnecte", Key::FlashSignedOut),
    ("profil", Key::FlashSaved),
    ("notifications", Key::FlashSaved),
    ("jeton", Key::FlashTokenRevoked),
    ("mot-de-passe", Key::FlashPasswordChanged),
    ("invitation", Key::FlashInvitation),
    ("membre", Key::FlashInvitation),
];

fn email_field(lang: Lang, id: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(lang, Key::EmailLabel)}</label>
            <input id=id type="email" name="email" required autocomplete="email"/>
        </div>
    }
}

fn password_field(lang: Lang, id: &'static str, new: bool) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(lang, if new { Key::NewPasswordLabel } else { Key::PasswordLabel })}</label>
            <input id=id type="password" name="password" required
                minlength=if new { MIN_PASSWORD_CHARS.to_string() } else { "1".to_owned() }
                autocomplete=if new { "new-password" } else { "current-password" }/>
            {new.then(|| view! { <p class="hint">{t(lang, Key::PasswordHint)}</p> })}
        </div>
    }
}

/// `/connexion`
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=t(lang, Key::SignInTitle)/>
        <h1>{t(lang, Key::SignInTitle)}</h1>
        <Flash errors=error_key done=DONE/>
        <div class="two-forms">
            <form method="post" action="/auth/connexion" class="card-form">
                <h2>{t(lang, Key::WithPassword)}</h2>
                {email_field(lang, "si-email")}
                {password_field(lang, "si-password", false)}
                <button type="submit">{t(lang, Key::SignIn)}</button>
                <p><a href="/mot-de-passe-oublie">{t(lang, Key::ForgotPassword)}</a></p>
            </form>
            <form method="post" action="/auth/lien-magique" class="card-form">
                <h2>{t(lang, Key::WithLink)}</h2>
                <p class="hint">{t(lang, Key::WithLinkHint)}</p>
                {email_field(lang, "ml-email")}
                <button type="submit">{t(lang, Key::SendLink)}</button>
            </form>
        </div>
        <p>{t(lang, Key::NoAccountYet)} " " <a href="/inscription">{t(lang, Key::SignUp)}</a></p>
    }
}

/// `/inscription`
#[component]
pub fn SignUpPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=t(lang, Key::SignUpTitle)/>
        <h1>{t(lang, Key::SignUpTitle)}</h1>
        <Flash errors=error_key done=DONE/>
        <form method="post" action="/auth/inscription" class="card-form">
            <div class="field">
                <label for="su-name">{t(lang, Key::NameLabel)}</label>
                <input id="su-name" type="text" name="name" required autocomplete="name"/>
            </div>
            {email_field(lang, "su-email")}
            {password_field(lang, "su-password", true)}
            <button type="submit">{t(lang, Key::SignUp)}</button>
        </form>
    }
}

/// A page holding a one-time token that the visitor confirms with a button (mail scanners
/// follow links; they do not submit forms).
#[component]
fn TokenPage(
    title: Key,
    action: &'static str,
    button: Key,
    purpose: LinkPurpose,
    #[prop(optional)] new_password: bool,
    #[prop(optional)] confirm_password: bool,
    #[prop(optional)] invitation: bool,
    #[prop(optional)] name: bool,
) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let address = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        move |token| get_link_address(token, purpose),
    );
    view! {
        <Title text=t(lang, title)/>
        <h1>{t(lang, title)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match address.await {
                    Ok(Some(email)) => view! {
                        <p class="lead" data-testid="link-address">{t(lang, Key::LinkAddress)} " " <strong>{email}</strong></p>
                        <p class="hint">{t(lang, Key::LinkAddressHint)}</p>
                    }.into_any(),
                    _ => view! {
                        <p class="flash error" role="alert" data-testid="link-address">{t(lang, Key::ErrLinkInvalid)}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
        <form method="post" action=action class="card-form">
            <input type="hidden" name="token" value=token/>
            {name.then(|| view! {
                <div class="field">
                    <label for="tk-name">{t(lang, Key::NameLabel)}</label>
                    <input id="tk-name" type="text" name="name" autocomplete="name"/>
                </div>
            })}
            {new_password.then(|| password_field(lang, "tk-password", true))}
            {invitation.then(|| view! {
                <div class="field">
                    <label for="tk-password">{t(lang, Key::PasswordLabel)}</label>
                    <input id="tk-password" type="password" name="password"
                        minlength=MIN_PASSWORD_CHARS.to_string() autocomplete="new-password"
                        aria-describedby="tk-password-hint"/>
                    <p class="hint" id="tk-password-hint">{t(lang, Key::InvitationPasswordHint)}</p>
                </div>
            })}
            {confirm_password.then(|| view! {
                <div class="field">
                    <label for="tk-password">{t(lang, Key::PasswordLabel)}</label>
                    <input id="tk-password" type="password" name="password" required
                        minlength=MIN_PASSWORD_CHARS.to_string() autocomplete="current-password"
                        aria-describedby="tk-password-hint"/>
                    <p class="hint" id="tk-password-hint">{t(lang, Key::ConfirmPasswordHint)}</p>
                </div>
            })}
            <button type="submit">{t(lang, button)}</button>
        </form>
    }
}

/// `/lien?token=`
#[component]
pub fn MagicLinkPage() -> impl IntoView {
    view! { <TokenPage title=Key::MagicLinkTitle action="/auth/lien" button=Key::SignIn purpose=LinkPurpose::Magic/> }
}

/// `/verifier?token=`
#[component]
pub fn VerifyPage() -> impl IntoView {
    view! { <TokenPage title=Key::VerifyTitle action="/auth/verifier" button=Key::ConfirmAddress purpose=LinkPurpose::Verify confirm_password=true/> }
}

/// `/reinitialiser?token=`
#[component]
pub fn ResetPage() -> impl IntoView {
    view! { <TokenPage title=Key::ResetTitle action="/auth/reinitialiser" button=Key::SavePassword purpose=LinkPurpose::Reset new_password=true/> }
}

/// `/invitation?token=`
#[component]
pub fn InvitationPage() -> impl IntoView {
    view! { <TokenPage title=Key::InvitationTitle action="/auth/invitation" button=Key::AcceptInvitation purpose=LinkPurpose::Invite invitation=true name=true/> }
}

/// `/mot-de-passe-oublie`
#[component]
pub fn ForgotPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=t(lang, Key::ForgotPassword)/>
        <h1>{t(lang, Key::ForgotPassword)}</h1>
        <Flash errors=error_key done=DONE/>
        <form method="post" action="/auth/mot-de-passe-oublie" class="card-form">
            {email_field(lang, "fp-email")}
            <button type="submit">{t(lang, Key::SendLink)}</button>
        </form>
    }
}

fn date(ts: i64) -> String {
    let (y, m, d) = crate::domain::text::civil_date(ts);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `/compte`
#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let account = Resource::new(|| (), |_| get_account());
    view! {
        <Title text=t(lang, Key::AccountTitle)/>
        <h1>{t(lang, Key::AccountTitle)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(a) => view! { <AccountView a/> }.into_any(),
                    Err(crate::error::AppError::Unauthorized) => view! {
                        <p>{t(lang, Key::ErrSignInRequired)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p>
                    }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(a: AccountOverview) -> impl IntoView {
    let lang = use_lang();
    let user = a.user;
    let memberships = user
        .memberships
        .iter()
        .map(|m| {
            let link = match m.scope_kind.as_str() {
                "organisation" => Some(format!("/organisations/{}", m.scope_id)),
                "territory" => Some(format!("/territoires/{}", m.scope_id)),
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
        .map(|s| view! { <li>{date(s.created_at)} " · " {s.user_agent} {s.current.then(|| view! { " " <strong>{t(lang, Key::ThisSession)}</strong> })}</li> })
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
    view! {
        <section aria-labelledby="profile-h">
            <h2 id="profile-h">{t(lang, Key::ProfileHeading)}</h2>
            <p data-testid="account-email">{user.email.clone()} {(!user.verified).then(|| view! { " " <span class="badge demo">{t(lang, Key::Unverified)}</span> })}</p>
            <form method="post" action="/compte/profil" class="card-form">
                <div class="field">
                    <label for="pf-name">{t(lang, Key::NameLabel)}</label>
                    <input id="pf-name" type="text" name="name" required value=user.name.clone()/>
                </div>
                <div class="field">
                    <label for="pf-lang">{t(lang, Key::LanguageLabel)}</label>
                    <select id="pf-lang" name="lang">
                        <option value="fr" selected=user.lang == "fr">"Français"</option>
                        <option value="en" selected=user.lang == "en">"English"</option>
                    </select>
                </div>
                <button type="submit">{t(lang, Key::Save)}</button>
            </form>
        </section>
        <section aria-labelledby="memberships-h">
            <h2 id="memberships-h">{t(lang, Key::MembershipsHeading)}</h2>
            {if user.memberships.is_empty() {
                view! { <p class="muted">{t(lang, Key::NoMemberships)}</p> }.into_any()
            } else {
                view! { <ul data-testid="memberships">{memberships}</ul> }.into_any()
            }}
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
            <form method="post" action="/compte/jetons" class="card-form">
                <div class="field">
                    <label for="tk-new">{t(lang, Key::TokenName)}</label>
                    <input id="tk-new" type="text" name="name" required maxlength="80"/>
                </div>
                <fieldset class="field">
                    <legend>{t(lang, Key::TokenScopeLabel)}</legend>
                    <label><input type="radio" name="scope" value="read" checked/> {t(lang, Key::TokenRead)}</label>
                    <label><input type="radio" name="scope" value="write"/> {t(lang, Key::TokenWrite)}</label>
                </fieldset>
                <div class="field">
                    <label for="tk-days">{t(lang, Key::TokenDaysLabel)}</label>
                    <input id="tk-days" type="number" name="days" value="90" min="1" max="365" required/>
                </div>
                <button type="submit">{t(lang, Key::CreateToken)}</button>
            </form>
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

#[component]
fn InvitationsSection(
    targets: Vec<crate::api::accounts::InviteTarget>,
    sent: Vec<crate::api::accounts::InvitationView>,
    received: Vec<crate::api::accounts::InvitationView>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = targets
        .into_iter()
        .enumerate()
        .map(|(i, target)| {
            let email_id = format!("inv-email-{i}");
            let role_id = format!("inv-role-{i}");
            let roles = target.roles.into_iter().map(|r| { let label = Role::label_of(lang, &r); view! { <option value=r>{label}</option> } }).collect_view();
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
                <form method="post" action="/compte/invitations" class="card-form" data-testid="invite-form">
                    <h3>{target.scope_label}</h3>
                    <input type="hidden" name="scope_kind" value=target.scope_kind/>
                    <input type="hidden" name="scope_id" value=target.scope_id/>
                    <div class="field">
                        <label for=email_id.clone()>{t(lang, Key::EmailLabel)}</label>
                        <input id=email_id type="email" name="email" required/>
                    </div>
                    <div class="field">
                        <label for=role_id.clone()>{t(lang, Key::RoleLabel)}</label>
                        <select id=role_id name="role">{roles}</select>
                    </div>
                    <button type="submit">{t(lang, Key::SendInvitation)}</button>
                </form>
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
