//! The event loop: simulated time moves one event at a time.
//!
//! Contract: the next event is the earliest of a delivery, a slow disk's finished write, a
//! node's tick, a client deadline, a `check perf` token and a `lock`/`elect` session
//! deadline; ties go deliveries first, then finished writes by node id, then ticks by node
//! id, then deadlines, then the clients' own timers. Before the
//! clock moves, every pending Ready is handled, so whatever raft-rs did at one instant leaves
//! in one Ready. Every loop is capped.

use raft::eraftpb::{Message, MessageType};
use raft::SnapshotStatus;

use super::cluster::{Cluster, MAX_EVENTS_PER_ACTION, MAX_READY_PASSES};
use super::message::MsgSummary;
use super::network::{Envelope, SendOutcome};
use super::node::ApplyNote;
use super::trace::{DropReason, TraceEvent};
use super::NodeId;
use crate::store::Events;

fn earliest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Cluster {
    pub(crate) fn next_event_ms(&self) -> Option<u64> {
        let delivery = self.network.next_delivery_ms();
        let tick = earliest(self.next_tick_ms(), self.fsyncs.first().map(|(t, _)| *t));
        let deadline = self.requests.next_deadline().map(|(t, _)| t);
        // Not `[..].into_iter().flatten().min()`: that builds the array in memory and reads
        // it back wider than it wrote it, a store-forwarding stall on every event (a third of
        // this function's time in an hour's run).
        let client = earliest(self.perf.next_due_ms(), self.recipes.next_deadline_ms());
        let client = earliest(client, self.kube_compactor.next_due_ms());
        earliest(earliest(earliest(delivery, tick), deadline), client)
    }

    fn next_tick_ms(&self) -> Option<u64> {
        let scan = || self.nodes.values().filter(|n| n.is_alive()).map(|n| n.next_tick_ms).min();
        match self.next_tick.get() {
            Some(t) => {
                debug_assert_eq!(t, scan(), "the cached next tick went stale");
                t
            }
            None => {
                let t = scan();
                self.next_tick.set(Some(t));
                t
            }
        }
    }

    /// The next event's time, after handling pending Readies if the clock would move (their
    /// messages may be due sooner than anything else).
    pub(crate) fn next_event_settled(&mut self) -> Option<u64> {
        let t = self.next_event_ms();
        if self.dirty.is_empty() || t.is_some_and(|t| t <= self.now_ms) {
            return t;
        }
        self.flush();
        self.next_event_ms()
    }

    pub(crate) fn run_until(&mut self, target: u64) {
        let mut budget = MAX_EVENTS_PER_ACTION;
        while let Some(t) = self.next_event_settled() {
            if t > target {
                break;
            }
            if budget == 0 {
                self.overran(format!(
                    "ran {MAX_EVENTS_PER_ACTION} events in one action; the clock skips to {target} ms"
                ));
                break;
            }
            budget -= 1;
            self.now_ms = self.now_ms.max(t);
            self.process_one();
        }
        self.flush();
        self.now_ms = self.now_ms.max(target);
    }

    /// Processes the one earliest event at `now`: a delivery, else a tick, else a deadline.
    pub(crate) fn process_one(&mut self) {
        self.events_processed += 1;
        let now = self.now_ms;
        if let Some((env, msg)) = self.network.pop_due(now) {
            self.deliver(env, msg);
            return;
        }
        if let Some(&(t, id)) = self.fsyncs.first() {
            if t <= now {
                self.fsyncs.pop_first();
                self.fsync_done(id, t);
                return;
            }
        }
        let any_due = self.next_tick_ms().is_some_and(|t| t <= now);
        let tick = any_due
            .then(|| self.nodes.values().find(|n| n.is_alive() && n.next_tick_ms <= now).map(|n| n.id))
            .flatten();
        if let Some(id) = tick {
            self.tick_node(id);
            return;
        }
        let due = self.requests.next_deadline().filter(|(t, _)| *t <= now).map(|(_, id)| id);
        if let Some(req_id) = due {
            self.expire(req_id);
            return;
        }
        self.perf_due();
        self.recipe_deadlines_due();
        self.kube_compactor_due();
    }

    /// A slow disk finished the write it began at some Ready: the rest of that Ready runs,
    /// then the tick it held back, then whatever became ready meanwhile.
    fn fsync_done(&mut self, id: NodeId, at_ms: u64) {
        let due = self.nodes.get(&id).and_then(|n| n.live.as_ref()).and_then(|l| l.fsync.as_ref());
        if due.is_none_or(|f| f.done_at_ms != at_ms) {
            return;
        }
        let now = self.now_ms;
        let mut out = std::mem::take(&mut self.ready_out);
        let Some(node) = self.nodes.get_mut(&id) else { return };
        let tick_owed = node.finish_fsync(&self.cfg, now, &mut self.trace, &mut out);
        self.after_handle(id, &mut out);
        self.ready_out = out;
        if tick_owed {
            self.with_raw(id, |raw| {
                raw.tick();
            });
            self.on_tick(id);
        }
        self.drain_ready(id);
    }

    pub(crate) fn tick_node(&mut self, id: NodeId) {
        let now = self.now_ms;
        if let Some(n) = self.nodes.get_mut(&id) {
            n.schedule_next_tick(&self.cfg, now);
        }
        self.next_tick.set(None);
        // A loop blocked in fsync misses its ticks; Go's ticker channel keeps one.
        if let Some(f) = self.nodes.get_mut(&id).and_then(|n| n.live.as_mut()).and_then(|l| l.fsync.as_mut()) {
            f.tick_owed = true;
            return;
        }
        let advance = self.election_tick_advance(id);
        self.with_raw(id, |raw| {
            for _ in 0..advance {
                raw.tick();
            }
            raw.tick();
        });
        self.on_tick(id);
    }

    /// etcd's `--initial-election-tick-advance` (on by default in 3.4, `adjustTicks`): a
    /// starting member fast-forwards its election clock so that a cluster that lost its
    /// leader need not wait a whole election timeout more. Alone in its cluster it advances
    /// all but one tick; otherwise it polls for up to 5 s (rafthttp's ConnReadTimeout) and
    /// advances all but two once more than one peer is connected. Returns the extra ticks to
    /// run now (0 when nothing is due).
    pub(crate) fn election_tick_advance(&mut self, id: NodeId) -> u64 {
        const POLL_MS: u64 = 5_000;
        let now = self.now_ms;
        let election_tick = self.cfg.election_tick;
        let Some(node) = self.nodes.get(&id) else { return 0 };
        let Some(live) = node.live.as_ref() else { return 0 };
        if !node.advance_pending {
            return 0;
        }
        let members = node.store().membership().members().count();
        let peers: Vec<NodeId> = live.raw.raft.prs().iter().map(|(p, _)| *p).filter(|p| *p != id).collect();
        let active = peers.iter().filter(|p| self.active_since(id, **p).is_some()).count();
        let (ticks, done) = if members <= 1 && peers.is_empty() {
            (election_tick.saturating_sub(1), true)
        } else if active > 1 {
            (election_tick.saturating_sub(2), true)
        } else {
            (0, now >= node.started_at_ms + POLL_MS)
        };
        if done {
            if let Some(n) = self.nodes.get_mut(&id) {
                n.advance_pending = false;
            }
        }
        ticks
    }

    pub(crate) fn send_all(&mut self, msgs: &mut Vec<Message>) {
        // raft-rs walks its progress map (an FxHash map, whose order depends on the width
        // of `usize`) to emit messages, so the order within one Ready differs between wasm32
        // and 64-bit hosts. A stable sort by destination fixes the order everywhere while
        // keeping each destination's own sequence, which raft-rs produced in program order.
        // Often already in order (one peer, or raft-rs's walk happened to be sorted).
        // A message is 288 bytes, and a sort moves each several times: sort positions and
        // move each message once.
        let mut order = std::mem::take(&mut self.send_order);
        order.clear();
        if !msgs.is_sorted_by_key(|m| m.to) {
            order.extend((0..msgs.len()).map(|i| (msgs[i].to, i)));
            order.sort_by_key(|&(to, _)| to);
        }
        let now = self.now_ms;
        if order.is_empty() {
            for msg in msgs.drain(..) {
                self.send_one(now, msg);
            }
        } else {
            for &(_, i) in &order {
                self.send_one(now, std::mem::take(&mut msgs[i]));
            }
            msgs.clear();
        }
        self.send_order = order;
    }

    fn send_one(&mut self, now: u64, msg: Message) {
        self.messages_sent += 1;
        let summary = MsgSummary::of(&msg);
        let (from, to) = (msg.from, msg.to);
        if summary.msg_type == MessageType::MsgHeartbeat {
            self.observe_heartbeat(from, to, msg.term);
        }
        let outcome = if self.nodes.get(&to).is_some_and(|n| n.is_alive()) {
            self.network.route(now, from, to)
        } else {
            // A dead peer refuses the connection at once, as a killed etcd process does.
            SendOutcome::Dropped { id: self.network.take_id(), reason: DropReason::NodeDown }
        };
        match outcome {
            SendOutcome::Queued { id, deliver_at_ms, copy } => {
                self.trace.push_sent(now, id, deliver_at_ms, &summary);
                let env = Envelope { id, from, to, sent_at_ms: now, deliver_at_ms };
                if let Some((copy_id, at)) = copy {
                    self.trace.push_sent(now, copy_id, at, &summary);
                    self.network.enqueue(Envelope { id: copy_id, deliver_at_ms: at, ..env }, msg.clone());
                }
                self.network.enqueue(env, msg);
            }
            SendOutcome::Dropped { id, reason } => {
                self.trace.push_sent(now, id, now, &summary);
                self.trace.push(now, TraceEvent::MessageDropped { id, from, to, reason });
                self.report_failed_send(from, to, reason, summary.msg_type == MessageType::MsgSnapshot);
            }
        }
    }

    /// etcd's timeout detector (`processMessages`): a leader whose heartbeat to a peer
    /// comes more than two heartbeat intervals after the last one warns, because its raft
    /// loop was held up, most often by a slow disk. A new term starts the records afresh,
    /// as etcd resets them when the member becomes leader.
    fn observe_heartbeat(&mut self, from: NodeId, to: NodeId, term: u64) {
        let now = self.now_ms;
        let interval = self.cfg.heartbeat_tick * self.cfg.tick_ms;
        let expected = 2 * interval;
        let last = self.heartbeats_sent.insert((from, to), (term, now));
        let Some((last_term, last_ms)) = last else { return };
        if last_term != term || now.saturating_sub(last_ms) <= expected {
            return;
        }
        let exceeded = now - last_ms - expected;
        let member = self.nodes.get(&to).map(|n| n.member_id).unwrap_or(0);
        let text = format!(
            "leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk \
             to={member:x} heartbeat-interval={interval}ms expected-duration={expected}ms exceeded-duration={exceeded}ms"
        );
        self.trace_warn(from, text);
    }

    /// What etcd's transport tells raft when a send fails: a dead or cut-off peer is
    /// `ReportUnreachable` (the leader falls back to probing it, one append per heartbeat,
    /// instead of streaming into a dead link), and a lost snapshot is `ReportSnapshot`
    /// failure (so the leader sends another). A message dropped by chance or by hand goes
    /// unnoticed: it models a loss the transport cannot see, which raft itself must survive.
    fn report_failed_send(&mut self, from: NodeId, to: NodeId, reason: DropReason, is_snap: bool) {
        if matches!(reason, DropReason::LinkCut | DropReason::NodeDown | DropReason::ClusterMismatch) {
            self.with_raw(from, |raw| raw.report_unreachable(to));
        }
        if is_snap {
            self.with_raw(from, |raw| raw.report_snapshot(to, SnapshotStatus::Failure));
        }
    }

    pub(crate) fn dropped(&mut self, env: &Envelope, is_snap: bool, reason: DropReason) {
        let Envelope { id, from, to, .. } = *env;
        self.trace.push(self.now_ms, TraceEvent::MessageDropped { id, from, to, reason });
        self.report_failed_send(from, to, reason, is_snap);
    }

    pub(crate) fn deliver(&mut self, env: Envelope, msg: Message) {
        let Envelope { id, from, to, .. } = env;
        let is_snap = msg.get_msg_type() == MessageType::MsgSnapshot;
        if !self.is_alive(to) {
            return self.dropped(&env, is_snap, DropReason::NodeDown);
        }
        if self.network.is_cut(from, to) {
            return self.dropped(&env, is_snap, DropReason::LinkCut);
        }
        let cluster = |id: NodeId| self.nodes.get(&id).map(|n| n.cluster_id);
        if cluster(from) != cluster(to) {
            return self.dropped(&env, is_snap, DropReason::ClusterMismatch);
        }
        self.trace.push(self.now_ms, TraceEvent::MessageDelivered { id, from, to });
        self.with_raw(to, |raw| {
            let _ = raw.step(msg);
        });
        if is_snap {
            self.with_raw(from, |raw| raw.report_snapshot(to, SnapshotStatus::Finish));
        }
    }

    /// Runs the Ready loop on a node until it has nothing more to say.
    pub(crate) fn drain_ready(&mut self, id: NodeId) {
        let events = if self.streams.watched(id) { Events::Keep } else { Events::Skip };
        for _ in 0..MAX_READY_PASSES {
            let now = self.now_ms;
            let Some(node) = self.nodes.get_mut(&id) else { return };
            if !node.wants_ready() {
                break;
            }
            // Taken, not borrowed: acting on the output re-enters the cluster. A nested
            // drain (rare) finds the default and allocates its own.
            let mut out = std::mem::take(&mut self.ready_out);
            let fsync = node.handle_ready(&self.cfg, now, events, &mut self.decoded, &mut self.trace, &mut out);
            if let Some(t) = fsync {
                self.fsyncs.insert((t, id));
            }
            self.after_handle(id, &mut out);
            self.ready_out = out;
        }
        if self.nodes.get(&id).is_some_and(|n| n.wants_ready()) {
            // Still more: it goes round again with the other dirty nodes.
            self.overran(format!("n{id}'s Ready loop did not settle in {MAX_READY_PASSES} passes"));
            self.dirty.insert(id);
        }
        self.after_ready(id);
    }

    /// Acts on what one Ready produced: the commit check, the messages, the applied
    /// entries' effects and the answered reads.
    fn after_handle(&mut self, id: NodeId, out: &mut super::node::ReadyOutput) {
        let commit = self.nodes.get(&id).and_then(|n| n.live.as_ref()).map(|l| l.commit).unwrap_or(0);
        if let Some(node) = self.nodes.get_mut(&id) {
            if commit < node.max_commit_seen {
                // Recorded for the invariant checker; raft-rs guarantees this never happens.
                let text = format!("commit index moved back to {commit}");
                self.trace_warn(id, text);
            } else {
                node.max_commit_seen = commit;
            }
        }
        self.send_all(&mut out.messages);
        for note in out.notes.drain(..) {
            self.on_applied(id, note);
        }
        self.on_read_states(id, &mut out.read_states);
    }

    pub(crate) fn on_applied(&mut self, id: NodeId, note: ApplyNote) {
        match note {
            ApplyNote::Empty { term } => self.on_leader_entry_applied(id, term),
            ApplyNote::Snapshot => self.resync_watchers(id),
            ApplyNote::Request { proposal, applied } => self.on_request_applied(id, proposal, applied),
            ApplyNote::ConfChange { ctx, refused } => self.on_conf_change_applied(id, ctx, refused),
        }
    }
}
