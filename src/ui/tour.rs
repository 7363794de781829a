//! The "what am I looking at?" tour: its steps (which region each one shows, and its words)
//! and how Next and Back move between them.
//!
//! Contract: the steps are data; a step's region is a list of CSS selectors tried in order
//! (the first that matches is outlined and scrolled into view; a step whose region is not
//! on the page, such as the console in an embed, is still shown, just without an outline).
//! Next past the last step closes the tour; Back stops at the first.

use crate::ui::i18n::{Lang, Text};

pub struct TourStep {
    pub id: &'static str,
    /// CSS selectors of the region, the first match wins.
    pub targets: &'static [&'static str],
    pub title: Text,
    pub body: Text,
}

pub const STEPS: [TourStep; 5] = [
    TourStep {
        id: "nodes",
        targets: &["#cluster .nodes", ".picture"],
        title: Text::TourNodesTitle,
        body: Text::TourNodesBody,
    },
    TourStep {
        id: "messages",
        targets: &["#cluster", ".picture"],
        title: Text::TourMessagesTitle,
        body: Text::TourMessagesBody,
    },
    TourStep { id: "time", targets: &["header .time", ".time"], title: Text::TourTimeTitle, body: Text::TourTimeBody },
    TourStep {
        id: "console",
        targets: &[".console", "#console-input"],
        title: Text::TourConsoleTitle,
        body: Text::TourConsoleBody,
    },
    TourStep { id: "logs", targets: &[".logs", "#logs"], title: Text::TourLogsTitle, body: Text::TourLogsBody },
];

/// The step after `k`, or `None`: the tour is over.
pub fn next(k: usize) -> Option<usize> {
    (k + 1 < STEPS.len()).then_some(k + 1)
}

/// The step before `k` (the first stays the first).
pub fn back(k: usize) -> usize {
    k.saturating_sub(1).min(STEPS.len() - 1)
}

pub fn is_last(k: usize) -> bool {
    k + 1 >= STEPS.len()
}

/// "Step 2 of 5".
pub fn step_of(lang: Lang, k: usize) -> String {
    let (k, n) = (k + 1, STEPS.len());
    match lang {
        Lang::En => format!("Step {k} of {n}"),
        Lang::ZhCn => format!("第 {k} 步，共 {n} 步"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::t;

    #[test]
    fn next_walks_every_step_then_closes() {
        let mut seen = vec![0];
        let mut k = 0;
        while let Some(n) = next(k) {
            seen.push(n);
            k = n;
        }
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert!(is_last(4) && !is_last(3));
        assert_eq!(next(4), None);
    }

    #[test]
    fn back_stops_at_the_first_step() {
        assert_eq!(back(3), 2);
        assert_eq!(back(0), 0);
        assert_eq!(back(99), 4, "a stale step number lands on the last step");
    }

    #[test]
    fn every_step_has_a_region_and_words_in_both_languages() {
        let ids: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["nodes", "messages", "time", "console", "logs"]);
        for s in &STEPS {
            assert!(!s.targets.is_empty(), "{}", s.id);
            for lang in [Lang::En, Lang::ZhCn] {
                assert!(t(lang, s.title).chars().count() >= 2, "{} title", s.id);
                assert!(t(lang, s.body).chars().count() > 20, "{} body", s.id);
            }
            assert_ne!(t(Lang::En, s.body), t(Lang::ZhCn, s.body));
        }
        // The nodes step explains the p/c/a code and the timer arc, as drawn.
        let nodes = t(Lang::En, Text::TourNodesBody);
        for word in ["persisted", "committed", "applied", "arc", "term"] {
            assert!(nodes.contains(word), "{word}");
        }
        assert_eq!(step_of(Lang::En, 1), "Step 2 of 5");
        assert_eq!(step_of(Lang::ZhCn, 4), "第 5 步，共 5 步");
    }
}
