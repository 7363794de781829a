//! The lab as the page drives it: the `Lab`, the lesson being played, the clock's state
//! and what the page says about them (notices, load errors), changed only by `Cmd`s.
//!
//! Contract: no Yew here. `apply` turns one `Cmd` into engine actions (through `Lab`)
//! and returns whether anything visible changed; what it asks of the components (clear the
//! selection, open the history panel) or of the browser (fetch a lesson file) is queued as
//! `Effect`s for the app to carry out. The UI's own state (selection, panels, language,
//! prompt) is not here: it is `state::UiState`.

use crate::engine::{Action, ClusterConfig};
use crate::lab::course::{self, Params};
use crate::lab::share;
use crate::lab::{Lab, IDLE_BUDGET, PLAY_SLICE_MS};
use crate::ui::clock::{speed_from_fragment, FrameStats, SPEED_LOG_MAX, SPEED_LOG_MIN};
use crate::ui::drag::drop_command;
use crate::ui::error_text::error_text;
use crate::ui::history_watch::HistoryWatch;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::prompt::with_endpoint;

use super::dom;
use super::lesson_flow::LessonRun;
use super::state::UiAction;

pub use super::cmd::{Cmd, Effect};

/// Real milliseconds between frames while playing.
pub const FRAME_MS: u32 = 50;

/// Background work gets this much of each turn.
const IDLE_SLICE_MS: f64 = 6.0;

/// The lab's own defaults: etcd's timing, with links slow enough (30–50 ms) that messages
/// can be seen moving at the default speed.
pub fn default_config() -> ClusterConfig {
    ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() }
}

pub struct Model {
    pub lab: Lab,
    /// Bumped whenever `lab` is replaced (a new run, a lesson started), so what is cached
    /// from the old one is not mistaken for the new one's.
    pub generation: u64,
    /// The UI's language as of the command being applied (notices are worded in it).
    pub lang: Lang,
    pub playing: bool,
    /// Counts the times play was (re)started: the frame timer starts afresh each time, so
    /// the first frame after Play, Next or a rewind is a whole frame away.
    pub play_epoch: u64,
    pub speed_log: f64,
    carry_ms: f64,
    pub notice: Option<String>,
    pub draft: ClusterConfig,
    pub paused_hidden: bool,
    /// The lesson being played, if any.
    pub lesson: Option<LessonRun>,
    /// Errors of a lesson file that failed to load (file:line:col lines).
    pub lesson_errors: Option<Vec<String>>,
    pub page_lessons: bool,
    /// The home page shows instead of the lab (`place`): nothing plays behind it.
    pub home: bool,
    pub filter_lang: Option<String>,
    pub filter_level: Option<String>,
    /// `?embed=1`, the origin allowlist, and the lesson the URL asked for.
    pub course: Params,
    /// When the current frame's work began (`performance.now()`), and recent frames' work
    /// from update to patched DOM: the site benchmark reads their p95.
    pub frame_start: Option<f64>,
    pub frames: FrameStats,
    history_watch: HistoryWatch,
    /// Set when a command opened the history panel: scrolled into view once drawn.
    pub scroll_history: bool,
    /// Pauses play once when the lab first finds a safety violation (a bug: never play on
    /// past it unasked).
    safety_latch: crate::ui::safety_view::Latch,
    pub effects: Vec<Effect>,
}

impl Model {
    /// The lab the page's URL asks for: a shared run, or a fresh one (with a notice when
    /// the link could not be read).
    pub fn from_page(lang: Lang) -> Model {
        // First: a returning visitor's place becomes the fragment read below.
        let home = super::place::enter();
        let frag = dom::fragment();
        let mut notice = None;
        let fresh = || Lab::new(default_config()).expect("default config is valid");
        let lab = match share::decode(&frag) {
            Ok(Some(run)) => Lab::from_run(&run).unwrap_or_else(|e| {
                notice = Some(error_text(lang, &e));
                fresh()
            }),
            Ok(None) => fresh(),
            Err(e) => {
                notice = Some(error_text(lang, &e));
                fresh()
            }
        };
        let draft = lab.session().cluster().config().clone();
        Model {
            lab,
            generation: 0,
            lang,
            playing: false,
            play_epoch: 0,
            speed_log: speed_from_fragment(&frag),
            carry_ms: 0.0,
            notice,
            draft,
            paused_hidden: false,
            lesson: None,
            lesson_errors: None,
            page_lessons: false,
            home,
            filter_lang: None,
            filter_level: None,
            course: Params::read(&dom::search(), &frag),
            frame_start: None,
            frames: FrameStats::default(),
            history_watch: HistoryWatch::default(),
            scroll_history: false,
            safety_latch: Default::default(),
            effects: Vec::new(),
        }
    }

