//! Who is asking, and the forms that sign people in and out.
//!
//! `identify` reads a bearer token (API clients) or else the session cookie and puts the
//! `Viewer`, the `CurrentUser` and the `SessionKey` into the request's extensions, where
//! pages, server functions and API handlers find them. The form handlers work without
//! WebAssembly: POST, then a 303 to the next page, with a flash code in the address.

use super::form::Form;
use super::AppState;
use crate::services::accounts::SESSION_SECONDS;
use app::domain::ids::ReturnTo;
use app::domain::policy::{Role, Scope, TokenScope};
use app::i18n::Lang;
use app::ports::{ClientAddress, ServiceError, SessionKey, SignedIn, Who};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use std::net::SocketAddr;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "maillage_session";

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == name).then(|| v.to_owned())
            })
        })
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// The client's address: the last entry of the trusted proxy's header when one is configured
/// and present (a proxy appends the address it saw to what the client sent, so only the last
/// entry is the proxy's word), else the connection's peer.
fn client_address(
    headers: &HeaderMap,
    trusted_header: Option<&str>,
    peer: Option<SocketAddr>,
) -> String {
    trusted_header
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok())
        .or_else(|| peer.map(|p| p.ip()))
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// Attaches the viewer to every request.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let address = client_address(
        request.headers(),
        state.trusted_proxy_header.as_deref(),
        peer,
    );
    request.extensions_mut().insert(ClientAddress(address));
    let accounts = &state.services.accounts;
    if let Some(token) = bearer(request.headers()) {
        // A token opens the JSON API and nothing else: not the pages' forms, not the server
        // functions of the pages (under `/api/` too: the account page's among them), not the
        // management of tokens or of the account it belongs to.
        if !request.uri().path().starts_with("/api/v1/") {
            return super::api::ApiError::new(
                StatusCode::UNAUTHORIZED,
                super::api::ErrorCode::Unauthorized,
                "API tokens authenticate requests to /api/v1/ only",
            )
            .into_response();
        }
        match accounts.identify_api_token(&token).await {
            Ok(Some((_, _, scope))) if !scope.allows(request.method().as_str()) => {
                return super::api::ApiError::new(
                    StatusCode::FORBIDDEN,
                    super::api::ErrorCode::Forbidden,
                    "this API token is read-only",
                )
                .into_response()
            }
            Ok(Some((viewer, user, _))) => {
                request.extensions_mut().insert(viewer);
                request.extensions_mut().insert(user);
            }
            Ok(None) => {
                return super::api::ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    super::api::ErrorCode::Unauthorized,
                    "invalid, expired or revoked API token",
                )
                .into_response()
            }
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "identifying an API token");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    } else if let Some(token) = cookie_value(request.headers(), SESSION_COOKIE) {
        let key = crate::services::accounts::hash_token(&token);
        match accounts.identify_session(&key).await {
            Ok(Some((viewer, user))) => {
                request.extensions_mut().insert(viewer);
                request.extensions_mut().insert(user);
                request.extensions_mut().insert(SessionKey(key));
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = format!("{e:#}"), "identifying a session"),
        }
    }
    next.run(request).await
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if state.secure_cookies { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn signed_in(state: &AppState, token: &str, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(state, token, SESSION_SECONDS),
    );
    response
}

pub(super) fn to(path: &str, flash: &str) -> Response {
    Redirect::to(&format!("{path}?{flash}")).into_response()
}

/// Back to `path` after a form: with `done` on success, with the error's code otherwise.
pub(super) fn back_with<T>(result: Result<T, ServiceError>, path: &str, done: &str) -> Response {
    match result {
        Ok(_) => to(path, done),
        Err(e) => to(path, &error_query(e)),
    }
}

/// What a form's page reads back from its address (`erreur=CODE`...), through the one error
/// conversion.
pub(super) fn error_query(e: ServiceError) -> String {
    app::error::AppError::from(e).query()
}

