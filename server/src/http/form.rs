//! The one way a form body enters the server: `Form<T>`, used by every form handler, and the
//! one way a refused form comes back: `Sent::refused`, which draws the form's page again in
//! place with everything typed and each problem beside its field (`app::components::Refused`).
//!
//! Before any field is read, the body passes the input rule of `app::domain::text::clean_text`
//! (control and bidirectional characters removed, line breaks kept). A body a page of ours
//! would never send (another content type, bytes that are not UTF-8, a field twice, a field
//! missing) is refused without changing anything, and the person is sent back to the page
//! they came from with a message (`?erreur=form_invalid` or `text_invalid`), instead of a bare
//! 415 or 422 text.

use super::AppState;
use app::domain::text::clean_text;
use app::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::de::DeserializeOwned;

/// A form body, checked and cleaned, and what was sent, to draw the form again if refused.
pub struct Form<T>(pub T, pub Sent);

/// The request a form arrived with, and its fields as typed (cleaned).
pub struct Sent {
    parts: Parts,
    pairs: Vec<(String, String)>,
}

impl Sent {
    /// The answer to a form the service refused: its page `page` (a path, such as
    /// `/annonces/nouvelle`) drawn again for the same person, with what they typed, each field's
    /// problem beside it and a summary at the top, served with the refusal's status. The
    /// address stays the form's: reloading sends it again, as a browser warns.
    pub async fn refused(
        self,
        state: &AppState,
        page: &str,
        error: impl Into<AppError>,
    ) -> Response {
        let error = error.into();
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let action = self.parts.uri.path().to_owned();
        let refused = app::components::Refused::new(&action, self.pairs.clone(), error);
        self.draw(state, page, status, move || {
            provide_context(refused.clone())
        })
        .await
    }

    /// The form's page `page` drawn again for the same person with `context` provided, such
    /// as the question a step asks before it is taken (status 200: nothing was refused).
    pub async fn asks<C: Clone + Send + Sync + 'static>(
        self,
        state: &AppState,
        page: &str,
        context: C,
    ) -> Response {
        self.draw(state, page, StatusCode::OK, move || {
            provide_context(context.clone())
        })
        .await
    }

    async fn draw(
        self,
        state: &AppState,
        page: &str,
        status: StatusCode,
        extra: impl Fn() + Clone + Send + Sync + 'static,
    ) -> Response {
        let Ok(uri) = page.parse::<Uri>() else {
            return Redirect::to("/").into_response();
        };
        let mut parts = self.parts;
        parts.method = Method::GET;
        parts.uri = uri;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        let context = super::render_context(state);
        let options = state.leptos_options.clone();
        let render = leptos_axum::render_app_async_with_context(
            move || {
                context();
                extra();
            },
            move || app::shell(options.clone()),
        );
        let mut response = render(axum::http::Request::from_parts(parts, Body::empty())).await;
        *response.status_mut() = status;
        response
    }
}

/// Where to send someone whose form was refused: the page it came from (the same-origin check
/// has already required our own `Origin` or `Referer`), with the error code in its address.
fn back(headers: &HeaderMap, code: &str) -> Response {
    let page = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or("/");
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with("erreur=")
                && !p.starts_with("conflit=")
                && !p.starts_with("envoye=")
        })
        .collect();
    let mut to = format!("{path}?");
    for p in kept {
        to.push_str(p);
        to.push('&');
    }
    to.push_str("erreur=");
    to.push_str(code);
    Redirect::to(&to).into_response()
}

/// Percent-decodes a `application/x-www-form-urlencoded` component; `None` when the bytes it
/// stands for are not UTF-8.
fn decode(component: &str) -> Option<String> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The body's pairs, decoded and cleaned; `None` if anything is not UTF-8.
fn pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (decode(k)?, decode(v)?);
            // A password is compared, never shown: it is taken as typed.
            let v = if k == "password" { v } else { clean_text(&v) };
            Some((k, v))
        })
        .collect()
}

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let headers = parts.headers.clone();
        let req = Request::from_parts(parts.clone(), body);
        let urlencoded = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';').next().is_some_and(|t| {
                    t.trim()
                        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                })
            });
        if !urlencoded {
            return Err(back(&headers, "form_invalid"));
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| back(&headers, "form_invalid"))?;
        let Some(pairs) = pairs(&body) else {
            return Err(back(&headers, "text_invalid"));
        };
        // Numbers and booleans are read from text as axum's own form reader reads them; a
        // struct refuses a field given twice (a list of pairs takes repeats, as checkboxes send).
        let cleaned = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        serde_urlencoded::from_str::<T>(&cleaned)
            .map(|form| Form(form, Sent { parts, pairs }))
            .map_err(|_| back(&headers, "form_invalid"))
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, pairs};

    #[test]
    fn form_bodies_decode_and_clean_or_are_refused() {
        assert_eq!(
            decode("caf%C3%A9+cr%C3%A8me").as_deref(),
            Some("café crème")
        );
        assert_eq!(decode("%FF"), None, "not UTF-8");
        assert_eq!(decode("100%"), Some("100%".into()), "a lone percent stays");
        assert_eq!(decode("5%zz"), Some("5%zz".into()));
        assert_eq!(
            pairs(b"title=a%00b&description=l1%0D%0Al2"),
            Some(vec![
                ("title".into(), "ab".into()),
                ("description".into(), "l1\nl2".into())
            ])
        );
        assert_eq!(
            pairs(b"title=%E2%80%AEabc"),
            Some(vec![("title".into(), "abc".into())])
        );
        assert_eq!(pairs(b"title=%C3"), None);
    }
}
