//! The document model: one schema for every searchable thing, and the rows it is built from.
//!
//! Organisations (firms, clusters, pôles, districts, operators), land sites, territories,
//! public simplification proposals, good practices and open annonces all use the same fields
//! (`kind`, texts, place, facets, visibility), so one query serves them all. Facet fields are
//! fast string columns; `lat` and `lon` are fast and indexed for distance filtering;
//! `name_key` orders by name. Each kind of row implements [`Entity`].

use super::analysis::{ENGLISH, FOLDED, FRENCH, SHINGLES};
use crate::db::{fetch_all, fetch_in, join_organisation_party, join_territory_party, json_list};
use app::domain::need::{NeedStatus, NeedVisibility};
use app::domain::organisation::OrganisationVisibility;
use app::domain::proposal::Status;
use app::domain::text::fold;
use const_format::concatcp;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};
use tantivy::TantivyDocument;

/// Bump when the schema, the analyzers or what a document holds change: the index is rebuilt
/// at start-up. 7: an anonymous annonce of a territory no longer carries the territory's region.
pub const SCHEMA_VERSION: u32 = 8;

/// Facet dimensions, in the order the API returns them.
pub const FACETS: [&str; 13] = [
    "kind",
    "region",
    "department",
    "territory",
    "naf_section",
    "naf_division",
    "naf_class",
    "headcount",
    "certification",
    "site_label",
    "axis",
    "sheet_status",
    "funder",
];

/// Every field of the schema.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub entity_id: Field,
    pub name: Field,
    pub name_folded: Field,
    pub description: Field,
    pub description_en: Field,
    pub capabilities: Field,
    /// Shingles (pairs and triples of neighbouring stems) of `name`, `capabilities` and
    /// `description`, in that order.
    pub shingles: [Field; 3],
    pub certifications_text: Field,
    pub naf_label: Field,
    pub place: Field,
    pub region: Field,
    pub department: Field,
    pub territory: Field,
    pub naf_section: Field,
    pub naf_division: Field,
    pub naf_group: Field,
    pub naf_class: Field,
    pub naf_code: Field,
    pub headcount: Field,
    pub certification: Field,
    pub site_label: Field,
    /// A fiche-action's axis, status and the funders of its lines.
    pub axis: Field,
    pub sheet_status: Field,
    pub funder: Field,
    pub visibility: Field,
    pub audience: Field,
    pub hidden: Field,
    pub lat: Field,
    pub lon: Field,
    pub name_key: Field,
    pub siret: Field,
    pub commune: Field,
    pub territory_name: Field,
    pub lang: Field,
}

