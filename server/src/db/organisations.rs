//! Writes and reads of firms and land sites: upserts for imports, export, and lists.
//!
//! Every write happens inside the caller's transaction and appends to `changes`, so the
//! search index can follow; nothing here commits.

use super::{fetch_all, placeholders, stmt};
use anyhow::Context;
use app::domain::ids::{InseeCode, NafCode, Siret};
use app::domain::organisation::{
    FirmRecord, OrganisationKind, OrganisationVisibility, PartyKind, SiteRecord, SiteStatus,
};
use const_format::concatcp;
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::{HashMap, HashSet};

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(FromQueryResult)]
struct Code {
    code: String,
}

/// NAF sub-class codes of the reference table.
pub async fn naf_subclasses(db: &impl ConnectionTrait) -> anyhow::Result<HashSet<String>> {
    let rows: Vec<Code> =
        fetch_all(db, "SELECT code FROM naf WHERE level = 'subclass'", vec![]).await?;
    Ok(rows.into_iter().map(|r| r.code).collect())
}

/// INSEE codes of every commune.
pub async fn commune_codes(db: &impl ConnectionTrait) -> anyhow::Result<HashSet<String>> {
    let rows: Vec<Code> = fetch_all(db, "SELECT insee AS code FROM commune", vec![]).await?;
    Ok(rows.into_iter().map(|r| r.code).collect())
}

/// Appends one entry to the `changes` journal.
pub async fn record_change(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: i64,
    op: &str,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "INSERT INTO changes (entity, entity_id, op, at) VALUES (?, ?, ?, ?)",
        vec![entity.into(), entity_id.into(), op.into(), now().into()],
    ))
    .await
    .context("recording a change")?;
    Ok(())
}

#[derive(FromQueryResult)]
struct FirmDbRow {
    id: i64,
    siret: Option<String>,
    name: String,
    naf_code: Option<String>,
    commune_insee: Option<String>,
    headcount_band: Option<String>,
    description: String,
    capabilities: String,
    certifications: String,
    website: String,
    email: String,
}

impl FirmDbRow {
    /// The stored firm as a record; `None` if a stored field no longer validates.
    fn record(&self) -> Option<FirmRecord> {
        Some(FirmRecord {
            siret: Siret::parse(self.siret.as_deref()?).ok()?,
            name: self.name.clone(),
            naf: NafCode::parse(self.naf_code.as_deref()?).ok()?,
            commune: InseeCode::parse(self.commune_insee.as_deref()?).ok()?,
            headcount_band: self.headcount_band.clone(),
            description: self.description.clone(),
            capabilities: super::json_list(&self.capabilities),
            certifications: super::json_list(&self.certifications),
            website: self.website.clone(),
            email: self.email.clone(),
        })
    }
}

const FIRM_SELECT: &str = "SELECT id, siret, name, naf_code, commune_insee, headcount_band, \
    description, capabilities, certifications, website, email FROM organisation";

fn json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

