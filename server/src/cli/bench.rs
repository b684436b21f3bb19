//! `maillage bench`: search performance on generated data, against SQLite FTS5.
//!
//! Generates N demo firms in a temporary SQLite database, measures indexing throughput, then
//! runs a fixed mix of queries one at a time on one thread (single term, several terms,
//! phrase, typo, facet-filtered, distance-filtered with facets) and the closest FTS5
//! equivalents on the same rows, printing p50/p99 and the ratio of each.

use crate::db::{self, fetch_all};
use crate::search::documents::NafTable;
use crate::search::index::Opened;
use crate::search::{indexer, SearchIndex};
use crate::services::search::{run_search, Gazetteer};
use anyhow::Context;
use app::api::search::{Near, SearchParams, SearchSort};
use clap::Args;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, TransactionTrait};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Firms to generate.
    #[arg(long, default_value_t = 100_000)]
    pub firms: u64,
    /// Runs of each query.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Append the results to this Markdown file.
    #[arg(long)]
    pub record: Option<std::path::PathBuf>,
    /// Measure matching only (no search mix, no FTS5 baseline).
    #[arg(long)]
    pub matching_only: bool,
    /// Keep the generated database and index in this directory, and reuse them when it
    /// already holds a run's data (for repeated measurements and profiling; indexing is
    /// then not measured).
    #[arg(long)]
    pub keep: Option<std::path::PathBuf>,
    /// Run the search mix on tantivy only (no FTS5 baseline, no matching): for profiling.
    #[arg(long)]
    pub tantivy_only: bool,
    /// Run only the query types whose name contains this (e.g. "phrase"): for profiling.
    #[arg(long)]
    pub only: Option<String>,
    /// Demonstration fiches-actions to generate with the firms.
    #[arg(long, default_value_t = 120)]
    pub sheets: u64,
    /// Measure the national scorecard only: each run writes (one line of a fiche is
    /// committed anew) then computes the scorecard, for the national delegation and for a
    /// visitor (no search index is built).
    #[arg(long)]
    pub scorecards: bool,
}

struct Case {
    kind: &'static str,
    params: SearchParams,
    fts: &'static str,
    fts_filter: &'static str,
    near: Option<(f64, f64, f64)>,
}

