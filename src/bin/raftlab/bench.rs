//! `raftlab bench`: the benchmark suite natively (`raftlab::bench::suite`), one line per
//! figure, optionally as JSON for `bench/table.mjs`.
//!
//! Contract: every figure comes from this one process, measured with the real clock and
//! the counting allocator this binary installs; the library brings the workloads.

use std::time::Instant;

use raftlab::bench::suite::{self, Options};

use super::ALLOC;

pub fn run(opts: &Options, json: Option<&std::path::Path>) -> i32 {
    let t0 = Instant::now();
    let clock = move || t0.elapsed().as_secs_f64();
    let meter = || ALLOC.live();
    let count = || ALLOC.allocations();
    println!(
        "raftlab bench (native): {} runs each; puts: {} nodes, {} single, {} in batches of {}",
        opts.runs, opts.puts.nodes, opts.puts.single_puts, opts.puts.batched_puts, opts.puts.batch
    );
    let measures = suite::run(opts, &clock, &meter, &count, &mut |m| println!("{}", m.line()));
    for line in suite::ratios(&measures) {
        println!("{line}");
    }
    if let Some(path) = json {
        if let Err(e) = std::fs::write(path, suite::to_json("native", &measures)) {
            eprintln!("raftlab bench: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    0
}
