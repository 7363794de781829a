//! Membership: `member list/add/promote/remove`, through ConfChangeV2 as etcd 3.4 does.
//!
//! Contract: checks happen before proposing, with etcd's errors (unhealthy cluster, member
//! not found, learner not in sync); the reply comes when the endpoint applies the change. A
//! member added by `member add` starts right away with an empty disk — as if the operator
//! ran etcd with `--initial-cluster-state existing` — and catches up from the leader. A
//! member that applies its own removal stops for good.

use raft::eraftpb::{ConfChangeSingle, ConfChangeType, ConfChangeV2};

use super::client::{ClientError, ClientResult, MemberInfo};
use super::cluster::{etcd_style_id, Cluster};
use super::config::MAX_NODES;
use super::disk::Disk;
use super::requests::PendingState;
use super::trace::TraceEvent;
use super::NodeId;

/// etcd refuses membership changes unless the endpoint has been connected to every voter
/// for this long (etcdserver.HealthInterval).
const HEALTH_INTERVAL_MS: u64 = 5_000;
/// A learner may be promoted once its log reaches this share of the leader's (etcd's 90%).
const LEARNER_READY_PERCENT: u64 = 90;

impl Cluster {
    pub(crate) fn conf_of(&self, endpoint: NodeId) -> Option<(Vec<u64>, Vec<u64>)> {
        let live = self.nodes.get(&endpoint)?.live.as_ref()?;
        let conf = live.raw.raft.prs().conf().to_conf_state();
        let mut voters: Vec<u64> = conf.voters.clone();
        voters.sort_unstable();
        let mut learners: Vec<u64> = conf.learners.clone();
        learners.sort_unstable();
        Some((voters, learners))
    }

    pub(crate) fn member_info(&self, id: NodeId, is_learner: bool) -> MemberInfo {
        let node = self.nodes.get(&id);
        let started = node.is_some_and(|n| n.started_at_ms > 0 || n.is_alive() || id <= self.cfg.nodes);
        MemberInfo {
            id: node.map(|n| n.member_id).unwrap_or(0),
            name: if started { node.map(|n| n.name.clone()).unwrap_or_default() } else { String::new() },
            peer_urls: vec![format!("http://n{id}:2380")],
            client_urls: if started { vec![format!("http://n{id}:2379")] } else { Vec::new() },
            is_learner,
        }
    }

    /// The membership as the endpoint knows it, ordered by member id as etcd lists it.
    pub(crate) fn member_list(&self, endpoint: NodeId) -> Vec<MemberInfo> {
        let Some((voters, learners)) = self.conf_of(endpoint) else { return Vec::new() };
        let mut out: Vec<MemberInfo> = voters
            .iter()
            .map(|id| self.member_info(*id, false))
            .chain(learners.iter().map(|id| self.member_info(*id, true)))
            .collect();
        out.sort_by_key(|m| m.id);
        out
    }

    fn node_by_member(&self, member_id: u64) -> Option<NodeId> {
        self.nodes.values().find(|n| n.member_id == member_id).map(|n| n.id)
    }

    /// etcd's isConnectedFullySince: the endpoint has heard from every voter for a while.
    fn connected_fully(&self, endpoint: NodeId, voters: &[u64]) -> bool {
        let since = self.now_ms.saturating_sub(HEALTH_INTERVAL_MS);
        voters.iter().all(|v| {
            let Some(n) = self.nodes.get(v) else { return false };
            n.is_alive()
                && n.started_at_ms <= since
                && self.now_ms >= HEALTH_INTERVAL_MS
                && (*v == endpoint || (!self.network.is_cut(endpoint, *v) && !self.network.is_cut(*v, endpoint)))
        })
    }

    pub(crate) fn member_add(&mut self, req_id: u64, endpoint: NodeId, name: String, learner: bool) {
        let Some((voters, learners)) = self.conf_of(endpoint) else { return };
        if learner && !learners.is_empty() {
            return self.finish(req_id, endpoint, Err(ClientError::TooManyLearners));
        }
        if !self.connected_fully(endpoint, &voters) {
            return self.finish(req_id, endpoint, Err(ClientError::UnhealthyCluster));
        }
        let Some(slot) = (1..=MAX_NODES).find(|id| !self.nodes.contains_key(id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::NoRoom));
        };
        let member_id = etcd_style_id(&mut self.ids);
        let name = if name.is_empty() { format!("n{slot}") } else { name };
        let store = crate::store::Store::new(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
        self.add_slot(slot, member_id, name, Disk::new(store));
        let mut change = ConfChangeSingle::default();
        change.set_change_type(if learner { ConfChangeType::AddLearnerNode } else { ConfChangeType::AddNode });
        change.node_id = slot;
        self.propose_conf(req_id, endpoint, conf_change(req_id, endpoint, change));
    }

