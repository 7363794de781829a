//! The browser lab's front end. `web` (wasm32 only) holds the Yew components and every DOM
//! call. The rest is what they need that is not drawing: the UI's words in each language and
//! the geometry of the cluster picture and the history panel. The lab model itself (play,
//! step, step back, share links) is `crate::lab`, one layer down.
//!
//! Contract: everything outside `web` is plain Rust with no browser types, so it builds and
//! is tested natively. Nothing here changes a cluster except through engine `Action`s.

pub mod error_text;
pub mod history_layout;
pub mod i18n;
pub mod layout;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod web;
