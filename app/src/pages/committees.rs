//! Committees: `/comites/{id}` (members and sessions), `/comites/seances/{id}` (the agenda
//! built from the items awaiting the committee, a decision form on each), and
//! `/comites/seances/{id}/releve` (the printable relevé de décisions). And the "Gouvernance et
//! contacts" section of a territory's page.

use crate::api::governance::{
    get_committee, get_governance, get_session, AgendaItem, CommitteeDetail, CommitteeMemberView,
    CommitteeRef, SessionDetail, TerritoryGovernance,
};
use crate::components::{
    path_record, when_loaded, Field, Flash, FormScope, ProblemSummary, Select,
};
use crate::domain::action_sheet::{SheetAction, SupportKind, REGIONAL_OUTCOMES};
use crate::domain::governance::{CommitteeKind, ItemKind, Stance};
use crate::domain::policy::Role;
use crate::i18n::{format_date, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// The success codes of committee forms.
const DONE: &[(&str, Key)] = &[
    ("cree", Key::FlashSessionPlanned),
    ("membre", Key::FlashSaved),
    ("retire", Key::FlashSaved),
    ("decision", Key::FlashDecisionRecorded),
    ("message", Key::FlashMessageSent),
];

fn kind_key(kind: &str) -> Key {
    match CommitteeKind::parse(kind) {
        Some(CommitteeKind::LocalProject) => Key::CommitteeLocal,
        _ => Key::CommitteeRegional,
    }
}

/// "Comité de pilotage régional — Occitanie".
pub fn committee_name(lang: Lang, c: &CommitteeRef) -> String {
    format!("{} — {}", t(lang, kind_key(&c.kind)), c.scope_name)
}

fn scope_link(c: &CommitteeRef) -> String {
    match CommitteeKind::parse(&c.kind) {
        Some(CommitteeKind::LocalProject) => format!("/territoires/{}", c.scope_id),
        _ => format!("/simplification?region={}", c.scope_id),
    }
}

fn member_list(lang: Lang, members: &[CommitteeMemberView]) -> impl IntoView {
    if members.is_empty() {
        return view! { <p class="muted">{t(lang, Key::CommitteeNoMembers)}</p> }.into_any();
    }
    view! {
        <ul data-testid="committee-members">
            {members.iter().map(|m| {
                let name = if m.name.is_empty() { t(lang, Key::PersonHidden).to_owned() } else { m.name.clone() };
                view! {
                    <li>
                        {match m.organisation_id {
                            Some(id) => view! { <a href=format!("/organisations/{id}")>{name}</a> }.into_any(),
                            None => view! { <span>{name}</span> }.into_any(),
                        }}
                        {(!m.function.is_empty()).then(|| view! { " · " <span class="muted">{m.function.clone()}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/comites/{id}`: a committee, its members and sessions; its runners plan sessions and name
/// members.
#[component]
pub fn CommitteePage() -> impl IntoView {
    let lang = use_lang();
    when_loaded(path_record(get_committee), move |d: CommitteeDetail| {
        let name = committee_name(lang, &d.committee);
        let id = d.committee.id;
        let sessions = if d.sessions.is_empty() {
            view! { <p class="muted">{t(lang, Key::NoSessionYet)}</p> }.into_any()
        } else {
            view! {
                <ul data-testid="sessions">
                    {d.sessions.iter().map(|s| view! {
                        <li>
                            <a href=format!("/comites/seances/{}", s.id)>{t(lang, Key::SessionOf)} " " {format_date(lang, s.held_at)}</a>
                            {(!s.place.is_empty()).then(|| view! { " · " {s.place.clone()} })}
                            " · " {crate::i18n::count(lang, s.decisions, Key::DecisionWord, Key::DecisionsWord)}
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let runner = d.may_run.then(|| {
            let plan = format!("/comites/{id}/seances");
            let add = format!("/comites/{id}/membres");
            view! {
                <section aria-labelledby="run-h">
                    <h2 id="run-h">{t(lang, Key::RunCommittee)}</h2>
                    <FormScope action=plan.clone()>
                        <form method="post" action=plan.clone() class="card-form" data-testid="plan-session">
                            <h3>{t(lang, Key::PlanSession)}</h3>
                            <ProblemSummary/>
                            {Field::new("se-date", "held_on", Key::SessionDate).kind("date").required(true).view(lang)}
                            {Field::new("se-place", "place", Key::SessionPlace).length(0, 200).view(lang)}
                            <button type="submit">{t(lang, Key::PlanSession)}</button>
                        </form>
                    </FormScope>
                    <FormScope action=add.clone()>
                        <form method="post" action=add.clone() class="card-form" data-testid="add-committee-member">
                            <h3>{t(lang, Key::AddCommitteeMember)}</h3>
                            <p class="hint">{t(lang, Key::AddCommitteeMemberHint)}</p>
                            <ProblemSummary/>
                            {Field::new("cm-email", "email", Key::EmailLabel).kind("email").autocomplete("off").view(lang)}
                            {Field::new("cm-org", "organisation_id", Key::OrganisationNumber).autocomplete("off").view(lang)}
                            {Field::new("cm-label", "label", Key::InstitutionLabel).length(0, 200).view(lang)}
                            {Field::new("cm-function", "function", Key::MemberFunction).length(0, 120).view(lang)}
                            <button type="submit">{t(lang, Key::AddCommitteeMember)}</button>
                        </form>
                    </FormScope>
                    {(!d.members.is_empty()).then(|| view! {
                        <details>
                            <summary>{t(lang, Key::RemoveCommitteeMember)}</summary>
                            <ul>
                                {d.members.iter().map(|m| view! {
                                    <li>
                                        <form method="post" action=format!("/comites/{id}/membres/{}/retirer", m.id) class="inline">
                                            {if m.name.is_empty() { t(lang, Key::PersonHidden).to_owned() } else { m.name.clone() }} " "
                                            <button type="submit" class="link-button">{t(lang, Key::RemoveCommitteeMember)}</button>
                                        </form>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </details>
                    })}
                </section>
            }
        });
        view! {
            <Title text=name.clone()/>
            <p class="breadcrumb"><a href=scope_link(&d.committee)>{d.committee.scope_name.clone()}</a></p>
            <h1>{name}</h1>
            <Flash done=DONE/>
            <p class="lead">{t(lang, match CommitteeKind::parse(&d.committee.kind) { Some(CommitteeKind::LocalProject) => Key::CommitteeLocalLead, _ => Key::CommitteeRegionalLead })}</p>
            <section aria-labelledby="members-h">
                <h2 id="members-h">{t(lang, Key::CommitteeMembers)}</h2>
                {member_list(lang, &d.members)}
            </section>
            <section aria-labelledby="queue-h" data-testid="committee-queue">
                <h2 id="queue-h">{t(lang, Key::CommitteeQueue)} " (" {d.awaiting.len()} ")"</h2>
                {if d.awaiting.is_empty() {
                    view! { <p class="muted">{t(lang, Key::NothingAwaitsCommittee)}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {d.awaiting.iter().map(|i| {
                                let (href, word) = if ItemKind::ActionSheet.is(&i.kind) {
                                    (format!("/fiches/{}", i.id), Key::ActionSheetWord)
                                } else {
                                    (format!("/simplification/{}", i.id), Key::ProposalWord)
                                };
                                view! {
                                    <li>
                                        <a href=href>{i.title.clone()}</a>
                                        " · " {t(lang, word)} " · " {i.territory_name.clone()}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p class="hint">{t(lang, Key::CommitteeQueueHint)}</p>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="sessions-h">
                <h2 id="sessions-h">{t(lang, Key::Sessions)}</h2>
                {sessions}
            </section>
            {runner}
        }
        .into_any()
    })
}

/// What a decision says: its stance, or a fiche's regional outcome and support.
fn decision_label(lang: Lang, d: &crate::api::governance::DecisionView) -> String {
    match SheetAction::parse(&d.outcome) {
        Some(outcome) => {
            let support = SupportKind::label_of(lang, &d.support);
            if d.support.is_empty() {
                t(lang, outcome.key()).to_owned()
            } else {
                format!("{} — {support}", t(lang, outcome.key()))
            }
        }
        None => Stance::label_of(lang, &d.stance),
    }
}

/// One item of the agenda, with its decision or, for the session's runners, the form to
/// record it: an opinion, or for a fiche before the regional committee its outcome.
fn agenda_item(
    lang: Lang,
    session: i64,
    item: AgendaItem,
    may_run: bool,
    regional: bool,
) -> impl IntoView {
    let is_sheet = ItemKind::ActionSheet.is(&item.kind);
    let form_id = format!("dec-{}-{}", item.kind, item.id);
    let action = format!("/comites/seances/{session}/decisions");
    let decided = item.decision.clone();
    let form = (decided.is_none() && may_run).then(|| {
        let keys = vec![("item_id", item.id.to_string())];
        let choice = if is_sheet && regional {
            view! {
                {Select::new(format!("{form_id}-outcome"), "outcome", Key::RegionalOutcome)
                    .keyed(lang, REGIONAL_OUTCOMES.iter().map(|a| (a.code(), a.key())))
                    .blank(Key::ChooseOutcome)
                    .required(true)
                    .view(lang)}
                {Select::new(format!("{form_id}-support"), "support", Key::SupportLabel)
                    .keyed(lang, SupportKind::ALL.iter().map(|s| (s.code(), s.key())))
                    .blank(Key::ChooseSupport)
                    .view(lang)}
            }
            .into_any()
        } else {
            Select::new(format!("{form_id}-stance"), "stance", Key::CommitteeDecision)
                .keyed(lang, Stance::ALL.iter().map(|s| (s.code(), s.key())))
                .blank(Key::ChooseStance)
                .required(true)
                .view(lang)
        };
        let fields = view! {
            <input type="hidden" name="item_kind" value=item.kind.clone()/>
            <input type="hidden" name="item_id" value=item.id.to_string()/>
            {choice}
            {Field::new(format!("{form_id}-comment"), "comment", Key::DecisionReasons).area(3).length(1, 5000).required(true).view(lang)}
        }
        .into_any();
        view! {
            <FormScope action=action.clone() keys>
                <form method="post" action=action.clone() class="card-form" data-testid=form_id.clone()>
                    <ProblemSummary/>
                    {fields}
                    <button type="submit">{t(lang, Key::RecordDecision)}</button>
                </form>
            </FormScope>
        }
    });
    let (href, word) = if is_sheet {
        (format!("/fiches/{}", item.id), Key::ActionSheetWord)
    } else {
        (format!("/simplification/{}", item.id), Key::ProposalWord)
    };
    view! {
        <li class="card" data-testid="agenda-item">
            <h3><a href=href>"n° " {item.id} " " {item.title.clone()}</a></h3>
            <p class="meta">{t(lang, word)} " · " <a href=format!("/territoires/{}", item.territory_id)>{item.territory_name.clone()}</a></p>
            {decided.map(|d| view! {
                <p data-testid="decision"><span class=format!("badge stance-{}", if d.stance.is_empty() { d.outcome.clone() } else { d.stance.clone() })>{decision_label(lang, &d)}</span> " " {d.comment.clone()} " — " {d.decided_by.clone()} ", " {format_date(lang, d.decided_at)}</p>
            })}
            {form}
        </li>
    }
}

/// `/comites/seances/{id}`: a session's agenda and its decisions.
#[component]
pub fn SessionPage() -> impl IntoView {
    let lang = use_lang();
    when_loaded(path_record(get_session), move |d: SessionDetail| {
        let title = format!(
            "{} — {} {}",
            committee_name(lang, &d.committee),
            t(lang, Key::SessionOf),
            format_date(lang, d.session.held_at)
        );
        let id = d.session.id;
        let may_run = d.may_run;
        let regional =
            CommitteeKind::parse(&d.committee.kind) == Some(CommitteeKind::RegionalSteering);
        let (decided, waiting): (Vec<_>, Vec<_>) =
            d.agenda.into_iter().partition(|i| i.decision.is_some());
        view! {
            <Title text=title.clone()/>
            <p class="breadcrumb"><a href=format!("/comites/{}", d.committee.id)>{committee_name(lang, &d.committee)}</a></p>
            <h1>{title}</h1>
            <Flash done=DONE/>
            {(!d.session.place.is_empty()).then(|| view! { <p class="meta">{d.session.place.clone()}</p> })}
            <p><a class="button secondary" href=format!("/comites/seances/{id}/releve") data-testid="releve-link">{t(lang, Key::DecisionRecord)}</a></p>
            <section aria-labelledby="agenda-h" data-testid="agenda">
                <h2 id="agenda-h">{t(lang, Key::Agenda)} " (" {waiting.len()} ")"</h2>
                {if waiting.is_empty() {
                    view! { <p class="muted">{t(lang, Key::NothingAwaitsCommittee)}</p> }.into_any()
                } else {
                    view! { <ol class="cards">{waiting.into_iter().map(|i| agenda_item(lang, id, i, may_run, regional)).collect_view()}</ol> }.into_any()
                }}
            </section>
            <section aria-labelledby="decided-h" data-testid="decided">
                <h2 id="decided-h">{t(lang, Key::DecisionsTaken)} " (" {decided.len()} ")"</h2>
                <ol class="cards">{decided.into_iter().map(|i| agenda_item(lang, id, i, may_run, regional)).collect_view()}</ol>
            </section>
        }
        .into_any()
    })
}

/// `/comites/seances/{id}/releve`: the relevé de décisions, made to be printed.
#[component]
pub fn DecisionRecordPage() -> impl IntoView {
    let lang = use_lang();
    when_loaded(path_record(get_session), move |d: SessionDetail| {
        let name = committee_name(lang, &d.committee);
        let decided: Vec<AgendaItem> = d
            .agenda
            .into_iter()
            .filter(|i| i.decision.is_some())
            .collect();
        let rows = decided
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let dec = i.decision.clone();
                view! {
                    <tr>
                        <td class="num">{n + 1}</td>
                        <th scope="row">"n° " {i.id} " " {i.title.clone()} <br/><span class="muted">{i.territory_name.clone()}</span></th>
                        <td>{dec.as_ref().map(|d| decision_label(lang, d))}</td>
                        <td>{dec.map(|d| d.comment)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <Title text=format!("{} — {}", t(lang, Key::DecisionRecord), name)/>
            <article class="releve" data-testid="releve">
                <p class="no-print"><a href=format!("/comites/seances/{}", d.session.id)>{t(lang, Key::BackToSession)}</a></p>
                <h1>{t(lang, Key::DecisionRecord)}</h1>
                <p><strong>{name}</strong></p>
                <p>{t(lang, Key::SessionOf)} " " {format_date(lang, d.session.held_at)} {(!d.session.place.is_empty()).then(|| view! { " · " {d.session.place.clone()} })}</p>
                <h2>{t(lang, Key::CommitteeMembers)}</h2>
                {member_list(lang, &d.members)}
                <h2>{t(lang, Key::DecisionsTaken)}</h2>
                {if decided.is_empty() {
                    view! { <p class="muted">{t(lang, Key::NoDecisionYet)}</p> }.into_any()
                } else {
                    view! {
                        <table class="data">
                            <thead><tr>
                                <th scope="col" class="num">"#"</th>
                                <th scope="col">{t(lang, Key::AgendaItemCol)}</th>
                                <th scope="col">{t(lang, Key::CommitteeDecision)}</th>
                                <th scope="col">{t(lang, Key::DecisionReasons)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                    .into_any()
                }}
            </article>
        }
        .into_any()
    })
}

fn seat_key(role: &str) -> Key {
    match Role::parse(role) {
        Some(Role::ElectedCoLead) => Key::SeatElected,
        Some(Role::IndustrialCoLead) => Key::SeatIndustrial,
        Some(Role::ProjectManager) => Key::SeatProjectManager,
        _ => Key::SeatStateReferent,
    }
}

/// "Gouvernance et contacts" on a territory's page: who holds each seat (names to signed-in
/// readers only), the regions, the committees and their next session.
#[component]
pub fn GovernanceSection(id: String) -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(move || id.clone(), get_governance);
    when_loaded(data, move |g: TerritoryGovernance| {
        let seats = g
            .seats
            .iter()
            .map(|s| {
                let who = if !s.filled {
                    view! { <span class="badge demo" data-testid="seat-vacant">{t(lang, Key::SeatVacant)}</span> }.into_any()
                } else if s.holders.is_empty() {
                    view! { <span>{t(lang, Key::SeatFilled)}</span> }.into_any()
                } else {
                    view! { <span>{s.holders.join(", ")}</span> }.into_any()
                };
                view! { <dt>{t(lang, seat_key(&s.role))}</dt><dd data-testid=format!("seat-{}", s.role)>{who}</dd> }
            })
            .collect_view();
        let regions = g
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                view! { {(i > 0).then_some(", ")} {r.name.clone()} {(i == 0 && g.regions.len() > 1).then(|| view! { " (" {t(lang, Key::LeadRegion)} ")" })} }
            })
            .collect_view();
        let filled: Vec<(String, String)> = g
            .seats
            .iter()
            .filter(|s| s.filled)
            .map(|s| (s.role.clone(), t(lang, seat_key(&s.role)).to_owned()))
            .collect();
        let write_form = (g.may_write && !filled.is_empty()).then(|| {
            let action = format!("/territoires/{}/ecrire", g.territory_id);
            let open = crate::components::use_refused().is_some_and(|r| r.sent_to(&action));
            view! {
                <details class="write-to-seat" open=open>
                    <summary>{t(lang, Key::WriteToSeatTitle)}</summary>
                    <FormScope action=action.clone()>
                        <form method="post" action=action.clone() class="card-form" data-testid="write-to-seat">
                            <p class="hint">{t(lang, Key::WriteToSeatHint)}</p>
                            <ProblemSummary/>
                            {Select::new("ws-role", "role", Key::WriteToSeatRole).options(filled.clone()).required(true).view(lang)}
                            {Field::new("ws-message", "message", Key::MessageLabel).area(5).length(1, 2000).required(true).view(lang)}
                            <button type="submit">{t(lang, Key::SendMessage)}</button>
                        </form>
                    </FormScope>
                </details>
            }
        });
        let committees = g
            .committees
            .iter()
            .map(|c| {
                view! {
                    <li data-testid="committee">
                        <a href=format!("/comites/{}", c.committee.id)>{committee_name(lang, &c.committee)}</a>
                        " · "
                        {match &c.next {
                            Some(s) => view! { <a href=format!("/comites/seances/{}", s.id)>{t(lang, Key::NextSession)} " " {format_date(lang, s.held_at)}</a> }.into_any(),
                            None => view! { <span class="muted">{t(lang, Key::NoSessionPlanned)}</span> }.into_any(),
                        }}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="governance-h" data-testid="governance">
                <h2 id="governance-h">{t(lang, Key::GovernanceTitle)}</h2>
                <dl class="facts">
                    {seats}
                    <dt>{t(lang, Key::RegionsConcerned)}</dt><dd>{regions}</dd>
                </dl>
                {(!g.may_write).then(|| view! { <p class="hint">{t(lang, Key::GovernanceNamesHint)}</p> })}
                {write_form}
                <h3>{t(lang, Key::Committees)}</h3>
                <ul>{committees}</ul>
                <p data-testid="plan-links">
                    <a href=format!("/territoires/{}/plan", g.territory_id)>{t(lang, Key::SeeActionPlan)}</a>
                    " · "
                    <a href=format!("/territoires/{}/contrat", g.territory_id)>{t(lang, Key::SeeContract)}</a>
                </p>
            </section>
        }
        .into_any()
    })
}
