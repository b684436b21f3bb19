//! A horizontal bar chart of firm counts by NAF division.

use super::BarChart;
use crate::api::organisations::DivisionCount;
use crate::i18n::{format_int, t, use_lang, Key};
use leptos::prelude::*;

/// Bars shown at most; the rest are summed into the caption.
const MAX_BARS: usize = 12;

/// Bar chart of the largest divisions, with an accessible text equivalent.
#[component]
pub fn DivisionChart(counts: Vec<DivisionCount>) -> impl IntoView {
    let lang = use_lang();
    let others: u64 = counts.iter().skip(MAX_BARS).map(|d| d.count).sum();
    let rows = counts
        .iter()
        .take(MAX_BARS)
        .map(|d| (format!("{} {}", d.code, d.label), d.count))
        .collect();
    let mut caption = t(lang, Key::ChartDivisionsCaption).to_owned();
    if others > 0 {
        caption.push_str(&format!(
            " {} : {}",
            t(lang, Key::OtherDivisions),
            format_int(lang, others)
        ));
    }
    view! {
        <BarChart rows label=t(lang, Key::ChartDivisionsLabel).to_owned() caption testid="division-chart"/>
    }
}
