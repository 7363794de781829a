//! Why a lesson file did not load: `LessonError` is one problem at `file:line:col`, and
//! its `problem` says what, one variant per rule the checker enforces.
//!
//! Contract: `LessonError`'s `Display` is `file:line:col: <problem>`, byte for byte what
//! `raftlab lesson check`, the browser's loader and the lesson tests have always shown.
//! Code that reacts to a problem matches the variant; the browser translates by variant
//! (`ui::error_text`). A variant carries the values its sentence names. Where the detail is
//! another parser's free text (TOML, the console grammar), it is kept as text.

use super::cond::CondProblem;
use super::model::NodeName;
use crate::engine::ConfigError;

/// One problem in a lesson file, where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {problem}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    #[source]
    pub problem: LessonProblem,
}

/// What is wrong at a place in a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LessonProblem {
    // ---- the file's shape ----
    #[error("expected front matter: the file must start with a line \"+++\"")]
    NoFrontMatter,
    #[error("front matter is not closed: add a line \"+++\" after it")]
    FrontMatterNotClosed,
    #[error("expected at least one step: a \"## \" heading")]
    NoSteps,
    #[error("a lesson needs at least one predict: or your-turn: step, so the learner does something")]
    NothingToDo,
    /// A fenced block with no closing fence (which fence: ``` or ~~~).
    #[error("code block is not closed: add a line {fence}")]
    CodeBlockNotClosed { fence: String },
    #[error("a lab block must be inside a step: put a \"## \" heading before it")]
    LabOutsideStep,

    // ---- front matter ----
    /// basic-toml could not read the front matter into its fields (its own text, without
    /// its position, which the error's place gives).
    #[error("front matter: {0}")]
    FrontMatter(String),
    #[error("id must be lowercase letters, digits and -, got {0:?}")]
    BadId(String),
    #[error("language must be \"en\" or \"zh\", got {0:?}")]
    BadLanguage(String),
    #[error("level must be \"beginner\", \"intermediate\" or \"advanced\", got {0:?}")]
    BadLevel(String),
    #[error("title must not be empty")]
    EmptyTitle,
    #[error("minutes must be 1 to 240, got {0}")]
    BadMinutes(u32),
    /// The `[cluster]` table's settings are out of range.
    #[error("[cluster]: {0}")]
    Cluster(#[source] ConfigError),

    // ---- predict: and your-turn: groups ----
    #[error("answer: expected the number of the right option (1, 2, …), found {0:?}")]
    BadAnswer(String),
    /// `option:`, `answer:` or `explain:` with no `predict:` above it.
    #[error("{0}: belongs to a predict: question; put it after one")]
    OutsidePredict(String),
    /// `goal:` or `solution:` with no `your-turn:` above it.
    #[error("{0}: belongs to a your-turn: task; put it after one")]
    OutsideYourTurn(String),
    #[error("predict: needs at least two option: lines after it")]
    TooFewOptions,
    #[error("predict: needs an answer: line giving the number of the right option")]
    NoAnswer,
    /// `answer` is 1-based, as written.
    #[error("predict: answer {answer} but there are only {options} options")]
    AnswerOutOfRange { answer: usize, options: usize },
    #[error("your-turn: needs a goal: line, the condition the learner must make true")]
    NoGoal,
    #[error("your-turn: needs at least one solution: line for the headless runner")]
    NoSolution,

    // ---- durations and waits ----
    /// A `within` or `wait` duration that does not read.
    #[error(transparent)]
    Duration(DurationError),
    /// A `hint 20s:` delay that does not read.
    #[error("hint: {0}")]
    HintDelay(#[source] DurationError),
    /// `wait <duration>` whose duration does not read (it may have meant `wait until`).
    #[error("{0} (or: wait until <condition> within <duration>)")]
    Wait(#[source] DurationError),
    #[error("wait until needs a limit: wait until <condition> within <duration>")]
    WaitNeedsLimit,

    // ---- conditions, nodes and console lines ----
    /// A condition that does not parse or type-check.
    #[error("bad condition: {0}")]
    BadCondition(#[source] CondProblem),
    /// A node named before the file has it (`max` is the highest node there).
    #[error("n{id} does not exist here: the cluster has n1 to n{max} at this point (add members with member add)")]
    NoSuchNodeYet { id: u64, max: u64 },
    #[error("on: expected a node (n1…n9, leader, a follower or the old leader), found {0:?}")]
    BadOnNode(String),
    #[error(transparent)]
    Variable(VarError),
    /// A line the console's grammar refuses (the console parser's text).
    #[error("unknown or bad command: {0}")]
    BadCommand(String),
    #[error("a lesson cannot type into txn's prompts: use the one-line form, txn <compares> then <ops> else <ops>")]
    TxnPrompt,
}

/// A lesson duration (the console's grammar: `500ms`, `2s`, `1m30s`, bare ms) that does not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a duration in that grammar (the text as written).
    #[error("expected a duration such as 500ms, 2s or 1m, found {0:?}")]
    Malformed(String),
    /// Longer than `MAX_WAIT_MS` (the text as written).
    #[error("{0} is longer than a lesson may wait (1 hour)")]
    TooLong(String),
}

/// A `$` in a lesson line that is not one of its variables.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VarError {
    #[error("$member( is not closed: write $member(n4)")]
    MemberNotClosed,
    /// `$member(…)` around something that is not a node id (the text inside).
    #[error("$member takes a node such as n4, found {0:?}")]
    MemberArg(String),
    #[error("unknown variable: a lesson line may use $lease, $member(nK) or $$ for a $")]
    Unknown,
}

/// Why `expand` could not fill in a line: the line's own `$` syntax, or the caller's
/// reason that a well-formed variable has no value (`E`, whatever the caller reports).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpandError<E> {
    Syntax(VarError),
    Value(E),
}

