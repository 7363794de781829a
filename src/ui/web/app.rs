//! The root component: the lab behind a context handle, the UI state in a reducer, the
//! page's clocks and listeners as hooks, and the page laid out from one `ClusterView` per
//! frame.
//!
//! Contract: data flows one way. A component calls an `on_<verb>` callback with a domain
//! value; it becomes a `Cmd` for the `Model` (which changes the run only through the lab)
//! or a `UiAction` for the reducer (`dispatch`); a changed model bumps the context's
//! version, and the next render computes the view again. Nothing here draws a panel: each is a component
//! with `PartialEq` props in its own file.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::lab::course::Event;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::lesson_view::needs_console;
use crate::ui::shortcuts::{shortcut, Shortcut};

use super::cmd::Door;
use super::console_panel::Console;
use super::dispatch::{Actions, Env};
use super::dom;
use super::help::Help;
use super::history_panel::HistoryPanel;
use super::home::Home;
use super::hooks::{use_embed_messages, use_idle, use_interval, use_latest, use_shortcut_keys, use_visibility};
use super::icons::{icon, Icon};
use super::inspector::Inspector;
use super::leases::Leases;
use super::legend::Legend;
use super::lesson_panel::LessonPanel;
use super::lessons_page::LessonsPage;
use super::logs::Logs;
use super::model::{Cmd, Model, FRAME_MS};
use super::network_bar::NetworkBar;
use super::node_menu::NodeMenu;
use super::picture::Picture;
use super::raft_lines::RaftLines;
use super::settings::Settings;
use super::state::{UiAction, UiState};
use super::stores::{Stores, STORE_ROWS};
use super::time_controls::TimeControls;
use super::tour::Tour;
use super::watches::Watches;

/// Real milliseconds between idle turns.
const IDLE_GAP_MS: u32 = 20;

/// The lab as components see it: the model (read it, never borrow it mutably: commands go
/// through the callbacks) and a version that changes whenever the model did, so consumers
/// re-render.
#[derive(Clone)]
pub struct LabHandle {
    pub model: Rc<RefCell<Model>>,
    pub version: u64,
}

impl PartialEq for LabHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model) && self.version == other.version
    }
}

/// The model for a component that decides by its other props when to redraw: equal to
/// itself always, so it never forces a render.
#[derive(Clone)]
pub struct ModelRef(pub Rc<RefCell<Model>>);

impl PartialEq for ModelRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[component]
pub fn App() -> Html {
    let ui = use_reducer(|| UiState::new(dom::saved_lang()));
    let lang = ui.lang;
    let model = use_mut_ref(|| Model::from_page(lang));
    let version = use_mut_ref(|| 0u64);
    let redraw = use_force_update();
    let ui_latest = use_latest(ui.clone());
    let env = Env { model: model.clone(), ui: ui_latest.clone(), version: version.clone(), redraw };
    let actions = (*use_memo((), {
        let (env, ui_latest) = (env.clone(), ui_latest.clone());
        move |_| Actions::new(env, ui_latest)
    }))
    .clone();

    // The page's clocks and listeners.
    let clock = {
        let m = model.borrow();
        m.playing.then_some(m.play_epoch)
    };
    use_interval(clock, FRAME_MS, actions.cmd.reform(|()| Cmd::Frame));
    use_idle(IDLE_GAP_MS, {
        let model = model.clone();
        Rc::new(move || model.borrow_mut().idle())
    });
    use_shortcut_keys({
        let (actions, model, ui) = (actions.clone(), model.clone(), ui_latest.clone());
        Callback::from(move |key: String| {
            // The home has no lab to act on.
            if model.borrow().home {
                return;
            }
            let selected = ui.borrow().selected;
            let view = model.borrow().lab.session().cluster().view_limited(0);
            match shortcut(&key, selected, &view) {
                Some(Shortcut::ToggleHelp) => actions.ui.emit(UiAction::ToggleHelp),
                Some(Shortcut::Escape) => actions.ui.emit(UiAction::Escape),
                Some(Shortcut::Select(id)) => actions.ui.emit(UiAction::Select(Some(id))),
                Some(Shortcut::TogglePlay) => actions.cmd.emit(Cmd::TogglePlay),
                Some(Shortcut::Step(kind)) => actions.cmd.emit(Cmd::KeyStep(kind)),
                Some(Shortcut::StepBack) => actions.cmd.emit(Cmd::KeyStepBack),
                Some(Shortcut::Line(line)) => actions.cmd.emit(Cmd::Line(line)),
                None => {}
            }
        })
    });
    use_visibility(actions.cmd.reform(Cmd::Visibility));
    let origins = model.borrow().course.origins.clone();
    use_embed_messages(origins, actions.cmd.reform(Cmd::Course));
    {
        let first = use_mut_ref(|| true);
        use_effect_with(lang, move |lang| {
            if !std::mem::take(&mut *first.borrow_mut()) {
                dom::save_lang(*lang);
            }
            if let Some(el) = dom::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = el.set_attribute("lang", lang.tag());
            }
        });
    }
    {
        let (model, cmd) = (model.clone(), actions.cmd.clone());
        use_effect_with((), move |_| {
            model.borrow().post(Event::new("ready", "", 0, 0));
            cmd.emit(Cmd::OpenFromUrl);
        });
    }
    {
        // After every render: the frame's work is done once its DOM is patched.
        let model = model.clone();
        use_effect(move || {
            let mut m = model.borrow_mut();
            if let (Some(start), Some(now)) = (m.frame_start.take(), dom::now_ms()) {
                m.frames.record(now - start);
            }
            if std::mem::take(&mut m.scroll_history) {
                dom::scroll_into_view("history");
            }
        });
    }

    let v = *version.borrow();
    let view: Rc<ClusterView> = {
        let model = model.clone();
        use_memo(v, move |_| model.borrow().lab.session().cluster().view_limited(STORE_ROWS))
    };
    let handle = LabHandle { model: model.clone(), version: v };
    let reduced_motion = *use_memo((), |_| dom::prefers_reduced_motion());
    let m = model.borrow();
    if m.home && !m.course.embed {
        return home(lang, &actions);
    }
    html! {
        <ContextProvider<LabHandle> context={handle}>
            { layout(&m, &ui, &view, &actions, reduced_motion) }
        </ContextProvider<LabHandle>>
    }
}

