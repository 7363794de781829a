//! A steady client load: `rate` puts per second of simulated time, each to the leader (any
//! live member when there is none), cycling over a fixed set of keys; and every five
//! minutes a compaction to the revision of five minutes before, as kube-apiserver compacts
//! the etcd under Kubernetes (etcd itself keeps every revision unless told otherwise).
//!
//! Contract: `steady_run` returns the cluster after `seconds` of simulated time under that
//! load, built only from actions, so the same run replays (a share link, a rewind).
//! Deterministic: the endpoint comes from the cluster's state, never from a clock.

use crate::engine::{Action, ClientOp, Cluster, ClusterConfig, TraceMode};
use crate::store::PutRequest;

/// The table's load: 10 puts per second.
pub const STEADY_RATE: u64 = 10;

/// kube-apiserver's default `--etcd-compaction-interval`.
pub const COMPACT_EVERY_MS: u64 = 300_000;

/// The keys cycle so the store holds a working set, not one key per put.
pub const KEYS: u64 = 100;

pub fn put(i: u64) -> ClientOp {
    ClientOp::Put(PutRequest {
        key: format!("key{:03}", i % KEYS).into(),
        value: format!("value-{i:08}").into(),
        ..PutRequest::default()
    })
}

/// Plays `seconds` of simulated time with `rate` puts per second on a fresh cluster.
pub fn steady_run(cfg: ClusterConfig, mode: TraceMode, seconds: u64, rate: u64) -> Cluster {
    let mut c = Cluster::with_mode(cfg, mode).expect("the steady load's config is valid");
    steady_more(&mut c, seconds, rate);
    c
}

/// Adds `seconds` of steady load to a running cluster.
pub fn steady_more(c: &mut Cluster, seconds: u64, rate: u64) {
    let gap = 1000 / rate.clamp(1, 1000);
    let mut req_id = c.fresh_req_id();
    // The revision seen at the last five-minute mark: the next mark compacts to it.
    let mut marked: Option<i64> = None;
    for _ in 0..seconds * rate {
        let endpoint = c.leader().or_else(|| c.node_ids().into_iter().find(|&n| c.is_alive(n))).unwrap_or(1);
        if c.now_ms() % COMPACT_EVERY_MS < gap && c.now_ms() >= COMPACT_EVERY_MS {
            if let Some(revision) = marked.filter(|&r| r > 1) {
                let op = ClientOp::Compact { revision, physical: false };
                c.apply(Action::Client { req_id, endpoint, op: op.into(), timeout_ms: None })
                    .expect("a compaction to a member is a valid action");
                req_id += 1;
            }
            marked = c.node_view_limited(endpoint, 0).map(|v| v.revision);
        }
        c.apply(Action::Client { req_id, endpoint, op: put(req_id).into(), timeout_ms: None })
            .expect("a put to a member is a valid action");
        req_id += 1;
        c.apply(Action::Advance(gap)).expect("advancing time is always valid");
    }
}