/// Inserts or updates firms by SIRET, in the caller's transaction. `progress` is told how
/// many rows were handled after each batch.
pub async fn upsert_firms(
    db: &impl ConnectionTrait,
    records: &[FirmRecord],
    is_demo: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<UpsertSummary> {
    let mut summary = UpsertSummary::default();
    let at = now();
    for batch in records.chunks(500) {
        let sirets: Vec<Value> = batch.iter().map(|r| r.siret.as_str().into()).collect();
        let existing: Vec<FirmDbRow> = fetch_all(
            db,
            &format!(
                "{FIRM_SELECT} WHERE siret IN ({})",
                placeholders(sirets.len())
            ),
            sirets,
        )
        .await?;
        let existing: HashMap<String, FirmDbRow> = existing
            .into_iter()
            .filter_map(|r| Some((r.siret.clone()?, r)))
            .collect();

        let mut insert = Query::insert();
        insert.into_table(Alias::new("organisation")).columns(
            [
                "kind",
                "name",
                "siret",
                "siren",
                "naf_code",
                "commune_insee",
                "country_code",
                "headcount_band",
                "description",
                "capabilities",
                "certifications",
                "website",
                "email",
                "is_demo",
                "created_at",
                "updated_at",
            ]
            .map(Alias::new),
        );
        let mut new_sirets = Vec::new();
        for r in batch {
            match existing.get(r.siret.as_str()) {
                Some(row) if row.record().as_ref() == Some(r) => summary.unchanged += 1,
                Some(row) => {
                    db.execute(stmt(
                        db,
                        "UPDATE organisation SET name = ?, naf_code = ?, commune_insee = ?, \
                         headcount_band = ?, description = ?, capabilities = ?, certifications = ?, \
                         website = ?, email = ?, updated_at = ? WHERE id = ?",
                        vec![
                            r.name.as_str().into(),
                            r.naf.as_str().into(),
                            r.commune.as_str().into(),
                            r.headcount_band.clone().into(),
                            r.description.as_str().into(),
                            json(&r.capabilities).into(),
                            json(&r.certifications).into(),
                            r.website.as_str().into(),
                            r.email.as_str().into(),
                            at.into(),
                            row.id.into(),
                        ],
                    ))
                    .await
                    .context("updating a firm")?;
                    record_change(db, "organisation", row.id, "upsert").await?;
                    summary.updated += 1;
                }
                None => {
                    let values: Vec<SimpleExpr> = vec![
                        "firm".into(),
                        r.name.as_str().into(),
                        r.siret.as_str().into(),
                        r.siret.siren().into(),
                        r.naf.as_str().into(),
                        r.commune.as_str().into(),
                        "FR".into(),
                        r.headcount_band.clone().into(),
                        r.description.as_str().into(),
                        json(&r.capabilities).into(),
                        json(&r.certifications).into(),
                        r.website.as_str().into(),
                        r.email.as_str().into(),
                        is_demo.into(),
                        at.into(),
                        at.into(),
                    ];
                    insert.values(values).context("building the insert")?;
                    new_sirets.push(Value::from(r.siret.as_str()));
                    summary.inserted += 1;
                }
            }
        }
        if !new_sirets.is_empty() {
            db.execute(db.get_database_backend().build(&insert))
                .await
                .context("inserting firms")?;
            if !is_demo {
                #[derive(FromQueryResult)]
                struct Id {
                    id: i64,
                }
                let ids: Vec<Id> = fetch_all(
                    db,
                    &format!(
                        "SELECT id FROM organisation WHERE siret IN ({})",
                        placeholders(new_sirets.len())
                    ),
                    new_sirets,
                )
                .await?;
                for id in ids {
                    record_change(db, "organisation", id.id, "upsert").await?;
                }
            }
        }
        progress(batch.len() as u64);
    }
    Ok(summary)
}

/// Firms with a SIRET, ordered by SIRET, read page by page (keyset) so a million rows
/// stream in constant memory.
pub async fn firms_after(
    db: &impl ConnectionTrait,
    after_siret: &str,
    limit: u64,
) -> anyhow::Result<Vec<FirmRecord>> {
    let rows: Vec<FirmDbRow> = fetch_all(
        db,
        &format!(
            "{FIRM_SELECT} WHERE kind = ? AND siret IS NOT NULL AND siret > ? AND visibility IN ('public', 'members') \
             ORDER BY siret LIMIT {limit}"
        ),
        vec![OrganisationKind::Firm.code().into(), after_siret.into()],
    )
    .await?;
    rows.iter()
        .map(|r| {
            r.record()
                .with_context(|| format!("stored firm {} does not validate", r.id))
        })
        .collect()
}

#[derive(FromQueryResult)]
struct SiteDbRow {
    id: i64,
    reference: String,
    name: String,
    commune_insee: String,
    area_ha: f64,
    available_from: Option<String>,
    status: String,
    turnkey: bool,
    zoning: String,
    icpe_compatible: bool,
    seveso_compatible: bool,
    rail_access: bool,
    port_access: bool,
    motorway_access: bool,
    power_mva: Option<f64>,
    price_min_eur_m2: Option<f64>,
    price_max_eur_m2: Option<f64>,
    contact_organisation_id: Option<i64>,
    description: String,
}

/// A stored land site's fields ([`SiteDbRow`]).
const SITE_SELECT: &str = "SELECT id, reference, name, commune_insee, area_ha, available_from, \
     status, turnkey, zoning, icpe_compatible, seveso_compatible, rail_access, port_access, \
     motorway_access, power_mva, price_min_eur_m2, price_max_eur_m2, contact_organisation_id, \
     description FROM land_site";

/// The columns a land site's record sets, after its reference, in [`site_values`] order.
const SITE_SET: &str = "name = ?, commune_insee = ?, area_ha = ?, available_from = ?, status = ?, \
     turnkey = ?, zoning = ?, icpe_compatible = ?, seveso_compatible = ?, rail_access = ?, \
     port_access = ?, motorway_access = ?, power_mva = ?, price_min_eur_m2 = ?, \
     price_max_eur_m2 = ?, contact_organisation_id = ?, description = ?";

fn site_values(r: &SiteRecord, contact: Option<i64>) -> Vec<Value> {
    vec![
        r.name.as_str().into(),
        r.commune.as_str().into(),
        r.area_ha.into(),
        r.available_from.clone().into(),
        r.status.code().into(),
        r.turnkey.into(),
        r.zoning.as_str().into(),
        r.icpe.into(),
        r.seveso.into(),
        r.rail.into(),
        r.port.into(),
        r.motorway.into(),
        r.power_mva.into(),
        r.price_min_eur_m2.into(),
        r.price_max_eur_m2.into(),
        contact.into(),
        r.description.as_str().into(),
    ]
}

/// Inserts a land site and journals it; its id. `contact` is the organisation to contact.
pub async fn insert_site(
    db: &impl ConnectionTrait,
    r: &SiteRecord,
    contact: Option<i64>,
    is_demo: bool,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let at = now();
    let mut v = vec![Value::from(r.reference.as_str())];
    v.extend(site_values(r, contact));
    v.extend([is_demo.into(), at.into(), at.into()]);
    let inserted: Option<Id> = super::fetch_optional(
        db,
        "INSERT INTO land_site (reference, name, commune_insee, area_ha, available_from, \
         status, turnkey, zoning, icpe_compatible, seveso_compatible, rail_access, \
         port_access, motorway_access, power_mva, price_min_eur_m2, price_max_eur_m2, \
         contact_organisation_id, description, is_demo, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        v,
    )
    .await
    .context("inserting a land site")?;
    let id = inserted
        .map(|i| i.id)
        .context("the inserted land site has no id")?;
    record_change(db, "land_site", id, "upsert").await?;
    Ok(id)
}

/// Rewrites a land site's fields (not its reference) and journals it; `false` when there is
/// no such site.
pub async fn update_site(
    db: &impl ConnectionTrait,
    id: i64,
    r: &SiteRecord,
    contact: Option<i64>,
) -> anyhow::Result<bool> {
    let mut v = site_values(r, contact);
    v.extend([now().into(), id.into()]);
    let updated = db
        .execute(stmt(
            db,
            &format!("UPDATE land_site SET {SITE_SET}, updated_at = ? WHERE id = ?"),
            v,
        ))
        .await
        .context("updating a land site")?
        .rows_affected();
    if updated == 1 {
        record_change(db, "land_site", id, "upsert").await?;
    }
    Ok(updated == 1)
}

/// Inserts or updates land sites by reference; `contacts` maps SIRETs to organisation ids.
pub async fn upsert_sites(
    db: &impl ConnectionTrait,
    records: &[SiteRecord],
    contacts: &HashMap<String, i64>,
    is_demo: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<UpsertSummary> {
    let mut summary = UpsertSummary::default();
    for r in records {
        let contact = r
            .contact_siret
            .as_ref()
            .and_then(|s| contacts.get(s.as_str()))
            .copied();
        let existing: Option<SiteDbRow> = super::fetch_optional(
            db,
            concatcp!(SITE_SELECT, " WHERE reference = ?"),
            vec![r.reference.as_str().into()],
        )
        .await?;
        match existing {
            Some(row) if row.record_is(r, contact) => summary.unchanged += 1,
            Some(row) => {
                update_site(db, row.id, r, contact).await?;
                summary.updated += 1;
            }
            None => {
                insert_site(db, r, contact, is_demo).await?;
                summary.inserted += 1;
            }
        }
        progress(1);
    }
    Ok(summary)
}

impl SiteDbRow {
    /// Whether this stored site already says what `r` says.
    fn record_is(&self, r: &SiteRecord, contact: Option<i64>) -> bool {
        self.reference == r.reference
            && self.name == r.name
            && self.commune_insee == r.commune.as_str()
            && self.area_ha == r.area_ha
            && self.available_from == r.available_from
            && self.status == r.status.code()
            && self.turnkey == r.turnkey
            && self.zoning == r.zoning
            && self.icpe_compatible == r.icpe
            && self.seveso_compatible == r.seveso
            && self.rail_access == r.rail
            && self.port_access == r.port
            && self.motorway_access == r.motorway
            && self.power_mva == r.power_mva
            && self.price_min_eur_m2 == r.price_min_eur_m2
            && self.price_max_eur_m2 == r.price_max_eur_m2
            && self.contact_organisation_id == contact
            && self.description == r.description
    }
}

/// A land site as its edit form starts from: its record, the territory of its commune and
/// the organisation to contact about it.
pub struct SiteForEdit {
    pub record: SiteRecord,
    pub territory: Option<String>,
    pub owner: Option<i64>,
}

/// One land site for its edit form; `None` when unknown.
pub async fn site_for_edit(
    db: &impl ConnectionTrait,
    id: i64,
) -> anyhow::Result<Option<SiteForEdit>> {
    let site: Option<SiteDbRow> =
        super::fetch_optional(db, concatcp!(SITE_SELECT, " WHERE id = ?"), vec![id.into()]).await?;
    let Some(s) = site else {
        return Ok(None);
    };
    #[derive(FromQueryResult)]
    struct Around {
        territory_id: Option<String>,
        contact_siret: Option<String>,
    }
    let around: Option<Around> = super::fetch_optional(
        db,
        "SELECT c.territory_id, o.siret AS contact_siret FROM commune c \
         LEFT JOIN organisation o ON o.id = ? WHERE c.insee = ?",
        vec![
            s.contact_organisation_id.into(),
            s.commune_insee.as_str().into(),
        ],
    )
    .await?;
    let (territory_id, contact_siret) = around
        .map(|a| (a.territory_id, a.contact_siret))
        .unwrap_or_default();
    let record = SiteRecord {
        commune: InseeCode::parse(&s.commune_insee)
            .with_context(|| format!("land site {id}: commune {:?}", s.commune_insee))?,
        status: SiteStatus::parse(&s.status)
            .with_context(|| format!("land site {id}: status {:?}", s.status))?,
        contact_siret: contact_siret.and_then(|x| Siret::parse(&x).ok()),
        reference: s.reference,
        name: s.name,
        area_ha: s.area_ha,
        available_from: s.available_from,
        turnkey: s.turnkey,
        zoning: s.zoning,
        icpe: s.icpe_compatible,
        seveso: s.seveso_compatible,
        rail: s.rail_access,
        port: s.port_access,
        motorway: s.motorway_access,
        power_mva: s.power_mva,
        price_min_eur_m2: s.price_min_eur_m2,
        price_max_eur_m2: s.price_max_eur_m2,
        description: s.description,
    };
    Ok(Some(SiteForEdit {
        record,
        territory: territory_id,
        owner: s.contact_organisation_id,
    }))
}

/// The territory of a commune: `None` for an unknown commune, `Some(None)` for one outside
/// every Territoire d'industrie.
pub async fn commune_territory(
    db: &impl ConnectionTrait,
    insee: &str,
) -> anyhow::Result<Option<Option<String>>> {
    #[derive(FromQueryResult)]
    struct Row {
        territory_id: Option<String>,
    }
    let row: Option<Row> = super::fetch_optional(
        db,
        "SELECT territory_id FROM commune WHERE insee = ?",
        vec![insee.into()],
    )
    .await?;
    Ok(row.map(|r| r.territory_id))
}

/// Whether a land site has this reference.
pub async fn site_reference_taken(
    db: &impl ConnectionTrait,
    reference: &str,
) -> anyhow::Result<bool> {
    Ok(super::fetch_optional::<Code>(
        db,
        "SELECT reference AS code FROM land_site WHERE reference = ?",
        vec![reference.into()],
    )
    .await?
    .is_some())
}

/// Gives a land site its reference (one named after its id).
pub async fn rename_site(
    db: &impl ConnectionTrait,
    id: i64,
    reference: &str,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE land_site SET reference = ? WHERE id = ?",
        vec![reference.into(), id.into()],
    ))
    .await
    .context("naming a land site")?;
    Ok(())
}

