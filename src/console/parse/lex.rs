//! Words and numbers as a shell and Go's `strconv` see them: splitting a line into
//! shell-quoted tokens, and the integer and duration syntaxes etcdctl inherits from Go,
//! with Go's error texts (etcdctl prints them verbatim).
//!
//! Contract: total functions over any `&str`; errors are texts without the `Error: `
//! prefix, so callers can embed them the way etcdctl does.

use super::ParseError;

/// One shell word. `col` is the 1-based character column where it starts, for errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub text: String,
    pub col: usize,
    /// Some part was quoted or escaped: such a word is never a lab keyword like `then`.
    pub quoted: bool,
}

/// Splits like a POSIX shell without expansions: `'...'` is literal, `"..."` honours
/// `\"` and `\\`, a bare backslash escapes the next character, adjacent parts join.
pub(crate) fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().enumerate().peekable();
    let mut current: Option<Token> = None;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            tokens.extend(current.take());
            continue;
        }
        let tok = current.get_or_insert_with(|| Token { text: String::new(), col: i + 1, quoted: false });
        match c {
            '\'' => {
                tok.quoted = true;
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, ch)) => tok.text.push(ch),
                        None => return Err(unterminated('\'', i)),
                    }
                }
            }
            '"' => {
                tok.quoted = true;
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.peek() {
                            Some(&(_, e @ ('"' | '\\'))) => {
                                tok.text.push(e);
                                chars.next();
                            }
                            _ => tok.text.push('\\'),
                        },
                        Some((_, ch)) => tok.text.push(ch),
                        None => return Err(unterminated('"', i)),
                    }
                }
            }
            '\\' => {
                tok.quoted = true;
                match chars.next() {
                    Some((_, e)) => tok.text.push(e),
                    None => tok.text.push('\\'),
                }
            }
            _ => tok.text.push(c),
        }
    }
    tokens.extend(current);
    Ok(tokens)
}

fn unterminated(quote: char, index: usize) -> ParseError {
    ParseError::at(format!("Error: unterminated quote ({quote}) starting at column {}", index + 1), index + 1)
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 10, 16, or 0 (pflag's int flags:
/// `0x`, `0o`, `0b` and leading-`0` octal prefixes). Underscores are not accepted.
pub(crate) fn go_parse_int(s: &str, base: u32) -> Result<i64, String> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_magnitude(body, base).map_err(|e| go_num_err("ParseInt", s, e))?;
    let limit = if neg { i64::MIN.unsigned_abs() } else { i64::MAX as u64 };
    if magnitude > limit {
        return Err(go_num_err("ParseInt", s, NumErr::Range));
    }
    Ok(if neg { 0i64.wrapping_sub_unsigned(magnitude) } else { magnitude as i64 })
}

/// Go's `strconv.ParseUint(s, 16, 64)`, as etcdctl parses member ids.
pub(crate) fn go_parse_uint_hex(s: &str) -> Result<u64, String> {
    parse_magnitude(s, 16).map_err(|e| go_num_err("ParseUint", s, e))
}

enum NumErr {
    Syntax,
    Range,
}

fn go_num_err(func: &str, s: &str, e: NumErr) -> String {
    let what = match e {
        NumErr::Syntax => "invalid syntax",
        NumErr::Range => "value out of range",
    };
    format!("strconv.{func}: parsing {}: {what}", go_quote(s))
}

fn parse_magnitude(s: &str, base: u32) -> Result<u64, NumErr> {
    let (radix, digits) = if base == 0 {
        let lower = s.get(..2).map(str::to_ascii_lowercase);
        match lower.as_deref() {
            Some("0x") => (16, &s[2..]),
            Some("0o") => (8, &s[2..]),
            Some("0b") => (2, &s[2..]),
            _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
            _ => (10, s),
        }
    } else {
        (base, s)
    };
    if digits.is_empty() {
        return Err(NumErr::Syntax);
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or(NumErr::Syntax)?;
        match value.checked_mul(u64::from(radix)).and_then(|v| v.checked_add(u64::from(d))) {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    // Go reports a syntax error before a range error, so finish scanning digits first.
    if overflow {
        Err(NumErr::Range)
    } else {
        Ok(value)
    }
}

/// Go's `%q` / `strconv.Quote`, for echoing input inside etcdctl-style messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The lab's one duration grammar, for every duration a learner writes: the console's lab
/// commands (`run 2s`, `disk n1 200ms`, `latency 10ms 5ms`, `delay 12 300ms`),
/// `kube compactor 5m`, and lessons (`wait 2s`, `… within 5s`, `hint 20s:`). It is Go's
/// `time.ParseDuration` syntax (`1m30s`, `1.5s`, `500ms`, `2h`), and a bare number is
/// milliseconds. The value is exact nanoseconds, so that each caller keeps its own rule for
/// a fraction of a millisecond (the console refuses one, a lesson rounds it). Errors are
/// Go's texts (`time: …`), which each caller words for its reader.
pub(crate) fn lab_duration_ns(s: &str) -> Result<u128, String> {
    parse_duration_ns(s, BareNumber::Millis)
}

/// How a duration without a unit is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BareNumber {
    /// Go's `time.ParseDuration`: only "0" may omit the unit.
    GoRejects,
    /// The lab: a bare number is milliseconds.
    Millis,
}

/// Go's `time.ParseDuration` grammar (`1h2m3.5s`, units ns us µs ms s m h) into
/// nanoseconds. Negative values are not accepted: no caller has a use for them.
pub(crate) fn parse_duration_ns(s: &str, bare: BareNumber) -> Result<u128, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(s));
    if s.is_empty() {
        return Err(invalid());
    }
    if s == "0" {
        return Ok(0);
    }
    if bare == BareNumber::Millis && !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_decimal_scaled(s, 1_000_000).ok_or_else(invalid);
    }
    let mut rest = s;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..num_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: u128 = match unit {
            "" => return Err(format!("time: missing unit in duration {}", go_quote(s))),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {} in duration {}", go_quote(unit), go_quote(s))),
        };
        let part = parse_decimal_scaled(number, scale).ok_or_else(invalid)?;
        total = total.checked_add(part).ok_or_else(invalid)?;
    }
    if total > u128::from(u64::MAX) {
        return Err(invalid());
    }
    Ok(total)
}

