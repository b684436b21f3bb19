//! The JSON API under `/api/v1`, described by the OpenAPI document it serves.
//!
//! Handlers call the same ports as the server functions. Errors have one stable shape:
//! `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.
//!
//! The document is generated from the wire types (`app::api`, deriving `ToSchema`) and from
//! the `#[utoipa::path]` attribute of each handler; the router is built from [`routes`], the
//! table the OpenAPI test compares the document with.

use super::AppState;
use app::api::action_sheets::{SheetDetail, SheetDraft, SheetFilter, SheetList, SheetPatch};
use app::api::claims::{ClaimDecision, ClaimOutcome, ClaimQueue, ClaimRequest, CreationRequest};
use app::api::directory::{DistrictSummary, OrganisationDetail, TerritoryDetail, TerritorySummary};
use app::api::monitoring::{ReportDraft, Scorecard, ScorecardQuery};
use app::api::needs::{MatchView, NeedDraft, NeedKind, NeedView};
use app::api::network::PracticeList;
use app::api::organisations::{LandSiteDetail, LandSiteDraft, LandSitePatch, OrganisationPatch};
use app::api::organisations::{OrganisationFilter, OrganisationList, OrganisationSort};
use app::api::proposals::{ProposalDetail, ProposalList};
use app::api::search::{SearchParams, SearchResults};
use app::domain::ids::TerritoryId;
use app::domain::organisation::OrganisationKind;
use app::error::AppError;
use app::ports::{ServiceError, Services, SignedIn, Who};
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, MethodRouter};
use axum::{Json, Router};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{OpenApi, ToSchema};

/// Every `/api/v1` route: (method, path, handler). The router is made of this table and
/// nothing else, so the OpenAPI test reads what is served from here.
pub fn routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/openapi.json", get(openapi)),
        (Method::GET, "/territories", get(list_territories)),
        (Method::GET, "/territories/{id}", get(get_territory)),
        (
            Method::GET,
            "/territories/{id}/partners",
            get(territory_partners),
        ),
        (Method::GET, "/organisations", get(list_organisations)),
        (Method::POST, "/organisations", post(create_organisation)),
        (Method::GET, "/organisations/{id}", get(get_organisation)),
        (
            Method::PATCH,
            "/organisations/{id}",
            patch(patch_organisation),
        ),
        (
            Method::POST,
            "/organisations/{id}/claims",
            post(claim_organisation),
        ),
        (Method::GET, "/claims", get(list_claims)),
        (Method::POST, "/claims/{id}/decision", post(decide_claim)),
        (Method::POST, "/land-sites", post(create_land_site)),
        (Method::GET, "/land-sites/{id}", get(get_land_site)),
        (Method::PATCH, "/land-sites/{id}", patch(patch_land_site)),
        (Method::GET, "/search", get(search)),
        (Method::GET, "/districts", get(list_districts)),
        (Method::GET, "/practices", get(list_practices)),
        (Method::POST, "/needs", post(create_need)),
        (Method::GET, "/needs/{id}", get(get_need)),
        (Method::GET, "/needs/{id}/matches", get(need_matches)),
        (Method::GET, "/proposals", get(list_proposals)),
        (Method::GET, "/proposals/{id}", get(get_proposal)),
        (Method::GET, "/action-sheets", get(list_action_sheets)),
        (Method::POST, "/action-sheets", post(create_action_sheet)),
        (Method::GET, "/action-sheets/{id}", get(get_action_sheet)),
        (
            Method::PATCH,
            "/action-sheets/{id}",
            patch(patch_action_sheet),
        ),
        (Method::GET, "/scorecards", get(get_scorecard)),
        (
            Method::POST,
            "/operator-reports",
            post(submit_operator_report),
        ),
    ]
}

/// The `/api/v1` router: [`routes`], a JSON 404 for any other path, and a JSON body on the
/// 405 (with its `Allow` header) of a method a path does not serve.
pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |router, (_, path, route)| {
            router.route(path, route)
        })
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint",
            )
        })
        .layer(axum::middleware::map_response(method_not_allowed))
}

async fn method_not_allowed(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let mut answer = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this method is not served here",
    )
    .into_response();
    if let Some(allow) = response.headers().get(axum::http::header::ALLOW) {
        answer
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow.clone());
    }
    answer
}

/// What went wrong, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    TooLarge,
    RateLimited,
    Busy,
    Internal,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    pub status: u16,
    pub code: ErrorCode,
    /// For a person; for an invalid request, each problem as `field: message`.
    pub message: String,
    /// For a conflict, which one, as a stable code of `app::error::Conflict` (`already_asked`,
    /// `changed_meanwhile`, `already_claimed`, `already_member`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<&'static str>,
}

