//! `maillage import sirene FILE`: INSEE's stock file of établissements (StockEtablissement, in
//! its published CSV layout), streamed.
//!
//! What is kept: active (`etatAdministratifEtablissement` = `A`), publicly diffusible
//! (`statutDiffusionEtablissement` = `O`) établissements with a NAF rév. 2 code
//! (`nomenclatureActivitePrincipaleEtablissement` = `NAFRev2`) of industry (section C,
//! divisions 10 to 33) or of the services that supply it (`SUPPLIER_DIVISIONS`), in a commune
//! of a Territoire d'industrie or within `--ring-km` of one (`--all`: anywhere). An
//! établissement already on the platform is kept up to date whatever its activity or place,
//! and one that closes or stops being diffusible is withdrawn: its visibility becomes
//! `withdrawn`, which no reader sees, so it leaves pages, API, search, exports and matches
//! together.
//!
//! Names: the établissement's usual name, else its sign (`enseigne1Etablissement`), else, when
//! the stock file of unités légales is given (`--unites-legales`), the legal unit's name
//! (`denominationUniteLegale`, or a diffusible person's first and last names), else
//! "Établissement" and the SIRET. Positions: the établissement's coordinates where given and
//! within 30 km of its commune: Lambert 93 in metropolitan France, the local UTM zone of each
//! overseas department; implausible points, and the Pacific collectivities' rows, take the
//! commune's centre, as every reader does when the position is empty.
//!
//! Only the register's fields are written (name, SIREN, NAF code, commune, headcount band,
//! position):
//! what an organisation declared itself (description, capabilities, certifications,
//! contacts) is never touched. Columns are found by their header names, so the file's order
//! and extra columns do not matter.
//!
//! Memory stays flat: rows are read one at a time into one reused record, and written in
//! batches, each in its own transaction (the site stays usable meanwhile). After each batch
//! the position reached is saved beside the database; a run stopped midway resumes there
//! (`--restart` starts over). A row that does not parse is counted and located by its line.

use crate::db::organisations::record_change;
use crate::db::{fetch_all, placeholders};
use anyhow::{bail, Context};
use app::domain::geo::Point;
use app::domain::organisation::HEADCOUNT_BANDS;
use csv::{ByteRecord, Position};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, TransactionTrait, Value};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Divisions outside section C kept by default: the services industry buys nearby
/// (waste and recovery, warehousing and handling, engineering and testing, research).
pub const SUPPLIER_DIVISIONS: [&str; 4] = ["38", "52", "71", "72"];
/// Rows written per transaction.
const BATCH: usize = 1_000;
/// Unreadable lines listed by number (all are counted).
const LISTED: usize = 20;
/// How far from its commune's centre an établissement's own position may lie.
const PLAUSIBLE_KM: f64 = 30.0;

/// How a run chooses what to keep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Keep établissements of the whole country, not only around the territories.
    pub all: bool,
    /// Distance around a territory's communes within which établissements are kept.
    pub ring_km: f64,
    /// Ignore a saved position and read the file from its start.
    pub restart: bool,
    /// Where the position reached is saved (beside the database).
    pub checkpoint: PathBuf,
    /// The stock file of unités légales, for the legal names.
    pub legal_units: Option<PathBuf>,
}

/// What a run did, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub read: u64,
    pub kept: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub withdrawn: u64,
    pub closed: u64,
    pub not_diffusible: u64,
    pub other_nomenclature: u64,
    pub other_activity: u64,
    pub outside: u64,
    pub unknown_commune: u64,
    pub unreadable: u64,
    /// The first unreadable lines, with why.
    pub unreadable_lines: Vec<(u64, String)>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {}, kept {}, inserted {}, updated {}, unchanged {}, withdrawn {}; skipped: \
             closed {}, not diffusible {}, not NAF rév. 2 {}, other activity {}, \
             outside the territories {}, unknown commune {}, unreadable {}",
            self.read,
            self.kept,
            self.inserted,
            self.updated,
            self.unchanged,
            self.withdrawn,
            self.closed,
            self.not_diffusible,
            self.other_nomenclature,
            self.other_activity,
            self.outside,
            self.unknown_commune,
            self.unreadable
        )?;
        for (line, why) in &self.unreadable_lines {
            write!(f, "\n  line {line}: {why}")?;
        }
        if self.unreadable > self.unreadable_lines.len() as u64 {
            write!(
                f,
                "\n  ... and {} more",
                self.unreadable - self.unreadable_lines.len() as u64
            )?;
        }
        Ok(())
    }
}

