//! The backend size model, the space quota and the alarms it raises.
//!
//! Contract: sizes are a deterministic model of etcd's bbolt file, not a measurement.
//!
//! * A fresh store reports `db_size` 20480 and `db_size_in_use` 16384, as a fresh etcd
//!   3.4 does (`endpoint status -w json`): four pages hold meta, freelist and buckets,
//!   and bbolt's file has one more page than it uses.
//! * Each retained key version costs `key + value + VERSION_OVERHEAD`, each lease
//!   `LEASE_COST`. `in_use = 16384 + (sum of costs rounded up to 4096-byte pages)`, except
//!   that up to `FRESH_ROOM` bytes fit in the fresh pages (small buckets live inline in
//!   their parent page): a real etcd 3.4.23 stays at 20 kB through a few small puts.
//! * `db_size` follows the file: it only grows (to `in_use + one page`) until a defrag
//!   rewrites the file at `in_use + one page`. Compaction frees versions and so shrinks
//!   `in_use` only — which is why etcd needs a defrag after a compact to get under the
//!   quota again.
//!
//! The quota check is etcd's `backendQuota.Available`: `db_size + cost < quota`, with
//! etcd's request costs (a put is `256 + key + value`, a txn the costlier branch's
//! top-level puts, a lease grant 64).

use std::collections::BTreeSet;

use super::types::{AlarmMember, AlarmType, PutRequest, Request, RequestOp, TxnRequest};

pub(crate) const PAGE: i64 = 4096;
/// Pages a fresh etcd 3.4 backend has in use.
pub(crate) const BASE_IN_USE: i64 = 4 * PAGE;
/// Per stored version: bbolt's 16-byte leaf element header, the 17-byte revision key
/// (8 main + '_' + 8 sub) and ~17 bytes of protobuf framing around the `KeyValue`
/// (field tags, lengths and the varint revisions/version).
pub(crate) const VERSION_OVERHEAD: u64 = 50;
/// Bytes of data the fresh backend's pages hold before the file needs another page
/// (measured: one 1 kB put leaves a real etcd 3.4.23 at 20480 bytes, a second one grows it
/// to 24576).
pub(crate) const FRESH_ROOM: u64 = 2048;
/// Per lease: leaf header (16) + 8-byte id key + a `leasepb.Lease` {ID, TTL} (~16).
pub(crate) const LEASE_COST: u64 = 40;
/// etcd's `DefaultQuotaBytes`, used when the quota is given as 0.
pub(crate) const DEFAULT_QUOTA: u64 = 2 * 1024 * 1024 * 1024;

/// etcd's request cost estimates (etcdserver/quota.go).
const KV_OVERHEAD: u64 = 256;
const LEASE_OVERHEAD: u64 = 64;

pub(crate) fn version_cost(key: &[u8], value: &[u8]) -> u64 {
    (key.len() as u64).saturating_add(value.len() as u64).saturating_add(VERSION_OVERHEAD)
}

fn cost_put(p: &PutRequest) -> u64 {
    KV_OVERHEAD.saturating_add(p.key.len() as u64).saturating_add(p.value.len() as u64)
}

fn cost_branch(ops: &[RequestOp]) -> u64 {
    // etcd's costTxnReq looks at top-level puts only: a put inside a nested txn is free.
    ops.iter()
        .map(|op| match op {
            RequestOp::Put(p) => cost_put(p),
            _ => 0,
        })
        .fold(0u64, u64::saturating_add)
}

pub(crate) fn cost_txn(t: &TxnRequest) -> u64 {
    cost_branch(&t.success).max(cost_branch(&t.failure))
}

/// etcd's `backendQuota.Cost` for the requests its quota interceptor checks.
pub(crate) fn request_cost(req: &Request) -> Option<u64> {
    match req {
        Request::Put(p) => Some(cost_put(p)),
        Request::Txn(t) => Some(cost_txn(t)),
        Request::LeaseGrant { .. } => Some(LEASE_OVERHEAD),
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SizeModel {
    db_size: i64,
}

fn to_i64(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

impl SizeModel {
    pub fn fresh() -> SizeModel {
        SizeModel { db_size: BASE_IN_USE + PAGE }
    }

    /// Restores a file size saved in a snapshot, never below what the data needs.
    pub fn restored(db_size: i64, data_bytes: u64) -> SizeModel {
        let mut m = SizeModel { db_size };
        m.grow(data_bytes);
        m
    }

    pub fn in_use(data_bytes: u64) -> i64 {
        let pages = if data_bytes <= FRESH_ROOM { 0 } else { data_bytes.div_ceil(PAGE as u64) };
        BASE_IN_USE.saturating_add(to_i64(pages).saturating_mul(PAGE))
    }

    pub fn db_size(&self) -> i64 {
        self.db_size
    }

    /// The file grows to hold the data, and never shrinks by itself.
    pub fn grow(&mut self, data_bytes: u64) {
        let needed = Self::in_use(data_bytes).saturating_add(PAGE);
        self.db_size = self.db_size.max(needed);
    }

    pub fn defrag(&mut self, data_bytes: u64) {
        self.db_size = Self::in_use(data_bytes).saturating_add(PAGE);
    }

    /// etcd: `be.Size() + cost < maxBackendBytes`.
    pub fn available(&self, cost: u64, quota: u64) -> bool {
        let quota = if quota == 0 { DEFAULT_QUOTA } else { quota };
        (self.db_size.max(0) as u64).saturating_add(cost) < quota
    }
}

/// Alarms in force, cluster-wide (they go through raft).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Alarms {
    set: BTreeSet<AlarmMember>,
}

impl Alarms {
    pub fn from_list(list: &[AlarmMember]) -> Alarms {
        Alarms { set: list.iter().copied().collect() }
    }

    pub fn list(&self) -> Vec<AlarmMember> {
        self.set.iter().copied().collect()
    }

    pub fn activate(&mut self, a: AlarmMember) {
        self.set.insert(a);
    }

    pub fn deactivate(&mut self, a: &AlarmMember) {
        self.set.remove(a);
    }

    /// While any member's NOSPACE alarm stands, etcd swaps in its capped applier.
    pub fn no_space(&self) -> bool {
        self.set.iter().any(|a| a.alarm == AlarmType::NoSpace)
    }
}
