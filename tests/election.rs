//! Leader election, failover and restart on the real raft-rs engine.

use raftlab::engine::{Action, Cluster, ClusterConfig, Role};

fn cluster(nodes: u64, seed: u64) -> Cluster {
    Cluster::new(ClusterConfig::with_nodes(nodes, seed)).expect("valid config")
}

#[test]
fn a_leader_is_elected_at_term_2() {
    let mut c = cluster(3, 1);
    assert_eq!(c.leader(), None);
    c.apply(Action::Advance(3_000)).unwrap();
    let leader = c.leader().expect("a leader within 3s");
    let v = c.view();
    // Bootstrap leaves every member at term 1; the first election moves to term 2.
    for n in &v.nodes {
        assert_eq!(n.term, 2, "n{} term", n.id);
        assert_eq!(n.leader, leader, "n{} knows the leader", n.id);
        let expect = if n.id == leader { Role::Leader } else { Role::Follower };
        assert_eq!(n.role, expect);
    }
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let run = |seed| {
        let mut c = cluster(5, seed);
        c.apply(Action::Advance(2_000)).unwrap();
        let l = c.leader().unwrap();
        c.apply(Action::Kill(l)).unwrap();
        c.apply(Action::Advance(3_000)).unwrap();
        (c.trace_hash(), c.leader(), c.trace().len())
    };
    let a = run(7);
    let b = run(7);
    assert_eq!(a, b);
    assert_ne!(run(7).0, run(8).0);
}
