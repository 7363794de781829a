//! A scenario played on a real etcd cluster, recorded as a transcript.
//!
//! Contract: `run` needs root, `ip`, `etcd` and `etcdctl`, and says so plainly when one is
//! missing. It builds the namespaces, boots the members, waits until every member reports
//! one same leader and then 1 s (the lab side mirrors this), boots again if that took more
//! than one election (the lab's boot never does; see `FIRST_LEADER_TERM`), plays each step and records
//! what etcdctl printed. Whatever happens (an error, a panic, Ctrl-C) the members are
//! killed and the namespaces removed. The scenario's directory (data dirs, member logs,
//! snapshot files) is deleted after a good run and kept after a failed one, and the error
//! says where it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::console::parse::shell_words;
use crate::oracle::lab_side::{ms_words, STREAM_GRACE_MS};
use crate::oracle::scenario::{expand, EtcdMode, LabWord, NodeSel, Scenario, Step, StepKind, Var};
use crate::oracle::transcript::{today, StepRecord, Transcript};
use crate::oracle::vars::Vars;

use super::cluster::RealCluster;
use super::etcdctl::{self, Captured, Stream};
use super::guard;
use super::ops::{self, with_ports, STEP_TIMEOUT};

const BOOT_LEADER: Duration = Duration::from_secs(30);
/// The term of a boot's first leader when one election sufficed (the bootstrap entries
/// are term 1). The lab starts every member at the same instant, and its boot elects in
/// one round at every seed (256 of 256 for five members). A real member whose peers start
/// late campaigns alone and loses: on this 2-core machine five processes launched
/// together came up as much as 3 s apart, and 1 boot in 12 (`status-5`) reached term 3, one
/// `members-5` run term 4. A scenario starts from a one-election boot on both sides, so
/// the real side boots again until it has one.
const FIRST_LEADER_TERM: u64 = 2;
const BOOT_ATTEMPTS: u32 = 5;
const POLL: Duration = Duration::from_millis(100);

