//! A scenario file: the steps the oracle plays on a real etcd cluster and on the lab.
//!
//! Contract: `parse` turns the text of `tests/oracle/<name>.txt` into a [`Scenario`] or
//! into every error found, each `file:line:col: what is wrong`; it never panics, whatever
//! the text. A scenario that parses can be played on both sides: each etcdctl step parses
//! with the console's grammar (with stand-ins for its variables), each lab word is one the
//! real side can perform, every node named exists at that point, and every `stop` has a
//! stream to stop.
//!
//! The format (see `tests/oracle/README.md`):
//! - `#` lines are comments; the first one is the title.
//! - `members N` (1, 3 or 5), then optional `flag --name=value` lines.
//! - Every other line is a step: a lab word (`kill`, `restart`, `start`, `isolate`,
//!   `partition`, `cut`, `restore`, `heal`, `run`, `wait leader`, `stop`) or an etcdctl
//!   command line. `| ` lines after a bare `txn` are its stdin. A trailing ` &` runs a
//!   `watch` or `lease keep-alive` in the background until `stop`.
//! - `$lease`, `$member(nK)`, `$repeat(c,N)` and `$$` are filled in by each side.

use crate::console::command::{Command, LabCommand};
use crate::console::parse::{is_lab_word, parse_line};
use crate::console::session::parse_endpoint;
use crate::engine::{ClusterConfig, MAX_NODES};

/// One error in a scenario file, with its 1-based line and character column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Every error found in one file, one per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file's stem: `leader-loss` for `tests/oracle/leader-loss.txt`.
    pub name: String,
    pub title: String,
    pub members: u64,
    /// `flag` lines as written (`--quota-backend-bytes=1048576`), passed to every real member.
    pub flags: Vec<String>,
    pub steps: Vec<Step>,
    /// The lab's settings for those flags (seed and size aside).
    config: ClusterConfig,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The line as written (with its ` &`, and its variables unfilled).
    pub line: String,
    /// Its stdin lines, without the `| ` prefix.
    pub stdin: Vec<String>,
    pub kind: StepKind,
    /// Where the line is, for messages.
    pub line_no: usize,
    /// A bare `txn` (any flags): its body follows as stdin lines.
    pub reads_stdin: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// An etcdctl command line; `command` is `line` without a trailing ` &`.
    Etcdctl {
        command: String,
        mode: EtcdMode,
    },
    /// Ends the newest background stream; its output is this step's output.
    Stop,
    Lab(LabWord),
}

