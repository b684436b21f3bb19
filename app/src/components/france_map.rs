//! The national map: one link per territory, drawn as SVG on the server.
//!
//! Paths come precomputed from the database (projected and simplified at migration time);
//! this view only lays them out, with each territory's name as its accessible label.

use crate::api::directory::MapTerritory;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// Width of the overseas inset column, matching the migration's layout.
pub const INSET_WIDTH: f64 = 190.0;

/// How one territory is coloured on a map of a figure: its class (0 to 4, darker with the
/// value; `None` for no value, such as a secret amount or a territory outside the scope), the
/// value as text for its label, and where its link leads.
#[derive(Debug, Clone, PartialEq)]
pub struct MapFill {
    pub class: Option<usize>,
    pub value: String,
    pub href: String,
}

/// The map of the 183 territories, metropolitan France with overseas insets. With `fills`, a
/// map of one figure: each territory in its class's colour, its value in its label, and its
/// link where the fill says.
#[component]
pub fn FranceMap(
    territories: Vec<MapTerritory>,
    width: f64,
    height: f64,
    #[prop(optional)] highlight: Option<String>,
    #[prop(optional)] fills: Option<std::collections::HashMap<String, MapFill>>,
    #[prop(optional)] caption: Option<String>,
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
            let fill = fills.as_ref().and_then(|f| f.get(&ter.id));
            let class = match (fill, highlight.as_deref() == Some(ter.id.as_str())) {
                (Some(f), _) => match f.class {
                    Some(c) => format!("ti q{c}"),
                    None => "ti none".to_owned(),
                },
                (None, true) => "ti current".to_owned(),
                (None, false) if fills.is_some() => "ti none".to_owned(),
                (None, false) => "ti".to_owned(),
            };
            let label = match fill {
                Some(f) => format!("{} : {}", ter.name, f.value),
                None => ter.name.clone(),
            };
            let href = fill.map_or_else(|| format!("/territoires/{}", ter.id), |f| f.href.clone());
            let title = label.clone();
            view! {
                <a href=href aria-label=label class=class>
                    <path d=ter.path>
                        <title>{title}</title>
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
            <figcaption>{caption.unwrap_or_else(|| t(lang, Key::MapCaption).to_owned())}</figcaption>
        </figure>
    }
}
