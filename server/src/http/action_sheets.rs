//! The forms of fiches-actions and contracts (write a fiche, edit it, its lines, indicators
//! and values, take a step; add an avenant or a signatory), and the exports of what the
//! reader may see. Forms work without WebAssembly: POST, then a 303 back to the page.

use super::auth::to;
use super::form::Form;
use super::proposals::{attachment, failed};
use super::sheet::neutral;
use super::AppState;
use app::api::action_sheets::{
    IndicatorDraft, LineDraft, SheetDraft, SheetFilter, SheetPatch, SheetStep, SheetSummary,
};
use app::error::{FieldError, Problem};
use app::ports::{ServiceError, SignedIn, Who};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(String::as_str).unwrap_or("").trim()
}

/// A whole number of euros as typed ("120 000", "120000"); empty is 0.
fn euros(f: &Fields, name: &str, problems: &mut Vec<FieldError>) -> i64 {
    let raw: String = field(f, name)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .collect();
    if raw.is_empty() {
        return 0;
    }
    match raw.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            problems.push(FieldError::new(name, Problem::NumberInvalid));
            0
        }
    }
}

fn number(f: &Fields, name: &str, problems: &mut Vec<FieldError>) -> f64 {
    let raw = field(f, name).replace(',', ".").replace(' ', "");
    if raw.is_empty() {
        return 0.0;
    }
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => n,
        _ => {
            problems.push(FieldError::new(name, Problem::NumberInvalid));
            0.0
        }
    }
}

/// An organisation's number as typed; empty is none.
fn id_of(f: &Fields, name: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    let raw = field(f, name).trim_start_matches('#');
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            problems.push(FieldError::new(name, Problem::NumberInvalid));
            None
        }
    }
}

/// Numbers typed in one field, separated by commas or spaces ("12, 45").
fn numbers(f: &Fields, name: &str, problems: &mut Vec<FieldError>) -> Vec<i64> {
    let mut out = Vec::new();
    for part in field(f, name).split([',', ';', ' ']) {
        let part = part.trim().trim_start_matches('#');
        if part.is_empty() {
            continue;
        }
        match part.parse::<i64>() {
            Ok(n) => out.push(n),
            Err(_) => {
                problems.push(FieldError::new(name, Problem::NumberInvalid));
                break;
            }
        }
    }
    out
}

