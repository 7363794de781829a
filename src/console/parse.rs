//! The console grammar: one line of text in, a typed [`Line`] or one [`ParseError`] out.
//!
//! Contract:
//! - `parse_line` never panics, whatever the input, and every error is one line.
//! - etcdctl commands accept exactly etcdctl 3.4.23's words and flags and fail with its
//!   error texts (`Error: unknown flag: --foo`, `Error: get command needs one argument
//!   ...`), checked in the same order etcdctl checks them: flags first (pflag), then the
//!   command's own argument rules. Only the first line of etcdctl's output is kept.
//! - Lab commands fail with a message that says what was expected, with an example.
//! - `parse_txn_body` / [`TxnBuilder`] read etcdctl's stdin `txn` format.
//! - `completions` offers command, subcommand and flag names for a UI.
//!
//! Layout: `lex` (shell words, Go numbers and durations), `flags` (cobra/pflag),
//! `etcd` (etcdctl commands), `txn` (compares and ops), `lab` (simulation commands).

mod env;
mod etcd;
mod flags;
mod lab;
pub(crate) mod lex;
mod txn;

#[cfg(test)]
mod tests;

pub use txn::{parse_txn_body, TxnBuilder};

/// Whether `word` is a shell assignment (`ETCDCTL_API=3`), as the console reads a line's
/// leading words.
pub fn is_assignment(word: &str) -> bool {
    env::assignment(word).is_some()
}

/// Whether `word` starts a lab command (`kill`, `partition`, …, or the optional `lab`
/// before one) rather than an etcdctl one.
pub fn is_lab_word(word: &str) -> bool {
    word == "lab" || lab::is_lab_command(word)
}

use crate::console::command::{Command, Globals, Line, OutputFormat};
use flags::{FlagDef, Kind, GLOBAL};
use lex::{tokenize, Token};

/// A line split into words as the console splits it (shell quoting, no expansions), so
/// that another program (the oracle's real etcdctl) gets exactly the words the console saw.
pub fn shell_words(line: &str) -> Result<Vec<String>, ParseError> {
    Ok(tokenize(line)?.into_iter().map(|t| t.text).collect())
}

/// A line that could not be parsed. `Display` is exactly `message`, the one line the
/// console prints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    /// 1-based character column of the offending word, when one word is to blame.
    pub column: Option<usize>,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ParseError { message: message.into(), column: None }
    }

    pub(crate) fn at(message: impl Into<String>, column: usize) -> Self {
        ParseError { message: message.into(), column: Some(column) }
    }
}

/// etcdctl's command groups: their bare name (or an unknown subcommand) shows help.
const GROUPS: &[(&str, &[&str])] = &[
    ("alarm", &["disarm", "list"]),
    ("check", &["datascale", "perf"]),
    ("endpoint", &["hashkv", "health", "status"]),
    ("lease", &["grant", "keep-alive", "list", "revoke", "timetolive"]),
    ("member", &["add", "list", "promote", "remove", "update"]),
    ("snapshot", &["restore", "save", "status"]),
];

/// etcdctl's leaf commands (outside groups), as etcdctl spells them.
const ETCD_COMMANDS: &[&str] = &[
    "compact",
    "compaction",
    "defrag",
    "del",
    "elect",
    "get",
    "help",
    "lock",
    "move-leader",
    "put",
    "txn",
    "version",
    "watch",
];

/// etcdctl 3.4 commands the lab does not simulate, and why: they are refused by name, so
/// nobody takes them for typos.
const NOT_SIMULATED: &[(&str, &str)] = &[
    ("auth", "the lab has no authentication (user, role and auth are not simulated)"),
    ("user", "the lab has no authentication (user, role and auth are not simulated)"),
    ("role", "the lab has no authentication (user, role and auth are not simulated)"),
    ("make-mirror", "make-mirror needs a second cluster, and the lab runs one"),
    ("migrate", "migrate converts a v2 data directory, and the lab's members have none"),
    ("check datascale", "check datascale measures the member's process memory, which the lab does not model"),
];

