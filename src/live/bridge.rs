//! What the page asks, carried out on the real cluster: a console line becomes one real
//! etcdctl run (its own output comes back) or a lab word done to real processes and
//! links; a lesson plays on a fresh cluster of its own.
//!
//! Contract: nothing the page sends reaches a shell. A line is split into words as the
//! console splits them and mapped by the lesson oracle's `plan::action`, the same mapping
//! the oracle uses; etcdctl gets those words as its arguments, lab words become `Session`
//! calls. Whatever real processes cannot do (a one-way cut, dropping one message, a slow
//! disk, stepping time) is refused with the reason. At most `MAX_MEMBERS` members and
//! `MAX_STREAMS` streams; a line longer than `MAX_LINE` is refused. Requests are served one
//! at a time; while a lesson plays, every other request is refused with what is playing.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::console::command::Command;
use crate::console::parse::parse_line;
use crate::history::{History, Op};
use crate::lesson::NodeName;
use crate::oracle::lessons::plan::{self, Action, Mode};
use crate::oracle::lessons::{run_live, Progress};
use crate::oracle::real::{place, with_ports, Session, Status};

use super::hub::Hub;
use super::poll::Shared;
use super::protocol::{
    CheckEvent, CheckVerdict, LessonEvent, LiveEvent, LiveReply, LiveRequest, MAX_MEMBERS, MAX_STREAMS,
};

/// The longest console line accepted.
pub const MAX_LINE: usize = 4096;
/// etcdctl's own default command timeout, which the console's lines keep.
const COMMAND_TIMEOUT_MS: u64 = 5000;

pub struct Bridge {
    pub session: Mutex<Option<Session>>,
    /// The bootstrap members a new cluster gets when a lesson could not leave one.
    members: u64,
    pub shared: Arc<Shared>,
    pub hub: Arc<Hub>,
    /// Who led before the current leader (`the old leader`), and who leads now.
    leaders: Mutex<(Option<u64>, Option<u64>)>,
    /// The console's operations on this cluster, for the history view.
    history: Mutex<History>,
}

/// Operations the history keeps; past this the history view stops growing (the check's
/// search is exponential in the worst case, and the view would be unreadable anyway).
pub const MAX_HISTORY: usize = 500;

fn refused(why: impl Into<String>) -> LiveReply {
    LiveReply { output: why.into(), ok: false }
}

fn done(text: impl Into<String>) -> LiveReply {
    LiveReply { output: text.into(), ok: true }
}

/// etcdctl's zap log lines on stderr, which a console never shows.
fn without_logs(stderr: &str) -> String {
    stderr.lines().filter(|l| !l.starts_with("{\"level\":")).map(|l| format!("{l}\n")).collect()
}

/// The most stream text one event carries (ten a second): a watch on a busy prefix prints
/// faster than a page can show.
pub const MAX_STREAM_EVENT: usize = 16 * 1024;

/// `text`, or its last `MAX_STREAM_EVENT` bytes after a line saying how much was left out.
fn bounded(text: String) -> String {
    if text.len() <= MAX_STREAM_EVENT {
        return text;
    }
    let mut from = text.len() - MAX_STREAM_EVENT;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    format!(
        "… {from} bytes of stream output left out: the streams print faster than the page can show\n{}",
        &text[from..]
    )
}

/// The member a `member add` line names, `n4` → 4.
fn added_member(words: &[String]) -> Option<Result<u64, String>> {
    let i = words.iter().position(|w| w == "add")?;
    if words.get(i.wrapping_sub(1)).map(String::as_str) != Some("member") {
        return None;
    }
    let name = words.get(i + 1)?;
    Some(match name.strip_prefix('n').and_then(|k| k.parse::<u64>().ok()) {
        Some(k) if (1..=MAX_MEMBERS).contains(&k) => Ok(k),
        Some(k) if k > MAX_MEMBERS => {
            Err(format!("member add {name}: refused: live mode runs at most {MAX_MEMBERS} members (n1…n{MAX_MEMBERS})"))
        }
        _ => Err(format!(
            "member add {name}: refused: a live member is named n1…n{MAX_MEMBERS}, the name its namespace has"
        )),
    })
}

impl Bridge {
    pub fn new(session: Session, members: u64, shared: Arc<Shared>, hub: Arc<Hub>) -> Bridge {
        Bridge {
            session: Mutex::new(Some(session)),
            members,
            shared,
            hub,
            leaders: Mutex::new((None, None)),
            history: Mutex::new(History::default()),
        }
    }

