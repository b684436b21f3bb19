//! The JSON API under `/api/v1`, documented by the OpenAPI document it serves.
//!
//! Handlers call the same services as the server functions. Errors have one stable shape:
//! `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.

use super::AppState;
use app::domain::ids::TerritoryId;
use app::ports::{ServiceError, Services};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/territories", get(list_territories))
        .route("/territories/{id}", get(get_territory))
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
        match e {
            ServiceError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found")
            }
            ServiceError::Forbidden => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", "forbidden")
            }
            ServiceError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            ServiceError::Invalid(fields) => {
                let message = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                ApiError::new(StatusCode::BAD_REQUEST, "invalid", message)
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error in API");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
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
