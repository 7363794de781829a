//! Membership: `member list/add/promote/remove`, as etcd 3.4's server does them.
//!
//! Contract:
//! - The membership a member reports is its store's (`store::Membership`), changed only by
//!   applying the log, so every member that applied the same entries lists the same members.
//! - Changes are v1 `ConfChange` entries whose context carries the member (etcd puts the
//!   member's JSON there). The strict-reconfig checks (`mayAddMember`, `mayRemoveMember`,
//!   `isLearnerReady`) run before proposing; `ValidateConfigurationChange` (one learner at
//!   most, ids and peer URLs unique, never re-adding a removed id) runs when the entry is
//!   applied, so a refused change still takes its index, as in etcd.
//! - `member add` only changes the membership. The new member is `unstarted` (no name, no
//!   client URLs) until its process starts (`start nK`, etcd with
//!   `--initial-cluster-state existing`) and publishes itself through the log. A slot
//!   (the lab's n1…n9) exists once an add is applied; an add that never commits holds
//!   nothing.
//! - A member that applies its own removal stops for good.

use std::collections::BTreeMap;

use protobuf::Message as _;
use raft::eraftpb::{ConfChange, ConfChangeType};
use serde::{Deserialize, Serialize};

use super::client::{ClientError, ClientOp, ClientResult, MemberInfo};
use super::cluster::Cluster;
use super::config::MAX_NODES;
use super::disk::Disk;
use super::ids;
use super::request_table::PendingState;
use super::trace::TraceEvent;
use super::NodeId;
use crate::store::{ChangeRefused, Member, MemberChange};

/// etcd refuses membership changes unless the endpoint has been connected to every voter
/// for this long (etcdserver.HealthInterval).
const HEALTH_INTERVAL_MS: u64 = 5_000;
/// A learner may be promoted once its log reaches this share of the leader's (etcd's 90%).
const LEARNER_READY_PERCENT: u64 = 90;

/// What a conf-change entry's context holds: the client waiting for it, and the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConfContext {
    /// The client request this answers; 0 for the bootstrap entries.
    pub req_id: u64,
    /// Raft id of the member that proposed it.
    pub origin: NodeId,
    pub change: MemberChange,
    /// The raft id (the lab's slot) the change is about.
    pub node: NodeId,
}

impl ConfContext {
    pub fn encode(&self) -> Vec<u8> {
        // Serializing plain data into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Option<ConfContext> {
        postcard::from_bytes(bytes).ok()
    }
}

/// A v1 conf change with its context, as etcd 3.4 proposes it.
pub(crate) fn conf_change(ctx: &ConfContext) -> ConfChange {
    let mut cc = ConfChange::default();
    cc.set_change_type(match &ctx.change {
        MemberChange::Add(m) if m.is_learner => ConfChangeType::AddLearnerNode,
        MemberChange::Add(_) | MemberChange::Promote(_) => ConfChangeType::AddNode,
        MemberChange::Remove(_) => ConfChangeType::RemoveNode,
    });
    cc.node_id = ctx.node;
    cc.context = ctx.encode();
    cc
}

/// The members of the initial cluster, as `--initial-cluster` names them.
pub(crate) fn initial_member(id: NodeId, token: &str) -> Member {
    Member {
        id: ids::member_id(&[ids::peer_url(id)], token, None),
        name: format!("n{id}"),
        peer_urls: vec![ids::peer_url(id)],
        client_urls: Vec::new(),
        is_learner: false,
    }
}

/// The bootstrap log's entry for an initial member (etcd's `raft.StartNode` peers).
pub(crate) fn bootstrap_entry(id: NodeId, token: &str) -> raft::eraftpb::Entry {
    let ctx = ConfContext { req_id: 0, origin: 0, change: MemberChange::Add(initial_member(id, token)), node: id };
    let mut e = raft::eraftpb::Entry::default();
    e.set_entry_type(raft::eraftpb::EntryType::EntryConfChange);
    e.term = 1;
    e.index = id;
    e.data = conf_change(&ctx).write_to_bytes().unwrap_or_default();
    e
}

