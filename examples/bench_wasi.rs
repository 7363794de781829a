//! The benchmark suite as a WASI program, so the very same engine code runs as WASM in
//! headless Chromium (`tests/browser/bench.mjs` gives it a small WASI shim) and in Node.
//!
//! Usage: `bench_wasi [--quick] [--runs N]`. Prints one `bench ...` line per figure, the
//! ratios, then `json {...}` with every sample. `bench_wasi --memory` only plays the hour
//! and keeps it (the cluster and the lab's checkpoint), so the caller can read the WASM
//! memory's size in a fresh instance.

use std::alloc::System;
use std::time::Instant;

use raftlab::bench::alloc::Counting;
use raftlab::bench::steady::{steady_run, STEADY_RATE};
use raftlab::bench::suite::{self, Options};
use raftlab::engine::TraceMode;

#[global_allocator]
static ALLOC: Counting<System> = Counting::new(System);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--memory") {
        let hour = Options::default().hour_s;
        let c = steady_run(suite::lab_config(), TraceMode::Full, hour, STEADY_RATE);
        let checkpoint = suite::checkpoint_of(&c);
        println!("memory live {} peak {} (bytes, after {hour} s)", ALLOC.live(), ALLOC.peak());
        drop((c, checkpoint));
        return;
    }
    let mut opts = if args.iter().any(|a| a == "--quick") { Options::quick() } else { Options::default() };
    if let Some(n) = args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)?.parse().ok()) {
        opts.runs = n;
    }
    let t0 = Instant::now();
    let clock = move || t0.elapsed().as_secs_f64();
    let meter = || ALLOC.live();
    let count = || ALLOC.allocations();
    let measures = suite::run(&opts, &clock, &meter, &count, &mut |m| println!("{}", m.line()));
    for line in suite::ratios(&measures) {
        println!("{line}");
    }
    println!("json {}", suite::to_json("wasm32", &measures));
}