    pub fn speed(&self) -> f64 {
        10f64.powf(self.speed_log)
    }

    /// Replaces the lab (a new run, a lesson): what was looked at belongs to the old one.
    pub(super) fn replace_lab(&mut self, lab: Lab) {
        self.lab = lab;
        self.generation += 1;
        self.history_watch.reset();
        self.safety_latch.reset();
        self.effects.push(Effect::Ui(UiAction::Forget));
    }

    pub(super) fn set_playing(&mut self, on: bool) {
        self.playing = on;
        if on {
            self.play_epoch += 1;
        } else {
            self.save_fragment();
        }
    }

    pub(super) fn save_fragment(&self) {
        self.remember_place();
        if let Some(frag) = self.lesson_fragment() {
            dom::set_fragment(&frag);
            return;
        }
        if self.page_lessons {
            dom::set_fragment("lessons");
            return;
        }
        let speed = format!("{:.2}", self.speed_log);
        dom::set_fragment(&format!("{}&speed={speed}", share::encode(&self.lab.run())));
    }

    pub(super) fn line(&mut self, line: &str) {
        let _ = self.lab.console(line);
        self.lesson_nudge();
        self.save_fragment();
    }

    /// Background work between frames: the rewind checkpoint catches up, a few ms a turn so
    /// the page stays responsive; nothing on screen changes. True when there is more.
    pub fn idle(&mut self) -> bool {
        let start = dom::now_ms().unwrap_or(0.0);
        let mut done = false;
        while !done && dom::now_ms().unwrap_or(f64::MAX) - start < IDLE_SLICE_MS {
            done = self.lab.idle(IDLE_BUDGET);
        }
        !done
    }

    /// Applies one command; true when something visible changed.
    pub fn apply(&mut self, cmd: Cmd) -> bool {
        let redraw = self.handle(cmd);
        if self.safety_latch.newly_violated(self.lab.safety()) {
            self.set_playing(false);
        }
        // Console, lesson step or "show me": whoever ran `history`, the learner sees it.
        if self.history_watch.ran(&self.lab.transcript) {
            self.effects.push(Effect::Ui(UiAction::OpenHistory));
            self.scroll_history = true;
            return true;
        }
        redraw
    }

