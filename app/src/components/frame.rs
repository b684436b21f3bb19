//! The frame every page opens with (its title, the outcome of its last form, its lead), and
//! the two ways a page fills it: with what it loads, or with the signed-in reader.
//!
//! ```ignore
//! #[component]
//! pub fn InboxPage() -> impl IntoView {
//!     let page = Frame::new(Key::Inbox).done(DONE).lead(Key::InboxLead);
//!     page.loading(get_inbox, |lang, list| view! { ... })
//! }
//! ```

use super::record::suspended;
use super::{sign_in_prompt, when_loaded, ErrorView, Flash, PageTitle};
use crate::api::accounts::{get_current_user, CurrentUser};
use crate::error::AppError;
use crate::i18n::{t, use_lang, Key, Lang};
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// A page's title, the success codes its forms come back with, its lead paragraph, and what
/// it says when what it loads needs an account.
#[derive(Clone, Copy)]
pub struct Frame {
    title: Key,
    done: Option<&'static [(&'static str, Key)]>,
    lead: Option<Key>,
    signed_out: Option<Key>,
}

impl Frame {
    /// A frame with this title, no outcome message and no lead.
    pub const fn new(title: Key) -> Self {
        Self {
            title,
            done: None,
            lead: None,
            signed_out: None,
        }
    }

    /// Shows the outcome of the last form (`?erreur=`, or one of these success codes).
    pub const fn done(self, done: &'static [(&'static str, Key)]) -> Self {
        Self {
            done: Some(done),
            ..self
        }
    }

    /// The paragraph under the title.
    pub const fn lead(self, lead: Key) -> Self {
        Self {
            lead: Some(lead),
            ..self
        }
    }

    /// When what the page loads needs an account: `why`, and the link to sign in, instead of
    /// the error page.
    pub const fn signed_out(self, why: Key) -> Self {
        Self {
            signed_out: Some(why),
            ..self
        }
    }

    /// The frame around `body`.
    pub fn around(self, body: impl IntoView) -> impl IntoView {
        let lang = use_lang();
        view! {
            <PageTitle key=self.title/>
            {self.done.map(|done| view! { <Flash done/> })}
            {self.lead.map(|lead| view! { <p class="lead">{t(lang, lead)}</p> })}
            {body}
        }
    }

    /// The frame around what `load` returns (loaded once), shown by `show`.
    pub fn loading<T, Fut, V>(
        self,
        load: impl Fn() -> Fut + Copy + Send + Sync + 'static,
        show: impl Fn(Lang, T) -> V + Copy + Send + Sync + 'static,
    ) -> impl IntoView
    where
        T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
        V: IntoView + 'static,
    {
        let lang = use_lang();
        let data = Resource::new(|| (), move |_| load());
        let body = match self.signed_out {
            None => when_loaded(data, move |value| show(lang, value)).into_any(),
            Some(why) => suspended(data, move |loaded| match loaded {
                Ok(value) => show(lang, value).into_any(),
                Err(AppError::Unauthorized) => sign_in_prompt(lang, why),
                Err(e) => view! { <ErrorView error=e/> }.into_any(),
            })
            .into_any(),
        };
        self.around(body)
    }

    /// The frame around a page that needs an account: `show` of the reader, or, signed out,
    /// `why` with the link to sign in.
    pub fn signed_in<V>(
        self,
        why: Key,
        show: impl Fn(Lang, CurrentUser) -> V + Copy + Send + Sync + 'static,
    ) -> impl IntoView
    where
        V: IntoView + 'static,
    {
        let lang = use_lang();
        let user = Resource::new(|| (), |_| get_current_user());
        self.around(suspended(user, move |loaded| match loaded {
            Ok(Some(u)) => show(lang, u).into_any(),
            Ok(None) | Err(AppError::Unauthorized) => sign_in_prompt(lang, why),
            Err(e) => view! { <ErrorView error=e/> }.into_any(),
        }))
    }
}
