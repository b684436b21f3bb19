//! `/echanges`: the reader's exchanges and one exchange with its steps.

use super::*;

pub(super) fn exchange_line(lang: Lang, x: &ExchangeView) -> impl IntoView {
    view! {
        <li class="card">
            <h2><a href=format!("/echanges/{}", x.id)>{x.from_name.clone()} " → " {x.to_name.clone()}</a></h2>
            <p class="meta">
                <span class=format!("badge status status-{}", x.status)>{crate::i18n::label_of(lang, &x.status, ExchangeStatus::parse, ExchangeStatus::key)}</span> " "
                {ExchangeFormat::label_of(lang, &x.format)} " · " {x.theme.clone()} " · " {format_date(lang, x.created_at)}
            </p>
        </li>
    }
}

/// `/echanges`: the exchanges of the reader's territories and districts.
#[component]
pub fn ExchangesPage() -> impl IntoView {
    let page = Frame::new(Key::MyExchanges).lead(Key::ExchangesLead);
    page.loading(get_exchanges, |lang, list| if list.is_empty() {
        view! { <p>{t(lang, Key::NoExchanges)}</p> }.into_any()
    } else {
        view! { <ul class="cards" data-testid="exchange-list">{list.iter().map(|x| exchange_line(lang, x)).collect_view()}</ul> }.into_any()
    })
}

/// `/echanges/{id}`: one exchange, its answer and its report.
#[component]
pub fn ExchangePage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(get_exchange);
    view! {
        {when_loaded(data, move |x| {
                        let id = x.id;
                        let can = |a: &str| x.actions.iter().any(|x| x == a);
                        let answer = (can("accept")).then(|| view! {
                            <form method="post" action=format!("/echanges/{id}/reponse") class="card-form" data-testid="answer-form">
                                {Field::new("ex-reason", "reason", Key::DeclineReason).area(2).view(lang)}
                                <div class="actions-row">
                                    <button type="submit" name="action" value="accept">{t(lang, Key::AcceptExchange)}</button>
                                    <button type="submit" name="action" value="decline" class="secondary">{t(lang, Key::DeclineExchange)}</button>
                                </div>
                            </form>
                        });
                        let report = can("report").then(|| view! {
                            <form method="post" action=format!("/echanges/{id}/compte-rendu") class="card-form" data-testid="report-form">
                                <h2>{t(lang, Key::ExchangeReport)}</h2>
                                <ProblemSummary/>
                                {Field::new("ex-start", "start_date", Key::ExchangeStart).kind("date").required(true).value(x.start_date.clone()).view(lang)}
                                {Field::new("ex-end", "end_date", Key::ExchangeEnd).kind("date").required(true).view(lang)}
                                {Field::new("ex-participants", "participants", Key::ExchangeParticipants).area(2).view(lang)}
                                {Field::new("ex-outcome", "outcome", Key::ExchangeOutcome).area(4).required(true).view(lang)}
                                <button type="submit">{t(lang, Key::SaveReport)}</button>
                            </form>
                        });
                        let to_href = if PartyKind::District.is(&x.to_kind) { format!("/organisations/{}", x.to_id) } else { format!("/territoires/{}", x.to_id) };
                        view! {
                            <Title text=format!("{} → {}", x.from_name, x.to_name)/>
                            <p class="breadcrumb"><a href="/echanges">{t(lang, Key::MyExchanges)}</a></p>
                            <h1><a href=format!("/territoires/{}", x.from_territory)>{x.from_name.clone()}</a> " → " <a href=to_href>{x.to_name.clone()}</a></h1>
                            <Flash done=DONE/>
                            <p class="meta">
                                <span data-testid="exchange-status" class=format!("badge status status-{}", x.status)>{crate::i18n::label_of(lang, &x.status, ExchangeStatus::parse, ExchangeStatus::key)}</span> " "
                                {ExchangeFormat::label_of(lang, &x.format)} {(!x.theme.is_empty()).then(|| format!(" · {}", x.theme))}
                                {x.practice.clone().map(|(pid, title)| view! { " · " <a href=format!("/pratiques/{pid}")>{title}</a> })}
                            </p>
                            <h2>{t(lang, Key::ExchangeMessage)}</h2>
                            <p class="prose">{x.message.clone()}</p>
                            {(!x.reason.is_empty()).then(|| view! { <h2>{t(lang, Key::DeclineReason)}</h2><p class="prose">{x.reason.clone()}</p> })}
                            {(x.status == ExchangeStatus::Completed.code()).then(|| view! {
                                <section class="answer" data-testid="report">
                                    <h2>{t(lang, Key::ExchangeReport)}</h2>
                                    <p>{x.start_date.clone()} " → " {x.end_date.clone()}</p>
                                    <p class="prose">{x.participants.clone()}</p>
                                    <p class="prose">{x.outcome.clone()}</p>
                                </section>
                            })}
                            {answer}
                            {report}
                        }.into_any()
                    })}
    }
}
