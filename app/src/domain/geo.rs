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
    fn out_of_range_points_are_refused() {
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(45.0, 181.0).is_none());
        assert!(Point::new(45.0, 6.0).is_some());
    }
}
