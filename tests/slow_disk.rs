//! Slow disks (`disk n1 200ms`): a member whose every fsync takes that long. Its Ready loop
//! waits for each write as etcd's raft loop waits in the WAL's `Save`, so a slow leader
//! sends its heartbeats late (etcd's "leader failed to send out heartbeat on time"
//! warning), linearizable reads through it take long ("apply request took too long"), and
//! a disk slower than the election timeout makes the followers elect another leader. A
//! crash in the middle of a write loses what was not yet on disk.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, NodeId, TraceEvent};

mod common;
use common::{line, ok};

fn warnings(s: &Session, node: NodeId, prefix: &str) -> Vec<String> {
    s.cluster()
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::RaftLog { node: n, line } if *n == node && line.text.starts_with(prefix) => {
                Some(line.text.clone())
            }
            _ => None,
        })
        .collect()
}

fn settled(seed: u64) -> (Session, NodeId) {
    let mut s = Session::new(ClusterConfig::with_nodes(3, seed)).unwrap();
    line(&mut s, "run 3s");
    let leader = s.cluster().leader().expect("a leader after 3 s");
    (s, leader)
}

#[test]
fn the_disk_word_answers_and_refuses_bad_input() {
    let (mut s, _) = settled(7);
    assert_eq!(line(&mut s, "disk n2 200ms"), ok("n2's disk now takes 200ms for every fsync\n"));
    assert_eq!(s.cluster().node_view(2).unwrap().disk_delay_ms, 200);
    assert_eq!(line(&mut s, "disk n2 0"), ok("n2's disk is fast again\n"));
    assert_eq!(s.cluster().node_view(2).unwrap().disk_delay_ms, 0);
    assert_eq!(
        line(&mut s, "disk n2").1,
        "Error: disk needs more arguments; usage: disk <node> <fsync duration>, e.g. \"disk n1 200ms\" (\"disk n1 0\" makes it fast again)\n"
    );
    assert_eq!(line(&mut s, "disk n2 2m").1, "Error: a disk delay is at most 60s\n");
    assert_eq!(line(&mut s, "disk n7 1s").1, "Error: n7 is not a member of this cluster\n");
}

#[test]
fn a_slow_leader_still_commits_but_sends_heartbeats_late() {
    let (mut s, leader) = settled(7);
    line(&mut s, &format!("disk n{leader} 300ms"));
    let t0 = s.cluster().now_ms();
    assert_eq!(line(&mut s, &format!("put x 1 --endpoints=n{leader}")), ok("OK\n"));
    let took = s.cluster().now_ms() - t0;
    // The followers' acks commit the entry without the leader's own write (raft-rs counts
    // the leader once its copy is durable, but two followers are a majority of three);
    // the leader applies it only after its loop is free again.
    assert!(took >= 300, "the put waited for the leader's loop: {took} ms");
    line(&mut s, "run 3s");
    assert_eq!(s.cluster().leader(), Some(leader), "300 ms is well inside the 1 s election timeout");
    let late = warnings(&s, leader, "leader failed to send out heartbeat on time");
    assert!(!late.is_empty(), "the slow leader's heartbeats came late");
    assert!(late[0].contains("heartbeat-interval=100ms expected-duration=200ms"), "{}", late[0]);
    // A linearizable read that comes while the leader writes waits for its loop (the
    // ReadIndex heartbeat leaves in the next Ready): etcd logs it.
    line(&mut s, &format!("put y 2 --endpoints=n{leader} --command-timeout=1ms"));
    assert_eq!(line(&mut s, &format!("get x --endpoints=n{leader}")), ok("x\n1\n"));
    let slow = warnings(&s, leader, "apply request took too long");
    assert!(slow.iter().any(|w| w.contains("prefix=\"read-only range \" request=\"key:\"x\" \"")), "{slow:?}");
    // Nothing of the kind without a slow disk.
    let (fast, fl) = settled(7);
    assert!(warnings(&fast, fl, "leader failed").is_empty());
}

#[test]
fn a_disk_slower_than_the_election_timeout_costs_the_leadership() {
    let (mut s, leader) = settled(11);
    let term = s.cluster().node_view(leader).unwrap().term;
    line(&mut s, &format!("disk n{leader} 1500ms"));
    // A write makes the leader fsync; while it waits 1.5 s it sends no heartbeat, and the
    // followers' 1 s election timeouts run out.
    line(&mut s, &format!("put x 1 --endpoints=n{leader}"));
    line(&mut s, "run 5s");
    let now = s.cluster().leader().expect("a leader");
    assert_ne!(now, leader, "another member took over");
    assert!(s.cluster().node_view(now).unwrap().term > term);
    assert!(!warnings(&s, leader, "slow fdatasync took=1500ms expected-duration=1000ms").is_empty());
    // The cause fixed, the cluster is calm again: no more elections.
    line(&mut s, &format!("disk n{leader} 0"));
    line(&mut s, "run 2s");
    let calm = s.cluster().leader().unwrap();
    let calm_term = s.cluster().node_view(calm).unwrap().term;
    line(&mut s, "run 10s");
    assert_eq!(s.cluster().leader(), Some(calm));
    assert_eq!(s.cluster().node_view(calm).unwrap().term, calm_term);
}

#[test]
fn a_crash_during_a_write_loses_only_what_was_not_on_disk() {
    let (mut s, leader) = settled(7);
    let follower = (1..=3).find(|&i| i != leader).unwrap();
    line(&mut s, &format!("disk n{follower} 500ms"));
    line(&mut s, &format!("put x 1 --endpoints=n{leader}"));
    let v = s.cluster().node_view(follower).unwrap();
    assert_eq!(v.fsync_until_ms.is_some(), v.persisted < v.last_index);
    // Another put: the follower receives it while its loop still waits on the last write.
    line(&mut s, &format!("put y 2 --endpoints=n{leader} --command-timeout=10ms"));
    let before = s.cluster().node_view(follower).unwrap();
    assert!(before.fsync_until_ms.is_some(), "the follower is still writing");
    line(&mut s, &format!("kill n{follower}"));
    let dead = s.cluster().node_view(follower).unwrap();
    assert!(dead.last_index < before.last_index, "the unwritten entries are gone with the crash");
    line(&mut s, &format!("restart n{follower}"));
    line(&mut s, "run 3s");
    assert_eq!(line(&mut s, &format!("get y --endpoints=n{follower} --consistency=s")), ok("y\n2\n"));
}
