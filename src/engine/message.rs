//! Plain, serializable pictures of raft-rs messages and entries.
//!
//! Contract: `MessageView::from(&eraftpb::Message)` keeps every field of the real message
//! (snapshot data is summarised by its length and hash), so what the trace and UI show is
//! what raft-rs produced. `MsgSummary::of` keeps every scalar field by value, the payload
//! (entries, context, snapshot) as counts and one digest of its contents: it is what the
//! trace holds once the message itself has gone into `step`, and what the trace hash reads.
//! `entry_summary` decodes an entry's payload into words (`put x 1`, `conf change: add
//! learner n4`).

use raft::eraftpb::{ConfChange, ConfChangeType, ConfChangeV2, ConfState, Entry, EntryType, Message, MessageType};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

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

/// A raft message as the trace keeps it: every scalar field, and the payload as counts and
/// a digest. Plain data (no heap), so recording a send costs no allocation and delivery
/// can hand the message itself to raft-rs instead of a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgSummary {
    pub msg_type: MessageType,
    pub to: u64,
    pub from: u64,
    pub term: u64,
    pub log_term: u64,
    pub index: u64,
    pub commit: u64,
    pub commit_term: u64,
    pub request_snapshot: u64,
    pub reject_hint: u64,
    pub priority: i64,
    pub reject: bool,
    /// Entries carried: `index + 1 ..= index + entries`.
    pub entries: u32,
    /// Bytes of entry data, all entries together.
    pub data_len: u32,
    pub context_len: u32,
    /// The snapshot's (index, term), for a `MsgSnapshot`.
    pub snapshot: Option<(u64, u64)>,
    /// Every payload byte and entry field, mixed into one word: two sends with equal
    /// summaries carried the same payload.
    pub digest: u64,
}

impl MsgSummary {
    pub fn of(m: &Message) -> MsgSummary {
        let snapshot = m.snapshot.as_ref().filter(|s| s.get_metadata().index > 0 || !s.data.is_empty());
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        MsgSummary {
            msg_type: m.get_msg_type(),
            to: m.to,
            from: m.from,
            term: m.term,
            log_term: m.log_term,
            index: m.index,
            commit: m.commit,
            commit_term: m.commit_term,
            request_snapshot: m.request_snapshot,
            reject_hint: m.reject_hint,
            priority: m.priority,
            reject: m.reject,
            entries: clamp(m.entries.len()),
            data_len: clamp(m.entries.iter().map(|e| e.data.len()).sum()),
            context_len: clamp(m.context.len()),
            snapshot: snapshot.map(|s| (s.get_metadata().index, s.get_metadata().term)),
            digest: payload_digest(m),
        }
    }
}

/// The payload's contents in a fixed order; `u64` arithmetic only, so the same everywhere.
fn payload_digest(m: &Message) -> u64 {
    use super::trace::{hash_bytes, mix};
    let mut h = hash_bytes(0, &m.context);
    for e in m.entries.iter() {
        h = mix(mix(mix(h, e.index), e.term), e.get_entry_type() as u64);
        h = hash_bytes(h, &e.data);
    }
    if let Some(s) = m.snapshot.as_ref() {
        let meta = s.get_metadata();
        h = mix(mix(h, meta.index), meta.term);
        h = hash_bytes(h, &conf_state_bytes(meta.get_conf_state()));
        h = hash_bytes(h, &s.data);
    }
    h
}

/// A `ConfState` in the bytes the hash has always covered: rust-protobuf 2's encoding, which
/// gives every id its own tag (prost packs proto3's repeated ids into one field, so its
/// `write_to_bytes` would change every hash that covers a snapshot).
pub(crate) fn conf_state_bytes(cs: &ConfState) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    let mut out = Vec::new();
    let fields =
        [(1u64, cs.get_voters()), (2, cs.get_learners()), (3, cs.get_voters_outgoing()), (4, cs.get_learners_next())];
    for (field, ids) in fields {
        for &id in ids {
            varint(&mut out, field << 3);
            varint(&mut out, id);
        }
    }
    if cs.auto_leave {
        out.extend_from_slice(&[5 << 3, 1]);
    }
    out
}

/// Serialized with `MessageView`'s field names, so an exported trace reads like the
/// inspector; the payload appears as its counts.
impl Serialize for MsgSummary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("MsgSummary", 17)?;
        st.serialize_field("msg_type", &format!("{:?}", self.msg_type))?;
        st.serialize_field("to", &self.to)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("term", &self.term)?;
        st.serialize_field("log_term", &self.log_term)?;
        st.serialize_field("index", &self.index)?;
        st.serialize_field("entries", &self.entries)?;
        st.serialize_field("data_len", &self.data_len)?;
        st.serialize_field("commit", &self.commit)?;
        st.serialize_field("commit_term", &self.commit_term)?;
        st.serialize_field("snapshot", &self.snapshot)?;
        st.serialize_field("request_snapshot", &self.request_snapshot)?;
        st.serialize_field("reject", &self.reject)?;
        st.serialize_field("reject_hint", &self.reject_hint)?;
        st.serialize_field("context_len", &self.context_len)?;
        st.serialize_field("priority", &self.priority)?;
        st.serialize_field("digest", &self.digest)?;
        st.end()
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
        EntryType::EntryConfChange => match decode::<ConfChange>(&e.data) {
            Ok(cc) => conf_change_words(cc.get_change_type(), cc.node_id),
            Err(_) => "conf change (undecodable)".to_string(),
        },
        EntryType::EntryConfChangeV2 => match decode::<ConfChangeV2>(&e.data) {
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

/// A conf change from an entry's payload. `merge_from_bytes` rather than `parse_from_bytes`:
/// raft-proto's prost codec implements rust-protobuf's `Message` trait by forwarding only
/// `merge_from_bytes` and `write_to_bytes` to prost; `parse_from_bytes` would reach its
/// stream reader, which the wrapper leaves unimplemented (it panics).
pub(crate) fn decode<M: protobuf::Message + Default>(bytes: &[u8]) -> protobuf::ProtobufResult<M> {
    let mut m = M::default();
    m.merge_from_bytes(bytes)?;
    Ok(m)
}

fn conf_change_words(t: ConfChangeType, id: u64) -> String {
    match t {
        ConfChangeType::AddNode => format!("add voter n{id}"),
        ConfChangeType::AddLearnerNode => format!("add learner n{id}"),
        ConfChangeType::RemoveNode => format!("remove n{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conf_state_bytes_are_rust_protobufs_unpacked_encoding() {
        let mut cs = ConfState::from((vec![1, 2, 300], vec![4]));
        cs.mut_voters_outgoing().push(5);
        cs.mut_learners_next().push(6);
        cs.auto_leave = true;
        // What rust-protobuf 2 (raft-proto's protobuf codec) wrote for this `ConfState`.
        let want = [8, 1, 8, 2, 8, 0xac, 2, 16, 4, 24, 5, 32, 6, 40, 1];
        assert_eq!(conf_state_bytes(&cs), want);
        assert!(conf_state_bytes(&ConfState::default()).is_empty());
    }
}
