//! Reading a lesson file: TOML front matter between `+++` lines, then Markdown whose `##`
//! sections are steps and whose fenced `lab` blocks are what each step does.
//!
//! Contract: `parse` returns a `Lesson` only when every line of every `lab` block is valid:
//! console lines parse with the console's own grammar, conditions type-check, durations
//! read, every node named exists by then (the cluster's nodes plus one per `member add`
//! before it), and the front matter has every field with a sane value. Otherwise it returns
//! every error found, each with `file:line:col` and what was expected there. Nothing here
//! touches a cluster, so `raftlab lesson check` and the browser's loader share it.

use serde::Deserialize;

use crate::console::command::{Command, LabCommand, Link, NodeRef};
use crate::console::parse::parse_line;
use crate::console::session::parse_endpoint;
use crate::engine::{ClusterConfig, MAX_NODES};

use super::cond::{self, Cond};
use super::model::{Item, Lesson, Level, Meta, NodeName, Pos, Predict, Step, YourTurn};

/// One problem in a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// How long the headless runner waits for a your-turn goal when the line gives no `within`.
pub const DEFAULT_GOAL_WITHIN_MS: u64 = 10_000;
/// A lesson's waits are bounded; an hour of simulated time is more than any lesson needs.
pub const MAX_WAIT_MS: u64 = 3_600_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Front {
    id: String,
    number: u32,
    title: String,
    language: String,
    summary: String,
    minutes: u32,
    level: String,
    #[serde(default)]
    prerequisites: Vec<String>,
    cluster: ClusterFront,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClusterFront {
    nodes: u64,
    seed: u64,
    tick_ms: Option<u64>,
    heartbeat_tick: Option<u64>,
    election_tick: Option<u64>,
    latency_ms: Option<u64>,
    jitter_ms: Option<u64>,
    pre_vote: Option<bool>,
    check_quorum: Option<bool>,
    snapshot_count: Option<u64>,
    snapshot_catchup_entries: Option<u64>,
    quota_bytes: Option<u64>,
    command_timeout_ms: Option<u64>,
}

impl ClusterFront {
    fn config(self) -> ClusterConfig {
        let d = ClusterConfig::default();
        ClusterConfig {
            nodes: self.nodes,
            seed: self.seed,
            tick_ms: self.tick_ms.unwrap_or(d.tick_ms),
            heartbeat_tick: self.heartbeat_tick.unwrap_or(d.heartbeat_tick),
            election_tick: self.election_tick.unwrap_or(d.election_tick),
            latency_ms: self.latency_ms.unwrap_or(d.latency_ms),
            jitter_ms: self.jitter_ms.unwrap_or(d.jitter_ms),
            pre_vote: self.pre_vote.unwrap_or(d.pre_vote),
            check_quorum: self.check_quorum.unwrap_or(d.check_quorum),
            snapshot_count: self.snapshot_count.unwrap_or(d.snapshot_count),
            snapshot_catchup_entries: self.snapshot_catchup_entries.unwrap_or(d.snapshot_catchup_entries),
            quota_backend_bytes: self.quota_bytes.unwrap_or(d.quota_backend_bytes),
            command_timeout_ms: self.command_timeout_ms.unwrap_or(d.command_timeout_ms),
            ..d
        }
    }
}

struct Ctx {
    file: String,
    errors: Vec<LessonError>,
    /// The highest node id that exists at this point of the file.
    max_node: u64,
}

impl Ctx {
    fn err(&mut self, pos: Pos, message: impl Into<String>) {
        self.errors.push(LessonError {
            file: self.file.clone(),
            line: pos.line,
            col: pos.col,
            message: message.into(),
        });
    }
}

/// Parses and checks one lesson. `file` is only used in messages.
pub fn parse(file: &str, text: &str) -> Result<Lesson, Vec<LessonError>> {
    let mut ctx = Ctx { file: file.to_string(), errors: Vec::new(), max_node: 0 };
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some("+++") {
        ctx.err(Pos { line: 1, col: 1 }, "expected front matter: the file must start with a line \"+++\"");
        return Err(ctx.errors);
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == "+++").map(|i| i + 1) else {
        ctx.err(Pos { line: 1, col: 1 }, "front matter is not closed: add a line \"+++\" after it");
        return Err(ctx.errors);
    };
    let front_text = lines[1..close].join("\n");
    let Some((meta, cluster)) = front(&mut ctx, &front_text, 2) else {
        return Err(ctx.errors);
    };
    ctx.max_node = cluster.nodes;
    let (intro, steps) = body(&mut ctx, &lines, close + 1);
    if steps.is_empty() {
        ctx.err(Pos { line: close + 1, col: 1 }, "expected at least one step: a \"## \" heading");
    }
    let interactive = steps.iter().flat_map(|s| &s.items).any(|i| matches!(i, Item::Predict(_) | Item::YourTurn(_)));
    if let (Some(first), false) = (steps.first(), interactive) {
        ctx.err(first.pos, "a lesson needs at least one predict: or your-turn: step, so the learner does something");
    }
    if ctx.errors.is_empty() {
        Ok(Lesson { file: file.to_string(), meta, cluster, intro, steps })
    } else {
        Err(ctx.errors)
    }
}

fn front(ctx: &mut Ctx, text: &str, first_line: usize) -> Option<(Meta, ClusterConfig)> {
    let f: Front = match basic_toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            // basic-toml's positions are 0-based; its message may end with " at line …".
            let pos = e
                .line_col()
                .map(|(l, c)| Pos { line: first_line + l, col: c + 1 })
                .unwrap_or(Pos { line: first_line, col: 1 });
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            // serde names an unknown field but basic-toml places it at its table: find its line.
            let field = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next());
            let pos = field
                .and_then(|f| text.lines().position(|l| l.trim_start().split(['=', ' ']).next() == Some(f)))
                .map(|i| Pos { line: first_line + i, col: 1 })
                .unwrap_or(pos);
            ctx.err(pos, format!("front matter: {msg}"));
            return None;
        }
    };
    let field_pos = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| Pos { line: first_line + i, col: 1 })
            .unwrap_or(Pos { line: first_line, col: 1 })
    };
    let before = ctx.errors.len();
    if f.id.is_empty() || !f.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        ctx.err(field_pos("id"), format!("id must be lowercase letters, digits and -, got {:?}", f.id));
    }
    if !matches!(f.language.as_str(), "en" | "zh") {
        ctx.err(field_pos("language"), format!("language must be \"en\" or \"zh\", got {:?}", f.language));
    }
    let level = Level::parse(&f.level);
    if level.is_none() {
        ctx.err(
            field_pos("level"),
            format!("level must be \"beginner\", \"intermediate\" or \"advanced\", got {:?}", f.level),
        );
    }
    if f.title.trim().is_empty() {
        ctx.err(field_pos("title"), "title must not be empty");
    }
    if f.minutes == 0 || f.minutes > 240 {
        ctx.err(field_pos("minutes"), format!("minutes must be 1 to 240, got {}", f.minutes));
    }
    let cluster = f.cluster.config();
    if let Err(e) = cluster.validate() {
        ctx.err(field_pos("[cluster]"), format!("[cluster]: {e}"));
    }
    if ctx.errors.len() > before {
        return None;
    }
    let meta = Meta {
        id: f.id,
        number: f.number,
        title: f.title,
        language: f.language,
        summary: f.summary,
        minutes: f.minutes,
        level: level.unwrap_or(Level::Beginner),
        prerequisites: f.prerequisites,
    };
    Some((meta, cluster))
}

