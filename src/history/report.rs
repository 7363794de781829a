//! A checked history in words: the verdict line and the console report of `history`.
//!
//! Contract: plain deterministic text, the same in the console, the site's history panel
//! and lesson checks (`expect output contains "NOT linearizable"`): a verdict that starts
//! with `linearizable:`, `NOT linearizable:`, `undecided:` or `no operations yet`, and for a
//! violation each operation of the key's longest order, then the one that cannot come
//! next. Nothing here decides anything: it only words what `check` found.

use super::check::{Checked, Violation};
use super::{History, Input, Op, Output};

/// What the client got back, as etcdctl would show it (a missing key reads as `(none)`,
/// since etcdctl prints nothing at all).
pub fn result_words(out: &Output) -> String {
    match out {
        Output::Ok => "OK".into(),
        Output::Value(Some(v)) => v.clone(),
        Output::Value(None) => "(none)".into(),
        Output::Deleted(n) => n.to_string(),
        Output::Swapped(true) => "SUCCESS".into(),
        Output::Swapped(false) => "FAILURE".into(),
        Output::Unknown => "no answer".into(),
    }
}

/// `get x → 1`.
pub fn op_words(op: &Op) -> String {
    format!("{} → {}", op.label, result_words(&op.output))
}

/// Whether the operation that cannot be placed is a read of a value the order had already
/// overwritten: the classic stale read, worth its own name.
pub fn is_stale_read(h: &History, v: &Violation) -> bool {
    let Some(op) = h.ops.get(v.op) else { return false };
    let (Input::Get { .. }, Output::Value(Some(seen))) = (&op.input, &op.output) else { return false };
    let writes: Vec<&str> = v
        .prefix
        .iter()
        .filter_map(|&i| match &h.ops.get(i)?.input {
            Input::Put { value, .. } | Input::Cas { new: value, .. } => Some(value.as_str()),
            _ => None,
        })
        .collect();
    writes.iter().any(|w| w == seen) && writes.last() != Some(&seen.as_str())
}

/// Why the op cannot be placed, in a few words (for the bar's note).
pub fn why(h: &History, v: &Violation) -> &'static str {
    if is_stale_read(h, v) {
        "stale read"
    } else {
        "no order explains its result"
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line verdict.
pub fn verdict(h: &History, checked: &Result<Checked, Violation>) -> String {
    if h.ops.is_empty() {
        return "no operations yet: nothing to check".into();
    }
    let keys = h.by_key().len();
    let size = format!("{} on {}", count(h.ops.len(), "operation", "operations"), count(keys, "key", "keys"));
    match checked {
        Ok(c) if c.gave_up.is_empty() => format!("linearizable: {size}"),
        Ok(c) => format!(
            "undecided: {size}; the search gave up on key {} (too many unanswered operations)",
            c.gave_up.join(", ")
        ),
        Err(v) => {
            let Some(op) = h.ops.get(v.op) else { return format!("NOT linearizable: key {}", v.key) };
            let what = match op.input {
                Input::Get { .. } => "returned a value no order allows",
                _ => "has a result no order allows",
            };
            let stale = if is_stale_read(h, v) { " (a stale read)" } else { "" };
            format!("NOT linearizable: key {}, {} {what}{stale}", v.key, op_words(op))
        }
    }
}

/// `n3 3012-3045ms`, or `n3 3012ms-?` with no answer.
fn when(op: &Op) -> String {
    match op.return_ms {
        Some(r) => format!("n{} {}-{r}ms", op.client, op.call_ms),
        None => format!("n{} {}ms-?", op.client, op.call_ms),
    }
}

/// What the console's `history` prints: the verdict, and for a violation the key's order
/// up to the operation that cannot come next.
pub fn report(h: &History, checked: &Result<Checked, Violation>) -> String {
    let mut out = verdict(h, checked);
    out.push('\n');
    if let Err(v) = checked {
        out.push_str(&format!("order of {} that could be placed:\n", v.key));
        if v.prefix.is_empty() {
            out.push_str("  (none)\n");
        }
        for (k, &i) in v.prefix.iter().enumerate() {
            if let Some(op) = h.ops.get(i) {
                out.push_str(&format!("  {}. {}  ({})\n", k + 1, op_words(op), when(op)));
            }
        }
        if let Some(op) = h.ops.get(v.op) {
            out.push_str(&format!("cannot be placed next: {}  ({}): {}\n", op_words(op), when(op), why(h, v)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::check::linearizable;

    fn op(client: u64, call: u64, ret: Option<u64>, label: &str, input: Input, output: Output) -> Op {
        Op { client, call_ms: call, return_ms: ret, input, output, label: label.into() }
    }

    fn put(v: &str) -> Input {
        Input::Put { key: "x".into(), value: v.into() }
    }

    fn get() -> Input {
        Input::Get { key: "x".into() }
    }

    #[test]
    fn a_linearizable_history_is_counted() {
        let h = History {
            ops: vec![
                op(1, 0, Some(10), "put x 1", put("1"), Output::Ok),
                op(2, 20, Some(30), "get x", get(), Output::Value(Some("1".into()))),
                op(2, 40, Some(50), "get y", Input::Get { key: "y".into() }, Output::Value(None)),
            ],
        };
        let c = linearizable(&h);
        assert_eq!(report(&h, &c), "linearizable: 3 operations on 2 keys\n");
        assert_eq!(verdict(&History::default(), &Ok(Checked::default())), "no operations yet: nothing to check");
    }

    #[test]
    fn a_stale_read_is_named_with_the_order_before_it() {
        let h = History {
            ops: vec![
                op(2, 0, Some(10), "put x 1", put("1"), Output::Ok),
                op(3, 20, Some(30), "put x 3", put("3"), Output::Ok),
                op(1, 40, Some(41), "get x --consistency=s", get(), Output::Value(Some("1".into()))),
                op(2, 50, None, "put x 4", put("4"), Output::Unknown),
            ],
        };
        let c = linearizable(&h);
        assert_eq!(
            report(&h, &c),
            "NOT linearizable: key x, get x --consistency=s → 1 returned a value no order allows (a stale read)\n\
             order of x that could be placed:\n  \
             1. put x 1 → OK  (n2 0-10ms)\n  \
             2. put x 3 → OK  (n3 20-30ms)\n\
             cannot be placed next: get x --consistency=s → 1  (n1 40-41ms): stale read\n"
        );
    }

    #[test]
    fn a_value_never_written_is_not_called_stale() {
        let h = History { ops: vec![op(1, 0, Some(5), "get x", get(), Output::Value(Some("9".into())))] };
        let c = linearizable(&h);
        assert_eq!(
            report(&h, &c),
            "NOT linearizable: key x, get x → 9 returned a value no order allows\n\
             order of x that could be placed:\n  (none)\n\
             cannot be placed next: get x → 9  (n1 0-5ms): no order explains its result\n"
        );
    }
}