/// An API error with its stable JSON shape.
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    conflict: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            conflict: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code,
                message: self.message,
                conflict: self.conflict,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        AppError::from(e).into()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (code, message) = match e {
            // Naming an author one does not speak for is a form's field problem (the form
            // shows it beside the field); to an API client it is a refusal.
            AppError::Invalid(fields)
                if fields
                    .iter()
                    .all(|f| f.problem == app::error::Problem::AuthorNotYours) =>
            {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::Forbidden,
                    "you do not speak for this author",
                );
            }
            AppError::Invalid(fields) => (
                ErrorCode::Invalid,
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::NotFound => (ErrorCode::NotFound, "not found".to_owned()),
            AppError::Forbidden => (ErrorCode::Forbidden, "forbidden".to_owned()),
            AppError::Conflict(c) => {
                return ApiError {
                    conflict: Some(c.code()),
                    ..ApiError::new(status, ErrorCode::Conflict, c.message())
                };
            }
            AppError::Unauthorized => (
                ErrorCode::Unauthorized,
                "send Authorization: Bearer <token>".to_owned(),
            ),
            AppError::RateLimited(_) => (ErrorCode::RateLimited, "too many requests".to_owned()),
            AppError::Busy(_) => (ErrorCode::Busy, "try again in a few seconds".to_owned()),
            AppError::Internal | AppError::Transport(_) => {
                (ErrorCode::Internal, "internal error".to_owned())
            }
        };
        ApiError::new(status, code, message)
    }
}

fn bad_request(field: &str, message: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::Invalid,
        format!("{field}: {message}"),
    )
}

fn not_found(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
}

/// The numeric `{id}` of a path; anything else names nothing here (a JSON 404, as for an id
/// no record has).
struct Id(i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found("no such record".to_owned()))?;
        id.parse::<i64>()
            .map(Id)
            .map_err(|_| not_found(format!("no record has the id {id:?}")))
    }
}

/// The parameters that are numbers: given empty, they are refused (the pages' forms may
/// send an empty field, an API client means a number).
const NUMBERS: [&str; 3] = ["page", "per_page", "radius_km"];

/// The query's (name, value) pairs, each name at most once: every parameter of this API has
/// one value, and a second one is refused rather than silently preferred. `longest` gives
/// the documented length limits, held on the value as sent (the shared parsers trim it
/// first, for the pages' forms).
fn once(
    Query(pairs): Query<Vec<(String, String)>>,
    longest: &[(&str, usize)],
) -> Result<Vec<(String, String)>, ApiError> {
    let mut seen = std::collections::HashSet::new();
    for (name, value) in &pairs {
        if !seen.insert(name.as_str()) {
            return Err(bad_request(name, "given more than once"));
        }
        if NUMBERS.contains(&name.as_str()) && value.trim().is_empty() {
            return Err(bad_request(name, "expected a number, got nothing"));
        }
        if let Some((_, most)) = longest.iter().find(|(n, _)| n == name) {
            if value.chars().count() > *most {
                return Err(bad_request(name, &format!("at most {most} characters")));
            }
        }
    }
    Ok(pairs)
}

/// The longest text query, as every list documents it.
const Q: (&str, usize) = ("q", app::domain::text::MAX_QUERY_CHARS);

/// A string schema whose values are a vocabulary's codes.
fn code_schema(codes: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .into()
}

/// Parameter types whose values are codes, each taken from its vocabulary (the empty string,
/// which forms send for "any", is one of them where it is accepted).
macro_rules! codes {
    ($($(#[$meta:meta])* $name:ident => $codes:expr;)*) => {$(
        $(#[$meta])*
        struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                code_schema($codes)
            }
        }
        impl ToSchema for $name {}
    )*};
}

