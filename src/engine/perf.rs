//! `etcdctl check perf`: etcdctl 3.4's write load, driven against the simulated cluster.
//!
//! Contract: the profile is etcdctl's (`--load s`: 150 writes/s from 50 clients for 60 s).
//! A rate limiter with a burst of one hands out a token every 1/rate s; each token puts one
//! request (key: the prefix then 256 bytes holding a random varint, value: 1024 zero bytes)
//! into a queue as deep as there are clients, and a producer that finds the queue full
//! waits. Each client keeps one put in flight. The report is etcdctl's figures over the
//! simulated clock: writes per second over the whole run, the slowest request and the
//! standard deviation of the latencies, plus every error. Before the load it checks that the
//! prefix is empty; after it, it deletes the prefix (then compacts and defragments if
//! asked). Every put is an ordinary traced call; the keys come from a seeded stream, so a
//! run replays exactly.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::store::{prefix_range_end, DeleteRangeRequest, PutRequest, RangeRequest};

use super::client::{ClientOp, ClientReply, ClientResult, PerfOp, PerfReport};
use super::cluster::Cluster;
use super::rng::{SimRng, Stream};
use super::NodeId;

/// etcdctl's key and value sizes.
const KEY_BYTES: usize = 256;
const VALUE_BYTES: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The `get --prefix --limit 1` that must find nothing.
    Check,
    Load,
    Cleanup,
    Compact,
    Defrag,
}

pub(crate) struct PerfRun {
    endpoint: NodeId,
    op: PerfOp,
    phase: Phase,
    /// The internal call the run waits on outside the load.
    waiting: Option<u64>,
    start_us: u64,
    end_us: u64,
    interval_us: u64,
    /// When the next token comes; `None` once the producer is blocked or done.
    next_token_us: Option<u64>,
    producer_done: bool,
    /// A request that got its token but found the queue full.
    blocked: bool,
    queued: u32,
    idle: u32,
    in_flight: BTreeMap<u64, u64>,
    latencies_us: Vec<u64>,
    errors: BTreeMap<String, u64>,
    last_end_us: u64,
    key: Vec<u8>,
    rng: SimRng,
    delete_revision: i64,
}

/// Every `check perf` running, by the request id of the call that started it.
#[derive(Default)]
pub(crate) struct PerfRuns {
    pub(super) runs: BTreeMap<u64, PerfRun>,
}

impl PerfRuns {
    /// When the next producer token is due, in ms (rounded up to the clock's grain).
    pub fn next_due_ms(&self) -> Option<u64> {
        if self.runs.is_empty() {
            return None;
        }
        self.runs.values().filter_map(|r| r.next_token_us).min().map(|us| us.div_ceil(1000))
    }
}

impl Cluster {
    pub(crate) fn start_perf(&mut self, req_id: u64, endpoint: NodeId, op: &PerfOp) {
        let mut key = op.prefix.clone();
        key.resize(op.prefix.len() + KEY_BYTES, 0);
        let run = PerfRun {
            endpoint,
            op: op.clone(),
            phase: Phase::Check,
            waiting: None,
            start_us: 0,
            end_us: 0,
            interval_us: 1_000_000 / u64::from(op.rate.max(1)),
            next_token_us: None,
            producer_done: false,
            blocked: false,
            queued: 0,
            idle: op.clients.max(1),
            in_flight: BTreeMap::new(),
            latencies_us: Vec::new(),
            errors: BTreeMap::new(),
            last_end_us: 0,
            key,
            rng: SimRng::derive(self.cfg.seed ^ req_id, Stream::Perf, req_id),
            delete_revision: 0,
        };
        self.perf.runs.insert(req_id, run);
        let check = RangeRequest {
            key: op.prefix.clone(),
            range_end: prefix_range_end(&op.prefix),
            limit: 1,
            ..RangeRequest::default()
        };
        self.perf_call(req_id, ClientOp::Range(check), Some(5_000));
    }

    fn perf_call(&mut self, run_id: u64, op: ClientOp, timeout_ms: Option<u64>) {
        let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
        let endpoint = run.endpoint;
        let req_id = self.recipes.new_req_id();
        run.waiting = Some(req_id);
        self.submit(req_id, endpoint, Rc::new(op), timeout_ms);
    }

    fn perf_fail(&mut self, run_id: u64, result: Result<ClientResult, super::client::ClientError>) {
        let Some(run) = self.perf.runs.remove(&run_id) else { return };
        self.finish(run_id, run.endpoint, result);
    }

