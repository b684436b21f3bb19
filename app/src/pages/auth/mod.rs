//! Account pages: sign-in, sign-up, one-time links, password reset, invitations, account.
//!
//! Every form is a plain POST to `/auth/...` (or `/compte/...`) answered by a redirect, so
//! they work without WebAssembly. Outcomes come back as a code in the address (`?erreur=`,
//! `?envoye=`) and are shown translated.

use crate::api::accounts::{
    get_account, get_link_address, AccountOverview, LinkPurpose, MIN_PASSWORD_CHARS,
};
use crate::components::{Flash, Frame, PageTitle};
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

fn email_field(lang: Lang, id: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(lang, Key::EmailLabel)}</label>
            <input id=id type="email" name="email" required autocomplete="email"/>
        </div>
    }
}

fn password_field(lang: Lang, id: &'static str, new: bool) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(lang, if new { Key::NewPasswordLabel } else { Key::PasswordLabel })}</label>
            <input id=id type="password" name="password" required
                minlength=if new { MIN_PASSWORD_CHARS.to_string() } else { "1".to_owned() }
                autocomplete=if new { "new-password" } else { "current-password" }/>
            {new.then(|| view! { <p class="hint">{t(lang, Key::PasswordHint)}</p> })}
        </div>
    }
}
