//! Raft Lab: a real etcd-style cluster — raft-rs nodes plus an etcd v3 store — driven by a
//! deterministic simulator, so that a (seed, config, actions) triple replays bit for bit,
//! natively and in WebAssembly.
//!
//! Data flows one way: `console` turns a line into an `engine::Action`; the `engine`
//! applies it and records a trace; `views` describe the result; front ends only draw.

pub mod bench;
pub mod console;
pub mod engine;
pub mod fuzz;
pub mod history;
pub mod kube;
pub mod lab;
pub mod lesson;
pub mod oracle;
pub mod store;
pub mod ui;