/// Every etcdctl command path the console runs (`get`, `member update`, …), with its
/// local flags' names: for help and completion checks.
#[cfg(test)]
pub(crate) fn command_paths() -> Vec<(String, Vec<&'static str>)> {
    let leaves = ETCD_COMMANDS.iter().filter(|c| **c != "help").map(|c| c.to_string());
    let subs = GROUPS.iter().flat_map(|(g, subs)| subs.iter().map(move |s| format!("{g} {s}")));
    leaves
        .chain(subs)
        .filter(|p| !NOT_SIMULATED.iter().any(|(n, _)| n == p))
        .map(|p| {
            let flags = local_flags(&p).iter().map(|f| f.long).collect();
            (p, flags)
        })
        .collect()
}

/// etcdctl 3.4's top-level commands, as cobra lists them (sorted), for its suggestions.
const ROOT_COMMANDS: &[&str] = &[
    "alarm",
    "auth",
    "check",
    "compaction",
    "defrag",
    "del",
    "elect",
    "endpoint",
    "get",
    "lease",
    "lock",
    "make-mirror",
    "member",
    "migrate",
    "move-leader",
    "put",
    "role",
    "snapshot",
    "txn",
    "user",
    "version",
    "watch",
];

/// Everything etcdctl (cobra) writes to stderr for an unknown command: the error with its
/// "Did you mean this?" suggestions (a command within two edits, or one the word begins),
/// the hint to `--help`, then the error again from etcdctl's own `ExitWithError`.
pub fn unknown_command_text(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let near: Vec<&str> =
        ROOT_COMMANDS.iter().copied().filter(|c| levenshtein(&lower, c) <= 2 || c.starts_with(&lower)).collect();
    let mut err = format!("unknown command {} for \"etcdctl\"", lex::go_quote(word));
    if !near.is_empty() {
        err.push_str("\n\nDid you mean this?\n");
        for c in near {
            err.push_str(&format!("\t{c}\n"));
        }
    }
    format!("Error: {err}\nRun 'etcdctl --help' for usage.\nError: {err}\n")
}

/// Edit distance over characters (cobra's `ld`).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Each command's local flags, keyed by its full path.
fn local_flags(path: &str) -> &'static [FlagDef] {
    use flags::{b, int, v};
    const I: FlagDef = FlagDef { long: "interactive", short: Some('i'), kind: Kind::Bool };
    const PUT: &[FlagDef] = &[v("lease"), b("prev-kv"), b("ignore-value"), b("ignore-lease")];
    const GET: &[FlagDef] = &[
        v("consistency"),
        b("from-key"),
        b("keys-only"),
        int("limit"),
        v("order"),
        b("prefix"),
        b("print-value-only"),
        int("rev"),
        v("sort-by"),
    ];
    const DEL: &[FlagDef] = &[b("from-key"), b("prefix"), b("prev-kv")];
    const TXN: &[FlagDef] = &[I];
    const WATCH: &[FlagDef] = &[I, b("prefix"), b("prev-kv"), int("rev")];
    const COMPACT: &[FlagDef] = &[b("physical")];
    const DEFRAG: &[FlagDef] = &[b("cluster"), v("data-dir")];
    const KEEP_ALIVE: &[FlagDef] = &[b("once")];
    const TIME_TO_LIVE: &[FlagDef] = &[b("keys")];
    const MEMBER_ADD: &[FlagDef] = &[b("learner"), v("peer-urls")];
    const MEMBER_UPDATE: &[FlagDef] = &[v("peer-urls")];
    const ENDPOINT: &[FlagDef] = &[b("cluster")];
    const HASHKV: &[FlagDef] = &[b("cluster"), int("rev")];
    const LOCK: &[FlagDef] = &[int("ttl")];
    const ELECT: &[FlagDef] = &[FlagDef { long: "listen", short: Some('l'), kind: Kind::Bool }];
    const CHECK_PERF: &[FlagDef] = &[b("auto-compact"), b("auto-defrag"), v("load"), v("prefix")];
    const START: &[FlagDef] = &[v("data-dir")];
    const RESTORE: &[FlagDef] = &[
        v("data-dir"),
        v("initial-advertise-peer-urls"),
        v("initial-cluster"),
        v("initial-cluster-token"),
        v("name"),
        b("skip-hash-check"),
        v("wal-dir"),
    ];
    match path {
        "put" => PUT,
        "get" => GET,
        "del" => DEL,
        "txn" => TXN,
        "watch" => WATCH,
        "compact" | "compaction" => COMPACT,
        "defrag" => DEFRAG,
        "lease keep-alive" => KEEP_ALIVE,
        "lease timetolive" => TIME_TO_LIVE,
        "member add" => MEMBER_ADD,
        "member update" => MEMBER_UPDATE,
        "endpoint status" | "endpoint health" => ENDPOINT,
        "endpoint hashkv" => HASHKV,
        "lock" => LOCK,
        "elect" => ELECT,
        "check perf" => CHECK_PERF,
        "snapshot restore" => RESTORE,
        "start" => START,
        _ => &[],
    }
}