fn info(m: &Member) -> MemberInfo {
    MemberInfo {
        id: m.id,
        name: m.name.clone(),
        peer_urls: m.peer_urls.clone(),
        client_urls: m.client_urls.clone(),
        is_learner: m.is_learner,
    }
}

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

    /// The membership as the endpoint applied it, ordered by member id as etcd lists it.
    pub(crate) fn member_list(&self, endpoint: NodeId) -> Vec<MemberInfo> {
        let Some(node) = self.nodes.get(&endpoint) else { return Vec::new() };
        let store = node.store();
        store.membership().members().map(info).collect()
    }

    pub(crate) fn node_by_member(&self, member_id: u64) -> Option<NodeId> {
        self.nodes.values().find(|n| n.member_id == member_id).map(|n| n.id)
    }

    /// etcd's `transport.ActiveSince`: since when `from`'s stream to `to` has been up, or
    /// `None` if it is down (either process dead, or the link cut either way, which breaks
    /// the TCP connection both ways).
    pub(crate) fn active_since(&self, from: NodeId, to: NodeId) -> Option<u64> {
        let (a, b) = (self.nodes.get(&from)?, self.nodes.get(&to)?);
        if !a.is_alive() || !b.is_alive() || self.network.is_cut(from, to) || self.network.is_cut(to, from) {
            return None;
        }
        let link = self.link_up_at.get(&(from.min(to), from.max(to))).copied().unwrap_or(0);
        Some(a.started_at_ms.max(b.started_at_ms).max(link))
    }

    /// etcd's `isConnectedFullySince`: the endpoint's streams to every other voter have been
    /// up since before `now - HealthInterval`.
    /// With no other voter it holds at once (a single member may grow right after boot).
    fn connected_fully(&self, endpoint: NodeId, voters: &[NodeId]) -> bool {
        let since = self.now_ms.checked_sub(HEALTH_INTERVAL_MS);
        voters
            .iter()
            .filter(|v| **v != endpoint)
            .all(|v| matches!((since, self.active_since(endpoint, *v)), (Some(s), Some(t)) if t <= s))
    }

    /// Voting members as the endpoint's membership has them: (raft id, started).
    fn voting(&self, endpoint: NodeId) -> Vec<(NodeId, bool)> {
        let Some(node) = self.nodes.get(&endpoint) else { return Vec::new() };
        let store = node.store();
        store
            .membership()
            .members()
            .filter(|m| !m.is_learner)
            .filter_map(|m| Some((self.node_by_member(m.id)?, m.is_started())))
            .collect()
    }

    fn membership_member(&self, endpoint: NodeId, member_id: u64) -> Option<Member> {
        self.nodes.get(&endpoint)?.store().membership().get(member_id).cloned()
    }

    pub(crate) fn member_add(&mut self, req_id: u64, endpoint: NodeId, learner: bool) {
        let voting = self.voting(endpoint);
        // `mayAddMember`: a voter may only join when enough members are started to keep a
        // quorum after it (`IsReadyToAddVotingMember`)...
        if !learner {
            let started = voting.iter().filter(|(_, s)| *s).count();
            let members = voting.len() + 1;
            let restoring = started == 1 && members == 2;
            if !restoring && started < members / 2 + 1 {
                return self.finish(req_id, endpoint, Err(ClientError::NotEnoughStartedMembers));
            }
        }
        // ... and the endpoint has heard from every voter for a while.
        let voters: Vec<NodeId> = voting.iter().map(|(id, _)| *id).collect();
        if !self.connected_fully(endpoint, &voters) {
            return self.finish(req_id, endpoint, Err(ClientError::UnhealthyCluster));
        }
        let reserved: Vec<NodeId> = self
            .requests
            .open_requests()
            .filter_map(|p| match *p.state() {
                PendingState::Conf { node, .. } => Some(node),
                _ => None,
            })
            .collect();
        let Some(slot) = (1..=MAX_NODES).find(|id| !self.nodes.contains_key(id) && !reserved.contains(id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::NoRoom));
        };
        let peer_urls = vec![ids::peer_url(slot)];
        let member = Member {
            id: ids::member_id(&peer_urls, &self.token, Some(self.wall_ms() / 1000)),
            name: String::new(),
            peer_urls,
            client_urls: Vec::new(),
            is_learner: learner,
        };
        let ctx = ConfContext { req_id, origin: endpoint, change: MemberChange::Add(member), node: slot };
        self.propose_conf(req_id, endpoint, ctx);
    }

    pub(crate) fn member_promote(&mut self, req_id: u64, endpoint: NodeId, member_id: u64) {
        let member = self.membership_member(endpoint, member_id);
        let Some(id) = member.as_ref().and_then(|m| self.node_by_member(m.id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotFound));
        };
        if !member.is_some_and(|m| m.is_learner) {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotLearner));
        }
        // etcd's isLearnerReady, on the leader: the learner's match index against the
        // leader's own.
        let ready =
            self.leader().and_then(|l| Some((l, self.nodes.get(&l)?.live.as_ref()?))).is_some_and(|(l, live)| {
                let prs = live.raw.raft.prs();
                let leader_match = prs.get(l).map(|p| p.matched).unwrap_or(0);
                let learner_match = prs.get(id).map(|p| p.matched).unwrap_or(0);
                learner_match * 100 >= leader_match * LEARNER_READY_PERCENT
            });
        if !ready {
            return self.finish(req_id, endpoint, Err(ClientError::LearnerNotReady));
        }
        let ctx = ConfContext { req_id, origin: endpoint, change: MemberChange::Promote(member_id), node: id };
        self.propose_conf(req_id, endpoint, ctx);
    }

    pub(crate) fn member_remove(&mut self, req_id: u64, endpoint: NodeId, member_id: u64) {
        let member = self.membership_member(endpoint, member_id);
        let Some(id) = member.as_ref().and_then(|m| self.node_by_member(m.id)) else {
            return self.finish(req_id, endpoint, Err(ClientError::MemberNotFound));
        };
        if let Err(e) = self.may_remove(endpoint, id, member.is_some_and(|m| m.is_learner)) {
            return self.finish(req_id, endpoint, Err(e));
        }
        let ctx = ConfContext { req_id, origin: endpoint, change: MemberChange::Remove(member_id), node: id };
        self.propose_conf(req_id, endpoint, ctx);
    }

    /// etcd's `mayRemoveMember`.
    fn may_remove(&self, endpoint: NodeId, id: NodeId, is_learner: bool) -> Result<(), ClientError> {
        if is_learner {
            return Ok(());
        }
        // `IsReadyToRemoveVotingMember`: the started voters left must be a quorum of those left.
        let left: Vec<(NodeId, bool)> = self.voting(endpoint).into_iter().filter(|(v, _)| *v != id).collect();
        let started = left.iter().filter(|(_, s)| *s).count();
        if started < left.len() / 2 + 1 {
            return Err(ClientError::NotEnoughStartedMembers);
        }
        // A member that is down is safe to remove: it is not part of the active quorum.
        if id != endpoint && self.active_since(endpoint, id).is_none() {
            return Ok(());
        }
        // Protect the quorum when some members are down.
        let voters = self.voting(endpoint);
        // In the first 5 s no peer has been connected long enough (`numConnectedSince`).
        let since = self.now_ms.checked_sub(HEALTH_INTERVAL_MS);
        let active = voters
            .iter()
            .filter(|(v, _)| {
                *v == endpoint || matches!((since, self.active_since(endpoint, *v)), (Some(s), Some(t)) if t <= s)
            })
            .count();
        if active < 1 + (voters.len() - 1) / 2 + 1 {
            return Err(ClientError::UnhealthyCluster);
        }
        Ok(())
    }

    pub(crate) fn propose_conf(&mut self, req_id: u64, endpoint: NodeId, ctx: ConfContext) {
        self.retry_conf(req_id, endpoint, ctx.node, conf_change(&ctx));
    }

    /// Proposes (again) a conf change; raft-rs drops it while there is no leader, and the
    /// request then waits for one, as etcd's `configure` blocks.
    pub(crate) fn retry_conf(&mut self, req_id: u64, endpoint: NodeId, node: NodeId, cc: ConfChange) {
        let mut ok = false;
        self.with_raw(endpoint, |raw| ok = raw.propose_conf_change(vec![], cc.clone()).is_ok());
        self.requests.set_state(req_id, PendingState::Conf { node, proposed: ok, cc });
    }

    /// A member applied a conf change (or refused it). Creates the slot of a member added
    /// to the cluster, stops a member that applied its own removal, and answers the client.
    pub(crate) fn on_conf_change_applied(
        &mut self,
        id: NodeId,
        ctx: Option<ConfContext>,
        refused: Option<ChangeRefused>,
    ) {
        let Some(ctx) = ctx else { return };
        if refused.is_none() {
            match &ctx.change {
                MemberChange::Add(m) if !self.nodes.contains_key(&ctx.node) => {
                    let store = crate::store::Store::new(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
                    self.add_slot(ctx.node, m.id, format!("n{}", ctx.node), Disk::new(store));
                    self.trace.push(self.now_ms, TraceEvent::MemberAdded { node: ctx.node });
                }
                MemberChange::Remove(_) if ctx.node == id => {
                    // "the member has been permanently removed from the cluster": etcd exits.
                    if let Some(n) = self.nodes.get_mut(&id) {
                        n.removed = true;
                        n.kill();
                    }
                    self.next_tick.set(None);
                    self.drop_watchers_on(id);
                    self.trace.push(self.now_ms, TraceEvent::NodeRemoved { node: id });
                }
                _ => {}
            }
        }
        if ctx.origin != id {
            return;
        }
        let Some(p) = self.requests.get(ctx.req_id) else { return };
        if p.endpoint != id {
            return;
        }
        let op = p.op.clone();
        let cluster_id = self.cluster_id;
        let result = match (refused, &*op) {
            (Some(r), _) => Err(match r {
                ChangeRefused::IdRemoved => ClientError::MemberRemovedBefore,
                ChangeRefused::IdExists => ClientError::MemberExists,
                ChangeRefused::PeerUrlExists => ClientError::PeerUrlExists,
                ChangeRefused::IdNotFound => ClientError::MemberNotFound,
                ChangeRefused::TooManyLearners => ClientError::TooManyLearners,
                ChangeRefused::NotLearner => ClientError::MemberNotLearner,
            }),
            (None, ClientOp::MemberAdd { .. }) => {
                let MemberChange::Add(m) = &ctx.change else { return };
                Ok(ClientResult::MemberAdded { cluster_id, member: info(m), members: self.member_list(id) })
            }
            (None, ClientOp::MemberPromote { member_id }) => {
                Ok(ClientResult::MemberPromoted { cluster_id, member_id: *member_id })
            }
            (None, ClientOp::MemberRemove { member_id }) => {
                Ok(ClientResult::MemberRemoved { cluster_id, member_id: *member_id })
            }
            _ => return,
        };
        self.finish(ctx.req_id, id, result);
    }

    /// Notes when links come back up, for `active_since`: call with the cut links as they
    /// were before a network change.
    pub(crate) fn note_links_up(&mut self, cut_before: &std::collections::BTreeSet<(NodeId, NodeId)>) {
        let mut up: BTreeMap<(NodeId, NodeId), u64> = BTreeMap::new();
        for &(a, b) in cut_before {
            if !self.network.is_cut(a, b) && !self.network.is_cut(b, a) {
                up.insert((a.min(b), a.max(b)), self.now_ms);
            }
        }
        self.link_up_at.extend(up);
    }
}
