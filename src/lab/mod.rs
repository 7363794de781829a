//! The lab: one session over one run, as every front end drives it. The browser, the lesson
//! player, the CLI's fuzz and bench commands and the oracle all use it, so it sits below
//! them and above the console.
//!
//! Contract: everything here is plain Rust with no browser types, built and tested natively.
//! A run changes only through engine `Action`s (or console lines, which become actions), so
//! the action list is the whole run; `share` turns that run into a link and back, and
//! `course` reads how a course or an embed asks the lab to start. Layout: `timeline` (play,
//! step, step back, seek, and the notes the panels draw from), `safety` (Raft's safety
//! properties checked after everything the lab applies), `share` (the share-URL codec),
//! `course` (URL parameters, the origin allowlist, the `postMessage` protocol), `live` (the
//! words `raftlab live` and its page speak).
//! Failures are typed: `LabError` (which operation, wrapping the engine's `ActionError`),
//! `share::DecodeError` and `course::CommandError`, each with the text the page shows.

pub mod course;
pub mod live;
pub mod safety;
pub mod share;
mod timeline;

pub use timeline::{Lab, LabError, Notes, Said, StepKind, CHECKPOINT_LAG_MS, IDLE_BUDGET, PLAY_SLICE_MS};
