//! An irreversible step asks once: its button only opens a disclosure that says what will
//! happen, and the step is taken by the button inside it. A plain `<details>`, so it works
//! before (and without) WebAssembly and with the keyboard.

use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// `label` names the step (the summary a person opens); `effect` says what it does; the
/// children are the form that takes it, whose button should read [`confirm_label`].
#[component]
pub fn ConfirmStep(
    label: String,
    effect: String,
    #[prop(into)] testid: String,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm" data-testid=testid>
            <summary>{label}</summary>
            <div class="confirm-body">
                <p class="confirm-effect">{effect}</p>
                {children()}
            </div>
        </details>
    }
}

/// "Confirmer : Clore l'annonce", the text of the button that takes a step asked about.
pub fn confirm_label(step: &str) -> String {
    let lang = use_lang();
    format!("{} {step}", t(lang, Key::ConfirmPrefix))
}
