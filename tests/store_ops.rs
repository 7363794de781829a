//! etcd v3 store operations through the console, compared with etcdctl 3.4.23's exact
//! output (tests/testdata/etcd-3.4.23.md): put/get/del and their flags, `-w json` headers,
//! revisions and compaction errors, txn (one-line and stdin forms), leases, alarms, defrag,
//! member list, endpoint status/health, snapshot save/restore, version, usage errors.
//! stdout and stderr are checked separately (etcdctl prints errors on stderr).

use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

mod common;
use common::{err, line, ok};

fn session() -> Session {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 7)).unwrap();
    assert_eq!(line(&mut s, "run 3s"), ok("t=3s\n"));
    assert!(s.cluster().leader().is_some());
    s
}

/// `{"cluster_id":…,"member_id":…,"revision":R,"raft_term":T}` for endpoint `n`.
fn header(s: &Session, n: u64, revision: i64) -> String {
    let v = s.cluster().node_view(n).unwrap();
    format!(
        "{{\"cluster_id\":{},\"member_id\":{},\"revision\":{revision},\"raft_term\":{}}}",
        s.cluster().cluster_id(),
        v.member_id,
        v.term
    )
}

#[test]
fn put_get_del_and_their_flags() {
    let mut s = session();
    assert_eq!(line(&mut s, "put x 0"), ok("OK\n"));
    assert_eq!(line(&mut s, "put x 1 --prev-kv"), ok("OK\nx\n0\n"));
    for k in ["a", "b", "c"] {
        assert_eq!(line(&mut s, &format!("put svc/{k} v-{k}")), ok("OK\n"));
    }
    assert_eq!(line(&mut s, "get x"), ok("x\n1\n"));
    assert_eq!(line(&mut s, "get nokey"), ok(""));
    assert_eq!(line(&mut s, "get svc --prefix"), ok("svc/a\nv-a\nsvc/b\nv-b\nsvc/c\nv-c\n"));
    assert_eq!(line(&mut s, "get svc/b --from-key"), ok("svc/b\nv-b\nsvc/c\nv-c\nx\n1\n"));
    assert_eq!(line(&mut s, "get svc/a svc/c"), ok("svc/a\nv-a\nsvc/b\nv-b\n"), "range end is exclusive");
    assert_eq!(line(&mut s, "get svc --prefix --keys-only"), ok("svc/a\n\nsvc/b\n\nsvc/c\n\n"));
    assert_eq!(line(&mut s, "get svc --prefix --limit=2"), ok("svc/a\nv-a\nsvc/b\nv-b\n"));
    assert_eq!(line(&mut s, "get svc --prefix --print-value-only"), ok("v-a\nv-b\nv-c\n"));
    assert_eq!(line(&mut s, "get svc --prefix --limit=1 --print-value-only"), ok("v-a\n"));
    assert_eq!(
        line(&mut s, "get svc --prefix --consistency=s --endpoints=n3"),
        ok("svc/a\nv-a\nsvc/b\nv-b\nsvc/c\nv-c\n")
    );
    assert_eq!(line(&mut s, "get svc --prefix --consistency=x"), err("Error: unknown consistency flag \"x\"\n"));
    assert_eq!(
        line(&mut s, "get svc --prefix --sort-by=KEY --order=DESCEND --keys-only"),
        ok("svc/c\n\nsvc/b\n\nsvc/a\n\n")
    );

    assert_eq!(line(&mut s, "del nokey"), ok("0\n"));
    assert_eq!(line(&mut s, "del svc/a svc/c --prev-kv"), ok("2\nsvc/a\nv-a\nsvc/b\nv-b\n"));
    assert_eq!(line(&mut s, "del svc --prefix"), ok("1\n"));
    assert_eq!(line(&mut s, "del a --from-key"), ok("1\n"), "only x is left at or after \"a\"");
    assert_eq!(line(&mut s, "get '' --from-key"), ok(""));
}

