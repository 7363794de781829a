//! `Action`: the only way anything in a run changes.
//!
//! Contract: an action list, applied in order to a cluster built from a `ClusterConfig`,
//! determines the run bit for bit. Actions are plain serde data so they can live in a share
//! URL or a lesson. Actions that name something absent (a dead node, an unknown message)
//! are rejected by `Cluster::apply` with an error and change nothing.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::client::ClientOp;
use super::NodeId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Crash a node: its `RawNode` and in-memory store vanish; its disk survives.
    Kill(NodeId),
    /// Start a killed node again from its disk, as etcd restarts from WAL and snapshot.
    Restart(NodeId),
    /// Cut every link between different groups (both directions). Nodes left out of every
    /// group form one more group.
    Partition(Vec<Vec<NodeId>>),
    /// Cut the link `from -> to` in that direction only.
    Cut { from: NodeId, to: NodeId },
    /// Restore the link `from -> to` in that direction only.
    Restore { from: NodeId, to: NodeId },
    /// Restore every link and clear link faults (drop rates, extra delays).
    Heal,
    /// Drop one in-flight message.
    DropMessage(u64),
    /// Deliver one in-flight message now.
    DeliverMessage(u64),
    /// Hold one in-flight message back by `by_ms` more.
    DelayMessage { id: u64, by_ms: u64 },
    /// Put a copy of one in-flight message on the wire.
    DuplicateMessage(u64),
    /// Drop each message on `from -> to` with probability `ppm` parts per million.
    LinkDropRate { from: NodeId, to: NodeId, ppm: u32 },
    /// Deliver each message on `from -> to` twice with probability `ppm` parts per million.
    LinkDuplicateRate { from: NodeId, to: NodeId, ppm: u32 },
    /// Add `extra_ms` to every message's latency on `from -> to`.
    LinkDelay { from: NodeId, to: NodeId, extra_ms: u64 },
    /// Set the base latency and jitter of every link.
    SetLatency { base_ms: u64, jitter_ms: u64 },
    /// Advance the clock by `n` ticks' worth of time.
    Tick(u64),
    /// Advance the clock by `ms`.
    Advance(u64),
    /// Process the next event (a delivery, a tick, a timeout) and stop.
    Step,
    /// Make a node start an election now (raft-rs `campaign`).
    Campaign(NodeId),
    /// Ask the leader to hand leadership to a node.
    TransferLeader(NodeId),
    /// A client call through an endpoint.
    /// `timeout_ms` is etcdctl's `--command-timeout`; `None` takes the cluster's default.
    Client {
        req_id: u64,
        endpoint: NodeId,
        /// Shared: the action log, the trace and the request table hold one op.
        op: Rc<ClientOp>,
        // Always written: the share link's postcard encoding has no field names, so a
        // skipped field would shift every field after it. Old JSON without it still reads.
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// Run the clock until the request is answered (it always is, at the latest when its
    /// command timeout passes), as `etcdctl` waits for its reply.
    /// `stop_at_ms` cuts the wait short at that time (a rewind replays a wait this way).
    AwaitReply { req_id: u64, stop_at_ms: Option<u64> },
    /// Replace the whole cluster with a fresh one whose members start from a saved
    /// snapshot file (`etcdctl snapshot restore`).
    RestoreSnapshot { path: String },
    /// `snapshot restore --initial-cluster-token <token>`: as `RestoreSnapshot`, with the
    /// member and cluster ids derived from another token. (A variant of its own, at the
    /// end, so that the share links made before it still decode.)
    RestoreSnapshotWithToken { path: String, token: String },
    /// `disk n1 200ms`: every write to n1's disk (WAL entries, hard state, a received
    /// snapshot) takes this long, and n1's Ready loop waits for it as etcd's raft loop
    /// waits in `fsync`. 0 makes the disk fast again. The disk keeps it across restarts.
    DiskDelay { node: NodeId, delay_ms: u64 },
    /// `snapshot restore FILE --name nK --initial-cluster … --initial-cluster-token T
    /// --data-dir D`: a new data dir for one member of a new cluster whose members are
    /// `initial`, holding the saved store. Nothing runs until `StartFrom`.
    RestoreMember { path: String, member: NodeId, initial: Vec<NodeId>, token: String, data_dir: String },
    /// `start nK --data-dir D`: the member starts from a restored data dir, as etcd does
    /// with `--data-dir`; what its old disk held is gone.
    StartFrom { node: NodeId, data_dir: String },
    /// `kube compactor 5m`: kube-apiserver's compactor runs a round through `endpoint`
    /// every interval from now on; 0 stops it.
    KubeCompactor { endpoint: NodeId, interval_ms: u64 },
}
