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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Cluster, ClusterConfig, Run, TraceMode};

    /// The refusal as a variant and as the text the console prints after `Error: `.
    fn refused(c: &mut Cluster, a: Action) -> (ActionError, String) {
        let e = c.apply(a).unwrap_err();
        let text = e.to_string();
        (e, text)
    }

    fn cluster() -> Cluster {
        Cluster::new(ClusterConfig::with_nodes(3, 1)).unwrap()
    }

    #[test]
    fn naming_nodes() {
        let mut c = cluster();
        assert_eq!(
            refused(&mut c, Action::Kill(12)),
            (ActionError::UnknownNode(12), "unknown node n12: nodes are n1 to n9".into())
        );
        assert_eq!(
            refused(&mut c, Action::Kill(7)),
            (ActionError::NotMember(7), "n7 is not a member of this cluster".into())
        );
        assert_eq!(
            refused(&mut c, Action::Restart(2)),
            (ActionError::AlreadyRunning(2), "n2 is already running".into())
        );
        c.apply(Action::Kill(2)).unwrap();
        assert_eq!(refused(&mut c, Action::Kill(2)), (ActionError::Down(2), "n2 is down; restart it first".into()));
        assert_eq!(
            refused(&mut c, Action::TransferLeader(1)),
            (ActionError::NoLeaderToTransfer, "there is no leader to transfer leadership from".into())
        );
    }

    #[test]
    fn the_network_and_time() {
        let mut c = cluster();
        assert_eq!(
            refused(&mut c, Action::Partition(vec![])),
            (ActionError::NoPartitionGroups, "partition needs at least one group".into())
        );
        assert_eq!(
            refused(&mut c, Action::Partition(vec![vec![1], vec![1, 2]])),
            (ActionError::InTwoPartitionGroups(1), "n1 appears in two partition groups".into())
        );
        assert_eq!(
            refused(&mut c, Action::Cut { from: 2, to: 2 }),
            (ActionError::SelfLink(2), "a link joins two different nodes, got n2 twice".into())
        );
        assert_eq!(
            refused(&mut c, Action::DropMessage(99_999)),
            (ActionError::NoSuchMessage(99_999), "no message #99999 is in flight".into())
        );
        assert_eq!(refused(&mut c, Action::Tick(0)), (ActionError::TickCount, "tick takes 1 to 1000000 ticks".into()));
        assert_eq!(
            refused(&mut c, Action::Advance(25 * 3_600_000)),
            (ActionError::AdvanceTooLong, "run at most 24h at a time".into())
        );
    }

    #[test]
    fn snapshots_and_data_dirs() {
        let mut c = cluster();
        assert_eq!(
            refused(&mut c, Action::RestoreSnapshot { path: "x.db".into() }),
            (ActionError::NoSuchFile("x.db".into()), "open x.db: no such file or directory".into())
        );
        assert_eq!(
            refused(&mut c, Action::StartFrom { node: 2, data_dir: "d".into() }),
            (
                ActionError::NoDataDir { node: 2, data_dir: "d".into() },
                "no data dir \"d\": make one with snapshot restore <file> --name n2 … --data-dir d".into()
            )
        );
    }

    #[test]
    fn a_cluster_with_bad_settings_is_refused_with_the_setting() {
        let e = Cluster::new(ClusterConfig::with_nodes(0, 1)).err().unwrap();
        assert_eq!(e, ActionError::Config(ConfigError::Nodes(0)));
        assert_eq!(e.to_string(), "nodes must be 1 to 9, got 0");
        let cfg = ClusterConfig { heartbeat_tick: 5, election_tick: 5, ..ClusterConfig::default() };
        assert_eq!(
            cfg.validate().unwrap_err().to_string(),
            "election_tick must be greater than heartbeat_tick (5) and at most 10000, got 5"
        );
    }

    #[test]
    fn a_replay_names_the_action_that_failed_and_keeps_its_cause() {
        let run = Run { config: ClusterConfig::with_nodes(3, 1), actions: vec![Action::Advance(10), Action::Kill(7)] };
        let e = run.replay(TraceMode::HashOnly).err().unwrap();
        assert_eq!(
            e,
            ActionError::Replay {
                number: 2,
                action: Box::new(Action::Kill(7)),
                source: Box::new(ActionError::NotMember(7))
            }
        );
        assert_eq!(e.to_string(), "action 2 (Kill(7)): n7 is not a member of this cluster");
        let cause = std::error::Error::source(&e).map(|s| s.to_string());
        assert_eq!(cause.as_deref(), Some("n7 is not a member of this cluster"));
    }
}
