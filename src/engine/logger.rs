//! raft-rs's own voice: an slog drain that captures each node's log lines for the trace,
//! and notices when raft-rs re-draws its election timeout.
//!
//! Contract: `RaftLog::logger()` gives a `slog::Logger` for one node. After every call
//! into that node's `RawNode`, the engine calls `take_reset()` — true if raft-rs logged
//! "reset election timeout", meaning it drew a fresh timeout from `thread_rng` that the
//! engine must now overwrite from the seeded stream — and `drain_lines()` for the trace.
//! Both are lock-free when nothing was logged, which is almost every call: slog wants a
//! `Sync` drain, but the settings never change and the flags are atomics.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use slog::{Drain, Key, OwnedKVList, Record, Serializer, KV};

/// One line raft-rs logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLogLine {
    pub level: String,
    pub text: String,
}

#[derive(Default)]
struct Sink {
    lines: Mutex<Vec<RaftLogLine>>,
    /// Set with every line pushed, so a reader need not lock to find none.
    has_lines: AtomicBool,
    reset_seen: AtomicBool,
}

/// The per-node handle on captured lines. Cheap to clone; shared with the drain.
#[derive(Clone)]
pub struct RaftLog {
    sink: Arc<Sink>,
    record: bool,
    record_debug: bool,
}

struct CaptureDrain {
    sink: Arc<Sink>,
    record: bool,
    record_debug: bool,
}

const RESET_PREFIX: &str = "reset election timeout";
/// Where raft-rs 0.7.0 logs it (`Raft::reset_randomized_election_timeout`).
const RESET_LINE: u32 = 2811;
/// Placeholder for the reset line until the engine knows the seeded timeout.
pub const RESET_MARKER: &str = "\u{0}reset";
/// Sent messages are already in the trace, with every field; this line would only repeat them.
const SENDING_PREFIX: &str = "Sending from";

impl RaftLog {
    /// `record`: keep info-and-above lines; `record_debug`: keep debug lines too.
    pub fn new(record: bool, record_debug: bool) -> Self {
        RaftLog { sink: Arc::new(Sink::default()), record, record_debug: record && record_debug }
    }

    pub fn logger(&self) -> slog::Logger {
        let drain = CaptureDrain { sink: self.sink.clone(), record: self.record, record_debug: self.record_debug };
        slog::Logger::root(drain.fuse(), slog::o!())
    }

    /// True once per election-timeout reset that raft-rs performed since the last call.
    pub fn take_reset(&self) -> bool {
        self.sink.reset_seen.swap(false, Relaxed)
    }

    pub fn drain_lines(&self) -> Vec<RaftLogLine> {
        if !self.sink.has_lines.swap(false, Relaxed) {
            return Vec::new();
        }
        std::mem::take(&mut *lock(&self.sink.lines))
    }
}

impl Sink {
    fn push(&self, line: RaftLogLine) {
        lock(&self.lines).push(line);
        self.has_lines.store(true, Relaxed);
    }
}

fn lock(m: &Mutex<Vec<RaftLogLine>>) -> std::sync::MutexGuard<'_, Vec<RaftLogLine>> {
    // A poisoned lock only means a panic elsewhere already happened; the lines are still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drain for CaptureDrain {
    type Ok = ();
    type Err = slog::Never;

    fn log(&self, record: &Record<'_>, values: &OwnedKVList) -> Result<(), slog::Never> {
        let is_debug = record.level() == slog::Level::Debug;
        // Formatting every debug line would cost more than raft-rs itself; only the reset
        // line matters among them, and its source line identifies it (raft is pinned to
        // =0.7.0; the determinism tests fail loudly if a new version moves it).
        if is_debug && !(record.module() == "raft::raft" && record.line() == RESET_LINE) && !self.record_debug {
            return Ok(());
        }
        if !self.record && !is_debug {
            return Ok(());
        }
        let mut text = String::new();
        let _ = write!(text, "{}", record.msg());
        if is_debug && text.starts_with(RESET_PREFIX) {
            self.sink.reset_seen.store(true, Relaxed);
            // The line carries raft-rs's thread_rng draw, which the engine overwrites; keep
            // its place and let the engine write the seeded value in.
            if self.record {
                self.sink.push(RaftLogLine { level: "debug".into(), text: RESET_MARKER.into() });
            }
            return Ok(());
        }
        if !self.record || text.starts_with(SENDING_PREFIX) {
            return Ok(());
        }
        let mut kv = KvText(String::new());
        let _ = record.kv().serialize(record, &mut kv);
        let _ = values.serialize(record, &mut kv);
        text.push_str(&kv.0);
        let text = sort_id_sets(&text);
        self.sink.push(RaftLogLine { level: record.level().as_short_str().to_ascii_lowercase(), text });
        Ok(())
    }
}

/// raft-rs prints its progress sets (`voters: {5, 2, 4, 1, 3}`, `to: [5, 1, 2, 4]`) in FxHash order, which
/// depends on the host's word size; sorting every `{…}` of plain numbers makes a line read
/// the same natively and in wasm32 (and easier to read).
pub fn sort_id_sets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['{', '[']) {
        let closer = if rest.as_bytes()[open] == b'{' { '}' } else { ']' };
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let Some(close) = rest.find(closer) else { break };
        let inner = &rest[..close];
        let numbers: Option<Vec<u64>> =
            inner.split(',').map(|p| p.trim()).filter(|p| !p.is_empty()).map(|p| p.parse().ok()).collect();
        if let Some(mut ids) = numbers.filter(|_| !inner.trim().is_empty()) {
            ids.sort_unstable();
            out.push_str(&ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
            out.push(closer);
            rest = &rest[close + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Renders key-value pairs as `, key: value` after the message, the way slog-term does.
struct KvText(String);

impl Serializer for KvText {
    fn emit_arguments(&mut self, key: Key, val: &std::fmt::Arguments<'_>) -> slog::Result {
        let _ = write!(self.0, ", {key}: {val}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::sort_id_sets;

    #[test]
    fn id_sets_are_sorted_and_other_braces_kept() {
        assert_eq!(
            sort_id_sets("config: Configuration { voters: {5, 2, 4, 1, 3} }, learners: {}, x: {a, 1}"),
            "config: Configuration { voters: {1, 2, 3, 4, 5} }, learners: {}, x: {a, 1}"
        );
        assert_eq!(sort_id_sets("to: [5, 1, 2, 4], term: 2 [x]"), "to: [1, 2, 4, 5], term: 2 [x]");
    }
}
