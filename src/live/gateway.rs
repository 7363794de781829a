//! Reading a real etcd member through its v3 JSON gateway (grpc-gateway, on the client
//! port): `maintenance/status`, `cluster/member/list` and a serializable `kv/range`,
//! each one POST; none of them is a raft proposal.
//!
//! Contract: `post` sends one request and returns the body of a 200 reply; every wait is
//! bounded by its timeout and every body by `MAX_BODY`, so a member that hangs or talks
//! too much costs one poll, never the poller. The parsers accept what grpc-gateway prints
//! (64-bit numbers as strings, bytes as base64, the proto's field names) and the camelCase
//! names as well; a field that is missing reads as zero. Nothing here spawns a process:
//! the poller calls these ten times a second.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use crate::oracle::real::Status;
use crate::store::KeyValue;

use super::protocol::MemberRow;

/// The most bytes one reply may carry (a range is limited to `KEY_LIMIT` keys).
const MAX_BODY: usize = 4 << 20;
/// The most keys a state carries for the selected member.
pub const KEY_LIMIT: u64 = 200;

/// POSTs `body` (JSON) to `path` on `addr`; the reply's body, or why there is none.
pub fn post(addr: SocketAddr, path: &str, body: &str, timeout: Duration) -> Result<String, String> {
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("{addr}: {e}"))?;
    s.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| format!("{addr}: {e}"))?;
    let mut raw = Vec::new();
    s.take(MAX_BODY as u64 + 64 * 1024).read_to_end(&mut raw).map_err(|e| format!("{addr}: {e}"))?;
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut resp = httparse::Response::new(&mut headers);
    let head = match resp.parse(&raw) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(format!("{addr}: the reply ended early")),
        Err(e) => return Err(format!("{addr}: {e}")),
    };
    let chunked = resp.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("transfer-encoding") && String::from_utf8_lossy(h.value).contains("chunked")
    });
    let code = resp.code.unwrap_or(0);
    let body = if chunked { dechunk(&raw[head..])? } else { raw[head..].to_vec() };
    let text = String::from_utf8_lossy(&body).into_owned();
    if code != 200 {
        return Err(format!("{addr}{path}: HTTP {code}: {}", text.trim()));
    }
    Ok(text)
}