#[test]
fn json_headers_carry_the_revision_and_raft_term() {
    let mut s = session();
    assert_eq!(line(&mut s, "put x 0 -w json"), ok(&format!("{{\"header\":{}}}\n", header(&s, 1, 2))));
    assert_eq!(
        line(&mut s, "put x 1 --prev-kv -w json"),
        ok(&format!(
            "{{\"header\":{},\"prev_kv\":{{\"key\":\"eA==\",\"create_revision\":2,\"mod_revision\":2,\"version\":1,\"value\":\"MA==\"}}}}\n",
            header(&s, 1, 3)
        ))
    );
    assert_eq!(
        line(&mut s, "get x -w json --endpoints=n2"),
        ok(&format!(
            "{{\"header\":{},\"kvs\":[{{\"key\":\"eA==\",\"create_revision\":2,\"mod_revision\":3,\"version\":2,\"value\":\"MQ==\"}}],\"count\":1}}\n",
            header(&s, 2, 3)
        ))
    );
    assert_eq!(line(&mut s, "get nokey -w json"), ok(&format!("{{\"header\":{}}}\n", header(&s, 1, 3))));
    assert_eq!(line(&mut s, "del nokey -w json"), ok(&format!("{{\"header\":{}}}\n", header(&s, 1, 3))));
    assert_eq!(line(&mut s, "del x -w json"), ok(&format!("{{\"header\":{},\"deleted\":1}}\n", header(&s, 1, 4))));
    // The term is the raft term of the answering member: 2 after the first election.
    assert_eq!(s.cluster().node_view(1).unwrap().term, 2);
    // -w table is refused after the request was sent, so the put applies.
    assert_eq!(line(&mut s, "put y 2 -w table"), err("Error: table not supported as output format\n"));
    assert_eq!(line(&mut s, "get y"), ok("y\n2\n"));
}

#[test]
fn revisions_and_compaction() {
    let mut s = session();
    for v in 0..4 {
        assert_eq!(line(&mut s, &format!("put x {v}")), ok("OK\n"));
    } // x at revisions 2, 3, 4, 5
    assert_eq!(line(&mut s, "get x --rev=3"), ok("x\n1\n"));
    assert_eq!(
        line(&mut s, "get x --rev=100"),
        err("Error: etcdserver: mvcc: required revision is a future revision\n")
    );
    assert_eq!(line(&mut s, "get x --rev=1"), ok(""), "before x existed");
    assert_eq!(line(&mut s, "compact 4"), ok("compacted revision 4\n"));
    assert_eq!(line(&mut s, "get x --rev=3"), err("Error: etcdserver: mvcc: required revision has been compacted\n"));
    assert_eq!(line(&mut s, "get x --rev=4"), ok("x\n2\n"), "the compaction revision itself stays readable");
    assert_eq!(line(&mut s, "get x --rev=5"), ok("x\n3\n"));
    assert_eq!(line(&mut s, "compact 4"), err("Error: etcdserver: mvcc: required revision has been compacted\n"));
    assert_eq!(line(&mut s, "compact 0"), err("Error: etcdserver: mvcc: required revision has been compacted\n"));
    assert_eq!(line(&mut s, "compact 6"), err("Error: etcdserver: mvcc: required revision is a future revision\n"));
    assert_eq!(line(&mut s, "compact 5 --physical"), ok("compacted revision 5\n"));
    assert_eq!(
        line(&mut s, "compact 5 -w json"),
        err("Error: etcdserver: mvcc: required revision has been compacted\n")
    );
    assert_eq!(line(&mut s, "compact"), err("Error: compaction command needs 1 argument\n"));
    assert_eq!(line(&mut s, "compact abc"), err("Error: strconv.ParseInt: parsing \"abc\": invalid syntax\n"));
    // Every member compacted (compaction goes through the log).
    assert_eq!(
        line(&mut s, "get x --rev=4 --consistency=s --endpoints=n3"),
        err("Error: etcdserver: mvcc: required revision has been compacted\n")
    );
}

