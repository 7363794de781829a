//! Playing a lesson against a lab: the one engine behind `raftlab lesson run` and the
//! browser's step panel.
//!
//! Contract:
//! - A step's items run in order through the same `ui::Lab` the browser drives. Console
//!   lines go through `Lab::console`; a request stays pending until its reply, and the
//!   player moves time event by event meanwhile. Waits move event by event too, and stop
//!   at the first event after which the condition holds. So a step's actions happen at
//!   the same simulated instants whether the budget per `poll` is a browser frame or
//!   unbounded (headless).
//! - `poll` never moves the clock past `until_ms`, and returns `Status` saying whether the
//!   step is still busy, needs the learner (a predict question, a your-turn task), or is
//!   done. Headless mode answers predicts with the right option and performs solutions.
//! - Every check leaves a `Mark`: pass or fail with the values it saw. A failure never
//!   stops the lesson; the headless report counts them.
//! - Symbolic names resolve when a line runs: `leader` (the current leader), `a follower`
//!   (the lowest-numbered live follower), `the old leader` (the leader before the current
//!   one, or with no leader now, the last one seen).

use std::collections::VecDeque;

use crate::console::command::{Command, LabCommand};
use crate::console::parse::{is_lab_word, parse_line};
use crate::console::session::Render;
use crate::engine::{Cluster, NodeId, Role};
use crate::lab::Lab;

use super::cond::{eval, Scope};
use super::model::{Item, Lesson, NodeName};
use super::parse::{expand, substitute, EvalError, RewindError, Var};

/// Events one `poll` may process in learner mode, so a frame stays short.
const EVENTS_PER_POLL: u32 = 20_000;
/// A reply that has not come after this long is a lesson bug (the engine times requests
/// out after the command timeout).
const REPLY_LIMIT_MS: u64 = 120_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// CI: predicts are answered right and your-turn solutions are performed.
    Headless,
    /// The browser: the learner answers and acts.
    Learner,
}

/// What an item came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    NotYet,
    Running,
    Pass(String),
    Fail(String),
    /// A predict question: the option chosen (0-based) and whether it was right.
    Answered {
        chosen: usize,
        right: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Busy,
    /// Waiting for an answer to the predict item at this index.
    Ask(usize),
    /// Waiting for the learner to make the your-turn item's goal true.
    Turn(usize),
    StepDone,
}

/// Who led, as the player saw it: for `the old leader`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Leaders {
    current: Option<NodeId>,
    previous: Option<NodeId>,
}

impl Leaders {
    fn observe(&mut self, now: Option<NodeId>) {
        if let Some(l) = now {
            if self.current != Some(l) {
                self.previous = self.current;
                self.current = Some(l);
            }
        }
    }

    fn old(&self, now: Option<NodeId>) -> Option<NodeId> {
        if now.is_some() {
            self.previous
        } else {
            self.current
        }
    }
}

#[derive(Clone, Debug)]
enum Running {
    Reply { item: usize, said: usize, since_ms: u64 },
    Until { item: usize, deadline: u64 },
    Pause { end: u64 },
    Ask { item: usize },
    Turn { item: usize },
}

#[derive(Clone, Copy, Debug)]
struct StepStart {
    time_ms: u64,
    leaders: Leaders,
}

pub struct Player {
    pub lesson: Lesson,
    step: usize,
    /// Items still to run: (index in the step for marks, the item). Solutions are queued
    /// under their your-turn's index.
    queue: VecDeque<(usize, Item)>,
    running: Option<Running>,
    /// One per item of the current step.
    pub marks: Vec<Mark>,
    starts: Vec<StepStart>,
    leaders: Leaders,
    reply: String,
    /// The id of the last lease granted, for `$lease`.
    lease: Option<String>,
    /// Transcript entries read for `reply` and `$lease` so far.
    read_upto: usize,
    /// Transcript index where this step's output starts.
    output_from: usize,
    output: String,
}

struct View<'a> {
    cluster: &'a Cluster,
    leaders: Leaders,
    reply: &'a str,
    output: &'a str,
}

impl Scope for View<'_> {
    fn cluster(&self) -> &Cluster {
        self.cluster
    }

    fn resolve(&self, name: NodeName) -> Result<Option<NodeId>, EvalError> {
        resolve(self.cluster, self.leaders, name)
    }

    fn reply(&self) -> &str {
        self.reply
    }

    fn output(&self) -> &str {
        self.output
    }
}

