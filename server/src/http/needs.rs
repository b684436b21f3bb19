//! Forms of needs and offers: publish, edit, close, ask for contact (on an annonce or from an
//! organisation's page), answer, conclude.
//! POST, then a 303 back to the page with a code in the address.

use super::auth::{error_query, to};
use super::form::Form;
use super::AppState;
use app::api::needs::NeedDraft;
use app::domain::contact::ContactAction;
use app::ports::SignedIn;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

async fn publish(
    State(state): State<AppState>,
    me: SignedIn,
    Form(d, sent): Form<NeedDraft>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state.services.needs.create(&viewer, &user, &d).await {
        Ok(id) => to(&format!("/annonces/{id}"), "publiee=1"),
        Err(e) => sent.refused(&state, "/annonces/nouvelle", e).await,
    }
}

async fn edit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(d, sent): Form<NeedDraft>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    match state.services.needs.update(&viewer, id, &d).await {
        Ok(()) => to(&format!("/annonces/{id}"), "modifiee=1"),
        Err(e) => {
            sent.refused(&state, &format!("/annonces/{id}/modifier"), e)
                .await
        }
    }
}

async fn close(State(state): State<AppState>, me: SignedIn, Path(id): Path<i64>) -> Response {
    let SignedIn { viewer, .. } = me;
    match state.services.needs.close(&viewer, id).await {
        Ok(()) => to(&format!("/annonces/{id}"), "cloturee=1"),
        Err(e) => to(&format!("/annonces/{id}"), &error_query(e)),
    }
}

#[derive(Deserialize)]
struct ContactForm {
    /// The organisation asking (a responder), absent when the author contacts a firm.
    #[serde(rename = "as", default)]
    as_organisation: String,
    /// The suggested firm the author contacts.
    #[serde(default)]
    target: String,
    #[serde(default)]
    message: String,
}

async fn contact(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<ContactForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = format!("/annonces/{id}");
    let asked = state
        .services
        .needs
        .ask(
            &viewer,
            &user,
            id,
            f.as_organisation.trim().parse().ok(),
            f.target.trim().parse().ok(),
            &f.message,
        )
        .await;
    match asked {
        Ok((_, told)) => to(&back, &format!("demande=1&{}", told.query())),
        Err(e) => sent.refused(&state, &back, e).await,
    }
}

#[derive(Deserialize)]
struct OrganisationContactForm {
    /// The organisation asking, one the person speaks for.
    #[serde(rename = "as", default)]
    as_organisation: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
}

/// A contact asked from an organisation's page; refused, the page comes back with the form
/// as typed.
async fn contact_organisation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f, sent): Form<OrganisationContactForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = format!("/organisations/{id}");
    let asked = state
        .services
        .needs
        .contact_organisation(
            &viewer,
            &user,
            id,
            f.as_organisation.trim().parse().ok(),
            &f.subject,
            &f.message,
        )
        .await;
    match asked {
        Ok((_, told)) => to(&back, &format!("demande=1&{}", told.query())),
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
    let SignedIn { viewer, user, .. } = me;
    let needs = &state.services.needs;
    let result = match ContactAction::parse(&f.action) {
        Some(ContactAction::Accept) => needs.answer(&viewer, &user, id, true, "").await,
        Some(ContactAction::Decline) => needs.answer(&viewer, &user, id, false, &f.reason).await,
        Some(ContactAction::Concluded) => needs.conclude(&viewer, &user, id, true).await,
        Some(ContactAction::NotConcluded) => needs.conclude(&viewer, &user, id, false).await,
        None => return to("/mises-en-relation", "erreur=invalid"),
    };
    match result {
        Ok(told) => to(
            "/mises-en-relation",
            &format!("fait={}&{}", f.action, told.query()),
        ),
        Err(e) => sent.refused(&state, "/mises-en-relation", e).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/annonces/nouvelle", post(publish))
        .route("/annonces/{id}/modifier", post(edit))
        .route("/annonces/{id}/cloturer", post(close))
        .route("/annonces/{id}/contact", post(contact))
        .route("/organisations/{id}/contact", post(contact_organisation))
        .route("/mises-en-relation/{id}", post(answer))
}
