//! How a reply prints: the `Render` a started line keeps until its reply comes, and the
//! conversions from the engine's reply types to the printer's.
//!
//! Contract: pure functions of a reply (no cluster access); the text is `format`'s.

use crate::engine::{ClientReply, ClientResult, EndpointStatusInfo, MemberInfo, NodeId, ResponseHeader};

use super::command::OutputFormat;
use super::format::{self, Output};

/// What `start_line` did with a line.
pub enum Started {
    /// It ran to the end; this is what it printed.
    Done(Output),
    /// Its request is in flight; print the reply with `finish_pending`.
    Pending { req_id: u64, endpoint: NodeId, render: Render },
}

/// How a single-call command prints its reply (`-w` captured when the line was read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Render {
    Put(OutputFormat),
    Get(OutputFormat, format::GetOptions),
    Del(OutputFormat),
    Compact,
    Txn(OutputFormat),
    LeaseGrant(OutputFormat),
    /// The lease id, which etcdctl prints back.
    LeaseRevoke(OutputFormat, i64),
    /// The new member's name, which etcdctl prints back.
    MemberAdd(OutputFormat, String),
    MemberPromote(OutputFormat),
    MemberRemove(OutputFormat),
    /// A `lock` or a campaign, pending until its stream prints (it holds, or leads).
    Waiting(u64),
}

impl Render {
    pub fn render(self, r: &ClientReply) -> Output {
        if let Render::LeaseRevoke(fmt, id) = self {
            return match &r.result {
                Err(e) => format::error(&format!("failed to revoke lease ({e})")),
                Ok(_) => format::lease_revoke(fmt, &header(&r.header), id),
            };
        }
        // etcdctl wraps every error of a grant the same way (lease_command.go).
        if let (true, Err(e)) = (matches!(self, Render::LeaseGrant(_)), &r.result) {
            return format::error(&format!("failed to grant lease ({e})"));
        }
        reply_or_error(r, |h, res| match (self, res) {
            (Render::Put(fmt), ClientResult::Put(p)) => Some(format::put(fmt, h, p)),
            (Render::Get(fmt, opts), ClientResult::Range(resp)) => Some(format::get(fmt, h, resp, opts)),
            (Render::Del(fmt), ClientResult::DeleteRange(resp)) => Some(format::del(fmt, h, resp)),
            (Render::Compact, ClientResult::Compacted { revision }) => Some(format::compact(*revision)),
            (Render::Txn(fmt), ClientResult::Txn(resp)) => Some(format::txn(fmt, h, resp)),
            (Render::LeaseGrant(fmt), ClientResult::LeaseGranted { id, ttl_secs }) => {
                Some(format::lease_grant(fmt, h, *id, *ttl_secs))
            }
            _ => None,
        })
    }
}

pub(super) fn reply_or_error(
    r: &ClientReply,
    f: impl FnOnce(&format::Header, &ClientResult) -> Option<Output>,
) -> Output {
    match &r.result {
        Ok(res) => f(&header(&r.header), res).unwrap_or_else(|| format::error("unexpected reply")),
        Err(e) => format::error(&e.to_string()),
    }
}

pub(super) fn header(h: &ResponseHeader) -> format::Header {
    format::Header { cluster_id: h.cluster_id, member_id: h.member_id, revision: h.revision, raft_term: h.raft_term }
}

pub(super) fn member_of(m: &MemberInfo) -> format::Member {
    format::Member {
        id: m.id,
        name: m.name.clone(),
        peer_urls: m.peer_urls.clone(),
        client_urls: m.client_urls.clone(),
        is_learner: m.is_learner,
    }
}

pub(super) fn members_of(ms: &[MemberInfo]) -> Vec<format::Member> {
    ms.iter().map(member_of).collect()
}

pub(super) fn status_of(s: &EndpointStatusInfo, h: &ResponseHeader, name: &str) -> format::EndpointStatus {
    format::EndpointStatus {
        endpoint: name.to_string(),
        header: header(h),
        version: s.version.clone(),
        db_size: s.db_size,
        db_size_in_use: s.db_size_in_use,
        leader: s.leader,
        raft_index: s.raft_index,
        raft_term: s.raft_term,
        raft_applied_index: s.raft_applied_index,
        errors: s.errors.clone(),
        is_learner: s.is_learner,
    }
}

/// How etcdctl names an endpoint: as typed (`n1`), or by client URL with `--cluster`.
pub(super) fn endpoint_name(id: NodeId, cluster: bool) -> String {
    if cluster {
        format!("http://n{id}:2379")
    } else {
        format!("n{id}")
    }
}
