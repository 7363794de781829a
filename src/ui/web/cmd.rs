//! What the page can ask of the model, and what a command asks of the page in return.
//!
//! Contract: commands carry domain values (a line, a node, a time, a config), never DOM
//! events; an `Effect` is the one way the model reaches the UI state or the network.

use crate::engine::{Action, ClusterConfig, NodeId};
use crate::lab::StepKind;

use super::state::UiAction;

/// What the page can ask of the lab.
pub enum Cmd {
    /// One frame of play.
    Frame,
    TogglePlay,
    /// log10 of the speed, -2 (0.01×) to 2 (100×).
    Speed(f64),
    /// A step button: the clock pauses first.
    Step(StepKind),
    StepBack,
    /// A step key: the clock keeps its play state, as it always has.
    KeyStep(StepKind),
    KeyStepBack,
    Seek(u64),
    /// A console line run on the learner's behalf (buttons, keys, links in the picture).
    Line(String),
    /// A line typed at the prompt with this endpoint chosen.
    Typed {
        line: String,
        endpoint: NodeId,
    },
    Act(Action),
    CopyLink,
    ExportTrace,
    ExportSvg,
    /// A setting being typed.
    Draft(ClusterConfig),
    /// A changed setting: a new run starts with it.
    Settings(ClusterConfig),
    NewRun,
    /// The tab was hidden (true) or shown again.
    Visibility(bool),
    /// The same drop rate (percent) on every link.
    DropAll(u32),
    /// A dragged node let go at this point of the picture.
    Drop {
        node: NodeId,
        at: (f64, f64),
    },
    /// What the URL asked for at start: a lesson, a lesson file, or the lessons page.
    OpenFromUrl,
    OpenLessons,
    /// A built-in lesson: id, language, 0-based step.
    OpenLesson(String, String, usize),
    /// Back to the free lab.
    CloseLesson,
    /// The home page: back to it (the run pauses), or out through one of its doors.
    GoHome,
    LeaveHome(Door),
    LessonNext,
    LessonBack,
    LessonRestart,
    Answer(usize),
    ShowMe,
    FilterLang(String),
    FilterLevel(String),
    /// A message from the embedding page (already origin-checked), as JSON.
    Course(String),
    /// A lesson file fetched: its path or URL, its text or why not, the step to open, and
    /// whether it is one of the site's own lessons.
    LessonFetched(String, Result<String, String>, usize, bool),
}

/// The home page's doors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    FirstLesson,
    Lab,
    Lessons,
}

/// What a command asks of the rest of the page.
pub enum Effect {
    Ui(UiAction),
    /// Fetch a lesson file, then `Cmd::LessonFetched`.
    Fetch {
        url: String,
        step: usize,
        builtin: bool,
    },
}
