//! The whole comparison: every scenario's fixture against the lab at its fitted seed,
//! judged against the list of known differences.
//!
//! Contract: `check` never panics and needs no etcd. Its `problems` are empty exactly
//! when (a) every scenario has a fixture and a seed, (b) every mismatching step is listed
//! in `differences.txt` with a reason, and (c) every listed difference still mismatches
//! (so the list cannot go stale). Each problem is a self-contained message; a mismatch
//! shows the step and a diff of the masked expected and actual outputs.

use std::collections::BTreeMap;

use super::compare::{compare, diff, Outcome, Tally};
use super::known::{legend, parse_differences, parse_seeds, read_or_empty, Difference, Layout};
use super::lab_side;
use super::scenario::{self, Scenario};
use super::transcript::Transcript;

/// One scenario compared.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub seed: u64,
    pub outcomes: Vec<Outcome>,
    pub tally: Tally,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub results: Vec<ScenarioResult>,
    pub differences: Vec<Difference>,
    /// The recurring causes named at the top of `differences.txt` (see `known::legend`).
    pub legend: String,
    pub problems: Vec<String>,
}

impl Report {
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for r in &self.results {
            t.add(r.tally);
        }
        t
    }

    /// The listed reason for a step, if any.
    pub fn reason(&self, scenario: &str, step: usize) -> Option<&str> {
        self.differences.iter().find(|d| d.scenario == scenario && d.step == step).map(|d| d.reason.as_str())
    }
}

/// Reads and parses a scenario file.
pub fn load_scenario(path: &std::path::Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    scenario::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

/// Reads a fixture.
pub fn load_fixture(path: &std::path::Path) -> Result<Transcript, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Transcript::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Compares the named scenarios (all when `only` is empty) against their fixtures.
pub fn check(layout: &Layout, only: &[String]) -> Report {
    let files = if only.is_empty() {
        layout.scenario_files()
    } else {
        Ok(only.iter().map(|n| layout.scenario_file(n)).collect())
    };
    let mut fixtures = BTreeMap::new();
    let mut report = Report::default();
    let files = match files {
        Ok(f) => f,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    let mut scenarios = Vec::new();
    for f in &files {
        match load_scenario(f) {
            Ok(s) => {
                match load_fixture(&layout.fixture(&s.name)) {
                    Ok(t) => {
                        fixtures.insert(s.name.clone(), t);
                    }
                    Err(e) => report
                        .problems
                        .push(format!("{}: no fixture ({e}); run `raftlab oracle record {}`", s.name, s.name)),
                }
                scenarios.push(s);
            }
            Err(e) => report.problems.push(e),
        }
    }
    check_against(layout, &scenarios, &fixtures, only.is_empty(), &mut report);
    report
}

/// Compares `scenarios` against the given real transcripts (fixtures, or a live run).
/// `all` says whether every scenario is being checked (then a listed difference that
/// names no scenario is a problem too).
pub fn check_against(
    layout: &Layout,
    scenarios: &[Scenario],
    real: &BTreeMap<String, Transcript>,
    all: bool,
    report: &mut Report,
) {
    let seeds_path = layout.seeds();
    let seeds = read_or_empty(&seeds_path).and_then(|t| parse_seeds(&seeds_path.display().to_string(), &t));
    let diffs_path = layout.differences();
    let diffs_text = read_or_empty(&diffs_path).unwrap_or_default();
    report.legend = legend(&diffs_text);
    let diffs = read_or_empty(&diffs_path).and_then(|t| parse_differences(&diffs_path.display().to_string(), &t));
    let (seeds, diffs) = match (seeds, diffs) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) | (_, Err(e)) => {
            report.problems.push(e);
            return;
        }
    };
    report.differences = diffs.clone();
    for s in scenarios {
        let Some(fixture) = real.get(&s.name) else { continue };
        let Some(&seed) = seeds.get(&s.name) else {
            report.problems.push(format!(
                "{}: no seed in {}; run `raftlab oracle fit {}`",
                s.name,
                seeds_path.display(),
                s.name
            ));
            continue;
        };
        let outcomes = match lab_side::run(s, seed).and_then(|actual| compare(s, fixture, &actual)) {
            Ok(o) => o,
            Err(e) => {
                report.problems.push(format!("{}: {e}", s.name));
                continue;
            }
        };
        for o in &outcomes {
            let listed = diffs.iter().any(|d| d.scenario == s.name && d.step == o.number);
            if !o.matches() && !listed {
                report.problems.push(format!(
                    "{} step {} does not match and is not listed in {}:\n$ {}\n--- real etcd (-) vs lab (+), masked:\n{}",
                    s.name,
                    o.number,
                    diffs_path.display(),
                    o.line,
                    diff(&o.expected, &o.actual).trim_end()
                ));
            }
            if o.matches() && listed {
                report.problems.push(format!(
                    "{} step {} ({}) matches now: remove it from {}",
                    s.name,
                    o.number,
                    o.line,
                    diffs_path.display()
                ));
            }
        }
        for d in diffs.iter().filter(|d| d.scenario == s.name && d.step > outcomes.len()) {
            report.problems.push(format!("{}: {} has no step {}", diffs_path.display(), d.scenario, d.step));
        }
        let tally = Tally::of(&outcomes);
        report.results.push(ScenarioResult { scenario: s.clone(), seed, outcomes, tally });
    }
    if all {
        for d in &diffs {
            if !scenarios.iter().any(|s| s.name == d.scenario) {
                report.problems.push(format!("{}: no scenario is named {}", diffs_path.display(), d.scenario));
            }
        }
        for name in seeds.keys() {
            if !scenarios.iter().any(|s| &s.name == name) {
                report.problems.push(format!("{}: no scenario is named {name}", seeds_path.display()));
            }
        }
    }
}
