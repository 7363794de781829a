//! The lesson oracle: a lesson's lines played on a real etcd 3.4 cluster, and each of its
//! `expect`, `wait until` and your-turn `goal` checks judged there, as far as etcdctl can
//! observe it (`raftlab lesson oracle`).
//!
//! Contract: `run` needs root and etcd (see `real`); it never panics on a lesson file, and
//! whatever happens the real cluster is cleaned up (`real::Session`'s Drop). The real
//! members get the lesson's member count and the `[cluster]` settings etcd has flags for
//! (`plan::flags`). A lesson that starts by waiting for a leader starts on a boot whose
//! first leader is the lab's (`boot`); any other starts on a second boot, at its time 0.
//! Lines map as `plan::action` says; symbolic nodes resolve on the real cluster when the
//! line runs (once a tainting lab-only action has run, as the lab resolved them); `wait 2s` and
//! `run 2s` are real sleeps, less the time the harness spent looking; `wait until … within
//! D` (and a goal, after its solution lines) polls the real cluster until D has passed;
//! predict questions do nothing. Each check's clauses are judged by `checks`; a check after
//! a tainting lab-only action in its step is lab-only, and if it waits, it waits as long as
//! it did in the lab; in later steps the real cluster may have parted from the lab's, so a
//! check (or line) that fails there is lab-only too, while one that holds counts as held.
//! The same holds from the start for a lesson whose settings etcd 3.4 cannot have
//! (check-quorum off: `plan::Settings::parts`). A failed check that looked at a moment no
//! etcdctl reaches is lab-only as well (`act::moment_unseen`): before the first leader,
//! when members answer no client, and, for the other members' clauses, the instant a write
//! was answered, which the lab can stop and real members leave within a millisecond.
//! The lab plays the same lesson beside it (`lab`) for its values, its timings and its
//! masks.
//!
//! Layout: `plan` (lines and flags), `checks` (conditions on real values), `view` (what a
//! look read), `lab` (the lab's side), `report` (verdicts, LESSONS.md), `twins` (en and zh
//! play alike); the real player is here, with its verbs in `act` (lines and checks),
//! `boot` and `look` (etcdctl reads).

pub mod checks;
pub mod lab;
pub mod plan;
pub mod report;
pub mod twins;
pub mod view;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::engine::ids::{member_id, peer_url, CLUSTER_TOKEN};
use crate::lesson::cond::{Cond, Expr, Op};
use crate::lesson::{Item, Lesson, NodeName, Pos};
use crate::oracle::mask::Masker;
use crate::oracle::real::Session;
use crate::oracle::transcript::StepRecord;

use checks::Text;
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

/// What a lesson played on real etcd has done so far, as it happens (for live mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Step `k` (from 0) begins.
    Step(usize),
    /// A check was judged, or a line could not be carried out.
    Check(CheckResult),
}

/// Plays `lesson` (read from `text`, for the goal lines' places) on real etcd. `keep`
/// keeps the run's directory (member logs, data) even when it went well.
pub fn run(lesson: &Lesson, text: &str, keep: bool) -> LessonReport {
    let (report, session) = play(lesson, text, 0, Box::new(|_| {}));
    finish(report, session, keep)
}

/// Plays `lesson` on real etcd as `run` does, telling `progress` each step and check as
/// it happens, and hands back the real cluster as the lesson left it (none if it could
/// not start) instead of ending it. `room`: members the cluster must have room for
/// (namespaces), so that the learner can add members after the lesson.
pub fn run_live<'a>(
    lesson: &'a Lesson,
    text: &'a str,
    room: u64,
    progress: Box<dyn FnMut(Progress) + 'a>,
) -> (LessonReport, Option<Session>) {
    let (report, session) = play(lesson, text, room, progress);
    match session {
        Some((s, Ok(()))) => (report, Some(s)),
        Some((s, Err(e))) => {
            let mut report = report;
            report.error = Some(e);
            (report, Some(s))
        }
        None => (report, None),
    }
}

