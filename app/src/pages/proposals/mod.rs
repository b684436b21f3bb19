//! `/simplification`: simplification proposals from territories to the national level.
//!
//! The list, one proposal with its workflow and timeline, the writing form with similar
//! proposals, the reviewers' queues and the dashboard. Every form posts to the server and
//! comes back with a code in the address, so everything works before WebAssembly loads.

use crate::api::directory::list_territories;
use crate::api::proposals::{
    get_dashboard, get_proposal, get_proposals, get_queue, get_similar, ProposalDetail,
    ProposalDraft, ProposalFilter, ProposalLink, ProposalSort, ProposalSummary, Waiting,
};
use crate::components::{
    axis_options, confirm_label, field_problem, theme_options, typed_or, use_refused, BarChart,
    ConfirmStep, Field, FieldProblem, Flash, Frame, PageTitle, Pager, ProblemSummary, Select,
};
use crate::components::{path_record, when_loaded};
use crate::domain::proposal::{
    Action, ActorRole, Mechanism, ProposalKind, Requirement, Status, ALL_LEVELS, ALL_STATUSES,
};
use crate::domain::theme::Theme;
use crate::error::AppError;
use crate::i18n::{count, format_date, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

mod dashboard;
mod detail;
mod form;
mod list;
mod queue;

pub use dashboard::DashboardPage;
pub use detail::{MergeConfirmation, ProposalPage};
pub use form::{ProposalEditPage, ProposalNewPage};
pub use list::ProposalsPage;
pub use queue::QueuePage;

/// The label of a status.
pub fn status_key(status: Status) -> Key {
    match status {
        Status::Draft => Key::StDraft,
        Status::AwaitingApproval => Key::StAwaitingApproval,
        Status::ReferentReview => Key::StReferentReview,
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
        Some(Action::Forward) => Key::AcForward,
        Some(Action::Clarify) => Key::AcClarify,
        Some(Action::GiveOpinion) => Key::AcGiveOpinion,
        Some(Action::AnswerRegional) => Key::AcAnswerRegional,
        Some(Action::Redirect) => Key::AcRedirect,
        Some(Action::ReturnToTerritory) => Key::AcReturn,
        Some(Action::Escalate) => Key::AcEscalate,
        Some(Action::Accept) => Key::AcAccept,
        Some(Action::Implement) => Key::AcImplement,
        Some(Action::Reject) => Key::AcReject,
        Some(Action::Merge) => Key::AcMerge,
        Some(Action::Withdraw) => Key::AcWithdraw,
        Some(Action::Unmerge) => Key::AcUnmerge,
        None => match code {
            "create" => Key::AcCreate,
            "support" => Key::AcSupport,
            "merged_in" => Key::AcMergedIn,
            "unmerged_out" => Key::AcUnmergedOut,
            _ => Key::AcOther,
        },
    }
}

fn role_key(code: &str) -> Key {
    ActorRole::parse(code).map_or(Key::RoleMember, ActorRole::key)
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

fn days(lang: Lang, d: f64) -> String {
    format!(
        "{} {}",
        crate::i18n::format_dec1(lang, d),
        t(lang, Key::DayUnit)
    )
}

/// A wait in whole days ("12 jours"), or "moins d'un jour".
fn whole_days(lang: Lang, d: f64) -> String {
    if d < 1.0 {
        return t(lang, Key::LessThanADay).to_owned();
    }
    count(lang, d.floor() as u64, Key::DayWord, Key::DaysWord)
}

/// One line of a list: its number (what a merge asks for), its title, and in a queue the
/// days it has waited at its current step.
fn summary_item(lang: Lang, p: ProposalSummary, waiting: Option<f64>) -> impl IntoView {
    view! {
        <li class="card proposal-card">
            <h2><span class="number">"n° " {p.id}</span> " " <a href=format!("/simplification/{}", p.id)>{p.title.clone()}</a></h2>
            {waiting.map(|d| view! {
                <p class="meta" data-testid="waiting"><strong>{t(lang, Key::WaitingFor)} " " {whole_days(lang, d)}</strong></p>
            })}
            <p class="meta">
                {status_badge(lang, &p.status)} " "
                <span class="badge">{Theme::label_of(lang, &p.theme)}</span> " "
                {p.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                {p.territory_name.clone()} " · " {p.region_name.clone()}
            </p>
            <p class="meta">
                {t(lang, Key::SupportedBy)} " " {count(lang, p.territories_supporting, Key::TerritoryWord, Key::TerritoriesWord)} ", "
                {count(lang, p.firms_supporting, Key::FirmWord, Key::FirmsWord)} " · " {t(lang, Key::UpdatedOn)} " " {format_date(lang, p.updated_at)}
            </p>
        </li>
    }
}
