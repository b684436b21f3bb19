//! `/mises-en-relation`: the reader's contact requests, sent and received.

use super::*;

/// `/mises-en-relation`: the reader's contacts, sent and received.
#[component]
pub fn InboxPage() -> impl IntoView {
    let page = Frame::new(Key::Inbox).done(DONE).lead(Key::InboxLead);
    page.loading(get_inbox, |lang, list| if list.is_empty() {
        view! { <p>{t(lang, Key::NoContacts)}</p> }.into_any()
    } else {
        view! { <ul class="cards wide-cards" data-testid="inbox">{list.into_iter().map(|i| interest_item(lang, i)).collect_view()}</ul> }.into_any()
    })
}