#[derive(FromQueryResult)]
struct SiretId {
    siret: String,
    id: i64,
}

/// Organisation ids by SIRET, for the given SIRETs.
pub async fn ids_by_siret(
    db: &impl ConnectionTrait,
    sirets: &[String],
) -> anyhow::Result<HashMap<String, i64>> {
    let mut map = HashMap::new();
    for batch in sirets.chunks(500) {
        let rows: Vec<SiretId> = fetch_all(
            db,
            &format!(
                "SELECT siret, id FROM organisation WHERE siret IN ({})",
                placeholders(batch.len())
            ),
            batch.iter().map(|s| Value::from(s.as_str())).collect(),
        )
        .await?;
        map.extend(rows.into_iter().map(|r| (r.siret, r.id)));
    }
    Ok(map)
}

#[derive(FromQueryResult)]
struct SummaryRow {
    id: i64,
    kind: String,
    name: String,
    siret: Option<String>,
    naf_code: Option<String>,
    naf_label: Option<String>,
    commune_insee: Option<String>,
    commune: Option<String>,
    territory_id: Option<String>,
    territory: Option<String>,
    headcount_band: Option<String>,
    is_demo: bool,
}

/// A page of organisations for a validated filter.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &app::api::organisations::OrganisationFilter,
    viewer: &app::domain::policy::Viewer,
) -> anyhow::Result<app::api::organisations::OrganisationList> {
    use app::api::organisations::{OrganisationList, OrganisationSort, OrganisationSummary};
    const FROM: &str = "FROM organisation o LEFT JOIN commune c ON c.insee = o.commune_insee \
        LEFT JOIN territory t ON t.id = c.territory_id LEFT JOIN naf n ON n.code = o.naf_code";
    let criteria = super::Filter::on("o")
        .one_of("visibility", viewer.visibilities())
        .eq("kind", filter.kind.as_deref())
        .starts_with("naf_code", filter.naf.as_deref())
        .then_on("c")
        .eq("territory_id", filter.territory.as_deref());
    let backend = db.get_database_backend();
    let count = super::filtered_statement(
        backend,
        concatcp!("SELECT COUNT(*) AS n ", FROM),
        criteria.clone(),
        &[],
        None,
    )?;
    let total = super::fetch_statement::<super::Count>(db, count)
        .await?
        .first()
        .map_or(0, |c| u64::try_from(c.n).unwrap_or(0));
    let order: &[(&str, bool)] = match filter.sort {
        OrganisationSort::Name => &[("o.name", false), ("o.id", false)],
        OrganisationSort::Commune => &[("c.name", false), ("o.name", false), ("o.id", false)],
        OrganisationSort::Headcount => &[
            (
                "CASE WHEN o.headcount_band IS NULL OR o.headcount_band = 'NN' THEN '' \
                 ELSE o.headcount_band END",
                true,
            ),
            ("o.name", false),
            ("o.id", false),
        ],
    };
    let offset = (filter.page.saturating_sub(1)).saturating_mul(filter.per_page);
    let page = super::filtered_statement(
        backend,
        concatcp!(
            "SELECT o.id, o.kind, o.name, o.siret, o.naf_code, n.label AS naf_label, \
             o.commune_insee, c.name AS commune, c.territory_id, t.name AS territory, \
             o.headcount_band, o.is_demo ",
            FROM
        ),
        criteria,
        order,
        Some((filter.per_page, offset)),
    )?;
    let rows: Vec<SummaryRow> = super::fetch_statement(db, page).await?;
    Ok(OrganisationList {
        total,
        page: filter.page,
        per_page: filter.per_page,
        items: rows
            .into_iter()
            .map(|r| OrganisationSummary {
                id: r.id,
                kind: r.kind,
                name: r.name,
                siret: r.siret,
                naf_code: r.naf_code,
                naf_label: r.naf_label,
                commune_insee: r.commune_insee,
                commune: r.commune,
                territory_id: r.territory_id,
                territory: r.territory,
                headcount_band: r.headcount_band,
                is_demo: r.is_demo,
            })
            .collect(),
    })
}