/// A text field analysed by `analyzer`. Positions are kept only where a phrase longer than
/// a shingle is checked (name, capabilities, description): elsewhere they would be written
/// for every token of every document and never read.
fn text(analyzer: &str, stored: bool, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(record);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Builds the schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let facet = STRING | FAST;
    let coord = NumericOptions::default()
        .set_fast()
        .set_indexed()
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", facet.clone() | STORED),
        entity_id: b.add_u64_field("entity_id", FAST | STORED),
        name: b.add_text_field("name", text(FRENCH, true, true)),
        name_folded: b.add_text_field("name_folded", text(FOLDED, false, false)),
        description: b.add_text_field("description", text(FRENCH, true, true)),
        description_en: b.add_text_field("description_en", text(ENGLISH, true, false)),
        capabilities: b.add_text_field("capabilities", text(FRENCH, true, true)),
        shingles: [
            "name_shingles",
            "capabilities_shingles",
            "description_shingles",
        ]
        .map(|name| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(SHINGLES)
                .set_index_option(IndexRecordOption::WithFreqs);
            b.add_text_field(name, TextOptions::default().set_indexing_options(indexing))
        }),
        certifications_text: b.add_text_field("certifications_text", text(FOLDED, false, false)),
        naf_label: b.add_text_field("naf_label", text(FRENCH, false, false)),
        place: b.add_text_field("place", text(FOLDED, false, false)),
        region: b.add_text_field("region", facet.clone() | STORED),
        department: b.add_text_field("department", facet.clone()),
        territory: b.add_text_field("territory", facet.clone() | STORED),
        naf_section: b.add_text_field("naf_section", facet.clone()),
        naf_division: b.add_text_field("naf_division", facet.clone()),
        naf_group: b.add_text_field("naf_group", facet.clone()),
        naf_class: b.add_text_field("naf_class", facet.clone()),
        naf_code: b.add_text_field("naf_code", facet.clone() | STORED),
        headcount: b.add_text_field("headcount", facet.clone()),
        certification: b.add_text_field("certification", facet.clone()),
        site_label: b.add_text_field("site_label", facet.clone()),
        axis: b.add_text_field("axis", facet.clone()),
        sheet_status: b.add_text_field("sheet_status", facet.clone()),
        funder: b.add_text_field("funder", facet.clone()),
        visibility: b.add_text_field("visibility", facet),
        audience: b.add_text_field("audience", STRING),
        hidden: b.add_text_field("hidden", STRING),
        lat: b.add_f64_field("lat", coord.clone()),
        lon: b.add_f64_field("lon", coord),
        name_key: b.add_u64_field("name_key", FAST),
        siret: b.add_text_field("siret", STRING | STORED),
        commune: b.add_text_field("commune", STORED),
        territory_name: b.add_text_field("territory_name", STORED),
        lang: b.add_text_field("lang", STRING | STORED),
    };
    (b.build(), fields)
}

/// The classes of viewer, each with the visibilities it may see. A document's `audience`
/// holds every class that may see it and `hidden` every other class, so a viewer's filter
/// is one term: required in `audience`, or excluded in `hidden` when that list is shorter.
pub const AUDIENCES: [(&str, &[&str]); 2] =
    [("public", &["public"]), ("members", &["public", "members"])];

/// Records a document's visibility and the audiences that may see it.
pub fn add_visibility(doc: &mut TantivyDocument, f: &Fields, visibility: &str) {
    doc.add_text(f.visibility, visibility);
    for (audience, sees) in AUDIENCES {
        if sees.contains(&visibility) {
            doc.add_text(f.audience, audience);
        } else {
            doc.add_text(f.hidden, audience);
        }
    }
}

/// Indexes the shingles of the phrase fields (see `analysis::Shingles`).
pub fn add_shingles(doc: &mut TantivyDocument, f: &Fields) {
    use tantivy::schema::Value;
    for (source, shingles) in [f.name, f.capabilities, f.description]
        .into_iter()
        .zip(f.shingles)
    {
        let texts: Vec<String> = doc
            .get_all(source)
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        for text in texts {
            doc.add_text(shingles, text);
        }
    }
}

/// The first eight bytes of the folded name, big-endian: sorting by it sorts by name.
pub fn name_key(name: &str) -> u64 {
    let folded = fold(name);
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(folded.bytes()) {
        *slot = b;
    }
    u64::from_be_bytes(bytes)
}

/// NAF labels and parents, to index a code with its whole hierarchy.
pub struct NafTable {
    entries: HashMap<String, (String, Option<String>)>,
}

#[derive(FromQueryResult)]
struct NafRow {
    code: String,
    label: String,
    parent: Option<String>,
}

impl NafTable {
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<NafTable> {
        let rows: Vec<NafRow> =
            fetch_all(db, "SELECT code, label, parent FROM naf", vec![]).await?;
        Ok(NafTable {
            entries: rows
                .into_iter()
                .map(|r| (r.code, (r.label, r.parent)))
                .collect(),
        })
    }

    /// The code and its ancestors, from the code itself up to its section.
    pub fn lineage(&self, code: &str) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        let mut current = Some(code);
        while let Some(c) = current {
            let Some((key, (label, parent))) = self.entries.get_key_value(c) else {
                break;
            };
            out.push((key.as_str(), label.as_str()));
            current = parent.as_deref();
            if out.len() > 6 {
                break;
            }
        }
        out
    }

    pub fn label(&self, code: &str) -> Option<&str> {
        self.entries.get(code).map(|(l, _)| l.as_str())
    }
}