    pub(crate) fn member_promote(&mut self, req_id: u64, endpoint: NodeId, member_id: u64) {
        let Some((voters, learners)) = self.conf_of(endpoint) else { return };
        let Some(id) = self.node_by_member(member_id).filter(|id| voters.contains(id) || learners.contains(id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotFound));
        };
        if !learners.contains(&id) {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotLearner));
        }
        // The leader judges readiness from its progress tracker, as etcd's isLearnerReady.
        let ready = self.leader().and_then(|l| self.nodes.get(&l)?.live.as_ref()).is_some_and(|l| {
            let leader_match = l.raw.raft.raft_log.last_index();
            let learner_match = l.raw.raft.prs().get(id).map(|p| p.matched).unwrap_or(0);
            learner_match * 100 >= leader_match * LEARNER_READY_PERCENT
        });
        if !ready {
            return self.finish(req_id, endpoint, Err(ClientError::LearnerNotReady));
        }
        let mut change = ConfChangeSingle::default();
        change.set_change_type(ConfChangeType::AddNode);
        change.node_id = id;
        self.propose_conf(req_id, endpoint, conf_change(req_id, endpoint, change));
    }

    pub(crate) fn member_remove(&mut self, req_id: u64, endpoint: NodeId, member_id: u64) {
        let Some((voters, learners)) = self.conf_of(endpoint) else { return };
        let Some(id) = self.node_by_member(member_id).filter(|id| voters.contains(id) || learners.contains(id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotFound));
        };
        if voters.contains(&id) {
            // etcd's mayRemoveMember: the voters left, counting only live connected ones,
            // must still be a quorum of the smaller cluster.
            let remaining: Vec<u64> = voters.iter().copied().filter(|v| *v != id).collect();
            let active = remaining
                .iter()
                .filter(|v| {
                    self.is_alive(**v)
                        && (**v == endpoint
                            || (!self.network.is_cut(endpoint, **v) && !self.network.is_cut(**v, endpoint)))
                })
                .count();
            if active < remaining.len() / 2 + 1 {
                return self.finish(req_id, endpoint, Err(ClientError::NotEnoughStartedMembers));
            }
        }
        let mut change = ConfChangeSingle::default();
        change.set_change_type(ConfChangeType::RemoveNode);
        change.node_id = id;
        self.propose_conf(req_id, endpoint, conf_change(req_id, endpoint, change));
    }

    pub(crate) fn propose_conf(&mut self, req_id: u64, endpoint: NodeId, cc: ConfChangeV2) {
        let mut ok = false;
        let cc2 = cc.clone();
        self.with_raw(endpoint, |raw| ok = raw.propose_conf_change(vec![], cc2).is_ok());
        if let Some(p) = self.pending.get_mut(&req_id) {
            p.state = if ok { PendingState::Proposed } else { PendingState::ProposeConf(cc) };
        }
    }

    pub(crate) fn on_conf_change_applied(&mut self, id: NodeId, changes: Vec<(ConfChangeType, u64)>, context: Vec<u8>) {
        for (t, target) in &changes {
            if *t == ConfChangeType::RemoveNode && *target == id {
                // "the member has been permanently removed from the cluster": etcd exits.
                if let Some(n) = self.nodes.get_mut(&id) {
                    n.removed = true;
                    n.kill();
                }
                self.drop_watchers_on(id);
                self.trace.push(self.now_ms, TraceEvent::NodeRemoved { node: id });
            }
        }
        let (Some(req_id), Some(origin)) = (read_u64(&context, 0), read_u64(&context, 8)) else { return };
        if origin != id {
            return;
        }
        let Some(p) = self.pending.get(&req_id) else { return };
        if p.endpoint != id {
            return;
        }
        let op = p.op.clone();
        let cluster_id = self.cluster_id;
        let Some(&(t, target)) = changes.first() else { return };
        let result = match op {
            super::client::ClientOp::MemberAdd { .. } => {
                let member = self.member_info(target, t == ConfChangeType::AddLearnerNode);
                // Start the new member now, as the operator would after `member add`.
                let never_started =
                    self.nodes.get(&target).is_some_and(|n| !n.is_alive() && !n.removed && n.started_at_ms == 0);
                if never_started {
                    self.trace.push(self.now_ms, TraceEvent::NodeStarted { node: target });
                    if let Err(e) = self.start_node(target) {
                        self.trace_warn(target, e.0);
                    }
                }
                let members = self.member_list(id);
                let member = MemberInfo { name: member.name, ..member };
                Ok(ClientResult::MemberAdded { cluster_id, member, members })
            }
            super::client::ClientOp::MemberPromote { member_id } => {
                Ok(ClientResult::MemberPromoted { cluster_id, member_id })
            }
            super::client::ClientOp::MemberRemove { member_id } => {
                Ok(ClientResult::MemberRemoved { cluster_id, member_id })
            }
            _ => return,
        };
        self.finish(req_id, id, result);
    }
}

fn conf_change(req_id: u64, origin: NodeId, change: ConfChangeSingle) -> ConfChangeV2 {
    let mut cc = ConfChangeV2::default();
    cc.mut_changes().push(change);
    let mut ctx = req_id.to_be_bytes().to_vec();
    ctx.extend_from_slice(&origin.to_be_bytes());
    cc.context = ctx.into();
    cc
}

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}
