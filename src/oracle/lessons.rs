//! The lesson oracle: a lesson's lines played on a real etcd 3.4 cluster, and each of its
//! `expect`, `wait until` and your-turn `goal` checks judged there, as far as etcdctl can
//! observe it (`raftlab lesson oracle`).
//!
//! Contract: `run` needs root and etcd (see `real`); it never panics on a lesson file, and
//! whatever happens the real cluster is cleaned up (`real::Session`'s Drop). The real
//! members get the lesson's member count and the `[cluster]` settings etcd has flags for
//! (`plan::flags`); lesson time 0 is when they start. Lines map as `plan::action` says;
//! symbolic nodes resolve on the real cluster when the line runs; `wait 2s` and `run 2s`
//! are real sleeps; `wait until … within D` (and a goal, after its solution lines) polls
//! the real cluster until D has passed; predict questions do nothing. Each check's clauses
//! are judged by `checks`; a check after a tainting lab-only action in its step is
//! lab-only. The lab plays the same lesson beside it (`lab`) for its values and masks.
//!
//! Layout: `plan` (lines and flags), `checks` (conditions on real values), `lab` (the
//! lab's side), `report` (verdicts, LESSONS.md), `twins` (en and zh play alike); the
//! real player is here.

pub mod checks;
pub mod lab;
pub mod plan;
pub mod report;
pub mod twins;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::engine::ids::{member_id, peer_url, CLUSTER_TOKEN};
use crate::lesson::cond::{Cond, Expr, Op};
use crate::lesson::{Item, Lesson, NodeName, Pos};
use crate::oracle::mask::Masker;
use crate::oracle::real::{with_ports, Session};
use crate::oracle::transcript::{StepRecord, Transcript};
use crate::oracle::vars::member_list;

use checks::{needs, Text, View};
use report::{CheckResult, LessonReport, Verdict};

/// How often a `wait until` asks the real cluster again.
const POLL: Duration = Duration::from_millis(100);
/// How long a boot may take to elect its first leader.
const BOOT_LIMIT: Duration = Duration::from_secs(10);
/// Boots tried until the first leader is the lab's.
const MAX_BOOTS: usize = 25;

/// Whether the lesson's first played line waits for a leader: then nothing before the first
/// election is checked, and the real cluster may boot until its first leader is the lab's.
fn starts_by_waiting_for_a_leader(lesson: &Lesson) -> bool {
    let first = lesson.steps.iter().flat_map(|s| &s.items).find(|i| !matches!(i, Item::Predict(_)));
    let waits = |c: &Cond| {
        c.clauses.iter().any(|c| {
            c.op == Op::Ne && matches!((&c.lhs, &c.rhs), (Expr::Node(NodeName::Leader), Expr::Node(NodeName::None)))
        })
    };
    matches!(first, Some(Item::WaitUntil { cond, .. }) if waits(cond))
}

/// Plays `lesson` (read from `text`, for the goal lines' places) on real etcd. `keep`
/// keeps the run's directory (member logs, data) even when it went well.
pub fn run(lesson: &Lesson, text: &str, keep: bool) -> LessonReport {
    let t0 = Instant::now();
    let (flags, notes) = plan::flags(&lesson.cluster);
    let mut report = LessonReport {
        file: lesson.file.clone(),
        id: lesson.meta.id.clone(),
        number: lesson.meta.number,
        members: lesson.cluster.nodes,
        flags: flags.clone(),
        notes,
        ..Default::default()
    };
    let lab = match lab::run(lesson) {
        Ok(l) => l,
        Err(e) => {
            report.error = Some(format!("the lab cannot play it: {e}"));
            return report;
        }
    };
    let adds = lesson.steps.iter().flat_map(|s| all_items(&s.items)).filter(|i| is_member_add(i)).count() as u64;
    let session = match Session::begin(&lesson.meta.id, lesson.cluster.nodes, lesson.cluster.nodes + adds, flags) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    let mut p = Player::new(lesson, text, session, &lab);
    let result = match starts_by_waiting_for_a_leader(lesson) {
        true => match lab::first_leader(lesson, BOOT_LIMIT.as_millis() as u64) {
            Ok(Some((node, term, _))) => p.fit_boot(node, term).map(|note| report.notes.push(note)),
            Ok(None) => Ok(()),
            Err(e) => Err(format!("the lab cannot boot it: {e}")),
        },
        false => p.warm_up(),
    };
    let result = result.and_then(|()| p.play());
    report.checks = std::mem::take(&mut p.checks);
    report.lab_actions = std::mem::take(&mut p.lab_actions);
    let kept = p.session.finish(result.is_ok() && !keep);
    if let Err(e) = result {
        let logs = kept.as_ref().map(|d| format!(" (member logs kept in {})", d.display())).unwrap_or_default();
        report.error = Some(format!("{e}{logs}"));
    } else if let Some(d) = kept {
        report.notes.push(format!("member logs kept in {}", d.display()));
    }
    report.seconds = t0.elapsed().as_secs();
    report
}

