//! The pages an e-mailed link opens: sign-in link, address check, new password, invitation.

use super::*;

/// A page holding a one-time token that the visitor confirms with a button (mail scanners
/// follow links; they do not submit forms).
#[component]
pub(super) fn TokenPage(
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
        <Flash done=DONE/>
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
            {return_field()}
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
