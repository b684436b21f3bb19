//! `/annonces`: needs and offers, their suggested partners with the reasons, and
//! `/mises-en-relation`, where contacts are asked, accepted and concluded.

use crate::api::needs::{
    get_inbox, get_matches, get_need, get_needs, get_needs_for_me, InterestView, NeedDraft,
    NeedFilter, NeedSummary, NeedView,
};
use crate::components::{
    confirm_label, refused_here, typed_or, BarChart, ConfirmStep, Field, Flash, FormScope, Frame,
    PageTitle, ProblemSummary, Select,
};
use crate::components::{path_record, when_loaded};
use crate::domain::contact::ContactStatus;
use crate::domain::matching::FirmSize;
use crate::domain::need::{NeedKind, NeedStatus, NeedVisibility};
use crate::error::AppError;
use crate::i18n::{colon, format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

mod detail;
mod filieres;
mod form;
mod inbox;
mod list;

pub use detail::NeedPage;
pub use filieres::FilieresPage;
pub use form::{NeedEditPage, NeedNewPage};
pub use inbox::InboxPage;
pub use list::NeedsPage;

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

/// One contact, with its state, the other side's details once accepted, and its actions.
/// One contact; `here` when the reader was sent to it (a mail's link).
fn interest_item(lang: Lang, i: InterestView, here: bool) -> impl IntoView {
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
    // Saying how a contact ended is final: it asks once, behind a disclosure.
    let (ends, answers): (Vec<String>, Vec<String>) = i
        .actions
        .iter()
        .cloned()
        .partition(|a| a == "concluded" || a == "not_concluded");
    let conclude = (!ends.is_empty()).then(|| {
        view! {
            <ConfirmStep label=t(lang, Key::ConcludeContact).to_owned() effect=t(lang, Key::ConcludeEffect).to_owned() testid=format!("conclude-{id}")>
                <form method="post" action=format!("/mises-en-relation/{id}") class="actions-row">
                    {ends.iter().map(|a| {
                        let key = if a == "concluded" { Key::MarkConcluded } else { Key::MarkNotConcluded };
                        view! { <button type="submit" name="action" value=a.clone()>{t(lang, key)}</button> }
                    }).collect_view()}
                </form>
            </ConfirmStep>
        }
    });
    let forms = (!answers.is_empty()).then(|| {
        let decline = answers.iter().any(|a| a == "decline");
        let action = format!("/mises-en-relation/{id}");
        view! {
            <FormScope action=action.clone()>
            <form method="post" action=action class="card-form" data-testid=format!("interest-{id}")>
                <ProblemSummary/>
                {decline.then(|| Field::new(format!("r-{id}"), "reason", Key::DeclineReason).area(2).view(lang))}
                <div class="actions-row">
                    {answers.iter().map(|a| {
                        let key = match a.as_str() {
                            "accept" => Key::AcceptContact,
                            _ => Key::DeclineExchange,
                        };
                        view! { <button type="submit" name="action" value=a.clone()>{t(lang, key)}</button> }
                    }).collect_view()}
                </div>
            </form>
            </FormScope>
        }
    });
    view! {
        <li class="card" class:focused=here id=format!("contact-{id}") aria-current=here.then_some("true") data-testid="interest">
            <h2><a href=i.about.clone()>{i.need_title.clone()}</a></h2>
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
            {conclude}
        </li>
    }
}
