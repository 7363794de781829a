//! One member: its durable disk (log and backend), and — while it runs — a raft-rs
//! `RawNode` over that disk.
//!
//! Contract: `Node::handle_ready` follows raft-rs's Ready contract exactly, in this order:
//! send `messages`; install a snapshot; apply `committed_entries`; persist entries and hard
//! state; send `persisted_messages`; `advance`; record the new commit; send and apply what
//! the `LightReady` holds; `advance_apply`. After every call into the `RawNode`, the node
//! re-pins raft-rs's randomized election timeout from its seeded stream (see `logger`).

use std::rc::Rc;

use raft::eraftpb::{ConfChange, ConfChangeType, ConfChangeV2, ConfState, Entry, EntryType, Message};
use raft::{Config, RawNode, ReadOnlyOption, StateRole};

use crate::store::{Applied, ChangeRefused, Events, MemberChange, Store};

use super::config::ClusterConfig;
use super::decoded::Decoded;
use super::disk::Disk;
use super::logger::RaftLog;
use super::members::ConfContext;
use super::message::decode;
use super::proposal::Proposal;
use super::rng::SimRng;
use super::trace::{Role, Trace, TraceEvent};
use super::NodeId;

/// The running half of a node: everything a crash destroys.
pub struct Live {
    pub raw: RawNode<Disk>,
    pub log: RaftLog,
    pub role: Role,
    pub leader: NodeId,
    /// The term raft-rs is in now (volatile: what `RoleChanged` reports).
    pub term: u64,
    /// The hard state as last persisted: term, vote and commit.
    pub hs_term: u64,
    pub vote: NodeId,
    pub commit: u64,
    /// Snapshot index of the last snapshot this node made or received.
    pub last_snapshot: u64,
    /// The term in which this node, as leader, last took over lease expiry.
    pub lease_term: u64,
    /// A Ready whose disk writes are still under way on a slow disk (`disk n1 200ms`).
    pub fsync: Option<super::fsync::Fsync>,
}

/// What applying one committed entry meant, for the cluster to act on (answer clients,
/// feed watchers, start or stop members).
pub enum ApplyNote {
    Request {
        proposal: Rc<Proposal>,
        applied: Applied,
    },
    /// A membership change, with the member it is about (`None` for entries the lab did
    /// not write) and why the server refused it, if it did.
    ConfChange {
        ctx: Option<ConfContext>,
        refused: Option<ChangeRefused>,
    },
    /// A leader's empty entry at the start of its term.
    Empty {
        term: u64,
    },
    /// The backend was replaced by a snapshot from the leader: watches on this member
    /// must catch up from its history, as etcd's watchable store does on restore.
    Snapshot,
}

pub struct Node {
    pub id: NodeId,
    pub member_id: u64,
    pub name: String,
    pub disk: Disk,
    pub live: Option<Live>,
    /// Removed from the cluster: never runs again.
    pub removed: bool,
    /// This run of the member has yet to fast-forward its election ticks (etcd's
    /// `--initial-election-tick-advance`).
    pub advance_pending: bool,
    /// Where this run of the member is with etcd's `publish` (its name and client URLs
    /// through the log, once per start).
    pub publish: Publish,
    pub started_at_ms: u64,
    pub next_tick_ms: u64,
    pub tick_phase_ms: u64,
    timeouts: SimRng,
    /// The highest commit index this node persisted, to check it never moves back.
    pub max_commit_seen: u64,
    /// How long each write to this member's disk takes (`disk n1 200ms`); 0 is instant.
    pub disk_delay_ms: u64,
    /// The cluster this member's data dir belongs to: peers of another cluster refuse
    /// its messages.
    pub cluster_id: u64,
    /// Which raft group's history this member's disk continues: 0 for the cluster as
    /// bootstrapped, another value for each snapshot restore (whose terms and indexes
    /// start again). Only the invariant checker reads it.
    pub raft_group: u64,
}

/// etcd's `publish` loop: proposed once the member knows a leader, again after each
/// request timeout until the member applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// Not proposed yet in this run.
    Waiting,
    /// Proposed at this time.
    Proposed(u64),
    /// Applied: the member list shows this member's name and client URLs.
    Done,
}

