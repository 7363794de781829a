//! Time travel: a run is its config plus its action list, and going back means replaying.
//!
//! Contract: `Run::replay_to(t)` rebuilds the cluster as it was at time `t` by applying the
//! recorded actions from the start, cutting the one that crosses `t` short. raft-rs's
//! `RawNode` cannot be cloned, so there are no checkpoints; replay is the only way back,
//! and it produces exactly the same state because the run is deterministic. Acting after a
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
            c.apply(a.clone()).map_err(|e| ActionError(format!("action {} ({a:?}): {e}", i + 1)))?;
        }
        Ok(c)
    }

    /// The cluster as it was at `t_ms`: actions that started before `t_ms` are replayed, a
    /// time-advancing action that crosses `t_ms` is cut at `t_ms`, and later ones dropped.
    pub fn replay_to(&self, t_ms: u64, mode: TraceMode) -> Result<Cluster, ActionError> {
        let mut c = Cluster::with_mode(self.config.clone(), mode)?;
        for a in &self.actions {
            let now = c.now_ms();
            if now > t_ms || (now == t_ms && advances_time(a)) {
                break;
            }
            let end = match a {
                Action::Tick(n) => Some(now + n * self.config.tick_ms),
                Action::Advance(ms) => Some(now + ms),
                _ => None,
            };
            if let Action::AwaitReply { req_id, .. } = a {
                c.apply(Action::AwaitReply { req_id: *req_id, stop_at_ms: Some(t_ms) })?;
                if c.now_ms() >= t_ms && c.is_pending(*req_id) {
                    break;
                }
                continue;
            }
            match end {
                Some(end) if end > t_ms => {
                    c.apply(Action::Advance(t_ms - now))?;
                    break;
                }
                _ => c.apply(a.clone())?,
            }
        }
        Ok(c)
    }
}

fn advances_time(a: &Action) -> bool {
    matches!(a, Action::Tick(_) | Action::Advance(_) | Action::Step | Action::AwaitReply { .. })
}
