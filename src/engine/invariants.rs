//! Raft's four safety properties (the Raft paper's Figure 3), checked from outside the
//! engine after any step: election safety, log matching, leader completeness and state
//! machine safety.
//!
//! Contract: `Checker` reads the cluster (never changes it, nor its trace) and remembers
//! what it has seen across calls — who led each term, the one true committed entry at each
//! index, each (index, term)'s entry and the term before it, each node's highest commit —
//! so each call looks only at what is new: leaders new to their term, entries appended or
//! committed since the last call. Every fact carries the simulated time it was first seen,
//! so `rewind` can forget a future the caller abandoned (the lab's step back) without
//! forgetting the past it keeps. Facts are kept per raft group (`Node::raft_group`): a
//! snapshot restore starts a new group whose terms and indexes start again.
//!
//! It reports the first violation as a `Violation`: the `Property` broken (what the lab's
//! safety strip shows), the check's stable name (`invariant`, what the soak prints and
//! shrinks by) and the evidence.

mod log_matching;

use std::collections::BTreeMap;

use raft::eraftpb::Entry;

use super::cluster::Cluster;
use super::node::Node;
use super::trace::fnv1a;
use super::NodeId;

/// The four properties Raft guarantees, as the lab's safety strip shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    /// At most one leader per term.
    ElectionSafety,
    /// Two logs holding an entry with the same index and term hold the same entries up to
    /// it.
    LogMatching,
    /// A leader holds every entry committed before its term.
    LeaderCompleteness,
    /// No two members apply different entries at the same index.
    StateMachineSafety,
}

impl Property {
    pub const ALL: [Property; 4] =
        [Property::ElectionSafety, Property::LogMatching, Property::LeaderCompleteness, Property::StateMachineSafety];

    /// The name the soak prints for the property's own check (stable: shrinking and the
    /// lead's soak logs compare it).
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => ELECTION_SAFETY,
            Property::LogMatching => LOG_MATCHING,
            Property::LeaderCompleteness => LEADER_COMPLETENESS,
            Property::StateMachineSafety => STATE_MACHINE_SAFETY,
        }
    }

    /// A stable identifier for markup and links (`election-safety`).
    pub fn slug(self) -> &'static str {
        match self {
            Property::ElectionSafety => "election-safety",
            Property::LogMatching => "log-matching",
            Property::LeaderCompleteness => "leader-completeness",
            Property::StateMachineSafety => "state-machine-safety",
        }
    }
}

pub const ELECTION_SAFETY: &str = "election safety";
pub const LOG_MATCHING: &str = "log matching";
pub const LEADER_COMPLETENESS: &str = "leader completeness";
pub const STATE_MACHINE_SAFETY: &str = "state machine safety";
/// Reported under state machine safety: a commit index that moves back lets a member
/// apply an index twice, or forget what it applied — exactly what that property forbids.
pub const COMMIT_MONOTONIC: &str = "commit index monotonic";
/// Reported under state machine safety: a loop stopped at its cap leaves a Ready half
/// handled (entries unpersisted, committed entries unapplied), so what a member applied
/// can no longer be trusted to be what was committed.
pub const LOOPS_SETTLE: &str = "engine loops settle";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub property: Property,
    /// The check that failed: the property's name, or one of the engine's own checks
    /// (`COMMIT_MONOTONIC`, `LOOPS_SETTLE`) reported under the property they protect.
    pub invariant: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} violated: {}", self.invariant, self.detail)
    }
}

/// A committed entry as first seen: its term and payload hash, and when.
#[derive(Clone, Copy, Debug)]
struct Committed {
    term: u64,
    hash: u64,
    seen_ms: u64,
}

/// A member's commit indexes as last seen, within one raft group.
#[derive(Clone, Copy, Debug)]
struct Commits {
    group: u64,
    durable: u64,
    /// In its current run; `None` while it is down.
    live: Option<u64>,
}