/// What one Ready produced for the cluster to act on. The cluster keeps one and lends it to
/// every `handle_ready`, so the hot path reuses its buffers instead of allocating three.
#[derive(Default)]
pub struct ReadyOutput {
    pub messages: Vec<Message>,
    /// Emptied message buffers, each handed back to raft-rs for its next messages: a
    /// Ready takes raft-rs's buffer and leaves it none, so without this every Ready's
    /// messages would grow a new one from nothing.
    pub spare: Vec<Vec<Message>>,
    pub notes: Vec<ApplyNote>,
    pub read_states: Vec<raft::ReadState>,
}

impl ReadyOutput {
    pub(super) fn take_messages(&mut self, mut batch: Vec<Message>) {
        self.messages.append(&mut batch);
        // A few are plenty: each Ready hands back at most one per node it ran on.
        if batch.capacity() > 0 && self.spare.len() < 8 {
            self.spare.push(batch);
        }
    }
}

impl Node {
    pub fn new(id: NodeId, member_id: u64, name: String, disk: Disk, timeouts: SimRng, tick_phase_ms: u64) -> Self {
        Node {
            id,
            member_id,
            name,
            disk,
            live: None,
            removed: false,
            publish: Publish::Done,
            advance_pending: false,
            started_at_ms: 0,
            next_tick_ms: 0,
            tick_phase_ms,
            timeouts,
            max_commit_seen: 0,
            disk_delay_ms: 0,
            cluster_id: 0,
            raft_group: 0,
        }
    }

    pub fn is_alive(&self) -> bool {
        self.live.is_some()
    }

    pub fn raft_config(&self, cfg: &ClusterConfig, applied: u64) -> Config {
        Config {
            id: self.id,
            election_tick: cfg.election_tick as usize,
            heartbeat_tick: cfg.heartbeat_tick as usize,
            applied,
            max_size_per_msg: cfg.max_size_per_msg,
            // etcd 3.4's maxInflightMsgs.
            max_inflight_msgs: 512,
            check_quorum: cfg.check_quorum,
            pre_vote: cfg.pre_vote,
            read_only_option: ReadOnlyOption::Safe,
            ..Config::default()
        }
    }

    /// Builds the running node from the disk, as an etcd process starts from its data dir:
    /// the backend already holds everything up to its consistent index, so raft resumes
    /// applying after that (etcd skips entries at or below the consistent index).
    pub fn start(&mut self, cfg: &ClusterConfig, now_ms: u64, trace: &mut Trace) -> Result<(), super::ActionError> {
        // Lines are produced in every trace mode: the hash covers them even when the trace
        // keeps nothing, so a lean replay hashes exactly like the original run.
        let _ = trace.mode();
        let log = RaftLog::new(cfg.record_raft_log, cfg.record_raft_debug);
        // A starting etcd recovers its leases held forever until it leads (initAndRecover).
        self.disk.backend_mut().store.demote_leases();
        // A slow disk lets the backend apply past the commit index on disk (etcd applies
        // while the WAL write is under way); raft-rs must not be told it applied more than
        // it knows committed, and the entries in between are skipped when they come again.
        let applied = self.applied().min(self.disk.core().hard_state.commit.max(self.disk.first_index() - 1));
        let snap_index = self.disk.core().snapshot.get_metadata().index;
        let config = self.raft_config(cfg, applied);
        let raw = RawNode::new(&config, self.disk.clone(), &log.logger())
            .map_err(|e| super::ActionError::RaftStart { node: self.id, detail: e.to_string() })?;
        let hs = self.disk.core().hard_state.clone();
        let mut live = Live {
            raw,
            log,
            role: Role::Follower,
            leader: 0,
            term: hs.term,
            hs_term: hs.term,
            vote: hs.vote,
            commit: hs.commit,
            last_snapshot: snap_index,
            lease_term: 0,
            fsync: None,
        };
        live.role = role_of(&live);
        self.live = Some(live);
        self.started_at_ms = now_ms;
        self.publish = Publish::Waiting;
        self.advance_pending = true;
        self.next_tick_ms = next_tick_after(now_ms, cfg.tick_ms, self.tick_phase_ms);
        self.after_call(now_ms, trace);
        Ok(())
    }

