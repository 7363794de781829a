//! Plain, serializable pictures of raft-rs messages and entries.
//!
//! Contract: `MessageView::from(&eraftpb::Message)` keeps every field of the real message
//! (snapshot data is summarised by its length and hash), so what the trace and UI show is
//! what raft-rs produced. `entry_summary` decodes an entry's payload into words
//! (`put x 1`, `conf change: add learner n4`).

use protobuf::Message as _;
use raft::eraftpb::{ConfChange, ConfChangeType, ConfChangeV2, Entry, EntryType, Message};
use serde::{Deserialize, Serialize};

use super::proposal::{Proposal, RequestSummary};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub index: u64,
    pub term: u64,
    /// "normal", "conf change" or "conf change v2".
    pub entry_type: String,
    /// Human words for the payload: `put x 1`, `(empty)` for a leader's no-op.
    pub summary: String,
    pub data_len: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMetaView {
    pub index: u64,
    pub term: u64,
    pub voters: Vec<u64>,
    pub learners: Vec<u64>,
    pub data_len: u64,
}

/// Every field of `eraftpb::Message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub msg_type: String,
    pub to: u64,
    pub from: u64,
    pub term: u64,
    pub log_term: u64,
    pub index: u64,
    pub entries: Vec<EntryView>,
    pub commit: u64,
    pub commit_term: u64,
    pub snapshot: Option<SnapshotMetaView>,
    pub request_snapshot: u64,
    pub reject: bool,
    pub reject_hint: u64,
    pub context: Vec<u8>,
    pub priority: i64,
}

impl From<&Message> for MessageView {
    fn from(m: &Message) -> Self {
        let snapshot = m.snapshot.as_ref().filter(|s| s.get_metadata().index > 0 || !s.data.is_empty()).map(|s| {
            let meta = s.get_metadata();
            SnapshotMetaView {
                index: meta.index,
                term: meta.term,
                voters: meta.get_conf_state().voters.clone(),
                learners: meta.get_conf_state().learners.clone(),
                data_len: s.data.len() as u64,
            }
        });
        MessageView {
            msg_type: format!("{:?}", m.get_msg_type()),
            to: m.to,
            from: m.from,
            term: m.term,
            log_term: m.log_term,
            index: m.index,
            entries: m.entries.iter().map(EntryView::from).collect(),
            commit: m.commit,
            commit_term: m.commit_term,
            snapshot,
            request_snapshot: m.request_snapshot,
            reject: m.reject,
            reject_hint: m.reject_hint,
            context: m.context.to_vec(),
            priority: m.priority,
        }
    }
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> Self {
        EntryView {
            index: e.index,
            term: e.term,
            entry_type: match e.get_entry_type() {
                EntryType::EntryNormal => "normal",
                EntryType::EntryConfChange => "conf change",
                EntryType::EntryConfChangeV2 => "conf change v2",
            }
            .to_string(),
            summary: entry_summary(e),
            data_len: e.data.len() as u64,
        }
    }
}

/// Words for an entry's payload, for logs and message inspectors.
pub fn entry_summary(e: &Entry) -> String {
    match e.get_entry_type() {
        EntryType::EntryNormal => {
            if e.data.is_empty() {
                return "(empty)".to_string();
            }
            match Proposal::decode(&e.data) {
                Ok(p) => p.request.summary(),
                Err(_) => format!("({} bytes, undecodable)", e.data.len()),
            }
        }
        EntryType::EntryConfChange => match ConfChange::parse_from_bytes(&e.data) {
            Ok(cc) => conf_change_words(cc.get_change_type(), cc.node_id),
            Err(_) => "conf change (undecodable)".to_string(),
        },
        EntryType::EntryConfChangeV2 => match ConfChangeV2::parse_from_bytes(&e.data) {
            Ok(cc) if cc.changes.is_empty() => "leave joint config".to_string(),
            Ok(cc) => cc
                .changes
                .iter()
                .map(|c| conf_change_words(c.get_change_type(), c.node_id))
                .collect::<Vec<_>>()
                .join(", "),
            Err(_) => "conf change (undecodable)".to_string(),
        },
    }
}

fn conf_change_words(t: ConfChangeType, id: u64) -> String {
    match t {
        ConfChangeType::AddNode => format!("add voter n{id}"),
        ConfChangeType::AddLearnerNode => format!("add learner n{id}"),
        ConfChangeType::RemoveNode => format!("remove n{id}"),
    }
}
