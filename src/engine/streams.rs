//! Streams: watches and lease keep-alives, which answer more than once.
//!
//! Contract: a watch lives on its endpoint and sees events as that member applies them, from
//! its start revision (history first, or a cancel if that revision was compacted), each
//! once; when a snapshot replaces the member's store, it catches up from the new store's
//! history (or is canceled if that was compacted). A
//! keep-alive renews through the endpoint's leader every TTL/3 and ends when the lease is
//! gone. Both die with their endpoint, and each answer is a trace event.
//!
//! `Streams` holds them: watches and keep-alives share one id sequence, each id is handed
//! out once (a stream a learner refuses still takes one, as etcd's does), and every stream
//! belongs to one member, so a member's streams end together.

use std::collections::BTreeMap;

use crate::store::{Applied, Event, Revision};

use super::client::{ClientResult, KeepAliveTick, ResponseHeader, WatchBatch};
use super::cluster::Cluster;
use super::trace::TraceEvent;
use super::NodeId;

/// A running `lease keep-alive`.
pub(crate) struct Keeper {
    pub node: NodeId,
    pub lease: i64,
    /// When the next renewal is due.
    pub next_ms: u64,
    /// clientv3's own deadline: a TTL after the last answer. A recipe's session ends there
    /// when no renewal got through (its endpoint was cut off from the leader).
    pub deadline_ms: Option<u64>,
}

pub(crate) struct Watcher {
    pub node: NodeId,
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub prev_kv: bool,
    /// The lowest revision not yet delivered.
    pub next_rev: i64,
}

#[derive(Default)]
pub(crate) struct Streams {
    watchers: BTreeMap<u64, Watcher>,
    keepers: BTreeMap<u64, Keeper>,
    /// The id the next stream gets; ids start at 1.
    next_id: u64,
}

impl Streams {
    /// A stream id never handed out before.
    pub fn new_id(&mut self) -> u64 {
        self.next_id = self.next_id.max(1);
        self.next_id += 1;
        self.next_id - 1
    }

    pub fn add_watch(&mut self, id: u64, w: Watcher) {
        self.watchers.insert(id, w);
    }

    pub fn add_keeper(&mut self, id: u64, k: Keeper) {
        self.keepers.insert(id, k);
    }

    /// Ends the stream `id`, whichever kind it is.
    pub fn end(&mut self, id: u64) {
        self.watchers.remove(&id);
        self.keepers.remove(&id);
    }

    pub fn exists(&self, id: u64) -> bool {
        self.watchers.contains_key(&id) || self.keepers.contains_key(&id)
    }

    pub fn watch(&self, id: u64) -> Option<&Watcher> {
        self.watchers.get(&id)
    }

    pub fn watch_mut(&mut self, id: u64) -> Option<&mut Watcher> {
        self.watchers.get_mut(&id)
    }

    pub fn keeper(&self, id: u64) -> Option<&Keeper> {
        self.keepers.get(&id)
    }

    pub fn keeper_mut(&mut self, id: u64) -> Option<&mut Keeper> {
        self.keepers.get_mut(&id)
    }

    /// The watches on `node`, by id.
    pub fn watches_on(&self, node: NodeId) -> Vec<u64> {
        self.watchers.iter().filter(|(_, w)| w.node == node).map(|(k, _)| *k).collect()
    }

    /// Whether anyone watches `node`'s store (its applies then build events).
    pub fn watched(&self, node: NodeId) -> bool {
        self.watchers.values().any(|w| w.node == node)
    }

    /// The keep-alives on `node` due at `now`, by id.
    pub fn keepers_due(&self, node: NodeId, now_ms: u64) -> Vec<u64> {
        self.keepers.iter().filter(|(_, k)| k.node == node && k.next_ms <= now_ms).map(|(s, _)| *s).collect()
    }

    /// Ends every stream on `node` (it stopped, or left the cluster).
    pub fn end_on(&mut self, node: NodeId) {
        self.watchers.retain(|_, w| w.node != node);
        self.keepers.retain(|_, k| k.node != node);
    }
}

pub(crate) fn in_range(k: &[u8], key: &[u8], range_end: &[u8]) -> bool {
    if range_end.is_empty() {
        k == key
    } else if range_end == [0] {
        k >= key
    } else {
        k >= key && k < range_end
    }
}

impl Cluster {
    /// One renewal of a keep-alive stream, if its leader is reachable; otherwise it tries
    /// again on the endpoint's next tick, as clientv3 retries.
    pub(crate) fn keep_alive(&mut self, stream_id: u64) {
        let Some(k) = self.streams.keeper(stream_id) else { return };
        let (node, lease, deadline) = (k.node, k.lease, k.deadline_ms);
        let Some(leader) = self.reachable_leader(node) else {
            if deadline.is_some_and(|d| self.now_ms >= d) && self.recipes.owner_of_stream(stream_id).is_some() {
                self.streams.end(stream_id);
                self.recipe_keeper_lost(stream_id);
            }
            return;
        };
        let now = self.now_ms;
        let Some(mut store) = self.store_mut_of(leader) else { return };
        let ttl = store.renew_lease(lease, now).ok();
        drop(store);
        match ttl {
            // clientv3 sends the next keep-alive a third of the TTL later.
            Some(t) => {
                if let Some(k) = self.streams.keeper_mut(stream_id) {
                    k.next_ms = now + (t.max(1) as u64 * 1000) / 3;
                    k.deadline_ms = Some(now + t.max(1) as u64 * 1000);
                }
            }
            None => {
                self.streams.end(stream_id);
                if self.recipes.owner_of_stream(stream_id).is_some() {
                    return self.recipe_keeper_lost(stream_id);
                }
            }
        }
        if self.recipes.owner_of_stream(stream_id).is_some() {
            // A recipe's session: etcdctl prints nothing for its renewals.
            return;
        }
        let tick = KeepAliveTick { stream_id, header: self.header(node), lease, ttl_secs: ttl };
        self.trace.push(self.now_ms, TraceEvent::KeepAlive { node, tick: Box::new(tick) });
    }

