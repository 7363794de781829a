//! A node's log entries, packed: what `Disk` keeps of each entry, in segments.
//!
//! Contract: `EntryLog` holds a run of entries by position (`0..len()`), and gives back
//! each one equal to the `Entry` that was pushed (type, term, data, context, `sync_log`),
//! with the index the caller says it has: `Disk` numbers them from its base, as it always
//! did. Nothing else about an entry is kept.
//!
//! Why: a plain `Vec<Entry>` costs an `Entry` (48 bytes in wasm32) plus one heap block per
//! payload (a 30-byte put takes 48 bytes of dlmalloc chunk there), and its doubling leaves
//! up to half of the buffer unused, for every member of the engine and of the lab's rewind
//! checkpoint. Here an entry is a 24-byte head plus its bytes in a shared buffer, and the
//! log grows by whole segments of `SEGMENT` entries, so nothing is ever copied to grow and
//! at most one segment per log is partly empty. Compaction drops whole segments (the dead
//! entries at the front of the first one wait until it empties); a truncated suffix is cut
//! off in place.

use raft::eraftpb::Entry;

/// Entries per segment: a full segment's heads take 24 KiB (a power of two, so a
/// segment's heads, growing by doubling, end with no unused room).
const SEGMENT: usize = 1024;

/// An entry without its payload: the payload is `bytes[start..end]` of its segment, where
/// `start` is the previous head's `end` (0 for the first), data first, then context.
#[derive(Clone, Copy, Debug)]
struct Head {
    term: u64,
    end: u32,
    context_len: u32,
    entry_type: i32,
    sync_log: bool,
}

#[derive(Debug, Default)]
struct Segment {
    heads: Vec<Head>,
    bytes: Vec<u8>,
}

impl Segment {
    fn start(&self, k: usize) -> usize {
        if k == 0 {
            0
        } else {
            self.heads[k - 1].end as usize
        }
    }

    fn push(&mut self, e: &Entry) {
        self.bytes.extend_from_slice(&e.data);
        self.bytes.extend_from_slice(&e.context);
        let end = u32::try_from(self.bytes.len()).expect("a log segment holds under 4 GiB");
        let context_len = u32::try_from(e.context.len()).expect("an entry's context is under 4 GiB");
        self.heads.push(Head { term: e.term, end, context_len, entry_type: e.entry_type, sync_log: e.sync_log });
        if self.heads.len() == SEGMENT {
            // Full: nothing more goes in unless a truncation reopens it.
            self.bytes.shrink_to_fit();
        }
    }

    fn truncate(&mut self, k: usize) {
        self.bytes.truncate(self.start(k));
        self.heads.truncate(k);
    }

    fn entry(&self, k: usize, index: u64) -> Entry {
        let h = self.heads[k];
        let (start, end) = (self.start(k), h.end as usize);
        let split = end - h.context_len as usize;
        Entry {
            entry_type: h.entry_type,
            term: h.term,
            index,
            data: self.bytes[start..split].to_vec(),
            context: self.bytes[split..end].to_vec(),
            sync_log: h.sync_log,
        }
    }
}

#[derive(Debug, Default)]
pub struct EntryLog {
    segments: Vec<Segment>,
    /// Dead entries at the front of `segments[0]` (compacted away).
    skip: usize,
    len: usize,
}

impl EntryLog {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Segment and position in it of the entry at `i` (`i < len`).
    fn at(&self, i: usize) -> (usize, usize) {
        let q = i + self.skip;
        (q / SEGMENT, q % SEGMENT)
    }

    pub fn push(&mut self, e: &Entry) {
        let (s, _) = self.at(self.len);
        if s == self.segments.len() {
            self.segments.push(Segment::default());
        }
        self.segments[s].push(e);
        self.len += 1;
    }

    pub fn extend(&mut self, ents: &[Entry]) {
        for e in ents {
            self.push(e);
        }
    }

