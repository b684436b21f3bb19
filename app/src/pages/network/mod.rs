//! The European network: partner suggestions for a territory or a district, best practices,
//! and exchanges. Forms post to the server and come back with a code in the address.

use crate::api::accounts::get_current_user;
use crate::api::network::{
    get_district_partners, get_exchange, get_exchanges, get_practice, get_practices,
    get_territory_partners, ExchangeView, PartnerSuggestion, Partners, PracticeFilter,
    PracticeSummary,
};
use crate::components::{path_record, when_loaded};
use crate::components::{
    theme_options, BarChart, ErrorView, Field, Flash, Frame, PageTitle, Pager, ProblemSummary,
    Select,
};
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
