//! The requests kube-apiserver's etcd3 storage (`k8s.io/apiserver/pkg/storage/etcd3`)
//! sends for each kubectl verb, over any etcd that can answer them ([`Etcd`]): the lab's
//! console session drives it with engine calls, the lesson oracle with real etcdctl runs,
//! and both print the same text from the same replies.
//!
//! Contract, per verb (key = `/registry/<resource>/<ns>/<name>`):
//! - create: `txn If(mod_revision(key) = 0) Then(Put(key, obj))`; a failed compare is
//!   AlreadyExists (`store.go` Create).
//! - get: a linearizable range of the key; resourceVersion = the key's mod_revision.
//! - list: a linearizable range of the prefix; the list's resourceVersion = the
//!   response header's revision.
//! - set image / label (`GuaranteedUpdate`): range the key, change the object, then
//!   `txn If(mod_revision(key) = <the revision read>) Then(Put) Else(Get)`; when the txn
//!   fails (someone wrote in between) try again from the object the Else read (at most
//!   [`MAX_TRIES`] times). A caller holding a resourceVersion (`--resource-version=N`,
//!   as `kubectl replace` sends one) that differs from the object's gets Conflict from the
//!   registry's update check, before any txn. An update that changes no byte writes nothing,
//!   as `GuaranteedUpdate` skips it.
//! - delete (`conditionalDelete`): range the key; a resourceVersion precondition that
//!   differs fails; then `txn If(mod_revision(key) = <read>) Then(Delete(key)) Else(Get)`,
//!   retried like an update.
//! - compact: one round of `compact.go`'s compactor (see [`Compactor`]).
//! - Errors from etcd itself (a write's timeout while quorum is lost) pass through as
//!   kubectl prints an error that is not an API status: `Error from server: <etcd's
//!   text>`. A read that outlives kube-apiserver's request timeout is its 504 Timeout.

use serde_json::Value;

use crate::console::format::Output;
use crate::store::{
    prefix_range_end, Compare, CompareResult, CompareTarget, DeleteRangeRequest, KeyValue, PutRequest, RangeRequest,
    RangeResponse, RequestOp, ResponseOp, TxnRequest, TxnResponse,
};

use super::command::{KubeCommand, KubeOutput, Target};
use super::format;
use super::objects::{self, Resource, Spec};

/// How many times an update or delete retries a txn that lost a race.
pub const MAX_TRIES: usize = 5;

/// How long kube-apiserver waits on a read: its `--request-timeout` (60 s by default).
pub const READ_TIMEOUT_MS: u64 = 60_000;

/// etcd's request timeout with its default election timeout (5 s + 2 × 1 s).
pub const WRITE_TIMEOUT_MS: u64 = 7_000;

/// The end of the error text of a call whose deadline passed on the client's side.
pub const DEADLINE: &str = "context deadline exceeded";

/// The key kube-apiserver's compactor keeps its round count in (as the key's version).
pub use crate::engine::COMPACT_REV_KEY;

/// An etcd that answers ranges, txns and compactions. `Err` is etcd's error text
/// (`etcdserver: request timed out`), without etcdctl's `Error: `; a text that ends with
/// [`DEADLINE`] means kube-apiserver's own deadline passed first.
///
/// The deadlines are kube-apiserver's: a write is a raft proposal, which etcd itself gives
/// up on after its request timeout (5 s + 2 election timeouts: [`WRITE_TIMEOUT_MS`] with
/// etcd's defaults), answering `etcdserver: request timed out`; a linearizable read has no
/// such server-side limit in etcd 3.4 (a real 3.4.23 read without quorum waited out its
/// client's deadline), so it runs until kube-apiserver's request timeout,
/// [`READ_TIMEOUT_MS`].
pub trait Etcd {
    /// The reply and its header's revision.
    fn range(&mut self, req: RangeRequest) -> Result<(i64, RangeResponse), String>;
    fn txn(&mut self, req: TxnRequest) -> Result<(i64, TxnResponse), String>;
    fn compact(&mut self, revision: i64) -> Result<(), String>;
}