#[test]
fn txn_one_line_and_stdin_forms() {
    let mut s = session();
    assert_eq!(line(&mut s, "put x 1"), ok("OK\n")); // rev 2
                                                     // stdin form: compares, blank, success ops, blank, failure ops, blank.
    for l in ["txn", "mod(\"x\") > \"0\"", "", "put x 10", "get x", ""] {
        assert_eq!(line(&mut s, l), ok(""), "{l:?} is read silently");
    }
    assert_eq!(line(&mut s, "put x 0"), ok(""));
    assert_eq!(line(&mut s, ""), ok("SUCCESS\n\nOK\n\nx\n10\n"));
    let feed = |s: &mut Session, body: &[&str]| -> (String, String) {
        let mut last = (String::new(), String::new());
        for l in body {
            last = line(s, l);
        }
        last
    };
    assert_eq!(feed(&mut s, &["txn", "value(\"x\") = \"10\"", "", "put x 11", "", "get x", ""]), ok("SUCCESS\n\nOK\n"));
    assert_eq!(
        feed(&mut s, &["txn", "value(\"x\") = \"10\"", "", "put x 11", "", "get x", ""]),
        ok("FAILURE\n\nx\n11\n")
    );
    assert_eq!(feed(&mut s, &["txn", "version(\"x\") = \"3\"", "", "del x", "", ""]), ok("SUCCESS\n\n1\n"));
    assert_eq!(feed(&mut s, &["txn", "create(\"lock\") = \"0\"", "", "put lock a", "", ""]), ok("SUCCESS\n\nOK\n"));
    assert_eq!(
        feed(&mut s, &["txn", "create(\"lock\") = \"0\"", "", "put lock b", "", "get lock", ""]),
        ok("FAILURE\n\nlock\na\n")
    );
    assert_eq!(feed(&mut s, &["txn", "mod(\"x\") < \"0\"", "", "put x 10", "", ""]), ok("FAILURE\n"));
    assert_eq!(feed(&mut s, &["txn", "", "", ""]), ok("SUCCESS\n"));
    assert_eq!(
        feed(&mut s, &["txn", "value(\"x\") = 1"]),
        err("Error: malformed comparison: value(\"x\") = 1; got value(\"x\") = \"\"\n")
    );
    assert_eq!(feed(&mut s, &["txn", "", "foo x"]), err("Error: invalid txn request: foo x\n"));
    // -w json: succeeded is omitted when false, responses when empty.
    let rev = s.cluster().node_view(1).unwrap().revision;
    assert_eq!(
        feed(&mut s, &["txn -w json", "mod(\"lock\") < \"0\"", "", "put x 10", "", ""]),
        ok(&format!("{{\"header\":{}}}\n", header(&s, 1, rev)))
    );
    assert_eq!(
        feed(&mut s, &["txn -w json", "version(\"nokey\") = \"0\"", "", "put lock2 a", "", ""]),
        ok(&format!(
            "{{\"header\":{},\"succeeded\":true,\"responses\":[{{\"Response\":{{\"ResponsePut\":{{\"header\":{{\"revision\":{}}}}}}}}}]}}\n",
            header(&s, 1, rev + 1),
            rev + 1
        ))
    );
    // One-line form.
    assert_eq!(line(&mut s, "txn 'value(\"lock\") = \"a\"' then 'put lock c' else 'get lock'"), ok("SUCCESS\n\nOK\n"));
    assert_eq!(
        line(&mut s, "txn 'value(\"lock\") = \"a\"' then 'put lock d' else 'get lock'"),
        ok("FAILURE\n\nlock\nc\n")
    );
    assert_eq!(line(&mut s, "get lock"), ok("lock\nc\n"));
}

