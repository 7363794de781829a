//! Slow disks (`disk n1 200ms`): a member whose every WAL write takes that long.
//!
//! Contract: a Ready that writes entries or hard state on a slow disk blocks the member's
//! Ready loop until the write is done, as etcd's raft loop blocks in `fsync` (the WAL's
//! `Save`): no new Ready, and the clock ticks that come meanwhile are lost but one (Go's
//! ticker keeps one). Messages that need no persistence leave at once and committed
//! entries apply at once (etcd's apply goroutine runs beside the write); the messages that
//! promise the write (votes, append acks) leave when it is done. raft-rs allows stepping
//! between a Ready and its persistence only through its asynchronous API: the write goes in
//! with `advance_append_async` and is reported with `on_persist_ready`. A crash before then
//! undoes it on disk. A received snapshot is written at once.

use raft::eraftpb::Message;

use super::config::ClusterConfig;
use super::decoded::Decoded;
use super::node::{apply_entries, engine_line, ApplyCtx, Node, ReadyOutput};
use super::trace::{Trace, TraceEvent};
use crate::store::Events;

/// A WAL sync slower than this draws etcd's `slow fdatasync` warning.
const SLOW_FSYNC_MS: u64 = 1_000;

/// A Ready whose disk writes are under way on a slow disk. etcd's raft loop blocks in
/// `fsync` (the WAL's `Save`): it takes no new Ready and loses its ticks (Go's ticker keeps
/// one), while raft itself keeps stepping the messages that arrive. raft-rs allows that
/// only through its asynchronous Ready API, so the write is handed over at once
/// (`advance_append_async`) and reported durable when the delay is over
/// (`on_persist_ready`). A crash before then undoes the write.
pub struct Fsync {
    number: u64,
    persisted_messages: Vec<Message>,
    /// (first, last, last's term) of the entries written.
    appended: Option<(u64, u64, u64)>,
    hard_state: Option<raft::eraftpb::HardState>,
    undo: super::disk::Undo,
    pub started_ms: u64,
    pub done_at_ms: u64,
    /// A tick came while the loop waited; it fires once when the write is done.
    pub tick_owed: bool,
}

impl Fsync {
    /// A crash: the write never happened.
    pub(super) fn undo_on(self, disk: &super::disk::Disk) {
        disk.undo(self.undo);
    }
}

impl Node {
    /// Begins the slow write of `rd`; returns when it is done, or `None` when the member
    /// applied its own removal (it stops, and the Ready is finished at once).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start_fsync(
        &mut self,
        cfg: &ClusterConfig,
        now_ms: u64,
        events: Events,
        decoded: &mut Decoded,
        trace: &mut Trace,
        out: &mut ReadyOutput,
        mut rd: raft::Ready,
    ) -> Option<u64> {
        let id = self.id;
        let live = self.live.as_mut()?;
        // etcd hands the committed entries to its apply goroutine before it writes the
        // WAL, so they apply while the disk works (raft-rs offers only entries this
        // member has already made durable).
        let committed = rd.take_committed_entries();
        let mut cx = ApplyCtx { id, now_ms, events, decoded: &mut *decoded, trace, notes: &mut out.notes };
        if apply_entries(live, &self.disk, committed, &mut cx) {
            self.finish_ready(cfg, now_ms, events, decoded, trace, out, rd, true);
            return None;
        }
        let undo = self.disk.undo_point(rd.entries().first().map(|e| e.index));
        let appended = rd.entries().last().map(|l| (rd.entries()[0].index, l.index, l.term));
        self.disk.append(rd.entries());
        // raft-rs reads the hard state only when a member starts, so it goes to disk when
        // the write is done; the entries must be there now, for raft-rs reads them back.
        let hard_state = rd.hs().cloned();
        out.read_states.extend(rd.take_read_states());
        let persisted_messages = rd.take_persisted_messages();
        let number = rd.number();
        live.raw.advance_append_async(rd);
        live.raw.advance_apply();
        let done_at_ms = now_ms + self.disk_delay_ms;
        live.fsync = Some(Fsync {
            number,
            persisted_messages,
            appended,
            hard_state,
            undo,
            started_ms: now_ms,
            done_at_ms,
            tick_owed: false,
        });
        self.record_state(now_ms, trace);
        self.after_call(now_ms, trace);
        Some(done_at_ms)
    }

    /// The slow disk's write is done: what it promised may leave. Returns whether a tick
    /// came while it waited (the loop then ticks once, as Go's ticker kept one).
    pub fn finish_fsync(&mut self, cfg: &ClusterConfig, now_ms: u64, trace: &mut Trace, out: &mut ReadyOutput) -> bool {
        let id = self.id;
        let Some(live) = self.live.as_mut() else { return false };
        let Some(f) = live.fsync.take() else { return false };
        let took = now_ms.saturating_sub(f.started_ms);
        if took >= SLOW_FSYNC_MS {
            // etcd's WAL warns past a second (wal.go, warnSyncDuration).
            let text = format!("slow fdatasync took={took}ms expected-duration={SLOW_FSYNC_MS}ms");
            trace.push(now_ms, engine_line(id, "warn", text));
        }
        if let Some((first, last, term)) = f.appended {
            trace.push(now_ms, TraceEvent::EntriesPersisted { node: id, first, last, term });
        }
        if let Some(hs) = &f.hard_state {
            self.disk.set_hard_state(hs.clone());
            Self::record_durable(live, id, hs, now_ms, trace);
        }
        out.take_messages(f.persisted_messages);
        live.raw.on_persist_ready(f.number);
        self.record_state(now_ms, trace);
        self.maybe_snapshot(cfg, now_ms, trace);
        self.after_call(now_ms, trace);
        f.tick_owed
    }
}
