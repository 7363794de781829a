//! What one console line means, as typed data: an etcdctl 3.4 command (carrying the
//! store's own request types, already resolved the way etcdctl builds them) or a lab
//! command that acts on the simulated cluster.
//!
//! Contract: these values are produced only by `console::parse`, which has already
//! applied etcdctl's argument rules (prefix → range_end, `--from-key`, sort defaults), so
//! whoever executes a `Command` never re-interprets strings. Nothing here talks to the
//! engine or prints anything.

use serde::{Deserialize, Serialize};

use crate::store::{DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest};

/// A parsed line: the command plus the global flags, which etcdctl accepts anywhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub command: Command,
    pub globals: Globals,
}

/// etcdctl's persistent flags that matter in the lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Globals {
    /// `--endpoints=n1,n2` as given (comma-split, repeated flags append); empty = the
    /// console's default endpoint.
    pub endpoints: Vec<String>,
    /// `-w` / `--write-out`.
    pub write_out: OutputFormat,
    /// `--command-timeout`, truncated to whole milliseconds; `None` = etcdctl's 5s default.
    pub command_timeout_ms: Option<u64>,
    /// A TLS flag (`--cacert`, `--cert`, `--key`, `--insecure-skip-tls-verify`) or an
    /// `https://` endpoint was given: accepted, and the lab (which has no TLS) says so once.
    #[serde(default)]
    pub tls: bool,
    /// `--hex`: keys and values print as `\x..` escapes.
    #[serde(default)]
    pub hex: bool,
    /// `--user`, as given (`name` or `name:password`); the lab has no auth, so it is refused
    /// as etcd refuses it with auth disabled.
    #[serde(default)]
    pub user: Option<String>,
    /// `-w` was on the line (so `ETCDCTL_WRITE_OUT` does not apply).
    #[serde(default)]
    pub write_out_given: bool,
}

/// The `-w` formats the lab prints (etcdctl's `fields` and `protobuf` are refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OutputFormat {
    #[default]
    Simple,
    Json,
    Table,
}

/// One console command.
///
/// etcd commands mirror etcdctl 3.4; lab commands live in [`LabCommand`].
///
/// `txn` has two forms:
/// - `txn` alone ([`Command::TxnStdin`]): the console then feeds the following lines to
///   `parse::TxnBuilder`, in etcdctl's stdin format (compares, blank line, success ops,
///   blank line, failure ops, blank line).
/// - one line, our own syntax ([`Command::Txn`]):
///   `txn CMP... then OP... [else OP...]`, for example
///   `txn 'mod("x") > "0"' then 'put x 10' 'get x' else 'put x 0'`.
///   Each compare is one quoted word in etcdctl's compare syntax. An op is either one
///   quoted word (`'del x --prefix'`) or an unquoted run of words starting at `put`,
///   `get` or `del` (`then put x 10 get x else put x 0`). A quoted word that starts with
///   an op word followed by a space begins a new op, so quote such a value differently
///   if it is meant as an argument. Both sections may be empty (`txn then put x 1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Empty line or `# comment`.
    Nothing,
    /// `export NAME=value…`: shell variables etcdctl reads (`ETCDCTL_API`,
    /// `ETCDCTL_ENDPOINTS`, …), kept by the console for the lines after it.
    Export(Vec<(String, String)>),
    /// `unset NAME…`.
    Unset(Vec<String>),
    /// `NAME=value` alone: a shell variable that etcdctl does not see until exported.
    ShellAssign(Vec<(String, String)>),
    /// `ETCDCTL_API=2 etcdctl …`: etcdctl 3.4's v2 client, its words as given.
    V2 {
        args: Vec<String>,
    },
    /// `help [command...]`, `-h`/`--help`, or a command group without a valid
    /// subcommand (etcdctl prints the group's help then). `None` = general help.
    Help {
        topic: Option<String>,
    },
    Version,

    Put(PutRequest),
    Get {
        /// `serializable` is `--consistency=s`; sort fields follow clientv3's `WithSort`.
        range: RangeRequest,
        print_value_only: bool,
    },
    Del(DeleteRangeRequest),
    /// `txn` with no arguments: the body follows on the next lines.
    TxnStdin {
        /// `-i`: print etcdctl's prompts ("compares:" ...) while reading.
        interactive: bool,
    },
    Txn(TxnRequest),
    Watch {
        key: Vec<u8>,
        /// Empty = the single key; `[0]` = from key on (as `RangeRequest`).
        range_end: Vec<u8>,
        /// 0 = from now on.
        start_revision: i64,
        prev_kv: bool,
    },
    Compact {
        revision: i64,
        physical: bool,
    },
    Defrag {
        cluster: bool,
        data_dir: Option<String>,
    },

    LeaseGrant {
        ttl_secs: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    LeaseKeepAlive {
        id: i64,
        once: bool,
    },
    LeaseTimeToLive {
        id: i64,
        keys: bool,
    },
    LeaseList,

    AlarmList,
    AlarmDisarm,

    MemberList,
    MemberAdd {
        name: String,
        /// Optional in the lab (etcdctl requires it); comma-split.
        peer_urls: Vec<String>,
        learner: bool,
    },
    MemberPromote {
        id: u64,
    },
    MemberRemove {
        id: u64,
    },

    EndpointStatus {
        cluster: bool,
    },
    EndpointHashKv {
        cluster: bool,
        revision: i64,
    },
    MemberUpdate {
        id: u64,
        peer_urls: Vec<String>,
    },
    /// `lock <name>`: hold the lock until cancelled (`--ttl`: the session lease's TTL).
    Lock {
        name: String,
        ttl_secs: i64,
    },
    /// `elect <name> <proposal>` campaigns; `elect -l <name>` observes.
    Elect {
        name: String,
        proposal: Option<String>,
    },
    MoveLeader {
        target: u64,
    },
    /// `check perf`, with the `--load` profile resolved.
    CheckPerf {
        rate: u32,
        clients: u32,
        prefix: String,
        auto_compact: bool,
        auto_defrag: bool,
    },
    EndpointHealth {
        cluster: bool,
    },

    SnapshotSave {
        file: String,
    },
    SnapshotRestore {
        file: String,
        options: SnapshotRestoreOptions,
    },
    SnapshotStatus {
        file: String,
    },

    Lab(LabCommand),
}

