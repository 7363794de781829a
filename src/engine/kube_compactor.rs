//! kube-apiserver's periodic compactor (`k8s.io/apiserver/pkg/storage/etcd3/compact.go`,
//! `--etcd-compaction-interval`, 5 minutes by default), run on the simulated clock.
//!
//! Contract: once started, every `interval_ms` it sends `txn If(version(compact_rev_key) =
//! time) Then(Put(compact_rev_key, <rev>)) Else(Get(compact_rev_key))` to its endpoint. On
//! success it compacts to the revision it saw at its previous round (not on its first), and
//! keeps the txn's header revision for the next; on failure (another apiserver ran the
//! round) it takes the key's version as its time. A call that fails waits for the next
//! round, as the apiserver logs and carries on. Its calls are the engine's own (internal
//! ids), traced and replayed like any; it logs kube-apiserver's `etcd: compacted rev (N)`.
//! The console's `kube compact` runs rounds of a compactor of its own: two apiservers,
//! which agree through compact_rev_key as real ones do.

use std::rc::Rc;

use crate::store::{
    Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp, ResponseOp, TxnRequest,
};

use super::client::{ClientOp, ClientReply, ClientResult};
use super::cluster::Cluster;
use super::trace::TraceEvent;
use super::NodeId;

/// The key kube-apiserver's compactors agree through.
pub const COMPACT_REV_KEY: &str = "compact_rev_key";

/// One compactor round's txn (`compact.go`): if compact_rev_key is still at the version
/// this compactor expects (`time`), write the revision it saw last round; else read the key.
pub fn compact_round_txn(time: i64, rev: i64) -> TxnRequest {
    let key = COMPACT_REV_KEY.as_bytes().to_vec();
    TxnRequest {
        compare: vec![Compare {
            result: CompareResult::Equal,
            target: CompareTarget::Version(time),
            key: key.clone(),
            range_end: Vec::new(),
        }],
        success: vec![RequestOp::Put(PutRequest {
            key: key.clone().into(),
            value: rev.to_string().into(),
            ..Default::default()
        })],
        failure: vec![RequestOp::Range(RangeRequest { key, ..Default::default() })],
    }
}

/// A call unanswered this long is given up (the next round tries again): etcd's clientv3
/// would wait, but a dead endpoint must not stop the compactor for good.
const CALL_TIMEOUT_MS: u64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Txn,
    /// The compaction to this revision.
    Compact(i64),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct KubeCompactor {
    running: Option<Running>,
}

#[derive(Clone, Debug)]
struct Running {
    endpoint: NodeId,
    interval_ms: u64,
    next_ms: u64,
    /// The version of compact_rev_key this compactor expects, and the revision it saw at
    /// its last round (0 before any).
    time: i64,
    rev: i64,
    waiting: Option<(u64, Stage)>,
}

impl KubeCompactor {
    /// The cluster was replaced (`snapshot restore`): a call in flight is gone.
    pub fn forget_calls(&mut self) {
        if let Some(r) = self.running.as_mut() {
            r.waiting = None;
        }
    }

    pub fn next_due_ms(&self) -> Option<u64> {
        self.running.as_ref().filter(|r| r.waiting.is_none()).map(|r| r.next_ms)
    }

    pub fn owns_call(&self, req_id: u64) -> bool {
        self.running.as_ref().and_then(|r| r.waiting).is_some_and(|(id, _)| id == req_id)
    }
}

impl Cluster {
    /// Starts (or restarts, with a new interval) the compactor; 0 stops it.
    pub(crate) fn set_kube_compactor(&mut self, endpoint: NodeId, interval_ms: u64) {
        self.kube_compactor.running = (interval_ms > 0).then(|| Running {
            endpoint,
            interval_ms,
            next_ms: self.now_ms + interval_ms,
            time: 0,
            rev: 0,
            waiting: None,
        });
    }

    pub(crate) fn kube_compactor_due(&mut self) {
        let now = self.now_ms;
        let Some(r) = self.kube_compactor.running.as_mut() else { return };
        if r.waiting.is_some() || r.next_ms > now {
            return;
        }
        r.next_ms = now + r.interval_ms;
        let txn = compact_round_txn(r.time, r.rev);
        let endpoint = r.endpoint;
        let req_id = self.recipes.new_req_id();
        if let Some(r) = self.kube_compactor.running.as_mut() {
            r.waiting = Some((req_id, Stage::Txn));
        }
        self.submit(req_id, endpoint, Rc::new(ClientOp::Txn(txn)), Some(CALL_TIMEOUT_MS));
    }

    pub(crate) fn kube_compactor_reply(&mut self, reply: &ClientReply) {
        let now = self.now_ms;
        let Some(r) = self.kube_compactor.running.as_mut() else { return };
        let Some((_, stage)) = r.waiting.take() else { return };
        // The next round is an interval after this one ends (compact.go waits on
        // `time.After(interval)` after each round).
        r.next_ms = r.next_ms.max(now);
        let endpoint = r.endpoint;
        let text = match (stage, &reply.result) {
            (Stage::Txn, Ok(ClientResult::Txn(t))) if t.succeeded => {
                r.time += 1;
                let prev = std::mem::replace(&mut r.rev, reply.header.revision);
                if prev == 0 {
                    // No compaction on the first round.
                    return;
                }
                let req_id = self.recipes.new_req_id();
                r.waiting = Some((req_id, Stage::Compact(prev)));
                let op = ClientOp::Compact { revision: prev, physical: false };
                return self.submit(req_id, endpoint, Rc::new(op), Some(CALL_TIMEOUT_MS));
            }
            (Stage::Txn, Ok(ClientResult::Txn(t))) => {
                // Another apiserver ran this round: follow its time.
                r.time = match t.responses.first() {
                    Some(ResponseOp::Range(g)) => g.kvs.first().map(|kv| kv.version).unwrap_or(0),
                    _ => 0,
                };
                r.rev = reply.header.revision;
                return;
            }
            (Stage::Compact(rev), Ok(_)) => {
                ("info", format!("kube-apiserver: etcd: compacted rev ({rev}), endpoints ([http://n{endpoint}:2379])"))
            }
            (_, Err(e)) => ("warn", format!("kube-apiserver: etcd: compaction failed: {e}")),
            (Stage::Txn, Ok(_)) => return,
        };
        let line = super::logger::RaftLogLine { level: text.0.into(), text: text.1 };
        self.trace.push(now, TraceEvent::RaftLog { node: endpoint, line });
    }
}
