//! The browser lab. `web` (wasm32 only) holds the Yew components and every DOM call. The
//! rest is what they need that is not drawing: the lab model (play, step, step back), the
//! share-URL codec, the UI's words in each language, and the picture's geometry.
//!
//! Contract: everything outside `web` is plain Rust with no browser types, so it builds and
//! is tested natively. Nothing here changes a cluster except through engine `Action`s.

pub mod course;
pub mod history_layout;
pub mod i18n;
pub mod lab;
pub mod layout;
pub mod share;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod web;
