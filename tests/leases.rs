//! Lesson 13, leases through the console: the 2 s minimum TTL, `timetolive --keys` while a
//! lease lives, expiry without keep-alive (the leader proposes a LeaseRevoke through the raft
//! log; every member deletes the keys; a `watch --prefix --prev-kv` prints etcdctl's DELETE
//! blocks with the previous value), `keep-alive --once` every 2 s keeping keys alive, and
//! revoke / missing-lease errors, all with etcdctl 3.4.23's texts.

use raftlab::console::session::Session;
use raftlab::engine::{ClusterConfig, NodeId};

mod common;
use common::{err, line, ok, secs};

fn session(seed: u64) -> Session {
    let mut s = Session::new(ClusterConfig::with_nodes(3, seed)).unwrap();
    assert_eq!(line(&mut s, "run 3s"), ok("t=3s\n"));
    s
}

/// `lease grant N` → the lease id (16 hex digits) after checking the whole line.
fn grant(s: &mut Session, ttl: i64, expect_ttl: i64) -> String {
    let (out, e) = line(s, &format!("lease grant {ttl}"));
    assert_eq!(e, "");
    let id = out.strip_prefix("lease ").and_then(|r| r.split(' ').next()).unwrap_or_default().to_string();
    assert_eq!(id.len(), 16, "{out:?}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{out:?}");
    assert_eq!(out, format!("lease {id} granted with TTL({expect_ttl}s)\n"));
    id
}

fn keys_on(s: &Session, id: NodeId, prefix: &str) -> Vec<String> {
    s.cluster()
        .node_view(id)
        .unwrap()
        .kvs
        .iter()
        .map(|kv| String::from_utf8_lossy(&kv.key).into_owned())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

#[test]
fn the_minimum_ttl_is_two_seconds() {
    let mut s = session(1);
    grant(&mut s, 1, 2);
    grant(&mut s, 0, 2);
    grant(&mut s, 2, 2);
    grant(&mut s, 3, 3);
    assert!(line(&mut s, "lease grant -- -5").0.ends_with(" granted with TTL(2s)\n"));
    assert_eq!(line(&mut s, "lease grant"), err("Error: lease grant command needs TTL argument\n"));
    assert_eq!(
        line(&mut s, "lease grant abc"),
        err("Error: bad TTL (strconv.ParseInt: parsing \"abc\": invalid syntax)\n")
    );
    assert_eq!(line(&mut s, "lease list").0.lines().next(), Some("found 5 leases"));
}

#[test]
fn keys_vanish_when_the_lease_expires_and_the_watch_sees_deletes_with_prev_kv() {
    let mut s = session(2);
    let id = grant(&mut s, 5, 5);
    assert_eq!(line(&mut s, &format!("put svc/a 1 --lease={id}")), ok("OK\n"));
    assert_eq!(line(&mut s, &format!("put svc/b 2 --lease={id}")), ok("OK\n"));
    assert_eq!(line(&mut s, "put svc/keep 3"), ok("OK\n"));
    assert_eq!(line(&mut s, "watch svc --prefix --prev-kv"), ok(""));
    assert_eq!(s.take_watch_output(), "");
    assert_eq!(
        line(&mut s, &format!("lease timetolive {id} --keys")),
        ok(&format!("lease {id} granted with TTL(5s), remaining(4s), attached keys([svc/a svc/b])\n"))
    );
    assert_eq!(
        line(&mut s, &format!("lease timetolive {id}")),
        ok(&format!("lease {id} granted with TTL(5s), remaining(4s)\n"))
    );
    let (json, _) = line(&mut s, "get svc/a -w json");
    let lease_dec = i64::from_str_radix(&id, 16).unwrap();
    assert!(json.contains(&format!(",\"lease\":{lease_dec}}}")), "{json}");

    assert_eq!(line(&mut s, "run 7s").1, "");
    for n in 1..=3 {
        assert_eq!(keys_on(&s, n, "svc/"), vec!["svc/keep"], "n{n}");
    }
    assert_eq!(
        s.take_watch_output(),
        "DELETE\nsvc/a\n1\nsvc/a\n\nDELETE\nsvc/b\n2\nsvc/b\n\n",
        "etcdctl prints the prev kv, then the deleted key with an empty value"
    );
    assert_eq!(line(&mut s, "get svc --prefix --keys-only"), ok("svc/keep\n\n"));
    assert_eq!(line(&mut s, &format!("lease timetolive {id}")), ok(&format!("lease {id} already expired\n")));
    // The expiry went through the log: the leader proposed `lease revoke <id>`, and every
    // member has it committed at the same index.
    let leader = s.cluster().leader().unwrap();
    let committed = s.cluster().node_view(leader).unwrap().committed;
    let revokes: Vec<(u64, u64)> = s
        .cluster()
        .log_entries(leader, 1, committed)
        .iter()
        .filter(|e| e.summary == format!("lease revoke {id}"))
        .map(|e| (e.index, e.term))
        .collect();
    assert_eq!(revokes.len(), 1, "one LeaseRevoke entry");
    for n in 1..=3 {
        let e = s.cluster().log_entries(n, revokes[0].0, revokes[0].0);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].term, e[0].summary.clone()), (revokes[0].1, format!("lease revoke {id}")), "n{n}");
    }

    // A client's revoke goes through raft too (etcd's LeaseRevoke is a raft request) and
    // fails when applied.
    assert_eq!(
        line(&mut s, &format!("lease revoke {id}")),
        err("Error: failed to revoke lease (etcdserver: requested lease not found)\n")
    );
}

