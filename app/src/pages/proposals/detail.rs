//! `/simplification/{id}`: one proposal, its workflow picture, timeline and the steps the reader may take.

use super::*;
use crate::domain::governance::Stance;
use crate::domain::proposal::StandsIn;

/// The path of a proposal as a picture: three levels, the current one marked, with the days
/// waited at each.
pub(super) fn workflow_picture(lang: Lang, p: &ProposalDetail) -> impl IntoView {
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

/// A merge about to be taken: the page is drawn again with this in its context, and asks
/// once, showing the target's number and title, before merging.
#[derive(Debug, Clone)]
pub struct MergeConfirmation {
    /// The proposal to merge.
    pub source: i64,
    pub target: ProposalLink,
    /// The comment typed with the merge, carried to the confirming form.
    pub comment: String,
}

/// The question asked before a merge, first on the page.
fn merge_confirmation(lang: Lang, id: i64) -> Option<impl IntoView> {
    let c = use_context::<MergeConfirmation>().filter(|c| c.source == id)?;
    let target = c.target;
    Some(view! {
        <section class="confirm-box" role="alert" aria-labelledby="confirm-merge-h" data-testid="confirm-merge">
            <h2 id="confirm-merge-h">{t(lang, Key::ConfirmMergeTitle)}</h2>
            <p>
                {t(lang, Key::ConfirmMergeLead)} " "
                <a href=format!("/simplification/{}", target.id)>{format!("n° {} « {} »", target.id, target.title)}</a>
                " (" {target.territory_name.clone()} ")."
            </p>
            <p>{t(lang, Key::ConfirmMergeEffect)}</p>
            <form method="post" action=format!("/simplification/{id}/etape") class="actions-row">
                <input type="hidden" name="action" value=Action::Merge.code()/>
                <input type="hidden" name="target" value=target.id.to_string()/>
                <input type="hidden" name="comment" value=c.comment/>
                <input type="hidden" name="confirm" value="1"/>
                <button type="submit">{t(lang, Key::ConfirmMergeButton)}</button>
                <a class="button secondary" href=format!("/simplification/{id}")>{t(lang, Key::DoNotMerge)}</a>
            </form>
        </section>
    })
}

/// The form of one workflow action. A refused step comes back in its own form, filled; the
/// steps that cannot be taken back ask once (a merge by the page above, a withdrawal or an
/// undo behind a disclosure that says what it does).
pub(super) fn action_form(lang: Lang, id: i64, action: Action) -> impl IntoView {
    let requires = action.requirements();
    let needs_comment = requires.contains(&Requirement::Comment);
    let code = action.code();
    // Every action form posts to the same address: a refusal is this form's if it sent this action.
    let mine = use_refused().is_some_and(|r| r.value("action").as_deref() == Some(code));
    let typed = move |name: &str| {
        if mine {
            typed_or(name, "")
        } else {
            String::new()
        }
    };
    let problem = move |name: &str, input: &str, label: Key| {
        if mine {
            field_problem(lang, name, input, label)
        } else {
            FieldProblem {
                described_by: None,
                message: None,
            }
        }
    };
    let form_id = format!("act-{code}");
    let comment_id = format!("{form_id}-comment");
    let mechanism = requires.contains(&Requirement::Mechanism).then(|| {
        let mid = format!("{form_id}-mechanism");
        let chosen = typed("mechanism");
        let p = problem("mechanism", &mid, Key::MechanismLabel);
        view! {
            <div class="field">
                <label for=mid.clone()>{t(lang, Key::MechanismLabel)}</label>
                {p.message}
                <select id=mid name="mechanism" required aria-describedby=p.described_by.clone() aria-invalid=p.described_by.is_some().then_some("true")>
                    {Mechanism::ALL.iter().map(|m| view! { <option value=m.code() selected=chosen == m.code()>{t(lang, m.key())}</option> }).collect_view()}
                </select>
            </div>
        }
    });
    let stance = requires.contains(&Requirement::Stance).then(|| {
        let sid = format!("{form_id}-stance");
        let chosen = typed("stance");
        let p = problem("stance", &sid, Key::StanceLabel);
        view! {
            <div class="field">
                <label for=sid.clone()>{t(lang, Key::StanceLabel)} " *"</label>
                {p.message}
                <select id=sid name="stance" required aria-describedby=p.described_by.clone() aria-invalid=p.described_by.is_some().then_some("true")>
                    <option value="" selected=chosen.is_empty()>{t(lang, Key::ChooseStance)}</option>
                    {Stance::ALL.iter().map(|s| view! { <option value=s.code() selected=chosen == s.code()>{t(lang, s.key())}</option> }).collect_view()}
                </select>
            </div>
        }
    });
    let target = requires.contains(&Requirement::Target).then(|| {
        let tid = format!("{form_id}-target");
        let p = problem("target", &tid, Key::MergeTargetLabel);
        view! {
            <div class="field">
                <label for=tid.clone()>{t(lang, Key::MergeTargetLabel)}</label>
                {p.message}
                <input id=tid name="target" inputmode="numeric" required pattern="#?[0-9]+" value=typed("target")
                    aria-describedby=p.described_by.clone() aria-invalid=p.described_by.is_some().then_some("true")/>
            </div>
        }
    });
    let comment_label = if action.answers() {
        Key::OfficialAnswerLabel
    } else {
        Key::CommentLabel
    };
    let comment_problem = problem("comment", &comment_id, comment_label);
    let step = t(lang, action_key(code));
    let asks_once = matches!(action, Action::Withdraw | Action::Unmerge);
    let button = if asks_once {
        confirm_label(step)
    } else {
        step.to_owned()
    };
    let form = view! {
        <form method="post" action=format!("/simplification/{id}/etape") class="card-form action-form" data-testid=form_id.clone()>
            {mine.then(|| view! { <ProblemSummary/> })}
            <input type="hidden" name="action" value=code/>
            {mechanism}
            {stance}
            {target}
            <div class="field">
                <label for=comment_id.clone()>{t(lang, comment_label)}{needs_comment.then_some(" *")}</label>
                {comment_problem.message}
                <textarea id=comment_id name="comment" rows="3" required=needs_comment
                    aria-describedby=comment_problem.described_by.clone() aria-invalid=comment_problem.described_by.is_some().then_some("true")>{typed("comment")}</textarea>
            </div>
            <button type="submit">{button}</button>
        </form>
    };
    if asks_once {
        let effect = match action {
            Action::Unmerge => Key::UnmergeEffect,
            _ => Key::WithdrawEffect,
        };
        view! {
            <ConfirmStep label=step.to_owned() effect=t(lang, effect).to_owned() testid=format!("confirm-{code}")>
                {form}
            </ConfirmStep>
        }
        .into_any()
    } else {
        form.into_any()
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
pub(super) fn ProposalView(p: ProposalDetail) -> impl IntoView {
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
    let opinion_needed = p.opinion_needed;
    let actions = (!p.actions.is_empty() || p.may_edit).then(|| {
        view! {
            <section class="actions" aria-labelledby="actions-h">
                <h2 id="actions-h">{t(lang, Key::YourActions)}</h2>
                {opinion_needed.then(|| view! { <p class="hint" data-testid="opinion-needed">{t(lang, Key::OpinionNeeded)}</p> })}
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
                {Select::new("sup-as", "as", Key::SupportAs)
                    .options(p.support_as.iter().map(|(kind, sid, name)| (format!("{kind}:{sid}"), name.clone())).collect::<Vec<_>>())
                    .view(lang)}
                {Field::new("sup-testimony", "testimony", Key::TestimonyLabel).hint(Key::TestimonyHint).area(3).view(lang)}
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
                {(!e.stance.is_empty()).then(|| view! { " · " <span class=format!("badge stance-{}", e.stance)>{Stance::label_of(lang, &e.stance)}</span> })}
                {(!e.stands_in.is_empty()).then(|| view! { " · " <em data-testid="stands-in">{StandsIn::label_of(lang, &e.stands_in)}</em> })}
                {(!e.comment.is_empty()).then(|| view! { <blockquote>{e.comment.clone()}</blockquote> })}
            </li>
        }
    }).collect_view();
    view! {
        <Title text=s.title.clone()/>
        <p class="breadcrumb"><a href="/simplification">{t(lang, Key::ProposalsTitle)}</a></p>
        <h1>{s.title.clone()}</h1>
        <Flash done=DONE/>
        <p class="meta">
            <span data-testid="status">{status_badge(lang, &s.status)}</span> " "
            <span class="badge">{Theme::label_of(lang, &s.theme)}</span> " "
            {s.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
            " · "
            <a href=format!("/territoires/{}", s.territory_id)>{s.territory_name.clone()}</a> " · " {s.region_name.clone()}
            " · #" {id}
        </p>
        {(p.regions.len() > 1).then(|| view! {
            <p class="meta" data-testid="regions-concerned">
                {t(lang, Key::RegionsConcerned)} {crate::i18n::colon(lang)}
                {p.regions.iter().enumerate().map(|(i, r)| view! {
                    {(i > 0).then_some(", ")} {r.name.clone()} {(i == 0).then(|| view! { " (" {t(lang, Key::LeadRegion)} ")" })}
                }).collect_view()}
            </p>
        })}
        {merge_confirmation(lang, id)}
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
                {count(lang, s.territories_supporting, Key::TerritoryWord, Key::TerritoriesWord)} ", "
                {count(lang, s.firms_supporting, Key::FirmWord, Key::FirmsWord)}
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
