//! The real side: a scenario played on a real etcd 3.4 cluster of member processes in
//! network namespaces, with the real etcdctl (native only, root only).
//!
//! Layout: `netns` (namespaces, links, cut and heal, cleanup), `cluster` (member
//! processes), `etcdctl` (running etcdctl), `guard` (one run at a time, cleanup on
//! Ctrl-C), `ops` (what both players do alike: endpoints, status, restore), `run` (a
//! scenario to a transcript), `session` (a cluster driven one command at a time: lessons).

mod cluster;
mod etcdctl;
mod guard;
mod netns;
mod ops;
pub mod place;
mod run;
mod session;
pub mod tap;

pub use etcdctl::Captured;
pub use guard::{clean_after_dead_run, dirs_are_removed, kill_group, set_watchdog};
pub use netns::{member_addr, CLIENT_NS};
pub use ops::{with_ports, Status};
pub use run::{prerequisites, run, RunError};
pub use session::{shape, Session, Shape};
