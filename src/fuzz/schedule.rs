//! Random schedules: the next action, drawn from a seeded stream and the cluster as it is.
//!
//! Contract: `next` never panics and draws only from `SimRng` (u64 draws), so a seed gives
//! the same schedule natively and in wasm. Actions may be refused by the engine (killing a
//! dead node); a refused action changes nothing. The mix covers every fault and client call
//! the soak must exercise: crashes and restarts, partitions, one-way cuts, heal, message
//! drop, delay and duplication, slow disks, forced campaigns, leader transfer, membership
//! changes, and client puts, gets, deletes, txns, leases, watches and compaction; and
//! etcdctl's own recipes and admin calls: lock, elect (and observe), their cancellation,
//! move-leader, hashkv and member update; and kube-apiserver's periodic compactor. It is the
//! only random schedule: `raftlab fuzz`, `fuzz::run_seed` and `tests/soak.rs` all draw here.

use crate::engine::{Action, ClientOp, Cluster, RecipeKind, RecipeOp, SimRng};
use crate::store::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest,
};

/// Keys are few so that operations collide.
const KEYS: u64 = 6;

pub struct Schedule {
    rng: SimRng,
    next_req: u64,
}

impl Schedule {
    pub fn new(seed: u64) -> Schedule {
        Schedule { rng: SimRng::new(seed ^ 0x5eed_f022), next_req: 1 }
    }

    fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    fn key(&mut self) -> Vec<u8> {
        format!("k{}", self.rng.below(KEYS)).into_bytes()
    }

    fn client(&mut self, endpoint: u64, op: ClientOp) -> Action {
        Action::Client { req_id: self.req(), endpoint, op: op.into(), timeout_ms: None }
    }

