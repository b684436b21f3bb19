//! The JSON API under `/api/v1`, documented by the OpenAPI document it serves.
//!
//! Handlers call the same services as the server functions. Errors have one stable shape:
//! `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.

use super::AppState;
use app::api::organisations::{OrganisationFilter, OrganisationSort};
use app::domain::ids::TerritoryId;
use app::error::AppError;
use app::ports::{ServiceError, Services, SignedIn, Who};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/territories", get(list_territories))
        .route("/territories/{id}", get(get_territory))
        .route("/organisations", get(list_organisations))
        .route("/organisations/{id}", get(get_organisation))
        .route("/search", get(search))
        .route("/districts", get(list_districts))
        .route("/territories/{id}/partners", get(territory_partners))
        .route("/practices", get(list_practices))
        .route("/needs", axum::routing::post(create_need))
        .route("/needs/{id}", get(get_need))
        .route("/needs/{id}/matches", get(need_matches))
        .route("/proposals", get(list_proposals))
        .route("/proposals/{id}", get(get_proposal))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
}

/// An API error with its stable JSON shape.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "status": self.status.as_u16(), "code": self.code, "message": self.message }
        });
        (self.status, Json(body)).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        AppError::from(e).into()
    }
}

async fn list_territories(State(services): State<Services>) -> Result<Response, ApiError> {
    Ok(Json(services.directory.territories().await?).into_response())
}

async fn get_territory(
    State(services): State<Services>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = TerritoryId::parse(&id).map_err(|e| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no territory {id:?}: {e}"),
        )
    })?;
    Ok(Json(services.directory.territory(&id).await?).into_response())
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (code, message) = match e {
            AppError::Invalid(fields) => (
                "invalid",
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::NotFound => ("not_found", "not found".to_owned()),
            AppError::Forbidden => ("forbidden", "forbidden".to_owned()),
            AppError::Conflict(m) => ("conflict", m),
            AppError::Unauthorized => (
                "unauthorized",
                "send Authorization: Bearer <token>".to_owned(),
            ),
            AppError::RateLimited(_) => ("rate_limited", "too many requests".to_owned()),
            AppError::Busy(_) => ("busy", "try again in a few seconds".to_owned()),
            AppError::Internal | AppError::Transport(_) => {
                ("internal", "internal error".to_owned())
            }
        };
        ApiError::new(status, code, message)
    }
}

fn bad_request(field: &str, message: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("{field}: {message}"),
    )
}

fn positive(params: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, ApiError> {
    match params.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| bad_request(name, "expected a positive integer")),
    }
}

/// The known query parameters of `GET /organisations`; anything else is refused.
const ORGANISATION_PARAMS: [&str; 6] = ["kind", "territory", "naf", "sort", "page", "per_page"];

async fn list_organisations(
    State(services): State<Services>,
    who: Who,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !ORGANISATION_PARAMS.contains(&k.as_str()))
    {
        return Err(bad_request(unknown, "unknown parameter"));
    }
    let text = |name: &str| {
        params
            .get(name)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let sort = match text("sort") {
        None => OrganisationSort::Name,
        Some(s) => OrganisationSort::parse(&s)
            .ok_or_else(|| bad_request("sort", "expected name, commune or headcount"))?,
    };
    let filter = OrganisationFilter {
        kind: text("kind"),
        territory: text("territory"),
        naf: text("naf").map(|n| n.to_ascii_uppercase()),
        sort,
        page: positive(&params, "page", 1)?,
        per_page: positive(&params, "per_page", 20)?,
    };
    filter.validate()?;
    let viewer = who.viewer;
    Ok(Json(services.directory.organisations(&filter, &viewer).await?).into_response())
}

async fn get_organisation(
    State(services): State<Services>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    let id = id.parse::<i64>().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no organisation {id:?}"),
        )
    })?;
    Ok(Json(services.directory.organisation(id, &viewer).await?).into_response())
}

async fn search(
    State(services): State<Services>,
    who: Who,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    let params = app::api::search::SearchParams::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    let near = params.validate()?;
    Ok(Json(
        services
            .search
            .search(&params, near.as_ref(), &viewer)
            .await?,
    )
    .into_response())
}

