//! The fault-injection soak: random schedules against a real cluster, every invariant
//! checked after every step, and a failing schedule shrunk to the few actions that matter.
//!
//! Contract: `run_seed` is a pure function of (seed, steps, nodes): it draws a schedule
//! (`schedule`), applies it, and after each action checks
//! - Raft's invariants (`engine::invariants`: election safety, leader completeness, log
//!   matching, state-machine safety, monotonic commit);
//! - that every live member that applied up to index i has the same store digest at i;
//! - that every watch delivers its events once each, in revision order, skipping none
//!   (between the revision it was created at and its first event, and between two events
//!   in a row, the member's own key history has no other change);
//! - that no key outlives its lease (an expired or revoked lease leaves no keys);
//!
//! and, at the end, that the client history (linearizable reads, puts, deletes and
//! compare-and-swap txns) is linearizable. A panic anywhere in the engine or in raft-rs is a
//! violation too (`PANIC`): it is caught, so the seed is reported, shrunk and given a share
//! link like any other. The first violation stops the seed and is returned with the actions
//! applied so far; `shrink` then removes actions while the same invariant still fails.
//!
//! Layout: `schedule` (drawing actions), this file (running and checking), `shrink`.

pub mod inputs;
pub mod schedule;
pub mod shrink;

use std::collections::BTreeMap;

use crate::engine::invariants::Checker;
use crate::engine::{Action, ClientOp, ClientResult, Cluster, ClusterConfig, NodeId, TraceEvent};
use crate::history::check;
use crate::history::record::Recorder;

/// The cluster a seed runs on: 3 to `nodes` members, snapshot pressure, and pre-vote and
/// check-quorum in every combination.
pub fn config(seed: u64, nodes: u64) -> ClusterConfig {
    let span = nodes.saturating_sub(2).max(1);
    ClusterConfig {
        nodes: (3 + seed % span).min(nodes.max(1)),
        seed,
        snapshot_count: 20,
        snapshot_catchup_entries: 5,
        pre_vote: seed % 2 == 0,
        check_quorum: seed % 4 < 2,
        record_raft_log: false,
        ..ClusterConfig::default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub invariant: String,
    pub detail: String,
    /// The actions applied up to and including the one after which the check failed.
    pub actions: Vec<Action>,
}

/// Everything the checks remember between steps.
struct Watch {
    raft: Checker,
    /// Applied index → (member, store digest) as first seen.
    digests: BTreeMap<u64, (NodeId, u64)>,
    /// (member, watch id) → the last revision delivered (at first, the revision the watch
    /// was created at: it must deliver every change after it).
    watches: BTreeMap<(NodeId, u64), i64>,
    /// Requests for watches from the current revision, not answered yet.
    watch_requests: std::collections::BTreeSet<u64>,
    history: Recorder,
    cursor: u64,
}

fn fail<T>(invariant: &str, detail: String) -> Result<T, (String, String)> {
    Err((invariant.to_string(), detail))
}

/// The invariant a caught panic is reported under.
pub const PANIC: &str = "no panic";

thread_local! {
    /// Where the last panic on this thread happened, written by the hook `capture_panics`
    /// installs (a caught payload carries only the message).
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Replaces the process's panic hook with one that prints nothing and remembers the panic's
/// message and location for `apply_caught`. For the soak's CLI: a seed that panics is a
/// violation to report once, shrunk, not a backtrace per replay.
pub fn capture_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".into());
        LAST_PANIC.with(|p| *p.borrow_mut() = format!("{msg}{at}"));
    }));
}

/// Applies one action; a panic becomes an `Err` with its message (and where it happened,
/// when `capture_panics` is installed). The cluster must not be used after an `Err`.
pub fn apply_caught(c: &mut Cluster, a: Action) -> Result<(), String> {
    LAST_PANIC.with(|p| p.borrow_mut().clear());
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.apply(a))) {
        Ok(_) => Ok(()),
        Err(payload) => {
            let captured = LAST_PANIC.with(|p| std::mem::take(&mut *p.borrow_mut()));
            if !captured.is_empty() {
                return Err(captured);
            }
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".into());
            Err(msg)
        }
    }
}