impl StepKind {
    /// etcdctl steps (and `stop`, which prints a stream's etcdctl output) count towards
    /// the match target; lab words are counted apart.
    pub fn is_etcdctl(&self) -> bool {
        !matches!(self, StepKind::Lab(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtcdMode {
    /// Runs and answers.
    Plain,
    /// A stream that runs until `stop` (` &`).
    Background,
    /// `snapshot restore`: the real side replaces the cluster as an operator does.
    Restore,
}

/// A node as a lab word names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeSel {
    Id(u64),
    /// Whoever leads when the step runs.
    Leader,
    /// The lowest-numbered live member that does not lead.
    Follower,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabWord {
    Kill(NodeSel),
    Restart(u64),
    /// An added member's first start (`--initial-cluster-state existing`).
    Start(u64),
    Isolate(NodeSel),
    /// Groups as written; members left out of every group form one more group.
    Partition(Vec<Vec<NodeSel>>),
    /// Both directions of one link.
    Cut(u64, u64),
    Restore(u64, u64),
    Heal,
    Run {
        ms: u64,
    },
    /// Until every live member (or every one of `among`) reports one same leader.
    WaitLeader {
        among: Vec<u64>,
        within_ms: u64,
    },
}

/// The words a step line may start with to be a lab word rather than an etcdctl command.
pub const LAB_WORDS: &[&str] =
    &["kill", "restart", "start", "isolate", "partition", "cut", "restore", "heal", "run", "wait", "stop"];

/// Whether a transcript line is a lab word (counted apart from etcdctl steps).
pub fn is_lab_word_line(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    first != "stop" && LAB_WORDS.contains(&first)
}

/// The default bound of `wait leader`.
pub const DEFAULT_WAIT_LEADER_MS: u64 = 10_000;

/// A value a step fills in at run time, on each side from that side's own answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// `$lease`: the last lease granted in this scenario.
    Lease,
    /// `$member(nK)`: nK's member id in hex, as etcdctl prints it.
    Member(u64),
}

/// The largest value `$repeat` makes: etcd refuses requests over 1.5 MiB anyway, and a
/// single argument to a process may not exceed 128 KiB on Linux.
pub const MAX_REPEAT: usize = 128 * 1024 - 1;

/// Fills `$lease`, `$member(nK)`, `$repeat(c,N)` (N copies of the character c: a value
/// too big to write out) and `$$`. An error carries the 0-based character column.
pub fn expand(text: &str, mut value: impl FnMut(Var) -> Result<String, String>) -> Result<String, (String, usize)> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let col = text[..text.len() - rest.len() + i].chars().count();
        let tail = &rest[i..];
        let ends_word = |n: usize| !tail[n..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let used = if tail.starts_with("$$") {
            out.push('$');
            2
        } else if tail.starts_with("$lease") && ends_word(6) {
            out.push_str(&value(Var::Lease).map_err(|e| (e, col))?);
            6
        } else if let Some(arg) = tail.strip_prefix("$member(") {
            let close = arg.find(')').ok_or_else(|| ("$member( is not closed: write $member(n4)".to_string(), col))?;
            let id = node_id(&arg[..close])
                .ok_or_else(|| (format!("$member takes a node such as n4, found {:?}", &arg[..close]), col))?;
            out.push_str(&value(Var::Member(id)).map_err(|e| (e, col))?);
            "$member(".len() + close + 1
        } else if let Some(arg) = tail.strip_prefix("$repeat(") {
            let close =
                arg.find(')').ok_or_else(|| ("$repeat( is not closed: write $repeat(x,1000)".to_string(), col))?;
            let (c, n) = repeat_args(&arg[..close]).map_err(|e| (e, col))?;
            out.extend(std::iter::repeat_n(c, n));
            "$repeat(".len() + close + 1
        } else {
            return Err(("unknown variable: use $lease, $member(nK), $repeat(c,N), or $$ for a $".into(), col));
        };
        rest = &tail[used..];
    }
    out.push_str(rest);
    Ok(out)
}

fn repeat_args(s: &str) -> Result<(char, usize), String> {
    let bad = || format!("$repeat takes one character and a count, such as $repeat(x,1000), found {s:?}");
    let (c, n) = s.split_once(',').ok_or_else(bad)?;
    let mut chars = c.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return Err(bad()) };
    if c.is_whitespace() || c == '$' || c == '\'' || c == '"' || c == '\\' {
        return Err(format!("$repeat's character must be plain, found {c:?}"));
    }
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || n > MAX_REPEAT {
        return Err(format!("$repeat's count must be 1 to {MAX_REPEAT}, found {n}"));
    }
    Ok((c, n))
}

/// Durations as lessons write them (`crate::console::parse::lex::lab_duration_ns`, the
/// lab's one grammar), rounded to the millisecond; at most an hour.
pub fn duration_ms(s: &str) -> Result<u64, String> {
    let ns = crate::console::parse::lex::lab_duration_ns(s)
        .map_err(|_| format!("expected a duration such as 500ms, 2s or 1m, found {s:?}"))?;
    let ms = (ns + 500_000) / 1_000_000;
    if ms > 3_600_000 {
        return Err(format!("{s} is longer than a step may wait (1 hour)"));
    }
    Ok(ms as u64)
}

fn node_id(s: &str) -> Option<u64> {
    let id: u64 = s.strip_prefix('n')?.parse().ok()?;
    (1..=MAX_NODES).contains(&id).then_some(id)
}

impl Scenario {
    /// The lab's configuration for this scenario at `seed`: the lab's defaults, the member
    /// count, and the flags mapped onto their settings.
    pub fn lab_config(&self, seed: u64) -> ClusterConfig {
        ClusterConfig { nodes: self.members, seed, ..self.config.clone() }
    }

    /// The highest node any step can name: the members plus one per `member add`.
    pub fn max_node(&self) -> u64 {
        let adds = self.steps.iter().filter(|s| s.line.split_whitespace().take(2).eq(["member", "add"])).count();
        (self.members + adds as u64).min(MAX_NODES)
    }

