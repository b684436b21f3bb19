//! The forms and downloads of monitoring: open an evaluation (the national delegation),
//! write a narrative on one of its scorecards, download its frozen scorecards as CSV or JSON
//! (complete for the national delegation, public for everyone else).

use super::auth::to;
use super::form::Form;
use super::proposals::{attachment, failed};
use super::sheet::neutral;
use super::AppState;
use app::api::monitoring::{ReportLineDraft, Scorecard};
use app::domain::monitoring::Figure;
use app::ports::{SignedIn, Who};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(String::as_str).unwrap_or("").trim()
}

async fn open(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<Fields>,
) -> Response {
    let page = "/suivi/evaluations";
    match state
        .services
        .monitoring
        .open_evaluation(
            &me.viewer,
            field(&f, "kind"),
            field(&f, "title"),
            field(&f, "taken_on"),
        )
        .await
    {
        Ok(id) => to(&format!("/suivi/evaluations/{id}"), "ouverte=1"),
        Err(e) => sent.refused(&state, page, e).await,
    }
}

async fn narrative(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let scope = field(&f, "scope").to_owned();
    let page = format!("/suivi/evaluations/{id}?perimetre={scope}");
    match state
        .services
        .monitoring
        .write_narrative(
            &me.viewer,
            id,
            &scope,
            field(&f, "author"),
            f.get("body").map_or("", String::as_str),
        )
        .await
    {
        Ok(()) => to(&page, "recit=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn report_line(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<Fields>,
) -> Response {
    let page = "/suivi/rapports";
    let amount: String = field(&f, "amount")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .collect();
    let Ok(amount) = (if amount.is_empty() {
        Ok(0)
    } else {
        amount.parse::<i64>()
    }) else {
        let e = app::ports::ServiceError::Invalid(vec![app::error::FieldError::new(
            "amount",
            app::error::Problem::NumberInvalid,
        )]);
        return sent.refused(&state, page, e).await;
    };
    let line = ReportLineDraft {
        territory: field(&f, "territory").to_owned(),
        action: field(&f, "action").to_owned(),
        amount,
        sheet: None,
    };
    match state
        .services
        .monitoring
        .add_report_line(
            &me.viewer,
            field(&f, "reporter"),
            field(&f, "quarter"),
            &line,
        )
        .await
    {
        Ok(_) => to(page, "action=1"),
        Err(e) => sent.refused(&state, page, e).await,
    }
}

/// The columns of the CSV of frozen scorecards: the scope, then every figure by its code.
pub fn cards_csv(cards: &[Scorecard]) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["scope", "name", "taken_on"];
    head.extend(Figure::ALL.iter().map(|f| f.code()));
    out.write_record(&head)?;
    for c in cards {
        let mut row = vec![c.scope.clone(), neutral(&c.name), c.to.clone()];
        for f in Figure::ALL {
            row.push(match c.figures.value(*f) {
                Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
                Some(v) => v.to_string(),
                None => String::new(),
            });
        }
        out.write_record(&row)?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

async fn export_csv(State(state): State<AppState>, who: Who, Path(id): Path<i64>) -> Response {
    match state
        .services
        .monitoring
        .evaluation_cards(&who.viewer, id)
        .await
    {
        Ok(cards) => match cards_csv(&cards) {
            Ok(csv) => attachment(
                "text/csv; charset=utf-8",
                &format!("evaluation-{id}.csv"),
                csv.into_bytes(),
            ),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "writing an evaluation's CSV");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(e) => failed(e),
    }
}

async fn export_json(State(state): State<AppState>, who: Who, Path(id): Path<i64>) -> Response {
    match state
        .services
        .monitoring
        .evaluation_cards(&who.viewer, id)
        .await
    {
        Ok(cards) => match serde_json::to_vec(&cards) {
            Ok(body) => attachment("application/json", &format!("evaluation-{id}.json"), body),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(e) => failed(e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/suivi/evaluations", post(open))
        .route("/suivi/rapports", post(report_line))
        .route("/suivi/evaluations/{id}/recits", post(narrative))
        .route("/suivi/evaluations/{id}/export.csv", get(export_csv))
        .route("/suivi/evaluations/{id}/export.json", get(export_json))
}
