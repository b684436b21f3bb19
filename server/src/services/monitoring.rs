//! Scorecards (`app::domain::monitoring`): every record they count is read in one pass per
//! kind of record (`db::monitoring`), then each fiche is judged once for the reader with the
//! fiches' own rules (`may_read`, `may_see_amounts` over `ties`), and the figures of the
//! territories, regions and nation are summed from there, each amount cell as `total` allows.
//! The fiches are kept between requests and patched from the `changes` journal (see [`Plan`]):
//! the first request after a write reads the fiche written, and the activity, again.

use super::action_sheets::{
    funder_key_of, money_cell, money_totals, total_row, MoneyEntry, MoneyPart,
};
use crate::clock::Clock;
use crate::db::monitoring as q;
use anyhow::Context;
use app::api::action_sheets::TotalRow;
use app::api::monitoring::{
    AxisRow, Figures, IndicatorRow, QuarterRow, ScopeRow, Scorecard, ScorecardQuery, WaitRow,
};
use app::api::monitoring::{
    EvaluationSummary, EvaluationView, Evaluations, Narrative, ReportCell, ReportDraft,
    ReportLineDraft, ReporterRow, ReportsView,
};
use app::domain::action_sheet::{
    self as rule, may_read, may_see_amounts, ties, Cell, Funder, FunderKind, Indicator, Instrument,
    Part, Parties, PorteurKind, SheetStatus,
};
use app::domain::monitoring::{
    may_open_evaluation, may_report, narrative_authors, EvaluationKind, NarrativeAuthor, Period,
    Quarter, Reporter, Scope, MAX_EVALUATION_TITLE, MAX_NARRATIVE, MAX_REPORT_ACTION,
    MAX_REPORT_LINES, REPORT_REMINDER_DAYS,
};
use app::domain::policy::{Membership, Role, Scope as Seat, Viewer};
use app::domain::proposal::{days_by_level, Level, Status, ALL_LEVELS};
use app::domain::text::{from_iso_date, iso_date};
use app::domain::theme::Axis;
use app::error::{FieldError, Problem};
use app::ports::ServiceError;
use sea_orm::DatabaseConnection;
use sea_orm::TransactionTrait;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Clone)]
pub struct MonitoringService {
    db: DatabaseConnection,
    clock: Clock,
    /// The fiches as last read, and the journal position they were read at.
    plan: std::sync::Arc<tokio::sync::Mutex<PlanSlot>>,
}

/// A plan and the journal position it was read at.
type PlanSlot = Option<(i64, std::sync::Arc<Plan>)>;

/// The fiches, their lines, partners and indicators, and the territories: what a scorecard
/// counts most of. Kept between requests and brought up to date from the `changes` journal:
/// a write to a fiche journals it, and the next scorecard reads that fiche again, not all.
#[derive(Clone)]
pub struct Plan {
    territories: Vec<q::TerritoryFact>,
    /// Each territory's regions, the lead first.
    regions_of: HashMap<String, Vec<String>>,
    region_names: BTreeMap<String, String>,
    sheets: Vec<q::SheetFact>,
    partners: HashMap<i64, Vec<i64>>,
    lines: HashMap<i64, Vec<q::LineFact>>,
    funder_names: HashMap<String, String>,
    indicators: HashMap<i64, Vec<Measured>>,
}

/// Everything a scorecard counts: the plan, and the activity read at each request.
pub struct Facts {
    plan: std::sync::Arc<Plan>,
    contacts: Vec<q::ContactFact>,
    exchanges: Vec<q::ExchangeFact>,
    proposals: Vec<q::ProposalFact>,
    /// Per proposal, the states it entered, in order.
    steps: HashMap<i64, Vec<(i64, Status)>>,
}

impl std::ops::Deref for Facts {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        &self.plan
    }
}

/// Changes past which the plan is read again whole rather than patched.
const PATCH_LIMIT: u64 = 1_000;

/// An indicator of the national list: its code, target, and dated values in order.
type Measured = (Indicator, f64, Vec<(i64, f64)>);

/// How the reader stands towards one fiche: `None` when they may not read it, else whether
/// they may see its amounts.
type Reading = Option<bool>;

/// What is counted per territory besides fiches.
#[derive(Default, Clone, Copy)]
struct Activity {
    contacts_requested: u64,
    partnerships: u64,
    exchanges: u64,
    proposals_sent: u64,
    proposals_answered: u64,
    /// Per level: proposals that reached it, days they waited there.
    waits: [(u64, f64); 3],
}

impl Activity {
    fn add(&mut self, o: &Activity) {
        self.contacts_requested += o.contacts_requested;
        self.partnerships += o.partnerships;
        self.exchanges += o.exchanges;
        self.proposals_sent += o.proposals_sent;
        self.proposals_answered += o.proposals_answered;
        for (w, x) in self.waits.iter_mut().zip(o.waits) {
            w.0 += x.0;
            w.1 += x.1;
        }
    }
}

/// One fiche as counted for one reader over one period.
struct Counted<'a> {
    fact: &'a q::SheetFact,
    porteur: i64,
    shown: bool,
}