#[derive(FromQueryResult)]
pub struct OrganisationRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub siret: Option<String>,
    pub naf_code: Option<String>,
    pub description: String,
    pub description_en: String,
    pub capabilities: String,
    pub certifications: String,
    pub markets: String,
    pub nace_divisions: String,
    pub headcount_band: Option<String>,
    pub visibility: String,
    pub commune: Option<String>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub territory_id: Option<String>,
    pub territory_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const ORGANISATION_SELECT: &str = "SELECT o.id, o.kind, o.name, o.siret, o.naf_code, o.description, \
    o.description_en, o.capabilities, o.certifications, o.markets, o.nace_divisions, \
    o.headcount_band, o.visibility, c.name AS commune, c.department_code, d.name AS department_name, \
    c.region_code, r.name AS region_name, c.territory_id, t.name AS territory_name, \
    COALESCE(o.latitude, c.latitude) AS latitude, COALESCE(o.longitude, c.longitude) AS longitude \
    FROM organisation o LEFT JOIN commune c ON c.insee = o.commune_insee \
    LEFT JOIN department d ON d.code = c.department_code LEFT JOIN region r ON r.code = c.region_code \
    LEFT JOIN territory t ON t.id = c.territory_id";

#[derive(FromQueryResult)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    pub turnkey: bool,
    pub zoning: String,
    pub commune: String,
    pub department_code: String,
    pub department_name: Option<String>,
    pub region_code: String,
    pub region_name: Option<String>,
    pub territory_id: Option<String>,
    pub territory_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const SITE_SELECT: &str = "SELECT s.id, s.name, s.description, s.status, s.turnkey, s.zoning, \
    c.name AS commune, c.department_code, d.name AS department_name, c.region_code, \
    r.name AS region_name, c.territory_id, t.name AS territory_name, c.latitude, c.longitude \
    FROM land_site s JOIN commune c ON c.insee = s.commune_insee \
    LEFT JOIN department d ON d.code = c.department_code LEFT JOIN region r ON r.code = c.region_code \
    LEFT JOIN territory t ON t.id = c.territory_id";

#[derive(FromQueryResult)]
pub struct TerritoryRow {
    pub id: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub presentation: Option<String>,
    pub strengths: Option<String>,
    pub needs_skills: Option<String>,
    pub needs_land: Option<String>,
    pub needs_housing: Option<String>,
    pub needs_mobility: Option<String>,
}

const TERRITORY_SELECT: &str = "SELECT t.id, t.name, t.region_code, r.name AS region_name, \
    t.latitude, t.longitude, p.presentation, p.strengths, p.needs_skills, p.needs_land, \
    p.needs_housing, p.needs_mobility FROM territory t JOIN region r ON r.code = t.region_code \
    LEFT JOIN territory_profile p ON p.territory_id = t.id";

/// Every territory (183 rows: no paging needed).
pub async fn territories_all(db: &impl ConnectionTrait) -> anyhow::Result<Vec<TerritoryRow>> {
    fetch_all(db, &format!("{TERRITORY_SELECT} ORDER BY t.id"), vec![]).await
}

