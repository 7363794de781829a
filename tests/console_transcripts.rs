//! Data-driven console transcripts, in the style of etcd-io/raft's `datadriven` tests.
//!
//! Each file in `tests/testdata/console/` is played through one console `Session` and every
//! answer is compared byte for byte with the file. The expected texts were checked by hand
//! against real etcdctl 3.4.23 output (`tests/testdata/etcd-3.4.23.md`).
//!
//! File format:
//!
//! ```text
//! # config: nodes=3 seed=7          (optional, first line; any ClusterConfig field)
//! # a comment (only between stanzas)
//!
//! put x 1                           <- one or more input lines, each fed to run_line
//! ----
//! OK                                <- expected output: stdout, then stderr, then any
//!                                      watch output, for each input line in turn
//! ```
//!
//! A stanza ends with a blank line. When the expected output itself contains a blank line,
//! it is written between `----`/`----` and `----`/`----` lines (as `datadriven` does):
//!
//! ```text
//! txn
//! mod("x") > "0"
//!
//! put x 10
//!
//!
//! ----
//! ----
//! SUCCESS
//!
//! OK
//! ----
//! ----
//! ```
//!
//! Input lines are everything from the first line of a stanza up to its `----`, so a
//! stdin-form `txn` body (with its blank lines) is written inline.
//!
//! `RAFTLAB_REWRITE=1 cargo test --test console_transcripts` rewrites the expected outputs
//! from what the console prints now. Rewritten files must be checked by hand against the
//! etcd transcripts before they are committed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

const SEP: &str = "----";

struct Stanza {
    /// 1-based line of the stanza's first input line.
    line: usize,
    /// Comment and blank lines that come before the stanza (kept by rewrite).
    preamble: Vec<String>,
    input: Vec<String>,
    expected: String,
}

struct Transcript {
    config_line: Option<String>,
    config: ClusterConfig,
    stanzas: Vec<Stanza>,
    /// Comment and blank lines after the last stanza.
    trailer: Vec<String>,
}

fn parse_config(line: &str, file: &str) -> ClusterConfig {
    let body = line.trim_start_matches('#').trim().strip_prefix("config:").expect("config line").trim();
    let mut obj = serde_json::Map::new();
    for pair in body.split_whitespace() {
        let (k, v) = pair.split_once('=').unwrap_or_else(|| panic!("{file}:1: config wants key=value, got {pair:?}"));
        let value = match v {
            "true" => serde_json::Value::Bool(true),
            "false" => serde_json::Value::Bool(false),
            _ => serde_json::Value::from(
                v.parse::<u64>().unwrap_or_else(|_| panic!("{file}:1: config value {k}={v} is not a number")),
            ),
        };
        obj.insert(k.to_string(), value);
    }
    serde_json::from_value(serde_json::Value::Object(obj))
        .unwrap_or_else(|e| panic!("{file}:1: bad config {body:?}: {e}"))
}

fn parse_transcript(text: &str, file: &str) -> Transcript {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut config_line = None;
    let mut config = ClusterConfig::default();
    if let Some(first) = lines.first() {
        if first.trim_start_matches('#').trim().starts_with("config:") {
            config = parse_config(first, file);
            config_line = Some(first.to_string());
            i = 1;
        }
    }
    let mut stanzas = Vec::new();
    let mut preamble = Vec::new();
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() || l.starts_with('#') {
            preamble.push(l.to_string());
            i += 1;
            continue;
        }
        let start = i;
        let mut input = Vec::new();
        while i < lines.len() && lines[i] != SEP {
            input.push(lines[i].to_string());
            i += 1;
        }
        assert!(i < lines.len(), "{file}:{}: stanza has no {SEP:?} line", start + 1);
        i += 1; // the separator
        let mut expected = String::new();
        if i < lines.len() && lines[i] == SEP {
            // Block form: up to a `----` `----` pair.
            i += 1;
            loop {
                assert!(i + 1 < lines.len(), "{file}:{}: unterminated ----/---- block", start + 1);
                if lines[i] == SEP && lines[i + 1] == SEP {
                    i += 2;
                    break;
                }
                expected.push_str(lines[i]);
                expected.push('\n');
                i += 1;
            }
        } else {
            while i < lines.len() && !lines[i].is_empty() {
                expected.push_str(lines[i]);
                expected.push('\n');
                i += 1;
            }
        }
        stanzas.push(Stanza { line: start + 1, preamble: std::mem::take(&mut preamble), input, expected });
    }
    Transcript { config_line, config, stanzas, trailer: preamble }
}