codes! {
    /// What an organisation is.
    OrganisationKindCode => std::iter::once("").chain(OrganisationKind::ALL.iter().map(|k| k.code()));
    /// What a search result is: an organisation's kind, or a land site.
    SearchKindCode => std::iter::once("").chain(app::api::search::result_kinds());
    /// A land site's label: its status, or ready to use.
    SiteLabelCode => std::iter::once("").chain(app::api::search::site_labels());
    SearchSortCode => ["", "relevance", "pertinence", "distance", "name", "nom"];
    OrganisationSortCode => ["", "name", "nom", "commune", "headcount", "effectif"];
    ProposalStatusCode => std::iter::once("").chain(
        app::domain::proposal::ALL_STATUSES
            .iter()
            .filter(|s| **s != app::domain::proposal::Status::Draft)
            .map(|s| s.code()),
    );
    /// A theme of the one list that proposals, practices and challenges share.
    ThemeCode => std::iter::once("").chain(app::domain::theme::Theme::ALL.iter().map(|t| t.code()));
    ProposalLevelCode => std::iter::once("").chain(app::domain::proposal::ALL_LEVELS.iter().map(|l| l.code()));
    ProposalSortCode => ["", "recent", "age", "support"];
    LangCode => ["", "fr", "en"];
    AxisCode => std::iter::once("").chain(app::domain::theme::Axis::ALL.iter().map(|a| a.code()));
    SheetStatusCode => std::iter::once("").chain(
        app::domain::action_sheet::SheetStatus::ALL.iter().map(|s| s.code()),
    );
    /// A fiche-action's status as search filters it: drafts are never found.
    SearchSheetStatusCode => std::iter::once("").chain(
        app::domain::action_sheet::SheetStatus::ALL
            .iter()
            .filter(|s| **s != app::domain::action_sheet::SheetStatus::Draft)
            .map(|s| s.code()),
    );
}

/// The OpenAPI 3.1 description of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Maillage API",
        version = "1",
        description = "The JSON API of Maillage, the platform of the Territoires d'industrie programme."
    ),
    servers((url = "/api/v1")),
    paths(
        openapi,
        list_territories,
        get_territory,
        territory_partners,
        list_organisations,
        create_organisation,
        get_organisation,
        patch_organisation,
        claim_organisation,
        list_claims,
        decide_claim,
        create_land_site,
        get_land_site,
        patch_land_site,
        search,
        list_districts,
        list_practices,
        create_need,
        get_need,
        need_matches,
        list_proposals,
        get_proposal,
        list_action_sheets,
        create_action_sheet,
        get_action_sheet,
        patch_action_sheet,
        get_scorecard,
        submit_operator_report,
    ),
    modifiers(&BearerToken)
)]
struct ApiDoc;

/// The `bearer` security scheme: a token made by `maillage token create` or on the account page.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document, as served at `/api/v1/openapi.json`.
pub fn openapi_document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    // What a derive cannot say: a land need names the area wanted.
    if let Some(draft) = doc.pointer_mut("/components/schemas/NeedDraft") {
        draft["if"] = serde_json::json!({
            "properties": { "kind": { "const": NeedKind::Land.code() } },
            "required": ["kind"]
        });
        draft["then"] = serde_json::json!({
            "required": ["land_area_ha"],
            "properties": { "land_area_ha": { "minLength": 1 } }
        });
    }
    // Links, so a fuzzer (schemathesis' stateful phase) reads a created annonce back.
    if let Some(created) = doc.pointer_mut("/paths/~1needs/post/responses/201") {
        created["links"] = serde_json::json!({
            "GetNeed": { "operationId": "getNeed", "parameters": { "id": "$response.body#/id" } },
            "GetNeedMatches": {
                "operationId": "getNeedMatches",
                "parameters": { "id": "$response.body#/id" }
            }
        });
    }
    if let Some(created) = doc.pointer_mut("/paths/~1land-sites/post/responses/201") {
        created["links"] = serde_json::json!({
            "GetLandSite": { "operationId": "getLandSite", "parameters": { "id": "$response.body#/id" } },
            "PatchLandSite": { "operationId": "patchLandSite", "parameters": { "id": "$response.body#/id" } }
        });
    }
    doc
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object)))]
async fn openapi() -> Json<&'static serde_json::Value> {
    // Built once per process: the document only changes with the code.
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(openapi_document))
}

/// Every Territoire d'industrie (2023-2027), ordered by name.
#[utoipa::path(get, path = "/territories", operation_id = "listTerritories",
    responses((status = 200, description = "The 183 territories.", body = Vec<TerritorySummary>)))]
async fn list_territories(State(services): State<Services>) -> Result<Response, ApiError> {
    Ok(Json(services.directory.territories().await?).into_response())
}

/// One territory with its member EPCI, departments and regional pôles.
#[utoipa::path(get, path = "/territories/{id}", operation_id = "getTerritory",
    params(("id" = String, Path, pattern = "^ti-[0-9]{4}$", example = "ti-8422")),
    responses(
        (status = 200, description = "The territory.", body = TerritoryDetail),
        (status = 404, description = "No territory has this id.", body = ErrorBody),
    ))]