    fn busy(&self) -> Option<String> {
        self.shared.busy.lock().ok().and_then(|b| b.clone())
    }

    pub fn request(self: &Arc<Self>, req: LiveRequest) -> LiveReply {
        if let LiveRequest::Select { node } = req {
            self.shared.selected.store(node, Ordering::Relaxed);
            return done("");
        }
        if let Some(b) = self.busy() {
            return refused(format!("busy: {b}; wait until it is done"));
        }
        match req {
            LiveRequest::Line { line } => self.line(&line),
            LiveRequest::Cancel => self.with_session(|s| {
                let (out, err) = s.stop_streams();
                done(format!("{out}{}", without_logs(&err)))
            }),
            LiveRequest::Lesson { path } => self.lesson(&path),
            LiveRequest::Select { .. } => done(""),
        }
    }

    fn with_session(&self, f: impl FnOnce(&mut Session) -> LiveReply) -> LiveReply {
        let mut g = match self.session.lock() {
            Ok(g) => g,
            Err(_) => return refused("the bridge failed earlier; restart raftlab live"),
        };
        match g.as_mut() {
            Some(s) => f(s),
            None => {
                refused("no cluster is running (a lesson could not start one); play a lesson or restart raftlab live")
            }
        }
    }

    /// What running streams printed since the last call, for the page.
    pub fn pump_streams(&self) {
        let Ok(mut g) = self.session.try_lock() else { return };
        let Some(s) = g.as_mut() else { return };
        if s.streams() == 0 {
            return;
        }
        let (out, err) = s.drain_streams();
        let text = bounded(format!("{out}{}", without_logs(&err)));
        if !text.is_empty() {
            self.hub.send(&LiveEvent::Stream { text });
        }
    }

    fn line(&self, line: &str) -> LiveReply {
        let line = line.trim();
        if line.len() > MAX_LINE {
            return refused(format!("refused: a line may be at most {MAX_LINE} bytes"));
        }
        if line.is_empty() {
            return done("");
        }
        if line == "help" {
            return done(HELP);
        }
        let action = match plan::action(line, COMMAND_TIMEOUT_MS) {
            Ok(a) => a,
            Err(e) => return refused(format!("Error: {e}\n")),
        };
        self.with_session(|s| self.act(s, line, action))
    }

    fn act(&self, s: &mut Session, line: &str, action: Action) -> LiveReply {
        let r: Result<String, String> = match action {
            Action::Etcd { words, stdin, mode } => {
                let call_ms = s.elapsed_ms();
                let reply = self.etcd(s, words, stdin, mode);
                self.record(line, call_ms, s.elapsed_ms(), &reply);
                return reply;
            }
            Action::LabOnly { what, .. } => {
                return refused(format!("{what}: only the lab can do this; real processes cannot\n"))
            }
            Action::Kube(_) => {
                return refused("kube: the kube client plays in lessons and the lab, not on a live cluster\n")
            }
            Action::Sleep(ms) => {
                return refused(format!("run {ms}ms: time on a real cluster runs by itself; wait instead\n"))
            }
            Action::Cancel => {
                let (out, err) = s.stop_streams();
                return done(format!("{out}{}", without_logs(&err)));
            }
            Action::Kill(n) => self.resolve(s, n).and_then(|k| {
                let was_leader = self.leader_now(s) == Some(k);
                s.kill(k)?;
                Ok(if was_leader { format!("n{k} killed (it was the leader)") } else { format!("n{k} killed") })
            }),
            Action::Restart(n) => self.resolve(s, n).and_then(|k| {
                if s.is_running(k) {
                    return Err(format!("n{k} is already running"));
                }
                if s.restart(k).is_err() {
                    // Never started: `start` is what the learner meant.
                    s.start_added(k)?;
                    return Ok(format!("n{k} started: it joins with --initial-cluster-state existing"));
                }
                Ok(format!("n{k} restarted from its disk"))
            }),
            Action::Start(k) => {
                s.start_added(k).map(|()| format!("n{k} started: it joins with --initial-cluster-state existing"))
            }
            Action::StartFrom(k, dir) => s.start_from(k, &dir).map(|()| format!("n{k} started from {dir}")),
            Action::Isolate(n) => {
                self.resolve(s, n).and_then(|k| s.partition(&[vec![k]]).map(|()| format!("n{k} isolated")))
            }
            Action::Partition(groups) => {
                let mut ids = Vec::new();
                for g in groups {
                    let mut group = Vec::new();
                    for n in g {
                        match self.resolve(s, n) {
                            Ok(k) => group.push(k),
                            Err(e) => return refused(format!("Error: {e}\n")),
                        }
                    }
                    ids.push(group);
                }
                let words: Vec<String> =
                    ids.iter().map(|g| g.iter().map(|i| format!("n{i}")).collect::<Vec<_>>().join(",")).collect();
                s.partition(&ids).map(|()| format!("partitioned: {}", words.join(" | ")))
            }
            Action::Cut(a, b) => self
                .resolve(s, a)
                .and_then(|a| Ok((a, self.resolve(s, b)?)))
                .and_then(|(a, b)| s.cut(a, b).map(|()| format!("cut n{a}<->n{b}"))),
            Action::Mend(a, b) => self
                .resolve(s, a)
                .and_then(|a| Ok((a, self.resolve(s, b)?)))
                .and_then(|(a, b)| s.mend(a, b).map(|()| format!("restored n{a}<->n{b}"))),
            Action::Heal => s.heal().map(|()| "healed: every link restored".to_string()),
            Action::Transfer(n) => self.resolve(s, n).and_then(|k| self.transfer(s, k)),
        };
        match r {
            Ok(text) => done(format!("{text}\n")),
            Err(e) => refused(format!("Error: {line}: {e}\n")),
        }
    }

