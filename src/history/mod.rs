//! Client histories and their linearizability.
//!
//! Contract: a `History` is what clients saw: each operation's invocation and response
//! times (simulated ms) and its result, with no knowledge of the cluster's insides.
//! `check::linearizable` decides whether some order of the operations, each taking effect
//! at one instant between its invocation and its response, explains every result under a
//! key-value model; if not, it names the operation that cannot be placed. `record::of`
//! reads a history from a cluster's trace; `report` puts the outcome in words.
//!
//! Layout: this file (the types and the model), `check` (the search, Wing–Gong with
//! Lowe's memoization, as Porcupine does it, partitioned per key), `record` (from a trace),
//! `report` (the verdict and the console's `history` text).

pub mod check;
pub mod record;
pub mod report;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A key's state in the model: its value and version (puts since it was created), or
/// absent.
pub type KeyState = Option<(String, i64)>;

/// One client operation on one key, as the model knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    Put {
        key: String,
        value: String,
    },
    Get {
        key: String,
    },
    Delete {
        key: String,
    },
    /// A compare-and-swap txn on one key: `if value == expect` (None: the key is absent)
    /// `then put new`, else nothing.
    Cas {
        key: String,
        expect: Option<String>,
        new: String,
    },
}

impl Input {
    pub fn key(&self) -> &str {
        match self {
            Input::Put { key, .. } | Input::Get { key } | Input::Delete { key } | Input::Cas { key, .. } => key,
        }
    }
}

/// What the client got back. `Unknown` is a timeout or a lost reply: the operation may or
/// may not have taken effect, at any time after its invocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    Ok,
    Value(Option<String>),
    Deleted(i64),
    Swapped(bool),
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    /// Who issued it (the endpoint's node id in the lab: one client per endpoint).
    pub client: u64,
    pub call_ms: u64,
    /// `None` when no answer came (then it may take effect at any later time).
    pub return_ms: Option<u64>,
    pub input: Input,
    pub output: Output,
    /// What the op was, in etcdctl's words, for reports.
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub ops: Vec<Op>,
}

/// Applies `input` to a key's state; `None` when `output` cannot have come from it.
pub fn step(state: &KeyState, input: &Input, output: &Output) -> Option<KeyState> {
    let unknown = *output == Output::Unknown;
    match input {
        Input::Put { value, .. } => {
            (unknown || *output == Output::Ok).then(|| Some((value.clone(), state.as_ref().map_or(1, |(_, v)| v + 1))))
        }
        Input::Get { .. } => {
            let now = state.as_ref().map(|(v, _)| v.clone());
            (unknown || *output == Output::Value(now)).then(|| state.clone())
        }
        Input::Delete { .. } => {
            let n = i64::from(state.is_some());
            (unknown || *output == Output::Deleted(n)).then_some(None)
        }
        Input::Cas { expect, new, .. } => {
            let now = state.as_ref().map(|(v, _)| v.clone());
            let swap = now == *expect;
            if !unknown && *output != Output::Swapped(swap) {
                return None;
            }
            Some(if swap { Some((new.clone(), state.as_ref().map_or(1, |(_, v)| v + 1))) } else { state.clone() })
        }
    }
}

impl History {
    /// The operations on each key, in key order.
    pub fn by_key(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut out: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in self.ops.iter().enumerate() {
            out.entry(op.input.key()).or_default().push(i);
        }
        out
    }
}

/// Building blocks for histories in tests (the checker's and the panel layout's).
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Input, Op, Output};

    pub fn op(client: u64, call: u64, ret: Option<u64>, input: Input, output: Output) -> Op {
        Op { client, call_ms: call, return_ms: ret, label: format!("{input:?}"), input, output }
    }
    pub fn put(k: &str, v: &str) -> Input {
        Input::Put { key: k.into(), value: v.into() }
    }
    pub fn get(k: &str) -> Input {
        Input::Get { key: k.into() }
    }
    pub fn val(v: &str) -> Output {
        Output::Value(Some(v.into()))
    }
}