/// Whether `--name` (no `=`) swallows the next word, for finding the command words
/// before the command (and so its flags) is known, as cobra's `stripFlags` does.
fn takes_value_anywhere(name: &str) -> bool {
    let all_paths = ["put", "get", "watch", "defrag", "member add", "snapshot restore", "lock", "check perf"];
    GLOBAL
        .iter()
        .chain(all_paths.iter().flat_map(|p| local_flags(p).iter()))
        .any(|f| f.long == name && f.kind != Kind::Bool)
}

/// Indices of the words that are not flags or flag values, up to `want` of them.
fn command_words(tokens: &[Token], want: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() && found.len() < want {
        let t = tokens[i].text.as_str();
        if t == "--" {
            break;
        }
        if let Some(body) = t.strip_prefix("--") {
            if !body.contains('=') && takes_value_anywhere(body) {
                i += 1;
            }
        } else if t.len() > 1 && t.starts_with('-') {
            if t == "-w" || t == "-d" {
                i += 1;
            }
        } else {
            found.push(i);
        }
        i += 1;
    }
    found
}

/// Parses one console line, with no variables exported.
pub fn parse_line(line: &str) -> Result<Line, ParseError> {
    parse_line_with(line, &[])
}

/// Parses one console line in a shell where `exported` are the exported variables:
/// leading `NAME=value` words add to them for this line only, `ETCDCTL_API` picks the v2
/// or v3 client, and `ETCDCTL_<FLAG>` variables give global flags the line leaves unset.
pub fn parse_line_with(line: &str, exported: &[(String, String)]) -> Result<Line, ParseError> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(Line { command: Command::Nothing, globals: Globals::default() });
    }
    let mut tokens = tokenize(line)?;
    if let Some(command) = shell_builtin(&tokens)? {
        return Ok(Line { command, globals: Globals::default() });
    }
    let assigned = env::take_assignments(&mut tokens);
    if tokens.is_empty() {
        return Ok(Line { command: Command::ShellAssign(assigned), globals: Globals::default() });
    }
    let mut vars: Vec<(String, String)> = exported.to_vec();
    vars.extend(assigned);
    let api = env::api(&vars)?;
    if tokens.first().is_some_and(|t| t.text == "etcdctl" && !t.quoted) {
        tokens.remove(0);
    }
    if api == env::Api::V2 {
        let args = tokens.into_iter().map(|t| t.text).collect();
        return Ok(Line { command: Command::V2 { args }, globals: Globals::default() });
    }
    let (mut line, split) = parse_v3(tokens)?;
    apply_env(&mut line.globals, &vars, &split)?;
    Ok(line)
}