/// The columns read, by header name.
struct Columns {
    siret: usize,
    siren: usize,
    diffusion: usize,
    state: usize,
    activity: usize,
    nomenclature: usize,
    commune: usize,
    headcount: usize,
    sign: usize,
    usual_name: usize,
    /// Lambert 93 coordinates, in the files that carry them.
    lambert: Option<(usize, usize)>,
}

/// A header's names, as written (a byte-order mark and spaces taken off).
fn header_names(header: &ByteRecord) -> Vec<String> {
    header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect()
}

impl Columns {
    fn find(header: &ByteRecord) -> anyhow::Result<Columns> {
        let names = header_names(header);
        let optional = |name: &str| names.iter().position(|n| n == name);
        let lambert = optional("coordonneeLambertAbscisseEtablissement")
            .zip(optional("coordonneeLambertOrdonneeEtablissement"));
        let mut missing = Vec::new();
        let mut at = |name: &str| {
            names.iter().position(|n| n == name).unwrap_or_else(|| {
                missing.push(name.to_owned());
                0
            })
        };
        let columns = Columns {
            siret: at("siret"),
            siren: at("siren"),
            diffusion: at("statutDiffusionEtablissement"),
            state: at("etatAdministratifEtablissement"),
            activity: at("activitePrincipaleEtablissement"),
            nomenclature: at("nomenclatureActivitePrincipaleEtablissement"),
            commune: at("codeCommuneEtablissement"),
            headcount: at("trancheEffectifsEtablissement"),
            sign: at("enseigne1Etablissement"),
            usual_name: at("denominationUsuelleEtablissement"),
            lambert,
        };
        if !missing.is_empty() {
            bail!(
                "line 1: not a stock file of établissements: no column {}",
                missing.join(", ")
            );
        }
        Ok(columns)
    }
}

/// An établissement as the register describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    pub siret: String,
    pub siren: String,
    pub name: String,
    pub naf: String,
    pub commune: String,
    pub headcount_band: Option<String>,
    /// Its own position, rounded to 10 cm; `None`: its commune's centre.
    pub position: Option<(f64, f64)>,
}

/// What one row asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Keep(Establishment),
    /// Closed or no longer diffusible: withdrawn if it is on the platform.
    Withdraw(String, Skip),
    Skip(Skip),
}

/// Why a row is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Closed,
    NotDiffusible,
    OtherNomenclature,
    OtherActivity,
    Outside,
    UnknownCommune,
}

/// Where établissements are kept, and the communes that exist (with their centre).
pub struct Perimeter {
    /// Communes kept (INSEE codes); `None`: every known commune.
    kept: Option<HashSet<[u8; 5]>>,
    known: HashMap<[u8; 5], Option<Point>>,
}

fn code5(s: &str) -> Option<[u8; 5]> {
    s.as_bytes().try_into().ok()
}

/// The commune of a Paris, Lyon or Marseille arrondissement (the register gives the
/// arrondissement, the commune list the commune).
fn commune_of(code: &str) -> &str {
    match code.get(..3) {
        Some("751") if code.len() == 5 && code != "75100" => "75056",
        Some("693") if ("69381"..="69389").contains(&code) => "69123",
        Some("132") if ("13201"..="13216").contains(&code) => "13055",
        _ => code,
    }
}

