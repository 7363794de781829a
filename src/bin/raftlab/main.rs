//! `raftlab`: the native front end — an etcdctl-compatible console over a simulated
//! cluster, and the engine benchmark.

mod bench;
mod fuzz;
mod lessons;

// glibc malloc fragments badly under the engine's many short-lived messages; both the engine
// and the bare loop in `bench` run on this allocator. The counting wrapper gives the
// benchmark its heap figures (two relaxed atomic adds per allocation).
#[global_allocator]
static ALLOC: raftlab::bench::alloc::Counting<mimalloc::MiMalloc> =
    raftlab::bench::alloc::Counting::new(mimalloc::MiMalloc);
mod repl;

use clap::{Parser, Subcommand};
use raftlab::bench::suite::Options;

#[derive(Parser)]
#[command(
    name = "raftlab",
    version,
    about = "A real etcd-style cluster (raft-rs + etcd v3 semantics), simulated deterministically"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// An etcdctl-compatible console: reads lines from stdin, prints etcd's answers.
    Console {
        /// Initial voters, n1..=nodes (1 to 9).
        #[arg(long, default_value_t = 3)]
        nodes: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A JSON file with cluster settings (the fields of ClusterConfig); --nodes and
        /// --seed override it.
        #[arg(long)]
        config: Option<std::path::PathBuf>,
    },
    /// Lesson files: validate them, or play them headless.
    Lesson {
        #[command(subcommand)]
        command: LessonCmd,
    },
    /// The fault-injection soak: random schedules, every invariant after every step.
    Fuzz {
        #[arg(long, default_value_t = 200)]
        seeds: u64,
        #[arg(long, default_value_t = 2000)]
        steps: u64,
        /// The largest cluster drawn (seeds use 3 to this many members).
        #[arg(long, default_value_t = 5)]
        nodes: u64,
        #[arg(long, default_value_t = 0)]
        start_seed: u64,
        /// Also hold serializable reads to linearizability. They are not linearizable, so
        /// this finds violations: a way to see the checker and the shrinker work.
        #[arg(long)]
        serializable_reads: bool,
    },
    /// Random input for the console parser, the lesson parser and the URL decoders: no
    /// panic, a message for every rejection, and a refused console line changes nothing.
    FuzzInputs {
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The benchmark suite: engine vs a bare raft-rs Ready loop, an hour of steady load
    /// (time and heap), and step-back latency; each figure the median of `--runs` runs.
    Bench {
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Tiny workloads: checks the suite runs, the figures mean nothing.
        #[arg(long)]
        quick: bool,
        /// Also write the figures as JSON (for `bench/table.mjs`).
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum LessonCmd {
    /// Checks lesson files (or directories of them); prints file:line:col for each error.
    Check {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Plays each lesson from its seed, performing the your-turn solutions, and prints
    /// each step's result; exits non-zero if any check fails.
    Run {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Lesson { command: LessonCmd::Check { paths } } => std::process::exit(lessons::check(&paths)),
        Cmd::Lesson { command: LessonCmd::Run { paths } } => std::process::exit(lessons::run(&paths)),
        Cmd::Fuzz { seeds, steps, nodes, start_seed, serializable_reads } => {
            std::process::exit(fuzz::run(seeds, steps, nodes.clamp(3, 9), start_seed, serializable_reads))
        }
        Cmd::FuzzInputs { cases, seed } => std::process::exit(fuzz::inputs(cases, seed)),
        Cmd::Console { nodes, seed, config } => std::process::exit(repl::run(nodes, seed, config)),
        Cmd::Bench { runs, quick, json } => {
            let opts = if quick { Options::quick() } else { Options { runs: runs.max(1), ..Options::default() } };
            std::process::exit(bench::run(&opts, json.as_deref()))
        }
    }
}
