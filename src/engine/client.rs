//! The client side of the etcd API: what a client asks an endpoint, and what it is told.
//!
//! Contract: plain serde data. `ClientError`'s `Display` is etcd 3.4's error text, word for
//! word (etcdctl prints it after "Error: "). The engine fills `ResponseHeader` the way
//! etcd does: the answering member's id, its store revision and raft term.

use serde::{Deserialize, Serialize};

use crate::store::{
    AlarmMember, DeleteRangeRequest, DeleteRangeResponse, Event, LeaseInfo, PutRequest, PutResponse, RangeRequest,
    RangeResponse, StoreError, TxnRequest, TxnResponse,
};

use super::NodeId;

/// One etcd v3 call, as `etcdctl` makes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientOp {
    Put(PutRequest),
    Range(RangeRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
    Compact {
        revision: i64,
        physical: bool,
    },
    LeaseGrant {
        ttl_secs: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    /// One renewal (`lease keep-alive --once`).
    LeaseKeepAlive {
        id: i64,
    },
    /// etcdctl's `lease keep-alive`: renew now and then every TTL/3 (clientv3's pace) until
    /// cancelled or the lease is gone.
    LeaseKeepAliveStream {
        id: i64,
    },
    LeaseTimeToLive {
        id: i64,
        keys: bool,
    },
    LeaseList,
    AlarmList,
    AlarmDisarm,
    Defrag,
    MemberList,
    MemberAdd {
        name: String,
        learner: bool,
    },
    MemberPromote {
        member_id: u64,
    },
    MemberRemove {
        member_id: u64,
    },
    Status,
    Health,
    SnapshotSave {
        path: String,
    },
    Watch {
        key: Vec<u8>,
        range_end: Vec<u8>,
        start_revision: i64,
        prev_kv: bool,
    },
    /// Cancel a watch or a keep-alive stream (stream ids are shared).
    WatchCancel {
        watch_id: u64,
    },
    /// etcdctl's `lock` and `elect`: a recipe of etcd's `concurrency` package, run by the
    /// client over plain calls (see `engine::recipes`). Answered at once with the stream
    /// that then reports what the recipe's etcdctl prints.
    Recipe(RecipeOp),
    /// `move-leader`: the endpoint, which must lead, hands leadership to this member.
    MoveLeader {
        target_member_id: u64,
    },
    /// `endpoint hashkv`: the hash of the endpoint's MVCC key space up to `revision`
    /// (0 = now), as etcd's `HashByRev` computes it.
    HashKv {
        revision: i64,
    },
    /// `member update`: new peer URLs for a member.
    MemberUpdate {
        member_id: u64,
        peer_urls: Vec<String>,
    },
    /// `check perf`: etcdctl's write load against the endpoint, then its report.
    CheckPerf(PerfOp),
}

/// Which `concurrency` recipe, and on what name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeOp {
    pub kind: RecipeKind,
    /// The lock or election name; keys live under `name/`.
    pub name: Vec<u8>,
    /// The session lease's TTL (`lock --ttl`; `elect` always uses 60).
    pub ttl_secs: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipeKind {
    /// `Mutex.Lock`, then hold until cancelled or the session ends.
    Lock,
    /// `Election.Campaign` with this proposal, then lead until cancelled.
    Campaign(Vec<u8>),
    /// `elect -l`: `Election.Observe`, printing each leader.
    Observe,
}

/// `check perf`'s load: etcdctl's profile for `--load`, and where its keys go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerfOp {
    /// Writes per second the rate limiter allows.
    pub rate: u32,
    /// Concurrent clients, each with one request in flight.
    pub clients: u32,
    pub duration_ms: u64,
    pub prefix: Vec<u8>,
    pub auto_compact: bool,
    pub auto_defrag: bool,
}

/// What `check perf` measured, in simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerfReport {
    pub writes: u64,
    /// Each error text and how often it came back, sorted by text.
    pub errors: Vec<(String, u64)>,
    /// From the first request to the last answer, in microseconds.
    pub total_us: u64,
    pub slowest_us: u64,
    /// Population standard deviation of the latencies, in microseconds.
    pub stddev_us: u64,
}

