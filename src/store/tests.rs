//! Store tests: exact etcd 3.4 answers (revisions, errors, events, sizes), checked against
//! a real etcd 3.4.23 where the behaviour was in doubt, plus property tests that random
//! request sequences never panic and snapshots round-trip.

use super::*;

const MEMBER: u64 = 0x2e14_6c0d_7b1f_a5c1;

fn store() -> Store {
    Store::new(0, 2)
}

fn put_req(k: &str, v: &str) -> PutRequest {
    PutRequest { key: k.into(), value: v.into(), ..Default::default() }
}

fn put(s: &mut Store, k: &str, v: &str) -> Applied {
    s.apply(&Request::Put(put_req(k, v)), 0)
}

fn put_lease(s: &mut Store, k: &str, v: &str, lease: i64) -> Applied {
    let p = PutRequest { lease, ..put_req(k, v) };
    s.apply(&Request::Put(p), 0)
}

fn del(s: &mut Store, k: &str, end: &str) -> Applied {
    let d = DeleteRangeRequest { key: k.into(), range_end: end.into(), prev_kv: true };
    s.apply(&Request::DeleteRange(d), 0)
}

fn get_req(k: &str, end: &[u8]) -> RangeRequest {
    RangeRequest { key: k.into(), range_end: end.to_vec(), ..Default::default() }
}

fn get(s: &Store, k: &str) -> Option<KeyValue> {
    s.range(&get_req(k, b"")).unwrap().0.kvs.into_iter().next()
}

fn get_rev(s: &Store, k: &str, rev: i64) -> Result<Vec<KeyValue>, StoreError> {
    let r = RangeRequest { revision: rev, ..get_req(k, b"") };
    s.range(&r).map(|(resp, _)| resp.kvs)
}

fn keys(kvs: &[KeyValue]) -> Vec<String> {
    kvs.iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect()
}

fn kv(k: &str, v: &str, create: i64, modr: i64, version: i64, lease: i64) -> KeyValue {
    KeyValue { key: k.into(), create_revision: create, mod_revision: modr, version, value: v.into(), lease }
}

fn rev(main: i64, sub: i64) -> Revision {
    Revision { main, sub }
}

fn cmp(key: &str, result: CompareResult, target: CompareTarget) -> Compare {
    Compare { result, target, key: key.into(), range_end: Vec::new() }
}

fn txn(s: &mut Store, t: TxnRequest) -> (Result<TxnResponse, StoreError>, Applied) {
    let a = s.apply(&Request::Txn(t), 0);
    let r = match &a.result {
        Ok(Response::Txn(t)) => Ok(t.clone()),
        Ok(other) => panic!("unexpected {other:?}"),
        Err(e) => Err(e.clone()),
    };
    (r, a)
}

fn grant(s: &mut Store, id: i64, ttl: i64, now: u64) -> Result<Response, StoreError> {
    s.apply(&Request::LeaseGrant { id, ttl_secs: ttl }, now).result
}

fn nospace() -> AlarmMember {
    AlarmMember { member_id: MEMBER, alarm: AlarmType::NoSpace }
}

// ---------------------------------------------------------------- revisions and puts

#[test]
fn fresh_store_is_at_revision_one() {
    let s = store();
    assert_eq!(s.revision(), 1);
    assert_eq!(s.compact_revision(), 0);
    assert!(s.kvs().is_empty());
    let (resp, header) = s.range(&get_req("x", b"")).unwrap();
    assert_eq!(resp, RangeResponse::default());
    assert_eq!(header, 1);
}

#[test]
fn put_sets_create_mod_version() {
    let mut s = store();
    let a = put(&mut s, "x", "0");
    assert_eq!(a.revision, 2);
    assert_eq!(a.result, Ok(Response::Put(PutResponse { prev_kv: None })));
    assert_eq!(get(&s, "x"), Some(kv("x", "0", 2, 2, 1, 0)));
    assert_eq!(
        a.events,
        vec![(rev(2, 0), Event { kind: EventKind::Put, kv: kv("x", "0", 2, 2, 1, 0), prev_kv: None })]
    );

    put(&mut s, "y", "1");
    let a = put(&mut s, "x", "1");
    assert_eq!(a.revision, 4);
    assert_eq!(get(&s, "x"), Some(kv("x", "1", 2, 4, 2, 0)));
    assert_eq!(a.events[0].1.prev_kv, Some(kv("x", "0", 2, 2, 1, 0)));

    // The same value again is still a write.
    let a = put(&mut s, "x", "1");
    assert_eq!(a.revision, 5);
    assert_eq!(get(&s, "x"), Some(kv("x", "1", 2, 5, 3, 0)));
}

#[test]
fn put_prev_kv_only_when_asked() {
    let mut s = store();
    put(&mut s, "x", "0");
    let p = PutRequest { prev_kv: true, ..put_req("x", "1") };
    let a = s.apply(&Request::Put(p), 0);
    assert_eq!(a.result, Ok(Response::Put(PutResponse { prev_kv: Some(kv("x", "0", 2, 2, 1, 0)) })));
}

#[test]
fn delete_then_put_starts_a_new_generation() {
    let mut s = store();
    put(&mut s, "x", "a"); // 2
    put(&mut s, "x", "b"); // 3
    let a = del(&mut s, "x", "");
    assert_eq!(a.revision, 4);
    assert_eq!(
        a.result,
        Ok(Response::DeleteRange(DeleteRangeResponse { deleted: 1, prev_kvs: vec![kv("x", "b", 2, 3, 2, 0)] }))
    );
    assert_eq!(
        a.events,
        vec![(
            rev(4, 0),
            Event {
                kind: EventKind::Delete,
                kv: KeyValue { key: b"x".to_vec(), mod_revision: 4, ..Default::default() },
                prev_kv: Some(kv("x", "b", 2, 3, 2, 0)),
            }
        )]
    );
    assert_eq!(get(&s, "x"), None);
    put(&mut s, "x", "c");
    assert_eq!(get(&s, "x"), Some(kv("x", "c", 5, 5, 1, 0)));
}

#[test]
fn deleting_nothing_keeps_the_revision() {
    let mut s = store();
    put(&mut s, "x", "a");
    let a = del(&mut s, "nokey", "");
    assert_eq!(a.revision, 2);
    assert!(a.events.is_empty());
    assert_eq!(a.result, Ok(Response::DeleteRange(DeleteRangeResponse::default())));
    assert_eq!(s.revision(), 2);
}

