//! Lessons: Markdown files whose `lab` blocks script the cluster, with checks that keep
//! the narration honest.
//!
//! Contract: `parse` turns a file into a `Lesson` or into every error it holds, each a
//! `LessonError`: `file:line:col` and a typed `LessonProblem` (`error.rs`); a `Lesson` that parsed has no unknown command, bad condition or
//! unreachable node name left to find at run time. `Player` plays a lesson against a
//! `ui::Lab`, the same way headless (`run`) and in the browser. `markdown::to_html` renders
//! narration with any HTML the file holds made inert.
//!
//! Layout: `model` (the parsed form), `error` (what can be wrong), `cond` (the condition language) and `eval` (its
//! values in a running cluster), `parse` (a file into steps), `front` (its front matter),
//! `lab_lines` (the lines of its `lab` blocks), `player` (running a step), `run` (headless
//! reports), `markdown` (safe HTML), `index` (the lesson list the site builds).

pub mod cond;
mod error;
mod eval;
mod front;
pub mod index;
mod lab_lines;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod player;
pub mod run;

pub use model::{Item, Lesson, NodeName, Pos, Step};
pub use parse::{parse, LessonError, LessonProblem};
pub use player::{Mark, Mode, Player, Status};
