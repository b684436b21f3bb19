//! The territorial directory service.

use crate::db;
use app::api::directory::{
    DistrictSummary, OrganisationDetail, Overview, PoleSummary, TerritoryDetail, TerritorySummary,
};
use app::api::organisations::{
    DivisionCount, LandSiteDetail, LandSiteList, OrganisationFilter, OrganisationList,
};
use app::domain::ids::TerritoryId;
use app::domain::organisation::{OrganisationKind, OrganisationVisibility};
use app::error::{FieldError, Problem};
use app::ports::{Directory, ServiceError};
use sea_orm::DatabaseConnection;

/// Reads territories, pôles and districts from the database.
pub struct DirectoryService {
    db: DatabaseConnection,
    /// The home page's figures and map, read again when the journal moves.
    overview: crate::db::JournalCache<Overview>,
    /// The 183 territories of the list page, likewise.
    territories: crate::db::JournalCache<Vec<TerritorySummary>>,
}

impl DirectoryService {
    pub fn new(db: DatabaseConnection) -> Self {
        DirectoryService {
            db,
            overview: Default::default(),
            territories: Default::default(),
        }
    }

    async fn read_overview(&self) -> anyhow::Result<Overview> {
        let f = db::directory::figures(&self.db).await?;
        Ok(Overview {
            territory_count: f.territories,
            epci_count: f.members,
            commune_count: f.communes,
            population: f.population,
            region_count: f.regions,
            pole_count: f.poles,
            district_count: f.districts,
            demo_firm_count: f.demo_firms,
            map_width: migrations::MAP_WIDTH,
            map_height: migrations::MAP_HEIGHT,
            map: db::directory::map(&self.db).await?,
        })
    }
}

#[async_trait::async_trait]
impl Directory for DirectoryService {
    async fn overview(&self) -> Result<Overview, ServiceError> {
        let overview = self.overview.get(&self.db, || self.read_overview()).await?;
        Ok(Overview::clone(&overview))
    }

    async fn territories(&self) -> Result<Vec<TerritorySummary>, ServiceError> {
        let list = self
            .territories
            .get(&self.db, || db::directory::territories(&self.db))
            .await?;
        Ok(Vec::clone(&list))
    }

    async fn territory(&self, id: &TerritoryId) -> Result<TerritoryDetail, ServiceError> {
        db::directory::territory(&self.db, id.as_str())
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn organisation(
        &self,
        id: i64,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<OrganisationDetail, ServiceError> {
        db::directory::organisation(&self.db, id, viewer)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn poles(&self) -> Result<Vec<PoleSummary>, ServiceError> {
        Ok(db::directory::poles(&self.db).await?)
    }

    async fn districts(&self) -> Result<Vec<DistrictSummary>, ServiceError> {
        Ok(db::directory::districts(&self.db).await?)
    }

    async fn organisations(
        &self,
        filter: &OrganisationFilter,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<OrganisationList, ServiceError> {
        Ok(db::organisations::list(&self.db, filter, viewer).await?)
    }

    async fn division_counts(
        &self,
        id: &TerritoryId,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<Vec<DivisionCount>, ServiceError> {
        Ok(db::organisations::division_counts(&self.db, id.as_str(), viewer).await?)
    }

    async fn land_sites(
        &self,
        id: &TerritoryId,
        page: u64,
        per_page: u64,
    ) -> Result<LandSiteList, ServiceError> {
        Ok(db::organisations::land_sites(&self.db, id.as_str(), page, per_page).await?)
    }

    async fn land_site(
        &self,
        id: i64,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<LandSiteDetail, ServiceError> {
        db::organisations::land_site(&self.db, id, viewer)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn update_organisation(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: i64,
        edit: &app::api::organisations::OrganisationEdit,
    ) -> Result<(), ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        if !can(viewer, Action::Edit, &Resource::Organisation(id)) {
            return Err(ServiceError::Forbidden);
        }
        let record = edit.validate().map_err(ServiceError::Invalid)?;
        // Pôles and districts are the programme's public partners: only a firm may keep its
        // profile for members.
        if record.visibility.as_deref() == Some(OrganisationVisibility::Members.code()) {
            let kind = db::directory::organisation(&self.db, id, viewer)
                .await?
                .ok_or(ServiceError::NotFound)?
                .kind;
            if !OrganisationKind::Firm.is(&kind) {
                return Err(ServiceError::Invalid(vec![FieldError::new(
                    "visibility",
                    Problem::VisibilityInvalid,
                )]));
            }
        }
        db::organisations::update_profile(&self.db, id, &record)
            .await?
            .then_some(())
            .ok_or(ServiceError::NotFound)
    }

    async fn patch_organisation(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: i64,
        patch: &app::api::organisations::OrganisationPatch,
    ) -> Result<app::api::directory::OrganisationDetail, ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        // The wrong person hears 403 whatever they sent.
        if !can(viewer, Action::Edit, &Resource::Organisation(id)) {
            return Err(ServiceError::Forbidden);
        }
        let current = self.organisation(id, viewer).await?;
        let edit = patch.over(&current).map_err(ServiceError::Invalid)?;
        self.update_organisation(viewer, id, &edit).await?;
        self.organisation(id, viewer).await
    }

    async fn update_territory(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: &TerritoryId,
        profile: &app::api::directory::TerritoryProfile,
    ) -> Result<(), ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        let resource = Resource::Territory {
            id: id.as_str().to_owned(),
            region: id.region_code().to_owned(),
        };
        if !can(viewer, Action::Edit, &resource) {
            return Err(ServiceError::Forbidden);
        }
        let valid = profile.validate().map_err(ServiceError::Invalid)?;
        if db::directory::territory(&self.db, id.as_str())
            .await?
            .is_none()
        {
            return Err(ServiceError::NotFound);
        }
        let number = id.as_str()[3..]
            .parse::<i64>()
            .map_err(|e| anyhow::anyhow!("territory id: {e}"))?;
        db::directory::save_territory_profile(
            &self.db,
            id.as_str(),
            number,
            &valid,
            viewer.user_id,
        )
        .await?;
        Ok(())
    }
}