/// What is needed to run real etcd here, or why it cannot run.
pub fn prerequisites() -> Result<String, String> {
    let loopback = super::place::loopback();
    // SAFETY: geteuid(2) has no preconditions.
    if !loopback && unsafe { libc::geteuid() } != 0 {
        return Err("the real side needs root (network namespaces); run as root or with sudo".into());
    }
    for tool in ["ip", "etcd", "etcdctl"].into_iter().filter(|t| !loopback || *t != "ip") {
        let found = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
            .unwrap_or(false);
        if !found {
            return Err(format!(
                "{tool} is not installed; `make oracle` installs etcd-server, etcd-client and iproute2"
            ));
        }
    }
    let out = std::process::Command::new("etcd").arg("--version").output().map_err(|e| format!("etcd: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.lines().find_map(|l| l.strip_prefix("etcd Version: ")).unwrap_or("unknown").trim();
    Ok(format!("etcd {version}"))
}

/// A failed real run: why, and where its logs are.
#[derive(Debug)]
pub struct RunError {
    pub message: String,
    pub kept: Option<PathBuf>,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kept {
            Some(dir) => write!(f, "{} (member logs and data kept in {})", self.message, dir.display()),
            None => write!(f, "{}", self.message),
        }
    }
}

/// Plays `scenario` on real etcd. `keep` keeps the scenario's directory even when the
/// run went well.
pub fn run(scenario: &Scenario, keep: bool) -> Result<Transcript, RunError> {
    let plain = |message: String| RunError { message, kept: None };
    let side = prerequisites().map_err(plain)?;
    let _lock = guard::begin().map_err(plain)?;
    let dir = std::env::temp_dir().join(format!("raftlab-oracle-{}-{}", scenario.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| plain(format!("{}: {e}", dir.display())))?;
    guard::set_run_dir(Some(dir.clone()));
    let result = play(scenario, &dir, side);
    guard::set_run_dir(None);
    if result.is_ok() && !keep {
        let _ = std::fs::remove_dir_all(&dir);
        return result.map_err(plain);
    }
    result.map_err(|message| RunError { message, kept: Some(dir) })
}

struct RealRun {
    cluster: RealCluster,
    vars: Vars,
    /// Background streams, newest last.
    streams: Vec<Stream>,
    /// The initial cluster each added member was given by `member add`.
    joins: BTreeMap<u64, String>,
    members: u64,
}

fn play(scenario: &Scenario, dir: &Path, side: String) -> Result<Transcript, String> {
    let cluster = RealCluster::new(dir.to_path_buf(), scenario.max_node(), scenario.members, scenario.flags.clone())?;
    let mut run = RealRun {
        cluster,
        vars: Vars::default(),
        streams: Vec::new(),
        joins: BTreeMap::new(),
        members: scenario.members,
    };
    for attempt in 1..=BOOT_ATTEMPTS {
        run.cluster.boot()?;
        if run.wait_leader(&[], BOOT_LEADER)?.is_none() {
            return Err(format!("no leader within {}s of boot", BOOT_LEADER.as_secs()));
        }
        // Member ids, to tell which member a status names as leader.
        let list =
            run.etcdctl_args(&with_ports(vec!["member".into(), "list".into(), "-w".into(), "json".into()]), None)?;
        run.vars.learn("member list", &list.stdout);
        if (1..=scenario.members).any(|k| run.vars.member(k).is_err()) {
            return Err(format!("member list did not name every member: {}{}", list.stdout, list.stderr));
        }
        std::thread::sleep(Duration::from_secs(1));
        let term = run.statuses(&run.cluster.running())?.iter().map(|s| s.2).max().unwrap_or(0);
        if term <= FIRST_LEADER_TERM {
            break;
        }
        if attempt == BOOT_ATTEMPTS {
            return Err(format!(
                "{BOOT_ATTEMPTS} boots in a row needed more than one election (the last reached term {term})"
            ));
        }
        eprintln!("{}: the boot needed more than one election (term {term}); booting again", scenario.name);
        run.cluster.reset()?;
        run.vars = Vars::default();
    }
    let mut steps = Vec::new();
    for step in &scenario.steps {
        steps.push(run.step(step)?);
    }
    while let Some(s) = run.streams.pop() {
        drop(s);
    }
    Ok(Transcript {
        scenario: scenario.name.clone(),
        side,
        members: scenario.members,
        flags: scenario.flags.clone(),
        date: Some(today()),
        steps,
    })
}

fn record(mut rec: StepRecord, c: Captured) -> StepRecord {
    rec = rec.with_output(&c.stdout, &c.stderr);
    rec.exit = c.exit;
    rec.timed_out = c.timed_out;
    rec
}

impl RealRun {
    fn etcdctl_args(&self, args: &[String], stdin: Option<&str>) -> Result<Captured, String> {
        etcdctl::run(&self.cluster.dir, args, stdin, STEP_TIMEOUT)
    }

    fn fill(&self, text: &str) -> Result<String, String> {
        expand(text, |v| match v {
            Var::Lease => self.vars.lease(),
            Var::Member(id) => self.vars.member(id),
        })
        .map_err(|(e, _)| e)
    }

    fn step(&mut self, step: &Step) -> Result<StepRecord, String> {
        self.cluster.reap();
        let mut rec = StepRecord::new(&step.line, &step.stdin);
        match &step.kind {
            StepKind::Etcdctl { command, mode } => {
                let line = match self.fill(command) {
                    Ok(l) => l,
                    Err(e) => {
                        rec.failed = Some(e);
                        return Ok(rec);
                    }
                };
                let words = shell_words(&line).map_err(|e| format!("line {}: {e}", step.line_no))?;
                let args = with_ports(words);
                match mode {
                    EtcdMode::Plain => {
                        let stdin: Vec<String> = step.stdin.iter().map(|l| self.fill(l)).collect::<Result<_, _>>()?;
                        let stdin =
                            (!stdin.is_empty()).then(|| stdin.iter().map(|l| format!("{l}\n")).collect::<String>());
                        let c = self.etcdctl_args(&args, stdin.as_deref())?;
                        self.vars.learn(command, &c.stdout);
                        self.learn_join(command, &c.stdout);
                        rec = record(rec, c);
                    }
                    EtcdMode::Background => {
                        // Its whole output, an error at start included, is its stop step's.
                        let s = Stream::spawn(&self.cluster.dir, &args)?;
                        std::thread::sleep(Duration::from_millis(STREAM_GRACE_MS));
                        self.streams.push(s);
                    }
                    EtcdMode::Restore => rec = record(rec, self.restore(&args)?),
                }
            }
            StepKind::Stop => {
                if let Some(s) = self.streams.pop() {
                    std::thread::sleep(Duration::from_millis(STREAM_GRACE_MS));
                    rec = record(rec, s.stop());
                }
            }
            StepKind::Lab(word) => {
                if let Err(e) = self.lab_word(word, &mut rec)? {
                    rec.failed = Some(e);
                }
            }
        }
        Ok(rec)
    }

    /// `ETCD_INITIAL_CLUSTER="…"` from a `member add`, for that member's first start.
    fn learn_join(&mut self, command: &str, stdout: &str) {
        let words: Vec<&str> = command.split_whitespace().collect();
        let node = words.get(2).and_then(|n| n.strip_prefix('n')).and_then(|n| n.parse::<u64>().ok());
        let ic = stdout.lines().find_map(|l| l.strip_prefix("ETCD_INITIAL_CLUSTER=\"")?.strip_suffix('"'));
        if let (true, Some(node), Some(ic)) = (words.starts_with(&["member", "add"]), node, ic) {
            self.joins.insert(node, ic.to_string());
        }
    }

    /// `snapshot restore FILE`, as an operator restores a cluster; the step's output is
    /// what etcdctl printed for n1.
    fn restore(&mut self, args: &[String]) -> Result<Captured, String> {
        // The file is the first word after "snapshot restore" that is not a flag.
        let file = args.iter().skip(2).find(|w| !w.starts_with("--")).cloned().unwrap_or_default();
        // Their member is gone; a restore starts a new cluster.
        self.streams.clear();
        ops::restore(&mut self.cluster, self.members, &file)
    }

    /// Each running member's view: (member, leader's member id, raft term).
    fn statuses(&self, among: &[u64]) -> Result<Vec<(u64, u64, u64)>, String> {
        let running: Vec<u64> = among.iter().copied().filter(|k| self.cluster.is_running(*k)).collect();
        Ok(ops::statuses(&self.cluster.dir, &running)?.into_iter().map(|s| (s.node, s.leader, s.term)).collect())
    }

    /// The member id of the one leader every member of `among` (every running member if
    /// empty) reports, if they agree.
    /// The leader must also be alive and say so itself: right after a leader dies, its
    /// followers still name it until their election timeout.
    fn agreed_leader(&self, among: &[u64]) -> Result<Option<u64>, String> {
        let ids = if among.is_empty() { self.cluster.running() } else { among.to_vec() };
        let mut ask = ids.clone();
        ask.extend(self.cluster.running().into_iter().filter(|k| !ids.contains(k)));
        let st = self.statuses(&ask)?;
        let of = |k: u64| st.iter().find(|s| s.0 == k).map(|s| s.1);
        let first = ids.first().and_then(|k| of(*k)).unwrap_or(0);
        let agreed = first != 0 && ids.iter().all(|k| of(*k) == Some(first));
        let itself = self.vars.node_of(first).is_some_and(|l| of(l) == Some(first));
        // At boot the member ids are not known yet: agreement is enough there.
        let booting = self.vars.node_of(first).is_none() && self.vars.member(1).is_err();
        Ok((agreed && (itself || booting)).then_some(first))
    }

    fn wait_leader(&mut self, among: &[u64], within: Duration) -> Result<Option<u64>, String> {
        let start = Instant::now();
        loop {
            // A member removed just before stops a moment later: it is then no longer live.
            self.cluster.reap();
            if let Some(l) = self.agreed_leader(among)? {
                return Ok(Some(l));
            }
            if start.elapsed() >= within {
                return Ok(None);
            }
            std::thread::sleep(POLL);
        }
    }

    /// The leader now, as the lab's `leader` means it: a running member that says it leads
    /// (the one with the highest term, should there be two).
    fn leader(&self) -> Result<Option<u64>, String> {
        let st = self.statuses(&self.cluster.running())?;
        let leads = st.iter().filter(|s| s.1 != 0 && self.vars.node_of(s.1) == Some(s.0));
        Ok(leads.max_by_key(|s| (s.2, std::cmp::Reverse(s.0))).map(|s| s.0))
    }

    fn resolve(&self, sel: NodeSel, rec: &mut StepRecord) -> Result<Result<u64, String>, String> {
        let leader = self.leader()?;
        let (word, id) = match sel {
            NodeSel::Id(id) => return Ok(Ok(id)),
            NodeSel::Leader => match leader {
                Some(l) => ("leader", l),
                None => return Ok(Err("there is no leader right now".into())),
            },
            NodeSel::Follower => match self.cluster.running().into_iter().find(|k| Some(*k) != leader) {
                Some(f) => ("follower", f),
                None => return Ok(Err("there is no live follower right now".into())),
            },
        };
        if !rec.resolved.iter().any(|(k, _)| k == word) {
            rec.resolved.push((word.to_string(), format!("n{id}")));
        }
        Ok(Ok(id))
    }

    /// Carries out a lab word. The outer error stops the run (the harness broke); the
    /// inner one is the word failing, which is recorded.
    fn lab_word(&mut self, word: &LabWord, rec: &mut StepRecord) -> Result<Result<(), String>, String> {
        macro_rules! node {
            ($sel:expr) => {
                match self.resolve($sel, rec)? {
                    Ok(id) => id,
                    Err(e) => return Ok(Err(e)),
                }
            };
        }
        Ok(match word {
            LabWord::Kill(s) => {
                let id = node!(*s);
                self.cluster.kill(id)
            }
            LabWord::Restart(id) => self.cluster.restart(*id),
            LabWord::Start(id) => match self.joins.get(id).cloned() {
                Some(ic) => self.cluster.start_added(*id, &ic),
                None => Err(format!("n{id} was not added with member add")),
            },
            LabWord::Isolate(s) => {
                let id = node!(*s);
                self.cluster.net()?.partition(&[vec![id]])?;
                Ok(())
            }
            LabWord::Partition(groups) => {
                let mut ids = Vec::new();
                for g in groups {
                    let mut group = Vec::new();
                    for s in g {
                        group.push(node!(*s));
                    }
                    ids.push(group);
                }
                self.cluster.net()?.partition(&ids)?;
                Ok(())
            }
            LabWord::Cut(a, b) => {
                self.cluster.net()?.cut(*a, *b)?;
                Ok(())
            }
            LabWord::Restore(a, b) => {
                self.cluster.net()?.restore(*a, *b)?;
                Ok(())
            }
            LabWord::Heal => {
                self.cluster.net()?.heal()?;
                Ok(())
            }
            LabWord::Run { ms } => {
                std::thread::sleep(Duration::from_millis(*ms));
                Ok(())
            }
            LabWord::WaitLeader { among, within_ms } => {
                match self.wait_leader(among, Duration::from_millis(*within_ms))? {
                    Some(id) => match self.vars.node_of(id) {
                        Some(node) => {
                            rec.resolved.push(("leader".into(), format!("n{node}")));
                            Ok(())
                        }
                        None => Err(format!("the leader's member id {id:x} names no member this run knows")),
                    },
                    None => Err(format!("no single leader within {}", ms_words(*within_ms))),
                }
            }
        })
    }
}