async fn get_territory(
    State(services): State<Services>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = TerritoryId::parse(&id).map_err(|e| not_found(format!("no territory {id:?}: {e}")))?;
    Ok(Json(services.directory.territory(&id).await?).into_response())
}

/// A European district suggested to a territory, with its reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictPartner {
    pub district_id: i64,
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// From 0 to 1.
    pub score: f64,
    /// The reasons in one line, in the Accept-Language language.
    pub explanation: String,
    pub factors: Vec<app::domain::partners::Factor>,
}

/// European districts ranked for a territory, with the reasons (in the Accept-Language
/// language).
#[utoipa::path(get, path = "/territories/{id}/partners", operation_id = "territoryPartners",
    params(("id" = String, Path, pattern = "^ti-[0-9]{4}$", example = "ti-8422")),
    responses(
        (status = 200, description = "Best first.", body = Vec<DistrictPartner>),
        (status = 404, description = "No territory has this id.", body = ErrorBody),
    ))]
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
    let list: Vec<DistrictPartner> = partners
        .districts
        .into_iter()
        .map(|d| DistrictPartner {
            district_id: d.id.parse::<i64>().unwrap_or_default(),
            name: d.name,
            country: d.country,
            score: d.score,
            explanation: d.explanation,
            factors: d.factors,
        })
        .collect();
    Ok(Json(list).into_response())
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

/// Organisations (firms, clusters, pôles, districts, operators), filtered and paged.
#[utoipa::path(get, path = "/organisations", operation_id = "listOrganisations",
    params(
        ("kind" = inline(Option<OrganisationKindCode>), Query),
        ("territory" = Option<String>, Query, example = "ti-8422",
            pattern = r"^[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*(?:ti-[0-9]{4})?[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"),
        ("naf" = Option<String>, Query,
            pattern = r"^[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*(?:[0-9]{2}[0-9.A-Za-z]{0,4})?[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$",
            description = "NAF code or prefix (division 25, class 25.62, sub-class 25.62A)"),
        ("sort" = inline(Option<OrganisationSortCode>), Query),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 10000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "One page.", body = OrganisationList),
        (status = 400, description = "A parameter is invalid; the message names it.", body = ErrorBody),
    ))]
async fn list_organisations(
    State(services): State<Services>,
    who: Who,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params: HashMap<String, String> = once(query, &[])?.into_iter().collect();
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
    let code = |name: &str| params.get(name).and_then(|raw| app::api::code_param(raw));
    let sort = match code("sort") {
        None => OrganisationSort::Name,
        Some(s) => OrganisationSort::parse(&s)
            .ok_or_else(|| bad_request("sort", "expected name, commune or headcount"))?,
    };
    let filter = OrganisationFilter {
        kind: code("kind"),
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

/// One organisation in full (a members-only profile to signed-in readers only).
#[utoipa::path(get, path = "/organisations/{id}", operation_id = "getOrganisation",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The organisation.", body = OrganisationDetail),
        (status = 404, description = "No organisation has this id, or not visible to you.", body = ErrorBody),
    ))]
async fn get_organisation(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    Ok(Json(services.directory.organisation(id, &who.viewer).await?).into_response())
}

/// Offer a land site: a territory's team in its communes, an organisation's admins for the
/// sites it is the contact of (`contact_siret`). The fields and rules of the CSV import.
#[utoipa::path(post, path = "/land-sites", operation_id = "createLandSite",
    security(("bearer" = [])),
    request_body = LandSiteDraft,
    responses(
        (status = 201, description = "The site, searchable within a second.", body = LandSiteDetail),
        (status = 400, description = "A field is invalid, the commune or the contact's SIRET unknown, the reference taken (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "Neither of this commune's territory team nor an admin of the contact organisation.", body = ErrorBody),
    ))]
async fn create_land_site(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<LandSiteDraft>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(draft) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    if !app::domain::policy::may_offer_sites(&me.viewer) {
        return Err(ServiceError::Forbidden.into());
    }
    draft.strict().map_err(ServiceError::Invalid)?;
    let id = services
        .directory
        .save_land_site(&me.viewer, None, &draft.to_row())
        .await?;
    let site = services.directory.land_site(id, &me.viewer).await?;
    Ok((StatusCode::CREATED, Json(site)).into_response())
}

/// One land site.
#[utoipa::path(get, path = "/land-sites/{id}", operation_id = "getLandSite",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The site.", body = LandSiteDetail),
        (status = 404, description = "No land site has this id.", body = ErrorBody),
    ))]
async fn get_land_site(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    Ok(Json(services.directory.land_site(id, &who.viewer).await?).into_response())
}