/// A chunked body's bytes.
fn dechunk(mut b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").ok_or("a chunk size is cut off")?;
        let size = std::str::from_utf8(&b[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok());
        let size = size.ok_or("a chunk size is not a number")?;
        b = &b[end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size || out.len() + size > MAX_BODY {
            return Err("a chunk is cut off".into());
        }
        out.extend_from_slice(&b[..size]);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

/// A field under either of its names.
fn field<'v>(v: &'v Value, names: &[&str]) -> Option<&'v Value> {
    names.iter().find_map(|n| v.get(*n))
}

/// A number grpc-gateway may print as a string.
fn num(v: &Value, names: &[&str]) -> u64 {
    match field(v, names) {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

fn bytes(v: &Value, name: &str) -> Vec<u8> {
    let s = v.get(name).and_then(Value::as_str).unwrap_or("");
    base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
}

/// One member's `maintenance/status`, as `endpoint status` reads it (`node` left 0 for
/// the caller, who knows whom it asked).
pub fn parse_status(json: &str) -> Option<Status> {
    let v: Value = serde_json::from_str(json).ok()?;
    let h = v.get("header")?;
    Some(Status {
        node: 0,
        member_id: num(h, &["member_id", "memberId"]),
        leader: num(&v, &["leader"]),
        term: num(&v, &["raft_term", "raftTerm"]),
        index: num(&v, &["raft_index", "raftIndex"]),
        applied: num(&v, &["raft_applied_index", "raftAppliedIndex"]),
        revision: num(h, &["revision"]) as i64,
        is_learner: field(&v, &["is_learner", "isLearner"]).and_then(Value::as_bool).unwrap_or(false),
        errors: field(&v, &["errors"])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|e| e.as_str().map(String::from)).collect())
            .unwrap_or_default(),
    })
}

pub fn parse_members(json: &str) -> Option<Vec<MemberRow>> {
    let v: Value = serde_json::from_str(json).ok()?;
    let strings = |m: &Value, names: &[&str]| -> Vec<String> {
        field(m, names)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let rows = field(&v, &["members"])?.as_array()?;
    Some(
        rows.iter()
            .map(|m| MemberRow {
                id: format!("{:x}", num(m, &["ID", "id"])),
                name: m.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                peer_urls: strings(m, &["peerURLs", "peer_urls", "peerUrls"]),
                client_urls: strings(m, &["clientURLs", "client_urls", "clientUrls"]),
                is_learner: field(m, &["isLearner", "is_learner"]).and_then(Value::as_bool).unwrap_or(false),
            })
            .collect(),
    )
}

/// A `kv/range` reply's keys and its header's revision.
pub fn parse_range(json: &str) -> Option<(Vec<KeyValue>, u64, i64)> {
    let v: Value = serde_json::from_str(json).ok()?;
    let kvs = field(&v, &["kvs"]).and_then(Value::as_array).cloned().unwrap_or_default();
    let kvs = kvs
        .iter()
        .map(|k| KeyValue {
            key: bytes(k, "key"),
            value: bytes(k, "value"),
            create_revision: num(k, &["create_revision", "createRevision"]) as i64,
            mod_revision: num(k, &["mod_revision", "modRevision"]) as i64,
            version: num(k, &["version"]) as i64,
            lease: num(k, &["lease"]) as i64,
        })
        .collect::<Vec<_>>();
    let count = num(&v, &["count"]);
    let revision = v.get("header").map(|h| num(h, &["revision"]) as i64).unwrap_or(0);
    Some((kvs, count, revision))
}

/// The body of a serializable range over every key, at most `KEY_LIMIT` of them.
pub fn range_all_body() -> String {
    // "\0" to "\0" is every key, as `etcdctl get "" --from-key` sends it.
    format!(r#"{{"key":"AA==","range_end":"AA==","serializable":true,"limit":"{KEY_LIMIT}"}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_reads_with_either_names() {
        // grpc-gateway's shape in etcd 3.4 (64-bit numbers as strings).
        let j = r#"{"header":{"cluster_id":"1","member_id":"12","revision":"5","raft_term":"3"},"version":"3.4.23","dbSize":"20480","leader":"12","raftIndex":"9","raftTerm":"3","raftAppliedIndex":"8","dbSizeInUse":"16384"}"#;
        let s = parse_status(j).unwrap();
        assert_eq!((s.member_id, s.leader, s.term, s.index, s.applied, s.revision), (12, 12, 3, 9, 8, 5));
        assert!(!s.is_learner);
        let j = r#"{"header":{"member_id":"7"},"raft_term":"4","is_learner":true,"errors":["etcdserver: no leader"]}"#;
        let s = parse_status(j).unwrap();
        assert_eq!((s.member_id, s.leader, s.term, s.is_learner), (7, 0, 4, true));
        assert_eq!(s.errors, vec!["etcdserver: no leader".to_string()]);
        assert_eq!(parse_status("not json"), None);
    }

    #[test]
    fn members_and_keys_read_as_etcdctl_shows_them() {
        let j = r#"{"header":{},"members":[{"ID":"31","name":"n1","peerURLs":["http://n1:2380"],"clientURLs":["http://n1:2379"]},{"ID":"255","peerURLs":["http://n4:2380"],"isLearner":true}]}"#;
        let m = parse_members(j).unwrap();
        assert_eq!(m[0].id, "1f");
        assert_eq!(m[0].name, "n1");
        assert_eq!(
            m[1],
            MemberRow {
                id: "ff".into(),
                name: "".into(),
                peer_urls: vec!["http://n4:2380".into()],
                client_urls: vec![],
                is_learner: true
            }
        );
        let (kvs, count, rev) = parse_range(r#"{"header":{"revision":"4"},"kvs":[{"key":"eA==","create_revision":"2","mod_revision":"4","version":"3","value":"Mw=="}],"count":"1"}"#).unwrap();
        assert_eq!(
            (kvs[0].key.as_slice(), kvs[0].value.as_slice(), kvs[0].version, count, rev),
            (&b"x"[..], &b"3"[..], 3, 1, 4)
        );
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(), b"abcde");
        assert!(dechunk(b"zz\r\n").is_err());
        assert!(dechunk(b"9\r\nabc").is_err());
    }
}
