//! The directory's edit forms: an organisation's profile and a territory team's
//! presentation. Each posts to its page's own address (`/organisations/{id}/modifier`,
//! `/territoires/{id}/modifier`) and comes back to the record with the outcome.

use super::auth::to;
use super::form::Form;
use super::AppState;
use app::ports::{ServiceError, SignedIn};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

async fn edit_organisation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(edit, sent): Form<app::api::organisations::OrganisationEdit>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state
        .services
        .directory
        .update_organisation(&viewer, id, &edit)
        .await
    {
        Ok(()) => to(&format!("/organisations/{id}"), "modifie=1"),
        Err(ServiceError::Forbidden) => (StatusCode::FORBIDDEN, "forbidden").into_response(),
        Err(e) => {
            let page = format!("/organisations/{id}/modifier");
            sent.refused(&state, &page, e).await
        }
    }
}

async fn edit_territory(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs, sent): Form<Vec<(String, String)>>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let Ok(territory) = app::domain::ids::TerritoryId::parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut p = app::api::directory::TerritoryProfile::default();
    for (k, v) in pairs {
        match k.as_str() {
            "presentation" => p.presentation = v,
            "axes" => p.axes.push(v),
            "strengths" => p.strengths = v,
            "needs_skills" => p.needs_skills = v,
            "needs_land" => p.needs_land = v,
            "needs_housing" => p.needs_housing = v,
            "needs_mobility" => p.needs_mobility = v,
            "challenges" => p.challenges.push(v),
            _ => {}
        }
    }
    match state
        .services
        .directory
        .update_territory(&viewer, &territory, &p)
        .await
    {
        Ok(()) => to(&format!("/territoires/{id}"), "modifie=1"),
        Err(ServiceError::Forbidden) => (StatusCode::FORBIDDEN, "forbidden").into_response(),
        Err(e) => {
            let page = format!("/territoires/{id}/modifier");
            sent.refused(&state, &page, e).await
        }
    }
}

/// The directory's form routes (POST, beside the pages' GET).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/modifier", post(edit_organisation))
        .route("/territoires/{id}/modifier", post(edit_territory))
}
