//! The lab side: a scenario played on the simulated cluster at one seed, recorded as a
//! transcript in the same form as the real side's.
//!
//! Contract: `run(scenario, seed)` is deterministic (same scenario and seed, same
//! transcript) and goes through the console (`console::Session`) exactly as a learner's
//! typed lines would; the only things it does around the console mirror what the real
//! side's harness does: it waits for one leader at boot and then 1 s, it lets 10 ms pass
//! before each etcdctl line (a new etcdctl process), it lets 500 ms pass after starting
//! and before stopping a background stream, and it resolves `leader` and `follower` before
//! handing a lab word to the console.

use std::collections::BTreeMap;

use crate::console::format::Output;
use crate::console::session::Session;
use crate::engine::{Action, NodeId};

use super::scenario::{expand, EtcdMode, LabWord, NodeSel, Scenario, Step, StepKind, Var};
use super::transcript::{StepRecord, Transcript};
use super::vars::Vars;

/// How long the boot may take to elect a leader before the run is given up.
const BOOT_LEADER_MS: u64 = 30_000;
/// Time granted to a stream after it starts and before it stops, on both sides: the real
/// etcdctl needs it to set its watch up and to receive the last events.
pub const STREAM_GRACE_MS: u64 = 500;
/// Time from one etcdctl's answer to the next etcdctl's first request on the real side:
/// each line is a new process. Measured here: `etcdctl version` takes 9.3 ms at least and
/// 14.7 ms at the median. Without it, a status read right after a write answered by the
/// leader found the lab's followers one commit behind, which a real run never showed.
pub const ETCDCTL_START_MS: u64 = 10;
/// How finely time advances while waiting for a leader.
const SLICE_MS: u64 = 10;
/// How long a cancelled `lock` or `elect` may take to unlock or resign.
const RECIPE_EXIT_MS: u64 = 5_000;

struct LabRun {
    session: Session,
    vars: Vars,
    /// Background streams, newest last: the stream (`None` if it failed to start) and
    /// what its starting line printed.
    streams: Vec<(Option<u64>, Output)>,
    /// What each stream printed so far.
    printed: BTreeMap<u64, Output>,
}

/// Plays `scenario` on the lab at `seed`.
pub fn run(scenario: &Scenario, seed: u64) -> Result<Transcript, String> {
    let session = Session::new(scenario.lab_config(seed)).map_err(|e| e.to_string())?;
    let mut lab = LabRun { session, vars: Vars::default(), streams: Vec::new(), printed: BTreeMap::new() };
    if lab.wait_leader(&[], BOOT_LEADER_MS).is_none() {
        return Err(format!("the lab at seed {seed} elected no leader within {}s of boot", BOOT_LEADER_MS / 1000));
    }
    lab.session.apply(Action::Advance(1000)).map_err(|e| e.to_string())?;
    let mut steps = Vec::new();
    for step in &scenario.steps {
        steps.push(lab.step(step));
    }
    Ok(Transcript {
        scenario: scenario.name.clone(),
        side: format!("lab seed {seed}"),
        members: scenario.members,
        flags: scenario.flags.clone(),
        date: None,
        steps,
    })
}

impl LabRun {
    fn step(&mut self, step: &Step) -> StepRecord {
        let mut rec = StepRecord::new(&step.line, &step.stdin);
        self.collect_streams();
        match &step.kind {
            StepKind::Etcdctl { command, mode } => {
                let out = match self.fill(command).and_then(|line| self.etcdctl(&line, &step.stdin, *mode)) {
                    Ok(o) => o,
                    Err(e) => {
                        rec.failed = Some(e);
                        Output::default()
                    }
                };
                self.vars.learn(command, &out.stdout);
                if *mode == EtcdMode::Background {
                    // A stream's whole output, from its first line, is its stop step's.
                    if let Some(last) = self.streams.last_mut() {
                        last.1 = out;
                    }
                } else {
                    rec = rec.with_output(&out.stdout, &out.stderr);
                }
            }
            StepKind::Stop => {
                let out = self.stop();
                rec = rec.with_output(&out.stdout, &out.stderr);
            }
            StepKind::Lab(word) => {
                if let Err(e) = self.lab_word(word, &mut rec) {
                    rec.failed = Some(e);
                }
            }
        }
        self.collect_streams();
        rec
    }

    fn fill(&self, text: &str) -> Result<String, String> {
        expand(text, |v| match v {
            Var::Lease => self.vars.lease(),
            Var::Member(id) => self.member_hex(id),
        })
        .map_err(|(e, _)| e)
    }

