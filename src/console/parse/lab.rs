//! Lab commands: faults, time and inspection of the simulated cluster
//! (`kill n2`, `partition n1,n2 n3,n4,n5`, `drop n1->n2 25%`, `run 1.5s`, ...).
//!
//! Contract: every error names what was wrong and shows a working example. Nodes are
//! `n1`…`n9` or `leader`; durations are whole milliseconds (a bare number means ms);
//! probabilities become integer parts per million so the engine never sees a float.

use super::lex::{go_quote, lab_duration_ns, Token};
use super::ParseError;
use crate::console::command::{LabCommand, Link, NodeRef};

pub(crate) const LAB_COMMANDS: &[&str] = &[
    "campaign",
    "cancel",
    "cut",
    "delay",
    "disk",
    "drop",
    "duplicate",
    "heal",
    "history",
    "isolate",
    "kill",
    "kube",
    "latency",
    "leader",
    "partition",
    "restart",
    "restore",
    "run",
    "start",
    "status",
    "step",
    "tick",
    "trace-hash",
    "transfer",
];

pub(crate) fn is_lab_command(word: &str) -> bool {
    LAB_COMMANDS.contains(&word)
}

/// Usage line and example for each command, for errors (and for help text).
pub(crate) fn usage(cmd: &str) -> &'static str {
    match cmd {
        "kill" => "kill <node>, e.g. \"kill n2\" or \"kill leader\"",
        "restart" => "restart <node>, e.g. \"restart n2\"",
        "start" => "start <node> [--data-dir=<dir>], e.g. \"start n2\" or \"start n1 --data-dir=n1.etcd\"",
        "isolate" => "isolate <node>, e.g. \"isolate leader\"",
        "campaign" => "campaign <node>, e.g. \"campaign n3\"",
        "transfer" => "transfer <node>, e.g. \"transfer n3\"",
        "partition" => "partition <group> <group>..., e.g. \"partition n1,n2 n3,n4,n5\"",
        "cut" => "cut <link>, e.g. \"cut n1->n2\" (one way) or \"cut n1<->n2\" (both)",
        "restore" => "restore <link>, e.g. \"restore n1->n2\" or \"restore n1<->n2\"",
        "drop" => "drop <msg-id> or drop <link> <percent>%, e.g. \"drop 12\" or \"drop n1->n2 25%\"",
        "delay" => {
            "delay <msg-id> <duration> or delay <link> <duration>, e.g. \"delay 12 300ms\" or \"delay n1->n2 50ms\""
        }
        "duplicate" => {
            "duplicate <msg-id> or duplicate <link> <percent>%, e.g. \"duplicate 12\" or \"duplicate n1->n2 10%\""
        }
        "latency" => "latency <base> [jitter], e.g. \"latency 10ms 5ms\"",
        "disk" => "disk <node> <fsync duration>, e.g. \"disk n1 200ms\" (\"disk n1 0\" makes it fast again)",
        "tick" => "tick [count], e.g. \"tick 10\"",
        "step" => "step [count], e.g. \"step 5\"",
        "run" => "run <duration>, e.g. \"run 1.5s\" or \"run 500ms\"",
        "heal" => "heal",
        "cancel" => "cancel [stream-id], e.g. \"cancel\" (every watch and keep-alive) or \"cancel 2\"",
        "status" => "status",
        "history" => "history",
        "leader" => "leader",
        "kube" => crate::kube::usage(""),
        _ => "trace-hash",
    }
}

fn usage_err(cmd: &str, what: &str, col: Option<usize>) -> ParseError {
    ParseError { message: format!("Error: {cmd} {what}; usage: {}", usage(cmd)), column: col }
}

/// `start nK --data-dir=D` (the flag already split off).
pub(crate) fn start_from(args: &[Token], data_dir: String) -> Result<LabCommand, ParseError> {
    let [n] = args else {
        let what = if args.is_empty() { "needs a node" } else { "takes one node" };
        return Err(usage_err("start", what, args.get(1).map(|t| t.col)));
    };
    if data_dir.is_empty() {
        return Err(usage_err("start", "needs a directory after --data-dir", None));
    }
    Ok(LabCommand::StartFrom { node: node(n)?, data_dir })
}

