//! `/mises-en-relation`: the reader's contact requests, sent and received.

use super::*;

/// `/mises-en-relation`: the reader's contacts, sent and received.
#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_inbox());
    view! {
        <Title text=t(lang, Key::Inbox)/>
        <h1>{t(lang, Key::Inbox)}</h1>
        <Flash errors=error_key done=DONE/>
        <p class="lead">{t(lang, Key::InboxLead)}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p>{t(lang, Key::NoContacts)}</p> }.into_any(),
                    Ok(list) => view! { <ul class="cards wide-cards" data-testid="inbox">{list.into_iter().map(|i| interest_item(lang, i)).collect_view()}</ul> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