#[test]
fn leases_and_their_errors() {
    let mut s = session();
    let (out, e) = line(&mut s, "lease grant 100");
    assert_eq!(e, "");
    let id = out.strip_prefix("lease ").unwrap().split(' ').next().unwrap().to_string();
    assert_eq!(out, format!("lease {id} granted with TTL(100s)\n"));
    assert_eq!(line(&mut s, &format!("put svc/a 1 --lease={id}")), ok("OK\n"));
    assert_eq!(
        line(&mut s, &format!("lease timetolive {id} --keys")),
        ok(&format!("lease {id} granted with TTL(100s), remaining(99s), attached keys([svc/a])\n"))
    );
    assert_eq!(
        line(&mut s, &format!("lease keep-alive --once {id}")),
        ok(&format!("lease {id} keepalived with TTL(100)\n"))
    );
    assert_eq!(line(&mut s, "lease list"), ok(&format!("found 1 leases\n{id}\n")));
    assert_eq!(line(&mut s, "lease grant 1"), ok(&format!("lease {} granted with TTL(2s)\n", next_id(&id, 1))));
    assert_eq!(line(&mut s, &format!("lease revoke {id}")), ok(&format!("lease {id} revoked\n")));
    assert_eq!(line(&mut s, "get svc/a"), ok(""));
    assert_eq!(
        line(&mut s, &format!("lease revoke {id}")),
        err("Error: failed to revoke lease (etcdserver: requested lease not found)\n")
    );
    assert_eq!(
        line(&mut s, "lease revoke 123"),
        err("Error: failed to revoke lease (etcdserver: requested lease not found)\n")
    );
    assert_eq!(line(&mut s, "put z 1 --lease=1234abcd"), err("Error: etcdserver: requested lease not found\n"));
    assert_eq!(
        line(&mut s, "put z 1 --lease=zzz"),
        err("Error: bad lease ID (strconv.ParseInt: parsing \"zzz\": invalid syntax), expecting ID in Hex\n")
    );
    assert_eq!(line(&mut s, "lease timetolive 1234abcd"), ok("lease 000000001234abcd already expired\n"));
    assert_eq!(line(&mut s, "lease revoke"), err("Error: lease revoke command needs 1 argument\n"));
    assert_eq!(line(&mut s, "lease timetolive"), err("Error: lease timetolive command needs lease ID as argument\n"));
    assert_eq!(line(&mut s, "lease keep-alive"), err("Error: lease keep-alive command needs lease ID as argument\n"));
}

/// Lease ids are handed out in sequence, as etcd's lessor does.
fn next_id(id: &str, by: u64) -> String {
    format!("{:016x}", u64::from_str_radix(id, 16).unwrap() + by)
}

#[test]
fn maintenance_alarm_defrag_member_list_endpoint_status_and_health() {
    let mut s = session();
    assert_eq!(line(&mut s, "put x 1"), ok("OK\n"));
    assert_eq!(line(&mut s, "alarm list"), ok(""));
    assert_eq!(line(&mut s, "alarm list -w json"), ok("{}\n"));
    assert_eq!(line(&mut s, "alarm disarm"), ok(""));
    assert_eq!(line(&mut s, "defrag"), ok("Finished defragmenting etcd member[n1]\n"));
    assert_eq!(line(&mut s, "defrag -w json"), ok("Finished defragmenting etcd member[n1]\n"));

    let leader = s.cluster().leader().unwrap();
    let views: Vec<_> = (1..=3).map(|n| s.cluster().node_view(n).unwrap()).collect();
    let mut by_id = views.clone();
    by_id.sort_by_key(|v| v.member_id);
    let list: String = by_id
        .iter()
        .map(|v| {
            format!("{:x}, started, n{}, http://n{}:2380, http://n{}:2379, false\n", v.member_id, v.id, v.id, v.id)
        })
        .collect();
    assert_eq!(line(&mut s, "member list"), ok(&list));
    let table = line(&mut s, "member list -w table").0;
    let rule = "+------------------+---------+------+----------------+----------------+------------+\n";
    let mut expect =
        format!("{rule}|        ID        | STATUS  | NAME |   PEER ADDRS   |  CLIENT ADDRS  | IS LEARNER |\n{rule}");
    for v in &by_id {
        expect.push_str(&format!(
            "| {:16x} | started | {:>4} | http://n{}:2380 | http://n{}:2379 |      false |\n",
            v.member_id,
            format!("n{}", v.id),
            v.id,
            v.id
        ));
    }
    expect.push_str(rule);
    assert_eq!(table, expect);

    let v1 = &views[0];
    let leader_mid = s.cluster().node_view(leader).unwrap().member_id;
    assert_eq!(
        line(&mut s, "endpoint status"),
        ok(&format!(
            "n1, {:x}, 3.4.23, 20 kB, {}, false, 2, {}, {}, \n",
            v1.member_id,
            leader == 1,
            v1.committed,
            v1.applied
        ))
    );
    assert_eq!(
        line(&mut s, "endpoint status -w json"),
        ok(&format!(
            "[{{\"Endpoint\":\"n1\",\"Status\":{{\"header\":{},\"version\":\"3.4.23\",\"dbSize\":20480,\"leader\":{leader_mid},\"raftIndex\":{},\"raftTerm\":2,\"raftAppliedIndex\":{},\"dbSizeInUse\":16384}}}}]\n",
            header(&s, 1, 2),
            v1.committed,
            v1.applied
        ))
    );
    let cluster_status = line(&mut s, "endpoint status --cluster").0;
    assert_eq!(cluster_status.lines().count(), 3);
    assert_eq!(cluster_status.lines().filter(|l| l.contains(", true, false, 2, ")).count(), 1, "{cluster_status}");
    let (out, e) = line(&mut s, "endpoint health");
    assert_eq!(out, "", "etcdctl prints health on stderr");
    assert!(e.starts_with("n1 is healthy: successfully committed proposal: took = ") && e.ends_with("ms\n"), "{e:?}");
    let (out, e) = line(&mut s, "endpoint health --cluster");
    assert_eq!(out, "");
    assert_eq!(
        e.lines().filter(|l| l.contains(":2379 is healthy: successfully committed proposal: took = ")).count(),
        3,
        "{e}"
    );
}

