//! A horizontal bar chart of firm counts by NAF division, drawn as SVG on the server.

use crate::api::organisations::DivisionCount;
use crate::i18n::{format_int, t, use_lang, Key};
use leptos::prelude::*;

/// Bars shown at most; the rest are summed into the caption.
const MAX_BARS: usize = 12;

/// Bar chart of the largest divisions, with an accessible text equivalent.
#[component]
pub fn DivisionChart(counts: Vec<DivisionCount>) -> impl IntoView {
    let lang = use_lang();
    let shown: Vec<DivisionCount> = counts.iter().take(MAX_BARS).cloned().collect();
    let others: u64 = counts.iter().skip(MAX_BARS).map(|d| d.count).sum();
    let max = shown.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let (label_w, bar_w, row_h) = (330.0, 300.0, 26.0);
    let height = shown.len() as f64 * row_h + 8.0;
    let summary = shown
        .iter()
        .map(|d| format!("{} {} : {}", d.code, d.label, d.count))
        .collect::<Vec<_>>()
        .join(" ; ");
    let bars = shown
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let y = i as f64 * row_h + 4.0;
            let w = (d.count as f64 / max * bar_w).max(2.0);
            let label: String = {
                let full = format!("{} {}", d.code, d.label);
                if full.chars().count() > 46 {
                    format!("{}…", full.chars().take(45).collect::<String>())
                } else {
                    full
                }
            };
            view! {
                <g>
                    <text x=label_w - 8.0 y=y + 16.0 text-anchor="end" class="bar-label">{label}</text>
                    <rect x=label_w y=y + 3.0 width=w height=row_h - 8.0 class="bar"></rect>
                    <text x=label_w + w + 6.0 y=y + 16.0 class="bar-value">{format_int(lang, d.count)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {} {height}", label_w + bar_w + 70.0)
                role="img"
                aria-label=format!("{} {summary}", t(lang, Key::ChartDivisionsLabel))
                data-testid="division-chart"
            >
                {bars}
            </svg>
            <figcaption>
                {t(lang, Key::ChartDivisionsCaption)}
                {(others > 0).then(|| format!(" {} : {}", t(lang, Key::OtherDivisions), format_int(lang, others)))}
            </figcaption>
        </figure>
    }
}