#[test]
fn delete_range_uses_sub_revisions_in_key_order() {
    let mut s = store();
    for k in ["svc/b", "svc/a", "svc/c", "other"] {
        put(&mut s, k, "1");
    }
    let a = del(&mut s, "svc/", "svc0");
    assert_eq!(a.revision, 6);
    let revs: Vec<_> = a.events.iter().map(|(r, _)| *r).collect();
    assert_eq!(revs, vec![rev(6, 0), rev(6, 1), rev(6, 2)]);
    let ks: Vec<_> = a.events.iter().map(|(_, e)| e.kv.key.clone()).collect();
    assert_eq!(ks, vec![b"svc/a".to_vec(), b"svc/b".to_vec(), b"svc/c".to_vec()]);
    assert_eq!(keys(&s.kvs()), vec!["other"]);
}

#[test]
fn request_checks_use_etcd_words() {
    let mut s = store();
    assert_eq!(put(&mut s, "", "x").result, Err(StoreError::EmptyKey));
    assert_eq!(StoreError::EmptyKey.to_string(), "etcdserver: key is not provided");
    let p = PutRequest { ignore_value: true, ..put_req("k", "v") };
    assert_eq!(s.apply(&Request::Put(p), 0).result, Err(StoreError::ValueNotProvided));
    assert_eq!(StoreError::ValueNotProvided.to_string(), "etcdserver: value is provided");
    let p = PutRequest { ignore_lease: true, lease: 5, ..put_req("k", "v") };
    assert_eq!(s.apply(&Request::Put(p), 0).result, Err(StoreError::LeaseNotProvided));
    assert_eq!(s.range(&get_req("", b"")), Err(StoreError::EmptyKey));
    assert_eq!(s.revision(), 1);
}

#[test]
fn ignore_value_and_lease() {
    let mut s = store();
    let p = PutRequest { ignore_value: true, ..put_req("k", "") };
    let a = s.apply(&Request::Put(p.clone()), 0);
    assert_eq!(a.result, Err(StoreError::KeyNotFound));
    assert_eq!(StoreError::KeyNotFound.to_string(), "etcdserver: key not found");

    grant(&mut s, 7, 60, 0).unwrap();
    put_lease(&mut s, "k", "v1", 7); // rev 2
    let a = s.apply(&Request::Put(p), 0); // keeps value, and drops the lease (lease 0)
    assert_eq!(a.revision, 3);
    assert_eq!(get(&s, "k"), Some(kv("k", "v1", 2, 3, 2, 0)));

    put_lease(&mut s, "k", "v2", 7); // rev 4
    let p = PutRequest { ignore_lease: true, ..put_req("k", "v3") };
    s.apply(&Request::Put(p), 0);
    assert_eq!(get(&s, "k"), Some(kv("k", "v3", 2, 5, 4, 7)));
}

// ---------------------------------------------------------------- ranges

fn abc_store() -> Store {
    let mut s = store();
    for (k, v) in [("a", "3"), ("b/1", "1"), ("b/2", "2"), ("b/3", "0"), ("c", "9")] {
        put(&mut s, k, v);
    }
    put(&mut s, "b/2", "5"); // b/2 version 2, mod 7
    s
}

#[test]
fn prefix_and_from_key_ranges() {
    let s = abc_store();
    let (r, h) = s.range(&get_req("b/", b"b0")).unwrap();
    assert_eq!(h, 7);
    assert_eq!(keys(&r.kvs), vec!["b/1", "b/2", "b/3"]);
    assert_eq!(r.count, 3);
    assert!(!r.more);

    let (r, _) = s.range(&get_req("b/2", &[0])).unwrap();
    assert_eq!(keys(&r.kvs), vec!["b/2", "b/3", "c"]);

    let all = RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() };
    let (r, _) = s.range(&all).unwrap();
    assert_eq!(keys(&r.kvs), vec!["a", "b/1", "b/2", "b/3", "c"]);

    // An end at or before the key selects nothing.
    let (r, _) = s.range(&get_req("c", b"a")).unwrap();
    assert_eq!(r, RangeResponse::default());
    let (r, _) = s.range(&get_req("c", b"c")).unwrap();
    assert_eq!(r.count, 0);
}

#[test]
fn limit_count_keys_only_count_only() {
    let s = abc_store();
    let r = RangeRequest { limit: 2, ..get_req("a", &[0]) };
    let (resp, _) = s.range(&r).unwrap();
    assert_eq!(keys(&resp.kvs), vec!["a", "b/1"]);
    assert!(resp.more);
    assert_eq!(resp.count, 5);

    let r = RangeRequest { limit: 5, ..get_req("a", &[0]) };
    assert!(!s.range(&r).unwrap().0.more);

    let r = RangeRequest { keys_only: true, ..get_req("a", b"") };
    assert_eq!(s.range(&r).unwrap().0.kvs, vec![kv("a", "", 2, 2, 1, 0)]);

    let r = RangeRequest { count_only: true, limit: 1, ..get_req("b/", b"b0") };
    assert_eq!(s.range(&r).unwrap().0, RangeResponse { kvs: vec![], more: false, count: 3, header_revision: 0 });
}

#[test]
fn sorting() {
    let s = abc_store();
    let sorted = |order, target, limit| {
        let r = RangeRequest { sort_order: order, sort_target: target, limit, ..get_req("a", &[0]) };
        keys(&s.range(&r).unwrap().0.kvs)
    };
    use SortOrder::*;
    use SortTarget::*;
    assert_eq!(sorted(Descend, Key, 0), vec!["c", "b/3", "b/2", "b/1", "a"]);
    assert_eq!(sorted(Ascend, Value, 0), vec!["b/3", "b/1", "a", "b/2", "c"]);
    assert_eq!(sorted(Descend, Mod, 2), vec!["b/2", "c"]);
    assert_eq!(sorted(Ascend, Create, 0), vec!["a", "b/1", "b/2", "b/3", "c"]);
    // Ties keep key order.
    assert_eq!(sorted(Descend, Version, 0), vec!["b/2", "a", "b/1", "b/3", "c"]);
    // etcd's quirk: with no order but a non-key target, it cuts to limit+1 in key
    // order first, then sorts ascending, then cuts to limit.
    assert_eq!(sorted(None, Value, 2), vec!["b/1", "a"]);
}

