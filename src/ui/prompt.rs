//! The console prompt's logic, apart from the input field that shows it: where a typed line
//! is sent (the endpoint selector), the lines typed before (arrow up and down) and Tab
//! completion.
//!
//! Contract: plain functions and data, no browser types, so every key's effect on the
//! prompt is tested natively; the console runs whatever line comes out, nothing here
//! decides what a line does.

use crate::console::parse::{completions, is_lab_word};
use crate::engine::NodeId;

/// Whether the line already names where it goes (`--endpoints=n3 get x`).
pub fn names_endpoint(line: &str) -> bool {
    line.contains("--endpoints")
}

/// The line to run for `line` typed with `endpoint` chosen in the selector, when the
/// console sends unaddressed etcd commands to `default`.
///
/// An etcd command gets `--endpoints=n<endpoint>` unless it already names one or the
/// chosen endpoint is where it would go anyway (so the transcript shows what was typed).
/// Lab commands (`kill n1`, `history`, `help`) are not etcd requests and go as typed.
pub fn with_endpoint(line: &str, endpoint: NodeId, default: NodeId) -> String {
    let first = line.split_whitespace().next().unwrap_or("");
    if first.is_empty() || endpoint == default || names_endpoint(line) || is_lab_word(first) || first == "help" {
        line.to_string()
    } else {
        format!("--endpoints=n{endpoint} {line}")
    }
}

/// Tab completion: the longest common completion of the candidates, if it adds anything.
/// A single candidate gets a trailing space (the next word can be typed at once) unless it
/// ends in `=` (a flag waiting for its value).
pub fn complete(input: &str) -> Option<String> {
    let cands = completions(input);
    let first = cands.first()?.clone();
    let common = cands
        .iter()
        .fold(first, |acc, c| acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect());
    let done = if cands.len() == 1 && !common.ends_with('=') { format!("{common} ") } else { common };
    (done.len() > input.len()).then_some(done)
}

/// Lines typed at the prompt, oldest first, and where arrow up/down has got to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptHistory {
    lines: Vec<String>,
    /// The line being shown from the history; `None` while typing a new one.
    pos: Option<usize>,
}

/// Lines kept for arrow up: a long session must not grow the page's memory without bound.
const HISTORY_MAX: usize = 500;

impl PromptHistory {
    /// Records a line that was run (blank lines are not worth recalling) and goes back to
    /// typing a new one.
    pub fn push(&mut self, line: &str) {
        if !line.trim().is_empty() {
            if self.lines.len() == HISTORY_MAX {
                self.lines.remove(0);
            }
            self.lines.push(line.to_string());
        }
        self.pos = None;
    }

    /// Nothing typed yet to recall.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Arrow up: the line before the one shown (the newest first); stays on the oldest.
    /// `None` when nothing was typed yet (the key then does nothing).
    pub fn up(&mut self) -> Option<&str> {
        let last = self.lines.len().checked_sub(1)?;
        let pos = self.pos.map_or(last, |p| p.saturating_sub(1));
        self.pos = Some(pos);
        self.lines.get(pos).map(String::as_str)
    }

    /// Arrow down: the line after the one shown, or an empty prompt past the newest.
    pub fn down(&mut self) -> &str {
        match self.pos {
            Some(p) if p + 1 < self.lines.len() => {
                self.pos = Some(p + 1);
                &self.lines[p + 1]
            }
            _ => {
                self.pos = None;
                ""
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcd_commands_go_to_the_chosen_endpoint_unless_it_is_the_default() {
        assert_eq!(with_endpoint("put x 1", 3, 1), "--endpoints=n3 put x 1");
        assert_eq!(with_endpoint("put x 1", 1, 1), "put x 1");
        // The rule is the console's default, not node 1: after `endpoint n2` it is n2.
        assert_eq!(with_endpoint("get x", 2, 2), "get x");
        assert_eq!(with_endpoint("get x", 1, 2), "--endpoints=n1 get x");
    }

    #[test]
    fn lab_commands_help_and_addressed_lines_go_as_typed() {
        for line in ["kill n2", "history", "lab history", "help", "help put", "--endpoints=n2 get x", "", "  "] {
            assert_eq!(with_endpoint(line, 3, 1), line, "{line:?}");
        }
    }

    #[test]
    fn history_walks_back_and_forth_and_ends_on_an_empty_prompt() {
        let mut h = PromptHistory::default();
        assert!(h.is_empty());
        assert_eq!(h.up(), None);
        assert_eq!(h.down(), "");
        h.push("put a 1");
        h.push("   ");
        h.push("get a");
        assert_eq!(h.up(), Some("get a"));
        assert_eq!(h.up(), Some("put a 1"));
        assert_eq!(h.up(), Some("put a 1"), "stays on the oldest");
        assert_eq!(h.down(), "get a");
        assert_eq!(h.down(), "");
        assert_eq!(h.up(), Some("get a"), "after the empty prompt, up starts from the newest again");
        h.push("del a");
        assert_eq!(h.up(), Some("del a"), "running a line resets the position");
    }

    #[test]
    fn history_is_bounded() {
        let mut h = PromptHistory::default();
        for i in 0..HISTORY_MAX + 10 {
            h.push(&format!("put k {i}"));
        }
        assert_eq!(h.lines.len(), HISTORY_MAX);
        assert_eq!(h.up().map(str::to_string), Some(format!("put k {}", HISTORY_MAX + 9)));
    }

    #[test]
    fn completion_extends_only_when_it_adds_something() {
        let done = complete("pu").expect("put completes");
        assert!(done.starts_with("put"), "{done:?}");
        assert!(done.ends_with(' '), "a single candidate is followed by a space: {done:?}");
        assert_eq!(complete("zzzz"), None);
        assert_eq!(complete("put "), complete("put ").filter(|d| d.len() > 4));
    }
}
