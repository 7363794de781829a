//! Views: plain structs describing the cluster for the UI, the console and tests.
//!
//! Contract: views are computed on demand from the engine and never fed back into it; they
//! hold copies, so holding one never blocks the engine. A dead node is described from its
//! disk (what survives), with the volatile parts empty.

use serde::{Deserialize, Serialize};

use crate::store::KeyValue;

use super::cluster::Cluster;
use super::config::ClusterConfig;
use super::message::{EntryView, MessageView};
use super::node::role_of;
use super::trace::Role;
use super::NodeId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeView {
    pub id: NodeId,
    pub name: String,
    /// etcd member id, printed as 16 hex digits.
    pub member_id: u64,
    pub alive: bool,
    pub removed: bool,
    pub role: Role,
    pub term: u64,
    pub vote: NodeId,
    pub leader: NodeId,
    /// Ticks since the election timer was last reset, and the (seeded) timeout it runs to.
    pub election_elapsed: u64,
    pub election_timeout: u64,
    pub first_index: u64,
    pub last_index: u64,
    /// Entries on disk (raft-rs persists before acknowledging).
    pub persisted: u64,
    pub committed: u64,
    pub applied: u64,
    pub snapshot_index: u64,
    /// The store revision and contents (empty while dead). `kvs` holds at most the view's
    /// key limit, in key order; `key_count` is how many live keys there are.
    pub revision: i64,
    pub kvs: Vec<KeyValue>,
    pub key_count: u64,
    /// How long each write to its disk takes (`disk n1 200ms`), and when the write under
    /// way, if any, is done.
    pub disk_delay_ms: u64,
    pub fsync_until_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at_ms: u64,
    pub deliver_at_ms: u64,
    pub msg: MessageView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub from: NodeId,
    pub to: NodeId,
    pub cut: bool,
    pub drop_ppm: u32,
    pub dup_ppm: u32,
    pub extra_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    pub now_ms: u64,
    pub cluster_id: u64,
    pub config: ClusterConfig,
    pub leader: Option<NodeId>,
    pub nodes: Vec<NodeView>,
    pub in_flight: Vec<InFlightView>,
    pub links: Vec<LinkView>,
    pub latency_ms: u64,
    pub jitter_ms: u64,
    pub trace_hash: u64,
}

impl Cluster {
    pub fn node_view(&self, id: NodeId) -> Option<NodeView> {
        self.node_view_limited(id, usize::MAX)
    }

    /// A node's view with at most `max_kvs` of its keys (the first in key order): a UI that
    /// redraws every frame need not copy a store of 10,000 keys each time.
    pub fn node_view_limited(&self, id: NodeId, max_kvs: usize) -> Option<NodeView> {
        let n = self.node(id)?;
        let core = n.disk.core();
        let hs = core.hard_state.clone();
        let snapshot_index = core.snapshot.get_metadata().index;
        let (first_index, last_index) = (core.first_index(), core.last_index());
        drop(core);
        let mut v = NodeView {
            id,
            name: n.name.clone(),
            member_id: n.member_id,
            alive: n.is_alive(),
            removed: n.removed,
            role: Role::Dead,
            term: hs.term,
            vote: hs.vote,
            leader: 0,
            election_elapsed: 0,
            election_timeout: 0,
            first_index,
            last_index,
            persisted: last_index,
            committed: hs.commit,
            // The backend is durable with its consistent index (etcd's bbolt file), so a
            // dead member still knows how far it applied.
            applied: n.applied(),
            snapshot_index,
            revision: 0,
            kvs: Vec::new(),
            key_count: 0,
            disk_delay_ms: n.disk_delay_ms,
            fsync_until_ms: None,
        };
        if let Some(live) = n.live.as_ref() {
            let r = &live.raw.raft;
            v.role = role_of(live);
            v.term = r.term;
            // The vote as persisted: a vote is a promise only once it is on disk (the reply
            // that grants it leaves after the Ready that writes it).
            v.vote = live.vote;
            v.leader = r.leader_id;
            v.election_elapsed = r.election_elapsed as u64;
            v.election_timeout = r.randomized_election_timeout() as u64;
            v.persisted = r.raft_log.persisted;
            v.committed = r.raft_log.committed;
            v.applied = n.applied();
            v.fsync_until_ms = live.fsync.as_ref().map(|f| f.done_at_ms);
            v.snapshot_index = live.last_snapshot.max(snapshot_index);
            let store = n.store();
            v.revision = store.revision();
            let (kvs, count) = store.kvs_limited(max_kvs);
            v.kvs = kvs;
            v.key_count = count;
        }
        Some(v)
    }

