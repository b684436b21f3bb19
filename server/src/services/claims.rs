//! Claims: the `Claims` port over `db::claims`, with the rule of `domain::claim` and a mail
//! each way (to those who decide when a claim arrives, to the claimant once it is decided),
//! in each person's language and at their setting for invitations.

use crate::clock::Clock;
use crate::db;
use crate::mail::{self, templates};
use crate::services::places::Places;
use app::api::accounts::CurrentUser;
use app::api::claims::{
    valid_message, Candidate, ClaimDecision, ClaimOutcome, ClaimQueue, ClaimRequest, ClaimView,
    CreationRequest, FOUND_MAX, REASON_MAX,
};
use app::api::clusters::{ClusterSummary, MemberView, Memberships};
use app::domain::claim::{self, ClaimAction, ClaimKind, ClaimRefusal, ClaimSide, ClaimStatus};
use app::domain::cluster::{self, MemberAction, MemberSide, MemberStatus};
use app::domain::notification::{Frequency, NotificationKind};
use app::domain::organisation::{OrganisationKind, OrganisationVisibility, PartyKind};
use app::domain::policy::{Role, Scope, Viewer};
use app::error::{Conflict, FieldError, Problem};
use app::i18n::{t, Key, Lang};
use app::ports::ServiceError;
use sea_orm::{DatabaseConnection, TransactionTrait};
use std::sync::Arc;

#[derive(Clone)]
pub struct ClaimService {
    db: DatabaseConnection,
    places: Arc<Places>,
    search: Arc<dyn app::ports::Search>,
    public_url: String,
    clock: Clock,
}