pub(crate) fn build(cmd: &str, args: &[Token]) -> Result<LabCommand, ParseError> {
    let arity = |min: usize, max: usize| -> Result<(), ParseError> {
        if args.len() < min {
            let what = if min == 1 { "needs an argument" } else { "needs more arguments" };
            Err(usage_err(cmd, what, None))
        } else if args.len() > max {
            let what = match max {
                0 => "takes no arguments".to_string(),
                1 => "takes one argument".to_string(),
                n => format!("takes at most {n} arguments"),
            };
            Err(usage_err(cmd, &what, Some(args[max].col)))
        } else {
            Ok(())
        }
    };
    let node_arg = || -> Result<NodeRef, ParseError> {
        arity(1, 1)?;
        node(&args[0])
    };
    Ok(match cmd {
        "kill" => LabCommand::Kill(node_arg()?),
        "restart" => LabCommand::Restart(node_arg()?),
        "start" => LabCommand::Start(node_arg()?),
        "isolate" => LabCommand::Isolate(node_arg()?),
        "campaign" => LabCommand::Campaign(node_arg()?),
        "transfer" => LabCommand::Transfer(node_arg()?),
        "partition" => LabCommand::Partition(partition(args)?),
        "disk" => {
            arity(2, 2)?;
            LabCommand::Disk { node: node(&args[0])?, delay_ms: duration_ms(&args[1])? }
        }
        "cut" => {
            arity(1, 1)?;
            LabCommand::Cut(link(&args[0])?)
        }
        "restore" => {
            arity(1, 1)?;
            LabCommand::Restore(link(&args[0])?)
        }
        "drop" => {
            arity(1, 2)?;
            if let Some(id) = message_id(&args[0]) {
                arity(1, 1)?;
                LabCommand::DropMessage { id }
            } else {
                let link = link(&args[0])?;
                let Some(p) = args.get(1) else {
                    return Err(usage_err(cmd, "needs a probability after the link", None));
                };
                LabCommand::DropLink { link, probability_ppm: percent_ppm(p)? }
            }
        }
        "delay" => {
            arity(2, 2)?;
            let delay_ms = duration_ms(&args[1])?;
            match message_id(&args[0]) {
                Some(id) => LabCommand::DelayMessage { id, delay_ms },
                None => LabCommand::DelayLink { link: link(&args[0])?, delay_ms },
            }
        }
        "duplicate" => {
            arity(1, 2)?;
            if let Some(id) = message_id(&args[0]) {
                arity(1, 1)?;
                LabCommand::Duplicate { id }
            } else {
                let link = link(&args[0]).map_err(|_| {
                    usage_err(
                        cmd,
                        &format!("needs a message id or a link, got {}", go_quote(&args[0].text)),
                        Some(args[0].col),
                    )
                })?;
                let Some(p) = args.get(1) else {
                    return Err(usage_err(cmd, "needs a probability after the link", None));
                };
                LabCommand::DuplicateLink { link, probability_ppm: percent_ppm(p)? }
            }
        }
        "latency" => {
            arity(1, 2)?;
            LabCommand::Latency {
                base_ms: duration_ms(&args[0])?,
                jitter_ms: args.get(1).map(duration_ms).transpose()?.unwrap_or(0),
            }
        }
        "tick" => {
            arity(0, 1)?;
            LabCommand::Tick(count(cmd, args.first())?)
        }
        "step" => {
            arity(0, 1)?;
            LabCommand::Step(count(cmd, args.first())?)
        }
        "run" => {
            arity(1, 1)?;
            LabCommand::Run { duration_ms: duration_ms(&args[0])? }
        }
        "heal" => {
            arity(0, 0)?;
            LabCommand::Heal
        }
        "cancel" => {
            arity(0, 1)?;
            match args.first() {
                None => LabCommand::Cancel(None),
                Some(t) => LabCommand::Cancel(Some(t.text.parse::<u64>().map_err(|_| {
                    ParseError::at(
                        format!("Error: cancel takes a stream id, got \"{}\"; usage: {}", t.text, usage("cancel")),
                        t.col,
                    )
                })?)),
            }
        }
        "status" => {
            arity(0, 0)?;
            LabCommand::Status
        }
        "leader" => {
            arity(0, 0)?;
            LabCommand::Leader
        }
        "history" => {
            arity(0, 0)?;
            LabCommand::History
        }
        // The console reads `kube` lines before etcdctl's flags; this is for any other caller.
        "kube" => {
            let words: Vec<String> = args.iter().map(|t| t.text.clone()).collect();
            LabCommand::Kube(crate::kube::parse(&words).map_err(ParseError::new)?)
        }
        _ => {
            arity(0, 0)?;
            LabCommand::TraceHash
        }
    })
}

/// `n1`…`n9` or `leader`.
pub(crate) fn node(tok: &Token) -> Result<NodeRef, ParseError> {
    node_text(&tok.text).map_err(|m| ParseError::at(m, tok.col))
}

fn node_text(s: &str) -> Result<NodeRef, String> {
    if s == "leader" {
        return Ok(NodeRef::Leader);
    }
    match s.strip_prefix('n').map(str::parse::<u64>) {
        Some(Ok(id @ 1..=9)) if !s[1..].starts_with(['0', '+']) => Ok(NodeRef::Id(id)),
        _ => Err(format!("Error: unknown node {}: nodes are n1 to n9", go_quote(s))),
    }
}

