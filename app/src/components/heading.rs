//! What opens a page: its title (the browser's tab and the first heading, one text), and
//! the invitation to sign in where a page needs an account.

use crate::i18n::{t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// The page's title in the browser's tab and as its first heading.
#[component]
pub fn PageTitle(key: Key) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=t(lang, key)/>
        <h1>{t(lang, key)}</h1>
    }
}

/// Why the page needs an account (`why`), and the link to sign in and come back. On the
/// server the answer is also a redirect to that sign-in page: a signed-out person following a
/// mail's link is asked to sign in, then brought back here.
pub fn sign_in_prompt(lang: Lang, why: Key) -> AnyView {
    let href = sign_in_href();
    send_to(&href);
    view! { <p>{t(lang, why)} " " <a href=href>{t(lang, Key::SignIn)}</a></p> }.into_any()
}

/// The sign-in page, told to come back to the page being drawn (`?suite=`).
pub fn sign_in_href() -> String {
    #[cfg(feature = "ssr")]
    let here = use_context::<http::request::Parts>()
        .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
        .and_then(|pq| crate::domain::ids::ReturnTo::parse(&pq));
    #[cfg(not(feature = "ssr"))]
    let here: Option<crate::domain::ids::ReturnTo> = None;
    match here {
        Some(here) => format!("/connexion{}", here.query('?')),
        None => "/connexion".to_owned(),
    }
}

/// Answers the page being drawn with a redirect (303) to `href`, on the server.
pub fn send_to(href: &str) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(location)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(href),
    ) {
        response.set_status(http::StatusCode::SEE_OTHER);
        response.insert_header(http::header::LOCATION, location);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = href;
}
