//! The search service: resolves places, runs the query off the async runtime, and turns
//! matches into hits with snippets, distances, map positions and labelled facets.

use super::places::Places;
use crate::db::fetch_all;
use crate::search::collector::SearchCollector;
use crate::search::documents::FACETS;
use crate::search::query;
use crate::search::SearchIndex;
use anyhow::Context;
use app::api::search::{Choice, ChoiceList};
use app::api::search::{FacetValue, Near, SearchHit, SearchParams, SearchResults, SearchSort};
use app::domain::geo::Point;
use app::domain::text::escape_html;
use app::error::{FieldError, Problem};
use app::ports::{Search, ServiceError};
use migrations::Frame;
use sea_orm::{DatabaseConnection, FromQueryResult};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::TantivyDocument;

/// Facet values returned per dimension.
const FACET_VALUES: usize = 30;

/// The field problem of a place that names no commune, with the communes it may be (found
/// off the async runtime: a pass over every name).
pub async fn unknown_place(places: &Arc<Places>, field: &str, typed: &str) -> FieldError {
    let (places, text) = (places.clone(), typed.to_owned());
    let suggestions = tokio::task::spawn_blocking(move || places.suggest(&text))
        .await
        .unwrap_or_default();
    let said = if suggestions.is_empty() {
        format!("no commune is named or numbered {typed:?}")
    } else {
        let list: Vec<String> = suggestions
            .iter()
            .map(|p| format!("{} ({})", p.name, p.insee))
            .collect();
        format!(
            "no commune is named or numbered {typed:?}; did you mean {}?",
            list.join(", ")
        )
    };
    FieldError::new(field, Problem::CommuneUnknown.saying(said)).suggesting(
        suggestions
            .into_iter()
            .map(|p| (p.insee.clone(), p.label()))
            .collect(),
    )
}

/// The activities to offer for a list of NAF codes being typed: the codes already there are
/// kept, the words after them looked up, and each choice is the list with one more code.
fn activity_choices(activities: &super::activities::Activities, typed: &str) -> Vec<Choice> {
    let (codes, words): (Vec<String>, Vec<String>) = app::domain::text::split_codes(typed)
        .into_iter()
        .partition(|t| app::api::needs::naf_code(t).is_some());
    if words.is_empty() {
        return Vec::new();
    }
    let codes: Vec<String> = codes
        .iter()
        .filter_map(|c| app::api::needs::naf_code(c))
        .collect();
    activities
        .find(&words.join(" "))
        .into_iter()
        .filter(|(code, _)| !codes.contains(code))
        .map(|(code, label)| {
            let mut value = codes.clone();
            value.push(code.clone());
            Choice {
                value: value.join(" "),
                label: format!("{code} · {label}"),
            }
        })
        .collect()
}

/// The skills to offer for the last item of a list of capabilities being typed: the items
/// before it are kept, the one being typed is completed.
fn capability_choices(skills: &super::activities::Activities, typed: &str) -> Vec<Choice> {
    let (before, last) = match typed.rsplit_once(';') {
        Some((before, last)) => (Some(before.trim_end()), last),
        None => (None, typed),
    };
    let kept: Vec<String> = before
        .map(app::domain::organisation::split_list)
        .unwrap_or_default();
    skills
        .find(last)
        .into_iter()
        .filter(|(_, label)| !kept.iter().any(|k| k == label))
        .map(|(_, label)| {
            let mut value = kept.clone();
            value.push(label.clone());
            Choice {
                value: value.join("; "),
                label,
            }
        })
        .collect()
}

/// Reference data the service needs at hand: places, activities, labels and map frames.
pub struct Gazetteer {
    places: Arc<Places>,
    /// The NAF's activities, found by the words of their labels.
    activities: Arc<super::activities::Activities>,
    /// ESCO skills, found the same way, offered as capabilities.
    skills: Arc<super::activities::Activities>,
    labels: HashMap<&'static str, HashMap<String, String>>,
    frames: HashMap<String, Frame>,
}

#[derive(FromQueryResult)]
struct Label {
    code: String,
    label: String,
}

#[derive(FromQueryResult)]
struct FrameRow {
    name: String,
    plate_lat: Option<f64>,
    min_x: f64,
    min_y: f64,
    scale: f64,
    offset_x: f64,
    offset_y: f64,
}

