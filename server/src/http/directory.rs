//! The directory's edit forms: an organisation's profile, a territory team's presentation,
//! and land sites (new, edited, or only their status changed). Each posts to its page's own
//! address (`/organisations/{id}/modifier`, `/territoires/{id}/modifier`, `/foncier/nouveau`,
//! `/foncier/{id}/modifier`, `/foncier/{id}/statut`) and comes back to the record with the
//! outcome.

use super::auth::to;
use super::form::Form;
use super::AppState;
use app::domain::organisation::SiteRow;
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

/// The refusal of a land site form: a person who may offer sites but not this one (another
/// territory's commune, an organisation they do not administer) sees why beside the commune,
/// with what they typed; anyone else is told it is not theirs (403).
async fn site_refused(
    state: &AppState,
    sent: super::form::Sent,
    page: &str,
    may_write: bool,
    error: ServiceError,
) -> Response {
    match error {
        ServiceError::Forbidden if may_write => {
            let not_here =
                app::error::FieldError::new("commune_insee", app::error::Problem::SiteNotYours);
            sent.refused(state, page, app::error::AppError::Invalid(vec![not_here]))
                .await
        }
        e => sent.refused(state, page, e).await,
    }
}

async fn new_site(
    State(state): State<AppState>,
    me: SignedIn,
    Form(row, sent): Form<SiteRow>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state
        .services
        .directory
        .save_land_site(&viewer, None, &row)
        .await
    {
        Ok(id) => to(&format!("/foncier/{id}"), "enregistre=1"),
        Err(e) => {
            let may = app::domain::policy::may_offer_sites(&viewer);
            site_refused(&state, sent, "/foncier/nouveau", may, e).await
        }
    }
}

async fn edit_site(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(row, sent): Form<SiteRow>,
) -> Response {
    save_site(state, me, id, sent, |_| row, "modifier").await
}

/// The status alone, from the site's page.
#[derive(serde::Deserialize)]
struct StatusChange {
    status: String,
}

async fn change_site_status(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(change, sent): Form<StatusChange>,
) -> Response {
    save_site(
        state,
        me,
        id,
        sent,
        move |current| SiteRow {
            status: change.status,
            ..current
        },
        "modifier",
    )
    .await
}

/// Saves site `id` as `edit` makes it of what it is; a refusal draws `/foncier/{id}/{page}`.
async fn save_site(
    state: AppState,
    me: SignedIn,
    id: i64,
    sent: super::form::Sent,
    edit: impl FnOnce(SiteRow) -> SiteRow,
    page: &str,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let directory = &state.services.directory;
    let current = match directory.land_site_row(&viewer, id).await {
        Ok(row) => row,
        Err(e) => return sent.refused(&state, &format!("/foncier/{id}"), e).await,
    };
    match directory
        .save_land_site(&viewer, Some(id), &edit(current))
        .await
    {
        Ok(id) => to(&format!("/foncier/{id}"), "enregistre=1"),
        Err(e) => site_refused(&state, sent, &format!("/foncier/{id}/{page}"), true, e).await,
    }
}

/// The directory's form routes (POST, beside the pages' GET).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/modifier", post(edit_organisation))
        .route("/territoires/{id}/modifier", post(edit_territory))
        .route("/foncier/nouveau", post(new_site))
        .route("/foncier/{id}/modifier", post(edit_site))
        .route("/foncier/{id}/statut", post(change_site_status))
}