#[test]
fn reads_at_a_revision_and_compaction() {
    let mut s = store();
    put(&mut s, "x", "0"); // 2
    put(&mut s, "x", "1"); // 3
    put(&mut s, "x", "2"); // 4
    del(&mut s, "x", ""); // 5
    put(&mut s, "y", "0"); // 6

    assert_eq!(get_rev(&s, "x", 3).unwrap(), vec![kv("x", "1", 2, 3, 2, 0)]);
    assert_eq!(get_rev(&s, "x", 5).unwrap(), vec![]);
    assert_eq!(get_rev(&s, "x", 1).unwrap(), vec![]);
    assert_eq!(get_rev(&s, "x", 7), Err(StoreError::FutureRev));
    assert_eq!(StoreError::FutureRev.to_string(), "etcdserver: mvcc: required revision is a future revision");

    let a = s.apply(&Request::Compaction { revision: 3 }, 0);
    assert_eq!(a.result, Ok(Response::Compaction));
    assert_eq!(a.revision, 6);
    assert!(a.events.is_empty());
    assert_eq!(s.compact_revision(), 3);
    assert_eq!(get_rev(&s, "x", 2), Err(StoreError::Compacted));
    assert_eq!(StoreError::Compacted.to_string(), "etcdserver: mvcc: required revision has been compacted");
    // Exactly the compact revision is still readable, as in etcd.
    assert_eq!(get_rev(&s, "x", 3).unwrap(), vec![kv("x", "1", 2, 3, 2, 0)]);
    assert_eq!(get_rev(&s, "x", 4).unwrap(), vec![kv("x", "2", 2, 4, 3, 0)]);

    // Compacting again at or below, or into the future, fails.
    let again = |s: &mut Store, r| s.apply(&Request::Compaction { revision: r }, 0).result;
    assert_eq!(again(&mut s, 3), Err(StoreError::Compacted));
    assert_eq!(again(&mut s, 2), Err(StoreError::Compacted));
    assert_eq!(again(&mut s, 0), Err(StoreError::Compacted));
    assert_eq!(again(&mut s, 7), Err(StoreError::FutureRev));

    // Compacting past the delete drops the tombstone and the key's whole history.
    assert_eq!(again(&mut s, 6), Ok(Response::Compaction));
    assert_eq!(get_rev(&s, "x", 6).unwrap(), vec![]);
    assert_eq!(get(&s, "y"), Some(kv("y", "0", 6, 6, 1, 0)));
    assert_eq!(s.history(b"x", b"", 6).unwrap(), vec![]);
}

#[test]
fn history_for_watch() {
    let mut s = store();
    put(&mut s, "svc/a", "1"); // 2
    put(&mut s, "other", "1"); // 3
    put(&mut s, "svc/a", "2"); // 4
    del(&mut s, "svc/a", ""); // 5

    let h = s.history(b"svc", b"svd", 2).unwrap();
    let kinds: Vec<_> = h.iter().map(|(r, e)| (r.main, e.kind)).collect();
    assert_eq!(kinds, vec![(2, EventKind::Put), (4, EventKind::Put), (5, EventKind::Delete)]);
    assert_eq!(h[0].1.prev_kv, None);
    assert_eq!(h[1].1.prev_kv, Some(kv("svc/a", "1", 2, 2, 1, 0)));
    assert_eq!(h[2].1.prev_kv, Some(kv("svc/a", "2", 2, 4, 2, 0)));
    assert_eq!(h[2].1.kv.mod_revision, 5);

    assert_eq!(s.history(b"svc/a", b"", 5).unwrap().len(), 1);
    assert_eq!(s.history(b"svc/a", b"", 6).unwrap(), vec![]);
    assert_eq!(s.history(b"svc/a", b"", 0).unwrap(), vec![]);

    s.apply(&Request::Compaction { revision: 4 }, 0);
    assert_eq!(s.history(b"svc/a", b"", 3), Err(StoreError::Compacted));
    // From the compact revision itself: allowed (real etcd 3.4 streams rev 4 on), but the
    // prev kv of the event at the compact revision is gone.
    let h = s.history(b"svc/a", b"", 4).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].0, rev(4, 0));
    assert_eq!(h[0].1.prev_kv, None);
    assert_eq!(h[1].1.prev_kv, Some(kv("svc/a", "2", 2, 4, 2, 0)));
}

// ---------------------------------------------------------------- txns

#[test]
fn txn_success_and_failure() {
    let mut s = store();
    put(&mut s, "x", "0"); // 2
                           // mod("x") > "0" → put x 10, get x ; else put x 0
    let t = TxnRequest {
        compare: vec![cmp("x", CompareResult::Greater, CompareTarget::Mod(0))],
        success: vec![RequestOp::Put(put_req("x", "10")), RequestOp::Range(get_req("x", b""))],
        failure: vec![RequestOp::Put(put_req("x", "0"))],
    };
    let (r, a) = txn(&mut s, t.clone());
    let r = r.unwrap();
    assert!(r.succeeded);
    assert_eq!(a.revision, 3);
    assert_eq!(r.responses.len(), 2);
    assert_eq!(r.responses[0], ResponseOp::Put(PutResponse::default()));
    // The read sees the put before it.
    assert_eq!(
        r.responses[1],
        ResponseOp::Range(RangeResponse {
            kvs: vec![kv("x", "10", 2, 3, 2, 0)],
            more: false,
            count: 1,
            header_revision: 3
        })
    );

    let t = TxnRequest { compare: vec![cmp("x", CompareResult::Equal, CompareTarget::Value(b"nope".to_vec()))], ..t };
    let (r, a) = txn(&mut s, t);
    assert!(!r.unwrap().succeeded);
    assert_eq!(a.revision, 4);
    assert_eq!(get(&s, "x"), Some(kv("x", "0", 2, 4, 3, 0)));
}

