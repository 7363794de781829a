//! A transcript: what each step of a scenario printed on one side (real etcd or the lab),
//! and its text form, which the fixtures in `tests/oracle/etcd/` are read back from.
//!
//! Contract: `Transcript::parse(&t.to_text()) == Ok(t)` for every transcript whose
//! outputs end with a newline (the constructors ensure it), and
//! `Transcript::parse(text)?.to_text() == text` for every text `parse` accepts: nothing
//! is lost or reformatted either way. `parse` never panics; it reports `line N: …`.
//!
//! The text form, one step after another, each ending with a blank line:
//!
//! ```text
//! # oracle transcript: leader-loss        header: scenario name,
//! # side: etcd 3.4.23                     which side (or "lab seed 17"),
//! # members: 3                            member count,
//! # flag: --quota-backend-bytes=1048576   each flag,
//! # date: 2025-01-31                      when it was recorded (real side only)
//!
//! $ kill leader                           the step's line as written in the scenario
//! # resolved: leader=n2                   what a symbolic node meant on this side
//!
//! $ txn
//! | mod("x") > "0"                        its stdin
//! |
//! # exit 1                                etcdctl's exit status when not 0
//! SUCCESS                                 stdout, verbatim
//! ! Error: …                              stderr, each line after "! "
//!
//! ```
//!
//! Other meta lines: `# failed: why` (a lab word that could not be done) and
//! `# timed out after 60s` (the harness killed etcdctl). A stdout line that begins with
//! `$`, `!` or `\`, or a first stdout line that begins with `|` or `#`, is written with
//! a `\` in front, so that it cannot read as a step, stdin, stderr or meta line.

use std::fmt::Write as _;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    pub scenario: String,
    /// `etcd 3.4.23`, or `lab seed 17`.
    pub side: String,
    pub members: u64,
    pub flags: Vec<String>,
    /// `YYYY-MM-DD`, for the real side.
    pub date: Option<String>,
    pub steps: Vec<StepRecord>,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepRecord {
    /// The scenario line as written.
    pub line: String,
    pub stdin: Vec<String>,
    /// Symbolic nodes and what they meant here: `("leader", "n2")`.
    pub resolved: Vec<(String, String)>,
    /// A lab word the side could not carry out, and why.
    pub failed: Option<String>,
    /// etcdctl's exit status when it was not 0: `1`, or `signal 2`.
    pub exit: Option<String>,
    /// The harness gave up waiting for etcdctl after this many seconds.
    pub timed_out: Option<u64>,
    pub stdout: String,
    pub stderr: String,
}

impl StepRecord {
    pub fn new(line: &str, stdin: &[String]) -> Self {
        StepRecord { line: line.to_string(), stdin: stdin.to_vec(), ..Default::default() }
    }

    /// Sets the output; a text without a final newline gets one, as the text form keeps
    /// whole lines only.
    pub fn with_output(mut self, stdout: &str, stderr: &str) -> Self {
        self.stdout = whole_lines(stdout);
        self.stderr = whole_lines(stderr);
        self
    }
}

