//! The lines of a `lab` block: console lines, waits, checks, and the predict and your-turn
//! groups, each checked where it stands.
//!
//! Contract: a line becomes an `Item` only if it is valid at that point of the file:
//! console lines parse with the console's grammar, conditions type-check, and every node
//! named exists by then (the cluster's nodes plus one per `member add` above). Otherwise
//! the error goes to `Ctx` with its line and column. `expand` and `substitute` are shared
//! with the player, which fills in at run time what the checker filled with stand-ins.

use crate::console::command::{Command, LabCommand, Link, NodeRef};
use crate::console::parse::lex::lab_duration_ns;
use crate::console::parse::parse_line;
use crate::console::session::parse_endpoint;
use crate::engine::MAX_NODES;

use super::cond::{self, Cond};
use super::model::{Item, NodeName, Pos, Predict, YourTurn};
use super::parse::{
    Ctx, DurationError, ExpandError, LessonProblem, NamesNoNode, VarError, DEFAULT_GOAL_WITHIN_MS, MAX_WAIT_MS,
};

/// A lesson's durations (`wait 2s`, `within 5s`, `hint 20s:`), in the console's grammar
/// (`lab_duration_ns`: `500ms`, `1.5s`, `1m30s`, a bare number of ms), rounded to the
/// millisecond, at most an hour.
pub fn duration_ms(s: &str) -> Result<u64, DurationError> {
    let ns = lab_duration_ns(s).map_err(|_| DurationError::Malformed(s.to_string()))?;
    let ms = (ns + 500_000) / 1_000_000;
    if ms > u128::from(MAX_WAIT_MS) {
        return Err(DurationError::TooLong(s.to_string()));
    }
    Ok(ms as u64)
}

/// A group being read: a predict or your-turn collects the lines that follow it.
enum Group {
    None,
    Predict(Predict),
    YourTurn(YourTurn, bool),
}

pub(super) fn lab_block(ctx: &mut Ctx, block: &[(usize, &str)]) -> Vec<Item> {
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
                _ => ctx.err(rest_pos, LessonProblem::BadAnswer(rest.to_string())),
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
                        Err(e) => ctx.err(rest_pos, LessonProblem::Duration(e)),
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
                    Err(e) => ctx.err(pos, LessonProblem::HintDelay(e)),
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
                    "option" | "answer" | "explain" => ctx.err(pos, LessonProblem::OutsidePredict(key.to_string())),
                    "goal" | "solution" => ctx.err(pos, LessonProblem::OutsideYourTurn(key.to_string())),
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
                ctx.err(p.pos, LessonProblem::TooFewOptions);
            } else if p.answer == usize::MAX {
                ctx.err(p.pos, LessonProblem::NoAnswer);
            } else if p.answer >= p.options.len() {
                ctx.err(p.pos, LessonProblem::AnswerOutOfRange { answer: p.answer + 1, options: p.options.len() });
            } else {
                items.push(Item::Predict(p));
            }
        }
        Group::YourTurn(y, has_goal) => {
            if !has_goal {
                ctx.err(y.pos, LessonProblem::NoGoal);
            } else if y.solution.is_empty() {
                ctx.err(y.pos, LessonProblem::NoSolution);
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
            ctx.err(Pos { line: pos.line, col: pos.col + e.col - 1 }, LessonProblem::BadCondition(e.problem));
            None
        }
    }
}

fn unreachable(id: u64, max: u64) -> LessonProblem {
    LessonProblem::NoSuchNodeYet { id, max }
}

