//! The console: etcdctl (v3) command lines and lab commands, in one grammar.
//!
//! Contract: `parse` turns a line into a typed `Command` or a one-line error and never
//! panics; `format` prints results exactly as etcdctl 3.4 does; `session` runs lines
//! against a cluster, turning each into `Action`s. A bad line leaves the cluster untouched.

mod admin;
pub mod command;
pub mod format;
pub mod help;
mod kube;
mod lab;
pub mod parse;
mod render;
mod restore;
pub mod session;
mod v2;
pub mod vocabulary;
