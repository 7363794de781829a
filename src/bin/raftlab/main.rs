//! `raftlab`: the native front end — an etcdctl-compatible console over a simulated
//! cluster, and the engine benchmark.

mod bench;
mod fuzz;
mod lesson_oracle;
mod lessons;
mod oracle;

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
    /// Live mode: real etcd 3.4 members in network namespaces (needs root), drawn by the
    /// lab's page, which this serves on 127.0.0.1 with a bridge to the real cluster.
    Live {
        /// Bootstrap members (3 or 5 is usual; at most 9 with added ones).
        #[arg(long, default_value_t = 3)]
        members: u64,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The built site (`make dist`).
        #[arg(long, default_value = "dist")]
        dist: std::path::PathBuf,
        /// Seconds the members stay after the page is closed, for it to come back.
        #[arg(long, default_value_t = 10)]
        linger: u64,
        /// Members on loopback ports, as when not root: no network faults.
        #[arg(long)]
        loopback: bool,
        /// No taps on the peer links, so no real messages in the picture.
        #[arg(long)]
        no_messages: bool,
    },
    /// The live mode's watchdog (started by `live` itself): cleans up after the live
    /// process with this pid, however it ends.
    #[command(hide = true)]
    LiveGuard { pid: u32 },
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
    /// Lesson files: validate them, play them headless, or play them on real etcd.
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
    /// The real-etcd oracle: scenarios played on a real etcd 3.4 cluster and on the lab,
    /// etcdctl's output compared step by step (tests/oracle/).
    Oracle {
        #[command(subcommand)]
        command: OracleCmd,
        /// The oracle's directory: scenarios, fixtures in etcd/, seeds.txt, differences.txt.
        #[arg(long, default_value = "tests/oracle", global = true)]
        dir: std::path::PathBuf,
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
    /// Plays each lesson's actions on a real etcd 3.4 cluster (root; etcd, etcdctl, ip) and
    /// checks there every expect, wait until and goal that etcdctl can observe; prints each
    /// lesson's held, failed and lab-only checks and writes the table to --out.
    Oracle {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// The lessons to play: en, zh or all. The other translations are checked to play
        /// exactly as these, so one language judges both.
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long, default_value = "tests/oracle/LESSONS.md")]
        out: std::path::PathBuf,
        /// Failures explained: `<file>:<line> <reason>` per line.
        #[arg(long, default_value = "tests/oracle/lessons-known.txt")]
        known: std::path::PathBuf,
        /// Also print every check that held, with the real values seen.
        #[arg(long, short)]
        verbose: bool,
        /// Keep each lesson's directory (member logs, data) even when it went well.
        #[arg(long)]
        keep: bool,
    },
}

#[derive(Subcommand)]
enum OracleCmd {
    /// Plays scenarios on a real etcd cluster (root; etcd, etcdctl, ip) and writes their
    /// fixtures to <dir>/etcd/<name>.txt. No names: every scenario.
    Record {
        scenarios: Vec<String>,
        /// Keep each scenario's directory (member logs, data) even when it went well.
        #[arg(long)]
        keep: bool,
    },
    /// Compares the fixtures with the lab at the fitted seeds; prints a table and every
    /// unexplained difference. Needs no etcd.
    Compare {
        scenarios: Vec<String>,
        /// Also write <dir>/RESULTS.md.
        #[arg(long)]
        write: bool,
    },
    /// Chooses each scenario's lab seed (1 to 1024) by how many etcdctl steps match its
    /// fixture, and writes <dir>/seeds.txt.
    Fit {
        scenarios: Vec<String>,
        /// Threads to play seeds on.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
    /// Records the scenarios on real etcd into a temporary directory and compares them at
    /// once, with the lab and with the committed fixtures.
    Live { scenarios: Vec<String> },
    /// Prints the lab's transcript of one scenario (at its fitted seed, or --seed), in the
    /// fixtures' form.
    Lab {
        scenario: String,
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// mimalloc hands pages that empty back to the OS a little later (`purge_delay`), and the
/// engine's windowed trace empties pages all the time: in a full-trace put run, 40% of the
/// time went to the kernel zeroing pages faulted back in. The site's allocator (dlmalloc in
/// wasm32) never gives memory back, so the binary keeps freed pages too.
fn keep_freed_pages() {
    use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};
    // `mi_option_purge_delay` in mimalloc v2 and v3 alike; its default is 10 ms in v2 and
    // 1000 ms in v3. Checking for a default first leaves the allocator alone should a new
    // version renumber it.
    const PURGE_DELAY: mi_option_t = 15;
    // SAFETY: plain option calls into the allocator, made before any thread is started.
    unsafe {
        if matches!(mi_option_get(PURGE_DELAY), 10 | 1000) {
            mi_option_set(PURGE_DELAY, -1);
        }
    }
}

fn main() {
    keep_freed_pages();
    let cli = Cli::parse();
    match cli.command {
        Cmd::Lesson { command: LessonCmd::Check { paths } } => std::process::exit(lessons::check(&paths)),
        Cmd::Lesson { command: LessonCmd::Run { paths } } => std::process::exit(lessons::run(&paths)),
        Cmd::Lesson { command: LessonCmd::Oracle { paths, lang, out, known, verbose, keep } } => {
            std::process::exit(lesson_oracle::run(&paths, &lang, &out, &known, verbose, keep))
        }
        Cmd::Fuzz { seeds, steps, nodes, start_seed, serializable_reads } => {
            std::process::exit(fuzz::run(seeds, steps, nodes.clamp(3, 9), start_seed, serializable_reads))
        }
        Cmd::FuzzInputs { cases, seed } => std::process::exit(fuzz::inputs(cases, seed)),
        Cmd::Console { nodes, seed, config } => std::process::exit(repl::run(nodes, seed, config)),
        Cmd::Oracle { command, dir } => std::process::exit(match command {
            OracleCmd::Record { scenarios, keep } => oracle::record(&dir, &scenarios, keep),
            OracleCmd::Compare { scenarios, write } => oracle::compare(&dir, &scenarios, write),
            OracleCmd::Fit { scenarios, jobs } => oracle::fit(&dir, &scenarios, jobs),
            OracleCmd::Live { scenarios } => oracle::live(&dir, &scenarios),
            OracleCmd::Lab { scenario, seed } => oracle::lab(&dir, &scenario, seed),
        }),
        Cmd::Live { members, port, dist, linger, loopback, no_messages } => {
            let o = raftlab::live::run::Options {
                members,
                port,
                dist,
                linger: std::time::Duration::from_secs(linger),
                loopback,
                no_messages,
            };
            if let Err(e) = raftlab::live::run::run(o) {
                eprintln!("raftlab live: {e}");
                std::process::exit(1);
            }
        }
        Cmd::LiveGuard { pid } => std::process::exit(raftlab::live::guardian::watch(pid)),
        Cmd::Bench { runs, quick, json } => {
            let opts = if quick { Options::quick() } else { Options { runs: runs.max(1), ..Options::default() } };
            std::process::exit(bench::run(&opts, json.as_deref()))
        }
    }
}