impl MonitoringService {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        MonitoringService {
            db,
            clock,
            plan: Default::default(),
        }
    }

    /// The plan as of the journal's current position: kept, patched with the fiches written
    /// since, or read whole (the first time, after a bulk load, or past [`PATCH_LIMIT`]).
    async fn plan(&self) -> anyhow::Result<std::sync::Arc<Plan>> {
        let position = crate::db::journal_position(&self.db).await?;
        let mut slot = self.plan.lock().await;
        if let Some((at, plan)) = slot.as_ref() {
            if *at == position {
                return Ok(plan.clone());
            }
            let changed = q::changes_between(&self.db, *at, position, PATCH_LIMIT + 1).await?;
            let mut sheets = std::collections::BTreeSet::new();
            let mut organisations = Vec::new();
            let mut whole = changed.len() as u64 > PATCH_LIMIT;
            for c in &changed {
                match c.entity.as_str() {
                    "action_sheet" => {
                        sheets.insert(c.entity_id);
                    }
                    // A porteur's, partner's or funder's kind or name.
                    "organisation" => organisations.push(c.entity_id),
                    "*" | "territory" => whole = true,
                    _ => {}
                }
            }
            if !whole {
                let plan = if sheets.is_empty() && organisations.is_empty() {
                    plan.clone()
                } else {
                    std::sync::Arc::new(self.patched(plan, sheets, &organisations).await?)
                };
                *slot = Some((position, plan.clone()));
                return Ok(plan);
            }
        }
        let plan = std::sync::Arc::new(self.read_plan(None).await?);
        *slot = Some((position, plan.clone()));
        Ok(plan)
    }

    /// `plan` with the fiches of `sheets`, and those tied to `organisations`, read again.
    async fn patched(
        &self,
        plan: &Plan,
        mut sheets: std::collections::BTreeSet<i64>,
        organisations: &[i64],
    ) -> anyhow::Result<Plan> {
        let mut plan = plan.clone();
        if !organisations.is_empty() {
            for s in &plan.sheets {
                if s.porteur_org_id.is_some_and(|o| organisations.contains(&o))
                    || plan
                        .partners
                        .get(&s.id)
                        .is_some_and(|ps| ps.iter().any(|p| organisations.contains(p)))
                {
                    sheets.insert(s.id);
                }
            }
            plan.funder_names = self.funder_names().await?;
        }
        let ids: Vec<i64> = sheets.into_iter().collect();
        for chunk in ids.chunks(500) {
            let fresh = self.read_plan(Some(chunk)).await?;
            plan.sheets.retain(|s| !chunk.contains(&s.id));
            plan.sheets.extend(fresh.sheets);
            for id in chunk {
                plan.partners.remove(id);
                plan.lines.remove(id);
                plan.indicators.remove(id);
            }
            plan.partners.extend(fresh.partners);
            plan.lines.extend(fresh.lines);
            plan.indicators.extend(fresh.indicators);
            plan.funder_names = fresh.funder_names;
        }
        plan.sheets.sort_by_key(|s| s.id);
        Ok(plan)
    }

    async fn funder_names(&self) -> anyhow::Result<HashMap<String, String>> {
        Ok(q::funder_names(&self.db)
            .await
            .context("funders")?
            .into_iter()
            .map(|f| {
                (
                    funder_key_of(&f.funder_kind, f.funder_org_id, &f.funder_ref),
                    f.name,
                )
            })
            .collect())
    }

    /// Everything a scorecard counts: the plan as of the journal (see [`Self::plan`]) and the
    /// activity, read now.
    pub async fn facts(&self) -> anyhow::Result<Facts> {
        let db = &self.db;
        let plan = self.plan().await?;
        let mut steps: HashMap<i64, Vec<(i64, Status)>> = HashMap::new();
        for s in crate::db::proposals::all_steps(db).await.context("steps")? {
            if let Some(status) = Status::parse(&s.to_status) {
                let list = steps.entry(s.proposal_id).or_default();
                if list.last().map(|(_, last)| *last) != Some(status) {
                    list.push((s.at, status));
                }
            }
        }
        Ok(Facts {
            plan,
            contacts: q::contacts(db).await.context("contacts")?,
            exchanges: q::exchanges(db).await.context("exchanges")?,
            proposals: q::proposals(db).await.context("proposals")?,
            steps,
        })
    }

    /// The plan: every fiche, or those of `ids` (then the territories are left empty).
    async fn read_plan(&self, ids: Option<&[i64]>) -> anyhow::Result<Plan> {
        let db = &self.db;
        let (territories, regions_of, region_names) = if ids.is_some() {
            (Vec::new(), HashMap::new(), BTreeMap::new())
        } else {
            let territories = q::territories(db).await.context("territories")?;
            let mut regions_of: HashMap<String, Vec<String>> = territories
                .iter()
                .map(|t| (t.id.clone(), vec![t.region_code.clone()]))
                .collect();
            for s in q::spans(db).await.context("territory regions")? {
                regions_of
                    .entry(s.territory_id)
                    .or_default()
                    .push(s.region_code);
            }
            let region_names = crate::db::proposals::region_names(db)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect();
            (territories, regions_of, region_names)
        };
        let sheets = q::sheets(db, ids).await.context("fiches")?;
        let mut partners: HashMap<i64, Vec<i64>> = HashMap::new();
        for p in q::partners(db, ids).await.context("partners")? {
            partners
                .entry(p.sheet_id)
                .or_default()
                .push(p.organisation_id);
        }
        let mut lines: HashMap<i64, Vec<q::LineFact>> = HashMap::new();
        for l in q::lines(db, ids).await.context("lines")? {
            lines.entry(l.sheet_id).or_default().push(l);
        }
        let mut values: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        for v in q::values(db, ids).await.context("indicator values")? {
            values
                .entry(v.indicator_id)
                .or_default()
                .push((v.measured_on, v.value));
        }
        let mut indicators: HashMap<i64, Vec<Measured>> = HashMap::new();
        for i in q::indicators(db, ids).await.context("indicators")? {
            if let Some(code) = Indicator::parse(&i.code) {
                indicators.entry(i.sheet_id).or_default().push((
                    code,
                    i.target,
                    values.remove(&i.id).unwrap_or_default(),
                ));
            }
        }
        let funder_names = self.funder_names().await?;
        Ok(Plan {
            territories,
            regions_of,
            region_names,
            sheets,
            partners,
            lines,
            funder_names,
            indicators,
        })
    }

    /// How `viewer` stands towards each fiche, in the order of `facts.sheets`.
    async fn readings(&self, viewer: &Viewer, facts: &Facts) -> anyhow::Result<Vec<Reading>> {
        let seats = match viewer.user_id {
            Some(user) if viewer.signed_in() => q::seats(&self.db, user).await?,
            _ => Vec::new(),
        };
        let empty = Vec::new();
        Ok(facts
            .sheets
            .iter()
            .map(|s| {
                let regions = facts.regions_of.get(&s.territory_id).unwrap_or(&empty);
                let funders: Vec<Funder> = facts
                    .lines
                    .get(&s.id)
                    .map(|ls| {
                        ls.iter()
                            .map(|l| Funder {
                                kind: FunderKind::parse(&l.funder_kind)
                                    .unwrap_or(FunderKind::Porteur),
                                organisation: l.funder_org_id,
                                reference: l.funder_ref.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let committee_member = seats.iter().any(|seat| match seat.kind.as_str() {
                    "local_project" => seat.scope_id == s.territory_id,
                    "regional_steering" => regions.contains(&seat.scope_id),
                    _ => false,
                });
                let parties = Parties {
                    territory: &s.territory_id,
                    regions,
                    porteur: s.porteur_org_id,
                    partners: facts.partners.get(&s.id).map_or(&[], Vec::as_slice),
                    funders: &funders,
                    committee_member,
                };
                let t = ties(viewer, &parties);
                let status = SheetStatus::parse(&s.status)?;
                may_read(status, t).then(|| may_see_amounts(firm(s), t))
            })
            .collect())
    }

    /// The scorecard `query` asks for, as `viewer` may see it.
    pub async fn compute(
        &self,
        viewer: &Viewer,
        scope: &Scope,
        period: Period,
        query: &ScorecardQuery,
    ) -> Result<Scorecard, ServiceError> {
        let facts = self.facts().await?;
        let readings = self.readings(viewer, &facts).await?;
        let now = self.clock.now();
        card(&facts, &readings, period, now).scorecard(scope, query, now)
    }

    /// Every scorecard (the nation, each region, each territory) of one period, as `viewer`
    /// may see them, from one read of the records.
    pub async fn every_card(
        &self,
        viewer: &Viewer,
        period: Period,
    ) -> Result<Vec<Scorecard>, ServiceError> {
        let facts = self.facts().await?;
        let query = ScorecardQuery {
            to: period.to.map(iso_date).unwrap_or_default(),
            from: period.from.map(iso_date).unwrap_or_default(),
            ..ScorecardQuery::default()
        };
        self.cards_of(&facts, viewer, period, &query).await
    }

    async fn cards_of(
        &self,
        facts: &Facts,
        viewer: &Viewer,
        period: Period,
        query: &ScorecardQuery,
    ) -> Result<Vec<Scorecard>, ServiceError> {
        let readings = self.readings(viewer, facts).await?;
        let now = self.clock.now();
        let card = card(facts, &readings, period, now);
        every_scope(facts)
            .iter()
            .map(|scope| card.scorecard(scope, query, now))
            .collect()
    }

    /// Opens an evaluation: every scorecard frozen at `taken_on`, complete (as the national
    /// delegation sees it, whoever opens it) and public (as a visitor does), from one read of
    /// the records, written in one transaction.
    async fn open(
        &self,
        viewer: &Viewer,
        (kind, title, taken_on): (&str, &str, &str),
    ) -> Result<i64, ServiceError> {
        if !may_open_evaluation(viewer) {
            return Err(ServiceError::Forbidden);
        }
        let mut problems = Vec::new();
        if EvaluationKind::parse(kind).is_none() {
            problems.push(FieldError::new(
                "kind",
                Problem::KindInvalid.saying("expected mi_parcours or fin_de_phase"),
            ));
        }
        let title = title.trim();
        if title.chars().count() < 3 {
            problems.push(FieldError::new("title", Problem::TitleTooShort));
        } else if title.chars().count() > MAX_EVALUATION_TITLE {
            problems.push(FieldError::new("title", Problem::TitleTooLong));
        }
        let now = self.clock.now();
        let day = from_iso_date(taken_on.trim());
        match day {
            None => problems.push(FieldError::new(
                "taken_on",
                Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
            )),
            Some(d) if d > now => problems.push(FieldError::new(
                "taken_on",
                Problem::OutOfRange.saying("a snapshot is of a day past or today"),
            )),
            Some(_) => {}
        }
        let (Some(day), true) = (day, problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let facts = self.facts().await?;
        let period = Period {
            from: None,
            to: Some(day),
        };
        let query = ScorecardQuery {
            scope: String::new(),
            from: String::new(),
            to: iso_date(day),
        };
        let complete_viewer = Viewer {
            // No user: no committee seat adds to what the delegation's role shows.
            user_id: Some(-1),
            memberships: vec![Membership {
                scope: Seat::National,
                role: Role::NationalDelegation,
            }],
        };
        let mut rows: Vec<(String, &'static str, String)> = Vec::new();
        for (view, reader) in [
            ("complete", &complete_viewer),
            ("public", &Viewer::anonymous()),
        ] {
            for sc in self.cards_of(&facts, reader, period, &query).await? {
                let json = serde_json::to_string(&sc).context("a scorecard as JSON")?;
                rows.push((sc.scope.clone(), view, json));
            }
        }
        let txn = self.db.begin().await.context("evaluation transaction")?;
        let id = q::insert_evaluation(&txn, (kind, title), day, viewer.user_id, now).await?;
        for (scope, view, json) in &rows {
            q::insert_snapshot(&txn, id, scope, view, json).await?;
        }
        txn.commit().await.context("committing an evaluation")?;
        Ok(id)
    }

    /// The reporter as written, if `viewer` may report for it (an operator that exists).
    async fn reporter_for(&self, viewer: &Viewer, text: &str) -> Result<Reporter, ServiceError> {
        // Someone who reports for no one is refused whatever they send.
        let operators = q::operators(&self.db).await?;
        let reports_for_someone = operators
            .iter()
            .map(|o| Reporter::Operator(o.id))
            .chain(viewer.memberships.iter().filter_map(|m| match &m.scope {
                Seat::Region(code) => Some(Reporter::Region(code.clone())),
                _ => None,
            }))
            .any(|r| may_report(viewer, &r));
        if !reports_for_someone {
            return Err(ServiceError::Forbidden);
        }
        let Some(reporter) = Reporter::parse(text.trim()) else {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "reporter",
                Problem::ValueInvalid.saying("expected organisation:ID or region:CODE"),
            )]));
        };
        if !may_report(viewer, &reporter) {
            return Err(ServiceError::Forbidden);
        }
        if let Reporter::Operator(id) = reporter {
            if !operators.iter().any(|o| o.id == id) {
                return Err(ServiceError::Invalid(vec![FieldError::new(
                    "reporter",
                    Problem::ValueInvalid.saying("not an operator of the platform"),
                )]));
            }
        }
        Ok(reporter)
    }

    /// A quarter begun, as written.
    fn quarter_of(&self, text: &str, problems: &mut Vec<FieldError>) -> Option<Quarter> {
        match Quarter::parse(text.trim()) {
            Some(q) if q.start() <= self.clock.now() => Some(q),
            Some(_) => {
                problems.push(FieldError::new(
                    "quarter",
                    Problem::OutOfRange.saying("a quarter begun"),
                ));
                None
            }
            None => {
                problems.push(FieldError::new(
                    "quarter",
                    Problem::ValueInvalid.saying("expected YYYY-Tn"),
                ));
                None
            }
        }
    }

    /// Checks one line: a territory that exists, an action named, an amount in bounds, a fiche
    /// of that territory.
    async fn check_line(
        &self,
        line: &ReportLineDraft,
        prefix: &str,
        problems: &mut Vec<FieldError>,
    ) -> anyhow::Result<()> {
        let field = |name: &str| format!("{prefix}{name}");
        let known = crate::db::fetch_count(
            &self.db,
            "SELECT COUNT(*) AS n FROM territory WHERE id = ?",
            vec![line.territory.trim().into()],
        )
        .await?;
        if known == 0 {
            problems.push(FieldError::new(
                field("territory"),
                Problem::ValueUnknown.saying("expected the id of a territory (ti-XXXX)"),
            ));
        }
        let action = line.action.trim().chars().count();
        if action == 0 {
            problems.push(FieldError::new(field("action"), Problem::TextInvalid));
        } else if action > MAX_REPORT_ACTION {
            problems.push(FieldError::new(field("action"), Problem::TextTooLong));
        }
        if !(0..=app::domain::action_sheet::MAX_AMOUNT).contains(&line.amount) {
            problems.push(FieldError::new(
                field("amount"),
                Problem::OutOfRange.saying("whole euros from 0 to 1,000,000,000"),
            ));
        }
        if let Some(sheet) = line.sheet {
            let found = crate::db::fetch_count(
                &self.db,
                "SELECT COUNT(*) AS n FROM action_sheet WHERE id = ? AND territory_id = ?",
                vec![sheet.into(), line.territory.trim().into()],
            )
            .await?;
            if found == 0 {
                problems.push(FieldError::new(
                    field("sheet"),
                    Problem::ValueUnknown.saying("no fiche-action of that territory"),
                ));
            }
        }
        Ok(())
    }

    /// Reminds, a week before a quarter's report is due, every reporter who has not sent it
    /// (once per reporter and quarter); returns how many reporters were reminded.
    pub async fn remind_reports(&self, public_url: &str) -> anyhow::Result<u32> {
        let now = self.clock.now();
        let quarter = Quarter::of(now).previous();
        let due = quarter.deadline();
        if now < due - REPORT_REMINDER_DAYS * 86_400 || now >= due {
            return Ok(0);
        }
        let code = quarter.code();
        let received: std::collections::BTreeSet<String> =
            q::reports(&self.db, std::slice::from_ref(&code))
                .await?
                .into_iter()
                .map(|r| r.reporter)
                .collect();
        let link = format!("{}/suivi/rapports", public_url.trim_end_matches('/'));
        let mut n = 0;
        for (reporter, name) in self.reporters().await? {
            if received.contains(&reporter) {
                continue;
            }
            let txn = self.db.begin().await.context("reminder transaction")?;
            if !q::mark_report_reminded(&txn, (&reporter, &code), now).await? {
                continue;
            }
            for p in q::reporters_people(&txn, &reporter).await? {
                let lang = app::i18n::Lang::from_tag(&p.lang).unwrap_or_default();
                let mail = crate::mail::templates::report_reminder(
                    &p.email,
                    lang,
                    &p.name,
                    (&name, &code),
                    &app::i18n::format_date(lang, due - 86_400),
                    &link,
                );
                crate::mail::enqueue(
                    &txn,
                    &format!("report-reminder-{reporter}-{code}-{}", p.id),
                    &mail,
                )
                .await?;
            }
            txn.commit().await.context("committing a reminder")?;
            n += 1;
        }
        Ok(n)
    }

    /// Reminds reporters every hour (see [`Self::remind_reports`]).
    pub fn spawn_report_reminders(self, public_url: String) {
        tokio::spawn(async move {
            loop {
                match self.remind_reports(&public_url).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reporters = n, "quarterly report reminders sent"),
                    Err(e) => tracing::warn!(error = format!("{e:#}"), "report reminders"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(3_600)).await;
            }
        });
    }

    /// Every reporter: the operators, then the regions that lead a territory, as (code, name).
    async fn reporters(&self) -> anyhow::Result<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = q::operators(&self.db)
            .await?
            .into_iter()
            .map(|o| (Reporter::Operator(o.id).code(), o.name))
            .collect();
        let plan = self.plan().await?;
        let led: std::collections::BTreeSet<&str> = plan
            .territories
            .iter()
            .map(|t| t.region_code.as_str())
            .collect();
        for code in led {
            let name = plan
                .region_names
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_owned());
            out.push((Reporter::Region(code.to_owned()).code(), name));
        }
        Ok(out)
    }

    fn summary(row: q::EvaluationRow) -> EvaluationSummary {
        EvaluationSummary {
            id: row.id,
            kind: row.kind,
            title: row.title,
            taken_on: iso_date(row.taken_on),
            created_at: row.created_at,
        }
    }

    /// The view of an evaluation `viewer` reads.
    fn view_of(viewer: &Viewer) -> &'static str {
        if may_open_evaluation(viewer) {
            "complete"
        } else {
            "public"
        }
    }

    async fn frozen(
        &self,
        viewer: &Viewer,
        id: i64,
        scope: &str,
    ) -> Result<(q::EvaluationRow, Scorecard), ServiceError> {
        let row = q::evaluation(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let scope = Scope::parse(scope).ok_or(ServiceError::NotFound)?;
        let snapshot = q::snapshots(&self.db, id, Self::view_of(viewer), Some(&scope.code()))
            .await?
            .into_iter()
            .next()
            .ok_or(ServiceError::NotFound)?;
        let card: Scorecard =
            serde_json::from_str(&snapshot.payload).context("reading a frozen scorecard")?;
        Ok((row, card))
    }

    /// The lead region of a frozen territory's scorecard (its parent's code).
    fn lead_of(card: &Scorecard) -> String {
        card.parent
            .as_ref()
            .and_then(|(p, _)| p.strip_prefix("region:"))
            .unwrap_or_default()
            .to_owned()
    }
}

