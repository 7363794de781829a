//! The app component: the lab model, what the learner is looking at, and every message the
//! UI can send. `update` turns each message into engine actions (through `Lab`); `view`
//! only reads.

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::engine::{Action, ClusterConfig, NodeId, Role};
use crate::lab::course::{self, Params};
use crate::lab::share;
use crate::lab::{Lab, StepKind, IDLE_BUDGET, PLAY_SLICE_MS};
use crate::ui::i18n::{t, Lang, Text};

use super::lesson_flow::{self, LessonRun};
use super::{console_panel, controls, dom, embed, history_panel, lesson_panel, lessons_page, panels, picture};

/// Real milliseconds between frames while playing.
const FRAME_MS: u32 = 50;

/// The lab's own defaults: etcd's timing, with links slow enough (30–50 ms) that messages
/// can be seen moving at the default speed.
pub fn default_config() -> ClusterConfig {
    ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() }
}

/// Background work gets this much of each turn, and waits this long between turns.
const IDLE_SLICE_MS: f64 = 6.0;
const IDLE_GAP_MS: u32 = 20;

pub enum Msg {
    Frame,
    /// Background work between frames: the rewind checkpoint catches up.
    Idle,
    TogglePlay,
    /// log10 of the speed, -2 (0.01×) to 2 (100×).
    Speed(f64),
    Step(StepKind),
    StepBack,
    Seek(u64),
    Select(Option<NodeId>),
    /// A console line run on the learner's behalf (node menu buttons).
    Line(String),
    Act(Action),
    Inspect(Option<u64>),
    ConsoleInput(String),
    ConsoleKey(KeyboardEvent),
    Endpoint(NodeId),
    Key(KeyboardEvent),
    ToggleHelp,
    ToggleHistory,
    ToggleLang,
    CopyLink,
    ExportTrace,
    ExportSvg,
    /// A setting being typed.
    Draft(ClusterConfig),
    /// A changed setting: a new run starts with it.
    Settings(ClusterConfig),
    NewRun,
    Visibility,
    /// A node picked up to drag it to another side of the network.
    DragStart(NodeId),
    /// The pointer, in the picture's coordinates.
    DragMove(f64, f64),
    DragEnd,
    /// The same drop rate (percent) on every link.
    DropAll(u32),
    /// What the URL asked for at start: a lesson, a lesson file, or the lessons page.
    OpenFromUrl,
    OpenLessons,
    /// A built-in lesson: id, language, 0-based step.
    OpenLesson(String, String, usize),
    /// Back to the free lab.
    CloseLesson,
    LessonNext,
    LessonBack,
    LessonRestart,
    Answer(usize),
    ShowMe,
    FilterLang(String),
    FilterLevel(String),
    /// A message from the embedding page (already origin-checked), as JSON.
    Course(String),
    /// A lesson file fetched: its path or URL, its text or why not, the step to open, and
    /// whether it is one of the site's own lessons.
    LessonFetched(String, Result<String, String>, usize, bool),
}

pub struct App {
    pub lab: Lab,
    pub lang: Lang,
    pub playing: bool,
    pub speed_log: f64,
    carry_ms: f64,
    pub selected: Option<NodeId>,
    pub inspect: Option<u64>,
    pub input: String,
    history: Vec<String>,
    history_pos: Option<usize>,
    pub endpoint: NodeId,
    pub help: bool,
    /// The history panel is open (its toggle, or a `history` line run by anyone).
    pub show_history: bool,
    /// Console lines already looked at for a `history` command.
    history_seen: usize,
    /// Set when a command opened the panel, so it is scrolled into view once drawn.
    scroll_history: bool,
    pub history_cache: std::cell::RefCell<crate::ui::history_layout::HistoryCache>,
    pub notice: Option<String>,
    pub draft: ClusterConfig,
    pub reduced_motion: bool,
    pub paused_hidden: bool,
    pub drag: Option<NodeId>,
    pub pointer: Option<(f64, f64)>,
    /// The lesson being played, if any.
    pub lesson: Option<LessonRun>,
    /// Errors of a lesson file that failed to load (file:line:col lines).
    pub lesson_errors: Option<Vec<String>>,
    pub page_lessons: bool,
    pub filter_lang: Option<String>,
    pub filter_level: Option<String>,
    /// `?embed=1`, the origin allowlist, and the lesson the URL asked for.
    pub course: Params,
    /// When the current frame's work began (ms, `performance.now()`), and how long recent
    /// frames took from update to painted DOM: the site benchmark reads their p95.
    frame_start: Option<f64>,
    frame_ms: std::collections::VecDeque<f64>,
    interval: Option<Interval>,
    /// The pending `Msg::Idle`, if one is queued.
    idle: Option<Timeout>,
    _keys: Option<EventListener>,
    _visibility: Option<EventListener>,
    _messages: Option<EventListener>,
}