/// The Markdown after the front matter: intro, then steps.
fn body(ctx: &mut Ctx, lines: &[&str], start: usize) -> (String, Vec<Step>) {
    let mut intro = String::new();
    let mut steps: Vec<Draft> = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        if let Some(fence) = fence {
            let info = trimmed.trim_start_matches(fence.chars().next().unwrap_or('`')).trim();
            let close = lines[i + 1..].iter().position(|l| l.trim_start().starts_with(fence)).map(|k| i + 1 + k);
            let Some(close) = close else {
                ctx.err(Pos { line: lineno, col: 1 }, format!("code block is not closed: add a line {fence}"));
                break;
            };
            if info == "lab" {
                match steps.last_mut() {
                    Some(step) => {
                        let block: Vec<(usize, &str)> = (i + 1..close).map(|k| (k + 1, lines[k])).collect();
                        let items = lab_block(ctx, &block);
                        step.step.items.extend(items);
                        step.lab_seen = true;
                    }
                    None => ctx.err(
                        Pos { line: lineno, col: 1 },
                        "a lab block must be inside a step: put a \"## \" heading before it",
                    ),
                }
            } else {
                let text = lines[i..=close].join("\n");
                match steps.last_mut() {
                    Some(step) => step.push(&text),
                    None => push_line(&mut intro, &text),
                }
            }
            i = close + 1;
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            steps.push(Draft {
                step: Step {
                    title: title.trim().to_string(),
                    pos: Pos { line: lineno, col: 1 },
                    narration: String::new(),
                    notes: Vec::new(),
                    items: Vec::new(),
                },
                lab_seen: false,
            });
        } else if let Some(step) = steps.last_mut() {
            step.push(line);
        } else if !line.starts_with("# ") {
            push_line(&mut intro, line);
        }
        i += 1;
    }
    let steps = steps
        .into_iter()
        .map(|d| {
            let mut s = d.step;
            s.narration = s.narration.trim().to_string();
            s.notes.retain_mut(|(_, t)| {
                *t = t.trim().to_string();
                !t.is_empty()
            });
            s
        })
        .collect();
    (intro.trim().to_string(), steps)
}

