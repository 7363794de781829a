//! Lessons 9 and 10, membership through the console: `member add --learner` is refused as
//! `unhealthy cluster` right after start and accepted once every voter has been connected
//! for 5 s; the learner catches up without voting, refuses writes and linearizable reads
//! (`rpc not supported for learner`) but serves serializable reads; `member promote` makes it
//! a voter (quorum 3 of 4); promoting a voter or an unknown id fails with etcd's errors;
//! `member remove` of a voter stops it for good. Texts follow etcdctl 3.4.23.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, NodeId, Role};

mod common;
use common::{err, line, ok};

fn member_id(s: &Session, id: NodeId) -> u64 {
    s.cluster().node_view(id).expect("node").member_id
}

fn started() -> Session {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 5)).unwrap();
    assert_eq!(line(&mut s, "run 7s"), ok("t=7s\n"));
    assert!(s.cluster().leader().is_some());
    s
}

#[test]
fn member_add_right_after_start_is_an_unhealthy_cluster() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 5)).unwrap();
    assert_eq!(line(&mut s, "member add n4 --learner"), err("Error: etcdserver: unhealthy cluster\n"));
    assert_eq!(line(&mut s, "run 2s"), ok("t=2s\n"));
    assert!(s.cluster().leader().is_some(), "a leader exists, but the members have not been connected 5 s");
    assert_eq!(
        line(&mut s, "member add n4 --learner --peer-urls=http://n4:2380"),
        err("Error: etcdserver: unhealthy cluster\n")
    );
    assert_eq!(line(&mut s, "member add n4"), err("Error: etcdserver: unhealthy cluster\n"));
    assert_eq!(s.cluster().node_ids(), vec![1, 2, 3], "nothing was added");
}

