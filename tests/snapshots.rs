//! Lesson 15, snapshots and log compaction with `snapshot_count = 10` and
//! `snapshot_catchup_entries = 2`: members snapshot once more than 10 entries were applied since the last snapshot and drop their
//! log behind it; a follower that was down while the leader compacted past its log receives
//! a raft snapshot (`MsgSnapshot`, then `SnapshotApplied`) and ends with the leader's data;
//! a restarted member resumes from its own durable backend, as etcd reopens its bbolt file
//! and skips the entries at or below its consistent index.

use raft::eraftpb::MessageType;
use raftlab::engine::{Action, ClientOp, ClientResult, Cluster, ClusterConfig, NodeId, TraceEvent};
use raftlab::store::PutRequest;

fn cluster(seed: u64) -> Cluster {
    let cfg = ClusterConfig { nodes: 3, seed, snapshot_count: 10, snapshot_catchup_entries: 2, ..Default::default() };
    let mut c = Cluster::new(cfg).unwrap();
    c.apply(Action::Advance(3_000)).unwrap();
    assert!(c.leader().is_some());
    c
}

fn put(c: &mut Cluster, endpoint: NodeId, key: &str, value: &str) {
    let req_id = c.fresh_req_id();
    let op = ClientOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() });
    c.apply(Action::Client { req_id, endpoint, op: op.into(), timeout_ms: None }).unwrap();
    c.apply(Action::AwaitReply { req_id, stop_at_ms: None }).unwrap();
    let reply = c.reply(req_id).expect("a reply");
    assert!(matches!(reply.result, Ok(ClientResult::Put(_))), "put {key}: {:?}", reply.result);
}

#[test]
fn a_lagging_follower_receives_a_snapshot_and_catches_up() {
    let mut c = cluster(9);
    let leader = c.leader().unwrap();
    let f = (1..=3).find(|i| *i != leader).unwrap();
    c.apply(Action::Kill(f)).unwrap();
    let dead = c.node_view(f).unwrap();
    let killed_at = c.trace().len();
    for i in 0..50 {
        put(&mut c, leader, &format!("k{i:02}"), &format!("v{i}"));
    }
    let lv = c.node_view(leader).unwrap();
    // etcd 3.4 snapshots once more than snapshot_count entries were applied since the last.
    assert!(
        lv.snapshot_index >= 40 && lv.applied - lv.snapshot_index <= 10,
        "the leader snapshotted (at {}, applied {})",
        lv.snapshot_index,
        lv.applied
    );
    assert!(lv.first_index > dead.last_index + 1, "the follower's next entry is gone from the leader's log");

    c.apply(Action::Restart(f)).unwrap();
    c.apply(Action::Advance(2_000)).unwrap();

    let after = c.trace().since(killed_at);
    let sent: Vec<(u64, u64)> = after
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::MessageSent { id, .. } => c
                .trace()
                .message(*id)
                .filter(|m| m.msg_type == MessageType::MsgSnapshot)
                .map(|m| (m.to, m.snapshot.map_or(0, |(index, _)| index))),
            _ => None,
        })
        .collect();
    assert!(!sent.is_empty(), "the leader sent a MsgSnapshot");
    assert!(sent.iter().all(|(to, _)| *to == f), "only to n{f}: {sent:?}");
    let applied: Vec<u64> = after
        .iter()
        .filter_map(|r| match r.event {
            TraceEvent::SnapshotApplied { node, index, .. } if node == f => Some(index),
            _ => None,
        })
        .collect();
    assert_eq!(applied.len(), 1, "n{f} applied one snapshot: {applied:?}");
    assert!(sent.iter().any(|(_, idx)| *idx == applied[0]), "it applied the snapshot it was sent");

    let lv = c.node_view(leader).unwrap();
    let fv = c.node_view(f).unwrap();
    assert_eq!(fv.kvs.len(), 50);
    assert_eq!(fv.kvs, lv.kvs);
    assert_eq!((fv.revision, fv.applied, fv.committed), (lv.revision, lv.applied, lv.committed));
    assert!(fv.snapshot_index >= applied[0]);
    assert_eq!(fv.kvs[49].key, b"k49");
    assert_eq!(fv.kvs[49].value, b"v49");
}