/// A fiche's own fields from the new-fiche or edit form: themes and EPCI are checkboxes
/// named `theme_{code}` and `epci_{siren}`, partners a list of numbers.
fn draft_of(f: &Fields) -> Result<SheetDraft, ServiceError> {
    let mut problems = Vec::new();
    let partners = numbers(f, "partners", &mut problems);
    let mut themes: Vec<String> = f
        .keys()
        .filter_map(|k| k.strip_prefix("theme_").map(str::to_owned))
        .collect();
    themes.sort();
    let mut epcis: Vec<String> = f
        .keys()
        .filter_map(|k| k.strip_prefix("epci_").map(str::to_owned))
        .collect();
    epcis.sort();
    let draft = SheetDraft {
        territory: field(f, "territory").to_owned(),
        title: field(f, "title").to_owned(),
        axis: field(f, "axis").to_owned(),
        themes,
        porteur_kind: field(f, "porteur_kind").to_owned(),
        porteur_organisation: id_of(f, "porteur_organisation", &mut problems),
        porteur_epci: field(f, "porteur_epci").to_owned(),
        partners,
        epcis,
        collective: field(f, "collective") != "individual",
        maturity: field(f, "maturity").to_owned(),
        description: field(f, "description").to_owned(),
        expected_results: field(f, "expected_results").to_owned(),
        schedule: field(f, "schedule").to_owned(),
        proposal: id_of(f, "proposal", &mut problems),
        land_sites: numbers(f, "land_sites", &mut problems),
        needs: numbers(f, "needs", &mut problems),
        ..SheetDraft::default()
    };
    if problems.is_empty() {
        Ok(draft)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

/// A line from its form: the funder as one key (`organisation:12`, `region:76`, `state:76`,
/// `epci:200012345`, `porteur`).
fn line_of(f: &Fields) -> Result<LineDraft, ServiceError> {
    let mut problems = Vec::new();
    let key = field(f, "funder");
    let (kind, rest) = key.split_once(':').unwrap_or((key, ""));
    let (organisation, reference) = match kind {
        "organisation" => (rest.parse::<i64>().ok(), String::new()),
        _ => (None, rest.to_owned()),
    };
    let line = LineDraft {
        funder_kind: kind.to_owned(),
        funder_organisation: organisation,
        funder_ref: reference,
        instrument: field(f, "instrument").to_owned(),
        requested: euros(f, "requested", &mut problems),
        committed: euros(f, "committed", &mut problems),
        paid: euros(f, "paid", &mut problems),
        requested_on: field(f, "requested_on").to_owned(),
        committed_on: field(f, "committed_on").to_owned(),
        paid_on: field(f, "paid_on").to_owned(),
    };
    if problems.is_empty() {
        Ok(line)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/nouvelle?territoire={}", field(&f, "territory"));
    let draft = match draft_of(&f) {
        Ok(d) => d,
        Err(e) => return sent.refused(&state, &page, e).await,
    };
    match state
        .services
        .action_sheets
        .create(&viewer, &user, &draft)
        .await
    {
        Ok(id) => to(&format!("/fiches/{id}"), "cree=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn edit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}/modifier");
    let d = match draft_of(&f) {
        Ok(d) => d,
        Err(e) => return sent.refused(&state, &page, e).await,
    };
    let patch = SheetPatch {
        title: Some(d.title),
        axis: Some(d.axis),
        themes: Some(d.themes),
        porteur_kind: Some(d.porteur_kind),
        porteur_organisation: d.porteur_organisation,
        porteur_epci: Some(d.porteur_epci),
        partners: Some(d.partners),
        epcis: Some(d.epcis),
        collective: Some(d.collective),
        maturity: Some(d.maturity),
        description: Some(d.description),
        expected_results: Some(d.expected_results),
        schedule: Some(d.schedule),
        proposal: d.proposal,
        land_sites: Some(d.land_sites),
        needs: Some(d.needs),
        lines: None,
        indicators: None,
    };
    match state
        .services
        .action_sheets
        .update(&viewer, &user, id, &patch)
        .await
    {
        Ok(()) => to(&format!("/fiches/{id}"), "modifie=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn add_line(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    let result = match line_of(&f) {
        Ok(line) => {
            state
                .services
                .action_sheets
                .add_line(&viewer, &user, id, &line)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => to(&page, "ligne=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn update_line(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, line_id)): Path<(i64, i64)>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    let result = match line_of(&f) {
        Ok(line) => {
            state
                .services
                .action_sheets
                .update_line(&viewer, &user, id, line_id, &line)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => to(&page, "ligne=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn remove_line(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, line_id)): Path<(i64, i64)>,
    Form(_, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    match state
        .services
        .action_sheets
        .remove_line(&viewer, &user, id, line_id)
        .await
    {
        Ok(()) => to(&page, "ligne=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn add_indicator(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    let mut problems = Vec::new();
    let indicator = IndicatorDraft {
        code: field(&f, "code").to_owned(),
        label: field(&f, "label").to_owned(),
        unit: field(&f, "unit").to_owned(),
        baseline: number(&f, "baseline", &mut problems),
        target: number(&f, "target", &mut problems),
    };
    let result = if problems.is_empty() {
        state
            .services
            .action_sheets
            .add_indicator(&viewer, &user, id, &indicator)
            .await
    } else {
        Err(ServiceError::Invalid(problems))
    };
    match result {
        Ok(()) => to(&page, "indicateur=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn record_value(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, indicator)): Path<(i64, i64)>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    let mut problems = Vec::new();
    let value = number(&f, "value", &mut problems);
    if field(&f, "value").is_empty() {
        problems.push(FieldError::new("value", Problem::NumberInvalid));
    }
    let result = if problems.is_empty() {
        state
            .services
            .action_sheets
            .record_value(
                &viewer,
                &user,
                id,
                indicator,
                field(&f, "measured_on"),
                value,
            )
            .await
    } else {
        Err(ServiceError::Invalid(problems))
    };
    match result {
        Ok(()) => to(&page, "valeur=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn step(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(s, sent): Form<SheetStep>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/fiches/{id}");
    match state
        .services
        .action_sheets
        .step(&viewer, &user, id, &s)
        .await
    {
        Ok(told) => to(&page, &format!("etape=1&{}", told.query())),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn add_avenant(
    State(state): State<AppState>,
    me: SignedIn,
    Path(territory): Path<String>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/territoires/{territory}/contrat");
    match state
        .services
        .action_sheets
        .add_avenant(
            &viewer,
            &user,
            &territory,
            field(&f, "title"),
            field(&f, "signed_on"),
        )
        .await
    {
        Ok(_) => to(&page, "avenant=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn set_contract(
    State(state): State<AppState>,
    me: SignedIn,
    Path(territory): Path<String>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let page = format!("/territoires/{territory}/contrat");
    match state
        .services
        .action_sheets
        .set_contract(
            &viewer,
            &territory,
            field(&f, "kind"),
            field(&f, "title"),
            field(&f, "signed_on"),
        )
        .await
    {
        Ok(()) => to(&page, "contrat=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

async fn add_signatory(
    State(state): State<AppState>,
    me: SignedIn,
    Path(territory): Path<String>,
    Form(f, sent): Form<Fields>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let page = format!("/territoires/{territory}/contrat");
    match state
        .services
        .action_sheets
        .add_signatory(
            &viewer,
            &territory,
            field(&f, "kind"),
            field(&f, "reference"),
            field(&f, "function"),
        )
        .await
    {
        Ok(()) => to(&page, "signataire=1"),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

fn filter(pairs: &[(String, String)]) -> Result<SheetFilter, ServiceError> {
    SheetFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ServiceError::from)
}

fn amount(a: Option<i64>) -> String {
    a.map(|n| n.to_string()).unwrap_or_default()
}

/// The fiches as data (code headers, codes, `,`, no byte-order mark); an amount the reader
/// may not see is empty, and `amounts_shown` says so.
pub fn to_csv(items: &[SheetSummary], public_url: &str) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "title",
        "territory_id",
        "territory",
        "region_code",
        "axis",
        "status",
        "maturity",
        "porteur",
        "avenant",
        "amounts_shown",
        "requested_eur",
        "committed_eur",
        "paid_eur",
        "url",
    ])?;
    for s in items {
        out.write_record([
            s.id.to_string(),
            neutral(&s.title),
            s.territory.clone(),
            neutral(&s.territory_name),
            s.region.clone(),
            s.axis.clone(),
            s.status.clone(),
            s.maturity.clone(),
            neutral(&s.porteur_name),
            s.avenant.map(|n| n.to_string()).unwrap_or_default(),
            s.amounts_shown.to_string(),
            amount(s.requested),
            amount(s.committed),
            amount(s.paid),
            format!("{}/fiches/{}", public_url.trim_end_matches('/'), s.id),
        ])?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// `/fiches/export.csv`: the filtered fiches as the reader may see them.
async fn export_csv(
    State(state): State<AppState>,
    who: Who,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let filter = match filter(&pairs) {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    match state
        .services
        .action_sheets
        .export(&who.viewer, &filter)
        .await
    {
        Ok(items) => match to_csv(&items, &state.public_url) {
            Ok(csv) => attachment(
                "text/csv; charset=utf-8",
                "fiches-actions.csv",
                csv.into_bytes(),
            ),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "writing the fiches' CSV export");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(e) => failed(e),
    }
}

/// `/fiches/export.json`: the same as JSON.
async fn export_json(
    State(state): State<AppState>,
    who: Who,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let filter = match filter(&pairs) {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    match state
        .services
        .action_sheets
        .export(&who.viewer, &filter)
        .await
    {
        Ok(items) => match serde_json::to_vec(&items) {
            Ok(body) => attachment("application/json", "fiches-actions.json", body),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(e) => failed(e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/fiches", post(create))
        .route("/fiches/export.csv", get(export_csv))
        .route("/fiches/export.json", get(export_json))
        .route("/fiches/{id}/modifier", post(edit))
        .route("/fiches/{id}/lignes", post(add_line))
        .route("/fiches/{id}/lignes/{line}", post(update_line))
        .route("/fiches/{id}/lignes/{line}/retirer", post(remove_line))
        .route("/fiches/{id}/indicateurs", post(add_indicator))
        .route(
            "/fiches/{id}/indicateurs/{indicator}/valeurs",
            post(record_value),
        )
        .route("/fiches/{id}/etapes", post(step))
        .route("/territoires/{id}/contrat/avenants", post(add_avenant))
        .route("/territoires/{id}/contrat/signataires", post(add_signatory))
        .route("/territoires/{id}/contrat", post(set_contract))
}
