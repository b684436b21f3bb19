//! `/foncier/{id}`: an industrial land site; `/foncier/nouveau` and `/foncier/{id}/modifier`,
//! its form, for a territory's team or the admins of the organisation to contact.

use crate::api::organisations::{get_land_site, get_land_site_form, LandSiteDetail};
use crate::components::{
    path_record, ticked_or, when_loaded, ErrorView, Field, FormScope, Frame, ProblemSummary, Select,
};
use crate::domain::organisation::{
    SiteRow, SiteStatus, SITE_MAX_DESCRIPTION, SITE_MAX_NAME, SITE_MAX_ZONING,
};
use crate::error::AppError;
use crate::i18n::{format_dec1, t, use_lang, Key, Lang};
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
    let tools = s.clone();
    view! {
        <Title text=format!("{} · Maillage", s.name)/>
        <h1>{s.name.clone()}</h1>
        <crate::components::Flash done=SITE_DONE/>
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
            <dt>{t(lang, Key::Zoning)}</dt><dd>{if s.zoning.is_empty() { "—".to_owned() } else { s.zoning.clone() }}</dd>
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
        <SiteTools s=tools/>
    }
}

/// What a land site form comes back with.
const SITE_DONE: &[(&str, Key)] = &[("enregistre", Key::SiteSaved)];

/// The statuses a site may have, with their labels, in the order offered.
fn status_options() -> [(&'static str, Key); 3] {
    [
        (SiteStatus::Available.code(), Key::StatusAvailable),
        (SiteStatus::UnderOption.code(), Key::StatusUnderOption),
        (SiteStatus::Sold.code(), Key::StatusSold),
    ]
}

/// Whether the reader may write this site, as its page knows it (the server decides again).
fn writable(viewer: &crate::domain::policy::Viewer, s: &LandSiteDetail) -> bool {
    use crate::domain::policy::{can, Action, Resource};
    can(
        viewer,
        Action::Edit,
        &Resource::LandSite {
            territory: s.territory.as_ref().map(|(id, _)| id.clone()),
            owner: s.contact.as_ref().map(|(id, _)| *id),
        },
    )
}

/// For those who may write the site: the link to its form, and its status changed in one step.
#[component]
fn SiteTools(s: LandSiteDetail) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| crate::api::accounts::get_current_user());
    view! {
        <Suspense>
            {move || {
                let s = s.clone();
                Suspend::new(async move {
                    let viewer = user.await.ok().flatten().map(|u| u.viewer())?;
                    writable(&viewer, &s).then(|| {
                        let action = format!("/foncier/{}/statut", s.id);
                        view! {
                            <section class="card site-tools" aria-labelledby="site-tools" data-testid="site-tools">
                                <h2 id="site-tools">{t(lang, Key::SiteStatusChange)}</h2>
                                <form method="post" action=action class="inline-form">
                                    {Select::new("st-status", "status", Key::SiteStatusLabel)
                                        .keyed(lang, status_options()).chosen(s.status.clone()).view(lang)}
                                    <button type="submit">{t(lang, Key::Save)}</button>
                                </form>
                                <p><a href=format!("/foncier/{}/modifier", s.id) data-testid="site-edit-link">{t(lang, Key::SiteEditLink)}</a></p>
                            </section>
                        }
                    })
                })
            }}
        </Suspense>
    }
}

