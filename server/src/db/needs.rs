//! Queries of needs and offers, candidate firms, land sites and expressions of interest.

use super::{
    fetch_all, fetch_in, fetch_optional, join_organisation_party, join_territory_party, stmt,
    Filter,
};
use anyhow::Context;
use app::api::needs::ValidNeed;
use app::domain::need::{NeedKind, NeedStatus, NeedVisibility};
use app::domain::organisation::{OrganisationKind, OrganisationVisibility, SiteStatus};
use const_format::concatcp;
use sea_orm::{ConnectionTrait, FromQueryResult};

/// An annonce with where it is and who posted it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct NeedRow {
    pub id: i64,
    /// A `NeedKind` code (the schema admits no other); see [`NeedRow::kind`].
    pub kind: String,
    pub title: String,
    pub description: String,
    pub naf_codes: String,
    pub skills: String,
    pub certifications: String,
    pub quantity: String,
    pub commune_insee: Option<String>,
    pub radius_km: f64,
    pub deadline: String,
    pub visibility: String,
    pub status: String,
    pub size: String,
    pub land_area_ha: Option<f64>,
    pub author_kind: String,
    pub author_id: String,
    pub author_name: Option<String>,
    /// The author organisation's visibility (`members`: its name is for members only).
    pub author_visibility: Option<String>,
    pub created_at: i64,
    pub is_demo: bool,
    pub commune_name: Option<String>,
    pub department_name: Option<String>,
    pub territory_id: Option<String>,
    pub region_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl NeedRow {
    /// The annonce's kind (`None` only for a code outside the vocabulary, which the schema
    /// refuses).
    pub fn kind(&self) -> Option<NeedKind> {
        NeedKind::parse(&self.kind)
    }

    /// Whether it is a land need (matched with land sites, not firms).
    pub fn is_land(&self) -> bool {
        self.kind() == Some(NeedKind::Land)
    }

    /// Whether its author stays unnamed until they accept a contact.
    pub fn is_anonymous(&self) -> bool {
        NeedVisibility::parse(&self.visibility) == Some(NeedVisibility::Anonymous)
    }

    /// Whether anyone, signed in or not, may read it.
    pub fn is_public(&self) -> bool {
        NeedVisibility::parse(&self.visibility) == Some(NeedVisibility::Public)
    }

    /// Whether it still takes answers.
    pub fn is_open(&self) -> bool {
        NeedStatus::parse(&self.status) == Some(NeedStatus::Open)
    }

    /// Whether its author organisation shows its name to members only.
    pub fn author_members_only(&self) -> bool {
        self.author_visibility.as_deref() == Some(OrganisationVisibility::Members.code())
    }
}

/// The place of an annonce is its commune, else its author organisation's commune, else its
/// author territory's centre.
pub const NEED_SELECT: &str = concatcp!(
    "SELECT n.id, n.kind, n.title, n.description, n.naf_codes, n.skills, \
    n.certifications, n.quantity, n.commune_insee, n.radius_km, n.deadline, n.visibility, n.status, \
    n.size, n.land_area_ha, n.author_kind, n.author_id, COALESCE(o.name, t.name) AS author_name, \
    o.visibility AS author_visibility, \
    n.created_at, n.is_demo, c.name AS commune_name, d.name AS department_name, \
    COALESCE(c.territory_id, t.id) AS territory_id, COALESCE(c.region_code, t.region_code) AS region_code, \
    COALESCE(c.latitude, t.latitude) AS latitude, COALESCE(c.longitude, t.longitude) AS longitude \
    FROM need n",
    join_organisation_party!("o", "n.author_kind", "n.author_id", Organisation),
    join_territory_party!("t", "n.author_kind", "n.author_id"),
    " LEFT JOIN commune c ON c.insee = COALESCE(n.commune_insee, o.commune_insee) \
    LEFT JOIN department d ON d.code = c.department_code"
);

pub async fn need(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<NeedRow>> {
    super::fetch_by(db, NEED_SELECT, "n.id", id).await
}

/// Which annonces a listing reads (`db::list`); the set fields combine with AND.
#[derive(Debug, Default)]
pub struct NeedWhere<'a> {
    pub status: Option<NeedStatus>,
    pub visibility: Option<NeedVisibility>,
    /// Any of these kinds (none: every kind).
    pub kinds: &'a [NeedKind],
    pub except_kind: Option<NeedKind>,
    /// Only these annonces (a text search's hits).
    pub ids: Option<&'a [i64]>,
}