#[derive(FromQueryResult)]
struct DivisionRow {
    code: String,
    label: String,
    n: i64,
}

/// Firm counts by NAF division in a territory, largest first.
pub async fn division_counts(
    db: &impl ConnectionTrait,
    territory: &str,
    viewer: &app::domain::policy::Viewer,
) -> anyhow::Result<Vec<app::api::organisations::DivisionCount>> {
    let rows: Vec<DivisionRow> = fetch_all(
        db,
        &format!(
            "SELECT d.code, d.label, x.n FROM (SELECT SUBSTR(o.naf_code, 1, 2) AS division, COUNT(*) AS n \
             FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             WHERE o.kind = ? AND c.territory_id = ? AND {} GROUP BY SUBSTR(o.naf_code, 1, 2)) x \
             JOIN naf d ON d.code = x.division ORDER BY x.n DESC, d.code",
            super::visible_organisations(viewer, "o")
        ),
        vec![OrganisationKind::Firm.code().into(), territory.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| app::api::organisations::DivisionCount {
            code: r.code,
            label: r.label,
            count: u64::try_from(r.n).unwrap_or(0),
        })
        .collect())
}

#[derive(FromQueryResult)]
struct SiteListRow {
    id: i64,
    name: String,
    commune: String,
    area_ha: f64,
    status: String,
    turnkey: bool,
    available_from: Option<String>,
    is_demo: bool,
}