#[test]
fn txn_lock_on_missing_key() {
    let mut s = store();
    for i in 0..7 {
        put(&mut s, &format!("k{i}"), "v");
    } // revision 8
      // version("nokey") = "0" → put lock a
    let lock = TxnRequest {
        compare: vec![cmp("nokey", CompareResult::Equal, CompareTarget::Version(0))],
        success: vec![RequestOp::Put(put_req("lock", "a"))],
        failure: vec![],
    };
    let (r, a) = txn(&mut s, lock);
    assert!(r.unwrap().succeeded);
    assert_eq!(a.revision, 9);
    // create_revision("lock") = 0 fails now.
    let again = TxnRequest {
        compare: vec![cmp("lock", CompareResult::Equal, CompareTarget::Create(0))],
        success: vec![RequestOp::Put(put_req("lock", "b"))],
        failure: vec![RequestOp::Range(get_req("lock", b""))],
    };
    let (r, a) = txn(&mut s, again);
    let r = r.unwrap();
    assert!(!r.succeeded);
    assert_eq!(a.revision, 9, "a read-only branch does not bump the revision");
    assert!(a.events.is_empty());
}

#[test]
fn compares_on_missing_keys() {
    let mut s = store();
    let check =
        |s: &mut Store, c: Compare| txn(s, TxnRequest { compare: vec![c], ..Default::default() }).0.unwrap().succeeded;
    use CompareResult::*;
    // A value compare on nothing is always false, even "!=".
    assert!(!check(&mut s, cmp("no", NotEqual, CompareTarget::Value(b"0".to_vec()))));
    assert!(!check(&mut s, cmp("no", Equal, CompareTarget::Value(vec![]))));
    assert!(check(&mut s, cmp("no", Equal, CompareTarget::Lease(0))));
    assert!(check(&mut s, cmp("no", Less, CompareTarget::Mod(1))));
    assert!(check(&mut s, cmp("no", Equal, CompareTarget::Create(0))));

    put(&mut s, "r/a", "1");
    put(&mut s, "r/b", "2");
    let mut c = cmp("r/", Greater, CompareTarget::Value(b"0".to_vec()));
    c.range_end = b"r0".to_vec();
    assert!(check(&mut s, c.clone()));
    c.target = CompareTarget::Value(b"1".to_vec());
    assert!(!check(&mut s, c), "every key in the range must hold");
}

#[test]
fn nested_txns_take_their_path_from_the_state_before() {
    let mut s = store();
    put(&mut s, "a", "1"); // 2
    let inner = TxnRequest {
        // Evaluated before the outer put: "b" does not exist yet.
        compare: vec![cmp("b", CompareResult::Equal, CompareTarget::Version(0))],
        success: vec![RequestOp::Put(put_req("c", "inner-then")), RequestOp::Range(get_req("b", b""))],
        failure: vec![RequestOp::Put(put_req("c", "inner-else"))],
    };
    let outer = TxnRequest {
        compare: vec![cmp("a", CompareResult::Equal, CompareTarget::Value(b"1".to_vec()))],
        success: vec![RequestOp::Put(put_req("b", "x")), RequestOp::Txn(inner)],
        failure: vec![],
    };
    let (r, a) = txn(&mut s, outer);
    let r = r.unwrap();
    assert!(r.succeeded);
    assert_eq!(a.revision, 3);
    let revs: Vec<_> = a.events.iter().map(|(r, _)| *r).collect();
    assert_eq!(revs, vec![rev(3, 0), rev(3, 1)]);
    let ResponseOp::Txn(inner) = &r.responses[1] else { panic!("{r:?}") };
    assert!(inner.succeeded);
    // ...but the nested read sees the outer put.
    assert_eq!(
        inner.responses[1],
        ResponseOp::Range(RangeResponse {
            kvs: vec![kv("b", "x", 3, 3, 1, 0)],
            more: false,
            count: 1,
            header_revision: 3
        })
    );
    assert_eq!(get(&s, "c"), Some(kv("c", "inner-then", 3, 3, 1, 0)));
}

#[test]
fn txn_duplicate_keys_and_too_many_ops() {
    let mut s = store();
    put(&mut s, "z", "0");
    let dup = |success: Vec<RequestOp>| TxnRequest { compare: vec![], success, failure: vec![] };
    let (r, a) = txn(&mut s, dup(vec![RequestOp::Put(put_req("z", "1")), RequestOp::Put(put_req("z", "2"))]));
    assert_eq!(r, Err(StoreError::DuplicateKey));
    assert_eq!(a.revision, 2);
    let d = DeleteRangeRequest { key: b"z".to_vec(), ..Default::default() };
    let (r, _) = txn(&mut s, dup(vec![RequestOp::Put(put_req("z", "1")), RequestOp::DeleteRange(d.clone())]));
    assert_eq!(r, Err(StoreError::DuplicateKey));
    // A nested put colliding with a delete at the outer level.
    let nested = TxnRequest { success: vec![RequestOp::Put(put_req("z", "1"))], ..Default::default() };
    let (r, _) = txn(&mut s, dup(vec![RequestOp::DeleteRange(d), RequestOp::Txn(nested)]));
    assert_eq!(r, Err(StoreError::DuplicateKey));
    // The same key in a nested then and else is fine.
    let both = TxnRequest {
        success: vec![RequestOp::Put(put_req("z", "1"))],
        failure: vec![RequestOp::Put(put_req("z", "2"))],
        ..Default::default()
    };
    let (r, _) = txn(&mut s, dup(vec![RequestOp::Txn(both)]));
    assert!(r.unwrap().succeeded);
    assert_eq!(get(&s, "z").unwrap().value, b"1");

    let many = (0..129).map(|i| RequestOp::Put(put_req(&format!("k{i}"), "v"))).collect();
    assert_eq!(txn(&mut s, dup(many)).0, Err(StoreError::TooManyOps));
}

#[test]
fn txn_is_atomic_on_errors() {
    let mut s = store();
    put(&mut s, "a", "1"); // 2
    let t = TxnRequest {
        success: vec![RequestOp::Put(put_req("b", "1")), RequestOp::Put(PutRequest { lease: 99, ..put_req("c", "1") })],
        ..Default::default()
    };
    let (r, a) = txn(&mut s, t);
    assert_eq!(r, Err(StoreError::LeaseNotFound));
    assert!(a.events.is_empty());
    assert_eq!(s.revision(), 2);
    assert_eq!(get(&s, "b"), None);

    let t = TxnRequest {
        success: vec![
            RequestOp::Put(put_req("b", "1")),
            RequestOp::Range(RangeRequest { revision: 3, ..get_req("a", b"") }),
        ],
        ..Default::default()
    };
    assert_eq!(txn(&mut s, t).0, Err(StoreError::FutureRev));
    assert_eq!(s.revision(), 2);
}

