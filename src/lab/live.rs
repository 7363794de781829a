//! The live bridge's words: what `raftlab live` streams to the page it served, and what the
//! page may ask of it. A live run is driven like a lab run, only over real processes, so
//! its words live here, below both the page (`ui`) and the bridge (`crate::live`).
//!
//! Contract: every event is one JSON object (`LiveEvent`, tagged by `kind`) sent as one
//! server-sent event on `EVENTS_PATH`; every request is one JSON `LiveRequest` POSTed to
//! `REQUEST_PATH` and answered with one JSON `LiveReply`. Both carry the run's token: the
//! event stream as `?token=`, a request in the `TOKEN_HEADER` header. The state reuses the
//! lab's own `ClusterView`, so the page draws a real cluster with the components that
//! draw the lab; what a real cluster cannot show is empty there (no message is in flight)
//! and said so in `Hello::unseen`.

use serde::{Deserialize, Serialize};

use crate::engine::ClusterView;

/// The event stream (server-sent events), relative to the page's origin.
pub const EVENTS_PATH: &str = "/live/events";
/// Where requests are POSTed.
pub const REQUEST_PATH: &str = "/live/request";
/// The header that carries the run's token on a request.
pub const TOKEN_HEADER: &str = "x-raftlab-token";
/// The longest request body the bridge reads.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The most members a live cluster may have (bootstrap plus added).
pub const MAX_MEMBERS: u64 = 9;
/// The most streams (`watch`, `lease keep-alive`, …) running at once.
pub const MAX_STREAMS: usize = 8;

/// Server → page.
// An event is built, framed and dropped at once (never stored in bulk), so the state's
// size in the enum costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LiveEvent {
    /// The first event on every connection.
    Hello(Hello),
    /// The cluster as the bridge last polled it (10 times a second).
    State(LiveState),
    /// What a running stream (`watch`, `lease keep-alive`) printed since the last one.
    Stream { text: String },
    /// A lesson playing on the real cluster.
    Lesson(LessonEvent),
    /// The console's puts, gets and deletes on the real cluster so far, as a client
    /// history (real milliseconds since the members started), for the history view.
    History(crate::history::History),
    /// The bridge is shutting down (Ctrl-C, or the page closed): why.
    Bye { why: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// `etcd 3.4.23`, from `etcd --version`.
    pub etcd_version: String,
    /// Bootstrap members.
    pub members: u64,
    /// How members are kept apart: `network namespaces` (every fault works) or `loopback`
    /// (no network faults).
    pub isolation: String,
    /// Lab words the bridge carries out on real processes.
    pub words: Vec<String>,
    /// Lab words it refuses here, each with its one-line reason.
    pub unseen: Vec<(String, String)>,
    /// The state's messages in flight are the real ones, tapped on the peer links (each
    /// shown for a moment after it was sent); false when none can be seen.
    #[serde(default)]
    pub messages: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveState {
    /// Counts the polls since the bridge started.
    pub seq: u64,
    /// Real milliseconds since the members started.
    pub elapsed_ms: u64,
    /// Each member's `endpoint status` in the lab's shape: role (leader, follower, learner;
    /// a member that does not answer is dead), term, commit index (etcd's RAFT INDEX),
    /// applied index, leader; the links, cut or not; the selected member's keys. In flight:
    /// the real messages the taps saw lately (`Hello::messages`), else none.
    pub view: ClusterView,
    /// `member list`, as the first member that answered gave it.
    pub members: Vec<MemberRow>,
    /// `alarm list`: `memberID:… alarm:NOSPACE`, one per alarm.
    pub alarms: Vec<String>,
    /// Whose keys `view` carries (its `kvs`), 0 for none.
    pub keys_of: u64,
    /// What the bridge is busy with (a lesson playing); requests wait until it is done.
    pub busy: Option<String>,
}

/// One row of `member list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// The member id in hex, as etcdctl prints it.
    pub id: String,
    /// Empty until an added member has started.
    pub name: String,
    pub peer_urls: Vec<String>,
    pub client_urls: Vec<String>,
    pub is_learner: bool,
}

/// Page → server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LiveRequest {
    /// A console line: etcdctl's words (`put x 1`, `--endpoints=n2 get x`) or a lab word
    /// (`kill n1`, `partition n1 | n2 n3`, `heal`, `start n4`).
    Line { line: String },
    /// Whose keys the state carries from now on.
    Select { node: u64 },
    /// Plays a lesson (its path in the lessons index, `lessons/en/03-leader-dies.md`) on a
    /// fresh real cluster of its member count.
    Lesson { path: String },
    /// Ctrl-C to every running stream.
    Cancel,
}

/// The answer to one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveReply {
    /// What etcdctl printed (stdout, then stderr without its log lines), or what the lab
    /// word did, or why the request was refused.
    pub output: String,
    /// False when etcdctl exited non-zero, timed out, or the request was refused.
    pub ok: bool,
}

/// A lesson's progress on the real cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LessonEvent {
    /// The lesson is booting its cluster.
    Started { path: String, title: String, steps: Vec<String>, members: u64 },
    /// Step `index` (from 0) begins.
    Step { index: usize, title: String },
    /// A check was judged on the real cluster (or a line could not be carried out).
    Check(CheckEvent),
    /// The lesson is over; the cluster stays for the learner.
    Done { held: usize, failed: usize, lab_only: usize },
    /// The harness failed (etcd would not start): the lesson stopped.
    Error { message: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckEvent {
    pub step: usize,
    /// The check's place in the lesson file (1-based).
    pub line: usize,
    /// `expect leader != n2 and term(leader) >= 3`, `wait until …`, `goal …`, or a line.
    pub what: String,
    pub verdict: CheckVerdict,
    /// What the real cluster showed, or why only the lab can judge it.
    pub why: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckVerdict {
    Held,
    Failed,
    /// Not observable with etcdctl (raft state it never shows, a moment no client reaches,
    /// or after a lab-only action): skipped on the real cluster.
    LabOnly,
}

/// The page's URL fragment in live mode: `#live=1&token=…`. The token, if this is one.
pub fn token_of_fragment(fragment: &str) -> Option<String> {
    let f = fragment.trim_start_matches('#');
    let mut live = false;
    let mut token = None;
    for part in f.split('&') {
        match part.split_once('=') {
            Some(("live", "1")) => live = true,
            Some(("token", t)) if !t.is_empty() => token = Some(t.to_string()),
            _ => {}
        }
    }
    if live {
        token
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fragment_names_live_mode_and_its_token() {
        assert_eq!(token_of_fragment("#live=1&token=abc123"), Some("abc123".into()));
        assert_eq!(token_of_fragment("token=abc&live=1"), Some("abc".into()));
        assert_eq!(token_of_fragment("#live=1"), None);
        assert_eq!(token_of_fragment("#token=abc"), None);
        assert_eq!(token_of_fragment("#lesson=leader-dies"), None);
    }

    #[test]
    fn events_are_tagged_json() {
        let e = LiveEvent::Stream { text: "PUT\nx\n1\n".into() };
        assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"kind":"stream","text":"PUT\nx\n1\n"}"#);
        let r: LiveRequest = serde_json::from_str(r#"{"kind":"line","line":"put x 1"}"#).unwrap();
        assert_eq!(r, LiveRequest::Line { line: "put x 1".into() });
        let c = LiveEvent::Lesson(LessonEvent::Check(CheckEvent {
            step: 1,
            line: 40,
            what: "expect reply == \"OK\"".into(),
            verdict: CheckVerdict::LabOnly,
            why: "".into(),
        }));
        let back: LiveEvent = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
