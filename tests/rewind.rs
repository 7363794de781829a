//! Going forward again after a rewind: `resume_to` continues a rewound cluster through the
//! run's later actions, cutting time where it is asked to, and must reach exactly what the
//! run itself did: the same events at the same times, the same trace hash, and in the end
//! the same action list. Runs come from the soak's schedules, so they hold every kind of
//! action.

use raftlab::engine::{resume_to, Cluster, Replayer, TraceEvent, TraceMode, TraceRecord};
use raftlab::fuzz::{config, schedule::Schedule};

fn run(seed: u64, steps: usize) -> Cluster {
    let mut c = Cluster::with_mode(config(seed, 5), TraceMode::Full).unwrap();
    let mut s = Schedule::new(seed);
    for _ in 0..steps {
        let a = s.next(&c);
        let _ = c.apply(a);
    }
    c
}

/// Everything the cluster did, without the actions that made it happen.
fn events(c: &Cluster) -> Vec<TraceRecord> {
    assert_eq!(c.trace().offset(), 0, "the comparison needs the whole trace");
    c.trace().records().iter().filter(|r| !matches!(r.event, TraceEvent::Action(_))).cloned().collect()
}

fn digests(c: &Cluster) -> Vec<Option<u64>> {
    c.node_ids().into_iter().map(|id| c.store_digest(id)).collect()
}

#[test]
fn resuming_a_rewind_reaches_the_runs_own_states() {
    for seed in 0..12 {
        let original = run(seed, 400);
        let log = original.actions().to_vec();
        let end = original.now_ms();
        // From five rewind points, on to the end in uneven hops (each hop cuts time again).
        for k in 1..=5u64 {
            let from = end * k / 6 + seed * 7;
            let replay = Replayer::new(original.config().clone(), TraceMode::Full).unwrap();
            let (mut c, mut cursor) = replay.finish_with_cursor(log.iter().map(|(_, a)| a), from).unwrap();
            let mut t = from;
            while t < end {
                t = (t + 37 + t % 211).min(end);
                cursor = resume_to(&mut c, cursor, &log, end, t).unwrap();
                // A recorded `Step` is never cut: it may carry the clock past `t`, to the
                // event it processed, as it did in the run.
                assert!(c.now_ms() >= t, "seed {seed}: a hop from {from} stopped at {} before {t}", c.now_ms());
                t = c.now_ms();
            }
            // A step may have carried the clock to the end early; the end takes the rest.
            cursor = resume_to(&mut c, cursor, &log, end, end).unwrap();
            let (got, want) = (events(&c), events(&original));
            if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
                panic!(
                    "seed {seed}: resumed from {from} ms, record {i} differs:\n  got  {:?}\n  want {:?}",
                    got.get(i),
                    want.get(i)
                );
            }
            assert_eq!(digests(&c), digests(&original), "seed {seed}: stores resumed from {from} ms");
            assert_eq!(c.trace_hash(), original.trace_hash(), "seed {seed}: hash resumed from {from} ms");
            assert_eq!(c.trace().len(), original.trace().len(), "seed {seed}: records resumed from {from} ms");
            assert!(c.actions() == original.actions(), "seed {seed}: the action list resumed from {from} ms");
            assert_eq!(cursor.next, log.len(), "seed {seed}: every action was taken");
        }
    }
}
