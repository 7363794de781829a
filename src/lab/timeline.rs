//! The lab as the UI drives it: one session over one run, with play, step, step back and
//! share. Every change goes through an engine `Action` (or a console line, which becomes
//! actions), so the action list is the whole run.
//!
//! Contract: stepping back replays the run to an earlier time (raft-rs cannot be cloned)
//! and keeps the later actions aside; the next action forks the future and drops them.
//! Going forward again without acting goes on from the present through those kept actions
//! (`engine::resume_to`), reaching the same states the run went through.
//! A checkpoint (a hash-only replay) trails the present by `CHECKPOINT_LAG_MS`, advanced
//! by `idle` between frames, so a step back replays seconds rather than the whole run; the
//! rewound cluster takes its trace records from the present's, which it shares a past with.
//! After everything it applies the lab checks Raft's safety properties (`safety`); a
//! rebuilt present (a rewind) tells the checker, which forgets the abandoned future.

use super::safety::{After, SafetyStatus, SafetyWatch};
use crate::console::session::{Render, Session, Started};
use crate::engine::{resume_to, Action, ActionError, ClusterConfig, Cursor, Replayer, Run, TraceEvent, TraceMode};

/// Why a lab operation failed: which operation, wrapping the engine's reason. The text is
/// the engine's (the UI shows it as it always has); the variant says what was attempted,
/// so a caller can tell a bad share link from a refused button press.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabError {
    /// `Lab::new`: the cluster could not be built from its settings.
    #[error(transparent)]
    Start(ActionError),
    /// `Lab::from_run`: a recorded run did not replay (a damaged or hand-made share link).
    #[error(transparent)]
    Replay(ActionError),
    /// `Lab::act`: the engine refused the action; nothing changed.
    #[error(transparent)]
    Action(ActionError),
    /// `Lab::step_back` or `Lab::seek`: the run did not replay to the earlier time; the
    /// present and its kept future are as they were.
    #[error(transparent)]
    Rewind(ActionError),
}

impl LabError {
    /// The engine's reason, whichever operation failed.
    pub fn action_error(&self) -> &ActionError {
        match self {
            LabError::Start(e) | LabError::Replay(e) | LabError::Action(e) | LabError::Rewind(e) => e,
        }
    }
}

/// Play advances simulated time in equal slices, so a share link packs well.
pub const PLAY_SLICE_MS: u64 = 50;

/// How far the checkpoint trails the present: a step back of up to this much (and a
/// scrub within it) replays from the checkpoint instead of from the start.
pub const CHECKPOINT_LAG_MS: u64 = 10_000;

/// Actions the checkpoint replays per `idle` call in the browser (play applies one per
/// frame, so this catches up quickly without costing a frame).
pub const IDLE_BUDGET: usize = 50;

/// The run kept aside by a step back: its config, its actions with their start times, and
/// where it ends.
#[derive(Clone)]
struct Kept {
    config: ClusterConfig,
    log: Vec<(u64, Action)>,
    end_ms: u64,
}

impl Kept {
    fn run(&self) -> Run {
        Run { config: self.config.clone(), actions: self.log.iter().map(|(_, a)| a.clone()).collect() }
    }
}

pub struct Lab {
    session: Session,
    /// What the timeline and the watch panels show, gathered from the trace as it grows
    /// (so a frame never rescans a long trace).
    pub notes: Notes,
    /// The run as it stood before the last step back, if any: stepping forward replays it.
    future: Option<Kept>,
    /// A hash-only replay of the run (the kept one, else the present) trailing the present.
    checkpoint: Option<Replayer>,
    /// Where the present stands in the kept run, so going forward continues it.
    cursor: Option<Cursor>,
    /// Set when an action dropped a kept future, until the next step.
    pub forked: bool,
    /// The console transcript, newest last.
    pub transcript: Vec<Said>,
    safety: SafetyWatch,
}

/// One console line and what it printed; a request still in flight has `pending` set and
/// prints when its reply arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub line: String,
    pub out: String,
    /// (request id, endpoint, how to print the reply).
    pub pending: Option<(u64, u64, Render)>,
}

/// Moments worth marking on the timeline, and each watch stream's events, in words.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// Absolute trace index read up to.
    cursor: u64,
    /// (kind, time, words): kind is "leader", "crash" or "commit". Commits are kept at
    /// most once per node per simulated second.
    pub marks: Vec<(&'static str, u64, String)>,
    last_commit_mark: std::collections::BTreeMap<u64, u64>,
    /// Watch id -> (endpoint, event lines, canceled).
    pub watches: std::collections::BTreeMap<u64, (u64, Vec<String>, bool)>,
}

