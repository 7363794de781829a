//! Prints a share-link fragment for a run with many puts, for the site benchmark's
//! "fluid with 10,000 entries" figure: `cargo run --release --example share_link -- 10000`.
//! The puts go in batches of 100 (send, then wait for the last), as a busy client would.
//! `-- --steady 600` instead prints ten minutes of the benchmark's steady load (10 puts/s),
//! for the step-back figure.

use raftlab::bench::steady::{steady_run, STEADY_RATE};
use raftlab::engine::{Action, ClientOp, Cluster, ClusterConfig, Run, TraceMode};
use raftlab::store::PutRequest;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--steady") {
        let secs = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(600);
        let cfg = ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() };
        let c = steady_run(cfg, TraceMode::Full, secs, STEADY_RATE);
        println!("{}", raftlab::lab::share::encode(&Run::of(&c)));
        return;
    }
    let puts: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let cfg = ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() };
    let mut c = Cluster::new(cfg).expect("default config is valid");
    c.apply(Action::Advance(3_000)).expect("advance");
    let leader = c.leader().expect("a leader after 3 s");
    let mut i = 0;
    while i < puts {
        let mut last = 0;
        for _ in 0..100.min(puts - i) {
            let req_id = c.fresh_req_id();
            let op =
                ClientOp::Put(PutRequest { key: format!("k{i}").into(), value: b"v".into(), ..PutRequest::default() });
            c.apply(Action::Client { req_id, endpoint: leader, op: op.into(), timeout_ms: None }).expect("put");
            last = req_id;
            i += 1;
        }
        c.apply(Action::AwaitReply { req_id: last, stop_at_ms: None }).expect("await");
    }
    println!("{}", raftlab::lab::share::encode(&Run::of(&c)));
}
