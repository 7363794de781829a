//! Validation: everything that can make an action fail, checked before anything changes.
//!
//! Contract: `Cluster::check` only reads. If it passes, `perform` cannot fail half-way, so a
//! rejected action leaves the cluster — and its trace hash — exactly as it was.

use super::action::Action;
use super::client::ClientOp;
use super::cluster::{ActionError, Cluster};
use super::config::MAX_NODES;
use super::node::Node;
use super::NodeId;

fn err<T>(msg: impl Into<String>) -> Result<T, ActionError> {
    Err(ActionError(msg.into()))
}

impl Cluster {
    pub(crate) fn need_node(&self, id: NodeId) -> Result<&Node, ActionError> {
        match self.nodes.get(&id) {
            Some(n) => Ok(n),
            None if (1..=MAX_NODES).contains(&id) => err(format!("n{id} is not a member of this cluster")),
            None => err(format!("unknown node n{id}: nodes are n1 to n{MAX_NODES}")),
        }
    }

    pub(crate) fn need_live(&self, id: NodeId) -> Result<&Node, ActionError> {
        let n = self.need_node(id)?;
        if n.removed {
            return err(format!("n{id} was removed from the cluster"));
        }
        if !n.is_alive() {
            return err(format!("n{id} is down; restart it first"));
        }
        Ok(n)
    }

