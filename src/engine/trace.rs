//! The trace: an append-only list of what happened, with its time, and a running hash.
//!
//! Contract: every event is appended in the order the engine caused it; the hash covers
//! every event (even when `TraceMode::HashOnly` keeps none of them), so two runs with equal
//! hashes did the same things at the same times. Readers (UI, tests, checkers) only read.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::client::{ClientOp, ClientReply, KeepAliveTick, WatchBatch};
use super::logger::RaftLogLine;
use super::message::MsgSummary;
use super::sent::SentMessages;
use super::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
    Learner,
    Dead,
}

impl Role {
    /// The role as the console, `status` and lesson conditions write it.
    pub fn word(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::Learner => "learner",
            Role::Dead => "dead",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropReason {
    LinkCut,
    NodeDown,
    Chance,
    ByHand,
    /// Sender and receiver belong to different clusters (etcd's rafthttp answers
    /// "request cluster ID mismatch").
    ClusterMismatch,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
/// Rare, large payloads are boxed so the common events (messages) stay small.
pub enum TraceEvent {
    Action(Box<Action>),
    /// A message sent; `Trace::message(id)` has what it said (the message itself goes on
    /// to the network and into `step`).
    MessageSent {
        id: u64,
        deliver_at_ms: u64,
    },
    MessageDelivered {
        id: u64,
        from: NodeId,
        to: NodeId,
    },
    MessageDropped {
        id: u64,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    RoleChanged {
        node: NodeId,
        role: Role,
        term: u64,
        leader: NodeId,
    },
    HardStateChanged {
        node: NodeId,
        term: u64,
        vote: NodeId,
        commit: u64,
    },
    /// Entries written to the node's disk (raft-rs persists before acknowledging).
    EntriesPersisted {
        node: NodeId,
        first: u64,
        last: u64,
        term: u64,
    },
    Committed {
        node: NodeId,
        index: u64,
    },
    /// Entries `first..=last` reached the member's store (one record per apply batch);
    /// `term` is the last one's.
    Applied {
        node: NodeId,
        first: u64,
        last: u64,
        term: u64,
    },
    SnapshotCreated {
        node: NodeId,
        index: u64,
        compacted_to: u64,
    },
    SnapshotApplied {
        node: NodeId,
        index: u64,
        term: u64,
    },
    Crashed {
        node: NodeId,
    },
    Restarted {
        node: NodeId,
    },
    NodeStarted {
        node: NodeId,
    },
    NodeRemoved {
        node: NodeId,
    },
    ClientRequest {
        req_id: u64,
        endpoint: NodeId,
        op: Rc<ClientOp>,
    },
    ClientReply(Rc<ClientReply>),
    Watch {
        node: NodeId,
        batch: Box<WatchBatch>,
    },
    KeepAlive {
        node: NodeId,
        tick: Box<KeepAliveTick>,
    },
    RaftLog {
        node: NodeId,
        line: RaftLogLine,
    },
    /// A `member add` was applied: the member has a slot, and is `unstarted` until
    /// `NodeStarted`.
    MemberAdded {
        node: NodeId,
    },
    /// What a `lock` or `elect` prints (see `engine::recipes`).
    Recipe {
        node: NodeId,
        out: Box<super::recipes::RecipeOutput>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceRecord {
    pub time_ms: u64,
    pub event: TraceEvent,
}

/// How much of the trace to keep. Rewinding replays with `HashOnly` to stay lean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceMode {
    Full,
    HashOnly,
}

#[derive(Clone, Debug)]
pub struct Trace {
    records: Vec<TraceRecord>,
    /// Records dropped from the front (window or `trim_before`); indexes stay stable.
    offset: u64,
    hash: u64,
    /// Records pushed ever, kept or not (a hash-only trace counts them too, so a replay
    /// in that mode can be matched with a full trace's prefix).
    pushed: u64,
    mode: TraceMode,
    scratch: Vec<u8>,
    /// At most this many records are held; older ones are forgotten (the hash keeps them).
    window: usize,
    /// Every client request and reply of the run, with its absolute index, never
    /// windowed: a client history (the linearizability check) needs all of them, and they
    /// are a small share of the records.
    clients: Vec<(u64, TraceRecord)>,
    /// What each `MessageSent` still held said, by message id.
    sent: SentMessages,
}

/// A record as an export shows it: a sent message's summary beside its record.
#[derive(Serialize)]
pub struct ExportRecord<'a> {
    pub time_ms: u64,
    pub event: &'a TraceEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<&'a MsgSummary>,
}

/// Records held by default: a long run's memory stays bounded while the UI still sees
/// minutes of history.
pub const DEFAULT_TRACE_WINDOW: usize = 40_000;

/// One 64-bit word into the running hash: a multiply-xorshift step (wyhash-style), the
/// same on every platform because it only uses `u64` arithmetic.
#[inline]
pub(crate) fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^ (x >> 29)
}

/// Bytes eight at a time (little-endian words), then the length.
pub(crate) fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(mix(h, u64::from_le_bytes(tail)), bytes.len() as u64)
}

/// Every field of a raft message, in a fixed order; the payload through its digest. Four
/// independent lanes joined at the end: the same words as one chain, but each `mix` waits
/// on a quarter as many before it (a chain of 19 was most of a send's hashing time).
fn hash_message(h: u64, m: &MsgSummary) -> u64 {
    let (snap_index, snap_term) = m.snapshot.unwrap_or_default();
    let flags = m.msg_type as u64 | (m.reject as u64) << 8 | (m.snapshot.is_some() as u64) << 9;
    let counts = u64::from(m.entries) | u64::from(m.context_len) << 32;
    let lane = |seed: u64, words: [u64; 5]| words.into_iter().fold(seed, mix);
    let a = lane(h, [flags, m.to, m.from, m.term, m.log_term]);
    let b = lane(1, [m.index, m.commit, m.commit_term, m.request_snapshot, m.reject_hint]);
    let c = lane(2, [m.priority as u64, counts, u64::from(m.data_len), snap_index, snap_term]);
    mix(mix(mix(a, b), c), m.digest)
}

fn sent_id(e: &TraceEvent) -> Option<u64> {
    match e {
        TraceEvent::MessageSent { id, .. } => Some(*id),
        _ => None,
    }
}

/// Pushes onto a vector that grows for the whole run (the action log, the client
/// records), making room for a quarter more at a time rather than doubling: it then holds
/// at most a quarter more than it uses, where doubling leaves up to as much again unused
/// (after an hour of the steady load, 131,072 slots for 72,000 items), and WASM memory
/// never gives any of it back. Each item is moved a few more times as the vector grows,
/// which costs little next to making it.
pub(crate) fn push_growing<T>(v: &mut Vec<T>, item: T) {
    if v.len() == v.capacity() {
        v.reserve_exact((v.len() / 4).max(16));
    }
    v.push(item);
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

impl Trace {
    pub fn new(mode: TraceMode) -> Self {
        Trace {
            records: Vec::new(),
            offset: 0,
            hash: FNV_OFFSET,
            pushed: 0,
            mode,
            scratch: Vec::new(),
            window: DEFAULT_TRACE_WINDOW,
            clients: Vec::new(),
            sent: SentMessages::default(),
        }
    }

    pub fn push(&mut self, time_ms: u64, event: TraceEvent) {
        self.record(time_ms, event, None);
    }

    /// A message sent: the record names it by id, and the summary (hashed with it) is kept
    /// beside the records while they still hold it.
    pub fn push_sent(&mut self, time_ms: u64, id: u64, deliver_at_ms: u64, msg: &MsgSummary) {
        self.record(time_ms, TraceEvent::MessageSent { id, deliver_at_ms }, Some(msg));
    }

    fn record(&mut self, time_ms: u64, event: TraceEvent, msg: Option<&MsgSummary>) {
        // The event is read in place and moved into a record only when one is kept: moving
        // it first read it back the moment the caller had written it, a store-forwarding
        // stall that was a quarter of this function's time.
        let mut h = mix(self.hash, time_ms);
        // The frequent events are hashed field by field; the rest through postcard.
        match &event {
            TraceEvent::MessageSent { id, deliver_at_ms } => {
                h = mix(mix(mix(h, 1), *id), *deliver_at_ms);
                if let Some(m) = msg {
                    h = hash_message(h, m);
                }
            }
            TraceEvent::MessageDelivered { id, from, to } => h = mix(mix(mix(mix(h, 2), *id), *from), *to),
            TraceEvent::Committed { node, index } => h = mix(mix(mix(h, 3), *node), *index),
            TraceEvent::Applied { node, first, last, term } => {
                h = mix(mix(mix(mix(mix(h, 4), *node), *first), *last), *term)
            }
            TraceEvent::EntriesPersisted { node, first, last, term } => {
                h = mix(mix(mix(mix(mix(h, 5), *node), *first), *last), *term)
            }
            TraceEvent::HardStateChanged { node, term, vote, commit } => {
                h = mix(mix(mix(mix(mix(h, 6), *node), *term), *vote), *commit)
            }
            // The op is the very one (one `Rc`) of the `Action::Client` just hashed.
            TraceEvent::ClientRequest { req_id, endpoint, .. } => h = mix(mix(mix(h, 8), *req_id), *endpoint),
            // Time passing is hashed as one mark, whatever the amount: a rewind cuts a wait
            // short and going forward finishes it, and the events it runs are hashed with
            // their times anyway, so a cut run hashes like the run it was cut from.
            TraceEvent::Action(a)
                if matches!(**a, Action::Advance(_) | Action::Tick(_) | Action::AwaitReply { .. }) =>
            {
                h = mix(h, 7)
            }
            _ => {
                self.scratch.clear();
                // postcard into a Vec only fails on allocation failure. A struct is its
                // fields in order, so the pair encodes as a `TraceRecord` would.
                if let Ok(bytes) = postcard::to_extend(&(time_ms, &event), std::mem::take(&mut self.scratch)) {
                    h = hash_bytes(mix(h, 0), &bytes);
                    self.scratch = bytes;
                }
            }
        }
        self.hash = h;
        self.pushed += 1;
        if self.mode == TraceMode::Full {
            if self.records.len() >= self.window.saturating_mul(2) {
                // Drop the older half at once: amortized O(1) per push.
                let n = self.records.len() - self.window;
                self.records.drain(..n);
                self.offset += n as u64;
                self.sent.forget_before(self.first_sent());
            }
            let rec = TraceRecord { time_ms, event };
            if let (TraceEvent::MessageSent { id, .. }, Some(m)) = (&rec.event, msg) {
                self.sent.push(*id, *m);
            }
            if matches!(rec.event, TraceEvent::ClientRequest { .. } | TraceEvent::ClientReply(_)) {
                push_growing(&mut self.clients, (self.pushed - 1, rec.clone()));
            }
            if self.records.len() == self.records.capacity() {
                // Grow by doubling, as `push` would, but never past the most the window
                // holds (twice `window`): doubling 65,536 records to 131,072 for at most
                // 80,000 would leave 2.4 MB (wasm32) of the buffer unused for good.
                let cap = self.records.capacity();
                let want = cap.saturating_mul(2).max(cap + 4).min(self.window.saturating_mul(2)).max(cap + 1);
                self.records.reserve_exact(want - cap);
            }
            self.records.push(rec);
        }
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    pub fn mode(&self) -> TraceMode {
        self.mode
    }

    /// How many records to hold at least (between `window` and twice that).
    pub fn set_window(&mut self, records: usize) {
        self.window = records.max(1);
    }

    pub fn set_mode(&mut self, mode: TraceMode) {
        if mode == TraceMode::Full && self.mode == TraceMode::HashOnly {
            self.offset = self.pushed;
        }
        self.mode = mode;
    }

    /// This trace as it was when `len` records had been pushed and its hash was `hash`: a
    /// rewind keeps the records before and drops the rest. The caller vouches for `hash`
    /// (a replay of the same run to that point computed it).
    pub fn rewound(mut self, len: u64, hash: u64) -> Trace {
        let keep = len.saturating_sub(self.offset).min(self.records.len() as u64) as usize;
        self.records.truncate(keep);
        let last_sent = self.records.iter().rev().find_map(|r| sent_id(&r.event));
        self.sent.keep_through(last_sent);
        self.clients.truncate(self.clients.partition_point(|(i, _)| *i < len));
        self.offset = self.offset.min(len);
        self.pushed = len;
        self.hash = hash;
        self
    }

    /// What the message `id` said, while a held record still names it.
    pub fn message(&self, id: u64) -> Option<&MsgSummary> {
        self.sent.get(id)
    }

    /// The held records with each sent message's summary beside it, for an export.
    pub fn export(&self) -> Vec<ExportRecord<'_>> {
        let msg = |e: &TraceEvent| sent_id(e).and_then(|id| self.sent.get(id));
        self.records.iter().map(|r| ExportRecord { time_ms: r.time_ms, event: &r.event, msg: msg(&r.event) }).collect()
    }

    fn first_sent(&self) -> Option<u64> {
        self.records.iter().find_map(|r| sent_id(&r.event))
    }

    /// Records still held, oldest first.
    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// Every client request and reply recorded (in `Full` mode), oldest first, with its
    /// absolute index; unlike `records`, none are dropped.
    pub fn client_records(&self) -> &[(u64, TraceRecord)] {
        &self.clients
    }

    /// The absolute index of `records()[0]`; grows when old records are trimmed.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Total records ever pushed (kept or not).
    pub fn len(&self) -> u64 {
        self.pushed
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records from absolute index `from` on.
    pub fn since(&self, from: u64) -> &[TraceRecord] {
        let start = from.saturating_sub(self.offset).min(self.records.len() as u64) as usize;
        &self.records[start..]
    }

    /// Forget records older than `time_ms`, keeping memory bounded in long runs. The hash
    /// still covers them.
    pub fn trim_before(&mut self, time_ms: u64) {
        let n = self.records.partition_point(|r| r.time_ms < time_ms);
        self.records.drain(..n);
        self.offset += n as u64;
        self.sent.forget_before(self.first_sent());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClientOp;

    fn request(req_id: u64) -> TraceEvent {
        TraceEvent::ClientRequest { req_id, endpoint: 1, op: Rc::new(ClientOp::AlarmList) }
    }

    #[test]
    fn a_time_and_event_pair_encodes_as_the_record_would() {
        let event = TraceEvent::Crashed { node: 3 };
        let rec = postcard::to_allocvec(&TraceRecord { time_ms: 1234, event: event.clone() }).unwrap();
        assert_eq!(postcard::to_allocvec(&(1234u64, &event)).unwrap(), rec);
    }

    #[test]
    fn client_records_outlive_the_window_and_rewind_with_the_trace() {
        let mut t = Trace::new(TraceMode::Full);
        t.set_window(4);
        for i in 0..20u64 {
            t.push(i, request(i));
            t.push(i, TraceEvent::Crashed { node: 1 });
        }
        assert_eq!(t.len(), 40);
        assert!(t.records().len() <= 8, "the window holds {} records", t.records().len());
        assert_eq!(t.records.capacity(), 8, "the buffer never grows past twice the window");
        let ids: Vec<u64> = t.client_records().iter().map(|(i, _)| *i).collect();
        assert_eq!(ids, (0..20).map(|k| 2 * k).collect::<Vec<_>>(), "every request, at its absolute index");
        let hash = t.hash();
        let back = t.clone().rewound(11, 7);
        assert_eq!((back.len(), back.hash()), (11, 7));
        assert_eq!(back.client_records().last().map(|(i, _)| *i), Some(10));
        assert_eq!(back.client_records().len(), 6);
        assert_eq!(t.hash(), hash, "rewinding a copy leaves the original alone");
    }
}
