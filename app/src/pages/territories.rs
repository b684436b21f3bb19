//! `/territoires`: the 183 territories, filtered by region and name.
//!
//! Without WebAssembly the filter is a plain GET form rendered by the server; hydrated, the
//! list filters as you type and the address follows, so a filtered list stays shareable.

use crate::api::directory::{list_territories, TerritorySummary};
use crate::api::search::encode;
use crate::components::when_loaded;
use crate::domain::text::matches_all_words;
use crate::i18n::{format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

fn query_string(q: &str, region: &str) -> String {
    let mut parts = Vec::new();
    if !q.is_empty() {
        parts.push(format!("q={}", encode(q)));
    }
    if !region.is_empty() {
        parts.push(format!("region={}", encode(region)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The territory list page.
#[component]
pub fn TerritoriesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let initial = query.get_untracked();
    let q = RwSignal::new(initial.get("q").unwrap_or_default());
    let region = RwSignal::new(initial.get("region").unwrap_or_default());
    let territories = Resource::new(|| (), |_| list_territories());
    let sync_url = move || {
        replace_url(&format!(
            "/territoires{}",
            query_string(&q.get_untracked(), &region.get_untracked())
        ));
    };

    view! {
        <Title text=t(lang, Key::TerritoriesTitle)/>
        <h1>{t(lang, Key::TerritoriesHeading)}</h1>
        <p class="lead">{t(lang, Key::TerritoriesLead)}</p>
        {when_loaded(territories, move |all| {
                        let regions: BTreeMap<String, String> = all
                            .iter()
                            .map(|t| (t.region_name.clone(), t.region_code.clone()))
                            .collect();
                        let all = StoredValue::new(all);
                        let visible = Memo::new(move |_| {
                            let (q, r) = (q.get(), region.get());
                            all.with_value(|all| {
                                all.iter()
                                    .filter(|t| r.is_empty() || t.region_code == r)
                                    .filter(|t| matches_all_words(&t.name, &q))
                                    .cloned()
                                    .collect::<Vec<_>>()
                            })
                        });
                        view! {
                            <form class="filters" method="get" action="/territoires" role="search">
                                <div class="field">
                                    <label for="f-q">{t(lang, Key::FilterName)}</label>
                                    <input id="f-q" type="search" name="q" autocomplete="off"
                                        value=q.get_untracked()
                                        prop:value=move || q.get()
                                        on:input:target=move |ev| { q.set(ev.target().value()); sync_url(); }/>
                                </div>
                                <div class="field">
                                    <label for="f-region">{t(lang, Key::FilterRegion)}</label>
                                    <select id="f-region" name="region"
                                        on:change:target=move |ev| { region.set(ev.target().value()); sync_url(); }>
                                        <option value="" selected=move || region.get().is_empty()>
                                            {t(lang, Key::AllRegions)}
                                        </option>
                                        {regions.into_iter().map(|(name, code)| {
                                            let c = code.clone();
                                            view! {
                                                <option value=code selected=move || region.get() == c>{name}</option>
                                            }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="territory-count">
                                {move || count_text(lang, visible.with(Vec::len))}
                            </p>
                            <TerritoryTable rows=visible/>
                        }
                        .into_any()
                    })}
    }
}

/// Keeps the address in step with the filter, without a history entry per keystroke.
fn replace_url(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
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
fn TerritoryTable(rows: Memo<Vec<TerritorySummary>>) -> impl IntoView {
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
                <For each=move || rows.get() key=|t| t.id.clone() let:ter>
                    <tr>
                        <th scope="row"><a href=format!("/territoires/{}", ter.id)>{ter.name}</a></th>
                        <td>{ter.region_name}</td>
                        <td>{ter.departments.join(", ")}</td>
                        <td class="num">{ter.epci_count}</td>
                        <td class="num">{format_int(lang, ter.population)}</td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_encodes_accents_and_spaces() {
        assert_eq!(
            query_string("vallée arve", "84"),
            "?q=vall%C3%A9e+arve&region=84"
        );
        assert_eq!(query_string("", ""), "");
    }
}
