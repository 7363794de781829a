//! The real side: a scenario played on a real etcd 3.4 cluster of member processes in
//! network namespaces, with the real etcdctl (native only, root only).
//!
//! Layout: `netns` (namespaces, links, cut and heal, cleanup), `cluster` (member
//! processes), `etcdctl` (running etcdctl), `guard` (one run at a time, cleanup on
//! Ctrl-C), `run` (a scenario to a transcript).

mod cluster;
mod etcdctl;
mod guard;
mod netns;
mod run;

pub use run::{prerequisites, run, RunError};
