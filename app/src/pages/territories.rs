//! `/territoires`: the 183 territories, filtered by region and name.
//!
//! The filter is a GET form and the server renders the list it asks for, so the page works
//! without WebAssembly; hydrated, the form is live (`components::LiveForm`): the list follows
//! as one types and the address with it, so a filtered list stays shareable.

use crate::api::directory::{list_territories, TerritorySummary};
use crate::components::{when_loaded, LiveForm};
use crate::domain::text::matches_all_words;
use crate::i18n::{format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

/// The territory list page.
#[component]
pub fn TerritoriesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map().get_untracked();
    // Kept in the reactive arena so the view below stays `Copy`.
    let q = StoredValue::new(query.get("q").unwrap_or_default());
    let region = StoredValue::new(query.get("region").unwrap_or_default());
    let territories = Resource::new(|| (), |_| list_territories());

    view! {
        <Title text=t(lang, Key::TerritoriesTitle)/>
        <h1>{t(lang, Key::TerritoriesHeading)}</h1>
        <p class="lead">{t(lang, Key::TerritoriesLead)}</p>
        {when_loaded(territories, move |all| {
            let (q, region) = (q.get_value(), region.get_value());
            let regions: BTreeMap<String, String> = all
                .iter()
                .map(|t| (t.region_name.clone(), t.region_code.clone()))
                .collect();
            let visible: Vec<TerritorySummary> = all
                .into_iter()
                .filter(|t| region.is_empty() || t.region_code == region)
                .filter(|t| matches_all_words(&t.name, &q))
                .collect();
            view! {
                <LiveForm>
                    <form class="filters" method="get" action="/territoires" role="search">
                        <div class="field">
                            <label for="f-q">{t(lang, Key::FilterName)}</label>
                            <input id="f-q" type="search" name="q" autocomplete="off" value=q.clone()/>
                        </div>
                        <div class="field">
                            <label for="f-region">{t(lang, Key::FilterRegion)}</label>
                            <select id="f-region" name="region">
                                <option value="" selected=region.is_empty()>{t(lang, Key::AllRegions)}</option>
                                {regions.into_iter().map(|(name, code)| {
                                    let selected = code == region;
                                    view! { <option value=code selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">{t(lang, Key::Filter)}</button>
                    </form>
                </LiveForm>
                // The count stays one element whose text changes, so a screen reader announces it.
                <p class="count" aria-live="polite" data-testid="territory-count" data-live="territory-count">
                    {count_text(lang, visible.len())}
                </p>
                <div class="table-scroll" data-live="territory-table">
                    <TerritoryTable rows=visible/>
                </div>
            }
            .into_any()
        })}
    }
}

fn count_text(lang: Lang, n: usize) -> String {
    let key = if n == 1 {
        Key::TerritoryCountOne
    } else {
        Key::TerritoryCountMany
    };
    format!("{} {}", format_int(lang, n as u64), t(lang, key))
}

#[component]
fn TerritoryTable(rows: Vec<TerritorySummary>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="data" data-testid="territory-table">
            <caption class="visually-hidden">{t(lang, Key::TerritoriesHeading)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(lang, Key::ColTerritory)}</th>
                    <th scope="col">{t(lang, Key::ColRegion)}</th>
                    <th scope="col">{t(lang, Key::ColDepartments)}</th>
                    <th scope="col" class="num">{t(lang, Key::ColEpci)}</th>
                    <th scope="col" class="num">{t(lang, Key::ColPopulation)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|ter| view! {
                    <tr>
                        <th scope="row"><a href=format!("/territoires/{}", ter.id)>{ter.name}</a></th>
                        <td>{ter.region_name}</td>
                        <td>{ter.departments.join(", ")}</td>
                        <td class="num">{ter.epci_count}
                            {(ter.single_commune_count > 0).then(|| view! {
                                <span class="muted">{t(lang, Key::PlusSingleCommunes).replace("{n}", &ter.single_commune_count.to_string())}</span>
                            })}
                        </td>
                        <td class="num">{format_int(lang, ter.population)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
