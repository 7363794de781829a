//! Transactions: etcdctl's compare syntax (`mod("x") > "0"`), its op lines (`put x 10`),
//! the stdin body (compares, blank, success ops, blank, failure ops, blank), and our
//! one-line `txn CMP... then OP... else OP...` form (documented on `Command`).
//!
//! Contract: texts follow `etcdctl/ctlv3/command/txn_command.go`, including its quirks
//! (`invalid txn compare request` for a one-word op line). Where etcdctl 3.4 panics
//! (an unknown operator such as `==`, any `lease(...)` compare) we answer with an error
//! or, for `lease`, read the value as a hex lease id as etcdctl 3.5 does.

use super::flags::{self, GLOBAL};
use super::lex::{go_parse_int, go_quote, tokenize, Token};
use super::{etcd, local_flags, ParseError};
use crate::store::{Compare, CompareResult, CompareTarget, RequestOp, TxnRequest};

fn err(msg: String) -> ParseError {
    ParseError::new(format!("Error: {msg}"))
}

/// Reads a Go `%q` operand: a double-quoted string with Go escapes, or a raw
/// backquoted one. `None` leaves `s` where the operand would have started.
fn scan_quoted(s: &mut &str) -> Option<Vec<u8>> {
    let t = s.trim_start();
    let mut chars = t.char_indices();
    let (_, open) = chars.next()?;
    let mut out = Vec::new();
    if open == '`' {
        let end = t[1..].find('`')? + 1;
        out.extend_from_slice(&t.as_bytes()[1..end]);
        *s = &t[end + 1..];
        return Some(out);
    }
    if open != '"' {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                *s = &t[i + 1..];
                return Some(out);
            }
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push(b'\n'),
                    't' => out.push(b'\t'),
                    'r' => out.push(b'\r'),
                    'a' => out.push(7),
                    'b' => out.push(8),
                    'f' => out.push(12),
                    'v' => out.push(11),
                    '\\' | '"' | '\'' => out.push(e as u8),
                    'x' => {
                        let hex: String = (0..2).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        out.push(u8::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 2)?);
                    }
                    '0'..='7' => {
                        let mut oct = String::from(e);
                        oct.extend((0..2).filter_map(|_| chars.next().map(|(_, h)| h)));
                        out.push(u8::from_str_radix(&oct, 8).ok().filter(|_| oct.len() == 3)?);
                    }
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String = (0..n).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)?;
                        out.extend_from_slice(c.to_string().as_bytes());
                    }
                    _ => return None,
                }
            }
            '\n' => return None,
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    None
}

/// `parseCompare`: `fmt.Sscanf(rest, "%q) %s %q")` after the first `(`.
pub fn parse_compare(line: &str) -> Result<Compare, ParseError> {
    let line = line.trim();
    let Some((target, rest)) = line.split_once('(') else {
        return Err(err(format!("malformed comparison: {line}")));
    };
    let mut s = rest;
    let (mut key, mut op, mut val) = (Vec::new(), String::new(), Vec::new());
    let mut n = 0;
    if let Some(k) = scan_quoted(&mut s) {
        key = k;
        n = 1;
        if let Some(after) = s.strip_prefix(')') {
            // Go's Sscanf wants real space where the format has one (`mod("x")>"0"` fails).
            if after.starts_with(char::is_whitespace) {
                let after = after.trim_start();
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                op = after[..end].to_string();
                s = &after[end..];
                if !op.is_empty() {
                    n = 2;
                    if let Some(v) = scan_quoted(&mut s) {
                        val = v;
                        n = 3;
                    }
                }
            }
        }
    }
    if n != 3 {
        return Err(err(format!(
            "malformed comparison: {line}; got {target}({}) {op} {}",
            go_quote(&String::from_utf8_lossy(&key)),
            go_quote(&String::from_utf8_lossy(&val)),
        )));
    }
    let invalid = || err(format!("invalid txn compare request: {line}"));
    let number = |base| std::str::from_utf8(&val).ok().and_then(|v| go_parse_int(v, base).ok()).ok_or_else(invalid);
    let target = match target {
        "ver" | "version" => CompareTarget::Version(number(10)?),
        "c" | "create" => CompareTarget::Create(number(10)?),
        "m" | "mod" => CompareTarget::Mod(number(10)?),
        "val" | "value" => CompareTarget::Value(val.clone()),
        "lease" => CompareTarget::Lease(number(16)?),
        other => return Err(err(format!("malformed comparison: {line} (unknown target {other})"))),
    };
    let result = match op.as_str() {
        "=" => CompareResult::Equal,
        "!=" => CompareResult::NotEqual,
        ">" => CompareResult::Greater,
        "<" => CompareResult::Less,
        other => {
            return Err(err(format!(
                "malformed comparison: {line} (unknown operator {}; use =, !=, > or <)",
                go_quote(other)
            )))
        }
    };
    Ok(Compare { result, target, key, range_end: Vec::new() })
}

/// `parseRequestUnion`: a `put`, `get` or `del` with that command's flags only.
pub fn parse_op(line: &str) -> Result<RequestOp, ParseError> {
    op_from_tokens(&tokenize(line)?, line.trim())
}

