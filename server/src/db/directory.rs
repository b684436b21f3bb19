//! Queries of the territorial directory: territories, members, pôles, districts.

use super::{code_list, fetch_all, fetch_count, fetch_optional, json_list};
use app::api::directory::{
    BrownfieldFigures, DepartmentRef, DistrictSummary, DivisionRef, MapTerritory,
    OrganisationDetail, PoleSummary, RegionRef, TerritoryDetail, TerritoryMember, TerritorySummary,
};
use app::domain::organisation::OrganisationKind;
use app::domain::text::fold;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, Value};

#[derive(FromQueryResult)]
struct TerritoryRow {
    id: String,
    name: String,
    region_code: String,
    region_name: String,
    departments: String,
    population: i64,
    epci_count: i64,
    single_commune_count: i64,
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Every territory, in French alphabetical order (accents ignored).
pub async fn territories(db: &DatabaseConnection) -> anyhow::Result<Vec<TerritorySummary>> {
    let rows: Vec<TerritoryRow> = fetch_all(
        db,
        "SELECT t.id, t.name, t.region_code, r.name AS region_name, t.departments, t.population, \
         (SELECT COUNT(*) FROM territory_member m WHERE m.territory_id = t.id AND m.kind <> 'COMMUNE') \
         AS epci_count, \
         (SELECT COUNT(*) FROM territory_member m WHERE m.territory_id = t.id AND m.kind = 'COMMUNE') \
         AS single_commune_count \
         FROM territory t JOIN region r ON r.code = t.region_code",
        vec![],
    )
    .await?;
    let mut list: Vec<TerritorySummary> = rows
        .into_iter()
        .map(|r| TerritorySummary {
            id: r.id,
            name: r.name,
            region_code: r.region_code,
            region_name: r.region_name,
            departments: code_list(&r.departments),
            epci_count: to_u64(r.epci_count),
            single_commune_count: to_u64(r.single_commune_count),
            population: to_u64(r.population),
        })
        .collect();
    list.sort_by_cached_key(|t| fold(&t.name));
    Ok(list)
}

#[derive(FromQueryResult)]
struct MapRow {
    id: String,
    name: String,
    map_path: String,
}

/// The national map's paths.
pub async fn map(db: &DatabaseConnection) -> anyhow::Result<Vec<MapTerritory>> {
    let rows: Vec<MapRow> = fetch_all(
        db,
        "SELECT id, name, map_path FROM territory ORDER BY id",
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MapTerritory {
            id: r.id,
            name: r.name,
            path: r.map_path,
        })
        .collect())
}

/// Key figures, each computed from the reference tables.
pub struct Figures {
    pub territories: u64,
    pub members: u64,
    pub ept: u64,
    pub single_communes: u64,
    pub communes: u64,
    pub population: u64,
    pub regions: u64,
    pub poles: u64,
    pub districts: u64,
    pub demo_firms: u64,
}

pub async fn figures(db: &DatabaseConnection) -> anyhow::Result<Figures> {
    Ok(Figures {
        territories: fetch_count(db, "SELECT COUNT(*) AS n FROM territory", vec![]).await?,
        members: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM territory_member WHERE kind <> 'COMMUNE'",
            vec![],
        )
        .await?,
        ept: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM territory_member WHERE kind = 'EPT'",
            vec![],
        )
        .await?,
        single_communes: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM territory_member WHERE kind = 'COMMUNE'",
            vec![],
        )
        .await?,
        communes: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM commune WHERE territory_id IS NOT NULL",
            vec![],
        )
        .await?,
        population: fetch_count(
            db,
            "SELECT CAST(COALESCE(SUM(population), 0) AS BIGINT) AS n FROM territory",
            vec![],
        )
        .await?,
        regions: fetch_count(
            db,
            "SELECT COUNT(DISTINCT region_code) AS n FROM territory",
            vec![],
        )
        .await?,
        poles: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM organisation WHERE kind = ?",
            vec![OrganisationKind::Pole.code().into()],
        )
        .await?,
        districts: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM organisation WHERE kind = ?",
            vec![OrganisationKind::District.code().into()],
        )
        .await?,
        demo_firms: fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM organisation WHERE kind = ? AND is_demo = ?",
            vec![OrganisationKind::Firm.code().into(), true.into()],
        )
        .await?,
    })
}

