//! What an etcd server does on its own, beside answering clients: it publishes itself
//! through the log when it starts, its first leader sets the cluster version, a new
//! leader's lessor takes over the leases, and a member that applied a write over its quota
//! raises the NOSPACE alarm.
//!
//! Contract: each duty is proposed through raft like a client's request (origin the member,
//! request id 0), so every member applies its effect in log order; none answers a client.

use crate::store::{AlarmMember, AlarmType, Request};

use super::cluster::Cluster;
use super::node::Publish;
use super::proposal::Proposal;
use super::NodeId;

/// The cluster version a leader of 3.4 members sets (etcd logs "set the initial cluster
/// version to 3.4").
const CLUSTER_VERSION: &str = "3.4.0";

impl Cluster {
    /// A member applied an empty entry: a leader's first entry of its term. When the
    /// member is that leader, it does what etcd does then (`applyEntryNormal`): its
    /// lessor takes over every lease, each lease's clock restarted and extended by an
    /// election timeout so that none expires because of the election (`lessor.Promote`;
    /// etcd 3.4 keeps no remaining TTL across leaders, so each restarts from its full TTL);
    /// and, if no cluster version is set yet, it sets one (`monitorVersions`).
    pub(crate) fn on_leader_entry_applied(&mut self, id: NodeId, term: u64) {
        let Some(node) = self.nodes.get_mut(&id) else { return };
        let Some(live) = node.live.as_mut() else { return };
        if live.raw.raft.state != raft::StateRole::Leader || live.raw.raft.term != term {
            return;
        }
        live.lease_term = term;
        node.disk.backend_mut().store.promote_leases(self.now_ms, self.cfg.election_timeout_ms());
        self.revoking.clear();
        let unset = node.store().membership().version().is_none();
        if unset {
            let data =
                Proposal { req_id: 0, origin: id, request: Request::ClusterVersion(CLUSTER_VERSION.into()) }.encode();
            self.with_raw(id, |raw| {
                let _ = raw.propose(vec![], data);
            });
        }
    }

    /// etcd's `publish`: once a started member knows a leader, it proposes its name and
    /// client URLs, and proposes again if a request timeout passes without it applied.
    pub(crate) fn maybe_publish(&mut self, id: NodeId) {
        let timeout = self.cfg.command_timeout_ms.max(5_000) + 2 * self.cfg.election_timeout_ms();
        let now = self.now_ms;
        let Some(node) = self.nodes.get(&id) else { return };
        let due = match node.publish {
            Publish::Waiting => true,
            Publish::Proposed(at) => now >= at + timeout,
            Publish::Done => false,
        };
        let knows_leader = node.live.as_ref().is_some_and(|l| l.raw.raft.leader_id != 0);
        if !due || !knows_leader {
            return;
        }
        let request = Request::MemberAttributes {
            member_id: node.member_id,
            name: node.name.clone(),
            client_urls: vec![super::ids::client_url(id)],
        };
        let data = Proposal { req_id: 0, origin: id, request }.encode();
        // The member is marked dirty only when raft-rs took the proposal or has news. A
        // dropped proposal (a leader transfer in progress, say) leaves nothing to handle,
        // and marking the member dirty anyway brought it straight back here to be dropped
        // again, for the whole of a flush's budget. A member whose loop waits on a slow
        // disk has news it cannot take yet: the write's end marks it dirty.
        let Some(ok) = self.call_raw(id, |raw| raw.propose(vec![], data).is_ok()) else { return };
        let news = ok || self.nodes.get(&id).is_some_and(|n| n.wants_ready());
        if ok {
            if let Some(n) = self.nodes.get_mut(&id) {
                n.publish = Publish::Proposed(now);
            }
        }
        if news {
            self.dirty.insert(id);
        }
    }

    /// etcd's `applyEntryNormal`: a member that applied a write over its quota, with no
    /// NOSPACE alarm in force yet, proposes one for itself through raft.
    pub(crate) fn raise_nospace_at_apply(&mut self, id: NodeId) {
        let raised = self.store_of(id).is_none_or(|s| s.alarms().iter().any(|a| a.alarm == AlarmType::NoSpace));
        if raised {
            return;
        }
        let member_id = self.nodes.get(&id).map(|n| n.member_id).unwrap_or(0);
        let alarm = Proposal {
            req_id: 0,
            origin: id,
            request: Request::AlarmActivate(AlarmMember { member_id, alarm: AlarmType::NoSpace }),
        };
        let data = alarm.encode();
        self.with_raw(id, |raw| {
            let _ = raw.propose(vec![], data);
        });
    }
}
