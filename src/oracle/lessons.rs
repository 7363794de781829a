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
use crate::lesson::cond::Cond;
use crate::lesson::{Item, Lesson, Pos};
use crate::oracle::mask::Masker;
use crate::oracle::real::{with_ports, Session};
use crate::oracle::transcript::{StepRecord, Transcript};
use crate::oracle::vars::member_list;

use checks::{needs, Text, View};
use report::{CheckResult, LessonReport, Verdict};

/// How often a `wait until` asks the real cluster again.
const POLL: Duration = Duration::from_millis(100);

/// Plays `lesson` (read from `text`, for the goal lines' places) on real etcd.
pub fn run(lesson: &Lesson, text: &str) -> LessonReport {
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
    let result = p.play();
    report.checks = std::mem::take(&mut p.checks);
    report.lab_actions = std::mem::take(&mut p.lab_actions);
    let kept = p.session.finish(result.is_ok());
    if let Err(e) = result {
        let logs = kept.map(|d| format!(" (member logs kept in {})", d.display())).unwrap_or_default();
        report.error = Some(format!("{e}{logs}"));
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
                self.check(i, format!("wait until {}", cond.text), cond, Some(*within_ms), *pos)
            }
            Item::Expect { cond, pos } => self.check(i, format!("expect {}", cond.text), cond, None, *pos),
            Item::Predict(_) => Ok(()),
            Item::YourTurn(y) => {
                for s in &y.solution {
                    match s {
                        Item::WaitUntil { cond, within_ms, .. } => {
                            self.poll(cond, Some(*within_ms))?;
                        }
                        other => self.item(i, other)?,
                    }
                }
                let pos = self.goal_pos(y.pos);
                self.check(i, format!("goal {}", y.goal.text), &y.goal, Some(y.within_ms), pos)
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

    /// A line the real cluster could not carry out: a failed item.
    fn failed_line(&mut self, pos: Pos, line: &str, why: String) {
        let lab = "the lab carried it out".to_string();
        let seen = why.clone();
        let at_ms = self.session.elapsed_ms();
        self.checks.push(CheckResult {
            line: pos.line,
            col: pos.col,
            what: line.to_string(),
            verdict: Verdict::Failed(why),
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