/// A step's items with the your-turn solutions in them.
fn all_items(items: &[Item]) -> Vec<&Item> {
    items
        .iter()
        .flat_map(|i| {
            std::iter::once(i).chain(if let Item::YourTurn(y) = i { y.solution.iter().collect() } else { Vec::new() })
        })
        .collect()
}

fn is_member_add(item: &Item) -> bool {
    matches!(item, Item::Action { line, .. } if line.split_whitespace().take(2).eq(["member", "add"]))
}

/// Who led, as the player saw it: for `the old leader` (as `lesson::player` keeps it).
#[derive(Default)]
struct Leaders {
    current: Option<u64>,
    previous: Option<u64>,
}

impl Leaders {
    fn observe(&mut self, now: Option<u64>) {
        if now.is_some() && self.current != now {
            self.previous = self.current;
            self.current = now;
        }
    }

    fn old(&self, now: Option<u64>) -> Option<u64> {
        if now.is_some() {
            self.previous
        } else {
            self.current
        }
    }
}

struct Player<'a> {
    lesson: &'a Lesson,
    lines: Vec<&'a str>,
    session: Session,
    lab: &'a lab::LabRun,
    lab_masker: Masker,
    /// Every etcdctl line run so far, for the real side's masks.
    records: Vec<StepRecord>,
    /// Member id → node.
    ids: BTreeMap<u64, u64>,
    lease: Option<String>,
    leaders: Leaders,
    reply: Option<Text>,
    /// This step's output, and whether etcdctl printed any of it.
    output: String,
    output_real: bool,
    after_defrag: bool,
    /// The tainting lab-only action in this step, if any.
    taint: Option<String>,
    /// Members (re)started since the lesson's clock last moved: an `expect` cannot see
    /// them as they are at this instant (a member serves clients only once it has joined).
    fresh: BTreeSet<u64>,
    /// Time the harness spent looking (the lab looks in no time), taken off the next wait.
    debt: Duration,
    step: usize,
    checks: Vec<CheckResult>,
    lab_actions: Vec<(usize, String)>,
}

