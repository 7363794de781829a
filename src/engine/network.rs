//! The simulated network: directed links that can be cut, per-link latency, drop rates and
//! extra delay, and the messages in flight.
//!
//! Contract: `route` decides a message's fate at once (dropped, or queued with a delivery
//! time, perhaps twice) using only the network's seeded stream; the caller then hands the
//! message itself to `enqueue`. Each directed link delivers in FIFO order,
//! as etcd's per-peer streams do, unless the learner reorders by hand. Messages leave in
//! (delivery time, id) order over a slab of slots, so nothing depends on hashing, a message
//! body is moved in once and out once, and the slab never holds more slots than messages were
//! ever in flight at once. The order is kept by `DueOrder`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use raft::eraftpb::Message;
use serde::{Deserialize, Serialize};

use super::config::MAX_NODES;
use super::rng::SimRng;
use super::trace::DropReason;
use super::NodeId;

/// Where a message in flight is going and when: everything about it but its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at_ms: u64,
    pub deliver_at_ms: u64,
}

/// A message in flight, whole: what a learner's hand takes out of the network.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub env: Envelope,
    /// The message raft-rs produced, owned here until it is stepped or dropped.
    pub msg: Message,
}

/// A message in flight as readers see it, in place.
#[derive(Clone, Copy, Debug)]
pub struct InFlightRef<'a> {
    pub env: &'a Envelope,
    pub msg: &'a Message,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkFault {
    /// Probability of dropping each message, parts per million.
    pub drop_ppm: u32,
    pub extra_ms: u64,
    /// Probability of delivering a message twice, parts per million.
    pub dup_ppm: u32,
}

pub enum SendOutcome {
    /// `copy`: a duplicate also queued (id, delivery time), when the link duplicates.
    Queued {
        id: u64,
        deliver_at_ms: u64,
        copy: Option<(u64, u64)>,
    },
    Dropped {
        id: u64,
        reason: DropReason,
    },
}

/// Upper bound on messages in flight; beyond it new messages are dropped, as a full
/// transport buffer would. Keeps memory bounded under a message storm.
pub const MAX_IN_FLIGHT: usize = 100_000;

/// A value per directed link between raft ids 0..=MAX_NODES, in a flat array: the network
/// reads a link's cut, fault and FIFO tail on every send, and a tree search each time was
/// most of routing. Ids past MAX_NODES (which the lab never makes) read as the default and
/// cannot be set.
#[derive(Clone, Debug)]
struct Links<T> {
    cells: [[T; LINK_IDS]; LINK_IDS],
}

const LINK_IDS: usize = MAX_NODES as usize + 1;

impl<T: Copy + Default + PartialEq> Links<T> {
    fn new() -> Self {
        Links { cells: [[T::default(); LINK_IDS]; LINK_IDS] }
    }

    fn cell(from: NodeId, to: NodeId) -> Option<(usize, usize)> {
        (from <= MAX_NODES && to <= MAX_NODES).then_some((from as usize, to as usize))
    }

    fn get(&self, from: NodeId, to: NodeId) -> T {
        Self::cell(from, to).map_or_else(T::default, |(f, t)| self.cells[f][t])
    }

    fn set(&mut self, from: NodeId, to: NodeId, value: T) {
        if let Some((f, t)) = Self::cell(from, to) {
            self.cells[f][t] = value;
        }
    }

    /// The links whose value is not the default, in (from, to) order.
    fn set_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let cells =
            self.cells.iter().enumerate().flat_map(|(f, row)| row.iter().enumerate().map(move |(t, v)| (f, t, v)));
        cells.filter(|(_, _, v)| **v != T::default()).map(|(f, t, _)| (f as NodeId, t as NodeId))
    }
}

pub struct Network {
    cut: Links<bool>,
    faults: Links<LinkFault>,
    pub base_ms: u64,
    pub jitter_ms: u64,
    /// Messages in flight, each in a slot: its envelope (id 0: the slot is free) and its
    /// body apart, so the hot path moves a 200-byte body in once and out once (each move
    /// of one is a `memory.copy` call in WASM) while the order works on small keys.
    /// `free` lists the empty slots.
    envelopes: Vec<Envelope>,
    bodies: Vec<Option<Message>>,
    free: Vec<u32>,
    in_flight: usize,
    /// (delivery time, id, slot) of every message in flight, and nothing else: removals by
    /// hand take their key out too, so the top is always the next real delivery.
    due: DueOrder,
    /// When the last message queued on each link arrives: later ones may not pass it.
    link_tail_ms: Links<u64>,
    rng: SimRng,
    next_id: u64,
}

