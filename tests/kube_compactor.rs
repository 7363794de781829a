//! `kube compactor 5m`: kube-apiserver's periodic compactor on the simulated clock. Its
//! first round only records a revision in compact_rev_key; each later round compacts to
//! the revision of the round before, so etcd keeps between one and two intervals of history.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, TraceEvent};

mod common;
use common::{line, ok};

#[test]
fn a_round_every_interval_compacts_to_the_round_before() {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 7)).unwrap();
    line(&mut s, "run 3s");
    assert_eq!(
        line(&mut s, "kube compactor 5m"),
        ok("compactor: a round every 5m through n1, the first in 5m (kube-apiserver's --etcd-compaction-interval)\n")
    );
    assert_eq!(line(&mut s, "put a 1"), ok("OK\n"));
    line(&mut s, "run 5m");
    // Round 1 wrote compact_rev_key (revision 3) and compacted nothing.
    assert_eq!(line(&mut s, "get compact_rev_key"), ok("compact_rev_key\n0\n"));
    assert_eq!(line(&mut s, "get a --rev=2"), ok("a\n1\n"));
    assert_eq!(line(&mut s, "put a 2"), ok("OK\n"));
    line(&mut s, "run 5m");
    // Round 2 (revision 5) compacted to revision 3, the revision round 1 saw.
    assert_eq!(line(&mut s, "get compact_rev_key"), ok("compact_rev_key\n3\n"));
    assert_eq!(line(&mut s, "get a --rev=2").1, "Error: etcdserver: mvcc: required revision has been compacted\n");
    assert_eq!(line(&mut s, "get a --rev=4"), ok("a\n2\n"));
    let logged: Vec<String> = s
        .cluster()
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::RaftLog { line, .. } if line.text.starts_with("kube-apiserver:") => Some(line.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(logged, vec!["kube-apiserver: etcd: compacted rev (3), endpoints ([http://n1:2379])".to_string()]);
    assert_eq!(line(&mut s, "kube compactor off"), ok("compactor: off\n"));
    line(&mut s, "run 20m");
    assert_eq!(line(&mut s, "get compact_rev_key"), ok("compact_rev_key\n3\n"), "no round after off");
    assert_eq!(
        line(&mut s, "kube compactor 10ms").1,
        "Error: the compaction interval is 1s to 24h (kube-apiserver's default is 5m)\n"
    );
}