/// kube-apiserver's compactor (`storage/etcd3/compact.go`): every interval (5 minutes by
/// default) one round, `txn If(version(compact_rev_key) = time) Then(Put(compact_rev_key,
/// <rev>)) Else(Get(compact_rev_key))`. On success it compacts to `rev`, the revision it
/// saw at its previous round (not on the first round), and keeps the txn's header
/// revision for the next one; on failure (another apiserver did the round) it takes the
/// key's version as its time. So etcd keeps between one and two intervals of history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compactor {
    /// The compact time: the version of compact_rev_key this apiserver expects.
    pub time: i64,
    /// The revision seen at the last round (0 before any).
    pub rev: i64,
}

impl Compactor {
    /// One round; what it did, as one line.
    pub fn round(&mut self, etcd: &mut dyn Etcd) -> Result<String, String> {
        let req = crate::engine::compact_round_txn(self.time, self.rev);
        let (cur_rev, resp) = etcd.txn(req)?;
        if !resp.succeeded {
            let cur_time = match resp.responses.first() {
                Some(ResponseOp::Range(r)) => r.kvs.first().map(|kv| kv.version).unwrap_or(0),
                _ => 0,
            };
            self.time = cur_time;
            self.rev = cur_rev;
            return Ok(format!(
                "compactor: another apiserver ran this round (compact_rev_key is at version {cur_time}); nothing compacted, the next round follows it\n"
            ));
        }
        self.time += 1;
        let prev = std::mem::replace(&mut self.rev, cur_rev);
        if prev == 0 {
            return Ok(format!(
                "compactor: round {} at revision {cur_rev}; nothing compacted on the first round\n",
                self.time
            ));
        }
        etcd.compact(prev)?;
        Ok(format!(
            "compactor: round {} at revision {cur_rev}; compacted to revision {prev}, the revision of the round before\n",
            self.time
        ))
    }
}

/// The client's own state: its compactor, and how many objects it created (for uids).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeClient {
    pub compactor: Compactor,
    pub creates: u64,
}

/// One object read from etcd.
struct Read {
    kv: KeyValue,
    obj: Value,
}

fn err_out(text: String) -> Output {
    Output::err(text)
}

fn etcd_err(text: String) -> Output {
    if text.ends_with(DEADLINE) {
        return Output::err(format::request_timeout());
    }
    Output::err(format::server_error(&text))
}

fn mod_equals(key: &[u8], rev: i64) -> Compare {
    Compare { result: CompareResult::Equal, target: CompareTarget::Mod(rev), key: key.to_vec(), range_end: Vec::new() }
}

fn get_op(key: &[u8]) -> RequestOp {
    RequestOp::Range(RangeRequest { key: key.to_vec(), ..Default::default() })
}

/// The kv a txn's Else(Get) read back, if any.
fn else_read(resp: &TxnResponse) -> Option<KeyValue> {
    match resp.responses.first() {
        Some(ResponseOp::Range(r)) => r.kvs.first().cloned(),
        _ => None,
    }
}

fn read_one(etcd: &mut dyn Etcd, key: &[u8]) -> Result<Option<Read>, Output> {
    let (_, resp) = etcd.range(RangeRequest { key: key.to_vec(), ..Default::default() }).map_err(etcd_err)?;
    Ok(resp.kvs.into_iter().next().map(|kv| {
        let obj = objects::decode(&kv.value).unwrap_or(Value::Null);
        Read { kv, obj }
    }))
}

