//! Client requests as an etcd member serves them.
//!
//! Contract: a request enters at its endpoint member and is answered exactly once — from the
//! endpoint's store (serializable reads, status), after a ReadIndex round (linearizable
//! reads, alarm list, health), after the endpoint applies the proposed entry (writes, as
//! etcd's wait registry answers on apply), from the leader (lease keep-alive and
//! time-to-live, as etcd forwards them), or with an error when its command timeout passes.
//! Watches live on their endpoint and see events as that member applies them.

use std::rc::Rc;

use crate::store::{
    AlarmMember, AlarmType, Applied, DeleteRangeRequest, PutRequest, RangeRequest, Request, Response, TxnRequest,
};

use super::client::{ClientError, ClientOp, ClientReply, ClientResult, EndpointStatusInfo, ResponseHeader};
use super::cluster::Cluster;
use super::proposal::Proposal;
use super::request_table::{Pending, PendingState};
use super::trace::{Role, TraceEvent};

use super::NodeId;

/// How long a ReadIndex may go unanswered before it is asked again (etcd 3.5's retry).
const READ_INDEX_RETRY_MS: u64 = 500;

impl Cluster {
    pub(crate) fn header(&self, endpoint: NodeId) -> ResponseHeader {
        let node = self.nodes.get(&endpoint);
        let live = node.and_then(|n| n.live.as_ref());
        ResponseHeader {
            cluster_id: node.map(|n| n.cluster_id).unwrap_or(self.cluster_id),
            member_id: node.map(|n| n.member_id).unwrap_or(0),
            revision: self.store_of(endpoint).map(|s| s.revision()).unwrap_or(0),
            raft_term: live.and(node).map(|n| n.applied_term()).unwrap_or(0),
        }
    }

    pub(crate) fn finish(&mut self, req_id: u64, endpoint: NodeId, result: Result<ClientResult, ClientError>) {
        self.requests.close(req_id);
        let mut header = self.header(endpoint);
        if matches!(
            result,
            Ok(ClientResult::Members { .. }
                | ClientResult::MemberAdded { .. }
                | ClientResult::MemberPromoted { .. }
                | ClientResult::MemberRemoved { .. }
                | ClientResult::MemberUpdated { .. })
        ) {
            // etcd's cluster service fills its headers without a revision.
            header.revision = 0;
        }
        let reply = Rc::new(ClientReply { req_id, endpoint, header, result });
        self.trace.push(self.now_ms, TraceEvent::ClientReply(reply.clone()));
        self.requests.record_reply(reply.clone());
        if req_id >= super::recipes::INTERNAL_REQ_BASE {
            if self.recipes.owns_call(req_id) {
                self.recipe_reply(&reply);
            } else if self.kube_compactor.owns_call(req_id) {
                self.kube_compactor_reply(&reply);
            } else {
                self.perf_reply(&reply);
            }
        }
    }

    fn is_learner(&self, id: NodeId) -> bool {
        self.nodes
            .get(&id)
            .and_then(|n| n.live.as_ref())
            .is_some_and(|l| l.raw.raft.prs().conf().learners().contains(&id))
    }

