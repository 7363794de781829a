//! Where the components' callbacks lead: each becomes a `Cmd` for the model (applied by
//! `run`, which then bumps the version and carries out the effects) or a `UiAction` for the
//! reducer.
//!
//! Contract: every callback is made once (`Actions::new`, memoized by the app), so a
//! panel's props stay equal from frame to frame unless its data changed; a callback reads
//! the UI state it needs (the drag, the endpoint) when it is called, never from an old
//! render.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterConfig, NodeId};

use super::embed;
use super::model::{Cmd, Effect, Model};
use super::state::{UiAction, UiState};

/// What `run` needs to apply a command and carry out its effects; every part is shared
/// and outlives the render that made it.
#[derive(Clone)]
pub struct Env {
    pub model: Rc<RefCell<Model>>,
    pub ui: Rc<RefCell<UseReducerHandle<UiState>>>,
    pub version: Rc<RefCell<u64>>,
    pub redraw: yew::functional::UseForceUpdateHandle,
}

/// Applies one command, then its effects. The model is never borrowed while the reducer or
/// the renderer may run.
fn run(env: &Env, cmd: Cmd) {
    let lang = env.ui.borrow().lang;
    let (changed, effects) = {
        let mut m = env.model.borrow_mut();
        m.lang = lang;
        let changed = m.apply(cmd);
        (changed, std::mem::take(&mut m.effects))
    };
    if changed {
        *env.version.borrow_mut() += 1;
        env.redraw.force_update();
    }
    for effect in effects {
        match effect {
            Effect::Ui(action) => {
                let dispatcher = env.ui.borrow().dispatcher();
                dispatcher.dispatch(action);
            }
            Effect::Fetch { url, step, builtin } => {
                let env = env.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let got = embed::fetch_text(&url).await;
                    run(&env, Cmd::LessonFetched(url, got, step, builtin));
                });
            }
        }
    }
}

/// Every callback the panels get, made once: each sends one command or UI action.
#[derive(Clone, PartialEq)]
pub struct Actions {
    pub cmd: Callback<Cmd>,
    pub ui: Callback<UiAction>,
    pub line: Callback<String>,
    pub select: Callback<Option<NodeId>>,
    pub inspect: Callback<Option<u64>>,
    pub drag_start: Callback<NodeId>,
    pub drag_move: Callback<(f64, f64)>,
    pub drag_end: Callback<()>,
    /// A line typed at the prompt: run at the endpoint chosen when it is entered.
    pub run_typed: Callback<String>,
    pub open_lesson: Callback<(String, String)>,
    pub filter_lang: Callback<String>,
    pub filter_level: Callback<String>,
    pub close_lessons: Callback<()>,
    pub lesson_next: Callback<()>,
    pub lesson_back: Callback<()>,
    pub lesson_restart: Callback<()>,
    pub answer: Callback<usize>,
    pub show_me: Callback<()>,
    pub deliver: Callback<u64>,
    pub close_inspector: Callback<()>,
    pub toggle_play: Callback<()>,
    pub step: Callback<crate::lab::StepKind>,
    pub step_back: Callback<()>,
    pub speed: Callback<f64>,
    pub seek: Callback<u64>,
    pub drop_all: Callback<u32>,
    pub toggle_history: Callback<()>,
    pub draft: Callback<ClusterConfig>,
    pub settings: Callback<ClusterConfig>,
    pub new_run: Callback<()>,
    pub toggle_help: Callback<()>,
}

impl Actions {
    pub fn new(env: Env, ui_latest: Rc<RefCell<UseReducerHandle<UiState>>>) -> Actions {
        let cmd = Callback::from(move |c: Cmd| run(&env, c));
        let dispatcher = ui_latest.borrow().dispatcher();
        let ui_cb = Callback::from(move |a: UiAction| dispatcher.dispatch(a));
        let drag_end = {
            let (cmd, ui_cb, ui_latest) = (cmd.clone(), ui_cb.clone(), ui_latest.clone());
            Callback::from(move |()| {
                let (drag, pointer) = {
                    let s = ui_latest.borrow();
                    (s.drag, s.pointer)
                };
                ui_cb.emit(UiAction::DragEnd);
                if let (Some(node), Some(at)) = (drag, pointer) {
                    cmd.emit(Cmd::Drop { node, at });
                }
            })
        };
        let run_typed = {
            let (cmd, ui_cb, ui_latest) = (cmd.clone(), ui_cb.clone(), ui_latest.clone());
            Callback::from(move |line: String| {
                let endpoint = ui_latest.borrow().endpoint;
                ui_cb.emit(UiAction::Ran(line.clone()));
                cmd.emit(Cmd::Typed { line, endpoint });
            })
        };
        Actions {
            run_typed,
            open_lesson: cmd.reform(|(id, language): (String, String)| Cmd::OpenLesson(id, language, 0)),
            filter_lang: cmd.reform(Cmd::FilterLang),
            filter_level: cmd.reform(Cmd::FilterLevel),
            close_lessons: cmd.reform(|()| Cmd::CloseLesson),
            lesson_next: cmd.reform(|()| Cmd::LessonNext),
            lesson_back: cmd.reform(|()| Cmd::LessonBack),
            lesson_restart: cmd.reform(|()| Cmd::LessonRestart),
            answer: cmd.reform(Cmd::Answer),
            show_me: cmd.reform(|()| Cmd::ShowMe),
            deliver: cmd.reform(|id| Cmd::Act(crate::engine::Action::DeliverMessage(id))),
            close_inspector: ui_cb.reform(|()| UiAction::Inspect(None)),
            toggle_play: cmd.reform(|()| Cmd::TogglePlay),
            step: cmd.reform(Cmd::Step),
            step_back: cmd.reform(|()| Cmd::StepBack),
            speed: cmd.reform(Cmd::Speed),
            seek: cmd.reform(Cmd::Seek),
            drop_all: cmd.reform(Cmd::DropAll),
            toggle_history: ui_cb.reform(|()| UiAction::ToggleHistory),
            draft: cmd.reform(Cmd::Draft),
            settings: cmd.reform(Cmd::Settings),
            new_run: cmd.reform(|()| Cmd::NewRun),
            toggle_help: ui_cb.reform(|()| UiAction::ToggleHelp),
            line: cmd.reform(Cmd::Line),
            select: ui_cb.reform(UiAction::Select),
            inspect: ui_cb.reform(UiAction::Inspect),
            drag_start: ui_cb.reform(UiAction::DragStart),
            drag_move: ui_cb.reform(|(x, y)| UiAction::DragMove(x, y)),
            drag_end,
            cmd,
            ui: ui_cb,
        }
    }
}