/// Territories by id (for changes).
pub async fn territories_by_id(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> anyhow::Result<Vec<TerritoryRow>> {
    fetch_in(db, TERRITORY_SELECT, "t.id", ids).await
}

/// The journal's numeric id of a territory (`ti-8422` -> 8422) and back.
pub fn territory_number(id: &str) -> i64 {
    id.get(3..).and_then(|n| n.parse().ok()).unwrap_or(0)
}
pub fn territory_id(number: i64) -> String {
    format!("ti-{number:04}")
}

/// The document of a territory, with what its team wrote.
pub fn territory_document(f: &Fields, r: &TerritoryRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, format!("territory:{}", r.id));
    doc.add_text(f.kind, "territory");
    doc.add_u64(
        f.entity_id,
        u64::try_from(territory_number(&r.id)).unwrap_or(0),
    );
    doc.add_text(f.name, &r.name);
    doc.add_text(f.name_folded, &r.name);
    doc.add_u64(f.name_key, name_key(&r.name));
    let description = [&r.presentation, &r.strengths]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    doc.add_text(f.description, description);
    for need in [
        &r.needs_skills,
        &r.needs_land,
        &r.needs_housing,
        &r.needs_mobility,
    ]
    .into_iter()
    .flatten()
    {
        doc.add_text(f.capabilities, need);
    }
    doc.add_text(f.region, &r.region_code);
    doc.add_text(f.place, &r.region_name);
    doc.add_text(f.territory, &r.id);
    doc.add_text(f.territory_name, &r.name);
    add_visibility(&mut doc, f, "public");
    if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
        doc.add_f64(f.lat, lat);
        doc.add_f64(f.lon, lon);
    }
    doc.add_text(f.lang, "fr");
    doc
}

/// The index key of a row.
pub fn key(entity: &str, id: i64) -> String {
    format!("{entity}:{id}")
}

/// Where a document is, for the place text and the geographic facets.
struct Place<'a> {
    commune: Option<&'a str>,
    department: Option<&'a str>,
    department_name: Option<&'a str>,
    region: Option<&'a str>,
    region_name: Option<&'a str>,
}

fn add_place(doc: &mut TantivyDocument, f: &Fields, place: Place<'_>) {
    for part in [place.commune, place.department_name, place.region_name]
        .into_iter()
        .flatten()
    {
        doc.add_text(f.place, part);
    }
    if let Some(d) = place.department {
        doc.add_text(f.department, d);
    }
    if let Some(r) = place.region {
        doc.add_text(f.region, r);
    }
}

/// The document of an organisation.
pub fn organisation_document(f: &Fields, naf: &NafTable, r: &OrganisationRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("organisation", r.id));
    doc.add_text(f.kind, &r.kind);
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.name);
    doc.add_text(f.name_folded, &r.name);
    doc.add_u64(f.name_key, name_key(&r.name));
    doc.add_text(f.description, &r.description);
    if !r.description_en.is_empty() {
        doc.add_text(f.description_en, &r.description_en);
    }
    let capabilities = json_list(&r.capabilities);
    if !capabilities.is_empty() {
        doc.add_text(f.capabilities, capabilities.join(" ; "));
    }
    for m in json_list(&r.markets) {
        doc.add_text(f.capabilities, m);
    }
    for c in json_list(&r.certifications) {
        doc.add_text(f.certifications_text, &c);
        doc.add_text(f.certification, &c);
    }
    let mut divisions: Vec<String> = json_list(&r.nace_divisions);
    if let Some(code) = &r.naf_code {
        doc.add_text(f.naf_code, code);
        for (c, label) in naf.lineage(code) {
            doc.add_text(f.naf_label, label);
            match c.len() {
                1 => doc.add_text(f.naf_section, c),
                2 => divisions.push(c.to_owned()),
                4 => doc.add_text(f.naf_group, c),
                5 => doc.add_text(f.naf_class, c),
                _ => {}
            }
        }
    }
    divisions.sort();
    divisions.dedup();
    for d in &divisions {
        doc.add_text(f.naf_division, d);
        if r.naf_code.is_none() {
            for (c, label) in naf.lineage(d) {
                doc.add_text(f.naf_label, label);
                if c.len() == 1 {
                    doc.add_text(f.naf_section, c);
                }
            }
        }
    }
    if let Some(band) = &r.headcount_band {
        doc.add_text(f.headcount, band);
    }
    add_visibility(&mut doc, f, &r.visibility);
    if let Some(s) = &r.siret {
        doc.add_text(f.siret, s);
    }
    if let Some(c) = &r.commune {
        doc.add_text(f.commune, c);
    }
    add_place(
        &mut doc,
        f,
        Place {
            commune: r.commune.as_deref(),
            department: r.department_code.as_deref(),
            department_name: r.department_name.as_deref(),
            region: r.region_code.as_deref(),
            region_name: r.region_name.as_deref(),
        },
    );
    if let (Some(t), Some(name)) = (&r.territory_id, &r.territory_name) {
        doc.add_text(f.territory, t);
        doc.add_text(f.territory_name, name);
        doc.add_text(f.place, name);
    }
    if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
        doc.add_f64(f.lat, lat);
        doc.add_f64(f.lon, lon);
    }
    doc.add_text(f.lang, "fr");
    doc
}

