//! A territory's filières: its leading industries and the supplier divisions missing or thin
//! around it.

use super::*;

impl NeedService {
    pub(super) async fn filiere_view(
        &self,
        territory: &str,
        radius_km: f64,
        viewer: &Viewer,
    ) -> Result<Filieres, ServiceError> {
        let t = q::territory_centre(&self.db, territory)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let labels: std::collections::HashMap<String, String> =
            crate::db::network::division_labels(&self.db)
                .await?
                .into_iter()
                .map(|l| (l.code, l.label))
                .collect();
        let label = |c: &str| labels.get(c).cloned().unwrap_or_default();
        let divisions: Vec<(String, String, u64)> =
            crate::db::organisations::division_counts(&self.db, territory, viewer)
                .await?
                .into_iter()
                .map(|d| (d.code, d.label, d.count))
                .collect();
        let centre = point(t.latitude, t.longitude);
        // Suggestions are looked for up to three times the radius.
        let reach = radius_km * 3.0;
        let nearby = match centre {
            Some(c) => {
                let dlat = reach / 111.2;
                let dlon = reach / (111.2 * c.lat.to_radians().cos().max(0.01));
                q::firms_in_box(
                    &self.db,
                    (c.lat - dlat, c.lat + dlat),
                    (c.lon - dlon, c.lon + dlon),
                    viewer,
                )
                .await?
                .into_iter()
                .filter_map(|f| {
                    let d = Point::new(f.latitude, f.longitude)?.distance_km(&c);
                    (d <= reach).then_some((f, d))
                })
                .collect()
            }
            None => Vec::new(),
        };
        let leading = divisions
            .iter()
            .filter(|(code, _, _)| ("10".."34").contains(&code.as_str()))
            .take(3)
            .map(|(code, name, firms)| LeadingIndustry {
                code: code.clone(),
                label: name.clone(),
                firms: *firms,
                suppliers: app::domain::matching::suppliers_of(code)
                    .into_iter()
                    .map(|(s, _, what)| {
                        let of_division: Vec<&(q::NearbyFirm, f64)> =
                            nearby.iter().filter(|(f, _)| f.division == s).collect();
                        let count =
                            of_division.iter().filter(|(_, d)| *d <= radius_km).count() as u64;
                        let mut outside: Vec<&&(q::NearbyFirm, f64)> = of_division
                            .iter()
                            .filter(|(f, _)| f.territory_id.as_deref() != Some(territory))
                            .collect();
                        outside.sort_by(|a, b| a.1.total_cmp(&b.1));
                        SupplierLink {
                            code: s.to_owned(),
                            label: label(s),
                            what: what.to_owned(),
                            nearby: count,
                            thin: count < THIN_BELOW,
                            suggestions: outside
                                .into_iter()
                                .take(3)
                                .map(|(f, d)| {
                                    (
                                        f.id,
                                        f.name.clone(),
                                        f.commune.clone(),
                                        f.territory_name.clone().unwrap_or_default(),
                                        (d * 10.0).round() / 10.0,
                                    )
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Filieres {
            territory_id: territory.to_owned(),
            name: t.name,
            radius_km,
            divisions,
            leading,
        })
    }
}
