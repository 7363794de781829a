//! Workloads the benchmark table measures, shared by `raftlab bench` (native) and
//! `examples/bench_wasi.rs` (the same code as WASM, in headless Chromium and Node).
//!
//! Contract: nothing here reads a clock or the allocator by itself: the caller passes a
//! `Clock` and a `Meter`, so the figures mean the same on every target. The workloads are
//! deterministic (fixed seeds, no hash iteration); only their timings vary.
//!
//! Layout: `puts` (engine vs a bare raft-rs loop vs bare stores), `steady` (a steady client
//! load over simulated time), `alloc` (a counting allocator for memory figures), `suite`
//! (every figure, median of several runs, with its baseline from the same invocation).

pub mod alloc;
pub mod puts;
pub mod steady;
pub mod suite;

/// Seconds since some fixed instant.
pub type Clock<'a> = &'a dyn Fn() -> f64;

/// What one timed run did.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub ops: u64,
    pub messages: u64,
    pub secs: f64,
    /// Heap allocations during the timed part (0 when nothing counts them).
    pub allocations: u64,
}

impl Figures {
    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.secs.max(1e-9)
    }
    pub fn msgs_per_sec(&self) -> f64 {
        self.messages as f64 / self.secs.max(1e-9)
    }
    pub fn allocations_per_op(&self) -> f64 {
        self.allocations as f64 / self.ops.max(1) as f64
    }
}

/// The median of some samples (the upper one of an even count).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
