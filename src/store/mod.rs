//! etcd v3 semantics as etcd 3.4 behaves: an MVCC key-value store with revisions, ranges,
//! txns, leases, watches' history, compaction, a quota with alarms, and snapshots.
//!
//! Contract: the store knows nothing about raft. `Store::apply` is a pure function of the
//! store and the request (plus the logical time for lease expiry), so every member that
//! applies the same log reaches the same state. No request content can make it panic:
//! every failure is a `StoreError` with etcd's words. Iteration order never depends on a
//! hash map, so two stores in the same state answer and serialize identically.
//!
//! Layout: `mvcc` (the revisioned key index and write txns), `range` (reads), `txn`
//! (puts, deletes, txns and etcd's request checks), `lease` (the lessor), `quota` (size
//! model, quota and alarms), `snapshot` (image and hash).

mod bytes;
mod hash_kv;
mod lease;
pub mod membership;
mod mvcc;
mod quota;
mod range;
mod snapshot;
mod txn;
mod types;

#[cfg(test)]
mod tests;

pub use bytes::Bytes;
pub use membership::{ChangeRefused, Member, MemberChange, Membership};
pub use range::prefix_range_end;
pub use snapshot::SnapshotError;
pub use types::*;

use lease::Lessor;
use mvcc::{Mvcc, Writer};
use quota::{Alarms, SizeModel};

#[derive(Clone, Debug)]
pub struct Store {
    kv: Mvcc,
    leases: Lessor,
    alarms: Alarms,
    /// The store revision: the main revision of the last write txn that changed something.
    revision: i64,
    compact_revision: i64,
    size: SizeModel,
    quota_bytes: u64,
    min_lease_ttl_secs: i64,
    /// etcd's `members`, `members_removed` and `cluster` buckets.
    membership: Membership,
}

impl Store {
    /// quota_bytes: etcd's --quota-backend-bytes (0 = etcd's 2 GiB default).
    /// min_lease_ttl_secs: etcd's minimum lease TTL (a grant with a smaller TTL is raised
    /// to it, as etcd does).
    pub fn new(quota_bytes: u64, min_lease_ttl_secs: i64) -> Store {
        Store {
            kv: Mvcc::default(),
            leases: Lessor::default(),
            alarms: Alarms::default(),
            // etcd starts at revision 1 with nothing in it.
            revision: 1,
            compact_revision: 0,
            size: SizeModel::fresh(),
            membership: Membership::default(),
            quota_bytes,
            min_lease_ttl_secs,
        }
    }

    /// Changes the member-local settings, e.g. after restoring a snapshot into a member
    /// started with other flags.
    pub fn configure(&mut self, quota_bytes: u64, min_lease_ttl_secs: i64) {
        self.quota_bytes = quota_bytes;
        self.min_lease_ttl_secs = min_lease_ttl_secs;
    }

    /// The checks etcd's gRPC layer makes before proposing (empty key, `--ignore-*`
    /// misuse, more than 128 ops in a txn, a key written twice in a txn). `apply` makes
    /// them too, so a request that skipped them is still answered the same way.
    pub fn validate(req: &Request) -> Result<(), StoreError> {
        txn::validate(req)
    }

    /// Applies one request from the raft log. `now_ms` is the logical clock, used only to
    /// start a granted lease's deadline.
    ///
    /// As etcd 3.4's quota applier does, a put or txn that finds the backend over quota
    /// *at apply* (after passing the endpoint's check, e.g. with other writes in flight)
    /// is still applied — its events are returned and the revision moves — but answered
    /// `NoSpace`. While a NOSPACE alarm stands, puts, txns with a top-level put and lease
    /// grants are refused outright.
    pub fn apply(&mut self, req: &Request, now_ms: u64) -> Applied {
        self.apply_with(req, now_ms, Events::Keep)
    }

    /// `apply`, building the events only if `events` says someone reads them: with no
    /// watcher on the member they are skipped, and `Applied::events` is empty.
    pub fn apply_with(&mut self, req: &Request, now_ms: u64, events: Events) -> Applied {
        let (result, events) = match Self::validate(req) {
            Err(e) => (Err(e), Vec::new()),
            Ok(()) => self.apply_valid(req, now_ms, events),
        };
        self.size.grow(self.data_bytes());
        Applied { result, revision: self.revision, events }
    }

