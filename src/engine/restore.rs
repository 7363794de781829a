//! Restores: the lab's whole-cluster `snapshot restore` shortcut, and one member started
//! from a data dir that a per-member `snapshot restore` made.
//!
//! Contract: a data dir holds the backup's store, the member it is for, the new cluster's
//! members and its token; starting from it gives the slot that member's disk (a snapshot
//! at the number of members, term 1, as etcd's restore writes it) and identity (member and
//! cluster ids from the peer URLs and the token, as etcd computes them). Everything the
//! slot's old disk held is gone; its disk delay stays with the machine.

use super::cluster::Cluster;
use super::disk::Disk;
use super::network::Network;
use super::rng::{SimRng, Stream};
use super::trace::fnv1a;
use super::NodeId;
use crate::store::Store;

/// A member's data dir restored from a backup: the member it is for, the new cluster's
/// members and token, and the backend.
#[derive(Clone, Debug)]
pub struct DataDir {
    pub member: NodeId,
    pub initial: Vec<NodeId>,
    pub token: String,
    pub store: Vec<u8>,
}

/// Where a restored group's id hash starts (any value other than 0's group will do).
const GROUP_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

impl Cluster {
    /// `start nK --data-dir D`: the slot gets the restored member's disk and identity (its
    /// member id from its peer URL and the data dir's token), and starts. The cluster id
    /// the lab reports becomes the new cluster's.
    pub(crate) fn start_from(&mut self, id: NodeId, data_dir: &str) {
        let Some(dd) = self.data_dirs.remove(data_dir) else { return };
        let fresh = Store::new(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
        let mut store = Store::from_snapshot(&dd.store).unwrap_or(fresh);
        store.configure(self.cfg.quota_backend_bytes, self.cfg.min_lease_ttl_secs());
        let members: Vec<_> = dd.initial.iter().map(|k| super::members::initial_member(*k, &dd.token)).collect();
        let ids: Vec<u64> = members.iter().map(|m| m.id).collect();
        store.set_initial_members(members);
        let cs = raft::eraftpb::ConfState { voters: dd.initial.clone(), ..Default::default() };
        let disk = Disk::restored(store, dd.initial.len() as u64, 1, cs);
        // The members restored from one backup with one token and membership form one new
        // group, whenever each of them starts.
        let members: Vec<u8> = dd.initial.iter().flat_map(|k| k.to_le_bytes()).collect();
        self.raft_group = fnv1a(fnv1a(fnv1a(GROUP_BASIS, dd.token.as_bytes()), &members), &dd.store);
        let delay = self.nodes.get(&id).map(|n| n.disk_delay_ms).unwrap_or(0);
        if self.nodes.get(&id).is_some_and(|n| n.is_alive()) {
            self.kill(id);
        }
        self.cluster_id = super::ids::cluster_id(&ids);
        self.token = dd.token.clone();
        let member_id = super::members::initial_member(id, &dd.token).id;
        self.add_slot(id, member_id, format!("n{id}"), disk);
        if let Some(n) = self.nodes.get_mut(&id) {
            n.disk_delay_ms = delay;
        }
        if let Err(e) = self.start_node(id) {
            self.trace_warn(id, e.to_string());
        }
    }

    /// `etcdctl snapshot restore`: a fresh cluster (new cluster id, term 1) of the same size
    /// whose members all start from the saved store. Files survive; everything else is new.
    pub(crate) fn restore_cluster(&mut self, data: Vec<u8>) {
        for id in self.node_ids() {
            self.kill(id);
        }
        self.nodes.clear();
        self.next_tick.set(None);
        self.network = Network::new(
            SimRng::derive(self.cfg.seed ^ self.now_ms, Stream::Network, 1),
            self.network.base_ms,
            self.network.jitter_ms,
        );
        self.requests.abandon_all();
        self.kube_compactor.forget_calls();
        self.revoking.clear();
        // A new group, even from the same backup as an earlier restore: its terms start again.
        self.raft_group = fnv1a(fnv1a(GROUP_BASIS, &data), &self.now_ms.to_le_bytes());
        // `snapshot restore` with the same peer URLs and token gives the same member ids,
        // and so the same cluster id, as etcd's restore does; another token, other ids.
        if let Err(e) = self.bootstrap(Some(data)) {
            self.trace_warn(0, e.to_string());
        }
    }
}
