//! `/`: what Maillage is, key figures computed from the database, a search box and the map.

use crate::api::directory::get_overview;
use crate::components::when_loaded;
use crate::components::FranceMap;
use crate::i18n::{format_int, t, use_lang, Key};
use leptos::prelude::*;
use leptos_meta::Title;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text=t(lang, Key::HomeTitle)/>
        <section class="hero">
            <h1>{t(lang, Key::HomeHeading)}</h1>
            <p class="lead">{t(lang, Key::HomeLead)}</p>
            <form class="search-box" method="get" action="/recherche" role="search">
                <label for="home-q">{t(lang, Key::HomeSearchLabel)}</label>
                <div class="search-row">
                    <input id="home-q" type="search" name="q" autocomplete="off"
                        placeholder=t(lang, Key::HomeSearchPlaceholder)/>
                    <button type="submit">{t(lang, Key::Search)}</button>
                </div>
            </form>
        </section>
        {when_loaded(overview, move |o| view! {
                        {(o.demo_firm_count > 0).then(|| view! {
                            <p class="notice" data-testid="demo-notice">
                                <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " "
                                {format_int(lang, o.demo_firm_count)} " " {t(lang, Key::DemoNotice)}
                            </p>
                        })}
                        <section aria-labelledby="figures-h">
                            <h2 id="figures-h">{t(lang, Key::KeyFigures)}</h2>
                            <ul class="figures" data-testid="key-figures">
                                <li><strong>{format_int(lang, o.territory_count)}</strong>
                                    <span>{t(lang, Key::FigureTerritories)}</span></li>
                                <li><strong>{format_int(lang, o.epci_count)}</strong>
                                    <span>{t(lang, Key::FigureEpci)}</span></li>
                                <li><strong>{format_int(lang, o.commune_count)}</strong>
                                    <span>{t(lang, Key::FigureCommunes)}</span></li>
                                <li><strong>{format_int(lang, o.population)}</strong>
                                    <span>{t(lang, Key::FigurePopulation)}</span></li>
                                <li><strong>{format_int(lang, o.pole_count)}</strong>
                                    <span>{t(lang, Key::FigurePoles)}</span></li>
                                <li><strong>{format_int(lang, o.district_count)}</strong>
                                    <span>{t(lang, Key::FigureDistricts)}</span></li>
                            </ul>
                            <p class="muted" data-testid="figures-geography">{t(lang, Key::FiguresGeography)
                                .replace("{epci}", &format_int(lang, o.epci_count.saturating_sub(o.ept_count)))
                                .replace("{ept}", &format_int(lang, o.ept_count))
                                .replace("{communes}", &format_int(lang, o.single_commune_count))}</p>
                        </section>
                        <section aria-labelledby="map-h">
                            <h2 id="map-h">{t(lang, Key::MapHeading)}</h2>
                            <FranceMap territories=o.map width=o.map_width height=o.map_height/>
                            <p><a href="/territoires">{t(lang, Key::SeeAllTerritories)}</a></p>
                        </section>
                    }
                    .into_any())}
    }
}
