//! The client requests a cluster is serving, and the replies it gave.
//!
//! Contract: a request is opened once under an id larger than any before it, and closed
//! once. While open it has exactly one deadline in the deadline order, and — only while its
//! state is `ReadAt` — one entry in the index of reads waiting for their endpoint to apply;
//! state changes go through `set_state` and closing takes all three out together, so no
//! deadline or waiting read outlives its request. Each closed request may leave one reply;
//! the latest `MAX_REPLIES_KEPT` stay readable (the trace keeps every one). Ordered maps
//! only: walking the table gives the same order on every platform.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use crate::store::AlarmMember;

use super::client::{ClientOp, ClientReply};
use super::proposal::Proposal;
use super::NodeId;

pub(crate) struct Pending {
    pub endpoint: NodeId,
    pub op: Rc<ClientOp>,
    pub submitted_ms: u64,
    /// Set when the request opens; the deadline order is keyed by it.
    deadline_ms: u64,
    /// Changed only through `RequestTable::set_state`, which keeps the read index.
    state: PendingState,
    /// Alarms disarmed so far, for `alarm disarm`'s reply.
    pub disarmed: Vec<AlarmMember>,
    /// Proposals raft-rs accepted that the endpoint has not applied yet (`alarm disarm`
    /// proposes one per alarm).
    pub unapplied: usize,
}

impl Pending {
    /// A request as it arrives: not reachable until the endpoint takes it.
    pub fn new(endpoint: NodeId, op: Rc<ClientOp>, submitted_ms: u64, deadline_ms: u64) -> Pending {
        Pending {
            endpoint,
            op,
            submitted_ms,
            deadline_ms,
            state: PendingState::Unreachable,
            disarmed: Vec::new(),
            unapplied: 0,
        }
    }

    pub fn state(&self) -> &PendingState {
        &self.state
    }
}

#[derive(Clone, Debug)]
pub(crate) enum PendingState {
    /// The endpoint is down: the client cannot connect and gives up at its deadline.
    Unreachable,
    /// raft-rs dropped the proposal (no leader yet); retried each tick, as etcd blocks
    /// proposals while leaderless.
    Propose(Vec<Proposal>),
    /// A membership change about raft id `node` (the slot it reserves, for an add):
    /// proposed, or waiting for a leader to take it.
    Conf { node: NodeId, proposed: bool, cc: raft::eraftpb::ConfChange },
    /// Proposed; answered when the endpoint applies the entry (or, for several, the last).
    Proposed,
    /// Waiting for a ReadIndex answer; re-asked every few ticks in case the request was lost.
    ReadIndex { asked_ms: u64 },
    /// Safe to serve once the endpoint has applied up to this index.
    ReadAt(u64),
    /// Lease calls that only the leader can answer.
    AtLeader,
    /// `move-leader`: waiting for the endpoint to see this raft id lead.
    MoveLeader { target: NodeId },
}

/// Replies held for readers; older ones are dropped (the trace has them all).
pub(crate) const MAX_REPLIES_KEPT: usize = 10_000;

#[derive(Default)]
pub(crate) struct RequestTable {
    pending: BTreeMap<u64, Pending>,
    /// (deadline, request) for every open request: the next timeout without a scan.
    deadlines: BTreeSet<(u64, u64)>,
    /// (endpoint, read index, request) for reads waiting only for the endpoint to apply.
    reads_at: BTreeSet<(NodeId, u64, u64)>,
    replies: BTreeMap<u64, Rc<ClientReply>>,
    reply_order: VecDeque<u64>,
    /// The largest request id ever opened, so none is reused even after its reply is gone.
    last_id: u64,
}

impl RequestTable {
    /// Opens `req_id`; an id already open is replaced, its deadline and read with it.
    pub fn open(&mut self, req_id: u64, pending: Pending) {
        self.close(req_id);
        // The engine's own calls (recipes, `check perf`) count from a base of their own.
        if req_id < crate::engine::INTERNAL_REQ_BASE {
            self.last_id = self.last_id.max(req_id);
        }
        self.deadlines.insert((pending.deadline_ms, req_id));
        self.pending.insert(req_id, pending);
    }

    /// Takes `req_id` out with its deadline and waiting read.
    pub fn close(&mut self, req_id: u64) -> Option<Pending> {
        let p = self.pending.remove(&req_id)?;
        self.deadlines.remove(&(p.deadline_ms, req_id));
        if let PendingState::ReadAt(index) = p.state {
            self.reads_at.remove(&(p.endpoint, index, req_id));
        }
        Some(p)
    }

    /// Closes every open request without a reply (the cluster they were sent to is gone).
    pub fn abandon_all(&mut self) {
        self.pending.clear();
        self.deadlines.clear();
        self.reads_at.clear();
    }