// ---------------------------------------------------------------- leases

#[test]
fn lease_grant_rules() {
    let mut s = Store::new(0, 2);
    assert_eq!(grant(&mut s, 0x10, 100, 0), Ok(Response::LeaseGrant { id: 0x10, ttl_secs: 100 }));
    assert_eq!(grant(&mut s, 0x10, 5, 0), Err(StoreError::LeaseExist));
    assert_eq!(grant(&mut s, 0x11, 9_000_000_001, 0), Err(StoreError::LeaseTtlTooLarge));
    assert_eq!(StoreError::LeaseTtlTooLarge.to_string(), "etcdserver: too large lease TTL");
    // Below the minimum: raised, as `lease grant 1` answers TTL(2s).
    assert_eq!(grant(&mut s, 0x12, 1, 0), Ok(Response::LeaseGrant { id: 0x12, ttl_secs: 2 }));
    assert_eq!(grant(&mut s, 0, 10, 0), Err(StoreError::LeaseNotFound));
    assert_eq!(s.leases(), vec![0x10, 0x12]);
    assert_eq!(s.revision(), 1, "leases do not move the revision");
}

#[test]
fn lease_attach_move_and_revoke() {
    let mut s = store();
    assert_eq!(put_lease(&mut s, "k", "v", 5).result, Err(StoreError::LeaseNotFound));
    grant(&mut s, 5, 60, 0).unwrap();
    grant(&mut s, 6, 60, 0).unwrap();
    put_lease(&mut s, "svc/b", "1", 5); // 2
    put_lease(&mut s, "svc/a", "1", 5); // 3
    put_lease(&mut s, "svc/c", "1", 5); // 4
    put_lease(&mut s, "svc/c", "2", 6); // 5: moves to lease 6
    put(&mut s, "plain", "1"); // 6

    let info = s.lease_info(5, 0).unwrap();
    assert_eq!(info.keys, vec![b"svc/a".to_vec(), b"svc/b".to_vec()]);
    assert_eq!(s.lease_info(6, 0).unwrap().keys, vec![b"svc/c".to_vec()]);

    let a = s.apply(&Request::LeaseRevoke { id: 5 }, 0);
    assert_eq!(a.result, Ok(Response::LeaseRevoke));
    assert_eq!(a.revision, 7);
    assert_eq!(
        a.events,
        vec![
            (
                rev(7, 0),
                Event {
                    kind: EventKind::Delete,
                    kv: KeyValue { key: b"svc/a".to_vec(), mod_revision: 7, ..Default::default() },
                    prev_kv: Some(kv("svc/a", "1", 3, 3, 1, 5)),
                }
            ),
            (
                rev(7, 1),
                Event {
                    kind: EventKind::Delete,
                    kv: KeyValue { key: b"svc/b".to_vec(), mod_revision: 7, ..Default::default() },
                    prev_kv: Some(kv("svc/b", "1", 2, 2, 1, 5)),
                }
            ),
        ]
    );
    assert_eq!(keys(&s.kvs()), vec!["plain", "svc/c"]);
    assert_eq!(s.leases(), vec![6]);
    assert_eq!(s.lease_info(5, 0), None);

    let a = s.apply(&Request::LeaseRevoke { id: 123 }, 0);
    assert_eq!(a.result, Err(StoreError::LeaseNotFound));
    assert_eq!(StoreError::LeaseNotFound.to_string(), "etcdserver: requested lease not found");
    // Revoking a lease with no keys changes nothing else.
    put(&mut s, "svc/c", "3"); // 8: detaches from lease 6
    let a = s.apply(&Request::LeaseRevoke { id: 6 }, 0);
    assert_eq!(a.result, Ok(Response::LeaseRevoke));
    assert_eq!(a.revision, 8);
    assert!(a.events.is_empty());
}

#[test]
fn lease_expiry_timetolive_keepalive_promote() {
    let mut s = store();
    // The leader's lessor: promoted, it keeps real deadlines.
    s.promote_leases(0, 0);
    grant(&mut s, 1, 100, 1_000).unwrap();
    grant(&mut s, 2, 10, 1_000).unwrap();
    let ttl = |s: &Store, id, now| s.lease_info(id, now).unwrap().ttl;
    assert_eq!(ttl(&s, 1, 1_000), 100);
    // Truncated like etcd: 99.9 s left shows 99.
    assert_eq!(ttl(&s, 1, 1_100), 99);
    assert_eq!(s.lease_info(1, 1_100).unwrap().granted_ttl, 100);
    assert_eq!(ttl(&s, 2, 10_999), 0);
    assert_eq!(ttl(&s, 2, 11_000), -1);

    assert_eq!(s.expired_leases(10_999), Vec::<i64>::new());
    assert_eq!(s.expired_leases(11_000), vec![2]);
    assert_eq!(s.expired_leases(200_000), vec![1, 2]);

    assert_eq!(s.renew_lease(2, 5_000), Ok(10));
    assert_eq!(s.expired_leases(11_000), Vec::<i64>::new());
    assert_eq!(ttl(&s, 2, 5_000), 10);
    assert_eq!(s.renew_lease(2, 15_000), Err(StoreError::LeaseNotFound));
    assert_eq!(s.renew_lease(9, 0), Err(StoreError::LeaseNotFound));

    s.promote_leases(50_000, 2_000);
    assert_eq!(s.expired_leases(61_999), Vec::<i64>::new());
    assert_eq!(s.expired_leases(62_000), vec![2]);
    assert_eq!(ttl(&s, 1, 50_000), 102);

    // A lessor that stops leading holds every lease forever (etcd's Demote), and a lease
    // granted while it is not primary never expires there either.
    s.demote_leases();
    assert_eq!(s.expired_leases(u64::MAX - 1), Vec::<i64>::new());
    assert_eq!(ttl(&s, 1, 70_000), 9_223_372_036, "time.Duration(math.MaxInt64) in seconds");
    grant(&mut s, 3, 10, 70_000).unwrap();
    assert_eq!(s.expired_leases(1_000_000), Vec::<i64>::new());
    s.promote_leases(80_000, 1_000);
    assert_eq!(s.expired_leases(91_000), vec![2, 3]);
}

