//! The outcome of a form, carried back in the address: `?erreur=code` or one of the page's
//! success codes (`?cree=1`...), shown as an alert or a status message.

use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `errors` names the message of an error code; `done` lists the page's success codes.
#[component]
pub fn Flash(errors: fn(&str) -> Key, done: &'static [(&'static str, Key)]) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("erreur") {
            return Some(
                view! { <p class="flash error" role="alert" data-testid="flash">{t(lang, errors(&code))}</p> }
                    .into_any(),
            );
        }
        done.iter()
            .find(|(k, _)| q.get(k).is_some())
            .map(|(_, key)| {
                view! { <p class="flash ok" role="status" data-testid="flash">{t(lang, *key)}</p> }
                    .into_any()
            })
    }
}