    fn member_hex(&self, id: u64) -> Result<String, String> {
        let c = self.session.cluster();
        let by_name = c.node_ids().into_iter().find(|n| c.node_view(*n).is_some_and(|v| v.name == format!("n{id}")));
        by_name
            .or_else(|| c.node_ids().into_iter().find(|n| *n == id))
            .and_then(|n| c.node_view(n))
            .map(|v| format!("{:x}", v.member_id))
            .ok_or_else(|| format!("$member(n{id}): n{id} is not a member here"))
    }

    fn etcdctl(&mut self, line: &str, stdin: &[String], mode: EtcdMode) -> Result<Output, String> {
        self.session.apply(Action::Advance(ETCDCTL_START_MS)).map_err(|e| e.to_string())?;
        self.collect_streams();
        let before = self.session.streams();
        let mut out = self.session.run_line(line);
        if self.session.in_txn() {
            for l in stdin {
                // Once the txn has run or been refused, etcdctl has exited: the rest of
                // its stdin is never read.
                if !self.session.in_txn() {
                    break;
                }
                let l = self.fill(l)?;
                append(&mut out, self.session.run_line(&l));
            }
            // etcdctl runs the txn at the end of its stdin; the console waits for the
            // blank line that ends each section, so give it the blank lines EOF stands for.
            for _ in 0..3 {
                if !self.session.in_txn() {
                    break;
                }
                append(&mut out, self.session.run_line(""));
            }
        }
        if mode == EtcdMode::Background {
            let new = self.session.streams().into_iter().find(|id| !before.contains(id));
            self.streams.push((new, Output::default()));
            self.session.apply(Action::Advance(STREAM_GRACE_MS)).map_err(|e| e.to_string())?;
        }
        Ok(out)
    }

    /// Moves what the streams printed into their own buffers.
    fn collect_streams(&mut self) {
        for (id, o) in self.session.take_stream_output() {
            append(self.printed.entry(id).or_default(), o);
        }
    }

    fn stop(&mut self) -> Output {
        let Some((stream, mut out)) = self.streams.pop() else { return Output::default() };
        let _ = self.session.apply(Action::Advance(STREAM_GRACE_MS));
        self.collect_streams();
        let Some(id) = stream else { return out };
        // Ctrl-C ends etcdctl; the console's cancel is the same for the stream.
        let _ = self.session.run_line(&format!("cancel {id}"));
        // A lock or an election unlocks or resigns before its etcdctl exits.
        for _ in 0..(RECIPE_EXIT_MS / SLICE_MS) {
            if !self.session.cluster().recipe_running(id) {
                break;
            }
            let _ = self.session.apply(Action::Advance(SLICE_MS));
        }
        self.collect_streams();
        append(&mut out, self.printed.remove(&id).unwrap_or_default());
        out
    }

    fn live(&self) -> Vec<NodeId> {
        let c = self.session.cluster();
        c.node_ids().into_iter().filter(|id| c.node_view(*id).is_some_and(|v| v.alive && !v.removed)).collect()
    }

    fn resolve(&self, sel: NodeSel, rec: &mut StepRecord) -> Result<NodeId, String> {
        let leader = self.session.cluster().leader();
        let (word, id) = match sel {
            NodeSel::Id(id) => return Ok(id),
            NodeSel::Leader => ("leader", leader.ok_or("there is no leader right now")?),
            NodeSel::Follower => {
                let f = self.live().into_iter().find(|id| Some(*id) != leader);
                ("follower", f.ok_or("there is no live follower right now")?)
            }
        };
        if !rec.resolved.iter().any(|(k, _)| k == word) {
            rec.resolved.push((word.to_string(), format!("n{id}")));
        }
        Ok(id)
    }

    /// A lab command through the console; its confirmation is the lab's own wording and
    /// is not kept, an error is.
    fn console(&mut self, line: &str) -> Result<(), String> {
        let out = self.session.run_line(line);
        if out.stderr.is_empty() {
            Ok(())
        } else {
            Err(out.stderr.trim_end().trim_start_matches("Error: ").to_string())
        }
    }

