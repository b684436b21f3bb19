//! `/simplification/file`: the proposals waiting for the reader.

use super::*;

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
    let list = move |items: Vec<Waiting>| {
        if items.is_empty() {
            view! { <p class="hint">{t(lang, Key::NothingWaiting)}</p> }.into_any()
        } else {
            view! { <ul class="cards">{items.into_iter().map(|w| summary_item(lang, w.proposal, w.days)).collect_view()}</ul> }.into_any()
        }
    };
    // A section's heading says how many proposals it holds.
    let heading = move |title: String, n: usize| {
        view! { <h2>{title} " " <span class="count">"(" {crate::i18n::format_int(lang, n as u64)} ")"</span></h2> }
    };
    view! {
        <PageTitle key=Key::MyQueue/>
        <p class="actions-row">
            <a class="button" href="/simplification/nouvelle">{t(lang, Key::NewProposal)}</a> " "
            <a href="/simplification">{t(lang, Key::ProposalsTitle)}</a>
        </p>
        {when_loaded(data, move |q| {
                        let empty = q.territories.is_empty() && q.regions.is_empty() && q.national.is_none();
                        let sort = q.sort;
                        view! {
                            <form class="filters" method="get" action="/simplification/file">
                                {Select::new("q-sort", "sort", Key::SortLabel).keyed(lang, ProposalSort::ALL.map(|o| (o.code(), o.key()))).chosen(sort.code()).view(lang)}
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            {empty.then(|| view! { <p>{t(lang, Key::NoQueue)}</p> })}
                            {q.national.map(|items| view! {
                                <section data-testid="queue-national">{heading(t(lang, Key::NationalInbox).to_owned(), items.len())}{list(items)}</section>
                            })}
                            {(!q.answered_in_regions.is_empty()).then(|| {
                                let total: usize = q.answered_in_regions.iter().map(|(_, items)| items.len()).sum();
                                view! {
                                    <section data-testid="answered-in-regions" aria-labelledby="answered-regions-h">
                                        <h2 id="answered-regions-h">{t(lang, Key::AnsweredInRegions)} " " <span class="count">"(" {crate::i18n::format_int(lang, total as u64)} ")"</span></h2>
                                        <p class="hint">{t(lang, Key::AnsweredInRegionsHint)}</p>
                                        {q.answered_in_regions.into_iter().map(|(theme, items)| view! {
                                            <details class="theme-group">
                                                <summary>{Theme::label_of(lang, &theme)} " — " {crate::i18n::format_int(lang, items.len() as u64)}</summary>
                                                <ul class="cards">{items.into_iter().map(|p| summary_item(lang, p, None)).collect_view()}</ul>
                                            </details>
                                        }).collect_view()}
                                    </section>
                                }
                            })}
                            {q.regions.into_iter().map(|(_, name, items)| view! {
                                <section data-testid="queue-region">{heading(format!("{}{}{name}", t(lang, Key::RegionalQueue), crate::i18n::colon(lang)), items.len())}{list(items)}</section>
                            }).collect_view()}
                            {q.territories.into_iter().map(|(_, name, items)| view! {
                                <section data-testid="queue-territory">{heading(format!("{}{}{name}", t(lang, Key::TerritoryProposals), crate::i18n::colon(lang)), items.len())}{list(items)}</section>
                            }).collect_view()}
                        }.into_any()
                    })}
    }
}
