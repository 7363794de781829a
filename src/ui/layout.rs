//! Geometry of the cluster picture: nodes on a ring, links as chords, messages along them.
//!
//! Contract: pure functions of the node count and indexes, in a fixed 1000×1000 viewBox, so
//! the SVG scales to any frame (an 800×580 iframe, a phone) without re-layout.

/// The picture's coordinate space.
pub const VIEW: f64 = 1000.0;
const CENTER: f64 = VIEW / 2.0;
const RADIUS: f64 = 360.0;

/// Where node `i` (0-based) of `n` sits: the first at the top, then clockwise.
pub fn node_xy(i: usize, n: usize) -> (f64, f64) {
    let n = n.max(1) as f64;
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
    (CENTER + RADIUS * a.cos(), CENTER + RADIUS * a.sin())
}

/// The point `frac` (0..=1) of the way from `a` to `b`, shifted sideways by `side` so the
/// two directions of one link are drawn apart.
pub fn along(a: (f64, f64), b: (f64, f64), frac: f64, side: f64) -> (f64, f64) {
    let f = frac.clamp(0.0, 1.0);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    (a.0 + dx * f + nx * side, a.1 + dy * f + ny * side)
}

/// An SVG arc path for a timer ring around (cx, cy): `frac` of a full circle, from the top.
pub fn arc_path(cx: f64, cy: f64, r: f64, frac: f64) -> String {
    let f = frac.clamp(0.0, 0.9999);
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f;
    let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
    let large = if f > 0.5 { 1 } else { 0 };
    format!("M {cx:.1} {:.1} A {r:.1} {r:.1} 0 {large} 1 {x:.1} {y:.1}", cy - r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sit_on_the_ring_first_at_the_top() {
        let (x, y) = node_xy(0, 5);
        assert!((x - 500.0).abs() < 1e-9 && (y - 140.0).abs() < 1e-9);
        for i in 0..9 {
            let (x, y) = node_xy(i, 9);
            assert!((((x - 500.0).powi(2) + (y - 500.0).powi(2)).sqrt() - 360.0).abs() < 1e-9);
        }
        // Clockwise: the second of four is on the right.
        assert!((node_xy(1, 4).0 - 860.0).abs() < 1e-9);
    }

    #[test]
    fn along_interpolates_and_offsets_sideways() {
        assert_eq!(along((0.0, 0.0), (100.0, 0.0), 0.25, 0.0), (25.0, 0.0));
        assert_eq!(along((0.0, 0.0), (100.0, 0.0), 0.5, 10.0), (50.0, 10.0));
        assert_eq!(along((0.0, 0.0), (100.0, 0.0), 2.0, 0.0), (100.0, 0.0));
    }

    #[test]
    fn arcs_start_at_the_top_and_take_the_long_way_past_half() {
        assert_eq!(arc_path(100.0, 100.0, 10.0, 0.25), "M 100.0 90.0 A 10.0 10.0 0 0 1 110.0 100.0");
        assert!(arc_path(100.0, 100.0, 10.0, 0.75).contains(" 0 1 1 "));
    }
}
