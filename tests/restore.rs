//! Restoring a backup member by member (`snapshot restore … --name nK --initial-cluster …
//! --data-dir D`, then `start nK --data-dir=D`): the member and cluster IDs are the ones
//! real etcdctl 3.4.23 computed for the same URLs and token, a restored member belongs to
//! its new cluster (members of the old one refuse its messages, and it theirs), and a
//! cluster restored on every member serves the backup's data at the backup's revision.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, DropReason, TraceEvent};

mod common;
use common::{line, ok};

const IC: &str = "n1=http://n1:2380,n2=http://n2:2380,n3=http://n3:2380";

fn restore(s: &mut Session, k: u64, token: &str) -> String {
    let l = format!(
        "snapshot restore s.db --name n{k} --initial-cluster {IC} --initial-cluster-token {token} --initial-advertise-peer-urls http://n{k}:2380"
    );
    let out = s.run_line(&l);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""), "{l}");
    out.note
}

#[test]
fn ids_match_real_etcd_and_a_restored_member_is_cut_off_from_the_old_cluster() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 7)).unwrap();
    line(&mut s, "run 3s");
    assert_eq!(line(&mut s, "put a 1"), ok("OK\n"));
    line(&mut s, "snapshot save s.db");
    assert_eq!(line(&mut s, "put b 2"), ok("OK\n"));
    // etcdctl 3.4.23, token t2: n1 9d40c9f00e386c5d, n2 4b731308d68566a4, n3 eb6420bb24e9046a,
    // cluster 1c4f320e0f35e724.
    let note = restore(&mut s, 1, "t2");
    assert!(note.contains("member n1 (9d40c9f00e386c5d) of a new cluster 1c4f320e0f35e724"), "{note}");
    assert_eq!(line(&mut s, "kill n1"), ok("n1 killed\n"));
    assert_eq!(
        line(&mut s, "start n1 --data-dir=n1.etcd"),
        ok("n1 started from n1.etcd: member 9d40c9f00e386c5d of cluster 1c4f320e0f35e724\n")
    );
    line(&mut s, "run 3s");
    // The old cluster goes on with n2 and n3 and never hears n1: every message between the
    // two clusters is dropped.
    assert_eq!(line(&mut s, "put c 3 --endpoints=n2"), ok("OK\n"));
    let mismatched = s
        .cluster()
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::MessageDropped { reason: DropReason::ClusterMismatch, .. }))
        .count();
    assert!(mismatched > 10, "only {mismatched} messages were refused");
    assert_eq!(s.cluster().node_view(1).unwrap().revision, 2, "n1 holds the backup, not b or c");
    assert_eq!(line(&mut s, "get c --endpoints=n3 --consistency=s"), ok("c\n3\n"));
}

#[test]
fn a_cluster_restored_on_every_member_serves_the_backup() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 7)).unwrap();
    line(&mut s, "run 3s");
    line(&mut s, "put a 1");
    line(&mut s, "snapshot save s.db");
    line(&mut s, "del a");
    for k in 1..=3 {
        line(&mut s, &format!("kill n{k}"));
        restore(&mut s, k, "t2");
    }
    for k in 1..=3 {
        line(&mut s, &format!("start n{k} --data-dir=n{k}.etcd"));
    }
    line(&mut s, "run 3s");
    assert_eq!(
        line(&mut s, "member list"),
        ok("4b731308d68566a4, started, n2, http://n2:2380, http://n2:2379, false\n\
            9d40c9f00e386c5d, started, n1, http://n1:2380, http://n1:2379, false\n\
            eb6420bb24e9046a, started, n3, http://n3:2380, http://n3:2379, false\n")
    );
    assert_eq!(line(&mut s, "get a"), ok("a\n1\n"));
    assert_eq!(line(&mut s, "put z 9"), ok("OK\n"));
    let rev = s.cluster().node_view(1).unwrap().revision;
    assert_eq!(rev, 3, "the backup's revision 2, then one write");
    // The data dirs were used up: a second start from one is refused.
    line(&mut s, "kill n3");
    assert_eq!(
        line(&mut s, "start n3 --data-dir=n3.etcd").1,
        "Error: no data dir \"n3.etcd\": make one with snapshot restore <file> --name n3 … --data-dir n3.etcd\n"
    );
}