/// A step being read: Markdown goes to its narration until its first `lab` block, then
/// to a note shown after the items read so far.
struct Draft {
    step: Step,
    lab_seen: bool,
}

impl Draft {
    fn push(&mut self, line: &str) {
        if !self.lab_seen {
            return push_line(&mut self.step.narration, line);
        }
        let at = self.step.items.len();
        match self.step.notes.last_mut() {
            Some((n, text)) if *n == at => push_line(text, line),
            _ => {
                let mut text = String::new();
                push_line(&mut text, line);
                self.step.notes.push((at, text));
            }
        }
    }
}

fn push_line(buf: &mut String, line: &str) {
    buf.push_str(line);
    buf.push('\n');
}

/// `500ms`, `2s`, `1.5s`, `2m`.
pub fn duration_ms(s: &str) -> Result<u64, String> {
    let bad = || format!("expected a duration such as 500ms, 2s or 1m, found {s:?}");
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return Err(bad());
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') || num.matches('.').count() > 1 {
        return Err(bad());
    }
    let v: f64 = num.parse().map_err(|_| bad())?;
    let ms = (v * scale).round();
    if ms > MAX_WAIT_MS as f64 {
        return Err(format!("{s} is longer than a lesson may wait (1 hour)"));
    }
    Ok(ms as u64)
}

/// A group being read: a predict or your-turn collects the lines that follow it.
enum Group {
    None,
    Predict(Predict),
    YourTurn(YourTurn, bool),
}

