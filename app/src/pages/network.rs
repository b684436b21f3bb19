//! The European network: partner suggestions for a territory or a district, best practices,
//! and exchanges. Forms post to the server and come back with a code in the address.

use crate::api::accounts::get_current_user;
use crate::api::network::{
    get_district_partners, get_exchange, get_exchanges, get_practice, get_practices,
    get_territory_partners, ExchangeView, PartnerSuggestion, Partners, PracticeFilter,
    PracticeSummary,
};
use crate::components::{path_record, when_loaded};
use crate::components::{BarChart, ErrorView, Flash, Pager};
use crate::domain::exchange::{ExchangeFormat, ExchangeStatus};
use crate::domain::organisation::PartyKind;
use crate::domain::policy::ScopeKind;
use crate::domain::theme::Theme;
use crate::error::AppError;
use crate::i18n::{country_name, format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn error_key(code: &str) -> Key {
    match code {
        "forbidden" => Key::ForbiddenBody,
        "conflict" => Key::ErrProposalConflict,
        "signin_required" => Key::ErrSignInRequired,
        _ => Key::ErrorBody,
    }
}

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("publie", Key::FlashPracticePublished),
    ("propose", Key::FlashExchangeProposed),
    ("repondu", Key::FlashSaved),
    ("rapport", Key::FlashSaved),
];

