//! `/organisations/{id}`: an organisation's profile (pôle, European district, firm...).

use crate::api::directory::{get_organisation, OrganisationDetail};
use crate::components::ErrorView;
use crate::domain::organisation::headcount_label;
use crate::i18n::{country_name, language_name, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The organisation page.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let organisation = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                Some(id) => get_organisation(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match organisation.await {
                    Ok(o) => view! { <OrganisationView o/> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn kind_key(kind: &str) -> Key {
    match kind {
        "pole" => Key::KindPole,
        "district" => Key::KindDistrict,
        "cluster" => Key::KindCluster,
        "operator" => Key::KindOperator,
        _ => Key::KindFirm,
    }
}

#[component]
fn OrganisationView(o: OrganisationDetail) -> impl IntoView {
    let lang = use_lang();
    let languages = o
        .languages
        .iter()
        .map(|l| language_name(lang, l))
        .collect::<Vec<_>>()
        .join(", ");
    let divisions = o
        .divisions
        .clone()
        .into_iter()
        .map(|d| view! { <li><code>{d.code}</code> " " {d.label}</li> })
        .collect_view();
    let english = (!o.description_en.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::DescriptionInEnglish)}</h2>
            <p lang="en">{o.description_en.clone()}</p>
        }
    });
    let (list_href, list_key) = match o.kind.as_str() {
        "district" => ("/districts", Key::NavDistricts),
        "pole" => ("/poles", Key::NavPoles),
        _ => ("/territoires", Key::NavTerritories),
    };
    let firm = (o.kind == "firm").then(|| {
        let band = o
            .headcount_band
            .as_deref()
            .and_then(headcount_label)
            .map(|(fr, en)| match lang { Lang::Fr => fr, Lang::En => en });
        let tags = |items: Vec<String>| {
            view! { <ul class="tags">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }
        };
        view! {
            <dl class="facts" data-testid="firm-facts">
                {o.siret.clone().map(|s| view! { <dt>"SIRET"</dt><dd><code>{s}</code></dd> })}
                {o.naf.clone().map(|n| view! {
                    <dt>{t(lang, Key::NafActivity)}</dt>
                    <dd><code>{n.code}</code> " " {n.label}</dd>
                })}
                {band.map(|b| view! { <dt>{t(lang, Key::Headcount)}</dt><dd>{b}</dd> })}
                {(!o.website.is_empty()).then(|| view! {
                    <dt>{t(lang, Key::Website)}</dt><dd>{o.website.clone()}</dd>
                })}
                {(!o.email.is_empty()).then(|| view! {
                    <dt>{t(lang, Key::PublicContact)}</dt><dd>{o.email.clone()}</dd>
                })}
            </dl>
            {(!o.capabilities.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Capabilities)}</h2>
                {tags(o.capabilities.clone())}
            })}
            {(!o.certifications.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Certifications)}</h2>
                {tags(o.certifications.clone())}
            })}
            {(!o.markets.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Markets)}</h2>
                {tags(o.markets.clone())}
            })}
        }
    });
    let divisions_block = (!o.divisions.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::Specialisations)}</h2>
            <ul data-testid="divisions">{divisions}</ul>
        }
    });
    view! {
        <Title text=format!("{} · Maillage", o.name)/>
        <nav aria-label=t(lang, Key::Breadcrumb) class="breadcrumb">
            <a href=list_href>{t(lang, list_key)}</a>
            " › "
            <span aria-current="page">{o.name.clone()}</span>
        </nav>
        <h1>{o.name.clone()}</h1>
        <p><span class="badge">{t(lang, kind_key(&o.kind))}</span>
            {o.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoBadge)}</span> })}
        </p>
        <p class="lead" lang="fr">{o.description.clone()}</p>
        {english}
        <dl class="facts">
            <dt>{t(lang, Key::Country)}</dt>
            <dd>{country_name(lang, &o.country_code)}</dd>
            {o.region.map(|r| view! { <dt>{t(lang, Key::ColRegion)}</dt><dd>{r.name}</dd> })}
            {o.commune.map(|c| view! { <dt>{t(lang, Key::Seat)}</dt><dd>{c}</dd> })}
            {o.territory.map(|(id, name)| view! {
                <dt>{t(lang, Key::ColTerritory)}</dt>
                <dd><a href=format!("/territoires/{id}")>{name}</a></dd>
            })}
            {o.nuts_code.map(|code| view! {
                <dt>{t(lang, Key::NutsRegion)}</dt>
                <dd><code>{code}</code> " " {o.nuts_label.unwrap_or_default()}</dd>
            })}
            {(!languages.is_empty()).then(|| view! {
                <dt>{t(lang, Key::Languages)}</dt>
                <dd>{languages.clone()}</dd>
            })}
        </dl>
        {firm}
        {divisions_block}
    }
}
