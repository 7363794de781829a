//! A node's durable storage: raft hard state, log entries, the latest snapshot's metadata,
//! and the backend (the store with the index it has applied).
//!
//! Contract: `Disk` is what survives a kill. It implements `raft::Storage` for the node's
//! `RawNode` and is shared (cheap clone) between the node slot and the live `RawNode`, as
//! etcd's WAL, snap files and bbolt db outlive the process. As in etcd 3.4:
//! - the backend is durable and records its consistent index (`Backend::applied`), so a
//!   restart resumes from it rather than replaying the log into an empty store;
//! - a local snapshot records metadata only and compacts the log; no store image is made;
//! - when raft-rs needs a snapshot for a lagging follower, one is built from the backend at
//!   its applied index (etcd's merged snapshot message), so the cost of serializing the
//!   store is paid only when a follower actually needs it.

use std::cell::RefCell;
use std::rc::Rc;

use raft::eraftpb::{ConfState, Entry, HardState, Snapshot};
use raft::{Error as RaftError, GetEntriesContext, RaftState, Storage, StorageError};

use super::entries::EntryLog;
use crate::store::Store;

/// etcd's backend: the store and its consistent index, with the membership as of that
/// index, all moved together by applying one entry.
#[derive(Debug)]
pub struct Backend {
    pub store: Store,
    /// The last entry whose effects the store (and `conf_state`) hold.
    pub applied: u64,
    /// That entry's term (what etcd reports as its raft term).
    pub applied_term: u64,
    pub conf_state: ConfState,
}

#[derive(Debug)]
pub struct DiskCore {
    pub hard_state: HardState,
    /// Metadata of the snapshot the log starts after; `metadata.index == 0` means none.
    /// Its data is never kept: the backend holds the state.
    pub snapshot: Snapshot,
    /// Entries after `base`, contiguous: `entries` position 0 is index `base.0 + 1`.
    pub entries: EntryLog,
    /// (index, term) of the last entry compacted away, kept so raft can still match the
    /// entry before the first one, as etcd's MemoryStorage keeps a dummy entry.
    pub base: (u64, u64),
    pub backend: Backend,
}

/// The state a write replaced, to take it back.
pub struct Undo {
    hard_state: HardState,
    from: Option<u64>,
    tail: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub struct Disk(Rc<RefCell<DiskCore>>);

impl Disk {
    /// An empty data dir around a fresh store.
    pub fn new(store: Store) -> Self {
        Disk(Rc::new(RefCell::new(DiskCore {
            hard_state: HardState::default(),
            snapshot: Snapshot::default(),
            entries: EntryLog::default(),
            base: (0, 0),
            backend: Backend { store, applied: 0, applied_term: 0, conf_state: ConfState::default() },
        })))
    }

    /// The etcd bootstrap: a new member of the initial cluster starts with one committed
    /// conf-change entry per initial voter at term 1, so that a member joining later can
    /// learn the whole membership by replaying the log from index 1.
    pub fn bootstrap(entries: Vec<Entry>, store: Store) -> Self {
        let disk = Disk::new(store);
        {
            let mut core = disk.0.borrow_mut();
            core.hard_state.term = 1;
            core.hard_state.commit = entries.len() as u64;
            core.entries.extend(&entries);
        }
        disk
    }

    /// `etcdctl snapshot restore`: a data dir whose backend is the saved store, as if it
    /// had applied everything up to `index` with the given membership.
    pub fn restored(store: Store, index: u64, term: u64, conf_state: ConfState) -> Self {
        let disk = Disk::new(store);
        {
            let mut core = disk.0.borrow_mut();
            core.hard_state.term = term;
            core.hard_state.commit = index;
            core.backend.applied = index;
            core.backend.applied_term = term;
            core.backend.conf_state = conf_state.clone();
        }
        disk.create_snapshot(index, term, conf_state, index);
        disk
    }

    pub fn core(&self) -> std::cell::Ref<'_, DiskCore> {
        self.0.borrow()
    }

