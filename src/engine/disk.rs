//! A node's durable storage: raft hard state, log entries and the latest snapshot (with the
//! serialized store as its data).
//!
//! Contract: `Disk` is what survives a kill. It implements `raft::Storage` for the node's
//! `RawNode` and is shared (cheap clone) between the node slot and the live `RawNode`, as
//! etcd's WAL + snapshot files outlive the process. raft-rs's `MemStorage` cannot carry
//! snapshot data, which is why this exists.

use std::cell::RefCell;
use std::rc::Rc;

use raft::eraftpb::{ConfState, Entry, HardState, Snapshot};
use raft::{Error as RaftError, GetEntriesContext, RaftState, Storage, StorageError};

#[derive(Default, Debug)]
pub struct DiskCore {
    pub hard_state: HardState,
    /// The snapshot the log starts after; `metadata.index == 0` means none.
    pub snapshot: Snapshot,
    /// Entries after `base`, contiguous.
    pub entries: Vec<Entry>,
    /// (index, term) of the last entry compacted away, kept so raft can still match the
    /// entry before the first one, as etcd's MemoryStorage keeps a dummy entry.
    pub base: (u64, u64),
    /// raft-rs asked for a snapshot this disk could not give (none yet, or one from before
    /// the receiver joined); the node makes a fresh one at its applied index.
    pub snapshot_wanted: std::cell::Cell<bool>,
}

#[derive(Clone, Default, Debug)]
pub struct Disk(Rc<RefCell<DiskCore>>);

impl Disk {
    pub fn new() -> Self {
        Disk::default()
    }

    /// The etcd bootstrap: a new member of the initial cluster starts with one committed
    /// conf-change entry per initial voter at term 1, so that a member joining later can
    /// learn the whole membership by replaying the log from index 1.
    pub fn bootstrap(entries: Vec<Entry>) -> Self {
        let disk = Disk::new();
        {
            let mut core = disk.0.borrow_mut();
            core.hard_state.term = 1;
            core.hard_state.commit = entries.len() as u64;
            core.entries = entries;
        }
        disk
    }

    pub fn core(&self) -> std::cell::Ref<'_, DiskCore> {
        self.0.borrow()
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
        core.entries.extend_from_slice(ents);
    }

    /// Installs a snapshot received from the leader: the log restarts after it.
    pub fn apply_snapshot(&self, snap: Snapshot) {
        let mut core = self.0.borrow_mut();
        let meta = snap.get_metadata();
        core.hard_state.commit = meta.index;
        core.hard_state.term = core.hard_state.term.max(meta.term);
        core.entries.clear();
        core.base = (meta.index, meta.term);
        core.snapshot = snap;
    }

    /// Records a local snapshot at `index` and compacts the log through `compact_to`
    /// (etcd's `Compact(snapi - SnapshotCatchUpEntries)`): entries after it stay for slow
    /// followers.
    pub fn create_snapshot(&self, index: u64, term: u64, conf_state: ConfState, data: Vec<u8>, compact_to: u64) {
        let mut core = self.0.borrow_mut();
        let mut snap = Snapshot::default();
        snap.mut_metadata().index = index;
        snap.mut_metadata().term = term;
        snap.mut_metadata().set_conf_state(conf_state);
        snap.data = data.into();
        core.snapshot = snap;
        let compact_to = compact_to.min(index);
        let first = core.first_index();
        if compact_to >= first {
            let base_term = core.entries.get((compact_to - first) as usize).map(|e| e.term).unwrap_or(term);
            let drop = ((compact_to - first + 1) as usize).min(core.entries.len());
            core.entries.drain(..drop);
            core.base = (compact_to, base_term);
        }
        if core.base.0 < index && core.entries.is_empty() {
            core.base = (index, term);
        }
    }

    /// True once after raft-rs asked for a snapshot the disk could not give.
    pub fn take_snapshot_wanted(&self) -> bool {
        self.0.borrow().snapshot_wanted.replace(false)
    }

    /// The entry at `index`, if it is still in the log.
    pub fn entry(&self, index: u64) -> Option<Entry> {
        let core = self.0.borrow();
        let first = core.first_index();
        if index < first {
            return None;
        }
        core.entries.get((index - first) as usize).cloned()
    }
}

impl DiskCore {
    /// Index of the first entry that may be in `entries` (the one after the snapshot).
    pub fn first_index(&self) -> u64 {
        self.base.0 + 1
    }

    pub fn last_index(&self) -> u64 {
        match self.entries.last() {
            Some(e) => e.index,
            None => self.base.0,
        }
    }
}

impl Storage for Disk {
    fn initial_state(&self) -> raft::Result<RaftState> {
        let core = self.0.borrow();
        Ok(RaftState {
            hard_state: core.hard_state.clone(),
            // The conf state as of the snapshot; raft replays later conf changes from the
            // log on restart, exactly as etcd does.
            conf_state: core.snapshot.get_metadata().get_conf_state().clone(),
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
        let mut ents = core.entries[lo..hi].to_vec();
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
        Ok(core.entries[(idx - first) as usize].term)
    }

    fn first_index(&self) -> raft::Result<u64> {
        Ok(self.0.borrow().first_index())
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.0.borrow().last_index())
    }

    fn snapshot(&self, request_index: u64, to: u64) -> raft::Result<Snapshot> {
        let core = self.0.borrow();
        let meta = core.snapshot.get_metadata();
        let cs = meta.get_conf_state();
        let knows_receiver =
            [&cs.voters, &cs.learners, &cs.voters_outgoing, &cs.learners_next].iter().any(|ids| ids.contains(&to));
        // A member added after the last snapshot would refuse it ("not in the ConfState"),
        // so ask the node for a fresh one, as TiKV generates snapshots on demand.
        if meta.index == 0 || meta.index < request_index || !knows_receiver {
            core.snapshot_wanted.set(true);
            return Err(RaftError::Store(StorageError::SnapshotTemporarilyUnavailable));
        }
        Ok(core.snapshot.clone())
    }
}
