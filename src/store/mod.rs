//! etcd v3 semantics as etcd 3.4 behaves: an MVCC key-value store with revisions, ranges,
//! txns, leases, watches' history, compaction, a quota with alarms, and snapshots.
//!
//! Contract: the store knows nothing about raft. `Store::apply` is a pure function of the
//! store and the request (plus the logical time for lease expiry), so every member that
//! applies the same log reaches the same state.

mod types;
pub use types::*;