fn lab_block(ctx: &mut Ctx, block: &[(usize, &str)]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut group = Group::None;
    for &(lineno, raw) in block {
        let indent = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        let pos = Pos { line: lineno, col: raw[..indent].chars().count() + 1 };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, rest) = match text.split_once(':') {
            Some((k, r)) if !k.contains(' ') || k == "your turn" || k.starts_with("hint ") => (k, r.trim()),
            _ => ("", text),
        };
        let rest_pos = Pos { line: lineno, col: pos.col + text[..text.len() - rest.len()].chars().count() };
        let in_turn = matches!(group, Group::YourTurn(..));
        let hint_key = key == "hint" || key.starts_with("hint ");
        match (key, &mut group) {
            ("option", Group::Predict(p)) => p.options.push(rest.to_string()),
            ("answer", Group::Predict(p)) => match rest.parse::<usize>() {
                Ok(n) if n >= 1 => p.answer = n - 1,
                _ => ctx.err(
                    rest_pos,
                    format!("answer: expected the number of the right option (1, 2, …), found {rest:?}"),
                ),
            },
            ("explain", Group::Predict(p)) => {
                if !p.explain.is_empty() {
                    p.explain.push(' ');
                }
                p.explain.push_str(rest);
            }
            ("goal", Group::YourTurn(y, has_goal)) => {
                let (cond_text, within) = split_within(rest);
                if let Some(w) = within {
                    match duration_ms(w) {
                        Ok(ms) => y.within_ms = ms,
                        Err(e) => ctx.err(rest_pos, e),
                    }
                }
                if let Some(c) = condition(ctx, cond_text, rest_pos) {
                    y.goal = c;
                    *has_goal = true;
                }
            }
            ("solution", Group::YourTurn(y, _)) => {
                if let Some(item) = plain_item(ctx, rest, rest_pos) {
                    y.solution.push(item);
                }
            }
            (_, Group::YourTurn(y, _)) if in_turn && hint_key => {
                // `hint: text` shows at once; `hint 20s: text` after 20 s.
                let after = key.trim_start_matches("hint").trim();
                let secs = if after.is_empty() { Ok(0) } else { duration_ms(after).map(|ms| ms / 1000) };
                match secs {
                    Ok(s) => y.hints.push((s, rest.to_string())),
                    Err(e) => ctx.err(pos, format!("hint: {e}")),
                }
            }
            _ => {
                finish(ctx, &mut group, &mut items);
                match key {
                    "predict" => {
                        group = Group::Predict(Predict {
                            question: rest.to_string(),
                            options: Vec::new(),
                            answer: usize::MAX,
                            explain: String::new(),
                            pos,
                        })
                    }
                    "your-turn" | "your turn" => {
                        group = Group::YourTurn(
                            YourTurn {
                                task: rest.to_string(),
                                goal: Cond { text: String::new(), clauses: Vec::new() },
                                within_ms: DEFAULT_GOAL_WITHIN_MS,
                                hints: Vec::new(),
                                solution: Vec::new(),
                                pos,
                            },
                            false,
                        )
                    }
                    "option" | "answer" | "explain" => {
                        ctx.err(pos, format!("{key}: belongs to a predict: question; put it after one"))
                    }
                    "goal" | "solution" => {
                        ctx.err(pos, format!("{key}: belongs to a your-turn: task; put it after one"))
                    }
                    _ => {
                        if let Some(item) = plain_item(ctx, text, pos) {
                            items.push(item);
                        }
                    }
                }
            }
        }
    }
    finish(ctx, &mut group, &mut items);
    items
}

fn finish(ctx: &mut Ctx, group: &mut Group, items: &mut Vec<Item>) {
    match std::mem::replace(group, Group::None) {
        Group::None => {}
        Group::Predict(p) => {
            if p.options.len() < 2 {
                ctx.err(p.pos, "predict: needs at least two option: lines after it");
            } else if p.answer == usize::MAX {
                ctx.err(p.pos, "predict: needs an answer: line giving the number of the right option");
            } else if p.answer >= p.options.len() {
                ctx.err(
                    p.pos,
                    format!("predict: answer {} but there are only {} options", p.answer + 1, p.options.len()),
                );
            } else {
                items.push(Item::Predict(p));
            }
        }
        Group::YourTurn(y, has_goal) => {
            if !has_goal {
                ctx.err(y.pos, "your-turn: needs a goal: line, the condition the learner must make true");
            } else if y.solution.is_empty() {
                ctx.err(y.pos, "your-turn: needs at least one solution: line for the headless runner");
            } else {
                items.push(Item::YourTurn(y));
            }
        }
    }
}

/// `<cond> within <duration>` → (cond, Some(duration)).
fn split_within(s: &str) -> (&str, Option<&str>) {
    match s.rfind(" within ") {
        Some(i) if !s[i + 8..].trim().contains(' ') && !s[i..].contains('"') => {
            (s[..i].trim(), Some(s[i + 8..].trim()))
        }
        _ => (s, None),
    }
}

