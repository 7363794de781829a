//! The linearizability search: Wing and Gong's algorithm with Lowe's memoization, the way
//! Porcupine implements it, run on each key's operations separately (single-key operations
//! on different keys commute, so the history is linearizable iff every key's is).
//!
//! Contract: `linearizable` returns, for each key, an order of its operations consistent
//! with real time (an op that returned before another was invoked comes first) under which
//! every result is what the model gives; or the first key whose operations admit none, with
//! the longest order found and the operation that could not come next. Deterministic: no
//! hash iteration, keys in order.

use std::collections::BTreeSet;

use super::{step, History, Input, KeyState, Output};

/// Why a history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub key: String,
    /// The operation (index into `History::ops`) that could not be placed after `prefix`.
    pub op: usize,
    /// The longest order of this key's operations that the search could build.
    pub prefix: Vec<usize>,
}

const NIL: usize = usize::MAX;

struct Node {
    /// Index into the key's operations.
    op: usize,
    is_call: bool,
    /// For a call, its return node.
    matching: usize,
    prev: usize,
    next: usize,
}

/// The search gives up on a key after this many steps (Porcupine has a timeout for the
/// same reason: many unanswered operations make the space exponential).
pub const SEARCH_BUDGET: u64 = 5_000_000;

/// What the search found: an order for each key it could decide, and the keys it gave up on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub orders: Vec<(String, Vec<usize>)>,
    pub gave_up: Vec<String>,
}

/// Orders per key, or the violation.
pub fn linearizable(h: &History) -> Result<Checked, Violation> {
    let mut out = Checked::default();
    for (key, ids) in h.by_key() {
        let ids = prune(h, ids);
        match check_key(h, &ids) {
            Ok(Some(order)) => out.orders.push((key.to_string(), order)),
            Ok(None) => out.gave_up.push(key.to_string()),
            Err((op, prefix)) => return Err(Violation { key: key.to_string(), op, prefix }),
        }
    }
    Ok(out)
}