#[test]
fn deadlines_do_not_change_the_hash() {
    let mut a = store();
    grant(&mut a, 1, 10, 0).unwrap();
    let b = a.clone();
    a.renew_lease(1, 5_000).unwrap();
    a.promote_leases(7_000, 1_000);
    a.defrag();
    assert_eq!(a.hash(), b.hash());
}

// ---------------------------------------------------------------- alarms and quota

#[test]
fn alarms_list_and_nospace_behaviour() {
    let mut s = store();
    put(&mut s, "a", "1"); // 2
    grant(&mut s, 1, 60, 0).unwrap();
    let a = s.apply(&Request::AlarmActivate(nospace()), 0);
    assert_eq!(a.result, Ok(Response::Alarm(vec![nospace()])));
    let corrupt = AlarmMember { member_id: 1, alarm: AlarmType::Corrupt };
    s.apply(&Request::AlarmActivate(corrupt), 0);
    assert_eq!(s.alarms(), vec![corrupt, nospace()]);
    s.apply(&Request::AlarmDeactivate(corrupt), 0);
    assert_eq!(s.alarms(), vec![nospace()]);

    assert_eq!(put(&mut s, "small", "1").result, Err(StoreError::NoSpace));
    assert_eq!(StoreError::NoSpace.to_string(), "etcdserver: mvcc: database space exceeded");
    assert_eq!(grant(&mut s, 2, 60, 0), Err(StoreError::NoSpace));
    let with_put = TxnRequest { success: vec![RequestOp::Put(put_req("t", "1"))], ..Default::default() };
    assert_eq!(txn(&mut s, with_put).0, Err(StoreError::NoSpace));
    // Reads, deletes, compaction and revoke still work.
    let read_only = TxnRequest { success: vec![RequestOp::Range(get_req("a", b""))], ..Default::default() };
    assert!(txn(&mut s, read_only).0.unwrap().succeeded);
    assert_eq!(get(&s, "a").unwrap().value, b"1");
    assert_eq!(del(&mut s, "a", "").revision, 3);
    assert_eq!(s.apply(&Request::Compaction { revision: 3 }, 0).result, Ok(Response::Compaction));
    assert_eq!(s.apply(&Request::LeaseRevoke { id: 1 }, 0).result, Ok(Response::LeaseRevoke));
    assert_eq!(s.revision(), 3);

    let a = s.apply(&Request::AlarmDeactivate(nospace()), 0);
    assert_eq!(a.result, Ok(Response::Alarm(vec![])));
    assert_eq!(put(&mut s, "small", "1").revision, 4);
}

#[test]
fn size_model_and_defrag() {
    let mut s = store();
    assert_eq!((s.db_size(), s.db_size_in_use()), (20480, 16384));
    let big = "v".repeat(100_000);
    put(&mut s, "big1", &big);
    // 100_000 + 4 + 50 bytes → 25 pages.
    assert_eq!(s.db_size_in_use(), 16384 + 25 * 4096);
    assert_eq!(s.db_size(), 16384 + 26 * 4096);
    put(&mut s, "big1", &big);
    assert_eq!(s.db_size_in_use(), 16384 + 49 * 4096);
    let before = s.db_size();
    assert_eq!(before, 16384 + 50 * 4096);

    // Compaction frees the old version: in-use shrinks, the file does not.
    s.apply(&Request::Compaction { revision: 3 }, 0);
    assert_eq!(s.db_size_in_use(), 16384 + 25 * 4096);
    assert_eq!(s.db_size(), before);
    s.defrag();
    assert_eq!(s.db_size(), 16384 + 26 * 4096);

    // A lease costs a little too.
    grant(&mut s, 1, 10, 0).unwrap();
    assert_eq!(s.db_size_in_use(), 16384 + 25 * 4096);
}

#[test]
fn quota_fills_raises_and_recovers() {
    // 1 MiB quota, 100 KB puts, like the curriculum's session.
    let mut s = Store::new(1024 * 1024, 2);
    let big = "v".repeat(100_000);
    let mut n = 0;
    loop {
        let req = Request::Put(put_req(&format!("big{n}"), &big));
        if !s.quota_available(&req) {
            break;
        }
        assert!(s.apply(&req, 0).result.is_ok());
        n += 1;
    }
    // The model is tidier than bbolt (a real 3.4.23 took 7 before refusing, its file
    // growing in copy-on-write bursts), but the same shape: a handful, then NOSPACE.
    assert_eq!(n, 10);
    assert!(s.db_size() + 100_000 + 256 + 4 >= 1024 * 1024);
    // The endpoint raises the alarm instead of proposing.
    s.apply(&Request::AlarmActivate(nospace()), 0);
    let small = Request::Put(put_req("small", "1"));
    assert!(s.quota_available(&small), "a small put fits, but the alarm stands");
    assert_eq!(s.apply(&small, 0).result, Err(StoreError::NoSpace));
    assert!(s.quota_available(&Request::Compaction { revision: 5 }));
    assert!(!s.quota_available(&Request::Put(put_req("more", &big))));

    // del, compact, defrag, disarm, put: the lesson's recovery.
    for i in 0..5 {
        del(&mut s, &format!("big{i}"), "");
    }
    let rev = s.revision();
    s.apply(&Request::Compaction { revision: rev }, 0);
    let file = s.db_size();
    assert!(s.db_size_in_use() < file);
    assert!(!s.quota_available(&Request::Put(put_req("more", &big))));
    s.defrag();
    assert!(s.db_size() < file);
    assert!(s.quota_available(&Request::Put(put_req("more", &big))));
    s.apply(&Request::AlarmDeactivate(nospace()), 0);
    assert!(s.apply(&small, 0).result.is_ok());
}

