//! Puts through the full engine, through a bare raft-rs Ready loop, and into bare stores.
//!
//! Contract: the three ways apply the same puts; each returns how many it applied, the
//! messages it delivered, and the seconds `clock` saw pass and the allocations `count` saw
//! made around the puts alone (setup and the first election are not measured). The bare loop is the ceiling: raft-rs with instant
//! in-memory delivery, `MemStorage`, no store, no trace, no network model. The stores alone
//! are the floor no replicated store can go under.

use std::collections::VecDeque;

use raft::eraftpb::Message;
use raft::storage::MemStorage;
use raft::{Config, RawNode, StateRole};

use super::suite::Meter;
use super::{Clock, Figures};
use crate::engine::{Action, ClientOp, Cluster, ClusterConfig, TraceMode};
use crate::store::{Events, PutRequest, Request, Store};

#[derive(Clone, Debug)]
pub struct Workload {
    pub nodes: u64,
    pub single_puts: u64,
    pub batched_puts: u64,
    pub batch: u64,
    /// Simulated link latency for the engine; 0/0 matches the bare loop's instant delivery.
    pub latency_ms: u64,
    pub jitter_ms: u64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload { nodes: 5, single_puts: 20_000, batched_puts: 100_000, batch: 100, latency_ms: 0, jitter_ms: 0 }
    }
}

struct Bare {
    nodes: Vec<RawNode<MemStorage>>,
    inbox: VecDeque<Message>,
    messages: u64,
    applied: u64,
}

impl Bare {
    fn new(n: u64) -> Self {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let voters: Vec<u64> = (1..=n).collect();
        let nodes = (1..=n)
            .map(|id| {
                let storage = MemStorage::new_with_conf_state((voters.clone(), vec![]));
                let cfg =
                    Config { id, election_tick: 10, heartbeat_tick: 1, max_inflight_msgs: 256, ..Config::default() };
                RawNode::new(&cfg, storage, &logger).expect("raft config")
            })
            .collect();
        Bare { nodes, inbox: VecDeque::new(), messages: 0, applied: 0 }
    }

    /// Handles every Ready and delivers every message until the cluster is quiet.
    fn pump(&mut self) {
        loop {
            let mut progressed = false;
            for i in 0..self.nodes.len() {
                let node = &mut self.nodes[i];
                if !node.has_ready() {
                    continue;
                }
                progressed = true;
                let mut rd = node.ready();
                self.inbox.extend(rd.take_messages());
                if !rd.snapshot().is_empty() {
                    let _ = node.mut_store().wl().apply_snapshot(rd.snapshot().clone());
                }
                let committed = rd.take_committed_entries();
                if i == 0 {
                    self.applied += committed.iter().filter(|e| !e.data.is_empty()).count() as u64;
                }
                if !rd.entries().is_empty() {
                    let _ = node.mut_store().wl().append(rd.entries());
                }
                if let Some(hs) = rd.hs() {
                    node.mut_store().wl().set_hardstate(hs.clone());
                }
                self.inbox.extend(rd.take_persisted_messages());
                let mut light = node.advance(rd);
                if let Some(c) = light.commit_index() {
                    node.mut_store().wl().mut_hard_state().commit = c;
                }
                self.inbox.extend(light.take_messages());
                let committed = light.take_committed_entries();
                if i == 0 {
                    self.applied += committed.iter().filter(|e| !e.data.is_empty()).count() as u64;
                }
                node.advance_apply();
            }
            while let Some(m) = self.inbox.pop_front() {
                progressed = true;
                self.messages += 1;
                let to = (m.to - 1) as usize;
                let _ = self.nodes[to].step(m);
            }
            if !progressed {
                break;
            }
        }
    }
}

