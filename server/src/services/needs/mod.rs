//! Needs and offers (annonces): listing, reading and publishing here; matching (candidates
//! from the index, ranking by `app::domain::matching`, the background matcher) in
//! `matching.rs`; contact requests with their notices in `contacts.rs`; a territory's
//! filières in `filieres.rs`. The port's methods for those delegate to them.
//!
//! Anonymous annonces: the author's name, organisation and commune are left out of every view,
//! API answer, search document and mail until the author accepts a contact, and then only for
//! the accepted party.

use crate::clock::Clock;
use crate::db::json_list;
use crate::db::needs::{self as q, InterestRow, NeedRow};
use crate::db::organisations::record_change;
use crate::mail::{self, templates};
use crate::search::{lookups, SearchIndex};
use crate::services::activities::Activities;
use crate::services::places::Places;
use crate::services::search::unknown_place;
use anyhow::Context;
use app::api::accounts::CurrentUser;
use app::api::needs::{
    AuthorView, Filieres, InterestView, LandMatchView, LeadingIndustry, MatchView, NeedDraft,
    NeedFilter, NeedForFirm, NeedKind, NeedStatus, NeedSummary, NeedView, NeedVisibility,
    SupplierLink, THIN_BELOW,
};
use app::domain::contact::{
    self, ContactAction, ContactRefusal, ContactRequirement, ContactSide, ContactStatus,
};
use app::domain::geo::Point;
use app::domain::matching::{key_words, score, site_score, FirmTerms, NeedTerms};
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::organisation::{OrganisationKind, PartyKind, SiteStatus};
use app::domain::policy::Viewer;
use app::domain::text::fold;
use app::error::{Conflict, FieldError, Problem, Said};
use app::i18n::Lang;
use app::i18n::{explain_match, explain_reasons};
use app::ports::{ServiceError, Told};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use std::sync::Arc;
use std::time::Duration;

mod contacts;
mod filieres;
mod matching;

#[derive(Clone)]
pub struct NeedService {
    db: DatabaseConnection,
    index: SearchIndex,
    public_url: String,
    /// The time every rule and record of this service is judged by.
    clock: Clock,
    /// Where a typed commune is found (shared with search; read from the database on first
    /// use when not given).
    places: Arc<tokio::sync::OnceCell<Arc<Places>>>,
    /// The NAF's activities, to say which codes words typed in place of codes may mean (read
    /// from the database on first use).
    activities: Arc<tokio::sync::OnceCell<Arc<Activities>>>,
}

fn invalid(field: &str, said: impl Into<Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, said)])
}

/// The sides the viewer speaks for: `organisation:ID` and `territory:ID`.
fn sides(viewer: &Viewer) -> Vec<String> {
    let mut list: Vec<String> = viewer
        .organisations_spoken_for()
        .into_iter()
        .map(|o| format!("organisation:{o}"))
        .chain(
            viewer
                .territories_spoken_for()
                .into_iter()
                .map(|t| format!("territory:{t}")),
        )
        .collect();
    list.sort();
    list
}

fn author_key(row: &NeedRow) -> String {
    format!("{}:{}", row.author_kind, row.author_id)
}

fn is_author(viewer: &Viewer, row: &NeedRow) -> bool {
    sides(viewer).contains(&author_key(row))
}

fn visible(viewer: &Viewer, row: &NeedRow) -> bool {
    row.is_public() || viewer.signed_in()
}

/// Accepted contacts open the identity of an anonymous author to the other party.
fn accepted(status: &str) -> bool {
    ContactStatus::parse(status).is_some_and(contact::reveals_people)
}

/// Whether the viewer may know who posted the annonce.
fn revealed(viewer: &Viewer, row: &NeedRow, interests: &[InterestRow]) -> bool {
    // A members-only firm is named to members only, in its annonces too.
    let members_only_author = row.author_members_only() && !viewer.signed_in();
    if (!row.is_anonymous() && !members_only_author) || is_author(viewer, row) {
        return true;
    }
    let mine = sides(viewer);
    let author = author_key(row);
    interests.iter().any(|i| {
        accepted(&i.status) && {
            let (from, to) = (
                format!("{}:{}", i.from_kind, i.from_id),
                format!("{}:{}", i.to_kind, i.to_id),
            );
            (mine.contains(&from) && to == author) || (mine.contains(&to) && from == author)
        }
    })
}