fn too_many(retry_after: u64, lang: Lang) -> Response {
    let message = match lang {
        Lang::Fr => "Trop de tentatives. Réessayez plus tard.",
        Lang::En => "Too many attempts. Try again later.",
    };
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Html(format!("<!DOCTYPE html><html lang=\"{}\"><title>429</title><h1>{message}</h1><p><a href=\"/connexion\">Maillage</a></p></html>", lang.code())),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// 503: the server is checking as many passwords as it can; come back in a few seconds.
fn busy(retry_after: u64, lang: Lang) -> Response {
    let message = match lang {
        Lang::Fr => "Le service est très sollicité. Réessayez dans quelques secondes.",
        Lang::En => "The service is very busy. Try again in a few seconds.",
    };
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(format!("<!DOCTYPE html><html lang=\"{}\"><title>503</title><h1>{message}</h1><p><a href=\"/connexion\">Maillage</a></p></html>", lang.code())),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

#[derive(Deserialize)]
struct SignUpForm {
    email: String,
    name: String,
    password: String,
    /// Where the person was going (`?suite=`), carried by the verification link.
    #[serde(default)]
    suite: String,
}

/// `&suite=...` to carry the person's destination on through a page's address, if it is one.
fn carried_on(suite: &str) -> String {
    ReturnTo::parse(suite)
        .map(|r| r.query('&'))
        .unwrap_or_default()
}

/// Where to go once signed in: the page the person was going to, else their account.
fn onward(suite: &str, otherwise: &str) -> String {
    ReturnTo::parse(suite).map_or_else(|| otherwise.to_owned(), |r| r.as_str().to_owned())
}

async fn sign_up(
    State(state): State<AppState>,
    who: Who,
    Form(f, sent): Form<SignUpForm>,
) -> Response {
    let lang = who.lang;
    match state
        .services
        .accounts
        .sign_up(
            &f.email,
            &f.name,
            &f.password,
            lang,
            &who.client,
            ReturnTo::parse(&f.suite).as_ref(),
        )
        .await
    {
        Ok(_) => to("/inscription", "envoye=1"),
        Err(e) => sent.refused(&state, "/inscription", e).await,
    }
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    suite: String,
}

async fn sign_in(
    State(state): State<AppState>,
    who: Who,
    Form(f, _): Form<SignInForm>,
) -> Response {
    match state
        .services
        .accounts
        .sign_in(&f.email, &f.password, &who.client)
        .await
    {
        Ok(token) => signed_in(&state, &token, &onward(&f.suite, "/compte")),
        Err(ServiceError::RateLimited(seconds)) => too_many(seconds, who.lang),
        Err(ServiceError::Busy(seconds)) => busy(seconds, who.lang),
        Err(e) => to(
            "/connexion",
            &format!("{}{}", error_query(e), carried_on(&f.suite)),
        ),
    }
}

#[derive(Deserialize)]
struct EmailForm {
    email: String,
    #[serde(default)]
    suite: String,
}

async fn magic_link(
    State(state): State<AppState>,
    who: Who,
    Form(f, _): Form<EmailForm>,
) -> Response {
    match state
        .services
        .accounts
        .request_magic_link(&f.email, &who.client, ReturnTo::parse(&f.suite).as_ref())
        .await
    {
        Ok(true) => to("/connexion", "lien=envoye"),
        Ok(false) => too_many(3600, who.lang),
        Err(e) => to("/connexion", &error_query(e)),
    }
}

async fn forgot(State(state): State<AppState>, who: Who, Form(f, _): Form<EmailForm>) -> Response {
    match state
        .services
        .accounts
        .request_password_reset(&f.email, &who.client)
        .await
    {
        Ok(true) => to("/mot-de-passe-oublie", "envoye=1"),
        Ok(false) => too_many(3600, who.lang),
        Err(e) => to("/mot-de-passe-oublie", &error_query(e)),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    suite: String,
}

async fn use_link(
    State(state): State<AppState>,
    who: Who,
    Form(f, _): Form<TokenForm>,
) -> Response {
    match state
        .services
        .accounts
        .use_magic_link(&f.token, &who.client)
        .await
    {
        Ok(token) => signed_in(&state, &token, &onward(&f.suite, "/compte")),
        Err(e) => to("/connexion", &error_query(e)),
    }
}

async fn verify(State(state): State<AppState>, who: Who, Form(f, _): Form<TokenForm>) -> Response {
    match state
        .services
        .accounts
        .verify_email(&f.token, &f.password, &who.client)
        .await
    {
        Ok(token) => signed_in(&state, &token, &onward(&f.suite, "/compte?verifie=1")),
        // A bad password keeps the visitor on the link's page, which can be tried again.
        Err(ServiceError::Invalid(fields)) if fields.iter().any(|f| f.field == "password") => to(
            "/verifier",
            &format!(
                "token={}&{}{}",
                app::api::search::encode(&f.token),
                error_query(ServiceError::Invalid(fields)),
                carried_on(&f.suite)
            ),
        ),
        Err(e) => to("/connexion", &error_query(e)),
    }
}

async fn reset(State(state): State<AppState>, who: Who, Form(f, _): Form<TokenForm>) -> Response {
    match state
        .services
        .accounts
        .reset_password(&f.token, &f.password, &who.client)
        .await
    {
        Ok(token) => signed_in(&state, &token, "/compte?mot-de-passe=1"),
        Err(e) => to(
            "/reinitialiser",
            &format!(
                "token={}&{}",
                app::api::search::encode(&f.token),
                error_query(e)
            ),
        ),
    }
}

async fn accept_invitation(
    State(state): State<AppState>,
    who: Who,
    Form(f, _): Form<TokenForm>,
) -> Response {
    match state
        .services
        .accounts
        .accept_invitation(&f.token, &f.name, &f.password, &who.client)
        .await
    {
        Ok(token) => signed_in(&state, &token, "/compte?invitation=1"),
        Err(e) => to(
            "/invitation",
            &format!(
                "token={}&{}",
                app::api::search::encode(&f.token),
                error_query(e)
            ),
        ),
    }
}

fn clear_cookie(state: &AppState, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(state, "", 0));
    response
}

async fn sign_out(State(state): State<AppState>, who: Who) -> Response {
    if let Some(key) = who.session {
        if let Err(e) = state.services.accounts.sign_out(&key.0).await {
            tracing::error!(error = format!("{e:#}"), "sign-out failed");
        }
    }
    clear_cookie(&state, "/")
}

async fn sign_out_everywhere(State(state): State<AppState>, who: Who) -> Response {
    if let Some(id) = who.viewer.user_id {
        if let Err(e) = state
            .services
            .accounts
            .sign_out_everywhere(id, &who.client)
            .await
        {
            tracing::error!(error = format!("{e:#}"), "sign-out everywhere failed");
        }
    }
    clear_cookie(&state, "/connexion?deconnecte=1")
}

#[derive(Deserialize)]
struct ProfileForm {
    name: String,
    lang: String,
}

async fn profile(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<ProfileForm>,
) -> Response {
    let SignedIn { viewer, id, .. } = me;
    let lang = Lang::from_tag(&f.lang).unwrap_or_default();
    let saved = state
        .services
        .accounts
        .update_profile(&viewer, id, &f.name, lang)
        .await;
    match saved {
        Ok(()) => to("/compte", "profil=1"),
        Err(e) => sent.refused(&state, "/compte", e).await,
    }
}

#[derive(Deserialize)]
struct NamePublicForm {
    /// `1` when the box is ticked; absent otherwise.
    #[serde(default)]
    public: String,
}

async fn name_public(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<NamePublicForm>,
) -> Response {
    let SignedIn { viewer, id, .. } = me;
    match state
        .services
        .accounts
        .set_name_public(&viewer, id, f.public == "1")
        .await
    {
        Ok(()) => to("/compte", "profil=1"),
        Err(e) => sent.refused(&state, "/compte", e).await,
    }
}

#[derive(Deserialize)]
struct TokenNameForm {
    name: String,
    /// `read` or `write`; a form without the choice makes a read token.
    #[serde(default)]
    scope: String,
    #[serde(default)]
    days: Option<i64>,
}

async fn create_token(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<TokenNameForm>,
) -> Response {
    let SignedIn {
        viewer, id, lang, ..
    } = me;
    let scope = TokenScope::parse(&f.scope).unwrap_or_default();
    let days = f.days.unwrap_or(app::api::accounts::TOKEN_DAYS);
    match state
        .services
        .accounts
        .create_api_token(&viewer, id, &f.name, scope, days)
        .await
    {
        Ok(token) => {
            // Shown once, in this response only: never in an address, never stored in clear.
            let (title, note, back) = match lang {
                Lang::Fr => (
                    "Votre jeton d'API",
                    "Copiez-le maintenant : il ne sera plus affiché.",
                    "Retour au compte",
                ),
                Lang::En => (
                    "Your API token",
                    "Copy it now: it will not be shown again.",
                    "Back to the account",
                ),
            };
            let response = Html(format!(
                "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
                 <body><main class=\"wrap\"><h1>{title}</h1><p>{note}</p><p><code data-testid=\"new-token\">{token}</code></p><p><a href=\"/compte\">{back}</a></p></main></body></html>",
                lang.code(),
                css = app::assets::SiteFiles::href(&state.site_files.css),
            ))
            .into_response();
            let mut response = response;
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => sent.refused(&state, "/compte", e).await,
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    me: SignedIn,
    Path(token_id): Path<i64>,
) -> Response {
    let SignedIn { viewer, id, .. } = me;
    back_with(
        state
            .services
            .accounts
            .revoke_api_token(&viewer, id, token_id)
            .await,
        "/compte",
        "jeton=revoque",
    )
}

async fn notifications(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, _): Form<Vec<(String, String)>>,
) -> Response {
    let SignedIn { viewer, id, .. } = me;
    back_with(
        state
            .services
            .accounts
            .set_notifications(&viewer, id, &f)
            .await,
        "/compte",
        "notifications=1",
    )
}

#[derive(Deserialize)]
struct InviteForm {
    email: String,
    scope_kind: String,
    scope_id: String,
    role: String,
}

async fn invite(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<InviteForm>,
) -> Response {
    let SignedIn {
        viewer, user, lang, ..
    } = me;
    let Some((scope, role)) = scope_and_role(&f.scope_kind, &f.scope_id, &f.role) else {
        return to("/compte", "erreur=invalid");
    };
    let done = state
        .services
        .accounts
        .invite(&viewer, &user, &f.email, scope, role)
        .await;
    match done {
        // A bad address or the like comes back in place; a refusal of the grant table is
        // the 403 page, as for the other grant forms.
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            sent.refused(&state, "/compte", e).await
        }
        done => grant_outcome(done, "invitation=envoyee", lang),
    }
}

/// The scope and role a grant form names, if both are known.
fn scope_and_role(kind: &str, id: &str, role: &str) -> Option<(Scope, Role)> {
    Some((Scope::from_parts(kind, id)?, Role::parse(role)?))
}

/// Where a grant form (invite, remove, revoke) leads: back to the account with its outcome,
/// or the 403 page when the grant table refuses.
fn grant_outcome(done: Result<(), ServiceError>, flash: &str, lang: Lang) -> Response {
    match done {
        Ok(()) => to("/compte", flash),
        Err(ServiceError::Forbidden) => forbidden(lang),
        Err(e) => to("/compte", &error_query(e)),
    }
}

/// 403 for a form whose action the policy refuses: a page saying so, with the way back.
fn forbidden(lang: Lang) -> Response {
    let (title, message, back) = match lang {
        Lang::Fr => (
            "Accès refusé",
            "Votre rôle ne permet pas cette action.",
            "Revenir à mon compte",
        ),
        Lang::En => (
            "Access denied",
            "Your role does not allow this action.",
            "Back to my account",
        ),
    };
    (
        StatusCode::FORBIDDEN,
        Html(format!("<!DOCTYPE html><html lang=\"{}\"><title>{title}</title><h1>{title}</h1><p>{message}</p><p><a href=\"/compte\">{back}</a></p></html>", lang.code())),
    )
        .into_response()
}

#[derive(Deserialize)]
struct MembershipForm {
    user_id: i64,
    scope_kind: String,
    scope_id: String,
    role: String,
}

async fn remove_member(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, _): Form<MembershipForm>,
) -> Response {
    let SignedIn {
        viewer, user, lang, ..
    } = me;
    let Some((scope, role)) = scope_and_role(&f.scope_kind, &f.scope_id, &f.role) else {
        return to("/compte", "erreur=invalid");
    };
    let done = state
        .services
        .accounts
        .remove_membership(&viewer, &user, f.user_id, scope, role)
        .await;
    grant_outcome(done, "membre=retire", lang)
}

async fn revoke_invitation(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, _): Form<InviteForm>,
) -> Response {
    let SignedIn {
        viewer, user, lang, ..
    } = me;
    let Some((scope, role)) = scope_and_role(&f.scope_kind, &f.scope_id, &f.role) else {
        return to("/compte", "erreur=invalid");
    };
    let done = state
        .services
        .accounts
        .revoke_invitation(&viewer, &user, &f.email, scope, role)
        .await;
    grant_outcome(done, "invitation=revoquee", lang)
}

/// The account routes (all POST; the pages are Leptos routes at the unprefixed paths).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/inscription", post(sign_up))
        .route("/auth/connexion", post(sign_in))
        .route("/auth/lien-magique", post(magic_link))
        .route("/auth/mot-de-passe-oublie", post(forgot))
        .route("/auth/lien", post(use_link))
        .route("/auth/verifier", post(verify))
        .route("/auth/reinitialiser", post(reset))
        .route("/auth/invitation", post(accept_invitation))
        .route("/auth/deconnexion", post(sign_out))
        .route("/auth/deconnexion-partout", post(sign_out_everywhere))
        .route("/compte/profil", post(profile))
        .route("/compte/nom-public", post(name_public))
        .route("/compte/jetons", post(create_token))
        .route("/compte/jetons/{id}/revoquer", post(revoke_token))
        .route("/compte/notifications", post(notifications))
        .route("/compte/invitations", post(invite))
        .route("/compte/invitations/revoquer", post(revoke_invitation))
        .route("/compte/membres/retirer", post(remove_member))
}
