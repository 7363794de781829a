//! `endpoint hashkv`: etcd 3.4's `store.HashByRev`, over the lab's index.
//!
//! Contract: the same number real etcd prints for the same history. etcd feeds CRC-32C
//! (Castagnoli) the bucket name `key`, then, in bbolt's order (by revision), every stored
//! revision up to `rev`: its 17-byte key (main and sub big-endian around `_`, plus `t` for
//! a tombstone) and its value, the `mvccpb.KeyValue` protobuf (only the key, for a
//! tombstone). Revisions at or below the compact revision count only if a compaction at
//! `rev` would keep them (`kvindex.Keep`).

use crc::{Crc, CRC_32_ISCSI};

use super::mvcc::{Mvcc, Version};
use super::types::{Revision, StoreError};

const CASTAGNOLI: Crc<u32> = Crc::<u32>::new(&CRC_32_ISCSI);

/// `(hash, current revision, compact revision)`, or etcd's error for `rev`.
pub(crate) fn hash_by_rev(kv: &Mvcc, rev: i64, current: i64, compacted: i64) -> Result<(u32, i64, i64), StoreError> {
    if rev > 0 && rev <= compacted {
        return Err(StoreError::Compacted);
    }
    if rev > current {
        return Err(StoreError::FutureRev);
    }
    let at = if rev == 0 { current } else { rev };
    let mut rows: Vec<(Revision, &[u8], &Version)> = Vec::new();
    for (key, versions) in kv.parts() {
        let upto = versions.partition_point(|v| v.rev.main <= at);
        // `Keep(at)`: the newest revision at or below `at`, unless it is a tombstone.
        let kept = upto.checked_sub(1).filter(|&i| versions[i].put.is_some());
        for (i, v) in versions[..upto].iter().enumerate() {
            if v.rev.main <= compacted && Some(i) != kept {
                continue;
            }
            rows.push((v.rev, key, v));
        }
    }
    rows.sort_by_key(|(r, _, _)| (r.main, r.sub));
    let mut digest = CASTAGNOLI.digest();
    digest.update(b"key");
    let mut buf = Vec::with_capacity(64);
    for (r, key, v) in rows {
        buf.clear();
        buf.extend_from_slice(&r.main.to_be_bytes());
        buf.push(b'_');
        buf.extend_from_slice(&r.sub.to_be_bytes());
        if v.put.is_none() {
            buf.push(b't');
        }
        digest.update(&buf);
        buf.clear();
        encode_kv(&mut buf, key, r.main, v);
        digest.update(&buf);
    }
    Ok((digest.finalize(), current, compacted))
}

/// `mvccpb.KeyValue.Marshal`: fields in number order, zero values left out.
fn encode_kv(out: &mut Vec<u8>, key: &[u8], mod_revision: i64, v: &Version) {
    bytes_field(out, 1, key);
    let Some(p) = &v.put else { return };
    int_field(out, 2, p.create_revision);
    int_field(out, 3, mod_revision);
    int_field(out, 4, p.version);
    bytes_field(out, 5, &p.value);
    int_field(out, 6, p.lease);
}

fn varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    if b.is_empty() {
        return;
    }
    varint(out, field << 3 | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn int_field(out: &mut Vec<u8>, field: u64, x: i64) {
    if x == 0 {
        return;
    }
    varint(out, field << 3);
    varint(out, x as u64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_castagnoli_check_value() {
        // The standard check input of every CRC catalogue.
        assert_eq!(CASTAGNOLI.checksum(b"123456789"), 0xe306_9283);
    }

    #[test]
    fn a_key_value_marshals_as_gogoproto_does() {
        let mut out = Vec::new();
        let v = Version {
            rev: Revision { main: 2, sub: 0 },
            put: Some(super::super::mvcc::Stored {
                create_revision: 2,
                version: 1,
                lease: 0,
                value: b"1".to_vec().into(),
            }),
        };
        encode_kv(&mut out, b"x", 2, &v);
        assert_eq!(out, [0x0a, 1, b'x', 0x10, 2, 0x18, 2, 0x20, 1, 0x2a, 1, b'1']);
    }
}