    pub(crate) fn submit(&mut self, req_id: u64, endpoint: NodeId, shared: Rc<ClientOp>, timeout_ms: Option<u64>) {
        self.trace.push(self.now_ms, TraceEvent::ClientRequest { req_id, endpoint, op: shared.clone() });
        let op: &ClientOp = &shared;
        // `check perf` runs its load without the command timeout (its calls have their own).
        let timeout_ms = match op {
            ClientOp::CheckPerf(p) => Some(p.duration_ms + 60_000),
            _ => timeout_ms,
        };
        let deadline_ms = self.now_ms + timeout_ms.unwrap_or(self.cfg.command_timeout_ms);
        self.requests.open(req_id, Pending::new(endpoint, shared.clone(), self.now_ms, deadline_ms));
        // Cancelling is the client hanging up: it needs no live endpoint.
        if let ClientOp::WatchCancel { watch_id } = *op {
            if self.recipes.is_recipe(watch_id) {
                self.cancel_recipe(watch_id);
                return self.finish(req_id, endpoint, Ok(ClientResult::WatchCanceled { watch_id }));
            }
            self.streams.end(watch_id);
            return self.finish(req_id, endpoint, Ok(ClientResult::WatchCanceled { watch_id }));
        }
        if !self.is_alive(endpoint) {
            return;
        }
        if self.is_learner(endpoint) && !op.allowed_on_learner() {
            if let ClientOp::Watch { .. } | ClientOp::LeaseKeepAliveStream { .. } = op {
                // A learner refuses the stream, and etcdctl's client retries it in silence
                // until it is stopped: a stream that never says anything.
                let stream_id = self.streams.new_id();
                let result = match op {
                    ClientOp::Watch { .. } => ClientResult::WatchCreated { watch_id: stream_id },
                    _ => ClientResult::KeepAliveStarted { stream_id },
                };
                return self.finish(req_id, endpoint, Ok(result));
            }
            return self.finish(req_id, endpoint, Err(ClientError::NotSupportedForLearner));
        }
        match op {
            ClientOp::Put(p) => self.propose_write(req_id, endpoint, Request::Put(p.clone())),
            ClientOp::DeleteRange(d) => self.propose_write(req_id, endpoint, Request::DeleteRange(d.clone())),
            ClientOp::Txn(t) => self.propose_write(req_id, endpoint, Request::Txn(t.clone())),
            ClientOp::Compact { revision, .. } => {
                self.propose_write(req_id, endpoint, Request::Compaction { revision: *revision })
            }
            ClientOp::LeaseGrant { ttl_secs } => {
                let id = self.next_lease_id(endpoint);
                self.propose_write(req_id, endpoint, Request::LeaseGrant { id, ttl_secs: *ttl_secs })
            }
            ClientOp::LeaseRevoke { id } => self.propose_write(req_id, endpoint, Request::LeaseRevoke { id: *id }),
            ClientOp::AlarmDisarm => {
                // etcdctl lists the alarms first (through raft, as every alarm request in
                // 3.4), then deactivates each one it got back.
                let alarms = self.store_of(endpoint).map(|s| s.alarms()).unwrap_or_default();
                let list = Proposal { req_id, origin: endpoint, request: Request::AlarmGet };
                let proposals: Vec<Proposal> = std::iter::once(list)
                    .chain(alarms.into_iter().map(|a| Proposal {
                        req_id,
                        origin: endpoint,
                        request: Request::AlarmDeactivate(a),
                    }))
                    .collect();
                self.propose(req_id, endpoint, proposals);
            }
            ClientOp::Range(r) if r.serializable => {
                let result = self.serve_range(endpoint, r);
                self.finish(req_id, endpoint, result)
            }
            // etcd 3.4 sends every alarm request through raft, `alarm list` too.
            ClientOp::AlarmList => {
                self.propose(req_id, endpoint, [Proposal { req_id, origin: endpoint, request: Request::AlarmGet }])
            }
            ClientOp::Range(_) | ClientOp::Health => self.ask_read_index(req_id, endpoint),
            ClientOp::LeaseKeepAlive { .. } | ClientOp::LeaseTimeToLive { .. } => {
                self.requests.set_state(req_id, PendingState::AtLeader);
                self.try_at_leader(req_id);
            }
            ClientOp::LeaseList => {
                let leases = self.store_of(endpoint).map(|s| s.leases()).unwrap_or_default();
                self.finish(req_id, endpoint, Ok(ClientResult::Leases(leases)))
            }
            ClientOp::Defrag => {
                if let Some(mut store) = self.store_mut_of(endpoint) {
                    store.defrag();
                }
                let endpoint_name = format!("n{endpoint}");
                self.finish(req_id, endpoint, Ok(ClientResult::Defragmented { endpoint: endpoint_name }))
            }
            ClientOp::Status => {
                let status = self.endpoint_status(endpoint);
                self.finish(req_id, endpoint, Ok(ClientResult::Status(status)))
            }
            ClientOp::SnapshotSave { path } => {
                let data = self.store_of(endpoint).map(|s| s.to_snapshot()).unwrap_or_default();
                let size = data.len() as u64;
                self.files.insert(path.clone(), data);
                self.finish(req_id, endpoint, Ok(ClientResult::SnapshotSaved { path: path.clone(), size }))
            }
            ClientOp::Watch { key, range_end, start_revision, prev_kv } => {
                self.create_watch(req_id, endpoint, key.clone(), range_end.clone(), *start_revision, *prev_kv)
            }
            ClientOp::LeaseKeepAliveStream { id } => {
                let stream_id = self.streams.new_id();
                let keeper =
                    super::streams::Keeper { node: endpoint, lease: *id, next_ms: self.now_ms, deadline_ms: None };
                self.streams.add_keeper(stream_id, keeper);
                self.finish(req_id, endpoint, Ok(ClientResult::KeepAliveStarted { stream_id }));
                self.keep_alive(stream_id);
            }
            ClientOp::WatchCancel { .. } => {}
            ClientOp::MemberList => {
                let members = self.member_list(endpoint);
                let cluster_id = self.nodes.get(&endpoint).map(|n| n.cluster_id).unwrap_or(self.cluster_id);
                self.finish(req_id, endpoint, Ok(ClientResult::Members { cluster_id, members }))
            }
            ClientOp::MemberAdd { learner, .. } => self.member_add(req_id, endpoint, *learner),
            ClientOp::MemberPromote { member_id } => self.member_promote(req_id, endpoint, *member_id),
            ClientOp::MemberRemove { member_id } => self.member_remove(req_id, endpoint, *member_id),
            ClientOp::Recipe(r) => self.start_recipe(req_id, endpoint, r),
            ClientOp::MoveLeader { target_member_id } => self.move_leader(req_id, endpoint, *target_member_id),
            ClientOp::HashKv { revision } => {
                let result = self.hash_kv(endpoint, *revision);
                self.finish(req_id, endpoint, result)
            }
            ClientOp::MemberUpdate { member_id, peer_urls } => {
                let request = Request::MemberUpdate { member_id: *member_id, peer_urls: peer_urls.clone() };
                self.propose_write(req_id, endpoint, request)
            }
            ClientOp::CheckPerf(p) => self.start_perf(req_id, endpoint, p),
        }
    }

