//! A fieldset of checkboxes over a vocabulary, such as the themes a territory declares.

use super::refused::{field_problem, ticked_or};
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// One labelled checkbox per `(code, label)` under `legend`, all named `name`, in the form
/// sent to `action`, with the `chosen` codes checked (the ones sent, when that form was refused). Ids are `{prefix}-{code}`;
/// a problem is told under the legend, and the summary links to the first box.
#[component]
pub fn Checklist(
    legend: Key,
    prefix: &'static str,
    name: &'static str,
    action: String,
    options: Vec<(&'static str, Key)>,
    chosen: Vec<String>,
) -> impl IntoView {
    let lang = use_lang();
    let chosen = ticked_or(&action, name, chosen);
    let first = options
        .first()
        .map(|(code, _)| format!("{prefix}-{code}"))
        .unwrap_or_default();
    let problem = field_problem(lang, name, &first, legend);
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
        <fieldset aria-describedby=problem.described_by>
            <legend>{t(lang, legend)}</legend>
            {problem.message}
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
