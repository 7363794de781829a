//! Live mode's page state: what the page knows of a real cluster (`raftlab live`), folded
//! from the bridge's events (`lab::live`) and the replies to the page's requests.
//!
//! Contract: plain data changed only by `LivePage::apply`; `web::live` draws it and talks
//! to the bridge, nothing here touches the browser. Everything kept is bounded (the console
//! keeps its newest `CONSOLE_BLOCKS` blocks, the recall list `RECALL_LINES` lines, a lesson
//! `LESSON_CHECKS` checks), since a learner may leave the page open for hours. A dropped
//! stream or a `Bye` forgets the cluster at once: a picture that no longer follows the
//! cluster must not be shown as if it did. The parts that change at different rates sit
//! behind their own `Rc`, so the ten states a second clone pointers, not the console.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::engine::{ClusterView, NodeId};
use serde_json::Value;

use crate::engine::{ClusterConfig, EntryView, InFlightView, LinkView, MessageView, NodeView, Role, SnapshotMetaView};
use crate::history::{History, Input, Op, Output};
use crate::lab::live::{CheckEvent, CheckVerdict, Hello, LessonEvent, LiveEvent, LiveReply, LiveState, MemberRow};
use crate::store::KeyValue;
use crate::ui::history_layout::{judge, Judged};

/// Console blocks kept (requests with their replies, and stream text).
pub const CONSOLE_BLOCKS: usize = 200;
/// Lines the up arrow can recall.
pub const RECALL_LINES: usize = 100;
/// Checks kept for the lesson playing (the longest lesson has a few dozen).
pub const LESSON_CHECKS: usize = 1000;

/// The event stream, as the page last heard it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// No `Hello` yet.
    Connecting,
    Up,
    /// The stream broke (the browser retries on its own; a new `Hello` brings it back).
    Dropped,
    /// The bridge said goodbye, with its reason; nothing comes after.
    Bye(String),
}

/// The latest state, with what the page draws from it.
#[derive(Debug, PartialEq)]
pub struct Shown {
    pub state: LiveState,
    pub view: Rc<ClusterView>,
    /// `view` with only the member whose keys the bridge sent (`keys_of`): the other
    /// members' stores were not read, and drawn empty they would look empty.
    pub keys: Rc<ClusterView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A request and, once it came, its reply.
    Asked { id: u64, line: String, reply: Option<LiveReply> },
    /// What a running stream printed.
    Stream { id: u64, text: String },
}