    pub(crate) fn create_watch(
        &mut self,
        req_id: u64,
        endpoint: NodeId,
        key: Vec<u8>,
        range_end: Vec<u8>,
        start: i64,
        prev_kv: bool,
    ) {
        let watch_id = self.streams.new_id();
        let Some(store) = self.store_of(endpoint) else { return };
        let current = store.revision();
        let next_rev = if start > 0 { start } else { current + 1 };
        let history = if start > 0 && start <= current { Some(store.history(&key, &range_end, start)) } else { None };
        let compact = store.compact_revision();
        drop(store);
        self.streams.add_watch(watch_id, Watcher { node: endpoint, key, range_end, prev_kv, next_rev });
        self.finish(req_id, endpoint, Ok(ClientResult::WatchCreated { watch_id }));
        match history {
            Some(Ok(events)) => self.catch_up(watch_id, endpoint, events, prev_kv, current),
            Some(Err(_)) => {
                self.streams.end(watch_id);
                if self.recipes.owner_of_stream(watch_id).is_some() {
                    return self.recipe_watch_lost(watch_id);
                }
                let batch = WatchBatch {
                    watch_id,
                    header: self.header(endpoint),
                    events: Vec::new(),
                    compact_revision: compact,
                    canceled: true,
                };
                self.trace.push(self.now_ms, TraceEvent::Watch { node: endpoint, batch: Box::new(batch) });
            }
            None => {}
        }
    }

    /// Sends a watch the events it missed, from history, and moves it past `current`.
    fn catch_up(&mut self, watch_id: u64, node: NodeId, events: Vec<(Revision, Event)>, prev_kv: bool, current: i64) {
        // etcd sends the catch-up events grouped by revision.
        let mut groups: Vec<(i64, Vec<Event>)> = Vec::new();
        for (rev, ev) in events {
            match groups.last_mut() {
                Some((r, evs)) if *r == rev.main => evs.push(ev),
                _ => groups.push((rev.main, vec![ev])),
            }
        }
        let header = self.header(node);
        for (_, evs) in groups {
            self.emit_watch(watch_id, node, header.clone(), evs, prev_kv);
        }
        if let Some(w) = self.streams.watch_mut(watch_id) {
            w.next_rev = current + 1;
        }
    }

    fn emit_watch(
        &mut self,
        watch_id: u64,
        node: NodeId,
        header: ResponseHeader,
        mut events: Vec<Event>,
        prev_kv: bool,
    ) {
        if !prev_kv {
            for e in &mut events {
                e.prev_kv = None;
            }
        }
        if self.recipes.owner_of_stream(watch_id).is_some() {
            return self.recipe_events(watch_id, &header, &events);
        }
        let batch = WatchBatch { watch_id, header, events, compact_revision: 0, canceled: false };
        self.trace.push(self.now_ms, TraceEvent::Watch { node, batch: Box::new(batch) });
    }

    pub(crate) fn deliver_watch_events(&mut self, id: NodeId, applied: &Applied) {
        if applied.events.is_empty() {
            return;
        }
        let header = self.header(id);
        for watch_id in self.streams.watches_on(id) {
            let Some(w) = self.streams.watch_mut(watch_id) else { continue };
            let evs: Vec<Event> = applied
                .events
                .iter()
                .filter(|(rev, e)| rev.main >= w.next_rev && in_range(&e.kv.key, &w.key, &w.range_end))
                .map(|(_, e)| e.clone())
                .collect();
            w.next_rev = w.next_rev.max(applied.revision + 1);
            let prev_kv = w.prev_kv;
            if !evs.is_empty() {
                self.emit_watch(watch_id, id, header.clone(), evs, prev_kv);
            }
        }
    }

    /// After a snapshot replaced `id`'s store: each watch there is sent the events it has
    /// not seen from the new store's history (etcd moves its synced watchers to unsynced on
    /// restore and syncs them from the backend), or is canceled with the compact revision
    /// if that history is gone.
    pub(crate) fn resync_watchers(&mut self, id: NodeId) {
        for watch_id in self.streams.watches_on(id) {
            let Some(w) = self.streams.watch(watch_id) else { continue };
            let (key, range_end, next_rev, prev_kv) = (w.key.clone(), w.range_end.clone(), w.next_rev, w.prev_kv);
            let Some(store) = self.store_of(id) else { return };
            let current = store.revision();
            if next_rev > current {
                continue;
            }
            let history = store.history(&key, &range_end, next_rev);
            let compact = store.compact_revision();
            drop(store);
            let header = self.header(id);
            match history {
                Ok(events) => self.catch_up(watch_id, id, events, prev_kv, current),
                Err(_) => {
                    self.streams.end(watch_id);
                    if self.recipes.owner_of_stream(watch_id).is_some() {
                        self.recipe_watch_lost(watch_id);
                        continue;
                    }
                    let batch =
                        WatchBatch { watch_id, header, events: Vec::new(), compact_revision: compact, canceled: true };
                    self.trace.push(self.now_ms, TraceEvent::Watch { node: id, batch: Box::new(batch) });
                }
            }
        }
    }

    pub(crate) fn drop_watchers_on(&mut self, id: NodeId) {
        self.orphan_recipes_on(id);
        self.streams.end_on(id);
    }
}
