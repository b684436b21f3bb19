//! Who is asking: read once, the same way, by form handlers, JSON handlers and server
//! functions.
//!
//! The server's `identify` middleware puts the `Viewer`, the `CurrentUser`, the `SessionKey`
//! and the `ClientAddress` into each request's extensions. [`Who`] gathers them for any
//! request; [`SignedIn`] is the one way to require a user: as an axum extractor it turns an
//! anonymous request away (a form to the sign-in page, the JSON API with a 401 problem), and
//! in a server function [`SignedIn::required`] answers `AppError::Unauthorized`.

use super::{Client, SessionKey};
use crate::api::accounts::CurrentUser;
use crate::domain::policy::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The address a request comes from, as rate limits and the audit log see it; set by the
/// server's middleware.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// Everything known about who is asking; anonymous visitors included.
#[derive(Debug, Clone)]
pub struct Who {
    pub viewer: Viewer,
    pub user: Option<CurrentUser>,
    pub session: Option<SessionKey>,
    pub client: Client,
    pub lang: Lang,
}

impl Who {
    /// Reads a request's identity from its parts.
    pub fn from_parts(parts: &Parts) -> Who {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
        };
        Who {
            viewer: parts
                .extensions
                .get::<Viewer>()
                .cloned()
                .unwrap_or_default(),
            user: parts.extensions.get::<CurrentUser>().cloned(),
            session: parts.extensions.get::<SessionKey>().cloned(),
            client: Client {
                ip: parts
                    .extensions
                    .get::<ClientAddress>()
                    .map(|a| a.0.clone())
                    .unwrap_or_default(),
                user_agent: header(header::USER_AGENT).unwrap_or_default().to_owned(),
            },
            lang: Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE)),
        }
    }

    /// The identity of the request a server function or page is answering (anonymous
    /// outside a request).
    pub fn current() -> Who {
        match leptos::prelude::use_context::<Parts>() {
            Some(parts) => Who::from_parts(&parts),
            None => Who {
                viewer: Viewer::anonymous(),
                user: None,
                session: None,
                client: Client::default(),
                lang: Lang::default(),
            },
        }
    }

    /// What a page of one record says to this reader when the service finds nothing: to an
    /// anonymous reader, "sign in" (the record may be for members, and a mail's link is
    /// followed signed out); to a signed-in one, not found. Any other error is kept.
    pub fn unseen(&self, error: AppError) -> AppError {
        match error {
            AppError::NotFound if !self.viewer.signed_in() => AppError::Unauthorized,
            other => other,
        }
    }

    /// The signed-in user, if there is one.
    pub fn signed_in(self) -> Option<SignedIn> {
        match (self.viewer.user_id, self.user) {
            (Some(id), Some(user)) => Some(SignedIn {
                id,
                viewer: self.viewer,
                user,
                session: self.session,
                client: self.client,
                lang: self.lang,
            }),
            _ => None,
        }
    }
}

/// A signed-in user's request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user's id (the same as `viewer.user_id`).
    pub id: i64,
    pub viewer: Viewer,
    pub user: CurrentUser,
    pub session: Option<SessionKey>,
    pub client: Client,
    pub lang: Lang,
}

impl SignedIn {
    /// The server-function twin of the extractor: the signed-in user, or
    /// `AppError::Unauthorized`.
    pub fn required() -> Result<SignedIn, AppError> {
        Who::current()
            .signed_in()
            .ok_or_else(|| AppError::Unauthorized.served())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Who::from_parts(parts))
    }
}

/// Why a request that needs a user was turned away, and where it is sent.
#[derive(Debug)]
pub struct SignInRequired {
    api: bool,
    /// The page the refused form was sent from (its `Referer`), to come back to once signed in.
    from: Option<crate::domain::ids::ReturnTo>,
}

impl IntoResponse for SignInRequired {
    fn into_response(self) -> Response {
        if self.api {
            let body = serde_json::json!({ "error": {
                "status": 401, "code": "unauthorized", "message": "send Authorization: Bearer <token>"
            } });
            (
                StatusCode::UNAUTHORIZED,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        } else {
            let back = self.from.map(|r| r.query('&')).unwrap_or_default();
            Redirect::to(&format!("/connexion?erreur=signin_required{back}")).into_response()
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = SignInRequired;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Inside a nested router the path has lost its prefix; the original URI has not.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |o| o.0.path().to_owned());
        // The origin check has already held a form's `Referer` to this site.
        let from = parts
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
            .and_then(|p| crate::domain::ids::ReturnTo::parse(&p));
        Who::from_parts(parts).signed_in().ok_or(SignInRequired {
            api: path.starts_with("/api/v1/"),
            from,
        })
    }
}