impl Gazetteer {
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Gazetteer> {
        let places = Arc::new(Places::load(db).await?);
        let activities = Arc::new(super::activities::Activities::load(db).await?);
        let skills = Arc::new(super::activities::Activities::load_skills(db).await?);
        let mut labels = HashMap::new();
        for (facet, sql) in [
            ("region", "SELECT code, name AS label FROM region"),
            ("department", "SELECT code, name AS label FROM department"),
            (
                "territory",
                "SELECT id AS code, name AS label FROM territory",
            ),
            (
                "naf_section",
                "SELECT code, label FROM naf WHERE level = 'section'",
            ),
            (
                "naf_division",
                "SELECT code, label FROM naf WHERE level = 'division'",
            ),
            (
                "naf_class",
                "SELECT code, label FROM naf WHERE level = 'class'",
            ),
            // The funders a fiche-action's lines name: operators, Regions, the State in each
            // region, EPCI (the page says which kind each is).
            (
                "funder",
                "SELECT 'organisation:' || CAST(id AS varchar(20)) AS code, name AS label \
                 FROM organisation WHERE kind = 'operator' \
                 UNION ALL SELECT 'region:' || code AS code, name AS label FROM region \
                 UNION ALL SELECT 'state:' || code AS code, name AS label FROM region \
                 UNION ALL SELECT 'epci:' || siren AS code, name AS label FROM epci",
            ),
        ] {
            let rows: Vec<Label> = fetch_all(db, sql, vec![]).await?;
            labels.insert(facet, rows.into_iter().map(|r| (r.code, r.label)).collect());
        }
        let frames: Vec<FrameRow> = fetch_all(
            db,
            "SELECT name, plate_lat, min_x, min_y, scale, offset_x, offset_y FROM map_frame",
            vec![],
        )
        .await?;
        Ok(Gazetteer {
            places,
            activities,
            skills,
            labels,
            frames: frames
                .into_iter()
                .map(|f| {
                    (
                        f.name,
                        Frame {
                            plate_lat: f.plate_lat,
                            min_x: f.min_x,
                            min_y: f.min_y,
                            scale: f.scale,
                            offset_x: f.offset_x,
                            offset_y: f.offset_y,
                        },
                    )
                })
                .collect(),
        })
    }

    /// The places behind it, shared with the services that read a typed commune.
    pub fn places(&self) -> Arc<Places> {
        self.places.clone()
    }

    /// The point of a `near` parameter; an unknown place is a field error with suggestions.
    pub async fn locate(&self, near: &Near) -> Result<Point, ServiceError> {
        if let Some(point) = self.places.locate(near) {
            return Ok(point);
        }
        let typed = match near {
            Near::Commune(code) => code.as_str().to_owned(),
            Near::Name(name) => name.clone(),
            Near::Point(_) => String::new(),
        };
        Err(ServiceError::Invalid(vec![
            unknown_place(&self.places, "near", &typed).await,
        ]))
    }

    fn label(&self, facet: &str, value: &str) -> String {
        self.labels
            .get(facet)
            .and_then(|m| m.get(value))
            .cloned()
            .unwrap_or_else(|| value.to_owned())
    }

    /// The national-map position of a point in a region.
    fn project(&self, region: Option<&str>, p: Point) -> Option<(f64, f64)> {
        let frame = region
            .and_then(|r| self.frames.get(r))
            .or_else(|| self.frames.get("metro"))?;
        Some(frame.project(p.lon, p.lat))
    }
}

/// Search over the index, for the server functions and the API.
pub struct SearchService {
    index: SearchIndex,
    gazetteer: Arc<Gazetteer>,
}

