//! # Raft Lab
//!
//! A real etcd-style cluster that runs deterministically, natively and in WebAssembly. Each
//! member is a [`raft::RawNode`] from raft-rs plus an MVCC store with etcd v3 semantics; a
//! simulated network joins them; a seed, a config and a list of actions replay bit for bit.
//!
//! This page walks the crate the way data flows through it, one layer at a time, lowest
//! first. A module may use its own layer and the ones below it, never one above or beside
//! it (`tests/layers.rs` fails on any `use` that runs back up):
//!
//! ```text
//! store → engine → history → console (+ kube) → lab → lesson → ui → bin
//!                                                           ↘ oracle, fuzz, bench ↗
//! ```
//!
//! ## 1. The store: etcd's semantics with no Raft in sight
//!
//! [`store::Store`] is etcd's key space: revisions, a key's versions, ranges, transactions,
//! leases, compaction, the quota and its alarm. `Store::apply(request, now)` is a pure
//! function of the store, so members that apply the same log agree, and the invariant checks
//! can compare them byte for byte.
//!
//! ## 2. The engine: members, a network and a clock
//!
//! [`engine::Cluster`] holds the members, the links and a logical clock. Everything that
//! happens to it is an [`engine::Action`]: kill a member, cut a link, let time pass, send a
//! client request. [`engine::Cluster::apply`] validates the action first (a rejected action
//! changes nothing), then acts, and appends what happened to the trace: every raft-rs message
//! sent, delivered or dropped, every role change, entry and reply.
//!
//! ```
//! use raftlab::engine::{Action, Cluster, ClusterConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut cluster = Cluster::new(ClusterConfig { nodes: 3, seed: 7, ..ClusterConfig::default() })?;
//! cluster.apply(Action::Advance(2_000))?; // two simulated seconds: an election
//! let leader = cluster.leader().expect("a leader after two seconds");
//!
//! cluster.apply(Action::Kill(leader))?;
//! cluster.apply(Action::Advance(3_000))?;
//! let next = cluster.leader().expect("the survivors elect another");
//! assert_ne!(next, leader);
//! # Ok(())
//! # }
//! ```
//!
//! Each member runs raft-rs's Ready loop in the documented order (`engine::node`): send
//! messages, install a snapshot, apply committed entries, persist, advance. The engine never
//! reads the wall clock or OS randomness: one seed feeds named streams, and the election
//! timeout raft-rs draws from `thread_rng` is overwritten from the seed before anything sees
//! it. So the same run gives the same trace hash on every machine, natively and in wasm32:
//!
//! ```
//! use raftlab::engine::{Action, ClusterConfig, Run, TraceMode};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let run = Run {
//!     config: ClusterConfig { nodes: 5, seed: 11, ..ClusterConfig::default() },
//!     actions: vec![Action::Advance(1_500), Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]), Action::Advance(4_000)],
//! };
//! let a = run.replay(TraceMode::Full)?;
//! let b = run.replay(TraceMode::Full)?;
//! assert_eq!(a.trace_hash(), b.trace_hash());
//! # Ok(())
//! # }
//! ```
//!
//! Views ([`engine::ClusterView`]) describe a cluster as plain structs; front ends
//! draw those and never reach into a member.
//!
//! ## 3. History: was it linearizable?
//!
//! [`history`] reads the clients' operations back out of the trace and checks them with a
//! Wing–Gong/Porcupine search, per key, so a stale read from a cut-off minority is caught and
//! explained.
//!
//! ## 4. The console: etcdctl's words and etcdctl's answers
//!
//! [`console::session::Session`] turns a line of `etcdctl` (or a lab word such as `kill`,
//! `partition` or `run 2s`) into actions, plays the cluster until the reply arrives, and
//! prints what etcdctl 3.4 prints, byte for byte. The `kube` words ([`kube`]) make the
//! requests kube-apiserver makes, at the same layer.
//!
//! ```
//! use raftlab::console::session::Session;
//! use raftlab::engine::ClusterConfig;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut s = Session::new(ClusterConfig { nodes: 3, seed: 1, ..ClusterConfig::default() })?;
//! s.run_line("run 2s");
//! assert_eq!(s.run_line("put greeting hello").stdout, "OK\n");
//! assert_eq!(s.run_line("get greeting --print-value-only").stdout, "hello\n");
//! # Ok(())
//! # }
//! ```
//!
//! ## 5. The lab: one run, with time travel
//!
//! [`lab::Lab`] is a session the way a person drives it: play in slices, step to the next
//! message, step back, seek. raft-rs's `RawNode` cannot be cloned, so stepping back replays
//! the run from a checkpoint that trails the present. [`lab::share`] packs a run into a URL
//! fragment, and [`lab::course`] reads what a course's link or iframe asks for.
//! [`lab::safety`] runs the engine's invariant checker after everything the lab applies, so
//! the four Raft safety properties are checked live, and survives rewinds without false
//! alarms.
//!
//! ## 6. Lessons, the tools, and the front ends
//!
//! - [`lesson`] parses lesson files (TOML front matter, Markdown narration, `lab` blocks,
//!   `expect` conditions) and plays them against a `Lab`, headless or in the browser.
//! - [`oracle`] runs the same scenarios and lessons against real etcd 3.4 members in network
//!   namespaces and compares the answers; [`fuzz`] drives random fault schedules and inputs
//!   through the invariant checks; [`bench`](mod@bench) measures the engine against a bare raft-rs loop.
//! - [`ui`] is the browser: its words (English and zh-CN) and geometry natively, and the Yew
//!   components in `ui::web` on wasm32. The `raftlab` binary is the CLI.

pub mod bench;
pub mod console;
pub mod engine;
pub mod fuzz;
pub mod history;
pub mod kube;
pub mod lab;
pub mod lesson;
// Live mode runs real etcd processes: native only (its words, `lab::live`, are everywhere).
#[cfg(not(target_arch = "wasm32"))]
pub mod live;
pub mod oracle;
pub mod store;
pub mod ui;
