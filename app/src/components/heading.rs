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

/// Why the page needs an account (`why`), and the link to sign in.
pub fn sign_in_prompt(lang: Lang, why: Key) -> AnyView {
    view! { <p>{t(lang, why)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p> }.into_any()
}