/// A page of a territory's land sites: available first, then by area.
pub async fn land_sites(
    db: &impl ConnectionTrait,
    territory: &str,
    page: u64,
    per_page: u64,
) -> anyhow::Result<app::api::organisations::LandSiteList> {
    use app::api::organisations::{LandSiteList, LandSiteSummary};
    let total = super::fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM land_site s JOIN commune c ON c.insee = s.commune_insee \
         WHERE c.territory_id = ?",
        vec![territory.into()],
    )
    .await?;
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let rows: Vec<SiteListRow> = fetch_all(
        db,
        &format!(
            "SELECT s.id, s.name, c.name AS commune, s.area_ha, s.status, s.turnkey, s.available_from, \
             s.is_demo FROM land_site s JOIN commune c ON c.insee = s.commune_insee \
             WHERE c.territory_id = ? \
             ORDER BY CASE s.status WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END, \
             s.area_ha DESC, s.id LIMIT {per_page} OFFSET {offset}"
        ),
        vec![
            territory.into(),
            SiteStatus::Available.code().into(),
            SiteStatus::UnderOption.code().into(),
        ],
    )
    .await?;
    Ok(LandSiteList {
        total,
        page,
        per_page,
        items: rows
            .into_iter()
            .map(|r| LandSiteSummary {
                id: r.id,
                name: r.name,
                commune: r.commune,
                area_ha: r.area_ha,
                status: r.status,
                turnkey: r.turnkey,
                available_from: r.available_from,
                is_demo: r.is_demo,
            })
            .collect(),
    })
}