fn summary(row: &NeedRow, revealed: bool) -> NeedSummary {
    NeedSummary {
        id: row.id,
        kind: row.kind.clone(),
        title: row.title.clone(),
        visibility: row.visibility.clone(),
        status: row.status.clone(),
        place: if revealed {
            row.commune_name.clone().or(row.department_name.clone())
        } else {
            row.department_name.clone()
        }
        .unwrap_or_default(),
        territory_id: if revealed {
            row.territory_id.clone()
        } else {
            None
        },
        author: revealed.then(|| AuthorView {
            kind: row.author_kind.clone(),
            id: row.author_id.clone(),
            name: row.author_name.clone().unwrap_or_default(),
        }),
        deadline: row.deadline.clone(),
        created_at: row.created_at,
        is_demo: row.is_demo,
    }
}

/// A point from stored coordinates, when both are known.
fn point(lat: Option<f64>, lon: Option<f64>) -> Option<Point> {
    Point::new(lat?, lon?)
}

impl NeedService {
    pub fn new(db: DatabaseConnection, index: SearchIndex, public_url: String) -> Self {
        NeedService {
            db,
            index,
            public_url,
            clock: Clock::default(),
            places: Arc::default(),
            activities: Arc::default(),
        }
    }

    /// The same service finding communes in `places`.
    pub fn with_places(self, places: Arc<Places>) -> Self {
        let cell = tokio::sync::OnceCell::new();
        let _ = cell.set(places);
        NeedService {
            places: Arc::new(cell),
            ..self
        }
    }

    async fn places(&self) -> Result<Arc<Places>, ServiceError> {
        let places = self
            .places
            .get_or_try_init(|| async { Places::load(&self.db).await.map(Arc::new) })
            .await?;
        Ok(places.clone())
    }

    /// The codes that words typed among an annonce's NAF codes may mean, as suggestions of
    /// the field's problem; none when every part is a code.
    async fn meant_activities(&self, typed: &str) -> Result<Vec<(String, String)>, ServiceError> {
        let words: Vec<String> = app::domain::text::split_codes(typed)
            .into_iter()
            .filter(|t| app::api::needs::naf_code(t).is_none())
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let activities = self
            .activities
            .get_or_try_init(|| async { Activities::load(&self.db).await.map(Arc::new) })
            .await?
            .clone();
        let words = words.join(" ");
        let found = tokio::task::spawn_blocking(move || activities.find(&words))
            .await
            .context("activities task")?;
        Ok(found
            .into_iter()
            .take(5)
            .map(|(code, label)| (code.clone(), format!("{code} · {label}")))
            .collect())
    }

    /// The same service judging time by `clock` (the server's, which tests move).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    async fn row(&self, id: i64) -> Result<NeedRow, ServiceError> {
        q::need(&self.db, id).await?.ok_or(ServiceError::NotFound)
    }

    /// Checks that the viewer speaks for the draft's author.
    async fn check_author(
        &self,
        viewer: &Viewer,
        draft: &NeedDraft,
    ) -> Result<app::api::needs::ValidNeed, ServiceError> {
        // The commune as a person types it (a name, a postal code, an INSEE code), read by
        // the one gazetteer rule; the draft then carries its INSEE code.
        let mut draft = draft.clone();
        let mut unknown = None;
        let typed = draft.commune.trim().to_owned();
        if !typed.is_empty() {
            let places = self.places().await?;
            match places.commune(&typed) {
                Some(place) => draft.commune = place.insee,
                None => {
                    unknown = Some(unknown_place(&places, "commune", &typed).await);
                    draft.commune.clear();
                }
            }
        }
        let (need, mut problems) = match draft.validate() {
            Ok(need) => (Some(need), Vec::new()),
            Err(problems) => (None, problems),
        };
        problems.extend(unknown);
        // Words typed in place of codes: the codes they may mean.
        if let Some(at) = problems.iter().position(|p| p.field == "naf_codes") {
            let meant = self.meant_activities(&draft.naf_codes).await?;
            if !meant.is_empty() {
                let p = problems.remove(at);
                problems.insert(at, p.suggesting(meant));
            }
        }
        // What the format alone cannot tell, checked against the reference tables, so that the
        // form tells it with the other problems.
        let flagged =
            |problems: &[FieldError], field: &str| problems.iter().any(|p| p.field == field);
        if !flagged(&problems, "naf_codes") {
            let codes: Vec<String> = app::domain::text::split_codes(&draft.naf_codes)
                .iter()
                .filter_map(|c| app::api::needs::naf_code(c))
                .collect();
            let known = q::known_naf_codes(&self.db, &codes).await?;
            if let Some(unknown) = codes.iter().find(|c| !known.contains(c)) {
                problems.push(FieldError::new(
                    "naf_codes",
                    Problem::NafInvalid.saying(format!("{unknown} is not a NAF code")),
                ));
            }
        }
        let Some(need) = need.filter(|_| problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        if !sides(viewer).contains(&format!("{}:{}", need.author_kind, need.author_id)) {
            return Err(invalid("author", Problem::AuthorNotYours));
        }
        Ok(need)
    }
}

