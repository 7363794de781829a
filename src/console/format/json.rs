//! Hand-built JSON in Go `encoding/json` style: field order as etcd's structs declare,
//! `omitempty` honoured per field. serde_json would reorder nothing but escapes `<>&`
//! differently and can't express "omit when zero" without wrapper types, so we write
//! the few shapes etcdctl uses by hand.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::types::{Header, Member};
use crate::store::KeyValue;

/// A JSON string literal escaped as Go does (`<`, `>`, `&`, U+2028/9 as `\u` escapes).
pub(super) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Bytes as Go marshals `[]byte`: standard base64 with padding, in a string.
pub(super) fn bytes(b: &[u8]) -> String {
    format!("\"{}\"", STANDARD.encode(b))
}

/// A JSON object under construction; fields keep insertion order.
#[derive(Default)]
pub(super) struct Obj(Vec<String>);

impl Obj {
    pub(super) fn new() -> Self {
        Obj::default()
    }

    /// Always present.
    pub(super) fn raw(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push(format!("\"{name}\":{}", value.into()));
        self
    }

    /// `omitempty` for a number.
    pub(super) fn num<N: Into<i128>>(self, name: &str, n: N) -> Self {
        let n = n.into();
        if n == 0 {
            self
        } else {
            self.raw(name, n.to_string())
        }
    }

    /// `omitempty` for a bool.
    pub(super) fn flag(self, name: &str, b: bool) -> Self {
        if b {
            self.raw(name, "true")
        } else {
            self
        }
    }

    /// `omitempty` for a string.
    pub(super) fn str(self, name: &str, s: &str) -> Self {
        if s.is_empty() {
            self
        } else {
            self.raw(name, string(s))
        }
    }

    /// `omitempty` for a `[]byte`.
    pub(super) fn bytes(self, name: &str, b: &[u8]) -> Self {
        if b.is_empty() {
            self
        } else {
            self.raw(name, bytes(b))
        }
    }

    /// `omitempty` for a slice of already-encoded values.
    pub(super) fn list(self, name: &str, items: Vec<String>) -> Self {
        if items.is_empty() {
            self
        } else {
            self.raw(name, array(items))
        }
    }

    pub(super) fn build(self) -> String {
        format!("{{{}}}", self.0.join(","))
    }
}

pub(super) fn array(items: Vec<String>) -> String {
    format!("[{}]", items.join(","))
}

/// `ResponseHeader`'s fields, every one `omitempty`.
pub(super) fn header_fields(h: &Header) -> Obj {
    Obj::new()
        .num("cluster_id", h.cluster_id)
        .num("member_id", h.member_id)
        .num("revision", h.revision)
        .num("raft_term", h.raft_term)
}

pub(super) fn header(h: &Header) -> String {
    header_fields(h).build()
}

/// `mvccpb.KeyValue`.
pub(super) fn kv(kv: &KeyValue) -> String {
    Obj::new()
        .bytes("key", &kv.key)
        .num("create_revision", kv.create_revision)
        .num("mod_revision", kv.mod_revision)
        .num("version", kv.version)
        .bytes("value", &kv.value)
        .num("lease", kv.lease)
        .build()
}

pub(super) fn kvs(kvs: &[KeyValue]) -> Vec<String> {
    kvs.iter().map(kv).collect()
}

/// `etcdserverpb.Member`.
pub(super) fn member(m: &Member) -> String {
    let urls = |v: &[String]| v.iter().map(|u| string(u)).collect::<Vec<_>>();
    Obj::new()
        .num("ID", m.id)
        .str("name", &m.name)
        .list("peerURLs", urls(&m.peer_urls))
        .list("clientURLs", urls(&m.client_urls))
        .flag("isLearner", m.is_learner)
        .build()
}
