//! etcd's raft messages as they cross a peer link (rafthttp in etcd 3.4), decoded from
//! the bytes a tap on that link sees, into raft-rs's own `eraftpb::Message` (etcd's
//! `raftpb` has the same fields and numbers).
//!
//! Contract: pure and incremental; bytes may arrive in any pieces. `Requests` reads what the
//! dialling member sends: a sequence of HTTP/1.1 requests, where `POST /raft` carries one
//! message (the pipeline) and `GET /raft/stream/{message,msgapp}/…` opens a stream whose
//! messages come back in the response; it says which stream it opened. `Replies` reads
//! the other direction of a stream connection: the response head, then a chunked body in
//! one of the two stream encodings (`message`: an 8-byte big-endian length and the
//! message; `msgappv2`: a type byte, then a link heartbeat, or entries whose term and
//! index follow from the previous MsgApp, or a whole MsgApp). Link heartbeats are not raft
//! messages and are never returned. Anything it cannot follow (a chunked request, a message
//! over `MAX_MESSAGE`) makes it stop decoding that connection, never the link.

use raft::eraftpb::{Entry, Message, MessageType};

use crate::engine::message::decode;

/// The largest message decoded; a bigger one (a snapshot) ends decoding on its connection.
pub const MAX_MESSAGE: usize = 8 << 20;

/// Which stream a `GET /raft/stream/…` opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    Message,
    MsgAppV2,
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8).map(|s| u64::from_be_bytes(s.try_into().unwrap_or([0; 8])))
}

/// A message, if the bytes are one of a kind raft-rs knows (its getters panic on others).
fn message(b: &[u8]) -> Option<Message> {
    decode::<Message>(b).ok().filter(|m| MessageType::from_i32(m.msg_type).is_some())
}

/// The dialling side's requests.
#[derive(Default)]
pub struct Requests {
    buf: Vec<u8>,
    /// Body bytes still to come for the current request, and whether it is a message.
    body: Option<(usize, bool)>,
    stopped: bool,
    pub opened: Option<StreamKind>,
}

impl Requests {
    /// Feeds bytes; returns the messages (pipeline POSTs) they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Message> {
        let mut out = Vec::new();
        if self.stopped || self.opened.is_some() {
            return out;
        }
        self.buf.extend_from_slice(bytes);
        loop {
            match self.body {
                Some((len, is_msg)) => {
                    if self.buf.len() < len {
                        return out;
                    }
                    if is_msg {
                        if let Some(m) = message(&self.buf[..len]) {
                            out.push(m);
                        }
                    }
                    self.buf.drain(..len);
                    self.body = None;
                }
                None => {
                    let mut headers = [httparse::EMPTY_HEADER; 32];
                    let mut req = httparse::Request::new(&mut headers);
                    let head = match req.parse(&self.buf) {
                        Ok(httparse::Status::Complete(n)) => n,
                        Ok(httparse::Status::Partial) if self.buf.len() < 64 * 1024 => return out,
                        _ => {
                            self.stop();
                            return out;
                        }
                    };
                    let path = req.path.unwrap_or("");
                    let header = |name: &str| {
                        req.headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case(name))
                            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
                    };
                    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
                        // A snapshot's body: not followed.
                        self.stop();
                        return out;
                    }
                    let len: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    if path.starts_with("/raft/stream/message/") {
                        self.opened = Some(StreamKind::Message);
                    } else if path.starts_with("/raft/stream/msgapp/") || path.starts_with("/raft/stream/msgappv2/") {
                        // The msgappv2 stream's path says `msgapp` (rafthttp's endpoint).
                        self.opened = Some(StreamKind::MsgAppV2);
                    }
                    let is_msg = req.method == Some("POST") && path == "/raft";
                    self.buf.drain(..head);
                    if self.opened.is_some() {
                        self.buf.clear();
                        return out;
                    }
                    if len > MAX_MESSAGE {
                        self.stop();
                        return out;
                    }
                    self.body = Some((len, is_msg));
                }
            }
        }
    }

    fn stop(&mut self) {
        self.stopped = true;
        self.buf = Vec::new();
    }
}

/// A chunked body's payload, as it arrives.
#[derive(Default)]
struct Dechunk {
    buf: Vec<u8>,
    /// Payload bytes left in the current chunk (then its CRLF).
    left: Option<usize>,
    done: bool,
}