/// Change some fields of a land site, its status for one (its territory's team, or the
/// contact organisation's admins); absent fields keep their value, `null` clears one.
#[utoipa::path(patch, path = "/land-sites/{id}", operation_id = "patchLandSite",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = LandSitePatch,
    responses(
        (status = 200, description = "The site as it now is.", body = LandSiteDetail),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "Not yours to write, as it is or as it would be.", body = ErrorBody),
        (status = 404, description = "No land site has this id.", body = ErrorBody),
    ))]
async fn patch_land_site(
    State(services): State<Services>,
    me: SignedIn,
    Id(id): Id,
    body: Result<Json<LandSitePatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(patch) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let site = patch.over(services.directory.land_site_row(&me.viewer, id).await?);
    patch.strict(&site).map_err(ServiceError::Invalid)?;
    services
        .directory
        .save_land_site(&me.viewer, Some(id), &site)
        .await?;
    Ok(Json(services.directory.land_site(id, &me.viewer).await?).into_response())
}

/// Full-text, faceted and geographic search over firms, organisations and land sites.
///
/// Every word must match (accents, plurals and one typo per word of 5+ letters are
/// tolerated; the last word also matches as a prefix). Quoted text is a phrase. Facet counts
/// describe the whole result set.
#[utoipa::path(get, path = "/search", operation_id = "search",
    params(
        ("q" = Option<String>, Query, max_length = 500, example = "usinage titane",
            description = "At most 16 distinct words and 3 phrases."),
        ("kind" = inline(Option<SearchKindCode>), Query),
        ("region" = Option<String>, Query, description = "INSEE region code"),
        ("department" = Option<String>, Query),
        ("territory" = Option<String>, Query, example = "ti-8422"),
        ("naf" = Option<String>, Query,
            description = "NAF section (C), division (25), group (25.6), class (25.62) or sub-class (25.62A)"),
        ("certification" = Option<String>, Query, example = "EN 9100"),
        ("headcount" = Option<String>, Query, description = "INSEE headcount band"),
        ("site_label" = inline(Option<SiteLabelCode>), Query),
        ("axis" = inline(Option<AxisCode>), Query, description = "A fiche-action's axis"),
        ("status" = inline(Option<SearchSheetStatusCode>), Query, description = "A fiche-action's status"),
        ("funder" = Option<String>, Query, max_length = 40, pattern = r"^(?:organisation:[1-9][0-9]{0,11}|(?:region|state):[0-9]{1,3}|epci:[0-9]{9})?$",
            description = "A funder named on a fiche-action's financial plan"),
        ("near" = Option<String>, Query, example = "74081",
            description = "An INSEE commune code, a commune name or lat,lon"),
        ("radius_km" = Option<f64>, Query, minimum = 0, maximum = 500,
            description = "Needs near"),
        ("sort" = inline(Option<SearchSortCode>), Query,
            description = "distance needs near"),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 100),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Results.", body = SearchResults),
        (status = 400, description = "A parameter is invalid (radius outside 0-500, unknown commune, latitude out of range, per_page over 100...); the message names it.", body = ErrorBody),
    ))]
async fn search(
    State(services): State<Services>,
    who: Who,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let pairs = once(query, &[Q])?;
    let params = SearchParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let near = params.validate()?;
    Ok(Json(
        services
            .search
            .search(&params, near.as_ref(), &who.viewer)
            .await?,
    )
    .into_response())
}

/// European industrial districts and clusters.
#[utoipa::path(get, path = "/districts", operation_id = "listDistricts",
    responses((status = 200, description = "Every district.", body = Vec<DistrictSummary>)))]
async fn list_districts(State(services): State<Services>) -> Result<Response, ApiError> {
    Ok(Json(services.directory.districts().await?).into_response())
}

/// Best practices of territories and districts.
#[utoipa::path(get, path = "/practices", operation_id = "listPractices",
    params(
        ("q" = Option<String>, Query, max_length = 500,
            description = "At most 16 distinct words and 3 phrases."),
        ("theme" = inline(Option<ThemeCode>), Query),
        ("author" = Option<String>, Query, max_length = 80,
            description = "territory:ti-8422 or district:ID"),
        ("lang" = inline(Option<LangCode>), Query),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 10000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of practices.", body = PracticeList),
        (status = 400, description = "A filter has a bad value.", body = ErrorBody),
    ))]
async fn list_practices(
    State(services): State<Services>,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let pairs = once(query, &[Q, ("author", 80)])?;
    let filter = app::api::network::PracticeFilter::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    Ok(Json(services.network.practices(&filter).await?).into_response())
}

