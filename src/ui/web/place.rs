//! The home page's side of the model: whether a visit starts on the home (`ui::entry`
//! decides), leaving it through one of its doors, going back to it, and remembering on
//! this browser where the visitor last was.
//!
//! Contract: `enter` runs once, before the model reads the URL: for a returning visitor at
//! the bare URL it writes the remembered place into the fragment, so the model then opens
//! it exactly as a link to it would. The place is stored under `raftlab.place` whenever the
//! fragment is saved, except in an embed or while the home shows; storage that is blocked
//! only means the home shows again next time.

use crate::ui::entry::{entry, first_lesson, remembers, Entry, Place};

use super::cmd::Door;
use super::dom;
use super::model::{Cmd, Model};

const KEY: &str = "raftlab.place";

fn storage() -> Option<web_sys::Storage> {
    dom::window().and_then(|w| w.local_storage().ok().flatten())
}

fn store(place: &Place) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &place.encode());
    }
}

/// Decides how this visit starts; true when it starts on the home.
pub fn enter() -> bool {
    let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten());
    match entry(&dom::search(), &dom::fragment(), stored.as_deref()) {
        Entry::Home => true,
        Entry::Resume(place) => {
            if let Some(frag) = place.fragment() {
                dom::set_fragment(&frag);
            }
            false
        }
        Entry::AsLinked => false,
    }
}

impl Model {
    /// Stores where the visitor is now: the free lab, the lessons page or a built-in
    /// lesson's step (a lesson loaded from a URL is not restored: its origin may not be
    /// allowed on a bare visit).
    pub(super) fn remember_place(&self) {
        if !remembers(self.course.embed, self.home) {
            return;
        }
        let place = match &self.lesson {
            Some(run) if run.url.is_none() => {
                Place::Lesson { id: run.player.lesson.meta.id.clone(), step: run.player.step() }
            }
            Some(_) => return,
            None if self.page_lessons => Place::Lessons,
            None => Place::Lab,
        };
        store(&place);
    }

    /// Back to the home: the run pauses behind it, as it was.
    pub(super) fn go_home(&mut self) {
        self.set_playing(false);
        self.home = true;
    }

    pub(super) fn leave_home(&mut self, door: Door) {
        self.home = false;
        match door {
            Door::Lab => {
                self.lesson = None;
                self.lesson_errors = None;
                self.page_lessons = false;
                self.set_playing(true);
                self.save_fragment();
            }
            Door::Lessons => {
                self.apply(Cmd::OpenLessons);
            }
            Door::FirstLesson => {
                let Some(id) = first_lesson() else { return };
                // Remembered now: the lesson's file is still on its way.
                store(&Place::Lesson { id: id.to_string(), step: 0 });
                let lang = self.lesson_lang();
                self.open_lesson(id, lang, 0);
            }
        }
    }
}
