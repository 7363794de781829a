//! Safety under random faults: 200 seeded schedules of 2000 steps each, with Raft's
//! invariants checked after every step, then a liveness phase that heals everything and
//! requires every member to converge on the same store.

use raftlab::engine::invariants::Checker;
use raftlab::engine::{Action, ClientOp, Cluster, ClusterConfig, SimRng, TraceEvent};
use raftlab::store::PutRequest;

const SEEDS: u64 = 200;
const STEPS: u64 = 2000;

fn random_action(c: &Cluster, rng: &mut SimRng, req_id: &mut u64) -> Action {
    let ids = c.node_ids();
    let pick = |rng: &mut SimRng| ids[rng.below(ids.len() as u64) as usize];
    let roll = rng.below(1000);
    match roll {
        0..=9 => Action::Kill(pick(rng)),
        10..=24 => Action::Restart(pick(rng)),
        25..=29 => {
            let split = 1 + rng.below(ids.len() as u64 - 1) as usize;
            Action::Partition(vec![ids[..split].to_vec(), ids[split..].to_vec()])
        }
        30..=39 => Action::Heal,
        40..=44 => Action::Cut { from: pick(rng), to: pick(rng) },
        45..=47 => Action::Campaign(pick(rng)),
        48..=49 => Action::TransferLeader(pick(rng)),
        50..=52 => Action::LinkDropRate { from: pick(rng), to: pick(rng), ppm: rng.below(300_000) as u32 },
        53..=149 => {
            *req_id += 1;
            let key = format!("k{}", rng.below(8)).into_bytes();
            let value = format!("v{}", *req_id).into_bytes();
            Action::Client {
                req_id: *req_id,
                endpoint: pick(rng),
                op: ClientOp::Put(PutRequest { key: key.into(), value: value.into(), ..Default::default() }).into(),
                timeout_ms: None,
            }
        }
        150..=199 => Action::Advance(rng.below(300)),
        _ => Action::Step,
    }
}

#[test]
fn invariants_hold_under_random_faults_and_the_cluster_converges() {
    let mut total_steps = 0u64;
    let mut rejected = 0u64;
    let mut puts_ok = 0u64;
    let mut max_term = 0u64;
    let mut snapshots_sent = 0u64;
    for seed in 0..SEEDS {
        let nodes = 3 + (seed % 3);
        let cfg = ClusterConfig {
            nodes,
            seed,
            snapshot_count: 25,
            snapshot_catchup_entries: 5,
            pre_vote: seed % 2 == 0,
            check_quorum: seed % 4 < 2,
            record_raft_log: false,
            ..ClusterConfig::default()
        };
        let mut c = Cluster::new(cfg).unwrap();
        let mut rng = SimRng::new(seed ^ 0xfeed);
        let mut checker = Checker::new();
        let mut req_id = 0;
        for step in 0..STEPS {
            let action = random_action(&c, &mut rng, &mut req_id);
            if c.apply(action.clone()).is_err() {
                rejected += 1;
            }
            if let Err(v) = checker.check(&c) {
                panic!("seed {seed} step {step} after {action:?}: {v}");
            }
            total_steps += 1;
        }
        // Liveness: heal the network, restart everyone, and let it settle.
        c.apply(Action::Heal).unwrap();
        for id in c.node_ids() {
            let _ = c.apply(Action::Restart(id));
        }
        c.apply(Action::Advance(10_000)).unwrap();
        checker.check(&c).unwrap_or_else(|v| panic!("seed {seed} after healing: {v}"));
        puts_ok += c
            .trace()
            .records()
            .iter()
            .filter(|r| matches!(&r.event, TraceEvent::ClientReply(reply) if reply.result.is_ok()))
            .count() as u64;
        snapshots_sent +=
            c.trace().records().iter().filter(|r| matches!(&r.event, TraceEvent::SnapshotApplied { .. })).count()
                as u64;
        let leader = c.leader().unwrap_or_else(|| panic!("seed {seed}: no leader 10 s after healing"));
        let lv = c.node_view(leader).unwrap();
        max_term = max_term.max(lv.term);
        for id in c.node_ids() {
            let v = c.node_view(id).unwrap();
            if v.removed {
                continue;
            }
            assert_eq!(v.applied, lv.applied, "seed {seed}: n{id} applied {} vs leader {}", v.applied, lv.applied);
            assert_eq!(v.kvs, lv.kvs, "seed {seed}: n{id} store differs from leader n{leader}");
        }
    }
    assert_eq!(total_steps, SEEDS * STEPS);
    // The schedules must actually exercise the cluster: many committed writes, many
    // elections, and followers repaired by snapshots.
    println!("{total_steps} steps, {rejected} refused, {puts_ok} puts answered OK, max term {max_term}, {snapshots_sent} snapshots applied");
    assert!(puts_ok > SEEDS * 20, "only {puts_ok} puts succeeded");
    assert!(max_term > 10, "max term {max_term}: too few elections");
    assert!(snapshots_sent > SEEDS / 4, "only {snapshots_sent} snapshots were applied");
    // Faults are drawn blindly, so some are refused (killing a dead node); most are not.
    assert!(rejected < total_steps / 10, "{rejected} of {total_steps} actions were refused");
}
