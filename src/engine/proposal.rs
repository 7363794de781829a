//! What a normal raft entry carries: one store request, tagged with who proposed it.
//!
//! Contract: `Proposal::encode`/`decode` round-trip exactly (postcard), and `decode` never
//! panics on foreign bytes. The tag lets the proposing member answer its waiting client
//! when it applies the entry, as etcd's wait registry does with request ids.

use serde::{Deserialize, Serialize};

use crate::store::{CompareResult, CompareTarget, Request, RequestOp};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The client request this answers; 0 for the engine's own (lease expiry, alarms).
    pub req_id: u64,
    /// Raft id of the member that proposed it.
    pub origin: u64,
    pub request: Request,
}

impl Proposal {
    pub fn encode(&self) -> Vec<u8> {
        // Room for a typical small request up front: growing from empty takes several
        // reallocations per proposal. Serializing plain data into a Vec cannot fail.
        postcard::to_extend(self, Vec::with_capacity(64)).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Proposal, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn range_words(key: &[u8], end: &[u8]) -> String {
    if end.is_empty() {
        text(key)
    } else if end == [0] {
        format!("{} --from-key", text(key))
    } else {
        format!("{} {}", text(key), text(end))
    }
}

impl RequestSummary for Request {
    fn summary(&self) -> String {
        match self {
            Request::Put(p) => {
                let mut s = format!("put {} {}", text(&p.key), text(&p.value));
                if p.lease != 0 {
                    s.push_str(&format!(" --lease={:x}", p.lease));
                }
                s
            }
            Request::DeleteRange(d) => format!("del {}", range_words(&d.key, &d.range_end)),
            Request::Txn(t) => {
                let cmps: Vec<String> = t
                    .compare
                    .iter()
                    .map(|c| {
                        let (what, val) = match &c.target {
                            CompareTarget::Version(v) => ("version", v.to_string()),
                            CompareTarget::Create(v) => ("create", v.to_string()),
                            CompareTarget::Mod(v) => ("mod", v.to_string()),
                            CompareTarget::Value(v) => ("value", text(v)),
                            CompareTarget::Lease(v) => ("lease", format!("{v:x}")),
                        };
                        let op = match c.result {
                            CompareResult::Equal => "=",
                            CompareResult::Greater => ">",
                            CompareResult::Less => "<",
                            CompareResult::NotEqual => "!=",
                        };
                        format!("{what}(\"{}\") {op} \"{val}\"", text(&c.key))
                    })
                    .collect();
                let ops = |v: &Vec<RequestOp>| v.iter().map(op_words).collect::<Vec<_>>().join("; ");
                format!("txn if {} then {} else {}", cmps.join(" && "), ops(&t.success), ops(&t.failure))
            }
            Request::Compaction { revision } => format!("compact {revision}"),
            Request::LeaseGrant { id, ttl_secs } => format!("lease grant {ttl_secs} (id {id:016x})"),
            Request::LeaseRevoke { id } => format!("lease revoke {id:016x}"),
            Request::AlarmActivate(a) => format!("alarm activate {:?} by {:x}", a.alarm, a.member_id),
            Request::AlarmDeactivate(a) => format!("alarm disarm {:?} of {:x}", a.alarm, a.member_id),
            Request::AlarmGet => "alarm list".into(),
            Request::MemberAttributes { member_id, name, client_urls } => {
                format!("publish {member_id:x} name={name} client-urls={}", client_urls.join(","))
            }
            Request::ClusterVersion(v) => format!("set cluster version {v}"),
            Request::MemberUpdate { member_id, peer_urls } => {
                format!("member update {member_id:x} --peer-urls={}", peer_urls.join(","))
            }
        }
    }
}

/// Short words for a request, as the log matrix shows them.
pub trait RequestSummary {
    fn summary(&self) -> String;
}

fn op_words(op: &RequestOp) -> String {
    match op {
        RequestOp::Range(r) => format!("get {}", range_words(&r.key, &r.range_end)),
        RequestOp::Put(p) => format!("put {} {}", text(&p.key), text(&p.value)),
        RequestOp::DeleteRange(d) => format!("del {}", range_words(&d.key, &d.range_end)),
        RequestOp::Txn(_) => "txn …".to_string(),
    }
}
