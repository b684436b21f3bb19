//! Fiches-actions and the territories' contracts: the one door of every use case of
//! `ports::ActionSheets`. The workflow is `app::domain::action_sheet::decide`, who sees a
//! firm's amounts is `may_see_amounts`, and what a total may show is `total`; this service
//! only reads, checks what was sent against the database, and writes in one transaction.

use crate::clock::Clock;
use crate::db::action_sheets::{self as q, LineRow, SheetRow};
use anyhow::Context;
use app::api::accounts::CurrentUser;
use app::api::action_sheets::{
    amount_valid, ActionPlan, AvenantView, ContractView, IndicatorDraft, IndicatorView, LineDraft,
    LineView, Linked, SheetChoices, SheetDetail, SheetDraft, SheetEvent, SheetFilter, SheetList,
    SheetPatch, SheetStep, SheetSummary, SignatoryView, TotalRow, Totals, ValueView,
};
use app::domain::action_sheet::{
    self as rule, decide, may_create, may_edit, may_follow, may_read, may_see_amounts, offered,
    sheet_roles, ties, Cell, Funder, FunderKind, Indicator, Instrument, LinkKind, Maturity, Part,
    Parties, PorteurKind, SheetAction, SheetFacts, SheetInput, SheetRefusal, SheetRequirement,
    SheetRole, SheetStatus, SignatoryKind, Signatures,
};
use app::domain::policy::{Role, Scope, Viewer};
use app::domain::theme::{Axis, Theme};
use app::error::{Conflict, FieldError, Problem, Said};
use app::ports::{ServiceError, Told};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::collections::{BTreeMap, HashMap};

/// Most fiches an export or a list reads at once.
const MAX_READ: usize = 10_000;
/// Days between two reminders to a fiche's porteur and chef de projet.
pub const REMINDER_DAYS: i64 = 91;

#[derive(Clone)]
pub struct ActionSheetService {
    db: DatabaseConnection,
    clock: Clock,
    public_url: String,
}

fn invalid(field: &str, said: impl Into<Said>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, said)])
}

fn status_of(row: &SheetRow) -> anyhow::Result<SheetStatus> {
    SheetStatus::parse(&row.status).with_context(|| format!("unknown status {:?}", row.status))
}

fn porteur_is_firm(row: &SheetRow) -> bool {
    row.porteur_kind == PorteurKind::Organisation.code()
        && row.porteur_org_kind.as_deref() == Some("firm")
}

fn funder_of(l: &LineRow) -> Funder {
    Funder {
        kind: FunderKind::parse(&l.funder_kind).unwrap_or(FunderKind::Porteur),
        organisation: l.funder_org_id,
        reference: l.funder_ref.clone(),
    }
}

fn funder_key(l: &LineRow) -> String {
    funder_key_of(&l.funder_kind, l.funder_org_id, &l.funder_ref)
}

/// The key a funder is filtered and totalled by (`organisation:ID`, `region:CODE`...).
pub fn funder_key_of(kind: &str, org: Option<i64>, reference: &str) -> String {
    match (kind, org) {
        ("organisation", Some(id)) => format!("organisation:{id}"),
        ("porteur", _) => "porteur".to_owned(),
        (kind, _) => format!("{kind}:{reference}"),
    }
}

/// A date of a form or the API: empty is none; anything else must be `YYYY-MM-DD`.
fn optional_date(raw: &str, field: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let day = app::domain::text::from_iso_date(raw);
    if day.is_none() {
        problems.push(FieldError::new(
            field,
            Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
        ));
    }
    day
}

fn long_text(value: &str, max: usize, field: &str, problems: &mut Vec<FieldError>) {
    if value.chars().count() > max {
        problems.push(FieldError::new(
            field,
            Problem::TextTooLong.saying(format!("at most {max} characters")),
        ));
    }
}

/// What a reader is to one fiche.
struct Reading {
    roles: Vec<SheetRole>,
    seat: Option<rule::Seat>,
    shown: bool,
    readable: bool,
}

/// A fiche with what its reading needs.
struct Loaded {
    row: SheetRow,
    regions: Vec<String>,
    partners: Vec<i64>,
    lines: Vec<LineRow>,
}

/// A line checked against the database, ready to store.
struct CheckedLine {
    funder_kind: FunderKind,
    funder_org: Option<i64>,
    funder_ref: String,
    instrument: Instrument,
    amounts: [i64; 3],
    dates: [Option<i64>; 3],
}

impl CheckedLine {
    fn stored(&self) -> q::NewLine<'_> {
        q::NewLine {
            funder_kind: self.funder_kind.code(),
            funder_org: self.funder_org,
            funder_ref: &self.funder_ref,
            instrument: self.instrument.code(),
            requested: self.amounts[0],
            committed: self.amounts[1],
            paid: self.amounts[2],
            requested_on: self.dates[0],
            committed_on: self.dates[1],
            paid_on: self.dates[2],
        }
    }
}

struct CheckedIndicator {
    code: String,
    label: String,
    unit: String,
    baseline: f64,
    target: f64,
}

/// A whole fiche checked against the database.
struct Checked {
    title: String,
    axis: Axis,
    themes: Vec<String>,
    porteur_kind: PorteurKind,
    porteur_org: Option<i64>,
    porteur_epci: String,
    partners: Vec<i64>,
    epcis: Vec<String>,
    collective: bool,
    maturity: Maturity,
    description: String,
    expected_results: String,
    schedule: String,
    proposal: Option<i64>,
    links: Vec<(&'static str, i64)>,
    lines: Vec<CheckedLine>,
    indicators: Vec<CheckedIndicator>,
}

async fn exists(
    db: &impl ConnectionTrait,
    sql: &str,
    value: sea_orm::Value,
) -> anyhow::Result<bool> {
    Ok(crate::db::fetch_count(db, sql, vec![value]).await? > 0)
}

async fn organisation_exists(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<bool> {
    exists(
        db,
        "SELECT COUNT(*) AS n FROM organisation WHERE id = ?",
        id.into(),
    )
    .await
}

/// Checks one line; problems are named `{prefix}funder_kind`...
async fn check_line(
    db: &impl ConnectionTrait,
    territory_epcis: &[String],
    l: &LineDraft,
    prefix: &str,
    problems: &mut Vec<FieldError>,
) -> anyhow::Result<Option<CheckedLine>> {
    let field = |name: &str| format!("{prefix}{name}");
    let before = problems.len();
    let kind = FunderKind::parse(l.funder_kind.trim());
    let reference = l.funder_ref.trim().to_owned();
    let mut org = None;
    match kind {
        None => problems.push(FieldError::new(
            field("funder_kind"),
            Problem::ValueInvalid.saying("expected organisation, region, state, epci or porteur"),
        )),
        Some(FunderKind::Organisation) => match l.funder_organisation {
            Some(id) if organisation_exists(db, id).await? => org = Some(id),
            _ => problems.push(FieldError::new(
                field("funder_organisation"),
                Problem::OrganisationRequired.saying("an organisation of the platform"),
            )),
        },
        Some(FunderKind::Region | FunderKind::State) => {
            if !exists(
                db,
                "SELECT COUNT(*) AS n FROM region WHERE code = ?",
                reference.as_str().into(),
            )
            .await?
            {
                problems.push(FieldError::new(
                    field("funder_ref"),
                    Problem::ValueInvalid.saying("a region's code"),
                ));
            }
        }
        Some(FunderKind::Epci) => {
            if !territory_epcis.contains(&reference) {
                problems.push(FieldError::new(
                    field("funder_ref"),
                    Problem::ValueInvalid.saying("the SIREN of an EPCI of the territory"),
                ));
            }
        }
        Some(FunderKind::Porteur) => {}
    }
    let instrument = Instrument::parse(l.instrument.trim());
    if instrument.is_none() {
        problems.push(FieldError::new(
            field("instrument"),
            Problem::ValueInvalid.saying("unknown instrument"),
        ));
    }
    for (name, euros) in [
        ("requested", l.requested),
        ("committed", l.committed),
        ("paid", l.paid),
    ] {
        if !amount_valid(euros) {
            problems.push(FieldError::new(
                field(name),
                Problem::OutOfRange.saying("whole euros from 0 to 1000000000"),
            ));
        }
    }
    let dates = [
        optional_date(&l.requested_on, &field("requested_on"), problems),
        optional_date(&l.committed_on, &field("committed_on"), problems),
        optional_date(&l.paid_on, &field("paid_on"), problems),
    ];
    let (Some(funder_kind), Some(instrument)) = (kind, instrument) else {
        return Ok(None);
    };
    if problems.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedLine {
        funder_kind,
        funder_org: org,
        funder_ref: match funder_kind {
            FunderKind::Organisation | FunderKind::Porteur => String::new(),
            _ => reference,
        },
        instrument,
        amounts: [l.requested, l.committed, l.paid],
        dates,
    }))
}

