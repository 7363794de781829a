//! Time travel: a run is its config plus its action list, and going back means replaying.
//!
//! Contract: `Run::replay_to(t)` rebuilds the cluster as it was at time `t` by applying the
//! recorded actions from the start, cutting the one that crosses `t` short. raft-rs's
//! `RawNode` cannot be cloned, so replay is the only way back, and it produces exactly the
//! same state because the run is deterministic. A `Replayer` is a replay that can stop
//! between actions and go on later: the lab keeps one trailing the present, so a step back
//! replays seconds instead of the whole run. Acting after a
//! rewind starts a new future: the actions after `t` are simply not part of it.

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::cluster::{ActionError, Cluster};
use super::config::ClusterConfig;
use super::trace::TraceMode;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub config: ClusterConfig,
    pub actions: Vec<Action>,
}

impl Run {
    pub fn new(config: ClusterConfig) -> Self {
        Run { config, actions: Vec::new() }
    }

    /// The run a cluster has performed so far.
    pub fn of(cluster: &Cluster) -> Self {
        Run { config: cluster.config().clone(), actions: cluster.actions().iter().map(|(_, a)| a.clone()).collect() }
    }

    /// Replays every action.
    pub fn replay(&self, mode: TraceMode) -> Result<Cluster, ActionError> {
        let mut c = Cluster::with_mode(self.config.clone(), mode)?;
        for (i, a) in self.actions.iter().enumerate() {
            c.apply(a.clone()).map_err(|e| ActionError::Replay {
                number: i + 1,
                action: Box::new(a.clone()),
                source: Box::new(e),
            })?;
        }
        Ok(c)
    }

    /// The cluster as it was at `t_ms`: actions that started before `t_ms` are replayed, a
    /// time-advancing action that crosses `t_ms` is cut at `t_ms`, and later ones dropped.
    pub fn replay_to(&self, t_ms: u64, mode: TraceMode) -> Result<Cluster, ActionError> {
        Replayer::new(self.config.clone(), mode)?.finish_to(&self.actions, t_ms)
    }
}

/// A replay in progress: the cluster after the run's first `next` actions, each applied
/// whole, exactly as the run applied them (so it hashes like the run did at that point).
/// A rewind finishes one of these instead of replaying from the start.
pub struct Replayer {
    pub cluster: Cluster,
    next: usize,
}

impl Replayer {
    pub fn new(config: ClusterConfig, mode: TraceMode) -> Result<Replayer, ActionError> {
        Ok(Replayer { cluster: Cluster::with_mode(config, mode)?, next: 0 })
    }

    /// A replay that keeps no action log of its own, for a checkpoint that trails a run
    /// whose log is kept elsewhere; `resume_log` gives it the log before it is finished.
    pub fn checkpoint(config: ClusterConfig) -> Result<Replayer, ActionError> {
        let mut r = Replayer::new(config, TraceMode::HashOnly)?;
        r.cluster.keep_log = false;
        Ok(r)
    }

    /// Gives a checkpoint back the log of the actions it applied (`log`'s first
    /// `position()` entries, as the run recorded them) and logs from here on.
    pub fn resume_log(&mut self, log: &[(u64, Action)]) {
        if !self.cluster.keep_log {
            self.cluster.log = log[..self.next.min(log.len())].to_vec();
            self.cluster.keep_log = true;
        }
    }

    /// How many of the run's actions are applied.
    pub fn position(&self) -> usize {
        self.next
    }

    /// Applies whole actions of `log` (a run's actions with the time each started, as
    /// `Cluster::actions` gives them) while the following action starts at or before
    /// `limit_ms`, at most `budget` of them. Returns whether it has caught up with the
    /// limit (false: the budget ran out first).
    pub fn advance(&mut self, log: &[(u64, Action)], limit_ms: u64, budget: usize) -> Result<bool, ActionError> {
        for _ in 0..budget {
            let (Some((_, action)), Some(&(end, _))) = (log.get(self.next), log.get(self.next + 1)) else {
                return Ok(true);
            };
            if end > limit_ms {
                return Ok(true);
            }
            self.cluster.apply(action.clone())?;
            self.next += 1;
        }
        Ok(false)
    }

