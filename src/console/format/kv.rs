//! `put`, `get`, `del`, `txn`, `watch` and `compact`.

use super::json::{self, Obj};
use super::types::Header;
use super::{error_line, Output, OutputFormat, TABLE_NOT_SUPPORTED};
use crate::store::{
    DeleteRangeResponse, Event, EventKind, KeyValue, PutResponse, RangeResponse, ResponseOp, TxnResponse,
};

/// `get`'s printing flags. `--keys-only` needs nothing here: the server already returned
/// empty values, which print as empty lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct GetOptions {
    /// `--print-value-only`: values without keys (simple format only).
    pub print_value_only: bool,
    /// `--hex`: every byte of keys and values as `\xNN` (simple format only).
    pub hex: bool,
}

/// etcdctl's `addHexPrefix(hex.EncodeToString(b))`: `\x` before each byte's two digits.
fn hex_escaped(b: &[u8]) -> String {
    b.iter().map(|x| format!("\\x{x:02x}")).collect()
}

fn table_not_supported() -> Output {
    Output::err(error_line(TABLE_NOT_SUPPORTED))
}

/// Keys and values print as raw bytes; invalid UTF-8 is shown lossily.
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// etcdctl's `printKV`: the key line (unless value-only), then the value line.
fn push_kv(out: &mut String, kv: &KeyValue, value_only: bool) {
    if !value_only {
        out.push_str(&text(&kv.key));
        out.push('\n');
    }
    out.push_str(&text(&kv.value));
    out.push('\n');
}

fn put_simple(out: &mut String, resp: &PutResponse) {
    out.push_str("OK\n");
    if let Some(prev) = &resp.prev_kv {
        push_kv(out, prev, false);
    }
}

fn get_simple(out: &mut String, resp: &RangeResponse, opts: GetOptions) {
    for kv in &resp.kvs {
        if opts.hex {
            if !opts.print_value_only {
                out.push_str(&hex_escaped(&kv.key));
                out.push('\n');
            }
            out.push_str(&hex_escaped(&kv.value));
            out.push('\n');
        } else {
            push_kv(out, kv, opts.print_value_only);
        }
    }
}

fn del_simple(out: &mut String, resp: &DeleteRangeResponse) {
    out.push_str(&format!("{}\n", resp.deleted));
    for kv in &resp.prev_kvs {
        push_kv(out, kv, false);
    }
}

fn put_json(h: &Header, resp: &PutResponse) -> String {
    let mut o = Obj::new().raw("header", json::header(h));
    if let Some(prev) = &resp.prev_kv {
        o = o.raw("prev_kv", json::kv(prev));
    }
    o.build()
}

fn range_json(h: &Header, resp: &RangeResponse) -> String {
    Obj::new()
        .raw("header", json::header(h))
        .list("kvs", json::kvs(&resp.kvs))
        .flag("more", resp.more)
        .num("count", resp.count)
        .build()
}

fn del_json(h: &Header, resp: &DeleteRangeResponse) -> String {
    Obj::new()
        .raw("header", json::header(h))
        .num("deleted", resp.deleted)
        .list("prev_kvs", json::kvs(&resp.prev_kvs))
        .build()
}

fn txn_json(h: &Header, resp: &TxnResponse) -> String {
    // Responses inside a txn carry a header holding only the revision.
    let inner = Header { revision: h.revision, ..Header::default() };
    let ops = resp
        .responses
        .iter()
        .map(|op| {
            let (name, body) = match op {
                ResponseOp::Range(r) if r.header_revision > 0 => {
                    ("ResponseRange", range_json(&Header { revision: r.header_revision, ..Header::default() }, r))
                }
                ResponseOp::Range(r) => ("ResponseRange", range_json(&inner, r)),
                ResponseOp::Put(r) => ("ResponsePut", put_json(&inner, r)),
                ResponseOp::DeleteRange(r) => ("ResponseDeleteRange", del_json(&inner, r)),
                ResponseOp::Txn(r) => ("ResponseTxn", txn_json(&inner, r)),
            };
            format!("{{\"Response\":{{\"{name}\":{body}}}}}")
        })
        .collect();
    Obj::new().raw("header", json::header(h)).flag("succeeded", resp.succeeded).list("responses", ops).build()
}

/// `put`: `OK`, then the previous key and value with `--prev-kv`.
pub fn put(format: OutputFormat, header: &Header, resp: &PutResponse) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = String::new();
            put_simple(&mut out, resp);
            Output::out(out)
        }
        OutputFormat::Json => Output::out(put_json(header, resp) + "\n"),
        OutputFormat::Table => table_not_supported(),
    }
}

