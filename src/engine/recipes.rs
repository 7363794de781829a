//! etcdctl's `lock` and `elect`: the recipes of etcd 3.4's `clientv3/concurrency` package,
//! run by the client over ordinary calls, so that every key, revision and wait is real.
//!
//! Contract:
//! - A recipe is a stream on its endpoint (its id comes from the same sequence as watches
//!   and keep-alives, and `WatchCancel` stops it as Ctrl-C stops etcdctl). It makes only
//!   ordinary client calls — lease grant, keep-alive, txn, range, watch, delete — each one
//!   traced like a call a user typed, from ids of its own (`INTERNAL_REQ_BASE` up).
//! - `Mutex.Lock`: a session lease; `txn if create_revision(name/<lease>) = 0 then put
//!   name/<lease> "" (with the lease) and get the oldest key under name/, else get both`;
//!   it holds when no older key exists, else it waits for the delete of the newest older
//!   key (`waitDeletes`) and looks again. `Election.Campaign` is the same with the proposal
//!   as value (and a proclaim when its key holds another value). `Election.Observe` gets
//!   the oldest key, or waits for the first put, then follows that key until it is deleted.
//! - What etcdctl prints is a `TraceEvent::Recipe`: the `get` of its key once it holds or
//!   leads (or each leader it observes), an error, or that it ended.
//! - A recipe outlives its endpoint, as the etcdctl process does: when the member stops,
//!   the recipe's watch and keep-alive end with it, and a TTL after its last renewal the
//!   client's own deadline passes, so a holder or leader then fails with `session expired`
//!   (a waiter waits on). Its key stays until the lease expires on the leader, which is
//!   how a dead holder lets the next one in.
//! - Two etcdctl behaviours are kept as they are: the session lease is not revoked when
//!   the command ends (lock and elect never close their session; the lease runs out), and
//!   a waiter whose own key vanished still "gets" the lock once the older keys are gone,
//!   then fails with `lock lost on init`.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::store::{
    prefix_range_end, Compare, CompareResult, CompareTarget, DeleteRangeRequest, Event, EventKind, KeyValue,
    PutRequest, RangeRequest, RangeResponse, RequestOp, ResponseOp, SortOrder, SortTarget, TxnRequest,
};

use super::client::{ClientError, ClientOp, ClientReply, ClientResult, RecipeKind, RecipeOp, ResponseHeader};
use super::cluster::Cluster;
use super::trace::TraceEvent;
use super::NodeId;

/// Request ids at and above this are the engine's own (recipes, `check perf`), so they
/// never meet the ids a console hands out (`Cluster::fresh_req_id` stays below).
pub const INTERNAL_REQ_BASE: u64 = 1 << 48;

/// How long a recipe's call may wait: etcdctl runs `lock` and `elect` without a command
/// timeout, so a call waits as long as the member takes (a day stands for "ever").
const RECIPE_CALL_TIMEOUT_MS: u64 = 24 * 3600 * 1000;

/// What a recipe's etcdctl prints, as a trace event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeOutput {
    pub stream_id: u64,
    pub header: ResponseHeader,
    pub said: RecipeSaid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipeSaid {
    /// `display.Get` of a range answer: the held lock's key, the leader's key and value.
    Got(RangeResponse),
    /// The command failed with this error (etcdctl prints `Error: <text>` and exits 1).
    Failed(String),
    /// The command ended without printing more (it unlocked, resigned, or stopped observing).
    Ended,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Grant,
    /// The keep-alive stream is being opened.
    Keep,
    Create,
    Proclaim,
    /// `waitDeletes`: looking for the newest key older than ours.
    Look,
    /// `waitDelete`: watching that key until it is deleted.
    WaitDelete,
    /// The `get` of our key that etcdctl prints.
    Fetch,
    Held,
    /// Unlocking or resigning on the way out; then it prints `Failed(why)` or ends.
    Release(Option<String>),
    /// Observe: the oldest key, or a watch for the first put.
    ObserveGet,
    ObserveFirstPut,
    ObserveFollow,
}

