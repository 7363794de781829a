//! Determinism and time travel: the same config and actions give the same trace hash; a
//! `Run` replays to the same hash (also after a serde_json round trip); `replay_to(t)` then
//! the same later actions reproduce the original final hash (rewind = replay); console
//! lines that fail to parse or name a dead or unknown node change nothing.

use raftlab::console::session::Session;
use raftlab::engine::{Action, ClientOp, Cluster, ClusterConfig, Run, TraceMode};
use raftlab::store::{PutRequest, RangeRequest};

fn put(req_id: u64, endpoint: u64, key: &str, value: &str) -> [Action; 2] {
    let op = ClientOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() });
    [
        Action::Client { req_id, endpoint, op: op.into(), timeout_ms: None },
        Action::AwaitReply { req_id, stop_at_ms: None },
    ]
}

/// A run with elections, a crash, a partition, client writes (one timing out) and reads.
fn script() -> Vec<Action> {
    let mut a = vec![Action::Advance(3_000)];
    a.extend(put(1, 1, "x", "1"));
    a.extend(put(2, 2, "y", "2"));
    a.push(Action::Kill(3));
    a.extend(put(3, 1, "x", "3"));
    a.push(Action::Partition(vec![vec![1], vec![2, 3]]));
    a.extend(put(4, 1, "z", "lost"));
    a.push(Action::Restart(3));
    a.push(Action::Advance(2_500));
    a.push(Action::Heal);
    a.push(Action::SetLatency { base_ms: 10, jitter_ms: 5 });
    a.extend(put(5, 2, "w", "after"));
    let range = ClientOp::Range(RangeRequest { key: b"x".to_vec(), ..Default::default() });
    a.push(Action::Client { req_id: 6, endpoint: 3, op: range.into(), timeout_ms: Some(2_000) });
    a.push(Action::AwaitReply { req_id: 6, stop_at_ms: None });
    a.push(Action::Tick(15));
    a
}

fn cfg() -> ClusterConfig {
    ClusterConfig { nodes: 3, seed: 42, ..Default::default() }
}

fn run(cfg: ClusterConfig, actions: &[Action]) -> Cluster {
    let mut c = Cluster::new(cfg).unwrap();
    for a in actions {
        c.apply(a.clone()).unwrap_or_else(|e| panic!("{a:?}: {e}"));
    }
    c
}

#[test]
fn same_config_and_actions_give_the_same_hash() {
    let a = run(cfg(), &script());
    let b = run(cfg(), &script());
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.now_ms(), b.now_ms());
    assert_eq!(a.trace().len(), b.trace().len());
    assert_eq!(a.view(), b.view());
    let other = run(ClusterConfig { seed: 43, ..cfg() }, &script());
    assert_ne!(a.trace_hash(), other.trace_hash(), "the seed matters");
}

#[test]
fn a_run_replays_to_the_same_hash_also_after_a_json_round_trip() {
    let c = run(cfg(), &script());
    let r = Run::of(&c);
    assert_eq!(r.config, cfg());
    assert_eq!(r.actions, script());
    let full = r.replay(TraceMode::Full).unwrap();
    assert_eq!(full.trace_hash(), c.trace_hash());
    assert_eq!(full.trace().len(), c.trace().len());

    let json = serde_json::to_string(&r).unwrap();
    let back: Run = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.replay(TraceMode::Full).unwrap().trace_hash(), c.trace_hash());
}

/// Without raft-rs log lines in the trace, a `HashOnly` replay keeps no records and has the
/// same hash.
#[test]
fn a_hash_only_replay_has_the_same_hash_without_raft_log_lines() {
    let quiet = ClusterConfig { record_raft_log: false, ..cfg() };
    let c = run(quiet, &script());
    let lean = Run::of(&c).replay(TraceMode::HashOnly).unwrap();
    assert_eq!(lean.trace().records().len(), 0);
    assert_eq!(lean.trace_hash(), c.trace_hash());
}

/// The trace contract: "the hash covers every event (even when `TraceMode::HashOnly` keeps
/// none of them)", and rewinding replays with `HashOnly`. With the default
/// `record_raft_log: true`, a HashOnly replay never produces the raft-rs `RaftLog` events
/// (node.rs builds its `RaftLog` with `record_raft_log && full`), so its hash differs.
#[test]

fn a_hash_only_replay_has_the_same_hash_as_the_full_run() {
    let c = run(cfg(), &script());
    let lean = Run::of(&c).replay(TraceMode::HashOnly).unwrap();
    assert_eq!(lean.trace_hash(), c.trace_hash());
    let rewound = Run::of(&c).replay_to(5_000, TraceMode::HashOnly).unwrap();
    let full = Run::of(&c).replay_to(5_000, TraceMode::Full).unwrap();
    assert_eq!(rewound.trace_hash(), full.trace_hash());
}

