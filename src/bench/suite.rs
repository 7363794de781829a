//! Every figure of the benchmark table, each the median of several runs next to the
//! baseline it is compared with, measured in one invocation.
//!
//! Contract: `run` measures natively or as WASM alike (the caller brings the clock and the
//! heap meter) and returns the samples; `Measure::line` prints one as
//! `bench <name> <median> <unit> [runs]` and `to_json` gives them all to `bench/table.mjs`,
//! which writes `bench/RESULTS.md`. Runs of different ways interleave, so machine noise
//! falls on all of them alike.

use serde::Serialize;

use super::puts::{bare, engine, stores_only, Workload};
use super::steady::{steady_run, STEADY_RATE};
use super::{median, Clock, Figures};
use crate::engine::{Cluster, ClusterConfig, Replayer, Run, TraceMode};
use crate::lab::{Lab, PLAY_SLICE_MS};

/// A counter read from the allocator: live heap bytes, or allocations made so far.
pub type Meter<'a> = &'a dyn Fn() -> u64;

#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    pub name: &'static str,
    pub unit: &'static str,
    pub runs: Vec<f64>,
    pub median: f64,
}

impl Measure {
    fn new(name: &'static str, unit: &'static str, runs: Vec<f64>) -> Measure {
        Measure { name, unit, median: median(&runs), runs }
    }

    pub fn line(&self) -> String {
        let runs: Vec<String> = self.runs.iter().map(|r| format!("{r:.3}")).collect();
        format!("bench {} {:.3} {} [{}]", self.name, self.median, self.unit, runs.join(" "))
    }
}

/// What to measure; `quick` shrinks every workload (a smoke test, not figures).
#[derive(Clone, Debug)]
pub struct Options {
    pub runs: usize,
    pub puts: Workload,
    /// Simulated seconds of the fast-forward (an hour) and of the step-back run (10 min).
    pub hour_s: u64,
    pub rewind_run_s: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { runs: 5, puts: Workload::default(), hour_s: 3600, rewind_run_s: 600 }
    }
}

impl Options {
    pub fn quick() -> Self {
        Options {
            runs: 1,
            puts: Workload { single_puts: 200, batched_puts: 1000, ..Workload::default() },
            hour_s: 20,
            rewind_run_s: 20,
        }
    }
}

/// The lab's own defaults, five members: what a learner gets when opening the site.
pub fn lab_config() -> ClusterConfig {
    ClusterConfig { nodes: 5, seed: 1, ..ClusterConfig::default() }
}

/// Every figure; `meter` reads live heap bytes and `count` allocations made; `progress` sees
/// each line as soon as it is measured.
pub fn run(
    opts: &Options,
    clock: Clock,
    meter: Meter,
    count: Meter,
    progress: &mut dyn FnMut(&Measure),
) -> Vec<Measure> {
    let mut out = Vec::new();
    let mut emit = |m: Measure, out: &mut Vec<Measure>| {
        progress(&m);
        out.push(m);
    };
    let n = opts.runs.max(1);

    let (mut b, mut e, mut h, mut s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        b.push(bare(&opts.puts, clock, count));
        e.push(engine(&opts.puts, TraceMode::Full, clock, count));
        h.push(engine(&opts.puts, TraceMode::HashOnly, clock, count));
        s.push(stores_only(&opts.puts, clock, count));
    }
    let ops = |v: &[Figures]| v.iter().map(Figures::ops_per_sec).collect::<Vec<_>>();
    emit(Measure::new("puts.bare", "ops/s", ops(&b)), &mut out);
    emit(Measure::new("puts.engine", "ops/s", ops(&e)), &mut out);
    emit(Measure::new("puts.engine_hash_only", "ops/s", ops(&h)), &mut out);
    emit(Measure::new("puts.stores_only", "ops/s", ops(&s)), &mut out);
    // Allocation counts do not vary between runs; they are listed per run all the same.
    let per_put = |v: &[Figures]| v.iter().map(Figures::allocations_per_op).collect::<Vec<_>>();
    emit(Measure::new("puts.bare_allocations", "per put", per_put(&b)), &mut out);
    emit(Measure::new("puts.engine_allocations", "per put", per_put(&e)), &mut out);
    emit(Measure::new("puts.stores_allocations", "per put", per_put(&s)), &mut out);

    // One simulated hour at the lab's defaults, trace kept (windowed); then what the lab's
    // rewind checkpoint holds after it, a hash-only replay of the same actions with no
    // action log of its own, timed too (the hour without the trace's cost). Both together
    // are the lab's heap after the hour.
    let (mut full, mut hashed, mut heap, mut lab_heap, mut idle) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let before = meter();
        let fresh = steady_run(lab_config(), TraceMode::Full, 0, STEADY_RATE);
        idle.push((meter() - before) as f64 / MB);
        drop(fresh);
        let before = meter();
        let t = clock();
        let c = steady_run(lab_config(), TraceMode::Full, opts.hour_s, STEADY_RATE);
        full.push(clock() - t);
        heap.push(meter().saturating_sub(before) as f64 / MB);
        let t = clock();
        let checkpoint = checkpoint_of(&c);
        hashed.push(clock() - t);
        lab_heap.push(meter().saturating_sub(before) as f64 / MB);
        drop((c, checkpoint));
    }
    emit(Measure::new("hour.trace_on", "s", full), &mut out);
    emit(Measure::new("hour.hash_only", "s", hashed), &mut out);
    emit(Measure::new("hour.heap", "MB", heap), &mut out);
    emit(Measure::new("hour.heap_with_checkpoint", "MB", lab_heap), &mut out);
    emit(Measure::new("fresh.heap", "MB", idle), &mut out);

    // Step back one play slice at the end of a 10-minute run, against replaying it all.
    let (mut back, mut replay) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let c = steady_run(lab_config(), TraceMode::Full, opts.rewind_run_s, STEADY_RATE);
        let run = Run::of(&c);
        drop(c);
        let mut lab = Lab::from_run(&run).expect("the steady run replays");
        lab.settle();
        let target = lab.now_ms() - PLAY_SLICE_MS;
        let t = clock();
        lab.step_back(PLAY_SLICE_MS).expect("step back");
        back.push((clock() - t) * 1000.0);
        assert_eq!(lab.now_ms(), target, "the step back lands one slice earlier");
        let t = clock();
        let c = run.replay_to(target, TraceMode::Full).expect("replay");
        replay.push((clock() - t) * 1000.0);
        assert_eq!(c.trace_hash(), lab.session().cluster().trace_hash(), "both ways reach the same state");
    }
    emit(Measure::new("rewind.step_back", "ms", back), &mut out);
    emit(Measure::new("rewind.replay_from_start", "ms", replay), &mut out);

    // The lab as the browser drives it: play slices and console puts through `Lab`, so
    // everything the lab does per frame on top of the engine (notes, transcript, the
    // safety checker) is in the figure.
    let mut play = Vec::new();
    for _ in 0..n {
        let mut lab = Lab::new(lab_config()).expect("the lab's defaults are valid");
        let t = clock();
        lab_play(&mut lab, LAB_PLAY_S);
        play.push(clock() - t);
    }
    emit(Measure::new("lab.play", "s", play), &mut out);
    out
}

