//! Puts, deletes and transactions, with the request checks etcd 3.4 makes around them.
//!
//! Contract: `validate` is etcd's gRPC-layer check (`checkPutRequest`, `checkTxnRequest`,
//! `checkIntervals`): empty keys, `--ignore-*` misuse, too many ops, a key written twice
//! in one txn. A txn is then applied like `applierV3backend.Txn`: every compare (nested
//! ones too) is evaluated against the state *before* the txn, giving the path through
//! the branches; the ops on that path are checked (missing lease, `--ignore-*` on a
//! missing key, then bad range revisions) before anything is written, so a txn either
//! applies whole or not at all; then the ops run in order through one `Writer` (one main
//! revision), each seeing the effects of the earlier ones.

use std::collections::BTreeSet;

use super::lease::Lessor;
use super::mvcc::{Mvcc, Writer};
use super::range;
use super::types::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, DeleteRangeResponse, KeyValue, PutRequest, PutResponse,
    Request, RequestOp, ResponseOp, StoreError, TxnRequest, TxnResponse,
};

/// etcd's default `--max-txn-ops`.
pub(crate) const MAX_TXN_OPS: i64 = 128;

fn check_key(key: &[u8]) -> Result<(), StoreError> {
    if key.is_empty() {
        Err(StoreError::EmptyKey)
    } else {
        Ok(())
    }
}

fn check_put_request(p: &PutRequest) -> Result<(), StoreError> {
    check_key(&p.key)?;
    if p.ignore_value && !p.value.is_empty() {
        return Err(StoreError::ValueNotProvided);
    }
    if p.ignore_lease && p.lease != 0 {
        return Err(StoreError::LeaseNotProvided);
    }
    Ok(())
}

fn check_request_op(op: &RequestOp, max_ops: i64) -> Result<(), StoreError> {
    match op {
        RequestOp::Range(r) => check_key(&r.key),
        RequestOp::Put(p) => check_put_request(p),
        RequestOp::DeleteRange(d) => check_key(&d.key),
        RequestOp::Txn(t) => check_txn_request(t, max_ops),
    }
}

fn check_txn_request(t: &TxnRequest, max_ops: i64) -> Result<(), StoreError> {
    let opc = t.compare.len().max(t.success.len()).max(t.failure.len());
    let opc = i64::try_from(opc).unwrap_or(i64::MAX);
    if opc > max_ops {
        return Err(StoreError::TooManyOps);
    }
    for c in &t.compare {
        check_key(&c.key)?;
    }
    // As etcd: a nested txn gets what its parent's op count leaves of the budget.
    for op in t.success.iter().chain(&t.failure) {
        check_request_op(op, max_ops - opc)?;
    }
    Ok(())
}

/// Does a txn delete (key, end) cover the put key `k`? etcd tests this with interval
/// trees over strings, where an end of "\x00" is an ordinary (empty) bound, so a
/// `--from-key` delete never collides with a put. We keep that quirk.
fn delete_covers(k: &[u8], key: &[u8], end: &[u8]) -> bool {
    if end.is_empty() {
        k == key
    } else {
        key <= k && k < end
    }
}

type Dels<'a> = Vec<(&'a [u8], &'a [u8])>;

/// etcd's `checkIntervals`: the keys a list of ops may put and the ranges it may delete;
/// DuplicateKey if one key could be written twice on any path.
fn check_intervals(ops: &[RequestOp]) -> Result<(BTreeSet<&[u8]>, Dels<'_>), StoreError> {
    let mut dels: Dels<'_> = ops
        .iter()
        .filter_map(|op| match op {
            RequestOp::DeleteRange(d) => Some((&d.key[..], &d.range_end[..])),
            _ => None,
        })
        .collect();
    let hits = |dels: &Dels<'_>, k: &[u8]| dels.iter().any(|(key, end)| delete_covers(k, key, end));

    let mut puts: BTreeSet<&[u8]> = BTreeSet::new();
    for op in ops {
        let RequestOp::Txn(t) = op else { continue };
        let (puts_then, dels_then) = check_intervals(&t.success)?;
        let (puts_else, dels_else) = check_intervals(&t.failure)?;
        for k in &puts_then {
            if puts.contains(k) || hits(&dels, k) {
                return Err(StoreError::DuplicateKey);
            }
            puts.insert(k);
        }
        for k in &puts_else {
            // Then and else are exclusive, so the same key in both is fine.
            if (puts.contains(k) && !puts_then.contains(k)) || hits(&dels, k) {
                return Err(StoreError::DuplicateKey);
            }
            puts.insert(k);
        }
        dels.extend(dels_then);
        dels.extend(dels_else);
    }
    for op in ops {
        let RequestOp::Put(p) = op else { continue };
        if puts.contains(&p.key[..]) || hits(&dels, &p.key) {
            return Err(StoreError::DuplicateKey);
        }
        puts.insert(&p.key);
    }
    Ok((puts, dels))
}