    fn lab_word(&mut self, word: &LabWord, rec: &mut StepRecord) -> Result<(), String> {
        match word {
            LabWord::Kill(s) => {
                let id = self.resolve(*s, rec)?;
                self.console(&format!("kill n{id}"))
            }
            LabWord::Isolate(s) => {
                let id = self.resolve(*s, rec)?;
                self.console(&format!("isolate n{id}"))
            }
            LabWord::Restart(id) => self.console(&format!("restart n{id}")),
            LabWord::Start(id) => self.console(&format!("start n{id}")),
            LabWord::Partition(groups) => {
                let mut ids: Vec<Vec<NodeId>> = Vec::new();
                for g in groups {
                    ids.push(g.iter().map(|s| self.resolve(*s, rec)).collect::<Result<_, _>>()?);
                }
                let rest: Vec<NodeId> = self
                    .session
                    .cluster()
                    .node_ids()
                    .into_iter()
                    .filter(|id| !ids.iter().flatten().any(|g| g == id))
                    .collect();
                if !rest.is_empty() {
                    ids.push(rest);
                }
                let words: Vec<String> =
                    ids.iter().map(|g| g.iter().map(|i| format!("n{i}")).collect::<Vec<_>>().join(",")).collect();
                self.console(&format!("partition {}", words.join(" ")))
            }
            LabWord::Cut(a, b) => self.console(&format!("cut n{a}<->n{b}")),
            LabWord::Restore(a, b) => self.console(&format!("restore n{a}<->n{b}")),
            LabWord::Heal => self.console("heal"),
            LabWord::Run { ms } => self.session.apply(Action::Advance(*ms)).map_err(|e| e.to_string()),
            LabWord::WaitLeader { among, within_ms } => match self.wait_leader(among, *within_ms) {
                Some(id) => {
                    rec.resolved.push(("leader".into(), format!("n{id}")));
                    Ok(())
                }
                None => Err(format!("no single leader within {}", ms_words(*within_ms))),
            },
        }
    }

    /// Advances until every member of `among` (every live member if empty) reports one
    /// same leader, or `within_ms` has passed.
    fn wait_leader(&mut self, among: &[NodeId], within_ms: u64) -> Option<NodeId> {
        let mut waited = 0;
        loop {
            if let Some(l) = self.agreed_leader(among) {
                return Some(l);
            }
            if waited >= within_ms {
                return None;
            }
            let slice = SLICE_MS.min(within_ms - waited);
            self.session.apply(Action::Advance(slice)).ok()?;
            waited += slice;
        }
    }

    /// The leader must also be alive and say so itself: right after a leader dies, its
    /// followers still name it until their election timeout.
    fn agreed_leader(&self, among: &[NodeId]) -> Option<NodeId> {
        let ids = if among.is_empty() { self.live() } else { among.to_vec() };
        let c = self.session.cluster();
        let leader_of = |id: NodeId| c.node_view(id).filter(|v| v.alive).map_or(0, |v| v.leader);
        let first = leader_of(*ids.first()?);
        let agreed = first != 0 && ids.iter().all(|id| leader_of(*id) == first);
        (agreed && leader_of(first) == first).then_some(first)
    }
}

fn append(to: &mut Output, o: Output) {
    to.stdout.push_str(&o.stdout);
    to.stderr.push_str(&o.stderr);
}

/// `10s`, `1.5s`, `500ms`.
pub fn ms_words(ms: u64) -> String {
    match (ms % 1000, ms) {
        (0, _) => format!("{}s", ms / 1000),
        (_, ms) if ms < 1000 => format!("{ms}ms"),
        (frac, _) => format!("{}.{}s", ms / 1000, format!("{frac:03}").trim_end_matches('0')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::scenario::parse;

    /// Any scenario that parses plays on the lab without a panic, whatever order its steps
    /// come in (a stop before a stream, a start of a member never added, a restore …).
    #[test]
    fn random_scenarios_play_without_panicking() {
        let lines = [
            "put x 1",
            "get x -w json",
            "kill leader",
            "kill follower",
            "kill n2",
            "restart n2",
            "start n3",
            "isolate leader",
            "partition leader,follower",
            "cut n1<->n2",
            "restore n1<->n2",
            "heal",
            "run 1s",
            "wait leader within 1s",
            "watch x &",
            "stop",
            "lease grant 5",
            "lease keep-alive $lease &",
            "put y 1 --lease=$lease",
            "txn\n| mod(\"x\") > \"0\"\n|\n| put x 2\n|",
            "txn\n| bad compare",
            "member add n4 --learner --peer-urls=http://n4:2380",
            "member promote $member(n4)",
            "start n4",
            "snapshot save s.db",
            "snapshot restore s.db",
            "endpoint status --endpoints=n1,n2,n3 -w table",
            "get",
        ];
        let mut seed = 7u64;
        let mut played = 0;
        for _ in 0..400 {
            let mut text = String::from("# random\nmembers 3\n");
            for _ in 0..8 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(lines[(seed >> 33) as usize % lines.len()]);
                text.push('\n');
            }
            if let Ok(s) = parse("random.txt", &text) {
                let t = run(&s, seed % 5 + 1).expect("the lab boots");
                assert_eq!(t.steps.len(), s.steps.len());
                played += 1;
            }
        }
        assert!(played > 50, "only {played} random scenarios parsed");
    }
}