/// The real cluster after a lesson, and how its play ended.
type Played = Option<(Session, Result<(), String>)>;

/// Ends the run: the report says where the member logs are when they are kept.
fn finish(mut report: LessonReport, session: Played, keep: bool) -> LessonReport {
    let Some((session, result)) = session else { return report };
    let kept = session.finish(result.is_ok() && !keep);
    if let Err(e) = result {
        let logs = kept.as_ref().map(|d| format!(" (member logs kept in {})", d.display())).unwrap_or_default();
        report.error = Some(format!("{e}{logs}"));
    } else if let Some(d) = kept {
        report.notes.push(format!("member logs kept in {}", d.display()));
    }
    report
}

/// The lesson played: its report, and the session with how the play ended (none when the
/// lab or the real cluster could not start).
fn play<'a>(
    lesson: &'a Lesson,
    text: &'a str,
    room: u64,
    progress: Box<dyn FnMut(Progress) + 'a>,
) -> (LessonReport, Played) {
    let t0 = Instant::now();
    let plan::Settings { flags, notes, parts } = plan::flags(&lesson.cluster);
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
            return (report, None);
        }
    };
    let adds = lesson.steps.iter().flat_map(|s| all_items(&s.items)).filter(|i| is_member_add(i)).count() as u64;
    let nodes = (lesson.cluster.nodes + adds).max(room);
    let session = match Session::begin(&lesson.meta.id, lesson.cluster.nodes, nodes, flags) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(e.to_string());
            return (report, None);
        }
    };
    let mut p = Player::new(lesson, text, session, &lab, progress);
    p.settings_part = parts;
    let result = match starts_by_waiting_for_a_leader(lesson) {
        true => match lab::first_leader(lesson, BOOT_LIMIT.as_millis() as u64) {
            Ok(Some((node, term, _))) => p.fit_boot(node, term).map(|(boots, note)| {
                if boots.is_none() {
                    report.notes.push(note.clone());
                }
                report.boots = boots;
                report.boot = note;
            }),
            Ok(None) => Ok(()),
            Err(e) => Err(format!("the lab cannot boot it: {e}")),
        },
        false => {
            p.lab_first_leader_ms =
                lab::first_leader(lesson, BOOT_LIMIT.as_millis() as u64).ok().flatten().map(|l| l.2);
            p.warm_up()
        }
    };
    let result = result.and_then(|()| p.play());
    p.report_progress();
    report.checks = std::mem::take(&mut p.checks);
    report.lab_actions = std::mem::take(&mut p.lab_actions);
    report.seconds = t0.elapsed().as_secs();
    (report, Some((p.session, result)))
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
    /// The tainting lab-only action in this step, if any: what follows it in the step is
    /// lab-only.
    taint: Option<String>,
    /// The first tainting lab-only action of the lesson: from there on the real cluster may
    /// not be where the lab is, so a check that fails on it says nothing about the lesson
    /// (lab-only), while one that holds still shows what etcd did.
    diverged: Option<String>,
    /// Why the real cluster runs unlike the lab's from its start (`plan::Settings::parts`):
    /// failures are lab-only as after `diverged`, but symbolic names still resolve on the
    /// real cluster, since its members are all real.
    settings_part: Option<String>,
    /// When the lab's first leader came (ms after its start), for a lesson that looks
    /// before it: etcd members serve no client until then, so a look the harness could
    /// only make later judges another moment (`late`).
    lab_first_leader_ms: Option<u64>,
    /// The write a look right now would follow at once (its line and the member that
    /// answered it) until the lesson's clock moves: the lab can stop there, a second
    /// etcdctl cannot (`at_reply`).
    answered: Option<(String, u64)>,
    /// The member that answered the last etcdctl line, when the lesson named one.
    reply_from: Option<u64>,
    /// The write whose instant the last etcdctl line was sent at, to another member.
    reply_at: Option<(String, u64)>,
    /// Members (re)started since the lesson's clock last moved: an `expect` cannot see
    /// them as they are at this instant (a member serves clients only once it has joined).
    fresh: BTreeSet<u64>,
    /// Time the harness spent looking (the lab looks in no time), taken off the next wait.
    debt: Duration,
    /// Console lines sent so far: the index of the next one in the lab's transcript.
    said_at: usize,
    /// The member the lab's console line acted on, followed after a tainting action.
    lab_choice: Option<u64>,
    step: usize,
    checks: Vec<CheckResult>,
    lab_actions: Vec<(usize, String)>,
    /// The `kube` lines' client (its compactor's state), as in the lab's session.
    kube: crate::kube::KubeClient,
    /// Told of each step and check as it happens, and how many checks it has been told of.
    progress: Box<dyn FnMut(Progress) + 'a>,
    reported: usize,
}