    /// Must follow every call into the `RawNode`: re-pins the election timeout if raft-rs
    /// re-drew it, and moves raft-rs's log lines into the trace.
    pub fn after_call(&mut self, now_ms: u64, trace: &mut Trace) {
        let Some(live) = self.live.as_mut() else { return };
        let mut pinned = String::new();
        if live.log.take_reset() {
            let min = live.raw.raft.election_timeout() as u64;
            let t = min + self.timeouts.below(min);
            live.raw.raft.set_randomized_election_timeout(t as usize);
            pinned = format!("reset election timeout -> {t} ticks (drawn from the seed)");
        }
        for mut line in live.log.drain_lines() {
            if line.text == super::logger::RESET_MARKER {
                line.text = pinned.clone();
            }
            trace.push(now_ms, TraceEvent::RaftLog { node: self.id, line });
        }
    }

    /// A crash: the running half is gone, and a disk write still under way never
    /// happened.
    pub fn kill(&mut self) {
        if let Some(f) = self.live.take().and_then(|l| l.fsync) {
            f.undo_on(&self.disk);
        }
    }

    /// The backend's consistent index: the last entry applied to the store.
    pub fn applied(&self) -> u64 {
        self.disk.backend().applied
    }

    /// The term of the last entry applied: etcd's `EtcdServer.Term`, which status and
    /// response headers report.
    pub fn applied_term(&self) -> u64 {
        self.disk.backend().applied_term
    }

