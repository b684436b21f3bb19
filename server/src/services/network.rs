//! The European network: partner suggestions (scored by `app::domain::partners`), best
//! practices, and exchanges between territories and districts with their notices.

use crate::clock::Clock;
use crate::db::network::{self as q, DistrictRow, ExchangeRow, PracticeRow};
use crate::db::organisations::record_change;
use crate::mail::{self, templates};
use crate::search::{lookups, SearchIndex};
use crate::services::accounts::{record_invitation, Invitation};
use anyhow::Context;
use app::api::accounts::CurrentUser;
use app::api::network::{
    exchange_actions, explain, DistrictDraft, ExchangeDraft, ExchangeReport, ExchangeView,
    PartnerSuggestion, Partners, PracticeDetail, PracticeDraft, PracticeFilter, PracticeList,
    PracticeSummary, Side,
};
use app::domain::exchange::{
    self, ExchangeAction, ExchangeInput, ExchangeRefusal, ExchangeRequirement, ExchangeStatus,
};
use app::domain::organisation::{OrganisationKind, PartyKind};
use app::domain::partners::{challenges_from_needs, similarity, Profile};
use app::domain::policy::{Role, Scope, Viewer};
use app::error::{Conflict, FieldError, Problem, Said};

/// An exchange's recorded status; a value outside the vocabulary (the schema refuses them)
/// is an internal error, never a step taken.
fn exchange_status(code: &str) -> Result<ExchangeStatus, ServiceError> {
    ExchangeStatus::parse(code)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("exchange status {code:?}")))
}
use app::domain::notification::{Frequency, NotificationKind};
use app::i18n::{t, Key, Lang};
use app::ports::{ServiceError, Told};
use sea_orm::{DatabaseConnection, TransactionTrait};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Suggestions shown.
const TOP: usize = 10;

/// Everything compared, loaded together.
struct Profiles {
    territories: Vec<(q::TerritoryTextRow, Profile)>,
    districts: Vec<(DistrictRow, Profile)>,
    labels: HashMap<String, String>,
}

/// Profiles with the journal position they were read at.
#[derive(Clone)]
pub struct NetworkService {
    db: DatabaseConnection,
    index: SearchIndex,
    public_url: String,
    /// The profiles and the journal position they were read at: any write to firms,
    /// territories or districts moves the journal, and the profiles are read again.
    cache: crate::db::JournalCache<Profiles>,
    /// The time every rule and record of this service is judged by.
    clock: Clock,
}

fn invalid(field: &str, said: impl Into<Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, said)])
}

/// Territories the viewer speaks for (the policy's rule).
fn team_territories(viewer: &Viewer) -> Vec<String> {
    viewer.territories_spoken_for()
}

/// Organisations the viewer speaks for (districts among them speak through these), as the
/// exchange table stores their ids.
fn organisations(viewer: &Viewer) -> Vec<String> {
    viewer
        .organisations_spoken_for()
        .iter()
        .map(i64::to_string)
        .collect()
}

fn practice_summary(r: &PracticeRow) -> PracticeSummary {
    PracticeSummary {
        id: r.id,
        title: r.title.clone(),
        theme: r.theme.clone(),
        author_kind: r.author_kind.clone(),
        author_id: r.author_id.clone(),
        author_name: r.author_name.clone().unwrap_or_default(),
        lang: r.lang.clone(),
        created_at: r.created_at,
        is_demo: r.is_demo,
    }
}

impl NetworkService {
    pub fn new(db: DatabaseConnection, index: SearchIndex, public_url: String) -> Self {
        NetworkService {
            db,
            index,
            public_url,
            clock: Clock::default(),
            cache: Default::default(),
        }
    }