/// The home page: its doors lead into the lab (the tour's door opens the free lab with the
/// tour on its first step).
fn home(lang: Lang, a: &Actions) -> Html {
    let ui = a.ui.clone();
    let on_lang = Callback::from(move |chosen: Lang| {
        if chosen != lang {
            ui.emit(UiAction::ToggleLang);
        }
    });
    let on_tour = {
        let (cmd, ui) = (a.cmd.clone(), a.ui.clone());
        Callback::from(move |()| {
            cmd.emit(Cmd::LeaveHome(Door::Lab));
            ui.emit(UiAction::Tour(Some(0)));
        })
    };
    html! { <Home {lang} on_door={a.cmd.reform(Cmd::LeaveHome)} {on_lang} {on_tour} /> }
}

/// The page: header, notices, the picture with the side panels (or the lessons page), the
/// history panel and the lower panels.
fn layout(m: &Model, ui: &UiState, view: &Rc<ClusterView>, a: &Actions, reduced_motion: bool) -> Html {
    let lang = ui.lang;
    let embed = m.course.embed;
    let leader = view.leader.map(|l| format!("n{l}")).unwrap_or_else(|| "—".into());
    let console_wanted = !embed || m.lesson.as_ref().is_some_and(|r| needs_console(&r.player.lesson));
    let cmd = |make: fn() -> Cmd| a.cmd.reform(move |_: MouseEvent| make());
    let main = if m.page_lessons && !embed {
        html! {
            <LessonsPage {lang} filter_lang={m.filter_lang.clone()} filter_level={m.filter_level.clone()}
                on_open={a.open_lesson.clone()}
                on_filter_lang={a.filter_lang.clone()} on_filter_level={a.filter_level.clone()}
                on_close={a.close_lessons.clone()} />
        }
    } else {
        html! {
            <main>
                <section class="picture">
                    <NetworkBar view={view.clone()} {lang} on_line={a.line.clone()} on_drop_all={a.drop_all.clone()} />
                    <Picture view={view.clone()} {lang} selected={ui.selected} inspect={ui.inspect}
                        drag={ui.drag} pointer={ui.pointer} {reduced_motion}
                        on_line={a.line.clone()} on_select={a.select.clone()} on_inspect={a.inspect.clone()}
                        on_drag_start={a.drag_start.clone()} on_drag_move={a.drag_move.clone()} on_drag_end={a.drag_end.clone()} />
                    <TimeControls view={view.clone()} {lang} playing={m.playing} speed_log={m.speed_log} end_ms={m.lab.end_ms().max(view.now_ms)}
                        on_toggle_play={a.toggle_play.clone()} on_step={a.step.clone()}
                        on_step_back={a.step_back.clone()} on_speed={a.speed.clone()}
                        on_seek={a.seek.clone()} />
                    <p class="status" id="status">
                        { format!("{} {leader} · {} {} ms · hash {:016x}", t(lang, Text::Leader), t(lang, Text::Time), view.now_ms, view.trace_hash) }
                    </p>
                    <super::safety::SafetyStrip {lang} found={m.lab.safety().found.clone()} on_cmd={a.cmd.clone()} />
                    if !embed { <Legend {lang} /> }
                </section>
                <section class="side">
                    if m.lesson.is_some() {
                        <LessonPanel {lang} on_next={a.lesson_next.clone()} on_back={a.lesson_back.clone()}
                            on_restart={a.lesson_restart.clone()} on_answer={a.answer.clone()}
                            on_show_me={a.show_me.clone()} />
                    }
                    <NodeMenu view={view.clone()} {lang} selected={ui.selected} on_line={a.line.clone()} />
                    if !embed {
                        <Inspector view={view.clone()} {lang} inspect={ui.inspect} on_line={a.line.clone()}
                            on_deliver={a.deliver.clone()}
                            on_close={a.close_inspector.clone()} />
                    }
                    if console_wanted {
                        <Console view={view.clone()} {lang} input={ui.input.clone()} endpoint={ui.endpoint}
                            can_recall={!ui.prompt.is_empty()} on_ui={a.ui.clone()}
                            suggestions={ui.suggestions()} active={ui.suggest.active}
                            on_run={a.run_typed.clone()} />
                    }
                </section>
            </main>
        }
    };
    let notice =
        |text: String, id: Option<&'static str>| html! { <p class="notice" role="status" id={id}>{ text }</p> };
    html! {
        <div class={classes!("lab", embed.then_some("embed"), m.lesson.is_some().then_some("with-lesson"))}
             data-leader={leader.clone()} data-now={view.now_ms.to_string()}
             data-frame-p95={format!("{:.2}", m.frames.p95())} data-frames={m.frames.len().to_string()}
             data-hash={format!("{:016x}", view.trace_hash)} data-playing={m.playing.to_string()}>
            // The stage is one screen high: the header, the picture, the time controls, the
            // console and the lesson panel are all in view; the other panels follow below.
            <div class={classes!("stage", m.page_lessons.then_some("page"))}>
            if !embed {
                <header class="topbar">
                    <h1><button class="home-link" id="go-home" title={t(lang, Text::GoHome)} onclick={cmd(|| Cmd::GoHome)}>{ t(lang, Text::Title) }</button></h1>
                    <nav class="tools" aria-label={t(lang, Text::Title)}>
                        <button id="lessons" onclick={cmd(|| Cmd::OpenLessons)}>{ icon(Icon::Book) }{ t(lang, Text::Lessons) }</button>
                        <button id="history-toggle" aria-pressed={ui.show_history.to_string()} onclick={a.ui.reform(|_| UiAction::ToggleHistory)}>{ icon(Icon::History) }{ t(lang, Text::History) }</button>
                        <details class="share-menu">
                            <summary>{ icon(Icon::Share) }{ t(lang, Text::Share) }</summary>
                            <div class="popover" role="group" aria-label={t(lang, Text::Share)}>
                                <button id="copy-link" onclick={cmd(|| Cmd::CopyLink)}>{ t(lang, Text::CopyLink) }</button>
                                <button id="export-trace" onclick={cmd(|| Cmd::ExportTrace)}>{ t(lang, Text::ExportTrace) }</button>
                                <button id="export-svg" onclick={cmd(|| Cmd::ExportSvg)}>{ t(lang, Text::ExportSvg) }</button>
                            </div>
                        </details>
                        <button id="lang" lang={other_lang(lang)} onclick={a.ui.reform(|_| UiAction::ToggleLang)}>{ icon(Icon::Globe) }{ t(lang, Text::Language) }</button>
                        <button id="help-toggle" class="round" aria-label={t(lang, Text::Shortcuts)} title={t(lang, Text::Shortcuts)} onclick={a.ui.reform(|_| UiAction::ToggleHelp)}>{ "?" }</button>
                    </nav>
                </header>
            }
            if m.lab.forked { { notice(t(lang, Text::Forked).to_string(), None) } }
            if let Some(n) = &m.notice { { notice(n.clone(), Some("notice")) } }
            if m.paused_hidden { <p class="notice">{ t(lang, Text::Hidden) }</p> }
            if let Some(errs) = &m.lesson_errors {
                <div class="lesson-errors" id="lesson-errors" role="alert">
                    <p>{ t(lang, Text::LessonErrors) }</p>
                    <pre>{ errs.join("\n") }</pre>
                </div>
            }
            { main }
            </div>
            if ui.show_history && (embed || !m.page_lessons) {
                <HistoryPanel {lang} on_close={a.toggle_history.clone()} />
            }
            if !embed && !m.page_lessons {
                <section class="lower">
                    <Logs view={view.clone()} {lang} />
                    <Stores view={view.clone()} {lang} />
                    <Leases leader={view.leader} {lang} />
                    <Watches {lang} />
                    <RaftLines selected={ui.selected} {lang} />
                    <Settings draft={m.draft.clone()} {lang} on_draft={a.draft.clone()}
                        on_change={a.settings.clone()} on_new_run={a.new_run.clone()} />
                </section>
            }
            if ui.help { <Help {lang} on_close={a.toggle_help.clone()} on_tour={a.ui.reform(|()| UiAction::Tour(Some(0)))} /> }
            if let Some(step) = ui.tour { <Tour {lang} {step} on_step={a.ui.reform(UiAction::Tour)} /> }
        </div>
    }
}

/// The language the language button switches to (its label is written in that language).
fn other_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::En => Lang::ZhCn.tag(),
        Lang::ZhCn => Lang::En.tag(),
    }
}

/// Colour and label of a role (never colour alone: the label is always drawn too).
pub fn role_style(lang: Lang, role: crate::engine::Role) -> (&'static str, &'static str) {
    use crate::engine::Role;
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