impl Network {
    pub fn new(rng: SimRng, base_ms: u64, jitter_ms: u64) -> Self {
        Network {
            cut: Links::new(),
            faults: Links::new(),
            base_ms,
            jitter_ms,
            envelopes: Vec::new(),
            bodies: Vec::new(),
            free: Vec::new(),
            in_flight: 0,
            due: DueOrder::default(),
            link_tail_ms: Links::new(),
            rng,
            next_id: 1,
        }
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.get(from, to)
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cut.set(from, to, true);
    }

    pub fn restore(&mut self, from: NodeId, to: NodeId) {
        self.cut.set(from, to, false);
    }

    /// The cut links, in (from, to) order.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.set_links()
    }

    pub fn heal(&mut self) {
        self.cut = Links::new();
        self.faults = Links::new();
    }

    pub fn fault(&self, from: NodeId, to: NodeId) -> LinkFault {
        self.faults.get(from, to)
    }

    pub fn set_fault(&mut self, from: NodeId, to: NodeId, fault: LinkFault) {
        self.faults.set(from, to, fault);
    }

    /// A message id for a message that never reaches the wire (its peer is down).
    pub fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    /// Where a message from `from` to `to` sent at `now_ms` goes. `Queued` reserves its id
    /// (and its copy's, when the link duplicates) and its place in the link's FIFO order;
    /// the caller must `enqueue` it (and the copy) under those ids.
    pub fn route(&mut self, now_ms: u64, from: NodeId, to: NodeId) -> SendOutcome {
        let id = self.next_id;
        self.next_id += 1;
        if self.is_cut(from, to) {
            return SendOutcome::Dropped { id, reason: DropReason::LinkCut };
        }
        let fault = self.fault(from, to);
        // Draw both numbers every time so one link's settings never shift another's draws.
        let jitter = self.rng.below(self.jitter_ms + 1);
        let unlucky = self.rng.chance_ppm(fault.drop_ppm);
        let twice = fault.dup_ppm > 0 && self.rng.chance_ppm(fault.dup_ppm);
        if unlucky {
            return SendOutcome::Dropped { id, reason: DropReason::Chance };
        }
        if self.in_flight >= MAX_IN_FLIGHT {
            return SendOutcome::Dropped { id, reason: DropReason::Chance };
        }
        let at = (now_ms + self.base_ms + jitter + fault.extra_ms).max(self.link_tail_ms.get(from, to));
        self.link_tail_ms.set(from, to, at);
        let copy = if twice {
            let copy_id = self.next_id;
            self.next_id += 1;
            Some((copy_id, at))
        } else {
            None
        };
        SendOutcome::Queued { id, deliver_at_ms: at, copy }
    }

    /// Puts a message in flight; `env.id` and its time come from `route`. Inlined: an
    /// envelope passed by reference is read back wider than the caller wrote it, a
    /// store-forwarding stall that was half of this function's time natively.
    #[inline]
    pub fn enqueue(&mut self, env: Envelope, msg: Message) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                // At most MAX_IN_FLIGHT (plus one link's copy) slots ever exist.
                self.envelopes.push(Envelope { id: 0, ..env });
                self.bodies.push(None);
                u32::try_from(self.envelopes.len() - 1).unwrap_or(u32::MAX)
            }
        };
        let (Some(e), Some(b)) = (self.envelopes.get_mut(slot as usize), self.bodies.get_mut(slot as usize)) else {
            return;
        };
        *e = env;
        *b = Some(msg);
        self.due.push((env.deliver_at_ms, env.id, slot));
        self.in_flight += 1;
    }

    pub fn next_delivery_ms(&self) -> Option<u64> {
        self.due.peek().map(|(t, _, _)| t)
    }

    fn vacate(&mut self, slot: u32) -> Option<(Envelope, Message)> {
        let e = self.envelopes.get_mut(slot as usize).filter(|e| e.id != 0)?;
        let env = *e;
        e.id = 0;
        self.free.push(slot);
        self.in_flight -= 1;
        let msg = self.bodies.get_mut(slot as usize)?.take()?;
        Some((env, msg))
    }

    /// The earliest message due at or before `now`, out of flight.
    pub fn pop_due(&mut self, now_ms: u64) -> Option<(Envelope, Message)> {
        let (t, _, slot) = self.due.peek()?;
        if t > now_ms {
            return None;
        }
        self.due.pop();
        self.vacate(slot)
    }

    fn slot_of(&self, id: u64) -> Option<u32> {
        if id == 0 {
            return None;
        }
        let i = self.envelopes.iter().position(|e| e.id == id)?;
        u32::try_from(i).ok()
    }

    /// Take one message out of flight (to drop it or deliver it by hand). Linear in the
    /// messages in flight, which is fine for a learner's click.
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        let slot = self.slot_of(id)?;
        self.due.remove(id);
        self.vacate(slot).map(|(env, msg)| InFlight { env, msg })
    }

    pub fn delay(&mut self, id: u64, by_ms: u64) -> bool {
        match self.take(id) {
            Some(InFlight { mut env, msg }) => {
                env.deliver_at_ms += by_ms;
                self.enqueue(env, msg);
                true
            }
            None => false,
        }
    }

    /// A copy of a message in flight, arriving right after the original.
    pub fn duplicate(&mut self, id: u64) -> Option<(u64, u64)> {
        let orig = self.get(id)?;
        let (env, msg) = (*orig.env, orig.msg.clone());
        let new_id = self.next_id;
        self.next_id += 1;
        self.enqueue(Envelope { id: new_id, ..env }, msg);
        Some((new_id, env.deliver_at_ms))
    }

    pub fn get(&self, id: u64) -> Option<InFlightRef<'_>> {
        let slot = self.slot_of(id)? as usize;
        Some(InFlightRef { env: self.envelopes.get(slot)?, msg: self.bodies.get(slot)?.as_ref()? })
    }

    /// Messages in flight in delivery order.
    pub fn in_flight(&self) -> impl Iterator<Item = InFlightRef<'_>> {
        let mut all: Vec<InFlightRef<'_>> = self
            .envelopes
            .iter()
            .zip(&self.bodies)
            .filter(|(e, _)| e.id != 0)
            .filter_map(|(env, b)| Some(InFlightRef { env, msg: b.as_ref()? }))
            .collect();
        all.sort_by_key(|m| (m.env.deliver_at_ms, m.env.id));
        all.into_iter()
    }
}