impl Perimeter {
    /// Every commune with coordinates; those of the territories, and those within `ring_km`
    /// of one of them, unless `all`.
    pub async fn load(db: &impl ConnectionTrait, all: bool, ring_km: f64) -> anyhow::Result<Self> {
        #[derive(FromQueryResult)]
        struct C {
            insee: String,
            territory_id: Option<String>,
            latitude: Option<f64>,
            longitude: Option<f64>,
        }
        let rows: Vec<C> = fetch_all(
            db,
            "SELECT insee, territory_id, latitude, longitude FROM commune",
            vec![],
        )
        .await?;
        let known: HashMap<[u8; 5], Option<Point>> = rows
            .iter()
            .filter_map(|c| {
                let centre = c
                    .latitude
                    .zip(c.longitude)
                    .and_then(|(a, o)| Point::new(a, o));
                Some((code5(&c.insee)?, centre))
            })
            .collect();
        if all {
            return Ok(Perimeter { kept: None, known });
        }
        // Territory communes on a grid of cells about `ring_km` wide: a commune is within the
        // ring if a territory commune of its cell or a neighbouring one is close enough.
        let cell = (ring_km / 111.0).max(0.01);
        let key = |lat: f64, lon: f64| ((lat / cell).floor() as i64, (lon / cell).floor() as i64);
        let mut grid: HashMap<(i64, i64), Vec<(f64, f64)>> = HashMap::new();
        let mut kept = HashSet::new();
        for c in &rows {
            if c.territory_id.is_some() {
                if let Some(code) = code5(&c.insee) {
                    kept.insert(code);
                }
                if let (Some(lat), Some(lon)) = (c.latitude, c.longitude) {
                    grid.entry(key(lat, lon)).or_default().push((lat, lon));
                }
            }
        }
        for c in &rows {
            let (Some(lat), Some(lon), Some(code)) = (c.latitude, c.longitude, code5(&c.insee))
            else {
                continue;
            };
            if kept.contains(&code) {
                continue;
            }
            let (y, x) = key(lat, lon);
            // A degree of longitude shrinks with latitude: look further east and west.
            let reach = (1.0 / lat.to_radians().cos().max(0.2)).ceil() as i64;
            let near = (y - 1..=y + 1).any(|yy| {
                (x - reach..=x + reach).any(|xx| {
                    grid.get(&(yy, xx)).is_some_and(|points| {
                        points.iter().any(|(plat, plon)| {
                            Point { lat, lon }.distance_km(&Point {
                                lat: *plat,
                                lon: *plon,
                            }) <= ring_km
                        })
                    })
                })
            });
            if near {
                kept.insert(code);
            }
        }
        Ok(Perimeter {
            kept: Some(kept),
            known,
        })
    }
}

/// A field as text; the register's files are UTF-8.
fn field(record: &ByteRecord, at: usize) -> Result<&str, String> {
    let bytes = record.get(at).ok_or("too few fields")?;
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| "not UTF-8".to_owned())
}

/// Whether a NAF rév. 2 code (`25.62B`) is of industry or a supplying service.
fn industrial(naf: &str) -> bool {
    let division = naf.get(..2).unwrap_or_default();
    ("10"..="33").contains(&division) || SUPPLIER_DIVISIONS.contains(&division)
}

/// An établissement's own position from its coordinates, when they are given, in the
/// projection of its territory (`Point::from_insee_coordinates`) and close enough to its
/// commune's centre.
fn position(
    record: &ByteRecord,
    c: &Columns,
    commune: &str,
    centre: Option<Point>,
) -> Result<Option<(f64, f64)>, String> {
    let Some((x, y)) = c.lambert else {
        return Ok(None);
    };
    let (x, y) = (field(record, x)?, field(record, y)?);
    // "[ND]" or empty: not given.
    let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>()) else {
        return Ok(None);
    };
    let round = |v: f64| (v * 1e6).round() / 1e6;
    Ok(Point::from_insee_coordinates(commune, x, y)
        .filter(|p| centre.is_none_or(|centre| centre.distance_km(p) <= PLAUSIBLE_KM))
        .map(|p| (round(p.lat), round(p.lon))))
}

