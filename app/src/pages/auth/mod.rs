//! Account pages: sign-in, sign-up, one-time links, password reset, invitations, account.
//!
//! Every form is a plain POST to `/auth/...` (or `/compte/...`) answered by a redirect, so
//! they work without WebAssembly. Outcomes come back as a code in the address (`?erreur=`,
//! `?envoye=`) and are shown translated.

use crate::api::accounts::{
    get_account, get_link_address, AccountOverview, LinkPurpose, MIN_PASSWORD_CHARS,
};
use crate::components::{Field, Flash, Frame, PageTitle, ProblemSummary};
use crate::domain::notification::Frequency;
use crate::domain::policy::{Role, ScopeKind, TokenScope};
use crate::i18n::{t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

mod account;
mod links;
mod signin;

pub use account::AccountPage;
pub use links::{InvitationPage, MagicLinkPage, ResetPage, VerifyPage};
pub use signin::{ForgotPage, SignInPage, SignUpPage};

/// The success codes this page's forms come back with.
const DONE: &[(&str, Key)] = &[
    ("envoye", Key::FlashSent),
    ("lien", Key::FlashLinkSent),
    ("verifie", Key::FlashVerified),
    ("deconnecte", Key::FlashSignedOut),
    ("profil", Key::FlashSaved),
    ("notifications", Key::FlashSaved),
    ("jeton", Key::FlashTokenRevoked),
    ("mot-de-passe", Key::FlashPasswordChanged),
    ("invitation", Key::FlashInvitation),
    ("membre", Key::FlashInvitation),
];

/// Where the person was going before being asked to sign in (the page's `?suite=`), if it
/// is one of this site's pages.
fn return_to() -> Option<crate::domain::ids::ReturnTo> {
    // A refused form drawn again keeps what it carried.
    crate::components::use_refused()
        .and_then(|r| r.value("suite"))
        .or_else(|| use_query_map().read_untracked().get("suite"))
        .and_then(|s| crate::domain::ids::ReturnTo::parse(&s))
}

/// The form field that carries `?suite=` on through a sign-in, a sign-up or a link.
fn return_field() -> impl IntoView {
    return_to().map(|r| view! { <input type="hidden" name="suite" value=r.as_str().to_owned()/> })
}

fn email_field(lang: Lang, id: &'static str) -> impl IntoView {
    Field::new(id, "email", Key::EmailLabel)
        .kind("email")
        .required(true)
        .autocomplete("email")
        .view(lang)
}

fn password_field(lang: Lang, id: &'static str, new: bool) -> impl IntoView {
    let field = Field::new(
        id,
        "password",
        if new {
            Key::NewPasswordLabel
        } else {
            Key::PasswordLabel
        },
    )
    .kind("password")
    .required(true);
    if new {
        field
            .length(MIN_PASSWORD_CHARS as u32, 1024)
            .autocomplete("new-password")
            .hint(Key::PasswordHint)
    } else {
        field.autocomplete("current-password")
    }
    .view(lang)
}
