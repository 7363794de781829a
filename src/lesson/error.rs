//! Why a lesson file did not load: `LessonError` is one problem at `file:line:col`, and
//! its `problem` says what, one variant per rule the checker enforces.
//!
//! Contract: `LessonError`'s `Display` is `file:line:col: <problem>`, byte for byte what
//! `raftlab lesson check`, the browser's loader and the lesson tests have always shown.
//! Code that reacts to a problem matches the variant; the browser translates by variant
//! (`ui::error_text`). A variant carries the values its sentence names. Where the detail is
//! another parser's free text (TOML, the console grammar, a condition), it is kept as text.

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
    /// A condition that does not parse or type-check (the condition parser's text).
    #[error("bad condition: {0}")]
    BadCondition(String),
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

/// A lesson duration (`500ms`, `2s`, `1.5s`, `2m`) that does not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a number followed by ms, s or m (the text as written).
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
