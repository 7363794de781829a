//! What the console offers the learner: example lines while it is empty, and, as a line is
//! typed, the commands and flags that complete its last word, each with etcdctl's help.
//!
//! Contract: the candidates are exactly `console::parse::completions`' (so Tab and the list
//! never disagree), and every description is `console::help`'s text (a flag's line from
//! etcdctl's `--help`, a command's usage line): nothing here writes help of its own. A
//! command's own flags come before etcdctl's global ones, each group in name order. The
//! list is bounded. Plain data, tested natively; `web::console_panel` draws it.

use crate::console::help::{flag_help, usage};
use crate::console::parse::{completion_path, completions, is_global_flag};

/// Lines an empty console offers, as etcdctl spells them: a write, the same key read back
/// with its revisions, and the members' raft state (who leads, in which term). Each runs
/// without an error in a fresh lab (tested below).
pub const EXAMPLES: &[&str] = &["put greeting hello", "get greeting -w json", "endpoint status --cluster -w table"];

/// Candidates shown at most: the whole command list is about 50 words.
pub const SUGGESTIONS_MAX: usize = 40;

/// One completion of the word being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The word offered, as it would be typed: `--prefix`, `--rev=`, `lease`.
    pub word: String,
    /// The prompt once it is picked: the whole line, then a space so the next word can be
    /// typed at once, unless a value must follow (`--rev=`).
    pub line: String,
    /// A flag's line from etcdctl's `--help`, or a command's usage line; empty if none.
    pub help: String,
}

/// The completions of the last word of `input`, described. Nothing for an empty prompt
/// (the examples are shown then) or a word that nothing completes.
pub fn suggestions(input: &str) -> Vec<Suggestion> {
    if input.trim().is_empty() {
        return Vec::new();
    }
    let path = completion_path(input);
    let mut out: Vec<(bool, Suggestion)> = completions(input)
        .into_iter()
        .map(|line| {
            let word = line.rsplit(char::is_whitespace).next().unwrap_or_default().to_string();
            let (global, help) = match word.strip_prefix("--") {
                Some(flag) => {
                    let long = flag.trim_end_matches('=');
                    // A command's own flag first: `get --prefix` before `--debug` (no
                    // command has a flag of a global flag's name).
                    (is_global_flag(long), flag_help(&path, long))
                }
                None if path.is_empty() => (false, usage(&word)),
                None => (false, usage(&format!("{path} {word}"))),
            };
            let line = if line.ends_with('=') { line } else { format!("{line} ") };
            (global, Suggestion { word, line, help: help.unwrap_or_default() })
        })
        .collect();
    // `sort_by_key` is stable: within a group, completions' name order stays.
    out.sort_by_key(|(global, _)| *global);
    out.into_iter().map(|(_, s)| s).take(SUGGESTIONS_MAX).collect()
}

/// The list under the prompt: which suggestion the arrow keys have reached, and whether the
/// learner closed it (Escape) or is walking the typed lines (arrow up), which hide it
/// until the next key typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuggestState {
    pub active: Option<usize>,
    pub closed: bool,
}

impl SuggestState {
    /// Arrow down (`forward`) or up through `len` suggestions, wrapping round; from none
    /// reached, down starts at the first and up at the last.
    pub fn moved(&self, len: usize, forward: bool) -> SuggestState {
        let active = match (self.active, len) {
            (_, 0) => None,
            (None, _) => Some(if forward { 0 } else { len - 1 }),
            (Some(i), _) if forward => Some((i + 1) % len),
            (Some(i), _) => Some((i + len - 1) % len),
        };
        SuggestState { active, closed: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClusterConfig;
    use crate::lab::Lab;

    fn words(input: &str) -> Vec<String> {
        suggestions(input).into_iter().map(|s| s.word).collect()
    }

    #[test]
    fn a_commands_own_flags_come_first_with_etcdctls_help() {
        let got = suggestions("get k --");
        let own: Vec<&str> = got.iter().take(10).map(|s| s.word.as_str()).collect();
        assert_eq!(
            own,
            [
                "--consistency=",
                "--from-key",
                "--keys-only",
                "--limit=",
                "--order=",
                "--prefix",
                "--print-value-only",
                "--rev=",
                "--sort-by=",
                "--cacert="
            ]
        );
        let prefix = got.iter().find(|s| s.word == "--prefix").expect("--prefix");
        assert_eq!(prefix.help, "Get keys with matching prefix");
        assert_eq!(prefix.line, "get k --prefix ");
        let rev = got.iter().find(|s| s.word == "--rev=").expect("--rev=");
        assert_eq!((rev.line.as_str(), rev.help.as_str()), ("get k --rev=", "Specify the kv revision"));
        let help = got.iter().find(|s| s.word == "--help").expect("--help");
        assert_eq!(help.help, "help for get");
        assert_eq!(got.len(), 9 + 19, "get's 9 flags and etcdctl's 19 global ones");
    }

    #[test]
    fn a_word_is_completed_by_the_commands_it_begins() {
        assert_eq!(words("le"), ["leader", "lease"]);
        let lease = &suggestions("le")[1];
        assert_eq!(lease.line, "lease ");
        assert!(lease.help.starts_with("lease grant <ttl> | revoke <id>"), "{:?}", lease.help);
        let leader = &suggestions("le")[0];
        assert_eq!(leader.help, "leader");
        assert_eq!(words("member "), ["add", "list", "promote", "remove", "update"]);
        assert_eq!(suggestions("member a")[0].help, "member add <name> [--learner]");
        assert_eq!(words("get k --pr"), ["--prefix", "--print-value-only"]);
        assert_eq!(words("del k --pre"), ["--prefix", "--prev-kv"]);
        assert_eq!(suggestions("del k --pre")[0].help, "delete keys with matching prefix");
    }

    #[test]
    fn nothing_is_offered_for_an_empty_prompt_a_finished_word_or_a_value() {
        for input in ["", "   ", "put", "put ", "get greeting ", "zzz", "get k --prefix"] {
            assert_eq!(suggestions(input), [], "{input:?}");
        }
        assert!(suggestions("p").len() <= SUGGESTIONS_MAX);
        assert!(suggestions("p").iter().all(|s| !s.help.is_empty()), "every command has a usage line");
    }

    #[test]
    fn arrows_walk_the_list_round() {
        let s = SuggestState::default();
        assert_eq!(s.moved(3, true).active, Some(0));
        assert_eq!(s.moved(3, false).active, Some(2));
        assert_eq!(s.moved(3, true).moved(3, true).moved(3, true).moved(3, true).active, Some(0));
        assert_eq!(s.moved(0, true).active, None);
        assert!(!SuggestState { active: None, closed: true }.moved(2, true).closed);
    }

    #[test]
    fn every_example_runs_without_an_error() {
        let mut lab = Lab::new(ClusterConfig { nodes: 5, seed: 1, ..ClusterConfig::default() }).expect("lab");
        lab.play(3_000);
        for line in EXAMPLES {
            lab.console(line);
            lab.play(2_000);
            let said = lab.transcript.last().expect("said");
            assert!(said.pending.is_none(), "{line} still waiting");
            assert!(!said.out.contains("Error") && !said.out.is_empty(), "{line}: {}", said.out);
        }
        assert!(lab.transcript[1].out.contains("\"value\":\"aGVsbG8=\""), "{}", lab.transcript[1].out);
        assert!(lab.transcript[2].out.contains("IS LEADER"), "{}", lab.transcript[2].out);
    }
}
