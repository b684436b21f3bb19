//! `/annonces`: needs and offers, their suggested partners with the reasons, and
//! `/mises-en-relation`, where contacts are asked, accepted and concluded.

use crate::api::accounts::get_current_user;
use crate::api::needs::{
    get_inbox, get_matches, get_need, get_needs, get_needs_for_me, InterestView, NeedDraft,
    NeedFilter, NeedSummary, NeedView,
};
use crate::components::{path_id, when_loaded};
use crate::components::{BarChart, ErrorView, Flash};
use crate::domain::contact::ContactStatus;
use crate::domain::matching::FirmSize;
use crate::domain::need::{NeedKind, NeedStatus, NeedVisibility};
use crate::error::AppError;
use crate::i18n::{colon, format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn error_key(code: &str) -> Key {
    match code {
        "conflict" => Key::ErrAlreadyAsked,
        "forbidden" => Key::ForbiddenBody,
        "signin_required" => Key::ErrSignInRequired,
        _ => Key::ErrorBody,
    }
}

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("publiee", Key::FlashNeedPublished),
    ("modifiee", Key::FlashSaved),
    ("cloturee", Key::FlashNeedClosed),
    ("demande", Key::FlashContactAsked),
    ("fait", Key::FlashSaved),
];

fn need_item(lang: Lang, n: NeedSummary, why: Option<String>) -> impl IntoView {
    view! {
        <li class="card">
            <h2><a href=format!("/annonces/{}", n.id)>{n.title.clone()}</a></h2>
            <p class="meta">
                <span class="badge">{crate::i18n::label_of(lang, &n.kind, NeedKind::parse, NeedKind::key)}</span> " "
                {(NeedVisibility::parse(&n.visibility) == Some(NeedVisibility::Anonymous)).then(|| view! { <span class="badge">{t(lang, Key::NvAnonymous)}</span> " " })}
                {n.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                {n.author.clone().map(|a| a.name)} {(!n.place.is_empty()).then(|| format!(" · {}", n.place))}
                " · " {format_date(lang, n.created_at)}
            </p>
            {why.map(|w| view! { <p class="why" data-testid="why">{t(lang, Key::WhyThisMatch)} {colon(lang)} {w}</p> })}
        </li>
    }
}

/// `/annonces`: open needs and offers, and those the reader's firms could answer.
#[component]
pub fn NeedsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            NeedFilter {
                q: q.get("q").unwrap_or_default(),
                kind: q.get("kind").filter(|k| NeedKind::parse(k).is_some()),
                territory: q.get("territory").filter(|t| !t.is_empty()),
                include_closed: false,
            }
        },
        |filter| async move {
            let list = get_needs(filter.clone()).await?;
            let mine = get_needs_for_me().await?;
            Ok::<_, AppError>((filter, list, mine))
        },
    );
    view! {
        <Title text=t(lang, Key::NeedsTitle)/>
        <h1>{t(lang, Key::NeedsTitle)}</h1>
        <p class="lead">{t(lang, Key::NeedsLead)}</p>
        <p class="actions-row">
            <a class="button" href="/annonces/nouvelle">{t(lang, Key::NewNeed)}</a> " "
            <a href="/mises-en-relation">{t(lang, Key::Inbox)}</a>
        </p>
        {when_loaded(data, move |(filter, list, mine)| view! {
                        {(!mine.is_empty()).then(|| view! {
                            <section aria-labelledby="for-me-h">
                                <h2 id="for-me-h">{t(lang, Key::NeedsForMe)}</h2>
                                <ul class="cards" data-testid="needs-for-me">
                                    {mine.into_iter().map(|m| need_item(lang, m.need, Some(format!("{} — {}", m.organisation_name, m.why)))).collect_view()}
                                </ul>
                            </section>
                        })}
                        <form class="filters" method="get" action="/annonces" role="search">
                            <div class="field">
                                <label for="n-q">{t(lang, Key::SearchNeeds)}</label>
                                <input id="n-q" type="search" name="q" value=filter.q.clone()/>
                            </div>
                            <div class="field">
                                <label for="n-kind">{t(lang, Key::NeedKind)}</label>
                                <select id="n-kind" name="kind">
                                    <option value="">{t(lang, Key::AllKinds)}</option>
                                    {NeedKind::ALL.iter().map(|k| view! { <option value=k.code() selected=filter.kind.as_deref() == Some(k.code())>{t(lang, k.key())}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit">{t(lang, Key::Filter)}</button>
                        </form>
                        <p class="count" aria-live="polite">{format_int(lang, list.len() as u64)} " " {t(lang, Key::NeedsWord)}</p>
                        <ul class="cards" data-testid="need-list">{list.into_iter().map(|n| need_item(lang, n, None)).collect_view()}</ul>
                    }.into_any())}
    }
}

/// The fields of an annonce, for writing and editing.
fn need_fields(lang: Lang, d: &NeedDraft, authors: Option<Vec<(String, String)>>) -> impl IntoView {
    let input =
        |id: &'static str, name: &'static str, key: Key, value: String, hint: Option<Key>| {
            view! {
                <div class="field">
                    <label for=id>{t(lang, key)}</label>
                    {hint.map(|h| view! { <p class="hint">{t(lang, h)}</p> })}
                    <input id=id name=name type="text" value=value/>
                </div>
            }
        };
    let (kind, visibility, size) = (d.kind.clone(), d.visibility.clone(), d.size.clone());
    view! {
        {authors.map(|list| view! {
            <div class="field">
                <label for="nd-author">{t(lang, Key::PublishedBy)}</label>
                <select id="nd-author" name="author">
                    {list.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
        })}
        <div class="field">
            <label for="nd-kind">{t(lang, Key::NeedKind)}</label>
            <select id="nd-kind" name="kind">
                {NeedKind::ALL.iter().map(|k| view! { <option value=k.code() selected=kind == k.code()>{t(lang, k.key())}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="nd-title">{t(lang, Key::ProposalTitleLabel)} " *"</label>
            <input id="nd-title" name="title" type="text" required minlength="5" maxlength="200" value=d.title.clone()/>
        </div>
        <div class="field">
            <label for="nd-description">{t(lang, Key::NeedDescription)}</label>
            <textarea id="nd-description" name="description" rows="5">{d.description.clone()}</textarea>
        </div>
        {input("nd-naf", "naf_codes", Key::NafCodesLabel, d.naf_codes.clone(), Some(Key::NafCodesHint))}
        {input("nd-skills", "skills", Key::SkillsLabel, d.skills.clone(), Some(Key::ListHint))}
        {input("nd-certifications", "certifications", Key::RequiredCertifications, d.certifications.clone(), Some(Key::ListHint))}
        {input("nd-quantity", "quantity", Key::QuantityLabel, d.quantity.clone(), None)}
        {input("nd-commune", "commune", Key::CommuneCodeLabel, d.commune.clone(), Some(Key::CommuneCodeHint))}
        {input("nd-radius", "radius_km", Key::NeedRadiusLabel, d.radius_km.clone(), None)}
        <div class="field">
            <label for="nd-deadline">{t(lang, Key::DeadlineLabel)}</label>
            <input id="nd-deadline" name="deadline" type="date" value=d.deadline.clone()/>
        </div>
        <div class="field">
            <label for="nd-size">{t(lang, Key::SizeLabel)}</label>
            <select id="nd-size" name="size">
                <option value="">{t(lang, Key::NotSpecified)}</option>
                {FirmSize::ALL.iter().map(|s| view! { <option value=s.code() selected=size == s.code()>{t(lang, s.key())}</option> }).collect_view()}
            </select>
        </div>
        {input("nd-area", "land_area_ha", Key::LandAreaLabel, d.land_area_ha.clone(), Some(Key::LandAreaHint))}
        <fieldset>
            <legend>{t(lang, Key::VisibilityLabel)}</legend>
            {NeedVisibility::ALL.iter().map(|v| {
                let id = format!("nd-vis-{}", v.code());
                let checked = if visibility.is_empty() { *v == NeedVisibility::Members } else { visibility == v.code() };
                view! {
                    <div class="check">
                        <input type="radio" id=id.clone() name="visibility" value=v.code() checked=checked/>
                        <label for=id>{t(lang, v.key())}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// `/annonces/nouvelle`
#[component]
pub fn NeedNewPage() -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text=t(lang, Key::NewNeed)/>
        <h1>{t(lang, Key::NewNeed)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let Ok(Some(u)) = user.await else {
                    return view! { <p>{t(lang, Key::NeedSignIn)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p> }.into_any();
                };
                let authors: Vec<(String, String)> = u.memberships.iter().filter_map(|m| match m.scope_kind.as_str() {
                    "organisation" => Some((format!("organisation:{}", m.scope_id), m.scope_label.clone())),
                    "territory" if crate::domain::policy::Role::parse(&m.role).is_some_and(crate::domain::policy::Role::speaks_for_territory) => Some((format!("territory:{}", m.scope_id), m.scope_label.clone())),
                    _ => None,
                }).collect();
                if authors.is_empty() {
                    return view! { <p>{t(lang, Key::NeedMembersOnly)}</p> }.into_any();
                }
                view! {
                    <form method="post" action="/annonces/nouvelle" class="card-form wide">
                        {need_fields(lang, &NeedDraft::default(), Some(authors))}
                        <button type="submit">{t(lang, Key::Publish)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

fn draft_of(n: &NeedView) -> NeedDraft {
    NeedDraft {
        author: n
            .summary
            .author
            .as_ref()
            .map(|a| format!("{}:{}", a.kind, a.id))
            .unwrap_or_default(),
        kind: n.summary.kind.clone(),
        title: n.summary.title.clone(),
        description: n.description.clone(),
        naf_codes: n
            .naf_codes
            .iter()
            .map(|(c, _)| c.clone())
            .collect::<Vec<_>>()
            .join(" "),
        skills: n.skills.join("; "),
        certifications: n.certifications.join("; "),
        quantity: n.quantity.clone(),
        commune: String::new(),
        radius_km: n.radius_km.to_string(),
        deadline: n.summary.deadline.clone(),
        visibility: n.summary.visibility.clone(),
        size: n.size.clone(),
        land_area_ha: n.land_area_ha.map(|a| a.to_string()).unwrap_or_default(),
    }
}

/// `/annonces/{id}/modifier`
#[component]
pub fn NeedEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(path_id(), |id| async move {
        let Some(id) = id else {
            return Err(AppError::NotFound);
        };
        let n = get_need(id).await?;
        if !n.is_author {
            return Err(AppError::Forbidden);
        }
        Ok(n)
    });
    view! {
        <Title text=t(lang, Key::EditNeed)/>
        <h1>{t(lang, Key::EditNeed)}</h1>
        <Flash errors=error_key done=DONE/>
        {when_loaded(data, move |n| view! {
                        <form method="post" action=format!("/annonces/{}/modifier", n.summary.id) class="card-form wide">
                            {need_fields(lang, &draft_of(&n), None)}
                            <button type="submit">{t(lang, Key::Save)}</button>
                        </form>
                    }.into_any())}
    }
}

/// One contact, with its state, the other side's details once accepted, and its actions.
fn interest_item(lang: Lang, i: InterestView) -> impl IntoView {
    let id = i.id;
    let contacts = i.contacts.clone().map(|(from, to)| {
        let people = |list: Vec<(String, String)>| list.into_iter().map(|(n, e)| view! { <li>{n} " · " <a href=format!("mailto:{e}")>{e.clone()}</a></li> }).collect_view();
        view! {
            <div class="contacts" data-testid="contacts">
                <p><strong>{t(lang, Key::Contacts)}</strong></p>
                <ul>{people(from)}{people(to)}</ul>
            </div>
        }
    });
    let forms = (!i.actions.is_empty()).then(|| {
        let decline = i.actions.iter().any(|a| a == "decline");
        view! {
            <form method="post" action=format!("/mises-en-relation/{id}") class="card-form" data-testid=format!("interest-{id}")>
                {decline.then(|| view! {
                    <div class="field">
                        <label for=format!("r-{id}")>{t(lang, Key::DeclineReason)}</label>
                        <textarea id=format!("r-{id}") name="reason" rows="2"></textarea>
                    </div>
                })}
                <div class="actions-row">
                    {i.actions.iter().map(|a| {
                        let key = match a.as_str() {
                            "accept" => Key::AcceptContact,
                            "decline" => Key::DeclineExchange,
                            "concluded" => Key::MarkConcluded,
                            _ => Key::MarkNotConcluded,
                        };
                        view! { <button type="submit" name="action" value=a.clone()>{t(lang, key)}</button> }
                    }).collect_view()}
                </div>
            </form>
        }
    });
    view! {
        <li class="card" data-testid="interest">
            <h2><a href=format!("/annonces/{}", i.need_id)>{i.need_title.clone()}</a></h2>
            <p class="meta">
                <span class=format!("badge status status-{}", i.status) data-testid="interest-status">{crate::i18n::label_of(lang, &i.status, ContactStatus::parse, ContactStatus::key)}</span> " "
                {if i.from_name.is_empty() { t(lang, Key::AnonymousAuthor).to_owned() } else { i.from_name.clone() }}
                " → " {i.to_name.clone().unwrap_or_else(|| t(lang, Key::AnonymousAuthor).to_owned())}
                " · " {format_date(lang, i.created_at)}
            </p>
            <p class="prose">{i.message.clone()}</p>
            {(!i.reason.is_empty()).then(|| view! { <p><strong>{t(lang, Key::DeclineReason)}{colon(lang)}</strong>{i.reason.clone()}</p> })}
            {contacts}
            {forms}
        </li>
    }
}

/// `/annonces/{id}`
#[component]
pub fn NeedPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(path_id(), |id| async move {
        let Some(id) = id else {
            return Err(AppError::NotFound);
        };
        let n = get_need(id).await?;
        let matches = if n.is_author {
            Some(get_matches(id).await?)
        } else {
            None
        };
        Ok((n, matches))
    });
    view! {
        {when_loaded(data, move |(n, matches)| {
                        let s = n.summary.clone();
                        let id = s.id;
                        let ask = (!n.ask_as.is_empty() && !n.is_author).then(|| view! {
                            <form method="post" action=format!("/annonces/{id}/contact") class="card-form" data-testid="ask-form">
                                <h2>{t(lang, Key::AskContact)}</h2>
                                <div class="field">
                                    <label for="ask-as">{t(lang, Key::SupportAs)}</label>
                                    <select id="ask-as" name="as">
                                        {n.ask_as.iter().map(|(oid, name)| view! { <option value=oid.to_string()>{name.clone()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="ask-message">{t(lang, Key::ExchangeMessage)} " *"</label>
                                    <textarea id="ask-message" name="message" rows="3" required></textarea>
                                </div>
                                <button type="submit">{t(lang, Key::AskContact)}</button>
                            </form>
                        });
                        let suggestions = matches.map(|sugg| (sugg.firms, sugg.land, sugg.needs)).map(|(firms, land, needs)| view! {
                            <section aria-labelledby="matches-h">
                                <h2 id="matches-h">{t(lang, Key::SuggestedPartners)}</h2>
                                <ol class="partners" data-testid="matches">
                                    {firms.into_iter().map(|m| view! {
                                        <li class="partner" data-testid="match">
                                            <h3><a href=format!("/organisations/{}", m.organisation_id)>{m.name.clone()}</a></h3>
                                            <p class="meta">{m.commune.clone()} " · " {t(lang, Key::Affinity)} " " {crate::i18n::percent(lang, m.score * 100.0)}</p>
                                            <p class="why" data-testid="why">{t(lang, Key::WhyThisMatch)}{colon(lang)}{m.why.clone()}</p>
                                            <details class="propose">
                                                <summary>{t(lang, Key::ContactThisFirm)}</summary>
                                                <form method="post" action=format!("/annonces/{id}/contact") class="card-form">
                                                    <input type="hidden" name="target" value=m.organisation_id.to_string()/>
                                                    <div class="field">
                                                        <label for=format!("m-{}", m.organisation_id)>{t(lang, Key::ExchangeMessage)} " *"</label>
                                                        <textarea id=format!("m-{}", m.organisation_id) name="message" rows="3" required></textarea>
                                                    </div>
                                                    <button type="submit">{t(lang, Key::AskContact)}</button>
                                                </form>
                                            </details>
                                        </li>
                                    }).collect_view()}
                                </ol>
                                {(!needs.is_empty()).then(|| view! {
                                    <h2>{t(lang, Key::NeedsForOffer)}</h2>
                                    <ul class="cards" data-testid="needs-for-offer">
                                        {needs.into_iter().map(|m| need_item(lang, m.need, Some(m.why))).collect_view()}
                                    </ul>
                                })}
                                {(!land.is_empty()).then(|| view! {
                                    <h2>{t(lang, Key::SuggestedSites)}</h2>
                                    <ol class="partners" data-testid="land-matches">
                                        {land.into_iter().map(|l| view! {
                                            <li class="partner"><h3><a href=format!("/foncier/{}", l.site_id)>{l.name}</a></h3>
                                                <p class="why">{l.commune} " · " {l.why}</p></li>
                                        }).collect_view()}
                                    </ol>
                                })}
                            </section>
                        });
                        let author = n.is_author.then(|| view! {
                            <div class="actions-row">
                                <a class="button" href=format!("/annonces/{id}/modifier")>{t(lang, Key::EditNeed)}</a>
                                {(NeedStatus::parse(&s.status) == Some(NeedStatus::Open)).then(|| view! {
                                    <form method="post" action=format!("/annonces/{id}/cloturer")>
                                        <button type="submit" class="secondary">{t(lang, Key::CloseNeed)}</button>
                                    </form>
                                })}
                            </div>
                        });
                        view! {
                            <Title text=s.title.clone()/>
                            <p class="breadcrumb"><a href="/annonces">{t(lang, Key::NeedsTitle)}</a></p>
                            <h1>{s.title.clone()}</h1>
                            <Flash errors=error_key done=DONE/>
                            <p class="meta">
                                <span class="badge">{crate::i18n::label_of(lang, &s.kind, NeedKind::parse, NeedKind::key)}</span> " "
                                <span class="badge">{crate::i18n::label_of(lang, &s.visibility, NeedVisibility::parse, NeedVisibility::key)}</span> " "
                                {(NeedStatus::parse(&s.status) != Some(NeedStatus::Open)).then(|| view! { <span class="badge status status-rejected">{t(lang, Key::NeedClosed)}</span> " " })}
                                <span data-testid="author">{s.author.clone().map(|a| a.name).unwrap_or_else(|| t(lang, Key::AnonymousAuthor).to_owned())}</span>
                                {(!s.place.is_empty()).then(|| format!(" · {}", s.place))}
                            </p>
                            {author}
                            <p class="prose">{n.description.clone()}</p>
                            <dl class="facts">
                                {(!n.naf_codes.is_empty()).then(|| view! { <dt>{t(lang, Key::NafCodesLabel)}</dt><dd>{n.naf_codes.iter().map(|(c, l)| format!("{c} {l}")).collect::<Vec<_>>().join(" ; ")}</dd> })}
                                {(!n.skills.is_empty()).then(|| view! { <dt>{t(lang, Key::SkillsLabel)}</dt><dd>{n.skills.join(", ")}</dd> })}
                                {(!n.certifications.is_empty()).then(|| view! { <dt>{t(lang, Key::RequiredCertifications)}</dt><dd>{n.certifications.join(", ")}</dd> })}
                                {(!n.quantity.is_empty()).then(|| view! { <dt>{t(lang, Key::QuantityLabel)}</dt><dd>{n.quantity.clone()}</dd> })}
                                <dt>{t(lang, Key::NeedRadiusLabel)}</dt><dd>{format!("{} km", n.radius_km)}</dd>
                                {(!s.deadline.is_empty()).then(|| view! { <dt>{t(lang, Key::DeadlineLabel)}</dt><dd>{s.deadline.clone()}</dd> })}
                                {n.land_area_ha.map(|a| view! { <dt>{t(lang, Key::LandAreaLabel)}</dt><dd>{format!("{a} ha")}</dd> })}
                            </dl>
                            {ask}
                            {(!n.interests.is_empty()).then(|| view! {
                                <section aria-labelledby="interests-h">
                                    <h2 id="interests-h">{t(lang, Key::Inbox)}</h2>
                                    <ul class="cards">{n.interests.clone().into_iter().map(|i| interest_item(lang, i)).collect_view()}</ul>
                                </section>
                            })}
                            {suggestions}
                        }.into_any()
                    })}
    }
}

/// `/mises-en-relation`: the reader's contacts, sent and received.
#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_inbox());
    view! {
        <Title text=t(lang, Key::Inbox)/>
        <h1>{t(lang, Key::Inbox)}</h1>
        <Flash errors=error_key done=DONE/>
        <p class="lead">{t(lang, Key::InboxLead)}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p>{t(lang, Key::NoContacts)}</p> }.into_any(),
                    Ok(list) => view! { <ul class="cards wide-cards" data-testid="inbox">{list.into_iter().map(|i| interest_item(lang, i)).collect_view()}</ul> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/territoires/{id}/filieres`: the industries present locally and, for the leading ones,
/// the supplier divisions missing or thin around the territory, with firms nearby that could
/// fill them.
#[component]
pub fn FilieresPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        crate::api::needs::get_filieres,
    );
    view! {
        {when_loaded(data, move |f| {
                        let local: Vec<(String, u64)> = f.divisions.iter().take(12).map(|(c, l, n)| (format!("{c} {l}"), *n)).collect();
                        let radius = f.radius_km;
                        view! {
                            <Title text=format!("{} · {}", t(lang, Key::FilieresTitle), f.name)/>
                            <p class="breadcrumb"><a href=format!("/territoires/{}", f.territory_id)>{f.name.clone()}</a></p>
                            <h1>{t(lang, Key::FilieresTitle)}{colon(lang)}{f.name.clone()}</h1>
                            <p class="lead">{t(lang, Key::FilieresLead)}</p>
                            <h2>{t(lang, Key::LocalIndustries)}</h2>
                            <BarChart rows=local label=t(lang, Key::ChartDivisionsLabel).to_owned() caption=t(lang, Key::ChartDivisionsCaption).to_owned() testid="local-chart"/>
                            {f.leading.into_iter().map(|l| {
                                let rows: Vec<(String, u64)> = l.suppliers.iter().map(|s| {
                                    let mark = if s.thin { format!(" ({})", t(lang, Key::ThinLink)) } else { String::new() };
                                    (format!("{} {}{mark}", s.code, s.label), s.nearby)
                                }).collect();
                                let thin: Vec<_> = l.suppliers.iter().filter(|s| s.thin).cloned().collect();
                                view! {
                                    <section class="filiere" data-testid="leading">
                                        <h2>{l.code.clone()} " " {l.label.clone()} " — " {format_int(lang, l.firms)} " " {t(lang, Key::FirmsWord)}</h2>
                                        <BarChart rows label=format!("{} {} km", t(lang, Key::SuppliersWithin), radius) caption=format!("{} {} km.", t(lang, Key::SuppliersWithin), radius) testid="supplier-chart"/>
                                        {(!thin.is_empty()).then(|| view! {
                                            <h3>{t(lang, Key::MissingLinks)}</h3>
                                            <ul class="missing" data-testid="missing-links">
                                                {thin.into_iter().map(|s| view! {
                                                    <li>
                                                        <strong>{s.code.clone()} " " {s.label.clone()}</strong> " — " {s.what.clone()} " · " {format_int(lang, s.nearby)} " " {t(lang, Key::NearbyWord)}
                                                        {(!s.suggestions.is_empty()).then(|| view! {
                                                            <ul>
                                                                {s.suggestions.iter().map(|(id, name, commune, territory, km)| view! {
                                                                    <li><a href=format!("/organisations/{id}")>{name.clone()}</a> " · " {commune.clone()} {(!territory.is_empty()).then(|| format!(" ({territory})"))} " · " {format!("{km} km")}</li>
                                                                }).collect_view()}
                                                            </ul>
                                                        })}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </section>
                                }
                            }).collect_view()}
                        }.into_any()
                    })}
    }
}