#[derive(Default)]
pub struct Checker {
    /// (group, term) → the leader and when it was first seen leading.
    leaders: BTreeMap<(u64, u64), (NodeId, u64)>,
    /// (group, index) → the entry committed there.
    committed: BTreeMap<(u64, u64), Committed>,
    /// What log matching has seen (see `log_matching`).
    entries: BTreeMap<(u64, u64, u64), log_matching::Held>,
    commits: BTreeMap<NodeId, Commits>,
    /// node → (group, index): its committed entries checked up to there.
    applied_upto: BTreeMap<NodeId, (u64, u64)>,
    /// node → (group, index, term): the last entry of its log checked for log matching.
    matched_upto: BTreeMap<NodeId, (u64, u64, u64)>,
}

fn digest(e: &Entry) -> (u64, u64) {
    (e.term, fnv1a(fnv1a(0xcbf2_9ce4_8422_2325, &[e.get_entry_type() as u8]), &e.data))
}

fn violation<T>(property: Property, invariant: &'static str, detail: String) -> Result<T, Violation> {
    Err(Violation { property, invariant, detail })
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    pub fn check(&mut self, c: &Cluster) -> Result<(), Violation> {
        if let (n @ 1.., what) = c.overruns() {
            return violation(
                Property::StateMachineSafety,
                LOOPS_SETTLE,
                format!("{n} loop(s) hit their cap, the last: {}", what.unwrap_or("?")),
            );
        }
        self.election_safety(c)?;
        self.commit_monotonic(c)?;
        self.state_machine_safety(c)?;
        self.log_matching(c)?;
        Ok(())
    }

    /// The caller moved `c` back in time (it is the same run at an earlier instant): forget
    /// every fact first seen at or after its clock, and start each member's watermarks from
    /// what it holds now. What was seen before stays, so a future that differs from the
    /// abandoned one is still held to the past both share, and a new leader of a term that
    /// only the abandoned future had is no alarm.
    pub fn rewind(&mut self, c: &Cluster) {
        let t = c.now_ms();
        self.leaders.retain(|_, (_, seen)| *seen < t);
        self.committed.retain(|_, f| f.seen_ms < t);
        self.entries.retain(|_, f| f.seen_ms < t);
        self.commits.clear();
        self.applied_upto.clear();
        self.matched_upto.clear();
        for n in c.nodes.values() {
            let core = n.disk.core();
            // Entries up to here were committed, and checked as such, before the rewind.
            let settled = self.committed_top(n.raft_group).min(core.hard_state.commit);
            self.applied_upto.insert(n.id, (n.raft_group, settled));
            if let Some(term) = log_matching::term_at(&core, settled) {
                self.matched_upto.insert(n.id, (n.raft_group, settled, term));
            }
        }
    }

    /// The highest index known committed in `group` (0 for none).
    fn committed_top(&self, group: u64) -> u64 {
        self.committed.range((group, 0)..=(group, u64::MAX)).next_back().map_or(0, |(k, _)| k.1)
    }

    /// At most one leader per term; a leader new to its term is checked for completeness.
    fn election_safety(&mut self, c: &Cluster) -> Result<(), Violation> {
        for n in c.nodes.values() {
            let Some(live) = n.live.as_ref() else { continue };
            let r = &live.raw.raft;
            if r.state != raft::StateRole::Leader {
                continue;
            }
            match self.leaders.get(&(n.raft_group, r.term)) {
                Some(&(other, _)) if other != n.id => {
                    return violation(
                        Property::ElectionSafety,
                        ELECTION_SAFETY,
                        format!("n{other} and n{} both led term {}", n.id, r.term),
                    );
                }
                Some(_) => {}
                None => {
                    self.leaders.insert((n.raft_group, r.term), (n.id, c.now_ms()));
                    self.leader_completeness(n, r.term)?;
                }
            }
        }
        Ok(())
    }

    /// A leader new to `term` holds every entry committed so far (those its log still has;
    /// the ones before are in its snapshot). Those up to its own commit index were matched
    /// against the committed ones when it committed them (state machine safety), so only
    /// the ones committed elsewhere since are read: an election costs the leader's lag, not
    /// its log's length.
    fn leader_completeness(&self, n: &Node, term: u64) -> Result<(), Violation> {
        let g = n.raft_group;
        let matched = self.applied_upto.get(&n.id).filter(|(group, _)| *group == g).map_or(0, |&(_, upto)| upto);
        let first = n.disk.first_index().max(matched + 1);
        for (&(_, index), f) in self.committed.range((g, first)..=(g, u64::MAX)) {
            let found = n.disk.entry(index).map(|e| digest(&e));
            match found {
                Some((t, h)) if t == f.term && h == f.hash => {}
                Some((t, _)) => {
                    return violation(
                        Property::LeaderCompleteness,
                        LEADER_COMPLETENESS,
                        format!(
                            "n{} leads term {term} but holds term {t} at committed index {index} (committed term {})",
                            n.id, f.term
                        ),
                    )
                }
                None => {
                    return violation(
                        Property::LeaderCompleteness,
                        LEADER_COMPLETENESS,
                        format!("n{} leads term {term} but lacks committed index {index}", n.id),
                    )
                }
            }
        }
        Ok(())
    }

    /// The commit index on disk never moves back, nor does a running member's. A running
    /// member may know more than its disk (a slow disk has not written the hard state
    /// yet): a crash then loses that knowledge, and the member relearns it from the leader.
    /// A member restored into a new raft group starts again.
    fn commit_monotonic(&mut self, c: &Cluster) -> Result<(), Violation> {
        for n in c.nodes.values() {
            let group = n.raft_group;
            let durable = n.disk.core().hard_state.commit;
            let seen = self.commits.entry(n.id).or_insert(Commits { group, durable: 0, live: None });
            if seen.group != group {
                *seen = Commits { group, durable: 0, live: None };
            }
            if durable < seen.durable {
                return violation(
                    Property::StateMachineSafety,
                    COMMIT_MONOTONIC,
                    format!("n{} commit on disk went back from {} to {durable}", n.id, seen.durable),
                );
            }
            seen.durable = durable;
            let live = n.live.as_ref().map(|l| l.raw.raft.raft_log.committed);
            if let (Some(now), Some(before)) = (live, seen.live) {
                if now < before {
                    return violation(
                        Property::StateMachineSafety,
                        COMMIT_MONOTONIC,
                        format!("n{} commit went back from {before} to {now}", n.id),
                    );
                }
            }
            seen.live = live;
        }
        Ok(())
    }

    /// No two nodes commit (and so apply) different entries at the same index.
    fn state_machine_safety(&mut self, c: &Cluster) -> Result<(), Violation> {
        let now = c.now_ms();
        for n in c.nodes.values() {
            let Some(live) = n.live.as_ref() else { continue };
            let g = n.raft_group;
            let commit = live.raw.raft.raft_log.committed;
            let upto = match self.applied_upto.get(&n.id) {
                Some(&(group, upto)) if group == g => upto,
                _ => 0,
            };
            for index in upto.max(n.disk.first_index().saturating_sub(1)) + 1..=commit {
                let Some(e) = n.disk.entry(index) else { continue };
                let (term, hash) = digest(&e);
                match self.committed.get(&(g, index)) {
                    Some(seen) if (seen.term, seen.hash) != (term, hash) => {
                        return violation(
                            Property::StateMachineSafety,
                            STATE_MACHINE_SAFETY,
                            format!(
                                "n{} committed term {term} at index {index}, but term {} was committed there before",
                                n.id, seen.term
                            ),
                        );
                    }
                    Some(_) => {}
                    None => {
                        self.committed.insert((g, index), Committed { term, hash, seen_ms: now });
                    }
                }
            }
            self.applied_upto.insert(n.id, (g, commit));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