    fn etcd(&self, s: &mut Session, words: Vec<String>, stdin: Option<String>, mode: Mode) -> LiveReply {
        if let Some(add) = added_member(&words) {
            match add {
                Ok(k) if s.is_running(k) || crate::oracle::real::shape().started.contains(&k) => {
                    return refused(format!("member add n{k}: refused: n{k} is a member already\n"))
                }
                Ok(_) => {}
                Err(e) => return refused(format!("{e}\n")),
            }
        }
        let words: Vec<String> = words
            .into_iter()
            .map(|w| match w.strip_prefix("--peer-urls=http://n").and_then(|r| r.strip_suffix(":2380")) {
                // plan::action names an added member's peer URL as the namespaces do.
                Some(k) if place::loopback() => {
                    format!("--peer-urls={}", place::peer_url(k.parse().unwrap_or(0)))
                }
                _ => w,
            })
            .collect();
        let args = with_ports(words.clone());
        match mode {
            Mode::Stream => {
                if s.streams() >= MAX_STREAMS {
                    return refused(format!(
                        "refused: {MAX_STREAMS} streams (watch, lease keep-alive, lock, elect) already run; `cancel` ends them\n"
                    ));
                }
                match s.stream(&args) {
                    Ok(()) => done(""),
                    Err(e) => refused(format!("{e}\n")),
                }
            }
            Mode::Restore { file } => match s.restore(&file) {
                Ok(c) => LiveReply { output: format!("{}{}", c.stdout, without_logs(&c.stderr)), ok: c.exit.is_none() },
                Err(e) => refused(format!("{e}\n")),
            },
            Mode::Plain => match s.etcdctl(&args, stdin.as_deref()) {
                Ok(c) => {
                    if let Some(Ok(k)) = added_member(&words) {
                        if c.exit.is_none() {
                            s.learn_join(k, &c.stdout);
                        }
                    }
                    let mut output = format!("{}{}", c.stdout, without_logs(&c.stderr));
                    if let Some(secs) = c.timed_out {
                        output.push_str(&format!("(etcdctl was stopped after {secs} s)\n"));
                    }
                    LiveReply { output, ok: c.exit.is_none() && c.timed_out.is_none() }
                }
                Err(e) => refused(format!("{e}\n")),
            },
        }
    }

    /// Adds a console operation to the history (when the model holds it) and sends the
    /// history to the pages.
    fn record(&self, line: &str, call_ms: u64, return_ms: u64, reply: &LiveReply) {
        let Ok(parsed) = parse_line(line) else { return };
        let Some(input) = super::history::input_of(&parsed) else { return };
        let value_only = matches!(parsed.command, Command::Get { print_value_only: true, .. });
        let (out, err) = if reply.ok { (reply.output.as_str(), "") } else { ("", reply.output.as_str()) };
        let Some(output) = super::history::output_of(&input, value_only, out, err, reply.ok) else { return };
        let Ok(mut h) = self.history.lock() else { return };
        if h.ops.len() >= MAX_HISTORY {
            return;
        }
        let unknown = output == crate::history::Output::Unknown;
        h.ops.push(Op {
            client: super::history::client_of(&parsed),
            call_ms,
            return_ms: (!unknown).then_some(return_ms),
            input,
            output,
            label: line.to_string(),
        });
        self.hub.send(&LiveEvent::History(h.clone()));
    }

