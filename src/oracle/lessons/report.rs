//! The lesson oracle's results: each check's verdict on real etcd, per lesson, as the
//! terminal shows them and as `tests/oracle/LESSONS.md`.
//!
//! Contract: pure. A check is `Held` (every clause etcdctl can observe held on the real
//! cluster), `Failed` (one did not, or a line could not be carried out; the real values
//! are kept), or `LabOnly` (nothing in it can be observed on a real cluster at that
//! moment, with the reason). Failures whose `file:line` is listed in the known file carry
//! its explanation.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Held; the number of its clauses only the lab can see.
    Held {
        lab_only_clauses: usize,
    },
    /// What the real cluster showed (or why the line could not be done).
    Failed(String),
    LabOnly(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub line: usize,
    pub col: usize,
    /// `expect term(leader) == 2`, `wait until …`, `goal …`, or an action that failed.
    pub what: String,
    pub verdict: Verdict,
    /// What the lab gave for the same check.
    pub lab: String,
    /// The real values seen (for a held check too).
    pub seen: String,
    /// When it was judged: milliseconds since the real members started.
    pub at_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonReport {
    pub file: String,
    pub id: String,
    pub number: u32,
    pub members: u64,
    /// The etcd flags the real members ran with.
    pub flags: Vec<String>,
    /// What the real cluster could not be set to (check-quorum off, …).
    pub notes: Vec<String>,
    /// Boots until the real first leader was the lab's (`None`: not fitted).
    pub boots: Option<usize>,
    /// How the boot went, in words.
    pub boot: String,
    pub checks: Vec<CheckResult>,
    /// Lab-only actions: (line, the line).
    pub lab_actions: Vec<(usize, String)>,
    /// Why the real run stopped early, if it did.
    pub error: Option<String>,
    pub seconds: u64,
}

impl LessonReport {
    fn count(&self, f: impl Fn(&Verdict) -> bool) -> usize {
        self.checks.iter().filter(|c| f(&c.verdict)).count()
    }

    pub fn held(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Held { .. }))
    }

    pub fn failed(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Failed(_)))
    }

    pub fn lab_only(&self) -> usize {
        self.count(|v| matches!(v, Verdict::LabOnly(_)))
    }

    /// Failed checks not explained in `known`.
    pub fn unexplained(&self, known: &Known) -> usize {
        self.checks
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Failed(_)) && known.why(&self.file, c.line).is_none())
            .count()
    }

    /// The terminal report: a summary line, then every failure and lab-only check (and
    /// with `verbose` every held one, with the real values seen).
    pub fn render(&self, known: &Known, verbose: bool) -> String {
        let mut out = format!(
            "{} ({} members{}): {} held, {} failed, {} lab-only ({} s)\n",
            self.file,
            self.members,
            if self.flags.is_empty() { String::new() } else { format!(", {}", self.flags.join(" ")) },
            self.held(),
            self.failed(),
            self.lab_only(),
            self.seconds
        );
        for n in &self.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        if verbose && !self.boot.is_empty() {
            let _ = writeln!(out, "  boot: {}", self.boot);
        }
        if let Some(e) = &self.error {
            let _ = writeln!(out, "  STOPPED: {e}");
        }
        for c in &self.checks {
            match &c.verdict {
                Verdict::Failed(real) => {
                    let _ = writeln!(out, "  FAILED {}:{}:{}: {}", self.file, c.line, c.col, c.what);
                    if verbose {
                        let _ = writeln!(out, "    at {} ms", c.at_ms);
                    }
                    let _ = writeln!(out, "    real: {real}");
                    let _ = writeln!(out, "    lab:  {}", c.lab);
                    if let Some(why) = known.why(&self.file, c.line) {
                        let _ = writeln!(out, "    known: {why}");
                    }
                }
                Verdict::LabOnly(why) => {
                    let _ = writeln!(out, "  lab-only {}:{}: {} ({why})", self.file, c.line, c.what);
                }
                Verdict::Held { .. } if verbose => {
                    let _ = writeln!(out, "  held {}:{} at {} ms: {} [{}]", self.file, c.line, c.at_ms, c.what, c.seen);
                }
                Verdict::Held { .. } => {}
            }
        }
        out
    }
}

/// Explained failures: `lessons/en/07-partition.md:24 why…` per line, `#` comments.
#[derive(Clone, Debug, Default)]
pub struct Known {
    by_place: BTreeMap<(String, usize), String>,
}

impl Known {
    pub fn parse(text: &str) -> Result<Known, String> {
        let mut by_place = BTreeMap::new();
        for (i, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let bad = || format!("line {}: expected \"<file>:<line> <reason>\", found {l:?}", i + 1);
            let (place, why) = l.split_once(' ').ok_or_else(bad)?;
            let (file, line) = place.rsplit_once(':').ok_or_else(bad)?;
            let line: usize = line.parse().map_err(|_| bad())?;
            by_place.insert((file.to_string(), line), why.trim().to_string());
        }
        Ok(Known { by_place })
    }

    pub fn why(&self, file: &str, line: usize) -> Option<&str> {
        self.by_place.get(&(file.to_string(), line)).map(String::as_str)
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "\\n")
}

