//! Client histories recorded from real runs, judged by the linearizability checker: a run
//! with faults is linearizable, and serializable reads from a partitioned minority are not,
//! with the stale read named.

use raftlab::console::session::Session;
use raftlab::engine::{Action, ClientOp, ClusterConfig};
use raftlab::history::{check, record, Input, Output};
use raftlab::store::{PutRequest, RangeRequest};

fn run(s: &mut Session, line: &str) -> String {
    let o = s.run_line(line);
    o.stdout + &o.stderr
}

#[test]
fn serializable_reads_from_a_partitioned_minority_are_caught_as_stale() {
    let mut s = Session::new(ClusterConfig::with_nodes(5, 7)).unwrap();
    run(&mut s, "run 3s");
    let leader = s.cluster().leader().unwrap();
    assert_eq!(run(&mut s, &format!("put x 1 --endpoints=n{leader}")), "OK\n");
    run(&mut s, "run 500ms");
    // n1 and n2 on one side; the other three have (or elect) a leader.
    run(&mut s, "partition n1,n2 n3,n4,n5");
    run(&mut s, "run 3s");
    let majority_leader = s.cluster().leader().filter(|l| *l >= 3).expect("the majority elects a leader");
    assert_eq!(run(&mut s, &format!("put x 2 --endpoints=n{majority_leader}")), "OK\n");
    assert_eq!(run(&mut s, "get x --consistency=s --endpoints=n1"), "x\n1\n", "n1 answers from its own store");

    let with_stale = record::of(s.cluster().trace(), true);
    let gets = with_stale.ops.iter().filter(|o| matches!(o.input, Input::Get { .. })).count();
    assert_eq!(gets, 1);
    let v = check::linearizable(&with_stale).unwrap_err();
    let stale = &with_stale.ops[v.op];
    assert_eq!(v.key, "x");
    assert_eq!((&stale.input, &stale.output), (&Input::Get { key: "x".into() }, &Output::Value(Some("1".into()))));
    assert_eq!(stale.client, 1, "the read served by n1");
    assert_eq!(v.prefix.len(), 2, "both puts were placed before it: {v:?}");

    // Linearizable reads only: the same run is linearizable.
    let linearizable_only = record::of(s.cluster().trace(), false);
    assert!(check::linearizable(&linearizable_only).is_ok());
}

#[test]
fn a_run_with_crashes_and_concurrent_clients_is_linearizable() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 11)).unwrap();
    run(&mut s, "run 3s");
    // Clients on every endpoint at once, with the leader killed in the middle.
    let mut req = 1_000_000;
    for round in 0..30u64 {
        for ep in 1..=3u64 {
            req += 1;
            let key = format!("k{}", round % 3).into_bytes();
            let op = if (round + ep) % 3 == 0 {
                ClientOp::Range(RangeRequest { key, ..Default::default() })
            } else {
                ClientOp::Put(PutRequest {
                    key: key.into(),
                    value: format!("{ep}-{round}").into(),
                    ..Default::default()
                })
            };
            if s.cluster().is_alive(ep) {
                s.apply(Action::Client { req_id: req, endpoint: ep, op: op.into(), timeout_ms: None }).unwrap();
            }
        }
        s.apply(Action::Advance(37)).unwrap();
        if round == 10 {
            let l = s.cluster().leader().unwrap();
            s.apply(Action::Kill(l)).unwrap();
        }
        if round == 20 {
            for id in 1..=3 {
                if !s.cluster().is_alive(id) {
                    s.apply(Action::Restart(id)).unwrap();
                }
            }
        }
    }
    s.apply(Action::Advance(8_000)).unwrap();
    let h = record::of(s.cluster().trace(), false);
    assert!(h.ops.len() > 60, "{} ops recorded", h.ops.len());
    assert!(h.ops.iter().any(|o| o.output == Output::Unknown), "some requests timed out around the crash");
    let checked = check::linearizable(&h).unwrap();
    assert!(checked.gave_up.is_empty());
    // Every op is placed, except unanswered puts that no read saw (pruned: they may have
    // never happened, and nothing depends on them).
    let placed: usize = checked.orders.iter().map(|(_, o)| o.len()).sum();
    let unknown = h.ops.iter().filter(|o| o.output == Output::Unknown).count();
    assert!(h.ops.len() - placed <= unknown, "{placed} of {} placed, {unknown} unanswered", h.ops.len());
    assert!(placed >= 40, "{placed} placed");
}
