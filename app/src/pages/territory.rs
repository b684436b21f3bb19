//! `/territoires/{id}`: a territory's region, departments, member EPCI, outline and pôles.

use crate::api::directory::{get_territory, TerritoryDetail};
use crate::api::organisations::{
    list_land_sites, list_organisations, territory_divisions, DivisionCount, LandSiteList,
    OrganisationFilter, OrganisationList, OrganisationSort,
};
use crate::components::{axis_options, theme_options, Checklist, DivisionChart, ErrorView, Pager};
use crate::components::{when_loaded, Field};
use crate::domain::organisation::headcount_label;
use crate::domain::theme::Axis;
use crate::error::AppError;
use crate::i18n::{format_dec1, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Firms shown per page on a territory page.
const FIRMS_PER_PAGE: u64 = 20;

/// The page's own state, all in the URL: firm page and sort, land page.
#[derive(Debug, Clone, PartialEq)]
struct ListState {
    id: String,
    page: u64,
    sort: OrganisationSort,
    land_page: u64,
}

impl ListState {
    fn href(&self, page: u64, sort: OrganisationSort, land_page: u64) -> String {
        let mut q = Vec::new();
        if page > 1 {
            q.push(format!("page={page}"));
        }
        if sort != OrganisationSort::Name {
            q.push(format!("tri={}", sort.url_value()));
        }
        if land_page > 1 {
            q.push(format!("fpage={land_page}"));
        }
        let query = if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        };
        format!("/territoires/{}{query}", self.id)
    }
}

/// Everything the territory page shows besides the territory itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Lists {
    firms: OrganisationList,
    divisions: Vec<DivisionCount>,
    sites: LandSiteList,
}

async fn load_lists(state: ListState) -> Result<Lists, AppError> {
    let filter = OrganisationFilter {
        kind: Some("firm".into()),
        territory: Some(state.id.clone()),
        naf: None,
        sort: state.sort,
        page: state.page,
        per_page: FIRMS_PER_PAGE,
    };
    Ok(Lists {
        firms: list_organisations(filter).await?,
        divisions: territory_divisions(state.id.clone()).await?,
        sites: list_land_sites(state.id, state.land_page).await?,
    })
}

