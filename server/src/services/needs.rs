//! Needs and offers: publishing, matching (candidates from the index, ranking by
//! `app::domain::matching`), expressions of interest with their notices, and the digest of
//! new matches.
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
use app::error::{FieldError, Problem, Said};
use app::i18n::Lang;
use app::i18n::{explain_match, explain_reasons};
use app::ports::ServiceError;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use std::time::Duration;

/// Candidates read from the index for one annonce.
const CANDIDATES: usize = 300;

#[derive(Clone)]
pub struct NeedService {
    db: DatabaseConnection,
    index: SearchIndex,
    public_url: String,
    /// The time every rule and record of this service is judged by.
    clock: Clock,
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

/// The viewer's side of a contact (the side asked first, should they speak for both).
fn contact_side(mine: &[String], from: &str, to: &str) -> ContactSide {
    if mine.iter().any(|s| s == to) {
        ContactSide::Recipient
    } else if mine.iter().any(|s| s == from) {
        ContactSide::Asker
    } else {
        ContactSide::Neither
    }
}

/// A contact's recorded status; a value outside the vocabulary (the schema refuses them) is
/// an internal error, never a step taken.
fn contact_status(code: &str) -> Result<ContactStatus, ServiceError> {
    ContactStatus::parse(code)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("contact status {code:?}")))
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

fn terms(row: &NeedRow) -> NeedTerms {
    let skills = json_list(&row.skills).join(" ");
    NeedTerms {
        words: key_words(&format!("{} {skills}", row.title)),
        naf: json_list(&row.naf_codes),
        certifications: json_list(&row.certifications),
        radius_km: row.radius_km,
        territory: row.territory_id.clone(),
        region: row.region_code.clone(),
        size: (!row.size.is_empty()).then(|| row.size.clone()),
    }
}

fn point(lat: Option<f64>, lon: Option<f64>) -> Option<Point> {
    Point::new(lat?, lon?)
}

fn firm_terms(f: &q::FirmRow, from: Option<Point>) -> FirmTerms {
    let text = [
        f.name.as_str(),
        &json_list(&f.capabilities).join(" "),
        f.description.as_str(),
        f.naf_label.as_deref().unwrap_or_default(),
    ]
    .join(" ");
    FirmTerms {
        text: fold(&text),
        naf_code: f.naf_code.clone(),
        certifications: json_list(&f.certifications),
        distance_km: from
            .zip(point(f.latitude, f.longitude))
            .map(|(a, b)| a.distance_km(&b)),
        territory: f.territory_id.clone(),
        region: f.region_code.clone(),
        headcount_band: f.headcount_band.clone(),
    }
}

impl NeedService {
    pub fn new(db: DatabaseConnection, index: SearchIndex, public_url: String) -> Self {
        NeedService {
            db,
            index,
            public_url,
            clock: Clock::default(),
        }
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
        let need = draft.validate().map_err(ServiceError::Invalid)?;
        if !sides(viewer).contains(&format!("{}:{}", need.author_kind, need.author_id)) {
            return Err(invalid("author", Problem::AuthorNotYours));
        }
        Ok(need)
    }