#[test]
fn a_learner_catches_up_refuses_writes_and_is_promoted_to_a_voter() {
    let mut s = started();
    for i in 0..5 {
        assert_eq!(line(&mut s, &format!("put k{i} v{i}")), ok("OK\n"));
    }
    let cluster_id = s.cluster().cluster_id();
    let (out, e) = line(&mut s, "member add n4 --learner");
    assert_eq!(e, "");
    assert_eq!(s.cluster().node_ids(), vec![1, 2, 3, 4]);
    let n4 = member_id(&s, 4);
    // etcdctl prints ids here with %16x; the initial cluster lists members by id.
    let mut peers: Vec<(u64, String)> = (1..=4).map(|i| (member_id(&s, i), format!("n{i}=http://n{i}:2380"))).collect();
    peers.sort();
    let peers: Vec<String> = peers.into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        out,
        format!(
            "Member {n4:16x} added to cluster {cluster_id:16x}\n\nETCD_NAME=\"n4\"\nETCD_INITIAL_CLUSTER=\"{}\"\n\
             ETCD_INITIAL_ADVERTISE_PEER_URLS=\"http://n4:2380\"\nETCD_INITIAL_CLUSTER_STATE=\"existing\"\n",
            peers.join(",")
        )
    );
    // Until its process starts, etcd lists the new member as unstarted: no name, no client
    // URLs (the name in `member add` is only printed for the operator's ETCD_NAME).
    let list = line(&mut s, "member list").0;
    assert!(list.contains(&format!("{n4:x}, unstarted, , http://n4:2380, , true\n")), "{list}");
    // etcd 3.4 allows one learner. The limit is checked when the entry is applied, so the
    // refused add still takes a raft index.
    let index = s.cluster().node_view(1).unwrap().committed;
    assert_eq!(
        line(&mut s, "member add n5 --learner"),
        err("Error: etcdserver: too many learner members in cluster\n")
    );
    assert_eq!(s.cluster().node_view(1).unwrap().committed, index + 1);
    assert_eq!(s.cluster().node_ids(), vec![1, 2, 3, 4], "the refused add holds no slot");

    assert_eq!(line(&mut s, "start n4"), ok("n4 started: it joins with --initial-cluster-state existing\n"));
    assert_eq!(line(&mut s, "run 2s").1, "");
    let leader = s.cluster().leader().unwrap();
    let lv = s.cluster().node_view(leader).unwrap();
    let v4 = s.cluster().node_view(4).unwrap();
    assert_eq!(v4.role, Role::Learner);
    assert_eq!(v4.kvs, lv.kvs, "the learner caught up");
    assert_eq!((v4.applied, v4.term), (lv.applied, lv.term));

    let list = line(&mut s, "member list").0;
    assert!(list.contains(&format!("{n4:x}, started, n4, http://n4:2380, http://n4:2379, true\n")), "{list}");

    // A learner serves serializable reads only.
    assert_eq!(line(&mut s, "--endpoints=n4 put x 1"), err("Error: etcdserver: rpc not supported for learner\n"));
    assert_eq!(line(&mut s, "--endpoints=n4 get k1"), err("Error: etcdserver: rpc not supported for learner\n"));
    assert_eq!(line(&mut s, "--endpoints=n4 del k1"), err("Error: etcdserver: rpc not supported for learner\n"));
    assert_eq!(line(&mut s, "--endpoints=n4 get k1 --consistency=s"), ok("k1\nv1\n"));
    assert_eq!(line(&mut s, "get k1"), ok("k1\nv1\n"), "the delete through the learner did nothing");

    // Promote it; promoting again (now a voter) fails.
    assert_eq!(
        line(&mut s, &format!("member promote {n4:x}")),
        ok(&format!("Member {n4:16x} promoted in cluster {cluster_id:16x}\n"))
    );
    assert_eq!(
        line(&mut s, &format!("member promote {n4:x}")),
        err("Error: etcdserver: can only promote a learner member\n")
    );
    assert_eq!(line(&mut s, "run 1s").1, "");
    let v4 = s.cluster().node_view(4).unwrap();
    assert_eq!(v4.role, Role::Follower);
    let list = line(&mut s, "member list").0;
    assert!(list.contains(&format!("{n4:x}, started, n4, http://n4:2380, http://n4:2379, false\n")), "{list}");
    assert_eq!(line(&mut s, "--endpoints=n4 put x 1"), ok("OK\n"));

    // n4 now votes: it can lead (a transfer, as `etcdctl move-leader` does; a bare campaign
    // would be ignored by followers that still hear the leader, under check-quorum).
    assert_eq!(line(&mut s, "transfer n4").1, "");
    assert_eq!(line(&mut s, "run 1s").1, "");
    assert_eq!(s.cluster().leader(), Some(4));

    // Quorum is 3 of 4: with two of the first three members down nothing commits.
    let t0 = s.cluster().now_ms();
    assert_eq!(line(&mut s, "kill n1"), ok("n1 killed\n"));
    assert_eq!(line(&mut s, "put y 1 --endpoints=n4"), ok("OK\n"), "3 of 4 alive");
    assert_eq!(line(&mut s, "kill n2"), ok("n2 killed\n"));
    assert_eq!(line(&mut s, "put y 2 --endpoints=n4"), err("Error: context deadline exceeded\n"), "2 of 4 alive");
    assert!(s.cluster().now_ms() - t0 >= 5_000);
    assert_eq!(line(&mut s, "get y --consistency=s --endpoints=n3"), ok("y\n1\n"));
}