#[async_trait::async_trait]
impl app::ports::Needs for NeedService {
    async fn list(
        &self,
        filter: &NeedFilter,
        viewer: &Viewer,
    ) -> Result<Vec<NeedSummary>, ServiceError> {
        // `NeedFilter::validate` refuses an unknown kind before it gets here.
        let kinds: Vec<NeedKind> = match filter.kind.as_deref() {
            Some(code) => match NeedKind::parse(code) {
                Some(kind) => vec![kind],
                None => return Ok(Vec::new()),
            },
            None => Vec::new(),
        };
        let hits = if filter.q.trim().is_empty() {
            None
        } else {
            let ids = lookups::text_ids_async(&self.index, &filter.q, "need", 2_000).await?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            Some(ids)
        };
        let listed = q::NeedWhere {
            status: (!filter.include_closed).then_some(NeedStatus::Open),
            visibility: (!viewer.signed_in()).then_some(NeedVisibility::Public),
            kinds: &kinds,
            ids: hits.as_deref(),
            ..Default::default()
        };
        let rows = crate::db::list(&self.db, &listed).await?;
        let mine = sides(viewer);
        let mut out = Vec::new();
        for row in rows {
            let shown = !row.is_anonymous() || mine.contains(&author_key(&row));
            // A territory filter on an anonymous annonce would tell where its author is.
            if let Some(t) = &filter.territory {
                if !shown || row.territory_id.as_ref() != Some(t) {
                    continue;
                }
            }
            out.push(summary(&row, shown));
        }
        Ok(out)
    }

    async fn need(&self, id: i64, viewer: &Viewer) -> Result<NeedView, ServiceError> {
        let row = self.row(id).await?;
        if !visible(viewer, &row) {
            return Err(ServiceError::NotFound);
        }
        let all = q::interests_of_need(&self.db, id).await?;
        let shown = revealed(viewer, &row, &all);
        let author = is_author(viewer, &row);
        let mine = sides(viewer);
        let mut interests = Vec::new();
        for i in all {
            let party = mine.contains(&format!("{}:{}", i.from_kind, i.from_id))
                || mine.contains(&format!("{}:{}", i.to_kind, i.to_id));
            if party {
                interests.push(self.interest_view(viewer, i, Some(&row)).await?);
            }
        }
        let org_ids: Vec<i64> = viewer
            .organisations_spoken_for()
            .into_iter()
            .filter(|o| {
                !(PartyKind::Organisation.is(&row.author_kind) && row.author_id == o.to_string())
            })
            .collect();
        let ask_as = if row.is_open() {
            q::firms_by_id(&self.db, &org_ids)
                .await?
                .into_iter()
                .map(|f| (f.id, f.name))
                .collect()
        } else {
            Vec::new()
        };
        let codes = json_list(&row.naf_codes);
        let labels = q::naf_labels(&self.db, &codes).await?;
        let naf_codes = codes
            .into_iter()
            .map(|c| {
                let label = labels
                    .iter()
                    .find(|l| l.code == c)
                    .map(|l| l.label.clone())
                    .unwrap_or_default();
                (c, label)
            })
            .collect();
        Ok(NeedView {
            summary: summary(&row, shown),
            description: row.description.clone(),
            naf_codes,
            skills: json_list(&row.skills),
            certifications: json_list(&row.certifications),
            quantity: row.quantity.clone(),
            radius_km: row.radius_km,
            size: row.size.clone(),
            land_area_ha: row.land_area_ha,
            commune_typed: match (&row.commune_insee, author) {
                (Some(insee), true) => self.places().await?.by_insee(insee).map(|p| p.label()),
                _ => None,
            },
            is_author: author,
            ask_as,
            interests,
        })
    }