#[test]
fn snapshot_save_then_restore_serves_the_same_keys() {
    let mut s = session();
    for (k, v) in [("a", "1"), ("b", "2"), ("a", "3")] {
        assert_eq!(line(&mut s, &format!("put {k} {v}")), ok("OK\n"));
    }
    let old_cluster = s.cluster().cluster_id();
    let saved_kvs = s.cluster().node_view(1).unwrap().kvs;
    assert_eq!(line(&mut s, "snapshot save s.db"), ok("Snapshot saved at s.db\n"));
    assert_eq!(line(&mut s, "put c 9"), ok("OK\n"), "after the save: not in the snapshot");
    assert_eq!(line(&mut s, "snapshot save"), err("Error: snapshot save expects one argument\n"));
    assert_eq!(line(&mut s, "snapshot restore"), err("Error: snapshot restore requires exactly one argument\n"));
    assert_eq!(line(&mut s, "snapshot restore s.db"), ok(""), "etcdctl prints nothing on stdout");
    // etcd derives ids from the peer URLs and the cluster token: restored with the same
    // ones, the members and the cluster get the same ids back.
    assert_eq!(s.cluster().cluster_id(), old_cluster, "the same peer URLs and token give the same cluster id");
    assert_eq!(line(&mut s, "run 3s").1, "");
    assert!(s.cluster().leader().is_some());
    for n in 1..=3 {
        assert_eq!(s.cluster().node_view(n).unwrap().kvs, saved_kvs, "n{n} restored the saved keys");
    }
    assert_eq!(line(&mut s, "get '' --from-key"), ok("a\n3\nb\n2\n"));
    let json = line(&mut s, "get a -w json").0;
    assert!(
        json.contains("\"kvs\":[{\"key\":\"YQ==\",\"create_revision\":2,\"mod_revision\":4,\"version\":2,"),
        "{json}"
    );
    assert_eq!(line(&mut s, "put d 4"), ok("OK\n"), "the restored cluster takes writes");
    assert_eq!(line(&mut s, "get d --endpoints=n3"), ok("d\n4\n"));
}

/// Another `--initial-cluster-token` gives the restored cluster another identity: etcd
/// hashes the token into every member id, and the member ids into the cluster id. The
/// figures are the ids a real etcd 3.4.23 derives for peer URLs http://nK:2380.
#[test]
fn a_restore_with_another_token_makes_other_ids() {
    let mut s = session();
    assert_eq!(s.cluster().cluster_id(), 1315810426032374698);
    assert_eq!(s.cluster().node_view(1).unwrap().member_id, 0x5440ff22fe632778);
    assert_eq!(line(&mut s, "put a 1"), ok("OK\n"));
    assert_eq!(line(&mut s, "snapshot save s.db"), ok("Snapshot saved at s.db\n"));
    assert_eq!(line(&mut s, "snapshot restore s.db --initial-cluster-token other-token"), ok(""));
    let n1 = s.cluster().node_view(1).unwrap().member_id;
    assert_eq!(n1, raftlab::engine::ids::member_id(&["http://n1:2380".into()], "other-token", None));
    assert_ne!(n1, 0x5440ff22fe632778);
    let ids: Vec<u64> = (1..=3).map(|k| s.cluster().node_view(k).unwrap().member_id).collect();
    assert_eq!(s.cluster().cluster_id(), raftlab::engine::ids::cluster_id(&ids));
    assert_eq!(line(&mut s, "run 3s").1, "");
    let list = line(&mut s, "member list").0;
    assert!(list.contains(&format!("{n1:x}, started, n1, http://n1:2380, http://n1:2379, false")), "{list}");
    assert_eq!(line(&mut s, "get a"), ok("a\n1\n"));
}

