//! The forms of simplification proposals (create, edit, take a step, support) and the list's
//! CSV and JSON exports. Forms work without WebAssembly: POST, then a 303 back to the page.

use super::auth::to;
use super::form::Form;
use super::sheet::{neutral, Cell, Sheet};
use super::AppState;
use app::api::proposals::{ProposalDraft, ProposalFilter, ProposalSheetRow, ProposalSummary};
use app::domain::policy::Scope;
use app::domain::proposal::{Action, StepInput};
use app::domain::proposal::{Level, Mechanism, Status};
use app::domain::theme::Theme;
use app::error::{FieldError, Problem};
use app::i18n::{t, Key, Lang};
use app::pages::proposals::status_key;
use app::pages::proposals::MergeConfirmation;
use app::ports::ServiceError;
use app::ports::SignedIn;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Form(draft, sent): Form<ProposalDraft>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state.services.proposals.create(&viewer, &user, draft).await {
        Ok(id) => to(&format!("/simplification/{id}"), "cree=1"),
        Err(e) => sent.refused(&state, "/simplification/nouvelle", e).await,
    }
}

async fn edit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(draft, sent): Form<ProposalDraft>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state.services.proposals.update(&viewer, id, draft).await {
        Ok(()) => to(&format!("/simplification/{id}"), "modifie=1"),
        Err(ServiceError::Forbidden) => (StatusCode::FORBIDDEN, "forbidden").into_response(),
        Err(e) => {
            let page = format!("/simplification/{id}/modifier");
            sent.refused(&state, &page, e).await
        }
    }
}

#[derive(Deserialize)]
struct StepForm {
    action: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    mechanism: String,
    #[serde(default)]
    target: String,
    /// An opinion's stance.
    #[serde(default)]
    stance: String,
    /// Sent by the page that asked before a merge.
    #[serde(default)]
    confirm: String,
}