pub(crate) struct Recipe {
    node: NodeId,
    kind: RecipeKind,
    /// `name/`.
    prefix: Vec<u8>,
    lease: i64,
    key: Vec<u8>,
    /// Lock: `myRev`; election: `leaderRev`.
    rev: i64,
    /// Its etcdctl has printed something (it holds, leads, observed a leader, or failed).
    printed: bool,
    step: Step,
    /// The internal watch the recipe waits on, if any.
    watch: Option<u64>,
    keeper: Option<u64>,
    /// The session's lease is gone (revoked or expired).
    session_lost: bool,
}

/// Every running recipe, and which internal calls and streams belong to which.
#[derive(Default)]
pub(crate) struct Recipes {
    running: BTreeMap<u64, Recipe>,
    /// Internal request id → the recipe waiting for it.
    calls: BTreeMap<u64, u64>,
    /// Internal watch or keep-alive stream id → its recipe.
    streams: BTreeMap<u64, u64>,
    /// (when, recipe): the client-side session deadline of a recipe whose endpoint stopped.
    deadlines: BTreeSet<(u64, u64)>,
    next_req: u64,
}

impl Recipes {
    pub fn is_recipe(&self, stream_id: u64) -> bool {
        self.running.contains_key(&stream_id)
    }

    pub fn owner_of_stream(&self, stream_id: u64) -> Option<u64> {
        self.streams.get(&stream_id).copied()
    }

    pub fn owns_call(&self, req_id: u64) -> bool {
        self.calls.contains_key(&req_id)
    }

    /// An internal request id never used before.
    pub fn new_req_id(&mut self) -> u64 {
        self.next_req += 1;
        INTERNAL_REQ_BASE + self.next_req
    }

    /// The next session deadline to check, in ms.
    pub fn next_deadline_ms(&self) -> Option<u64> {
        self.deadlines.first().map(|(t, _)| *t)
    }

    /// Recipes whose endpoint is `node`.
    fn on(&self, node: NodeId) -> Vec<u64> {
        self.running.iter().filter(|(_, r)| r.node == node).map(|(id, _)| *id).collect()
    }
}

fn range_first_create(prefix: &[u8]) -> RangeRequest {
    RangeRequest {
        key: prefix.to_vec(),
        range_end: prefix_range_end(prefix),
        limit: 1,
        sort_order: SortOrder::Ascend,
        sort_target: SortTarget::Create,
        ..RangeRequest::default()
    }
}

fn range_key(key: &[u8]) -> RangeRequest {
    RangeRequest { key: key.to_vec(), ..RangeRequest::default() }
}

fn create_is(key: &[u8], rev: i64) -> Compare {
    Compare {
        result: CompareResult::Equal,
        target: CompareTarget::Create(rev),
        key: key.to_vec(),
        range_end: Vec::new(),
    }
}

fn put_op(key: &[u8], value: &[u8], lease: i64) -> RequestOp {
    RequestOp::Put(PutRequest { key: key.to_vec().into(), value: value.to_vec().into(), lease, ..Default::default() })
}

fn delete_op(key: &[u8]) -> RequestOp {
    RequestOp::DeleteRange(DeleteRangeRequest { key: key.to_vec(), ..Default::default() })
}

fn range_of(resp: Option<&ResponseOp>) -> Option<&RangeResponse> {
    match resp {
        Some(ResponseOp::Range(r)) => Some(r),
        _ => None,
    }
}

impl Cluster {
    /// Starts a recipe on `endpoint`: its stream id is the reply, at once.
    pub(crate) fn start_recipe(&mut self, req_id: u64, endpoint: NodeId, op: &RecipeOp) {
        let stream_id = self.streams.new_id();
        let mut prefix = op.name.clone();
        prefix.push(b'/');
        let recipe = Recipe {
            node: endpoint,
            kind: op.kind.clone(),
            prefix,
            lease: 0,
            key: Vec::new(),
            rev: 0,
            printed: false,
            step: Step::Grant,
            watch: None,
            keeper: None,
            session_lost: false,
        };
        self.recipes.running.insert(stream_id, recipe);
        self.finish(req_id, endpoint, Ok(ClientResult::RecipeStarted { stream_id }));
        // Every recipe starts with `concurrency.NewSession`, `elect -l` too.
        self.recipe_call(stream_id, ClientOp::LeaseGrant { ttl_secs: op.ttl_secs });
    }