#[test]
fn promote_and_remove_errors_and_removing_a_voter() {
    let mut s = started();
    let cluster_id = s.cluster().cluster_id();
    let leader = s.cluster().leader().unwrap();
    let follower = (1..=3).find(|i| *i != leader).unwrap();
    let voter = member_id(&s, follower);
    assert_eq!(
        line(&mut s, &format!("member promote {voter:x}")),
        err("Error: etcdserver: can only promote a learner member\n")
    );
    assert_eq!(line(&mut s, "member promote 1234"), err("Error: etcdserver: member not found\n"));
    assert_eq!(line(&mut s, "member remove 1234"), err("Error: etcdserver: member not found\n"));
    assert_eq!(line(&mut s, "member promote"), err("Error: member ID is not provided\n"));
    assert_eq!(
        line(&mut s, "member remove zz"),
        err("Error: bad member ID arg (strconv.ParseUint: parsing \"zz\": invalid syntax), expecting ID in Hex\n")
    );

    assert_eq!(
        line(&mut s, &format!("member remove {voter:x}")),
        ok(&format!("Member {voter:16x} removed from cluster {cluster_id:16x}\n"))
    );
    assert_eq!(line(&mut s, "run 1s").1, "");
    let v = s.cluster().node_view(follower).unwrap();
    assert!(v.removed && !v.alive, "the removed member stopped");
    let list = line(&mut s, &format!("member list --endpoints=n{leader}")).0;
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(!list.contains(&format!("{voter:x},")), "{list}");
    assert_eq!(
        line(&mut s, &format!("member remove {voter:x} --endpoints=n{leader}")),
        err("Error: etcdserver: member not found\n")
    );
    // Two voters left: quorum 2, both alive, writes commit.
    assert_eq!(line(&mut s, &format!("put after remove --endpoints=n{leader}")), ok("OK\n"));
    let status = line(&mut s, "status").0;
    assert!(status.lines().any(|l| l.starts_with(&format!("n{follower} ")) && l.contains(" removed ")), "{status}");
}

/// A member added after the log was compacted needs a snapshot that already names it:
/// raft-rs refuses one whose ConfState lacks the receiver, so the leader's disk makes a
/// fresh snapshot on demand instead of resending the stale one forever.
#[test]
fn a_learner_added_after_log_compaction_catches_up_by_snapshot() {
    let cfg = ClusterConfig { nodes: 3, seed: 5, snapshot_count: 4, snapshot_catchup_entries: 1, ..Default::default() };
    let mut s = Session::new(cfg).unwrap();
    line(&mut s, "run 7s");
    for i in 0..10 {
        assert_eq!(line(&mut s, &format!("put k{i} v{i}")), ok("OK\n"));
    }
    let leader = s.cluster().leader().unwrap();
    assert!(s.cluster().node_view(leader).unwrap().first_index > 2, "the leader's log was compacted");
    let (out, _) = line(&mut s, "member add n4 --learner");
    assert!(out.starts_with("Member "), "{out}");
    line(&mut s, "start n4");
    line(&mut s, "run 2s");
    let learner = s.cluster().node_view(4).unwrap();
    let lv = s.cluster().node_view(leader).unwrap();
    assert_eq!(learner.role, Role::Learner);
    assert_eq!(learner.applied, lv.applied);
    assert_eq!(learner.kvs, lv.kvs);
    assert!(learner.snapshot_index > 0, "it caught up from a snapshot");
}

/// A leader that applies its own removal stops, as etcd stops a removed member, and the
/// rest elect a new leader (tests/fuzz.rs pins the raft-rs panic this used to reach).
#[test]
fn a_leader_that_removes_itself_stops_and_the_rest_elect_a_new_leader() {
    use raftlab::engine::{Action, ClientOp};
    use raftlab::store::PutRequest;
    let mut s = started();
    let leader = s.cluster().leader().unwrap();
    let leader_member = member_id(&s, leader);
    let put = |req_id: u64, key: &str| Action::Client {
        req_id,
        endpoint: leader,
        op: ClientOp::Put(PutRequest { key: key.into(), value: b"v".into(), ..Default::default() }).into(),
        timeout_ms: None,
    };
    s.apply(Action::Client {
        req_id: 900,
        endpoint: leader,
        op: ClientOp::MemberRemove { member_id: leader_member }.into(),
        timeout_ms: None,
    })
    .unwrap();
    for i in 0..20u64 {
        s.apply(put(901 + i, &format!("k{i}"))).unwrap();
        s.apply(Action::Advance(1)).unwrap();
    }
    assert_eq!(line(&mut s, "run 3s").1, "");
    let v = s.cluster().node_view(leader).unwrap();
    assert!(v.removed && !v.alive, "the removed leader stopped");
    let new_leader = s.cluster().leader().expect("the two left elect a leader");
    assert_ne!(new_leader, leader);
    assert_eq!(line(&mut s, &format!("put after remove --endpoints=n{new_leader}")), ok("OK\n"));
    let list = line(&mut s, &format!("member list --endpoints=n{new_leader}")).0;
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(!list.contains(&format!("{leader_member:x},")), "{list}");
}