fn resolve(c: &Cluster, leaders: Leaders, name: NodeName) -> Result<Option<NodeId>, EvalError> {
    match name {
        NodeName::None => Ok(None),
        NodeName::Id(id) if c.node_ids().contains(&id) => Ok(Some(id)),
        NodeName::Id(id) => Err(EvalError::NotInCluster(id)),
        NodeName::Leader => c.leader().map(Some).ok_or(EvalError::NoLeader),
        NodeName::OldLeader => leaders.old(c.leader()).map(Some).ok_or(EvalError::NoEarlierLeader),
        NodeName::AFollower => c
            .node_ids()
            .into_iter()
            .find(|id| c.node_view_limited(*id, 0).is_some_and(|v| v.alive && v.role == Role::Follower))
            .map(Some)
            .ok_or(EvalError::NoFollower),
    }
}

/// One event if the next one is due by `limit` and `until_ms`; else the clock moves to
/// whichever comes first. False when the frame's budget (`until_ms`) ran out first.
fn step_toward(lab: &mut Lab, limit: u64, until_ms: u64, events: &mut u32) -> bool {
    match lab.session().cluster().next_event_at() {
        Some(t) if t <= limit && t <= until_ms => {
            lab.advance_event();
            *events += 1;
            true
        }
        _ => {
            lab.advance_to(limit.min(until_ms));
            until_ms >= limit
        }
    }
}

impl Player {
    /// A player at the first step of `lesson`; the lab should be a fresh `Lab` over
    /// `lesson.cluster`.
    pub fn new(lesson: Lesson, lab: &Lab) -> Player {
        let mut p = Player {
            lesson,
            step: 0,
            queue: VecDeque::new(),
            running: None,
            marks: Vec::new(),
            starts: Vec::new(),
            leaders: Leaders::default(),
            reply: String::new(),
            lease: None,
            read_upto: 0,
            output_from: 0,
            output: String::new(),
        };
        p.enter(lab, 0);
        p
    }

    pub fn step(&self) -> usize {
        self.step
    }

    /// Simulated time at which the current step began.
    pub fn step_start_ms(&self) -> u64 {
        self.starts.last().map_or(0, |s| s.time_ms)
    }

    pub fn is_last_step(&self) -> bool {
        self.step + 1 >= self.lesson.steps.len()
    }

    pub fn reply(&self) -> &str {
        &self.reply
    }

    fn enter(&mut self, lab: &Lab, step: usize) {
        self.step = step;
        let items = self.lesson.steps.get(step).map(|s| s.items.clone()).unwrap_or_default();
        self.marks = vec![Mark::NotYet; items.len()];
        self.queue = items.into_iter().enumerate().collect();
        self.running = None;
        self.starts.truncate(step);
        self.starts.push(StepStart { time_ms: lab.now_ms(), leaders: self.leaders });
        self.output_from = lab.transcript.len();
        self.output.clear();
    }

    /// Moves to the next step (after `StepDone`, or to skip the rest of this one).
    pub fn next(&mut self, lab: &Lab) -> bool {
        if self.is_last_step() {
            return false;
        }
        self.enter(lab, self.step + 1);
        true
    }

    /// Rewinds the lab to the start of step `k` (at or before the current one), by time
    /// travel, and runs it again from there.
    pub fn rewind_to(&mut self, lab: &mut Lab, k: usize) -> Result<(), RewindError> {
        let Some(start) = self.starts.get(k).copied() else {
            return Err(RewindError::NotReached(k + 1));
        };
        lab.seek(start.time_ms)?;
        self.leaders = start.leaders;
        self.enter(lab, k);
        Ok(())
    }

    /// Answers the predict question the player is waiting on.
    pub fn answer(&mut self, choice: usize) {
        if let Some(Running::Ask { item }) = self.running {
            let right = match self.lesson.steps[self.step].items.get(item) {
                Some(Item::Predict(p)) => p.answer == choice,
                _ => false,
            };
            self.marks[item] = Mark::Answered { chosen: choice, right };
            self.running = None;
        }
    }

    /// "Show me": performs the solution of the your-turn task being waited on.
    pub fn solve(&mut self) {
        if let Some(Running::Turn { item }) = self.running.take() {
            self.queue_solution(item);
        }
    }

    fn queue_solution(&mut self, item: usize) {
        if let Some(Item::YourTurn(y)) = self.lesson.steps[self.step].items.get(item) {
            let mut extra: Vec<(usize, Item)> = y.solution.iter().map(|s| (item, s.clone())).collect();
            extra.push((item, Item::WaitUntil { cond: y.goal.clone(), within_ms: y.within_ms, pos: y.pos }));
            for e in extra.into_iter().rev() {
                self.queue.push_front(e);
            }
            self.marks[item] = Mark::Running;
        }
    }