    fn recipe_call(&mut self, stream_id: u64, op: ClientOp) {
        let Some(node) = self.recipes.running.get(&stream_id).map(|r| r.node) else { return };
        let req_id = self.recipes.new_req_id();
        self.recipes.calls.insert(req_id, stream_id);
        self.submit(req_id, node, Rc::new(op), Some(RECIPE_CALL_TIMEOUT_MS));
    }

    fn recipe_say(&mut self, stream_id: u64, header: ResponseHeader, said: RecipeSaid) {
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        r.printed = true;
        let node = r.node;
        let out = RecipeOutput { stream_id, header, said };
        self.trace.push(self.now_ms, TraceEvent::Recipe { node, out: Box::new(out) });
    }

    /// Ends a recipe: its watch and keep-alive stop (the lease is left to run out).
    fn recipe_end(&mut self, stream_id: u64, said: Option<RecipeSaid>) {
        if let Some(said) = said {
            let header = self.recipes.running.get(&stream_id).map(|r| self.header(r.node));
            if let Some(h) = header {
                self.recipe_say(stream_id, h, said);
            }
        }
        let Some(r) = self.recipes.running.remove(&stream_id) else { return };
        self.recipes.deadlines.retain(|(_, id)| *id != stream_id);
        for s in r.watch.into_iter().chain(r.keeper) {
            self.streams.end(s);
            self.recipes.streams.remove(&s);
        }
        self.recipes.calls.retain(|_, owner| *owner != stream_id);
    }

    fn recipe_fail(&mut self, stream_id: u64, why: String) {
        self.recipe_end(stream_id, Some(RecipeSaid::Failed(why)));
    }

    /// Ctrl-C: a holder unlocks (or resigns) and ends quietly; a waiter gives up with
    /// `context canceled`, removing its key first; an observer just stops.
    pub(crate) fn cancel_recipe(&mut self, stream_id: u64) {
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        let step = r.step.clone();
        if let Some(w) = r.watch.take() {
            self.streams.end(w);
            self.recipes.streams.remove(&w);
        }
        let Some(r) = self.recipes.running.get(&stream_id) else { return };
        let (kind, key, rev) = (r.kind.clone(), r.key.clone(), r.rev);
        self.recipes.calls.retain(|_, owner| *owner != stream_id);
        let why = match step {
            Step::Held => None,
            Step::Look | Step::WaitDelete | Step::Proclaim | Step::Fetch => Some("context canceled".to_string()),
            Step::Release(_) => return,
            // Still making its session: etcdctl has not set its Ctrl-C handler yet, and the
            // signal ends it without a word.
            Step::Grant | Step::Keep => return self.recipe_end(stream_id, Some(RecipeSaid::Ended)),
            // Its txn is in flight: the call fails with the cancelled context.
            Step::Create => return self.recipe_fail(stream_id, "context canceled".into()),
            Step::ObserveGet | Step::ObserveFirstPut | Step::ObserveFollow => {
                return self.recipe_end(stream_id, Some(RecipeSaid::Ended));
            }
        };
        if let Some(r) = self.recipes.running.get_mut(&stream_id) {
            r.step = Step::Release(why);
        }
        let op = match kind {
            RecipeKind::Lock => ClientOp::DeleteRange(DeleteRangeRequest { key, ..Default::default() }),
            // `Resign`: delete the key only if it is still this campaign's.
            _ => ClientOp::Txn(TxnRequest {
                compare: vec![create_is(&key, rev)],
                success: vec![delete_op(&key)],
                failure: Vec::new(),
            }),
        };
        self.recipe_call(stream_id, op);
    }

    /// A member stopped: its recipes lose their watch and keep-alive (the member's streams
    /// end), and each session now runs out a TTL after its last renewal.
    pub(crate) fn orphan_recipes_on(&mut self, node: NodeId) {
        for id in self.recipes.on(node) {
            let Some(r) = self.recipes.running.get_mut(&id) else { continue };
            let deadline = r.keeper.take().and_then(|k| {
                self.recipes.streams.remove(&k);
                let d = self.streams.keeper(k).and_then(|k| k.deadline_ms);
                self.streams.end(k);
                d
            });
            if let Some(w) = r.watch.take() {
                self.recipes.streams.remove(&w);
                self.streams.end(w);
            }
            if let Some(d) = deadline {
                self.recipes.deadlines.insert((d.max(self.now_ms), id));
            }
        }
    }

