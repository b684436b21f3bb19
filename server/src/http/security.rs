//! Security middleware: same-origin check on every mutating request, and response headers.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The host part (`host[:port]`) of an absolute URL.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Whether a mutating request comes from our own pages: its `Origin` (or, lacking one, its
/// `Referer`) names the host the request was sent to.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        Some(source) => url_host(source).is_some_and(|h| h.eq_ignore_ascii_case(host)),
        None => false,
    }
}

/// Refuses cross-site mutating requests with 403 (server functions included). The JSON API
/// answers them as a client without a session: its session cookie is dropped, so a write
/// asks for a token (401) and an unknown method is a 405, as its document says.
pub async fn origin_check(mut request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // A bearer token is never sent by a browser on its own: no cross-site forgery with it.
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if !safe && !bearer && !same_origin(request.headers()) {
        if request.uri().path().starts_with("/api/v1/") {
            request.headers_mut().remove(header::COOKIE);
            return next.run(request).await;
        }
        tracing::warn!(method = %request.method(), uri = %request.uri(), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

/// Content Security Policy of responses that do not set their own (pages set one with their
/// render's nonce, see `app::shell`): no inline script at all.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response; HSTS only when served over https (the
/// public URL says so: behind a TLS-terminating proxy the request itself is plain HTTP).
pub async fn headers(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    // What answers a signed-in person (a session cookie or a token) is theirs: no shared
    // cache, no back-button copy on a shared computer after they sign out.
    let personal = request.headers().contains_key(header::AUTHORIZATION)
        || request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.contains(super::auth::SESSION_COOKIE));
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // A file that is the same for everyone (the site's hashed files) keeps its public lifetime.
    let public = h
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public"));
    if personal && !public {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                k.clone(),
                HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
            );
        }
        h
    }

    #[test]
    fn same_host_origin_is_accepted() {
        let h = headers(&[
            (header::HOST, "127.0.0.1:3000"),
            (header::ORIGIN, "http://127.0.0.1:3000"),
        ]);
        assert!(same_origin(&h));
    }

    #[test]
    fn other_origin_or_missing_origin_is_refused() {
        let h = headers(&[
            (header::HOST, "127.0.0.1:3000"),
            (header::ORIGIN, "https://evil.example"),
        ]);
        assert!(!same_origin(&h));
        assert!(!same_origin(&headers(&[(header::HOST, "127.0.0.1:3000")])));
    }

    #[test]
    fn referer_is_used_when_origin_is_absent() {
        let h = headers(&[
            (header::HOST, "maillage.example"),
            (header::REFERER, "https://maillage.example/territoires?q=a"),
        ]);
        assert!(same_origin(&h));
    }
}
