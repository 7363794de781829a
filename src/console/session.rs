//! A console session: lines in, etcdctl's answers out, over one cluster.
//!
//! Contract: `run_line` parses a line, turns it into engine `Action`s, applies them (waiting
//! for each client reply as etcdctl waits), and returns the text etcdctl — or the lab —
//! would print. A line that fails to parse, or names something that does not exist, changes
//! nothing: the cluster's trace hash is the same before and after. Watches stream: events
//! that arrive while any line runs are returned by `take_watch_output`.

use std::collections::BTreeMap;

use crate::engine::{
    Action, ActionError, ClientError, ClientOp, ClientReply, ClientResult, Cluster, ClusterConfig, NodeId, RecipeKind,
    RecipeOp, RecipeSaid, TraceEvent,
};
use crate::store::{PutRequest, Store};

use super::render::{header, member_of, members_of, reply_or_error, status_of};
pub use super::render::{Render, Started};

use super::command::{Command, Globals, OutputFormat};
use super::format::{self, Output};
use super::parse::{parse_line_with, TxnBuilder};

pub struct Session {
    pub(super) cluster: Cluster,
    /// Where a command goes when it names no `--endpoints` (etcdctl's 127.0.0.1:2379).
    pub(super) default_endpoint: NodeId,
    /// A stdin-form `txn` being read, with the flags of its `txn` line.
    txn: Option<(TxnBuilder, Globals, bool)>,
    /// How each open stream (watch or keep-alive) prints.
    pub(super) watch_formats: BTreeMap<u64, OutputFormat>,
    /// Absolute trace index up to which stream output was printed.
    stream_cursor: u64,
    /// The shell's exported variables (`export ETCDCTL_API=3`), oldest first.
    env: Vec<(String, String)>,
    /// The console said once already that the lab has no TLS.
    tls_noted: bool,
    /// The `kube` client's own state (its compactor), as one kube-apiserver keeps it.
    pub(super) kube: crate::kube::KubeClient,
    /// The open `kube get -w` and `kube informer` watches (each also in `watch_formats`).
    pub(super) kube_streams: BTreeMap<u64, super::kube::KubeStream>,
}

impl Session {
    pub fn new(cfg: ClusterConfig) -> Result<Self, ActionError> {
        let cluster = Cluster::new(cfg)?;
        Ok(Session::from_cluster(cluster))
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// A session over a cluster rebuilt elsewhere (a rewind replays into a new cluster).
    pub fn from_cluster(cluster: Cluster) -> Self {
        let stream_cursor = cluster.trace().len();
        Session {
            cluster,
            default_endpoint: 1,
            txn: None,
            watch_formats: BTreeMap::new(),
            stream_cursor,
            env: Vec::new(),
            tls_noted: false,
            kube: Default::default(),
            kube_streams: BTreeMap::new(),
        }
    }

    /// The cluster itself, for a rewind going forward through the actions it kept (they
    /// were applied once already, through this session or the one before).
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }

    /// Takes the cluster's trace, leaving it an empty hash-only one: for a rewind, whose
    /// replay adopts the records it shares with this session's past.
    pub fn take_trace(&mut self) -> crate::engine::Trace {
        std::mem::replace(&mut self.cluster.trace, crate::engine::Trace::new(crate::engine::TraceMode::HashOnly))
    }

