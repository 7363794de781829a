//! Log matching, incrementally: if two logs hold an entry with the same index and term,
//! they hold the same entries up to it.
//!
//! Contract: the pairwise property follows, by induction down the log, from two facts
//! about single entries, which is what is checked: every entry ever held at (index, term)
//! has the same payload, and the same term at index - 1. Raft makes both true over time,
//! not only between logs at one instant (the leader of a term creates each of its entries
//! once, after a fixed predecessor), so each member's log is checked only from where it
//! last changed: its new tail, or, after its tail was cut back and rewritten, from its
//! commit index (raft never cuts a committed entry; those are state machine safety's).

use raft::eraftpb::Entry;

use super::super::disk::DiskCore;
use super::{digest, violation, Checker, Property, LOG_MATCHING};
use crate::engine::cluster::Cluster;
use crate::engine::NodeId;

/// An entry as first seen at its (index, term): its payload hash, the term at the index
/// before it, who held it, and when.
#[derive(Clone, Copy, Debug)]
pub(super) struct Held {
    hash: u64,
    prev: Option<u64>,
    node: NodeId,
    pub(super) seen_ms: u64,
}

/// The term at `index` in a log: an entry's, or the compaction base's.
pub(super) fn term_at(core: &DiskCore, index: u64) -> Option<u64> {
    if index == core.base.0 {
        return Some(core.base.1);
    }
    let first = core.first_index();
    (index >= first).then(|| core.entries.term((index - first) as usize)).flatten()
}

fn entry_at(core: &DiskCore, index: u64) -> Option<Entry> {
    core.entries.get(index.checked_sub(core.first_index())? as usize, index)
}

impl Checker {
    pub(super) fn log_matching(&mut self, c: &Cluster) -> Result<(), super::Violation> {
        let now = c.now_ms();
        for n in c.nodes.values().filter(|n| !n.removed) {
            let g = n.raft_group;
            let core = n.disk.core();
            let (first, last) = (core.first_index(), core.last_index());
            let settled = self.committed_top(g).min(core.hard_state.commit).max(first - 1);
            let from = match self.matched_upto.get(&n.id) {
                Some(&(group, index, _)) if group == g && index < first => first,
                Some(&(group, index, term)) if group == g && index <= last && term_at(&core, index) == Some(term) => {
                    index + 1
                }
                // Cut back and rewritten since (raft does so only above the commit index).
                Some(&(group, ..)) if group == g => settled + 1,
                _ => first,
            };
            let mut prev = term_at(&core, from - 1);
            for index in from..=last {
                let Some(e) = entry_at(&core, index) else {
                    prev = None;
                    continue;
                };
                let (term, hash) = digest(&e);
                match self.entries.get(&(g, index, term)) {
                    Some(h) if h.hash != hash => {
                        return violation(
                            Property::LogMatching,
                            LOG_MATCHING,
                            format!(
                                "n{} and n{} hold different entries at index {index}, both of term {term}",
                                h.node, n.id
                            ),
                        );
                    }
                    Some(h) if h.prev.is_some() && prev.is_some() && h.prev != prev => {
                        return violation(
                            Property::LogMatching,
                            LOG_MATCHING,
                            format!(
                                "n{} and n{} agree at index {index} (term {term}) but differ at index {} (terms {} and {})",
                                h.node,
                                n.id,
                                index - 1,
                                h.prev.unwrap_or(0),
                                prev.unwrap_or(0)
                            ),
                        );
                    }
                    Some(_) => {}
                    None => {
                        self.entries.insert((g, index, term), Held { hash, prev, node: n.id, seen_ms: now });
                    }
                }
                prev = Some(term);
            }
            match term_at(&core, last) {
                Some(term) => self.matched_upto.insert(n.id, (g, last, term)),
                None => self.matched_upto.remove(&n.id),
            };
        }
        Ok(())
    }
}
