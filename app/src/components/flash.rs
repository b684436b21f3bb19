//! The outcome of a form, carried back in the address: `?erreur=code` or one of the page's
//! success codes (`?cree=1`...), shown as an alert or a status message.

use crate::error::Problem;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A field problem (`?erreur=title_too_long`) is told by its own label, the same on every
/// page; `errors` names the page's other outcomes (a conflict, a refusal); `done` lists the
/// page's success codes.
#[component]
pub fn Flash(errors: fn(&str) -> Key, done: &'static [(&'static str, Key)]) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("erreur") {
            let key = Problem::parse(&code).map_or_else(|| errors(&code), Problem::key);
            return Some(
                view! { <p class="flash error" role="alert" data-testid="flash">{t(lang, key)}</p> }
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