    /// An action from outside the console (the UI's buttons), through the same engine.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.cluster.apply(action)
    }

    /// Where commands go when they name no `--endpoints`.
    pub fn default_endpoint(&self) -> NodeId {
        self.default_endpoint
    }

    pub fn set_default_endpoint(&mut self, id: NodeId) {
        self.default_endpoint = id;
    }

    /// The prompt the console should show: etcdctl's `txn -i` prompts while a txn is read.
    pub fn prompt(&self) -> Option<&str> {
        self.txn.as_ref().and_then(|(b, _, _)| b.prompt())
    }

    /// True while a stdin-form `txn` is collecting its body.
    pub fn in_txn(&self) -> bool {
        self.txn.is_some()
    }

    pub fn run_line(&mut self, line: &str) -> Output {
        if let Some((mut builder, globals, interactive)) = self.txn.take() {
            let before = builder.prompt();
            return match builder.push_line(line) {
                Ok(Some(req)) => self.txn_request(&globals, req),
                Ok(None) => {
                    // `txn -i` prints the next section's prompt as each section ends.
                    let next = builder.prompt();
                    self.txn = Some((builder, globals, interactive));
                    match next {
                        Some(p) if interactive && next != before => Output::out(format!("{p}\n")),
                        _ => Output::default(),
                    }
                }
                Err(e) => format::error(strip_error(&e.message)),
            };
        }
        let parsed = match parse_line_with(line, &self.env) {
            Ok(l) => l,
            Err(e) => {
                // cobra's whole answer to an unknown command (the parser's error is its
                // first line).
                if let Some(word) = e.message.strip_prefix("Error: unknown command \"").and_then(|r| r.split_once('"'))
                {
                    if word.1 == " for \"etcdctl\"" && !word.0.contains('\\') {
                        return Output::err(super::parse::unknown_command_text(word.0));
                    }
                }
                return Output::err(format!("{}\n", with_error_prefix(&e.message)));
            }
        };
        let g = parsed.globals;
        match parsed.command {
            Command::Nothing => Output::default(),
            Command::Export(vars) => {
                for (name, value) in vars {
                    self.env.retain(|(n, _)| *n != name);
                    self.env.push((name, value));
                }
                Output::default()
            }
            Command::Unset(names) => {
                self.env.retain(|(n, _)| !names.contains(n));
                Output::default()
            }
            Command::ShellAssign(vars) => {
                let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
                let mut o = Output::default();
                if names.iter().any(|n| n.starts_with("ETCDCTL_")) {
                    o.note = format!(
                        "(a shell variable that etcdctl does not see: `export {}` passes it on, or put it before `etcdctl` on the same line)\n",
                        vars.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" ")
                    );
                }
                o
            }
            Command::V2 { args } => super::v2::answer(&args),
            Command::Help { topic } => Output::out(super::help::help(topic.as_deref())),
            Command::Version => Output::out("etcdctl version: 3.4.23\nAPI version: 3.4\n"),
            Command::Lab(lab) => self.lab(lab),
            Command::TxnStdin { interactive } => {
                let builder = TxnBuilder::new();
                let first = builder.prompt().unwrap_or_default().to_string();
                self.txn = Some((builder, g, interactive));
                if interactive {
                    Output::out(first + "\n")
                } else {
                    Output::default()
                }
            }
            other => {
                let mut out = self.etcd(&g, other);
                if g.tls && !self.tls_noted {
                    self.tls_noted = true;
                    out.note = "(the lab has no TLS: its members talk plain http, so --cacert, --cert, --key and https:// are accepted and not used)\n".into();
                }
                out
            }
        }
    }

    /// What running streams (watches, keep-alives) printed since the last call, in the order
    /// it happened, as each stream's etcdctl would print it.
    pub fn take_watch_output(&mut self) -> String {
        self.take_stream_output().into_iter().map(|(_, o)| o.combined()).collect()
    }

    /// The streams running now (watch and keep-alive ids), oldest first.
    pub fn streams(&self) -> Vec<u64> {
        self.watch_formats.keys().copied().collect()
    }

    /// What `take_watch_output` returns, one piece per stream record with the id of the
    /// stream that printed it, for a caller that keeps each stream's output apart.
    pub fn take_stream_output(&mut self) -> Vec<(u64, Output)> {
        let mut out = Vec::new();
        let trace = self.cluster.trace();
        for rec in trace.since(self.stream_cursor) {
            let (stream, o) = match &rec.event {
                TraceEvent::Watch { batch, .. } if self.kube_streams.contains_key(&batch.watch_id) => {
                    (batch.watch_id, super::kube::stream_output(&self.kube_streams[&batch.watch_id], batch))
                }
                TraceEvent::Watch { batch, .. } => {
                    let fmt = self.watch_formats.get(&batch.watch_id).copied().unwrap_or(OutputFormat::Simple);
                    let header = header(&batch.header);
                    let o = if batch.canceled {
                        let reason = crate::store::StoreError::Compacted.to_string();
                        format::watch_canceled(fmt, &header, batch.compact_revision, &reason)
                    } else {
                        format::watch_events(fmt, &header, &batch.events)
                    };
                    (batch.watch_id, o)
                }
                TraceEvent::Recipe { out, .. } => {
                    let fmt = self.watch_formats.get(&out.stream_id).copied().unwrap_or(OutputFormat::Simple);
                    let o = match &out.said {
                        RecipeSaid::Got(resp) => {
                            format::get(fmt, &header(&out.header), resp, format::GetOptions::default())
                        }
                        RecipeSaid::Failed(why) => format::error(why),
                        RecipeSaid::Ended => Output::default(),
                    };
                    (out.stream_id, o)
                }
                TraceEvent::KeepAlive { tick, .. } => {
                    let fmt = self.watch_formats.get(&tick.stream_id).copied().unwrap_or(OutputFormat::Simple);
                    let o = match tick.ttl_secs {
                        Some(ttl) => format::lease_keep_alive(fmt, &header(&tick.header), tick.lease, ttl),
                        None => format::lease_keep_alive_expired(tick.lease),
                    };
                    (tick.stream_id, o)
                }
                _ => continue,
            };
            out.push((stream, o));
        }
        self.stream_cursor = trace.len();
        out
    }

    /// Starts a line without waiting for its reply, as the browser console does so that
    /// a request can be seen pending while time plays: a put, get, del, txn, compaction,
    /// lease grant or lease revoke is sent, and `Started::Pending` says how to print its reply once it arrives (see
    /// `finish_pending`). Every other line runs at once, exactly as `run_line` would.
    pub fn start_line(&mut self, line: &str) -> Started {
        if self.txn.is_none() {
            if let Ok(parsed) = parse_line_with(line, &self.env) {
                let g = parsed.globals;
                let fmt = g.write_out;
                if let Command::Lock { .. } | Command::Elect { proposal: Some(_), .. } = &parsed.command {
                    // A lock or a campaign shows as pending until it holds or leads.
                    let before = self.streams();
                    let out = self.run_line(line);
                    let started = self.streams().into_iter().find(|id| !before.contains(id));
                    return match started {
                        Some(stream) if out == Output::default() => {
                            Started::Pending { req_id: 0, endpoint: 0, render: Render::Waiting(stream) }
                        }
                        _ => Started::Done(out),
                    };
                }
                let single = match parsed.command {
                    Command::Put(p) => Some((ClientOp::Put(p), Render::Put(fmt))),
                    Command::Get { range, print_value_only } => Some((
                        ClientOp::Range(range),
                        Render::Get(fmt, format::GetOptions { print_value_only, hex: g.hex }),
                    )),
                    Command::Del(d) => Some((ClientOp::DeleteRange(d), Render::Del(fmt))),
                    Command::Compact { revision, physical } => {
                        Some((ClientOp::Compact { revision, physical }, Render::Compact))
                    }
                    Command::Txn(t) => Some((ClientOp::Txn(t), Render::Txn(fmt))),
                    Command::LeaseGrant { ttl_secs } => {
                        Some((ClientOp::LeaseGrant { ttl_secs }, Render::LeaseGrant(fmt)))
                    }
                    Command::LeaseRevoke { id } => Some((ClientOp::LeaseRevoke { id }, Render::LeaseRevoke(fmt, id))),
                    Command::MemberAdd { name, learner, .. } => {
                        Some((ClientOp::MemberAdd { name: name.clone(), learner }, Render::MemberAdd(fmt, name)))
                    }
                    Command::MemberPromote { id } => {
                        Some((ClientOp::MemberPromote { member_id: id }, Render::MemberPromote(fmt)))
                    }
                    Command::MemberRemove { id } => {
                        Some((ClientOp::MemberRemove { member_id: id }, Render::MemberRemove(fmt)))
                    }
                    _ => None,
                };
                if let Some((op, render)) = single {
                    return match self.endpoint_of(&g) {
                        Err(e) => Started::Done(format::error(&e)),
                        Ok(eps) => {
                            let req_id = self.cluster.fresh_req_id();
                            let endpoint = self.pick(&eps);
                            let a =
                                Action::Client { req_id, endpoint, op: op.into(), timeout_ms: g.command_timeout_ms };
                            match self.cluster.apply(a) {
                                Ok(()) => Started::Pending { req_id, endpoint, render },
                                Err(e) => Started::Done(format::error(&e.to_string())),
                            }
                        }
                    };
                }
            }
        }
        Started::Done(self.run_line(line))
    }

    /// The printed reply of a started request, once the cluster has answered it. After a
    /// promote or a remove, etcdctl lists the members again; so does this, from the
    /// endpoint's view as the reply is printed.
    pub fn finish_pending(&self, req_id: u64, endpoint: NodeId, render: &Render) -> Option<Output> {
        if let Render::Waiting(stream) = render {
            // What it prints comes as the stream's output.
            return (!self.cluster.recipe_waiting(*stream)).then(Output::default);
        }
        let r = self.cluster.reply(req_id)?;
        let members = || members_of(&self.cluster.member_list(endpoint));
        Some(match render {
            Render::MemberAdd(fmt, name) => reply_or_error(r, |h, res| match res {
                ClientResult::MemberAdded { member, members, .. } => {
                    Some(format::member_add(*fmt, h, name, &member_of(member), &members_of(members)))
                }
                _ => None,
            }),
            Render::MemberPromote(fmt) => reply_or_error(r, |h, res| match res {
                ClientResult::MemberPromoted { member_id, .. } => {
                    Some(format::member_promote(*fmt, h, *member_id, &members()))
                }
                _ => None,
            }),
            Render::MemberRemove(fmt) => reply_or_error(r, |h, res| match res {
                ClientResult::MemberRemoved { member_id, .. } => {
                    Some(format::member_remove(*fmt, h, *member_id, &members()))
                }
                _ => None,
            }),
            other => other.clone().render(r),
        })
    }

    // ---- etcd commands ----

    fn endpoint_of(&self, g: &Globals) -> Result<Vec<NodeId>, String> {
        if g.endpoints.is_empty() {
            return Ok(vec![self.default_endpoint]);
        }
        g.endpoints.iter().map(|e| self.resolve_endpoint(e)).collect()
    }

    /// An endpoint as typed: `nK`, with or without `http(s)://` and `:2379`; `127.0.0.1` and
    /// `localhost` are the selected member, as for an etcdctl run on that member's machine.
    fn resolve_endpoint(&self, e: &str) -> Result<NodeId, String> {
        let bare = e.strip_prefix("http://").or_else(|| e.strip_prefix("https://")).unwrap_or(e);
        let host = bare.strip_suffix(":2379").unwrap_or(bare);
        if host == "127.0.0.1" || host == "localhost" {
            return Ok(self.default_endpoint);
        }
        parse_endpoint(e).map_err(|_| {
            let names: Vec<String> = self.cluster.node_ids().iter().map(|id| format!("n{id}")).collect();
            format!(
                "unknown endpoint {e:?}: the lab's members are {} at http://nK:2379 (127.0.0.1 and localhost mean the selected member, n{})",
                names.join(", "),
                self.default_endpoint
            )
        })
    }

    /// The endpoint a one-shot call goes to: clientv3's balancer uses a member it can
    /// connect to, and a stopped member refuses the connection, so the first listed member
    /// whose process runs (a running member behind a partition still accepts clients);
    /// the first one if none runs.
    fn pick(&self, endpoints: &[NodeId]) -> NodeId {
        let first = endpoints.first().copied().unwrap_or(self.default_endpoint);
        endpoints.iter().copied().find(|id| self.cluster.is_alive(*id)).unwrap_or(first)
    }

    /// Sends one call and waits for its answer, as etcdctl does.
    /// The etcdctl words print any error as text, so this is `call_typed` as text.
    pub(super) fn call(&mut self, endpoint: NodeId, op: ClientOp, g: &Globals) -> Result<ClientReply, String> {
        self.call_typed(endpoint, op, g).map_err(|e| e.to_string())
    }

    /// Calls each endpoint in turn, the next only once the last has answered or timed out,
    /// as etcdctl's `endpoint status` and `defrag` loop over their endpoints: a stopped
    /// member costs the whole command timeout, and the members after it answer that much
    /// later (a real 3.4.23 run showed every survivor caught up with the new leader there).
    pub(super) fn call_in_turn(
        &mut self,
        endpoints: &[NodeId],
        op: ClientOp,
        g: &Globals,
    ) -> Result<Vec<ClientReply>, String> {
        endpoints.iter().map(|ep| self.call(*ep, op.clone(), g)).collect()
    }

    /// Sends one call to each endpoint at once and waits for all, as etcdctl's `endpoint
    /// health` checks its endpoints concurrently.
    fn call_each(&mut self, endpoints: &[NodeId], op: ClientOp, g: &Globals) -> Result<Vec<ClientReply>, String> {
        let first = self.cluster.fresh_req_id();
        for (i, ep) in endpoints.iter().enumerate() {
            let req_id = first + i as u64;
            let a = Action::Client { req_id, endpoint: *ep, op: op.clone().into(), timeout_ms: g.command_timeout_ms };
            self.cluster.apply(a).map_err(|e| e.to_string())?;
        }
        let mut out = Vec::new();
        for i in 0..endpoints.len() as u64 {
            self.cluster
                .apply(Action::AwaitReply { req_id: first + i, stop_at_ms: None })
                .map_err(|e| e.to_string())?;
            out.push(self.cluster.reply(first + i).cloned().ok_or_else(|| "no reply".to_string())?);
        }
        Ok(out)
    }

    pub(super) fn cluster_endpoints(&mut self, g: &Globals) -> Result<Vec<NodeId>, String> {
        let eps = self.endpoint_of(g)?;
        let ep = self.pick(&eps);
        let reply = self.call(ep, ClientOp::MemberList, g)?;
        match reply.result {
            Ok(ClientResult::Members { members, .. }) => Ok(members
                .iter()
                .filter(|m| !m.client_urls.is_empty())
                .filter_map(|m| self.cluster.node_ids().into_iter().find(|id| self.member_id(*id) == m.id))
                .collect()),
            Ok(_) => Err("unexpected reply".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn member_id(&self, id: NodeId) -> u64 {
        self.cluster.node_view(id).map(|v| v.member_id).unwrap_or(0)
    }

    fn etcd(&mut self, g: &Globals, cmd: Command) -> Output {
        match self.etcd_inner(g, cmd) {
            Ok(o) => o,
            Err(e) => format::error(&e),
        }
    }

    fn etcd_inner(&mut self, g: &Globals, cmd: Command) -> Result<Output, String> {
        let fmt = g.write_out;
        let endpoints = self.endpoint_of(g)?;
        let ep = self.pick(&endpoints);
        let single = |s: &mut Self, op: ClientOp| s.call(ep, op, g);
        let out = match cmd {
            Command::Put(p) => Render::Put(fmt).render(&single(self, ClientOp::Put(p))?),
            Command::Get { range, print_value_only } => {
                Render::Get(fmt, format::GetOptions { print_value_only, hex: g.hex })
                    .render(&single(self, ClientOp::Range(range))?)
            }
            Command::Del(d) => Render::Del(fmt).render(&single(self, ClientOp::DeleteRange(d))?),
            Command::Txn(t) => return Ok(self.txn_request(g, t)),
            Command::Watch { key, range_end, start_revision, prev_kv } => {
                let r = single(self, ClientOp::Watch { key, range_end, start_revision, prev_kv })?;
                if let Ok(ClientResult::WatchCreated { watch_id }) = &r.result {
                    self.watch_formats.insert(*watch_id, fmt);
                }
                match r.result {
                    Ok(_) => Output::default(),
                    Err(e) => format::error(&e.to_string()),
                }
            }
            Command::Compact { revision, physical } => {
                Render::Compact.render(&single(self, ClientOp::Compact { revision, physical })?)
            }
            Command::Defrag { cluster, .. } => {
                let (eps, names) = self.targets(g, cluster, &endpoints)?;
                let replies = self.call_in_turn(&eps, ClientOp::Defrag, g)?;
                let mut o = Output::default();
                for (r, name) in replies.into_iter().zip(names) {
                    let part = match r.result {
                        Ok(_) => format::defrag(&name),
                        Err(e) => format::defrag_failed(&name, &e.to_string()),
                    };
                    o.stdout.push_str(&part.stdout);
                    o.stderr.push_str(&part.stderr);
                }
                o
            }
            Command::LeaseGrant { ttl_secs } => {
                Render::LeaseGrant(fmt).render(&single(self, ClientOp::LeaseGrant { ttl_secs })?)
            }
            Command::LeaseRevoke { id } => {
                Render::LeaseRevoke(fmt, id).render(&single(self, ClientOp::LeaseRevoke { id })?)
            }
            Command::LeaseKeepAlive { id, once: false } => {
                let r = single(self, ClientOp::LeaseKeepAliveStream { id })?;
                match r.result {
                    Ok(ClientResult::KeepAliveStarted { stream_id }) => {
                        self.watch_formats.insert(stream_id, fmt);
                        Output::default()
                    }
                    Ok(_) => format::error("unexpected reply"),
                    Err(e) => format::error(&e.to_string()),
                }
            }
            Command::LeaseKeepAlive { id, once } => {
                let r = single(self, ClientOp::LeaseKeepAlive { id })?;
                match &r.result {
                    Ok(ClientResult::LeaseKeptAlive { id, ttl_secs }) => {
                        format::lease_keep_alive(fmt, &header(&r.header), *id, *ttl_secs)
                    }
                    // `--once` reports the error; the streaming form says the lease is gone.
                    Err(ClientError::Store(crate::store::StoreError::LeaseNotFound)) if !once => {
                        format::lease_keep_alive_expired(id)
                    }
                    Err(e) => format::error(&e.to_string()),
                    Ok(_) => format::error("unexpected reply"),
                }
            }
            Command::LeaseTimeToLive { id, keys } => {
                let r = single(self, ClientOp::LeaseTimeToLive { id, keys })?;
                match &r.result {
                    Ok(ClientResult::LeaseTimeToLive { info: Some(info), .. }) => {
                        format::lease_timetolive(fmt, &header(&r.header), info, keys)
                    }
                    Ok(ClientResult::LeaseTimeToLive { info: None, .. }) => {
                        let expired = crate::store::LeaseInfo { id, granted_ttl: 0, ttl: -1, keys: Vec::new() };
                        format::lease_timetolive(fmt, &header(&r.header), &expired, keys)
                    }
                    Err(e) => format::error(&e.to_string()),
                    Ok(_) => format::error("unexpected reply"),
                }
            }
            Command::LeaseList => {
                let r = single(self, ClientOp::LeaseList)?;
                reply_or_error(&r, |h, res| match res {
                    ClientResult::Leases(ids) => Some(format::lease_list(fmt, h, ids)),
                    _ => None,
                })
            }
            Command::AlarmList => {
                let r = single(self, ClientOp::AlarmList)?;
                reply_or_error(&r, |_, res| match res {
                    ClientResult::Alarms(a) => Some(format::alarm_list(fmt, a)),
                    _ => None,
                })
            }
            Command::AlarmDisarm => {
                let r = single(self, ClientOp::AlarmDisarm)?;
                reply_or_error(&r, |_, res| match res {
                    ClientResult::Alarms(a) => Some(format::alarm_disarm(fmt, a)),
                    _ => None,
                })
            }
            Command::MemberList => {
                let r = single(self, ClientOp::MemberList)?;
                reply_or_error(&r, |h, res| match res {
                    ClientResult::Members { members, .. } => Some(format::member_list(fmt, h, &members_of(members))),
                    _ => None,
                })
            }
            Command::MemberAdd { name, learner, .. } => {
                let r = single(self, ClientOp::MemberAdd { name: name.clone(), learner })?;
                reply_or_error(&r, |h, res| match res {
                    ClientResult::MemberAdded { member, members, .. } => {
                        Some(format::member_add(fmt, h, &name, &member_of(member), &members_of(members)))
                    }
                    _ => None,
                })
            }
            Command::MemberPromote { id } => {
                let r = single(self, ClientOp::MemberPromote { member_id: id })?;
                let members = self.members_now(ep);
                reply_or_error(&r, |h, res| match res {
                    ClientResult::MemberPromoted { member_id, .. } => {
                        Some(format::member_promote(fmt, h, *member_id, &members))
                    }
                    _ => None,
                })
            }
            Command::MemberRemove { id } => {
                let r = single(self, ClientOp::MemberRemove { member_id: id })?;
                let members = self.members_now(ep);
                reply_or_error(&r, |h, res| match res {
                    ClientResult::MemberRemoved { member_id, .. } => {
                        Some(format::member_remove(fmt, h, *member_id, &members))
                    }
                    _ => None,
                })
            }
            Command::EndpointStatus { cluster } => {
                let (eps, names) = self.targets(g, cluster, &endpoints)?;
                let replies = self.call_in_turn(&eps, ClientOp::Status, g)?;
                let mut statuses = Vec::new();
                let mut failed = Output::default();
                for (r, name) in replies.iter().zip(&names) {
                    match &r.result {
                        Ok(ClientResult::Status(s)) => statuses.push(status_of(s, &r.header, name)),
                        Err(e) => {
                            let f = format::endpoint_status_failed(name, &e.to_string());
                            failed.stderr.push_str(&f.stderr);
                        }
                        Ok(_) => {}
                    }
                }
                let mut o = format::endpoint_status(fmt, &statuses);
                o.stderr = failed.stderr + &o.stderr;
                o
            }
            Command::EndpointHealth { cluster } => {
                let (eps, names) = self.targets(g, cluster, &endpoints)?;
                let replies = self.call_each(&eps, ClientOp::Health, g)?;
                let checks: Vec<format::EndpointHealth> = replies
                    .iter()
                    .zip(&names)
                    .map(|(r, name)| match &r.result {
                        Ok(ClientResult::Healthy { took_ms, .. }) => format::EndpointHealth {
                            endpoint: name.clone(),
                            health: true,
                            took: format::go_duration(took_ms * 1_000_000),
                            error: None,
                        },
                        Err(e) => format::EndpointHealth {
                            endpoint: name.clone(),
                            health: false,
                            took: format::go_duration(0),
                            error: Some(e.to_string()),
                        },
                        Ok(_) => format::EndpointHealth::default(),
                    })
                    .collect();
                format::endpoint_health(fmt, &checks)
            }
            Command::EndpointHashKv { cluster, revision } => self.hashkv(g, cluster, revision, &endpoints)?,
            Command::MoveLeader { target } => self.move_leader(g, target, &endpoints)?,
            Command::MemberUpdate { id, peer_urls } => {
                let r = single(self, ClientOp::MemberUpdate { member_id: id, peer_urls })?;
                reply_or_error(&r, |h, res| match res {
                    ClientResult::MemberUpdated { member_id, members, .. } => {
                        Some(format::member_update(fmt, h, *member_id, &members_of(members)))
                    }
                    _ => None,
                })
            }
            Command::Lock { name, ttl_secs } => {
                let op = RecipeOp { kind: RecipeKind::Lock, name: name.into_bytes(), ttl_secs };
                self.start_recipe(ep, op, fmt, g)?
            }
            Command::Elect { name, proposal } => {
                let kind = match proposal {
                    Some(p) => RecipeKind::Campaign(p.into_bytes()),
                    None => RecipeKind::Observe,
                };
                // `elect` always makes its session with concurrency's default TTL.
                let op = RecipeOp { kind, name: name.into_bytes(), ttl_secs: 60 };
                self.start_recipe(ep, op, fmt, g)?
            }
            Command::CheckPerf { rate, clients, prefix, auto_compact, auto_defrag } => {
                self.check_perf(g, ep, rate, clients, prefix, auto_compact, auto_defrag)?
            }
            Command::SnapshotSave { file } => {
                if endpoints.len() > 1 {
                    // etcdctl refuses before it connects, naming the endpoints as given.
                    let given: Vec<String> = g.endpoints.clone();
                    return Ok(format::error(&format!(
                        "snapshot must be requested to one selected node, not multiple [{}]",
                        given.join(" ")
                    )));
                }
                let r = single(self, ClientOp::SnapshotSave { path: file.clone() })?;
                match r.result {
                    Ok(_) => format::snapshot_save(&file),
                    Err(e) => format::error(&e.to_string()),
                }
            }
            Command::SnapshotRestore { file, options } if options.per_member() => {
                super::restore::restore_member(self, &file, options)?
            }
            Command::SnapshotRestore { file, options } => {
                let action = match options.initial_cluster_token {
                    Some(token) => Action::RestoreSnapshotWithToken { path: file, token },
                    None => Action::RestoreSnapshot { path: file },
                };
                self.act(vec![action]).map_err(|e| e.to_string())?;
                self.watch_formats.clear();
                self.kube_streams.clear();
                format::snapshot_restore()
            }
            Command::SnapshotStatus { file } => {
                let Some(bytes) = self.cluster.files().get(&file) else {
                    return Err(format!("stat {file}: no such file or directory"));
                };
                let store = Store::from_snapshot(bytes).map_err(|e| e.to_string())?;
                // etcdctl counts the keys of every bbolt bucket, and reads the revision off the
                // newest key in the `key` bucket (0 when it is empty).
                let keys = store.bucket_keys() as i64;
                let revision = if store.has_key_revisions() { store.revision() } else { 0 };
                format::snapshot_status(fmt, store.hash() as u32, revision, keys, store.db_size())
            }
            Command::Nothing
            | Command::Help { .. }
            | Command::Version
            | Command::Lab(_)
            | Command::TxnStdin { .. }
            | Command::Export(_)
            | Command::Unset(_)
            | Command::ShellAssign(_)
            | Command::V2 { .. } => Output::default(),
        };
        Ok(out)
    }

    fn members_now(&mut self, ep: NodeId) -> Vec<format::Member> {
        let g = Globals::default();
        match self.call(ep, ClientOp::MemberList, &g).map(|r| r.result) {
            Ok(Ok(ClientResult::Members { members, .. })) => members_of(&members),
            _ => Vec::new(),
        }
    }

    fn txn_request(&mut self, g: &Globals, t: crate::store::TxnRequest) -> Output {
        let ep = match self.endpoint_of(g) {
            Ok(e) => self.pick(&e),
            Err(e) => return format::error(&e),
        };
        match self.call(ep, ClientOp::Txn(t), g) {
            Ok(r) => Render::Txn(g.write_out).render(&r),
            Err(e) => format::error(&e),
        }
    }

    /// A convenience for tests and benchmarks: `put key value` through `endpoint`.
    pub fn put(&mut self, endpoint: NodeId, key: &str, value: &str) -> Result<ClientReply, String> {
        let op = ClientOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() });
        self.call(endpoint, op, &Globals::default())
    }
}

/// Accepts `n3`, `n3:2379` and `http://n3:2379`.
pub fn parse_endpoint(e: &str) -> Result<NodeId, String> {
    let s = e.trim_start_matches("http://").trim_start_matches("https://");
    let s = s.strip_suffix(":2379").unwrap_or(s);
    match s.strip_prefix('n').and_then(|d| d.parse::<u64>().ok()) {
        Some(id) if (1..=crate::engine::MAX_NODES).contains(&id) => Ok(id),
        _ => Err(format!("unknown endpoint \"{e}\": endpoints are n1 to n{}", crate::engine::MAX_NODES)),
    }
}

fn with_error_prefix(msg: &str) -> String {
    let bare = ["Error: ", "Unknown help topic", "unsupported API version", "export: ", "unset: ", "C | "];
    if bare.iter().any(|p| msg.starts_with(p)) {
        msg.to_string()
    } else {
        format!("Error: {msg}")
    }
}

fn strip_error(msg: &str) -> &str {
    msg.strip_prefix("Error: ").unwrap_or(msg)
}
