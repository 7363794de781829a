//! What the lesson panel and the URL show of a lesson, apart from drawing it: each check's
//! state as a class and a sign, the step's place in the URL fragment, and whether the
//! lesson needs the console at all.
//!
//! Contract: pure functions of the lesson model (`crate::lesson`), tested natively; a mark's
//! state is never shown by colour alone (each has a sign too).

use crate::lab::course::percent_encode;
use crate::lesson::{Item, Lesson, Mark};

/// The CSS class (and `data-state`) of a mark.
pub fn mark_class(m: &Mark) -> &'static str {
    match m {
        Mark::NotYet => "not-yet",
        Mark::Running => "running",
        Mark::Pass(_) | Mark::Answered { right: true, .. } => "pass",
        Mark::Fail(_) | Mark::Answered { right: false, .. } => "fail",
    }
}

/// The sign drawn beside a mark.
pub fn mark_sign(m: &Mark) -> &'static str {
    match m {
        Mark::NotYet => "·",
        Mark::Running => "…",
        Mark::Pass(_) | Mark::Answered { right: true, .. } => "✓",
        Mark::Fail(_) | Mark::Answered { right: false, .. } => "✗",
    }
}

/// What a decided check found, when it says anything.
pub fn mark_detail(m: &Mark) -> Option<String> {
    match m {
        Mark::Pass(d) | Mark::Fail(d) if !d.is_empty() => Some(d.clone()),
        _ => None,
    }
}

/// The URL fragment of a lesson at `step` (0-based): a built-in lesson by id, a loaded one
/// by its URL, so a reload or a shared link opens the same step.
pub fn lesson_fragment(id: &str, url: Option<&str>, step: usize) -> String {
    let step = step + 1;
    match url {
        Some(u) => format!("lesson-url={}&step={step}", percent_encode(u)),
        None => format!("lesson={id}&step={step}"),
    }
}

/// Whether the lesson asks the learner to type etcdctl commands (the embed shows the
/// console only then): some your-turn solution has a line that is not a lab command.
pub fn needs_console(lesson: &Lesson) -> bool {
    lesson.steps.iter().flat_map(|s| &s.items).any(|i| match i {
        Item::YourTurn(y) => y.solution.iter().any(|s| match s {
            Item::Action { line, .. } => {
                !crate::console::parse::is_lab_word(line.split_whitespace().next().unwrap_or(""))
            }
            _ => false,
        }),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_has_a_class_and_a_sign() {
        let cases = [
            (Mark::NotYet, "not-yet", "·"),
            (Mark::Running, "running", "…"),
            (Mark::Pass("ok".into()), "pass", "✓"),
            (Mark::Fail("no".into()), "fail", "✗"),
            (Mark::Answered { chosen: 0, right: true }, "pass", "✓"),
            (Mark::Answered { chosen: 1, right: false }, "fail", "✗"),
        ];
        for (m, class, sign) in cases {
            assert_eq!((mark_class(&m), mark_sign(&m)), (class, sign), "{m:?}");
        }
        assert_eq!(mark_detail(&Mark::Pass("3 keys".into())), Some("3 keys".into()));
        assert_eq!(mark_detail(&Mark::Fail(String::new())), None);
        assert_eq!(mark_detail(&Mark::Running), None);
    }

    #[test]
    fn fragments_name_the_step_one_based() {
        assert_eq!(lesson_fragment("07-partition", None, 0), "lesson=07-partition&step=1");
        let f = lesson_fragment("x", Some("https://a.example/l.md?v=1&w=2"), 2);
        assert!(f.starts_with("lesson-url=") && f.ends_with("&step=3"), "{f}");
        assert!(!f["lesson-url=".len()..f.len() - "&step=3".len()].contains('&'), "the URL is encoded: {f}");
    }

    #[test]
    fn only_lessons_with_etcdctl_tasks_need_the_console() {
        let read = |path: &str| {
            let text = std::fs::read_to_string(path).expect("lesson file");
            crate::lesson::parse(path, &text).expect("lesson parses")
        };
        let all: Vec<Lesson> = std::fs::read_dir("lessons/en")
            .expect("lessons/en")
            .filter_map(|e| e.ok().map(|e| e.path().to_string_lossy().into_owned()))
            .filter(|p| p.ends_with(".md"))
            .map(|p| read(&p))
            .collect();
        assert!(all.iter().any(needs_console), "some lesson has the learner type etcdctl commands");
        assert!(!all.iter().all(needs_console), "some lesson is driven by lab commands only");
    }
}