/// The exchange proposal form, from one of the reader's territories to a partner.
fn propose_form(
    lang: Lang,
    from: Vec<(String, String)>,
    to: String,
    to_name: String,
    practice: Option<i64>,
    back: String,
    n: usize,
) -> impl IntoView {
    let id = |name: &str| format!("px{n}-{name}");
    view! {
        <details class="propose">
            <summary>{t(lang, Key::ProposeExchange)} {crate::i18n::colon(lang)} {to_name.clone()}</summary>
            <form method="post" action="/echanges/nouveau" class="card-form" data-testid=format!("propose-{to}")>
                <input type="hidden" name="to" value=to.clone()/>
                <input type="hidden" name="back" value=back/>
                {practice.map(|p| view! { <input type="hidden" name="practice_id" value=p.to_string()/> })}
                <div class="field">
                    <label for=id("from")>{t(lang, Key::ExchangeFrom)}</label>
                    <select id=id("from") name="from">
                        {from.into_iter().map(|(tid, name)| view! { <option value=tid>{name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("format")>{t(lang, Key::ExchangeFormat)}</label>
                    <select id=id("format") name="format">
                        {ExchangeFormat::ALL.iter().map(|f| view! { <option value=f.code()>{t(lang, f.key())}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("theme")>{t(lang, Key::ExchangeTheme)}</label>
                    <input id=id("theme") name="theme" type="text"/>
                </div>
                <div class="field">
                    <label for=id("date")>{t(lang, Key::ExchangeStart)}</label>
                    <input id=id("date") name="start_date" type="date"/>
                </div>
                <div class="field">
                    <label for=id("message")>{t(lang, Key::ExchangeMessage)} " *"</label>
                    <textarea id=id("message") name="message" rows="4" required></textarea>
                </div>
                <button type="submit">{t(lang, Key::ProposeExchange)}</button>
            </form>
        </details>
    }
}

/// One ranked partner with its score drawn as a bar and its reasons.
fn partner_item(
    lang: Lang,
    s: PartnerSuggestion,
    from: Option<Vec<(String, String)>>,
    back: String,
    n: usize,
) -> impl IntoView {
    let href = if PartyKind::District.is(&s.kind) {
        format!("/organisations/{}", s.id)
    } else {
        format!("/territoires/{}", s.id)
    };
    let pct = (s.score * 100.0).round();
    let to = format!("{}:{}", s.kind, s.id);
    let form = from
        .filter(|f| !f.is_empty())
        .map(|f| propose_form(lang, f, to, s.name.clone(), None, back, n));
    view! {
        <li class="partner" data-testid="partner">
            <h3><a href=href>{s.name.clone()}</a></h3>
            <p class="meta">{country_name(lang, &s.country)} " · " {s.place.clone()}</p>
            <p class="score">
                <svg viewBox="0 0 100 8" width="120" height="10" aria-hidden="true">
                    <rect x="0" y="0" width="100" height="8" class="score-track"></rect>
                    <rect x="0" y="0" width=pct height="8" class="score-bar"></rect>
                </svg>
                " " {t(lang, Key::Affinity)} " " {crate::i18n::percent(lang, pct)}
            </p>
            <p class="why" data-testid="why">{s.explanation.clone()}</p>
            {form}
        </li>
    }
}

#[component]
fn PartnersView(p: Partners, district: bool) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    let rows: Vec<(String, u64)> = p
        .profile
        .iter()
        .map(|(code, label, share)| (format!("{code} {label}"), (share * 100.0).round() as u64))
        .collect();
    let back = if district {
        format!("/organisations/{}/partenaires", p.id)
    } else {
        format!("/territoires/{}/partenaires", p.id)
    };
    let chart = (!district && !rows.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::IndustrialProfile)}</h2>
            <BarChart rows label=t(lang, Key::IndustrialProfileLabel).to_owned() caption=t(lang, Key::IndustrialProfileCaption).to_owned() testid="profile-chart"/>
        }
    });
    let (districts, territories, may_propose, name) =
        (p.districts, p.territories, p.may_propose, p.name);
    view! {
        <Title text=format!("{} · {}", t(lang, Key::PartnersTitle), name)/>
        <p class="breadcrumb"><a href=if district { format!("/organisations/{}", p.id) } else { format!("/territoires/{}", p.id) }>{name.clone()}</a></p>
        <h1>{t(lang, Key::PartnersTitle)} {crate::i18n::colon(lang)} {name.clone()}</h1>
        <Flash errors=error_key done=DONE/>
        <p class="lead">{t(lang, if district { Key::DistrictPartnersLead } else { Key::PartnersLead })}</p>
        {chart}
        <Suspense fallback=|| ()>
            {move || {
                let districts = districts.clone();
                let territories = territories.clone();
                let back = back.clone();
                Suspend::new(async move {
                    // The reader's territories, when they may propose an exchange from them.
                    let from: Vec<(String, String)> = user
                        .await
                        .ok()
                        .flatten()
                        .map(|u| {
                            u.memberships
                                .into_iter()
                                .filter(|m| ScopeKind::Territory.is(&m.scope_kind))
                                .map(|m| (m.scope_id, m.scope_label))
                                .collect()
                        })
                        .unwrap_or_default();
                    let from = (may_propose || district).then_some(from);
                    let n = districts.len();
                    view! {
                        {(!district).then(|| view! {
                            <section aria-labelledby="districts-h">
                                <h2 id="districts-h">{t(lang, Key::SuggestedDistricts)}</h2>
                                <ol class="partners" data-testid="district-suggestions">
                                    {districts.into_iter().enumerate().map(|(i, s)| partner_item(lang, s, from.clone(), back.clone(), i)).collect_view()}
                                </ol>
                            </section>
                        })}
                        <section aria-labelledby="territories-h">
                            <h2 id="territories-h">{t(lang, if district { Key::MatchingTerritories } else { Key::TerritoriesLikeMine })}</h2>
                            <ol class="partners" data-testid="territory-suggestions">
                                {territories.into_iter().enumerate().map(|(i, s)| partner_item(lang, s, from.clone().filter(|_| !district), back.clone(), n + i)).collect_view()}
                            </ol>
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}

/// `/territoires/{id}/partenaires`
#[component]
pub fn TerritoryPartnersPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_territory_partners,
    );
    view! {
        {when_loaded(data, move |p| view! { <PartnersView p district=false/> }.into_any())}
    }
}

/// `/organisations/{id}/partenaires` for a district: French territories that match it.
#[component]
pub fn DistrictPartnersPage() -> impl IntoView {
    when_loaded(
        path_record(get_district_partners),
        move |p| view! { <PartnersView p district=true/> },
    )
}

fn practice_item(lang: Lang, p: PracticeSummary) -> impl IntoView {
    let author = if PartyKind::Territory.is(&p.author_kind) {
        format!("/territoires/{}", p.author_id)
    } else {
        format!("/organisations/{}", p.author_id)
    };
    view! {
        <li class="card">
            <h2><a href=format!("/pratiques/{}", p.id) hreflang=p.lang.clone()>{p.title.clone()}</a></h2>
            <p class="meta">
                <span class="badge">{Theme::label_of(lang, &p.theme)}</span> " "
                {p.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                <a href=author>{p.author_name.clone()}</a> " · " {p.lang.to_uppercase()} " · " {format_date(lang, p.created_at)}
            </p>
        </li>
    }
}

/// `/pratiques`: best practices, searchable and filtered by theme, author and language.
#[component]
pub fn PracticesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let pairs: Vec<(&str, String)> = ["q", "theme", "author", "lang", "page"]
                .iter()
                .filter_map(|n| q.get(n).map(|v| (*n, v)))
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
            PracticeFilter::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
        },
        |filter| async move {
            let filter = filter?;
            let list = get_practices(filter.clone()).await?;
            Ok::<_, AppError>((filter, list))
        },
    );
    view! {
        <Title text=t(lang, Key::PracticesTitle)/>
        <h1>{t(lang, Key::PracticesTitle)}</h1>
        <p class="lead">{t(lang, Key::PracticesLead)}</p>
        <p class="actions-row">
            <a class="button" href="/pratiques/nouvelle">{t(lang, Key::NewPractice)}</a> " "
            <a href="/echanges">{t(lang, Key::MyExchanges)}</a>
        </p>
        {when_loaded(data, move |(filter, list)| {
                        let mut qs: Vec<String> = Vec::new();
                        if !filter.q.is_empty() { qs.push(format!("q={}", crate::api::search::encode(&filter.q))); }
                        for (k, v) in [("theme", &filter.theme), ("author", &filter.author), ("lang", &filter.lang)] {
                            if let Some(v) = v { qs.push(format!("{k}={}", crate::api::search::encode(v))); }
                        }
                        let base = qs.join("&");
                        let href: Box<dyn Fn(u64) -> String + Send + Sync> = Box::new(move |page| {
                            if base.is_empty() { format!("/pratiques?page={page}") } else { format!("/pratiques?{base}&page={page}") }
                        });
                        view! {
                            <form class="filters" method="get" action="/pratiques" role="search">
                                <div class="field">
                                    <label for="pp-q">{t(lang, Key::SearchPractices)}</label>
                                    <input id="pp-q" type="search" name="q" value=filter.q.clone()/>
                                </div>
                                <div class="field">
                                    <label for="pp-theme">{t(lang, Key::ThemeLabel)}</label>
                                    <select id="pp-theme" name="theme">
                                        <option value="">{t(lang, Key::AllThemes)}</option>
                                        {Theme::ALL.iter().map(|th| view! {
                                            <option value=th.code() selected=filter.theme.as_deref() == Some(th.code())>{t(lang, th.key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="pp-lang">{t(lang, Key::PracticeLanguage)}</label>
                                    <select id="pp-lang" name="lang">
                                        <option value="">{t(lang, Key::AllLanguages)}</option>
                                        <option value="fr" lang="fr" selected=filter.lang.as_deref() == Some("fr")>"Français"</option>
                                        <option value="en" lang="en" selected=filter.lang.as_deref() == Some("en")>"English"</option>
                                    </select>
                                </div>
                                {filter.author.clone().map(|a| view! { <input type="hidden" name="author" value=a/> })}
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="practice-count">{format_int(lang, list.total)} " " {t(lang, Key::PracticesWord)}</p>
                            <ul class="cards" data-testid="practice-list">{list.items.clone().into_iter().map(|p| practice_item(lang, p)).collect_view()}</ul>
                            <Pager page=list.page per_page=list.per_page total=list.total href label=t(lang, Key::PracticesTitle)/>
                        }.into_any()
                    })}
    }
}

/// `/pratiques/nouvelle`: a territory team or a district publishes a practice.
#[component]
pub fn PracticeNewPage() -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text=t(lang, Key::NewPractice)/>
        <h1>{t(lang, Key::NewPractice)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let Ok(Some(u)) = user.await else {
                    return view! { <p>{t(lang, Key::PracticeSignIn)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p> }.into_any();
                };
                let authors: Vec<(String, String)> = u.memberships.iter().filter_map(|m| match m.scope_kind.as_str() {
                    "territory" if crate::domain::policy::Role::parse(&m.role).is_some_and(crate::domain::policy::Role::speaks_for_territory) => Some((format!("territory:{}", m.scope_id), m.scope_label.clone())),
                    "organisation" => Some((format!("district:{}", m.scope_id), m.scope_label.clone())),
                    _ => None,
                }).collect();
                if authors.is_empty() {
                    return view! { <p>{t(lang, Key::PracticeTeamsOnly)}</p> }.into_any();
                }
                let area = |id: &'static str, name: &'static str, key: Key, required: bool| view! {
                    <div class="field">
                        <label for=id>{t(lang, key)}{required.then_some(" *")}</label>
                        <textarea id=id name=name rows="4" required=required></textarea>
                    </div>
                };
                view! {
                    <form method="post" action="/pratiques/nouvelle" class="card-form wide">
                        <div class="field">
                            <label for="pr-author">{t(lang, Key::PublishedBy)}</label>
                            <select id="pr-author" name="author">
                                {authors.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="pr-title">{t(lang, Key::ProposalTitleLabel)} " *"</label>
                            <input id="pr-title" name="title" type="text" required minlength="5" maxlength="200"/>
                        </div>
                        <div class="field">
                            <label for="pr-theme">{t(lang, Key::ThemeLabel)}</label>
                            <select id="pr-theme" name="theme">
                                {Theme::ALL.iter().map(|th| view! { <option value=th.code()>{t(lang, th.key())}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="pr-lang">{t(lang, Key::PracticeLanguage)}</label>
                            <select id="pr-lang" name="lang">
                                <option value="fr" lang="fr" selected=lang == Lang::Fr>"Français"</option>
                                <option value="en" lang="en" selected=lang == Lang::En>"English"</option>
                            </select>
                        </div>
                        {area("pr-context", "context", Key::PracticeContext, false)}
                        {area("pr-actions", "actions", Key::PracticeActions, true)}
                        {area("pr-results", "results", Key::PracticeResults, false)}
                        {area("pr-cost", "cost", Key::PracticeCost, false)}
                        {area("pr-partners", "partners", Key::PracticePartners, false)}
                        {area("pr-contact", "contact", Key::PracticeContact, false)}
                        <button type="submit">{t(lang, Key::Publish)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/pratiques/{id}`
#[component]
pub fn PracticePage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(get_practice);
    view! {
        {when_loaded(data, move |p| {
                        let s = p.summary.clone();
                        let section = |key: Key, text: String| (!text.trim().is_empty()).then(|| view! { <h2>{t(lang, key)}</h2><p class="prose" lang=s.lang.clone()>{text}</p> });
                        let to = format!("{}:{}", if PartyKind::Territory.is(&s.author_kind) { PartyKind::Territory.code() } else { PartyKind::District.code() }, s.author_id);
                        let form = (!p.propose_from.is_empty()).then(|| propose_form(lang, p.propose_from.clone(), to, s.author_name.clone(), Some(s.id), format!("/pratiques/{}", s.id), 0));
                        let author = if PartyKind::Territory.is(&s.author_kind) { format!("/territoires/{}", s.author_id) } else { format!("/organisations/{}", s.author_id) };
                        view! {
                            <Title text=s.title.clone()/>
                            <p class="breadcrumb"><a href="/pratiques">{t(lang, Key::PracticesTitle)}</a></p>
                            <h1 lang=s.lang.clone()>{s.title.clone()}</h1>
                            <Flash errors=error_key done=DONE/>
                            <p class="meta">
                                <span class="badge">{Theme::label_of(lang, &s.theme)}</span> " "
                                {s.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                                <a href=author>{s.author_name.clone()}</a> " · " {format_date(lang, s.created_at)}
                            </p>
                            {section(Key::PracticeContext, p.context.clone())}
                            {section(Key::PracticeActions, p.actions.clone())}
                            {section(Key::PracticeResults, p.results.clone())}
                            {section(Key::PracticeCost, p.cost.clone())}
                            {section(Key::PracticePartners, p.partners.clone())}
                            {section(Key::PracticeContact, p.contact.clone())}
                            {form}
                        }.into_any()
                    })}
    }
}

fn exchange_line(lang: Lang, x: &ExchangeView) -> impl IntoView {
    view! {
        <li class="card">
            <h2><a href=format!("/echanges/{}", x.id)>{x.from_name.clone()} " → " {x.to_name.clone()}</a></h2>
            <p class="meta">
                <span class=format!("badge status status-{}", x.status)>{crate::i18n::label_of(lang, &x.status, ExchangeStatus::parse, ExchangeStatus::key)}</span> " "
                {ExchangeFormat::label_of(lang, &x.format)} " · " {x.theme.clone()} " · " {format_date(lang, x.created_at)}
            </p>
        </li>
    }
}

/// `/echanges`: the exchanges of the reader's territories and districts.
#[component]
pub fn ExchangesPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_exchanges());
    view! {
        <Title text=t(lang, Key::MyExchanges)/>
        <h1>{t(lang, Key::MyExchanges)}</h1>
        <p class="lead">{t(lang, Key::ExchangesLead)}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p>{t(lang, Key::NoExchanges)}</p> }.into_any(),
                    Ok(list) => view! { <ul class="cards" data-testid="exchange-list">{list.iter().map(|x| exchange_line(lang, x)).collect_view()}</ul> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/echanges/{id}`: one exchange, its answer and its report.
#[component]
pub fn ExchangePage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(get_exchange);
    view! {
        {when_loaded(data, move |x| {
                        let id = x.id;
                        let can = |a: &str| x.actions.iter().any(|x| x == a);
                        let answer = (can("accept")).then(|| view! {
                            <form method="post" action=format!("/echanges/{id}/reponse") class="card-form" data-testid="answer-form">
                                <div class="field">
                                    <label for="ex-reason">{t(lang, Key::DeclineReason)}</label>
                                    <textarea id="ex-reason" name="reason" rows="2"></textarea>
                                </div>
                                <div class="actions-row">
                                    <button type="submit" name="action" value="accept">{t(lang, Key::AcceptExchange)}</button>
                                    <button type="submit" name="action" value="decline" class="secondary">{t(lang, Key::DeclineExchange)}</button>
                                </div>
                            </form>
                        });
                        let report = can("report").then(|| view! {
                            <form method="post" action=format!("/echanges/{id}/compte-rendu") class="card-form" data-testid="report-form">
                                <h2>{t(lang, Key::ExchangeReport)}</h2>
                                <div class="field"><label for="ex-start">{t(lang, Key::ExchangeStart)} " *"</label><input id="ex-start" name="start_date" type="date" required value=x.start_date.clone()/></div>
                                <div class="field"><label for="ex-end">{t(lang, Key::ExchangeEnd)} " *"</label><input id="ex-end" name="end_date" type="date" required/></div>
                                <div class="field"><label for="ex-participants">{t(lang, Key::ExchangeParticipants)}</label><textarea id="ex-participants" name="participants" rows="2"></textarea></div>
                                <div class="field"><label for="ex-outcome">{t(lang, Key::ExchangeOutcome)} " *"</label><textarea id="ex-outcome" name="outcome" rows="4" required></textarea></div>
                                <button type="submit">{t(lang, Key::SaveReport)}</button>
                            </form>
                        });
                        let to_href = if PartyKind::District.is(&x.to_kind) { format!("/organisations/{}", x.to_id) } else { format!("/territoires/{}", x.to_id) };
                        view! {
                            <Title text=format!("{} → {}", x.from_name, x.to_name)/>
                            <p class="breadcrumb"><a href="/echanges">{t(lang, Key::MyExchanges)}</a></p>
                            <h1><a href=format!("/territoires/{}", x.from_territory)>{x.from_name.clone()}</a> " → " <a href=to_href>{x.to_name.clone()}</a></h1>
                            <Flash errors=error_key done=DONE/>
                            <p class="meta">
                                <span data-testid="exchange-status" class=format!("badge status status-{}", x.status)>{crate::i18n::label_of(lang, &x.status, ExchangeStatus::parse, ExchangeStatus::key)}</span> " "
                                {ExchangeFormat::label_of(lang, &x.format)} {(!x.theme.is_empty()).then(|| format!(" · {}", x.theme))}
                                {x.practice.clone().map(|(pid, title)| view! { " · " <a href=format!("/pratiques/{pid}")>{title}</a> })}
                            </p>
                            <h2>{t(lang, Key::ExchangeMessage)}</h2>
                            <p class="prose">{x.message.clone()}</p>
                            {(!x.reason.is_empty()).then(|| view! { <h2>{t(lang, Key::DeclineReason)}</h2><p class="prose">{x.reason.clone()}</p> })}
                            {(x.status == ExchangeStatus::Completed.code()).then(|| view! {
                                <section class="answer" data-testid="report">
                                    <h2>{t(lang, Key::ExchangeReport)}</h2>
                                    <p>{x.start_date.clone()} " → " {x.end_date.clone()}</p>
                                    <p class="prose">{x.participants.clone()}</p>
                                    <p class="prose">{x.outcome.clone()}</p>
                                </section>
                            })}
                            {answer}
                            {report}
                        }.into_any()
                    })}
    }
}

/// `/districts/nouveau`: a platform administrator opens a district profile and invites its
/// manager, who completes the description, challenges and contact.
#[component]
pub fn DistrictNewPage() -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text=t(lang, Key::NewDistrict)/>
        <h1>{t(lang, Key::NewDistrict)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let admin = user.await.ok().flatten().is_some_and(|u| {
                    crate::domain::policy::can(&u.viewer(), crate::domain::policy::Action::Invite, &crate::domain::policy::Resource::Platform)
                });
                if !admin {
                    return view! { <ErrorView error=AppError::Forbidden/> }.into_any();
                }
                let field = |id: &'static str, name: &'static str, key: Key, required: bool| view! {
                    <div class="field">
                        <label for=id>{t(lang, key)}{required.then_some(" *")}</label>
                        <input id=id name=name type="text" required=required/>
                    </div>
                };
                view! {
                    <p class="lead">{t(lang, Key::NewDistrictLead)}</p>
                    <form method="post" action="/auth/districts" class="card-form wide">
                        {field("nd-name", "name", Key::DistrictName, true)}
                        {field("nd-country", "country", Key::CountryCodeLabel, true)}
                        {field("nd-nuts", "nuts_code", Key::NutsCodeLabel, true)}
                        {field("nd-nace", "nace_divisions", Key::NaceDivisionsLabel, true)}
                        {field("nd-spec-fr", "specialisation_fr", Key::SpecialisationFr, false)}
                        {field("nd-spec-en", "specialisation_en", Key::SpecialisationEn, false)}
                        {field("nd-language", "language", Key::DistrictLanguage, true)}
                        <div class="field">
                            <label for="nd-manager">{t(lang, Key::ManagerEmail)} " *"</label>
                            <input id="nd-manager" name="manager_email" type="email" required/>
                        </div>
                        <button type="submit">{t(lang, Key::CreateAndInvite)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}