impl Dechunk {
    /// Feeds raw bytes, appending the payload they complete to `out`; false on a malformed body.
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> bool {
        self.buf.extend_from_slice(bytes);
        loop {
            if self.done {
                return true;
            }
            match self.left {
                Some(0) => {
                    if self.buf.len() < 2 {
                        return true;
                    }
                    if &self.buf[..2] != b"\r\n" {
                        return false;
                    }
                    self.buf.drain(..2);
                    self.left = None;
                }
                Some(n) => {
                    let take = n.min(self.buf.len());
                    if take == 0 {
                        return true;
                    }
                    out.extend_from_slice(&self.buf[..take]);
                    self.buf.drain(..take);
                    self.left = Some(n - take);
                }
                None => {
                    let Some(end) = self.buf.windows(2).position(|w| w == b"\r\n") else {
                        return self.buf.len() < 64;
                    };
                    let size = std::str::from_utf8(&self.buf[..end])
                        .ok()
                        .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok());
                    let Some(size) = size else { return false };
                    self.buf.drain(..end + 2);
                    if size == 0 {
                        self.done = true;
                    } else {
                        self.left = Some(size);
                    }
                }
            }
        }
    }
}

/// The answering side of a stream connection.
pub struct Replies {
    kind: StreamKind,
    /// The member that answers (the messages' sender) and the one that dialled.
    remote: u64,
    local: u64,
    head_done: bool,
    chunked: bool,
    raw: Vec<u8>,
    dechunk: Dechunk,
    payload: Vec<u8>,
    stopped: bool,
    /// msgappv2's running term and index (as its decoder keeps them).
    term: u64,
    index: u64,
}