    /// Number of etcdctl steps (the match target counts these).
    pub fn etcdctl_steps(&self) -> usize {
        self.steps.iter().filter(|s| s.kind.is_etcdctl()).count()
    }
}

/// What a parse keeps track of as it reads.
struct Ctx<'a> {
    file: &'a str,
    errors: Vec<ScenarioError>,
    /// The highest node that exists at this point.
    max_node: u64,
    /// Background streams running at this point.
    streams: usize,
}

impl Ctx<'_> {
    fn err(&mut self, line: usize, col: usize, message: impl Into<String>) {
        self.errors.push(ScenarioError { file: self.file.to_string(), line, col, message: message.into() });
    }
}

/// Parses a scenario. `file` is the path used in messages; `name` comes from its stem.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioErrors> {
    let name = std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut ctx = Ctx { file, errors: Vec::new(), max_node: 0, streams: 0 };
    let mut title = None;
    let mut members = None;
    let mut flags = Vec::new();
    let mut config = ClusterConfig::default();
    let mut steps: Vec<Step> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let indent = raw.len() - raw.trim_start().len();
        let col0 = raw[..indent].chars().count() + 1;
        let text = raw.trim();
        if text.starts_with('#') {
            if title.is_none() && members.is_none() {
                title = Some(text.trim_start_matches('#').trim().to_string());
            }
            continue;
        }
        if text.is_empty() && !raw.starts_with('|') {
            continue;
        }
        if title.is_none() {
            ctx.err(line_no, 1, "a scenario starts with its title: a comment line such as \"# Leader loss\"");
            title = Some(String::new());
        }
        if raw.starts_with('|') {
            stdin_line(&mut ctx, &mut steps, raw, line_no);
            continue;
        }
        if let Some(rest) = word(text, "members") {
            if members.is_some() || !steps.is_empty() {
                ctx.err(line_no, col0, "members may be given once, before the first step");
                continue;
            }
            match rest.trim().parse::<u64>() {
                Ok(n @ (1 | 3 | 5)) => {
                    members = Some(n);
                    ctx.max_node = n;
                }
                _ => {
                    ctx.err(line_no, col0 + 8, format!("members must be 1, 3 or 5, found {:?}", rest.trim()));
                    members = Some(1);
                    ctx.max_node = 1;
                }
            }
            continue;
        }
        if members.is_none() {
            ctx.err(line_no, col0, "the first line after the title must be \"members N\" (1, 3 or 5)");
            members = Some(1);
            ctx.max_node = 1;
        }
        if let Some(rest) = word(text, "flag") {
            if !steps.is_empty() {
                ctx.err(line_no, col0, "flag lines belong in the header, before the first step");
                continue;
            }
            let col = col0 + text.len() - rest.trim_start().len();
            match apply_flag(&mut config, rest.trim()) {
                Ok(()) => flags.push(rest.trim().to_string()),
                Err(e) => ctx.err(line_no, col, e),
            }
            continue;
        }
        if let Some(step) = step(&mut ctx, text, line_no, col0) {
            steps.push(step);
        }
    }
    if title.is_none() {
        ctx.err(1, 1, "a scenario starts with its title: a comment line such as \"# Leader loss\"");
    }
    let last = text.lines().count().max(1);
    let members = match members {
        Some(m) => m,
        None => {
            ctx.err(last, 1, "the scenario has no \"members N\" line");
            1
        }
    };
    if steps.is_empty() && ctx.errors.is_empty() {
        ctx.err(last, 1, "the scenario has no steps");
    }
    if let Err(e) = (ClusterConfig { nodes: members, ..config.clone() }).validate() {
        ctx.err(1, 1, format!("the flags give the lab a configuration it refuses: {e}"));
    }
    if !ctx.errors.is_empty() {
        return Err(ScenarioErrors(ctx.errors));
    }
    Ok(Scenario { name, title: title.unwrap_or_default(), members, flags, steps, config })
}

/// `members 3` → Some(" 3"); `membersx` → None.
fn word<'a>(text: &'a str, w: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(w)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

fn stdin_line(ctx: &mut Ctx, steps: &mut [Step], raw: &str, line_no: usize) {
    let body = match raw.strip_prefix("| ") {
        Some(b) => b,
        None if raw.trim_end() == "|" => "",
        None => {
            ctx.err(line_no, 2, "a stdin line is \"| \" then the text, or a lone \"|\" for a blank line");
            return;
        }
    };
    let takes_stdin = steps.last().is_some_and(|s| s.reads_stdin);
    // Only the line right above may take stdin: a blank line or comment in between is fine.
    match steps.last_mut() {
        Some(s) if takes_stdin => s.stdin.push(body.to_string()),
        _ => ctx.err(line_no, 1, "stdin lines (\"| …\") must follow a \"txn\" step without arguments"),
    }
}