    /// Ranks firms for an annonce (the author's own organisation left out).
    pub async fn rank(
        &self,
        row: &NeedRow,
        limit: usize,
        lang: Lang,
    ) -> anyhow::Result<Vec<MatchView>> {
        let terms = terms(row);
        let from = point(row.latitude, row.longitude);
        let text = format!(
            "{} {} {}",
            row.title,
            json_list(&row.skills).join(" "),
            row.description.chars().take(500).collect::<String>()
        );
        let (index, naf, radius) = (self.index.clone(), terms.naf.clone(), row.radius_km);
        let ids = tokio::task::spawn_blocking(move || {
            lookups::candidate_ids(
                &index,
                &text,
                &naf,
                from.map(|p| (p, radius)),
                &["public", "members"],
                CANDIDATES,
            )
        })
        .await
        .context("search task")??;
        let own = PartyKind::Organisation
            .is(&row.author_kind)
            .then(|| row.author_id.clone());
        let mut ranked: Vec<MatchView> = q::firms_by_id(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|f| own.as_deref() != Some(f.id.to_string().as_str()))
            .filter_map(|f| {
                let ft = firm_terms(&f, from);
                if ft.distance_km.is_some_and(|d| d > row.radius_km) {
                    return None;
                }
                let mut m = score(&terms, &ft);
                let why = explain_match(lang, &mut m);
                Some(MatchView {
                    organisation_id: f.id,
                    name: f.name,
                    siret: f.siret,
                    commune: f.commune,
                    score: (m.score * 1000.0).round() / 1000.0,
                    distance_km: ft.distance_km.map(|d| (d * 10.0).round() / 10.0),
                    why,
                    explanation: m.factors,
                })
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.organisation_id.cmp(&b.organisation_id))
        });
        ranked.truncate(limit);
        Ok(ranked)
    }

    async fn side_name(
        &self,
        db: &impl ConnectionTrait,
        kind: &str,
        id: &str,
    ) -> anyhow::Result<Option<String>> {
        #[derive(sea_orm::FromQueryResult)]
        struct N {
            name: String,
        }
        let sql = if PartyKind::Territory.is(kind) {
            "SELECT name FROM territory WHERE id = ?"
        } else {
            "SELECT name FROM organisation WHERE CAST(id AS TEXT) = ?"
        };
        let n: Option<N> = crate::db::fetch_optional(db, sql, vec![id.into()]).await?;
        Ok(n.map(|n| n.name))
    }

    /// Tells a side's people of a step, in their language, at their "matches" frequency.
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        txn: &impl ConnectionTrait,
        side: (&str, &str),
        interest: i64,
        step: &str,
        title: &str,
        other: Option<&str>,
        note: &str,
    ) -> anyhow::Result<()> {
        let link = self.link("/mises-en-relation");
        for p in
            crate::db::accounts::side_people(txn, side.0, side.1, NotificationKind::Matches).await?
        {
            let lang = Lang::from_tag(&p.lang).unwrap_or_default();
            let who = other.map(str::to_owned).unwrap_or_else(|| match lang {
                Lang::Fr => "L'auteur d'une annonce anonyme".into(),
                Lang::En => "The author of an anonymous annonce".into(),
            });
            let what = match (lang, step) {
                (Lang::Fr, "requested") => "demande une mise en relation",
                (Lang::Fr, "discussion") => {
                    "accepte la mise en relation : vous voyez ses coordonnées"
                }
                (Lang::Fr, "declined") => "décline la mise en relation",
                (Lang::Fr, "concluded") => "indique qu'un partenariat est conclu",
                (Lang::Fr, _) => "indique que le partenariat n'est pas conclu",
                (Lang::En, "requested") => "asks to get in touch",
                (Lang::En, "discussion") => "accepts the contact: you see their details",
                (Lang::En, "declined") => "declines the contact",
                (Lang::En, "concluded") => "reports a partnership concluded",
                (Lang::En, _) => "reports the partnership not concluded",
            };
            let line = format!("{who} {what} (« {title} »)");
            let mail = templates::contact_step(&p.email, lang, &p.name, &line, note, &link);
            mail::deliver(
                txn,
                p.id,
                Frequency::of_setting(p.frequency.as_deref()),
                NotificationKind::Matches,
                &format!("interest-{interest}-{step}-{}", p.id),
                &line,
                &link,
                &mail,
            )
            .await?;
        }
        Ok(())
    }

    async fn interest_view(
        &self,
        viewer: &Viewer,
        i: InterestRow,
        need: &NeedRow,
    ) -> anyhow::Result<InterestView> {
        let mine = sides(viewer);
        let (from, to) = (
            format!("{}:{}", i.from_kind, i.from_id),
            format!("{}:{}", i.to_kind, i.to_id),
        );
        let author = author_key(need);
        let hidden = need.is_anonymous() && !accepted(&i.status);
        let contacts = if accepted(&i.status) {
            let people = |kind: String, id: String| async move {
                crate::db::accounts::side_people(&self.db, &kind, &id, NotificationKind::Matches)
                    .await
                    .map(|list| {
                        list.into_iter()
                            .map(|p| (p.name, p.email))
                            .collect::<Vec<_>>()
                    })
            };
            Some((
                people(i.from_kind.clone(), i.from_id.clone()).await?,
                people(i.to_kind.clone(), i.to_id.clone()).await?,
            ))
        } else {
            None
        };
        let actions = match ContactStatus::parse(&i.status) {
            Some(status) => contact::offered(status, contact_side(&mine, &from, &to))
                .into_iter()
                .map(|a| a.code().to_owned())
                .collect(),
            None => Vec::new(),
        };
        Ok(InterestView {
            id: i.id,
            need_id: i.need_id,
            need_title: i.need_title,
            from_name: if hidden && from == author && !mine.contains(&author) {
                String::new()
            } else {
                i.from_name.unwrap_or_default()
            },
            to_name: if hidden && to == author && !mine.contains(&author) {
                None
            } else {
                i.to_name
            },
            message: i.message,
            status: i.status,
            reason: i.reason,
            created_at: i.created_at,
            answered_at: i.answered_at,
            closed_at: i.closed_at,
            contacts,
            actions,
        })
    }

    /// Tells the authors of open annonces about firms newly matching them (top 10 each), as
    /// lines of their "matches" digest. Returns how many new matches were recorded.
    pub async fn record_new_matches(&self) -> anyhow::Result<u64> {
        let rows = q::needs_where(
            &self.db,
            &["n.status = ?"],
            vec![NeedStatus::Open.code().into()],
        )
        .await?;
        let mut recorded = 0;
        for row in rows.iter().filter(|r| !r.is_land()) {
            match self.record_for(row).await {
                Ok(n) => recorded += n,
                Err(e) => {
                    tracing::warn!(need = row.id, error = format!("{e:#}"), "recording matches")
                }
            }
        }
        Ok(recorded)
    }

    /// Records the new top-10 firms of one annonce and tells its author's side.
    async fn record_for(&self, row: &NeedRow) -> anyhow::Result<u64> {
        let matches = self.rank(row, 10, Lang::Fr).await?;
        let txn = self.db.begin().await.context("matches transaction")?;
        let mut new = Vec::new();
        for m in &matches {
            if q::mark_seen(&txn, row.id, m.organisation_id, self.clock.now()).await? {
                new.push(m);
            }
        }
        if !new.is_empty() {
            let link = self.link(&format!("/annonces/{}", row.id));
            let line = format!(
                "« {} » : {}",
                row.title,
                new.iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for p in crate::db::accounts::side_people(
                &txn,
                &row.author_kind,
                &row.author_id,
                NotificationKind::Matches,
            )
            .await?
            {
                if Frequency::of_setting(p.frequency.as_deref()) != Frequency::Off {
                    crate::mail::digest::keep(
                        &txn,
                        p.id,
                        NotificationKind::Matches,
                        &line,
                        &link,
                        self.clock.now(),
                    )
                    .await?;
                }
            }
        }
        txn.commit().await.context("committing matches")?;
        Ok(new.len() as u64)
    }

    /// Records new matches every `every` until the process stops.
    pub fn spawn_matcher(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = self.record_new_matches().await {
                    tracing::warn!(error = format!("{e:#}"), "recording new matches");
                }
            }
        });
    }
}

