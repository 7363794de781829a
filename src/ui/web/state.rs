//! The UI's own state: what the learner is looking at and typing, none of it part of the
//! run. Selection, the message being inspected, the open overlays, the language, a drag
//! under way and the prompt.
//!
//! Contract: a `Reducible`; every change is a `UiAction` and returns a new `Rc` only when
//! something changed (Yew then skips the re-render). The prompt's keys go through
//! `ui::prompt`, so what arrow up or Tab does is tested natively.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::NodeId;
use crate::ui::i18n::Lang;
use crate::ui::prompt::{complete, PromptHistory};

#[derive(Clone, PartialEq)]
pub struct UiState {
    pub lang: Lang,
    pub selected: Option<NodeId>,
    pub inspect: Option<u64>,
    pub help: bool,
    /// The history panel is open (its toggle, or a `history` line run by anyone).
    pub show_history: bool,
    /// A node picked up to drag it to another side, and the pointer in the picture's
    /// coordinates once it moved.
    pub drag: Option<NodeId>,
    pub pointer: Option<(f64, f64)>,
    /// The prompt: what is typed, the lines typed before, and the endpoint selector.
    pub input: String,
    pub prompt: PromptHistory,
    pub endpoint: NodeId,
}

impl UiState {
    pub fn new(lang: Lang) -> UiState {
        UiState {
            lang,
            selected: None,
            inspect: None,
            help: false,
            show_history: false,
            drag: None,
            pointer: None,
            input: String::new(),
            prompt: PromptHistory::default(),
            endpoint: 1,
        }
    }
}

pub enum UiAction {
    Select(Option<NodeId>),
    Inspect(Option<u64>),
    ToggleHelp,
    ToggleHistory,
    OpenHistory,
    ToggleLang,
    /// Close the overlays and forget the selection.
    Escape,
    /// A new lab: its nodes and messages are not the ones that were selected.
    Forget,
    DragStart(NodeId),
    DragMove(f64, f64),
    /// The drag is over (dropped, or the pointer left the picture).
    DragEnd,
    Input(String),
    /// The prompt's line was run: recalled by arrow up from now on.
    Ran(String),
    HistoryUp,
    HistoryDown,
    Complete,
    Endpoint(NodeId),
}

impl Reducible for UiState {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            UiAction::Select(id) => s.selected = id,
            UiAction::Inspect(id) => s.inspect = id,
            UiAction::ToggleHelp => s.help = !s.help,
            UiAction::ToggleHistory => s.show_history = !s.show_history,
            UiAction::OpenHistory => s.show_history = true,
            UiAction::ToggleLang => s.lang = if s.lang == Lang::En { Lang::ZhCn } else { Lang::En },
            UiAction::Escape => {
                s.help = false;
                s.inspect = None;
                s.selected = None;
            }
            UiAction::Forget => {
                s.selected = None;
                s.inspect = None;
            }
            UiAction::DragStart(id) => {
                s.drag = Some(id);
                s.pointer = None;
            }
            UiAction::DragMove(x, y) => {
                if s.drag.is_none() {
                    return self;
                }
                s.pointer = Some((x, y));
            }
            UiAction::DragEnd => {
                s.drag = None;
                s.pointer = None;
            }
            UiAction::Input(text) => s.input = text,
            UiAction::Ran(line) => {
                s.prompt.push(&line);
                s.input.clear();
            }
            UiAction::HistoryUp => match s.prompt.up() {
                Some(line) => s.input = line.to_string(),
                None => return self,
            },
            UiAction::HistoryDown => s.input = s.prompt.down().to_string(),
            UiAction::Complete => match complete(&s.input) {
                Some(done) => s.input = done,
                None => return self,
            },
            UiAction::Endpoint(id) => s.endpoint = id,
        }
        if s == *self {
            self
        } else {
            Rc::new(s)
        }
    }
}
