//! Link faults from the console: one-way cuts, drop and duplicate probabilities, extra
//! delay, and single in-flight messages dropped, delayed, duplicated or delivered by hand.
//! Raft must tolerate all of them: writes still commit and members converge.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, DropReason, TraceEvent};

fn run(s: &mut Session, l: &str) -> String {
    let o = s.run_line(l);
    o.stdout + &o.stderr
}

fn session() -> Session {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 2)).unwrap();
    run(&mut s, "run 3s");
    s
}

#[test]
fn duplicated_links_deliver_every_message_twice_and_raft_shrugs() {
    let mut s = session();
    let leader = s.cluster().leader().unwrap();
    let f = (1..=3).find(|i| *i != leader).unwrap();
    assert_eq!(
        run(&mut s, &format!("duplicate n{leader}->n{f} 100%")),
        format!("duplicating 100% of messages on n{leader}->n{f}\n")
    );
    let from = s.cluster().trace().len();
    assert_eq!(run(&mut s, "put x 1"), "OK\n");
    run(&mut s, "run 1s");
    let delivered = s
        .cluster()
        .trace()
        .since(from)
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::MessageDelivered { from: a, to: b, .. } if a == leader && b == f))
        .count();
    let sends: Vec<_> = s
        .cluster()
        .trace()
        .since(from)
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::MessageSent { id, .. } => {
                s.cluster().trace().message(*id).filter(|m| m.from == leader && m.to == f).copied()
            }
            _ => None,
        })
        .collect();
    let sent = sends.len();
    assert!(sent >= 20, "{sent} sends on the link in 1 s of heartbeats");
    // Each raft message goes out as an original and a copy of the very same message.
    assert_eq!(sent % 2, 0);
    assert!(sends.chunks(2).all(|p| p[0] == p[1]), "sends come in pairs of one message");
    assert_eq!(delivered, sent, "every copy arrives");
    for id in 1..=3 {
        assert_eq!(s.cluster().node_view(id).unwrap().kvs.len(), 1, "n{id} has x");
    }
}

#[test]
fn a_dropping_link_loses_about_its_share_and_a_one_way_cut_loses_everything() {
    let mut s = session();
    let leader = s.cluster().leader().unwrap();
    let f = (1..=3).find(|i| *i != leader).unwrap();
    run(&mut s, &format!("drop n{leader}->n{f} 50%"));
    let from = s.cluster().trace().len();
    run(&mut s, "run 10s");
    let recs = s.cluster().trace().since(from);
    let chance = recs
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::MessageDropped { reason: DropReason::Chance, .. }))
        .count();
    let sent = recs
        .iter()
        .filter(|r| match r.event {
            TraceEvent::MessageSent { id, .. } => {
                s.cluster().trace().message(id).is_some_and(|m| m.from == leader && m.to == f)
            }
            _ => false,
        })
        .count();
    // A seeded 50% coin over ~100 heartbeats: the exact count is fixed by the seed.
    assert!(sent > 80 && chance * 10 > sent * 3 && chance * 10 < sent * 7, "{chance} of {sent} dropped");
    assert_eq!(run(&mut s, "heal"), "healed: every link restored\n");
    assert_eq!(run(&mut s, &format!("cut n{leader}->n{f}")), format!("cut n{leader}->n{f}\n"));
    let from = s.cluster().trace().len();
    run(&mut s, "run 500ms");
    let cut = s.cluster().trace().since(from).iter().filter(|r| matches!(r.event, TraceEvent::MessageDropped { reason: DropReason::LinkCut, from: a, to: b, .. } if a == leader && b == f)).count();
    assert!(cut >= 4, "heartbeats on the cut link are dropped: {cut}");
}

#[test]
fn one_message_can_be_dropped_delayed_or_duplicated_by_hand() {
    let mut s = session();
    s.run_line("put x 1");
    // Step event by event until two messages are in flight at once.
    let mut ids = Vec::new();
    for _ in 0..50 {
        run(&mut s, "step");
        ids = s.cluster().in_flight().iter().map(|m| m.id).collect();
        if ids.len() >= 2 {
            break;
        }
    }
    assert!(ids.len() >= 2, "messages in flight");
    let (a, b) = (ids[0], ids[1]);
    let now = s.cluster().now_ms();
    assert_eq!(run(&mut s, &format!("delay {b} 300ms")), format!("message #{b} delayed by 300ms\n"));
    assert_eq!(run(&mut s, &format!("duplicate {b}")), format!("message #{b} duplicated\n"));
    assert_eq!(run(&mut s, &format!("drop {a}")), format!("message #{a} dropped\n"));
    let before = s.cluster().trace_hash();
    assert_eq!(run(&mut s, &format!("drop {a}")), format!("Error: no message #{a} is in flight\n"));
    assert_eq!(s.cluster().trace_hash(), before, "a refused action changes nothing");
    let inflight = s.cluster().in_flight();
    let original = inflight.iter().find(|m| m.id == b).expect("the delayed message").clone();
    let copies: Vec<_> = inflight.iter().filter(|m| m.msg == original.msg).collect();
    assert_eq!(copies.len(), 2, "the original and its copy");
    assert!(copies.iter().all(|m| m.deliver_at_ms >= now + 300), "both held back 300 ms");
    run(&mut s, "run 1s");
    assert!(s.cluster().in_flight().iter().all(|m| m.id != b), "delivered in the end");
    for id in 1..=3 {
        assert_eq!(s.cluster().node_view(id).unwrap().kvs.len(), 1, "n{id} has x despite the drop");
    }
}

/// etcdctl 3.4 prints "is unhealthy: failed to commit proposal: <error>" once: the error
/// field holds the bare error (as `-w json` shows it).
#[test]
fn endpoint_health_names_a_dead_member_unhealthy_once() {
    let mut s = session();
    run(&mut s, "kill n3");
    let out = run(&mut s, "endpoint health --cluster");
    assert!(
        out.contains("http://n3:2379 is unhealthy: failed to commit proposal: context deadline exceeded\n"),
        "{out}"
    );
    assert!(!out.contains("failed to commit proposal: failed"), "{out}");
    assert!(out.ends_with("Error: unhealthy cluster\n"), "{out}");
}

/// A dead member is drawn from what survives on its disk, and its backend's consistent
/// index is durable: it still shows how far it applied.
#[test]
fn a_dead_member_still_shows_how_far_it_applied() {
    let mut s = session();
    run(&mut s, "put x 1");
    run(&mut s, "run 1s");
    let before = s.cluster().node_view(3).unwrap().applied;
    assert!(before > 0);
    run(&mut s, "kill n3");
    let v = s.cluster().node_view(3).unwrap();
    assert_eq!((v.alive, v.applied), (false, before));
}