#[test]
fn put_over_quota_at_apply_is_applied_but_answered_nospace() {
    let mut s = Store::new(30_000, 2);
    let req = Request::Put(put_req("k", &"v".repeat(5_000)));
    assert!(s.quota_available(&req));
    put(&mut s, "filler", &"f".repeat(8_000)); // a write in flight grows the file
    assert!(!s.quota_available(&req));
    let a = s.apply(&req, 0);
    assert_eq!(a.result, Err(StoreError::NoSpace));
    assert_eq!(a.revision, 3);
    assert_eq!(a.events.len(), 1);
    assert!(get(&s, "k").is_some());
}

#[test]
fn quota_costs_follow_etcd() {
    let s = Store::new(20480 + 300, 2);
    // db 20480 + (256 + 1 + 1) < 20780
    assert!(s.quota_available(&Request::Put(put_req("k", "v"))));
    assert!(!s.quota_available(&Request::Put(put_req("k", "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"))));
    assert!(s.quota_available(&Request::LeaseGrant { id: 1, ttl_secs: 5 }));
    assert!(s.quota_available(&Request::LeaseRevoke { id: 1 }));
    let full = Store::new(20480, 2);
    // Everything etcd's interceptor checks fails once the file is at the quota.
    assert!(!full.quota_available(&Request::Txn(TxnRequest::default())));
    assert!(
        full.quota_available(&Request::DeleteRange(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }))
    );
}

// ---------------------------------------------------------------- snapshots and hash

fn busy_store() -> Store {
    let mut s = store();
    grant(&mut s, 7, 30, 0).unwrap();
    put_lease(&mut s, "svc/a", "1", 7);
    put(&mut s, "x", "1");
    put(&mut s, "x", "2");
    del(&mut s, "x", "");
    put(&mut s, "y", "1");
    s.apply(&Request::Compaction { revision: 3 }, 0);
    s.apply(&Request::AlarmActivate(nospace()), 0);
    s
}

#[test]
fn snapshot_round_trip() {
    let s = busy_store();
    let bytes = s.to_snapshot();
    assert_eq!(bytes, s.clone().to_snapshot(), "same state, same bytes");
    let r = Store::from_snapshot(&bytes).unwrap();
    assert_eq!(r.hash(), s.hash());
    assert_eq!(r.to_snapshot(), bytes);
    assert_eq!(r.revision(), s.revision());
    assert_eq!(r.compact_revision(), 3);
    assert_eq!(r.kvs(), s.kvs());
    assert_eq!(r.alarms(), s.alarms());
    assert_eq!(r.lease_info(7, 0), s.lease_info(7, 0));
    assert_eq!((r.db_size(), r.db_size_in_use()), (s.db_size(), s.db_size_in_use()));
    assert_eq!(r.history(b"x", b"", 3), s.history(b"x", b"", 3));
    assert_eq!(get_rev(&r, "x", 2), Err(StoreError::Compacted));
}

#[test]
fn hash_tracks_replicated_state() {
    let a = busy_store();
    let mut b = busy_store();
    assert_eq!(a.hash(), b.hash());
    del(&mut b, "y", "");
    assert_ne!(a.hash(), b.hash());
    let mut c = busy_store();
    c.apply(&Request::AlarmDeactivate(nospace()), 0);
    assert_ne!(a.hash(), c.hash());
    // Settings are member-local and stay out of the hash.
    assert_eq!(store().hash(), Store::new(5, 9).hash());
    assert_ne!(store().hash(), 0);
}

#[test]
fn snapshot_rejects_garbage() {
    assert_eq!(Store::from_snapshot(b"").unwrap_err(), SnapshotError::BadMagic);
    assert_eq!(Store::from_snapshot(b"hello world, not a store").unwrap_err(), SnapshotError::BadMagic);
    let good = busy_store().to_snapshot();
    let mut wrong_version = good.clone();
    wrong_version[8] = 9;
    assert_eq!(
        Store::from_snapshot(&wrong_version).unwrap_err(),
        SnapshotError::UnsupportedVersion { found: 9, expected: 2 }
    );
    assert!(matches!(Store::from_snapshot(&good[..good.len() - 3]), Err(SnapshotError::Corrupt(_))));
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(Store::from_snapshot(&trailing), Err(SnapshotError::Corrupt(_))));
    let msg = Store::from_snapshot(&good[..9]).unwrap_err().to_string();
    assert_eq!(msg, "store snapshot is corrupt: truncated header");
    // Every truncation and every single-byte flip is an error or a valid store.
    for cut in 0..good.len() {
        let _ = Store::from_snapshot(&good[..cut]);
    }
    for i in 0..good.len() {
        let mut b = good.clone();
        b[i] ^= 0xa5;
        if let Ok(s) = Store::from_snapshot(&b) {
            let _ = (s.hash(), s.kvs(), s.to_snapshot());
        }
    }
}

// ---------------------------------------------------------------- properties

mod props {
    use super::*;
    use proptest::prelude::*;

