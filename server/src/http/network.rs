//! Forms of the European network: publish a practice, propose an exchange, answer it, report
//! on it, and a district's profile. POST, then a 303 back to the page.

use super::auth::to;
use super::form::Form;
use super::AppState;
use app::api::network::PracticeDraft;
use app::domain::exchange::ExchangeAction;
use app::ports::SignedIn;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

async fn publish(
    State(state): State<AppState>,
    me: SignedIn,
    Form(draft, sent): Form<PracticeDraft>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state
        .services
        .network
        .create_practice(&viewer, &user, draft)
        .await
    {
        Ok(id) => to(&format!("/pratiques/{id}"), "publie=1"),
        Err(e) => sent.refused(&state, "/pratiques/nouvelle", e).await,
    }
}

/// The exchange form: the draft, and where the form was, to come back to it on an error.
#[derive(Deserialize)]
struct ProposeForm {
    #[serde(flatten)]
    draft: app::api::network::ExchangeDraft,
    #[serde(default)]
    back: String,
}

async fn propose(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f, sent): Form<ProposeForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back.clone()
    } else {
        "/echanges".to_owned()
    };
    match state
        .services
        .network
        .propose_exchange(&viewer, &user, &f.draft)
        .await
    {
        Ok((id, told)) => to(
            &format!("/echanges/{id}"),
            &format!("propose=1&{}", told.query()),
        ),
        // Back on the page the form was on, that partner's form open and as typed.
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    action: String,
    #[serde(default)]
    reason: String,
}

async fn answer(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<AnswerForm>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let back = format!("/echanges/{id}");
    let accept = match ExchangeAction::parse(&f.action) {
        Some(ExchangeAction::Accept) => true,
        Some(ExchangeAction::Decline) => false,
        _ => return to(&back, "erreur=invalid"),
    };
    match state
        .services
        .network
        .answer_exchange(&viewer, id, accept, &f.reason)
        .await
    {
        Ok(told) => to(&back, &format!("repondu=1&{}", told.query())),
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(report, sent): Form<app::api::network::ExchangeReport>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let back = format!("/echanges/{id}");
    match state
        .services
        .network
        .report_exchange(&viewer, id, &report)
        .await
    {
        Ok(()) => to(&back, "rapport=1"),
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

async fn district_profile(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(pairs, sent): Form<Vec<(String, String)>>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let mut challenges = Vec::new();
    let (mut name, mut email) = (String::new(), String::new());
    for (k, v) in pairs {
        match k.as_str() {
            "challenges" => challenges.push(v),
            "contact_name" => name = v,
            "contact_email" => email = v,
            _ => {}
        }
    }
    let back = format!("/organisations/{id}");
    match state
        .services
        .network
        .update_district_profile(&viewer, id, &challenges, &name, &email)
        .await
    {
        Ok(()) => to(&back, "modifie=1"),
        Err(e) => sent.refused(&state, &format!("{back}/modifier"), e).await,
    }
}

/// A platform administrator opens a district and invites its manager, who completes it.
async fn create_district(
    State(state): State<AppState>,
    me: SignedIn,
    Form(draft, sent): Form<app::api::network::DistrictDraft>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state
        .services
        .network
        .create_district(&viewer, &user, &draft)
        .await
    {
        Ok(id) => to(&format!("/organisations/{id}"), "invitation=envoyee"),
        Err(e) => sent.refused(&state, "/districts/nouveau", e).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pratiques/nouvelle", post(publish))
        .route("/echanges/nouveau", post(propose))
        .route("/echanges/{id}/reponse", post(answer))
        .route("/echanges/{id}/compte-rendu", post(report))
        .route("/districts/{id}/profil", post(district_profile))
        .route("/districts/nouveau", post(create_district))
}
