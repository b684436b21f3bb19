//! Signing in (password or e-mailed link), signing up, and asking for a new password.

use super::*;

/// `/connexion`
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let sign_up = format!(
        "/inscription{}",
        return_to().map(|r| r.query('?')).unwrap_or_default()
    );
    view! {
        <PageTitle key=Key::SignInTitle/>
        <Flash done=DONE/>
        {(return_to().is_some() && use_query_map().read_untracked().get("erreur").is_none()).then(|| view! { <p class="lead" data-testid="why-sign-in">{t(lang, Key::ErrSignInRequired)}</p> })}
        <div class="two-forms">
            <form method="post" action="/auth/connexion" class="card-form">
                <h2>{t(lang, Key::WithPassword)}</h2>
                {return_field()}
                {email_field(lang, "si-email")}
                {password_field(lang, "si-password", false)}
                <button type="submit">{t(lang, Key::SignIn)}</button>
                <p><a href="/mot-de-passe-oublie">{t(lang, Key::ForgotPassword)}</a></p>
            </form>
            <form method="post" action="/auth/lien-magique" class="card-form">
                <h2>{t(lang, Key::WithLink)}</h2>
                <p class="hint">{t(lang, Key::WithLinkHint)}</p>
                {return_field()}
                {email_field(lang, "ml-email")}
                <button type="submit">{t(lang, Key::SendLink)}</button>
            </form>
        </div>
        <p>{t(lang, Key::NoAccountYet)} " " <a href=sign_up>{t(lang, Key::SignUp)}</a></p>
    }
}

/// `/inscription`
#[component]
pub fn SignUpPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <PageTitle key=Key::SignUpTitle/>
        <Flash done=DONE/>
        <form method="post" action="/auth/inscription" class="card-form">
            <ProblemSummary/>
            {return_field()}
            {Field::new("su-name", "name", Key::NameLabel).required(true).length(1, 120).autocomplete("name").view(lang)}
            {email_field(lang, "su-email")}
            {password_field(lang, "su-password", true)}
            <button type="submit">{t(lang, Key::SignUp)}</button>
        </form>
    }
}

/// `/mot-de-passe-oublie`
#[component]
pub fn ForgotPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <PageTitle key=Key::ForgotPassword/>
        <Flash done=DONE/>
        <form method="post" action="/auth/mot-de-passe-oublie" class="card-form">
            {email_field(lang, "fp-email")}
            <button type="submit">{t(lang, Key::SendLink)}</button>
        </form>
    }
}
