//! A lesson in the browser: starting one (built in, from a deep link, or loaded from a
//! URL), driving its player from the frame loop, moving between steps, and telling an
//! embedding page what happened.
//!
//! Contract: the player moves simulated time only through `Player::poll` with the frame's
//! budget, so a step's script happens at the same instants as in `raftlab lesson run`.
//! The clock stops while a predict question waits for its answer (the lab must not show
//! the answer first) and when a step's script ends (press Next, or Play to watch on).
//! Going back rewinds the cluster to the step's start by time travel. Every check that
//! turns green or red, every step change and the lesson's end become `course::Event`s.

use crate::lab::course::Event;
use crate::lab::Lab;
use crate::lesson::{self, Item, Lesson, Mark, Mode, Player, Status};
use crate::ui::error_text::error_text;
use crate::ui::lesson_view::lesson_fragment;

use super::dom;
use super::model::{Effect, Model};

pub struct LessonRun {
    pub player: Player,
    pub status: Status,
    /// Wall-clock ms (`performance.now()`) when the current your-turn began, for hints.
    turn_since: Option<f64>,
    /// Marks already reported to the embedding page, for this step.
    reported: Vec<bool>,
    /// Where the lesson came from, if not built in (kept in the URL fragment).
    pub url: Option<String>,
}

impl LessonRun {
    /// Seconds the learner has had on the current your-turn task.
    pub fn turn_elapsed_s(&self) -> u64 {
        match (self.turn_since, dom::now_ms()) {
            (Some(since), Some(now)) => ((now - since) / 1000.0).max(0.0) as u64,
            _ => 0,
        }
    }
}

impl Model {
    /// Starts `lesson` on a fresh cluster from its seed, at step `step` (the steps before
    /// it are played as the headless runner plays them).
    pub fn start_lesson(&mut self, lesson: Lesson, step: usize, url: Option<String>) {
        let mut lab = match Lab::new(lesson.cluster.clone()) {
            Ok(l) => l,
            Err(e) => {
                self.notice = Some(error_text(self.lang, &e));
                return;
            }
        };
        let mut player = Player::new(lesson, &lab);
        let target = step.min(player.lesson.steps.len().saturating_sub(1));
        while player.step() < target {
            player.poll(&mut lab, u64::MAX, Mode::Headless);
            player.next(&lab);
        }
        self.replace_lab(lab);
        self.draft = self.lab.session().cluster().config().clone();
        self.lesson_errors = None;
        self.page_lessons = false;
        let steps = player.marks.len();
        self.lesson =
            Some(LessonRun { player, status: Status::Busy, turn_since: None, reported: vec![false; steps], url });
        self.after_step_change();
        // Lessons play slower than the free lab's default, so an election can be watched.
        self.speed_log = self.speed_log.max(-0.5);
        self.set_playing(true);
    }

    /// Parses a lesson file's text (built in, or from a URL); its errors are shown, never run.
    pub fn start_lesson_text(&mut self, url: &str, text: &str, step: usize, builtin: bool) {
        match lesson::parse(url, text) {
            Ok(l) => self.start_lesson(l, step, (!builtin).then(|| url.to_string())),
            Err(errs) => {
                self.lesson_errors = Some(errs.iter().map(|e| error_text(self.lang, e)).collect());
                self.post(Event::new("load-failed", url, 0, 0));
            }
        }
    }

    /// One frame of lesson time: `ms` of simulated time at most.
    pub fn lesson_frame(&mut self, ms: u64) {
        let Some(run) = self.lesson.as_mut() else { return };
        let until = self.lab.now_ms() + ms;
        match run.status {
            // The answer must not play out before the learner has predicted it.
            Status::Ask(_) => return,
            // The learner acts in a running world; the player only watches for the goal.
            Status::Turn(_) | Status::StepDone => self.lab.play(ms),
            Status::Busy => {}
        }
        let before = run.status;
        run.status = run.player.poll(&mut self.lab, until, Mode::Learner);
        self.after_poll(before);
    }

    /// After the learner acted (a click, a console line): check the goal without moving time.
    pub fn lesson_nudge(&mut self) {
        let Some(run) = self.lesson.as_mut() else { return };
        if matches!(run.status, Status::Turn(_)) {
            let before = run.status;
            let now = self.lab.now_ms();
            run.status = run.player.poll(&mut self.lab, now, Mode::Learner);
            self.after_poll(before);
        }
    }

    fn after_poll(&mut self, before: Status) {
        let Some(run) = self.lesson.as_mut() else { return };
        let status = run.status;
        if matches!(status, Status::Turn(_)) && !matches!(before, Status::Turn(_)) {
            run.turn_since = dom::now_ms();
        }
        self.report_marks();
        if status == Status::StepDone && before != Status::StepDone {
            self.set_playing(false);
            let Some(run) = self.lesson.as_ref() else { return };
            if run.player.is_last_step() {
                let (id, lang) = (run.player.lesson.meta.id.clone(), run.player.lesson.meta.language.clone());
                dom::mark_completed(&format!("{id}:{lang}"));
                self.post_lesson_event("lesson-completed");
            }
        }
    }

