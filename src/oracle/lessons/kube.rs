//! `kube` lines on the real cluster: the kube client's requests (`crate::kube::client`)
//! sent by etcdctl with `-w json`, and its text printed from the real replies, so the
//! lesson's checks on a `kube` reply judge what real etcd answered.
//!
//! Contract: the client goes to n1, as in the lab. A write's etcdctl run gets a 10 s
//! command timeout, longer than etcd's own request timeout (7 s), so that a write etcd
//! cannot serve fails with etcd's `etcdserver: request timed out`, as kube-apiserver sees
//! it; a read gets kube-apiserver's 60 s. A
//! run the harness cannot start stops the lesson; etcdctl's own errors are etcd's answer.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use crate::kube::{Etcd, KubeCommand};
use crate::oracle::real::with_ports;
use crate::oracle::transcript::StepRecord;
use crate::store::{
    CompareTarget, KeyValue, RangeRequest, RangeResponse, RequestOp, ResponseOp, TxnRequest, TxnResponse,
};

use super::Player;

/// Writes: longer than etcd's own 7 s request timeout, so that etcd answers first.
const TIMEOUT: &str = "--command-timeout=10s";
/// Reads: kube-apiserver's request timeout (`crate::kube::client::READ_TIMEOUT_MS`).
const READ_TIMEOUT: &str = "--command-timeout=60s";

/// Real etcd behind etcdctl; a harness failure is kept apart from etcd's answers.
struct Real<'p, 'a> {
    p: &'p mut Player<'a>,
    harness: Option<String>,
}

fn text(s: &[u8]) -> String {
    String::from_utf8_lossy(s).to_string()
}

/// A Go-quoted word, as etcdctl's txn reader (`argify`) reads one back.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn b64(v: &Value) -> Vec<u8> {
    v.as_str().and_then(|s| STANDARD.decode(s).ok()).unwrap_or_default()
}

fn kv_of(v: &Value) -> KeyValue {
    let n = |f: &str| v[f].as_i64().unwrap_or(0);
    KeyValue {
        key: b64(&v["key"]),
        create_revision: n("create_revision"),
        mod_revision: n("mod_revision"),
        version: n("version"),
        value: b64(&v["value"]),
        lease: n("lease"),
    }
}

fn range_of(v: &Value) -> RangeResponse {
    let kvs: Vec<KeyValue> = v["kvs"].as_array().map(|a| a.iter().map(kv_of).collect()).unwrap_or_default();
    RangeResponse { count: v["count"].as_i64().unwrap_or(kvs.len() as i64), kvs, ..Default::default() }
}

fn op_line(op: &RequestOp) -> String {
    match op {
        RequestOp::Put(p) => format!("put {} {}", text(&p.key.to_vec()), quoted(&text(&p.value.to_vec()))),
        RequestOp::Range(r) => format!("get {}", text(&r.key)),
        RequestOp::DeleteRange(d) => format!("del {}", text(&d.key)),
        RequestOp::Txn(_) => String::new(),
    }
}

impl Real<'_, '_> {
    /// Runs etcdctl; `Ok(stdout)` or `Err(etcd's error text)`.
    fn run(&mut self, mut words: Vec<String>, stdin: Option<&str>) -> Result<String, String> {
        let read = words.first().is_some_and(|w| w == "get");
        words.push(if read { READ_TIMEOUT } else { TIMEOUT }.into());
        match self.p.session.etcdctl(&with_ports(words), stdin) {
            Ok(c) if c.exit.is_none() => Ok(c.stdout),
            Ok(c) => {
                // etcd's text as it came (a timeout may add `, possibly due to previous
                // leader failure`, which kube-apiserver passes on too).
                let err = c.stderr.lines().find_map(|l| l.strip_prefix("Error: ")).unwrap_or("etcdctl failed");
                Err(err.to_string())
            }
            Err(e) => {
                self.harness = Some(e.clone());
                Err(e)
            }
        }
    }