impl Watch {
    /// `serializable`: hold serializable reads to linearizability too (they are not, so
    /// this is how a test proves the checker can fail).
    fn new(serializable: bool) -> Watch {
        Watch {
            raft: Checker::new(),
            digests: BTreeMap::new(),
            watches: BTreeMap::new(),
            watch_requests: std::collections::BTreeSet::new(),
            history: Recorder::new(serializable),
            cursor: 0,
        }
    }

    fn after_step(&mut self, c: &Cluster) -> Result<(), (String, String)> {
        self.raft.check(c).map_err(|v| (v.invariant.to_string(), v.detail))?;
        let new = c.trace().since(self.cursor);
        self.cursor = c.trace().len();
        self.history.feed(new);
        for r in new {
            match &r.event {
                TraceEvent::ClientRequest { req_id, op, .. } => {
                    if let ClientOp::Watch { start_revision: 0, .. } = op.as_ref() {
                        self.watch_requests.insert(*req_id);
                    }
                }
                TraceEvent::ClientReply(reply) if self.watch_requests.remove(&reply.req_id) => {
                    if let Ok(ClientResult::WatchCreated { watch_id }) = &reply.result {
                        self.watches.insert((reply.endpoint, *watch_id), reply.header.revision);
                    }
                }
                _ => {}
            }
            if let TraceEvent::Watch { node, batch } = &r.event {
                for e in &batch.events {
                    let last = self.watches.entry((*node, batch.watch_id)).or_insert(0);
                    if e.kv.mod_revision <= *last {
                        return fail(
                            "watch order",
                            format!(
                                "watch {} on n{node} delivered revision {} after {}",
                                batch.watch_id, e.kv.mod_revision, *last
                            ),
                        );
                    }
                    // Exactly once: no change of the key between two events delivered
                    // in a row was skipped (the member's own history says which there were).
                    let rev = e.kv.mod_revision;
                    let skipped = (*last > 0)
                        .then(|| c.key_revisions(*node, &e.kv.key, *last + 1))
                        .flatten()
                        .and_then(|revs| revs.into_iter().find(|&r| r < rev));
                    if let Some(missed) = skipped {
                        return fail(
                            "watch completeness",
                            format!(
                                "watch {} on n{node} went from revision {} (created or delivered) to {rev} of {:?}, skipping {missed}",
                                batch.watch_id,
                                *last,
                                String::from_utf8_lossy(&e.kv.key)
                            ),
                        );
                    }
                    *last = rev;
                }
            }
        }
        for id in c.node_ids() {
            if !c.is_alive(id) {
                continue;
            }
            let Some(v) = c.node_view(id) else { continue };
            let digest = c.store_digest(id).unwrap_or(0);
            match self.digests.get(&v.applied) {
                Some((other, d)) if *d != digest => {
                    return fail(
                        "store digest",
                        format!("n{id} and n{other} both applied up to {} but their stores differ", v.applied),
                    )
                }
                Some(_) => {}
                None => {
                    self.digests.insert(v.applied, (id, digest));
                }
            }
            let leases: Vec<i64> = c.lease_infos(id).iter().map(|l| l.0).collect();
            if let Some(kv) = v.kvs.iter().find(|kv| kv.lease != 0 && !leases.contains(&kv.lease)) {
                return fail(
                    "lease keys",
                    format!(
                        "n{id} still has {:?} on lease {:x}, which it no longer holds",
                        String::from_utf8_lossy(&kv.key),
                        kv.lease
                    ),
                );
            }
        }
        Ok(())
    }

