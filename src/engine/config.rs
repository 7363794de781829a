//! A cluster's configuration: size, timing, raft options, store limits and network defaults.
//!
//! Contract: `ClusterConfig` plus the seed and the action list fully determine a run.
//! `validate` rejects anything the engine cannot honour, with a message naming the field.

use serde::{Deserialize, Serialize};

/// The largest cluster the lab draws (n1…n9).
pub const MAX_NODES: u64 = 9;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// Initial voters, n1..=nodes.
    pub nodes: u64,
    pub seed: u64,
    /// etcd's heartbeat interval is one tick of 100 ms.
    pub tick_ms: u64,
    pub heartbeat_tick: u64,
    /// etcd's election timeout of 1000 ms is ten ticks.
    pub election_tick: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// etcd's --snapshot-count: applied entries between snapshots.
    pub snapshot_count: u64,
    /// Entries kept behind a snapshot so slow followers can catch up without one
    /// (etcd's SnapshotCatchUpEntries, 5000).
    pub snapshot_catchup_entries: u64,
    /// etcd's --quota-backend-bytes (default 2 GiB).
    pub quota_backend_bytes: u64,
    /// One-way link latency: base plus a uniform jitter in [0, jitter].
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// etcdctl's --command-timeout.
    pub command_timeout_ms: u64,
    /// etcd's --max-request-bytes (default 1.5 MiB): a bigger proposal is refused with
    /// `etcdserver: request is too large`.
    pub max_request_bytes: u64,
    /// raft's MaxSizePerMsg, which etcd 3.4 fixes at 1 MiB with no flag: an append carries
    /// entries up to this size (always at least one).
    pub max_size_per_msg: u64,
    /// Whether raft-rs's own log lines (info and above) are kept in the trace.
    pub record_raft_log: bool,
    /// Whether raft-rs's debug lines ("committing index 7", "rejected msgApp …") are kept
    /// too; they are many, so this is off unless a lesson or the learner asks.
    pub record_raft_debug: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            nodes: 3,
            seed: 1,
            tick_ms: 100,
            heartbeat_tick: 1,
            election_tick: 10,
            // etcd 3.4: `--pre-vote` defaults to false; check-quorum is hard-coded on.
            pre_vote: false,
            check_quorum: true,
            snapshot_count: 100_000,
            snapshot_catchup_entries: 5_000,
            quota_backend_bytes: 2 * 1024 * 1024 * 1024,
            latency_ms: 2,
            jitter_ms: 3,
            command_timeout_ms: 5_000,
            max_request_bytes: 1024 * 1024 + 512 * 1024,
            max_size_per_msg: 1024 * 1024,
            record_raft_log: true,
            record_raft_debug: false,
        }
    }
}

/// Why a cluster's settings were refused. Each variant names the setting and the range
/// it must be in; the text is what the console, lessons and share links show after their
/// own prefix, so it stays as the learner has always read it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("nodes must be 1 to {MAX_NODES}, got {0}")]
    Nodes(u64),
    #[error("tick_ms must be 1 to 60000, got {0}")]
    TickMs(u64),
    #[error("heartbeat_tick must be 1 to 1000, got {0}")]
    HeartbeatTick(u64),
    #[error(
        "election_tick must be greater than heartbeat_tick ({heartbeat_tick}) and at most 10000, got {election_tick}"
    )]
    ElectionTick { heartbeat_tick: u64, election_tick: u64 },
    #[error("snapshot_count must be at least 1")]
    SnapshotCount,
    #[error("latency_ms and jitter_ms must be at most 60000")]
    Latency,
    #[error("command_timeout_ms must be 1 to 3600000, got {0}")]
    CommandTimeout(u64),
    #[error("max_request_bytes must be at least 1")]
    MaxRequestBytes,
    #[error("max_size_per_msg must be at least 1")]
    MaxSizePerMsg,
}

impl ClusterConfig {
    pub fn with_nodes(nodes: u64, seed: u64) -> Self {
        ClusterConfig { nodes, seed, ..Default::default() }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_NODES).contains(&self.nodes) {
            return Err(ConfigError::Nodes(self.nodes));
        }
        if self.tick_ms == 0 || self.tick_ms > 60_000 {
            return Err(ConfigError::TickMs(self.tick_ms));
        }
        if self.heartbeat_tick == 0 || self.heartbeat_tick > 1000 {
            return Err(ConfigError::HeartbeatTick(self.heartbeat_tick));
        }
        if self.election_tick <= self.heartbeat_tick || self.election_tick > 10_000 {
            return Err(ConfigError::ElectionTick {
                heartbeat_tick: self.heartbeat_tick,
                election_tick: self.election_tick,
            });
        }
        if self.snapshot_count == 0 {
            return Err(ConfigError::SnapshotCount);
        }
        if self.latency_ms > 60_000 || self.jitter_ms > 60_000 {
            return Err(ConfigError::Latency);
        }
        if self.command_timeout_ms == 0 || self.command_timeout_ms > 3_600_000 {
            return Err(ConfigError::CommandTimeout(self.command_timeout_ms));
        }
        if self.max_request_bytes == 0 {
            return Err(ConfigError::MaxRequestBytes);
        }
        if self.max_size_per_msg == 0 {
            return Err(ConfigError::MaxSizePerMsg);
        }
        Ok(())
    }

    pub fn election_timeout_ms(&self) -> u64 {
        self.election_tick * self.tick_ms
    }

    /// etcd's minimum lease TTL: ceil(1.5 × election timeout) in seconds, so a lease cannot
    /// expire during a leader election.
    pub fn min_lease_ttl_secs(&self) -> i64 {
        let min_ms = (3 * self.election_tick / 2) * self.tick_ms;
        min_ms.div_ceil(1000) as i64
    }
}