#[derive(FromQueryResult)]
struct TerritoryFullRow {
    id: String,
    name: String,
    region_code: String,
    region_name: String,
    departments: String,
    population: i64,
    latitude: Option<f64>,
    longitude: Option<f64>,
    outline_path: String,
    outline_viewbox: String,
}

#[derive(FromQueryResult)]
struct MemberRow {
    siren: String,
    name: String,
    kind: String,
    departments: String,
    population: i64,
}

#[derive(FromQueryResult)]
struct CodeName {
    code: String,
    name: String,
}

#[derive(FromQueryResult)]
struct BrownfieldRow {
    communes: i64,
    sites: i64,
    surface: i64,
}

/// One territory in full; `None` when the id is unknown.
pub async fn territory(
    db: &DatabaseConnection,
    id: &str,
) -> anyhow::Result<Option<TerritoryDetail>> {
    let Some(t): Option<TerritoryFullRow> = fetch_optional(
        db,
        "SELECT t.id, t.name, t.region_code, r.name AS region_name, t.departments, t.population, \
         t.latitude, t.longitude, t.outline_path, t.outline_viewbox \
         FROM territory t JOIN region r ON r.code = t.region_code WHERE t.id = ?",
        vec![id.into()],
    )
    .await?
    else {
        return Ok(None);
    };
    let codes = code_list(&t.departments);
    let mut departments = Vec::new();
    for code in &codes {
        let found: Option<CodeName> = fetch_optional(
            db,
            "SELECT code, name FROM department WHERE code = ?",
            vec![code.as_str().into()],
        )
        .await?;
        departments.push(match found {
            Some(d) => DepartmentRef {
                code: d.code,
                name: d.name,
            },
            None => DepartmentRef {
                code: code.clone(),
                name: code.clone(),
            },
        });
    }
    let members: Vec<MemberRow> = fetch_all(
        db,
        "SELECT siren, name, kind, departments, population FROM territory_member \
         WHERE territory_id = ? ORDER BY population DESC, name",
        vec![id.into()],
    )
    .await?;
    let commune_count = fetch_count(
        db,
        "SELECT COUNT(*) AS n FROM commune WHERE territory_id = ?",
        vec![id.into()],
    )
    .await?;
    let brownfields: Option<BrownfieldRow> = fetch_optional(
        db,
        "SELECT COUNT(*) AS communes, CAST(COALESCE(SUM(b.sites), 0) AS BIGINT) AS sites, \
         CAST(COALESCE(SUM(b.surface_m2), 0) AS BIGINT) AS surface \
         FROM brownfield_count b JOIN commune c ON c.insee = b.commune_insee WHERE c.territory_id = ?",
        vec![id.into()],
    )
    .await?;
    let brownfields = brownfields
        .map(|b| BrownfieldFigures {
            sites: to_u64(b.sites),
            surface_ha: b.surface as f64 / 10_000.0,
            communes: to_u64(b.communes),
        })
        .unwrap_or(BrownfieldFigures {
            sites: 0,
            surface_ha: 0.0,
            communes: 0,
        });
    #[derive(FromQueryResult)]
    struct ShareRow {
        code: String,
        name: String,
        communes: i64,
        is_lead: bool,
    }
    let regions: Vec<ShareRow> = fetch_all(
        db,
        "SELECT s.region_code AS code, r.name, s.communes, s.is_lead FROM territory_region s \
         JOIN region r ON r.code = s.region_code WHERE s.territory_id = ? \
         ORDER BY s.is_lead DESC, s.communes DESC, s.region_code",
        vec![id.into()],
    )
    .await?;
    let poles = poles_where(db, "c.region_code = ?", vec![t.region_code.as_str().into()]).await?;
    let profile = territory_profile(db, id).await?;
    Ok(Some(TerritoryDetail {
        id: t.id,
        name: t.name,
        region: RegionRef {
            code: t.region_code,
            name: t.region_name,
        },
        regions: regions
            .into_iter()
            .map(|r| app::api::directory::RegionShare {
                code: r.code,
                name: r.name,
                communes: to_u64(r.communes),
                lead: r.is_lead,
            })
            .collect(),
        departments,
        population: to_u64(t.population),
        commune_count,
        members: members
            .into_iter()
            .map(|m| TerritoryMember {
                siren: m.siren,
                name: m.name,
                kind: m.kind,
                departments: code_list(&m.departments),
                population: to_u64(m.population),
            })
            .collect(),
        outline_path: t.outline_path,
        outline_viewbox: t.outline_viewbox,
        latitude: t.latitude,
        longitude: t.longitude,
        poles,
        brownfields,
        profile,
    }))
}

