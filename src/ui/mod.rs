//! What the browser lab needs that is not drawing: the share-URL codec, the UI's words in
//! each language, and the geometry of the cluster picture.
//!
//! Contract: everything here is plain Rust with no browser types, so it builds and is tested
//! natively; `web` (wasm32 only) draws with it. Nothing here changes a cluster.

pub mod i18n;
pub mod lab;
pub mod layout;
pub mod share;
