//! Real messages: what the taps on the peer links saw, decoded (`wire`), kept for the
//! picture as the lab keeps messages in flight.
//!
//! Contract: `Messages` is the `Tap` live mode sets; every raft message that crossed a
//! link (link heartbeats aside) is kept with when it was seen, its sender and receiver as
//! member numbers (the proxy knows them), newest last, at most `KEEP`. `in_flight` turns
//! those seen in the last `SHOWN_MS` into the view's `InFlightView`s, each drawn as if it
//! took `SHOWN_MS` to cross: a real message crosses a veth pair in microseconds, too fast
//! to see, so the picture shows it for a moment after it was sent. An entry's payload is
//! etcd's own request, which the lab's decoder does not read: it is shown by its size.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use raft::eraftpb::{EntryType, Message};

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

    /// The messages seen in the last `SHOWN_MS`, timed from `since` (the members' start).
    pub fn in_flight(&self, since: Instant) -> Vec<InFlightView> {
        let Ok(g) = self.inner.lock() else { return Vec::new() };
        let now = Instant::now();
        g.seen
            .iter()
            .filter(|s| now.duration_since(s.at).as_millis() as u64 <= SHOWN_MS)
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

fn view_of(s: &Seen) -> MessageView {
    let mut v = MessageView::from(&s.msg);
    // The page names members by number; etcd's messages carry 64-bit member ids.
    v.from = s.from;
    v.to = s.to;
    for (e, raw) in v.entries.iter_mut().zip(s.msg.entries.iter()) {
        if raw.get_entry_type() == EntryType::EntryNormal && !raw.data.is_empty() {
            e.summary = format!("etcd request ({} bytes)", raw.data.len());
        }
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
