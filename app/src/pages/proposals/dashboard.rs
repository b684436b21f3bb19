//! `/simplification/tableau-de-bord`: the programme-wide counts and delays.

use super::*;

/// `/simplification/tableau-de-bord`: counts by status, theme and region, days per level.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_dashboard());
    let figures = when_loaded(data, move |d| {
        let status_rows = d
            .by_status
            .iter()
            .map(|(c, n)| (status_label(lang, c).to_owned(), *n))
            .collect::<Vec<_>>();
        let theme_rows = d
            .by_theme
            .iter()
            .map(|(c, n)| (Theme::label_of(lang, c), *n))
            .collect::<Vec<_>>();
        let region_rows = d
            .by_region
            .iter()
            .map(|(_, name, n)| (name.clone(), *n))
            .collect::<Vec<_>>();
        let median = |m: Option<f64>| m.map(|v| days(lang, v)).unwrap_or_else(|| "—".to_owned());
        let (ok, counted) = d.answered_within_three_months;
        let share = (ok * 100)
            .checked_div(counted)
            .map(|pct| {
                format!(
                    "{} ({ok} / {counted})",
                    crate::i18n::percent(lang, pct as f64)
                )
            })
            .unwrap_or_else(|| "—".to_owned());
        view! {
                            <dl class="figures" data-testid="dashboard-figures">
                                <div><dt>{t(lang, Key::ProposalsWord)}</dt><dd data-testid="total">{format_int(lang, d.total)}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysTerritory)}</dt><dd>{median(d.median_days[0])}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysRegion)}</dt><dd>{median(d.median_days[1])}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysNational)}</dt><dd>{median(d.median_days[2])}</dd></div>
                                <div><dt>{t(lang, Key::AnsweredWithin3Months)}</dt><dd data-testid="share">{share}</dd></div>
                            </dl>
                            <p class="hint">{t(lang, Key::DashboardHint)}</p>
                            <h2>{t(lang, Key::ByStatus)}</h2>
                            <BarChart rows=status_rows label=t(lang, Key::ByStatus).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-status"/>
                            <h2>{t(lang, Key::ByTheme)}</h2>
                            <BarChart rows=theme_rows label=t(lang, Key::ByTheme).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-theme"/>
                            <h2>{t(lang, Key::ByRegion)}</h2>
                            <BarChart rows=region_rows label=t(lang, Key::ByRegion).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-region"/>
                            <p><a href="/simplification/export.csv" rel="external" download>{t(lang, Key::ExportCsv)}</a></p>
                        }.into_any()
    });
    Frame::new(Key::Dashboard).around(view! {
        <p class="breadcrumb"><a href="/simplification">{t(lang, Key::ProposalsTitle)}</a></p>
        {figures}
    })
}
