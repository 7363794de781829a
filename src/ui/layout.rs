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

/// A message's label: its box (left, top, width, height) and where its text starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub text_x: f64,
    pub text_y: f64,
}

/// Label height and width per character (17 px monospace) in the picture's coordinates.
const LABEL_H: f64 = 28.0;
const LABEL_CHAR_W: f64 = 10.2;
const LABEL_PAD: f64 = 10.0;
/// Clear space kept between a label and a node's circle: the timer arc drawn around it.
const LABEL_GAP: f64 = 12.0;

fn box_at(p0: (f64, f64), p1: (f64, f64), frac: f64, side: f64, w: f64) -> LabelBox {
    let (x, y) = along(p0, p1, frac, side);
    LabelBox { x: x - w / 2.0, y: y - LABEL_H / 2.0, w, h: LABEL_H, text_x: x - w / 2.0 + 6.0, text_y: y + 6.0 }
}

/// Whether a box comes within `r` of a circle's centre `c`.
pub fn box_hits_circle(b: &LabelBox, c: (f64, f64), r: f64) -> bool {
    let nx = c.0.clamp(b.x, b.x + b.w);
    let ny = c.1.clamp(b.y, b.y + b.h);
    (nx - c.0).powi(2) + (ny - c.1).powi(2) < r * r
}

/// The label of a message `frac` (0..=1) of the way from the node at `p0` to the node at
/// `p1` (circles of radius `r`), `chars` characters long: centred on the message's point,
/// but held back along the link so that the box never covers either node (the nodes are
/// drawn above the messages, so a covered label could not be read). Where a link is too
/// short for the box to clear both circles, the label moves further out to its own side
/// of the link (the side `side` already puts it on) until it fits, then sits there; a few
/// label heights out at most (nine nodes' shortest links with the longest labels), where
/// it stops midway.
pub fn message_label(p0: (f64, f64), p1: (f64, f64), frac: f64, side: f64, r: f64, chars: usize) -> LabelBox {
    let w = LABEL_PAD + LABEL_CHAR_W * chars as f64;
    let r = r + LABEL_GAP;
    let sign = if side < 0.0 { -1.0 } else { 1.0 };
    let mut s = side;
    for _ in 0..LABEL_SHIFTS {
        if let Some(t) = clear_range(p0, p1, s, r, w).map(|(lo, hi)| frac.clamp(lo, hi)) {
            return box_at(p0, p1, t, s, w);
        }
        s += sign * LABEL_H / 2.0;
    }
    box_at(p0, p1, 0.5, s, w)
}

/// How many half-heights a label may move off its link to fit between two nodes.
const LABEL_SHIFTS: usize = 6;

/// The run of positions along the link where a label `w` wide, `side` off the line, clears
/// both circles, if any.
fn clear_range(p0: (f64, f64), p1: (f64, f64), side: f64, r: f64, w: f64) -> Option<(f64, f64)> {
    let clear_of = |c: (f64, f64), t: f64| !box_hits_circle(&box_at(p0, p1, t, side, w), c, r);
    // The boxes that touch a circle form one run of `t` at that end of the link (a box
    // sliding along a line meets a convex shape in one interval): bisect for its edge.
    let edge = |c: (f64, f64), inside: f64, outside: f64| {
        if clear_of(c, inside) {
            return Some(inside);
        }
        if !clear_of(c, outside) {
            return None;
        }
        let (mut hit, mut clear) = (inside, outside);
        for _ in 0..24 {
            let mid = (hit + clear) / 2.0;
            if clear_of(c, mid) {
                clear = mid;
            } else {
                hit = mid;
            }
        }
        Some(clear)
    };
    let (lo, hi) = (edge(p0, 0.0, 0.5)?, edge(p1, 1.0, 0.5)?);
    (lo <= hi).then_some((lo, hi))
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

    #[test]
    fn a_label_near_its_target_stays_clear_of_the_node() {
        let r = 86.0;
        // Every pair of a five-node ring, both directions, the message almost there.
        for (a, b) in [(0, 1), (1, 0), (0, 2), (3, 1), (4, 2), (2, 4)] {
            let (p0, p1) = (node_xy(a, 5), node_xy(b, 5));
            for chars in [9, 17, 24] {
                let at = message_label(p0, p1, 0.95, 6.0, r, chars);
                assert!(!box_hits_circle(&at, p1, r), "{a}->{b} ({chars} chars) covers the target: {at:?}");
                assert!(!box_hits_circle(&at, p0, r), "{a}->{b} ({chars} chars) covers the source: {at:?}");
                let start = message_label(p0, p1, 0.02, 6.0, r, chars);
                assert!(!box_hits_circle(&start, p0, r), "{a}->{b} just sent covers the source: {start:?}");
            }
        }
    }

    #[test]
    fn a_label_in_mid_link_is_centred_on_the_message() {
        let (p0, p1) = ((0.0, 0.0), (1000.0, 0.0));
        let b = message_label(p0, p1, 0.5, 0.0, 86.0, 10);
        assert_eq!((b.x + b.w / 2.0, b.y + b.h / 2.0), (500.0, 0.0));
        assert_eq!(b.w, 10.0 + 10.2 * 10.0);
        // Where it is free, a label moves with its message.
        assert!(message_label(p0, p1, 0.4, 0.0, 86.0, 10).x < b.x);
    }

    #[test]
    fn a_link_too_short_for_its_label_moves_it_to_its_side() {
        // Adjacent nodes of a five-node ring, side by side: the longest label (a rejected
        // MsgRequestVoteResponse) is wider than the gap between the circles.
        let (p0, p1) = (node_xy(3, 5), node_xy(2, 5));
        for frac in [0.0, 0.5, 0.95, 1.0] {
            let b = message_label(p0, p1, frac, 6.0, 86.0, 24);
            assert!(!box_hits_circle(&b, p0, 86.0) && !box_hits_circle(&b, p1, 86.0), "{frac}: {b:?}");
        }
        // Each direction moves to its own side, so the two stay apart.
        let there = message_label(p0, p1, 0.5, 6.0, 86.0, 24);
        let back = message_label(p1, p0, 0.5, 6.0, 86.0, 24);
        assert!(there.y + there.h <= back.y || back.y + back.h <= there.y, "{there:?} {back:?}");
        // Nine nodes: a long label cannot fit beside the shortest links without leaving
        // them far behind; it stops a few label heights out, midway.
        let (a, b) = (node_xy(0, 9), node_xy(1, 9));
        let at = message_label(a, b, 0.95, 6.0, 86.0, 24);
        let mid = along(a, b, 0.5, 0.0);
        let off = ((at.x + at.w / 2.0 - mid.0).powi(2) + (at.y + at.h / 2.0 - mid.1).powi(2)).sqrt();
        assert!(off <= 6.0 + 14.0 * LABEL_SHIFTS as f64 + 1e-9, "{off}");
    }
}

