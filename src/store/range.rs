//! Range reads: etcd 3.4's `applierV3backend.Range` over the key index.
//!
//! Contract: `check_revision` turns a requested revision into the one to read at, with
//! etcd's errors (future first, then compacted; reading exactly at the compact revision
//! is allowed). `execute` then applies limit, sort, keys-only and count-only exactly as
//! etcd does, including its quirk that without an explicit sort order the limit is
//! applied before a non-key sort target reorders the page.

use std::cmp::Ordering;

use super::mvcc::Mvcc;
use super::types::{KeyValue, RangeRequest, RangeResponse, SortOrder, SortTarget, StoreError};

/// etcd's mvcc `rangeKeys` revision rules. `requested <= 0` means "now".
pub(crate) fn check_revision(requested: i64, current: i64, compacted: i64) -> Result<i64, StoreError> {
    if requested > current {
        return Err(StoreError::FutureRev);
    }
    let at = if requested <= 0 { current } else { requested };
    if at < compacted {
        return Err(StoreError::Compacted);
    }
    Ok(at)
}

fn by_target(target: SortTarget) -> impl Fn(&KeyValue, &KeyValue) -> Ordering {
    move |a, b| match target {
        SortTarget::Key => a.key.cmp(&b.key),
        SortTarget::Version => a.version.cmp(&b.version),
        SortTarget::Create => a.create_revision.cmp(&b.create_revision),
        SortTarget::Mod => a.mod_revision.cmp(&b.mod_revision),
        SortTarget::Value => a.value.cmp(&b.value),
    }
}

/// Reads the selection at revision `at` (already checked).
pub(crate) fn execute(kv: &Mvcc, req: &RangeRequest, at: i64) -> RangeResponse {
    let all = kv.range_at(&req.key, &req.range_end, at);
    if req.count_only {
        return RangeResponse { kvs: Vec::new(), more: false, count: all.count() as i64, header_revision: 0 };
    }
    let mut count = 0i64;
    // etcd fetches limit+1 rows (to know `more`) unless a sort order was asked for, in
    // which case it fetches everything, sorts, then cuts.
    let fetch = if req.limit > 0 && req.sort_order == SortOrder::None {
        usize::try_from(req.limit.saturating_add(1)).unwrap_or(usize::MAX)
    } else {
        usize::MAX
    };
    let mut kvs: Vec<KeyValue> = Vec::new();
    for kv in all {
        count += 1;
        if kvs.len() < fetch {
            kvs.push(kv.to_kv());
        }
    }

    let order = match (req.sort_order, req.sort_target) {
        (SortOrder::None, SortTarget::Key) => SortOrder::None,
        // The index already yields keys ascending; any other target defaults to ascend.
        (SortOrder::None, _) => SortOrder::Ascend,
        (o, _) => o,
    };
    let cmp = by_target(req.sort_target);
    match order {
        SortOrder::None => {}
        // Stable sorts: ties keep key order, so the answer is deterministic.
        SortOrder::Ascend => kvs.sort_by(&cmp),
        SortOrder::Descend => kvs.sort_by(|a, b| cmp(b, a)),
    }

    let mut more = false;
    if req.limit > 0 {
        let limit = usize::try_from(req.limit).unwrap_or(usize::MAX);
        if kvs.len() > limit {
            kvs.truncate(limit);
            more = true;
        }
    }
    if req.keys_only {
        for kv in &mut kvs {
            kv.value.clear();
        }
    }
    RangeResponse { kvs, more, count, header_revision: 0 }
}

/// clientv3's `GetPrefixRangeEnd`: the first key past every key with this prefix;
/// `[0]` (all keys from `key` on) when none exists, e.g. for `0xff 0xff`.
pub fn prefix_range_end(key: &[u8]) -> Vec<u8> {
    match key.iter().rposition(|&b| b < 0xff) {
        Some(i) => {
            let mut end = key[..=i].to_vec();
            end[i] += 1;
            end
        }
        None => vec![0],
    }
}
