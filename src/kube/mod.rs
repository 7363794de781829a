//! A kube-apiserver client in the lab: kubectl-like words (`kube create pod default/web`,
//! `kube get pods -w`, `kube informer pods`) that read and write `/registry/...` keys
//! with the very etcd requests kube-apiserver sends, so a learner sees what Kubernetes
//! does to etcd, and what etcd's failures look like to kubectl.
//!
//! Contract:
//! - `command`: the parsed words (`KubeCommand`), and errors with a working example.
//! - `objects`: keys and stored manifests (readable JSON, where Kubernetes stores
//!   protobuf); resourceVersion is the key's mod_revision, set on read, never stored.
//! - `client`: the requests of each verb over any [`Etcd`] (the lab session's engine
//!   calls, or real etcdctl in the lesson oracle), and kube-apiserver's compactor.
//! - `format`: what kubectl prints.
//!
//! Nothing here reads a clock or draws a random number.

pub mod client;
pub mod command;
pub mod format;
pub mod objects;

pub use client::{event_line, Compactor, Etcd, KubeClient};
pub use command::{parse, usage, KubeCommand, KubeOutput, Target};
pub use objects::Resource;