/// The lab's settings for one `flag` line.
fn apply_flag(cfg: &mut ClusterConfig, flag: &str) -> Result<(), String> {
    let Some(body) = flag.strip_prefix("--") else {
        return Err(format!("a flag line is \"flag --name=value\", found {flag:?}"));
    };
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    let number = |v: Option<&str>| -> Result<u64, String> {
        let v = v.ok_or_else(|| format!("--{name} needs a value: --{name}=N"))?;
        v.parse::<u64>().map_err(|_| format!("--{name} takes a whole number, found {v:?}"))
    };
    match name {
        "quota-backend-bytes" => cfg.quota_backend_bytes = number(value)?,
        "snapshot-count" => cfg.snapshot_count = number(value)?,
        "heartbeat-interval" => {
            let hb = number(value)?;
            if hb == 0 {
                return Err("--heartbeat-interval must be at least 1 (ms)".into());
            }
            // The lab ticks once per heartbeat, as etcd does; the election timeout is
            // counted in ticks.
            let election_ms = cfg.election_tick * cfg.tick_ms;
            cfg.tick_ms = hb;
            cfg.heartbeat_tick = 1;
            cfg.election_tick = election_ms / hb;
            if election_ms % hb != 0 {
                return Err(format!(
                    "the election timeout ({election_ms}ms) must be a multiple of --heartbeat-interval"
                ));
            }
        }
        "election-timeout" => {
            let et = number(value)?;
            if et % cfg.tick_ms != 0 {
                return Err(format!(
                    "--election-timeout must be a multiple of the heartbeat interval ({}ms), found {et}",
                    cfg.tick_ms
                ));
            }
            cfg.election_tick = et / cfg.tick_ms;
        }
        "pre-vote" => {
            cfg.pre_vote = match value {
                None | Some("true") => true,
                Some("false") => false,
                Some(v) => return Err(format!("--pre-vote takes true or false, found {v:?}")),
            }
        }
        _ => {
            return Err(format!(
                "--{name} has no lab setting; the oracle knows --quota-backend-bytes, --snapshot-count, \
                 --heartbeat-interval, --election-timeout and --pre-vote"
            ))
        }
    }
    Ok(())
}

