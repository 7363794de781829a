//! The kube client over a bare `Store`: the exact requests it sends and what it prints.

use super::*;
use crate::store::{Request, Response, Store};

/// An etcd made of one store, recording each request in etcdctl-like words.
struct Fake {
    store: Store,
    sent: Vec<String>,
    fail: Option<String>,
}

impl Fake {
    fn new() -> Fake {
        Fake { store: Store::new(1 << 30, 1), sent: Vec::new(), fail: None }
    }
    fn put(&mut self, key: &str, value: &str) {
        let p = PutRequest { key: key.into(), value: value.into(), ..Default::default() };
        self.store.apply(&Request::Put(p), 0);
    }
}

fn cmp_text(c: &Compare) -> String {
    let key = String::from_utf8_lossy(&c.key);
    match &c.target {
        CompareTarget::Mod(r) => format!("mod({key})={r}"),
        CompareTarget::Version(v) => format!("version({key})={v}"),
        other => format!("{other:?}"),
    }
}

fn op_text(o: &RequestOp) -> String {
    match o {
        RequestOp::Put(p) => format!("put {}", String::from_utf8_lossy(&p.key.to_vec())),
        RequestOp::Range(r) => format!("get {}", String::from_utf8_lossy(&r.key)),
        RequestOp::DeleteRange(d) => format!("del {}", String::from_utf8_lossy(&d.key)),
        RequestOp::Txn(_) => "txn".into(),
    }
}

impl Etcd for Fake {
    fn range(&mut self, req: RangeRequest) -> Result<(i64, RangeResponse), String> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        let prefix = if req.range_end.is_empty() { "" } else { " --prefix" };
        self.sent.push(format!("get {}{prefix}", String::from_utf8_lossy(&req.key)));
        let (r, rev) = self.store.range(&req).map_err(|e| e.to_string())?;
        Ok((rev, r))
    }
    fn txn(&mut self, req: TxnRequest) -> Result<(i64, TxnResponse), String> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        let cmps: Vec<String> = req.compare.iter().map(cmp_text).collect();
        let then: Vec<String> = req.success.iter().map(op_text).collect();
        let els: Vec<String> = req.failure.iter().map(op_text).collect();
        self.sent.push(format!("txn if {} then {} else {}", cmps.join(","), then.join(","), els.join(",")));
        let a = self.store.apply(&Request::Txn(req), 0);
        match a.result {
            Ok(Response::Txn(t)) => Ok((a.revision, t)),
            Ok(_) => Err("unexpected".into()),
            Err(e) => Err(e.to_string()),
        }
    }
    fn compact(&mut self, revision: i64) -> Result<(), String> {
        self.sent.push(format!("compact {revision}"));
        self.store.apply(&Request::Compaction { revision }, 0).result.map(|_| ()).map_err(|e| e.to_string())
    }
}

fn run(c: &mut KubeClient, etcd: &mut Fake, line: &str) -> String {
    let words: Vec<String> = line.split_whitespace().map(String::from).collect();
    let cmd = crate::kube::parse(&words).unwrap();
    c.run(etcd, &cmd).combined()
}

#[test]
fn create_is_a_txn_on_mod_revision_zero_and_a_second_one_already_exists() {
    let (mut c, mut e) = (KubeClient::default(), Fake::new());
    assert_eq!(run(&mut c, &mut e, "create pod default/web"), "pod/web created\n");
    assert_eq!(e.sent, ["txn if mod(/registry/pods/default/web)=0 then put /registry/pods/default/web else "]);
    assert_eq!(
        run(&mut c, &mut e, "create pod default/web"),
        "Error from server (AlreadyExists): pods \"web\" already exists\n"
    );
    assert_eq!(e.store.revision(), 2);
}

#[test]
fn resource_version_is_mod_revision_and_a_list_has_the_header_revision() {
    let (mut c, mut e) = (KubeClient::default(), Fake::new());
    run(&mut c, &mut e, "create pod default/web"); // rev 2
    run(&mut c, &mut e, "set image pod default/web nginx:1.25"); // rev 3
    e.put("/registry/configmaps/default/other", "{}"); // rev 4
    assert_eq!(
        run(&mut c, &mut e, "get pod default/web"),
        "NAME   IMAGE        RESOURCEVERSION\nweb    nginx:1.25   3\n"
    );
    assert_eq!(
        run(&mut c, &mut e, "get pods"),
        "NAME   IMAGE        RESOURCEVERSION\nweb    nginx:1.25   3\n(list resourceVersion: 4)\n"
    );
    let json = run(&mut c, &mut e, "get pod default/web -o json");
    assert!(json.contains("\"resourceVersion\": \"3\""), "{json}");
    // The stored value never holds it.
    let (r, _) =
        e.store.range(&RangeRequest { key: b"/registry/pods/default/web".to_vec(), ..Default::default() }).unwrap();
    assert!(!String::from_utf8_lossy(&r.kvs[0].value).contains("resourceVersion"));
}

