//! How a failed load is shown to the reader.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// A clear message for an error, without internals; on the server it also sets the status.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    let signed_out = error == AppError::Unauthorized;
    // Signed out, the page is a redirect to the sign-in page, which comes back here.
    let href = super::heading::sign_in_href();
    if signed_out {
        super::heading::send_to(&href);
    }
    let (title, body) = match error {
        AppError::NotFound => (Key::NotFoundTitle, Key::NotFoundBody),
        AppError::Forbidden => (Key::ForbiddenTitle, Key::ForbiddenBody),
        AppError::Unauthorized => (Key::SignInRequiredTitle, Key::ErrSignInRequired),
        // A request refused for what it asks (a search over its limits, a bad filter) is not
        // an outage: say so, and what to change.
        AppError::Invalid(_) => (Key::InvalidRequestTitle, Key::InvalidRequestBody),
        _ => (Key::ErrorTitle, Key::ErrorBody),
    };
    view! {
        <leptos_meta::Title text=t(lang, title)/>
        <section class="error-box" role="alert">
            <h1>{t(lang, title)}</h1>
            <p>{t(lang, body)}</p>
            {signed_out.then(|| view! { <p><a href=href.clone()>{t(lang, Key::SignIn)}</a></p> })}
            <p><a href="/">{t(lang, Key::BackHome)}</a></p>
        </section>
    }
}
