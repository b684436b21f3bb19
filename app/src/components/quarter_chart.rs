//! Paired columns over time, drawn as SVG on the server: one pair of columns per period (a dark
//! and a light one), each with a text equivalent in the chart's accessible name.

use leptos::prelude::*;

/// One column pair per row: `(period label, dark value, light value)`; a value of `None` (a
/// secret amount) draws no column and reads `secret_text`. `format` writes a value.
#[component]
pub fn QuarterChart(
    rows: Vec<(String, Option<i64>, Option<i64>)>,
    label: String,
    caption: String,
    format: fn(Option<i64>) -> String,
    #[prop(default = "quarter-chart")] testid: &'static str,
) -> impl IntoView {
    let max = rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .flatten()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (left, top, plot_h, col_w, gap) = (8.0, 12.0, 160.0, 16.0, 22.0);
    let pair_w = col_w * 2.0 + gap;
    let width = left * 2.0 + rows.len().max(1) as f64 * pair_w;
    let height = top + plot_h + 40.0;
    let summary = rows
        .iter()
        .map(|(q, a, b)| format!("{q} : {} / {}", format(*a), format(*b)))
        .collect::<Vec<_>>()
        .join(" ; ");
    let base = top + plot_h;
    let columns = rows
        .into_iter()
        .enumerate()
        .map(|(i, (quarter, dark, light))| {
            let x = left + i as f64 * pair_w;
            let h = |v: Option<i64>| v.map_or(0.0, |v| (v as f64 / max * plot_h).max(1.0));
            let (hd, hl) = (h(dark), h(light));
            view! {
                <g>
                    <rect class="col dark" x=x y=base - hd width=col_w height=hd></rect>
                    <rect class="col light" x=x + col_w y=base - hl width=col_w height=hl></rect>
                    <text class="col-label" x=x + col_w y=base + 14.0 text-anchor="middle">{quarter}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart quarters">
            <svg
                viewBox=format!("0 0 {width} {height}")
                width=width
                height=height
                role="img"
                aria-label=format!("{label} {summary}")
                data-testid=testid
            >
                <line class="axis" x1=left y1=base x2=width - left y2=base></line>
                {columns}
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}
