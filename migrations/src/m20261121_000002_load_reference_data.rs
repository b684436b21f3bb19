//! Loads the reference files into the reference tables.
//!
//! Derived columns computed here, once: the territory of each commune (its own SIREN or its
//! EPCI's SIREN is a territory member; for the three Paris-area EPT, the territory's commune
//! list), approximate coordinates for the few communes the source lacks (their EPCI's
//! population centroid, flagged), and the territories' map drawings.

use crate::data::{self, insert_rows, int, opt_f64, opt_text, read_csv, read_text, v};
use crate::geometry;
use crate::m20261121_000001_create_reference_tables::*;
use sea_orm_migration::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (ch, communes) = read_csv("communes", data::COMMUNES)?;

        // Regions and departments, as named in the commune file.
        let mut regions = BTreeMap::new();
        let mut departments = BTreeMap::new();
        for c in &communes {
            regions.insert(c.get(&ch, "code_region"), c.get(&ch, "nom_region"));
            departments.insert(
                c.get(&ch, "code_departement"),
                (c.get(&ch, "nom_departement"), c.get(&ch, "code_region")),
            );
        }
        insert_rows(
            manager,
            Region::Table,
            &[Region::Code, Region::Name],
            regions
                .into_iter()
                .map(|(code, name)| vec![v(code), v(name)])
                .collect(),
        )
        .await?;
        insert_rows(
            manager,
            Department::Table,
            &[Department::Code, Department::Name, Department::RegionCode],
            departments
                .into_iter()
                .map(|(code, (name, region))| vec![v(code), v(name), v(region)])
                .collect(),
        )
        .await?;

        // EPCI, keeping their centroids for communes without coordinates.
        let (eh, epcis) = read_csv("epci", data::EPCI)?;
        let mut epci_centroids = HashMap::new();
        let mut rows = Vec::new();
        for e in &epcis {
            let siren = e.get(&eh, "siren_epci");
            epci_centroids.insert(
                siren.clone(),
                (
                    e.get(&eh, "lat_centroide_pop"),
                    e.get(&eh, "lon_centroide_pop"),
                ),
            );
            rows.push(vec![
                v(siren),
                v(e.get(&eh, "nom")),
                v(e.get(&eh, "type")),
                v(e.get(&eh, "code_departement_principal")),
                v(e.get(&eh, "departements")),
                v(e.get(&eh, "code_region")),
                int(&e.get(&eh, "population_totale")),
                int(&e.get(&eh, "nb_communes")),
                opt_f64(&e.get(&eh, "lat_centroide_pop")),
                opt_f64(&e.get(&eh, "lon_centroide_pop")),
            ]);
        }
        insert_rows(
            manager,
            Epci::Table,
            &[
                Epci::Siren,
                Epci::Name,
                Epci::Kind,
                Epci::DepartmentCode,
                Epci::Departments,
                Epci::RegionCode,
                Epci::Population,
                Epci::CommuneCount,
                Epci::Latitude,
                Epci::Longitude,
            ],
            rows,
        )
        .await?;

        // Territories with their drawings.
        let geojson = read_text("territories geojson", data::TERRITORY_GEOJSON)?;
        let outlines = geometry::parse_outlines(&geojson).map_err(DbErr::Custom)?;
        let drawings = geometry::draw(&outlines);
        let (th, territories) = read_csv("territories", data::TERRITORIES)?;
        let mut rows = Vec::new();
        for t in &territories {
            let id = t.get(&th, "id_territoire");
            let drawing = drawings.get(&id).ok_or_else(|| {
                DbErr::Custom(format!("territory {id} has no outline in the GeoJSON file"))
            })?;
            rows.push(vec![
                v(id.clone()),
                v(t.get(&th, "nom_territoire")),
                v(t.get(&th, "code_region")),
                v(t.get(&th, "departements")),
                int(&t.get(&th, "population_2026")),
                v(drawing.centre.0),
                v(drawing.centre.1),
                v(drawing.map_path.clone()),
                v(drawing.outline_path.clone()),
                v(drawing.outline_viewbox.clone()),
            ]);
        }
        insert_rows(
            manager,
            Territory::Table,
            &[
                Territory::Id,
                Territory::Name,
                Territory::RegionCode,
                Territory::Departments,
                Territory::Population,
                Territory::Latitude,
                Territory::Longitude,
                Territory::MapPath,
                Territory::OutlinePath,
                Territory::OutlineViewbox,
            ],
            rows,
        )
        .await?;

        // Members (EPCI, EPT or single communes), one territory each.
        let (mh, members) = read_csv("territory members", data::TERRITORY_MEMBERS)?;
        let mut member_of = HashMap::new();
        let mut territories_with_ept = Vec::new();
        let mut rows = Vec::new();
        for m in &members {
            let siren = m.get(&mh, "siren_epci");
            let territory = m.get(&mh, "id_territoire");
            let kind = m.get(&mh, "type_membre");
            if kind == "EPT" {
                territories_with_ept.push(territory.clone());
            }
            let departments = match m.get(&mh, "departements_epci") {
                d if d.is_empty() => m.get(&mh, "code_departement"),
                d => d,
            };
            member_of.insert(siren.clone(), territory.clone());
            rows.push(vec![
                v(siren),
                v(territory),
                v(kind),
                v(m.get(&mh, "nom_epci_2026")),
                v(departments),
                int(&m.get(&mh, "population_epci_2026")),
            ]);
        }
        insert_rows(
            manager,
            TerritoryMember::Table,
            &[
                TerritoryMember::Siren,
                TerritoryMember::TerritoryId,
                TerritoryMember::Kind,
                TerritoryMember::Name,
                TerritoryMember::Departments,
                TerritoryMember::Population,
            ],
            rows,
        )
        .await?;

        // Communes of EPT territories: an EPT is not an EPCI in the commune file.
        let (tch, territory_communes) = read_csv("territory communes", data::TERRITORY_COMMUNES)?;
        let mut ept_commune_territory = HashMap::new();
        for tc in &territory_communes {
            let territory = tc.get(&tch, "id_territoire");
            if territories_with_ept.contains(&territory) {
                ept_commune_territory.insert(tc.get(&tch, "code_insee"), territory);
            }
        }

        let mut rows = Vec::with_capacity(communes.len());
        for c in &communes {
            let insee = c.get(&ch, "code_insee");
            let epci = c.get(&ch, "siren_epci");
            let territory = member_of
                .get(&c.get(&ch, "siren_commune"))
                .or_else(|| member_of.get(&epci))
                .or_else(|| ept_commune_territory.get(&insee))
                .cloned();
            let (mut lat, mut lon) = (c.get(&ch, "latitude"), c.get(&ch, "longitude"));
            let mut approximate = false;
            if lat.is_empty() || lon.is_empty() {
                if let Some((elat, elon)) = epci_centroids.get(&epci) {
                    (lat, lon) = (elat.clone(), elon.clone());
                    approximate = true;
                }
            }
            rows.push(vec![
                v(insee),
                v(c.get(&ch, "nom")),
                v(c.get(&ch, "siren_commune")),
                v(c.get(&ch, "code_departement")),
                v(c.get(&ch, "code_region")),
                opt_text(epci),
                v(territory),
                int(&c.get(&ch, "population")),
                v(c.get(&ch, "codes_postaux")),
                opt_f64(&lat),
                opt_f64(&lon),
                v(approximate),
                v(c.get(&ch, "zone")),
            ]);
        }
        insert_rows(
            manager,
            Commune::Table,
            &[
                Commune::Insee,
                Commune::Name,
                Commune::Siren,
                Commune::DepartmentCode,
                Commune::RegionCode,
                Commune::EpciSiren,
                Commune::TerritoryId,
                Commune::Population,
                Commune::PostalCodes,
                Commune::Latitude,
                Commune::Longitude,
                Commune::CoordinatesApproximate,
                Commune::Zone,
            ],
            rows,
        )
        .await?;

        // NAF rev. 2, all levels, with English level names.
        let (nh, naf) = read_csv("naf", data::NAF)?;
        let mut rows = Vec::new();
        for n in &naf {
            let level = match n.get(&nh, "niveau").as_str() {
                "section" => "section",
                "division" => "division",
                "groupe" => "group",
                "classe" => "class",
                "sous-classe" => "subclass",
                other => {
                    return Err(DbErr::Custom(format!(
                        "naf line {}: unknown level {other}",
                        n.line()
                    )))
                }
            };
            rows.push(vec![
                v(n.get(&nh, "code")),
                v(n.get(&nh, "libelle")),
                v(level),
                opt_text(n.get(&nh, "parent")),
            ]);
        }
        insert_rows(
            manager,
            Naf::Table,
            &[Naf::Code, Naf::Label, Naf::Level, Naf::Parent],
            rows,
        )
        .await?;

        // ROME 4.0 jobs and their link to NAF divisions.
        let (rh, jobs) = read_csv("rome", data::ROME_JOBS)?;
        let rows = jobs
            .iter()
            .map(|r| {
                vec![
                    v(r.get(&rh, "code_rome")),
                    v(r.get(&rh, "libelle_rome")),
                    v(r.get(&rh, "code_domaine_professionnel")),
                    v(r.get(&rh, "libelle_domaine_professionnel")),
                    v(r.get(&rh, "code_grand_domaine")),
                    v(r.get(&rh, "libelle_grand_domaine")),
                ]
            })
            .collect();
        insert_rows(
            manager,
            RomeJob::Table,
            &[
                RomeJob::Code,
                RomeJob::Label,
                RomeJob::DomainCode,
                RomeJob::DomainLabel,
                RomeJob::GrandDomainCode,
                RomeJob::GrandDomainLabel,
            ],
            rows,
        )
        .await?;
        let (dh, pairs) = read_csv("naf rome", data::NAF_DIVISION_ROME)?;
        let mut seen = std::collections::HashSet::new();
        let rows = pairs
            .iter()
            .map(|p| (p.get(&dh, "naf_division"), p.get(&dh, "code_rome")))
            .filter(|pair| seen.insert(pair.clone()))
            .map(|(d, r)| vec![v(d), v(r)])
            .collect();
        insert_rows(
            manager,
            NafDivisionRome::Table,
            &[NafDivisionRome::NafDivision, NafDivisionRome::RomeCode],
            rows,
        )
        .await?;

        // ESCO skills, French and English labels.
        let (sh, skills) = read_csv("esco skills", data::ESCO_SKILLS)?;
        let rows = skills
            .iter()
            .map(|s| {
                vec![
                    v(s.get(&sh, "concept_uri")),
                    v(s.get(&sh, "skill_type")),
                    v(s.get(&sh, "reuse_level")),
                    v(s.get(&sh, "label_fr")),
                    v(s.get(&sh, "label_en_us")),
                    v(s.get(&sh, "alt_labels_fr")),
                    v(s.get(&sh, "description_fr")),
                ]
            })
            .collect();
        insert_rows(
            manager,
            EscoSkill::Table,
            &[
                EscoSkill::Uri,
                EscoSkill::SkillType,
                EscoSkill::ReuseLevel,
                EscoSkill::LabelFr,
                EscoSkill::LabelEn,
                EscoSkill::AltLabelsFr,
                EscoSkill::DescriptionFr,
            ],
            rows,
        )
        .await?;

        // NUTS 2024.
        let (uh, nuts) = read_csv("nuts", data::NUTS)?;
        let rows = nuts
            .iter()
            .map(|n| {
                vec![
                    v(n.get(&uh, "code")),
                    v(n.get(&uh, "country_code")),
                    v(n.get(&uh, "label")),
                    int(&n.get(&uh, "level")),
                    v(n.get(&uh, "type")),
                ]
            })
            .collect();
        insert_rows(
            manager,
            NutsRegion::Table,
            &[
                NutsRegion::Code,
                NutsRegion::CountryCode,
                NutsRegion::Label,
                NutsRegion::Level,
                NutsRegion::Kind,
            ],
            rows,
        )
        .await?;

        // Brownfield counts per commune (Cartofriches aggregate).
        let (bh, brownfields) = read_csv("cartofriches", data::BROWNFIELDS)?;
        let rows = brownfields
            .iter()
            .map(|b| {
                vec![
                    v(b.get(&bh, "code_insee")),
                    int(&b.get(&bh, "nb_friches")),
                    int(&b.get(&bh, "surface_totale_m2")),
                ]
            })
            .collect();
        insert_rows(
            manager,
            BrownfieldCount::Table,
            &[
                BrownfieldCount::CommuneInsee,
                BrownfieldCount::Sites,
                BrownfieldCount::SurfaceM2,
            ],
            rows,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BrownfieldCount::Table.into_iden(),
            NutsRegion::Table.into_iden(),
            EscoSkill::Table.into_iden(),
            NafDivisionRome::Table.into_iden(),
            RomeJob::Table.into_iden(),
            Naf::Table.into_iden(),
            Commune::Table.into_iden(),
            TerritoryMember::Table.into_iden(),
            Territory::Table.into_iden(),
            Epci::Table.into_iden(),
            Department::Table.into_iden(),
            Region::Table.into_iden(),
        ] {
            manager
                .exec_stmt(Query::delete().from_table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
