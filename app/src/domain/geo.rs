//! Points on the Earth and the distance between them.

use serde::{Deserialize, Serialize};

/// A WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The radii a person chooses from, in kilometres (search's "Rayon", an annonce's search
/// radius): from the next valley to the whole region.
pub const RADII_KM: [f64; 8] = [10.0, 25.0, 40.0, 50.0, 60.0, 80.0, 150.0, 300.0];

/// An annonce's search radius when its author chooses none.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;

impl Point {
    /// A point, refused when outside the valid ranges.
    pub fn new(lat: f64, lon: f64) -> Option<Point> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            .then_some(Point { lat, lon })
    }

    /// Great-circle distance (haversine), in kilometres.
    pub fn distance_km(&self, other: &Point) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }

    /// The point at Lambert 93 coordinates (RGF93, EPSG:2154, in metres: metropolitan
    /// France), by the inverse of the secant conic projection on the GRS80 ellipsoid.
    /// RGF93 and WGS84 differ by less than a metre. `None` outside the zone the projection
    /// covers (about 41° to 52° N, 6° W to 11° E).
    pub fn from_lambert93(x: f64, y: f64) -> Option<Point> {
        // The projection's constants (IGN): exponent, scale, false origin of the pole,
        // first eccentricity of GRS80, central meridian.
        const N: f64 = 0.725_607_765_053_267_2;
        const C: f64 = 11_754_255.426_096;
        const XS: f64 = 700_000.0;
        const YS: f64 = 12_655_612.049_876;
        const E: f64 = 0.081_819_191_042_815_79;
        const LON0_DEG: f64 = 3.0;
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        let (dx, dy) = (x - XS, YS - y);
        let r = dx.hypot(dy);
        if r <= 0.0 {
            return None;
        }
        let gamma = dx.atan2(dy);
        let lon = LON0_DEG + (gamma / N).to_degrees();
        // Isometric latitude, then the geodetic latitude by fixed-point iteration.
        let iso = -(r / C).ln() / N;
        let mut phi = 2.0 * iso.exp().atan() - std::f64::consts::FRAC_PI_2;
        for _ in 0..12 {
            let s = E * phi.sin();
            let next = 2.0 * (((1.0 + s) / (1.0 - s)).powf(E / 2.0) * iso.exp()).atan()
                - std::f64::consts::FRAC_PI_2;
            let done = (next - phi).abs() < 1e-12;
            phi = next;
            if done {
                break;
            }
        }
        let lat = phi.to_degrees();
        ((41.0..=52.0).contains(&lat) && (-6.0..=11.0).contains(&lon)).then_some(Point { lat, lon })
    }

    /// A point from UTM coordinates in metres (`zone` 1 to 60, `south` of the equator), by
    /// the inverse transverse Mercator series on the GRS80 ellipsoid (the overseas
    /// departments' RGAF09, RGFG95, RGR92 and RGM04 differ from WGS84 by less than a metre).
    /// `None` for a point off its zone (more than 6° from its central meridian).
    pub fn from_utm(zone: u8, south: bool, x: f64, y: f64) -> Option<Point> {
        const A: f64 = 6_378_137.0;
        const F: f64 = 1.0 / 298.257_222_101;
        const K0: f64 = 0.9996;
        if !((1..=60).contains(&zone) && x.is_finite() && y.is_finite()) {
            return None;
        }
        let e2 = F * (2.0 - F);
        let ep2 = e2 / (1.0 - e2);
        let x = x - 500_000.0;
        let y = if south { y - 10_000_000.0 } else { y };
        // The footpoint latitude, from the meridian arc.
        let m = y / K0;
        let mu = m / (A * (1.0 - e2 / 4.0 - 3.0 * e2 * e2 / 64.0 - 5.0 * e2.powi(3) / 256.0));
        let e1 = (1.0 - (1.0 - e2).sqrt()) / (1.0 + (1.0 - e2).sqrt());
        let phi1 = mu
            + (3.0 * e1 / 2.0 - 27.0 * e1.powi(3) / 32.0) * (2.0 * mu).sin()
            + (21.0 * e1 * e1 / 16.0 - 55.0 * e1.powi(4) / 32.0) * (4.0 * mu).sin()
            + (151.0 * e1.powi(3) / 96.0) * (6.0 * mu).sin()
            + (1097.0 * e1.powi(4) / 512.0) * (8.0 * mu).sin();
        let (sin1, cos1) = phi1.sin_cos();
        let tan1 = phi1.tan();
        let c1 = ep2 * cos1 * cos1;
        let t1 = tan1 * tan1;
        let n1 = A / (1.0 - e2 * sin1 * sin1).sqrt();
        let r1 = A * (1.0 - e2) / (1.0 - e2 * sin1 * sin1).powf(1.5);
        let d = x / (n1 * K0);
        let lat = phi1
            - (n1 * tan1 / r1)
                * (d * d / 2.0
                    - (5.0 + 3.0 * t1 + 10.0 * c1 - 4.0 * c1 * c1 - 9.0 * ep2) * d.powi(4) / 24.0
                    + (61.0 + 90.0 * t1 + 298.0 * c1 + 45.0 * t1 * t1
                        - 252.0 * ep2
                        - 3.0 * c1 * c1)
                        * d.powi(6)
                        / 720.0);
        let dlon = (d - (1.0 + 2.0 * t1 + c1) * d.powi(3) / 6.0
            + (5.0 - 2.0 * c1 + 28.0 * t1 - 3.0 * c1 * c1 + 8.0 * ep2 + 24.0 * t1 * t1)
                * d.powi(5)
                / 120.0)
            / cos1;
        if dlon.to_degrees().abs() > 6.0 {
            return None;
        }
        let lon0 = f64::from(zone) * 6.0 - 183.0;
        Point::new(lat.to_degrees(), lon0 + dlon.to_degrees())
    }

    /// A point from the coordinates INSEE gives an établissement, in the projection of its
    /// commune's territory: Lambert 93 in metropolitan France, the local UTM zone overseas
    /// (Guadeloupe, Martinique, Saint-Barthélemy and Saint-Martin 20 N, Saint-Pierre-et-
    /// Miquelon 21 N, Guyane 22 N, La Réunion 40 S, Mayotte 38 S). `None` elsewhere (the
    /// Pacific collectivities), and for coordinates the projection does not cover.
    pub fn from_insee_coordinates(commune: &str, x: f64, y: f64) -> Option<Point> {
        let utm = |zone, south| Point::from_utm(zone, south, x, y);
        match commune.get(..3) {
            Some("971" | "972" | "977" | "978") => utm(20, false),
            Some("975") => utm(21, false),
            Some("973") => utm(22, false),
            Some("974") => utm(40, true),
            Some("976") => utm(38, true),
            Some(p) if p.starts_with("97") || p.starts_with("98") => None,
            _ => Point::from_lambert93(x, y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_to_lyon_is_about_392_km() {
        let paris = Point {
            lat: 48.8566,
            lon: 2.3522,
        };
        let lyon = Point {
            lat: 45.7640,
            lon: 4.8357,
        };
        let d = paris.distance_km(&lyon);
        assert!((d - 392.0).abs() < 3.0, "{d}");
    }

    #[test]
    fn lambert93_coordinates_become_degrees() {
        // Reference values from PROJ (EPSG:2154 to EPSG:4326).
        let cases = [
            ((652_469.0, 6_862_035.0), (48.856_598, 2.352_200)),
            ((990_000.0, 6_560_000.0), (46.077_727, 6.753_825)),
            ((700_000.0, 6_600_000.0), (46.5, 3.0)),
            ((1_000_000.0, 6_230_000.0), (43.106_279, 6.683_937)),
        ];
        for ((x, y), (lat, lon)) in cases {
            let p = Point::from_lambert93(x, y).unwrap_or_else(|| panic!("{x} {y}"));
            assert!(
                (p.lat - lat).abs() < 1e-6 && (p.lon - lon).abs() < 1e-6,
                "{x} {y}: {p:?}"
            );
        }
        // Outside metropolitan France, or not a number: no point.
        assert!(Point::from_lambert93(0.0, 0.0).is_none());
        assert!(Point::from_lambert93(f64::NAN, 6_600_000.0).is_none());
    }

    #[test]
    fn overseas_coordinates_use_the_local_utm_zone() {
        // (commune, x, y) -> (lat, lon), the projections computed by PROJ (EPSG 5490 for the
        // Antilles, 2972 Guyane, 2975 La Réunion, 4471 Mayotte).
        let cases = [
            (
                "97101",
                656_770.897_366,
                1_796_166.175_838,
                16.2411,
                -61.5331,
            ),
            (
                "97209",
                709_096.315_841,
                1_616_759.733_147,
                14.6161,
                -61.0588,
            ),
            ("97302", 354_363.155_496, 544_229.781_518, 4.9224, -52.3135),
            (
                "97411",
                338_568.315_026,
                7_690_475.436_587,
                -20.8789,
                55.4481,
            ),
            (
                "97611",
                524_735.374_750,
                8_587_115.811_503,
                -12.7806,
                45.2279,
            ),
        ];
        for (commune, x, y, lat, lon) in cases {
            let p =
                Point::from_insee_coordinates(commune, x, y).unwrap_or_else(|| panic!("{commune}"));
            assert!(
                (p.lat - lat).abs() < 1e-6 && (p.lon - lon).abs() < 1e-6,
                "{commune}: {p:?}"
            );
        }
        // Metropolitan France stays Lambert 93; the Pacific has no projection here.
        let cluses = Point::from_insee_coordinates("74081", 976_669.861_421, 6_557_409.785_913);
        assert!(cluses.is_some_and(|p| (p.lat - 46.06).abs() < 1e-6 && (p.lon - 6.58).abs() < 1e-6));
        assert!(Point::from_insee_coordinates("98735", 0.0, 0.0).is_none());
        assert!(Point::from_utm(20, false, 5_000_000.0, 1_800_000.0).is_none());
    }

    #[test]
    fn out_of_range_points_are_refused() {
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(45.0, 181.0).is_none());
        assert!(Point::new(45.0, 6.0).is_some());
    }
}
