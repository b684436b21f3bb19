//! The outcome of a form, carried back in the address: `?erreur=code` or one of the page's
//! success codes (`?cree=1`...), shown as an alert or a status message.

use super::refused::use_refused;
use crate::error::{AppError, Conflict, Problem};
use crate::i18n::{count, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The text of an outcome code any form handler may come back with (`AppError::query`);
/// a conflict is told by which one it is (`conflit=`), else as a change made meanwhile.
fn outcome_key(code: &str, conflict: Option<Conflict>) -> Key {
    match code {
        "conflict" => conflict.unwrap_or(Conflict::ChangedMeanwhile).key(),
        "forbidden" => Key::ForbiddenBody,
        "signin_required" => Key::ErrSignInRequired,
        "credentials" => Key::ErrCredentials,
        "not_found" => Key::NotFoundBody,
        _ => Key::ErrorBody,
    }
}

/// A field problem (`?erreur=title_too_long`) is told by its own label, the same on every
/// page, and the other outcomes (a refusal, which conflict) by one table; `done` lists the
/// page's success codes.
#[component]
pub fn Flash(done: &'static [(&'static str, Key)]) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // A refused form drawn again in place: its refusal, when it is about no one field (field
    // problems are told beside their fields).
    let refusal = use_refused().and_then(|r| r.error).map(|e| match e {
        AppError::Conflict(c) => c.key(),
        other => outcome_key(&other.code(), None),
    });
    move || {
        if let Some(key) = refusal {
            return Some(
                view! { <p class="flash error" role="alert" data-testid="flash">{t(lang, key)}</p> }
                    .into_any(),
            );
        }
        let q = query.read();
        if let Some(code) = q.get("erreur") {
            let conflict = q.get("conflit").and_then(|c| Conflict::parse(&c));
            let key =
                Problem::parse(&code).map_or_else(|| outcome_key(&code, conflict), Problem::key);
            return Some(
                view! { <p class="flash error" role="alert" data-testid="flash">{t(lang, key)}</p> }
                    .into_any(),
            );
        }
        // Who heard of it, when the step tells anyone (`prevenus=N`).
        let told = q.get("prevenus").and_then(|n| n.parse::<u64>().ok());
        done.iter()
            .find(|(k, _)| q.get(k).is_some())
            .map(|(_, key)| {
                let told = told.map(|n| view! { " " <span data-testid="told">{told_sentence(lang, n)}</span> });
                view! { <p class="flash ok" role="status" data-testid="flash">{t(lang, *key)}{told}</p> }
                    .into_any()
            })
    }
}

/// "2 personnes sont prévenues.", or, when nobody could be, that the step waits for them.
fn told_sentence(lang: Lang, n: u64) -> String {
    if n == 0 {
        return t(lang, Key::ToldNobody).to_owned();
    }
    let verb = t(
        lang,
        if n == 1 {
            Key::ToldOneVerb
        } else {
            Key::ToldManyVerb
        },
    );
    format!(
        "{} {verb}",
        count(lang, n, Key::PersonWord, Key::PeopleWord)
    )
}