    /// The store of a running member (a stopped one answers no clients).
    pub(crate) fn store_of(&self, id: NodeId) -> Option<std::cell::Ref<'_, crate::store::Store>> {
        self.nodes.get(&id).filter(|n| n.is_alive()).map(|n| n.store())
    }

    pub(crate) fn store_mut_of(&self, id: NodeId) -> Option<std::cell::RefMut<'_, crate::store::Store>> {
        let n = self.nodes.get(&id).filter(|n| n.is_alive())?;
        Some(std::cell::RefMut::map(n.disk.backend_mut(), |b| &mut b.store))
    }

    fn serve_range(&self, endpoint: NodeId, r: &RangeRequest) -> Result<ClientResult, ClientError> {
        let store = self.store_of(endpoint).ok_or(ClientError::Stopped)?;
        let (resp, _rev) = store.range(r)?;
        Ok(ClientResult::Range(resp))
    }

    /// etcd's lease id: the member id's low 16 bits, then a counter seeded from the clock.
    fn next_lease_id(&mut self, endpoint: NodeId) -> i64 {
        let member = self.nodes.get(&endpoint).map(|n| n.member_id).unwrap_or(0);
        let wall_ms = self.wall_ms();
        let counter = self.lease_seq.entry(endpoint).or_insert((wall_ms & 0xff_ffff_ffff) << 8);
        *counter += 1;
        (((member & 0xffff) << 48 | (*counter & 0xffff_ffff_ffff)) & (i64::MAX as u64)) as i64
    }

    fn propose_write(&mut self, req_id: u64, endpoint: NodeId, request: Request) {
        let fits = self.store_of(endpoint).map(|s| s.quota_available(&request)).unwrap_or(true);
        if !fits {
            // etcd's quota check happens at the API layer: it raises the alarm through raft,
            // waits for it to apply, and then refuses the write (`quotaAlarmer.check`).
            let member_id = self.nodes.get(&endpoint).map(|n| n.member_id).unwrap_or(0);
            let request = Request::AlarmActivate(AlarmMember { member_id, alarm: AlarmType::NoSpace });
            return self.propose(req_id, endpoint, [Proposal { req_id, origin: endpoint, request }]);
        }
        let proposal = Proposal { req_id, origin: endpoint, request };
        // etcd measures the marshalled InternalRaftRequest; the lab's own encoding of the
        // request is within a few bytes of it.
        if proposal.encode().len() as u64 > self.cfg.max_request_bytes {
            return self.finish(req_id, endpoint, Err(ClientError::RequestTooLarge));
        }
        self.propose(req_id, endpoint, [proposal]);
    }

    /// Takes any sequence of proposals, so the common single write needs no `Vec`.
    fn propose(&mut self, req_id: u64, endpoint: NodeId, proposals: impl IntoIterator<Item = Proposal>) {
        let mut total = 0;
        let mut dropped: Vec<Proposal> = Vec::new();
        for p in proposals {
            total += 1;
            let data = p.encode();
            let mut ok = false;
            self.with_raw(endpoint, |raw| ok = raw.propose(vec![], data).is_ok());
            if !ok {
                dropped.push(p);
            }
        }
        if let Some(pending) = self.requests.get_mut(req_id) {
            pending.unapplied += total - dropped.len();
        }
        // Whatever raft-rs dropped is retried on later ticks.
        let state = if dropped.is_empty() { PendingState::Proposed } else { PendingState::Propose(dropped) };
        self.requests.set_state(req_id, state);
    }

    fn ask_read_index(&mut self, req_id: u64, endpoint: NodeId) {
        let now = self.now_ms;
        self.requests.set_state(req_id, PendingState::ReadIndex { asked_ms: now });
        self.with_raw(endpoint, |raw| raw.read_index(req_id.to_be_bytes().to_vec()));
    }

    pub(crate) fn on_read_states(&mut self, id: NodeId, states: &mut Vec<raft::ReadState>) {
        for rs in states.drain(..) {
            let Ok(bytes) = <[u8; 8]>::try_from(rs.request_ctx.as_slice()) else { continue };
            let req_id = u64::from_be_bytes(bytes);
            let asked = self.requests.get(req_id).is_some_and(|p| p.endpoint == id)
                && matches!(self.requests.get(req_id).map(|p| p.state()), Some(PendingState::ReadIndex { .. }));
            if asked {
                self.requests.set_state(req_id, PendingState::ReadAt(rs.index));
            }
        }
    }

    /// Work that waits on a node's progress: its publish, and reads whose index it has
    /// applied.
    pub(crate) fn after_ready(&mut self, id: NodeId) {
        self.maybe_publish(id);
        let Some(node) = self.nodes.get(&id) else { return };
        if !node.is_alive() {
            return;
        }
        let applied = node.applied();
        for req_id in self.requests.reads_ready(id, applied) {
            self.serve_read(req_id);
        }
    }

    fn serve_read(&mut self, req_id: u64) {
        let Some(p) = self.requests.get(req_id) else { return };
        let endpoint = p.endpoint;
        let op = p.op.clone();
        let result = match &*op {
            ClientOp::Range(r) => {
                let result = self.serve_range(endpoint, r);
                self.warn_slow_range(endpoint, p.submitted_ms, r, &result);
                result
            }
            ClientOp::AlarmList => {
                Ok(ClientResult::Alarms(self.store_of(endpoint).map(|s| s.alarms()).unwrap_or_default()))
            }
            ClientOp::Health => {
                Ok(ClientResult::Healthy { endpoint: format!("n{endpoint}"), took_ms: self.now_ms - p.submitted_ms })
            }
            _ => Err(ClientError::Other("internal: not a read".into())),
        };
        self.finish(req_id, endpoint, result);
    }

    /// etcd's `warnOfExpensiveReadOnlyRangeRequest`: a range that took more than 100 ms
    /// from its arrival (its linearizable wait included) is logged. With a slow disk on
    /// the leader this is the warning operators see most.
    fn warn_slow_range(
        &mut self,
        endpoint: NodeId,
        submitted_ms: u64,
        r: &RangeRequest,
        result: &Result<ClientResult, ClientError>,
    ) {
        const EXPECTED_MS: u64 = 100;
        let took = self.now_ms.saturating_sub(submitted_ms);
        if took <= EXPECTED_MS {
            return;
        }
        let count = match result {
            Ok(ClientResult::Range(resp)) => resp.count,
            _ => 0,
        };
        let key = String::from_utf8_lossy(&r.key);
        let text = format!(
            "apply request took too long took={took}ms expected-duration={EXPECTED_MS}ms prefix=\"read-only range \" \
             request=\"key:{key:?} \" response=\"range_response_count:{count}\""
        );
        self.trace_warn(endpoint, text);
    }

    /// Lease keep-alive and time-to-live are answered by the leader's lessor; the endpoint
    /// forwards them when it knows a leader it can reach.
    fn try_at_leader(&mut self, req_id: u64) {
        let Some(p) = self.requests.get(req_id) else { return };
        let endpoint = p.endpoint;
        let Some(leader) = self.reachable_leader(endpoint) else { return };
        let now = self.now_ms;
        let op = p.op.clone();
        let Some(mut store) = self.store_mut_of(leader) else { return };
        let result = match *op {
            ClientOp::LeaseKeepAlive { id } => store
                .renew_lease(id, now)
                .map(|ttl_secs| ClientResult::LeaseKeptAlive { id, ttl_secs })
                .map_err(Into::into),
            ClientOp::LeaseTimeToLive { id, .. } => {
                Ok(ClientResult::LeaseTimeToLive { id, info: store.lease_info(id, now) })
            }
            _ => return,
        };
        drop(store);
        self.finish(req_id, endpoint, result);
    }

    /// The leader the endpoint knows, if it is alive, still leads, and both links work.
    pub(crate) fn reachable_leader(&self, endpoint: NodeId) -> Option<NodeId> {
        let live = self.nodes.get(&endpoint)?.live.as_ref()?;
        let leader = live.raw.raft.leader_id;
        if leader == 0 {
            return None;
        }
        let l = self.nodes.get(&leader)?.live.as_ref()?;
        if l.raw.raft.state != raft::StateRole::Leader {
            return None;
        }
        if leader != endpoint && (self.network.is_cut(endpoint, leader) || self.network.is_cut(leader, endpoint)) {
            return None;
        }
        Some(leader)
    }

    /// Per-tick duties: the leader expires leases (revoking through the log, as etcd does),
    /// and requests waiting at this endpoint try again.
    pub(crate) fn on_tick(&mut self, id: NodeId) {
        let now = self.now_ms;
        let is_leader = self.nodes.get(&id).and_then(|n| n.live.as_ref()).is_some_and(|l| l.role == Role::Leader);
        if is_leader {
            let expired = self.store_of(id).map(|s| s.expired_leases(now)).unwrap_or_default();
            for lease in expired {
                if self.revoking.insert(lease) {
                    let data = Proposal { req_id: 0, origin: id, request: Request::LeaseRevoke { id: lease } }.encode();
                    self.with_raw(id, |raw| {
                        let _ = raw.propose(vec![], data);
                    });
                }
            }
        }
        for stream_id in self.streams.keepers_due(id, now) {
            self.keep_alive(stream_id);
        }
        for req_id in self.requests.at_endpoint(id) {
            let Some(p) = self.requests.get(req_id) else { continue };
            match p.state().clone() {
                PendingState::Propose(list) => self.propose(req_id, id, list),
                PendingState::Conf { node, proposed: false, cc } => self.retry_conf(req_id, id, node, cc),
                PendingState::ReadIndex { asked_ms } if now >= asked_ms + READ_INDEX_RETRY_MS => {
                    self.ask_read_index(req_id, id);
                }
                PendingState::AtLeader => self.try_at_leader(req_id),
                PendingState::MoveLeader { target } => self.check_moved(req_id, id, target),
                _ => {}
            }
        }
    }

    /// The client's command timeout passed.
    pub(crate) fn expire(&mut self, req_id: u64) {
        let Some(p) = self.requests.get(req_id) else { return };
        let endpoint = p.endpoint;
        self.perf.runs.remove(&req_id);
        self.finish(req_id, endpoint, Err(ClientError::DeadlineExceeded));
    }

    pub(crate) fn on_request_applied(&mut self, id: NodeId, proposal: Rc<Proposal>, applied: Applied) {
        if let Request::LeaseRevoke { id: lease } = proposal.request {
            self.revoking.remove(&lease);
        }
        if applied.result == Err(crate::store::StoreError::NoSpace) {
            self.raise_nospace_at_apply(id);
        }
        if let Request::MemberAttributes { member_id, .. } = &proposal.request {
            if let Some(n) = self.nodes.get_mut(&id).filter(|n| n.member_id == *member_id) {
                n.publish = super::node::Publish::Done;
            }
        }
        self.deliver_watch_events(id, &applied);
        if proposal.origin != id || proposal.req_id == 0 {
            return;
        }
        let req_id = proposal.req_id;
        let Some(p) = self.requests.get_mut(req_id) else { return };
        if p.endpoint != id {
            return;
        }
        p.unapplied = p.unapplied.saturating_sub(1);
        let disarming = matches!(*p.op, ClientOp::AlarmDisarm);
        if disarming || matches!(proposal.request, Request::AlarmDeactivate(_)) {
            if let Request::AlarmDeactivate(a) = &proposal.request {
                p.disarmed.push(*a);
            }
            if p.unapplied > 0 || !matches!(p.state(), PendingState::Proposed) {
                return;
            }
            let disarmed = std::mem::take(&mut p.disarmed);
            return self.finish(req_id, id, Ok(ClientResult::Alarms(disarmed)));
        }
        let refused_for_space = matches!(proposal.request, Request::AlarmActivate(_))
            && matches!(*p.op, ClientOp::Put(_) | ClientOp::Txn(_) | ClientOp::LeaseGrant { .. });
        if refused_for_space {
            return self.finish(req_id, id, Err(crate::store::StoreError::NoSpace.into()));
        }
        let result = match (applied.result, &proposal.request) {
            (Err(e), _) => Err(e.into()),
            (Ok(Response::Put(r)), _) => Ok(ClientResult::Put(r)),
            (Ok(Response::DeleteRange(r)), _) => Ok(ClientResult::DeleteRange(r)),
            (Ok(Response::Txn(r)), _) => Ok(ClientResult::Txn(r)),
            (Ok(Response::Compaction), Request::Compaction { revision }) => {
                Ok(ClientResult::Compacted { revision: *revision })
            }
            (Ok(Response::LeaseGrant { id, ttl_secs }), _) => Ok(ClientResult::LeaseGranted { id, ttl_secs }),
            (Ok(Response::LeaseRevoke), Request::LeaseRevoke { id }) => Ok(ClientResult::LeaseRevoked { id: *id }),
            (Ok(Response::Alarm(list)), _) => Ok(ClientResult::Alarms(list)),
            (Ok(Response::Membership), Request::MemberUpdate { member_id, .. }) => Ok(ClientResult::MemberUpdated {
                cluster_id: self.cluster_id,
                member_id: *member_id,
                members: self.member_list(id),
            }),
            (Ok(other), _) => Err(ClientError::Other(format!("internal: unexpected response {other:?}"))),
        };
        self.finish(req_id, id, result);
    }

    pub(crate) fn endpoint_status(&self, endpoint: NodeId) -> EndpointStatusInfo {
        let node = self.nodes.get(&endpoint);
        let live = node.and_then(|n| n.live.as_ref());
        let leader = live.map(|l| l.raw.raft.leader_id).unwrap_or(0);
        let leader_member = self.nodes.get(&leader).map(|n| n.member_id).unwrap_or(0);
        let store = self.store_of(endpoint);
        // etcd's maintenance server: "no leader" first, then each alarm.
        let mut errors: Vec<String> = Vec::new();
        if live.is_some() && leader == 0 {
            errors.push(ClientError::NoLeader.to_string());
        }
        if let Some(s) = store.as_ref() {
            errors
                .extend(s.alarms().iter().map(|a| format!("memberID:{} alarm:{} ", a.member_id, alarm_name(a.alarm))));
        }
        EndpointStatusInfo {
            endpoint: format!("n{endpoint}"),
            version: "3.4.23".into(),
            db_size: store.as_ref().map(|s| s.db_size()).unwrap_or(0),
            db_size_in_use: store.as_ref().map(|s| s.db_size_in_use()).unwrap_or(0),
            leader: leader_member,
            is_learner: self.is_learner(endpoint),
            // etcd's RaftIndex is the last committed index its apply loop was handed, and its
            // RaftTerm the term of the last entry it applied (`EtcdServer.Term`), not raft's
            // current term: a member campaigning alone still shows the term it applied in.
            raft_index: live.map(|l| l.commit).unwrap_or(0),
            raft_term: live.and(node).map(|n| n.applied_term()).unwrap_or(0),
            raft_applied_index: node.filter(|n| n.is_alive()).map(|n| n.applied()).unwrap_or(0),
            errors,
        }
    }
}

pub fn alarm_name(a: AlarmType) -> &'static str {
    match a {
        AlarmType::NoSpace => "NOSPACE",
        AlarmType::Corrupt => "CORRUPT",
    }
}

// Keep the request types in scope for readers of this module's signatures.
#[allow(dead_code)]
type _Uses = (PutRequest, DeleteRangeRequest, TxnRequest);
