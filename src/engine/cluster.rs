//! The cluster: nodes, network, clock and trace, and the event loop that drives them.
//!
//! Contract: `apply` validates an action before touching anything, so a rejected action
//! leaves the cluster (and its trace hash) unchanged. Time only moves inside `apply`, one
//! event at a time, in a fixed order for ties: deliveries, then ticks (by node id), then
//! client deadlines. Every loop that "runs until" something is capped.

use raft::eraftpb::Entry;
use std::collections::BTreeMap;

use super::action::Action;
use super::client::ClientReply;
use super::config::ClusterConfig;
use super::decoded::Decoded;
use super::disk::Disk;
use super::node::ReadyOutput;
use crate::store::Store;

use super::message::MsgSummary;
use super::network::{LinkFault, Network};
use super::node::Node;
use super::request_table::RequestTable;
use super::restore::DataDir;
use super::rng::{SimRng, Stream};
use super::slots::NodeSlots;
use super::streams::Streams;
use super::trace::{DropReason, Trace, TraceEvent, TraceMode};
use super::NodeId;

pub use super::error::ActionError;

/// Bound on events processed by one action, so no action can spin forever.
pub(crate) const MAX_EVENTS_PER_ACTION: u64 = 50_000_000;
/// Bound on Ready passes per raft call; raft-rs settles in two or three.
pub(crate) const MAX_READY_PASSES: usize = 64;
/// Bound on nodes handled by one flush (each handling can dirty others again).
pub(crate) const MAX_FLUSH_PASSES: usize = 10_000;

pub struct Cluster {
    pub(crate) cfg: ClusterConfig,
    pub(crate) now_ms: u64,
    pub(crate) nodes: NodeSlots,
    pub(crate) network: Network,
    pub(crate) trace: Trace,
    /// Unix time in ms at simulated time 0 (see `wall_ms`).
    pub(crate) epoch_ms: u64,
    /// `--initial-cluster-token`, which every member id is derived from.
    pub(crate) token: String,
    pub(crate) cluster_id: u64,
    /// The raft group a member added now belongs to (see `Node::raft_group`).
    pub(crate) raft_group: u64,
    /// Client requests being served, and the latest replies.
    pub(crate) requests: RequestTable,
    pub(crate) messages_sent: u64,
    /// Watches and lease keep-alives.
    pub(crate) streams: Streams,
    pub(crate) recipes: super::recipes::Recipes,
    pub(crate) perf: super::perf::PerfRuns,
    /// kube-apiserver's periodic compactor, once `kube compactor 5m` started it.
    pub(crate) kube_compactor: super::kube_compactor::KubeCompactor,
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    /// Lease ids each member has handed out, for etcd-style id generation.
    pub(crate) lease_seq: BTreeMap<NodeId, u64>,
    /// Leases whose revoke the leader has proposed and not yet seen applied.
    pub(crate) revoking: std::collections::BTreeSet<i64>,
    /// Recent entries' proposals, decoded once for every member that applies them.
    pub(crate) decoded: Decoded,
    /// The buffers every Ready's output passes through.
    pub(crate) ready_out: ReadyOutput,
    /// `send_all`'s sort of a Ready's messages by destination: (to, position).
    pub(crate) send_order: Vec<(u64, usize)>,
    /// Every action applied so far, with the clock before it: the run's replay script.
    pub(crate) log: Vec<(u64, Action)>,
    /// Off for a rewind checkpoint, which replays a log someone else keeps (it gets its
    /// prefix back when it becomes the present: `Replayer::resume_log`).
    pub(crate) keep_log: bool,
    /// When each pair of members' link last came back up (smaller id first), for etcd's
    /// "connected since" checks.
    pub(crate) link_up_at: BTreeMap<(NodeId, NodeId), u64>,
    /// Nodes whose `RawNode` may have a Ready not yet handled. They are all handled before
    /// the clock moves on and at the end of each action, so that everything raft-rs does at
    /// one instant — several proposals, several arrivals — goes out in one Ready, as in
    /// etcd's raft loop.
    pub(crate) dirty: super::dirty::DirtyNodes,
    /// Slow-disk writes under way: (done at, node). An entry whose node has since crashed
    /// or restarted is stale, and is skipped when it comes due.
    pub(crate) fsyncs: std::collections::BTreeSet<(u64, NodeId)>,
    /// Data dirs made by `snapshot restore --data-dir`, waiting for `start --data-dir`.
    pub(crate) data_dirs: std::collections::BTreeMap<String, DataDir>,
    /// When each leader last sent each peer a heartbeat: etcd's timeout detector, which
    /// warns when a slow disk made the leader late.
    pub(crate) heartbeats_sent: std::collections::BTreeMap<(NodeId, NodeId), (u64, u64)>,
    pub(crate) events_processed: u64,
    /// The earliest tick of a live node (`Some(None)`: none is alive), or `None` when a
    /// node started, stopped, joined or ticked since it was worked out. The event loop asks
    /// for it before every event; scanning the nodes each time was 5% of an hour's run in
    /// WASM. Debug builds check it against a fresh scan every time it is read.
    pub(crate) next_tick: std::cell::Cell<Option<Option<u64>>>,
    /// Loops that hit their cap (see `overran`), and what the last one was.
    overruns: u64,
    last_overrun: Option<String>,
}

