//! The national map: one link per territory, drawn as SVG on the server.
//!
//! Paths come precomputed from the database (projected and simplified at migration time);
//! this view only lays them out, with each territory's name as its accessible label.

use crate::api::directory::MapTerritory;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// Width of the overseas inset column, matching the migration's layout.
pub const INSET_WIDTH: f64 = 190.0;

/// The map of the 183 territories, metropolitan France with overseas insets.
#[component]
pub fn FranceMap(
    territories: Vec<MapTerritory>,
    width: f64,
    height: f64,
    #[prop(optional)] highlight: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let slot = height / 5.0;
    let insets = [
        Key::Guadeloupe,
        Key::Martinique,
        Key::Guyane,
        Key::Reunion,
        Key::Mayotte,
    ];
    let frames = insets
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            let y = i as f64 * slot;
            view! {
                <g class="inset">
                    <rect x="4" y=y + 4.0 width=INSET_WIDTH - 8.0 height=slot - 8.0 rx="6"></rect>
                    <text x="14" y=y + 20.0>{t(lang, key)}</text>
                </g>
            }
        })
        .collect_view();
    let shapes = territories
        .into_iter()
        .map(|ter| {
            let class = if highlight.as_deref() == Some(ter.id.as_str()) {
                "ti current"
            } else {
                "ti"
            };
            let label = ter.name.clone();
            view! {
                <a href=format!("/territoires/{}", ter.id) aria-label=label class=class>
                    <path d=ter.path>
                        <title>{ter.name}</title>
                    </path>
                </a>
            }
        })
        .collect_view();
    view! {
        <figure class="france-map">
            <svg
                viewBox=format!("0 0 {width} {height}")
                role="group"
                aria-label=t(lang, Key::MapLabel)
                data-testid="france-map"
            >
                {frames}
                {shapes}
            </svg>
            <figcaption>{t(lang, Key::MapCaption)}</figcaption>
        </figure>
    }
}
