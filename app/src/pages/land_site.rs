//! `/foncier/{id}`: an industrial land site.

use crate::api::organisations::{get_land_site, LandSiteDetail};
use crate::components::{path_record, when_loaded};
use crate::i18n::{format_dec1, t, use_lang, Key};
use leptos::prelude::*;
use leptos_meta::Title;

/// The land site page.
#[component]
pub fn LandSitePage() -> impl IntoView {
    when_loaded(
        path_record(get_land_site),
        move |s| view! { <LandSiteView s/> },
    )
}

#[component]
fn LandSiteView(s: LandSiteDetail) -> impl IntoView {
    let lang = use_lang();
    let yes_no = |b: bool| t(lang, if b { Key::Yes } else { Key::No });
    let status = match s.status.as_str() {
        "available" => Key::StatusAvailable,
        "under_option" => Key::StatusUnderOption,
        _ => Key::StatusSold,
    };
    let price = match (s.price_min_eur_m2, s.price_max_eur_m2) {
        (Some(lo), Some(hi)) => {
            format!("{} – {} €/m²", format_dec1(lang, lo), format_dec1(lang, hi))
        }
        (Some(x), None) | (None, Some(x)) => format!("{} €/m²", format_dec1(lang, x)),
        (None, None) => "—".to_owned(),
    };
    view! {
        <Title text=format!("{} · Maillage", s.name)/>
        <h1>{s.name.clone()}</h1>
        <p>
            <span class="badge">{t(lang, status)}</span>
            {s.turnkey.then(|| view! { " " <span class="badge">{t(lang, Key::Turnkey)}</span> })}
            {s.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoBadge)}</span> })}
        </p>
        <p class="lead">{s.description.clone()}</p>
        <dl class="facts" data-testid="site-facts">
            <dt>{t(lang, Key::Reference)}</dt><dd><code>{s.reference.clone()}</code></dd>
            <dt>{t(lang, Key::Commune)}</dt><dd>{s.commune.clone()} " (" {s.commune_insee.clone()} ")"</dd>
            {s.territory.clone().map(|(id, name)| view! {
                <dt>{t(lang, Key::ColTerritory)}</dt>
                <dd><a href=format!("/territoires/{id}")>{name}</a></dd>
            })}
            <dt>{t(lang, Key::Area)}</dt><dd>{format_dec1(lang, s.area_ha)} " ha"</dd>
            <dt>{t(lang, Key::AvailableFrom)}</dt><dd>{s.available_from.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{t(lang, Key::Zoning)}</dt><dd>{s.zoning.clone()}</dd>
            <dt>"ICPE"</dt><dd>{yes_no(s.icpe_compatible)}</dd>
            <dt>"Seveso"</dt><dd>{yes_no(s.seveso_compatible)}</dd>
            <dt>{t(lang, Key::RailAccess)}</dt><dd>{yes_no(s.rail_access)}</dd>
            <dt>{t(lang, Key::PortAccess)}</dt><dd>{yes_no(s.port_access)}</dd>
            <dt>{t(lang, Key::MotorwayAccess)}</dt><dd>{yes_no(s.motorway_access)}</dd>
            <dt>{t(lang, Key::PowerCapacity)}</dt>
            <dd>{s.power_mva.map(|p| format!("{} MVA", format_dec1(lang, p))).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t(lang, Key::PriceRange)}</dt><dd>{price}</dd>
            {s.contact.clone().map(|(id, name)| view! {
                <dt>{t(lang, Key::Contact)}</dt>
                <dd><a href=format!("/organisations/{id}")>{name}</a></dd>
            })}
        </dl>
    }
}
