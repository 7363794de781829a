//! `kube …` lines in a console session: the kube client's requests (`crate::kube`) sent
//! through the session's own call path, so each one is a client operation in the trace,
//! the message view and `lab history`, and its watches are the session's streams.
//!
//! Contract:
//! - The client talks to the session's default endpoint (n1), as a stacked control
//!   plane's kube-apiserver talks to the etcd member on its own machine.
//! - A write waits up to etcd's own request timeout (5 s + 2 × the election timeout,
//!   7 s with etcd's defaults): kube-apiserver's requests outlive it, so it is etcd that
//!   gives up first and answers `etcdserver: request timed out`, which kubectl prints as
//!   `Error from server: etcdserver: request timed out`. The lab's client deadline at that
//!   moment stands for etcd's answer. A read waits up to kube-apiserver's request timeout
//!   (60 s), then kubectl prints the apiserver's 504 Timeout.
//! - `kube get -w` lists (unless `--resource-version` is given), then watches the prefix
//!   from the list's revision + 1 with prev-kv; events print as they arrive, each with its
//!   resourceVersion. `kube informer` does the same, and when the watch is refused
//!   because its revision was compacted (410 Gone, Expired) it lists again and watches
//!   from the new list, as client-go's reflector does. The lab relists when the refusal
//!   comes at the watch's start (the usual case: a watch resumed from an old
//!   resourceVersion); a watch canceled later only prints the error.
//! - The client's state (its compactor's round and revision, which watches are kube's) is
//!   the session's, as it is one kube-apiserver's memory: a session rebuilt for a rewind
//!   starts a fresh client, whose first compactor round loses its txn and follows the
//!   round count in `compact_rev_key`, as a restarted kube-apiserver does, and whose
//!   running watches print as plain etcd watches.

use crate::engine::{Action, ClientError, ClientOp, ClientResult, NodeId, TraceEvent, WatchBatch};
use crate::kube::{self, format as kfmt, Etcd, KubeCommand, KubeOutput, Resource};
use crate::store::{prefix_range_end, RangeRequest, RangeResponse, TxnRequest, TxnResponse};

use super::command::{Globals, OutputFormat};
use super::format::Output;
use super::session::Session;

/// An open kube watch: what it reads and how it prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KubeStream {
    /// An informer's lines start with `informer: `.
    pub informer: bool,
    /// The informer listed again after this watch was refused: its cancel prints nothing.
    pub relisted: bool,
}

/// What a kube watch prints for one batch.
pub(super) fn stream_output(s: &KubeStream, batch: &WatchBatch) -> Output {
    let prefix = if s.informer { "informer: " } else { "" };
    if batch.canceled {
        if s.relisted {
            return Output::default();
        }
        return Output::err(format!("{prefix}{}", kfmt::expired()));
    }
    Output::out(batch.events.iter().map(|e| format!("{prefix}{}", kube::event_line(e))).collect::<String>())
}

/// The kube client's etcd: the session's calls to one endpoint.
struct Engine<'a> {
    s: &'a mut Session,
    ep: NodeId,
    /// Writes: etcd's request timeout, after which the lab's client deadline stands for
    /// etcd's own `etcdserver: request timed out`.
    g: Globals,
    /// Reads: kube-apiserver's request timeout.
    read: Globals,
}

/// A write's error; a deadline is etcd's own request timeout.
fn etcd_text(e: ClientError) -> String {
    match e {
        ClientError::DeadlineExceeded => "etcdserver: request timed out".into(),
        e => e.to_string(),
    }
}

