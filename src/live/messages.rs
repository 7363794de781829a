//! Real messages: what the taps on the peer links saw, decoded (`wire`), kept for the
//! picture as the lab keeps messages in flight.
//!
//! Contract: `Messages` is the `Tap` live mode sets; every raft message that crossed a
//! link (link heartbeats aside) is kept with when it was seen, its sender and receiver as
//! member numbers (the proxy knows them), newest last, at most `KEEP`. `in_flight` turns
//! those seen in the last `SHOWN_MS` into the view's `InFlightView`s, each drawn as if it
//! took `SHOWN_MS` to cross: a real message crosses a veth pair in microseconds, too fast
//! to see, so the picture shows it for a moment after it was sent. An entry's payload is
//! etcd's own request, which the lab's decoder does not read: it is shown by its size. A
//! conf change is read with etcd's numbering, which is not raft-rs's (etcd's 2 is
//! UpdateNode and 3 AddLearnerNode; raft-rs's 2 is AddLearnerNode), and by the member id
//! etcd gave it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use raft::eraftpb::{ConfChange, Entry, EntryType, Message};

use crate::engine::message::decode;

use crate::engine::{InFlightView, MessageView};
use crate::oracle::real::tap::{Tap, Watcher};

use super::wire::{Replies, Requests, StreamKind};

/// Messages kept (heartbeats alone are 20 a second on three members).
pub const KEEP: usize = 512;
/// How long a message stays in the picture.
pub const SHOWN_MS: u64 = 400;

struct Seen {
    at: Instant,
    id: u64,
    from: u64,
    to: u64,
    msg: Message,
}

#[derive(Default)]
struct Inner {
    seen: VecDeque<Seen>,
    next_id: u64,
    total: u64,
}

#[derive(Clone, Default)]
pub struct Messages {
    inner: Arc<Mutex<Inner>>,
}

impl Messages {
    fn record(&self, from: u64, to: u64, msg: Message) {
        let Ok(mut g) = self.inner.lock() else { return };
        g.next_id += 1;
        g.total += 1;
        let id = g.next_id;
        g.seen.push_back(Seen { at: Instant::now(), id, from, to, msg });
        while g.seen.len() > KEEP {
            g.seen.pop_front();
        }
    }

    /// Messages seen so far, in all.
    pub fn total(&self) -> u64 {
        self.inner.lock().map(|g| g.total).unwrap_or(0)
    }

    /// The messages seen in the last `SHOWN_MS`, timed from `since` (the members' start):
    /// the newest of each kind on each link (a leader's heartbeats come every 100 ms, and
    /// four of one kind on one link would be drawn on top of each other).
    pub fn in_flight(&self, since: Instant) -> Vec<InFlightView> {
        let Ok(g) = self.inner.lock() else { return Vec::new() };
        let now = Instant::now();
        let mut newest = std::collections::BTreeMap::new();
        for s in g.seen.iter().filter(|s| now.duration_since(s.at).as_millis() as u64 <= SHOWN_MS) {
            newest.insert((s.from, s.to, s.msg.msg_type), s);
        }
        let mut shown: Vec<&Seen> = newest.into_values().collect();
        shown.sort_by_key(|s| s.id);
        shown
            .into_iter()
            .map(|s| {
                let sent = s.at.saturating_duration_since(since).as_millis() as u64;
                InFlightView {
                    id: s.id,
                    from: s.from,
                    to: s.to,
                    sent_at_ms: sent,
                    deliver_at_ms: sent + SHOWN_MS,
                    msg: view_of(s),
                }
            })
            .collect()
    }
}

/// An etcd entry in words.
fn summary(e: &Entry) -> String {
    match EntryType::from_i32(e.entry_type) {
        Some(EntryType::EntryNormal) if e.data.is_empty() => "(empty)".into(),
        Some(EntryType::EntryNormal) => format!("etcd request ({} bytes)", e.data.len()),
        Some(EntryType::EntryConfChange) => match decode::<ConfChange>(&e.data) {
            // Read as raw numbers: raft-rs's getter would take etcd's 3 for no variant.
            Ok(cc) => match cc.change_type {
                0 => format!("add voter {:x}", cc.node_id),
                1 => format!("remove {:x}", cc.node_id),
                2 => format!("update {:x}", cc.node_id),
                3 => format!("add learner {:x}", cc.node_id),
                t => format!("conf change of kind {t}"),
            },
            Err(_) => "conf change (undecodable)".into(),
        },
        Some(EntryType::EntryConfChangeV2) => "conf change v2".into(),
        None => format!("entry of kind {}", e.entry_type),
    }
}