/// `12.5` × scale, truncating digits below the scale, as Go does.
fn parse_decimal_scaled(number: &str, scale: u128) -> Option<u128> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return None;
    }
    let mut value: u128 = 0;
    for c in int.chars() {
        value = value.checked_mul(10)?.checked_add(u128::from(c.to_digit(10)?))?;
        // Bounds the loop's numbers long before u128 could overflow.
        if value > u128::from(u64::MAX) {
            return None;
        }
    }
    let mut total = value.checked_mul(scale)?;
    let mut unit = scale;
    for c in frac.chars() {
        let d = u128::from(c.to_digit(10)?);
        unit /= 10;
        total += d * unit;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_durations_accept_go_syntax_and_bare_milliseconds() {
        let ms = |s: &str| lab_duration_ns(s).map(|ns| ns / 1_000_000);
        for (text, want) in [
            ("500ms", 500),
            ("2s", 2_000),
            ("1.5s", 1_500),
            (".5s", 500),
            ("5.s", 5_000),
            ("2m", 120_000),
            ("1m30s", 90_000),
            ("1h", 3_600_000),
            ("250", 250),
            ("0", 0),
            ("1500000us", 1_500),
            ("2000000000ns", 2_000),
        ] {
            assert_eq!(ms(text), Ok(want), "{text}");
        }
        assert_eq!(lab_duration_ns("1.5"), Ok(1_500_000), "a bare number is ms, to the nanosecond");
        assert_eq!(lab_duration_ns("0.0015s"), Ok(1_500_000));
        assert_eq!(lab_duration_ns("1µs"), Ok(1_000));
    }

    #[test]
    fn lab_duration_errors_are_go_texts() {
        let err = |s: &str| lab_duration_ns(s).unwrap_err();
        assert_eq!(err(""), "time: invalid duration \"\"");
        assert_eq!(err("fast"), "time: invalid duration \"fast\"");
        assert_eq!(err("1 second"), "time: unknown unit \" second\" in duration \"1 second\"");
        assert_eq!(err("5x"), "time: unknown unit \"x\" in duration \"5x\"");
        assert_eq!(err("1s5"), "time: missing unit in duration \"1s5\"");
        assert_eq!(err("."), "time: invalid duration \".\"");
        assert_eq!(err("-1s"), "time: invalid duration \"-1s\"");
        assert_eq!(err("99999999999h"), "time: invalid duration \"99999999999h\"", "more than Go's 290 years");
        // Go itself wants a unit after anything but 0 (etcdctl's flags).
        assert_eq!(
            parse_duration_ns("250", BareNumber::GoRejects).unwrap_err(),
            "time: missing unit in duration \"250\""
        );
    }
}
