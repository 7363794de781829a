//! `EntryLog`: a member's stored raft entries, a contiguous run addressed by position.
//!
//! Contract: behaves as the `Vec<Entry>` it replaces (positions 0..len, append at the end,
//! cut the tail, drop from the front) but holds the entries in chunks of at most `CHUNK`.
//! Etcd keeps up to `--snapshot-count` entries (100,000) before it compacts, so a plain
//! vector would double its way to 131,072 slots: every doubling copies the whole log and
//! briefly holds it twice, and up to half the final buffer is never used (WASM memory never
//! shrinks, so that peak stays). Chunks never move once full; a small log stays in one
//! small chunk that grows as a vector does.

use std::collections::VecDeque;
use std::ops::Index;

use raft::eraftpb::Entry;

/// Entries per chunk: large enough that the chunk table is tiny, small enough that the
/// unused tail of the last one is a rounding error beside a long log.
const CHUNK: usize = 1024;

#[derive(Debug, Default)]
pub struct EntryLog {
    chunks: VecDeque<Vec<Entry>>,
    /// Entries already dropped from the front of the first chunk.
    head: usize,
    len: usize,
}

impl EntryLog {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn locate(&self, i: usize) -> (usize, usize) {
        let p = self.head + i;
        (p / CHUNK, p % CHUNK)
    }

    pub fn get(&self, i: usize) -> Option<&Entry> {
        if i >= self.len {
            return None;
        }
        let (c, o) = self.locate(i);
        self.chunks.get(c).and_then(|chunk| chunk.get(o))
    }

    pub fn last(&self) -> Option<&Entry> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn push(&mut self, e: Entry) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < CHUNK => last.push(e),
            _ => {
                // The first chunk grows as a vector does (a short log stays small); later
                // ones are made whole, once.
                let mut chunk = if self.chunks.is_empty() { Vec::new() } else { Vec::with_capacity(CHUNK) };
                chunk.push(e);
                self.chunks.push_back(chunk);
            }
        }
        self.len += 1;
    }

    pub fn extend_from_slice(&mut self, ents: &[Entry]) {
        for e in ents {
            self.push(e.clone());
        }
    }

    /// Keeps the first `n` entries.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        if n == 0 {
            self.clear();
            return;
        }
        let (c, o) = self.locate(n - 1);
        self.chunks.truncate(c + 1);
        if let Some(last) = self.chunks.back_mut() {
            last.truncate(o + 1);
        }
        self.len = n;
    }

    /// Drops the first `n` entries (all of them if there are fewer).
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len);
        if n == self.len {
            self.clear();
            return;
        }
        let (c, o) = self.locate(n);
        self.chunks.drain(..c);
        self.head = o;
        self.len -= n;
        // The entries before `head` are dead weight until their chunk goes; a long log
        // compacts often enough that they do.
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.head = 0;
        self.len = 0;
    }

    /// Entries at positions `lo..hi`, in order (`hi` at most `len`).
    pub fn range(&self, lo: usize, hi: usize) -> impl Iterator<Item = &Entry> + '_ {
        let hi = hi.min(self.len);
        (lo..hi).filter_map(move |i| self.get(i))
    }

    pub fn from_vec(entries: Vec<Entry>) -> EntryLog {
        let mut log = EntryLog::default();
        for e in entries {
            log.push(e);
        }
        log
    }
}

impl Index<usize> for EntryLog {
    type Output = Entry;

    /// Panics past the end, as a `Vec` does; callers index below `len`.
    fn index(&self, i: usize) -> &Entry {
        match self.get(i) {
            Some(e) => e,
            None => panic!("entry position {i} is past the log's {} entries", self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(index: u64) -> Entry {
        Entry { index, term: index / 7, ..Entry::default() }
    }

    #[derive(Clone, Debug)]
    enum Op {
        Append(u16),
        Truncate(u16),
        DropFront(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1u16..3000).prop_map(Op::Append),
            any::<u16>().prop_map(Op::Truncate),
            any::<u16>().prop_map(Op::DropFront),
        ]
    }

    proptest! {
        /// Whatever is appended, cut and dropped, the log reads as a `Vec` given the same.
        #[test]
        fn reads_as_the_vec_it_replaces(ops in proptest::collection::vec(op(), 1..40)) {
            let (mut log, mut model, mut next) = (EntryLog::default(), Vec::<Entry>::new(), 1u64);
            for op in ops {
                match op {
                    Op::Append(n) => {
                        let ents: Vec<Entry> = (0..n as u64).map(|i| entry(next + i)).collect();
                        next += n as u64;
                        log.extend_from_slice(&ents);
                        model.extend_from_slice(&ents);
                    }
                    Op::Truncate(n) => {
                        log.truncate(n as usize);
                        model.truncate(n as usize);
                    }
                    Op::DropFront(n) => {
                        let n = (n as usize).min(model.len());
                        log.drop_front(n);
                        model.drain(..n);
                    }
                }
                prop_assert_eq!(log.len(), model.len());
                prop_assert_eq!(log.last(), model.last());
                let all: Vec<&Entry> = log.range(0, log.len()).collect();
                prop_assert_eq!(all, model.iter().collect::<Vec<_>>());
                if let Some(mid) = model.len().checked_sub(1).map(|l| l / 2) {
                    prop_assert_eq!(&log[mid], &model[mid]);
                }
                prop_assert!(log.get(model.len()).is_none());
            }
        }
    }

    #[test]
    fn full_chunks_are_made_once_and_never_grow() {
        let mut log = EntryLog::default();
        log.extend_from_slice(&(1..=3000).map(entry).collect::<Vec<_>>());
        let caps: Vec<usize> = log.chunks.iter().map(|c| c.capacity()).collect();
        assert_eq!(log.chunks.len(), 3);
        assert_eq!(caps[1], CHUNK, "a second chunk is allocated whole");
        assert_eq!(log[2999].index, 3000);
        log.drop_front(1500);
        assert_eq!((log.chunks.len(), log.head, log[0].index), (2, 476, 1501));
    }
}
