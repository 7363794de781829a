//! Lesson 16, quota and alarms: with a small `quota_backend_bytes`, puts fill the backend
//! until etcd's NOSPACE alarm goes up; then only reads and deletes work; `compact`,
//! `defrag` and `alarm disarm` bring writes back. Texts as etcd 3.4.23 prints them.

use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

fn run(s: &mut Session, l: &str) -> String {
    let o = s.run_line(l);
    o.stdout + &o.stderr
}

#[test]
fn nospace_alarm_blocks_writes_until_compact_defrag_and_disarm() {
    let cfg = ClusterConfig { nodes: 3, seed: 1, quota_backend_bytes: 64 * 1024, ..Default::default() };
    let mut s = Session::new(cfg).unwrap();
    run(&mut s, "run 7s");
    let big = "x".repeat(20_000);
    assert_eq!(run(&mut s, &format!("put big1 {big}")), "OK\n");
    assert_eq!(run(&mut s, &format!("put big2 {big}")), "OK\n");
    let full = "Error: etcdserver: mvcc: database space exceeded\n";
    assert_eq!(run(&mut s, &format!("put big3 {big}")), full);
    let member = s.cluster().node_view(1).unwrap().member_id;
    let alarm = format!("memberID:{member} alarm:NOSPACE \n");
    assert_eq!(run(&mut s, "alarm list"), alarm);
    // Every member applied the alarm, so a small put through another member fails too.
    assert_eq!(run(&mut s, "put small 1 --endpoints=n2"), full);
    // Reads and deletes still work.
    assert_eq!(run(&mut s, "get big1 --keys-only"), "big1\n\n");
    assert_eq!(run(&mut s, "del big1"), "1\n");
    let status = run(&mut s, "endpoint status");
    assert!(status.contains(&format!("memberID:{member} alarm:NOSPACE")), "{status}");
    // Compaction frees pages, defrag gives them back, disarm lifts the alarm.
    assert_eq!(run(&mut s, "compact 4"), "compacted revision 4\n");
    assert_eq!(run(&mut s, "defrag"), "Finished defragmenting etcd member[n1]\n");
    assert_eq!(run(&mut s, "alarm disarm"), alarm);
    assert_eq!(run(&mut s, "alarm list"), "");
    assert_eq!(run(&mut s, "put small 1"), "OK\n");
    assert_eq!(run(&mut s, "get small --print-value-only"), "1\n");
}