    /// The store, durable like etcd's bbolt file (it outlives a kill).
    pub fn store(&self) -> std::cell::Ref<'_, Store> {
        std::cell::Ref::map(self.disk.backend(), |b| &b.store)
    }

    /// Whether the Ready loop has something to do now: a Ready, and no disk write under way.
    pub fn wants_ready(&self) -> bool {
        self.live.as_ref().is_some_and(|l| l.fsync.is_none() && l.raw.has_ready())
    }

    /// One pass of the Ready loop. Returns what must leave the node, and, when the Ready
    /// writes to a slow disk, the time the write is done (`finish_fsync` then).
    /// `events`: whether a watcher on this member reads the events of what it applies.
    /// `decoded` shares each entry's decoded proposal between the members.
    pub fn handle_ready(
        &mut self,
        cfg: &ClusterConfig,
        now_ms: u64,
        events: Events,
        decoded: &mut Decoded,
        trace: &mut Trace,
        out: &mut ReadyOutput,
    ) -> Option<u64> {
        let live = self.live.as_mut()?;
        if live.fsync.is_some() || !live.raw.has_ready() {
            return None;
        }
        let mut rd = live.raw.ready();

        if let Some(ss) = rd.ss() {
            live.leader = ss.leader_id;
        }
        // 1. Messages that need no persistence leave at once (a leader's appends go out
        //    while it writes its own copy).
        out.take_messages(rd.take_messages());

        // A received snapshot is written at once: the lab slows the WAL, not snapshots.
        let writes = !rd.entries().is_empty() || rd.hs().is_some();
        if self.disk_delay_ms > 0 && writes && rd.snapshot().is_empty() {
            return self.start_fsync(cfg, now_ms, events, decoded, trace, out, rd);
        }
        self.finish_ready(cfg, now_ms, events, decoded, trace, out, rd, false);
        None
    }

    /// Steps 2 to 6 of the Ready contract: everything after the first messages.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_ready(
        &mut self,
        cfg: &ClusterConfig,
        now_ms: u64,
        events: Events,
        decoded: &mut Decoded,
        trace: &mut Trace,
        out: &mut ReadyOutput,
        mut rd: raft::Ready,
        removed_before: bool,
    ) {
        let id = self.id;
        let Some(live) = self.live.as_mut() else { return };
        // 2. A snapshot from the leader replaces the backend wholesale.
        if !rd.snapshot().is_empty() {
            let snap = rd.snapshot().clone();
            let meta = snap.get_metadata().clone();
            let store = match Store::from_snapshot(&snap.data) {
                Ok(mut store) => {
                    store.configure(cfg.quota_backend_bytes, cfg.min_lease_ttl_secs());
                    store
                }
                Err(e) => {
                    trace.push(now_ms, engine_line(id, "error", format!("cannot restore snapshot data: {e}")));
                    Store::new(cfg.quota_backend_bytes, cfg.min_lease_ttl_secs())
                }
            };
            self.disk.apply_snapshot(snap, store);
            live.last_snapshot = meta.index;
            trace.push(now_ms, TraceEvent::SnapshotApplied { node: id, index: meta.index, term: meta.term });
            out.notes.push(ApplyNote::Snapshot);
        }

        // 3. Apply what is committed.
        let committed = rd.take_committed_entries();
        let mut cx = ApplyCtx { id, now_ms, events, decoded: &mut *decoded, trace, notes: &mut out.notes };
        let removed = apply_entries(live, &self.disk, committed, &mut cx) || removed_before;

        // 4. Persist entries and hard state.
        if !rd.entries().is_empty() {
            let ents = rd.entries();
            let (first, last, term) = (ents[0].index, ents[ents.len() - 1].index, ents[ents.len() - 1].term);
            self.disk.append(ents);
            trace.push(now_ms, TraceEvent::EntriesPersisted { node: id, first, last, term });
        }
        if let Some(hs) = rd.hs() {
            self.disk.set_hard_state(hs.clone());
            Self::record_durable(live, id, hs, now_ms, trace);
        }
        out.read_states.extend(rd.take_read_states());

        // 5. Messages that promise what was just persisted (votes, append acks).
        out.take_messages(rd.take_persisted_messages());

        // A member that applied its own removal stops here, as etcd stops it ("the member
        // has been permanently removed from the cluster"); the cluster kills it when it reads
        // the note. It must not advance: raft-rs 0.7's `on_persist_entries` unwraps a
        // leader's own progress, which the removal just deleted.
        if removed {
            self.record_state(now_ms, trace);
            self.after_call(now_ms, trace);
            return;
        }

        // 6. Advance, then handle what became ready because of it.
        let mut light = live.raw.advance(rd);
        if let Some(commit) = light.commit_index() {
            self.disk.set_commit(commit);
            let hs = self.disk.core().hard_state.clone();
            Self::record_durable(live, id, &hs, now_ms, trace);
        }
        out.take_messages(light.take_messages());
        let committed = light.take_committed_entries();
        let mut cx = ApplyCtx { id, now_ms, events, decoded: &mut *decoded, trace, notes: &mut out.notes };
        let removed = apply_entries(live, &self.disk, committed, &mut cx);
        if !removed {
            live.raw.advance_apply();
        }

        if live.raw.raft.msgs.capacity() == 0 {
            if let Some(buffer) = out.spare.pop() {
                live.raw.raft.msgs = buffer;
            }
        }
        self.record_state(now_ms, trace);
        self.maybe_snapshot(cfg, now_ms, trace);
        self.after_call(now_ms, trace);
    }

    /// Emits role, leader and term changes into the trace: raft-rs's volatile state, true
    /// the moment a message is stepped or a tick fires.
    pub fn record_state(&mut self, now_ms: u64, trace: &mut Trace) {
        let id = self.id;
        let Some(live) = self.live.as_mut() else { return };
        let r = &live.raw.raft;
        let role = role_of(live);
        let leader = r.leader_id;
        if role != live.role || leader != live.leader || r.term != live.term {
            if live.role == Role::Leader && role != Role::Leader {
                // etcd's `lessor.Demote` when the member stops leading.
                self.disk.backend_mut().store.demote_leases();
            }
            live.role = role;
            live.leader = leader;
            live.term = r.term;
            trace.push(now_ms, TraceEvent::RoleChanged { node: id, role, term: r.term, leader });
        }
    }

    /// Emits hard-state and commit changes when they reach the disk, not when raft-rs decides
    /// them: a vote is only a promise once it is durable (the vote reply leaves after it), and
    /// a commit index is what a restarted member would find.
    pub(super) fn record_durable(
        live: &mut Live,
        id: NodeId,
        hs: &raft::eraftpb::HardState,
        now_ms: u64,
        trace: &mut Trace,
    ) {
        if hs.commit != live.commit {
            trace.push(now_ms, TraceEvent::Committed { node: id, index: hs.commit });
        }
        if hs.term != live.hs_term || hs.vote != live.vote || hs.commit != live.commit {
            live.hs_term = hs.term;
            live.vote = hs.vote;
            live.commit = hs.commit;
            trace.push(
                now_ms,
                TraceEvent::HardStateChanged { node: id, term: hs.term, vote: hs.vote, commit: hs.commit },
            );
        }
    }

    /// etcd's snapshot trigger: once more than `snapshot_count` entries were applied since
    /// the last snapshot, record a raft snapshot at the applied index and compact the log,
    /// keeping `snapshot_catchup_entries` behind it. As in etcd, the store itself is not copied: the
    /// backend is already durable.
    pub(super) fn maybe_snapshot(&mut self, cfg: &ClusterConfig, now_ms: u64, trace: &mut Trace) {
        let id = self.id;
        let Some(live) = self.live.as_mut() else { return };
        let (index, conf_state) = {
            let b = self.disk.backend();
            // etcd 3.4 triggers when applied - snapshot index exceeds the count (`<=` returns).
            if b.applied <= live.last_snapshot || b.applied - live.last_snapshot <= cfg.snapshot_count {
                return;
            }
            // After a crash in a slow disk's write the backend may have applied past the
            // commit index on disk; etcd snapshots at raft's applied index, which has not
            // passed it. Wait until raft has caught up with the backend.
            let commit = self.disk.core().hard_state.commit;
            if b.applied > live.raw.raft.raft_log.applied || b.applied > commit {
                return;
            }
            (b.applied, b.conf_state.clone())
        };
        let Ok(term) = live.raw.raft.raft_log.term(index) else { return };
        let compact_to = index.saturating_sub(cfg.snapshot_catchup_entries);
        self.disk.create_snapshot(index, term, conf_state, compact_to);
        live.last_snapshot = index;
        trace.push(now_ms, TraceEvent::SnapshotCreated { node: id, index, compacted_to: self.disk.first_index() });
    }

    /// Draw the first tick time after `now` on this node's phase.
    pub fn schedule_next_tick(&mut self, cfg: &ClusterConfig, now_ms: u64) {
        self.next_tick_ms = next_tick_after(now_ms, cfg.tick_ms, self.tick_phase_ms);
    }
}