/// What the console prints for one stanza's input lines.
fn play(session: &mut Session, input: &[String]) -> String {
    let mut out = String::new();
    for line in input {
        let o = session.run_line(line);
        out.push_str(&o.stdout);
        out.push_str(&o.stderr);
        out.push_str(&o.note);
        out.push_str(&session.take_watch_output());
    }
    out
}

fn render_expected(out: &mut String, actual: &str) {
    let blocky = actual.contains("\n\n") || actual.starts_with('\n') || (!actual.is_empty() && !actual.ends_with('\n'));
    if blocky {
        let _ = writeln!(out, "{SEP}\n{SEP}");
        out.push_str(actual);
        if !actual.ends_with('\n') {
            out.push('\n');
        }
        let _ = writeln!(out, "{SEP}\n{SEP}");
    } else {
        let _ = writeln!(out, "{SEP}");
        out.push_str(actual);
    }
}

/// A line-by-line picture of where two outputs part.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut s = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => {
                let _ = writeln!(s, "   {:?}", x);
            }
            (x, y) => {
                if let Some(x) = x {
                    let _ = writeln!(s, " - {:?}", x);
                }
                if let Some(y) = y {
                    let _ = writeln!(s, " + {:?}", y);
                }
            }
        }
    }
    s
}

fn run_file(path: &Path) {
    let name = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let t = parse_transcript(&text, &name);
    let mut session = Session::new(t.config.clone()).unwrap_or_else(|e| panic!("{name}:1: {e}"));
    let rewrite = std::env::var("RAFTLAB_REWRITE").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut rewritten = String::new();
    if let Some(c) = &t.config_line {
        rewritten.push_str(c);
        rewritten.push('\n');
    }
    for st in &t.stanzas {
        let actual = play(&mut session, &st.input);
        for p in &st.preamble {
            rewritten.push_str(p);
            rewritten.push('\n');
        }
        for l in &st.input {
            rewritten.push_str(l);
            rewritten.push('\n');
        }
        render_expected(&mut rewritten, &actual);
        if actual != st.expected {
            failures.push(format!(
                "{name}:{}: output of {:?} differs (- expected, + actual):\n{}",
                st.line,
                st.input.join("\\n"),
                diff(&st.expected, &actual)
            ));
        }
    }
    for p in &t.trailer {
        rewritten.push_str(p);
        rewritten.push('\n');
    }
    if rewrite {
        std::fs::write(path, rewritten).unwrap_or_else(|e| panic!("{name}: {e}"));
        return;
    }
    assert!(
        failures.is_empty(),
        "{} of {} stanzas differ (RAFTLAB_REWRITE=1 regenerates; check the result against etcd):\n\n{}",
        failures.len(),
        t.stanzas.len(),
        failures.join("\n")
    );
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/console")
}

macro_rules! transcripts {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_file(&dir().join(concat!(stringify!($name), ".txt")));
            }
        )*

        /// Every transcript file has a test above, so none is silently skipped.
        #[test]
        fn every_transcript_file_is_played() {
            let known: Vec<&str> = vec![$(concat!(stringify!($name), ".txt")),*];
            let mut found: Vec<String> = std::fs::read_dir(dir())
                .expect("tests/testdata/console")
                .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".txt"))
                .collect();
            found.sort();
            let mut known_sorted: Vec<String> = known.iter().map(|s| s.to_string()).collect();
            known_sorted.sort();
            assert_eq!(found, known_sorted, "add new transcript files to the transcripts! list");
        }
    };
}

transcripts!(basics, mvcc, txn, leases_watch, lab, history, pasted, kube, restore_disk);

#[test]
fn the_parser_reads_both_output_forms() {
    let t = parse_transcript(
        "# config: nodes=1 seed=9\n# c\n\nput x 1\n----\nOK\n\ntxn\n\n\n\n----\n----\nSUCCESS\n\nOK\n----\n----\n# end\n",
        "inline",
    );
    assert_eq!((t.config.nodes, t.config.seed), (1, 9));
    assert_eq!(t.stanzas.len(), 2);
    assert_eq!(t.stanzas[0].line, 4);
    assert_eq!(t.stanzas[0].input, vec!["put x 1"]);
    assert_eq!(t.stanzas[0].expected, "OK\n");
    assert_eq!(t.stanzas[1].input, vec!["txn", "", "", ""]);
    assert_eq!(t.stanzas[1].expected, "SUCCESS\n\nOK\n");
    assert_eq!(t.trailer, vec!["# end"]);
    let mut out = String::new();
    render_expected(&mut out, "SUCCESS\n\nOK\n");
    assert_eq!(out, "----\n----\nSUCCESS\n\nOK\n----\n----\n");
}