    /// The keys whose history the search gave up on (too many unanswered operations).
    fn at_end(&self) -> Result<usize, (String, String)> {
        let h = self.history.history();
        match check::linearizable(&h) {
            Ok(checked) => Ok(checked.gave_up.len()),
            Err(v) => {
                let op = &h.ops[v.op];
                fail(
                    "linearizability",
                    format!(
                        "on key {:?}, n{}'s {} (invoked {} ms, returned {:?}) fits no order after {} earlier operations",
                        v.key,
                        op.client,
                        op.label,
                        op.call_ms,
                        op.return_ms,
                        v.prefix.len()
                    ),
                )
            }
        }
    }
}

/// What one seed did.
pub struct SeedRun {
    pub steps: u64,
    pub failure: Option<Failure>,
    /// Client operations checked for linearizability.
    pub ops: usize,
    /// Keys whose history was too large to decide within the search budget.
    pub undecided: usize,
    /// The cluster's trace hash after the last action that completed: a seed that replays
    /// the same reaches the same hash.
    pub trace_hash: u64,
}

/// Draws and runs `steps` actions on `config(seed, nodes)`.
pub fn run_seed(seed: u64, steps: u64, nodes: u64) -> SeedRun {
    run_seed_with(seed, steps, nodes, false)
}

/// `run_seed`, optionally judging serializable reads as if they were linearizable.
pub fn run_seed_with(seed: u64, steps: u64, nodes: u64, serializable: bool) -> SeedRun {
    let cfg = config(seed, nodes);
    let Ok(mut c) = Cluster::new(cfg) else {
        return SeedRun { steps: 0, failure: None, ops: 0, undecided: 0, trace_hash: 0 };
    };
    let mut schedule = schedule::Schedule::new(seed);
    let mut watch = Watch::new(serializable);
    let mut actions = Vec::new();
    for step in 0..steps {
        let a = schedule.next(&c);
        actions.push(a.clone());
        // Read before the action: after a panic the cluster must not be used.
        let trace_hash = c.trace_hash();
        if let Err(detail) = apply_caught(&mut c, a) {
            let failure = Some(Failure { invariant: PANIC.into(), detail, actions });
            return SeedRun { steps: step + 1, failure, ops: 0, undecided: 0, trace_hash };
        }
        if let Err((invariant, detail)) = watch.after_step(&c) {
            let failure = Some(Failure { invariant, detail, actions });
            return SeedRun { steps: step + 1, failure, ops: 0, undecided: 0, trace_hash: c.trace_hash() };
        }
    }
    let ops = watch.history.history().ops.len();
    let trace_hash = c.trace_hash();
    match watch.at_end() {
        Ok(undecided) => SeedRun { steps, failure: None, ops, undecided, trace_hash },
        Err((invariant, detail)) => {
            SeedRun { steps, failure: Some(Failure { invariant, detail, actions }), ops, undecided: 0, trace_hash }
        }
    }
}

/// Replays `actions` on `cfg` with every check; the first failure, if any.
pub fn replay(cfg: &ClusterConfig, actions: &[Action], serializable: bool) -> Option<(String, String)> {
    let mut c = Cluster::new(cfg.clone()).ok()?;
    let mut watch = Watch::new(serializable);
    for a in actions {
        if let Err(detail) = apply_caught(&mut c, a.clone()) {
            return Some((PANIC.into(), detail));
        }
        if let Err(e) = watch.after_step(&c) {
            return Some(e);
        }
    }
    watch.at_end().err()
}

/// The run after `actions`, for a share link.
pub fn run_of(cfg: &ClusterConfig, actions: &[Action]) -> Option<crate::engine::Run> {
    let mut c = Cluster::new(cfg.clone()).ok()?;
    for a in actions {
        if apply_caught(&mut c, a.clone()).is_err() {
            // A run that panics still gets its link: the actions up to and including the
            // one that panicked, so the site shows the panic page at the same point.
            let mut run = crate::engine::Run::of(&c);
            run.actions.push(a.clone());
            return Some(run);
        }
    }
    Some(crate::engine::Run::of(&c))
}