impl Notes {
    /// Reads the trace records not read yet.
    fn read(&mut self, trace: &crate::engine::Trace) {
        for r in trace.since(self.cursor) {
            match &r.event {
                TraceEvent::RoleChanged { node, role: crate::engine::Role::Leader, term, .. } => {
                    self.marks.push(("leader", r.time_ms, format!("n{node} leads, term {term}")));
                }
                TraceEvent::Crashed { node } => self.marks.push(("crash", r.time_ms, format!("n{node} crashed"))),
                TraceEvent::Committed { node, index } => {
                    let second = r.time_ms / 1000;
                    if self.last_commit_mark.insert(*node, second) != Some(second) {
                        self.marks.push(("commit", r.time_ms, format!("n{node} committed {index}")));
                    }
                }
                TraceEvent::Watch { node, batch } => {
                    let entry = self.watches.entry(batch.watch_id).or_insert((*node, Vec::new(), false));
                    for e in &batch.events {
                        let key = String::from_utf8_lossy(&e.kv.key).into_owned();
                        entry.1.push(match e.kind {
                            crate::store::EventKind::Put => format!(
                                "{} ms  PUT {key} = {}  (rev {})",
                                r.time_ms,
                                String::from_utf8_lossy(&e.kv.value),
                                e.kv.mod_revision
                            ),
                            crate::store::EventKind::Delete => {
                                format!("{} ms  DELETE {key}  (rev {})", r.time_ms, e.kv.mod_revision)
                            }
                        });
                    }
                    entry.2 |= batch.canceled;
                }
                _ => {}
            }
        }
        self.cursor = trace.len();
    }
}

/// Kinds of "next" the step buttons stop at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Up to the next message delivered (or dropped on arrival).
    Message,
    /// One event: a delivery, a tick or a timeout.
    Event,
    /// Up to the next tick of any node.
    Tick,
    /// Up to the next role change, commit or crash.
    Interesting,
}

impl Lab {
    pub fn new(cfg: ClusterConfig) -> Result<Lab, LabError> {
        Ok(Lab::over(Session::new(cfg).map_err(LabError::Start)?))
    }

    /// The lab at the end of a shared run; a bad action in the link is an error, not a panic.
    pub fn from_run(run: &Run) -> Result<Lab, LabError> {
        let cluster = run.replay(TraceMode::Full).map_err(LabError::Replay)?;
        Ok(Lab::over(Session::from_cluster(cluster)))
    }