impl super::Listing for NeedWhere<'_> {
    type Row = NeedRow;
    const SELECT: &'static str = NEED_SELECT;
    const ORDER: &'static [(&'static str, bool)] = &[("n.created_at", true), ("n.id", true)];

    fn filter(&self) -> Filter {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.code()).collect();
        Filter::on("n")
            .eq("status", self.status.map(NeedStatus::code))
            .eq("visibility", self.visibility.map(NeedVisibility::code))
            .any_of("kind", &kinds)
            .ne("kind", self.except_kind.map(NeedKind::code))
            .among(self.ids)
    }
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Writes a new annonce; returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    n: &ValidNeed,
    user_id: Option<i64>,
    at: i64,
    is_demo: bool,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO need (kind, title, description, naf_codes, skills, certifications, quantity, \
         commune_insee, radius_km, deadline, visibility, status, size, land_area_ha, author_kind, \
         author_id, created_by, created_at, updated_at, is_demo) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            n.kind.as_str().into(),
            n.title.as_str().into(),
            n.description.as_str().into(),
            json(&n.naf_codes).into(),
            json(&n.skills).into(),
            json(&n.certifications).into(),
            n.quantity.as_str().into(),
            n.commune.clone().into(),
            n.radius_km.into(),
            n.deadline.as_str().into(),
            n.visibility.as_str().into(),
            NeedStatus::Open.code().into(),
            n.size.as_str().into(),
            n.land_area_ha.into(),
            n.author_kind.as_str().into(),
            n.author_id.as_str().into(),
            user_id.into(),
            at.into(),
            at.into(),
            is_demo.into(),
        ],
    )
    .await?;
    Ok(row.context("the new annonce's id")?.id)
}

/// Replaces the text of an annonce (its author does not change).
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    n: &ValidNeed,
    at: i64,
) -> anyhow::Result<()> {
    db.execute(stmt(
        db,
        "UPDATE need SET kind = ?, title = ?, description = ?, naf_codes = ?, skills = ?, \
         certifications = ?, quantity = ?, commune_insee = ?, radius_km = ?, deadline = ?, \
         visibility = ?, size = ?, land_area_ha = ?, updated_at = ? WHERE id = ?",
        vec![
            n.kind.as_str().into(),
            n.title.as_str().into(),
            n.description.as_str().into(),
            json(&n.naf_codes).into(),
            json(&n.skills).into(),
            json(&n.certifications).into(),
            n.quantity.as_str().into(),
            n.commune.clone().into(),
            n.radius_km.into(),
            n.deadline.as_str().into(),
            n.visibility.as_str().into(),
            n.size.as_str().into(),
            n.land_area_ha.into(),
            at.into(),
            id.into(),
        ],
    ))
    .await
    .context("updating an annonce")?;
    Ok(())
}

/// Closes an open annonce; false if it was closed already.
pub async fn close(db: &impl ConnectionTrait, id: i64, at: i64) -> anyhow::Result<bool> {
    let done = db
        .execute(stmt(
            db,
            "UPDATE need SET status = ?, closed_at = ?, updated_at = ? WHERE id = ? AND status = ?",
            vec![
                NeedStatus::Closed.code().into(),
                at.into(),
                at.into(),
                id.into(),
                NeedStatus::Open.code().into(),
            ],
        ))
        .await
        .context("closing an annonce")?;
    Ok(done.rows_affected() == 1)
}

/// A candidate firm with what the scoring reads.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FirmRow {
    pub id: i64,
    pub name: String,
    pub siret: Option<String>,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    pub description: String,
    pub capabilities: String,
    pub certifications: String,
    pub headcount_band: Option<String>,
    pub commune: Option<String>,
    pub territory_id: Option<String>,
    pub region_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const FIRM_SELECT: &str = "SELECT o.id, o.name, o.siret, o.naf_code, n.label AS naf_label, \
    o.description, o.capabilities, o.certifications, o.headcount_band, c.name AS commune, \
    c.territory_id, c.region_code, COALESCE(o.latitude, c.latitude) AS latitude, \
    COALESCE(o.longitude, c.longitude) AS longitude FROM organisation o \
    LEFT JOIN commune c ON c.insee = o.commune_insee LEFT JOIN naf n ON n.code = o.naf_code";

pub async fn firms_by_id(db: &impl ConnectionTrait, ids: &[i64]) -> anyhow::Result<Vec<FirmRow>> {
    fetch_in(db, FIRM_SELECT, "o.id", ids).await
}