#[test]
fn an_update_guards_its_put_with_the_revision_it_read_and_a_stale_version_conflicts() {
    let (mut c, mut e) = (KubeClient::default(), Fake::new());
    run(&mut c, &mut e, "create pod default/web"); // rev 2
    e.sent.clear();
    assert_eq!(run(&mut c, &mut e, "set image pod default/web nginx:1.25"), "pod/web image updated\n");
    assert_eq!(
        e.sent,
        [
            "get /registry/pods/default/web",
            "txn if mod(/registry/pods/default/web)=2 then put /registry/pods/default/web else get /registry/pods/default/web"
        ]
    );
    e.sent.clear();
    assert_eq!(
        run(&mut c, &mut e, "set image pod default/web nginx:1.26 --resource-version=2"),
        "Error from server (Conflict): Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again\n"
    );
    assert_eq!(e.sent, ["get /registry/pods/default/web"]);
    assert_eq!(run(&mut c, &mut e, "label pod default/web tier=front --resource-version=3"), "pod/web labeled\n");
    // The same change again writes nothing.
    run(&mut c, &mut e, "label pod default/web tier=front");
    assert_eq!(e.store.revision(), 4);
    assert_eq!(
        run(&mut c, &mut e, "delete pod default/web --resource-version=3"),
        "Error from server (Conflict): Operation cannot be fulfilled on pods \"web\": Precondition failed: ResourceVersion in precondition: 3, ResourceVersion in object meta: 4\n"
    );
    assert_eq!(run(&mut c, &mut e, "delete pod default/web"), "pod \"web\" deleted\n");
    assert_eq!(run(&mut c, &mut e, "get pod default/web"), "Error from server (NotFound): pods \"web\" not found\n");
}

#[test]
fn the_compactor_compacts_to_the_revision_of_the_round_before() {
    let (mut c, mut e) = (KubeClient::default(), Fake::new());
    run(&mut c, &mut e, "create pod default/web"); // rev 2
    assert_eq!(
        run(&mut c, &mut e, "compact"),
        "compactor: round 1 at revision 3; nothing compacted on the first round\n"
    );
    run(&mut c, &mut e, "set image pod default/web nginx:2"); // rev 4
    assert_eq!(
        run(&mut c, &mut e, "compact"),
        "compactor: round 2 at revision 5; compacted to revision 3, the revision of the round before\n"
    );
    assert_eq!(e.store.compact_revision(), 3);
    assert!(e
        .sent
        .contains(&"txn if version(compact_rev_key)=1 then put compact_rev_key else get compact_rev_key".to_string()));
    // A second apiserver (a fresh client) loses its first round and follows.
    let mut other = KubeClient::default();
    assert!(run(&mut other, &mut e, "compact")
        .contains("another apiserver ran this round (compact_rev_key is at version 2)"));
    assert_eq!(other.compactor, Compactor { time: 2, rev: 5 });
}

#[test]
fn etcd_errors_pass_through_as_kubectl_prints_them() {
    let (mut c, mut e) = (KubeClient::default(), Fake::new());
    e.fail = Some("etcdserver: request timed out".into());
    assert_eq!(run(&mut c, &mut e, "create pod default/web"), "Error from server: etcdserver: request timed out\n");
    assert_eq!(run(&mut c, &mut e, "get pods -A"), "Error from server: etcdserver: request timed out\n");
    e.fail = Some("rpc error: code = Unknown desc = context deadline exceeded".into());
    assert_eq!(
        run(&mut c, &mut e, "get pod default/web"),
        "Error from server (Timeout): Timeout: request did not complete within requested timeout - context deadline exceeded\n"
    );
}

#[test]
fn watch_events_carry_their_mod_revision() {
    use crate::store::{Event, EventKind, KeyValue};
    let kv = |c, m| KeyValue {
        key: b"/registry/pods/default/web".to_vec(),
        create_revision: c,
        mod_revision: m,
        ..Default::default()
    };
    let ev = |kind, kv| Event { kind, kv, prev_kv: None };
    assert_eq!(event_line(&ev(EventKind::Put, kv(5, 5))), "ADDED default/web resourceVersion=5\n");
    assert_eq!(event_line(&ev(EventKind::Put, kv(5, 7))), "MODIFIED default/web resourceVersion=7\n");
    assert_eq!(event_line(&ev(EventKind::Delete, kv(0, 9))), "DELETED default/web resourceVersion=9\n");
}
