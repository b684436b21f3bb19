//! `/territoires/{id}`: a territory's region, departments, member EPCI, outline and pôles.

use crate::api::directory::{get_territory, TerritoryDetail};
use crate::components::ErrorView;
use crate::i18n::{format_dec1, format_int, t, use_lang, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The territory page.
#[component]
pub fn TerritoryPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let territory = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_territory,
    );
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match territory.await {
                    Ok(d) => view! { <TerritoryView d/> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TerritoryView(d: TerritoryDetail) -> impl IntoView {
    let lang = use_lang();
    let departments = d
        .departments
        .iter()
        .map(|dep| format!("{} ({})", dep.name, dep.code))
        .collect::<Vec<_>>()
        .join(", ");
    let member_count = d.members.len();
    let members = d
        .members
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{m.name}</th>
                    <td>{m.kind}</td>
                    <td>{m.siren}</td>
                    <td>{m.departments.join(", ")}</td>
                    <td class="num">{format_int(lang, m.population)}</td>
                </tr>
            }
        })
        .collect_view();
    let poles = if d.poles.is_empty() {
        view! { <p>{t(lang, Key::NoPolesInRegion)}</p> }.into_any()
    } else {
        view! {
            <ul class="cards">
                {d.poles.into_iter().map(|p| view! {
                    <li class="card">
                        <a href=format!("/organisations/{}", p.id)><strong>{p.name}</strong></a>
                        <span>{p.themes}</span>
                        <span class="muted">{p.seat}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let outline_label = format!("{} {}", t(lang, Key::OutlineOf), d.name);
    view! {
        <Title text=format!("{} · Maillage", d.name)/>
        <nav aria-label=t(lang, Key::Breadcrumb) class="breadcrumb">
            <a href="/territoires">{t(lang, Key::NavTerritories)}</a>
            " › "
            <span aria-current="page">{d.name.clone()}</span>
        </nav>
        <h1>{d.name.clone()}</h1>
        <div class="territory-head">
            <dl class="facts">
                <dt>{t(lang, Key::ColRegion)}</dt>
                <dd>{d.region.name.clone()}</dd>
                <dt>{t(lang, Key::ColDepartments)}</dt>
                <dd>{departments}</dd>
                <dt>{t(lang, Key::ColPopulation)}</dt>
                <dd>{format_int(lang, d.population)}</dd>
                <dt>{t(lang, Key::FigureCommunes)}</dt>
                <dd>{format_int(lang, d.commune_count)}</dd>
                <dt>{t(lang, Key::TerritoryId)}</dt>
                <dd><code>{d.id.clone()}</code></dd>
            </dl>
            <svg class="outline" viewBox=d.outline_viewbox role="img" aria-label=outline_label>
                <path d=d.outline_path></path>
            </svg>
        </div>

        <section aria-labelledby="members-h">
            <h2 id="members-h">
                {t(lang, Key::MembersHeading)} " (" {member_count} ")"
            </h2>
            <table class="data" data-testid="epci-list">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Key::ColName)}</th>
                        <th scope="col">{t(lang, Key::ColKind)}</th>
                        <th scope="col">"SIREN"</th>
                        <th scope="col">{t(lang, Key::ColDepartments)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColPopulation)}</th>
                    </tr>
                </thead>
                <tbody>{members}</tbody>
            </table>
        </section>

        <section aria-labelledby="poles-h">
            <h2 id="poles-h">{t(lang, Key::PolesOfRegion)} " " {d.region.name}</h2>
            {poles}
        </section>

        <section aria-labelledby="friches-h">
            <h2 id="friches-h">{t(lang, Key::BrownfieldsHeading)}</h2>
            <p>
                <strong>{format_int(lang, d.brownfields.sites)}</strong> " "
                {t(lang, Key::BrownfieldSites)} " · "
                <strong>{format_dec1(lang, d.brownfields.surface_ha)}</strong> " ha · "
                {format_int(lang, d.brownfields.communes)} " " {t(lang, Key::BrownfieldCommunes)}
            </p>
            <p class="muted">{t(lang, Key::BrownfieldsSource)}</p>
        </section>

        <section aria-labelledby="firms-h">
            <h2 id="firms-h">{t(lang, Key::FirmsHeading)}</h2>
            <p class="muted">{t(lang, Key::NoFirmsYet)}</p>
        </section>
    }
}