/// `export NAME=value…` and `unset NAME…`, the two shell words notes use around etcdctl.
fn shell_builtin(tokens: &[Token]) -> Result<Option<Command>, ParseError> {
    let Some(first) = tokens.first().filter(|t| !t.quoted) else { return Ok(None) };
    let rest = &tokens[1..];
    match first.text.as_str() {
        "export" => {
            let mut vars = Vec::new();
            for t in rest {
                match env::assignment(&t.text) {
                    Some(kv) => vars.push(kv),
                    None => {
                        return Err(ParseError::at(
                            format!("export: `{}': the lab's console exports NAME=value only", t.text),
                            t.col,
                        ))
                    }
                }
            }
            Ok(Some(Command::Export(vars)))
        }
        "unset" => {
            for t in rest {
                if !env::is_name(&t.text) {
                    return Err(ParseError::at(format!("unset: `{}': not a valid identifier", t.text), t.col));
                }
            }
            Ok(Some(Command::Unset(rest.iter().map(|t| t.text.clone()).collect())))
        }
        _ => Ok(None),
    }
}

/// The `ETCDCTL_<FLAG>` variables for the global flags the line left unset, checked as
/// pflag checks a flag's value.
fn apply_env(g: &mut Globals, vars: &[(String, String)], line: &flags::Split) -> Result<(), ParseError> {
    // etcdctl 3.4 (`flags.SetPflagsFromEnv`, then `verifyEnv`) stops with a fatal log line
    // when a flag on the line shadows its variable; capnslog's timestamp is left out here.
    for def in GLOBAL.iter() {
        let name = env::env_name(def.long);
        if line.last(def.long).is_some() && env::lookup(vars, &name).is_some() {
            return Err(ParseError::new(format!(
                "C | pkg/flags: conflicting environment variable {name:?} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)"
            )));
        }
    }
    let mut split = flags::Split::default();
    for def in GLOBAL.iter().filter(|d| d.long != "help") {
        if let Some(value) = env::flag_value(vars, def.long) {
            split.push(*def, value.to_string(), 0).map_err(|e| ParseError::new(e.message))?;
        }
    }
    let from_env = globals(&split)?;
    if g.endpoints.is_empty() {
        g.endpoints = from_env.endpoints;
    }
    if !g.write_out_given {
        g.write_out = from_env.write_out;
    }
    if g.command_timeout_ms.is_none() {
        g.command_timeout_ms = from_env.command_timeout_ms;
    }
    g.tls |= from_env.tls;
    g.hex |= from_env.hex;
    if g.user.is_none() {
        g.user = from_env.user;
    }
    Ok(())
}