fn op_from_tokens(tokens: &[Token], line: &str) -> Result<RequestOp, ParseError> {
    if tokens.len() < 2 {
        return Err(err(format!("invalid txn compare request: {line}")));
    }
    let invalid = || err(format!("invalid txn request: {line}"));
    let word = tokens[0].text.as_str();
    if !matches!(word, "put" | "get" | "del") || tokens[0].text.is_empty() {
        return Err(invalid());
    }
    let sp = flags::split(&tokens[1..], local_flags(word), false).map_err(|_| invalid())?;
    // The op commands are built afresh inside etcdctl, without the persistent flags.
    if sp.seen.iter().any(|s| GLOBAL.iter().any(|g| g.long == s.def.long)) {
        return Err(invalid());
    }
    Ok(match word {
        "put" => RequestOp::Put(etcd::put(&sp)?),
        "get" => RequestOp::Range(etcd::get(&sp)?),
        _ => RequestOp::DeleteRange(etcd::del(&sp)?),
    })
}

/// Reads etcdctl's stdin txn body one line at a time, as the console receives it.
/// After an `Err` the transaction is abandoned (etcdctl exits); lines after the third
/// blank line are ignored, as etcdctl never reads them.
#[derive(Clone, Debug, Default)]
pub struct TxnBuilder {
    /// 0 compares, 1 success ops, 2 failure ops, 3 complete.
    section: u8,
    request: TxnRequest,
}

impl TxnBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// etcdctl's `txn -i` prompt for the section being read; `None` once complete.
    pub fn prompt(&self) -> Option<&'static str> {
        match self.section {
            0 => Some("compares:"),
            1 => Some("success requests (get, put, del):"),
            2 => Some("failure requests (get, put, del):"),
            _ => None,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.section >= 3
    }

    /// Feeds one line; returns the request when this line completed it.
    pub fn push_line(&mut self, line: &str) -> Result<Option<TxnRequest>, ParseError> {
        if self.is_complete() {
            return Ok(None);
        }
        let line = line.trim();
        if line.is_empty() {
            self.section += 1;
            return Ok(self.is_complete().then(|| self.request.clone()));
        }
        match self.section {
            0 => self.request.compare.push(parse_compare(line)?),
            1 => self.request.success.push(parse_op(line)?),
            _ => self.request.failure.push(parse_op(line)?),
        }
        Ok(None)
    }

    /// The request so far, with any sections not yet ended taken as ended.
    pub fn finish(self) -> TxnRequest {
        self.request
    }
}

/// A whole stdin body. Missing trailing blank lines are accepted as if the input ended
/// them (etcdctl says `Error: EOF`, which tells a console user nothing).
pub fn parse_txn_body(lines: &[&str]) -> Result<TxnRequest, ParseError> {
    let mut b = TxnBuilder::new();
    for line in lines {
        // A pasted block may arrive as one string; etcdctl reads it line by line.
        for part in line.split('\n') {
            if let Some(done) = b.push_line(part)? {
                return Ok(done);
            }
        }
    }
    Ok(b.finish())
}

const ONE_LINE_EXAMPLE: &str = r#"e.g. txn 'mod("x") > "0"' then 'put x 10' else 'put x 0'"#;

/// A quoted word like `'put x 10'` holds a whole op.
fn is_packed_op(tok: &Token) -> bool {
    tok.quoted
        && ["put", "get", "del"]
            .iter()
            .any(|w| tok.text.strip_prefix(w).is_some_and(|r| r.starts_with(char::is_whitespace)))
}

/// The one-line form: `txn CMP... then OP... [else OP...]` (see `Command`).
pub(crate) fn one_line(args: &[Token]) -> Result<TxnRequest, ParseError> {
    if !args.iter().any(|t| !t.quoted && t.text == "then") {
        return Err(ParseError::new(format!("Error: a one-line txn needs \"then\", {ONE_LINE_EXAMPLE}")));
    }
    let mut req = TxnRequest::default();
    let mut section = 0u8;
    let mut ops: [Vec<Vec<Token>>; 2] = [Vec::new(), Vec::new()];
    for tok in args {
        let keyword = (!tok.quoted).then_some(tok.text.as_str());
        match keyword {
            Some("then") if section == 0 => section = 1,
            Some("else") if section == 1 => section = 2,
            Some(k @ ("then" | "else")) => {
                return Err(ParseError::at(
                    format!("Error: unexpected \"{k}\" in txn: write CMP... then OP... else OP..., {ONE_LINE_EXAMPLE}"),
                    tok.col,
                ))
            }
            _ if section == 0 => {
                // The shell already ate the quotes of an unquoted `mod("x") > "0"`.
                if !tok.text.contains(['"', '`']) {
                    return Err(ParseError::at(
                        format!("Error: quote each txn comparison as one word, {ONE_LINE_EXAMPLE}"),
                        tok.col,
                    ));
                }
                req.compare.push(parse_compare(&tok.text)?);
            }
            _ => {
                let list = &mut ops[usize::from(section - 1)];
                if is_packed_op(tok) {
                    let mut inner = tokenize(&tok.text)?;
                    for t in &mut inner {
                        t.col = tok.col;
                    }
                    list.push(inner);
                } else if keyword.is_some_and(|k| matches!(k, "put" | "get" | "del")) {
                    list.push(vec![tok.clone()]);
                } else if let Some(current) = list.last_mut() {
                    current.push(tok.clone());
                } else {
                    return Err(ParseError::at(
                        format!("Error: a txn op starts with put, get or del, got {}", go_quote(&tok.text)),
                        tok.col,
                    ));
                }
            }
        }
    }
    let [success, failure] = ops;
    for (tokens, out) in [(success, &mut req.success), (failure, &mut req.failure)] {
        for op in tokens {
            let text: Vec<&str> = op.iter().map(|t| t.text.as_str()).collect();
            out.push(op_from_tokens(&op, &text.join(" "))?);
        }
    }
    Ok(req)
}
