//! `raftlab oracle record|fit|compare|live`: the real-etcd oracle from the command line.
//!
//! Contract: `record` plays scenarios on real etcd and writes `tests/oracle/etcd/<name>.txt`;
//! `fit` chooses each scenario's lab seed and rewrites `seeds.txt`; `compare` judges the
//! fixtures against the lab (needs no etcd) and with `--write` writes `RESULTS.md`; `live`
//! records into a temporary directory and compares at once. Each exits 1 when something
//! failed or a difference is unexplained, after saying what.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use raftlab::oracle::known::{parse_seeds, read_or_empty, seeds_text, Layout};
use raftlab::oracle::scenario::Scenario;
use raftlab::oracle::suite::{self, load_fixture, load_scenario, Report};
use raftlab::oracle::transcript::Transcript;
use raftlab::oracle::{compare, fit, real, results};

fn scenarios(layout: &Layout, names: &[String]) -> Result<Vec<Scenario>, String> {
    let files: Vec<PathBuf> = if names.is_empty() {
        layout.scenario_files()?
    } else {
        names.iter().map(|n| layout.scenario_file(n)).collect()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match load_scenario(&f) {
            Ok(s) => out.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("\n"))
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Plays each scenario on real etcd; writes each transcript with `save`.
fn record_into(
    list: &[Scenario],
    keep: bool,
    mut save: impl FnMut(&Scenario, &Transcript) -> Result<(), String>,
) -> usize {
    let mut failed = 0;
    for s in list {
        let t0 = Instant::now();
        eprint!("{}: recording {} steps on real etcd ... ", s.name, s.steps.len());
        match real::run(s, keep).map_err(|e| e.to_string()).and_then(|t| save(s, &t)) {
            Ok(()) => eprintln!("done in {:.1} s", t0.elapsed().as_secs_f64()),
            Err(e) => {
                eprintln!("FAILED\n  {e}");
                failed += 1;
            }
        }
    }
    failed
}

pub fn record(dir: &Path, names: &[String], keep: bool) -> i32 {
    let layout = Layout::new(dir);
    let list = match scenarios(&layout, names) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if let Err(e) = real::prerequisites() {
        eprintln!("oracle record: {e}");
        return 1;
    }
    let failed = record_into(&list, keep, |s, t| write(&layout.fixture(&s.name), &t.to_text()));
    i32::from(failed > 0)
}

pub fn fit(dir: &Path, names: &[String], jobs: usize) -> i32 {
    let layout = Layout::new(dir);
    let list = match scenarios(&layout, names) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let seeds_path = layout.seeds();
    let mut seeds = match read_or_empty(&seeds_path).and_then(|t| parse_seeds(&seeds_path.display().to_string(), &t)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut failed = 0;
    for s in &list {
        let t0 = Instant::now();
        let result = load_fixture(&layout.fixture(&s.name)).and_then(|f| fit::fit(s, &f, fit::SEEDS, jobs));
        match result {
            Ok(f) => {
                println!(
                    "{}: seed {} matches {} of {} etcdctl steps ({} of {} lab words), {:.1} s",
                    s.name,
                    f.seed,
                    f.tally.etcdctl_matching,
                    f.tally.etcdctl,
                    f.tally.lab_words_matching,
                    f.tally.lab_words,
                    t0.elapsed().as_secs_f64()
                );
                seeds.insert(s.name.clone(), f.seed);
            }
            Err(e) => {
                eprintln!("{}: {e}", s.name);
                failed += 1;
            }
        }
    }
    if let Err(e) = write(&seeds_path, &seeds_text(&seeds)) {
        eprintln!("{e}");
        return 1;
    }
    i32::from(failed > 0)
}

fn print_report(report: &Report) {
    print!("{}", results::table(report));
    for p in &report.problems {
        println!("\n{p}");
    }
    if !report.problems.is_empty() {
        println!("\n{} problem(s)", report.problems.len());
    }
}

pub fn compare(dir: &Path, names: &[String], write_results: bool) -> i32 {
    let layout = Layout::new(dir);
    let report = suite::check(&layout, names);
    print_report(&report);
    if write_results {
        if !names.is_empty() {
            eprintln!("compare --write compares every scenario: leave out the names");
            return 1;
        }
        let version = report
            .results
            .first()
            .and_then(|r| load_fixture(&layout.fixture(&r.scenario.name)).ok())
            .map(|t| t.side.trim_start_matches("etcd ").to_string())
            .unwrap_or_else(|| "3.4".into());
        if let Err(e) = write(&layout.results(), &results::markdown(&report, &version)) {
            eprintln!("{e}");
            return 1;
        }
        println!("wrote {}", layout.results().display());
    }
    i32::from(!report.problems.is_empty())
}

pub fn live(dir: &Path, names: &[String]) -> i32 {
    let layout = Layout::new(dir);
    let list = match scenarios(&layout, names) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if let Err(e) = real::prerequisites() {
        eprintln!("oracle live: {e}");
        return 1;
    }
    let mut fresh: BTreeMap<String, Transcript> = BTreeMap::new();
    let failed = record_into(&list, false, |s, t| {
        fresh.insert(s.name.clone(), t.clone());
        Ok(())
    });
    // Two real runs must agree after masking. With one member there is no election to be
    // lucky in, so there any difference is a mask or harness fault.
    let mut unstable = 0;
    for s in &list {
        let (Some(now), Ok(before)) = (fresh.get(&s.name), load_fixture(&layout.fixture(&s.name))) else { continue };
        match compare::compare(s, &before, now) {
            Ok(outcomes) => {
                for o in outcomes.iter().filter(|o| !o.matches()) {
                    println!(
                        "{} step {}: this real run differs from the fixture ({}):\n$ {}\n{}",
                        s.name,
                        o.number,
                        if s.members == 1 { "a fault: one member has no election luck" } else { "election luck?" },
                        o.line,
                        compare::diff(&o.expected, &o.actual)
                    );
                    unstable += usize::from(s.members == 1);
                }
            }
            Err(e) => println!("{}: {e}", s.name),
        }
    }
    let mut report = Report::default();
    suite::check_against(&layout, &list, &fresh, false, &mut report);
    print_report(&report);
    i32::from(failed > 0 || unstable > 0 || !report.problems.is_empty())
}

pub fn lab(dir: &Path, name: &str, seed: Option<u64>) -> i32 {
    let layout = Layout::new(dir);
    let s = match load_scenario(&layout.scenario_file(name)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let seeds_path = layout.seeds();
    let fitted = read_or_empty(&seeds_path)
        .and_then(|t| parse_seeds(&seeds_path.display().to_string(), &t))
        .ok()
        .and_then(|m| m.get(&s.name).copied());
    match raftlab::oracle::lab_side::run(&s, seed.or(fitted).unwrap_or(1)) {
        Ok(t) => {
            print!("{}", t.to_text());
            0
        }
        Err(e) => {
            eprintln!("{}: {e}", s.name);
            1
        }
    }
}