fn card<'a>(facts: &'a Facts, readings: &'a [Reading], period: Period, now: i64) -> Card<'a> {
    let mut by_territory: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in facts.sheets.iter().enumerate() {
        by_territory
            .entry(s.territory_id.as_str())
            .or_default()
            .push(i);
    }
    Card {
        facts,
        readings,
        by_territory,
        period,
        now,
    }
}

/// Every scope with a scorecard: the nation, each region that leads a territory, each
/// territory.
fn every_scope(facts: &Facts) -> Vec<Scope> {
    let regions: std::collections::BTreeSet<&str> = facts
        .territories
        .iter()
        .map(|t| t.region_code.as_str())
        .collect();
    std::iter::once(Scope::National)
        .chain(regions.into_iter().map(|r| Scope::Region(r.to_owned())))
        .chain(
            facts
                .territories
                .iter()
                .map(|t| Scope::Territory(t.id.clone())),
        )
        .collect()
}

fn firm(s: &q::SheetFact) -> bool {
    s.porteur_kind == PorteurKind::Organisation.code()
        && s.porteur_org_kind.as_deref() == Some("firm")
}

/// The figures of one reader and period, for any group of territories.
struct Card<'a> {
    facts: &'a Facts,
    readings: &'a [Reading],
    /// Indexes of `facts.sheets` per territory.
    by_territory: HashMap<&'a str, Vec<usize>>,
    period: Period,
    now: i64,
}

