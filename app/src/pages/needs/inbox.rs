//! `/mises-en-relation`: the reader's contact requests, sent and received.

use super::*;

/// `/mises-en-relation`: the reader's contacts, sent and received.
#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_inbox());
    view! {
        <PageTitle key=Key::Inbox/>
        <Flash done=DONE/>
        <p class="lead">{t(lang, Key::InboxLead)}</p>
        {when_loaded(data, move |list| if list.is_empty() {
            view! { <p>{t(lang, Key::NoContacts)}</p> }.into_any()
        } else {
            view! { <ul class="cards wide-cards" data-testid="inbox">{list.into_iter().map(|i| interest_item(lang, i)).collect_view()}</ul> }.into_any()
        })}
    }
}
