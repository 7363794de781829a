//! Each expected string below is copied from `tests/testdata/etcd-3.4.23.md`.

use super::*;
use crate::store::{
    AlarmMember, AlarmType, DeleteRangeResponse, Event, EventKind, KeyValue, LeaseInfo, PutResponse, RangeResponse,
    ResponseOp, TxnResponse,
};

const CLUSTER: u64 = 17556599939979232115;
const N1: u64 = 9640972802881480830;

fn hdr(revision: i64) -> Header {
    Header { cluster_id: CLUSTER, member_id: N1, revision, raft_term: 2 }
}

fn kv(key: &str, value: &str, create: i64, modr: i64, version: i64) -> KeyValue {
    KeyValue { key: key.into(), value: value.into(), create_revision: create, mod_revision: modr, version, lease: 0 }
}

fn svc() -> Vec<KeyValue> {
    vec![kv("svc/a", "v-svc/a", 11, 11, 1), kv("svc/b", "v-svc/b", 12, 12, 1), kv("svc/c", "v-svc/c", 13, 13, 1)]
}

const H13: &str = r#"{"cluster_id":17556599939979232115,"member_id":9640972802881480830,"revision":13,"raft_term":2}"#;

#[test]
fn put_simple_json_table() {
    let plain = PutResponse { prev_kv: None };
    assert_eq!(put(OutputFormat::Simple, &hdr(2), &plain), Output::out("OK\n"));
    let prev = PutResponse { prev_kv: Some(kv("x", "0", 2, 2, 1)) };
    assert_eq!(put(OutputFormat::Simple, &hdr(3), &prev).stdout, "OK\nx\n0\n");
    let prev = PutResponse { prev_kv: Some(kv("x", "1", 2, 3, 2)) };
    assert_eq!(
        put(OutputFormat::Json, &hdr(4), &prev).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":4,\"raft_term\":2},\"prev_kv\":{\"key\":\"eA==\",\"create_revision\":2,\"mod_revision\":3,\"version\":2,\"value\":\"MQ==\"}}\n"
    );
    assert_eq!(put(OutputFormat::Table, &hdr(4), &plain), Output::err("Error: table not supported as output format\n"));
}

#[test]
fn get_forms() {
    let all = RangeResponse { kvs: svc(), more: false, count: 3, header_revision: 0 };
    let s = get(OutputFormat::Simple, &hdr(13), &all, GetOptions::default());
    assert_eq!(s.stdout, "svc/a\nv-svc/a\nsvc/b\nv-svc/b\nsvc/c\nv-svc/c\n");
    let v = get(OutputFormat::Simple, &hdr(13), &all, GetOptions { print_value_only: true, ..GetOptions::default() });
    assert_eq!(v.stdout, "v-svc/a\nv-svc/b\nv-svc/c\n");
    assert_eq!(
        get(OutputFormat::Json, &hdr(13), &all, GetOptions::default()).stdout,
        format!("{{\"header\":{H13},\"kvs\":[{{\"key\":\"c3ZjL2E=\",\"create_revision\":11,\"mod_revision\":11,\"version\":1,\"value\":\"di1zdmMvYQ==\"}},{{\"key\":\"c3ZjL2I=\",\"create_revision\":12,\"mod_revision\":12,\"version\":1,\"value\":\"di1zdmMvYg==\"}},{{\"key\":\"c3ZjL2M=\",\"create_revision\":13,\"mod_revision\":13,\"version\":1,\"value\":\"di1zdmMvYw==\"}}],\"count\":3}}\n")
    );
    // --limit=2
    let limited = RangeResponse { kvs: svc()[..2].to_vec(), more: true, count: 3, header_revision: 0 };
    assert!(get(OutputFormat::Json, &hdr(13), &limited, GetOptions::default())
        .stdout
        .ends_with("\"value\":\"di1zdmMvYg==\"}],\"more\":true,\"count\":3}\n"));
    // --keys-only: the server sends no values.
    let keys = RangeResponse {
        kvs: svc().into_iter().map(|k| KeyValue { value: vec![], ..k }).collect(),
        more: false,
        count: 3,
        header_revision: 0,
    };
    assert_eq!(get(OutputFormat::Simple, &hdr(13), &keys, GetOptions::default()).stdout, "svc/a\n\nsvc/b\n\nsvc/c\n\n");
    assert!(get(OutputFormat::Json, &hdr(13), &keys, GetOptions::default())
        .stdout
        .contains("{\"key\":\"c3ZjL2E=\",\"create_revision\":11,\"mod_revision\":11,\"version\":1},"));
    // A missing key: nothing at all; JSON only the header.
    let none = RangeResponse::default();
    assert_eq!(get(OutputFormat::Simple, &hdr(13), &none, GetOptions::default()), Output::default());
    assert_eq!(
        get(OutputFormat::Json, &hdr(13), &none, GetOptions::default()).stdout,
        format!("{{\"header\":{H13}}}\n")
    );
}