impl Cluster {
    pub fn new(cfg: ClusterConfig) -> Result<Self, ActionError> {
        Self::with_mode(cfg, TraceMode::Full)
    }

    pub fn with_mode(cfg: ClusterConfig, mode: TraceMode) -> Result<Self, ActionError> {
        cfg.validate()?;
        let mut ids = SimRng::derive(cfg.seed, Stream::Ids, 0);
        // The simulated wall clock starts somewhere in late 2023 that the seed picks: it
        // only feeds ids that etcd mints from the clock (added members, leases).
        let epoch_ms = 1_700_000_000_000 + ids.below(100_000_000_000);
        let member_ids: Vec<u64> = (1..=cfg.nodes)
            .map(|k| super::ids::member_id(&[super::ids::peer_url(k)], super::ids::CLUSTER_TOKEN, None))
            .collect();
        let cluster_id = super::ids::cluster_id(&member_ids);
        let network = Network::new(SimRng::derive(cfg.seed, Stream::Network, 0), cfg.latency_ms, cfg.jitter_ms);
        let mut c = Cluster {
            cfg,
            now_ms: 0,
            nodes: NodeSlots::default(),
            network,
            trace: Trace::new(mode),
            epoch_ms,
            token: super::ids::CLUSTER_TOKEN.to_string(),
            cluster_id,
            raft_group: 0,
            requests: RequestTable::default(),
            messages_sent: 0,
            streams: Streams::default(),
            recipes: Default::default(),
            perf: Default::default(),
            kube_compactor: Default::default(),
            files: BTreeMap::new(),
            lease_seq: BTreeMap::new(),
            revoking: Default::default(),
            decoded: Decoded::default(),
            ready_out: ReadyOutput::default(),
            send_order: Vec::new(),
            log: Vec::new(),
            keep_log: true,
            link_up_at: BTreeMap::new(),
            dirty: Default::default(),
            fsyncs: Default::default(),
            data_dirs: Default::default(),
            heartbeats_sent: Default::default(),
            events_processed: 0,
            next_tick: Default::default(),
            overruns: 0,
            last_overrun: None,
        };
        c.bootstrap(None)?;
        Ok(c)
    }