#[test]
fn a_rewind_into_the_middle_of_an_action_continues_to_the_same_state() {
    let actions = script();
    let original = run(cfg(), &actions);
    let r = Run::of(&original);
    // Cut points inside an Advance and inside the AwaitReply of the write that times out.
    for t in [1_500, 6_000, 9_000] {
        let mut rewound = r.replay_to(t, TraceMode::Full).unwrap();
        assert_eq!(rewound.now_ms(), t, "rewound to t={t}");
        // The action that crossed t was cut there: finish it, then the same later actions.
        let i = rewound.actions().len() - 1;
        match actions[i] {
            Action::AwaitReply { req_id, .. } => {
                rewound.apply(Action::AwaitReply { req_id, stop_at_ms: None }).unwrap()
            }
            _ => {
                let end = run(cfg(), &actions[..=i]).now_ms();
                rewound.apply(Action::Advance(end - t)).unwrap();
            }
        }
        for a in &actions[i + 1..] {
            rewound.apply(a.clone()).unwrap();
        }
        assert_eq!(rewound.now_ms(), original.now_ms(), "t={t}");
        assert_eq!(rewound.view().nodes, original.view().nodes, "t={t}: the same state as the original");
        assert_eq!(rewound.reply(4), original.reply(4), "t={t}");
        // The new future is itself a run that replays bit for bit.
        let again = Run::of(&rewound).replay(TraceMode::Full).unwrap();
        assert_eq!(again.trace_hash(), rewound.trace_hash(), "t={t}");
    }
}

/// Rewinds to each time at which an action started, then applies the remaining actions.
fn rewind_and_continue(t: u64) -> (Cluster, Cluster) {
    let actions = script();
    let original = run(cfg(), &actions);
    let mut rewound = Run::of(&original).replay_to(t, TraceMode::Full).unwrap();
    assert_eq!(rewound.now_ms(), t);
    let done = rewound.actions().len();
    for a in &actions[done..] {
        rewound.apply(a.clone()).unwrap();
    }
    (original, rewound)
}

fn action_start_times() -> Vec<u64> {
    let mut starts: Vec<u64> = run(cfg(), &script()).actions().iter().map(|(t, _)| *t).collect();
    starts.dedup();
    assert!(starts.len() >= 8, "{starts:?}");
    starts
}

#[test]
fn rewind_to_a_point_between_actions_then_same_actions_gives_the_original_state() {
    for t in action_start_times() {
        let (original, rewound) = rewind_and_continue(t);
        let (a, b) = (original.view(), rewound.view());
        assert_eq!((a.now_ms, &a.nodes, &a.in_flight, &a.links), (b.now_ms, &b.nodes, &b.in_flight, &b.links), "t={t}");
        for req in 1..=6 {
            assert_eq!(original.reply(req), rewound.reply(req), "t={t} reply {req}");
        }
    }
    // Before the first AwaitReply, the rewound prefix is the original's, so even the
    // trace hash is reproduced.
    let (original, rewound) = rewind_and_continue(3_000);
    assert_eq!(rewound.trace_hash(), original.trace_hash());
}

/// `replay_to` records a wait that finished before `t` as `AwaitReply { stop_at_ms: Some(t) }`
/// instead of the original `stop_at_ms: None`; the trace hashes actions, so a rewound run
/// continued with the same later actions never gets the original hash back.
#[test]

fn rewind_to_a_point_between_actions_then_same_actions_gives_the_original_hash() {
    for t in action_start_times() {
        let (original, rewound) = rewind_and_continue(t);
        assert_eq!(rewound.actions(), original.actions(), "t={t}");
        assert_eq!(rewound.trace_hash(), original.trace_hash(), "rewound to t={t}");
    }
}

#[test]
fn console_lines_that_fail_change_nothing() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 8)).unwrap();
    s.run_line("run 3s");
    s.run_line("put x 1");
    s.run_line("kill n3");
    let before = s.cluster().trace_hash();
    let len = s.cluster().trace().len();
    let now = s.cluster().now_ms();
    for (l, expect) in [
        ("bogus", "Error: unknown command \"bogus\" for \"etcdctl\"\n"),
        ("get", "Error: get command needs one argument as key and an optional argument as range_end\n"),
        ("put x", "Error: put command needs 1 argument and input from stdin or 2 arguments\n"),
        ("kill n3", "Error: n3 is down; restart it first\n"),
        ("kill n7", ""),
        ("restart n1", ""),
        ("campaign n3", ""),
        ("transfer n9", ""),
        ("partition n1 n8", ""),
        ("run abc", ""),
        ("get x --endpoints=n12", ""),
        ("--endpoints=n7 get x", ""),
        ("put x 1 --bogus", ""),
        ("compact abc", "Error: strconv.ParseInt: parsing \"abc\": invalid syntax\n"),
        (
            "lease revoke zz",
            "Error: bad lease ID arg (strconv.ParseInt: parsing \"zz\": invalid syntax), expecting ID in Hex\n",
        ),
    ] {
        let o = s.run_line(l);
        assert_eq!(o.stdout, "", "{l}: nothing on stdout");
        assert!(o.stderr.starts_with("Error: "), "{l}: {:?}", o.stderr);
        if !expect.is_empty() {
            assert!(o.stderr.starts_with(expect), "{l}: {:?}", o.stderr);
        }
        assert_eq!(s.cluster().trace_hash(), before, "{l} changed the trace");
        assert_eq!((s.cluster().trace().len(), s.cluster().now_ms()), (len, now), "{l}");
    }
    assert_eq!(Run::of(s.cluster()).replay(TraceMode::Full).unwrap().trace_hash(), before);
}