    /// The history so far, for a page that has just connected.
    pub fn history(&self) -> History {
        self.history.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Every running member's `endpoint status` now.
    fn statuses(&self, s: &Session) -> Result<Vec<Status>, String> {
        let st = s.statuses()?;
        let leader = st.iter().find(|x| x.leader != 0 && x.leader == x.member_id).map(|x| x.node);
        if let Ok(mut l) = self.leaders.lock() {
            if leader.is_some() && l.1 != leader {
                *l = (l.1, leader);
            }
        }
        Ok(st)
    }

    fn leader_now(&self, s: &Session) -> Option<u64> {
        let st = self.statuses(s).ok()?;
        st.iter().filter(|x| x.leader != 0 && x.leader == x.member_id).max_by_key(|x| x.term).map(|x| x.node)
    }

    /// A member the line names, as the cluster is now.
    fn resolve(&self, s: &Session, n: NodeName) -> Result<u64, String> {
        match n {
            NodeName::Id(k) if (1..=MAX_MEMBERS).contains(&k) => Ok(k),
            NodeName::Id(k) => Err(format!("n{k}: live mode runs at most {MAX_MEMBERS} members")),
            NodeName::Leader => self.leader_now(s).ok_or_else(|| "no member is leader now".to_string()),
            NodeName::AFollower => {
                let st = self.statuses(s)?;
                st.iter()
                    .filter(|x| !x.is_learner && x.leader != 0 && x.leader != x.member_id)
                    .map(|x| x.node)
                    .min()
                    .ok_or_else(|| "no member follows a leader now".to_string())
            }
            NodeName::OldLeader => {
                self.statuses(s)?;
                let (old, now) = self.leaders.lock().map(|l| *l).unwrap_or((None, None));
                let _ = now;
                old.ok_or_else(|| "no leader has been replaced yet".to_string())
            }
            NodeName::None => Err("none names no member".into()),
        }
    }

    /// `transfer nK` as etcd's `move-leader`, sent to every running member (etcdctl
    /// finds the leader among them).
    fn transfer(&self, s: &mut Session, k: u64) -> Result<String, String> {
        let st = self.statuses(s)?;
        let id = st.iter().find(|x| x.node == k).map(|x| x.member_id).ok_or_else(|| format!("n{k} does not answer"))?;
        let eps: Vec<String> = s.running().iter().map(|k| place::client(*k)).collect();
        let args = vec!["move-leader".into(), format!("{id:x}"), format!("--endpoints={}", eps.join(","))];
        let c = s.etcdctl(&args, None)?;
        match c.exit {
            None => Ok(c.stdout.trim_end().to_string()),
            Some(_) => Err(format!("move-leader: {}", without_logs(&c.stderr).trim())),
        }
    }

    /// Plays a lesson on a fresh cluster of its own, on a thread; the page follows it
    /// through `LessonEvent`s.
    fn lesson(self: &Arc<Self>, path: &str) -> LiveReply {
        let Some(entry) = crate::lesson::index::INDEX.iter().find(|e| e.path == path) else {
            return refused(format!("{path}: no such lesson in this site's index\n"));
        };
        let Some(text) = crate::lesson::index::text(entry.path) else {
            return refused(format!("{path}: this build does not carry the lesson's text\n"));
        };
        let lesson = match crate::lesson::parse(entry.path, text) {
            Ok(l) => l,
            Err(errs) => {
                return refused(errs.iter().map(|e| format!("{e}\n")).collect::<String>());
            }
        };
        if lesson.cluster.nodes > MAX_MEMBERS {
            return refused(format!(
                "{path}: it needs {} members; live mode runs at most {MAX_MEMBERS}\n",
                lesson.cluster.nodes
            ));
        }
        let what = format!("playing lesson {} live: {}", entry.number, entry.title);
        if let Ok(mut b) = self.shared.busy.lock() {
            *b = Some(what.clone());
        }
        let me = Arc::clone(self);
        let started = LessonEvent::Started {
            path: entry.path.to_string(),
            title: entry.title.to_string(),
            steps: lesson.steps.iter().map(|s| s.title.clone()).collect(),
            members: lesson.cluster.nodes,
        };
        std::thread::spawn(move || {
            let mut g = match me.session.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            // The learner's cluster goes first: the lesson boots its own, with its
            // member count and settings, in the same namespaces' names.
            if let Some(s) = g.take() {
                s.finish(true);
            }
            if let Ok(mut h) = me.history.lock() {
                *h = History::default();
            }
            me.hub.send(&LiveEvent::History(History::default()));
            me.hub.send(&LiveEvent::Lesson(started));
            let hub = Arc::clone(&me.hub);
            let mut step = 0;
            let (mut held, mut failed, mut lab_only) = (0, 0, 0);
            let progress = Box::new(|p: Progress| match p {
                Progress::Step(k) => {
                    step = k;
                    let title = lesson.steps.get(k).map(|s| s.title.clone()).unwrap_or_default();
                    hub.send(&LiveEvent::Lesson(LessonEvent::Step { index: k, title }));
                }
                Progress::Check(c) => {
                    use crate::oracle::lessons::report::Verdict;
                    let (verdict, why) = match &c.verdict {
                        Verdict::Held { .. } => (CheckVerdict::Held, c.seen.clone()),
                        Verdict::Failed(w) => (CheckVerdict::Failed, w.clone()),
                        Verdict::LabOnly(w) => (CheckVerdict::LabOnly, w.clone()),
                    };
                    match verdict {
                        CheckVerdict::Held => held += 1,
                        CheckVerdict::Failed => failed += 1,
                        CheckVerdict::LabOnly => lab_only += 1,
                    }
                    hub.send(&LiveEvent::Lesson(LessonEvent::Check(CheckEvent {
                        step,
                        line: c.line,
                        what: c.what.clone(),
                        verdict,
                        why,
                    })));
                }
            });
            let (report, session) = run_live(&lesson, text, MAX_MEMBERS, progress);
            let mut end = match &report.error {
                Some(e) => LessonEvent::Error { message: e.clone() },
                None => LessonEvent::Done { held, failed, lab_only },
            };
            // The learner keeps a cluster whatever happened: the lesson's, or a new one.
            *g = match session {
                Some(s) => Some(s),
                None => match Session::begin("live", me.members, MAX_MEMBERS, Vec::new()) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let before = report.error.as_ref().map(|x| format!("{x}; ")).unwrap_or_default();
                        end = LessonEvent::Error { message: format!("{before}no new cluster could start: {e}") };
                        None
                    }
                },
            };
            drop(g);
            if let Ok(mut b) = me.shared.busy.lock() {
                *b = None;
            }
            me.hub.send(&LiveEvent::Lesson(end));
        });
        done(format!("{what}\n"))
    }
}

