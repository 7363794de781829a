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
        // A load, and a store only when set: `swap` is a locked instruction on every raft
        // call, and the flag is almost never set. Only the engine's own thread logs into
        // the sink and reads it, so nothing can set the flag between the two.
        let seen = self.sink.reset_seen.load(Relaxed);
        if seen {
            self.sink.reset_seen.store(false, Relaxed);
        }
        seen
    }

    pub fn drain_lines(&self) -> Vec<RaftLogLine> {
        if !self.sink.has_lines.load(Relaxed) {
            return Vec::new();
        }
        self.sink.has_lines.store(false, Relaxed);
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
        // raft-rs prints a refused conf change and a snapshot's conf state with `{:?}`; with
        // raft-proto's prost codec that is a Rust struct, and the trace keeps the text the
        // protobuf codec printed, so traces (and their hashes) do not depend on the codec.
        if key == "conf change" || key == "conf_state" {
            let debug = val.to_string();
            if let Some(text) = protobuf_text(&debug) {
                let _ = write!(self.0, ", {key}: {text}");
                return Ok(());
            }
        }
        let _ = write!(self.0, ", {key}: {val}");
        Ok(())
    }
}

/// A value in the shape prost's derived `Debug` prints a raft-proto message.
enum DebugValue<'a> {
    Word(&'a str),
    List(Vec<DebugValue<'a>>),
    Struct(Vec<(&'a str, DebugValue<'a>)>),
}

/// rust-protobuf 2's text format (its `Debug`) of a message that prost's `Debug` printed as
/// `debug`: fields at their default (0, false, the enum's first value, empty) are left
/// out, repeated fields repeat their name, and `context`/`data` are quoted bytes. `None`
/// when `debug` is not such a struct (the protobuf codec already printed text format).
fn protobuf_text(debug: &str) -> Option<String> {
    fn tokens(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = s.trim_start();
        while !rest.is_empty() {
            let n = match rest.find(|c: char| "{}[]:,".contains(c) || c.is_whitespace()) {
                Some(0) => 1,
                Some(n) => n,
                None => rest.len(),
            };
            out.push(&rest[..n]);
            rest = rest[n..].trim_start();
        }
        out
    }
    fn value<'a>(t: &[&'a str], i: &mut usize) -> Option<DebugValue<'a>> {
        let first = *t.get(*i)?;
        *i += 1;
        match first {
            "[" => {
                let mut items = Vec::new();
                while *t.get(*i)? != "]" {
                    items.push(value(t, i)?);
                    if *t.get(*i)? == "," {
                        *i += 1;
                    }
                }
                *i += 1;
                Some(DebugValue::List(items))
            }
            w if w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                if t.get(*i) != Some(&"{") {
                    return Some(DebugValue::Word(w));
                }
                *i += 1;
                let mut fields = Vec::new();
                while *t.get(*i)? != "}" {
                    let name = *t.get(*i)?;
                    if t.get(*i + 1) != Some(&":") {
                        return None;
                    }
                    *i += 2;
                    fields.push((name, value(t, i)?));
                    if *t.get(*i)? == "," {
                        *i += 1;
                    }
                }
                *i += 1;
                Some(DebugValue::Struct(fields))
            }
            _ => None,
        }
    }
    fn is_default(v: &DebugValue<'_>) -> bool {
        match v {
            // The first value of every raft-proto enum a logged message can hold.
            DebugValue::Word(w) => matches!(*w, "0" | "false" | "Auto" | "AddNode" | "EntryNormal" | "MsgHup"),
            DebugValue::List(items) => items.is_empty(),
            DebugValue::Struct(_) => false,
        }
    }
    fn print(fields: &[(&str, DebugValue<'_>)], out: &mut String) -> Option<()> {
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(' ');
            }
        };
        for (name, v) in fields {
            match v {
                _ if is_default(v) => {}
                DebugValue::List(items) if matches!(*name, "context" | "data") => {
                    sep(out);
                    let _ = write!(out, "{name}: \"");
                    for item in items {
                        let DebugValue::Word(w) = item else { return None };
                        match w.parse::<u8>().ok()? {
                            b'\n' => out.push_str("\\n"),
                            b'\r' => out.push_str("\\r"),
                            b'\t' => out.push_str("\\t"),
                            b'\'' => out.push_str("\\'"),
                            b'"' => out.push_str("\\\""),
                            b'\\' => out.push_str("\\\\"),
                            c @ 0x20..=0x7e => out.push(c as char),
                            c => {
                                let _ = write!(out, "\\{}{}{}", c >> 6, (c >> 3) & 7, c & 7);
                            }
                        }
                    }
                    out.push('"');
                }
                DebugValue::List(items) => {
                    for item in items {
                        sep(out);
                        print_field(name, item, out)?;
                    }
                }
                _ => {
                    sep(out);
                    print_field(name, v, out)?;
                }
            }
        }
        Some(())
    }
    fn print_field(name: &str, v: &DebugValue<'_>, out: &mut String) -> Option<()> {
        match v {
            DebugValue::Word(w) => {
                let _ = write!(out, "{name}: {w}");
            }
            DebugValue::Struct(fields) => {
                let _ = write!(out, "{name} {{");
                print(fields, out)?;
                out.push('}');
            }
            DebugValue::List(_) => return None,
        }
        Some(())
    }
    let t = tokens(debug);
    let mut i = 0;
    // prost prints the type's name first (text format starts with a field's name).
    if !t.first()?.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let DebugValue::Struct(fields) = value(&t, &mut i)? else { return None };
    if i != t.len() {
        return None;
    }
    let mut out = String::new();
    print(&fields, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{protobuf_text, sort_id_sets};
    use raft::eraftpb::{ConfChangeSingle, ConfChangeTransition, ConfChangeType, ConfChangeV2, ConfState};

    /// What the drain writes for a value raft-rs logs with `{:?}`.
    fn logged(debug: String) -> String {
        protobuf_text(&debug).unwrap_or(debug)
    }

    #[test]
    fn logged_conf_changes_read_as_protobuf_text_format() {
        let single = |t, id| {
            let mut c = ConfChangeSingle::default();
            c.set_change_type(t);
            c.node_id = id;
            c
        };
        let mut cc = ConfChangeV2::default();
        cc.mut_changes().push(single(ConfChangeType::AddNode, 4));
        cc.context = b"\x01\n\"a'\\ z\x7f\xff".to_vec();
        // rust-protobuf 2's `Debug` (the protobuf codec) printed exactly these.
        assert_eq!(logged(format!("{cc:?}")), r#"changes {node_id: 4} context: "\001\n\"a\'\\ z\177\377""#);
        let mut cc2 = ConfChangeV2::default();
        cc2.set_transition(ConfChangeTransition::Explicit);
        cc2.mut_changes().push(single(ConfChangeType::AddLearnerNode, 5));
        cc2.mut_changes().push(single(ConfChangeType::RemoveNode, 0));
        assert_eq!(
            logged(format!("{cc2:?}")),
            "transition: Explicit changes {change_type: AddLearnerNode node_id: 5} changes {change_type: RemoveNode}"
        );
        assert_eq!(logged(format!("{:?}", ConfChangeV2::default())), "");
        let mut cs = ConfState::from((vec![1, 2, 3], vec![4]));
        cs.mut_voters_outgoing().push(1);
        cs.auto_leave = true;
        assert_eq!(
            logged(format!("{cs:?}")),
            "voters: 1 voters: 2 voters: 3 learners: 4 voters_outgoing: 1 auto_leave: true"
        );
        assert_eq!(logged(format!("{:?}", ConfState::default())), "");
        // Text format is left as it is.
        assert_eq!(protobuf_text("changes {node_id: 4}"), None);
    }

    #[test]
    fn id_sets_are_sorted_and_other_braces_kept() {
        assert_eq!(
            sort_id_sets("config: Configuration { voters: {5, 2, 4, 1, 3} }, learners: {}, x: {a, 1}"),
            "config: Configuration { voters: {1, 2, 3, 4, 5} }, learners: {}, x: {a, 1}"
        );
        assert_eq!(sort_id_sets("to: [5, 1, 2, 4], term: 2 [x]"), "to: [1, 2, 4, 5], term: 2 [x]");
    }
}