impl<'a> Card<'a> {
    /// The fiches of `territories` the reader may read, created by the period's end (a fiche
    /// written before a period still counts in it: it is part of the plan then).
    fn counted(&self, territories: &HashSet<&str>) -> Vec<Counted<'a>> {
        let end = self.period.end(self.now);
        let mut out = Vec::new();
        for t in territories {
            for &i in self.by_territory.get(t).into_iter().flatten() {
                let s = &self.facts.sheets[i];
                if let (Some(shown), true) = (self.readings[i], s.created_at <= end) {
                    out.push(Counted {
                        fact: s,
                        porteur: s.porteur_org_id.unwrap_or(-s.id),
                        shown,
                    });
                }
            }
        }
        out.sort_by_key(|c| c.fact.id);
        out
    }

    /// Activity other than fiches, per territory, in the period.
    fn activity(&self) -> HashMap<&'a str, Activity> {
        let p = self.period;
        let mut out: HashMap<&'a str, Activity> = HashMap::new();
        for c in &self.facts.contacts {
            let Some(t) = c.territory_id.as_deref() else {
                continue;
            };
            let a = out.entry(t).or_default();
            if p.contains(c.created_at) {
                a.contacts_requested += 1;
            }
            if c.status == "concluded" && c.closed_at.is_some_and(|at| p.contains(at)) {
                a.partnerships += 1;
            }
        }
        for e in &self.facts.exchanges {
            if e.status == "completed" && e.reported_at.is_some_and(|at| p.contains(at)) {
                out.entry(e.from_territory.as_str()).or_default().exchanges += 1;
            }
        }
        let end = p.end(self.now);
        for pr in &self.facts.proposals {
            let a = out.entry(pr.territory_id.as_str()).or_default();
            if pr.submitted_at.is_some_and(|at| p.contains(at)) {
                a.proposals_sent += 1;
            }
            let answered = Status::parse(&pr.status).is_some_and(Status::answered);
            if answered && pr.answered_at.is_some_and(|at| p.contains(at)) {
                a.proposals_answered += 1;
            }
            // Days waited per level, counted for the proposals sent in the period, up to its end.
            if !pr.submitted_at.is_some_and(|at| p.contains(at)) {
                continue;
            }
            let Some(list) = self.facts.steps.get(&pr.id) else {
                continue;
            };
            let upto: Vec<(i64, Status)> =
                list.iter().copied().filter(|(at, _)| *at <= end).collect();
            let days = days_by_level(&upto, end);
            for (slot, level) in ALL_LEVELS.iter().enumerate() {
                if upto.iter().any(|(_, s)| reaches(*s, *level)) {
                    a.waits[slot].0 += 1;
                    a.waits[slot].1 += days[slot];
                }
            }
        }
        out
    }

    /// A line's amounts, each kept only when dated in the period (a request undated takes the
    /// line's date; a commitment or payment undated counts only in an open period).
    fn amounts(&self, l: &q::LineFact) -> [i64; 3] {
        let p = self.period;
        let keep = |amount: i64, on: Option<i64>| if p.holds(on) { amount } else { 0 };
        [
            keep(l.requested, l.requested_on.or(Some(l.created_at))),
            keep(l.committed, l.committed_on),
            keep(l.paid, l.paid_on),
        ]
    }

    /// An indicator's value reached in the period: its latest value measured by its end
    /// (and not before its start).
    fn reached(&self, values: &[(i64, f64)]) -> Option<f64> {
        let end = self.period.end(self.now);
        values
            .iter()
            .rev()
            .find(|(on, _)| *on <= end)
            .filter(|(on, _)| self.period.from.is_none_or(|f| *on >= f))
            .map(|(_, v)| *v)
    }

    fn figures(&self, counted: &[Counted<'_>], activity: &Activity) -> Figures {
        let mut parts: Vec<MoneyPart> = Vec::new();
        for c in counted {
            for l in self.facts.lines.get(&c.fact.id).into_iter().flatten() {
                parts.push((c.fact.id, c.porteur, self.amounts(l), c.shown));
            }
        }
        let ind = self.indicator_rows(counted);
        let reached = |code: Indicator| {
            ind.iter()
                .find(|r| r.code == code.code())
                .and_then(|r| r.reached)
                .unwrap_or(0.0)
        };
        let target = |code: Indicator| {
            ind.iter()
                .find(|r| r.code == code.code())
                .and_then(|r| r.target)
                .unwrap_or(0.0)
        };
        Figures {
            sheets: counted.len() as u64,
            requested: money_cell(&parts, 0),
            committed: money_cell(&parts, 1),
            paid: money_cell(&parts, 2),
            jobs_planned: target(Indicator::JobsPlanned),
            jobs_created: reached(Indicator::JobsCreated),
            private_investment: ind
                .iter()
                .find(|r| r.code == Indicator::PrivateInvestment.code())
                .map_or(Some(0.0), |r| r.reached),
            hectares: reached(Indicator::Hectares),
            people_trained: reached(Indicator::PeopleTrained),
            firms_supported: reached(Indicator::FirmsSupported),
            contacts_requested: activity.contacts_requested,
            partnerships: activity.partnerships,
            exchanges: activity.exchanges,
            proposals_sent: activity.proposals_sent,
            proposals_answered: activity.proposals_answered,
        }
    }

    /// The national list's indicators over the fiches counted: targets and values reached,
    /// those in euros as `total` allows.
    fn indicator_rows(&self, counted: &[Counted<'_>]) -> Vec<IndicatorRow> {
        Indicator::ALL
            .iter()
            .map(|code| {
                let mut targets: Vec<Part> = Vec::new();
                let mut reached: Vec<Part> = Vec::new();
                let mut sheets = HashSet::new();
                for c in counted {
                    for (k, target, values) in
                        self.facts.indicators.get(&c.fact.id).into_iter().flatten()
                    {
                        if k != code {
                            continue;
                        }
                        sheets.insert(c.fact.id);
                        // Only an amount in euros is confidential.
                        let visible = c.shown || code.unit() != "EUR";
                        let part = |amount| Part {
                            sheet: c.fact.id,
                            porteur: c.porteur,
                            amount,
                            visible,
                        };
                        targets.push(part(*target));
                        reached.push(part(self.reached(values).unwrap_or(0.0)));
                    }
                }
                let cell = |parts: &[Part]| match rule::total(parts) {
                    Cell::Sum(s) => Some(s),
                    Cell::Secret => None,
                };
                IndicatorRow {
                    code: code.code().to_owned(),
                    unit: code.unit().to_owned(),
                    sheets: sheets.len() as u64,
                    target: cell(&targets),
                    reached: cell(&reached),
                }
            })
            .collect()
    }

    fn scope_row(
        &self,
        scope: Scope,
        id: &str,
        name: &str,
        region: &str,
        territories: &HashSet<&str>,
        activity: &HashMap<&str, Activity>,
    ) -> ScopeRow {
        let counted = self.counted(territories);
        ScopeRow {
            scope: scope.code(),
            id: id.to_owned(),
            name: name.to_owned(),
            region: region.to_owned(),
            figures: self.figures(&counted, &sum_activity(territories, activity)),
        }
    }

    fn scorecard(
        &self,
        scope: &Scope,
        query: &ScorecardQuery,
        now: i64,
    ) -> Result<Scorecard, ServiceError> {
        let facts = self.facts;
        let activity = self.activity();
        let region_name = |code: &str| {
            facts
                .region_names
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_owned())
        };
        let territory_row = |t: &q::TerritoryFact| {
            self.scope_row(
                Scope::Territory(t.id.clone()),
                &t.id,
                &t.name,
                &t.region_code,
                &HashSet::from([t.id.as_str()]),
                &activity,
            )
        };
        let (name, parent, members, regions, territories, interregional) = match scope {
            Scope::National => {
                let mut led: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
                for t in &facts.territories {
                    led.entry(t.region_code.as_str())
                        .or_default()
                        .insert(t.id.as_str());
                }
                let regions = led
                    .iter()
                    .map(|(code, members)| {
                        self.scope_row(
                            Scope::Region((*code).to_owned()),
                            code,
                            &region_name(code),
                            code,
                            members,
                            &activity,
                        )
                    })
                    .collect();
                let all: HashSet<&str> = facts.territories.iter().map(|t| t.id.as_str()).collect();
                (
                    "France".to_owned(),
                    None,
                    all,
                    regions,
                    facts.territories.iter().map(territory_row).collect(),
                    Vec::new(),
                )
            }
            Scope::Region(code) => {
                if !facts.region_names.contains_key(code) {
                    return Err(ServiceError::NotFound);
                }
                let led: Vec<&q::TerritoryFact> = facts
                    .territories
                    .iter()
                    .filter(|t| t.region_code == *code)
                    .collect();
                let apart: Vec<&q::TerritoryFact> = facts
                    .territories
                    .iter()
                    .filter(|t| {
                        t.region_code != *code
                            && facts
                                .regions_of
                                .get(&t.id)
                                .is_some_and(|r| r.contains(code))
                    })
                    .collect();
                (
                    region_name(code),
                    Some((Scope::National.code(), "France".to_owned())),
                    led.iter().map(|t| t.id.as_str()).collect(),
                    Vec::new(),
                    led.into_iter().map(territory_row).collect(),
                    apart.into_iter().map(territory_row).collect(),
                )
            }
            Scope::Territory(id) => {
                let Some(t) = facts.territories.iter().find(|t| t.id == *id) else {
                    return Err(ServiceError::NotFound);
                };
                (
                    t.name.clone(),
                    Some((
                        Scope::Region(t.region_code.clone()).code(),
                        region_name(&t.region_code),
                    )),
                    HashSet::from([t.id.as_str()]),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                )
            }
        };
        let counted = self.counted(&members);
        let own = sum_activity(&members, &activity);
        let figures = self.figures(&counted, &own);
        let mut entries = Vec::new();
        let mut by_instrument: BTreeMap<&str, Vec<MoneyPart>> = BTreeMap::new();
        let mut quarters: BTreeMap<String, Vec<MoneyPart>> = BTreeMap::new();
        for c in &counted {
            for l in self.facts.lines.get(&c.fact.id).into_iter().flatten() {
                let amounts = self.amounts(l);
                let key = funder_key_of(&l.funder_kind, l.funder_org_id, &l.funder_ref);
                entries.push(MoneyEntry {
                    sheet: c.fact.id,
                    porteur: c.porteur,
                    axis: &c.fact.axis,
                    funder_name: facts.funder_names.get(&key).map_or("", String::as_str),
                    funder: key,
                    amounts,
                    shown: c.shown,
                });
                by_instrument
                    .entry(l.instrument.as_str())
                    .or_default()
                    .push((c.fact.id, c.porteur, amounts, c.shown));
                for (slot, on) in [(1, l.committed_on), (2, l.paid_on)] {
                    if let Some(on) = on.filter(|_| amounts[slot] != 0) {
                        let mut only = [0; 3];
                        only[slot] = amounts[slot];
                        quarters
                            .entry(quarter_of(on))
                            .or_default()
                            .push((c.fact.id, c.porteur, only, c.shown));
                    }
                }
            }
        }
        let totals = money_totals(
            counted.iter().map(|c| (c.fact.id, c.fact.axis.as_str())),
            entries.into_iter(),
        );
        let by_instrument: Vec<TotalRow> = Instrument::ALL
            .iter()
            .filter_map(|i| {
                let parts = by_instrument.get(i.code())?;
                let mut ids: Vec<i64> = parts.iter().map(|p| p.0).collect();
                ids.sort_unstable();
                ids.dedup();
                Some(total_row(
                    i.code().to_owned(),
                    String::new(),
                    parts,
                    ids.len() as u64,
                ))
            })
            .collect();
        let by_axis = Axis::ALL
            .iter()
            .map(|a| {
                let mine: Vec<&Counted<'_>> =
                    counted.iter().filter(|c| c.fact.axis == a.code()).collect();
                AxisRow {
                    axis: a.code().to_owned(),
                    sheets: mine.len() as u64,
                    by_status: SheetStatus::ALL
                        .iter()
                        .map(|s| {
                            let n = mine.iter().filter(|c| c.fact.status == s.code()).count();
                            (s.code().to_owned(), n as u64)
                        })
                        .collect(),
                }
            })
            .collect();
        let waits = ALL_LEVELS
            .iter()
            .enumerate()
            .map(|(slot, level)| {
                let (n, days) = own.waits[slot];
                WaitRow {
                    level: level.code().to_owned(),
                    proposals: n,
                    days,
                    mean_days: if n == 0 { 0.0 } else { days / n as f64 },
                }
            })
            .collect();
        let quarters = quarters
            .into_iter()
            .map(|(quarter, parts)| QuarterRow {
                quarter,
                committed: money_cell(&parts, 1),
                paid: money_cell(&parts, 2),
            })
            .collect();
        let every_amount_visible = counted.iter().all(|c| c.shown);
        Ok(Scorecard {
            scope: scope.code(),
            name,
            parent,
            from: query.from.clone(),
            to: query.to.clone(),
            computed_at: now,
            indicators: self.indicator_rows(&counted),
            figures,
            by_axis,
            totals,
            by_instrument,
            waits,
            quarters,
            regions,
            territories,
            interregional,
            every_amount_visible,
        })
    }
}