/// The id of what was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Publish a need or an offer in the name of an organisation or territory the token's user
/// belongs to.
#[utoipa::path(post, path = "/needs", operation_id = "createNeed",
    security(("bearer" = [])),
    request_body = NeedDraft,
    responses(
        (status = 201, description = "Created.", body = Created),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "The token's user does not speak for this author.", body = ErrorBody),
    ))]
async fn create_need(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<NeedDraft>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(draft) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let id = services.needs.create(&me.viewer, &me.user, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Ask for an organisation the platform does not hold to be created, from its SIRET: it is
/// pending (seen by no one else) until the team of its territory approves the request, which
/// makes the token's user its admin.
#[utoipa::path(post, path = "/organisations", operation_id = "createOrganisation",
    security(("bearer" = [])),
    request_body = CreationRequest,
    responses(
        (status = 201, description = "Asked: the pending organisation and its claim.", body = ClaimOutcome),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 409, description = "An organisation with this SIRET is already on the platform, or you have 5 requests waiting.", body = ErrorBody),
    ))]
async fn create_organisation(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<CreationRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let outcome = services
        .claims
        .create(&me.viewer, &me.user, &request)
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

/// Change some fields of an organisation's profile (its admins); absent fields keep their
/// value.
#[utoipa::path(patch, path = "/organisations/{id}", operation_id = "patchOrganisation",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = OrganisationPatch,
    responses(
        (status = 200, description = "The profile as it now is.", body = OrganisationDetail),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "Only the organisation's admins edit it.", body = ErrorBody),
        (status = 404, description = "No organisation has this id, or not visible to you.", body = ErrorBody),
    ))]
async fn patch_organisation(
    State(services): State<Services>,
    me: SignedIn,
    Id(id): Id,
    body: Result<Json<OrganisationPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(patch) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let detail = services
        .directory
        .patch_organisation(&me.viewer, id, &patch)
        .await?;
    Ok(Json(detail).into_response())
}

/// Claim an organisation: approved at once when the token's user has a verified address at
/// the organisation's own domain, otherwise sent to the team of its territory.
#[utoipa::path(post, path = "/organisations/{id}/claims", operation_id = "claimOrganisation",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = ClaimRequest,
    responses(
        (status = 201, description = "Claimed (approved or pending).", body = ClaimOutcome),
        (status = 400, description = "A field is invalid.", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "This organisation cannot be claimed (a European district).", body = ErrorBody),
        (status = 404, description = "No organisation has this id, or not visible to you.", body = ErrorBody),
        (status = 409, description = "It has admins already, you already asked, or you have 5 requests waiting.", body = ErrorBody),
    ))]
async fn claim_organisation(
    State(services): State<Services>,
    me: SignedIn,
    Id(id): Id,
    body: Result<Json<ClaimRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let outcome = services
        .claims
        .claim(&me.viewer, &me.user, id, &request)
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

/// The claims the token's user decides (their territory's, or the platform's for its
/// administrators), and their own.
#[utoipa::path(get, path = "/claims", operation_id = "listClaims",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "To decide, decided lately, and one's own.", body = ClaimQueue),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
    ))]
async fn list_claims(State(services): State<Services>, me: SignedIn) -> Result<Response, ApiError> {
    Ok(Json(services.claims.queue(&me.viewer).await?).into_response())
}

/// Approve, refuse (with a reason) or withdraw a claim.
#[utoipa::path(post, path = "/claims/{id}/decision", operation_id = "decideClaim",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = ClaimDecision,
    responses(
        (status = 200, description = "Decided.", body = ClaimOutcome),
        (status = 400, description = "Unknown action, or a refusal without a reason.", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "Not yours to decide.", body = ErrorBody),
        (status = 404, description = "No such claim.", body = ErrorBody),
        (status = 409, description = "Already decided.", body = ErrorBody),
    ))]
async fn decide_claim(
    State(services): State<Services>,
    me: SignedIn,
    Id(id): Id,
    body: Result<Json<ClaimDecision>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(decision) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    Ok(Json(services.claims.decide(&me.viewer, id, &decision).await?).into_response())
}

/// One need or offer; an anonymous author is left out until they accept a contact.
#[utoipa::path(get, path = "/needs/{id}", operation_id = "getNeed",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The annonce.", body = NeedView),
        (status = 404, description = "No such annonce, or not visible to you.", body = ErrorBody),
    ))]
async fn get_need(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    Ok(Json(services.needs.need(id, &who.viewer).await?).into_response())
}

