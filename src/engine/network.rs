//! The simulated network: directed links that can be cut, per-link latency, drop rates and
//! extra delay, and the messages in flight.
//!
//! Contract: `route` decides a message's fate at once (dropped, or queued with a delivery
//! time, perhaps twice) using only the network's seeded stream; the caller then hands the
//! message itself to `enqueue`. Each directed link delivers in FIFO order,
//! as etcd's per-peer streams do, unless the learner reorders by hand. Messages leave in
//! (delivery time, id) order: a binary heap of those keys over a slab of slots, so nothing
//! depends on hashing, a message is moved in once and out once, and the slab never holds
//! more slots than messages were ever in flight at once.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use raft::eraftpb::Message;
use serde::{Deserialize, Serialize};

use super::rng::SimRng;
use super::trace::DropReason;
use super::NodeId;

#[derive(Clone, Debug)]
pub struct InFlight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at_ms: u64,
    pub deliver_at_ms: u64,
    /// The message raft-rs produced, owned here until it is stepped or dropped.
    pub msg: Message,
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

pub struct Network {
    cut: BTreeSet<(NodeId, NodeId)>,
    faults: BTreeMap<(NodeId, NodeId), LinkFault>,
    pub base_ms: u64,
    pub jitter_ms: u64,
    /// Messages in flight, each in a slot; `free` lists the empty slots.
    slots: Vec<Option<InFlight>>,
    free: Vec<u32>,
    in_flight: usize,
    /// (delivery time, id, slot) of every message in flight, and nothing else: removals by
    /// hand take their key out too, so the top is always the next real delivery.
    due: BinaryHeap<Reverse<(u64, u64, u32)>>,
    link_tail_ms: BTreeMap<(NodeId, NodeId), u64>,
    rng: SimRng,
    next_id: u64,
}

impl Network {
    pub fn new(rng: SimRng, base_ms: u64, jitter_ms: u64) -> Self {
        Network {
            cut: BTreeSet::new(),
            faults: BTreeMap::new(),
            base_ms,
            jitter_ms,
            slots: Vec::new(),
            free: Vec::new(),
            in_flight: 0,
            due: BinaryHeap::new(),
            link_tail_ms: BTreeMap::new(),
            rng,
            next_id: 1,
        }
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cut.insert((from, to));
    }

    pub fn restore(&mut self, from: NodeId, to: NodeId) {
        self.cut.remove(&(from, to));
    }

    pub fn cut_links(&self) -> impl Iterator<Item = &(NodeId, NodeId)> {
        self.cut.iter()
    }

    pub fn heal(&mut self) {
        self.cut.clear();
        self.faults.clear();
    }

    pub fn fault(&self, from: NodeId, to: NodeId) -> LinkFault {
        self.faults.get(&(from, to)).copied().unwrap_or_default()
    }

    pub fn set_fault(&mut self, from: NodeId, to: NodeId, fault: LinkFault) {
        if fault == LinkFault::default() {
            self.faults.remove(&(from, to));
        } else {
            self.faults.insert((from, to), fault);
        }
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
        let mut at = now_ms + self.base_ms + jitter + fault.extra_ms;
        let tail = self.link_tail_ms.entry((from, to)).or_insert(0);
        at = at.max(*tail);
        *tail = at;
        let copy = if twice {
            let copy_id = self.next_id;
            self.next_id += 1;
            Some((copy_id, at))
        } else {
            None
        };
        SendOutcome::Queued { id, deliver_at_ms: at, copy }
    }

    pub fn enqueue(&mut self, m: InFlight) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                // At most MAX_IN_FLIGHT (plus one link's copy) slots ever exist.
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.due.push(Reverse((m.deliver_at_ms, m.id, slot)));
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = Some(m);
            self.in_flight += 1;
        }
    }

    pub fn next_delivery_ms(&self) -> Option<u64> {
        self.due.peek().map(|Reverse((t, _, _))| *t)
    }

    fn vacate(&mut self, slot: u32) -> Option<InFlight> {
        let m = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        self.in_flight -= 1;
        Some(m)
    }

    /// The earliest message due at or before `now`.
    pub fn pop_due(&mut self, now_ms: u64) -> Option<InFlight> {
        let &Reverse((t, _, slot)) = self.due.peek()?;
        if t > now_ms {
            return None;
        }
        self.due.pop();
        self.vacate(slot)
    }

    fn slot_of(&self, id: u64) -> Option<u32> {
        let i = self.slots.iter().position(|s| s.as_ref().is_some_and(|m| m.id == id))?;
        u32::try_from(i).ok()
    }

    /// Take one message out of flight (to drop it or deliver it by hand). Linear in the
    /// messages in flight, which is fine for a learner's click.
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        let slot = self.slot_of(id)?;
        self.due.retain(|Reverse((_, i, _))| *i != id);
        self.vacate(slot)
    }

    pub fn delay(&mut self, id: u64, by_ms: u64) -> bool {
        match self.take(id) {
            Some(mut m) => {
                m.deliver_at_ms += by_ms;
                self.enqueue(m);
                true
            }
            None => false,
        }
    }

    /// A copy of a message in flight, arriving right after the original.
    pub fn duplicate(&mut self, id: u64) -> Option<(u64, u64)> {
        let orig = self.get(id)?.clone();
        let t = orig.deliver_at_ms;
        let new_id = self.next_id;
        self.next_id += 1;
        let copy = InFlight { id: new_id, ..orig };
        self.enqueue(copy);
        Some((new_id, t))
    }

    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.slots.iter().flatten().find(|m| m.id == id)
    }

    /// Messages in flight in delivery order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        let mut all: Vec<&InFlight> = self.slots.iter().flatten().collect();
        all.sort_by_key(|m| (m.deliver_at_ms, m.id));
        all.into_iter()
    }
}