/// The territory page.
#[component]
pub fn TerritoryPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let territory = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_territory,
    );
    let state = Memo::new(move |_| {
        let q = query.read();
        let number = |k: &str| {
            q.get(k)
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(1)
        };
        ListState {
            id: params.read().get("id").unwrap_or_default(),
            page: number("page"),
            sort: q
                .get("tri")
                .and_then(|s| OrganisationSort::parse(&s))
                .unwrap_or_default(),
            land_page: number("fpage"),
        }
    });
    let lists = Resource::new(move || state.get(), load_lists);
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match (territory.await, lists.await) {
                    (Ok(d), Ok(l)) => view! { <TerritoryView d lists=l state=state.get_untracked()/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TerritoryView(d: TerritoryDetail, lists: Lists, state: ListState) -> impl IntoView {
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
        <crate::components::Flash done=&[("modifie", Key::FlashSaved), ("message", Key::FlashMessageSent)]/>
        <div class="territory-head">
            <dl class="facts">
                <dt>{t(lang, if d.regions.len() > 1 { Key::RegionsConcerned } else { Key::ColRegion })}</dt>
                <dd data-testid="territory-regions">{if d.regions.len() > 1 {
                    d.regions.iter().map(|r| {
                        let communes = t(lang, Key::RegionCommunes).replace("{n}", &crate::i18n::format_int(lang, r.communes));
                        let lead = if r.lead { format!(", {}", t(lang, Key::LeadRegion)) } else { String::new() };
                        format!("{} ({communes}{lead})", r.name)
                    }).collect::<Vec<_>>().join(" ; ")
                } else {
                    d.region.name.clone()
                }}</dd>
                <dt>{t(lang, Key::ColDepartments)}</dt>
                <dd>{departments}</dd>
                <dt>{t(lang, Key::ColPopulation)}</dt>
                <dd>{format_int(lang, d.population)}</dd>
                <dt>{t(lang, Key::CommunesLabel)}</dt>
                <dd>{format_int(lang, d.commune_count)}</dd>
                <dt>{t(lang, Key::TerritoryId)}</dt>
                <dd><code>{d.id.clone()}</code></dd>
            </dl>
            <svg class="outline" viewBox=d.outline_viewbox role="img" aria-label=outline_label>
                <path d=d.outline_path></path>
            </svg>
        </div>

        <ProfileSection id=d.id.clone() profile=d.profile.clone()/>
        <crate::pages::committees::GovernanceSection id=d.id.clone()/>

        <section aria-labelledby="members-h">
            <h2 id="members-h">
                {t(lang, Key::MembersHeading)} " (" {member_count} ")"
            </h2>
            <div class="table-scroll"><table class="data" data-testid="epci-list">
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
            </table></div>
        </section>

        <section aria-labelledby="poles-h">
            <h2 id="poles-h">{t(lang, Key::PolesOfRegion)} " " {d.region.name}</h2>
            {poles}
        </section>

        <section aria-labelledby="network-h">
            <h2 id="network-h">{t(lang, Key::EuropeanNetwork)}</h2>
            <p>
                <a href=format!("/territoires/{}/filieres", d.id) data-testid="filieres-link">{t(lang, Key::FilieresTitle)}</a>
                " · "
                <a href=format!("/annonces?territory={}", d.id)>{t(lang, Key::TerritoryNeeds)}</a>
                " · "
                <a href=format!("/territoires/{}/partenaires", d.id) data-testid="partners-link">{t(lang, Key::SeePartners)}</a>
                " · "
                <a href=format!("/pratiques?author=territory:{}", d.id)>{t(lang, Key::TerritoryPractices)}</a>
            </p>
        </section>

        <section aria-labelledby="simplification-h">
            <h2 id="simplification-h">{t(lang, Key::ProposalsTitle)}</h2>
            <p>
                <a href=format!("/simplification?territory={}", d.id)>{t(lang, Key::TerritoryProposalsLink)}</a>
                " · "
                <a href="/simplification/nouvelle">{t(lang, Key::NewProposal)}</a>
            </p>
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

        <FirmsSection lists=lists.clone() state=state.clone()/>
        <LandSection sites=lists.sites state/>
    }
}

fn band_text(lang: Lang, band: Option<&str>) -> String {
    band.and_then(headcount_label)
        .map(|(fr, en)| {
            match lang {
                Lang::Fr => fr,
                Lang::En => en,
            }
            .to_owned()
        })
        .unwrap_or_default()
}

#[component]
fn FirmsSection(lists: Lists, state: ListState) -> impl IntoView {
    let lang = use_lang();
    let firms = lists.firms;
    if firms.total == 0 {
        return view! {
            <section aria-labelledby="firms-h">
                <h2 id="firms-h">{t(lang, Key::FirmsHeading)}</h2>
                <p class="muted">{t(lang, Key::NoFirmsYet)}</p>
            </section>
        }
        .into_any();
    }
    let sorts = [
        (OrganisationSort::Name, Key::SortName),
        (OrganisationSort::Commune, Key::SortCommune),
        (OrganisationSort::Headcount, Key::SortHeadcount),
    ]
    .into_iter()
    .map(|(sort, key)| {
        let current = sort == state.sort;
        view! {
            <li>
                <a href=state.href(1, sort, state.land_page) aria-current=current.then_some("true")>
                    {t(lang, key)}
                </a>
            </li>
        }
    })
    .collect_view();
    let rows = firms
        .items
        .into_iter()
        .map(|f| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/organisations/{}", f.id)>{f.name}</a>
                        {f.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoShort)}</span> })}
                    </th>
                    <td>{f.commune.unwrap_or_default()}</td>
                    <td><code>{f.naf_code.unwrap_or_default()}</code> " " {f.naf_label.unwrap_or_default()}</td>
                    <td>{band_text(lang, f.headcount_band.as_deref())}</td>
                </tr>
            }
        })
        .collect_view();
    let st = state.clone();
    view! {
        <section aria-labelledby="firms-h">
            <h2 id="firms-h">
                {t(lang, Key::FirmsHeading)} " (" {format_int(lang, firms.total)} ")"
            </h2>
            <h3>{t(lang, Key::ChartDivisionsTitle)}</h3>
            <DivisionChart counts=lists.divisions/>
            <nav aria-label=t(lang, Key::SortBy) class="sort">
                <span>{t(lang, Key::SortBy)}</span>
                <ul>{sorts}</ul>
            </nav>
            <div class="table-scroll"><table class="data" data-testid="firm-list">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Key::ColName)}</th>
                        <th scope="col">{t(lang, Key::Commune)}</th>
                        <th scope="col">{t(lang, Key::NafActivity)}</th>
                        <th scope="col">{t(lang, Key::Headcount)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table></div>
            <Pager
                page=firms.page
                per_page=firms.per_page
                total=firms.total
                href=Box::new(move |p| st.href(p, st.sort, st.land_page))
                label=t(lang, Key::FirmPages)
            />
        </section>
    }
    .into_any()
}