    /// The same service judging time by `clock` (the server's, which tests move).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    async fn profiles(&self) -> anyhow::Result<Arc<Profiles>> {
        self.cache.get(&self.db, || self.read_profiles()).await
    }

    async fn read_profiles(&self) -> anyhow::Result<Profiles> {
        let mut divisions: HashMap<String, BTreeMap<String, f64>> = HashMap::new();
        for r in q::territory_divisions(&self.db).await? {
            divisions
                .entry(r.territory)
                .or_default()
                .insert(r.division, r.n as f64);
        }
        let territories = q::territories(&self.db)
            .await?
            .into_iter()
            .map(|t| {
                let mut challenges: Vec<String> = t
                    .challenges
                    .as_deref()
                    .map(crate::db::json_list)
                    .unwrap_or_default();
                challenges.extend(challenges_from_needs(
                    t.needs_skills.as_deref().unwrap_or_default(),
                    t.needs_land.as_deref().unwrap_or_default(),
                    t.needs_housing.as_deref().unwrap_or_default(),
                    t.needs_mobility.as_deref().unwrap_or_default(),
                ));
                let profile = Profile {
                    divisions: divisions.remove(&t.id).unwrap_or_default(),
                    challenges: challenges.into_iter().collect(),
                    text: t.strengths.clone().unwrap_or_default(),
                };
                (t, profile)
            })
            .collect();
        let districts = q::districts(&self.db)
            .await?
            .into_iter()
            .map(|d| {
                let profile = Profile {
                    divisions: d.divisions().into_iter().map(|c| (c, 1.0)).collect(),
                    challenges: d.challenge_list().into_iter().collect(),
                    text: format!("{} {}", d.description, d.description_en),
                };
                (d, profile)
            })
            .collect();
        let labels = q::division_labels(&self.db)
            .await?
            .into_iter()
            .map(|l| (l.code, l.label))
            .collect();
        Ok(Profiles {
            territories,
            districts,
            labels,
        })
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    /// Which side of an exchange the viewer is on.
    fn side(viewer: &Viewer, x: &ExchangeRow) -> Side {
        let territories = team_territories(viewer);
        if territories.contains(&x.from_territory) {
            Side::Proposer
        } else if (PartyKind::Territory.is(&x.to_kind) && territories.contains(&x.to_id))
            || (PartyKind::District.is(&x.to_kind) && organisations(viewer).contains(&x.to_id))
        {
            Side::Recipient
        } else {
            Side::Neither
        }
    }

    fn view(viewer: &Viewer, x: ExchangeRow) -> ExchangeView {
        let side = Self::side(viewer, &x);
        ExchangeView {
            actions: exchange_actions(&x.status, side)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            id: x.id,
            from_territory: x.from_territory,
            from_name: x.from_name,
            to_kind: x.to_kind,
            to_id: x.to_id,
            to_name: x.to_name.unwrap_or_default(),
            practice: x.practice_id.zip(x.practice_title),
            theme: x.theme,
            format: x.format,
            message: x.message,
            status: x.status,
            reason: x.reason,
            start_date: x.start_date,
            end_date: x.end_date,
            participants: x.participants,
            outcome: x.outcome,
            created_at: x.created_at,
            answered_at: x.answered_at,
            reported_at: x.reported_at,
        }
    }

    /// Mails the people of one side of an exchange, each in their language.
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        kind: &str,
        id: &str,
        exchange: i64,
        step: &str,
        line: &(dyn Fn(Lang) -> String + Sync),
        note: &str,
    ) -> anyhow::Result<Told> {
        let link = self.link(&format!("/echanges/{exchange}"));
        let people =
            crate::db::accounts::side_people(txn, kind, id, NotificationKind::Exchanges).await?;
        let mut told = Told::default();
        for p in people {
            let lang = Lang::from_tag(&p.lang).unwrap_or_default();
            let line = line(lang);
            let mail = templates::exchange_step(&p.email, lang, &p.name, &line, note, &link);
            told.0 += u32::from(
                mail::deliver(
                    txn,
                    p.id,
                    Frequency::of_setting(p.frequency.as_deref()),
                    NotificationKind::Exchanges,
                    &format!("exchange-{exchange}-{step}-{}", p.id),
                    &line,
                    &link,
                    &mail,
                )
                .await?,
            );
        }
        Ok(told)
    }
}

