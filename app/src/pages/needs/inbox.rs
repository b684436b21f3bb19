//! `/mises-en-relation`: the reader's contact requests, sent and received.

use super::*;

/// `/mises-en-relation`: the reader's contacts, sent and received.
#[component]
pub fn InboxPage() -> impl IntoView {
    let page = Frame::new(Key::Inbox).done(DONE).lead(Key::InboxLead);
    // A mail's link names its contact (`?contact=ID`): it comes first, marked.
    let asked: Option<i64> = use_query_map()
        .read_untracked()
        .get("contact")
        .and_then(|c| c.parse().ok());
    page.loading(get_inbox, move |lang, mut list| if list.is_empty() {
        view! { <p>{t(lang, Key::NoContacts)}</p> }.into_any()
    } else {
        list.sort_by_key(|i| Some(i.id) != asked);
        view! {
            <ul class="cards wide-cards" data-testid="inbox">
                {list.into_iter().map(|i| { let here = Some(i.id) == asked; interest_item(lang, i, here) }).collect_view()}
            </ul>
        }.into_any()
    })
}
