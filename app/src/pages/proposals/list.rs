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
                        let selected = |value: &Option<String>, code: &str| value.as_deref() == Some(code);
                        let qs = filter.to_query();
                        let export = |ext: &str| {
                            if qs.is_empty() {
                                format!("/simplification/export.{ext}")
                            } else {
                                format!("/simplification/export.{ext}?{qs}")
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
                        let items = list.items.clone().into_iter().map(|p| summary_item(lang, p)).collect_view();
                        view! {
                            <form class="filters" method="get" action="/simplification" role="search">
                                <div class="field">
                                    <label for="p-q">{t(lang, Key::SearchProposals)}</label>
                                    <input id="p-q" type="search" name="q" value=filter.q.clone()/>
                                </div>
                                <div class="field">
                                    <label for="p-status">{t(lang, Key::StatusLabel)}</label>
                                    <select id="p-status" name="status">
                                        <option value="">{t(lang, Key::AllStatuses)}</option>
                                        {ALL_STATUSES.iter().filter(|s| s.public()).map(|s| view! {
                                            <option value=s.code() selected=selected(&filter.status, s.code())>{t(lang, status_key(*s))}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-theme">{t(lang, Key::ThemeLabel)}</label>
                                    <select id="p-theme" name="theme">
                                        <option value="">{t(lang, Key::AllThemes)}</option>
                                        {Theme::ALL.iter().map(|th| view! {
                                            <option value=th.code() selected=selected(&filter.theme, th.code())>{t(lang, th.key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-level">{t(lang, Key::LevelLabel)}</label>
                                    <select id="p-level" name="level">
                                        <option value="">{t(lang, Key::AllLevels)}</option>
                                        {ALL_LEVELS.iter().map(|l| view! {
                                            <option value=l.code() selected=selected(&filter.level, l.code())>{t(lang, l.key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-region">{t(lang, Key::FilterRegion)}</label>
                                    <select id="p-region" name="region">
                                        <option value="">{t(lang, Key::AllRegions)}</option>
                                        {regions.into_iter().map(|(name, code)| {
                                            let on = selected(&filter.region, &code);
                                            view! { <option value=code selected=on>{name}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-territory">{t(lang, Key::TerritoryLabel)}</label>
                                    <select id="p-territory" name="territory">
                                        <option value="">{t(lang, Key::AllTerritories)}</option>
                                        {territories.into_iter().map(|te| {
                                            let on = selected(&filter.territory, &te.id);
                                            view! { <option value=te.id.clone() selected=on>{te.name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-sort">{t(lang, Key::SortLabel)}</label>
                                    <select id="p-sort" name="sort">
                                        <option value="recent" selected=filter.sort == ProposalSort::Recent>{t(lang, Key::SortRecent)}</option>
                                        <option value="age" selected=filter.sort == ProposalSort::Age>{t(lang, Key::SortAge)}</option>
                                        <option value="support" selected=filter.sort == ProposalSort::Support>{t(lang, Key::SortSupport)}</option>
                                    </select>
                                </div>
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="proposal-count">
                                {format_int(lang, list.total)} " " {t(lang, Key::ProposalsWord)}
                                " · " <a href=export("csv") rel="external" download>{t(lang, Key::ExportCsv)}</a>
                                " · " <a href=export("json") rel="external" download>{t(lang, Key::ExportJson)}</a>
                            </p>
                            <ul class="cards" data-testid="proposal-list">{items}</ul>
                            <Pager page=list.page per_page=list.per_page total=list.total href label=t(lang, Key::ProposalsTitle)/>
                        }
                        .into_any()
                    })}
    }
}
