//! Forms of the European network: publish a practice, propose an exchange, answer it, report
//! on it, and a district's profile. POST, then a 303 back to the page.

use super::auth::{back_with, error_query, to};
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
    Form(draft): Form<PracticeDraft>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    match state
        .services
        .network
        .create_practice(&viewer, &user, draft)
        .await
    {
        Ok(id) => to(&format!("/pratiques/{id}"), "publie=1"),
        Err(e) => to("/pratiques/nouvelle", &error_query(e)),
    }
}

#[derive(Deserialize)]
struct ExchangeForm {
    from: String,
    to: String,
    #[serde(default)]
    practice_id: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    start_date: String,
    /// Where the form was, to come back to it on an error.
    #[serde(default)]
    back: String,
}

async fn propose(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<ExchangeForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back.clone()
    } else {
        "/echanges".to_owned()
    };
    let practice = f.practice_id.trim().parse::<i64>().ok();
    match state
        .services
        .network
        .propose_exchange(
            &viewer,
            &user,
            &f.from,
            &f.to,
            practice,
            &f.theme,
            &f.format,
            &f.message,
            &f.start_date,
        )
        .await
    {
        Ok(id) => to(&format!("/echanges/{id}"), "propose=1"),
        Err(e) => to(&back, &error_query(e)),
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
    Form(f): Form<AnswerForm>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let back = format!("/echanges/{id}");
    let accept = match ExchangeAction::parse(&f.action) {
        Some(ExchangeAction::Accept) => true,
        Some(ExchangeAction::Decline) => false,
        _ => return to(&back, "erreur=invalid"),
    };
    back_with(
        state
            .services
            .network
            .answer_exchange(&viewer, id, accept, &f.reason)
            .await,
        &back,
        "repondu=1",
    )
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    outcome: String,
}

async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> Response {
    let SignedIn { viewer, .. } = me;
    let back = format!("/echanges/{id}");
    back_with(
        state
            .services
            .network
            .report_exchange(
                &viewer,
                id,
                &f.start_date,
                &f.end_date,
                &f.participants,
                &f.outcome,
            )
            .await,
        &back,
        "rapport=1",
    )
}

async fn district_profile(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
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
        Err(e) => to(&format!("{back}/modifier"), &error_query(e)),
    }
}

#[derive(Deserialize)]
struct DistrictForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    nuts_code: String,
    #[serde(default)]
    nace_divisions: String,
    #[serde(default)]
    specialisation_fr: String,
    #[serde(default)]
    specialisation_en: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    manager_email: String,
}

/// A platform administrator creates a district and invites its manager, who completes it.
async fn create_district(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<DistrictForm>,
) -> Response {
    let SignedIn { viewer, user, .. } = me;
    // The manager's address is checked first, so a bad address creates nothing. The district
    // and the invitation are two transactions: should the invitation fail after that check,
    // the district exists and an administrator can invite its manager from the account page.
    if app::domain::ids::Email::parse(f.manager_email.trim()).is_err() {
        return to("/districts/nouveau", "erreur=email_invalid");
    }
    let id = match state
        .services
        .network
        .create_district(
            &viewer,
            &f.name,
            &f.country,
            &f.nuts_code,
            &f.nace_divisions,
            &f.specialisation_fr,
            &f.specialisation_en,
            &f.language,
        )
        .await
    {
        Ok(id) => id,
        Err(e) => return to("/districts/nouveau", &error_query(e)),
    };
    match state
        .services
        .accounts
        .invite(
            &viewer,
            &user,
            f.manager_email.trim(),
            app::domain::policy::Scope::Organisation(id),
            app::domain::policy::Role::Admin,
        )
        .await
    {
        Ok(()) => to(&format!("/organisations/{id}"), "invitation=envoyee"),
        Err(e) => to(&format!("/organisations/{id}"), &error_query(e)),
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
