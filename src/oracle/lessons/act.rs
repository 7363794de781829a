//! The real player's two verbs: carry out a lesson line on the real cluster, and judge a
//! check there (once, or polling until its limit).
//!
//! Contract: an `Err` is the harness failing (etcdctl would not start, a namespace could
//! not change) and stops the lesson; a line the real cluster refuses to carry out (no
//! leader to kill, a `$member` nobody knows) is recorded as a failed item and the lesson
//! goes on, as the lab's player goes on after a red mark.

use std::time::{Duration, Instant};

use crate::lesson::cond::{Clause, Cond, Expr};
use crate::lesson::parse::{expand, Var};
use crate::lesson::{NodeName, Pos};
use crate::oracle::real::with_ports;
use crate::oracle::transcript::StepRecord;

use crate::oracle::lab_side::STREAM_GRACE_MS;
use crate::oracle::real::Session;
use crate::oracle::vars::{lease_granted, member_added, member_list};

use super::checks::{judge, lab_only, Judged, Text};
use super::lab::member_acted_on;
use super::plan::{self, Action, Mode};
use super::report::{CheckResult, Verdict};
use super::{drop_logs, Player, POLL};

/// How much later than the lesson's moment a look may come and still judge it.
const LATE_SLACK_MS: u64 = 50;

/// A clause's verdict over one look at the cluster: (judged real clauses, lab-only count).
type Look = (Vec<(String, Judged)>, usize);