impl<'a> Player<'a> {
    fn new(
        lesson: &'a Lesson,
        text: &'a str,
        session: Session,
        lab: &'a lab::LabRun,
        progress: Box<dyn FnMut(Progress) + 'a>,
    ) -> Player<'a> {
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
            kube: Default::default(),
            leaders: Leaders::default(),
            reply: None,
            output: String::new(),
            output_real: false,
            after_defrag: false,
            taint: None,
            diverged: None,
            settings_part: None,
            lab_first_leader_ms: None,
            answered: None,
            reply_from: None,
            reply_at: None,
            fresh: (1..=lesson.cluster.nodes).collect(),
            debt: Duration::ZERO,
            said_at: 0,
            lab_choice: None,
            step: 0,
            checks: Vec::new(),
            lab_actions: Vec::new(),
            progress,
            reported: 0,
        }
    }

    /// Tells `progress` of the checks judged since it was last told.
    fn report_progress(&mut self) {
        for c in &self.checks[self.reported.min(self.checks.len())..] {
            (self.progress)(Progress::Check(c.clone()));
        }
        self.reported = self.checks.len();
    }

    /// Plays every step; an error is the harness failing (the lesson stops there).
    fn play(&mut self) -> Result<(), String> {
        for (k, step) in self.lesson.steps.iter().enumerate() {
            self.step = k;
            self.output.clear();
            self.output_real = self.session.streams() > 0;
            self.taint = None;
            self.report_progress();
            (self.progress)(Progress::Step(k));
            for (i, item) in step.items.iter().enumerate() {
                self.item(i, item)?;
                self.report_progress();
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

    /// A line the real cluster could not carry out: a failed item, unless the real cluster
    /// has parted from the lab's (`diverged`).
    fn failed_line(&mut self, pos: Pos, line: &str, why: String) {
        let lab = "the lab carried it out".to_string();
        let seen = why.clone();
        let at_ms = self.session.elapsed_ms();
        let verdict = self.unless_diverged(Verdict::Failed(why));
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

    /// A failure after the real cluster parted from the lab's is lab-only, with what it saw.
    fn unless_diverged(&self, verdict: Verdict) -> Verdict {
        match (verdict, self.diverged.as_ref().or(self.settings_part.as_ref())) {
            (Verdict::Failed(real), Some(since)) => {
                Verdict::LabOnly(format!("the real cluster is not where the lab is {since}; it showed: {real}"))
            }
            (v, _) => v,
        }
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

    /// The lesson's clock moved: members that started before now are no longer fresh, and
    /// the last write's reply is no longer this instant.
    fn clock_moved(&mut self) {
        self.fresh.clear();
        self.answered = None;
    }
}

/// etcdctl's zap log lines on stderr, which the console never prints.
fn drop_logs(stderr: &str) -> String {
    stderr.lines().filter(|l| !l.starts_with("{\"level\":")).map(|l| format!("{l}\n")).collect()
}

mod act;
mod boot;
mod kube;
mod look;