impl SearchService {
    pub fn new(index: SearchIndex, gazetteer: Arc<Gazetteer>) -> Self {
        SearchService { index, gazetteer }
    }
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Runs a search synchronously (call off the async runtime).
pub fn run_search(
    index: &SearchIndex,
    gazetteer: &Gazetteer,
    params: &SearchParams,
    near: Option<Point>,
    visibilities: &[&str],
) -> anyhow::Result<SearchResults> {
    let f = index.fields;
    let searcher = index.reader.searcher();
    let (query, text_query) = query::build(index, &searcher, params, near, visibilities)?;
    let offset = (params.page.saturating_sub(1) * params.per_page) as usize;
    // Without words to rank by, results near a place come nearest first.
    let sort = match (params.sort, &text_query, near) {
        (SearchSort::Relevance, None, Some(_)) => SearchSort::Distance,
        (sort, _, _) => sort,
    };
    let collector = SearchCollector {
        tables: index.tables.clone(),
        near,
        radius_km: params.radius_km,
        sort,
        limit: offset + params.per_page as usize,
        facet_limit: (searcher.segment_readers().len() == 1).then_some(FACET_VALUES),
    };
    let collected = searcher
        .search(&*query, &collector)
        .context("running the search")?;
    let snippets = match &text_query {
        Some(t) => {
            let mut description =
                SnippetGenerator::create(&searcher, &*t.highlight, f.description)?;
            description.set_max_num_chars(180);
            Some(description)
        }
        None => None,
    };
    let mut hits = Vec::new();
    for c in collected.top.iter().skip(offset) {
        let doc: TantivyDocument = searcher.doc(c.address).context("loading a result")?;
        let snippet = snippets
            .as_ref()
            .map(|d| d.snippet_from_doc(&doc).to_html())
            .filter(|s| s.contains("<b>"))
            .unwrap_or_else(|| {
                let d = text(&doc, f.description).unwrap_or_default();
                let short: String = d.chars().take(180).collect();
                escape_html(&short)
            });
        let lat = doc.get_first(f.lat).and_then(|v| v.as_f64());
        let lon = doc.get_first(f.lon).and_then(|v| v.as_f64());
        let region = text(&doc, f.region);
        let position = lat
            .zip(lon)
            .and_then(|(lat, lon)| gazetteer.project(region.as_deref(), Point { lat, lon }));
        hits.push(SearchHit {
            kind: text(&doc, f.kind).unwrap_or_default(),
            id: doc
                .get_first(f.entity_id)
                .and_then(|v| v.as_u64())
                .and_then(|i| i64::try_from(i).ok())
                .unwrap_or(0),
            name: text(&doc, f.name).unwrap_or_default(),
            siret: text(&doc, f.siret),
            commune: text(&doc, f.commune),
            territory: text(&doc, f.territory_name),
            territory_id: text(&doc, f.territory),
            distance_km: c.distance_km.map(|d| (d * 10.0).round() / 10.0),
            score: c.score,
            snippet,
            map_x: position.map(|p| p.0),
            map_y: position.map(|p| p.1),
        });
    }
    let mut facets = BTreeMap::new();
    for name in FACETS {
        let mut counted: Vec<(&String, u64)> = collected
            .facets
            .get(name)
            .map(|m| m.iter().map(|(value, count)| (value, *count)).collect())
            .unwrap_or_default();
        // Only values that can make the first FACET_VALUES (ties included) get a label.
        counted.sort_by_key(|c| std::cmp::Reverse(c.1));
        if let Some(floor) = counted.get(FACET_VALUES.saturating_sub(1)).map(|c| c.1) {
            counted.retain(|c| c.1 >= floor);
        }
        let mut values: Vec<FacetValue> = counted
            .into_iter()
            .map(|(value, count)| FacetValue {
                value: value.clone(),
                label: gazetteer.label(name, value),
                count,
            })
            .collect();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        values.truncate(FACET_VALUES);
        facets.insert(name.to_owned(), values);
    }
    Ok(SearchResults {
        total: collected.total,
        page: params.page,
        per_page: params.per_page,
        hits,
        facets,
    })
}

#[async_trait::async_trait]
impl Search for SearchService {
    async fn search(
        &self,
        params: &SearchParams,
        near: Option<&Near>,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<SearchResults, ServiceError> {
        let point = match near {
            Some(n) => Some(self.gazetteer.locate(n).await?),
            None => None,
        };
        let (index, gazetteer, params) =
            (self.index.clone(), self.gazetteer.clone(), params.clone());
        let visibilities = viewer.visibilities();
        let results = tokio::task::spawn_blocking(move || {
            run_search(&index, &gazetteer, &params, point, visibilities)
        })
        .await
        .context("search task")??;
        Ok(results)
    }

    async fn choices(&self, list: ChoiceList, typed: &str) -> Result<Vec<Choice>, ServiceError> {
        let typed = typed.to_owned();
        let gazetteer = self.gazetteer.clone();
        let found = tokio::task::spawn_blocking(move || match list {
            ChoiceList::Communes => gazetteer
                .places
                .choices(&typed)
                .into_iter()
                .map(|p| Choice {
                    value: p.label(),
                    label: p.label(),
                })
                .collect(),
            ChoiceList::Activities => activity_choices(&gazetteer.activities, &typed),
            ChoiceList::Capabilities => capability_choices(&gazetteer.skills, &typed),
        })
        .await
        .context("choices task")?;
        Ok(found)
    }

    async fn suggest(
        &self,
        prefix: &str,
        viewer: &app::domain::policy::Viewer,
    ) -> Result<Vec<String>, ServiceError> {
        let index = self.index.clone();
        let prefix = prefix.to_owned();
        let visibilities = viewer.visibilities();
        let names = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
            let params = SearchParams {
                q: prefix,
                page: 1,
                per_page: 8,
                ..Default::default()
            };
            let searcher = index.reader.searcher();
            let Some(words) = query::text_query(&index, &searcher, &params.q)? else {
                return Ok(Vec::new());
            };
            // Visibility inside the query, as for every search.
            let (occur, visible) = query::visible_to(&index.fields, &searcher, visibilities);
            let query = tantivy::query::BooleanQuery::new(vec![
                (tantivy::query::Occur::Must, words.query),
                (
                    occur,
                    Box::new(tantivy::query::ConstScoreQuery::new(visible, 0.0)),
                ),
            ]);
            let top = searcher.search(&query, &TopDocs::with_limit(8).order_by_score())?;
            let mut names = Vec::new();
            for (_, address) in top {
                let doc: TantivyDocument = searcher.doc(address)?;
                if let Some(name) = text(&doc, index.fields.name) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            Ok(names)
        })
        .await
        .context("suggest task")??;
        Ok(names)
    }
}