impl Player<'_> {
    pub(super) fn act(&mut self, line: &str, endpoint: Option<NodeName>, pos: Pos) -> Result<(), String> {
        let filled = expand(line, |v| match v {
            Var::Lease => self.lease.clone().ok_or_else(|| "$lease: no lease has been granted yet".to_string()),
            Var::Member(k) => self.member_hex(k),
        });
        let filled = match filled {
            Ok(l) => l,
            Err((e, _)) => {
                self.failed_line(pos, line, e.to_string());
                return Ok(());
            }
        };
        let action = match plan::action(&filled, self.lesson.cluster.command_timeout_ms) {
            Ok(a) => a,
            Err(e) => {
                self.failed_line(pos, line, e);
                return Ok(());
            }
        };
        // The lab's console line for this one (a `run` is a wait there, not a line).
        if !matches!(action, Action::Sleep(_)) {
            let said = self.lab.transcript.steps.get(self.said_at);
            self.said_at += 1;
            // After a lab-only action the real cluster is not the lab's: a symbolic name
            // follows the member the lab chose, so that later checks name the same ones.
            self.lab_choice = match (&self.diverged, said) {
                (Some(_), Some(s)) => member_acted_on(&s.line, &s.stdout),
                _ => None,
            };
        }
        self.drain_streams();
        let done = match action {
            Action::Etcd { mut words, stdin, mode } => {
                self.reply_from = None;
                if let Some(name) = endpoint {
                    match self.resolve(name)? {
                        Ok(id) => {
                            self.reply_from = Some(id);
                            words.push(format!("--endpoints=n{id}"))
                        }
                        Err(e) => {
                            self.failed_line(pos, line, e);
                            return Ok(());
                        }
                    }
                }
                return self.etcd(&filled, with_ports(words), stdin, mode);
            }
            Action::Kube(cmd) => return self.kube(&filled, cmd),
            Action::LabOnly { what, taints } => {
                self.lab_actions.push((pos.line, filled.clone()));
                if taints {
                    let after = format!("after `{what}` (line {}), which real processes cannot do", pos.line);
                    self.diverged.get_or_insert_with(|| after.clone());
                    self.taint = Some(after);
                }
                Ok(())
            }
            Action::Sleep(ms) => {
                self.pause(ms);
                return Ok(());
            }
            Action::Cancel => {
                let (out, err) = self.session.stop_streams();
                self.output.push_str(&out);
                self.output.push_str(&drop_logs(&err));
                Ok(())
            }
            Action::Kill(n) => self.on_node(n, |s, id| s.kill(id))?,
            Action::Restart(n) => self.on_node(n, |s, id| s.restart(id))?,
            Action::Start(id) => {
                self.fresh.insert(id);
                self.session.start_added(id)
            }
            Action::StartFrom(id, dir) => {
                self.fresh.insert(id);
                self.session.start_from(id, &dir)
            }
            Action::Isolate(n) => self.on_node(n, |s, id| s.partition(&[vec![id]]))?,
            Action::Heal => self.session.heal(),
            Action::Cut(a, b) => self.link(a, b, true)?,
            Action::Mend(a, b) => self.link(a, b, false)?,
            Action::Partition(groups) => {
                let mut ids = Vec::new();
                let mut bad = None;
                for g in groups {
                    let mut group = Vec::new();
                    for n in g {
                        match self.resolve(n)? {
                            Ok(id) => group.push(id),
                            Err(e) => bad = Some(e),
                        }
                    }
                    ids.push(group);
                }
                match bad {
                    Some(e) => Err(e),
                    None => self.session.partition(&ids),
                }
            }
            Action::Transfer(n) => self.transfer(n)?,
        };
        // A lab word prints the lab's own words: `reply` has nothing real to compare.
        self.reply = None;
        if let Err(e) = done {
            self.failed_line(pos, line, e);
        }
        Ok(())
    }

    /// Resolves a node now: the outer error is the harness, the inner the name.
    pub(super) fn resolve(&mut self, name: NodeName) -> Result<Result<u64, String>, String> {
        if let (false, Some(id)) = (matches!(name, NodeName::Id(_)), self.lab_choice) {
            return Ok(Ok(id));
        }
        let t = Instant::now();
        let v = self.view(None, false)?;
        self.debt += t.elapsed();
        Ok(match v.resolve(name) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err("none names no member".into()),
            Err(e) => Err(e),
        })
    }

    fn on_node(
        &mut self,
        n: NodeName,
        f: impl FnOnce(&mut Session, u64) -> Result<(), String>,
    ) -> Result<Result<(), String>, String> {
        Ok(match self.resolve(n)? {
            Ok(id) => {
                self.fresh.insert(id);
                f(&mut self.session, id)
            }
            Err(e) => Err(e),
        })
    }

    fn link(&mut self, a: NodeName, b: NodeName, cut: bool) -> Result<Result<(), String>, String> {
        let (a, b) = match (self.resolve(a)?, self.resolve(b)?) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
        };
        Ok(if cut { self.session.cut(a, b) } else { self.session.mend(a, b) })
    }

    /// `transfer nK` as etcd's `move-leader`, sent to every running member (etcdctl finds
    /// the leader among them).
    fn transfer(&mut self, n: NodeName) -> Result<Result<(), String>, String> {
        let id = match self.resolve(n)? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let hex = match self.member_hex(id) {
            Ok(h) => h,
            Err(e) => return Ok(Err(e)),
        };
        let eps: Vec<String> = self.session.running().iter().map(|k| crate::oracle::real::place::client(*k)).collect();
        let args = vec!["move-leader".into(), hex, format!("--endpoints={}", eps.join(","))];
        let c = self.session.etcdctl(&args, None)?;
        Ok(match c.exit {
            None => Ok(()),
            Some(_) => Err(format!("move-leader: {}", drop_logs(&c.stderr).trim())),
        })
    }

    /// An etcdctl line: `filled` as the lesson wrote it (variables filled), `args` to run.
    fn etcd(&mut self, filled: &str, args: Vec<String>, stdin: Option<String>, mode: Mode) -> Result<(), String> {
        self.output_real = true;
        // Sent at the instant a write was answered, to another member: its reply shows that
        // member as the lab saw it then, and as no second real etcdctl can.
        let sent_at = self.answered.take();
        self.reply_at = sent_at.filter(|(_, by)| self.reply_from.is_some_and(|r| r != *by));
        let c = match mode {
            Mode::Stream => {
                self.session.stream(&args)?;
                std::thread::sleep(Duration::from_millis(STREAM_GRACE_MS));
                self.drain_streams();
                self.reply = Some(self.text(filled, ""));
                return Ok(());
            }
            Mode::Restore { file } => {
                let c = self.session.restore(&file)?;
                self.fresh = self.session.running().into_iter().collect();
                c
            }
            Mode::Plain => {
                let c = self.session.etcdctl(&args, stdin.as_deref())?;
                self.clock_moved();
                c
            }
        };
        let printed = format!("{}{}", c.stdout, drop_logs(&c.stderr));
        let words: Vec<&str> = filled.split_whitespace().collect();
        if words.starts_with(&["lease", "grant"]) {
            if let Some(id) = lease_granted(&c.stdout) {
                self.lease = Some(format!("{id:x}"));
            }
        }
        if words.starts_with(&["member", "add"]) {
            let node = words.get(2).and_then(|n| n.strip_prefix('n')).and_then(|n| n.parse::<u64>().ok());
            if let (Some(node), Some(id)) = (node, member_added(&c.stdout)) {
                self.ids.insert(id, node);
                self.session.learn_join(node, &c.stdout);
            }
        }
        if words.starts_with(&["member", "list"]) {
            for (node, id) in member_list(&c.stdout) {
                self.ids.insert(id, node);
            }
        }
        if matches!(words.first(), Some(&"put" | &"del" | &"txn")) {
            self.answered = self.reply_from.map(|by| (filled.to_string(), by));
        }
        self.records.push(StepRecord::new(filled, &[]).with_output(&printed, ""));
        self.reply = Some(self.text(filled, &printed));
        self.after_defrag = words.first() == Some(&"defrag");
        self.output.push_str(&printed);
        Ok(())
    }

    /// Why a clause is not judged on the real cluster now: it is lab-only, or it reads a
    /// text only lab words printed (which no waiting changes).
    fn skipped(&self, c: &Clause) -> Option<String> {
        let reads = |e: &Expr| [&c.lhs, &c.rhs].into_iter().any(|x| x == e);
        if let Some(why) = lab_only(c) {
            Some(why)
        } else if reads(&Expr::Reply) && self.reply.is_none() {
            Some("the reply is a lab word's own text".into())
        } else if reads(&Expr::Output) && !self.output_real {
            Some("only lab words printed in this step so far, and their text is the lab's own".into())
        } else {
            None
        }
    }

    /// One look at the cluster for `cond`'s observable clauses.
    fn look(&mut self, cond: &Cond, instant: bool) -> Result<Look, String> {
        self.drain_streams();
        let view = self.view(Some(cond), instant)?;
        let masker = &self.lab_masker;
        let mask = |printed: &Text, expected: &str| masker.text_of(&printed.line, expected, printed.after_defrag);
        let mut judged = Vec::new();
        let mut lab = 0;
        for c in &cond.clauses {
            if self.skipped(c).is_some() {
                lab += 1;
            } else {
                judged.push((format!("{:?}", c.op), judge(c, &view, &mask)));
            }
        }
        Ok((judged, lab))
    }

    /// Looks until every observable clause holds, or (with `within`) until the time is up.
    pub(super) fn poll(&mut self, cond: &Cond, within_ms: Option<u64>) -> Result<Look, String> {
        let start = Instant::now();
        let deadline = start + Duration::from_millis(within_ms.unwrap_or(0));
        let mut first = true;
        loop {
            let look = self.look(cond, within_ms.is_none())?;
            if std::mem::take(&mut first) {
                // The lab looks in no time: the first look is the harness's, not the lesson's.
                self.debt += start.elapsed();
            }
            let holds = look.0.iter().all(|(_, j)| matches!(j, Judged::Known(true, _)));
            if holds || within_ms.is_none() || Instant::now() >= deadline {
                if within_ms.is_some() {
                    self.clock_moved();
                }
                return Ok(look);
            }
            std::thread::sleep(POLL);
        }
    }

    pub(super) fn check(
        &mut self,
        i: usize,
        what: String,
        cond: &Cond,
        wait: Option<(u64, Instant)>,
        pos: Pos,
    ) -> Result<(), String> {
        let within = wait.map(|(ms, _)| ms);
        let lab = self.lab.mark(self.step, i);
        // A wait the real cluster cannot judge still lets the time pass that it took in
        // the lab (what the real side spent on the item already counts).
        let lab_time = |p: &mut Self| {
            if let (Some((_, started)), Some(ms)) = (wait, p.lab.took_ms(p.step, i)) {
                p.pause(ms.saturating_sub(started.elapsed().as_millis() as u64));
            }
        };
        let record = |verdict, seen: String, at_ms: u64| CheckResult {
            line: pos.line,
            col: pos.col,
            what: what.clone(),
            verdict,
            lab: lab.clone(),
            seen,
            at_ms,
        };
        if let Some(t) = self.taint.clone() {
            lab_time(self);
            let r = record(Verdict::LabOnly(t), String::new(), self.session.elapsed_ms());
            self.checks.push(r);
            return Ok(());
        }
        if let Some(why) = cond
            .clauses
            .iter()
            .all(|c| self.skipped(c).is_some())
            .then(|| cond.clauses.iter().find_map(|c| self.skipped(c)))
            .flatten()
        {
            lab_time(self);
            let r = record(Verdict::LabOnly(why), String::new(), self.session.elapsed_ms());
            self.checks.push(r);
            return Ok(());
        }
        let (judged, lab_clauses) = self.poll(cond, within)?;
        let detail = |want: Option<bool>| {
            judged
                .iter()
                .filter_map(|(_, j)| match j {
                    Judged::Known(b, d) if want.is_none_or(|w| w == *b) && !d.is_empty() => Some(d.clone()),
                    Judged::Unknown(why) if want.is_none() => Some(why.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let verdict = if judged.iter().any(|(_, j)| matches!(j, Judged::Known(false, _))) {
            let why = detail(None);
            Verdict::Failed(if why.is_empty() { "it does not hold".into() } else { why })
        } else if let Some(Judged::Unknown(why)) =
            judged.iter().map(|(_, j)| j).find(|j| matches!(j, Judged::Unknown(_)))
        {
            Verdict::LabOnly(why.clone())
        } else {
            Verdict::Held { lab_only_clauses: lab_clauses }
        };
        let verdict = match verdict {
            Verdict::Failed(real) => match self.moment_unseen(i, cond, &judged, within.is_some())? {
                Some(why) => Verdict::LabOnly(format!("{why}; it showed: {real}")),
                None => Verdict::Failed(real),
            },
            v => v,
        };
        let verdict = self.unless_diverged(verdict);
        let r = record(verdict, detail(None), self.session.elapsed_ms());
        self.checks.push(r);
        Ok(())
    }
}

/// Moments the lab can stop and etcdctl cannot reach: a failed check judged at one says
/// nothing about etcd, so it is lab-only (with what the real cluster showed instead).
impl Player<'_> {
    /// Why check `i` (whose observable clauses were `judged`) looked at a moment no real
    /// etcdctl reaches, if it did:
    /// - before the first leader: etcd members answer no client until they have had one,
    ///   so the harness could look only later than the lesson's moment;
    /// - at the instant a write was answered: the lab stops its clock there, while on real
    ///   etcd the other members apply the write within about a millisecond, before a
    ///   second etcdctl connects. Only the clauses about those other members (or the reply
    ///   of a line sent to one) are excused; the writer's own state is judged as usual.
    fn moment_unseen(
        &mut self,
        i: usize,
        cond: &Cond,
        judged: &[(String, Judged)],
        waited: bool,
    ) -> Result<Option<String>, String> {
        let at = self.session.elapsed_ms();
        let moment = self.lab.times.get(self.step).and_then(|t| t.get(i)).and_then(|t| t.1);
        if let (false, Some(first), Some(m)) = (waited, self.lab_first_leader_ms, moment) {
            if m < first && at > m + LATE_SLACK_MS {
                return Ok(Some(format!(
                    "the lesson looks at {m} ms, before the lab's first leader ({first} ms), and etcd members answer \
                     no client until they have one, so the real cluster could first be looked at {at} ms after its start"
                )));
            }
        }
        let Some((line, writer)) = self.answered.clone().or_else(|| self.reply_at.clone()) else {
            return Ok(None);
        };
        let observed: Vec<&Clause> = cond.clauses.iter().filter(|c| self.skipped(c).is_none()).collect();
        let mut failing = Vec::new();
        for (c, (_, j)) in observed.into_iter().zip(judged) {
            if matches!(j, Judged::Known(false, _)) {
                failing.push(c.clone());
            }
        }
        let reply_elsewhere = self.reply_at.is_some();
        for c in &failing {
            let mut others = false;
            for e in [&c.lhs, &c.rhs] {
                let node = match e {
                    Expr::Node(n) | Expr::Call(_, n) | Expr::Get(n, _) | Expr::Entry(n, _) => Some(*n),
                    Expr::Reply | Expr::Output if reply_elsewhere => {
                        others = true;
                        None
                    }
                    _ => None,
                };
                if let Some(n) = node {
                    if !matches!(n, NodeName::None) && self.resolve(n)? != Ok(writer) {
                        others = true;
                    }
                }
            }
            if !others {
                return Ok(None);
            }
        }
        Ok((!failing.is_empty()).then(|| {
            format!(
                "judged at the instant `{line}` was answered by n{writer}: the lab stops its clock there, but on real \
                 etcd the other members apply the write within about a millisecond, before a second etcdctl can look"
            )
        }))
    }
}