/// Firms suggested for a need, best first, with the factors of each score (for the need's
/// author).
#[utoipa::path(get, path = "/needs/{id}/matches", operation_id = "getNeedMatches",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Best first.", body = Vec<MatchView>),
        (status = 403, description = "Only the need's author sees its matches.", body = ErrorBody),
        (status = 404, description = "No such annonce, or not visible to you.", body = ErrorBody),
    ))]
async fn need_matches(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let matches = services
        .needs
        .matches(id, &who.viewer, 20, who.lang)
        .await?;
    Ok(Json(matches).into_response())
}

/// Simplification proposals (all but drafts), filtered and paged.
#[utoipa::path(get, path = "/proposals", operation_id = "listProposals",
    params(
        ("q" = Option<String>, Query, max_length = 500,
            description = "Full text (title, problem, rule, solution); at most 16 distinct words and 3 phrases."),
        ("status" = inline(Option<ProposalStatusCode>), Query),
        ("theme" = inline(Option<ThemeCode>), Query),
        ("level" = inline(Option<ProposalLevelCode>), Query),
        ("region" = Option<String>, Query, max_length = 64, description = "INSEE region code."),
        ("territory" = Option<String>, Query, max_length = 64, description = "Territory id, e.g. ti-8422."),
        ("sort" = inline(Option<ProposalSortCode>), Query),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 10000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of proposals.", body = ProposalList),
        (status = 400, description = "A filter has a bad value.", body = ErrorBody),
    ))]
async fn list_proposals(
    State(services): State<Services>,
    who: Who,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let pairs = once(query, &[Q, ("region", 64), ("territory", 64)])?;
    let filter = app::api::proposals::ProposalFilter::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    Ok(Json(services.proposals.list(&filter, &who.viewer).await?).into_response())
}

/// One proposal with its timeline, supporters and days per level.
#[utoipa::path(get, path = "/proposals/{id}", operation_id = "getProposal",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The proposal.", body = ProposalDetail),
        (status = 404, description = "No public proposal has this id (drafts are visible to their team only).", body = ErrorBody),
    ))]
async fn get_proposal(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    Ok(Json(services.proposals.detail(id, &who.viewer).await?).into_response())
}

/// Fiches-actions, filtered and paged. Drafts are listed to their territory's team and
/// porteur only; the amounts of a fiche carried by a firm are `null` (and `amounts_shown`
/// false) unless the token's user is tied to it (porteur, partner, territory team, reviewing
/// committee, funder).
#[utoipa::path(get, path = "/action-sheets", operation_id = "listActionSheets",
    params(
        ("territory" = Option<String>, Query, max_length = 16, pattern = r"^(?:ti-[0-9]{4})?$", description = "Territory id, e.g. ti-8422."),
        ("region" = Option<String>, Query, max_length = 3, pattern = r"^[0-9]{0,3}$", description = "INSEE region code (every region a territory spans)."),
        ("axis" = inline(Option<AxisCode>), Query),
        ("status" = inline(Option<SheetStatusCode>), Query),
        ("funder" = Option<String>, Query, max_length = 40, pattern = r"^(?:organisation:[1-9][0-9]{0,11}|(?:region|state):[0-9]{1,3}|epci:[0-9]{9}|porteur)?$",
            description = "A funder named on a line: organisation:ID, region:CODE, state:CODE or epci:SIREN."),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 10000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of fiches.", body = SheetList),
        (status = 400, description = "A filter has a bad value.", body = ErrorBody),
    ))]
async fn list_action_sheets(
    State(services): State<Services>,
    who: Who,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let pairs = once(query, &[("territory", 16), ("region", 3), ("funder", 40)])?;
    let filter = SheetFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    Ok(Json(services.action_sheets.list(&who.viewer, &filter).await?).into_response())
}

/// An operator's (or a Region's) quarterly report of the actions it supports in the
/// territories, with their amounts; it replaces the reporter's report of that quarter. The
/// token's user must be a member of the operator, or of the Region's council.
#[utoipa::path(post, path = "/operator-reports", operation_id = "submitOperatorReport",
    security(("bearer" = [])),
    request_body = ReportDraft,
    responses(
        (status = 201, description = "Recorded.", body = Created),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "The token's user does not report for this reporter.", body = ErrorBody),
    ))]
