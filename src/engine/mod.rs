//! The deterministic cluster: raft-rs nodes, each with an etcd store, joined by a simulated
//! network, driven by `Action`s on a logical clock.
//!
//! Contract:
//! - `Cluster::apply(action)` is the only way state changes; a rejected action changes nothing
//!   and says why with an `ActionError` variant (`error.rs`), whose text is the learner's.
//! - The same `ClusterConfig` (with its seed) and the same actions give the same trace hash,
//!   natively and in wasm32: no wall clock, no OS randomness, no hash-order iteration.
//! - Views (`Cluster::view`, `NodeView`, …) are plain structs derived on demand; the engine
//!   knows nothing about how they are drawn.

mod action;
mod client;
mod cluster;
mod config;
mod decoded;
mod dirty;
mod disk;
mod duties;
mod entries;
mod error;
mod event_loop;
mod fsync;
pub mod ids;
pub mod invariants;
mod kube_compactor;
pub use kube_compactor::{compact_round_txn, COMPACT_REV_KEY};
mod logger;
mod maintenance;
mod members;
pub(crate) mod message;
mod network;
mod node;
mod perf;
mod proposal;
mod recipes;
mod replay;
mod request_table;
mod requests;
mod restore;
mod rng;
mod sent;
mod slots;
mod streams;
mod trace;
mod validate;
mod view;

/// A node's raft id: 1..=9, shown as `n1`…`n9`.
pub type NodeId = u64;

pub use action::Action;
pub use client::{
    ClientError, ClientOp, ClientReply, ClientResult, EndpointStatusInfo, KeepAliveTick, MemberInfo, PerfOp,
    PerfReport, RecipeKind, RecipeOp, ResponseHeader, WatchBatch,
};
pub use cluster::{ActionError, Cluster};
pub use config::{ClusterConfig, ConfigError, MAX_NODES};
pub use logger::RaftLogLine;
pub use message::{entry_summary, EntryView, MessageView, MsgSummary, SnapshotMetaView};
pub use proposal::{Proposal, RequestSummary};
pub use recipes::{RecipeOutput, RecipeSaid, INTERNAL_REQ_BASE};
pub use replay::{resume_to, Cursor, Replayer, Run};
pub use rng::{SimRng, Stream};
pub use trace::{fnv1a, DropReason, Role, Trace, TraceEvent, TraceMode, TraceRecord};
pub use view::{ClusterView, InFlightView, LinkView, NodeView};