#[test]
fn kv_with_lease_in_json() {
    let k = KeyValue { lease: 7529633755577777023, ..kv("svc/c", "3", 70, 70, 1) };
    let r = RangeResponse { kvs: vec![k], more: false, count: 1, header_revision: 0 };
    assert!(get(OutputFormat::Json, &hdr(70), &r, GetOptions::default())
        .stdout
        .ends_with(r#""kvs":[{"key":"c3ZjL2M=","create_revision":70,"mod_revision":70,"version":1,"value":"Mw==","lease":7529633755577777023}],"count":1}
"#));
}

#[test]
fn del_forms() {
    assert_eq!(del(OutputFormat::Simple, &hdr(1), &DeleteRangeResponse::default()).stdout, "0\n");
    let d = DeleteRangeResponse { deleted: 3, prev_kvs: svc() };
    assert_eq!(del(OutputFormat::Simple, &hdr(17), &d).stdout, "3\nsvc/a\nv-svc/a\nsvc/b\nv-svc/b\nsvc/c\nv-svc/c\n");
    let d = DeleteRangeResponse { deleted: 2, prev_kvs: vec![] };
    assert_eq!(
        del(OutputFormat::Json, &hdr(18), &d).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":18,\"raft_term\":2},\"deleted\":2}\n"
    );
}

#[test]
fn txn_simple() {
    let t = TxnResponse {
        succeeded: true,
        responses: vec![
            ResponseOp::DeleteRange(DeleteRangeResponse { deleted: 1, prev_kvs: vec![kv("svc/a", "1", 38, 38, 1)] }),
            ResponseOp::Put(PutResponse { prev_kv: Some(kv("svc/b", "2", 36, 37, 2)) }),
            ResponseOp::Put(PutResponse::default()),
            ResponseOp::Range(RangeResponse::default()),
        ],
    };
    assert_eq!(txn(OutputFormat::Simple, &hdr(39), &t).stdout, "SUCCESS\n\n1\nsvc/a\n1\n\nOK\nsvc/b\n2\n\nOK\n\n");
    let f = TxnResponse { succeeded: false, responses: vec![] };
    assert_eq!(txn(OutputFormat::Simple, &hdr(30), &f).stdout, "FAILURE\n");
}

#[test]
fn txn_json() {
    let t = TxnResponse { succeeded: true, responses: vec![ResponseOp::Put(PutResponse::default())] };
    assert_eq!(
        txn(OutputFormat::Json, &hdr(29), &t).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":29,\"raft_term\":2},\"succeeded\":true,\"responses\":[{\"Response\":{\"ResponsePut\":{\"header\":{\"revision\":29}}}}]}\n"
    );
    let f = TxnResponse {
        succeeded: false,
        responses: vec![ResponseOp::Range(RangeResponse {
            kvs: vec![kv("lock", "a", 29, 29, 1)],
            more: false,
            count: 1,
            header_revision: 29,
        })],
    };
    assert_eq!(
        txn(OutputFormat::Json, &hdr(29), &f).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":29,\"raft_term\":2},\"responses\":[{\"Response\":{\"ResponseRange\":{\"header\":{\"revision\":29},\"kvs\":[{\"key\":\"bG9jaw==\",\"create_revision\":29,\"mod_revision\":29,\"version\":1,\"value\":\"YQ==\"}],\"count\":1}}}]}\n"
    );
    let d = TxnResponse { succeeded: true, responses: vec![ResponseOp::DeleteRange(DeleteRangeResponse::default())] };
    assert!(txn(OutputFormat::Json, &hdr(32), &d)
        .stdout
        .ends_with("[{\"Response\":{\"ResponseDeleteRange\":{\"header\":{\"revision\":32}}}}]}\n"));
}

fn put_ev(k: KeyValue, prev: Option<KeyValue>) -> Event {
    Event { kind: EventKind::Put, kv: k, prev_kv: prev }
}

fn del_ev(key: &str, rev: i64, prev: Option<KeyValue>) -> Event {
    Event {
        kind: EventKind::Delete,
        kv: KeyValue { key: key.into(), mod_revision: rev, ..Default::default() },
        prev_kv: prev,
    }
}

#[test]
fn watch_simple() {
    let a1 = kv("svc/a", "1", 54, 54, 1);
    let a2 = kv("svc/a", "2", 54, 55, 2);
    let mut out = String::new();
    for evs in [
        vec![put_ev(a1.clone(), None)],
        vec![put_ev(a2.clone(), Some(a1.clone()))],
        vec![del_ev("svc/a", 56, Some(a2.clone()))],
    ] {
        out += &watch_events(OutputFormat::Simple, &hdr(56), &evs).stdout;
    }
    assert_eq!(out, "PUT\nsvc/a\n1\nPUT\nsvc/a\n1\nsvc/a\n2\nDELETE\nsvc/a\n2\nsvc/a\n\n");
    let w = watch_events(OutputFormat::Simple, &hdr(3), &[del_ev("w1", 3, None)]);
    assert_eq!(w.stdout, "DELETE\nw1\n\n");
}

#[test]
fn watch_json() {
    let a1 = kv("svc/a", "1", 54, 54, 1);
    let a2 = kv("svc/a", "2", 54, 55, 2);
    let w = watch_events(OutputFormat::Json, &hdr(55), &[put_ev(a2.clone(), Some(a1))]);
    assert_eq!(
        w.stdout,
        "{\"Header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":55,\"raft_term\":2},\"Events\":[{\"kv\":{\"key\":\"c3ZjL2E=\",\"create_revision\":54,\"mod_revision\":55,\"version\":2,\"value\":\"Mg==\"},\"prev_kv\":{\"key\":\"c3ZjL2E=\",\"create_revision\":54,\"mod_revision\":54,\"version\":1,\"value\":\"MQ==\"}}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}\n"
    );
    let d = watch_events(OutputFormat::Json, &hdr(53), &[del_ev("svc/a", 53, None), del_ev("svc/b", 53, None)]);
    assert!(d.stdout.contains("\"Events\":[{\"type\":1,\"kv\":{\"key\":\"c3ZjL2E=\",\"mod_revision\":53}},{\"type\":1,\"kv\":{\"key\":\"c3ZjL2I=\",\"mod_revision\":53}}],"));
    let c = watch_canceled(OutputFormat::Json, &hdr(56), 8, "etcdserver: mvcc: required revision has been compacted");
    assert_eq!(
        c.stdout,
        "{\"Header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"raft_term\":2},\"Events\":[],\"CompactRevision\":8,\"Canceled\":true,\"Created\":false}\n"
    );
    assert_eq!(
        c.stderr,
        "watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n"
    );
}

#[test]
fn compact_defrag_snapshot() {
    assert_eq!(compact(5).stdout, "compacted revision 5\n");
    assert_eq!(defrag("127.0.0.1:42379").stdout, "Finished defragmenting etcd member[127.0.0.1:42379]\n");
    assert_eq!(
        defrag_failed("127.0.0.1:42409", "etcdserver: rpc not supported for learner").stderr,
        "Failed to defragment etcd member[127.0.0.1:42409] (etcdserver: rpc not supported for learner)\n"
    );
    assert_eq!(snapshot_save("s.db").stdout, "Snapshot saved at s.db\n");
    assert_eq!(snapshot_restore(), Output::default());
}

#[test]
fn leases() {
    let id = 0x687ea201ca00fb7f_i64;
    assert_eq!(
        lease_grant(OutputFormat::Simple, &hdr(67), 0x687ea201ca00fb7d, 100).stdout,
        "lease 687ea201ca00fb7d granted with TTL(100s)\n"
    );
    assert_eq!(
        lease_grant(OutputFormat::Json, &hdr(67), 7529633755577777025, 60).stdout,
        "{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":67,\"raft_term\":2,\"ID\":7529633755577777025,\"TTL\":60,\"Error\":\"\"}\n"
    );
    assert_eq!(lease_revoke(OutputFormat::Simple, &hdr(73), id).stdout, "lease 687ea201ca00fb7f revoked\n");
    assert_eq!(
        lease_revoke(OutputFormat::Json, &hdr(73), id).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":73,\"raft_term\":2}}\n"
    );
    assert_eq!(
        lease_keep_alive(OutputFormat::Simple, &hdr(72), id, 100).stdout,
        "lease 687ea201ca00fb7f keepalived with TTL(100)\n"
    );
    assert_eq!(
        lease_keep_alive(OutputFormat::Json, &hdr(72), id, 100).stdout,
        "{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":72,\"raft_term\":2,\"ID\":7529633755577777023,\"TTL\":100}\n"
    );
    assert_eq!(lease_keep_alive_expired(0x1234abcd).stdout, "lease 000000001234abcd expired or revoked.\n");
    assert_eq!(
        lease_grant(OutputFormat::Table, &hdr(1), id, 1).stderr,
        "Error: table not supported as output format\n"
    );
}

#[test]
fn lease_timetolive_forms() {
    let l = LeaseInfo {
        id: 0x687ea201ca00fb7f,
        granted_ttl: 100,
        ttl: 99,
        keys: vec![b"svc/a".to_vec(), b"svc/b".to_vec(), b"svc/c".to_vec()],
    };
    let h = hdr(70);
    assert_eq!(
        lease_timetolive(OutputFormat::Simple, &h, &l, false).stdout,
        "lease 687ea201ca00fb7f granted with TTL(100s), remaining(99s)\n"
    );
    assert_eq!(
        lease_timetolive(OutputFormat::Simple, &h, &l, true).stdout,
        "lease 687ea201ca00fb7f granted with TTL(100s), remaining(99s), attached keys([svc/a svc/b svc/c])\n"
    );
    let hj = "\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":70,\"raft_term\":2";
    assert_eq!(
        lease_timetolive(OutputFormat::Json, &h, &l, false).stdout,
        format!("{{{hj},\"id\":7529633755577777023,\"ttl\":99,\"granted-ttl\":100,\"keys\":null}}\n")
    );
    assert_eq!(
        lease_timetolive(OutputFormat::Json, &h, &l, true).stdout,
        format!("{{{hj},\"id\":7529633755577777023,\"ttl\":99,\"granted-ttl\":100,\"keys\":[\"c3ZjL2E=\",\"c3ZjL2I=\",\"c3ZjL2M=\"]}}\n")
    );
    let none = LeaseInfo { keys: vec![], ..l.clone() };
    assert!(lease_timetolive(OutputFormat::Simple, &h, &none, true).stdout.ends_with("attached keys([])\n"));
    let gone = LeaseInfo { id: 0x1234abcd, granted_ttl: 0, ttl: -1, keys: vec![] };
    assert_eq!(
        lease_timetolive(OutputFormat::Simple, &h, &gone, true).stdout,
        "lease 000000001234abcd already expired\n"
    );
    assert_eq!(
        lease_timetolive(OutputFormat::Json, &h, &gone, true).stdout,
        format!("{{{hj},\"id\":305441741,\"ttl\":-1,\"granted-ttl\":0,\"keys\":null}}\n")
    );
}

#[test]
fn lease_list_forms() {
    let ids = [0x687ea201ca00fb81_i64, 0x687ea201ca00fb7d];
    assert_eq!(
        lease_list(OutputFormat::Simple, &hdr(72), &ids).stdout,
        "found 2 leases\n687ea201ca00fb81\n687ea201ca00fb7d\n"
    );
    assert_eq!(
        lease_list(OutputFormat::Json, &hdr(72), &ids).stdout,
        "{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":72,\"raft_term\":2,\"leases\":[{\"id\":7529633755577777025},{\"id\":7529633755577777021}]}\n"
    );
}

fn members() -> Vec<Member> {
    let m = |id: u64, name: &str, p: &str, c: &str, l: bool| Member {
        id,
        name: name.into(),
        peer_urls: vec![p.into()],
        client_urls: if c.is_empty() { vec![] } else { vec![c.into()] },
        is_learner: l,
    };
    vec![
        m(0x3d2de3f14be981bf, "n2", "http://127.0.0.1:42390", "http://127.0.0.1:42389", false),
        m(0x715f7fd17e7c6d00, "n3", "http://127.0.0.1:42400", "http://127.0.0.1:42399", false),
        m(0x85cb9daf24f3e87e, "n1", "http://127.0.0.1:42380", "http://127.0.0.1:42379", false),
        m(0xc21722befe1e6239, "", "http://127.0.0.1:42410", "", true),
    ]
}

fn member_hdr() -> Header {
    Header { revision: 0, ..hdr(0) }
}

#[test]
fn member_list_forms() {
    let ms = members();
    assert_eq!(
        member_list(OutputFormat::Simple, &member_hdr(), &ms).stdout,
        "3d2de3f14be981bf, started, n2, http://127.0.0.1:42390, http://127.0.0.1:42389, false\n\
         715f7fd17e7c6d00, started, n3, http://127.0.0.1:42400, http://127.0.0.1:42399, false\n\
         85cb9daf24f3e87e, started, n1, http://127.0.0.1:42380, http://127.0.0.1:42379, false\n\
         c21722befe1e6239, unstarted, , http://127.0.0.1:42410, , true\n"
    );
    assert_eq!(
        member_list(OutputFormat::Table, &member_hdr(), &ms).stdout,
        "+------------------+-----------+------+------------------------+------------------------+------------+
|        ID        |  STATUS   | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
+------------------+-----------+------+------------------------+------------------------+------------+
| 3d2de3f14be981bf |   started |   n2 | http://127.0.0.1:42390 | http://127.0.0.1:42389 |      false |
| 715f7fd17e7c6d00 |   started |   n3 | http://127.0.0.1:42400 | http://127.0.0.1:42399 |      false |
| 85cb9daf24f3e87e |   started |   n1 | http://127.0.0.1:42380 | http://127.0.0.1:42379 |      false |
| c21722befe1e6239 | unstarted |      | http://127.0.0.1:42410 |                        |       true |
+------------------+-----------+------+------------------------+------------------------+------------+
"
    );
    assert_eq!(
        member_list(OutputFormat::Json, &member_hdr(), &ms).stdout,
        "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"raft_term\":2},\"members\":[{\"ID\":4408430235765801407,\"name\":\"n2\",\"peerURLs\":[\"http://127.0.0.1:42390\"],\"clientURLs\":[\"http://127.0.0.1:42389\"]},{\"ID\":8169388786820345088,\"name\":\"n3\",\"peerURLs\":[\"http://127.0.0.1:42400\"],\"clientURLs\":[\"http://127.0.0.1:42399\"]},{\"ID\":9640972802881480830,\"name\":\"n1\",\"peerURLs\":[\"http://127.0.0.1:42380\"],\"clientURLs\":[\"http://127.0.0.1:42379\"]},{\"ID\":13985685371524899385,\"peerURLs\":[\"http://127.0.0.1:42410\"],\"isLearner\":true}]}\n"
    );
}

#[test]
fn member_add_promote_remove() {
    let ms = members();
    let h = Header { cluster_id: 0xf3a592a0661b4373, ..member_hdr() };
    assert_eq!(
        member_add(OutputFormat::Simple, &h, "n4", &ms[3], &ms).stdout,
        "Member c21722befe1e6239 added to cluster f3a592a0661b4373\n\n\
         ETCD_NAME=\"n4\"\n\
         ETCD_INITIAL_CLUSTER=\"n2=http://127.0.0.1:42390,n3=http://127.0.0.1:42400,n1=http://127.0.0.1:42380,n4=http://127.0.0.1:42410\"\n\
         ETCD_INITIAL_ADVERTISE_PEER_URLS=\"http://127.0.0.1:42410\"\n\
         ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n"
    );
    // From CURRICULUM: a 15-digit cluster id is padded with a space (`%16x`).
    let h2 = Header { cluster_id: 0x48276a8f75b6a87, ..member_hdr() };
    assert!(member_add(OutputFormat::Simple, &h2, "n2", &ms[0], &ms[..1])
        .stdout
        .starts_with("Member 3d2de3f14be981bf added to cluster  48276a8f75b6a87\n"));
    assert_eq!(
        member_add(OutputFormat::Table, &h, "n4", &ms[3], &ms).stderr,
        "Error: table not supported as output format\n"
    );
    assert_eq!(
        member_promote(OutputFormat::Simple, &h, 0xc21722befe1e6239, &ms).stdout,
        "Member c21722befe1e6239 promoted in cluster f3a592a0661b4373\n"
    );
    assert_eq!(
        member_remove(OutputFormat::Simple, &h, 0x9fffc0333d56a954, &ms).stdout,
        "Member 9fffc0333d56a954 removed from cluster f3a592a0661b4373\n"
    );
    let r = member_remove(OutputFormat::Json, &member_hdr(), 1, &ms[..1]).stdout;
    assert_eq!(r, "{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"raft_term\":2},\"members\":[{\"ID\":4408430235765801407,\"name\":\"n2\",\"peerURLs\":[\"http://127.0.0.1:42390\"],\"clientURLs\":[\"http://127.0.0.1:42389\"]}]}\n");
}

fn status(endpoint: &str, member: u64, errors: Vec<String>) -> EndpointStatus {
    EndpointStatus {
        endpoint: endpoint.into(),
        header: Header { member_id: member, ..hdr(73) },
        version: "3.4.23".into(),
        db_size: 24576,
        db_size_in_use: 20480,
        leader: N1,
        raft_index: 125,
        raft_term: 2,
        raft_applied_index: 125,
        errors,
        is_learner: false,
    }
}

#[test]
fn endpoint_status_forms() {
    let ss = vec![
        status("http://127.0.0.1:42389", 0x3d2de3f14be981bf, vec![]),
        status("http://127.0.0.1:42379", N1, vec![]),
    ];
    assert_eq!(
        endpoint_status(OutputFormat::Simple, &ss).stdout,
        "http://127.0.0.1:42389, 3d2de3f14be981bf, 3.4.23, 25 kB, false, false, 2, 125, 125, \n\
         http://127.0.0.1:42379, 85cb9daf24f3e87e, 3.4.23, 25 kB, true, false, 2, 125, 125, \n"
    );
    assert_eq!(
        endpoint_status(OutputFormat::Table, &ss).stdout,
        "+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
|        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
| http://127.0.0.1:42389 | 3d2de3f14be981bf |  3.4.23 |   25 kB |     false |      false |         2 |        125 |                125 |        |
| http://127.0.0.1:42379 | 85cb9daf24f3e87e |  3.4.23 |   25 kB |      true |      false |         2 |        125 |                125 |        |
+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
"
    );
    assert_eq!(
        endpoint_status(OutputFormat::Json, &ss[1..]).stdout,
        "[{\"Endpoint\":\"http://127.0.0.1:42379\",\"Status\":{\"header\":{\"cluster_id\":17556599939979232115,\"member_id\":9640972802881480830,\"revision\":73,\"raft_term\":2},\"version\":\"3.4.23\",\"dbSize\":24576,\"leader\":9640972802881480830,\"raftIndex\":125,\"raftTerm\":2,\"raftAppliedIndex\":125,\"dbSizeInUse\":20480}}]\n"
    );
    assert_eq!(
        endpoint_status_failed("127.0.0.1:42389", "context deadline exceeded").stderr,
        "Failed to get the status of endpoint 127.0.0.1:42389 (context deadline exceeded)\n"
    );
}

#[test]
fn endpoint_status_with_alarm_wraps_errors() {
    let alarm = AlarmMember { member_id: 18445296877348657933, alarm: AlarmType::NoSpace };
    let s = EndpointStatus {
        endpoint: "127.0.0.1:42459".into(),
        header: Header { cluster_id: 17698754881408172525, member_id: 0xfffadbc856fd1b0d, revision: 11, raft_term: 2 },
        version: "3.4.23".into(),
        db_size: 1232896,
        db_size_in_use: 0,
        leader: 0xfffadbc856fd1b0d,
        raft_index: 26,
        raft_term: 2,
        raft_applied_index: 26,
        errors: vec![alarm_text(&alarm)],
        is_learner: false,
    };
    assert_eq!(
        endpoint_status(OutputFormat::Table, std::slice::from_ref(&s)).stdout,
        "+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+
|    ENDPOINT     |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX |             ERRORS             |
+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+
| 127.0.0.1:42459 | fffadbc856fd1b0d |  3.4.23 |  1.2 MB |      true |      false |         2 |         26 |                 26 |  memberID:18445296877348657933 |
|                 |                  |         |         |           |            |           |            |                    |                 alarm:NOSPACE  |
+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+
"
    );
    assert_eq!(
        endpoint_status(OutputFormat::Simple, std::slice::from_ref(&s)).stdout,
        "127.0.0.1:42459, fffadbc856fd1b0d, 3.4.23, 1.2 MB, true, false, 2, 26, 26, memberID:18445296877348657933 alarm:NOSPACE \n"
    );
    assert!(endpoint_status(OutputFormat::Json, &[s])
        .stdout
        .contains("\"errors\":[\"memberID:18445296877348657933 alarm:NOSPACE \"]"));
}

#[test]
fn no_leader_status_table() {
    let mut s = status("127.0.0.1:42379", N1, vec!["etcdserver: no leader".into()]);
    s.leader = 0;
    s.raft_index = 142;
    s.raft_applied_index = 142;
    assert!(endpoint_status(OutputFormat::Table, &[s]).stdout.contains(
        "| 127.0.0.1:42379 | 85cb9daf24f3e87e |  3.4.23 |   25 kB |     false |      false |         2 |        142 |                142 | etcdserver: no leader |\n"
    ));
}

#[test]
fn endpoint_health_forms() {
    let ok = |e: &str, t: &str| EndpointHealth { endpoint: e.into(), health: true, took: t.into(), error: None };
    let good = vec![ok("http://127.0.0.1:42379", "4.327818ms"), ok("http://127.0.0.1:42389", "4.503354ms")];
    assert_eq!(
        endpoint_health(OutputFormat::Simple, &good),
        Output::err(
            "http://127.0.0.1:42379 is healthy: successfully committed proposal: took = 4.327818ms\n\
             http://127.0.0.1:42389 is healthy: successfully committed proposal: took = 4.503354ms\n"
        )
    );
    assert_eq!(
        endpoint_health(OutputFormat::Table, &good).stdout,
        "+------------------------+--------+------------+-------+
|        ENDPOINT        | HEALTH |    TOOK    | ERROR |
+------------------------+--------+------------+-------+
| http://127.0.0.1:42379 |   true | 4.327818ms |       |
| http://127.0.0.1:42389 |   true | 4.503354ms |       |
+------------------------+--------+------------+-------+
"
    );
    assert_eq!(
        endpoint_health(OutputFormat::Json, &good[..1]).stdout,
        "[{\"endpoint\":\"http://127.0.0.1:42379\",\"health\":true,\"took\":\"4.327818ms\"}]\n"
    );
    let bad = EndpointHealth {
        endpoint: "127.0.0.1:42379".into(),
        health: false,
        took: "5.000686907s".into(),
        error: Some("context deadline exceeded".into()),
    };
    assert_eq!(
        endpoint_health(OutputFormat::Simple, std::slice::from_ref(&bad)).stderr,
        "127.0.0.1:42379 is unhealthy: failed to commit proposal: context deadline exceeded\nError: unhealthy cluster\n"
    );
    assert_eq!(
        endpoint_health(OutputFormat::Table, std::slice::from_ref(&bad)),
        Output {
            stdout: "+-----------------+--------+--------------+---------------------------+
|    ENDPOINT     | HEALTH |     TOOK     |           ERROR           |
+-----------------+--------+--------------+---------------------------+
| 127.0.0.1:42379 |  false | 5.000686907s | context deadline exceeded |
+-----------------+--------+--------------+---------------------------+
"
            .into(),
            stderr: "Error: unhealthy cluster\n".into(),
            ..Output::default()
        }
    );
    assert_eq!(
        endpoint_health(OutputFormat::Json, &[bad]).stdout,
        "[{\"endpoint\":\"127.0.0.1:42379\",\"health\":false,\"took\":\"5.000686907s\",\"error\":\"context deadline exceeded\"}]\n"
    );
}

#[test]
fn alarms() {
    let a = [AlarmMember { member_id: 18445296877348657933, alarm: AlarmType::NoSpace }];
    assert_eq!(alarm_list(OutputFormat::Simple, &a).stdout, "memberID:18445296877348657933 alarm:NOSPACE \n");
    assert_eq!(
        alarm_list(OutputFormat::Json, &a).stdout,
        "{\"alarms\":[{\"memberID\":18445296877348657933,\"alarm\":1}]}\n"
    );
    assert_eq!(alarm_list(OutputFormat::Simple, &[]), Output::default());
    assert_eq!(alarm_list(OutputFormat::Json, &[]).stdout, "{}\n");
    assert_eq!(alarm_disarm(OutputFormat::Simple, &a).stdout, "memberID:18445296877348657933 alarm:NOSPACE \n");
    assert_eq!(alarm_list(OutputFormat::Table, &a).stderr, "Error: table not supported as output format\n");
}

#[test]
fn errors_and_usage() {
    assert_eq!(
        error("etcdserver: rpc not supported for learner").stderr,
        "Error: etcdserver: rpc not supported for learner\n"
    );
    assert_eq!(
        error(usage::GET).stderr,
        "Error: get command needs one argument as key and an optional argument as range_end\n"
    );
    assert_eq!(
        error(&usage::bad_lease_id("zzz")).stderr,
        "Error: bad lease ID (strconv.ParseInt: parsing \"zzz\": invalid syntax), expecting ID in Hex\n"
    );
    assert_eq!(
        usage::unknown_command("bogus"),
        "Error: unknown command \"bogus\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\nError: unknown command \"bogus\" for \"etcdctl\"\n"
    );
}

#[test]
fn units() {
    assert_eq!(humanize_bytes(24576), "25 kB");
    assert_eq!(humanize_bytes(1232896), "1.2 MB");
    assert_eq!(humanize_bytes(1331200), "1.3 MB");
    assert_eq!(humanize_bytes(9), "9 B");
    assert_eq!(humanize_bytes(2147483648), "2.1 GB");
    assert_eq!(go_duration(2_975_359), "2.975359ms");
    assert_eq!(go_duration(5_000_686_907), "5.000686907s");
    assert_eq!(go_duration(62_500_000_000), "1m2.5s");
    assert_eq!(go_duration(12_500), "12.5µs");
    assert_eq!(go_duration(0), "0s");
}