/// Whether entering `status` means a proposal reached `level`'s people.
fn reaches(status: Status, level: Level) -> bool {
    matches!(
        (level, status),
        (Level::Territory, Status::AwaitingApproval)
            | (Level::Region, Status::RegionalReview)
            | (Level::National, Status::NationalReview)
    )
}

fn sum_activity(territories: &HashSet<&str>, activity: &HashMap<&str, Activity>) -> Activity {
    let mut out = Activity::default();
    for t in territories {
        if let Some(a) = activity.get(t) {
            out.add(a);
        }
    }
    out
}

/// `2026-T2` for a date in April to June 2026.
fn quarter_of(at: i64) -> String {
    let date = app::domain::text::iso_date(at);
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{}-T{}",
        date.get(0..4).unwrap_or("0000"),
        (month - 1) / 3 + 1
    )
}

#[async_trait::async_trait]
impl app::ports::Monitoring for MonitoringService {
    async fn scorecard(
        &self,
        viewer: &Viewer,
        query: &ScorecardQuery,
    ) -> Result<Scorecard, ServiceError> {
        let (scope, period) = query.read()?;
        self.compute(viewer, &scope, period, query).await
    }

    async fn evaluations(&self, viewer: &Viewer) -> Result<Evaluations, ServiceError> {
        let mut items = Vec::new();
        for row in q::evaluations(&self.db).await? {
            items.push(Self::summary(row));
        }
        Ok(Evaluations {
            items,
            may_open: may_open_evaluation(viewer),
        })
    }