fn next_tick_after(now_ms: u64, tick_ms: u64, phase_ms: u64) -> u64 {
    // The smallest phase + k*tick strictly after now.
    if now_ms < phase_ms {
        return phase_ms;
    }
    let k = (now_ms - phase_ms) / tick_ms + 1;
    phase_ms + k * tick_ms
}

pub fn role_of(live: &Live) -> Role {
    let r = &live.raw.raft;
    match r.state {
        StateRole::Leader => Role::Leader,
        StateRole::Candidate => Role::Candidate,
        StateRole::PreCandidate => Role::PreCandidate,
        StateRole::Follower => {
            if !r.promotable() && r.prs().get(r.id).is_some() {
                Role::Learner
            } else {
                Role::Follower
            }
        }
    }
}

/// Applies committed entries in order. Returns true when one of them removed this member:
/// etcd applies nothing after its own removal, so neither does the lab.
/// Where committed entries are applied: the member, the instant, whether anyone watches
/// its store (events are built only then), and where the trace and notes go.
pub(super) struct ApplyCtx<'a> {
    pub(super) id: NodeId,
    pub(super) now_ms: u64,
    pub(super) events: Events,
    pub(super) decoded: &'a mut Decoded,
    pub(super) trace: &'a mut Trace,
    pub(super) notes: &'a mut Vec<ApplyNote>,
}

pub(super) fn apply_entries(live: &mut Live, disk: &Disk, entries: Vec<Entry>, cx: &mut ApplyCtx<'_>) -> bool {
    let mut applied = AppliedRun::default();
    let removed = apply_each(live, disk, entries, cx, &mut applied);
    if let Some((first, last, term)) = applied.0 {
        cx.trace.push(cx.now_ms, TraceEvent::Applied { node: cx.id, first, last, term });
    }
    removed
}

