//! The public datasets (`maillage export open-data DIR`, and nightly when configured):
//! territories, simplification proposals and their answers, good practices, the public parts
//! of fiches-actions, and the public scorecards. Each is a data CSV (UTF-8, comma, one header
//! row of stable codes, no byte-order mark) with a Table Schema file beside it
//! (`NAME.schema.json`), so that they can be published as they are.
//!
//! Everything is read as a visitor reads it: a firm's amounts never appear (the fiches'
//! disclosure rule reads an export as no one), nor does anyone's address or contact.

use super::action_sheets::ActionSheetService;
use super::monitoring::MonitoringService;
use crate::clock::Clock;
use crate::db::fetch_all;
use anyhow::Context;
use app::api::action_sheets::SheetFilter;
use app::domain::monitoring::{Figure, Period, Scope};
use app::domain::policy::Viewer;
use app::domain::text::{iso_date, neutral};
use app::ports::ActionSheets;
use sea_orm::{DatabaseConnection, FromQueryResult};
use std::path::Path;

/// A column: its code, Table Schema type and description.
pub struct Column {
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: &'static str,
    pub description: &'static str,
    /// Never empty.
    pub required: bool,
}

const fn col(name: &'static str, kind: &'static str, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
        required: false,
    }
}

const fn key(name: &'static str, kind: &'static str, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
        required: true,
    }
}

/// A dataset: its file name, title, columns and rows (each as many cells as columns).
pub struct Dataset {
    pub name: &'static str,
    pub title: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Dataset {
    /// Its Table Schema (frictionlessdata.io/specs/table-schema).
    pub fn schema(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "title": self.title,
            "fields": self.columns.iter().map(|c| {
                let mut f = serde_json::json!({
                    "name": c.name,
                    "type": c.kind,
                    "description": c.description,
                });
                if c.required {
                    f["constraints"] = serde_json::json!({ "required": true });
                }
                if c.kind == "date" {
                    f["format"] = serde_json::json!("%Y-%m-%d");
                }
                f
            }).collect::<Vec<_>>(),
            "primaryKey": self.columns.first().map(|c| c.name),
            "missingValues": [""],
        })
    }

    fn csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(self.columns.iter().map(|c| c.name))?;
        for row in &self.rows {
            out.write_record(row)?;
        }
        Ok(out.into_inner()?)
    }
}

fn date(at: Option<i64>) -> String {
    at.map(iso_date).unwrap_or_default()
}

fn amount(a: Option<i64>) -> String {
    a.map(|n| n.to_string()).unwrap_or_default()
}

#[derive(FromQueryResult)]
struct TerritoryRow {
    id: String,
    name: String,
    region_code: String,
    region_name: String,
    departments: String,
    population: i64,
    epci: i64,
}

#[derive(FromQueryResult)]
struct ProposalRow {
    id: i64,
    territory_id: String,
    region_code: String,
    title: String,
    problem: String,
    rule: String,
    legal_reference: String,
    theme: String,
    status: String,
    answer: String,
    submitted_at: Option<i64>,
    answered_at: Option<i64>,
    lang: String,
}

#[derive(FromQueryResult)]
struct PracticeRow {
    id: i64,
    author_kind: String,
    author_name: Option<String>,
    title: String,
    theme: String,
    context: String,
    actions: String,
    results: String,
    lang: String,
    created_at: i64,
}

