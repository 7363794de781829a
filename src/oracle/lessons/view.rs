//! What the runner read from the real cluster for one judgement (`View`), and a text the
//! console printed there (`Text`).
//!
//! Contract: pure data. `leader` is a running member that says it leads (the highest term,
//! should two say so), as the lab's `leader` is; `follower` is the lowest-numbered running
//! member that neither leads nor learns; `resolve` gives a lesson's node names their member
//! on the real cluster, or says why it cannot.

use std::collections::{BTreeMap, BTreeSet};

use crate::lesson::NodeName;
use crate::oracle::real::Status;

/// A text the console printed on the real side: as printed, and masked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// The etcdctl line it came from, for masks that depend on the command ("" for output).
    pub line: String,
    pub raw: String,
    pub masked: String,
    /// Printed right after a `defrag`: backend sizes are compared as printed (mask rule 7).
    pub after_defrag: bool,
}

/// What the runner read from the real cluster for one evaluation.
#[derive(Clone, Debug, Default)]
pub struct View {
    pub running: BTreeSet<u64>,
    /// The members that answered `endpoint status`.
    pub statuses: BTreeMap<u64, Status>,
    /// Member id → node.
    pub ids: BTreeMap<u64, u64>,
    /// (voters, learners) from `member list`, when asked.
    pub members: Option<Result<(i64, i64), String>>,
    /// `<node> get <key>` by serializable get: the value, `None` if absent.
    pub gets: BTreeMap<(u64, String), Result<Option<String>, String>>,
    /// Live key counts, when asked.
    pub keys: BTreeMap<u64, Result<i64, String>>,
    pub now_ms: u64,
    /// Members answering for the first time since they (re)started.
    pub fresh: BTreeSet<u64>,
    /// An `expect`: the values must be the cluster's at this instant.
    pub instant: bool,
    pub old_leader: Option<u64>,
    /// `None`: the last console line was a lab word, whose text only the lab prints.
    pub reply: Option<Text>,
    /// `None`: nothing etcdctl printed in this step yet, only lab words.
    pub output: Option<Text>,
}

impl View {
    /// The running member that says it leads (the highest term, should two say so).
    pub fn leader(&self) -> Option<u64> {
        let leads = self.statuses.values().filter(|s| s.leader != 0 && s.leader == s.member_id);
        leads
            .filter(|s| self.running.contains(&s.node))
            .max_by_key(|s| (s.term, std::cmp::Reverse(s.node)))
            .map(|s| s.node)
    }

    /// `leader`, when it can be told: with no member saying it leads, a running member that
    /// did not answer might be the leader, so there is no telling (`Err`, naming it).
    pub fn known_leader(&self) -> Result<Option<u64>, String> {
        match self.leader() {
            Some(l) => Ok(Some(l)),
            None => match self.running.iter().find(|k| !self.statuses.contains_key(k)) {
                Some(k) => Err(format!("n{k} did not answer endpoint status, so whether anyone leads is not known")),
                None => Ok(None),
            },
        }
    }

    /// The lowest-numbered running member that neither leads nor learns.
    pub fn follower(&self) -> Option<u64> {
        let leader = self.leader();
        self.running.iter().copied().find(|k| Some(*k) != leader && !self.statuses.get(k).is_some_and(|s| s.is_learner))
    }

    pub fn resolve(&self, name: NodeName) -> Result<Option<u64>, String> {
        match name {
            NodeName::None => Ok(None),
            NodeName::Id(id) => Ok(Some(id)),
            NodeName::Leader => self.leader().map(Some).ok_or_else(|| "there is no leader right now".into()),
            NodeName::OldLeader => self.old_leader.map(Some).ok_or_else(|| "there has been no earlier leader".into()),
            NodeName::AFollower => self.follower().map(Some).ok_or_else(|| "no running member is a follower".into()),
        }
    }
}

/// Table rows with their cells trimmed, so a fragment of a row matches the whole table.
pub fn cells(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('|') {
                let inner = l.trim().trim_start_matches('|').trim_end_matches('|');
                format!("| {} |", inner.split('|').map(str::trim).collect::<Vec<_>>().join(" | "))
            } else if l.starts_with("+-") {
                "+".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