/// The entries one call applied, for one trace record: (first, last, last's term). A batch
/// of a hundred puts is one record per member, not a hundred.
#[derive(Default)]
struct AppliedRun(Option<(u64, u64, u64)>);

impl AppliedRun {
    fn add(&mut self, disk: &Disk, index: u64, term: u64) {
        set_applied(disk, index, term);
        let first = self.0.map_or(index, |(first, _, _)| first);
        self.0 = Some((first, index, term));
    }
}

fn apply_each(
    live: &mut Live,
    disk: &Disk,
    entries: Vec<Entry>,
    cx: &mut ApplyCtx<'_>,
    applied: &mut AppliedRun,
) -> bool {
    let (id, now_ms) = (cx.id, cx.now_ms);
    for e in entries {
        let index = e.index;
        if index <= disk.backend().applied {
            continue;
        }
        match e.get_entry_type() {
            EntryType::EntryNormal => {
                if e.data.is_empty() {
                    cx.notes.push(ApplyNote::Empty { term: e.term });
                } else {
                    match cx.decoded.get(index, &e.data) {
                        Ok(proposal) => {
                            let applied = disk.backend_mut().store.apply_with(&proposal.request, now_ms, cx.events);
                            cx.notes.push(ApplyNote::Request { proposal, applied });
                        }
                        // Only the engine proposes, so this cannot happen; skip rather than
                        // let one bad entry stop the member.
                        Err(_) => cx.notes.push(ApplyNote::Empty { term: e.term }),
                    }
                }
            }
            EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => {
                // etcd 3.4 proposes v1 changes with the member in the context; v2 entries
                // only come from older share links, and carry no member.
                let (cc, ctx) = if e.get_entry_type() == EntryType::EntryConfChange {
                    let v1 = decode::<ConfChange>(&e.data).unwrap_or_default();
                    let ctx = ConfContext::decode(&v1.context);
                    (v1_to_v2(v1), ctx)
                } else {
                    (decode::<ConfChangeV2>(&e.data).unwrap_or_default(), None)
                };
                // `ValidateConfigurationChange`: a refused change takes its index but changes
                // neither the membership nor raft's configuration.
                let refused = match &ctx {
                    Some(c) => disk.backend_mut().store.apply_member_change(&c.change).err(),
                    None => None,
                };
                if refused.is_none() {
                    match live.raw.apply_conf_change(&cc) {
                        Ok(cs) => disk.backend_mut().conf_state = sorted(cs),
                        Err(err) => cx.trace.push(
                            now_ms,
                            engine_line(id, "warn", format!("conf change at {index} not applied: {err}")),
                        ),
                    }
                }
                let removes_self = refused.is_none()
                    && match &ctx {
                        Some(c) => matches!(c.change, MemberChange::Remove(_)) && c.node == id,
                        None => cc
                            .changes
                            .iter()
                            .any(|c| c.get_change_type() == ConfChangeType::RemoveNode && c.node_id == id),
                    };
                cx.notes.push(ApplyNote::ConfChange { ctx, refused });
                if removes_self {
                    applied.add(disk, index, e.term);
                    return true;
                }
            }
        }
        applied.add(disk, index, e.term);
    }
    false
}

fn set_applied(disk: &Disk, index: u64, term: u64) {
    let mut b = disk.backend_mut();
    b.applied = index;
    b.applied_term = term;
}

/// A line the engine adds to a node's log, beside raft-rs's own.
pub(super) fn engine_line(node: NodeId, level: &str, text: String) -> TraceEvent {
    TraceEvent::RaftLog { node, line: super::logger::RaftLogLine { level: level.into(), text } }
}

/// raft-rs lists a ConfState's ids in FxHash order, which depends on the host's word size;
/// sorted, a snapshot carries the same bytes natively and in wasm32.
fn sorted(mut cs: ConfState) -> ConfState {
    cs.voters.sort_unstable();
    cs.learners.sort_unstable();
    cs.voters_outgoing.sort_unstable();
    cs.learners_next.sort_unstable();
    cs
}

fn v1_to_v2(v1: ConfChange) -> ConfChangeV2 {
    use raft_proto::ConfChangeI;
    v1.into_v2()
}
