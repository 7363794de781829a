//! The revisioned key index: every retained version of every key, as etcd's `treeIndex`
//! plus its bbolt `key` bucket.
//!
//! Contract: versions of one key are kept in ascending revision order; a version is either
//! a put (its value and metadata) or a tombstone (a delete). Reading "at revision R" sees,
//! per key, the newest version whose main revision is <= R. Writes go through a [`Writer`],
//! which stamps one main revision and consecutive sub revisions, like one etcd write txn.
//! Compaction keeps, per key, the newest version <= the compact revision (dropped if it is
//! a tombstone) and everything newer. Nothing here knows about leases' lifetimes, quotas or
//! raft; the byte total it keeps feeds the size model in `quota.rs`.
//!
//! Layout: the key is held once, by the index, and shared (`Bytes`) with the request that
//! wrote it, so every member holds one copy of a key and of a value, not three each; a
//! `KeyValue` is built only when a reader asks for one. A key's versions sit inline in the
//! index while there is one, as there usually is between compactions.

use std::collections::BTreeMap;
use std::ops::Bound;

use smallvec::SmallVec;

use super::bytes::Bytes;
use super::quota::version_cost;
use super::types::{Event, EventKind, KeyValue, Revision};

/// What a put stored; the key is the index's, the mod revision the version's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    pub create_revision: i64,
    pub version: i64,
    pub lease: i64,
    pub value: Bytes,
}

/// One stored revision of a key. `put == None` is a tombstone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    pub rev: Revision,
    pub put: Option<Stored>,
}

impl Version {
    fn cost(&self, key: &[u8]) -> u64 {
        version_cost(key, self.put.as_ref().map_or(&[][..], |p| &p.value))
    }
}

pub(crate) type Versions = SmallVec<[Version; 1]>;

/// A live version as a reader sees it, borrowed from the index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KvRef<'a> {
    pub key: &'a Bytes,
    pub mod_revision: i64,
    pub stored: &'a Stored,
}

impl KvRef<'_> {
    pub fn lease(self) -> i64 {
        self.stored.lease
    }

    /// The `mvccpb.KeyValue` a response carries.
    pub fn to_kv(self) -> KeyValue {
        KeyValue {
            key: self.key.to_vec(),
            create_revision: self.stored.create_revision,
            mod_revision: self.mod_revision,
            version: self.stored.version,
            value: self.stored.value.to_vec(),
            lease: self.stored.lease,
        }
    }
}

fn kv_ref<'a>(key: &'a Bytes, v: &'a Version) -> Option<KvRef<'a>> {
    v.put.as_ref().map(|stored| KvRef { key, mod_revision: v.rev.main, stored })
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Mvcc {
    keys: BTreeMap<Bytes, Versions>,
    /// Sum of `version_cost` over every retained version, kept incrementally because the
    /// size model is consulted on every apply.
    bytes: u64,
    /// Keys whose newest version is a put, kept incrementally so that a UI can show the
    /// count every frame without walking the index.
    live: u64,
}

/// The keys a (key, range_end) pair selects, with etcd's conventions: empty end = just
/// `key`; `[0]` = every key >= `key`; otherwise `[key, end)` (empty if end <= key).
fn bounds<'a>(key: &'a [u8], end: &'a [u8]) -> (Bound<&'a [u8]>, Bound<&'a [u8]>) {
    if end.is_empty() {
        (Bound::Included(key), Bound::Included(key))
    } else if end == [0] {
        (Bound::Included(key), Bound::Unbounded)
    } else if end <= key {
        // BTreeMap::range panics on an inverted range; an empty one is what etcd answers.
        (Bound::Included(key), Bound::Excluded(key))
    } else {
        (Bound::Included(key), Bound::Excluded(end))
    }
}

fn visible_at(versions: &[Version], at: i64) -> Option<&Version> {
    let idx = versions.partition_point(|v| v.rev.main <= at);
    idx.checked_sub(1).and_then(|i| versions.get(i))
}

