//! The lessons built into the site: their index (every build) and their texts (native
//! builds, for the CLI and the tests).
//!
//! Contract: `INDEX` lists every `lessons/{en,zh}/*.md` file as it was at build time, in
//! path order, with what its front matter says; a test proves it agrees with `parse` for
//! every file. The site fetches a lesson's text from `Entry::path` when it is opened, so
//! the wasm does not carry 36 files. `find` picks an entry by id, preferring a language.

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the site's root (and to the repository's).
    pub path: &'static str,
    pub id: &'static str,
    pub number: u32,
    pub language: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub minutes: u32,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: &'static str,
    pub steps: usize,
}

/// The index in course order (number, then language).
pub fn index() -> Vec<&'static Entry> {
    let mut out: Vec<&Entry> = INDEX.iter().collect();
    out.sort_by_key(|e| (e.number, e.language));
    out
}

/// The lesson `id` in `language`, or in any language if that one is missing.
pub fn find(id: &str, language: &str) -> Option<&'static Entry> {
    INDEX.iter().find(|e| e.id == id && e.language == language).or_else(|| INDEX.iter().find(|e| e.id == id))
}

/// A built-in lesson's text (native builds).
pub fn text(path: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