async fn submit_operator_report(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<ReportDraft>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(draft) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let id = services
        .monitoring
        .submit_report(&me.viewer, &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The programme's scorecard for the nation, a region or a territory: fiches by axis and
/// status, amounts by funder and instrument, indicator totals, contacts, partnerships,
/// exchanges and simplification proposals (with the days they waited per level), and the
/// figures of each region and territory within. A territory counts in its lead region; a
/// region lists the interregional territories it only takes part in apart, outside its
/// totals. Amounts of firms' fiches follow the disclosure rule (`null` reads "secret").
#[utoipa::path(get, path = "/scorecards", operation_id = "getScorecard",
    params(
        ("scope" = Option<String>, Query, max_length = 40,
            pattern = r"^(?:national|region:[0-9A-Za-z-]{1,8}|territory:ti-[0-9A-Za-z-]{1,13})$",
            description = "national (the default), region:CODE or territory:ti-XXXX."),
        ("from" = Option<String>, Query, format = Date,
            description = "First day counted (YYYY-MM-DD)."),
        ("to" = Option<String>, Query, format = Date,
            description = "Last day counted (YYYY-MM-DD), not before `from`."),
    ),
    responses(
        (status = 200, description = "The scorecard.", body = Scorecard),
        (status = 400, description = "A parameter has a bad value.", body = ErrorBody),
        (status = 404, description = "No such region or territory.", body = ErrorBody),
    ))]
async fn get_scorecard(
    State(services): State<Services>,
    who: Who,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let pairs = once(query, &[("scope", 40), ("from", 10), ("to", 10)])?;
    // A date named is a date (a page's form may leave one blank; the API names it or not).
    if let Some((name, _)) = pairs
        .iter()
        .find(|(k, v)| matches!(k.as_str(), "from" | "to") && v.trim().is_empty())
    {
        return Err(bad_request(name, "expected YYYY-MM-DD, got nothing"));
    }
    let query = ScorecardQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(Json(services.monitoring.scorecard(&who.viewer, &query).await?).into_response())
}

/// One fiche-action with its financial plan, indicators and timeline, as the reader may see
/// it.
#[utoipa::path(get, path = "/action-sheets/{id}", operation_id = "getActionSheet",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The fiche.", body = SheetDetail),
        (status = 404, description = "No fiche has this id, or it is a draft you may not read.", body = ErrorBody),
    ))]
async fn get_action_sheet(
    State(services): State<Services>,
    who: Who,
    Id(id): Id,
) -> Result<Response, ApiError> {
    Ok(Json(services.action_sheets.detail(&who.viewer, id).await?).into_response())
}

/// Write a fiche-action for a territory whose team the token's user belongs to (binôme,
/// chef de projet, team member); it starts as a draft.
#[utoipa::path(post, path = "/action-sheets", operation_id = "createActionSheet",
    security(("bearer" = [])),
    request_body = SheetDraft,
    responses(
        (status = 201, description = "Created.", body = Created),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "The token's user is not in the territory's team.", body = ErrorBody),
        (status = 404, description = "No such territory.", body = ErrorBody),
    ))]
async fn create_action_sheet(
    State(services): State<Services>,
    me: SignedIn,
    body: Result<Json<SheetDraft>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(draft) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    let id = services
        .action_sheets
        .create(&me.viewer, &me.user, &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Change a draft fiche (or one sent back to be reworked): the fields given replace the
/// fiche's; the signatures already given are cleared.
#[utoipa::path(patch, path = "/action-sheets/{id}", operation_id = "patchActionSheet",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = SheetPatch,
    responses(
        (status = 204, description = "Changed."),
        (status = 400, description = "A field is invalid (each problem is named).", body = ErrorBody),
        (status = 401, description = "No or invalid bearer token.", body = ErrorBody),
        (status = 403, description = "The fiche is not a draft, or the token's user is not in its territory's team.", body = ErrorBody),
        (status = 404, description = "No fiche has this id, or you may not read it.", body = ErrorBody),
    ))]
async fn patch_action_sheet(
    State(services): State<Services>,
    me: SignedIn,
    Id(id): Id,
    body: Result<Json<SheetPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(patch) = body
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text()))?;
    services
        .action_sheets
        .update(&me.viewer, &me.user, id, &patch)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.
    use super::*;

    /// A client tells one conflict from another by its code, not by the sentence.
    #[tokio::test]
    async fn a_conflict_answer_names_which_conflict() {
        for c in app::error::Conflict::ALL {
            let response = ApiError::from(AppError::Conflict(*c)).into_response();
            assert_eq!(response.status(), StatusCode::CONFLICT);
            let bytes = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .expect("a small body");
            let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            assert_eq!(body["error"]["code"], "conflict");
            assert_eq!(body["error"]["conflict"], c.code());
        }
        let response = ApiError::from(AppError::NotFound).into_response();
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("a small body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert!(body["error"].get("conflict").is_none());
    }
}