#[test]
fn version_usage_errors_and_unknown_commands() {
    let mut s = session();
    let before = s.cluster().trace_hash();
    assert_eq!(line(&mut s, "version"), ok("etcdctl version: 3.4.23\nAPI version: 3.4\n"));
    assert_eq!(
        line(&mut s, "get"),
        err("Error: get command needs one argument as key and an optional argument as range_end\n")
    );
    assert_eq!(line(&mut s, "put"), err("Error: put command needs 1 argument and input from stdin or 2 arguments\n"));
    assert_eq!(line(&mut s, "put z"), err("Error: put command needs 1 argument and input from stdin or 2 arguments\n"));
    assert_eq!(
        line(&mut s, "del"),
        err("Error: del command needs one argument as key and an optional argument as range_end\n")
    );
    assert_eq!(
        line(&mut s, "del a b c"),
        err("Error: del command needs one argument as key and an optional argument as range_end\n")
    );
    assert_eq!(
        line(&mut s, "put x 9 --ignore-value"),
        err("Error: put command needs only 1 argument when 'ignore-value' is set\n")
    );
    assert_eq!(line(&mut s, "lease grant"), err("Error: lease grant command needs TTL argument\n"));
    assert_eq!(line(&mut s, "member promote"), err("Error: member ID is not provided\n"));
    assert_eq!(line(&mut s, "watch"), err("Error: bad number of arguments\n"));
    // etcdctl (cobra) prints the Error line, a usage hint and the Error line again.
    assert_eq!(
        line(&mut s, "bogus"),
        err("Error: unknown command \"bogus\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\nError: unknown command \"bogus\" for \"etcdctl\"\n")
    );
    assert_eq!(line(&mut s, "put x 1 --bogus"), err("Error: unknown flag: --bogus\n"));
    assert_eq!(s.cluster().trace_hash(), before, "none of these reached the cluster");
    assert_eq!(line(&mut s, "put '' v"), err("Error: etcdserver: key is not provided\n"));
    assert_eq!(line(&mut s, "put nokey --ignore-value"), err("Error: etcdserver: key not found\n"));
}

/// etcdctl 3.4.23, `watch svc --prefix --rev=2` after a compaction at 8, prints on stderr:
/// `watch was canceled (etcdserver: mvcc: required revision has been compacted)` then
/// `Error: watch is canceled by the server`.
#[test]

fn a_watch_from_a_compacted_revision_is_canceled_with_the_reason() {
    let mut s = session();
    for v in 0..3 {
        assert_eq!(line(&mut s, &format!("put x {v}")), ok("OK\n"));
    }
    assert_eq!(line(&mut s, "compact 3"), ok("compacted revision 3\n"));
    let o = s.run_line("watch x --rev=2");
    let all = format!("{}{}{}", o.stdout, o.stderr, s.take_watch_output());
    assert_eq!(
        all,
        "watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n"
    );
}

/// etcdctl 3.4.23: `snapshot status s.db -w table` prints a
/// `| HASH | REVISION | TOTAL KEYS | TOTAL SIZE |` table.
#[test]

fn snapshot_status_as_a_table() {
    let mut s = session();
    assert_eq!(line(&mut s, "snapshot save s.db"), ok("Snapshot saved at s.db\n"));
    let simple = line(&mut s, "snapshot status s.db").0;
    let f: Vec<&str> = simple.trim_end().split(", ").collect();
    assert_eq!(f.len(), 4, "{simple:?}");
    let table = line(&mut s, "snapshot status s.db -w table").0;
    assert!(
        table.starts_with(
            "+----------+----------+------------+------------+\n|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n"
        ),
        "{table}"
    );
    assert!(table.contains(&format!("| {} |", f[0])), "{table}");
}

/// etcdctl 3.4.23: `snapshot restore nosuch.db ...` → `Error: open nosuch.db: no such file or directory`.
#[test]

fn snapshot_restore_of_a_missing_file() {
    let mut s = session();
    assert_eq!(line(&mut s, "snapshot restore nosuch.db"), err("Error: open nosuch.db: no such file or directory\n"));
}