/// The groups a drag-and-drop asks for. `groups` are the current sides of the network
/// (nodes joined by working links); dropping `node` on `target` moves it to the target's
/// side (out of one undivided network it makes a new side of the two), and dropping it on
/// empty space (`None`) puts it on its own. Returns `None` when nothing would change.
pub fn regroup(groups: &[Vec<u64>], node: u64, target: Option<u64>) -> Option<Vec<Vec<u64>>> {
    let mut out: Vec<Vec<u64>> = groups.to_vec();
    let all: Vec<u64> = groups.iter().flatten().copied().collect();
    match target {
        Some(t) if t == node => return None,
        Some(t) if out.len() == 1 => {
            let rest: Vec<u64> = all.iter().copied().filter(|n| *n != node && *n != t).collect();
            let mut pair = vec![node, t];
            pair.sort_unstable();
            out = vec![pair];
            if !rest.is_empty() {
                out.push(rest);
            }
        }
        Some(t) => {
            if out.iter().any(|g| g.contains(&node) && g.contains(&t)) {
                return None;
            }
            for g in out.iter_mut() {
                g.retain(|n| *n != node);
            }
            for g in out.iter_mut() {
                if g.contains(&t) {
                    g.push(node);
                    g.sort_unstable();
                }
            }
            out.retain(|g| !g.is_empty());
        }
        None => {
            if out.iter().any(|g| g == &vec![node]) {
                return None;
            }
            for g in out.iter_mut() {
                g.retain(|n| *n != node);
            }
            out.retain(|g| !g.is_empty());
            out.push(vec![node]);
        }
    }
    Some(out)
}

/// Sides of the network: nodes joined by links that work in both directions.
pub fn sides(nodes: &[u64], cut: impl Fn(u64, u64) -> bool) -> Vec<Vec<u64>> {
    let mut seen: Vec<u64> = Vec::new();
    let mut out = Vec::new();
    for &start in nodes {
        if seen.contains(&start) {
            continue;
        }
        let mut group = vec![start];
        seen.push(start);
        let mut i = 0;
        while i < group.len() {
            let a = group[i];
            for &b in nodes {
                if !seen.contains(&b) && !cut(a, b) && !cut(b, a) {
                    seen.push(b);
                    group.push(b);
                }
            }
            i += 1;
        }
        group.sort_unstable();
        out.push(group);
    }
    out
}

#[cfg(test)]
mod regroup_tests {
    use super::*;

    #[test]
    fn dragging_in_a_whole_network_splits_off_a_pair() {
        let whole = vec![vec![1, 2, 3, 4, 5]];
        assert_eq!(regroup(&whole, 2, Some(1)), Some(vec![vec![1, 2], vec![3, 4, 5]]));
        assert_eq!(regroup(&whole, 3, None), Some(vec![vec![1, 2, 4, 5], vec![3]]));
        assert_eq!(regroup(&whole, 3, Some(3)), None);
    }

    #[test]
    fn dragging_across_sides_moves_the_node() {
        let split = vec![vec![1, 2], vec![3, 4, 5]];
        assert_eq!(regroup(&split, 3, Some(1)), Some(vec![vec![1, 2, 3], vec![4, 5]]));
        assert_eq!(regroup(&split, 4, Some(5)), None);
        assert_eq!(regroup(&[vec![1], vec![2, 3]], 1, Some(2)), Some(vec![vec![1, 2, 3]]));
    }

    #[test]
    fn sides_follow_links_that_work_both_ways() {
        let cut = |a: u64, b: u64| (a <= 2) != (b <= 2);
        assert_eq!(sides(&[1, 2, 3, 4, 5], cut), vec![vec![1, 2], vec![3, 4, 5]]);
        // 1 -> 2 alone is cut, but 2 still reaches 1 through 3.
        assert_eq!(sides(&[1, 2, 3], |a, b| a == 1 && b == 2), vec![vec![1, 2, 3]]);
        // 2 can send to no one: it is a side of its own.
        assert_eq!(sides(&[1, 2, 3], |a, _| a == 2), vec![vec![1, 3], vec![2]]);
        assert_eq!(sides(&[1, 2, 3], |_, _| false), vec![vec![1, 2, 3]]);
    }
}