fn check_indicator(
    i: &IndicatorDraft,
    prefix: &str,
    problems: &mut Vec<FieldError>,
) -> Option<CheckedIndicator> {
    let field = |name: &str| format!("{prefix}{name}");
    let before = problems.len();
    let code = i.code.trim();
    let national = (!code.is_empty()).then(|| Indicator::parse(code));
    let (label, unit) = match national {
        Some(Some(ind)) => (String::new(), ind.unit().to_owned()),
        Some(None) => {
            problems.push(FieldError::new(
                field("code"),
                Problem::ValueInvalid.saying("not an indicator of the national list"),
            ));
            (String::new(), String::new())
        }
        None => {
            let label = i.label.trim();
            if label.is_empty() {
                problems.push(FieldError::new(field("label"), Problem::NameRequired));
            }
            long_text(label, 200, &field("label"), problems);
            long_text(i.unit.trim(), 16, &field("unit"), problems);
            (label.to_owned(), i.unit.trim().to_owned())
        }
    };
    for (name, v) in [("baseline", i.baseline), ("target", i.target)] {
        if !v.is_finite() || v.abs() > 1e12 {
            problems.push(FieldError::new(field(name), Problem::NumberInvalid));
        }
    }
    (problems.len() == before).then(|| CheckedIndicator {
        code: code.to_owned(),
        label,
        unit,
        baseline: i.baseline,
        target: i.target,
    })
}

/// One line's part of a table of totals.
pub struct MoneyEntry<'a> {
    pub sheet: i64,
    /// The porteur organisation, or the fiche's own id negated when no organisation carries it.
    pub porteur: i64,
    pub axis: &'a str,
    pub funder: String,
    pub funder_name: &'a str,
    /// Requested, committed, paid.
    pub amounts: [i64; 3],
    /// Whether the reader may see this fiche's amounts.
    pub shown: bool,
}

/// One line's part of a cell: (fiche, porteur, [requested, committed, paid], shown).
pub type MoneyPart = (i64, i64, [i64; 3], bool);

/// The cell of `parts`' amounts number `i` (requested, committed, paid), as `total` allows.
pub fn money_cell(parts: &[MoneyPart], i: usize) -> Option<i64> {
    let parts: Vec<Part> = parts
        .iter()
        .map(|(sheet, porteur, amounts, shown)| Part {
            sheet: *sheet,
            porteur: *porteur,
            amount: amounts[i] as f64,
            visible: *shown,
        })
        .collect();
    match rule::total(&parts) {
        // Whole euros summed as floats stay exact far beyond any programme's total.
        Cell::Sum(s) => Some(s.round() as i64),
        Cell::Secret => None,
    }
}

/// A row of totals over `parts` (fiche, porteur, amounts, shown).
pub fn total_row(key: String, label: String, parts: &[MoneyPart], sheets: u64) -> TotalRow {
    TotalRow {
        key,
        label,
        sheets,
        requested: money_cell(parts, 0),
        committed: money_cell(parts, 1),
        paid: money_cell(parts, 2),
    }
}

/// Totals by axis (every axis, in order), by funder and overall: `sheets` are the fiches
/// counted, as (id, axis), and `entries` their lines.
pub fn money_totals<'a>(
    sheets: impl Iterator<Item = (i64, &'a str)>,
    entries: impl Iterator<Item = MoneyEntry<'a>>,
) -> Totals {
    type Bucket = Vec<MoneyPart>;
    let mut by_axis: BTreeMap<&str, Bucket> = BTreeMap::new();
    let mut by_funder: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut names: HashMap<String, &str> = HashMap::new();
    let mut all: Bucket = Vec::new();
    let mut axis_sheets: BTreeMap<&str, u64> = BTreeMap::new();
    let mut count = 0;
    for (_, axis) in sheets {
        *axis_sheets.entry(axis).or_default() += 1;
        count += 1;
    }
    for e in entries {
        let p = (e.sheet, e.porteur, e.amounts, e.shown);
        by_axis.entry(e.axis).or_default().push(p);
        names.entry(e.funder.clone()).or_insert(e.funder_name);
        by_funder.entry(e.funder).or_default().push(p);
        all.push(p);
    }
    let distinct = |bucket: &Bucket| {
        let mut ids: Vec<i64> = bucket.iter().map(|p| p.0).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    };
    let empty: Bucket = Vec::new();
    Totals {
        by_axis: Axis::ALL
            .iter()
            .map(|a| {
                let bucket = by_axis.get(a.code()).unwrap_or(&empty);
                let sheets = axis_sheets.get(a.code()).copied().unwrap_or(0);
                total_row(a.code().to_owned(), String::new(), bucket, sheets)
            })
            .collect(),
        by_funder: by_funder
            .iter()
            .map(|(key, bucket)| {
                let name = names.get(key).copied().unwrap_or_default().to_owned();
                total_row(key.clone(), name, bucket, distinct(bucket))
            })
            .collect(),
        overall: total_row("all".to_owned(), String::new(), &all, count),
    }
}

impl ActionSheetService {
    pub fn new(db: DatabaseConnection, clock: Clock, public_url: String) -> Self {
        ActionSheetService {
            db,
            clock,
            public_url,
        }
    }

    async fn load(&self, db: &impl ConnectionTrait, id: i64) -> Result<Loaded, ServiceError> {
        let row = q::sheet(db, id).await?.ok_or(ServiceError::NotFound)?;
        let mut regions = crate::db::directory::territory_regions(db, &row.territory_id).await?;
        if regions.is_empty() {
            regions.push(row.region.clone());
        }
        let partners = q::partners(db, &[id])
            .await?
            .into_iter()
            .map(|p| p.value)
            .collect();
        let lines = q::lines(db, &[id]).await?;
        Ok(Loaded {
            row,
            regions,
            partners,
            lines,
        })
    }

    /// How `viewer` stands towards a fiche.
    async fn reading(
        &self,
        db: &impl ConnectionTrait,
        viewer: &Viewer,
        l: &Loaded,
    ) -> Result<Reading, ServiceError> {
        let funders: Vec<Funder> = l.lines.iter().map(funder_of).collect();
        let committee_member = match viewer.user_id {
            Some(user) => q::sits_on_committees(db, user, &l.row.territory_id, &l.regions).await?,
            None => false,
        };
        let parties = Parties {
            territory: &l.row.territory_id,
            regions: &l.regions,
            porteur: l.row.porteur_org_id,
            partners: &l.partners,
            funders: &funders,
            committee_member,
        };
        let (roles, seat) = sheet_roles(viewer, &parties);
        let t = ties(viewer, &parties);
        Ok(Reading {
            roles,
            seat,
            shown: may_see_amounts(porteur_is_firm(&l.row), t),
            readable: may_read(status_of(&l.row)?, t),
        })
    }