    fn handle(&mut self, cmd: Cmd) -> bool {
        match cmd {
            Cmd::Frame => {
                // A frame queued just before a pause must not move the paused picture.
                if !self.playing {
                    return false;
                }
                self.frame_start = dom::now_ms();
                self.carry_ms += FRAME_MS as f64 * self.speed();
                let whole = self.carry_ms.floor();
                if whole < 1.0 {
                    return false;
                }
                self.carry_ms -= whole;
                if self.lesson.is_some() {
                    self.lesson_frame(whole as u64);
                } else {
                    self.lab.play(whole as u64);
                }
            }
            Cmd::TogglePlay => {
                let on = !self.playing;
                self.set_playing(on);
            }
            Cmd::Speed(v) => self.speed_log = v.clamp(SPEED_LOG_MIN, SPEED_LOG_MAX),
            Cmd::Step(kind) => {
                self.set_playing(false);
                self.lab.step(kind);
            }
            Cmd::StepBack => {
                self.set_playing(false);
                if let Err(e) = self.lab.step_back(PLAY_SLICE_MS * 2) {
                    self.notice = Some(error_text(self.lang, &e));
                }
            }
            Cmd::KeyStep(kind) => self.lab.step(kind),
            Cmd::KeyStepBack => {
                let _ = self.lab.step_back(PLAY_SLICE_MS * 2);
            }
            Cmd::Seek(t_ms) => {
                self.set_playing(false);
                if let Err(e) = self.lab.seek(t_ms) {
                    self.notice = Some(error_text(self.lang, &e));
                }
            }
            Cmd::Line(line) => self.line(&line),
            Cmd::Typed { line, endpoint } => {
                let default = self.lab.session().default_endpoint();
                self.line(&with_endpoint(&line, endpoint, default));
            }
            Cmd::Act(action) => {
                if let Err(e) = self.lab.act(action) {
                    self.notice = Some(error_text(self.lang, &e));
                }
                self.lesson_nudge();
                self.save_fragment();
            }
            Cmd::CopyLink => {
                self.save_fragment();
                dom::copy_text(&dom::href());
                self.notice = Some(t(self.lang, Text::LinkCopied).to_string());
            }
            Cmd::ExportTrace => {
                let trace = self.lab.session().cluster().trace();
                let json = serde_json::to_string_pretty(&trace.export()).unwrap_or_default();
                dom::download("raftlab-trace.json", "application/json", &json);
                return false;
            }
            Cmd::ExportSvg => {
                if let Some(svg) = dom::outer_html("cluster") {
                    dom::download("raftlab-cluster.svg", "image/svg+xml", &svg);
                }
                return false;
            }
            Cmd::Draft(cfg) => self.draft = cfg,
            Cmd::Settings(cfg) => {
                self.draft = cfg;
                return self.handle(Cmd::NewRun);
            }
            Cmd::NewRun => match Lab::new(self.draft.clone()) {
                Ok(lab) => {
                    self.replace_lab(lab);
                    self.lesson = None;
                    self.save_fragment();
                }
                Err(e) => self.notice = Some(error_text(self.lang, &e)),
            },
            Cmd::Visibility(hidden) => {
                if hidden && self.playing {
                    self.set_playing(false);
                    self.paused_hidden = true;
                } else if !hidden {
                    self.paused_hidden = false;
                }
            }
            Cmd::DropAll(pct) => {
                let ids = self.lab.session().cluster().node_ids();
                for &from in &ids {
                    for &to in &ids {
                        if from != to {
                            let _ = self.lab.act(Action::LinkDropRate { from, to, ppm: pct.min(100) * 10_000 });
                        }
                    }
                }
                self.save_fragment();
            }
            Cmd::Drop { node, at } => {
                let view = self.lab.session().cluster().view();
                for cmd in drop_command(&view, node, at).unwrap_or_default() {
                    self.line(&cmd);
                }
            }
            Cmd::OpenFromUrl => self.open_from_url(),
            Cmd::OpenLessons => {
                self.page_lessons = true;
                let lang = self.lesson_lang().to_string();
                self.filter_lang.get_or_insert(lang);
                self.save_fragment();
            }
            Cmd::OpenLesson(id, language, step) => self.open_lesson(&id, &language, step),
            Cmd::CloseLesson => {
                self.lesson = None;
                self.lesson_errors = None;
                self.page_lessons = false;
                self.save_fragment();
            }
            Cmd::GoHome => self.go_home(),
            Cmd::LeaveHome(door) => self.leave_home(door),
            Cmd::LessonNext => self.lesson_next(),
            Cmd::LessonBack => self.lesson_back(),
            Cmd::LessonRestart => self.lesson_restart(),
            Cmd::Answer(k) => self.lesson_answer(k),
            Cmd::ShowMe => self.lesson_show_me(),
            Cmd::FilterLang(l) => self.filter_lang = Some(l).filter(|l| !l.is_empty()),
            Cmd::FilterLevel(l) => self.filter_level = Some(l).filter(|l| !l.is_empty()),
            Cmd::Course(json) => self.course_command(&json),
            Cmd::LessonFetched(url, got, step, builtin) => {
                self.notice = None;
                match got {
                    Ok(text) => self.start_lesson_text(&url, &text, step, builtin),
                    Err(e) => self.lesson_errors = Some(vec![e]),
                }
            }
        }
        true
    }

    /// What the URL asked for when the page opened: a lesson, a lesson file, the lessons
    /// page, or (nothing) the free lab.
    fn open_from_url(&mut self) {
        if self.home {
            return;
        }
        let course = self.course.clone();
        if let Some(id) = &course.lesson {
            let lang = self.lesson_lang();
            self.open_lesson(id, lang, course.step);
        } else if let Some(url) = &course.lesson_url {
            self.fetch_lesson(url, course.step);
        } else if course.lessons_page && !course.embed {
            self.page_lessons = true;
            self.filter_lang = Some(self.lesson_lang().to_string());
        } else if !dom::fragment().contains("run=") {
            // A fresh lab plays at once; a shared link opens paused, where it was left.
            self.set_playing(true);
        }
    }

    fn course_command(&mut self, json: &str) {
        match course::Command::parse(json) {
            Ok(course::Command::GotoStep(k)) => self.goto_step(k),
            Ok(course::Command::Reset) => self.lesson_restart(),
            Ok(course::Command::LoadLesson { id: Some(id), .. }) => {
                let lang = self.lesson_lang();
                self.open_lesson(&id, lang, 0);
            }
            Ok(course::Command::LoadLesson { url: Some(url), .. }) => self.fetch_lesson(&url, 0),
            Ok(course::Command::LoadLesson { .. }) => {}
            Err(e) => self.notice = Some(error_text(self.lang, &e)),
        }
    }
}