/// The document of a land site.
pub fn site_document(f: &Fields, r: &SiteRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("land_site", r.id));
    doc.add_text(f.kind, app::api::search::LAND_SITE);
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.name);
    doc.add_text(f.name_folded, &r.name);
    doc.add_u64(f.name_key, name_key(&r.name));
    doc.add_text(f.description, &r.description);
    doc.add_text(f.capabilities, &r.zoning);
    doc.add_text(f.site_label, &r.status);
    if r.turnkey {
        doc.add_text(f.site_label, app::api::search::TURNKEY);
        doc.add_text(f.capabilities, "site clé en main");
    }
    add_visibility(&mut doc, f, "public");
    doc.add_text(f.commune, &r.commune);
    add_place(
        &mut doc,
        f,
        Place {
            commune: Some(&r.commune),
            department: Some(&r.department_code),
            department_name: r.department_name.as_deref(),
            region: Some(&r.region_code),
            region_name: r.region_name.as_deref(),
        },
    );
    if let (Some(t), Some(name)) = (&r.territory_id, &r.territory_name) {
        doc.add_text(f.territory, t);
        doc.add_text(f.territory_name, name);
        doc.add_text(f.place, name);
    }
    if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
        doc.add_f64(f.lat, lat);
        doc.add_f64(f.lon, lon);
    }
    doc.add_text(f.lang, "fr");
    doc
}

#[derive(FromQueryResult)]
pub struct ProposalDocRow {
    pub id: i64,
    pub title: String,
    pub problem: String,
    pub rule: String,
    pub legal_reference: String,
    pub solution: String,
    pub region_code: String,
    pub region_name: String,
    pub territory_id: String,
    pub territory_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.title, p.problem, p.rule, p.legal_reference, \
    p.solution, p.region_code, r.name AS region_name, p.territory_id, t.name AS territory_name, \
    t.latitude, t.longitude FROM proposal p JOIN territory t ON t.id = p.territory_id \
    JOIN region r ON r.code = p.region_code";

/// The document of a public proposal.
pub fn proposal_document(f: &Fields, r: &ProposalDocRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("proposal", r.id));
    doc.add_text(f.kind, "proposal");
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.title);
    doc.add_text(f.name_folded, &r.title);
    doc.add_u64(f.name_key, name_key(&r.title));
    for text in [&r.problem, &r.rule, &r.solution] {
        doc.add_text(f.description, text);
    }
    doc.add_text(f.capabilities, &r.legal_reference);
    doc.add_text(f.region, &r.region_code);
    doc.add_text(f.place, &r.region_name);
    doc.add_text(f.place, &r.territory_name);
    doc.add_text(f.territory, &r.territory_id);
    doc.add_text(f.territory_name, &r.territory_name);
    add_visibility(&mut doc, f, "public");
    if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
        doc.add_f64(f.lat, lat);
        doc.add_f64(f.lon, lon);
    }
    doc.add_text(f.lang, "fr");
    doc
}

#[derive(FromQueryResult)]
pub struct PracticeDocRow {
    pub id: i64,
    pub title: String,
    pub context: String,
    pub actions: String,
    pub results: String,
    pub partners: String,
    pub lang: String,
    pub author_name: Option<String>,
    pub region_code: Option<String>,
    pub territory_id: Option<String>,
}