    /// Session deadlines due now.
    pub(crate) fn recipe_deadlines_due(&mut self) {
        let now = self.now_ms;
        while let Some(&(t, id)) = self.recipes.deadlines.first() {
            if t > now {
                break;
            }
            self.recipes.deadlines.remove(&(t, id));
            let Some(r) = self.recipes.running.get_mut(&id) else { continue };
            r.session_lost = true;
            if matches!(r.step, Step::Held) {
                self.recipe_session_lost(id);
            }
        }
    }

    /// A reply to one of the recipes' calls.
    pub(crate) fn recipe_reply(&mut self, reply: &ClientReply) {
        let Some(stream_id) = self.recipes.calls.remove(&reply.req_id) else { return };
        let Some(r) = self.recipes.running.get(&stream_id) else { return };
        let step = r.step.clone();
        let result = match &reply.result {
            Ok(res) => res.clone(),
            Err(e) => {
                let why = e.to_string();
                return match step {
                    Step::Release(w) => {
                        self.recipe_end(stream_id, Some(w.map_or(RecipeSaid::Ended, RecipeSaid::Failed)))
                    }
                    _ => self.recipe_fail(stream_id, why),
                };
            }
        };
        match (step, result) {
            (Step::Grant, ClientResult::LeaseGranted { id, .. }) => {
                if let Some(r) = self.recipes.running.get_mut(&stream_id) {
                    r.lease = id;
                    r.step = Step::Keep;
                }
                self.recipe_call(stream_id, ClientOp::LeaseKeepAliveStream { id });
            }
            (Step::Keep, ClientResult::KeepAliveStarted { stream_id: keeper }) => {
                self.recipes.streams.insert(keeper, stream_id);
                let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
                r.keeper = Some(keeper);
                if r.kind == RecipeKind::Observe {
                    r.step = Step::ObserveGet;
                    let get = range_first_create(&r.prefix);
                    return self.recipe_call(stream_id, ClientOp::Range(get));
                }
                r.key = r.prefix.iter().copied().chain(format!("{:x}", r.lease).into_bytes()).collect();
                r.step = Step::Create;
                let (key, lease) = (r.key.clone(), r.lease);
                let txn = match &r.kind {
                    RecipeKind::Campaign(val) => TxnRequest {
                        compare: vec![create_is(&key, 0)],
                        success: vec![put_op(&key, val, lease)],
                        failure: vec![RequestOp::Range(range_key(&key))],
                    },
                    _ => TxnRequest {
                        compare: vec![create_is(&key, 0)],
                        success: vec![put_op(&key, b"", lease), RequestOp::Range(range_first_create(&r.prefix))],
                        failure: vec![
                            RequestOp::Range(range_key(&key)),
                            RequestOp::Range(range_first_create(&r.prefix)),
                        ],
                    },
                };
                self.recipe_call(stream_id, ClientOp::Txn(txn));
            }
            (Step::Create, ClientResult::Txn(t)) => {
                let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
                r.rev = reply.header.revision;
                let mine = range_of(t.responses.first()).and_then(|g| g.kvs.first()).cloned();
                if !t.succeeded {
                    match &mine {
                        Some(kv) => r.rev = kv.create_revision,
                        None => return self.recipe_fail(stream_id, "lock lost on init".into()),
                    }
                }
                match r.kind.clone() {
                    RecipeKind::Campaign(val) => {
                        if mine.as_ref().is_some_and(|kv| kv.value != val) && !t.succeeded {
                            // `Proclaim`: our key from an earlier campaign of this session
                            // holds another value.
                            r.step = Step::Proclaim;
                            let key = r.key.clone();
                            let txn = TxnRequest {
                                compare: vec![create_is(&key, r.rev)],
                                success: vec![put_op(&key, &val, r.lease)],
                                failure: Vec::new(),
                            };
                            return self.recipe_call(stream_id, ClientOp::Txn(txn));
                        }
                        self.recipe_look(stream_id);
                    }
                    _ => {
                        let owner = range_of(t.responses.get(1)).and_then(|g| g.kvs.first());
                        if owner.is_none_or(|kv| kv.create_revision == r.rev) {
                            self.recipe_fetch(stream_id);
                        } else {
                            self.recipe_look(stream_id);
                        }
                    }
                }
            }
            (Step::Proclaim, ClientResult::Txn(t)) => {
                if !t.succeeded {
                    return self.recipe_fail(stream_id, "election: not leader".into());
                }
                self.recipe_look(stream_id);
            }
            (Step::Look, ClientResult::Range(resp)) => {
                let Some(r) = self.recipes.running.get(&stream_id) else { return };
                // `WithLastCreate` and `WithMaxCreateRev(myRev-1)`: etcd filters on the
                // server; the lab asks for the range newest first and filters here.
                let older = resp.kvs.iter().find(|kv| kv.create_revision < r.rev);
                match older {
                    None => self.recipe_fetch(stream_id),
                    Some(kv) => {
                        let key = kv.key.clone();
                        if let Some(r) = self.recipes.running.get_mut(&stream_id) {
                            r.step = Step::WaitDelete;
                        }
                        let watch = ClientOp::Watch {
                            key,
                            range_end: Vec::new(),
                            start_revision: reply.header.revision,
                            prev_kv: false,
                        };
                        self.recipe_call(stream_id, watch);
                    }
                }
            }
            (
                Step::WaitDelete | Step::ObserveFirstPut | Step::ObserveFollow,
                ClientResult::WatchCreated { watch_id },
            ) => {
                self.recipes.streams.insert(watch_id, stream_id);
                // Registered before the watch sends its history (`create_watch` answers
                // first), so no event can come before its owner is known.
                if let Some(r) = self.recipes.running.get_mut(&stream_id) {
                    r.watch = Some(watch_id);
                }
            }
            (Step::Fetch, ClientResult::Range(resp)) => {
                let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
                r.step = Step::Held;
                let (lock, lost) = (r.kind == RecipeKind::Lock, r.session_lost);
                if lock && resp.kvs.is_empty() {
                    return self.recipe_fail(stream_id, "lock lost on init".into());
                }
                self.recipe_say(stream_id, reply.header.clone(), RecipeSaid::Got(resp));
                if lost {
                    self.recipe_session_lost(stream_id);
                }
            }
            (Step::Release(why), _) => {
                self.recipe_end(stream_id, Some(why.map_or(RecipeSaid::Ended, RecipeSaid::Failed)));
            }
            (Step::ObserveGet, ClientResult::Range(resp)) => match resp.kvs.first() {
                Some(kv) => {
                    let kv = kv.clone();
                    self.recipe_observed(stream_id, reply.header.clone(), kv);
                }
                None => {
                    let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
                    r.step = Step::ObserveFirstPut;
                    let watch = ClientOp::Watch {
                        key: r.prefix.clone(),
                        range_end: prefix_range_end(&r.prefix),
                        start_revision: reply.header.revision,
                        prev_kv: false,
                    };
                    self.recipe_call(stream_id, watch);
                }
            },
            // Not reachable: each step makes one kind of call. A plain text, so that the
            // site carries no `Debug` of every reply type for it.
            (_, _) => self.recipe_fail(stream_id, "internal: unexpected reply".into()),
        }
    }

