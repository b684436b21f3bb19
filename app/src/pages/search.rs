//! `/recherche`: one box, facets with counts, a map of the results, result cards.
//!
//! The whole state is the URL: without WebAssembly it is a GET form and links; hydrated, the
//! form is live (`components::LiveForm`): typing refines the results (after a pause,
//! replacing the address) and facet links fetch their results in place, so the back button
//! returns to the previous results. The results are sent once, as HTML.

use crate::api::directory::get_overview;
use crate::api::search::{
    search_network, suggest_names, FacetValue, SearchHit, SearchParams, SearchResults, SearchSort,
};
use crate::components::{ErrorView, LiveForm, Pager};
use crate::domain::organisation::headcount_label;
use crate::error::AppError;
use crate::i18n::{colon, format_dec1, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Facets in the order the panel shows them.
const FACET_ORDER: [&str; 13] = [
    "kind",
    "certification",
    "naf_division",
    "naf_class",
    "territory",
    "region",
    "department",
    "headcount",
    "site_label",
    "naf_section",
    "axis",
    "sheet_status",
    "funder",
];

fn href(p: &SearchParams) -> String {
    let q = p.to_query();
    if q.is_empty() {
        "/recherche".to_owned()
    } else {
        format!("/recherche?{q}")
    }
}

fn facet_key(name: &str) -> Key {
    match name {
        "kind" => Key::FacetKind,
        "region" => Key::ColRegion,
        "department" => Key::FacetDepartment,
        "territory" => Key::ColTerritory,
        "naf_section" => Key::FacetNafSection,
        "naf_division" => Key::FacetNafDivision,
        "naf_class" => Key::FacetNafClass,
        "headcount" => Key::Headcount,
        "certification" => Key::Certifications,
        "axis" => Key::AxisLabel,
        "sheet_status" => Key::FacetSheetStatus,
        "funder" => Key::Funder,
        _ => Key::FacetSiteLabel,
    }
}

/// The URL parameter a facet dimension filters on.
fn facet_param(name: &str) -> &str {
    match name {
        "naf_section" | "naf_division" | "naf_class" => "naf",
        "sheet_status" => "status",
        other => other,
    }
}

/// The label of a kind of result, for its facet and its card.
fn kind_key(kind: &str) -> Option<Key> {
    Some(match kind {
        "firm" => Key::KindFirm,
        "cluster" => Key::KindCluster,
        "pole" => Key::KindPole,
        "district" => Key::KindDistrict,
        "operator" => Key::KindOperator,
        crate::api::search::LAND_SITE => Key::KindLandSite,
        "territory" => Key::ColTerritory,
        "proposal" => Key::KindProposal,
        "need" => Key::KindNeed,
        "practice" => Key::KindPractice,
        "action_sheet" => Key::ActionSheetWord,
        _ => return None,
    })
}

fn value_label(lang: Lang, facet: &str, v: &FacetValue) -> String {
    let key = match (facet, v.value.as_str()) {
        ("kind", kind) => kind_key(kind),
        ("site_label", crate::api::search::TURNKEY) => Some(Key::Turnkey),
        ("site_label", "available") => Some(Key::StatusAvailable),
        ("site_label", "under_option") => Some(Key::StatusUnderOption),
        ("site_label", "sold") => Some(Key::StatusSold),
        ("axis", axis) => crate::domain::theme::Axis::parse(axis).map(|a| a.key()),
        ("sheet_status", status) => {
            crate::domain::action_sheet::SheetStatus::parse(status).map(|s| s.key())
        }
        _ => None,
    };
    if let Some(key) = key {
        return t(lang, key).to_owned();
    }
    if facet == "funder" {
        return crate::pages::action_sheets::funder_label(lang, &v.value, &v.label);
    }
    if facet == "headcount" {
        if let Some((fr, en)) = headcount_label(&v.value) {
            return match lang {
                Lang::Fr => fr,
                Lang::En => en,
            }
            .to_owned();
        }
    }
    if v.label != v.value && facet.starts_with("naf") {
        return format!("{} {}", v.value, v.label);
    }
    v.label.clone()
}

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        let pairs: Vec<(String, String)> = q
            .clone()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        SearchParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    });
    let results = Resource::new(
        move || params.get(),
        |p| async move {
            match p {
                Ok(p) => search_network(p).await,
                Err(e) => Err(e),
            }
        },
    );
    let backdrop = Resource::new(|| (), |_| get_overview());
    let initial = params.get_untracked().unwrap_or_default();
    // Names starting with what was typed, for the box's list: the live form brings the
    // list of each new page with its results.
    let prefix = initial_prefix(&initial.q);
    let suggestions = Resource::new(
        move || prefix.clone(),
        |prefix| async move {
            match prefix {
                Some(prefix) => suggest_names(prefix).await,
                None => Ok(Vec::new()),
            }
        },
    );

    view! {
        <Title text=t(lang, Key::SearchTitle)/>
        <h1>{t(lang, Key::SearchHeading)}</h1>
        <LiveForm>
        <form class="search-form" method="get" action="/recherche" role="search">
            <div class="field grow">
                <label for="s-q">{t(lang, Key::SearchLabel)}</label>
                <input id="s-q" type="search" name="q" autocomplete="off" list="s-suggestions"
                    placeholder=t(lang, Key::SearchPlaceholder)
                    value=initial.q.clone()/>
                <datalist id="s-suggestions" data-live="suggestions">
                    <Suspense>
                        {move || Suspend::new(async move {
                            suggestions.await.unwrap_or_default().into_iter()
                                .map(|s| view! { <option value=s></option> }).collect_view()
                        })}
                    </Suspense>
                </datalist>
            </div>
            <div class="field">
                <label for="s-near">{t(lang, Key::NearLabel)}</label>
                <input id="s-near" type="text" name="near" value=initial.near.clone().unwrap_or_default()
                    autocomplete="off" placeholder=t(lang, Key::NearPlaceholder)/>
                <crate::components::Suggest input="s-near".to_owned() list=crate::api::search::ChoiceList::Communes/>
            </div>
            <div class="field">
                <label for="s-radius">{t(lang, Key::RadiusLabel)}</label>
                <select id="s-radius" name="radius_km">
                    <option value="" selected=initial.radius_km.is_none()>{t(lang, Key::AnyDistance)}</option>
                    {crate::domain::geo::RADII_KM.into_iter().map(|r| view! {
                        <option value=r.to_string() selected=initial.radius_km == Some(r)>{format!("{r} km")}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="s-sort">{t(lang, Key::SortLabel)}</label>
                <select id="s-sort" name="sort">
                    <option value="relevance" selected=initial.sort == SearchSort::Relevance>{t(lang, Key::SortRelevance)}</option>
                    <option value="distance" selected=initial.sort == SearchSort::Distance>{t(lang, Key::SortDistance)}</option>
                    <option value="name" selected=initial.sort == SearchSort::Name>{t(lang, Key::SortName)}</option>
                </select>
            </div>
            // The filters chosen from facets: a live part, so that typing after following a
            // facet keeps it.
            <div data-live="filters">
                {crate::api::search::FILTERS.iter().filter_map(|name| {
                    initial.filter(name).map(|v| view! { <input type="hidden" name=*name value=v.to_owned()/> })
                }).collect_view()}
            </div>
            <button type="submit">{t(lang, Key::Search)}</button>
        </form>
        </LiveForm>
        // The count stays one element whose text changes, so a screen reader announces it.
        <p class="count" aria-live="polite" data-testid="result-count" data-live="result-count">
            <Suspense>
                {move || Suspend::new(async move {
                    results.await.ok().map(|r| {
                        let total = r.total;
                        view! { {format_int(lang, total)} " " {t(lang, if total == 1 { Key::ResultOne } else { Key::ResultMany })} }
                    })
                })}
            </Suspense>
        </p>
        <div data-live="results">
            <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let p = params.get_untracked().unwrap_or_default();
                    match (results.await, backdrop.await) {
                        // A SIRET names one establishment: its page.
                        (Ok(r), Ok(_)) if r.total == 1 && crate::api::search::siret_in(&p.q).is_some() => {
                            let there = r.hits.first().map(hit_href).unwrap_or_default();
                            crate::components::send_to(&there);
                            view! { <p><a href=there>{r.hits.first().map(|h| h.name.clone())}</a></p> }.into_any()
                        }
                        (Ok(r), Ok(o)) => view! { <ResultsView r p map=o.map width=o.map_width height=o.map_height/> }.into_any(),
                        (Err(AppError::Invalid(fields)), _) if fields.iter().any(|f| f.field == "near" && f.problem == crate::error::Problem::CommuneUnknown) => {
                            let problem = fields.into_iter().find(|f| f.field == "near").unwrap_or_else(|| crate::error::FieldError::new("near", crate::error::Problem::CommuneUnknown));
                            place_unknown(lang, &p, &problem)
                        }
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ResultsView(
    r: SearchResults,
    p: SearchParams,
    map: Vec<crate::api::directory::MapTerritory>,
    width: f64,
    height: f64,
) -> impl IntoView {
    let lang = use_lang();
    let active = crate::api::search::FILTERS
        .iter()
        .filter_map(|name| {
            p.filter(name).map(|value| {
                let clear = href(&p.with_filter(name, None));
                view! {
                    <li><a href=clear class="chip">{format!("{value} ✕")}<span class="visually-hidden">{t(lang, Key::RemoveFilter)}</span></a></li>
                }
            })
        })
        .collect_view();
    let facets = FACET_ORDER
        .iter()
        .filter_map(|name| {
            r.facets
                .get(*name)
                .filter(|v| !v.is_empty())
                .map(|v| (*name, v))
        })
        .map(|(name, values)| {
            let param = facet_param(name);
            let items = values
                .iter()
                .take(12)
                .map(|v| {
                    let selected = p.filter(param) == Some(v.value.as_str());
                    let target = if selected {
                        p.with_filter(param, None)
                    } else {
                        p.with_filter(param, Some(v.value.clone()))
                    };
                    view! {
                        <li>
                            <a href=href(&target) aria-current=selected.then_some("true")>
                                {value_label(lang, name, v)}
                            </a>
                            " " <span class="count-badge">{format_int(lang, v.count)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="facet" data-testid=format!("facet-{name}")>
                    <h2>{t(lang, facet_key(name))}</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
        .collect_view();
    let points: Vec<(f64, f64)> = r
        .hits
        .iter()
        .filter_map(|h| Some((h.map_x?, h.map_y?)))
        .collect();
    // Near a place, the map shows the results' area; otherwise all of France.
    let view_box = match p.near.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(_) => zoomed(&points, width, height),
        None => None,
    }
    .unwrap_or((0.0, 0.0, width, height));
    let scale = view_box.2 / width;
    let markers = r
        .hits
        .iter()
        .filter_map(|h| Some((h.map_x?, h.map_y?, h.name.clone(), hit_href(h))))
        .map(|(x, y, name, link)| {
            let label = name.clone();
            view! {
                <a href=link aria-label=label>
                    <circle cx=x cy=y r=format!("{:.2}", 6.0 * scale.max(0.15)) class="marker"><title>{name}</title></circle>
                </a>
            }
        })
        .collect_view();
    let paths = map
        .into_iter()
        .map(|ter| view! { <path d=ter.path></path> })
        .collect_view();
    let total = r.total;
    let cards = r
        .hits
        .into_iter()
        .map(|h| view! { <ResultCard h/> })
        .collect_view();
    let pager_params = p.clone();
    view! {
        // The results come first; the facets follow, folded on a phone and shown beside the
        // results on a wider screen (style/main.css).
        <div class="search-layout">
            <div class="results">
                <ul class="chips">{active}</ul>
                <ol class="result-list" data-testid="results">{cards}</ol>
                <Pager
                    page=r.page
                    per_page=r.per_page
                    total=total.min(crate::api::search::MAX_PAGE * r.per_page)
                    href=Box::new(move |page| { let mut q = pager_params.clone(); q.page = page; href(&q) })
                    label=t(lang, Key::ResultPages)
                />
                <figure class="result-map">
                    <svg viewBox=format!("{:.1} {:.1} {:.1} {:.1}", view_box.0, view_box.1, view_box.2, view_box.3) role="group" aria-label=t(lang, Key::ResultMapLabel) data-testid="result-map">
                        <g class="backdrop">{paths}</g>
                        {markers}
                    </svg>
                </figure>
            </div>
            <details class="facets-box">
                <summary>{t(lang, Key::Refine)}</summary>
                <aside class="facets" aria-label=t(lang, Key::Refine)>
                    {facets}
                </aside>
            </details>
        </div>
    }
}

/// The part of a `width` x `height` map that shows `points` with a margin, in the map's
/// proportions and never smaller than a tenth of it; `None` without points.
fn zoomed(points: &[(f64, f64)], width: f64, height: f64) -> Option<(f64, f64, f64, f64)> {
    let (first, rest) = points.split_first()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
    for (x, y) in rest {
        x0 = x0.min(*x);
        y0 = y0.min(*y);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    let ratio = height / width;
    let mut w = ((x1 - x0) * 1.3)
        .max((y1 - y0) * 1.3 / ratio)
        .max(width / 10.0);
    w = w.min(width);
    let h = w * ratio;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let x = (cx - w / 2.0).clamp(0.0, width - w);
    let y = (cy - h / 2.0).clamp(0.0, height - h);
    Some((x, y, w, h))
}

/// What the box's list of names is asked for: two letters at least.
fn initial_prefix(q: &str) -> Option<String> {
    (q.trim().chars().count() >= 2).then(|| q.trim().to_owned())
}

/// The page of a result.
fn hit_href(h: &SearchHit) -> String {
    match h.kind.as_str() {
        crate::api::search::LAND_SITE => format!("/foncier/{}", h.id),
        "territory" => format!("/territoires/ti-{:04}", h.id),
        "proposal" => format!("/simplification/{}", h.id),
        "need" => format!("/annonces/{}", h.id),
        "practice" => format!("/pratiques/{}", h.id),
        "action_sheet" => format!("/fiches/{}", h.id),
        _ => format!("/organisations/{}", h.id),
    }
}

/// A place that names no commune: said, with the communes it may be, each a link to the same
/// search near it; never an error page.
fn place_unknown(lang: Lang, p: &SearchParams, problem: &crate::error::FieldError) -> AnyView {
    let typed = p.near.clone().unwrap_or_default();
    let links = problem
        .suggestions
        .iter()
        .map(|(insee, label)| {
            let mut there = p.clone();
            there.near = Some(insee.clone());
            view! { <li><a href=href(&there)>{label.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <section class="error-box" role="alert" data-testid="place-unknown">
            <h2>{t(lang, Key::PlaceUnknownTitle)}</h2>
            <p>"« " {typed} " » " {colon(lang)} {t(lang, Key::ErrCommuneUnknown)}</p>
            {(!problem.suggestions.is_empty()).then(|| view! {
                <p>{t(lang, Key::DidYouMean)} {colon(lang)}</p>
                <ul data-testid="place-suggestions">{links}</ul>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ResultCard(h: SearchHit) -> impl IntoView {
    let lang = use_lang();
    let link = hit_href(&h);
    let kind = kind_key(&h.kind).unwrap_or(Key::KindFirm);
    let place = [h.commune.clone(), h.territory.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="result">
            <h3><a href=link>{h.name}</a></h3>
            <p class="meta">
                <span class="badge">{t(lang, kind)}</span> " " {place}
                {h.distance_km.map(|d| view! { " · " <strong>{format_dec1(lang, d)} " km"</strong> })}
            </p>
            <p class="snippet" inner_html=h.snippet></p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::zoomed;

    #[test]
    fn the_map_zooms_to_the_results_in_its_own_proportions() {
        assert_eq!(zoomed(&[], 1000.0, 800.0), None);
        // One result: a tenth of the map, centred on it.
        let (x, y, w, h) = zoomed(&[(500.0, 400.0)], 1000.0, 800.0).unwrap_or_default();
        assert_eq!((x, y, w, h), (450.0, 360.0, 100.0, 80.0));
        // Spread results: all inside, the ratio kept, never past the map's edges.
        let (x, y, w, h) =
            zoomed(&[(10.0, 10.0), (300.0, 50.0)], 1000.0, 800.0).unwrap_or_default();
        assert!(x <= 10.0 && x + w >= 300.0 && y <= 10.0 && y + h >= 50.0);
        assert!((h / w - 0.8).abs() < 1e-9 && x >= 0.0 && y >= 0.0);
    }
}