    fn key() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(Vec::new()),
            Just(vec![0]),
            prop::sample::select(vec!["a", "b", "b/1", "b/2", "c", "z"]).prop_map(|s| s.into()),
            prop::collection::vec(any::<u8>(), 0..4),
        ]
    }

    fn end() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![Just(Vec::new()), Just(vec![0]), key()]
    }

    fn rev() -> impl Strategy<Value = i64> {
        prop_oneof![-2i64..20, any::<i64>()]
    }

    fn lease_id() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..4, any::<i64>()]
    }

    fn range_req() -> impl Strategy<Value = RangeRequest> {
        (key(), end(), rev(), -1i64..4, 0u8..3, 0u8..5, any::<bool>(), any::<bool>()).prop_map(
            |(key, range_end, revision, limit, o, t, keys_only, count_only)| RangeRequest {
                key,
                range_end,
                limit,
                revision,
                sort_order: [SortOrder::None, SortOrder::Ascend, SortOrder::Descend][o as usize],
                sort_target: [
                    SortTarget::Key,
                    SortTarget::Version,
                    SortTarget::Create,
                    SortTarget::Mod,
                    SortTarget::Value,
                ][t as usize],
                serializable: false,
                keys_only,
                count_only,
            },
        )
    }

    fn put_req() -> impl Strategy<Value = PutRequest> {
        (key(), prop::collection::vec(any::<u8>(), 0..3), lease_id(), any::<[bool; 3]>()).prop_map(
            |(key, value, lease, f)| PutRequest {
                key: key.into(),
                value: value.into(),
                lease,
                prev_kv: f[0],
                ignore_value: f[1],
                ignore_lease: f[2],
            },
        )
    }

    fn del_req() -> impl Strategy<Value = DeleteRangeRequest> {
        (key(), end(), any::<bool>()).prop_map(|(key, range_end, prev_kv)| DeleteRangeRequest {
            key,
            range_end,
            prev_kv,
        })
    }

    fn compare() -> impl Strategy<Value = Compare> {
        (key(), end(), 0u8..4, 0u8..5, rev()).prop_map(|(key, range_end, r, t, n)| Compare {
            result: [CompareResult::Equal, CompareResult::Greater, CompareResult::Less, CompareResult::NotEqual]
                [r as usize],
            target: match t {
                0 => CompareTarget::Version(n),
                1 => CompareTarget::Create(n),
                2 => CompareTarget::Mod(n),
                3 => CompareTarget::Value(n.to_le_bytes()[..1].to_vec()),
                _ => CompareTarget::Lease(n),
            },
            key,
            range_end,
        })
    }

    fn op() -> impl Strategy<Value = RequestOp> {
        let leaf = prop_oneof![
            range_req().prop_map(RequestOp::Range),
            put_req().prop_map(RequestOp::Put),
            del_req().prop_map(RequestOp::DeleteRange),
        ];
        leaf.prop_recursive(2, 12, 4, |inner| {
            (
                prop::collection::vec(compare(), 0..3),
                prop::collection::vec(inner.clone(), 0..4),
                prop::collection::vec(inner, 0..4),
            )
                .prop_map(|(compare, success, failure)| RequestOp::Txn(TxnRequest { compare, success, failure }))
        })
    }

    fn request() -> impl Strategy<Value = Request> {
        prop_oneof![
            4 => put_req().prop_map(Request::Put),
            2 => del_req().prop_map(Request::DeleteRange),
            3 => (prop::collection::vec(compare(), 0..3), prop::collection::vec(op(), 0..4),
                  prop::collection::vec(op(), 0..4))
                .prop_map(|(compare, success, failure)| Request::Txn(TxnRequest { compare, success, failure })),
            1 => rev().prop_map(|revision| Request::Compaction { revision }),
            2 => (lease_id(), prop_oneof![-5i64..100, any::<i64>()])
                .prop_map(|(id, ttl_secs)| Request::LeaseGrant { id, ttl_secs }),
            1 => lease_id().prop_map(|id| Request::LeaseRevoke { id }),
            1 => (0u64..3, any::<bool>(), any::<bool>()).prop_map(|(member_id, ns, on)| {
                let a = AlarmMember {
                    member_id,
                    alarm: if ns { AlarmType::NoSpace } else { AlarmType::Corrupt },
                };
                if on { Request::AlarmActivate(a) } else { Request::AlarmDeactivate(a) }
            }),
        ]
    }

    fn check_invariants(s: &Store) {
        let kvs = s.kvs();
        for w in kvs.windows(2) {
            assert!(w[0].key < w[1].key);
        }
        for kv in &kvs {
            assert!(kv.version >= 1);
            assert!(kv.create_revision <= kv.mod_revision && kv.mod_revision <= s.revision());
            assert!(kv.lease == 0 || s.leases().contains(&kv.lease));
        }
        assert!(s.compact_revision() <= s.revision());
        assert!(s.db_size() > s.db_size_in_use());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_sequences_never_panic_and_snapshots_round_trip(
            reqs in prop::collection::vec((request(), 0u64..50_000), 1..40),
            reads in prop::collection::vec(range_req(), 0..6),
            history_from in rev(),
        ) {
            let mut s = Store::new(40_000, 2);
            let mut mirror = s.clone();
            for (req, now) in &reqs {
                let before = s.revision();
                let _ = s.quota_available(req);
                let a = s.apply(req, *now);
                prop_assert_eq!(a.revision, s.revision());
                // Revisions move by at most one per request, and only with events.
                if a.events.is_empty() {
                    prop_assert_eq!(a.revision, before);
                } else {
                    prop_assert_eq!(a.revision, before + 1);
                    for (i, (r, _)) in a.events.iter().enumerate() {
                        prop_assert_eq!(*r, Revision { main: before + 1, sub: i as i64 });
                    }
                }
                // Determinism: a replica applying the same log agrees.
                let b = mirror.apply(req, *now);
                prop_assert_eq!(&a, &b);
                check_invariants(&s);
                // The live-key count kept on the side matches a walk of the index.
                prop_assert_eq!(s.kvs_limited(0).1, s.kvs().len() as u64);
                let _ = s.renew_lease(1, *now);
                let _ = s.expired_leases(*now);
            }
            for r in &reads {
                let _ = s.range(r);
            }
            let _ = s.history(&[0], &[0], history_from);
            for id in s.leases() {
                prop_assert!(s.lease_info(id, 0).is_some());
            }
            let bytes = s.to_snapshot();
            let restored = Store::from_snapshot(&bytes).unwrap();
            prop_assert_eq!(restored.hash(), s.hash());
            prop_assert_eq!(restored.to_snapshot(), bytes);
            prop_assert_eq!(restored.hash(), mirror.hash());
        }

        #[test]
        fn history_replays_to_the_live_state(
            reqs in prop::collection::vec(request(), 1..30),
        ) {
            let mut s = store();
            for req in &reqs {
                s.apply(req, 0);
            }
            if s.compact_revision() == 0 {
                // Replaying every event from revision 1 rebuilds exactly the live keys.
                let mut live = std::collections::BTreeMap::new();
                for (_, e) in s.history(&[0], &[0], 1).unwrap() {
                    match e.kind {
                        EventKind::Put => { live.insert(e.kv.key.clone(), e.kv); }
                        EventKind::Delete => { live.remove(&e.kv.key); }
                    }
                }
                prop_assert_eq!(live.into_values().collect::<Vec<_>>(), s.kvs());
            }
        }

        #[test]
        fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = Store::from_snapshot(&bytes);
            let mut framed = b"RLSTORE\0\x01\x00".to_vec();
            framed.extend(&bytes);
            if let Ok(s) = Store::from_snapshot(&framed) {
                let _ = (s.hash(), s.kvs(), s.to_snapshot(), s.history(&[0], &[0], 1));
            }
        }
    }
}