impl App {
    pub fn speed(&self) -> f64 {
        10f64.powf(self.speed_log)
    }

    pub(super) fn set_playing(&mut self, ctx: &Context<Self>, on: bool) {
        self.playing = on;
        if on {
            let link = ctx.link().clone();
            self.interval = Some(Interval::new(FRAME_MS, move || link.send_message(Msg::Frame)));
        } else {
            self.interval = None;
            self.save_fragment();
        }
    }

    fn queue_idle(&mut self, ctx: &Context<Self>) {
        if self.idle.is_none() {
            let link = ctx.link().clone();
            self.idle = Some(Timeout::new(IDLE_GAP_MS, move || link.send_message(Msg::Idle)));
        }
    }

    pub(super) fn save_fragment(&self) {
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

    pub(super) fn line(&mut self, ctx: &Context<Self>, line: &str) {
        let _ = self.lab.console(line);
        self.lesson_nudge(ctx);
        self.save_fragment();
    }

    /// What the URL asked for when the page opened: a lesson, a lesson file, the lessons
    /// page, or (nothing) the free lab.
    fn open_from_url(&mut self, ctx: &Context<Self>) {
        let course = self.course.clone();
        if let Some(id) = &course.lesson {
            let lang = self.lesson_lang();
            self.open_lesson(ctx, id, lang, course.step);
        } else if let Some(url) = &course.lesson_url {
            self.fetch_lesson(ctx, url, course.step);
        } else if course.lessons_page && !course.embed {
            self.page_lessons = true;
            self.filter_lang = Some(self.lesson_lang().to_string());
        } else if !dom::fragment().contains("run=") {
            // A fresh lab plays at once; a shared link opens paused, where it was left.
            self.set_playing(ctx, true);
        }
    }

    fn course_command(&mut self, ctx: &Context<Self>, json: &str) {
        match course::Command::parse(json) {
            Ok(course::Command::GotoStep(k)) => self.goto_step(ctx, k),
            Ok(course::Command::Reset) => self.lesson_restart(ctx),
            Ok(course::Command::LoadLesson { id: Some(id), .. }) => {
                let lang = self.lesson_lang();
                self.open_lesson(ctx, &id, lang, 0);
            }
            Ok(course::Command::LoadLesson { url: Some(url), .. }) => self.fetch_lesson(ctx, &url, 0),
            Ok(course::Command::LoadLesson { .. }) => {}
            Err(e) => self.notice = Some(e.to_string()),
        }
    }
}

impl App {
    /// The 95th percentile of recent frames' work (update, view and DOM patch), in ms.
    fn frame_p95(&self) -> f64 {
        let mut v: Vec<f64> = self.frame_ms.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        v.get((v.len() * 95 / 100).min(v.len().saturating_sub(1))).copied().unwrap_or(0.0)
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let frag = dom::fragment();
        let mut notice = None;
        let lab = match share::decode(&frag) {
            Ok(Some(run)) => Lab::from_run(&run).unwrap_or_else(|e| {
                notice = Some(e.to_string());
                Lab::new(default_config()).expect("default config is valid")
            }),
            Ok(None) => Lab::new(default_config()).expect("default config is valid"),
            Err(e) => {
                notice = Some(e.to_string());
                Lab::new(default_config()).expect("default config is valid")
            }
        };
        let speed_log = frag
            .trim_start_matches('#')
            .split('&')
            .find_map(|kv| kv.strip_prefix("speed="))
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .map_or(-1.0, |v| v.clamp(-2.0, 2.0));
        let draft = lab.session().cluster().config().clone();
        let lang = dom::saved_lang();
        let keys = dom::window().and_then(|w| w.document()).map(|d| {
            let link = ctx.link().clone();
            EventListener::new(&d, "keydown", move |e| {
                if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                    link.send_message(Msg::Key(k.clone()));
                }
            })
        });
        let visibility = dom::window().and_then(|w| w.document()).map(|d| {
            let link = ctx.link().clone();
            EventListener::new(&d, "visibilitychange", move |_| link.send_message(Msg::Visibility))
        });
        if let Some(doc) = dom::window().and_then(|w| w.document()) {
            if let Some(el) = doc.document_element() {
                let _ = el.set_attribute("lang", lang.tag());
            }
        }
        let course = Params::read(&dom::search(), &frag);
        let messages = (!course.origins.is_empty()).then(dom::window).flatten().map(|w| {
            let link = ctx.link().clone();
            let origins = course.origins.clone();
            EventListener::new(&w, "message", move |e| {
                if let Some(json) = e.dyn_ref::<web_sys::MessageEvent>().and_then(|m| embed::accept(m, &origins)) {
                    link.send_message(Msg::Course(json));
                }
            })
        });
        App {
            lab,
            lang,
            playing: false,
            speed_log,
            carry_ms: 0.0,
            selected: None,
            inspect: None,
            input: String::new(),
            history: Vec::new(),
            history_pos: None,
            endpoint: 1,
            help: false,
            show_history: false,
            history_seen: 0,
            scroll_history: false,
            history_cache: Default::default(),
            notice,
            draft,
            reduced_motion: dom::prefers_reduced_motion(),
            paused_hidden: false,
            drag: None,
            pointer: None,
            lesson: None,
            lesson_errors: None,
            page_lessons: false,
            filter_lang: None,
            filter_level: None,
            course,
            frame_start: None,
            frame_ms: std::collections::VecDeque::new(),
            interval: None,
            idle: None,
            _keys: keys,
            _visibility: visibility,
            _messages: messages,
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first: bool) {
        self.queue_idle(ctx);
        if std::mem::take(&mut self.scroll_history) {
            dom::scroll_into_view("history");
        }
        if let (Some(start), Some(now)) = (self.frame_start.take(), dom::now_ms()) {
            if self.frame_ms.len() == 600 {
                self.frame_ms.pop_front();
            }
            self.frame_ms.push_back(now - start);
        }
        if first {
            self.post(course::Event::new("ready", "", 0, 0));
            // Through a message, so what it changes is drawn.
            ctx.link().send_message(Msg::OpenFromUrl);
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let redraw = self.handle(ctx, msg);
        // Console, lesson step or "show me": whoever ran `history`, the learner sees it.
        if self.history_command_ran() {
            self.show_history = true;
            self.scroll_history = true;
            return true;
        }
        redraw
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.draw(ctx)
    }
}

impl App {
    /// Whether a console line run since the last look was `history`.
    fn history_command_ran(&mut self) -> bool {
        let said = &self.lab.transcript;
        if said.len() < self.history_seen {
            // A new lab (a new run, a lesson restarted): its transcript starts afresh.
            self.history_seen = 0;
        }
        // The words, not the parser: `history` takes no arguments, and a second call site
        // of the parser costs the wasm a copy of it.
        let ran = said[self.history_seen..].iter().any(|s| {
            let words: Vec<&str> = s.line.split_whitespace().filter(|w| !w.starts_with('-')).collect();
            matches!(words.strip_prefix(&["etcdctl"]).unwrap_or(&words), ["history"] | ["lab", "history"])
                && !s.out.starts_with("Error")
        });
        self.history_seen = said.len();
        ran
    }

    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame => {
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
                    self.lesson_frame(ctx, whole as u64);
                } else {
                    self.lab.play(whole as u64);
                }
            }
            Msg::Idle => {
                self.idle = None;
                // A few milliseconds a turn keeps the page responsive while a long run's
                // checkpoint catches up; nothing on screen changes.
                let start = dom::now_ms().unwrap_or(0.0);
                let mut done = false;
                while !done && dom::now_ms().unwrap_or(f64::MAX) - start < IDLE_SLICE_MS {
                    done = self.lab.idle(IDLE_BUDGET);
                }
                if !done {
                    self.queue_idle(ctx);
                }
                return false;
            }
            Msg::TogglePlay => {
                let on = !self.playing;
                self.set_playing(ctx, on);
            }
            Msg::Speed(v) => self.speed_log = v.clamp(-2.0, 2.0),
            Msg::Step(kind) => {
                self.set_playing(ctx, false);
                self.lab.step(kind);
            }
            Msg::StepBack => {
                self.set_playing(ctx, false);
                if let Err(e) = self.lab.step_back(PLAY_SLICE_MS * 2) {
                    self.notice = Some(e.to_string());
                }
            }
            Msg::Seek(t_ms) => {
                self.set_playing(ctx, false);
                if let Err(e) = self.lab.seek(t_ms) {
                    self.notice = Some(e.to_string());
                }
            }
            Msg::Select(id) => self.selected = id,
            Msg::Line(line) => self.line(ctx, &line),
            Msg::Act(action) => {
                if let Err(e) = self.lab.act(action) {
                    self.notice = Some(e.to_string());
                }
                self.lesson_nudge(ctx);
                self.save_fragment();
            }
            Msg::Inspect(id) => self.inspect = id,
            Msg::ConsoleInput(s) => self.input = s,
            Msg::ConsoleKey(e) => match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = std::mem::take(&mut self.input);
                    let with_endpoint = if line.trim().is_empty() || console_panel::names_endpoint(&line) {
                        line.clone()
                    } else {
                        console_panel::with_endpoint(&line, self.endpoint)
                    };
                    if !line.trim().is_empty() {
                        self.history.push(line.clone());
                    }
                    self.history_pos = None;
                    self.line(ctx, &with_endpoint);
                }
                "ArrowUp" if !self.history.is_empty() => {
                    e.prevent_default();
                    let pos = match self.history_pos {
                        None => self.history.len() - 1,
                        Some(p) => p.saturating_sub(1),
                    };
                    self.history_pos = Some(pos);
                    self.input = self.history[pos].clone();
                }
                "ArrowDown" => {
                    e.prevent_default();
                    match self.history_pos {
                        Some(p) if p + 1 < self.history.len() => {
                            self.history_pos = Some(p + 1);
                            self.input = self.history[p + 1].clone();
                        }
                        _ => {
                            self.history_pos = None;
                            self.input.clear();
                        }
                    }
                }
                "Tab" => {
                    e.prevent_default();
                    if let Some(done) = console_panel::complete(&self.input) {
                        self.input = done;
                    }
                }
                _ => return false,
            },
            Msg::Endpoint(id) => self.endpoint = id,
            Msg::Key(e) => return self.key(ctx, &e),
            Msg::ToggleHelp => self.help = !self.help,
            Msg::ToggleHistory => self.show_history = !self.show_history,
            Msg::ToggleLang => {
                self.lang = if self.lang == Lang::En { Lang::ZhCn } else { Lang::En };
                dom::save_lang(self.lang);
                if let Some(el) = dom::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                    let _ = el.set_attribute("lang", self.lang.tag());
                }
            }
            Msg::CopyLink => {
                self.save_fragment();
                dom::copy_text(&dom::href());
                self.notice = Some(t(self.lang, Text::LinkCopied).to_string());
            }
            Msg::ExportTrace => {
                let trace = self.lab.session().cluster().trace();
                let json = serde_json::to_string_pretty(&trace.export()).unwrap_or_default();
                dom::download("raftlab-trace.json", "application/json", &json);
            }
            Msg::ExportSvg => {
                if let Some(svg) = dom::outer_html("cluster") {
                    dom::download("raftlab-cluster.svg", "image/svg+xml", &svg);
                }
            }
            Msg::Draft(cfg) => self.draft = cfg,
            Msg::Settings(cfg) => {
                self.draft = cfg;
                return Component::update(self, ctx, Msg::NewRun);
            }
            Msg::NewRun => match Lab::new(self.draft.clone()) {
                Ok(lab) => {
                    self.lab = lab;
                    self.lesson = None;
                    self.selected = None;
                    self.inspect = None;
                    self.save_fragment();
                }
                Err(e) => self.notice = Some(e.to_string()),
            },
            Msg::DragStart(id) => {
                self.drag = Some(id);
                self.pointer = None;
                return false;
            }
            Msg::DragMove(x, y) => {
                if self.drag.is_none() {
                    return false;
                }
                self.pointer = Some((x, y));
            }
            Msg::DragEnd => {
                let (Some(node), Some(at)) = (self.drag.take(), self.pointer.take()) else { return true };
                let view = self.lab.session().cluster().view();
                for cmd in picture::drop_command(&view, node, at).unwrap_or_default() {
                    self.line(ctx, &cmd);
                }
            }
            Msg::DropAll(pct) => {
                let ids = self.lab.session().cluster().node_ids();
                for &from in &ids {
                    for &to in &ids {
                        if from != to {
                            let _ = self.lab.act(Action::LinkDropRate { from, to, ppm: pct * 10_000 });
                        }
                    }
                }
                self.save_fragment();
            }
            Msg::OpenFromUrl => self.open_from_url(ctx),
            Msg::OpenLessons => {
                self.page_lessons = true;
                let lang = self.lesson_lang().to_string();
                self.filter_lang.get_or_insert(lang);
                self.save_fragment();
            }
            Msg::OpenLesson(id, language, step) => self.open_lesson(ctx, &id, &language, step),
            Msg::CloseLesson => {
                self.lesson = None;
                self.lesson_errors = None;
                self.page_lessons = false;
                self.save_fragment();
            }
            Msg::LessonNext => self.lesson_next(ctx),
            Msg::LessonBack => self.lesson_back(ctx),
            Msg::LessonRestart => self.lesson_restart(ctx),
            Msg::Answer(k) => self.lesson_answer(ctx, k),
            Msg::ShowMe => self.lesson_show_me(ctx),
            Msg::FilterLang(l) => self.filter_lang = Some(l).filter(|l| !l.is_empty()),
            Msg::FilterLevel(l) => self.filter_level = Some(l).filter(|l| !l.is_empty()),
            Msg::Course(json) => self.course_command(ctx, &json),
            Msg::LessonFetched(url, got, step, builtin) => {
                self.notice = None;
                match got {
                    Ok(text) => self.start_lesson_text(ctx, &url, &text, step, builtin),
                    Err(e) => self.lesson_errors = Some(vec![e]),
                }
            }
            Msg::Visibility => {
                if dom::tab_hidden() && self.playing {
                    self.set_playing(ctx, false);
                    self.paused_hidden = true;
                } else if !dom::tab_hidden() {
                    self.paused_hidden = false;
                }
            }
        }
        true
    }

    fn draw(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let lang = self.lang;
        let view = self.lab.session().cluster().view_limited(panels::STORE_ROWS);
        let leader = view.leader.map(|l| format!("n{l}")).unwrap_or_else(|| "—".into());
        let forked = self.lab.forked.then(|| html! { <p class="notice" role="status">{ t(lang, Text::Forked) }</p> });
        let notice = self.notice.as_ref().map(|n| html! { <p class="notice" role="status" id="notice">{ n }</p> });
        let hidden = self.paused_hidden.then(|| html! { <p class="notice">{ t(lang, Text::Hidden) }</p> });
        let errors = self.lesson_errors.as_ref().map(|errs| {
            html! {
                <div class="lesson-errors" id="lesson-errors" role="alert">
                    <p>{ t(lang, Text::LessonErrors) }</p>
                    <pre>{ errs.join("\n") }</pre>
                </div>
            }
        });
        let embed = self.course.embed;
        let lesson = self.lesson.as_ref().map(|run| lesson_panel::panel(self, link, run));
        let console_wanted =
            !embed || self.lesson.as_ref().is_some_and(|r| lesson_flow::needs_console(&r.player.lesson));
        let attrs = (
            leader.clone(),
            view.now_ms.to_string(),
            format!("{:.2}", self.frame_p95()),
            self.frame_ms.len().to_string(),
        );
        let main = if self.page_lessons && !embed {
            lessons_page::page(self, link)
        } else {
            html! {
                <main>
                    <section class="picture">
                        { picture::cluster(self, link, &view) }
                        <p class="status" id="status">
                            { format!("{} {leader} · {} {} ms · hash {:016x}", t(lang, Text::Leader), t(lang, Text::Time), view.now_ms, view.trace_hash) }
                        </p>
                    </section>
                    <section class="side">
                        { for lesson }
                        { controls::node_menu(self, link, &view) }
                        if !embed { { controls::inspector(self, link, &view) } }
                        if console_wanted { { console_panel::console(self, link, &view) } }
                    </section>
                </main>
            }
        };
        html! {
            <div class={classes!("lab", embed.then_some("embed"), self.lesson.is_some().then_some("with-lesson"))}
                 data-leader={attrs.0} data-now={attrs.1}
                 data-frame-p95={attrs.2} data-frames={attrs.3}
                 data-hash={format!("{:016x}", view.trace_hash)} data-playing={self.playing.to_string()}>
                <header>
                    if !embed { <h1>{ t(lang, Text::Title) }</h1> }
                    { controls::time_controls(self, link, &view) }
                    if !embed {
                        <div class="tools">
                            <button id="lessons" onclick={link.callback(|_| Msg::OpenLessons)}>{ t(lang, Text::Lessons) }</button>
                            <button id="lang" onclick={link.callback(|_| Msg::ToggleLang)}>{ t(lang, Text::Language) }</button>
                            <button id="copy-link" onclick={link.callback(|_| Msg::CopyLink)}>{ t(lang, Text::CopyLink) }</button>
                            <button id="history-toggle" aria-pressed={self.show_history.to_string()} onclick={link.callback(|_| Msg::ToggleHistory)}>{ t(lang, Text::History) }</button>
                            <button onclick={link.callback(|_| Msg::ExportTrace)}>{ t(lang, Text::ExportTrace) }</button>
                            <button onclick={link.callback(|_| Msg::ExportSvg)}>{ t(lang, Text::ExportSvg) }</button>
                            <button aria-label={t(lang, Text::Shortcuts)} onclick={link.callback(|_| Msg::ToggleHelp)}>{ "?" }</button>
                        </div>
                    }
                </header>
                { for forked }{ for notice }{ for hidden }{ for errors }
                { main }
                if self.show_history && (embed || !self.page_lessons) { { history_panel::panel(self, link) } }
                if !embed && !self.page_lessons {
                    <section class="lower">
                        { panels::logs(self, &view) }
                        { panels::stores(self, &view) }
                        { console_panel::leases(self, &view) }
                        { console_panel::watches(self) }
                        { panels::raft_lines(self) }
                        { controls::settings(self, link) }
                    </section>
                }
                { controls::help(self, link) }
            </div>
        }
    }
}

/// Colour and label of a role (never colour alone: the label is always drawn too).
pub fn role_style(lang: Lang, role: Role) -> (&'static str, &'static str) {
    match role {
        // Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
        Role::Leader => ("role-leader", t(lang, Text::Leader)),
        Role::Candidate => ("role-candidate", t(lang, Text::Candidate)),
        Role::PreCandidate => ("role-precandidate", t(lang, Text::PreCandidate)),
        Role::Follower => ("role-follower", t(lang, Text::Follower)),
        Role::Learner => ("role-learner", t(lang, Text::Learner)),
        Role::Dead => ("role-dead", t(lang, Text::Dead)),
    }
}