    async fn matches(
        &self,
        id: i64,
        viewer: &Viewer,
        limit: usize,
        lang: Lang,
    ) -> Result<Vec<MatchView>, ServiceError> {
        self.suggested_firms(id, viewer, limit, lang).await
    }

    async fn land_matches(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<LandMatchView>, ServiceError> {
        self.suggested_sites(id, viewer, lang).await
    }

    async fn needs_for_offer(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        self.needs_answered_by(id, viewer, lang).await
    }

    async fn for_viewer(
        &self,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        self.needs_for_viewer(viewer, lang).await
    }

    async fn filieres(
        &self,
        territory: &str,
        radius_km: f64,
        viewer: &Viewer,
    ) -> Result<Filieres, ServiceError> {
        self.filiere_view(territory, radius_km, viewer).await
    }

    async fn inbox(&self, viewer: &Viewer) -> Result<Vec<InterestView>, ServiceError> {
        self.contact_inbox(viewer).await
    }

    /// Publishes an annonce; returns its id.
    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &NeedDraft,
    ) -> Result<i64, ServiceError> {
        let need = self.check_author(viewer, draft).await?;
        let txn = self.db.begin().await.context("annonce transaction")?;
        let id = q::insert(&txn, &need, Some(user.id), self.clock.now(), false).await?;
        record_change(&txn, "need", id, "insert").await?;
        txn.commit().await.context("committing an annonce")?;
        Ok(id)
    }

    /// Changes an annonce's text (its author's side only).
    async fn update(
        &self,
        viewer: &Viewer,
        id: i64,
        draft: &NeedDraft,
    ) -> Result<(), ServiceError> {
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        let mut draft = draft.clone();
        draft.author = author_key(&row);
        let need = self.check_author(viewer, &draft).await?;
        let txn = self.db.begin().await.context("annonce transaction")?;
        q::update(&txn, id, &need, self.clock.now()).await?;
        record_change(&txn, "need", id, "update").await?;
        txn.commit().await.context("committing an annonce")?;
        Ok(())
    }

    /// Closes an annonce (its author's side only).
    async fn close(&self, viewer: &Viewer, id: i64) -> Result<(), ServiceError> {
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        let txn = self.db.begin().await.context("annonce transaction")?;
        if !q::close(&txn, id, self.clock.now()).await? {
            return Err(ServiceError::Conflict(Conflict::AlreadyClosed));
        }
        record_change(&txn, "need", id, "update").await?;
        txn.commit().await.context("committing an annonce")?;
        Ok(())
    }

    async fn ask(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        need_id: i64,
        as_organisation: Option<i64>,
        target: Option<i64>,
        message: &str,
    ) -> Result<(i64, Told), ServiceError> {
        self.ask_contact(viewer, user, need_id, as_organisation, target, message)
            .await
    }

    async fn contact_as(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<Vec<(i64, String)>, ServiceError> {
        self.names_to_ask_as(viewer, organisation).await
    }

    async fn contact_organisation(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        organisation: i64,
        as_organisation: Option<i64>,
        subject: &str,
        message: &str,
    ) -> Result<(i64, Told), ServiceError> {
        self.ask_organisation(
            viewer,
            user,
            organisation,
            as_organisation,
            subject,
            message,
        )
        .await
    }

    async fn answer(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<Told, ServiceError> {
        self.answer_contact(viewer, user, id, accept, reason).await
    }

    async fn conclude(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        concluded: bool,
    ) -> Result<Told, ServiceError> {
        self.conclude_contact(viewer, user, id, concluded).await
    }
}