#[component]
fn LandSection(sites: LandSiteList, state: ListState) -> impl IntoView {
    let lang = use_lang();
    if sites.total == 0 {
        return view! {
            <section aria-labelledby="land-h">
                <h2 id="land-h">{t(lang, Key::LandHeading)}</h2>
                <p class="muted">{t(lang, Key::NoLandYet)}</p>
            </section>
        }
        .into_any();
    }
    let rows = sites
        .items
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/foncier/{}", s.id)>{s.name}</a>
                        {s.turnkey.then(|| view! { " " <span class="badge">{t(lang, Key::Turnkey)}</span> })}
                        {s.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoShort)}</span> })}
                    </th>
                    <td>{s.commune}</td>
                    <td class="num">{format_dec1(lang, s.area_ha)} " ha"</td>
                    <td>{crate::i18n::label_of(lang, &s.status, crate::domain::organisation::SiteStatus::parse, crate::domain::organisation::SiteStatus::key)}</td>
                    <td>{s.available_from.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let st = state.clone();
    view! {
        <section aria-labelledby="land-h">
            <h2 id="land-h">{t(lang, Key::LandHeading)} " (" {format_int(lang, sites.total)} ")"</h2>
            <div class="table-scroll"><table class="data" data-testid="land-list">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Key::ColName)}</th>
                        <th scope="col">{t(lang, Key::Commune)}</th>
                        <th scope="col" class="num">{t(lang, Key::Area)}</th>
                        <th scope="col">{t(lang, Key::Status)}</th>
                        <th scope="col">{t(lang, Key::AvailableFrom)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table></div>
            <Pager
                page=sites.page
                per_page=sites.per_page
                total=sites.total
                href=Box::new(move |p| st.href(st.page, st.sort, p))
                label=t(lang, Key::LandPages)
            />
        </section>
    }
    .into_any()
}