#[allow(clippy::too_many_arguments)]
fn suggestion(
    lang: Lang,
    labels: &HashMap<String, String>,
    kind: &str,
    id: String,
    name: String,
    country: String,
    place: String,
    a: &Profile,
    b: &Profile,
) -> PartnerSuggestion {
    let s = similarity(a, b);
    let label = |code: &str| labels.get(code).cloned().unwrap_or_default();
    PartnerSuggestion {
        kind: kind.to_owned(),
        id,
        name,
        country,
        place,
        score: (s.score * 1000.0).round() / 1000.0,
        explanation: explain(lang, &s, &label),
        factors: s.factors,
    }
}

fn rank(mut list: Vec<PartnerSuggestion>) -> Vec<PartnerSuggestion> {
    list.retain(|s| s.score > 0.0);
    list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)));
    list.truncate(TOP);
    list
}

#[async_trait::async_trait]
impl app::ports::Network for NetworkService {
    async fn territory_partners(
        &self,
        id: &str,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Partners, ServiceError> {
        let p = self.profiles().await?;
        let (me, mine) = p
            .territories
            .iter()
            .find(|(t, _)| t.id == id)
            .ok_or(ServiceError::NotFound)?;
        let districts = rank(
            p.districts
                .iter()
                .map(|(d, profile)| {
                    suggestion(
                        lang,
                        &p.labels,
                        PartyKind::District.code(),
                        d.id.to_string(),
                        d.name.clone(),
                        d.country_code.clone(),
                        d.nuts_label.clone().unwrap_or_default(),
                        mine,
                        profile,
                    )
                })
                .collect(),
        );
        let territories = rank(
            p.territories
                .iter()
                .filter(|(t, _)| t.id != me.id)
                .map(|(t, profile)| {
                    suggestion(
                        lang,
                        &p.labels,
                        PartyKind::Territory.code(),
                        t.id.clone(),
                        t.name.clone(),
                        "FR".into(),
                        t.region_name.clone(),
                        mine,
                        profile,
                    )
                })
                .collect(),
        );
        let total: f64 = mine.divisions.values().sum();
        let mut profile: Vec<(String, String, f64)> = mine
            .divisions
            .iter()
            .map(|(code, n)| {
                (
                    code.clone(),
                    p.labels.get(code).cloned().unwrap_or_default(),
                    if total > 0.0 { n / total } else { 0.0 },
                )
            })
            .collect();
        profile.sort_by(|a, b| b.2.total_cmp(&a.2));
        profile.truncate(8);
        Ok(Partners {
            id: me.id.clone(),
            name: me.name.clone(),
            districts,
            territories,
            profile,
            may_propose: team_territories(viewer).contains(&me.id),
        })
    }

    async fn district_partners(&self, id: i64, lang: Lang) -> Result<Partners, ServiceError> {
        let p = self.profiles().await?;
        let (d, theirs) = p
            .districts
            .iter()
            .find(|(d, _)| d.id == id)
            .ok_or(ServiceError::NotFound)?;
        // Ranked from the district's side: how much of each territory is in its specialisation.
        let territories = rank(
            p.territories
                .iter()
                .map(|(t, profile)| {
                    suggestion(
                        lang,
                        &p.labels,
                        PartyKind::Territory.code(),
                        t.id.clone(),
                        t.name.clone(),
                        "FR".into(),
                        t.region_name.clone(),
                        profile,
                        theirs,
                    )
                })
                .collect(),
        );
        Ok(Partners {
            id: d.id.to_string(),
            name: d.name.clone(),
            districts: Vec::new(),
            territories,
            profile: d
                .divisions()
                .into_iter()
                .map(|c| {
                    let label = p.labels.get(&c).cloned().unwrap_or_default();
                    (c, label, 1.0)
                })
                .collect(),
            may_propose: false,
        })
    }

    async fn practices(&self, filter: &PracticeFilter) -> Result<PracticeList, ServiceError> {
        // A filter built by a client skips `from_pairs`: keep paging in range here too.
        let mut filter = filter.clone();
        filter.page = filter.page.clamp(1, 100_000);
        filter.per_page = filter.per_page.clamp(1, 100);
        let filter = &filter;
        let ranked = if filter.q.trim().is_empty() {
            None
        } else {
            Some(lookups::text_ids_async(&self.index, &filter.q, "practice", 2_000).await?)
        };
        if let Some(ids) = &ranked {
            if ids.is_empty() {
                return Ok(PracticeList {
                    total: 0,
                    page: filter.page,
                    per_page: filter.per_page,
                    items: Vec::new(),
                });
            }
        }
        let listed = q::PracticeWhere {
            theme: filter.theme.as_deref(),
            lang: filter.lang.as_deref(),
            author: filter.author.as_deref().and_then(|a| a.split_once(':')),
            ids: ranked.as_deref(),
        };
        let mut rows = crate::db::list(&self.db, &listed).await?;
        if let Some(ids) = &ranked {
            let rank: HashMap<i64, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            rows.sort_by_key(|r| rank.get(&r.id).copied().unwrap_or(usize::MAX));
        }
        let total = rows.len() as u64;
        let start = ((filter.page.max(1) - 1) * filter.per_page) as usize;
        Ok(PracticeList {
            total,
            page: filter.page.max(1),
            per_page: filter.per_page,
            items: rows
                .iter()
                .skip(start)
                .take(filter.per_page as usize)
                .map(practice_summary)
                .collect(),
        })
    }

    async fn practice(&self, id: i64, viewer: &Viewer) -> Result<PracticeDetail, ServiceError> {
        let r = q::practice(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let from: Vec<String> = team_territories(viewer)
            .into_iter()
            .filter(|t| !(PartyKind::Territory.is(&r.author_kind) && &r.author_id == t))
            .collect();
        let propose_from = crate::db::directory::territory_names(&self.db, &from)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect();
        Ok(PracticeDetail {
            summary: practice_summary(&r),
            context: r.context,
            actions: r.actions,
            results: r.results,
            cost: r.cost,
            partners: r.partners,
            contact: r.contact,
            propose_from,
        })
    }

    async fn exchanges(&self, viewer: &Viewer) -> Result<Vec<ExchangeView>, ServiceError> {
        let rows =
            q::exchanges_of(&self.db, &team_territories(viewer), &organisations(viewer)).await?;
        Ok(rows.into_iter().map(|x| Self::view(viewer, x)).collect())
    }

    async fn exchange(&self, id: i64, viewer: &Viewer) -> Result<ExchangeView, ServiceError> {
        let x = q::exchange(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if Self::side(viewer, &x) == Side::Neither {
            return Err(ServiceError::NotFound);
        }
        Ok(Self::view(viewer, x))
    }

    /// Publishes a practice in the name of a territory or district the writer speaks for.
    async fn create_practice(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: PracticeDraft,
    ) -> Result<i64, ServiceError> {
        let draft = draft.validate().map_err(ServiceError::Invalid)?;
        let (kind, author) = draft
            .author
            .split_once(':')
            .ok_or_else(|| invalid("author", Problem::AuthorInvalid))?;
        let allowed = match PartyKind::parse(kind) {
            Some(PartyKind::Territory) => team_territories(viewer).iter().any(|t| t == author),
            Some(PartyKind::District) => {
                organisations(viewer).iter().any(|o| o == author)
                    && q::districts(&self.db)
                        .await?
                        .iter()
                        .any(|d| d.id.to_string() == author)
            }
            _ => false,
        };
        if !allowed {
            return Err(invalid("author", Problem::AuthorNotYours));
        }
        let txn = self.db.begin().await.context("practice transaction")?;
        let id = q::insert_practice(
            &txn,
            kind,
            author,
            &draft,
            Some(user.id),
            self.clock.now(),
            false,
        )
        .await?;
        record_change(&txn, "practice", id, "insert").await?;
        txn.commit().await.context("committing a practice")?;
        Ok(id)
    }

    /// Proposes an exchange from one of the viewer's territories.
    async fn propose_exchange(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &ExchangeDraft,
    ) -> Result<(i64, Told), ServiceError> {
        let ExchangeDraft {
            from,
            to,
            practice_id,
            theme,
            format,
            message,
            start_date,
        } = draft;
        let (from, to, format) = (from.as_str(), to.as_str(), format.as_str());
        let practice_id = practice_id.trim().parse::<i64>().ok();
        if !team_territories(viewer).iter().any(|t| t == from) {
            return Err(ServiceError::Forbidden);
        }
        let (to_kind, to_id) = to
            .split_once(':')
            .ok_or_else(|| invalid("to", Problem::PartnerInvalid))?;
        let to_name = match PartyKind::parse(to_kind) {
            Some(PartyKind::Territory) if to_id != from => {
                crate::db::directory::territory_names(&self.db, &[to_id.to_owned()])
                    .await?
                    .pop()
                    .map(|n| n.name)
            }
            Some(PartyKind::District) => q::districts(&self.db)
                .await?
                .into_iter()
                .find(|d| d.id.to_string() == to_id)
                .map(|d| d.name),
            _ => None,
        }
        .ok_or_else(|| invalid("to", Problem::PartnerInvalid))?;
        if app::domain::exchange::ExchangeFormat::parse(format).is_none() {
            return Err(invalid("format", Problem::FormatInvalid));
        }
        let message = message.trim();
        if message.is_empty() || message.chars().count() > 5_000 {
            return Err(invalid("message", Problem::MessageRequired));
        }
        let start_date = start_date.trim();
        if !start_date.is_empty() && !app::domain::organisation::is_iso_date(start_date) {
            return Err(invalid("start_date", Problem::DateInvalid));
        }
        if let Some(p) = practice_id {
            if q::practice(&self.db, p).await?.is_none() {
                return Err(invalid("practice_id", Problem::PracticeInvalid));
            }
        }
        let from_name = crate::db::directory::territory_names(&self.db, &[from.to_owned()])
            .await?
            .pop()
            .map(|n| n.name)
            .unwrap_or_default();
        let theme = theme.trim();
        if theme.chars().count() > 200 {
            return Err(invalid("theme", Problem::TextTooLong));
        }
        let txn = self.db.begin().await.context("exchange transaction")?;
        let id = q::insert_exchange(
            &txn,
            from,
            to_kind,
            to_id,
            practice_id,
            theme,
            format,
            message,
            start_date,
            user.id,
            self.clock.now(),
        )
        .await?;
        let told = self
            .notify(
                &txn,
                to_kind,
                to_id,
                id,
                "proposed",
                &|lang| {
                    format!(
                        "{} {from_name} → {to_name}",
                        t(lang, Key::MailExchangeProposed)
                    )
                },
                message,
            )
            .await?;
        txn.commit().await.context("committing an exchange")?;
        Ok((id, told))
    }

    /// Accepts or declines (with a reason) an exchange proposed to the viewer's side.
    async fn answer_exchange(
        &self,
        viewer: &Viewer,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<Told, ServiceError> {
        let x = q::exchange(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let action = if accept {
            ExchangeAction::Accept
        } else {
            ExchangeAction::Decline
        };
        let reason = reason.trim();
        let status = exchange_status(&x.status)?;
        let input = ExchangeInput {
            reason,
            ..ExchangeInput::default()
        };
        let to = match exchange::decide(status, Self::side(viewer, &x), action, &input) {
            Ok(to) => to.code(),
            Err(ExchangeRefusal::Missing(_)) => {
                return Err(invalid("reason", Problem::ReasonRequired))
            }
            Err(ExchangeRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
        };
        let txn = self.db.begin().await.context("exchange transaction")?;
        if !q::set_exchange_status(
            &txn,
            id,
            &x.status,
            to,
            reason,
            None,
            "",
            "",
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        let to_name = x.to_name.clone().unwrap_or_default();
        let key = if accept {
            Key::MailExchangeAccepted
        } else {
            Key::MailExchangeDeclined
        };
        let told = self
            .notify(
                &txn,
                PartyKind::Territory.code(),
                &x.from_territory,
                id,
                to,
                &|lang| format!("{to_name} : {}", t(lang, key)),
                reason,
            )
            .await?;
        txn.commit().await.context("committing an exchange")?;
        Ok(told)
    }

    /// Records how an accepted exchange went: dates, participants, outcome.
    async fn report_exchange(
        &self,
        viewer: &Viewer,
        id: i64,
        report: &ExchangeReport,
    ) -> Result<(), ServiceError> {
        let ExchangeReport {
            start_date,
            end_date,
            participants,
            outcome,
        } = report;
        let x = q::exchange(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let side = Self::side(viewer, &x);
        let (start, end) = (start_date.trim(), end_date.trim());
        let (participants, outcome) = (participants.trim(), outcome.trim());
        let status = exchange_status(&x.status)?;
        let input = ExchangeInput {
            start_date: start,
            end_date: end,
            outcome,
            ..ExchangeInput::default()
        };
        let to = match exchange::decide(status, side, ExchangeAction::Report, &input) {
            Ok(to) => to.code(),
            Err(ExchangeRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
            Err(ExchangeRefusal::Missing(ExchangeRequirement::Dates)) => {
                let field = if app::domain::organisation::is_iso_date(start) {
                    "end_date"
                } else {
                    "start_date"
                };
                return Err(invalid(field, Problem::DateInvalid));
            }
            Err(ExchangeRefusal::Missing(_)) => {
                return Err(invalid("outcome", Problem::OutcomeRequired))
            }
        };
        let txn = self.db.begin().await.context("exchange transaction")?;
        if !q::set_exchange_status(
            &txn,
            id,
            status.code(),
            to,
            "",
            Some((start, end)),
            participants,
            outcome,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        // The other side hears of the report.
        let (kind, other) = match side {
            Side::Proposer => (x.to_kind.as_str(), x.to_id.as_str()),
            _ => (PartyKind::Territory.code(), x.from_territory.as_str()),
        };
        let title = format!(
            "{} → {}",
            x.from_name,
            x.to_name.clone().unwrap_or_default()
        );
        self.notify(
            &txn,
            kind,
            other,
            id,
            "completed",
            &|lang| format!("{title} : {}", t(lang, Key::MailExchangeReported)),
            outcome,
        )
        .await?;
        txn.commit().await.context("committing an exchange")?;
        Ok(())
    }

    /// A district's challenges and contact, written by its managers (its organisation's
    /// administrators).
    async fn update_district_profile(
        &self,
        viewer: &Viewer,
        id: i64,
        challenges: &[String],
        contact_name: &str,
        contact_email: &str,
    ) -> Result<(), ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        if !q::districts(&self.db).await?.iter().any(|d| d.id == id) {
            return Err(ServiceError::NotFound);
        }
        if !can(viewer, Action::Edit, &Resource::Organisation(id)) {
            return Err(ServiceError::Forbidden);
        }
        let mut list: Vec<String> = challenges.iter().map(|c| c.trim().to_owned()).collect();
        list.sort();
        list.dedup();
        if list
            .iter()
            .any(|c| app::domain::theme::Theme::parse(c).is_none())
        {
            return Err(invalid("challenges", Problem::ChallengeInvalid));
        }
        let email = contact_email.trim();
        if !email.is_empty() && app::domain::ids::Email::parse(email).is_err() {
            return Err(invalid("contact_email", Problem::EmailInvalid));
        }
        let contact_name = contact_name.trim();
        if contact_name.chars().count() > 200 {
            return Err(invalid("contact_name", Problem::TextTooLong));
        }
        let txn = self.db.begin().await.context("district transaction")?;
        use sea_orm::ConnectionTrait;
        txn.execute(crate::db::stmt(
            &txn,
            "DELETE FROM district_profile WHERE organisation_id = ?",
            vec![id.into()],
        ))
        .await
        .context("replacing a district profile")?;
        txn.execute(crate::db::stmt(
            &txn,
            "INSERT INTO district_profile (organisation_id, challenges, contact_name, contact_email, updated_at) \
             VALUES (?, ?, ?, ?, ?)",
            vec![
                id.into(),
                serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()).into(),
                contact_name.into(),
                email.into(),
                self.clock.now().into(),
            ],
        ))
        .await
        .context("writing a district profile")?;
        record_change(&txn, "organisation", id, "update").await?;
        txn.commit()
            .await
            .context("committing a district profile")?;
        Ok(())
    }

    /// Creates a district profile (platform administrators), before its manager is invited
    /// to complete it. Returns the new organisation's id.
    async fn create_district(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &DistrictDraft,
    ) -> Result<i64, ServiceError> {
        use app::domain::policy::{can, Action, Resource};
        if !can(viewer, Action::Invite, &Resource::Platform) {
            return Err(ServiceError::Forbidden);
        }
        let DistrictDraft {
            name,
            country,
            nuts_code,
            nace_divisions: divisions,
            specialisation_fr,
            specialisation_en,
            language,
            manager_email,
        } = draft;
        // The manager's address first: a bad one creates nothing.
        let manager = app::domain::ids::Email::parse(manager_email.trim())
            .map_err(|_| invalid("manager_email", Problem::EmailInvalid))?;
        let name = name.trim();
        if !(3..=200).contains(&name.chars().count()) {
            return Err(invalid("name", Problem::NameRequired));
        }
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) || country == "FR"
        {
            return Err(invalid("country", Problem::CountryInvalid));
        }
        let nuts = nuts_code.trim().to_ascii_uppercase();
        if !nuts.starts_with(&country)
            || crate::db::fetch_count(
                &self.db,
                "SELECT COUNT(*) AS n FROM nuts_region WHERE code = ?",
                vec![nuts.as_str().into()],
            )
            .await?
                == 0
        {
            return Err(invalid("nuts_code", Problem::NutsInvalid));
        }
        let labels = q::division_labels(&self.db).await?;
        let codes: Vec<String> = crate::db::code_list(divisions);
        if codes.is_empty() || codes.iter().any(|c| !labels.iter().any(|l| &l.code == c)) {
            return Err(invalid("nace_divisions", Problem::DivisionsInvalid));
        }
        let language = language.trim().to_ascii_lowercase();
        if language.len() != 2 || !language.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(invalid("language", Problem::LanguageInvalid));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.context("district transaction")?;
        #[derive(sea_orm::FromQueryResult)]
        struct Id {
            id: i64,
        }
        let row: Option<Id> = crate::db::fetch_optional(
            &txn,
            "INSERT INTO organisation (kind, name, country_code, nuts_code, description, description_en, \
             nace_divisions, languages, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            vec![
                OrganisationKind::District.code().into(),
                name.into(),
                country.as_str().into(),
                nuts.as_str().into(),
                specialisation_fr.trim().into(),
                specialisation_en.trim().into(),
                serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into()).into(),
                serde_json::json!([language, "en"]).to_string().into(),
                at.into(),
                at.into(),
            ],
        )
        .await?;
        let id = row.context("the new district's id")?.id;
        record_change(&txn, "organisation", id, "insert").await?;
        let scope = Scope::Organisation(id);
        if !app::domain::policy::may_grant(
            viewer,
            Role::Admin,
            app::domain::policy::Place::outside_regions(&scope),
        ) {
            return Err(ServiceError::Forbidden);
        }
        let lang = match crate::db::accounts::user_by_email(&txn, manager.as_str()).await? {
            Some(u) => Lang::from_tag(&u.lang).unwrap_or_default(),
            None => Lang::from_tag(&user.lang).unwrap_or_default(),
        };
        let invitation = Invitation {
            inviter: user,
            email: &manager,
            scope: &scope,
            role: Role::Admin,
            label: name,
            lang,
        };
        record_invitation(&txn, &self.public_url, at, &invitation).await?;
        txn.commit().await.context("committing a district")?;
        Ok(id)
    }
}