fn parse_v3(mut tokens: Vec<Token>) -> Result<(Line, flags::Split), ParseError> {
    // `lab history` reads as `history`: the prefix tells lab commands from etcdctl's in
    // lessons and docs, and is optional.
    if tokens.first().is_some_and(|t| t.text == "lab" && !t.quoted)
        && tokens.get(1).is_some_and(|t| lab::is_lab_command(&t.text) && !t.quoted)
    {
        tokens.remove(0);
    }
    // `kube …` has kubectl's flags (`-n`, `-w`, `-o`), not etcdctl's: its own parser reads
    // every word after it.
    if tokens.first().is_some_and(|t| t.text == "kube" && !t.quoted) {
        let words: Vec<String> = tokens[1..].iter().map(|t| t.text.clone()).collect();
        let cmd = crate::kube::parse(&words).map_err(ParseError::new)?;
        let line =
            Line { command: Command::Lab(crate::console::command::LabCommand::Kube(cmd)), globals: Globals::default() };
        return Ok((line, flags::Split::default()));
    }

    let words = command_words(&tokens, 2);
    let Some(&first) = words.first() else {
        // Only flags: etcdctl then shows its help, after pflag has had its say.
        let split = flags::split(&tokens, &[], false)?;
        let globals = globals(&split)?;
        return Ok((Line { command: Command::Help { topic: None }, globals }, split));
    };
    let name = tokens[first].text.clone();
    let mut used = vec![first];
    let second = words.get(1).map(|&w| format!("{name} {}", tokens[w].text));
    let not_simulated = NOT_SIMULATED.iter().find(|(c, _)| *c == name || Some(*c) == second.as_deref());
    if let Some((_, why)) = not_simulated {
        return Err(ParseError::at(format!("Error: {why}"), tokens[first].col));
    }

    let path = if let Some((group, subs)) = GROUPS.iter().find(|(g, _)| *g == name) {
        match words.get(1) {
            Some(&w) if subs.contains(&tokens[w].text.as_str()) => {
                used.push(w);
                format!("{group} {}", tokens[w].text)
            }
            _ => {
                return Ok((
                    Line { command: Command::Help { topic: Some(group.to_string()) }, globals: Globals::default() },
                    flags::Split::default(),
                ))
            }
        }
    } else if ETCD_COMMANDS.contains(&name.as_str()) || lab::is_lab_command(&name) {
        name.clone()
    } else {
        return Err(ParseError::at(
            format!("Error: unknown command {} for \"etcdctl\"", lex::go_quote(&name)),
            tokens[first].col,
        ));
    };

    let rest: Vec<Token> =
        tokens.iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, t)| t.clone()).collect();

    if path == "watch" && rest.iter().any(|t| t.text == "--") {
        return Err(ParseError::new("Error: watch cannot run a command on events in the lab (no `--` exec form)"));
    }
    let split = flags::split(&rest, local_flags(&path), path == "txn")?;
    let command = if split.bool("help") {
        Command::Help { topic: Some(path) }
    } else if path == "help" {
        help_topic(&split.args)?
    } else if path == "start" && split.value("data-dir").is_some() {
        Command::Lab(lab::start_from(&split.args, split.value("data-dir").unwrap_or_default())?)
    } else if lab::is_lab_command(&path) {
        Command::Lab(lab::build(&path, &split.args)?)
    } else {
        etcd::build(&path, &split)?
    };
    let globals = globals(&split)?;
    Ok((Line { command, globals }, split))
}

fn help_topic(args: &[Token]) -> Result<Command, ParseError> {
    if args.is_empty() {
        return Ok(Command::Help { topic: None });
    }
    let words: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
    let known = match words.as_slice() {
        [one] => {
            ETCD_COMMANDS.contains(one)
                || lab::is_lab_command(one)
                || *one == "lab"
                || GROUPS.iter().any(|(g, _)| g == one)
        }
        [group, sub, ..] => GROUPS.iter().any(|(g, subs)| g == group && subs.contains(sub)),
        [] => false,
    };
    if !known {
        return Err(ParseError::at(format!("Unknown help topic [`{}`]", words.join(" ")), args[0].col));
    }
    let topic = words.iter().take(2).copied().collect::<Vec<_>>().join(" ");
    Ok(Command::Help { topic: Some(topic) })
}

/// Reads the persistent flags. etcdctl validates `-w` only when printing, so this runs
/// after the command's own checks.
fn globals(split: &flags::Split) -> Result<Globals, ParseError> {
    let mut g = Globals::default();
    for seen in split.all("endpoints") {
        g.endpoints.extend(seen.value.split(',').filter(|s| !s.is_empty()).map(str::to_string));
    }
    g.write_out_given = split.last("write-out").is_some();
    g.tls = flags::TLS_FLAGS.iter().any(|f| split.last(f).is_some())
        || g.endpoints.iter().any(|e| e.starts_with("https://"));
    g.hex = split.bool("hex");
    g.user = split.value("user");
    if let Some(w) = split.last("write-out") {
        g.write_out = match w.value.as_str() {
            "simple" => OutputFormat::Simple,
            "json" => OutputFormat::Json,
            "table" => OutputFormat::Table,
            "fields" | "protobuf" => {
                return Err(ParseError::at(
                    format!(
                        "Error: output format {} is not available in the lab (use simple, json or table)",
                        lex::go_quote(&w.value)
                    ),
                    w.col,
                ))
            }
            _ => return Err(ParseError::at("Error: unsupported output format", w.col)),
        };
    }
    g.command_timeout_ms =
        split.duration_ns("command-timeout").map(|ns| u64::try_from(ns / 1_000_000).unwrap_or(u64::MAX));
    Ok(g)
}