/// One step line (not a stdin line), checked where it stands.
fn step(ctx: &mut Ctx, text: &str, line_no: usize, col0: usize) -> Option<Step> {
    let first = text.split_whitespace().next().unwrap_or("");
    let make = |kind| Some(Step { line: text.to_string(), stdin: Vec::new(), kind, line_no, reads_stdin: false });
    if first == "stop" {
        if text != "stop" {
            ctx.err(line_no, col0 + 5, "stop takes no arguments: it ends the newest background stream");
            return None;
        }
        if ctx.streams == 0 {
            ctx.err(
                line_no,
                col0,
                "stop: no background stream is running here (start one with a line ending in \" &\")",
            );
            return None;
        }
        ctx.streams -= 1;
        return make(StepKind::Stop);
    }
    if LAB_WORDS.contains(&first) {
        return lab_word(ctx, text, line_no, col0).and_then(|w| make(StepKind::Lab(w)));
    }
    let (command, background) = match text.strip_suffix('&') {
        Some(c) if c.ends_with(' ') => (c.trim_end(), true),
        _ => (text, false),
    };
    let checked = expand(command, |v| match v {
        Var::Lease => Ok("694d77aa9e38260f".into()),
        Var::Member(id) if id > ctx.max_node => Err(missing(id, ctx.max_node)),
        Var::Member(_) => Ok("8e9e05c52164694d".into()),
    });
    let expanded = match checked {
        Ok(e) => e,
        Err((e, at)) => {
            ctx.err(line_no, col0 + at, e);
            return None;
        }
    };
    let parsed = match parse_line(&expanded) {
        Ok(p) => p,
        // etcdctl refuses the line too (a missing argument, an unknown flag): the error
        // is what both sides print, and is compared like any answer. An unknown command
        // is taken for a typo unless the line says `etcdctl` first, as a person would.
        Err(e)
            if (first == "etcdctl" || !e.message.contains("unknown command")) && !is_lab_word(first) && !background =>
        {
            return make(StepKind::Etcdctl { command: command.to_string(), mode: EtcdMode::Plain });
        }
        Err(e) => {
            // Columns past a filled-in variable point into the filled text; clamp to the line.
            let col = (col0 + e.column.unwrap_or(1) - 1).min(col0 + command.chars().count().max(1) - 1);
            ctx.err(line_no, col, format!("not a line the console understands: {}", e.message));
            return None;
        }
    };
    for e in &parsed.globals.endpoints {
        match parse_endpoint(e) {
            Ok(id) if id > ctx.max_node => {
                ctx.err(line_no, col_of(text, e, col0), missing(id, ctx.max_node));
                return None;
            }
            Ok(_) => {}
            Err(m) => {
                ctx.err(line_no, col_of(text, e, col0), m);
                return None;
            }
        }
    }
    let mut mode = if background { EtcdMode::Background } else { EtcdMode::Plain };
    match &parsed.command {
        Command::Nothing => return None,
        Command::Lab(l) => {
            ctx.err(line_no, col0, lab_only(l));
            return None;
        }
        Command::Txn(_) => {
            ctx.err(
                line_no,
                col0,
                "the one-line txn form is the lab's own; etcdctl reads a txn from stdin: write \"txn\" and its body as \"| …\" lines",
            );
            return None;
        }
        Command::TxnStdin { interactive: true } => {
            ctx.err(
                line_no,
                col0,
                "txn -i prints prompts meant for a person; write \"txn\" and its body as \"| …\" lines",
            );
            return None;
        }
        Command::Watch { .. }
        | Command::LeaseKeepAlive { once: false, .. }
        | Command::Lock { .. }
        | Command::Elect { .. } => {
            if !background {
                ctx.err(
                    line_no,
                    col0,
                    "this command runs until stopped: end the line with \" &\" and stop it later with \"stop\"",
                );
                return None;
            }
            ctx.streams += 1;
        }
        Command::SnapshotRestore { options, .. } => {
            if options != &Default::default() {
                ctx.err(
                    line_no,
                    col0,
                    "snapshot restore takes only the file here: the oracle gives each real member its own flags",
                );
                return None;
            }
            mode = EtcdMode::Restore;
        }
        Command::MemberAdd { .. } => ctx.max_node = (ctx.max_node + 1).min(MAX_NODES),
        _ => {}
    }
    if background && mode != EtcdMode::Background {
        ctx.err(
            line_no,
            col0 + command.chars().count() + 1,
            "only watch, lease keep-alive, lock and elect run in the background",
        );
        return None;
    }
    let reads_stdin = matches!(parsed.command, Command::TxnStdin { .. });
    make(StepKind::Etcdctl { command: command.to_string(), mode }).map(|s| Step { reads_stdin, ..s })
}

fn col_of(text: &str, needle: &str, col0: usize) -> usize {
    col0 + text.find(needle).map(|i| text[..i].chars().count()).unwrap_or(0)
}

fn missing(id: u64, max: u64) -> String {
    format!("n{id} does not exist here: the cluster has n1 to n{max} at this point (add members with member add)")
}

fn lab_only(l: &LabCommand) -> String {
    let what = format!("{l:?}").split(['(', ' ', '{']).next().unwrap_or("").to_lowercase();
    format!(
        "\"{what}\" is a lab command the real cluster cannot do; the oracle knows {}",
        LAB_WORDS.iter().map(|w| if *w == "wait" { "wait leader" } else { w }).collect::<Vec<_>>().join(", ")
    )
}

