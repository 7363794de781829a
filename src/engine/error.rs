//! Why an action was refused: `ActionError`, one variant per rule in `validate.rs` (and the
//! few failures of starting a cluster or replaying a run).
//!
//! Contract: every variant's `Display` is the sentence the console prints after `Error: `,
//! in the learner's words, byte for byte as console transcripts, lessons and the oracle
//! expect it. Callers that need to react to a reason match the variant, never the text; the
//! browser translates by variant (`ui::error_text`). A variant carries the values its
//! sentence names, so a translation can say the same thing.

use super::action::Action;
use super::config::{ConfigError, MAX_NODES};
use super::NodeId;
use crate::store::SnapshotError;

/// Why an action (or a cluster's creation, or a replay) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    // ---- the cluster itself ----
    /// The cluster's settings are out of range.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// raft-rs refused to start a member (its error's text, which is not ours to type).
    #[error("n{node}: {detail}")]
    RaftStart { node: NodeId, detail: String },
    /// An internal start of a member that has no slot.
    #[error("n{0} does not exist")]
    NoSuchSlot(NodeId),

    // ---- naming nodes ----
    #[error("unknown node n{0}: nodes are n1 to n{MAX_NODES}", MAX_NODES = MAX_NODES)]
    UnknownNode(NodeId),
    #[error("n{0} is not a member of this cluster")]
    NotMember(NodeId),
    #[error("n{0} was removed from the cluster")]
    Removed(NodeId),
    #[error("n{0} is down; restart it first")]
    Down(NodeId),
    #[error("n{0} was removed from the cluster and cannot restart")]
    RemovedCannotRestart(NodeId),
    #[error("n{0} is already running")]
    AlreadyRunning(NodeId),
    #[error("n{0} is not a voter, so it cannot campaign")]
    NotVoter(NodeId),
    #[error("there is no leader to transfer leadership from")]
    NoLeaderToTransfer,

    // ---- the network ----
    #[error("a partition group cannot be empty")]
    EmptyPartitionGroup,
    #[error("n{0} appears in two partition groups")]
    InTwoPartitionGroups(NodeId),
    #[error("partition needs at least one group")]
    NoPartitionGroups,
    #[error("a link joins two different nodes, got n{0} twice")]
    SelfLink(NodeId),
    #[error("a probability is at most 100%")]
    ProbabilityTooHigh,
    #[error("a link delay is at most one hour")]
    LinkDelayTooLong,
    #[error("no message #{0} is in flight")]
    NoSuchMessage(u64),
    #[error("a message can be delayed by at most one hour")]
    MessageDelayTooLong,
    #[error("latency and jitter are at most 60s")]
    LatencyTooHigh,

    // ---- time ----
    #[error("tick takes 1 to 1000000 ticks")]
    TickCount,
    #[error("run at most 24h at a time")]
    AdvanceTooLong,
    #[error("a disk delay is at most 60s")]
    DiskDelayTooLong,
    #[error("the compaction interval is 1s to 24h (kube-apiserver's default is 5m)")]
    CompactionInterval,

    // ---- client requests ----
    #[error("no request {0} was made")]
    UnknownRequest(u64),
    #[error("--command-timeout must be between 1ms and 1h")]
    CommandTimeout,
    #[error("request id {req_id} is the engine's own (ids from {first_internal} are)")]
    InternalRequestId { req_id: u64, first_internal: u64 },
    #[error("request id {req_id} is already used (ids increase from {next})")]
    RequestIdUsed { req_id: u64, next: u64 },
    #[error("no watch or keep-alive {0} is running")]
    NoSuchWatch(u64),

    // ---- snapshots and data dirs ----
    #[error("open {0}: no such file or directory")]
    NoSuchFile(String),
    /// The file exists but does not load as a store.
    #[error("{path}: {source}")]
    BadSnapshot {
        path: String,
        #[source]
        source: SnapshotError,
    },
    #[error("data-dir {0:?} exists")]
    DataDirExists(String),
    #[error("--initial-cluster-token must not be empty")]
    EmptyToken,
    #[error("the lab's members are n1 to n{MAX_NODES}", MAX_NODES = MAX_NODES)]
    InitialClusterRange,
    #[error("couldn't find local name \"n{0}\" in the initial cluster configuration")]
    NotInInitialCluster(NodeId),
    #[error("no data dir {data_dir:?}: make one with snapshot restore <file> --name n{node} … --data-dir {data_dir}")]
    NoDataDir { node: NodeId, data_dir: String },
    #[error("{data_dir} was restored for n{member} (--name n{member}); start n{member} with it")]
    DataDirOfOther { data_dir: String, member: NodeId },
    #[error("n{0} is running: stop it (kill n{0}) before it starts from another data dir")]
    RunningElsewhere(NodeId),

    // ---- replay ----
    /// A recorded action failed when its run was replayed: its 1-based number, the action,
    /// and why. The cause is both the source and part of the text, as the text always was.
    #[error("action {number} ({action:?}): {source}")]
    Replay {
        number: usize,
        action: Box<Action>,
        #[source]
        source: Box<ActionError>,
    },
}