const HELP: &str = "\
Live mode: a real etcd 3.4 cluster. Every line runs as the real etcdctl (put, get, del, txn,
watch, lease, member, endpoint, alarm, snapshot, move-leader, …) against n1 unless you give
--endpoints=n2,… . Lab words act on the real processes and links:
  kill nK | kill leader       SIGKILL the member (its data dir stays)
  restart nK                  start it again from its disk
  start nK                    first start of a member added with `member add nK`
  isolate nK                  cut every link of nK
  partition n1 | n2 n3        cut every link between the groups
  cut nA<->nB, restore nA<->nB, heal
  transfer nK                 etcd's move-leader
  cancel                      Ctrl-C to every running watch or keep-alive
Only the lab can: drop, delay or duplicate one message, cut one direction, slow a disk,
step, tick, campaign, and rewind.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn member_add_names_a_member_with_a_namespace_or_is_refused() {
        assert_eq!(added_member(&words("member add n4 --peer-urls=http://n4:2380")), Some(Ok(4)));
        assert_eq!(added_member(&words("member add n9 --learner")), Some(Ok(9)));
        assert_eq!(
            added_member(&words("member add n10")),
            Some(Err("member add n10: refused: live mode runs at most 9 members (n1…n9)".into()))
        );
        assert_eq!(
            added_member(&words("member add infra4")),
            Some(Err("member add infra4: refused: a live member is named n1…n9, the name its namespace has".into()))
        );
        assert_eq!(added_member(&words("member list")), None);
        assert_eq!(added_member(&words("put add n4")), None);
    }

    #[test]
    fn a_flood_of_stream_output_is_cut_to_its_tail_with_a_note() {
        assert_eq!(bounded("PUT\nx\n1\n".into()), "PUT\nx\n1\n");
        let big = "é".repeat(MAX_STREAM_EVENT);
        let b = bounded(big.clone());
        assert!(b.starts_with(&format!("… {} bytes of stream output left out", big.len() - MAX_STREAM_EVENT)));
        assert!(b.len() < MAX_STREAM_EVENT + 200);
    }

    #[test]
    fn etcdctl_log_lines_never_reach_the_console() {
        let stderr = "{\"level\":\"warn\",\"msg\":\"retrying\"}\nError: context deadline exceeded\n";
        assert_eq!(without_logs(stderr), "Error: context deadline exceeded\n");
    }
}