    /// The live value of the condition the player is waiting on, if any (for the panel).
    pub fn waiting_on(&self) -> Option<&str> {
        match &self.running {
            Some(Running::Until { item, .. }) | Some(Running::Turn { item }) => {
                match self.lesson.steps[self.step].items.get(*item) {
                    Some(Item::WaitUntil { cond, .. }) => Some(&cond.text),
                    Some(Item::YourTurn(y)) => Some(&y.goal.text),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `reply` is the last finished console line's output, and `$lease` the last lease
    /// granted, whoever typed the line: the lesson, or the learner in a your-turn.
    fn absorb(&mut self, lab: &Lab) {
        // Lines after one still waiting for its reply are read now and again later, so a
        // slow learner's put cannot hide the lesson's own reply.
        let mut first_pending = None;
        for (i, s) in lab.transcript.iter().enumerate().skip(self.read_upto) {
            if s.pending.is_some() {
                first_pending.get_or_insert(i);
                continue;
            }
            if !s.line.is_empty() {
                self.reply = s.out.clone();
                if let Some((id, _)) = s.out.strip_prefix("lease ").and_then(|r| r.split_once(" granted with TTL")) {
                    self.lease = Some(id.to_string());
                }
            }
        }
        self.read_upto = first_pending.unwrap_or(lab.transcript.len());
    }

    fn refresh_output(&mut self, lab: &Lab) {
        self.absorb(lab);
        self.output.clear();
        for s in lab.transcript.iter().skip(self.output_from) {
            if s.pending.is_none() {
                self.output.push_str(&s.out);
            }
        }
    }

    fn check(&mut self, lab: &Lab, cond: &super::cond::Cond) -> super::cond::Outcome {
        self.refresh_output(lab);
        let view =
            View { cluster: lab.session().cluster(), leaders: self.leaders, reply: &self.reply, output: &self.output };
        eval(cond, &view)
    }

    /// Runs the current step as far as it can go without moving the clock past `until_ms`.
    pub fn poll(&mut self, lab: &mut Lab, until_ms: u64, mode: Mode) -> Status {
        let mut events = 0u32;
        loop {
            self.leaders.observe(lab.session().cluster().leader());
            if mode == Mode::Learner && events >= EVENTS_PER_POLL {
                return Status::Busy;
            }
            let now = lab.now_ms();
            let Some(running) = self.running.clone() else {
                let Some((idx, item)) = self.queue.pop_front() else {
                    return Status::StepDone;
                };
                self.start(lab, idx, item, mode);
                continue;
            };
            match running {
                Running::Reply { item, said, since_ms } => {
                    let s = &lab.transcript[said];
                    if s.pending.is_none() {
                        self.absorb(lab);
                        self.finish(item, Mark::Pass(s.out.trim_end().to_string()));
                        continue;
                    }
                    if now > since_ms + REPLY_LIMIT_MS {
                        self.finish(item, Mark::Fail("no reply came".into()));
                        continue;
                    }
                    match lab.session().cluster().next_event_at() {
                        Some(t) if t <= until_ms => {
                            lab.advance_event();
                            events += 1;
                        }
                        _ => {
                            lab.advance_to(until_ms.min(since_ms + REPLY_LIMIT_MS + 1));
                            if until_ms <= since_ms + REPLY_LIMIT_MS {
                                return Status::Busy;
                            }
                        }
                    }
                }
                Running::Until { item, deadline } => {
                    let Some(cond) = self.awaited(item) else {
                        self.running = None;
                        continue;
                    };
                    let out = self.check(lab, &cond);
                    if out.holds {
                        self.finish(item, Mark::Pass(out.detail));
                        continue;
                    }
                    if now >= deadline {
                        let why = if out.detail.is_empty() { String::new() } else { format!(": {}", out.detail) };
                        self.finish(item, Mark::Fail(format!("still not true after the time allowed{why}")));
                        continue;
                    }
                    if !step_toward(lab, deadline, until_ms, &mut events) {
                        return Status::Busy;
                    }
                }
                Running::Pause { end } => {
                    if now >= end {
                        self.running = None;
                        continue;
                    }
                    if !step_toward(lab, end, until_ms, &mut events) {
                        return Status::Busy;
                    }
                }
                Running::Ask { item } => {
                    if mode == Mode::Learner {
                        return Status::Ask(item);
                    }
                    let right = match self.item(item) {
                        Some(Item::Predict(p)) => p.answer,
                        _ => 0,
                    };
                    self.answer(right);
                }
                Running::Turn { item } => {
                    let Some(goal) = self.awaited(item) else {
                        self.running = None;
                        continue;
                    };
                    let out = self.check(lab, &goal);
                    if out.holds {
                        self.finish(item, Mark::Pass(out.detail));
                        continue;
                    }
                    if mode == Mode::Learner {
                        return Status::Turn(item);
                    }
                    self.solve();
                }
            }
        }
    }

    /// The condition a wait or a your-turn (its goal) waits for.
    fn awaited(&self, idx: usize) -> Option<super::cond::Cond> {
        match self.item(idx)? {
            Item::WaitUntil { cond, .. } => Some(cond.clone()),
            Item::YourTurn(y) => Some(y.goal.clone()),
            _ => None,
        }
    }

    fn item(&self, idx: usize) -> Option<&Item> {
        self.lesson.steps.get(self.step).and_then(|s| s.items.get(idx))
    }

    fn finish(&mut self, item: usize, mark: Mark) {
        // A solution's lines must not turn its your-turn green before the goal does.
        let solving = matches!(self.item(item), Some(Item::YourTurn(_)));
        let is_goal_wait = matches!(self.running, Some(Running::Until { .. } | Running::Turn { .. }));
        if let Some(m) = self.marks.get_mut(item) {
            if !solving || is_goal_wait || matches!(mark, Mark::Fail(_)) {
                *m = mark;
            }
        }
        self.running = None;
    }

    fn start(&mut self, lab: &mut Lab, idx: usize, item: Item, mode: Mode) {
        let now = lab.now_ms();
        if let Some(m) = self.marks.get_mut(idx) {
            if *m == Mark::NotYet {
                *m = Mark::Running;
            }
        }
        match item {
            Item::Action { line, endpoint, .. } => self.act(lab, idx, &line, endpoint),
            Item::Pause { ms, .. } => self.running = Some(Running::Pause { end: now + ms }),
            Item::WaitUntil { within_ms, .. } => {
                self.running = Some(Running::Until { item: idx, deadline: now + within_ms })
            }
            Item::Expect { cond, .. } => {
                let out = self.check(lab, &cond);
                let mark = if out.holds {
                    Mark::Pass(out.detail)
                } else if out.detail.is_empty() {
                    Mark::Fail("it does not hold".into())
                } else {
                    Mark::Fail(out.detail)
                };
                self.finish(idx, mark);
            }
            Item::Predict(_) => self.running = Some(Running::Ask { item: idx }),
            Item::YourTurn(_) => {
                self.running = Some(Running::Turn { item: idx });
                let _ = mode;
            }
        }
    }

    fn act(&mut self, lab: &mut Lab, idx: usize, line: &str, endpoint: Option<NodeName>) {
        let cluster = lab.session().cluster();
        let expanded = expand(line, |var| match var {
            Var::Lease => self.lease.clone().ok_or_else(|| "$lease: no lease has been granted yet".to_string()),
            Var::Member(id) => cluster
                .node_view_limited(id, 0)
                .map(|v| format!("{:x}", v.member_id))
                .ok_or_else(|| format!("$member(n{id}): n{id} is not in the cluster")),
        });
        let line = match expanded {
            Ok(l) => l,
            Err((e, _)) => return self.finish(idx, Mark::Fail(e.to_string())),
        };
        let line = line.as_str();
        let first = line.split_whitespace().next().unwrap_or("");
        let line = if is_lab_word(first) {
            let old = resolve(cluster, self.leaders, NodeName::OldLeader).ok().flatten();
            let follower = resolve(cluster, self.leaders, NodeName::AFollower).ok().flatten();
            match substitute(line, old, follower) {
                Ok(l) => l,
                Err(e) => return self.finish(idx, Mark::Fail(e.to_string())),
            }
        } else if let Some(name) = endpoint {
            match resolve(cluster, self.leaders, name) {
                Ok(Some(id)) => format!("{line} --endpoints=n{id}"),
                Ok(None) => return self.finish(idx, Mark::Fail("on none: names no node".into())),
                Err(e) => return self.finish(idx, Mark::Fail(e.to_string())),
            }
        } else {
            line.to_string()
        };
        // `run 2s` in a lesson plays time like a wait, so the browser animates it.
        if let Ok(parsed) = parse_line(&line) {
            if let Command::Lab(LabCommand::Run { duration_ms }) = parsed.command {
                self.running = Some(Running::Pause { end: lab.now_ms() + duration_ms });
                return;
            }
        }
        let said = lab.transcript.len();
        let text = lab.console(&line);
        // A `lock` or a campaign is a stream: it stays pending until it holds or leads,
        // maybe for ever, and the lesson goes on meanwhile, as it does past a `watch`.
        let stream = matches!(lab.transcript[said].pending, Some((_, _, Render::Waiting(_))));
        if lab.transcript[said].pending.is_some() && !stream {
            self.running = Some(Running::Reply { item: idx, said, since_ms: lab.now_ms() });
            return;
        }
        self.absorb(lab);
        // A `kube` line's `Error from server (…)` is kube-apiserver's answer, not a bad line.
        let lab_error = is_lab_word(first) && text.starts_with("Error") && !text.starts_with("Error from server");
        let mark =
            if lab_error { Mark::Fail(text.trim_end().to_string()) } else { Mark::Pass(text.trim_end().to_string()) };
        self.finish(idx, mark);
    }
}