    /// `waitDeletes`: the newest key under the prefix created before ours.
    fn recipe_look(&mut self, stream_id: u64) {
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        r.step = Step::Look;
        let get = RangeRequest {
            key: r.prefix.clone(),
            range_end: prefix_range_end(&r.prefix),
            sort_order: SortOrder::Descend,
            sort_target: SortTarget::Create,
            ..RangeRequest::default()
        };
        self.recipe_call(stream_id, ClientOp::Range(get));
    }

    /// Holding (or leading): etcdctl gets its own key and prints it.
    fn recipe_fetch(&mut self, stream_id: u64) {
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        r.step = Step::Fetch;
        let get = range_key(&r.key);
        self.recipe_call(stream_id, ClientOp::Range(get));
    }

    /// Observe: print the leader, then follow its key.
    fn recipe_observed(&mut self, stream_id: u64, mut header: ResponseHeader, kv: KeyValue) {
        let next = header.revision + 1;
        let key = kv.key.clone();
        if header.revision < kv.mod_revision {
            header.revision = kv.mod_revision;
        }
        let resp = RangeResponse { kvs: vec![kv], more: false, count: 1, header_revision: 0 };
        self.recipe_say(stream_id, header, RecipeSaid::Got(resp));
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        r.step = Step::ObserveFollow;
        let watch = ClientOp::Watch { key, range_end: Vec::new(), start_revision: next, prev_kv: false };
        self.recipe_call(stream_id, watch);
    }