const PRACTICE_SELECT: &str = concatcp!(
    "SELECT p.id, p.title, p.context, p.actions, p.results, p.partners, \
    p.lang, COALESCE(t.name, o.name) AS author_name, t.region_code, t.id AS territory_id \
    FROM practice p",
    join_territory_party!("t", "p.author_kind", "p.author_id"),
    join_organisation_party!("o", "p.author_kind", "p.author_id", District)
);

/// The document of a best practice, analysed in its own language.
pub fn practice_document(f: &Fields, r: &PracticeDocRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("practice", r.id));
    doc.add_text(f.kind, "practice");
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.title);
    doc.add_text(f.name_folded, &r.title);
    doc.add_u64(f.name_key, name_key(&r.title));
    let text = if r.lang == "en" {
        f.description_en
    } else {
        f.description
    };
    for part in [&r.context, &r.actions, &r.results] {
        doc.add_text(text, part);
    }
    doc.add_text(f.capabilities, &r.partners);
    if let Some(author) = &r.author_name {
        doc.add_text(f.place, author);
        doc.add_text(f.territory_name, author);
    }
    if let Some(region) = &r.region_code {
        doc.add_text(f.region, region);
    }
    if let Some(t) = &r.territory_id {
        doc.add_text(f.territory, t);
    }
    add_visibility(&mut doc, f, "public");
    doc.add_text(f.lang, &r.lang);
    doc
}

#[derive(FromQueryResult)]
pub struct NeedDocRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub skills: String,
    pub visibility: String,
    pub status: String,
    pub author_name: Option<String>,
    pub author_visibility: Option<String>,
    pub department_name: Option<String>,
    pub region_code: Option<String>,
}

const NEED_SELECT: &str = concatcp!(
    "SELECT n.id, n.kind, n.title, n.description, n.skills, n.visibility, n.status, \
    COALESCE(o.name, t.name) AS author_name, o.visibility AS author_visibility, d.name AS department_name, \
    COALESCE(c.region_code, CASE WHEN n.visibility <> '",
    NeedVisibility::Anonymous.code(),
    "' THEN t.region_code END) AS region_code FROM need n",
    join_organisation_party!("o", "n.author_kind", "n.author_id", Organisation),
    join_territory_party!("t", "n.author_kind", "n.author_id"),
    " LEFT JOIN commune c ON c.insee = COALESCE(n.commune_insee, o.commune_insee) \
    LEFT JOIN department d ON d.code = c.department_code"
);

/// The document of an open annonce: members-only unless public, and without its author's
/// name or commune when anonymous (nor, for a territory's annonce without a commune, the
/// territory's region, which would narrow the author down).
pub fn need_document(f: &Fields, r: &NeedDocRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("need", r.id));
    doc.add_text(f.kind, "need");
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.title);
    doc.add_text(f.name_folded, &r.title);
    doc.add_u64(f.name_key, name_key(&r.title));
    doc.add_text(f.description, &r.description);
    for skill in json_list(&r.skills) {
        doc.add_text(f.capabilities, skill);
    }
    if let Some(d) = &r.department_name {
        doc.add_text(f.place, d);
    }
    // The author is searchable by name unless anonymous, or a members-only firm (whose name
    // public documents must not carry).
    let visibility = NeedVisibility::parse(&r.visibility);
    let members_only_author =
        r.author_visibility.as_deref() == Some(OrganisationVisibility::Members.code());
    if visibility != Some(NeedVisibility::Anonymous) && !members_only_author {
        if let Some(a) = &r.author_name {
            doc.add_text(f.territory_name, a);
        }
    }
    if let Some(region) = &r.region_code {
        doc.add_text(f.region, region);
    }
    add_visibility(
        &mut doc,
        f,
        if visibility == Some(NeedVisibility::Public) {
            NeedVisibility::Public.code()
        } else {
            NeedVisibility::Members.code()
        },
    );
    doc.add_text(f.lang, "fr");
    doc
}

