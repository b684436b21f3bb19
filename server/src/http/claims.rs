//! Forms of claims: claim an organisation from its page, ask for one to be created, and decide
//! (approve, refuse with a reason, withdraw) from `/revendications`. And a cluster's members:
//! its admins name one by SIRET, the member's admins confirm or decline, either side ends it.
//! POST, then a 303 to the page with a code in the address; refused, the form comes back in
//! place with what was typed.

use super::auth::to;
use super::form::Form;
use super::AppState;
use app::api::claims::{ClaimDecision, ClaimRequest, CreationRequest};
use app::domain::claim::ClaimStatus;
use app::ports::SignedIn;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

async fn claim(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(request, sent): Form<ClaimRequest>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state
        .services
        .claims
        .claim(&viewer, &user, id, &request)
        .await
    {
        Ok(outcome) if outcome.claim.status() == Some(ClaimStatus::Approved) => {
            to(&format!("/organisations/{id}"), "revendiquee=1")
        }
        Ok(outcome) => to(
            "/revendications",
            &format!("demande={}&prevenus={}", outcome.claim.id, outcome.told),
        ),
        Err(e) => {
            sent.refused(&state, &format!("/organisations/{id}"), e)
                .await
        }
    }
}

async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Form(request, sent): Form<CreationRequest>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state.services.claims.create(&viewer, &user, &request).await {
        Ok(outcome) => to(
            "/revendications",
            &format!("demande={}&prevenus={}", outcome.claim.id, outcome.told),
        ),
        Err(e) => sent.refused(&state, "/rejoindre", e).await,
    }
}

async fn decide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(decision, sent): Form<ClaimDecision>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state.services.claims.decide(&viewer, id, &decision).await {
        Ok(outcome) => to(
            "/revendications",
            &format!("fait={}&prevenus={}", outcome.claim.status, outcome.told),
        ),
        Err(e) => sent.refused(&state, "/revendications", e).await,
    }
}

#[derive(serde::Deserialize)]
struct MemberNamed {
    siret: String,
}

async fn propose_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(named, sent): Form<MemberNamed>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state
        .services
        .claims
        .propose_member(&viewer, id, &named.siret)
        .await
    {
        Ok(told) => to(
            &format!("/organisations/{id}"),
            &format!("membre=1&prevenus={told}"),
        ),
        Err(e) => {
            sent.refused(&state, &format!("/organisations/{id}"), e)
                .await
        }
    }
}

#[derive(serde::Deserialize)]
struct MemberStep {
    action: String,
}

async fn answer_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path((cluster, member)): Path<(i64, i64)>,
    Form(step, sent): Form<MemberStep>,
) -> Response {
    use app::domain::cluster::{side, MemberAction, MemberSide};
    let SignedIn { viewer, .. } = me;
    // Back to the page of the side that acted.
    let back = match side(&viewer, cluster, member) {
        MemberSide::Member => member,
        _ => cluster,
    };
    let page = format!("/organisations/{back}");
    let Some(action) = MemberAction::parse(&step.action) else {
        let problem = app::error::FieldError::new("action", app::error::Problem::ValueInvalid);
        return sent
            .refused(&state, &page, app::error::AppError::Invalid(vec![problem]))
            .await;
    };
    match state
        .services
        .claims
        .answer_member(&viewer, cluster, member, action)
        .await
    {
        Ok(told) => to(&page, &format!("adhesion=1&prevenus={told}")),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/revendiquer", post(claim))
        .route("/rejoindre", post(create))
        .route("/revendications/{id}", post(decide))
        .route("/organisations/{id}/membres", post(propose_member))
        .route(
            "/organisations/{cluster}/membres/{member}",
            post(answer_member),
        )
}