    pub fn backend(&self) -> std::cell::Ref<'_, Backend> {
        std::cell::Ref::map(self.0.borrow(), |c| &c.backend)
    }

    /// Never held across a call into the `RawNode`, which may read the backend to build a
    /// snapshot.
    pub fn backend_mut(&self) -> std::cell::RefMut<'_, Backend> {
        std::cell::RefMut::map(self.0.borrow_mut(), |c| &mut c.backend)
    }

    pub fn first_index(&self) -> u64 {
        self.0.borrow().first_index()
    }

    pub fn set_hard_state(&self, hs: HardState) {
        self.0.borrow_mut().hard_state = hs;
    }

    pub fn set_commit(&self, commit: u64) {
        self.0.borrow_mut().hard_state.commit = commit;
    }

    /// Appends entries from raft's unstable log, truncating any conflicting suffix, as a WAL
    /// does when a new leader overwrites an uncommitted tail.
    pub fn append(&self, ents: &[Entry]) {
        let Some(first) = ents.first() else { return };
        let mut core = self.0.borrow_mut();
        let base = core.first_index();
        // raft never asks to overwrite what a snapshot covers.
        debug_assert!(first.index >= base, "append {} below first index {}", first.index, base);
        let keep = first.index.saturating_sub(base) as usize;
        core.entries.truncate(keep);
        debug_assert_eq!(first.index, base + core.entries.len() as u64, "append leaves no gap");
        core.entries.extend(ents);
    }

    /// What `undo` needs to take back a write that starts at `first` (a crash before a
    /// slow disk finished it): the hard state and the entries the write replaces.
    pub fn undo_point(&self, first: Option<u64>) -> Undo {
        let core = self.0.borrow();
        let from = first.map(|f| f.max(core.first_index()));
        let tail = match from {
            Some(f) => {
                let (base, len) = (core.first_index(), core.entries.len());
                let lo = ((f - base) as usize).min(len);
                core.entries.range(lo, len, base + lo as u64)
            }
            None => Vec::new(),
        };
        Undo { hard_state: core.hard_state.clone(), from, tail }
    }

    /// Takes back the write `undo` was made for.
    pub fn undo(&self, undo: Undo) {
        let mut core = self.0.borrow_mut();
        core.hard_state = undo.hard_state;
        if let Some(from) = undo.from {
            let keep = from.saturating_sub(core.first_index()) as usize;
            core.entries.truncate(keep);
            core.entries.extend(&undo.tail);
        }
    }

    /// Installs a snapshot received from the leader, whose data has become `store`: the
    /// backend is replaced and the log restarts after it.
    pub fn apply_snapshot(&self, mut snap: Snapshot, store: Store) {
        let mut core = self.0.borrow_mut();
        snap.data = Default::default();
        let meta = snap.get_metadata();
        core.hard_state.commit = meta.index;
        core.hard_state.term = core.hard_state.term.max(meta.term);
        core.entries.clear();
        core.base = (meta.index, meta.term);
        core.backend =
            Backend { store, applied: meta.index, applied_term: meta.term, conf_state: meta.get_conf_state().clone() };
        core.snapshot = snap;
    }

    /// Records a local snapshot at `index` and compacts the log through `compact_to`
    /// (etcd's `Compact(snapi - SnapshotCatchUpEntries)`): entries after it stay for slow
    /// followers.
    pub fn create_snapshot(&self, index: u64, term: u64, conf_state: ConfState, compact_to: u64) {
        let mut core = self.0.borrow_mut();
        let mut snap = Snapshot::default();
        snap.mut_metadata().index = index;
        snap.mut_metadata().term = term;
        snap.mut_metadata().set_conf_state(conf_state);
        core.snapshot = snap;
        let compact_to = compact_to.min(index);
        let first = core.first_index();
        if compact_to >= first {
            let base_term = core.entries.term((compact_to - first) as usize).unwrap_or(term);
            let drop = ((compact_to - first + 1) as usize).min(core.entries.len());
            core.entries.drain_front(drop);
            core.base = (compact_to, base_term);
        }
        if core.base.0 < index && core.entries.is_empty() {
            core.base = (index, term);
        }
    }

    /// The entry at `index`, if it is still in the log.
    pub fn entry(&self, index: u64) -> Option<Entry> {
        let core = self.0.borrow();
        let first = core.first_index();
        if index < first {
            return None;
        }
        core.entries.get((index - first) as usize, index)
    }
}

impl DiskCore {
    /// Index of the first entry that may be in `entries` (the one after the snapshot).
    pub fn first_index(&self) -> u64 {
        self.base.0 + 1
    }

    pub fn last_index(&self) -> u64 {
        self.base.0 + self.entries.len() as u64
    }
}

impl Storage for Disk {
    fn initial_state(&self) -> raft::Result<RaftState> {
        let core = self.0.borrow();
        Ok(RaftState {
            hard_state: core.hard_state.clone(),
            // The membership as of the backend's applied index: raft resumes applying after
            // it (`Config::applied`), so the conf changes up to it are already in effect.
            conf_state: core.backend.conf_state.clone(),
        })
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        _context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        let core = self.0.borrow();
        let first = core.first_index();
        if low < first {
            return Err(RaftError::Store(StorageError::Compacted));
        }
        if high > core.last_index() + 1 {
            return Err(RaftError::Store(StorageError::Unavailable));
        }
        let lo = (low - first) as usize;
        let hi = (high - first) as usize;
        let mut ents = core.entries.range(lo, hi, low);
        raft::util::limit_size(&mut ents, max_size.into());
        Ok(ents)
    }

    fn term(&self, idx: u64) -> raft::Result<u64> {
        let core = self.0.borrow();
        let meta = core.snapshot.get_metadata();
        if idx == meta.index {
            return Ok(meta.term);
        }
        if idx == core.base.0 {
            return Ok(core.base.1);
        }
        let first = core.first_index();
        if idx < first {
            return Err(RaftError::Store(StorageError::Compacted));
        }
        if idx > core.last_index() {
            return Err(RaftError::Store(StorageError::Unavailable));
        }
        core.entries.term((idx - first) as usize).ok_or(RaftError::Store(StorageError::Unavailable))
    }

    fn first_index(&self) -> raft::Result<u64> {
        Ok(self.0.borrow().first_index())
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.0.borrow().last_index())
    }

    /// etcd's merged snapshot: the backend as it stands, at its applied index. That is at
    /// least the index raft-rs asks for, since the leader only compacts what it applied.
    fn snapshot(&self, request_index: u64, _to: u64) -> raft::Result<Snapshot> {
        let core = self.0.borrow();
        let b = &core.backend;
        let term = match self.term(b.applied) {
            Ok(t) if b.applied > 0 && b.applied >= request_index => t,
            _ => return Err(RaftError::Store(StorageError::SnapshotTemporarilyUnavailable)),
        };
        let mut snap = Snapshot::default();
        snap.mut_metadata().index = b.applied;
        snap.mut_metadata().term = term;
        snap.mut_metadata().set_conf_state(b.conf_state.clone());
        snap.data = b.store.to_snapshot();
        Ok(snap)
    }
}
