//! Flag handling the way cobra and pflag do it for etcdctl: interspersed flags,
//! `--name=value` / `--name value`, `-w json` / `-wjson`, bool flags that take only the
//! `=` form, `--` ending flags, and pflag's error texts.
//!
//! Contract: `split` never looks at what a command means; it returns the flags seen (in
//! order) and the positional words. Typed accessors then report pflag's
//! `invalid argument` texts.

use super::lex::{go_parse_int, go_quote, parse_duration_ns, BareNumber, Token};
use super::ParseError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    Str,
    /// pflag `Int64Var`.
    Int,
    /// pflag `DurationVar`.
    Duration,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct FlagDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
}

pub(crate) const fn b(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, kind: Kind::Bool }
}

pub(crate) const fn v(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, kind: Kind::Str }
}

pub(crate) const fn int(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, kind: Kind::Int }
}

pub(crate) const fn dur(long: &'static str) -> FlagDef {
    FlagDef { long, short: None, kind: Kind::Duration }
}

/// etcdctl 3.4's persistent flags, every one (the lab honours `--endpoints`, `-w`,
/// `--command-timeout` and `--hex`; the TLS ones are accepted with a note, since the lab
/// has no TLS; `--user` is refused as etcd refuses it with auth off), plus `--help`,
/// which every command has.
pub(crate) const GLOBAL: &[FlagDef] = &[
    v("cacert"),
    v("cert"),
    dur("command-timeout"),
    b("debug"),
    dur("dial-timeout"),
    FlagDef { long: "discovery-srv", short: Some('d'), kind: Kind::Str },
    v("discovery-srv-name"),
    v("endpoints"),
    b("hex"),
    b("insecure-discovery"),
    b("insecure-skip-tls-verify"),
    b("insecure-transport"),
    dur("keepalive-time"),
    dur("keepalive-timeout"),
    v("key"),
    v("password"),
    v("user"),
    FlagDef { long: "write-out", short: Some('w'), kind: Kind::Str },
    FlagDef { long: "help", short: Some('h'), kind: Kind::Bool },
];

/// The TLS flags: accepted, with the lab's note that it has no TLS.
pub(crate) const TLS_FLAGS: &[&str] = &["cacert", "cert", "key", "insecure-skip-tls-verify"];

/// One flag occurrence; bool flags without `=` carry "true".
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub def: FlagDef,
    pub value: String,
    pub col: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Split {
    pub seen: Vec<Seen>,
    pub args: Vec<Token>,
}

fn lookup_long<'a>(local: &'a [FlagDef], name: &str) -> Option<&'a FlagDef> {
    local.iter().chain(GLOBAL.iter()).find(|f| f.long == name)
}

fn lookup_short(local: &[FlagDef], c: char) -> Option<&FlagDef> {
    local.iter().chain(GLOBAL.iter()).find(|f| f.short == Some(c))
}

