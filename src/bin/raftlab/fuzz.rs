//! `raftlab fuzz`: the fault-injection soak from the command line.
//!
//! Contract: runs seeds `start..start+seeds`, each `steps` actions long, and prints seeds/s,
//! steps/s and a last line `N seeds, M steps, V violations`. For each violation it prints
//! the seed, the failing invariant and its evidence, the schedule shrunk to the actions that
//! matter, and a share URL that replays it in the site. Exits 1 if there was any.

use std::time::Instant;

use raftlab::engine::{Action, ClientOp};
use raftlab::fuzz::{self, shrink::shrink};
use raftlab::lab::share;

/// Where `make serve` puts the site; the fragment is what matters.
const SITE: &str = "http://127.0.0.1:8080/";

pub fn run(seeds: u64, steps: u64, nodes: u64, start: u64, serializable: bool) -> i32 {
    fuzz::capture_panics();
    let t = Instant::now();
    let (mut total_steps, mut violations, mut ops, mut undecided) = (0u64, 0u64, 0usize, 0usize);
    for seed in start..start.saturating_add(seeds) {
        let r = fuzz::run_seed_with(seed, steps, nodes, serializable);
        total_steps += r.steps;
        ops += r.ops;
        undecided += r.undecided;
        let Some(f) = r.failure else { continue };
        violations += 1;
        let cfg = fuzz::config(seed, nodes);
        let small = shrink(&cfg, &f.actions, &f.invariant, serializable, 400);
        println!("VIOLATION seed {seed}: {} violated: {}", f.invariant, f.detail);
        println!("  schedule shrunk from {} to {} actions:", f.actions.len(), small.len());
        for a in &small {
            println!("    {}", words(a));
        }
        if let Some((_, detail)) = fuzz::replay(&cfg, &small, serializable) {
            println!("  which fails with: {detail}");
        }
        if let Some(run) = fuzz::run_of(&cfg, &small) {
            println!("  replay: {SITE}#{}", share::encode(&run));
        }
    }
    let secs = t.elapsed().as_secs_f64().max(1e-9);
    println!(
        "{:.1} seeds/s, {:.0} steps/s, {ops} client operations checked for linearizability ({undecided} keys undecided), {:.1} s",
        seeds as f64 / secs,
        total_steps as f64 / secs,
        secs
    );
    println!("{seeds} seeds, {total_steps} steps, {violations} violations");
    i32::from(violations > 0)
}

/// An action in the console's words where it has them (`n2: put k5 v17`).
fn words(a: &Action) -> String {
    let t = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match a {
        Action::Client { endpoint, op, .. } => {
            let what = match &**op {
                ClientOp::Put(p) if p.lease != 0 => format!("put {} {} --lease={:x}", t(&p.key), t(&p.value), p.lease),
                ClientOp::Put(p) => format!("put {} {}", t(&p.key), t(&p.value)),
                ClientOp::Range(r) if r.serializable => format!("get {} --consistency=s", t(&r.key)),
                ClientOp::Range(r) => format!("get {}", t(&r.key)),
                ClientOp::DeleteRange(d) => format!("del {}", t(&d.key)),
                other => format!("{other:?}"),
            };
            format!("n{endpoint}: {what}")
        }
        other => format!("{other:?}"),
    }
}

/// One input fuzzer: (seed, cases) to the number rejected, or the broken promise.
type InputFuzzer = fn(u64, u64) -> Result<u64, String>;

/// `raftlab fuzz-inputs`: the three parsers, `cases` random inputs each.
pub fn inputs(cases: u64, seed: u64) -> i32 {
    let runs: [(&str, InputFuzzer); 3] = [
        ("console lines", fuzz::inputs::console),
        ("lesson files", fuzz::inputs::lessons),
        ("URL fragments", fuzz::inputs::urls),
    ];
    let mut failed = false;
    for (what, run) in runs {
        let t = Instant::now();
        match run(seed, cases) {
            Ok(rejected) => println!(
                "{what}: {cases} cases in {:.1} s, {rejected} rejected with a message, no panic",
                t.elapsed().as_secs_f64()
            ),
            Err(e) => {
                println!("{what}: FAILED: {e}");
                failed = true;
            }
        }
    }
    i32::from(failed)
}