    async fn open_evaluation(
        &self,
        viewer: &Viewer,
        kind: &str,
        title: &str,
        taken_on: &str,
    ) -> Result<i64, ServiceError> {
        self.open(viewer, (kind, title, taken_on)).await
    }

    async fn evaluation(
        &self,
        viewer: &Viewer,
        id: i64,
        scope: &str,
    ) -> Result<EvaluationView, ServiceError> {
        let (row, card) = self.frozen(viewer, id, scope).await?;
        let parsed = Scope::parse(&card.scope).unwrap_or(Scope::National);
        let narratives = q::narratives(&self.db, id, &card.scope)
            .await?
            .into_iter()
            .map(|n| Narrative {
                author: n.author,
                body: n.body,
                updated_at: n.updated_at,
            })
            .collect();
        let may_write = narrative_authors(viewer, &parsed, &Self::lead_of(&card))
            .into_iter()
            .map(|a| a.code().to_owned())
            .collect();
        Ok(EvaluationView {
            evaluation: Self::summary(row),
            complete: Self::view_of(viewer) == "complete",
            card,
            narratives,
            may_write,
        })
    }

    async fn write_narrative(
        &self,
        viewer: &Viewer,
        id: i64,
        scope: &str,
        author: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        let user = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        let (_, card) = self.frozen(viewer, id, scope).await?;
        let parsed = Scope::parse(&card.scope).unwrap_or(Scope::National);
        let Some(author) = NarrativeAuthor::parse(author) else {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "author",
                Problem::AuthorInvalid,
            )]));
        };
        if !narrative_authors(viewer, &parsed, &Self::lead_of(&card)).contains(&author) {
            return Err(ServiceError::Forbidden);
        }
        let body = body.trim();
        if body.chars().count() > MAX_NARRATIVE {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "body",
                Problem::TextTooLong,
            )]));
        }
        let txn = self.db.begin().await.context("narrative transaction")?;
        q::set_narrative(
            &txn,
            (id, &card.scope, author.code()),
            body,
            (user, self.clock.now()),
        )
        .await?;
        txn.commit().await.context("committing a narrative")?;
        Ok(())
    }

    async fn submit_report(
        &self,
        viewer: &Viewer,
        draft: &ReportDraft,
    ) -> Result<i64, ServiceError> {
        let reporter = self.reporter_for(viewer, &draft.reporter).await?;
        let mut problems = Vec::new();
        let quarter = self.quarter_of(&draft.quarter, &mut problems);
        if draft.lines.len() > MAX_REPORT_LINES {
            problems.push(FieldError::new("lines", Problem::ListTooLong));
        } else {
            for (i, line) in draft.lines.iter().enumerate() {
                self.check_line(line, &format!("lines[{i}]."), &mut problems)
                    .await?;
            }
        }
        let (Some(quarter), true) = (quarter, problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let user = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        let txn = self.db.begin().await.context("report transaction")?;
        let id = q::report(
            &txn,
            (&reporter.code(), &quarter.code()),
            (user, self.clock.now()),
            true,
        )
        .await?;
        for line in &draft.lines {
            q::insert_report_line(&txn, id, line).await?;
        }
        txn.commit().await.context("committing a report")?;
        Ok(id)
    }

    async fn add_report_line(
        &self,
        viewer: &Viewer,
        reporter: &str,
        quarter: &str,
        line: &ReportLineDraft,
    ) -> Result<i64, ServiceError> {
        let reporter = self.reporter_for(viewer, reporter).await?;
        let mut problems = Vec::new();
        let quarter = self.quarter_of(quarter, &mut problems);
        self.check_line(line, "", &mut problems).await?;
        let (Some(quarter), true) = (quarter, problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let user = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        let txn = self.db.begin().await.context("report transaction")?;
        let id = q::report(
            &txn,
            (&reporter.code(), &quarter.code()),
            (user, self.clock.now()),
            false,
        )
        .await?;
        if q::report_lines(&txn, id).await? >= MAX_REPORT_LINES as u64 {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "lines",
                Problem::ListTooLong,
            )]));
        }
        q::insert_report_line(&txn, id, line).await?;
        txn.commit().await.context("committing a report line")?;
        Ok(id)
    }

    async fn reports(&self, viewer: &Viewer) -> Result<ReportsView, ServiceError> {
        let now = self.clock.now();
        let mut quarter = Quarter::of(now);
        let mut quarters = Vec::new();
        for _ in 0..5 {
            quarters.push(quarter);
            quarter = quarter.previous();
        }
        let codes: Vec<String> = quarters.iter().map(|q| q.code()).collect();
        let received = q::reports(&self.db, &codes).await?;
        let delegation = may_open_evaluation(viewer);
        let all = self.reporters().await?;
        let mine: Vec<(String, String)> = all
            .iter()
            .filter(|(code, _)| Reporter::parse(code).is_some_and(|r| may_report(viewer, &r)))
            .cloned()
            .collect();
        let shown = if delegation { &all } else { &mine };
        let mut complete = (0, 0);
        let rows = shown
            .iter()
            .map(|(code, name)| {
                let cells: Vec<ReportCell> = quarters
                    .iter()
                    .map(|q| {
                        let r = received
                            .iter()
                            .find(|r| r.reporter == *code && r.quarter == q.code());
                        if q.deadline() <= now {
                            complete.1 += 1;
                            complete.0 += u64::from(r.is_some());
                        }
                        ReportCell {
                            quarter: q.code(),
                            submitted_at: r.map(|r| r.submitted_at),
                            lines: r.map_or(0, |r| r.lines.max(0) as u64),
                            amount: r.map_or(0, |r| r.amount),
                        }
                    })
                    .collect();
                ReporterRow {
                    reporter: code.clone(),
                    name: name.clone(),
                    reported: cells.iter().filter(|c| c.submitted_at.is_some()).count() as u64,
                    cells,
                }
            })
            .collect();
        let plan = self.plan().await?;
        Ok(ReportsView {
            quarters: codes,
            rows,
            complete,
            territories: plan
                .territories
                .iter()
                .map(|t| (t.id.clone(), t.name.clone()))
                .collect(),
            mine,
            delegation,
        })
    }

    async fn evaluation_cards(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<Vec<Scorecard>, ServiceError> {
        q::evaluation(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut out = Vec::new();
        for s in q::snapshots(&self.db, id, Self::view_of(viewer), None).await? {
            out.push(serde_json::from_str(&s.payload).context("reading a frozen scorecard")?);
        }
        Ok(out)
    }
}