    pub fn next(&mut self, c: &Cluster) -> Action {
        let ids = c.node_ids();
        let r = &mut self.rng;
        let pick = |r: &mut SimRng| ids[r.below(ids.len() as u64) as usize];
        let member_id = |id: u64| c.node_view_limited(id, 0).map_or(0, |v| v.member_id);
        let roll = r.below(1000);
        match roll {
            0..=9 => Action::Kill(pick(r)),
            10..=24 => Action::Restart(pick(r)),
            25..=29 => {
                let split = 1 + r.below(ids.len().max(2) as u64 - 1) as usize;
                let split = split.min(ids.len());
                Action::Partition(vec![ids[..split].to_vec(), ids[split..].to_vec()])
            }
            30..=39 => Action::Heal,
            40..=44 => Action::Cut { from: pick(r), to: pick(r) },
            45..=47 => Action::Restore { from: pick(r), to: pick(r) },
            48 => Action::TransferLeader(pick(r)),
            // A forced election at any moment, even on a leader or a dead node. One draw, as
            // the transfer it shares the range with, so every other roll stays where it was.
            49 => Action::Campaign(pick(r)),
            50..=52 => Action::LinkDropRate { from: pick(r), to: pick(r), ppm: r.below(300_000) as u32 },
            53..=54 => Action::LinkDuplicateRate { from: pick(r), to: pick(r), ppm: r.below(200_000) as u32 },
            55..=57 => Action::LinkDelay { from: pick(r), to: pick(r), extra_ms: r.below(200) },
            58 => {
                let learner = r.below(2) == 0;
                let ep = pick(r);
                self.client(ep, ClientOp::MemberAdd { name: String::new(), learner })
            }
            59 => {
                let (ep, target) = (pick(r), pick(r));
                self.client(ep, ClientOp::MemberPromote { member_id: member_id(target) })
            }
            60 => {
                let (ep, target) = (pick(r), pick(r));
                self.client(ep, ClientOp::MemberRemove { member_id: member_id(target) })
            }
            61..=63 => {
                // A slow disk, at times slower than the election timeout; as often fast again.
                let node = pick(r);
                let delay_ms = if r.below(2) == 0 { 0 } else { 1 + r.below(1_500) };
                Action::DiskDelay { node, delay_ms }
            }
            64 => {
                // kube-apiserver's compactor: a short interval so that rounds happen.
                let endpoint = pick(r);
                let interval_ms = if r.below(3) == 0 { 0 } else { 1_000 + r.below(10_000) };
                Action::KubeCompactor { endpoint, interval_ms }
            }
            65..=130 => {
                let ep = pick(r);
                let key = self.key();
                let value = format!("v{}", self.next_req).into_bytes();
                self.client(
                    ep,
                    ClientOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() }),
                )
            }
            131..=175 => {
                let ep = pick(r);
                let serializable = self.rng.below(4) == 0;
                let key = self.key();
                self.client(ep, ClientOp::Range(RangeRequest { key, serializable, ..Default::default() }))
            }
            176..=185 => {
                let ep = pick(r);
                let key = self.key();
                self.client(ep, ClientOp::DeleteRange(DeleteRangeRequest { key, ..Default::default() }))
            }
            186..=195 => {
                let ep = pick(r);
                let key = self.key();
                let absent = self.rng.below(2) == 0;
                let target = if absent { CompareTarget::Version(0) } else { CompareTarget::Value(b"v1".to_vec()) };
                let compare =
                    vec![Compare { result: CompareResult::Equal, target, key: key.clone(), range_end: Vec::new() }];
                let value = format!("t{}", self.next_req).into_bytes();
                let success =
                    vec![RequestOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() })];
                self.client(ep, ClientOp::Txn(TxnRequest { compare, success, failure: Vec::new() }))
            }
            196..=199 => {
                let ep = pick(r);
                let ttl_secs = 2 + self.rng.below(4) as i64;
                self.client(ep, ClientOp::LeaseGrant { ttl_secs })
            }
            200..=203 => {
                // A put on the newest lease this endpoint knows of, so that expiry has keys
                // to delete.
                let ep = pick(r);
                let lease = c.lease_infos(ep).last().map_or(0, |l| l.0);
                // Keys of their own: a lease's expiry deletes them behind the clients' backs,
                // which the linearizability model (puts, gets, deletes, txns) does not know.
                let key = format!("leased{}", self.rng.below(KEYS)).into_bytes();
                self.client(
                    ep,
                    ClientOp::Put(PutRequest { key: key.into(), value: b"leased".into(), lease, ..Default::default() }),
                )
            }
            204 => {
                let ep = pick(r);
                let id = c.lease_infos(ep).first().map_or(1, |l| l.0);
                self.client(ep, ClientOp::LeaseRevoke { id })
            }
            205..=207 => {
                let ep = pick(r);
                let key = self.key();
                let watch = ClientOp::Watch { key, range_end: Vec::new(), start_revision: 0, prev_kv: false };
                self.client(ep, watch)
            }
            208 => {
                let ep = pick(r);
                let revision = c.node_view_limited(ep, 0).map_or(1, |v| (v.revision / 2).max(1));
                self.client(ep, ClientOp::Compact { revision, physical: false })
            }
            209..=259 => Action::Advance(self.rng.below(300)),
            260..=263 => {
                let ep = pick(r);
                let name = format!("lock{}", r.below(2)).into_bytes();
                let ttl_secs = 1 + r.below(10) as i64;
                self.client(ep, ClientOp::Recipe(RecipeOp { kind: RecipeKind::Lock, name, ttl_secs }))
            }
            264..=265 => {
                let ep = pick(r);
                let kind = match r.below(3) {
                    0 => RecipeKind::Observe,
                    v => RecipeKind::Campaign(format!("p{v}").into_bytes()),
                };
                self.client(ep, ClientOp::Recipe(RecipeOp { kind, name: b"el".to_vec(), ttl_secs: 60 }))
            }
            266..=268 => {
                let running = c.recipe_ids();
                let ep = pick(r);
                match running.get(r.below(running.len().max(1) as u64) as usize) {
                    Some(&watch_id) => self.client(ep, ClientOp::WatchCancel { watch_id }),
                    None => Action::Step,
                }
            }
            269 => {
                let ep = pick(r);
                let target = pick(r);
                self.client(ep, ClientOp::MoveLeader { target_member_id: member_id(target) })
            }
            270 => {
                let ep = pick(r);
                let revision = r.below(3) as i64 - 1;
                self.client(ep, ClientOp::HashKv { revision })
            }
            271 => {
                let (ep, target) = (pick(r), pick(r));
                let peer_urls = vec![format!("http://n{target}:2380")];
                self.client(ep, ClientOp::MemberUpdate { member_id: member_id(target), peer_urls })
            }
            _ => Action::Step,
        }
    }
}