/// `get`: key and value lines per key; nothing at all when no key matched.
pub fn get(format: OutputFormat, header: &Header, resp: &RangeResponse, opts: GetOptions) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = String::new();
            get_simple(&mut out, resp, opts);
            Output::out(out)
        }
        OutputFormat::Json => Output::out(range_json(header, resp) + "\n"),
        OutputFormat::Table => table_not_supported(),
    }
}

/// `del`: the number deleted (`0` when nothing matched), then the previous pairs with
/// `--prev-kv`.
pub fn del(format: OutputFormat, header: &Header, resp: &DeleteRangeResponse) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = String::new();
            del_simple(&mut out, resp);
            Output::out(out)
        }
        OutputFormat::Json => Output::out(del_json(header, resp) + "\n"),
        OutputFormat::Table => table_not_supported(),
    }
}

/// `txn`: `SUCCESS` or `FAILURE`, then for each response a blank line and that response
/// as `put`/`get`/`del` print it. (Prompts for `-i` are the `TXN_PROMPT_*` constants.)
pub fn txn(format: OutputFormat, header: &Header, resp: &TxnResponse) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = String::new();
            txn_simple(&mut out, resp);
            Output::out(out)
        }
        OutputFormat::Json => Output::out(txn_json(header, resp) + "\n"),
        OutputFormat::Table => table_not_supported(),
    }
}

fn txn_simple(out: &mut String, resp: &TxnResponse) {
    out.push_str(if resp.succeeded { "SUCCESS\n" } else { "FAILURE\n" });
    for op in &resp.responses {
        out.push('\n');
        match op {
            ResponseOp::Range(r) => get_simple(out, r, GetOptions::default()),
            ResponseOp::Put(r) => put_simple(out, r),
            ResponseOp::DeleteRange(r) => del_simple(out, r),
            // etcdctl 3.4's simple printer has no case for a nested txn: it prints
            // nothing but the blank line.
            ResponseOp::Txn(_) => {}
        }
    }
}

/// One watch response (a batch of events, all from one server message): for each event
/// `PUT`/`DELETE`, then the previous key and value when the event carries one (the
/// caller strips `prev_kv` unless `--prev-kv`), then key and value. A deleted key's
/// value line is empty. JSON: one line per batch; `header.revision` is the revision the
/// server stamped on the batch.
pub fn watch_events(format: OutputFormat, header: &Header, events: &[Event]) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = String::new();
            for ev in events {
                out.push_str(match ev.kind {
                    EventKind::Put => "PUT\n",
                    EventKind::Delete => "DELETE\n",
                });
                if let Some(prev) = &ev.prev_kv {
                    push_kv(&mut out, prev, false);
                }
                push_kv(&mut out, &ev.kv, false);
            }
            Output::out(out)
        }
        OutputFormat::Json => {
            let evs = events
                .iter()
                .map(|ev| {
                    let kind = match ev.kind {
                        EventKind::Put => 0,
                        EventKind::Delete => 1,
                    };
                    let mut o = Obj::new().num("type", kind).raw("kv", json::kv(&ev.kv));
                    if let Some(prev) = &ev.prev_kv {
                        o = o.raw("prev_kv", json::kv(prev));
                    }
                    o.build()
                })
                .collect();
            Output::out(watch_json(header, evs, 0, false) + "\n")
        }
        // etcdctl 3.4 prints this when the first event arrives, and exits.
        OutputFormat::Table => table_not_supported(),
    }
}

/// clientv3's `WatchResponse` (no json tags: Go field names, nothing omitted).
fn watch_json(header: &Header, events: Vec<String>, compact_revision: i64, canceled: bool) -> String {
    Obj::new()
        .raw("Header", json::header(header))
        .raw("Events", json::array(events))
        .raw("CompactRevision", compact_revision.to_string())
        .raw("Canceled", canceled.to_string())
        .raw("Created", "false")
        .build()
}

/// A watch the server cancels, e.g. `--rev` below the compacted revision (`reason` =
/// `etcdserver: mvcc: required revision has been compacted`). etcdctl then exits. The
/// JSON header of a canceled watch carries no revision.
pub fn watch_canceled(format: OutputFormat, header: &Header, compact_revision: i64, reason: &str) -> Output {
    let stderr = format!("watch was canceled ({reason})\n{}", error_line("watch is canceled by the server"));
    let stdout = match format {
        OutputFormat::Json => {
            let header = Header { revision: 0, ..*header };
            watch_json(&header, vec![], compact_revision, true) + "\n"
        }
        _ => String::new(),
    };
    Output { stdout, stderr, ..Output::default() }
}

/// `compact REV`: the same line whatever `-w` says.
pub fn compact(revision: i64) -> Output {
    Output::out(format!("compacted revision {revision}\n"))
}