#[derive(FromQueryResult)]
struct ProfileRow {
    presentation: String,
    axes: String,
    strengths: String,
    needs_skills: String,
    needs_land: String,
    needs_housing: String,
    needs_mobility: String,
    challenges: String,
    updated_at: i64,
}

/// A territory team's profile of its territory, if written.
pub async fn territory_profile(
    db: &impl sea_orm::ConnectionTrait,
    id: &str,
) -> anyhow::Result<Option<app::api::directory::TerritoryProfile>> {
    let row: Option<ProfileRow> = fetch_optional(
        db,
        "SELECT presentation, axes, strengths, needs_skills, needs_land, needs_housing, needs_mobility, \
         challenges, updated_at FROM territory_profile WHERE territory_id = ?",
        vec![id.into()],
    )
    .await?;
    Ok(row.map(|r| app::api::directory::TerritoryProfile {
        presentation: r.presentation,
        axes: json_list(&r.axes),
        strengths: r.strengths,
        needs_skills: r.needs_skills,
        needs_land: r.needs_land,
        needs_housing: r.needs_housing,
        needs_mobility: r.needs_mobility,
        challenges: json_list(&r.challenges),
        updated_at: r.updated_at,
    }))
}

/// Writes a territory's profile and journals it, in one transaction.
pub async fn save_territory_profile(
    db: &DatabaseConnection,
    id: &str,
    number: i64,
    p: &app::api::directory::TerritoryProfile,
    user_id: Option<i64>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let txn = db.begin().await.context("starting the profile update")?;
    let now = super::organisations::now();
    txn.execute(super::stmt(
        &txn,
        "DELETE FROM territory_profile WHERE territory_id = ?",
        vec![id.into()],
    ))
    .await
    .context("replacing the profile")?;
    txn.execute(super::stmt(
        &txn,
        "INSERT INTO territory_profile (territory_id, presentation, axes, strengths, needs_skills, \
         needs_land, needs_housing, needs_mobility, challenges, updated_at, updated_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            id.into(),
            p.presentation.as_str().into(),
            serde_json::to_string(&p.axes).unwrap_or_else(|_| "[]".into()).into(),
            p.strengths.as_str().into(),
            p.needs_skills.as_str().into(),
            p.needs_land.as_str().into(),
            p.needs_housing.as_str().into(),
            p.needs_mobility.as_str().into(),
            serde_json::to_string(&p.challenges).unwrap_or_else(|_| "[]".into()).into(),
            now.into(),
            user_id.into(),
        ],
    ))
    .await
    .context("writing the profile")?;
    super::organisations::record_change(&txn, "territory", number, "upsert").await?;
    txn.commit().await.context("committing the profile")?;
    Ok(())
}

#[derive(FromQueryResult)]
struct PoleRow {
    id: i64,
    name: String,
    description: String,
    region_code: String,
    region_name: String,
    seat: String,
}

