//! The lessons built into the site, and the index the lessons page shows.
//!
//! Contract: `BUILTIN` holds every `lessons/{en,zh}/*.md` file as it was at build time, in
//! path order. `index` parses them all and lists those that parse, ordered by course number
//! then language; `find` picks a lesson by id, preferring the asked language.

use super::model::{Lesson, Level};
use super::parse::{parse, LessonError};

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub number: u32,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub level: Level,
    pub steps: usize,
}

/// Every built-in lesson, parsed.
pub fn all() -> Vec<Result<Lesson, Vec<LessonError>>> {
    BUILTIN.iter().map(|(path, text)| parse(path, text)).collect()
}

pub fn index() -> Vec<Entry> {
    let mut out: Vec<Entry> = all()
        .into_iter()
        .flatten()
        .map(|l| Entry {
            id: l.meta.id.clone(),
            number: l.meta.number,
            language: l.meta.language.clone(),
            title: l.meta.title.clone(),
            summary: l.meta.summary.clone(),
            minutes: l.meta.minutes,
            level: l.meta.level.clone(),
            steps: l.steps.len(),
        })
        .collect();
    out.sort_by(|a, b| (a.number, &a.language).cmp(&(b.number, &b.language)));
    out
}

/// The lesson `id` in `language`, or in any language if that one is missing.
pub fn find(id: &str, language: &str) -> Option<Lesson> {
    let mut fallback = None;
    for (path, text) in BUILTIN {
        if let Ok(l) = parse(path, text) {
            if l.meta.id == id {
                if l.meta.language == language {
                    return Some(l);
                }
                fallback.get_or_insert(l);
            }
        }
    }
    fallback
}
