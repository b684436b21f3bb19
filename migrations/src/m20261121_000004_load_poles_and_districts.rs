//! Loads the curated pôles de compétitivité and European districts as organisations.
//!
//! A pôle's seat city is resolved to a commune of its region by name (the most populous
//! homonym wins); an unresolved seat fails the migration rather than loading a pôle nowhere.

use crate::data::{self, insert_rows, read_csv, v};
use crate::m20261121_000003_create_organisations::Organisation;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Splits a `;`-separated list into a JSON array of trimmed items.
fn json_list(value: &str) -> String {
    let items: Vec<&str> = value
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let now = 1_763_683_200i64; // 2025-11-21, the curated lists' vintage

        let (ph, poles) = read_csv("poles", data::POLES)?;
        let mut rows = Vec::new();
        for p in &poles {
            let (name, region, seat) = (
                p.get(&ph, "nom"),
                p.get(&ph, "code_region"),
                p.get(&ph, "ville_siege"),
            );
            let found = db
                .query_one(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                            "SELECT insee FROM commune WHERE name = $1 AND region_code = $2 \
                             ORDER BY population DESC LIMIT 1"
                        }
                        _ => {
                            "SELECT insee FROM commune WHERE name = ? AND region_code = ? \
                             ORDER BY population DESC LIMIT 1"
                        }
                    },
                    [seat.clone().into(), region.clone().into()],
                ))
                .await?;
            let insee: String = match found {
                Some(row) => row.try_get("", "insee")?,
                None => {
                    return Err(DbErr::Custom(format!(
                        "pôle {name}: seat {seat} is not a commune of region {region}"
                    )))
                }
            };
            rows.push(vec![
                v("pole"),
                v(name),
                v(insee),
                v("FR"),
                v(p.get(&ph, "themes")),
                v(json_list(&p.get(&ph, "naf_divisions"))),
                v(r#"["fr"]"#),
                v(now),
                v(now),
            ]);
        }
        insert_rows(
            manager,
            Organisation::Table,
            &[
                Organisation::Kind,
                Organisation::Name,
                Organisation::CommuneInsee,
                Organisation::CountryCode,
                Organisation::Description,
                Organisation::NaceDivisions,
                Organisation::Languages,
                Organisation::CreatedAt,
                Organisation::UpdatedAt,
            ],
            rows,
        )
        .await?;

        let (dh, districts) = read_csv("districts", data::DISTRICTS)?;
        let rows = districts
            .iter()
            .map(|d| {
                let country = d.get(&dh, "country");
                let language = match country.as_str() {
                    "IT" => "it",
                    "DE" | "AT" => "de",
                    "ES" => "es",
                    "PT" => "pt",
                    "PL" => "pl",
                    "NL" => "nl",
                    "BE" => "nl",
                    _ => "en",
                };
                vec![
                    v("district"),
                    v(d.get(&dh, "name")),
                    v(country),
                    v(d.get(&dh, "nuts_code")),
                    v(d.get(&dh, "specialisation_fr")),
                    v(d.get(&dh, "specialisation_en")),
                    v(json_list(&d.get(&dh, "nace_divisions"))),
                    v(serde_json::json!([language, "en"]).to_string()),
                    v(now),
                    v(now),
                ]
            })
            .collect();
        insert_rows(
            manager,
            Organisation::Table,
            &[
                Organisation::Kind,
                Organisation::Name,
                Organisation::CountryCode,
                Organisation::NutsCode,
                Organisation::Description,
                Organisation::DescriptionEn,
                Organisation::NaceDivisions,
                Organisation::Languages,
                Organisation::CreatedAt,
                Organisation::UpdatedAt,
            ],
            rows,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Organisation::Table)
                    .and_where(Expr::col(Organisation::Kind).is_in(["pole", "district"]))
                    .to_owned(),
            )
            .await
    }
}