/// `snapshot restore` flags, kept as given (`None` = etcdctl's default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SnapshotRestoreOptions {
    pub name: Option<String>,
    pub data_dir: Option<String>,
    pub wal_dir: Option<String>,
    pub initial_cluster: Option<String>,
    pub initial_cluster_token: Option<String>,
    pub initial_advertise_peer_urls: Option<String>,
    pub skip_hash_check: bool,
}

impl SnapshotRestoreOptions {
    /// Whether the line restores one member's data dir, as etcdctl does; without any of
    /// these flags the lab restores its whole cluster at once (see `Action::RestoreSnapshot`).
    pub fn per_member(&self) -> bool {
        self.name.is_some()
            || self.data_dir.is_some()
            || self.initial_cluster.is_some()
            || self.initial_advertise_peer_urls.is_some()
    }
}

/// A node named on the console: `n1`…`n9`, or whichever node leads when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeRef {
    Id(u64),
    Leader,
}

/// A network link: `n1->n2` (one way), `n1<-n2` (stored as n2->n1), or `n1<->n2` /
/// `n1-n2` (both ways).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub from: NodeRef,
    pub to: NodeRef,
    pub both_ways: bool,
}

/// Commands that act on the simulation rather than on etcd. Durations are whole
/// milliseconds of simulated time; probabilities are integer parts per million.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabCommand {
    Kill(NodeRef),
    Restart(NodeRef),
    Start(NodeRef),
    /// Every group nonempty, no node in two groups; at least two groups.
    Partition(Vec<Vec<NodeRef>>),
    Cut(Link),
    Restore(Link),
    Isolate(NodeRef),
    Heal,
    /// `drop <msg-id>`: one in-flight message.
    DropMessage {
        id: u64,
    },
    /// `drop n1->n2 25%`: every message on the link is dropped with this probability.
    DropLink {
        link: Link,
        probability_ppm: u32,
    },
    DelayMessage {
        id: u64,
        delay_ms: u64,
    },
    DelayLink {
        link: Link,
        delay_ms: u64,
    },
    Duplicate {
        id: u64,
    },
    /// `duplicate n1->n2 10%`: each message on the link is delivered twice with this probability.
    DuplicateLink {
        link: Link,
        probability_ppm: u32,
    },
    Latency {
        base_ms: u64,
        jitter_ms: u64,
    },
    /// `tick [N]`, default 1.
    Tick(u64),
    Run {
        duration_ms: u64,
    },
    /// `step [N]`, default 1.
    Step(u64),
    Campaign(NodeRef),
    Transfer(NodeRef),
    Status,
    /// `history`: the clients' operations so far, judged for linearizability.
    History,
    Leader,
    TraceHash,
    /// Stop a streaming command (`watch`, `lease keep-alive`) as Ctrl-C would; `None` stops
    /// them all.
    Cancel(Option<u64>),
    /// `start n1 --data-dir=n1.etcd`: start from a data dir `snapshot restore` made.
    StartFrom {
        node: NodeRef,
        data_dir: String,
    },
    /// `disk n1 200ms`: a slow disk; `disk n1 0` makes it fast again.
    Disk {
        node: NodeRef,
        delay_ms: u64,
    },
    /// `kube …`: the lab's kube-apiserver client (see `crate::kube`).
    Kube(crate::kube::KubeCommand),
}