    /// Events on a recipe's watch.
    pub(crate) fn recipe_events(&mut self, watch_id: u64, header: &ResponseHeader, events: &[Event]) {
        let Some(stream_id) = self.recipes.owner_of_stream(watch_id) else { return };
        let Some(r) = self.recipes.running.get(&stream_id) else { return };
        if r.watch != Some(watch_id) {
            return;
        }
        match r.step {
            Step::WaitDelete if events.iter().any(|e| e.kind == EventKind::Delete) => {
                self.recipe_unwatch(stream_id);
                self.recipe_look(stream_id);
            }
            Step::ObserveFirstPut => {
                if let Some(e) = events.iter().find(|e| e.kind == EventKind::Put) {
                    let kv = e.kv.clone();
                    self.recipe_unwatch(stream_id);
                    let mut h = header.clone();
                    h.revision = kv.mod_revision;
                    self.recipe_observed(stream_id, h, kv);
                }
            }
            Step::ObserveFollow => {
                for e in events {
                    if e.kind == EventKind::Delete {
                        self.recipe_unwatch(stream_id);
                        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
                        r.step = Step::ObserveGet;
                        let get = range_first_create(&r.prefix);
                        return self.recipe_call(stream_id, ClientOp::Range(get));
                    }
                    let resp = RangeResponse { kvs: vec![e.kv.clone()], more: false, count: 1, header_revision: 0 };
                    self.recipe_say(stream_id, header.clone(), RecipeSaid::Got(resp));
                }
            }
            _ => {}
        }
    }

    /// A recipe's watch was cancelled by the server (its start revision was compacted).
    pub(crate) fn recipe_watch_lost(&mut self, watch_id: u64) {
        if let Some(stream_id) = self.recipes.owner_of_stream(watch_id) {
            self.recipe_fail(stream_id, ClientError::Store(crate::store::StoreError::Compacted).to_string());
        }
    }

    fn recipe_unwatch(&mut self, stream_id: u64) {
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        if let Some(w) = r.watch.take() {
            self.streams.end(w);
            self.recipes.streams.remove(&w);
        }
    }

    /// The session's keep-alive found its lease gone: a holder or leader ends with etcdctl's
    /// error; a waiter waits on (its context is not the session's) and finds out later.
    pub(crate) fn recipe_keeper_lost(&mut self, keeper: u64) {
        let Some(stream_id) = self.recipes.owner_of_stream(keeper) else { return };
        self.recipes.streams.remove(&keeper);
        let Some(r) = self.recipes.running.get_mut(&stream_id) else { return };
        r.keeper = None;
        r.session_lost = true;
        if matches!(r.step, Step::Held) {
            self.recipe_session_lost(stream_id);
        }
    }

    fn recipe_session_lost(&mut self, stream_id: u64) {
        let Some(r) = self.recipes.running.get(&stream_id) else { return };
        let why = match r.kind {
            RecipeKind::Lock => "session expired",
            RecipeKind::Campaign(_) => "elect: session expired",
            // An observer's session is only there to be had; losing it changes nothing.
            RecipeKind::Observe => return,
        };
        self.recipe_fail(stream_id, why.into());
    }

    /// Whether the `lock` or `elect` stream `stream_id` runs and has printed nothing yet
    /// (it waits for the lock, or for leadership).
    pub fn recipe_waiting(&self, stream_id: u64) -> bool {
        self.recipes.running.get(&stream_id).is_some_and(|r| !r.printed)
    }

    /// The `lock` and `elect` streams running, by id.
    pub fn recipe_ids(&self) -> Vec<u64> {
        self.recipes.running.keys().copied().collect()
    }

    /// Whether the `lock` or `elect` stream `stream_id` still runs (a cancelled one runs
    /// until it has unlocked or resigned, as etcdctl does before it exits).
    pub fn recipe_running(&self, stream_id: u64) -> bool {
        self.recipes.is_recipe(stream_id)
    }
}