/// `tests/oracle/LESSONS.md`.
pub fn markdown(reports: &[LessonReport], known: &Known, version: &str, date: &str, twins: &str) -> String {
    let mut out = String::from("# Lessons on real etcd\n\n");
    let _ = writeln!(
        out,
        "Every lesson's actions played on a real {version} cluster (the lesson's member count and `[cluster]`\n\
         flags, members in network namespaces) and every `expect`, `wait until` and `goal` that etcdctl can\n\
         observe checked there. Generated by `raftlab lesson oracle lessons/` on {date}; `make oracle` runs it\n\
         after the scenarios. {twins}\n"
    );
    out.push_str(
        "- **held**: every clause etcdctl can observe held on the real cluster (`endpoint status`, `member list`,\n  \
         serializable gets, etcdctl's own output, masked as in `mask.rs`).\n\
         - **failed**: a clause did not hold on real etcd, or a line could not be carried out there.\n\
         - **lab-only**: nothing in the check can be observed with etcdctl at that moment (`vote()`, `last-index()`,\n  \
         a candidate's role, a dead member's disk, a member at the instant it started, the term of a member\n  \
         that names no leader, a lab word's own text), or it follows a lab-only action (`campaign`,\n  \
         `latency`, …) in its step; or it failed after such an action in an earlier step, when the real\n  \
         cluster may no longer be where the lab is. Each one's reason is listed below.\n\n",
    );
    out.push_str(
        "| lesson | members | etcd flags | boots | held | failed | lab-only |\n|---|---:|---|---:|---:|---:|---:|\n",
    );
    let (mut h, mut f, mut l) = (0, 0, 0);
    for r in reports {
        let flags = if r.flags.is_empty() { "—".to_string() } else { format!("`{}`", r.flags.join(" ")) };
        let stopped = if r.error.is_some() { " (stopped)" } else { "" };
        let boots = r.boots.map_or("—".to_string(), |b| b.to_string());
        let _ = writeln!(
            out,
            "| {}{stopped} | {} | {flags} | {boots} | {} | {} | {} |",
            r.file,
            r.members,
            r.held(),
            r.failed(),
            r.lab_only()
        );
        (h, f, l) = (h + r.held(), f + r.failed(), l + r.lab_only());
    }
    let _ = writeln!(out, "| **total** | | | | {h} | {f} | {l} |\n");
    out.push_str(
        "*boots*: a lesson that starts by waiting for a leader is played on the first boot whose first\n\
         leader (and term) is the lab's, since who wins etcd's first election is luck; — means a lesson\n\
         that looks at the cluster before its first election, played on a second boot.\n\n",
    );
    for r in reports.iter().filter(|r| r.failed() > 0 || r.error.is_some() || !r.notes.is_empty()) {
        let _ = writeln!(out, "## {}\n", r.file);
        for n in &r.notes {
            let _ = writeln!(out, "- note: {n}");
        }
        if let Some(e) = &r.error {
            let _ = writeln!(out, "- stopped: {}", cell(e));
        }
        for c in r.checks.iter() {
            if let Verdict::Failed(real) = &c.verdict {
                let _ = writeln!(out, "- `{}:{}:{}` `{}`", r.file, c.line, c.col, cell(&c.what));
                let _ = writeln!(out, "  - real etcd: {}", cell(real));
                let _ = writeln!(out, "  - lab: {}", cell(&c.lab));
                if let Some(why) = known.why(&r.file, c.line) {
                    let _ = writeln!(out, "  - why: {why}");
                }
            }
        }
        out.push('\n');
    }
    out.push_str("## Lab-only checks\n\n");
    for r in reports.iter().filter(|r| r.lab_only() > 0 || !r.lab_actions.is_empty()) {
        let _ = writeln!(out, "### {}\n", r.file);
        for (line, what) in &r.lab_actions {
            let _ = writeln!(out, "- line {line}: `{}` is a lab-only action", cell(what));
        }
        for c in &r.checks {
            if let Verdict::LabOnly(why) = &c.verdict {
                let _ = writeln!(out, "- line {}: `{}`: {}", c.line, cell(&c.what), cell(why));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_failures_are_read_by_file_and_line() {
        let k = Known::parse("# comment\nlessons/en/07-partition.md:24 elections are luck\n").unwrap();
        assert_eq!(k.why("lessons/en/07-partition.md", 24), Some("elections are luck"));
        assert_eq!(k.why("lessons/en/07-partition.md", 25), None);
        assert!(Known::parse("lessons/en/x.md why").unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn the_table_counts_each_verdict() {
        let check = |verdict| CheckResult {
            line: 3,
            col: 1,
            what: "expect leader == n2".into(),
            verdict,
            lab: "holds".into(),
            seen: String::new(),
            at_ms: 0,
        };
        let r = LessonReport {
            file: "lessons/en/07-partition.md".into(),
            members: 5,
            checks: vec![
                check(Verdict::Held { lab_only_clauses: 0 }),
                check(Verdict::Failed("leader = n3".into())),
                check(Verdict::LabOnly("vote() is raft state".into())),
            ],
            ..Default::default()
        };
        assert_eq!((r.held(), r.failed(), r.lab_only()), (1, 1, 1));
        let md = markdown(std::slice::from_ref(&r), &Known::default(), "etcd 3.4.23", "2025-01-01", "");
        assert!(md.contains("| lessons/en/07-partition.md | 5 | — | — | 1 | 1 | 1 |"), "{md}");
        assert!(md.contains("  - real etcd: leader = n3"));
        assert!(r
            .render(&Known::default(), false)
            .contains("FAILED lessons/en/07-partition.md:3:1: expect leader == n2"));
    }
}