/// Separates flags from positional words. With `pass_unknown`, unknown flags stay
/// positional (the one-line `txn`, whose op words carry their own flags).
pub(crate) fn split(tokens: &[Token], local: &[FlagDef], pass_unknown: bool) -> Result<Split, ParseError> {
    let mut out = Split::default();
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        let text = tok.text.as_str();
        i += 1;
        if text == "--" {
            if pass_unknown {
                out.args.push(tok.clone());
                continue;
            }
            out.args.extend(tokens[i..].iter().cloned());
            break;
        }
        if let Some(body) = text.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, val)) => (n, Some(val)),
                None => (body, None),
            };
            if name.is_empty() || name.starts_with('-') {
                return Err(ParseError::at(format!("Error: bad flag syntax: {text}"), tok.col));
            }
            let Some(def) = lookup_long(local, name) else {
                if pass_unknown {
                    out.args.push(tok.clone());
                    continue;
                }
                return Err(ParseError::at(format!("Error: unknown flag: --{name}"), tok.col));
            };
            let value = match (def.kind, inline) {
                (_, Some(val)) => val.to_string(),
                (Kind::Bool, None) => "true".to_string(),
                (_, None) => match tokens.get(i) {
                    Some(next) => {
                        i += 1;
                        next.text.clone()
                    }
                    None => return Err(ParseError::at(format!("Error: flag needs an argument: --{name}"), tok.col)),
                },
            };
            out.push(*def, value, tok.col)?;
            continue;
        }
        if text.len() > 1 && text.starts_with('-') {
            // A run of shorthand flags, as pflag reads `-ih` or `-wjson`.
            let shorts: Vec<char> = text[1..].chars().collect();
            let mut j = 0;
            let mut unknown_passed = false;
            while j < shorts.len() {
                let c = shorts[j];
                let Some(def) = lookup_short(local, c) else {
                    if pass_unknown {
                        unknown_passed = true;
                        break;
                    }
                    return Err(ParseError::at(format!("Error: unknown shorthand flag: '{c}' in {text}"), tok.col));
                };
                let rest: String = shorts[j + 1..].iter().collect();
                let value = if let Some(val) = rest.strip_prefix('=') {
                    j = shorts.len();
                    val.to_string()
                } else if def.kind == Kind::Bool {
                    j += 1;
                    "true".to_string()
                } else if !rest.is_empty() {
                    j = shorts.len();
                    rest
                } else if let Some(next) = tokens.get(i) {
                    j = shorts.len();
                    i += 1;
                    next.text.clone()
                } else {
                    return Err(ParseError::at(format!("Error: flag needs an argument: '{c}' in {text}"), tok.col));
                };
                out.push(*def, value, tok.col)?;
            }
            if unknown_passed {
                out.args.push(tok.clone());
            }
            continue;
        }
        out.args.push(tok.clone());
    }
    Ok(out)
}

fn display_name(def: &FlagDef) -> String {
    match def.short {
        Some(c) => format!("-{c}, --{}", def.long),
        None => format!("--{}", def.long),
    }
}

fn invalid(seen: &Seen, why: &str) -> ParseError {
    ParseError::at(
        format!(
            "Error: invalid argument {} for {} flag: {why}",
            go_quote(&seen.value),
            go_quote(&display_name(&seen.def))
        ),
        seen.col,
    )
}

impl Split {
    /// The last occurrence wins, as with pflag.
    pub fn last(&self, long: &str) -> Option<&Seen> {
        self.seen.iter().rev().find(|s| s.def.long == long)
    }

    pub fn value(&self, long: &str) -> Option<String> {
        self.last(long).map(|s| s.value.clone())
    }

    /// Every occurrence, in order (pflag's string slices append).
    pub fn all(&self, long: &str) -> impl Iterator<Item = &Seen> + '_ {
        let long = long.to_string();
        self.seen.iter().filter(move |s| s.def.long == long)
    }

    /// pflag converts each value as it meets the flag, so the first bad one is reported
    /// before anything later on the line.
    pub(crate) fn push(&mut self, def: FlagDef, value: String, col: usize) -> Result<(), ParseError> {
        let seen = Seen { def, value, col };
        let why = match def.kind {
            Kind::Bool if parse_bool(&seen.value).is_none() => {
                Some(format!("strconv.ParseBool: parsing {}: invalid syntax", go_quote(&seen.value)))
            }
            Kind::Int => go_parse_int(&seen.value, 0).err(),
            Kind::Duration => parse_duration_ns(&seen.value, BareNumber::GoRejects).err(),
            _ => None,
        };
        if let Some(why) = why {
            return Err(invalid(&seen, &why));
        }
        self.seen.push(seen);
        Ok(())
    }

    pub fn bool(&self, long: &str) -> bool {
        self.last(long).and_then(|s| parse_bool(&s.value)).unwrap_or(false)
    }

    /// pflag's `Int64Var` (already validated by `push`; 0 when absent).
    pub fn int64(&self, long: &str) -> i64 {
        self.last(long).and_then(|s| go_parse_int(&s.value, 0).ok()).unwrap_or(0)
    }

    /// pflag's `DurationVar` in nanoseconds (already validated by `push`).
    pub fn duration_ns(&self, long: &str) -> Option<u128> {
        self.last(long).and_then(|s| parse_duration_ns(&s.value, BareNumber::GoRejects).ok())
    }
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}
