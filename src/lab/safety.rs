//! The lab's safety watch: Raft's four safety properties (`engine::invariants`) checked
//! after everything the lab applies — a play slice, a step, an action, a console line, a
//! lesson's waits — on the real raft-rs nodes, so the browser, lessons, the bench and the
//! oracle all run it.
//!
//! Contract: `SafetyWatch` only reads the cluster (the trace and its hash are untouched).
//! It keeps the first violation (the property, the check's evidence, the simulated time
//! and what the lab had just applied) and stops checking: after a violation nothing the
//! checker remembers can be trusted, and the lab shows that one until it is replaced by a
//! new one. A rewind (`rewound`) keeps what the checker learned before the rewound time and
//! forgets the abandoned future, so a different future is no false alarm; a violation
//! already found stays found (rewinding does not undo a bug).

use crate::engine::invariants::{Checker, Property};
use crate::engine::Cluster;

/// What the lab had just applied when a check ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    /// The lab was opened (a fresh cluster, or a shared run replayed).
    Start,
    /// Simulated time passed (play, a step, a lesson's wait).
    Time,
    /// A console line (as typed).
    Console(String),
    /// An action from a button or a menu, as the engine spells it.
    Action(String),
    /// A step back or a seek: the run replayed to an earlier (or later) instant.
    Rewind,
}

/// The first violation the lab found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub property: Property,
    /// The check that failed (`engine::invariants`' names, as the soak prints them).
    pub invariant: &'static str,
    /// The evidence, in the engine's words (node ids, terms, indexes).
    pub detail: String,
    /// The simulated time of the check that failed.
    pub at_ms: u64,
    pub after: After,
}

/// What the safety strip shows: how many checks ran, and the first violation, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafetyStatus {
    pub checks: u64,
    pub found: Option<Found>,
}

impl SafetyStatus {
    /// Whether `p` has held in every check so far.
    pub fn holds(&self, p: Property) -> bool {
        self.found.as_ref().is_none_or(|f| f.property != p)
    }
}

#[derive(Default)]
pub struct SafetyWatch {
    checker: Checker,
    status: SafetyStatus,
}

impl SafetyWatch {
    pub fn status(&self) -> &SafetyStatus {
        &self.status
    }

    /// Checks `c` as it stands after `after` (built only if a violation is found).
    pub fn check(&mut self, c: &Cluster, after: impl FnOnce() -> After) {
        if self.status.found.is_some() {
            return;
        }
        self.status.checks += 1;
        if let Err(v) = self.checker.check(c) {
            self.status.found = Some(Found {
                property: v.property,
                invariant: v.invariant,
                detail: v.detail,
                at_ms: c.now_ms(),
                after: after(),
            });
        }
    }

    /// `c` is the same run at another instant, rebuilt by replaying it: what the checker
    /// learned from that instant on is forgotten, and `c` is checked as it stands.
    pub fn rewound(&mut self, c: &Cluster) {
        self.checker.rewind(c);
        self.check(c, || After::Rewind);
    }
}
