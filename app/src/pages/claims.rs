//! Getting onto Maillage with one's organisation: `/rejoindre` (find it by SIRET, SIREN or
//! name, or ask for its creation), `/revendications` (the claims one decides, and one's own),
//! and the claim block of an organisation's page.

use crate::api::claims::{
    find_claimable, get_claim_queue, get_claim_state, Candidate, ClaimQueue, ClaimView, CREATABLE,
};
use crate::components::{Field, FormScope, Frame, Select, Suggest};
use crate::domain::claim::{ClaimAction, ClaimKind, ClaimStatus};
use crate::domain::organisation::OrganisationKind;
use crate::i18n::{format_date, label_of, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const DONE: &[(&str, Key)] = &[
    ("demande", Key::FlashClaimSent),
    ("fait", Key::FlashClaimDecided),
];

/// `/rejoindre`: look one's organisation up, or ask for its creation.
#[component]
pub fn JoinPage() -> impl IntoView {
    let page = Frame::new(Key::JoinTitle).lead(Key::JoinLead);
    page.signed_in(Key::JoinSignedOut, |lang, _user| {
        let q = use_query_map()
            .read_untracked()
            .get("q")
            .unwrap_or_default();
        let typed = q.clone();
        let found = Resource::new(
            move || typed.clone(),
            |q| async move {
                if q.trim().is_empty() {
                    Ok(None)
                } else {
                    find_claimable(q).await.map(Some)
                }
            },
        );
        view! {
            <form method="get" action="/rejoindre" role="search" class="card-form" data-testid="join-find">
                {Field::new("j-q", "q", Key::JoinFindLabel).value(q.clone()).required(true).view(lang)}
                <button type="submit">{t(lang, Key::JoinFind)}</button>
            </form>
            <Suspense>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(Some(list)) if list.is_empty() => view! { <p data-testid="join-none">{t(lang, Key::JoinNoneFound)}</p> }.into_any(),
                        Ok(Some(list)) => view! {
                            <ul class="cards" data-testid="join-found">
                                {list.into_iter().map(|c| candidate(lang, c)).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <crate::components::ErrorView error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <CreationForm/>
        }
    })
}

fn candidate(lang: Lang, c: Candidate) -> impl IntoView {
    let status = c.my_claim.as_deref().and_then(ClaimStatus::parse);
    let action = if let Some(s) = status.filter(|s| *s == ClaimStatus::Pending) {
        view! { <p><span class="badge">{t(lang, Key::JoinYourClaim)} {crate::i18n::colon(lang)} {t(lang, s.key())}</span></p> }.into_any()
    } else if c.claimed {
        view! { <p class="hint">{t(lang, Key::JoinAdministered)}</p> }.into_any()
    } else {
        view! { <p><a class="button" href=format!("/organisations/{}#revendiquer", c.id) data-testid="join-claim">{t(lang, Key::ClaimThis)}</a></p> }.into_any()
    };
    view! {
        <li class="card" data-testid="join-candidate">
            <h2 class="card-title"><a href=format!("/organisations/{}", c.id)>{c.name.clone()}</a></h2>
            <p class="meta">
                {label_of(lang, &c.kind, OrganisationKind::parse, OrganisationKind::key)}
                {c.siret.map(|s| view! { " · SIRET " <span class="nowrap">{s}</span> })}
                {c.commune.map(|s| view! { " · " {s} })}
                {c.territory.map(|s| view! { " · " {s} })}
            </p>
            {action}
        </li>
    }
}

/// Asks for an organisation that is not on the platform (refused, it comes back as typed).
#[component]
fn CreationForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section aria-labelledby="join-create-h">
            <h2 id="join-create-h">{t(lang, Key::JoinCreateTitle)}</h2>
            <p class="hint">{t(lang, Key::JoinCreateHint)}</p>
            <FormScope action="/rejoindre".to_owned()>
                <form method="post" action="/rejoindre" class="card-form" data-testid="join-create">
                    <crate::components::ProblemSummary/>
                    {Select::new("jc-kind", "kind", Key::JoinKindLabel)
                        .keyed(lang, CREATABLE.iter().map(|k| (k.code(), k.key())))
                        .view(lang)}
                    {Field::new("jc-siret", "siret", Key::SiretLabel).required(true).autocomplete("off").view(lang)}
                    {Field::new("jc-name", "name", Key::FirmNameLabel).required(true).length(2, 200).autocomplete("organization").view(lang)}
                    {Field::new("jc-naf", "naf", Key::NafSubClassLabel).required(true).autocomplete("off").view(lang)}
                    <Suggest input="jc-naf".to_owned() list=crate::api::search::ChoiceList::Activities/>
                    {Field::new("jc-commune", "commune", Key::CommuneCodeLabel).required(true).hint(Key::CommuneCodeHint).autocomplete("off").view(lang)}
                    <Suggest input="jc-commune".to_owned() list=crate::api::search::ChoiceList::Communes/>
                    {Field::new("jc-message", "message", Key::ClaimMessageLabel).area(3).view(lang)}
                    <button type="submit">{t(lang, Key::JoinCreate)}</button>
                </form>
            </FormScope>
        </section>
    }
}

/// `/revendications`: the claims the reader decides, and their own.
#[component]
pub fn ClaimsPage() -> impl IntoView {
    let page = Frame::new(Key::ClaimsTitle)
        .done(DONE)
        .lead(Key::ClaimsLead)
        .signed_out(Key::ClaimsSignedOut);
    page.loading(get_claim_queue, |lang, q: ClaimQueue| {
        let section = |key: Key, id: &'static str, list: Vec<ClaimView>| {
            (!list.is_empty()).then(|| {
                view! {
                    <section aria-labelledby=format!("{id}-h")>
                        <h2 id=format!("{id}-h")>{t(lang, key)}</h2>
                        <ul class="cards wide-cards" data-testid=id>
                            {list.into_iter().map(|c| claim_item(lang, c)).collect_view()}
                        </ul>
                    </section>
                }
            })
        };
        let empty = q.to_decide.is_empty() && q.mine.is_empty() && q.decided.is_empty();
        view! {
            {empty.then(|| view! { <p>{t(lang, Key::ClaimsNone)}</p> })}
            {section(Key::ClaimsToDecide, "claims-to-decide", q.to_decide)}
            {section(Key::ClaimsMine, "claims-mine", q.mine)}
            {section(Key::ClaimsDecided, "claims-decided", q.decided)}
        }
    })
}