/// Every field of a land site, for its form: those of the CSV import, in its order. The
/// reference is typed once, when the site is offered.
fn site_fields(lang: Lang, action: &str, row: &SiteRow, new: bool) -> impl IntoView {
    let field = |id: &'static str, name: &'static str, key: Key, value: &str| {
        Field::new(id, name, key).value(value)
    };
    let boxes = [
        ("turnkey", Key::Turnkey, &row.turnkey),
        ("icpe", Key::SiteIcpeLabel, &row.icpe),
        ("seveso", Key::SiteSevesoLabel, &row.seveso),
        ("rail", Key::RailAccess, &row.rail),
        ("port", Key::PortAccess, &row.port),
        ("motorway", Key::MotorwayAccess, &row.motorway),
    ]
    .into_iter()
    .map(|(name, key, saved)| {
        let ticked = saved
            .trim()
            .eq_ignore_ascii_case("oui")
            .then(|| "oui".to_owned());
        let checked = !ticked_or(action, name, ticked.into_iter().collect()).is_empty();
        let id = format!("ls-{name}");
        view! {
            <div class="check">
                <input type="checkbox" id=id.clone() name=name value="oui" checked=checked/>
                <label for=id>{t(lang, key)}</label>
            </div>
        }
    })
    .collect_view();
    view! {
        {new.then(|| field("ls-reference", "reference", Key::SiteReferenceLabel, &row.reference)
            .hint(Key::SiteReferenceHint).length(0, 64).view(lang))}
        {field("ls-name", "name", Key::SiteNameLabel, &row.name).required(true).length(1, SITE_MAX_NAME as u32).view(lang)}
        {field("ls-commune", "commune_insee", Key::SiteCommuneLabel, &row.commune_insee).required(true).hint(Key::SiteCommuneHint).autocomplete("off").view(lang)}
        <crate::components::Suggest input="ls-commune".to_owned() list=crate::api::search::ChoiceList::Communes/>
        {field("ls-area", "area_ha", Key::SiteAreaLabel, &row.area_ha).required(true).view(lang)}
        {Select::new("ls-status", "status", Key::SiteStatusLabel).required(true)
            .keyed(lang, status_options()).chosen(row.status.clone()).view(lang)}
        {field("ls-available", "available_from", Key::SiteAvailableLabel, &row.available_from).kind("date").view(lang)}
        {field("ls-zoning", "zoning", Key::SiteZoningLabel, &row.zoning).length(0, SITE_MAX_ZONING as u32).view(lang)}
        <fieldset>
            <legend>{t(lang, Key::SiteFeaturesLegend)}</legend>
            {boxes}
        </fieldset>
        {field("ls-power", "power_mva", Key::SitePowerLabel, &row.power_mva).view(lang)}
        {field("ls-price-min", "price_min_eur_m2", Key::SitePriceMinLabel, &row.price_min_eur_m2).view(lang)}
        {field("ls-price-max", "price_max_eur_m2", Key::SitePriceMaxLabel, &row.price_max_eur_m2).view(lang)}
        {field("ls-contact", "contact_siret", Key::SiteContactLabel, &row.contact_siret).hint(Key::SiteContactHint).view(lang)}
        {field("ls-description", "description", Key::DescriptionLabel, &row.description).area(5).length(0, SITE_MAX_DESCRIPTION as u32).view(lang)}
    }
}

/// `/foncier/nouveau`: a territory's team or an organisation's admins offer a land site.
#[component]
pub fn LandSiteNewPage() -> impl IntoView {
    let page = Frame::new(Key::SiteNewTitle).lead(Key::SiteNewLead);
    page.signed_in(Key::SiteNewTitle, |lang, u| {
        if !crate::domain::policy::may_offer_sites(&u.viewer()) {
            return view! { <ErrorView error=AppError::Forbidden/> }.into_any();
        }
        let row = SiteRow {
            status: SiteStatus::Available.code().to_owned(),
            ..SiteRow::default()
        };
        let action = "/foncier/nouveau";
        view! {
            <FormScope action=action.to_owned()>
                <form method="post" action=action class="card-form wide" data-testid="site-form">
                    <ProblemSummary/>
                    {site_fields(lang, action, &row, true)}
                    <button type="submit">{t(lang, Key::Save)}</button>
                </form>
            </FormScope>
        }
        .into_any()
    })
}

/// `/foncier/{id}/modifier`: every field of a site, for those who may write it.
#[component]
pub fn LandSiteEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(get_land_site_form);
    Frame::new(Key::SiteEditTitle).around(when_loaded(data, move |f| {
        let action = format!("/foncier/{}/modifier", f.id);
        view! {
            <p>{t(lang, Key::SiteReferenceLabel)} {crate::i18n::colon(lang)} <code>{f.row.reference.clone()}</code></p>
            <FormScope action=action.clone()>
                <form method="post" action=action.clone() class="card-form wide" data-testid="site-form">
                    <ProblemSummary/>
                    {site_fields(lang, &action, &f.row, false)}
                    <button type="submit">{t(lang, Key::Save)}</button>
                </form>
            </FormScope>
        }
    }))
}
