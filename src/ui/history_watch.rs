//! Noticing that someone ran `history`: the learner at the prompt, a lesson's script or its
//! "show me". Whoever ran it, the history panel opens, so the learner sees the verdict drawn
//! as well as printed.
//!
//! Contract: reads only the lab's transcript, each line once. A line counts when the
//! console's own word splitting (shell quoting included) leaves `history` or `lab history`,
//! after an optional `etcdctl` and without flags, and the console did not refuse it. A new
//! lab (new run, lesson restart) starts a new transcript: `reset` forgets what was read,
//! and a transcript shorter than what was read is taken as a new one too.

use crate::console::parse::shell_words;
use crate::lab::Said;

/// How far the transcript has been read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HistoryWatch {
    seen: usize,
}

impl HistoryWatch {
    /// Forgets what was read: the transcript it was reading is gone.
    pub fn reset(&mut self) {
        self.seen = 0;
    }

    /// Whether any line said since the last call ran `history`.
    pub fn ran(&mut self, said: &[Said]) -> bool {
        if said.len() < self.seen {
            self.seen = 0;
        }
        let ran = said[self.seen..].iter().any(is_history);
        self.seen = said.len();
        ran
    }
}

/// Whether one transcript line is a `history` command that ran.
fn is_history(s: &Said) -> bool {
    // A refused line prints an error (`Error: …`) and shows nothing worth a panel.
    if s.pending.is_some() || s.out.starts_with("Error") {
        return false;
    }
    // The tokenizer, not the whole parser: `history` takes no arguments, and a second call
    // site of the parser would cost the wasm a copy of it.
    let Ok(words) = shell_words(&s.line) else { return false };
    let words: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
    matches!(words.strip_prefix(&["etcdctl"]).unwrap_or(&words), ["history"] | ["lab", "history"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(line: &str, out: &str) -> Said {
        Said { line: line.into(), out: out.into(), pending: None }
    }

    #[test]
    fn history_in_any_spelling_counts_once() {
        let mut w = HistoryWatch::default();
        let mut t = vec![said("put a 1", "OK")];
        assert!(!w.ran(&t));
        for line in
            ["history", "lab history", "etcdctl history", "--endpoints=n2 history", "\"history\"", "  history  "]
        {
            t.push(said(line, "linearizable: 1 operation"));
            assert!(w.ran(&t), "{line:?}");
            assert!(!w.ran(&t), "{line:?} is read once");
        }
    }

    #[test]
    fn other_lines_and_refusals_do_not_count() {
        let mut w = HistoryWatch::default();
        let t = vec![
            said("put history 1", "OK"),
            said("get history", ""),
            said("history extra", "Error: history takes no arguments"),
            said("history", "Error: no cluster"),
            said("echo \"history", "Error: unterminated quote"),
            Said {
                line: "history".into(),
                out: String::new(),
                pending: Some((1, 1, crate::console::session::Render::Compact)),
            },
        ];
        assert!(!w.ran(&t));
    }

    #[test]
    fn a_new_transcript_is_read_from_its_start() {
        let mut w = HistoryWatch::default();
        let long: Vec<Said> = (0..5).map(|i| said(&format!("put k {i}"), "OK")).collect();
        assert!(!w.ran(&long));
        // Shorter than what was read: a new lab.
        assert!(w.ran(&[said("history", "ok")]));
        // As long as what was read, but a new lab: only `reset` can tell.
        let fresh: Vec<Said> = (0..4).map(|_| said("put a 1", "OK")).chain([said("history", "ok")]).collect();
        w.reset();
        assert!(w.ran(&fresh));
    }
}