/// Completions for the word being typed at the end of `prefix`: each candidate is the
/// whole line with that word completed (a trailing space after a finished word asks for
/// the next word). Value flags are offered as `--name=`.
pub fn completions(prefix: &str) -> Vec<String> {
    let Some((partial, head, words)) = completion_context(prefix) else {
        return Vec::new();
    };
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut candidates: Vec<String> = Vec::new();
    if partial.starts_with('-') {
        for f in local_flags(&flag_path(&words)).iter().chain(GLOBAL.iter()) {
            let eq = if f.kind == Kind::Bool { "" } else { "=" };
            candidates.push(format!("--{}{eq}", f.long));
        }
    } else {
        match words.as_slice() {
            [] => {
                candidates.extend(ETCD_COMMANDS.iter().map(|s| s.to_string()));
                candidates.extend(GROUPS.iter().map(|(g, _)| g.to_string()));
                candidates.extend(lab::LAB_COMMANDS.iter().map(|s| s.to_string()));
            }
            [g] => {
                if let Some((_, subs)) = GROUPS.iter().find(|(n, _)| n == g) {
                    candidates.extend(subs.iter().map(|s| s.to_string()));
                }
                if *g == "kube" {
                    candidates.extend(crate::kube::command::VERBS.iter().map(|s| s.to_string()));
                }
            }
            _ => {}
        }
    }
    candidates.sort();
    candidates.dedup();
    candidates.into_iter().filter(|c| c.starts_with(&partial) && *c != partial).map(|c| format!("{head}{c}")).collect()
}

/// The command whose flags a flag typed at the end of `prefix` belongs to (`get`,
/// `member add`; empty before any command), as `help::flag_help` names it.
pub fn completion_path(prefix: &str) -> String {
    let words = completion_context(prefix).map(|(_, _, w)| w).unwrap_or_default();
    flag_path(&words.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A lab command's usage line with an example (`kill <node>, e.g. "kill n2" ...`), as its
/// errors print it; `None` for a word that is not a lab command.
pub fn lab_usage(cmd: &str) -> Option<&'static str> {
    lab::is_lab_command(cmd).then(|| lab::usage(cmd))
}

/// Whether `long` is one of etcdctl's global flags (every command has it).
pub fn is_global_flag(long: &str) -> bool {
    GLOBAL.iter().any(|f| f.long == long)
}

fn flag_path(words: &[&str]) -> String {
    match words {
        [g, s, ..] if GROUPS.iter().any(|(n, _)| n == g) => format!("{g} {s}"),
        [c, ..] => c.to_string(),
        [] => String::new(),
    }
}

/// The word being typed at the end of `prefix`, the text before it, and the command words
/// before it (leading `NAME=value` words and `etcdctl` skipped).
fn completion_context(prefix: &str) -> Option<(String, String, Vec<String>)> {
    let Ok(mut tokens) = tokenize(prefix) else {
        return None;
    };
    let ends_in_space = prefix.ends_with(char::is_whitespace) || prefix.is_empty();
    let (partial, head) = match tokens.pop() {
        Some(last) if !ends_in_space => {
            let head: String = prefix.chars().take(last.col - 1).collect();
            (last.text, head)
        }
        Some(last) => {
            tokens.push(last);
            (String::new(), prefix.to_string())
        }
        None => (String::new(), prefix.to_string()),
    };
    let mut body: &[Token] = &tokens;
    while body.first().is_some_and(|t| env::assignment(&t.text).is_some()) {
        body = &body[1..];
    }
    if body.first().is_some_and(|t| t.text == "etcdctl") {
        body = &body[1..];
    }
    let words = command_words(body, 2).into_iter().map(|i| body[i].text.clone()).collect();
    Some((partial, head, words))
}