fn condition(ctx: &mut Ctx, text: &str, pos: Pos) -> Option<Cond> {
    match cond::parse(text) {
        Ok(c) => {
            for id in cond::nodes_named(&c) {
                if id > ctx.max_node {
                    let col = pos.col + text.find(&format!("n{id}")).map(|i| text[..i].chars().count()).unwrap_or(0);
                    ctx.err(Pos { line: pos.line, col }, unreachable(id, ctx.max_node));
                }
            }
            Some(c)
        }
        Err(e) => {
            ctx.err(Pos { line: pos.line, col: pos.col + e.col - 1 }, format!("bad condition: {}", e.message));
            None
        }
    }
}

fn unreachable(id: u64, max: u64) -> String {
    format!("n{id} does not exist here: the cluster has n1 to n{max} at this point (add members with member add)")
}

/// A wait, an expect or a console line (optionally `on <node>: `).
fn plain_item(ctx: &mut Ctx, text: &str, pos: Pos) -> Option<Item> {
    if let Some(rest) = text.strip_prefix("wait until ") {
        let rest_pos = Pos { line: pos.line, col: pos.col + 11 };
        let (cond_text, within) = split_within(rest);
        let Some(within) = within else {
            ctx.err(rest_pos, "wait until needs a limit: wait until <condition> within <duration>");
            return None;
        };
        let within_ms = match duration_ms(within) {
            Ok(ms) => ms,
            Err(e) => {
                ctx.err(rest_pos, e);
                return None;
            }
        };
        return condition(ctx, cond_text, rest_pos).map(|cond| Item::WaitUntil { cond, within_ms, pos });
    }
    if let Some(rest) = text.strip_prefix("wait ") {
        return match duration_ms(rest.trim()) {
            Ok(ms) => Some(Item::Pause { ms, pos }),
            Err(e) => {
                ctx.err(
                    Pos { line: pos.line, col: pos.col + 5 },
                    format!("{e} (or: wait until <condition> within <duration>)"),
                );
                None
            }
        };
    }
    if let Some(rest) = text.strip_prefix("expect ") {
        return condition(ctx, rest, Pos { line: pos.line, col: pos.col + 7 }).map(|cond| Item::Expect { cond, pos });
    }
    let (endpoint, line, line_col) = match on_prefix(text) {
        Some((node_text, rest)) => {
            let col = pos.col + text.len() - rest.len();
            match node_name(node_text) {
                Some(NodeName::Id(id)) if id > ctx.max_node => {
                    ctx.err(Pos { line: pos.line, col: pos.col + 3 }, unreachable(id, ctx.max_node));
                    return None;
                }
                Some(n) => (Some(n), rest, col),
                None => {
                    ctx.err(
                        Pos { line: pos.line, col: pos.col + 3 },
                        format!(
                            "on: expected a node (n1…n9, leader, a follower or the old leader), found {node_text:?}"
                        ),
                    );
                    return None;
                }
            }
        }
        None => (None, text, pos.col),
    };
    let expanded = expand(line, |var| match var {
        Var::Lease => Ok("694d77aa9e38260f".to_string()),
        Var::Member(id) if id > ctx.max_node => Err(unreachable(id, ctx.max_node)),
        Var::Member(_) => Ok("8e9e05c52164694d".to_string()),
    });
    let expanded = match expanded {
        Ok(l) => l,
        Err((e, at)) => {
            ctx.err(Pos { line: pos.line, col: line_col + at }, e);
            return None;
        }
    };
    let resolved = symbolic_to_placeholder(&expanded);
    let parsed = match parse_line(&resolved) {
        Ok(p) => p,
        Err(e) => {
            let col = line_col + e.column.unwrap_or(1) - 1;
            ctx.err(Pos { line: pos.line, col }, format!("unknown or bad command: {}", e.message));
            return None;
        }
    };
    match &parsed.command {
        Command::Nothing => return None,
        Command::TxnStdin { .. } => {
            ctx.err(
                pos,
                "a lesson cannot type into txn's prompts: use the one-line form, txn <compares> then <ops> else <ops>",
            );
            return None;
        }
        Command::Lab(cmd) => {
            for id in lab_nodes(cmd) {
                if id > ctx.max_node {
                    let c = line.find(&format!("n{id}")).map(|i| line[..i].chars().count()).unwrap_or(0);
                    ctx.err(Pos { line: pos.line, col: line_col + c }, unreachable(id, ctx.max_node));
                    return None;
                }
            }
        }
        Command::MemberAdd { .. } => ctx.max_node = (ctx.max_node + 1).min(MAX_NODES),
        _ => {}
    }
    for e in &parsed.globals.endpoints {
        if let Ok(id) = parse_endpoint(e) {
            if id > ctx.max_node {
                ctx.err(pos, unreachable(id, ctx.max_node));
                return None;
            }
        }
    }
    Some(Item::Action { line: line.to_string(), endpoint, pos })
}