/// A kind of row the index holds: how to read it and how to make its document. The
/// indexer's rebuilds and journal batches are written once for every entity.
pub trait Entity {
    /// The entity's name in the `changes` journal and in index keys.
    const NAME: &'static str;
    /// The row query, without WHERE.
    const SELECT: &'static str;
    /// The id column of that query.
    const ID: &'static str;
    /// Which rows are searchable (SQL on the query's aliases, its `?` bound to
    /// `searchable_values`), or empty for all.
    const SEARCHABLE: &'static str;
    fn searchable_values() -> Vec<sea_orm::Value>;
    type Row: FromQueryResult + Send + Sync + 'static;
    fn id(row: &Self::Row) -> i64;
    fn document(f: &Fields, naf: &NafTable, row: &Self::Row) -> TantivyDocument;
}

fn searchable<E: Entity>() -> String {
    if E::SEARCHABLE.is_empty() {
        String::new()
    } else {
        format!(" AND {}", E::SEARCHABLE)
    }
}

/// How many searchable rows a rebuild reads.
pub async fn count<E: Entity>(db: &impl ConnectionTrait) -> anyhow::Result<u64> {
    crate::db::fetch_count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM ({} WHERE 1 = 1{}) rows_counted",
            E::SELECT,
            searchable::<E>()
        ),
        E::searchable_values(),
    )
    .await
}

