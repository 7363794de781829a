//! The shell around etcdctl: `NAME=value` words before the command, and the `ETCDCTL_*`
//! variables etcdctl 3.4 reads.
//!
//! Contract: `take_assignments` removes the leading assignments from a line's words, as a
//! shell does before it runs the command. `api` reads `ETCDCTL_API` as etcdctl's `main`
//! does (unset or `3`: v3; `2`: the v2 client; anything else is refused). `flag_value`
//! gives a global flag's value from the environment (`--dial-timeout` from
//! `ETCDCTL_DIAL_TIMEOUT`), which etcdctl uses only when the flag is not on the line.

use super::lex::Token;
use super::ParseError;

/// Which etcdctl client a line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    V2,
    V3,
}

/// A shell variable name: a letter or `_`, then letters, digits and `_`.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` split, if the word is an assignment.
pub(crate) fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    is_name(name).then(|| (name.to_string(), value.to_string()))
}

/// Takes the assignments that start the line (the shell applies them to the command's
/// environment only).
pub(crate) fn take_assignments(tokens: &mut Vec<Token>) -> Vec<(String, String)> {
    let n = tokens.iter().take_while(|t| assignment(&t.text).is_some()).count();
    tokens.drain(..n).filter_map(|t| assignment(&t.text)).collect()
}

/// The value a variable has for this command: the line's own assignment, else the
/// exported one.
pub(crate) fn lookup<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

pub(crate) fn api(env: &[(String, String)]) -> Result<Api, ParseError> {
    match lookup(env, "ETCDCTL_API") {
        None | Some("") | Some("3") => Ok(Api::V3),
        Some("2") => Ok(Api::V2),
        // etcdctl's main prints this with `fmt.Fprintln` and exits 1.
        Some(other) => Err(ParseError::new(format!("unsupported API version {other}"))),
    }
}

/// `ETCDCTL_` then the flag's name in upper case with `_` for `-` (etcd's `FlagToEnv`).
pub(crate) fn env_name(flag: &str) -> String {
    format!("ETCDCTL_{}", flag.to_ascii_uppercase().replace('-', "_"))
}

pub(crate) fn flag_value<'a>(env: &'a [(String, String)], flag: &str) -> Option<&'a str> {
    lookup(env, &env_name(flag))
}