async fn step(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<StepForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = format!("/simplification/{id}");
    let Some(action) = Action::parse(&f.action) else {
        return to(&back, "erreur=invalid");
    };
    let proposals = &state.services.proposals;
    let target = f.target.trim().trim_start_matches('#');
    let target = if target.is_empty() {
        None
    } else {
        match target.parse::<i64>() {
            Ok(t) => Some(t),
            Err(_) => {
                let e =
                    ServiceError::Invalid(vec![FieldError::new("target", Problem::TargetRequired)]);
                return sent.refused(&state, &back, e).await;
            }
        }
    };
    // A merge asks once, showing the target's number and title.
    if let (Action::Merge, Some(target), false) = (action, target, f.confirm == "1") {
        return match proposals.merge_target(&viewer, id, target).await {
            Ok(link) => {
                let question = MergeConfirmation {
                    source: id,
                    target: link,
                    comment: f.comment,
                };
                sent.asks(&state, &back, question).await
            }
            Err(e) => sent.refused(&state, &back, e).await,
        };
    }
    let input = StepInput {
        comment: f.comment,
        mechanism: (!f.mechanism.is_empty()).then_some(f.mechanism),
        target,
        stance: (!f.stance.is_empty()).then_some(f.stance),
    };
    match proposals.step(&viewer, &user, id, action, input).await {
        Ok((status, told)) => to(&back, &format!("etape={}&{}", status.code(), told.query())),
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

#[derive(Deserialize)]
struct SupportForm {
    /// `territory:ti-8422` or `organisation:12`.
    #[serde(rename = "as")]
    as_scope: String,
    #[serde(default)]
    testimony: String,
}

async fn support(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<SupportForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = format!("/simplification/{id}");
    let Some(scope) = f
        .as_scope
        .split_once(':')
        .and_then(|(kind, id)| Scope::from_parts(kind, id))
    else {
        return to(&back, "erreur=invalid");
    };
    // A refusal comes back on the proposal's page, the testimony as typed.
    match state
        .services
        .proposals
        .support(&viewer, &user, id, &scope, &f.testimony)
        .await
    {
        Ok(()) => to(&back, "soutien=1"),
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

fn filter(pairs: &[(String, String)]) -> Result<ProposalFilter, (StatusCode, String)> {
    ProposalFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|e| {
        let message = match e {
            app::error::AppError::Invalid(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        (StatusCode::BAD_REQUEST, message)
    })
}

pub(crate) fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn date(at: Option<i64>) -> String {
    at.map(app::domain::text::iso_date).unwrap_or_default()
}

/// The filtered list as data for programs (open data): code headers, codes, ISO dates, `,`
/// between fields and no byte-order mark, stable from one release to the next.
pub fn to_csv(items: &[ProposalSummary], public_url: &str) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "title",
        "status",
        "level",
        "theme",
        "territory_id",
        "territory",
        "region_code",
        "region",
        "created",
        "submitted",
        "answered",
        "territories_supporting",
        "firms_supporting",
        "url",
    ])?;
    for p in items {
        out.write_record([
            p.id.to_string(),
            neutral(&p.title),
            p.status.clone(),
            p.level.clone(),
            p.theme.clone(),
            p.territory_id.clone(),
            neutral(&p.territory_name),
            p.region_code.clone(),
            p.region_name.clone(),
            date(Some(p.created_at)),
            date(p.submitted_at),
            date(p.answered_at),
            p.territories_supporting.to_string(),
            p.firms_supporting.to_string(),
            format!(
                "{}/simplification/{}",
                public_url.trim_end_matches('/'),
                p.id
            ),
        ])?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// The filtered list as a spreadsheet for people (see [`super::sheet`]): labels in `lang`,
/// with each proposal's text, answer and days waited at each level.
pub fn to_sheet(
    rows: &[ProposalSheetRow],
    lang: Lang,
    public_url: &str,
) -> anyhow::Result<Vec<u8>> {
    let headers = [
        Key::SheetNumber,
        Key::ProposalTitleLabel,
        Key::StatusLabel,
        Key::LevelLabel,
        Key::ThemeLabel,
        Key::TerritoryLabel,
        Key::FilterRegion,
        Key::ProblemLabel,
        Key::RuleLabel,
        Key::SolutionLabel,
        Key::MechanismLabel,
        Key::OfficialAnswer,
        Key::SheetCreated,
        Key::SheetSubmitted,
        Key::SheetAnswered,
        Key::SheetDaysTerritory,
        Key::SheetDaysRegion,
        Key::SheetDaysNational,
        Key::SheetTerritoriesSupporting,
        Key::SheetFirmsSupporting,
        Key::SheetLink,
    ]
    .map(|k| t(lang, k));
    let mut sheet = Sheet::new(&headers)?;
    for r in rows {
        let p = &r.summary;
        let status = Status::parse(&p.status).map_or("", |s| t(lang, status_key(s)));
        let level = Level::parse(&p.level).map_or("", |l| t(lang, l.key()));
        let link = format!(
            "{}/simplification/{}",
            public_url.trim_end_matches('/'),
            p.id
        );
        sheet.row(&[
            Cell::Int(p.id),
            Cell::Text(&p.title),
            Cell::Text(status),
            Cell::Text(level),
            Cell::Text(&Theme::label_of(lang, &p.theme)),
            Cell::Text(&p.territory_name),
            Cell::Text(&p.region_name),
            Cell::Text(&r.problem),
            Cell::Text(&r.rule),
            Cell::Text(&r.solution),
            Cell::Text(&Mechanism::label_of(lang, &r.mechanism)),
            Cell::Text(&r.answer),
            Cell::Date(Some(p.created_at)),
            Cell::Date(p.submitted_at),
            Cell::Date(p.answered_at),
            Cell::Decimal(r.days[0], 1),
            Cell::Decimal(r.days[1], 1),
            Cell::Decimal(r.days[2], 1),
            Cell::Int(p.territories_supporting as i64),
            Cell::Int(p.firms_supporting as i64),
            Cell::Text(&link),
        ])?;
    }
    sheet.finish()
}

pub(crate) fn failed(e: ServiceError) -> Response {
    let e = app::error::AppError::from(e);
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.code(),
    )
        .into_response()
}

/// `/simplification/export.csv`: the spreadsheet of the filtered list, in the reader's language.
async fn export_sheet(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let filter = match filter(&pairs) {
        Ok(f) => f,
        Err(r) => return r.into_response(),
    };
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let lang = Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE));
    match state.services.proposals.sheet(&filter).await {
        Ok(rows) => match to_sheet(&rows, lang, &state.public_url) {
            Ok(bytes) => attachment(
                "text/csv; charset=utf-8",
                "demandes-de-simplification.csv",
                bytes,
            ),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "writing the spreadsheet export");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(e) => failed(e),
    }
}

/// `/simplification/donnees.csv`: the same list as data for programs (see [`to_csv`]).
async fn export_csv(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let filter = match filter(&pairs) {
        Ok(f) => f,
        Err(r) => return r.into_response(),
    };
    match state.services.proposals.filtered(&filter).await {
        Ok(items) => match to_csv(&items, &state.public_url) {
            Ok(csv) => attachment(
                "text/csv; charset=utf-8",
                "demandes-de-simplification-donnees.csv",
                csv.into_bytes(),
            ),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "writing the CSV export");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(e) => failed(e),
    }
}

async fn export_json(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let filter = match filter(&pairs) {
        Ok(f) => f,
        Err(r) => return r.into_response(),
    };
    match state.services.proposals.filtered(&filter).await {
        Ok(items) => {
            let mut response = Json(items).into_response();
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(
                    "attachment; filename=\"demandes-de-simplification.json\"",
                ),
            );
            response
        }
        Err(e) => {
            let e = app::error::AppError::from(e);
            (
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                e.code(),
            )
                .into_response()
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/simplification/nouvelle", post(create))
        .route("/simplification/export.csv", get(export_sheet))
        .route("/simplification/donnees.csv", get(export_csv))
        .route("/simplification/export.json", get(export_json))
        .route("/simplification/{id}/modifier", post(edit))
        .route("/simplification/{id}/etape", post(step))
        .route("/simplification/{id}/soutien", post(support))
}