    /// The cluster at `t_ms`, going on from where this replay is (see `Run::replay_to`).
    /// Finishing a replay that is already past `t_ms` gives a cluster past `t_ms`: callers
    /// check `position`/`now_ms` first.
    pub fn finish_to<'a>(
        self,
        actions: impl IntoIterator<Item = &'a Action>,
        t_ms: u64,
    ) -> Result<Cluster, ActionError> {
        self.finish_with_cursor(actions, t_ms).map(|(c, _)| c)
    }

    /// `finish_to`, also saying where in the run the cluster stands, so that `resume_to`
    /// can go on from there.
    pub fn finish_with_cursor<'a>(
        mut self,
        actions: impl IntoIterator<Item = &'a Action>,
        t_ms: u64,
    ) -> Result<(Cluster, Cursor), ActionError> {
        let mut cursor = Cursor { next: self.next, partial: false };
        for a in actions.into_iter().skip(self.next) {
            match toward(&mut self.cluster, a, t_ms)? {
                Flow::Whole => cursor.next += 1,
                Flow::Cut => {
                    cursor = Cursor { next: cursor.next + 1, partial: true };
                    break;
                }
                Flow::NotYet => break,
            }
        }
        Ok((self.cluster, cursor))
    }
}

/// Where a rewound cluster stands in its run: the first action it has not started, and
/// whether the one before was cut short (time stopped inside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub next: usize,
    pub partial: bool,
}

enum Flow {
    Whole,
    Cut,
    NotYet,
}

/// Applies one recorded action on the way to `t_ms`, cutting it short if it crosses
/// `t_ms` (a `Step` is never cut: it processes its one event wherever that is).
fn toward(c: &mut Cluster, a: &Action, t_ms: u64) -> Result<Flow, ActionError> {
    let now = c.now_ms();
    if now > t_ms || (now == t_ms && advances_time(a)) {
        return Ok(Flow::NotYet);
    }
    let end = match a {
        Action::Tick(n) => Some(now + n * c.config().tick_ms),
        Action::Advance(ms) => Some(now + ms),
        _ => None,
    };
    if let Action::AwaitReply { req_id, .. } = a {
        c.apply(Action::AwaitReply { req_id: *req_id, stop_at_ms: Some(t_ms) })?;
        return Ok(if c.now_ms() >= t_ms && c.is_pending(*req_id) { Flow::Cut } else { Flow::Whole });
    }
    match end {
        Some(end) if end > t_ms => {
            c.apply(Action::Advance(t_ms - now))?;
            Ok(Flow::Cut)
        }
        _ => c.apply(a.clone()).map(|()| Flow::Whole),
    }
}

/// Goes on from a rewound cluster standing at `cursor` in `log`'s run (the actions with
/// their start times; `end_ms` is when the run ended) to `t_ms`: the rest of the action it
/// was cut in, then the following ones, cutting the one that crosses `t_ms`. The state is
/// the run's own at every instant, and so are the trace's length and hash (time passing
/// hashes the same whatever the amount); once an action is whole again the log holds it as
/// the run did. At `t_ms >= end_ms` every remaining action is applied.
pub fn resume_to(
    c: &mut Cluster,
    mut cursor: Cursor,
    log: &[(u64, Action)],
    end_ms: u64,
    t_ms: u64,
) -> Result<Cursor, ActionError> {
    if cursor.partial {
        let Some((_, a)) = cursor.next.checked_sub(1).and_then(|i| log.get(i)) else { return Ok(cursor) };
        let end = log.get(cursor.next).map_or(end_ms, |(start, _)| *start);
        if !c.continue_cut(a, end, t_ms) {
            return Ok(cursor);
        }
        cursor.partial = false;
    }
    for (_, a) in &log[cursor.next.min(log.len())..] {
        if t_ms >= end_ms {
            // To the very end: every action, even a step taken at the final instant.
            c.apply(a.clone())?;
            cursor.next += 1;
            continue;
        }
        match toward(c, a, t_ms)? {
            Flow::Whole => cursor.next += 1,
            Flow::Cut => return Ok(Cursor { next: cursor.next + 1, partial: true }),
            Flow::NotYet => break,
        }
    }
    Ok(cursor)
}

fn advances_time(a: &Action) -> bool {
    matches!(a, Action::Tick(_) | Action::Advance(_) | Action::Step | Action::AwaitReply { .. })
}