/// Reads one row of the stock file. `known` says whether its SIRET is on the platform;
/// `legal_name` gives a SIREN's legal name when the unités légales were read.
fn classify(
    record: &ByteRecord,
    c: &Columns,
    perimeter: &Perimeter,
    known: &dyn Fn(u64) -> bool,
    legal_name: &dyn Fn(&str) -> Option<String>,
) -> Result<Row, String> {
    let siret = field(record, c.siret)?;
    let number: u64 = match siret.parse() {
        Ok(n) if siret.len() == 14 => n,
        _ => return Err(format!("siret {siret:?} is not 14 digits")),
    };
    let on_platform = known(number);
    let gone = |why: Skip| {
        if on_platform {
            Row::Withdraw(siret.to_owned(), why)
        } else {
            Row::Skip(why)
        }
    };
    if field(record, c.state)? != "A" {
        return Ok(gone(Skip::Closed));
    }
    if field(record, c.diffusion)? != "O" {
        return Ok(gone(Skip::NotDiffusible));
    }
    if field(record, c.nomenclature)? != "NAFRev2" {
        return Ok(Row::Skip(Skip::OtherNomenclature));
    }
    let naf = field(record, c.activity)?;
    let naf = app::domain::ids::NafCode::parse(naf)
        .map_err(|_| format!("activitePrincipaleEtablissement {naf:?} is not a NAF code"))?;
    if !on_platform && !industrial(naf.as_str()) {
        return Ok(Row::Skip(Skip::OtherActivity));
    }
    let commune = commune_of(field(record, c.commune)?);
    let Some((code, centre)) =
        code5(commune).and_then(|c| perimeter.known.get(&c).map(|centre| (c, *centre)))
    else {
        return Ok(Row::Skip(Skip::UnknownCommune));
    };
    if !on_platform
        && perimeter
            .kept
            .as_ref()
            .is_some_and(|kept| !kept.contains(&code))
    {
        return Ok(Row::Skip(Skip::Outside));
    }
    let siren = field(record, c.siren)?;
    let name = [c.usual_name, c.sign]
        .iter()
        .map(|at| field(record, *at))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .find(|n| !n.is_empty() && *n != "[ND]")
        .map(str::to_owned)
        .or_else(|| legal_name(siren))
        .unwrap_or_else(|| format!("Établissement {siret}"));
    let band = field(record, c.headcount)?;
    let position = position(record, c, commune, centre)?;
    Ok(Row::Keep(Establishment {
        siret: siret.to_owned(),
        siren: siren.to_owned(),
        name: name.chars().take(200).collect(),
        naf: naf.as_str().to_owned(),
        commune: commune.to_owned(),
        headcount_band: HEADCOUNT_BANDS
            .iter()
            .any(|(b, _, _)| *b == band)
            .then(|| band.to_owned()),
        position,
    }))
}

/// Where a stopped run was, for the same file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    file: PathBuf,
    size: u64,
    modified: u64,
    byte: u64,
    line: u64,
    record: u64,
    summary: Summary,
}

fn identity(path: &Path) -> anyhow::Result<(PathBuf, u64, u64)> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    Ok((file, meta.len(), modified))
}

/// The register's fields of the organisations already on the platform with these SIRETs.
#[derive(Debug, FromQueryResult)]
struct Existing {
    id: i64,
    siret: String,
    siren: Option<String>,
    name: String,
    naf_code: Option<String>,
    commune_insee: Option<String>,
    headcount_band: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    visibility: String,
}

/// Writes one batch in its own transaction.
async fn write_batch(
    db: &DatabaseConnection,
    keep: &[Establishment],
    withdraw: &[String],
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let txn = db.begin().await.context("register batch")?;
    let at = crate::db::organisations::now();
    let sirets: Vec<Value> = keep.iter().map(|e| e.siret.as_str().into()).collect();
    let existing: HashMap<String, Existing> = if sirets.is_empty() {
        HashMap::new()
    } else {
        fetch_all::<Existing>(
            &txn,
            &format!(
                "SELECT id, siret, siren, name, naf_code, commune_insee, headcount_band, latitude, \
                 longitude, visibility FROM organisation WHERE siret IN ({})",
                placeholders(sirets.len())
            ),
            sirets,
        )
        .await?
        .into_iter()
        .map(|e| (e.siret.clone(), e))
        .collect()
    };
    for e in keep {
        match existing.get(&e.siret) {
            Some(row)
                if row.name == e.name
                    && row.siren.as_deref() == Some(e.siren.as_str())
                    && row.naf_code.as_deref() == Some(e.naf.as_str())
                    && row.commune_insee.as_deref() == Some(e.commune.as_str())
                    && row.headcount_band == e.headcount_band
                    && row.latitude.zip(row.longitude) == e.position
                    && row.visibility != WITHDRAWN =>
            {
                summary.unchanged += 1;
            }
            Some(row) => {
                // Back in the register (reopened, diffusible again): public again.
                let visibility = if row.visibility == WITHDRAWN {
                    "public"
                } else {
                    row.visibility.as_str()
                };
                txn.execute(crate::db::stmt(
                    &txn,
                    "UPDATE organisation SET name = ?, siren = ?, naf_code = ?, commune_insee = ?, \
                     headcount_band = ?, latitude = ?, longitude = ?, visibility = ?, updated_at = ? \
                     WHERE id = ?",
                    vec![
                        e.name.as_str().into(),
                        e.siren.as_str().into(),
                        e.naf.as_str().into(),
                        e.commune.as_str().into(),
                        e.headcount_band.clone().into(),
                        e.position.map(|p| p.0).into(),
                        e.position.map(|p| p.1).into(),
                        visibility.into(),
                        at.into(),
                        row.id.into(),
                    ],
                ))
                .await
                .context("updating an établissement")?;
                record_change(&txn, "organisation", row.id, "upsert").await?;
                summary.updated += 1;
            }
            None => {
                #[derive(FromQueryResult)]
                struct Id {
                    id: i64,
                }
                let id: Option<Id> = crate::db::fetch_optional(
                    &txn,
                    "INSERT INTO organisation (kind, name, siret, siren, naf_code, commune_insee, \
                     country_code, headcount_band, latitude, longitude, description, capabilities, \
                     certifications, website, email, is_demo, created_at, updated_at) VALUES \
                     ('firm', ?, ?, ?, ?, ?, 'FR', ?, ?, ?, '', '[]', '[]', '', '', ?, ?, ?) \
                     RETURNING id",
                    vec![
                        e.name.as_str().into(),
                        e.siret.as_str().into(),
                        e.siren.as_str().into(),
                        e.naf.as_str().into(),
                        e.commune.as_str().into(),
                        e.headcount_band.clone().into(),
                        e.position.map(|p| p.0).into(),
                        e.position.map(|p| p.1).into(),
                        false.into(),
                        at.into(),
                        at.into(),
                    ],
                )
                .await?;
                let id = id.context("the new organisation's id")?.id;
                record_change(&txn, "organisation", id, "upsert").await?;
                summary.inserted += 1;
            }
        }
    }
    if !withdraw.is_empty() {
        #[derive(FromQueryResult)]
        struct Id {
            id: i64,
        }
        let mut values: Vec<Value> = vec![WITHDRAWN.into()];
        values.extend(withdraw.iter().map(|s| Value::from(s.as_str())));
        let ids: Vec<Id> = fetch_all(
            &txn,
            &format!(
                "SELECT id FROM organisation WHERE visibility <> ? AND siret IN ({})",
                placeholders(withdraw.len())
            ),
            values,
        )
        .await?;
        for id in ids {
            txn.execute(crate::db::stmt(
                &txn,
                "UPDATE organisation SET visibility = ?, updated_at = ? WHERE id = ?",
                vec![WITHDRAWN.into(), at.into(), id.id.into()],
            ))
            .await
            .context("withdrawing an établissement")?;
            record_change(&txn, "organisation", id.id, "upsert").await?;
            summary.withdrawn += 1;
        }
    }
    txn.commit().await.context("committing a register batch")?;
    Ok(())
}