fn params(q: &str) -> SearchParams {
    SearchParams {
        q: q.to_owned(),
        page: 1,
        per_page: 20,
        ..Default::default()
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (q, fts) in [
        ("décolletage", "decolletage"),
        ("injection", "injection"),
        ("chaudronnerie", "chaudronnerie"),
    ] {
        out.push(Case {
            kind: "single term",
            params: params(q),
            fts,
            fts_filter: "",
            near: None,
        });
    }
    for (q, fts) in [
        ("usinage titane", "usinage AND titane"),
        (
            "injection plastique automobile",
            "injection AND plastique AND automobile",
        ),
        ("soudure inox", "soudure AND inox"),
    ] {
        out.push(Case {
            kind: "multi-term",
            params: params(q),
            fts,
            fts_filter: "",
            near: None,
        });
    }
    for (q, fts) in [
        ("\"usinage 5 axes\"", "\"usinage 5 axes\""),
        ("\"traitement de surface\"", "\"traitement de surface\""),
    ] {
        out.push(Case {
            kind: "phrase",
            params: params(q),
            fts,
            fts_filter: "",
            near: None,
        });
    }
    // FTS5 has no typo tolerance: its nearest tool is a prefix of the intended word.
    for (q, fts) in [
        ("decoletage", "decol*"),
        ("chaudronerie", "chaudron*"),
        ("plasturgi", "plasturg*"),
    ] {
        out.push(Case {
            kind: "fuzzy",
            params: params(q),
            fts,
            fts_filter: "",
            near: None,
        });
    }
    for (q, fts, cert, region) in [
        ("usinage", "usinage", "EN 9100", "76"),
        ("injection", "injection", "ISO 9001", "84"),
        ("maintenance", "maintenance", "ISO 14001", "44"),
    ] {
        let mut p = params(q);
        p.certification = Some(cert.to_owned());
        p.region = Some(region.to_owned());
        out.push(Case {
            kind: "facet-filtered",
            params: p,
            fts,
            fts_filter: match region {
                "76" => "o.certifications LIKE '%\"EN 9100\"%' AND c.region_code = '76'",
                "84" => "o.certifications LIKE '%\"ISO 9001\"%' AND c.region_code = '84'",
                _ => "o.certifications LIKE '%\"ISO 14001\"%' AND c.region_code = '44'",
            },
            near: None,
        });
    }
    for (q, fts, lat, lon, naf) in [
        ("usinage", "usinage", 46.06, 6.58, "25"),
        ("injection", "injection", 46.256, 5.655, "22"),
        ("assemblage", "assemblage", 43.6, 1.44, "30"),
    ] {
        let mut p = params(q);
        p.near = Some(format!("{lat},{lon}"));
        p.radius_km = Some(40.0);
        p.naf = Some(naf.to_owned());
        p.sort = SearchSort::Distance;
        out.push(Case {
            kind: "distance + facets",
            params: p,
            fts,
            fts_filter: match naf {
                "25" => "o.naf_code LIKE '25%'",
                "22" => "o.naf_code LIKE '22%'",
                _ => "o.naf_code LIKE '30%'",
            },
            near: Some((lat, lon, 40.0)),
        });
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[derive(FromQueryResult)]
struct FtsRow {
    id: i64,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

async fn fts_query(db: &DatabaseConnection, case: &Case) -> anyhow::Result<usize> {
    let filter = if case.fts_filter.is_empty() {
        String::new()
    } else {
        format!(" AND {}", case.fts_filter)
    };
    match case.near {
        None => {
            let total = db::fetch_count(
                db,
                &format!(
                    "SELECT COUNT(*) AS n FROM fts JOIN organisation o ON o.id = fts.rowid \
                     JOIN commune c ON c.insee = o.commune_insee WHERE fts MATCH ?{filter}"
                ),
                vec![case.fts.into()],
            )
            .await?;
            let rows: Vec<FtsRow> = fetch_all(
                db,
                &format!(
                    "SELECT o.id, c.latitude, c.longitude FROM fts JOIN organisation o ON o.id = fts.rowid \
                     JOIN commune c ON c.insee = o.commune_insee WHERE fts MATCH ?{filter} \
                     ORDER BY bm25(fts) LIMIT 20"
                ),
                vec![case.fts.into()],
            )
            .await?;
            Ok(rows.len() + usize::try_from(total).unwrap_or(0))
        }
        Some((lat, lon, r)) => {
            let dlat = r / 111.2;
            let dlon = r / (111.2 * lat.to_radians().cos());
            let rows: Vec<FtsRow> = fetch_all(
                db,
                &format!(
                    "SELECT o.id, c.latitude, c.longitude FROM fts JOIN organisation o ON o.id = fts.rowid \
                     JOIN commune c ON c.insee = o.commune_insee WHERE fts MATCH ?{filter} \
                     AND c.latitude BETWEEN ? AND ? AND c.longitude BETWEEN ? AND ?"
                ),
                vec![case.fts.into(), (lat - dlat).into(), (lat + dlat).into(), (lon - dlon).into(), (lon + dlon).into()],
            )
            .await?;
            let origin = app::domain::geo::Point { lat, lon };
            let mut within: Vec<(f64, i64)> = rows
                .iter()
                .filter_map(|row| {
                    let d = origin.distance_km(&app::domain::geo::Point {
                        lat: row.latitude?,
                        lon: row.longitude?,
                    });
                    (d <= r).then_some((d, row.id))
                })
                .collect();
            within.sort_by(|a, b| a.0.total_cmp(&b.0));
            within.truncate(20);
            Ok(within.len())
        }
    }
}

/// Runs the benchmark and prints (and optionally records) its table.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let (dir, temporary) = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            (dir.clone(), false)
        }
        None => (tempfile_dir()?, true),
    };
    let path = dir.join("bench.db");
    let reuse = !temporary && path.exists();
    let db = db::connect(&crate::config::Database::Sqlite(path.clone())).await?;
    db::migrate(&db).await?;
    if !reuse {
        eprintln!("generating {} firms...", args.firms);
        super::demo::run(
            &db,
            super::demo::DemoArgs {
                firms: args.firms,
                sheets: args.sheets,
                seed: 1,
                if_empty: false,
            },
        )
        .await?;
    }

    if args.scorecards {
        let table = format!(
            "\n### Scorecards, {} firms, {}\n{}",
            args.firms,
            today(),
            scorecard_bench(&db, args.runs).await?
        );
        println!("{table}");
        record(args.record.as_deref(), &table)?;
        drop(db);
        if temporary {
            let _ = std::fs::remove_dir_all(&dir);
        }
        return Ok(());
    }

    let (index, opened) = SearchIndex::open(Some(dir.join("index")))?;
    let mut index_secs = f64::NAN;
    let docs = if reuse && opened == Opened::Existing {
        eprintln!("reusing the index in {}", dir.display());
        index.reader.searcher().num_docs()
    } else {
        eprintln!("indexing with tantivy...");
        let naf = Arc::new(NafTable::load(&db).await?);
        let started = Instant::now();
        let docs = indexer::rebuild(&db, &index, &naf, &|_, _| {}).await?;
        index_secs = started.elapsed().as_secs_f64();
        docs
    };

    if args.matching_only {
        let table = format!(
            "\n### Matching, {} firms ({docs} documents), {}\n{}",
            args.firms,
            today(),
            match_bench(&db, &index, args.runs).await?
        );
        println!("{table}");
        record(args.record.as_deref(), &table)?;
        drop(db);
        if temporary {
            let _ = std::fs::remove_dir_all(&dir);
        }
        return Ok(());
    }
    let fts_secs = if args.tantivy_only {
        f64::NAN
    } else {
        build_fts(&db).await?
    };

    let gazetteer = Gazetteer::load(&db).await?;
    let mut rows = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut cases = cases();
    if let Some(only) = &args.only {
        cases.retain(|c| c.kind.contains(only.as_str()));
    }
    for case in &cases {
        if !kinds.contains(&case.kind) {
            kinds.push(case.kind);
        }
    }
    for kind in &kinds {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for case in cases.iter().filter(|c| c.kind == *kind) {
            let near = case
                .params
                .validate()
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let point = match near {
                Some(Near::Point(p)) => Some(p),
                _ => None,
            };
            for _ in 0..args.runs {
                let t = Instant::now();
                let r = tokio::task::block_in_place(|| {
                    run_search(&index, &gazetteer, &case.params, point, &["public"])
                })?;
                ours.push(t.elapsed());
                std::hint::black_box(r);
                if !args.tantivy_only {
                    let t = Instant::now();
                    let n = fts_query(&db, case).await?;
                    theirs.push(t.elapsed());
                    std::hint::black_box(n);
                }
            }
        }
        ours.sort();
        theirs.sort();
        rows.push((
            *kind,
            percentile(&ours, 0.5),
            percentile(&ours, 0.99),
            percentile(&theirs, 0.5),
            percentile(&theirs, 0.99),
        ));
    }

    let indexing = if index_secs.is_nan() {
        "not measured (index reused)".to_owned()
    } else {
        format!(
            "{index_secs:.1} s ({:.0} docs/s)",
            docs as f64 / index_secs.max(1e-9)
        )
    };
    let fts = if fts_secs.is_nan() {
        "not built".to_owned()
    } else {
        format!("{fts_secs:.1} s")
    };
    let mut table = format!(
        "\n### {} firms ({} documents), {}\n\nIndexing: tantivy {indexing}; FTS5 {fts}.\n\n\
         | query | tantivy p50 | tantivy p99 | FTS5 p50 | FTS5 p99 | FTS5 / tantivy (p50) |\n|---|---|---|---|---|---|\n",
        args.firms,
        docs,
        today(),
    );
    for (kind, p50, p99, f50, f99) in &rows {
        let baseline = if args.tantivy_only {
            "– | – | –".to_owned()
        } else {
            format!(
                "{:.2} ms | {:.2} ms | {:.1}×",
                ms(*f50),
                ms(*f99),
                ms(*f50) / ms(*p50).max(1e-6)
            )
        };
        table.push_str(&format!(
            "| {kind} | {:.2} ms | {:.2} ms | {baseline} |\n",
            ms(*p50),
            ms(*p99),
        ));
    }
    if !args.tantivy_only {
        eprintln!("matching needs...");
        table.push_str(&match_bench(&db, &index, args.runs).await?);
    }
    println!("{table}");
    record(args.record.as_deref(), &table)?;
    drop(db);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Builds the FTS5 baseline table over the same rows; returns the seconds it took.
async fn build_fts(db: &DatabaseConnection) -> anyhow::Result<f64> {
    eprintln!("building the FTS5 baseline...");
    db.execute_unprepared("DROP TABLE IF EXISTS fts").await?;
    let started = Instant::now();
    db.execute_unprepared(
        "CREATE VIRTUAL TABLE fts USING fts5(name, description, capabilities, certifications, naf_label, \
         tokenize = 'unicode61 remove_diacritics 2')",
    )
    .await
    .context("creating the FTS5 table")?;
    db.execute_unprepared(
        "INSERT INTO fts (rowid, name, description, capabilities, certifications, naf_label) \
         SELECT o.id, o.name, o.description, o.capabilities, o.certifications, COALESCE(n.label, '') \
         FROM organisation o LEFT JOIN naf n ON n.code = o.naf_code",
    )
    .await
    .context("filling the FTS5 table")?;
    Ok(started.elapsed().as_secs_f64())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("maillage-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn today() -> String {
    app::domain::text::iso_date(crate::db::organisations::now())
}

/// The needs matched in the benchmark: (title, NAF codes, commune, radius, certifications).
const BENCH_NEEDS: [(&str, &str, &str, f64, &str); 8] = [
    (
        "Usinage 5 axes de pièces en titane",
        "25.62B",
        "74081",
        60.0,
        "EN 9100",
    ),
    (
        "Décolletage de précision laiton",
        "25.62A",
        "74081",
        40.0,
        "",
    ),
    (
        "Injection plastique de pièces techniques",
        "22.29A",
        "01283",
        60.0,
        "",
    ),
    (
        "Traitement de surface anodisation aluminium",
        "25.61Z",
        "69123",
        80.0,
        "",
    ),
    (
        "Chaudronnerie et tôlerie inox",
        "25.29Z",
        "38185",
        80.0,
        "ISO 9001",
    ),
    (
        "Assemblage de cartes électroniques",
        "26.12Z",
        "31555",
        100.0,
        "",
    ),
    ("Moules d'injection", "25.73A", "01283", 100.0, ""),
    ("Emballage carton", "17.21A", "59350", 80.0, ""),
];

/// Matching one need: candidates from the index, firm rows from the database, ranking.
async fn match_bench(
    db: &DatabaseConnection,
    index: &SearchIndex,
    runs: usize,
) -> anyhow::Result<String> {
    use crate::db::needs as q;
    let author = crate::db::fetch_count(
        db,
        "SELECT MIN(id) AS n FROM organisation WHERE kind = ?",
        vec![app::domain::organisation::OrganisationKind::Pole
            .code()
            .into()],
    )
    .await?;
    let service =
        crate::services::needs::NeedService::new(db.clone(), index.clone(), String::new());
    let mut times = Vec::new();
    let mut found = 0usize;
    for (title, naf, commune, radius, certs) in BENCH_NEEDS {
        let draft = app::api::needs::NeedDraft {
            author: format!("organisation:{author}"),
            kind: "supplier".into(),
            title: title.into(),
            naf_codes: naf.into(),
            commune: commune.into(),
            radius_km: radius.to_string(),
            certifications: certs.into(),
            visibility: "members".into(),
            ..Default::default()
        };
        let need = draft.validate().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = q::insert(db, &need, None, crate::db::organisations::now(), true).await?;
        let row = q::need(db, id).await?.context("the benchmark need")?;
        for _ in 0..runs {
            let t = Instant::now();
            let m = service.rank(&row, 20, app::i18n::Lang::Fr).await?;
            times.push(t.elapsed());
            found += m.len();
        }
    }
    times.sort();
    Ok(format!(
        "\nMatching a need ({} needs × {runs} runs; candidates from the index, ranking by \
         `app::domain::matching`; {:.1} suggestions on average): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms.\n",
        BENCH_NEEDS.len(),
        found as f64 / times.len().max(1) as f64,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99)),
    ))
}

/// Appends a run's table to the `--record` file, if one is named.
fn record(file: Option<&std::path::Path>, table: &str) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(file) = file {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)?
            .write_all(table.as_bytes())?;
    }
    Ok(())
}