impl KubeClient {
    /// Runs one verb that answers once (every verb but the streaming `get -w` and
    /// `informer`, which the caller starts with [`list`] and its own watch).
    pub fn run(&mut self, etcd: &mut dyn Etcd, cmd: &KubeCommand) -> Output {
        match cmd {
            KubeCommand::Create { res, namespace, name, spec } => self.create(etcd, *res, namespace, name, spec),
            KubeCommand::Get { res, target: Target::One { namespace, name }, output, .. } => {
                get(etcd, *res, namespace, name, *output)
            }
            KubeCommand::Get { res, target, output, .. } => match list(etcd, *res, target.namespace(), *output) {
                Ok((o, _)) => o,
                Err(o) => o,
            },
            KubeCommand::SetImage { res, namespace, name, image, resource_version } => {
                let image = image.clone();
                let done = format!("{}/{name} image updated\n", res.singular());
                update(etcd, *res, namespace, name, *resource_version, &done, &mut |o| {
                    objects::set_image(o, &image);
                })
            }
            KubeCommand::Label { res, namespace, name, key, value, resource_version } => {
                let done = format!("{}/{name} labeled\n", res.singular());
                update(etcd, *res, namespace, name, *resource_version, &done, &mut |o| {
                    objects::set_label(o, key, value);
                })
            }
            KubeCommand::Delete { res, namespace, name, resource_version } => {
                delete(etcd, *res, namespace, name, *resource_version)
            }
            KubeCommand::Compact => match self.compactor.round(etcd) {
                Ok(line) => Output::out(line),
                Err(e) => etcd_err(e),
            },
            KubeCommand::Informer { .. } | KubeCommand::Compactor { .. } => Output::default(),
        }
    }

    fn create(&mut self, etcd: &mut dyn Etcd, res: Resource, ns: &str, name: &str, spec: &Spec) -> Output {
        let key = res.key(ns, name);
        self.creates += 1;
        let obj = objects::manifest(res, ns, name, &objects::uid(&key, self.creates), spec);
        let req = TxnRequest {
            compare: vec![mod_equals(key.as_bytes(), 0)],
            success: vec![RequestOp::Put(PutRequest {
                key: key.as_str().into(),
                value: objects::encode(&obj).into(),
                ..Default::default()
            })],
            failure: Vec::new(),
        };
        match etcd.txn(req) {
            Ok((_, r)) if r.succeeded => Output::out(format!("{}/{name} created\n", res.singular())),
            Ok(_) => err_out(format::already_exists(res, name)),
            Err(e) => etcd_err(e),
        }
    }
}

/// `kubectl get <res> <name>`.
pub fn get(etcd: &mut dyn Etcd, res: Resource, ns: &str, name: &str, output: KubeOutput) -> Output {
    match read_one(etcd, res.key(ns, name).as_bytes()) {
        Ok(Some(r)) => {
            let rv = r.kv.mod_revision;
            let obj = objects::with_resource_version(r.obj, rv);
            Output::out(format::object(res, &obj, &r.kv.key, rv, output))
        }
        Ok(None) => err_out(format::not_found(res, name)),
        Err(o) => o,
    }
}

/// `kubectl get <res>`: the printed list and the list's resourceVersion.
pub fn list(
    etcd: &mut dyn Etcd,
    res: Resource,
    namespace: Option<&str>,
    output: KubeOutput,
) -> Result<(Output, i64), Output> {
    let (items, rev) = list_items(etcd, res, namespace)?;
    let (out, err) = format::list(res, namespace, &items, rev, output);
    Ok((Output { stdout: out, stderr: err, note: String::new() }, rev))
}

/// The objects under a prefix (each with its resourceVersion set) and the header revision.
#[allow(clippy::type_complexity)]
pub fn list_items(
    etcd: &mut dyn Etcd,
    res: Resource,
    namespace: Option<&str>,
) -> Result<(Vec<(Value, Vec<u8>, i64)>, i64), Output> {
    let prefix = res.prefix(namespace).into_bytes();
    let req = RangeRequest { range_end: prefix_range_end(&prefix), key: prefix, ..Default::default() };
    let (rev, resp) = etcd.range(req).map_err(etcd_err)?;
    let items = resp
        .kvs
        .into_iter()
        .filter_map(|kv| {
            let obj = objects::decode(&kv.value)?;
            Some((objects::with_resource_version(obj, kv.mod_revision), kv.key, kv.mod_revision))
        })
        .collect();
    Ok((items, rev))
}