impl Block {
    pub fn id(&self) -> u64 {
        match self {
            Block::Asked { id, .. } | Block::Stream { id, .. } => *id,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsoleLog {
    pub blocks: VecDeque<Block>,
    /// Lines sent, oldest first.
    pub recall: VecDeque<String>,
    /// Ids for stream blocks; requests bring their own (`LiveMsg::Asked`), from the top
    /// half of the range so the two never meet.
    next_stream: u64,
}

impl ConsoleLog {
    fn push(&mut self, b: Block) {
        self.blocks.push_back(b);
        while self.blocks.len() > CONSOLE_BLOCKS {
            self.blocks.pop_front();
        }
    }

    /// Requests still waiting for their reply.
    pub fn pending(&self) -> usize {
        self.blocks.iter().filter(|b| matches!(b, Block::Asked { reply: None, .. })).count()
    }
}

/// A lesson playing (or played) on the real cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonProgress {
    pub path: String,
    pub title: String,
    pub steps: Vec<String>,
    pub members: u64,
    pub current: Option<usize>,
    pub checks: Vec<CheckEvent>,
    /// (held, failed, lab-only), once it is over.
    pub done: Option<(usize, usize, usize)>,
    /// Why it stopped, or why the bridge refused to play it.
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LiveMsg {
    /// Boxed: a state is far larger than every other message.
    Heard(Box<LiveEvent>),
    /// The event stream broke.
    Dropped,
    /// A request went out (a console line, or a line from a button or a drag).
    Asked {
        id: u64,
        line: String,
    },
    Replied {
        id: u64,
        reply: LiveReply,
    },
    /// The bridge refused to play a lesson: why.
    LessonRefused(String),
    Select(Option<NodeId>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LivePage {
    pub link: Link,
    pub hello: Option<Rc<Hello>>,
    pub shown: Option<Rc<Shown>>,
    /// The highest term any member reported, for when there is no leader to ask.
    pub max_term: u64,
    pub selected: Option<NodeId>,
    pub console: Rc<ConsoleLog>,
    pub lesson: Option<Rc<LessonProgress>>,
    /// The console's operations on the real cluster, for the history view, judged once
    /// when they arrive (the search is the costly part; the layout is redone as time passes).
    pub history: Option<Rc<(History, Judged)>>,
}

impl Default for LivePage {
    fn default() -> Self {
        LivePage {
            link: Link::Connecting,
            hello: None,
            shown: None,
            max_term: 0,
            selected: None,
            console: Rc::new(ConsoleLog { next_stream: 1 << 62, ..ConsoleLog::default() }),
            lesson: None,
            history: None,
        }
    }
}

impl LivePage {
    pub fn apply(&mut self, msg: LiveMsg) {
        match msg {
            LiveMsg::Heard(e) => self.heard(*e),
            LiveMsg::Dropped => {
                // After a goodbye the browser's own error is no news.
                if !matches!(self.link, Link::Bye(_)) {
                    self.link = Link::Dropped;
                }
                self.shown = None;
            }
            LiveMsg::Asked { id, line } => {
                let c = Rc::make_mut(&mut self.console);
                if c.recall.back() != Some(&line) {
                    c.recall.push_back(line.clone());
                    while c.recall.len() > RECALL_LINES {
                        c.recall.pop_front();
                    }
                }
                c.push(Block::Asked { id, line, reply: None });
            }
            LiveMsg::Replied { id, reply } => {
                let c = Rc::make_mut(&mut self.console);
                // A reply whose block was pushed out by newer ones is dropped with it.
                if let Some(Block::Asked { reply: slot, .. }) = c.blocks.iter_mut().find(|b| b.id() == id) {
                    *slot = Some(reply);
                }
            }
            LiveMsg::LessonRefused(why) => {
                let l = Rc::make_mut(self.lesson.get_or_insert_with(Default::default));
                l.error = Some(why);
            }
            LiveMsg::Select(node) => self.selected = node,
        }
    }

    fn heard(&mut self, e: LiveEvent) {
        match e {
            LiveEvent::Hello(h) => {
                self.hello = Some(Rc::new(h));
                self.link = Link::Up;
            }
            LiveEvent::State(state) => {
                self.link = Link::Up;
                let view = Rc::new(state.view.clone());
                self.max_term = view.nodes.iter().map(|n| n.term).fold(self.max_term, u64::max);
                let mut keys = state.view.clone();
                keys.nodes.retain(|n| n.id == state.keys_of);
                // A member that left the cluster cannot stay selected.
                if self.selected.is_some_and(|s| !view.nodes.iter().any(|n| n.id == s)) {
                    self.selected = None;
                }
                self.shown = Some(Rc::new(Shown { state, view, keys: Rc::new(keys) }));
            }
            LiveEvent::Stream { text } => {
                let c = Rc::make_mut(&mut self.console);
                let id = c.next_stream;
                c.next_stream += 1;
                c.push(Block::Stream { id, text });
            }
            LiveEvent::Lesson(l) => self.lesson_event(l),
            LiveEvent::History(h) => {
                let judged = judge(&h);
                self.history = Some(Rc::new((h, judged)));
            }
            LiveEvent::Bye { why } => {
                self.link = Link::Bye(why);
                self.shown = None;
            }
            // What a newer bridge sends that this page does not draw (`decode_event` skips
            // kinds it does not know, so none arrives from the wire).
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }

    fn lesson_event(&mut self, e: LessonEvent) {
        if let LessonEvent::Started { path, title, steps, members } = e {
            // A lesson boots a fresh cluster, whose terms start again from 1.
            self.max_term = 0;
            self.lesson = Some(Rc::new(LessonProgress { path, title, steps, members, ..Default::default() }));
            return;
        }
        let l = Rc::make_mut(self.lesson.get_or_insert_with(Default::default));
        match e {
            LessonEvent::Started { .. } => {}
            LessonEvent::Step { index, title } => {
                if l.steps.len() <= index {
                    l.steps.resize(index + 1, String::new());
                }
                l.steps[index] = title;
                l.current = Some(index);
            }
            LessonEvent::Check(c) => {
                if l.checks.len() < LESSON_CHECKS {
                    l.checks.push(c);
                }
            }
            LessonEvent::Done { held, failed, lab_only } => {
                l.done = Some((held, failed, lab_only));
                l.current = None;
            }
            LessonEvent::Error { message } => {
                l.error = Some(message);
                l.current = None;
            }
        }
    }

    /// The leader, as `n2`, or `—` when there is none (or no cluster).
    pub fn leader(&self) -> String {
        self.shown.as_ref().and_then(|s| s.view.leader).map_or_else(|| "—".into(), |l| format!("n{l}"))
    }

    /// The leader's term, else the highest term seen.
    pub fn term(&self) -> u64 {
        let leader_term = self.shown.as_ref().and_then(|s| {
            let l = s.view.leader?;
            s.view.nodes.iter().find(|n| n.id == l).map(|n| n.term)
        });
        leader_term.unwrap_or(self.max_term)
    }

    pub fn busy(&self) -> Option<&str> {
        self.shown.as_ref().and_then(|s| s.state.busy.as_deref())
    }

    pub fn gone(&self) -> bool {
        matches!(self.link, Link::Dropped | Link::Bye(_))
    }
}

/// The line the up (`older`) or down arrow brings to the prompt, from `at` (an index into
/// `lines`, `None` for the fresh prompt): the new position and its line (empty when back at
/// the fresh prompt).
pub fn recall(lines: &VecDeque<String>, at: Option<usize>, older: bool) -> (Option<usize>, String) {
    let to = match (at, older) {
        (None, true) => lines.len().checked_sub(1),
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < lines.len() => Some(i + 1),
        (_, false) => None,
    };
    (to, to.and_then(|i| lines.get(i).cloned()).unwrap_or_default())
}

/// One event of the stream, read as the bridge wrote it (`LiveEvent`'s JSON): parsed into a
/// `serde_json::Value`, then taken apart field by field. The derived readers cost the
/// site's wasm about 90 KB before wasm-opt (one `serde_json` reader per struct in a
/// `ClusterView`, twice over for the tagged enums), for a dozen small structs; these
/// helpers are shared by every field, and `Value`'s own reader is in the wasm already. Of
/// the view's `config` (the simulation's settings) only `tick_ms` is read, the one setting
/// the picture draws from; the rest stay at their defaults. The tests hold this to the
/// derived writer for every kind of event.
pub fn decode_event(json: &str) -> Option<LiveEvent> {
    let v: Value = serde_json::from_str(json).ok()?;
    Some(match v.get("kind")?.as_str()? {
        "hello" => LiveEvent::Hello(Hello {
            etcd_version: text(&v, "etcd_version")?,
            members: num(&v, "members")?,
            isolation: text(&v, "isolation")?,
            words: texts(&v, "words")?,
            unseen: list(&v, "unseen", |p| Some((p.get(0)?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string())))?,
            messages: v.get("messages").and_then(Value::as_bool).unwrap_or(false),
        }),
        "state" => LiveEvent::State(LiveState {
            seq: num(&v, "seq")?,
            elapsed_ms: num(&v, "elapsed_ms")?,
            view: view(v.get("view")?)?,
            members: list(&v, "members", |m| {
                Some(MemberRow {
                    id: text(m, "id")?,
                    name: text(m, "name")?,
                    peer_urls: texts(m, "peer_urls")?,
                    client_urls: texts(m, "client_urls")?,
                    is_learner: flag(m, "is_learner")?,
                })
            })?,
            alarms: texts(&v, "alarms")?,
            keys_of: num(&v, "keys_of")?,
            busy: v.get("busy").and_then(Value::as_str).map(str::to_string),
        }),
        "stream" => LiveEvent::Stream { text: text(&v, "text")? },
        "history" => LiveEvent::History(History { ops: list(&v, "ops", op)? }),
        "bye" => LiveEvent::Bye { why: text(&v, "why")? },
        "lesson" => LiveEvent::Lesson(match v.get("event")?.as_str()? {
            "started" => LessonEvent::Started {
                path: text(&v, "path")?,
                title: text(&v, "title")?,
                steps: texts(&v, "steps")?,
                members: num(&v, "members")?,
            },
            "step" => LessonEvent::Step { index: num(&v, "index")? as usize, title: text(&v, "title")? },
            "check" => LessonEvent::Check(CheckEvent {
                step: num(&v, "step")? as usize,
                line: num(&v, "line")? as usize,
                what: text(&v, "what")?,
                verdict: match v.get("verdict")?.as_str()? {
                    "held" => CheckVerdict::Held,
                    "failed" => CheckVerdict::Failed,
                    "lab-only" => CheckVerdict::LabOnly,
                    _ => return None,
                },
                why: text(&v, "why")?,
            }),
            "done" => LessonEvent::Done {
                held: num(&v, "held")? as usize,
                failed: num(&v, "failed")? as usize,
                lab_only: num(&v, "lab_only")? as usize,
            },
            "error" => LessonEvent::Error { message: text(&v, "message")? },
            _ => return None,
        }),
        _ => return None,
    })
}

/// A request's answer (`LiveReply`'s JSON).
pub fn decode_reply(json: &str) -> Option<LiveReply> {
    let v: Value = serde_json::from_str(json).ok()?;
    Some(LiveReply { output: text(&v, "output")?, ok: flag(&v, "ok")? })
}

fn view(v: &Value) -> Option<ClusterView> {
    Some(ClusterView {
        now_ms: num(v, "now_ms")?,
        cluster_id: num(v, "cluster_id")?,
        config: ClusterConfig {
            tick_ms: v.get("config").and_then(|c| num(c, "tick_ms")).unwrap_or(ClusterConfig::default().tick_ms),
            ..ClusterConfig::default()
        },
        leader: v.get("leader").and_then(Value::as_u64),
        nodes: list(v, "nodes", node)?,
        in_flight: list(v, "in_flight", |m| {
            Some(InFlightView {
                id: num(m, "id")?,
                from: num(m, "from")?,
                to: num(m, "to")?,
                sent_at_ms: num(m, "sent_at_ms")?,
                deliver_at_ms: num(m, "deliver_at_ms")?,
                msg: message(m.get("msg")?)?,
            })
        })?,
        links: list(v, "links", |l| {
            Some(LinkView {
                from: num(l, "from")?,
                to: num(l, "to")?,
                cut: flag(l, "cut")?,
                drop_ppm: num(l, "drop_ppm")? as u32,
                dup_ppm: num(l, "dup_ppm")? as u32,
                extra_ms: num(l, "extra_ms")?,
            })
        })?,
        latency_ms: num(v, "latency_ms")?,
        jitter_ms: num(v, "jitter_ms")?,
        trace_hash: num(v, "trace_hash")?,
    })
}

fn node(n: &Value) -> Option<NodeView> {
    Some(NodeView {
        id: num(n, "id")?,
        name: text(n, "name")?,
        member_id: num(n, "member_id")?,
        alive: flag(n, "alive")?,
        removed: flag(n, "removed")?,
        role: match n.get("role")?.as_str()? {
            "Follower" => Role::Follower,
            "PreCandidate" => Role::PreCandidate,
            "Candidate" => Role::Candidate,
            "Leader" => Role::Leader,
            "Learner" => Role::Learner,
            "Dead" => Role::Dead,
            _ => return None,
        },
        term: num(n, "term")?,
        vote: num(n, "vote")?,
        leader: num(n, "leader")?,
        election_elapsed: num(n, "election_elapsed")?,
        election_timeout: num(n, "election_timeout")?,
        first_index: num(n, "first_index")?,
        last_index: num(n, "last_index")?,
        persisted: num(n, "persisted")?,
        committed: num(n, "committed")?,
        applied: num(n, "applied")?,
        snapshot_index: num(n, "snapshot_index")?,
        revision: int(n, "revision")?,
        kvs: list(n, "kvs", |kv| {
            Some(KeyValue {
                key: bytes(kv, "key")?,
                create_revision: int(kv, "create_revision")?,
                mod_revision: int(kv, "mod_revision")?,
                version: int(kv, "version")?,
                value: bytes(kv, "value")?,
                lease: int(kv, "lease")?,
            })
        })?,
        key_count: num(n, "key_count")?,
        disk_delay_ms: num(n, "disk_delay_ms")?,
        fsync_until_ms: n.get("fsync_until_ms").and_then(Value::as_u64),
    })
}

/// A raft message, every field of `eraftpb::Message` as `MessageView` holds them.
fn message(m: &Value) -> Option<MessageView> {
    let snapshot = match m.get("snapshot")? {
        Value::Null => None,
        s => Some(SnapshotMetaView {
            index: num(s, "index")?,
            term: num(s, "term")?,
            voters: list(s, "voters", Value::as_u64)?,
            learners: list(s, "learners", Value::as_u64)?,
            data_len: num(s, "data_len")?,
        }),
    };
    Some(MessageView {
        msg_type: text(m, "msg_type")?,
        to: num(m, "to")?,
        from: num(m, "from")?,
        term: num(m, "term")?,
        log_term: num(m, "log_term")?,
        index: num(m, "index")?,
        entries: list(m, "entries", |e| {
            Some(EntryView {
                index: num(e, "index")?,
                term: num(e, "term")?,
                entry_type: text(e, "entry_type")?,
                summary: text(e, "summary")?,
                data_len: num(e, "data_len")?,
            })
        })?,
        commit: num(m, "commit")?,
        commit_term: num(m, "commit_term")?,
        snapshot,
        request_snapshot: num(m, "request_snapshot")?,
        reject: flag(m, "reject")?,
        reject_hint: num(m, "reject_hint")?,
        context: bytes(m, "context")?,
        priority: int(m, "priority")?,
    })
}

/// One client operation (`history::Op`; its enums are externally tagged).
fn op(o: &Value) -> Option<Op> {
    let input = o.get("input")?;
    let (tag, body) = input.as_object()?.iter().next()?;
    let key = text(body, "key")?;
    let input = match tag.as_str() {
        "Put" => Input::Put { key, value: text(body, "value")? },
        "Get" => Input::Get { key },
        "Delete" => Input::Delete { key },
        "Cas" => Input::Cas {
            key,
            expect: body.get("expect").and_then(Value::as_str).map(str::to_string),
            new: text(body, "new")?,
        },
        _ => return None,
    };
    let output = match o.get("output")? {
        Value::String(unit) if unit == "Ok" => Output::Ok,
        Value::String(unit) if unit == "Unknown" => Output::Unknown,
        Value::Object(m) => match m.iter().next()? {
            (t, v) if t == "Value" => Output::Value(v.as_str().map(str::to_string)),
            (t, v) if t == "Deleted" => Output::Deleted(v.as_i64()?),
            (t, v) if t == "Swapped" => Output::Swapped(v.as_bool()?),
            _ => return None,
        },
        _ => return None,
    };
    Some(Op {
        client: num(o, "client")?,
        call_ms: num(o, "call_ms")?,
        return_ms: o.get("return_ms").and_then(Value::as_u64),
        input,
        output,
        label: text(o, "label")?,
    })
}

fn num(v: &Value, k: &str) -> Option<u64> {
    v.get(k)?.as_u64()
}

fn int(v: &Value, k: &str) -> Option<i64> {
    v.get(k)?.as_i64()
}

fn flag(v: &Value, k: &str) -> Option<bool> {
    v.get(k)?.as_bool()
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k)?.as_str().map(str::to_string)
}

fn texts(v: &Value, k: &str) -> Option<Vec<String>> {
    list(v, k, |s| s.as_str().map(str::to_string))
}

fn bytes(v: &Value, k: &str) -> Option<Vec<u8>> {
    list(v, k, |b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
}

fn list<T>(v: &Value, k: &str, each: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    v.get(k)?.as_array()?.iter().map(each).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: NodeId, role: Role, term: u64) -> NodeView {
        NodeView {
            id,
            name: format!("n{id}"),
            member_id: id,
            alive: role != Role::Dead,
            removed: false,
            role,
            term,
            vote: 0,
            leader: 0,
            election_elapsed: 0,
            election_timeout: 0,
            first_index: 1,
            last_index: 5,
            persisted: 5,
            committed: 5,
            applied: 5,
            snapshot_index: 0,
            revision: 1,
            kvs: vec![],
            key_count: 0,
            disk_delay_ms: 0,
            fsync_until_ms: None,
        }
    }

    fn heard(e: LiveEvent) -> LiveMsg {
        LiveMsg::Heard(Box::new(e))
    }

    fn state(seq: u64, leader: Option<NodeId>, nodes: Vec<NodeView>) -> LiveEvent {
        LiveEvent::State(LiveState {
            seq,
            elapsed_ms: seq * 100,
            view: ClusterView {
                now_ms: seq * 100,
                cluster_id: 1,
                config: ClusterConfig::default(),
                leader,
                nodes,
                in_flight: vec![],
                links: vec![],
                latency_ms: 0,
                jitter_ms: 0,
                trace_hash: 0,
            },
            members: vec![],
            alarms: vec![],
            keys_of: 2,
            busy: None,
        })
    }

    #[test]
    fn the_term_is_the_leaders_else_the_highest_seen() {
        let mut p = LivePage::default();
        assert_eq!((p.leader().as_str(), p.term()), ("—", 0));
        p.apply(heard(state(1, Some(2), vec![node(1, Role::Follower, 3), node(2, Role::Leader, 3)])));
        assert_eq!((p.leader().as_str(), p.term()), ("n2", 3));
        p.apply(heard(state(2, None, vec![node(1, Role::Candidate, 5), node(2, Role::Dead, 3)])));
        assert_eq!((p.leader().as_str(), p.term()), ("—", 5));
        // Only the member whose keys were read is drawn in the store panel.
        let keys = &p.shown.as_ref().unwrap().keys;
        assert_eq!(keys.nodes.iter().map(|n| n.id).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn a_dropped_stream_or_a_goodbye_forgets_the_cluster() {
        let mut p = LivePage::default();
        p.apply(heard(state(1, Some(1), vec![node(1, Role::Leader, 2)])));
        p.apply(LiveMsg::Dropped);
        assert!(p.gone() && p.shown.is_none());
        assert_eq!(p.link, Link::Dropped);
        p.apply(heard(LiveEvent::Bye { why: "Ctrl-C".into() }));
        p.apply(LiveMsg::Dropped);
        assert_eq!(p.link, Link::Bye("Ctrl-C".into()));
    }

    #[test]
    fn the_console_keeps_its_newest_blocks_and_routes_replies_by_id() {
        let mut p = LivePage::default();
        for id in 0..(CONSOLE_BLOCKS as u64 + 10) {
            p.apply(LiveMsg::Asked { id, line: format!("put k{id} v") });
        }
        p.apply(heard(LiveEvent::Stream { text: "PUT\nx\n".into() }));
        assert_eq!(p.console.blocks.len(), CONSOLE_BLOCKS);
        assert_eq!(p.console.recall.len(), RECALL_LINES);
        p.apply(LiveMsg::Replied { id: 3, reply: LiveReply { output: "OK".into(), ok: true } });
        p.apply(LiveMsg::Replied { id: 150, reply: LiveReply { output: "OK".into(), ok: true } });
        let replied = p.console.blocks.iter().filter(|b| matches!(b, Block::Asked { reply: Some(_), .. })).count();
        assert_eq!(replied, 1);
        assert_eq!(p.console.pending(), CONSOLE_BLOCKS - 2);
    }

    #[test]
    fn events_are_read_as_the_bridge_wrote_them() {
        let mut events = vec![
            LiveEvent::Hello(Hello {
                etcd_version: "etcd 3.4.23".into(),
                members: 3,
                isolation: "loopback".into(),
                words: vec!["kill".into()],
                unseen: vec![("step".into(), "real time".into())],
                messages: true,
            }),
            state(7, Some(2), vec![node(1, Role::Follower, 3), node(2, Role::Leader, 3)]),
            LiveEvent::Stream { text: "PUT\nx\n1\n".into() },
            LiveEvent::Bye { why: "Ctrl-C".into() },
            LiveEvent::History(History {
                ops: [
                    (Input::Put { key: "x".into(), value: "1".into() }, Output::Ok, Some(20)),
                    (Input::Get { key: "x".into() }, Output::Value(Some("1".into())), Some(40)),
                    (Input::Get { key: "y".into() }, Output::Value(None), Some(50)),
                    (Input::Delete { key: "x".into() }, Output::Deleted(1), None),
                    (Input::Cas { key: "x".into(), expect: None, new: "2".into() }, Output::Swapped(true), Some(90)),
                    (Input::Cas { key: "x".into(), expect: Some("2".into()), new: "3".into() }, Output::Unknown, None),
                ]
                .into_iter()
                .enumerate()
                .map(|(i, (input, output, return_ms))| Op {
                    client: i as u64 % 3 + 1,
                    call_ms: i as u64 * 10,
                    return_ms,
                    input,
                    output,
                    label: format!("op {i}"),
                })
                .collect(),
            }),
        ];
        if let LiveEvent::State(s) = &mut events[1] {
            s.busy = Some("lesson".into());
            s.members.push(MemberRow {
                id: "8e9e05c52164694d".into(),
                name: String::new(),
                peer_urls: vec!["http://10.0.0.4:2380".into()],
                client_urls: vec![],
                is_learner: true,
            });
            s.view.nodes[1].kvs.push(KeyValue { key: b"x".to_vec(), value: b"1".to_vec(), ..Default::default() });
            s.view.config.tick_ms = 50;
            let msg = |snapshot| MessageView {
                msg_type: "MsgAppend".into(),
                to: 1,
                from: 2,
                term: 3,
                log_term: 3,
                index: 7,
                entries: vec![EntryView {
                    index: 8,
                    term: 3,
                    entry_type: "normal".into(),
                    summary: "put x 1".into(),
                    data_len: 12,
                }],
                commit: 7,
                commit_term: 3,
                snapshot,
                request_snapshot: 0,
                reject: false,
                reject_hint: 0,
                context: vec![1, 2],
                priority: -1,
            };
            let snap = SnapshotMetaView { index: 5, term: 2, voters: vec![1, 2, 3], learners: vec![4], data_len: 99 };
            for (id, m) in [(1, msg(None)), (2, msg(Some(snap.clone())))] {
                s.view.in_flight.push(InFlightView { id, from: 2, to: 1, sent_at_ms: 600, deliver_at_ms: 650, msg: m });
            }
        }
        for l in [
            LessonEvent::Started { path: "p".into(), title: "t".into(), steps: vec!["a".into()], members: 3 },
            LessonEvent::Step { index: 2, title: "b".into() },
            LessonEvent::Check(CheckEvent {
                step: 1,
                line: 4,
                what: "w".into(),
                verdict: CheckVerdict::LabOnly,
                why: "y".into(),
            }),
            LessonEvent::Done { held: 1, failed: 2, lab_only: 3 },
            LessonEvent::Error { message: "m".into() },
        ] {
            events.push(LiveEvent::Lesson(l));
        }
        for e in events {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(decode_event(&json), Some(e), "{json}");
        }
        assert_eq!(decode_event(r#"{"kind":"news"}"#), None);
        let reply = LiveReply { output: "OK\n".into(), ok: true };
        assert_eq!(decode_reply(&serde_json::to_string(&reply).unwrap()), Some(reply));
        assert_eq!(decode_event("not json"), None);
    }

    #[test]
    fn a_history_is_judged_when_it_arrives() {
        let mut p = LivePage::default();
        let op = |call_ms, input, output| Op {
            client: 1,
            call_ms,
            return_ms: Some(call_ms + 5),
            input,
            output,
            label: String::new(),
        };
        let ops = vec![
            op(0, Input::Put { key: "x".into(), value: "1".into() }, Output::Ok),
            op(10, Input::Get { key: "x".into() }, Output::Value(Some("2".into()))),
        ];
        p.apply(heard(LiveEvent::History(History { ops })));
        let (h, judged) = &**p.history.as_ref().unwrap();
        assert_eq!(h.ops.len(), 2);
        assert!(judged.overall().is_err(), "a get of a value never put is no linearizable history");
    }

    #[test]
    fn the_arrows_walk_the_lines_sent() {
        let lines: VecDeque<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(recall(&lines, None, true), (Some(2), "c".into()));
        assert_eq!(recall(&lines, Some(0), true), (Some(0), "a".into()));
        assert_eq!(recall(&lines, Some(1), false), (Some(2), "c".into()));
        assert_eq!(recall(&lines, Some(2), false), (None, String::new()));
        assert_eq!(recall(&VecDeque::new(), None, true), (None, String::new()));
    }

    #[test]
    fn a_lesson_is_followed_from_start_to_done() {
        let mut p = LivePage::default();
        let mut feed = |e| p.apply(heard(LiveEvent::Lesson(e)));
        feed(LessonEvent::Started {
            path: "lessons/en/03-leader-dies.md".into(),
            title: "The leader dies".into(),
            steps: vec!["a".into(), "b".into()],
            members: 3,
        });
        feed(LessonEvent::Step { index: 1, title: "b".into() });
        feed(LessonEvent::Check(CheckEvent {
            step: 1,
            line: 40,
            what: "expect leader != n2".into(),
            verdict: CheckVerdict::Held,
            why: "n1 leads".into(),
        }));
        feed(LessonEvent::Done { held: 1, failed: 0, lab_only: 0 });
        let l = p.lesson.clone().unwrap();
        assert_eq!((l.checks.len(), l.done, l.current), (1, Some((1, 0, 0)), None));
        // A new lesson starts afresh.
        p.apply(heard(LiveEvent::Lesson(LessonEvent::Started {
            path: "x".into(),
            title: "x".into(),
            steps: vec![],
            members: 5,
        })));
        assert!(p.lesson.as_ref().unwrap().checks.is_empty());
    }
}