    /// Log entries of a node in `[from, to]` that are still on its disk.
    pub fn log_entries(&self, id: NodeId, from: u64, to: u64) -> Vec<EntryView> {
        let Some(n) = self.node(id) else { return Vec::new() };
        let core = n.disk.core();
        let first = core.first_index();
        let from = from.max(first);
        let to = to.min(core.last_index());
        if from > to {
            return Vec::new();
        }
        core.entries
            .range((from - first) as usize, (to - first) as usize + 1, from)
            .iter()
            .map(EntryView::from)
            .collect()
    }

    /// Every lease on `id`'s store with its remaining and granted TTL (seconds) and its
    /// keys, as that member's lessor counts them (the leader's is the one that expires).
    pub fn lease_infos(&self, id: NodeId) -> Vec<(i64, i64, i64, Vec<String>)> {
        let Some(n) = self.node(id).filter(|n| n.is_alive()) else { return Vec::new() };
        let store = n.store();
        store
            .leases()
            .into_iter()
            .filter_map(|lease| store.lease_info(lease, self.now_ms))
            .map(|i| {
                let keys = i.keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
                (i.id, i.ttl, i.granted_ttl, keys)
            })
            .collect()
    }

    pub fn in_flight(&self) -> Vec<InFlightView> {
        self.network
            .in_flight()
            .map(|m| InFlightView {
                id: m.env.id,
                from: m.env.from,
                to: m.env.to,
                sent_at_ms: m.env.sent_at_ms,
                deliver_at_ms: m.env.deliver_at_ms,
                msg: MessageView::from(m.msg),
            })
            .collect()
    }

    pub fn links(&self) -> Vec<LinkView> {
        let ids = self.node_ids();
        let mut out = Vec::new();
        for a in &ids {
            for b in &ids {
                if a == b {
                    continue;
                }
                let f = self.network.fault(*a, *b);
                out.push(LinkView {
                    from: *a,
                    to: *b,
                    cut: self.network.is_cut(*a, *b),
                    drop_ppm: f.drop_ppm,
                    dup_ppm: f.dup_ppm,
                    extra_ms: f.extra_ms,
                });
            }
        }
        out
    }

    pub fn view(&self) -> ClusterView {
        self.view_limited(usize::MAX)
    }

    /// The cluster's view with at most `max_kvs` keys per node (see `node_view_limited`).
    pub fn view_limited(&self, max_kvs: usize) -> ClusterView {
        ClusterView {
            now_ms: self.now_ms,
            cluster_id: self.cluster_id,
            config: self.cfg.clone(),
            leader: self.leader(),
            nodes: self.node_ids().into_iter().filter_map(|id| self.node_view_limited(id, max_kvs)).collect(),
            in_flight: self.in_flight(),
            links: self.links(),
            latency_ms: self.network.base_ms,
            jitter_ms: self.network.jitter_ms,
            trace_hash: self.trace.hash(),
        }
    }
}

impl Cluster {
    /// Voters and learners as the leader (or, with no leader, the lowest live node) sees
    /// them; `None` when every node is down.
    pub fn membership(&self) -> Option<(Vec<NodeId>, Vec<NodeId>)> {
        let from = self.leader().or_else(|| self.node_ids().into_iter().find(|id| self.is_alive(*id)))?;
        self.conf_of(from)
    }

    /// The value of `key` in a live node's applied store (a local, serializable read);
    /// `None` when the node is down or absent, `Some(None)` when the key is not there.
    pub fn local_value(&self, id: NodeId, key: &[u8]) -> Option<Option<Vec<u8>>> {
        if !self.is_alive(id) {
            return None;
        }
        let store = self.store_of(id)?;
        let req = crate::store::RangeRequest { key: key.to_vec(), serializable: true, ..Default::default() };
        let value = store.range(&req).ok().and_then(|(r, _)| r.kvs.into_iter().next()).map(|kv| kv.value);
        Some(value)
    }

    /// A digest of a live member's replicated store (etcd's HashKV): equal on members that
    /// applied the same log.
    pub fn store_digest(&self, id: NodeId) -> Option<u64> {
        if !self.is_alive(id) {
            return None;
        }
        self.store_of(id).map(|s| s.hash())
    }

    /// The revisions at which `key` changed in a live member's store, from `start_rev`
    /// on; `None` when the member is down or that part of the history was compacted.
    pub fn key_revisions(&self, id: NodeId, key: &[u8], start_rev: i64) -> Option<Vec<i64>> {
        if !self.is_alive(id) {
            return None;
        }
        let history = self.store_of(id)?.history(key, &[], start_rev).ok()?;
        Some(history.iter().map(|(rev, _)| rev.main).collect())
    }

    /// When the next event (delivery, tick or deadline) is due.
    pub fn next_event_at(&self) -> Option<u64> {
        self.next_event_ms()
    }
}
