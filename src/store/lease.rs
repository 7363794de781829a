//! Leases, as etcd 3.4's lessor keeps them.
//!
//! Contract: a lease is an id, its granted TTL (already raised to the minimum) and an
//! expiry deadline on the logical millisecond clock. Grant and revoke are replicated
//! (they are requests); expiry is bookkeeping that only the leader acts on, and
//! keep-alive/promotion change it member-locally, as in etcd 3.4 (no checkpoints). So the
//! deadline is part of a snapshot but not of the replicated-state hash. Only the primary
//! lessor (the leader's, once promoted) keeps real deadlines; every other member holds its
//! leases "forever", as etcd's lessor does outside the primary. Which keys a lease
//! holds is not stored here: it is read off the live keys' `lease` field, which is what
//! etcd's lessor rebuilds on recovery and cannot drift from the key index.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::StoreError;

/// etcd's `MaxLeaseTTL`.
pub(crate) const MAX_LEASE_TTL: i64 = 9_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Lease {
    pub id: i64,
    pub ttl: i64,
    pub expiry_ms: u64,
}

fn deadline(now_ms: u64, extra_ms: u64, ttl: i64) -> u64 {
    let ttl_ms = (ttl.max(0) as u64).saturating_mul(1000);
    now_ms.saturating_add(extra_ms).saturating_add(ttl_ms)
}

/// etcd's `forever`: the deadline of a lease on a lessor that is not primary.
pub(crate) const FOREVER: u64 = u64::MAX;

#[derive(Clone, Debug, Default)]
pub(crate) struct Lessor {
    leases: BTreeMap<i64, Lease>,
    /// The leader's lessor after `promote`; it alone keeps deadlines and expires leases.
    primary: bool,
}

impl Lessor {
    /// Leases read back from a backend: not primary, every lease held forever, as etcd's
    /// lessor recovers them.
    pub fn from_list(list: Vec<Lease>) -> Lessor {
        let mut lessor = Lessor { leases: list.into_iter().map(|l| (l.id, l)).collect(), primary: false };
        lessor.demote();
        lessor
    }

    pub fn is_primary(&self) -> bool {
        self.primary
    }

    pub fn all(&self) -> impl Iterator<Item = &Lease> {
        self.leases.values()
    }

    pub fn len(&self) -> usize {
        self.leases.len()
    }

    pub fn get(&self, id: i64) -> Option<&Lease> {
        self.leases.get(&id)
    }

    pub fn contains(&self, id: i64) -> bool {
        self.leases.contains_key(&id)
    }

    /// etcd's `lessor.Grant`, in its order of checks. Returns the effective TTL.
    pub fn grant(&mut self, id: i64, ttl: i64, min_ttl: i64, now_ms: u64) -> Result<i64, StoreError> {
        if id == 0 {
            // NoLease is not a lease id; etcd's lessor answers "not found".
            return Err(StoreError::LeaseNotFound);
        }
        if ttl > MAX_LEASE_TTL {
            return Err(StoreError::LeaseTtlTooLarge);
        }
        if self.leases.contains_key(&id) {
            return Err(StoreError::LeaseExist);
        }
        let ttl = ttl.max(min_ttl);
        let expiry_ms = if self.primary { deadline(now_ms, 0, ttl) } else { FOREVER };
        self.leases.insert(id, Lease { id, ttl, expiry_ms });
        Ok(ttl)
    }

    pub fn remove(&mut self, id: i64) -> Option<Lease> {
        self.leases.remove(&id)
    }

    /// Keep-alive on the leader. An expired lease is as good as revoked: etcd's `Renew`
    /// waits for the pending revoke and then answers "not found".
    pub fn renew(&mut self, id: i64, now_ms: u64) -> Result<i64, StoreError> {
        let lease = self.leases.get_mut(&id).ok_or(StoreError::LeaseNotFound)?;
        if lease.expiry_ms <= now_ms {
            return Err(StoreError::LeaseNotFound);
        }
        // A lessor that is not primary yet holds the lease forever; etcd makes the renewal
        // wait for the promotion, which gives the lease a full TTL anyway.
        if self.primary {
            lease.expiry_ms = deadline(now_ms, 0, lease.ttl);
        }
        Ok(lease.ttl)
    }

    /// A new leader gives every lease a fresh full TTL plus the election slack.
    pub fn promote(&mut self, now_ms: u64, extend_ms: u64) {
        self.primary = true;
        for lease in self.leases.values_mut() {
            lease.expiry_ms = deadline(now_ms, extend_ms, lease.ttl);
        }
    }

    /// A leader that steps down (or a member that restarts) holds every lease forever.
    pub fn demote(&mut self) {
        self.primary = false;
        for lease in self.leases.values_mut() {
            lease.expiry_ms = FOREVER;
        }
    }

    pub fn expired(&self, now_ms: u64) -> Vec<i64> {
        self.leases.values().filter(|l| l.expiry_ms <= now_ms).map(|l| l.id).collect()
    }

    /// Seconds left as `lease timetolive` prints them: etcd converts the remaining
    /// duration with `int64(d.Seconds())`, truncating (a fresh 100 s lease shows 99 s once
    /// a few ms have passed). -1 once the deadline has passed.
    /// A lease held forever shows `time.Duration(math.MaxInt64)` in seconds, as etcd does.
    pub fn remaining_secs(lease: &Lease, now_ms: u64) -> i64 {
        if lease.expiry_ms == FOREVER {
            return i64::MAX / 1_000_000_000;
        }
        match lease.expiry_ms.checked_sub(now_ms) {
            Some(ms) if ms > 0 => i64::try_from(ms / 1000).unwrap_or(i64::MAX),
            _ => -1,
        }
    }
}