    fn apply_valid(
        &mut self,
        req: &Request,
        now_ms: u64,
        events: Events,
    ) -> (Result<Response, StoreError>, Vec<(Revision, Event)>) {
        let capped = self.alarms.no_space();
        // etcd's quotaApplierV3 decides before the write, on the file size so far.
        let fits = quota::request_cost(req).is_none_or(|cost| self.size.available(cost, self.quota_bytes));
        let over_quota = |r: Result<Response, StoreError>| match r {
            Ok(_) if !fits => Err(StoreError::NoSpace),
            other => other,
        };
        match req {
            Request::Put(p) => {
                if capped {
                    return (Err(StoreError::NoSpace), Vec::new());
                }
                if let Err(e) = txn::check_put(&self.kv, &self.leases, p) {
                    return (Err(e), Vec::new());
                }
                let (resp, events) = self.write(events, |w| txn::apply_put(w, p));
                (over_quota(Ok(Response::Put(resp))), events)
            }
            Request::DeleteRange(d) => {
                let (resp, events) = self.write(events, |w| txn::apply_delete(w, d));
                (Ok(Response::DeleteRange(resp)), events)
            }
            Request::Txn(t) => {
                if capped && quota::cost_txn(t) > 0 {
                    return (Err(StoreError::NoSpace), Vec::new());
                }
                let path = txn::compare_path(&self.kv, self.revision, t);
                let checked = txn::check_txn(&self.kv, &self.leases, t, &path, self.revision, self.compact_revision);
                if let Err(e) = checked {
                    return (Err(e), Vec::new());
                }
                let (resp, events) = self.write(events, |w| txn::apply_txn(w, t, &path));
                (over_quota(Ok(Response::Txn(resp))), events)
            }
            Request::Compaction { revision } => (self.compact(*revision), Vec::new()),
            Request::LeaseGrant { id, ttl_secs } => {
                if capped {
                    return (Err(StoreError::NoSpace), Vec::new());
                }
                let granted = self
                    .leases
                    .grant(*id, *ttl_secs, self.min_lease_ttl_secs, now_ms)
                    .map(|ttl| Response::LeaseGrant { id: *id, ttl_secs: ttl });
                (granted, Vec::new())
            }
            Request::LeaseRevoke { id } => self.revoke(*id, events),
            Request::AlarmActivate(a) => {
                self.alarms.activate(*a);
                (Ok(Response::Alarm(self.alarms.list())), Vec::new())
            }
            Request::AlarmDeactivate(a) => {
                self.alarms.deactivate(a);
                (Ok(Response::Alarm(self.alarms.list())), Vec::new())
            }
            Request::AlarmGet => (Ok(Response::Alarm(self.alarms.list())), Vec::new()),
            Request::MemberAttributes { member_id, name, client_urls } => {
                self.membership.publish(*member_id, name, client_urls);
                (Ok(Response::Membership), Vec::new())
            }
            Request::ClusterVersion(v) => {
                self.membership.set_version(v);
                (Ok(Response::Membership), Vec::new())
            }
            Request::MemberUpdate { member_id, peer_urls } => {
                (self.membership.update(*member_id, peer_urls).map(|()| Response::Membership), Vec::new())
            }
        }
    }

    /// The membership as this member applied it.
    pub fn membership(&self) -> &Membership {
        &self.membership
    }

    /// The initial cluster's members, before any entry is applied (a fresh data dir
    /// started with `--initial-cluster`, or a restore).
    pub fn set_initial_members(&mut self, members: Vec<Member>) {
        self.membership = Membership::initial(members);
    }

    /// A conf-change entry's membership change, checked as etcd checks it at apply.
    pub fn apply_member_change(&mut self, change: &MemberChange) -> Result<(), ChangeRefused> {
        self.membership.validate(change)?;
        self.membership.apply(change);
        Ok(())
    }

    /// Whether the `key` bucket holds any revision (a fresh store holds none).
    pub fn has_key_revisions(&self) -> bool {
        self.kv.revision_count() > 0
    }

    /// What `snapshot status` counts as TOTAL KEYS: the keys in every bbolt bucket. The
    /// `key` bucket holds one key per retained revision (tombstones too); `meta` holds the
    /// consistent index, plus the scheduled and finished compact revisions once compacted;
    /// `auth` holds its revision; then one key per lease, alarm, member, removed member,
    /// and the cluster version once set. Counted on a real etcd 3.4.23's snapshot file.
    pub fn bucket_keys(&self) -> u64 {
        let meta = 1 + if self.compact_revision > 0 { 2 } else { 0 };
        let auth = 1;
        let cluster = u64::from(self.membership.version().is_some());
        self.kv.revision_count()
            + meta
            + auth
            + cluster
            + self.leases.all().count() as u64
            + self.alarms.list().len() as u64
            + self.membership.members().count() as u64
            + self.membership.removed_count() as u64
    }