/// The checks etcd's gRPC layer makes before a request is proposed.
pub(crate) fn validate(req: &Request) -> Result<(), StoreError> {
    match req {
        Request::Put(p) => check_put_request(p),
        Request::DeleteRange(d) => check_key(&d.key),
        Request::Txn(t) => {
            check_txn_request(t, MAX_TXN_OPS)?;
            check_intervals(&t.success)?;
            check_intervals(&t.failure)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

pub(crate) fn check_range_request(key: &[u8]) -> Result<(), StoreError> {
    check_key(key)
}

/// The branch taken by a txn and, in order, by each txn nested in that branch.
#[derive(Debug)]
pub(crate) struct Path {
    succeeded: bool,
    nested: Vec<Path>,
}

/// Stands in for a nested path that cannot be missing (paths are built from the same
/// request), so a walk stays total without a panic path.
static NO_PATH: Path = Path { succeeded: false, nested: Vec::new() };

impl Path {
    /// Nested txns' paths, in op order.
    fn nested(&self) -> impl Iterator<Item = &Path> {
        self.nested.iter().chain(std::iter::repeat(&NO_PATH))
    }
}

fn branch<'a>(t: &'a TxnRequest, path: &Path) -> &'a [RequestOp] {
    if path.succeeded {
        &t.success
    } else {
        &t.failure
    }
}

fn compare_kv(c: &Compare, kv: &KeyValue) -> bool {
    let ord = match &c.target {
        CompareTarget::Version(v) => kv.version.cmp(v),
        CompareTarget::Create(v) => kv.create_revision.cmp(v),
        CompareTarget::Mod(v) => kv.mod_revision.cmp(v),
        CompareTarget::Value(v) => kv.value.cmp(v),
        CompareTarget::Lease(v) => kv.lease.cmp(v),
    };
    match c.result {
        CompareResult::Equal => ord.is_eq(),
        CompareResult::NotEqual => ord.is_ne(),
        CompareResult::Greater => ord.is_gt(),
        CompareResult::Less => ord.is_lt(),
    }
}

/// etcd's `applyCompare`: over a range, every key must satisfy it; no key at all compares
/// as a zero `KeyValue`, except that a value compare on nothing is always false.
fn compare_holds(kv: &Mvcc, at: i64, c: &Compare) -> bool {
    let mut any = false;
    for found in kv.range_at(&c.key, &c.range_end, at) {
        any = true;
        if !compare_kv(c, &found.to_kv()) {
            return false;
        }
    }
    if any {
        return true;
    }
    !matches!(c.target, CompareTarget::Value(_)) && compare_kv(c, &KeyValue::default())
}

/// etcd's `compareToPath`, evaluated at revision `at` (the state before the txn).
pub(crate) fn compare_path(kv: &Mvcc, at: i64, t: &TxnRequest) -> Path {
    let succeeded = t.compare.iter().all(|c| compare_holds(kv, at, c));
    let ops = if succeeded { &t.success } else { &t.failure };
    let nested = ops
        .iter()
        .filter_map(|op| match op {
            RequestOp::Txn(n) => Some(compare_path(kv, at, n)),
            _ => None,
        })
        .collect();
    Path { succeeded, nested }
}

/// etcd's `checkRequestPut` for one put inside a txn.
fn check_txn_put(kv: &Mvcc, leases: &Lessor, p: &PutRequest) -> Result<(), StoreError> {
    if (p.ignore_value || p.ignore_lease) && kv.live(&p.key).is_none() {
        return Err(StoreError::KeyNotFound);
    }
    if p.lease != 0 && !leases.contains(p.lease) {
        return Err(StoreError::LeaseNotFound);
    }
    Ok(())
}

/// A top-level put's checks, in `applierV3backend.Put`'s order (lease first).
pub(crate) fn check_put(kv: &Mvcc, leases: &Lessor, p: &PutRequest) -> Result<(), StoreError> {
    if p.lease != 0 && !leases.contains(p.lease) {
        return Err(StoreError::LeaseNotFound);
    }
    if (p.ignore_value || p.ignore_lease) && kv.live(&p.key).is_none() {
        return Err(StoreError::KeyNotFound);
    }
    Ok(())
}

fn check_puts_on_path(kv: &Mvcc, leases: &Lessor, t: &TxnRequest, path: &Path) -> Result<(), StoreError> {
    let mut nested = path.nested();
    for op in branch(t, path) {
        match op {
            RequestOp::Put(p) => check_txn_put(kv, leases, p)?,
            RequestOp::Txn(n) => {
                let np = nested.next().unwrap_or(&NO_PATH);
                check_puts_on_path(kv, leases, n, np)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_ranges_on_path(t: &TxnRequest, path: &Path, current: i64, compacted: i64) -> Result<(), StoreError> {
    let mut nested = path.nested();
    for op in branch(t, path) {
        match op {
            RequestOp::Range(r) => {
                range::check_revision(r.revision, current, compacted)?;
            }
            RequestOp::Txn(n) => {
                let np = nested.next().unwrap_or(&NO_PATH);
                check_ranges_on_path(n, np, current, compacted)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Everything that can make a txn fail at apply, checked before it writes anything.
pub(crate) fn check_txn(
    kv: &Mvcc,
    leases: &Lessor,
    t: &TxnRequest,
    path: &Path,
    current: i64,
    compacted: i64,
) -> Result<(), StoreError> {
    check_puts_on_path(kv, leases, t, path)?;
    check_ranges_on_path(t, path, current, compacted)
}

pub(crate) fn apply_put(w: &mut Writer<'_>, p: &PutRequest) -> PutResponse {
    if !(p.ignore_value || p.ignore_lease) {
        return PutResponse { prev_kv: w.put(&p.key, &p.value, p.lease, p.prev_kv) };
    }
    let existing = w.kv().live(&p.key).map(|kv| kv.stored.clone());
    // The checks above guarantee `existing` for the ignore flags; should a txn reach here
    // without it (etcd would panic), an empty value and no lease are the safe reading.
    let value =
        if p.ignore_value { existing.as_ref().map(|s| s.value.clone()).unwrap_or_default() } else { p.value.clone() };
    let lease = if p.ignore_lease { existing.as_ref().map_or(0, |s| s.lease) } else { p.lease };
    PutResponse { prev_kv: w.put(&p.key, &value, lease, p.prev_kv) }
}

pub(crate) fn apply_delete(w: &mut Writer<'_>, d: &DeleteRangeRequest) -> DeleteRangeResponse {
    let prevs = w.delete_range(&d.key, &d.range_end);
    DeleteRangeResponse { deleted: prevs.len() as i64, prev_kvs: if d.prev_kv { prevs } else { Vec::new() } }
}

/// Runs the ops on `path` (already checked) through the writer.
pub(crate) fn apply_txn(w: &mut Writer<'_>, t: &TxnRequest, path: &Path) -> TxnResponse {
    let mut nested = path.nested();
    let mut responses = Vec::new();
    for op in branch(t, path) {
        let resp = match op {
            RequestOp::Range(r) => {
                let at = if r.revision > 0 { r.revision } else { w.read_rev() };
                let mut resp = range::execute(w.kv(), r, at);
                resp.header_revision = w.seen_rev();
                ResponseOp::Range(resp)
            }
            RequestOp::Put(p) => ResponseOp::Put(apply_put(w, p)),
            RequestOp::DeleteRange(d) => ResponseOp::DeleteRange(apply_delete(w, d)),
            RequestOp::Txn(n) => {
                let np = nested.next().unwrap_or(&NO_PATH);
                ResponseOp::Txn(apply_txn(w, n, np))
            }
        };
        responses.push(resp);
    }
    TxnResponse { succeeded: path.succeeded, responses }
}