async fn poles_where(
    db: &DatabaseConnection,
    condition: &str,
    values: Vec<Value>,
) -> anyhow::Result<Vec<PoleSummary>> {
    let rows: Vec<PoleRow> = fetch_all(
        db,
        &format!(
            "SELECT o.id, o.name, o.description, c.region_code, r.name AS region_name, c.name AS seat \
             FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             JOIN region r ON r.code = c.region_code \
             WHERE o.kind = ? AND {condition}"
        ),
        std::iter::once(OrganisationKind::Pole.code().into())
            .chain(values)
            .collect(),
    )
    .await?;
    let mut list: Vec<PoleSummary> = rows
        .into_iter()
        .map(|p| PoleSummary {
            id: p.id,
            name: p.name,
            themes: p.description,
            region_code: p.region_code,
            region_name: p.region_name,
            seat: p.seat,
        })
        .collect();
    list.sort_by_cached_key(|p| (fold(&p.region_name), fold(&p.name)));
    Ok(list)
}

/// Every pôle, by region then name.
pub async fn poles(db: &DatabaseConnection) -> anyhow::Result<Vec<PoleSummary>> {
    poles_where(db, "1 = 1", vec![]).await
}

#[derive(FromQueryResult)]
struct DistrictRow {
    id: i64,
    name: String,
    country_code: String,
    nuts_code: Option<String>,
    nuts_label: Option<String>,
    description: String,
    description_en: String,
}

/// Every European district, by country then name.
pub async fn districts(db: &DatabaseConnection) -> anyhow::Result<Vec<DistrictSummary>> {
    let rows: Vec<DistrictRow> = fetch_all(
        db,
        "SELECT o.id, o.name, o.country_code, o.nuts_code, n.label AS nuts_label, o.description, \
         o.description_en FROM organisation o LEFT JOIN nuts_region n ON n.code = o.nuts_code \
         WHERE o.kind = ? ORDER BY o.country_code, o.name",
        vec![OrganisationKind::District.code().into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|d| DistrictSummary {
            id: d.id,
            name: d.name,
            country_code: d.country_code,
            nuts_code: d.nuts_code.unwrap_or_default(),
            nuts_label: d.nuts_label.unwrap_or_default(),
            specialisation_fr: d.description,
            specialisation_en: d.description_en,
        })
        .collect())
}

#[derive(FromQueryResult)]
struct OrganisationRow {
    id: i64,
    kind: String,
    name: String,
    description: String,
    description_en: String,
    country_code: String,
    naf_code: Option<String>,
    nace_divisions: String,
    languages: String,
    website: String,
    is_demo: bool,
    commune_name: Option<String>,
    region_code: Option<String>,
    region_name: Option<String>,
    territory_id: Option<String>,
    territory_name: Option<String>,
    nuts_code: Option<String>,
    nuts_label: Option<String>,
    siret: Option<String>,
    commune_insee: Option<String>,
    headcount_band: Option<String>,
    capabilities: String,
    certifications: String,
    markets: String,
    email: String,
    challenges: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    visibility: String,
}