    fn over(session: Session) -> Lab {
        let mut lab = Lab {
            session,
            notes: Notes::default(),
            future: None,
            checkpoint: None,
            cursor: None,
            forked: false,
            transcript: Vec::new(),
            safety: SafetyWatch::default(),
        };
        lab.notes.read(lab.session.cluster().trace());
        lab.safety.check(lab.session.cluster(), || After::Start);
        lab
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn run(&self) -> Run {
        Run::of(self.session.cluster())
    }

    /// Raft's safety properties as checked after everything applied so far.
    pub fn safety(&self) -> &SafetyStatus {
        self.safety.status()
    }

    pub fn now_ms(&self) -> u64 {
        self.session.cluster().now_ms()
    }

    pub fn can_step_forward_in_kept_future(&self) -> bool {
        self.future.is_some()
    }

    /// Applies a UI action. An action after a step back forks the future.
    pub fn act(&mut self, action: Action) -> Result<(), LabError> {
        self.fork();
        let said = format!("{action:?}");
        let done = self.session.apply(action);
        self.after(|| After::Action(said));
        done.map_err(LabError::Action)
    }

    /// Starts one console line and records it in the transcript. A put, get, del or
    /// compaction stays pending while time plays, until its reply (or its timeout) comes;
    /// the returned text is empty until then.
    pub fn console(&mut self, line: &str) -> String {
        self.fork();
        let said = match self.session.start_line(line) {
            Started::Done(out) => Said { line: line.to_string(), out: out.shown(), pending: None },
            Started::Pending { req_id, endpoint, render } => {
                Said { line: line.to_string(), out: String::new(), pending: Some((req_id, endpoint, render)) }
            }
        };
        let at = self.transcript.len();
        self.transcript.push(said);
        // A reply can come with no time passing (a serializable read, a refusal at the
        // endpoint): `after_time` prints it, so read the line's text after it.
        self.after(|| After::Console(line.to_string()));
        self.transcript[at].out.clone()
    }

    /// Lines still waiting for a reply.
    pub fn pending(&self) -> usize {
        self.transcript.iter().filter(|s| s.pending.is_some()).count()
    }

    /// `after_time`, then the safety check, which names what was applied if it fails.
    fn after(&mut self, applied: impl FnOnce() -> After) {
        self.after_time();
        self.safety.check(self.session.cluster(), applied);
    }

    /// Prints replies that arrived and stream output (watches, keep-alives).
    fn after_time(&mut self) {
        for said in self.transcript.iter_mut() {
            if let Some((req_id, endpoint, render)) = &said.pending {
                if let Some(out) = self.session.finish_pending(*req_id, *endpoint, render) {
                    said.out = out.shown();
                    said.pending = None;
                }
            }
        }
        let watch = self.session.take_watch_output();
        if !watch.is_empty() {
            self.transcript.push(Said { line: String::new(), out: watch, pending: None });
        }
        self.notes.read(self.session.cluster().trace());
    }

    /// Plays one slice of simulated time (`ms`), replaying a kept future if there is one.
    pub fn play(&mut self, ms: u64) {
        if self.future.is_some() {
            let target = self.now_ms() + ms;
            self.replay_kept_to(target);
            return;
        }
        let _ = self.session.apply(Action::Advance(ms));
        self.after(|| After::Time);
    }

    /// Processes exactly one engine event, forking any kept future (a lesson's waits move
    /// event by event so they stop at the same instant natively and in the browser).
    pub fn advance_event(&mut self) {
        self.fork();
        let _ = self.session.apply(Action::Step);
        self.after(|| After::Time);
    }

    /// Moves the clock to `t_ms` (no-op if it is not later), forking any kept future.
    pub fn advance_to(&mut self, t_ms: u64) {
        self.fork();
        let now = self.now_ms();
        if t_ms > now {
            let _ = self.session.apply(Action::Advance(t_ms - now));
            self.after(|| After::Time);
        }
    }

    /// Steps forward to the next stop of the given kind.
    pub fn step(&mut self, kind: StepKind) {
        if self.future.is_some() {
            // Forward through the kept future: one slice at a time keeps it simple and exact.
            let target = self.now_ms() + PLAY_SLICE_MS;
            self.replay_kept_to(target);
            return;
        }
        match kind {
            StepKind::Event => {
                let _ = self.session.apply(Action::Step);
            }
            StepKind::Tick => {
                let _ = self.session.apply(Action::Tick(1));
            }
            StepKind::Message => self
                .step_until(|e| matches!(e, TraceEvent::MessageDelivered { .. } | TraceEvent::MessageDropped { .. })),
            StepKind::Interesting => self.step_until(|e| {
                matches!(e, TraceEvent::RoleChanged { .. } | TraceEvent::Committed { .. } | TraceEvent::Crashed { .. })
            }),
        }
        self.after(|| After::Time);
    }

    /// One event at a time until one of them records an event `stop` picks (at most ten
    /// simulated seconds).
    fn step_until(&mut self, stop: impl Fn(&TraceEvent) -> bool) {
        let from = self.session.cluster().trace().len();
        let start = self.now_ms();
        for _ in 0..10_000 {
            let _ = self.session.apply(Action::Step);
            self.safety.check(self.session.cluster(), || After::Time);
            let hit = self.session.cluster().trace().since(from).iter().any(|r| stop(&r.event));
            if hit || self.now_ms() > start + 10_000 {
                break;
            }
        }
    }

    /// Moves the checkpoint towards `CHECKPOINT_LAG_MS` behind the present, applying at
    /// most `budget` actions. Returns whether it has caught up. The browser calls this
    /// between frames; nothing visible changes.
    pub fn idle(&mut self, budget: usize) -> bool {
        let limit = self.now_ms().saturating_sub(CHECKPOINT_LAG_MS);
        let (config, log) = match &self.future {
            Some(kept) => (&kept.config, kept.log.as_slice()),
            None => (self.session.cluster().config(), self.session.cluster().actions()),
        };
        if self.checkpoint.is_none() {
            match Replayer::checkpoint(config.clone()) {
                Ok(r) => self.checkpoint = Some(r),
                Err(_) => return true,
            }
        }
        let Some(cp) = self.checkpoint.as_mut() else { return true };
        match cp.advance(log, limit, budget) {
            Ok(done) => done,
            Err(_) => {
                // A run that replayed once replays again; if not, go without a checkpoint.
                self.checkpoint = None;
                true
            }
        }
    }

    /// Brings the checkpoint up to date at once (tests and benchmarks; the browser spreads
    /// this over frames with `idle`).
    pub fn settle(&mut self) {
        while !self.idle(usize::MAX) {}
    }

    /// Goes back `ms` of simulated time by replaying the run up to there: from the
    /// checkpoint when it is not past that time, else from the start.
    pub fn step_back(&mut self, ms: u64) -> Result<(), LabError> {
        let target = self.now_ms().saturating_sub(ms);
        let kept = match self.future.take() {
            Some(kept) => kept,
            None => {
                let c = self.session.cluster();
                Kept { config: c.config().clone(), log: c.actions().to_vec(), end_ms: c.now_ms() }
            }
        };
        let mut replay = match self.checkpoint.take() {
            Some(cp) if cp.cluster.now_ms() <= target => cp,
            _ => Replayer::new(kept.config.clone(), TraceMode::HashOnly).map_err(LabError::Rewind)?,
        };
        replay.resume_log(&kept.log);
        let (mut cluster, cursor) = match replay.finish_with_cursor(kept.log.iter().map(|(_, a)| a), target) {
            Ok(done) => done,
            Err(e) => {
                self.future = Some(kept);
                return Err(LabError::Rewind(e));
            }
        };
        cluster.adopt_trace(self.session.take_trace());
        self.set_session(Session::from_cluster(cluster));
        self.future = Some(kept);
        self.cursor = Some(cursor);
        Ok(())
    }

    /// The end of the run: the present, or the end of the kept future after a step back.
    pub fn end_ms(&self) -> u64 {
        match &self.future {
            Some(kept) => kept.end_ms,
            None => self.now_ms(),
        }
    }

    /// Moves to any time between 0 and `end_ms()` (the timeline scrubber).
    pub fn seek(&mut self, t_ms: u64) -> Result<(), LabError> {
        let now = self.now_ms();
        if t_ms < now {
            self.step_back(now - t_ms)
        } else {
            self.replay_kept_to(t_ms);
            Ok(())
        }
    }

    /// Forward through the kept future to `t_ms` (or its end, which drops it): the present
    /// goes on through the kept actions, reaching the states, hash and, at the end, the
    /// action list the run had.
    fn replay_kept_to(&mut self, t_ms: u64) {
        let Some(kept) = self.future.take() else { return };
        let target = t_ms.min(kept.end_ms);
        let resumed = self
            .cursor
            .take()
            .map(|cursor| resume_to(self.session.cluster_mut(), cursor, &kept.log, kept.end_ms, target));
        match resumed {
            Some(Ok(cursor)) => {
                self.after(|| After::Time);
                self.cursor = Some(cursor);
            }
            // No cursor (or a run that no longer replays): rebuild by replaying.
            _ => {
                let run = kept.run();
                let rebuilt = if target >= kept.end_ms {
                    run.replay(TraceMode::Full)
                } else {
                    run.replay_to(target, TraceMode::Full)
                };
                if let Ok(cluster) = rebuilt {
                    self.set_session(Session::from_cluster(cluster));
                }
                self.cursor = None;
            }
        }
        if target < kept.end_ms {
            self.future = Some(kept);
        } else {
            // Back at the end: this is the present again; a checkpoint starts afresh on
            // its own action list.
            self.cursor = None;
            self.checkpoint = None;
        }
    }

    /// A rebuilt session (a rewind): the notes are read again from its trace.
    fn set_session(&mut self, session: Session) {
        self.session = session;
        if self.checkpoint.as_ref().is_some_and(|cp| cp.cluster.now_ms() > self.session.cluster().now_ms()) {
            self.checkpoint = None;
        }
        self.notes = Notes::default();
        self.notes.read(self.session.cluster().trace());
        self.safety.rewound(self.session.cluster());
    }

    fn fork(&mut self) {
        self.cursor = None;
        if self.future.take().is_some() {
            self.forked = true;
            // It was replaying the dropped future; the present's own run starts anew.
            self.checkpoint = None;
        }
    }
}

#[cfg(test)]
mod tests;