async fn list_districts(State(services): State<Services>) -> Result<Response, ApiError> {
    Ok(Json(services.directory.districts().await?).into_response())
}

async fn territory_partners(
    State(services): State<Services>,
    Path(id): Path<String>,
    who: Who,
) -> Result<Response, ApiError> {
    let viewer = app::domain::policy::Viewer::anonymous();
    let partners = services
        .network
        .territory_partners(&id, &viewer, who.lang)
        .await?;
    let list: Vec<serde_json::Value> = partners
        .districts
        .iter()
        .map(|d| {
            json!({
                "district_id": d.id.parse::<i64>().unwrap_or_default(),
                "name": d.name,
                "country": d.country,
                "score": d.score,
                "explanation": d.explanation,
                "factors": d.factors,
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

async fn list_practices(
    State(services): State<Services>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = app::api::network::PracticeFilter::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    Ok(Json(services.network.practices(&filter).await?).into_response())
}

async fn create_need(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<app::api::needs::NeedDraft>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(draft) =
        body.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid", e.body_text()))?;
    let id = services.needs.create(&me.viewer, &me.user, &draft).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn get_need(
    State(services): State<Services>,
    who: Who,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    Ok(Json(services.needs.need(id, &viewer).await?).into_response())
}

async fn need_matches(
    State(services): State<Services>,
    who: Who,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    let list: Vec<serde_json::Value> = services
        .needs
        .matches(id, &viewer, 20, who.lang)
        .await?
        .into_iter()
        .map(|m| {
            json!({
                "organisation_id": m.organisation_id,
                "name": m.name,
                "siret": m.siret,
                "score": m.score,
                "distance_km": m.distance_km,
                "explanation": m.explanation,
                "why": m.why,
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

async fn list_proposals(
    State(services): State<Services>,
    who: Who,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    let filter = app::api::proposals::ProposalFilter::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    Ok(Json(services.proposals.list(&filter, &viewer).await?).into_response())
}

async fn get_proposal(
    State(services): State<Services>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let viewer = who.viewer;
    let id: i64 = id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no proposal with this id",
        )
    })?;
    Ok(Json(services.proposals.detail(id, &viewer).await?).into_response())
}

async fn openapi() -> Json<serde_json::Value> {
    Json(openapi_document())
}

/// The OpenAPI 3.1 description of `/api/v1`.
pub fn openapi_document() -> serde_json::Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let err_response = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": error } } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Maillage API",
            "version": "1",
            "description": "The JSON API of Maillage, the platform of the Territoires d'industrie programme."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/needs": {
                "post": {
                    "operationId": "createNeed",
                    "summary": "Publish a need or an offer in the name of an organisation or territory the token's user belongs to.",
                    "security": [{ "bearer": [] }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                        "required": ["author", "kind", "title", "visibility"],
                        "properties": {
                            "author": { "type": "string", "description": "organisation:ID or territory:ti-XXXX" },
                            "kind": { "type": "string", "enum": ["supplier", "capacity", "skills", "land", "partnership", "technology"] },
                            "title": { "type": "string", "minLength": 5, "maxLength": 200 },
                            "description": { "type": "string" },
                            "naf_codes": { "type": "string", "description": "NAF codes at any level, separated by spaces or commas" },
                            "skills": { "type": "string", "description": "separated by semicolons" },
                            "certifications": { "type": "string", "description": "required certifications, separated by semicolons" },
                            "quantity": { "type": "string" },
                            "commune": { "type": "string", "description": "INSEE code" },
                            "radius_km": { "type": "string", "description": "1 to 500, default 50" },
                            "deadline": { "type": "string", "format": "date" },
                            "visibility": { "type": "string", "enum": ["public", "members", "anonymous"] },
                            "size": { "type": "string", "enum": ["", "tpe", "pme", "eti"] },
                            "land_area_ha": { "type": "string" }
                        } } } } },
                    "responses": {
                        "201": { "description": "Created: {\"id\": n}." },
                        "400": err_response("A field is invalid (each problem is named)."),
                        "401": err_response("No or invalid bearer token.")
                    }
                }
            },
            "/needs/{id}": {
                "get": {
                    "operationId": "getNeed",
                    "summary": "One need or offer; an anonymous author is left out until they accept a contact.",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": { "200": { "description": "The annonce." }, "404": err_response("No such annonce, or not visible to you.") }
                }
            },
            "/needs/{id}/matches": {
                "get": {
                    "operationId": "getNeedMatches",
                    "summary": "Firms suggested for a need, best first, with the factors of each score (for the need's author).",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": {
                        "200": { "description": "Best first.", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object",
                            "required": ["organisation_id", "name", "siret", "score", "distance_km", "explanation"],
                            "properties": {
                                "organisation_id": { "type": "integer" }, "name": { "type": "string" }, "siret": { "type": ["string", "null"] },
                                "score": { "type": "number" }, "distance_km": { "type": ["number", "null"] },
                                "explanation": { "type": "array", "items": { "type": "object", "properties": {
                                    "factor": { "type": "string", "enum": ["text", "sector", "distance", "local", "certifications", "size"] },
                                    "weight": { "type": "number" }, "detail": { "type": "string" } } } },
                                "why": { "type": "string" }
                            } } } } } },
                        "403": err_response("Only the need's author sees its matches.")
                    }
                }
            },
            "/districts": {
                "get": {
                    "operationId": "listDistricts",
                    "summary": "European industrial districts and clusters.",
                    "responses": { "200": { "description": "Every district: id, name, country_code, nuts_code, nuts_label, specialisation_fr, specialisation_en." } }
                }
            },
            "/territories/{id}/partners": {
                "get": {
                    "operationId": "territoryPartners",
                    "summary": "European districts ranked for a territory, with the reasons (in the Accept-Language language).",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": {
                        "200": { "description": "Best first.", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object",
                            "required": ["district_id", "name", "country", "score", "explanation"],
                            "properties": {
                                "district_id": { "type": "integer" }, "name": { "type": "string" }, "country": { "type": "string" },
                                "score": { "type": "number", "minimum": 0, "maximum": 1 },
                                "explanation": { "type": "string" },
                                "factors": { "type": "array", "items": { "type": "object", "properties": {
                                    "factor": { "type": "string", "enum": ["profile", "challenges", "strengths"] },
                                    "weight": { "type": "number" }, "items": { "type": "array", "items": { "type": "string" } }, "share": { "type": "number" } } } }
                            } } } } } },
                        "404": err_response("No territory has this id.")
                    }
                }
            },
            "/practices": {
                "get": {
                    "operationId": "listPractices",
                    "summary": "Best practices of territories and districts.",
                    "parameters": [
                        { "name": "q", "in": "query", "schema": { "type": "string" } },
                        { "name": "theme", "in": "query", "schema": { "type": "string", "enum": ["skills", "housing", "mobility", "land", "industrial_ecology", "attractiveness", "simplification", "innovation"] } },
                        { "name": "author", "in": "query", "description": "territory:ti-8422 or district:ID", "schema": { "type": "string" } },
                        { "name": "lang", "in": "query", "schema": { "type": "string", "enum": ["fr", "en"] } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
                    ],
                    "responses": {
                        "200": { "description": "{total, page, per_page, items: [{id, title, theme, author_kind, author_id, author_name, lang, created_at, is_demo}]}" },
                        "400": err_response("A filter has a bad value.")
                    }
                }
            },
            "/proposals": {
                "get": {
                    "operationId": "listProposals",
                    "summary": "Simplification proposals (all but drafts), filtered and paged.",
                    "parameters": [
                        { "name": "q", "in": "query", "description": "Full text (title, problem, rule, solution).", "schema": { "type": "string" } },
                        { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["awaiting_approval", "regional_review", "returned", "answered_regional", "redirected", "national_review", "accepted", "implemented", "rejected", "merged", "withdrawn"] } },
                        { "name": "theme", "in": "query", "schema": { "type": "string", "enum": ["foncier", "urbanisme", "environnement", "energie", "droit_du_travail", "formation", "commande_publique", "fiscalite", "autre"] } },
                        { "name": "level", "in": "query", "schema": { "type": "string", "enum": ["territory", "region", "national"] } },
                        { "name": "region", "in": "query", "description": "INSEE region code.", "schema": { "type": "string" } },
                        { "name": "territory", "in": "query", "description": "Territory id, e.g. ti-8422.", "schema": { "type": "string" } },
                        { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["recent", "age", "support"], "default": "recent" } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }
                    ],
                    "responses": {
                        "200": { "description": "A page of proposals.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProposalList" } } } },
                        "400": err_response("A filter has a bad value.")
                    }
                }
            },
            "/proposals/{id}": {
                "get": {
                    "operationId": "getProposal",
                    "summary": "One proposal with its timeline, supporters and days per level.",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": {
                        "200": { "description": "The proposal.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProposalDetail" } } } },
                        "404": err_response("No public proposal has this id (drafts are visible to their team only).")
                    }
                }
            },
            "/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Full-text, faceted and geographic search over firms, organisations and land sites.",
                    "description": "Every word must match (accents, plurals and one typo per word of 5+ letters are tolerated; the last word also matches as a prefix). Quoted text is a phrase. Facet counts describe the whole result set.",
                    "parameters": [
                        { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 500 }, "example": "usinage titane" },
                        { "name": "kind", "in": "query", "schema": { "type": "string", "enum": ["firm", "cluster", "pole", "district", "operator", "land_site"] } },
                        { "name": "region", "in": "query", "schema": { "type": "string" }, "description": "INSEE region code" },
                        { "name": "department", "in": "query", "schema": { "type": "string" } },
                        { "name": "territory", "in": "query", "schema": { "type": "string" }, "example": "ti-8422" },
                        { "name": "naf", "in": "query", "schema": { "type": "string" }, "description": "NAF section (C), division (25), group (25.6), class (25.62) or sub-class (25.62A)" },
                        { "name": "certification", "in": "query", "schema": { "type": "string" }, "example": "EN 9100" },
                        { "name": "headcount", "in": "query", "schema": { "type": "string" }, "description": "INSEE headcount band" },
                        { "name": "site_label", "in": "query", "schema": { "type": "string", "enum": ["turnkey", "available", "under_option", "sold"] } },
                        { "name": "near", "in": "query", "schema": { "type": "string" }, "description": "INSEE commune code or lat,lon", "example": "74081" },
                        { "name": "radius_km", "in": "query", "schema": { "type": "number", "minimum": 0, "maximum": 500 } },
                        { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["relevance", "distance", "name"], "default": "relevance" } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }
                    ],
                    "responses": {
                        "200": { "description": "Results.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResults" } } } },
                        "400": err_response("A parameter is invalid (radius outside 0-500, unknown commune, latitude out of range, per_page over 100...); the message names it.")
                    }
                }
            },
            "/organisations": {
                "get": {
                    "operationId": "listOrganisations",
                    "summary": "Organisations (firms, clusters, pôles, districts, operators), filtered and paged.",
                    "parameters": [
                        { "name": "kind", "in": "query", "schema": { "type": "string", "enum": ["firm", "cluster", "pole", "district", "operator"] } },
                        { "name": "territory", "in": "query", "schema": { "type": "string" }, "example": "ti-8422" },
                        { "name": "naf", "in": "query", "description": "NAF code or prefix (division 25, class 25.62, sub-class 25.62A)", "schema": { "type": "string" } },
                        { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["name", "commune", "headcount"], "default": "name" } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }
                    ],
                    "responses": {
                        "200": { "description": "One page.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrganisationList" } } } },
                        "400": err_response("A parameter is invalid; the message names it.")
                    }
                }
            },
            "/organisations/{id}": {
                "get": {
                    "operationId": "getOrganisation",
                    "summary": "One organisation in full.",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": {
                        "200": { "description": "The organisation.", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "404": err_response("No organisation has this id.")
                    }
                }
            },
            "/territories": {
                "get": {
                    "operationId": "listTerritories",
                    "summary": "Every Territoire d'industrie (2023-2027), ordered by name.",
                    "responses": {
                        "200": {
                            "description": "The 183 territories.",
                            "content": { "application/json": { "schema": {
                                "type": "array", "items": { "$ref": "#/components/schemas/TerritorySummary" }
                            } } }
                        }
                    }
                }
            },
            "/territories/{id}": {
                "get": {
                    "operationId": "getTerritory",
                    "summary": "One territory with its member EPCI, departments and regional pôles.",
                    "parameters": [{
                        "name": "id", "in": "path", "required": true,
                        "schema": { "type": "string", "pattern": "^ti-[0-9]{4}$" },
                        "example": "ti-8422"
                    }],
                    "responses": {
                        "200": {
                            "description": "The territory.",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TerritoryDetail" } } }
                        },
                        "404": err_response("No territory has this id.")
                    }
                }
            }
        },
        "components": { "schemas": {
            "ProposalSummary": {
                "type": "object",
                "required": ["id", "title", "status", "level", "theme", "territory_id", "territory_name", "region_code", "region_name", "created_at", "updated_at", "territories_supporting", "firms_supporting"],
                "properties": {
                    "id": { "type": "integer" },
                    "title": { "type": "string" },
                    "status": { "type": "string" },
                    "level": { "type": "string", "enum": ["territory", "region", "national"] },
                    "theme": { "type": "string" },
                    "territory_id": { "type": "string" },
                    "territory_name": { "type": "string" },
                    "region_code": { "type": "string" },
                    "region_name": { "type": "string" },
                    "created_at": { "type": "integer", "description": "Unix seconds." },
                    "updated_at": { "type": "integer" },
                    "submitted_at": { "type": ["integer", "null"], "description": "When it left the territory." },
                    "answered_at": { "type": ["integer", "null"], "description": "When it got an official answer." },
                    "territories_supporting": { "type": "integer", "description": "Territories other than the author supporting it, merged sources included, each counted once." },
                    "firms_supporting": { "type": "integer" }
                }
            },
            "ProposalList": {
                "type": "object", "required": ["total", "page", "per_page", "items"],
                "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/ProposalSummary" } }
                }
            },
            "ProposalDetail": {
                "allOf": [{ "$ref": "#/components/schemas/ProposalSummary" }, {
                    "type": "object",
                    "properties": {
                        "problem": { "type": "string" }, "rule": { "type": "string" }, "legal_reference": { "type": "string" },
                        "axis": { "type": "string" }, "proposal_kind": { "type": "string" }, "solution": { "type": "string" },
                        "mechanism": { "type": "string" }, "answer": { "type": "string", "description": "The official answer, once given." },
                        "merged_into": { "type": ["object", "null"] },
                        "sources": { "type": "array", "items": { "type": "object" } },
                        "timeline": { "type": "array", "items": { "type": "object", "properties": {
                            "proposal_id": { "type": "integer" }, "at": { "type": "integer" }, "user_name": { "type": "string" },
                            "role": { "type": "string" }, "action": { "type": "string" }, "from_status": { "type": "string" },
                            "to_status": { "type": "string" }, "comment": { "type": "string" }, "mechanism": { "type": "string" },
                            "related_id": { "type": ["integer", "null"] } } } },
                        "supports": { "type": "array", "items": { "type": "object" } },
                        "days": { "type": "array", "items": { "type": "number" }, "description": "Days waited at the territory, region and national levels." }
                    }
                }]
            },
            "SearchResults": {
                "type": "object", "required": ["total", "hits", "facets"],
                "properties": {
                    "total": { "type": "integer" },
                    "page": { "type": "integer" },
                    "per_page": { "type": "integer" },
                    "hits": { "type": "array", "items": { "type": "object", "required": ["kind", "id", "name", "score", "snippet"],
                        "properties": {
                            "kind": { "type": "string" }, "id": { "type": "integer" }, "name": { "type": "string" },
                            "siret": { "type": "string", "description": "Firms only" },
                            "commune": { "type": ["string", "null"] }, "territory": { "type": ["string", "null"] },
                            "territory_id": { "type": ["string", "null"] },
                            "distance_km": { "type": "number", "description": "When near is given" },
                            "score": { "type": "number" },
                            "snippet": { "type": "string", "description": "HTML; matched words in <b>, text escaped" },
                            "map_x": { "type": ["number", "null"] }, "map_y": { "type": ["number", "null"] }
                        } } },
                    "facets": { "type": "object", "additionalProperties": { "type": "array", "items": {
                        "type": "object", "properties": { "value": { "type": "string" }, "label": { "type": "string" }, "count": { "type": "integer" } } } } }
                }
            },
            "OrganisationSummary": {
                "type": "object",
                "required": ["id", "kind", "name", "is_demo"],
                "properties": {
                    "id": { "type": "integer" },
                    "kind": { "type": "string", "enum": ["firm", "cluster", "pole", "district", "operator"] },
                    "name": { "type": "string" },
                    "siret": { "type": ["string", "null"] },
                    "naf_code": { "type": ["string", "null"], "example": "25.62A" },
                    "naf_label": { "type": ["string", "null"] },
                    "commune_insee": { "type": ["string", "null"] },
                    "commune": { "type": ["string", "null"] },
                    "territory_id": { "type": ["string", "null"], "description": "Derived from the commune's EPCI" },
                    "territory": { "type": ["string", "null"] },
                    "headcount_band": { "type": ["string", "null"], "description": "INSEE headcount band code" },
                    "is_demo": { "type": "boolean", "description": "Demonstration data" }
                }
            },
            "OrganisationList": {
                "type": "object", "required": ["total", "page", "per_page", "items"],
                "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/OrganisationSummary" } }
                }
            },
            "Error": {
                "type": "object", "required": ["error"],
                "properties": { "error": {
                    "type": "object", "required": ["status", "code", "message"],
                    "properties": {
                        "status": { "type": "integer" },
                        "code": { "type": "string", "enum": ["not_found", "forbidden", "conflict", "invalid", "internal"] },
                        "message": { "type": "string" }
                    }
                } }
            },
            "TerritorySummary": {
                "type": "object",
                "required": ["id", "name", "region_code", "region_name", "departments", "epci_count", "population"],
                "properties": {
                    "id": { "type": "string", "example": "ti-8422" },
                    "name": { "type": "string", "example": "Vallée de l'Arve" },
                    "region_code": { "type": "string", "description": "INSEE region code" },
                    "region_name": { "type": "string" },
                    "departments": { "type": "array", "items": { "type": "string" } },
                    "epci_count": { "type": "integer", "description": "Members: EPCI, EPT or single communes" },
                    "population": { "type": "integer" }
                }
            },
            "Member": {
                "type": "object", "required": ["siren", "name", "kind", "departments", "population"],
                "properties": {
                    "siren": { "type": "string" },
                    "name": { "type": "string" },
                    "kind": { "type": "string", "enum": ["EPCI", "EPT", "COMMUNE"] },
                    "departments": { "type": "array", "items": { "type": "string" } },
                    "population": { "type": "integer" }
                }
            },
            "TerritoryDetail": {
                "type": "object",
                "required": ["id", "name", "region", "departments", "population", "commune_count", "members", "poles", "brownfields"],
                "properties": {
                    "id": { "type": "string" },
                    "name": { "type": "string" },
                    "region": { "type": "object", "properties": { "code": { "type": "string" }, "name": { "type": "string" } } },
                    "departments": { "type": "array", "items": { "type": "object", "properties": {
                        "code": { "type": "string" }, "name": { "type": "string" } } } },
                    "population": { "type": "integer" },
                    "commune_count": { "type": "integer" },
                    "members": { "type": "array", "items": { "$ref": "#/components/schemas/Member" } },
                    "outline_path": { "type": "string", "description": "SVG path of the outline" },
                    "outline_viewbox": { "type": "string" },
                    "latitude": { "type": ["number", "null"] },
                    "longitude": { "type": ["number", "null"] },
                    "poles": { "type": "array", "items": { "type": "object" } },
                    "brownfields": { "type": "object", "properties": {
                        "sites": { "type": "integer" }, "surface_ha": { "type": "number" }, "communes": { "type": "integer" } } }
                }
            }
        } }
    })
}