    /// The fiches of `rows` the viewer may read, each with its lines and whether its amounts
    /// are shown to them.
    async fn readable(
        &self,
        viewer: &Viewer,
        rows: Vec<SheetRow>,
    ) -> Result<Vec<(SheetRow, Vec<LineRow>, bool)>, ServiceError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut lines: HashMap<i64, Vec<LineRow>> = HashMap::new();
        for l in q::lines(&self.db, &ids).await? {
            lines.entry(l.sheet_id).or_default().push(l);
        }
        let mut partners: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for p in q::partners(&self.db, chunk).await? {
                partners.entry(p.sheet_id).or_default().push(p.value);
            }
        }
        let mut territories: HashMap<String, (Vec<String>, bool)> = HashMap::new();
        let mut out = Vec::new();
        for row in rows {
            if !territories.contains_key(&row.territory_id) {
                let mut regions =
                    crate::db::directory::territory_regions(&self.db, &row.territory_id).await?;
                if regions.is_empty() {
                    regions.push(row.region.clone());
                }
                let member = match viewer.user_id {
                    Some(user) => {
                        q::sits_on_committees(&self.db, user, &row.territory_id, &regions).await?
                    }
                    None => false,
                };
                territories.insert(row.territory_id.clone(), (regions, member));
            }
            let (regions, member) = &territories[&row.territory_id];
            let my_lines = lines.remove(&row.id).unwrap_or_default();
            let funders: Vec<Funder> = my_lines.iter().map(funder_of).collect();
            let my_partners = partners.remove(&row.id).unwrap_or_default();
            let parties = Parties {
                territory: &row.territory_id,
                regions,
                porteur: row.porteur_org_id,
                partners: &my_partners,
                funders: &funders,
                committee_member: *member,
            };
            let t = ties(viewer, &parties);
            if !may_read(status_of(&row)?, t) {
                continue;
            }
            let shown = may_see_amounts(porteur_is_firm(&row), t);
            out.push((row, my_lines, shown));
        }
        Ok(out)
    }

    async fn summaries(
        &self,
        read: &[(SheetRow, Vec<LineRow>, bool)],
    ) -> Result<Vec<SheetSummary>, ServiceError> {
        let ids: Vec<i64> = read.iter().map(|(r, _, _)| r.id).collect();
        let mut themes: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for t in q::themes(&self.db, chunk).await? {
                themes.entry(t.sheet_id).or_default().push(t.code);
            }
        }
        Ok(read
            .iter()
            .map(|(row, lines, shown)| {
                let sum = |f: fn(&LineRow) -> i64| shown.then(|| lines.iter().map(f).sum());
                SheetSummary {
                    id: row.id,
                    title: row.title.clone(),
                    territory: row.territory_id.clone(),
                    territory_name: row.territory_name.clone(),
                    region: row.region.clone(),
                    axis: row.axis.clone(),
                    status: row.status.clone(),
                    maturity: row.maturity.clone(),
                    themes: themes.remove(&row.id).unwrap_or_default(),
                    porteur_name: row.porteur_name.clone(),
                    avenant: row.avenant_number,
                    amounts_shown: *shown,
                    requested: sum(|l| l.requested),
                    committed: sum(|l| l.committed),
                    paid: sum(|l| l.paid),
                    demo: row.demo,
                    updated_at: row.updated_at,
                }
            })
            .collect())
    }

    fn where_of<'a>(
        filter: &'a SheetFilter,
        funder: &'a Option<(String, Option<i64>, String)>,
    ) -> q::SheetWhere<'a> {
        q::SheetWhere {
            territory: filter.territory.as_deref(),
            region: filter.region.as_deref(),
            axis: filter.axis.as_deref(),
            status: filter.status.as_deref(),
            funder: funder
                .as_ref()
                .map(|(k, o, r)| (k.as_str(), *o, r.as_str())),
            statuses: None,
            inscribed_only: false,
        }
    }

    fn funder_filter(filter: &SheetFilter) -> Option<(String, Option<i64>, String)> {
        let key = filter.funder.as_deref()?;
        let (kind, rest) = key.split_once(':').unwrap_or((key, ""));
        Some(match kind {
            "organisation" => (kind.to_owned(), rest.parse().ok(), String::new()),
            _ => (kind.to_owned(), None, rest.to_owned()),
        })
    }

    async fn selected(
        &self,
        viewer: &Viewer,
        filter: &SheetFilter,
    ) -> Result<Vec<(SheetRow, Vec<LineRow>, bool)>, ServiceError> {
        filter.validate()?;
        let funder = Self::funder_filter(filter);
        let mut rows = q::sheets(&self.db, &Self::where_of(filter, &funder)).await?;
        rows.truncate(MAX_READ);
        self.readable(viewer, rows).await
    }

    /// Totals by axis, by funder and overall of the fiches read, each cell as `total` allows.
    fn totals(read: &[(SheetRow, Vec<LineRow>, bool)]) -> Totals {
        let entries = read.iter().flat_map(|(row, lines, shown)| {
            lines.iter().map(move |l| MoneyEntry {
                sheet: row.id,
                porteur: row.porteur_org_id.unwrap_or(-row.id),
                axis: &row.axis,
                funder: funder_key(l),
                funder_name: &l.funder_name,
                amounts: [l.requested, l.committed, l.paid],
                shown: *shown,
            })
        });
        let sheets = read.iter().map(|(row, _, _)| (row.id, row.axis.as_str()));
        money_totals(sheets, entries)
    }

    /// The funders a line of a fiche of this territory may name, as (key, name).
    async fn funder_choices(
        &self,
        territory: &str,
        regions: &[String],
    ) -> Result<Vec<(String, String)>, ServiceError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Org {
            id: i64,
            name: String,
        }
        let mut out: Vec<(String, String)> = Vec::new();
        let names = crate::db::proposals::region_names(&self.db).await?;
        for code in regions {
            let name = names
                .iter()
                .find(|n| n.id == *code)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| code.clone());
            out.push((format!("region:{code}"), name.clone()));
            out.push((format!("state:{code}"), name));
        }
        for o in crate::db::fetch_all::<Org>(
            &self.db,
            "SELECT id, name FROM organisation WHERE kind = 'operator' ORDER BY name LIMIT 100",
            vec![],
        )
        .await?
        {
            out.push((format!("organisation:{}", o.id), o.name));
        }
        for e in q::territory_epcis(&self.db, territory).await? {
            out.push((format!("epci:{}", e.siren), e.name));
        }
        out.push(("porteur".to_owned(), String::new()));
        Ok(out)
    }

    async fn territory_name(&self, territory: &str) -> Result<String, ServiceError> {
        crate::db::directory::territory_names(&self.db, &[territory.to_owned()])
            .await?
            .pop()
            .map(|n| n.name)
            .ok_or(ServiceError::NotFound)
    }

    /// Checks a whole fiche against the database.
    async fn check(
        &self,
        db: &impl ConnectionTrait,
        territory: &str,
        d: &SheetDraft,
    ) -> Result<Checked, ServiceError> {
        let mut problems = Vec::new();
        let title = d.title.trim().to_owned();
        match title.chars().count() {
            0..3 => problems.push(FieldError::new("title", Problem::TitleTooShort)),
            n if n > rule::MAX_TITLE => {
                problems.push(FieldError::new("title", Problem::TitleTooLong))
            }
            _ => {}
        }
        let axis = Axis::parse(d.axis.trim());
        if axis.is_none() {
            problems.push(FieldError::new(
                "axis",
                Problem::AxisInvalid.saying("expected attirer, recruter, innover or simplifier"),
            ));
        }
        let mut themes = Vec::new();
        for t in &d.themes {
            match Theme::parse(t.trim()) {
                Some(theme) if !themes.contains(&theme.code().to_owned()) => {
                    themes.push(theme.code().to_owned())
                }
                Some(_) => {}
                None => problems.push(FieldError::new("themes", Problem::ThemeInvalid)),
            }
        }
        if themes.len() > rule::MAX_THEMES {
            problems.push(FieldError::new("themes", Problem::ListTooLong));
        }
        let epcis_of_territory: Vec<String> = q::territory_sirens(db, territory).await?;
        let porteur_kind = PorteurKind::parse(d.porteur_kind.trim());
        let mut porteur_org = None;
        let mut porteur_epci = String::new();
        match porteur_kind {
            None => problems.push(FieldError::new(
                "porteur_kind",
                Problem::ValueInvalid.saying("expected organisation, epci or territory"),
            )),
            Some(PorteurKind::Organisation) => match d.porteur_organisation {
                Some(id) if organisation_exists(db, id).await? => porteur_org = Some(id),
                _ => problems.push(FieldError::new(
                    "porteur_organisation",
                    Problem::OrganisationRequired,
                )),
            },
            Some(PorteurKind::Epci) => {
                let siren = d.porteur_epci.trim();
                if epcis_of_territory.iter().any(|e| e == siren) {
                    porteur_epci = siren.to_owned();
                } else {
                    problems.push(FieldError::new(
                        "porteur_epci",
                        Problem::ValueInvalid.saying("an EPCI of the territory"),
                    ));
                }
            }
            Some(PorteurKind::Territory) => {}
        }
        let mut partners: Vec<i64> = Vec::new();
        if d.partners.len() > rule::MAX_PARTNERS {
            problems.push(FieldError::new("partners", Problem::ListTooLong));
        } else {
            for p in &d.partners {
                if !organisation_exists(db, *p).await? {
                    problems.push(FieldError::new("partners", Problem::PartnerInvalid));
                    break;
                }
                if !partners.contains(p) && Some(*p) != porteur_org {
                    partners.push(*p);
                }
            }
        }
        let mut epcis: Vec<String> = Vec::new();
        if d.epcis.len() > rule::MAX_EPCIS {
            problems.push(FieldError::new("epcis", Problem::ListTooLong));
        } else {
            for e in &d.epcis {
                let e = e.trim();
                if !epcis_of_territory.iter().any(|s| s == e) {
                    problems.push(FieldError::new(
                        "epcis",
                        Problem::ValueInvalid.saying("an EPCI of the territory"),
                    ));
                    break;
                }
                if !epcis.iter().any(|s| s == e) {
                    epcis.push(e.to_owned());
                }
            }
        }
        let maturity = Maturity::parse(d.maturity.trim());
        if maturity.is_none() {
            problems.push(FieldError::new(
                "maturity",
                Problem::ValueInvalid.saying("expected idee, etude or operation"),
            ));
        }
        long_text(
            d.description.trim(),
            rule::MAX_TEXT,
            "description",
            &mut problems,
        );
        long_text(
            d.expected_results.trim(),
            rule::MAX_TEXT,
            "expected_results",
            &mut problems,
        );
        long_text(
            d.schedule.trim(),
            rule::MAX_SCHEDULE,
            "schedule",
            &mut problems,
        );
        if let Some(p) = d.proposal {
            let known = crate::db::proposals::proposal(db, p)
                .await?
                .is_some_and(|p| p.territory_id == territory);
            if !known {
                problems.push(FieldError::new(
                    "proposal",
                    Problem::ReferenceInvalid.saying("a simplification proposal of the territory"),
                ));
            }
        }
        let mut links = Vec::new();
        if d.land_sites.len() + d.needs.len() > rule::MAX_LINKS {
            problems.push(FieldError::new("land_sites", Problem::ListTooLong));
        } else {
            for (kind, ids, table) in [
                (LinkKind::LandSite, &d.land_sites, "land_site"),
                (LinkKind::Need, &d.needs, "need"),
            ] {
                for id in ids {
                    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE id = ?");
                    if !exists(db, &sql, (*id).into()).await? {
                        problems.push(FieldError::new(table, Problem::LinkInvalid));
                        break;
                    }
                    if !links.contains(&(kind.code(), *id)) {
                        links.push((kind.code(), *id));
                    }
                }
            }
        }
        if d.lines.len() > rule::MAX_LINES {
            problems.push(FieldError::new("lines", Problem::ListTooLong));
        }
        let mut lines = Vec::new();
        for (i, l) in d.lines.iter().take(rule::MAX_LINES).enumerate() {
            if let Some(c) = check_line(
                db,
                &epcis_of_territory,
                l,
                &format!("lines[{i}]."),
                &mut problems,
            )
            .await?
            {
                lines.push(c);
            }
        }
        if d.indicators.len() > rule::MAX_INDICATORS {
            problems.push(FieldError::new("indicators", Problem::ListTooLong));
        }
        let indicators: Vec<CheckedIndicator> = d
            .indicators
            .iter()
            .take(rule::MAX_INDICATORS)
            .enumerate()
            .filter_map(|(i, ind)| {
                check_indicator(ind, &format!("indicators[{i}]."), &mut problems)
            })
            .collect();
        let (Some(axis), Some(porteur_kind), Some(maturity)) = (axis, porteur_kind, maturity)
        else {
            return Err(ServiceError::Invalid(problems));
        };
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        Ok(Checked {
            title,
            axis,
            themes,
            porteur_kind,
            porteur_org,
            porteur_epci,
            partners,
            epcis,
            collective: d.collective,
            maturity,
            description: d.description.trim().to_owned(),
            expected_results: d.expected_results.trim().to_owned(),
            schedule: d.schedule.trim().to_owned(),
            proposal: d.proposal,
            links,
            lines,
            indicators,
        })
    }

    /// Writes a checked fiche's fields and lists (a new one when `id` is `None`).
    async fn write(
        &self,
        txn: &DatabaseTransaction,
        id: Option<i64>,
        territory: &str,
        c: &Checked,
        (by, demo): (Option<i64>, bool),
        (lines, indicators): (bool, bool),
    ) -> Result<i64, ServiceError> {
        let at = self.clock.now();
        let fields = q::NewSheet {
            territory,
            title: &c.title,
            axis: c.axis.code(),
            porteur_kind: c.porteur_kind.code(),
            porteur_org: c.porteur_org,
            porteur_epci: &c.porteur_epci,
            collective: c.collective,
            maturity: c.maturity.code(),
            description: &c.description,
            expected_results: &c.expected_results,
            schedule: &c.schedule,
            proposal: c.proposal,
            demo,
            by,
            at,
        };
        let id = match id {
            Some(id) => {
                q::update_sheet(txn, id, &fields).await?;
                id
            }
            None => q::insert_sheet(txn, &fields).await?,
        };
        q::replace_lists(txn, id, &c.themes, &c.partners, &c.epcis, &c.links).await?;
        // The search index follows the journal (a draft leaves it or never enters it).
        crate::db::organisations::record_change(txn, "action_sheet", id, "upsert").await?;
        if lines {
            q::delete_lines(txn, id).await?;
            for l in &c.lines {
                q::insert_line(txn, id, &l.stored(), at).await?;
            }
        }
        if indicators {
            q::delete_indicators(txn, id).await?;
            for i in &c.indicators {
                q::insert_indicator(
                    txn,
                    id,
                    (&i.code, &i.label, &i.unit),
                    (i.baseline, i.target),
                    at,
                )
                .await?;
            }
        }
        Ok(id)
    }

    /// Creates a fiche in `draft` for the demonstration data, bypassing the team check (the
    /// demo has no people); returns its id.
    pub async fn create_demo(
        &self,
        txn: &DatabaseTransaction,
        draft: &SheetDraft,
    ) -> Result<i64, ServiceError> {
        let c = self.check(txn, &draft.territory, draft).await?;
        let id = self
            .write(txn, None, &draft.territory, &c, (None, true), (true, true))
            .await?;
        Ok(id)
    }

    /// Moves a demonstration fiche along the table's path, step by step from `start` (days
    /// apart), each recorded in the role that takes it; presented fiches carry both
    /// signatures of a binôme the demonstration does not name.
    pub async fn advance_demo(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        steps: &[DemoStep<'_>],
        start: i64,
    ) -> Result<(), ServiceError> {
        let mut at = start;
        let mut from = SheetStatus::Draft;
        for step in steps {
            at += 20 * 86_400;
            let role = workflow_role(step.action);
            let signatures = if matches!(step.to, SheetStatus::Draft | SheetStatus::ToRework) {
                (None, None)
            } else {
                (Some(0), Some(0))
            };
            q::set_status(
                txn,
                id,
                from.code(),
                step.to.code(),
                signatures,
                (!step.support.is_empty()).then_some(step.support),
                step.avenant,
                at,
            )
            .await?;
            q::insert_event(
                txn,
                &q::NewEvent {
                    sheet: id,
                    action: step.action.code(),
                    from: from.code(),
                    to: step.to.code(),
                    role: role.code(),
                    user: None,
                    comment: step.comment,
                    stance: step.stance,
                    support: step.support,
                    session: None,
                    avenant: step.avenant,
                    at,
                },
            )
            .await?;
            from = step.to;
        }
        Ok(())
    }

    /// The avenant of a territory's contract by its number, if it exists.
    async fn avenant_id(
        &self,
        db: &impl ConnectionTrait,
        territory: &str,
        number: i64,
    ) -> anyhow::Result<Option<i64>> {
        let Some(c) = q::contract(db, territory).await? else {
            return Ok(None);
        };
        Ok(q::avenants(db, c.id)
            .await?
            .into_iter()
            .find(|a| a.number == number)
            .map(|a| a.id))
    }

    /// Takes a step in the caller's transaction (a committee's session records its decision
    /// in the same one), with the session it was taken in.
    #[allow(clippy::too_many_arguments)]
    pub async fn step_within(
        &self,
        txn: &DatabaseTransaction,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        step: &SheetStep,
        session: Option<i64>,
    ) -> Result<Told, ServiceError> {
        let Some(action) = SheetAction::parse(step.action.trim()) else {
            return Err(invalid(
                "action",
                Problem::ValueInvalid.saying("unknown step"),
            ));
        };
        q::lock_sheet(txn, id).await?;
        let l = self.load(txn, id).await?;
        let reading = self.reading(txn, viewer, &l).await?;
        if !reading.readable {
            return Err(ServiceError::NotFound);
        }
        let status = status_of(&l.row)?;
        let reason = step.reason.trim();
        if reason.chars().count() > rule::MAX_REASON {
            return Err(invalid("reason", Problem::TextTooLong));
        }
        let avenant_number: Option<i64> = match step.avenant.trim() {
            "" => None,
            n => Some(
                n.parse()
                    .map_err(|_| invalid("avenant", Problem::NumberInvalid))?,
            ),
        };
        let avenant = match avenant_number {
            Some(n) => self.avenant_id(txn, &l.row.territory_id, n).await?,
            None => None,
        };
        let facts = SheetFacts {
            complete: !l.row.title.trim().is_empty()
                && !l.row.description.trim().is_empty()
                && !l.lines.is_empty(),
            signatures: Signatures {
                elected: l.row.signed_elected,
                industrial: l.row.signed_industrial,
            },
            seat: reading.seat,
            avenant_known: avenant.is_some(),
        };
        let input = SheetInput {
            stance: Some(step.stance.trim()).filter(|s| !s.is_empty()),
            support: Some(step.support.trim()).filter(|s| !s.is_empty()),
            reason,
        };
        let decision = match decide(
            status,
            &reading.roles,
            Some(user.id),
            action,
            &facts,
            &input,
        ) {
            Ok(d) => d,
            Err(SheetRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
            Err(SheetRefusal::Missing(need)) => {
                return Err(match need {
                    SheetRequirement::Complete => ServiceError::Conflict(Conflict::SheetIncomplete),
                    SheetRequirement::Cosigned => {
                        ServiceError::Conflict(Conflict::SignaturesMissing)
                    }
                    SheetRequirement::NewSignature => ServiceError::Forbidden,
                    SheetRequirement::Stance => invalid("stance", Problem::StanceRequired),
                    SheetRequirement::Support => invalid("support", Problem::SupportRequired),
                    SheetRequirement::Avenant => invalid("avenant", Problem::AvenantUnknown),
                    SheetRequirement::Reason => invalid("reason", Problem::ReasonRequired),
                })
            }
        };
        let at = self.clock.now();
        let moved = q::set_status(
            txn,
            id,
            status.code(),
            decision.to.code(),
            (decision.signatures.elected, decision.signatures.industrial),
            decision.support.map(|s| s.code()),
            if action == SheetAction::Inscribe {
                avenant
            } else {
                None
            },
            at,
        )
        .await?;
        if !moved {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        crate::db::organisations::record_change(txn, "action_sheet", id, "upsert").await?;
        q::insert_event(
            txn,
            &q::NewEvent {
                sheet: id,
                action: action.code(),
                from: status.code(),
                to: decision.to.code(),
                role: decision.role.code(),
                user: Some((user.id, &user.name)),
                comment: reason,
                stance: decision.stance.map_or("", |s| s.code()),
                support: decision.support.map_or("", |s| s.code()),
                session,
                avenant: if action == SheetAction::Inscribe {
                    avenant
                } else {
                    None
                },
                at,
            },
        )
        .await?;
        // Who is told: the level the fiche reaches, and those who carry it.
        let lead = l.regions.first().cloned().into_iter().collect::<Vec<_>>();
        let (team, regions, porteur) = match decision.to {
            SheetStatus::LocalReview | SheetStatus::Draft => (true, &[][..], None),
            SheetStatus::RegionalReview => (true, &lead[..], l.row.porteur_org_id),
            _ => (true, &[][..], l.row.porteur_org_id),
        };
        let people = q::recipients(
            txn,
            &q::Audience {
                territory: &l.row.territory_id,
                team,
                regions,
                organisation: porteur,
                except: user.id,
            },
        )
        .await?;
        let link = format!("{}/fiches/{id}", self.public_url.trim_end_matches('/'));
        let mut told = Told::default();
        for p in people {
            let lang = app::i18n::Lang::from_tag(&p.lang).unwrap_or_default();
            let line = format!(
                "{} — {}",
                app::i18n::t(lang, app::i18n::Key::SheetStepDone),
                SheetStatus::label_of(lang, decision.to.code())
            );
            let mail = crate::mail::templates::sheet_step(
                &p.email,
                lang,
                &p.name,
                &l.row.title,
                &line,
                reason,
                &link,
            );
            crate::mail::enqueue(
                txn,
                &format!("sheet-{id}-{at}-{}-{}", action.code(), p.id),
                &mail,
            )
            .await?;
            told.0 += 1;
        }
        Ok(told)
    }

    fn may_manage_contract(viewer: &Viewer, territory: &str, lead: Option<&String>) -> bool {
        viewer.signed_in()
            && viewer.memberships.iter().any(|m| match (&m.scope, m.role) {
                (Scope::Territory(t), Role::ProjectManager) => t == territory,
                (Scope::Region(r), Role::RegionalCouncil | Role::RegionalState) => Some(r) == lead,
                _ => false,
            })
    }

    async fn follow_check(
        &self,
        db: &impl ConnectionTrait,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(Loaded, SheetStatus), ServiceError> {
        q::lock_sheet(db, id).await?;
        let l = self.load(db, id).await?;
        let r = self.reading(db, viewer, &l).await?;
        if !r.readable {
            return Err(ServiceError::NotFound);
        }
        let status = status_of(&l.row)?;
        if !may_follow(status, &r.roles) {
            return Err(ServiceError::Forbidden);
        }
        Ok((l, status))
    }

    /// A change of the financial plan of a draft clears its signatures: they were given to
    /// what it said.
    async fn after_plan_change(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        status: SheetStatus,
    ) -> Result<(), ServiceError> {
        let at = self.clock.now();
        crate::db::organisations::record_change(txn, "action_sheet", id, "upsert").await?;
        if matches!(status, SheetStatus::Draft | SheetStatus::ToRework) {
            q::set_status(
                txn,
                id,
                status.code(),
                status.code(),
                (None, None),
                None,
                None,
                at,
            )
            .await?;
        } else {
            q::touch(txn, id, at).await?;
        }
        Ok(())
    }

    /// Sends the quarterly reminders once an hour, in the background.
    pub fn spawn_reminders(self) {
        tokio::spawn(async move {
            loop {
                match self.remind().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(fiches = n, "quarterly reminders sent"),
                    Err(e) => tracing::warn!(error = format!("{e:#}"), "quarterly reminders"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(3_600)).await;
            }
        });
    }

    /// Reminds the porteur and the chef de projet of every fiche being implemented whose last
    /// reminder is older than a quarter; returns how many fiches were reminded.
    pub async fn remind(&self) -> anyhow::Result<u32> {
        let now = self.clock.now();
        let due = q::due_for_reminder(&self.db, now - REMINDER_DAYS * 86_400).await?;
        let mut n = 0;
        for row in due {
            let txn = self.db.begin().await.context("reminder transaction")?;
            q::mark_reminded(&txn, row.id, now).await?;
            let people = q::recipients(
                &txn,
                &q::Audience {
                    territory: &row.territory_id,
                    team: true,
                    regions: &[],
                    organisation: row.porteur_org_id,
                    except: 0,
                },
            )
            .await?;
            let link = format!(
                "{}/fiches/{}",
                self.public_url.trim_end_matches('/'),
                row.id
            );
            for p in people {
                let lang = app::i18n::Lang::from_tag(&p.lang).unwrap_or_default();
                let mail = crate::mail::templates::sheet_step(
                    &p.email,
                    lang,
                    &p.name,
                    &row.title,
                    app::i18n::t(lang, app::i18n::Key::SheetReminder),
                    "",
                    &link,
                );
                crate::mail::enqueue(
                    &txn,
                    &format!("sheet-reminder-{}-{now}-{}", row.id, p.id),
                    &mail,
                )
                .await?;
            }
            txn.commit().await.context("committing a reminder")?;
            n += 1;
        }
        Ok(n)
    }
}

/// One step of a demonstration fiche's path.
pub struct DemoStep<'a> {
    pub action: SheetAction,
    pub to: SheetStatus,
    pub stance: &'a str,
    pub support: &'a str,
    pub avenant: Option<i64>,
    pub comment: &'a str,
}

/// The role a demonstration step is recorded in.
fn workflow_role(action: SheetAction) -> SheetRole {
    match action {
        SheetAction::Cosign => SheetRole::CoLead,
        SheetAction::LocalOpinion => SheetRole::LocalCommittee,
        SheetAction::Retain | SheetAction::Rework | SheetAction::Reject => {
            SheetRole::RegionalCommittee
        }
        SheetAction::PresentLocal | SheetAction::Inscribe => SheetRole::ProjectManager,
        _ => SheetRole::Porteur,
    }
}

/// A line as it is sent, from what was stored (to carry unchanged lines into a patch).
fn draft_of(l: &LineRow) -> LineDraft {
    let day = |d: Option<i64>| d.map(app::domain::text::iso_date).unwrap_or_default();
    LineDraft {
        funder_kind: l.funder_kind.clone(),
        funder_organisation: l.funder_org_id,
        funder_ref: l.funder_ref.clone(),
        instrument: l.instrument.clone(),
        requested: l.requested,
        committed: l.committed,
        paid: l.paid,
        requested_on: day(l.requested_on),
        committed_on: day(l.committed_on),
        paid_on: day(l.paid_on),
    }
}

#[async_trait::async_trait]
impl app::ports::ActionSheets for ActionSheetService {
    async fn list(&self, viewer: &Viewer, filter: &SheetFilter) -> Result<SheetList, ServiceError> {
        let read = self.selected(viewer, filter).await?;
        let total = read.len() as u64;
        let skip = ((filter.page.max(1) - 1) * filter.per_page) as usize;
        let page: Vec<_> = read
            .into_iter()
            .skip(skip)
            .take(filter.per_page as usize)
            .collect();
        Ok(SheetList {
            total,
            page: filter.page,
            per_page: filter.per_page,
            items: self.summaries(&page).await?,
        })
    }

    async fn export(
        &self,
        viewer: &Viewer,
        filter: &SheetFilter,
    ) -> Result<Vec<SheetSummary>, ServiceError> {
        let read = self.selected(viewer, filter).await?;
        self.summaries(&read).await
    }

    async fn plan(&self, viewer: &Viewer, territory: &str) -> Result<ActionPlan, ServiceError> {
        let territory_name = self.territory_name(territory).await?;
        let filter = SheetFilter {
            territory: Some(territory.to_owned()),
            page: 1,
            per_page: 1,
            ..SheetFilter::default()
        };
        let read = self.selected(viewer, &filter).await?;
        let mut by_status: Vec<(String, u64)> = SheetStatus::ALL
            .iter()
            .map(|s| {
                let n = read.iter().filter(|(r, _, _)| r.status == s.code()).count() as u64;
                (s.code().to_owned(), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        by_status.shrink_to_fit();
        Ok(ActionPlan {
            territory_id: territory.to_owned(),
            territory_name,
            totals: Self::totals(&read),
            items: self.summaries(&read).await?,
            by_status,
            may_create: may_create(viewer, territory),
        })
    }

    async fn detail(&self, viewer: &Viewer, id: i64) -> Result<SheetDetail, ServiceError> {
        let l = self.load(&self.db, id).await?;
        let r = self.reading(&self.db, viewer, &l).await?;
        if !r.readable {
            return Err(ServiceError::NotFound);
        }
        let status = status_of(&l.row)?;
        let summary = self
            .summaries(&[(l.row.clone(), l.lines.clone(), r.shown)])
            .await?
            .pop()
            .context("the fiche's summary")?;
        let org_names: HashMap<i64, String> = q::organisation_names(
            &self.db,
            &l.partners
                .iter()
                .copied()
                .chain(l.row.porteur_org_id)
                .collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
        let org_link = |id: i64| Linked {
            id: id.to_string(),
            name: org_names.get(&id).cloned().unwrap_or_default(),
            href: format!("/organisations/{id}"),
        };
        let epci_names: HashMap<String, String> = q::territory_epcis(&self.db, &l.row.territory_id)
            .await?
            .into_iter()
            .map(|e| (e.siren, e.name))
            .collect();
        let epcis = q::epcis(&self.db, id)
            .await?
            .into_iter()
            .map(|e| Linked {
                name: epci_names
                    .get(&e.code)
                    .cloned()
                    .unwrap_or_else(|| e.code.clone()),
                href: String::new(),
                id: e.code,
            })
            .collect();
        let porteur = match PorteurKind::parse(&l.row.porteur_kind) {
            Some(PorteurKind::Organisation) => l.row.porteur_org_id.map(org_link),
            Some(PorteurKind::Epci) => Some(Linked {
                id: l.row.porteur_epci.clone(),
                name: l.row.porteur_name.clone(),
                href: String::new(),
            }),
            _ => Some(Linked {
                id: l.row.territory_id.clone(),
                name: l.row.territory_name.clone(),
                href: format!("/territoires/{}", l.row.territory_id),
            }),
        };
        let proposal = match l.row.proposal_id {
            Some(p) => crate::db::proposals::proposal(&self.db, p)
                .await?
                .map(|p| Linked {
                    id: p.id.to_string(),
                    name: p.title,
                    href: format!("/simplification/{}", p.id),
                }),
            None => None,
        };
        let links = q::links(&self.db, id)
            .await?
            .into_iter()
            .map(|k| Linked {
                id: k.target_id.to_string(),
                name: String::new(),
                href: match k.kind.as_str() {
                    "land_site" => format!("/foncier/{}", k.target_id),
                    _ => format!("/annonces/{}", k.target_id),
                },
            })
            .collect();
        let lines = l
            .lines
            .iter()
            .map(|line| {
                let key = funder_key(line);
                LineView {
                    id: line.id,
                    funder_kind: line.funder_kind.clone(),
                    funder_name: line.funder_name.clone(),
                    funder: key,
                    instrument: line.instrument.clone(),
                    requested: r.shown.then_some(line.requested),
                    committed: r.shown.then_some(line.committed),
                    paid: r.shown.then_some(line.paid),
                    requested_on: line.requested_on.filter(|_| r.shown),
                    committed_on: line.committed_on.filter(|_| r.shown),
                    paid_on: line.paid_on.filter(|_| r.shown),
                }
            })
            .collect();
        let values = q::values(&self.db, id).await?;
        let indicators = q::indicators(&self.db, id)
            .await?
            .into_iter()
            .map(|i| IndicatorView {
                values: values
                    .iter()
                    .filter(|v| v.indicator_id == i.id)
                    .map(|v| ValueView {
                        measured_on: v.measured_on,
                        value: v.value,
                    })
                    .collect(),
                id: i.id,
                code: i.code,
                label: i.label,
                unit: i.unit,
                baseline: i.baseline,
                target: i.target,
            })
            .collect();
        let timeline = q::events(&self.db, id)
            .await?
            .into_iter()
            .map(|e| SheetEvent {
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                role: e.role,
                by: if viewer.signed_in() {
                    e.user_name
                } else {
                    String::new()
                },
                comment: e.comment,
                stance: e.stance,
                support: e.support,
                session_id: e.session_id,
                avenant: e.avenant_number,
                at: e.at,
            })
            .collect();
        let avenants = match q::contract(&self.db, &l.row.territory_id).await? {
            Some(c) => q::avenants(&self.db, c.id)
                .await?
                .into_iter()
                .map(|a| a.number)
                .collect(),
            None => Vec::new(),
        };
        let funder_choices = if may_follow(status, &r.roles) {
            self.funder_choices(&l.row.territory_id, &l.regions).await?
        } else {
            Vec::new()
        };
        Ok(SheetDetail {
            funder_choices,
            summary,
            porteur_kind: l.row.porteur_kind.clone(),
            porteur,
            partners: l.partners.iter().map(|p| org_link(*p)).collect(),
            epcis,
            collective: l.row.collective,
            description: l.row.description.clone(),
            expected_results: l.row.expected_results.clone(),
            schedule: l.row.schedule.clone(),
            support: l.row.support.clone(),
            proposal,
            links,
            lines,
            indicators,
            timeline,
            signed_elected: l.row.signed_elected.is_some(),
            signed_industrial: l.row.signed_industrial.is_some(),
            offered: offered(status, &r.roles)
                .into_iter()
                .map(|a| a.code().to_owned())
                .collect(),
            may_edit: may_edit(status, &r.roles),
            may_follow: may_follow(status, &r.roles),
            avenants,
        })
    }

    async fn choices(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<SheetChoices, ServiceError> {
        let territory_name = self.territory_name(territory).await?;
        let epcis = q::territory_epcis(&self.db, territory)
            .await?
            .into_iter()
            .map(|e| (e.siren, e.name))
            .collect();
        let mine: Vec<i64> = viewer
            .memberships
            .iter()
            .filter_map(|m| match m.scope {
                Scope::Organisation(id) => Some(id),
                _ => None,
            })
            .collect();
        #[derive(sea_orm::FromQueryResult)]
        struct Org {
            id: i64,
            name: String,
        }
        // The organisations of the territory that people speak for, and the operators.
        let mut organisations: Vec<(i64, String)> = crate::db::fetch_all::<Org>(
            &self.db,
            "SELECT o.id, o.name FROM organisation o WHERE o.kind = 'operator' OR EXISTS \
             (SELECT 1 FROM membership m WHERE m.scope_kind = 'organisation' \
              AND m.scope_id = CAST(o.id AS varchar(20))) AND o.commune_insee IN \
             (SELECT c.insee FROM commune c JOIN territory_member t ON t.siren = c.epci_siren \
              WHERE t.territory_id = ?) ORDER BY o.kind = 'operator', o.name LIMIT 300",
            vec![territory.into()],
        )
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
        for n in q::organisation_names(&self.db, &mine).await? {
            if !organisations.iter().any(|(id, _)| *id == n.id) {
                organisations.insert(0, (n.id, n.name));
            }
        }
        let names = crate::db::proposals::region_names(&self.db).await?;
        let regions = crate::db::directory::territory_regions(&self.db, territory)
            .await?
            .into_iter()
            .map(|code| {
                let name = names
                    .iter()
                    .find(|n| n.id == code)
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| code.clone());
                (code, name)
            })
            .collect();
        Ok(SheetChoices {
            territory_id: territory.to_owned(),
            territory_name,
            epcis,
            organisations,
            regions,
            may_create: may_create(viewer, territory),
        })
    }

    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &SheetDraft,
    ) -> Result<i64, ServiceError> {
        let territory = draft.territory.trim();
        if app::domain::ids::TerritoryId::parse(territory).is_err() {
            return Err(invalid(
                "territory",
                Problem::ValueInvalid.saying("expected ti-XXXX"),
            ));
        }
        self.territory_name(territory).await?;
        if !may_create(viewer, territory) {
            return Err(ServiceError::Forbidden);
        }
        // Checked before the transaction, which then only writes (see `q::lock_sheet`).
        let checked = self.check(&self.db, territory, draft).await?;
        let txn = self.db.begin().await.context("fiche transaction")?;
        let id = self
            .write(
                &txn,
                None,
                territory,
                &checked,
                (Some(user.id), false),
                (true, true),
            )
            .await?;
        q::insert_event(
            &txn,
            &q::NewEvent {
                sheet: id,
                action: "create",
                from: "",
                to: SheetStatus::Draft.code(),
                role: sheet_roles(
                    viewer,
                    &Parties {
                        territory,
                        regions: &[],
                        porteur: None,
                        partners: &[],
                        funders: &[],
                        committee_member: false,
                    },
                )
                .0
                .first()
                .copied()
                .unwrap_or(SheetRole::Other)
                .code(),
                user: Some((user.id, &user.name)),
                comment: "",
                stance: "",
                support: "",
                session: None,
                avenant: None,
                at: self.clock.now(),
            },
        )
        .await?;
        txn.commit().await.context("committing a fiche")?;
        Ok(id)
    }

    async fn update(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        patch: &SheetPatch,
    ) -> Result<(), ServiceError> {
        let txn = self.db.begin().await.context("fiche transaction")?;
        q::lock_sheet(&txn, id).await?;
        let l = self.load(&txn, id).await?;
        let r = self.reading(&txn, viewer, &l).await?;
        if !r.readable {
            return Err(ServiceError::NotFound);
        }
        let status = status_of(&l.row)?;
        if !may_edit(status, &r.roles) {
            return Err(ServiceError::Forbidden);
        }
        let row = &l.row;
        let themes = q::themes(&txn, &[id])
            .await?
            .into_iter()
            .map(|t| t.code)
            .collect();
        let epcis = q::epcis(&txn, id)
            .await?
            .into_iter()
            .map(|e| e.code)
            .collect();
        let links = q::links(&txn, id).await?;
        let indicators = q::indicators(&txn, id).await?;
        let current = SheetDraft {
            territory: row.territory_id.clone(),
            title: row.title.clone(),
            axis: row.axis.clone(),
            themes,
            porteur_kind: row.porteur_kind.clone(),
            porteur_organisation: row.porteur_org_id,
            porteur_epci: row.porteur_epci.clone(),
            partners: l.partners.clone(),
            epcis,
            collective: row.collective,
            maturity: row.maturity.clone(),
            description: row.description.clone(),
            expected_results: row.expected_results.clone(),
            schedule: row.schedule.clone(),
            proposal: row.proposal_id,
            land_sites: links
                .iter()
                .filter(|k| k.kind == "land_site")
                .map(|k| k.target_id)
                .collect(),
            needs: links
                .iter()
                .filter(|k| k.kind == "need")
                .map(|k| k.target_id)
                .collect(),
            lines: l.lines.iter().map(draft_of).collect(),
            indicators: indicators
                .iter()
                .map(|i| IndicatorDraft {
                    code: i.code.clone(),
                    label: i.label.clone(),
                    unit: i.unit.clone(),
                    baseline: i.baseline,
                    target: i.target,
                })
                .collect(),
        };
        let p = patch.clone();
        let merged = SheetDraft {
            title: p.title.unwrap_or(current.title.clone()),
            axis: p.axis.unwrap_or(current.axis.clone()),
            themes: p.themes.unwrap_or(current.themes.clone()),
            porteur_kind: p.porteur_kind.unwrap_or(current.porteur_kind.clone()),
            porteur_organisation: p.porteur_organisation.or(current.porteur_organisation),
            porteur_epci: p.porteur_epci.unwrap_or(current.porteur_epci.clone()),
            partners: p.partners.unwrap_or(current.partners.clone()),
            epcis: p.epcis.unwrap_or(current.epcis.clone()),
            collective: p.collective.unwrap_or(current.collective),
            maturity: p.maturity.unwrap_or(current.maturity.clone()),
            description: p.description.unwrap_or(current.description.clone()),
            expected_results: p
                .expected_results
                .unwrap_or(current.expected_results.clone()),
            schedule: p.schedule.unwrap_or(current.schedule.clone()),
            proposal: p.proposal.or(current.proposal),
            land_sites: p.land_sites.clone().unwrap_or(current.land_sites.clone()),
            needs: p.needs.clone().unwrap_or(current.needs.clone()),
            lines: p.lines.clone().unwrap_or(current.lines.clone()),
            indicators: p.indicators.clone().unwrap_or(current.indicators.clone()),
            ..current
        };
        let checked = self.check(&txn, &row.territory_id, &merged).await?;
        self.write(
            &txn,
            Some(id),
            &row.territory_id,
            &checked,
            (Some(user.id), row.demo),
            (patch.lines.is_some(), patch.indicators.is_some()),
        )
        .await?;
        q::insert_event(
            &txn,
            &q::NewEvent {
                sheet: id,
                action: "edit",
                from: status.code(),
                to: status.code(),
                role: r.roles.first().copied().unwrap_or(SheetRole::Other).code(),
                user: Some((user.id, &user.name)),
                comment: "",
                stance: "",
                support: "",
                session: None,
                avenant: None,
                at: self.clock.now(),
            },
        )
        .await?;
        txn.commit().await.context("committing a fiche")?;
        Ok(())
    }

    async fn add_line(
        &self,
        viewer: &Viewer,
        _user: &CurrentUser,
        id: i64,
        line: &LineDraft,
    ) -> Result<(), ServiceError> {
        let txn = self.db.begin().await.context("line transaction")?;
        let (l, status) = self.follow_check(&txn, viewer, id).await?;
        if l.lines.len() >= rule::MAX_LINES {
            return Err(invalid("funder", Problem::ListTooLong));
        }
        let epcis: Vec<String> = q::territory_sirens(&txn, &l.row.territory_id).await?;
        let mut problems = Vec::new();
        let Some(checked) = check_line(&txn, &epcis, line, "", &mut problems).await? else {
            return Err(ServiceError::Invalid(problems));
        };
        q::insert_line(&txn, id, &checked.stored(), self.clock.now()).await?;
        self.after_plan_change(&txn, id, status).await?;
        txn.commit().await.context("committing a line")?;
        Ok(())
    }

    async fn update_line(
        &self,
        viewer: &Viewer,
        _user: &CurrentUser,
        id: i64,
        line_id: i64,
        line: &LineDraft,
    ) -> Result<(), ServiceError> {
        let txn = self.db.begin().await.context("line transaction")?;
        let (l, status) = self.follow_check(&txn, viewer, id).await?;
        let epcis: Vec<String> = q::territory_sirens(&txn, &l.row.territory_id).await?;
        let mut problems = Vec::new();
        let Some(checked) = check_line(&txn, &epcis, line, "", &mut problems).await? else {
            return Err(ServiceError::Invalid(problems));
        };
        if !q::update_line(&txn, id, line_id, &checked.stored()).await? {
            return Err(ServiceError::NotFound);
        }
        self.after_plan_change(&txn, id, status).await?;
        txn.commit().await.context("committing a line")?;
        Ok(())
    }

    async fn remove_line(
        &self,
        viewer: &Viewer,
        _user: &CurrentUser,
        id: i64,
        line_id: i64,
    ) -> Result<(), ServiceError> {
        let txn = self.db.begin().await.context("line transaction")?;
        let (_, status) = self.follow_check(&txn, viewer, id).await?;
        if !q::delete_line(&txn, id, line_id).await? {
            return Err(ServiceError::NotFound);
        }
        self.after_plan_change(&txn, id, status).await?;
        txn.commit().await.context("committing a line")?;
        Ok(())
    }

    async fn add_indicator(
        &self,
        viewer: &Viewer,
        _user: &CurrentUser,
        id: i64,
        indicator: &IndicatorDraft,
    ) -> Result<(), ServiceError> {
        let txn = self.db.begin().await.context("indicator transaction")?;
        let (_, status) = self.follow_check(&txn, viewer, id).await?;
        if q::count(&txn, "action_sheet_indicator", id).await? >= rule::MAX_INDICATORS as u64 {
            return Err(invalid("code", Problem::ListTooLong));
        }
        let mut problems = Vec::new();
        let Some(c) = check_indicator(indicator, "", &mut problems) else {
            return Err(ServiceError::Invalid(problems));
        };
        let at = self.clock.now();
        q::insert_indicator(
            &txn,
            id,
            (&c.code, &c.label, &c.unit),
            (c.baseline, c.target),
            at,
        )
        .await?;
        self.after_plan_change(&txn, id, status).await?;
        txn.commit().await.context("committing an indicator")?;
        Ok(())
    }

    async fn record_value(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        indicator: i64,
        measured_on: &str,
        value: f64,
    ) -> Result<(), ServiceError> {
        let mut problems = Vec::new();
        let day = app::domain::text::from_iso_date(measured_on.trim());
        if day.is_none() {
            problems.push(FieldError::new(
                "measured_on",
                Problem::CalendarDateInvalid.saying("expected YYYY-MM-DD"),
            ));
        }
        if !value.is_finite() || value.abs() > 1e12 {
            problems.push(FieldError::new("value", Problem::NumberInvalid));
        }
        let Some(day) = day.filter(|_| problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let txn = self.db.begin().await.context("value transaction")?;
        self.follow_check(&txn, viewer, id).await?;
        if q::value_count(&txn, indicator).await? >= rule::MAX_VALUES as u64 {
            return Err(invalid("value", Problem::ListTooLong));
        }
        let at = self.clock.now();
        if !q::insert_value(&txn, id, indicator, day, value, (user.id, at)).await? {
            return Err(ServiceError::NotFound);
        }
        q::touch(&txn, id, at).await?;
        // The scorecards read the values of the fiches the journal names.
        crate::db::organisations::record_change(&txn, "action_sheet", id, "upsert").await?;
        txn.commit().await.context("committing a value")?;
        Ok(())
    }

    async fn step(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        step: &SheetStep,
    ) -> Result<Told, ServiceError> {
        let txn = self.db.begin().await.context("step transaction")?;
        let told = self.step_within(&txn, viewer, user, id, step, None).await?;
        txn.commit().await.context("committing a step")?;
        Ok(told)
    }

    async fn contract(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<ContractView, ServiceError> {
        let territory_name = self.territory_name(territory).await?;
        let contract = q::contract(&self.db, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let regions = crate::db::directory::territory_regions(&self.db, territory).await?;
        let rows = q::sheets(
            &self.db,
            &q::SheetWhere {
                territory: Some(territory),
                inscribed_only: true,
                ..q::SheetWhere::default()
            },
        )
        .await?;
        let mut read = self.readable(viewer, rows).await?;
        read.sort_by_key(|(r, _, _)| r.id);
        let mut avenants = Vec::new();
        for a in q::avenants(&self.db, contract.id).await? {
            let mine: Vec<_> = read
                .iter()
                .filter(|(r, _, _)| r.avenant_id == Some(a.id))
                .cloned()
                .collect();
            avenants.push(AvenantView {
                number: a.number,
                title: a.title,
                signed_at: a.signed_at,
                sheets: self.summaries(&mine).await?,
                totals: Self::totals(&mine),
            });
        }
        let region_names = crate::db::proposals::region_names(&self.db).await?;
        let epcis = q::territory_epcis(&self.db, territory).await?;
        let mut signatories = Vec::new();
        for s in q::signatories(&self.db, contract.id).await? {
            let name = match s.kind.as_str() {
                _ if !s.label.is_empty() => s.label.clone(),
                "region" | "state" => region_names
                    .iter()
                    .find(|n| n.id == s.ref_id)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
                "epci" => epcis
                    .iter()
                    .find(|e| e.siren == s.ref_id)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                _ => match s.ref_id.parse::<i64>() {
                    Ok(id) => q::organisation_names(&self.db, &[id])
                        .await?
                        .pop()
                        .map(|n| n.name)
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                },
            };
            signatories.push(SignatoryView {
                kind: s.kind,
                name,
                function: s.function,
            });
        }
        Ok(ContractView {
            territory_id: territory.to_owned(),
            territory_name,
            kind: contract.kind,
            title: contract.title,
            signed_at: contract.signed_at,
            signatories,
            totals: Self::totals(&read),
            avenants,
            may_manage: Self::may_manage_contract(viewer, territory, regions.first()),
        })
    }

    async fn add_avenant(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        territory: &str,
        title: &str,
        signed_on: &str,
    ) -> Result<i64, ServiceError> {
        self.territory_name(territory).await?;
        let regions = crate::db::directory::territory_regions(&self.db, territory).await?;
        if !Self::may_manage_contract(viewer, territory, regions.first()) {
            return Err(ServiceError::Forbidden);
        }
        let mut problems = Vec::new();
        let title = title.trim();
        long_text(title, rule::MAX_TITLE, "title", &mut problems);
        let signed = optional_date(signed_on, "signed_on", &mut problems);
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        let txn = self.db.begin().await.context("avenant transaction")?;
        q::lock_contract(&txn, territory).await?;
        let contract = q::contract(&txn, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if q::avenants(&txn, contract.id).await?.len() as i64 >= rule::MAX_AVENANTS {
            return Err(invalid("title", Problem::ListTooLong));
        }
        let number = q::insert_avenant(
            &txn,
            contract.id,
            title,
            signed,
            Some(user.id),
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing an avenant")?;
        Ok(number)
    }

    async fn set_contract(
        &self,
        viewer: &Viewer,
        territory: &str,
        kind: &str,
        title: &str,
        signed_on: &str,
    ) -> Result<(), ServiceError> {
        self.territory_name(territory).await?;
        let regions = crate::db::directory::territory_regions(&self.db, territory).await?;
        if !Self::may_manage_contract(viewer, territory, regions.first()) {
            return Err(ServiceError::Forbidden);
        }
        let mut problems = Vec::new();
        let kind = app::domain::action_sheet::ContractKind::parse(kind.trim());
        if kind.is_none() {
            problems.push(FieldError::new(
                "kind",
                Problem::KindInvalid.saying("expected contrat_cadre or protocole"),
            ));
        }
        let title = title.trim();
        long_text(title, rule::MAX_TITLE, "title", &mut problems);
        let signed = optional_date(signed_on, "signed_on", &mut problems);
        let Some(kind) = kind.filter(|_| problems.is_empty()) else {
            return Err(ServiceError::Invalid(problems));
        };
        let txn = self.db.begin().await.context("contract transaction")?;
        q::lock_contract(&txn, territory).await?;
        let contract = q::contract(&txn, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        q::set_contract(&txn, contract.id, kind.code(), title, signed).await?;
        txn.commit().await.context("committing a contract")?;
        Ok(())
    }

    async fn add_signatory(
        &self,
        viewer: &Viewer,
        territory: &str,
        kind: &str,
        reference: &str,
        function: &str,
    ) -> Result<(), ServiceError> {
        self.territory_name(territory).await?;
        let regions = crate::db::directory::territory_regions(&self.db, territory).await?;
        if !Self::may_manage_contract(viewer, territory, regions.first()) {
            return Err(ServiceError::Forbidden);
        }
        let Some(kind) = SignatoryKind::parse(kind.trim()) else {
            return Err(invalid("kind", Problem::KindInvalid));
        };
        let reference = reference.trim();
        let known = match kind {
            SignatoryKind::Region | SignatoryKind::State => regions.iter().any(|r| r == reference),
            SignatoryKind::Epci => q::territory_epcis(&self.db, territory)
                .await?
                .iter()
                .any(|e| e.siren == reference),
            SignatoryKind::Organisation => match reference.parse::<i64>() {
                Ok(id) => organisation_exists(&self.db, id).await?,
                Err(_) => false,
            },
        };
        if !known {
            return Err(invalid("reference", Problem::ReferenceInvalid));
        }
        let function = function.trim();
        if function.chars().count() > 120 {
            return Err(invalid("function", Problem::TextTooLong));
        }
        let txn = self.db.begin().await.context("signatory transaction")?;
        q::lock_contract(&txn, territory).await?;
        let contract = q::contract(&txn, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if q::signatories(&txn, contract.id).await?.len() >= 30 {
            return Err(invalid("kind", Problem::ListTooLong));
        }
        q::insert_signatory(
            &txn,
            contract.id,
            (kind.code(), reference, "", function),
            self.clock.now(),
        )
        .await?;
        txn.commit().await.context("committing a signatory")?;
        Ok(())
    }
}