fn whole_lines(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// Today's date in UTC, `YYYY-MM-DD` (for the header).
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Transcript {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# oracle transcript: {}", self.scenario);
        let _ = writeln!(out, "# side: {}", self.side);
        let _ = writeln!(out, "# members: {}", self.members);
        for f in &self.flags {
            let _ = writeln!(out, "# flag: {f}");
        }
        if let Some(d) = &self.date {
            let _ = writeln!(out, "# date: {d}");
        }
        out.push('\n');
        for s in &self.steps {
            let _ = writeln!(out, "$ {}", s.line);
            for l in &s.stdin {
                out.push_str(if l.is_empty() { "|\n" } else { "| " });
                if !l.is_empty() {
                    let _ = writeln!(out, "{l}");
                }
            }
            if !s.resolved.is_empty() {
                let pairs: Vec<String> = s.resolved.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let _ = writeln!(out, "# resolved: {}", pairs.join(" "));
            }
            if let Some(f) = &s.failed {
                let _ = writeln!(out, "# failed: {f}");
            }
            if let Some(e) = &s.exit {
                let _ = writeln!(out, "# exit {e}");
            }
            if let Some(t) = s.timed_out {
                let _ = writeln!(out, "# timed out after {t}s");
            }
            for (i, l) in s.stdout.lines().enumerate() {
                let risky = l.starts_with(['$', '!', '\\']) || (i == 0 && l.starts_with(['|', '#']));
                if risky {
                    out.push('\\');
                }
                let _ = writeln!(out, "{l}");
            }
            for l in s.stderr.lines() {
                if l.is_empty() {
                    out.push_str("!\n");
                } else {
                    let _ = writeln!(out, "! {l}");
                }
            }
            out.push('\n');
        }
        out
    }

    pub fn parse(text: &str) -> Result<Transcript, String> {
        let lines: Vec<&str> = text.split('\n').collect();
        // A text ends with a newline, so split leaves one empty piece after it.
        let Some((&"", lines)) = lines.split_last() else {
            return Err(format!("line {}: a transcript ends with a newline", lines.len()));
        };
        let mut t = Transcript::default();
        let mut i = 0;
        let header = |i: usize, key: &str| -> Option<&str> { lines.get(i)?.strip_prefix(key) };
        let bad = |i: usize, what: &str| format!("line {}: {what}", i + 1);
        t.scenario = header(i, "# oracle transcript: ")
            .ok_or_else(|| bad(i, "expected \"# oracle transcript: <name>\""))?
            .into();
        i += 1;
        t.side = header(i, "# side: ").ok_or_else(|| bad(i, "expected \"# side: …\""))?.into();
        i += 1;
        let members = header(i, "# members: ").ok_or_else(|| bad(i, "expected \"# members: N\""))?;
        t.members = members.parse().map_err(|_| bad(i, "members must be a number"))?;
        if t.members.to_string() != members {
            return Err(bad(i, "members must be written plainly"));
        }
        i += 1;
        while let Some(f) = header(i, "# flag: ") {
            t.flags.push(f.into());
            i += 1;
        }
        if let Some(d) = header(i, "# date: ") {
            t.date = Some(d.into());
            i += 1;
        }
        if lines.get(i) != Some(&"") {
            return Err(bad(i, "the header ends with a blank line"));
        }
        i += 1;
        while i < lines.len() {
            let start = i;
            let line = lines[i].strip_prefix("$ ").ok_or_else(|| bad(i, "expected a step: \"$ <line>\""))?;
            let mut s = StepRecord { line: line.into(), ..Default::default() };
            i += 1;
            // The step's body runs to the next "$ " line; its last line is the blank separator.
            let mut end = i;
            while end < lines.len() && !lines[end].starts_with("$ ") {
                end += 1;
            }
            if end == i || !lines[end - 1].is_empty() {
                return Err(bad(end.saturating_sub(1).max(start), "a step ends with a blank line"));
            }
            let body = &lines[i..end - 1];
            let mut j = 0;
            while let Some(l) = body.get(j).filter(|l| **l == "|" || l.starts_with("| ")) {
                s.stdin.push(l.strip_prefix("| ").unwrap_or("").into());
                j += 1;
            }
            if let Some(r) = body.get(j).and_then(|l| l.strip_prefix("# resolved: ")) {
                for pair in r.split(' ') {
                    let (k, v) = pair.split_once('=').ok_or_else(|| bad(i + j, "expected name=node pairs"))?;
                    s.resolved.push((k.into(), v.into()));
                }
                if s.resolved.is_empty() || r.is_empty() {
                    return Err(bad(i + j, "expected name=node pairs"));
                }
                j += 1;
            }
            if let Some(f) = body.get(j).and_then(|l| l.strip_prefix("# failed: ")) {
                s.failed = Some(f.into());
                j += 1;
            }
            if let Some(e) = body.get(j).and_then(|l| l.strip_prefix("# exit ")) {
                s.exit = Some(e.into());
                j += 1;
            }
            if let Some(t) = body.get(j).and_then(|l| l.strip_prefix("# timed out after ")) {
                let secs = t.strip_suffix('s').and_then(|n| n.parse::<u64>().ok());
                s.timed_out = Some(
                    secs.filter(|n| format!("{n}s") == t)
                        .ok_or_else(|| bad(i + j, "expected \"# timed out after Ns\""))?,
                );
                j += 1;
            }
            let first_out = j;
            let mut in_stderr = false;
            for (k, l) in body.iter().enumerate().skip(j) {
                if *l == "!" || l.starts_with("! ") {
                    in_stderr = true;
                    s.stderr.push_str(l.strip_prefix("! ").unwrap_or(""));
                    s.stderr.push('\n');
                    continue;
                }
                if in_stderr {
                    return Err(bad(i + k, "stdout comes before stderr (\"! \") lines"));
                }
                let risky = l.starts_with(['$', '!']) || (k == first_out && l.starts_with(['|', '#']));
                if risky {
                    return Err(bad(i + k, "this stdout line must be escaped with a \\ in front"));
                }
                let l = match l.strip_prefix('\\') {
                    Some(rest) => {
                        let needed =
                            rest.starts_with(['$', '!', '\\']) || (k == first_out && rest.starts_with(['|', '#']));
                        if !needed {
                            return Err(bad(i + k, "a \\ in front is only for lines that need it"));
                        }
                        rest
                    }
                    None => l,
                };
                s.stdout.push_str(l);
                s.stdout.push('\n');
            }
            t.steps.push(s);
            i = end;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "# oracle transcript: leader-loss
# side: etcd 3.4.23
# members: 3
# flag: --quota-backend-bytes=1048576
# date: 2025-01-31

$ put x 1
OK

$ kill leader
# resolved: leader=n2

$ txn
| mod(\"x\") > \"0\"
|
| put x 10
|
SUCCESS

OK

$ endpoint status -w table
\\| not really a table
+---+
| x |

$ get y
# exit 1
\\$ dollar
\\\\ backslash
! {\"level\":\"warn\"}
!
! Error: context deadline exceeded

$ start n4
# failed: n4 is already running

";

    #[test]
    fn a_sample_round_trips_exactly() {
        let t = Transcript::parse(SAMPLE).unwrap();
        assert_eq!(t.steps.len(), 6);
        assert_eq!(t.steps[1].resolved, vec![("leader".to_string(), "n2".to_string())]);
        assert_eq!(t.steps[2].stdin, vec!["mod(\"x\") > \"0\"", "", "put x 10", ""]);
        assert_eq!(t.steps[2].stdout, "SUCCESS\n\nOK\n");
        assert_eq!(t.steps[3].stdout, "| not really a table\n+---+\n| x |\n");
        assert_eq!(t.steps[4].exit.as_deref(), Some("1"));
        assert_eq!(t.steps[4].stdout, "$ dollar\n\\ backslash\n");
        assert_eq!(t.steps[4].stderr, "{\"level\":\"warn\"}\n\nError: context deadline exceeded\n");
        assert_eq!(t.steps[5].failed.as_deref(), Some("n4 is already running"));
        assert_eq!(t.to_text(), SAMPLE);
    }

    #[test]
    fn malformed_texts_are_errors_not_panics() {
        assert_eq!(Transcript::parse("").unwrap_err(), "line 1: expected \"# oracle transcript: <name>\"");
        let no_blank = "# oracle transcript: a\n# side: lab seed 1\n# members: 1\n\n$ put x 1\nOK\n";
        assert_eq!(Transcript::parse(no_blank).unwrap_err(), "line 6: a step ends with a blank line");
        let unescaped = "# oracle transcript: a\n# side: lab seed 1\n# members: 1\n\n$ get x\n! e\nx\n\n";
        assert_eq!(Transcript::parse(unescaped).unwrap_err(), "line 7: stdout comes before stderr (\"! \") lines");
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_119), "2025-01-31");
    }

    fn text_line() -> impl Strategy<Value = String> {
        prop::string::string_regex("[$!|#\\\\ a-z{}\"]{0,6}").unwrap()
    }

    fn output() -> impl Strategy<Value = String> {
        prop::collection::vec(text_line(), 0..4).prop_map(|ls| ls.iter().map(|l| format!("{l}\n")).collect())
    }

    proptest! {
        #[test]
        fn any_transcript_round_trips(
            steps in prop::collection::vec(
                (text_line(), prop::collection::vec(text_line(), 0..3), output(), output(),
                 prop::option::of("[a-z ]{1,5}"), prop::option::of("[0-9]{1,2}"), any::<bool>()),
                0..5),
        ) {
            let t = Transcript {
                scenario: "s".into(),
                side: "lab seed 3".into(),
                members: 3,
                flags: vec!["--pre-vote".into()],
                date: None,
                steps: steps.into_iter().map(|(line, stdin, out, err, failed, exit, resolved)| StepRecord {
                    line: format!("put {line}"),
                    stdin,
                    resolved: if resolved { vec![("leader".into(), "n1".into())] } else { vec![] },
                    failed,
                    exit,
                    timed_out: None,
                    stdout: out,
                    stderr: err,
                }).collect(),
            };
            let text = t.to_text();
            prop_assert_eq!(Transcript::parse(&text), Ok(t));
            prop_assert_eq!(Transcript::parse(&text).map(|t| t.to_text()), Ok(text));
        }
    }
}
