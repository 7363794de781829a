//! The time controls' numbers: the speed a link asks for, the marks worth drawing on the
//! scrubber, the drop rate every link shares, and how long frames take.
//!
//! Contract: plain functions and a bounded sample window, no browser types; the browser
//! side reads the clock (`performance.now()`) and draws, these decide what it shows.

use std::collections::{BTreeSet, VecDeque};

use crate::engine::ClusterView;

/// The speed slider's range and default, as log10 of the speed (0.01× to 100×, 0.1×).
pub const SPEED_LOG_MIN: f64 = -2.0;
pub const SPEED_LOG_MAX: f64 = 2.0;
pub const SPEED_LOG_DEFAULT: f64 = -1.0;

/// The speed a share link's fragment asks for (`…&speed=0.50`), clamped to the slider's
/// range; the default when it names none, or nothing readable.
pub fn speed_from_fragment(frag: &str) -> f64 {
    frag.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("speed="))
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .map_or(SPEED_LOG_DEFAULT, |v| v.clamp(SPEED_LOG_MIN, SPEED_LOG_MAX))
}

/// The drop rate every link shares, in whole percent (0 when links differ).
pub fn global_drop(view: &ClusterView) -> u32 {
    let first = view.links.first().map_or(0, |l| l.drop_ppm);
    if view.links.iter().all(|l| l.drop_ppm == first) {
        first / 10_000
    } else {
        0
    }
}

/// One mark on the scrubber: its kind (a CSS class), where it sits (percent of the
/// timeline) and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub kind: &'static str,
    pub left_pct: f64,
    pub title: String,
}

/// The marks to draw on a timeline ending at `end_ms`: one per kind per half percent of
/// it, so a long run's thousands of commits stay a few hundred elements.
pub fn visible_marks(marks: &[(&'static str, u64, String)], end_ms: u64) -> Vec<Mark> {
    if end_ms == 0 {
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    marks
        .iter()
        .filter(|(kind, t, _)| *t <= end_ms && seen.insert((*kind, t * 200 / end_ms)))
        .map(|(kind, t, title)| Mark { kind, left_pct: 100.0 * *t as f64 / end_ms as f64, title: title.clone() })
        .collect()
}

/// How long recent frames took, from update to patched DOM, in ms: the site benchmark
/// reads their p95 from the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStats {
    ms: VecDeque<f64>,
}

/// Frames kept: half a minute of play at 20 frames a second.
const FRAMES_KEPT: usize = 600;

impl FrameStats {
    pub fn record(&mut self, ms: f64) {
        if self.ms.len() == FRAMES_KEPT {
            self.ms.pop_front();
        }
        self.ms.push_back(ms);
    }

    pub fn len(&self) -> usize {
        self.ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ms.is_empty()
    }

    /// The 95th percentile of the frames kept (0 before the first).
    pub fn p95(&self) -> f64 {
        let mut v: Vec<f64> = self.ms.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        v.get((v.len() * 95 / 100).min(v.len().saturating_sub(1))).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_comes_from_the_fragment_clamped() {
        assert_eq!(speed_from_fragment("#run=abc&speed=0.50"), 0.5);
        assert_eq!(speed_from_fragment("speed=9"), SPEED_LOG_MAX);
        assert_eq!(speed_from_fragment("#speed=-7"), SPEED_LOG_MIN);
        for junk in ["", "#run=abc", "#speed=fast", "#speed=NaN", "#speed=inf"] {
            assert_eq!(speed_from_fragment(junk), SPEED_LOG_DEFAULT, "{junk:?}");
        }
    }

    #[test]
    fn marks_are_thinned_per_kind_and_cut_at_the_end() {
        let marks: Vec<(&'static str, u64, String)> = (0..1000)
            .map(|t| ("commit", t, format!("c{t}")))
            .chain([("leader", 10, "l".to_string()), ("crash", 2000, "late".to_string())])
            .collect();
        let shown = visible_marks(&marks, 1000);
        assert_eq!(shown.iter().filter(|m| m.kind == "commit").count(), 200);
        assert_eq!(shown.iter().filter(|m| m.kind == "leader").count(), 1, "another kind is not thinned away");
        assert!(shown.iter().all(|m| m.kind != "crash"), "past the end");
        assert_eq!(shown[0], Mark { kind: "commit", left_pct: 0.0, title: "c0".into() });
        assert!(visible_marks(&marks, 0).is_empty());
    }

    #[test]
    fn p95_of_a_bounded_window() {
        let mut f = FrameStats::default();
        assert_eq!(f.p95(), 0.0);
        for i in 1..=100 {
            f.record(i as f64);
        }
        assert_eq!(f.p95(), 96.0);
        for _ in 0..FRAMES_KEPT {
            f.record(1.0);
        }
        assert_eq!(f.len(), FRAMES_KEPT);
        assert_eq!(f.p95(), 1.0, "old frames leave the window");
    }
}