/// Splits a lab word line into words with their 1-based columns.
fn words_at(text: &str, col0: usize) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((&text[s..i], col0 + text[..s].chars().count()));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn lab_word(ctx: &mut Ctx, text: &str, line_no: usize, col0: usize) -> Option<LabWord> {
    let words = words_at(text, col0);
    let (cmd, args) = (words[0].0, &words[1..]);
    let end_col = col0 + text.chars().count();
    let usage = |w: &str| -> &'static str {
        match w {
            "kill" => "kill nK|leader|follower",
            "restart" => "restart nK",
            "start" => "start nK (an added member's first start)",
            "isolate" => "isolate nK|leader|follower",
            "partition" => "partition n1,n2 n3,n4,n5 (members left out form one more group)",
            "cut" => "cut nA<->nB",
            "restore" => "restore nA<->nB",
            "heal" => "heal",
            "run" => "run <duration>, e.g. run 3s",
            _ => "wait leader [nA,nB,…] [within 10s]",
        }
    };
    let arity = |ctx: &mut Ctx, n: usize| -> bool {
        if args.len() == n {
            return true;
        }
        let col = args.get(n).map(|a| a.1).unwrap_or(end_col);
        ctx.err(line_no, col, format!("{cmd}: expected {}", usage(cmd)));
        false
    };
    let sel = |ctx: &mut Ctx, (w, col): (&str, usize), symbolic: bool| -> Option<NodeSel> {
        let s = match w {
            "leader" if symbolic => NodeSel::Leader,
            "follower" if symbolic => NodeSel::Follower,
            _ => match node_id(w) {
                Some(id) => NodeSel::Id(id),
                None => {
                    let what = if symbolic { "a node (nK, leader or follower)" } else { "a node such as n2" };
                    ctx.err(line_no, col, format!("{cmd}: expected {what}, found {w:?}"));
                    return None;
                }
            },
        };
        if let NodeSel::Id(id) = s {
            if id > ctx.max_node {
                ctx.err(line_no, col, missing(id, ctx.max_node));
                return None;
            }
        }
        Some(s)
    };
    let id_of = |s: NodeSel| match s {
        NodeSel::Id(id) => id,
        _ => 0,
    };
    let link = |ctx: &mut Ctx, (w, col): (&str, usize)| -> Option<(u64, u64)> {
        let Some((a, b)) = w.split_once("<->") else {
            let why = if w.contains("->") || w.contains("<-") {
                "only both directions can be cut: without iptables a one-way cut cannot be made on the real side, and TCP needs both ways anyway"
            } else {
                "expected a link such as n1<->n2"
            };
            ctx.err(line_no, col, format!("{cmd}: {why}"));
            return None;
        };
        let a = sel(ctx, (a, col), false)?;
        let b = sel(ctx, (b, col + a_len(w)), false)?;
        if a == b {
            ctx.err(line_no, col, format!("{cmd}: a link joins two different members"));
            return None;
        }
        Some((id_of(a), id_of(b)))
    };
    Some(match cmd {
        "kill" | "isolate" => {
            if !arity(ctx, 1) {
                return None;
            }
            let s = sel(ctx, args[0], true)?;
            if cmd == "kill" {
                LabWord::Kill(s)
            } else {
                LabWord::Isolate(s)
            }
        }
        "restart" | "start" => {
            if !arity(ctx, 1) {
                return None;
            }
            let id = id_of(sel(ctx, args[0], false)?);
            if cmd == "restart" {
                LabWord::Restart(id)
            } else {
                LabWord::Start(id)
            }
        }
        "partition" => {
            if args.is_empty() {
                ctx.err(line_no, end_col, format!("partition: expected {}", usage(cmd)));
                return None;
            }
            let mut groups = Vec::new();
            let mut seen = Vec::new();
            for &(w, col) in args {
                let mut group = Vec::new();
                let mut c = col;
                for part in w.split(',') {
                    let s = sel(ctx, (part, c), true)?;
                    if seen.contains(&s) {
                        ctx.err(line_no, c, format!("partition: {part} is in two groups"));
                        return None;
                    }
                    seen.push(s);
                    group.push(s);
                    c += part.chars().count() + 1;
                }
                groups.push(group);
            }
            LabWord::Partition(groups)
        }
        "cut" | "restore" => {
            if !arity(ctx, 1) {
                return None;
            }
            let (a, b) = link(ctx, args[0])?;
            if cmd == "cut" {
                LabWord::Cut(a, b)
            } else {
                LabWord::Restore(a, b)
            }
        }
        "heal" => {
            if !arity(ctx, 0) {
                return None;
            }
            LabWord::Heal
        }
        "run" => {
            if !arity(ctx, 1) {
                return None;
            }
            match duration_ms(args[0].0) {
                Ok(ms) => LabWord::Run { ms },
                Err(e) => {
                    ctx.err(line_no, args[0].1, format!("run: {e}"));
                    return None;
                }
            }
        }
        _ => wait_leader(ctx, args, line_no, end_col)?,
    })
}