impl<E: std::fmt::Display> std::fmt::Display for ExpandError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpandError::Syntax(e) => e.fmt(f),
            ExpandError::Value(e) => e.fmt(f),
        }
    }
}

/// A symbolic node (`the old leader`, `a follower`) that names no node when its line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" names no node right now")]
pub struct NamesNoNode(pub &'static str);

/// Why a condition's value cannot be read in the running cluster right now. Not a fault
/// in the lesson: the check simply does not hold, and this is the detail it shows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// `none`, where a node is needed to read from.
    #[error("{0} names no node")]
    NamesNoNode(NodeName),
    #[error("n{0} is not a member")]
    NotMember(u64),
    #[error("n{0} is not in the cluster")]
    NotInCluster(u64),
    #[error("there is no leader right now")]
    NoLeader,
    #[error("there has been no earlier leader")]
    NoEarlierLeader,
    #[error("no live node is a follower right now")]
    NoFollower,
    #[error("every node is down")]
    AllDown,
    #[error("n{0} is dead, so its store cannot be read")]
    Dead(u64),
    #[error("n{0} has no store")]
    NoStore(u64),
}

/// Why the player could not go back to a step.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RewindError {
    /// The step (1-based) has not started yet, so there is no time to go back to.
    #[error("step {0} has not been reached")]
    NotReached(usize),
    /// The lab could not replay to the step's start.
    #[error(transparent)]
    Lab(#[from] crate::lab::LabError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::parse::{duration_ms, expand, parse, substitute, Var};

    const FRONT: &str = "+++\nid = \"t\"\nnumber = 1\ntitle = \"T\"\nlanguage = \"en\"\nsummary = \"s\"\nminutes = 5\nlevel = \"beginner\"\n\n[cluster]\nnodes = 3\nseed = 1\n+++\n";

    /// A lesson whose one step's lab block is `lab`, with a predict so it has something to do.
    fn lesson(lab: &str) -> String {
        format!("{FRONT}\n## Step\n\n```lab\npredict: Q?\noption: a\noption: b\nanswer: 1\n{lab}\n```\n")
    }

    /// Each error as (line, col, variant, the text `lesson check` prints).
    fn problems(text: &str) -> Vec<(usize, usize, LessonProblem, String)> {
        match parse("t.md", text) {
            Ok(_) => Vec::new(),
            Err(errs) => errs.into_iter().map(|e| (e.line, e.col, e.problem.clone(), e.to_string())).collect(),
        }
    }

    #[test]
    fn the_files_shape() {
        assert_eq!(
            problems("hello"),
            vec![(
                1,
                1,
                LessonProblem::NoFrontMatter,
                "t.md:1:1: expected front matter: the file must start with a line \"+++\"".into()
            )]
        );
        assert_eq!(
            problems(FRONT),
            vec![(13, 1, LessonProblem::NoSteps, "t.md:13:1: expected at least one step: a \"## \" heading".into())]
        );
    }

    #[test]
    fn front_matter_values() {
        let text = lesson("").replace("minutes = 5", "minutes = 0").replace("nodes = 3", "nodes = 10");
        assert_eq!(
            problems(&text),
            vec![
                (7, 1, LessonProblem::BadMinutes(0), "t.md:7:1: minutes must be 1 to 240, got 0".into()),
                (
                    10,
                    1,
                    LessonProblem::Cluster(ConfigError::Nodes(10)),
                    "t.md:10:1: [cluster]: nodes must be 1 to 9, got 10".into()
                ),
            ]
        );
    }

    #[test]
    fn groups_durations_nodes_and_variables() {
        let p = |lab: &str| problems(&lesson(lab)).into_iter().map(|(_, _, p, t)| (p, t)).collect::<Vec<_>>();
        assert_eq!(
            p("goal: x"),
            vec![(
                LessonProblem::OutsideYourTurn("goal".into()),
                "t.md:22:1: goal: belongs to a your-turn: task; put it after one".into()
            )]
        );
        assert_eq!(
            p("wait 1 second"),
            vec![(
                LessonProblem::Wait(DurationError::Malformed("1 second".into())),
                "t.md:22:6: expected a duration such as 500ms, 2s or 1m, found \"1 second\" (or: wait until <condition> within <duration>)".into()
            )]
        );
        assert_eq!(
            p("kill n5"),
            vec![(
                LessonProblem::NoSuchNodeYet { id: 5, max: 3 },
                "t.md:22:6: n5 does not exist here: the cluster has n1 to n3 at this point (add members with member add)"
                    .into()
            )]
        );
        assert_eq!(
            p("get $nope"),
            vec![(
                LessonProblem::Variable(VarError::Unknown),
                "t.md:22:5: unknown variable: a lesson line may use $lease, $member(nK) or $$ for a $".into()
            )]
        );
        assert_eq!(
            p("txn -i"),
            vec![(
                LessonProblem::TxnPrompt,
                "t.md:22:1: a lesson cannot type into txn's prompts: use the one-line form, txn <compares> then <ops> else <ops>".into()
            )]
        );
    }

    #[test]
    fn durations_and_variables_on_their_own() {
        assert_eq!(duration_ms("2x"), Err(DurationError::Malformed("2x".into())));
        let long = duration_ms("61m").unwrap_err();
        assert_eq!(long, DurationError::TooLong("61m".into()));
        assert_eq!(long.to_string(), "61m is longer than a lesson may wait (1 hour)");
        let e = expand("get $member(x)", |_: Var| Ok::<_, String>(String::new())).unwrap_err();
        assert_eq!(e, (ExpandError::Syntax(VarError::MemberArg("x".into())), 4));
        assert_eq!(e.0.to_string(), "$member takes a node such as n4, found \"x\"");
        let e = expand("get $lease", |_: Var| Err::<String, _>("no lease yet".to_string())).unwrap_err();
        assert_eq!((e.0.to_string(), e.1), ("no lease yet".to_string(), 4));
        let e = substitute("kill the old leader", None, Some(2)).unwrap_err();
        assert_eq!(
            (e, e.to_string()),
            (NamesNoNode("the old leader"), "\"the old leader\" names no node right now".into())
        );
        assert_eq!(substitute("kill a follower", None, Some(2)), Ok("kill n2".to_string()));
    }
}