/// Every public dataset, read now.
pub async fn datasets(
    db: &DatabaseConnection,
    clock: &Clock,
    public_url: &str,
) -> anyhow::Result<Vec<Dataset>> {
    let base = public_url.trim_end_matches('/');
    let territories: Vec<TerritoryRow> = fetch_all(
        db,
        "SELECT t.id, t.name, t.region_code, COALESCE(g.name, '') AS region_name, t.departments, \
         t.population, (SELECT COUNT(*) FROM territory_member m WHERE m.territory_id = t.id) AS epci \
         FROM territory t LEFT JOIN region g ON g.code = t.region_code ORDER BY t.id",
        vec![],
    )
    .await
    .context("territories")?;
    let proposals: Vec<ProposalRow> = fetch_all(
        db,
        "SELECT id, territory_id, region_code, title, problem, rule, legal_reference, theme, \
         status, answer, submitted_at, answered_at, lang FROM proposal WHERE status <> 'draft' \
         ORDER BY id",
        vec![],
    )
    .await
    .context("proposals")?;
    let practices: Vec<PracticeRow> = fetch_all(
        db,
        "SELECT p.id, p.author_kind, COALESCE(o.name, t.name) AS author_name, p.title, p.theme, \
         p.context, p.actions, p.results, p.lang, p.created_at FROM practice p \
         LEFT JOIN territory t ON p.author_kind = 'territory' AND t.id = p.author_id \
         LEFT JOIN organisation o ON p.author_kind <> 'territory' \
           AND o.id = CASE WHEN p.author_kind <> 'territory' THEN CAST(p.author_id AS BIGINT) END \
         ORDER BY p.id",
        vec![],
    )
    .await
    .context("practices")?;
    let visitor = Viewer::anonymous();
    let sheets = ActionSheetService::new(db.clone(), clock.clone(), public_url.to_owned())
        .export(
            &visitor,
            &SheetFilter {
                page: 1,
                per_page: 1,
                ..SheetFilter::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("fiches: {e:?}"))?;
    let cards = MonitoringService::new(db.clone(), clock.clone())
        .every_card(&visitor, Period::default())
        .await
        .map_err(|e| anyhow::anyhow!("scorecards: {e:?}"))?;

    let mut scorecard_columns = vec![
        key(
            "scope",
            "string",
            "national, region:CODE or territory:ti-XXXX",
        ),
        key("name", "string", "Name of the nation, region or territory"),
        col(
            "region_code",
            "string",
            "Lead region of a territory (INSEE code)",
        ),
    ];
    scorecard_columns.extend(Figure::ALL.iter().map(|f| Column {
        name: f.code(),
        kind: if f.in_euros() || *f == Figure::Hectares {
            "number"
        } else {
            "integer"
        },
        description: figure_description(*f),
        required: false,
    }));
    let number = |v: Option<f64>, f: Figure| match v {
        Some(v) if f.in_euros() || f == Figure::Hectares => format!("{v}"),
        Some(v) => format!("{}", v.round() as i64),
        None => String::new(),
    };
    Ok(vec![
        Dataset {
            name: "territoires",
            title: "Territoires d'industrie",
            columns: vec![
                key("id", "string", "Identifier of the territory (ti-RRnn)"),
                key("name", "string", "Name"),
                key("region_code", "string", "Lead region (INSEE code)"),
                col("region", "string", "Lead region's name"),
                col(
                    "departments",
                    "string",
                    "Departments (INSEE codes, space-separated)",
                ),
                key("population", "integer", "Population of its communes"),
                key("members", "integer", "Intercommunal and communal members"),
                key("url", "string", "Its page on Maillage"),
            ],
            rows: territories
                .into_iter()
                .map(|t| {
                    let departments = crate::db::code_list(&t.departments).join(" ");
                    vec![
                        t.id.clone(),
                        neutral(&t.name),
                        t.region_code,
                        neutral(&t.region_name),
                        departments,
                        t.population.to_string(),
                        t.epci.to_string(),
                        format!("{base}/territoires/{}", t.id),
                    ]
                })
                .collect(),
        },
        Dataset {
            name: "propositions",
            title: "Propositions de simplification et réponses",
            columns: vec![
                key("id", "integer", "Identifier"),
                col("territory_id", "string", "Territory that wrote it"),
                col("region_code", "string", "Its region (INSEE code)"),
                key("title", "string", "Title"),
                col("problem", "string", "The problem met"),
                col("rule", "string", "The rule in question"),
                col("legal_reference", "string", "Its legal reference"),
                col("theme", "string", "Theme code"),
                key("status", "string", "Status code"),
                col("answer", "string", "The official answer"),
                col("submitted_on", "date", "Day it was sent"),
                col("answered_on", "date", "Day it was answered"),
                col("lang", "string", "Language of its text"),
                key("url", "string", "Its page on Maillage"),
            ],
            rows: proposals
                .into_iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.territory_id,
                        p.region_code,
                        neutral(&p.title),
                        neutral(&p.problem),
                        neutral(&p.rule),
                        neutral(&p.legal_reference),
                        p.theme,
                        p.status,
                        neutral(&p.answer),
                        date(p.submitted_at),
                        date(p.answered_at),
                        p.lang,
                        format!("{base}/simplification/{}", p.id),
                    ]
                })
                .collect(),
        },
        Dataset {
            name: "pratiques",
            title: "Bonnes pratiques",
            columns: vec![
                key("id", "integer", "Identifier"),
                key(
                    "author_kind",
                    "string",
                    "territory, district or organisation",
                ),
                col("author", "string", "Its author's name"),
                key("title", "string", "Title"),
                col("theme", "string", "Theme code"),
                col("context", "string", "Context"),
                col("actions", "string", "What was done"),
                col("results", "string", "Results"),
                col("lang", "string", "Language of its text"),
                key("created_on", "date", "Day it was published"),
                key("url", "string", "Its page on Maillage"),
            ],
            rows: practices
                .into_iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.author_kind,
                        neutral(&p.author_name.unwrap_or_default()),
                        neutral(&p.title),
                        p.theme,
                        neutral(&p.context),
                        neutral(&p.actions),
                        neutral(&p.results),
                        p.lang,
                        iso_date(p.created_at),
                        format!("{base}/pratiques/{}", p.id),
                    ]
                })
                .collect(),
        },
        Dataset {
            name: "fiches_actions",
            title: "Fiches-actions (parties publiques)",
            columns: vec![
                key("id", "integer", "Identifier"),
                key("title", "string", "Title"),
                key("territory_id", "string", "Territory"),
                key("region_code", "string", "Its lead region (INSEE code)"),
                key("axis", "string", "attirer, recruter, innover or simplifier"),
                key("status", "string", "Status code"),
                key("maturity", "string", "Maturity code"),
                col("porteur", "string", "Who carries it"),
                col(
                    "avenant",
                    "integer",
                    "Number of the avenant that inscribes it",
                ),
                key(
                    "amounts_public",
                    "boolean",
                    "Whether its amounts are public (a firm's are not)",
                ),
                col(
                    "requested_eur",
                    "integer",
                    "Amount requested (empty when confidential)",
                ),
                col(
                    "committed_eur",
                    "integer",
                    "Amount committed (empty when confidential)",
                ),
                col(
                    "paid_eur",
                    "integer",
                    "Amount paid (empty when confidential)",
                ),
                key("url", "string", "Its page on Maillage"),
            ],
            rows: sheets
                .into_iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        neutral(&s.title),
                        s.territory,
                        s.region,
                        s.axis,
                        s.status,
                        s.maturity,
                        neutral(&s.porteur_name),
                        s.avenant.map(|n| n.to_string()).unwrap_or_default(),
                        s.amounts_shown.to_string(),
                        amount(s.requested),
                        amount(s.committed),
                        amount(s.paid),
                        format!("{base}/fiches/{}", s.id),
                    ]
                })
                .collect(),
        },
        Dataset {
            name: "tableaux_de_bord",
            title: "Tableaux de bord du programme (vue publique)",
            columns: scorecard_columns,
            rows: cards
                .iter()
                .map(|c| {
                    let region = match Scope::parse(&c.scope) {
                        Some(Scope::Territory(_)) => c
                            .parent
                            .as_ref()
                            .and_then(|(p, _)| p.strip_prefix("region:"))
                            .unwrap_or_default()
                            .to_owned(),
                        _ => String::new(),
                    };
                    let mut row = vec![c.scope.clone(), neutral(&c.name), region];
                    row.extend(Figure::ALL.iter().map(|f| number(c.figures.value(*f), *f)));
                    row
                })
                .collect(),
        },
    ])
}