/// A wait, an expect or a console line (optionally `on <node>: `).
fn plain_item(ctx: &mut Ctx, text: &str, pos: Pos) -> Option<Item> {
    if let Some(rest) = text.strip_prefix("wait until ") {
        let rest_pos = Pos { line: pos.line, col: pos.col + 11 };
        let (cond_text, within) = split_within(rest);
        let Some(within) = within else {
            ctx.err(rest_pos, LessonProblem::WaitNeedsLimit);
            return None;
        };
        let within_ms = match duration_ms(within) {
            Ok(ms) => ms,
            Err(e) => {
                ctx.err(rest_pos, LessonProblem::Duration(e));
                return None;
            }
        };
        return condition(ctx, cond_text, rest_pos).map(|cond| Item::WaitUntil { cond, within_ms, pos });
    }
    if let Some(rest) = text.strip_prefix("wait ") {
        return match duration_ms(rest.trim()) {
            Ok(ms) => Some(Item::Pause { ms, pos }),
            Err(e) => {
                ctx.err(Pos { line: pos.line, col: pos.col + 5 }, LessonProblem::Wait(e));
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
                    ctx.err(Pos { line: pos.line, col: pos.col + 3 }, LessonProblem::BadOnNode(node_text.to_string()));
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
            let problem = match e {
                ExpandError::Syntax(v) => LessonProblem::Variable(v),
                ExpandError::Value(p) => p,
            };
            ctx.err(Pos { line: pos.line, col: line_col + at }, problem);
            return None;
        }
    };
    let resolved = symbolic_to_placeholder(&expanded);
    let parsed = match parse_line(&resolved) {
        Ok(p) => p,
        Err(e) => {
            let col = line_col + e.column.unwrap_or(1) - 1;
            ctx.err(Pos { line: pos.line, col }, LessonProblem::BadCommand(e.message));
            return None;
        }
    };
    match &parsed.command {
        Command::Nothing => return None,
        Command::TxnStdin { .. } => {
            ctx.err(pos, LessonProblem::TxnPrompt);
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
pub fn expand<E>(
    line: &str,
    mut value: impl FnMut(Var) -> Result<String, E>,
) -> Result<String, (ExpandError<E>, usize)> {
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
                return Err((ExpandError::Syntax(VarError::MemberNotClosed), col));
            };
            match node_name(&arg[..close]) {
                Some(NodeName::Id(id)) => (Var::Member(id), "$member(".len() + close + 1),
                _ => return Err((ExpandError::Syntax(VarError::MemberArg(arg[..close].to_string())), col)),
            }
        } else {
            return Err((ExpandError::Syntax(VarError::Unknown), col));
        };
        out.push_str(&value(var).map_err(|e| (ExpandError::Value(e), col))?);
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
pub fn substitute(line: &str, old_leader: Option<u64>, follower: Option<u64>) -> Result<String, NamesNoNode> {
    let mut out = line.to_string();
    for (phrase, id) in [("the old leader", old_leader), ("a follower", follower)] {
        if out.contains(phrase) {
            let id = id.ok_or(NamesNoNode(phrase))?;
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

#[cfg(test)]
mod tests {
    use super::{duration_ms, DurationError};

    #[test]
    fn lesson_durations_use_the_console_grammar_rounded_to_the_millisecond() {
        for (text, want) in [
            ("500ms", 500),
            ("2s", 2_000),
            ("1.5s", 1_500),
            ("2m", 120_000),
            ("1m30s", 90_000),
            ("250", 250),
            ("0.0015s", 2),
            ("1h", 3_600_000),
        ] {
            assert_eq!(duration_ms(text), Ok(want), "{text}");
        }
        let e = duration_ms("1 second").unwrap_err();
        assert_eq!(e, DurationError::Malformed("1 second".into()));
        assert_eq!(e.to_string(), "expected a duration such as 500ms, 2s or 1m, found \"1 second\"");
        let e = duration_ms("5x").unwrap_err();
        assert_eq!(e.to_string(), "expected a duration such as 500ms, 2s or 1m, found \"5x\"");
        let e = duration_ms("61m").unwrap_err();
        assert_eq!(e, DurationError::TooLong("61m".into()));
        assert_eq!(e.to_string(), "61m is longer than a lesson may wait (1 hour)");
    }
}