    /// Reports each check that turned green or red since the last report.
    fn report_marks(&mut self) {
        let Some(run) = self.lesson.as_mut() else { return };
        let step = run.player.step();
        let mut events = Vec::new();
        for (i, mark) in run.player.marks.iter().enumerate() {
            let item = &run.player.lesson.steps[step].items[i];
            let check = match item {
                Item::Expect { cond, .. } | Item::WaitUntil { cond, .. } => cond.text.clone(),
                Item::YourTurn(y) => y.goal.text.clone(),
                _ => continue,
            };
            let (name, detail) = match mark {
                Mark::Pass(d) => ("check-passed", d),
                Mark::Fail(d) => ("check-failed", d),
                _ => continue,
            };
            if run.reported.get(i) == Some(&false) {
                run.reported[i] = true;
                let meta = &run.player.lesson.meta;
                let mut e = Event::new(name, &meta.id, step, run.player.lesson.steps.len());
                e.check = Some(check);
                e.detail = Some(detail.clone()).filter(|d| !d.is_empty());
                events.push(e);
            }
        }
        for e in events {
            self.post(e);
        }
    }

    fn post_lesson_event(&self, name: &'static str) {
        if let Some(run) = &self.lesson {
            let meta = &run.player.lesson.meta;
            self.post(Event::new(name, &meta.id, run.player.step(), run.player.lesson.steps.len()));
        }
    }

    pub fn post(&self, e: Event) {
        super::embed::post_to_parent(&e.json(), &self.course.origins);
    }

    fn after_step_change(&mut self) {
        if let Some(run) = self.lesson.as_mut() {
            run.status = Status::Busy;
            run.turn_since = None;
            run.reported = vec![false; run.player.marks.len()];
        }
        self.save_fragment();
        self.post_lesson_event("step-changed");
    }

    pub fn lesson_next(&mut self) {
        let Some(run) = self.lesson.as_mut() else { return };
        if run.player.next(&self.lab) {
            self.after_step_change();
            self.set_playing(true);
        }
    }

    /// Back one step (or to the start of the first): the cluster is rewound to that step's
    /// start and the step plays again.
    pub fn lesson_back(&mut self) {
        let Some(run) = self.lesson.as_mut() else { return };
        let k = run.player.step().saturating_sub(1);
        self.goto_step(k);
    }

    /// Any step: earlier ones by time travel, later ones by playing the steps between as the
    /// headless runner does.
    pub fn goto_step(&mut self, k: usize) {
        let Some(run) = self.lesson.as_mut() else { return };
        let k = k.min(run.player.lesson.steps.len().saturating_sub(1));
        if k <= run.player.step() {
            if let Err(e) = run.player.rewind_to(&mut self.lab, k) {
                self.notice = Some(error_text(self.lang, &e));
                return;
            }
        } else {
            while run.player.step() < k {
                run.player.poll(&mut self.lab, u64::MAX, Mode::Headless);
                run.player.next(&self.lab);
            }
        }
        self.after_step_change();
        self.set_playing(true);
    }

    pub fn lesson_restart(&mut self) {
        let Some(run) = self.lesson.take() else { return };
        self.start_lesson(run.player.lesson, 0, run.url);
    }

    pub fn lesson_answer(&mut self, choice: usize) {
        if let Some(run) = self.lesson.as_mut() {
            run.player.answer(choice);
            run.status = Status::Busy;
            self.set_playing(true);
        }
    }

    pub fn lesson_show_me(&mut self) {
        if let Some(run) = self.lesson.as_mut() {
            run.player.solve();
            run.status = Status::Busy;
            self.set_playing(true);
        }
    }

    /// Opens a built-in lesson by id, in the UI's language if it has one: its file comes
    /// from the site's `lessons/`.
    pub fn open_lesson(&mut self, id: &str, language: &str, step: usize) {
        match lesson::index::find(id, language) {
            Some(e) => {
                self.notice = Some(crate::ui::i18n::t(self.lang, crate::ui::i18n::Text::Loading).to_string());
                self.effects.push(Effect::Fetch { url: e.path.to_string(), step, builtin: true });
            }
            None => self.notice = Some(format!("no lesson with id {id:?}")),
        }
    }

    /// The language code lessons use for the UI's language.
    pub fn lesson_lang(&self) -> &'static str {
        match self.lang {
            crate::ui::i18n::Lang::En => "en",
            crate::ui::i18n::Lang::ZhCn => "zh",
        }
    }

    /// Asks for a lesson file; its text comes back as `Cmd::LessonFetched`.
    pub fn fetch_lesson(&mut self, url: &str, step: usize) {
        match super::embed::resolve_allowed(url, &self.course.origins) {
            Ok(abs) => {
                self.notice = Some(crate::ui::i18n::t(self.lang, crate::ui::i18n::Text::Loading).to_string());
                self.effects.push(Effect::Fetch { url: abs, step, builtin: false });
            }
            Err(e) => self.lesson_errors = Some(vec![e]),
        }
    }

    /// The URL fragment of the current lesson step.
    pub fn lesson_fragment(&self) -> Option<String> {
        let run = self.lesson.as_ref()?;
        Some(lesson_fragment(&run.player.lesson.meta.id, run.url.as_deref(), run.player.step()))
    }
}
