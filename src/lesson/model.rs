//! The parsed form of a lesson file: what the parser produces and the player consumes.
//!
//! Contract: every line the player runs carries the `Pos` it came from, so a failure at run
//! time names `file:line:col` just as a failure at check time does. Nothing here refers to
//! a live cluster: a `Lesson` is plain data (serde), the same natively and in the browser.

use serde::{Deserialize, Serialize};

use crate::engine::ClusterConfig;

use super::cond::Cond;

/// A place in a lesson file, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "beginner" => Some(Level::Beginner),
            "intermediate" => Some(Level::Intermediate),
            "advanced" => Some(Level::Advanced),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// The front matter, minus the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Shared by the translations of one lesson; `(id, language)` names a file.
    pub id: String,
    /// Place in the course (1…18), which orders the index.
    pub number: u32,
    pub title: String,
    /// `en` or `zh`.
    pub language: String,
    pub summary: String,
    pub minutes: u32,
    pub level: Level,
    pub prerequisites: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    /// Where it was read from, for error messages (`lessons/en/01-born.md`).
    pub file: String,
    pub meta: Meta,
    pub cluster: ClusterConfig,
    /// Markdown before the first step.
    pub intro: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    pub pos: Pos,
    /// The step's Markdown before its first `lab` block.
    pub narration: String,
    /// Markdown after a `lab` block: (n, text) is shown once the step's first n items are
    /// done, so the comment on an answer never shows before the question.
    pub notes: Vec<(usize, String)>,
    pub items: Vec<Item>,
}

/// One thing a step does, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Item {
    /// A console line (etcdctl or lab words), sent to `endpoint` when the line said
    /// `on <node>: …`.
    Action { line: String, endpoint: Option<NodeName>, pos: Pos },
    /// `wait 2s`: let simulated time pass.
    Pause { ms: u64, pos: Pos },
    /// `wait until <cond> within <duration>`.
    WaitUntil { cond: Cond, within_ms: u64, pos: Pos },
    /// `expect <cond>`.
    Expect { cond: Cond, pos: Pos },
    /// A question asked before the lab shows the answer.
    Predict(Predict),
    /// The learner acts; the headless runner performs `solution` instead.
    YourTurn(YourTurn),
}

impl Item {
    pub fn pos(&self) -> Pos {
        match self {
            Item::Action { pos, .. }
            | Item::Pause { pos, .. }
            | Item::WaitUntil { pos, .. }
            | Item::Expect { pos, .. } => *pos,
            Item::Predict(p) => p.pos,
            Item::YourTurn(y) => y.pos,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Predict {
    pub question: String,
    pub options: Vec<String>,
    /// Index into `options` of the right answer.
    pub answer: usize,
    pub explain: String,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YourTurn {
    pub task: String,
    pub goal: Cond,
    /// How long the headless runner waits for the goal after the solution.
    pub within_ms: u64,
    /// Shown after this many seconds of wall-clock time in the browser.
    pub hints: Vec<(u64, String)>,
    pub solution: Vec<Item>,
    pub pos: Pos,
}

/// A node as a lesson names it; symbolic names resolve when the line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeName {
    Id(u64),
    Leader,
    /// The lowest-numbered live follower.
    AFollower,
    /// The node that led before the current leader; with no leader now, the last one seen.
    OldLeader,
    None,
}

impl NodeName {
    /// `n1`…`n9`, `leader`, `a follower`, `the old leader` or `none`.
    pub fn parse(s: &str) -> Option<NodeName> {
        match s {
            "leader" => Some(NodeName::Leader),
            "a follower" => Some(NodeName::AFollower),
            "the old leader" => Some(NodeName::OldLeader),
            "none" => Some(NodeName::None),
            _ => {
                let d = s.strip_prefix('n')?;
                match d.parse::<u64>() {
                    Ok(id @ 1..=9) if !d.starts_with(['0', '+']) => Some(NodeName::Id(id)),
                    _ => None,
                }
            }
        }
    }
}

impl std::fmt::Display for NodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeName::Id(id) => write!(f, "n{id}"),
            NodeName::Leader => f.write_str("leader"),
            NodeName::AFollower => f.write_str("a follower"),
            NodeName::OldLeader => f.write_str("the old leader"),
            NodeName::None => f.write_str("none"),
        }
    }
}