/// Drops unanswered puts whose value no read saw, on keys with no delete or txn. Such a put
/// may or may not have taken effect; if it did, no read came between it and the next write
/// (none saw its value), so every order without it explains the results just as well. This
/// keeps the search small when a partition leaves many writes unanswered.
fn prune(h: &History, ids: Vec<usize>) -> Vec<usize> {
    let ops = |i: &usize| &h.ops[*i];
    if ids.iter().any(|i| matches!(ops(i).input, Input::Delete { .. } | Input::Cas { .. })) {
        return ids;
    }
    let seen: BTreeSet<&str> = ids
        .iter()
        .filter_map(|i| match &ops(i).output {
            Output::Value(Some(v)) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    ids.into_iter()
        .filter(|i| match (&ops(i).input, &ops(i).output) {
            (Input::Put { value, .. }, Output::Unknown) => seen.contains(value.as_str()),
            _ => true,
        })
        .collect()
}

/// `Ok(None)` when the budget ran out first.
fn check_key(h: &History, ids: &[usize]) -> Result<Option<Vec<usize>>, (usize, Vec<usize>)> {
    // Events: (time, returns after calls at the same instant, op, is_call). An op with no
    // answer returns at the end of time.
    let mut events: Vec<(u64, bool, usize, bool)> = Vec::with_capacity(ids.len() * 2);
    for (k, &i) in ids.iter().enumerate() {
        let op = &h.ops[i];
        events.push((op.call_ms, false, k, true));
        events.push((op.return_ms.unwrap_or(u64::MAX), true, k, false));
    }
    events.sort();
    // A doubly linked list of the events, with a head sentinel at index 0.
    let mut nodes: Vec<Node> = vec![Node { op: NIL, is_call: false, matching: NIL, prev: NIL, next: NIL }];
    let mut return_node = vec![NIL; ids.len()];
    for (_, _, k, is_call) in &events {
        let idx = nodes.len();
        let prev = idx - 1;
        nodes[prev].next = idx;
        nodes.push(Node { op: *k, is_call: *is_call, matching: NIL, prev, next: NIL });
        if !is_call {
            return_node[*k] = idx;
        }
    }
    for n in nodes.iter_mut().skip(1) {
        if n.is_call {
            n.matching = return_node[n.op];
        }
    }

    let words = ids.len().div_ceil(64);
    let mut done = vec![0u64; words];
    let mut state: KeyState = None;
    let mut seen: BTreeSet<(Vec<u64>, KeyState)> = BTreeSet::new();
    let mut stack: Vec<(usize, KeyState)> = Vec::new();
    let mut best: (usize, Vec<usize>, usize) = (0, Vec::new(), 0);
    let mut entry = nodes[0].next;
    let mut budget = SEARCH_BUDGET;
    while nodes[0].next != NIL {
        budget -= 1;
        if budget == 0 {
            return Ok(None);
        }
        // Walking forward from a call always meets its return first, so `entry` is never
        // NIL here; if it were, backing up is still the safe move.
        if entry != NIL && nodes[entry].is_call {
            let n = &nodes[entry];
            let op = &h.ops[ids[n.op]];
            if let Some(next) = step(&state, &op.input, &op.output) {
                set(&mut done, n.op, true);
                if seen.insert((done.clone(), next.clone())) {
                    stack.push((entry, std::mem::replace(&mut state, next)));
                    lift(&mut nodes, entry);
                    entry = nodes[0].next;
                    continue;
                }
                set(&mut done, n.op, false);
            }
            entry = nodes[entry].next;
        } else {
            // An operation returned that no order so far can place: back up.
            if stack.len() >= best.0 && entry != NIL {
                best = (stack.len(), stack.iter().map(|(e, _)| ids[nodes[*e].op]).collect(), ids[nodes[entry].op]);
            }
            let Some((call, prev_state)) = stack.pop() else {
                return Err((best.2, best.1));
            };
            set(&mut done, nodes[call].op, false);
            state = prev_state;
            unlift(&mut nodes, call);
            entry = nodes[call].next;
        }
    }
    Ok(Some(stack.iter().map(|(e, _)| ids[nodes[*e].op]).collect()))
}

fn set(bits: &mut [u64], i: usize, on: bool) {
    let (w, b) = (i / 64, i % 64);
    if on {
        bits[w] |= 1 << b;
    } else {
        bits[w] &= !(1 << b);
    }
}

/// Takes a call and its return out of the list (the op is placed).
fn lift(nodes: &mut [Node], call: usize) {
    for i in [call, nodes[call].matching] {
        let (p, n) = (nodes[i].prev, nodes[i].next);
        nodes[p].next = n;
        if n != NIL {
            nodes[n].prev = p;
        }
    }
}

/// Puts them back, in reverse order.
fn unlift(nodes: &mut [Node], call: usize) {
    for i in [nodes[call].matching, call] {
        let (p, n) = (nodes[i].prev, nodes[i].next);
        nodes[p].next = i;
        if n != NIL {
            nodes[n].prev = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::fixtures::{get, op, put, val};

    #[test]
    fn sequential_and_concurrent_histories_that_fit_are_accepted() {
        let h = History {
            ops: vec![
                op(1, 0, Some(10), put("x", "1"), Output::Ok),
                op(2, 20, Some(30), get("x"), val("1")),
                // Concurrent put and get: the get may see either value.
                op(1, 40, Some(60), put("x", "2"), Output::Ok),
                op(2, 45, Some(50), get("x"), val("1")),
                op(3, 45, Some(55), get("x"), val("2")),
                op(3, 70, Some(80), get("y"), Output::Value(None)),
            ],
        };
        let checked = linearizable(&h).unwrap();
        assert_eq!(checked.orders, vec![("x".into(), vec![0, 1, 3, 2, 4]), ("y".into(), vec![5])]);
        assert!(checked.gave_up.is_empty());
    }

    #[test]
    fn a_stale_read_is_rejected_and_named() {
        let h = History {
            ops: vec![
                op(1, 0, Some(10), put("x", "1"), Output::Ok),
                op(1, 20, Some(30), put("x", "2"), Output::Ok),
                // Invoked after put x 2 returned, yet it saw 1.
                op(2, 40, Some(50), get("x"), val("1")),
            ],
        };
        assert_eq!(linearizable(&h), Err(Violation { key: "x".into(), op: 2, prefix: vec![0, 1] }));
    }

    #[test]
    fn an_unanswered_write_may_take_effect_later_or_never() {
        let timed_out = op(1, 20, None, put("x", "2"), Output::Unknown);
        for seen in ["1", "2"] {
            let h = History {
                ops: vec![
                    op(1, 0, Some(10), put("x", "1"), Output::Ok),
                    timed_out.clone(),
                    op(2, 500, Some(510), get("x"), val(seen)),
                ],
            };
            assert!(linearizable(&h).is_ok(), "seeing {seen}");
        }
        // But once a read saw it, a later read cannot unsee it.
        let h = History {
            ops: vec![
                op(1, 0, Some(10), put("x", "1"), Output::Ok),
                timed_out,
                op(2, 500, Some(510), get("x"), val("2")),
                op(2, 600, Some(610), get("x"), val("1")),
            ],
        };
        assert_eq!(linearizable(&h).unwrap_err().op, 3);
    }

    #[test]
    fn compare_and_swap_lets_one_of_two_racers_win() {
        let cas = |v: &str| Input::Cas { key: "lock".into(), expect: None, new: v.into() };
        let ok = History {
            ops: vec![
                op(1, 0, Some(10), cas("a"), Output::Swapped(true)),
                op(2, 0, Some(10), cas("b"), Output::Swapped(false)),
                op(3, 20, Some(30), get("lock"), val("a")),
            ],
        };
        assert!(linearizable(&ok).is_ok());
        let both = History {
            ops: vec![
                op(1, 0, Some(10), cas("a"), Output::Swapped(true)),
                op(2, 0, Some(10), cas("b"), Output::Swapped(true)),
            ],
        };
        assert!(linearizable(&both).is_err(), "two winners of one lock");
        let deleted = History {
            ops: vec![
                op(1, 0, Some(10), put("k", "1"), Output::Ok),
                op(2, 20, Some(30), Input::Delete { key: "k".into() }, Output::Deleted(1)),
                op(3, 40, Some(50), Input::Delete { key: "k".into() }, Output::Deleted(1)),
            ],
        };
        assert_eq!(linearizable(&deleted).unwrap_err().op, 2);
    }

    #[test]
    fn unanswered_puts_nobody_saw_are_pruned_and_many_of_them_stay_cheap() {
        // 40 writes left unanswered by a partition, none of them ever read: the search must
        // not try their 2^40 subsets.
        let mut ops = vec![op(1, 0, Some(10), put("x", "1"), Output::Ok)];
        for i in 0..40 {
            ops.push(op(2, 20 + i, None, put("x", &format!("lost{i}")), Output::Unknown));
        }
        ops.push(op(3, 1000, Some(1010), get("x"), val("1")));
        let checked = linearizable(&History { ops }).unwrap();
        assert_eq!(checked.orders, vec![("x".into(), vec![0, 41])]);
    }

    #[test]
    fn many_concurrent_writers_are_searched_quickly() {
        // 12 clients, each writing its own value 20 times with overlapping windows, and
        // reads of the last value: memoization keeps this from blowing up.
        let mut ops = Vec::new();
        for round in 0..20u64 {
            for c in 0..12u64 {
                let t = round * 100;
                ops.push(op(c, t + c, Some(t + 50 + c), put("x", &format!("{c}-{round}")), Output::Ok));
            }
        }
        ops.push(op(99, 5000, Some(5010), get("x"), val("11-19")));
        let h = History { ops };
        assert!(linearizable(&h).is_ok());
    }
}
