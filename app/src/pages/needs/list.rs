//! `/annonces`: open annonces, with those the reader's firms could answer first.

use super::*;

/// `/annonces`: open needs and offers, and those the reader's firms could answer.
#[component]
pub fn NeedsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            NeedFilter {
                q: q.get("q").unwrap_or_default(),
                kind: q.get("kind").filter(|k| NeedKind::parse(k).is_some()),
                territory: q.get("territory").filter(|t| !t.is_empty()),
                include_closed: false,
            }
        },
        |filter| async move {
            let list = get_needs(filter.clone()).await?;
            let mine = get_needs_for_me().await?;
            Ok::<_, AppError>((filter, list, mine))
        },
    );
    view! {
        <PageTitle key=Key::NeedsTitle/>
        <p class="lead">{t(lang, Key::NeedsLead)}</p>
        <p class="actions-row">
            <a class="button" href="/annonces/nouvelle">{t(lang, Key::NewNeed)}</a> " "
            <a href="/mises-en-relation">{t(lang, Key::Inbox)}</a>
        </p>
        {when_loaded(data, move |(filter, list, mine)| view! {
                        {(!mine.is_empty()).then(|| view! {
                            <section aria-labelledby="for-me-h">
                                <h2 id="for-me-h">{t(lang, Key::NeedsForMe)}</h2>
                                <ul class="cards" data-testid="needs-for-me">
                                    {mine.into_iter().map(|m| need_item(lang, m.need, Some(format!("{} — {}", m.organisation_name, m.why)))).collect_view()}
                                </ul>
                            </section>
                        })}
                        <form class="filters" method="get" action="/annonces" role="search">
                            {Field::new("n-q", "q", Key::SearchNeeds).search().value(filter.q.clone()).view(lang)}
                            {Select::new("n-kind", "kind", Key::NeedKind).blank(Key::AllKinds)
                                .keyed(lang, NeedKind::ALL.iter().map(|k| (k.code(), k.key())))
                                .chosen(filter.kind.clone().unwrap_or_default()).view(lang)}
                            <button type="submit">{t(lang, Key::Filter)}</button>
                        </form>
                        <p class="count" aria-live="polite">{format_int(lang, list.len() as u64)} " " {t(lang, Key::NeedsWord)}</p>
                        <ul class="cards" data-testid="need-list">{list.into_iter().map(|n| need_item(lang, n, None)).collect_view()}</ul>
                    }.into_any())}
    }
}