fn figure_description(f: Figure) -> &'static str {
    match f {
        Figure::Sheets => "Fiches-actions past their draft",
        Figure::Requested => "Amounts requested, euros (empty where secret)",
        Figure::Committed => "Amounts committed, euros (empty where secret)",
        Figure::Paid => "Amounts paid, euros (empty where secret)",
        Figure::JobsPlanned => "Jobs planned (targets)",
        Figure::JobsCreated => "Jobs created (latest values)",
        Figure::PrivateInvestment => "Private investment reached, euros (empty where secret)",
        Figure::Hectares => "Hectares (latest values)",
        Figure::PeopleTrained => "People trained (latest values)",
        Figure::FirmsSupported => "Firms supported (latest values)",
        Figure::ContactsRequested => "Contacts between firms requested",
        Figure::Partnerships => "Contacts concluded in a partnership",
        Figure::Exchanges => "Exchanges with European districts completed",
        Figure::ProposalsSent => "Simplification proposals sent",
        Figure::ProposalsAnswered => "Simplification proposals answered",
    }
}

/// Writes every dataset and its schema into `dir` (created if missing), each file replaced
/// whole (written beside, then renamed); returns (dataset, rows) in order.
pub async fn write(
    db: &DatabaseConnection,
    clock: &Clock,
    public_url: &str,
    dir: &Path,
) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let sets = datasets(db, clock, public_url).await?;
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(&'static str, usize)>> {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut out = Vec::new();
        for set in &sets {
            for (file, body) in [
                (format!("{}.csv", set.name), set.csv()?),
                (
                    format!("{}.schema.json", set.name),
                    serde_json::to_vec_pretty(&set.schema())?,
                ),
            ] {
                let path = dir.join(&file);
                let partial = dir.join(format!(".{file}.partial"));
                std::fs::write(&partial, body)
                    .with_context(|| format!("writing {}", partial.display()))?;
                std::fs::rename(&partial, &path)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            out.push((set.name, set.rows.len()));
        }
        Ok(out)
    })
    .await
    .context("the open-data writer stopped")?
}

/// Writes the datasets into `dir` every day at `hour` (UTC), logging what it wrote.
pub fn spawn_nightly(
    db: DatabaseConnection,
    clock: Clock,
    public_url: String,
    dir: std::path::PathBuf,
    hour: u32,
) {
    tokio::spawn(async move {
        loop {
            let now = clock.now();
            let day = 86_400;
            let next = (now - now.rem_euclid(day)) + i64::from(hour.min(23)) * 3_600;
            let next = if next <= now { next + day } else { next };
            tokio::time::sleep(std::time::Duration::from_secs((next - now).max(1) as u64)).await;
            match write(&db, &clock, &public_url, &dir).await {
                Ok(written) => tracing::info!(dir = %dir.display(), ?written, "open data written"),
                Err(e) => tracing::error!(error = format!("{e:#}"), "writing the open data"),
            }
        }
    });
}