impl Replies {
    pub fn new(kind: StreamKind, remote: u64, local: u64) -> Replies {
        Replies {
            kind,
            remote,
            local,
            head_done: false,
            chunked: false,
            raw: Vec::new(),
            dechunk: Dechunk::default(),
            payload: Vec::new(),
            stopped: false,
            term: 0,
            index: 0,
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Message> {
        let mut out = Vec::new();
        if self.stopped {
            return out;
        }
        let mut bytes = bytes;
        if !self.head_done {
            self.raw.extend_from_slice(bytes);
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut resp = httparse::Response::new(&mut headers);
            let head = match resp.parse(&self.raw) {
                Ok(httparse::Status::Complete(n)) => n,
                Ok(httparse::Status::Partial) if self.raw.len() < 64 * 1024 => return out,
                _ => {
                    self.stopped = true;
                    return out;
                }
            };
            if resp.code != Some(200) {
                self.stopped = true;
                return out;
            }
            self.chunked = resp.headers.iter().any(|h| {
                h.name.eq_ignore_ascii_case("transfer-encoding") && String::from_utf8_lossy(h.value).contains("chunked")
            });
            self.head_done = true;
            let rest = self.raw.split_off(head);
            self.raw = rest;
            bytes = &[];
        }
        let fresh = std::mem::take(&mut self.raw);
        let input: Vec<u8> = fresh.into_iter().chain(bytes.iter().copied()).collect();
        if self.chunked {
            if !self.dechunk.feed(&input, &mut self.payload) {
                self.stopped = true;
                return out;
            }
        } else {
            self.payload.extend_from_slice(&input);
        }
        loop {
            let next = match self.kind {
                StreamKind::Message => self.next_message(),
                StreamKind::MsgAppV2 => self.next_app(),
            };
            match next {
                Some(Some(m)) => out.push(m),
                Some(None) => {}
                None => break,
            }
            if self.stopped {
                break;
            }
        }
        out
    }

    /// The next whole frame: `None` when more bytes are needed, `Some(None)` for a frame
    /// that is no raft message (a link heartbeat).
    fn next_message(&mut self) -> Option<Option<Message>> {
        let len = u64_at(&self.payload, 0)? as usize;
        if len > MAX_MESSAGE {
            self.stopped = true;
            return None;
        }
        let frame = self.payload.get(8..8 + len)?;
        let m = message(frame);
        self.payload.drain(..8 + len);
        // A link heartbeat is a MsgHeartbeat from and to nobody.
        Some(m.filter(|m| !(m.get_msg_type() == MessageType::MsgHeartbeat && m.from == 0 && m.to == 0)))
    }

    fn next_app(&mut self) -> Option<Option<Message>> {
        let b = &self.payload;
        match *b.first()? {
            0 => {
                self.payload.drain(..1);
                Some(None)
            }
            1 => {
                let n = u64_at(b, 1)? as usize;
                let mut at = 9;
                let mut entries = Vec::new();
                for _ in 0..n {
                    let size = u64_at(b, at)? as usize;
                    if size > MAX_MESSAGE {
                        self.stopped = true;
                        return None;
                    }
                    let e = b.get(at + 8..at + 8 + size)?;
                    entries.push(decode::<Entry>(e).unwrap_or_default());
                    at += 8 + size;
                }
                let commit = u64_at(b, at)?;
                at += 8;
                let mut m = Message::default();
                m.set_msg_type(MessageType::MsgAppend);
                m.from = self.remote;
                m.to = self.local;
                m.term = self.term;
                m.log_term = self.term;
                m.index = self.index;
                m.commit = commit;
                self.index += entries.len() as u64;
                m.entries = entries;
                self.payload.drain(..at);
                Some(Some(m))
            }
            2 => {
                let size = u64_at(b, 1)? as usize;
                if size > MAX_MESSAGE {
                    self.stopped = true;
                    return None;
                }
                let m = message(b.get(9..9 + size)?);
                self.payload.drain(..9 + size);
                if let Some(m) = &m {
                    self.term = m.term;
                    self.index = m.entries.last().map(|e| e.index).unwrap_or(m.index);
                }
                Some(m)
            }
            _ => {
                self.stopped = true;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protobuf::Message as _;

    fn msg(t: MessageType, from: u64, to: u64, term: u64) -> Message {
        let mut m = Message::default();
        m.set_msg_type(t);
        m.from = from;
        m.to = to;
        m.term = term;
        m
    }

    fn bytes(m: &Message) -> Vec<u8> {
        m.write_to_bytes().unwrap()
    }

    fn chunk(b: &[u8]) -> Vec<u8> {
        let mut out = format!("{:x}\r\n", b.len()).into_bytes();
        out.extend_from_slice(b);
        out.extend_from_slice(b"\r\n");
        out
    }

    #[test]
    fn pipeline_posts_are_messages_and_a_stream_get_says_which_stream() {
        let hb = msg(MessageType::MsgHeartbeat, 11, 22, 3);
        let body = bytes(&hb);
        let mut wire =
            format!("POST /raft HTTP/1.1\r\nHost: n2:2380\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        wire.extend_from_slice(&body);
        wire.extend_from_slice(b"GET /raft/probing HTTP/1.1\r\nHost: n2:2380\r\n\r\n");
        wire.extend_from_slice(b"GET /raft/stream/msgapp/5aa594b5d9b66c42 HTTP/1.1\r\nHost: n2:2380\r\n\r\n");
        let mut r = Requests::default();
        let mut got = Vec::new();
        // One byte at a time: the decoder must not care how the bytes arrive.
        for b in &wire {
            got.extend(r.feed(std::slice::from_ref(b)));
        }
        assert_eq!(got, vec![hb]);
        assert_eq!(r.opened, Some(StreamKind::MsgAppV2));
    }

    #[test]
    fn the_message_stream_skips_link_heartbeats() {
        let vote = msg(MessageType::MsgRequestVote, 11, 22, 4);
        let link = msg(MessageType::MsgHeartbeat, 0, 0, 0);
        let mut payload = Vec::new();
        for m in [&link, &vote] {
            let b = bytes(m);
            payload.extend_from_slice(&(b.len() as u64).to_be_bytes());
            payload.extend_from_slice(&b);
        }
        let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        wire.extend(chunk(&payload[..5]));
        wire.extend(chunk(&payload[5..]));
        let mut r = Replies::new(StreamKind::Message, 22, 11);
        let mut got = Vec::new();
        for piece in wire.chunks(7) {
            got.extend(r.feed(piece));
        }
        assert_eq!(got, vec![vote]);
    }

    #[test]
    fn msgappv2_entries_take_term_and_index_from_the_last_msgapp() {
        let mut first = msg(MessageType::MsgAppend, 11, 22, 5);
        first.index = 9;
        first.log_term = 5;
        let e = Entry { term: 5, index: 10, ..Default::default() };
        first.entries = vec![e];
        let fb = bytes(&first);
        let mut payload = vec![2u8];
        payload.extend_from_slice(&(fb.len() as u64).to_be_bytes());
        payload.extend_from_slice(&fb);
        payload.push(0); // a link heartbeat
        let e2 = Entry { term: 5, index: 11, ..Default::default() };
        let eb = e2.write_to_bytes().unwrap();
        payload.push(1);
        payload.extend_from_slice(&1u64.to_be_bytes());
        payload.extend_from_slice(&(eb.len() as u64).to_be_bytes());
        payload.extend_from_slice(&eb);
        payload.extend_from_slice(&10u64.to_be_bytes());
        let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        wire.extend(chunk(&payload));
        let mut r = Replies::new(StreamKind::MsgAppV2, 11, 22);
        let got = r.feed(&wire);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], first);
        let m = &got[1];
        assert_eq!(
            (m.get_msg_type(), m.from, m.to, m.term, m.log_term, m.index, m.commit),
            (MessageType::MsgAppend, 11, 22, 5, 5, 10, 10)
        );
        assert_eq!(m.entries[0].index, 11);
    }

    #[test]
    fn what_it_cannot_follow_stops_decoding_quietly() {
        let mut r = Requests::default();
        assert!(r.feed(b"POST /raft/snapshot HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").is_empty());
        assert!(r.feed(b"POST /raft HTTP/1.1\r\nContent-Length: 0\r\n\r\n").is_empty());
        let mut s = Replies::new(StreamKind::Message, 1, 2);
        assert!(s.feed(b"HTTP/1.1 404 Not Found\r\n\r\n").is_empty());
        let mut s = Replies::new(StreamKind::MsgAppV2, 1, 2);
        assert!(s.feed(b"HTTP/1.1 200 OK\r\n\r\n\x07").is_empty());
    }
}
