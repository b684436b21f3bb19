//! The European network: partner suggestions for a territory or a district, best practices,
//! and exchanges. Forms post to the server: a success comes back with a code in the address,
//! a refusal in place, the form filled as typed (see `components::refused`).

use crate::api::accounts::get_current_user;
use crate::api::network::{
    get_district_partners, get_exchange, get_exchanges, get_practice, get_practices,
    get_territory_partners, ExchangeView, PartnerSuggestion, Partners, PracticeFilter,
    PracticeSummary,
};
use crate::components::{
    field_problem, theme_options, use_refused, BarChart, ErrorView, Field, FieldProblem, Flash,
    Frame, PageTitle, Pager, ProblemSummary, Select,
};
use crate::components::{path_record, when_loaded};
use crate::domain::exchange::{ExchangeFormat, ExchangeStatus};
use crate::domain::organisation::PartyKind;
use crate::domain::policy::ScopeKind;
use crate::domain::theme::Theme;
use crate::error::AppError;
use crate::i18n::{country_name, format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

mod districts;
mod exchanges;
mod partners;
mod practices;

pub use districts::DistrictNewPage;
pub use exchanges::{ExchangePage, ExchangesPage};
pub use partners::{DistrictPartnersPage, TerritoryPartnersPage};
pub use practices::{PracticeNewPage, PracticePage, PracticesPage};

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("publie", Key::FlashPracticePublished),
    ("propose", Key::FlashExchangeProposed),
    ("repondu", Key::FlashSaved),
    ("rapport", Key::FlashSaved),
];

/// The exchange proposal form, from one of the reader's territories to a partner. A page
/// holds one per partner: when the server refused the one for `to`, that one comes back
/// open, as typed, each problem beside its field.
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
    let refused = use_refused().filter(|r| {
        r.sent_to("/echanges/nouveau") && r.value("to").as_deref() == Some(to.as_str())
    });
    let typed = |name: &str| {
        refused
            .as_ref()
            .and_then(|r| r.value(name))
            .unwrap_or_default()
    };
    let problem = |name: &str, input: &str, label: Key| match refused {
        Some(_) => field_problem(lang, name, &id(input), label),
        None => FieldProblem {
            described_by: None,
            message: None,
        },
    };
    let (from_chosen, format_chosen) = (typed("from"), typed("format"));
    let format_problem = problem("format", "format", Key::ExchangeFormat);
    let theme_problem = problem("theme", "theme", Key::ExchangeTheme);
    let date_problem = problem("start_date", "date", Key::ExchangeStart);
    let message_problem = problem("message", "message", Key::ExchangeMessage);
    let invalid = |p: &FieldProblem| p.message.is_some().then_some("true");
    let (format_invalid, theme_invalid, date_invalid, message_invalid) = (
        invalid(&format_problem),
        invalid(&theme_problem),
        invalid(&date_problem),
        invalid(&message_problem),
    );
    view! {
        <details class="propose" open=refused.is_some()>
            <summary>{t(lang, Key::ProposeExchange)} {crate::i18n::colon(lang)} {to_name.clone()}</summary>
            <form method="post" action="/echanges/nouveau" class="card-form" data-testid=format!("propose-{to}")>
                <input type="hidden" name="to" value=to.clone()/>
                <input type="hidden" name="back" value=back/>
                {practice.map(|p| view! { <input type="hidden" name="practice_id" value=p.to_string()/> })}
                <div class="field">
                    <label for=id("from")>{t(lang, Key::ExchangeFrom)}</label>
                    <select id=id("from") name="from">
                        {from.into_iter().map(|(tid, name)| { let on = tid == from_chosen; view! { <option value=tid selected=on>{name}</option> } }).collect_view()}
                    </select>
                </div>
                <div class="field" class:has-problem=format_invalid.is_some()>
                    <label for=id("format")>{t(lang, Key::ExchangeFormat)}</label>
                    {format_problem.message}
                    <select id=id("format") name="format" aria-describedby=format_problem.described_by aria-invalid=format_invalid>
                        {ExchangeFormat::ALL.iter().map(|f| view! { <option value=f.code() selected=f.code() == format_chosen>{t(lang, f.key())}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field" class:has-problem=theme_invalid.is_some()>
                    <label for=id("theme")>{t(lang, Key::ExchangeTheme)}</label>
                    {theme_problem.message}
                    <input id=id("theme") name="theme" type="text" value=typed("theme") aria-describedby=theme_problem.described_by aria-invalid=theme_invalid/>
                </div>
                <div class="field" class:has-problem=date_invalid.is_some()>
                    <label for=id("date")>{t(lang, Key::ExchangeStart)}</label>
                    {date_problem.message}
                    <input id=id("date") name="start_date" type="date" value=typed("start_date") aria-describedby=date_problem.described_by aria-invalid=date_invalid/>
                </div>
                <div class="field" class:has-problem=message_invalid.is_some()>
                    <label for=id("message")>{t(lang, Key::ExchangeMessage)} " *"</label>
                    {message_problem.message}
                    <textarea id=id("message") name="message" rows="4" required aria-describedby=message_problem.described_by aria-invalid=message_invalid>{typed("message")}</textarea>
                </div>
                <button type="submit">{t(lang, Key::ProposeExchange)}</button>
            </form>
        </details>
    }
}