    /// Creates the initial members: etcd's bootstrap log (one AddNode per voter at term 1),
    /// or, when restoring, a snapshot at that index carrying the saved store.
    pub(crate) fn bootstrap(&mut self, restore: Option<Vec<u8>>) -> Result<(), ActionError> {
        let n = self.cfg.nodes;
        let token = self.token.clone();
        let entries: Vec<Entry> = (1..=n).map(|id| super::members::bootstrap_entry(id, &token)).collect();
        let member_ids: Vec<u64> = (1..=n).map(|id| super::members::initial_member(id, &token).id).collect();
        self.cluster_id = super::ids::cluster_id(&member_ids);
        for id in 1..=n {
            let member_id = member_ids[(id - 1) as usize];
            let fresh = Store::new(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
            let disk = match &restore {
                None => Disk::bootstrap(entries.clone(), fresh),
                Some(data) => {
                    // Checked when the action was validated; a store that still fails to
                    // load leaves the member empty rather than stopping the restore.
                    let mut store = Store::from_snapshot(data).unwrap_or(fresh);
                    store.configure(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
                    // `snapshot restore --initial-cluster …` writes the new membership into
                    // the backend: named members, not published yet.
                    store.set_initial_members((1..=n).map(|k| super::members::initial_member(k, &token)).collect());
                    let cs = raft::eraftpb::ConfState { voters: (1..=n).collect(), ..Default::default() };
                    Disk::restored(store, n, 1, cs)
                }
            };
            self.add_slot(id, member_id, format!("n{id}"), disk);
            self.start_node(id)?;
        }
        Ok(())
    }

    pub(crate) fn add_slot(&mut self, id: NodeId, member_id: u64, name: String, disk: Disk) {
        let timeouts = SimRng::derive(self.cfg.seed, Stream::Timeouts, id);
        let phase = SimRng::derive(self.cfg.seed, Stream::TickPhase, id).below(self.cfg.tick_ms);
        let mut node = Node::new(id, member_id, name, disk, timeouts, phase);
        node.cluster_id = self.cluster_id;
        node.raft_group = self.raft_group;
        self.nodes.insert(id, node);
        self.next_tick.set(None);
    }

    pub(crate) fn start_node(&mut self, id: NodeId) -> Result<(), ActionError> {
        let now = self.now_ms;
        let cfg = self.cfg.clone();
        let Some(node) = self.nodes.get_mut(&id) else { return Err(ActionError::NoSuchSlot(id)) };
        self.next_tick.set(None);
        node.start(&cfg, now, &mut self.trace)?;
        node.record_state(now, &mut self.trace);
        self.dirty.insert(id);
        self.flush();
        Ok(())
    }

    // ---- reading ----

    pub fn config(&self) -> &ClusterConfig {
        &self.cfg
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// A node's warnings (and worse) in the trace kept so far, oldest first.
    pub fn warnings_of(&self, id: NodeId) -> Vec<String> {
        let lines = self.trace.records().iter().filter_map(|r| match &r.event {
            TraceEvent::RaftLog { node, line } if *node == id && line.level != "info" && line.level != "debug" => {
                Some(line.text.clone())
            }
            _ => None,
        });
        lines.collect()
    }

    /// Whether `snapshot restore --data-dir` made this data dir and no member started from
    /// it yet.
    pub fn has_data_dir(&self, dir: &str) -> bool {
        self.data_dirs.contains_key(dir)
    }

    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// Gives a replay (often hash-only) the records of a later run of the same actions:
    /// this cluster's past is that run's prefix, so it takes `later`'s records up to its
    /// own length and keeps its own hash, then records in full from here on.
    pub fn adopt_trace(&mut self, later: Trace) {
        let (len, hash) = (self.trace.len(), self.trace.hash());
        let mut t = later.rewound(len, hash);
        t.set_mode(TraceMode::Full);
        self.trace = t;
    }

    /// A member added by `member add` whose process has not started yet.
    pub fn never_started(&self, id: NodeId) -> bool {
        self.nodes.get(&id).is_some_and(|n| !n.is_alive() && n.started_at_ms == 0 && n.disk.core().hard_state.term == 0)
    }

    pub fn cluster_id(&self) -> u64 {
        self.cluster_id
    }

    /// The simulated wall clock, for what etcd derives from `time.Now()` (ids of added
    /// members and leases). Never the host's clock.
    pub(crate) fn wall_ms(&self) -> u64 {
        self.epoch_ms + self.now_ms
    }

    pub fn actions(&self) -> &[(u64, Action)] {
        &self.log
    }

    pub fn reply(&self, req_id: u64) -> Option<&ClientReply> {
        self.requests.reply(req_id)
    }

    pub fn is_pending(&self, req_id: u64) -> bool {
        self.requests.is_open(req_id)
    }

    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// A request id not used yet in this run.
    pub fn fresh_req_id(&self) -> u64 {
        self.requests.last_id() + 1
    }

    /// Messages raft-rs has sent since the start (dropped ones included).
    pub fn messages_sent(&self) -> u64 {
        self.messages_sent
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        self.nodes.keys().collect()
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id)
    }

    pub fn is_alive(&self, id: NodeId) -> bool {
        self.nodes.get(&id).is_some_and(|n| n.is_alive())
    }

    /// The leader with the highest term among live nodes, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .filter_map(|n| n.live.as_ref().map(|l| (n.id, l)))
            .filter(|(_, l)| l.raw.raft.state == raft::StateRole::Leader)
            .max_by_key(|(id, l)| (l.raw.raft.term, std::cmp::Reverse(*id)))
            .map(|(id, _)| id)
    }

    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// How many loops hit their cap so far, and what the last one was: 0 in every healthy
    /// run (the invariant checker reports any).
    pub fn overruns(&self) -> (u64, Option<&str>) {
        (self.overruns, self.last_overrun.as_deref())
    }

    /// A loop hit its cap. The caps are there so that no action can spin forever, and a
    /// healthy run never reaches one, so reaching one is an engine fault, not a way to stop:
    /// the work left waits for the next event, and the run says so, as an error line in the
    /// trace and a count the invariant checker reports.
    pub(crate) fn overran(&mut self, what: String) {
        self.overruns += 1;
        let line = super::logger::RaftLogLine { level: "error".into(), text: what.clone() };
        self.trace.push(self.now_ms, TraceEvent::RaftLog { node: 0, line });
        self.last_overrun = Some(what);
    }

    // ---- changing ----

    /// Applies one action. On error nothing changed.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.check(&action)?;
        let before = self.now_ms;
        // A wait is recorded as a plain wait: a rewind that replays it with a cut-off
        // (`stop_at_ms`) must hash like the original when the reply comes before the cut.
        let recorded = match &action {
            Action::AwaitReply { req_id, .. } => Action::AwaitReply { req_id: *req_id, stop_at_ms: None },
            other => other.clone(),
        };
        self.trace.push(self.now_ms, TraceEvent::Action(Box::new(recorded)));
        // Back-to-back client calls at one instant share a Ready, as concurrent clients'
        // proposals do in etcd; anything else settles the cluster before returning.
        let batchable = matches!(action, Action::Client { .. });
        if self.keep_log {
            super::trace::push_growing(&mut self.log, (before, action.clone()));
        }
        self.perform(action);
        if !batchable {
            self.flush();
        }
        if !self.keep_log {
            return Ok(());
        }
        if let Some((_, Action::AwaitReply { req_id, stop_at_ms })) = self.log.last_mut() {
            if !self.requests.is_open(*req_id) {
                *stop_at_ms = None;
            }
        }
        Ok(())
    }

