//! Comparing two transcripts of one scenario step by step, after masking.
//!
//! Contract: `compare` first checks that both transcripts played exactly the scenario's
//! steps (same lines, same stdin; a fixture recorded before the scenario changed is an
//! error, not a mismatch), then masks each side with its own `Masker` and reports, per
//! step, the two masked texts. A step matches when they are equal. Lab words count apart
//! from etcdctl steps: the match target is over etcdctl steps.
//!
//! Election luck is not masked here: `fit` chooses the lab seed (see `fit.rs` and
//! `mask.rs`).

use super::mask::Masker;
use super::scenario::Scenario;
use super::transcript::Transcript;

/// One step of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// 1-based, over all steps of the scenario.
    pub number: usize,
    pub line: String,
    pub etcdctl: bool,
    /// Masked text of the expected side (the real etcd fixture).
    pub expected: String,
    /// Masked text of the actual side (the lab).
    pub actual: String,
}

impl Outcome {
    pub fn matches(&self) -> bool {
        self.expected == self.actual
    }
}

/// Steps counted by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub etcdctl: usize,
    pub etcdctl_matching: usize,
    pub lab_words: usize,
    pub lab_words_matching: usize,
}

impl Tally {
    pub fn of(outcomes: &[Outcome]) -> Tally {
        let mut t = Tally::default();
        for o in outcomes {
            if o.etcdctl {
                t.etcdctl += 1;
                t.etcdctl_matching += usize::from(o.matches());
            } else {
                t.lab_words += 1;
                t.lab_words_matching += usize::from(o.matches());
            }
        }
        t
    }

    pub fn add(&mut self, o: Tally) {
        self.etcdctl += o.etcdctl;
        self.etcdctl_matching += o.etcdctl_matching;
        self.lab_words += o.lab_words;
        self.lab_words_matching += o.lab_words_matching;
    }
}

/// Whether `t` played exactly `scenario`'s steps.
pub fn same_steps(scenario: &Scenario, t: &Transcript, what: &str) -> Result<(), String> {
    if t.members != scenario.members || t.flags != scenario.flags {
        return Err(format!("{what} was recorded with other members or flags than {}.txt has now", scenario.name));
    }
    if t.steps.len() != scenario.steps.len() {
        return Err(format!(
            "{what} has {} steps, {}.txt has {}: record it again",
            t.steps.len(),
            scenario.name,
            scenario.steps.len()
        ));
    }
    for (i, (a, b)) in t.steps.iter().zip(&scenario.steps).enumerate() {
        if a.line != b.line || a.stdin != b.stdin {
            return Err(format!(
                "{what} step {} is {:?}, {}.txt has {:?} there: record it again",
                i + 1,
                a.line,
                scenario.name,
                b.line
            ));
        }
    }
    Ok(())
}

/// Compares `actual` against `expected`, step by step.
pub fn compare(scenario: &Scenario, expected: &Transcript, actual: &Transcript) -> Result<Vec<Outcome>, String> {
    same_steps(scenario, expected, "the fixture")?;
    same_steps(scenario, actual, "the run")?;
    let (me, ma) = (Masker::new(expected), Masker::new(actual));
    Ok(scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| Outcome {
            number: i + 1,
            line: step.line.clone(),
            etcdctl: step.kind.is_etcdctl(),
            expected: me.step(i, &expected.steps[i]),
            actual: ma.step(i, &actual.steps[i]),
        })
        .collect())
}

/// A line diff of two texts: `  ` common, `- ` only in `expected`, `+ ` only in `actual`.
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence, by table: outputs are a few dozen lines.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    if a.is_empty() && b.is_empty() {
        out.push_str("  (no output)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_mark_each_side() {
        assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
        assert_eq!(diff("", "! Error: x\n"), "+ ! Error: x\n");
    }
}
