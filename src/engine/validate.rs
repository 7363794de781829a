//! Validation: everything that can make an action fail, checked before anything changes.
//!
//! Contract: `Cluster::check` only reads. If it passes, `perform` cannot fail half-way, so a
//! rejected action leaves the cluster — and its trace hash — exactly as it was.

use super::action::Action;
use super::client::ClientOp;
use super::cluster::Cluster;
use super::config::MAX_NODES;
use super::error::ActionError;
use super::node::Node;
use super::NodeId;

impl Cluster {
    pub(crate) fn need_node(&self, id: NodeId) -> Result<&Node, ActionError> {
        match self.nodes.get(&id) {
            Some(n) => Ok(n),
            None if (1..=MAX_NODES).contains(&id) => Err(ActionError::NotMember(id)),
            None => Err(ActionError::UnknownNode(id)),
        }
    }

    pub(crate) fn need_live(&self, id: NodeId) -> Result<&Node, ActionError> {
        let n = self.need_node(id)?;
        if n.removed {
            return Err(ActionError::Removed(id));
        }
        if !n.is_alive() {
            return Err(ActionError::Down(id));
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
                    return Err(ActionError::RemovedCannotRestart(*id));
                }
                if n.is_alive() {
                    return Err(ActionError::AlreadyRunning(*id));
                }
            }
            Action::Partition(groups) => {
                let mut seen = std::collections::BTreeSet::new();
                for g in groups {
                    if g.is_empty() {
                        return Err(ActionError::EmptyPartitionGroup);
                    }
                    for id in g {
                        self.need_node(*id)?;
                        if !seen.insert(*id) {
                            return Err(ActionError::InTwoPartitionGroups(*id));
                        }
                    }
                }
                if groups.is_empty() {
                    return Err(ActionError::NoPartitionGroups);
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
                    return Err(ActionError::SelfLink(*from));
                }
                if let Action::LinkDropRate { ppm, .. } | Action::LinkDuplicateRate { ppm, .. } = action {
                    if *ppm > 1_000_000 {
                        return Err(ActionError::ProbabilityTooHigh);
                    }
                }
                if let Action::LinkDelay { extra_ms, .. } = action {
                    if *extra_ms > 3_600_000 {
                        return Err(ActionError::LinkDelayTooLong);
                    }
                }
            }
            Action::Heal | Action::Step => {}
            Action::AwaitReply { req_id, .. } => {
                if !self.requests.is_known(*req_id) {
                    return Err(ActionError::UnknownRequest(*req_id));
                }
            }
            Action::DropMessage(id)
            | Action::DeliverMessage(id)
            | Action::DuplicateMessage(id)
            | Action::DelayMessage { id, .. } => {
                if self.network.get(*id).is_none() {
                    return Err(ActionError::NoSuchMessage(*id));
                }
                if let Action::DelayMessage { by_ms, .. } = action {
                    if *by_ms > 3_600_000 {
                        return Err(ActionError::MessageDelayTooLong);
                    }
                }
            }
            Action::SetLatency { base_ms, jitter_ms } => {
                if *base_ms > 60_000 || *jitter_ms > 60_000 {
                    return Err(ActionError::LatencyTooHigh);
                }
            }
            Action::Tick(n) => {
                if *n == 0 || *n > 1_000_000 {
                    return Err(ActionError::TickCount);
                }
            }
            Action::Advance(ms) => {
                if *ms > 24 * 3_600_000 {
                    return Err(ActionError::AdvanceTooLong);
                }
            }
            Action::Campaign(id) => {
                let n = self.need_live(*id)?;
                let live = n.live.as_ref().map(|l| l.raw.raft.promotable()).unwrap_or(false);
                if !live {
                    return Err(ActionError::NotVoter(*id));
                }
            }
            Action::TransferLeader(id) => {
                self.need_live(*id)?;
                if self.leader().is_none() {
                    return Err(ActionError::NoLeaderToTransfer);
                }
            }
            Action::Client { req_id, endpoint, op, timeout_ms } => {
                if timeout_ms.is_some_and(|t| t == 0 || t > 3_600_000) {
                    return Err(ActionError::CommandTimeout);
                }
                if *req_id >= super::INTERNAL_REQ_BASE {
                    return Err(ActionError::InternalRequestId {
                        req_id: *req_id,
                        first_internal: super::INTERNAL_REQ_BASE,
                    });
                }
                if *req_id == 0 || *req_id <= self.requests.last_id() {
                    return Err(ActionError::RequestIdUsed { req_id: *req_id, next: self.requests.last_id() + 1 });
                }
                self.need_node(*endpoint)?;
                if let ClientOp::WatchCancel { watch_id } = &**op {
                    // A lock's or election's own watch and keep-alive are not the user's to stop.
                    let visible = self.streams.exists(*watch_id) && self.recipes.owner_of_stream(*watch_id).is_none();
                    if !visible && !self.recipes.is_recipe(*watch_id) {
                        return Err(ActionError::NoSuchWatch(*watch_id));
                    }
                }
            }
            Action::RestoreMember { path, member, initial, token, data_dir } => {
                let Some(data) = self.files.get(path) else {
                    return Err(ActionError::NoSuchFile(path.clone()));
                };
                if let Err(e) = crate::store::Store::from_snapshot(data) {
                    return Err(ActionError::BadSnapshot { path: path.clone(), source: e });
                }
                if self.data_dirs.contains_key(data_dir) {
                    return Err(ActionError::DataDirExists(data_dir.clone()));
                }
                if token.is_empty() {
                    return Err(ActionError::EmptyToken);
                }
                if initial.is_empty() || initial.iter().any(|k| !(1..=MAX_NODES).contains(k)) {
                    return Err(ActionError::InitialClusterRange);
                }
                if !initial.contains(member) {
                    return Err(ActionError::NotInInitialCluster(*member));
                }
            }
            Action::StartFrom { node, data_dir } => {
                let Some(dd) = self.data_dirs.get(data_dir) else {
                    return Err(ActionError::NoDataDir { node: *node, data_dir: data_dir.clone() });
                };
                if dd.member != *node {
                    return Err(ActionError::DataDirOfOther { data_dir: data_dir.clone(), member: dd.member });
                }
                if !(1..=MAX_NODES).contains(node) {
                    return Err(ActionError::UnknownNode(*node));
                }
                if self.nodes.get(node).is_some_and(|n| n.is_alive()) {
                    return Err(ActionError::RunningElsewhere(*node));
                }
            }
            Action::KubeCompactor { endpoint, interval_ms } => {
                self.need_node(*endpoint)?;
                if *interval_ms != 0 && !(1_000..=24 * 3_600_000).contains(interval_ms) {
                    return Err(ActionError::CompactionInterval);
                }
            }
            Action::DiskDelay { node, delay_ms } => {
                self.need_node(*node)?;
                if *delay_ms > 60_000 {
                    return Err(ActionError::DiskDelayTooLong);
                }
            }
            Action::RestoreSnapshot { path } | Action::RestoreSnapshotWithToken { path, .. } => {
                if let Action::RestoreSnapshotWithToken { token, .. } = action {
                    if token.is_empty() {
                        return Err(ActionError::EmptyToken);
                    }
                }
                let Some(data) = self.files.get(path) else {
                    return Err(ActionError::NoSuchFile(path.clone()));
                };
                if let Err(e) = crate::store::Store::from_snapshot(data) {
                    return Err(ActionError::BadSnapshot { path: path.clone(), source: e });
                }
            }
        }
        Ok(())
    }
}