#[test]
fn a_restarted_member_resumes_from_its_own_backend_without_reapplying() {
    let mut c = cluster(4);
    let leader = c.leader().unwrap();
    for i in 0..26 {
        put(&mut c, leader, &format!("k{i:02}"), &format!("v{i}"));
    }
    c.apply(Action::Advance(500)).unwrap();
    let f = (1..=3).find(|i| *i != leader).unwrap();
    let before = c.node_view(f).unwrap();
    assert!(before.snapshot_index >= 20, "n{f} made its own snapshots (at {})", before.snapshot_index);
    assert!(before.applied > before.snapshot_index, "and has log entries after the last one");
    assert_eq!(before.kvs.len(), 26);

    c.apply(Action::Kill(f)).unwrap();
    let from = c.trace().len();
    c.apply(Action::Restart(f)).unwrap();
    // Rebuilt at once from disk, before hearing from anyone.
    let v = c.node_view(f).unwrap();
    assert_eq!(v.kvs, before.kvs);
    assert_eq!((v.revision, v.applied, v.snapshot_index), (before.revision, before.applied, before.snapshot_index));
    c.apply(Action::Advance(1_000)).unwrap();
    let reapplied: Vec<u64> = c
        .trace()
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            TraceEvent::Applied { node, first, .. } if node == f && first <= before.applied => Some(first),
            _ => None,
        })
        .collect();
    assert_eq!(reapplied, Vec::<u64>::new(), "entries the backend already holds are not applied again");
    let no_snapshot = c.trace().since(from).iter().all(|r| match &r.event {
        TraceEvent::MessageSent { id, .. } => {
            c.trace().message(*id).is_some_and(|m| m.msg_type != MessageType::MsgSnapshot)
        }
        TraceEvent::SnapshotApplied { .. } => false,
        _ => true,
    });
    assert!(no_snapshot, "no snapshot was needed");
    assert_eq!(c.node_view(f).unwrap().kvs, c.node_view(leader).unwrap().kvs);
}

/// etcd 3.4 compacts its raft storage to `snapshot index - SnapshotCatchUpEntries`, and
/// `MemoryStorage.Compact(i)` keeps `i` only as the dummy entry: the first index is `i + 1`,
/// so exactly `snapshot_catchup_entries` entries (here 2) stay at and below the snapshot.
#[test]
fn the_log_keeps_exactly_snapshot_catchup_entries_behind_a_snapshot() {
    let mut c = cluster(9);
    let leader = c.leader().unwrap();
    for i in 0..30 {
        put(&mut c, leader, &format!("k{i:02}"), &format!("v{i}"));
    }
    for n in 1..=3 {
        let v = c.node_view(n).unwrap();
        assert!(v.snapshot_index > 0, "n{n} snapshotted");
        assert_eq!(
            v.first_index,
            v.snapshot_index - 2 + 1,
            "n{n}: 2 entries kept behind snapshot {}",
            v.snapshot_index
        );
    }
}

/// etcd 3.4's trigger (`if appliedi-snapi <= SnapshotCount { return }`): with a count of 10,
/// the first snapshot is at index 11, the next at 22.
#[test]
fn a_member_snapshots_once_more_than_snapshot_count_entries_are_applied() {
    let mut c = cluster(9);
    let leader = c.leader().unwrap();
    let from = c.trace().len();
    for i in 0..25 {
        put(&mut c, leader, &format!("k{i:02}"), "v");
    }
    let mut at: Vec<u64> = c
        .trace()
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            TraceEvent::SnapshotCreated { node, index, .. } if node == leader => Some(index),
            _ => None,
        })
        .collect();
    at.dedup();
    // The boot log holds 8 entries (3 members, the leader's empty entry, 3 publishes and
    // the cluster version), so 25 puts reach index 33.
    assert_eq!(at, vec![11, 22, 33]);
}