impl ClientOp {
    /// Calls that change state go through raft; a learner refuses them (and linearizable
    /// reads), serving only serializable ranges and status, as etcd 3.4's interceptor does.
    pub fn allowed_on_learner(&self) -> bool {
        match self {
            ClientOp::Range(r) => r.serializable,
            ClientOp::Status => true,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseHeader {
    pub cluster_id: u64,
    pub member_id: u64,
    pub revision: i64,
    pub raft_term: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub id: u64,
    pub name: String,
    pub peer_urls: Vec<String>,
    pub client_urls: Vec<String>,
    pub is_learner: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointStatusInfo {
    pub endpoint: String,
    pub version: String,
    pub db_size: i64,
    pub db_size_in_use: i64,
    /// Member id of the leader this member knows, 0 if none.
    pub leader: u64,
    pub is_learner: bool,
    pub raft_index: u64,
    pub raft_term: u64,
    pub raft_applied_index: u64,
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientResult {
    Put(PutResponse),
    Range(RangeResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
    Compacted {
        revision: i64,
    },
    LeaseGranted {
        id: i64,
        ttl_secs: i64,
    },
    LeaseRevoked {
        id: i64,
    },
    LeaseKeptAlive {
        id: i64,
        ttl_secs: i64,
    },
    LeaseTimeToLive {
        id: i64,
        info: Option<LeaseInfo>,
    },
    Leases(Vec<i64>),
    Alarms(Vec<AlarmMember>),
    Defragmented {
        endpoint: String,
    },
    Members {
        cluster_id: u64,
        members: Vec<MemberInfo>,
    },
    MemberAdded {
        cluster_id: u64,
        member: MemberInfo,
        members: Vec<MemberInfo>,
    },
    MemberPromoted {
        cluster_id: u64,
        member_id: u64,
    },
    MemberRemoved {
        cluster_id: u64,
        member_id: u64,
    },
    Status(EndpointStatusInfo),
    Healthy {
        endpoint: String,
        took_ms: u64,
    },
    SnapshotSaved {
        path: String,
        size: u64,
    },
    WatchCreated {
        watch_id: u64,
    },
    KeepAliveStarted {
        stream_id: u64,
    },
    WatchCanceled {
        watch_id: u64,
    },
    RecipeStarted {
        stream_id: u64,
    },
    LeaderMoved {
        from_member: u64,
        to_member: u64,
    },
    HashKv {
        hash: u32,
        compact_revision: i64,
    },
    MemberUpdated {
        cluster_id: u64,
        member_id: u64,
        members: Vec<MemberInfo>,
    },
    /// `check perf` with the prefix already in use, or its report.
    PerfPrefixInUse,
    Perf(PerfReport),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ClientError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The client gave up after its command timeout (etcdctl's --command-timeout).
    #[error("context deadline exceeded")]
    DeadlineExceeded,
    #[error("etcdserver: rpc not supported for learner")]
    NotSupportedForLearner,
    #[error("etcdserver: unhealthy cluster")]
    UnhealthyCluster,
    #[error("etcdserver: member not found")]
    MemberNotFound,
    #[error("etcdserver: can only promote a learner member")]
    MemberNotLearner,
    #[error("etcdserver: can only promote a learner member which is in sync with leader")]
    LearnerNotReady,
    #[error("etcdserver: too many learner members in cluster")]
    TooManyLearners,
    #[error("etcdserver: request is too large")]
    RequestTooLarge,
    #[error("etcdserver: re-configuration failed due to not enough started members")]
    NotEnoughStartedMembers,
    #[error("etcdserver: ID exists")]
    MemberExists,
    #[error("etcdserver: Peer URLs already exists")]
    PeerUrlExists,
    #[error("etcdserver: ID removed")]
    MemberRemovedBefore,
    #[error("etcdserver: no leader")]
    NoLeader,
    #[error("the lab has room for nine members (n1 to n9); remove one first")]
    NoRoom,
    #[error("etcdserver: server stopped")]
    Stopped,
    #[error("{0}")]
    Other(String),
    #[error("etcdserver: bad leader transferee")]
    BadLeaderTransferee,
    #[error("etcdserver: not leader")]
    NotLeader,
    #[error("etcdserver: request timed out, leader transfer took too long")]
    LeaderTransferTimeout,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReply {
    pub req_id: u64,
    pub endpoint: NodeId,
    pub header: ResponseHeader,
    pub result: Result<ClientResult, ClientError>,
}

/// One answer on a keep-alive stream: the TTL it was renewed to, or `None` once the lease
/// is gone (etcdctl prints "lease … expired or revoked." and stops).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeepAliveTick {
    pub stream_id: u64,
    pub header: ResponseHeader,
    pub lease: i64,
    pub ttl_secs: Option<i64>,
}

/// Events a watch delivered, in one batch (one applied entry), as etcd sends them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchBatch {
    pub watch_id: u64,
    pub header: ResponseHeader,
    pub events: Vec<Event>,
    /// Set when the watch ends because its start revision was compacted.
    pub compact_revision: i64,
    pub canceled: bool,
}
