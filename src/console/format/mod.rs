//! What etcdctl 3.4.23 prints: pure functions that turn typed results into its exact text.
//!
//! Contract:
//! - Every function returns an [`Output`]: the bytes etcdctl writes to stdout and to stderr,
//!   each complete with its final newline, exactly as printed (an empty string when nothing
//!   is printed). A console shows `stdout` then `stderr`.
//! - Word for word and byte for byte as the real etcdctl 3.4.23; the ground truth is
//!   `tests/testdata/etcd-3.4.23.md`, and every layout here is tested against it.
//! - Nothing here talks to a cluster, reads the clock or the file system (it builds for
//!   wasm32); callers pass in what the cluster answered.
//! - The clientv3 JSON warn lines etcdctl logs on stderr ("retrying of unary invoker
//!   failed") are deliberately never produced: they are client noise, not etcd's answer.
//!
//! Layout rules, as observed:
//! - `-w table` works only for `member list`, `endpoint status`, `endpoint health`; every
//!   other command answers [`TABLE_NOT_SUPPORTED`] on stderr, *after* the request was sent
//!   (a `put -w table` is applied).
//! - `-w json` is Go's `encoding/json` over gogoproto structs: numbers (u64 too) unquoted,
//!   bytes base64, zero fields omitted; some clientv3 wrappers differ (see each function).
//! - Ids: members and clusters `%x` in lists, `%16x` (space-padded) in member
//!   add/promote/remove; leases `%016x`.

mod json;
mod kv;
mod lease;
mod maintenance;
mod member;
mod ops;
mod table;
mod types;
mod units;

pub use kv::{compact, del, get, put, txn, watch_canceled, watch_events, GetOptions};
pub use lease::{lease_grant, lease_keep_alive, lease_keep_alive_expired, lease_list, lease_revoke, lease_timetolive};
pub use maintenance::{
    check_perf, endpoint_hashkv, endpoint_hashkv_failed, member_update, move_leader, EndpointHash, PerfFigures,
};
pub use member::{member_add, member_list, member_promote, member_remove};
pub use ops::{
    alarm_disarm, alarm_list, alarm_text, defrag, defrag_failed, endpoint_health, endpoint_status,
    endpoint_status_failed, snapshot_restore, snapshot_save, snapshot_status,
};
pub use types::{EndpointHealth, EndpointStatus, Header, Member};
pub use units::{go_duration, humanize_bytes};

/// `-w`/`--write-out`, as the parser reads it.
pub use super::command::OutputFormat;

/// What one etcdctl invocation writes: stdout and stderr, each with final newlines.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// The lab's own remark about the line (not etcdctl's output: the oracle and the
    /// lessons' output checks never see it), e.g. that the lab has no TLS.
    pub note: String,
}

impl Output {
    /// Only stdout.
    pub fn out(stdout: impl Into<String>) -> Self {
        Output { stdout: stdout.into(), ..Output::default() }
    }

    /// Only stderr.
    pub fn err(stderr: impl Into<String>) -> Self {
        Output { stderr: stderr.into(), ..Output::default() }
    }

    /// Both streams joined, stdout first: what a terminal shows when the two interleave
    /// in the usual order.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// What a console shows: etcdctl's output, then the lab's note.
    pub fn shown(&self) -> String {
        format!("{}{}{}", self.stdout, self.stderr, self.note)
    }
}

/// etcdctl's error line, `Error: <msg>\n`, as printed by `ExitWithError`.
pub fn error_line(msg: &str) -> String {
    format!("Error: {msg}\n")
}

/// An invocation that fails with `Error: <msg>` on stderr and prints nothing else.
pub fn error(msg: &str) -> Output {
    Output::err(error_line(msg))
}

/// The message etcdctl gives for `-w table` on commands without a table printer.
pub const TABLE_NOT_SUPPORTED: &str = "table not supported as output format";

/// The three prompts `txn -i` prints (each followed by a newline); without `-i` etcdctl
/// prints none of them, whether or not stdin is a terminal.
pub const TXN_PROMPT_COMPARES: &str = "compares:";
pub const TXN_PROMPT_SUCCESS: &str = "success requests (get, put, del):";
pub const TXN_PROMPT_FAILURE: &str = "failure requests (get, put, del):";

/// Argument errors etcdctl 3.4.23 prints as `Error: <text>` (exit 128, no usage text).
pub mod usage {
    pub const GET: &str = "get command needs one argument as key and an optional argument as range_end";
    pub const PUT: &str = "put command needs 1 argument and input from stdin or 2 arguments";
    pub const PUT_IGNORE_VALUE: &str = "put command needs only 1 argument when 'ignore-value' is set";
    pub const DEL: &str = "del command needs one argument as key and an optional argument as range_end";
    pub const WATCH: &str = "bad number of arguments";
    pub const COMPACT: &str = "compaction command needs 1 argument";
    pub const LEASE_GRANT: &str = "lease grant command needs TTL argument";
    pub const LEASE_REVOKE: &str = "lease revoke command needs 1 argument";
    pub const LEASE_TIMETOLIVE: &str = "lease timetolive command needs lease ID as argument";
    pub const LEASE_KEEP_ALIVE: &str = "lease keep-alive command needs lease ID as argument";
    pub const MEMBER_ADD_NAME: &str = "member name not provided";
    pub const MEMBER_ADD_PEER_URLS: &str = "member peer urls not provided";
    pub const MEMBER_ID: &str = "member ID is not provided";
    pub const SNAPSHOT_SAVE: &str = "snapshot save expects one argument";
    pub const SNAPSHOT_RESTORE: &str = "snapshot restore requires exactly one argument";

    /// `--lease=zzz` on put.
    pub fn bad_lease_id(arg: &str) -> String {
        format!("bad lease ID (strconv.ParseInt: parsing \"{arg}\": invalid syntax), expecting ID in Hex")
    }

    /// A bad id for lease revoke/timetolive/keep-alive.
    pub fn bad_lease_id_arg(arg: &str) -> String {
        format!("bad lease ID arg (strconv.ParseInt: parsing \"{arg}\": invalid syntax), expecting ID in Hex")
    }

    /// A bad id for member promote/remove.
    pub fn bad_member_id_arg(arg: &str) -> String {
        format!("bad member ID arg (strconv.ParseUint: parsing \"{arg}\": invalid syntax), expecting ID in Hex")
    }

    /// `lease grant abc`.
    pub fn bad_ttl(arg: &str) -> String {
        format!("bad TTL (strconv.ParseInt: parsing \"{arg}\": invalid syntax)")
    }

    /// `compact abc`.
    pub fn bad_revision(arg: &str) -> String {
        format!("strconv.ParseInt: parsing \"{arg}\": invalid syntax")
    }

    /// An unknown command. etcdctl prints this on stderr (it is not an `Error:` line alone).
    pub fn unknown_command(cmd: &str) -> String {
        format!(
            "Error: unknown command \"{cmd}\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\nError: unknown command \"{cmd}\" for \"etcdctl\"\n"
        )
    }

    /// The stderr part of an unknown flag (etcdctl also prints the command's full usage
    /// text on stdout, which we don't reproduce).
    pub fn unknown_flag(flag: &str) -> String {
        format!("Error: unknown flag: {flag}\n\nError: unknown flag: {flag}\n")
    }
}

#[cfg(test)]
mod tests;
