//! Previous/next links for paged lists, working as plain links without WebAssembly.

use crate::i18n::{format_int, t, use_lang, Key};
use leptos::prelude::*;

/// Pages of `per_page` items among `total`; `href(page)` builds each page's address.
#[component]
pub fn Pager(
    page: u64,
    per_page: u64,
    total: u64,
    href: Box<dyn Fn(u64) -> String + Send + Sync>,
    label: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label=label>
            {prev.map(|h| view! { <a href=h rel="prev">{t(lang, Key::PreviousPage)}</a> })}
            <span>
                {t(lang, Key::Page)} " " {format_int(lang, page)} " / " {format_int(lang, pages)}
            </span>
            {next.map(|h| view! { <a href=h rel="next">{t(lang, Key::NextPage)}</a> })}
        </nav>
    }
}