/// The visibility of an établissement the register no longer lists as active and diffusible.
pub const WITHDRAWN: &str = app::domain::organisation::OrganisationVisibility::Withdrawn.code();

/// Imports the stock file at `path`.
pub async fn import(
    db: &DatabaseConnection,
    path: &Path,
    options: &Options,
) -> anyhow::Result<Summary> {
    let (file_id, size, modified) = identity(path)?;
    let saved: Option<Checkpoint> = if options.restart {
        None
    } else {
        std::fs::read(&options.checkpoint)
            .ok()
            .and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok())
            .filter(|c| c.file == file_id && c.size == size && c.modified == modified)
    };
    let perimeter = Perimeter::load(db, options.all, options.ring_km).await?;
    #[derive(FromQueryResult)]
    struct S {
        siret: String,
    }
    let known: HashSet<u64> = fetch_all::<S>(
        db,
        "SELECT siret FROM organisation WHERE siret IS NOT NULL",
        vec![],
    )
    .await?
    .into_iter()
    .filter_map(|s| s.siret.parse().ok())
    .collect();

    let is_known = |n: u64| known.contains(&n);
    let (mut reader, header) = open(path)?;
    let columns = Columns::find(&header)?;
    let names = match &options.legal_units {
        Some(units) => {
            let sirens = kept_sirens(&mut reader, &columns, &perimeter, &is_known, size)?;
            let names = legal_names(units, &sirens)?;
            (reader, _) = open(path)?;
            names
        }
        None => HashMap::new(),
    };
    let legal_name = |siren: &str| {
        let n: u32 = siren.parse().ok()?;
        names.get(&n).map(|name| name.to_string())
    };
    let mut summary = Summary::default();
    if let Some(c) = &saved {
        let mut at = Position::new();
        at.set_byte(c.byte).set_line(c.line).set_record(c.record);
        reader
            .seek(at)
            .context("resuming where the last run stopped")?;
        summary = c.summary.clone();
        eprintln!("resuming at line {} (--restart to start over)", c.line);
    }

    let bar = progress(size, "établissements");
    let mut record = ByteRecord::new();
    let mut keep: Vec<Establishment> = Vec::with_capacity(BATCH);
    let mut withdraw: Vec<String> = Vec::new();
    loop {
        let more = match reader.read_byte_record(&mut record) {
            Ok(more) => more,
            Err(e) if e.is_io_error() => {
                bar.finish_and_clear();
                bail!("reading {}: {e} (run again to resume)", path.display());
            }
            Err(e) => {
                // A broken row (a stray quote, bad bytes) is counted and the reading goes on.
                let line = e.position().map_or(0, |p| p.line());
                summary.read += 1;
                summary.unreadable += 1;
                if summary.unreadable_lines.len() < LISTED {
                    summary.unreadable_lines.push((line, e.to_string()));
                }
                continue;
            }
        };
        if more {
            summary.read += 1;
            match classify(&record, &columns, &perimeter, &is_known, &legal_name) {
                Ok(Row::Keep(e)) => {
                    summary.kept += 1;
                    keep.push(e);
                }
                Ok(Row::Withdraw(siret, why)) => {
                    count(&mut summary, why);
                    withdraw.push(siret);
                }
                Ok(Row::Skip(why)) => count(&mut summary, why),
                Err(why) => {
                    summary.unreadable += 1;
                    if summary.unreadable_lines.len() < LISTED {
                        let line = record.position().map_or(0, |p| p.line());
                        summary.unreadable_lines.push((line, why));
                    }
                }
            }
        }
        if keep.len() >= BATCH
            || withdraw.len() >= BATCH
            || (!more && (!keep.is_empty() || !withdraw.is_empty()))
        {
            write_batch(db, &keep, &withdraw, &mut summary).await?;
            keep.clear();
            withdraw.clear();
            let at = reader.position();
            let checkpoint = Checkpoint {
                file: file_id.clone(),
                size,
                modified,
                byte: at.byte(),
                line: at.line(),
                record: at.record(),
                summary: summary.clone(),
            };
            if let Ok(bytes) = serde_json::to_vec(&checkpoint) {
                let _ = std::fs::write(&options.checkpoint, bytes);
            }
            bar.set_position(at.byte());
            bar.set_message(format!("kept {}", summary.kept));
        } else if summary.read.is_multiple_of(65_536) {
            bar.set_position(reader.position().byte());
        }
        if !more {
            break;
        }
    }
    bar.finish_and_clear();
    let _ = std::fs::remove_file(&options.checkpoint);
    Ok(summary)
}