pub fn bare(w: &Workload, clock: Clock, count: Meter) -> Figures {
    let mut b = Bare::new(w.nodes);
    let _ = b.nodes[0].campaign();
    b.pump();
    assert_eq!(b.nodes[0].raft.state, StateRole::Leader, "bare loop: n1 must lead after campaigning");
    let start = clock();
    let allocated = count();
    let before = b.messages;
    for i in 0..w.single_puts {
        let _ = b.nodes[0].propose(vec![], format!("k{i}=v").into_bytes());
        b.pump();
    }
    let mut left = w.batched_puts;
    let mut i = 0u64;
    while left > 0 {
        let n = left.min(w.batch);
        for _ in 0..n {
            let _ = b.nodes[0].propose(vec![], format!("b{i}=v").into_bytes());
            i += 1;
        }
        b.pump();
        left -= n;
    }
    let secs = clock() - start;
    let allocations = count() - allocated;
    assert_eq!(b.applied, w.single_puts + w.batched_puts, "bare loop applied every put");
    Figures { ops: w.single_puts + w.batched_puts, messages: b.messages - before, secs, allocations }
}

pub fn engine(w: &Workload, mode: TraceMode, clock: Clock, count: Meter) -> Figures {
    let cfg = ClusterConfig {
        nodes: w.nodes,
        seed: 1,
        latency_ms: w.latency_ms,
        jitter_ms: w.jitter_ms,
        ..ClusterConfig::default()
    };
    let mut c = Cluster::with_mode(cfg, mode).expect("config");
    c.apply(Action::Advance(3_000)).expect("advance");
    let leader = c.leader().expect("a leader after 3 s");
    let sent_before = c.messages_sent();
    let start = clock();
    let allocated = count();
    let mut req_id = c.fresh_req_id();
    let put = |i: u64, prefix: &str| {
        ClientOp::Put(PutRequest { key: format!("{prefix}{i}").into(), value: b"v".into(), ..PutRequest::default() })
    };
    let mut ok = 0u64;
    let is_ok = |c: &Cluster, r: u64| c.reply(r).is_some_and(|r| r.result.is_ok()) as u64;
    for i in 0..w.single_puts {
        c.apply(Action::Client { req_id, endpoint: leader, op: put(i, "k").into(), timeout_ms: None }).expect("put");
        c.apply(Action::AwaitReply { req_id, stop_at_ms: None }).expect("await");
        ok += is_ok(&c, req_id);
        req_id += 1;
    }
    let mut left = w.batched_puts;
    let mut i = 0;
    while left > 0 {
        let n = left.min(w.batch);
        for _ in 0..n {
            c.apply(Action::Client { req_id, endpoint: leader, op: put(i, "b").into(), timeout_ms: None })
                .expect("put");
            req_id += 1;
            i += 1;
        }
        c.apply(Action::AwaitReply { req_id: req_id - 1, stop_at_ms: None }).expect("await");
        ok += (req_id - n..req_id).map(|r| is_ok(&c, r)).sum::<u64>();
        left -= n;
    }
    let secs = clock() - start;
    let allocations = count() - allocated;
    assert_eq!(ok, w.single_puts + w.batched_puts, "engine answered every put with OK");
    Figures { ops: ok, messages: c.messages_sent() - sent_before, secs, allocations }
}

/// Every member's store applying every put, and nothing else: the floor under the engine's
/// cost that no raft or network work can remove.
pub fn stores_only(w: &Workload, clock: Clock, count: Meter) -> Figures {
    let mut stores: Vec<Store> = (0..w.nodes).map(|_| Store::new(0, 2)).collect();
    let start = clock();
    let allocated = count();
    let mut ok = 0u64;
    let puts = (0..w.single_puts).map(|i| format!("k{i}")).chain((0..w.batched_puts).map(|i| format!("b{i}")));
    for key in puts {
        let req = Request::Put(PutRequest { key: key.into(), value: b"v".into(), ..PutRequest::default() });
        for s in stores.iter_mut() {
            // No watchers: the events are skipped, as the engine skips them.
            ok += s.apply_with(&req, 0, Events::Skip).result.is_ok() as u64;
        }
    }
    let secs = clock() - start;
    let allocations = count() - allocated;
    assert_eq!(ok, (w.single_puts + w.batched_puts) * w.nodes, "every store applied every put");
    Figures { ops: w.single_puts + w.batched_puts, messages: 0, secs, allocations }
}