fn update(
    etcd: &mut dyn Etcd,
    res: Resource,
    ns: &str,
    name: &str,
    held: Option<i64>,
    done: &str,
    change: &mut dyn FnMut(&mut Value),
) -> Output {
    let key = res.key(ns, name).into_bytes();
    let mut current = match read_one(etcd, &key) {
        Ok(Some(r)) => r,
        Ok(None) => return err_out(format::not_found(res, name)),
        Err(o) => return o,
    };
    for _ in 0..MAX_TRIES {
        // The registry's update check: the caller's resourceVersion must be the object's.
        if held.is_some_and(|rv| rv != current.kv.mod_revision) {
            return err_out(format::conflict(res, name));
        }
        let mut obj = current.obj.clone();
        change(&mut obj);
        let value = objects::encode(&obj);
        if value == current.kv.value {
            // GuaranteedUpdate writes nothing when no byte changed; the RV stays.
            return Output::out(done.to_string());
        }
        let req = TxnRequest {
            compare: vec![mod_equals(&key, current.kv.mod_revision)],
            success: vec![RequestOp::Put(PutRequest {
                key: key.clone().into(),
                value: value.into(),
                ..Default::default()
            })],
            failure: vec![get_op(&key)],
        };
        match etcd.txn(req) {
            Ok((_, r)) if r.succeeded => return Output::out(done.to_string()),
            Ok((_, r)) => match else_read(&r) {
                Some(kv) => {
                    let obj = objects::decode(&kv.value).unwrap_or(Value::Null);
                    current = Read { kv, obj };
                }
                None => return err_out(format::not_found(res, name)),
            },
            Err(e) => return etcd_err(e),
        }
    }
    err_out(format::conflict(res, name))
}

fn delete(etcd: &mut dyn Etcd, res: Resource, ns: &str, name: &str, held: Option<i64>) -> Output {
    let key = res.key(ns, name).into_bytes();
    let mut current = match read_one(etcd, &key) {
        Ok(Some(r)) => r.kv,
        Ok(None) => return err_out(format::not_found(res, name)),
        Err(o) => return o,
    };
    for _ in 0..MAX_TRIES {
        if let Some(rv) = held.filter(|rv| *rv != current.mod_revision) {
            return err_out(format::precondition_failed(res, name, rv, current.mod_revision));
        }
        let req = TxnRequest {
            compare: vec![mod_equals(&key, current.mod_revision)],
            success: vec![RequestOp::DeleteRange(DeleteRangeRequest {
                key: key.clone(),
                range_end: Vec::new(),
                prev_kv: true,
            })],
            failure: vec![get_op(&key)],
        };
        match etcd.txn(req) {
            Ok((_, r)) if r.succeeded => return Output::out(format!("{} \"{name}\" deleted\n", res.singular())),
            Ok((_, r)) => match else_read(&r) {
                Some(kv) => current = kv,
                None => return err_out(format::not_found(res, name)),
            },
            Err(e) => return etcd_err(e),
        }
    }
    err_out(format::conflict(res, name))
}

/// A watch event as the apiserver's watcher reports it: ADDED when the key was created at
/// this revision, MODIFIED for a later put, DELETED for a delete; the object's
/// resourceVersion is the event's mod_revision.
pub fn event_line(ev: &crate::store::Event) -> String {
    use crate::store::EventKind;
    let kind = match ev.kind {
        EventKind::Put if ev.kv.create_revision == ev.kv.mod_revision => "ADDED",
        EventKind::Put => "MODIFIED",
        EventKind::Delete => "DELETED",
    };
    let obj = objects::decode(&ev.kv.value).or_else(|| ev.prev_kv.as_ref().and_then(|p| objects::decode(&p.value)));
    let (ns, name) = objects::name_of(obj.as_ref(), &ev.kv.key);
    format::event(kind, &ns, &name, ev.kv.mod_revision)
}

#[cfg(test)]
mod tests;
