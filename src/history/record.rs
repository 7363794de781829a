//! Reading a client history from a cluster's trace.
//!
//! Contract: every single-key put, get, delete and compare-and-swap txn the trace holds a
//! request for becomes an `Op`, invoked when the request was recorded and returned when its
//! reply was. A put, delete or txn that timed out (or whose server stopped) is `Unknown`: it
//! may have taken effect. An operation that failed for certain (a refusal, a NOSPACE, a
//! failed read) had no effect and is left out. Serializable reads are not linearizable by
//! design, so they are left out unless asked for. A txn that writes its one key under a
//! revision or version compare (kube-apiserver's updates) is its write when it succeeded.
//! Range reads, other multi-op txns, leases and
//! admin calls are outside the model and left out, as are puts with a lease (an expiry
//! deletes the key behind the clients' backs) and the calls `lock`, `elect` and `check
//! perf` make on their own.

use crate::engine::{ClientError, ClientOp, ClientResult, Trace, TraceEvent, TraceRecord, INTERNAL_REQ_BASE};
use crate::store::{CompareResult, CompareTarget, RequestOp, TxnRequest};

use super::{History, Input, Op, Output};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The model's view of a request, or `None` if it is outside the model.
fn input_of(op: &ClientOp, serializable: bool) -> Option<Input> {
    match op {
        // A leased key can vanish when its lease expires, which no client asked for.
        ClientOp::Put(p) if !p.ignore_value && p.lease == 0 => {
            Some(Input::Put { key: text(&p.key), value: text(&p.value) })
        }
        ClientOp::Range(r) if r.range_end.is_empty() && r.revision == 0 && (serializable || !r.serializable) => {
            Some(Input::Get { key: text(&r.key) })
        }
        ClientOp::DeleteRange(d) if d.range_end.is_empty() => Some(Input::Delete { key: text(&d.key) }),
        ClientOp::Txn(t) => cas_of(t).or_else(|| guarded_write(t)),
        _ => None,
    }
}

/// A write guarded by a revision or version compare on its own key, with at most a get of
/// that key as its else branch: kube-apiserver's update and delete (`mod("k") = "7"`), its
/// compactor's round (`version("compact_rev_key") = "3"`). The model holds values, not
/// revisions, so such a txn is its write when it succeeded and nothing when it failed:
/// every order that explains the history still has the write where it took effect.
fn guarded_write(t: &TxnRequest) -> Option<Input> {
    let [c] = t.compare.as_slice() else { return None };
    let guarded = matches!(c.target, CompareTarget::Mod(_) | CompareTarget::Version(_) | CompareTarget::Create(_));
    if !guarded || c.result != CompareResult::Equal || !c.range_end.is_empty() {
        return None;
    }
    match t.failure.as_slice() {
        [] => {}
        [RequestOp::Range(r)] if r.key == c.key && r.range_end.is_empty() => {}
        _ => return None,
    }
    match t.success.as_slice() {
        [RequestOp::Put(p)] if p.key == c.key && !p.ignore_value && p.lease == 0 => {
            Some(Input::Put { key: text(&p.key), value: text(&p.value) })
        }
        [RequestOp::DeleteRange(d)] if d.key == c.key && d.range_end.is_empty() => {
            Some(Input::Delete { key: text(&d.key) })
        }
        _ => None,
    }
}

/// `txn 'value("k") = "v"' then 'put k new'` (or `create("k") = "0"` / `version("k") =
/// "0"` for "absent"), with nothing else.
fn cas_of(t: &TxnRequest) -> Option<Input> {
    let [c] = t.compare.as_slice() else { return None };
    let [RequestOp::Put(p)] = t.success.as_slice() else { return None };
    if !t.failure.is_empty() || c.result != CompareResult::Equal || !c.range_end.is_empty() || p.key != c.key {
        return None;
    }
    let expect = match &c.target {
        CompareTarget::Value(v) => Some(text(v)),
        // kube-apiserver's create compares `mod("k") = "0"`: absent, as the other two.
        CompareTarget::Create(0) | CompareTarget::Version(0) | CompareTarget::Mod(0) => None,
        _ => return None,
    };
    Some(Input::Cas { key: text(&c.key), expect, new: text(&p.value) })
}

