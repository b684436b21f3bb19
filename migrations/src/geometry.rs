//! Turns the territories' GeoJSON outlines into light SVG paths, once, at migration time.
//!
//! Two drawings per territory: its place on the national map (metropolitan France in a
//! Lambert conformal conic projection, each overseas region in its own inset), and its own
//! outline fitted to a small box for its page. Both are simplified with Douglas-Peucker in
//! pixel units, so the whole national map weighs tens of kilobytes, not megabytes.

use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Width of the national map's SVG viewBox.
pub const MAP_WIDTH: f64 = 1000.0;
/// Height of the national map's SVG viewBox.
pub const MAP_HEIGHT: f64 = 940.0;
/// Left column reserved for the overseas insets.
const INSET_COLUMN: f64 = 190.0;
/// Size of the outline drawn on a territory's page.
const OUTLINE_BOX: f64 = 400.0;

type Ring = Vec<(f64, f64)>;

/// One territory's geometry as read from the GeoJSON file (lon, lat rings).
pub struct Outline {
    pub id: String,
    pub polygons: Vec<Vec<Ring>>,
}

/// The drawings derived for one territory.
pub struct Drawing {
    pub map_path: String,
    pub outline_path: String,
    pub outline_viewbox: String,
    /// Centre of the bounding box (lat, lon).
    pub centre: (f64, f64),
}

/// Reads the FeatureCollection; features without an id or geometry are reported as errors.
pub fn parse_outlines(text: &str) -> Result<Vec<Outline>, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("GeoJSON: {e}"))?;
    let features = doc["features"]
        .as_array()
        .ok_or_else(|| "GeoJSON: no features array".to_owned())?;
    let mut outlines = Vec::with_capacity(features.len());
    for feature in features {
        let id = feature["properties"]["id_territoire"]
            .as_str()
            .ok_or_else(|| "GeoJSON: feature without id_territoire".to_owned())?
            .to_owned();
        let geometry = &feature["geometry"];
        let coords = &geometry["coordinates"];
        let polygons = match geometry["type"].as_str() {
            Some("Polygon") => vec![parse_polygon(coords)],
            Some("MultiPolygon") => coords
                .as_array()
                .map(|polys| polys.iter().map(parse_polygon).collect())
                .unwrap_or_default(),
            other => return Err(format!("GeoJSON: {id}: unsupported geometry {other:?}")),
        };
        outlines.push(Outline { id, polygons });
    }
    Ok(outlines)
}

