//! `/simplification`: simplification proposals from territories to the national level.
//!
//! The list, one proposal with its workflow and timeline, the writing form with similar
//! proposals, the reviewers' queues and the dashboard. Every form posts to the server and
//! comes back with a code in the address, so everything works before WebAssembly loads.

use crate::api::accounts::get_current_user;
use crate::api::directory::list_territories;
use crate::api::proposals::{
    get_dashboard, get_proposal, get_proposals, get_queue, get_similar, ProposalDetail,
    ProposalDraft, ProposalFilter, ProposalLink, ProposalSort, ProposalSummary,
};
use crate::components::{path_id, path_record, when_loaded};
use crate::components::{BarChart, ErrorView, Flash, Pager};
use crate::domain::proposal::{
    Action, ActorRole, Mechanism, ProposalKind, Requirement, Status, ALL_LEVELS, ALL_STATUSES,
};
use crate::domain::theme::{Axis, Theme};
use crate::error::AppError;
use crate::i18n::{format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

/// The label of a status.
pub fn status_key(status: Status) -> Key {
    match status {
        Status::Draft => Key::StDraft,
        Status::AwaitingApproval => Key::StAwaitingApproval,
        Status::RegionalReview => Key::StRegionalReview,
        Status::Returned => Key::StReturned,
        Status::AnsweredRegional => Key::StAnsweredRegional,
        Status::Redirected => Key::StRedirected,
        Status::NationalReview => Key::StNationalReview,
        Status::Accepted => Key::StAccepted,
        Status::Implemented => Key::StImplemented,
        Status::Rejected => Key::StRejected,
        Status::Merged => Key::StMerged,
        Status::Withdrawn => Key::StWithdrawn,
    }
}

fn status_label(lang: Lang, code: &str) -> &'static str {
    Status::parse(code)
        .map(|s| t(lang, status_key(s)))
        .unwrap_or("")
}

/// The label of a workflow action (and of the timeline's other steps).
pub fn action_key(code: &str) -> Key {
    match Action::parse(code) {
        Some(Action::Submit) => Key::AcSubmit,
        Some(Action::Approve) => Key::AcApprove,
        Some(Action::RequestChanges) => Key::AcRequestChanges,
        Some(Action::Resubmit) => Key::AcResubmit,
        Some(Action::AnswerRegional) => Key::AcAnswerRegional,
        Some(Action::Redirect) => Key::AcRedirect,
        Some(Action::ReturnToTerritory) => Key::AcReturn,
        Some(Action::Escalate) => Key::AcEscalate,
        Some(Action::Accept) => Key::AcAccept,
        Some(Action::Implement) => Key::AcImplement,
        Some(Action::Reject) => Key::AcReject,
        Some(Action::Merge) => Key::AcMerge,
        Some(Action::Withdraw) => Key::AcWithdraw,
        None => match code {
            "create" => Key::AcCreate,
            "support" => Key::AcSupport,
            "merged_in" => Key::AcMergedIn,
            _ => Key::AcOther,
        },
    }
}

fn role_key(code: &str) -> Key {
    ActorRole::parse(code).map_or(Key::RoleMember, ActorRole::key)
}

fn error_key(code: &str) -> Key {
    match code {
        "conflict" => Key::ErrProposalConflict,
        "forbidden" => Key::ForbiddenBody,
        "signin_required" => Key::ErrSignInRequired,
        _ => Key::ErrorBody,
    }
}

fn days(lang: Lang, d: f64) -> String {
    let n = format!("{d:.1}");
    let n = match lang {
        Lang::Fr => n.replace('.', ","),
        Lang::En => n,
    };
    format!("{n} {}", t(lang, Key::DayUnit))
}

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("cree", Key::FlashProposalCreated),
    ("modifie", Key::FlashSaved),
    ("etape", Key::FlashStepDone),
    ("soutien", Key::FlashSupported),
];

fn status_badge(lang: Lang, code: &str) -> impl IntoView {
    view! {
        <span class=format!("badge status status-{code}")>{status_label(lang, code)}</span>
    }
}