    /// Goes on with the last action applied, which a rewind cut short: time runs to
    /// `end_ms` (the original's end) or `until_ms`, whichever is first. Nothing new is
    /// recorded (the run recorded this action once); the log's last entry becomes the
    /// original once it is whole, else the part applied so far. Returns whether it is whole.
    pub(crate) fn continue_cut(&mut self, original: &Action, end_ms: u64, until_ms: u64) -> bool {
        let Some(&(start, _)) = self.log.last() else { return false };
        let whole = match original {
            Action::AwaitReply { req_id, .. } => {
                self.perform(Action::AwaitReply { req_id: *req_id, stop_at_ms: Some(until_ms) });
                self.flush();
                !self.requests.is_open(*req_id)
            }
            _ => {
                let target = end_ms.min(until_ms);
                self.run_until(target);
                target >= end_ms
            }
        };
        if let Some(last) = self.log.last_mut() {
            last.1 = if whole { original.clone() } else { Action::Advance(self.now_ms - start) };
        }
        whole
    }

    fn perform(&mut self, action: Action) {
        let cut_before: std::collections::BTreeSet<(NodeId, NodeId)> = match action {
            Action::Partition(_) | Action::Restore { .. } | Action::Heal => self.network.cut_links().collect(),
            _ => Default::default(),
        };
        self.perform_inner(action);
        if !cut_before.is_empty() {
            self.note_links_up(&cut_before);
        }
    }