/// `seconds` of simulated time in play slices, a console put every second slice (10 puts
/// per simulated second, the steady rate).
pub fn lab_play(lab: &mut Lab, seconds: u64) {
    for i in 0..seconds * 1000 / PLAY_SLICE_MS {
        if i % 2 == 0 {
            lab.console(&format!("put key{:03} value-{i:08}", i % 100));
        }
        lab.play(PLAY_SLICE_MS);
    }
}

const MB: f64 = 1024.0 * 1024.0;

/// Simulated seconds `lab.play` plays.
pub const LAB_PLAY_S: u64 = 120;

/// The lab's rewind checkpoint for `c`'s run, caught up: every action but the last, which
/// has no successor to say it ended.
pub fn checkpoint_of(c: &Cluster) -> Replayer {
    let mut cp = Replayer::checkpoint(c.config().clone()).expect("the run's config is valid");
    cp.advance(c.actions(), c.now_ms(), usize::MAX).expect("the run replays");
    assert_eq!(cp.position() + 1, c.actions().len(), "the checkpoint caught up with the run");
    cp
}

pub fn to_json(target: &str, measures: &[Measure]) -> String {
    serde_json::json!({ "target": target, "measures": measures }).to_string()
}

/// The median of the named figure.
pub fn median_of(measures: &[Measure], name: &str) -> Option<f64> {
    measures.iter().find(|m| m.name == name).map(|m| m.median)
}

/// Each figure against its baseline from the same invocation, in words.
pub fn ratios(measures: &[Measure]) -> Vec<String> {
    let m = |n| median_of(measures, n).unwrap_or(f64::NAN);
    vec![
        format!("ratio engine / bare raft-rs (ops/s): {:.2} (target >= 0.5)", m("puts.engine") / m("puts.bare")),
        format!("ratio engine hash-only / bare raft-rs (ops/s): {:.2}", m("puts.engine_hash_only") / m("puts.bare")),
        format!(
            "ratio bound from the stores alone, bare / (bare + stores): {:.2}",
            (1.0 / m("puts.bare")) / (1.0 / m("puts.bare") + 1.0 / m("puts.stores_only"))
        ),
        format!(
            "ratio engine / bare raft-rs (allocations per put): {:.2} (target <= 1.5)",
            m("puts.engine_allocations") / m("puts.bare_allocations")
        ),
        format!(
            "ratio full trace / hash-only (time per put): {:.2} (target <= 1.3)",
            m("puts.engine_hash_only") / m("puts.engine")
        ),
        format!("ratio hour trace on / hash only: {:.2}", m("hour.trace_on") / m("hour.hash_only")),
        format!("ratio step back / replay from start: {:.3}", m("rewind.step_back") / m("rewind.replay_from_start")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suite's own checks run (both rewinds reach the same hash, both hour modes run
    /// the same hour) and every figure the table reads is there, once per run.
    #[test]
    fn the_quick_suite_gives_every_figure_the_table_reads() {
        let clock = || 0.0;
        let meter = || 0;
        let mut lines = Vec::new();
        let got = run(&Options::quick(), &clock, &meter, &meter, &mut |m| lines.push(m.line()));
        let names: Vec<&str> = got.iter().map(|m| m.name).collect();
        assert_eq!(
            names,
            [
                "puts.bare",
                "puts.engine",
                "puts.engine_hash_only",
                "puts.stores_only",
                "puts.bare_allocations",
                "puts.engine_allocations",
                "puts.stores_allocations",
                "hour.trace_on",
                "hour.hash_only",
                "hour.heap",
                "hour.heap_with_checkpoint",
                "fresh.heap",
                "rewind.step_back",
                "rewind.replay_from_start",
                "lab.play",
            ]
        );
        assert!(got.iter().all(|m| m.runs.len() == 1));
        assert_eq!(lines.len(), names.len(), "each figure is printed as it is measured");
        assert_eq!(lines[11], "bench fresh.heap 0.000 MB [0.000]", "a meter that reads 0 gives 0 MB");
        assert_eq!(lines[5], "bench puts.engine_allocations 0.000 per put [0.000]", "a counter that reads 0");
        assert!(to_json("native", &got).starts_with("{\"measures\":[{\"median\""));
    }
}
