//! The territorial directory service.

use crate::db;
use app::api::directory::{
    DistrictSummary, OrganisationDetail, Overview, PoleSummary, TerritoryDetail, TerritorySummary,
};
use app::api::organisations::{
    DivisionCount, LandSiteDetail, LandSiteList, OrganisationFilter, OrganisationList,
};
use app::domain::ids::TerritoryId;
use app::domain::organisation::{OrganisationKind, OrganisationVisibility, SiteRow};
use app::error::{FieldError, Problem};
use app::ports::{Directory, ServiceError};
use sea_orm::DatabaseConnection;

/// Reads territories, pôles and districts from the database.
pub struct DirectoryService {
    db: DatabaseConnection,
    /// Communes by name, postal code or code, for the land site form's commune.
    places: std::sync::Arc<crate::services::places::Places>,
    /// The home page's figures and map, read again when the journal moves.
    overview: crate::db::JournalCache<Overview>,
    /// The 183 territories of the list page, likewise.
    territories: crate::db::JournalCache<Vec<TerritorySummary>>,
}

impl DirectoryService {
    pub fn new(
        db: DatabaseConnection,
        places: std::sync::Arc<crate::services::places::Places>,
    ) -> Self {
        DirectoryService {
            db,
            places,
            overview: Default::default(),
            territories: Default::default(),
        }
    }

    /// A land site `viewer` may write as it is now: not found, or forbidden.
    async fn writable_site(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: i64,
    ) -> Result<db::organisations::SiteForEdit, ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        let site = db::organisations::site_for_edit(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let resource = Resource::LandSite {
            territory: site.territory.clone(),
            owner: site.owner,
        };
        if !can(viewer, Action::Edit, &resource) {
            return Err(ServiceError::Forbidden);
        }
        Ok(site)
    }

    async fn read_overview(&self) -> anyhow::Result<Overview> {
        let f = db::directory::figures(&self.db).await?;
        Ok(Overview {
            territory_count: f.territories,
            epci_count: f.members,
            ept_count: f.ept,
            single_commune_count: f.single_communes,
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

    async fn land_site_row(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: i64,
    ) -> Result<SiteRow, ServiceError> {
        let site = self.writable_site(viewer, id).await?;
        Ok(site.record.to_row())
    }

    async fn save_land_site(
        &self,
        viewer: &app::domain::policy::Viewer,
        id: Option<i64>,
        row: &SiteRow,
    ) -> Result<i64, ServiceError> {
        use app::domain::policy::{can, may_offer_sites, Action, Resource};
        use sea_orm::TransactionTrait;
        // The wrong person hears 403 whatever they sent.
        if !may_offer_sites(viewer) {
            return Err(ServiceError::Forbidden);
        }
        let existing = match id {
            Some(id) => Some(self.writable_site(viewer, id).await?),
            None => None,
        };
        let mut row = row.clone();
        // The form's commune may be typed by name or postal code (`Cluses (74)`, `74300`).
        let places = self.places.clone();
        let typed = row.commune_insee.clone();
        let found = if typed.chars().count() <= 100 {
            tokio::task::spawn_blocking(move || places.commune(&typed))
                .await
                .map_err(anyhow::Error::from)?
        } else {
            None
        };
        if let Some(place) = found {
            row.commune_insee = place.insee;
        }
        let given = match &existing {
            // A site keeps the reference it was given.
            Some(site) => {
                row.reference = site.record.reference.clone();
                false
            }
            None if row.reference.trim().is_empty() => {
                row.reference = "MS".into();
                true
            }
            None => false,
        };
        let mut record = row.validate().map_err(|errors| {
            ServiceError::Invalid(errors.into_iter().map(FieldError::from).collect())
        })?;
        let mut problems = Vec::new();
        let territory = db::organisations::commune_territory(&self.db, record.commune.as_str())
            .await?
            .unwrap_or_else(|| {
                problems.push(FieldError::new("commune_insee", Problem::CommuneUnknown));
                None
            });
        let owner = match &record.contact_siret {
            Some(siret) => {
                let ids =
                    db::organisations::ids_by_siret(&self.db, &[siret.as_str().to_owned()]).await?;
                let id = ids.get(siret.as_str()).copied();
                if id.is_none() {
                    problems.push(FieldError::new("contact_siret", Problem::SiretUnknown));
                }
                id
            }
            None => None,
        };
        if existing.is_none()
            && !given
            && db::organisations::site_reference_taken(&self.db, &record.reference).await?
        {
            problems.push(FieldError::new("reference", Problem::ReferenceTaken));
        }
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        // Writable as it will be, too: a team offers sites in its territory's communes, an
        // organisation's admins the sites it is the contact of.
        if !can(
            viewer,
            Action::Edit,
            &Resource::LandSite { territory, owner },
        ) {
            return Err(ServiceError::Forbidden);
        }
        // A site given its reference is inserted under a provisional one, unique to this
        // write, then named after its id (`MS-{commune}-{id}`): two sites offered at the same
        // moment never compete for one name.
        if given {
            static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            record.reference = format!("MS-provisional-{}-{n}", db::organisations::now());
        }
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        let id = match id {
            Some(id) => {
                if !db::organisations::update_site(&txn, id, &record, owner).await? {
                    return Err(ServiceError::NotFound);
                }
                id
            }
            None => {
                let id = db::organisations::insert_site(&txn, &record, owner, false).await?;
                if given {
                    let reference = format!("MS-{}-{id}", record.commune.as_str());
                    db::organisations::rename_site(&txn, id, &reference).await?;
                }
                id
            }
        };
        txn.commit().await.map_err(anyhow::Error::from)?;
        Ok(id)
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
            regions: db::directory::territory_regions(&self.db, id.as_str()).await?,
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
