//! Horizontal bar charts drawn as SVG on the server, each with a text equivalent.

use crate::i18n::{format_int, use_lang};
use leptos::prelude::*;

/// One bar per row, scaled to the largest; `label` names the chart for screen readers and is
/// followed by every value, `caption` is shown under it.
#[component]
pub fn BarChart(
    rows: Vec<(String, u64)>,
    label: String,
    caption: String,
    #[prop(default = "bar-chart")] testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let (label_w, bar_w, row_h) = (330.0, 300.0, 26.0);
    let height = rows.len() as f64 * row_h + 8.0;
    let summary = rows
        .iter()
        .map(|(l, n)| format!("{l} : {n}"))
        .collect::<Vec<_>>()
        .join(" ; ");
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (full, count))| {
            let y = i as f64 * row_h + 4.0;
            let w = if count == 0 {
                0.0
            } else {
                (count as f64 / max * bar_w).max(2.0)
            };
            let label = if full.chars().count() > 46 {
                format!("{}…", full.chars().take(45).collect::<String>())
            } else {
                full
            };
            view! {
                <g>
                    <text x=label_w - 8.0 y=y + 16.0 text-anchor="end" class="bar-label">{label}</text>
                    <rect x=label_w y=y + 3.0 width=w height=row_h - 8.0 class="bar"></rect>
                    <text x=label_w + w + 6.0 y=y + 16.0 class="bar-value">{format_int(lang, count)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {} {height}", label_w + bar_w + 70.0)
                role="img"
                aria-label=format!("{label} {summary}")
                data-testid=testid
            >
                {bars}
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}