    pub fn set_state(&mut self, req_id: u64, state: PendingState) {
        let Some(p) = self.pending.get_mut(&req_id) else { return };
        if let PendingState::ReadAt(index) = p.state {
            self.reads_at.remove(&(p.endpoint, index, req_id));
        }
        if let PendingState::ReadAt(index) = state {
            self.reads_at.insert((p.endpoint, index, req_id));
        }
        p.state = state;
    }

    pub fn get(&self, req_id: u64) -> Option<&Pending> {
        self.pending.get(&req_id)
    }

    /// The request's own fields; its state and deadline stay behind the table's methods.
    pub fn get_mut(&mut self, req_id: u64) -> Option<&mut Pending> {
        self.pending.get_mut(&req_id)
    }

    pub fn is_open(&self, req_id: u64) -> bool {
        self.pending.contains_key(&req_id)
    }

    pub fn open_requests(&self) -> impl Iterator<Item = &Pending> {
        self.pending.values()
    }

    /// Open requests sent to `endpoint`, by id.
    pub fn at_endpoint(&self, endpoint: NodeId) -> Vec<u64> {
        self.pending.iter().filter(|(_, p)| p.endpoint == endpoint).map(|(r, _)| *r).collect()
    }

    /// The earliest deadline and its request.
    pub fn next_deadline(&self) -> Option<(u64, u64)> {
        self.deadlines.first().copied()
    }

    /// Reads at `endpoint` whose index it has applied, by index then id.
    pub fn reads_ready(&self, endpoint: NodeId, applied: u64) -> Vec<u64> {
        if self.reads_at.is_empty() {
            return Vec::new();
        }
        self.reads_at.range((endpoint, 0, 0)..=(endpoint, applied, u64::MAX)).map(|(_, _, r)| *r).collect()
    }

    pub fn record_reply(&mut self, reply: Rc<ClientReply>) {
        let req_id = reply.req_id;
        if self.replies.insert(req_id, reply).is_none() {
            self.reply_order.push_back(req_id);
        }
        // Replies are read right after they arrive; keep recent ones only, so a long run's
        // memory stays bounded.
        while self.reply_order.len() > MAX_REPLIES_KEPT {
            if let Some(old) = self.reply_order.pop_front() {
                self.replies.remove(&old);
            }
        }
    }

    pub fn reply(&self, req_id: u64) -> Option<&ClientReply> {
        self.replies.get(&req_id).map(|r| &**r)
    }

    /// Open, or answered recently enough that its reply is still held.
    pub fn is_known(&self, req_id: u64) -> bool {
        self.is_open(req_id) || self.replies.contains_key(&req_id)
    }

    /// The largest request id used so far (0: none).
    pub fn last_id(&self) -> u64 {
        self.last_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::client::{ClientResult, ResponseHeader};

    fn pending(endpoint: NodeId, deadline_ms: u64) -> Pending {
        Pending::new(endpoint, Rc::new(ClientOp::AlarmList), 0, deadline_ms)
    }

    #[test]
    fn closing_takes_the_deadline_and_the_waiting_read_with_it() {
        let mut t = RequestTable::default();
        t.open(7, pending(2, 500));
        t.open(3, pending(2, 900));
        assert_eq!(t.next_deadline(), Some((500, 7)));
        t.set_state(7, PendingState::ReadAt(12));
        t.set_state(3, PendingState::ReadAt(10));
        assert_eq!(t.reads_ready(2, 11), vec![3]);
        assert_eq!(t.reads_ready(2, 12), vec![3, 7], "by index, then id");
        assert_eq!(t.reads_ready(1, 99), Vec::<u64>::new(), "another endpoint's reads");
        t.set_state(3, PendingState::Proposed);
        assert_eq!(t.reads_ready(2, 99), vec![7], "leaving ReadAt leaves the index");
        assert!(t.close(7).is_some());
        assert_eq!((t.next_deadline(), t.reads_ready(2, 99)), (Some((900, 3)), vec![]));
        assert!(t.close(7).is_none(), "closed once");
        assert_eq!(t.last_id(), 7, "ids are remembered after closing");
    }

    #[test]
    fn only_the_latest_replies_are_held() {
        let mut t = RequestTable::default();
        let header = ResponseHeader { cluster_id: 1, member_id: 2, revision: 3, raft_term: 4 };
        for req_id in 1..=MAX_REPLIES_KEPT as u64 + 2 {
            let result = Ok(ClientResult::Alarms(vec![]));
            t.record_reply(Rc::new(ClientReply { req_id, endpoint: 1, header: header.clone(), result }));
        }
        assert!(t.reply(1).is_none() && t.reply(2).is_none());
        assert_eq!(t.reply(3).map(|r| r.req_id), Some(3));
        assert!(t.is_known(MAX_REPLIES_KEPT as u64 + 2));
    }
}