    /// Everything that can make an action fail is checked here, before any change.
    pub(crate) fn check(&self, action: &Action) -> Result<(), ActionError> {
        match action {
            Action::Kill(id) => {
                self.need_live(*id)?;
            }
            Action::Restart(id) => {
                let n = self.need_node(*id)?;
                if n.removed {
                    return err(format!("n{id} was removed from the cluster and cannot restart"));
                }
                if n.is_alive() {
                    return err(format!("n{id} is already running"));
                }
            }
            Action::Partition(groups) => {
                let mut seen = std::collections::BTreeSet::new();
                for g in groups {
                    if g.is_empty() {
                        return err("a partition group cannot be empty");
                    }
                    for id in g {
                        self.need_node(*id)?;
                        if !seen.insert(*id) {
                            return err(format!("n{id} appears in two partition groups"));
                        }
                    }
                }
                if groups.is_empty() {
                    return err("partition needs at least one group");
                }
            }
            Action::Cut { from, to }
            | Action::Restore { from, to }
            | Action::LinkDropRate { from, to, .. }
            | Action::LinkDuplicateRate { from, to, .. }
            | Action::LinkDelay { from, to, .. } => {
                self.need_node(*from)?;
                self.need_node(*to)?;
                if from == to {
                    return err(format!("a link joins two different nodes, got n{from} twice"));
                }
                if let Action::LinkDropRate { ppm, .. } | Action::LinkDuplicateRate { ppm, .. } = action {
                    if *ppm > 1_000_000 {
                        return err("a probability is at most 100%");
                    }
                }
                if let Action::LinkDelay { extra_ms, .. } = action {
                    if *extra_ms > 3_600_000 {
                        return err("a link delay is at most one hour");
                    }
                }
            }
            Action::Heal | Action::Step => {}
            Action::AwaitReply { req_id, .. } => {
                if !self.requests.is_known(*req_id) {
                    return err(format!("no request {req_id} was made"));
                }
            }
            Action::DropMessage(id)
            | Action::DeliverMessage(id)
            | Action::DuplicateMessage(id)
            | Action::DelayMessage { id, .. } => {
                if self.network.get(*id).is_none() {
                    return err(format!("no message #{id} is in flight"));
                }
                if let Action::DelayMessage { by_ms, .. } = action {
                    if *by_ms > 3_600_000 {
                        return err("a message can be delayed by at most one hour");
                    }
                }
            }
            Action::SetLatency { base_ms, jitter_ms } => {
                if *base_ms > 60_000 || *jitter_ms > 60_000 {
                    return err("latency and jitter are at most 60s");
                }
            }
            Action::Tick(n) => {
                if *n == 0 || *n > 1_000_000 {
                    return err("tick takes 1 to 1000000 ticks");
                }
            }
            Action::Advance(ms) => {
                if *ms > 24 * 3_600_000 {
                    return err("run at most 24h at a time");
                }
            }
            Action::Campaign(id) => {
                let n = self.need_live(*id)?;
                let live = n.live.as_ref().map(|l| l.raw.raft.promotable()).unwrap_or(false);
                if !live {
                    return err(format!("n{id} is not a voter, so it cannot campaign"));
                }
            }
            Action::TransferLeader(id) => {
                self.need_live(*id)?;
                if self.leader().is_none() {
                    return err("there is no leader to transfer leadership from");
                }
            }
            Action::Client { req_id, endpoint, op, timeout_ms } => {
                if timeout_ms.is_some_and(|t| t == 0 || t > 3_600_000) {
                    return err("--command-timeout must be between 1ms and 1h");
                }
                if *req_id >= super::INTERNAL_REQ_BASE {
                    return err(format!(
                        "request id {req_id} is the engine's own (ids from {} are)",
                        super::INTERNAL_REQ_BASE
                    ));
                }
                if *req_id == 0 || *req_id <= self.requests.last_id() {
                    return err(format!(
                        "request id {req_id} is already used (ids increase from {})",
                        self.requests.last_id() + 1
                    ));
                }
                self.need_node(*endpoint)?;
                if let ClientOp::WatchCancel { watch_id } = &**op {
                    // A lock's or election's own watch and keep-alive are not the user's to stop.
                    let visible = self.streams.exists(*watch_id) && self.recipes.owner_of_stream(*watch_id).is_none();
                    if !visible && !self.recipes.is_recipe(*watch_id) {
                        return err(format!("no watch or keep-alive {watch_id} is running"));
                    }
                }
            }
            Action::RestoreMember { path, member, initial, token, data_dir } => {
                let Some(data) = self.files.get(path) else {
                    return err(format!("open {path}: no such file or directory"));
                };
                if let Err(e) = crate::store::Store::from_snapshot(data) {
                    return err(format!("{path}: {e}"));
                }
                if self.data_dirs.contains_key(data_dir) {
                    return err(format!("data-dir {data_dir:?} exists"));
                }
                if token.is_empty() {
                    return err("--initial-cluster-token must not be empty");
                }
                if initial.is_empty() || initial.iter().any(|k| !(1..=MAX_NODES).contains(k)) {
                    return err(format!("the lab's members are n1 to n{MAX_NODES}"));
                }
                if !initial.contains(member) {
                    return err(format!("couldn't find local name \"n{member}\" in the initial cluster configuration"));
                }
            }
            Action::StartFrom { node, data_dir } => {
                let Some(dd) = self.data_dirs.get(data_dir) else {
                    return err(format!(
                        "no data dir {data_dir:?}: make one with snapshot restore <file> --name n{node} … --data-dir {data_dir}"
                    ));
                };
                if dd.member != *node {
                    return err(format!(
                        "{data_dir} was restored for n{} (--name n{}); start n{} with it",
                        dd.member, dd.member, dd.member
                    ));
                }
                if !(1..=MAX_NODES).contains(node) {
                    return err(format!("unknown node n{node}: nodes are n1 to n{MAX_NODES}"));
                }
                if self.nodes.get(node).is_some_and(|n| n.is_alive()) {
                    return err(format!(
                        "n{node} is running: stop it (kill n{node}) before it starts from another data dir"
                    ));
                }
            }
            Action::KubeCompactor { endpoint, interval_ms } => {
                self.need_node(*endpoint)?;
                if *interval_ms != 0 && !(1_000..=24 * 3_600_000).contains(interval_ms) {
                    return err("the compaction interval is 1s to 24h (kube-apiserver's default is 5m)");
                }
            }
            Action::DiskDelay { node, delay_ms } => {
                self.need_node(*node)?;
                if *delay_ms > 60_000 {
                    return err("a disk delay is at most 60s");
                }
            }
            Action::RestoreSnapshot { path } | Action::RestoreSnapshotWithToken { path, .. } => {
                if let Action::RestoreSnapshotWithToken { token, .. } = action {
                    if token.is_empty() {
                        return err("--initial-cluster-token must not be empty");
                    }
                }
                let Some(data) = self.files.get(path) else {
                    return err(format!("open {path}: no such file or directory"));
                };
                if let Err(e) = crate::store::Store::from_snapshot(data) {
                    return err(format!("{path}: {e}"));
                }
            }
        }
        Ok(())
    }
}