    /// Keeps the first `n` entries.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        if n == 0 {
            return self.clear();
        }
        let (s, k) = self.at(n);
        if k == 0 {
            self.segments.truncate(s);
        } else {
            self.segments.truncate(s + 1);
            self.segments[s].truncate(k);
        }
        self.len = n;
    }

    /// Drops the first `n` entries (all of them if `n >= len`).
    pub fn drain_front(&mut self, n: usize) {
        if n >= self.len {
            return self.clear();
        }
        let (s, k) = self.at(n);
        self.segments.drain(..s);
        self.skip = k;
        self.len -= n;
    }

    pub fn clear(&mut self) {
        self.segments.clear();
        self.skip = 0;
        self.len = 0;
    }

    /// The entry at position `i`, numbered `index`.
    pub fn get(&self, i: usize, index: u64) -> Option<Entry> {
        (i < self.len).then(|| {
            let (s, k) = self.at(i);
            self.segments[s].entry(k, index)
        })
    }

    pub fn term(&self, i: usize) -> Option<u64> {
        (i < self.len).then(|| {
            let (s, k) = self.at(i);
            self.segments[s].heads[k].term
        })
    }

    /// Entries at positions `lo..hi`, the first numbered `first_index`.
    pub fn range(&self, lo: usize, hi: usize, first_index: u64) -> Vec<Entry> {
        (lo..hi.min(self.len)).zip(first_index..).filter_map(|(i, index)| self.get(i, index)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(index: u64) -> Entry {
        Entry {
            entry_type: (index % 3) as i32,
            term: index / 7 + 1,
            index,
            data: vec![index as u8; (index % 5) as usize],
            context: vec![0xc0; (index % 4 == 0) as usize * 3],
            sync_log: index % 11 == 0,
        }
    }

    fn check(log: &EntryLog, model: &[Entry]) {
        assert_eq!(log.len(), model.len());
        for (i, e) in model.iter().enumerate() {
            assert_eq!(log.get(i, e.index).as_ref(), Some(e), "position {i}");
            assert_eq!(log.term(i), Some(e.term));
        }
        assert_eq!(log.get(model.len(), 0), None);
        assert_eq!(log.term(model.len()), None);
    }

    /// Every operation, across segment boundaries, against a plain `Vec<Entry>`.
    #[test]
    fn the_packed_log_gives_back_what_a_vec_of_entries_holds() {
        let mut log = EntryLog::default();
        let mut model: Vec<Entry> = Vec::new();
        let mut next = 1u64;
        let mut append = |log: &mut EntryLog, model: &mut Vec<Entry>, n: u64| {
            let ents: Vec<Entry> = (next..next + n).map(entry).collect();
            next += n;
            log.extend(&ents);
            model.extend(ents);
        };
        append(&mut log, &mut model, 3000);
        check(&log, &model);
        log.truncate(2048);
        model.truncate(2048);
        check(&log, &model);
        append(&mut log, &mut model, 1);
        log.truncate(1500);
        model.truncate(1500);
        append(&mut log, &mut model, 600);
        check(&log, &model);
        log.drain_front(1100);
        model.drain(..1100);
        check(&log, &model);
        append(&mut log, &mut model, 2000);
        log.drain_front(5);
        model.drain(..5);
        check(&log, &model);
        let lo = 1000;
        assert_eq!(log.range(lo, lo + 30, model[lo].index), model[lo..lo + 30].to_vec());
        assert_eq!(log.range(lo, usize::MAX, model[lo].index), model[lo..].to_vec());
        log.truncate(0);
        model.clear();
        check(&log, &model);
        append(&mut log, &mut model, 5);
        check(&log, &model);
        log.drain_front(10);
        model.clear();
        check(&log, &model);
    }

    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Append(u16),
        Truncate(u16),
        DrainFront(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1u16..3000).prop_map(Op::Append),
            any::<u16>().prop_map(Op::Truncate),
            any::<u16>().prop_map(Op::DrainFront),
        ]
    }

    proptest! {
        /// Whatever is appended, cut and dropped, in any order, the log reads as a `Vec`.
        #[test]
        fn any_sequence_reads_as_a_vec(ops in proptest::collection::vec(op(), 1..30)) {
            let (mut log, mut model, mut next) = (EntryLog::default(), Vec::<Entry>::new(), 1u64);
            for op in ops {
                match op {
                    Op::Append(n) => {
                        // Indexes stay contiguous, as raft's are: a cut tail is rewritten.
                        let start = model.last().map_or(next, |e| e.index + 1);
                        let ents: Vec<Entry> = (start..start + n as u64).map(entry).collect();
                        next = start + n as u64;
                        log.extend(&ents);
                        model.extend(ents);
                    }
                    Op::Truncate(n) => {
                        log.truncate(n as usize);
                        model.truncate(n as usize);
                    }
                    Op::DrainFront(n) => {
                        let n = (n as usize).min(model.len());
                        log.drain_front(n);
                        model.drain(..n);
                    }
                }
                let first = model.first().map_or(0, |e| e.index);
                prop_assert_eq!(log.range(0, usize::MAX, first), model.clone());
                prop_assert_eq!(log.get(model.len(), 0), None);
            }
        }
    }
}