    fn json(&mut self, words: Vec<String>, stdin: Option<&str>) -> Result<Value, String> {
        let out = self.run(words, stdin)?;
        serde_json::from_str(&out).map_err(|e| format!("etcdctl -w json printed no JSON ({e})"))
    }
}

impl Etcd for Real<'_, '_> {
    fn range(&mut self, req: RangeRequest) -> Result<(i64, RangeResponse), String> {
        let mut words = vec!["get".to_string(), text(&req.key)];
        if !req.range_end.is_empty() {
            words.push(text(&req.range_end));
        }
        words.extend(["-w".to_string(), "json".to_string()]);
        let v = self.json(words, None)?;
        Ok((v["header"]["revision"].as_i64().unwrap_or(0), range_of(&v)))
    }

    fn txn(&mut self, req: TxnRequest) -> Result<(i64, TxnResponse), String> {
        let mut body = String::new();
        for c in &req.compare {
            let (what, n) = match &c.target {
                CompareTarget::Mod(n) => ("mod", *n),
                CompareTarget::Version(n) => ("ver", *n),
                CompareTarget::Create(n) => ("create", *n),
                CompareTarget::Lease(n) => ("lease", *n),
                CompareTarget::Value(_) => return Err("the kube client compares no values".into()),
            };
            body.push_str(&format!("{what}({}) = \"{n}\"\n", quoted(&text(&c.key))));
        }
        body.push('\n');
        for ops in [&req.success, &req.failure] {
            for op in ops.iter() {
                body.push_str(&op_line(op));
                body.push('\n');
            }
            body.push('\n');
        }
        let v = self.json(vec!["txn".into(), "-w".into(), "json".into()], Some(&body))?;
        let responses = v["responses"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        let inner = &r["Response"];
                        let range = if inner["response_range"].is_null() {
                            &inner["ResponseRange"]
                        } else {
                            &inner["response_range"]
                        };
                        if range.is_null() {
                            ResponseOp::Put(Default::default())
                        } else {
                            ResponseOp::Range(range_of(range))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let succeeded = v["succeeded"].as_bool().unwrap_or(false);
        Ok((v["header"]["revision"].as_i64().unwrap_or(0), TxnResponse { succeeded, responses }))
    }

    fn compact(&mut self, revision: i64) -> Result<(), String> {
        self.run(vec!["compact".into(), revision.to_string()], None).map(|_| ())
    }
}

impl Player<'_> {
    /// A `kube` line that answers once, on the real cluster.
    pub(super) fn kube(&mut self, filled: &str, cmd: KubeCommand) -> Result<(), String> {
        self.output_real = true;
        self.reply_from = None;
        let mut client = std::mem::take(&mut self.kube);
        let mut real = Real { p: self, harness: None };
        let out = client.run(&mut real, &cmd);
        let harness = real.harness.take();
        self.kube = client;
        if let Some(e) = harness {
            return Err(e);
        }
        let printed = out.combined();
        self.records.push(StepRecord::new(filled, &[]).with_output(&printed, ""));
        self.reply = Some(self.text(filled, &printed));
        self.output.push_str(&printed);
        self.clock_moved();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcdctl_json_reads_back_as_the_stores_types() {
        let v: Value = serde_json::from_str(
            r#"{"header":{"revision":9},"kvs":[{"key":"L3JlZ2lzdHJ5L3BvZHMvZGVmYXVsdC93ZWI=","create_revision":2,"mod_revision":7,"version":3,"value":"e30="}],"count":1}"#,
        )
        .unwrap();
        let r = range_of(&v);
        assert_eq!(r.kvs[0].key, b"/registry/pods/default/web");
        assert_eq!((r.kvs[0].mod_revision, r.kvs[0].version, r.count), (7, 3, 1));
        assert_eq!(r.kvs[0].value, b"{}");
        let p = crate::store::PutRequest { key: "k".into(), value: "{\"a\":\"b c\"}".into(), ..Default::default() };
        assert_eq!(op_line(&RequestOp::Put(p)), r#"put k "{\"a\":\"b c\"}""#);
    }
}
