//! Leader election, failover and restart on the real raft-rs engine.

use raftlab::engine::{Action, ActionError, Cluster, ClusterConfig, Role};

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

/// Time of the first `RoleChanged` to leader after `after_ms`, and who.
fn next_leader_event(c: &Cluster, after_ms: u64) -> Option<(u64, u64)> {
    c.trace().records().iter().find_map(|r| match r.event {
        raftlab::engine::TraceEvent::RoleChanged { node, role: Role::Leader, .. } if r.time_ms > after_ms => {
            Some((r.time_ms, node))
        }
        _ => None,
    })
}

#[test]
fn killing_the_leader_elects_another_within_the_timeout_range() {
    for seed in 1..=20 {
        let mut c = cluster(5, seed);
        c.apply(Action::Advance(3_000)).unwrap();
        let old = c.leader().unwrap();
        let old_term = c.node_view(old).unwrap().term;
        let killed_at = c.now_ms();
        c.apply(Action::Kill(old)).unwrap();
        c.apply(Action::Advance(5_000)).unwrap();
        let (t, new) = next_leader_event(&c, killed_at).expect("a new leader");
        assert_ne!(new, old, "seed {seed}");
        assert!(c.node_view(new).unwrap().term > old_term, "seed {seed}");
        // A follower last heard a heartbeat up to one heartbeat (100 ms) before the kill, and
        // counts a randomized timeout of [10, 20) ticks from its next tick after that, so
        // the first campaign comes 800–2000 ms after the kill. With check-quorum (etcd's
        // setting) a follower whose own election timeout has not yet run out since the last
        // heartbeat ignores the vote request ("lease is not expired"), so an early candidate
        // can lose its round and the next campaign comes one randomized timeout later.
        let waited = t - killed_at;
        assert!((800..=4_100).contains(&waited), "seed {seed}: new leader after {waited} ms");
    }
}

#[test]
fn the_old_leader_restarts_as_a_follower_of_the_new_term() {
    let mut c = cluster(3, 3);
    c.apply(Action::Advance(3_000)).unwrap();
    let old = c.leader().unwrap();
    c.apply(Action::Kill(old)).unwrap();
    c.apply(Action::Advance(3_000)).unwrap();
    let new = c.leader().unwrap();
    assert_ne!(new, old);
    let new_term = c.node_view(new).unwrap().term;
    c.apply(Action::Restart(old)).unwrap();
    c.apply(Action::Advance(1_000)).unwrap();
    let v = c.node_view(old).unwrap();
    assert_eq!(v.role, Role::Follower);
    assert_eq!(v.term, new_term);
    assert_eq!(v.leader, new);
    assert_eq!(c.leader(), Some(new));
}

#[test]
fn a_dead_node_keeps_its_disk() {
    let mut c = cluster(3, 4);
    c.apply(Action::Advance(3_000)).unwrap();
    let f = (1..=3).find(|id| Some(*id) != c.leader()).unwrap();
    let before = c.node_view(f).unwrap();
    c.apply(Action::Kill(f)).unwrap();
    let dead = c.node_view(f).unwrap();
    assert_eq!(dead.role, Role::Dead);
    assert_eq!(
        (dead.term, dead.vote, dead.last_index, dead.committed),
        (before.term, before.vote, before.last_index, before.committed)
    );
    let err = c.apply(Action::Kill(f)).unwrap_err();
    assert_eq!(err, ActionError::Down(f));
    assert_eq!(err.to_string(), format!("n{f} is down; restart it first"));
}