/// A value a lesson line can name that only exists at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// `$lease`: the id of the last lease granted in this lesson.
    Lease,
    /// `$member(n4)`: n4's etcd member id, in hex as etcdctl prints it.
    Member(u64),
}

/// Replaces `$lease` and `$member(nK)` using `value`; an error carries the 0-based column.
pub fn expand(line: &str, mut value: impl FnMut(Var) -> Result<String, String>) -> Result<String, (String, usize)> {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let at = line.len() - rest.len() + i;
        let col = line[..at].chars().count();
        let tail = &rest[i..];
        let word_end = |n: usize| !tail[n..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
            continue;
        }
        let (var, len) = if tail.starts_with("$lease") && word_end(6) {
            (Var::Lease, "$lease".len())
        } else if let Some(arg) = tail.strip_prefix("$member(") {
            let Some(close) = arg.find(')') else {
                return Err(("$member( is not closed: write $member(n4)".into(), col));
            };
            match node_name(&arg[..close]) {
                Some(NodeName::Id(id)) => (Var::Member(id), "$member(".len() + close + 1),
                _ => return Err((format!("$member takes a node such as n4, found {:?}", &arg[..close]), col)),
            }
        } else {
            return Err(("unknown variable: a lesson line may use $lease, $member(nK) or $$ for a $".into(), col));
        };
        out.push_str(&value(var).map_err(|e| (e, col))?);
        rest = &tail[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `on n3: get x` → ("n3", "get x").
fn on_prefix(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("on ")?;
    let (node, line) = rest.split_once(':')?;
    Some((node.trim(), line.trim()))
}

/// A node an action line may name (`none` names no node, so it is not one).
pub fn node_name(s: &str) -> Option<NodeName> {
    NodeName::parse(s).filter(|n| *n != NodeName::None)
}

/// Lab commands may name `a follower` or `the old leader`; the console knows only `n1`…
/// and `leader`. For checking, both stand in as `n1` (always a node); at run time the
/// player substitutes the real node.
fn symbolic_to_placeholder(line: &str) -> String {
    line.replace("the old leader", "n1").replace("a follower", "n1")
}

/// Replaces the symbolic names in a lab command line with node names.
pub fn substitute(line: &str, old_leader: Option<u64>, follower: Option<u64>) -> Result<String, String> {
    let mut out = line.to_string();
    for (phrase, id) in [("the old leader", old_leader), ("a follower", follower)] {
        if out.contains(phrase) {
            let id = id.ok_or_else(|| format!("\"{phrase}\" names no node right now"))?;
            out = out.replace(phrase, &format!("n{id}"));
        }
    }
    Ok(out)
}

fn lab_nodes(cmd: &LabCommand) -> Vec<u64> {
    let id = |r: &NodeRef| match r {
        NodeRef::Id(id) => Some(*id),
        NodeRef::Leader => None,
    };
    let link = |l: &Link| [id(&l.from), id(&l.to)].into_iter().flatten().collect::<Vec<_>>();
    match cmd {
        LabCommand::Kill(r)
        | LabCommand::Restart(r)
        | LabCommand::Start(r)
        | LabCommand::Isolate(r)
        | LabCommand::Campaign(r)
        | LabCommand::Transfer(r) => id(r).into_iter().collect(),
        LabCommand::Partition(groups) => groups.iter().flatten().filter_map(id).collect(),
        LabCommand::Cut(l)
        | LabCommand::Restore(l)
        | LabCommand::DropLink { link: l, .. }
        | LabCommand::DelayLink { link: l, .. }
        | LabCommand::DuplicateLink { link: l, .. } => link(l),
        _ => Vec::new(),
    }
}