fn parse_polygon(value: &Json) -> Vec<Ring> {
    value
        .as_array()
        .map(|rings| {
            rings
                .iter()
                .map(|ring| {
                    ring.as_array()
                        .map(|pts| {
                            pts.iter()
                                .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The overseas region of a territory id (`ti-RRnn`), if any, with its inset slot.
fn overseas_slot(id: &str) -> Option<usize> {
    match id.get(3..5) {
        Some("01") => Some(0),
        Some("02") => Some(1),
        Some("03") => Some(2),
        Some("04") => Some(3),
        Some("06") => Some(4),
        _ => None,
    }
}

/// Spherical Lambert conformal conic with the standard parallels of Lambert-93.
fn lambert(lon: f64, lat: f64) -> (f64, f64) {
    let (phi1, phi2, phi0, lambda0) = (
        44f64.to_radians(),
        49f64.to_radians(),
        46.5f64.to_radians(),
        3f64.to_radians(),
    );
    let t = |phi: f64| (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan();
    let n = (phi1.cos() / phi2.cos()).ln() / (t(phi2) / t(phi1)).ln();
    let f = phi1.cos() * t(phi1).powf(n) / n;
    let rho = f / t(lat.to_radians()).powf(n);
    let rho0 = f / t(phi0).powf(n);
    let theta = n * (lon.to_radians() - lambda0);
    (rho * theta.sin(), -(rho0 - rho * theta.cos()))
}

/// Equirectangular projection scaled by the cosine of a reference latitude (y grows down).
fn plate(lon: f64, lat: f64, ref_lat: f64) -> (f64, f64) {
    (lon * ref_lat.to_radians().cos(), -lat)
}

/// How lon/lat map to the national map's pixels: a projection, then a scale and offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// `None`: Lambert conformal conic (metropolitan France); `Some(lat)`: equirectangular
    /// scaled by the cosine of `lat` (an overseas inset).
    pub plate_lat: Option<f64>,
    pub min_x: f64,
    pub min_y: f64,
    pub scale: f64,
    pub offset_x: f64,
    pub offset_y: f64,
}

impl Frame {
    /// The map pixel of a point.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = match self.plate_lat {
            None => lambert(lon, lat),
            Some(ref_lat) => plate(lon, lat, ref_lat),
        };
        (
            self.offset_x + (x - self.min_x) * self.scale,
            self.offset_y + (y - self.min_y) * self.scale,
        )
    }
}

#[derive(Clone, Copy)]
struct Bounds {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
}

impl Bounds {
    fn empty() -> Self {
        Bounds {
            min_x: f64::MAX,
            min_y: f64::MAX,
            max_x: f64::MIN,
            max_y: f64::MIN,
        }
    }
    fn add(&mut self, (x, y): (f64, f64)) {
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }
    /// Scale and offsets that fit these bounds into a box, centred, keeping proportions.
    fn fit(&self, x0: f64, y0: f64, w: f64, h: f64) -> impl Fn((f64, f64)) -> (f64, f64) {
        let frame = self.frame(None, x0, y0, w, h);
        move |(x, y)| {
            (
                frame.offset_x + (x - frame.min_x) * frame.scale,
                frame.offset_y + (y - frame.min_y) * frame.scale,
            )
        }
    }

    /// The frame that fits these (projected) bounds into a box.
    fn frame(&self, plate_lat: Option<f64>, x0: f64, y0: f64, w: f64, h: f64) -> Frame {
        let bw = (self.max_x - self.min_x).max(1e-9);
        let bh = (self.max_y - self.min_y).max(1e-9);
        let scale = (w / bw).min(h / bh);
        Frame {
            plate_lat,
            min_x: self.min_x,
            min_y: self.min_y,
            scale,
            offset_x: x0 + (w - bw * scale) / 2.0,
            offset_y: y0 + (h - bh * scale) / 2.0,
        }
    }
}

/// Douglas-Peucker simplification of a closed ring, keeping its first and last points.
fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() < 4 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0usize, points.len() - 1)];
    while let Some((first, last)) = stack.pop() {
        let (ax, ay) = points[first];
        let (bx, by) = points[last];
        let (dx, dy) = (bx - ax, by - ay);
        let len = (dx * dx + dy * dy).sqrt();
        let mut worst = (0usize, 0f64);
        for (i, &(px, py)) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = if len < 1e-12 {
                ((px - ax).powi(2) + (py - ay).powi(2)).sqrt()
            } else {
                ((px - ax) * dy - (py - ay) * dx).abs() / len
            };
            if d > worst.1 {
                worst = (i, d);
            }
        }
        if worst.1 > tolerance {
            keep[worst.0] = true;
            stack.push((first, worst.0));
            stack.push((worst.0, last));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

/// An SVG path of closed rings in integer pixels with relative moves (compact).
fn svg_path(rings: &[Vec<(f64, f64)>], precision: f64) -> String {
    let mut out = String::new();
    let mut cursor = (0i64, 0i64);
    for ring in rings {
        let mut pts: Vec<(i64, i64)> = ring
            .iter()
            .map(|&(x, y)| {
                (
                    (x * precision).round() as i64,
                    (y * precision).round() as i64,
                )
            })
            .collect();
        pts.dedup();
        if pts.len() < 3 {
            continue;
        }
        let (x, y) = pts[0];
        out.push_str(&format!("m{} {}", x - cursor.0, y - cursor.1));
        let mut prev = (x, y);
        for &(px, py) in &pts[1..] {
            out.push_str(&format!("l{} {}", px - prev.0, py - prev.1));
            prev = (px, py);
        }
        out.push('z');
        // After `z` the current point returns to the ring's start.
        cursor = (x, y);
    }
    out
}

/// The national map's frames: `metro` and the overseas insets by INSEE region code.
pub fn frames(outlines: &[Outline]) -> Vec<(&'static str, Frame)> {
    let (metro, insets, inset_lat) = bounds(outlines);
    let pad = 10.0;
    let slot_h = MAP_HEIGHT / 5.0;
    let mut out = vec![(
        "metro",
        metro.frame(
            None,
            INSET_COLUMN + pad,
            pad,
            MAP_WIDTH - INSET_COLUMN - 2.0 * pad,
            MAP_HEIGHT - 2.0 * pad,
        ),
    )];
    for (i, region) in ["01", "02", "03", "04", "06"].into_iter().enumerate() {
        out.push((
            region,
            insets[i].frame(
                Some(inset_lat[i]),
                pad,
                i as f64 * slot_h + 24.0,
                INSET_COLUMN - 2.0 * pad,
                slot_h - 34.0,
            ),
        ));
    }
    out
}

fn bounds(outlines: &[Outline]) -> (Bounds, [Bounds; 5], [f64; 5]) {
    let mut metro = Bounds::empty();
    let mut insets = [Bounds::empty(); 5];
    let mut inset_lat = [0f64; 5];
    for o in outlines {
        if let Some(slot) = overseas_slot(&o.id) {
            if let Some(&(_, lat)) = o
                .polygons
                .first()
                .and_then(|p| p.first())
                .and_then(|r| r.first())
            {
                inset_lat[slot] = lat;
            }
        }
    }
    for o in outlines {
        for ring in o.polygons.iter().flatten() {
            for &(lon, lat) in ring {
                match overseas_slot(&o.id) {
                    Some(slot) => insets[slot].add(plate(lon, lat, inset_lat[slot])),
                    None => metro.add(lambert(lon, lat)),
                }
            }
        }
    }
    (metro, insets, inset_lat)
}

/// Projects, fits and simplifies every territory: the national map and each outline.
pub fn draw(outlines: &[Outline]) -> BTreeMap<String, Drawing> {
    let frames = frames(outlines);
    let frame_of = |id: &str| {
        let region = overseas_slot(id)
            .map(|s| ["01", "02", "03", "04", "06"][s])
            .unwrap_or("metro");
        frames
            .iter()
            .find(|(name, _)| *name == region)
            .map(|(_, f)| *f)
            .unwrap_or(frames[0].1)
    };

    let mut drawings = BTreeMap::new();
    for o in outlines {
        let frame = frame_of(&o.id);
        let mut geo_bounds = Bounds::empty();
        for ring in o.polygons.iter().flatten() {
            for &p in ring {
                geo_bounds.add(p);
            }
        }
        let centre = (
            (geo_bounds.min_y + geo_bounds.max_y) / 2.0,
            (geo_bounds.min_x + geo_bounds.max_x) / 2.0,
        );

        // National map: outer rings only (holes vanish at this scale), small islands dropped.
        let mut map_rings: Vec<Vec<(f64, f64)>> = o
            .polygons
            .iter()
            .filter_map(|poly| poly.first())
            .map(|ring| {
                let projected: Vec<_> = ring
                    .iter()
                    .map(|&(lon, lat)| frame.project(lon, lat))
                    .collect();
                simplify(&projected, 0.7)
            })
            .collect();
        keep_visible(&mut map_rings, 1.2);

        // Own outline: every ring, fitted to the outline box.
        let mut own = Bounds::empty();
        for ring in o.polygons.iter().flatten() {
            for &(lon, lat) in ring {
                own.add(plate(lon, lat, centre.0));
            }
        }
        let bw = own.max_x - own.min_x;
        let bh = own.max_y - own.min_y;
        let (w, h) = if bw >= bh {
            (OUTLINE_BOX, (OUTLINE_BOX * bh / bw.max(1e-9)).max(40.0))
        } else {
            ((OUTLINE_BOX * bw / bh.max(1e-9)).max(40.0), OUTLINE_BOX)
        };
        let own_fit = own.fit(4.0, 4.0, w, h);
        let mut outline_rings: Vec<Vec<(f64, f64)>> = o
            .polygons
            .iter()
            .flatten()
            .map(|ring| {
                let projected: Vec<_> = ring
                    .iter()
                    .map(|&(lon, lat)| own_fit(plate(lon, lat, centre.0)))
                    .collect();
                simplify(&projected, 0.5)
            })
            .collect();
        keep_visible(&mut outline_rings, 1.0);

        drawings.insert(
            o.id.clone(),
            Drawing {
                map_path: svg_path(&map_rings, 1.0),
                outline_path: svg_path(&outline_rings, 1.0),
                outline_viewbox: format!("0 0 {} {}", (w + 8.0).round(), (h + 8.0).round()),
                centre,
            },
        );
    }
    drawings
}

/// Drops rings smaller than `min_size` pixels in both directions, but never the largest one.
fn keep_visible(rings: &mut Vec<Vec<(f64, f64)>>, min_size: f64) {
    let size = |ring: &Vec<(f64, f64)>| {
        let mut b = Bounds::empty();
        ring.iter().for_each(|&p| b.add(p));
        (b.max_x - b.min_x).max(b.max_y - b.min_y)
    };
    let largest = rings
        .iter()
        .enumerate()
        .max_by(|a, b| size(a.1).total_cmp(&size(b.1)))
        .map(|(i, _)| i);
    let mut i = 0;
    rings.retain(|ring| {
        let keep = Some(i) == largest || size(ring) >= min_size;
        i += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_drops_collinear_points_and_keeps_corners() {
        let square = vec![
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        let simplified = simplify(&square, 0.5);
        assert_eq!(
            simplified,
            vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 10.0),
                (0.0, 10.0),
                (0.0, 0.0)
            ]
        );
    }

    #[test]
    fn svg_path_uses_relative_integer_moves() {
        let rings = vec![vec![(1.0, 1.0), (4.0, 1.0), (4.0, 5.0), (1.0, 1.0)]];
        assert_eq!(svg_path(&rings, 1.0), "m1 1l3 0l0 4l-3 -4z");
    }

    #[test]
    fn lambert_puts_brest_west_and_strasbourg_east_of_paris() {
        let brest = lambert(-4.49, 48.39);
        let paris = lambert(2.35, 48.86);
        let strasbourg = lambert(7.75, 48.58);
        let marseille = lambert(5.37, 43.30);
        assert!(brest.0 < paris.0 && paris.0 < strasbourg.0);
        // y grows downwards on screen: Marseille is below Paris.
        assert!(marseille.1 > paris.1);
    }

    #[test]
    fn overseas_ids_map_to_their_inset() {
        assert_eq!(overseas_slot("ti-0101"), Some(0));
        assert_eq!(overseas_slot("ti-0601"), Some(4));
        assert_eq!(overseas_slot("ti-8422"), None);
    }
}