#[derive(FromQueryResult)]
struct SiteDetailRow {
    id: i64,
    reference: String,
    name: String,
    commune_insee: String,
    commune: String,
    territory_id: Option<String>,
    territory: Option<String>,
    area_ha: f64,
    available_from: Option<String>,
    status: String,
    turnkey: bool,
    zoning: String,
    icpe_compatible: bool,
    seveso_compatible: bool,
    rail_access: bool,
    port_access: bool,
    motorway_access: bool,
    power_mva: Option<f64>,
    price_min_eur_m2: Option<f64>,
    price_max_eur_m2: Option<f64>,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    description: String,
    is_demo: bool,
}

/// One land site; `None` when unknown.
pub async fn land_site(
    db: &impl ConnectionTrait,
    id: i64,
    viewer: &app::domain::policy::Viewer,
) -> anyhow::Result<Option<app::api::organisations::LandSiteDetail>> {
    let row: Option<SiteDetailRow> = super::fetch_optional(
        db,
        &format!("SELECT s.id, s.reference, s.name, s.commune_insee, c.name AS commune, c.territory_id, \
         t.name AS territory, s.area_ha, s.available_from, s.status, s.turnkey, s.zoning, \
         s.icpe_compatible, s.seveso_compatible, s.rail_access, s.port_access, s.motorway_access, \
         s.power_mva, s.price_min_eur_m2, s.price_max_eur_m2, o.id AS contact_id, \
         o.name AS contact_name, s.description, s.is_demo \
         FROM land_site s JOIN commune c ON c.insee = s.commune_insee \
         LEFT JOIN territory t ON t.id = c.territory_id \
         LEFT JOIN organisation o ON o.id = s.contact_organisation_id AND {} WHERE s.id = ?",
            super::visible_organisations(viewer, "o")
        ),
        vec![id.into()],
    )
    .await?;
    Ok(row.map(|r| app::api::organisations::LandSiteDetail {
        id: r.id,
        reference: r.reference,
        name: r.name,
        commune_insee: r.commune_insee,
        commune: r.commune,
        territory: r.territory_id.zip(r.territory),
        area_ha: r.area_ha,
        available_from: r.available_from,
        status: r.status,
        turnkey: r.turnkey,
        zoning: r.zoning,
        icpe_compatible: r.icpe_compatible,
        seveso_compatible: r.seveso_compatible,
        rail_access: r.rail_access,
        port_access: r.port_access,
        motorway_access: r.motorway_access,
        power_mva: r.power_mva,
        price_min_eur_m2: r.price_min_eur_m2,
        price_max_eur_m2: r.price_max_eur_m2,
        contact: r.contact_id.zip(r.contact_name),
        description: r.description,
        is_demo: r.is_demo,
    }))
}

