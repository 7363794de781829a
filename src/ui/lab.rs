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

use crate::console::session::{Render, Session, Started};
use crate::engine::{resume_to, Action, ClusterConfig, Cursor, Replayer, Run, TraceEvent, TraceMode};

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
    pub fn new(cfg: ClusterConfig) -> Result<Lab, String> {
        Ok(Lab::over(Session::new(cfg)?))
    }

    /// The lab at the end of a shared run; a bad action in the link is an error, not a panic.
    pub fn from_run(run: &Run) -> Result<Lab, String> {
        let cluster = run.replay(TraceMode::Full).map_err(|e| e.0)?;
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
        };
        lab.notes.read(lab.session.cluster().trace());
        lab
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn run(&self) -> Run {
        Run::of(self.session.cluster())
    }

    pub fn now_ms(&self) -> u64 {
        self.session.cluster().now_ms()
    }

    pub fn can_step_forward_in_kept_future(&self) -> bool {
        self.future.is_some()
    }

    /// Applies a UI action. An action after a step back forks the future.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        self.fork();
        let done = self.session.apply(action);
        self.after_time();
        done
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
        self.after_time();
        self.transcript[at].out.clone()
    }

    /// Lines still waiting for a reply.
    pub fn pending(&self) -> usize {
        self.transcript.iter().filter(|s| s.pending.is_some()).count()
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
        self.after_time();
    }

    /// Processes exactly one engine event, forking any kept future (a lesson's waits move
    /// event by event so they stop at the same instant natively and in the browser).
    pub fn advance_event(&mut self) {
        self.fork();
        let _ = self.session.apply(Action::Step);
        self.after_time();
    }

    /// Moves the clock to `t_ms` (no-op if it is not later), forking any kept future.
    pub fn advance_to(&mut self, t_ms: u64) {
        self.fork();
        let now = self.now_ms();
        if t_ms > now {
            let _ = self.session.apply(Action::Advance(t_ms - now));
            self.after_time();
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
        self.after_time();
    }

    /// One event at a time until one of them records an event `stop` picks (at most ten
    /// simulated seconds).
    fn step_until(&mut self, stop: impl Fn(&TraceEvent) -> bool) {
        let from = self.session.cluster().trace().len();
        let start = self.now_ms();
        for _ in 0..10_000 {
            let _ = self.session.apply(Action::Step);
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
    pub fn step_back(&mut self, ms: u64) -> Result<(), String> {
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
            _ => Replayer::new(kept.config.clone(), TraceMode::HashOnly).map_err(|e| e.0)?,
        };
        replay.resume_log(&kept.log);
        let (mut cluster, cursor) = match replay.finish_with_cursor(kept.log.iter().map(|(_, a)| a), target) {
            Ok(done) => done,
            Err(e) => {
                self.future = Some(kept);
                return Err(e.0);
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
    pub fn seek(&mut self, t_ms: u64) -> Result<(), String> {
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
                self.after_time();
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
mod tests {
    use super::*;

    fn lab() -> Lab {
        let mut lab = Lab::new(ClusterConfig { nodes: 5, seed: 7, ..ClusterConfig::default() }).unwrap();
        for _ in 0..60 {
            lab.play(PLAY_SLICE_MS);
        }
        lab
    }

    #[test]
    fn a_second_lock_shows_as_pending_until_the_first_is_cancelled() {
        let mut lab = lab();
        assert_eq!(lab.console("lock jobs"), "");
        assert_eq!(lab.pending(), 1, "the first lock is pending until it holds");
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0);
        let first = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert!(first.starts_with("jobs/") && first.ends_with("\n\n"), "the holder prints its key: {first:?}");
        assert_eq!(lab.console("lock jobs --endpoints=n2"), "");
        lab.play(PLAY_SLICE_MS * 20);
        assert_eq!(lab.pending(), 1, "the second lock waits while the first holds");
        let holder = lab.session().streams()[0];
        lab.console(&format!("cancel {holder}"));
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0, "the second lock holds once the first unlocked");
        let second = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert!(second.starts_with("jobs/") && second != first, "the second holder prints its own key: {second:?}");
    }

    #[test]
    fn playing_elects_a_leader_and_a_put_reaches_every_store() {
        let mut lab = lab();
        let leader = lab.session().cluster().leader().expect("a leader after 3 s");
        assert_eq!(lab.console("put x 1"), "", "a put is pending until it commits");
        assert_eq!(lab.pending(), 1);
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0);
        assert_eq!(lab.transcript.last().map(|s| s.out.as_str()), Some("OK\n"));
        for id in 1..=5 {
            let v = lab.session().cluster().node_view(id).unwrap();
            assert_eq!(v.kvs.len(), 1, "n{id} has x (leader n{leader})");
            assert_eq!((v.kvs[0].key.as_slice(), v.kvs[0].value.as_slice()), (&b"x"[..], &b"1"[..]));
        }
    }

    #[test]
    fn step_back_then_forward_gives_the_same_picture() {
        let mut lab = lab();
        let end = lab.session().cluster().view();
        lab.step_back(1_000).unwrap();
        assert_eq!(lab.now_ms(), end.now_ms - 1_000);
        assert!(lab.can_step_forward_in_kept_future());
        for _ in 0..20 {
            lab.play(PLAY_SLICE_MS);
        }
        assert!(!lab.can_step_forward_in_kept_future());
        assert_eq!(lab.session().cluster().view(), end);
        assert!(!lab.forked);
    }

    #[test]
    fn the_scrubber_seeks_back_and_forth_within_the_run() {
        let mut lab = lab();
        let end = lab.session().cluster().view();
        lab.seek(1_234).unwrap();
        assert_eq!((lab.now_ms(), lab.end_ms()), (1_234, end.now_ms));
        lab.seek(2_000).unwrap();
        assert_eq!(lab.now_ms(), 2_000);
        lab.seek(end.now_ms).unwrap();
        assert_eq!(lab.session().cluster().view(), end);
        assert!(!lab.can_step_forward_in_kept_future());
    }

    #[test]
    fn next_message_stops_at_a_delivery_and_next_event_at_a_role_change() {
        let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 3, ..ClusterConfig::default() }).unwrap();
        let from = lab.session().cluster().trace().len();
        lab.step(StepKind::Interesting);
        let events: Vec<_> = lab.session().cluster().trace().since(from).iter().map(|r| r.event.clone()).collect();
        assert!(events.iter().any(|e| matches!(e, TraceEvent::RoleChanged { .. })));
        let from = lab.session().cluster().trace().len();
        lab.step(StepKind::Message);
        let delivered = lab
            .session()
            .cluster()
            .trace()
            .since(from)
            .iter()
            .filter(|r| matches!(r.event, TraceEvent::MessageDelivered { .. }))
            .count();
        assert_eq!(delivered, 1, "exactly one message delivered");
    }

    #[test]
    fn acting_in_the_past_forks_the_future() {
        let mut lab = lab();
        let end = lab.now_ms();
        lab.step_back(1_000).unwrap();
        lab.act(Action::Kill(1)).unwrap();
        assert!(lab.forked);
        assert!(!lab.can_step_forward_in_kept_future());
        assert_eq!(lab.now_ms(), end - 1_000);
        assert!(!lab.session().cluster().is_alive(1));
    }

    /// A lab 40 s into a run with writes, its checkpoint caught up (30 s in).
    fn busy_lab() -> Lab {
        let mut lab = lab();
        for i in 0..370 {
            if i % 10 == 0 {
                lab.console(&format!("put k{} v{i}", i % 7));
            }
            lab.play(PLAY_SLICE_MS * 2);
        }
        lab.settle();
        lab
    }

    #[test]
    fn the_checkpoint_trails_the_present_by_the_lag() {
        let lab = busy_lab();
        let cp = lab.checkpoint.as_ref().expect("settle builds the checkpoint");
        assert_eq!(lab.now_ms(), 40_000);
        // Play slices are 100 ms here, so the last whole action before the lag ends at 30 s.
        assert_eq!(cp.cluster.now_ms(), 40_000 - CHECKPOINT_LAG_MS);
        assert_eq!(cp.cluster.trace().mode(), TraceMode::HashOnly, "the checkpoint keeps no records");
    }

    #[test]
    fn a_step_back_from_the_checkpoint_equals_a_replay_from_the_start() {
        let mut lab = busy_lab();
        let run = lab.run();
        let present_view = lab.session().cluster().view();
        lab.step_back(150).unwrap();
        let replayed = run.replay_to(40_000 - 150, TraceMode::Full).unwrap();
        let back = lab.session().cluster();
        assert_eq!(back.now_ms(), 39_850);
        assert_eq!(back.trace_hash(), replayed.trace_hash());
        assert_eq!(back.view(), replayed.view());
        // The adopted records are the replay's own, up to the last one.
        assert_eq!(back.trace().len(), replayed.trace().len());
        assert_eq!(back.trace().records().last(), replayed.trace().records().last());
        // A second step back has no checkpoint at hand (it was used): from the start, same.
        assert!(lab.checkpoint.is_none());
        lab.step_back(5_000).unwrap();
        assert_eq!(lab.session().cluster().view(), run.replay_to(34_850, TraceMode::Full).unwrap().view());
        // Forward to the end again: the very states of the run we left.
        lab.seek(40_000).unwrap();
        assert_eq!(lab.session().cluster().view(), present_view);
        assert!(!lab.can_step_forward_in_kept_future());
    }

    #[test]
    fn playing_after_a_step_back_goes_on_from_the_present_through_the_runs_states() {
        let mut lab = busy_lab();
        let run = lab.run();
        let end = lab.session().cluster().view();
        lab.step_back(4_975).unwrap();
        let mut slices = 0;
        while lab.can_step_forward_in_kept_future() {
            let before = lab.session().cluster().actions().len();
            lab.play(PLAY_SLICE_MS);
            slices += 1;
            // Each slice adds a few actions to the present; nothing is replayed from 0.
            assert!(lab.session().cluster().actions().len() - before <= 3, "slice {slices}");
            if slices % 40 == 0 {
                let t = lab.now_ms();
                assert_eq!(
                    lab.session().cluster().view(),
                    run.replay_to(t, TraceMode::Full).unwrap().view(),
                    "at {t} ms"
                );
            }
        }
        assert_eq!(slices, 100, "4,975 ms in 50 ms slices");
        assert_eq!(lab.session().cluster().view(), end);
        assert_eq!(lab.run(), run, "the present's action list is the run's own again");
    }

    #[test]
    fn a_step_back_past_the_checkpoint_replays_from_the_start() {
        let mut lab = busy_lab();
        let run = lab.run();
        lab.step_back(20_000).unwrap();
        assert_eq!(lab.session().cluster().view(), run.replay_to(20_000, TraceMode::Full).unwrap().view());
        assert_eq!(lab.session().cluster().trace_hash(), run.replay_to(20_000, TraceMode::Full).unwrap().trace_hash());
    }

    #[test]
    fn after_a_fork_the_checkpoint_follows_the_new_present() {
        let mut lab = busy_lab();
        lab.step_back(1_000).unwrap();
        lab.act(Action::Kill(3)).unwrap();
        for _ in 0..100 {
            lab.play(PLAY_SLICE_MS);
        }
        lab.settle();
        let run = lab.run();
        let t = lab.now_ms() - 300;
        lab.step_back(300).unwrap();
        assert_eq!(lab.session().cluster().trace_hash(), run.replay_to(t, TraceMode::Full).unwrap().trace_hash());
        assert!(!lab.session().cluster().is_alive(3));
    }

    #[test]
    fn a_shared_run_opens_at_the_same_hash() {
        let mut lab = lab();
        lab.act(Action::Kill(2)).unwrap();
        lab.play(PLAY_SLICE_MS * 10);
        let link = crate::ui::share::encode(&lab.run());
        let run = crate::ui::share::decode(&link).unwrap().unwrap();
        let other = Lab::from_run(&run).unwrap();
        assert_eq!(other.session().cluster().trace_hash(), lab.session().cluster().trace_hash());
    }
}

#[cfg(test)]
mod share_console_tests {
    use super::*;

    /// Runs `line` in the blocking console and in the lab (playing until it is answered),
    /// and checks both print the same.
    fn same_both_ways(blocking: &mut Session, lab: &mut Lab, line: &str) {
        let want = blocking.run_line(line).combined();
        lab.console(line);
        for _ in 0..200 {
            if lab.pending() == 0 {
                break;
            }
            lab.play(PLAY_SLICE_MS);
        }
        let got = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert_eq!(got, want, "{line}");
    }

    /// A request started without waiting prints, once answered, what the blocking console
    /// prints for the same line.
    #[test]
    fn pending_requests_print_what_the_blocking_console_prints() {
        let cfg = ClusterConfig { nodes: 3, seed: 5, ..ClusterConfig::default() };
        let mut blocking = Session::new(cfg.clone()).unwrap();
        blocking.apply(Action::Advance(3_000)).unwrap();
        let mut lab = Lab::new(cfg).unwrap();
        lab.play(3_000);
        for line in [
            "put x 1",
            "get x",
            r#"txn 'value("x") = "1"' then 'put x 2' else 'put x 0'"#,
            "get x -w json",
            "del x",
            "compaction 3",
            "lease revoke 1234",
            // The leader is too new for a member change: "unhealthy cluster", both ways.
            "member add n4 --learner",
        ] {
            same_both_ways(&mut blocking, &mut lab, line);
        }
        assert!(lab.transcript.iter().any(|s| s.out.contains("SUCCESS")), "the txn ran");
        // Once the cluster is settled: add a learner, let it catch up, promote it, remove it.
        blocking.apply(Action::Advance(3_000)).unwrap();
        lab.play(3_000);
        same_both_ways(&mut blocking, &mut lab, "member add n4 --learner");
        // The operator starts the new member's process (etcd with `existing`).
        same_both_ways(&mut blocking, &mut lab, "start n4");
        blocking.apply(Action::Advance(3_000)).unwrap();
        lab.play(3_000);
        let id = blocking.cluster().node_view(4).expect("n4 was added").member_id;
        assert_eq!(lab.session().cluster().node_view(4).unwrap().member_id, id);
        same_both_ways(&mut blocking, &mut lab, &format!("member promote {id:x}"));
        same_both_ways(&mut blocking, &mut lab, &format!("member remove {id:x} -w json"));
        let outs: Vec<&str> = lab.transcript.iter().rev().take(4).map(|s| s.out.as_str()).collect();
        assert!(outs[3].starts_with("Member ") && outs[3].contains(" added to cluster "), "{}", outs[3]);
        assert!(outs[1].contains(" promoted in cluster "), "{}", outs[1]);
        assert!(outs[0].starts_with("{\"header\""), "{}", outs[0]);
    }

    #[test]
    fn console_lines_replay_from_a_share_link() {
        let cfg = ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() };
        let mut lab = Lab::new(cfg).unwrap();
        for i in 0..40 {
            lab.play(1581 + (i % 2));
        }
        let leader = lab.session().cluster().leader().unwrap();
        lab.console(&format!("kill n{leader}"));
        lab.console("put shared yes");
        lab.play(1581);
        let link = crate::ui::share::encode(&lab.run());
        let run = crate::ui::share::decode(&link).unwrap().unwrap();
        let other = Lab::from_run(&run).unwrap();
        assert_eq!(other.session().cluster().trace_hash(), lab.session().cluster().trace_hash());
    }
}