#[test]
fn keep_alive_once_every_two_seconds_keeps_the_keys() {
    let mut s = session(3);
    let id = grant(&mut s, 5, 5);
    assert_eq!(line(&mut s, &format!("put svc/a 1 --lease={id}")), ok("OK\n"));
    for _ in 0..6 {
        assert_eq!(line(&mut s, "run 2s").1, "");
        assert_eq!(
            line(&mut s, &format!("lease keep-alive --once {id}")),
            ok(&format!("lease {id} keepalived with TTL(5)\n"))
        );
    }
    assert!(s.cluster().now_ms() >= 15_000);
    for n in 1..=3 {
        assert_eq!(keys_on(&s, n, "svc/"), vec!["svc/a"], "n{n} still has the key after 12 s");
    }
    assert_eq!(line(&mut s, "get svc/a"), ok("svc/a\n1\n"));
    // Stop renewing: gone within TTL plus the leader's expiry check.
    assert_eq!(line(&mut s, "run 7s").1, "");
    for n in 1..=3 {
        assert!(keys_on(&s, n, "svc/").is_empty(), "n{n}");
    }
}

#[test]
fn revoke_and_missing_lease_errors() {
    let mut s = session(4);
    let id = grant(&mut s, 100, 100);
    assert_eq!(line(&mut s, &format!("put svc/a 1 --lease={id}")), ok("OK\n"));
    assert_eq!(line(&mut s, "lease list"), ok(&format!("found 1 leases\n{id}\n")));
    assert_eq!(line(&mut s, &format!("lease revoke {id}")), ok(&format!("lease {id} revoked\n")));
    assert_eq!(line(&mut s, "get svc/a"), ok(""), "revoking deletes the attached keys");
    assert_eq!(
        line(&mut s, &format!("lease revoke {id}")),
        err("Error: failed to revoke lease (etcdserver: requested lease not found)\n")
    );
    assert_eq!(
        line(&mut s, "lease revoke 123"),
        err("Error: failed to revoke lease (etcdserver: requested lease not found)\n")
    );
    assert_eq!(line(&mut s, "lease list"), ok("found 0 leases\n"));
    assert_eq!(line(&mut s, "put z 1 --lease=1234abcd"), err("Error: etcdserver: requested lease not found\n"));
    assert_eq!(line(&mut s, "lease timetolive 1234abcd"), ok("lease 000000001234abcd already expired\n"));
    // The streaming form prints on its stream, as soon as the leader says the lease is gone.
    assert_eq!(line(&mut s, "lease keep-alive 1234abcd"), ok(""));
    assert_eq!(s.take_watch_output(), "lease 000000001234abcd expired or revoked.\n");
}

/// etcdctl 3.4.23: `lease keep-alive --once 1234abcd` → stderr
/// `Error: etcdserver: requested lease not found` (exit 2); without `--once` it prints
/// `lease 000000001234abcd expired or revoked.` on stdout.
#[test]

fn keep_alive_once_of_a_missing_lease_is_an_error() {
    let mut s = session(5);
    assert_eq!(line(&mut s, "lease keep-alive --once 1234abcd"), err("Error: etcdserver: requested lease not found\n"));
}

/// `lease keep-alive` without `--once` streams as etcdctl does: a renewal at once, then one
/// every TTL/3, each printed as it happens; the key outlives its TTL many times over. After
/// `cancel` (the learner's Ctrl-C) the lease runs out and the key is deleted through the log.
#[test]
fn a_keep_alive_stream_keeps_the_key_until_cancelled() {
    let mut s = session(11);
    let id = grant(&mut s, 6, 6);
    assert_eq!(line(&mut s, &format!("put svc/a 1 --lease={id}")), ok("OK\n"));
    assert_eq!(line(&mut s, "watch svc --prefix"), ok(""));
    assert_eq!(line(&mut s, &format!("lease keep-alive {id}")), ok(""));
    let kept = format!("lease {id} keepalived with TTL(6)\n");
    assert_eq!(s.take_watch_output(), kept);
    let start = s.cluster().now_ms();
    assert_eq!(line(&mut s, "run 20s"), ok(&format!("t={}\n", secs(start + 20_000))));
    // A renewal is due 2 s (TTL/3) after the last and goes out on the endpoint's next
    // 100 ms tick, so 20 s hold nine of them.
    assert_eq!(s.take_watch_output(), kept.repeat(9));
    assert_eq!(line(&mut s, "get svc/a --print-value-only"), ok("1\n"));
    assert_eq!(line(&mut s, "cancel 2"), ok("stopped stream 2\n"));
    line(&mut s, "run 10s");
    assert_eq!(s.take_watch_output(), "DELETE\nsvc/a\n\n");
    assert_eq!(line(&mut s, "get svc/a"), ok(""));
    assert_eq!(line(&mut s, "cancel 2"), err("Error: no watch or keep-alive 2 is running\n"));
}