/// One line of a list.
fn summary_item(lang: Lang, p: ProposalSummary) -> impl IntoView {
    view! {
        <li class="card proposal-card">
            <h2><a href=format!("/simplification/{}", p.id)>{p.title.clone()}</a></h2>
            <p class="meta">
                {status_badge(lang, &p.status)} " "
                <span class="badge">{Theme::label_of(lang, &p.theme)}</span> " "
                {p.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                {p.territory_name.clone()} " · " {p.region_name.clone()}
            </p>
            <p class="meta">
                {t(lang, Key::SupportedBy)} " " {format_int(lang, p.territories_supporting)} " "
                {t(lang, Key::TerritoriesWord)} ", " {format_int(lang, p.firms_supporting)} " "
                {t(lang, Key::FirmsWord)} " · " {t(lang, Key::UpdatedOn)} " " {format_date(lang, p.updated_at)}
            </p>
        </li>
    }
}

fn filter_from_query(query: &leptos_router::params::ParamsMap) -> Result<ProposalFilter, AppError> {
    let names = [
        "q",
        "status",
        "theme",
        "level",
        "region",
        "territory",
        "sort",
        "page",
        "per_page",
    ];
    let values: Vec<(&str, String)> = names
        .iter()
        .filter_map(|n| query.get(n).map(|v| (*n, v)))
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
    ProposalFilter::from_pairs(values.iter().map(|(n, v)| (*n, v.as_str())))
}

/// `/simplification`: the public list with filters, full-text search and exports.
#[component]
pub fn ProposalsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || filter_from_query(&query.read()),
        |filter| async move {
            let filter = filter?;
            let list = get_proposals(filter.clone()).await?;
            let territories = list_territories().await?;
            Ok::<_, AppError>((filter, list, territories))
        },
    );
    view! {
        <Title text=t(lang, Key::ProposalsTitle)/>
        <h1>{t(lang, Key::ProposalsTitle)}</h1>
        <p class="lead">{t(lang, Key::ProposalsLead)}</p>
        <p class="actions-row">
            <a class="button" href="/simplification/nouvelle">{t(lang, Key::NewProposal)}</a>
            " "
            <a href="/simplification/file">{t(lang, Key::MyQueue)}</a>
            " · "
            <a href="/simplification/tableau-de-bord">{t(lang, Key::Dashboard)}</a>
        </p>
        {when_loaded(data, move |(filter, list, territories)| {
                        let regions: BTreeMap<String, String> = territories
                            .iter()
                            .map(|t| (t.region_name.clone(), t.region_code.clone()))
                            .collect();
                        let selected = |value: &Option<String>, code: &str| value.as_deref() == Some(code);
                        let qs = filter.to_query();
                        let export = |ext: &str| {
                            if qs.is_empty() {
                                format!("/simplification/export.{ext}")
                            } else {
                                format!("/simplification/export.{ext}?{qs}")
                            }
                        };
                        let base = qs.clone();
                        let href: Box<dyn Fn(u64) -> String + Send + Sync> = Box::new(move |page: u64| {
                            if base.is_empty() {
                                format!("/simplification?page={page}")
                            } else {
                                format!("/simplification?{base}&page={page}")
                            }
                        });
                        let items = list.items.clone().into_iter().map(|p| summary_item(lang, p)).collect_view();
                        view! {
                            <form class="filters" method="get" action="/simplification" role="search">
                                <div class="field">
                                    <label for="p-q">{t(lang, Key::SearchProposals)}</label>
                                    <input id="p-q" type="search" name="q" value=filter.q.clone()/>
                                </div>
                                <div class="field">
                                    <label for="p-status">{t(lang, Key::StatusLabel)}</label>
                                    <select id="p-status" name="status">
                                        <option value="">{t(lang, Key::AllStatuses)}</option>
                                        {ALL_STATUSES.iter().filter(|s| s.public()).map(|s| view! {
                                            <option value=s.code() selected=selected(&filter.status, s.code())>{t(lang, status_key(*s))}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-theme">{t(lang, Key::ThemeLabel)}</label>
                                    <select id="p-theme" name="theme">
                                        <option value="">{t(lang, Key::AllThemes)}</option>
                                        {Theme::ALL.iter().map(|th| view! {
                                            <option value=th.code() selected=selected(&filter.theme, th.code())>{t(lang, th.key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-level">{t(lang, Key::LevelLabel)}</label>
                                    <select id="p-level" name="level">
                                        <option value="">{t(lang, Key::AllLevels)}</option>
                                        {ALL_LEVELS.iter().map(|l| view! {
                                            <option value=l.code() selected=selected(&filter.level, l.code())>{t(lang, l.key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-region">{t(lang, Key::FilterRegion)}</label>
                                    <select id="p-region" name="region">
                                        <option value="">{t(lang, Key::AllRegions)}</option>
                                        {regions.into_iter().map(|(name, code)| {
                                            let on = selected(&filter.region, &code);
                                            view! { <option value=code selected=on>{name}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-territory">{t(lang, Key::TerritoryLabel)}</label>
                                    <select id="p-territory" name="territory">
                                        <option value="">{t(lang, Key::AllTerritories)}</option>
                                        {territories.into_iter().map(|te| {
                                            let on = selected(&filter.territory, &te.id);
                                            view! { <option value=te.id.clone() selected=on>{te.name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="p-sort">{t(lang, Key::SortLabel)}</label>
                                    <select id="p-sort" name="sort">
                                        <option value="recent" selected=filter.sort == ProposalSort::Recent>{t(lang, Key::SortRecent)}</option>
                                        <option value="age" selected=filter.sort == ProposalSort::Age>{t(lang, Key::SortAge)}</option>
                                        <option value="support" selected=filter.sort == ProposalSort::Support>{t(lang, Key::SortSupport)}</option>
                                    </select>
                                </div>
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="proposal-count">
                                {format_int(lang, list.total)} " " {t(lang, Key::ProposalsWord)}
                                " · " <a href=export("csv") rel="external" download>{t(lang, Key::ExportCsv)}</a>
                                " · " <a href=export("json") rel="external" download>{t(lang, Key::ExportJson)}</a>
                            </p>
                            <ul class="cards" data-testid="proposal-list">{items}</ul>
                            <Pager page=list.page per_page=list.per_page total=list.total href label=t(lang, Key::ProposalsTitle)/>
                        }
                        .into_any()
                    })}
    }
}

/// The fields of a proposal's text, shared by the writing and editing forms.
fn draft_fields(
    lang: Lang,
    d: &ProposalDraft,
    on_text: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let area = |id: &'static str,
                name: &'static str,
                key: Key,
                hint: Key,
                value: String,
                required: bool| {
        view! {
            <div class="field">
                <label for=id>{t(lang, key)}{required.then_some(" *")}</label>
                <p class="hint" id=format!("{id}-hint")>{t(lang, hint)}</p>
                <textarea id=id name=name rows="5" aria-describedby=format!("{id}-hint")
                    on:change:target=move |ev| on_text(ev.target().value())>{value}</textarea>
            </div>
        }
    };
    let theme = d.theme.clone();
    let axis = d.axis.clone();
    let kind = d.proposal_kind.clone();
    view! {
        <div class="field">
            <label for="pr-title">{t(lang, Key::ProposalTitleLabel)} " *"</label>
            <input id="pr-title" name="title" required minlength="5" maxlength="200" value=d.title.clone()
                on:change:target=move |ev| on_text(ev.target().value())/>
        </div>
        {area("pr-problem", "problem", Key::ProblemLabel, Key::ProblemHint, d.problem.clone(), true)}
        {area("pr-rule", "rule", Key::RuleLabel, Key::RuleHint, d.rule.clone(), true)}
        <div class="field">
            <label for="pr-legal">{t(lang, Key::LegalReferenceLabel)}</label>
            <input id="pr-legal" name="legal_reference" value=d.legal_reference.clone()/>
        </div>
        <div class="field">
            <label for="pr-theme">{t(lang, Key::ThemeLabel)} " *"</label>
            <select id="pr-theme" name="theme">
                <option value="">{t(lang, Key::ChooseTheme)}</option>
                {Theme::ALL.iter().map(|th| view! { <option value=th.code() selected=theme == th.code()>{t(lang, th.key())}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="pr-axis">{t(lang, Key::AxisLabel)}</label>
            <select id="pr-axis" name="axis">
                <option value="">{t(lang, Key::NotSpecified)}</option>
                {Axis::ALL.iter().map(|a| view! { <option value=a.code() selected=axis == a.code()>{t(lang, a.key())}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="pr-kind">{t(lang, Key::ProposalKindLabel)}</label>
            <select id="pr-kind" name="proposal_kind">
                <option value="">{t(lang, Key::NotSpecified)}</option>
                {ProposalKind::ALL.iter().map(|k| view! { <option value=k.code() selected=kind == k.code()>{t(lang, k.key())}</option> }).collect_view()}
            </select>
        </div>
        {area("pr-solution", "solution", Key::SolutionLabel, Key::SolutionHint, d.solution.clone(), false)}
    }
}

/// Existing proposals close to what is being written.
#[component]
fn Similar(text: RwSignal<String>, exclude: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    let similar = Resource::new(move || text.get(), move |text| get_similar(text, exclude));
    view! {
        <aside class="similar" aria-live="polite" data-testid="similar">
            <h2>{t(lang, Key::SimilarProposals)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let items: Vec<ProposalLink> = similar.await.unwrap_or_default();
                    if items.is_empty() {
                        view! { <p class="hint">{t(lang, Key::NoSimilar)}</p> }.into_any()
                    } else {
                        view! {
                            <p class="hint">{t(lang, Key::SimilarHint)}</p>
                            <ul>
                                {items.into_iter().map(|p| view! {
                                    <li><a href=format!("/simplification/{}", p.id)>{p.title}</a> " · " {p.territory_name}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Suspense>
        </aside>
    }
}

/// `/simplification/nouvelle`: a territory team writes a draft.
#[component]
pub fn ProposalNewPage() -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    let text = RwSignal::new(String::new());
    let on_text = move |v: String| text.set(v);
    view! {
        <Title text=t(lang, Key::NewProposal)/>
        <h1>{t(lang, Key::NewProposal)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let user = match user.await {
                    Ok(Some(u)) => u,
                    Ok(None) => return view! {
                        <p>{t(lang, Key::ProposalSignIn)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p>
                    }.into_any(),
                    Err(e) => return view! { <ErrorView error=e/> }.into_any(),
                };
                let territories: Vec<(String, String)> = user
                    .memberships
                    .iter()
                    .filter(|m| crate::domain::policy::ScopeKind::Territory.is(&m.scope_kind))
                    .map(|m| (m.scope_id.clone(), m.scope_label.clone()))
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect();
                if territories.is_empty() {
                    return view! { <p data-testid="not-team">{t(lang, Key::ProposalTeamsOnly)}</p> }.into_any();
                }
                view! {
                    <p class="lead">{t(lang, Key::NewProposalLead)}</p>
                    <div class="two-columns">
                        <form method="post" action="/simplification/nouvelle" class="card-form wide">
                            <div class="field">
                                <label for="pr-territory">{t(lang, Key::TerritoryLabel)}</label>
                                <select id="pr-territory" name="territory_id">
                                    {territories.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                            </div>
                            {draft_fields(lang, &ProposalDraft::default(), on_text)}
                            <button type="submit">{t(lang, Key::SaveDraft)}</button>
                        </form>
                        <Similar text exclude=None/>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/simplification/{id}/modifier`: the team edits a draft or a returned proposal.
#[component]
pub fn ProposalEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(path_id(), |id| async move {
        let Some(id) = id else {
            return Err(AppError::NotFound);
        };
        let p = get_proposal(id).await?;
        if !p.may_edit {
            return Err(AppError::Forbidden);
        }
        Ok(p)
    });
    let text = RwSignal::new(String::new());
    let on_text = move |v: String| text.set(v);
    view! {
        <Title text=t(lang, Key::EditProposal)/>
        <h1>{t(lang, Key::EditProposal)}</h1>
        <Flash errors=error_key done=DONE/>
        {when_loaded(data, move |p| {
                        let d = ProposalDraft {
                            territory_id: p.summary.territory_id.clone(),
                            title: p.summary.title.clone(),
                            problem: p.problem.clone(),
                            rule: p.rule.clone(),
                            legal_reference: p.legal_reference.clone(),
                            theme: p.summary.theme.clone(),
                            axis: p.axis.clone(),
                            proposal_kind: p.proposal_kind.clone(),
                            solution: p.solution.clone(),
                        };
                        let id = p.summary.id;
                        view! {
                            <div class="two-columns">
                                <form method="post" action=format!("/simplification/{id}/modifier") class="card-form wide">
                                    {draft_fields(lang, &d, on_text)}
                                    <button type="submit">{t(lang, Key::Save)}</button>
                                </form>
                                <Similar text exclude=Some(id)/>
                            </div>
                        }.into_any()
                    })}
    }
}

/// The path of a proposal as a picture: three levels, the current one marked, with the days
/// waited at each.
fn workflow_picture(lang: Lang, p: &ProposalDetail) -> impl IntoView {
    let current = p.summary.level.clone();
    let closed = Status::parse(&p.summary.status).is_some_and(|s| s.closed());
    let levels = [
        ("territory", Key::LvTerritory, p.days[0]),
        ("region", Key::LvRegion, p.days[1]),
        ("national", Key::LvNational, p.days[2]),
    ];
    let label = levels
        .iter()
        .map(|(_, key, d)| {
            format!(
                "{}{}{}",
                t(lang, *key),
                crate::i18n::colon(lang),
                days(lang, *d)
            )
        })
        .collect::<Vec<_>>()
        .join(match lang {
            Lang::Fr => " ; ",
            Lang::En => "; ",
        });
    let boxes = levels
        .iter()
        .enumerate()
        .map(|(i, (code, key, d))| {
            let x = 10.0 + i as f64 * 220.0;
            let here = *code == current;
            let class = if here { "step here" } else { "step" };
            view! {
                <g>
                    <rect x=x y="10" width="180" height="64" rx="8" class=class></rect>
                    <text x=x + 90.0 y="38" text-anchor="middle" class="step-name">{t(lang, *key)}</text>
                    <text x=x + 90.0 y="60" text-anchor="middle" class="step-days">{days(lang, *d)}</text>
                    {(i < 2).then(|| view! { <path d=format!("M{} 42 l26 0 m-8 -6 l8 6 l-8 6", x + 186.0) class="arrow"></path> })}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart workflow">
            <svg viewBox="0 0 660 84" role="img" aria-label=format!("{} {} — {}", t(lang, Key::WorkflowLabel), status_label(lang, &p.summary.status), label) data-testid="workflow">
                {boxes}
            </svg>
            <figcaption>
                {t(lang, Key::WorkflowCaption)} " "
                {if closed { t(lang, Key::WorkflowClosed) } else { "" }}
            </figcaption>
        </figure>
    }
}

/// The form of one workflow action.
fn action_form(lang: Lang, id: i64, action: Action) -> impl IntoView {
    let requires = action.requirements();
    let needs_comment = requires.contains(&Requirement::Comment);
    let code = action.code();
    let form_id = format!("act-{code}");
    let comment_id = format!("{form_id}-comment");
    let mechanism = requires.contains(&Requirement::Mechanism).then(|| {
        let mid = format!("{form_id}-mechanism");
        view! {
            <div class="field">
                <label for=mid.clone()>{t(lang, Key::MechanismLabel)}</label>
                <select id=mid name="mechanism" required>
                    {Mechanism::ALL.iter().map(|m| view! { <option value=m.code()>{t(lang, m.key())}</option> }).collect_view()}
                </select>
            </div>
        }
    });
    let target = requires.contains(&Requirement::Target).then(|| {
        let tid = format!("{form_id}-target");
        view! {
            <div class="field">
                <label for=tid.clone()>{t(lang, Key::MergeTargetLabel)}</label>
                <input id=tid name="target" inputmode="numeric" required pattern="#?[0-9]+"/>
            </div>
        }
    });
    let comment_label = if action.answers() {
        Key::OfficialAnswerLabel
    } else {
        Key::CommentLabel
    };
    view! {
        <form method="post" action=format!("/simplification/{id}/etape") class="card-form action-form" data-testid=form_id.clone()>
            <input type="hidden" name="action" value=code/>
            {mechanism}
            {target}
            <div class="field">
                <label for=comment_id.clone()>{t(lang, comment_label)}{needs_comment.then_some(" *")}</label>
                <textarea id=comment_id name="comment" rows="3" required=needs_comment></textarea>
            </div>
            <button type="submit">{t(lang, action_key(code))}</button>
        </form>
    }
}

/// `/simplification/{id}`: one proposal.
#[component]
pub fn ProposalPage() -> impl IntoView {
    when_loaded(
        path_record(get_proposal),
        move |p| view! { <ProposalView p/> },
    )
}

#[component]
fn ProposalView(p: ProposalDetail) -> impl IntoView {
    let lang = use_lang();
    let s = p.summary.clone();
    let id = s.id;
    let section = |key: Key, text: String| {
        (!text.trim().is_empty())
            .then(|| view! { <h2>{t(lang, key)}</h2><p class="prose">{text}</p> })
    };
    let answer = (!p.answer.is_empty()).then(|| {
        view! {
            <section class="answer" data-testid="answer">
                <h2>{t(lang, Key::OfficialAnswer)}</h2>
                {(!p.mechanism.is_empty()).then(|| view! { <p><strong>{t(lang, Key::MechanismLabel)} {crate::i18n::colon(lang)}</strong>{Mechanism::label_of(lang, &p.mechanism)}</p> })}
                <p class="prose">{p.answer.clone()}</p>
            </section>
        }
    });
    let merged = p.merged_into.clone().map(|m| {
        view! { <p class="flash ok">{t(lang, Key::MergedInto)} " " <a href=format!("/simplification/{}", m.id)>{m.title}</a> " (" {m.territory_name} ")"</p> }
    });
    let sources = (!p.sources.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::MergedSources)}</h2>
            <ul data-testid="sources">
                {p.sources.clone().into_iter().map(|m| view! { <li><a href=format!("/simplification/{}", m.id)>{m.title}</a> " · " {m.territory_name}</li> }).collect_view()}
            </ul>
        }
    });
    let approvals = (Status::AwaitingApproval.code() == s.status).then(|| {
        let mark = |done: bool| {
            if done {
                t(lang, Key::Approved)
            } else {
                t(lang, Key::WaitingApproval)
            }
        };
        view! {
            <p data-testid="approvals">
                {t(lang, Key::RoleElectedCoLead)} {crate::i18n::colon(lang)} {mark(p.approvals.elected)} " · "
                {t(lang, Key::RoleIndustrialCoLead)} {crate::i18n::colon(lang)} {mark(p.approvals.industrial)}
            </p>
        }
    });
    let actions = (!p.actions.is_empty() || p.may_edit).then(|| {
        view! {
            <section class="actions" aria-labelledby="actions-h">
                <h2 id="actions-h">{t(lang, Key::YourActions)}</h2>
                {p.may_edit.then(|| view! { <p><a class="button" href=format!("/simplification/{id}/modifier")>{t(lang, Key::EditProposal)}</a></p> })}
                <div class="action-forms">
                    {p.actions.iter().filter_map(|a| Action::parse(a)).map(|a| action_form(lang, id, a)).collect_view()}
                </div>
            </section>
        }
    });
    let support_form = (!p.support_as.is_empty()).then(|| {
        view! {
            <form method="post" action=format!("/simplification/{id}/soutien") class="card-form" data-testid="support-form">
                <h3>{t(lang, Key::SupportThis)}</h3>
                <div class="field">
                    <label for="sup-as">{t(lang, Key::SupportAs)}</label>
                    <select id="sup-as" name="as">
                        {p.support_as.iter().map(|(kind, sid, name)| view! { <option value=format!("{kind}:{sid}")>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sup-testimony">{t(lang, Key::TestimonyLabel)}</label>
                    <p class="hint" id="sup-hint">{t(lang, Key::TestimonyHint)}</p>
                    <textarea id="sup-testimony" name="testimony" rows="3" aria-describedby="sup-hint"></textarea>
                </div>
                <button type="submit">{t(lang, Key::Support)}</button>
            </form>
        }
    });
    let supports = p.supports.clone();
    let firms: Vec<_> = supports
        .iter()
        .filter(|s| crate::domain::organisation::PartyKind::Organisation.is(&s.kind))
        .cloned()
        .collect();
    let territories: Vec<_> = supports
        .iter()
        .filter(|s| crate::domain::organisation::PartyKind::Territory.is(&s.kind))
        .cloned()
        .collect();
    let by_region = p.territories_by_region.clone();
    let timeline = p.timeline.clone().into_iter().map(|e| {
        let from_source = e.proposal_id != id;
        view! {
            <li class:source=from_source>
                <time datetime=crate::domain::text::iso_date(e.at)>{format_date(lang, e.at)}</time> " · "
                <strong>{t(lang, action_key(&e.action))}</strong>
                {(e.from_status != e.to_status && !e.to_status.is_empty()).then(|| view! { " → " {status_badge(lang, &e.to_status)} })}
                " · " {e.user_name.clone()} " (" {t(lang, role_key(&e.role))} ")"
                {from_source.then(|| view! { " · " <a href=format!("/simplification/{}", e.proposal_id)>{t(lang, Key::FromSource)} " #" {e.proposal_id}</a> })}
                {e.related_id.filter(|_| !from_source).map(|r| view! { " · " <a href=format!("/simplification/{r}")>"#" {r}</a> })}
                {(!e.mechanism.is_empty()).then(|| view! { " · " {Mechanism::label_of(lang, &e.mechanism)} })}
                {(!e.comment.is_empty()).then(|| view! { <blockquote>{e.comment.clone()}</blockquote> })}
            </li>
        }
    }).collect_view();
    view! {
        <Title text=s.title.clone()/>
        <p class="breadcrumb"><a href="/simplification">{t(lang, Key::ProposalsTitle)}</a></p>
        <h1>{s.title.clone()}</h1>
        <Flash errors=error_key done=DONE/>
        <p class="meta">
            <span data-testid="status">{status_badge(lang, &s.status)}</span> " "
            <span class="badge">{Theme::label_of(lang, &s.theme)}</span> " "
            {s.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
            " · "
            <a href=format!("/territoires/{}", s.territory_id)>{s.territory_name.clone()}</a> " · " {s.region_name.clone()}
            " · #" {id}
        </p>
        {merged}
        {approvals}
        {workflow_picture(lang, &p)}
        {answer}
        {section(Key::ProblemLabel, p.problem.clone())}
        {section(Key::RuleLabel, p.rule.clone())}
        {section(Key::LegalReferenceLabel, p.legal_reference.clone())}
        {(!p.proposal_kind.is_empty()).then(|| view! { <p><strong>{t(lang, Key::ProposalKindLabel)} {crate::i18n::colon(lang)}</strong>{ProposalKind::label_of(lang, &p.proposal_kind)}</p> })}
        {section(Key::SolutionLabel, p.solution.clone())}
        {sources}
        {actions}
        <section aria-labelledby="support-h">
            <h2 id="support-h">{t(lang, Key::Supporters)}</h2>
            <p data-testid="support-count">
                {format_int(lang, s.territories_supporting)} " " {t(lang, Key::TerritoriesWord)} ", "
                {format_int(lang, s.firms_supporting)} " " {t(lang, Key::FirmsWord)}
            </p>
            <table class="compact">
                <caption>{t(lang, Key::TerritoriesByRegion)}</caption>
                <thead><tr><th scope="col">{t(lang, Key::FilterRegion)}</th><th scope="col">{t(lang, Key::TerritoriesWord)}</th></tr></thead>
                <tbody>{by_region.into_iter().map(|(r, n)| view! { <tr><td>{r}</td><td>{format_int(lang, n)}</td></tr> }).collect_view()}</tbody>
            </table>
            <ul class="supports">
                {territories.into_iter().map(|su| view! {
                    <li><a href=format!("/territoires/{}", su.id)>{su.name}</a> " (" {su.region_name} ") · " {format_date(lang, su.at)}
                        {(!su.testimony.is_empty()).then(|| view! { <blockquote>{su.testimony.clone()}</blockquote> })}</li>
                }).collect_view()}
                {firms.into_iter().map(|su| view! {
                    <li><a href=format!("/organisations/{}", su.id)>{su.name}</a> " (" {t(lang, Key::FirmWord)} ") · " {format_date(lang, su.at)}
                        {(!su.testimony.is_empty()).then(|| view! { <blockquote>{su.testimony.clone()}</blockquote> })}</li>
                }).collect_view()}
            </ul>
            {support_form}
        </section>
        <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{t(lang, Key::Timeline)}</h2>
            <ol class="timeline" data-testid="timeline">{timeline}</ol>
        </section>
    }
}

/// `/simplification/file`: what awaits the viewer in their territories, region, nation.
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || match query.read().get("sort").as_deref() {
            Some("support") => ProposalSort::Support,
            Some("recent") => ProposalSort::Recent,
            _ => ProposalSort::Age,
        },
        get_queue,
    );
    let list = move |items: Vec<ProposalSummary>| {
        if items.is_empty() {
            view! { <p class="hint">{t(lang, Key::NothingWaiting)}</p> }.into_any()
        } else {
            view! { <ul class="cards">{items.into_iter().map(|p| summary_item(lang, p)).collect_view()}</ul> }.into_any()
        }
    };
    view! {
        <Title text=t(lang, Key::MyQueue)/>
        <h1>{t(lang, Key::MyQueue)}</h1>
        <p class="actions-row">
            <a class="button" href="/simplification/nouvelle">{t(lang, Key::NewProposal)}</a> " "
            <a href="/simplification">{t(lang, Key::ProposalsTitle)}</a>
        </p>
        {when_loaded(data, move |q| {
                        let empty = q.territories.is_empty() && q.regions.is_empty() && q.national.is_none();
                        let sort = q.sort;
                        view! {
                            <form class="filters" method="get" action="/simplification/file">
                                <div class="field">
                                    <label for="q-sort">{t(lang, Key::SortLabel)}</label>
                                    <select id="q-sort" name="sort">
                                        <option value="age" selected=sort == ProposalSort::Age>{t(lang, Key::SortAge)}</option>
                                        <option value="support" selected=sort == ProposalSort::Support>{t(lang, Key::SortSupport)}</option>
                                        <option value="recent" selected=sort == ProposalSort::Recent>{t(lang, Key::SortRecent)}</option>
                                    </select>
                                </div>
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            {empty.then(|| view! { <p>{t(lang, Key::NoQueue)}</p> })}
                            {q.national.map(|items| view! {
                                <section data-testid="queue-national"><h2>{t(lang, Key::NationalInbox)}</h2>{list(items)}</section>
                            })}
                            {q.regions.into_iter().map(|(_, name, items)| view! {
                                <section data-testid="queue-region"><h2>{t(lang, Key::RegionalQueue)} {crate::i18n::colon(lang)} {name}</h2>{list(items)}</section>
                            }).collect_view()}
                            {q.territories.into_iter().map(|(_, name, items)| view! {
                                <section data-testid="queue-territory"><h2>{t(lang, Key::TerritoryProposals)} {crate::i18n::colon(lang)} {name}</h2>{list(items)}</section>
                            }).collect_view()}
                        }.into_any()
                    })}
    }
}

/// `/simplification/tableau-de-bord`: counts by status, theme and region, days per level.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text=t(lang, Key::Dashboard)/>
        <h1>{t(lang, Key::Dashboard)}</h1>
        <p class="breadcrumb"><a href="/simplification">{t(lang, Key::ProposalsTitle)}</a></p>
        {when_loaded(data, move |d| {
                        let status_rows = d.by_status.iter().map(|(c, n)| (status_label(lang, c).to_owned(), *n)).collect::<Vec<_>>();
                        let theme_rows = d.by_theme.iter().map(|(c, n)| (Theme::label_of(lang, c), *n)).collect::<Vec<_>>();
                        let region_rows = d.by_region.iter().map(|(_, name, n)| (name.clone(), *n)).collect::<Vec<_>>();
                        let median = |m: Option<f64>| m.map(|v| days(lang, v)).unwrap_or_else(|| "—".to_owned());
                        let (ok, counted) = d.answered_within_three_months;
                        let share = (ok * 100)
                            .checked_div(counted)
                            .map(|pct| format!("{} ({ok} / {counted})", crate::i18n::percent(lang, pct as f64)))
                            .unwrap_or_else(|| "—".to_owned());
                        view! {
                            <dl class="figures" data-testid="dashboard-figures">
                                <div><dt>{t(lang, Key::ProposalsWord)}</dt><dd data-testid="total">{format_int(lang, d.total)}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysTerritory)}</dt><dd>{median(d.median_days[0])}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysRegion)}</dt><dd>{median(d.median_days[1])}</dd></div>
                                <div><dt>{t(lang, Key::MedianDaysNational)}</dt><dd>{median(d.median_days[2])}</dd></div>
                                <div><dt>{t(lang, Key::AnsweredWithin3Months)}</dt><dd data-testid="share">{share}</dd></div>
                            </dl>
                            <p class="hint">{t(lang, Key::DashboardHint)}</p>
                            <h2>{t(lang, Key::ByStatus)}</h2>
                            <BarChart rows=status_rows label=t(lang, Key::ByStatus).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-status"/>
                            <h2>{t(lang, Key::ByTheme)}</h2>
                            <BarChart rows=theme_rows label=t(lang, Key::ByTheme).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-theme"/>
                            <h2>{t(lang, Key::ByRegion)}</h2>
                            <BarChart rows=region_rows label=t(lang, Key::ByRegion).to_owned() caption=t(lang, Key::ByStatusCaption).to_owned() testid="chart-region"/>
                            <p><a href="/simplification/export.csv" rel="external" download>{t(lang, Key::ExportCsv)}</a></p>
                        }.into_any()
                    })}
    }
}