fn claim_item(lang: Lang, c: ClaimView) -> impl IntoView {
    let id = c.id;
    let action = format!("/revendications/{id}");
    let decides = c.offers(ClaimAction::Approve) || c.offers(ClaimAction::Refuse);
    let withdraws = c.offers(ClaimAction::Withdraw);
    let visible = c.status() == Some(ClaimStatus::Approved) || c.kind() == Some(ClaimKind::Claim);
    let name = if visible {
        view! { <a href=format!("/organisations/{}", c.organisation_id)>{c.organisation.clone()}</a> }.into_any()
    } else {
        c.organisation.clone().into_any()
    };
    let decide_action = action.clone();
    let forms = decides.then(move || {
        let action = decide_action;
        view! {
            <FormScope action=action.clone()>
                <form method="post" action=action.clone() class="card-form" data-testid=format!("claim-decide-{id}")>
                    <crate::components::ProblemSummary/>
                    {Field::new(format!("cr-{id}"), "reason", Key::ClaimRefuseReason).area(2).view(lang)}
                    <div class="actions-row">
                        <button type="submit" name="action" value=ClaimAction::Approve.code()>{t(lang, Key::ClaimApprove)}</button>
                        <button type="submit" name="action" value=ClaimAction::Refuse.code() class="secondary">{t(lang, Key::ClaimRefuse)}</button>
                    </div>
                </form>
            </FormScope>
        }
    });
    let withdraw = withdraws.then(|| view! {
        <form method="post" action=action.clone() class="actions-row">
            <button type="submit" name="action" value=ClaimAction::Withdraw.code() class="secondary">{t(lang, Key::ClaimWithdraw)}</button>
        </form>
    });
    view! {
        <li class="card" data-testid="claim" id=format!("claim-{id}")>
            <h3 class="card-title">{name}</h3>
            <p class="meta">
                <span class="badge">{label_of(lang, &c.kind, ClaimKind::parse, ClaimKind::key)}</span> " "
                <span class=format!("badge status status-{}", c.status) data-testid="claim-status">{label_of(lang, &c.status, ClaimStatus::parse, ClaimStatus::key)}</span>
                " · " {format_date(lang, c.created_at)}
            </p>
            <dl class="facts">
                {c.siret.clone().map(|s| view! { <dt>"SIRET"</dt><dd>{s}</dd> })}
                {c.naf_code.clone().map(|code| view! { <dt>{t(lang, Key::NafSubClassLabel)}</dt><dd><code>{code}</code> " " {c.naf_label.clone().unwrap_or_default()}</dd> })}
                {c.commune.clone().map(|s| view! { <dt>{t(lang, Key::Seat)}</dt><dd>{s}</dd> })}
                {c.territory.clone().map(|s| view! { <dt>{t(lang, Key::ColTerritory)}</dt><dd>{s}</dd> })}
                {(!c.website.is_empty()).then(|| view! { <dt>{t(lang, Key::WebsiteLabel)}</dt><dd>{c.website.clone()}</dd> })}
                <dt>{t(lang, Key::ClaimantLabel)}</dt>
                <dd>{c.claimant_name.clone()} " · " <a href=format!("mailto:{}", c.claimant_email)>{c.claimant_email.clone()}</a></dd>
            </dl>
            {(!c.message.is_empty()).then(|| view! { <blockquote>{c.message.clone()}</blockquote> })}
            {(!c.reason.is_empty()).then(|| view! { <p><strong>{t(lang, Key::ClaimRefuseReason)} {crate::i18n::colon(lang)}</strong>{c.reason.clone()}</p> })}
            {forms}
            {withdraw}
        </li>
    }
}