fn a_len(w: &str) -> usize {
    w.find("<->").map(|i| w[..i].chars().count() + 3).unwrap_or(0)
}

/// `wait leader [nA,nB,…] [within D]`.
fn wait_leader(ctx: &mut Ctx, args: &[(&str, usize)], line_no: usize, end_col: usize) -> Option<LabWord> {
    let usage = "wait: expected wait leader [nA,nB,…] [within 10s]";
    let mut rest = match args.first() {
        Some(("leader", _)) => &args[1..],
        Some(&(_, col)) => {
            ctx.err(line_no, col, usage);
            return None;
        }
        None => {
            ctx.err(line_no, end_col, usage);
            return None;
        }
    };
    let mut among = Vec::new();
    if let Some(&(w, col)) = rest.first().filter(|(w, _)| *w != "within") {
        let mut c = col;
        for part in w.split(',') {
            match node_id(part) {
                Some(id) if id <= ctx.max_node => among.push(id),
                Some(id) => {
                    ctx.err(line_no, c, missing(id, ctx.max_node));
                    return None;
                }
                None => {
                    ctx.err(line_no, c, format!("wait leader: expected members such as n3,n4,n5, found {part:?}"));
                    return None;
                }
            }
            c += part.chars().count() + 1;
        }
        rest = &rest[1..];
    }
    let within_ms = match rest {
        [] => DEFAULT_WAIT_LEADER_MS,
        [("within", _), (d, col)] => match duration_ms(d) {
            Ok(ms) if ms > 0 => ms,
            Ok(_) => {
                ctx.err(line_no, *col, "wait leader: the bound must be more than 0");
                return None;
            }
            Err(e) => {
                ctx.err(line_no, *col, format!("wait leader: {e}"));
                return None;
            }
        },
        [(_, col), ..] => {
            ctx.err(line_no, *col, usage);
            return None;
        }
    };
    Some(LabWord::WaitLeader { among, within_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse("tests/oracle/t.txt", text) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_scenario_parses_into_steps_of_each_kind() {
        let text = "# Title here\n# more prose\nmembers 3\nflag --quota-backend-bytes=1048576\n\nput x 1\nkill leader\ntxn\n| mod(\"x\") > \"0\"\n|\n| put x 10\n|\nwatch x --prefix &\nstop\nwait leader n2,n3 within 5s\n";
        let s = parse("tests/oracle/leader-loss.txt", text).unwrap();
        assert_eq!(s.name, "leader-loss");
        assert_eq!(s.title, "Title here");
        assert_eq!(s.members, 3);
        assert_eq!(s.lab_config(7).quota_backend_bytes, 1_048_576);
        assert_eq!(s.lab_config(7).seed, 7);
        assert_eq!(s.steps.len(), 6);
        assert_eq!(s.steps[2].stdin, vec!["mod(\"x\") > \"0\"", "", "put x 10", ""]);
        assert_eq!(s.steps[1].kind, StepKind::Lab(LabWord::Kill(NodeSel::Leader)));
        assert_eq!(
            s.steps[3].kind,
            StepKind::Etcdctl { command: "watch x --prefix".into(), mode: EtcdMode::Background }
        );
        assert_eq!(s.steps[4].kind, StepKind::Stop);
        assert_eq!(s.steps[5].kind, StepKind::Lab(LabWord::WaitLeader { among: vec![2, 3], within_ms: 5000 }));
        assert_eq!(s.etcdctl_steps(), 4);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert_eq!(
            errors("# t\nmembers 3\nput x 1\nkill n7\n"),
            ["tests/oracle/t.txt:4:6: n7 does not exist here: the cluster has n1 to n3 at this point (add members with member add)"]
        );
        assert_eq!(
            errors("# t\nmembers 3\ncut n1->n2\n"),
            ["tests/oracle/t.txt:3:5: cut: only both directions can be cut: without iptables a one-way cut cannot be made on the real side, and TCP needs both ways anyway"]
        );
        assert_eq!(
            errors("# t\nmembers 4\nput x 1\n"),
            ["tests/oracle/t.txt:2:9: members must be 1, 3 or 5, found \"4\""]
        );
        assert_eq!(errors("# t\nmembers 1\nstop\n"), ["tests/oracle/t.txt:3:1: stop: no background stream is running here (start one with a line ending in \" &\")"]);
        assert_eq!(
            errors("# t\nmembers 1\nput x 1\n| y\n"),
            ["tests/oracle/t.txt:4:1: stdin lines (\"| …\") must follow a \"txn\" step without arguments"]
        );
        assert_eq!(
            errors("# t\nmembers 1\nflag --foo=1\nput x 1\n"),
            ["tests/oracle/t.txt:3:6: --foo has no lab setting; the oracle knows --quota-backend-bytes, --snapshot-count, --heartbeat-interval, --election-timeout and --pre-vote"]
        );
        assert_eq!(
            errors("# t\nmembers 1\ngett x\n"),
            ["tests/oracle/t.txt:3:1: not a line the console understands: Error: unknown command \"gett\" for \"etcdctl\""]
        );
        // etcdctl refuses these too: its error is the answer compared.
        assert!(errors("# t\nmembers 1\nget x --bogus\nget\n").is_empty());
        // An unknown command on purpose says etcdctl first.
        assert!(errors("# t\nmembers 1\netcdctl gett x\n").is_empty());
        assert_eq!(
            errors("# t\nmembers 1\nput x $nope\n"),
            ["tests/oracle/t.txt:3:7: unknown variable: use $lease, $member(nK), $repeat(c,N), or $$ for a $"]
        );
        assert_eq!(errors("# t\nmembers 1\nwatch x\n"), ["tests/oracle/t.txt:3:1: this command runs until stopped: end the line with \" &\" and stop it later with \"stop\""]);
        assert_eq!(
            errors("# t\nmembers 1\nrun 3x\n"),
            ["tests/oracle/t.txt:3:5: run: expected a duration such as 500ms, 2s or 1m, found \"3x\""]
        );
        assert_eq!(
            errors("members 1\nput x 1\n"),
            ["tests/oracle/t.txt:1:1: a scenario starts with its title: a comment line such as \"# Leader loss\""]
        );
        assert_eq!(
            errors("# t\nmembers 1\ncampaign n1\n"),
            ["tests/oracle/t.txt:3:1: \"campaign\" is a lab command the real cluster cannot do; the oracle knows kill, restart, start, isolate, partition, cut, restore, heal, run, wait leader, stop"]
        );
    }

    #[test]
    fn member_add_makes_the_next_node_nameable() {
        let ok = "# t\nmembers 3\nmember add n4 --learner --peer-urls=http://n4:2380\nstart n4\nmember promote $member(n4)\n";
        assert!(errors(ok).is_empty(), "{:?}", errors(ok));
        assert_eq!(parse("t.txt", ok).unwrap().max_node(), 4);
        assert_eq!(
            errors("# t\nmembers 3\nmember promote $member(n4)\n"),
            ["tests/oracle/t.txt:3:16: n4 does not exist here: the cluster has n1 to n3 at this point (add members with member add)"]
        );
    }

    #[test]
    fn variables_are_filled_in() {
        let filled = expand("put big $repeat(x,5) --lease=$lease $$ $member(n2)", |v| {
            Ok(match v {
                Var::Lease => "abc".into(),
                Var::Member(id) => format!("m{id}"),
            })
        });
        assert_eq!(filled, Ok("put big xxxxx --lease=abc $ m2".into()));
        assert_eq!(
            expand("$repeat(x,0)", |_| Ok(String::new())),
            Err((format!("$repeat's count must be 1 to {MAX_REPEAT}, found 0"), 0))
        );
    }

    #[test]
    fn no_input_panics() {
        let words = [
            "members",
            "1",
            "3",
            "5",
            "flag",
            "--pre-vote",
            "|",
            "| ",
            "txn",
            "&",
            "stop",
            "kill",
            "leader",
            "wait",
            "within",
            "1s",
            "partition",
            "n1,n2",
            "cut",
            "n1<->n2",
            "$lease",
            "$member(",
            "$repeat(x,3)",
            "#",
            "put",
            "x",
            "é",
            "\"",
            "'",
            "\n",
            "--endpoints=n9",
            "watch",
            "n0",
            ",",
            "<->",
        ];
        let mut seed = 1u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(words[(seed >> 33) as usize % words.len()]);
                text.push(if (seed >> 20) % 3 == 0 { '\n' } else { ' ' });
            }
            if let Err(e) = parse("f.txt", &text) {
                assert!(e.0.iter().all(|e| e.line >= 1 && e.col >= 1 && !e.message.is_empty()));
            }
        }
    }
}
