//! Plain inputs for the cluster-level printers (the KV ones take `store` types).

/// `etcdserverpb.ResponseHeader`. Zero fields are omitted from JSON, as etcd does (a
/// member list header carries no revision; a response inside a txn only its revision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Header {
    pub cluster_id: u64,
    pub member_id: u64,
    pub revision: i64,
    pub raft_term: u64,
}

/// One cluster member, as `member list` shows it. An empty name means the member was
/// added but has not started yet (etcdctl prints `unstarted`; it has no client URLs).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Member {
    pub id: u64,
    pub name: String,
    pub peer_urls: Vec<String>,
    pub client_urls: Vec<String>,
    pub is_learner: bool,
}

/// One answered `endpoint status` (`Status` RPC) for one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EndpointStatus {
    /// As given on the command line (`127.0.0.1:2379`) or, with `--cluster`, the member's
    /// client URL (`http://127.0.0.1:2379`).
    pub endpoint: String,
    /// `header.member_id` is the answering member's id.
    pub header: Header,
    pub version: String,
    pub db_size: i64,
    pub db_size_in_use: i64,
    /// The leader's member id as this member knows it; 0 = no leader.
    pub leader: u64,
    pub raft_index: u64,
    pub raft_term: u64,
    pub raft_applied_index: u64,
    /// E.g. `etcdserver: no leader`, or alarms as `memberID:<id> alarm:NOSPACE ` (with
    /// etcd's trailing space).
    pub errors: Vec<String>,
    pub is_learner: bool,
}

/// One `endpoint health` check.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EndpointHealth {
    pub endpoint: String,
    pub health: bool,
    /// A Go duration string, e.g. `2.975359ms` (see [`super::go_duration`]).
    pub took: String,
    /// Why it is unhealthy, e.g. `context deadline exceeded` or
    /// `etcdserver: rpc not supported for learner`.
    pub error: Option<String>,
}