fn view_of(s: &Seen) -> MessageView {
    // Only what raft-rs's own types read safely goes through them: entries with their
    // payload taken out (described here instead), and a kind they know.
    let mut m = s.msg.clone();
    let words: Vec<(String, u64)> = m.entries.iter().map(|e| (summary(e), e.data.len() as u64)).collect();
    for e in m.entries.iter_mut() {
        e.data.clear();
        if EntryType::from_i32(e.entry_type).is_none() {
            e.entry_type = EntryType::EntryNormal as i32;
        }
    }
    let mut v = MessageView::from(&m);
    // The page names members by number; etcd's messages carry 64-bit member ids.
    v.from = s.from;
    v.to = s.to;
    for (e, (summary, len)) in v.entries.iter_mut().zip(words) {
        e.summary = summary;
        e.data_len = len;
    }
    v
}

impl Tap for Messages {
    fn open(&self, from: u64, to: u64) -> (Watcher, Watcher) {
        // What the dialling member asked decides how the answers read.
        let opened: Arc<Mutex<Option<StreamKind>>> = Arc::default();
        let mut requests = Requests::default();
        let (me, kind) = (self.clone(), Arc::clone(&opened));
        let sent: Watcher = Box::new(move |b: &[u8]| {
            for m in requests.feed(b) {
                me.record(from, to, m);
            }
            if let (Some(k), Ok(mut slot)) = (requests.opened, kind.lock()) {
                slot.get_or_insert(k);
            }
        });
        let mut replies: Option<Replies> = None;
        let me = self.clone();
        let answered: Watcher = Box::new(move |b: &[u8]| {
            if replies.is_none() {
                let k = opened.lock().ok().and_then(|k| *k);
                // A reply to anything but a stream GET carries no message.
                let Some(k) = k else { return };
                replies = Some(Replies::new(k, to, from));
            }
            if let Some(r) = replies.as_mut() {
                for m in r.feed(b) {
                    me.record(to, from, m);
                }
            }
        });
        (sent, answered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protobuf::Message as _;
    use raft::eraftpb::MessageType;

    #[test]
    fn only_the_newest_of_a_kind_on_a_link_is_drawn() {
        let msgs = Messages::default();
        let hb = |term| {
            let mut m = Message::default();
            m.set_msg_type(MessageType::MsgHeartbeat);
            m.term = term;
            m
        };
        msgs.record(1, 2, hb(2));
        msgs.record(1, 2, hb(3));
        msgs.record(1, 3, hb(3));
        let f = msgs.in_flight(Instant::now());
        let shown: Vec<(u64, u64, u64)> = f.iter().map(|m| (m.from, m.to, m.msg.term)).collect();
        assert_eq!(shown, vec![(1, 2, 3), (1, 3, 3)]);
        assert_eq!(msgs.total(), 3);
    }

    #[test]
    fn conf_changes_read_with_etcds_numbering_and_never_panic() {
        let cc = |t: i32, id: u64| {
            let c = ConfChange { change_type: t, node_id: id, ..Default::default() };
            Entry {
                entry_type: EntryType::EntryConfChange as i32,
                data: c.write_to_bytes().unwrap(),
                ..Default::default()
            }
        };
        assert_eq!(summary(&cc(3, 0xab)), "add learner ab");
        assert_eq!(summary(&cc(2, 0xab)), "update ab");
        assert_eq!(summary(&cc(0, 0xab)), "add voter ab");
        assert_eq!(summary(&cc(9, 1)), "conf change of kind 9");
        let odd = Entry { entry_type: 7, data: vec![1, 2], ..Default::default() };
        let mut m = Message::default();
        m.set_msg_type(MessageType::MsgAppend);
        m.entries = vec![cc(3, 0xab), odd];
        let v = view_of(&Seen { at: Instant::now(), id: 1, from: 1, to: 4, msg: m });
        assert_eq!(v.entries[0].summary, "add learner ab");
        assert_eq!((v.entries[1].summary.as_str(), v.entries[1].data_len), ("entry of kind 7", 2));
    }

    #[test]
    fn a_tapped_pipeline_message_shows_for_a_moment_between_member_numbers() {
        let msgs = Messages::default();
        let (mut sent, _answered) = msgs.open(1, 3);
        let mut m = Message::default();
        m.set_msg_type(MessageType::MsgRequestVote);
        m.from = 0xaaaa;
        m.to = 0xbbbb;
        m.term = 4;
        let body = m.write_to_bytes().unwrap();
        let mut wire = format!("POST /raft HTTP/1.1\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        wire.extend_from_slice(&body);
        let since = Instant::now();
        sent(&wire);
        let f = msgs.in_flight(since);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].from, f[0].to, f[0].msg.from, f[0].msg.to, f[0].msg.term), (1, 3, 1, 3, 4));
        assert_eq!(f[0].msg.msg_type, "MsgRequestVote");
        assert_eq!(f[0].deliver_at_ms - f[0].sent_at_ms, SHOWN_MS);
        assert_eq!(msgs.total(), 1);
    }
}
