//! A fieldset of checkboxes over a vocabulary, such as the themes a territory declares.

use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// One labelled checkbox per `(code, label)` under `legend`, all named `name`, with the
/// `chosen` codes checked. Ids are `{prefix}-{code}`.
#[component]
pub fn Checklist(
    legend: Key,
    prefix: &'static str,
    name: &'static str,
    options: Vec<(&'static str, Key)>,
    chosen: Vec<String>,
) -> impl IntoView {
    let lang = use_lang();
    let boxes = options
        .into_iter()
        .map(|(code, label)| {
            let id = format!("{prefix}-{code}");
            let checked = chosen.iter().any(|c| c == code);
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone() name=name value=code checked=checked/>
                    <label for=id>{t(lang, label)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{t(lang, legend)}</legend>
            {boxes}
        </fieldset>
    }
}

/// Every theme, for a `Checklist`.
pub fn theme_options() -> Vec<(&'static str, Key)> {
    crate::domain::theme::Theme::ALL
        .iter()
        .map(|th| (th.code(), th.key()))
        .collect()
}

/// Every axis, for a `Checklist`.
pub fn axis_options() -> Vec<(&'static str, Key)> {
    crate::domain::theme::Axis::ALL
        .iter()
        .map(|a| (a.code(), a.key()))
        .collect()
}