impl ClaimService {
    pub fn new(
        db: DatabaseConnection,
        places: Arc<Places>,
        search: Arc<dyn app::ports::Search>,
        public_url: String,
        clock: Clock,
    ) -> Self {
        ClaimService {
            db,
            places,
            search,
            public_url,
            clock,
        }
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    /// The reader's part in a claim, from the facts the rule needs.
    async fn side_of(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        viewer: &Viewer,
        row: &db::claims::ClaimRow,
    ) -> Result<ClaimSide, ServiceError> {
        let with_leads = match &row.territory_id {
            Some(t) => db::claims::territories_with_leads(db, std::slice::from_ref(t)).await?,
            None => Vec::new(),
        };
        Ok(Self::side_among(viewer, row, &with_leads))
    }

    /// The reader's part in a claim, given the territories whose leads have an account.
    fn side_among(viewer: &Viewer, row: &db::claims::ClaimRow, with_leads: &[String]) -> ClaimSide {
        let territory = row.territory_id.as_deref();
        let has_leads = territory.is_some_and(|t| with_leads.iter().any(|w| w == t));
        claim::side(viewer, row.user_id, territory, has_leads)
    }

    fn view(row: db::claims::ClaimRow, side: ClaimSide) -> ClaimView {
        let status = ClaimStatus::parse(&row.status).unwrap_or(ClaimStatus::Pending);
        ClaimView {
            id: row.id,
            kind: row.kind,
            status: row.status,
            organisation_id: row.organisation_id,
            organisation: row.organisation,
            organisation_kind: row.organisation_kind,
            siret: row.siret,
            naf_code: row.naf_code,
            naf_label: row.naf_label,
            commune: row.commune,
            territory_id: row.territory_id,
            territory: row.territory,
            website: row.website,
            claimant_name: row.claimant_name,
            claimant_email: row.claimant_email,
            message: row.message,
            reason: row.reason,
            created_at: row.created_at,
            decided_at: row.decided_at,
            actions: claim::offered(status, side)
                .into_iter()
                .map(|a| a.code().to_owned())
                .collect(),
        }
    }

    /// Tells those who decide of a new claim: the territory's leads, or the platform's
    /// administrators where the territory has none (or there is no territory).
    async fn tell_deciders(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        row: &db::claims::ClaimRow,
    ) -> Result<u32, ServiceError> {
        let mut people = match &row.territory_id {
            Some(t) => {
                db::accounts::side_people(
                    txn,
                    PartyKind::Territory.code(),
                    t,
                    NotificationKind::Invitation,
                )
                .await?
            }
            None => Vec::new(),
        };
        if people.is_empty() {
            people = db::claims::platform_admins(txn, NotificationKind::Invitation).await?;
        }
        let link = self.link("/revendications");
        let mut told = 0;
        for p in people.into_iter().filter(|p| p.id != row.user_id) {
            let lang = Lang::from_tag(&p.lang).unwrap_or_default();
            let key = if ClaimKind::Creation.is(&row.kind) {
                Key::ClaimMailCreates
            } else {
                Key::ClaimMailAsks
            };
            let line = format!(
                "{} {} « {} »",
                row.claimant_name,
                t(lang, key),
                row.organisation
            );
            let mail = templates::claim_step(&p.email, lang, &p.name, &line, &row.message, &link);
            told += u32::from(
                mail::deliver(
                    txn,
                    p.id,
                    Frequency::of_setting(p.frequency.as_deref()),
                    NotificationKind::Invitation,
                    &format!("claim-{}-asked-{}", row.id, p.id),
                    &line,
                    &link,
                    &mail,
                )
                .await?,
            );
        }
        Ok(told)
    }

    /// Tells the people of organisation `side` (but `actor`) that `about` did what `key` says
    /// of a membership, each in their language and at their setting for invitations.
    #[allow(clippy::too_many_arguments)]
    async fn tell_side(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        side: i64,
        actor: i64,
        key: Key,
        about: &str,
        event: &str,
        path: &str,
    ) -> Result<u32, ServiceError> {
        let people = db::accounts::side_people(
            txn,
            PartyKind::Organisation.code(),
            &side.to_string(),
            NotificationKind::Invitation,
        )
        .await?;
        let link = self.link(path);
        let mut told = 0;
        for p in people.into_iter().filter(|p| p.id != actor) {
            let lang = Lang::from_tag(&p.lang).unwrap_or_default();
            let line = format!("« {about} » {}", t(lang, key));
            let mail = templates::member_step(&p.email, lang, &p.name, &line, &link);
            told += u32::from(
                mail::deliver(
                    txn,
                    p.id,
                    Frequency::of_setting(p.frequency.as_deref()),
                    NotificationKind::Invitation,
                    &format!("{event}-{}", p.id),
                    &line,
                    &link,
                    &mail,
                )
                .await?,
            );
        }
        Ok(told)
    }

    /// Tells the claimant of the decision, in their language.
    async fn tell_claimant(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        row: &db::claims::ClaimRow,
        status: ClaimStatus,
        reason: &str,
    ) -> Result<u32, ServiceError> {
        let key = match status {
            ClaimStatus::Approved => Key::ClaimMailApproved,
            ClaimStatus::Refused => Key::ClaimMailRefused,
            ClaimStatus::Pending | ClaimStatus::Withdrawn => return Ok(0),
        };
        let setting = db::accounts::notification_settings(txn, row.user_id)
            .await?
            .into_iter()
            .find(|s| NotificationKind::Invitation.is(&s.kind))
            .map(|s| s.frequency);
        let lang = Lang::from_tag(&row.claimant_lang).unwrap_or_default();
        let line = format!("{} « {} »", t(lang, key), row.organisation);
        let link = if status == ClaimStatus::Approved {
            self.link(&format!("/organisations/{}", row.organisation_id))
        } else {
            self.link("/revendications")
        };
        let mail = templates::claim_step(
            &row.claimant_email,
            lang,
            &row.claimant_name,
            &line,
            reason,
            &link,
        );
        let told = mail::deliver(
            txn,
            row.user_id,
            Frequency::of_setting(setting.as_deref()),
            NotificationKind::Invitation,
            &format!("claim-{}-{}", row.id, status.code()),
            &line,
            &link,
            &mail,
        )
        .await?;
        Ok(u32::from(told))
    }

    /// Makes the claimant an admin of the organisation, and a created one visible.
    async fn approve(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        row: &db::claims::ClaimRow,
        at: i64,
    ) -> Result<(), ServiceError> {
        let scope = Scope::Organisation(row.organisation_id);
        db::accounts::add_membership(
            txn,
            row.user_id,
            scope.kind().code(),
            &scope.id(),
            Role::Admin.code(),
            at,
        )
        .await?;
        if ClaimKind::Creation.is(&row.kind) {
            db::claims::publish_pending(txn, row.organisation_id, at).await?;
        }
        db::organisations::record_change(txn, "organisation", row.organisation_id, "upsert")
            .await?;
        Ok(())
    }

    async fn outcome(
        &self,
        viewer: &Viewer,
        id: i64,
        told: u32,
    ) -> Result<ClaimOutcome, ServiceError> {
        let row = db::claims::claim(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let side = self.side_of(&self.db, viewer, &row).await?;
        Ok(ClaimOutcome {
            claim: Self::view(row, side),
            told,
        })
    }
}

#[async_trait::async_trait]
impl app::ports::Claims for ClaimService {
    async fn find(&self, viewer: &Viewer, query: &str) -> Result<Vec<Candidate>, ServiceError> {
        let query = query.trim();
        if query.chars().count() > 200 {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "q",
                Problem::QueryTooLong,
            )]));
        }
        let digits: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let (siret, siren) = match (numeric, digits.len()) {
            (true, 14) => (Some(digits.as_str()), None),
            (true, 9) => (None, Some(digits.as_str())),
            _ => (None, None),
        };
        // A name: the search index's firms, clusters and operators (it reads names as typed,
        // with their mistakes and accents).
        let mut ids = Vec::new();
        if !numeric && query.chars().count() >= 2 {
            let params = app::api::search::SearchParams {
                q: query.to_owned(),
                page: 1,
                per_page: FOUND_MAX as u64,
                ..Default::default()
            };
            let found = self.search.search(&params, None, viewer).await?;
            ids = found
                .hits
                .iter()
                .filter(|h| {
                    OrganisationKind::parse(&h.kind)
                        .is_some_and(|k| k != OrganisationKind::District)
                })
                .map(|h| h.id)
                .collect();
        }
        let rows = db::claims::find(&self.db, siret, siren, &ids, FOUND_MAX).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let admined = db::claims::admined(&self.db, &ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let my_claim = match viewer.user_id {
                Some(user) => db::claims::latest_claim_status(&self.db, r.id, user).await?,
                None => None,
            };
            out.push(Candidate {
                claimed: admined.contains(&r.id),
                id: r.id,
                kind: r.kind,
                name: r.name,
                siret: r.siret,
                commune: r.commune,
                territory: r.territory,
                my_claim,
            });
        }
        Ok(out)
    }

    async fn claim(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        organisation: i64,
        request: &ClaimRequest,
    ) -> Result<ClaimOutcome, ServiceError> {
        let mut problems = Vec::new();
        let message = valid_message("message", &request.message, &mut problems);
        let target = db::claims::claimable(&self.db, organisation)
            .await?
            .filter(|o| {
                OrganisationVisibility::Public.is(&o.visibility)
                    || OrganisationVisibility::Members.is(&o.visibility)
            })
            .ok_or(ServiceError::NotFound)?;
        // A European district is opened by the platform's administrators, not claimed.
        if OrganisationKind::District.is(&target.kind) {
            return Err(ServiceError::Forbidden);
        }
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        let at = self.clock.now();
        let at_once = claim::approved_at_once(
            ClaimKind::Claim,
            &user.email,
            user.verified,
            &target.website,
            &target.email,
        );
        let status = if at_once {
            ClaimStatus::Approved
        } else {
            ClaimStatus::Pending
        };
        // The write comes first: on SQLite a transaction that read before writing fails when
        // another connection wrote meanwhile (the mail dispatcher, the indexer); writing first
        // waits for the lock instead.
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        let id = db::claims::insert_claim(
            &txn,
            organisation,
            user.id,
            ClaimKind::Claim,
            status,
            &message,
            at,
        )
        .await?
        .ok_or(ServiceError::Conflict(Conflict::ClaimPending))?;
        if db::claims::has_admin(&txn, organisation).await? {
            return Err(ServiceError::Conflict(Conflict::AlreadyClaimed));
        }
        if db::claims::pending_of(&txn, user.id).await? > claim::PENDING_MAX {
            return Err(ServiceError::Conflict(Conflict::TooManyClaims));
        }
        let row = db::claims::claim(&txn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let told = if at_once {
            self.approve(&txn, &row, at).await?;
            0
        } else {
            self.tell_deciders(&txn, &row).await?
        };
        txn.commit().await.map_err(anyhow::Error::from)?;
        tracing::info!(claim = id, organisation, at_once, "organisation claimed");
        self.outcome(viewer, id, told).await
    }

    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        request: &CreationRequest,
    ) -> Result<ClaimOutcome, ServiceError> {
        let valid = request.validate();
        let mut problems = valid.as_ref().err().cloned().unwrap_or_default();
        // The reference tables, for what has the right shape.
        let naf = app::domain::ids::NafCode::parse(&request.naf)
            .ok()
            .map(|c| c.as_str().to_owned());
        if let Some(code) = &naf {
            if !db::claims::naf_exists(&self.db, code).await? {
                problems.push(FieldError::new("naf", Problem::NafInvalid));
            }
        }
        let commune = request.commune.trim();
        let place = if commune.is_empty() || commune.chars().count() > 100 {
            None
        } else {
            let places = self.places.clone();
            let typed = commune.to_owned();
            let found = tokio::task::spawn_blocking(move || places.commune(&typed))
                .await
                .map_err(anyhow::Error::from)?;
            if found.is_none() {
                problems.push(FieldError::new("commune", Problem::CommuneUnknown));
            }
            found
        };
        problems.dedup_by(|a, b| a.field == b.field);
        let (valid, place) = match (valid, place) {
            (Ok(v), Some(p)) if problems.is_empty() => (v, p),
            _ => return Err(ServiceError::Invalid(problems)),
        };
        let at = self.clock.now();
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        let organisation = db::claims::insert_pending_organisation(
            &txn,
            valid.kind.code(),
            &valid.name,
            valid.siret.as_str(),
            &valid.naf,
            &place.insee,
            at,
        )
        .await?
        .ok_or(ServiceError::Conflict(Conflict::SiretKnown))?;
        db::organisations::record_change(&txn, "organisation", organisation, "upsert").await?;
        let id = db::claims::insert_claim(
            &txn,
            organisation,
            user.id,
            ClaimKind::Creation,
            ClaimStatus::Pending,
            &valid.message,
            at,
        )
        .await?
        .ok_or(ServiceError::Conflict(Conflict::ClaimPending))?;
        if db::claims::pending_of(&txn, user.id).await? > claim::PENDING_MAX {
            return Err(ServiceError::Conflict(Conflict::TooManyClaims));
        }
        let row = db::claims::claim(&txn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let told = self.tell_deciders(&txn, &row).await?;
        txn.commit().await.map_err(anyhow::Error::from)?;
        tracing::info!(claim = id, organisation, "organisation creation asked");
        self.outcome(viewer, id, told).await
    }

    async fn queue(&self, viewer: &Viewer) -> Result<ClaimQueue, ServiceError> {
        let Some(user) = viewer.user_id else {
            return Err(ServiceError::Unauthenticated);
        };
        let territories = viewer.territories_spoken_for();
        let everywhere = viewer.is_platform_admin();
        let mut queue = ClaimQueue::default();
        for (pending, list) in [(true, &mut queue.to_decide), (false, &mut queue.decided)] {
            let rows = db::claims::claims_in(&self.db, pending, &territories, everywhere).await?;
            // Which of their territories have leads with an account: one query for the list.
            let mut named: Vec<String> =
                rows.iter().filter_map(|r| r.territory_id.clone()).collect();
            named.sort();
            named.dedup();
            let with_leads = db::claims::territories_with_leads(&self.db, &named).await?;
            for row in rows {
                let side = Self::side_among(viewer, &row, &with_leads);
                // Decided claims show to those who could have decided them.
                let theirs = side == ClaimSide::Decider
                    || (!pending
                        && row
                            .territory_id
                            .as_ref()
                            .is_some_and(|t| territories.contains(t)))
                    || (!pending && everywhere);
                if theirs && side != ClaimSide::Claimant {
                    list.push(Self::view(row, side));
                }
            }
        }
        for row in db::claims::claims_of(&self.db, user).await? {
            queue.mine.push(Self::view(row, ClaimSide::Claimant));
        }
        Ok(queue)
    }

    async fn decide(
        &self,
        viewer: &Viewer,
        id: i64,
        decision: &ClaimDecision,
    ) -> Result<ClaimOutcome, ServiceError> {
        let Some(action) = ClaimAction::parse(decision.action.trim()) else {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "action",
                Problem::ValueUnknown,
            )]));
        };
        let reason = decision.reason.trim();
        if reason.chars().count() > REASON_MAX {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "reason",
                Problem::TextTooLong,
            )]));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        // Takes the write lock before reading (see `claim`).
        db::claims::lock_claim(&txn, id).await?;
        let row = db::claims::claim(&txn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let side = self.side_of(&txn, viewer, &row).await?;
        if side == ClaimSide::Neither {
            return Err(ServiceError::Forbidden);
        }
        let status = ClaimStatus::parse(&row.status).unwrap_or(ClaimStatus::Pending);
        let to = match claim::decide(status, side, action, reason) {
            Ok(to) => to,
            Err(ClaimRefusal::Missing(_)) => {
                return Err(ServiceError::Invalid(vec![FieldError::new(
                    "reason",
                    Problem::ReasonRequired,
                )]))
            }
            Err(ClaimRefusal::NotAllowed) if status != ClaimStatus::Pending => {
                return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile))
            }
            Err(ClaimRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
        };
        let by = (side == ClaimSide::Decider)
            .then_some(viewer.user_id)
            .flatten();
        if !db::claims::decide_claim(&txn, id, to, reason, by, at).await? {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        if to == ClaimStatus::Approved {
            self.approve(&txn, &row, at).await?;
        }
        let told = self.tell_claimant(&txn, &row, to, reason).await?;
        txn.commit().await.map_err(anyhow::Error::from)?;
        tracing::info!(claim = id, status = to.code(), "claim decided");
        self.outcome(viewer, id, told).await
    }

    async fn claim_state(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<(bool, Option<String>), ServiceError> {
        let claimed = db::claims::has_admin(&self.db, organisation).await?;
        let mine = match viewer.user_id {
            Some(user) => db::claims::latest_claim_status(&self.db, organisation, user).await?,
            None => None,
        };
        Ok((claimed, mine))
    }

    async fn clusters(&self, viewer: &Viewer) -> Result<Vec<ClusterSummary>, ServiceError> {
        Ok(db::clusters::clusters(&self.db, viewer)
            .await?
            .into_iter()
            .map(|r| ClusterSummary {
                id: r.id,
                name: r.name,
                commune: r.commune,
                territory: r.territory_id.zip(r.territory),
                members: r.members.max(0) as u64,
                is_demo: r.is_demo,
            })
            .collect())
    }

    async fn memberships(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<Memberships, ServiceError> {
        let org = db::directory::organisation(&self.db, organisation, viewer)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let is_cluster = OrganisationKind::Cluster.is(&org.kind);
        let view = |rows: Vec<db::clusters::SideRow>, as_cluster: bool| {
            rows.into_iter()
                .filter_map(|r| {
                    let status = MemberStatus::parse(&r.status)?;
                    let (c, m) = if as_cluster {
                        (organisation, r.id)
                    } else {
                        (r.id, organisation)
                    };
                    let side = cluster::side(viewer, c, m);
                    Some(MemberView {
                        actions: cluster::offered(status, side)
                            .into_iter()
                            .map(|a| a.code().to_owned())
                            .collect(),
                        id: r.id,
                        name: r.name,
                        kind: r.kind,
                        commune: r.commune,
                        status: r.status,
                    })
                })
                .collect::<Vec<_>>()
        };
        // Its admins see every membership of their side; others the confirmed ones.
        let admin = cluster::side(viewer, organisation, organisation) != MemberSide::Neither;
        let shown: &[MemberStatus] = if admin {
            &[
                MemberStatus::Proposed,
                MemberStatus::Confirmed,
                MemberStatus::Declined,
            ]
        } else {
            &[MemberStatus::Confirmed]
        };
        let members = if is_cluster {
            view(
                db::clusters::sides(&self.db, viewer, organisation, true, shown).await?,
                true,
            )
        } else {
            Vec::new()
        };
        let theirs: &[MemberStatus] = if admin {
            &[MemberStatus::Proposed, MemberStatus::Confirmed]
        } else {
            &[MemberStatus::Confirmed]
        };
        let clusters = view(
            db::clusters::sides(&self.db, viewer, organisation, false, theirs).await?,
            false,
        );
        Ok(Memberships {
            members,
            clusters,
            names_members: is_cluster && admin,
        })
    }

    async fn propose_member(
        &self,
        viewer: &Viewer,
        cluster_id: i64,
        siret: &str,
    ) -> Result<u32, ServiceError> {
        use app::domain::ids::Siret;
        let Some(user) = viewer.user_id else {
            return Err(ServiceError::Unauthenticated);
        };
        // The wrong person hears 403 whatever they sent.
        if cluster::side(viewer, cluster_id, cluster_id) == MemberSide::Neither {
            return Err(ServiceError::Forbidden);
        }
        let cluster = db::directory::organisation(&self.db, cluster_id, viewer)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !OrganisationKind::Cluster.is(&cluster.kind) {
            return Err(ServiceError::Forbidden);
        }
        let siret = Siret::parse(siret).map_err(|e| {
            ServiceError::Invalid(vec![FieldError::new(
                "siret",
                Problem::SiretInvalid.saying(e.to_string()),
            )])
        })?;
        let unknown =
            || ServiceError::Invalid(vec![FieldError::new("siret", Problem::SiretUnknown)]);
        let member_id = db::organisations::ids_by_siret(&self.db, &[siret.as_str().to_owned()])
            .await?
            .get(siret.as_str())
            .copied()
            .ok_or_else(unknown)?;
        // One the person cannot see (withdrawn, pending) is unknown to them.
        db::directory::organisation(&self.db, member_id, viewer)
            .await?
            .ok_or_else(unknown)?;
        if member_id == cluster_id {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "siret",
                Problem::ValueInvalid.saying("a cluster is not its own member"),
            )]));
        }
        if db::clusters::named(&self.db, cluster_id).await? >= cluster::MAX_MEMBERS {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "siret",
                Problem::ListTooLong,
            )]));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        if !db::clusters::propose(
            &txn,
            cluster_id,
            member_id,
            user,
            &cluster::PROPOSABLE_AGAIN,
            at,
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::AlreadyMember));
        }
        let told = self
            .tell_side(
                &txn,
                member_id,
                user,
                Key::MemberMailProposed,
                &cluster.name,
                &format!("member-{cluster_id}-{member_id}-{at}"),
                &format!("/organisations/{member_id}"),
            )
            .await?;
        txn.commit().await.map_err(anyhow::Error::from)?;
        Ok(told)
    }

    async fn answer_member(
        &self,
        viewer: &Viewer,
        cluster_id: i64,
        member_id: i64,
        action: MemberAction,
    ) -> Result<u32, ServiceError> {
        let Some(user) = viewer.user_id else {
            return Err(ServiceError::Unauthenticated);
        };
        let side = cluster::side(viewer, cluster_id, member_id);
        if side == MemberSide::Neither {
            return Err(ServiceError::Forbidden);
        }
        let status = db::clusters::status(&self.db, cluster_id, member_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let Some(to) = cluster::step(status, side, action) else {
            // Another side's step is not theirs; their own step, in the wrong state, came late.
            return Err(if cluster::takes(side, action) {
                ServiceError::Conflict(Conflict::ChangedMeanwhile)
            } else {
                ServiceError::Forbidden
            });
        };
        let names = |id: i64| async move {
            db::directory::organisation(&self.db, id, viewer)
                .await
                .map(|o| o.map(|o| o.name).unwrap_or_default())
        };
        let (told_side, about, key, link) = match (side, to) {
            (MemberSide::Member, MemberStatus::Confirmed) => (
                cluster_id,
                names(member_id).await?,
                Key::MemberMailConfirmed,
                format!("/organisations/{cluster_id}"),
            ),
            (MemberSide::Member, _) => (
                cluster_id,
                names(member_id).await?,
                Key::MemberMailLeft,
                format!("/organisations/{cluster_id}"),
            ),
            (_, _) => (
                member_id,
                names(cluster_id).await?,
                Key::MemberMailEnded,
                format!("/organisations/{member_id}"),
            ),
        };
        let at = self.clock.now();
        let txn = self.db.begin().await.map_err(anyhow::Error::from)?;
        if !db::clusters::step(&txn, cluster_id, member_id, status, to, at).await? {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        let told = self
            .tell_side(
                &txn,
                told_side,
                user,
                key,
                &about,
                &format!("member-{cluster_id}-{member_id}-{}-{at}", to.code()),
                &link,
            )
            .await?;
        txn.commit().await.map_err(anyhow::Error::from)?;
        Ok(told)
    }
}
