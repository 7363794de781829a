//! Raft's safety properties, checked from outside the engine after any step.
//!
//! Contract: `Checker` reads the cluster (never changes it) and remembers what it has seen
//! across calls — who led each term, the one true committed entry at each index, each
//! node's highest commit — so each call checks only what is new. It reports the first
//! violation with the invariant's name and the evidence.

use std::collections::BTreeMap;

use raft::eraftpb::Entry;

use super::cluster::Cluster;
use super::trace::fnv1a;
use super::NodeId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} violated: {}", self.invariant, self.detail)
    }
}

#[derive(Default)]
pub struct Checker {
    leaders: BTreeMap<u64, NodeId>,
    /// Committed entries as first seen anywhere: index → (term, payload hash).
    committed: BTreeMap<u64, (u64, u64)>,
    max_commit: BTreeMap<NodeId, u64>,
    /// The commit index each running member has reached in its current run.
    max_live_commit: BTreeMap<NodeId, u64>,
    checked_upto: BTreeMap<NodeId, u64>,
}

fn digest(e: &Entry) -> (u64, u64) {
    (e.term, fnv1a(fnv1a(0xcbf2_9ce4_8422_2325, &[e.get_entry_type() as u8]), &e.data))
}

fn violation<T>(invariant: &'static str, detail: String) -> Result<T, Violation> {
    Err(Violation { invariant, detail })
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    pub fn check(&mut self, c: &Cluster) -> Result<(), Violation> {
        if let (n @ 1.., what) = c.overruns() {
            return violation(
                "engine loops settle",
                format!("{n} loop(s) hit their cap, the last: {}", what.unwrap_or("?")),
            );
        }
        self.election_safety(c)?;
        self.commit_monotonic(c)?;
        self.state_machine_safety(c)?;
        self.log_matching(c)?;
        Ok(())
    }

    /// At most one leader per term; a leader that is new to its term must hold every entry
    /// committed so far (leader completeness).
    fn election_safety(&mut self, c: &Cluster) -> Result<(), Violation> {
        for n in c.nodes.values() {
            let Some(live) = n.live.as_ref() else { continue };
            let r = &live.raw.raft;
            if r.state != raft::StateRole::Leader {
                continue;
            }
            match self.leaders.get(&r.term) {
                Some(&other) if other != n.id => {
                    return violation("election safety", format!("n{other} and n{} both led term {}", n.id, r.term));
                }
                Some(_) => {}
                None => {
                    self.leaders.insert(r.term, n.id);
                    let first = n.disk.first_index();
                    for (&index, &(term, hash)) in self.committed.range(first..) {
                        match n.disk.entry(index).map(|e| digest(&e)) {
                            Some((t, h)) if t == term && h == hash => {}
                            Some((t, _)) => {
                                return violation(
                                    "leader completeness",
                                    format!("n{} leads term {} but holds term {t} at committed index {index} (committed term {term})", n.id, r.term),
                                )
                            }
                            None => {
                                return violation(
                                    "leader completeness",
                                    format!("n{} leads term {} but lacks committed index {index}", n.id, r.term),
                                )
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The commit index on disk never moves back, nor does a running member's. A running
    /// member may know more than its disk (a slow disk has not written the hard state
    /// yet): a crash then loses that knowledge, and the member relearns it from the leader.
    fn commit_monotonic(&mut self, c: &Cluster) -> Result<(), Violation> {
        for n in c.nodes.values() {
            let durable = n.disk.core().hard_state.commit;
            let seen = self.max_commit.entry(n.id).or_insert(0);
            if durable < *seen {
                return violation(
                    "commit index monotonic",
                    format!("n{} commit on disk went back from {} to {durable}", n.id, *seen),
                );
            }
            *seen = durable;
            let Some(l) = n.live.as_ref() else {
                self.max_live_commit.remove(&n.id);
                continue;
            };
            let commit = l.raw.raft.raft_log.committed;
            let seen = self.max_live_commit.entry(n.id).or_insert(0);
            if commit < *seen {
                return violation(
                    "commit index monotonic",
                    format!("n{} commit went back from {} to {commit}", n.id, *seen),
                );
            }
            *seen = commit;
        }
        Ok(())
    }

    /// No two nodes commit (and so apply) different entries at the same index.
    fn state_machine_safety(&mut self, c: &Cluster) -> Result<(), Violation> {
        for n in c.nodes.values() {
            let Some(live) = n.live.as_ref() else { continue };
            let commit = live.raw.raft.raft_log.committed;
            let from =
                self.checked_upto.get(&n.id).copied().unwrap_or(0).max(n.disk.first_index().saturating_sub(1)) + 1;
            for index in from..=commit {
                let Some(e) = n.disk.entry(index) else { continue };
                let d = digest(&e);
                match self.committed.get(&index) {
                    Some(&seen) if seen != d => {
                        return violation(
                            "state machine safety",
                            format!(
                                "n{} committed term {} at index {index}, but term {} was committed there before",
                                n.id, d.0, seen.0
                            ),
                        );
                    }
                    Some(_) => {}
                    None => {
                        self.committed.insert(index, d);
                    }
                }
            }
            self.checked_upto.insert(n.id, commit);
        }
        Ok(())
    }

    /// If two logs hold an entry with the same index and term, they agree on every entry up
    /// to it.
    fn log_matching(&self, c: &Cluster) -> Result<(), Violation> {
        let nodes: Vec<_> = c.nodes.values().filter(|n| !n.removed).collect();
        for (i, a) in nodes.iter().enumerate() {
            for b in &nodes[i + 1..] {
                let ca = a.disk.core();
                let cb = b.disk.core();
                let lo = ca.first_index().max(cb.first_index());
                let hi = ca.last_index().min(cb.last_index());
                if lo > hi {
                    continue;
                }
                let (fa, fb) = (ca.first_index(), cb.first_index());
                let mut matched = false;
                for idx in (lo..=hi).rev() {
                    let (Some(ea), Some(eb)) =
                        (ca.entries.get((idx - fa) as usize, idx), cb.entries.get((idx - fb) as usize, idx))
                    else {
                        continue;
                    };
                    if ea.term == eb.term {
                        matched = true;
                    }
                    if matched && digest(&ea) != digest(&eb) {
                        return violation(
                            "log matching",
                            format!(
                                "n{} and n{} agree on a later entry but differ at index {idx} (terms {} and {})",
                                a.id, b.id, ea.term, eb.term
                            ),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The checker must be able to fail: tamper with one node's disk and it must notice.
    use super::*;
    use crate::engine::{Action, ClientOp, ClusterConfig, TraceEvent};
    use crate::store::PutRequest;

    fn cluster_with_writes() -> Cluster {
        let mut c = Cluster::new(ClusterConfig::with_nodes(3, 5)).unwrap();
        c.apply(Action::Advance(3_000)).unwrap();
        let leader = c.leader().unwrap();
        for i in 1..=3 {
            let op = ClientOp::Put(PutRequest { key: b"k".into(), value: vec![b'0' + i].into(), ..Default::default() });
            c.apply(Action::Client { req_id: i as u64, endpoint: leader, op: op.into(), timeout_ms: None }).unwrap();
            c.apply(Action::AwaitReply { req_id: i as u64, stop_at_ms: None }).unwrap();
        }
        c
    }

    #[test]
    fn a_healthy_cluster_passes() {
        let c = cluster_with_writes();
        assert_eq!(Checker::new().check(&c), Ok(()));
    }

    #[test]
    fn a_rewritten_committed_entry_is_caught() {
        let c = cluster_with_writes();
        let mut seen = Checker::new();
        seen.check(&c).unwrap();
        let follower = c.node_ids().into_iter().find(|id| Some(*id) != c.leader()).unwrap();
        // The follower has applied this index; forge a different payload there, as a buggy
        // WAL might, keeping the term.
        let index = c.node_view(follower).unwrap().committed;
        {
            let disk = &c.nodes.get(&follower).unwrap().disk;
            let mut e = disk.entry(index).unwrap();
            e.data = b"forged".to_vec();
            let tail: Vec<_> = (index + 1..=disk.core().last_index()).filter_map(|i| disk.entry(i)).collect();
            disk.append(&[e]);
            disk.append(&tail);
        }
        // A checker that saw the true entry first reports the divergence…
        let v = Checker { checked_upto: Default::default(), ..seen }.check(&c).unwrap_err();
        assert_eq!(v.invariant, "state machine safety", "{v}");
        assert!(v.detail.contains(&format!("at index {index}")), "{}", v.detail);
        // …and any two logs that agree later but differ here break log matching.
        let lm = Checker::new().log_matching(&c).unwrap_err();
        assert_eq!(lm.invariant, "log matching");
        assert!(lm.detail.contains(&format!("differ at index {index}")), "{}", lm.detail);
    }

    #[test]
    fn a_loop_that_hit_its_cap_is_a_violation() {
        let mut c = cluster_with_writes();
        c.overran("n2's Ready loop did not settle in 64 passes".into());
        let v = Checker::new().check(&c).unwrap_err();
        assert_eq!(v.invariant, "engine loops settle");
        assert_eq!(v.detail, "1 loop(s) hit their cap, the last: n2's Ready loop did not settle in 64 passes");
        let line = c.trace().records().last().map(|r| r.event.clone());
        assert!(
            matches!(&line, Some(TraceEvent::RaftLog { node: 0, line }) if line.level == "error" && line.text.contains("64 passes")),
            "the run says so in its trace: {line:?}"
        );
    }
}
