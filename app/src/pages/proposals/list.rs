//! `/simplification`: the public list of proposals, with filters and exports.

use super::*;

pub(super) fn filter_from_query(
    query: &leptos_router::params::ParamsMap,
) -> Result<ProposalFilter, AppError> {
    let names = [
        "q",
        "status",
        "theme",
        "level",
        "region",
        "territory",
        "sort",
        "page",
        "per_page",
    ];
    let values: Vec<(&str, String)> = names
        .iter()
        .filter_map(|n| query.get(n).map(|v| (*n, v)))
        .map(|(n, v)| {
            (
                n,
                if n == "theme" {
                    Theme::current_code(v)
                } else {
                    v
                },
            )
        })
        .collect();
    ProposalFilter::from_pairs(values.iter().map(|(n, v)| (*n, v.as_str())))
}

/// `/simplification`: the public list with filters, full-text search and exports.
#[component]
pub fn ProposalsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || filter_from_query(&query.read()),
        |filter| async move {
            let filter = filter?;
            let list = get_proposals(filter.clone()).await?;
            let territories = list_territories().await?;
            Ok::<_, AppError>((filter, list, territories))
        },
    );
    view! {
        <PageTitle key=Key::ProposalsTitle/>
        <p class="lead">{t(lang, Key::ProposalsLead)}</p>
        <p class="actions-row">
            <a class="button" href="/simplification/nouvelle">{t(lang, Key::NewProposal)}</a>
            " "
            <a href="/simplification/file">{t(lang, Key::MyQueue)}</a>
            " · "
            <a href="/simplification/tableau-de-bord">{t(lang, Key::Dashboard)}</a>
        </p>
        {when_loaded(data, move |(filter, list, territories)| {
                        let regions: BTreeMap<String, String> = territories
                            .iter()
                            .map(|t| (t.region_name.clone(), t.region_code.clone()))
                            .collect();
                        let qs = filter.to_query();
                        let export = |file: &str| {
                            if qs.is_empty() {
                                format!("/simplification/{file}")
                            } else {
                                format!("/simplification/{file}?{qs}")
                            }
                        };
                        let base = qs.clone();
                        let href: Box<dyn Fn(u64) -> String + Send + Sync> = Box::new(move |page: u64| {
                            if base.is_empty() {
                                format!("/simplification?page={page}")
                            } else {
                                format!("/simplification?{base}&page={page}")
                            }
                        });
                        let items = list.items.clone().into_iter().map(|p| summary_item(lang, p, None)).collect_view();
                        view! {
                            <form class="filters" method="get" action="/simplification" role="search">
                                {Field::new("p-q", "q", Key::SearchProposals).search().value(filter.q.clone()).view(lang)}
                                {Select::new("p-status", "status", Key::StatusLabel).blank(Key::AllStatuses)
                                    .keyed(lang, ALL_STATUSES.iter().filter(|s| s.public()).map(|s| (s.code(), status_key(*s))))
                                    .chosen(filter.status.clone().unwrap_or_default()).view(lang)}
                                {Select::new("p-theme", "theme", Key::ThemeLabel).blank(Key::AllThemes)
                                    .keyed(lang, theme_options()).chosen(filter.theme.clone().unwrap_or_default()).view(lang)}
                                {Select::new("p-level", "level", Key::LevelLabel).blank(Key::AllLevels)
                                    .keyed(lang, ALL_LEVELS.iter().map(|l| (l.code(), l.key())))
                                    .chosen(filter.level.clone().unwrap_or_default()).view(lang)}
                                {Select::new("p-region", "region", Key::FilterRegion).blank(Key::AllRegions)
                                    .options(regions.into_iter().map(|(name, code)| (code, name)))
                                    .chosen(filter.region.clone().unwrap_or_default()).view(lang)}
                                {Select::new("p-territory", "territory", Key::TerritoryLabel).blank(Key::AllTerritories)
                                    .options(territories.into_iter().map(|te| (te.id, te.name)))
                                    .chosen(filter.territory.clone().unwrap_or_default()).view(lang)}
                                {Select::new("p-sort", "sort", Key::SortLabel).keyed(lang, ProposalSort::ALL.map(|o| (o.code(), o.key()))).chosen(filter.sort.code()).view(lang)}
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="proposal-count">
                                {format_int(lang, list.total)} " " {t(lang, Key::ProposalsWord)}
                                " · " <a href=export("export.csv") rel="external" download>{t(lang, Key::ExportCsv)}</a>
                                " · " <a href=export("donnees.csv") rel="external" download>{t(lang, Key::ExportData)}</a>
                                " · " <a href=export("export.json") rel="external" download>{t(lang, Key::ExportJson)}</a>
                            </p>
                            <ul class="cards" data-testid="proposal-list">{items}</ul>
                            <Pager page=list.page per_page=list.per_page total=list.total href label=t(lang, Key::ProposalsTitle)/>
                        }
                        .into_any()
                    })}
    }
}
