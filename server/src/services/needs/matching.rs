//! Matching: firms and land sites suggested for an annonce, annonces for an offer or for the
//! viewer's firms, and the background matcher that records new matches for the digest.

use super::*;

/// Candidates read from the index for one annonce.
const CANDIDATES: usize = 300;

fn terms(row: &NeedRow) -> NeedTerms {
    let skills = json_list(&row.skills).join(" ");
    NeedTerms {
        words: key_words(&format!("{} {skills}", row.title)),
        naf: json_list(&row.naf_codes),
        certifications: json_list(&row.certifications),
        radius_km: row.radius_km,
        territory: row.territory_id.clone(),
        region: row.region_code.clone(),
        size: (!row.size.is_empty()).then(|| row.size.clone()),
    }
}

fn firm_terms(f: &q::FirmRow, from: Option<Point>) -> FirmTerms {
    let text = [
        f.name.as_str(),
        &json_list(&f.capabilities).join(" "),
        f.description.as_str(),
        f.naf_label.as_deref().unwrap_or_default(),
    ]
    .join(" ");
    FirmTerms {
        text: fold(&text),
        naf_code: f.naf_code.clone(),
        certifications: json_list(&f.certifications),
        distance_km: from
            .zip(point(f.latitude, f.longitude))
            .map(|(a, b)| a.distance_km(&b)),
        territory: f.territory_id.clone(),
        region: f.region_code.clone(),
        headcount_band: f.headcount_band.clone(),
    }
}

