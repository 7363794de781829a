//! The checker must be able to fail: each property is broken by hand (a forged disk, a
//! forged role) and must be caught and named; healthy runs, restores and rewinds must pass.
use super::*;
use crate::engine::{Action, ClientOp, ClusterConfig, TraceEvent};
use crate::store::PutRequest;

fn cluster_with_writes() -> Cluster {
    let mut c = Cluster::new(ClusterConfig::with_nodes(3, 5)).unwrap();
    c.apply(Action::Advance(3_000)).unwrap();
    let leader = c.leader().unwrap();
    for i in 1..=3 {
        let op = ClientOp::Put(PutRequest { key: b"k".into(), value: vec![b'0' + i].into(), ..Default::default() });
        c.apply(Action::Client { req_id: i as u64, endpoint: leader, op: op.into(), timeout_ms: None }).unwrap();
        c.apply(Action::AwaitReply { req_id: i as u64, stop_at_ms: None }).unwrap();
    }
    c
}

fn follower(c: &Cluster) -> NodeId {
    c.node_ids().into_iter().find(|id| Some(*id) != c.leader()).unwrap()
}

/// Rewrites `id`'s log from `index` on: the entry there through `forge`, the rest as they
/// were (as a buggy WAL might).
fn forge(c: &Cluster, id: NodeId, index: u64, forge: impl FnOnce(&mut Entry)) {
    let disk = &c.nodes.get(&id).unwrap().disk;
    let mut e = disk.entry(index).unwrap();
    forge(&mut e);
    let tail: Vec<_> = (index + 1..=disk.core().last_index()).filter_map(|i| disk.entry(i)).collect();
    disk.append(&[e]);
    disk.append(&tail);
}

/// Makes `id` a leader of `term` in raft-rs's own state, as a buggy election would.
fn crown(c: &mut Cluster, id: NodeId, term: u64) {
    let raft = &mut c.nodes.get_mut(&id).unwrap().live.as_mut().unwrap().raw.raft;
    raft.state = raft::StateRole::Leader;
    raft.term = term;
}

#[test]
fn the_four_properties_have_stable_names_in_order() {
    let names: Vec<_> = Property::ALL.iter().map(|p| (p.name(), p.slug())).collect();
    assert_eq!(
        names,
        [
            ("election safety", "election-safety"),
            ("log matching", "log-matching"),
            ("leader completeness", "leader-completeness"),
            ("state machine safety", "state-machine-safety")
        ]
    );
}

#[test]
fn a_healthy_cluster_passes() {
    let c = cluster_with_writes();
    assert_eq!(Checker::new().check(&c), Ok(()));
}

#[test]
fn two_leaders_of_one_term_break_election_safety() {
    let mut c = cluster_with_writes();
    let mut seen = Checker::new();
    seen.check(&c).unwrap();
    let (leader, f) = (c.leader().unwrap(), follower(&c));
    let term = c.nodes.get(&leader).unwrap().live.as_ref().unwrap().raw.raft.term;
    crown(&mut c, f, term);
    let v = seen.check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::ElectionSafety, "election safety"), "{v}");
    assert_eq!(v.detail, format!("n{leader} and n{f} both led term {term}"), "the first leader seen, then the second");
}

#[test]
fn a_new_leader_missing_a_committed_entry_breaks_leader_completeness() {
    let mut c = cluster_with_writes();
    let f = follower(&c);
    let leader = c.leader().unwrap();
    // The follower is down while two more writes commit on the other two members.
    c.apply(Action::Kill(f)).unwrap();
    for i in 4..=5 {
        let op = ClientOp::Put(PutRequest { key: b"k".into(), value: vec![b'0' + i].into(), ..Default::default() });
        c.apply(Action::Client { req_id: i as u64, endpoint: leader, op: op.into(), timeout_ms: None }).unwrap();
        c.apply(Action::AwaitReply { req_id: i as u64, stop_at_ms: None }).unwrap();
    }
    let mut seen = Checker::new();
    seen.check(&c).unwrap();
    // Back, and at once (before anything reaches it) it wins the next term: a buggy vote.
    c.apply(Action::Restart(f)).unwrap();
    let behind = c.nodes.get(&f).unwrap().disk.core().last_index();
    let term = c.nodes.get(&leader).unwrap().live.as_ref().unwrap().raw.raft.term + 1;
    crown(&mut c, f, term);
    let v = seen.check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::LeaderCompleteness, "leader completeness"), "{v}");
    assert_eq!(v.detail, format!("n{f} leads term {term} but lacks committed index {}", behind + 1));
}

#[test]
fn a_different_payload_at_the_same_index_and_term_breaks_log_matching() {
    let mut c = cluster_with_writes();
    let f = follower(&c);
    let index = c.node_view(f).unwrap().committed;
    // Down, so nothing it holds counts as applied: only log matching can see the forgery.
    c.apply(Action::Kill(f)).unwrap();
    forge(&c, f, index, |e| e.data = b"forged".to_vec());
    let v = Checker::new().check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::LogMatching, "log matching"), "{v}");
    assert!(
        v.detail.ends_with(&format!(
            "hold different entries at index {index}, both of term {}",
            c.nodes.get(&f).unwrap().disk.entry(index).unwrap().term
        )),
        "{}",
        v.detail
    );
}