    /// Runs `f` as one write txn; the revision moves only if something changed.
    fn write<T>(&mut self, events: Events, f: impl FnOnce(&mut Writer<'_>) -> T) -> (T, Vec<(Revision, Event)>) {
        let mut w = Writer::new(&mut self.kv, self.revision, events == Events::Keep);
        let out = f(&mut w);
        let (changed, events) = w.finish();
        if changed {
            self.revision = self.revision.saturating_add(1);
        }
        (out, events)
    }

    fn compact(&mut self, revision: i64) -> Result<Response, StoreError> {
        // etcd's updateCompactRev checks "already compacted" before "future".
        if revision <= self.compact_revision {
            return Err(StoreError::Compacted);
        }
        if revision > self.revision {
            return Err(StoreError::FutureRev);
        }
        self.kv.compact(revision);
        self.compact_revision = revision;
        Ok(Response::Compaction)
    }

    /// etcd's lessor.Revoke: the lease's keys go in one txn, in key order.
    fn revoke(&mut self, id: i64, events: Events) -> (Result<Response, StoreError>, Vec<(Revision, Event)>) {
        if !self.leases.contains(id) {
            return (Err(StoreError::LeaseNotFound), Vec::new());
        }
        let keys = self.lease_keys(id);
        let (_, events) = self.write(events, |w| {
            for key in &keys {
                w.delete_range(key, &[]);
            }
        });
        self.leases.remove(id);
        (Ok(Response::LeaseRevoke), events)
    }

    fn lease_keys(&self, id: i64) -> Vec<Vec<u8>> {
        self.kv.live_kvs().filter(|kv| kv.lease() == id).map(|kv| kv.key.to_vec()).collect()
    }

    /// A read (serializable or after a ReadIndex): the response and the header revision
    /// (the current store revision, whatever revision was read at).
    pub fn range(&self, req: &RangeRequest) -> Result<(RangeResponse, i64), StoreError> {
        txn::check_range_request(&req.key)?;
        let at = range::check_revision(req.revision, self.revision, self.compact_revision)?;
        Ok((range::execute(&self.kv, req, at), self.revision))
    }

    /// Current revision; a fresh store is at 1, as etcd.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// `endpoint hashkv` at `rev` (0 = now): etcd's `(hash, revision, compact revision)`.
    pub fn hash_kv(&self, rev: i64) -> Result<(u32, i64, i64), StoreError> {
        hash_kv::hash_by_rev(&self.kv, rev, self.revision, self.compact_revision)
    }

    /// 0 if never compacted.
    pub fn compact_revision(&self) -> i64 {
        self.compact_revision
    }

    /// Events with revision >= `start_rev` for keys in the range (`range_end` as in
    /// `RangeRequest`), in revision order, for a watch created with `--rev`. As etcd,
    /// watching from exactly the compact revision is allowed; from below it is
    /// `Compacted`. `start_rev <= 0` (watch from now) has no history.
    pub fn history(&self, key: &[u8], range_end: &[u8], start_rev: i64) -> Result<Vec<(Revision, Event)>, StoreError> {
        if start_rev <= 0 {
            return Ok(Vec::new());
        }
        if start_rev < self.compact_revision {
            return Err(StoreError::Compacted);
        }
        Ok(self.kv.history(key, range_end, start_rev, self.compact_revision))
    }

    /// Lease ids, ascending.
    pub fn leases(&self) -> Vec<i64> {
        self.leases.all().map(|l| l.id).collect()
    }

    /// `lease timetolive`: remaining whole seconds, truncated as etcd prints them (-1 once
    /// expired); attached keys sorted.
    pub fn lease_info(&self, id: i64, now_ms: u64) -> Option<LeaseInfo> {
        let lease = self.leases.get(id)?;
        Some(LeaseInfo {
            id,
            granted_ttl: lease.ttl,
            ttl: Lessor::remaining_secs(lease, now_ms),
            keys: self.lease_keys(id),
        })
    }

    /// Keep-alive (leader-local, not replicated, as in etcd 3.4): resets the deadline and
    /// returns the granted TTL. `LeaseNotFound` if absent or already expired.
    pub fn renew_lease(&mut self, id: i64, now_ms: u64) -> Result<i64, StoreError> {
        self.leases.renew(id, now_ms)
    }

    /// A new leader refreshes every lease: deadline = now + extend + ttl (lessor.Promote).
    pub fn promote_leases(&mut self, now_ms: u64, extend_ms: u64) {
        self.leases.promote(now_ms, extend_ms);
    }

    /// etcd's `lessor.Demote`: a member that is not (or no longer) the leader keeps no
    /// deadlines; its leases cannot expire until it is promoted.
    pub fn demote_leases(&mut self) {
        self.leases.demote();
    }

    pub fn leases_primary(&self) -> bool {
        self.leases.is_primary()
    }

    /// Ids whose deadline is <= now, ascending.
    pub fn expired_leases(&self, now_ms: u64) -> Vec<i64> {
        self.leases.expired(now_ms)
    }

    /// Alarms in force, sorted.
    pub fn alarms(&self) -> Vec<AlarmMember> {
        self.alarms.list()
    }

    pub fn quota_bytes(&self) -> u64 {
        self.quota_bytes
    }

    /// etcd's endpoint-side quota check before proposing (`backendQuota.Available`:
    /// `db_size + cost < quota`). Puts, txns and lease grants are checked — a txn costs
    /// its costlier branch's top-level puts, so even a read-only txn is refused once the
    /// file has reached the quota, as in etcd; everything else is always available.
    pub fn quota_available(&self, req: &Request) -> bool {
        quota::request_cost(req).is_none_or(|cost| self.size.available(cost, self.quota_bytes))
    }

    fn data_bytes(&self) -> u64 {
        let leases = (self.leases.len() as u64).saturating_mul(quota::LEASE_COST);
        self.kv.bytes().saturating_add(leases)
    }

    /// Like bbolt's file size: never shrinks except on defrag.
    pub fn db_size(&self) -> i64 {
        self.size.db_size()
    }

    /// Shrinks when compaction frees old revisions.
    pub fn db_size_in_use(&self) -> i64 {
        SizeModel::in_use(self.data_bytes())
    }

    /// Member-local: the file is rewritten to what is in use.
    pub fn defrag(&mut self) {
        self.size.defrag(self.data_bytes());
    }

    fn image(&self) -> snapshot::Image {
        snapshot::Image {
            revision: self.revision,
            compact_revision: self.compact_revision,
            keys: snapshot::to_wire(self.kv.parts()),
            leases: self.leases.all().cloned().collect(),
            alarms: self.alarms.list(),
            db_size: self.size.db_size(),
            quota_bytes: self.quota_bytes,
            min_lease_ttl_secs: self.min_lease_ttl_secs,
            membership: self.membership.clone(),
        }
    }

    /// Serialized, deterministic whole-store image: history since the compact revision,
    /// leases with their TTLs and deadlines, alarms, revisions, file size and settings.
    pub fn to_snapshot(&self) -> Vec<u8> {
        snapshot::encode(&self.image())
    }

    pub fn from_snapshot(bytes: &[u8]) -> Result<Store, SnapshotError> {
        let img = snapshot::decode(bytes)?;
        let mut store = Store {
            kv: Mvcc::from_parts(snapshot::from_wire(img.keys)),
            leases: Lessor::from_list(img.leases),
            alarms: Alarms::from_list(&img.alarms),
            revision: img.revision,
            compact_revision: img.compact_revision,
            size: SizeModel::fresh(),
            quota_bytes: img.quota_bytes,
            min_lease_ttl_secs: img.min_lease_ttl_secs,
            membership: img.membership,
        };
        store.size = SizeModel::restored(img.db_size, store.data_bytes());
        Ok(store)
    }

    /// Current live keys in key order.
    pub fn kvs(&self) -> Vec<KeyValue> {
        self.kv.live_kvs().map(|kv| kv.to_kv()).collect()
    }

    /// The first `max` live keys in key order, and how many live keys there are.
    pub fn kvs_limited(&self, max: usize) -> (Vec<KeyValue>, u64) {
        (self.kv.live_kvs().take(max).map(|kv| kv.to_kv()).collect(), self.kv.live_count())
    }

    /// FNV-1a 64 of the replicated state (like etcd's HashKV): equal on members that
    /// applied the same log, whatever their lease deadlines or defrags.
    pub fn hash(&self) -> u64 {
        let leases = self
            .leases
            .all()
            .map(|l| {
                let keys = self.kv.live_kvs().filter(|kv| kv.lease() == l.id).map(|kv| &kv.key[..]).collect();
                (l.id, l.ttl, keys)
            })
            .collect();
        snapshot::hash(&snapshot::HashView {
            revision: self.revision,
            compact_revision: self.compact_revision,
            keys: snapshot::WireKeys(self.kv.parts()),
            leases,
            alarms: self.alarms.list(),
        })
    }
}