/// The national scorecard computed right after a write, `runs` times for each reader: the
/// time of the whole computation (every record read, judged and summed) and of its JSON.
async fn scorecard_bench(db: &DatabaseConnection, runs: usize) -> anyhow::Result<String> {
    use app::domain::monitoring::{Period, Scope};
    use app::domain::policy::{Membership, Role, Scope as Seat, Viewer};
    let service = crate::services::monitoring::MonitoringService::new(
        db.clone(),
        crate::clock::Clock::default(),
    );
    let counts = |sql: &'static str| async move { db::fetch_count(db, sql, vec![]).await };
    let sheets = counts("SELECT COUNT(*) AS n FROM action_sheet").await?;
    let lines = counts("SELECT COUNT(*) AS n FROM action_sheet_line").await?;
    let line = counts("SELECT MIN(id) AS n FROM action_sheet_line").await?;
    let sheet = db::fetch_count(
        db,
        "SELECT sheet_id AS n FROM action_sheet_line WHERE id = ?",
        vec![(line as i64).into()],
    )
    .await? as i64;
    let national = Viewer {
        user_id: Some(i64::MAX),
        memberships: vec![Membership {
            scope: Seat::National,
            role: Role::NationalDelegation,
        }],
    };
    let query = app::api::monitoring::ScorecardQuery {
        scope: "national".to_owned(),
        ..Default::default()
    };
    let mut out = format!(
        "\n{sheets} fiches-actions, {lines} lines; each run commits one line anew (and journals its \
         fiche, as the service does), then computes the national scorecard and writes its JSON; \
         the first run reads every record, the others the fiche written and the activity.\n\n| reader | p50 | p95 | max | JSON |\n|---|---|---|---|---|\n"
    );
    for (name, viewer) in [
        ("national delegation", &national),
        ("visitor", &Viewer::anonymous()),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for run in 0..runs.max(1) {
            // A write as the service makes it: the line, and the journal naming its fiche.
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!(
                "UPDATE action_sheet_line SET committed = {} WHERE id = {line}",
                1_000 + run
            ))
            .await?;
            crate::db::organisations::record_change(&txn, "action_sheet", sheet, "upsert").await?;
            txn.commit().await?;
            let t = Instant::now();
            let card = service
                .compute(viewer, &Scope::National, Period::default(), &query)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let json = serde_json::to_vec(&card)?;
            times.push(t.elapsed());
            size = json.len();
        }
        times.sort();
        out.push_str(&format!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {} KB |\n",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(times[times.len() - 1]),
            size / 1024
        ));
    }
    Ok(out)
}