fn partition(args: &[Token]) -> Result<Vec<Vec<NodeRef>>, ParseError> {
    if args.len() < 2 {
        return Err(ParseError {
            message: "Error: partition needs at least two groups, e.g. \"partition n1,n2 n3,n4,n5\"".to_string(),
            column: args.first().map(|t| t.col),
        });
    }
    let mut groups: Vec<Vec<NodeRef>> = Vec::new();
    for tok in args {
        let mut group = Vec::new();
        for name in tok.text.split(',') {
            if name.is_empty() {
                return Err(ParseError::at(
                    format!(
                        "Error: empty node name in partition group {}: separate nodes with single commas, e.g. \"n1,n2\"",
                        go_quote(&tok.text)
                    ),
                    tok.col,
                ));
            }
            let n = node_text(name).map_err(|m| ParseError::at(m, tok.col))?;
            if groups.iter().chain([&group]).any(|g| g.contains(&n)) {
                return Err(ParseError::at(
                    format!("Error: {name} appears twice in the partition; each node belongs to one group"),
                    tok.col,
                ));
            }
            group.push(n);
        }
        groups.push(group);
    }
    Ok(groups)
}

/// `n1->n2`, `n1<-n2`, `n1<->n2`, `n1-n2`.
fn link(tok: &Token) -> Result<Link, ParseError> {
    let s = tok.text.as_str();
    let parsed = if let Some((a, b)) = s.split_once("<->") {
        Some((a, b, true, false))
    } else if let Some((a, b)) = s.split_once("->") {
        Some((a, b, false, false))
    } else if let Some((a, b)) = s.split_once("<-") {
        Some((a, b, false, true))
    } else {
        s.split_once('-').map(|(a, b)| (a, b, true, false))
    };
    let Some((a, b, both_ways, reversed)) = parsed else {
        return Err(ParseError::at(
            format!("Error: bad link {}: write n1->n2 (one way) or n1<->n2 (both ways)", go_quote(s)),
            tok.col,
        ));
    };
    let (a, b) =
        (node_text(a).map_err(|m| ParseError::at(m, tok.col))?, node_text(b).map_err(|m| ParseError::at(m, tok.col))?);
    if a == b {
        return Err(ParseError::at(format!("Error: a link joins two different nodes, got {}", go_quote(s)), tok.col));
    }
    let (from, to) = if reversed { (b, a) } else { (a, b) };
    Ok(Link { from, to, both_ways })
}

/// Message ids as the trace shows them: `12`, `#12` or `m12`.
fn message_id(tok: &Token) -> Option<u64> {
    let s = tok.text.as_str();
    let digits = s.strip_prefix('#').or_else(|| s.strip_prefix('m')).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `25%`, `12.5%`, `100` → parts per million (at most 4 decimals, as ppm can't hold more).
fn percent_ppm(tok: &Token) -> Result<u32, ParseError> {
    let s = tok.text.as_str();
    let bad = || {
        ParseError::at(
            format!("Error: bad drop probability {}: write a percentage from 0% to 100%, e.g. \"25%\"", go_quote(s)),
            tok.col,
        )
    };
    let number = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 3 || frac.len() > 4 || !digits_ok(int) || !digits_ok(frac) {
        return Err(bad());
    }
    let int: u32 = int.parse().map_err(|_| bad())?;
    let frac_ppm: u32 = format!("{frac:0<4}").parse().map_err(|_| bad())?;
    let ppm = int * 10_000 + frac_ppm;
    if ppm > 1_000_000 {
        return Err(bad());
    }
    Ok(ppm)
}

/// Lab durations: Go's syntax (`1m30s`, `1.5s`, `500ms`), or a bare number of ms.
fn duration_ms(tok: &Token) -> Result<u64, ParseError> {
    let s = tok.text.as_str();
    let bad = |why: &str| {
        ParseError::at(
            format!(
                "Error: bad duration {}: {why}; write e.g. \"500ms\", \"1.5s\" or \"2m\" (a bare number is ms)",
                go_quote(s)
            ),
            tok.col,
        )
    };
    let ns = lab_duration_ns(s).map_err(|e| bad(e.strip_prefix("time: ").unwrap_or(&e)))?;
    if ns % 1_000_000 != 0 {
        return Err(bad("the lab counts whole milliseconds"));
    }
    u64::try_from(ns / 1_000_000).map_err(|_| bad("too long"))
}

fn count(cmd: &str, tok: Option<&Token>) -> Result<u64, ParseError> {
    let Some(tok) = tok else { return Ok(1) };
    if !tok.text.bytes().all(|b| b.is_ascii_digit()) || tok.text.is_empty() {
        return Err(usage_err(cmd, &format!("needs a whole number, got {}", go_quote(&tok.text)), Some(tok.col)));
    }
    tok.text.parse().map_err(|_| usage_err(cmd, "count is too large", Some(tok.col)))
}
