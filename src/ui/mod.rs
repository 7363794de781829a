//! The browser lab's front end. `web` (wasm32 only) holds the Yew components and every DOM
//! call. The rest is what they need that is not drawing: the UI's words in each language and
//! the geometry of the cluster picture and the history panel. The lab model itself (play,
//! step, step back, share links) is `crate::lab`, one layer down.
//!
//! Contract: everything outside `web` is plain Rust with no browser types, so it builds and
//! is tested natively. Nothing here changes a cluster except through engine `Action`s.
//! Every decision a component makes that is not drawing lives out here: where a visit
//! starts (`entry`), the tour's steps (`tour`), what each mark means (`marks`), the prompt's
//! routing, history and completion (`prompt`), the examples and visible completions
//! (`suggest`), what a key does (`shortcuts`), what a drag means (`drag`), the time
//! controls' numbers (`clock`), noticing `history` was run (`history_watch`), a lesson's
//! marks and fragment (`lesson_view`), the safety strip's marks and alarm (`safety_view`),
//! the UI's own state (`ui_state`: selection, panels, language, drag, prompt, tour) and live
//! mode's page state over a real cluster (`live_state`).

pub mod clock;
pub mod drag;
pub mod entry;
pub mod error_text;
pub mod history_layout;
pub mod history_watch;
pub mod i18n;
pub mod layout;
pub mod lesson_view;
pub mod live_state;
pub mod marks;
pub mod prompt;
pub mod safety_view;
pub mod shortcuts;
pub mod suggest;
pub mod tour;
pub mod ui_state;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod web;