/// The op in etcdctl's words (`put x 2`, `get x --consistency=s`, `del x`, `txn x`), as
/// the learner typed it or would have.
fn label_of(input: &Input, op: &ClientOp) -> String {
    let word = |s: &str| {
        if s.is_empty() || s.contains(char::is_whitespace) || s.contains('"') {
            format!("{s:?}")
        } else {
            s.to_string()
        }
    };
    match input {
        Input::Put { key, .. } | Input::Delete { key } if matches!(op, ClientOp::Txn(_)) => {
            format!("txn {}", word(key))
        }
        Input::Put { key, value } => format!("put {} {}", word(key), word(value)),
        Input::Get { key } => {
            let serializable = matches!(op, ClientOp::Range(r) if r.serializable);
            format!("get {}{}", word(key), if serializable { " --consistency=s" } else { "" })
        }
        Input::Delete { key } => format!("del {}", word(key)),
        Input::Cas { key, .. } => format!("txn {}", word(key)),
    }
}

/// The reply's meaning, `None` when the op certainly had no effect and told nothing.
fn output_of(input: &Input, result: &Result<ClientResult, ClientError>) -> Option<Output> {
    match (input, result) {
        (Input::Put { .. }, Ok(ClientResult::Put(_))) => Some(Output::Ok),
        (Input::Get { .. }, Ok(ClientResult::Range(r))) => Some(Output::Value(r.kvs.first().map(|kv| text(&kv.value)))),
        (Input::Delete { .. }, Ok(ClientResult::DeleteRange(d))) => Some(Output::Deleted(d.deleted)),
        (Input::Cas { .. }, Ok(ClientResult::Txn(t))) => Some(Output::Swapped(t.succeeded)),
        // A guarded write (`guarded_write`): its write if it succeeded, else no effect.
        (Input::Put { .. }, Ok(ClientResult::Txn(t))) => t.succeeded.then_some(Output::Ok),
        (Input::Delete { .. }, Ok(ClientResult::Txn(t))) => match t.responses.first() {
            Some(crate::store::ResponseOp::DeleteRange(d)) if t.succeeded => Some(Output::Deleted(d.deleted)),
            _ => None,
        },
        (Input::Get { .. }, Err(_)) => None,
        (_, Err(ClientError::DeadlineExceeded | ClientError::Stopped | ClientError::Other(_))) => Some(Output::Unknown),
        _ => None,
    }
}

/// Builds a history from trace records fed in order, as they are recorded (a long run's
/// trace keeps only a window, so a soak feeds each step's new records).
#[derive(Default)]
pub struct Recorder {
    /// Include serializable reads.
    pub serializable: bool,
    /// Requests waiting for a reply, oldest first: (request id, call time, client, input,
    /// label). A few at a time, so a list (a map of this type costs the site's wasm
    /// kilobytes of code).
    open: Vec<(u64, u64, u64, Input, String)>,
    ops: Vec<Op>,
}

impl Recorder {
    pub fn new(serializable: bool) -> Recorder {
        Recorder { serializable, ..Recorder::default() }
    }

    pub fn feed(&mut self, records: &[TraceRecord]) {
        for r in records {
            match &r.event {
                // The engine's own calls (a lock's or an election's steps, check perf's
                // load) are etcdctl's, not the learner's: their keys are the recipe's.
                TraceEvent::ClientRequest { req_id, .. } if *req_id >= INTERNAL_REQ_BASE => {}
                TraceEvent::ClientRequest { req_id, endpoint, op } => {
                    if let Some(input) = input_of(op, self.serializable) {
                        let label = label_of(&input, op);
                        self.open.retain(|o| o.0 != *req_id);
                        self.open.push((*req_id, r.time_ms, *endpoint, input, label));
                    }
                }
                TraceEvent::ClientReply(reply) => {
                    let waiting = self.open.iter().position(|o| o.0 == reply.req_id);
                    if let Some((_, call_ms, client, input, label)) = waiting.map(|k| self.open.remove(k)) {
                        if let Some(output) = output_of(&input, &reply.result) {
                            let return_ms = (output != Output::Unknown).then_some(r.time_ms);
                            self.ops.push(Op { client, call_ms, return_ms, input, output, label });
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The history so far; requests still waiting may yet take effect (reads among them
    /// told nothing, so they are left out).
    pub fn history(&self) -> History {
        let mut ops = self.ops.clone();
        for (_, call_ms, client, input, label) in &self.open {
            if !matches!(input, Input::Get { .. }) {
                let (input, label) = (input.clone(), label.clone());
                ops.push(Op {
                    client: *client,
                    call_ms: *call_ms,
                    return_ms: None,
                    input,
                    output: Output::Unknown,
                    label,
                });
            }
        }
        History { ops }
    }
}

/// The history of the whole run so far, from the trace's client records (which, unlike
/// the rest of a long run's trace, are never dropped). `serializable`: include
/// serializable reads too.
pub fn of(trace: &Trace, serializable: bool) -> History {
    let mut r = Recorder::new(serializable);
    for (_, rec) in trace.client_records() {
        r.feed(std::slice::from_ref(rec));
    }
    r.history()
}
