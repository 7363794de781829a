//! Live mode: the lab's page drawn over a real etcd 3.4 cluster (`raftlab live`).
//!
//! Layout: `protocol` (the bridge's events and requests: `crate::lab::live`, below the page
//! that reads them too). The rest is native only: `run` (start and stop everything), `server` (HTTP on
//! 127.0.0.1: the site, the event stream, requests), `hub` (the pages listening),
//! `bridge` (a request carried out on the real cluster), `poll` (the 10 Hz state),
//! `gateway` (a member's JSON gateway), `history` (the console's operations as a client
//! history), `guardian` (cleanup after a SIGKILL), `wire` (etcd's raft messages decoded
//! from a peer link's bytes), `messages` (those the taps saw, for the picture).

pub use crate::lab::live as protocol;

pub mod bridge;
pub mod gateway;
pub mod guardian;
pub mod history;
pub mod hub;
pub mod messages;
pub mod poll;
pub mod run;
pub mod server;
pub mod wire;