/// (delivery time, id, slot) of every message in flight, smallest first. Ids are handed
/// out in increasing order, so messages sent over links without latency (or with the same
/// latency) are queued in increasing key order: those keep to a plain queue, and only the
/// rest (jitter, extra delay, a learner's reordering) go through a binary heap. Either way
/// the smallest key leaves first.
#[derive(Debug, Default)]
struct DueOrder {
    /// Keys increasing front to back.
    run: VecDeque<(u64, u64, u32)>,
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
}

impl DueOrder {
    fn push(&mut self, key: (u64, u64, u32)) {
        if self.run.back().is_none_or(|&last| last < key) {
            self.run.push_back(key);
        } else {
            self.heap.push(Reverse(key));
        }
    }

    fn peek(&self) -> Option<(u64, u64, u32)> {
        match (self.run.front(), self.heap.peek()) {
            (Some(&r), Some(&Reverse(h))) => Some(r.min(h)),
            (Some(&r), None) => Some(r),
            (None, h) => h.map(|&Reverse(h)| h),
        }
    }

    fn pop(&mut self) {
        let from_run = match (self.run.front(), self.heap.peek()) {
            (Some(r), Some(Reverse(h))) => r < h,
            (r, _) => r.is_some(),
        };
        if from_run {
            self.run.pop_front();
        } else {
            self.heap.pop();
        }
    }

    /// Takes the message `id` out of the order (a learner's drop, delay or delivery).
    fn remove(&mut self, id: u64) {
        self.run.retain(|&(_, i, _)| i != id);
        self.heap.retain(|Reverse((_, i, _))| *i != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        /// A new message: `dt` after the time of the last one sent (ids only grow).
        Send {
            dt: u64,
            back: bool,
        },
        Pop,
        /// Take the n-th waiting message out by hand, and maybe queue it again later.
        Take {
            n: usize,
            delay: Option<u64>,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u64..3, any::<bool>()).prop_map(|(dt, back)| Op::Send { dt, back }),
            3 => Just(Op::Pop),
            1 => (0usize..8, proptest::option::of(0u64..4)).prop_map(|(n, delay)| Op::Take { n, delay }),
        ]
    }

    proptest! {
        /// The queue and the heap together always give back the smallest (time, id) key,
        /// whatever order keys arrive in: the same order a single heap gave.
        #[test]
        fn due_order_pops_the_smallest_key(ops in proptest::collection::vec(op(), 1..200)) {
            let mut due = DueOrder::default();
            let mut reference = std::collections::BTreeSet::new();
            let (mut t, mut id) = (10u64, 1u64);
            for op in ops {
                match op {
                    Op::Send { dt, back } => {
                        // Jitter can make a later message arrive earlier.
                        t += dt;
                        let at = if back { t.saturating_sub(2) } else { t };
                        let key = (at, id, id as u32);
                        id += 1;
                        due.push(key);
                        reference.insert(key);
                    }
                    Op::Pop => {
                        prop_assert_eq!(due.peek(), reference.first().copied());
                        due.pop();
                        reference.pop_first();
                    }
                    Op::Take { n, delay } => {
                        let Some(&key) = reference.iter().nth(n) else { continue };
                        due.remove(key.1);
                        reference.remove(&key);
                        if let Some(d) = delay {
                            let again = (key.0 + d, key.1, key.2);
                            due.push(again);
                            reference.insert(again);
                        }
                    }
                }
                prop_assert_eq!(due.peek(), reference.first().copied());
            }
        }
    }
}
