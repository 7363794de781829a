//! The store's vocabulary: requests that go through the raft log, the reads served
//! beside it, their responses, watch events and the errors etcd 3.4 answers.
//!
//! Contract: these types mirror etcd's `etcdserverpb`/`mvccpb` messages field for field
//! (i64 revisions, byte keys), so the console can print them exactly as etcdctl does.
//! They are plain data (serde), encoded into raft entries by the engine; nothing here
//! knows about raft.

use serde::{Deserialize, Serialize};

use super::bytes::Bytes;

/// A key's state at one revision, as `mvccpb.KeyValue`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KeyValue {
    pub key: Vec<u8>,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub value: Vec<u8>,
    pub lease: i64,
}

/// `mvccpb.Event`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    /// For a DELETE: the key, `mod_revision` = the deleting revision, other fields zero
    /// (as etcd sends a tombstone).
    pub kv: KeyValue,
    /// Filled only when the watcher asked for `--prev-kv`; the store always fills it and
    /// the watcher strips it.
    pub prev_kv: Option<KeyValue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Put,
    Delete,
}

/// `etcdserverpb.RangeRequest`. `range_end` empty = the single key; `[0]` with key `[0]`
/// = all keys (`--from-key` of ""); otherwise the half-open range `[key, range_end)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RangeRequest {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    /// 0 = no limit.
    pub limit: i64,
    /// 0 = the current revision.
    pub revision: i64,
    pub sort_order: SortOrder,
    pub sort_target: SortTarget,
    pub serializable: bool,
    pub keys_only: bool,
    pub count_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortOrder {
    #[default]
    None,
    Ascend,
    Descend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortTarget {
    #[default]
    Key,
    Version,
    Create,
    Mod,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RangeResponse {
    pub kvs: Vec<KeyValue>,
    /// True when `limit` cut the result short.
    pub more: bool,
    /// Number of keys in the range (before `limit`).
    pub count: i64,
    /// Inside a txn, the store revision this read saw, which etcd puts in the range's own
    /// header: the txn's start revision until one of its ops has written. 0 elsewhere
    /// (a plain range's header is the reply's).
    #[serde(default)]
    pub header_revision: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PutRequest {
    /// Shared with every member's store that applies it (and the trace that shows it).
    pub key: Bytes,
    pub value: Bytes,
    /// 0 = no lease.
    pub lease: i64,
    pub prev_kv: bool,
    pub ignore_value: bool,
    pub ignore_lease: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PutResponse {
    pub prev_kv: Option<KeyValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeleteRangeRequest {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub prev_kv: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeleteRangeResponse {
    pub deleted: i64,
    pub prev_kvs: Vec<KeyValue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareResult {
    Equal,
    Greater,
    Less,
    NotEqual,
}

/// What a txn compare looks at, with the operand it is compared against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareTarget {
    Version(i64),
    Create(i64),
    Mod(i64),
    Value(Vec<u8>),
    Lease(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compare {
    pub result: CompareResult,
    pub target: CompareTarget,
    pub key: Vec<u8>,
    /// Empty = the single key. A compare over a range holds when it holds for every key.
    pub range_end: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestOp {
    Range(RangeRequest),
    Put(PutRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseOp {
    Range(RangeResponse),
    Put(PutResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TxnRequest {
    pub compare: Vec<Compare>,
    pub success: Vec<RequestOp>,
    pub failure: Vec<RequestOp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TxnResponse {
    pub succeeded: bool,
    pub responses: Vec<ResponseOp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlarmType {
    NoSpace,
    Corrupt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlarmMember {
    /// The etcd member id of the member that raised it.
    pub member_id: u64,
    pub alarm: AlarmType,
}

/// A request that changes state: it is proposed through raft and applied, in log order,
/// by every member's store. Reads (`RequestOp::Range` at top level) never go here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    Put(PutRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
    /// `compact REV`. etcd's `--physical` only changes when the reply is sent.
    Compaction {
        revision: i64,
    },
    /// The lease id is chosen by the proposer (the engine), so every member agrees.
    LeaseGrant {
        id: i64,
        ttl_secs: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    /// Raised by the member whose put found the quota exceeded, or disarmed by the admin.
    AlarmActivate(AlarmMember),
    /// `alarm disarm` clears every alarm, as etcdctl does (it disarms each listed one).
    AlarmDeactivate(AlarmMember),
    /// `alarm list`: etcd 3.4 sends every alarm request through raft, a read included.
    AlarmGet,
    /// etcd's `publish`: a member announces its name and client URLs when it starts.
    MemberAttributes {
        member_id: u64,
        name: String,
        client_urls: Vec<String>,
    },
    /// The leader sets the cluster version once every member is known (`3.4.0`).
    ClusterVersion(String),
    /// `member update`: a member's new peer URLs. etcd sends it as a `ConfChangeUpdateNode`,
    /// which changes nothing in raft's own configuration; raft-rs has no such type, so it
    /// goes through the log as a normal entry, validated and applied at the same point.
    MemberUpdate {
        member_id: u64,
        peer_urls: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Put(PutResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
    Compaction,
    LeaseGrant {
        id: i64,
        ttl_secs: i64,
    },
    LeaseRevoke,
    /// The alarms in force after the request.
    Alarm(Vec<AlarmMember>),
    /// A member's publish or the cluster version was recorded.
    Membership,
}

/// The outcome of applying one request: what the client is answered (with the store
/// revision after the apply, for the response header) and the events watchers see.
/// Whether an apply builds the events of its changes (someone watches) or skips them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Events {
    Keep,
    Skip,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub result: Result<Response, StoreError>,
    /// Store revision after this apply (the header revision etcd replies with).
    pub revision: i64,
    /// One event per changed key, in revision order (main, then sub revision).
    pub events: Vec<(Revision, Event)>,
}

/// A revision: `main` counts write transactions, `sub` the changes inside one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Revision {
    pub main: i64,
    pub sub: i64,
}

/// A lease as `lease timetolive` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseInfo {
    pub id: i64,
    /// TTL granted, in seconds.
    pub granted_ttl: i64,
    /// Remaining seconds on the leader's clock (etcd rounds up); -1 if expired.
    pub ttl: i64,
    pub keys: Vec<Vec<u8>>,
}

/// etcd's error texts, word for word (as `etcdctl` prints them after "Error: ").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum StoreError {
    #[error("etcdserver: mvcc: required revision has been compacted")]
    Compacted,
    #[error("etcdserver: mvcc: required revision is a future revision")]
    FutureRev,
    #[error("etcdserver: requested lease not found")]
    LeaseNotFound,
    #[error("etcdserver: lease already exists")]
    LeaseExist,
    /// etcd 3.4.23 says exactly this (seen on `lease grant 9000000001`).
    #[error("etcdserver: too large lease TTL")]
    LeaseTtlTooLarge,
    #[error("etcdserver: mvcc: database space exceeded")]
    NoSpace,
    #[error("etcdserver: duplicate key given in txn request")]
    DuplicateKey,
    #[error("etcdserver: too many operations in txn request")]
    TooManyOps,
    #[error("etcdserver: key is not provided")]
    EmptyKey,
    /// `put --ignore-value` with a value: etcd's `ErrGRPCValueProvided`.
    #[error("etcdserver: value is provided")]
    ValueNotProvided,
    /// `put --ignore-lease` with a lease: etcd's `ErrGRPCLeaseProvided`.
    #[error("etcdserver: lease is provided")]
    LeaseNotProvided,
    /// `put --ignore-value`/`--ignore-lease` on a key that does not exist.
    #[error("etcdserver: key not found")]
    KeyNotFound,
    #[error("etcdserver: member not found")]
    MemberNotFound,
    #[error("etcdserver: Peer URLs already exists")]
    PeerUrlExists,
}
