//! `raftlab lesson check|run <paths…>`: lesson files validated, or played headless.
//!
//! Contract: a path is a lesson file or a directory searched for `*.md` (skipping
//! README.md). `check` prints every error as `file:line:col: message` and exits 1 if there
//! was any; it also refuses two files with one (id, language) and prerequisites that name
//! no lesson. `run` checks first, then plays each lesson from its seed and prints each
//! step's result; it exits 1 if any check, wait or goal failed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use raftlab::lesson::{self, Lesson};

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "md") && p.file_name().is_some_and(|n| n != "README.md") {
            out.push(p);
        }
    }
    Ok(())
}

/// Parses every file; prints errors; returns the lessons that parsed and the error count.
pub fn load(paths: &[PathBuf]) -> (Vec<Lesson>, usize) {
    let mut files = Vec::new();
    let mut errors = 0;
    for p in paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("{e}");
            errors += 1;
        }
    }
    let mut lessons = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{name}: {e}");
                errors += 1;
                continue;
            }
        };
        match lesson::parse(&name, &text) {
            Ok(l) => lessons.push(l),
            Err(errs) => {
                errors += errs.len();
                for e in errs {
                    eprintln!("{e}");
                }
            }
        }
    }
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut ids: BTreeSet<String> = lesson::index::index().into_iter().map(|e| e.id.to_string()).collect();
    ids.extend(lessons.iter().map(|l| l.meta.id.clone()));
    for l in &lessons {
        let key = (l.meta.id.clone(), l.meta.language.clone());
        if let Some(other) = seen.insert(key, l.file.clone()) {
            eprintln!("{}:2:1: id {:?} in {:?} is already used by {other}", l.file, l.meta.id, l.meta.language);
            errors += 1;
        }
        for p in &l.meta.prerequisites {
            if !ids.contains(p) {
                eprintln!("{}:2:1: prerequisite {p:?} names no lesson", l.file);
                errors += 1;
            }
        }
    }
    (lessons, errors)
}

pub fn check(paths: &[PathBuf]) -> i32 {
    let (lessons, errors) = load(paths);
    let steps: usize = lessons.iter().map(|l| l.steps.len()).sum();
    println!("{} lessons ({steps} steps) checked, {errors} errors", lessons.len());
    i32::from(errors > 0)
}

pub fn run(paths: &[PathBuf]) -> i32 {
    let (lessons, mut errors) = load(paths);
    let started = Instant::now();
    let mut failed = 0;
    for l in &lessons {
        let t = Instant::now();
        match lesson::run::run(l) {
            Ok(report) => {
                let n = report.failures();
                println!(
                    "{} ({}, {}): {} steps, {} simulated s, {} ms ... {}",
                    l.file,
                    l.meta.id,
                    l.meta.language,
                    report.steps.len(),
                    report.end_ms / 1000,
                    t.elapsed().as_millis(),
                    if n == 0 { "ok".to_string() } else { format!("{n} FAILED") }
                );
                print!("{}", report.render());
                if n > 0 {
                    failed += 1;
                }
            }
            Err(e) => {
                println!("{}: cannot start: {e}", l.file);
                failed += 1;
            }
        }
    }
    errors += failed;
    println!(
        "{} lessons run in {:.1} s: {} passed, {failed} failed",
        lessons.len(),
        started.elapsed().as_secs_f64(),
        lessons.len() - failed
    );
    i32::from(errors > 0)
}