/// One organisation; `None` when the id is unknown.
pub async fn organisation(
    db: &DatabaseConnection,
    id: i64,
    viewer: &app::domain::policy::Viewer,
) -> anyhow::Result<Option<OrganisationDetail>> {
    let Some(o): Option<OrganisationRow> = fetch_optional(
        db,
        &format!("SELECT o.id, o.kind, o.name, o.description, o.description_en, o.country_code, o.naf_code, \
         o.nace_divisions, o.languages, o.website, o.is_demo, c.name AS commune_name, \
         c.region_code, r.name AS region_name, c.territory_id, t.name AS territory_name, \
         o.nuts_code, n.label AS nuts_label, o.siret, o.commune_insee, o.headcount_band, \
         o.capabilities, o.certifications, o.markets, o.email, dp.challenges, dp.contact_name, \
         dp.contact_email, o.visibility \
         FROM organisation o LEFT JOIN commune c ON c.insee = o.commune_insee \
         LEFT JOIN district_profile dp ON dp.organisation_id = o.id \
         LEFT JOIN region r ON r.code = c.region_code \
         LEFT JOIN territory t ON t.id = c.territory_id \
         LEFT JOIN nuts_region n ON n.code = o.nuts_code WHERE o.id = ? AND {}",
            super::visible_organisations(viewer, "o")
        ),
        vec![id.into()],
    )
    .await?
    else {
        return Ok(None);
    };
    let naf = match &o.naf_code {
        Some(code) => fetch_optional::<CodeName>(
            db,
            "SELECT code, label AS name FROM naf WHERE code = ?",
            vec![code.as_str().into()],
        )
        .await?
        .map(|d| DivisionRef {
            code: d.code,
            label: d.name,
        }),
        None => None,
    };
    let mut divisions = Vec::new();
    for code in json_list(&o.nace_divisions) {
        let found: Option<CodeName> = fetch_optional(
            db,
            "SELECT code, label AS name FROM naf WHERE code = ?",
            vec![code.as_str().into()],
        )
        .await?;
        if let Some(d) = found {
            divisions.push(DivisionRef {
                code: d.code,
                label: d.name,
            });
        }
    }
    Ok(Some(OrganisationDetail {
        id: o.id,
        kind: o.kind,
        name: o.name,
        description: o.description,
        description_en: o.description_en,
        country_code: o.country_code,
        commune: o.commune_name,
        region: o
            .region_code
            .zip(o.region_name)
            .map(|(code, name)| RegionRef { code, name }),
        territory: o.territory_id.zip(o.territory_name),
        nuts_code: o.nuts_code,
        nuts_label: o.nuts_label,
        divisions,
        languages: json_list(&o.languages),
        website: o.website,
        is_demo: o.is_demo,
        siret: o.siret,
        naf,
        commune_insee: o.commune_insee,
        headcount_band: o.headcount_band,
        capabilities: json_list(&o.capabilities),
        certifications: json_list(&o.certifications),
        markets: json_list(&o.markets),
        email: o.email,
        challenges: o.challenges.as_deref().map(json_list).unwrap_or_default(),
        contact_name: o.contact_name.unwrap_or_default(),
        contact_email: o.contact_email.unwrap_or_default(),
        visibility: o.visibility,
    }))
}

/// Names of territories and organisations .
#[derive(Debug, Clone, FromQueryResult)]
pub struct NameRow {
    pub id: String,
    pub name: String,
}

pub async fn territory_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[String],
) -> anyhow::Result<Vec<NameRow>> {
    super::fetch_in(db, "SELECT id, name FROM territory", "id", ids).await
}

pub async fn organisation_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<Vec<NameRow>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        name: String,
    }
    let rows: Vec<Row> =
        super::fetch_in(db, "SELECT id, name FROM organisation", "id", ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| NameRow {
            id: r.id.to_string(),
            name: r.name,
        })
        .collect())
}

/// The regions a territory has communes in, the lead first (empty for an unknown territory).
pub async fn territory_regions(
    db: &impl ConnectionTrait,
    territory: &str,
) -> anyhow::Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Code {
        region_code: String,
    }
    let rows: Vec<Code> = fetch_all(
        db,
        "SELECT region_code FROM territory_region WHERE territory_id = ? \
         ORDER BY is_lead DESC, communes DESC, region_code",
        vec![territory.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.region_code).collect())
}

/// The regions a scope lies in, for the grant table: a territory's regions, a region itself,
/// none for the other kinds.
pub async fn scope_regions(
    db: &impl ConnectionTrait,
    scope: &app::domain::policy::Scope,
) -> anyhow::Result<Vec<String>> {
    use app::domain::policy::Scope;
    Ok(match scope {
        Scope::Territory(t) => territory_regions(db, t).await?,
        Scope::Region(r) => vec![r.clone()],
        Scope::Organisation(_) | Scope::National | Scope::Platform => Vec::new(),
    })
}

/// The territories with communes in a region, interregional ones included.
pub async fn region_territories(
    db: &impl ConnectionTrait,
    region: &str,
) -> anyhow::Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Id {
        territory_id: String,
    }
    let rows: Vec<Id> = fetch_all(
        db,
        "SELECT territory_id FROM territory_region WHERE region_code = ? ORDER BY territory_id",
        vec![region.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.territory_id).collect())
}
