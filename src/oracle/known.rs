//! The oracle's committed files and where they live: scenarios (`tests/oracle/<name>.txt`),
//! fixtures (`tests/oracle/etcd/<name>.txt`), fitted seeds (`seeds.txt`) and the known,
//! explained differences (`differences.txt`).
//!
//! Contract: readers never panic; a malformed line is an error naming `file:line`.
//! `seeds_text` writes what `parse_seeds` reads back.
//!
//! `seeds.txt`: `name seed` per line. `differences.txt`: `name step reason…` per line,
//! the step numbered from 1 over all of the scenario's steps; `#` lines are comments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files in the scenario directory that are not scenarios.
const NOT_SCENARIOS: &[&str] = &["seeds.txt", "differences.txt", "lessons-known.txt"];

/// The oracle's directory (`tests/oracle`) and the paths inside it.
#[derive(Clone, Debug)]
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    pub fn new(dir: impl Into<PathBuf>) -> Layout {
        Layout { dir: dir.into() }
    }

    /// Every scenario file, sorted by name.
    pub fn scenario_files(&self) -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "txt"))
            .filter(|p| p.file_name().is_some_and(|n| !NOT_SCENARIOS.iter().any(|x| n == *x)))
            .collect();
        files.sort();
        Ok(files)
    }

    /// A scenario named on the command line: a name (`leader-loss`) or a path.
    pub fn scenario_file(&self, name_or_path: &str) -> PathBuf {
        let p = Path::new(name_or_path);
        if p.exists() || name_or_path.contains('/') {
            p.to_path_buf()
        } else {
            self.dir.join(format!("{}.txt", name_or_path.trim_end_matches(".txt")))
        }
    }

    pub fn fixture(&self, name: &str) -> PathBuf {
        self.dir.join("etcd").join(format!("{name}.txt"))
    }

    pub fn seeds(&self) -> PathBuf {
        self.dir.join("seeds.txt")
    }

    pub fn differences(&self) -> PathBuf {
        self.dir.join("differences.txt")
    }

    pub fn results(&self) -> PathBuf {
        self.dir.join("RESULTS.md")
    }
}

/// Reads a file, or an empty text if it does not exist.
pub fn read_or_empty(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

pub fn parse_seeds(file: &str, text: &str) -> Result<BTreeMap<String, u64>, String> {
    let mut out = BTreeMap::new();
    for (n, l) in content_lines(text) {
        let mut words = l.split_whitespace();
        let (Some(name), Some(seed), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("{file}:{n}: expected \"<scenario> <seed>\""));
        };
        let seed = seed.parse().map_err(|_| format!("{file}:{n}: the seed must be a number, found {seed:?}"))?;
        if out.insert(name.to_string(), seed).is_some() {
            return Err(format!("{file}:{n}: {name} has two seeds"));
        }
    }
    Ok(out)
}

pub fn seeds_text(seeds: &BTreeMap<String, u64>) -> String {
    let mut out = String::from(
        "# The lab seed each scenario is compared at, chosen by `raftlab oracle fit`: the seed whose\n\
         # run matches the real etcd fixture at the most etcdctl steps (then the most lab words, then\n\
         # the smallest seed). Which member wins an election differs between two real runs too; this\n\
         # is how that luck is masked.\n",
    );
    for (name, seed) in seeds {
        out.push_str(&format!("{name} {seed}\n"));
    }
    out
}

/// A known difference: step `step` of `scenario` does not match, for `reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub scenario: String,
    pub step: usize,
    pub reason: String,
}

pub fn parse_differences(file: &str, text: &str) -> Result<Vec<Difference>, String> {
    let mut out: Vec<Difference> = Vec::new();
    for (n, l) in content_lines(text) {
        let mut parts = l.splitn(3, char::is_whitespace);
        let (Some(scenario), Some(step), Some(reason)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("{file}:{n}: expected \"<scenario> <step> <reason>\""));
        };
        let step = match step.parse::<usize>() {
            Ok(s) if s >= 1 => s,
            _ => return Err(format!("{file}:{n}: the step must be a number from 1, found {step:?}")),
        };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(format!("{file}:{n}: a difference needs a reason"));
        }
        if out.iter().any(|d| d.scenario == scenario && d.step == step) {
            return Err(format!("{file}:{n}: {scenario} step {step} is listed twice"));
        }
        out.push(Difference { scenario: scenario.into(), step, reason: reason.into() });
    }
    Ok(out)
}

/// The comment block of `differences.txt` that names recurring causes (`# [ids] …` and
/// the indented lines that continue each), without the `# `, for RESULTS.md.
pub fn legend(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for l in text.lines() {
        let Some(body) = l.strip_prefix('#') else {
            inside = false;
            continue;
        };
        let body = body.strip_prefix(' ').unwrap_or(body);
        if body.starts_with('[') {
            inside = true;
            out.push_str("- ");
            out.push_str(body);
            out.push('\n');
        } else if inside && body.starts_with("  ") {
            out.pop();
            out.push(' ');
            out.push_str(body.trim());
            out.push('\n');
        } else {
            inside = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_round_trip_and_bad_lines_are_named() {
        let seeds: BTreeMap<String, u64> = [("a".to_string(), 3), ("b".to_string(), 250)].into();
        assert_eq!(parse_seeds("s", &seeds_text(&seeds)), Ok(seeds));
        assert_eq!(
            parse_seeds("seeds.txt", "a 1\nb x\n"),
            Err("seeds.txt:2: the seed must be a number, found \"x\"".into())
        );
        assert_eq!(
            parse_differences("d.txt", "# c\nleader-loss 4 the lab's index is 5\nleader-loss 0 x\n"),
            Err("d.txt:3: the step must be a number from 1, found \"0\"".into())
        );
        assert_eq!(
            legend("# intro\n# [ids] one\n#   two\n# [index] three\nx 1 y\n"),
            "- [ids] one two\n- [index] three\n"
        );
        assert_eq!(
            parse_differences("d.txt", "leader-loss 4 the lab's index is 5\n").unwrap()[0],
            Difference { scenario: "leader-loss".into(), step: 4, reason: "the lab's index is 5".into() }
        );
    }
}