#[test]
fn the_same_entry_after_a_different_predecessor_breaks_log_matching() {
    let mut c = cluster_with_writes();
    let f = follower(&c);
    let index = c.node_view(f).unwrap().committed;
    c.apply(Action::Kill(f)).unwrap();
    let before = c.nodes.get(&f).unwrap().disk.entry(index - 1).unwrap().term;
    forge(&c, f, index - 1, |e| e.term += 7);
    let v = Checker::new().check(&c).unwrap_err();
    assert_eq!(v.property, Property::LogMatching, "{v}");
    // Members are read in id order: the first to hold the entry is the one it is held to.
    let (first, second) = if f == 1 { (before + 7, before) } else { (before, before + 7) };
    assert!(v.detail.ends_with(&format!("differ at index {} (terms {first} and {second})", index - 1)), "{}", v.detail);
}

#[test]
fn a_rewritten_committed_entry_breaks_state_machine_safety() {
    let c = cluster_with_writes();
    let mut seen = Checker::new();
    seen.check(&c).unwrap();
    let f = follower(&c);
    let index = c.node_view(f).unwrap().committed;
    forge(&c, f, index, |e| e.data = b"forged".to_vec());
    // A checker that saw the true entry first re-reads the follower's committed entries.
    seen.applied_upto.clear();
    let v = seen.check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::StateMachineSafety, "state machine safety"), "{v}");
    assert!(v.detail.contains(&format!("at index {index}")), "{}", v.detail);
}

#[test]
fn a_commit_index_moving_back_is_reported_under_state_machine_safety() {
    let c = cluster_with_writes();
    let mut seen = Checker::new();
    seen.check(&c).unwrap();
    let f = follower(&c);
    let disk = &c.nodes.get(&f).unwrap().disk;
    let mut hs = disk.core().hard_state.clone();
    let was = hs.commit;
    hs.commit -= 1;
    disk.set_hard_state(hs);
    let v = seen.check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::StateMachineSafety, "commit index monotonic"), "{v}");
    assert_eq!(v.detail, format!("n{f} commit on disk went back from {was} to {}", was - 1));
}

#[test]
fn a_loop_that_hit_its_cap_is_reported_under_state_machine_safety() {
    let mut c = cluster_with_writes();
    c.overran("n2's Ready loop did not settle in 64 passes".into());
    let v = Checker::new().check(&c).unwrap_err();
    assert_eq!((v.property, v.invariant), (Property::StateMachineSafety, "engine loops settle"));
    assert_eq!(v.detail, "1 loop(s) hit their cap, the last: n2's Ready loop did not settle in 64 passes");
    let line = c.trace().records().last().map(|r| r.event.clone());
    assert!(
        matches!(&line, Some(TraceEvent::RaftLog { node: 0, line }) if line.level == "error" && line.text.contains("64 passes")),
        "the run says so in its trace: {line:?}"
    );
}

#[test]
fn a_rewind_forgets_the_abandoned_future_but_not_the_shared_past() {
    let mut c = Cluster::new(ClusterConfig::with_nodes(5, 5)).unwrap();
    let mut seen = Checker::new();
    c.apply(Action::Advance(3_000)).unwrap();
    seen.check(&c).unwrap();
    let old = c.leader().unwrap();
    // A future where the leader dies and another is elected in the next term.
    c.apply(Action::Kill(old)).unwrap();
    for _ in 0..40 {
        c.apply(Action::Advance(100)).unwrap();
        seen.check(&c).unwrap();
    }
    let abandoned = c.leader().unwrap();
    let stale = seen.leaders.clone();
    // Back to before the kill; this time the old leader and the one that followed it are
    // cut off, so a third member leads that same next term.
    let mut back = crate::engine::Run::of(&c).replay_to(3_000, crate::engine::TraceMode::Full).unwrap();
    seen.rewind(&back);
    assert_eq!(seen.check(&back), Ok(()));
    let rest: Vec<_> = c.node_ids().into_iter().filter(|&n| n != old && n != abandoned).collect();
    back.apply(Action::Partition(vec![vec![old, abandoned], rest])).unwrap();
    for _ in 0..40 {
        back.apply(Action::Advance(100)).unwrap();
        assert_eq!(seen.check(&back), Ok(()), "a new leader of a term the abandoned future had is no alarm");
    }
    let fresh = back.leader().unwrap();
    let term = back.nodes.get(&fresh).unwrap().live.as_ref().unwrap().raw.raft.term;
    // Without the rewind, the checker would have held the new future's leader to the
    // abandoned one's term: the test would fail if `rewind` kept what it must forget.
    let v = Checker { leaders: stale, ..Checker::new() }.election_safety(&back).unwrap_err();
    assert_eq!(v.detail, format!("n{abandoned} and n{fresh} both led term {term}"));
}
