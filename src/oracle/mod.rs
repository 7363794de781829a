//! The oracle: scenario files played on a real etcd 3.4.23 cluster and on the lab, and
//! etcdctl's output compared step by step, to hold the lab to "every reply is what etcd
//! would say".
//!
//! Contract: the pure parts (scenario, transcript, mask, compare, fit, suite, results)
//! need no etcd and run anywhere; `real` spawns etcd and etcdctl in network namespaces
//! and exists only natively. Layered above `console`: the lab side is a
//! `console::Session` fed the scenario's lines.
//!
//! Layout: `scenario` (the file format), `transcript` (a run's record and its text),
//! `vars` (`$lease`, `$member(nK)`), `lab_side` and `real` (the two players), `mask`
//! (every masking rule), `compare` (step by step), `fit` (seed fitting: election luck),
//! `known` (the committed files), `suite` (all scenarios against the known
//! differences), `results` (the table and RESULTS.md), `lessons` (every lesson's actions
//! and checks on real etcd: `raftlab lesson oracle`).

pub mod compare;
pub mod fit;
pub mod known;
pub mod lab_side;
#[cfg(not(target_arch = "wasm32"))]
pub mod lessons;
pub mod mask;
#[cfg(not(target_arch = "wasm32"))]
pub mod real;
pub mod results;
pub mod scenario;
pub mod suite;
pub mod transcript;
pub mod vars;
