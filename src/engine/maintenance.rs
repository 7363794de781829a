//! Maintenance calls a member answers itself: `move-leader` and `endpoint hashkv`.
//!
//! Contract: as etcd 3.4's maintenance server. `MoveLeader` is refused by a member that
//! does not lead (`etcdserver: not leader`) and for a target that is not a voting member
//! (`etcdserver: bad leader transferee`); otherwise the leader asks raft-rs to transfer and
//! the call is answered once the member sees the target lead, checked every tick as etcd
//! polls every tick, or times out with the command. `HashKV` hashes the endpoint's own
//! store (`store::Store::hash_kv`), so healthy members print the same number.

use super::client::{ClientError, ClientResult};
use super::cluster::Cluster;
use super::request_table::PendingState;
use super::trace::Role;
use super::NodeId;

impl Cluster {
    pub(crate) fn move_leader(&mut self, req_id: u64, endpoint: NodeId, target_member: u64) {
        let leads = self.nodes.get(&endpoint).and_then(|n| n.live.as_ref()).is_some_and(|l| l.role == Role::Leader);
        if !leads {
            return self.finish(req_id, endpoint, Err(ClientError::NotLeader));
        }
        let member = self.nodes.get(&endpoint).and_then(|n| n.store().membership().get(target_member).cloned());
        let target = member.filter(|m| !m.is_learner).and_then(|m| self.node_by_member(m.id));
        let Some(target) = target else {
            return self.finish(req_id, endpoint, Err(ClientError::BadLeaderTransferee));
        };
        self.with_raw(endpoint, |raw| raw.transfer_leader(target));
        self.requests.set_state(req_id, PendingState::MoveLeader { target });
        self.check_moved(req_id, endpoint, target);
    }

    /// Answers a `move-leader` once its endpoint knows the target as leader.
    pub(crate) fn check_moved(&mut self, req_id: u64, endpoint: NodeId, target: NodeId) {
        let lead = self.nodes.get(&endpoint).and_then(|n| n.live.as_ref()).map(|l| l.raw.raft.leader_id);
        if lead != Some(target) {
            return;
        }
        let from_member = self.nodes.get(&endpoint).map(|n| n.member_id).unwrap_or(0);
        let to_member = self.nodes.get(&target).map(|n| n.member_id).unwrap_or(0);
        self.finish(req_id, endpoint, Ok(ClientResult::LeaderMoved { from_member, to_member }));
    }

    pub(crate) fn hash_kv(&self, endpoint: NodeId, revision: i64) -> Result<ClientResult, ClientError> {
        let store = self.store_of(endpoint).ok_or(ClientError::Stopped)?;
        let (hash, _, compact_revision) = store.hash_kv(revision)?;
        Ok(ClientResult::HashKv { hash, compact_revision })
    }
}