    fn perform_inner(&mut self, action: Action) {
        match action {
            Action::Kill(id) => self.kill(id),
            Action::Restart(id) => {
                // A member added at run time starts for the first time (etcd with
                // `--initial-cluster-state existing`); any other start is a restart.
                let event = if self.never_started(id) {
                    TraceEvent::NodeStarted { node: id }
                } else {
                    TraceEvent::Restarted { node: id }
                };
                self.trace.push(self.now_ms, event);
                if let Err(e) = self.start_node(id) {
                    self.trace_warn(id, e.to_string());
                }
            }
            Action::Partition(groups) => {
                self.network.heal_cuts();
                let mut group_of: BTreeMap<NodeId, usize> = BTreeMap::new();
                for (g, ids) in groups.iter().enumerate() {
                    for id in ids {
                        group_of.insert(*id, g);
                    }
                }
                let ids = self.node_ids();
                for a in &ids {
                    for b in &ids {
                        let ga = group_of.get(a).copied().unwrap_or(usize::MAX);
                        let gb = group_of.get(b).copied().unwrap_or(usize::MAX);
                        if a != b && ga != gb {
                            self.network.cut(*a, *b);
                        }
                    }
                }
            }
            Action::Cut { from, to } => self.network.cut(from, to),
            Action::Restore { from, to } => self.network.restore(from, to),
            Action::Heal => self.network.heal(),
            Action::DropMessage(id) => {
                if let Some(m) = self.network.take(id) {
                    let is_snap = m.msg.get_msg_type() == raft::eraftpb::MessageType::MsgSnapshot;
                    self.dropped(&m.env, is_snap, DropReason::ByHand);
                }
            }
            Action::DeliverMessage(id) => {
                if let Some(m) = self.network.take(id) {
                    self.deliver(m.env, m.msg);
                }
            }
            Action::DelayMessage { id, by_ms } => {
                self.network.delay(id, by_ms);
            }
            Action::DuplicateMessage(id) => {
                if let Some((new_id, at)) = self.network.duplicate(id) {
                    if let Some(m) = self.network.get(new_id) {
                        let msg = MsgSummary::of(m.msg);
                        self.trace.push_sent(self.now_ms, new_id, at, &msg);
                    }
                }
            }
            Action::LinkDropRate { from, to, ppm } => {
                let f = self.network.fault(from, to);
                self.network.set_fault(from, to, LinkFault { drop_ppm: ppm, ..f });
            }
            Action::LinkDuplicateRate { from, to, ppm } => {
                let f = self.network.fault(from, to);
                self.network.set_fault(from, to, LinkFault { dup_ppm: ppm, ..f });
            }
            Action::LinkDelay { from, to, extra_ms } => {
                let f = self.network.fault(from, to);
                self.network.set_fault(from, to, LinkFault { extra_ms, ..f });
            }
            Action::SetLatency { base_ms, jitter_ms } => {
                self.network.base_ms = base_ms;
                self.network.jitter_ms = jitter_ms;
            }
            Action::Tick(n) => {
                let target = self.now_ms + n * self.cfg.tick_ms;
                self.run_until(target);
            }
            Action::Advance(ms) => {
                let target = self.now_ms + ms;
                self.run_until(target);
            }
            Action::Step => {
                if let Some(t) = self.next_event_settled() {
                    self.now_ms = self.now_ms.max(t);
                    self.process_one();
                }
            }
            Action::AwaitReply { req_id, stop_at_ms } => {
                let mut budget = MAX_EVENTS_PER_ACTION;
                let stop = stop_at_ms.unwrap_or(u64::MAX);
                while self.requests.is_open(req_id) {
                    let Some(t) = self.next_event_settled() else { break };
                    if t > stop {
                        self.now_ms = self.now_ms.max(stop);
                        break;
                    }
                    if budget == 0 {
                        self.overran(format!("waited {MAX_EVENTS_PER_ACTION} events for request {req_id}; gave up"));
                        break;
                    }
                    budget -= 1;
                    self.now_ms = self.now_ms.max(t);
                    self.process_one();
                }
            }
            Action::Campaign(id) => self.with_raw(id, |raw| {
                let _ = raw.campaign();
            }),
            Action::TransferLeader(id) => {
                if let Some(l) = self.leader() {
                    self.with_raw(l, |raw| raw.transfer_leader(id));
                }
            }
            Action::Client { req_id, endpoint, op, timeout_ms } => self.submit(req_id, endpoint, op, timeout_ms),
            Action::DiskDelay { node, delay_ms } => {
                if let Some(n) = self.nodes.get_mut(&node) {
                    n.disk_delay_ms = delay_ms;
                }
            }
            Action::RestoreMember { path, member, initial, token, data_dir } => {
                if let Some(store) = self.files.get(&path).cloned() {
                    self.data_dirs.insert(data_dir, DataDir { member, initial, token, store });
                }
            }
            Action::StartFrom { node, data_dir } => self.start_from(node, &data_dir),
            Action::KubeCompactor { endpoint, interval_ms } => self.set_kube_compactor(endpoint, interval_ms),
            Action::RestoreSnapshot { path } => {
                if let Some(data) = self.files.get(&path).cloned() {
                    self.restore_cluster(data);
                }
            }
            Action::RestoreSnapshotWithToken { path, token } => {
                if let Some(data) = self.files.get(&path).cloned() {
                    self.token = token;
                    self.restore_cluster(data);
                }
            }
        }
    }