/// A CSV file of the register, and its header.
fn open(path: &Path) -> anyhow::Result<(csv::Reader<std::fs::File>, ByteRecord)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let header = reader
        .byte_headers()
        .map_err(|e| anyhow::anyhow!("{}: line 1: {e}", path.display()))?
        .clone();
    Ok((reader, header))
}

/// A progress bar over a file's bytes.
fn progress(size: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {prefix} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(what.to_owned());
    bar
}

/// The SIRENs of the établissements a run will keep (a first reading, when legal names are
/// wanted: the national file of unités légales is far larger than what is kept of it).
fn kept_sirens(
    reader: &mut csv::Reader<std::fs::File>,
    columns: &Columns,
    perimeter: &Perimeter,
    known: &dyn Fn(u64) -> bool,
    size: u64,
) -> anyhow::Result<HashSet<u32>> {
    let bar = progress(size, "établissements (1/2)");
    let mut record = ByteRecord::new();
    let mut sirens = HashSet::new();
    let mut read = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if let Ok(Row::Keep(e)) = classify(&record, columns, perimeter, known, &|_| None) {
                    if let Ok(n) = e.siren.parse::<u32>() {
                        sirens.insert(n);
                    }
                }
            }
            Err(e) if e.is_io_error() => bail!("reading the établissements: {e}"),
            // Counted and listed by the reading that writes.
            Err(_) => {}
        }
        read += 1;
        if read.is_multiple_of(65_536) {
            bar.set_position(reader.position().byte());
        }
    }
    bar.finish_and_clear();
    Ok(sirens)
}