impl Mvcc {
    /// Rebuilds the index from a snapshot's per-key versions (already validated).
    pub fn from_parts(keys: BTreeMap<Bytes, Versions>) -> Mvcc {
        let bytes = keys.iter().map(|(k, vs)| vs.iter().map(|v| v.cost(k)).sum::<u64>()).sum();
        let live = keys.values().filter(|vs| vs.last().is_some_and(|v| v.put.is_some())).count() as u64;
        Mvcc { keys, bytes, live }
    }

    pub fn parts(&self) -> &BTreeMap<Bytes, Versions> {
        &self.keys
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Retained revisions, tombstones included: the keys of etcd's `key` bucket.
    pub fn revision_count(&self) -> u64 {
        self.keys.values().map(|vs| vs.len() as u64).sum()
    }

    pub fn live_count(&self) -> u64 {
        self.live
    }

    fn span<'a>(&'a self, key: &'a [u8], end: &'a [u8]) -> impl Iterator<Item = (&'a Bytes, &'a Versions)> + 'a {
        self.keys.range::<[u8], _>(bounds(key, end))
    }

    /// The key's newest version, if it is live.
    pub fn live(&self, key: &[u8]) -> Option<KvRef<'_>> {
        let (k, vs) = self.keys.get_key_value(key)?;
        vs.last().and_then(|v| kv_ref(k, v))
    }

    /// Live keys of the selection as of revision `at`, in key order.
    pub fn range_at<'a>(&'a self, key: &'a [u8], end: &'a [u8], at: i64) -> impl Iterator<Item = KvRef<'a>> + 'a {
        self.span(key, end).filter_map(move |(k, vs)| visible_at(vs, at).and_then(|v| kv_ref(k, v)))
    }

    /// Every live key, in key order.
    pub fn live_kvs(&self) -> impl Iterator<Item = KvRef<'_>> {
        self.keys.iter().filter_map(|(k, vs)| vs.last().and_then(|v| kv_ref(k, v)))
    }

    /// Drops what compaction at `at` makes unreachable; returns nothing because the byte
    /// total is adjusted in place.
    pub fn compact(&mut self, at: i64) {
        let mut freed = 0u64;
        self.keys.retain(|key, versions| {
            let idx = versions.partition_point(|v| v.rev.main <= at);
            let Some(newest_old) = idx.checked_sub(1) else {
                return true;
            };
            // etcd's keyIndex.keep: the newest version <= at survives unless it is a
            // tombstone, which nothing can read any more.
            let is_tombstone = versions.get(newest_old).is_some_and(|v| v.put.is_none());
            let drop_to = if is_tombstone { idx } else { newest_old };
            for v in versions.drain(..drop_to) {
                freed = freed.saturating_add(v.cost(key));
            }
            // A key compacted back to one version gives its heap block back.
            versions.shrink_to_fit();
            !versions.is_empty()
        });
        self.bytes = self.bytes.saturating_sub(freed);
    }

    /// Events with main revision >= `start_rev` in the selection, in revision order. The
    /// prev kv is the key as of the revision before the event, as etcd's watch server reads
    /// it; it is absent when that revision is below `compact_rev` (etcd's read fails) or
    /// the key did not exist.
    pub fn history(&self, key: &[u8], end: &[u8], start_rev: i64, compact_rev: i64) -> Vec<(Revision, Event)> {
        let mut out = Vec::new();
        for (k, versions) in self.span(key, end) {
            let first = versions.partition_point(|v| v.rev.main < start_rev);
            for v in versions.iter().skip(first) {
                let before = v.rev.main.saturating_sub(1);
                let prev_kv = if before >= compact_rev {
                    visible_at(versions, before).and_then(|p| kv_ref(k, p)).map(|p| p.to_kv())
                } else {
                    None
                };
                out.push((v.rev, event_for(k, v, prev_kv)));
            }
        }
        out.sort_by_key(|(rev, _)| *rev);
        out
    }
}

fn event_for(key: &Bytes, v: &Version, prev_kv: Option<KeyValue>) -> Event {
    match kv_ref(key, v) {
        Some(kv) => Event { kind: EventKind::Put, kv: kv.to_kv(), prev_kv },
        None => Event {
            kind: EventKind::Delete,
            // etcd stores a tombstone as just the key and patches in the deleting revision.
            kv: KeyValue { key: key.to_vec(), mod_revision: v.rev.main, ..KeyValue::default() },
            prev_kv,
        },
    }
}