#[async_trait::async_trait]
impl app::ports::Needs for NeedService {
    async fn list(
        &self,
        filter: &NeedFilter,
        viewer: &Viewer,
    ) -> Result<Vec<NeedSummary>, ServiceError> {
        let mut conditions = Vec::new();
        let mut values: Vec<sea_orm::Value> = Vec::new();
        if !filter.include_closed {
            conditions.push("n.status = ?".to_owned());
            values.push(NeedStatus::Open.code().into());
        }
        if !viewer.signed_in() {
            conditions.push("n.visibility = ?".to_owned());
            values.push(NeedVisibility::Public.code().into());
        }
        if let Some(kind) = &filter.kind {
            conditions.push("n.kind = ?".to_owned());
            values.push(kind.as_str().into());
        }
        if !filter.q.trim().is_empty() {
            let (index, q) = (self.index.clone(), filter.q.clone());
            let ids =
                tokio::task::spawn_blocking(move || lookups::text_ids(&index, &q, "need", 2_000))
                    .await
                    .context("search task")??;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            conditions.push(format!("n.id IN ({})", crate::db::placeholders(ids.len())));
            values.extend(ids.iter().map(|id| (*id).into()));
        }
        let rows = q::needs_where(&self.db, &conditions, values).await?;
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
                interests.push(self.interest_view(viewer, i, &row).await?);
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
        let labels = crate::db::network::division_labels(&self.db).await?;
        let naf_codes = json_list(&row.naf_codes)
            .into_iter()
            .map(|c| {
                let label = labels
                    .iter()
                    .find(|l| c.starts_with(&l.code))
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
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        if row.is_land() {
            return Ok(Vec::new());
        }
        Ok(self.rank(&row, limit.clamp(1, 100), lang).await?)
    }

    async fn land_matches(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<LandMatchView>, ServiceError> {
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        let Some(wanted) = row.land_area_ha.filter(|_| row.is_land()) else {
            return Ok(Vec::new());
        };
        let from = point(row.latitude, row.longitude);
        let mut list: Vec<LandMatchView> = q::available_sites(&self.db, wanted)
            .await?
            .into_iter()
            .filter_map(|s| {
                let d = from
                    .zip(point(s.latitude, s.longitude))
                    .map(|(a, b)| a.distance_km(&b));
                if d.is_some_and(|d| d > row.radius_km) {
                    return None;
                }
                let (score, reasons) = site_score(
                    wanted,
                    s.area_ha,
                    d,
                    row.radius_km,
                    s.turnkey,
                    SiteStatus::parse(&s.status) == Some(SiteStatus::Available),
                );
                Some(LandMatchView {
                    site_id: s.id,
                    name: s.name,
                    commune: s.commune,
                    area_ha: s.area_ha,
                    distance_km: d.map(|d| (d * 10.0).round() / 10.0),
                    score: (score * 1000.0).round() / 1000.0,
                    why: explain_reasons(lang, &reasons),
                })
            })
            .collect();
        list.sort_by(|a, b| b.score.total_cmp(&a.score));
        list.truncate(20);
        Ok(list)
    }

    async fn needs_for_offer(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        let offer = self.row(id).await?;
        if !is_author(viewer, &offer) {
            return Err(ServiceError::Forbidden);
        }
        if !matches!(offer.kind.as_str(), "capacity" | "technology") {
            return Ok(Vec::new());
        }
        // The offer reads as a firm: its text, its first NAF code, its place.
        let offered = FirmTerms {
            text: fold(&format!(
                "{} {} {}",
                offer.title,
                offer.description,
                json_list(&offer.skills).join(" ")
            )),
            naf_code: json_list(&offer.naf_codes).into_iter().next(),
            certifications: json_list(&offer.certifications),
            distance_km: None,
            territory: offer.territory_id.clone(),
            region: offer.region_code.clone(),
            headcount_band: None,
        };
        // What an offer answers: the needs of a supplier, a partner or skills.
        let answered = [NeedKind::Supplier, NeedKind::Partnership, NeedKind::Skills];
        let mut values = vec![NeedStatus::Open.code().into()];
        values.extend(answered.iter().map(|k| k.code().into()));
        let kinds = crate::db::placeholders(answered.len());
        let rows = q::needs_where(
            &self.db,
            &["n.status = ?".to_owned(), format!("n.kind IN ({kinds})")],
            values,
        )
        .await?;
        let here = point(offer.latitude, offer.longitude);
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| author_key(r) != author_key(&offer)) {
            let anonymous = row.is_anonymous();
            let mut need_terms = terms(row);
            // As for firms: an anonymous need is not located through the offer.
            let distance = if anonymous {
                need_terms.territory = None;
                need_terms.region = None;
                None
            } else {
                here.zip(point(row.latitude, row.longitude))
                    .map(|(a, b)| a.distance_km(&b))
            };
            if distance.is_some_and(|d| d > row.radius_km) {
                continue;
            }
            let mut m = score(
                &need_terms,
                &FirmTerms {
                    distance_km: distance,
                    ..offered.clone()
                },
            );
            if m.factors
                .iter()
                .any(|x| x.factor == "sector" || x.factor == "text")
                && m.score >= 0.35
            {
                out.push(NeedForFirm {
                    need: summary(row, !row.is_anonymous()),
                    organisation_id: 0,
                    organisation_name: offer.title.clone(),
                    score: (m.score * 1000.0).round() / 1000.0,
                    why: explain_match(lang, &mut m),
                });
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(20);
        Ok(out)
    }

    async fn for_viewer(
        &self,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        let org_ids = viewer.organisations_spoken_for();
        let firms = q::firms_by_id(&self.db, &org_ids).await?;
        if firms.is_empty() {
            return Ok(Vec::new());
        }
        let rows = q::needs_where(
            &self.db,
            &["n.status = ?", "n.kind <> ?"],
            vec![NeedStatus::Open.code().into(), NeedKind::Land.code().into()],
        )
        .await?;
        let mine = sides(viewer);
        let mut out = Vec::new();
        for row in &rows {
            if mine.contains(&author_key(row)) {
                continue;
            }
            let anonymous = row.is_anonymous();
            let mut terms = terms(row);
            // Where an anonymous author is must not show through a distance, a territory or
            // the radius: the annonce is scored on what it asks, not where it is.
            let from = if anonymous {
                terms.territory = None;
                terms.region = None;
                None
            } else {
                point(row.latitude, row.longitude)
            };
            for f in &firms {
                let ft = firm_terms(f, from);
                if ft.distance_km.is_some_and(|d| d > row.radius_km) {
                    continue;
                }
                let mut m = score(&terms, &ft);
                // Only what a firm could really answer: its activity or words must fit.
                let fits = m
                    .factors
                    .iter()
                    .any(|x| x.factor == "sector" || x.factor == "text");
                if fits && m.score >= 0.35 {
                    out.push(NeedForFirm {
                        need: summary(row, !row.is_anonymous()),
                        organisation_id: f.id,
                        organisation_name: f.name.clone(),
                        score: (m.score * 1000.0).round() / 1000.0,
                        why: explain_match(lang, &mut m),
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(20);
        Ok(out)
    }

    async fn filieres(
        &self,
        territory: &str,
        radius_km: f64,
        viewer: &Viewer,
    ) -> Result<Filieres, ServiceError> {
        let t = q::territory_centre(&self.db, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let labels: std::collections::HashMap<String, String> =
            crate::db::network::division_labels(&self.db)
                .await?
                .into_iter()
                .map(|l| (l.code, l.label))
                .collect();
        let label = |c: &str| labels.get(c).cloned().unwrap_or_default();
        let divisions: Vec<(String, String, u64)> =
            crate::db::organisations::division_counts(&self.db, territory, viewer)
                .await?
                .into_iter()
                .map(|d| (d.code, d.label, d.count))
                .collect();
        let centre = point(t.latitude, t.longitude);
        // Suggestions are looked for up to three times the radius.
        let reach = radius_km * 3.0;
        let nearby = match centre {
            Some(c) => {
                let dlat = reach / 111.2;
                let dlon = reach / (111.2 * c.lat.to_radians().cos().max(0.01));
                q::firms_in_box(
                    &self.db,
                    (c.lat - dlat, c.lat + dlat),
                    (c.lon - dlon, c.lon + dlon),
                    viewer,
                )
                .await?
                .into_iter()
                .filter_map(|f| {
                    let d = Point::new(f.latitude, f.longitude)?.distance_km(&c);
                    (d <= reach).then_some((f, d))
                })
                .collect()
            }
            None => Vec::new(),
        };
        let leading = divisions
            .iter()
            .filter(|(code, _, _)| ("10".."34").contains(&code.as_str()))
            .take(3)
            .map(|(code, name, firms)| LeadingIndustry {
                code: code.clone(),
                label: name.clone(),
                firms: *firms,
                suppliers: app::domain::matching::suppliers_of(code)
                    .into_iter()
                    .map(|(s, _, what)| {
                        let of_division: Vec<&(q::NearbyFirm, f64)> =
                            nearby.iter().filter(|(f, _)| f.division == s).collect();
                        let count =
                            of_division.iter().filter(|(_, d)| *d <= radius_km).count() as u64;
                        let mut outside: Vec<&&(q::NearbyFirm, f64)> = of_division
                            .iter()
                            .filter(|(f, _)| f.territory_id.as_deref() != Some(territory))
                            .collect();
                        outside.sort_by(|a, b| a.1.total_cmp(&b.1));
                        SupplierLink {
                            code: s.to_owned(),
                            label: label(s),
                            what: what.to_owned(),
                            nearby: count,
                            thin: count < THIN_BELOW,
                            suggestions: outside
                                .into_iter()
                                .take(3)
                                .map(|(f, d)| {
                                    (
                                        f.id,
                                        f.name.clone(),
                                        f.commune.clone(),
                                        f.territory_name.clone().unwrap_or_default(),
                                        (d * 10.0).round() / 10.0,
                                    )
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Filieres {
            territory_id: territory.to_owned(),
            name: t.name,
            radius_km,
            divisions,
            leading,
        })
    }

    async fn inbox(&self, viewer: &Viewer) -> Result<Vec<InterestView>, ServiceError> {
        let rows = q::interests_of(&self.db, &sides(viewer)).await?;
        let mut out = Vec::new();
        for i in rows {
            let need = self.row(i.need_id).await?;
            out.push(self.interest_view(viewer, i, &need).await?);
        }
        Ok(out)
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
            return Err(ServiceError::Conflict("already closed".into()));
        }
        record_change(&txn, "need", id, "update").await?;
        txn.commit().await.context("committing an annonce")?;
        Ok(())
    }

    /// Asks for contact: in the name of one of the viewer's organisations on an annonce, or,
    /// from the annonce's author, with a suggested firm (`target`).
    async fn ask(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        need_id: i64,
        as_organisation: Option<i64>,
        target: Option<i64>,
        message: &str,
    ) -> Result<i64, ServiceError> {
        let row = self.row(need_id).await?;
        if !visible(viewer, &row) {
            return Err(ServiceError::NotFound);
        }
        if !row.is_open() {
            return Err(invalid("need", Problem::NeedClosed));
        }
        let message = message.trim();
        if message.is_empty() || message.chars().count() > 5_000 {
            return Err(invalid("message", Problem::MessageRequired));
        }
        let author = author_key(&row);
        let (from, to) = match (target, as_organisation) {
            (Some(firm), _) => {
                let is_firm = crate::db::fetch_count(
                    &self.db,
                    "SELECT COUNT(*) AS n FROM organisation WHERE id = ? AND kind = ?",
                    vec![firm.into(), OrganisationKind::Firm.code().into()],
                )
                .await?
                    == 1;
                if !is_author(viewer, &row) || !is_firm || author == format!("organisation:{firm}")
                {
                    return Err(ServiceError::Forbidden);
                }
                (author.clone(), format!("organisation:{firm}"))
            }
            (None, Some(org)) => {
                let from = format!("organisation:{org}");
                if !sides(viewer).contains(&from) || from == author {
                    return Err(ServiceError::Forbidden);
                }
                (from, author.clone())
            }
            (None, None) => return Err(invalid("as", Problem::OrganisationRequired)),
        };
        let open = q::interests_of_need(&self.db, need_id)
            .await?
            .into_iter()
            .any(|i| {
                format!("{}:{}", i.from_kind, i.from_id) == from
                    && format!("{}:{}", i.to_kind, i.to_id) == to
                    && matches!(
                        ContactStatus::parse(&i.status),
                        Some(ContactStatus::Requested | ContactStatus::Discussion)
                    )
            });
        if open {
            return Err(ServiceError::Conflict("already asked".into()));
        }
        let (fk, fi) = from.split_once(':').unwrap_or_default();
        let (tk, ti) = to.split_once(':').unwrap_or_default();
        let at = self.clock.now();
        let txn = self.db.begin().await.context("interest transaction")?;
        let id =
            q::insert_interest(&txn, need_id, (fk, fi), (tk, ti), user.id, message, at).await?;
        let sender = if from == author && row.is_anonymous() {
            None
        } else {
            self.side_name(&txn, fk, fi).await?
        };
        self.notify(
            &txn,
            (tk, ti),
            id,
            ContactStatus::Requested.code(),
            &row.title,
            sender.as_deref(),
            message,
        )
        .await?;
        txn.commit().await.context("committing an interest")?;
        Ok(id)
    }

    /// Accepts or declines (with a reason) a request addressed to the viewer's side.
    async fn answer(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let i = q::interest(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = sides(viewer);
        let side = contact_side(
            &mine,
            &format!("{}:{}", i.from_kind, i.from_id),
            &format!("{}:{}", i.to_kind, i.to_id),
        );
        let action = if accept {
            ContactAction::Accept
        } else {
            ContactAction::Decline
        };
        let reason = reason.trim();
        let from_status = contact_status(&i.status)?;
        let to = match contact::decide(from_status, side, action, reason) {
            Ok(to) => to.code(),
            Err(ContactRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
            Err(ContactRefusal::Missing(ContactRequirement::Reason)) => {
                return Err(invalid("reason", Problem::ReasonRequired))
            }
        };
        let row = self.row(i.need_id).await?;
        if !row.is_open() {
            return Err(invalid("need", Problem::NeedClosed));
        }
        let txn = self.db.begin().await.context("interest transaction")?;
        if !q::set_interest_status(
            &txn,
            id,
            from_status.code(),
            to,
            reason,
            user.id,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(
                "the request changed meanwhile".into(),
            ));
        }
        // An anonymous author declining stays anonymous; accepting reveals them.
        let answering_author = format!("{}:{}", i.to_kind, i.to_id) == author_key(&row);
        let name = if answering_author && row.is_anonymous() && !accept {
            None
        } else {
            i.to_name.clone()
        };
        self.notify(
            &txn,
            (&i.from_kind, &i.from_id),
            id,
            to,
            &i.need_title,
            name.as_deref(),
            reason,
        )
        .await?;
        txn.commit().await.context("committing an interest")?;
        Ok(())
    }

    /// Records how an accepted contact ended: partnership concluded or not.
    async fn conclude(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        concluded: bool,
    ) -> Result<(), ServiceError> {
        let i = q::interest(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = sides(viewer);
        let (from, to) = (
            format!("{}:{}", i.from_kind, i.from_id),
            format!("{}:{}", i.to_kind, i.to_id),
        );
        let action = if concluded {
            ContactAction::Concluded
        } else {
            ContactAction::NotConcluded
        };
        let from_status = contact_status(&i.status)?;
        let status = match contact::decide(from_status, contact_side(&mine, &from, &to), action, "")
        {
            Ok(status) => status.code(),
            Err(_) => return Err(ServiceError::Forbidden),
        };
        let txn = self.db.begin().await.context("interest transaction")?;
        if !q::set_interest_status(
            &txn,
            id,
            from_status.code(),
            status,
            "",
            user.id,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(
                "the contact changed meanwhile".into(),
            ));
        }
        let (other, me) = if mine.contains(&from) {
            ((i.to_kind.as_str(), i.to_id.as_str()), i.from_name.clone())
        } else {
            (
                (i.from_kind.as_str(), i.from_id.as_str()),
                i.to_name.clone(),
            )
        };
        self.notify(&txn, other, id, status, &i.need_title, me.as_deref(), "")
            .await?;
        txn.commit().await.context("committing an interest")?;
        Ok(())
    }
}