    /// Runs `f` on a live node's `RawNode`, then re-pins its timeout and drains its Ready.
    pub(crate) fn with_raw(&mut self, id: NodeId, f: impl FnOnce(&mut raft::RawNode<Disk>)) {
        if self.call_raw(id, f).is_some() {
            self.dirty.insert(id);
        }
    }

    /// `with_raw` without marking the node dirty, for a caller that knows whether the call
    /// left raft-rs anything to hand over. `None`: the node is not running.
    pub(crate) fn call_raw<R>(&mut self, id: NodeId, f: impl FnOnce(&mut raft::RawNode<Disk>) -> R) -> Option<R> {
        let now = self.now_ms;
        let node = self.nodes.get_mut(&id)?;
        let live = node.live.as_mut()?;
        let r = f(&mut live.raw);
        node.after_call(now, &mut self.trace);
        node.record_state(now, &mut self.trace);
        Some(r)
    }

    /// Handles every pending Ready, including those the handling itself causes.
    pub(crate) fn flush(&mut self) {
        for _ in 0..MAX_FLUSH_PASSES {
            let Some(id) = self.dirty.pop_first() else { return };
            self.drain_ready(id);
        }
        if !self.dirty.is_empty() {
            let what =
                format!("Readies did not settle in {MAX_FLUSH_PASSES} passes; the rest waits for the next event");
            self.overran(what);
        }
    }

    pub(crate) fn trace_warn(&mut self, node: NodeId, text: String) {
        let line = super::logger::RaftLogLine { level: "warn".into(), text };
        self.trace.push(self.now_ms, TraceEvent::RaftLog { node, line });
    }

    pub(crate) fn kill(&mut self, id: NodeId) {
        if let Some(n) = self.nodes.get_mut(&id) {
            n.kill();
        }
        self.next_tick.set(None);
        self.trace.push(self.now_ms, TraceEvent::Crashed { node: id });
        self.drop_watchers_on(id);
    }
}

impl Network {
    pub(crate) fn heal_cuts(&mut self) {
        let cuts: Vec<(NodeId, NodeId)> = self.cut_links().collect();
        for (a, b) in cuts {
            self.restore(a, b);
        }
    }
}