/// One write transaction: every change gets the same main revision and the next sub
/// revision, and reads through it see the changes made so far. Events are built only when
/// someone will read them (a watcher): most applies have none to feed.
pub(crate) struct Writer<'a> {
    kv: &'a mut Mvcc,
    main: i64,
    changes: i64,
    events: Option<Vec<(Revision, Event)>>,
}

impl<'a> Writer<'a> {
    /// `current` is the store revision before the txn; changes get `current + 1`.
    pub fn new(kv: &'a mut Mvcc, current: i64, keep_events: bool) -> Writer<'a> {
        Writer { kv, main: current.saturating_add(1), changes: 0, events: keep_events.then(Vec::new) }
    }

    /// Reads see this txn's own writes: etcd's write txn ranges at `rev + 1` once it has
    /// changes, which with the changes already in the index is the same as reading at the
    /// txn's main revision.
    pub fn read_rev(&self) -> i64 {
        self.main
    }

    pub fn kv(&self) -> &Mvcc {
        self.kv
    }

    /// The store revision a read sees now: the txn's start revision until it has written.
    pub fn seen_rev(&self) -> i64 {
        if self.changes == 0 {
            self.main - 1
        } else {
            self.main
        }
    }

    fn next_rev(&mut self) -> Revision {
        self.changes += 1;
        Revision { main: self.main, sub: self.changes - 1 }
    }

    /// Writes a new version; returns the previous live kv when `want_prev`. One descent of
    /// the index finds an existing key's history (puts are the hot path); a new key enters
    /// the index as the request's own shared bytes.
    pub fn put(&mut self, key: &Bytes, value: &Bytes, lease: i64, want_prev: bool) -> Option<KeyValue> {
        let rev = self.next_rev();
        // One descent; a new key enters as the request's bytes, an old one keeps its own.
        let versions = self.kv.keys.entry(key.clone()).or_default();
        let prev = versions.last().and_then(|v| kv_ref(key, v));
        let (create_revision, version) = match prev {
            Some(p) => (p.stored.create_revision, p.stored.version.saturating_add(1)),
            None => (rev.main, 1),
        };
        let is_new = prev.is_none();
        let prev = if want_prev || self.events.is_some() { prev.map(|p| p.to_kv()) } else { None };
        if is_new {
            self.kv.live += 1;
        }
        let v = Version { rev, put: Some(Stored { create_revision, version, lease, value: value.clone() }) };
        self.kv.bytes = self.kv.bytes.saturating_add(v.cost(key));
        let returned = if want_prev { prev.clone() } else { None };
        if let Some(events) = self.events.as_mut() {
            events.push((rev, event_for(key, &v, prev)));
        }
        versions.push(v);
        returned
    }

    /// Deletes every live key of the selection in key order; returns their last values.
    pub fn delete_range(&mut self, key: &[u8], end: &[u8]) -> Vec<KeyValue> {
        let doomed: Vec<(Bytes, KeyValue)> =
            self.kv.range_at(key, end, self.main).map(|kv| (kv.key.clone(), kv.to_kv())).collect();
        for (key, prev) in &doomed {
            self.kv.live = self.kv.live.saturating_sub(1);
            let rev = self.next_rev();
            let v = Version { rev, put: None };
            if let Some(events) = self.events.as_mut() {
                events.push((rev, event_for(key, &v, Some(prev.clone()))));
            }
            self.kv.bytes = self.kv.bytes.saturating_add(v.cost(key));
            // The key is live, so it is in the index.
            if let Some(versions) = self.kv.keys.get_mut(&key[..]) {
                versions.push(v);
            }
        }
        doomed.into_iter().map(|(_, kv)| kv).collect()
    }

    /// Whether anything changed (if not, the revision stays), and the events when kept.
    pub fn finish(self) -> (bool, Vec<(Revision, Event)>) {
        (self.changes > 0, self.events.unwrap_or_default())
    }
}
