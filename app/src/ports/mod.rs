//! The traits the server implements, one per feature. Server functions call these; they
//! never see a database. Provided to Leptos as the `Services` context.

use crate::api::directory::{
    DistrictSummary, OrganisationDetail, Overview, PoleSummary, TerritoryDetail, TerritorySummary,
};
use crate::api::organisations::{
    DivisionCount, LandSiteDetail, LandSiteList, OrganisationFilter, OrganisationList,
};
use crate::domain::ids::TerritoryId;
use crate::error::FieldError;
use std::sync::Arc;

/// A service failure, with its cause kept server-side.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for ServiceError {
    /// A refusal from deep inside a service that is the user's to fix (a text query over the
    /// search limit, raised where the query is built) becomes the field error it is; anything
    /// else is internal.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast_ref::<crate::domain::text::QueryTextError>() {
            Some(refusal) => ServiceError::Invalid(vec![FieldError {
                field: "q".into(),
                message: refusal.message().into(),
            }]),
            None => ServiceError::Internal(e),
        }
    }
}

/// The territorial directory: territories, their members, pôles and districts.
#[async_trait::async_trait]
pub trait Directory: Send + Sync {
    /// Key figures and the national map.
    async fn overview(&self) -> Result<Overview, ServiceError>;
    /// Every territory, ordered by name.
    async fn territories(&self) -> Result<Vec<TerritorySummary>, ServiceError>;
    /// One territory with its members, outline and regional pôles.
    async fn territory(&self, id: &TerritoryId) -> Result<TerritoryDetail, ServiceError>;
    /// One organisation of any kind, if `viewer` may see it (members-only ones are for
    /// signed-in viewers).
    async fn organisation(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<OrganisationDetail, ServiceError>;
    /// Every pôle de compétitivité.
    async fn poles(&self) -> Result<Vec<PoleSummary>, ServiceError>;
    /// Every European district.
    async fn districts(&self) -> Result<Vec<DistrictSummary>, ServiceError>;
    /// A page of organisations matching a (validated) filter.
    async fn organisations(
        &self,
        filter: &OrganisationFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<OrganisationList, ServiceError>;
    /// Counts by NAF division of the firms of a territory that `viewer` may see, largest first.
    async fn division_counts(
        &self,
        id: &TerritoryId,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<DivisionCount>, ServiceError>;
    /// A page of a territory's land sites, available first.
    async fn land_sites(
        &self,
        id: &TerritoryId,
        page: u64,
        per_page: u64,
    ) -> Result<LandSiteList, ServiceError>;
    /// One land site; its contact organisation only if `viewer` may see it.
    async fn land_site(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<LandSiteDetail, ServiceError>;
    /// Changes a territory's profile, if the policy lets `viewer` edit it.
    async fn update_territory(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: &TerritoryId,
        profile: &crate::api::directory::TerritoryProfile,
    ) -> Result<(), ServiceError>;
    /// Changes an organisation's profile, if the policy lets `viewer` edit it.
    async fn update_organisation(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: i64,
        edit: &crate::api::organisations::OrganisationEdit,
    ) -> Result<(), ServiceError>;
}

/// Search over the whole network.
#[async_trait::async_trait]
pub trait Search: Send + Sync {
    /// Results, facets and distances for validated parameters; `near` is already parsed.
    async fn search(
        &self,
        params: &crate::api::search::SearchParams,
        near: Option<&crate::api::search::Near>,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::search::SearchResults, ServiceError>;
    /// Names starting like `prefix`, among what `viewer` may see.
    async fn suggest(
        &self,
        prefix: &str,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<String>, ServiceError>;
}

/// The hash of the current session's token, placed in request extensions by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey(pub String);

/// People, sessions and tokens.
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// The account page of a user; `session` marks the current one.
    async fn overview(
        &self,
        user_id: i64,
        session: Option<&SessionKey>,
    ) -> Result<crate::api::accounts::AccountOverview, ServiceError>;
    /// The address a live one-time link of `purpose` was sent to, without using it; `None`
    /// when the link is unknown, used or expired.
    async fn link_address(
        &self,
        token: &str,
        purpose: crate::api::accounts::LinkPurpose,
    ) -> Result<Option<String>, ServiceError>;
}

/// Simplification proposals: the workflow, support, queues and figures.
#[async_trait::async_trait]
pub trait Proposals: Send + Sync {
    /// The public list (no drafts), filtered and paged.
    async fn list(
        &self,
        filter: &crate::api::proposals::ProposalFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::proposals::ProposalList, ServiceError>;
    /// One proposal with its timeline, supporters and the viewer's possible actions.
    async fn detail(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::proposals::ProposalDetail, ServiceError>;
    /// What awaits the viewer at each of their levels.
    async fn queue(
        &self,
        viewer: &crate::domain::policy::Viewer,
        sort: crate::api::proposals::ProposalSort,
    ) -> Result<crate::api::proposals::Queue, ServiceError>;
    /// Counts, medians and shares for the dashboard.
    async fn dashboard(&self) -> Result<crate::api::proposals::Dashboard, ServiceError>;
    /// Public proposals whose text is close to `text`.
    async fn similar(
        &self,
        text: &str,
        exclude: Option<i64>,
        limit: usize,
    ) -> Result<Vec<crate::api::proposals::ProposalLink>, ServiceError>;
}

/// The European network: partner suggestions, best practices, exchanges.
#[async_trait::async_trait]
pub trait Network: Send + Sync {
    /// Districts and territories ranked for a territory.
    async fn territory_partners(
        &self,
        id: &str,
        viewer: &crate::domain::policy::Viewer,
        lang: crate::i18n::Lang,
    ) -> Result<crate::api::network::Partners, ServiceError>;
    /// French territories ranked for a district.
    async fn district_partners(
        &self,
        id: i64,
        lang: crate::i18n::Lang,
    ) -> Result<crate::api::network::Partners, ServiceError>;
    /// Practices, filtered and paged.
    async fn practices(
        &self,
        filter: &crate::api::network::PracticeFilter,
    ) -> Result<crate::api::network::PracticeList, ServiceError>;
    /// One practice.
    async fn practice(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::network::PracticeDetail, ServiceError>;
    /// The exchanges the viewer's territories and districts take part in.
    async fn exchanges(
        &self,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::network::ExchangeView>, ServiceError>;
    /// One exchange, for its two sides only.
    async fn exchange(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::network::ExchangeView, ServiceError>;
}

/// Needs and offers, their matches, and expressions of interest.
#[async_trait::async_trait]
pub trait Needs: Send + Sync {
    /// Annonces the viewer may see, filtered (anonymous authors hidden).
    async fn list(
        &self,
        filter: &crate::api::needs::NeedFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::NeedSummary>, ServiceError>;
    /// One annonce.
    async fn need(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::needs::NeedView, ServiceError>;
    /// Firms suggested for an annonce, best first (its author's side only).
    async fn matches(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
        limit: usize,
    ) -> Result<Vec<crate::api::needs::MatchView>, ServiceError>;
    /// Land sites suggested for a land need (its author's side only).
    async fn land_matches(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::LandMatchView>, ServiceError>;
    /// For an offer (capacity, technology): the open needs it could answer, best first (its
    /// author's side only; empty for a need).
    async fn needs_for_offer(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::NeedForFirm>, ServiceError>;
    /// Open annonces the viewer's firms could answer, best first.
    async fn for_viewer(
        &self,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::NeedForFirm>, ServiceError>;
    /// A territory's industries and the supplier divisions missing or thin around it.
    async fn filieres(
        &self,
        territory: &str,
        radius_km: f64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::needs::Filieres, ServiceError>;
    /// The viewer's expressions of interest, sent and received.
    async fn inbox(
        &self,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::InterestView>, ServiceError>;
}

/// Everything the UI's server functions may call, provided as Leptos context.
#[derive(Clone)]
pub struct Services {
    pub directory: Arc<dyn Directory>,
    pub search: Arc<dyn Search>,
    pub accounts: Arc<dyn Accounts>,
    pub proposals: Arc<dyn Proposals>,
    pub network: Arc<dyn Network>,
    pub needs: Arc<dyn Needs>,
}

/// The services from context; a missing context is a wiring bug reported as internal.
pub fn services() -> Result<Services, crate::error::AppError> {
    leptos::prelude::use_context::<Services>().ok_or_else(|| {
        tracing::error!("Services missing from the Leptos context");
        crate::error::AppError::Internal
    })
}