/// The legal names of `sirens`, from the stock file of unités légales (StockUniteLegale):
/// `denominationUniteLegale`, or for a person whose identity is diffusible, their usual
/// first name and name.
fn legal_names(path: &Path, sirens: &HashSet<u32>) -> anyhow::Result<HashMap<u32, Box<str>>> {
    let (mut reader, header) = open(path)?;
    let names = header_names(&header);
    let at = |name: &str| names.iter().position(|n| n == name);
    let (Some(siren), Some(denomination)) = (at("siren"), at("denominationUniteLegale")) else {
        bail!(
            "{}: line 1: not a stock file of unités légales: no column siren or denominationUniteLegale",
            path.display()
        );
    };
    let diffusion = at("statutDiffusionUniteLegale");
    let person = [
        at("prenomUsuelUniteLegale").or(at("prenom1UniteLegale")),
        at("nomUsageUniteLegale"),
        at("nomUniteLegale"),
    ];
    let size = identity(path)?.1;
    let bar = progress(size, "unités légales");
    let mut record = ByteRecord::new();
    let mut found = HashMap::new();
    let mut read = 0u64;
    let text = |record: &ByteRecord, at: Option<usize>| {
        at.and_then(|at| field(record, at).ok())
            .filter(|t| !t.is_empty() && *t != "[ND]")
            .map(str::to_owned)
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if e.is_io_error() => bail!("{}: {e}", path.display()),
            // A broken row: its legal unit keeps no name.
            Err(_) => continue,
        }
        read += 1;
        if read.is_multiple_of(65_536) {
            bar.set_position(reader.position().byte());
        }
        let Some(n) = text(&record, Some(siren)).and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if !sirens.contains(&n) {
            continue;
        }
        let name = text(&record, Some(denomination)).or_else(|| {
            if text(&record, diffusion).as_deref() != Some("O") {
                return None;
            }
            let first = text(&record, person[0]);
            let last = text(&record, person[1]).or_else(|| text(&record, person[2]))?;
            Some(first.map_or(last.clone(), |f| format!("{f} {last}")))
        });
        if let Some(name) = name {
            found.insert(
                n,
                name.chars().take(200).collect::<String>().into_boxed_str(),
            );
        }
    }
    bar.finish_and_clear();
    Ok(found)
}