/// On an organisation's page: the "profil non revendiqué" badge and the claim form, or where
/// the reader's own claim stands.
#[component]
pub fn ClaimBlock(id: i64) -> impl IntoView {
    let lang = use_lang();
    let state = Resource::new(move || id, get_claim_state);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let Ok(s) = state.await else { return ().into_any() };
                if s.claimed {
                    return ().into_any();
                }
                let mine = s.my_claim.as_deref().and_then(ClaimStatus::parse);
                let body = match (s.signed_in, mine) {
                    (false, _) => view! {
                        <p><a class="button" href=crate::components::sign_in_href() data-testid="claim-sign-in">{t(lang, Key::ClaimSignIn)}</a></p>
                    }.into_any(),
                    (true, Some(ClaimStatus::Pending)) => view! {
                        <p data-testid="claim-pending">{t(lang, Key::ClaimYoursPending)} " " <a href="/revendications">{t(lang, Key::ClaimsMine)}</a></p>
                    }.into_any(),
                    (true, other) => view! {
                        {(other == Some(ClaimStatus::Refused)).then(|| view! { <p class="hint">{t(lang, Key::ClaimYoursRefused)}</p> })}
                        <FormScope action=format!("/organisations/{id}/revendiquer")>
                            <form method="post" action=format!("/organisations/{id}/revendiquer") class="card-form" data-testid="claim-form">
                                <crate::components::ProblemSummary/>
                                {Field::new("cl-message", "message", Key::ClaimMessageLabel).area(3).view(lang)}
                                <button type="submit">{t(lang, Key::ClaimThis)}</button>
                            </form>
                        </FormScope>
                    }.into_any(),
                };
                view! {
                    <section aria-labelledby="revendiquer" class="claim-block" data-testid="unclaimed">
                        <h2 id="revendiquer"><span class="badge">{t(lang, Key::UnclaimedBadge)}</span></h2>
                        <p class="hint">{t(lang, Key::UnclaimedHint)}</p>
                        <p class="hint">{t(lang, Key::ClaimThisHint)}</p>
                        {body}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