/// Available land sites with their place.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub area_ha: f64,
    pub status: String,
    pub turnkey: bool,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub async fn available_sites(
    db: &impl ConnectionTrait,
    min_area: f64,
) -> anyhow::Result<Vec<SiteRow>> {
    fetch_all(
        db,
        "SELECT s.id, s.name, c.name AS commune, s.area_ha, s.status, s.turnkey, c.latitude, c.longitude \
         FROM land_site s JOIN commune c ON c.insee = s.commune_insee \
         WHERE s.status IN (?, ?) AND s.area_ha >= ?",
        vec![
            SiteStatus::Available.code().into(),
            SiteStatus::UnderOption.code().into(),
            min_area.into(),
        ],
    )
    .await
}

/// An expression of interest with the annonce's title (or, for a contact asked from an
/// organisation's page, its subject) and both sides' names.
#[derive(Debug, Clone, FromQueryResult)]
pub struct InterestRow {
    pub id: i64,
    /// The annonce it is about; none for a contact asked from an organisation's page.
    pub need_id: Option<i64>,
    pub need_title: String,
    pub from_kind: String,
    pub from_id: String,
    pub from_name: Option<String>,
    pub to_kind: String,
    pub to_id: String,
    pub to_name: Option<String>,
    pub user_id: i64,
    pub message: String,
    pub status: String,
    pub reason: String,
    pub answered_by: Option<i64>,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const INTEREST_SELECT: &str = concatcp!(
    "SELECT i.id, i.need_id, COALESCE(n.title, i.subject) AS need_title, i.from_kind, i.from_id, \
    COALESCE(fo.name, ft.name) AS from_name, i.to_kind, i.to_id, COALESCE(tor.name, tt.name) AS to_name, \
    i.user_id, i.message, i.status, i.reason, i.answered_by, i.created_at, i.answered_at, i.closed_at \
    FROM interest i LEFT JOIN need n ON n.id = i.need_id",
    join_organisation_party!("fo", "i.from_kind", "i.from_id", Organisation),
    join_territory_party!("ft", "i.from_kind", "i.from_id"),
    join_organisation_party!("tor", "i.to_kind", "i.to_id", Organisation),
    join_territory_party!("tt", "i.to_kind", "i.to_id")
);

pub async fn interest(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<InterestRow>> {
    super::fetch_by(db, INTEREST_SELECT, "i.id", id).await
}

/// Interests whose either side is one of `sides` (`kind:id`), newest first.
pub async fn interests_of(
    db: &impl ConnectionTrait,
    sides: &[String],
) -> anyhow::Result<Vec<InterestRow>> {
    if sides.is_empty() {
        return Ok(Vec::new());
    }
    let ph = super::placeholders(sides.len());
    let mut values: Vec<sea_orm::Value> = sides.iter().map(|s| s.as_str().into()).collect();
    values.extend(sides.iter().map(|s| s.as_str().into()));
    fetch_all(
        db,
        &format!(
            "{INTEREST_SELECT} WHERE (i.from_kind || ':' || i.from_id) IN ({ph}) \
             OR (i.to_kind || ':' || i.to_id) IN ({ph}) ORDER BY i.created_at DESC, i.id DESC"
        ),
        values,
    )
    .await
}

pub async fn interests_of_need(
    db: &impl ConnectionTrait,
    need: i64,
) -> anyhow::Result<Vec<InterestRow>> {
    fetch_all(
        db,
        &format!("{INTEREST_SELECT} WHERE i.need_id = ? ORDER BY i.created_at, i.id"),
        vec![need.into()],
    )
    .await
}

/// Open or closed contacts asked from `from` to `to` outside any annonce.
pub async fn direct_interests(
    db: &impl ConnectionTrait,
    from: (&str, &str),
    to: (&str, &str),
) -> anyhow::Result<Vec<InterestRow>> {
    fetch_all(
        db,
        &format!(
            "{INTEREST_SELECT} WHERE i.need_id IS NULL AND i.from_kind = ? AND i.from_id = ? \
             AND i.to_kind = ? AND i.to_id = ? ORDER BY i.created_at, i.id"
        ),
        vec![from.0.into(), from.1.into(), to.0.into(), to.1.into()],
    )
    .await
}

/// What a contact is about: an annonce, or (asked from an organisation's page) a subject.
#[derive(Debug, Clone, Copy)]
pub enum About<'a> {
    Need(i64),
    Subject(&'a str),
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_interest(
    db: &impl ConnectionTrait,
    about: About<'_>,
    from: (&str, &str),
    to: (&str, &str),
    user_id: i64,
    message: &str,
    at: i64,
) -> anyhow::Result<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = fetch_optional(
        db,
        "INSERT INTO interest (need_id, subject, from_kind, from_id, to_kind, to_id, user_id, message, \
         status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?) RETURNING id",
        vec![
            match about {
                About::Need(id) => Some(id),
                About::Subject(_) => None,
            }
            .into(),
            match about {
                About::Need(_) => "",
                About::Subject(s) => s,
            }
            .into(),
            from.0.into(),
            from.1.into(),
            to.0.into(),
            to.1.into(),
            user_id.into(),
            message.into(),
            app::domain::contact::ContactStatus::Requested.code().into(),
            at.into(),
        ],
    )
    .await?;
    Ok(row.context("the new interest's id")?.id)
}

/// Moves an interest on; false when its status changed meanwhile.
pub async fn set_interest_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    reason: &str,
    user_id: i64,
    at: i64,
) -> anyhow::Result<bool> {
    let answer = from == "requested";
    let done = db
        .execute(stmt(
            db,
            "UPDATE interest SET status = ?, reason = CASE WHEN ? THEN ? ELSE reason END, \
             answered_by = CASE WHEN ? THEN ? ELSE answered_by END, \
             answered_at = CASE WHEN ? THEN ? ELSE answered_at END, \
             closed_at = CASE WHEN ? THEN ? ELSE closed_at END WHERE id = ? AND status = ?",
            vec![
                to.into(),
                answer.into(),
                reason.into(),
                answer.into(),
                user_id.into(),
                answer.into(),
                at.into(),
                (!answer).into(),
                at.into(),
                id.into(),
                from.into(),
            ],
        ))
        .await
        .context("changing an interest")?;
    Ok(done.rows_affected() == 1)
}

/// Remembers that an organisation was suggested for an annonce; false if it was already.
pub async fn mark_seen(
    db: &impl ConnectionTrait,
    need: i64,
    organisation: i64,
    at: i64,
) -> anyhow::Result<bool> {
    let done = db
        .execute(stmt(
            db,
            "INSERT INTO need_match_seen (need_id, organisation_id, at) VALUES (?, ?, ?) \
             ON CONFLICT (need_id, organisation_id) DO NOTHING",
            vec![need.into(), organisation.into(), at.into()],
        ))
        .await
        .context("remembering a match")?;
    Ok(done.rows_affected() == 1)
}

/// A firm near a point: its division and place.
#[derive(Debug, Clone, FromQueryResult)]
pub struct NearbyFirm {
    pub id: i64,
    pub name: String,
    pub division: String,
    pub commune: String,
    pub territory_id: Option<String>,
    pub territory_name: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
}

/// Firms whose commune lies in a latitude/longitude box (by the commune's centre, which the
/// commune index serves; each firm comes with its own position where the register gave one).
pub async fn firms_in_box(
    db: &impl ConnectionTrait,
    lat: (f64, f64),
    lon: (f64, f64),
    viewer: &app::domain::policy::Viewer,
) -> anyhow::Result<Vec<NearbyFirm>> {
    fetch_all(
        db,
        &format!(
            "SELECT o.id, o.name, SUBSTR(o.naf_code, 1, 2) AS division, c.name AS commune, c.territory_id, \
             t.name AS territory_name, COALESCE(o.latitude, c.latitude) AS latitude, \
             COALESCE(o.longitude, c.longitude) AS longitude FROM commune c \
             JOIN organisation o ON o.commune_insee = c.insee LEFT JOIN territory t ON t.id = c.territory_id \
             WHERE o.kind = ? AND o.naf_code IS NOT NULL AND c.latitude BETWEEN ? AND ? \
             AND c.longitude BETWEEN ? AND ? AND {}",
            crate::db::visible_organisations(viewer, "o")
        ),
        vec![
            OrganisationKind::Firm.code().into(),
            lat.0.into(),
            lat.1.into(),
            lon.0.into(),
            lon.1.into(),
        ],
    )
    .await
}

/// A territory's name and centre.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TerritoryCentre {
    pub name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub async fn territory_centre(
    db: &impl ConnectionTrait,
    id: &str,
) -> anyhow::Result<Option<TerritoryCentre>> {
    fetch_optional(
        db,
        "SELECT name, latitude, longitude FROM territory WHERE id = ?",
        vec![id.into()],
    )
    .await
}

#[derive(FromQueryResult)]
struct Code {
    code: String,
}

/// Of `codes` (NAF codes at any level: `25`, `25.6`, `25.62`, `25.62B`), those the reference
/// table holds.
/// The label of each of these NAF codes (any level: a sub-class has its own label, not its
/// division's).
pub async fn naf_labels(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> anyhow::Result<Vec<super::network::LabelRow>> {
    fetch_in(db, "SELECT code, label FROM naf", "code", codes).await
}

pub async fn known_naf_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> anyhow::Result<Vec<String>> {
    let rows: Vec<Code> = fetch_in(db, "SELECT code FROM naf", "code", codes).await?;
    Ok(rows.into_iter().map(|r| r.code).collect())
}
