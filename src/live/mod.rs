//! Live mode: the lab's page drawn over a real etcd 3.4 cluster (`raftlab live`).
//!
//! Layout: `protocol` (the bridge's events and requests; every target builds it, the page
//! reads it in wasm). The native side (not in wasm) starts the members, serves the site and
//! carries out what the page asks.

pub mod protocol;