    /// A reply to one of the runs' calls.
    pub(crate) fn perf_reply(&mut self, reply: &ClientReply) {
        let now_us = self.now_ms * 1000;
        let Some((&run_id, _)) = self
            .perf
            .runs
            .iter()
            .find(|(_, r)| r.waiting == Some(reply.req_id) || r.in_flight.contains_key(&reply.req_id))
        else {
            return;
        };
        let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
        if let Some(sent_us) = run.in_flight.remove(&reply.req_id) {
            run.latencies_us.push(now_us - sent_us);
            run.last_end_us = now_us;
            if let Err(e) = &reply.result {
                *run.errors.entry(e.to_string()).or_default() += 1;
            }
            run.idle += 1;
            return self.perf_pump(run_id);
        }
        run.waiting = None;
        let phase = run.phase;
        match (phase, &reply.result) {
            (_, Err(e)) if phase != Phase::Load => self.perf_fail(run_id, Err(e.clone())),
            (Phase::Check, Ok(ClientResult::Range(r))) => {
                if !r.kvs.is_empty() {
                    return self.perf_fail(run_id, Ok(ClientResult::PerfPrefixInUse));
                }
                run.phase = Phase::Load;
                run.start_us = now_us;
                run.end_us = now_us + run.op.duration_ms * 1000;
                run.next_token_us = Some(now_us);
                self.perf_tick(run_id);
            }
            (Phase::Cleanup, Ok(_)) => {
                run.delete_revision = reply.header.revision;
                if run.op.auto_compact {
                    run.phase = Phase::Compact;
                    let revision = reply.header.revision;
                    return self.perf_call(run_id, ClientOp::Compact { revision, physical: true }, None);
                }
                self.perf_after_compact(run_id);
            }
            (Phase::Compact, Ok(_)) => self.perf_after_compact(run_id),
            (Phase::Defrag, Ok(_)) => self.perf_report(run_id),
            _ => {}
        }
    }

    fn perf_after_compact(&mut self, run_id: u64) {
        let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
        if run.op.auto_defrag {
            run.phase = Phase::Defrag;
            return self.perf_call(run_id, ClientOp::Defrag, None);
        }
        self.perf_report(run_id);
    }

    fn perf_report(&mut self, run_id: u64) {
        let Some(run) = self.perf.runs.remove(&run_id) else { return };
        let n = run.latencies_us.len() as u64;
        let mean = run.latencies_us.iter().sum::<u64>().checked_div(n).unwrap_or(0) as f64;
        let var = if n == 0 {
            0.0
        } else {
            run.latencies_us.iter().map(|&l| (l as f64 - mean).powi(2)).sum::<f64>() / n as f64
        };
        let report = PerfReport {
            writes: n,
            errors: run.errors.into_iter().collect(),
            total_us: run.last_end_us.saturating_sub(run.start_us),
            slowest_us: run.latencies_us.iter().copied().max().unwrap_or(0),
            stddev_us: var.sqrt() as u64,
        };
        let _ = run.delete_revision;
        self.finish(run_id, run.endpoint, Ok(ClientResult::Perf(report)));
    }

    /// Runs every token due by now, for every run.
    pub(crate) fn perf_due(&mut self) {
        let now_us = self.now_ms * 1000;
        let due: Vec<u64> = self
            .perf
            .runs
            .iter()
            .filter(|(_, r)| r.next_token_us.is_some_and(|t| t <= now_us))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.perf_tick(id);
        }
    }

    fn perf_tick(&mut self, run_id: u64) {
        let now_us = self.now_ms * 1000;
        let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
        while let Some(t) = run.next_token_us.filter(|t| *t <= now_us) {
            if run.queued >= run.op.clients.max(1) {
                run.blocked = true;
                run.next_token_us = None;
                break;
            }
            run.queued += 1;
            let next = t + run.interval_us;
            if next >= run.end_us {
                run.next_token_us = None;
                run.producer_done = true;
            } else {
                run.next_token_us = Some(next);
            }
        }
        self.perf_pump(run_id);
    }

    /// Idle clients take queued requests; a blocked producer gets its place back.
    fn perf_pump(&mut self, run_id: u64) {
        let now_us = self.now_ms * 1000;
        loop {
            let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
            if run.blocked && run.queued < run.op.clients.max(1) {
                run.blocked = false;
                run.queued += 1;
                // The limiter's one token of burst was saved up while the producer waited.
                let next = now_us + run.interval_us;
                if next >= run.end_us {
                    run.producer_done = true;
                } else {
                    run.next_token_us = Some(next);
                }
            }
            if run.idle == 0 || run.queued == 0 {
                break;
            }
            run.idle -= 1;
            run.queued -= 1;
            let r = run.rng.next_u64() >> 1;
            let p = run.op.prefix.len();
            put_varint(&mut run.key[p..], r as i64);
            let op = ClientOp::Put(PutRequest {
                key: run.key.clone().into(),
                value: vec![0u8; VALUE_BYTES].into(),
                ..Default::default()
            });
            let req_id = self.recipes.new_req_id();
            let endpoint = run.endpoint;
            run.in_flight.insert(req_id, now_us);
            self.submit(req_id, endpoint, Rc::new(op), None);
        }
        let Some(run) = self.perf.runs.get_mut(&run_id) else { return };
        let drained = run.producer_done && !run.blocked && run.queued == 0 && run.in_flight.is_empty();
        if run.phase == Phase::Load && drained {
            run.phase = Phase::Cleanup;
            let prefix = run.op.prefix.clone();
            let del = DeleteRangeRequest { range_end: prefix_range_end(&prefix), key: prefix, prev_kv: false };
            self.perf_call(run_id, ClientOp::DeleteRange(del), Some(30_000));
        }
    }
}

/// Go's `binary.PutVarint` (zig-zag), over the start of `buf`; the bytes after it keep what
/// an earlier, longer number left there, as etcdctl reuses one buffer.
fn put_varint(buf: &mut [u8], x: i64) {
    let mut ux = (x as u64) << 1;
    if x < 0 {
        ux = !ux;
    }
    let mut i = 0;
    while ux >= 0x80 && i < buf.len() {
        buf[i] = (ux as u8) | 0x80;
        ux >>= 7;
        i += 1;
    }
    if i < buf.len() {
        buf[i] = ux as u8;
    }
}
