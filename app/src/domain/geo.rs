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
    fn out_of_range_points_are_refused() {
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(45.0, 181.0).is_none());
        assert!(Point::new(45.0, 6.0).is_some());
    }
}