/// What the territory team says of the territory, and "edit" for its leads.
#[component]
fn ProfileSection(
    id: String,
    profile: Option<crate::api::directory::TerritoryProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| crate::api::accounts::get_current_user());
    let resource = crate::domain::policy::Resource::Territory {
        id: id.clone(),
        regions: vec![id.get(3..5).unwrap_or_default().to_owned()],
    };
    let edit_href = format!("/territoires/{id}/modifier");
    let body = match profile {
        None => view! { <p class="muted">{t(lang, Key::NoProfileYet)}</p> }.into_any(),
        Some(p) => {
            let needs = [
                (Key::NeedsSkills, p.needs_skills),
                (Key::NeedsLand, p.needs_land),
                (Key::NeedsHousing, p.needs_housing),
                (Key::NeedsMobility, p.needs_mobility),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| view! { <dt>{t(lang, k)}</dt><dd>{v}</dd> })
            .collect_view();
            view! {
                <p data-testid="territory-presentation">{p.presentation}</p>
                {(!p.axes.is_empty()).then(|| view! {
                    <ul class="tags">{p.axes.iter().map(|a| view! { <li>{Axis::label_of(lang, a)}</li> }).collect_view()}</ul>
                })}
                {(!p.strengths.is_empty()).then(|| view! { <h3>{t(lang, Key::Strengths)}</h3><p>{p.strengths.clone()}</p> })}
                {(!p.challenges.is_empty()).then(|| view! {
                    <h3>{t(lang, Key::ChallengesLabel)}</h3>
                    <ul class="tags" data-testid="territory-challenges">{p.challenges.iter().map(|c| view! { <li>{crate::domain::theme::Theme::label_of(lang, c)}</li> }).collect_view()}</ul>
                })}
                <dl class="facts">{needs}</dl>
            }
            .into_any()
        }
    };
    view! {
        <section aria-labelledby="profile-h">
            <h2 id="profile-h">{t(lang, Key::TerritoryProfileHeading)}</h2>
            {body}
            <Suspense>
                {move || {
                    let resource = resource.clone();
                    let edit_href = edit_href.clone();
                    Suspend::new(async move {
                        let allowed = user.await.ok().flatten().is_some_and(|u| {
                            crate::domain::policy::can(&u.viewer(), crate::domain::policy::Action::Edit, &resource)
                        });
                        allowed.then(|| view! { <p><a href=edit_href data-testid="edit-territory">{t(lang, Key::EditTerritory)}</a></p> })
                    })
                }}
            </Suspense>
        </section>
    }
}

/// `/territoires/{id}/modifier`: the team's form.
#[component]
pub fn TerritoryEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            let user = crate::api::accounts::get_current_user().await?;
            let resource = crate::domain::policy::Resource::Territory {
                id: id.clone(),
                regions: vec![id.get(3..5).unwrap_or_default().to_owned()],
            };
            if !user.is_some_and(|u| {
                crate::domain::policy::can(
                    &u.viewer(),
                    crate::domain::policy::Action::Edit,
                    &resource,
                )
            }) {
                return Err(AppError::Forbidden);
            }
            get_territory(id).await
        },
    );
    view! {
        <Title text=t(lang, Key::EditTerritory)/>
        {when_loaded(data, move |d| {
                        let p = d.profile.clone().unwrap_or_default();
                        let area = |id, name, key, value: String| Field::new(id, name, key).value(value).area(3).view(lang);
                        let action = format!("/territoires/{}/modifier", d.id);
                        view! {
                            <h1>{t(lang, Key::EditTerritory)} {crate::i18n::colon(lang)} {d.name.clone()}</h1>
                            <form method="post" action=action.clone() class="card-form wide">
                                <crate::components::ProblemSummary/>
                                {area("te-presentation", "presentation", Key::PresentationLabel, p.presentation.clone())}
                                <Checklist legend=Key::AxesLabel prefix="te-axis" name="axes" action=action.clone() options=axis_options() chosen=p.axes.clone()/>
                                {area("te-strengths", "strengths", Key::Strengths, p.strengths.clone())}
                                <Checklist legend=Key::ChallengesLabel prefix="te-challenge" name="challenges" action=action.clone() options=theme_options() chosen=p.challenges.clone()/>
                                {area("te-skills", "needs_skills", Key::NeedsSkills, p.needs_skills.clone())}
                                {area("te-land", "needs_land", Key::NeedsLand, p.needs_land.clone())}
                                {area("te-housing", "needs_housing", Key::NeedsHousing, p.needs_housing.clone())}
                                {area("te-mobility", "needs_mobility", Key::NeedsMobility, p.needs_mobility.clone())}
                                <button type="submit">{t(lang, Key::Save)}</button>
                            </form>
                        }.into_any()
                    })}
    }
}