impl NeedService {
    /// Ranks firms for an annonce (the author's own organisation left out).
    pub async fn rank(
        &self,
        row: &NeedRow,
        limit: usize,
        lang: Lang,
    ) -> anyhow::Result<Vec<MatchView>> {
        let terms = terms(row);
        let from = point(row.latitude, row.longitude);
        let text = format!(
            "{} {} {}",
            row.title,
            json_list(&row.skills).join(" "),
            row.description.chars().take(500).collect::<String>()
        );
        let (index, naf, radius) = (self.index.clone(), terms.naf.clone(), row.radius_km);
        let ids = tokio::task::spawn_blocking(move || {
            lookups::candidate_ids(
                &index,
                &text,
                &naf,
                from.map(|p| (p, radius)),
                &["public", "members"],
                CANDIDATES,
            )
        })
        .await
        .context("search task")??;
        let own = PartyKind::Organisation
            .is(&row.author_kind)
            .then(|| row.author_id.clone());
        let mut ranked: Vec<MatchView> = q::firms_by_id(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|f| own.as_deref() != Some(f.id.to_string().as_str()))
            .filter_map(|f| {
                let ft = firm_terms(&f, from);
                if ft.distance_km.is_some_and(|d| d > row.radius_km) {
                    return None;
                }
                let mut m = score(&terms, &ft);
                let why = explain_match(lang, &mut m);
                Some(MatchView {
                    organisation_id: f.id,
                    name: f.name,
                    siret: f.siret,
                    commune: f.commune,
                    score: (m.score * 1000.0).round() / 1000.0,
                    distance_km: ft.distance_km.map(|d| (d * 10.0).round() / 10.0),
                    why,
                    explanation: m.factors,
                })
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.organisation_id.cmp(&b.organisation_id))
        });
        ranked.truncate(limit);
        Ok(ranked)
    }

    /// Tells the authors of open annonces about firms newly matching them (top 10 each), as
    /// lines of their "matches" digest. Returns how many new matches were recorded.
    pub async fn record_new_matches(&self) -> anyhow::Result<u64> {
        let open = q::NeedWhere {
            status: Some(NeedStatus::Open),
            ..Default::default()
        };
        let rows = crate::db::list(&self.db, &open).await?;
        let mut recorded = 0;
        for row in rows.iter().filter(|r| !r.is_land()) {
            match self.record_for(row).await {
                Ok(n) => recorded += n,
                Err(e) => {
                    tracing::warn!(need = row.id, error = format!("{e:#}"), "recording matches")
                }
            }
        }
        Ok(recorded)
    }

    /// Records the new top-10 firms of one annonce and tells its author's side.
    async fn record_for(&self, row: &NeedRow) -> anyhow::Result<u64> {
        let matches = self.rank(row, 10, Lang::Fr).await?;
        let txn = self.db.begin().await.context("matches transaction")?;
        let mut new = Vec::new();
        for m in &matches {
            if q::mark_seen(&txn, row.id, m.organisation_id, self.clock.now()).await? {
                new.push(m);
            }
        }
        if !new.is_empty() {
            let link = self.link(&format!("/annonces/{}", row.id));
            let line = format!(
                "« {} » : {}",
                row.title,
                new.iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for p in crate::db::accounts::side_people(
                &txn,
                &row.author_kind,
                &row.author_id,
                NotificationKind::Matches,
            )
            .await?
            {
                if Frequency::of_setting(p.frequency.as_deref()) != Frequency::Off {
                    crate::mail::digest::keep(
                        &txn,
                        p.id,
                        NotificationKind::Matches,
                        &line,
                        &link,
                        self.clock.now(),
                    )
                    .await?;
                }
            }
        }
        txn.commit().await.context("committing matches")?;
        Ok(new.len() as u64)
    }

    /// Records new matches every `every` until the process stops.
    pub fn spawn_matcher(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = self.record_new_matches().await {
                    tracing::warn!(error = format!("{e:#}"), "recording new matches");
                }
            }
        });
    }

    pub(super) async fn suggested_firms(
        &self,
        id: i64,
        viewer: &Viewer,
        limit: usize,
        lang: Lang,
    ) -> Result<Vec<MatchView>, ServiceError> {
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        if row.is_land() {
            return Ok(Vec::new());
        }
        Ok(self.rank(&row, limit.clamp(1, 100), lang).await?)
    }

    pub(super) async fn suggested_sites(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<LandMatchView>, ServiceError> {
        let row = self.row(id).await?;
        if !is_author(viewer, &row) {
            return Err(ServiceError::Forbidden);
        }
        let Some(wanted) = row.land_area_ha.filter(|_| row.is_land()) else {
            return Ok(Vec::new());
        };
        let from = point(row.latitude, row.longitude);
        let mut list: Vec<LandMatchView> = q::available_sites(&self.db, wanted)
            .await?
            .into_iter()
            .filter_map(|s| {
                let d = from
                    .zip(point(s.latitude, s.longitude))
                    .map(|(a, b)| a.distance_km(&b));
                if d.is_some_and(|d| d > row.radius_km) {
                    return None;
                }
                let (score, reasons) = site_score(
                    wanted,
                    s.area_ha,
                    d,
                    row.radius_km,
                    s.turnkey,
                    SiteStatus::parse(&s.status) == Some(SiteStatus::Available),
                );
                Some(LandMatchView {
                    site_id: s.id,
                    name: s.name,
                    commune: s.commune,
                    area_ha: s.area_ha,
                    distance_km: d.map(|d| (d * 10.0).round() / 10.0),
                    score: (score * 1000.0).round() / 1000.0,
                    why: explain_reasons(lang, &reasons),
                })
            })
            .collect();
        list.sort_by(|a, b| b.score.total_cmp(&a.score));
        list.truncate(20);
        Ok(list)
    }

    pub(super) async fn needs_answered_by(
        &self,
        id: i64,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        let offer = self.row(id).await?;
        if !is_author(viewer, &offer) {
            return Err(ServiceError::Forbidden);
        }
        if !matches!(offer.kind.as_str(), "capacity" | "technology") {
            return Ok(Vec::new());
        }
        // The offer reads as a firm: its text, its first NAF code, its place.
        let offered = FirmTerms {
            text: fold(&format!(
                "{} {} {}",
                offer.title,
                offer.description,
                json_list(&offer.skills).join(" ")
            )),
            naf_code: json_list(&offer.naf_codes).into_iter().next(),
            certifications: json_list(&offer.certifications),
            distance_km: None,
            territory: offer.territory_id.clone(),
            region: offer.region_code.clone(),
            headcount_band: None,
        };
        // What an offer answers: the needs of a supplier, a partner or skills.
        let answered = q::NeedWhere {
            status: Some(NeedStatus::Open),
            kinds: &[NeedKind::Supplier, NeedKind::Partnership, NeedKind::Skills],
            ..Default::default()
        };
        let rows = crate::db::list(&self.db, &answered).await?;
        let here = point(offer.latitude, offer.longitude);
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| author_key(r) != author_key(&offer)) {
            let anonymous = row.is_anonymous();
            let mut need_terms = terms(row);
            // As for firms: an anonymous need is not located through the offer.
            let distance = if anonymous {
                need_terms.territory = None;
                need_terms.region = None;
                None
            } else {
                here.zip(point(row.latitude, row.longitude))
                    .map(|(a, b)| a.distance_km(&b))
            };
            if distance.is_some_and(|d| d > row.radius_km) {
                continue;
            }
            let mut m = score(
                &need_terms,
                &FirmTerms {
                    distance_km: distance,
                    ..offered.clone()
                },
            );
            if m.factors
                .iter()
                .any(|x| x.factor == "sector" || x.factor == "text")
                && m.score >= 0.35
            {
                out.push(NeedForFirm {
                    need: summary(row, !row.is_anonymous()),
                    organisation_id: 0,
                    organisation_name: offer.title.clone(),
                    score: (m.score * 1000.0).round() / 1000.0,
                    why: explain_match(lang, &mut m),
                });
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(20);
        Ok(out)
    }

    pub(super) async fn needs_for_viewer(
        &self,
        viewer: &Viewer,
        lang: Lang,
    ) -> Result<Vec<NeedForFirm>, ServiceError> {
        let org_ids = viewer.organisations_spoken_for();
        let firms = q::firms_by_id(&self.db, &org_ids).await?;
        if firms.is_empty() {
            return Ok(Vec::new());
        }
        let open_for_firms = q::NeedWhere {
            status: Some(NeedStatus::Open),
            except_kind: Some(NeedKind::Land),
            ..Default::default()
        };
        let rows = crate::db::list(&self.db, &open_for_firms).await?;
        let mine = sides(viewer);
        let mut out = Vec::new();
        for row in &rows {
            if mine.contains(&author_key(row)) {
                continue;
            }
            let anonymous = row.is_anonymous();
            let mut terms = terms(row);
            // Where an anonymous author is must not show through a distance, a territory or
            // the radius: the annonce is scored on what it asks, not where it is.
            let from = if anonymous {
                terms.territory = None;
                terms.region = None;
                None
            } else {
                point(row.latitude, row.longitude)
            };
            for f in &firms {
                let ft = firm_terms(f, from);
                if ft.distance_km.is_some_and(|d| d > row.radius_km) {
                    continue;
                }
                let mut m = score(&terms, &ft);
                // Only what a firm could really answer: its activity or words must fit.
                let fits = m
                    .factors
                    .iter()
                    .any(|x| x.factor == "sector" || x.factor == "text");
                if fits && m.score >= 0.35 {
                    out.push(NeedForFirm {
                        need: summary(row, !row.is_anonymous()),
                        organisation_id: f.id,
                        organisation_name: f.name.clone(),
                        score: (m.score * 1000.0).round() / 1000.0,
                        why: explain_match(lang, &mut m),
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(20);
        Ok(out)
    }
}