impl Etcd for Engine<'_> {
    fn range(&mut self, req: RangeRequest) -> Result<(i64, RangeResponse), String> {
        let r = self.s.call(self.ep, ClientOp::Range(req), &self.read)?;
        match r.result {
            Ok(ClientResult::Range(resp)) => Ok((r.header.revision, resp)),
            Ok(_) => Err("unexpected reply".into()),
            // kube-apiserver's own deadline passed.
            Err(ClientError::DeadlineExceeded) => Err(kube::client::DEADLINE.into()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn txn(&mut self, req: TxnRequest) -> Result<(i64, TxnResponse), String> {
        let r = self.s.call(self.ep, ClientOp::Txn(req), &self.g)?;
        match r.result {
            Ok(ClientResult::Txn(resp)) => Ok((r.header.revision, resp)),
            Ok(_) => Err("unexpected reply".into()),
            Err(e) => Err(etcd_text(e)),
        }
    }

    fn compact(&mut self, revision: i64) -> Result<(), String> {
        let r = self.s.call(self.ep, ClientOp::Compact { revision, physical: false }, &self.g)?;
        r.result.map(|_| ()).map_err(etcd_text)
    }
}

impl Session {
    /// etcd's own request timeout: 5 s plus two election timeouts (`ReqTimeout`).
    fn kube_timeout_ms(&self) -> u64 {
        let c = self.cluster.config();
        5000 + 2 * c.tick_ms * c.election_tick
    }

    fn kube_engine(&mut self) -> Engine<'_> {
        let g = Globals { command_timeout_ms: Some(self.kube_timeout_ms()), ..Globals::default() };
        let read = Globals { command_timeout_ms: Some(kube::client::READ_TIMEOUT_MS), ..Globals::default() };
        let ep = self.default_endpoint;
        Engine { s: self, ep, g, read }
    }

    pub(super) fn kube(&mut self, cmd: KubeCommand) -> Output {
        match cmd {
            KubeCommand::Get { res, target, watch: true, resource_version, .. } => {
                self.kube_watch(res, target.namespace().map(String::from), resource_version, false)
            }
            KubeCommand::Informer { res, namespace, resource_version } => {
                self.kube_watch(res, namespace, resource_version, true)
            }
            KubeCommand::Compactor { interval_ms } => {
                let endpoint = self.default_endpoint();
                match self.act(vec![Action::KubeCompactor { endpoint, interval_ms }]) {
                    Ok(()) if interval_ms == 0 => Output::out("compactor: off\n".to_string()),
                    Ok(()) => Output::out(format!(
                        "compactor: a round every {} through n{endpoint}, the first in {} (kube-apiserver's --etcd-compaction-interval)\n",
                        human_ms(interval_ms),
                        human_ms(interval_ms)
                    )),
                    Err(e) => Output::err(format!("Error: {e}\n")),
                }
            }
            other => {
                let mut client = std::mem::take(&mut self.kube);
                let out = client.run(&mut self.kube_engine(), &other);
                self.kube = client;
                out
            }
        }
    }

    /// `get -w` or an informer: list (unless resuming from `rv`), then watch from there.
    fn kube_watch(&mut self, res: Resource, ns: Option<String>, rv: Option<i64>, informer: bool) -> Output {
        let prefix = if informer { "informer: " } else { "" };
        let mut out = Output::default();
        let mut from = rv;
        // At most two rounds: a refused watch lists again once.
        for _ in 0..2 {
            let start = match from {
                Some(rv) => rv,
                None => {
                    let listed = kube::client::list(&mut self.kube_engine(), res, ns.as_deref(), KubeOutput::Table);
                    let (o, list_rv) = match listed {
                        Ok(x) => x,
                        Err(e) => {
                            out.stderr.push_str(&format!("{prefix}{}", e.stderr));
                            return out;
                        }
                    };
                    if informer {
                        let n = o.stdout.lines().filter(|l| !l.starts_with("NAME") && !l.starts_with('(')).count();
                        out.stdout.push_str(&format!(
                            "informer: LIST {} {}: {n} {} at resourceVersion {list_rv}\n",
                            res.plural(),
                            ns.as_deref().map(|n| format!("in {n}")).unwrap_or_else(|| "in all namespaces".into()),
                            if n == 1 { "item" } else { "items" },
                        ));
                    } else {
                        out.stdout.push_str(&o.stdout);
                        out.stderr.push_str(&o.stderr);
                    }
                    list_rv
                }
            };
            if informer {
                out.stdout.push_str(&format!("informer: WATCH from resourceVersion {start}\n"));
            }
            let key = res.prefix(ns.as_deref()).into_bytes();
            let op =
                ClientOp::Watch { range_end: prefix_range_end(&key), key, start_revision: start + 1, prev_kv: true };
            let before = self.cluster.trace().len();
            let (ep, g) = {
                let e = self.kube_engine();
                (e.ep, e.g)
            };
            let reply = match self.call(ep, op, &g) {
                Ok(r) => r,
                Err(e) => {
                    out.stderr.push_str(&kfmt::server_error(&e));
                    return out;
                }
            };
            let watch_id = match reply.result {
                Ok(ClientResult::WatchCreated { watch_id }) => watch_id,
                Ok(_) => return out,
                Err(e) => {
                    out.stderr.push_str(&format!("{prefix}{}", kfmt::server_error(&etcd_text(e))));
                    return out;
                }
            };
            let refused = self.cluster.trace().since(before).iter().any(
                |r| matches!(&r.event, TraceEvent::Watch { batch, .. } if batch.watch_id == watch_id && batch.canceled),
            );
            self.watch_formats.insert(watch_id, OutputFormat::Simple);
            self.kube_streams.insert(watch_id, KubeStream { informer, relisted: false });
            if !(refused && informer) {
                return out;
            }
            // 410 Gone: client-go's reflector lists again and watches from the new list.
            self.watch_formats.remove(&watch_id);
            if let Some(s) = self.kube_streams.get_mut(&watch_id) {
                s.relisted = true;
            }
            out.stdout.push_str(&format!("informer: {}", kfmt::expired()));
            out.stdout.push_str("informer: relisting\n");
            from = None;
        }
        out
    }
}

/// `300000` → `5m`, `1500` → `1.5s`, as the lab writes durations.
fn human_ms(ms: u64) -> String {
    match ms {
        m if m % 60_000 == 0 => format!("{}m", m / 60_000),
        m if m % 1_000 == 0 => format!("{}s", m / 1_000),
        m => format!("{}.{:03}s", m / 1_000, m % 1_000).trim_end_matches('0').to_string(),
    }
}