/// Searchable rows with id above `after`, by id (for rebuilds).
pub async fn rows_after<E: Entity>(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> anyhow::Result<Vec<E::Row>> {
    fetch_all(
        db,
        &format!(
            "{} WHERE {id} > ?{} ORDER BY {id} LIMIT {limit}",
            E::SELECT,
            searchable::<E>(),
            id = E::ID
        ),
        std::iter::once(after.into())
            .chain(E::searchable_values())
            .collect(),
    )
    .await
}

/// Searchable rows by id (for journal batches): an id missing from the answer leaves the index.
pub async fn rows_by_id<E: Entity>(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<Vec<E::Row>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    fetch_all(
        db,
        &format!(
            "{} WHERE {} IN ({}){}",
            E::SELECT,
            E::ID,
            crate::db::placeholders(ids.len()),
            searchable::<E>()
        ),
        ids.iter()
            .map(|id| (*id).into())
            .chain(E::searchable_values())
            .collect(),
    )
    .await
}

/// Declares an indexed entity: its name, its row query and id column, which rows are
/// searchable (SQL on the query's aliases, empty for all), its row type and its document.
macro_rules! entity {
    ($(#[$meta:meta])* $entity:ident {
        name: $name:literal, select: $select:expr, id: $id:literal,
        searchable: $where:literal [$($code:expr),*], row: $row:ty, document: $document:expr $(,)?
    }) => {
        $(#[$meta])*
        pub struct $entity;
        impl Entity for $entity {
            const NAME: &'static str = $name;
            const SELECT: &'static str = $select;
            const ID: &'static str = $id;
            const SEARCHABLE: &'static str = $where;
            fn searchable_values() -> Vec<sea_orm::Value> {
                vec![$(sea_orm::Value::from($code)),*]
            }
            type Row = $row;
            fn id(row: &$row) -> i64 {
                row.id
            }
            fn document(f: &Fields, naf: &NafTable, row: &$row) -> TantivyDocument {
                ($document)(f, naf, row)
            }
        }
    };
}

entity!(Organisations {
    name: "organisation",
    select: ORGANISATION_SELECT,
    id: "o.id",
    searchable: "" [],
    row: OrganisationRow,
    document: organisation_document,
});

entity!(Sites {
    name: "land_site",
    select: SITE_SELECT,
    id: "s.id",
    searchable: "" [],
    row: SiteRow,
    document: |f, _, row| site_document(f, row),
});

entity!(
    /// Public proposals only: a draft is read by its team on its page, never found by search.
    Proposals {
        name: "proposal", select: PROPOSAL_SELECT, id: "p.id", searchable: "p.status <> ?" [Status::Draft.code()],
        row: ProposalDocRow, document: |f, _, row| proposal_document(f, row),
    }
);

entity!(Practices {
    name: "practice",
    select: PRACTICE_SELECT,
    id: "p.id",
    searchable: "" [],
    row: PracticeDocRow,
    document: |f, _, row| practice_document(f, row),
});

entity!(
    /// Open annonces only. Anonymous ones carry neither their author nor their commune.
    Needs {
        name: "need", select: NEED_SELECT, id: "n.id", searchable: "n.status = ?" [NeedStatus::Open.code()],
        row: NeedDocRow, document: |f, _, row| need_document(f, row),
    }
);

/// A fiche-action as search holds it: its words, place and facets, never its amounts.
#[derive(FromQueryResult)]
pub struct SheetDocRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub expected_results: String,
    pub axis: String,
    pub status: String,
    pub territory_id: String,
    pub territory_name: String,
    pub region_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The funder keys of its lines, space-separated.
    pub funders: Option<String>,
}

const SHEET_SELECT: &str = "SELECT s.id, s.title, s.description, s.expected_results, s.axis, \
    s.status, s.territory_id, t.name AS territory_name, \
    COALESCE((SELECT r.region_code FROM territory_region r WHERE r.territory_id = s.territory_id \
      ORDER BY r.is_lead DESC, r.communes DESC, r.region_code LIMIT 1), t.region_code) AS region_code, \
    t.latitude, t.longitude, \
    (SELECT STRING_AGG(CASE WHEN l.funder_kind = 'organisation' \
        THEN 'organisation:' || CAST(l.funder_org_id AS varchar(20)) \
        ELSE l.funder_kind || ':' || l.funder_ref END, ' ') \
      FROM action_sheet_line l WHERE l.sheet_id = s.id AND l.funder_kind <> 'porteur') AS funders \
    FROM action_sheet s JOIN territory t ON t.id = s.territory_id";

/// The document of a fiche-action that left its draft.
pub fn sheet_document(f: &Fields, r: &SheetDocRow) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, key("action_sheet", r.id));
    doc.add_text(f.kind, "action_sheet");
    doc.add_u64(f.entity_id, u64::try_from(r.id).unwrap_or(0));
    doc.add_text(f.name, &r.title);
    doc.add_text(f.name_folded, &r.title);
    doc.add_u64(f.name_key, name_key(&r.title));
    doc.add_text(f.description, &r.description);
    doc.add_text(f.description, &r.expected_results);
    doc.add_text(f.region, &r.region_code);
    doc.add_text(f.place, &r.territory_name);
    doc.add_text(f.territory, &r.territory_id);
    doc.add_text(f.territory_name, &r.territory_name);
    doc.add_text(f.axis, &r.axis);
    doc.add_text(f.sheet_status, &r.status);
    let mut funders: Vec<&str> = r
        .funders
        .as_deref()
        .unwrap_or_default()
        .split(' ')
        .filter(|k| !k.is_empty())
        .collect();
    funders.sort_unstable();
    funders.dedup();
    for k in funders {
        doc.add_text(f.funder, k);
    }
    add_visibility(&mut doc, f, "public");
    if let (Some(lat), Some(lon)) = (r.latitude, r.longitude) {
        doc.add_f64(f.lat, lat);
        doc.add_f64(f.lon, lon);
    }
    doc.add_text(f.lang, "fr");
    doc
}

entity!(
    /// Fiches that left their draft; their amounts are never indexed.
    ActionSheets {
        name: "action_sheet", select: SHEET_SELECT, id: "s.id", searchable: "s.status <> ?" ["draft"],
        row: SheetDocRow, document: |f, _, row| sheet_document(f, row),
    }
);