fn count(summary: &mut Summary, why: Skip) {
    let n = match why {
        Skip::Closed => &mut summary.closed,
        Skip::NotDiffusible => &mut summary.not_diffusible,
        Skip::OtherNomenclature => &mut summary.other_nomenclature,
        Skip::OtherActivity => &mut summary.other_activity,
        Skip::Outside => &mut summary.outside,
        Skip::UnknownCommune => &mut summary.unknown_commune,
    };
    *n += 1;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const HEADER: &str =
        "siren,nic,siret,statutDiffusionEtablissement,etatAdministratifEtablissement,\
        activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,\
        codeCommuneEtablissement,trancheEffectifsEtablissement,enseigne1Etablissement,\
        denominationUsuelleEtablissement,coordonneeLambertAbscisseEtablissement,\
        coordonneeLambertOrdonneeEtablissement";

    fn parse(line: &str) -> ByteRecord {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let mut r = ByteRecord::new();
        reader.read_byte_record(&mut r).unwrap();
        r
    }

    fn perimeter() -> Perimeter {
        let set = |codes: &[&str]| codes.iter().map(|c| code5(c).unwrap()).collect();
        let cluses = Point::new(46.0606, 6.5797);
        Perimeter {
            kept: Some(set(&["74081", "75056"])),
            known: [("74081", cluses), ("75056", None), ("33063", None)]
                .into_iter()
                .map(|(c, p)| (code5(c).unwrap(), p))
                .collect(),
        }
    }

    fn row(line: &str, known: bool) -> Result<Row, String> {
        let columns = Columns::find(&parse(HEADER)).unwrap();
        let legal = |siren: &str| (siren == "222222222").then(|| "SOCIETE MERE SA".to_owned());
        classify(&parse(line), &columns, &perimeter(), &|_| known, &legal)
    }

    #[test]
    fn active_diffusible_industry_in_the_territories_is_kept() {
        let kept = row(
            "123456789,00012,12345678900012,O,A,25.62B,NAFRev2,74081,12,ARVE DECOLLETAGE,,,",
            false,
        );
        assert_eq!(
            kept,
            Ok(Row::Keep(Establishment {
                siret: "12345678900012".into(),
                siren: "123456789".into(),
                name: "ARVE DECOLLETAGE".into(),
                naf: "25.62B".into(),
                commune: "74081".into(),
                headcount_band: Some("12".into()),
                position: None,
            }))
        );
        // A Paris arrondissement is Paris; the usual name comes before the sign.
        let paris = row(
            "123456789,00020,12345678900020,O,A,71.12B,NAFRev2,75108,NN,ENSEIGNE,Bureau d'études,,",
            false,
        );
        assert!(
            matches!(paris, Ok(Row::Keep(e)) if e.commune == "75056" && e.name == "Bureau d'études")
        );
    }

    #[test]
    fn every_other_row_says_why_it_is_left_out() {
        let skip = |line: &str| row(line, false);
        assert_eq!(
            skip("1,1,12345678900012,O,F,25.62B,NAFRev2,74081,12,,,,"),
            Ok(Row::Skip(Skip::Closed))
        );
        assert_eq!(
            skip("1,1,12345678900012,P,A,25.62B,NAFRev2,74081,12,[ND],[ND],,"),
            Ok(Row::Skip(Skip::NotDiffusible))
        );
        assert_eq!(
            skip("1,1,12345678900012,O,A,28.5A,NAFRev1,74081,12,,,,"),
            Ok(Row::Skip(Skip::OtherNomenclature))
        );
        assert_eq!(
            skip("1,1,12345678900012,O,A,56.10A,NAFRev2,74081,12,,,,"),
            Ok(Row::Skip(Skip::OtherActivity))
        );
        assert_eq!(
            skip("1,1,12345678900012,O,A,25.62B,NAFRev2,33063,12,,,,"),
            Ok(Row::Skip(Skip::Outside))
        );
        assert_eq!(
            skip("1,1,12345678900012,O,A,25.62B,NAFRev2,99999,12,,,,"),
            Ok(Row::Skip(Skip::UnknownCommune))
        );
        assert!(skip("1,1,1234,O,A,25.62B,NAFRev2,74081,12,,,,").is_err());
        assert!(skip("1,1,12345678900012,O,A,25.6,NAFRev2,74081,12,,,,").is_err());
    }

    #[test]
    fn a_firm_on_the_platform_is_followed_wherever_it_goes_and_withdrawn_when_it_closes() {
        let known = |line: &str| row(line, true);
        assert_eq!(
            known("1,1,12345678900012,O,F,25.62B,NAFRev2,74081,12,,,,"),
            Ok(Row::Withdraw("12345678900012".into(), Skip::Closed))
        );
        assert_eq!(
            known("1,1,12345678900012,P,A,25.62B,NAFRev2,74081,12,,,,"),
            Ok(Row::Withdraw("12345678900012".into(), Skip::NotDiffusible))
        );
        // Moved out of the territories, or into another trade: still kept up to date.
        assert!(matches!(
            known("1,1,12345678900012,O,A,56.10A,NAFRev2,33063,12,X,,,"),
            Ok(Row::Keep(_))
        ));
    }

    #[test]
    fn a_file_without_the_register_columns_is_refused_by_name() {
        let e = Columns::find(&parse("siret,name"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("statutDiffusionEtablissement"), "{e}");
    }

    #[test]
    fn the_legal_name_comes_after_the_etablissement_own_names() {
        let named = |line: &str| match row(line, false) {
            Ok(Row::Keep(e)) => e.name,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            named("222222222,1,22222222200011,O,A,25.62B,NAFRev2,74081,12,,,,"),
            "SOCIETE MERE SA"
        );
        assert_eq!(
            named("222222222,1,22222222200011,O,A,25.62B,NAFRev2,74081,12,ATELIER,,,"),
            "ATELIER"
        );
        assert_eq!(
            named("333333333,1,33333333300011,O,A,25.62B,NAFRev2,74081,12,,,,"),
            "Établissement 33333333300011"
        );
    }

    #[test]
    fn an_etablissement_position_is_kept_only_where_it_is_plausible() {
        let at = |x: &str, y: &str, commune: &str| match row(
            &format!("1,1,12345678900012,O,A,25.62B,NAFRev2,{commune},12,X,,{x},{y}"),
            true,
        ) {
            Ok(Row::Keep(e)) => e.position,
            other => panic!("{other:?}"),
        };
        // In the Arve valley, 14 km from the centre of Cluses.
        let p = at("990000", "6560000", "74081").unwrap();
        assert!(
            (p.0 - 46.077727).abs() < 1e-5 && (p.1 - 6.753825).abs() < 1e-5,
            "{p:?}"
        );
        // In the Var, 330 km away (a slip in the register): the commune's centre.
        assert_eq!(at("1000000", "6230000", "74081"), None);
        // Not given, or not a number.
        assert_eq!(at("", "", "74081"), None);
        assert_eq!(at("[ND]", "[ND]", "74081"), None);
    }
}
