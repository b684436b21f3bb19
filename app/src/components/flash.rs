//! The outcome of a form, carried back in the address: `?erreur=code` or one of the page's
//! success codes (`?cree=1`...), shown as an alert or a status message.

use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Codes any form can come back with, whatever its page: the body itself was refused before
/// any field was read.
fn common_error(code: &str) -> Option<Key> {
    match code {
        "form_invalid" => Some(Key::ErrFormInvalid),
        "text_invalid" => Some(Key::ErrTextInvalid),
        "text_too_long" => Some(Key::ErrTextTooLong),
        _ => None,
    }
}

/// `errors` names the message of an error code; `done` lists the page's success codes.
#[component]
pub fn Flash(errors: fn(&str) -> Key, done: &'static [(&'static str, Key)]) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("erreur") {
            let key = common_error(&code).unwrap_or_else(|| errors(&code));
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
