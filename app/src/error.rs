//! The one error type that crosses the wire, with field errors a form can show.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message attached to one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What the browser learns about a failure: never internals. Services fail with
/// `ports::ServiceError`, converted here once (`From`); each surface then renders this one
/// type: a page (`ErrorView`), a form's redirect (`code`), the JSON API (`server::http::api`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Not signed in, or credentials refused.
    #[error("not signed in")]
    Unauthorized,
    /// Too many attempts: retry after this many seconds.
    #[error("too many attempts")]
    RateLimited(u64),
    /// The server is saturated: retry after this many seconds.
    #[error("busy")]
    Busy(u64),
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::Invalid(_) => 400,
            AppError::Unauthorized => 401,
            AppError::RateLimited(_) => 429,
            AppError::Busy(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The short code a form's page reads back from its address (`?erreur=CODE`) to say what
    /// went wrong: the first field problem, else the kind of failure.
    pub fn code(&self) -> String {
        match self {
            AppError::Invalid(fields) => fields
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_else(|| "invalid".into()),
            AppError::NotFound => "not_found".into(),
            AppError::Forbidden => "forbidden".into(),
            AppError::Conflict(_) => "conflict".into(),
            AppError::Unauthorized => "credentials".into(),
            AppError::RateLimited(_) => "rate_limited".into(),
            AppError::Busy(_) => "busy".into(),
            AppError::Internal | AppError::Transport(_) => "internal".into(),
        }
    }

    /// The same error, with the response of the server function or page being rendered set
    /// to its status (a refused filter answers 400, not the 500 of a failed function).
    #[cfg(feature = "ssr")]
    pub fn served(self) -> Self {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(self.status()) {
                response.set_status(status);
            }
        }
        self
    }

    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

/// The `q` field problem of a text query over the search limit, if any: what every filter's
/// `validate` says about its `q` (the search layer refuses the same text in the same words).
pub fn query_problem(q: &str) -> Option<FieldError> {
    crate::domain::text::bounded_query(q)
        .err()
        .map(|e| FieldError {
            field: "q".into(),
            message: e.message().into(),
        })
}

/// The deepest page a list serves: far beyond any real reading, well inside every integer.
pub const MAX_PAGE: u64 = 10_000;

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ServiceError> for AppError {
    fn from(e: crate::ports::ServiceError) -> Self {
        use crate::ports::ServiceError as S;
        let error = match e {
            S::NotFound => AppError::NotFound,
            S::Forbidden => AppError::Forbidden,
            S::Conflict(m) => AppError::Conflict(m),
            S::Invalid(fields) => AppError::Invalid(fields),
            S::Unauthenticated => AppError::Unauthorized,
            S::RateLimited(seconds) => AppError::RateLimited(seconds),
            S::Busy(seconds) => AppError::Busy(seconds),
            S::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                AppError::Internal
            }
        };
        error.served()
    }
}
