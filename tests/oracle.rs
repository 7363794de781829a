//! The real-etcd oracle's fixtures against the lab: every scenario in `tests/oracle/`,
//! recorded on a real etcd 3.4.23 cluster (`tests/oracle/etcd/`), replayed on the lab at its
//! fitted seed (`tests/oracle/seeds.txt`) and compared step by step after masking. No etcd
//! is needed here.
//!
//! Fails when a scenario has no fixture or seed, when a step differs and
//! `tests/oracle/differences.txt` does not list it with a reason, or when a listed step
//! matches again (so the list cannot go stale). Each failure shows the step and a diff of
//! the masked outputs; the totals are printed either way.

use raftlab::oracle::known::Layout;
use raftlab::oracle::results;
use raftlab::oracle::suite;

#[test]
fn every_fixture_matches_the_lab_or_its_difference_is_explained() {
    let layout = Layout::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle"));
    let report = suite::check(&layout, &[]);
    print!("{}", results::table(&report));
    assert!(!report.results.is_empty(), "no scenario was compared");
    assert!(
        report.problems.is_empty(),
        "{} oracle problem(s):\n\n{}\n\n{}",
        report.problems.len(),
        report.problems.join("\n\n"),
        results::table(&report)
    );
}
