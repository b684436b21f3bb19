//! Forms of committees: plan a session, name and remove members, record a session's decision
//! on an item of its agenda. POST, then a 303 to the page with a code in the address; refused,
//! the form comes back in place with what was typed.

use super::auth::to;
use super::form::Form;
use super::AppState;
use app::ports::{DecisionInput, MemberInput, SignedIn};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

#[derive(serde::Deserialize)]
struct SessionForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    place: String,
}

async fn plan_session(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<SessionForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state
        .services
        .governance
        .plan_session(&viewer, &user, id, &f.held_on, &f.place)
        .await
    {
        Ok(session) => to(&format!("/comites/seances/{session}"), "cree=1"),
        Err(e) => sent.refused(&state, &format!("/comites/{id}"), e).await,
    }
}

async fn add_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(member, sent): Form<MemberInput>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state
        .services
        .governance
        .add_member(&viewer, id, &member)
        .await
    {
        Ok(()) => to(&format!("/comites/{id}"), "membre=1"),
        Err(e) => sent.refused(&state, &format!("/comites/{id}"), e).await,
    }
}

#[derive(serde::Deserialize)]
struct Nothing {}

async fn remove_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, member)): Path<(i64, i64)>,
    Form(_, sent): Form<Nothing>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state
        .services
        .governance
        .remove_member(&viewer, id, member)
        .await
    {
        Ok(()) => to(&format!("/comites/{id}"), "retire=1"),
        Err(e) => sent.refused(&state, &format!("/comites/{id}"), e).await,
    }
}

async fn decide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(decision, sent): Form<DecisionInput>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/comites/seances/{id}");
    match state
        .services
        .governance
        .decide(&viewer, &user, id, &decision)
        .await
    {
        Ok(told) => to(&page, &format!("decision=1&{}", told.query())),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

#[derive(serde::Deserialize)]
struct SeatMessage {
    #[serde(default)]
    role: String,
    #[serde(default)]
    message: String,
}

async fn write_to_seat(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(f, sent): Form<SeatMessage>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let page = format!("/territoires/{id}");
    match state
        .services
        .governance
        .write_to_seat(&viewer, &user, &id, &f.role, &f.message)
        .await
    {
        Ok(told) => to(&page, &format!("message=1&{}", told.query())),
        Err(e) => sent.refused(&state, &page, e).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/comites/{id}/seances", post(plan_session))
        .route("/comites/{id}/membres", post(add_member))
        .route(
            "/comites/{id}/membres/{member}/retirer",
            post(remove_member),
        )
        .route("/comites/seances/{id}/decisions", post(decide))
        .route("/territoires/{id}/ecrire", post(write_to_seat))
}