impl<'a> Player<'a> {
    fn new(lesson: &'a Lesson, text: &'a str, session: Session, lab: &'a lab::LabRun) -> Player<'a> {
        let ids = (1..=lesson.cluster.nodes).map(|k| (member_id(&[peer_url(k)], CLUSTER_TOKEN, None), k)).collect();
        Player {
            lesson,
            lines: text.lines().collect(),
            session,
            lab,
            lab_masker: lab.masker(),
            records: Vec::new(),
            ids,
            lease: None,
            leaders: Leaders::default(),
            reply: None,
            output: String::new(),
            output_real: false,
            after_defrag: false,
            taint: None,
            fresh: (1..=lesson.cluster.nodes).collect(),
            debt: Duration::ZERO,
            step: 0,
            checks: Vec::new(),
            lab_actions: Vec::new(),
        }
    }

    /// Plays every step; an error is the harness failing (the lesson stops there).
    fn play(&mut self) -> Result<(), String> {
        for (k, step) in self.lesson.steps.iter().enumerate() {
            self.step = k;
            self.output.clear();
            self.output_real = self.session.streams() > 0;
            self.taint = None;
            for (i, item) in step.items.iter().enumerate() {
                self.item(i, item)?;
            }
        }
        Ok(())
    }

    fn item(&mut self, i: usize, item: &Item) -> Result<(), String> {
        match item {
            Item::Action { line, endpoint, pos } => self.act(line, *endpoint, *pos),
            Item::Pause { ms, .. } => {
                self.pause(*ms);
                Ok(())
            }
            Item::WaitUntil { cond, within_ms, pos } => {
                let started = Instant::now();
                self.check(i, format!("wait until {}", cond.text), cond, Some((*within_ms, started)), *pos)
            }
            Item::Expect { cond, pos } => self.check(i, format!("expect {}", cond.text), cond, None, *pos),
            Item::Predict(_) => Ok(()),
            Item::YourTurn(y) => {
                let started = Instant::now();
                for s in &y.solution {
                    match s {
                        Item::WaitUntil { cond, within_ms, .. } => {
                            self.poll(cond, Some(*within_ms))?;
                        }
                        other => self.item(i, other)?,
                    }
                }
                let pos = self.goal_pos(y.pos);
                self.check(i, format!("goal {}", y.goal.text), &y.goal, Some((y.within_ms, started)), pos)
            }
        }
    }

    /// The `goal:` line after a your-turn at `pos`.
    fn goal_pos(&self, pos: Pos) -> Pos {
        let at = (pos.line..self.lines.len()).find(|&k| self.lines[k].trim_start().starts_with("goal:"));
        at.map(|k| Pos { line: k + 1, col: self.lines[k].len() - self.lines[k].trim_start().len() + 1 }).unwrap_or(pos)
    }

    fn member_hex(&self, node: u64) -> Result<String, String> {
        self.ids
            .iter()
            .find(|(_, n)| **n == node)
            .map(|(id, _)| format!("{id:x}"))
            .ok_or_else(|| format!("$member(n{node}): n{node}'s member id is not known on the real cluster"))
    }

    /// The first boot in new namespaces spends seconds before raft starts (etcd asks each
    /// peer URL whether it is bootstrapped, and the first connections are slow to fail);
    /// later boots do not. A lesson that checks the cluster before its first leader is
    /// played on a second boot, so that its time 0 is etcd's.
    fn warm_up(&mut self) -> Result<(), String> {
        let t = Instant::now();
        while self.first_leader()?.is_none() && t.elapsed() < BOOT_LIMIT {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.session.reboot()
    }

    /// The leader every running member names, once it has applied its first entry:
    /// (node, its RAFT TERM, milliseconds since the start).
    fn first_leader(&mut self) -> Result<Option<(u64, u64, u64)>, String> {
        let v = self.view(None, false)?;
        let all = v.running.iter().all(|k| v.statuses.get(k).is_some_and(|s| s.leader != 0));
        // Agreed, and the leader has applied its first entry (RAFT TERM shows its term).
        let agreed = v.leader().filter(|l| {
            all && v.statuses.values().all(|s| Some(s.leader) == v.statuses.get(l).map(|x| x.member_id))
                && v.statuses.get(l).is_some_and(|s| s.term > 1)
        });
        Ok(agreed.map(|l| (l, v.statuses.get(&l).map_or(0, |s| s.term), v.now_ms)))
    }

    /// Boots until the first leader is the lab's (`node` in `term`): who wins etcd's first
    /// election is luck, as the scenarios' seed fitting knows; the lesson's seed chose the
    /// lab's. Returns a note saying how it went.
    fn fit_boot(&mut self, node: u64, term: u64) -> Result<String, String> {
        let mut seen = Vec::new();
        for attempt in 1..=MAX_BOOTS {
            if attempt > 1 {
                self.session.reboot()?;
            }
            let t = Instant::now();
            let first = loop {
                if let Some(first) = self.first_leader()? {
                    break Some(first);
                }
                if t.elapsed() > BOOT_LIMIT {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            seen.push(match first {
                Some((l, t, ms)) => format!("n{l} term {t} at {ms} ms"),
                None => "none".into(),
            });
            if first.is_some_and(|(l, t, _)| (l, t) == (node, term)) {
                self.fresh.clear();
                self.leaders = Leaders::default();
                self.leaders.observe(Some(node));
                return Ok(format!(
                    "booted {attempt} time(s) until the first leader was the lab's, n{node} in term {term} (who wins etcd's first election is luck); first leaders seen: {}",
                    seen.join(", ")
                ));
            }
        }
        Ok(format!(
            "after {MAX_BOOTS} boots the first leader was never the lab's n{node} in term {term}: {}",
            seen.join(", ")
        ))
    }

    /// A line the real cluster could not carry out: a failed item.
    /// After a tainting lab-only action the real cluster is not where the lab is, so a line
    /// it cannot carry out then is lab-only too.
    fn failed_line(&mut self, pos: Pos, line: &str, why: String) {
        let lab = "the lab carried it out".to_string();
        let seen = why.clone();
        let at_ms = self.session.elapsed_ms();
        let verdict = match &self.taint {
            Some(t) => Verdict::LabOnly(format!("the real cluster could not do it ({why}), {t}")),
            None => Verdict::Failed(why),
        };
        self.checks.push(CheckResult {
            line: pos.line,
            col: pos.col,
            what: line.to_string(),
            verdict,
            lab,
            seen,
            at_ms,
        });
    }

    /// Lets `ms` of lesson time pass: a real sleep, less the time the harness spent
    /// looking since the last one.
    fn pause(&mut self, ms: u64) {
        let want = Duration::from_millis(ms);
        let owed = self.debt.min(want);
        self.debt -= owed;
        std::thread::sleep(want - owed);
        self.clock_moved();
    }

    /// The lesson's clock moved: members that started before now are no longer fresh.
    fn clock_moved(&mut self) {
        self.fresh.clear();
    }

    /// The real cluster now: statuses, and what `cond` needs besides. `instant` for an
    /// `expect`, whose values must be the cluster's at this instant.
    fn view(&mut self, cond: Option<&Cond>, instant: bool) -> Result<View, String> {
        let statuses = self.session.statuses()?;
        let mut v = View { running: self.session.running().into_iter().collect(), ..Default::default() };
        for s in statuses {
            if s.member_id != 0 {
                self.ids.insert(s.member_id, s.node);
            }
            v.statuses.insert(s.node, s);
        }
        v.ids = self.ids.clone();
        v.fresh = self.fresh.clone();
        v.instant = instant;
        v.now_ms = self.session.elapsed_ms();
        let leader = v.leader();
        self.leaders.observe(leader);
        v.old_leader = self.leaders.old(leader);
        let Some(cond) = cond else { return Ok(v) };
        let (members, gets, keys) = needs(cond);
        if members {
            v.members = Some(self.members(&v));
        }
        for (name, key) in gets {
            if let Ok(Some(id)) = v.resolve(name) {
                if v.running.contains(&id) {
                    let got = self.get(id, &key, false);
                    v.gets.insert((id, key), got.map(|(value, _)| value));
                }
            }
        }
        for name in keys {
            if let Ok(Some(id)) = v.resolve(name) {
                if v.running.contains(&id) {
                    let got = self.get(id, "", true);
                    v.keys.insert(id, got.map(|(_, count)| count));
                }
            }
        }
        v.reply = self.reply.clone();
        v.output = self.output_real.then(|| self.text("", &self.output));
        Ok(v)
    }

    /// (voters, learners) from `member list`, asked of the leader or else a running voter.
    fn members(&mut self, v: &View) -> Result<(i64, i64), String> {
        let ask =
            v.leader().or_else(|| v.running.iter().copied().find(|k| !v.statuses.get(k).is_some_and(|s| s.is_learner)));
        let ask = ask.ok_or("no member is running")?;
        let args =
            with_ports(vec!["member".into(), "list".into(), "-w".into(), "json".into(), format!("--endpoints=n{ask}")]);
        let c = self.session.etcdctl(&args, None)?;
        for (node, id) in member_list(&c.stdout) {
            self.ids.insert(id, node);
        }
        let json: serde_json::Value = serde_json::from_str(c.stdout.trim())
            .map_err(|_| format!("member list on n{ask}: {}", c.stderr.lines().last().unwrap_or("no answer")))?;
        let list = json.get("members").and_then(|m| m.as_array()).cloned().unwrap_or_default();
        let learners =
            list.iter().filter(|m| m.get("isLearner").and_then(|x| x.as_bool()) == Some(true)).count() as i64;
        Ok((list.len() as i64 - learners, learners))
    }

    /// A serializable get on member `id`: (the value of `key`, the live key count when `count`).
    fn get(&mut self, id: u64, key: &str, count: bool) -> Result<(Option<String>, i64), String> {
        let mut args: Vec<String> =
            vec!["get".into(), key.into(), "--consistency=s".into(), "-w".into(), "json".into()];
        if count {
            args.extend(["--prefix".into(), "--keys-only".into()]);
        }
        args.extend([format!("--endpoints=n{id}"), "--command-timeout=1s".into(), "--dial-timeout=1s".into()]);
        let c = self.session.etcdctl(&with_ports(args), None)?;
        let json: serde_json::Value = serde_json::from_str(c.stdout.trim()).map_err(|_| {
            format!("n{id} did not answer a serializable get: {}", c.stderr.lines().last().unwrap_or(""))
        })?;
        let n = json.get("count").and_then(|x| x.as_i64()).unwrap_or(0);
        let value = json
            .get("kvs")
            .and_then(|k| k.get(0))
            .map(|kv| kv.get("value").and_then(|x| x.as_str()).unwrap_or(""))
            .map(|b64| {
                base64::engine::general_purpose::STANDARD.decode(b64).map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .transpose()
            .map_err(|e| format!("n{id}: a value that is not base64: {e}"))?;
        Ok((value, n))
    }

    /// What etcdctl printed for `line`, and its masked form.
    fn text(&self, line: &str, raw: &str) -> Text {
        let t = Transcript { steps: self.records.clone(), ..Default::default() };
        let masked = Masker::new(&t).text_of(line, raw, self.after_defrag && !line.is_empty());
        Text { line: line.to_string(), raw: raw.to_string(), masked }
    }

    /// Takes in what the streams printed since the last look.
    fn drain_streams(&mut self) {
        let (out, err) = self.session.stream_output();
        self.output.push_str(&out);
        self.output.push_str(&drop_logs(&err));
    }
}

/// etcdctl's zap log lines on stderr, which the console never prints.
fn drop_logs(stderr: &str) -> String {
    stderr.lines().filter(|l| !l.starts_with("{\"level\":")).map(|l| format!("{l}\n")).collect()
}

mod act;