/// Updates an organisation's profile and journals it; `false` when it does not exist.
pub async fn update_profile(
    db: &sea_orm::DatabaseConnection,
    id: i64,
    e: &app::api::organisations::ValidEdit,
) -> anyhow::Result<bool> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await.context("starting the update")?;
    let updated = txn
        .execute(stmt(
            &txn,
            // A withdrawn établissement takes no edits (its admins cannot bring it back).
            "UPDATE organisation SET name = ?, description = ?, capabilities = ?, certifications = ?, \
             markets = ?, website = ?, email = ?, visibility = COALESCE(?, visibility), updated_at = ? \
             WHERE id = ? AND visibility <> ?",
            vec![
                e.name.as_str().into(),
                e.description.as_str().into(),
                json(&e.capabilities).into(),
                json(&e.certifications).into(),
                json(&e.markets).into(),
                e.website.as_str().into(),
                e.email.as_str().into(),
                e.visibility.clone().into(),
                now().into(),
                id.into(),
                OrganisationVisibility::Withdrawn.code().into(),
            ],
        ))
        .await
        .context("updating an organisation")?
        .rows_affected();
    if updated == 1 {
        record_change(&txn, "organisation", id, "upsert").await?;
        // The organisation's annonces carry its name in their documents: they follow a change
        // of name or visibility.
        #[derive(FromQueryResult)]
        struct NeedId {
            id: i64,
        }
        let needs: Vec<NeedId> = fetch_all(
            &txn,
            "SELECT id FROM need WHERE author_kind = ? AND author_id = ?",
            vec![PartyKind::Organisation.code().into(), id.to_string().into()],
        )
        .await?;
        for need in needs {
            record_change(&txn, "need", need.id, "update").await?;
        }
    }
    txn.commit().await.context("committing the update")?;
    Ok(updated == 1)
}
